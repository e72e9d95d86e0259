//! A push plan as stable, readable text: one line per record that changes or needs attention,
//! unchanged records counted per kind. `okdesk-1c plan push` prints it; tests snapshot it.

use std::fmt::Write as _;

use super::plan::{Action, LinkWrite, PushPlan};
use crate::kinds::EntityKind;

/// Renders a plan. The same plan always gives the same text.
pub fn render_plan(plan: &PushPlan) -> String {
    let mut out = String::new();
    let count = |verb: &str| {
        plan.entries
            .iter()
            .filter(|e| e.action.verb() == verb)
            .count()
    };
    let _ = writeln!(
        out,
        "push plan, mode {}: {} create, {} update, {} link, {} archive, {} unchanged, {} skip, {} fail",
        plan.mode.as_str(),
        count("create"),
        count("update"),
        count("link"),
        count("archive"),
        count("unchanged"),
        count("skip"),
        count("fail"),
    );
    for kind in EntityKind::ALL {
        let entries: Vec<_> = plan.of_kind(kind).collect();
        if entries.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{kind} ({})", entries.len());
        let mut unchanged = 0;
        for e in entries {
            let name = &e.name;
            let key = e.key.r#ref;
            match &e.action {
                Action::Create { lookup_first, .. } => {
                    let note = if *lookup_first {
                        " (look up by key first)"
                    } else {
                        ""
                    };
                    let _ = writeln!(out, "  + create    {name} [{key}]{note}");
                }
                Action::Update {
                    id,
                    changed,
                    reactivate,
                    ..
                } => {
                    let re = if *reactivate {
                        ", restore from archive"
                    } else {
                        ""
                    };
                    let _ = writeln!(
                        out,
                        "  ~ update    {name} #{id}: {}{re}",
                        changed.join(", ")
                    );
                }
                Action::Link {
                    id,
                    matched_by,
                    write,
                    ..
                } => {
                    let w = match write {
                        LinkWrite::Full => "write all fields",
                        LinkWrite::KeyOnly => "write crm_1c_id only",
                    };
                    let _ = writeln!(
                        out,
                        "  = link      {name} [{key}] -> #{id} by {matched_by}, {w}"
                    );
                }
                Action::Archive { id } => {
                    let _ = writeln!(out, "  - archive   {name} #{id}");
                }
                Action::Unchanged { .. } => unchanged += 1,
                Action::Skipped { reason } => {
                    let _ = writeln!(out, "  . skip      {name} [{key}]: {reason}");
                }
                Action::Failed {
                    field,
                    value,
                    reason,
                    ..
                } => {
                    let v = value
                        .as_deref()
                        .map(|v| format!(" = «{v}»"))
                        .unwrap_or_default();
                    let _ = writeln!(out, "  ! fail      {name} [{key}] {field}{v}: {reason}");
                }
            }
        }
        if unchanged > 0 {
            let _ = writeln!(out, "    {unchanged} unchanged");
        }
    }
    out
}
