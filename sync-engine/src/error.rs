//! The engine's run-level error: only what stops a whole run (config, auth, state, an unreadable
//! side). Record-level problems are never errors here; they are data in the report.

use crate::ports::PortError;
use crate::state::StateError;

/// Why a run could not be done at all (exit code 2 in the CLI).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The state store could not be opened, migrated, locked or written.
    #[error("state store: {0}")]
    State(#[from] StateError),
    /// The configuration is unusable (an unknown entity name, a zero batch size, …).
    #[error("configuration: {0}")]
    Config(String),
    /// Okdesk refused the API token (401/403) or the account is blocked.
    #[error("Okdesk refused the credentials: {0}")]
    Auth(PortError),
    /// Okdesk could not be reached or answered nonsense while reading what it holds.
    #[error("Okdesk: {0}")]
    Okdesk(PortError),
    /// 1C could not be read.
    #[error("1C: {0}")]
    Onec(PortError),
}

/// `Result` with the engine's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
