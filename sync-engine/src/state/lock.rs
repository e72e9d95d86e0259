//! The run lock: one row with the owner's pid, a random token and a heartbeat, so that a second
//! run on the same state refuses to start with a message that says who holds it.
//!
//! A row lock (rather than an OS file lock) works the same on every platform and survives being
//! inspected by `status`. A run killed without cleanup leaves the row behind; it is taken over once
//! its heartbeat is older than the store's `stale_after`, or at once when the owner pid is gone.

use rusqlite::{params, OptionalExtension, TransactionBehavior};
use serde::{Deserialize, Serialize};

use super::{now_text, StateError, StateResult, StateStore};

/// Proof of holding the run lock; pass it back to [`StateStore::unlock`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockToken(String);

impl LockToken {
    /// The token text (also stored in the lock row).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Whether the process with this pid still runs; unknown platforms answer "yes" so that only the
/// heartbeat decides there.
fn pid_alive(pid: i64) -> bool {
    if cfg!(target_os = "linux") {
        std::path::Path::new(&format!("/proc/{pid}")).exists()
    } else {
        true
    }
}

impl StateStore {
    /// Takes the run lock for `command`, or refuses with [`StateError::Locked`].
    pub fn lock(&mut self, command: &str) -> StateResult<LockToken> {
        let token = LockToken(uuid::Uuid::new_v4().to_string());
        let path = self.path.clone();
        let stale_after = self.stale_after;
        let my_pid = i64::from(std::process::id());
        let sql_err = |context: &'static str| {
            let path = path.clone();
            move |source| StateError::Sqlite {
                context,
                path,
                source,
            }
        };
        // IMMEDIATE takes SQLite's write lock up front, so two runs checking at once cannot both
        // see an empty lock table.
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sql_err("starting the lock transaction"))?;
        let held: Option<(String, i64, String, String, String)> = tx
            .query_row(
                "SELECT token, pid, command, acquired_at, heartbeat_at FROM run_lock WHERE id = 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .optional()
            .map_err(sql_err("reading the run lock"))?;
        if let Some((_, pid, other_command, acquired_at, heartbeat_at)) = held {
            let age = chrono::DateTime::parse_from_rfc3339(&heartbeat_at)
                .map(|t| chrono::Utc::now().signed_duration_since(t))
                .ok();
            let fresh = age.is_some_and(|a| a.num_seconds() < stale_after.as_secs() as i64);
            let owner_gone = pid != my_pid && !pid_alive(pid);
            if fresh && !owner_gone {
                return Err(StateError::Locked {
                    path,
                    pid,
                    command: other_command,
                    acquired_at,
                    heartbeat_at,
                    stale_after_s: stale_after.as_secs(),
                });
            }
            tracing::warn!(pid, %heartbeat_at, "taking over a stale run lock");
        }
        let now = now_text();
        tx.execute(
            "INSERT OR REPLACE INTO run_lock (id, token, pid, command, acquired_at, heartbeat_at)
             VALUES (1, ?1, ?2, ?3, ?4, ?4)",
            params![token.0, my_pid, command, now],
        )
        .map_err(sql_err("writing the run lock"))?;
        tx.commit().map_err(sql_err("committing the run lock"))?;
        Ok(token)
    }

    /// Refreshes the heartbeat; fails with [`StateError::LockLost`] when the lock was taken over.
    pub fn heartbeat(&mut self, token: &LockToken) -> StateResult<()> {
        let n = self
            .conn
            .execute(
                "UPDATE run_lock SET heartbeat_at = ?2 WHERE id = 1 AND token = ?1",
                params![token.0, now_text()],
            )
            .map_err(|e| self.err("refreshing the run lock", e))?;
        if n == 0 {
            return Err(StateError::LockLost {
                path: self.path.clone(),
            });
        }
        Ok(())
    }

    /// Releases the lock if this token still holds it.
    pub fn unlock(&mut self, token: &LockToken) -> StateResult<()> {
        self.conn
            .execute(
                "DELETE FROM run_lock WHERE id = 1 AND token = ?1",
                [&token.0],
            )
            .map(|_| ())
            .map_err(|e| self.err("releasing the run lock", e))
    }
}
