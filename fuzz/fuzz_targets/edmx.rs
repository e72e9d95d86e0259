//! Fuzzes the `$metadata` (EDMX) parser: any bytes give a schema or a typed error, never a panic,
//! and a positioned error points inside the document.
#![no_main]

use libfuzzer_sys::fuzz_target;
use onec_adapter::odata::{edmx, EdmxError};

fuzz_target!(|data: &[u8]| {
    match edmx::parse(data) {
        Ok(meta) => {
            // Every set is filed under its own name.
            assert!(meta.entity_sets.iter().all(|(key, set)| *key == set.name));
        }
        Err(EdmxError::Xml { line, column, .. })
        | Err(EdmxError::MissingAttribute { line, column, .. }) => {
            assert!(line >= 1 && column >= 1, "position must be 1-based");
            let lines = data.iter().filter(|&&b| b == b'\n').count() + 1;
            assert!(
                line <= lines,
                "line {line} beyond the {lines} lines of the input"
            );
        }
        Err(_) => {}
    }
});
