//! Push against the sandboxes: the real `OkdeskApiPort` over `okdesk-client` talking HTTP to the
//! Okdesk simulator, the 1C side fed with the shared demo world. Covers the "done when" list of
//! the push issue: first push creates and links by INN, a second push writes nothing, one change
//! makes one PATCH, add-only leaves changes alone, a deletion mark archives, an interrupted run
//! resumes to the same state without duplicates, and bad records (ambiguous INN, broken e-mails,
//! a 422 from the server) are reported while everything else syncs.

mod push_support;

use std::collections::BTreeMap;

use push_support::{end_state, pushable, Injected, Rig, CONFIGURATIONS};
use sync_engine::push::Mode;
use sync_engine::report::RunReport;
use sync_engine::Policy;

fn add_only() -> Policy {
    Policy {
        mode: Mode::AddOnly,
        ..Policy::default()
    }
}

fn failures_of<'a>(
    report: &'a RunReport,
    entity: &str,
) -> Vec<&'a sync_engine::report::FailureReport> {
    report
        .failures
        .iter()
        .filter(|f| f.entity == entity)
        .collect()
}

#[tokio::test]
async fn first_push_creates_and_links_by_inn_and_second_push_writes_nothing() {
    for conf in CONFIGURATIONS {
        let rig = Rig::start(conf).await;
        let world = rig.world.clone();
        let first = rig.push(Policy::default()).await;
        let table = first.render_table();

        // Every pushable counterparty is in Okdesk exactly once, under its 1C ref; the ones typed
        // in by hand earlier were linked by INN instead of duplicated, unless the INN is ambiguous.
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
        let linked = first.counts.get("companies").map_or(0, |c| c.linked);
        let expected_links = world
            .onec
            .counterparties
            .iter()
            .filter(|c| pushable(c))
            .filter(|c| {
                world
                    .okdesk
                    .companies
                    .iter()
                    .filter(|s| Some(&s.inn) == c.inn.as_ref())
                    .count()
                    == 1
            })
            .count() as u64;
        assert!(
            expected_links > 0,
            "{conf}: the demo world has hand-made companies"
        );
        assert_eq!(linked, expected_links, "{conf}\n{table}");
        for entity in [
            "contacts",
            "agreements",
            "objects",
            "equipment",
            "equipment_kinds",
            "models",
        ] {
            let c = first.counts.get(entity).cloned().unwrap_or_default();
            assert!(c.created + c.linked > 0, "{conf}: {entity} pushed\n{table}");
        }
        // Seed contacts share e-mails with 1C contacts: they are linked, not duplicated.
        assert!(first.counts["contacts"].linked > 0, "{conf}\n{table}");
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
        // Unchanged records cost nothing; the only reads are the two lists that matching needs
        // again for the records that failed it (the ambiguous INN, the broken e-mails).
        let after = rig.okdesk.stats().requests.by_route;
        let reads: Vec<String> = after
            .iter()
            .filter(|(route, n)| routes.get(*route) != Some(*n))
            .map(|(route, n)| format!("{route} x{}", n - routes.get(route).copied().unwrap_or(0)))
            .collect();
        assert_eq!(
            reads,
            [
                "GET /api/v1/companies/list x1",
                "GET /api/v1/contacts/list x1"
            ],
            "{conf}: second push reads"
        );
    }
}

#[tokio::test]
async fn one_change_one_patch_add_only_leaves_it_and_a_deletion_mark_archives() {
    for conf in CONFIGURATIONS {
        let mut rig = Rig::start(conf).await;
        rig.push(Policy::default()).await;

        // A user edits one counterparty's comment in 1C.
        let target = rig.created_counterparty();
        rig.edit(|s| {
            let cp = s
                .counterparties
                .iter_mut()
                .find(|c| c.r#ref == target)
                .expect("target");
            cp.comment = Some("Изменено в 1С".into());
        });
        let mark = rig.writes();
        let report = rig.push(Policy::default()).await;
        assert_eq!(
            rig.writes_since(mark),
            (0, 1),
            "{conf}: one PATCH\n{}",
            report.render_table()
        );
        assert_eq!(report.counts["companies"].updated, 1);
        let company = rig.company_by_crm(&target.to_string()).expect("company");
        assert_eq!(company["comment"], "Изменено в 1С");

        // In add-only mode a change is left alone, while a new record is still created.
        let owner = target;
        rig.edit(|s| {
            let cp = s
                .counterparties
                .iter_mut()
                .find(|c| c.r#ref == owner)
                .expect("target");
            cp.comment = Some("Ещё раз изменено".into());
            let mut object = s.service_objects[0].clone();
            object.r#ref = onec_model::Ref::derived("push-sandbox", "new-object");
            object.owner = Some(owner);
            object.name = "Новый склад".into();
            s.service_objects.push(object);
        });
        let mark = rig.writes();
        let report = rig.push(add_only()).await;
        assert_eq!(
            rig.writes_since(mark),
            (1, 0),
            "{conf}: add-only\n{}",
            report.render_table()
        );
        assert_eq!(report.counts["companies"].updated, 0);
        assert_eq!(report.counts["objects"].created, 1);
        let company = rig.company_by_crm(&target.to_string()).expect("company");
        assert_eq!(
            company["comment"], "Изменено в 1С",
            "{conf}: add-only wrote a change"
        );

        // A deletion mark archives the company (full mode also writes the pending comment first
        // in no way: the mark wins and only the archive call is made).
        rig.edit(|s| {
            let cp = s
                .counterparties
                .iter_mut()
                .find(|c| c.r#ref == owner)
                .expect("target");
            cp.deletion_mark = true;
        });
        let mark = rig.writes();
        let report = rig.push(Policy::default()).await;
        assert_eq!(
            report.counts["companies"].archived,
            1,
            "{conf}\n{}",
            report.render_table()
        );
        assert_eq!(rig.writes_since(mark), (0, 1), "{conf}: one archive call");
        let company = rig.company_by_crm(&target.to_string()).expect("company");
        assert_eq!(company["active"], false, "{conf}: archived");
        let again = rig.push(Policy::default()).await;
        assert_eq!(
            again.counts["companies"].archived, 0,
            "{conf}: archived once"
        );
    }
}

#[tokio::test]
async fn an_interrupted_run_resumes_to_the_same_state_without_duplicates() {
    for conf in CONFIGURATIONS {
        let reference = Rig::start(conf).await;
        reference.push(Policy::default()).await;
        let expected = end_state(&reference.okdesk);
        let total = reference.port.writes();
        assert!(total > 10, "{conf}: the demo push makes writes");
        for how in [Injected::Refuse, Injected::LoseResponse] {
            for k in [1, total / 3, total / 2, total - 1, total] {
                let rig = Rig::start(conf).await;
                rig.port.fail_at(k, how);
                let first = rig.push(Policy::default()).await;
                assert!(
                    !first.failures.is_empty(),
                    "{conf} {how:?} at {k}: the failure is reported"
                );
                let second = rig.push(Policy::default()).await;
                let state = end_state(&rig.okdesk);
                assert_eq!(
                    state,
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
        }
    }
}

#[tokio::test]
async fn bad_records_are_reported_and_everything_else_syncs() {
    for conf in CONFIGURATIONS {
        let mut rig = Rig::start(conf).await;
        let world = rig.world.clone();
        // A contract whose end precedes its start passes preflight and Okdesk rejects it (422).
        let broken = rig.broken_contract();
        // Seed 001's example: the address typed in angle brackets.
        let bracketed = rig.bracketed_email();
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

        // E-mails: `<…@mail.ru>` is normalised and sent; a Cyrillic letter fails preflight with
        // the field and value named; nothing reaches Okdesk to be rejected there.
        let contacts = failures_of(&report, "contacts");
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
        let okdesk_contact = rig
            .okdesk
            .contacts()
            .into_iter()
            .find(|c| c["crm_1c_id"] == bracketed.to_string().as_str())
            .unwrap_or_else(|| panic!("{conf}: the bracketed e-mail's contact sent\n{table}"));
        assert_eq!(
            okdesk_contact["email"], "ivanii@mail.okdesk.com",
            "{conf}: normalised"
        );
        assert!(
            contacts.iter().all(|f| f.http_status != Some(422)),
            "{conf}: no e-mail reached Okdesk unusable\n{table}"
        );

        // The 422: Okdesk's answer, the field and the request body (no token) in the report.
        let agreements = failures_of(&report, "agreements");
        let rejected = agreements
            .iter()
            .find(|f| f.key == broken.to_string())
            .unwrap_or_else(|| panic!("{conf}: the 422 reported\n{table}"));
        assert_eq!(rejected.http_status, Some(422));
        assert_eq!(rejected.field.as_deref(), Some("end_date"));
        assert!(
            rejected.message.contains("При создании договора"),
            "{}",
            rejected.message
        );
        assert!(
            rejected.message.contains("должна быть больше даты начала"),
            "{}",
            rejected.message
        );
        let body = rejected.request.as_ref().expect("request body").to_string();
        assert!(body.contains("\"agreement\""), "{body}");
        assert!(
            !body.contains(rig.okdesk.token()),
            "{conf}: token in the body"
        );
        assert!(
            !report.to_json().contains(rig.okdesk.token()),
            "{conf}: token in the report"
        );

        // Everything else synced: only the records named above failed, and a second run retries
        // exactly them (and fails them the same way) without touching anything else.
        let expected_failures: BTreeMap<&str, usize> = [
            ("agreements", 1usize),
            ("companies", companies.len()),
            ("contacts", contacts.len()),
        ]
        .into_iter()
        .collect();
        assert_eq!(
            companies.len(),
            1,
            "{conf}: only the ambiguous company failed\n{table}"
        );
        assert_eq!(
            agreements.len(),
            1,
            "{conf}: only the broken contract failed\n{table}"
        );
        for f in &report.failures {
            assert!(
                expected_failures.contains_key(f.entity.as_str()),
                "{conf}: unexpected {f:?}"
            );
        }
        for f in &contacts {
            assert_eq!(f.field.as_deref(), Some("email"), "{conf}: {f:?}");
        }
        let mark = rig.writes();
        let again = rig.push(Policy::default()).await;
        assert_eq!(
            again.failures.len(),
            report.failures.len(),
            "{conf}: retried and failed again"
        );
        assert_eq!(
            rig.writes_since(mark),
            (1, 0),
            "{conf}: only the 422 is sent again"
        );
    }
}
