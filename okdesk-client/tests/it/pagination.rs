//! Pagination: three-page keyset and page-number scans, request parameters, loop guards.

use futures::TryStreamExt;
use okdesk_client::Error;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use crate::common::{client, query};

/// A keyset endpoint over ids `1..=total` honouring `page[size]`, `page[from_id]` and `forward`.
fn keyset_server(total: u64) -> impl Fn(&Request) -> ResponseTemplate {
    move |req: &Request| {
        assert_eq!(query(req, "page[direction]").as_deref(), Some("forward"));
        let size: u64 = query(req, "page[size]").unwrap().parse().unwrap();
        assert!(size <= 100);
        let from: u64 = query(req, "page[from_id]").map_or(0, |v| v.parse().unwrap());
        let items: Vec<_> = (from + 1..=total)
            .take(size as usize)
            .map(|id| json!({"id": id, "name": format!("Компания {id}"), "active": true, "parameters": []}))
            .collect();
        ResponseTemplate::new(200).set_body_json(items)
    }
}

#[tokio::test]
async fn keyset_scan_reads_three_pages_and_stops_on_the_short_one() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/companies/list"))
        .respond_with(keyset_server(250))
        .expect(3)
        .mount(&server)
        .await;
    let c = client(&server);
    let all = c.companies().list().collect_all().await.unwrap();
    assert_eq!(all.len(), 250);
    assert!(all.windows(2).all(|w| w[0].id < w[1].id));
    let reqs = server.received_requests().await.unwrap();
    let froms: Vec<Option<String>> = reqs.iter().map(|r| query(r, "page[from_id]")).collect();
    assert_eq!(froms, [None, Some("100".into()), Some("200".into())]);
}

#[tokio::test]
async fn keyset_scan_of_an_exact_multiple_ends_on_an_empty_page() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/employees/list"))
        .respond_with(keyset_server(4))
        .expect(3)
        .mount(&server)
        .await;
    let all = client(&server)
        .employees()
        .list()
        .page_size(2)
        .collect_all()
        .await
        .unwrap();
    assert_eq!(all.len(), 4);
}

#[tokio::test]
async fn keyset_loop_guard_stops_a_server_that_ignores_from_id() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/contacts/list"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([{"id": 1}, {"id": 2}])))
        .expect(2)
        .mount(&server)
        .await;
    let c = client(&server);
    let mut stream = c.contacts().list().page_size(2).stream();
    let mut seen = 0;
    let err = loop {
        match stream.try_next().await {
            Ok(Some(_)) => seen += 1,
            Ok(None) => panic!("the stream should fail"),
            Err(e) => break e,
        }
    };
    assert_eq!(seen, 2);
    assert!(matches!(err, Error::PaginationLoop { .. }), "{err:?}");
}

/// `issues/list` over ids `1..=total` by `page[number]`; `size` must be ≤ 50.
fn numbered_server(total: u64) -> impl Fn(&Request) -> ResponseTemplate {
    move |req: &Request| {
        let size: u64 = query(req, "page[size]").unwrap().parse().unwrap();
        if size > 50 {
            return ResponseTemplate::new(422).set_body_json(
                json!({"errors": {"page": {"size": ["должно быть меньше или равно 50"]}}}),
            );
        }
        let number: u64 = query(req, "page[number]").unwrap().parse().unwrap();
        let items: Vec<_> = ((number - 1) * size + 1..=total)
            .take(size as usize)
            .map(|id| {
                json!({"id": id, "title": format!("Заявка {id}"), "status": {"code": "opened", "name": "Открыта"},
                       "company": {"id": 40, "name": "Okdesk"}, "updated_at": "2024-03-01T10:00:00.000+03:00"})
            })
            .collect();
        ResponseTemplate::new(200).set_body_json(items)
    }
}

#[tokio::test]
async fn page_number_scan_reads_three_pages_with_filters_in_the_issue_format() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/issues/list"))
        .respond_with(numbered_server(120))
        .expect(3)
        .mount(&server)
        .await;
    let c = client(&server);
    let since = chrono::NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
    let all = c
        .issues()
        .list()
        .page_size(500)
        .updated_since(since)
        .status_codes(["opened"])
        .collect_all()
        .await
        .unwrap();
    assert_eq!(all.len(), 120);
    assert_eq!(all[0].company.as_ref().unwrap().id.0, 40);
    let reqs = server.received_requests().await.unwrap();
    let numbers: Vec<String> = reqs
        .iter()
        .map(|r| query(r, "page[number]").unwrap())
        .collect();
    assert_eq!(numbers, ["1", "2", "3"]);
    assert_eq!(
        query(&reqs[0], "updated_since").as_deref(),
        Some("01-03-2024")
    );
    assert_eq!(query(&reqs[0], "status_codes[]").as_deref(), Some("opened"));
    assert_eq!(query(&reqs[0], "page[size]").as_deref(), Some("50"));
}

#[tokio::test]
async fn page_number_loop_guard_stops_a_server_that_repeats_a_page() {
    let server = MockServer::start().await;
    let page: Vec<_> = (1..=2).map(|id| json!({"id": id, "title": "t"})).collect();
    Mock::given(method("GET"))
        .and(path("/api/v1/issues/list"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page))
        .expect(2)
        .mount(&server)
        .await;
    let err = client(&server)
        .issues()
        .list()
        .page_size(2)
        .collect_all()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::PaginationLoop { .. }), "{err:?}");
}
