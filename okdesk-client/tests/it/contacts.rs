//! Contacts: search, nested company link, create body.

use okdesk_client::{CompanyId, ContactId};
use serde_json::json;
use wiremock::matchers::{body_json, method, path, query_param};
use wiremock::{Mock, MockServer};

use crate::common::{client, json, json_fixture};

#[tokio::test]
async fn search_by_phone_decodes_the_contact_and_its_company() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/contacts"))
        .and(query_param("phone", "+79161234567"))
        .respond_with(json_fixture("contact.json"))
        .expect(1)
        .mount(&server)
        .await;
    let found = client(&server)
        .contacts()
        .search()
        .phone("+79161234567")
        .send()
        .await
        .unwrap();
    let c = &found[0];
    assert_eq!(c.id, ContactId(3020));
    assert_eq!(c.company_id, Some(CompanyId(1040)));
    assert_eq!(c.email.as_deref(), Some("egorov@example.ru"));
    assert_eq!(
        c.crm_1c_id.as_deref(),
        Some("a3f0c2de-1111-2222-3333-444455556666")
    );
    assert!(c.is_active());
    assert_eq!(c.full_name(), "Егоров Егор Петрович");
}

#[tokio::test]
async fn get_and_empty_array() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/contacts"))
        .and(query_param("id", "3020"))
        .respond_with(json_fixture("contact.json"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/contacts"))
        .and(query_param("id", "1"))
        .respond_with(json(json!([])))
        .mount(&server)
        .await;
    let c = client(&server);
    assert_eq!(
        c.contacts().get(ContactId(3020)).await.unwrap().unwrap().id,
        ContactId(3020)
    );
    assert!(c.contacts().get(ContactId(1)).await.unwrap().is_none());
}

#[tokio::test]
async fn create_and_update_send_wrapped_bodies() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/contacts"))
        .and(body_json(json!({"contact": {
            "first_name": "Егор", "last_name": "Егоров", "email": "egorov@example.ru",
            "company_id": 1040, "crm_1c_id": "a3f0"
        }})))
        .respond_with(json_fixture("contact.json"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path("/api/v1/contacts/3020"))
        .and(body_json(json!({"contact": {"position": "Директор"}})))
        .respond_with(json_fixture("contact.json"))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server);
    c.contacts()
        .create("Егор", "Егоров")
        .email("egorov@example.ru")
        .company_id(CompanyId(1040))
        .crm_1c_id("a3f0")
        .send()
        .await
        .unwrap();
    c.contacts()
        .update(ContactId(3020))
        .position("Директор")
        .send()
        .await
        .unwrap();
}
