//! The simulator's configuration: demo data, token, latency, rate limit, fault injection and the
//! account's issue statuses with their allowed transitions.

use std::net::SocketAddr;
use std::time::Duration;

use crate::demo::{DemoSize, DemoWorld};

/// Fault injection: shares of requests (0.0 ..= 1.0) that fail in each way, drawn independently.
#[derive(Clone, Debug, PartialEq)]
pub struct Faults {
    /// Share of requests answered with HTTP 500.
    pub server_error: f64,
    /// Share of requests whose connection is dropped before a complete response.
    pub drop_connection: f64,
    /// Share of requests answered only after [`Faults::slow_delay`] (longer than a client timeout).
    pub slow: f64,
    /// How long a slow response waits.
    pub slow_delay: Duration,
    /// Share of requests answered with a spontaneous 429 (`Retry-After: 1`).
    pub rate_limited: f64,
}

impl Default for Faults {
    fn default() -> Self {
        Faults {
            server_error: 0.0,
            drop_connection: 0.0,
            slow: 0.0,
            slow_delay: Duration::from_secs(35),
            rate_limited: 0.0,
        }
    }
}

impl Faults {
    /// No faults at all.
    pub fn none() -> Self {
        Faults::default()
    }

    /// True when no fault can fire, so the per-request dice can be skipped.
    pub(crate) fn is_quiet(&self) -> bool {
        self.server_error <= 0.0
            && self.drop_connection <= 0.0
            && self.slow <= 0.0
            && self.rate_limited <= 0.0
    }
}

/// One issue status of the account, with the statuses it may move to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IssueStatus {
    /// The code (`opened`, `Work`, …); codes are account-specific.
    pub code: String,
    /// The name as Okdesk shows it.
    pub name: String,
    /// The colour, `#rrggbb`.
    pub color: String,
    /// Codes of the statuses an issue in this status may move to.
    pub transitions: Vec<String>,
    /// Whether moving into this status requires a comment.
    pub comment_required: bool,
    /// «Заявки в этом статусе считаются выполненными».
    pub completed: bool,
}

impl IssueStatus {
    fn new(code: &str, name: &str, color: &str, to: &[&str], comment: bool, done: bool) -> Self {
        IssueStatus {
            code: code.to_owned(),
            name: name.to_owned(),
            color: color.to_owned(),
            transitions: to.iter().map(|s| (*s).to_owned()).collect(),
            comment_required: comment,
            completed: done,
        }
    }

    /// The statuses and transitions recommended by the ЭСТИ exchange settings (the ЭСТИ manual (`docs/seeds/001-esti-exchange-manual.txt`)): the
    /// predefined `opened`, `delayed`, `completed`, `closed` plus `RequiresApproval`, `Agreed`,
    /// `Work`, `Refine` and `cancel`. «Переходы из данного статуса» lists where an issue may go.
    pub fn seed_table() -> Vec<IssueStatus> {
        vec![
            IssueStatus::new(
                "opened",
                "Открыта",
                "#5bc0de",
                &[
                    "delayed",
                    "RequiresApproval",
                    "Work",
                    "Refine",
                    "cancel",
                    "completed",
                ],
                false,
                false,
            ),
            IssueStatus::new(
                "delayed",
                "Отложена",
                "#999999",
                &[
                    "opened",
                    "RequiresApproval",
                    "Work",
                    "Refine",
                    "cancel",
                    "completed",
                ],
                true,
                false,
            ),
            IssueStatus::new(
                "RequiresApproval",
                "Требуется согласования",
                "#ff0000",
                &["opened", "Agreed", "closed"],
                true,
                false,
            ),
            IssueStatus::new(
                "Agreed",
                "Согласовано",
                "#fac71e",
                &[
                    "delayed",
                    "RequiresApproval",
                    "Work",
                    "cancel",
                    "completed",
                    "closed",
                ],
                false,
                false,
            ),
            IssueStatus::new(
                "Work",
                "В работе",
                "#4dad33",
                &[
                    "delayed",
                    "RequiresApproval",
                    "Agreed",
                    "Refine",
                    "cancel",
                    "completed",
                ],
                true,
                false,
            ),
            IssueStatus::new(
                "Refine",
                "Требуется уточнения",
                "#cf0079",
                &["cancel", "completed", "closed"],
                true,
                false,
            ),
            IssueStatus::new(
                "cancel",
                "Отменена",
                "#000000",
                &["opened", "closed"],
                true,
                true,
            ),
            IssueStatus::new(
                "completed",
                "Ожидает проверки",
                "#0044ff",
                &["opened", "Work", "closed"],
                true,
                true,
            ),
            IssueStatus::new("closed", "Закрыта", "#5cb85c", &["opened"], false, true),
        ]
    }
}

/// Everything that shapes one simulated Okdesk account.
#[derive(Clone, Debug)]
pub struct OkdeskConfig {
    /// The seed of the demo data and of the fault dice.
    pub seed: u64,
    /// How much demo data to generate (ignored when [`OkdeskConfig::world`] is set).
    pub size: DemoSize,
    /// A demo world to load instead of generating one (for example the one the 1C simulator serves).
    pub world: Option<DemoWorld>,
    /// The API token every request must carry as `api_token`.
    pub token: String,
    /// Further valid tokens (each has its own rate-limit budget).
    pub extra_tokens: Vec<String>,
    /// Fixed latency added to every API response.
    pub latency: Duration,
    /// Random extra latency, uniform in `0 ..= jitter`.
    pub jitter: Duration,
    /// Requests per second allowed per token; excess requests get 429 with `Retry-After`.
    pub rate_limit: Option<u32>,
    /// Fault injection.
    pub faults: Faults,
    /// The account's issue statuses.
    pub statuses: Vec<IssueStatus>,
    /// Whether time entries require the `workPlace` and `TypeOfService` parameters, as the seed's
    /// settings make them.
    pub time_entry_parameters_required: bool,
    /// Where to listen; `None` binds 127.0.0.1 on a free port.
    pub addr: Option<SocketAddr>,
}

impl Default for OkdeskConfig {
    fn default() -> Self {
        OkdeskConfig {
            seed: 1,
            size: DemoSize::Small,
            world: None,
            token: "sandbox-token".to_owned(),
            extra_tokens: Vec::new(),
            latency: Duration::ZERO,
            jitter: Duration::ZERO,
            rate_limit: None,
            faults: Faults::default(),
            statuses: IssueStatus::seed_table(),
            time_entry_parameters_required: true,
            addr: None,
        }
    }
}

impl OkdeskConfig {
    /// An account with no demo data except one administrator employee.
    pub fn empty() -> Self {
        OkdeskConfig {
            world: Some(DemoWorld::default()),
            ..OkdeskConfig::default()
        }
    }

    /// Sets the seed.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Sets the demo size (and drops a loaded world).
    pub fn size(mut self, size: DemoSize) -> Self {
        self.size = size;
        self.world = None;
        self
    }

    /// Loads this demo world.
    pub fn world(mut self, world: DemoWorld) -> Self {
        self.world = Some(world);
        self
    }

    /// Sets the token.
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = token.into();
        self
    }

    /// Adds another valid token.
    pub fn extra_token(mut self, token: impl Into<String>) -> Self {
        self.extra_tokens.push(token.into());
        self
    }

    /// Sets fixed latency and jitter.
    pub fn latency(mut self, latency: Duration, jitter: Duration) -> Self {
        self.latency = latency;
        self.jitter = jitter;
        self
    }

    /// Sets the per-token rate limit in requests per second.
    pub fn rate_limit(mut self, per_second: Option<u32>) -> Self {
        self.rate_limit = per_second;
        self
    }

    /// Sets the fault injection.
    pub fn faults(mut self, faults: Faults) -> Self {
        self.faults = faults;
        self
    }

    /// Replaces the issue statuses.
    pub fn statuses(mut self, statuses: Vec<IssueStatus>) -> Self {
        self.statuses = statuses;
        self
    }

    /// Sets the listen address.
    pub fn addr(mut self, addr: SocketAddr) -> Self {
        self.addr = Some(addr);
        self
    }
}
