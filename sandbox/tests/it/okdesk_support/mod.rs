//! Shared helpers of the Okdesk simulator tests: a started sandbox and plain reqwest calls.

#![allow(dead_code, unreachable_pub)]

use reqwest::{Client, Response};
use sandbox::okdesk::{OkdeskConfig, OkdeskSandbox};
use serde_json::Value;

pub struct Api {
    pub sandbox: OkdeskSandbox,
    pub http: Client,
}

impl Api {
    pub async fn start(config: OkdeskConfig) -> Api {
        let sandbox = OkdeskSandbox::start(config).await.unwrap();
        let http = Client::builder()
            .timeout(std::time::Duration::from_secs(10))
            .build()
            .unwrap();
        Api { sandbox, http }
    }

    /// `{api}/{path}` with the token appended (`path` may carry its own query).
    pub fn url(&self, path: &str) -> String {
        let sep = if path.contains('?') { '&' } else { '?' };
        format!(
            "{}/{}{}api_token={}",
            self.sandbox.api_url(),
            path.trim_start_matches('/'),
            sep,
            self.sandbox.token()
        )
    }

    pub async fn get(&self, path: &str) -> Response {
        self.http.get(self.url(path)).send().await.unwrap()
    }

    pub async fn get_json(&self, path: &str) -> (u16, Value) {
        let r = self.get(path).await;
        let status = r.status().as_u16();
        (status, r.json().await.unwrap())
    }

    pub async fn send_json(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Value,
    ) -> (u16, Value) {
        let r = self
            .http
            .request(method, self.url(path))
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap())
    }

    pub async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        self.send_json(reqwest::Method::POST, path, body).await
    }

    pub async fn patch(&self, path: &str, body: Value) -> (u16, Value) {
        self.send_json(reqwest::Method::PATCH, path, body).await
    }
}
