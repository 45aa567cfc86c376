//! The fast dissector and the owned model agree on layers, fields, the malformed verdict,
//! the cut mark and the partial layer (the check of tests/fast_vs_owned.rs), whole and cut.
#![no_main]

#[path = "../../tests/support/agree.rs"]
mod agree;
#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| {
    let Some((_, link, data)) = common::split(input) else {
        return;
    };
    let mut st = agree::Stats::default();
    if let Err(e) = agree::check(link, data, data.len(), &mut st) {
        panic!("whole packet: {e}");
    }
    // The same bytes as a packet cut by a snap length.
    if let Err(e) = agree::check(link, data, data.len() + 100, &mut st) {
        panic!("cut packet: {e}");
    }
});
