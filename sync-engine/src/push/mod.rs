//! The push job: 1C reference data into Okdesk, planned ([`plan`], pure), then applied
//! ([`apply`], concurrent and idempotent), with the state store recording every mapping.

pub mod apply;
pub(crate) mod desired;
pub mod job;
pub(crate) mod matching;
pub mod observe;
pub mod plan;
pub mod policy;
pub mod render;
pub(crate) mod sanitize;

pub use apply::{apply, ApplyOptions, ApplyTarget, EntryResult, Outcome, Progress, StopFlag};
pub use job::{unread_failures, PushJob};
pub use observe::{Observation, ObserveLog};
pub use plan::{
    observe_needs, plan_push, Action, LinkWrite, ObserveNeeds, PlanEntry, PushPlan, SkipReason,
};
pub use policy::{DeletionPolicy, Mode, Policy, Portions};
pub use render::render_plan;

#[cfg(test)]
mod tests;
