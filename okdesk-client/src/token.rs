//! The API token and the redaction of it from every text the client produces.
//!
//! Okdesk takes its key as the `api_token` query parameter, so the token sits in every URL. Any text that
//! could carry a URL (transport errors, response bodies that echo the request, log lines) goes through
//! [`redact`] before it leaves the client.

use std::fmt;

/// What a redacted secret prints as.
pub(crate) const REDACTED: &str = "***";

/// An Okdesk API key. `Debug` and `Display` print `***`; only [`ApiToken::expose`] shows the value.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiToken(String);

impl ApiToken {
    /// Wraps a token. Surrounding whitespace (a trailing newline from a secrets file) is dropped.
    pub fn new(token: impl Into<String>) -> Self {
        let token: String = token.into();
        Self(token.trim().to_owned())
    }

    /// The token itself, for building a request URL. Never log or print it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the token is empty (an unset environment variable, usually).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for ApiToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiToken(***)")
    }
}

impl fmt::Display for ApiToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

/// Removes the token from `text`: every literal occurrence of it, and the value of every
/// `api_token=` query parameter (even one that holds some other token).
pub(crate) fn redact(text: &str, token: &ApiToken) -> String {
    let mut out = mask_api_token_params(text);
    // A token shorter than four characters would match ordinary text; such a token cannot be valid anyway.
    if token.expose().len() >= 4 {
        out = out.replace(token.expose(), REDACTED);
    }
    out
}

/// Masks the value of each `api_token=` parameter up to the next `&`, `#`, quote or whitespace.
pub(crate) fn mask_api_token_params(text: &str) -> String {
    const KEY: &str = "api_token=";
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = find_ascii_case_insensitive(rest, KEY) {
        let value_start = pos + KEY.len();
        out.push_str(&rest[..value_start]);
        let tail = &rest[value_start..];
        let value_len = tail
            .find(|c: char| {
                matches!(c, '&' | '#' | '"' | '\'' | '<' | '>' | ')') || c.is_whitespace()
            })
            .unwrap_or(tail.len());
        if value_len > 0 {
            out.push_str(REDACTED);
        }
        rest = &tail[value_len..];
    }
    out.push_str(rest);
    out
}

fn find_ascii_case_insensitive(haystack: &str, needle: &str) -> Option<usize> {
    haystack
        .as_bytes()
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_hide_the_token() {
        let t = ApiToken::new("3e9a214215f493c4\n");
        assert_eq!(format!("{t}"), "***");
        assert_eq!(format!("{t:?}"), "ApiToken(***)");
        assert_eq!(t.expose(), "3e9a214215f493c4");
    }

    #[test]
    fn query_parameter_and_literal_are_masked() {
        let t = ApiToken::new("secret-token-1");
        let text = "error sending request for url (http://x/api/v1/companies?name=a&api_token=other&b=1): secret-token-1";
        let red = redact(text, &t);
        assert_eq!(
            red,
            "error sending request for url (http://x/api/v1/companies?name=a&api_token=***&b=1): ***"
        );
        assert_eq!(mask_api_token_params("API_TOKEN=abc"), "API_TOKEN=***");
        assert_eq!(mask_api_token_params("no token here"), "no token here");
    }
}
