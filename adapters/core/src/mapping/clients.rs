//! Clients and what hangs off them: counterparties (or partners, where they are the clients),
//! contact persons and contracts.

use std::collections::BTreeMap;

use onec_model::{ContactPerson, ContactState, Contract, Counterparty, LegalForm, Ref};

use super::{row_text, MapCx};
use crate::adapter::Severity;
use crate::layout::{CompanySource, ContactLayout, LegalFormValues};
use crate::raw::RawObject;

/// The clients, from counterparties or from partners as the layout says.
pub fn counterparties(cx: &mut MapCx<'_>) -> Vec<Counterparty> {
    match cx.layout.companies_from {
        CompanySource::Counterparties => legal_counterparties(cx),
        CompanySource::Partners => companies_from_partners(cx),
    }
}

fn legal_form(
    cx: &mut MapCx<'_>,
    values: &LegalFormValues,
    obj: &RawObject,
    key: Ref,
    field: Option<&str>,
) -> Option<LegalForm> {
    let text = cx.text(obj, field)?;
    if values.legal.contains(&text) {
        Some(LegalForm::Legal)
    } else if values.individual.contains(&text) {
        Some(LegalForm::Individual)
    } else if values.entrepreneur.contains(&text) {
        Some(LegalForm::Entrepreneur)
    } else {
        cx.report(
            Severity::Warning,
            obj,
            Some(key),
            field,
            Some(text),
            "unknown legal form; left empty",
        );
        None
    }
}

/// A name, falling back to other fields with a warning; `None` (with an error) when nothing names it.
fn name_or_fallback(
    cx: &mut MapCx<'_>,
    obj: &RawObject,
    key: Ref,
    field: &str,
    fallbacks: &[Option<String>],
) -> Option<String> {
    if let Some(n) = cx.text(obj, Some(field)) {
        return Some(n);
    }
    for f in fallbacks.iter().flatten() {
        if let Some(n) = cx.text(obj, Some(f)) {
            cx.report(
                Severity::Warning,
                obj,
                Some(key),
                Some(field),
                None,
                format!("name is empty; using `{f}`"),
            );
            return Some(n);
        }
    }
    cx.report(
        Severity::Error,
        obj,
        Some(key),
        Some(field),
        None,
        "name is empty and nothing else names the object; skipped",
    );
    None
}

/// Legal counterparties as clients (УНФ, УТ 10.3, УТ 11, КА 2).
fn legal_counterparties(cx: &mut MapCx<'_>) -> Vec<Counterparty> {
    let l = cx.layout.counterparties.clone();
    let forms = cx.layout.legal_forms.clone();
    let mut out = Vec::new();
    cx.each(&l.set, |cx, obj| {
        let Some(head) = cx.head(obj) else { return };
        let key = head.r#ref;
        if cx.is_folder(obj, key, &l.is_folder) {
            return;
        }
        let Some(name) =
            name_or_fallback(cx, obj, key, &l.name, &[l.full_name.clone(), l.inn.clone()])
        else {
            return;
        };
        let info = cx.contact_info(obj, key, l.contact_table.as_deref(), &l.emails);
        let head_ref = cx
            .reference(obj, key, l.head.as_deref())
            .filter(|h| *h != key);
        out.push(Counterparty {
            r#ref: key,
            name,
            full_name: cx.text(obj, l.full_name.as_deref()),
            inn: cx.text(obj, l.inn.as_deref()),
            kpp: cx.text(obj, l.kpp.as_deref()),
            legal_form: legal_form(cx, &forms, obj, key, l.legal_form.as_deref()),
            emails: info.emails,
            phones: info.phones,
            addresses: info.addresses,
            partner: cx.reference(obj, key, l.partner.as_deref()),
            head: head_ref,
            comment: cx.text(obj, l.comment.as_deref()),
            upload: cx.boolean(obj, key, l.upload.as_deref()),
            deletion_mark: head.deletion_mark,
            version: head.version,
        });
    });
    out
}

/// Partners as clients (ЭСТИ): the name, flag and contact information come from the partner; INN,
/// KPP and the legal name from its main counterparty, which [`Counterparty::partner`] links.
pub fn companies_from_partners(cx: &mut MapCx<'_>) -> Vec<Counterparty> {
    let Some(p) = cx.layout.partners.clone() else {
        return Vec::new();
    };
    let c = cx.layout.counterparties.clone();
    let forms = cx.layout.legal_forms.clone();
    let mut out = Vec::new();
    cx.each(&p.set, |cx, obj| {
        let Some(head) = cx.head(obj) else { return };
        let key = head.r#ref;
        if cx.is_folder(obj, key, &p.is_folder) {
            return;
        }
        let Some(name) =
            name_or_fallback(cx, obj, key, &p.name, std::slice::from_ref(&p.full_name))
        else {
            return;
        };
        let main = match cx.reference(obj, key, p.main_counterparty.as_deref()) {
            Some(m) => Some(m),
            None => main_counterparty(cx, obj, key, &c.set, c.head.as_deref()),
        };
        let main_obj = main.and_then(|m| cx.find(&c.set, m));
        if let (Some(m), None) = (main, &main_obj) {
            cx.report(
                Severity::Warning,
                obj,
                Some(key),
                p.main_counterparty.as_deref(),
                Some(m.to_string()),
                "main counterparty was not read; INN and KPP left empty",
            );
        }
        let mut info = cx.contact_info(obj, key, p.contact_table.as_deref(), &[]);
        let (inn, kpp, full_name, form) = match main_obj.as_deref() {
            Some(m) => {
                let mk = main.expect("main_obj exists only with a main ref");
                let legal_info = cx.contact_info(m, mk, c.contact_table.as_deref(), &c.emails);
                info.extend(legal_info);
                (
                    cx.text(m, c.inn.as_deref()),
                    cx.text(m, c.kpp.as_deref()),
                    cx.text(m, c.full_name.as_deref()),
                    legal_form(cx, &forms, m, mk, c.legal_form.as_deref()),
                )
            }
            None => (None, None, None, None),
        };
        let full_name = full_name.or_else(|| cx.text(obj, p.full_name.as_deref()));
        let form = form.or_else(|| legal_form(cx, &forms, obj, key, p.legal_form.as_deref()));
        out.push(Counterparty {
            r#ref: key,
            name,
            full_name,
            inn,
            kpp,
            legal_form: form,
            emails: info.emails,
            phones: info.phones,
            addresses: info.addresses,
            partner: main,
            head: None,
            comment: cx.text(obj, p.comment.as_deref()),
            upload: cx.boolean(obj, key, p.upload.as_deref()),
            deletion_mark: head.deletion_mark,
            version: head.version,
        });
    });
    out
}

/// The partner's main counterparty when the configuration does not name one: a head office (no
/// head, or itself as head) before branches, not marked for deletion, first in the order read.
fn main_counterparty(
    cx: &mut MapCx<'_>,
    partner: &RawObject,
    key: Ref,
    counterparties: &str,
    head_field: Option<&str>,
) -> Option<Ref> {
    let candidates = cx.counterparties_of_partner(key).to_vec();
    // Each candidate is scored once (the source may have to fetch it); the first best wins.
    let mut best: Option<(usize, Ref)> = None;
    for r in &candidates {
        let score = match cx.find(counterparties, *r) {
            None => 3,
            Some(o) => {
                let deleted = o.boolean("DeletionMark").ok().flatten() == Some(true);
                let branch = head_field
                    .and_then(|h| o.reference(h).ok().flatten())
                    .is_some_and(|h| h != *r);
                usize::from(deleted) * 2 + usize::from(branch)
            }
        };
        if best.is_none_or(|(s, _)| score < s) {
            best = Some((score, *r));
        }
    }
    let best = best.map(|(_, r)| r);
    if candidates.is_empty() {
        cx.report(
            Severity::Info,
            partner,
            Some(key),
            None,
            None,
            "partner has no counterparty; INN and KPP left empty",
        );
    }
    best
}

/// УТ 11 / КА 2: a counterparty without e-mails or phones takes its partner's, since users keep
/// them on either card.
pub fn inherit_partner_contact_info(cx: &mut MapCx<'_>, clients: &mut [Counterparty]) {
    let Some(p) = cx.layout.partners.clone() else {
        return;
    };
    for client in clients.iter_mut() {
        let Some(partner) = client.partner else {
            continue;
        };
        let Some(obj) = cx.find(&p.set, partner) else {
            continue;
        };
        let info = cx.contact_info(&obj, partner, p.contact_table.as_deref(), &[]);
        if client.emails.is_empty() {
            client.emails = info.emails;
        }
        if client.phones.is_empty() {
            client.phones = info.phones;
        }
    }
}

fn contact_state(
    cx: &mut MapCx<'_>,
    l: &ContactLayout,
    obj: &RawObject,
    key: Ref,
) -> Option<ContactState> {
    if cx.boolean(obj, key, l.invalid.as_deref()) == Some(true) {
        return Some(ContactState::Dismissed);
    }
    if cx.date(obj, key, l.ended.as_deref()).is_some() {
        return Some(ContactState::Dismissed);
    }
    let text = cx.text(obj, l.state.as_deref())?;
    Some(if l.state_working.contains(&text) {
        ContactState::Working
    } else if l.state_dismissed.contains(&text) {
        ContactState::Dismissed
    } else {
        ContactState::Other(text)
    })
}

/// Splits «Фамилия Имя Отчество» when the catalog keeps only the full name.
fn split_name(name: &str) -> (Option<String>, Option<String>, Option<String>) {
    let mut parts = name.split_whitespace();
    let last = parts.next().map(str::to_owned);
    let first = parts.next().map(str::to_owned);
    let rest: Vec<&str> = parts.collect();
    let patronymic = (!rest.is_empty()).then(|| rest.join(" "));
    (last, first, patronymic)
}

/// Contact persons, with owners resolved to clients (through a link register where the layout
/// has one), names from a person catalog where the layout joins one.
pub fn contacts(cx: &mut MapCx<'_>) -> Vec<ContactPerson> {
    let Some(l) = cx.layout.contacts.clone() else {
        return Vec::new();
    };
    let links = link_index(cx);
    let mut out = Vec::new();
    cx.each(&l.set, |cx, obj| {
        let Some(head) = cx.head(obj) else { return };
        let key = head.r#ref;
        if cx.is_folder(obj, key, &l.is_folder) {
            return;
        }
        let person_ref = l
            .person
            .as_ref()
            .and_then(|p| cx.reference(obj, key, Some(&p.field)));
        let person = match (&l.person, person_ref) {
            (Some(p), Some(r)) => cx.find(&p.set, r),
            _ => None,
        };
        let person = person.as_deref();
        let part = |cx: &mut MapCx<'_>, own: &Option<String>, joined: Option<&Option<String>>| {
            cx.text(obj, own.as_deref())
                .or_else(|| person.and_then(|p| cx.text(p, joined.and_then(|j| j.as_deref()))))
        };
        let pj = l.person.as_ref();
        let mut last = part(cx, &l.last_name, pj.map(|p| &p.last_name));
        let mut first = part(cx, &l.first_name, pj.map(|p| &p.first_name));
        let mut patronymic = part(cx, &l.patronymic, pj.map(|p| &p.patronymic));
        let name = match cx.text(obj, Some(&l.name)) {
            Some(n) => n,
            None => {
                let joined: Vec<&str> = [&last, &first, &patronymic]
                    .into_iter()
                    .flatten()
                    .map(String::as_str)
                    .collect();
                if joined.is_empty() {
                    cx.report(
                        Severity::Error,
                        obj,
                        Some(key),
                        Some(&l.name),
                        None,
                        "contact has no name; skipped",
                    );
                    return;
                }
                cx.report(
                    Severity::Warning,
                    obj,
                    Some(key),
                    Some(&l.name),
                    None,
                    "name is empty; built from the name parts",
                );
                joined.join(" ")
            }
        };
        if last.is_none() && first.is_none() && patronymic.is_none() {
            (last, first, patronymic) = split_name(&name);
        }
        let mut owner = cx.owner(obj, key, l.owner.as_deref(), l.owner_catalog);
        let mut position = cx.text(obj, l.position.as_deref());
        if let Some(found) = links.get(&key) {
            if owner.is_none() {
                owner = found.first().map(|(c, _)| *c);
                if let Some(o) = owner {
                    if !cx.companies.contains(&o) {
                        cx.report(
                            Severity::Warning,
                            obj,
                            Some(key),
                            None,
                            Some(o.to_string()),
                            "linked counterparty is not among the clients read (dangling or filtered out)",
                        );
                    }
                }
                if found.len() > 1 {
                    cx.report(
                        Severity::Info,
                        obj,
                        Some(key),
                        None,
                        Some(found.len().to_string()),
                        "contact is linked to several counterparties; the first link is its owner",
                    );
                }
            }
            if position.is_none() {
                position = found.first().and_then(|(_, p)| p.clone());
            }
        }
        if owner.is_none()
            && l.owner.is_none()
            && cx.layout.contact_links.is_some()
            && !links.contains_key(&key)
        {
            cx.report(
                Severity::Info,
                obj,
                Some(key),
                None,
                None,
                "contact has no valid link to a counterparty; owner left empty",
            );
        }
        let info = cx.contact_info(obj, key, l.contact_table.as_deref(), &[]);
        let mut emails = info.emails;
        let mut phones = info.phones;
        if let (Some(pr), Some(p)) = (person_ref, person) {
            // УТ 10.3 keeps a person's e-mail in the register under the person, not the link.
            let more = cx.contact_info(p, pr, None, &[]);
            for e in more.emails {
                if !emails.contains(&e) {
                    emails.push(e);
                }
            }
            for ph in more.phones {
                if !phones.contains(&ph) {
                    phones.push(ph);
                }
            }
        }
        out.push(ContactPerson {
            r#ref: key,
            owner,
            name,
            last_name: last,
            first_name: first,
            patronymic,
            position,
            emails,
            phones,
            state: contact_state(cx, &l, obj, key),
            upload: cx.boolean(obj, key, l.upload.as_deref()),
            comment: cx.text(obj, l.comment.as_deref()),
            deletion_mark: head.deletion_mark,
            version: head.version,
        });
    });
    out
}

/// Contact → [(counterparty, position)] from a link register, valid links only.
fn link_index(cx: &mut MapCx<'_>) -> BTreeMap<Ref, Vec<(Ref, Option<String>)>> {
    let mut index: BTreeMap<Ref, Vec<(Ref, Option<String>)>> = BTreeMap::new();
    let Some(r) = cx.layout.contact_links.clone() else {
        return index;
    };
    cx.each(&r.set, |cx, obj| {
        let contact = crate::raw::row_ref(&obj.set, &obj.props, &r.contact);
        let client = crate::raw::row_ref(&obj.set, &obj.props, &r.counterparty);
        let (Ok(Some(contact)), Ok(Some(client))) = (contact, client) else {
            cx.report(
                Severity::Warning,
                obj,
                None,
                Some(&r.contact),
                obj.text(&r.contact),
                "link record without a valid contact and counterparty; ignored",
            );
            return;
        };
        if r.invalid
            .as_deref()
            .and_then(|f| obj.boolean(f).ok().flatten())
            == Some(true)
        {
            return;
        }
        let position = r.position.as_deref().and_then(|p| row_text(&obj.props, p));
        index.entry(contact).or_default().push((client, position));
    });
    index
}

/// Contracts, with owners resolved to clients.
pub fn contracts(cx: &mut MapCx<'_>) -> Vec<Contract> {
    let Some(l) = cx.layout.contracts.clone() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    cx.each(&l.set, |cx, obj| {
        let Some(head) = cx.head(obj) else { return };
        let key = head.r#ref;
        if cx.is_folder(obj, key, &l.is_folder) {
            return;
        }
        let Some(title) = name_or_fallback(cx, obj, key, &l.name, std::slice::from_ref(&l.number))
        else {
            return;
        };
        let mut owner = cx.owner(obj, key, l.owner.as_deref(), l.owner_catalog);
        if owner.is_none() {
            owner = cx.owner(
                obj,
                key,
                l.owner_fallback.as_deref(),
                l.owner_fallback_catalog,
            );
        }
        let kind = match &l.kind_set {
            Some(set) => cx.reference(obj, key, l.kind.as_deref()).and_then(|r| {
                let found = cx.description_of(set, r);
                if found.is_none() {
                    cx.report(
                        Severity::Warning,
                        obj,
                        Some(key),
                        l.kind.as_deref(),
                        Some(r.to_string()),
                        format!("contract kind not found in `{set}`; left empty"),
                    );
                }
                found
            }),
            None => cx.text(obj, l.kind.as_deref()),
        };
        let start = cx.date(obj, key, l.start.as_deref());
        let end = cx.date(obj, key, l.end.as_deref());
        if let (Some(s), Some(e)) = (start, end) {
            if e < s {
                cx.report(
                    Severity::Warning,
                    obj,
                    Some(key),
                    l.end.as_deref(),
                    Some(e.to_string()),
                    format!("contract ends before it starts ({s}); kept as read"),
                );
            }
        }
        out.push(Contract {
            r#ref: key,
            owner,
            number: cx.text(obj, l.number.as_deref()),
            date: cx.date(obj, key, l.date.as_deref()),
            title,
            start,
            end,
            status: cx.text(obj, l.status.as_deref()),
            kind,
            upload: cx.boolean(obj, key, l.upload.as_deref()),
            comment: cx.text(obj, l.comment.as_deref()),
            deletion_mark: head.deletion_mark,
            version: head.version,
        });
    });
    out
}
