//! Errors that name the file, the line, the key and a fix: a TOML or shape error is located in the
//! text and turned into the key the user wrote.

use std::fmt;
use std::path::Path;

use anyhow::anyhow;

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

/// Turns a TOML or shape error into a message naming the file, the key and a fix.
pub(super) fn toml_error(text: &str, path: &Path, e: &toml::de::Error) -> anyhow::Error {
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
pub(super) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// The dotted key at a byte offset: the nearest `[table]` header above it plus the key on that line.
pub(super) fn key_at(text: &str, offset: usize) -> String {
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
