//! Retries: 429 with `Retry-After` then success, 5xx on GET retried, 500 on POST not retried,
//! bounded attempts, request counting shared by clones.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use okdesk_client::{ApiToken, Error, IssueId, OkdeskClient, RetryPolicy};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use crate::common::{client, fixture, json_fixture, TOKEN};

/// Answers `first` for the first `n` hits, then the fixture.
fn fail_then(
    n: usize,
    first: ResponseTemplate,
    fixture_name: &'static str,
) -> impl Fn(&Request) -> ResponseTemplate {
    let hits = Arc::new(AtomicUsize::new(0));
    move |_req: &Request| {
        if hits.fetch_add(1, Ordering::SeqCst) < n {
            first.clone()
        } else {
            ResponseTemplate::new(200).set_body_raw(fixture(fixture_name), "application/json")
        }
    }
}

#[tokio::test]
async fn status_429_honours_retry_after_then_succeeds() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/issues/153"))
        .respond_with(fail_then(
            1,
            ResponseTemplate::new(429).insert_header("Retry-After", "1"),
            "issue.json",
        ))
        .expect(2)
        .mount(&server)
        .await;
    let c = client(&server);
    let started = Instant::now();
    let issue = c.issues().get(IssueId(153)).await.unwrap();
    assert_eq!(issue.id, IssueId(153));
    // The client waited as told, far longer than its own 5-20 ms backoff.
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "{:?}",
        started.elapsed()
    );
    let stats = c.stats();
    assert_eq!(stats.total, 2);
    assert_eq!(stats.retries, 1);
    assert_eq!(stats.by_method.get("GET"), Some(&2));
}

#[tokio::test]
async fn server_errors_on_get_are_retried_within_the_budget() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/issues/153"))
        .respond_with(fail_then(2, ResponseTemplate::new(502), "issue.json"))
        .expect(3)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/issues/154"))
        .respond_with(
            ResponseTemplate::new(500).set_body_string("<html>Internal Server Error</html>"),
        )
        .expect(4)
        .mount(&server)
        .await;
    let c = client(&server);
    c.issues().get(IssueId(153)).await.unwrap();
    let err = c.issues().get(IssueId(154)).await.unwrap_err();
    assert!(matches!(&err, Error::Server { status: 500, .. }), "{err:?}");
    assert!(err.is_retryable());
    assert_eq!(c.stats().total, 7);
}

#[tokio::test]
async fn post_500_is_not_retried_and_says_it_may_have_been_applied() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/companies"))
        .respond_with(ResponseTemplate::new(500))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server);
    let err = c
        .companies()
        .create("ООО «Ромашка»")
        .send()
        .await
        .unwrap_err();
    let Error::MaybeCommitted { endpoint, source } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(endpoint, "POST /api/v1/companies");
    assert!(matches!(**source, Error::Server { status: 500, .. }));
    assert!(!err.is_retryable());
    assert_eq!(err.http_status(), Some(500));
    assert!(err.to_string().contains("look the record up"));
    assert_eq!(c.stats().total, 1);
    assert_eq!(c.stats().retries, 0);
}

#[tokio::test]
async fn post_429_is_retried_because_the_server_did_nothing() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/companies"))
        .respond_with(fail_then(
            1,
            ResponseTemplate::new(429).insert_header("Retry-After", "0"),
            "company.json",
        ))
        .expect(2)
        .mount(&server)
        .await;
    client(&server)
        .companies()
        .create("x")
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn post_timeout_is_maybe_committed() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/companies"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(2)))
        .expect(1)
        .mount(&server)
        .await;
    let c = OkdeskClient::builder(&server.uri(), ApiToken::new(TOKEN))
        .timeout(Duration::from_millis(200))
        .retry(crate::common::fast_retry())
        .build()
        .unwrap();
    let err = c.companies().create("x").send().await.unwrap_err();
    let Error::MaybeCommitted { source, .. } = &err else {
        panic!("{err:?}")
    };
    assert!(
        matches!(**source, Error::Transport { timeout: true, .. }),
        "{source:?}"
    );
}

#[tokio::test]
async fn rate_limited_after_the_budget_reports_retry_after() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/issues/statuses"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "30"))
        .expect(1)
        .mount(&server)
        .await;
    // A 30 s wait does not fit the 10 s budget, so the client gives up at once.
    let err = client(&server).issue_statuses().list().await.unwrap_err();
    assert!(
        matches!(err, Error::RateLimited { retry_after: Some(d), .. } if d == Duration::from_secs(30)),
        "{err:?}"
    );
}

#[tokio::test]
async fn clones_share_counters_and_the_rate_limiter() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/issues/statuses"))
        .respond_with(json_fixture("statuses.json"))
        .mount(&server)
        .await;
    let c = OkdeskClient::builder(&server.uri(), ApiToken::new(TOKEN))
        .rate_limit(20, 1)
        .max_concurrency(2)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let started = Instant::now();
    let tasks: Vec<_> = (0..6)
        .map(|_| {
            let c = c.clone();
            tokio::spawn(async move { c.issue_statuses().list().await.map(|s| s.len()) })
        })
        .collect();
    for t in tasks {
        assert_eq!(t.await.unwrap().unwrap(), 3);
    }
    // Six requests at 20/s with a burst of one need at least five 50 ms gaps.
    assert!(
        started.elapsed() >= Duration::from_millis(240),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(c.stats().total, 6);
}
