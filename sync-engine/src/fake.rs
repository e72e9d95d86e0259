//! In-memory ports for tests (feature `testing`): an Okdesk that keeps records, counts requests
//! and writes, and fails on demand at the k-th write; and a 1C side that hands out a snapshot.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use async_trait::async_trait;
use onec_model::Snapshot;

use crate::kinds::{EntityKind, OkdeskId};
use crate::ports::{
    CompanyFields, ContactFields, ErrorClass, Lookup, ObservedCompany, ObservedContact,
    ObservedDirectoryItem, OkdeskPort, OnecPort, OnecRead, PortError, RawCache, Record,
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

#[derive(Default)]
struct Inner {
    next_id: u64,
    records: BTreeMap<(EntityKind, OkdeskId), FakeRecord>,
    fail_at: BTreeMap<u64, Injected>,
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
        inner.records.insert(
            (EntityKind::Companies, id),
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
        inner.records.insert(
            (EntityKind::Contacts, id),
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
            .iter()
            .filter(|((k, _), _)| *k == kind)
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

    async fn find(&self, lookup: &Lookup) -> Result<Option<OkdeskId>, PortError> {
        self.count();
        let inner = self.inner();
        let found = inner.records.iter().find(|((kind, _), r)| match lookup {
            Lookup::Crm1cId { kind: k, crm_1c_id } => {
                k == kind && r.crm_1c_id.as_deref() == Some(crm_1c_id.as_str())
            }
            Lookup::Code { kind: k, code } => {
                k == kind
                    && match &r.record {
                        Record::EquipmentKind(d) | Record::Manufacturer(d) => &d.code == code,
                        Record::Model(m) => &m.code == code,
                        _ => false,
                    }
            }
            Lookup::NameInCompany {
                kind: k,
                name,
                company_id,
            } => {
                k == kind
                    && company_of(&r.record) == Some(*company_id)
                    && match &r.record {
                        Record::Agreement(a) => &a.title == name,
                        Record::Object(o) => &o.name == name,
                        _ => false,
                    }
            }
            Lookup::Equipment {
                serial_number,
                inventory_number,
                company_id,
            } => {
                *kind == EntityKind::Equipment
                    && (company_id.is_none() || company_of(&r.record) == *company_id)
                    && match &r.record {
                        Record::Equipment(e) => match serial_number {
                            Some(s) => e.serial_number.as_ref() == Some(s),
                            None => e.inventory_number == *inventory_number,
                        },
                        _ => false,
                    }
            }
        });
        Ok(found.map(|((_, id), _)| *id))
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
        inner.records.insert(
            (kind_of(record), id),
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
        let mut inner = self.inner();
        let Some(existing) = inner.records.get_mut(&(kind_of(record), id)) else {
            return Err(PortError::new(ErrorClass::NotFound, "not found").with_status(404));
        };
        existing.record = record.clone();
        existing.crm_1c_id = crm_of(record).or(existing.crm_1c_id.take());
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
        let mut inner = self.inner();
        let Some(existing) = inner.records.get_mut(&(kind, id)) else {
            return Err(PortError::new(ErrorClass::NotFound, "not found").with_status(404));
        };
        existing.crm_1c_id = Some(crm_1c_id.to_owned());
        Ok(())
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

    async fn read(&self, _cache: &RawCache) -> Result<OnecRead, PortError> {
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
