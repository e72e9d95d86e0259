//! Logs: tracing to stderr, readable by default or JSON lines with `--log-format json`, the level
//! from `-v` or `RUST_LOG`. Every line passes through [`Redactor`], which removes the secrets the
//! command has read (the Okdesk token, the 1C password) and any `api_token=` value, so that even a
//! dependency logging a full URL at trace level cannot leak the token.

use std::io::{self, Write};
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::EnvFilter;

use crate::args::LogFormat;

/// The secrets to remove from every line of output.
#[derive(Clone, Debug, Default)]
pub struct Redactor(Arc<RwLock<Vec<String>>>);

impl Redactor {
    /// Adds a secret (values shorter than four characters would match ordinary text and are not
    /// real secrets anyway).
    pub fn add(&self, secret: &str) {
        if secret.len() >= 4 {
            let mut list = self.0.write().unwrap_or_else(PoisonError::into_inner);
            if !list.iter().any(|s| s == secret) {
                list.push(secret.to_owned());
            }
        }
    }

    /// The text with every secret and every `api_token=` value replaced by `***`.
    pub fn redact(&self, text: &str) -> String {
        let mut out = mask_api_token(text);
        for s in self.0.read().unwrap_or_else(PoisonError::into_inner).iter() {
            if out.contains(s.as_str()) {
                out = out.replace(s.as_str(), "***");
            }
        }
        out
    }
}

/// Masks the value of each `api_token=` query parameter.
fn mask_api_token(text: &str) -> String {
    const KEY: &str = "api_token=";
    if !text.contains(KEY) {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(KEY) {
        out.push_str(&rest[..i + KEY.len()]);
        out.push_str("***");
        let after = &rest[i + KEY.len()..];
        let end = after
            .find(|c: char| c == '&' || c == '#' || c == '"' || c == '\'' || c.is_whitespace())
            .unwrap_or(after.len());
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// Where log lines go: stderr, or a shared buffer (tests).
#[derive(Clone, Debug)]
pub enum LogTarget {
    /// The process's stderr.
    Stderr,
    /// A buffer tests read.
    Buffer(Arc<Mutex<Vec<u8>>>),
}

/// A writer that redacts each write (tracing writes one event per call).
pub struct RedactingWriter {
    target: LogTarget,
    redactor: Redactor,
}

impl Write for RedactingWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        let clean = self.redactor.redact(&text);
        match &self.target {
            LogTarget::Stderr => io::stderr().write_all(clean.as_bytes())?,
            LogTarget::Buffer(b) => b
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .extend_from_slice(clean.as_bytes()),
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        match &self.target {
            LogTarget::Stderr => io::stderr().flush(),
            LogTarget::Buffer(_) => Ok(()),
        }
    }
}

/// Makes [`RedactingWriter`]s for the subscriber.
#[derive(Clone)]
pub struct MakeRedacting {
    target: LogTarget,
    redactor: Redactor,
}

impl<'a> MakeWriter<'a> for MakeRedacting {
    type Writer = RedactingWriter;

    fn make_writer(&'a self) -> Self::Writer {
        RedactingWriter {
            target: self.target.clone(),
            redactor: self.redactor.clone(),
        }
    }
}

/// The filter: `RUST_LOG` if set, else info for this tool and warnings for the rest, raised by `-v`.
fn filter(verbose: u8, rust_log: Option<String>) -> EnvFilter {
    if let Some(spec) = rust_log.filter(|s| !s.trim().is_empty()) {
        if let Ok(f) = EnvFilter::try_new(spec) {
            return f;
        }
    }
    let spec = match verbose {
        0 => "warn,okdesk_1c=info",
        1 => "info,okdesk_1c=debug,sync_engine=debug,okdesk_client=debug,onec_adapter=debug",
        _ => "debug,okdesk_1c=trace,sync_engine=trace,okdesk_client=trace,onec_adapter=trace",
    };
    EnvFilter::new(spec)
}

/// Builds the subscriber.
pub fn subscriber(
    format: LogFormat,
    verbose: u8,
    rust_log: Option<String>,
    target: LogTarget,
    redactor: Redactor,
) -> Box<dyn tracing::Subscriber + Send + Sync> {
    let make = MakeRedacting { target, redactor };
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter(verbose, rust_log))
        .with_writer(make)
        .with_ansi(false);
    match format {
        LogFormat::Human => Box::new(builder.with_target(false).finish()),
        LogFormat::Json => Box::new(builder.json().flatten_event(true).finish()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_tokens_and_parameters() {
        let r = Redactor::default();
        r.add("s3cr3t-token");
        let text =
            r.redact("GET http://x/api/v1/companies?api_token=other&page=1 with s3cr3t-token");
        assert_eq!(
            text,
            "GET http://x/api/v1/companies?api_token=***&page=1 with ***"
        );
    }
}
