//! The simulator's shared state and the request gate every call passes: latency, Basic auth with
//! UTF-8 credentials, fault dice and per-request statistics.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::Duration;

use base64::Engine as _;
use rand::rngs::{SmallRng, StdRng};
use rand::{Rng, SeedableRng};
use serde::Serialize;

use super::config::{Configuration, Faults, OnecConfig};
use super::rules::Rules;
use super::store::Infobase;

/// Knobs that tests may turn while the simulator runs.
#[derive(Clone, Debug)]
pub(crate) struct Knobs {
    pub(crate) latency: Duration,
    pub(crate) faults: Faults,
    pub(crate) page_cap: Option<usize>,
}

/// Request counters, as [`super::OnecSandbox::stats`] returns them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Stats {
    /// Every request that reached the simulator.
    pub total: u64,
    /// Requests by method and resource: `"GET Catalog_Контрагенты"`, `"POST Document_ЗаказКлиента/Post"`,
    /// `"GET $metadata"`, `"POST SelectChanges"`.
    pub by_request: BTreeMap<String, u64>,
    /// Requests refused with 401.
    pub unauthorized: u64,
    /// Requests answered with an injected fault.
    pub injected_faults: u64,
    /// Collection requests refused by the page-size cap.
    pub fat_pages: u64,
}

impl Stats {
    /// The count for one method and resource, e.g. `stats.count("GET", "Catalog_Контрагенты")`.
    pub fn count(&self, method: &str, resource: &str) -> u64 {
        self.by_request
            .get(&format!("{method} {resource}"))
            .copied()
            .unwrap_or(0)
    }
}

/// What a fault roll decided.
pub(crate) enum Fault {
    None,
    ServerError,
    ErrorInOk,
}

pub(crate) struct App {
    pub(crate) configuration: Configuration,
    pub(crate) base: String,
    pub(crate) root: OnceLock<String>,
    pub(crate) user: String,
    pub(crate) password: String,
    ib: RwLock<Infobase>,
    pub(crate) metadata: String,
    pub(crate) knobs: RwLock<Knobs>,
    /// The configuration's business rules with this base's functional options.
    pub(crate) rules: Rules,
    dice: Mutex<StdRng>,
    responses: AtomicU64,
    seed: u64,
    stats: Mutex<Stats>,
}

impl App {
    pub(crate) fn new(config: &OnecConfig, ib: Infobase) -> App {
        let metadata = super::render::edmx::metadata(&ib.schema);
        App {
            configuration: config.configuration,
            base: config
                .base
                .clone()
                .unwrap_or_else(|| config.configuration.default_base().to_owned()),
            root: OnceLock::new(),
            user: config.user.clone(),
            password: config.password.clone(),
            ib: RwLock::new(ib),
            metadata,
            rules: Rules::new(config),
            knobs: RwLock::new(Knobs {
                latency: config.latency,
                faults: config.faults.clone(),
                page_cap: config.page_cap,
            }),
            dice: Mutex::new(StdRng::seed_from_u64(config.seed ^ 0x01C0_DA7A)),
            responses: AtomicU64::new(0),
            seed: config.seed,
            stats: Mutex::new(Stats::default()),
        }
    }

    /// The service root with a trailing slash: `http://127.0.0.1:PORT/<base>/odata/standard.odata/`.
    pub(crate) fn root(&self) -> &str {
        self.root.get().map_or("", String::as_str)
    }

    pub(crate) fn read(&self) -> RwLockReadGuard<'_, Infobase> {
        // A panic while holding the lock leaves consistent data (writes are applied at once).
        self.ib.read().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn write(&self) -> RwLockWriteGuard<'_, Infobase> {
        self.ib.write().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn knobs(&self) -> Knobs {
        self.knobs.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    pub(crate) fn set_knobs(&self, edit: impl FnOnce(&mut Knobs)) {
        edit(&mut self.knobs.write().unwrap_or_else(|e| e.into_inner()));
    }

    /// A per-response RNG for the property order; varies on every response.
    pub(crate) fn order_rng(&self) -> SmallRng {
        let n = self.responses.fetch_add(1, Ordering::Relaxed);
        SmallRng::seed_from_u64(self.seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ n)
    }

    /// Checks `Authorization: Basic …` against the configured UTF-8 credentials.
    pub(crate) fn authorized(&self, header: Option<&str>) -> bool {
        let Some(token) = header.and_then(|h| h.strip_prefix("Basic ")) else {
            return false;
        };
        let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(token.trim()) else {
            return false;
        };
        let Ok(text) = String::from_utf8(bytes) else {
            return false;
        };
        text.split_once(':')
            .is_some_and(|(u, p)| u == self.user && p == self.password)
    }

    pub(crate) fn roll_fault(&self) -> Fault {
        let faults = self.knobs().faults;
        if faults.server_error <= 0.0 && faults.error_in_ok <= 0.0 {
            return Fault::None;
        }
        let r: f64 = self.dice.lock().unwrap_or_else(|e| e.into_inner()).gen();
        if r < faults.server_error {
            Fault::ServerError
        } else if r < faults.server_error + faults.error_in_ok {
            Fault::ErrorInOk
        } else {
            Fault::None
        }
    }

    pub(crate) fn count(&self, method: &str, resource: &str) {
        let mut s = self.stats.lock().unwrap_or_else(|e| e.into_inner());
        s.total += 1;
        *s.by_request
            .entry(format!("{method} {resource}"))
            .or_insert(0) += 1;
    }

    pub(crate) fn note(&self, edit: impl FnOnce(&mut Stats)) {
        edit(&mut self.stats.lock().unwrap_or_else(|e| e.into_inner()));
    }

    pub(crate) fn stats(&self) -> Stats {
        self.stats.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    pub(crate) fn reset_stats(&self) {
        *self.stats.lock().unwrap_or_else(|e| e.into_inner()) = Stats::default();
    }
}
