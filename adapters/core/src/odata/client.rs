//! The async OData client: connection settings, Basic auth with UTF-8 credentials, URL encoding
//! the way 1C needs it (spaces as `%20`, never `+`; Cyrillic as UTF-8), bounded concurrency,
//! retries with backoff for GETs, error mapping, request counting and the connection check.
//!
//! Reads with paging live in [`super::query`], writes in [`super::write`], exchange-plan changes
//! in [`super::exchange`]; they all go through [`OdataClient::send`].

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine as _;
use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, CONTROLS};
use reqwest::header::{HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use reqwest::{Method, StatusCode};
use serde_json::Value;
use tokio::sync::Semaphore;
use url::Url;

use super::body::{error_in_body, sniff_error};
use super::edmx;
use super::error::OdataError;
use crate::metadata::Metadata;

/// The wire format for reads and writes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Format {
    /// `$format=json` (every current platform).
    #[default]
    Json,
    /// Atom XML, 1C's default and the only format of older platforms.
    Atom,
}

/// Client settings; [`Default`] suits a real base.
#[derive(Clone, Debug)]
pub struct ClientOptions {
    /// The wire format.
    pub format: Format,
    /// Rows per page for paged reads (`$top`).
    pub page_size: usize,
    /// The smallest page a 500 on a fat page may shrink to before the error is given up on.
    pub min_page_size: usize,
    /// The timeout of one request, body included.
    pub timeout: Duration,
    /// The timeout for establishing a connection.
    pub connect_timeout: Duration,
    /// How many times a failed GET is repeated (5xx, timeouts, connection errors).
    pub retries: u32,
    /// The first retry delay; each further retry doubles it.
    pub backoff: Duration,
    /// How many requests may be in flight at once.
    pub concurrency: usize,
    /// The largest response body read, in bytes; a longer answer fails with
    /// [`OdataError::BodyTooLarge`] as soon as the limit is passed, so that a hostile or
    /// misconfigured server cannot make the client buffer without bound.
    pub max_response_bytes: u64,
}

/// The default [`ClientOptions::max_response_bytes`]: 256 MiB, far above any page 1C sends at the
/// default page size, far below what would exhaust a machine's memory.
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 256 * 1024 * 1024;

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            format: Format::Json,
            page_size: 1000,
            min_page_size: 10,
            timeout: Duration::from_secs(120),
            connect_timeout: Duration::from_secs(10),
            retries: 3,
            backoff: Duration::from_millis(500),
            concurrency: 4,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
        }
    }
}

/// Counters of what the client did, for reports (`okdesk-1c` prints the 1C request count).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RequestStats {
    /// HTTP requests sent, retries included.
    pub requests: u64,
    /// Requests that were retries of a failed one.
    pub retries: u64,
    /// Response body bytes received.
    pub bytes: u64,
}

/// The outcome of [`OdataClient::check`].
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum CheckOutcome {
    /// The service answered; `entity_sets` is how many sets it publishes (when it said).
    Connected {
        /// The number of published entity sets, if the service document listed them.
        entity_sets: Option<usize>,
    },
    /// Nothing answered at the URL.
    Unreachable {
        /// What the HTTP stack said.
        message: String,
    },
    /// The server rejected the login.
    Unauthorized {
        /// 1C's message, when it sent one.
        message: Option<String>,
    },
    /// Something answered, but not a working OData service (HTML page, 404, 1C error).
    Failed(OdataError),
}

/// Characters that must be percent-encoded in a query value: controls, space (as `%20`, because
/// with `+` 1C silently ignores the whole `$filter`), everything non-ASCII (as UTF-8), and the
/// characters that delimit or escape query parts.
const QUERY_VALUE: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'&')
    .add(b'+')
    .add(b'<')
    .add(b'=')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}')
    .add(b'\\')
    .add(b'^');

/// Characters that must be percent-encoded in a resource path (`Catalog_X(guid'…')/Post`).
const PATH: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'|')
    .add(b'\\')
    .add(b'^');

/// Encodes one query value.
pub(crate) fn encode_value(value: &str) -> String {
    utf8_percent_encode(value, QUERY_VALUE).to_string()
}

/// The async client of one 1C base's standard OData interface. Cloning is cheap (shared state).
#[derive(Clone)]
pub struct OdataClient {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    /// The service root, `…/odata/standard.odata` without a trailing slash.
    pub(crate) base: String,
    http: reqwest::Client,
    pub(crate) user: String,
    /// `Basic base64(utf8(user:password))`, marked sensitive so that it never prints.
    authorization: HeaderValue,
    pub(crate) options: ClientOptions,
    permits: Semaphore,
    requests: AtomicU64,
    retries: AtomicU64,
    bytes: AtomicU64,
}

impl fmt::Debug for OdataClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OdataClient")
            .field("base", &self.inner.base)
            .field("user", &self.inner.user)
            .field("password", &"<redacted>")
            .field("options", &self.inner.options)
            .finish()
    }
}

/// One request to send.
pub(crate) struct Request {
    pub(crate) method: Method,
    /// The resource path below the service root, unencoded (`Catalog_Контрагенты(guid'…')`).
    pub(crate) resource: String,
    /// Query options, unencoded (`("$filter", "ИНН eq '7700'")`).
    pub(crate) query: Vec<(String, String)>,
    /// A body with its content type.
    pub(crate) body: Option<(&'static str, Vec<u8>)>,
    /// The `Accept` header.
    pub(crate) accept: &'static str,
    /// Whether a failure may be retried (only GETs and other safe requests).
    pub(crate) retry: Retry,
}

/// Which failures of a request are retried.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Retry {
    /// None: writes, which are not idempotent.
    Never,
    /// Timeouts, connection errors and 502/503/504, but not a 500 (a paged read shrinks its page
    /// on a 500 instead).
    TransientOnly,
    /// Also a 500 that is not a 1C business error.
    Also500,
}

/// A successful answer.
pub(crate) struct Response {
    pub(crate) status: u16,
    pub(crate) body: Vec<u8>,
    /// The request URL, decoded for messages.
    pub(crate) url: String,
}

impl OdataClient {
    /// A client for the service root `url` (`http://host/base/odata/standard.odata`) with default
    /// options. Credentials embedded in the URL are dropped in favour of `user` and `password`.
    pub fn new(url: &str, user: &str, password: &str) -> Result<OdataClient, OdataError> {
        OdataClient::with_options(url, user, password, ClientOptions::default())
    }

    /// A client with explicit options.
    pub fn with_options(
        url: &str,
        user: &str,
        password: &str,
        options: ClientOptions,
    ) -> Result<OdataClient, OdataError> {
        let settings_error = |message: String| OdataError::Transport {
            url: url.to_owned(),
            message,
        };
        let mut parsed =
            Url::parse(url.trim()).map_err(|e| settings_error(format!("not a URL: {e}")))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(settings_error("the URL must be http or https".into()));
        }
        // Failing to clear userinfo only happens for URLs that cannot have it, which is fine.
        let _ = parsed.set_username("");
        let _ = parsed.set_password(None);
        parsed.set_query(None);
        parsed.set_fragment(None);
        let base = parsed.as_str().trim_end_matches('/').to_owned();

        let token = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
        let mut authorization = HeaderValue::from_str(&format!("Basic {token}"))
            .map_err(|e| settings_error(format!("bad credentials header: {e}")))?;
        authorization.set_sensitive(true);

        let http = reqwest::Client::builder()
            .timeout(options.timeout)
            .connect_timeout(options.connect_timeout)
            .build()
            .map_err(|e| settings_error(format!("cannot build the HTTP client: {e}")))?;
        let concurrency = options.concurrency.max(1);
        Ok(OdataClient {
            inner: Arc::new(Inner {
                base,
                http,
                user: user.to_owned(),
                authorization,
                permits: Semaphore::new(concurrency),
                options,
                requests: AtomicU64::new(0),
                retries: AtomicU64::new(0),
                bytes: AtomicU64::new(0),
            }),
        })
    }

    /// The service root this client talks to.
    pub fn base_url(&self) -> &str {
        &self.inner.base
    }

    /// The options in effect.
    pub fn options(&self) -> &ClientOptions {
        &self.inner.options
    }

    /// What the client has done so far.
    pub fn stats(&self) -> RequestStats {
        RequestStats {
            requests: self.inner.requests.load(Ordering::Relaxed),
            retries: self.inner.retries.load(Ordering::Relaxed),
            bytes: self.inner.bytes.load(Ordering::Relaxed),
        }
    }

    /// Reads and parses `$metadata` (always XML).
    pub async fn metadata(&self) -> Result<Metadata, OdataError> {
        let response = self
            .send(Request {
                method: Method::GET,
                resource: "$metadata".into(),
                query: Vec::new(),
                body: None,
                accept: "application/xml",
                retry: Retry::Also500,
            })
            .await?;
        edmx::parse(&response.body).map_err(|e| match e {
            edmx::EdmxError::Xml {
                line,
                column,
                message,
            } => OdataError::Decode {
                set: "$metadata".into(),
                line,
                column,
                message,
            },
            other => OdataError::Decode {
                set: "$metadata".into(),
                line: 1,
                column: 1,
                message: other.to_string(),
            },
        })
    }

    /// Checks the connection: reads the service document and tells connected, unreachable and
    /// unauthorized apart.
    pub async fn check(&self) -> CheckOutcome {
        let result = self
            .send(Request {
                method: Method::GET,
                resource: String::new(),
                query: vec![("$format".into(), "json".into())],
                body: None,
                accept: "application/json",
                retry: Retry::Never,
            })
            .await;
        match result {
            Ok(response) => {
                let head = super::body::strip_bom(&response.body);
                if super::body::looks_like_html(head) {
                    return CheckOutcome::Failed(super::body::html_error(response.status, head));
                }
                let entity_sets = serde_json::from_slice::<Value>(head)
                    .ok()
                    .and_then(|v| v.get("value")?.as_array().map(Vec::len));
                CheckOutcome::Connected { entity_sets }
            }
            Err(OdataError::Unreachable { message, .. }) => CheckOutcome::Unreachable { message },
            Err(OdataError::Unauthorized { message, .. }) => CheckOutcome::Unauthorized { message },
            Err(other) => CheckOutcome::Failed(other),
        }
    }

    /// The full URL of a request: the resource path and query values percent-encoded.
    pub(crate) fn url_of(&self, resource: &str, query: &[(String, String)]) -> String {
        let mut url = format!(
            "{}/{}",
            self.inner.base,
            utf8_percent_encode(resource, PATH)
        );
        for (i, (k, v)) in query.iter().enumerate() {
            url.push(if i == 0 { '?' } else { '&' });
            url.push_str(&encode_value(k));
            url.push('=');
            url.push_str(&encode_value(v));
        }
        url
    }

    /// Sends a request with the concurrency bound, retries per its policy, and maps every failure
    /// (status, error body, HTML page, transport) to an [`OdataError`]. Only 2xx answers that are
    /// not error bodies come back as `Ok`.
    pub(crate) async fn send(&self, request: Request) -> Result<Response, OdataError> {
        let url = self.url_of(&request.resource, &request.query);
        let shown = readable(&url);
        let mut attempt = 0u32;
        loop {
            let result = self.send_once(&request, &url, &shown).await;
            let err = match result {
                Ok(response) => return Ok(response),
                Err(e) => e,
            };
            let retryable = match request.retry {
                Retry::Never => false,
                Retry::TransientOnly => err.is_retryable() && err.status() != Some(500),
                Retry::Also500 => err.is_retryable(),
            };
            if !retryable || attempt >= self.inner.options.retries {
                return Err(err);
            }
            let delay = self
                .inner
                .options
                .backoff
                .saturating_mul(2u32.saturating_pow(attempt));
            tracing::warn!(url = %shown, error = %err, attempt = attempt + 1, delay_ms = delay.as_millis() as u64, "retrying 1C request");
            tokio::time::sleep(delay).await;
            attempt += 1;
            self.inner.retries.fetch_add(1, Ordering::Relaxed);
        }
    }

    async fn send_once(
        &self,
        request: &Request,
        url: &str,
        shown: &str,
    ) -> Result<Response, OdataError> {
        let _permit = self
            .inner
            .permits
            .acquire()
            .await
            .expect("the semaphore is never closed");
        self.inner.requests.fetch_add(1, Ordering::Relaxed);
        let started = Instant::now();
        let mut builder = self
            .inner
            .http
            .request(request.method.clone(), url)
            .header(AUTHORIZATION, self.inner.authorization.clone())
            .header(ACCEPT, request.accept);
        if let Some((content_type, body)) = &request.body {
            builder = builder
                .header(CONTENT_TYPE, *content_type)
                .body(body.clone());
        }
        let response = builder.send().await.map_err(|e| transport(shown, &e))?;
        let status = response.status();
        let body = self.read_body(response, shown).await?;
        tracing::debug!(method = %request.method, url = %shown, status = status.as_u16(), bytes = body.len(), elapsed_ms = started.elapsed().as_millis() as u64, "1C request");
        if status.is_success() {
            if let Some(err) = sniff_error(status.as_u16(), &body) {
                return Err(err);
            }
            return Ok(Response {
                status: status.as_u16(),
                body,
                url: shown.to_owned(),
            });
        }
        Err(self.status_error(status, &body, shown))
    }

    /// Reads a response body in chunks, failing with [`OdataError::BodyTooLarge`] as soon as it
    /// passes [`ClientOptions::max_response_bytes`] (or at once when `Content-Length` already
    /// says it will), so that no more than the limit plus one chunk is ever held.
    async fn read_body(
        &self,
        mut response: reqwest::Response,
        shown: &str,
    ) -> Result<Vec<u8>, OdataError> {
        let limit = self.inner.options.max_response_bytes;
        let too_large = || OdataError::BodyTooLarge {
            url: shown.to_owned(),
            limit,
        };
        if response.content_length().is_some_and(|n| n > limit) {
            return Err(too_large());
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| transport(shown, &e))? {
            self.inner
                .bytes
                .fetch_add(chunk.len() as u64, Ordering::Relaxed);
            if (body.len() + chunk.len()) as u64 > limit {
                // Dropping the response here closes the connection, which stops the server.
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }

    fn status_error(&self, status: StatusCode, body: &[u8], shown: &str) -> OdataError {
        let code = status.as_u16();
        let detail = error_in_body(code, body);
        let message = match &detail {
            Some(OdataError::OData { message, .. }) => Some(message.clone()),
            Some(OdataError::Html { title, .. }) => Some(title.clone()),
            _ => None,
        };
        match code {
            401 | 403 => OdataError::Unauthorized {
                status: code,
                user: self.inner.user.clone(),
                message,
            },
            404 => OdataError::NotFound {
                url: shown.to_owned(),
                message,
            },
            _ => detail.unwrap_or_else(|| OdataError::Http {
                url: shown.to_owned(),
                status: code,
                message: snippet(body),
            }),
        }
    }
}

/// The URL with percent-encoding undone, for messages and logs.
fn readable(url: &str) -> String {
    percent_decode_str(url).decode_utf8_lossy().into_owned()
}

/// The start of a body, for messages about bodies that are not 1C errors.
fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    if text.chars().count() > 200 {
        text.chars().take(200).collect::<String>() + "…"
    } else {
        text.to_owned()
    }
}

fn transport(shown: &str, e: &reqwest::Error) -> OdataError {
    // The message names the URL, which carries no credentials (they travel in a header), and the
    // chain of causes, which is where "connection refused" or "timed out" is said.
    let mut message = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    if e.is_connect() || e.is_timeout() {
        OdataError::Unreachable {
            url: shown.to_owned(),
            message,
        }
    } else {
        OdataError::Transport {
            url: shown.to_owned(),
            message,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spaces_are_percent_20_and_cyrillic_is_utf8() {
        let client = OdataClient::new("http://h/base/odata/standard.odata/", "u", "p").unwrap();
        let url = client.url_of(
            "Catalog_Контрагенты",
            &[("$filter".into(), "ИНН eq '77' and A eq 'x+y&z=1'".into())],
        );
        assert_eq!(
            url,
            "http://h/base/odata/standard.odata/Catalog_%D0%9A%D0%BE%D0%BD%D1%82%D1%80%D0%B0%D0%B3%D0%B5%D0%BD%D1%82%D1%8B\
             ?$filter=%D0%98%D0%9D%D0%9D%20eq%20'77'%20and%20A%20eq%20'x%2By%26z%3D1'"
        );
        assert!(!url.contains('+'));
    }

    #[test]
    fn password_never_prints() {
        let client = OdataClient::new(
            "http://admin:secret@h/b/odata/standard.odata",
            "Иванов",
            "s3cr3t!",
        )
        .unwrap();
        let debug = format!("{client:?}");
        assert!(!debug.contains("s3cr3t"), "{debug}");
        assert!(!debug.contains("secret"), "{debug}");
        assert!(debug.contains("Иванов"));
        assert_eq!(client.base_url(), "http://h/b/odata/standard.odata");
    }

    #[test]
    fn bad_urls_are_refused() {
        assert!(OdataClient::new("ftp://h/x", "u", "p").is_err());
        assert!(OdataClient::new("not a url", "u", "p").is_err());
    }
}
