//! The pull job: Okdesk issues changed since the last exchange into 1C documents (ЭСТИ «Задание
//! сотруднику» with subordinate «Лист учета рабочего времени», УНФ «Задание на работу» with
//! weekly «Учет времени»), built purely ([`build`]) and written idempotently ([`job`]).
//!
//! Also home of what pull and bill share: [`JobProgress`] and [`document_hash`].

use sha2::{Digest, Sha256};

pub mod build;
pub mod job;
pub mod policy;
mod write;

pub use build::{build_issue, html_to_text, issue_url, Backrefs, IssueBundle, Note, PulledIssue};
pub use job::PullJob;
pub use policy::PullPolicy;

pub use crate::job::JobProgress;

/// The hash of a document as built: SHA-256 of its JSON (maps are ordered, so it is stable).
pub fn document_hash(write: &onec_adapter::DocumentWrite) -> String {
    let json =
        serde_json::to_vec(&write.object).expect("raw objects are plain data and always serialize");
    hex::encode(Sha256::digest(json))
}
