//! The 1C universal XML exchange format («Выгрузка и загрузка данных XML»,
//! `ВыгрузкаЗагрузкаДанныхXML83`): a streaming reader that turns an export into the same
//! [`RawObject`](crate::raw::RawObject)s the OData transport produces, and a writer for the documents
//! the product creates, loadable back with the same processing.
//!
//! The format (reference §3.1): root `V8Exch:_1CV8DtUD`, then `V8Exch:Data` with one XDTO object per
//! element (`v8:CatalogObject.Контрагенты`, `v8:DocumentObject.ЗаказКлиента`,
//! `v8:InformationRegisterRecordSet.…`), then `PredefinedData`. Standard fields are English, attributes
//! Russian; a single-typed reference is a bare GUID and a composite value carries `xsi:type`; a
//! tabular section holds one `<Row>` per row (older hand-made files repeat the section's element per
//! row, which reads too). 8.3 writes `v8:`-prefixed elements, 8.2 unprefixed ones in the default
//! namespace; both read alike. Names are translated to OData's: `Ref` → `Ref_Key`, a reference `X` →
//! `X_Key` (or `X` + `X_Type` for composites the [`ReadPlan`] names), rows get `LineNumber`. Files
//! in windows-1251 or UTF-16 are decoded first ([`decode`]).
//!
//! What an export lacks compared with OData: `DataVersion` (XDTO does not serialise it), and
//! `Predefined` where the processing leaves it out; mapped objects therefore have no version.

pub mod decode;
mod error;
mod inspect;
mod names;
pub(crate) mod position;
mod reader;
mod writer;

pub use error::{XmlError, XmlWriteError};
pub use inspect::{inspect, russian_type, Style, XmlSummary};
pub use position::Location;
pub use reader::{read, read_for_layout, read_with, ObjectReader, ReadPlan, XmlRead};
pub use writer::{write_documents, XmlWriter};
