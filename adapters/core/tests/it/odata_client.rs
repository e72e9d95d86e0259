//! The OData client against a tiny scripted HTTP server on 127.0.0.1: Basic auth with a Cyrillic
//! user, `%20` encoding, `$top`/`$skip` paging, page shrinking on a 500, write bodies with
//! `LineNumber`, exchange-plan changes, retries and error mapping.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use base64::Engine as _;
use onec_adapter::odata::{CheckOutcome, ClientOptions, Filter, Format, OdataClient, OdataError};
use onec_adapter::{RawObject, RawRow, RawValue};
use onec_model::Ref;
use percent_encoding::percent_decode_str;
use serde_json::{json, Value};

/// One request as the server saw it.
#[derive(Clone, Debug)]
struct Seen {
    method: Method,
    /// Path and query exactly as sent (still percent-encoded).
    raw: String,
    path: String,
    query: Vec<(String, String)>,
    auth: Option<String>,
    body: String,
}

impl Seen {
    fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

type Script = dyn Fn(&Seen, usize) -> (u16, &'static str, String) + Send + Sync;

struct Server {
    seen: Mutex<Vec<Seen>>,
    script: Box<Script>,
}

fn decode(s: &str) -> String {
    percent_decode_str(s).decode_utf8().unwrap().into_owned()
}

async fn handle(
    axum::extract::State(server): axum::extract::State<Arc<Server>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let raw = uri
        .path_and_query()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_default();
    let query = uri
        .query()
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect();
    let seen = Seen {
        method,
        raw,
        path: decode(uri.path()),
        query,
        auth: headers
            .get("authorization")
            .map(|v| v.to_str().unwrap().to_owned()),
        body: String::from_utf8_lossy(&body).into_owned(),
    };
    let n = {
        let mut all = server.seen.lock().unwrap();
        all.push(seen.clone());
        all.len()
    };
    let (status, content_type, body) = (server.script)(&seen, n);
    (
        StatusCode::from_u16(status).unwrap(),
        [("content-type", content_type)],
        body,
    )
        .into_response()
}

/// Starts a server answering with `script(request, request_number)`; returns its service root.
async fn serve(
    script: impl Fn(&Seen, usize) -> (u16, &'static str, String) + Send + Sync + 'static,
) -> (String, Arc<Server>) {
    let server = Arc::new(Server {
        seen: Mutex::new(Vec::new()),
        script: Box::new(script),
    });
    let app = Router::new()
        .fallback(handle)
        .with_state(Arc::clone(&server));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}/demo/odata/standard.odata"), server)
}

fn options(format: Format) -> ClientOptions {
    ClientOptions {
        format,
        page_size: 1000,
        min_page_size: 10,
        timeout: Duration::from_secs(5),
        connect_timeout: Duration::from_secs(2),
        retries: 2,
        backoff: Duration::from_millis(5),
        concurrency: 2,
        max_response_bytes: onec_adapter::odata::DEFAULT_MAX_RESPONSE_BYTES,
    }
}

fn client(url: &str, format: Format) -> OdataClient {
    OdataClient::with_options(url, "Иванов", "пароль", options(format)).unwrap()
}

const JSON: &str = "application/json;charset=utf-8";
const ATOM: &str = "application/atom+xml;charset=utf-8";
const XML: &str = "application/xml;charset=utf-8";

fn counterparty(i: usize) -> Value {
    json!({
        "Ref_Key": Ref::derived("kontr", &i.to_string()).to_string(),
        "DataVersion": format!("AAAAAAAAAA{:02}=", i % 100),
        "DeletionMark": i % 7 == 3,
        "Description": format!("Контрагент {i}"),
        "ИНН": format!("77{:08}", i),
        "КПП": "770101001",
        "Партнер_Key": "00000000-0000-0000-0000-000000000000",
        "КонтактнаяИнформация": [{"LineNumber": "1", "Тип": "АдресЭлектроннойПочты", "АдресЭП": format!("c{i}@example.ru")}],
    })
}

/// Serves `total` counterparties with `$top`/`$skip`, failing pages larger than `max_ok` with 500.
fn paged(total: usize, max_ok: usize) -> impl Fn(&Seen, usize) -> (u16, &'static str, String) {
    move |seen, _| {
        let top: usize = seen.param("$top").unwrap().parse().unwrap();
        let skip: usize = seen.param("$skip").map_or(0, |s| s.parse().unwrap());
        if top > max_ok {
            return (
                500,
                JSON,
                json!({"odata.error": {"code": "0", "message": {"lang": "ru", "value": "Нет места на диске /tmp/v8_1.tmp"}}}).to_string(),
            );
        }
        let value: Vec<Value> = (skip..total.min(skip + top)).map(counterparty).collect();
        (
            200,
            JSON,
            json!({"odata.metadata": "x/$metadata#Catalog_Контрагенты", "value": value})
                .to_string(),
        )
    }
}

#[tokio::test]
async fn basic_auth_is_utf8_and_check_tells_outcomes_apart() {
    let expected = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode("Иванов:пароль".as_bytes())
    );
    let want = expected.clone();
    let (url, server) = serve(move |seen, _| {
        if seen.auth.as_deref() == Some(want.as_str()) {
            (200, JSON, json!({"odata.metadata": "x", "value": [{"name": "Catalog_Контрагенты", "url": "Catalog_Контрагенты"}]}).to_string())
        } else {
            (401, "text/plain", "Unauthorized".into())
        }
    })
    .await;
    let ok = client(&url, Format::Json);
    assert_eq!(
        ok.check().await,
        CheckOutcome::Connected {
            entity_sets: Some(1)
        }
    );
    assert_eq!(
        server.seen.lock().unwrap()[0].auth.as_deref(),
        Some(expected.as_str())
    );

    let bad = OdataClient::with_options(&url, "Иванов", "не тот", options(Format::Json)).unwrap();
    assert!(matches!(
        bad.check().await,
        CheckOutcome::Unauthorized { .. }
    ));
    let err = bad.query("Catalog_Контрагенты").fetch().await.unwrap_err();
    assert!(
        matches!(err, OdataError::Unauthorized { status: 401, ref user, .. } if user == "Иванов")
    );
    assert!(!err.to_string().contains("не тот"), "{err}");

    // A port that nothing listens on.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = format!(
        "http://{}/b/odata/standard.odata",
        listener.local_addr().unwrap()
    );
    drop(listener);
    let gone = client(&dead, Format::Json);
    assert!(matches!(
        gone.check().await,
        CheckOutcome::Unreachable { .. }
    ));
}

#[tokio::test]
async fn filters_are_percent_20_encoded_utf8() {
    let (url, server) = serve(|_, _| (200, JSON, json!({"value": []}).to_string())).await;
    let c = client(&url, Format::Json);
    let objs = c
        .query("Catalog_Контрагенты")
        .select(&["Ref_Key", "ИНН"])
        .filter(
            Filter::eq("Description", "ООО \"Ромашка\" и 'Ко'")
                .and(Filter::eq("DeletionMark", false)),
        )
        .fetch()
        .await
        .unwrap();
    assert!(objs.is_empty());
    let seen = server.seen.lock().unwrap()[0].clone();
    assert!(!seen.raw.contains('+'), "{}", seen.raw);
    assert!(seen.raw.contains("%20eq%20"), "{}", seen.raw);
    assert!(
        seen.raw.contains("/Catalog_%D0%9A%D0%BE%D0%BD"),
        "{}",
        seen.raw
    );
    assert_eq!(seen.path, "/demo/odata/standard.odata/Catalog_Контрагенты");
    assert_eq!(
        seen.param("$filter"),
        Some("Description eq 'ООО \"Ромашка\" и ''Ко''' and DeletionMark eq false")
    );
    assert_eq!(seen.param("$select"), Some("Ref_Key,ИНН"));
    assert_eq!(seen.param("$format"), Some("json"));
    assert_eq!(seen.param("$orderby"), Some("Ref_Key"));
}

#[tokio::test]
async fn paging_reads_every_page_with_skip() {
    let (url, server) = serve(paged(2500, 10_000)).await;
    let c = client(&url, Format::Json);
    let objs = c.query("Catalog_Контрагенты").fetch().await.unwrap();
    assert_eq!(objs.len(), 2500);
    assert_eq!(objs[2499].text("ИНН").as_deref(), Some("7700002499"));
    assert_eq!(objs[10].table("КонтактнаяИнформация").len(), 1);
    let seen = server.seen.lock().unwrap().clone();
    let skips: Vec<_> = seen
        .iter()
        .map(|s| s.param("$skip").map(str::to_owned))
        .collect();
    assert_eq!(skips, [None, Some("1000".into()), Some("2000".into())]);
    assert!(seen.iter().all(|s| s.param("$top") == Some("1000")));
    assert_eq!(c.stats().requests, 3);

    let top = c
        .query("Catalog_Контрагенты")
        .top(1500)
        .fetch()
        .await
        .unwrap();
    assert_eq!(top.len(), 1500);
    let last = server.seen.lock().unwrap().last().cloned().unwrap();
    assert_eq!(last.param("$top"), Some("500"));
}

#[tokio::test]
async fn a_500_on_a_fat_page_shrinks_it_and_retries_from_the_same_offset() {
    let (url, server) = serve(paged(700, 300)).await;
    let c = client(&url, Format::Json);
    let objs = c.query("Catalog_Контрагенты").fetch().await.unwrap();
    assert_eq!(objs.len(), 700);
    let refs: std::collections::BTreeSet<_> = objs.iter().map(|o| o.text("Ref_Key")).collect();
    assert_eq!(refs.len(), 700, "no duplicates, no gaps");
    let seen = server.seen.lock().unwrap().clone();
    let tops: Vec<_> = seen
        .iter()
        .map(|s| s.param("$top").unwrap().to_owned())
        .collect();
    assert_eq!(tops[..2], ["1000", "250"], "quartered after the 500");
    assert_eq!(seen[1].param("$skip"), None, "same offset");
    assert_eq!(seen[2].param("$skip"), Some("250"));

    // A 500 on the smallest page is an error, with 1C's message.
    let (url, _) = serve(paged(700, 0)).await;
    let err = client(&url, Format::Json)
        .query("Catalog_Контрагенты")
        .fetch()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, OdataError::OData { status: 500, message, .. } if message.contains("v8_1.tmp")),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_bare_500_without_a_1c_body_also_shrinks_the_page() {
    let json_pages = paged(120, usize::MAX);
    let (url, server) = serve(move |seen, n| {
        let top: usize = seen.param("$top").unwrap().parse().unwrap();
        if top > 50 {
            return (500, "text/plain", "Internal Server Error".into());
        }
        json_pages(seen, n)
    })
    .await;
    let c = client(&url, Format::Json);
    let objs = c
        .query("Catalog_Контрагенты")
        .page_size(200)
        .fetch()
        .await
        .unwrap();
    assert_eq!(objs.len(), 120);
    let tops: Vec<_> = server
        .seen
        .lock()
        .unwrap()
        .iter()
        .map(|s| s.param("$top").unwrap().to_owned())
        .collect();
    assert_eq!(tops, ["200", "50", "50", "50"]);
}

#[tokio::test]
async fn versions_and_reads_by_refs_in_chunks() {
    let (url, server) = serve(move |seen, _| {
        let filter = seen.param("$filter").unwrap_or_default().to_owned();
        let all: Vec<Value> = (0..60).map(counterparty).collect();
        let value: Vec<Value> = all
            .into_iter()
            .filter(|v| filter.is_empty() || filter.contains(v["Ref_Key"].as_str().unwrap()))
            .collect();
        (200, JSON, json!({ "value": value }).to_string())
    })
    .await;
    let c = client(&url, Format::Json);
    let versions = c.versions("Catalog_Контрагенты").await.unwrap();
    assert_eq!(versions.len(), 60);
    assert!(versions[3].deletion_mark && !versions[4].deletion_mark);
    assert_eq!(
        server.seen.lock().unwrap()[0].param("$select"),
        Some("Ref_Key,DataVersion,DeletionMark")
    );

    let refs: Vec<Ref> = (0..60)
        .map(|i| Ref::derived("kontr", &i.to_string()))
        .collect();
    let objs = c
        .get_by_refs("Catalog_Контрагенты", &refs, &["Ref_Key", "ИНН"])
        .await
        .unwrap();
    assert_eq!(objs.len(), 60);
    let seen = server.seen.lock().unwrap().clone();
    let chunks: Vec<_> = seen[1..]
        .iter()
        .map(|s| s.param("$filter").unwrap().matches(" or ").count())
        .collect();
    assert_eq!(chunks.len(), 3);
    assert!(chunks.iter().all(|&n| n <= 24));
    assert!(seen[1..].iter().all(|s| s.raw.len() < 8000));
}

fn invoice() -> RawObject {
    let mut o = RawObject::new("Document_СчетНаОплату")
        .with(
            "Контрагент_Key",
            RawValue::Text(Ref::derived("kontr", "1").to_string()),
        )
        .with("Комментарий", RawValue::Text("Okdesk #123".into()));
    o.tables.insert(
        "Запасы".into(),
        (1..=3)
            .map(|i| {
                RawRow::from([
                    (
                        "Номенклатура_Key".into(),
                        RawValue::Text(Ref::derived("item", "x").to_string()),
                    ),
                    ("Количество".into(), RawValue::Number(f64::from(i))),
                    ("Цена".into(), RawValue::Number(100.5)),
                ])
            })
            .collect(),
    );
    o
}

/// Answers a POST with the posted object plus `Ref_Key`, `DataVersion` and `Number`, as 1C does.
fn echo_created(seen: &Seen, _: usize) -> (u16, &'static str, String) {
    if seen.method == Method::POST {
        let created = Ref::derived("created", "1").to_string();
        if seen.body.starts_with('{') {
            let mut body: Value = serde_json::from_str(&seen.body).unwrap();
            body["Ref_Key"] = json!(created);
            body["DataVersion"] = json!("AAAAAAAAAAE=");
            body["Number"] = json!("0000-000001");
            body["odata.metadata"] = json!("x/$metadata#Document_СчетНаОплату/@Element");
            return (201, JSON, body.to_string());
        }
        let body = seen.body.replace(
            "<m:properties>",
            &format!(
                "<m:properties><d:Ref_Key>{created}</d:Ref_Key><d:Number>0000-000001</d:Number>"
            ),
        );
        return (201, ATOM, body);
    }
    (405, "text/plain", String::new())
}

#[tokio::test]
async fn create_sends_whole_tabular_sections_with_line_numbers() {
    for format in [Format::Json, Format::Atom] {
        let (url, server) = serve(echo_created).await;
        let c = client(&url, format);
        let created = c.create(&invoice()).await.unwrap();
        assert_eq!(created.set, "Document_СчетНаОплату");
        assert_eq!(
            created.ref_key().unwrap(),
            Some(Ref::derived("created", "1")),
            "{format:?}"
        );
        assert_eq!(created.text("Number").as_deref(), Some("0000-000001"));
        let rows = created.table("Запасы");
        assert_eq!(rows.len(), 3);
        for (i, row) in rows.iter().enumerate() {
            assert_eq!(
                row["LineNumber"],
                RawValue::Text((i + 1).to_string()),
                "{format:?}"
            );
        }
        let seen = server.seen.lock().unwrap()[0].clone();
        assert_eq!(seen.method, Method::POST);
        assert_eq!(
            seen.path,
            "/demo/odata/standard.odata/Document_СчетНаОплату"
        );
        assert_eq!(
            seen.body.matches("LineNumber").count(),
            if format == Format::Json { 3 } else { 6 }
        );
    }
}

#[tokio::test]
async fn post_patch_and_deletion_mark() {
    let (url, server) = serve(|seen, _| {
        if seen.path.ends_with("/Post") {
            return (200, JSON, String::new());
        }
        let mut obj =
            json!({"Ref_Key": Ref::derived("d", "1").to_string(), "DataVersion": "AAAAAAAAAAM="});
        if let Ok(Value::Object(patch)) = serde_json::from_str::<Value>(&seen.body) {
            for (k, v) in patch {
                obj[k] = v;
            }
        }
        (200, JSON, obj.to_string())
    })
    .await;
    let c = client(&url, Format::Json);
    let doc = Ref::derived("d", "1");
    c.post_document("Document_СчетНаОплату", doc).await.unwrap();
    let marked = c
        .set_deletion_mark("Document_СчетНаОплату", doc, true)
        .await
        .unwrap();
    assert_eq!(marked.boolean("DeletionMark").unwrap(), Some(true));
    let patched = c
        .patch(
            "Document_СчетНаОплату",
            doc,
            &RawObject::new("Document_СчетНаОплату")
                .with("Комментарий", RawValue::Text("новый".into())),
        )
        .await
        .unwrap();
    assert_eq!(patched.text("Комментарий").as_deref(), Some("новый"));
    let seen = server.seen.lock().unwrap().clone();
    assert_eq!(seen[0].method, Method::POST);
    assert_eq!(
        seen[0].path,
        format!("/demo/odata/standard.odata/Document_СчетНаОплату(guid'{doc}')/Post")
    );
    assert_eq!(seen[0].param("PostingModeOperational"), Some("false"));
    assert_eq!(seen[1].method, Method::PATCH);
    assert_eq!(
        serde_json::from_str::<Value>(&seen[1].body).unwrap(),
        json!({"DeletionMark": true})
    );
}

#[tokio::test]
async fn errors_are_mapped_and_only_transient_ones_retried() {
    let (url, server) = serve(|seen, n| match seen.path.rsplit('/').next().unwrap() {
        "Catalog_Нет" => (404, XML, r#"<?xml version="1.0"?><m:error xmlns:m="http://schemas.microsoft.com/ado/2007/08/dataservices/metadata"><m:code>9</m:code><m:message>Не найдено</m:message></m:error>"#.into()),
        "Catalog_Ошибка200" => (200, JSON, "\u{feff}{\"odata.error\":{\"code\":\"14\",\"message\":{\"lang\":\"ru\",\"value\":\"Неверный $filter\"}}}".into()),
        "Catalog_Html" => (200, "text/html", "<html><head><title>Сервис недоступен</title></head></html>".into()),
        "Catalog_Мусор" => (502, "text/plain", "bad gateway".into()),
        // The first request here fails with a 503, the retry succeeds.
        "Catalog_Сбой" if n == 7 => (503, "text/plain", "busy".into()),
        "Catalog_Сбой" => (200, JSON, json!({"value": [counterparty(1)]}).to_string()),
        _ => (500, JSON, json!({"odata.error": {"code": "-1", "message": {"lang": "ru", "value": "Дата запрета изменения"}}}).to_string()),
    })
    .await;
    let c = client(&url, Format::Json);
    let err = c.query("Catalog_Нет").fetch().await.unwrap_err();
    assert_eq!(
        err,
        OdataError::NotFound {
            url: format!("{url}/Catalog_Нет?$format=json&$orderby=Ref_Key&$top=1000"),
            message: Some("Не найдено".into())
        }
    );
    assert_eq!(
        c.query("Catalog_Ошибка200").fetch().await.unwrap_err(),
        OdataError::OData {
            status: 200,
            code: "14".into(),
            message: "Неверный $filter".into()
        }
    );
    assert_eq!(
        c.query("Catalog_Html").fetch().await.unwrap_err(),
        OdataError::Html {
            status: 200,
            title: "Сервис недоступен".into()
        }
    );
    let err = c.query("Catalog_Мусор").fetch().await.unwrap_err();
    assert!(
        matches!(&err, OdataError::Http { status: 502, message, .. } if message == "bad gateway"),
        "{err:?}"
    );
    let before = c.stats().requests;
    assert_eq!(before, 3 + 3, "the 502 was tried three times");
    let ok = c.query("Catalog_Сбой").fetch().await.unwrap();
    assert_eq!(ok.len(), 1);
    assert_eq!(c.stats().retries, 2 + 1);

    let err = c.create(&invoice()).await.unwrap_err();
    assert_eq!(
        err,
        OdataError::OData {
            status: 500,
            code: "-1".into(),
            message: "Дата запрета изменения".into()
        }
    );
    let n = server.seen.lock().unwrap().len();
    assert_eq!(n, 6 + 2 + 1, "a business error is not retried");
}

fn capture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../conformance/onec/ut11-trade-demo")
        .join(name);
    std::fs::read_to_string(path).unwrap()
}

#[tokio::test]
async fn select_changes_uses_the_node_and_the_next_message_number() {
    let node = "a9bc23c5-3689-11f1-926c-0800270bc6cb";
    let feed = capture("msg004_kontragenti.xml");
    let metadata = capture("msg001_metadata.xml");
    let (url, server) = serve(move |seen, _| {
        let last = seen.path.rsplit('/').next().unwrap();
        match last {
            "ExchangePlan_ДляODATA" => (
                200,
                JSON,
                json!({"value": [{"Ref_Key": node, "Code": "OKDESK", "ReceivedNo": "33"}]})
                    .to_string(),
            ),
            "SelectChanges" => (200, ATOM, feed.clone()),
            "NotifyChangesReceived" => (200, ATOM, String::new()),
            "$metadata" => (200, XML, metadata.clone()),
            _ => (404, "text/plain", String::new()),
        }
    })
    .await;
    let c = client(&url, Format::Atom);
    let meta = c.metadata().await.unwrap();
    assert!(meta.has_set("ExchangePlan_ДляODATA"));

    let c = client(&url, Format::Json);
    let changes = c.select_changes("ДляODATA", "OKDESK").await.unwrap();
    assert_eq!(changes.message_no, 34);
    assert_eq!(changes.node.to_string(), node);
    assert_eq!(changes.feed.entries.len(), 5);
    c.notify_changes_received(&changes).await.unwrap();
    let seen = server.seen.lock().unwrap().clone();
    assert_eq!(seen[1].param("$filter"), Some("Code eq 'OKDESK'"));
    let select = &seen[2];
    assert_eq!(select.method, Method::POST);
    assert_eq!(
        select.param("DataExchangePoint").unwrap(),
        format!("'{url}/ExchangePlan_ДляODATA(guid'{node}')'")
    );
    assert_eq!(select.param("MessageNo"), Some("34"));
    assert!(seen[3].path.ends_with("/NotifyChangesReceived"));
    assert_eq!(seen[3].param("MessageNo"), Some("34"));
    assert_eq!(c.stats().requests, 3);
}

#[tokio::test]
async fn atom_reads_page_like_json() {
    let feed = capture("msg004_kontragenti.xml");
    let (url, server) = serve(move |_, _| (200, ATOM, feed.clone())).await;
    let c = client(&url, Format::Atom);
    let objs = c
        .query("Catalog_Контрагенты")
        .page_size(5)
        .top(5)
        .fetch()
        .await
        .unwrap();
    assert_eq!(objs.len(), 5);
    assert!(objs
        .iter()
        .any(|o| o.text("ИНН").as_deref() == Some("4825005381")));
    let seen = server.seen.lock().unwrap()[0].clone();
    assert_eq!(seen.param("$format"), None, "Atom is the default format");
}
