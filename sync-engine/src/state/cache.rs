//! The 1C raw-object cache: the last full row read for each (entity set, `Ref_Key`) together with
//! its `DataVersion`, so that a later run fetches full rows only for keys whose version changed.

use std::collections::BTreeMap;

use onec_adapter::RawObject;
use rusqlite::params;

use super::{now_text, StateError, StateResult, StateStore};

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
            let obj: RawObject = serde_json::from_str(&json)
                .map_err(|e| self.corrupt("onec_raw_cache", format!("{set} {r}: {e}")))?;
            out.insert(r, obj);
        }
        Ok(out)
    }

    /// Replaces the cache of one entity set: `fresh` rows are written, rows whose ref is not in
    /// `keep` are dropped (deleted in 1C), all in one transaction.
    pub fn update_cache(
        &mut self,
        set: &str,
        fresh: &[(String, String, RawObject)],
        keep: &[String],
    ) -> StateResult<()> {
        let path = self.path.clone();
        let sql_err = |source| StateError::Sqlite {
            context: "writing the 1C cache",
            path: path.clone(),
            source,
        };
        let tx = self.conn.transaction().map_err(sql_err)?;
        {
            let mut insert = tx
                .prepare(
                    "INSERT INTO onec_raw_cache (set_name, onec_ref, data_version, object_json, seen_at)
                     VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT (set_name, onec_ref) DO UPDATE SET data_version = excluded.data_version,
                         object_json = excluded.object_json, seen_at = excluded.seen_at",
                )
                .map_err(sql_err)?;
            let now = now_text();
            for (r, version, obj) in fresh {
                let json = serde_json::to_string(obj)
                    .expect("a RawObject is plain data and always serializes");
                insert
                    .execute(params![set, r, version, json, now])
                    .map_err(sql_err)?;
            }
            tx.execute_batch("CREATE TEMP TABLE IF NOT EXISTS keep_refs (r TEXT PRIMARY KEY); DELETE FROM keep_refs;")
                .map_err(sql_err)?;
            let mut keep_stmt = tx
                .prepare("INSERT OR IGNORE INTO keep_refs (r) VALUES (?1)")
                .map_err(sql_err)?;
            for r in keep {
                keep_stmt.execute([r]).map_err(sql_err)?;
            }
            tx.execute(
                "DELETE FROM onec_raw_cache WHERE set_name = ?1 AND onec_ref NOT IN (SELECT r FROM keep_refs)",
                [set],
            )
            .map_err(sql_err)?;
        }
        tx.commit().map_err(sql_err)
    }
}

impl StateStore {
    /// The whole raw cache: entity set → ref → (version, object).
    pub fn raw_cache(&self) -> StateResult<crate::ports::RawCache> {
        let mut stmt = self
            .conn
            .prepare("SELECT set_name, onec_ref, data_version, object_json FROM onec_raw_cache")
            .map_err(|e| self.err("reading the 1C cache", e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                ))
            })
            .map_err(|e| self.err("reading the 1C cache", e))?;
        let mut out = crate::ports::RawCache::new();
        for row in rows {
            let (set, r, version, json) = row.map_err(|e| self.err("reading the 1C cache", e))?;
            let obj: RawObject = serde_json::from_str(&json)
                .map_err(|e| self.corrupt("onec_raw_cache", format!("{set} {r}: {e}")))?;
            out.entry(set).or_default().insert(r, (version, obj));
        }
        Ok(out)
    }
}
