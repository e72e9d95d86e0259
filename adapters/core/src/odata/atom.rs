//! The reader of 1C's Atom answers (the default format, the only one of older platforms and of
//! `SelectChanges`): `<feed><entry><content><m:properties><d:X>` into [`RawObject`]s.
//!
//! Rules: `m:null="true"` is null; `m:type="Collection(…_RowType)"` is a tabular section whose
//! `<d:element>` children are rows (an empty, self-closing one is an empty section); a scalar with
//! `m:type` `Edm.Boolean`/`Edm.Double`/`Edm.Int32`… becomes a boolean or number, everything else
//! stays text as in JSON (Int64, GUIDs, dates, enum names). The entity set comes from the entry's
//! `<category term="StandardODATA.X">`, else from its edit link or `<id>`. Deletions in a
//! `SelectChanges` feed are `at:deleted-entry` tombstones. Expanded inline feeds are skipped.

use quick_xml::events::{BytesStart, BytesText, Event};
use quick_xml::Reader;

use super::body::{html_error, looks_like_html, strip_bom, xml_error};
use super::error::{line_column, OdataError};
use crate::raw::{RawObject, RawRow, RawValue};
use onec_model::Ref;

/// Everything an Atom answer carries.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AtomFeed {
    /// The entries, in document order.
    pub entries: Vec<RawObject>,
    /// Tombstones (`at:deleted-entry`), in document order.
    pub deleted: Vec<DeletedEntry>,
    /// `<m:count>` of a `$inlinecount=allpages` answer.
    pub count: Option<u64>,
}

/// An `at:deleted-entry` tombstone: an object deleted physically in 1C.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeletedEntry {
    /// The entity set of the deleted object (from the `ref` URI).
    pub set: String,
    /// The key text between the parentheses (`guid'…'`, or a register's named key parts).
    pub key: String,
    /// The object's `Ref_Key` when the key is a single GUID.
    pub reference: Option<Ref>,
    /// The `ref` URI as sent.
    pub uri: String,
    /// The `when` attribute as sent.
    pub when: Option<String>,
}

/// Reads an Atom feed (or a single entry) into objects; tombstones and counts are dropped, see
/// [`parse`] for them.
pub fn parse_feed(body: &[u8]) -> Result<Vec<RawObject>, OdataError> {
    parse(body).map(|feed| feed.entries)
}

/// Reads an Atom feed (or a single entry) with its tombstones and count.
///
/// Errors: [`OdataError::OData`] for an `m:error` body (status 200: the caller replaces it when it
/// knows better), [`OdataError::Html`] for an HTML page, [`OdataError::Decode`] with the line and
/// column for broken XML or an entry whose set cannot be told.
pub fn parse(body: &[u8]) -> Result<AtomFeed, OdataError> {
    let body = strip_bom(body);
    if looks_like_html(body) {
        return Err(html_error(200, body));
    }
    let mut parser = Parser {
        reader: Reader::from_reader(body),
        body,
        set_hint: String::new(),
    };
    parser.run()
}

/// A recursive-descent reader over the pull parser: each method consumes events up to and
/// including the end of the element it was called for.
struct Parser<'a> {
    reader: Reader<&'a [u8]>,
    body: &'a [u8],
    /// The set of the entry being read, for error messages.
    set_hint: String,
}

impl<'a> Parser<'a> {
    fn next(&mut self) -> Result<Event<'a>, OdataError> {
        self.reader.read_event().map_err(|e| {
            let offset = usize::try_from(self.reader.error_position()).unwrap_or(usize::MAX);
            self.decode_at(offset, &e.to_string())
        })
    }

    fn decode_at(&self, offset: usize, message: &str) -> OdataError {
        let (line, column) = line_column(self.body, offset);
        OdataError::Decode {
            set: if self.set_hint.is_empty() {
                "an Atom feed".into()
            } else {
                self.set_hint.clone()
            },
            line,
            column,
            message: message.to_owned(),
        }
    }

    fn position(&self) -> usize {
        usize::try_from(self.reader.buffer_position()).unwrap_or(usize::MAX)
    }

    fn run(&mut self) -> Result<AtomFeed, OdataError> {
        let mut feed = AtomFeed::default();
        loop {
            let start = self.position();
            match self.next()? {
                Event::Start(e) => {
                    match e.local_name().as_ref() {
                        b"feed" => self.feed(&mut feed)?,
                        b"entry" => {
                            let entry = self.entry(start)?;
                            feed.entries.push(entry);
                        }
                        b"error" => {
                            return Err(xml_error(200, self.body).unwrap_or_else(|| {
                                self.decode_at(start, "unreadable <m:error> body")
                            }))
                        }
                        other => {
                            return Err(self.decode_at(
                                start,
                                &format!(
                                    "the root element is <{}>, not <feed> or <entry>",
                                    String::from_utf8_lossy(other)
                                ),
                            ))
                        }
                    }
                    return Ok(feed);
                }
                Event::Empty(e) => {
                    if e.local_name().as_ref() == b"feed" {
                        return Ok(feed);
                    }
                    return Err(self.decode_at(start, "the root element is empty"));
                }
                Event::Eof => return Err(self.decode_at(start, "the answer is empty")),
                _ => {}
            }
        }
    }

    fn feed(&mut self, feed: &mut AtomFeed) -> Result<(), OdataError> {
        loop {
            let start = self.position();
            match self.next()? {
                Event::Start(e) => match e.local_name().as_ref() {
                    b"entry" => {
                        let entry = self.entry(start)?;
                        feed.entries.push(entry);
                    }
                    b"count" => {
                        let text = self.text()?;
                        feed.count = Some(text.trim().parse().map_err(|_| {
                            self.decode_at(start, &format!("<m:count> `{text}` is not a number"))
                        })?);
                    }
                    b"deleted-entry" => {
                        feed.deleted.push(tombstone(&e));
                        self.skip()?;
                    }
                    _ => self.skip()?,
                },
                Event::Empty(e) if e.local_name().as_ref() == b"deleted-entry" => {
                    feed.deleted.push(tombstone(&e));
                }
                Event::End(_) => return Ok(()),
                Event::Eof => return Err(self.decode_at(start, "the feed ends unexpectedly")),
                _ => {}
            }
        }
    }

    /// Reads one `<entry>` (its start tag already consumed at `start`).
    fn entry(&mut self, start: usize) -> Result<RawObject, OdataError> {
        let mut category = None;
        let mut edit_link = None;
        let mut id = None;
        let mut obj = RawObject::default();
        loop {
            match self.next()? {
                Event::Start(e) => match e.local_name().as_ref() {
                    b"category" => {
                        category = attr(&e, b"term");
                        self.skip()?;
                    }
                    b"link" => {
                        if attr(&e, b"rel").as_deref() == Some("edit") {
                            edit_link = attr(&e, b"href");
                        }
                        // Skipping also drops `m:inline` expansions nested in the link.
                        self.skip()?;
                    }
                    b"id" => id = Some(self.text()?),
                    b"content" => {}
                    b"properties" => self.properties(&mut obj)?,
                    _ => self.skip()?,
                },
                Event::Empty(e) => match e.local_name().as_ref() {
                    b"category" => category = attr(&e, b"term"),
                    b"link" if attr(&e, b"rel").as_deref() == Some("edit") => {
                        edit_link = attr(&e, b"href");
                    }
                    _ => {}
                },
                Event::End(e) if e.local_name().as_ref() == b"entry" => break,
                Event::End(_) => {}
                Event::Eof => return Err(self.decode_at(start, "an <entry> is not closed")),
                _ => {}
            }
        }
        let set = category
            .map(|term| unqualified(&term).to_owned())
            .or_else(|| edit_link.as_deref().and_then(set_from_uri))
            .or_else(|| id.as_deref().and_then(set_from_uri));
        match set {
            Some(set) if !set.is_empty() => {
                obj.set = set;
                Ok(obj)
            }
            _ => Err(self.decode_at(
                start,
                "the entry names no entity set (no <category term>, edit link or <id>)",
            )),
        }
    }

    /// Reads `<m:properties>` into the object's props and tables.
    fn properties(&mut self, obj: &mut RawObject) -> Result<(), OdataError> {
        loop {
            match self.next()? {
                Event::Start(e) => {
                    let name = local(&e);
                    let meta = PropMeta::of(&e);
                    if meta.collection {
                        let rows = self.rows(&name)?;
                        obj.tables.insert(name, rows);
                    } else {
                        match self.scalar_or_complex(&meta)? {
                            Some(value) => {
                                obj.props.insert(name, value);
                            }
                            None => tracing::trace!(property = %name, "complex value skipped"),
                        }
                    }
                }
                Event::Empty(e) => {
                    let name = local(&e);
                    let meta = PropMeta::of(&e);
                    if meta.collection {
                        obj.tables.insert(name, Vec::new());
                    } else {
                        obj.props.insert(name, meta.value(String::new()));
                    }
                }
                Event::End(_) => return Ok(()),
                Event::Eof => {
                    let at = self.position();
                    return Err(self.decode_at(at, "<m:properties> is not closed"));
                }
                _ => {}
            }
        }
    }

    /// Reads the `<d:element>` rows of a tabular section up to its end tag.
    fn rows(&mut self, table: &str) -> Result<Vec<RawRow>, OdataError> {
        let mut rows = Vec::new();
        loop {
            match self.next()? {
                Event::Start(_) => rows.push(self.row()?),
                Event::Empty(_) => rows.push(RawRow::new()),
                Event::End(_) => return Ok(rows),
                Event::Eof => {
                    let at = self.position();
                    return Err(
                        self.decode_at(at, &format!("tabular section `{table}` is not closed"))
                    );
                }
                _ => {}
            }
        }
    }

    /// Reads one row's columns up to the row's end tag.
    fn row(&mut self) -> Result<RawRow, OdataError> {
        let mut row = RawRow::new();
        loop {
            match self.next()? {
                Event::Start(e) => {
                    let name = local(&e);
                    let meta = PropMeta::of(&e);
                    if meta.collection {
                        self.skip()?;
                    } else if let Some(value) = self.scalar_or_complex(&meta)? {
                        row.insert(name, value);
                    }
                }
                Event::Empty(e) => {
                    let meta = PropMeta::of(&e);
                    if !meta.collection {
                        row.insert(local(&e), meta.value(String::new()));
                    }
                }
                Event::End(_) => return Ok(row),
                Event::Eof => {
                    let at = self.position();
                    return Err(self.decode_at(at, "a tabular-section row is not closed"));
                }
                _ => {}
            }
        }
    }

    /// Reads a property element's content: its text as a value, or `None` (after skipping it)
    /// when it turns out to hold child elements.
    fn scalar_or_complex(&mut self, meta: &PropMeta) -> Result<Option<RawValue>, OdataError> {
        let mut text = String::new();
        loop {
            match self.next()? {
                Event::Text(t) => {
                    let s = self.text_of(&t)?;
                    text.push_str(&s);
                }
                Event::CData(c) => text.push_str(&String::from_utf8_lossy(&c)),
                Event::Start(_) => {
                    self.skip()?;
                    self.skip()?;
                    return Ok(None);
                }
                Event::Empty(_) => {
                    self.skip()?;
                    return Ok(None);
                }
                Event::End(_) => return Ok(Some(meta.value(text))),
                Event::Eof => {
                    let at = self.position();
                    return Err(self.decode_at(at, "a property is not closed"));
                }
                _ => {}
            }
        }
    }

    /// The text content of an element without children, up to its end tag.
    fn text(&mut self) -> Result<String, OdataError> {
        let mut text = String::new();
        loop {
            match self.next()? {
                Event::Text(t) => {
                    let s = self.text_of(&t)?;
                    text.push_str(&s);
                }
                Event::CData(c) => text.push_str(&String::from_utf8_lossy(&c)),
                Event::Start(_) => self.skip()?,
                Event::End(_) => return Ok(text),
                Event::Eof => {
                    let at = self.position();
                    return Err(self.decode_at(at, "an element is not closed"));
                }
                _ => {}
            }
        }
    }

    /// The text of a text event: line ends normalised the way XML requires (a raw CR LF or CR is
    /// LF, while an escaped `&#xD;` survives), then entities unescaped.
    fn text_of(&self, t: &BytesText<'_>) -> Result<String, OdataError> {
        let raw = std::str::from_utf8(t.as_ref()).map_err(|e| {
            let at = self.position();
            self.decode_at(at, &format!("text is not UTF-8: {e}"))
        })?;
        let normalised;
        let raw = if raw.contains('\r') {
            normalised = raw.replace("\r\n", "\n").replace('\r', "\n");
            normalised.as_str()
        } else {
            raw
        };
        quick_xml::escape::unescape(raw)
            .map(|c| c.into_owned())
            .map_err(|e| {
                let at = self.position();
                self.decode_at(at, &e.to_string())
            })
    }

    /// Skips everything up to the end tag of the element whose start was just read.
    fn skip(&mut self) -> Result<(), OdataError> {
        let mut depth = 1usize;
        loop {
            match self.next()? {
                Event::Start(_) => depth += 1,
                Event::End(_) => {
                    depth -= 1;
                    if depth == 0 {
                        return Ok(());
                    }
                }
                Event::Eof => {
                    let at = self.position();
                    return Err(self.decode_at(at, "an element is not closed"));
                }
                _ => {}
            }
        }
    }
}

/// What a property element's `m:null` and `m:type` attributes say.
struct PropMeta {
    null: bool,
    collection: bool,
    edm_type: Option<String>,
}

impl PropMeta {
    fn of(e: &BytesStart<'_>) -> Self {
        let mut meta = PropMeta {
            null: false,
            collection: false,
            edm_type: None,
        };
        for a in e.attributes().flatten() {
            match a.key.local_name().as_ref() {
                b"null" => meta.null = a.value.as_ref() == b"true",
                b"type" => {
                    let t = String::from_utf8_lossy(&a.value).into_owned();
                    meta.collection = t.starts_with("Collection(");
                    meta.edm_type = Some(t);
                }
                _ => {}
            }
        }
        meta
    }

    /// The value of the element's text under its type.
    fn value(&self, text: String) -> RawValue {
        if self.null {
            return RawValue::Null;
        }
        match self.edm_type.as_deref() {
            Some("Edm.Boolean") => match text.trim() {
                "true" => RawValue::Bool(true),
                "false" => RawValue::Bool(false),
                _ => RawValue::Text(text),
            },
            Some(
                "Edm.Double" | "Edm.Single" | "Edm.Decimal" | "Edm.Int16" | "Edm.Int32"
                | "Edm.Byte" | "Edm.SByte",
            ) => text
                .trim()
                .parse::<f64>()
                .map(RawValue::Number)
                .unwrap_or(RawValue::Text(text)),
            _ => RawValue::Text(text),
        }
    }
}

fn local(e: &BytesStart<'_>) -> String {
    String::from_utf8_lossy(e.local_name().as_ref()).into_owned()
}

fn attr(e: &BytesStart<'_>, local: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == local)
        .map(|a| match a.unescape_value() {
            Ok(v) => v.into_owned(),
            Err(_) => String::from_utf8_lossy(&a.value).into_owned(),
        })
}

fn tombstone(e: &BytesStart<'_>) -> DeletedEntry {
    let uri = attr(e, b"ref").unwrap_or_default();
    let set = set_from_uri(&uri).unwrap_or_default();
    let key = key_from_uri(&uri).unwrap_or_default();
    let reference = key
        .strip_prefix("guid'")
        .and_then(|k| k.strip_suffix('\''))
        .or_else(|| (!key.contains(['\'', '='])).then_some(key.as_str()))
        .and_then(|g| Ref::parse(g).ok().flatten());
    DeletedEntry {
        set,
        key,
        reference,
        uri,
        when: attr(e, b"when"),
    }
}

/// The entity set of a resource URI or relative link (`…/Catalog_X(guid'…')[/Nav]`).
fn set_from_uri(uri: &str) -> Option<String> {
    let before_key = uri.split('(').next()?;
    let set = before_key.rsplit('/').next()?;
    (!set.is_empty()).then(|| set.to_owned())
}

/// The key text between the parentheses of a resource URI.
fn key_from_uri(uri: &str) -> Option<String> {
    let open = uri.find('(')?;
    let close = uri.rfind(')')?;
    (close > open).then(|| uri[open + 1..close].to_owned())
}

fn unqualified(name: &str) -> &str {
    name.rsplit_once('.').map_or(name, |(_, local)| local)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NS: &str = r#"xmlns="http://www.w3.org/2005/Atom" xmlns:at="http://purl.org/atompub/tombstones/1.0" xmlns:d="http://schemas.microsoft.com/ado/2007/08/dataservices" xmlns:m="http://schemas.microsoft.com/ado/2007/08/dataservices/metadata""#;

    #[test]
    fn nulls_types_rows_and_tombstones() {
        let body = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<feed {NS}><m:count>2</m:count>
<entry><id>http://h/b/odata/standard.odata/Document_Счет(guid'8d04ce3c-0b8c-11e5-80c6-0050568b35ac')</id>
<link rel="edit" href="Document_Счет(guid'8d04ce3c-0b8c-11e5-80c6-0050568b35ac')"/>
<link rel="x"><m:inline><feed><entry><category term="StandardODATA.Catalog_Вложенный"/></entry></feed></m:inline></link>
<content type="application/xml"><m:properties>
 <d:DataVersion m:null="true"/><d:Posted m:type="Edm.Boolean">true</d:Posted><d:Сумма m:type="Edm.Double">10.5</d:Сумма>
 <d:Комментарий>a &amp; b
 c</d:Комментарий><d:Пусто/>
 <d:Товары m:type="Collection(StandardODATA.Document_Счет_Товары_RowType)">
  <d:element m:type="StandardODATA.Document_Счет_Товары_RowType"><d:LineNumber>1</d:LineNumber><d:Цена m:null="true"/></d:element>
  <d:element><d:LineNumber>2</d:LineNumber><d:Цена>5</d:Цена></d:element>
 </d:Товары>
 <d:Услуги m:type="Collection(StandardODATA.Document_Счет_Услуги_RowType)"/>
</m:properties></content></entry>
<at:deleted-entry ref="http://h/b/odata/standard.odata/Catalog_Контрагенты(guid'ff564c10-a268-11e5-92f1-0050568b35ac')" when="2026-06-15T09:47:42"/>
</feed>"#
        );
        let feed = parse(body.as_bytes()).unwrap();
        assert_eq!(feed.count, Some(2));
        assert_eq!(feed.entries.len(), 1, "inline feeds are skipped");
        let o = &feed.entries[0];
        assert_eq!(o.set, "Document_Счет", "set from the edit link");
        assert_eq!(o.get("DataVersion"), Some(&RawValue::Null));
        assert_eq!(o.get("Posted"), Some(&RawValue::Bool(true)));
        assert_eq!(o.get("Сумма"), Some(&RawValue::Number(10.5)));
        assert_eq!(o.text("Комментарий").unwrap(), "a & b\n c");
        assert_eq!(o.get("Пусто"), Some(&RawValue::Text(String::new())));
        let rows = o.table("Товары");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0]["Цена"], RawValue::Null);
        assert_eq!(rows[1]["Цена"], RawValue::Text("5".into()));
        assert!(o.tables["Услуги"].is_empty());
        assert_eq!(feed.deleted.len(), 1);
        let gone = &feed.deleted[0];
        assert_eq!(gone.set, "Catalog_Контрагенты");
        assert_eq!(
            gone.reference.map(|r| r.to_string()).as_deref(),
            Some("ff564c10-a268-11e5-92f1-0050568b35ac")
        );
        assert_eq!(gone.when.as_deref(), Some("2026-06-15T09:47:42"));
    }

    #[test]
    fn single_entry_and_error_bodies() {
        let entry = format!(
            r#"<entry {NS}><category term="StandardODATA.Catalog_X"/><content><m:properties><d:Ref_Key>8d04ce3c-0b8c-11e5-80c6-0050568b35ac</d:Ref_Key></m:properties></content></entry>"#
        );
        let objs = parse_feed(entry.as_bytes()).unwrap();
        assert_eq!(objs[0].set, "Catalog_X");
        assert!(objs[0].ref_key().unwrap().is_some());

        let err = br#"<?xml version="1.0"?><m:error xmlns:m="m"><m:code>14</m:code><m:message>bad $filter</m:message></m:error>"#;
        assert_eq!(
            parse_feed(err).unwrap_err(),
            OdataError::OData {
                status: 200,
                code: "14".into(),
                message: "bad $filter".into()
            }
        );
    }

    #[test]
    fn broken_feed_has_a_position() {
        let body = format!("<feed {NS}>\n<entry>\n<content><m:properties><d:A>x</d:B>");
        let err = parse_feed(body.as_bytes()).unwrap_err();
        let OdataError::Decode { line, .. } = err else {
            panic!("{err:?}")
        };
        assert_eq!(line, 3);
    }

    #[test]
    fn an_entry_without_a_set_is_an_error() {
        let body = format!("<feed {NS}><entry><content><m:properties/></content></entry></feed>");
        let err = parse_feed(body.as_bytes()).unwrap_err();
        assert!(err.to_string().contains("names no entity set"), "{err}");
    }
}
