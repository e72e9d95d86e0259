//! Hostile answers against both clients: tiny axum servers on 127.0.0.1 answer with HTML error
//! pages, truncated JSON, a 200 carrying an error body, the wrong content type, a huge body and a
//! redirect to another host. Each must become a typed error that says what happened, reads a
//! bounded amount, never follows the redirect with a credential, and never shows the token or
//! the password.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use axum::Router;
use okdesk_client::{ApiToken, Error as OkdeskError, OkdeskClient, Query, RetryPolicy};
use onec_adapter::odata::{ClientOptions, OdataClient, OdataError};

const TOKEN: &str = "tok-HOSTILE-5e1f9c2a7b";
const PASSWORD: &str = "pw-HOSTILE-Зима2024!";
/// What the huge answer would send in total; a bounded reader stops long before.
const HUGE: u64 = 64 * 1024 * 1024;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Mode {
    Html502,
    Html200,
    Truncated,
    ErrorIn200,
    WrongType,
    Huge,
    Redirect,
}

/// The hostile server's state: the mode, bytes produced for the huge body, where to redirect.
struct Hostile {
    mode: Mutex<Mode>,
    produced: AtomicU64,
    redirect_to: String,
    requests: AtomicU64,
}

/// What the "other host" saw: every request's URI and whether it carried credentials.
#[derive(Default)]
struct Other {
    seen: Mutex<Vec<String>>,
}

async fn spawn(router: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    format!("http://{addr}")
}

async fn other_host() -> (String, Arc<Other>) {
    let other = Arc::new(Other::default());
    let router = Router::new()
        .fallback(
            |State(o): State<Arc<Other>>, uri: Uri, headers: HeaderMap| async move {
                let auth = headers
                    .get("authorization")
                    .map(|v| v.to_str().unwrap_or("?").to_owned())
                    .unwrap_or_default();
                o.seen.lock().unwrap().push(format!("{uri} auth={auth}"));
                "{}"
            },
        )
        .with_state(other.clone());
    (spawn(router).await, other)
}

fn respond(status: u16, content_type: &str, body: impl Into<Body>) -> Response {
    Response::builder()
        .status(status)
        .header("content-type", content_type)
        .body(body.into())
        .unwrap()
}

async fn hostile_answer(State(h): State<Arc<Hostile>>, uri: Uri) -> Response {
    h.requests.fetch_add(1, Ordering::SeqCst);
    let mode = *h.mode.lock().unwrap();
    match mode {
        Mode::Html502 => respond(
            502,
            "text/html",
            "<html><head><title>502 Bad Gateway</title></head><body><center>nginx</center></body></html>",
        ),
        Mode::Html200 => respond(
            200,
            "text/html; charset=utf-8",
            "<!DOCTYPE html><html><head><title>Вход в систему</title></head><body><form></form></body></html>",
        ),
        Mode::Truncated => respond(
            200,
            "application/json",
            r#"{"odata.metadata": "x#Catalog_X", "value": [{"Ref_Key": "8d1b7287-6240-11e4-9a9b-00155d000b01", "Description": "Ромаш"#,
        ),
        Mode::ErrorIn200 => {
            if uri.path().contains("/api/v1/") {
                respond(
                    200,
                    "application/json",
                    r#"{"errors": {"name": ["не может быть пустым"]}}"#,
                )
            } else {
                respond(
                    200,
                    "application/json",
                    r#"{"odata.error": {"code": "-1", "message": {"lang": "ru", "value": "Ошибка при выполнении операции"}}}"#,
                )
            }
        }
        Mode::WrongType => respond(200, "text/xml", "<?xml version=\"1.0\"?><companies><company/>"),
        Mode::Huge => {
            let h2 = h.clone();
            let chunk = bytes_chunk();
            let stream = futures::stream::unfold(0u64, move |sent| {
                let h = h2.clone();
                let chunk = chunk.clone();
                async move {
                    if sent >= HUGE {
                        return None;
                    }
                    h.produced.fetch_add(chunk.len() as u64, Ordering::SeqCst);
                    Some((
                        Ok::<_, std::io::Error>(chunk.clone()),
                        sent + chunk.len() as u64,
                    ))
                }
            });
            respond(200, "application/json", Body::from_stream(stream))
        }
        Mode::Redirect => Response::builder()
            .status(StatusCode::FOUND)
            .header("location", format!("{}/steal{}", h.redirect_to, uri))
            .body(Body::empty())
            .unwrap(),
    }
}

fn bytes_chunk() -> bytes::Bytes {
    // 64 KiB of a JSON array's middle: `{"id":1},{"id":1},…`.
    let unit = br#"{"id":1},"#;
    let mut v = Vec::with_capacity(64 * 1024);
    v.extend_from_slice(b"[");
    while v.len() + unit.len() < 64 * 1024 {
        v.extend_from_slice(unit);
    }
    bytes::Bytes::from(v)
}

async fn hostile(mode: Mode) -> (String, Arc<Hostile>, Arc<Other>) {
    let (other_url, other) = other_host().await;
    let h = Arc::new(Hostile {
        mode: Mutex::new(mode),
        produced: AtomicU64::new(0),
        redirect_to: other_url,
        requests: AtomicU64::new(0),
    });
    let router = Router::new().fallback(hostile_answer).with_state(h.clone());
    (spawn(router).await, h, other)
}

fn okdesk_client(url: &str) -> OkdeskClient {
    OkdeskClient::builder(url, ApiToken::new(TOKEN))
        .timeout(Duration::from_secs(20))
        .retry(RetryPolicy {
            max_retries: 1,
            max_elapsed: Duration::from_secs(5),
            base_delay: Duration::from_millis(10),
            max_delay: Duration::from_millis(50),
        })
        .max_response_bytes(1024 * 1024)
        .build()
        .unwrap()
}

fn onec_client(url: &str) -> OdataClient {
    let options = ClientOptions {
        retries: 1,
        backoff: Duration::from_millis(10),
        timeout: Duration::from_secs(20),
        ..ClientOptions::default()
    };
    OdataClient::with_options(
        &format!("{url}/base/odata/standard.odata"),
        "Администратор",
        PASSWORD,
        options,
    )
    .unwrap()
}

/// Neither secret appears in any rendering of the error.
fn assert_no_secret(shown: &str) {
    assert!(!shown.contains(TOKEN), "the token leaked: {shown}");
    assert!(!shown.contains(PASSWORD), "the password leaked: {shown}");
    let basic = base64_of(&format!("Администратор:{PASSWORD}"));
    assert!(
        !shown.contains(&basic),
        "the Basic credentials leaked: {shown}"
    );
}

fn base64_of(text: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(text)
}

async fn okdesk_get(mode: Mode) -> (OkdeskError, Arc<Hostile>, Arc<Other>) {
    let (url, h, other) = hostile(mode).await;
    let client = okdesk_client(&url);
    let err = client
        .get_json("companies/list", &Query::new())
        .await
        .expect_err("a hostile answer must not read as data");
    assert_no_secret(&format!("{err} {err:?}"));
    (err, h, other)
}

async fn onec_get(mode: Mode) -> (OdataError, Arc<Hostile>, Arc<Other>) {
    let (url, h, other) = hostile(mode).await;
    let client = onec_client(&url);
    let err = client
        .query("Catalog_Контрагенты")
        .fetch()
        .await
        .expect_err("a hostile answer must not read as data");
    assert_no_secret(&format!("{err} {err:?}"));
    (err, h, other)
}

#[tokio::test]
async fn okdesk_html_error_page_is_a_server_error_with_its_status() {
    let (err, h, _) = okdesk_get(Mode::Html502).await;
    assert!(
        matches!(err, OkdeskError::Server { status: 502, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("502"), "{err}");
    assert!(
        h.requests.load(Ordering::SeqCst) <= 2,
        "retries are bounded"
    );
}

#[tokio::test]
async fn okdesk_html_page_with_200_is_not_data() {
    let (err, _, _) = okdesk_get(Mode::Html200).await;
    assert!(matches!(err, OkdeskError::Decode { .. }), "{err:?}");
}

#[tokio::test]
async fn okdesk_truncated_json_is_a_decode_error() {
    let (err, _, _) = okdesk_get(Mode::Truncated).await;
    assert!(matches!(err, OkdeskError::Decode { .. }), "{err:?}");
}

#[tokio::test]
async fn okdesk_error_body_in_a_200_is_an_error_with_okdesks_message() {
    // A GET answered 200 with `{"errors": …}` is how Okdesk says "no such record"; the client
    // documents it as NotFound (a write would make it a Validation). Either way it is an error
    // that carries Okdesk's own text, never an empty list.
    let (err, _, _) = okdesk_get(Mode::ErrorIn200).await;
    let text = match &err {
        OkdeskError::Validation { messages, .. } => messages.join("; "),
        OkdeskError::NotFound { message, .. } => message.clone().unwrap_or_default(),
        other => panic!("expected a validation or not-found error, got {other:?}"),
    };
    assert!(text.contains("name: не может быть пустым"), "{text}");
}

#[tokio::test]
async fn okdesk_wrong_content_type_is_a_decode_error() {
    let (err, _, _) = okdesk_get(Mode::WrongType).await;
    assert!(matches!(err, OkdeskError::Decode { .. }), "{err:?}");
}

#[tokio::test]
async fn okdesk_huge_body_is_refused_after_a_bounded_read() {
    let (err, h, _) = okdesk_get(Mode::Huge).await;
    assert!(
        matches!(
            err,
            OkdeskError::BodyTooLarge {
                limit: 1_048_576,
                ..
            }
        ),
        "{err:?}"
    );
    // Give the server a moment to notice the closed connection, then check how much it produced:
    // the client's limit is 1 MiB; loopback socket buffers absorb a few MiB more at most.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let produced = h.produced.load(Ordering::SeqCst);
    assert!(
        produced < HUGE / 4,
        "the server produced {produced} bytes: the read was not bounded"
    );
}

#[tokio::test]
async fn okdesk_redirect_to_another_host_is_not_followed_with_the_token() {
    let (err, _, other) = okdesk_get(Mode::Redirect).await;
    assert!(
        matches!(err, OkdeskError::UnexpectedStatus { status: 302, .. }),
        "{err:?}"
    );
    let seen = other.seen.lock().unwrap();
    assert!(seen.is_empty(), "the other host was called: {seen:?}");
}

#[tokio::test]
async fn onec_html_error_page_is_an_html_error_with_its_title() {
    let (err, h, _) = onec_get(Mode::Html502).await;
    match &err {
        OdataError::Html { status, title } => {
            assert_eq!(*status, 502);
            assert_eq!(title, "502 Bad Gateway");
        }
        other => panic!("expected an HTML error, got {other:?}"),
    }
    assert!(
        h.requests.load(Ordering::SeqCst) <= 2,
        "retries are bounded"
    );
}

#[tokio::test]
async fn onec_login_page_with_200_is_an_html_error() {
    let (err, _, _) = onec_get(Mode::Html200).await;
    assert!(
        matches!(&err, OdataError::Html { status: 200, title } if title == "Вход в систему"),
        "{err:?}"
    );
}

#[tokio::test]
async fn onec_truncated_json_is_a_positioned_decode_error() {
    let (err, _, _) = onec_get(Mode::Truncated).await;
    match &err {
        OdataError::Decode { line, column, .. } => {
            assert_eq!(*line, 1);
            assert!(*column > 100, "column {column} should point at the cut");
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[tokio::test]
async fn onec_error_body_in_a_200_is_1c_error() {
    let (err, _, _) = onec_get(Mode::ErrorIn200).await;
    assert!(
        matches!(&err, OdataError::OData { code, message, .. } if code == "-1" && message.contains("Ошибка")),
        "{err:?}"
    );
}

#[tokio::test]
async fn onec_wrong_content_type_is_not_data() {
    let (err, _, _) = onec_get(Mode::WrongType).await;
    assert!(matches!(err, OdataError::Decode { .. }), "{err:?}");
}

#[tokio::test]
async fn onec_redirect_to_another_host_does_not_carry_the_password() {
    let (url, _, other) = hostile(Mode::Redirect).await;
    let client = onec_client(&url);
    let outcome = client.query("Catalog_Контрагенты").fetch().await;
    if let Err(e) = &outcome {
        assert_no_secret(&format!("{e} {e:?}"));
    }
    for seen in other.seen.lock().unwrap().iter() {
        assert!(
            seen.ends_with("auth="),
            "credentials went to another host: {seen}"
        );
        assert_no_secret(seen);
    }
}

#[tokio::test]
async fn onec_huge_body_is_refused_after_a_bounded_read() {
    let (url, h, _) = hostile(Mode::Huge).await;
    let options = ClientOptions {
        retries: 1,
        backoff: Duration::from_millis(10),
        timeout: Duration::from_secs(20),
        max_response_bytes: 1024 * 1024,
        ..ClientOptions::default()
    };
    let client = OdataClient::with_options(
        &format!("{url}/base/odata/standard.odata"),
        "Администратор",
        PASSWORD,
        options,
    )
    .unwrap();
    let outcome = client.query("Catalog_Контрагенты").fetch().await;
    assert!(
        matches!(
            outcome,
            Err(OdataError::BodyTooLarge {
                limit: 1_048_576,
                ..
            })
        ),
        "a 64 MiB page of garbage must be refused at the limit: {outcome:?}"
    );
    tokio::time::sleep(Duration::from_millis(200)).await;
    let produced = h.produced.load(Ordering::SeqCst);
    assert!(
        produced < HUGE / 4,
        "the server produced {produced} bytes: the read was not bounded"
    );
}
