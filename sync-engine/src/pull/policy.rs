//! How pull runs: the Okdesk web address for issue links, the overlap window of the day-granular
//! `updated_since`, and where downloaded attachments are kept.

use std::path::PathBuf;

/// Pull settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PullPolicy {
    /// The Okdesk account's web address (`https://acme.okdesk.ru`), for the links written into
    /// documents.
    pub okdesk_url: String,
    /// Days re-read before the cursor's day: `updated_since` has only day precision, and an
    /// issue changed late on the cursor's day must not be missed.
    pub overlap_days: u32,
    /// Where downloaded attachments are saved (`<dir>/<issue>/<attachment id>-<name>`); `None`
    /// keeps only their digests.
    pub attachments_dir: Option<PathBuf>,
}

impl PullPolicy {
    /// Defaults for an account: one day of overlap, attachments not saved.
    pub fn new(okdesk_url: impl Into<String>) -> Self {
        PullPolicy {
            okdesk_url: okdesk_url.into(),
            overlap_days: 1,
            attachments_dir: None,
        }
    }
}
