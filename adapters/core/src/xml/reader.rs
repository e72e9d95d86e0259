//! The streaming reader of universal exchange files: one [`RawObject`] at a time, in file order,
//! with the OData names every adapter expects.
//!
//! Memory stays flat however large the file is: objects of sets the plan does not keep are skipped
//! event by event without being built, and [`ObjectReader`] hands out kept objects one by one
//! ([`read_with`] collects them into a [`RawDataset`] for the usual case).

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::io::Read;

use quick_xml::events::{BytesStart, Event};

use super::error::XmlError;
use super::names::{self, DataElement, ValueType, UNDEFINED_TYPE};
use super::position::Tracked;
use crate::layout::Layout;
use crate::raw::{RawDataset, RawObject, RawRow, RawValue};

/// What to read from a file: which sets to keep, and which attributes are composites.
///
/// A composite attribute (several possible types) is `X` + `X_Type` on the OData wire, a plain
/// reference is `X_Key`; the XML spells both alike (`<X xsi:type="v8:CatalogRef.…">`), so the
/// difference has to come from the layout.
pub struct ReadPlan<'f> {
    keep: Keep<'f>,
    composites: BTreeMap<String, BTreeSet<String>>,
}

enum Keep<'f> {
    All,
    Sets(BTreeSet<String>),
    Filter(&'f dyn Fn(&str) -> bool),
}

impl<'f> ReadPlan<'f> {
    /// Keeps every object; references become `X_Key`.
    pub fn all() -> ReadPlan<'static> {
        ReadPlan {
            keep: Keep::All,
            composites: BTreeMap::new(),
        }
    }

    /// Keeps the sets for which `filter` (given the OData set name) is true.
    pub fn filter(filter: &'f dyn Fn(&str) -> bool) -> ReadPlan<'f> {
        ReadPlan {
            keep: Keep::Filter(filter),
            composites: BTreeMap::new(),
        }
    }

    /// Keeps exactly the sets a layout maps ([`Layout::entity_sets_to_read`]) and treats as
    /// composite every field the layout reads together with its `_Type`.
    pub fn for_layout(layout: &Layout) -> ReadPlan<'static> {
        Self::for_reads(layout.entity_sets_to_read())
    }

    /// Keeps the sets one job reads ([`Layout::publication_unchecked`]): push keeps no bank
    /// accounts, VAT or items, so an export of those is reported as objects push does not use.
    pub fn for_job(layout: &Layout, job: crate::layout::Job) -> ReadPlan<'static> {
        Self::for_reads(layout.publication_unchecked(job))
    }

    fn for_reads(reads: Vec<crate::layout::SetRead>) -> ReadPlan<'static> {
        let mut plan = ReadPlan {
            keep: Keep::Sets(BTreeSet::new()),
            composites: BTreeMap::new(),
        };
        for read in reads {
            let fields: BTreeSet<&str> = read.select.iter().map(String::as_str).collect();
            for f in &read.select {
                if fields.contains(format!("{f}_Type").as_str()) {
                    plan = plan.composite(&read.set, f);
                }
            }
            if let Keep::Sets(sets) = &mut plan.keep {
                sets.insert(read.set);
            }
        }
        plan
    }

    /// Keeps every object, with the composites declared so far.
    pub fn keeping_all(mut self) -> Self {
        self.keep = Keep::All;
        self
    }

    /// Declares `field` of `set` (a header property or a tabular-section column) a composite.
    pub fn composite(mut self, set: &str, field: &str) -> Self {
        self.composites
            .entry(set.to_owned())
            .or_default()
            .insert(field.to_owned());
        self
    }

    /// Whether objects of `set` are kept.
    pub fn keeps(&self, set: &str) -> bool {
        match &self.keep {
            Keep::All => true,
            Keep::Sets(sets) => sets.contains(set),
            Keep::Filter(f) => f(set),
        }
    }

    fn is_composite(&self, set: &str, field: &str) -> bool {
        self.composites
            .get(set)
            .is_some_and(|fields| fields.contains(field))
    }
}

/// Everything read from one file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct XmlRead {
    /// The kept objects, by OData set name, in file order.
    pub dataset: RawDataset,
    /// Elements skipped because the plan does not keep their set, by OData set name (record sets
    /// count once per `…RecordSet` element; object deletions count under `ObjectDeletion`).
    pub skipped: BTreeMap<String, usize>,
}

/// Reads a whole file, keeping the sets for which `filter` is true. References become `X_Key`;
/// use [`read_with`] and [`ReadPlan::for_layout`] when the layout has composite attributes.
pub fn read(reader: impl Read + Send, filter: &dyn Fn(&str) -> bool) -> Result<XmlRead, XmlError> {
    read_with(reader, ReadPlan::filter(filter))
}

/// Reads a whole file with a plan, in whatever encoding 1C wrote it ([`super::decode`]).
pub fn read_with(reader: impl Read + Send, plan: ReadPlan<'_>) -> Result<XmlRead, XmlError> {
    let (reader, _) = super::decode::utf8_reader(reader).map_err(|source| XmlError::Io {
        at: super::Location::start(),
        source,
    })??;
    let mut objects = ObjectReader::new(reader, plan);
    let mut dataset = RawDataset::default();
    while let Some(obj) = objects.next_object()? {
        dataset.sets.entry(obj.set.clone()).or_default().push(obj);
    }
    Ok(XmlRead {
        dataset,
        skipped: objects.skipped,
    })
}

/// Reads the sets a layout maps, composites included: what an adapter needs from an export.
pub fn read_for_layout(reader: impl Read + Send, layout: &Layout) -> Result<XmlRead, XmlError> {
    read_with(reader, ReadPlan::for_layout(layout))
}

/// One start tag, reduced to what the format uses.
struct Tag {
    /// The local name (no namespace prefix).
    name: String,
    xsi_type: Option<String>,
    nil: bool,
    /// The byte offset of `<`.
    at: u64,
}

enum Ev {
    Start(Tag),
    Empty(Tag),
    End,
    /// Text was appended to the caller's buffer.
    Text,
    Eof,
}

/// The XML event source with positions.
struct Cursor<R: Read> {
    xml: quick_xml::Reader<Tracked<R>>,
    buf: Vec<u8>,
}

impl<R: Read> Cursor<R> {
    fn next(&mut self, text: &mut String, context: &dyn Fn() -> String) -> Result<Ev, XmlError> {
        loop {
            self.buf.clear();
            let at = self.xml.buffer_position();
            let ev = match self.xml.read_event_into(&mut self.buf) {
                Ok(ev) => ev,
                Err(e) => return Err(self.malformed(e.to_string(), context())),
            };
            let tagged = match ev {
                Event::Start(e) => tag(&e, at).map(Ev::Start),
                Event::Empty(e) => tag(&e, at).map(Ev::Empty),
                Event::End(_) => return Ok(Ev::End),
                Event::Text(t) => {
                    return match t.unescape() {
                        Ok(s) => {
                            text.push_str(&s);
                            Ok(Ev::Text)
                        }
                        Err(e) => Err(self.malformed(e.to_string(), context())),
                    }
                }
                Event::CData(c) => {
                    return match std::str::from_utf8(&c) {
                        Ok(s) => {
                            text.push_str(s);
                            Ok(Ev::Text)
                        }
                        Err(e) => Err(self.malformed(e.to_string(), context())),
                    }
                }
                Event::Eof => return Ok(Ev::Eof),
                Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => continue,
            };
            return tagged.map_err(|e| match e {
                TagError::Utf8 => self.malformed("a name is not valid UTF-8".into(), context()),
                TagError::Attr(m) => self.malformed(m, context()),
            });
        }
    }

    fn malformed(&self, message: String, context: String) -> XmlError {
        let pos = self.xml.error_position();
        let at = if pos == 0 {
            self.xml.buffer_position()
        } else {
            pos
        };
        XmlError::Malformed {
            at: self.xml.get_ref().locate(at),
            message,
            context,
        }
    }

    fn locate(&self, at: u64) -> super::Location {
        self.xml.get_ref().locate(at)
    }

    fn here(&self) -> super::Location {
        self.locate(self.xml.get_ref().consumed())
    }

    /// Skips the rest of an element whose start tag was just read.
    fn skip(&mut self, tag: &Tag) -> Result<(), XmlError> {
        let mut depth = 1usize;
        let opened_line = self.locate(tag.at).line;
        loop {
            self.buf.clear();
            match self.xml.read_event_into(&mut self.buf) {
                Ok(Event::Start(_)) => depth += 1,
                Ok(Event::End(_)) => {
                    depth -= 1;
                    if depth == 0 {
                        return Ok(());
                    }
                }
                Ok(Event::Eof) => {
                    return Err(XmlError::Truncated {
                        at: self.here(),
                        element: tag.name.clone(),
                        opened_line,
                    })
                }
                Ok(_) => {}
                Err(e) => {
                    let context = format!(" in <{}> opened on line {opened_line}", tag.name);
                    return Err(self.malformed(e.to_string(), context));
                }
            }
        }
    }
}

enum TagError {
    Utf8,
    Attr(String),
}

fn tag(e: &BytesStart<'_>, at: u64) -> Result<Tag, TagError> {
    let name = std::str::from_utf8(e.local_name().into_inner())
        .map_err(|_| TagError::Utf8)?
        .to_owned();
    let mut xsi_type = None;
    let mut nil = false;
    for a in e.attributes() {
        let a = a.map_err(|err| TagError::Attr(err.to_string()))?;
        match a.key.local_name().as_ref() {
            b"type" => {
                xsi_type =
                    Some(String::from_utf8(a.value.into_owned()).map_err(|_| TagError::Utf8)?);
            }
            b"nil" => nil = a.value.as_ref() == b"true",
            _ => {}
        }
    }
    Ok(Tag {
        name,
        xsi_type,
        nil,
        at,
    })
}

fn is_blank(text: &str) -> bool {
    text.bytes().all(|b| b.is_ascii_whitespace())
}

fn excerpt(text: &str) -> String {
    let t = text.trim();
    let mut s: String = t.chars().take(40).collect();
    if t.chars().count() > 40 {
        s.push('…');
    }
    s
}

/// What the root element holds next.
enum RootChild {
    Data(Tag),
    Skipped,
    End,
}

/// Where the reader is between objects.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Stage {
    BeforeRoot,
    InData,
    Done,
}

/// A streaming reader handing out one kept object at a time.
pub struct ObjectReader<'f, R: Read> {
    cur: Cursor<R>,
    plan: ReadPlan<'f>,
    stage: Stage,
    pending: VecDeque<RawObject>,
    skipped: BTreeMap<String, usize>,
    text: String,
    root_line: u64,
    data_line: u64,
}

const DATA_EXPECTED: &str =
    "in V8Exch:Data: expected CatalogObject.…, DocumentObject.…, InformationRegisterRecordSet.… or another XDTO object";

impl<'f, R: Read> ObjectReader<'f, R> {
    /// Starts reading `reader` with `plan`. Nothing is read until the first object is asked for.
    pub fn new(reader: R, plan: ReadPlan<'f>) -> Self {
        let mut xml = quick_xml::Reader::from_reader(Tracked::new(reader));
        // Text is kept exactly (1C values may start or end with spaces); blank text between
        // elements is recognised and dropped by the reader itself.
        xml.config_mut().trim_text(false);
        xml.config_mut().check_end_names = true;
        ObjectReader {
            cur: Cursor {
                xml,
                buf: Vec::with_capacity(4096),
            },
            plan,
            stage: Stage::BeforeRoot,
            pending: VecDeque::new(),
            skipped: BTreeMap::new(),
            text: String::new(),
            root_line: 1,
            data_line: 1,
        }
    }

    /// The input reader, for what it kept along the way.
    pub fn into_inner(self) -> R {
        self.cur.xml.into_inner().into_inner()
    }

    /// Elements skipped so far because the plan does not keep their set.
    pub fn skipped(&self) -> &BTreeMap<String, usize> {
        &self.skipped
    }

    /// How many bytes of the input have been parsed.
    pub fn bytes_read(&self) -> u64 {
        self.cur.xml.get_ref().consumed()
    }

    /// The next kept object, or `None` at the end of the file. After an error the reader is done.
    pub fn next_object(&mut self) -> Result<Option<RawObject>, XmlError> {
        let r = self.advance();
        if r.is_err() {
            self.stage = Stage::Done;
            self.pending.clear();
        }
        r
    }

    fn advance(&mut self) -> Result<Option<RawObject>, XmlError> {
        loop {
            if let Some(o) = self.pending.pop_front() {
                return Ok(Some(o));
            }
            match self.stage {
                Stage::Done => return Ok(None),
                Stage::BeforeRoot => self.open_root()?,
                Stage::InData => {
                    if let Some(o) = self.data_item()? {
                        return Ok(Some(o));
                    }
                }
            }
        }
    }

    /// Reads up to `<V8Exch:Data>`.
    fn open_root(&mut self) -> Result<(), XmlError> {
        loop {
            self.text.clear();
            // Stray text is reported where it starts (a CSV's first line), not where it ends.
            let began = self.cur.xml.buffer_position();
            match self.cur.next(&mut self.text, &String::new)? {
                Ev::Text if is_blank(&self.text) => {}
                Ev::Text => {
                    return Err(XmlError::NotExchangeFile {
                        at: self.cur.locate(began),
                        found: format!("text `{}` before the root element", excerpt(&self.text)),
                    })
                }
                Ev::Start(t) if t.name == "_1CV8DtUD" => {
                    self.root_line = self.cur.locate(t.at).line;
                    return self.enter_root();
                }
                Ev::Empty(t) if t.name == "_1CV8DtUD" => {
                    self.stage = Stage::Done;
                    return Ok(());
                }
                Ev::Start(t) | Ev::Empty(t) => {
                    return Err(XmlError::NotExchangeFile {
                        at: self.cur.locate(t.at),
                        found: format!(
                            "the root element is <{}>, expected <V8Exch:_1CV8DtUD>",
                            t.name
                        ),
                    })
                }
                Ev::End | Ev::Eof => {
                    return Err(XmlError::NotExchangeFile {
                        at: self.cur.here(),
                        found: "the file has no root element (is it empty?)".into(),
                    })
                }
            }
        }
    }

    /// Reads the root's children up to the next `Data`; `PredefinedData` is skipped.
    fn enter_root(&mut self) -> Result<(), XmlError> {
        loop {
            match self.root_child()? {
                RootChild::Data(t) => {
                    self.data_line = self.cur.locate(t.at).line;
                    self.stage = Stage::InData;
                    return Ok(());
                }
                RootChild::Skipped => {}
                RootChild::End => {
                    self.stage = Stage::Done;
                    return Ok(());
                }
            }
        }
    }

    /// One child of the root.
    fn root_child(&mut self) -> Result<RootChild, XmlError> {
        loop {
            self.text.clear();
            let ctx = || " in V8Exch:_1CV8DtUD".to_owned();
            match self.cur.next(&mut self.text, &ctx)? {
                Ev::Text if is_blank(&self.text) => {}
                Ev::Text => {
                    return Err(XmlError::UnexpectedText {
                        at: self.cur.here(),
                        text: excerpt(&self.text),
                        context: "in V8Exch:_1CV8DtUD".into(),
                    })
                }
                Ev::Start(t) if t.name == "Data" => return Ok(RootChild::Data(t)),
                Ev::Start(t) if t.name == "PredefinedData" => {
                    self.cur.skip(&t)?;
                    return Ok(RootChild::Skipped);
                }
                Ev::Empty(t) if t.name == "Data" || t.name == "PredefinedData" => {
                    return Ok(RootChild::Skipped)
                }
                Ev::Start(t) | Ev::Empty(t) => {
                    return Err(XmlError::UnexpectedElement {
                        at: self.cur.locate(t.at),
                        element: t.name,
                        context: "in V8Exch:_1CV8DtUD: expected V8Exch:Data or PredefinedData"
                            .into(),
                    })
                }
                Ev::End => return Ok(RootChild::End),
                Ev::Eof => {
                    return Err(XmlError::Truncated {
                        at: self.cur.here(),
                        element: "V8Exch:_1CV8DtUD".into(),
                        opened_line: self.root_line,
                    })
                }
            }
        }
    }

    /// One element of `Data`: an object to return, or `None` after skipping, after a record set
    /// (its records are pending), or at the end of `Data`.
    fn data_item(&mut self) -> Result<Option<RawObject>, XmlError> {
        self.text.clear();
        let ctx = || " in V8Exch:Data".to_owned();
        let (t, empty) = match self.cur.next(&mut self.text, &ctx)? {
            Ev::Text if is_blank(&self.text) => return Ok(None),
            Ev::Text => {
                return Err(XmlError::UnexpectedText {
                    at: self.cur.here(),
                    text: excerpt(&self.text),
                    context: "in V8Exch:Data".into(),
                })
            }
            Ev::End => {
                // `Data` is closed; the rest of the root may hold PredefinedData or more Data.
                self.enter_root()?;
                return Ok(None);
            }
            Ev::Eof => {
                return Err(XmlError::Truncated {
                    at: self.cur.here(),
                    element: "V8Exch:Data".into(),
                    opened_line: self.data_line,
                })
            }
            Ev::Start(t) => (t, false),
            Ev::Empty(t) => (t, true),
        };
        let Some(kind) = names::data_element(&t.name) else {
            return Err(XmlError::UnexpectedElement {
                at: self.cur.locate(t.at),
                element: t.name,
                context: DATA_EXPECTED.into(),
            });
        };
        let set = match &kind {
            DataElement::Object(s) | DataElement::RecordSet(s) => s.clone(),
            DataElement::Deletion => "ObjectDeletion".to_owned(),
        };
        if kind == DataElement::Deletion || !self.plan.keeps(&set) {
            if !empty {
                self.cur.skip(&t)?;
            }
            *self.skipped.entry(set).or_default() += 1;
            return Ok(None);
        }
        match kind {
            DataElement::RecordSet(_) => {
                if !empty {
                    self.record_set(&set, &t)?;
                }
                Ok(None)
            }
            _ => {
                let mut obj = RawObject::new(set);
                if !empty {
                    self.object_body(&mut obj, &t)?;
                }
                Ok(Some(obj))
            }
        }
    }

    /// Reads the children of an object element (or a register record) into `obj`.
    fn object_body(&mut self, obj: &mut RawObject, open: &Tag) -> Result<(), XmlError> {
        let line = self.cur.locate(open.at).line;
        let ctx_text = format!(" in <{}> opened on line {line}", open.name);
        let ctx = || ctx_text.clone();
        loop {
            self.text.clear();
            match self.cur.next(&mut self.text, &ctx)? {
                Ev::Text if is_blank(&self.text) => {}
                Ev::Text => {
                    return Err(XmlError::UnexpectedText {
                        at: self.cur.here(),
                        text: excerpt(&self.text),
                        context: format!("in <{}> opened on line {line}", open.name),
                    })
                }
                Ev::End => break,
                Ev::Eof => {
                    return Err(XmlError::Truncated {
                        at: self.cur.here(),
                        element: open.name.clone(),
                        opened_line: line,
                    })
                }
                Ev::Empty(field) => put_value(
                    &self.plan,
                    &obj.set,
                    &mut obj.props,
                    field,
                    String::new(),
                    true,
                ),
                Ev::Start(field) => self.field(obj, field, &ctx)?,
            }
        }
        for rows in obj.tables.values_mut() {
            for (i, row) in rows.iter_mut().enumerate() {
                row.entry("LineNumber".to_owned())
                    .or_insert_with(|| RawValue::Text((i + 1).to_string()));
            }
        }
        Ok(())
    }

    /// Reads one child of an object: a property value, or a tabular-section row when the child
    /// has children of its own.
    fn field(
        &mut self,
        obj: &mut RawObject,
        field: Tag,
        ctx: &dyn Fn() -> String,
    ) -> Result<(), XmlError> {
        let mut value = String::new();
        let first = loop {
            match self.cur.next(&mut value, ctx)? {
                Ev::Text => {}
                Ev::End => {
                    put_value(&self.plan, &obj.set, &mut obj.props, field, value, true);
                    return Ok(());
                }
                Ev::Eof => return Err(self.truncated(&field)),
                Ev::Start(c) => break (c, false),
                Ev::Empty(c) => break (c, true),
            }
        };
        if !is_blank(&value) {
            return Err(XmlError::UnexpectedElement {
                at: self.cur.locate(first.0.at),
                element: first.0.name,
                context: format!(
                    "inside <{}>, which already holds the text `{}`",
                    field.name,
                    excerpt(&value)
                ),
            });
        }
        // The platform's serializer writes a tabular section as the section's element holding
        // one `<Row>` per row (the real export quoted in issue 17: `<КонтактнаяИнформация><Row>
        // <Тип>Телефон</Тип>…</Row></КонтактнаяИнформация>`). Older hand-made files repeat the
        // section's element per row instead; both read the same.
        if first.0.name == "Row" {
            return self.rows(obj, field, first, ctx);
        }
        // A tabular-section row: every child is one column.
        let mut row = RawRow::new();
        let mut next = Some(first);
        loop {
            match next.take() {
                Some((col, true)) => {
                    put_value(&self.plan, &obj.set, &mut row, col, String::new(), false)
                }
                Some((col, false)) => self.cell(&obj.set, &mut row, col, &field)?,
                None => {}
            }
            value.clear();
            match self.cur.next(&mut value, ctx)? {
                Ev::Text if is_blank(&value) => {}
                Ev::Text => {
                    return Err(XmlError::UnexpectedText {
                        at: self.cur.here(),
                        text: excerpt(&value),
                        context: format!("in the tabular-section row <{}>", field.name),
                    })
                }
                Ev::Start(c) => next = Some((c, false)),
                Ev::Empty(c) => next = Some((c, true)),
                Ev::End => break,
                Ev::Eof => return Err(self.truncated(&field)),
            }
        }
        obj.tables.entry(field.name).or_default().push(row);
        Ok(())
    }

    /// Reads a tabular section in the platform's shape: `<Row>` elements, each holding the
    /// columns of one row. `first` is the first `<Row>` tag, already read.
    fn rows(
        &mut self,
        obj: &mut RawObject,
        table: Tag,
        first: (Tag, bool),
        ctx: &dyn Fn() -> String,
    ) -> Result<(), XmlError> {
        let rows = obj.tables.entry(table.name.clone()).or_default();
        let mut taken = std::mem::take(rows);
        let mut next = Some(first);
        let mut text = String::new();
        let result = loop {
            match next.take() {
                Some((row_tag, true)) if row_tag.name == "Row" => taken.push(RawRow::new()),
                Some((row_tag, false)) if row_tag.name == "Row" => {
                    let mut row = RawRow::new();
                    if let Err(e) = self.row_columns(&obj.set, &mut row, &row_tag, &table) {
                        break Err(e);
                    }
                    taken.push(row);
                }
                // Anything but a row inside a section is not ours to read: skipped whole.
                Some((other, false)) => {
                    if let Err(e) = self.cur.skip(&other) {
                        break Err(e);
                    }
                }
                Some((_, true)) => {}
                None => {}
            }
            text.clear();
            match self.cur.next(&mut text, ctx) {
                Ok(Ev::Text) if is_blank(&text) => {}
                Ok(Ev::Text) => {
                    break Err(XmlError::UnexpectedText {
                        at: self.cur.here(),
                        text: excerpt(&text),
                        context: format!("in the tabular section <{}>", table.name),
                    })
                }
                Ok(Ev::Start(c)) => next = Some((c, false)),
                Ok(Ev::Empty(c)) => next = Some((c, true)),
                Ok(Ev::End) => break Ok(()),
                Ok(Ev::Eof) => break Err(self.truncated(&table)),
                Err(e) => break Err(e),
            }
        };
        obj.tables.insert(table.name, taken);
        result
    }

    /// Reads the columns of one `<Row>`.
    fn row_columns(
        &mut self,
        set: &str,
        row: &mut RawRow,
        row_tag: &Tag,
        table: &Tag,
    ) -> Result<(), XmlError> {
        let mut text = String::new();
        let ctx = || format!(" in a <Row> of <{}>", table.name);
        loop {
            text.clear();
            match self.cur.next(&mut text, &ctx)? {
                Ev::Text if is_blank(&text) => {}
                Ev::Text => {
                    return Err(XmlError::UnexpectedText {
                        at: self.cur.here(),
                        text: excerpt(&text),
                        context: format!("in a <Row> of <{}>", table.name),
                    })
                }
                Ev::Empty(col) => put_value(&self.plan, set, row, col, String::new(), false),
                Ev::Start(col) => self.cell(set, row, col, table)?,
                Ev::End => return Ok(()),
                Ev::Eof => return Err(self.truncated(row_tag)),
            }
        }
    }

    /// Reads one column value of a tabular-section row. A column holding elements of its own (a
    /// value type the layout never reads, such as a value storage) is skipped, never fatal.
    fn cell(&mut self, set: &str, row: &mut RawRow, col: Tag, table: &Tag) -> Result<(), XmlError> {
        let mut value = String::new();
        let ctx = || format!(" in column <{}> of <{}>", col.name, table.name);
        loop {
            match self.cur.next(&mut value, &ctx)? {
                Ev::Text => {}
                Ev::End => break,
                Ev::Start(t) => {
                    self.cur.skip(&t)?;
                    return self.skip_rest(&col);
                }
                Ev::Empty(_) => return self.skip_rest(&col),
                Ev::Eof => return Err(self.truncated(&col)),
            }
        }
        put_value(&self.plan, set, row, col, value, false);
        Ok(())
    }

    /// Skips what is left of an element whose start tag and some content were read.
    fn skip_rest(&mut self, open: &Tag) -> Result<(), XmlError> {
        let mut ignored = String::new();
        let ctx = || format!(" in <{}>", open.name);
        let mut depth = 0usize;
        loop {
            ignored.clear();
            match self.cur.next(&mut ignored, &ctx)? {
                Ev::Start(_) => depth += 1,
                Ev::End if depth == 0 => return Ok(()),
                Ev::End => depth -= 1,
                Ev::Eof => return Err(self.truncated(open)),
                Ev::Text | Ev::Empty(_) => {}
            }
        }
    }

    /// Reads a register record set: `Filter` is skipped, every `Record` (directly or inside
    /// `Records`) becomes one object.
    fn record_set(&mut self, set: &str, open: &Tag) -> Result<(), XmlError> {
        let line = self.cur.locate(open.at).line;
        let mut depth_in_records = false;
        loop {
            self.text.clear();
            let ctx = || format!(" in <{}> opened on line {line}", open.name);
            match self.cur.next(&mut self.text, &ctx)? {
                Ev::Text if is_blank(&self.text) => {}
                Ev::Text => {
                    return Err(XmlError::UnexpectedText {
                        at: self.cur.here(),
                        text: excerpt(&self.text),
                        context: format!("in <{}> opened on line {line}", open.name),
                    })
                }
                Ev::Start(t) if t.name == "Filter" => self.cur.skip(&t)?,
                Ev::Empty(t) if t.name == "Filter" || t.name == "Records" => {}
                Ev::Start(t) if t.name == "Records" && !depth_in_records => depth_in_records = true,
                Ev::Start(t) if t.name == "Record" => {
                    let mut obj = RawObject::new(set);
                    self.object_body(&mut obj, &t)?;
                    self.pending.push_back(obj);
                }
                Ev::Empty(t) if t.name == "Record" => self.pending.push_back(RawObject::new(set)),
                Ev::Start(t) | Ev::Empty(t) => {
                    return Err(XmlError::UnexpectedElement {
                        at: self.cur.locate(t.at),
                        element: t.name,
                        context: format!(
                            "in <{}> opened on line {line}: expected Filter, Records or Record",
                            open.name
                        ),
                    })
                }
                Ev::End if depth_in_records => depth_in_records = false,
                Ev::End => return Ok(()),
                Ev::Eof => {
                    return Err(XmlError::Truncated {
                        at: self.cur.here(),
                        element: open.name.clone(),
                        opened_line: line,
                    })
                }
            }
        }
    }

    fn truncated(&self, open: &Tag) -> XmlError {
        XmlError::Truncated {
            at: self.cur.here(),
            element: open.name.clone(),
            opened_line: self.cur.locate(open.at).line,
        }
    }
}

impl<R: Read> Iterator for ObjectReader<'_, R> {
    type Item = Result<RawObject, XmlError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_object().transpose()
    }
}

/// Stores one value under its OData name(s): `Ref` → `Ref_Key`; a reference → `X_Key`, or `X` +
/// `X_Type` for a composite; `xsi:nil` → null (or the undefined composite).
fn put_value(
    plan: &ReadPlan<'_>,
    set: &str,
    row: &mut RawRow,
    tag: Tag,
    text: String,
    header: bool,
) {
    let Tag {
        name,
        xsi_type,
        nil,
        ..
    } = tag;
    if header && name == "Ref" {
        row.insert("Ref_Key".to_owned(), RawValue::Text(text));
        return;
    }
    let composite = plan.is_composite(set, &name);
    if nil {
        if composite {
            row.insert(
                format!("{name}_Type"),
                RawValue::Text(UNDEFINED_TYPE.into()),
            );
            row.insert(name, RawValue::Text(String::new()));
        } else {
            row.insert(name, RawValue::Null);
        }
        return;
    }
    let ty = xsi_type.as_deref().map(names::value_type);
    match ty {
        Some(ValueType::Reference(t)) | Some(ValueType::Value(t)) if composite => {
            row.insert(format!("{name}_Type"), RawValue::Text(t));
            row.insert(name, RawValue::Text(text));
        }
        Some(ValueType::Reference(_)) => {
            row.insert(format!("{name}_Key"), RawValue::Text(text));
        }
        Some(ValueType::Value(_)) => {
            row.insert(name, RawValue::Text(text));
        }
        None if composite => {
            if text.is_empty() {
                row.insert(
                    format!("{name}_Type"),
                    RawValue::Text(UNDEFINED_TYPE.into()),
                );
            }
            row.insert(name, RawValue::Text(text));
        }
        // Files written without type annotations (by hand, by other tools) still carry references
        // as bare GUIDs; 1C's own exports always annotate them.
        None if names::is_guid(&text) => {
            row.insert(format!("{name}_Key"), RawValue::Text(text));
        }
        None => {
            row.insert(name, RawValue::Text(text));
        }
    }
}
