//! Shared helpers: a client pointed at a mock server, fixture loading, request inspection.

use std::time::Duration;

use okdesk_client::{ApiToken, OkdeskClient, RetryPolicy};
use wiremock::{MockServer, Request, ResponseTemplate};

/// The token every test client uses; no output may ever contain it.
pub(crate) const TOKEN: &str = "3e9a214215f493c4deadbeefcafe0042";

/// A fixture's text.
pub(crate) fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("fixture {path}: {e}"))
}

/// A 200 JSON answer with a fixture's body.
pub(crate) fn json_fixture(name: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(fixture(name), "application/json")
}

/// A 200 JSON answer.
pub(crate) fn json(v: serde_json::Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(v.to_string(), "application/json")
}

/// Fast retries so tests stay quick; no client-side rate limit.
pub(crate) fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        max_retries: 3,
        max_elapsed: Duration::from_secs(10),
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(20),
    }
}

/// A client for the mock server (the base URL given with `/api/v1`, as users often paste it).
pub(crate) fn client(server: &MockServer) -> OkdeskClient {
    OkdeskClient::builder(&format!("{}/api/v1/", server.uri()), ApiToken::new(TOKEN))
        .rate_limit(0, 0)
        .retry(fast_retry())
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap()
}

/// The value of a query parameter of a received request.
pub(crate) fn query(req: &Request, key: &str) -> Option<String> {
    req.url
        .query_pairs()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}

/// The JSON body of a received request.
pub(crate) fn body_json(req: &Request) -> serde_json::Value {
    serde_json::from_slice(&req.body).unwrap()
}

/// Asserts that no text shows the token.
pub(crate) fn assert_no_token(text: &str) {
    assert!(!text.contains(TOKEN), "token leaked: {text}");
}
