//! Where 1C data comes from: the OData interface of a published base, a universal XML exchange
//! file, or lists saved as spreadsheets. The CLI reads it from config as `source = "odata" | "xml" |
//! "xlsx"` with the fields each kind needs.

use std::fmt;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::xlsx::Columns;

/// The transport a base is read through.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "source", rename_all = "lowercase", deny_unknown_fields)]
pub enum Source {
    /// The standard OData interface: `url` is the base's `…/odata/standard.odata` address.
    #[serde(rename = "odata")]
    OData {
        /// The service root.
        url: String,
        /// The 1C user name.
        user: String,
        /// The 1C user's password (often empty for service users); never printed.
        #[serde(default)]
        password: String,
    },
    /// A file written by «Выгрузка и загрузка данных XML».
    Xml {
        /// The exchange file.
        path: PathBuf,
    },
    /// Lists saved from 1C as `.xlsx` or `.ods`.
    Xlsx {
        /// The workbook.
        path: PathBuf,
        /// Column titles where the lists differ from the standard ones (boxed: it is large).
        #[serde(default)]
        columns: Box<Columns>,
    },
}

impl Source {
    /// The config spelling of the kind: `odata`, `xml` or `xlsx`.
    pub fn kind(&self) -> &'static str {
        match self {
            Source::OData { .. } => "odata",
            Source::Xml { .. } => "xml",
            Source::Xlsx { .. } => "xlsx",
        }
    }
}

impl fmt::Debug for Source {
    // The password must never reach a log line, so it is shown only as present or absent.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::OData {
                url,
                user,
                password,
            } => f
                .debug_struct("OData")
                .field("url", url)
                .field("user", user)
                .field(
                    "password",
                    &if password.is_empty() {
                        ""
                    } else {
                        "<redacted>"
                    },
                )
                .finish(),
            Source::Xml { path } => f.debug_struct("Xml").field("path", path).finish(),
            Source::Xlsx { path, columns } => f
                .debug_struct("Xlsx")
                .field("path", path)
                .field("columns", columns)
                .finish(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_each_kind_from_toml() {
        let s: Source = toml::from_str(
            "source = \"odata\"\nurl = \"http://host/base/odata/standard.odata\"\nuser = \"okdesk\"\npassword = \"секрет\"",
        )
        .unwrap();
        assert_eq!(s.kind(), "odata");
        let debug = format!("{s:?}");
        assert!(!debug.contains("секрет"), "{debug}");
        assert!(debug.contains("<redacted>"), "{debug}");

        let s: Source = toml::from_str("source = \"xml\"\npath = \"export.xml\"").unwrap();
        assert_eq!(
            s,
            Source::Xml {
                path: "export.xml".into()
            }
        );

        let s: Source = toml::from_str(
            "source = \"xlsx\"\npath = \"lists.xlsx\"\n[columns.counterparties]\ninn = \"ИНН/КПП\"",
        )
        .unwrap();
        let Source::Xlsx { columns, .. } = s else {
            panic!("xlsx expected")
        };
        assert_eq!(columns.counterparties.inn, vec!["ИНН/КПП".to_owned()]);
    }

    #[test]
    fn unknown_kind_and_field_are_reported() {
        let e = toml::from_str::<Source>("source = \"ftp\"\npath = \"x\"").unwrap_err();
        assert!(e.to_string().contains("ftp"), "{e}");
        let e = toml::from_str::<Source>("source = \"xml\"\npaht = \"x\"").unwrap_err();
        assert!(e.to_string().contains("paht"), "{e}");
    }
}
