//! The bytes of an EnterpriseData message turned into UTF-8 for the XML parser, and line and column
//! numbers over that UTF-8 text.
//!
//! quick-xml 0.37 is built here without its `encoding` feature, so it reads UTF-8 only. 1C writes
//! exchange messages in UTF-8, but a file that went through other hands may come as UTF-16 (with or
//! without a BOM) or in windows-1251 with an `encoding` declaration. [`Decoder`] turns those into
//! UTF-8 as a stream; windows-1251 takes a 128-entry table, which is cheaper than a new dependency
//! or a crate feature. Lines and character columns are the same in the UTF-8 text as in the
//! original file, so [`Tracked`] can count them after decoding; byte offsets are those of the UTF-8
//! text.

use std::io::{self, BufRead, Read};

use crate::xml::Location;

/// How the file is encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Encoding {
    /// UTF-8 (or ASCII), the encoding 1C writes.
    Utf8,
    /// UTF-16, little-endian.
    Utf16Le,
    /// UTF-16, big-endian.
    Utf16Be,
    /// windows-1251, named by the XML declaration.
    Windows1251,
}

/// What the start of a file says about its encoding: the encoding and the length of its BOM, or
/// the name of an encoding this reader cannot decode.
pub(crate) fn sniff(head: &[u8]) -> Result<(Encoding, usize), String> {
    if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return Ok((Encoding::Utf8, 3));
    }
    if head.starts_with(&[0xFF, 0xFE]) {
        return Ok((Encoding::Utf16Le, 2));
    }
    if head.starts_with(&[0xFE, 0xFF]) {
        return Ok((Encoding::Utf16Be, 2));
    }
    // UTF-16 without a BOM still starts with `<` next to a zero byte.
    if head.len() >= 2 && head[0] == b'<' && head[1] == 0 {
        return Ok((Encoding::Utf16Le, 0));
    }
    if head.len() >= 2 && head[0] == 0 && head[1] == b'<' {
        return Ok((Encoding::Utf16Be, 0));
    }
    match declared_encoding(head) {
        None => Ok((Encoding::Utf8, 0)),
        Some(name) => match name.to_ascii_lowercase().as_str() {
            "utf-8" | "utf8" | "us-ascii" | "ascii" => Ok((Encoding::Utf8, 0)),
            "windows-1251" | "cp1251" | "cp-1251" | "win-1251" | "x-cp1251" => {
                Ok((Encoding::Windows1251, 0))
            }
            _ => Err(name),
        },
    }
}

/// The `encoding` of an `<?xml …?>` declaration at the very start of an ASCII-compatible text.
fn declared_encoding(head: &[u8]) -> Option<String> {
    let decl = head.strip_prefix(b"<?xml")?;
    let end = decl.windows(2).position(|w| w == b"?>")?;
    let decl = std::str::from_utf8(&decl[..end]).ok()?;
    let at = decl.find("encoding")?;
    let rest = decl[at + "encoding".len()..]
        .trim_start()
        .strip_prefix('=')?;
    let rest = rest.trim_start();
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let value = &rest[1..];
    let close = value.find(quote)?;
    Some(value[..close].to_owned())
}

/// The characters of bytes 0x80..=0xFF in windows-1251 (0x98 is unassigned and kept as U+FFFD).
const CP1251_HIGH: [char; 128] = [
    'Ђ', 'Ѓ', '‚', 'ѓ', '„', '…', '†', '‡', '€', '‰', 'Љ', '‹', 'Њ', 'Ќ', 'Ћ', 'Џ', //
    'ђ', '‘', '’', '“', '”', '•', '–', '—', '\u{FFFD}', '™', 'љ', '›', 'њ', 'ќ', 'ћ', 'џ', //
    '\u{A0}', 'Ў', 'ў', 'Ј', '¤', 'Ґ', '¦', '§', 'Ё', '©', 'Є', '«', '¬', '\u{AD}', '®',
    'Ї', //
    '°', '±', 'І', 'і', 'ґ', 'µ', '¶', '·', 'ё', '№', 'є', '»', 'ј', 'Ѕ', 'ѕ', 'ї', //
    'А', 'Б', 'В', 'Г', 'Д', 'Е', 'Ж', 'З', 'И', 'Й', 'К', 'Л', 'М', 'Н', 'О', 'П', //
    'Р', 'С', 'Т', 'У', 'Ф', 'Х', 'Ц', 'Ч', 'Ш', 'Щ', 'Ъ', 'Ы', 'Ь', 'Э', 'Ю', 'Я', //
    'а', 'б', 'в', 'г', 'д', 'е', 'ж', 'з', 'и', 'й', 'к', 'л', 'м', 'н', 'о', 'п', //
    'р', 'с', 'т', 'у', 'ф', 'х', 'ц', 'ч', 'ш', 'щ', 'ъ', 'ы', 'ь', 'э', 'ю', 'я', //
];

/// Decodes a prefix of a file (for sniffing) into text, replacing what cannot be decoded.
pub(crate) fn decode_lossy(bytes: &[u8]) -> String {
    let Ok((encoding, bom)) = sniff(bytes) else {
        return String::from_utf8_lossy(bytes).into_owned();
    };
    let bytes = &bytes[bom..];
    match encoding {
        Encoding::Utf8 => String::from_utf8_lossy(bytes).into_owned(),
        Encoding::Windows1251 => bytes.iter().map(|&b| cp1251(b)).collect(),
        Encoding::Utf16Le | Encoding::Utf16Be => {
            let units = bytes.chunks_exact(2).map(|p| unit(encoding, p[0], p[1]));
            char::decode_utf16(units)
                .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
                .collect()
        }
    }
}

fn cp1251(b: u8) -> char {
    if b < 0x80 {
        char::from(b)
    } else {
        CP1251_HIGH[usize::from(b - 0x80)]
    }
}

fn unit(encoding: Encoding, a: u8, b: u8) -> u16 {
    if encoding == Encoding::Utf16Le {
        u16::from_le_bytes([a, b])
    } else {
        u16::from_be_bytes([a, b])
    }
}

/// Turns the input into UTF-8 as it is read; UTF-8 input passes through untouched.
pub(crate) struct Decoder<R> {
    inner: R,
    encoding: Encoding,
    /// Raw bytes read but not yet decoded (an odd UTF-16 byte, a high surrogate).
    raw: Vec<u8>,
    /// Decoded UTF-8 not yet handed out.
    out: Vec<u8>,
    out_pos: usize,
    eof: bool,
    /// An error found after some good text; reported once that text has been handed out, so that
    /// the reader's position points at the bad bytes.
    failed: Option<io::Error>,
}

impl<R: Read> Decoder<R> {
    pub(crate) fn new(inner: R, encoding: Encoding) -> Self {
        Decoder {
            inner,
            encoding,
            raw: Vec::new(),
            out: Vec::new(),
            out_pos: 0,
            eof: false,
            failed: None,
        }
    }

    /// Reads and decodes the next chunk into `out`; false at the end of the input.
    fn refill(&mut self) -> io::Result<bool> {
        self.out.clear();
        self.out_pos = 0;
        if let Some(e) = self.failed.take() {
            return Err(e);
        }
        while self.out.is_empty() {
            if self.eof {
                if self.raw.is_empty() {
                    return Ok(false);
                }
                let left = self.raw.len();
                self.raw.clear();
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("the UTF-16 text ends with {left} stray byte(s)"),
                ));
            }
            let mut chunk = [0u8; 64 * 1024];
            let n = loop {
                match self.inner.read(&mut chunk) {
                    Ok(n) => break n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(e),
                }
            };
            if n == 0 {
                self.eof = true;
                continue;
            }
            match self.encoding {
                Encoding::Utf8 => self.out.extend_from_slice(&chunk[..n]),
                Encoding::Windows1251 => {
                    let mut tmp = [0u8; 4];
                    for &b in &chunk[..n] {
                        self.out
                            .extend_from_slice(cp1251(b).encode_utf8(&mut tmp).as_bytes());
                    }
                }
                Encoding::Utf16Le | Encoding::Utf16Be => {
                    self.raw.extend_from_slice(&chunk[..n]);
                    if let Err(e) = self.decode_utf16() {
                        if self.out.is_empty() {
                            return Err(e);
                        }
                        self.failed = Some(e);
                    }
                }
            }
        }
        Ok(true)
    }

    /// Decodes whole code points from `raw`, leaving an odd byte or a lone high surrogate there.
    fn decode_utf16(&mut self) -> io::Result<()> {
        let mut i = 0;
        let mut tmp = [0u8; 4];
        while i + 2 <= self.raw.len() {
            let u = unit(self.encoding, self.raw[i], self.raw[i + 1]);
            let c = if (0xD800..0xDC00).contains(&u) {
                if i + 4 > self.raw.len() {
                    break;
                }
                let low = unit(self.encoding, self.raw[i + 2], self.raw[i + 3]);
                if !(0xDC00..0xE000).contains(&low) {
                    return Err(bad_utf16(u));
                }
                i += 2;
                let code = 0x10000 + ((u32::from(u) - 0xD800) << 10) + (u32::from(low) - 0xDC00);
                char::from_u32(code).ok_or_else(|| bad_utf16(u))?
            } else {
                char::from_u32(u32::from(u)).ok_or_else(|| bad_utf16(u))?
            };
            i += 2;
            self.out
                .extend_from_slice(c.encode_utf8(&mut tmp).as_bytes());
        }
        self.raw.drain(..i);
        Ok(())
    }
}

fn bad_utf16(u: u16) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("invalid UTF-16: a lone surrogate {u:#06x}"),
    )
}

impl<R: Read> Read for Decoder<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.out_pos == self.out.len() && !self.refill()? {
            return Ok(0);
        }
        let n = (self.out.len() - self.out_pos).min(buf.len());
        buf[..n].copy_from_slice(&self.out[self.out_pos..self.out_pos + n]);
        self.out_pos += n;
        Ok(n)
    }
}

/// How many consumed bytes stay available for placing recent offsets (a tag, an error).
const HISTORY: usize = 64 * 1024;
/// How many new bytes one refill asks for.
const CHUNK: usize = 128 * 1024;

/// A buffered reader that knows the line of every byte it has handed out, keeping only a bounded
/// history so that memory stays flat on a large message.
pub(crate) struct Tracked<R> {
    inner: R,
    /// Kept history (`..pos`) followed by unread bytes (`pos..`).
    buf: Vec<u8>,
    pos: usize,
    /// The absolute offset of `buf[0]`.
    base: u64,
    /// Newlines in everything consumed so far.
    newlines: u64,
    /// The inner reader has returned 0.
    eof: bool,
}

impl<R: Read> Tracked<R> {
    pub(crate) fn new(inner: R) -> Self {
        Tracked {
            inner,
            buf: Vec::with_capacity(HISTORY + CHUNK),
            pos: 0,
            base: 0,
            newlines: 0,
            eof: false,
        }
    }

    /// The absolute offset of the next unread byte.
    pub(crate) fn consumed(&self) -> u64 {
        self.base + self.pos as u64
    }

    /// Whether everything has been read and handed out.
    pub(crate) fn exhausted(&self) -> bool {
        self.eof && self.pos == self.buf.len()
    }

    /// The line and column of offset `at`; an offset older than the history is placed at its start.
    pub(crate) fn locate(&self, at: u64) -> Location {
        let at = at.clamp(self.base, self.base + self.buf.len() as u64);
        let idx = usize::try_from(at - self.base)
            .unwrap_or(usize::MAX)
            .min(self.buf.len());
        let line = if idx <= self.pos {
            self.newlines - newlines(&self.buf[idx..self.pos])
        } else {
            self.newlines + newlines(&self.buf[self.pos..idx])
        };
        let line_start = self.buf[..idx]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1);
        let column = String::from_utf8_lossy(&self.buf[line_start..idx])
            .chars()
            .count() as u64;
        Location {
            line: line + 1,
            column: column + 1,
            byte: at,
        }
    }
}

fn newlines(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| b == b'\n').count() as u64
}

impl<R: Read> Read for Tracked<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(out.len());
        out[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R: Read> BufRead for Tracked<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.pos == self.buf.len() && !self.eof {
            let keep = self.pos.min(HISTORY);
            let drop = self.pos - keep;
            self.buf.drain(..drop);
            self.base += drop as u64;
            self.pos = keep;
            self.buf.resize(keep + CHUNK, 0);
            let n = loop {
                match self.inner.read(&mut self.buf[keep..]) {
                    Ok(n) => break n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => {
                        self.buf.truncate(keep);
                        return Err(e);
                    }
                }
            };
            self.buf.truncate(keep + n);
            self.eof = n == 0;
        }
        Ok(&self.buf[self.pos..])
    }

    fn consume(&mut self, amt: usize) {
        let end = (self.pos + amt).min(self.buf.len());
        self.newlines += newlines(&self.buf[self.pos..end]);
        self.pos = end;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_all(bytes: &[u8]) -> io::Result<String> {
        let (enc, bom) = sniff(bytes).unwrap();
        let mut s = String::new();
        Decoder::new(&bytes[bom..], enc).read_to_string(&mut s)?;
        Ok(s)
    }

    #[test]
    fn utf16_with_and_without_bom_and_surrogates() {
        let text = "<a>Ёлка 𝄞</a>";
        let le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(decode_all(&le).unwrap(), text);
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_eq!(decode_all(&be).unwrap(), text);
        let odd = [&le[..], &[0x41]].concat();
        assert!(decode_all(&odd).is_err());
    }

    #[test]
    fn windows_1251_by_declaration() {
        let mut bytes = b"<?xml version=\"1.0\" encoding=\"windows-1251\"?><a>".to_vec();
        bytes.extend_from_slice(&[0xC0, 0xEB, 0xFC, 0xF4, 0xE0, 0xA8, 0xB9]);
        bytes.extend_from_slice(b"</a>");
        assert!(decode_all(&bytes).unwrap().ends_with("<a>АльфаЁ№</a>"));
        assert_eq!(
            sniff(b"<?xml version='1.0' encoding='KOI8-R'?>"),
            Err("KOI8-R".to_owned())
        );
    }

    #[test]
    fn locates_lines_and_character_columns() {
        let text = "первая\nвторая строка\nтретья";
        let mut t = Tracked::new(text.as_bytes());
        let mut all = String::new();
        t.read_to_string(&mut all).unwrap();
        let at = text.find("строка").unwrap() as u64;
        assert_eq!((t.locate(at).line, t.locate(at).column), (2, 8));
        assert!(t.exhausted());
    }
}
