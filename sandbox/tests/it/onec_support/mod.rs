//! Helpers shared by the 1C simulator tests: an authenticated reqwest client and small request
//! wrappers that return the status and the body.

#![allow(dead_code, unreachable_pub)]

use reqwest::{Client, Method, StatusCode};
use sandbox::onec::{Configuration, OnecConfig, OnecSandbox};
use serde_json::Value;

pub async fn start(configuration: Configuration) -> OnecSandbox {
    OnecSandbox::start(OnecConfig::new(configuration))
        .await
        .unwrap()
}

pub fn client() -> Client {
    Client::builder()
        .timeout(std::time::Duration::from_secs(20))
        .build()
        .unwrap()
}

/// Sends a request with the simulator's credentials; `path` is appended to the OData root.
pub async fn send(
    sb: &OnecSandbox,
    method: Method,
    path: &str,
    body: Option<(&str, String)>,
) -> (StatusCode, String) {
    let url = format!("{}/{}", sb.url(), path.trim_start_matches('/'));
    let mut req = client()
        .request(method, &url)
        .basic_auth(sb.user(), Some(sb.password()));
    if let Some((ctype, body)) = body {
        req = req.header("Content-Type", ctype).body(body);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status();
    (status, resp.text().await.unwrap())
}

pub async fn get(sb: &OnecSandbox, path: &str) -> (StatusCode, String) {
    send(sb, Method::GET, path, None).await
}

/// GETs a JSON document and checks the status is 200.
pub async fn get_json(sb: &OnecSandbox, path: &str) -> Value {
    let (status, body) = get(sb, path).await;
    assert_eq!(status, StatusCode::OK, "GET {path}: {body}");
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("GET {path}: not JSON ({e}): {body}"))
}

/// The `value` array of a JSON collection.
pub async fn list(sb: &OnecSandbox, path: &str) -> Vec<Value> {
    get_json(sb, path)
        .await
        .get("value")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_else(|| panic!("GET {path}: no value array"))
}

pub async fn post_json(sb: &OnecSandbox, path: &str, body: &Value) -> (StatusCode, String) {
    send(
        sb,
        Method::POST,
        path,
        Some(("application/json", body.to_string())),
    )
    .await
}

pub async fn patch_json(sb: &OnecSandbox, path: &str, body: &Value) -> (StatusCode, String) {
    send(
        sb,
        Method::PATCH,
        path,
        Some(("application/json", body.to_string())),
    )
    .await
}

/// The `odata.error` code of a JSON error body.
pub fn error_code(body: &str) -> String {
    let v: Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"));
    v["odata.error"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("no odata.error: {body}"))
        .to_owned()
}
