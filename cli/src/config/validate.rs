//! The checks from the file's raw values to [`Settings`](super::Settings): one function per
//! table, each naming the key and the fix of whatever it refuses.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use anyhow::Result;
use onec_model::{Ref, VatRate};
use sync_engine::bill::ItemKey;
use sync_engine::push::{DeletionPolicy, Portions};
use sync_engine::{EntityKind, Mode, Policy};

use super::file::FileConfig;
use super::locate::key_error;
use super::types::*;

pub(super) fn secret(
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

pub(super) fn okdesk_settings(
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

pub(super) fn check_url(url: &str, key: &str, path: &Path, example: &str) -> Result<()> {
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

pub(super) fn onec_settings(
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

pub(super) fn push_policy(raw: &FileConfig, path: &Path) -> Result<Policy> {
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

pub(super) fn pull_settings(raw: &FileConfig, path: &Path) -> Result<PullSettings> {
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

pub(super) fn bill_settings(raw: &FileConfig, path: &Path) -> Result<BillSettings> {
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

pub(super) fn cron_of(text: Option<&str>, key: &str, path: &Path) -> Result<Option<Cron>> {
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

pub(super) fn alert_settings(raw: &FileConfig, path: &Path) -> Result<AlertSettings> {
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
