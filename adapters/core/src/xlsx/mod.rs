//! Import of counterparties, contacts and contracts from lists saved from 1C as XLSX or ODS
//! («Вывести список…» → «Сохранить как»), for bases that are not published over HTTP.
//!
//! The result is neutral model records ([`onec_model::Snapshot`]), not raw objects: a saved list
//! holds what users see (names, not references, no `Ref_Key`s, owners as names), which is the same
//! in every configuration, so there is nothing for a configuration layout to translate. Refs are
//! derived deterministically from natural keys (INN and KPP, else the name) so that a re-import of
//! an updated list updates the same Okdesk records; contacts and contracts find their counterparty
//! by name in the same workbook.
//!
//! Sheets are recognised by name ([`Columns`]) or, failing that, by their header row, which is
//! matched by the Russian column titles. A row that does not parse is reported with sheet, row and
//! column ([`RowProblem`]) and the rest of the row is kept where possible.

mod cells;
mod columns;
mod list;

use std::fmt;
use std::io::{Read, Seek};
use std::path::Path;

use calamine::{Data, Range, Reader};
use onec_model::Snapshot;
use serde::{Deserialize, Serialize};

pub use columns::{Columns, ContactColumns, ContractColumns, CounterpartyColumns};

use crate::adapter::Severity;

/// Which list a sheet holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ListKind {
    /// Counterparties.
    Counterparties,
    /// Contact persons.
    Contacts,
    /// Contracts.
    Contracts,
}

/// One sheet that was read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SheetRead {
    /// The sheet name.
    pub sheet: String,
    /// What it holds.
    pub list: ListKind,
    /// The spreadsheet row number (from 1) of its header.
    pub header_row: u32,
    /// How many records it gave.
    pub records: usize,
}

/// A row (or cell) that could not be read cleanly.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowProblem {
    /// The sheet name.
    pub sheet: String,
    /// The spreadsheet row number, from 1.
    pub row: u32,
    /// The column letter (`C`), when one cell is at fault.
    pub column: Option<String>,
    /// The column title, when one cell is at fault.
    pub title: Option<String>,
    /// The cell as read.
    pub value: Option<String>,
    /// What is wrong and what the import did about it.
    pub message: String,
    /// Error: the row was left out; warning: the row was kept without this value.
    pub severity: Severity,
}

impl fmt::Display for RowProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:?} sheet «{}», row {}",
            self.severity, self.sheet, self.row
        )?;
        if let Some(c) = &self.column {
            write!(f, ", column {c}")?;
        }
        if let Some(t) = &self.title {
            write!(f, " «{t}»")?;
        }
        if let Some(v) = &self.value {
            write!(f, " = `{v}`")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Everything imported from one workbook.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct XlsxImport {
    /// Counterparties, contacts and contracts (the other lists stay empty).
    pub snapshot: Snapshot,
    /// Rows and cells that could not be read cleanly.
    pub problems: Vec<RowProblem>,
    /// The sheets read, in workbook order.
    pub sheets: Vec<SheetRead>,
    /// Sheets that matched no list, by name.
    pub ignored_sheets: Vec<String>,
}

/// Why a workbook could not be imported at all.
#[derive(Debug, thiserror::Error)]
pub enum XlsxError {
    /// The file is not a readable XLSX/ODS workbook.
    #[error("cannot open the workbook: {0}")]
    Open(String),
    /// A sheet could not be read.
    #[error("sheet «{sheet}»: {message}")]
    Sheet {
        /// The sheet name.
        sheet: String,
        /// What went wrong.
        message: String,
    },
    /// A sheet named as a list lacks a required column.
    #[error("sheet «{sheet}», header row {row}: no column {expected} for the {list:?} list (the header has: {found})")]
    MissingColumn {
        /// The sheet name.
        sheet: String,
        /// The row taken as the header, from 1.
        row: u32,
        /// The list the sheet is named as.
        list: ListKind,
        /// The accepted titles of the missing column.
        expected: String,
        /// The titles the header has.
        found: String,
    },
    /// No sheet looks like a list.
    #[error("no sheet is a list of counterparties, contacts or contracts (sheets: {sheets}); name a sheet «Контрагенты», «Контактные лица» or «Договоры», or set the column titles in config")]
    NoLists {
        /// The workbook's sheet names.
        sheets: String,
    },
}

/// Imports a workbook file (`.xlsx`, `.xls`, `.xlsb` or `.ods`).
pub fn import_path(path: &Path, columns: &Columns) -> Result<XlsxImport, XlsxError> {
    let mut wb = calamine::open_workbook_auto(path)
        .map_err(|e| XlsxError::Open(format!("{}: {e}", path.display())))?;
    import_sheets(&mut wb, columns)
}

/// Imports a workbook from memory or any seekable reader; the format is recognised by content.
pub fn import_reader<RS: Read + Seek + Clone>(
    data: RS,
    columns: &Columns,
) -> Result<XlsxImport, XlsxError> {
    let mut wb =
        calamine::open_workbook_auto_from_rs(data).map_err(|e| XlsxError::Open(e.to_string()))?;
    import_sheets(&mut wb, columns)
}

fn import_sheets<RS: Read + Seek>(
    wb: &mut calamine::Sheets<RS>,
    columns: &Columns,
) -> Result<XlsxImport, XlsxError> {
    let names = wb.sheet_names();
    let mut sheets: Vec<(String, Range<Data>)> = Vec::new();
    for name in &names {
        let range = wb.worksheet_range(name).map_err(|e| XlsxError::Sheet {
            sheet: name.clone(),
            message: e.to_string(),
        })?;
        sheets.push((name.clone(), range));
    }
    let mut found = Vec::new();
    let mut ignored = Vec::new();
    for (name, range) in &sheets {
        match list::recognise(name, range, columns)? {
            Some(header) => found.push((name.as_str(), range, header)),
            None => ignored.push(name.clone()),
        }
    }
    if found.is_empty() {
        return Err(XlsxError::NoLists {
            sheets: names.join(", "),
        });
    }
    // Counterparties first: contacts and contracts find their owners among them.
    found.sort_by_key(|(_, _, h)| h.kind);
    let mut import = list::Importer::default();
    let mut read = Vec::new();
    for (name, range, header) in found {
        let records = import.sheet(name, range, &header);
        read.push(SheetRead {
            sheet: name.to_owned(),
            list: header.kind,
            header_row: header.row,
            records,
        });
    }
    let order: Vec<&String> = names.iter().collect();
    read.sort_by_key(|s| order.iter().position(|n| **n == s.sheet));
    let (snapshot, problems) = import.finish();
    Ok(XlsxImport {
        snapshot,
        problems,
        sheets: read,
        ignored_sheets: ignored,
    })
}
