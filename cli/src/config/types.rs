//! The checked settings every command works from, and the defaults they start from.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use chrono::FixedOffset;
use onec_model::{Ref, VatRate};
use sync_engine::bill::ItemKey;
use sync_engine::Policy;

/// The default config file name, looked up in the working directory.
pub const DEFAULT_FILE: &str = "okdesk-1c.toml";

/// The environment variable the Okdesk token is read from when the config names none.
pub const DEFAULT_TOKEN_ENV: &str = "OKDESK_API_TOKEN";

/// Where a secret comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SecretSource {
    /// An environment variable.
    Env(String),
    /// A file (its content, surrounding whitespace dropped).
    File(PathBuf),
    /// No secret (a 1C service user with an empty password).
    Empty,
}

impl fmt::Display for SecretSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SecretSource::Env(name) => write!(f, "environment variable {name}"),
            SecretSource::File(path) => write!(f, "file {}", path.display()),
            SecretSource::Empty => f.write_str("nothing (empty)"),
        }
    }
}

/// The Okdesk side.
#[derive(Clone, Debug)]
pub struct OkdeskSettings {
    /// The account URL (`https://acme.okdesk.ru`).
    pub url: String,
    /// Where the API token is.
    pub token: SecretSource,
    /// Requests per second.
    pub rate_limit: u32,
    /// Burst above the rate.
    pub burst: u32,
    /// Requests in flight at once.
    pub concurrency: usize,
    /// The timeout of one request.
    pub timeout: Duration,
    /// Extra attempts of a failed idempotent request.
    pub retries: u32,
}

/// Which adapter maps the 1C base.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Configuration {
    /// One of the built-in adapters by id (`ut11`, …).
    Known(String),
    /// A custom layout file over a base adapter.
    Layout(PathBuf),
    /// Detected from `$metadata` when connecting (OData only).
    Auto,
}

/// Where the 1C data comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OnecSource {
    /// The standard OData interface.
    OData {
        /// The service root (`…/odata/standard.odata`).
        url: String,
        /// The 1C user.
        user: String,
        /// Where the password is.
        password: SecretSource,
    },
    /// A universal XML exchange file.
    Xml {
        /// The file.
        path: PathBuf,
    },
    /// Lists saved as a spreadsheet.
    Xlsx {
        /// The workbook.
        path: PathBuf,
    },
}

impl OnecSource {
    /// `odata`, `xml` or `xlsx`.
    pub fn kind(&self) -> &'static str {
        match self {
            OnecSource::OData { .. } => "odata",
            OnecSource::Xml { .. } => "xml",
            OnecSource::Xlsx { .. } => "xlsx",
        }
    }
}

/// The 1C side.
#[derive(Clone, Debug)]
pub struct OnecSettings {
    /// The adapter.
    pub configuration: Configuration,
    /// The source.
    pub source: OnecSource,
    /// Atom instead of JSON (old platforms).
    pub atom: bool,
    /// Rows per OData page.
    pub page_size: Option<usize>,
    /// The timeout of one request.
    pub timeout: Option<Duration>,
    /// Extra attempts of a failed GET.
    pub retries: Option<u32>,
}

/// `[pull]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PullSettings {
    /// Where the first exchange starts when there is no cursor yet (`None`: 30 days back).
    pub since: Option<chrono::NaiveDate>,
    /// The most issues a first pull reads without `--since` or `--all`: more is refused instead of
    /// silently importing years of history.
    pub first_max_issues: usize,
    /// Days re-read before the cursor (Okdesk's `updated_since` is day-granular).
    pub overlap_days: u32,
    /// Whether attachments are downloaded (into `files/attachments`); otherwise only their digests
    /// are kept.
    pub attachments: bool,
}

/// `[bill]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BillSettings {
    /// Issue status codes whose specifications are billed.
    pub statuses: Vec<String>,
    /// How lines find items.
    pub item_key: ItemKey,
    /// The 1C item used for services that match none (a price-list code or a `Ref_Key`).
    pub service_item: Option<String>,
    /// Whether the PDF comment is public (visible to the client).
    pub public_upload: bool,
    /// The organization invoices are issued from, when the base has several.
    pub organization: Option<Ref>,
    /// The Okdesk employee the PDF comment is written as: an id or an e-mail.
    pub comment_author: Option<String>,
    /// The VAT rate of a line when nothing else names one.
    pub default_vat: VatRate,
    /// Days re-read before the cursor.
    pub overlap_days: u32,
}

/// A checked cron schedule with its text.
#[derive(Clone, Debug)]
pub struct Cron {
    /// As written in the config.
    pub text: String,
    /// Parsed.
    pub schedule: cron::Schedule,
}

/// `[schedule]`.
#[derive(Clone, Debug, Default)]
pub struct Schedules {
    /// When push runs.
    pub push: Option<Cron>,
    /// When pull runs.
    pub pull: Option<Cron>,
    /// When bill runs.
    pub bill: Option<Cron>,
}

/// `[alert]`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AlertSettings {
    /// A command run with the run summary JSON on stdin (and in `OKDESK_1C_RUN_JSON`).
    pub command: Option<Vec<String>>,
    /// A URL the run summary JSON is POSTed to.
    pub webhook: Option<String>,
    /// Also call on successful runs.
    pub always: bool,
}

/// The checked config.
#[derive(Clone, Debug)]
pub struct Settings {
    /// The file it came from.
    pub path: PathBuf,
    /// The account time zone as written.
    pub time_zone_name: String,
    /// The account time zone.
    pub time_zone: FixedOffset,
    /// The state file.
    pub state: PathBuf,
    /// Where pull saves downloaded attachments.
    pub files: PathBuf,
    /// Okdesk.
    pub okdesk: OkdeskSettings,
    /// 1C.
    pub onec: OnecSettings,
    /// The push policy.
    pub push: Policy,
    /// Pull options.
    pub pull: PullSettings,
    /// Bill options.
    pub bill: BillSettings,
    /// Schedules for `run`.
    pub schedule: Schedules,
    /// The failure hook.
    pub alert: AlertSettings,
}
