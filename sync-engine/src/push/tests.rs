//! Push tests over the in-memory fakes: idempotence, resume after a failure at op k, matching,
//! preflight, modes, deletion marks, ЭСТИ rules, portions and plan determinism.

use std::collections::BTreeMap;
use std::sync::Arc;

use onec_model::{
    Address, AddressKind, ContactPerson, ContactState, Contract, Counterparty, Equipment,
    EquipmentKind, EquipmentModel, LegalForm, Manufacturer, Ref, ServiceObject, Snapshot,
};

use super::*;
use crate::fake::{FakeOkdesk, FakeOnec, Injected};
use crate::kinds::{EntityKind, OkdeskId};
use crate::ports::OkdeskPort;
use crate::state::StateStore;

fn r(name: &str) -> Ref {
    Ref::derived("push-test", name)
}

fn company(name: &str, inn: &str, kpp: Option<&str>) -> Counterparty {
    Counterparty {
        r#ref: r(name),
        name: name.into(),
        full_name: None,
        inn: Some(inn.into()),
        kpp: kpp.map(str::to_owned),
        legal_form: Some(LegalForm::Legal),
        emails: vec![format!("info@{}.ru", inn)],
        phones: vec!["8 (495) 123-45-67".into()],
        addresses: vec![Address {
            kind: AddressKind::Legal,
            text: "г. Москва, ул. Тверская, д. 1".into(),
        }],
        partner: None,
        head: None,
        comment: None,
        upload: None,
        deletion_mark: false,
        version: None,
    }
}

fn contact(name: &str, owner: &str, email: &str) -> ContactPerson {
    let words: Vec<&str> = name.split(' ').collect();
    ContactPerson {
        r#ref: r(name),
        owner: Some(r(owner)),
        name: name.into(),
        last_name: Some(words[0].into()),
        first_name: words.get(1).map(|s| (*s).to_owned()),
        patronymic: words.get(2).map(|s| (*s).to_owned()),
        position: Some("Генеральный директор".into()),
        emails: vec![email.into()],
        phones: vec![],
        state: None,
        upload: None,
        comment: None,
        deletion_mark: false,
        version: None,
    }
}

/// Valid INNs (check digits correct): 7707083893 (Сбербанк), 7736207543, 500100732259.
// Building the snapshot field by field reads better than one nested literal.
#[allow(clippy::field_reassign_with_default)]
fn world() -> Snapshot {
    let mut s = Snapshot::default();
    s.counterparties = vec![
        company("ООО Ромашка", "7707083893", Some("773601001")),
        company("ООО Лютик", "7736207543", None),
        company("ИП Петров", "500100732259", None),
    ];
    s.contacts = vec![
        contact(
            "Иванов Иван Иванович",
            "ООО Ромашка",
            "<ivanii@mail.okdesk.com>",
        ),
        contact("Петров Петр", "ИП Петров", "petrov@mail.ru"),
        contact("Сидорова Анна", "ООО Лютик", "anna@lutik.ru"),
    ];
    s.contracts = vec![Contract {
        r#ref: r("contract-1"),
        owner: Some(r("ООО Ромашка")),
        number: Some("17".into()),
        date: None,
        title: "Договор обслуживания № 17".into(),
        start: chrono::NaiveDate::from_ymd_opt(2024, 1, 1),
        end: None,
        status: None,
        kind: None,
        upload: None,
        comment: None,
        deletion_mark: false,
        version: None,
    }];
    s.service_objects = vec![ServiceObject {
        r#ref: r("object-1"),
        owner: Some(r("ООО Ромашка")),
        name: "Магазин на Тверской".into(),
        address: Some("г. Москва, ул. Тверская, д. 1".into()),
        comment: None,
        deletion_mark: false,
        version: None,
    }];
    s.equipment_kinds = vec![EquipmentKind {
        r#ref: r("kind-kkt"),
        code: Some("kkt".into()),
        name: "ККТ".into(),
        deletion_mark: false,
        version: None,
    }];
    s.manufacturers = vec![Manufacturer {
        r#ref: r("m-atol"),
        code: Some("atol".into()),
        name: "АТОЛ".into(),
        deletion_mark: false,
        version: None,
    }];
    s.equipment_models = vec![EquipmentModel {
        r#ref: r("model-30f"),
        code: Some("atol-30f".into()),
        name: "АТОЛ 30Ф".into(),
        kind: Some(r("kind-kkt")),
        manufacturer: Some(r("m-atol")),
        deletion_mark: false,
        version: None,
    }];
    s.equipment = vec![Equipment {
        r#ref: r("eq-1"),
        name: "Касса 1".into(),
        serial_number: Some("00106700001".into()),
        inventory_number: None,
        kind: Some(r("kind-kkt")),
        manufacturer: Some(r("m-atol")),
        model: Some(r("model-30f")),
        owner: Some(r("ООО Ромашка")),
        object: Some(r("object-1")),
        comment: None,
        deletion_mark: false,
        version: None,
    }];
    s
}

struct Rig {
    okdesk: Arc<FakeOkdesk>,
    onec: Arc<FakeOnec>,
    dir: tempfile::TempDir,
}

impl Rig {
    fn new(snapshot: Snapshot) -> Self {
        Rig {
            okdesk: Arc::new(FakeOkdesk::new()),
            onec: Arc::new(FakeOnec::new(snapshot)),
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn job(&self, policy: Policy) -> PushJob {
        let state = StateStore::open(self.dir.path().join("state.sqlite")).unwrap();
        PushJob::new(self.okdesk.clone(), self.onec.clone(), state, policy)
    }

    async fn push(&self, policy: Policy) -> crate::report::RunReport {
        self.job(policy).run(false, &|_| {}).await.unwrap()
    }
}

/// The fake's records without ids, so that two runs can be compared.
fn end_state(okdesk: &FakeOkdesk) -> Vec<String> {
    let mut v: Vec<String> = okdesk
        .all_records()
        .values()
        .map(|r| {
            format!(
                "{} active={} crm={:?}",
                r.record.canonical_json(),
                r.active,
                r.crm_1c_id
            )
        })
        .collect();
    v.sort();
    v
}

fn counts(report: &crate::report::RunReport, entity: &str) -> crate::report::Counts {
    report.counts.get(entity).copied().unwrap_or_default()
}

#[tokio::test]
async fn first_push_creates_everything_and_second_makes_zero_requests() {
    let rig = Rig::new(world());
    let first = rig.push(Policy::default()).await;
    assert!(first.ok, "{}", first.render_table());
    let t = first.totals();
    assert_eq!(t.created, 12, "{}", first.render_table());
    assert_eq!(rig.okdesk.creates(), 12);
    // The seed's `<ivanii@mail.okdesk.com>` is sent without the brackets.
    let contacts = rig.okdesk.records(EntityKind::Contacts);
    assert!(contacts.values().any(|c| matches!(&c.record,
        crate::ports::Record::Contact(c) if c.email.as_deref() == Some("ivanii@mail.okdesk.com"))));

    let requests_before = rig.okdesk.requests();
    let second = rig.push(Policy::default()).await;
    assert!(second.ok);
    assert_eq!(
        rig.okdesk.requests(),
        requests_before,
        "second push must make zero Okdesk requests"
    );
    assert_eq!(second.requests.okdesk, 0);
    assert_eq!(second.totals().unchanged, 12);
}

#[tokio::test]
async fn one_changed_record_makes_exactly_one_update() {
    let rig = Rig::new(world());
    rig.push(Policy::default()).await;
    let writes = rig.okdesk.writes();
    rig.onec
        .edit(|s| s.contacts[1].position = Some("Бухгалтер".into()));
    // The push holds mappings without payloads; the plan reads the one it needs to name the
    // changed field.
    let (plan, _) = rig.job(Policy::default()).plan().await.unwrap();
    let changed: Vec<&Vec<String>> = plan
        .entries
        .iter()
        .filter_map(|e| match &e.action {
            crate::push::plan::Action::Update { changed, .. } => Some(changed),
            _ => None,
        })
        .collect();
    assert_eq!(changed, [&vec!["position".to_owned()]]);
    let report = rig.push(Policy::default()).await;
    assert_eq!(rig.okdesk.writes() - writes, 1);
    assert_eq!(counts(&report, "contacts").updated, 1);
    assert_eq!(report.requests.okdesk, 1);
}

/// Two contracts of one company with one title: the second is looked up by title (its company
/// is mapped by then) and finds the first's Okdesk agreement, which belongs to another 1C record.
/// It must get its own agreement, not be linked to the first's, and the runs after converge.
#[tokio::test]
async fn a_namesake_contract_gets_its_own_agreement_not_its_namesakes() {
    let rig = Rig::new(world());
    rig.push(Policy::default()).await;
    let first = rig.okdesk.records(EntityKind::Agreements);
    assert_eq!(first.len(), 1);
    rig.onec.edit(|s| {
        let mut twin = s.contracts[0].clone();
        twin.r#ref = r("contract-2");
        twin.number = Some("18".into());
        s.contracts.push(twin);
    });
    let report = rig.push(Policy::default()).await;
    assert!(report.ok, "{}", report.render_table());
    let c = counts(&report, "agreements");
    assert_eq!((c.created, c.linked), (1, 0), "{}", report.render_table());
    let after = rig.okdesk.records(EntityKind::Agreements);
    assert_eq!(after.len(), 2, "one Okdesk agreement per 1C contract");

    let state = StateStore::open(rig.dir.path().join("state.sqlite")).unwrap();
    let ids: std::collections::BTreeSet<OkdeskId> = state
        .mapped_ids()
        .unwrap()
        .into_iter()
        .filter(|(k, _)| k.kind == EntityKind::Agreements)
        .map(|(_, id)| id)
        .collect();
    assert_eq!(ids.len(), 2, "two contracts, two distinct agreements");
    drop(state);

    let writes = rig.okdesk.writes();
    let again = rig.push(Policy::default()).await;
    assert_eq!(rig.okdesk.writes(), writes, "{}", again.render_table());
    assert_eq!(counts(&again, "agreements").unchanged, 2);
}

#[tokio::test]
async fn add_only_does_not_update_but_creates_new() {
    let rig = Rig::new(world());
    rig.push(Policy::default()).await;
    let writes = rig.okdesk.writes();
    rig.onec.edit(|s| {
        s.counterparties[0].comment = Some("VIP".into());
        s.counterparties
            .push(company("ООО Новая", "7728168971", None));
    });
    let policy = Policy {
        mode: Mode::AddOnly,
        ..Policy::default()
    };
    let report = rig.push(policy).await;
    assert_eq!(rig.okdesk.writes() - writes, 1, "{}", report.render_table());
    assert_eq!(counts(&report, "companies").created, 1);
    assert_eq!(counts(&report, "companies").skipped, 1);
    assert!(report
        .skipped
        .iter()
        .any(|s| s.reason.contains("add-only") && s.reason.contains("comment")));
}

#[tokio::test]
async fn a_deletion_mark_archives_once() {
    let rig = Rig::new(world());
    rig.push(Policy::default()).await;
    rig.onec.edit(|s| s.counterparties[1].deletion_mark = true);
    let report = rig.push(Policy::default()).await;
    assert_eq!(counts(&report, "companies").archived, 1);
    let archived: Vec<_> = rig
        .okdesk
        .records(EntityKind::Companies)
        .into_values()
        .filter(|c| !c.active)
        .collect();
    assert_eq!(archived.len(), 1);
    let again = rig.push(Policy::default()).await;
    assert_eq!(again.requests.okdesk, 0);
    // Removing the mark restores it.
    rig.onec.edit(|s| s.counterparties[1].deletion_mark = false);
    rig.push(Policy::default()).await;
    assert!(rig
        .okdesk
        .records(EntityKind::Companies)
        .values()
        .all(|c| c.active));
}

#[tokio::test]
async fn links_existing_companies_by_inn_and_contacts_by_email() {
    let rig = Rig::new(world());
    let by_param = rig
        .okdesk
        .seed_company("Ромашка (вручную)", None, &[("inn", "7707083893")]);
    let by_additional = rig
        .okdesk
        .seed_company("Лютик", Some("ИНН 7736207543"), &[]);
    let by_email = rig.okdesk.seed_contact("Петров", "Петр", "Petrov@Mail.ru");
    let report = rig.push(Policy::default()).await;
    assert!(report.ok, "{}", report.render_table());
    assert_eq!(counts(&report, "companies").linked, 2);
    assert_eq!(counts(&report, "companies").created, 1);
    assert_eq!(counts(&report, "contacts").linked, 1);
    let companies = rig.okdesk.records(EntityKind::Companies);
    assert_eq!(companies.len(), 3, "no duplicate of a linked company");
    assert_eq!(
        companies[&by_param].crm_1c_id,
        Some(r("ООО Ромашка").to_string())
    );
    assert_eq!(
        companies[&by_additional].crm_1c_id,
        Some(r("ООО Лютик").to_string())
    );
    assert_eq!(
        rig.okdesk.records(EntityKind::Contacts)[&by_email].crm_1c_id,
        Some(r("Петров Петр").to_string())
    );
}

#[tokio::test]
async fn ambiguous_inn_links_nothing_and_names_the_candidates() {
    let rig = Rig::new(world());
    let a = rig.okdesk.seed_company("Лютик 1", Some("7736207543"), &[]);
    let b = rig
        .okdesk
        .seed_company("Лютик 2", None, &[("inn", "7736207543")]);
    let report = rig.push(Policy::default()).await;
    assert!(!report.ok);
    let f = report
        .failures
        .iter()
        .find(|f| f.entity == "companies")
        .unwrap();
    assert_eq!(f.field.as_deref(), Some("inn"));
    assert!(f.message.contains(&format!("id {a}, {b}")), "{}", f.message);
    // Its contact is skipped with the reason, everything else is synced.
    assert!(report
        .skipped
        .iter()
        .any(|s| s.name == "Сидорова Анна" && s.reason.contains("ООО Лютик")));
    assert_eq!(counts(&report, "companies").created, 2);
}

#[tokio::test]
async fn kpp_picks_the_branch_among_companies_with_one_inn() {
    let rig = Rig::new(world());
    let _head = rig.okdesk.seed_company(
        "Ромашка головная",
        Some("ИНН 7707083893 КПП 770701001"),
        &[],
    );
    let branch =
        rig.okdesk
            .seed_company("Ромашка филиал", Some("ИНН 7707083893 КПП 773601001"), &[]);
    let report = rig.push(Policy::default()).await;
    assert_eq!(counts(&report, "companies").linked, 1);
    let companies = rig.okdesk.records(EntityKind::Companies);
    assert_eq!(
        companies[&branch].crm_1c_id,
        Some(r("ООО Ромашка").to_string())
    );
}

#[tokio::test]
async fn cyrillic_email_fails_preflight_and_the_rest_goes_on() {
    let mut s = world();
    s.contacts[2].emails = vec!["anna@lutik.rу".into()]; // the last letter is Cyrillic «у».
    let rig = Rig::new(s);
    let report = rig.push(Policy::default()).await;
    assert!(!report.ok);
    assert_eq!(report.failures.len(), 1);
    let f = &report.failures[0];
    assert_eq!(
        (f.entity.as_str(), f.field.as_deref()),
        ("contacts", Some("email"))
    );
    assert!(f.message.contains("Сидорова Анна"), "{}", f.message);
    assert_eq!(counts(&report, "contacts").created, 2);
    // It stays in the journal as a failure waiting for retry.
    let job = rig.job(Policy::default());
    let open = job.state().lock().unwrap().open_failures().unwrap();
    assert_eq!(open.len(), 1);
}

#[tokio::test]
async fn invalid_inn_fails_preflight() {
    let mut s = world();
    s.counterparties[2].inn = Some("500100732250".into());
    let rig = Rig::new(s);
    let report = rig.push(Policy::default()).await;
    let f = report
        .failures
        .iter()
        .find(|f| f.entity == "companies")
        .unwrap();
    assert_eq!(f.field.as_deref(), Some("inn"));
    assert!(f.message.contains("500100732250"), "{}", f.message);
    assert!(report.skipped.iter().any(|s| s.name == "Петров Петр"));
}

#[tokio::test]
async fn a_422_is_reported_like_seed_001_and_retried_next_run() {
    let rig = Rig::new(world());
    rig.okdesk.reject_when(|rec| match rec {
        crate::ports::Record::Contact(c) if c.last_name == "Иванов" => {
            Some(("email".into(), "имеет неверное значение".into()))
        }
        _ => None,
    });
    let report = rig.push(Policy::default()).await;
    assert_eq!(report.failures.len(), 1);
    let f = &report.failures[0];
    assert_eq!(f.http_status, Some(422));
    assert!(
        f.message.starts_with("При создании контактного лица Иванов Иван Иванович произошла ошибка. Код ошибки 422 ({\"errors\":{\"email\":\"имеет неверное значение\"}})"),
        "{}",
        f.message
    );
    assert!(f.request.is_some());
    assert!(report
        .render_table()
        .contains("Запрос, который вызвал ошибку"));
    assert_eq!(report.totals().created, 11);
    // The next run retries only that record.
    let again = rig.push(Policy::default()).await;
    assert_eq!(again.failures.len(), 1);
    assert_eq!(again.totals().unchanged, 11);
}

#[tokio::test]
async fn a_failed_parent_skips_its_children() {
    let rig = Rig::new(world());
    rig.okdesk.reject_when(|rec| match rec {
        crate::ports::Record::Company(c) if c.name == "ООО Ромашка" => {
            Some(("name".into(), "уже существует".into()))
        }
        _ => None,
    });
    let report = rig.push(Policy::default()).await;
    assert_eq!(report.failures.len(), 1);
    for name in [
        "Иванов Иван Иванович",
        "Договор обслуживания № 17",
        "Магазин на Тверской",
        "Касса 1",
    ] {
        assert!(
            report
                .skipped
                .iter()
                .any(|s| s.name == name && s.reason.contains("ООО Ромашка")),
            "{name}: {}",
            report.render_table()
        );
    }
}

#[tokio::test]
async fn esti_flags_and_contact_state() {
    let mut s = world();
    s.counterparties[1].upload = Some(false); // ООО Лютик is not uploaded.
    s.contacts[2].upload = Some(true); // but its contact has the flag: reported.
    s.contacts[1].state = Some(ContactState::Dismissed);
    let rig = Rig::new(s);
    let report = rig.push(Policy::default()).await;
    let reason = |name: &str| {
        report
            .skipped
            .iter()
            .find(|s| s.name == name)
            .map(|s| s.reason.clone())
            .unwrap_or_default()
    };
    assert!(reason("ООО Лютик").contains("не установлен"));
    assert!(
        reason("Сидорова Анна").contains("у партнера «ООО Лютик»"),
        "{}",
        reason("Сидорова Анна")
    );
    assert!(reason("Петров Петр").contains("Уволен"));
    assert_eq!(counts(&report, "contacts").created, 1);
}

#[tokio::test]
async fn resume_after_failure_at_op_k_converges_without_duplicates() {
    let reference = Rig::new(world());
    reference.push(Policy::default()).await;
    let expected = end_state(&reference.okdesk);
    let total_writes = reference.okdesk.writes();
    for how in [Injected::Refuse, Injected::LoseResponse] {
        for k in 1..=total_writes {
            let rig = Rig::new(world());
            rig.okdesk.fail_at(k, how);
            let first = rig.push(Policy::default()).await;
            assert!(!first.ok, "{how:?} at {k}");
            let second = rig.push(Policy::default()).await;
            assert!(second.ok, "{how:?} at {k}: {}", second.render_table());
            assert_eq!(end_state(&rig.okdesk), expected, "{how:?} at {k}");
            let third = rig.push(Policy::default()).await;
            assert_eq!(third.requests.okdesk, 0, "{how:?} at {k}");
        }
    }
}

#[tokio::test]
async fn unauthorized_aborts_the_run_and_releases_the_lock() {
    let rig = Rig::new(world());
    rig.okdesk.fail_at(3, Injected::Unauthorized);
    let err = rig
        .job(Policy::default())
        .run(false, &|_| {})
        .await
        .unwrap_err();
    assert!(matches!(err, crate::Error::Auth(_)), "{err}");
    // The lock was released and what was done is kept: the rerun finishes.
    let report = rig.push(Policy::default()).await;
    assert!(report.ok);
    assert_eq!(rig.okdesk.records(EntityKind::Companies).len(), 3);
}

#[tokio::test]
async fn a_second_concurrent_run_is_refused() {
    let rig = Rig::new(world());
    let job = rig.job(Policy::default());
    let token = job.state().lock().unwrap().lock("push").unwrap();
    let err = rig
        .job(Policy::default())
        .run(false, &|_| {})
        .await
        .unwrap_err();
    assert!(err.to_string().contains("another run"), "{err}");
    job.state().lock().unwrap().unlock(&token).unwrap();
}

#[tokio::test]
async fn portions_limit_writes_per_run() {
    let rig = Rig::new(world());
    let policy = Policy {
        portions: Some(Portions {
            batch_size: 2,
            max_batches: Some(2),
        }),
        ..Policy::default()
    };
    let first = rig.push(policy.clone()).await;
    assert_eq!(rig.okdesk.writes(), 4);
    assert!(first.skipped.iter().any(|s| s.reason.contains("порция")));
    for _ in 0..5 {
        rig.push(policy.clone()).await;
    }
    let reference = Rig::new(world());
    reference.push(Policy::default()).await;
    assert_eq!(end_state(&rig.okdesk), end_state(&reference.okdesk));
}

#[tokio::test]
async fn dry_run_writes_nothing_and_counts_like_a_run() {
    let rig = Rig::new(world());
    let report = rig.job(Policy::default()).run(true, &|_| {}).await.unwrap();
    assert!(report.dry_run);
    assert_eq!(report.totals().created, 12);
    assert_eq!(rig.okdesk.writes(), 0);
    let real = rig.push(Policy::default()).await;
    assert_eq!(real.totals().created, 12);
}

#[tokio::test]
async fn only_filter_limits_kinds() {
    let rig = Rig::new(world());
    let policy = Policy {
        only: Some([EntityKind::Contacts].into_iter().collect()),
        ..Policy::default()
    };
    let report = rig.push(policy).await;
    assert_eq!(report.counts.keys().collect::<Vec<_>>(), vec!["contacts"]);
    // Their companies were never pushed, so they wait.
    assert_eq!(counts(&report, "contacts").skipped, 3);
}

#[test]
fn plans_are_deterministic_and_render_stably() {
    let s = world();
    let mut shuffled = s.clone();
    shuffled.counterparties.reverse();
    shuffled.contacts.reverse();
    let view = crate::state::StateView::default();
    let observed = crate::ports::Observed {
        companies: Some(vec![crate::ports::ObservedCompany {
            id: OkdeskId(5),
            name: "Лютик".into(),
            additional_name: Some("7736207543".into()),
            crm_1c_id: None,
            active: true,
            parameters: BTreeMap::new(),
        }]),
        contacts: Some(vec![]),
        directories: BTreeMap::new(),
        partial: Default::default(),
    };
    let a = plan_push(&s, &view, &observed, &Policy::default());
    let b = plan_push(&shuffled, &view, &observed, &Policy::default());
    assert_eq!(a.to_json(), b.to_json());
    assert_eq!(render_plan(&a), render_plan(&b));
    insta::assert_snapshot!("small_world_plan", render_plan(&a));
}
