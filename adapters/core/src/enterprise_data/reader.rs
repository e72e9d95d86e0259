//! The streaming part: the `<Message>` envelope, the `<msg:Header>` and one `<Body>` child at a time.
//!
//! Only one object is held at a time, as a small [`Node`] tree; objects of types push does not use
//! are skipped without building anything, so memory stays flat however large the message is.

use std::io::{self, Read};

use quick_xml::events::Event;
use quick_xml::name::{Namespace, ResolveResult};
use quick_xml::NsReader;

use super::error::EnterpriseDataError;
use crate::xml::decode;
use crate::xml::position::Tracked;
use crate::xml::Location;

/// The namespace of the exchange envelope (БСП's `ExchangeMessage` XDTO package).
pub(crate) const MESSAGE_NS: &str = "http://www.1c.ru/SSL/Exchange/Message";
/// Every EnterpriseData version's namespace starts with this, then the version (`1.17`).
pub(crate) const ED_NS_PREFIX: &str = "http://v8.1c.ru/edi/edi_stnd/EnterpriseData/";
/// The namespace of the universal XML exchange format («Выгрузка и загрузка данных XML»).
const UNIVERSAL_NS: &str = "http://www.1c.ru/V8/1CV8DtUD/";

/// One element of an object, with its text and children; attributes are not kept because
/// EnterpriseData objects carry their values in elements.
#[derive(Clone, Debug, Default)]
pub(crate) struct Node {
    /// The local name.
    pub name: String,
    /// The text directly inside the element.
    pub text: String,
    /// Child elements in document order.
    pub children: Vec<Node>,
    /// The line the element starts on.
    pub line: u64,
}

impl Node {
    /// The first child named `name`.
    pub(crate) fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }

    /// All children named `name`.
    pub(crate) fn children_named<'a>(
        &'a self,
        name: &'a str,
    ) -> impl Iterator<Item = &'a Node> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The text of the element at `path` below this one; `None` when absent or blank.
    pub(crate) fn text_at(&self, path: &[&str]) -> Option<String> {
        let mut node = self;
        for p in path {
            node = node.child(p)?;
        }
        (!node.text.trim().is_empty()).then(|| node.text.clone())
    }
}

/// What comes out of the stream, in order.
pub(crate) enum Item {
    /// An object of a type the caller wants, fully read.
    Object(Node),
    /// An object of a type the caller does not want, skipped.
    Skipped(String),
}

/// The envelope as read so far.
#[derive(Debug, Default)]
pub(crate) struct Envelope {
    /// `msg:Header/msg:Format`, e.g. `http://v8.1c.ru/edi/edi_stnd/EnterpriseData/1.17`.
    pub header_format: Option<String>,
    /// The namespace of `<Body>`.
    pub body_ns: Option<String>,
}

#[derive(PartialEq, Eq)]
enum Stage {
    BeforeRoot,
    InMessage,
    InBody,
    Done,
}

/// The bytes under the parser: decoded to UTF-8 by the exchange files' one decoder, tracked.
type Source<'a> = Tracked<Box<dyn Read + Send + 'a>>;

/// Reads the message and hands out its objects one by one.
pub(crate) struct MessageReader<'a> {
    xml: NsReader<Source<'a>>,
    buf: Vec<u8>,
    stage: Stage,
    /// Open elements of the envelope: name and line.
    open: Vec<(String, u64)>,
    pub envelope: Envelope,
}

/// How many bytes are looked at before parsing, for the BOM and the XML declaration.
const HEAD: u64 = 1024;

impl<'a> MessageReader<'a> {
    pub(crate) fn new(mut reader: impl Read + Send + 'a) -> Result<Self, EnterpriseDataError> {
        let start = Location::start();
        let mut head = Vec::with_capacity(HEAD as usize);
        (&mut reader)
            .take(HEAD)
            .read_to_end(&mut head)
            .map_err(|source| EnterpriseDataError::Io { at: start, source })?;
        if head.is_empty() {
            return Err(EnterpriseDataError::NotXml {
                at: start,
                message: "the file is empty".into(),
            });
        }
        let (decoded, _) = decode::utf8_reader(io::Cursor::new(head).chain(reader))
            .map_err(|source| EnterpriseDataError::Io { at: start, source })?
            .map_err(|e| EnterpriseDataError::Encoding {
                at: start,
                message: format!(
                    "the XML declaration names encoding «{}», which this reader does not decode",
                    e.label
                ),
            })?;
        let mut xml = NsReader::from_reader(Tracked::new(decoded));
        // Text is kept exactly (1C values may start or end with spaces).
        xml.config_mut().trim_text(false);
        xml.config_mut().check_end_names = true;
        Ok(MessageReader {
            xml,
            buf: Vec::with_capacity(4096),
            stage: Stage::BeforeRoot,
            open: Vec::new(),
            envelope: Envelope::default(),
        })
    }

    fn locate(&self, at: u64) -> Location {
        self.xml.get_ref().locate(at)
    }

    fn here(&self) -> Location {
        self.locate(self.xml.get_ref().consumed())
    }

    /// Turns a parser error into ours: decoding failures, a file cut inside a tag, or malformed XML.
    fn parse_error(&self, e: quick_xml::Error, context: String) -> EnterpriseDataError {
        let pos = self.xml.error_position();
        let at = self.locate(if pos == 0 {
            self.xml.buffer_position()
        } else {
            pos
        });
        match e {
            quick_xml::Error::Io(io) if io.kind() == io::ErrorKind::InvalidData => {
                EnterpriseDataError::Encoding {
                    at: self.here(),
                    message: io.to_string(),
                }
            }
            quick_xml::Error::Io(io) => EnterpriseDataError::Io {
                at: self.here(),
                source: io::Error::new(io.kind(), io.to_string()),
            },
            quick_xml::Error::Syntax(s) if self.xml.get_ref().exhausted() => {
                match self.open.last() {
                    Some((element, line)) => EnterpriseDataError::Truncated {
                        at: self.here(),
                        element: element.clone(),
                        opened_line: *line,
                    },
                    None => EnterpriseDataError::NotXml {
                        at,
                        message: s.to_string(),
                    },
                }
            }
            e if self.stage == Stage::BeforeRoot => EnterpriseDataError::NotXml {
                at,
                message: e.to_string(),
            },
            e => EnterpriseDataError::Malformed {
                at,
                message: e.to_string(),
                context,
            },
        }
    }

    fn truncated(&self) -> EnterpriseDataError {
        let (element, line) = self.open.last().cloned().unwrap_or_default();
        EnterpriseDataError::Truncated {
            at: self.here(),
            element,
            opened_line: line,
        }
    }

    /// The next wanted object or skipped object of the body; `None` after the end of the message.
    pub(crate) fn next(
        &mut self,
        wanted: &dyn Fn(&str) -> bool,
    ) -> Result<Option<Item>, EnterpriseDataError> {
        loop {
            if self.stage == Stage::Done {
                return Ok(None);
            }
            self.buf.clear();
            let at = self.xml.buffer_position();
            let context = self
                .open
                .last()
                .map(|(n, l)| format!(" in <{n}> opened on line {l}"))
                .unwrap_or_default();
            let (ns, ev) = match self.xml.read_resolved_event_into(&mut self.buf) {
                Ok((ns, ev)) => (ns_of(&ns), ev.into_owned()),
                Err(e) => return Err(self.parse_error(e, context)),
            };
            match ev {
                Event::Start(e) if self.stage == Stage::BeforeRoot => {
                    self.root(&e, ns.as_deref(), at, false)?;
                }
                Event::Empty(e) if self.stage == Stage::BeforeRoot => {
                    self.root(&e, ns.as_deref(), at, true)?;
                }
                Event::Start(e) if self.stage == Stage::InMessage => {
                    let name = utf8_name(e.local_name().as_ref());
                    let qname = utf8_name(e.name().as_ref());
                    let loc = self.locate(at);
                    match name.as_str() {
                        "Header" => {
                            let header = self.read_tree(qname, loc.line)?;
                            self.envelope.header_format = header.text_at(&["Format"]);
                        }
                        "Body" => {
                            let body_ns = ns.clone().unwrap_or_default();
                            if !body_ns.starts_with(ED_NS_PREFIX) {
                                return Err(EnterpriseDataError::NotEnterpriseData {
                                    at: loc,
                                    found: format!(
                                        "<Message> whose <{qname}> is in namespace «{body_ns}», not {ED_NS_PREFIX}…"
                                    ),
                                });
                            }
                            self.envelope.body_ns = Some(body_ns);
                            self.open.push((qname, loc.line));
                            self.stage = Stage::InBody;
                        }
                        _ => self.skip(qname, loc.line)?,
                    }
                }
                Event::Empty(e)
                    if self.stage == Stage::InMessage && e.local_name().as_ref() == b"Body" =>
                {
                    // An empty body is a message without objects, provided it is EnterpriseData.
                    let body_ns = ns.clone().unwrap_or_default();
                    if !body_ns.starts_with(ED_NS_PREFIX) {
                        return Err(EnterpriseDataError::NotEnterpriseData {
                            at: self.locate(at),
                            found: format!(
                                "<Message> whose <Body/> is in namespace «{body_ns}», not {ED_NS_PREFIX}…"
                            ),
                        });
                    }
                    self.envelope.body_ns = Some(body_ns);
                }
                Event::Start(e) if self.stage == Stage::InBody => {
                    let name = utf8_name(e.local_name().as_ref());
                    let qname = utf8_name(e.name().as_ref());
                    let line = self.locate(at).line;
                    if wanted(&name) {
                        let mut node = self.read_tree(qname, line)?;
                        node.name = name;
                        return Ok(Some(Item::Object(node)));
                    }
                    self.skip(qname, line)?;
                    return Ok(Some(Item::Skipped(name)));
                }
                Event::Empty(e) if self.stage == Stage::InBody => {
                    let name = utf8_name(e.local_name().as_ref());
                    let line = self.locate(at).line;
                    if wanted(&name) {
                        return Ok(Some(Item::Object(Node {
                            name,
                            line,
                            ..Node::default()
                        })));
                    }
                    return Ok(Some(Item::Skipped(name)));
                }
                Event::End(_) => {
                    self.open.pop();
                    self.stage = match self.stage {
                        Stage::InBody => Stage::InMessage,
                        _ => Stage::Done,
                    };
                    if self.stage == Stage::Done && self.envelope.body_ns.is_none() {
                        return Err(EnterpriseDataError::NotEnterpriseData {
                            at: self.locate(at),
                            found: "a <Message> without <Body>".into(),
                        });
                    }
                }
                Event::Text(t) if self.stage == Stage::BeforeRoot => {
                    let text = String::from_utf8_lossy(&t).trim().to_owned();
                    if !text.is_empty() {
                        let start: String = text.chars().take(40).collect();
                        return Err(EnterpriseDataError::NotXml {
                            at: self.locate(at),
                            message: format!("text `{start}` before any element"),
                        });
                    }
                }
                Event::Eof => {
                    if self.open.is_empty() {
                        if self.stage == Stage::BeforeRoot {
                            return Err(EnterpriseDataError::NotXml {
                                at: self.here(),
                                message: "no root element".into(),
                            });
                        }
                        self.stage = Stage::Done;
                        return Ok(None);
                    }
                    return Err(self.truncated());
                }
                _ => {}
            }
        }
    }

    /// Checks the root element: `<Message>`, unqualified as БСП writes it or in the envelope's
    /// namespace, and not empty.
    fn root(
        &mut self,
        e: &quick_xml::events::BytesStart<'_>,
        ns: Option<&str>,
        at: u64,
        empty: bool,
    ) -> Result<(), EnterpriseDataError> {
        let name = utf8_name(e.local_name().as_ref());
        let qname = utf8_name(e.name().as_ref());
        let loc = self.locate(at);
        if name != "Message" || !(ns.is_none() || ns == Some(MESSAGE_NS)) {
            return Err(EnterpriseDataError::NotEnterpriseData {
                at: loc,
                found: describe_root(&qname, &name, ns),
            });
        }
        if empty {
            return Err(EnterpriseDataError::NotEnterpriseData {
                at: loc,
                found: "an empty <Message/> without <Body>".into(),
            });
        }
        self.open.push((qname, loc.line));
        self.stage = Stage::InMessage;
        Ok(())
    }

    /// Reads the rest of an element whose start tag was just read into a tree.
    fn read_tree(&mut self, qname: String, line: u64) -> Result<Node, EnterpriseDataError> {
        let local = qname.rsplit(':').next().unwrap_or(&qname).to_owned();
        let base = self.open.len();
        self.open.push((qname, line));
        let mut stack = vec![Node {
            name: local,
            line,
            ..Node::default()
        }];
        loop {
            self.buf.clear();
            let at = self.xml.buffer_position();
            let context = format!(" in <{}> opened on line {}", self.open[base].0, line);
            let ev = match self.xml.read_event_into(&mut self.buf) {
                Ok(ev) => ev.into_owned(),
                Err(e) => return Err(self.parse_error(e, context)),
            };
            match ev {
                Event::Start(e) => {
                    let l = self.locate(at).line;
                    self.open.push((utf8_name(e.name().as_ref()), l));
                    stack.push(Node {
                        name: utf8_name(e.local_name().as_ref()),
                        line: l,
                        ..Node::default()
                    });
                }
                Event::Empty(e) => {
                    let l = self.locate(at).line;
                    if let Some(top) = stack.last_mut() {
                        top.children.push(Node {
                            name: utf8_name(e.local_name().as_ref()),
                            line: l,
                            ..Node::default()
                        });
                    }
                }
                Event::Text(t) => {
                    let s = t.unescape().map_err(|e| self.parse_error(e, context))?;
                    if let Some(top) = stack.last_mut() {
                        top.text.push_str(&s);
                    }
                }
                Event::CData(c) => {
                    let s = String::from_utf8_lossy(&c).into_owned();
                    if let Some(top) = stack.last_mut() {
                        top.text.push_str(&s);
                    }
                }
                Event::End(_) => {
                    self.open.pop();
                    let done = stack.pop().unwrap_or_default();
                    match stack.last_mut() {
                        Some(parent) => parent.children.push(done),
                        None => return Ok(done),
                    }
                }
                Event::Eof => return Err(self.truncated()),
                _ => {}
            }
        }
    }

    /// Skips the rest of an element whose start tag was just read.
    fn skip(&mut self, qname: String, line: u64) -> Result<(), EnterpriseDataError> {
        let base = self.open.len();
        self.open.push((qname, line));
        loop {
            self.buf.clear();
            let at = self.xml.buffer_position();
            let context = format!(" in <{}> opened on line {}", self.open[base].0, line);
            match self.xml.read_event_into(&mut self.buf) {
                Ok(Event::Start(e)) => {
                    let name = utf8_name(e.name().as_ref());
                    let l = self.locate(at).line;
                    self.open.push((name, l));
                }
                Ok(Event::End(_)) => {
                    self.open.pop();
                    if self.open.len() == base {
                        return Ok(());
                    }
                }
                Ok(Event::Eof) => return Err(self.truncated()),
                Ok(_) => {}
                Err(e) => return Err(self.parse_error(e, context)),
            }
        }
    }
}

fn ns_of(r: &ResolveResult<'_>) -> Option<String> {
    match r {
        ResolveResult::Bound(Namespace(ns)) => Some(String::from_utf8_lossy(ns).into_owned()),
        _ => None,
    }
}

fn utf8_name(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// What a root that is not an EnterpriseData message is, in words a user can act on.
fn describe_root(qname: &str, local: &str, ns: Option<&str>) -> String {
    let ns_part = ns.map(|n| format!(" (namespace {n})")).unwrap_or_default();
    if ns == Some(UNIVERSAL_NS) || local == "_1CV8DtUD" {
        return format!(
            "<{qname}>{ns_part}: a universal XML exchange file («Выгрузка и загрузка данных XML»), not EnterpriseData; read it with the universal XML reader instead"
        );
    }
    format!("<{qname}>{ns_part}, expected <Message> with <msg:Header> and <Body xmlns=\"{ED_NS_PREFIX}1.x\">")
}

/// The format of a message from the first bytes of a file, without reading it all.
pub(crate) fn sniff_format(head: &[u8]) -> Option<String> {
    let text = decode::decode_lossy(head);
    if let Some(at) = text.find(ED_NS_PREFIX) {
        let version: String = text[at + ED_NS_PREFIX.len()..]
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect();
        let version = version.trim_end_matches('.');
        return Some(if version.is_empty() {
            ED_NS_PREFIX.to_owned()
        } else {
            format!("EnterpriseData {version}")
        });
    }
    let root = first_element(&text)?;
    let local = root.rsplit(':').next().unwrap_or(root);
    (local == "Message" && text.contains(MESSAGE_NS)).then(|| MESSAGE_NS.to_owned())
}

/// The name of the first element of a text (after the declaration, comments and instructions).
fn first_element(text: &str) -> Option<&str> {
    let mut rest = text;
    loop {
        let at = rest.find('<')?;
        rest = &rest[at + 1..];
        if rest.starts_with('?') || rest.starts_with('!') {
            continue;
        }
        let end = rest
            .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
            .unwrap_or(rest.len());
        return Some(&rest[..end]);
    }
}
