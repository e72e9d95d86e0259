//! Errors of the exchange-file reader and writer, each naming the place in the file.

use super::position::Location;

/// Why an exchange file could not be read. Every variant carries the line and column.
#[derive(Debug, thiserror::Error)]
pub enum XmlError {
    /// The bytes are not well-formed XML (a broken tag, a mismatched end tag, bad UTF-8).
    #[error("{at}: malformed XML{context}: {message}")]
    Malformed {
        /// Where the parser stopped.
        at: Location,
        /// What the parser says.
        message: String,
        /// The object being read, as ` in <CatalogObject.X> opened on line N`, or empty.
        context: String,
    },
    /// An element that has no place in the universal exchange format where it stands.
    #[error("{at}: unexpected element <{element}> {context}")]
    UnexpectedElement {
        /// Where the element starts.
        at: Location,
        /// Its name without namespace prefix.
        element: String,
        /// Where it was found and what was expected there.
        context: String,
    },
    /// Text where only elements may stand.
    #[error("{at}: unexpected text `{text}` {context}")]
    UnexpectedText {
        /// Where the text ends.
        at: Location,
        /// The start of the text.
        text: String,
        /// Where it was found.
        context: String,
    },
    /// The file ends before an element is closed.
    #[error(
        "{at}: the file ends inside <{element}> opened on line {opened_line}: is it truncated?"
    )]
    Truncated {
        /// The end of the file.
        at: Location,
        /// The innermost open element.
        element: String,
        /// The line where it was opened.
        opened_line: u64,
    },
    /// The file is XML, but not a 1C universal exchange file.
    #[error("{at}: not a 1C universal exchange file («Выгрузка и загрузка данных XML»): {found}")]
    NotExchangeFile {
        /// Where the root element (or the end of the file) is.
        at: Location,
        /// What was found instead.
        found: String,
    },
    /// The file declares an encoding that cannot be decoded.
    #[error("line 1, column 1: {0}")]
    Encoding(#[from] super::decode::UnknownEncoding),
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

impl XmlError {
    /// Where in the file the problem is.
    pub fn location(&self) -> Location {
        match self {
            XmlError::Malformed { at, .. }
            | XmlError::UnexpectedElement { at, .. }
            | XmlError::UnexpectedText { at, .. }
            | XmlError::Truncated { at, .. }
            | XmlError::NotExchangeFile { at, .. }
            | XmlError::Io { at, .. } => *at,
            XmlError::Encoding(_) => Location::start(),
        }
    }
}

/// Why documents could not be written as an exchange file.
#[derive(Debug, thiserror::Error)]
pub enum XmlWriteError {
    /// The set is not one the universal format can hold as an object (`Catalog_…`, `Document_…`, …).
    #[error("entity set `{set}` cannot be written to an exchange file: expected Catalog_…, Document_… or another object kind")]
    UnsupportedSet {
        /// The entity set.
        set: String,
    },
    /// A property name that is not a valid XML element name.
    #[error("{set}: property `{property}` is not a valid XML element name")]
    BadName {
        /// The entity set.
        set: String,
        /// The property.
        property: String,
    },
    /// A document still refers to an earlier write that is not in the batch.
    #[error(transparent)]
    Placeholder(#[from] crate::documents::BuildError),
    /// The output could not be written.
    #[error("writing the exchange file failed: {0}")]
    Io(#[from] std::io::Error),
}
