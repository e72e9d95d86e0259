//! The Okdesk simulator's knobs over plain HTTP: the per-token rate limit with `Retry-After`,
//! injected faults at their configured rates, dropped connections and latency.

use std::time::{Duration, Instant};

use crate::okdesk_support::Api;
use sandbox::okdesk::{Faults, OkdeskConfig};

#[tokio::test]
async fn the_rate_limit_answers_429_with_a_retry_after_that_works() {
    let api = Api::start(
        OkdeskConfig::default()
            .rate_limit(Some(5))
            .extra_token("second"),
    )
    .await;
    let mut limited = None;
    for _ in 0..20 {
        let r = api.get("issues/statuses").await;
        if r.status().as_u16() == 429 {
            limited = Some(r);
            break;
        }
        assert_eq!(r.status().as_u16(), 200);
    }
    let r = limited.expect("20 requests at once exceed 5 per second");
    let retry: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=2).contains(&retry), "Retry-After {retry}");

    // Another token has its own budget.
    let other = format!("{}/issues/statuses?api_token=second", api.sandbox.api_url());
    assert_eq!(
        api.http.get(other).send().await.unwrap().status().as_u16(),
        200
    );

    tokio::time::sleep(Duration::from_secs(retry)).await;
    assert_eq!(api.get("issues/statuses").await.status().as_u16(), 200);
}

#[tokio::test]
async fn faults_fire_at_their_configured_rates() {
    let api = Api::start(OkdeskConfig::default().faults(Faults {
        server_error: 0.2,
        rate_limited: 0.1,
        ..Faults::none()
    }))
    .await;
    let (mut errors, mut limited, mut ok) = (0, 0, 0);
    for _ in 0..500 {
        match api.get("issues/priorities").await.status().as_u16() {
            500 => errors += 1,
            429 => limited += 1,
            200 => ok += 1,
            other => panic!("unexpected status {other}"),
        }
    }
    // Binomial(500, 0.2) stays within ±6 σ of 100 (σ ≈ 9); Binomial(500, 0.1) likewise of 50.
    assert!((45..=155).contains(&errors), "500s: {errors}");
    assert!((15..=85).contains(&limited), "429s: {limited}");
    assert_eq!(errors + limited + ok, 500);
    assert_eq!(api.sandbox.stats().requests.total, 500);

    api.sandbox.set_faults(Faults::none());
    assert_eq!(api.get("issues/priorities").await.status().as_u16(), 200);
}

#[tokio::test]
async fn dropped_connections_fail_on_the_client() {
    let api = Api::start(OkdeskConfig::default().faults(Faults {
        drop_connection: 1.0,
        ..Faults::none()
    }))
    .await;
    for _ in 0..3 {
        let result = match api.http.get(api.url("companies/list")).send().await {
            Err(e) => Err(e),
            Ok(r) => r.bytes().await.map(|_| ()),
        };
        assert!(
            result.is_err(),
            "a dropped connection must not look like an answer"
        );
    }
}

#[tokio::test]
async fn slow_responses_outlast_a_client_timeout() {
    let api = Api::start(OkdeskConfig::default().faults(Faults {
        slow: 1.0,
        slow_delay: Duration::from_secs(2),
        ..Faults::none()
    }))
    .await;
    let r = api
        .http
        .get(api.url("issues/types"))
        .timeout(Duration::from_millis(300))
        .send()
        .await;
    assert!(r.unwrap_err().is_timeout());
}

#[tokio::test]
async fn latency_delays_every_answer() {
    let api =
        Api::start(OkdeskConfig::default().latency(Duration::from_millis(150), Duration::ZERO))
            .await;
    let started = Instant::now();
    assert_eq!(api.get("issues/types").await.status().as_u16(), 200);
    // A lower bound only: latency is a floor, never a promise of speed.
    assert!(started.elapsed() >= Duration::from_millis(150));
}

#[tokio::test]
async fn attachment_links_expire() {
    // The 30-second expiry is checked by a unit test of the link store; here an unknown link is refused.
    let api = Api::start(OkdeskConfig::default()).await;
    let r = api
        .http
        .get(format!("{}/sandbox/files/nope", api.sandbox.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 404);
}
