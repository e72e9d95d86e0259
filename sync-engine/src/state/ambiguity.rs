//! Remembered matching ambiguities: a record whose INN or e-mail was found on several Okdesk
//! records is not linked, and the candidates are kept here with the payload hash they were found
//! for. While the 1C record stays the same, the next push re-checks only those candidates (and
//! the record's own `crm_1c_id`) instead of listing every company or contact of the account.

use std::collections::BTreeMap;

use onec_model::Ref;
use rusqlite::params;

use super::{now_text, StateError, StateResult, StateStore};
use crate::kinds::{EntityKind, OkdeskId, SyncKey};

/// One remembered ambiguity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ambiguity {
    /// The record that could not be linked.
    pub key: SyncKey,
    /// The payload hash of the record when the ambiguity was found.
    pub payload_hash: String,
    /// The Okdesk records that matched equally well, sorted.
    pub candidates: Vec<OkdeskId>,
    /// When it was last checked (RFC 3339).
    pub checked_at: String,
}

impl StateStore {
    /// The remembered ambiguities of one kind, by key.
    pub fn ambiguities(&self, kind: EntityKind) -> StateResult<BTreeMap<SyncKey, Ambiguity>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT onec_ref, payload_hash, candidates, checked_at
                 FROM match_ambiguities WHERE entity = ?1",
            )
            .map_err(|e| self.err("reading matching ambiguities", e))?;
        let rows = stmt
            .query_map([kind.as_str()], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                ))
            })
            .map_err(|e| self.err("reading matching ambiguities", e))?;
        let mut out = BTreeMap::new();
        for row in rows {
            let (r, payload_hash, candidates, checked_at) =
                row.map_err(|e| self.err("reading matching ambiguities", e))?;
            let r: Ref = r.parse().map_err(|e: onec_model::RefError| {
                self.corrupt("match_ambiguities", e.to_string())
            })?;
            let ids: Vec<u64> = serde_json::from_str(&candidates).map_err(|e| {
                self.corrupt("match_ambiguities", format!("{kind} {r}: candidates: {e}"))
            })?;
            let key = SyncKey::new(kind, r);
            out.insert(
                key,
                Ambiguity {
                    key,
                    payload_hash,
                    candidates: ids.into_iter().map(OkdeskId).collect(),
                    checked_at,
                },
            );
        }
        Ok(out)
    }

    /// Replaces every remembered ambiguity of one kind with `current` (what the latest matching
    /// of that kind found), in one transaction; `checked_at` is set to now.
    pub fn replace_ambiguities(
        &mut self,
        kind: EntityKind,
        current: &[(SyncKey, String, Vec<OkdeskId>)],
    ) -> StateResult<()> {
        let path = self.path.clone();
        let sql_err = |source| StateError::Sqlite {
            context: "writing matching ambiguities",
            path: path.clone(),
            source,
        };
        let now = now_text();
        let tx = self.conn.transaction().map_err(sql_err)?;
        tx.execute(
            "DELETE FROM match_ambiguities WHERE entity = ?1",
            [kind.as_str()],
        )
        .map_err(sql_err)?;
        {
            let mut insert = tx
                .prepare(
                    "INSERT INTO match_ambiguities
                     (entity, onec_ref, payload_hash, candidates, checked_at)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                )
                .map_err(sql_err)?;
            for (key, hash, candidates) in current {
                let ids: Vec<u64> = candidates.iter().map(|c| c.0).collect();
                let json =
                    serde_json::to_string(&ids).expect("a list of integers always serializes");
                insert
                    .execute(params![
                        kind.as_str(),
                        key.r#ref.to_string(),
                        hash,
                        json,
                        now
                    ])
                    .map_err(sql_err)?;
            }
        }
        tx.commit().map_err(sql_err)
    }
}
