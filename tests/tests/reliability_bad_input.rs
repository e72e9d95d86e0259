//! The bad-input corpus: more than 25 kinds of broken 1C data (e-mails with brackets, two
//! addresses, Cyrillic letters and spaces; INNs of the wrong length or check digit; duplicate
//! INNs; empty names; 10,000-character comments; emoji and control characters; children of failed
//! or deletion-marked parents; contracts ending before they start; equipment without a kind;
//! dangling references) mixed with good records, pushed through the real engine and the real
//! Okdesk client into the Okdesk sandbox.
//!
//! Every bad record must end in its expected outcome — a failure naming the record and the field,
//! a skip naming the reason, or a faithful sync where the data is odd but valid — while every good
//! record syncs, and a second run creates nothing new. The corpus is data (`corpus()`), so a new
//! kind of bad input is one entry.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::NaiveDate;
use okdesk_client::{ApiToken, OkdeskClient};
use onec_model::{
    ContactPerson, Contract, Counterparty, Equipment, EquipmentKind, EquipmentModel, Manufacturer,
    Ref, ServiceObject, Snapshot,
};
use sandbox::okdesk::{OkdeskConfig, OkdeskSandbox};
use serde_json::Value;
use sync_engine::fake::FakeOnec;
use sync_engine::{EntityKind, OkdeskApiPort, Policy, PushJob, RunReport, StateStore, SyncKey};

fn r(name: &str) -> Ref {
    Ref::derived("reliability-bad-input", name)
}

/// A 10-digit INN with a valid check digit, distinct for each `n`.
fn inn(n: u32) -> String {
    let body = format!("77{:07}", n % 10_000_000);
    let digits: Vec<u32> = body.chars().map(|c| c.to_digit(10).unwrap()).collect();
    let weights = [2, 4, 10, 3, 5, 9, 4, 6, 8];
    let sum: u32 = digits.iter().zip(weights).map(|(d, w)| d * w).sum();
    format!("{body}{}", sum % 11 % 10)
}

fn company(name: &str, n: u32) -> Counterparty {
    Counterparty {
        r#ref: r(name),
        name: name.to_owned(),
        full_name: None,
        inn: Some(inn(n)),
        kpp: None,
        legal_form: None,
        emails: vec![format!("office{n}@example.ru")],
        phones: vec![],
        addresses: vec![],
        partner: None,
        head: None,
        comment: None,
        upload: None,
        deletion_mark: false,
        version: Some("1".into()),
    }
}

fn contact(key: &str, owner: Option<Ref>, name: &str, email: &str) -> ContactPerson {
    ContactPerson {
        r#ref: r(key),
        owner,
        name: name.to_owned(),
        last_name: None,
        first_name: None,
        patronymic: None,
        position: None,
        emails: if email.is_empty() {
            vec![]
        } else {
            vec![email.to_owned()]
        },
        phones: vec![],
        state: None,
        upload: None,
        comment: None,
        deletion_mark: false,
        version: Some("1".into()),
    }
}

fn contract(key: &str, owner: Option<Ref>, title: &str) -> Contract {
    Contract {
        r#ref: r(key),
        owner,
        number: None,
        date: None,
        title: title.to_owned(),
        start: NaiveDate::from_ymd_opt(2024, 1, 1),
        end: NaiveDate::from_ymd_opt(2025, 12, 31),
        status: None,
        kind: None,
        upload: None,
        comment: None,
        deletion_mark: false,
        version: Some("1".into()),
    }
}

fn object(key: &str, owner: Option<Ref>, name: &str) -> ServiceObject {
    ServiceObject {
        r#ref: r(key),
        owner,
        name: name.to_owned(),
        address: Some("г. Москва, ул. Тверская, д. 1".into()),
        comment: None,
        deletion_mark: false,
        version: Some("1".into()),
    }
}

fn equipment(key: &str, owner: Option<Ref>, kind: Option<Ref>, serial: &str) -> Equipment {
    Equipment {
        r#ref: r(key),
        name: format!("Оборудование {key}"),
        serial_number: Some(serial.to_owned()),
        inventory_number: None,
        kind,
        manufacturer: Some(r("manufacturer:good")),
        model: Some(r("model:good")),
        owner,
        object: None,
        comment: None,
        deletion_mark: false,
        version: Some("1".into()),
    }
}

/// What must become of one record.
#[derive(Clone, Debug)]
enum Expect {
    /// A failure on this field (the Okdesk field name or the engine's preflight name).
    Fails(&'static str),
    /// A skip whose reason contains this text.
    Skipped(&'static str),
    /// Created in Okdesk; the check gets the Okdesk record as JSON, when the sandbox lists the kind.
    Syncs(fn(&Value) -> Result<(), String>),
}

/// One kind of bad input: its label, the record it is about and what must happen to it.
struct Case {
    label: &'static str,
    kind: EntityKind,
    key: Ref,
    expect: Expect,
}

fn case(label: &'static str, kind: EntityKind, key: &str, expect: Expect) -> Case {
    Case {
        label,
        kind,
        key: r(key),
        expect,
    }
}

fn field<'a>(v: &'a Value, name: &str) -> &'a str {
    v.get(name).and_then(Value::as_str).unwrap_or_default()
}

/// The good records every case is mixed with: they must all sync.
fn good_world(s: &mut Snapshot) -> Vec<(EntityKind, Ref)> {
    let mut good = Vec::new();
    s.equipment_kinds.push(EquipmentKind {
        r#ref: r("kind:good"),
        code: Some("KKT".into()),
        name: "ККТ".into(),
        deletion_mark: false,
        version: Some("1".into()),
    });
    s.manufacturers.push(Manufacturer {
        r#ref: r("manufacturer:good"),
        code: Some("ATOL".into()),
        name: "АТОЛ".into(),
        deletion_mark: false,
        version: Some("1".into()),
    });
    s.equipment_models.push(EquipmentModel {
        r#ref: r("model:good"),
        code: Some("ATOL-30F".into()),
        name: "АТОЛ 30Ф".into(),
        kind: Some(r("kind:good")),
        manufacturer: Some(r("manufacturer:good")),
        deletion_mark: false,
        version: Some("1".into()),
    });
    good.extend([
        (EntityKind::EquipmentKinds, r("kind:good")),
        (EntityKind::Manufacturers, r("manufacturer:good")),
        (EntityKind::Models, r("model:good")),
    ]);
    for i in 0..3u32 {
        let name = format!("ООО «Надёжный клиент {i}»");
        let mut cp = company(&format!("good:{i}"), 100 + i);
        cp.name = name;
        let owner = Some(cp.r#ref);
        s.counterparties.push(cp);
        s.contacts.push(contact(
            &format!("good-contact:{i}"),
            owner,
            &format!("Петров Пётр {i}"),
            &format!("petrov{i}@example.ru"),
        ));
        s.contracts.push(contract(
            &format!("good-contract:{i}"),
            owner,
            &format!("Договор обслуживания {i}"),
        ));
        s.service_objects.push(object(
            &format!("good-object:{i}"),
            owner,
            &format!("Магазин {i}"),
        ));
        s.equipment.push(equipment(
            &format!("good-equipment:{i}"),
            owner,
            Some(r("kind:good")),
            &format!("SN-GOOD-{i}"),
        ));
        good.extend([
            (EntityKind::Companies, r(&format!("good:{i}"))),
            (EntityKind::Contacts, r(&format!("good-contact:{i}"))),
            (EntityKind::Agreements, r(&format!("good-contract:{i}"))),
            (EntityKind::Objects, r(&format!("good-object:{i}"))),
            (EntityKind::Equipment, r(&format!("good-equipment:{i}"))),
        ]);
    }
    good
}

/// The corpus: records added to the snapshot and the outcome each must have.
fn corpus(s: &mut Snapshot) -> Vec<Case> {
    use EntityKind::*;
    use Expect::*;
    let good_owner = Some(r("good:0"));
    let mut cases = Vec::new();
    let add_company = |s: &mut Snapshot, key: &str, n: u32, edit: &dyn Fn(&mut Counterparty)| {
        let mut cp = company(key, n);
        cp.name = format!("ООО «{key}»");
        edit(&mut cp);
        s.counterparties.push(cp);
    };

    // E-mails as real 1C holds them.
    add_company(s, "email-angle", 1, &|c| {
        c.emails = vec!["<ivanii@mail.ru>".into()]
    });
    cases.push(case(
        "e-mail in angle brackets is cleaned",
        Companies,
        "email-angle",
        Syncs(|v| match field(v, "email") {
            "ivanii@mail.ru" => Ok(()),
            other => Err(format!("email is «{other}»")),
        }),
    ));
    add_company(s, "email-two", 2, &|c| {
        c.emails = vec!["first@mail.ru; second@mail.ru".into()]
    });
    cases.push(case(
        "two addresses in one field: the first is used",
        Companies,
        "email-two",
        Syncs(|v| match field(v, "email") {
            "first@mail.ru" => Ok(()),
            other => Err(format!("email is «{other}»")),
        }),
    ));
    add_company(s, "email-cyrillic", 3, &|c| {
        c.emails = vec!["ivаnov@mail.ru".into()] // The second letter is a Cyrillic «а».
    });
    cases.push(case(
        "Cyrillic letter inside an e-mail",
        Companies,
        "email-cyrillic",
        Fails("email"),
    ));
    add_company(s, "email-space", 18, &|c| {
        c.emails = vec!["ivan ov@mail.ru".into()]
    });
    cases.push(case(
        "space inside an e-mail",
        Companies,
        "email-space",
        Fails("email"),
    ));
    add_company(s, "email-no-at", 4, &|c| {
        c.emails = vec!["ivanov.mail.ru".into()]
    });
    cases.push(case(
        "e-mail without @",
        Companies,
        "email-no-at",
        Fails("email"),
    ));
    add_company(s, "email-double-at", 5, &|c| {
        c.emails = vec!["ivanov@@mail.ru".into()]
    });
    cases.push(case(
        "e-mail with @@",
        Companies,
        "email-double-at",
        Fails("email"),
    ));
    add_company(s, "email-no-dot", 6, &|c| {
        c.emails = vec!["ivanov@mail".into()]
    });
    cases.push(case(
        "e-mail domain without a dot",
        Companies,
        "email-no-dot",
        Fails("email"),
    ));

    // INN and KPP.
    add_company(s, "inn-short", 7, &|c| c.inn = Some("77070838".into()));
    cases.push(case(
        "INN of 8 digits",
        Companies,
        "inn-short",
        Fails("inn"),
    ));
    add_company(s, "inn-check", 8, &|c| c.inn = Some("7707083894".into()));
    cases.push(case(
        "INN with a wrong check digit",
        Companies,
        "inn-check",
        Fails("inn"),
    ));
    add_company(s, "inn-letters", 9, &|c| c.inn = Some("77O7083893".into()));
    cases.push(case(
        "INN with a letter O",
        Companies,
        "inn-letters",
        Fails("inn"),
    ));
    add_company(s, "kpp-bad", 10, &|c| c.kpp = Some("12345".into()));
    cases.push(case("KPP of 5 digits", Companies, "kpp-bad", Fails("kpp")));
    // Two 1C counterparties with one INN (a head office and a branch): two Okdesk companies.
    add_company(s, "inn-dup-a", 11, &|_| {});
    add_company(s, "inn-dup-b", 11, &|c| c.kpp = Some("770201001".into()));
    for key in ["inn-dup-a", "inn-dup-b"] {
        cases.push(case(
            "duplicate INN across counterparties",
            Companies,
            key,
            Syncs(|v| match field(v, "additional_name") {
                a if a.contains(&inn(11)) => Ok(()),
                other => Err(format!("additional_name is «{other}»")),
            }),
        ));
    }

    // Names and text.
    add_company(s, "name-empty", 12, &|c| c.name = String::new());
    cases.push(case(
        "empty company name",
        Companies,
        "name-empty",
        Fails("name"),
    ));
    add_company(s, "name-blank", 13, &|c| c.name = "   \t ".into());
    cases.push(case(
        "blank company name",
        Companies,
        "name-blank",
        Fails("name"),
    ));
    add_company(s, "comment-10k", 14, &|c| {
        c.comment = Some("Ж".repeat(10_000))
    });
    cases.push(case(
        "10,000-character comment is kept whole",
        Companies,
        "comment-10k",
        Syncs(|v| match field(v, "comment").chars().count() {
            10_000 => Ok(()),
            n => Err(format!("comment has {n} characters")),
        }),
    ));
    add_company(s, "emoji", 15, &|c| c.name = "Кофейня ☕ «Зёрна» 🚀".into());
    cases.push(case(
        "emoji in a name are kept",
        Companies,
        "emoji",
        Syncs(|v| match field(v, "name") {
            "Кофейня ☕ «Зёрна» 🚀" => Ok(()),
            other => Err(format!("name is «{other}»")),
        }),
    ));
    add_company(s, "control", 16, &|c| {
        c.name = "ООО «Ромашка»\u{7}\u{0}".into();
        c.comment = Some("строка 1\r\nстрока 2\u{1b}[31m".into());
    });
    cases.push(case(
        "control characters in a name and comment",
        Companies,
        "control",
        // Real Okdesk keeps text in PostgreSQL, which refuses NUL bytes: control characters are
        // cleaned before sending, the name survives.
        Syncs(|v| {
            let name = field(v, "name");
            if !name.starts_with("ООО «Ромашка»") {
                return Err(format!("name is {name:?}"));
            }
            let text = format!("{name}{}", field(v, "comment"));
            match text
                .chars()
                .find(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
            {
                Some(c) => Err(format!("{c:?} was sent")),
                None => Ok(()),
            }
        }),
    ));

    // Parents that fail or are deletion-marked, and references to nothing.
    s.contacts.push(contact(
        "contact-of-failed",
        Some(r("inn-check")),
        "Сидоров Сидор",
        "sidorov@example.ru",
    ));
    cases.push(case(
        "contact whose company fails",
        Contacts,
        "contact-of-failed",
        Skipped("ООО «inn-check»"),
    ));
    add_company(s, "deleted-parent", 17, &|c| c.deletion_mark = true);
    cases.push(case(
        "deletion-marked company is not created",
        Companies,
        "deleted-parent",
        Skipped("помечен на удаление"),
    ));
    s.contracts.push(contract(
        "contract-of-deleted",
        Some(r("deleted-parent")),
        "Договор удалённого",
    ));
    cases.push(case(
        "contract of a deletion-marked company",
        Agreements,
        "contract-of-deleted",
        Skipped("ООО «deleted-parent»"),
    ));
    s.contacts.push(contact(
        "contact-dangling",
        Some(r("no-such-company")),
        "Кузнецов Кузьма",
        "kuznetsov@example.ru",
    ));
    cases.push(case(
        "contact of a company that is not in 1C",
        Contacts,
        "contact-dangling",
        Skipped(""),
    ));
    s.service_objects.push(object(
        "object-dangling",
        Some(r("no-such-company")),
        "Склад",
    ));
    cases.push(case(
        "object of a company that is not in 1C",
        Objects,
        "object-dangling",
        Skipped(""),
    ));

    // Contacts.
    s.contacts.push(contact(
        "contact-noname",
        good_owner,
        "",
        "noname@example.ru",
    ));
    cases.push(case(
        "contact without any name",
        Contacts,
        "contact-noname",
        Fails("last_name"),
    ));
    s.contacts.push(contact(
        "contact-oneword",
        good_owner,
        "Иванов",
        "one@example.ru",
    ));
    cases.push(case(
        "contact with a surname only",
        Contacts,
        "contact-oneword",
        Fails("first_name"),
    ));
    s.contacts.push(contact(
        "contact-cyrillic-email",
        good_owner,
        "Смирнов Семён",
        "smirnоv@example.ru", // A Cyrillic «о».
    ));
    cases.push(case(
        "contact e-mail with a Cyrillic letter",
        Contacts,
        "contact-cyrillic-email",
        Fails("email"),
    ));

    // Contracts.
    let mut backwards = contract("contract-backwards", good_owner, "Договор наоборот");
    backwards.start = NaiveDate::from_ymd_opt(2025, 6, 1);
    backwards.end = NaiveDate::from_ymd_opt(2024, 6, 1);
    s.contracts.push(backwards);
    cases.push(case(
        "contract that ends before it starts",
        Agreements,
        "contract-backwards",
        Fails("end_date"),
    ));
    s.contracts
        .push(contract("contract-untitled", good_owner, ""));
    cases.push(case(
        "contract with neither title nor number",
        Agreements,
        "contract-untitled",
        Fails("title"),
    ));

    // Objects and equipment.
    s.service_objects
        .push(object("object-noname", good_owner, " "));
    cases.push(case(
        "service object without a name",
        Objects,
        "object-noname",
        Fails("name"),
    ));
    s.equipment
        .push(equipment("equipment-nokind", good_owner, None, "SN-NOKIND"));
    cases.push(case(
        "equipment without a kind",
        Equipment,
        "equipment-nokind",
        Fails("kind"),
    ));
    s.equipment.push(equipment(
        "equipment-dangling-kind",
        good_owner,
        Some(r("no-such-kind")),
        "SN-DANGLING",
    ));
    cases.push(case(
        "equipment whose kind is not in 1C",
        Equipment,
        "equipment-dangling-kind",
        Fails("kind"),
    ));
    s.equipment_models.push(EquipmentModel {
        r#ref: r("model-nomaker"),
        code: Some("NOMAKER".into()),
        name: "Модель без производителя".into(),
        kind: Some(r("kind:good")),
        manufacturer: None,
        deletion_mark: false,
        version: Some("1".into()),
    });
    cases.push(case(
        "equipment model without a manufacturer",
        Models,
        "model-nomaker",
        Fails("manufacturer"),
    ));
    s.equipment_kinds.push(EquipmentKind {
        r#ref: r("kind-noname"),
        code: Some("NONAME".into()),
        name: String::new(),
        deletion_mark: false,
        version: Some("1".into()),
    });
    cases.push(case(
        "equipment kind without a name",
        EquipmentKinds,
        "kind-noname",
        Fails("name"),
    ));
    s.equipment.push(equipment(
        "equipment-of-bad-kind",
        good_owner,
        Some(r("kind-noname")),
        "SN-BADKIND",
    ));
    cases.push(case(
        "equipment whose kind fails",
        Equipment,
        "equipment-of-bad-kind",
        // Skipped as a child of a failed parent, as contacts of failed companies are.
        Skipped(""),
    ));
    cases
}

async fn okdesk_port(okdesk: &OkdeskSandbox) -> Arc<OkdeskApiPort> {
    let client = OkdeskClient::builder(&okdesk.url(), ApiToken::new(okdesk.token()))
        .build()
        .unwrap();
    Arc::new(OkdeskApiPort::new(client))
}

async fn push(okdesk: &OkdeskSandbox, onec: &Arc<FakeOnec>, state: &std::path::Path) -> RunReport {
    let job = PushJob::new(
        okdesk_port(okdesk).await,
        onec.clone(),
        StateStore::open(state).unwrap(),
        Policy::default(),
    );
    job.run(false, &|_| {}).await.unwrap()
}

fn okdesk_record(okdesk: &OkdeskSandbox, kind: EntityKind, id: u64) -> Option<Value> {
    let list = match kind {
        EntityKind::Companies => okdesk.companies(),
        EntityKind::Contacts => okdesk.contacts(),
        EntityKind::Agreements => okdesk.agreements(),
        EntityKind::Objects => okdesk.maintenance_entities(),
        EntityKind::Equipment => okdesk.equipment(),
        _ => return None,
    };
    list.into_iter()
        .find(|v| v.get("id").and_then(Value::as_u64) == Some(id))
}

/// Pushes the corpus twice: every bad input gets exactly its own outcome, every good record syncs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_bad_input_gets_its_own_outcome_and_every_good_record_syncs() {
    let mut snapshot = Snapshot::default();
    let good = good_world(&mut snapshot);
    let cases = corpus(&mut snapshot);
    let kinds: std::collections::BTreeSet<&str> = cases.iter().map(|c| c.label).collect();
    assert!(kinds.len() >= 25, "the corpus has {} kinds", kinds.len());

    let okdesk = OkdeskSandbox::start(OkdeskConfig::empty()).await.unwrap();
    let onec = Arc::new(FakeOnec::new(snapshot));
    let dir = tempfile::tempdir().unwrap();
    let state_path = dir.path().join("state.sqlite");
    let report = push(&okdesk, &onec, &state_path).await;

    let view = StateStore::open(&state_path).unwrap().view().unwrap();
    let mut problems = Vec::new();
    for (kind, key) in &good {
        if view.id_of(&SyncKey::new(*kind, *key)).is_none() {
            let why = report
                .failures
                .iter()
                .find(|f| f.key == key.to_string())
                .map(|f| format!("{:?}: {}", f.field, f.message))
                .unwrap_or_default();
            problems.push(format!("good {} {key} did not sync {why}", kind.as_str()));
        }
    }
    for c in &cases {
        let key = c.key.to_string();
        let failure = report
            .failures
            .iter()
            .find(|f| f.key == key && f.entity == c.kind.as_str());
        let skip = report
            .skipped
            .iter()
            .find(|f| f.key == key && f.entity == c.kind.as_str());
        let mapped = view.id_of(&SyncKey::new(c.kind, c.key));
        let got = match (failure, skip, mapped) {
            (Some(f), _, _) => format!("failed on {:?}: {}", f.field, f.message),
            (_, Some(s), _) => format!("skipped: {}", s.reason),
            (_, _, Some(id)) => format!("synced as {id}"),
            _ => "no outcome at all".to_owned(),
        };
        let ok = match (&c.expect, failure, skip, mapped) {
            (Expect::Fails(field), Some(f), _, None) => {
                f.field.as_deref() == Some(*field) && !f.message.trim().is_empty()
            }
            (Expect::Skipped(text), None, Some(s), None) => s.reason.contains(text),
            (Expect::Syncs(check), None, None, Some(id)) => {
                match okdesk_record(&okdesk, c.kind, id.0) {
                    Some(v) => match check(&v) {
                        Ok(()) => true,
                        Err(e) => {
                            problems.push(format!("{}: synced, but {e}", c.label));
                            continue;
                        }
                    },
                    None => c.kind != EntityKind::Companies,
                }
            }
            _ => false,
        };
        if !ok {
            problems.push(format!("{}: expected {:?}, got {got}", c.label, c.expect));
        }
    }
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );

    // Every failure names the record (its 1C key) and a field, and nothing unexpected failed.
    let expected_failures: BTreeMap<String, &str> = cases
        .iter()
        .filter_map(|c| match c.expect {
            Expect::Fails(f) => Some((c.key.to_string(), f)),
            _ => None,
        })
        .collect();
    for f in &report.failures {
        assert!(
            expected_failures.contains_key(&f.key),
            "unexpected failure: {f:?}"
        );
        assert!(f.field.is_some(), "failure without a field: {f:?}");
    }

    // A second run retries the failures, creates nothing new and changes no count in Okdesk.
    let before = (
        okdesk.companies().len(),
        okdesk.contacts().len(),
        okdesk.agreements().len(),
        okdesk.maintenance_entities().len(),
        okdesk.equipment().len(),
    );
    let again = push(&okdesk, &onec, &state_path).await;
    let after = (
        okdesk.companies().len(),
        okdesk.contacts().len(),
        okdesk.agreements().len(),
        okdesk.maintenance_entities().len(),
        okdesk.equipment().len(),
    );
    assert_eq!(before, after, "the second run changed Okdesk's counts");
    assert_eq!(again.failures.len(), report.failures.len());
    assert_eq!(again.totals().created, 0, "second run: {again:?}");
    for c in &cases {
        let n = okdesk.count_companies_by_crm_1c_id(&c.key.to_string());
        assert!(n <= 1, "{}: {n} companies with one crm_1c_id", c.label);
    }
}
