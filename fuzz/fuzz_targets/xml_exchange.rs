//! Fuzzes the universal XML exchange reader: any bytes give objects or an error with a location
//! inside the input, never a panic. A tiny read size makes the streaming buffer refill often.
#![no_main]

use std::io::Read;

use libfuzzer_sys::fuzz_target;
use onec_adapter::xml::{self, ReadPlan};

/// A reader that hands out at most 7 bytes per call, so tag boundaries fall across refills.
struct Trickle<'a>(&'a [u8]);

impl Read for Trickle<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = self.0.len().min(out.len()).min(7);
        out[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        Ok(n)
    }
}

fuzz_target!(|data: &[u8]| {
    let whole = xml::read_with(data, ReadPlan::all());
    let trickled = xml::read_with(Trickle(data), ReadPlan::all());
    match (&whole, &trickled) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "the read must not depend on buffer boundaries"),
        (Err(e), _) | (_, Err(e)) => {
            let at = e.location();
            assert!(at.line >= 1 && at.column >= 1, "position must be 1-based");
            assert!(at.byte <= data.len() as u64, "{at} beyond the input");
        }
    }
    assert_eq!(
        whole.is_ok(),
        trickled.is_ok(),
        "the outcome must not depend on buffer boundaries"
    );
});
