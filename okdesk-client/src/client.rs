//! The client: configuration, the shared rate limiter and concurrency bound, request statistics,
//! and the one place where HTTP requests are sent, retried and decoded.

use std::collections::BTreeMap;
use std::fmt;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use bytes::Bytes;
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use reqwest::header::HeaderMap;
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde::Serialize;
use tokio::sync::Semaphore;
use tracing::Instrument;
use url::Url;

use crate::error::{Error, Result};
use crate::errors_body;
use crate::query::Query;
use crate::retry::RetryPolicy;
use crate::time::AccountTimeZone;
use crate::token::{redact, ApiToken};

/// Default bound on a response body.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 32 * 1024 * 1024;

/// An Okdesk API client. Cloning is cheap: clones share the HTTP connection pool, the rate limiter,
/// the concurrency bound and the request counters.
#[derive(Clone)]
pub struct OkdeskClient {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    download_http: reqwest::Client,
    /// The account root without a trailing slash, e.g. `https://acme.okdesk.ru`.
    account: String,
    token: ApiToken,
    limiter: Option<DefaultDirectRateLimiter>,
    semaphore: Semaphore,
    retry: RetryPolicy,
    max_body: usize,
    tz: AccountTimeZone,
    stats: Mutex<RequestStats>,
}

impl fmt::Debug for OkdeskClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OkdeskClient")
            .field("account", &self.inner.account)
            .field("token", &self.inner.token)
            .field("retry", &self.inner.retry)
            .finish_non_exhaustive()
    }
}

/// Counts of HTTP requests made by a client and its clones (every attempt counts, retries included).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RequestStats {
    /// All requests sent (or attempted).
    pub total: u64,
    /// Requests per HTTP method (`GET`, `POST`, `PATCH`, …).
    pub by_method: BTreeMap<String, u64>,
    /// How many of them were retries.
    pub retries: u64,
}

/// Configures an [`OkdeskClient`].
#[derive(Debug, Clone)]
pub struct ClientBuilder {
    base_url: String,
    token: ApiToken,
    rate: Option<(u32, u32)>,
    max_concurrency: usize,
    timeout: Duration,
    connect_timeout: Duration,
    retry: RetryPolicy,
    max_body: usize,
    tz: AccountTimeZone,
    user_agent: String,
}

impl OkdeskClient {
    /// Starts configuring a client for the account at `base_url` (`https://acme.okdesk.ru`, a custom
    /// domain, or `http://127.0.0.1:PORT`; a trailing `/api/v1` is accepted and ignored).
    ///
    /// Defaults: 10 requests/second with a burst of 20, 8 concurrent requests, a 30 s timeout, the
    /// default [`RetryPolicy`], 32 MiB bodies, the Moscow account zone.
    ///
    /// ```no_run
    /// # async fn run() -> okdesk_client::Result<()> {
    /// use okdesk_client::{ApiToken, OkdeskClient};
    /// let client = OkdeskClient::builder("https://acme.okdesk.ru", ApiToken::new("token"))
    ///     .rate_limit(5, 10)
    ///     .max_concurrency(4)
    ///     .build()?;
    /// # Ok(()) }
    /// ```
    pub fn builder(base_url: &str, token: ApiToken) -> ClientBuilder {
        ClientBuilder {
            base_url: base_url.to_owned(),
            token,
            rate: Some((10, 20)),
            max_concurrency: 8,
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            retry: RetryPolicy::default(),
            max_body: DEFAULT_MAX_RESPONSE_BYTES,
            tz: AccountTimeZone::default(),
            user_agent: concat!("okdesk-1c/", env!("CARGO_PKG_VERSION")).to_owned(),
        }
    }

    /// Requests made so far by this client and its clones.
    pub fn stats(&self) -> RequestStats {
        self.inner
            .stats
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The account root (`https://acme.okdesk.ru`), without `/api/v1`.
    pub fn account_url(&self) -> &str {
        &self.inner.account
    }

    /// The account time zone used to format filter dates.
    pub fn account_time_zone(&self) -> AccountTimeZone {
        self.inner.tz
    }

    /// Sends `GET /api/v1/{path}` with `query` and returns the JSON, for endpoints this crate does
    /// not wrap yet. The token is added by the client.
    ///
    /// ```no_run
    /// # async fn run(client: okdesk_client::OkdeskClient) -> okdesk_client::Result<()> {
    /// let priorities = client.get_json("issues/priorities", &okdesk_client::Query::new()).await?;
    /// # Ok(()) }
    /// ```
    pub async fn get_json(&self, path: &str, query: &Query) -> Result<serde_json::Value> {
        self.get(path, query).await
    }

    // --- Crate-internal request helpers used by the handlers. ---

    pub(crate) async fn get<T: DeserializeOwned>(&self, path: &str, query: &Query) -> Result<T> {
        let req = ApiRequest::new(Method::GET, path, query.clone(), Body::Empty);
        let resp = self.execute(&req).await?;
        self.decode(&req, &resp)
    }

    pub(crate) async fn get_one_or_many<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &Query,
    ) -> Result<Vec<T>> {
        let req = ApiRequest::new(Method::GET, path, query.clone(), Body::Empty);
        let resp = self.execute(&req).await?;
        self.decode_one_or_many(&req, &resp)
    }

    pub(crate) async fn send_json<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: &B,
    ) -> Result<T> {
        let req = ApiRequest::json(method, path, body)?;
        let resp = self.execute(&req).await?;
        self.decode(&req, &resp)
    }

    /// Sends a write whose answer may be empty or not JSON; returns the JSON when there is some.
    pub(crate) async fn send_json_lenient<B: Serialize + ?Sized>(
        &self,
        method: Method,
        path: &str,
        body: &B,
    ) -> Result<Option<serde_json::Value>> {
        let req = ApiRequest::json(method, path, body)?;
        let resp = self.execute(&req).await?;
        if resp.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(None);
        }
        match serde_json::from_slice::<serde_json::Value>(&resp.body) {
            Ok(v) if errors_body::is_error_shaped(&v) => {
                Err(self.error_in_success(&req, resp.status, &v))
            }
            Ok(v) => Ok(Some(v)),
            Err(_) => Ok(None),
        }
    }

    pub(crate) async fn send_multipart<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        fields: Vec<FormField>,
    ) -> Result<T> {
        let req = ApiRequest::new(method, path, Query::new(), Body::Multipart(fields));
        let resp = self.execute(&req).await?;
        self.decode(&req, &resp)
    }

    /// Downloads a file from an absolute URL (an attachment's temporary link) without the token.
    pub(crate) async fn download(&self, url: &str) -> Result<Bytes> {
        let endpoint = "GET attachment_url".to_owned();
        let parsed = Url::parse(url).map_err(|e| Error::Request {
            endpoint: endpoint.clone(),
            message: format!("the attachment link is not a URL: {e}"),
        })?;
        let start = Instant::now();
        let mut retry = 0;
        loop {
            let result = self
                .attempt(
                    &self.inner.download_http,
                    &Method::GET,
                    &parsed,
                    &Body::Empty,
                    &endpoint,
                )
                .await;
            let (err, hint) = match result {
                Ok(resp) if (200..300).contains(&resp.status) => return Ok(resp.body),
                Ok(resp) => {
                    let retryable = resp.status == 429 || resp.status == 408 || resp.status >= 500;
                    let hint = retry_after(&resp.headers);
                    let err = self.status_error(&endpoint, &resp);
                    if !retryable {
                        return Err(err);
                    }
                    (err, hint)
                }
                Err(e @ Error::Transport { .. }) => (e, None),
                Err(e) => return Err(e),
            };
            match self.next_wait(retry, start, hint) {
                Some(wait) => {
                    self.note_retry(&endpoint, &err, wait);
                    tokio::time::sleep(wait).await;
                    retry += 1;
                }
                None => return Err(err),
            }
        }
    }

    // --- The request pipeline. ---

    fn url(&self, req: &ApiRequest) -> Result<Url> {
        let mut url = Url::parse(&format!(
            "{}/api/v1/{}",
            self.inner.account,
            req.path.trim_start_matches('/')
        ))
        .map_err(|e| Error::Request {
            endpoint: req.endpoint(),
            message: format!("bad path: {e}"),
        })?;
        {
            let mut qp = url.query_pairs_mut();
            for (k, v) in req.query.pairs() {
                qp.append_pair(k, v);
            }
            qp.append_pair("api_token", self.inner.token.expose());
        }
        Ok(url)
    }

    /// Sends `req`, retrying as [`RetryPolicy`] describes; returns a 2xx answer or the error.
    /// Runs inside a `okdesk_request` span that names the endpoint (never the URL, which holds the
    /// token).
    pub(crate) async fn execute(&self, req: &ApiRequest) -> Result<RawResponse> {
        let span = tracing::debug_span!("okdesk_request", endpoint = %req.endpoint());
        self.execute_in_span(req).instrument(span).await
    }

    async fn execute_in_span(&self, req: &ApiRequest) -> Result<RawResponse> {
        let endpoint = req.endpoint();
        let url = self.url(req)?;
        let idempotent = req.method != Method::POST;
        let start = Instant::now();
        let mut retry = 0;
        loop {
            let result = self
                .attempt(&self.inner.http, &req.method, &url, &req.body, &endpoint)
                .await;
            let (err, hint) = match result {
                Ok(resp) if (200..300).contains(&resp.status) => return Ok(resp),
                Ok(resp) => {
                    let err = self.status_error(&endpoint, &resp);
                    let server_side = resp.status == 408 || resp.status >= 500;
                    if server_side && !idempotent {
                        // The POST reached Okdesk; it may have been applied before the failure.
                        return Err(Error::MaybeCommitted {
                            endpoint,
                            source: Box::new(err),
                        });
                    }
                    if !(server_side || resp.status == 429) {
                        return Err(err);
                    }
                    (err, retry_after(&resp.headers))
                }
                Err(err @ Error::Transport { connect, .. }) => {
                    if !idempotent && !connect {
                        return Err(Error::MaybeCommitted {
                            endpoint,
                            source: Box::new(err),
                        });
                    }
                    (err, None)
                }
                Err(err) => return Err(err),
            };
            match self.next_wait(retry, start, hint) {
                Some(wait) => {
                    self.note_retry(&endpoint, &err, wait);
                    tokio::time::sleep(wait).await;
                    retry += 1;
                }
                None => return Err(err),
            }
        }
    }

    /// The wait before the next retry, or `None` when the budget (count or time) is spent.
    fn next_wait(&self, retry: u32, start: Instant, hint: Option<Duration>) -> Option<Duration> {
        let policy = &self.inner.retry;
        if retry >= policy.max_retries {
            return None;
        }
        let wait = hint.unwrap_or_else(|| policy.backoff(retry));
        (start.elapsed() + wait <= policy.max_elapsed).then_some(wait)
    }

    fn note_retry(&self, endpoint: &str, err: &Error, wait: Duration) {
        tracing::warn!(%endpoint, error = %err, wait_ms = wait.as_millis() as u64, "retrying okdesk request");
        self.inner
            .stats
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .retries += 1;
    }

    /// One HTTP exchange: waits for the rate limiter and a concurrency permit, sends, reads the body
    /// within the size bound.
    async fn attempt(
        &self,
        http: &reqwest::Client,
        method: &Method,
        url: &Url,
        body: &Body,
        endpoint: &str,
    ) -> Result<RawResponse> {
        if let Some(limiter) = &self.inner.limiter {
            limiter.until_ready().await;
        }
        let _permit = self
            .inner
            .semaphore
            .acquire()
            .await
            .expect("the client never closes its semaphore");
        {
            let mut stats = self
                .inner
                .stats
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            stats.total += 1;
            *stats
                .by_method
                .entry(method.as_str().to_owned())
                .or_insert(0) += 1;
        }
        let started = Instant::now();
        let mut builder = http.request(method.clone(), url.clone());
        builder = match body {
            Body::Empty => builder,
            Body::Json(bytes) => builder
                .header(
                    reqwest::header::CONTENT_TYPE,
                    "application/json; charset=utf-8",
                )
                .body(bytes.clone()),
            Body::Multipart(fields) => builder.multipart(build_form(fields, endpoint)?),
        };
        let mut resp = builder
            .send()
            .await
            .map_err(|e| self.transport_error(endpoint, e))?;
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let limit = self.inner.max_body;
        if resp.content_length().is_some_and(|len| len > limit as u64) {
            return Err(Error::BodyTooLarge {
                endpoint: endpoint.to_owned(),
                limit,
            });
        }
        let mut buf = Vec::new();
        while let Some(chunk) = resp
            .chunk()
            .await
            .map_err(|e| self.transport_error(endpoint, e))?
        {
            if buf.len() + chunk.len() > limit {
                return Err(Error::BodyTooLarge {
                    endpoint: endpoint.to_owned(),
                    limit,
                });
            }
            buf.extend_from_slice(&chunk);
        }
        tracing::debug!(%endpoint, status, bytes = buf.len(), elapsed_ms = started.elapsed().as_millis() as u64, "okdesk request");
        Ok(RawResponse {
            status,
            headers,
            body: Bytes::from(buf),
        })
    }

    fn transport_error(&self, endpoint: &str, err: reqwest::Error) -> Error {
        let timeout = err.is_timeout();
        let connect = err.is_connect();
        let err = err.without_url();
        let mut message = err.to_string();
        let mut source = std::error::Error::source(&err);
        while let Some(s) = source {
            let text = s.to_string();
            if !message.contains(&text) {
                message.push_str(": ");
                message.push_str(&text);
            }
            source = s.source();
        }
        Error::Transport {
            endpoint: endpoint.to_owned(),
            message: self.redact(&message),
            timeout,
            connect,
        }
    }

    pub(crate) fn redact(&self, text: &str) -> String {
        redact(text, &self.inner.token)
    }

    /// Maps a non-2xx answer to an error.
    fn status_error(&self, endpoint: &str, resp: &RawResponse) -> Error {
        let body = self.redact(&String::from_utf8_lossy(&resp.body));
        let messages = errors_body::messages_from_body(&body);
        let message = (!messages.is_empty()).then(|| messages.join("; "));
        let endpoint = endpoint.to_owned();
        match resp.status {
            401 => Error::Unauthorized { endpoint, message },
            403 => Error::Forbidden { endpoint, message },
            404 => Error::NotFound { endpoint, message },
            429 => Error::RateLimited {
                endpoint,
                retry_after: retry_after(&resp.headers),
            },
            400 | 422 => Error::Validation {
                endpoint,
                status: resp.status,
                messages,
                body,
            },
            status @ 500..=599 => Error::Server {
                endpoint,
                status,
                body,
            },
            status => Error::UnexpectedStatus {
                endpoint,
                status,
                body,
            },
        }
    }

    /// Maps a 2xx answer whose body is `{"errors": …}` (no `id`) to an error: "not found" for a read,
    /// a validation failure for a write.
    fn error_in_success(&self, req: &ApiRequest, status: u16, body: &serde_json::Value) -> Error {
        let messages: Vec<String> = errors_body::messages_from_value(body)
            .iter()
            .map(|m| self.redact(m))
            .collect();
        if req.method == Method::GET {
            let message = Some(if messages.is_empty() {
                "okdesk answered with an error body".to_owned()
            } else {
                messages.join("; ")
            });
            Error::NotFound {
                endpoint: req.endpoint(),
                message,
            }
        } else {
            Error::Validation {
                endpoint: req.endpoint(),
                status,
                messages,
                body: self.redact(&body.to_string()),
            }
        }
    }

    fn decode<T: DeserializeOwned>(&self, req: &ApiRequest, resp: &RawResponse) -> Result<T> {
        if looks_error_shaped(&resp.body) {
            if let Ok(v) = serde_json::from_slice::<serde_json::Value>(&resp.body) {
                if errors_body::is_error_shaped(&v) {
                    return Err(self.error_in_success(req, resp.status, &v));
                }
            }
        }
        let mut de = serde_json::Deserializer::from_slice(&resp.body);
        let value: T =
            serde_path_to_error::deserialize(&mut de).map_err(|e| self.decode_error(req, &e))?;
        de.end().map_err(|e| Error::Decode {
            endpoint: req.endpoint(),
            path: ".".to_owned(),
            message: self.redact(&e.to_string()),
        })?;
        Ok(value)
    }

    fn decode_error(
        &self,
        req: &ApiRequest,
        e: &serde_path_to_error::Error<serde_json::Error>,
    ) -> Error {
        Error::Decode {
            endpoint: req.endpoint(),
            path: e.path().to_string(),
            message: self.redact(&e.inner().to_string()),
        }
    }

    /// Decodes a search answer that may be one object, an array, `{}`, `[]` or `null`.
    fn decode_one_or_many<T: DeserializeOwned>(
        &self,
        req: &ApiRequest,
        resp: &RawResponse,
    ) -> Result<Vec<T>> {
        if resp.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(Vec::new());
        }
        let value: serde_json::Value =
            serde_json::from_slice(&resp.body).map_err(|e| Error::Decode {
                endpoint: req.endpoint(),
                path: ".".to_owned(),
                message: self.redact(&e.to_string()),
            })?;
        match value {
            serde_json::Value::Null => Ok(Vec::new()),
            serde_json::Value::Object(ref m) if m.is_empty() => Ok(Vec::new()),
            // A search that matches nothing may answer with an error body; that is an empty result.
            v if errors_body::is_error_shaped(&v) => Ok(Vec::new()),
            v @ serde_json::Value::Array(_) => {
                serde_path_to_error::deserialize(v).map_err(|e| self.decode_error(req, &e))
            }
            v => serde_path_to_error::deserialize(v)
                .map(|one| vec![one])
                .map_err(|e| self.decode_error(req, &e)),
        }
    }
}

impl ClientBuilder {
    /// Sets the client-side rate limit shared by all clones. `requests_per_second == 0` disables it.
    pub fn rate_limit(mut self, requests_per_second: u32, burst: u32) -> Self {
        self.rate = (requests_per_second > 0).then_some((requests_per_second, burst.max(1)));
        self
    }

    /// Bounds the number of requests in flight at once (at least 1).
    pub fn max_concurrency(mut self, n: usize) -> Self {
        self.max_concurrency = n.max(1);
        self
    }

    /// The timeout of one HTTP attempt, body included.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The timeout for opening a connection.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The retry policy for failed calls.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Refuses response bodies larger than `bytes` (default 32 MiB).
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.max_body = bytes;
        self
    }

    /// The account's time zone, used to format date filters (default UTC+3).
    pub fn account_time_zone(mut self, tz: AccountTimeZone) -> Self {
        self.tz = tz;
        self
    }

    /// The `User-Agent` header.
    pub fn user_agent(mut self, ua: impl Into<String>) -> Self {
        self.user_agent = ua.into();
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<OkdeskClient> {
        if self.token.is_empty() {
            return Err(Error::Config("the API token is empty".to_owned()));
        }
        let account = normalize_base_url(&self.base_url)?;
        let parsed = Url::parse(&account).expect("normalize_base_url returns a parsable URL");
        let scheme = parsed.scheme().to_owned();
        let host = parsed.host_str().map(str::to_owned);
        let port = parsed.port_or_known_default();
        // Follow a redirect only within the account's own origin: elsewhere the token would travel
        // to a host the user never configured.
        let same_origin = reqwest::redirect::Policy::custom(move |attempt| {
            let url = attempt.url();
            let same = url.scheme() == scheme
                && url.host_str() == host.as_deref()
                && url.port_or_known_default() == port;
            if attempt.previous().len() >= 5 || !same {
                attempt.stop()
            } else {
                attempt.follow()
            }
        });
        let http = reqwest::Client::builder()
            .redirect(same_origin)
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout)
            .user_agent(self.user_agent.clone())
            .build()
            .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?;
        // Attachment links point at a file store on another host and carry no token, so ordinary
        // redirects are fine there.
        let download_http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::limited(5))
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout)
            .user_agent(self.user_agent)
            .build()
            .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?;
        let limiter = self.rate.map(|(rps, burst)| {
            let rps = NonZeroU32::new(rps).expect("rate_limit stores only positive rates");
            let burst = NonZeroU32::new(burst).expect("rate_limit stores a burst of at least 1");
            RateLimiter::direct(Quota::per_second(rps).allow_burst(burst))
        });
        Ok(OkdeskClient {
            inner: Arc::new(Inner {
                http,
                download_http,
                account,
                token: self.token,
                limiter,
                semaphore: Semaphore::new(self.max_concurrency),
                retry: self.retry,
                max_body: self.max_body,
                tz: self.tz,
                stats: Mutex::new(RequestStats::default()),
            }),
        })
    }
}

/// Turns a user-given base URL into the account root: no trailing `/`, no trailing `/api/v1`.
fn normalize_base_url(raw: &str) -> Result<String> {
    let trimmed = raw.trim();
    let url = Url::parse(trimmed).map_err(|e| {
        Error::Config(format!(
            "the Okdesk URL `{}` is not a URL: {e}",
            crate::token::mask_api_token_params(trimmed)
        ))
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Error::Config(format!(
            "the Okdesk URL must be http or https, not `{}`",
            url.scheme()
        )));
    }
    if url.host_str().is_none() {
        return Err(Error::Config("the Okdesk URL has no host".to_owned()));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::Config(
            "the Okdesk URL must not carry a query or fragment; give the token separately"
                .to_owned(),
        ));
    }
    let mut s = url.as_str().trim_end_matches('/').to_owned();
    for suffix in ["/api/v1", "/api"] {
        if let Some(stripped) = s.strip_suffix(suffix) {
            s = stripped.trim_end_matches('/').to_owned();
            break;
        }
    }
    Ok(s)
}

fn looks_error_shaped(body: &[u8]) -> bool {
    body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{')
        && body.windows(8).any(|w| w == b"\"errors\"")
}

/// Reads `Retry-After` as seconds or as an HTTP date.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let v = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(secs) = v.parse::<f64>() {
        return (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs));
    }
    let at = chrono::DateTime::parse_from_rfc2822(v).ok()?;
    let delta = at.with_timezone(&chrono::Utc) - chrono::Utc::now();
    Some(delta.to_std().unwrap_or(Duration::ZERO))
}

/// A request described as data, so it can be sent again on retry.
#[derive(Debug)]
pub(crate) struct ApiRequest {
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) query: Query,
    pub(crate) body: Body,
}

impl ApiRequest {
    pub(crate) fn new(method: Method, path: &str, query: Query, body: Body) -> Self {
        Self {
            method,
            path: path.trim_start_matches('/').to_owned(),
            query,
            body,
        }
    }

    fn json<B: Serialize + ?Sized>(method: Method, path: &str, body: &B) -> Result<Self> {
        let mut req = Self::new(method, path, Query::new(), Body::Empty);
        let bytes = serde_json::to_vec(body).map_err(|e| Error::Request {
            endpoint: req.endpoint(),
            message: format!("cannot serialise the body: {e}"),
        })?;
        req.body = Body::Json(bytes);
        Ok(req)
    }

    /// `METHOD /api/v1/path`, without the query (which holds the token).
    pub(crate) fn endpoint(&self) -> String {
        format!("{} /api/v1/{}", self.method, self.path)
    }
}

/// A request body.
#[derive(Debug)]
pub(crate) enum Body {
    Empty,
    Json(Vec<u8>),
    Multipart(Vec<FormField>),
}

/// One multipart field.
#[derive(Debug, Clone)]
pub(crate) struct FormField {
    pub(crate) name: String,
    pub(crate) value: FormValue,
}

/// A multipart field's value.
#[derive(Debug, Clone)]
pub(crate) enum FormValue {
    Text(String),
    File {
        file_name: String,
        content_type: String,
        bytes: Bytes,
    },
}

fn build_form(fields: &[FormField], endpoint: &str) -> Result<reqwest::multipart::Form> {
    let mut form = reqwest::multipart::Form::new();
    for field in fields {
        form = match &field.value {
            FormValue::Text(t) => form.text(field.name.clone(), t.clone()),
            FormValue::File {
                file_name,
                content_type,
                bytes,
            } => {
                let part = reqwest::multipart::Part::stream(bytes.clone())
                    .file_name(file_name.clone())
                    .mime_str(content_type)
                    .map_err(|e| Error::Request {
                        endpoint: endpoint.to_owned(),
                        message: format!(
                            "file `{file_name}` has a bad content type `{content_type}`: {e}"
                        ),
                    })?;
                form.part(field.name.clone(), part)
            }
        };
    }
    Ok(form)
}

/// A 2xx answer, read whole.
#[derive(Debug)]
pub(crate) struct RawResponse {
    pub(crate) status: u16,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_normalise() {
        for (input, want) in [
            ("https://acme.okdesk.ru", "https://acme.okdesk.ru"),
            ("https://acme.okdesk.ru/", "https://acme.okdesk.ru"),
            ("https://acme.okdesk.ru/api/v1", "https://acme.okdesk.ru"),
            ("https://acme.okdesk.ru/api/v1/", "https://acme.okdesk.ru"),
            ("https://sd.cpsupport.ru", "https://sd.cpsupport.ru"),
            ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
            ("http://127.0.0.1:8080/api/v1", "http://127.0.0.1:8080"),
        ] {
            assert_eq!(normalize_base_url(input).unwrap(), want, "{input}");
        }
        assert!(normalize_base_url("ftp://x").is_err());
        let e = normalize_base_url("https://a.okdesk.ru/api/v1?api_token=SECRET").unwrap_err();
        assert!(!e.to_string().contains("SECRET"));
    }

    #[test]
    fn retry_after_forms() {
        let mut h = HeaderMap::new();
        h.insert(reqwest::header::RETRY_AFTER, "2".parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::from_secs(2)));
        h.insert(
            reqwest::header::RETRY_AFTER,
            "Wed, 21 Oct 2015 07:28:00 GMT".parse().unwrap(),
        );
        assert_eq!(retry_after(&h), Some(Duration::ZERO));
    }
}
