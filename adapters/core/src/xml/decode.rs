//! The bytes of an exchange file as UTF-8, whatever 1C wrote them in.
//!
//! 1C writes its XML files in UTF-8 with a byte-order mark, but files reach users re-saved in
//! windows-1251 (with `encoding="windows-1251"` in the declaration, as 8.2-era tools and older
//! exchange processings write them) or in UTF-16 with a BOM, both legal XML. The readers work on
//! UTF-8, so the input is sniffed once: a BOM decides, otherwise the declaration's `encoding`, and
//! the rest is transcoded on the fly and strictly (memory stays flat for any file size; a byte
//! sequence the encoding does not have is an error where it is, never a silent replacement).

use std::io::{self, Read};

use encoding_rs::{DecoderResult, Encoding};

/// How much of the file the declaration is looked for in.
const SNIFF: usize = 1024;

/// The encoding an input was found to be in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Detected {
    /// UTF-8 (with or without a BOM, or declared).
    Utf8,
    /// Another encoding, by its WHATWG name (`windows-1251`, `UTF-16LE`, …), transcoded.
    Other(&'static str),
}

/// An encoding this reader cannot decode.
#[derive(Debug, thiserror::Error)]
#[error("the file declares encoding=\"{label}\", which is not a known encoding; save it again in UTF-8 or windows-1251")]
pub struct UnknownEncoding {
    /// The label as declared.
    pub label: String,
}

/// Reads the start of `input` and returns a UTF-8 reader over the whole of it, and what it was.
#[allow(clippy::type_complexity)]
pub fn utf8_reader<'a, R: Read + Send + 'a>(
    mut input: R,
) -> io::Result<Result<(Box<dyn Read + Send + 'a>, Detected), UnknownEncoding>> {
    let mut head = Vec::with_capacity(SNIFF);
    (&mut input).take(SNIFF as u64).read_to_end(&mut head)?;
    let detected = match sniff(&head) {
        Ok(d) => d,
        Err(e) => return Ok(Err(e)),
    };
    let reader: Box<dyn Read + Send + 'a> = match detected {
        // UTF-8 passes through untouched (minus a BOM), so that positions in errors are the
        // file's own bytes and a broken sequence is reported where it is, not replaced.
        (_, Detected::Utf8) => {
            let skip = if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
                3
            } else {
                0
            };
            head.drain(..skip);
            Box::new(io::Cursor::new(head).chain(input))
        }
        (encoding, Detected::Other(_)) => {
            // A BOM is the decoder's to drop; the declaration's encoding needs none.
            Box::new(Transcoder::new(
                io::Cursor::new(head).chain(input),
                encoding,
            ))
        }
    };
    Ok(Ok((reader, detected.1)))
}

/// The start of `head` decoded as text, whatever its encoding, with what cannot be decoded
/// replaced: for sniffing a root element or a namespace.
pub(crate) fn decode_lossy(head: &[u8]) -> String {
    match sniff(head) {
        Ok((encoding, _)) => {
            let (text, _, _) = encoding.decode(head);
            text.into_owned()
        }
        Err(_) => String::from_utf8_lossy(head).into_owned(),
    }
}

/// Transcodes a stream to UTF-8, strictly: a byte sequence that is not valid in the source
/// encoding (a lone UTF-16 surrogate, say) is an error at that point, never a silent U+FFFD in a
/// name or an INN.
struct Transcoder<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    name: &'static str,
    input: Vec<u8>,
    in_start: usize,
    in_end: usize,
    output: Vec<u8>,
    out_start: usize,
    out_end: usize,
    /// The inner reader has returned 0.
    eof: bool,
    /// The decoder has been flushed after the end of input.
    done: bool,
    /// A malformed sequence was met: once what came before it is handed out, reading fails.
    failed: bool,
}

impl<R: Read> Transcoder<R> {
    fn new(inner: R, encoding: &'static Encoding) -> Self {
        Transcoder {
            inner,
            decoder: encoding.new_decoder_with_bom_removal(),
            name: encoding.name(),
            input: vec![0; 32 * 1024],
            in_start: 0,
            in_end: 0,
            output: vec![0; 64 * 1024],
            out_start: 0,
            out_end: 0,
            eof: false,
            done: false,
            failed: false,
        }
    }
}

impl<R: Read> Read for Transcoder<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            // What was decoded before anything else, a bad sequence included, is handed out first.
            if self.out_start < self.out_end {
                let n = buf.len().min(self.out_end - self.out_start);
                buf[..n].copy_from_slice(&self.output[self.out_start..self.out_start + n]);
                self.out_start += n;
                return Ok(n);
            }
            if self.failed {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!(
                        "the file is not valid {}: a malformed byte sequence (a lone UTF-16 \
                         surrogate, or a byte the encoding does not have)",
                        self.name
                    ),
                ));
            }
            if self.done {
                return Ok(0);
            }
            if self.in_start == self.in_end && !self.eof {
                let n = self.inner.read(&mut self.input)?;
                self.in_start = 0;
                self.in_end = n;
                self.eof = n == 0;
            }
            let (result, read, written) = self.decoder.decode_to_utf8_without_replacement(
                &self.input[self.in_start..self.in_end],
                &mut self.output,
                self.eof,
            );
            self.in_start += read;
            self.out_start = 0;
            self.out_end = written;
            match result {
                DecoderResult::InputEmpty => self.done = self.eof,
                DecoderResult::OutputFull => {}
                DecoderResult::Malformed(_, _) => self.failed = true,
            }
        }
    }
}

/// The encoding of a file from its first bytes.
fn sniff(head: &[u8]) -> Result<(&'static Encoding, Detected), UnknownEncoding> {
    if let Some((encoding, _)) = Encoding::for_bom(head) {
        return Ok(if encoding == encoding_rs::UTF_8 {
            (encoding, Detected::Utf8)
        } else {
            (encoding, Detected::Other(encoding.name()))
        });
    }
    // UTF-16 without a BOM is still recognisable: `<` followed (or preceded) by a zero byte, the
    // way XML 1.0's appendix F autodetects it.
    if head.starts_with(&[b'<', 0, b'?', 0]) || head.starts_with(&[b'<', 0, 0x20, 0]) {
        return Ok((encoding_rs::UTF_16LE, Detected::Other("UTF-16LE")));
    }
    if head.starts_with(&[0, b'<', 0, b'?']) || head.starts_with(&[0, b'<', 0, 0x20]) {
        return Ok((encoding_rs::UTF_16BE, Detected::Other("UTF-16BE")));
    }
    // Without a BOM the declaration is ASCII in every encoding 1C uses.
    let Some(label) = declared(head) else {
        return Ok((encoding_rs::UTF_8, Detected::Utf8));
    };
    match Encoding::for_label(label.as_bytes()) {
        Some(e) if e == encoding_rs::UTF_8 => Ok((e, Detected::Utf8)),
        Some(e) => Ok((e, Detected::Other(e.name()))),
        None => Err(UnknownEncoding { label }),
    }
}

/// The `encoding` pseudo-attribute of an XML declaration at the start of `head`.
fn declared(head: &[u8]) -> Option<String> {
    let end = head.windows(2).position(|w| w == b"?>")?;
    let decl = std::str::from_utf8(&head[..end]).ok()?;
    let decl = decl.trim_start_matches('\u{feff}').trim_start();
    if !decl.starts_with("<?xml") {
        return None;
    }
    let at = decl.find("encoding")?;
    let rest = decl[at + "encoding".len()..]
        .trim_start()
        .strip_prefix('=')?;
    let rest = rest.trim_start();
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let value = &rest[1..];
    let close = value.find(quote)?;
    Some(value[..close].trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(bytes: Vec<u8>) -> (String, Detected) {
        let (mut r, d) = utf8_reader(io::Cursor::new(bytes)).unwrap().unwrap();
        let mut s = String::new();
        r.read_to_string(&mut s).unwrap();
        (s, d)
    }

    const TEXT: &str =
        "<?xml version=\"1.0\" encoding=\"windows-1251\"?>\n<Корень>Контрагент «Альфа»</Корень>";

    #[test]
    fn windows_1251_by_the_declaration() {
        let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(TEXT);
        let (s, d) = decode(bytes.into_owned());
        assert_eq!(s, TEXT);
        assert_eq!(d, Detected::Other("windows-1251"));
    }

    #[test]
    fn utf16_and_utf8_by_the_bom() {
        let plain = TEXT.replace("windows-1251", "UTF-16");
        let mut le = vec![0xFF, 0xFE];
        for u in plain.encode_utf16() {
            le.extend_from_slice(&u.to_le_bytes());
        }
        let (s, d) = decode(le);
        assert_eq!(s, plain);
        assert_eq!(d, Detected::Other("UTF-16LE"));
        let mut be = vec![0xFE, 0xFF];
        for u in plain.encode_utf16() {
            be.extend_from_slice(&u.to_be_bytes());
        }
        assert_eq!(decode(be).0, plain);
        let utf8 = TEXT.replace("windows-1251", "UTF-8");
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(utf8.as_bytes());
        let (s, d) = decode(bom);
        assert_eq!(s, utf8, "the BOM is dropped");
        assert_eq!(d, Detected::Utf8);
        assert_eq!(decode(utf8.clone().into_bytes()).0, utf8);
    }

    #[test]
    fn an_unknown_label_is_named() {
        let text = TEXT.replace("windows-1251", "klingon-8");
        let err = utf8_reader(io::Cursor::new(text.into_bytes()))
            .unwrap()
            .err()
            .unwrap();
        assert_eq!(err.label, "klingon-8");
    }
}
