//! A streaming reader of 1C's EnterpriseData exchange messages (the universal data format of БП 3.0,
//! УТ 11, КА 2, УНФ 3 and other БСП-based configurations) into the neutral model push uses:
//! counterparties, contact persons and contracts.
//!
//! A message is БСП's envelope — root `<Message>` (unqualified, with `xmlns:msg` bound to
//! `http://www.1c.ru/SSL/Exchange/Message`), `<msg:Header>` with `msg:Format`,
//! `msg:CreationDate`, optional `msg:Confirmation` and `msg:AvailableVersion` elements — and one
//! `<Body xmlns="http://v8.1c.ru/edi/edi_stnd/EnterpriseData/1.x">` holding objects named after
//! their format types (`<Справочник.Контрагенты>`, `<Документ.ЗаказКлиента>`, …), each starting
//! with `<КлючевыеСвойства>`. Evidence: `OneCIntegration.Data/EnterpriseData1_17/Message.cs` and
//! the `Header`/`Confirmation` types of `EnterpriseData.cs` in CUSTIS-public/OneCIntegration, which
//! were generated from the XDTO schemas of formats 1.17 and 1.19.
//!
//! Covered: the object structure of formats 1.17 and 1.19, which agree on everything read here
//! except that 1.19 adds `ОписаниеДолжности` and `ОбщиеСвойстваОбъектовФормата` to contact persons;
//! other 1.x versions are read by the same element names (the `objects` module lists what is read).

mod contact_info;
mod error;
mod objects;
mod reader;

use std::collections::BTreeMap;
use std::io::Read;

use onec_model::{Ref, Snapshot};

use crate::adapter::{Diagnostic, Severity};

pub use error::{EnterpriseDataError, HINT};

/// Everything read from one message.
#[derive(Clone, Debug, PartialEq)]
pub struct EnterpriseDataRead {
    /// The format, as `EnterpriseData 1.17` (from `msg:Format`, else from the namespace of `Body`).
    pub format: String,
    /// Counterparties, contact persons and contracts, in the order of the message.
    pub snapshot: Snapshot,
    /// What could not be mapped cleanly; `key` is the object's GUID and `set` its format type
    /// (`Справочник.Контрагенты`).
    pub diagnostics: Vec<Diagnostic>,
    /// Objects of the types push uses, read by type (mapped or not; `УдалениеОбъекта` included).
    pub counts: BTreeMap<String, usize>,
    /// Objects of the types push does not use, by type.
    pub skipped: BTreeMap<String, usize>,
    /// Objects the message deletes (`УдалениеОбъекта`) among the types push uses; an object that is
    /// also in the message has its `deletion_mark` set.
    pub deletions: Vec<Deletion>,
}

/// An object deleted in 1C, as the message says with `УдалениеОбъекта`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deletion {
    /// The format type (`Справочник.Контрагенты`).
    pub set: String,
    /// The object's GUID.
    pub key: Ref,
}

/// Whether the first bytes of a file (a kilobyte or two) are an EnterpriseData message:
/// `Some("EnterpriseData 1.17")` when an EnterpriseData namespace is seen (the version as written),
/// `Some("http://www.1c.ru/SSL/Exchange/Message")` for a `<Message>` root of the exchange envelope
/// whose format is not yet visible, `None` otherwise (a universal XML exchange file, anything else).
/// BOMs, UTF-16 and windows-1251 are understood.
pub fn is_enterprise_data(head: &[u8]) -> Option<String> {
    reader::sniff_format(head)
}

/// Reads a whole message, streaming: one object is held at a time.
///
/// The result is the same for the same bytes: objects keep the order of the message, diagnostics
/// the order they were found in, and counts are sorted maps.
pub fn read(reader: impl Read + Send) -> Result<EnterpriseDataRead, EnterpriseDataError> {
    let mut stream = reader::MessageReader::new(reader)?;
    let mut collector = objects::Collector::default();
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut skipped: BTreeMap<String, usize> = BTreeMap::new();
    while let Some(item) = stream.next(&objects::is_used)? {
        match item {
            reader::Item::Object(node) => {
                *counts.entry(node.name.clone()).or_default() += 1;
                collector.object(&node);
            }
            reader::Item::Skipped(name) => *skipped.entry(name).or_default() += 1,
        }
    }
    collector.finish();
    let envelope = &stream.envelope;
    let version = |ns: &str| ns.strip_prefix(reader::ED_NS_PREFIX).map(str::to_owned);
    let header = envelope
        .header_format
        .as_deref()
        .and_then(|f| version(f.trim()));
    let body = envelope.body_ns.as_deref().and_then(version);
    let mut diagnostics = std::mem::take(&mut collector.diagnostics);
    if let (Some(h), Some(b)) = (&header, &body) {
        if h != b {
            // The body is what the data follows, so its namespace wins.
            diagnostics.push(Diagnostic {
                set: "Message".into(),
                key: None,
                field: Some("Header.Format".into()),
                value: Some(h.clone()),
                message: format!(
                    "the header names format {h}, but the body is in format {b}; read as {b}"
                ),
                severity: Severity::Warning,
            });
        }
    }
    let format = match body.or(header) {
        Some(v) => format!("EnterpriseData {v}"),
        None => "EnterpriseData".to_owned(),
    };
    Ok(EnterpriseDataRead {
        format,
        snapshot: collector.snapshot,
        diagnostics,
        counts,
        skipped,
        deletions: collector.deletions,
    })
}
