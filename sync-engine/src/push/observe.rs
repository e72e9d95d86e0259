//! What push reads from Okdesk before planning, and no more.
//!
//! Matching on first contact needs Okdesk's lists of companies and contacts, which at 20,000
//! clients are hundreds of pages. Reading them is needed only for records that actually reach
//! matching: unmapped, not skipped by a rule or a parent, and passing preflight. A first plan made
//! with nothing observed (and no portion budget, so that no record is hidden behind «deferred»)
//! names exactly those records: they come out as creates that would look themselves up. That set
//! is a superset of what the real plan matches, because nothing observed can only make more
//! parents available, never fewer.
//!
//! A record whose INN or e-mail was ambiguous last time stays unmapped, so without more it would
//! make every run list the whole account. Its candidates are remembered in the state store with
//! the payload hash they were found for; while the 1C record is unchanged, the run fetches just
//! those candidates and looks the record up by its `crm_1c_id` (where a user resolving the
//! ambiguity writes it). Such a partial list can prove a link or a remaining ambiguity, never an
//! absence: a record that matches none of its candidates is planned with a lookup, and the job
//! then reads the whole list and plans again.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

use onec_model::Snapshot;

use super::plan::{observe_needs, plan_push, Action, PushPlan};
use super::policy::Policy;
use crate::error::{Error, Result};
use crate::kinds::{EntityKind, OkdeskId, SyncKey};
use crate::ports::{ErrorClass, Lookup, Observed, OkdeskPort, PortError};
use crate::state::{StateStore, StateView};

/// How one kind was observed for this plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Observation {
    /// The whole list was read.
    Full,
    /// Only the candidates of remembered ambiguities (and records found by `crm_1c_id`).
    Candidates,
}

/// What was read from Okdesk to plan, kind by kind, with the number of records read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ObserveLog {
    /// Kinds read and how.
    pub kinds: BTreeMap<EntityKind, Observation>,
}

pub(crate) fn okdesk_error(e: PortError) -> Error {
    if e.class == ErrorClass::Auth {
        Error::Auth(e)
    } else {
        Error::Okdesk(e)
    }
}

fn store(state: &Mutex<StateStore>) -> std::sync::MutexGuard<'_, StateStore> {
    state.lock().unwrap_or_else(|p| p.into_inner())
}

/// Reads what matching needs (see the module doc) and plans. Remembers the ambiguities the plan
/// found for every kind it observed, so that the next run can re-check them cheaply.
pub(crate) async fn observe_and_plan(
    okdesk: &dyn OkdeskPort,
    state: &Mutex<StateStore>,
    snapshot: &Snapshot,
    view: &StateView,
    policy: &Policy,
) -> Result<(PushPlan, ObserveLog)> {
    let mut log = ObserveLog::default();
    let mut observed = Observed::default();
    // The cheap test first: with every record of every kind mapped, nothing is read at all.
    let needs = observe_needs(snapshot, view, policy);
    if !needs.companies && !needs.contacts && needs.directories.is_empty() {
        return Ok((plan_push(snapshot, view, &observed, policy), log));
    }
    let unbudgeted = Policy {
        portions: None,
        ..policy.clone()
    };
    let first = plan_push(snapshot, view, &Observed::default(), &unbudgeted);
    let mut reaching = reaching_matching(&first);
    let mut hashes = creates(&first);
    // The first plan has told what it had to; holding it while the real plan is made would
    // double the peak memory of a push (it carries every record it would create).
    drop(first);
    if let Some(records) = reaching.get(&EntityKind::Companies) {
        observe_kind(
            okdesk,
            state,
            EntityKind::Companies,
            records,
            &mut observed,
            &mut log,
        )
        .await?;
    }
    // Contacts of a company whose ambiguity is confirmed are skipped, not matched; when companies
    // were read by candidates only, a second first-plan tells which contacts really reach matching
    // (with the whole list read, every company's fate is already known to the real plan).
    let contacts_reaching = if observed.partial.contains(&EntityKind::Companies) {
        let with_companies = Observed {
            companies: observed.companies.clone(),
            partial: observed.partial.clone(),
            ..Observed::default()
        };
        let second = plan_push(snapshot, view, &with_companies, &unbudgeted);
        hashes.extend(creates(&second));
        reaching_matching(&second).remove(&EntityKind::Contacts)
    } else {
        reaching.remove(&EntityKind::Contacts)
    };
    if let Some(records) = contacts_reaching {
        observe_kind(
            okdesk,
            state,
            EntityKind::Contacts,
            &records,
            &mut observed,
            &mut log,
        )
        .await?;
    }
    for kind in &needs.directories {
        if reaching.contains_key(kind) {
            let list = okdesk.list_directory(*kind).await.map_err(okdesk_error)?;
            observed.directories.insert(*kind, list);
            log.kinds.insert(*kind, Observation::Full);
        }
    }
    let mut plan = plan_push(snapshot, view, &observed, policy);
    let short: Vec<EntityKind> = observed
        .partial
        .iter()
        .copied()
        .filter(|kind| {
            plan.of_kind(*kind).any(|e| {
                matches!(
                    e.action,
                    Action::Create {
                        lookup_first: true,
                        ..
                    }
                )
            })
        })
        .collect();
    if !short.is_empty() {
        for kind in short {
            read_full(okdesk, kind, &mut observed).await?;
            log.kinds.insert(kind, Observation::Full);
        }
        plan = plan_push(snapshot, view, &observed, policy);
    }
    remember_ambiguities(state, &plan, &hashes, &log)?;
    Ok((plan, log))
}

/// The records of a plan that would look themselves up before a create: those reaching matching.
fn reaching_matching(plan: &PushPlan) -> BTreeMap<EntityKind, Vec<(SyncKey, String)>> {
    let mut reaching: BTreeMap<EntityKind, Vec<(SyncKey, String)>> = BTreeMap::new();
    for entry in &plan.entries {
        if let Action::Create {
            hash,
            lookup_first: true,
            ..
        } = &entry.action
        {
            reaching
                .entry(entry.key.kind)
                .or_default()
                .push((entry.key, hash.clone()));
        }
    }
    reaching
}

/// The payload hash of every record a plan creates.
fn creates(plan: &PushPlan) -> BTreeMap<SyncKey, String> {
    plan.entries
        .iter()
        .filter_map(|e| match &e.action {
            Action::Create { hash, .. } => Some((e.key, hash.clone())),
            _ => None,
        })
        .collect()
}

/// Reads companies or contacts for the records reaching matching: only the remembered candidates
/// when every one of them is a remembered, unchanged ambiguity, else the whole list.
async fn observe_kind(
    okdesk: &dyn OkdeskPort,
    state: &Mutex<StateStore>,
    kind: EntityKind,
    records: &[(SyncKey, String)],
    observed: &mut Observed,
    log: &mut ObserveLog,
) -> Result<()> {
    let remembered = store(state).ambiguities(kind)?;
    let all_remembered = records
        .iter()
        .all(|(key, hash)| remembered.get(key).is_some_and(|a| a.payload_hash == *hash));
    if !all_remembered {
        read_full(okdesk, kind, observed).await?;
        log.kinds.insert(kind, Observation::Full);
        return Ok(());
    }
    let mut ids: BTreeSet<OkdeskId> = records
        .iter()
        .flat_map(|(key, _)| remembered[key].candidates.iter().copied())
        .collect();
    for (key, _) in records {
        let lookup = Lookup::Crm1cId {
            kind,
            crm_1c_id: key.r#ref.to_string(),
        };
        ids.extend(okdesk.find(&lookup).await.map_err(okdesk_error)?);
    }
    let ids: Vec<OkdeskId> = ids.into_iter().collect();
    read_candidates(okdesk, kind, &ids, observed).await?;
    log.kinds.insert(kind, Observation::Candidates);
    Ok(())
}

async fn read_full(
    okdesk: &dyn OkdeskPort,
    kind: EntityKind,
    observed: &mut Observed,
) -> Result<()> {
    match kind {
        EntityKind::Companies => {
            observed.companies = Some(okdesk.list_companies().await.map_err(okdesk_error)?);
        }
        EntityKind::Contacts => {
            observed.contacts = Some(okdesk.list_contacts().await.map_err(okdesk_error)?);
        }
        _ => {}
    }
    observed.partial.remove(&kind);
    Ok(())
}

async fn read_candidates(
    okdesk: &dyn OkdeskPort,
    kind: EntityKind,
    ids: &[OkdeskId],
    observed: &mut Observed,
) -> Result<()> {
    match kind {
        EntityKind::Companies => {
            observed.companies = Some(okdesk.get_companies(ids).await.map_err(okdesk_error)?);
        }
        EntityKind::Contacts => {
            observed.contacts = Some(okdesk.get_contacts(ids).await.map_err(okdesk_error)?);
        }
        _ => return Ok(()),
    }
    observed.partial.insert(kind);
    Ok(())
}

/// Stores, for every kind observed in this plan, the records left unlinked by an ambiguity, with
/// the payload hash the first plan gave them.
fn remember_ambiguities(
    state: &Mutex<StateStore>,
    plan: &PushPlan,
    hashes: &BTreeMap<SyncKey, String>,
    log: &ObserveLog,
) -> Result<()> {
    for kind in [EntityKind::Companies, EntityKind::Contacts] {
        if !log.kinds.contains_key(&kind) {
            continue;
        }
        let current: Vec<(SyncKey, String, Vec<OkdeskId>)> = plan
            .of_kind(kind)
            .filter_map(|e| match &e.action {
                Action::Failed { candidates, .. } if !candidates.is_empty() => hashes
                    .get(&e.key)
                    .map(|h| (e.key, h.clone(), candidates.clone())),
                _ => None,
            })
            .collect();
        store(state).replace_ambiguities(kind, &current)?;
    }
    Ok(())
}
