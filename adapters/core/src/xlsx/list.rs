//! Recognising a sheet's list and header row, and turning its rows into model records.

use std::collections::BTreeMap;

use calamine::{Data, Range};
use chrono::NaiveDate;
use onec_model::{
    Address, AddressKind, ContactPerson, Contract, Counterparty, LegalForm, Ref, Snapshot,
};

use super::cells;
use super::columns::{normalize_title, Columns};
use super::{ListKind, RowProblem, XlsxError};
use crate::adapter::Severity;

/// How many rows from the top may precede the header (1C puts a title and filters there).
const HEADER_SCAN: usize = 20;

/// Namespaces of derived refs, one per list, so equal keys in different lists never collide.
const NS_COUNTERPARTY: &str = "okdesk-1c/xlsx/counterparty";
const NS_CONTACT: &str = "okdesk-1c/xlsx/contact";
const NS_CONTRACT: &str = "okdesk-1c/xlsx/contract";

/// One field of a list: its key, accepted titles, and whether a row needs it.
struct Field<'c> {
    key: &'static str,
    titles: &'c [String],
    required: bool,
}

fn fields(kind: ListKind, c: &Columns) -> Vec<Field<'_>> {
    fn f<'c>(key: &'static str, titles: &'c [String], required: bool) -> Field<'c> {
        Field {
            key,
            titles,
            required,
        }
    }
    match kind {
        ListKind::Counterparties => {
            let k = &c.counterparties;
            vec![
                f("name", &k.name, true),
                f("full_name", &k.full_name, false),
                f("inn", &k.inn, false),
                f("kpp", &k.kpp, false),
                f("legal_form", &k.legal_form, false),
                f("email", &k.email, false),
                f("phone", &k.phone, false),
                f("address", &k.address, false),
                f("comment", &k.comment, false),
            ]
        }
        ListKind::Contacts => {
            let k = &c.contacts;
            vec![
                f("name", &k.name, true),
                f("counterparty", &k.counterparty, true),
                f("position", &k.position, false),
                f("email", &k.email, false),
                f("phone", &k.phone, false),
                f("comment", &k.comment, false),
            ]
        }
        ListKind::Contracts => {
            let k = &c.contracts;
            vec![
                f("name", &k.name, true),
                f("counterparty", &k.counterparty, true),
                f("number", &k.number, false),
                f("date", &k.date, false),
                f("start", &k.start, false),
                f("end", &k.end, false),
                f("status", &k.status, false),
                f("kind", &k.kind, false),
                f("comment", &k.comment, false),
            ]
        }
    }
}

fn sheet_names(kind: ListKind, c: &Columns) -> &[String] {
    match kind {
        ListKind::Counterparties => &c.counterparties.sheets,
        ListKind::Contacts => &c.contacts.sheets,
        ListKind::Contracts => &c.contracts.sheets,
    }
}

/// A recognised header: the list, its row and where each field's column is.
pub(super) struct Header {
    pub(super) kind: ListKind,
    /// The spreadsheet row number of the header, from 1.
    pub(super) row: u32,
    /// Index of the header among the range's rows.
    index: usize,
    /// Field key → (column index within the range, the title as written).
    cols: BTreeMap<&'static str, (usize, String)>,
}

fn header_titles(row: &[Data]) -> Vec<Option<String>> {
    row.iter().map(|c| cells::text(c).ok().flatten()).collect()
}

fn match_row(
    kind: ListKind,
    c: &Columns,
    titles: &[Option<String>],
) -> BTreeMap<&'static str, (usize, String)> {
    let normalized: Vec<Option<String>> = titles
        .iter()
        .map(|t| t.as_deref().map(normalize_title))
        .collect();
    let mut cols = BTreeMap::new();
    for field in fields(kind, c) {
        let wanted: Vec<String> = field.titles.iter().map(|t| normalize_title(t)).collect();
        // The first accepted title that is present wins, so the preferred spelling beats a synonym.
        let hit = wanted.iter().find_map(|w| {
            normalized
                .iter()
                .position(|n| n.as_deref() == Some(w.as_str()))
        });
        if let Some(i) = hit {
            let title = titles[i].clone().unwrap_or_default();
            cols.insert(field.key, (i, title));
        }
    }
    cols
}

fn has_required(
    kind: ListKind,
    c: &Columns,
    cols: &BTreeMap<&'static str, (usize, String)>,
) -> bool {
    let required = fields(kind, c)
        .iter()
        .filter(|f| f.required)
        .all(|f| cols.contains_key(f.key));
    let distinctive = match kind {
        ListKind::Contracts => cols.contains_key("number") || cols.contains_key("date"),
        ListKind::Contacts => true,
        ListKind::Counterparties => ["inn", "kpp", "full_name"]
            .iter()
            .any(|k| cols.contains_key(k)),
    };
    required && distinctive
}

/// Which list a sheet holds and where its header is; `None` for a sheet that is no list.
pub(super) fn recognise(
    name: &str,
    range: &Range<Data>,
    c: &Columns,
) -> Result<Option<Header>, XlsxError> {
    let start_row = range.start().map_or(0, |(r, _)| r);
    let rows: Vec<Vec<Option<String>>> =
        range.rows().take(HEADER_SCAN).map(header_titles).collect();
    let sheet = normalize_title(name);
    let named = [
        ListKind::Counterparties,
        ListKind::Contacts,
        ListKind::Contracts,
    ]
    .into_iter()
    .find(|k| {
        sheet_names(*k, c)
            .iter()
            .any(|s| normalize_title(s) == sheet)
    });
    if let Some(kind) = named {
        // A sheet named as a list must have the list's columns: the best row is the header.
        let best = rows
            .iter()
            .enumerate()
            .map(|(i, t)| (i, match_row(kind, c, t)))
            .max_by_key(|(i, m)| (m.len(), std::cmp::Reverse(*i)));
        let (index, cols) = best.unwrap_or((0, BTreeMap::new()));
        if let Some(missing) = fields(kind, c)
            .into_iter()
            .find(|f| f.required && !cols.contains_key(f.key))
        {
            let found = rows
                .get(index)
                .map(|t| {
                    t.iter()
                        .flatten()
                        .map(|s| format!("«{s}»"))
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| "nothing".into());
            return Err(XlsxError::MissingColumn {
                sheet: name.to_owned(),
                row: start_row + index as u32 + 1,
                list: kind,
                expected: missing
                    .titles
                    .iter()
                    .map(|t| format!("«{t}»"))
                    .collect::<Vec<_>>()
                    .join(" or "),
                found,
            });
        }
        return Ok(Some(Header {
            kind,
            row: start_row + index as u32 + 1,
            index,
            cols,
        }));
    }
    for (index, titles) in rows.iter().enumerate() {
        for kind in [
            ListKind::Contracts,
            ListKind::Contacts,
            ListKind::Counterparties,
        ] {
            let cols = match_row(kind, c, titles);
            if has_required(kind, c, &cols) {
                return Ok(Some(Header {
                    kind,
                    row: start_row + index as u32 + 1,
                    index,
                    cols,
                }));
            }
        }
    }
    Ok(None)
}

/// Collects records across sheets; owners are resolved against the counterparties read so far.
#[derive(Default)]
pub(super) struct Importer {
    snapshot: Snapshot,
    problems: Vec<RowProblem>,
    /// Normalised counterparty name → refs with that name.
    by_name: BTreeMap<String, Vec<Ref>>,
    /// Ref → where it was first read, to report duplicates.
    seen: BTreeMap<Ref, (String, u32)>,
}

/// One data row being read.
struct Row<'a> {
    sheet: &'a str,
    number: u32,
    first_col: u32,
    cells: &'a [Data],
    header: &'a Header,
    problems: Vec<RowProblem>,
}

impl Row<'_> {
    fn problem(
        &mut self,
        key: Option<&str>,
        value: Option<String>,
        message: String,
        severity: Severity,
    ) {
        let col = key.and_then(|k| self.header.cols.get(k));
        self.problems.push(RowProblem {
            sheet: self.sheet.to_owned(),
            row: self.number,
            column: col.map(|(i, _)| cells::column_letter(self.first_col + *i as u32)),
            title: col.map(|(_, t)| t.clone()),
            value,
            message,
            severity,
        });
    }

    fn cell(&self, key: &str) -> Option<&Data> {
        let (i, _) = self.header.cols.get(key)?;
        self.cells.get(*i)
    }

    fn text(&mut self, key: &str) -> Option<String> {
        let cell = self.cell(key)?;
        match cells::text(cell) {
            Ok(t) => t,
            Err(m) => {
                self.problem(
                    Some(key),
                    None,
                    format!("{m}; the value is left empty"),
                    Severity::Warning,
                );
                None
            }
        }
    }

    fn date(&mut self, key: &str) -> Option<NaiveDate> {
        let cell = self.cell(key)?.clone();
        match cells::date(&cell) {
            Ok(d) => d,
            Err(m) => {
                let value = cells::text(&cell).ok().flatten();
                self.problem(
                    Some(key),
                    value,
                    format!("{m}; the date is left empty"),
                    Severity::Warning,
                );
                None
            }
        }
    }

    fn code(&mut self, key: &str, lengths: &[usize]) -> Option<String> {
        let cell = self.cell(key)?.clone();
        match cells::code(&cell, lengths) {
            Ok((value, restored)) => {
                if restored {
                    self.problem(
                        Some(key),
                        value.clone(),
                        "the cell is a number, so the spreadsheet dropped a leading zero; it was restored".into(),
                        Severity::Info,
                    );
                }
                value
            }
            Err(m) => {
                self.problem(
                    Some(key),
                    None,
                    format!("{m}; the value is left empty"),
                    Severity::Warning,
                );
                None
            }
        }
    }

    fn is_blank(&self) -> bool {
        self.cells
            .iter()
            .all(|c| cells::text(c).ok().flatten().is_none())
    }
}

fn legal_form(text: &str) -> Option<LegalForm> {
    let t = normalize_title(text);
    match t.as_str() {
        "юридическоелицо" | "юрлицо" | "юрлицонерезидент" | "юридическоелицо(нерезидент)" => {
            Some(LegalForm::Legal)
        }
        "физическоелицо" | "физлицо" => Some(LegalForm::Individual),
        "индивидуальныйпредприниматель" | "ип" => {
            Some(LegalForm::Entrepreneur)
        }
        _ => None,
    }
}

impl Importer {
    /// Reads the data rows of one sheet; returns how many records it gave.
    pub(super) fn sheet(&mut self, sheet: &str, range: &Range<Data>, header: &Header) -> usize {
        let (start_row, first_col) = range.start().unwrap_or((0, 0));
        let mut records = 0;
        for (i, cells) in range.rows().enumerate().skip(header.index + 1) {
            let mut row = Row {
                sheet,
                number: start_row + i as u32 + 1,
                first_col,
                cells,
                header,
                problems: Vec::new(),
            };
            if row.is_blank() {
                continue;
            }
            let added = match header.kind {
                ListKind::Counterparties => self.counterparty(&mut row),
                ListKind::Contacts => self.contact(&mut row),
                ListKind::Contracts => self.contract(&mut row),
            };
            records += usize::from(added);
            self.problems.append(&mut row.problems);
        }
        records
    }

    pub(super) fn finish(self) -> (Snapshot, Vec<RowProblem>) {
        (self.snapshot, self.problems)
    }

    fn required_name(row: &mut Row<'_>) -> Option<String> {
        let name = row.text("name");
        if name.is_none() {
            row.problem(
                Some("name"),
                None,
                "the name is empty; the row is left out".into(),
                Severity::Error,
            );
        }
        name
    }

    /// Registers a new ref; a ref read before means the row repeats another one.
    fn claim(&mut self, row: &mut Row<'_>, r: Ref, what: &str) -> bool {
        if let Some((sheet, n)) = self.seen.get(&r) {
            row.problem(
                None,
                None,
                format!("the same {what} as row {n} of sheet «{sheet}»; the row is left out"),
                Severity::Error,
            );
            return false;
        }
        self.seen.insert(r, (row.sheet.to_owned(), row.number));
        true
    }

    fn owner(&mut self, row: &mut Row<'_>) -> Option<Ref> {
        let Some(name) = row.text("counterparty") else {
            row.problem(
                Some("counterparty"),
                None,
                "no counterparty; the record is kept unlinked".into(),
                Severity::Warning,
            );
            return None;
        };
        match self.by_name.get(&normalize_title(&name)).map(Vec::as_slice) {
            Some([one]) => Some(*one),
            Some(many) if many.len() > 1 => {
                row.problem(
                    Some("counterparty"),
                    Some(name),
                    format!(
                        "{} counterparties have this name; the record is kept unlinked",
                        many.len()
                    ),
                    Severity::Warning,
                );
                None
            }
            _ => {
                row.problem(
                    Some("counterparty"),
                    Some(name),
                    "no counterparty with this name in the counterparties list; the record is kept unlinked".into(),
                    Severity::Warning,
                );
                None
            }
        }
    }

    fn counterparty(&mut self, row: &mut Row<'_>) -> bool {
        let Some(name) = Self::required_name(row) else {
            return false;
        };
        let inn = row.code("inn", &[10, 12]);
        let kpp = row.code("kpp", &[9]);
        let legal = row.text("legal_form");
        let form = legal.as_deref().and_then(legal_form);
        if let (Some(l), None) = (&legal, form) {
            row.problem(
                Some("legal_form"),
                Some(l.clone()),
                "not a known legal form (Юридическое лицо, Физическое лицо, Индивидуальный предприниматель); left empty".into(),
                Severity::Warning,
            );
        }
        let (key, what) = match &inn {
            Some(i) => (
                format!("inn:{i}/{}", kpp.as_deref().unwrap_or("")),
                "INN and KPP",
            ),
            None => (
                format!("name:{}", normalize_title(&name)),
                "name (and no INN)",
            ),
        };
        let r = Ref::derived(NS_COUNTERPARTY, &key);
        if !self.claim(row, r, what) {
            return false;
        }
        self.by_name
            .entry(normalize_title(&name))
            .or_default()
            .push(r);
        self.snapshot.counterparties.push(Counterparty {
            r#ref: r,
            name,
            full_name: row.text("full_name"),
            inn,
            kpp,
            legal_form: form,
            emails: row.text("email").into_iter().collect(),
            phones: row.text("phone").into_iter().collect(),
            addresses: row
                .text("address")
                .map(|text| Address {
                    kind: AddressKind::Legal,
                    text,
                })
                .into_iter()
                .collect(),
            partner: None,
            head: None,
            comment: row.text("comment"),
            upload: None,
            deletion_mark: false,
            version: None,
        });
        true
    }

    fn contact(&mut self, row: &mut Row<'_>) -> bool {
        let Some(name) = Self::required_name(row) else {
            return false;
        };
        let owner = self.owner(row);
        let key = format!(
            "{}|{}",
            owner.map(|o| o.to_string()).unwrap_or_default(),
            normalize_title(&name)
        );
        let r = Ref::derived(NS_CONTACT, &key);
        if !self.claim(row, r, "name and counterparty") {
            return false;
        }
        self.snapshot.contacts.push(ContactPerson {
            r#ref: r,
            owner,
            name,
            last_name: None,
            first_name: None,
            patronymic: None,
            position: row.text("position"),
            emails: row.text("email").into_iter().collect(),
            phones: row.text("phone").into_iter().collect(),
            state: None,
            upload: None,
            comment: row.text("comment"),
            deletion_mark: false,
            version: None,
        });
        true
    }

    fn contract(&mut self, row: &mut Row<'_>) -> bool {
        let Some(title) = Self::required_name(row) else {
            return false;
        };
        let owner = self.owner(row);
        let number = row.text("number");
        let date = row.date("date");
        let key = format!(
            "{}|{}|{}|{}",
            owner.map(|o| o.to_string()).unwrap_or_default(),
            number.as_deref().unwrap_or(""),
            date.map(|d| d.to_string()).unwrap_or_default(),
            normalize_title(&title)
        );
        let r = Ref::derived(NS_CONTRACT, &key);
        if !self.claim(row, r, "counterparty, number, date and name") {
            return false;
        }
        self.snapshot.contracts.push(Contract {
            r#ref: r,
            owner,
            number,
            date,
            title,
            start: row.date("start"),
            end: row.date("end"),
            status: row.text("status"),
            kind: row.text("kind"),
            upload: None,
            comment: row.text("comment"),
            deletion_mark: false,
            version: None,
        });
        true
    }
}
