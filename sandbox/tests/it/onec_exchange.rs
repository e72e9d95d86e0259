//! ЭСТИ's exchange plan: the Okdesk node starts with everything registered, `SelectChanges`
//! returns an Atom feed of the changes, `NotifyChangesReceived` acknowledges them, and a user's
//! edit or a deletion is registered again.

use reqwest::{Method, StatusCode};
use sandbox::onec::Configuration;

use crate::onec_support::{list, send, start};

async fn node(sb: &sandbox::onec::OnecSandbox) -> (String, u64) {
    let nodes = list(
        sb,
        "ExchangePlan_ОбменСОкДеск?$format=json&$filter=Code eq 'OKDESK'",
    )
    .await;
    assert_eq!(nodes.len(), 1);
    let received: u64 = nodes[0]["ReceivedNo"].as_str().unwrap().parse().unwrap();
    (nodes[0]["Ref_Key"].as_str().unwrap().to_owned(), received)
}

async fn exchange(
    sb: &sandbox::onec::OnecSandbox,
    function: &str,
    node: &str,
    message: u64,
) -> (StatusCode, String) {
    let point = format!("'{}/ExchangePlan_ОбменСОкДеск(guid'{node}')'", sb.url());
    send(
        sb,
        Method::POST,
        &format!("{function}?DataExchangePoint={point}&MessageNo={message}"),
        None,
    )
    .await
}

#[tokio::test]
async fn select_changes_after_a_modification() {
    let sb = start(Configuration::Esti).await;
    let (node_key, received) = node(&sb).await;
    assert_eq!(received, 0);

    // The initial fill: every partner, contact, contract, object and piece of equipment.
    let (status, feed) = exchange(&sb, "SelectChanges", &node_key, 1).await;
    assert_eq!(status, StatusCode::OK, "{feed}");
    let w = sb.world().onec.clone();
    assert_eq!(
        feed.matches("<category term=\"StandardODATA.Catalog_Партнеры\"")
            .count(),
        w.counterparties.len()
    );
    assert_eq!(
        feed.matches("<category term=\"StandardODATA.Catalog_ОборудованиеКлиентов\"")
            .count(),
        w.equipment.len()
    );
    assert!(feed.contains("<d:ВыгружатьВОкДеск>"));
    let (status, _) = exchange(&sb, "NotifyChangesReceived", &node_key, 1).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(sb.pending_changes("OKDESK").unwrap(), 0);
    assert_eq!(node(&sb).await.1, 1);

    // A user edits a contract and deletes a piece of equipment.
    let contract = w.contracts[3].r#ref;
    sb.modify(
        "Catalog_ДоговорыКонтрагентов",
        contract,
        &[("Статус", serde_json::json!("Закрыт"))],
    )
    .unwrap();
    let gone = w.equipment[0].r#ref;
    sb.delete("Catalog_ОборудованиеКлиентов", gone).unwrap();
    assert_eq!(sb.pending_changes("OKDESK").unwrap(), 2);

    let (status, feed) = exchange(&sb, "SelectChanges", &node_key, 2).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(feed.matches("<entry>").count(), 1, "{feed}");
    assert!(feed.contains(&format!("Catalog_ДоговорыКонтрагентов(guid'{contract}')")));
    assert!(feed.contains("<d:Статус>Закрыт</d:Статус>"));
    assert!(feed.contains(&format!(
        "<at:deleted-entry ref=\"{}/Catalog_ОборудованиеКлиентов(guid'{gone}')\"",
        sb.url()
    )));

    // A change after selecting survives the acknowledgement of that message.
    sb.modify(
        "Catalog_Партнеры",
        w.counterparties[0].partner.unwrap(),
        &[("Комментарий", serde_json::json!("VIP"))],
    )
    .unwrap();
    exchange(&sb, "NotifyChangesReceived", &node_key, 2).await;
    assert_eq!(sb.pending_changes("OKDESK").unwrap(), 1);
    let (_, feed) = exchange(&sb, "SelectChanges", &node_key, 3).await;
    assert!(feed.contains("<d:Комментарий>VIP</d:Комментарий>"));

    // Unknown node → 404.
    let (status, _) = exchange(
        &sb,
        "SelectChanges",
        "3f2a1c00-0000-4000-8000-000000000000",
        1,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn esti_documents_can_be_written() {
    let sb = start(Configuration::Esti).await;
    let w = sb.world().onec.clone();
    let partner = w.counterparties[0].partner.unwrap();
    let task = serde_json::json!({
        "Организация_Key": w.organizations[0].r#ref.to_string(),
        "НомерЗаявкиОкДеск": 1234,
        "СсылкаНаЗаявкуОкДеск": "https://demo.okdesk.ru/issues/1234",
        "Тема": "Не печатает ККТ",
        "Партнер_Key": partner.to_string(),
        "Исполнитель_Key": w.employees[0].r#ref.to_string(),
        "КомментарииОкДеск": [
            {"LineNumber": "1", "ИдентификаторОкДеск": "77", "Дата": "2025-09-01T10:00:00", "Автор": "Иванов", "Текст": "Приняли", "Приватный": false}
        ]
    });
    let (status, body) =
        crate::onec_support::post_json(&sb, "Document_ЗаданиеСотруднику?$format=json", &task).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let created: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(created["НомерЗаявкиОкДеск"], "1234");
    let key = created["Ref_Key"].as_str().unwrap();
    let sheet = serde_json::json!({
        "ЗаданиеСотруднику_Key": key,
        "Сотрудник_Key": w.employees[0].r#ref.to_string(),
        "РабочееВремя": [{"LineNumber": "1", "Дата": "2025-09-01T00:00:00", "Часы": 1.5, "ВидРабот": "Платные работы"}]
    });
    let (status, body) = crate::onec_support::post_json(
        &sb,
        "Document_ЛистУчетаРабочегоВремени?$format=json",
        &sheet,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(sb.count("Document_ЛистУчетаРабочегоВремени").unwrap(), 1);
}
