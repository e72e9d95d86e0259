//! The other areas round-trip: agreements, maintenance entities, equipment and its directories,
//! employees, issue statuses, custom-parameter schemas.

use okdesk_client::{
    AgreementId, CompanyId, EquipmentId, EquipmentKindId, EquipmentModelId, MaintenanceEntityId,
    ManufacturerId,
};
use serde_json::json;
use wiremock::matchers::{body_json, method, path, query_param};
use wiremock::{Mock, MockServer};

use crate::common::{client, json, json_fixture};

#[tokio::test]
async fn agreements_get_by_company_create_update() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/agreements/2"))
        .respond_with(json_fixture("agreement.json"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/companies/1040/agreements"))
        .respond_with(json_fixture("agreement.json"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/agreements"))
        .and(query_param("page[direction]", "forward"))
        .respond_with(json(
            json!([{"id": 2, "title": "Важный Договор", "company_ids": [1040]}]),
        ))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v1/agreements"))
        .and(body_json(json!({"agreement": {"title": "Договор № 15", "company_ids": [1040], "start_date": "2024-02-01"}})))
        .respond_with(json_fixture("agreement.json"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path("/api/v1/agreements/2"))
        .and(body_json(json!({"agreement": {"end_date": "2025-12-31"}})))
        .respond_with(json_fixture("agreement.json"))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server);
    let a = c.agreements().get(AgreementId(2)).await.unwrap().unwrap();
    assert_eq!(a.company_ids, [CompanyId(1040), CompanyId(1041)]);
    assert_eq!(a.cost, Some(15000.5));
    assert_eq!(a.start_date, chrono::NaiveDate::from_ymd_opt(2024, 1, 1));
    assert!(c.agreements().get(AgreementId(99)).await.unwrap().is_none());
    assert_eq!(
        c.agreements()
            .by_company(CompanyId(1040))
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        c.agreements().list().collect_all().await.unwrap()[0].company_ids,
        [CompanyId(1040)]
    );
    c.agreements()
        .create("Договор № 15")
        .company_ids(vec![CompanyId(1040)])
        .start_date(chrono::NaiveDate::from_ymd_opt(2024, 2, 1).unwrap())
        .send()
        .await
        .unwrap();
    c.agreements()
        .update(AgreementId(2))
        .end_date(chrono::NaiveDate::from_ymd_opt(2025, 12, 31).unwrap())
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn maintenance_entities_search_get_create_list() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/maintenance_entities"))
        .and(query_param("name", "Склад № 2"))
        .respond_with(json(json!([serde_json::from_str::<serde_json::Value>(
            &crate::common::fixture("maintenance_entity.json")
        )
        .unwrap()])))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/maintenance_entities/7"))
        .respond_with(json_fixture("maintenance_entity.json"))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v1/maintenance_entities"))
        .and(body_json(json!({"maintenance_entity": {"name": "Склад № 2", "company_id": 1040, "address": "Пенза"}})))
        .respond_with(json_fixture("maintenance_entity.json"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/maintenance_entities/list"))
        .and(query_param("company_ids[]", "1040"))
        .and(query_param("updated_since", "2024-03-01"))
        .respond_with(json(
            json!([{"id": 7, "name": "Склад № 2", "company_id": "1040"}]),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server);
    let found = c
        .maintenance_entities()
        .search()
        .name("Склад № 2")
        .send()
        .await
        .unwrap();
    assert_eq!(
        found[0].timezone.as_ref().unwrap().gmt.as_deref(),
        Some("+03:00")
    );
    let m = c
        .maintenance_entities()
        .get(MaintenanceEntityId(7))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(m.company_id, Some(CompanyId(1040)));
    assert_eq!(m.equipments_ids, [EquipmentId(5)]);
    c.maintenance_entities()
        .create("Склад № 2", CompanyId(1040))
        .address("Пенза")
        .send()
        .await
        .unwrap();
    let listed = c
        .maintenance_entities()
        .list()
        .company_ids([CompanyId(1040)])
        .updated_since(chrono::NaiveDate::from_ymd_opt(2024, 3, 1).unwrap())
        .collect_all()
        .await
        .unwrap();
    assert_eq!(listed[0].company_id, Some(CompanyId(1040)));
}

#[tokio::test]
async fn equipment_search_single_object_and_array_get_create() {
    let server = MockServer::start().await;
    let one = crate::common::fixture("equipment.json");
    Mock::given(method("GET"))
        .and(path("/api/v1/equipments"))
        .and(query_param("serial_number", "SN-0042"))
        .respond_with(
            wiremock::ResponseTemplate::new(200).set_body_raw(one.clone(), "application/json"),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/equipments"))
        .and(query_param("search_string", "SN"))
        .respond_with(
            wiremock::ResponseTemplate::new(200)
                .set_body_raw(format!("[{one},{one}]"), "application/json"),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/equipments/5"))
        .respond_with(json_fixture("equipment.json"))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v1/equipments"))
        .and(body_json(
            json!({"equipment": {"equipment_type_code": "printer", "serial_number": "SN-0042",
                                            "company_id": 1040, "maintenance_entity_id": 7}}),
        ))
        .respond_with(json_fixture("equipment.json"))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server);
    let found = c
        .equipment()
        .find_by_serial_number("SN-0042")
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    let e = &found[0];
    assert_eq!(e.inventory_number.as_deref(), Some("ИНВ-0042"));
    assert_eq!(e.equipment_kind_id, Some(EquipmentKindId(1)));
    assert_eq!(e.equipment_manufacturer_id, Some(ManufacturerId(2)));
    assert_eq!(e.equipment_model_id, None);
    assert_eq!(e.company_id, Some(CompanyId(1040)));
    assert_eq!(e.maintenance_entity_id, Some(MaintenanceEntityId(7)));
    assert_eq!(
        c.equipment()
            .search()
            .search_string("SN")
            .send()
            .await
            .unwrap()
            .len(),
        2
    );
    assert!(c.equipment().get(EquipmentId(5)).await.unwrap().is_some());
    c.equipment()
        .create("printer")
        .serial_number("SN-0042")
        .company_id(CompanyId(1040))
        .maintenance_entity_id(MaintenanceEntityId(7))
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn equipment_directories_list_create_update() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/equipments/models"))
        .respond_with(json_fixture("equipment_models.json"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v1/equipments/kinds"))
        .and(body_json(
            json!({"equipment_kind": {"code": "printer", "name": "Принтер"}}),
        ))
        .respond_with(json(
            json!({"id": 1, "code": "printer", "name": "Принтер", "visible": true}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path("/api/v1/equipments/manufacturers/2"))
        .and(body_json(
            json!({"equipment_manufacturer": {"visible": false}}),
        ))
        .respond_with(json(
            json!({"id": 2, "code": "hp", "name": "HP", "visible": false}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v1/equipments/models"))
        .and(body_json(json!({"equipment_model": {"code": "lj1020", "name": "LaserJet 1020",
                                                  "equipment_kind_id": 1, "equipment_manufacturer_id": 2}})))
        .respond_with(json(json!({"id": 4, "code": "lj1020", "name": "LaserJet 1020"})))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server);
    let models = c.equipment().models().list().await.unwrap();
    assert_eq!(models[0].id, EquipmentModelId(4));
    assert_eq!(
        models[0].equipment_kind.as_ref().unwrap().code.as_deref(),
        Some("printer")
    );
    assert_eq!(
        c.equipment()
            .kinds()
            .create("printer", "Принтер")
            .send()
            .await
            .unwrap()
            .id,
        EquipmentKindId(1)
    );
    assert_eq!(
        c.equipment()
            .manufacturers()
            .update(2)
            .visible(false)
            .send()
            .await
            .unwrap()
            .visible,
        Some(false)
    );
    c.equipment()
        .models()
        .create("lj1020", "LaserJet 1020")
        .equipment_kind_id(EquipmentKindId(1))
        .equipment_manufacturer_id(ManufacturerId(2))
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn employees_statuses_and_parameter_schemas() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/employees/list"))
        .respond_with(json_fixture("employees.json"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/issues/statuses"))
        .respond_with(json_fixture("statuses.json"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        // The path itself is held against the simulator (tests/tests/okdesk_methods.rs); this
        // test is about the two answer shapes.
        .and(path("/api/v1/issues/parameters/list"))
        .respond_with(json(json!([{"code": "invoice_no", "name": "Номер счёта", "field_type": "ftstring", "required": false}])))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/time_entries/parameters"))
        .respond_with(json(json!({"parameters": [{"code": "workPlace", "name": "Место работы", "field_type": "ftselect",
                                                  "field_values": ["Офис", "Выезд"]}]})))
        .mount(&server)
        .await;
    let c = client(&server);
    let employees = c.employees().list().collect_all().await.unwrap();
    assert_eq!(employees.len(), 2);
    assert_eq!(employees[0].email.as_deref(), Some("ivanov@okdesk.ru"));
    assert_eq!(employees[0].full_name(), "Иванов Иван Викторович");
    assert!(!employees[1].is_active());
    let statuses = c.issue_statuses().list().await.unwrap();
    assert_eq!(statuses[1].is_final, Some(true));
    assert_eq!(c.parameters().issues().await.unwrap()[0].code, "invoice_no");
    assert_eq!(
        c.parameters().time_entries().await.unwrap()[0]
            .field_values
            .len(),
        2
    );
}

/// Answers in a shape we did not expect are clear errors naming the endpoint and the place, never
/// a panic and never a silent wrong value: a list where the type tree should be a tree of objects,
/// and an issue card whose author carries no `type` (which is legal and must stay untyped).
#[tokio::test]
async fn unexpected_shapes_name_the_endpoint_and_the_field() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/dictionaries/issues/types"))
        .respond_with(json(
            json!([{"id": 1, "code": "g", "children": "not a list"}]),
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/issues/7"))
        .respond_with(json(json!({
            "id": 7, "title": "Без типа автора",
            "author": {"id": 3020, "name": "Иванов Иван"},
            "status": {"code": "opened", "name": "Открыта"}
        })))
        .mount(&server)
        .await;
    let c = client(&server);
    let err = c.issue_statuses().types().await.unwrap_err();
    let text = err.to_string();
    assert!(text.contains("/api/v1/dictionaries/issues/types"), "{text}");
    assert!(text.contains("children"), "names the field: {text}");
    let issue = c.issues().get(okdesk_client::IssueId(7)).await.unwrap();
    let author = issue.author.unwrap();
    assert_eq!(author.id, 3020);
    assert_eq!(author.kind, None, "an untyped author stays untyped");
}
