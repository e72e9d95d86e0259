//! Matching on first contact: which existing Okdesk record a 1C record is, when the state has no
//! mapping yet. Companies by INN (+KPP for branches) found in string attributes, contacts by
//! normalised e-mail, directory items by code; any of them by an exact `crm_1c_id`.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::policy::Policy;
use crate::kinds::{EntityKind, OkdeskId};
use crate::ports::{ObservedCompany, ObservedContact, ObservedDirectoryItem};

/// The result of matching one record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum Match {
    /// Exactly one record: link to it; the string says by what.
    One(OkdeskId, String),
    /// Several candidates: link none; the field and the message say why.
    Ambiguous {
        field: String,
        value: String,
        candidates: Vec<OkdeskId>,
    },
    /// Nothing matches: create.
    None,
}

/// The maximal runs of ASCII digits in a text (INNs are 10/12 digits, KPPs 9).
fn digit_tokens(text: &str) -> Vec<&str> {
    text.split(|c: char| !c.is_ascii_digit())
        .filter(|t| !t.is_empty())
        .collect()
}

/// Whether a candidate may still be linked: not tied to another 1C object, not already mapped,
/// not claimed by an earlier record of this plan.
fn free(
    id: OkdeskId,
    crm_1c_id: Option<&str>,
    own_ref: &str,
    taken: &BTreeSet<(EntityKind, OkdeskId)>,
    kind: EntityKind,
) -> bool {
    let other_owner = crm_1c_id.is_some_and(|c| !c.trim().is_empty() && c.trim() != own_ref);
    !other_owner && !taken.contains(&(kind, id))
}

/// Matches a company by `crm_1c_id`, then by INN (and KPP when several share the INN).
pub(crate) fn company(
    companies: &[ObservedCompany],
    own_ref: &str,
    inn: Option<&str>,
    kpp: Option<&str>,
    policy: &Policy,
    taken: &BTreeSet<(EntityKind, OkdeskId)>,
) -> Match {
    let kind = EntityKind::Companies;
    if let Some(c) = companies.iter().find(|c| {
        c.crm_1c_id.as_deref().map(str::trim) == Some(own_ref) && !taken.contains(&(kind, c.id))
    }) {
        return Match::One(c.id, "crm_1c_id".into());
    }
    let Some(inn) = inn else {
        return Match::None;
    };
    let texts = |c: &ObservedCompany| -> Vec<String> {
        let mut v = vec![];
        v.extend(c.additional_name.clone());
        if let Some(code) = &policy.inn_parameter {
            v.extend(c.parameters.get(code).cloned());
        }
        if let Some(code) = &policy.kpp_parameter {
            v.extend(c.parameters.get(code).cloned());
        }
        if policy.match_inn_in_name {
            v.push(c.name.clone());
        }
        v
    };
    let candidates: Vec<(&ObservedCompany, Vec<String>)> = companies
        .iter()
        .filter(|c| free(c.id, c.crm_1c_id.as_deref(), own_ref, taken, kind))
        .map(|c| (c, texts(c)))
        .filter(|(_, t)| t.iter().any(|s| digit_tokens(s).contains(&inn)))
        .collect();
    let kpps_of = |t: &[String]| -> Vec<String> {
        t.iter()
            .flat_map(|s| digit_tokens(s))
            .filter(|d| d.len() == 9)
            .map(str::to_owned)
            .collect()
    };
    let ids = |v: &[&(&ObservedCompany, Vec<String>)]| -> Vec<OkdeskId> {
        let mut ids: Vec<OkdeskId> = v.iter().map(|(c, _)| c.id).collect();
        ids.sort();
        ids
    };
    let all: Vec<&(&ObservedCompany, Vec<String>)> = candidates.iter().collect();
    let pick = |v: Vec<&(&ObservedCompany, Vec<String>)>, by: &str, value: String| match v.len() {
        0 => Match::None,
        1 => Match::One(v[0].0.id, by.to_owned()),
        _ => Match::Ambiguous {
            field: "inn".into(),
            value,
            candidates: ids(&v),
        },
    };
    match kpp {
        None => pick(all, "ИНН", inn.to_owned()),
        Some(kpp) => {
            let exact: Vec<_> = all
                .iter()
                .copied()
                .filter(|(_, t)| kpps_of(t).iter().any(|k| k == kpp))
                .collect();
            if !exact.is_empty() {
                return pick(exact, "ИНН+КПП", format!("{inn}/{kpp}"));
            }
            // Candidates that name no KPP at all may be this client; ones naming another KPP are
            // another branch of the same legal entity.
            let unknown: Vec<_> = all
                .iter()
                .copied()
                .filter(|(_, t)| kpps_of(t).is_empty())
                .collect();
            pick(unknown, "ИНН", inn.to_owned())
        }
    }
}

/// Matches a contact by `crm_1c_id`, then by normalised e-mail.
pub(crate) fn contact(
    contacts: &[ObservedContact],
    own_ref: &str,
    email_key: Option<&str>,
    taken: &BTreeSet<(EntityKind, OkdeskId)>,
) -> Match {
    let kind = EntityKind::Contacts;
    if let Some(c) = contacts.iter().find(|c| {
        c.crm_1c_id.as_deref().map(str::trim) == Some(own_ref) && !taken.contains(&(kind, c.id))
    }) {
        return Match::One(c.id, "crm_1c_id".into());
    }
    let Some(key) = email_key else {
        return Match::None;
    };
    let mut found: Vec<OkdeskId> = contacts
        .iter()
        .filter(|c| free(c.id, c.crm_1c_id.as_deref(), own_ref, taken, kind))
        .filter(|c| c.email.as_deref().map(|e| e.trim().to_lowercase()) == Some(key.to_owned()))
        .map(|c| c.id)
        .collect();
    found.sort();
    match found.len() {
        0 => Match::None,
        1 => Match::One(found[0], "e-mail".into()),
        _ => Match::Ambiguous {
            field: "email".into(),
            value: key.to_owned(),
            candidates: found,
        },
    }
}

/// Matches a directory item (kind, manufacturer, model) by code.
pub(crate) fn directory(
    items: &[ObservedDirectoryItem],
    kind: EntityKind,
    code: &str,
    taken: &BTreeSet<(EntityKind, OkdeskId)>,
) -> Match {
    items
        .iter()
        .find(|i| i.code == code && !taken.contains(&(kind, i.id)))
        .map_or(Match::None, |i| Match::One(i.id, "код".into()))
}
