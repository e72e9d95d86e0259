//! EnterpriseData objects mapped into the neutral model: `Справочник.Контрагенты`,
//! `Справочник.КонтактныеЛица`, `Справочник.Договоры`, and `УдалениеОбъекта`.
//!
//! Structure (element names and which are required) from the classes generated from the
//! EnterpriseData 1.17 and 1.19 XDTO schemas in CUSTIS-public/OneCIntegration,
//! `OneCIntegration.Data/EnterpriseData1_17/EnterpriseData.cs` and `…1_19/EnterpriseData.cs`:
//!
//! - `Справочник.Контрагенты`: `КлючевыеСвойства` (`КлючевыеСвойстваКонтрагент`: `Ссылка`,
//!   `Наименование` (required), `НаименованиеПолное`, `ИНН`, `КПП`, `ЮридическоеФизическоеЛицо`
//!   (required; `ЮридическоеЛицо` | `ФизическоеЛицо`), `ИндивидуальныйПредприниматель`, …), then
//!   `КонтактнаяИнформация`, `ГоловнойКонтрагент`, …, `ОбщиеСвойстваОбъектовФормата/Комментарий`.
//! - `Справочник.КонтактныеЛица`: `КлючевыеСвойства` (`Ссылка`, `ФИО` (required), `Субъект` with
//!   `Контрагент` or `ФизическоеЛицо`), `КонтактнаяИнформация`; 1.19 adds `ОписаниеДолжности` and
//!   `ОбщиеСвойстваОбъектовФормата`.
//! - `Справочник.Договоры`: `КлючевыеСвойства` (`КлючевыеСвойстваДоговор`: `Ссылка`,
//!   `ВидДоговора`, `Организация`, `Контрагент` (all three required), `Наименование`, `Дата`
//!   (xs:date), `Номер`, …), `СрокДействия` (xs:date), …, `ОбщиеСвойстваОбъектовФормата`.
//! - `УдалениеОбъекта`: `СсылкаНаОбъект` of type `ЛюбаяСсылка`, which wraps another
//!   `СсылкаНаОбъект` holding one `<…Ссылка>` GUID (`КонтрагентыСсылка`, `ДоговорыСсылка`,
//!   `КонтактныеЛицаСсылка`, …).
//!
//! The format has no deletion mark («ПометкаУдаления» appears nowhere in either schema) and no
//! data version; a deleted object comes as `УдалениеОбъекта`. A reference to another object is
//! its key properties: with `Ссылка` when the sender knows it, or only `Наименование`, `ИНН`, `КПП`
//! for the receiver to match; such references are matched against the counterparties of the
//! message.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use onec_model::validate::email;
use onec_model::{ContactPerson, Contract, Counterparty, Inn, Kpp, LegalForm, Ref, Snapshot};

use super::contact_info;
use super::reader::Node;
use super::Deletion;
use crate::adapter::{Diagnostic, Severity};

pub(crate) const COUNTERPARTIES: &str = "Справочник.Контрагенты";
pub(crate) const CONTACTS: &str = "Справочник.КонтактныеЛица";
pub(crate) const CONTRACTS: &str = "Справочник.Договоры";
pub(crate) const DELETION: &str = "УдалениеОбъекта";

/// The object types this reader maps; everything else is counted as skipped.
pub(crate) fn is_used(name: &str) -> bool {
    matches!(name, COUNTERPARTIES | CONTACTS | CONTRACTS | DELETION)
}

/// A counterparty as another object names it: by `Ссылка`, or only by its key properties.
#[derive(Clone, Debug, Default)]
struct CounterpartyKey {
    r#ref: Option<Ref>,
    name: Option<String>,
    inn: Option<String>,
    kpp: Option<String>,
}

impl CounterpartyKey {
    fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(n) = &self.name {
            parts.push(format!("«{n}»"));
        }
        if let Some(i) = &self.inn {
            parts.push(format!("ИНН {i}"));
        }
        if let Some(k) = &self.kpp {
            parts.push(format!("КПП {k}"));
        }
        parts.join(", ")
    }
}

/// Whose owner a reference is.
enum Owner {
    Contact(usize),
    Contract(usize),
}

/// Collects mapped objects and diagnostics while the message streams by, and resolves references
/// once the whole message has been read.
#[derive(Default)]
pub(crate) struct Collector {
    pub snapshot: Snapshot,
    pub diagnostics: Vec<Diagnostic>,
    pub deletions: Vec<Deletion>,
    owners: Vec<(Owner, CounterpartyKey, &'static str, Ref)>,
    seen: BTreeMap<(&'static str, Ref), usize>,
}

impl Collector {
    fn report(
        &mut self,
        severity: Severity,
        set: &str,
        key: Option<Ref>,
        field: Option<&str>,
        value: Option<String>,
        message: impl Into<String>,
    ) {
        self.diagnostics.push(Diagnostic {
            set: set.to_owned(),
            key,
            field: field.map(str::to_owned),
            value,
            message: message.into(),
            severity,
        });
    }

    /// Maps one object read from the body.
    pub(crate) fn object(&mut self, node: &Node) {
        match node.name.as_str() {
            COUNTERPARTIES => self.counterparty(node),
            CONTACTS => self.contact(node),
            CONTRACTS => self.contract(node),
            DELETION => self.deletion(node),
            _ => {}
        }
    }

    /// The key properties and the object's own `Ссылка`, or an error diagnostic and `None`.
    fn head<'n>(&mut self, set: &'static str, node: &'n Node) -> Option<(&'n Node, Ref)> {
        let Some(kp) = node.child("КлючевыеСвойства") else {
            self.report(
                Severity::Error,
                set,
                None,
                Some("КлючевыеСвойства"),
                None,
                format!(
                    "object on line {} has no КлючевыеСвойства; skipped",
                    node.line
                ),
            );
            return None;
        };
        let text = kp.text_at(&["Ссылка"]);
        match text.as_deref().map(|t| Ref::parse(t.trim())) {
            Some(Ok(Some(r))) => Some((kp, r)),
            Some(Ok(None)) | None => {
                self.report(
                    Severity::Error,
                    set,
                    None,
                    Some("КлючевыеСвойства.Ссылка"),
                    text,
                    format!(
                        "object on line {} has no Ссылка (or an empty one), so push cannot keep it apart from others; skipped",
                        node.line
                    ),
                );
                None
            }
            Some(Err(e)) => {
                self.report(
                    Severity::Error,
                    set,
                    None,
                    Some("КлючевыеСвойства.Ссылка"),
                    text,
                    format!("object on line {}: {e}; skipped", node.line),
                );
                None
            }
        }
    }

    /// Registers an object's position; a second copy of the same object replaces the first.
    fn place(&mut self, set: &'static str, key: Ref, len: usize) -> Option<usize> {
        match self.seen.get(&(set, key)) {
            Some(&i) => {
                self.report(
                    Severity::Warning,
                    set,
                    Some(key),
                    None,
                    None,
                    "the object appears again in the message; the later copy replaces the earlier",
                );
                Some(i)
            }
            None => {
                self.seen.insert((set, key), len);
                None
            }
        }
    }

    fn check_emails(&mut self, set: &str, key: Ref, emails: &[String]) {
        for e in emails {
            let (_, invalid) = email::normalize_all(e);
            for (candidate, err) in invalid {
                self.report(
                    Severity::Warning,
                    set,
                    Some(key),
                    Some("КонтактнаяИнформация"),
                    Some(candidate),
                    format!("invalid e-mail: {err}; kept as written in 1C"),
                );
            }
        }
    }

    fn counterparty(&mut self, node: &Node) {
        let set = COUNTERPARTIES;
        let Some((kp, key)) = self.head(set, node) else {
            return;
        };
        let full_name = kp.text_at(&["НаименованиеПолное"]);
        let name = match kp.text_at(&["Наименование"]) {
            Some(n) => n,
            None => match &full_name {
                Some(f) => {
                    self.report(
                        Severity::Warning,
                        set,
                        Some(key),
                        Some("КлючевыеСвойства.Наименование"),
                        None,
                        "name is empty; using НаименованиеПолное",
                    );
                    f.clone()
                }
                None => {
                    self.report(
                        Severity::Error,
                        set,
                        Some(key),
                        Some("КлючевыеСвойства.Наименование"),
                        None,
                        "name is empty and nothing else names the counterparty; skipped",
                    );
                    return;
                }
            },
        };
        let inn = kp.text_at(&["ИНН"]);
        if let Some(i) = &inn {
            if let Err(e) = Inn::parse(i) {
                self.report(
                    Severity::Warning,
                    set,
                    Some(key),
                    Some("КлючевыеСвойства.ИНН"),
                    Some(i.clone()),
                    format!("{e}; kept as written in 1C"),
                );
            }
        }
        let kpp = kp.text_at(&["КПП"]);
        if let Some(k) = &kpp {
            if let Err(e) = Kpp::parse(k) {
                self.report(
                    Severity::Warning,
                    set,
                    Some(key),
                    Some("КлючевыеСвойства.КПП"),
                    Some(k.clone()),
                    format!("{e}; kept as written in 1C"),
                );
            }
        }
        let entrepreneur =
            kp.text_at(&["ИндивидуальныйПредприниматель"]).as_deref() == Some("true");
        let legal_form = match kp.text_at(&["ЮридическоеФизическоеЛицо"]).as_deref()
        {
            Some("ЮридическоеЛицо") => Some(LegalForm::Legal),
            Some("ФизическоеЛицо") if entrepreneur => Some(LegalForm::Entrepreneur),
            Some("ФизическоеЛицо") => Some(LegalForm::Individual),
            None => None,
            Some(other) => {
                self.report(
                    Severity::Warning,
                    set,
                    Some(key),
                    Some("КлючевыеСвойства.ЮридическоеФизическоеЛицо"),
                    Some(other.to_owned()),
                    "unknown legal form; left empty",
                );
                None
            }
        };
        let info = contact_info::read(node.child("КонтактнаяИнформация"));
        self.check_emails(set, key, &info.emails);
        let head = node
            .child("ГоловнойКонтрагент")
            .and_then(|h| h.text_at(&["Ссылка"]))
            .and_then(|t| Ref::parse(t.trim()).ok().flatten())
            .filter(|h| *h != key);
        let c = Counterparty {
            r#ref: key,
            name,
            full_name,
            inn,
            kpp,
            legal_form,
            emails: info.emails,
            phones: info.phones,
            addresses: info.addresses,
            partner: None,
            head,
            comment: node.text_at(&["ОбщиеСвойстваОбъектовФормата", "Комментарий"]),
            upload: None,
            deletion_mark: false,
            version: None,
        };
        match self.place(set, key, self.snapshot.counterparties.len()) {
            Some(i) => self.snapshot.counterparties[i] = c,
            None => self.snapshot.counterparties.push(c),
        }
    }

    fn contact(&mut self, node: &Node) {
        let set = CONTACTS;
        let Some((kp, key)) = self.head(set, node) else {
            return;
        };
        let Some(name) = kp.text_at(&["ФИО"]) else {
            self.report(
                Severity::Error,
                set,
                Some(key),
                Some("КлючевыеСвойства.ФИО"),
                None,
                "contact has no name (ФИО); skipped",
            );
            return;
        };
        let (last_name, first_name, patronymic) = split_name(&name);
        let subject = kp.child("Субъект");
        let owner_key = match subject.and_then(|s| s.child("Контрагент")) {
            Some(c) => Some(counterparty_key(c)),
            None => {
                let person = subject.is_some_and(|s| s.child("ФизическоеЛицо").is_some());
                self.report(
                    Severity::Info,
                    set,
                    Some(key),
                    Some("КлючевыеСвойства.Субъект"),
                    None,
                    if person {
                        "contact person of a private person (Субъект.ФизическоеЛицо), not of a counterparty; owner left empty"
                    } else {
                        "contact has no Субъект; owner left empty"
                    },
                );
                None
            }
        };
        let info = contact_info::read(node.child("КонтактнаяИнформация"));
        self.check_emails(set, key, &info.emails);
        let c = ContactPerson {
            r#ref: key,
            owner: None,
            name,
            last_name,
            first_name,
            patronymic,
            position: node.text_at(&["ОписаниеДолжности"]),
            emails: info.emails,
            phones: info.phones,
            state: None,
            upload: None,
            comment: node.text_at(&["ОбщиеСвойстваОбъектовФормата", "Комментарий"]),
            deletion_mark: false,
            version: None,
        };
        let i = match self.place(set, key, self.snapshot.contacts.len()) {
            Some(i) => {
                self.snapshot.contacts[i] = c;
                self.owners
                    .retain(|(o, ..)| !matches!(o, Owner::Contact(j) if *j == i));
                i
            }
            None => {
                self.snapshot.contacts.push(c);
                self.snapshot.contacts.len() - 1
            }
        };
        if let Some(k) = owner_key {
            self.owners.push((Owner::Contact(i), k, set, key));
        }
    }

    fn contract(&mut self, node: &Node) {
        let set = CONTRACTS;
        let Some((kp, key)) = self.head(set, node) else {
            return;
        };
        let number = kp.text_at(&["Номер"]);
        let title = match kp.text_at(&["Наименование"]) {
            Some(t) => t,
            None => match &number {
                Some(n) => {
                    self.report(
                        Severity::Warning,
                        set,
                        Some(key),
                        Some("КлючевыеСвойства.Наименование"),
                        None,
                        "name is empty; using Номер",
                    );
                    n.clone()
                }
                None => {
                    self.report(
                        Severity::Error,
                        set,
                        Some(key),
                        Some("КлючевыеСвойства.Наименование"),
                        None,
                        "contract has neither Наименование nor Номер; skipped",
                    );
                    return;
                }
            },
        };
        let owner_key = match kp.child("Контрагент") {
            Some(c) => Some(counterparty_key(c)),
            None => {
                self.report(
                    Severity::Warning,
                    set,
                    Some(key),
                    Some("КлючевыеСвойства.Контрагент"),
                    None,
                    "contract names no counterparty; owner left empty",
                );
                None
            }
        };
        let date = self.date(set, key, kp, "Дата", "КлючевыеСвойства.Дата");
        let end = self.date(set, key, node, "СрокДействия", "СрокДействия");
        let c = Contract {
            r#ref: key,
            owner: None,
            number,
            date,
            title,
            start: None,
            end,
            status: None,
            kind: kp.text_at(&["ВидДоговора"]),
            upload: None,
            comment: node.text_at(&["ОбщиеСвойстваОбъектовФормата", "Комментарий"]),
            deletion_mark: false,
            version: None,
        };
        let i = match self.place(set, key, self.snapshot.contracts.len()) {
            Some(i) => {
                self.snapshot.contracts[i] = c;
                self.owners
                    .retain(|(o, ..)| !matches!(o, Owner::Contract(j) if *j == i));
                i
            }
            None => {
                self.snapshot.contracts.push(c);
                self.snapshot.contracts.len() - 1
            }
        };
        if let Some(k) = owner_key {
            self.owners.push((Owner::Contract(i), k, set, key));
        }
    }

    /// An `xs:date` (or a date-time, whose time is dropped); 1C's empty date is `None`.
    fn date(
        &mut self,
        set: &str,
        key: Ref,
        node: &Node,
        name: &str,
        field: &str,
    ) -> Option<NaiveDate> {
        let text = node.text_at(&[name])?;
        let day = text.trim().get(..10).unwrap_or(text.trim());
        match NaiveDate::parse_from_str(day, "%Y-%m-%d") {
            Ok(d) if d == NaiveDate::from_ymd_opt(1, 1, 1).expect("a valid date") => None,
            Ok(d) => Some(d),
            Err(_) => {
                self.report(
                    Severity::Warning,
                    set,
                    Some(key),
                    Some(field),
                    Some(text),
                    "not a date (expected YYYY-MM-DD); left empty",
                );
                None
            }
        }
    }

    fn deletion(&mut self, node: &Node) {
        // The reference sits in an element named after the catalog plus «Ссылка», one or two
        // `СсылкаНаОбъект` levels down; it is searched for rather than walked to, so that either
        // nesting reads.
        let found = find_ref(node);
        let Some((element, text)) = found else {
            self.report(
                Severity::Warning,
                DELETION,
                None,
                Some("СсылкаНаОбъект"),
                None,
                format!(
                    "object deletion on line {} names no object; ignored",
                    node.line
                ),
            );
            return;
        };
        let set = match element.as_str() {
            "КонтрагентыСсылка" => COUNTERPARTIES,
            "КонтактныеЛицаСсылка" => CONTACTS,
            "ДоговорыСсылка" => CONTRACTS,
            // Deletions of objects push does not use are of no interest.
            _ => return,
        };
        match Ref::parse(text.trim()) {
            Ok(Some(r)) => self.deletions.push(Deletion {
                set: set.to_owned(),
                key: r,
            }),
            _ => self.report(
                Severity::Warning,
                set,
                None,
                Some(&format!("УдалениеОбъекта.{element}")),
                Some(text),
                "object deletion with an invalid reference; ignored",
            ),
        }
    }

    /// Resolves owners given by key properties, warns about owners not in the message and applies
    /// deletions. Called once, after the last object.
    pub(crate) fn finish(&mut self) {
        let known: BTreeMap<Ref, usize> = self
            .snapshot
            .counterparties
            .iter()
            .enumerate()
            .map(|(i, c)| (c.r#ref, i))
            .collect();
        let owners = std::mem::take(&mut self.owners);
        for (owner, k, set, key) in owners {
            let resolved = match k.r#ref {
                Some(r) => {
                    if !known.contains_key(&r) {
                        self.report(
                            Severity::Warning,
                            set,
                            Some(key),
                            Some(owner_field(&owner)),
                            Some(r.to_string()),
                            format!(
                                "counterparty {} is not in the message; owner kept as its reference, push finds it only if it was sent before",
                                k.describe()
                            ),
                        );
                    }
                    Some(r)
                }
                None => self.match_key(&owner, &k, set, key),
            };
            match owner {
                Owner::Contact(i) => self.snapshot.contacts[i].owner = resolved,
                Owner::Contract(i) => self.snapshot.contracts[i].owner = resolved,
            }
        }
        for d in std::mem::take(&mut self.deletions) {
            let marked = match d.set.as_str() {
                COUNTERPARTIES => mark(&mut self.snapshot.counterparties, d.key, |c| {
                    (c.r#ref, &mut c.deletion_mark)
                }),
                CONTACTS => mark(&mut self.snapshot.contacts, d.key, |c| {
                    (c.r#ref, &mut c.deletion_mark)
                }),
                _ => mark(&mut self.snapshot.contracts, d.key, |c| {
                    (c.r#ref, &mut c.deletion_mark)
                }),
            };
            if !marked {
                self.report(
                    Severity::Info,
                    &d.set,
                    Some(d.key),
                    None,
                    None,
                    "deleted in 1C (УдалениеОбъекта); the object itself is not in the message",
                );
            }
            self.deletions.push(d);
        }
    }

    /// Matches a counterparty given only by key properties: by INN and KPP, then by INN alone
    /// when exactly one counterparty has it, then by a unique name.
    fn match_key(
        &mut self,
        owner: &Owner,
        k: &CounterpartyKey,
        set: &str,
        key: Ref,
    ) -> Option<Ref> {
        let cps = &self.snapshot.counterparties;
        let unique = |hits: Vec<Ref>| (hits.len() == 1).then(|| hits[0]);
        let by_inn = k.inn.as_ref().and_then(|inn| {
            let same_inn: Vec<&Counterparty> = cps
                .iter()
                .filter(|c| c.inn.as_deref() == Some(inn))
                .collect();
            let with_kpp = unique(
                same_inn
                    .iter()
                    .filter(|c| k.kpp.is_some() && c.kpp == k.kpp)
                    .map(|c| c.r#ref)
                    .collect(),
            );
            with_kpp.or_else(|| unique(same_inn.iter().map(|c| c.r#ref).collect()))
        });
        let found = by_inn.or_else(|| {
            k.name.as_ref().and_then(|n| {
                unique(
                    cps.iter()
                        .filter(|c| &c.name == n)
                        .map(|c| c.r#ref)
                        .collect(),
                )
            })
        });
        let field = owner_field(owner);
        match found {
            Some(r) => self.report(
                Severity::Info,
                set,
                Some(key),
                Some(field),
                Some(k.describe()),
                format!("counterparty given only by key properties; matched to {r} in the message"),
            ),
            None => self.report(
                Severity::Warning,
                set,
                Some(key),
                Some(field),
                Some(k.describe()),
                "counterparty given only by key properties matches no single counterparty in the message; owner left empty",
            ),
        }
        found
    }
}

fn owner_field(owner: &Owner) -> &'static str {
    match owner {
        Owner::Contact(_) => "КлючевыеСвойства.Субъект.Контрагент",
        Owner::Contract(_) => "КлючевыеСвойства.Контрагент",
    }
}

fn mark<T>(items: &mut [T], key: Ref, f: impl Fn(&mut T) -> (Ref, &mut bool)) -> bool {
    let mut marked = false;
    for item in items.iter_mut() {
        let (r, flag) = f(item);
        if r == key {
            *flag = true;
            marked = true;
        }
    }
    marked
}

fn counterparty_key(node: &Node) -> CounterpartyKey {
    CounterpartyKey {
        r#ref: node
            .text_at(&["Ссылка"])
            .and_then(|t| Ref::parse(t.trim()).ok().flatten()),
        name: node.text_at(&["Наименование"]),
        inn: node.text_at(&["ИНН"]),
        kpp: node.text_at(&["КПП"]),
    }
}

/// The first descendant whose name ends in «Ссылка» and which holds text.
fn find_ref(node: &Node) -> Option<(String, String)> {
    for c in &node.children {
        if c.name.ends_with("Ссылка") && c.name != "СсылкаНаОбъект" && !c.text.trim().is_empty()
        {
            return Some((c.name.clone(), c.text.clone()));
        }
        if let Some(found) = find_ref(c) {
            return Some(found);
        }
    }
    None
}

/// Splits «Фамилия Имя Отчество», since `КлючевыеСвойстваКонтактныеЛица` has only `ФИО`.
fn split_name(name: &str) -> (Option<String>, Option<String>, Option<String>) {
    let mut parts = name.split_whitespace();
    let last = parts.next().map(str::to_owned);
    let first = parts.next().map(str::to_owned);
    let rest: Vec<&str> = parts.collect();
    let patronymic = (!rest.is_empty()).then(|| rest.join(" "));
    (last, first, patronymic)
}
