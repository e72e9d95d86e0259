//! Line and column numbers for a streaming XML reader.
//!
//! quick-xml reports byte offsets. A 1 GB export cannot be kept in memory to turn an offset into a
//! line afterwards, so [`Tracked`] is the reader's own input buffer: it counts newlines in every byte
//! handed to the parser and keeps the last [`HISTORY`] consumed bytes, which is enough to place any
//! recent offset (the start of the current tag, the parser's error offset) exactly.

use std::fmt;
use std::io::{self, BufRead, Read};

/// How many already-consumed bytes stay available for locating recent offsets.
const HISTORY: usize = 64 * 1024;
/// How many new bytes one refill asks the inner reader for.
const CHUNK: usize = 256 * 1024;

/// A place in the input file: 1-based line and column (in characters), and the byte offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Location {
    /// The line, counted from 1.
    pub line: u64,
    /// The column in characters, counted from 1.
    pub column: u64,
    /// The byte offset from the start of the file.
    pub byte: u64,
}

impl Location {
    /// The start of a file.
    pub fn start() -> Location {
        Location {
            line: 1,
            column: 1,
            byte: 0,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {}", self.line, self.column)
    }
}

/// A buffered reader that knows the line of every byte it has handed out.
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

    /// The wrapped reader.
    pub(crate) fn into_inner(self) -> R {
        self.inner
    }

    /// The absolute offset of the next unread byte.
    pub(crate) fn consumed(&self) -> u64 {
        self.base + self.pos as u64
    }

    /// Whether everything has been read and handed out (a parse error then means a cut file).
    pub(crate) fn exhausted(&self) -> bool {
        self.eof && self.pos == self.buf.len()
    }

    /// The line and column of byte offset `at`. Exact for offsets inside the kept history or the
    /// unread buffer; an older offset is placed at the start of the history (the best we know).
    pub(crate) fn locate(&self, at: u64) -> Location {
        let at = at.clamp(self.base, self.base + self.buf.len() as u64);
        let idx = (at - self.base) as usize;
        let consumed_idx = self.pos;
        let line = if idx <= consumed_idx {
            self.newlines - count_newlines(&self.buf[idx..consumed_idx]) as u64
        } else {
            self.newlines + count_newlines(&self.buf[consumed_idx..idx]) as u64
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

fn count_newlines(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b == b'\n').count()
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
        if self.pos == self.buf.len() {
            // Keep the tail of what was consumed as history, then read a new chunk after it.
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
        self.newlines += count_newlines(&self.buf[self.pos..end]) as u64;
        self.pos = end;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_recent_offsets_in_characters() {
        let text = "первая\nвторая строка\nтретья";
        let mut t = Tracked::new(text.as_bytes());
        let mut all = String::new();
        t.read_to_string(&mut all).unwrap();
        let at = text.find("строка").unwrap() as u64;
        let loc = t.locate(at);
        assert_eq!((loc.line, loc.column), (2, 8));
        assert_eq!(t.locate(0).line, 1);
        assert_eq!(t.locate(text.len() as u64).line, 3);
    }

    #[test]
    fn keeps_counting_across_refills() {
        let line = "x".repeat(999) + "\n";
        let text = line.repeat(1000);
        let mut t = Tracked::new(text.as_bytes());
        io::copy(&mut t, &mut io::sink()).unwrap();
        let loc = t.locate(text.len() as u64 - 500);
        assert_eq!((loc.line, loc.column), (1000, 501));
    }
}
