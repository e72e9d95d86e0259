//! Apply's crash safety with batched commits: a push killed after any write (the process dies
//! before its batch is committed) is resumed by the next run without a duplicate in Okdesk.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use onec_model::{
    ContactPerson, Contract, Counterparty, Equipment, EquipmentKind, EquipmentModel, LegalForm,
    Manufacturer, Ref, ServiceObject, Snapshot,
};

use crate::fake::{FakeOkdesk, FakeOnec};
use crate::kinds::{EntityKind, OkdeskId};
use crate::ports::{
    Lookup, ObservedCompany, ObservedContact, ObservedDirectoryItem, OkdeskPort, PortError, Record,
};
use crate::push::{Policy, PushJob};
use crate::state::StateStore;

fn r(name: &str) -> Ref {
    Ref::derived("apply-test", name)
}

fn company(name: &str, inn: &str) -> Counterparty {
    Counterparty {
        r#ref: r(name),
        name: name.into(),
        full_name: None,
        inn: Some(inn.into()),
        kpp: None,
        legal_form: Some(LegalForm::Legal),
        emails: vec![],
        phones: vec![],
        addresses: vec![],
        partner: None,
        head: None,
        comment: None,
        upload: None,
        deletion_mark: false,
        version: None,
    }
}

fn contact(last: &str, first: &str, login: &str, owner: &str) -> ContactPerson {
    ContactPerson {
        r#ref: r(last),
        owner: Some(r(owner)),
        name: format!("{last} {first}"),
        last_name: Some(last.into()),
        first_name: Some(first.into()),
        patronymic: None,
        position: None,
        emails: vec![format!("{login}@example.ru")],
        phones: vec![],
        state: None,
        upload: None,
        comment: None,
        deletion_mark: false,
        version: None,
    }
}

fn contract(title: &str, owner: &str) -> Contract {
    Contract {
        r#ref: r(title),
        owner: Some(r(owner)),
        number: None,
        date: None,
        title: title.into(),
        start: None,
        end: None,
        status: None,
        kind: None,
        upload: None,
        comment: None,
        deletion_mark: false,
        version: None,
    }
}

fn equipment(name: &str, serial: Option<&str>, inventory: Option<&str>) -> Equipment {
    Equipment {
        r#ref: r(name),
        name: name.into(),
        serial_number: serial.map(str::to_owned),
        inventory_number: inventory.map(str::to_owned),
        kind: Some(r("kind")),
        manufacturer: Some(r("maker")),
        model: Some(r("model")),
        owner: Some(r("ООО Ромашка")),
        object: Some(r("Склад")),
        comment: None,
        deletion_mark: false,
        version: None,
    }
}

/// Every kind, two companies (one already in Okdesk, made by hand), children of both, and
/// equipment with a serial number, with an inventory number only and with neither.
// Building the snapshot field by field reads better than one nested literal.
#[allow(clippy::field_reassign_with_default)]
fn world() -> Snapshot {
    let mut s = Snapshot::default();
    s.counterparties = vec![
        company("ООО Ромашка", "7707083893"),
        company("ООО Лютик", "7736207543"),
    ];
    s.contacts = vec![
        contact("Иванов", "Иван", "ivanov", "ООО Ромашка"),
        contact("Петров", "Петр", "petrov", "ООО Лютик"),
    ];
    s.contracts = vec![
        contract("Договор 1", "ООО Ромашка"),
        contract("Договор 2", "ООО Лютик"),
    ];
    s.service_objects = vec![ServiceObject {
        r#ref: r("Склад"),
        owner: Some(r("ООО Ромашка")),
        name: "Склад".into(),
        address: None,
        comment: None,
        deletion_mark: false,
        version: None,
    }];
    s.equipment_kinds = vec![EquipmentKind {
        r#ref: r("kind"),
        code: Some("kkt".into()),
        name: "ККТ".into(),
        deletion_mark: false,
        version: None,
    }];
    s.manufacturers = vec![Manufacturer {
        r#ref: r("maker"),
        code: Some("atol".into()),
        name: "АТОЛ".into(),
        deletion_mark: false,
        version: None,
    }];
    s.equipment_models = vec![EquipmentModel {
        r#ref: r("model"),
        code: Some("atol-30f".into()),
        name: "АТОЛ 30Ф".into(),
        kind: Some(r("kind")),
        manufacturer: Some(r("maker")),
        deletion_mark: false,
        version: None,
    }];
    // Sorted by name, the equipment without numbers is written first, so that kills land both
    // before and after the rest of its batch.
    s.equipment = vec![
        equipment("Аппарат без номеров", None, None),
        equipment("Касса", Some("SN-1"), None),
        equipment("Принтер", None, Some("INV-7")),
    ];
    s
}

fn seed(okdesk: &FakeOkdesk) {
    okdesk.seed_company("Лютик", Some("ИНН 7736207543"), &[]);
}

/// An Okdesk port that "dies" after its `after`-th write: that write is done, and from then on
/// no call returns, as if the process were killed with the answer in hand but nothing committed.
struct KilledAfter {
    inner: Arc<FakeOkdesk>,
    after: u64,
    writes: AtomicU64,
    dead: AtomicBool,
    died: tokio::sync::Notify,
}

impl KilledAfter {
    fn new(inner: Arc<FakeOkdesk>, after: u64) -> Self {
        KilledAfter {
            inner,
            after,
            writes: AtomicU64::new(0),
            dead: AtomicBool::new(false),
            died: tokio::sync::Notify::new(),
        }
    }

    async fn alive(&self) {
        if self.dead.load(Ordering::SeqCst) {
            std::future::pending::<()>().await;
        }
    }

    fn wrote(&self) {
        if self.writes.fetch_add(1, Ordering::SeqCst) + 1 == self.after {
            self.dead.store(true, Ordering::SeqCst);
            self.died.notify_one();
        }
    }
}

#[async_trait]
impl OkdeskPort for KilledAfter {
    async fn list_companies(&self) -> Result<Vec<ObservedCompany>, PortError> {
        self.alive().await;
        self.inner.list_companies().await
    }

    async fn list_contacts(&self) -> Result<Vec<ObservedContact>, PortError> {
        self.alive().await;
        self.inner.list_contacts().await
    }

    async fn list_directory(
        &self,
        kind: EntityKind,
    ) -> Result<Vec<ObservedDirectoryItem>, PortError> {
        self.alive().await;
        self.inner.list_directory(kind).await
    }

    async fn find(&self, lookup: &Lookup) -> Result<Vec<OkdeskId>, PortError> {
        self.alive().await;
        self.inner.find(lookup).await
    }

    async fn create(&self, record: &Record) -> Result<OkdeskId, PortError> {
        self.alive().await;
        let out = self.inner.create(record).await;
        self.wrote();
        out
    }

    async fn update(&self, id: OkdeskId, record: &Record) -> Result<(), PortError> {
        self.alive().await;
        let out = self.inner.update(id, record).await;
        self.wrote();
        out
    }

    async fn set_crm_1c_id(
        &self,
        kind: EntityKind,
        id: OkdeskId,
        crm_1c_id: &str,
    ) -> Result<(), PortError> {
        self.alive().await;
        let out = self.inner.set_crm_1c_id(kind, id, crm_1c_id).await;
        self.wrote();
        out
    }

    async fn set_active(
        &self,
        kind: EntityKind,
        id: OkdeskId,
        active: bool,
    ) -> Result<(), PortError> {
        self.alive().await;
        let out = self.inner.set_active(kind, id, active).await;
        self.wrote();
        out
    }

    fn requests(&self) -> u64 {
        self.inner.requests()
    }
}

/// The fake's records without ids, so that two accounts can be compared.
fn end_state(okdesk: &FakeOkdesk) -> Vec<String> {
    let mut v: Vec<String> = okdesk
        .all_records()
        .values()
        .map(|r| {
            let mut record = r.record.clone();
            // Parent ids differ between accounts; the refs they stand for do not.
            let _ = record.resolve(|_| None);
            format!("{} crm={:?}", record.canonical_json(), r.crm_1c_id)
        })
        .collect();
    v.sort();
    v
}

fn job(okdesk: Arc<dyn OkdeskPort>, onec: &Arc<FakeOnec>, path: &std::path::Path) -> PushJob {
    let mut state = StateStore::open(path).unwrap();
    // The killed run left its lock behind in the file, as a SIGKILL does.
    state.set_stale_after(Duration::ZERO);
    PushJob::new(okdesk, onec.clone(), state, Policy::default())
}

#[tokio::test]
async fn a_push_killed_after_any_write_resumes_without_duplicates() {
    let onec = Arc::new(FakeOnec::new(world()));
    let reference = Arc::new(FakeOkdesk::new());
    seed(&reference);
    let dir = tempfile::tempdir().unwrap();
    let report = job(
        reference.clone(),
        &onec,
        &dir.path().join("reference.sqlite"),
    )
    .run(false, &|_| {})
    .await
    .unwrap();
    assert!(report.ok, "{}", report.render_table());
    let expected = end_state(&reference);
    let total = reference.writes();
    assert!(total >= 10, "the world writes every kind: {total}");

    for k in 1..=total {
        let okdesk = Arc::new(FakeOkdesk::new());
        seed(&okdesk);
        let path = dir.path().join(format!("killed-{k}.sqlite"));
        let killed = Arc::new(KilledAfter::new(okdesk.clone(), k));
        let first = job(killed.clone(), &onec, &path);
        tokio::select! {
            // Killed after its last write: the run may finish before the kill is noticed.
            result = first.run(false, &|_| {}) => assert!(result.is_ok(), "{result:?}"),
            () = killed.died.notified() => {}
        }
        // Dropping the run is the kill: its batch in flight is never committed.
        drop(first);
        let second = job(okdesk.clone(), &onec, &path)
            .run(false, &|_| {})
            .await
            .unwrap();
        assert!(second.ok, "kill at write {k}: {}", second.render_table());
        assert_eq!(end_state(&okdesk), expected, "kill at write {k}");
        let third = job(okdesk.clone(), &onec, &path)
            .run(false, &|_| {})
            .await
            .unwrap();
        assert_eq!(
            third.requests.okdesk, 0,
            "kill at write {k}: the resumed run left work"
        );
    }
}
