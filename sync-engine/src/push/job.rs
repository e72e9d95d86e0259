//! `PushJob`: the entry point the CLI calls. It locks the state, reads 1C (only what changed),
//! reads from Okdesk only what matching needs, plans, applies (or stops at the plan for a dry
//! run), journals the run and returns the report of `docs/design.md` §6.

use std::sync::{Arc, Mutex};

use super::apply::{apply, ApplyOptions, ApplyTarget, Progress, StopFlag};
use super::observe::observe_and_plan;
use super::plan::PushPlan;
use super::policy::Policy;
use crate::error::{Error, Result};
use crate::kinds::SyncKey;
use crate::ports::{OkdeskPort, OnecPort, OnecRead};
use crate::report::{FailureReport, Requests, RunReport};
use crate::run::Run;
use crate::state::{LockToken, RawCacheHandle, RunId, StateStore};

/// A push from one 1C base into one Okdesk account over one state store.
pub struct PushJob {
    okdesk: Arc<dyn OkdeskPort>,
    onec: Arc<dyn OnecPort>,
    state: Arc<Mutex<StateStore>>,
    policy: Policy,
    stop: StopFlag,
}

impl PushJob {
    /// A job over its ports, state and policy.
    pub fn new(
        okdesk: Arc<dyn OkdeskPort>,
        onec: Arc<dyn OnecPort>,
        state: StateStore,
        policy: Policy,
    ) -> Self {
        Self::with_shared_state(okdesk, onec, Arc::new(Mutex::new(state)), policy)
    }

    /// A job over a state store shared with other jobs (sync runs push, pull and bill on one).
    pub fn with_shared_state(
        okdesk: Arc<dyn OkdeskPort>,
        onec: Arc<dyn OnecPort>,
        state: Arc<Mutex<StateStore>>,
        policy: Policy,
    ) -> Self {
        PushJob {
            okdesk,
            onec,
            state,
            policy,
            stop: StopFlag::new(),
        }
    }

    /// The flag that stops a running job gracefully (wire it to Ctrl-C).
    pub fn stop_flag(&self) -> StopFlag {
        self.stop.clone()
    }

    /// The state store.
    pub fn state(&self) -> &Arc<Mutex<StateStore>> {
        &self.state
    }

    fn store(&self) -> std::sync::MutexGuard<'_, StateStore> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn check_policy(&self) -> Result<()> {
        if self.policy.concurrency == 0 {
            return Err(Error::Config("concurrency must be at least 1".into()));
        }
        if let Some(p) = self.policy.portions {
            if p.batch_size == 0 || p.max_batches == Some(0) {
                return Err(Error::Config(
                    "portions: batch_size and max_batches must be at least 1".into(),
                ));
            }
        }
        Ok(())
    }

    /// Reads 1C (persisting the raw cache) and what matching needs from Okdesk, and plans.
    pub async fn plan(&self) -> Result<(PushPlan, OnecRead)> {
        // The port brings the raw cache up to date as it reads (a state failure stays one).
        let cache = RawCacheHandle::new(&self.state);
        let result = self.onec.read(&cache).await;
        let read = cache.finish(result)?;
        let mut view = self.store().view_without_payloads()?;
        let state = Arc::clone(&self.state);
        // A payload that cannot be read only loses the names of the changed fields in the report.
        view.payloads = Some(Arc::new(move |key: &SyncKey| {
            let store = state.lock().unwrap_or_else(|p| p.into_inner());
            store.mapping(key).ok().flatten().and_then(|m| m.payload)
        }));
        let (plan, _) = observe_and_plan(
            self.okdesk.as_ref(),
            &self.state,
            &read.snapshot,
            &view,
            &self.policy,
        )
        .await?;
        Ok((plan, read))
    }

    /// Runs the push (or, with `dry_run`, plans it through the same path and writes nothing to
    /// Okdesk). Record failures are in the report; `Err` means the run could not be done.
    pub async fn run(
        &self,
        dry_run: bool,
        progress: &(dyn Fn(&Progress) + Send + Sync),
    ) -> Result<RunReport> {
        self.check_policy()?;
        let run = Run::begin(&self.state, "push", dry_run, self.requests())?;
        let result = self
            .run_locked(dry_run, run.id(), run.token(), progress)
            .await;
        run.finish(result, self.requests())
    }

    /// The ports' request counters now.
    fn requests(&self) -> Requests {
        Requests {
            okdesk: self.okdesk.requests(),
            onec: self.onec.requests(),
        }
    }

    async fn run_locked(
        &self,
        dry_run: bool,
        run: RunId,
        token: &LockToken,
        progress: &(dyn Fn(&Progress) + Send + Sync),
    ) -> Result<RunReport> {
        let (plan, read) = self.plan().await?;
        let options = ApplyOptions {
            dry_run,
            concurrency: self.policy.concurrency,
            batch_size: self.policy.portions.map_or(50, |p| p.batch_size),
        };
        let target = ApplyTarget {
            okdesk: self.okdesk.as_ref(),
            state: &self.state,
            run: Some(run),
            lock: Some(token),
        };
        let results = apply(&plan, target, &options, &self.stop, progress).await?;
        let mut report = RunReport::new("push", dry_run);
        report.configuration = Some(self.onec.configuration().to_owned());
        report.mode = Some(self.policy.mode.as_str().to_owned());
        report.run_id = Some(run.0);
        report.add_results(&results);
        report.failures.extend(unread_failures(&read, &self.policy));
        report.ok = report.ok && report.failures.is_empty();
        report.warnings = read.diagnostics.iter().map(|d| d.to_string()).collect();
        // Preflight warnings of sent records, each naming its record, after the read warnings.
        for entry in &plan.entries {
            for warning in &entry.warnings {
                report.warnings.push(format!(
                    "{} «{}» ({}): {warning}",
                    entry.key.kind.nominative_ru(),
                    entry.name,
                    entry.key.r#ref
                ));
            }
        }
        Ok(report)
    }
}

/// One failure per kind of record the base does not publish, within the push's scope: the kind is
/// not pushed this run, the next run reads it again (publishing the set is all it takes).
pub fn unread_failures(read: &OnecRead, policy: &Policy) -> Vec<FailureReport> {
    read.unread
        .iter()
        .filter(|u| policy.includes(u.kind))
        .map(|u| FailureReport {
            entity: u.kind.as_str().to_owned(),
            key: u.set.clone(),
            name: u.set.clone(),
            field: u.field.clone(),
            message: format!("{} не выгружаются: {}", u.kind.plural_ru(), u.message),
            http_status: None,
            request: None,
        })
        .collect()
}
