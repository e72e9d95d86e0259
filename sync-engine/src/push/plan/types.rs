//! What a push plan is made of: the plan, its entries, their actions and the reasons a record is
//! skipped. The planner that fills them is the parent module.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::kinds::{EntityKind, OkdeskId, SyncKey};
use crate::ports::Record;
use crate::push::policy::Mode;

/// The stored hash of a record that was archived or deactivated.
pub const ARCHIVED_HASH: &str = "archived";
/// The stored hash of a record linked without writing its fields (add-only mode).
pub const LINKED_HASH: &str = "linked";

/// A push plan: one entry per 1C record of the kinds in scope.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushPlan {
    /// The mode the plan was made in.
    pub mode: Mode,
    /// The entries in apply order.
    pub entries: Vec<PlanEntry>,
}

/// What happens to one record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanEntry {
    /// The record's key.
    pub key: SyncKey,
    /// Its name as a person recognises it.
    pub name: String,
    /// The action.
    pub action: Action,
    /// What preflight changed or left out of the record without failing it (control characters
    /// stripped, extra e-mail addresses), each naming the field.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// How a link writes to the record it found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkWrite {
    /// Write every field (full mode).
    Full,
    /// Write only `crm_1c_id`, where the resource has one (add-only mode).
    KeyOnly,
}

/// The action for one record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    /// Create it; when `lookup_first`, look it up by key before (no observation covered it).
    Create {
        /// The fields (boxed: most entries of a plan are `Unchanged`, and an inline record
        /// would make every entry as large as the largest record).
        record: Box<Record>,
        /// The payload hash.
        hash: String,
        /// Look the record up by key before creating it.
        lookup_first: bool,
    },
    /// Write changed fields over the mapped record.
    Update {
        /// The Okdesk id.
        id: OkdeskId,
        /// The fields (boxed: most entries of a plan are `Unchanged`, and an inline record
        /// would make every entry as large as the largest record).
        record: Box<Record>,
        /// The payload hash.
        hash: String,
        /// The fields that differ from the last push.
        changed: Vec<String>,
        /// Restore it first (it was archived and the deletion mark is gone).
        reactivate: bool,
    },
    /// Tie it to an existing Okdesk record found on first contact.
    Link {
        /// The Okdesk id.
        id: OkdeskId,
        /// The fields (boxed: most entries of a plan are `Unchanged`, and an inline record
        /// would make every entry as large as the largest record).
        record: Box<Record>,
        /// The payload hash.
        hash: String,
        /// What matched (`ИНН`, `ИНН+КПП`, `e-mail`, `код`, `crm_1c_id`).
        matched_by: String,
        /// What to write.
        write: LinkWrite,
    },
    /// Archive (companies) or deactivate (contacts) it: the 1C object has a deletion mark.
    Archive {
        /// The Okdesk id.
        id: OkdeskId,
    },
    /// Nothing changed since the last push: zero requests.
    Unchanged {
        /// The Okdesk id.
        id: OkdeskId,
    },
    /// Not pushed, on purpose.
    Skipped {
        /// Why.
        reason: SkipReason,
    },
    /// Not sent: preflight found a problem.
    Failed {
        /// The field at fault.
        field: String,
        /// The value as 1C holds it.
        value: Option<String>,
        /// What is wrong, in Russian.
        reason: String,
        /// Okdesk records that matched equally well (ambiguous INN or e-mail).
        candidates: Vec<OkdeskId>,
    },
}

impl Action {
    /// Whether the action writes to Okdesk.
    pub fn is_write(&self) -> bool {
        matches!(
            self,
            Action::Create { .. }
                | Action::Update { .. }
                | Action::Link { .. }
                | Action::Archive { .. }
        )
    }

    /// The short verb used in renderings and the journal.
    pub fn verb(&self) -> &'static str {
        match self {
            Action::Create { .. } => "create",
            Action::Update { .. } => "update",
            Action::Link { .. } => "link",
            Action::Archive { .. } => "archive",
            Action::Unchanged { .. } => "unchanged",
            Action::Skipped { .. } => "skip",
            Action::Failed { .. } => "fail",
        }
    }
}

/// Why a record is skipped.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum SkipReason {
    /// The «Выгружать в ОкДеск» flag is off.
    UploadFlagOff,
    /// The contact's state is neither empty nor «Работает».
    ContactState {
        /// The state.
        state: String,
    },
    /// The record's flag is on but its partner's is not (ЭСТИ).
    PartnerFlagOff {
        /// The partner's name.
        partner: String,
    },
    /// A record it depends on is not pushed.
    ParentNotPushed {
        /// The parent.
        parent: SyncKey,
        /// The parent's name.
        parent_name: String,
        /// Why the parent is not there.
        why: String,
    },
    /// Add-only mode leaves changed records alone.
    AddOnly {
        /// The fields that would change.
        changed: Vec<String>,
    },
    /// Marked for deletion in 1C and never pushed.
    DeletionMarkNotPushed,
    /// Marked for deletion, but deletion marks are ignored (by policy or for this kind).
    DeletionIgnored,
    /// Over this run's portion budget; the next run takes it.
    Deferred,
    /// Its parent failed in this run.
    ParentFailed {
        /// The parent.
        parent: SyncKey,
        /// The parent's name.
        parent_name: String,
    },
    /// The run was stopped before this record.
    Interrupted,
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SkipReason::UploadFlagOff => f.write_str("флаг «Выгружать в ОкДеск» не установлен"),
            SkipReason::ContactState { state } => {
                write!(
                    f,
                    "состояние контактного лица «{state}» (выгружаются пустое и «Работает»)"
                )
            }
            SkipReason::PartnerFlagOff { partner } => write!(
                f,
                "флаг «Выгружать в ОкДеск» установлен, но у партнера «{partner}» он не установлен"
            ),
            SkipReason::ParentNotPushed {
                parent,
                parent_name,
                why,
            } => write!(
                f,
                "{} «{parent_name}» не выгружается: {why}",
                parent.kind.nominative_ru()
            ),
            SkipReason::AddOnly { changed } => {
                write!(
                    f,
                    "режим add-only: изменения ({}) не выгружаются",
                    changed.join(", ")
                )
            }
            SkipReason::DeletionMarkNotPushed => {
                f.write_str("помечен на удаление и в Okdesk не выгружался")
            }
            SkipReason::DeletionIgnored => {
                f.write_str("помечен на удаление; для этого вида архивация не выполняется")
            }
            SkipReason::Deferred => {
                f.write_str("порция этого запуска исчерпана: будет выгружено при следующем запуске")
            }
            SkipReason::ParentFailed {
                parent,
                parent_name,
            } => write!(
                f,
                "{} «{parent_name}» не выгружен(а) из-за ошибки",
                parent.kind.nominative_ru()
            ),
            SkipReason::Interrupted => f.write_str("запуск остановлен до этой записи"),
        }
    }
}

impl PushPlan {
    /// The entries of one kind.
    pub fn of_kind(&self, kind: EntityKind) -> impl Iterator<Item = &PlanEntry> {
        self.entries.iter().filter(move |e| e.key.kind == kind)
    }

    /// How many entries write to Okdesk.
    pub fn writes(&self) -> usize {
        self.entries.iter().filter(|e| e.action.is_write()).count()
    }

    /// The plan as pretty JSON (stable: field order is fixed, maps are sorted).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("plans are plain data and always serialize")
    }
}
