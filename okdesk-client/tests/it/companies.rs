//! Companies: search shapes, exact key lookup, create and update bodies, archive.

use okdesk_client::CompanyId;
use serde_json::json;
use wiremock::matchers::{body_json, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::{self, client, json, json_fixture, TOKEN};

#[tokio::test]
async fn exact_search_returns_one_object_as_a_vec_and_decodes_every_field() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/companies"))
        .and(query_param("name", "Okdesk"))
        .and(query_param("api_token", TOKEN))
        .respond_with(json_fixture("company.json"))
        .expect(1)
        .mount(&server)
        .await;
    let found = client(&server)
        .companies()
        .find_by_name("Okdesk")
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    let c = &found[0];
    assert_eq!(c.id, CompanyId(1040));
    assert_eq!(c.crm_1c_id.as_deref(), Some("35067c4b23a8"));
    assert_eq!(
        c.additional_name.as_deref(),
        Some("Help Desk система для сервисных компаний")
    );
    assert!(c.is_active());
    assert_eq!(c.parameter("inn").unwrap().value, json!("7707083893"));
    assert_eq!(
        c.parameter("tags").unwrap().value_text().as_deref(),
        Some("опт, розница")
    );
    assert_eq!(
        c.attachments[0].created_at.unwrap().to_rfc3339(),
        "2016-09-30T09:28:50.499+03:00"
    );
    assert_eq!(
        c.category.as_ref().unwrap().code.as_deref(),
        Some("vipclient")
    );
}

#[tokio::test]
async fn substring_search_returns_an_array_and_empty_answers_are_empty() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/companies"))
        .and(query_param("search_string", "Okdesk"))
        .respond_with(json_fixture("companies_search_string.json"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/companies"))
        .and(query_param("name", "nobody"))
        .respond_with(json(json!({})))
        .mount(&server)
        .await;
    let c = client(&server);
    let found = c
        .companies()
        .search()
        .search_string("Okdesk")
        .send()
        .await
        .unwrap();
    assert_eq!(
        found.iter().map(|c| c.id.0).collect::<Vec<_>>(),
        [1040, 1041]
    );
    assert!(!found[1].is_active());
    assert!(found[1].parameters.is_empty());
    assert!(c
        .companies()
        .find_by_name("nobody")
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn crm_1c_id_lookup_is_exact_although_the_server_matches_substrings() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/companies"))
        .and(query_param("crm_1c_id", "35067c4b23a8"))
        .respond_with(json_fixture("companies_search_string.json"))
        .mount(&server)
        .await;
    let c = client(&server);
    let found = c
        .companies()
        .find_by_crm_1c_id("35067c4b23a8")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.id, CompanyId(1040));
}

#[tokio::test]
async fn create_sends_the_wrapped_body_once() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/companies"))
        .and(body_json(json!({"company": {
            "name": "ООО «Ромашка»",
            "crm_1c_id": "5f0c7d4e",
            "phone": "+7 (495) 000-00-00",
            "custom_parameters": {"inn": "7707083893"},
            "observer_ids": [2]
        }})))
        .respond_with(json_fixture("company.json"))
        .expect(1)
        .mount(&server)
        .await;
    let created = client(&server)
        .companies()
        .create("ООО «Ромашка»")
        .crm_1c_id("5f0c7d4e")
        .phone("+7 (495) 000-00-00")
        .custom_parameter("inn", "7707083893")
        .observer_ids(vec![okdesk_client::EmployeeId(2)])
        .send()
        .await
        .unwrap();
    assert_eq!(created.id, CompanyId(1040));
}

#[tokio::test]
async fn update_patches_only_the_fields_set() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(path("/api/v1/companies/1040"))
        .and(body_json(
            json!({"company": {"comment": "новый", "site": "https://x.ru"}}),
        ))
        .respond_with(json_fixture("company.json"))
        .expect(1)
        .mount(&server)
        .await;
    client(&server)
        .companies()
        .update(CompanyId(1040))
        .comment("новый")
        .field("site", "https://x.ru")
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn archive_patches_activations_and_accepts_an_empty_answer() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(path("/api/v1/companies/1040/activations"))
        .and(body_json(json!({"active": false})))
        .respond_with(wiremock::ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    client(&server)
        .companies()
        .archive(CompanyId(1040))
        .await
        .unwrap();
}

#[tokio::test]
async fn get_by_id_uses_the_exact_search_and_an_error_body_means_absent() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/companies"))
        .and(query_param("id", "1040"))
        .respond_with(json_fixture("company.json"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/companies"))
        .and(query_param("id", "9"))
        .respond_with(json(json!({"errors": "Компания не найдена"})))
        .mount(&server)
        .await;
    let c = client(&server);
    assert!(c.companies().get(CompanyId(1040)).await.unwrap().is_some());
    assert!(c.companies().get(CompanyId(9)).await.unwrap().is_none());
    common::assert_no_token(&format!("{c:?}"));
}

#[tokio::test]
async fn crm_1c_id_lookup_falls_back_to_the_listing_when_search_answers_a_longer_key() {
    let server = MockServer::start().await;
    // The search answers one object whose key merely contains the one asked for.
    Mock::given(method("GET"))
        .and(path("/api/v1/companies"))
        .and(query_param("crm_1c_id", "abc-1"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"id": 7, "name": "Другая", "crm_1c_id": "abc-12"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/companies/list"))
        .and(query_param("crm_1c_id", "abc-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            {"id": 7, "name": "Другая", "crm_1c_id": "abc-12"},
            {"id": 9, "name": "Нужная", "crm_1c_id": "abc-1"}
        ])))
        .expect(1)
        .mount(&server)
        .await;
    let found = client(&server)
        .companies()
        .find_by_crm_1c_id("abc-1")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.id, CompanyId(9));
}
