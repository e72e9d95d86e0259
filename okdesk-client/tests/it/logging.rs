//! Log lines and spans never carry the token, even at TRACE level with retries and failures.

use std::io::Write;
use std::sync::{Arc, Mutex};

use okdesk_client::IssueId;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::{assert_no_token, client};

#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn trace_output_names_endpoints_but_never_the_token() {
    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    // The test runs on a current-thread runtime, so a thread-local default covers every poll.
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/issues/153"))
        .respond_with(ResponseTemplate::new(503).set_body_string("down"))
        .mount(&server)
        .await;
    let err = client(&server)
        .issues()
        .get(IssueId(153))
        .await
        .unwrap_err();
    assert_eq!(err.http_status(), Some(503));

    let text = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
    assert!(text.contains("GET /api/v1/issues/153"), "{text}");
    assert!(text.contains("retrying okdesk request"), "{text}");
    assert_no_token(&text);
}
