//! The 1C base the scenarios push: the shared demo world at a chosen size, its record counts, the
//! deterministic "1 % changed" edit and the sample the bounded baseline runs on.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use onec_model::{Ref, Snapshot};
use sandbox::demo::{generate, DemoSize, DemoWorld, OkdeskSeed};
use sandbox::onec::OnecSandbox;
use serde_json::Value;

/// The demo world with `n` counterparties (3n contacts, n contracts, n/2 objects, 2n equipment).
pub(crate) fn world(seed: u64, n: usize) -> DemoWorld {
    generate(seed, DemoSize::Counterparties(n))
}

/// Records per kind that a push handles, named as Okdesk names them.
pub(crate) fn counts(s: &Snapshot) -> BTreeMap<&'static str, usize> {
    BTreeMap::from([
        ("companies", s.counterparties.len()),
        ("contacts", s.contacts.len()),
        ("agreements", s.contracts.len()),
        ("maintenance_entities", s.service_objects.len()),
        ("equipment", s.equipment.len()),
        ("equipment_kinds", s.equipment_kinds.len()),
        ("manufacturers", s.manufacturers.len()),
        ("models", s.equipment_models.len()),
    ])
}

/// The Okdesk side the simulators start with: the demo world's, with at most `m` issues of which
/// at most `k` are paid (later paid issues lose their specification), so scenarios 4 and 5 pull
/// M issues and bill K. A parent beyond the kept issues is dropped with them.
pub(crate) fn okdesk_side(seed: &OkdeskSeed, m: usize, k: usize) -> OkdeskSeed {
    let mut out = seed.clone();
    out.issues.truncate(m);
    for issue in &mut out.issues {
        if issue.parent.is_some_and(|p| p >= m) {
            issue.parent = None;
        }
    }
    let mut paid = 0;
    for issue in &mut out.issues {
        if !issue.services.is_empty() {
            if paid >= k {
                issue.services.clear();
            } else {
                paid += 1;
            }
        }
    }
    out
}

/// Issues, paid issues, time entries and comments in an Okdesk side, for the pull and bill lines.
pub(crate) fn issue_counts(seed: &OkdeskSeed) -> BTreeMap<&'static str, usize> {
    let issues = &seed.issues;
    BTreeMap::from([
        ("issues", issues.len()),
        (
            "paid_issues",
            issues.iter().filter(|i| !i.services.is_empty()).count(),
        ),
        (
            "time_entries",
            issues.iter().map(|i| i.time_entries.len()).sum(),
        ),
        ("comments", issues.iter().map(|i| i.comments.len()).sum()),
    ])
}

/// All records a push handles.
pub(crate) fn total(s: &Snapshot) -> usize {
    counts(s).values().sum()
}

/// Every `step`-th record of a list, starting at a fixed offset so the first records (often the
/// deliberately broken ones) are not always the ones picked; a list shorter than the step still
/// gets one change, so tiny bases exercise the changed path too.
fn picked(len: usize, step: usize) -> impl Iterator<Item = usize> {
    let start = if len == 0 { 0 } else { (step / 2) % len };
    (start..len).step_by(step.max(1))
}

/// Changes `pct` % of the counterparties, contacts, contracts, objects and equipment the way a
/// 1C user would (a comment, a contract's end date); returns how many records changed.
pub(crate) fn mutate(s: &mut Snapshot, pct: f64) -> usize {
    let step = if pct <= 0.0 {
        return 0;
    } else {
        ((100.0 / pct).round() as usize).max(1)
    };
    let note = |c: &mut Option<String>| {
        let base = c.take().unwrap_or_default();
        *c = Some(format!("{base} (изменено в 1С)").trim().to_owned());
    };
    let mut changed = 0;
    for i in picked(s.counterparties.len(), step) {
        note(&mut s.counterparties[i].comment);
        changed += 1;
    }
    for i in picked(s.contacts.len(), step) {
        note(&mut s.contacts[i].comment);
        changed += 1;
    }
    let prolonged = NaiveDate::from_ymd_opt(2031, 12, 31).expect("a valid constant date");
    for i in picked(s.contracts.len(), step) {
        s.contracts[i].end = Some(prolonged);
        changed += 1;
    }
    for i in picked(s.service_objects.len(), step) {
        note(&mut s.service_objects[i].comment);
        changed += 1;
    }
    for i in picked(s.equipment.len(), step) {
        note(&mut s.equipment[i].comment);
        changed += 1;
    }
    changed
}

/// The same edit made in the 1C simulator (ЭСТИ layout), as a 1C user would: every changed
/// object gets a new `DataVersion`. Returns how many objects changed.
pub(crate) fn mutate_onec(onec: &OnecSandbox, pct: f64) -> anyhow::Result<usize> {
    if pct <= 0.0 {
        return Ok(0);
    }
    let step = ((100.0 / pct).round() as usize).max(1);
    let mut changed = 0;
    for (set, field) in [
        ("Catalog_Партнеры", "Комментарий"),
        ("Catalog_КонтактныеЛицаПартнеров", "Комментарий"),
        ("Catalog_ДоговорыКонтрагентов", "ДатаОкончанияДействия"),
        ("Catalog_ОбъектыКлиентов", "Комментарий"),
        ("Catalog_ОборудованиеКлиентов", "Комментарий"),
    ] {
        let objects = onec.objects(set)?;
        for i in picked(objects.len(), step) {
            let o = &objects[i];
            let value = if field == "Комментарий" {
                let old = o.get(field).and_then(Value::as_str).unwrap_or_default();
                Value::String(format!("{old} (изменено в 1С)").trim().to_owned())
            } else {
                Value::String("2031-12-31T00:00:00".to_owned())
            };
            let key = Ref::from_uuid(o.key)
                .ok_or_else(|| anyhow::anyhow!("{set}: an object with the empty ref"))?;
            onec.modify(set, key, &[(field, value)])?;
            changed += 1;
        }
    }
    Ok(changed)
}

/// The first `k` counterparties with everything that belongs to them and every directory, for
/// the bounded baseline.
pub(crate) fn sample(s: &Snapshot, k: usize) -> Snapshot {
    let owners: BTreeSet<Ref> = s.counterparties.iter().take(k).map(|c| c.r#ref).collect();
    let owned = |o: &Option<Ref>| o.is_some_and(|r| owners.contains(&r));
    Snapshot {
        counterparties: s.counterparties.iter().take(k).cloned().collect(),
        contacts: s
            .contacts
            .iter()
            .filter(|c| owned(&c.owner))
            .cloned()
            .collect(),
        contracts: s
            .contracts
            .iter()
            .filter(|c| owned(&c.owner))
            .cloned()
            .collect(),
        service_objects: s
            .service_objects
            .iter()
            .filter(|o| owned(&o.owner))
            .cloned()
            .collect(),
        equipment: s
            .equipment
            .iter()
            .filter(|e| owned(&e.owner))
            .cloned()
            .collect(),
        ..s.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_percent_changes_about_one_percent_and_sample_keeps_children() {
        let w = world(1, 200);
        let mut s = w.onec.clone();
        let records = total(&s) - s.equipment_kinds.len() - s.manufacturers.len();
        let changed = mutate(&mut s, 1.0);
        let expected = records / 100;
        assert!(changed.abs_diff(expected) <= 5, "{changed} vs {expected}");
        assert_ne!(s, w.onec);
        let part = sample(&w.onec, 10);
        assert_eq!(part.counterparties.len(), 10);
        assert!(part.contacts.len() >= 10 && part.contacts.len() < w.onec.contacts.len());
        assert_eq!(part.equipment_kinds, w.onec.equipment_kinds);
    }

    #[test]
    fn okdesk_side_keeps_m_issues_and_k_paid_ones() {
        let w = world(1, 200);
        let all = issue_counts(&w.okdesk);
        assert!(all["paid_issues"] > 2, "{all:?}");
        let side = okdesk_side(&w.okdesk, 40, 2);
        let counts = issue_counts(&side);
        assert_eq!(counts["issues"], 40.min(all["issues"]));
        assert_eq!(counts["paid_issues"], 2);
        assert!(side.issues.iter().all(|i| i.parent.is_none_or(|p| p < 40)));
        assert_eq!(okdesk_side(&w.okdesk, usize::MAX, usize::MAX), w.okdesk);
    }
}
