//! The retry policy: which failures are retried, and how long to wait between attempts.
//!
//! Policy, per method:
//! - GET, PUT, PATCH, DELETE (idempotent): retried on 429 (waiting `Retry-After` when given), 408,
//!   5xx, timeouts, connection failures and resets.
//! - POST (not idempotent): retried only when the server cannot have acted on it: a 429 (Okdesk
//!   rejected it before doing anything) or a connection that could not be opened. A 5xx, a timeout or
//!   a reset after the request was sent becomes [`crate::Error::MaybeCommitted`] so the caller looks
//!   the record up by its key instead of creating a duplicate.
//!
//! Waits grow exponentially from `base_delay`, capped at `max_delay`, with "equal jitter" (a random
//! point in the upper half of the step) so clones hammering one account spread out. The whole call,
//! waits included, stays within `max_retries` extra attempts and `max_elapsed`.
//!
//! Why a small loop and not the `backoff` crate: `backoff` 0.4 is unmaintained (RUSTSEC-2025-0012), its
//! `retry_notify` wants the whole request as a closure returning its own error type, and honouring a
//! server-given `Retry-After` and the POST rule above needs the classification we do here anyway.
//! The loop in `client.rs` is about twenty lines.

use std::time::Duration;

use rand::Rng;

/// How failed calls are retried. See the module docs for which failures qualify.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Extra attempts after the first one.
    pub max_retries: u32,
    /// The whole call, waits included, never runs longer than this (the last attempt is not cut short).
    pub max_elapsed: Duration,
    /// The first wait.
    pub base_delay: Duration,
    /// The longest single computed wait (a longer `Retry-After` is still honoured within `max_elapsed`).
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 4,
            max_elapsed: Duration::from_secs(60),
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(20),
        }
    }
}

impl RetryPolicy {
    /// Never retry.
    pub fn none() -> Self {
        Self {
            max_retries: 0,
            max_elapsed: Duration::ZERO,
            base_delay: Duration::ZERO,
            max_delay: Duration::ZERO,
        }
    }

    /// The wait before retry number `retry` (0-based): exponential, capped, with equal jitter.
    pub(crate) fn backoff(&self, retry: u32) -> Duration {
        let exp = self
            .base_delay
            .saturating_mul(2u32.saturating_pow(retry.min(30)))
            .min(self.max_delay);
        let half = exp / 2;
        let jitter_ms = u64::try_from(half.as_millis()).unwrap_or(u64::MAX);
        let extra = if jitter_ms == 0 {
            0
        } else {
            rand::thread_rng().gen_range(0..=jitter_ms)
        };
        half + Duration::from_millis(extra)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        let p = RetryPolicy {
            max_retries: 10,
            max_elapsed: Duration::from_secs(100),
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(1000),
        };
        for retry in 0..10 {
            let d = p.backoff(retry);
            let step =
                (Duration::from_millis(100) * 2u32.pow(retry)).min(Duration::from_millis(1000));
            assert!(
                d >= step / 2 && d <= step,
                "retry {retry}: {d:?} vs {step:?}"
            );
        }
        assert_eq!(RetryPolicy::none().backoff(3), Duration::ZERO);
    }
}
