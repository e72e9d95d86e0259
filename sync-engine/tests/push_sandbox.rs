//! Push against both sandboxes, for every configuration: the real `OkdeskApiPort` over
//! `okdesk-client` talking HTTP to the Okdesk simulator, and the real `OdataOnecPort` reading the
//! 1C OData simulator through the configuration's adapter, both loaded with one demo world.
//!
//! Covers the "done when" list of the push issue: the first push creates what is valid and links
//! the hand-made companies by INN, a second push writes nothing, one change in 1C makes one PATCH,
//! add-only leaves changes alone, a deletion mark archives, a run interrupted after k writes
//! resumes to the same Okdesk state without duplicates, and bad records (an ambiguous INN, broken
//! e-mails, a 422 from the server) are reported while everything else syncs.

mod push_support;

use std::collections::BTreeMap;

use onec_model::Ref;
use sync_engine::kinds::{EntityKind, OkdeskId};
use sync_engine::OkdeskPort;

use push_support::{
    bracket_email, break_contract, end_state, mark_new_contract, pushable, Injected, Rig,
    CONFIGURATIONS,
};
use sync_engine::push::{render_plan, Mode};
use sync_engine::report::{FailureReport, RunReport};
use sync_engine::Policy;

fn add_only() -> Policy {
    Policy {
        mode: Mode::AddOnly,
        ..Policy::default()
    }
}

fn failures_of<'a>(report: &'a RunReport, entity: &str) -> Vec<&'a FailureReport> {
    report
        .failures
        .iter()
        .filter(|f| f.entity == entity)
        .collect()
}

#[tokio::test]
async fn first_push_creates_and_links_by_inn_and_second_push_writes_nothing() {
    for conf in CONFIGURATIONS {
        let (rig, ()) = Rig::start(conf, |_| ()).await;
        let world = rig.world.clone();
        let first = rig.push(Policy::default()).await;
        let table = first.render_table();

        // Every pushable company is in Okdesk exactly once, under its 1C ref; the ones typed in by
        // hand earlier were linked by INN instead of duplicated, unless the INN is ambiguous.
        let mut expected_links = 0;
        for cp in world.onec.counterparties.iter().filter(|c| pushable(c)) {
            let key = cp.r#ref.to_string();
            let inn = cp.inn.clone().unwrap_or_default();
            let seeds = world
                .okdesk
                .companies
                .iter()
                .filter(|s| s.inn == inn)
                .count();
            let holders = rig.okdesk.count_companies_by_crm_1c_id(&key);
            match seeds {
                0 => assert_eq!(holders, 1, "{conf}: {} created once\n{table}", cp.name),
                1 => {
                    expected_links += 1;
                    assert_eq!(holders, 1, "{conf}: {} linked\n{table}", cp.name);
                    let by_inn = rig.okdesk.company_ids_by_inn(&inn);
                    let linked = rig.company_id_by_crm(&key).expect("linked company");
                    assert!(
                        by_inn.contains(&linked),
                        "{conf}: {} linked to the hand-made card",
                        cp.name
                    );
                }
                _ => assert_eq!(holders, 0, "{conf}: ambiguous INN {inn} links nothing"),
            }
        }
        assert!(
            expected_links > 0,
            "{conf}: the world has hand-made companies"
        );
        assert_eq!(
            first.counts["companies"].linked, expected_links,
            "{conf}\n{table}"
        );
        let s = &world.onec;
        for (entity, present) in [
            ("contacts", !s.contacts.is_empty()),
            ("agreements", !s.contracts.is_empty()),
            ("objects", !s.service_objects.is_empty()),
            ("equipment", !s.equipment.is_empty()),
            ("equipment_kinds", !s.equipment_kinds.is_empty()),
            ("models", !s.equipment_models.is_empty()),
        ] {
            let c = first.counts.get(entity).cloned().unwrap_or_default();
            assert_eq!(
                c.created + c.linked > 0,
                present,
                "{conf}: {entity} pushed\n{table}"
            );
        }
        if !s.contacts.is_empty() {
            // Hand-made contacts share e-mails with 1C contacts: linked, not duplicated.
            assert!(first.counts["contacts"].linked > 0, "{conf}\n{table}");
        }
        for c in rig.okdesk.contacts() {
            if let Some(key) = c["crm_1c_id"].as_str() {
                assert_eq!(
                    rig.okdesk.count_contacts_by_crm_1c_id(key),
                    1,
                    "{conf}: contact {key}"
                );
            }
        }

        let mark = rig.writes();
        let routes = rig.okdesk.stats().requests.by_route;
        let second = rig.push(Policy::default()).await;
        assert_eq!(
            rig.writes_since(mark),
            (0, 0),
            "{conf}: second push writes\n{}",
            second.render_table()
        );
        for (entity, c) in &second.counts {
            assert_eq!(
                c.created + c.updated + c.linked + c.archived,
                0,
                "{conf}: {entity}"
            );
        }
        // Unchanged records cost nothing. Records still unmapped (broken e-mails, skipped
        // records) need no reads at all; the ambiguous INN is re-checked by fetching its two
        // candidates and looking the company up by its crm_1c_id — never by listing every company.
        let deltas: BTreeMap<String, u64> = rig
            .okdesk
            .stats()
            .requests
            .by_route
            .into_iter()
            .map(|(route, n)| {
                let delta = n - routes.get(&route).copied().unwrap_or(0);
                (route, delta)
            })
            .filter(|(_, d)| *d > 0)
            .collect();
        let expected: BTreeMap<String, u64> = [
            ("GET /api/v1/companies".to_owned(), 2),
            ("GET /api/v1/companies/list".to_owned(), 1),
        ]
        .into();
        assert_eq!(deltas, expected, "{conf}: second push reads");
    }
}

#[tokio::test]
async fn one_change_one_patch_add_only_leaves_it_and_a_deletion_mark_archives() {
    let mut deactivated = Vec::new();
    for conf in CONFIGURATIONS {
        let (rig, held_back) = Rig::start(conf, mark_new_contract).await;
        let first = rig.push(Policy::default()).await;
        assert!(
            first.skipped.iter().any(|s| s.key == held_back.to_string()),
            "{conf}: the contract marked for deletion is not pushed\n{}",
            first.render_table()
        );

        // A user edits one company's comment in 1C: exactly one PATCH.
        let target = rig.created_company();
        let key = target.to_string();
        rig.set_company_comment(target, "Изменено в 1С");
        let mark = rig.writes();
        let report = rig.push(Policy::default()).await;
        let table = report.render_table();
        assert_eq!(rig.writes_since(mark), (0, 1), "{conf}: one PATCH\n{table}");
        assert_eq!(report.counts["companies"].updated, 1, "{conf}\n{table}");
        let company = rig.company_by_crm(&key).expect("company");
        assert_eq!(company["comment"], "Изменено в 1С", "{conf}");

        // In add-only mode a change is left alone, while a new record is still created.
        rig.set_company_comment(target, "Ещё раз изменено");
        rig.mark_contract(held_back, false);
        let mark = rig.writes();
        let report = rig.push(add_only()).await;
        let table = report.render_table();
        assert_eq!(rig.writes_since(mark), (1, 0), "{conf}: add-only\n{table}");
        assert_eq!(report.counts["companies"].updated, 0, "{conf}\n{table}");
        assert_eq!(report.counts["agreements"].created, 1, "{conf}\n{table}");
        assert!(
            report.skipped.iter().any(|s| s.key == key),
            "{conf}: the change is reported as left alone\n{table}"
        );
        let company = rig.company_by_crm(&key).expect("company");
        assert_eq!(
            company["comment"], "Изменено в 1С",
            "{conf}: add-only wrote"
        );

        // A deletion mark archives the company, once.
        rig.mark_company(target, true);
        let mark = rig.writes();
        let report = rig.push(Policy::default()).await;
        let table = report.render_table();
        assert_eq!(report.counts["companies"].archived, 1, "{conf}\n{table}");
        assert_eq!(rig.writes_since(mark), (0, 1), "{conf}: one archive call");
        let company = rig.company_by_crm(&key).expect("company");
        assert_eq!(company["active"], false, "{conf}: archived");
        let mark = rig.writes();
        let again = rig.push(Policy::default()).await;
        assert_eq!(
            again.counts["companies"].archived, 0,
            "{conf}: archived once"
        );
        assert_eq!(rig.writes_since(mark), (0, 0), "{conf}");

        // The mark taken off: the company is restored and its pending change written.
        rig.mark_company(target, false);
        let mark = rig.writes();
        let report = rig.push(Policy::default()).await;
        assert_eq!(report.counts["companies"].updated, 1, "{conf}");
        assert_eq!(
            rig.writes_since(mark),
            (0, 2),
            "{conf}: activation + update"
        );
        let company = rig.company_by_crm(&key).expect("company");
        assert_eq!(company["active"], true, "{conf}: restored");
        assert_eq!(company["comment"], "Ещё раз изменено", "{conf}");

        // A contact's deletion mark deactivates it.
        if let Some(contact) = rig.created_contact() {
            rig.mark_contact(contact, true);
            let report = rig.push(Policy::default()).await;
            assert_eq!(report.counts["contacts"].archived, 1, "{conf}");
            let c = rig
                .okdesk
                .contacts()
                .into_iter()
                .find(|c| c["crm_1c_id"] == contact.to_string().as_str())
                .expect("the contact");
            assert_eq!(c["active"], false, "{conf}: deactivated");
            deactivated.push(*conf);
        }
    }
    assert_eq!(deactivated.len(), CONFIGURATIONS.len(), "{deactivated:?}");
}

/// One interrupted run and its resumption; panics on any difference from the reference.
async fn interrupted_at(
    conf: &str,
    how: Injected,
    k: u64,
    baseline: usize,
    expected: &std::collections::BTreeMap<String, Vec<String>>,
) {
    let (rig, ()) = Rig::start(conf, |_| ()).await;
    rig.port.fail_at(k, how);
    let first = rig.push(Policy::default()).await;
    assert!(
        first.failures.len() > baseline,
        "{conf} {how:?} at {k}: the failure is reported"
    );
    let second = rig.push(Policy::default()).await;
    assert_eq!(
        &end_state(&rig.okdesk),
        expected,
        "{conf} {how:?} at {k}: end state\n{}",
        second.render_table()
    );
    let mark = rig.writes();
    rig.push(Policy::default()).await;
    assert_eq!(
        rig.writes_since(mark),
        (0, 0),
        "{conf} {how:?} at {k}: converged"
    );
}

// The cases are independent rigs on their own ports, so they run side by side.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupted_run_resumes_to_the_same_state_without_duplicates() {
    for conf in CONFIGURATIONS {
        let (reference, ()) = Rig::start(conf, |_| ()).await;
        let baseline = reference.push(Policy::default()).await.failures.len();
        let expected = end_state(&reference.okdesk);
        let total = reference.port.writes();
        assert!(total > 10, "{conf}: the demo push makes writes");
        let cases: Vec<(Injected, u64)> = [Injected::Refuse, Injected::LoseResponse]
            .into_iter()
            .flat_map(|how| {
                [1, total / 3, total / 2, total - 1, total]
                    .into_iter()
                    .map(move |k| (how, k))
            })
            .collect();
        futures::future::join_all(
            cases
                .iter()
                .map(|(how, k)| interrupted_at(conf, *how, *k, baseline, &expected)),
        )
        .await;
    }
}

#[tokio::test]
async fn bad_records_are_reported_and_everything_else_syncs() {
    for conf in CONFIGURATIONS {
        // A contract whose end precedes its start passes preflight and Okdesk rejects it (422);
        // a contact carries the ЭСТИ manual's (`docs/seeds/001-esti-exchange-manual.txt`) e-mail in angle brackets.
        let (rig, (broken, bracketed)) =
            Rig::start(conf, |w| (break_contract(w), bracket_email(w))).await;
        let world = rig.world.clone();
        let report = rig.push(Policy::default()).await;
        let table = report.render_table();

        // The ambiguous INN: no link, the candidates named.
        let dup_inn = world
            .okdesk
            .companies
            .iter()
            .find(|s| {
                world
                    .okdesk
                    .companies
                    .iter()
                    .filter(|o| o.inn == s.inn)
                    .count()
                    > 1
            })
            .map(|s| s.inn.clone())
            .expect("the demo world has a duplicate INN");
        let candidates = rig.okdesk.company_ids_by_inn(&dup_inn);
        assert_eq!(candidates.len(), 2);
        let companies = failures_of(&report, "companies");
        let ambiguous = companies
            .iter()
            .find(|f| f.message.contains(&dup_inn))
            .unwrap_or_else(|| panic!("{conf}: ambiguous INN reported\n{table}"));
        assert_eq!(ambiguous.field.as_deref(), Some("inn"));
        for id in &candidates {
            assert!(
                ambiguous.message.contains(&id.to_string()),
                "{conf}: candidate {id} named"
            );
        }
        assert_eq!(
            companies.len(),
            1,
            "{conf}: only the ambiguous company failed\n{table}"
        );

        // E-mails: `<…>` is normalised and sent; a Cyrillic letter fails preflight with the field
        // and value named; no e-mail reaches Okdesk to be rejected there.
        let contacts = failures_of(&report, "contacts");
        if !world.onec.contacts.is_empty() {
            let sent = rig
                .okdesk
                .contacts()
                .into_iter()
                .find(|c| c["crm_1c_id"] == bracketed.to_string().as_str())
                .unwrap_or_else(|| panic!("{conf}: the bracketed e-mail's contact sent\n{table}"));
            assert_eq!(
                sent["email"], "ivanii@mail.okdesk.com",
                "{conf}: normalised"
            );
            let cyrillic = world
                .onec
                .contacts
                .iter()
                .find(|c| c.emails.iter().any(|e| !e.is_ascii()))
                .expect("the demo world has a Cyrillic e-mail");
            let f = contacts
                .iter()
                .find(|f| f.key == cyrillic.r#ref.to_string())
                .unwrap_or_else(|| panic!("{conf}: Cyrillic e-mail reported\n{table}"));
            assert_eq!(f.field.as_deref(), Some("email"));
            assert!(f.message.contains(&cyrillic.emails[0]), "{}", f.message);
            assert_eq!(f.http_status, None, "{conf}: failed before sending");
        }
        for f in &contacts {
            assert_eq!(f.field.as_deref(), Some("email"), "{conf}: {f:?}");
            assert_eq!(f.http_status, None, "{conf}: {f:?}");
        }

        // The 422: Okdesk's answer, the field and the request body (no token) in the report.
        let agreements = failures_of(&report, "agreements");
        assert_eq!(
            agreements.len(),
            1,
            "{conf}: only the broken contract failed\n{table}"
        );
        let rejected = agreements[0];
        assert_eq!(rejected.key, broken.to_string(), "{conf}");
        assert_eq!(rejected.http_status, Some(422));
        assert_eq!(rejected.field.as_deref(), Some("end_date"));
        assert!(
            rejected.message.contains("При создании договора")
                && rejected.message.contains("Код ошибки 422")
                && rejected.message.contains("должна быть больше даты начала"),
            "{}",
            rejected.message
        );
        let body = rejected.request.as_ref().expect("request body").to_string();
        assert!(
            body.contains("\"agreement\"") && body.contains("end_date"),
            "{body}"
        );
        assert!(
            !body.contains(rig.okdesk.token()),
            "{conf}: token in the body"
        );
        assert!(
            !report.to_json().contains(rig.okdesk.token()),
            "{conf}: token in the report"
        );

        // Everything else synced: no other kind failed, and the next run retries exactly the
        // failed records (only the 422 needs a request; the others fail before sending).
        for f in &report.failures {
            assert!(
                ["companies", "contacts", "agreements"].contains(&f.entity.as_str()),
                "{conf}: unexpected failure {f:?}"
            );
        }
        let mark = rig.writes();
        let again = rig.push(Policy::default()).await;
        assert_eq!(
            again.failures.len(),
            report.failures.len(),
            "{conf}: retried"
        );
        assert_eq!(
            rig.writes_since(mark),
            (1, 0),
            "{conf}: only the 422 is sent again"
        );
    }
}

#[tokio::test]
async fn first_push_plans_are_stable_per_configuration() {
    for conf in CONFIGURATIONS {
        let (rig, ()) = Rig::start(conf, |_| ()).await;
        let plan = rig.plan().await;
        insta::assert_snapshot!(format!("first_push_plan_{conf}"), render_plan(&plan));
        // Planning is pure: the same inputs plan the same, byte for byte, and a plan writes
        // nothing.
        assert_eq!(rig.plan().await.to_json(), plan.to_json(), "{conf}");
        assert_eq!(rig.writes_since(push_support::Writes::default()), (0, 0));
    }
}

#[tokio::test]
async fn under_server_faults_runs_converge_without_duplicates() {
    // Real faults on the HTTP path: 500s and dropped connections before Okdesk acts. The client
    // retries reads and PATCHes; a POST that fails after sending is reported "may have been
    // committed" and looked up by key on the next run instead of being repeated.
    for conf in ["esti", "ut11"] {
        let (reference, ()) = Rig::start(conf, |_| ()).await;
        reference.push(Policy::default()).await;
        let expected = end_state(&reference.okdesk);

        let retry = okdesk_client::RetryPolicy {
            max_retries: 3,
            max_elapsed: std::time::Duration::from_secs(5),
            base_delay: std::time::Duration::from_millis(1),
            max_delay: std::time::Duration::from_millis(5),
        };
        let (rig, ()) = Rig::start_with(conf, |_| (), retry).await;
        rig.okdesk.set_faults(sandbox::okdesk::Faults {
            server_error: 0.15,
            drop_connection: 0.1,
            ..sandbox::okdesk::Faults::none()
        });
        let mut maybe_committed = 0;
        for _ in 0..4 {
            if let Ok(report) = rig.try_push(Policy::default()).await {
                maybe_committed += report
                    .failures
                    .iter()
                    .filter(|f| f.message.contains("Запрос мог быть выполнен"))
                    .count();
            }
        }
        assert!(maybe_committed > 0, "{conf}: some POST answers were lost");
        rig.okdesk.set_faults(sandbox::okdesk::Faults::none());
        let last = rig.push(Policy::default()).await;
        assert_eq!(
            end_state(&rig.okdesk),
            expected,
            "{conf}: converged to the uninterrupted state\n{}",
            last.render_table()
        );
    }
}

/// The requests a push made, by route, since `before`.
fn reads_since(rig: &Rig, before: &BTreeMap<String, u64>) -> BTreeMap<String, u64> {
    rig.okdesk
        .stats()
        .requests
        .by_route
        .into_iter()
        .map(|(route, n)| {
            let delta = n - before.get(&route).copied().unwrap_or(0);
            (route, delta)
        })
        .filter(|(_, d)| *d > 0)
        .collect()
}

#[tokio::test]
async fn an_ambiguous_inn_is_rechecked_by_its_candidates_and_resolved_by_a_crm_1c_id() {
    let (rig, _) = Rig::start("ut11", |_| ()).await;
    let first = rig.push(Policy::default()).await;
    let ambiguous = first
        .failures
        .iter()
        .find(|f| f.entity == "companies" && f.field.as_deref() == Some("inn"))
        .expect("the demo world has one INN on two Okdesk cards")
        .clone();
    let key: Ref = ambiguous.key.parse().unwrap();

    // While nothing changes, the ambiguity is reported again from its two candidates alone.
    let before = rig.okdesk.stats().requests.by_route;
    let again = rig.push(Policy::default()).await;
    assert!(
        again
            .failures
            .iter()
            .any(|f| f.key == ambiguous.key && f.field.as_deref() == Some("inn")),
        "still ambiguous:\n{}",
        again.render_table()
    );
    let reads = reads_since(&rig, &before);
    assert_eq!(
        reads.get("GET /api/v1/companies/list"),
        Some(&1),
        "{reads:?}"
    );
    assert_eq!(reads.get("GET /api/v1/companies"), Some(&2), "{reads:?}");

    // A user resolves it in Okdesk as the message says: writes the 1C key into one card.
    let inn = rig
        .world
        .onec
        .counterparties
        .iter()
        .find(|c| c.r#ref == key)
        .and_then(|c| c.inn.clone())
        .unwrap();
    let chosen = rig.okdesk.company_ids_by_inn(&inn);
    assert_eq!(chosen.len(), 2, "{chosen:?}");
    rig.port
        .set_crm_1c_id(EntityKind::Companies, OkdeskId(chosen[1]), &key.to_string())
        .await
        .unwrap();
    let before = rig.okdesk.stats().requests.by_route;
    let resolved = rig.push(Policy::default()).await;
    assert_eq!(
        rig.company_id_by_crm(&ambiguous.key),
        Some(chosen[1]),
        "linked to the card the user chose\n{}",
        resolved.render_table()
    );
    assert!(!resolved.failures.iter().any(|f| f.key == ambiguous.key));
    let reads = reads_since(&rig, &before);
    // The company list is not read whole (one filtered page: the crm_1c_id lookup).
    assert_eq!(
        reads.get("GET /api/v1/companies/list"),
        Some(&1),
        "{reads:?}"
    );

    // A record that changes in 1C is matched again against the whole list.
    let (rig, _) = Rig::start("ut11", |_| ()).await;
    rig.push(Policy::default()).await;
    rig.set_company_comment(key, "новый комментарий");
    let before = rig.okdesk.stats().requests.by_route;
    let changed = rig.push(Policy::default()).await;
    assert!(changed
        .failures
        .iter()
        .any(|f| f.key == ambiguous.key && f.field.as_deref() == Some("inn")));
    let reads = reads_since(&rig, &before);
    assert!(
        reads.contains_key("GET /api/v1/companies/list")
            && !reads.contains_key("GET /api/v1/companies"),
        "the whole list, no candidate fetched: {reads:?}"
    );
}
