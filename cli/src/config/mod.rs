//! `okdesk-1c.toml`: loading, checking and the checked [`Settings`] every command works from.
//!
//! Every problem is reported with the file, the key, what is wrong with the value and how to fix
//! it; unknown keys are errors (a misspelt key silently ignored is a sync that does the wrong thing).
//! Secrets are never read here: [`SecretSource`] says where they live, and [`crate::env::Env`]
//! reads them only when a command needs them, so `status` works without the token.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};

mod file;
mod locate;
pub mod starter;
mod types;
mod tz;
mod validate;

pub use locate::key_error;
use locate::toml_error;
pub use types::*;
use validate::{
    alert_settings, bill_settings, cron_of, okdesk_settings, onec_settings, pull_settings,
    push_policy,
};
pub use validate::{
    parse_cron, parse_mode, parse_only, CONFIGURATIONS, DEFAULT_FIRST_MAX_ISSUES, FIRST_PULL_DAYS,
};

use file::FileConfig;

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

#[cfg(test)]
mod tests;
