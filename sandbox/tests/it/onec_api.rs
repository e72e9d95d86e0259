//! Reading from the 1C simulator over HTTP: JSON and Atom collections with 1C's value quirks,
//! single entities, `$select`, the `$filter` subset, `$orderby=Ref_Key` paging, `/$count`, and
//! Basic auth with UTF-8 credentials.

use std::collections::HashSet;

use reqwest::StatusCode;
use sandbox::onec::{Configuration, OnecConfig, OnecSandbox};
use serde_json::Value;

use crate::onec_support::{client, error_code, get, get_json, list, start};

#[tokio::test]
async fn json_collection_carries_1c_wire_quirks() {
    let sb = start(Configuration::Ut11).await;
    let doc = get_json(&sb, "Catalog_Контрагенты?$format=json").await;
    assert!(doc["odata.metadata"]
        .as_str()
        .unwrap()
        .ends_with("/odata/standard.odata/$metadata#Catalog_Контрагенты"));
    let rows = doc["value"].as_array().unwrap();
    let world = sb.world();
    assert_eq!(rows.len(), world.onec.counterparties.len());
    let first = &world.onec.counterparties[0];
    let row = rows
        .iter()
        .find(|r| r["Ref_Key"] == first.r#ref.to_string())
        .expect("the first counterparty is served");
    assert_eq!(row["ИНН"], first.inn.clone().unwrap());
    assert_eq!(row["Description"], first.name);
    // УТ 11 counterparties have no Code; references come with navigation links.
    assert!(row.get("Code").is_none());
    assert!(row["ГоловнойКонтрагент@navigationLinkUrl"]
        .as_str()
        .unwrap()
        .ends_with("/ГоловнойКонтрагент"));
    // Tabular rows carry LineNumber as a string; empty values are 1C's empties.
    let ci = row["КонтактнаяИнформация"].as_array().unwrap();
    assert!(!ci.is_empty());
    assert_eq!(ci[0]["LineNumber"], "1");
    assert_eq!(ci[0]["ДействуетС"], "0001-01-01T00:00:00");
    assert_eq!(
        ci[0]["ВидДляСписка_Key"],
        "00000000-0000-0000-0000-000000000000"
    );
    assert_eq!(row["ДополнительныеРеквизиты"], Value::Array(vec![]));
    assert!(row["DataVersion"].as_str().unwrap().ends_with('='));
    let emails: HashSet<&str> = ci
        .iter()
        .filter(|r| r["Тип"] == "АдресЭлектроннойПочты")
        .map(|r| r["АдресЭП"].as_str().unwrap())
        .collect();
    for e in &first.emails {
        assert!(emails.contains(e.as_str()), "{e} missing from {emails:?}");
    }
}

#[tokio::test]
async fn property_order_changes_between_responses() {
    let sb = start(Configuration::Ut11).await;
    let mut orders = HashSet::new();
    for _ in 0..6 {
        let (_, body) = get(&sb, "Catalog_Партнеры?$format=json&$top=1").await;
        let keys: Vec<String> = body
            .split("\",\"")
            .filter_map(|s| s.split('"').next().map(str::to_owned))
            .collect();
        orders.insert(keys);
    }
    assert!(
        orders.len() > 1,
        "six responses had the same property order"
    );
}

#[tokio::test]
async fn atom_is_the_default_and_looks_like_the_capture() {
    let sb = start(Configuration::Ut11).await;
    let (status, body) = get(&sb, "Catalog_Контрагенты?$top=2").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.starts_with("<?xml"));
    assert!(body.contains("xmlns:at=\"http://purl.org/atompub/tombstones/1.0\""));
    assert!(body.contains("<category term=\"StandardODATA.Catalog_Контрагенты\""));
    assert!(body.contains("<link rel=\"edit\" href=\"Catalog_Контрагенты(guid'"));
    assert!(body.contains(
        "m:type=\"Collection(StandardODATA.Catalog_Контрагенты_КонтактнаяИнформация_RowType)\""
    ));
    assert!(body.contains(
        "<d:element m:type=\"StandardODATA.Catalog_Контрагенты_КонтактнаяИнформация_RowType\">"
    ));
    assert!(body.contains("<d:ДействуетС>0001-01-01T00:00:00</d:ДействуетС>"));
    assert_eq!(body.matches("<entry>").count(), 2);
    // The feed parses as XML.
    let mut reader = quick_xml::Reader::from_str(&body);
    loop {
        match reader.read_event().unwrap() {
            quick_xml::events::Event::Eof => break,
            _ => continue,
        }
    }
}

#[tokio::test]
async fn single_entity_by_guid_and_404_with_code_9() {
    let sb = start(Configuration::Unf).await;
    let cp = &sb.world().onec.counterparties[3];
    let one = get_json(
        &sb,
        &format!("Catalog_Контрагенты(guid'{}')?$format=json", cp.r#ref),
    )
    .await;
    assert!(one["odata.metadata"]
        .as_str()
        .unwrap()
        .ends_with("#Catalog_Контрагенты/@Element"));
    assert_eq!(one["Ref_Key"], cp.r#ref.to_string());
    assert_eq!(one["ИНН"], cp.inn.clone().unwrap());
    // УНФ counterparties have codes.
    assert!(!one["Code"].as_str().unwrap().is_empty());
    let (status, body) = get(
        &sb,
        "Catalog_Контрагенты(guid'0b0e7a52-0000-4000-8000-000000000001')?$format=json",
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(error_code(&body), "9");
    let (status, body) = get(&sb, "Catalog_Нету?$format=json").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
}

#[tokio::test]
async fn select_limits_properties_and_tables() {
    let sb = start(Configuration::Ut11).await;
    let rows = list(
        &sb,
        "Catalog_Контрагенты?$format=json&$select=Ref_Key,ИНН,КонтактнаяИнформация/АдресЭП&$top=3",
    )
    .await;
    for r in &rows {
        let mut keys: Vec<&str> = r.as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(keys, ["Ref_Key", "ИНН", "КонтактнаяИнформация"], "{r}");
        for row in r["КонтактнаяИнформация"].as_array().unwrap() {
            let mut cols: Vec<&str> = row
                .as_object()
                .unwrap()
                .keys()
                .map(String::as_str)
                .collect();
            cols.sort_unstable();
            assert_eq!(cols, ["LineNumber", "АдресЭП"]);
        }
    }
    let (status, body) = get(&sb, "Catalog_Контрагенты?$format=json&$select=Нету").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error_code(&body), "10");
}

#[tokio::test]
async fn filters_follow_the_1c_subset() {
    let sb = start(Configuration::Ut11).await;
    let world = sb.world().onec.clone();
    let cp = &world.counterparties[2];
    let inn = cp.inn.clone().unwrap();
    let by_inn = list(
        &sb,
        &format!("Catalog_Контрагенты?$format=json&$filter=ИНН eq '{inn}'"),
    )
    .await;
    assert_eq!(by_inn.len(), 1);
    assert_eq!(by_inn[0]["Ref_Key"], cp.r#ref.to_string());

    let partner = cp.partner.unwrap();
    let contacts = list(
        &sb,
        &format!(
            "Catalog_КонтактныеЛицаПартнеров?$format=json&$filter=Owner_Key eq guid'{partner}'"
        ),
    )
    .await;
    let expected = world
        .contacts
        .iter()
        .filter(|c| c.owner == Some(cp.r#ref))
        .count();
    assert_eq!(contacts.len(), expected);

    let marked = list(
        &sb,
        "Catalog_Контрагенты?$format=json&$filter=DeletionMark eq true",
    )
    .await;
    let expected = world
        .counterparties
        .iter()
        .filter(|c| c.deletion_mark)
        .count();
    assert_eq!(marked.len(), expected);

    let word = cp.name.split_whitespace().last().unwrap().trim_matches('"');
    let needle: String = word.chars().take(4).collect();
    let found = list(
        &sb,
        &format!("Catalog_Контрагенты?$format=json&$filter=substringof('{needle}', Description) and (DeletionMark eq false or DeletionMark eq true)"),
    )
    .await;
    assert!(found.iter().any(|r| r["Ref_Key"] == cp.r#ref.to_string()));
    for r in &found {
        let d = r["Description"].as_str().unwrap().to_lowercase();
        assert!(d.contains(&needle.to_lowercase()), "{d} lacks {needle}");
    }

    let contracts = list(
        &sb,
        "Catalog_ДоговорыКонтрагентов?$format=json&$filter=Дата ge datetime'2024-01-01T00:00:00' and Статус ne 'Закрыт'",
    )
    .await;
    let expected = world
        .contracts
        .iter()
        .filter(|c| {
            c.date.unwrap() >= chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap()
                && c.status.as_deref() != Some("Закрыт")
        })
        .count();
    assert_eq!(contracts.len(), expected);

    // Quotes inside strings are doubled.
    let quoted = list(
        &sb,
        "Catalog_Контрагенты?$format=json&$filter=Description eq 'ООО ''Нет такого'''",
    )
    .await;
    assert!(quoted.is_empty());

    // A v4 function is rejected with 1C's code 21; keyset paging on a reference is a 500.
    let (status, body) = get(
        &sb,
        "Catalog_Контрагенты?$format=json&$filter=contains(Description,'а')",
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error_code(&body), "21");
    let (status, body) = get(
        &sb,
        &format!(
            "Catalog_Контрагенты?$format=json&$filter=Ref_Key gt guid'{}'",
            cp.r#ref
        ),
    )
    .await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(error_code(&body), "-1");
    let (status, body) = get(&sb, "Catalog_Контрагенты?$format=json&$filter=Нету eq 1").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error_code(&body), "10");
}

#[tokio::test]
async fn plus_for_space_silently_drops_the_filter_as_1c_does() {
    let sb = start(Configuration::Ut11).await;
    let inn = sb.world().onec.counterparties[0].inn.clone().unwrap();
    let all = sb.world().onec.counterparties.len();
    let url = format!(
        "{}/Catalog_Контрагенты?$format=json&$filter=ИНН+eq+'{inn}'",
        sb.url()
    );
    let body: Value = client()
        .get(url)
        .basic_auth(sb.user(), Some(sb.password()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(body["value"].as_array().unwrap().len(), all);
}

#[tokio::test]
async fn paging_by_ref_key_visits_every_object_once() {
    let sb = OnecSandbox::start(OnecConfig {
        size: sandbox::demo::DemoSize::Counterparties(57),
        ..OnecConfig::new(Configuration::Ut11)
    })
    .await
    .unwrap();
    let mut seen = Vec::new();
    let mut skip = 0;
    for _ in 0..20 {
        let page = list(
            &sb,
            &format!("Catalog_Контрагенты?$format=json&$select=Ref_Key,DataVersion&$orderby=Ref_Key&$top=10&$skip={skip}"),
        )
        .await;
        if page.is_empty() {
            break;
        }
        skip += page.len();
        seen.extend(
            page.into_iter()
                .map(|r| r["Ref_Key"].as_str().unwrap().to_owned()),
        );
    }
    assert_eq!(seen.len(), 57);
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), 57, "a page repeated an object");
    let (_, count) = get(&sb, "Catalog_Контрагенты/$count").await;
    assert_eq!(count.trim_start_matches('\u{feff}'), "57");
    let counted = get_json(
        &sb,
        "Catalog_Контрагенты?$format=json&$top=1&$inlinecount=allpages",
    )
    .await;
    assert_eq!(counted["odata.count"], "57");
}

#[tokio::test]
async fn tabular_sections_are_published_as_sets_and_registers_have_dimension_keys() {
    let sb = start(Configuration::Unf).await;
    let links = list(
        &sb,
        "InformationRegister_СвязиКонтрагентКонтакт?$format=json",
    )
    .await;
    let world = sb.world().onec.clone();
    assert_eq!(
        links.len(),
        world.contacts.iter().filter(|c| c.owner.is_some()).count()
    );
    assert!(links[0].get("Ref_Key").is_none());
    let ci = list(&sb, "Catalog_Контрагенты_КонтактнаяИнформация?$format=json&$filter=Тип eq 'АдресЭлектроннойПочты'").await;
    let emails: usize = world.counterparties.iter().map(|c| c.emails.len()).sum();
    assert_eq!(ci.len(), emails);
    assert!(ci[0]["Ref_Key"].is_string() && ci[0]["LineNumber"].is_string());

    let sb = start(Configuration::Ut103).await;
    let cp = &sb.world().onec.counterparties[1];
    let records = list(
        &sb,
        &format!("InformationRegister_КонтактнаяИнформация?$format=json&$filter=Объект eq cast(guid'{}','Catalog_Контрагенты') and Тип eq 'АдресЭлектроннойПочты'", cp.r#ref),
    )
    .await;
    let got: Vec<&str> = records
        .iter()
        .map(|r| r["Представление"].as_str().unwrap())
        .collect();
    assert_eq!(
        got,
        cp.emails.iter().map(String::as_str).collect::<Vec<_>>()
    );
    // A composite compared with a bare guid matches nothing, as D17 says.
    let none = list(
        &sb,
        &format!(
            "InformationRegister_КонтактнаяИнформация?$format=json&$filter=Объект eq guid'{}'",
            cp.r#ref
        ),
    )
    .await;
    assert!(none.is_empty());
}

#[tokio::test]
async fn bad_credentials_get_401_and_cyrillic_logins_work() {
    let sb = OnecSandbox::start(
        OnecConfig::new(Configuration::Ka).credentials("Бухгалтер Иванова", "пароль-1"),
    )
    .await
    .unwrap();
    let url = format!("{}/Catalog_Партнеры?$format=json&$top=1", sb.url());
    let ok = client()
        .get(&url)
        .basic_auth("Бухгалтер Иванова", Some("пароль-1"))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), StatusCode::OK);
    for (user, password) in [
        ("Бухгалтер Иванова", "пароль-2"),
        ("Администратор", "пароль-1"),
    ] {
        let r = client()
            .get(&url)
            .basic_auth(user, Some(password))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        assert!(r.headers().contains_key("www-authenticate"));
        assert_eq!(error_code(&r.text().await.unwrap()), "20");
    }
    let r = client().get(&url).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    // Latin-1 bytes of the same login are not the UTF-8 login.
    let latin = base64_of(&[0xC1, 0xF3, b':', b'x']);
    let r = client()
        .get(&url)
        .header("Authorization", format!("Basic {latin}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(sb.stats().unauthorized, 4);
}

fn base64_of(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[tokio::test]
async fn service_document_lists_sets() {
    let sb = start(Configuration::Esti).await;
    let doc = get_json(&sb, "?$format=json").await;
    let names: Vec<&str> = doc["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"ExchangePlan_ОбменСОкДеск"));
    assert!(names.contains(&"Catalog_ОборудованиеКлиентов"));
    let (status, atom) = get(&sb, "").await;
    assert_eq!(status, StatusCode::OK);
    assert!(atom.contains("<collection href=\"Catalog_Партнеры\">"));
}
