//! The run lifecycle shared by push, pull and bill: take the run lock, open the run in the
//! journal, and at the end stamp the report with its request counts and duration, record the run
//! as finished and release the lock, on failure as on success.
//!
//! The job's own work happens between [`Run::begin`] and [`Run::finish`]; it heartbeats the lock
//! through [`Run::token`] at its own pace (per batch or per issue), which is why the heartbeat
//! stays in the jobs.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use crate::error::Result;
use crate::report::{Requests, RunReport};
use crate::state::{LockToken, RunId, StateStore};

/// A run that holds the state's run lock and has an open journal entry.
pub(crate) struct Run<'a> {
    state: &'a Arc<Mutex<StateStore>>,
    id: RunId,
    token: LockToken,
    started: Instant,
    before: Requests,
}

impl<'a> Run<'a> {
    /// Locks the state for `command` and opens its journal run. `requests` are the ports'
    /// counters now, so that the report can count only this run's requests. If the journal
    /// cannot open the run, the lock is released again before the error is returned.
    pub(crate) fn begin(
        state: &'a Arc<Mutex<StateStore>>,
        command: &str,
        dry_run: bool,
        requests: Requests,
    ) -> Result<Self> {
        // The clock starts before the lock, so waiting on the state file counts as run time.
        let started = Instant::now();
        let token = store(state).lock(command)?;
        let id = match store(state).begin_run(command, dry_run) {
            Ok(id) => id,
            Err(e) => {
                let _ = store(state).unlock(&token);
                return Err(e.into());
            }
        };
        Ok(Run {
            state,
            id,
            token,
            started,
            before: requests,
        })
    }

    /// The journal id of the run.
    pub(crate) fn id(&self) -> RunId {
        self.id
    }

    /// The lock token, for heartbeats while the run works.
    pub(crate) fn token(&self) -> &LockToken {
        &self.token
    }

    /// Ends the run with the job's `result` and the ports' counters now (`requests`).
    ///
    /// A failed run is journalled as not ok with its error and the lock released, both on a
    /// best-effort basis so that the job's error is the one returned. A finished run gets its
    /// request counts and duration, is journalled with its counts and report, and the lock is
    /// released; a failure to do either is the run's error.
    pub(crate) fn finish(self, result: Result<RunReport>, requests: Requests) -> Result<RunReport> {
        let mut report = match result {
            Ok(report) => report,
            Err(e) => {
                let mut store = store(self.state);
                let message = serde_json::json!({ "error": e.to_string() }).to_string();
                let _ = store.finish_run(self.id, false, "{}", &message);
                let _ = store.unlock(&self.token);
                return Err(e);
            }
        };
        report.requests = Requests {
            okdesk: requests.okdesk - self.before.okdesk,
            onec: requests.onec - self.before.onec,
        };
        report.duration_s = self.started.elapsed().as_secs_f64();
        let mut store = store(self.state);
        let counts = serde_json::to_string(&report.counts).expect("counts always serialize");
        let finished = store.finish_run(self.id, report.ok, &counts, &report.to_json());
        let unlocked = store.unlock(&self.token);
        finished?;
        unlocked?;
        Ok(report)
    }
}

/// The state store, also after a panic elsewhere poisoned the mutex (as the jobs take it): the
/// run must still be journalled and its lock released.
fn store(state: &Arc<Mutex<StateStore>>) -> MutexGuard<'_, StateStore> {
    state.lock().unwrap_or_else(|p| p.into_inner())
}
