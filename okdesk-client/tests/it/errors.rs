//! Error mapping and redaction: 422 flattening, 401/403/404, 200-with-errors, decode paths,
//! body limits, redirects, and the token absent from every error's `Display` and `Debug`.

use std::time::Duration;

use okdesk_client::{ApiToken, CompanyId, Error, IssueId, OkdeskClient, RetryPolicy};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::{assert_no_token, client, fixture, json, TOKEN};

#[tokio::test]
async fn validation_422_is_flattened_with_russian_text() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/companies"))
        .respond_with(
            ResponseTemplate::new(422)
                .set_body_raw(fixture("validation_422.json"), "application/json"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server)
        .companies()
        .create("x")
        .send()
        .await
        .unwrap_err();
    let Error::Validation {
        endpoint,
        status,
        messages,
        body,
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(endpoint, "POST /api/v1/companies");
    assert_eq!(*status, 422);
    assert_eq!(messages.len(), 5);
    assert!(messages.contains(&"page.size: должно быть меньше или равно 100".to_owned()));
    assert!(messages.contains(&"observer_ids.1: должно иметь тип integer".to_owned()));
    assert!(body.contains("Неверный формат даты"));
    assert_eq!(err.http_status(), Some(422));
    assert!(!err.is_retryable());
    assert!(err
        .okdesk_message()
        .unwrap()
        .contains("created_until: Неверный формат даты"));
}

#[tokio::test]
async fn status_200_with_errors_is_not_found_and_another_id_too() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/issues/5"))
        .respond_with(json(json!({"errors": {"issue": ["не найдена"]}})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/issues/6"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(fixture("issue.json"), "application/json"),
        )
        .mount(&server)
        .await;
    let c = client(&server);
    let err = c.issues().get(IssueId(5)).await.unwrap_err();
    assert!(
        matches!(&err, Error::NotFound { message: Some(m), .. } if m == "issue: не найдена"),
        "{err:?}"
    );
    let err = c.issues().get(IssueId(6)).await.unwrap_err();
    assert!(
        matches!(&err, Error::NotFound { message: Some(m), .. } if m.contains("153")),
        "{err:?}"
    );
}

#[tokio::test]
async fn auth_and_missing_statuses_map_to_their_variants() {
    let server = MockServer::start().await;
    for (p, status) in [
        ("/api/v1/issues/1", 401),
        ("/api/v1/issues/2", 403),
        ("/api/v1/issues/3", 404),
    ] {
        Mock::given(method("GET"))
            .and(path(p))
            .respond_with(
                ResponseTemplate::new(status)
                    .set_body_raw(r#"{"errors":"Токен неактивен"}"#, "application/json"),
            )
            .expect(1)
            .mount(&server)
            .await;
    }
    let c = client(&server);
    let e1 = c.issues().get(IssueId(1)).await.unwrap_err();
    assert!(matches!(e1, Error::Unauthorized { .. }));
    assert_eq!(e1.okdesk_message().as_deref(), Some("Токен неактивен"));
    assert!(matches!(
        c.issues().get(IssueId(2)).await.unwrap_err(),
        Error::Forbidden { .. }
    ));
    assert!(matches!(
        c.issues().get(IssueId(3)).await.unwrap_err(),
        Error::NotFound { .. }
    ));
}

#[tokio::test]
async fn decode_errors_name_the_endpoint_and_the_json_path() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/companies/list"))
        .respond_with(json(
            json!([{"id": 1, "name": "a"}, {"id": 2, "name": "b", "parameters": [{"code": 5}]}]),
        ))
        .mount(&server)
        .await;
    let err = client(&server)
        .companies()
        .list()
        .collect_all()
        .await
        .unwrap_err();
    let Error::Decode {
        endpoint,
        path,
        message,
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(endpoint, "GET /api/v1/companies/list");
    assert_eq!(path, "[1].parameters[0].code");
    assert!(message.contains("invalid type"), "{message}");
}

#[tokio::test]
async fn bodies_over_the_limit_are_refused() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/issues/statuses"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(vec![b' '; 4096], "application/json"))
        .mount(&server)
        .await;
    let c = OkdeskClient::builder(&server.uri(), ApiToken::new(TOKEN))
        .max_response_bytes(1024)
        .build()
        .unwrap();
    let err = c.issue_statuses().list().await.unwrap_err();
    assert!(
        matches!(err, Error::BodyTooLarge { limit: 1024, .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn redirects_to_another_host_are_not_followed() {
    let server = MockServer::start().await;
    let other = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/issues/153"))
        .respond_with(
            ResponseTemplate::new(302)
                .insert_header("Location", format!("{}/steal", other.uri()).as_str()),
        )
        .mount(&server)
        .await;
    // The second server is 127.0.0.1 on another port: another origin for the redirect policy.
    let err = client(&server)
        .issues()
        .get(IssueId(153))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
    assert!(other.received_requests().await.unwrap().is_empty());
}

/// Builds every kind of error the client produces and checks none shows the token.
#[tokio::test]
async fn the_token_is_absent_from_every_error_display_and_debug() {
    let server = MockServer::start().await;
    // A server that echoes the URL (with the token) in its error bodies.
    let echo = |status: u16| {
        move |req: &wiremock::Request| {
            ResponseTemplate::new(status).set_body_raw(
                format!(
                    r#"{{"errors":{{"url":["{}"]}}, "token": "{TOKEN}"}}"#,
                    req.url
                ),
                "application/json",
            )
        }
    };
    for (p, status) in [
        ("/api/v1/issues/1", 401),
        ("/api/v1/issues/2", 403),
        ("/api/v1/issues/3", 404),
        ("/api/v1/issues/4", 422),
        ("/api/v1/issues/5", 500),
        ("/api/v1/issues/6", 429),
        ("/api/v1/issues/7", 409),
    ] {
        Mock::given(method("GET"))
            .and(path(p))
            .respond_with(echo(status))
            .mount(&server)
            .await;
    }
    Mock::given(method("GET"))
        .and(path("/api/v1/issues/8"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(format!(r#"{{"id": "{TOKEN}"}}"#), "application/json"),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v1/companies"))
        .respond_with(echo(503))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/issues/9"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(3)))
        .mount(&server)
        .await;
    let c = OkdeskClient::builder(&server.uri(), ApiToken::new(TOKEN))
        .retry(RetryPolicy::none())
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let mut errors = Vec::new();
    for id in 1..=9 {
        errors.push(c.issues().get(IssueId(id)).await.unwrap_err());
    }
    errors.push(c.companies().create("x").send().await.unwrap_err());
    errors.push(c.companies().update(CompanyId(1)).send().await.unwrap_err());
    // Nothing listens on port 9 of localhost: a connection error whose reqwest text has the URL.
    let closed = OkdeskClient::builder("http://127.0.0.1:9", ApiToken::new(TOKEN))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    errors.push(closed.issues().get(IssueId(1)).await.unwrap_err());
    let bad_url = OkdeskClient::builder(
        &format!("http://x/?api_token={TOKEN}"),
        ApiToken::new(TOKEN),
    )
    .build();
    errors.push(bad_url.unwrap_err());

    let kinds: Vec<String> = errors
        .iter()
        .map(|e| {
            format!("{e:?}")
                .split([' ', '{', '('])
                .next()
                .unwrap()
                .to_owned()
        })
        .collect();
    for want in [
        "Unauthorized",
        "Forbidden",
        "NotFound",
        "Validation",
        "Server",
        "RateLimited",
        "UnexpectedStatus",
        "Decode",
        "MaybeCommitted",
        "Transport",
        "Config",
    ] {
        assert!(kinds.iter().any(|k| k == want), "no {want} among {kinds:?}");
    }
    for e in &errors {
        assert_no_token(&format!("{e}"));
        assert_no_token(&format!("{e:?}"));
        assert_no_token(&format!("{e:#?}"));
        if let Some(m) = e.okdesk_message() {
            assert_no_token(&m);
        }
    }
    assert_no_token(&format!("{c:?}"));
}
