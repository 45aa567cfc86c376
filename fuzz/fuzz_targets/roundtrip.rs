//! Parse, build, parse again. A packet that parsed cleanly (no malformed layer, not cut)
//! rebuilds to its own bytes; any packet that builds parses back to the same layers with
//! the same field values.
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use pktforge::Packet;

fuzz_target!(|input: &[u8]| {
    let Some((_, link, data)) = common::split(input) else {
        return;
    };
    let p = Packet::parse(link, data);
    let Ok(bytes) = p.build() else {
        assert!(p.error().is_some(), "a clean parse builds: {}", p.summary());
        return;
    };
    let clean = p.error().is_none() && p.cut().is_none();
    if clean {
        assert_eq!(
            bytes,
            data,
            "clean parse rebuilds to its bytes: {}",
            p.summary()
        );
    }
    let q = Packet::parse(link, &bytes);
    if clean {
        let a: Vec<&str> = p.layers().iter().map(|l| l.name()).collect();
        let b: Vec<&str> = q.layers().iter().map(|l| l.name()).collect();
        assert_eq!(a, b, "layers after a rebuild");
        for (l, m) in p.layers().iter().zip(q.layers()) {
            for f in l.fields() {
                assert_eq!(l.get(f.name), m.get(f.name), "{}.{}", l.name(), f.name);
            }
        }
    }
});
