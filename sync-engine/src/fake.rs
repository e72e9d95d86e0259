//! In-memory ports for tests (feature `testing`): an Okdesk that keeps records, counts requests
//! and writes, and fails on demand at the k-th write; and a 1C side that hands out a snapshot.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use async_trait::async_trait;
use onec_model::Snapshot;

use crate::kinds::{EntityKind, OkdeskId};
use crate::ports::{
    CompanyFields, ContactFields, ErrorClass, Lookup, ObservedCompany, ObservedContact,
    ObservedDirectoryItem, OkdeskPort, OnecPort, OnecRead, PortError, RawCacheStore, Record,
};

/// One record held by the fake Okdesk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FakeRecord {
    /// The fields as last written.
    pub record: Record,
    /// `crm_1c_id` as Okdesk holds it (`None` for records made by hand).
    pub crm_1c_id: Option<String>,
    /// Whether it is active (not archived).
    pub active: bool,
    /// Custom parameters of hand-made companies.
    pub parameters: BTreeMap<String, String>,
}

/// How an injected failure behaves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Injected {
    /// The write is refused (HTTP 500) and not committed.
    Refuse,
    /// The write is committed but the answer is lost (a timeout): the classic duplicate trap.
    LoseResponse,
    /// HTTP 401: the run must abort.
    Unauthorized,
}

/// A rule that rejects a record with 422, like Okdesk's validation.
pub type RejectRule = Box<dyn Fn(&Record) -> Option<(String, String)> + Send + Sync>;

/// A key `find` looks records up by. The fake keeps an index of them so that a lookup costs what
/// it costs a real server with database indexes, not a scan of every record: a benchmark over the
/// fake measures the engine, and a scan would make every push over it quadratic in the records.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum FindKey {
    /// `crm_1c_id` of a record of a kind.
    Crm1cId(EntityKind, String),
    /// The code of a directory item.
    Code(EntityKind, String),
    /// An agreement's title or an object's name within its company.
    NameInCompany(EntityKind, OkdeskId, String),
    /// An equipment's serial number.
    Serial(String),
    /// An equipment's inventory number (absent included, as `find` compares them as options).
    Inventory(Option<String>),
}

/// The keys a record can be found by.
fn find_keys(kind: EntityKind, r: &FakeRecord) -> Vec<FindKey> {
    let mut keys = Vec::new();
    if let Some(crm) = &r.crm_1c_id {
        keys.push(FindKey::Crm1cId(kind, crm.clone()));
    }
    match &r.record {
        Record::EquipmentKind(d) | Record::Manufacturer(d) => {
            keys.push(FindKey::Code(kind, d.code.clone()));
        }
        Record::Model(m) => keys.push(FindKey::Code(kind, m.code.clone())),
        Record::Agreement(a) => keys.extend(
            a.company
                .id
                .map(|c| FindKey::NameInCompany(kind, c, a.title.clone())),
        ),
        Record::Object(o) => keys.extend(
            o.company
                .id
                .map(|c| FindKey::NameInCompany(kind, c, o.name.clone())),
        ),
        Record::Equipment(e) if kind == EntityKind::Equipment => {
            keys.extend(e.serial_number.clone().map(FindKey::Serial));
            keys.push(FindKey::Inventory(e.inventory_number.clone()));
        }
        Record::Company(_) | Record::Contact(_) | Record::Equipment(_) => {}
    }
    keys
}

#[derive(Default)]
struct Inner {
    next_id: u64,
    records: BTreeMap<(EntityKind, OkdeskId), FakeRecord>,
    /// Ids by the keys `find` looks up (every id of one key is of one kind).
    index: HashMap<FindKey, BTreeSet<OkdeskId>>,
    fail_at: BTreeMap<u64, Injected>,
}

impl Inner {
    fn unindex(&mut self, kind: EntityKind, id: OkdeskId) {
        let Some(r) = self.records.get(&(kind, id)) else {
            return;
        };
        for key in find_keys(kind, r) {
            if let Some(ids) = self.index.get_mut(&key) {
                ids.remove(&id);
                if ids.is_empty() {
                    self.index.remove(&key);
                }
            }
        }
    }

    fn reindex(&mut self, kind: EntityKind, id: OkdeskId) {
        let Some(r) = self.records.get(&(kind, id)) else {
            return;
        };
        for key in find_keys(kind, r) {
            self.index.entry(key).or_default().insert(id);
        }
    }

    /// Adds (or replaces) a record, keeping the index in step.
    fn insert(&mut self, kind: EntityKind, id: OkdeskId, record: FakeRecord) {
        self.unindex(kind, id);
        self.records.insert((kind, id), record);
        self.reindex(kind, id);
    }

    /// Changes a record in place, keeping the index in step; `None` when there is no such record.
    fn modify<T>(
        &mut self,
        kind: EntityKind,
        id: OkdeskId,
        f: impl FnOnce(&mut FakeRecord) -> T,
    ) -> Option<T> {
        self.records.get(&(kind, id))?;
        self.unindex(kind, id);
        let out = self.records.get_mut(&(kind, id)).map(f);
        self.reindex(kind, id);
        out
    }

    /// The smallest id under `key` that `accept` takes: the same record a scan in id order finds.
    fn all(&self, key: &FindKey, accept: impl Fn(&FakeRecord) -> bool) -> Vec<OkdeskId> {
        let kind = match key {
            FindKey::Crm1cId(k, _) | FindKey::Code(k, _) | FindKey::NameInCompany(k, _, _) => *k,
            FindKey::Serial(_) | FindKey::Inventory(_) => EntityKind::Equipment,
        };
        self.index
            .get(key)
            .into_iter()
            .flatten()
            .copied()
            .filter(|id| self.records.get(&(kind, *id)).is_some_and(&accept))
            .collect()
    }
}

/// An in-memory Okdesk.
#[derive(Default)]
pub struct FakeOkdesk {
    inner: Mutex<Inner>,
    requests: AtomicU64,
    writes: AtomicU64,
    creates: AtomicU64,
    updates: AtomicU64,
    reject: Mutex<Vec<RejectRule>>,
}

fn kind_of(record: &Record) -> EntityKind {
    record.kind()
}

fn company_of(record: &Record) -> Option<OkdeskId> {
    match record {
        Record::Contact(c) => c.company.as_ref().and_then(|p| p.id),
        Record::Agreement(a) => a.company.id,
        Record::Object(o) => o.company.id,
        Record::Equipment(e) => e.company.as_ref().and_then(|p| p.id),
        _ => None,
    }
}

impl FakeOkdesk {
    /// An empty account.
    pub fn new() -> Self {
        FakeOkdesk::default()
    }

    fn inner(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner
            .lock()
            .expect("the fake's lock is never poisoned by its own code")
    }

    /// Adds a company "made by hand" (no `crm_1c_id`), with string parameters.
    pub fn seed_company(
        &self,
        name: &str,
        additional_name: Option<&str>,
        parameters: &[(&str, &str)],
    ) -> OkdeskId {
        let mut inner = self.inner();
        inner.next_id += 1;
        let id = OkdeskId(inner.next_id);
        let record = Record::Company(CompanyFields {
            name: name.into(),
            additional_name: additional_name.map(str::to_owned),
            inn: None,
            kpp: None,
            phone: None,
            email: None,
            address: None,
            comment: None,
            parameters: BTreeMap::new(),
            crm_1c_id: String::new(),
        });
        inner.insert(
            EntityKind::Companies,
            id,
            FakeRecord {
                record,
                crm_1c_id: None,
                active: true,
                parameters: parameters
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                    .collect(),
            },
        );
        id
    }

    /// Adds a contact "made by hand" with an e-mail.
    pub fn seed_contact(&self, last: &str, first: &str, email: &str) -> OkdeskId {
        let mut inner = self.inner();
        inner.next_id += 1;
        let id = OkdeskId(inner.next_id);
        let record = Record::Contact(ContactFields {
            first_name: first.into(),
            last_name: last.into(),
            patronymic: None,
            position: None,
            email: Some(email.into()),
            phone: None,
            comment: None,
            company: None,
            crm_1c_id: String::new(),
        });
        inner.insert(
            EntityKind::Contacts,
            id,
            FakeRecord {
                record,
                crm_1c_id: None,
                active: true,
                parameters: BTreeMap::new(),
            },
        );
        id
    }

    /// Makes the `k`-th write (1-based, counted over the fake's life) fail as `how`.
    pub fn fail_at(&self, k: u64, how: Injected) {
        self.inner().fail_at.insert(k, how);
    }

    /// Rejects records with 422 when `rule` returns `(field, message)`.
    pub fn reject_when(
        &self,
        rule: impl Fn(&Record) -> Option<(String, String)> + Send + Sync + 'static,
    ) {
        self.reject
            .lock()
            .expect("the fake's lock is never poisoned by its own code")
            .push(Box::new(rule));
    }

    /// Every record of a kind, by id.
    pub fn records(&self, kind: EntityKind) -> BTreeMap<OkdeskId, FakeRecord> {
        self.inner()
            .records
            .range((kind, OkdeskId(0))..=(kind, OkdeskId(u64::MAX)))
            .map(|((_, id), r)| (*id, r.clone()))
            .collect()
    }

    /// Every record, for comparing end states.
    pub fn all_records(&self) -> BTreeMap<(EntityKind, OkdeskId), FakeRecord> {
        self.inner().records.clone()
    }

    /// Writes (POST and PATCH) so far.
    pub fn writes(&self) -> u64 {
        self.writes.load(Ordering::SeqCst)
    }

    /// Creates (POST) so far.
    pub fn creates(&self) -> u64 {
        self.creates.load(Ordering::SeqCst)
    }

    /// Updates (PATCH) so far.
    pub fn updates(&self) -> u64 {
        self.updates.load(Ordering::SeqCst)
    }

    fn count(&self) {
        self.requests.fetch_add(1, Ordering::SeqCst);
    }

    /// Counts a write and returns the injected failure for it, if any.
    fn write_slot(&self) -> Option<Injected> {
        let n = self.writes.fetch_add(1, Ordering::SeqCst) + 1;
        self.inner().fail_at.remove(&n)
    }

    fn check(&self, record: &Record) -> Result<(), PortError> {
        let rules = self
            .reject
            .lock()
            .expect("the fake's lock is never poisoned by its own code");
        for rule in rules.iter() {
            if let Some((field, message)) = rule(record) {
                let body = serde_json::json!({ "errors": { field.clone(): message } });
                let mut err = PortError::new(ErrorClass::Validation, body.to_string())
                    .with_status(422)
                    .with_body(serde_json::to_value(record).unwrap_or_default());
                err.field = Some(field);
                return Err(err);
            }
        }
        Ok(())
    }
}

fn injected_error(how: Injected) -> PortError {
    match how {
        Injected::Refuse => PortError::new(ErrorClass::Server, "injected failure").with_status(500),
        Injected::LoseResponse => {
            let mut e = PortError::new(ErrorClass::Transport, "operation timed out (injected)");
            e.maybe_committed = true;
            e
        }
        Injected::Unauthorized => {
            PortError::new(ErrorClass::Auth, "Токен неактивен (injected)").with_status(401)
        }
    }
}

fn crm_of(record: &Record) -> Option<String> {
    match record {
        Record::Company(c) => Some(c.crm_1c_id.clone()),
        Record::Contact(c) => Some(c.crm_1c_id.clone()),
        _ => None,
    }
}

#[async_trait]
impl OkdeskPort for FakeOkdesk {
    async fn list_companies(&self) -> Result<Vec<ObservedCompany>, PortError> {
        self.count();
        Ok(self
            .records(EntityKind::Companies)
            .into_iter()
            .filter_map(|(id, r)| match r.record {
                Record::Company(c) => Some(ObservedCompany {
                    id,
                    name: c.name,
                    additional_name: c.additional_name,
                    crm_1c_id: r.crm_1c_id,
                    active: r.active,
                    parameters: r.parameters.into_iter().chain(c.parameters).collect(),
                }),
                _ => None,
            })
            .collect())
    }

    async fn list_contacts(&self) -> Result<Vec<ObservedContact>, PortError> {
        self.count();
        Ok(self
            .records(EntityKind::Contacts)
            .into_iter()
            .filter_map(|(id, r)| match r.record {
                Record::Contact(c) => Some(ObservedContact {
                    id,
                    name: format!("{} {}", c.last_name, c.first_name),
                    email: c.email,
                    crm_1c_id: r.crm_1c_id,
                    company_id: c.company.and_then(|p| p.id),
                }),
                _ => None,
            })
            .collect())
    }

    async fn list_directory(
        &self,
        kind: EntityKind,
    ) -> Result<Vec<ObservedDirectoryItem>, PortError> {
        self.count();
        Ok(self
            .records(kind)
            .into_iter()
            .filter_map(|(id, r)| match r.record {
                Record::EquipmentKind(d) | Record::Manufacturer(d) => Some(ObservedDirectoryItem {
                    id,
                    code: d.code,
                    name: d.name,
                }),
                Record::Model(m) => Some(ObservedDirectoryItem {
                    id,
                    code: m.code,
                    name: m.name,
                }),
                _ => None,
            })
            .collect())
    }

    async fn find(&self, lookup: &Lookup) -> Result<Vec<OkdeskId>, PortError> {
        self.count();
        let inner = self.inner();
        let found = match lookup {
            Lookup::Crm1cId { kind, crm_1c_id } => {
                inner.all(&FindKey::Crm1cId(*kind, crm_1c_id.clone()), |_| true)
            }
            Lookup::Code { kind, code } => inner.all(&FindKey::Code(*kind, code.clone()), |_| true),
            Lookup::NameInCompany {
                kind,
                name,
                company_id,
            } => inner.all(
                &FindKey::NameInCompany(*kind, *company_id, name.clone()),
                |_| true,
            ),
            Lookup::Equipment {
                serial_number,
                inventory_number,
                company_id,
            } => {
                let key = match serial_number {
                    Some(s) => FindKey::Serial(s.clone()),
                    None => FindKey::Inventory(inventory_number.clone()),
                };
                inner.all(&key, |r| {
                    company_id.is_none() || company_of(&r.record) == *company_id
                })
            }
        };
        Ok(found)
    }

    async fn create(&self, record: &Record) -> Result<OkdeskId, PortError> {
        self.count();
        self.check(record)?;
        let injected = self.write_slot();
        if let Some(how @ (Injected::Refuse | Injected::Unauthorized)) = injected {
            return Err(injected_error(how));
        }
        self.creates.fetch_add(1, Ordering::SeqCst);
        let mut inner = self.inner();
        inner.next_id += 1;
        let id = OkdeskId(inner.next_id);
        inner.insert(
            kind_of(record),
            id,
            FakeRecord {
                record: record.clone(),
                crm_1c_id: crm_of(record),
                active: true,
                parameters: BTreeMap::new(),
            },
        );
        match injected {
            Some(how) => Err(injected_error(how)),
            None => Ok(id),
        }
    }

    async fn update(&self, id: OkdeskId, record: &Record) -> Result<(), PortError> {
        self.count();
        self.check(record)?;
        let injected = self.write_slot();
        if let Some(how @ (Injected::Refuse | Injected::Unauthorized)) = injected {
            return Err(injected_error(how));
        }
        self.updates.fetch_add(1, Ordering::SeqCst);
        let found = self.inner().modify(kind_of(record), id, |existing| {
            existing.record = record.clone();
            existing.crm_1c_id = crm_of(record).or(existing.crm_1c_id.take());
        });
        if found.is_none() {
            return Err(PortError::new(ErrorClass::NotFound, "not found").with_status(404));
        }
        match injected {
            Some(how) => Err(injected_error(how)),
            None => Ok(()),
        }
    }

    async fn set_crm_1c_id(
        &self,
        kind: EntityKind,
        id: OkdeskId,
        crm_1c_id: &str,
    ) -> Result<(), PortError> {
        self.count();
        if let Some(how) = self.write_slot() {
            return Err(injected_error(how));
        }
        self.updates.fetch_add(1, Ordering::SeqCst);
        self.inner()
            .modify(kind, id, |existing| {
                existing.crm_1c_id = Some(crm_1c_id.to_owned());
            })
            .ok_or_else(|| PortError::new(ErrorClass::NotFound, "not found").with_status(404))
    }

    async fn set_active(
        &self,
        kind: EntityKind,
        id: OkdeskId,
        active: bool,
    ) -> Result<(), PortError> {
        self.count();
        if let Some(how) = self.write_slot() {
            return Err(injected_error(how));
        }
        self.updates.fetch_add(1, Ordering::SeqCst);
        let mut inner = self.inner();
        // Activity is not a lookup key, so the index needs no update.
        let Some(existing) = inner.records.get_mut(&(kind, id)) else {
            return Err(PortError::new(ErrorClass::NotFound, "not found").with_status(404));
        };
        existing.active = active;
        Ok(())
    }

    fn requests(&self) -> u64 {
        self.requests.load(Ordering::SeqCst)
    }
}

/// An in-memory 1C side that hands out a snapshot (one request per read).
pub struct FakeOnec {
    snapshot: Mutex<Snapshot>,
    requests: AtomicU64,
}

impl FakeOnec {
    /// A 1C side holding `snapshot`.
    pub fn new(snapshot: Snapshot) -> Self {
        FakeOnec {
            snapshot: Mutex::new(snapshot),
            requests: AtomicU64::new(0),
        }
    }

    /// Changes the data, as a user editing 1C would.
    pub fn edit(&self, f: impl FnOnce(&mut Snapshot)) {
        f(&mut self
            .snapshot
            .lock()
            .expect("the fake's lock is never poisoned by its own code"));
    }
}

#[async_trait]
impl OnecPort for FakeOnec {
    fn configuration(&self) -> &str {
        "fake"
    }

    async fn read(&self, _cache: &dyn RawCacheStore) -> Result<OnecRead, PortError> {
        self.requests.fetch_add(1, Ordering::SeqCst);
        Ok(OnecRead {
            snapshot: self
                .snapshot
                .lock()
                .expect("the fake's lock is never poisoned by its own code")
                .clone(),
            ..OnecRead::default()
        })
    }

    fn requests(&self) -> u64 {
        self.requests.load(Ordering::SeqCst)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::{AgreementFields, EquipmentFields, Parent};
    use onec_model::Ref;

    fn agreement(title: &str, company: u64) -> Record {
        let mut company_parent = Parent::new(EntityKind::Companies, Ref::derived("t", "c"));
        company_parent.id = Some(OkdeskId(company));
        Record::Agreement(AgreementFields {
            title: title.into(),
            start_date: None,
            end_date: None,
            company: company_parent,
        })
    }

    fn equipment(serial: Option<&str>, inventory: Option<&str>, company: u64) -> Record {
        let mut company_parent = Parent::new(EntityKind::Companies, Ref::derived("t", "c"));
        company_parent.id = Some(OkdeskId(company));
        Record::Equipment(EquipmentFields {
            serial_number: serial.map(str::to_owned),
            inventory_number: inventory.map(str::to_owned),
            comment: None,
            kind_code: "k".into(),
            kind: Parent::new(EntityKind::EquipmentKinds, Ref::derived("t", "k")),
            manufacturer_code: None,
            manufacturer: None,
            model_code: None,
            model: None,
            company: Some(company_parent),
            object: None,
        })
    }

    fn by_name(name: &str, company: u64) -> Lookup {
        Lookup::NameInCompany {
            kind: EntityKind::Agreements,
            name: name.into(),
            company_id: OkdeskId(company),
        }
    }

    #[tokio::test]
    async fn find_follows_updates_and_answers_every_match_smallest_id_first() {
        let fake = FakeOkdesk::new();
        let a = fake.create(&agreement("Договор 1", 10)).await.unwrap();
        let b = fake.create(&agreement("Договор 1", 10)).await.unwrap();
        assert!(a < b);
        assert_eq!(
            fake.find(&by_name("Договор 1", 10)).await.unwrap(),
            vec![a, b]
        );
        assert_eq!(fake.find(&by_name("Договор 1", 11)).await.unwrap(), vec![]);
        // A renamed record is found by its new name only.
        fake.update(a, &agreement("Договор 2", 10)).await.unwrap();
        assert_eq!(fake.find(&by_name("Договор 1", 10)).await.unwrap(), vec![b]);
        assert_eq!(fake.find(&by_name("Договор 2", 10)).await.unwrap(), vec![a]);

        let hand = fake.seed_company("ООО Ромашка", None, &[]);
        let crm = Lookup::Crm1cId {
            kind: EntityKind::Companies,
            crm_1c_id: "ref-1".into(),
        };
        assert_eq!(fake.find(&crm).await.unwrap(), vec![]);
        fake.set_crm_1c_id(EntityKind::Companies, hand, "ref-1")
            .await
            .unwrap();
        assert_eq!(fake.find(&crm).await.unwrap(), vec![hand]);
    }

    #[tokio::test]
    async fn equipment_is_found_by_serial_else_inventory_within_the_company() {
        let fake = FakeOkdesk::new();
        let e1 = fake
            .create(&equipment(Some("SN1"), Some("INV1"), 1))
            .await
            .unwrap();
        let e2 = fake
            .create(&equipment(None, Some("INV1"), 2))
            .await
            .unwrap();
        let find = |serial: Option<&str>, inventory: Option<&str>, company: Option<u64>| {
            Lookup::Equipment {
                serial_number: serial.map(str::to_owned),
                inventory_number: inventory.map(str::to_owned),
                company_id: company.map(OkdeskId),
            }
        };
        assert_eq!(
            fake.find(&find(Some("SN1"), None, None)).await.unwrap(),
            vec![e1]
        );
        assert_eq!(
            fake.find(&find(Some("SN1"), None, Some(2))).await.unwrap(),
            Vec::<OkdeskId>::new()
        );
        assert_eq!(
            fake.find(&find(None, Some("INV1"), None)).await.unwrap(),
            vec![e1, e2]
        );
        assert_eq!(
            fake.find(&find(None, Some("INV1"), Some(2))).await.unwrap(),
            vec![e2]
        );
        // A serial number that is not there is not looked for by inventory number.
        assert_eq!(
            fake.find(&find(Some("SN2"), Some("INV1"), None))
                .await
                .unwrap(),
            Vec::<OkdeskId>::new()
        );
    }
}
