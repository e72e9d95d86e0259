//! Issues: card, count, comments (JSON and multipart), time entries, specification, attachment
//! download through the temporary link, status change, custom parameters, create.

use okdesk_client::api::upload::Upload;
use okdesk_client::{AttachmentId, CompanyId, IssueId};
use serde_json::json;
use wiremock::matchers::{body_json, header_regex, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::{
    assert_no_token, body_json as req_json, client, json, json_fixture, query, TOKEN,
};

#[tokio::test]
async fn card_decodes_flat_ids_hours_and_offsets() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/issues/153"))
        .respond_with(json_fixture("issue.json"))
        .expect(1)
        .mount(&server)
        .await;
    let i = client(&server).issues().get(IssueId(153)).await.unwrap();
    assert_eq!(i.company_id, Some(CompanyId(40)));
    assert_eq!(i.spent_time_total, Some(2.5));
    assert_eq!(i.status_code(), "opened");
    assert_eq!(i.issue_type.as_ref().unwrap().code, "service");
    assert_eq!(i.created_at.unwrap().offset().local_minus_utc(), 3 * 3600);
    assert_eq!(i.comments.as_ref().unwrap().count, 5);
    assert_eq!(i.contact.as_ref().unwrap().id.0, 3020);
    assert!(i.agreement.is_none());
}

#[tokio::test]
async fn count_returns_ids_and_formats_filters() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/issues/count"))
        .and(query_param("updated_since", "02-03-2024"))
        .and(query_param("company_ids[]", "40"))
        .respond_with(json(json!([1, 2, "3"])))
        .expect(1)
        .mount(&server)
        .await;
    // 22:30 UTC on the 1st is already the 2nd in the account zone (UTC+3).
    let at = chrono::DateTime::parse_from_rfc3339("2024-03-01T22:30:00Z").unwrap();
    let ids = client(&server)
        .issues()
        .count()
        .updated_since(at)
        .company_ids([CompanyId(40)])
        .send()
        .await
        .unwrap();
    assert_eq!(ids, [IssueId(1), IssueId(2), IssueId(3)]);
}

#[tokio::test]
async fn comments_list_and_json_create() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/issues/153/comments"))
        .respond_with(json_fixture("comments.json"))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v1/issues/153/comments"))
        .and(body_json(json!({"comment": {"content": "Готово</br>Проверьте", "author_id": 10, "public": true}})))
        .respond_with(json(json!({"id": 3, "content": "Готово</br>Проверьте", "public": true, "attachments": [],
                                  "author": {"id": 10, "name": "Иванов Иван", "type": "employee"}})))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server);
    let list = c.issues().comments(IssueId(153)).list().await.unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[1].author.as_ref().unwrap().id, 3020);
    assert_eq!(
        list[1].author.as_ref().unwrap().kind.as_deref(),
        Some("contact")
    );
    assert_eq!(list[0].public, Some(true));
    let created = c
        .issues()
        .comments(IssueId(153))
        .create("Готово</br>Проверьте", 10)
        .public(true)
        .send()
        .await
        .unwrap();
    assert_eq!(created.id.0, 3);
}

#[tokio::test]
async fn comment_with_a_file_goes_out_as_multipart() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/issues/153/comments"))
        .and(header_regex("content-type", "^multipart/form-data; boundary="))
        .respond_with(json(json!({"id": 4, "content": "Счёт", "public": false,
            "attachments": [{"id": 9, "attachment_file_name": "Счёт № 123.pdf", "attachment_file_size": 8}]})))
        .expect(1)
        .mount(&server)
        .await;
    let comment = client(&server)
        .issues()
        .comments(IssueId(153))
        .create("Счёт", 10)
        .attachment(Upload::new("Счёт № 123.pdf", b"%PDF-1.7".to_vec()).description("к оплате"))
        .send()
        .await
        .unwrap();
    assert_eq!(comment.attachments[0].id, AttachmentId(9));
    let req = &server.received_requests().await.unwrap()[0];
    let body = String::from_utf8_lossy(&req.body);
    for needle in [
        "name=\"comment[content]\"",
        "name=\"comment[author_id]\"",
        "name=\"comment[attachments][0][attachment]\"",
        "name=\"comment[attachments][0][description]\"",
        "Content-Type: application/pdf",
        "%PDF-1.7",
        "к оплате",
    ] {
        assert!(
            body.contains(needle),
            "multipart body lacks {needle}: {body}"
        );
    }
}

#[tokio::test]
async fn time_entries_and_specification() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/issues/153/time_entries"))
        .respond_with(json_fixture("time_entries.json"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/issues/153/services"))
        .respond_with(json_fixture("services.json"))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v1/issues/153/services"))
        .and(body_json(
            json!({"issue_service": {"code": "timerateservice", "quantity": 1.5, "discount": 2.0}}),
        ))
        .respond_with(json(json!({"id": 2, "name": "Выезд", "quantity": 1.5})))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server);
    let entries = c.issues().time_entries(IssueId(153)).await.unwrap();
    assert_eq!(entries[0].spent_time, Some(1.0));
    assert_eq!(
        entries[0].parameter("address").unwrap().value,
        json!("ул. Ленина 44")
    );
    assert_eq!(
        entries[0].employee.as_ref().unwrap().login.as_deref(),
        Some("andrey@okdesk.ru")
    );
    let lines = c.issues().services(IssueId(153)).await.unwrap();
    assert_eq!(lines[0].total_vat, Some(343.83));
    assert_eq!(
        lines[0].service.as_ref().unwrap().kind.as_deref(),
        Some("service")
    );
    let added = c
        .issues()
        .add_service(IssueId(153), "timerateservice", 1.5)
        .discount(2.0)
        .send()
        .await
        .unwrap();
    assert_eq!(added.quantity, Some(1.5));
}

#[tokio::test]
async fn attachment_download_follows_the_temporary_link_without_the_token() {
    let server = MockServer::start().await;
    let file_url = format!("{}/static/attachments/8/act.pdf?sig=abc", server.uri());
    Mock::given(method("GET"))
        .and(path("/api/v1/issues/153/attachments/8"))
        .respond_with(json(
            json!({"id": 8, "attachment_file_name": "act.pdf", "attachment_file_size": 8,
                                  "is_public": false, "attachment_url": file_url}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/static/attachments/8/act.pdf"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(b"%PDF-1.7".to_vec()))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server);
    let (meta, bytes) = c
        .issues()
        .download_attachment(IssueId(153), AttachmentId(8))
        .await
        .unwrap();
    assert_eq!(meta.attachment_file_name.as_deref(), Some("act.pdf"));
    assert_eq!(&bytes[..], b"%PDF-1.7");
    let reqs = server.received_requests().await.unwrap();
    assert!(query(&reqs[1], "api_token").is_none());
    assert_no_token(reqs[1].url.as_str());
    assert_eq!(c.stats().total, 2);
}

#[tokio::test]
async fn status_change_sends_a_flat_body_and_parameters_accept_an_empty_answer() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/issues/153/statuses"))
        .and(body_json(
            json!({"code": "completed", "comment": "Готово", "comment_public": false,
                              "skip_options": ["skip_webhooks"]}),
        ))
        .respond_with(json_fixture("issue.json"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v1/issues/153/parameters"))
        .and(body_json(
            json!({"custom_parameters": {"invoice_no": "СЧ-000123"}}),
        ))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server);
    let card = c
        .issues()
        .change_status(IssueId(153), "completed")
        .comment("Готово")
        .comment_public(false)
        .skip_webhooks()
        .send()
        .await
        .unwrap();
    assert_eq!(card.unwrap().id, IssueId(153));
    let mut values = std::collections::BTreeMap::new();
    values.insert("invoice_no".to_owned(), json!("СЧ-000123"));
    c.issues()
        .set_parameters(IssueId(153), values)
        .await
        .unwrap();
}

#[tokio::test]
async fn status_change_refused_by_okdesk_is_a_validation_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/issues/153/statuses"))
        .respond_with(
            ResponseTemplate::new(422)
                .set_body_json(json!({"errors": {"code": ["Переход запрещён"]}})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server)
        .issues()
        .change_status(IssueId(153), "closed")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        err.okdesk_message().as_deref(),
        Some("code: Переход запрещён")
    );
}

#[tokio::test]
async fn create_issue_wraps_the_body_and_sends_the_type_code() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/issues"))
        .respond_with(json_fixture("issue.json"))
        .expect(1)
        .mount(&server)
        .await;
    client(&server)
        .issues()
        .create("Не печатает принтер")
        .company_id(CompanyId(40))
        .issue_type("service")
        .send()
        .await
        .unwrap();
    let req = &server.received_requests().await.unwrap()[0];
    assert_eq!(
        req_json(req),
        json!({"issue": {"title": "Не печатает принтер", "company_id": 40, "type": "service"}})
    );
    assert_eq!(query(req, "api_token").as_deref(), Some(TOKEN));
}
