//! Apply: executes a push plan against Okdesk like a kube reconciler.
//!
//! Levels run one after another (directories, then companies, then contacts/agreements/objects,
//! then equipment); within a level writes run concurrently (`buffer_unordered`) under the client's
//! rate limiter, in batches. The successes of a batch are persisted (mappings + journal) in one
//! transaction when the batch ends, before the next batch starts; a run killed at any point still
//! resumes without duplicates (see [`Cx::persist`] for why). Failures are data: a failed record is
//! reported and journaled, its children are skipped, everything else goes on. Only auth, config
//! and state failures abort. `--dry-run` goes through the same function and stops short of the
//! port calls.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use futures::stream::{self, StreamExt};
use serde::{Deserialize, Serialize};

use super::plan::{Action, LinkWrite, PlanEntry, PushPlan, SkipReason, ARCHIVED_HASH, LINKED_HASH};
use crate::error::Error;
use crate::kinds::{EntityKind, OkdeskId, SyncKey};
use crate::ports::{ErrorClass, OkdeskPort, PortError, Record};
use crate::state::{FailureRecord, LockToken, Mapping, OpRecord, RunId, StateStore};

pub use crate::job::StopFlag;

/// A progress event, for progress bars.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Progress {
    /// Writes finished so far.
    pub done: usize,
    /// Writes planned.
    pub total: usize,
    /// The kind of the record just finished.
    pub kind: EntityKind,
    /// Its name.
    pub name: String,
}

/// How to apply.
#[derive(Clone, Debug)]
pub struct ApplyOptions {
    /// Plan only: no port call, no mapping written.
    pub dry_run: bool,
    /// Writes at once within a level.
    pub concurrency: usize,
    /// Writes per batch (the state heartbeat and stop flag are checked between batches).
    pub batch_size: usize,
}

impl Default for ApplyOptions {
    fn default() -> Self {
        ApplyOptions {
            dry_run: false,
            concurrency: 4,
            batch_size: 50,
        }
    }
}

/// A record-level failure, as reported and journaled.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Failure {
    /// The field at fault, when known.
    pub field: Option<String>,
    /// The full message in Russian, the ЭСТИ manual (`docs/seeds/001-esti-exchange-manual.txt`) style.
    pub message: String,
    /// The HTTP status, when Okdesk answered.
    pub http_status: Option<u16>,
    /// The request body, secrets removed.
    pub request_body: Option<serde_json::Value>,
}

/// What happened to one record.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// Created (`id` is `None` in a dry run).
    Created {
        /// The new id.
        id: Option<OkdeskId>,
    },
    /// Updated.
    Updated {
        /// The id.
        id: OkdeskId,
    },
    /// Linked to an existing record.
    Linked {
        /// The id.
        id: Option<OkdeskId>,
    },
    /// Archived or deactivated.
    Archived {
        /// The id.
        id: OkdeskId,
    },
    /// Nothing to do.
    Unchanged {
        /// The id.
        id: OkdeskId,
    },
    /// Skipped on purpose.
    Skipped {
        /// Why.
        reason: SkipReason,
    },
    /// Failed (preflight or Okdesk).
    Failed(Failure),
}

/// The outcome of one plan entry.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EntryResult {
    /// The key.
    pub key: SyncKey,
    /// The name.
    pub name: String,
    /// What happened.
    pub outcome: Outcome,
}

fn preposition(action: &Action) -> &'static str {
    match action {
        Action::Create { .. } => "При создании",
        Action::Update { .. } => "При обновлении данных",
        Action::Link { .. } => "При связывании",
        Action::Archive { .. } => "При архивации",
        _ => "При выгрузке",
    }
}

/// The seed-001 style message: «При создании компании X произошла ошибка. Код ошибки 422 (…).»
pub(crate) fn failure_from_port(entry: &PlanEntry, err: &PortError) -> Failure {
    let subject = format!(
        "{} {} {}",
        preposition(&entry.action),
        entry.key.kind.genitive_ru(),
        entry.name
    );
    let mut message = match err.status {
        Some(status) => format!(
            "{subject} произошла ошибка. Код ошибки {status} ({}).",
            err.message
        ),
        None => format!("{subject} произошла ошибка: {}.", err.message),
    };
    if err.maybe_committed {
        message.push_str(
            " Запрос мог быть выполнен: при следующем запуске запись будет найдена по ключу, дубликат не создается.",
        );
    }
    Failure {
        field: err.field.clone(),
        message,
        http_status: err.status,
        request_body: err.request_body.clone(),
    }
}

fn preflight_failure(entry: &PlanEntry, field: &str, value: Option<&str>, reason: &str) -> Failure {
    let v = value.map(|v| format!(" «{v}»")).unwrap_or_default();
    Failure {
        field: Some(field.to_owned()),
        message: format!(
            "{} не выгружен(о): поле {field}{v}: {reason}",
            subject(entry)
        ),
        http_status: None,
        request_body: None,
    }
}

/// «Компания ООО Ромашка»; the kind word is left out when the name already starts with it
/// («Оборудование Принтер», not «Оборудование Оборудование Принтер»).
fn subject(entry: &PlanEntry) -> String {
    let kind = capitalise(entry.key.kind.nominative_ru());
    let name = entry.name.trim();
    if name.to_lowercase().starts_with(&kind.to_lowercase()) {
        name.to_owned()
    } else {
        format!("{kind} {name}")
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// Everything an operation needs, shared by the concurrent tasks of a level.
struct Cx<'a> {
    okdesk: &'a dyn OkdeskPort,
    state: &'a Mutex<StateStore>,
    run: Option<RunId>,
    ids: Mutex<BTreeMap<SyncKey, OkdeskId>>,
    /// Which 1C record each Okdesk record written or mapped so far belongs to: a lookup by a
    /// natural key must not link a second 1C record to it.
    owners: Mutex<HashMap<(EntityKind, OkdeskId), SyncKey>>,
    seq: AtomicUsize,
    dry_run: bool,
    /// Successes of the current batch not yet committed, with their journal operations.
    pending: Mutex<Pending>,
}

/// What a batch has written to Okdesk and the store does not hold yet.
#[derive(Default)]
struct Pending {
    mappings: Vec<Mapping>,
    ops: Vec<OpRecord>,
}

/// Whether a success may wait for the batch's commit: only when the next run could find the
/// record again if this run dies before that commit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Durability {
    /// Commit with the batch.
    Batch,
    /// Commit now: the record was just created and has no key to find it again by.
    Now,
}

impl Cx<'_> {
    fn store(&self) -> std::sync::MutexGuard<'_, StateStore> {
        // A poisoned lock means a panic elsewhere mid-write; SQLite's transaction already rolled
        // back, so the store is still consistent and can be used.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Records a success: the id at once (children of later levels resolve their parents from
    /// it), the mapping and the journal operation with the batch, in one transaction.
    ///
    /// Why waiting for the batch's commit cannot duplicate a record when the run is killed in
    /// between: a success that is not committed leaves the record unmapped, so the next run plans
    /// it again from scratch, and every record a batch may hold back is found again by its key:
    /// - companies and contacts carry `crm_1c_id` = the 1C ref from the create on (a link writes
    ///   it too): the next plan finds them in the listing (or by a `crm_1c_id` lookup) and links;
    /// - equipment kinds, manufacturers and models are matched by code in the directory listing
    ///   (or looked up by code);
    /// - agreements and objects are found by title or name within their company, equipment by
    ///   serial, else inventory number ([`Record::lookup`]). The next plan looks them up before a
    ///   create, because their company is mapped by then: levels run in order and every batch is
    ///   committed before the next one starts, so a company's mapping is durable before any of
    ///   its children is written. The planner skips the lookup only under a company it creates
    ///   fresh, and a company that already has children in Okdesk is not created fresh;
    /// - updates, links and archives create nothing: repeating them converges.
    ///
    /// The one record without such a key — equipment with neither serial nor inventory number —
    /// is committed right after its create ([`Durability::Now`]), as every success used to be.
    /// What batching does widen is the window of a kill followed by an edit of that very key in
    /// 1C (a contract renamed) before the next run: from one write to one batch of writes.
    fn persist(
        &self,
        entry: &PlanEntry,
        id: OkdeskId,
        hash: &str,
        payload: Option<String>,
        outcome: &str,
        durability: Durability,
    ) -> Result<(), Error> {
        self.ids
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(entry.key, id);
        self.owners
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert((entry.key.kind, id), entry.key);
        let mapping = Mapping {
            key: entry.key,
            okdesk_id: id,
            payload_hash: hash.to_owned(),
            payload,
        };
        let op = self.op(entry, outcome, Some(id));
        if durability == Durability::Now {
            let ops: Vec<OpRecord> = op.into_iter().collect();
            let journal = self.run.map(|run| (run, ops.as_slice()));
            self.store()
                .put_mappings(std::slice::from_ref(&mapping), journal)?;
            return Ok(());
        }
        let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
        pending.mappings.push(mapping);
        pending.ops.extend(op);
        Ok(())
    }

    /// The first of `found` that no other 1C record owns, claimed for `key` at once so that a
    /// concurrent lookup of a namesake in the same batch cannot take it too. Two contracts of one
    /// company with one title are two Okdesk records: the second must not link to the first's.
    fn claim(&self, key: &SyncKey, found: &[OkdeskId]) -> Option<OkdeskId> {
        let mut owners = self.owners.lock().unwrap_or_else(|p| p.into_inner());
        let id = found
            .iter()
            .copied()
            .find(|id| owners.get(&(key.kind, *id)).is_none_or(|k| k == key))?;
        owners.insert((key.kind, id), *key);
        Some(id)
    }

    /// Commits the batch's successes in one transaction.
    fn flush(&self) -> Result<(), Error> {
        let batch = std::mem::take(&mut *self.pending.lock().unwrap_or_else(|p| p.into_inner()));
        let journal = self.run.map(|run| (run, batch.ops.as_slice()));
        self.store().put_mappings(&batch.mappings, journal)?;
        Ok(())
    }

    /// The journal operation of an entry, numbered, when the run is journaled.
    fn op(&self, entry: &PlanEntry, outcome: &str, id: Option<OkdeskId>) -> Option<OpRecord> {
        self.run?;
        let seq = self.seq.fetch_add(1, Ordering::SeqCst) as i64 + 1;
        Some(OpRecord {
            seq,
            entity: entry.key.kind,
            onec_ref: entry.key.r#ref.to_string(),
            action: entry.action.verb().to_owned(),
            outcome: outcome.to_owned(),
            okdesk_id: id,
        })
    }

    fn journal(
        &self,
        store: &mut StateStore,
        entry: &PlanEntry,
        outcome: &str,
        id: Option<OkdeskId>,
    ) -> Result<(), Error> {
        if let (Some(run), Some(op)) = (self.run, self.op(entry, outcome, id)) {
            store.record_op(run, &op)?;
        }
        Ok(())
    }

    fn fail(&self, entry: &PlanEntry, failure: Failure) -> Result<Outcome, Error> {
        if !self.dry_run {
            if let Some(run) = self.run {
                let mut store = self.store();
                store.record_failure(
                    run,
                    &FailureRecord {
                        entity: entry.key.kind.as_str().to_owned(),
                        key: entry.key.r#ref.to_string(),
                        name: entry.name.clone(),
                        field: failure.field.clone(),
                        message: failure.message.clone(),
                        http_status: failure.http_status,
                        request_body: failure.request_body.as_ref().map(|b| b.to_string()),
                    },
                )?;
                if entry.action.is_write() {
                    self.journal(&mut store, entry, "failed", None)?;
                }
            }
        }
        Ok(Outcome::Failed(failure))
    }

    /// A port error: abort the run for auth/config, else a record failure.
    fn port_failure(&self, entry: &PlanEntry, err: PortError) -> Result<Outcome, Error> {
        if err.aborts_run() {
            return Err(match err.class {
                ErrorClass::Auth => Error::Auth(err),
                _ => Error::Config(err.to_string()),
            });
        }
        self.fail(entry, failure_from_port(entry, &err))
    }

    fn resolved(&self, entry: &PlanEntry, record: &Record) -> Result<Record, Failure> {
        let mut rec = record.clone();
        let ids = self.ids.lock().unwrap_or_else(|p| p.into_inner());
        rec.resolve(|k| ids.get(k).copied())
            .map_err(|missing| Failure {
                field: Some(missing.kind.as_str().to_owned()),
                message: format!(
                    "{} {}: {} {} не имеет записи в Okdesk",
                    capitalise(entry.key.kind.nominative_ru()),
                    entry.name,
                    missing.kind.nominative_ru(),
                    missing.r#ref
                ),
                http_status: None,
                request_body: None,
            })?;
        Ok(rec)
    }

    async fn exec(&self, entry: &PlanEntry) -> Result<Outcome, Error> {
        if self.dry_run {
            return Ok(match &entry.action {
                Action::Create { .. } => Outcome::Created { id: None },
                Action::Update { id, .. } => Outcome::Updated { id: *id },
                Action::Link { id, .. } => Outcome::Linked { id: Some(*id) },
                Action::Archive { id } => Outcome::Archived { id: *id },
                _ => unreachable_outcome(entry),
            });
        }
        match &entry.action {
            Action::Create {
                record,
                hash,
                lookup_first,
            } => {
                let rec = match self.resolved(entry, record) {
                    Ok(r) => r,
                    Err(f) => return self.fail(entry, f),
                };
                let lookup = rec.lookup(&entry.key);
                if *lookup_first {
                    if let Some(lookup) = &lookup {
                        match self
                            .okdesk
                            .find(lookup)
                            .await
                            .map(|found| self.claim(&entry.key, &found))
                        {
                            Ok(Some(id)) => {
                                // A create whose answer was lost, or a record made by hand with
                                // the same key: make it ours instead of creating a duplicate.
                                if let Err(e) = self.okdesk.update(id, &rec).await {
                                    return self.port_failure(entry, e);
                                }
                                self.persist(
                                    entry,
                                    id,
                                    hash,
                                    Some(record.canonical_json()),
                                    "linked",
                                    Durability::Batch,
                                )?;
                                return Ok(Outcome::Linked { id: Some(id) });
                            }
                            Ok(None) => {}
                            Err(e) => return self.port_failure(entry, e),
                        }
                    }
                }
                match self.okdesk.create(&rec).await {
                    Ok(id) => {
                        let durability = match lookup {
                            Some(_) => Durability::Batch,
                            None => Durability::Now,
                        };
                        self.persist(
                            entry,
                            id,
                            hash,
                            Some(record.canonical_json()),
                            "created",
                            durability,
                        )?;
                        Ok(Outcome::Created { id: Some(id) })
                    }
                    Err(e) => self.port_failure(entry, e),
                }
            }
            Action::Update {
                id,
                record,
                hash,
                reactivate,
                ..
            } => {
                let rec = match self.resolved(entry, record) {
                    Ok(r) => r,
                    Err(f) => return self.fail(entry, f),
                };
                if *reactivate {
                    if let Err(e) = self.okdesk.set_active(entry.key.kind, *id, true).await {
                        return self.port_failure(entry, e);
                    }
                }
                match self.okdesk.update(*id, &rec).await {
                    Ok(()) => {
                        self.persist(
                            entry,
                            *id,
                            hash,
                            Some(record.canonical_json()),
                            "updated",
                            Durability::Batch,
                        )?;
                        Ok(Outcome::Updated { id: *id })
                    }
                    Err(e) if e.class == ErrorClass::NotFound => {
                        // Deleted by hand in Okdesk: forget the mapping so the next run creates
                        // the record again, and say so.
                        self.store().remove_mapping(&entry.key)?;
                        let mut f = failure_from_port(entry, &e);
                        f.message.push_str(&format!(
                            " Запись #{id} не найдена в Okdesk (удалена вручную?): связь сброшена, при следующем запуске запись будет создана заново."
                        ));
                        self.fail(entry, f)
                    }
                    Err(e) => self.port_failure(entry, e),
                }
            }
            Action::Link {
                id,
                record,
                hash,
                write,
                ..
            } => {
                let rec = match self.resolved(entry, record) {
                    Ok(r) => r,
                    Err(f) => return self.fail(entry, f),
                };
                let (result, stored_hash, payload) = match write {
                    LinkWrite::Full => (
                        self.okdesk.update(*id, &rec).await,
                        hash.as_str(),
                        Some(record.canonical_json()),
                    ),
                    LinkWrite::KeyOnly => {
                        let r = if matches!(
                            entry.key.kind,
                            EntityKind::Companies | EntityKind::Contacts
                        ) {
                            self.okdesk
                                .set_crm_1c_id(entry.key.kind, *id, &entry.key.r#ref.to_string())
                                .await
                        } else {
                            Ok(())
                        };
                        (r, LINKED_HASH, None)
                    }
                };
                match result {
                    Ok(()) => {
                        self.persist(
                            entry,
                            *id,
                            stored_hash,
                            payload,
                            "linked",
                            Durability::Batch,
                        )?;
                        Ok(Outcome::Linked { id: Some(*id) })
                    }
                    Err(e) => self.port_failure(entry, e),
                }
            }
            Action::Archive { id } => {
                // The payload last pushed stays stored with the archived mark, so that a record
                // restored later names its changed fields.
                let payload = self.store().mapping(&entry.key)?.and_then(|m| m.payload);
                match self.okdesk.set_active(entry.key.kind, *id, false).await {
                    // Already gone counts as archived (kube's "404 on delete is success").
                    Ok(())
                    | Err(PortError {
                        class: ErrorClass::NotFound,
                        ..
                    }) => {
                        self.persist(
                            entry,
                            *id,
                            ARCHIVED_HASH,
                            payload,
                            "archived",
                            Durability::Batch,
                        )?;
                        Ok(Outcome::Archived { id: *id })
                    }
                    Err(e) => self.port_failure(entry, e),
                }
            }
            _ => Ok(unreachable_outcome(entry)),
        }
    }
}

/// The outcome of a non-write entry (also used for writes in no case; kept total for safety).
fn unreachable_outcome(entry: &PlanEntry) -> Outcome {
    match &entry.action {
        Action::Unchanged { id } => Outcome::Unchanged { id: *id },
        Action::Skipped { reason } => Outcome::Skipped {
            reason: reason.clone(),
        },
        Action::Failed {
            field,
            value,
            reason,
            ..
        } => Outcome::Failed(preflight_failure(entry, field, value.as_deref(), reason)),
        Action::Create { .. } => Outcome::Created { id: None },
        Action::Update { id, .. } => Outcome::Updated { id: *id },
        Action::Link { id, .. } => Outcome::Linked { id: Some(*id) },
        Action::Archive { id } => Outcome::Archived { id: *id },
    }
}

/// Where a plan is applied: the Okdesk side, the state store, and the run it belongs to.
pub struct ApplyTarget<'a> {
    /// The Okdesk side.
    pub okdesk: &'a dyn OkdeskPort,
    /// The state store mappings and outcomes are committed to.
    pub state: &'a Mutex<StateStore>,
    /// The journal's run, when the apply is journaled.
    pub run: Option<RunId>,
    /// The run lock to keep alive between batches, when the run holds one.
    pub lock: Option<&'a LockToken>,
}

/// Applies a plan. Returns one result per plan entry, in plan order, or an error that stopped the
/// whole run (auth, config, state); everything persisted before that stays.
pub async fn apply(
    plan: &PushPlan,
    target: ApplyTarget<'_>,
    options: &ApplyOptions,
    stop: &StopFlag,
    progress: &(dyn Fn(&Progress) + Send + Sync),
) -> Result<Vec<EntryResult>, Error> {
    let ApplyTarget {
        okdesk,
        state,
        run,
        lock,
    } = target;
    let total = plan.writes();
    // Parents are resolved only for writes: a push with nothing to write (the common unchanged
    // run) does not read the ids of every mapping.
    let initial = if total > 0 && !options.dry_run {
        state
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .mapped_ids()?
    } else {
        BTreeMap::new()
    };
    let owners = initial.iter().map(|(k, id)| ((k.kind, *id), *k)).collect();
    let cx = Cx {
        okdesk,
        state,
        run,
        ids: Mutex::new(initial),
        owners: Mutex::new(owners),
        seq: AtomicUsize::new(0),
        dry_run: options.dry_run,
        pending: Mutex::new(Pending::default()),
    };
    let mut done = 0usize;
    let mut results: Vec<Option<EntryResult>> = vec![None; plan.entries.len()];
    // Records that did not reach Okdesk in this run; their children are skipped.
    let mut missing: BTreeMap<SyncKey, String> = BTreeMap::new();

    let levels: BTreeSet<u8> = plan.entries.iter().map(|e| e.key.kind.level()).collect();
    for level in levels {
        let mut writes = Vec::new();
        for (i, entry) in plan.entries.iter().enumerate() {
            if entry.key.kind.level() != level {
                continue;
            }
            if !entry.action.is_write() {
                let outcome = unreachable_outcome(entry);
                if let Outcome::Failed(f) = &outcome {
                    cx.fail(entry, f.clone())?;
                }
                results[i] = Some(EntryResult {
                    key: entry.key,
                    name: entry.name.clone(),
                    outcome,
                });
                continue;
            }
            let parents = match &entry.action {
                Action::Create { record, .. }
                | Action::Update { record, .. }
                | Action::Link { record, .. } => record.parents(),
                _ => vec![],
            };
            if let Some(p) = parents.iter().find(|p| missing.contains_key(p)) {
                let reason = SkipReason::ParentFailed {
                    parent: *p,
                    parent_name: missing[p].clone(),
                };
                missing.insert(entry.key, entry.name.clone());
                results[i] = Some(EntryResult {
                    key: entry.key,
                    name: entry.name.clone(),
                    outcome: Outcome::Skipped { reason },
                });
                continue;
            }
            writes.push(i);
        }
        let batch = options.batch_size.max(1);
        for chunk in writes.chunks(batch) {
            if stop.is_stopped() {
                for &i in chunk {
                    let e = &plan.entries[i];
                    results[i] = Some(EntryResult {
                        key: e.key,
                        name: e.name.clone(),
                        outcome: Outcome::Skipped {
                            reason: SkipReason::Interrupted,
                        },
                    });
                }
                continue;
            }
            let cx_ref = &cx;
            let outcomes: Vec<(usize, Result<Outcome, Error>)> =
                stream::iter(chunk.iter().copied())
                    .map(|i| async move {
                        let entry = &plan.entries[i];
                        if stop.is_stopped() {
                            return (
                                i,
                                Ok(Outcome::Skipped {
                                    reason: SkipReason::Interrupted,
                                }),
                            );
                        }
                        (i, cx_ref.exec(entry).await)
                    })
                    .buffer_unordered(options.concurrency.max(1))
                    .collect()
                    .await;
            let mut abort = None;
            for (i, outcome) in outcomes {
                let entry = &plan.entries[i];
                let outcome = match outcome {
                    Ok(o) => o,
                    Err(e) => {
                        // Let the other finished operations be recorded, then stop.
                        stop.stop();
                        abort.get_or_insert(e);
                        continue;
                    }
                };
                if matches!(outcome, Outcome::Failed(_) | Outcome::Skipped { .. }) {
                    missing.insert(entry.key, entry.name.clone());
                }
                done += 1;
                progress(&Progress {
                    done,
                    total,
                    kind: entry.key.kind,
                    name: entry.name.clone(),
                });
                results[i] = Some(EntryResult {
                    key: entry.key,
                    name: entry.name.clone(),
                    outcome,
                });
            }
            // The batch's successes are committed before anything else happens: before an abort
            // returns, and before the next batch (or level, whose records may be their children)
            // starts.
            let flushed = cx.flush();
            if let Some(e) = abort {
                return Err(e);
            }
            flushed?;
            if let (Some(token), false) = (lock, options.dry_run) {
                cx.store().heartbeat(token)?;
            }
        }
    }
    Ok(results
        .into_iter()
        .zip(&plan.entries)
        .map(|(r, e)| {
            r.unwrap_or_else(|| EntryResult {
                key: e.key,
                name: e.name.clone(),
                outcome: Outcome::Skipped {
                    reason: SkipReason::Interrupted,
                },
            })
        })
        .collect())
}

#[cfg(test)]
mod tests;
