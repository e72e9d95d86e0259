//! Why an EnterpriseData message could not be read. Every variant names the place in the file and
//! ends with what to do about it.

use crate::xml::Location;

/// How to get a good file again, from the real product: the БСП data processor
/// `ВыгрузкаЗагрузкаEnterpriseData` (present in БСП-based configurations, seen in public БСП dumps
/// as `DataProcessors/ВыгрузкаЗагрузкаEnterpriseData`) and the exchange plan
/// `СинхронизацияДанныхЧерезУниверсальныйФормат` (the plan name used in
/// CUSTIS-public/OneCIntegration, `OneCIntegration.Console/EnterpriseDataExamples.cs`).
pub const HINT: &str = "выгрузите данные заново: обработкой ВыгрузкаЗагрузкаEnterpriseData \
(Все функции → Обработки) или синхронизацией данных через универсальный формат (Администрирование → \
Синхронизация данных), и передайте файл сообщения как есть, без пересохранения";

/// Why a file could not be read as an EnterpriseData message.
///
/// Locations count lines and characters of the text as decoded; byte offsets are offsets in its
/// UTF-8 form (the same as in the file when the file is UTF-8).
#[derive(Debug, thiserror::Error)]
pub enum EnterpriseDataError {
    /// The file is empty or is not XML at all.
    #[error("{at}: not XML: {message}; {HINT}")]
    NotXml {
        /// Where the reader gave up.
        at: Location,
        /// What was found.
        message: String,
    },
    /// The file is XML, but its root is not an EnterpriseData `<Message>`.
    #[error("{at}: not an EnterpriseData message: the root is {found}; {HINT}")]
    NotEnterpriseData {
        /// Where the root (or the part that does not fit) starts.
        at: Location,
        /// What the root is, with its namespace and, for a known other 1C format, its name.
        found: String,
    },
    /// The file ends before an element is closed.
    #[error("{at}: the file ends inside <{element}> opened on line {opened_line}: is it truncated? {HINT}")]
    Truncated {
        /// The end of the file.
        at: Location,
        /// The innermost open element.
        element: String,
        /// The line where it was opened.
        opened_line: u64,
    },
    /// The bytes are not well-formed XML (a broken tag, a mismatched end tag).
    #[error("{at}: malformed XML{context}: {message}; {HINT}")]
    Malformed {
        /// Where the parser stopped.
        at: Location,
        /// What the parser says.
        message: String,
        /// The object being read, as ` in <Справочник.Контрагенты> opened on line N`, or empty.
        context: String,
    },
    /// The text cannot be decoded: an encoding this reader does not know, or invalid bytes.
    #[error("{at}: cannot decode the file: {message}; save it as UTF-8 or {HINT}")]
    Encoding {
        /// Where decoding failed.
        at: Location,
        /// What is wrong.
        message: String,
    },
    /// The input could not be read.
    #[error("{at}: reading the file failed: {source}")]
    Io {
        /// How far reading got.
        at: Location,
        /// The IO error.
        #[source]
        source: std::io::Error,
    },
}

impl EnterpriseDataError {
    /// Where in the file the problem is.
    pub fn location(&self) -> Location {
        match self {
            EnterpriseDataError::NotXml { at, .. }
            | EnterpriseDataError::NotEnterpriseData { at, .. }
            | EnterpriseDataError::Truncated { at, .. }
            | EnterpriseDataError::Malformed { at, .. }
            | EnterpriseDataError::Encoding { at, .. }
            | EnterpriseDataError::Io { at, .. } => *at,
        }
    }
}
