//! Idempotent document upserts into 1C, shared by pull's tasks and time sheets: compare the hash
//! of the built document with the one stored, find the document written before (by the state or,
//! after a lost answer or a lost state, by a query), then create or update it and post it.

use std::sync::Mutex;

use onec_adapter::{DocumentWrite, RawObject};
use onec_model::Ref;

use super::document_hash;
use crate::ports::documents::{DocQuery, OnecDocuments};
use crate::ports::PortError;
use crate::state::{StateError, StateStore, WrittenDocument};

/// Why a step failed: a port call (a record-level failure unless it aborts) or the state store
/// (always aborts).
#[derive(Debug)]
pub(crate) enum StepError {
    /// A port call failed.
    Port(PortError),
    /// The state store failed.
    State(StateError),
}

impl From<PortError> for StepError {
    fn from(e: PortError) -> Self {
        StepError::Port(e)
    }
}

impl From<StateError> for StepError {
    fn from(e: StateError) -> Self {
        StepError::State(e)
    }
}

/// What an upsert did (or, in a dry run, would do).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Upserted {
    /// A new document; `None` in a dry run.
    Created(Option<Ref>),
    /// An existing document rewritten.
    Updated(Ref),
    /// Nothing changed since the last write.
    Unchanged(Ref),
}

impl Upserted {
    pub(crate) fn r#ref(self) -> Option<Ref> {
        match self {
            Upserted::Created(r) => r,
            Upserted::Updated(r) | Upserted::Unchanged(r) => Some(r),
        }
    }
}

/// How to find a document written before when the state does not know it.
pub(crate) struct Finder<'a> {
    /// The query.
    pub(crate) query: DocQuery,
    /// Confirms a candidate (a substring search also finds `#12` inside `#123`).
    pub(crate) confirm: &'a (dyn Fn(&RawObject) -> bool + Send + Sync),
}

fn store(state: &Mutex<StateStore>) -> std::sync::MutexGuard<'_, StateStore> {
    state.lock().unwrap_or_else(|p| p.into_inner())
}

/// Writes `write` as the document `kind`/`key` of an issue unless the same document was written
/// last time.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn upsert(
    onec: &dyn OnecDocuments,
    state: &Mutex<StateStore>,
    kind: &str,
    key: &str,
    issue_id: u64,
    mut write: DocumentWrite,
    finder: Option<Finder<'_>>,
    dry_run: bool,
) -> Result<Upserted, StepError> {
    let hash = document_hash(&write);
    let known = store(state).written(kind, key)?;
    let mut existing: Option<Ref> = match &known {
        Some(doc) => {
            let r: Option<Ref> = doc.onec_ref.parse().ok();
            if let (Some(r), true) = (r, doc.hash == hash) {
                return Ok(Upserted::Unchanged(r));
            }
            r
        }
        None => None,
    };
    if existing.is_none() {
        if let Some(f) = finder {
            let found = onec.find(&f.query).await?;
            existing = found
                .iter()
                .filter(|o| (f.confirm)(o))
                .filter(|o| o.boolean("DeletionMark").ok().flatten() != Some(true))
                .find_map(|o| o.ref_key().ok().flatten());
        }
    }
    if dry_run {
        return Ok(match existing {
            Some(r) => Upserted::Updated(r),
            None => Upserted::Created(None),
        });
    }
    write.r#ref = existing;
    let post = write.post;
    let set = write.object.set.clone();
    let stored = onec.write(&write).await?;
    let r = match existing {
        Some(r) => r,
        None => stored.ref_key().ok().flatten().ok_or_else(|| {
            PortError::new(
                crate::ports::ErrorClass::Decode,
                format!("1C created a {set} document but did not return its Ref_Key"),
            )
        })?,
    };
    // The ref is recorded before posting: a failed post must not lead to a second document.
    let record = |hash: String| WrittenDocument {
        kind: kind.to_owned(),
        key: key.to_owned(),
        issue_id,
        onec_ref: r.to_string(),
        hash,
    };
    if post {
        store(state).put_written(&record(String::new()))?;
        onec.post(&set, r).await?;
    }
    store(state).put_written(&record(hash))?;
    Ok(match existing {
        Some(r) => Upserted::Updated(r),
        None => Upserted::Created(Some(r)),
    })
}
