//! The push policy: mode, entity filter, deletion handling, where the INN lives in Okdesk, and
//! portions. Plain data (serde), so the CLI can read it from the config file.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::kinds::EntityKind;

/// Whether push only adds or also updates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    /// Create what is new; leave existing records as they are.
    AddOnly,
    /// Create what is new and update what changed.
    #[default]
    Full,
}

impl Mode {
    /// The CLI spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::AddOnly => "add-only",
            Mode::Full => "full",
        }
    }
}

/// What a 1C deletion mark does to a record already in Okdesk.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum DeletionPolicy {
    /// Archive companies and deactivate contacts (other kinds have no such state and are left).
    #[default]
    Archive,
    /// Leave them; report them as skipped.
    Ignore,
}

/// «Порционная выгрузка»: at most `batch_size × max_batches` writes per run, applied in batches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Portions {
    /// Writes per batch.
    pub batch_size: usize,
    /// Batches per run; `None` means no limit.
    pub max_batches: Option<usize>,
}

/// Everything that steers a push plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Policy {
    /// `add-only` or `full`.
    pub mode: Mode,
    /// Only these kinds (`--only`); `None` means all.
    pub only: Option<BTreeSet<EntityKind>>,
    /// What deletion marks do.
    pub on_deletion: DeletionPolicy,
    /// The code of the company custom parameter that holds the INN (matched, and written when
    /// `write_inn_parameters` is on).
    pub inn_parameter: Option<String>,
    /// The code of the company custom parameter that holds the KPP.
    pub kpp_parameter: Option<String>,
    /// Write INN/KPP into those custom parameters (the account must have them).
    pub write_inn_parameters: bool,
    /// Write «ИНН … КПП …» into `additional_name`, where ЭСТИ's instructions put it.
    pub inn_in_additional_name: bool,
    /// Also look for the INN in the company name when matching.
    pub match_inn_in_name: bool,
    /// Portions per run.
    pub portions: Option<Portions>,
    /// How many writes run at once (under the client's rate limiter).
    pub concurrency: usize,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            mode: Mode::Full,
            only: None,
            on_deletion: DeletionPolicy::Archive,
            inn_parameter: Some("inn".into()),
            kpp_parameter: Some("kpp".into()),
            write_inn_parameters: false,
            inn_in_additional_name: true,
            match_inn_in_name: true,
            portions: None,
            concurrency: 4,
        }
    }
}

impl Policy {
    /// Whether a kind is in the `--only` filter.
    pub fn includes(&self, kind: EntityKind) -> bool {
        self.only.as_ref().is_none_or(|o| o.contains(&kind))
    }

    /// The write budget of one run, if portions are set.
    pub fn write_budget(&self) -> Option<usize> {
        let p = self.portions?;
        p.max_batches.map(|m| p.batch_size.saturating_mul(m))
    }
}
