//! The SQLite state store: mappings (1C ref ↔ Okdesk id with the hash of the last pushed payload),
//! the 1C raw-object cache, the run journal, cursors, the invoice outbox and the run lock.
//!
//! One file per profile, WAL mode, every write in a transaction, schema upgraded by the ordered
//! migrations in [`migrations`]. The store is synchronous (rusqlite); async callers hold it behind a
//! mutex and never across an `.await`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use chrono::{SecondsFormat, Utc};
use onec_model::Ref;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::kinds::{EntityKind, OkdeskId, SyncKey};

mod ambiguity;
mod cache;
mod documents;
mod journal;
mod lock;
mod migrations;
mod outbox;

pub use ambiguity::Ambiguity;
pub use cache::RawCacheHandle;
pub use documents::WrittenDocument;
pub use journal::{FailureRecord, OpRecord, OpenFailure, RunId, RunSummary};
pub use lock::LockToken;
pub use outbox::{OutboxEntry, OutboxStatus};

/// Why the state store could not do what was asked. Every variant stops the run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StateError {
    /// SQLite failed; `context` says what the store was doing.
    #[error("{context} ({path}): {source}")]
    Sqlite {
        /// What the store was doing.
        context: &'static str,
        /// The state file (or `:memory:`).
        path: String,
        /// The SQLite error.
        #[source]
        source: rusqlite::Error,
    },
    /// Another run holds the lock on this state.
    #[error("another run ({command}, pid {pid}, started {acquired_at}, last heartbeat {heartbeat_at}) is using the state file {path}; wait for it to finish, or if it was killed, retry after its heartbeat is older than {stale_after_s} s")]
    Locked {
        /// The state file.
        path: String,
        /// The other run's process id.
        pid: i64,
        /// The other run's command.
        command: String,
        /// When it took the lock.
        acquired_at: String,
        /// Its last sign of life.
        heartbeat_at: String,
        /// How old a heartbeat must be to be taken over.
        stale_after_s: u64,
    },
    /// The run lock was lost (taken over as stale) while this run still held it.
    #[error("the run lock on {path} was taken over by another run")]
    LockLost {
        /// The state file.
        path: String,
    },
    /// The file was written by a newer version of the program.
    #[error("the state file {path} has schema version {found}, newer than this program knows ({known}); upgrade okdesk-1c")]
    TooNew {
        /// The state file.
        path: String,
        /// The version in the file.
        found: i64,
        /// The newest version this program knows.
        known: i64,
    },
    /// A stored value could not be read back (a hand-edited or corrupted file).
    #[error("corrupt value in {path}, table {table}: {message}")]
    Corrupt {
        /// The state file.
        path: String,
        /// The table.
        table: &'static str,
        /// What is wrong.
        message: String,
    },
}

/// `Result` with [`StateError`].
pub type StateResult<T> = Result<T, StateError>;

/// What the store remembers about one pushed record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mapping {
    /// The record's key.
    pub key: SyncKey,
    /// The Okdesk record it is tied to.
    pub okdesk_id: OkdeskId,
    /// The hash of the payload last written (or a marker such as `archived`).
    pub payload_hash: String,
    /// The payload last written, as JSON, so that the next plan can name the changed fields.
    pub payload: Option<String>,
}

/// Reads the payload last written for a key, on demand.
pub type PayloadLoader = Arc<dyn Fn(&SyncKey) -> Option<String> + Send + Sync>;

/// The read-only view of the mappings a plan is computed against.
#[derive(Clone, Default)]
pub struct StateView {
    /// Every mapping by key.
    pub mappings: BTreeMap<SyncKey, Mapping>,
    /// Where the payloads left out of `mappings` are read from. A plan needs a previous payload
    /// only to name the changed fields of a record that changed, so a push keeps the payloads in
    /// the store instead of holding one per record in memory.
    pub payloads: Option<PayloadLoader>,
}

impl std::fmt::Debug for StateView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StateView")
            .field("mappings", &self.mappings)
            .field("payloads", &self.payloads.as_ref().map(|_| "on demand"))
            .finish()
    }
}

/// Views are equal when their mappings are: the loader only reads what the store holds.
impl PartialEq for StateView {
    fn eq(&self, other: &Self) -> bool {
        self.mappings == other.mappings
    }
}

impl Eq for StateView {}

impl StateView {
    /// The payload last written for a key: from the mapping when the view holds it, else from
    /// the loader.
    pub fn payload(&self, key: &SyncKey) -> Option<std::borrow::Cow<'_, str>> {
        let m = self.mappings.get(key)?;
        match (&m.payload, &self.payloads) {
            (Some(p), _) => Some(std::borrow::Cow::Borrowed(p.as_str())),
            (None, Some(load)) => load(key).map(std::borrow::Cow::Owned),
            (None, None) => None,
        }
    }

    /// The mapping of a key, if the record was pushed or linked before.
    pub fn get(&self, key: &SyncKey) -> Option<&Mapping> {
        self.mappings.get(key)
    }

    /// The Okdesk id of a key, if known.
    pub fn id_of(&self, key: &SyncKey) -> Option<OkdeskId> {
        self.mappings.get(key).map(|m| m.okdesk_id)
    }
}

/// The state store of one profile.
#[derive(Debug)]
pub struct StateStore {
    conn: Connection,
    path: String,
    stale_after: Duration,
}

/// The current time as RFC 3339 UTC text, the form every timestamp in the store has.
pub(crate) fn now_text() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true)
}

impl StateStore {
    /// Opens (creating if needed) the state file and brings its schema up to date.
    pub fn open(path: impl AsRef<Path>) -> StateResult<StateStore> {
        let path_buf: PathBuf = path.as_ref().to_path_buf();
        let shown = path_buf.display().to_string();
        let conn = Connection::open(&path_buf).map_err(|source| StateError::Sqlite {
            context: "opening the state file",
            path: shown.clone(),
            source,
        })?;
        Self::init(conn, shown, true)
    }

    /// An in-memory store (tests, `--dry-run` without a profile).
    pub fn open_in_memory() -> StateResult<StateStore> {
        let conn = Connection::open_in_memory().map_err(|source| StateError::Sqlite {
            context: "opening an in-memory state",
            path: ":memory:".into(),
            source,
        })?;
        Self::init(conn, ":memory:".into(), false)
    }

    fn init(conn: Connection, path: String, wal: bool) -> StateResult<StateStore> {
        let mut store = StateStore {
            conn,
            path,
            stale_after: Duration::from_secs(300),
        };
        // WAL lets `status` read while a run writes; the busy timeout makes a concurrent reader
        // wait briefly instead of failing.
        let pragmas = if wal {
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;"
        } else {
            "PRAGMA foreign_keys = ON;"
        };
        store
            .conn
            .execute_batch(pragmas)
            .map_err(|e| store.err("setting pragmas", e))?;
        store
            .conn
            .busy_timeout(Duration::from_secs(5))
            .map_err(|e| store.err("setting the busy timeout", e))?;
        store.migrate()?;
        Ok(store)
    }

    /// How old a lock heartbeat must be before another run may take the lock over.
    pub fn set_stale_after(&mut self, stale_after: Duration) {
        self.stale_after = stale_after;
    }

    /// The path shown in messages.
    pub fn path(&self) -> &str {
        &self.path
    }

    pub(crate) fn err(&self, context: &'static str, source: rusqlite::Error) -> StateError {
        StateError::Sqlite {
            context,
            path: self.path.clone(),
            source,
        }
    }

    pub(crate) fn corrupt(&self, table: &'static str, message: impl Into<String>) -> StateError {
        StateError::Corrupt {
            path: self.path.clone(),
            table,
            message: message.into(),
        }
    }

    /// The schema version of the file.
    pub fn schema_version(&self) -> StateResult<i64> {
        self.conn
            .query_row(
                "SELECT COALESCE(MAX(version), 0) FROM schema_version",
                [],
                |r| r.get(0),
            )
            .map_err(|e| self.err("reading the schema version", e))
    }

    fn migrate(&mut self) -> StateResult<()> {
        self.conn
            .execute_batch(
                "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL);",
            )
            .map_err(|e| self.err("creating schema_version", e))?;
        let current = self.schema_version()?;
        let known = migrations::MIGRATIONS.len() as i64;
        if current > known {
            return Err(StateError::TooNew {
                path: self.path.clone(),
                found: current,
                known,
            });
        }
        for (index, sql) in migrations::MIGRATIONS
            .iter()
            .enumerate()
            .skip(current as usize)
        {
            let version = index as i64 + 1;
            let path = self.path.clone();
            let tx = self
                .conn
                .transaction()
                .map_err(|source| StateError::Sqlite {
                    context: "starting a migration",
                    path: path.clone(),
                    source,
                })?;
            tx.execute_batch(sql)
                .and_then(|()| {
                    tx.execute(
                        "INSERT INTO schema_version (version, applied_at) VALUES (?1, ?2)",
                        params![version, now_text()],
                    )
                    .map(|_| ())
                })
                .and_then(|()| tx.commit())
                .map_err(|source| StateError::Sqlite {
                    context: "applying a schema migration",
                    path,
                    source,
                })?;
        }
        Ok(())
    }

    /// Every mapping, as the view a plan is computed against.
    pub fn view(&self) -> StateResult<StateView> {
        self.read_view(true)
    }

    /// Every mapping without its payload (`Mapping::payload` is `None`): what a push holds in
    /// memory, with a [`PayloadLoader`] to read the few payloads it needs.
    pub fn view_without_payloads(&self) -> StateResult<StateView> {
        self.read_view(false)
    }

    fn read_view(&self, payloads: bool) -> StateResult<StateView> {
        let sql = if payloads {
            "SELECT entity, onec_ref, okdesk_id, payload_hash, payload FROM mappings"
        } else {
            "SELECT entity, onec_ref, okdesk_id, payload_hash, NULL FROM mappings"
        };
        let mut stmt = self
            .conn
            .prepare(sql)
            .map_err(|e| self.err("reading mappings", e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, Option<String>>(4)?,
                ))
            })
            .map_err(|e| self.err("reading mappings", e))?;
        let mut view = StateView::default();
        for row in rows {
            let (entity, r, id, hash, payload) =
                row.map_err(|e| self.err("reading mappings", e))?;
            let kind: EntityKind = entity.parse().map_err(|e: crate::kinds::UnknownEntity| {
                self.corrupt("mappings", e.to_string())
            })?;
            let r: Ref = r
                .parse()
                .map_err(|e: onec_model::RefError| self.corrupt("mappings", e.to_string()))?;
            let key = SyncKey::new(kind, r);
            view.mappings.insert(
                key,
                Mapping {
                    key,
                    okdesk_id: OkdeskId(id as u64),
                    payload_hash: hash,
                    payload,
                },
            );
        }
        Ok(view)
    }

    /// The mapping of one key, read alone (not the whole view).
    pub fn mapping(&self, key: &SyncKey) -> StateResult<Option<Mapping>> {
        let row = self
            .conn
            .prepare_cached(
                "SELECT okdesk_id, payload_hash, payload FROM mappings WHERE entity = ?1 AND onec_ref = ?2",
            )
            .and_then(|mut stmt| {
                stmt.query_row(params![key.kind.as_str(), key.r#ref.to_string()], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, Option<String>>(2)?,
                    ))
                })
                .optional()
            })
            .map_err(|e| self.err("reading a mapping", e))?;
        Ok(row.map(|(id, payload_hash, payload)| Mapping {
            key: *key,
            okdesk_id: OkdeskId(id as u64),
            payload_hash,
            payload,
        }))
    }

    /// The Okdesk id of every mapped key, without the stored payloads (what apply resolves
    /// parents with).
    pub fn mapped_ids(&self) -> StateResult<BTreeMap<SyncKey, OkdeskId>> {
        let mut stmt = self
            .conn
            .prepare("SELECT entity, onec_ref, okdesk_id FROM mappings")
            .map_err(|e| self.err("reading mappings", e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                ))
            })
            .map_err(|e| self.err("reading mappings", e))?;
        let mut ids = BTreeMap::new();
        for row in rows {
            let (entity, r, id) = row.map_err(|e| self.err("reading mappings", e))?;
            let kind: EntityKind = entity.parse().map_err(|e: crate::kinds::UnknownEntity| {
                self.corrupt("mappings", e.to_string())
            })?;
            let r: Ref = r
                .parse()
                .map_err(|e: onec_model::RefError| self.corrupt("mappings", e.to_string()))?;
            ids.insert(SyncKey::new(kind, r), OkdeskId(id as u64));
        }
        Ok(ids)
    }

    /// Stores (or replaces) one mapping.
    pub fn put_mapping(&mut self, mapping: &Mapping) -> StateResult<()> {
        self.put_mappings(std::slice::from_ref(mapping), None)
    }

    /// Stores (or replaces) mappings and journals the operations that produced them, all in one
    /// transaction: either every row is there afterwards or none is. A push calls it once per
    /// batch of successful writes (see `push::apply` for why that is safe against a kill); one
    /// transaction per batch instead of two per record is most of the store's cost in a push.
    pub fn put_mappings(
        &mut self,
        mappings: &[Mapping],
        journal: Option<(RunId, &[OpRecord])>,
    ) -> StateResult<()> {
        if mappings.is_empty() && journal.is_none_or(|(_, ops)| ops.is_empty()) {
            return Ok(());
        }
        let path = self.path.clone();
        let sqlite = |context: &'static str| {
            let path = path.clone();
            move |source| StateError::Sqlite {
                context,
                path,
                source,
            }
        };
        let now = now_text();
        let tx = self
            .conn
            .transaction()
            .map_err(sqlite("starting a mapping write"))?;
        {
            let mut put = tx
                .prepare_cached(
                    "INSERT INTO mappings (entity, onec_ref, okdesk_id, payload_hash, payload, pushed_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                     ON CONFLICT (entity, onec_ref) DO UPDATE SET okdesk_id = excluded.okdesk_id,
                         payload_hash = excluded.payload_hash, payload = excluded.payload, pushed_at = excluded.pushed_at",
                )
                .map_err(sqlite("writing a mapping"))?;
            // A success closes any failure of the same record still waiting for retry.
            let mut close = tx
                .prepare_cached("DELETE FROM open_failures WHERE entity = ?1 AND key = ?2")
                .map_err(sqlite("writing a mapping"))?;
            for mapping in mappings {
                let kind = mapping.key.kind.as_str();
                let r = mapping.key.r#ref.to_string();
                put.execute(params![
                    kind,
                    r,
                    mapping.okdesk_id.0 as i64,
                    mapping.payload_hash,
                    mapping.payload,
                    now
                ])
                .and_then(|_| close.execute(params![kind, r]))
                .map_err(sqlite("writing a mapping"))?;
            }
            if let Some((run, ops)) = journal {
                for op in ops {
                    journal::insert_op(&tx, run, op, &now)
                        .map_err(sqlite("journaling an operation"))?;
                }
            }
        }
        tx.commit().map_err(sqlite("writing a mapping"))
    }

    /// Forgets a mapping (the Okdesk record was deleted by hand and must be created again).
    pub fn remove_mapping(&mut self, key: &SyncKey) -> StateResult<bool> {
        let n = self
            .conn
            .execute(
                "DELETE FROM mappings WHERE entity = ?1 AND onec_ref = ?2",
                params![key.kind.as_str(), key.r#ref.to_string()],
            )
            .map_err(|e| self.err("removing a mapping", e))?;
        Ok(n > 0)
    }

    /// Reads a cursor (pull's `updated_since`, exchange-plan message numbers, …).
    pub fn cursor(&self, name: &str) -> StateResult<Option<String>> {
        self.conn
            .query_row("SELECT value FROM cursors WHERE name = ?1", [name], |r| {
                r.get(0)
            })
            .optional()
            .map_err(|e| self.err("reading a cursor", e))
    }

    /// Writes a cursor. Call it only after the writes it covers are durable.
    pub fn set_cursor(&mut self, name: &str, value: &str) -> StateResult<()> {
        self.conn
            .execute(
                "INSERT INTO cursors (name, value, updated_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
                params![name, value, now_text()],
            )
            .map(|_| ())
            .map_err(|e| self.err("writing a cursor", e))
    }

    /// Every cursor, by name.
    pub fn cursors(&self) -> StateResult<BTreeMap<String, String>> {
        let mut stmt = self
            .conn
            .prepare("SELECT name, value FROM cursors ORDER BY name")
            .map_err(|e| self.err("reading cursors", e))?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
            .map_err(|e| self.err("reading cursors", e))?;
        rows.collect::<Result<_, _>>()
            .map_err(|e| self.err("reading cursors", e))
    }
}

#[cfg(test)]
mod tests;
