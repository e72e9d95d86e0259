//! Query options of a request: `$format` (and `Accept`), `$select`, `$filter`, `$orderby`, `$top`,
//! `$skip`, `$inlinecount`, and the plain parameters of functions (`PostingModeOperational`,
//! `DataExchangePoint`, `MessageNo`). Values are percent-decoded as UTF-8 without turning `+` into
//! a space: 1C does not either, and silently ignores a `$filter` whose spaces came as `+`.

use std::collections::{HashMap, HashSet};

use percent_encoding::percent_decode_str;

use super::error::OdataError;
use super::schema::SetDef;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Format {
    Atom,
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum MetaLevel {
    None,
    Minimal,
}

/// `$select`: which properties and tabular sections (or columns of them) to return.
#[derive(Clone, Debug, Default)]
pub(crate) struct Select {
    all: bool,
    no_tables: bool,
    props: HashSet<String>,
    columns: HashMap<String, HashSet<String>>,
}

impl Select {
    fn parse(text: &str) -> Select {
        let mut s = Select::default();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            match part {
                "*" => s.all = true,
                "**" => s.no_tables = true,
                _ => match part.split_once('/') {
                    Some((table, column)) => {
                        s.columns
                            .entry(table.to_owned())
                            .or_default()
                            .insert(column.to_owned());
                    }
                    None => {
                        s.props.insert(part.to_owned());
                    }
                },
            }
        }
        s
    }

    /// Checks the names against a set; unknown ones are 1C's error 10.
    pub(crate) fn check(&self, def: &SetDef) -> Result<(), OdataError> {
        for p in &self.props {
            if def.prop(p).is_none() && def.table(p).is_none() {
                return Err(OdataError::unknown_property(&def.name, p));
            }
        }
        for (t, cols) in &self.columns {
            let table = def
                .table(t)
                .ok_or_else(|| OdataError::unknown_property(&def.name, t))?;
            for c in cols {
                if c != "LineNumber" && c != "Ref_Key" && table.column(c).is_none() {
                    return Err(OdataError::unknown_property(&def.name, &format!("{t}/{c}")));
                }
            }
        }
        Ok(())
    }

    pub(crate) fn wants_prop(&self, name: &str) -> bool {
        self.all || self.no_tables || self.props.contains(name)
    }

    /// `None`: the table is not wanted; `Some(None)`: all columns; `Some(Some(set))`: these columns.
    pub(crate) fn wants_table(&self, name: &str) -> Option<Option<&HashSet<String>>> {
        if self.all || self.props.contains(name) {
            Some(None)
        } else {
            self.columns.get(name).map(Some)
        }
    }
}

/// The options of one request.
#[derive(Clone, Debug)]
pub(crate) struct Options {
    pub(crate) format: Format,
    pub(crate) meta: MetaLevel,
    pub(crate) select: Option<Select>,
    pub(crate) filter: Option<String>,
    pub(crate) orderby: Vec<(String, bool)>,
    pub(crate) top: Option<usize>,
    pub(crate) skip: usize,
    pub(crate) inlinecount: bool,
    pub(crate) params: HashMap<String, String>,
}

fn decode(s: &str) -> String {
    percent_decode_str(s).decode_utf8_lossy().into_owned()
}

/// Parses the query string; `accept` is the request's `Accept` header.
pub(crate) fn parse(raw: Option<&str>, accept: Option<&str>) -> Result<Options, OdataError> {
    let accept_json = accept.is_some_and(|a| a.contains("application/json"));
    let mut o = Options {
        format: if accept_json {
            Format::Json
        } else {
            Format::Atom
        },
        meta: MetaLevel::Minimal,
        select: None,
        filter: None,
        orderby: Vec::new(),
        top: None,
        skip: 0,
        inlinecount: false,
        params: HashMap::new(),
    };
    let Some(raw) = raw else { return Ok(o) };
    for pair in raw.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let key = decode(k);
        let value = decode(v);
        let number = |what: &str| {
            value
                .trim()
                .parse::<usize>()
                .map_err(|_| OdataError::bad_query(format!("неверное значение {what}: «{value}»")))
        };
        match key.as_str() {
            "$format" => {
                let f = value.to_ascii_lowercase();
                if f == "json" || f.starts_with("application/json") {
                    o.format = Format::Json;
                    if f.contains("odata=nometadata") {
                        o.meta = MetaLevel::None;
                    }
                } else if f == "atom" || f == "xml" || f.starts_with("application/atom+xml") {
                    o.format = Format::Atom;
                } else {
                    return Err(OdataError::new(
                        axum::http::StatusCode::BAD_REQUEST,
                        "3",
                        format!("Формат «{value}» не поддерживается"),
                    ));
                }
            }
            "$select" => o.select = Some(Select::parse(&value)),
            "$filter" => {
                // 1C reads `+` literally and silently drops the whole filter: imitate it so that
                // clients which encode spaces as `+` see the damage in tests, not in production.
                if v.contains('+') {
                    tracing::debug!(filter = %value, "`+` in $filter: ignored as 1C does");
                } else {
                    o.filter = Some(value);
                }
            }
            "$orderby" => {
                for part in value.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                    let mut words = part.split_whitespace();
                    let name = words.next().unwrap_or_default().to_owned();
                    let desc = matches!(words.next(), Some(d) if d.eq_ignore_ascii_case("desc"));
                    o.orderby.push((name, desc));
                }
            }
            "$top" => o.top = Some(number("$top")?),
            "$skip" => o.skip = number("$skip")?,
            "$inlinecount" => o.inlinecount = value == "allpages",
            "$expand" => {
                return Err(OdataError::new(
                    axum::http::StatusCode::BAD_REQUEST,
                    "0",
                    "$expand симулятором не поддерживается",
                ))
            }
            _ => {
                o.params.insert(key, value);
            }
        }
    }
    Ok(o)
}
