//! Names the simulated configuration lacks are refused as 1C refuses them: `$filter`, `$orderby`
//! and write bodies (header properties, tabular sections, columns) answer 400 with an
//! `odata.error`; enum values outside the configuration's enum (`enums.json` of the fixture)
//! answer 400 code 4. Partial publications (`OnecConfig::unpublish`) drop sets from `$metadata`,
//! the service document and every route, and accept references into them as plain GUIDs. The
//! VAT catalog holds calculated rates with the same `Ставка` as the plain ones.

use reqwest::StatusCode;
use sandbox::onec::{Configuration, OnecConfig, OnecSandbox};
use serde_json::json;

use crate::onec_support::{error_code, get, list, patch_json, post_json, start};

#[tokio::test]
async fn unknown_names_in_queries_and_bodies_get_400() {
    let sb = start(Configuration::Ut11).await;
    let (status, body) = get(
        &sb,
        "Catalog_Партнеры?$format=json&$filter=IsFolder eq false",
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(error_code(&body), "10");
    let (status, body) = get(&sb, "Catalog_Партнеры?$format=json&$orderby=Нет").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(error_code(&body), "10");

    let cp = sb.world().onec.counterparties[0].r#ref.to_string();
    for (what, body) in [
        ("header", json!({"Контрагент_Key": cp, "Выдумка": "x"})),
        (
            "table",
            json!({"Контрагент_Key": cp, "Выдумка": [{"LineNumber": "1"}]}),
        ),
        (
            "column",
            json!({"Контрагент_Key": cp, "Товары": [{"LineNumber": "1", "Выдумка": 1}]}),
        ),
    ] {
        let (status, text) = post_json(&sb, "Document_ЗаказКлиента?$format=json", &body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{what}: {text}");
        assert_eq!(error_code(&text), "10", "{what}");
        assert!(text.contains("Выдумка"), "{what}: {text}");
    }
    assert_eq!(sb.count("Document_ЗаказКлиента").unwrap(), 0);

    let partner = list(&sb, "Catalog_Партнеры?$format=json&$top=1").await[0]["Ref_Key"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, text) = patch_json(
        &sb,
        &format!("Catalog_Партнеры(guid'{partner}')?$format=json"),
        &json!({"IsFolder": false}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{text}");
    assert_eq!(error_code(&text), "10");
}

#[tokio::test]
async fn enum_values_come_from_the_real_enums() {
    // КА 2.5.12 has no 5 %/7 % rates; УТ 11.5.20 has them but no 22 %.
    for (c, value, accepted) in [
        (Configuration::Ka, "НДС5", false),
        (Configuration::Ut11, "НДС5", true),
        (Configuration::Ut11, "НДС22", false),
    ] {
        let sb = start(c).await;
        let (status, body) = post_json(
            &sb,
            "Catalog_СтавкиНДС?$format=json",
            &json!({"Description": value, "ПеречислениеСтавкаНДС": value}),
        )
        .await;
        if accepted {
            assert_eq!(status, StatusCode::CREATED, "{c} {value}: {body}");
        } else {
            assert_eq!(status, StatusCode::BAD_REQUEST, "{c} {value}: {body}");
            assert_eq!(error_code(&body), "4", "{c} {value}");
        }
    }
    let sb = start(Configuration::Ut11).await;
    let (status, body) = post_json(
        &sb,
        "Document_ЗаказКлиента?$format=json",
        &json!({"Статус": "Выполнен"}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(error_code(&body), "4");
}

#[tokio::test]
async fn vat_catalogs_hold_calculated_rates_with_the_same_rate() {
    let sb = start(Configuration::Ut11).await;
    let rates = list(&sb, "Catalog_СтавкиНДС?$format=json&$filter=Ставка eq 20").await;
    let names: Vec<&str> = rates
        .iter()
        .map(|r| r["ПеречислениеСтавкаНДС"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"НДС20") && names.contains(&"НДС20_120"),
        "{names:?}"
    );
    let calculated = rates
        .iter()
        .find(|r| r["ПеречислениеСтавкаНДС"] == "НДС20_120")
        .unwrap();
    assert_eq!(calculated["РасчетнаяСтавка"], true);
    let sb = start(Configuration::Unf).await;
    let rates = list(&sb, "Catalog_СтавкиНДС?$format=json&$filter=Ставка eq 20").await;
    assert_eq!(rates.len(), 2, "{rates:?}");
    assert!(rates.iter().any(|r| r["Расчетная"] == true));
}

#[tokio::test]
async fn unpublished_sets_disappear_and_references_into_them_are_plain_guids() {
    let sb = OnecSandbox::start(
        OnecConfig::new(Configuration::Ut11).unpublish(["Catalog_Партнеры", "Catalog_Приоритеты"]),
    )
    .await
    .unwrap();
    let (_, metadata) = get(&sb, "$metadata").await;
    assert!(!metadata.contains("\"Catalog_Партнеры\""));
    assert!(!metadata.contains("Catalog_Партнеры_КонтактнаяИнформация"));
    // The reference stays, without its navigation property.
    assert!(metadata.contains("\"Партнер_Key\""));
    assert!(!metadata.contains("Catalog_Контрагенты_Партнер\""));
    let (_, service) = get(&sb, "?$format=json").await;
    assert!(!service.contains("\"Catalog_Партнеры\""), "{service}");
    assert!(service.contains("\"Catalog_Контрагенты\""));
    for path in [
        "Catalog_Партнеры?$format=json",
        "Catalog_Партнеры/$count?$format=json",
        "Catalog_Партнеры_КонтактнаяИнформация?$format=json",
    ] {
        let (status, body) = get(&sb, path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {body}");
        assert_eq!(error_code(&body), "6", "{path}");
    }
    let (status, body) = post_json(
        &sb,
        "Catalog_Партнеры?$format=json",
        &json!({"Description": "x"}),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    let (status, body) = post_json(
        &sb,
        "Catalog_Контрагенты?$format=json",
        &json!({"Description": "ООО Ромашка", "Партнер_Key": "5d3b0a6e-1111-4222-8333-444455556666"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert!(sb.sets().iter().all(|s| s != "Catalog_Партнеры"));
}
