//! `okdesk-1c.toml`: loading, checking and the checked [`Settings`] every command works from.
//!
//! Every problem is reported with the file, the key, what is wrong with the value and how to fix
//! it; unknown keys are errors (a misspelt key silently ignored is a sync that does the wrong thing).
//! Secrets are never read here: [`SecretSource`] says where they live, and [`crate::env::Env`]
//! reads them only when a command needs them, so `status` works without the token.

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use anyhow::{anyhow, Context as _, Result};
use chrono::FixedOffset;
use onec_model::{Ref, VatRate};
use sync_engine::bill::ItemKey;
use sync_engine::push::{DeletionPolicy, Portions};
use sync_engine::{EntityKind, Mode, Policy};

mod file;
pub mod starter;
mod tz;

use file::FileConfig;

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

/// An error naming the file, the key, the problem and the fix.
pub fn key_error(
    path: &Path,
    key: &str,
    problem: impl fmt::Display,
    fix: impl fmt::Display,
) -> anyhow::Error {
    anyhow!(
        "config file {}: key `{key}`: {problem}\n  fix: {fix}",
        path.display()
    )
}

/// Where the config is: `--config`/`OKDESK_1C_CONFIG`, else `./okdesk-1c.toml`.
pub fn resolve_path(flag: Option<&Path>) -> PathBuf {
    flag.map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from(DEFAULT_FILE))
}

/// Reads and checks a config file.
pub fn load(path: &Path) -> Result<Settings> {
    let text = std::fs::read_to_string(path).with_context(|| {
        format!(
            "cannot read the config file {}\n  fix: create one with `okdesk-1c init`, or point \
             --config (or OKDESK_1C_CONFIG) at yours",
            path.display()
        )
    })?;
    parse(&text, path)
}

/// Checks config text; `path` is used for messages and to resolve relative paths.
pub fn parse(text: &str, path: &Path) -> Result<Settings> {
    let raw: FileConfig = toml::from_str(text).map_err(|e| toml_error(text, path, &e))?;
    let dir = path
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    let rel = |p: &Path| -> PathBuf {
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            dir.join(p)
        }
    };

    let (time_zone_name, time_zone) = match raw.time_zone.as_deref() {
        None => ("Europe/Moscow".to_owned(), tz::moscow()),
        Some(name) => (
            name.to_owned(),
            tz::parse(name).ok_or_else(|| {
                key_error(
                    path,
                    "time_zone",
                    format!("`{name}` is not a time zone this program knows"),
                    "write the account's zone as an offset such as \"+03:00\" or a Russian zone \
                     name such as \"Europe/Moscow\" or \"Asia/Yekaterinburg\"",
                )
            })?,
        ),
    };

    let okdesk = okdesk_settings(&raw, path, &rel)?;
    let onec = onec_settings(&raw, path, &rel)?;
    let push = push_policy(&raw, path)?;
    let pull = pull_settings(&raw, path)?;
    let bill = bill_settings(&raw, path)?;
    let schedule = Schedules {
        push: cron_of(raw.schedule.push.as_deref(), "schedule.push", path)?,
        pull: cron_of(raw.schedule.pull.as_deref(), "schedule.pull", path)?,
        bill: cron_of(raw.schedule.bill.as_deref(), "schedule.bill", path)?,
    };
    let alert = alert_settings(&raw, path)?;
    Ok(Settings {
        path: path.to_path_buf(),
        time_zone_name,
        time_zone,
        state: rel(raw
            .state
            .as_deref()
            .unwrap_or_else(|| Path::new("okdesk-1c.db"))),
        files: rel(raw
            .files
            .as_deref()
            .unwrap_or_else(|| Path::new("okdesk-1c-files"))),
        okdesk,
        onec,
        push,
        pull,
        bill,
        schedule,
        alert,
    })
}

/// Turns a TOML or shape error into a message naming the file, the key and a fix.
fn toml_error(text: &str, path: &Path, e: &toml::de::Error) -> anyhow::Error {
    let key = e.span().map(|span| key_at(text, span.start));
    let message = e.message().trim().to_owned();
    let fix = if message.contains("unknown field") {
        "remove the key or correct its spelling; `okdesk-1c init --print` shows every key with a \
         comment"
    } else if message.contains("unknown variant") {
        "use one of the values listed above"
    } else if message.contains("missing field") {
        "add the key; `okdesk-1c init --print` shows a complete starter config"
    } else {
        "correct the value; `okdesk-1c init --print` shows every key with its type and an example"
    };
    let (line, col) = e.span().map(|s| line_col(text, s.start)).unwrap_or((1, 1));
    match key {
        Some(key) if !key.is_empty() => anyhow!(
            "config file {}, line {line}, column {col}: key `{key}`: {message}\n  fix: {fix}",
            path.display()
        ),
        _ => anyhow!(
            "config file {}, line {line}, column {col}: {message}\n  fix: {fix}",
            path.display()
        ),
    }
}

/// The 1-based line and column of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// The dotted key at a byte offset: the nearest `[table]` header above it plus the key on that line.
fn key_at(text: &str, offset: usize) -> String {
    let offset = offset.min(text.len());
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line = text[line_start..].lines().next().unwrap_or("").trim();
    if line.starts_with('[') {
        return line
            .trim_matches(|c| c == '[' || c == ']')
            .trim()
            .to_owned();
    }
    let key = line
        .split('=')
        .next()
        .unwrap_or("")
        .trim()
        .trim_matches('"')
        .to_owned();
    let table = text[..line_start]
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| l.starts_with('[') && !l.starts_with("[["))
        .map(|l| l.trim_matches(|c| c == '[' || c == ']').trim().to_owned());
    match table {
        Some(t) if !key.is_empty() => format!("{t}.{key}"),
        Some(t) => t,
        None => key,
    }
}

fn secret(
    env: Option<&String>,
    file: Option<&PathBuf>,
    keys: (&str, &str),
    path: &Path,
    rel: &dyn Fn(&Path) -> PathBuf,
) -> Result<Option<SecretSource>> {
    match (env, file) {
        (Some(_), Some(_)) => Err(key_error(
            path,
            keys.1,
            format!("both `{}` and `{}` are set", keys.0, keys.1),
            format!("keep one of `{}` and `{}`", keys.0, keys.1),
        )),
        (Some(name), None) if name.trim().is_empty() => Err(key_error(
            path,
            keys.0,
            "the variable name is empty",
            format!("write the name of an environment variable, e.g. {DEFAULT_TOKEN_ENV}"),
        )),
        (Some(name), None) => Ok(Some(SecretSource::Env(name.trim().to_owned()))),
        (None, Some(p)) => Ok(Some(SecretSource::File(rel(p)))),
        (None, None) => Ok(None),
    }
}

fn okdesk_settings(
    raw: &FileConfig,
    path: &Path,
    rel: &dyn Fn(&Path) -> PathBuf,
) -> Result<OkdeskSettings> {
    let o = &raw.okdesk;
    if o.token.is_some() {
        return Err(key_error(
            path,
            "okdesk.token",
            "the API token must not be written in the config file",
            format!(
                "remove it, and set `token_env = \"{DEFAULT_TOKEN_ENV}\"` (then export \
                 {DEFAULT_TOKEN_ENV}) or `token_file = \"/etc/okdesk-1c/token\"`"
            ),
        ));
    }
    let url = o.url.trim().trim_end_matches('/').to_owned();
    check_url(&url, "okdesk.url", path, "https://acme.okdesk.ru")?;
    let token = secret(
        o.token_env.as_ref(),
        o.token_file.as_ref(),
        ("okdesk.token_env", "okdesk.token_file"),
        path,
        rel,
    )?
    .unwrap_or_else(|| SecretSource::Env(DEFAULT_TOKEN_ENV.to_owned()));
    let positive = |v: Option<u64>, key: &str, default: u64| -> Result<u64> {
        match v {
            Some(0) => Err(key_error(
                path,
                key,
                "must be at least 1",
                format!("remove it for the default ({default}) or write a positive number"),
            )),
            Some(n) => Ok(n),
            None => Ok(default),
        }
    };
    Ok(OkdeskSettings {
        url,
        token,
        rate_limit: positive(o.rate_limit.map(u64::from), "okdesk.rate_limit", 10)? as u32,
        burst: positive(o.burst.map(u64::from), "okdesk.burst", 20)? as u32,
        concurrency: positive(o.concurrency.map(|n| n as u64), "okdesk.concurrency", 8)? as usize,
        timeout: Duration::from_secs(positive(o.timeout_s, "okdesk.timeout_s", 30)?),
        retries: o.retries.unwrap_or(4),
    })
}

fn check_url(url: &str, key: &str, path: &Path, example: &str) -> Result<()> {
    let ok = (url.starts_with("https://") || url.starts_with("http://"))
        && url.len() > "https://".len()
        && !url.contains(char::is_whitespace);
    if ok {
        Ok(())
    } else {
        Err(key_error(
            path,
            key,
            format!("`{url}` is not an http(s) address"),
            format!("write the full address, e.g. \"{example}\""),
        ))
    }
}

/// The adapter ids the CLI knows.
pub const CONFIGURATIONS: [&str; 5] = ["unf", "ka", "ut11", "ut103", "esti"];

fn onec_settings(
    raw: &FileConfig,
    path: &Path,
    rel: &dyn Fn(&Path) -> PathBuf,
) -> Result<OnecSettings> {
    let o = &raw.onec;
    if o.password.is_some() {
        return Err(key_error(
            path,
            "onec.password",
            "the 1C password must not be written in the config file",
            "remove it, and set `password_env = \"ONEC_PASSWORD\"` (then export ONEC_PASSWORD) or \
             `password_file = \"/etc/okdesk-1c/1c-password\"`",
        ));
    }
    let configuration =
        match (&o.configuration, &o.layout) {
            (Some(_), Some(_)) => return Err(key_error(
                path,
                "onec.layout",
                "both `configuration` and `layout` are set",
                "a layout file names its base configuration itself (`base = \"ut11\"`); keep one \
                 of the two keys",
            )),
            (Some(c), None) if c == "auto" => Configuration::Auto,
            (Some(c), None) => {
                let c = c.trim().to_lowercase();
                if !CONFIGURATIONS.contains(&c.as_str()) {
                    return Err(key_error(
                    path,
                    "onec.configuration",
                    format!("unknown configuration `{c}`"),
                    "use one of unf, ka, ut11, ut103, esti or auto; for a configuration close to \
                     one of them write a layout file and set `layout = \"my-layout.toml\"`",
                ));
                }
                Configuration::Known(c)
            }
            (None, Some(l)) => Configuration::Layout(rel(l)),
            (None, None) => Configuration::Auto,
        };
    let kind = o.source.as_deref().unwrap_or("odata");
    let source =
        match kind {
            "odata" => {
                let url = o.url.as_deref().map(|u| u.trim().trim_end_matches('/'));
                let url = url.ok_or_else(|| {
                    key_error(
                        path,
                        "onec.url",
                        "missing for source = \"odata\"",
                        "add the published base's OData address, e.g. \
                     url = \"http://1c-server/trade/odata/standard.odata\"",
                    )
                })?;
                check_url(
                    url,
                    "onec.url",
                    path,
                    "http://1c-server/trade/odata/standard.odata",
                )?;
                let user = o.user.clone().ok_or_else(|| {
                    key_error(
                        path,
                        "onec.user",
                        "missing for source = \"odata\"",
                        "add the 1C user the exchange logs in as, e.g. user = \"okdesk\"",
                    )
                })?;
                let password = secret(
                    o.password_env.as_ref(),
                    o.password_file.as_ref(),
                    ("onec.password_env", "onec.password_file"),
                    path,
                    rel,
                )?
                .unwrap_or(SecretSource::Empty);
                OnecSource::OData {
                    url: url.to_owned(),
                    user,
                    password,
                }
            }
            "xml" | "xlsx" => {
                let p = o.path.as_ref().ok_or_else(|| {
                    key_error(
                        path,
                        "onec.path",
                        format!("missing for source = \"{kind}\""),
                        format!("add the exported file, e.g. path = \"export.{kind}\""),
                    )
                })?;
                if configuration == Configuration::Auto {
                    return Err(key_error(
                        path,
                        "onec.configuration",
                        format!("a {kind} file cannot be detected like a live base"),
                        "set configuration = \"ut11\" (or unf, ka, ut103, esti) or layout = \"…\"",
                    ));
                }
                if kind == "xml" {
                    OnecSource::Xml { path: rel(p) }
                } else {
                    OnecSource::Xlsx { path: rel(p) }
                }
            }
            other => return Err(key_error(
                path,
                "onec.source",
                format!("unknown source `{other}`"),
                "use \"odata\" (a published base), \"xml\" (an exchange file) or \"xlsx\" (lists \
                 saved as a spreadsheet)",
            )),
        };
    let atom = match o.format.as_deref() {
        None | Some("json") => false,
        Some("atom") => true,
        Some(other) => {
            return Err(key_error(
                path,
                "onec.format",
                format!("unknown format `{other}`"),
                "use \"json\" (every current platform) or \"atom\" (old platforms)",
            ))
        }
    };
    if o.page_size == Some(0) {
        return Err(key_error(
            path,
            "onec.page_size",
            "must be at least 1",
            "remove it for the default (1000) or write a positive number",
        ));
    }
    Ok(OnecSettings {
        configuration,
        source,
        atom,
        page_size: o.page_size,
        timeout: o.timeout_s.map(Duration::from_secs),
        retries: o.retries,
    })
}

/// Parses `--only` / `only = […]` names; `equipment` brings its directories along.
pub fn parse_only(names: &[String]) -> Result<BTreeSet<EntityKind>, String> {
    let mut set = BTreeSet::new();
    for name in names {
        let name = name.trim();
        if name.is_empty() {
            continue;
        }
        let kind = EntityKind::from_str(name).map_err(|_| {
            format!(
                "unknown entity `{name}` (expected companies, contacts, agreements, objects, \
                 equipment, equipment_kinds, manufacturers or models)"
            )
        })?;
        set.insert(kind);
        if kind == EntityKind::Equipment {
            set.extend([
                EntityKind::EquipmentKinds,
                EntityKind::Manufacturers,
                EntityKind::Models,
            ]);
        }
    }
    Ok(set)
}

/// Parses a push mode (`add-only`, `full`).
pub fn parse_mode(s: &str) -> Option<Mode> {
    match s {
        "add-only" | "add_only" => Some(Mode::AddOnly),
        "full" => Some(Mode::Full),
        _ => None,
    }
}

fn push_policy(raw: &FileConfig, path: &Path) -> Result<Policy> {
    let p = &raw.push;
    let mut policy = Policy::default();
    if let Some(m) = &p.mode {
        policy.mode = parse_mode(m).ok_or_else(|| {
            key_error(
                path,
                "push.mode",
                format!("unknown mode `{m}`"),
                "use \"add-only\" (create what is new) or \"full\" (also update what changed)",
            )
        })?;
    }
    if let Some(only) = &p.only {
        let set = parse_only(only).map_err(|e| {
            key_error(
                path,
                "push.only",
                e,
                "list entity names, e.g. only = [\"companies\", \"contacts\"]",
            )
        })?;
        policy.only = if set.is_empty() { None } else { Some(set) };
    }
    match (p.batch_size, p.max_batches) {
        (Some(0), _) => {
            return Err(key_error(
                path,
                "push.batch_size",
                "must be at least 1",
                "write the number of writes per portion, e.g. batch_size = 50",
            ))
        }
        (_, Some(0)) => {
            return Err(key_error(
                path,
                "push.max_batches",
                "must be at least 1",
                "remove it for no limit, or write how many portions one run may send",
            ))
        }
        (None, None) => {}
        (b, m) => {
            policy.portions = Some(Portions {
                batch_size: b.unwrap_or(50),
                max_batches: m,
            })
        }
    }
    if let Some(code) = &p.inn_parameter {
        policy.inn_parameter = (!code.trim().is_empty()).then(|| code.trim().to_owned());
    }
    if let Some(code) = &p.kpp_parameter {
        policy.kpp_parameter = (!code.trim().is_empty()).then(|| code.trim().to_owned());
    }
    if let Some(v) = p.write_inn_parameters {
        policy.write_inn_parameters = v;
    }
    if let Some(v) = p.inn_in_additional_name {
        policy.inn_in_additional_name = v;
    }
    if let Some(v) = p.match_inn_in_name {
        policy.match_inn_in_name = v;
    }
    if let Some(d) = &p.on_deletion {
        policy.on_deletion = match d.as_str() {
            "archive" => DeletionPolicy::Archive,
            "ignore" => DeletionPolicy::Ignore,
            other => {
                return Err(key_error(
                    path,
                    "push.on_deletion",
                    format!("unknown deletion policy `{other}`"),
                    "use \"archive\" (archive companies, deactivate contacts) or \"ignore\"",
                ))
            }
        };
    }
    if let Some(c) = p.concurrency {
        if c == 0 {
            return Err(key_error(
                path,
                "push.concurrency",
                "must be at least 1",
                "remove it for the default (4) or write a positive number",
            ));
        }
        policy.concurrency = c;
    }
    Ok(policy)
}

/// How many issues a first pull reads without being told to read more.
pub const DEFAULT_FIRST_MAX_ISSUES: usize = 1000;

/// How far back the first pull reads when `[pull] since` is not set.
pub const FIRST_PULL_DAYS: i64 = 30;

fn pull_settings(raw: &FileConfig, path: &Path) -> Result<PullSettings> {
    let p = &raw.pull;
    let since = match &p.since {
        None => None,
        Some(s) => Some(
            chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|e| {
                key_error(
                    path,
                    "pull.since",
                    format!("`{s}` is not a date: {e}"),
                    "write the date as \"YYYY-MM-DD\", e.g. since = \"2024-01-01\"",
                )
            })?,
        ),
    };
    if let Some(d) = p.overlap_days {
        if d > 31 {
            return Err(key_error(
                path,
                "pull.overlap_days",
                format!("{d} days re-reads too much on every run"),
                "use 0 to 31 (1 is enough: Okdesk's filter is by day)",
            ));
        }
    }
    Ok(PullSettings {
        since,
        first_max_issues: p.first_max_issues.unwrap_or(DEFAULT_FIRST_MAX_ISSUES),
        overlap_days: p.overlap_days.unwrap_or(1),
        attachments: p.attachments.unwrap_or(true),
    })
}

fn bill_settings(raw: &FileConfig, path: &Path) -> Result<BillSettings> {
    let b = &raw.bill;
    let statuses = b
        .statuses
        .clone()
        .unwrap_or_else(|| vec!["completed".to_owned(), "closed".to_owned()]);
    if statuses.is_empty() || statuses.iter().any(|s| s.trim().is_empty()) {
        return Err(key_error(
            path,
            "bill.statuses",
            "the list is empty or has an empty status code",
            "list the status codes whose issues are billed, e.g. statuses = [\"completed\", \"closed\"]",
        ));
    }
    let item_key = match b.item_match.as_deref() {
        None | Some("article") => ItemKey::Article,
        Some("code") => ItemKey::Code,
        Some(other) => {
            return Err(key_error(
                path,
                "bill.item_match",
                format!("unknown match field `{other}`"),
                "use \"article\" (Okdesk price-list code = 1C «Артикул») or \"code\" (= the item's code)",
            ))
        }
    };
    let public_upload = match b.upload.as_deref() {
        None | Some("public") => true,
        Some("private") => false,
        Some(other) => {
            return Err(key_error(
                path,
                "bill.upload",
                format!("unknown upload visibility `{other}`"),
                "use \"public\" (the client sees the invoice) or \"private\" (staff only)",
            ))
        }
    };
    let organization = match b.organization.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) => Some(text.parse::<Ref>().map_err(|e| {
            key_error(
                path,
                "bill.organization",
                format!("`{text}` is not a 1C reference: {e}"),
                "write the organization's Ref_Key (a GUID, as in Catalog_Организации), or remove \
                 the key to use the base's first organization",
            )
        })?),
    };
    let default_vat = match b.default_vat.as_deref() {
        None => VatRate::Without,
        Some(text) => text.parse::<VatRate>().map_err(|e| {
            key_error(
                path,
                "bill.default_vat",
                format!("`{text}` is not a VAT rate: {e}"),
                "write \"без НДС\", \"0%\", \"5%\", \"7%\", \"10%\" or \"20%\"",
            )
        })?,
    };
    if let Some(d) = b.overlap_days {
        if d > 31 {
            return Err(key_error(
                path,
                "bill.overlap_days",
                format!("{d} days re-reads too much on every run"),
                "use 0 to 31",
            ));
        }
    }
    Ok(BillSettings {
        statuses,
        item_key,
        service_item: b.service_item.clone().filter(|s| !s.trim().is_empty()),
        public_upload,
        organization,
        comment_author: b.comment_author.clone().filter(|s| !s.trim().is_empty()),
        default_vat,
        overlap_days: b.overlap_days.unwrap_or(1),
    })
}

/// Parses a cron expression: 5 fields (crontab, minutes first) or 6–7 (seconds first).
pub fn parse_cron(text: &str) -> Result<cron::Schedule, String> {
    let fields = text.split_whitespace().count();
    let full = match fields {
        5 => format!("0 {text}"),
        6 | 7 => text.to_owned(),
        n => return Err(format!("has {n} fields")),
    };
    cron::Schedule::from_str(&full).map_err(|e| e.to_string())
}

fn cron_of(text: Option<&str>, key: &str, path: &Path) -> Result<Option<Cron>> {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    let schedule = parse_cron(text).map_err(|e| {
        key_error(
            path,
            key,
            format!("`{text}` is not a cron schedule ({e})"),
            "write 5 fields (minute hour day month weekday), e.g. \"*/15 * * * *\" for every 15 \
             minutes, or 6 with seconds first",
        )
    })?;
    Ok(Some(Cron {
        text: text.to_owned(),
        schedule,
    }))
}

fn alert_settings(raw: &FileConfig, path: &Path) -> Result<AlertSettings> {
    let a = &raw.alert;
    if let Some(cmd) = &a.command {
        if cmd.is_empty() || cmd[0].trim().is_empty() {
            return Err(key_error(
                path,
                "alert.command",
                "the command is empty",
                "write the program and its arguments as a list, e.g. command = \
                 [\"/usr/local/bin/notify\", \"okdesk-1c\"]",
            ));
        }
    }
    if let Some(url) = &a.webhook {
        check_url(
            url,
            "alert.webhook",
            path,
            "https://hooks.example.com/okdesk-1c",
        )?;
    }
    let always = match a.on.as_deref() {
        None | Some("failure") => false,
        Some("always") => true,
        Some(other) => {
            return Err(key_error(
                path,
                "alert.on",
                format!("unknown value `{other}`"),
                "use \"failure\" (default) or \"always\"",
            ))
        }
    };
    Ok(AlertSettings {
        command: a.command.clone(),
        webhook: a.webhook.clone(),
        always,
    })
}

#[cfg(test)]
mod tests;
