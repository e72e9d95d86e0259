//! The rig of the sandbox push tests: an Okdesk simulator loaded with the demo world, the real
//! `OkdeskApiPort` behind a wrapper that can fail the k-th write, the 1C side, and one state store
//! shared by every run of a test; plus helpers that read the simulator's end state.

#![allow(dead_code, unreachable_pub)]

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use okdesk_client::{ApiToken, OkdeskClient, RetryPolicy};
use onec_adapter::layout::CompanySource;
use onec_adapter::odata::OdataClient;
use onec_adapter::Adapter;
use onec_model::{ContactState, Counterparty, Ref, Snapshot};
use sandbox::demo::{generate, DemoSize, DemoWorld};
use sandbox::okdesk::{OkdeskConfig, OkdeskSandbox};
use sandbox::onec::{Configuration, OnecConfig, OnecSandbox};
use serde_json::Value;
use sync_engine::onec::OdataOnecPort;
use sync_engine::ports::{
    ErrorClass, Lookup, ObservedCompany, ObservedContact, ObservedDirectoryItem, OkdeskPort,
    OnecPort, PortError, RawCache, Record,
};
use sync_engine::report::RunReport;
use sync_engine::{EntityKind, OkdeskApiPort, OkdeskId, Policy, PushJob, PushPlan, StateStore};

/// The 1C configurations the tests loop over.
pub const CONFIGURATIONS: &[&str] = &["ut11", "esti", "unf", "ka", "ut103"];

/// The demo seed (small world: 12 counterparties).
pub const SEED: u64 = 7;

/// How an injected failure behaves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Injected {
    /// The write never reaches Okdesk (HTTP 500 before it is applied).
    Refuse,
    /// The write is applied by Okdesk but its answer is lost (a timeout after sending).
    LoseResponse,
}

/// The real port with a write counter and an injected failure at the k-th write.
pub struct Flaky {
    inner: OkdeskApiPort,
    writes: AtomicU64,
    fail_at: Mutex<Option<(u64, Injected)>>,
}

impl Flaky {
    /// Makes the `k`-th write (1-based, over the port's life) fail as `how`.
    pub fn fail_at(&self, k: u64, how: Injected) {
        *self.fail_at.lock().unwrap() = Some((k, how));
    }

    /// Writes attempted so far.
    pub fn writes(&self) -> u64 {
        self.writes.load(Ordering::SeqCst)
    }

    fn slot(&self) -> Option<Injected> {
        let n = self.writes.fetch_add(1, Ordering::SeqCst) + 1;
        let mut fail = self.fail_at.lock().unwrap();
        match *fail {
            Some((k, how)) if k == n => {
                *fail = None;
                Some(how)
            }
            _ => None,
        }
    }

    async fn guarded<T>(
        &self,
        call: impl std::future::Future<Output = Result<T, PortError>>,
    ) -> Result<T, PortError> {
        match self.slot() {
            None => call.await,
            Some(Injected::Refuse) => {
                Err(PortError::new(ErrorClass::Server, "injected failure").with_status(500))
            }
            Some(Injected::LoseResponse) => {
                call.await?;
                let mut e = PortError::new(ErrorClass::Transport, "operation timed out (injected)");
                e.maybe_committed = true;
                Err(e)
            }
        }
    }
}

#[async_trait]
impl OkdeskPort for Flaky {
    async fn list_companies(&self) -> Result<Vec<ObservedCompany>, PortError> {
        self.inner.list_companies().await
    }

    async fn list_contacts(&self) -> Result<Vec<ObservedContact>, PortError> {
        self.inner.list_contacts().await
    }

    async fn list_directory(
        &self,
        kind: EntityKind,
    ) -> Result<Vec<ObservedDirectoryItem>, PortError> {
        self.inner.list_directory(kind).await
    }

    async fn get_companies(&self, ids: &[OkdeskId]) -> Result<Vec<ObservedCompany>, PortError> {
        self.inner.get_companies(ids).await
    }

    async fn get_contacts(&self, ids: &[OkdeskId]) -> Result<Vec<ObservedContact>, PortError> {
        self.inner.get_contacts(ids).await
    }

    async fn find(&self, lookup: &Lookup) -> Result<Vec<OkdeskId>, PortError> {
        self.inner.find(lookup).await
    }

    async fn create(&self, record: &Record) -> Result<OkdeskId, PortError> {
        self.guarded(self.inner.create(record)).await
    }

    async fn update(&self, id: OkdeskId, record: &Record) -> Result<(), PortError> {
        self.guarded(self.inner.update(id, record)).await
    }

    async fn set_crm_1c_id(
        &self,
        kind: EntityKind,
        id: OkdeskId,
        crm_1c_id: &str,
    ) -> Result<(), PortError> {
        self.guarded(self.inner.set_crm_1c_id(kind, id, crm_1c_id))
            .await
    }

    async fn set_active(
        &self,
        kind: EntityKind,
        id: OkdeskId,
        active: bool,
    ) -> Result<(), PortError> {
        self.guarded(self.inner.set_active(kind, id, active)).await
    }

    fn requests(&self) -> u64 {
        self.inner.requests()
    }
}

/// The 1C side of a rig: the OData simulator of one configuration and the real `OdataOnecPort`
/// reading it through that configuration's adapter.
pub struct Onec {
    pub sim: OnecSandbox,
    port: Arc<OdataOnecPort>,
    adapter: Arc<dyn Adapter>,
}

/// The adapter of a configuration by its short name.
pub fn adapter_of(configuration: &str) -> Arc<dyn Adapter> {
    match configuration {
        "unf" => Arc::new(onec_adapter_unf::Unf),
        "ka" => Arc::new(onec_adapter_ka::Ka),
        "ut11" => Arc::new(onec_adapter_ut11::Ut11),
        "ut103" => Arc::new(onec_adapter_ut103::Ut103),
        "esti" => Arc::new(onec_adapter_esti::Esti),
        other => panic!("unknown configuration {other}"),
    }
}

impl Onec {
    async fn start(configuration: &str, world: &DemoWorld) -> Onec {
        let conf: Configuration = configuration.parse().unwrap();
        let sim = OnecSandbox::start(OnecConfig::new(conf).world(world.clone()))
            .await
            .unwrap();
        let client = OdataClient::new(&sim.url(), sim.user(), sim.password()).unwrap();
        let adapter = adapter_of(configuration);
        let port = Arc::new(OdataOnecPort::new(adapter.clone(), client));
        Onec { sim, port, adapter }
    }

    fn port(&self) -> Arc<dyn OnecPort> {
        self.port.clone()
    }

    /// The 1C data as the adapter maps it (one full read, outside any push).
    async fn snapshot(&self) -> Snapshot {
        self.port.read(&RawCache::default()).await.unwrap().snapshot
    }

    /// The entity set and comment field of the catalog that becomes Okdesk companies.
    pub fn company_set(&self) -> (String, String) {
        let layout = self.adapter.layout();
        match (layout.companies_from, &layout.partners) {
            (CompanySource::Partners, Some(p)) => (
                p.set.clone(),
                p.comment.clone().expect("partners have a comment field"),
            ),
            _ => (
                layout.counterparties.set.clone(),
                layout
                    .counterparties
                    .comment
                    .clone()
                    .expect("counterparties have a comment field"),
            ),
        }
    }

    /// The entity set of contracts.
    pub fn contract_set(&self) -> String {
        self.adapter
            .layout()
            .contracts
            .as_ref()
            .expect("the configuration has contracts")
            .set
            .clone()
    }
}

/// POST and PATCH counts of the Okdesk simulator.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Writes {
    post: u64,
    patch: u64,
}

/// Both sandboxes, the port and one state store.
pub struct Rig {
    pub okdesk: OkdeskSandbox,
    pub port: Arc<Flaky>,
    pub onec: Onec,
    pub state: Arc<Mutex<StateStore>>,
    /// The 1C data as the adapter maps it at the start, and the Okdesk seed.
    pub world: DemoWorld,
    /// The demo world the simulators were loaded from.
    pub source: DemoWorld,
}

/// Whether a counterparty is meant to reach Okdesk (no deletion mark, upload flag not off).
pub fn pushable(c: &Counterparty) -> bool {
    !c.deletion_mark && c.upload != Some(false)
}

impl Rig {
    /// Starts both simulators with the demo world, changed first by `prepare` (a 1C user's edits
    /// made before the integration's first run), for the 1C configuration `configuration`.
    pub async fn start<T>(
        configuration: &str,
        prepare: impl FnOnce(&mut DemoWorld) -> T,
    ) -> (Rig, T) {
        Rig::start_with(configuration, prepare, RetryPolicy::none()).await
    }

    /// [`Rig::start`] with the client retrying as `retry` says (for runs under injected faults).
    pub async fn start_with<T>(
        configuration: &str,
        prepare: impl FnOnce(&mut DemoWorld) -> T,
        retry: RetryPolicy,
    ) -> (Rig, T) {
        let mut source = generate(SEED, DemoSize::Small);
        let prepared = prepare(&mut source);
        let okdesk = OkdeskSandbox::start(OkdeskConfig::default().world(source.clone()))
            .await
            .unwrap();
        let client = OkdeskClient::builder(&okdesk.url(), ApiToken::new(okdesk.token()))
            .rate_limit(0, 1)
            .max_concurrency(8)
            .timeout(Duration::from_secs(10))
            .retry(retry)
            .build()
            .unwrap();
        let port = Arc::new(Flaky {
            inner: OkdeskApiPort::new(client),
            writes: AtomicU64::new(0),
            fail_at: Mutex::new(None),
        });
        let onec = Onec::start(configuration, &source).await;
        let world = DemoWorld {
            onec: onec.snapshot().await,
            okdesk: source.okdesk.clone(),
        };
        let rig = Rig {
            okdesk,
            port,
            onec,
            state: Arc::new(Mutex::new(StateStore::open_in_memory().unwrap())),
            world,
            source,
        };
        (rig, prepared)
    }

    /// Runs one push; panics only if the run could not be done at all.
    pub async fn push(&self, policy: Policy) -> RunReport {
        let job = PushJob::with_shared_state(
            self.port.clone(),
            self.onec.port(),
            self.state.clone(),
            policy,
        );
        job.run(false, &|_| {}).await.unwrap()
    }

    /// Runs one push and returns what the job returned (a run may be refused as a whole when
    /// Okdesk cannot be read).
    pub async fn try_push(&self, policy: Policy) -> sync_engine::Result<RunReport> {
        PushJob::with_shared_state(
            self.port.clone(),
            self.onec.port(),
            self.state.clone(),
            policy,
        )
        .run(false, &|_| {})
        .await
    }

    /// Plans a push in full mode through the job's own path (reads both sides, writes nothing).
    pub async fn plan(&self) -> PushPlan {
        let job = PushJob::with_shared_state(
            self.port.clone(),
            self.onec.port(),
            self.state.clone(),
            Policy::default(),
        );
        job.plan().await.unwrap().0
    }

    /// A 1C user changes the comment of the catalog item that becomes the company `key`.
    pub fn set_company_comment(&self, key: Ref, comment: &str) {
        let (set, field) = self.onec.company_set();
        self.onec
            .sim
            .modify(
                &set,
                key,
                &[(field.as_str(), Value::String(comment.into()))],
            )
            .unwrap();
    }

    /// A 1C user sets or clears the deletion mark of the company `key`.
    pub fn mark_company(&self, key: Ref, mark: bool) {
        let (set, _) = self.onec.company_set();
        self.onec.sim.set_deletion_mark(&set, key, mark).unwrap();
    }

    /// A 1C user sets or clears the deletion mark of the contact `key`.
    pub fn mark_contact(&self, key: Ref, mark: bool) {
        let set = &self
            .onec
            .adapter
            .layout()
            .contacts
            .as_ref()
            .expect("the configuration has a contact catalog")
            .set;
        self.onec.sim.set_deletion_mark(set, key, mark).unwrap();
    }

    /// A contact that push created (pushed, valid, of a company push created), if the
    /// configuration keeps contacts in a catalog of their own.
    pub fn created_contact(&self) -> Option<Ref> {
        self.onec.adapter.layout().contacts.as_ref()?;
        let company = self.created_company();
        self.world
            .onec
            .contacts
            .iter()
            .filter(|c| c.owner == Some(company) && !c.deletion_mark)
            .map(|c| c.r#ref)
            .find(|r| self.okdesk.count_contacts_by_crm_1c_id(&r.to_string()) == 1)
    }

    /// A 1C user sets or clears the deletion mark of the contract `key`.
    pub fn mark_contract(&self, key: Ref, mark: bool) {
        self.onec
            .sim
            .set_deletion_mark(&self.onec.contract_set(), key, mark)
            .unwrap();
    }

    /// The simulator's POST and PATCH counts so far.
    pub fn writes(&self) -> Writes {
        let stats = self.okdesk.stats().requests.by_method;
        Writes {
            post: stats.get("POST").copied().unwrap_or(0),
            patch: stats.get("PATCH").copied().unwrap_or(0),
        }
    }

    /// (POST, PATCH) made since `mark`.
    pub fn writes_since(&self, mark: Writes) -> (u64, u64) {
        let now = self.writes();
        (now.post - mark.post, now.patch - mark.patch)
    }

    /// The company holding exactly this `crm_1c_id`, as the API shows it.
    pub fn company_by_crm(&self, key: &str) -> Option<Value> {
        self.okdesk
            .companies()
            .into_iter()
            .find(|c| c["crm_1c_id"].as_str() == Some(key))
    }

    /// The id of the company holding exactly this `crm_1c_id`.
    pub fn company_id_by_crm(&self, key: &str) -> Option<u64> {
        self.company_by_crm(key).and_then(|c| c["id"].as_u64())
    }

    /// A pushable company (in the adapter's view) that no hand-made company shares an INN with,
    /// so push creates it.
    pub fn created_company(&self) -> Ref {
        self.world
            .onec
            .counterparties
            .iter()
            .filter(|c| pushable(c) && seeds_with_inn(&self.world, c.inn.as_ref()) == 0)
            .map(|c| c.r#ref)
            .next()
            .expect("the demo world has new counterparties")
    }
}

fn seeds_with_inn(world: &DemoWorld, inn: Option<&String>) -> usize {
    world
        .okdesk
        .companies
        .iter()
        .filter(|s| Some(&s.inn) == inn)
        .count()
}

/// Counterparties of the demo world that push creates (pushable, INN unknown to Okdesk).
fn new_counterparties(world: &DemoWorld) -> Vec<Ref> {
    world
        .onec
        .counterparties
        .iter()
        .filter(|c| pushable(c) && seeds_with_inn(world, c.inn.as_ref()) == 0)
        .map(|c| c.r#ref)
        .collect()
}

/// A pushable contract of a counterparty that push creates.
fn new_contract(world: &DemoWorld, skip: usize) -> Ref {
    let owners = new_counterparties(world);
    world
        .onec
        .contracts
        .iter()
        .filter(|k| {
            !k.deletion_mark
                && k.upload != Some(false)
                && k.start.is_some()
                && k.owner.is_some_and(|o| owners.contains(&o))
        })
        .map(|k| k.r#ref)
        .nth(skip)
        .expect("the demo world has pushable contracts of new counterparties")
}

/// Sets a pushable contract's end before its start (Okdesk answers 422); returns its ref.
pub fn break_contract(world: &mut DemoWorld) -> Ref {
    let target = new_contract(world, 0);
    let k = world
        .onec
        .contracts
        .iter_mut()
        .find(|k| k.r#ref == target)
        .expect("the contract");
    let start = k.start.expect("a start date");
    k.end = Some(start - chrono::Duration::days(10));
    target
}

/// Marks a pushable contract of a new counterparty for deletion (so the first push leaves it).
pub fn mark_new_contract(world: &mut DemoWorld) -> Ref {
    let target = new_contract(world, 1);
    let k = world
        .onec
        .contracts
        .iter_mut()
        .find(|k| k.r#ref == target)
        .expect("the contract");
    k.deletion_mark = true;
    target
}

/// Gives a pushable contact of a new counterparty the ЭСТИ manual's (`docs/seeds/001-esti-exchange-manual.txt`) `<ivanii@mail.okdesk.com>`.
pub fn bracket_email(world: &mut DemoWorld) -> Ref {
    let owners = new_counterparties(world);
    let c = world
        .onec
        .contacts
        .iter_mut()
        .find(|c| {
            c.owner.is_some_and(|o| owners.contains(&o))
                && !c.deletion_mark
                && c.upload != Some(false)
                && matches!(c.state, None | Some(ContactState::Working))
                && !c.emails.is_empty()
        })
        .expect("a new counterparty has a pushable contact");
    c.emails = vec!["<ivanii@mail.okdesk.com>".into()];
    c.r#ref
}

/// Removes ids and timestamps everywhere, so records of two runs compare by content.
fn strip(v: &mut Value) {
    match v {
        Value::Object(map) => {
            for key in ["id", "created_at", "updated_at"] {
                map.remove(key);
            }
            map.values_mut().for_each(strip);
        }
        Value::Array(items) => items.iter_mut().for_each(strip),
        _ => {}
    }
}

/// What Okdesk holds, independent of ids and creation order: per kind, the sorted records with
/// references replaced by the referenced record's key (`crm_1c_id`, else its name).
pub fn end_state(okdesk: &OkdeskSandbox) -> BTreeMap<String, Vec<String>> {
    let companies = okdesk.companies();
    let company_key: BTreeMap<u64, String> = companies
        .iter()
        .map(|c| {
            let key = c["crm_1c_id"]
                .as_str()
                .map_or_else(|| c["name"].to_string(), str::to_owned);
            (c["id"].as_u64().unwrap_or(0), key)
        })
        .collect();
    let objects = okdesk.maintenance_entities();
    let object_key: BTreeMap<u64, String> = objects
        .iter()
        .map(|m| (m["id"].as_u64().unwrap_or(0), m["name"].to_string()))
        .collect();
    let relink = |mut v: Value| {
        for (field, keys) in [
            ("company_id", &company_key),
            ("maintenance_entity_id", &object_key),
        ] {
            if let Some(id) = v[field].as_u64() {
                v[field] = Value::String(keys.get(&id).cloned().unwrap_or_default());
            }
        }
        strip(&mut v);
        v.to_string()
    };
    let mut state = BTreeMap::new();
    for (kind, records) in [
        ("companies", companies.clone()),
        ("contacts", okdesk.contacts()),
        ("agreements", okdesk.agreements()),
        ("objects", objects.clone()),
        ("equipment", okdesk.equipment()),
    ] {
        let mut rows: Vec<String> = records.into_iter().map(relink).collect();
        rows.sort();
        state.insert(kind.to_owned(), rows);
    }
    let counts = okdesk.stats().entities;
    state.insert(
        "counts".to_owned(),
        counts.iter().map(|(k, n)| format!("{k}={n}")).collect(),
    );
    state
}
