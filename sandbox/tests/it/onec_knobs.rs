//! The 1C simulator's knobs: injected 500s at the configured rate, `odata.error` inside a 200, the
//! page-size cap that refuses fat pages, and latency; all runs are bounded.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use sandbox::onec::{Configuration, Faults, OnecConfig, OnecSandbox};

use crate::onec_support::{error_code, get, start};

#[tokio::test]
async fn injected_server_errors_come_at_the_configured_rate() {
    let sb =
        OnecSandbox::start(OnecConfig::new(Configuration::Ut11).faults(Faults::server_errors(0.3)))
            .await
            .unwrap();
    let mut failed = 0;
    const N: usize = 300;
    for _ in 0..N {
        let (status, body) = get(&sb, "Catalog_СтавкиНДС?$format=json").await;
        if status == StatusCode::INTERNAL_SERVER_ERROR {
            assert_eq!(error_code(&body), "-1");
            failed += 1;
        } else {
            assert_eq!(status, StatusCode::OK);
        }
    }
    // 30 % of 300 is 90; the bounds are ±5 standard deviations.
    assert!((50..=130).contains(&failed), "{failed} of {N} failed");
    assert_eq!(sb.stats().injected_faults, failed as u64);
    sb.set_faults(Faults::none());
    for _ in 0..20 {
        assert_eq!(
            get(&sb, "Catalog_СтавкиНДС?$format=json").await.0,
            StatusCode::OK
        );
    }
}

#[tokio::test]
async fn errors_inside_a_200_are_possible() {
    let sb = start(Configuration::Ut11).await;
    sb.set_faults(Faults {
        server_error: 0.0,
        error_in_ok: 1.0,
    });
    let (status, body) = get(&sb, "Catalog_СтавкиНДС?$format=json").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(error_code(&body), "-1");
    let (status, body) = get(&sb, "Catalog_СтавкиНДС").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("<m:error"), "{body}");
}

#[tokio::test]
async fn fat_pages_get_500_and_smaller_pages_pass() {
    let sb = start(Configuration::Ut11).await;
    sb.set_page_cap(Some(5));
    let (status, body) = get(&sb, "Catalog_Контрагенты?$format=json").await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(error_code(&body), "-1");
    let (status, _) = get(
        &sb,
        "Catalog_Контрагенты?$format=json&$orderby=Ref_Key&$top=20",
    )
    .await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    let (status, _) = get(
        &sb,
        "Catalog_Контрагенты?$format=json&$orderby=Ref_Key&$top=5",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(sb.stats().fat_pages, 2);
}

#[tokio::test]
async fn latency_delays_responses() {
    let sb = start(Configuration::Ut11).await;
    sb.set_latency(Duration::from_millis(150));
    let t = Instant::now();
    assert_eq!(
        get(&sb, "Catalog_СтавкиНДС?$format=json").await.0,
        StatusCode::OK
    );
    // A lower bound only: the delay is a sleep, never shorter.
    assert!(t.elapsed() >= Duration::from_millis(150));
}
