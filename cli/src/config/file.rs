//! The config file as written: `okdesk-1c.toml` deserialized strictly (`deny_unknown_fields`
//! everywhere), before any value is checked. [`super::Settings`] is the checked form.

use std::path::PathBuf;

use serde::Deserialize;

/// The whole file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileConfig {
    /// The account zone (`Europe/Moscow`, `+03:00`).
    pub(crate) time_zone: Option<String>,
    /// The SQLite state file.
    pub(crate) state: Option<PathBuf>,
    /// Where pull saves downloaded attachments.
    pub(crate) files: Option<PathBuf>,
    pub(crate) okdesk: OkdeskFile,
    pub(crate) onec: OnecFile,
    #[serde(default)]
    pub(crate) push: PushFile,
    #[serde(default)]
    pub(crate) pull: PullFile,
    #[serde(default)]
    pub(crate) bill: BillFile,
    #[serde(default)]
    pub(crate) schedule: ScheduleFile,
    #[serde(default)]
    pub(crate) alert: AlertFile,
}

/// `[okdesk]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct OkdeskFile {
    pub(crate) url: String,
    pub(crate) token_env: Option<String>,
    pub(crate) token_file: Option<PathBuf>,
    /// Present only to give a better message than "unknown field": tokens never live here.
    pub(crate) token: Option<toml::Value>,
    pub(crate) rate_limit: Option<u32>,
    pub(crate) burst: Option<u32>,
    pub(crate) concurrency: Option<usize>,
    pub(crate) timeout_s: Option<u64>,
    pub(crate) retries: Option<u32>,
}

/// `[onec]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct OnecFile {
    pub(crate) configuration: Option<String>,
    pub(crate) layout: Option<PathBuf>,
    pub(crate) source: Option<String>,
    pub(crate) url: Option<String>,
    pub(crate) user: Option<String>,
    pub(crate) password_env: Option<String>,
    pub(crate) password_file: Option<PathBuf>,
    /// Present only to give a better message than "unknown field".
    pub(crate) password: Option<toml::Value>,
    pub(crate) path: Option<PathBuf>,
    pub(crate) format: Option<String>,
    pub(crate) page_size: Option<usize>,
    pub(crate) timeout_s: Option<u64>,
    pub(crate) retries: Option<u32>,
}

/// `[push]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PushFile {
    pub(crate) mode: Option<String>,
    pub(crate) only: Option<Vec<String>>,
    pub(crate) batch_size: Option<usize>,
    pub(crate) max_batches: Option<usize>,
    pub(crate) inn_parameter: Option<String>,
    pub(crate) kpp_parameter: Option<String>,
    pub(crate) write_inn_parameters: Option<bool>,
    pub(crate) inn_in_additional_name: Option<bool>,
    pub(crate) match_inn_in_name: Option<bool>,
    pub(crate) on_deletion: Option<String>,
    pub(crate) concurrency: Option<usize>,
}

/// `[pull]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PullFile {
    pub(crate) since: Option<String>,
    pub(crate) first_max_issues: Option<usize>,
    pub(crate) overlap_days: Option<u32>,
    pub(crate) attachments: Option<bool>,
}

/// `[bill]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct BillFile {
    pub(crate) statuses: Option<Vec<String>>,
    pub(crate) item_match: Option<String>,
    pub(crate) service_item: Option<String>,
    pub(crate) upload: Option<String>,
    pub(crate) organization: Option<String>,
    pub(crate) comment_author: Option<String>,
    pub(crate) default_vat: Option<String>,
    pub(crate) overlap_days: Option<u32>,
}

/// `[schedule]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ScheduleFile {
    pub(crate) push: Option<String>,
    pub(crate) pull: Option<String>,
    pub(crate) bill: Option<String>,
}

/// `[alert]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AlertFile {
    pub(crate) command: Option<Vec<String>>,
    pub(crate) webhook: Option<String>,
    pub(crate) on: Option<String>,
}
