//! What the Okdesk simulator refuses the way the real server does: silently. Body fields an
//! endpoint does not take and query parameters it does not know change nothing, answer 200,
//! and are counted in `/sandbox/stats` (`ignored_fields`, `ignored_params`) so that a test can
//! see a client relying on them. Also the endpoints that do what those names cannot:
//! `/contacts/{id}/activations`, `/companies/{id}/activations`, the issue-type tree, the issue
//! attribute schema, and issue cards whose author carries no `type`.
//!
//! Evidence for each behaviour is the "Corrections and additions (second pass over public
//! clients)" table of the shared Okdesk reference; the simulator's `routes/known.rs` cites it
//! per endpoint.

use std::collections::BTreeSet;

use crate::okdesk_support::Api;
use sandbox::okdesk::OkdeskConfig;
use serde_json::{json, Value};

fn ignored_field(api: &Api, key: &str) -> u64 {
    api.sandbox
        .stats()
        .ignored_fields
        .get(key)
        .copied()
        .unwrap_or(0)
}

fn ignored_param(api: &Api, key: &str) -> u64 {
    api.sandbox
        .stats()
        .ignored_params
        .get(key)
        .copied()
        .unwrap_or(0)
}

fn ids(v: &Value) -> Vec<u64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().or_else(|| x["id"].as_u64()).unwrap())
        .collect()
}

#[tokio::test]
async fn an_update_with_active_leaves_the_contact_active_and_is_counted() {
    let api = Api::start(OkdeskConfig::default()).await;
    let id = api.sandbox.contacts()[0]["id"].as_u64().unwrap();
    let (s, answer) = api
        .patch(
            &format!("contacts/{id}"),
            json!({"contact": {"active": false, "comment": "Звонить после 10"}}),
        )
        .await;
    // The real server answers an update whose fields it partly ignores as a success.
    assert_eq!(s, 200, "{answer}");
    assert_eq!(answer["active"], true);
    assert_eq!(answer["comment"], "Звонить после 10");
    let (_, shown) = api.get_json(&format!("contacts/{id}")).await;
    assert_eq!(shown["active"], true);
    assert_eq!(ignored_field(&api, "PATCH /contacts/{id} active"), 1);
    // The field that the endpoint does take is not counted.
    assert_eq!(ignored_field(&api, "PATCH /contacts/{id} comment"), 0);
}

#[tokio::test]
async fn unknown_fields_of_creates_and_updates_change_nothing() {
    let api = Api::start(OkdeskConfig::empty()).await;
    // Flat and wrapped bodies are judged alike; a key beside the wrapper is not read either.
    let (s, c) = api
        .post(
            "companies",
            json!({"name": "ООО Тест", "inn": "7707083893", "active": false}),
        )
        .await;
    assert_eq!(s, 200, "{c}");
    assert_eq!(c["active"], true);
    assert_eq!(c["parameters"], json!([]));
    let (s, _) = api
        .patch(
            &format!("companies/{}", c["id"]),
            json!({"company": {"comment": "ок"}, "kpp": "770701001"}),
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(ignored_field(&api, "POST /companies inn"), 1);
    assert_eq!(ignored_field(&api, "POST /companies active"), 1);
    assert_eq!(ignored_field(&api, "PATCH /companies/{id} kpp"), 1);
}

#[tokio::test]
async fn a_directory_code_is_not_updatable() {
    let api = Api::start(OkdeskConfig::empty()).await;
    let (s, m) = api
        .post(
            "equipments/manufacturers",
            json!({"equipment_manufacturer": {"name": "Атол", "code": "atol"}}),
        )
        .await;
    assert_eq!(s, 200, "{m}");
    let (s, changed) = api
        .patch(
            &format!("equipments/manufacturers/{}", m["id"]),
            json!({"equipment_manufacturer": {"code": "atol-2", "name": "АТОЛ"}}),
        )
        .await;
    assert_eq!(s, 200, "{changed}");
    assert_eq!(changed["code"], "atol");
    assert_eq!(changed["name"], "АТОЛ");
    assert_eq!(
        ignored_field(&api, "PATCH /equipments/manufacturers/{id} code"),
        1
    );
}

#[tokio::test]
async fn time_entries_are_written_with_formatted_spent_time_only() {
    let api = Api::start(OkdeskConfig::default()).await;
    let issue = api.sandbox.issue_ids()[0];
    let employee = api.sandbox.employees()[0]["id"].as_u64().unwrap();
    let (s, b) = api
        .post(
            &format!("issues/{issue}/time_entries"),
            json!({"time_entries": [{"employee_id": employee, "spent_time": 1.5,
                   "logged_at": "2025-03-01 10:00",
                   "custom_parameters": {"workPlace": "Удаленно", "TypeOfService": "Платные работы"}}]}),
        )
        .await;
    assert_eq!(s, 422, "{b}");
    assert!(b["errors"]["formatted_spent_time"].is_array());
    assert_eq!(
        ignored_field(
            &api,
            "POST /issues/{id}/time_entries time_entries.spent_time"
        ),
        1
    );
}

#[tokio::test]
async fn issues_count_ignores_the_list_spellings_and_counts_them() {
    let api = Api::start(OkdeskConfig::default()).await;
    let (_, all) = api.get_json("issues/count").await;
    let all = ids(&all);
    let (_, closed) = api.get_json("issues/count?status[]=closed").await;
    let closed = ids(&closed);
    assert!(!closed.is_empty() && closed.len() < all.len());

    for query in [
        "status_codes[]=closed",
        "priority_codes[]=high",
        "service_object_ids[]=0",
        "type_codes[]=incident",
        "crm_1c_id=x",
    ] {
        let (s, got) = api.get_json(&format!("issues/count?{query}")).await;
        assert_eq!(s, 200);
        assert_eq!(
            ids(&got),
            all,
            "{query} must filter nothing on issues/count"
        );
    }
    let stats = api.sandbox.stats();
    for name in [
        "status_codes[]",
        "priority_codes[]",
        "service_object_ids[]",
        "type_codes[]",
        "crm_1c_id",
    ] {
        assert_eq!(
            stats.ignored_params[&format!("GET /issues/count {name}")],
            1,
            "{:?}",
            stats.ignored_params
        );
    }
    // The names count does know are not counted.
    assert!(!stats
        .ignored_params
        .keys()
        .any(|k| k.ends_with(" status[]")));
}

#[tokio::test]
async fn issues_list_ignores_the_count_spellings_and_counts_them() {
    let api = Api::start(OkdeskConfig::default()).await;
    let first_page = |v: &Value| ids(v);
    let (_, all) = api.get_json("issues/list?page[size]=50").await;
    let (_, closed) = api
        .get_json("issues/list?page[size]=50&status_codes[]=closed")
        .await;
    assert!(first_page(&closed).len() < first_page(&all).len());
    for query in [
        "status[]=closed",
        "priority[]=high",
        "maintenance_entity_ids[]=0",
        "type[]=incident",
        "author_employee_ids[]=999999",
        "opened=true",
    ] {
        let (s, got) = api
            .get_json(&format!("issues/list?page[size]=50&{query}"))
            .await;
        assert_eq!(s, 200);
        assert_eq!(
            first_page(&got),
            first_page(&all),
            "{query} must filter nothing on issues/list"
        );
    }
    for name in [
        "status[]",
        "priority[]",
        "maintenance_entity_ids[]",
        "type[]",
        "author_employee_ids[]",
        "opened",
    ] {
        assert_eq!(
            ignored_param(&api, &format!("GET /issues/list {name}")),
            1,
            "{name}"
        );
    }
    assert_eq!(ignored_param(&api, "GET /issues/list status_codes[]"), 0);
}

#[tokio::test]
async fn contacts_do_not_filter_by_crm_1c_id() {
    let api = Api::start(OkdeskConfig::empty()).await;
    for (name, crm) in [("Иван", "c-1"), ("Пётр", "c-2")] {
        let (s, b) = api
            .post(
                "contacts",
                json!({"contact": {"first_name": name, "last_name": "Тестов", "crm_1c_id": crm}}),
            )
            .await;
        assert_eq!(s, 200, "{b}");
    }
    // The listing answers every contact, whatever crm_1c_id says.
    let (s, list) = api.get_json("contacts/list?crm_1c_id=c-2").await;
    assert_eq!(s, 200);
    assert_eq!(list.as_array().unwrap().len(), 2);
    // A search with nothing it knows finds nothing.
    let (s, found) = api.get_json("contacts/?crm_1c_id=c-2").await;
    assert_eq!(s, 200);
    assert_eq!(found, json!({}));
    assert_eq!(ignored_param(&api, "GET /contacts/list crm_1c_id"), 1);
    assert_eq!(ignored_param(&api, "GET /contacts crm_1c_id"), 1);
    // Companies do document it.
    let (_, _) = api.get_json("companies/list?crm_1c_id=c-2").await;
    assert_eq!(ignored_param(&api, "GET /companies/list crm_1c_id"), 0);
}

#[tokio::test]
async fn contacts_are_deactivated_and_reactivated_through_activations() {
    let api = Api::start(OkdeskConfig::default()).await;
    let id = api.sandbox.contacts()[0]["id"].as_u64().unwrap();
    let path = format!("contacts/{id}/activations");
    let (s, off) = api.patch(&path, json!({"active": false})).await;
    assert_eq!(s, 200, "{off}");
    assert_eq!(off["active"], false);
    let (_, shown) = api.get_json(&format!("contacts/{id}")).await;
    assert_eq!(shown["active"], false);
    let (s, on) = api.patch(&path, json!({"active": true})).await;
    assert_eq!(s, 200);
    assert_eq!(on["active"], true);
    let (_, shown) = api.get_json(&format!("contacts/{id}")).await;
    assert_eq!(shown["active"], true);
    let (s, b) = api.patch(&path, json!({})).await;
    assert_eq!(s, 422);
    assert!(b["errors"]["active"].is_array());
    let (s, _) = api
        .patch("contacts/999999/activations", json!({"active": false}))
        .await;
    assert_eq!(s, 404);
    assert!(api.sandbox.stats().ignored_fields.is_empty());
}

#[tokio::test]
async fn companies_are_archived_without_a_body_and_reactivated_with_active() {
    let api = Api::start(OkdeskConfig::default()).await;
    let id = api.sandbox.companies()[0]["id"].as_u64().unwrap();
    let url = api.url(&format!("companies/{id}/activations"));
    let r = api.http.patch(&url).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let archived: Value = r.json().await.unwrap();
    assert_eq!(archived["active"], false);
    let (_, shown) = api.get_json(&format!("companies/{id}")).await;
    assert_eq!(shown["active"], false);
    let (s, back) = api
        .patch(
            &format!("companies/{id}/activations"),
            json!({"active": true}),
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(back["active"], true);
    let (s, off) = api
        .patch(
            &format!("companies/{id}/activations"),
            json!({"company": {"active": false}}),
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(off["active"], false);
}

#[tokio::test]
async fn issue_types_come_as_a_tree_of_groups() {
    let api = Api::start(OkdeskConfig::default()).await;
    let (s, tree) = api.get_json("dictionaries/issues/types").await;
    assert_eq!(s, 200);
    let groups = tree.as_array().unwrap();
    assert!(groups.len() >= 2);
    let mut codes = BTreeSet::new();
    let mut defaults = 0;
    for g in groups {
        assert_eq!(g["type"], "group");
        assert!(g["id"].is_u64() && g["name"].is_string());
        let children = g["children"].as_array().unwrap();
        assert!(!children.is_empty());
        for t in children {
            assert_ne!(t["type"], "group");
            assert!(t["id"].is_u64());
            assert!(t["default"].is_boolean());
            assert!(t["inner"].is_boolean());
            assert!(t["available_for_client"].is_boolean());
            defaults += usize::from(t["default"] == true);
            codes.insert(t["code"].as_str().unwrap().to_owned());
        }
    }
    assert_eq!(defaults, 1);
    // The leaves are the types the issues use.
    let (_, flat) = api.get_json("issues/types").await;
    let flat: BTreeSet<String> = flat
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["code"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(codes, flat);
}

#[tokio::test]
async fn the_issue_attribute_schema_lives_at_parameters_list_only() {
    let api = Api::start(OkdeskConfig::default()).await;
    let (s, schema) = api.get_json("issues/parameters/list").await;
    assert_eq!(s, 200);
    assert_eq!(schema[0]["code"], "work_type");
    let (s, b) = api.get_json("issues/parameters").await;
    assert_eq!(s, 404);
    assert_eq!(b, json!({"errors": "Страница не найдена"}));
}

#[tokio::test]
async fn some_demo_issue_authors_have_no_type_and_may_share_a_contact_id() {
    let api = Api::start(OkdeskConfig::default()).await;
    let contact_ids: BTreeSet<u64> = api
        .sandbox
        .contacts()
        .iter()
        .map(|c| c["id"].as_u64().unwrap())
        .collect();
    let mut untyped = Vec::new();
    for id in api.sandbox.issue_ids() {
        let (_, card) = api.get_json(&format!("issues/{id}")).await;
        let author = &card["author"];
        assert!(author["id"].is_u64() && author["name"].is_string());
        if author.get("type").is_none() {
            untyped.push((id, author["id"].as_u64().unwrap()));
        }
        // Comment authors always say who they are.
        let (_, comments) = api.get_json(&format!("issues/{id}/comments")).await;
        for c in comments.as_array().unwrap() {
            assert!(
                c["author"]["type"] == "employee" || c["author"]["type"] == "contact",
                "{c}"
            );
        }
    }
    let total = api.sandbox.issue_ids().len();
    assert!(untyped.len() >= total / 4, "{untyped:?}");
    assert!(untyped.len() < total);
    // The trap: an untyped author whose id is also a contact's id.
    assert!(
        untyped.iter().any(|(_, a)| contact_ids.contains(a)),
        "{untyped:?} vs {contact_ids:?}"
    );
}

#[tokio::test]
async fn a_client_that_sends_only_known_names_leaves_the_counters_empty_and_reset_zeroes_them() {
    let api = Api::start(OkdeskConfig::default()).await;
    let _ = api
        .get_json("issues/list?status_codes[]=opened&page[number]=1&page[size]=50")
        .await;
    let _ = api
        .get_json("issues/count?status[]=opened&updated_since=01-01-2024")
        .await;
    let _ = api
        .get_json("companies/list?page[size]=100&page[direction]=forward&custom_parameters[inn]=1")
        .await;
    let _ = api
        .get_json("contacts/list?page[size]=100&page[from_id]=0")
        .await;
    let stats = api.sandbox.stats();
    assert!(
        stats.ignored_params.is_empty(),
        "{:?}",
        stats.ignored_params
    );
    assert!(
        stats.ignored_fields.is_empty(),
        "{:?}",
        stats.ignored_fields
    );

    let _ = api.get_json("issues/count?status_codes[]=opened").await;
    let served: Value = api
        .http
        .get(format!("{}/sandbox/stats", api.sandbox.url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        served["ignored_params"]["GET /issues/count status_codes[]"],
        1
    );
    assert_eq!(served["ignored_fields"], json!({}));
    api.sandbox.reset();
    assert!(api.sandbox.stats().ignored_params.is_empty());
}
