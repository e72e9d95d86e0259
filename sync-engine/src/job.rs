//! What every job shares: the flag that asks a run to stop, and the progress events of pull and
//! bill (push reports per record with [`crate::push::Progress`]).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// A flag that asks a running job to stop after the operations in flight.
#[derive(Clone, Debug, Default)]
pub struct StopFlag(Arc<AtomicBool>);

impl StopFlag {
    /// A flag not yet raised.
    pub fn new() -> Self {
        StopFlag::default()
    }

    /// Asks the run to stop: operations in flight finish and are persisted; no new one starts.
    pub fn stop(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// Whether a stop was asked.
    pub fn is_stopped(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// A progress event of pull or bill, for progress bars.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobProgress {
    /// Issues finished so far.
    pub done: usize,
    /// Issues to do.
    pub total: usize,
    /// The entity name (`issues`, `invoices`).
    pub entity: &'static str,
    /// The issue just finished, as «#id title».
    pub name: String,
}
