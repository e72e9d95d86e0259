//! Matching on first contact: which existing Okdesk record a 1C record is, when the state has no
//! mapping yet. Companies by INN (+KPP for branches) found in string attributes, contacts by
//! normalised e-mail, directory items by code; any of them by an exact `crm_1c_id`.

use std::collections::{BTreeSet, HashMap};

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

/// Observed companies indexed by what matching looks for, built once per plan: matching each
/// record against the whole list made a first push quadratic in the number of companies.
pub(crate) struct Companies<'a> {
    list: &'a [ObservedCompany],
    /// The texts INNs and KPPs are read from, by position in `list`.
    texts: Vec<Vec<String>>,
    /// Positions by trimmed `crm_1c_id`, in list order.
    by_crm: HashMap<&'a str, Vec<usize>>,
    /// Positions by each digit token of their texts, in list order.
    by_token: HashMap<String, Vec<usize>>,
}

impl<'a> Companies<'a> {
    /// Indexes `list` for `policy` (which texts carry the INN).
    pub(crate) fn new(list: &'a [ObservedCompany], policy: &Policy) -> Self {
        let texts: Vec<Vec<String>> = list
            .iter()
            .map(|c| {
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
            })
            .collect();
        let mut by_crm: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut by_token: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, c) in list.iter().enumerate() {
            if let Some(crm) = c.crm_1c_id.as_deref() {
                by_crm.entry(crm.trim()).or_default().push(i);
            }
            for token in texts[i].iter().flat_map(|t| digit_tokens(t)) {
                let at = by_token.entry(token.to_owned()).or_default();
                if at.last() != Some(&i) {
                    at.push(i);
                }
            }
        }
        Companies {
            list,
            texts,
            by_crm,
            by_token,
        }
    }
}

/// The first record indexed under `own_ref` in `by_crm` that no other 1C record has taken: an
/// exact `crm_1c_id` wins over every other key.
fn by_crm_1c_id(
    by_crm: &HashMap<&str, Vec<usize>>,
    own_ref: &str,
    kind: EntityKind,
    id_at: impl Fn(usize) -> OkdeskId,
    taken: &BTreeSet<(EntityKind, OkdeskId)>,
) -> Option<Match> {
    by_crm
        .get(own_ref)?
        .iter()
        .map(|i| id_at(*i))
        .find(|id| !taken.contains(&(kind, *id)))
        .map(|id| Match::One(id, "crm_1c_id".into()))
}

/// Matches a company by `crm_1c_id`, then by INN (and KPP when several share the INN).
pub(crate) fn company(
    companies: &Companies<'_>,
    own_ref: &str,
    inn: Option<&str>,
    kpp: Option<&str>,
    taken: &BTreeSet<(EntityKind, OkdeskId)>,
) -> Match {
    let kind = EntityKind::Companies;
    let at = |i: &usize| &companies.list[*i];
    if let Some(m) = by_crm_1c_id(&companies.by_crm, own_ref, kind, |i| at(&i).id, taken) {
        return m;
    }
    let Some(inn) = inn else {
        return Match::None;
    };
    let candidates: Vec<(&ObservedCompany, &Vec<String>)> = companies
        .by_token
        .get(inn)
        .into_iter()
        .flatten()
        .map(|i| (at(i), &companies.texts[*i]))
        .filter(|(c, _)| free(c.id, c.crm_1c_id.as_deref(), own_ref, taken, kind))
        .collect();
    let kpps_of = |t: &[String]| -> Vec<String> {
        t.iter()
            .flat_map(|s| digit_tokens(s))
            .filter(|d| d.len() == 9)
            .map(str::to_owned)
            .collect()
    };
    let ids = |v: &[&(&ObservedCompany, &Vec<String>)]| -> Vec<OkdeskId> {
        let mut ids: Vec<OkdeskId> = v.iter().map(|(c, _)| c.id).collect();
        ids.sort();
        ids
    };
    let all: Vec<&(&ObservedCompany, &Vec<String>)> = candidates.iter().collect();
    let pick = |v: Vec<&(&ObservedCompany, &Vec<String>)>, by: &str, value: String| match v.len() {
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

/// Observed contacts indexed by `crm_1c_id` and e-mail, built once per plan.
pub(crate) struct Contacts<'a> {
    list: &'a [ObservedContact],
    /// Positions by trimmed `crm_1c_id`, in list order.
    by_crm: HashMap<&'a str, Vec<usize>>,
    /// Positions by trimmed, lower-cased e-mail, in list order.
    by_email: HashMap<String, Vec<usize>>,
}

impl<'a> Contacts<'a> {
    /// Indexes `list`.
    pub(crate) fn new(list: &'a [ObservedContact]) -> Self {
        let mut by_crm: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut by_email: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, c) in list.iter().enumerate() {
            if let Some(crm) = c.crm_1c_id.as_deref() {
                by_crm.entry(crm.trim()).or_default().push(i);
            }
            if let Some(e) = c.email.as_deref() {
                by_email.entry(e.trim().to_lowercase()).or_default().push(i);
            }
        }
        Contacts {
            list,
            by_crm,
            by_email,
        }
    }
}

/// Matches a contact by `crm_1c_id`, then by normalised e-mail.
pub(crate) fn contact(
    contacts: &Contacts<'_>,
    own_ref: &str,
    email_key: Option<&str>,
    taken: &BTreeSet<(EntityKind, OkdeskId)>,
) -> Match {
    let kind = EntityKind::Contacts;
    let at = |i: &usize| &contacts.list[*i];
    if let Some(m) = by_crm_1c_id(&contacts.by_crm, own_ref, kind, |i| at(&i).id, taken) {
        return m;
    }
    let Some(key) = email_key else {
        return Match::None;
    };
    let mut found: Vec<OkdeskId> = contacts
        .by_email
        .get(key)
        .into_iter()
        .flatten()
        .map(at)
        .filter(|c| free(c.id, c.crm_1c_id.as_deref(), own_ref, taken, kind))
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
