//! The DSL over arbitrary text: lexing, parsing, compiling and expanding (a few packets of
//! any set, each built and summarised) never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pktforge::dsl::{ExpandOptions, parse};

fuzz_target!(|input: &[u8]| {
    let Ok(text) = std::str::from_utf8(input) else {
        return;
    };
    // Names would go to the system resolver: keep the fuzzer off the network.
    if text.len() > 4096 {
        return;
    }
    if let Ok(t) = parse(text) {
        let _ = t.count();
        for p in t.packets(&ExpandOptions { seed: Some(1) }).take(8) {
            let _ = p.build();
            let _ = p.summary();
        }
    }
});
