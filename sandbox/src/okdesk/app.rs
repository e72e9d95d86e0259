//! The shared state of a running simulator and the gate every API request passes: request
//! statistics, latency, fault injection, the token check, the per-token rate limit, and the
//! removal (and counting) of query parameters and body fields the real server would ignore.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, RwLock};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::config::{Faults, IssueStatus, OkdeskConfig};
use super::error::ApiError;
use super::query::Params;
use super::routes::known;
use super::store::Store;
use crate::demo::{generate, DemoWorld};

/// Request counters of `/sandbox/stats`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestStats {
    /// All API requests received (including those answered with an injected fault).
    pub total: u64,
    /// Per `METHOD /route/template`, e.g. `GET /api/v1/companies/{id}`.
    pub by_route: BTreeMap<String, u64>,
    /// Per HTTP method.
    pub by_method: BTreeMap<String, u64>,
    /// Per second of arrival (Unix time), so that a client's rate can be judged over every
    /// window of a run, not only on average.
    #[serde(default)]
    pub per_second: BTreeMap<u64, u64>,
}

/// What `GET /sandbox/stats` answers.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    /// Request counters since start or the last reset.
    pub requests: RequestStats,
    /// How many objects of each kind the account holds.
    pub entities: BTreeMap<String, u64>,
    /// Body fields of a create or update that the endpoint does not take, which the real server
    /// drops without a word (and so does the simulator), by `"METHOD /route/template field"`,
    /// e.g. `"PATCH /contacts/{id} active"`. A client whose changes land here changes nothing.
    #[serde(default)]
    pub ignored_fields: BTreeMap<String, u64>,
    /// Query parameters the endpoint does not know, also dropped without a word, by
    /// `"METHOD /route/template parameter"` with the parameter as sent, e.g.
    /// `"GET /issues/count status_codes[]"`. A filter that lands here filtered nothing.
    #[serde(default)]
    pub ignored_params: BTreeMap<String, u64>,
}

/// The ignored names counted since start or the last reset.
#[derive(Default)]
struct Ignored {
    fields: BTreeMap<String, u64>,
    params: BTreeMap<String, u64>,
}

tokio::task_local! {
    /// Body fields a handler dropped while serving the current request; the gate, which knows
    /// the route, counts them once the handler is done.
    static DROPPED_FIELDS: RefCell<Vec<String>>;
}

/// Notes body fields the current request's endpoint does not take. Outside a request (the
/// in-process accessors) there is nothing to count, so nothing is noted.
pub(crate) fn note_dropped_fields(names: Vec<String>) {
    if names.is_empty() {
        return;
    }
    let _ = DROPPED_FIELDS.try_with(|d| d.borrow_mut().extend(names));
}

/// Knobs that can change while the simulator runs.
#[derive(Clone, Debug)]
pub(crate) struct Knobs {
    pub(crate) latency: Duration,
    pub(crate) jitter: Duration,
    pub(crate) faults: Faults,
}

pub(crate) struct App {
    store: Mutex<Store>,
    stats: Mutex<RequestStats>,
    ignored: Mutex<Ignored>,
    pub(crate) knobs: RwLock<Knobs>,
    limiter: RwLock<Option<Arc<DefaultKeyedRateLimiter<String>>>>,
    rng: Mutex<StdRng>,
    pub(crate) tokens: Vec<String>,
    pub(crate) base_url: OnceLock<String>,
    world: DemoWorld,
    statuses: Vec<IssueStatus>,
    pub(crate) time_entry_parameters_required: bool,
}

fn limiter(per_second: Option<u32>) -> Option<Arc<DefaultKeyedRateLimiter<String>>> {
    let n = NonZeroU32::new(per_second?)?;
    Some(Arc::new(RateLimiter::keyed(Quota::per_second(n))))
}

impl App {
    pub(crate) fn new(config: &OkdeskConfig) -> App {
        let world = config
            .world
            .clone()
            .unwrap_or_else(|| generate(config.seed, config.size));
        let store = Store::load(&world, config.statuses.clone());
        let mut tokens = vec![config.token.clone()];
        tokens.extend(config.extra_tokens.iter().cloned());
        App {
            store: Mutex::new(store),
            stats: Mutex::new(RequestStats::default()),
            ignored: Mutex::new(Ignored::default()),
            knobs: RwLock::new(Knobs {
                latency: config.latency,
                jitter: config.jitter,
                faults: config.faults.clone(),
            }),
            limiter: RwLock::new(limiter(config.rate_limit)),
            rng: Mutex::new(StdRng::seed_from_u64(config.seed ^ 0x6f6b_6465_736b)),
            tokens,
            base_url: OnceLock::new(),
            world,
            statuses: config.statuses.clone(),
            time_entry_parameters_required: config.time_entry_parameters_required,
        }
    }

    /// The account's objects. A poisoned lock means a handler panicked mid-change; the data is
    /// still the best there is, so the simulator keeps serving it.
    pub(crate) fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn stats(&self) -> Stats {
        let requests = self.stats.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let (ignored_fields, ignored_params) = {
            let ignored = self.ignored.lock().unwrap_or_else(|e| e.into_inner());
            (ignored.fields.clone(), ignored.params.clone())
        };
        Stats {
            requests,
            entities: self.store().counts(),
            ignored_fields,
            ignored_params,
        }
    }

    /// Restores the demo data the simulator started with and zeroes the counters.
    pub(crate) fn reset(&self) {
        let fresh = Store::load(&self.world, self.statuses.clone());
        *self.store() = fresh;
        *self.stats.lock().unwrap_or_else(|e| e.into_inner()) = RequestStats::default();
        *self.ignored.lock().unwrap_or_else(|e| e.into_inner()) = Ignored::default();
    }

    fn note_ignored(&self, method: &str, template: &str, fields: &[String], params: &[String]) {
        if fields.is_empty() && params.is_empty() {
            return;
        }
        let mut guard = self.ignored.lock().unwrap_or_else(|e| e.into_inner());
        let ignored = &mut *guard;
        for (map, names) in [(&mut ignored.fields, fields), (&mut ignored.params, params)] {
            for name in names {
                *map.entry(format!("{method} {template} {name}"))
                    .or_insert(0) += 1;
            }
        }
    }

    pub(crate) fn set_rate_limit(&self, per_second: Option<u32>) {
        *self.limiter.write().unwrap_or_else(|e| e.into_inner()) = limiter(per_second);
    }

    pub(crate) fn url(&self) -> &str {
        self.base_url.get().map_or("", String::as_str)
    }

    fn count(&self, method: &str, route: &str) {
        let mut stats = self.stats.lock().unwrap_or_else(|e| e.into_inner());
        stats.total += 1;
        *stats
            .by_route
            .entry(format!("{method} {route}"))
            .or_insert(0) += 1;
        *stats.by_method.entry(method.to_owned()).or_insert(0) += 1;
        let second = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        *stats.per_second.entry(second).or_insert(0) += 1;
    }
}

/// A response whose body fails at once: hyper aborts the connection, so the client sees a
/// dropped connection instead of a complete answer.
fn dropped() -> Response {
    let stream = futures::stream::once(async {
        Err::<Bytes, std::io::Error>(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "connection dropped by fault injection",
        ))
    });
    Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, "application/json; charset=utf-8")
        .body(Body::from_stream(stream))
        .expect("a static response is well formed")
}

fn too_many(retry_after_secs: u64) -> Response {
    let mut response = (
        StatusCode::TOO_MANY_REQUESTS,
        Json(json!({"errors": "Превышен лимит запросов, повторите позже"})),
    )
        .into_response();
    response.headers_mut().insert(
        header::RETRY_AFTER,
        HeaderValue::from(retry_after_secs.max(1)),
    );
    response
}

enum Fault {
    Drop,
    ServerError,
    RateLimited,
    Slow,
}

/// The gate of every `/api/v1` route.
pub(crate) async fn gate(State(app): State<Arc<App>>, mut req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "(unmatched)".to_owned(), |p| p.as_str().to_owned());
    app.count(req.method().as_str(), &route);

    let knobs = app.knobs.read().unwrap_or_else(|e| e.into_inner()).clone();
    let (extra, fault) = {
        let mut rng = app.rng.lock().unwrap_or_else(|e| e.into_inner());
        let extra = if knobs.jitter.is_zero() {
            Duration::ZERO
        } else {
            knobs.jitter.mul_f64(rng.gen::<f64>())
        };
        let fault = if knobs.faults.is_quiet() {
            None
        } else {
            // One draw over exclusive shares, so each fault fires at exactly its configured rate.
            let f = &knobs.faults;
            let r: f64 = rng.gen();
            let mut edge = f.drop_connection;
            if r < edge {
                Some(Fault::Drop)
            } else if r < {
                edge += f.server_error;
                edge
            } {
                Some(Fault::ServerError)
            } else if r < {
                edge += f.rate_limited;
                edge
            } {
                Some(Fault::RateLimited)
            } else if r < edge + f.slow {
                Some(Fault::Slow)
            } else {
                None
            }
        };
        (extra, fault)
    };
    let delay = knobs.latency + extra;
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    match fault {
        Some(Fault::Drop) => return dropped(),
        Some(Fault::ServerError) => {
            return (
                StatusCode::INTERNAL_SERVER_ERROR,
                Json(json!({"errors": "Internal Server Error"})),
            )
                .into_response()
        }
        Some(Fault::RateLimited) => return too_many(1),
        Some(Fault::Slow) => tokio::time::sleep(knobs.faults.slow_delay).await,
        None => {}
    }

    let params = Params::parse(req.uri().query());
    let Some(token) = params
        .get("api_token")
        .filter(|t| app.tokens.iter().any(|k| k == t))
        .map(str::to_owned)
    else {
        return ApiError::Unauthorized.into_response();
    };
    let limiter = app
        .limiter
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    if let Some(limiter) = limiter {
        if let Err(not_until) = limiter.check_key(&token) {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            // Retry-After is whole seconds; rounding up guarantees a retry then is admitted.
            let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            return too_many(secs);
        }
    }

    // An id that is not a number names no record: Rails answers such a path as an unknown one,
    // so `GET /issues/parameters` is a 404, not a parse error.
    if !ids_are_numbers(&route, req.uri().path()) {
        return page_not_found();
    }
    let method = req.method().as_str().to_owned();
    let template = known::template(&route);
    let mut dropped_params = Vec::new();
    let query = {
        let mut kept = url::form_urlencoded::Serializer::new(String::new());
        for (key, value) in params.pairs() {
            if known::query_known(&method, &template, key) {
                kept.append_pair(key, value);
            } else {
                dropped_params.push(key.clone());
            }
        }
        kept.finish()
    };
    if !dropped_params.is_empty() {
        // Handlers read the query themselves; they get it without the names the endpoint does
        // not know, so nothing the real server ignores can take effect here.
        let path = req.uri().path().to_owned();
        let target = if query.is_empty() {
            path
        } else {
            format!("{path}?{query}")
        };
        if let Ok(uri) = target.parse() {
            *req.uri_mut() = uri;
        }
    }
    let (response, dropped_fields) = DROPPED_FIELDS
        .scope(RefCell::new(Vec::new()), async move {
            let response = next.run(req).await;
            (response, DROPPED_FIELDS.with(RefCell::take))
        })
        .await;
    app.note_ignored(&method, &template, &dropped_fields, &dropped_params);
    response
}

/// Whether every `{…}` segment of the route holds a number in the actual path. Routes and paths
/// are compared from their ends, because a nested router sees the path without its prefix.
fn ids_are_numbers(route: &str, path: &str) -> bool {
    let route = route.trim_end_matches('/').rsplit('/');
    let path = path.trim_end_matches('/').rsplit('/');
    route
        .zip(path)
        .filter(|(r, _)| r.starts_with('{'))
        .all(|(_, p)| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// The answer to a path the API does not have.
pub(crate) fn page_not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        Json(json!({"errors": "Страница не найдена"})),
    )
        .into_response()
}
