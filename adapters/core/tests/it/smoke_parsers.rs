//! Smoke versions of the cargo-fuzz targets in `fuzz/`: mutated real captures and random bytes fed
//! to the EDMX, Atom, JSON and XML exchange readers. None may panic, and every positioned error
//! must point inside its input (1-based, no line beyond the last).
//!
//! The mutator is a seeded xorshift so that a failure names the seed and case and replays
//! exactly; `OKDESK_1C_LONG_TESTS=1` runs twenty times as many cases.

use std::io::Read;
use std::path::PathBuf;

use onec_adapter::odata::{atom, edmx, json, EdmxError, OdataError};
use onec_adapter::xml::{self, ReadPlan};

/// A small deterministic generator (xorshift64*), so that every case replays from its seed.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// Tokens that matter to the readers, spliced in by the mutator so that mutations reach past the
/// first syntax check.
const DICTIONARY: &[&[u8]] = &[
    b"<",
    b">",
    b"</",
    b"/>",
    b"\"",
    b"&amp;",
    b"&#x0;",
    b"<![CDATA[",
    b"]]>",
    b"<!--",
    b"\xEF\xBB\xBF",
    b"\xD0",
    b"\xFF",
    b"\n",
    b"{",
    b"}",
    b"[",
    b"]",
    b":",
    b",",
    b"null",
    b"\"value\":",
    b"\"odata.error\":",
    b"m:null=\"true\"",
    b"m:type=\"Collection(StandardODATA.X_RowType)\"",
    b"<d:element>",
    b"<entry>",
    b"<m:properties>",
    b"<EntitySet Name=\"",
    b"<Property Name=\"",
    b"<html>",
    b"xsi:type=\"",
    b"xsi:nil=\"true\"",
    b"<V8Exch:Data>",
    b"<Ref>",
];

/// One random edit: flip, delete, duplicate, insert a dictionary token, truncate or swap a chunk.
fn mutate(rng: &mut Rng, data: &mut Vec<u8>) {
    let len = data.len();
    match rng.below(7) {
        0 if len > 0 => {
            let i = rng.below(len);
            data[i] ^= 1 << rng.below(8);
        }
        1 if len > 0 => {
            let start = rng.below(len);
            let end = (start + 1 + rng.below(64)).min(len);
            data.drain(start..end);
        }
        2 if len > 0 => {
            let start = rng.below(len);
            let end = (start + 1 + rng.below(256)).min(len);
            let chunk = data[start..end].to_vec();
            let at = rng.below(len + 1);
            data.splice(at..at, chunk);
        }
        3 => {
            let token = DICTIONARY[rng.below(DICTIONARY.len())];
            let at = rng.below(len + 1);
            data.splice(at..at, token.iter().copied());
        }
        4 if len > 0 => data.truncate(rng.below(len)),
        5 if len > 1 => {
            let a = rng.below(len);
            let b = rng.below(len);
            data.swap(a, b);
        }
        _ => {
            let at = rng.below(len + 1);
            let byte = rng.next() as u8;
            data.insert(at, byte);
        }
    }
}

fn long() -> bool {
    std::env::var("OKDESK_1C_LONG_TESTS").is_ok_and(|v| v == "1")
}

fn cases(short: usize) -> usize {
    if long() {
        short * 20
    } else {
        short
    }
}

fn shared(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../conformance/onec/ut11-trade-demo")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn fixtures(dir: &str) -> Vec<Vec<u8>> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(dir);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files.iter().map(|p| std::fs::read(p).unwrap()).collect()
}

fn lines(data: &[u8]) -> usize {
    data.iter().filter(|&&b| b == b'\n').count() + 1
}

/// Asserts a 1-based position inside `data`.
fn assert_inside(data: &[u8], line: usize, column: usize, what: &dyn std::fmt::Display) {
    assert!(line >= 1 && column >= 1, "{what}: position must be 1-based");
    assert!(
        line <= lines(data),
        "{what}: line {line} is beyond the {} lines of the input",
        lines(data)
    );
}

/// Runs `check` on `cases` mutants of each seed (a few edits each) and on random byte strings; a
/// panic names the seed index and case so it can be replayed.
fn drive(seeds: &[Vec<u8>], cases: usize, check: &dyn Fn(&[u8])) {
    for (s, seed) in seeds.iter().enumerate() {
        for case in 0..cases {
            let mut rng = Rng::new((s as u64) << 32 | case as u64);
            let mut data = seed.clone();
            for _ in 0..1 + rng.below(8) {
                mutate(&mut rng, &mut data);
            }
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(&data)));
            if outcome.is_err() {
                let path = std::env::temp_dir().join(format!("smoke-seed{s}-case{case}.bin"));
                std::fs::write(&path, &data).unwrap();
                panic!(
                    "seed {s} case {case} panicked; the input is saved at {}",
                    path.display()
                );
            }
        }
    }
    let mut rng = Rng::new(0xF00D);
    for _ in 0..cases {
        let len = rng.below(512);
        let data: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        check(&data);
    }
}

fn check_edmx(data: &[u8]) {
    match edmx::parse(data) {
        Ok(meta) => assert!(meta.entity_sets.iter().all(|(k, s)| *k == s.name)),
        Err(
            e @ (EdmxError::Xml { line, column, .. }
            | EdmxError::MissingAttribute { line, column, .. }),
        ) => assert_inside(data, line, column, &e),
        Err(e) => assert!(!e.to_string().is_empty()),
    }
}

fn check_odata(data: &[u8], result: Result<(), OdataError>) {
    if let Err(e) = result {
        if let OdataError::Decode { line, column, .. } = e {
            assert_inside(data, line, column, &e);
        }
        assert!(!e.to_string().is_empty());
    }
}

/// A reader that hands out at most 7 bytes per call, so tags straddle the reader's refills.
struct Trickle<'a>(&'a [u8]);

impl Read for Trickle<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = self.0.len().min(out.len()).min(7);
        out[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        Ok(n)
    }
}

fn check_xml(data: &[u8]) {
    let whole = xml::read_with(data, ReadPlan::all());
    let trickled = xml::read_with(Trickle(data), ReadPlan::all());
    match (&whole, &trickled) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "the read depends on buffer boundaries"),
        (Err(e), _) | (_, Err(e)) => {
            let at = e.location();
            assert!(
                at.line >= 1 && at.column >= 1,
                "{e}: position must be 1-based"
            );
            assert!(at.byte <= data.len() as u64, "{e}: beyond the input");
            assert!(at.line <= lines(data) as u64, "{e}: line beyond the input");
        }
    }
    assert_eq!(
        whole.is_ok(),
        trickled.is_ok(),
        "the outcome depends on buffer boundaries"
    );
}

#[test]
fn edmx_reader_survives_mutated_metadata() {
    // The real schema is 250 KB; a prefix keeps each case cheap while mutations still land in
    // entity types, sets and the container.
    let full = shared("msg001_metadata.xml");
    let head = full[..full.len().min(24 * 1024)].to_vec();
    drive(&[head, full], cases(60), &check_edmx);
}

#[test]
fn atom_reader_survives_mutated_feeds() {
    let seeds: Vec<Vec<u8>> = ["msg004_kontragenti.xml", "msg005_zakaz_klienta_2.xml"]
        .iter()
        .map(|n| shared(n))
        .collect();
    drive(&seeds, cases(150), &|d| {
        check_odata(d, atom::parse(d).map(drop))
    });
}

#[test]
fn json_reader_survives_mutated_answers() {
    drive(&fixtures("odata"), cases(300), &|d| {
        check_odata(d, json::parse_feed(d, "Catalog_Контрагенты").map(drop));
        check_odata(d, json::parse_feed(d, "").map(drop));
        check_odata(d, json::parse_count(d).map(drop));
    });
}

#[test]
fn xml_exchange_reader_survives_mutated_exports() {
    drive(&fixtures("xml"), cases(60), &check_xml);
}

#[test]
fn truncation_at_every_tenth_byte_is_a_positioned_error_or_a_read() {
    // Truncation is the commonest real damage (a killed export, a dropped connection).
    let whole = shared("msg004_kontragenti.xml");
    let feed_total = whole.len();
    for end in (0..feed_total).step_by(10) {
        let part = &whole[..end];
        match atom::parse(part) {
            // Only the empty body (nothing at all) may read as an empty feed: anything cut
            // short after the first byte must be an error, never a silently shorter feed.
            Ok(feed) if end == 0 => assert!(feed.entries.is_empty()),
            Ok(feed) => panic!(
                "truncated at {end} of {} read as a feed of {} entries",
                feed_total,
                feed.entries.len()
            ),
            Err(OdataError::Decode { line, column, .. }) => {
                assert_inside(part, line, column, &format!("truncated at {end}"))
            }
            Err(e) => panic!("truncated at {end}: expected a decode error, got {e}"),
        }
    }
}

#[test]
fn json_decode_error_right_after_a_newline_has_a_one_based_column() {
    // A control character (the raw newline) inside a string: serde_json stops at line 2, column 0.
    let body = b"{\"Description\": \"x\n\"}";
    match json::parse_feed(body, "Catalog_X") {
        Err(OdataError::Decode { line, column, .. }) => {
            assert_eq!(line, 2);
            assert!(column >= 1, "column {column} is not 1-based");
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
}
