//! The 1C raw-object cache: the last full row read for each (entity set, `Ref_Key`) together with
//! its `DataVersion`, so that a later run fetches full rows only for keys whose version changed.
//!
//! A read goes through [`RawCacheHandle`], the port's view of this table: versions of one set,
//! fresh rows written page by page, dead rows dropped, and objects loaded a few at a time for
//! mapping. Nothing here ever loads a whole set of objects into memory.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Mutex, MutexGuard};

use onec_adapter::RawObject;
use onec_model::Ref;
use rusqlite::{params, OptionalExtension};

use super::{now_text, StateError, StateResult, StateStore};
use crate::error::Error;
use crate::ports::onec::{CachedRow, RawCacheStore};
use crate::ports::{ErrorClass, PortError};

impl StateStore {
    /// The cached versions of one entity set, by `Ref_Key` text.
    pub fn cached_versions(&self, set: &str) -> StateResult<BTreeMap<String, String>> {
        let mut stmt = self
            .conn
            .prepare("SELECT onec_ref, data_version FROM onec_raw_cache WHERE set_name = ?1")
            .map_err(|e| self.err("reading cached 1C versions", e))?;
        let rows = stmt
            .query_map([set], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })
            .map_err(|e| self.err("reading cached 1C versions", e))?;
        rows.collect::<Result<_, _>>()
            .map_err(|e| self.err("reading cached 1C versions", e))
    }

    /// The cached versions of one entity set, by reference.
    pub fn cached_versions_by_ref(&self, set: &str) -> StateResult<HashMap<Ref, String>> {
        let mut out = HashMap::new();
        for (text, version) in self.cached_versions(set)? {
            match Ref::parse(&text) {
                Ok(Some(r)) => {
                    out.insert(r, version);
                }
                _ => {
                    return Err(self.corrupt(
                        "onec_raw_cache",
                        format!("{set}: `{text}` is not a reference"),
                    ))
                }
            }
        }
        Ok(out)
    }

    /// The cached objects of one entity set, by `Ref_Key` text.
    pub fn cached_objects(&self, set: &str) -> StateResult<BTreeMap<String, RawObject>> {
        let mut stmt = self
            .conn
            .prepare("SELECT onec_ref, object_json FROM onec_raw_cache WHERE set_name = ?1")
            .map_err(|e| self.err("reading the 1C cache", e))?;
        let rows = stmt
            .query_map([set], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })
            .map_err(|e| self.err("reading the 1C cache", e))?;
        let mut out = BTreeMap::new();
        for row in rows {
            let (r, json) = row.map_err(|e| self.err("reading the 1C cache", e))?;
            out.insert(r.clone(), self.decode_cached(set, &r, &json)?);
        }
        Ok(out)
    }

    fn decode_cached(&self, set: &str, r: &str, json: &str) -> StateResult<RawObject> {
        serde_json::from_str(json)
            .map_err(|e| self.corrupt("onec_raw_cache", format!("{set} {r}: {e}")))
    }

    /// The cached objects of one entity set with these references, in that order; references
    /// not cached are skipped.
    pub fn load_cached(&self, set: &str, refs: &[Ref]) -> StateResult<Vec<RawObject>> {
        let context = "reading the 1C cache";
        // One read transaction for the batch: in autocommit mode SQLite would take and release
        // its file lock (two fcntl calls) around every lookup.
        let tx = if self.conn.is_autocommit() {
            Some(
                self.conn
                    .unchecked_transaction()
                    .map_err(|e| self.err(context, e))?,
            )
        } else {
            None
        };
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT object_json FROM onec_raw_cache WHERE set_name = ?1 AND onec_ref = ?2",
            )
            .map_err(|e| self.err(context, e))?;
        let mut out = Vec::with_capacity(refs.len());
        for r in refs {
            let text = r.to_string();
            let json: Option<String> = stmt
                .query_row(params![set, text], |row| row.get(0))
                .optional()
                .map_err(|e| self.err(context, e))?;
            if let Some(json) = json {
                out.push(self.decode_cached(set, &text, &json)?);
            }
        }
        drop(stmt);
        if let Some(tx) = tx {
            tx.commit().map_err(|e| self.err(context, e))?;
        }
        Ok(out)
    }

    /// Writes rows read in full into the cache of one entity set, in one transaction.
    pub fn store_cached(&mut self, set: &str, rows: &[CachedRow]) -> StateResult<()> {
        let path = self.path.clone();
        let sql_err = |source| StateError::Sqlite {
            context: "writing the 1C cache",
            path: path.clone(),
            source,
        };
        let tx = self.conn.transaction().map_err(sql_err)?;
        {
            let mut insert = tx
                .prepare_cached(
                    "INSERT INTO onec_raw_cache (set_name, onec_ref, data_version, object_json, seen_at)
                     VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT (set_name, onec_ref) DO UPDATE SET data_version = excluded.data_version,
                         object_json = excluded.object_json, seen_at = excluded.seen_at",
                )
                .map_err(sql_err)?;
            let now = now_text();
            for (r, version, obj) in rows {
                let json = serde_json::to_string(obj)
                    .expect("a RawObject is plain data and always serializes");
                insert
                    .execute(params![set, r.to_string(), version, json, now])
                    .map_err(sql_err)?;
            }
        }
        tx.commit().map_err(sql_err)
    }

    /// Drops the cached objects of one entity set whose reference is not in `alive`.
    pub fn retain_cached(&mut self, set: &str, alive: &[Ref]) -> StateResult<()> {
        let alive: HashSet<String> = alive.iter().map(Ref::to_string).collect();
        let dead: Vec<String> = self
            .cached_versions(set)?
            .into_keys()
            .filter(|r| !alive.contains(r))
            .collect();
        self.delete_cached(set, &dead)
    }

    fn delete_cached(&mut self, set: &str, refs: &[String]) -> StateResult<()> {
        if refs.is_empty() {
            return Ok(());
        }
        let path = self.path.clone();
        let sql_err = |source| StateError::Sqlite {
            context: "writing the 1C cache",
            path: path.clone(),
            source,
        };
        let tx = self.conn.transaction().map_err(sql_err)?;
        {
            let mut delete = tx
                .prepare_cached("DELETE FROM onec_raw_cache WHERE set_name = ?1 AND onec_ref = ?2")
                .map_err(sql_err)?;
            for r in refs {
                delete.execute(params![set, r]).map_err(sql_err)?;
            }
        }
        tx.commit().map_err(sql_err)
    }
}

/// The state store's raw cache as a port reads and writes it during [`crate::OnecPort::read`].
///
/// A state failure reaches the port as a [`PortError`], which stops the read; [`Self::finish`]
/// turns the read's result back into the state error it was, so that a broken state file is
/// reported as one and not as a 1C failure.
pub struct RawCacheHandle<'a> {
    state: &'a Mutex<StateStore>,
    failure: Mutex<Option<StateError>>,
}

impl<'a> RawCacheHandle<'a> {
    /// The cache of the store behind `state` (locked for each call, never across an `.await`).
    pub fn new(state: &'a Mutex<StateStore>) -> Self {
        RawCacheHandle {
            state,
            failure: Mutex::new(None),
        }
    }

    /// The read's result, with a state failure met on the way taking precedence (also over a
    /// port that carried on after it).
    pub fn finish<T>(self, result: Result<T, PortError>) -> crate::error::Result<T> {
        let failure = self.failure.into_inner().unwrap_or_else(|p| p.into_inner());
        match (result, failure) {
            (_, Some(state)) => Err(Error::State(state)),
            (Err(e), None) => Err(Error::Onec(e)),
            (Ok(v), None) => Ok(v),
        }
    }

    fn locked(&self) -> MutexGuard<'_, StateStore> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Keeps the first state failure and hands the port an error that stops the read.
    fn fail(&self, e: StateError) -> PortError {
        let port = PortError::new(ErrorClass::Config, format!("state store: {e}"));
        let mut slot = self.failure.lock().unwrap_or_else(|p| p.into_inner());
        slot.get_or_insert(e);
        port
    }
}

impl RawCacheStore for RawCacheHandle<'_> {
    fn versions(&self, set: &str) -> Result<HashMap<Ref, String>, PortError> {
        let result = self.locked().cached_versions_by_ref(set);
        result.map_err(|e| self.fail(e))
    }

    fn store(&self, set: &str, rows: &[CachedRow]) -> Result<(), PortError> {
        let result = self.locked().store_cached(set, rows);
        result.map_err(|e| self.fail(e))
    }

    fn retain(&self, set: &str, alive: &[Ref]) -> Result<(), PortError> {
        let result = self.locked().retain_cached(set, alive);
        result.map_err(|e| self.fail(e))
    }

    fn load(&self, set: &str, refs: &[Ref]) -> Result<Vec<RawObject>, PortError> {
        let result = self.locked().load_cached(set, refs);
        result.map_err(|e| self.fail(e))
    }
}

#[cfg(test)]
mod tests {
    use onec_adapter::RawValue;

    use super::*;

    fn obj(n: &str) -> RawObject {
        RawObject::new("Catalog_X").with("Description", RawValue::Text(n.into()))
    }

    fn r(n: u8) -> Ref {
        Ref::parse(&format!("00000000-0000-0000-0000-0000000000{n:02x}"))
            .unwrap()
            .unwrap()
    }

    #[test]
    fn the_handle_writes_loads_in_order_and_drops_the_dead() {
        let state = Mutex::new(StateStore::open_in_memory().unwrap());
        let cache = RawCacheHandle::new(&state);
        cache
            .store(
                "Catalog_X",
                &[
                    (r(1), "v1".into(), obj("A")),
                    (r(2), "v1".into(), obj("B")),
                    (r(3), "v1".into(), obj("C")),
                ],
            )
            .unwrap();
        cache
            .store("Catalog_X", &[(r(1), "v2".into(), obj("A2"))])
            .unwrap();
        let versions = cache.versions("Catalog_X").unwrap();
        assert_eq!(versions.len(), 3);
        assert_eq!(versions[&r(1)], "v2");
        assert!(cache.versions("Catalog_Y").unwrap().is_empty());
        // The order asked for is the order given; a ref not cached is skipped.
        let loaded = cache.load("Catalog_X", &[r(3), r(9), r(1)]).unwrap();
        assert_eq!(loaded, vec![obj("C"), obj("A2")]);
        cache.retain("Catalog_X", &[r(1), r(3)]).unwrap();
        let versions = cache.versions("Catalog_X").unwrap();
        assert_eq!(
            versions.keys().copied().collect::<HashSet<_>>(),
            HashSet::from([r(1), r(3)])
        );
        assert!(cache.finish(Ok(())).is_ok());
    }

    #[test]
    fn a_corrupt_row_is_a_state_error_not_a_1c_error() {
        let state = Mutex::new(StateStore::open_in_memory().unwrap());
        state
            .lock()
            .unwrap()
            .conn
            .execute(
                "INSERT INTO onec_raw_cache (set_name, onec_ref, data_version, object_json, seen_at)
                 VALUES ('Catalog_X', ?1, 'v1', '{not json', 'now')",
                [r(1).to_string()],
            )
            .unwrap();
        let cache = RawCacheHandle::new(&state);
        let port_error = cache.load("Catalog_X", &[r(1)]).unwrap_err();
        assert!(port_error.message.contains("Catalog_X"), "{port_error:?}");
        let err = cache.finish::<()>(Err(port_error)).unwrap_err();
        assert!(
            matches!(err, Error::State(StateError::Corrupt { .. })),
            "{err:?}"
        );
    }
}
