//! Fuzzes the Atom feed reader: any bytes give entries or a typed error, never a panic, and a
//! decode error points inside the body.
#![no_main]

use libfuzzer_sys::fuzz_target;
use onec_adapter::odata::{atom, OdataError};

fuzz_target!(|data: &[u8]| {
    if let Err(OdataError::Decode { line, column, .. }) = atom::parse(data) {
        assert!(line >= 1 && column >= 1, "position must be 1-based");
        let lines = data.iter().filter(|&&b| b == b'\n').count() + 1;
        assert!(
            line <= lines,
            "line {line} beyond the {lines} lines of the input"
        );
    }
});
