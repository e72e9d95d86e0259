//! The Okdesk simulator driven over plain HTTP: token check, validation messages, both pagination
//! schemes, one-object-vs-array searches, `crm_1c_id` substring, issues and their parts.

use crate::okdesk_support::Api;
use reqwest::multipart::{Form, Part};
use sandbox::demo::{generate, DemoSize, TINY_PNG};
use sandbox::okdesk::OkdeskConfig;
use serde_json::{json, Value};

#[tokio::test]
async fn every_request_needs_the_token() {
    let api = Api::start(OkdeskConfig::default()).await;
    let base = api.sandbox.api_url();
    let r = api
        .http
        .get(format!("{base}/companies/list"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
    let r = api
        .http
        .get(format!("{base}/companies/list?api_token=wrong"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
    let body: Value = r.json().await.unwrap();
    assert!(body["errors"].is_string());
    let (status, _) = api.get_json("companies/list").await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn validation_answers_like_okdesk() {
    let api = Api::start(OkdeskConfig::default()).await;
    let (s, b) = api
        .post("companies", json!({"company": {"name": ""}}))
        .await;
    assert_eq!(s, 422);
    assert_eq!(b, json!({"errors": {"name": ["не может быть пустым"]}}));

    let (s, b) = api
        .post(
            "companies/",
            json!({"company": {"name": "ООО Тест", "email": "<ivanii@mail.ru>"}}),
        )
        .await;
    assert_eq!(s, 422);
    assert_eq!(b, json!({"errors": {"email": ["имеет неверное значение"]}}));

    let (s, b) = api
        .post("contacts", json!({"contact": {"email": "a@b.ru"}}))
        .await;
    assert_eq!(s, 422);
    assert_eq!(b["errors"]["first_name"], json!(["не может быть пустым"]));
    assert_eq!(b["errors"]["last_name"], json!(["не может быть пустым"]));

    let (s, b) = api
        .post("maintenance_entities", json!({"maintenance_entity": {}}))
        .await;
    assert_eq!(s, 422);
    assert!(b["errors"]["name"].is_array() && b["errors"]["company_id"].is_array());

    let (s, b) = api.get_json("companies/list?page[size]=101").await;
    assert_eq!(s, 422);
    assert_eq!(
        b,
        json!({"errors": {"page": {"size": ["должно быть меньше или равно 100"]}}})
    );
    let (s, b) = api.get_json("issues/list?page[size]=51").await;
    assert_eq!(s, 422);
    assert_eq!(
        b,
        json!({"errors": {"page": {"size": ["должно быть меньше или равно 50"]}}})
    );
    let (s, b) = api
        .get_json("companies/list?page[direction]=sideways")
        .await;
    assert_eq!(s, 422);
    assert_eq!(
        b["errors"]["page"]["direction"],
        json!(["должен быть одним из: reverse, forward"])
    );
    // Unknown query parameters are ignored, not rejected.
    let (s, _) = api.get_json("companies/list?limit=5&status_code=x").await;
    assert_eq!(s, 200);
}

#[tokio::test]
async fn bodies_are_accepted_wrapped_and_flat() {
    let api = Api::start(OkdeskConfig::empty()).await;
    let (s, a) = api
        .post(
            "companies",
            json!({"company": {"name": "Обёрнутая", "crm_1c_id": "w-1"}}),
        )
        .await;
    assert_eq!(s, 200, "{a}");
    let (s, b) = api
        .post("companies", json!({"name": "Плоская", "crm_1c_id": "f-1"}))
        .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(a["name"], "Обёрнутая");
    assert_eq!(b["name"], "Плоская");
    let (s, c) = api
        .patch(
            &format!("companies/{}", b["id"]),
            json!({"company": {"custom_parameters": {"inn": "7707083893"}}}),
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(c["parameters"][0]["code"], "inn");
    assert_eq!(c["parameters"][0]["value"], "7707083893");
    assert_eq!(api.sandbox.count_companies_by_crm_1c_id("f-1"), 1);
}

#[tokio::test]
async fn keyset_pagination_walks_every_company_once() {
    let api = Api::start(OkdeskConfig::default().size(DemoSize::Counterparties(300))).await;
    let total = api.sandbox.companies().len();
    assert!(total > 50);
    let mut seen = Vec::new();
    let mut from = 0u64;
    for _ in 0..100 {
        let (s, page) = api
            .get_json(&format!(
                "companies/list?page[size]=17&page[direction]=forward&page[from_id]={from}"
            ))
            .await;
        assert_eq!(s, 200);
        let page = page.as_array().unwrap().clone();
        seen.extend(page.iter().map(|c| c["id"].as_u64().unwrap()));
        if page.len() < 17 {
            break;
        }
        from = page.last().unwrap()["id"].as_u64().unwrap();
    }
    assert_eq!(seen.len(), total);
    assert!(seen.windows(2).all(|w| w[0] < w[1]));
    // The default direction is reverse: newest first, and from_id is exclusive.
    let (_, page) = api.get_json("companies/list?page[size]=3").await;
    let ids: Vec<u64> = page
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_u64().unwrap())
        .collect();
    assert_eq!(ids, vec![total as u64, total as u64 - 1, total as u64 - 2]);
    let (_, page) = api
        .get_json(&format!(
            "companies/list?page[size]=2&page[from_id]={}",
            ids[0]
        ))
        .await;
    assert_eq!(page[0]["id"].as_u64().unwrap(), ids[1]);
}

#[tokio::test]
async fn issue_list_pages_by_number_and_count_returns_all_ids() {
    let api = Api::start(OkdeskConfig::default().size(DemoSize::Counterparties(200))).await;
    let (s, ids) = api.get_json("issues/count").await;
    assert_eq!(s, 200);
    let ids = ids.as_array().unwrap().len();
    assert_eq!(ids, 100);
    let mut listed = std::collections::BTreeSet::new();
    for n in 1..=3 {
        let (s, page) = api
            .get_json(&format!(
                "issues/list?page[number]={n}&page[size]=40&sorting[field]=updated_at"
            ))
            .await;
        assert_eq!(s, 200);
        for item in page.as_array().unwrap() {
            assert!(
                item.get("description").is_none(),
                "list items carry no description"
            );
            assert!(item["status"]["code"].is_string());
            listed.insert(item["id"].as_u64().unwrap());
        }
    }
    assert_eq!(listed.len(), 100);
}

#[tokio::test]
async fn exact_search_gives_one_object_and_search_string_an_array() {
    let api = Api::start(OkdeskConfig::empty()).await;
    for (name, crm) in [("Ромашка", "abc-111-xyz"), ("Ромашка Плюс", "abc-222-xyz")]
    {
        let (s, _) = api
            .post(
                "companies",
                json!({"company": {"name": name, "crm_1c_id": crm}}),
            )
            .await;
        assert_eq!(s, 200);
    }
    let (_, one) = api
        .get_json("companies/?name=%D0%A0%D0%BE%D0%BC%D0%B0%D1%88%D0%BA%D0%B0")
        .await;
    assert!(one.is_object());
    assert_eq!(one["name"], "Ромашка");
    let (_, many) = api
        .get_json("companies/?search_string=%D1%80%D0%BE%D0%BC%D0%B0%D1%88")
        .await;
    assert_eq!(many.as_array().unwrap().len(), 2);
    // crm_1c_id matches as a substring.
    let (_, sub) = api.get_json("companies/?crm_1c_id=222").await;
    assert_eq!(sub["crm_1c_id"], "abc-222-xyz");
    let (_, none) = api.get_json("companies/?crm_1c_id=999").await;
    assert_eq!(none, json!({}));

    // Equipment: one match is an object, several an array.
    let (s, _) = api
        .post(
            "equipments/kinds",
            json!({"equipment_kind": {"code": "pc", "name": "ПК"}}),
        )
        .await;
    assert_eq!(s, 200);
    for serial in ["SN-1", "SN-2"] {
        let (s, b) = api
            .post("equipments", json!({"equipment": {"equipment_type_code": "pc", "serial_number": serial, "inventory_number": "INV"}}))
            .await;
        assert_eq!(s, 200, "{b}");
    }
    let (_, one) = api.get_json("equipments/?serial_number=SN-1").await;
    assert_eq!(one["serial_number"], "SN-1");
    let (_, many) = api.get_json("equipments/?inventory_number=INV").await;
    assert_eq!(many.as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn demo_companies_carry_the_inn_for_the_initial_match() {
    let world = generate(11, DemoSize::Small);
    let inn = world.okdesk.companies[0].inn.clone();
    let api = Api::start(OkdeskConfig::default().world(world)).await;
    let (_, found) = api
        .get_json(&format!("companies/list?custom_parameters[inn]={inn}"))
        .await;
    // The first demo INN is the deliberately duplicated one.
    assert_eq!(found.as_array().unwrap().len(), 2);
    assert_eq!(api.sandbox.company_ids_by_inn(&inn).len(), 2);
}

#[tokio::test]
async fn comments_with_attachments_round_trip_through_multipart() {
    let api = Api::start(OkdeskConfig::default()).await;
    let issue = api.sandbox.issue_ids()[0];
    let employee = api.sandbox.employees()[0]["id"].as_u64().unwrap();
    let form = Form::new()
        .text("comment[content]", "Счёт во вложении")
        .text("comment[author_id]", employee.to_string())
        .text("comment[public]", "true")
        .part(
            "comment[attachments][0][attachment]",
            Part::bytes(TINY_PNG.to_vec())
                .file_name("счёт.png")
                .mime_str("image/png")
                .unwrap(),
        )
        .text("comment[attachments][0][description]", "Счёт");
    let r = api
        .http
        .post(api.url(&format!("issues/{issue}/comments")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let comment: Value = r.json().await.unwrap();
    assert_eq!(comment["public"], true);
    let att = &comment["attachments"][0];
    assert_eq!(att["attachment_file_name"], "счёт.png");
    assert_eq!(att["attachment_file_size"], TINY_PNG.len());

    let (s, meta) = api
        .get_json(&format!("issues/{issue}/attachments/{}", att["id"]))
        .await;
    assert_eq!(s, 200);
    let url = meta["attachment_url"].as_str().unwrap();
    assert!(!url.contains("api_token"));
    let bytes = api
        .http
        .get(url)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(bytes.as_ref(), TINY_PNG);
    assert!(api
        .sandbox
        .issue_attachments(issue)
        .iter()
        .any(|a| a.bytes == TINY_PNG && a.comment_id == comment["id"].as_u64()));

    // A comment without an author is refused the way Okdesk refuses it.
    let (s, b) = api
        .post(
            &format!("issues/{issue}/comments"),
            json!({"comment": {"content": "x"}}),
        )
        .await;
    assert_eq!(s, 422);
    assert_eq!(b["errors"]["author_id"], json!(["отсутствует"]));
}

#[tokio::test]
async fn updated_since_sees_comment_changes_with_day_granularity() {
    let api = Api::start(OkdeskConfig::default()).await;
    let ids = api.sandbox.issue_ids();
    let old = chrono::NaiveDate::from_ymd_opt(2020, 1, 1)
        .unwrap()
        .and_hms_opt(12, 0, 0)
        .unwrap();
    for id in &ids {
        api.sandbox.set_issue_updated_at(*id, old).unwrap();
    }
    let (_, none) = api.get_json("issues/count?updated_since=02-01-2020").await;
    assert_eq!(none, json!([]));
    // Day granularity: the whole day of 01-01-2020 counts.
    let (_, all) = api.get_json("issues/count?updated_since=01-01-2020").await;
    assert_eq!(all.as_array().unwrap().len(), ids.len());

    let employee = api.sandbox.employees()[0]["id"].as_u64().unwrap();
    let (s, _) = api
        .post(
            &format!("issues/{}/comments", ids[2]),
            json!({"comment": {"content": "Новый", "author_id": employee, "public": false}}),
        )
        .await;
    assert_eq!(s, 200);
    let (_, changed) = api.get_json("issues/count?updated_since=02-01-2020").await;
    assert_eq!(changed, json!([ids[2]]));
    let (s, bad) = api.get_json("issues/count?updated_since=2020-01-02").await;
    assert_eq!(s, 422);
    assert_eq!(
        bad["errors"]["updated_since"],
        json!(["Неверный формат даты"])
    );
}

#[tokio::test]
async fn statuses_follow_the_seed_transitions() {
    let api = Api::start(OkdeskConfig::empty()).await;
    let (s, issue) = api
        .post("issues", json!({"issue": {"title": "Не печатает принтер", "custom_parameters": {"work_type": "Первая линия"}}}))
        .await;
    assert_eq!(s, 200, "{issue}");
    let id = issue["id"].as_u64().unwrap();
    assert_eq!(issue["status"]["code"], "opened");
    assert_eq!(issue["parameters"][0]["name"], "Тип работ");

    // opened → closed is not in the table.
    let (s, b) = api
        .post(&format!("issues/{id}/statuses"), json!({"code": "closed"}))
        .await;
    assert_eq!(s, 422, "{b}");
    // Work needs a comment.
    let (s, b) = api
        .post(&format!("issues/{id}/statuses"), json!({"code": "Work"}))
        .await;
    assert_eq!(s, 422);
    assert_eq!(b["errors"]["comment"], json!(["не может быть пустым"]));
    let (s, b) = api
        .post(
            &format!("issues/{id}/statuses"),
            json!({"code": "Work", "comment": "Взял", "time_entry": [{
                "employee_id": 1, "formatted_spent_time": "1 ч. 30 мин.", "logged_at": "2025-05-01 10:00",
                "custom_parameters": {"workPlace": "Удаленно", "TypeOfService": "Платные работы"}}]}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["status"]["code"], "Work");
    assert_eq!(b["old_status"]["code"], "opened");
    assert_eq!(b["spent_time_total"], 1.5);

    // Time entries need both parameters, and accept only their list values.
    let (s, b) = api
        .post(
            &format!("issues/{id}/time_entries"),
            json!({"time_entry": {"employee_id": 1, "formatted_spent_time": "0:30", "logged_at": "2025-05-01 12:00",
                   "custom_parameters": {"workPlace": "На Луне"}}}),
        )
        .await;
    assert_eq!(s, 422);
    assert_eq!(
        b["errors"]["custom_parameters"]["workPlace"],
        json!(["имеет неверное значение"])
    );
    assert_eq!(
        b["errors"]["custom_parameters"]["TypeOfService"],
        json!(["не может быть пустым"])
    );
    let (_, entries) = api.get_json(&format!("issues/{id}/time_entries")).await;
    assert_eq!(entries[0]["parameters"][0]["code"], "workPlace");
}

#[tokio::test]
async fn specifications_use_the_price_list() {
    let api = Api::start(OkdeskConfig::default()).await;
    let paid = api
        .sandbox
        .issue_ids()
        .into_iter()
        .find(|id| !api.sandbox.issue_services(*id).is_empty())
        .unwrap();
    let (_, lines) = api.get_json(&format!("issues/{paid}/services")).await;
    let line = &lines[0];
    assert!(line["service"]["code"].is_string());
    assert!(line["total"].as_f64().unwrap() > 0.0);

    let (s, b) = api
        .post(
            &format!("issues/{paid}/services"),
            json!({"issue_service": {"code": "NOPE", "quantity": 1}}),
        )
        .await;
    assert_eq!(s, 422);
    assert!(b["errors"]["code"].is_array());
    let (s, b) = api
        .post(
            &format!("issues/{paid}/services"),
            json!({"issue_service": {"code": "SRV-002", "quantity": 2}}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["total"], 4800);
    assert_eq!(b["total_vat"], 800);
}

#[tokio::test]
async fn stats_and_reset_are_outside_the_api() {
    let api = Api::start(OkdeskConfig::default()).await;
    let before = api.sandbox.stats().entities["companies"];
    let _ = api.get_json("companies/list").await;
    let _ = api.get_json("companies/1").await;
    let _ = api
        .post("companies", json!({"company": {"name": "Новая"}}))
        .await;
    let stats: Value = api
        .http
        .get(format!("{}/sandbox/stats", api.sandbox.url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(stats["requests"]["total"], 3);
    assert_eq!(
        stats["requests"]["by_route"]["GET /api/v1/companies/list"],
        1
    );
    assert_eq!(
        stats["requests"]["by_route"]["GET /api/v1/companies/{id}"],
        1
    );
    assert_eq!(stats["requests"]["by_method"]["POST"], 1);
    assert_eq!(stats["entities"]["companies"], before + 1);

    let r = api
        .http
        .post(format!("{}/sandbox/reset", api.sandbox.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let stats = api.sandbox.stats();
    assert_eq!(stats.requests.total, 0);
    assert_eq!(stats.entities["companies"], before);
}
