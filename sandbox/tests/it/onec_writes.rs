//! Writing into the 1C simulator: POST (201, `Location`, new `Ref_Key`, `Number`, `DataVersion`),
//! PATCH, `Post`, the deletion mark, the validation 1C applies (every tabular row needs
//! `LineNumber`, references must resolve, values must fit their types), in JSON and in Atom.

use reqwest::{Method, StatusCode};
use sandbox::onec::Configuration;
use serde_json::{json, Value};

use crate::onec_support::{error_code, get, get_json, patch_json, post_json, send, start};

#[tokio::test]
async fn order_post_patch_post_round_trip_in_json() {
    let sb = start(Configuration::Ut11).await;
    let w = sb.world().onec.clone();
    let cp = &w.counterparties[0];
    let item = &w.items[0];
    let org = &w.organizations[0];
    let vat20 = sb
        .objects("Catalog_СтавкиНДС")
        .unwrap()
        .into_iter()
        .find(|r| r.text("ПеречислениеСтавкаНДС") == Some("НДС20"))
        .unwrap()
        .key;
    let order = json!({
        "Date": "2025-09-10T10:00:00",
        "ХозяйственнаяОперация": "РеализацияКлиенту",
        "Организация_Key": org.r#ref.to_string(),
        "Контрагент_Key": cp.r#ref.to_string(),
        "Партнер_Key": cp.partner.unwrap().to_string(),
        "Договор_Key": w.contracts[0].r#ref.to_string(),
        "ЦенаВключаетНДС": true,
        "Статус": "КОбеспечению",
        "Комментарий": "Okdesk #42",
        "СуммаДокумента": 3000,
        "Товары@odata.type": "Collection(StandardODATA.Document_ЗаказКлиента_Товары_RowType)",
        "Товары": [
            {"LineNumber": "1", "Номенклатура_Key": item.r#ref.to_string(), "Количество": 2, "КоличествоУпаковок": 2, "СтавкаНДС_Key": vat20.to_string(), "Цена": 1500, "Сумма": 3000, "СуммаНДС": 500, "СуммаСНДС": 3000, "Содержание": "Выезд инженера"}
        ]
    });
    let (status, body) = post_json(&sb, "Document_ЗаказКлиента?$format=json", &order).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let created: Value = serde_json::from_str(&body).unwrap();
    let key = created["Ref_Key"].as_str().unwrap().to_owned();
    assert_ne!(key, "00000000-0000-0000-0000-000000000000");
    assert!(!created["Number"].as_str().unwrap().is_empty());
    assert_eq!(created["Posted"], false);
    assert_eq!(created["Товары"][0]["LineNumber"], "1");
    assert_eq!(created["Товары"][0]["Цена"], 1500);
    let v1 = created["DataVersion"].as_str().unwrap().to_owned();

    let docs = sb.documents("Document_ЗаказКлиента").unwrap();
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0].text("Комментарий"), Some("Okdesk #42"));

    let (status, body) = patch_json(
        &sb,
        &format!("Document_ЗаказКлиента(guid'{key}')?$format=json"),
        &json!({"Комментарий": "Okdesk #42, исправлено"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let patched: Value = serde_json::from_str(&body).unwrap();
    let v2 = patched["DataVersion"].as_str().unwrap().to_owned();
    assert_ne!(v1, v2, "PATCH must change DataVersion");
    assert_eq!(
        patched["Товары"].as_array().unwrap().len(),
        1,
        "omitted tables stay"
    );

    let (status, body) = send(
        &sb,
        Method::POST,
        &format!("Document_ЗаказКлиента(guid'{key}')/Post?PostingModeOperational=false"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let read = get_json(
        &sb,
        &format!("Document_ЗаказКлиента(guid'{key}')?$format=json"),
    )
    .await;
    assert_eq!(read["Posted"], true);
    assert_ne!(
        read["DataVersion"],
        v2.as_str(),
        "Post must change DataVersion"
    );

    let (status, _) = patch_json(
        &sb,
        &format!("Document_ЗаказКлиента(guid'{key}')?$format=json"),
        &json!({"DeletionMark": true}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let marked = get_json(
        &sb,
        &format!("Document_ЗаказКлиента(guid'{key}')?$format=json"),
    )
    .await;
    assert_eq!(marked["DeletionMark"], true);
    assert!(sb.stats().count("POST", "Document_ЗаказКлиента/Post") == 1);
}

#[tokio::test]
async fn atom_entries_are_accepted_and_answered_in_atom() {
    let sb = start(Configuration::Ut103).await;
    let w = sb.world().onec.clone();
    let contract = &w.contracts[0];
    let cp = contract.owner.unwrap();
    let org = &w.organizations[0];
    let account = org.bank_accounts[0].r#ref;
    let rouble = sb.objects("Catalog_Валюты").unwrap()[0].key;
    let item = &w.items[0];
    let xml = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><entry xmlns="http://www.w3.org/2005/Atom" xmlns:d="http://schemas.microsoft.com/ado/2007/08/dataservices" xmlns:m="http://schemas.microsoft.com/ado/2007/08/dataservices/metadata"><category term="StandardODATA.Document_СчетНаОплатуПокупателю" scheme="http://schemas.microsoft.com/ado/2007/08/dataservices/scheme"/><content type="application/xml"><m:properties><d:Date>2025-09-10T10:00:00</d:Date><d:Контрагент>{cp}</d:Контрагент><d:Контрагент_Type>StandardODATA.Catalog_Контрагенты</d:Контрагент_Type><d:Организация_Key>{org}</d:Организация_Key><d:ВалютаДокумента_Key>{rouble}</d:ВалютаДокумента_Key><d:ДоговорКонтрагента_Key>{contract}</d:ДоговорКонтрагента_Key><d:СтруктурнаяЕдиница>{account}</d:СтруктурнаяЕдиница><d:СтруктурнаяЕдиница_Type>StandardODATA.Catalog_БанковскиеСчета</d:СтруктурнаяЕдиница_Type><d:СуммаВключаетНДС m:type="Edm.Boolean">true</d:СуммаВключаетНДС><d:УчитыватьНДС m:type="Edm.Boolean">true</d:УчитыватьНДС><d:КратностьВзаиморасчетов m:type="Edm.Int64">1</d:КратностьВзаиморасчетов><d:Комментарий>Заявка &lt;7&gt;</d:Комментарий><d:Услуги m:type="Collection(StandardODATA.Document_СчетНаОплатуПокупателю_Услуги_RowType)"><d:element m:type="StandardODATA.Document_СчетНаОплатуПокупателю_Услуги_RowType"><d:LineNumber>1</d:LineNumber><d:Номенклатура_Key>{item}</d:Номенклатура_Key><d:Содержание>Настройка</d:Содержание><d:Количество m:type="Edm.Double">1</d:Количество><d:Цена m:type="Edm.Double">1200</d:Цена><d:СтавкаНДС>НДС20</d:СтавкаНДС></d:element></d:Услуги></m:properties></content></entry>"#,
        org = org.r#ref,
        contract = contract.r#ref,
        item = item.r#ref
    );
    let (status, body) = send(
        &sb,
        Method::POST,
        "Document_СчетНаОплатуПокупателю",
        Some(("application/atom+xml", xml)),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert!(
        body.contains("<d:Комментарий>Заявка &lt;7&gt;</d:Комментарий>"),
        "{body}"
    );
    assert!(body.contains("<d:СтавкаНДС>НДС20</d:СтавкаНДС>"));
    let docs = sb.documents("Document_СчетНаОплатуПокупателю").unwrap();
    assert_eq!(docs[0].tables["Услуги"][0]["Цена"], 1200);
    // УТ 10.3's invoice cannot be posted.
    let key = docs[0].key;
    let (status, body) = send(
        &sb,
        Method::POST,
        &format!("Document_СчетНаОплатуПокупателю(guid'{key}')/Post?$format=json"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(error_code(&body), "11");
}

#[tokio::test]
async fn invalid_writes_get_odata_errors_and_change_nothing() {
    let sb = start(Configuration::Unf).await;
    let w = sb.world().onec.clone();
    let cp = w.counterparties[0].r#ref.to_string();
    let item = w.items[0].r#ref.to_string();
    let base =
        json!({"Контрагент_Key": cp, "Организация_Key": w.organizations[0].r#ref.to_string()});

    let mut no_line = base.clone();
    no_line["Запасы"] = json!([{"Номенклатура_Key": item, "Количество": 1}]);
    let (status, body) = post_json(&sb, "Document_СчетНаОплату?$format=json", &no_line).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(error_code(&body), "-1");
    assert!(body.contains("LineNumber"), "{body}");

    let mut dangling = base.clone();
    dangling["Договор_Key"] = json!("5d3b0a6e-1111-4222-8333-444455556666");
    let (status, body) = post_json(&sb, "Document_СчетНаОплату?$format=json", &dangling).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body.contains("Договор_Key") && body.contains("Catalog_ДоговорыКонтрагентов"),
        "{body}"
    );

    let mut bad_type = base.clone();
    bad_type["СуммаВключаетНДС"] = json!("да");
    let (status, body) = post_json(&sb, "Document_СчетНаОплату?$format=json", &bad_type).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body.contains("СуммаВключаетНДС") && body.contains("да"),
        "{body}"
    );

    let (status, body) = post_json(
        &sb,
        "Document_СчетНаОплату_Запасы?$format=json",
        &json!({"LineNumber": "1"}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error_code(&body), "13");

    assert_eq!(sb.count("Document_СчетНаОплату").unwrap(), 0);

    // A composite with a type it does not allow.
    let task = json!({"Сотрудник_Key": w.employees[0].r#ref.to_string(), "Работы": [
        {"LineNumber": "1", "Заказчик": cp, "Заказчик_Type": "StandardODATA.Catalog_Номенклатура"}
    ]});
    let (status, body) = post_json(&sb, "Document_ЗаданиеНаРаботу?$format=json", &task).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let ok_task = json!({"Сотрудник_Key": w.employees[0].r#ref.to_string(), "Работы": [
        {"LineNumber": "1", "Заказчик": cp, "Заказчик_Type": "StandardODATA.Catalog_Контрагенты"}
    ]});
    let (status, body) = post_json(&sb, "Document_ЗаданиеНаРаботу?$format=json", &ok_task).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    // Posting without an organization fails the way 1C's posting check does.
    let key = serde_json::from_str::<Value>(&body).unwrap()["Ref_Key"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, body) = send(
        &sb,
        Method::POST,
        &format!("Document_ЗаданиеНаРаботу(guid'{key}')/Post()?$format=json"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(body.contains("Организация"), "{body}");
}

#[tokio::test]
async fn a_users_edit_bumps_data_version_and_shows_on_the_wire() {
    let sb = start(Configuration::Ut11).await;
    let cp = sb.world().onec.counterparties[4].clone();
    let before = sb.object("Catalog_Контрагенты", cp.r#ref).unwrap();
    let v = sb
        .modify(
            "Catalog_Контрагенты",
            cp.r#ref,
            &[("КПП", json!("770101001"))],
        )
        .unwrap();
    assert_ne!(Some(v.as_str()), before.data_version());
    let read = get_json(
        &sb,
        &format!("Catalog_Контрагенты(guid'{}')?$format=json", cp.r#ref),
    )
    .await;
    assert_eq!(read["КПП"], "770101001");
    assert_eq!(read["DataVersion"], v.as_str());
    let v2 = sb
        .set_deletion_mark("Catalog_Контрагенты", cp.r#ref, true)
        .unwrap();
    assert_ne!(v, v2);
    let err = sb
        .modify(
            "Catalog_Контрагенты",
            cp.r#ref,
            &[("Партнер_Key", json!("not-a-guid"))],
        )
        .unwrap_err();
    assert!(err.to_string().contains("Партнер_Key"), "{err}");
    let (_, body) = get(
        &sb,
        &format!(
            "Catalog_Контрагенты(guid'{}')?$format=json&$select=DeletionMark",
            cp.r#ref
        ),
    )
    .await;
    assert!(body.contains("\"DeletionMark\":true"), "{body}");
}

#[tokio::test]
async fn delete_is_physical() {
    let sb = start(Configuration::Ut11).await;
    let contact = sb.world().onec.contacts[0].clone();
    let (status, _) = send(
        &sb,
        Method::DELETE,
        &format!("Catalog_КонтактныеЛицаПартнеров(guid'{}')", contact.r#ref),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = get(
        &sb,
        &format!(
            "Catalog_КонтактныеЛицаПартнеров(guid'{}')?$format=json",
            contact.r#ref
        ),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
