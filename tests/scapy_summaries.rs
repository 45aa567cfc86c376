//! `summary()` of dissected packets equals scapy's, for the bytes of every scapy vector
//! (tests/vectors/summaries.tsv, written by scripts/gen_vectors.py: first layer class,
//! hex, scapy's summary, strict or lax, the expression).
//!
//! Lax vectors (lengths that lie on purpose) are skipped: how a malformed packet is split is
//! not a contract. So are packets where scapy uses a class pktforge does not implement
//! (MLD, the DNS search list and source address list ND options): those dissect as
//! `ICMPv6Unknown` / `ICMPv6NDOptUnknown` here.

/// scapy classes with no pktforge layer of their own (yet).
const NOT_IMPLEMENTED: &[&str] = &[
    "ICMPv6MLQuery",
    "ICMPv6MLReport2",
    "DNS Search List Option",
    "ICMPv6NDOptSrcAddrList",
];

use pktforge::LayerKind;
use pktforge::prelude::*;

#[test]
fn dissected_summaries_match_scapy() {
    let table = include_str!("vectors/summaries.tsv");
    let mut failures = Vec::new();
    let mut n = 0;
    let mut skipped = 0;
    for line in table.lines() {
        let f: Vec<&str> = line.splitn(5, '\t').collect();
        let [class, hex, want, strictness, expr] = f[..] else {
            panic!("bad line {line:?}");
        };
        if strictness == "lax" || NOT_IMPLEMENTED.iter().any(|c| want.contains(c)) {
            skipped += 1;
            continue;
        }
        let Some(kind) = LayerKind::from_name(class) else {
            failures.push(format!("{expr}: unknown first layer {class}"));
            continue;
        };
        let bytes = hex::decode(hex).unwrap();
        let got = Packet::parse(LinkType::Layer(kind), &bytes).summary();
        n += 1;
        // pktforge decodes the type, code and checksum of ICMPv6 types scapy leaves as Raw.
        let icmpv6_unknown =
            want.ends_with("(58) / Raw") && got == want.replace("/ Raw", "/ ICMPv6Unknown");
        if got != want && !icmpv6_unknown {
            failures.push(format!("{expr}\n  scapy:    {want}\n  pktforge: {got}"));
        }
    }
    eprintln!("{n} summaries compared, {skipped} skipped (lax or not implemented)");
    assert!(n >= 150, "only {n} summaries compared");
    assert!(
        failures.is_empty(),
        "{} of {n} summaries differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
