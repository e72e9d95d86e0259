//! What an exchange file holds, for `check` and for the run report: its encoding and style, the
//! objects by type with their counts, and the shape of each type (the property and tabular-section
//! names of its first object) as a [`Metadata`], so that the same detection and layout checks that
//! run against a live base's `$metadata` run against a file.
//!
//! The whole file is read, one object at a time (memory stays flat): counting needs it, and a
//! truncated or broken file is found here rather than halfway through a push.

use std::collections::BTreeMap;
use std::io::{self, Read};

use super::decode::{self, Detected};
use super::error::XmlError;
use super::reader::{ObjectReader, ReadPlan};
use super::Location;
use crate::layout::Layout;
use crate::metadata::{EntitySet, Metadata, Property};

/// How the object elements are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// 8.3: `v8:`-prefixed elements (`<v8:CatalogObject.Контрагенты>`).
    Prefixed,
    /// 8.2: unprefixed elements in the default namespace (`<CatalogObject.Контрагенты>`).
    Unprefixed,
}

/// What one exchange file holds.
#[derive(Clone, Debug)]
pub struct XmlSummary {
    /// The encoding the file is in (`UTF-8`, `windows-1251`, `UTF-16LE`).
    pub encoding: &'static str,
    /// How its elements are written.
    pub style: Style,
    /// Objects (and register records) by OData set name.
    pub objects: BTreeMap<String, usize>,
    /// Each set with the names its first object carries.
    pub metadata: Metadata,
}

impl XmlSummary {
    /// The objects as a person reads them: «3 × Справочник.Контрагенты, 1 × Документ.ЗаказКлиента».
    pub fn objects_text(&self) -> String {
        if self.objects.is_empty() {
            return "ни одного объекта".into();
        }
        self.objects
            .iter()
            .map(|(set, n)| format!("{n} × {}", russian_type(set)))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Reads a whole exchange file and says what it holds. With a layout, its composite attributes are
/// read as composites (so the shape matches what the layout expects).
pub fn inspect(reader: impl Read + Send, layout: Option<&Layout>) -> Result<XmlSummary, XmlError> {
    let (decoded, detected) = decode::utf8_reader(reader).map_err(|source| XmlError::Io {
        at: Location::start(),
        source,
    })??;
    let head = HeadCopy {
        inner: decoded,
        head: Vec::new(),
    };
    let plan = match layout {
        Some(l) => ReadPlan::for_layout(l).keeping_all(),
        None => ReadPlan::all(),
    };
    let mut objects = ObjectReader::new(head, plan);
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut metadata = Metadata {
        namespace: "StandardODATA".into(),
        container: "EnterpriseV8".into(),
        entity_sets: BTreeMap::new(),
    };
    while let Some(obj) = objects.next_object()? {
        *counts.entry(obj.set.clone()).or_default() += 1;
        metadata
            .entity_sets
            .entry(obj.set.clone())
            .or_insert_with(|| {
                let property = |name: &String| Property {
                    name: name.clone(),
                    edm_type: "Edm.String".into(),
                    nullable: true,
                };
                EntitySet {
                    name: obj.set.clone(),
                    entity_type: obj.set.clone(),
                    // Ref_Key is the key every object has; the rest are what this object carries.
                    properties: obj.props.keys().map(property).collect(),
                    tables: obj
                        .tables
                        .iter()
                        .map(|(t, rows)| {
                            let mut columns: Vec<String> =
                                rows.iter().flat_map(|r| r.keys().cloned()).collect();
                            columns.sort();
                            columns.dedup();
                            (t.clone(), columns.iter().map(property).collect())
                        })
                        .collect(),
                }
            });
    }
    for (set, n) in objects.skipped() {
        *counts.entry(set.clone()).or_default() += n;
    }
    let head = objects.into_inner().head;
    let style = style_of(&head);
    Ok(XmlSummary {
        encoding: match detected {
            Detected::Utf8 => "UTF-8",
            Detected::Other(name) => name,
        },
        style,
        objects: counts,
        metadata,
    })
}

/// The 1C name of a type: `Catalog_Контрагенты` → `Справочник.Контрагенты`.
pub fn russian_type(set: &str) -> String {
    const KINDS: &[(&str, &str)] = &[
        ("Catalog_", "Справочник."),
        ("Document_", "Документ."),
        ("InformationRegister_", "РегистрСведений."),
        ("AccumulationRegister_", "РегистрНакопления."),
        ("AccountingRegister_", "РегистрБухгалтерии."),
        ("CalculationRegister_", "РегистрРасчета."),
        ("ChartOfCharacteristicTypes_", "ПланВидовХарактеристик."),
        ("ChartOfAccounts_", "ПланСчетов."),
        ("ChartOfCalculationTypes_", "ПланВидовРасчета."),
        ("ExchangePlan_", "ПланОбмена."),
        ("BusinessProcess_", "БизнесПроцесс."),
        ("Task_", "Задача."),
        ("Constant_", "Константа."),
    ];
    if set == "ObjectDeletion" {
        return "УдалениеОбъекта".into();
    }
    KINDS
        .iter()
        .find_map(|(odata, ru)| set.strip_prefix(odata).map(|rest| format!("{ru}{rest}")))
        .unwrap_or_else(|| set.to_owned())
}

/// The style from the first kilobytes of the decoded file: the first object element after
/// `V8Exch:Data` either has the `v8:` prefix or none.
fn style_of(head: &[u8]) -> Style {
    let text = String::from_utf8_lossy(head);
    let after_data = text.find("Data>").map_or(&text[..], |i| &text[i..]);
    let object = after_data.find('<').map(|i| &after_data[i + 1..]);
    match object {
        Some(rest) if rest.starts_with("v8:") => Style::Prefixed,
        Some(rest) if rest.starts_with('/') || rest.is_empty() => {
            if text.contains("<v8:") {
                Style::Prefixed
            } else {
                Style::Unprefixed
            }
        }
        Some(_) => Style::Unprefixed,
        None => Style::Prefixed,
    }
}

/// How much of the decoded file is kept to tell the style.
const HEAD: usize = 16 * 1024;

/// A reader that keeps a copy of the first bytes that pass through it.
struct HeadCopy<R> {
    inner: R,
    head: Vec<u8>,
}

impl<R: Read> Read for HeadCopy<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if self.head.len() < HEAD {
            let take = n.min(HEAD - self.head.len());
            self.head.extend_from_slice(&buf[..take]);
        }
        Ok(n)
    }
}
