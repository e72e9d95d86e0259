//! The process environment as commands see it: variables (with overrides, so that in-process
//! tests never touch the real environment) and the reading of secrets named by the config.

use std::collections::BTreeMap;

use anyhow::{anyhow, Result};

use crate::config::SecretSource;

/// Environment variables: the process's, overlaid by explicit values.
#[derive(Clone, Debug)]
pub struct Env {
    overrides: BTreeMap<String, String>,
    inherit: bool,
}

impl Default for Env {
    fn default() -> Self {
        Env::process()
    }
}

impl Env {
    /// The process environment.
    pub fn process() -> Self {
        Env {
            overrides: BTreeMap::new(),
            inherit: true,
        }
    }

    /// Only the given variables (tests).
    pub fn isolated() -> Self {
        Env {
            overrides: BTreeMap::new(),
            inherit: false,
        }
    }

    /// Sets a variable.
    pub fn set(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.overrides.insert(name.into(), value.into());
        self
    }

    /// Reads a variable.
    pub fn var(&self, name: &str) -> Option<String> {
        if let Some(v) = self.overrides.get(name) {
            return Some(v.clone());
        }
        if self.inherit {
            std::env::var(name).ok()
        } else {
            None
        }
    }

    /// Reads a secret; `what` names it in messages (`the Okdesk API token`). The value itself never
    /// appears in an error.
    pub fn secret(&self, source: &SecretSource, what: &str, config_key: &str) -> Result<String> {
        match source {
            SecretSource::Empty => Ok(String::new()),
            SecretSource::Env(name) => match self.var(name) {
                Some(v) if !v.trim().is_empty() => Ok(v.trim().to_owned()),
                _ => Err(anyhow!(
                    "{what} is read from the environment variable {name}, which is not set\n  \
                     fix: export {name}=… before running, or set `{config_key}_file` in the config \
                     to read it from a file"
                )),
            },
            SecretSource::File(path) => match std::fs::read_to_string(path) {
                Ok(v) if !v.trim().is_empty() => Ok(v.trim().to_owned()),
                Ok(_) => Err(anyhow!(
                    "{what} file {} is empty\n  fix: write the secret into it",
                    path.display()
                )),
                Err(e) => Err(anyhow!(
                    "cannot read {what} from {}: {e}\n  fix: check the path in `{config_key}_file` \
                     and the file's permissions",
                    path.display()
                )),
            },
        }
    }
}
