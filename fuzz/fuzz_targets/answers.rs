//! The reply matcher of `sr` (src/net/answers.rs) over arbitrary packets, against a fixed
//! set of probes like those `sr`, `ping`, `traceroute` and `arping` send: `hashret` and
//! `answers` never panic and give the same verdict twice.
//!
//! "An answer hashes as its probe" is not checked: it is not one of scapy's rules either
//! (scapy's own `answers` is true for an ARP reply with another hardware type, whose
//! `hashret` differs; its `sr` misses such replies, as the session does). A first version
//! of this target checked it and found, besides that, a real departure from scapy: an ICMP
//! error quoting only an IP header (its options took the bytes of the TCP header) was
//! taken as answering a TCP probe, where scapy says no (tests/fuzz_regressions.rs).
#![no_main]

#[path = "common.rs"]
mod common;

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use pktforge::dsl::{ExpandOptions, parse};
use pktforge::net::answers::{answers, hashret};
use pktforge::{LinkType, Packet};

/// The probes, as `Session::add` keeps them: built, then parsed again (layer 3 probes
/// from their IP header, frames from their link header).
const PROBES: &[(&str, bool)] = &[
    (
        r#"IP(src="198.18.0.1", dst="198.18.1.2")/ICMP(id=0x1234, seq=1)"#,
        false,
    ),
    (
        r#"IP(src="198.18.0.1", dst="198.18.1.2", ttl=1)/ICMP(id=0x1234, seq=2)"#,
        false,
    ),
    (
        r#"IP(src="198.18.0.1", dst="198.18.1.2")/ICMP(type="timestamp-request", id=9)"#,
        false,
    ),
    (
        r#"IP(src="198.18.0.1", dst="198.18.1.2")/TCP(sport=40000, dport=80, flags="S", seq=1000)"#,
        false,
    ),
    (
        r#"IP(src="198.18.0.1", dst="198.18.1.2")/UDP(sport=40001, dport=53)/DNS(id=0x4242, qd=DNSQR(qname="example.com"))"#,
        false,
    ),
    (
        r#"IP(src="198.18.0.1", dst="198.18.1.2", ttl=2)/UDP(sport=40002, dport=33434)"#,
        false,
    ),
    (
        r#"IPv6(src="fd00:beef::1", dst="fd00:beef::2")/ICMPv6EchoRequest(id=7, seq=1)"#,
        false,
    ),
    (
        r#"IPv6(src="fd00:beef::1", dst="fd00:beef::2")/TCP(sport=40003, dport=443, flags="S")"#,
        false,
    ),
    (
        r#"IPv6(src="fd00:beef::1", dst="fd00:beef::2", hlim=1)/UDP(sport=40004, dport=33435)"#,
        false,
    ),
    (
        r#"IPv6(src="fd00:beef::1", dst="ff02::1:ff00:2", hlim=255)/ICMPv6ND_NS(tgt="fd00:beef::2")"#,
        false,
    ),
    (
        r#"Ether(src="02:00:00:00:00:01", dst="ff:ff:ff:ff:ff:ff")/ARP(op=1, hwsrc="02:00:00:00:00:01", psrc="198.18.0.1", pdst="198.18.0.2")"#,
        true,
    ),
    (
        r#"Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")/IP(src="198.18.0.1", dst="198.18.0.2")/ICMP(id=5, seq=5)"#,
        true,
    ),
    (
        r#"Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")/Dot1Q(vlan=7)/IP(src="198.18.0.1", dst="198.18.0.2")/UDP(sport=5353, dport=53)/DNS(id=1, qd=DNSQR(qname="a.b"))"#,
        true,
    ),
];

/// The probes and their hashes.
fn probes() -> &'static [(Packet, u64)] {
    static P: OnceLock<Vec<(Packet, u64)>> = OnceLock::new();
    P.get_or_init(|| {
        PROBES
            .iter()
            .map(|(text, l2)| {
                let t = parse(text).expect("a probe of the fixed set parses");
                let p = t
                    .packets(&ExpandOptions { seed: Some(1) })
                    .next()
                    .expect("one packet");
                let bytes = p.build().expect("a probe of the fixed set builds");
                let link = if *l2 { p.link_type() } else { LinkType::RawIp };
                let q = Packet::parse(link, &bytes);
                let h = hashret(&q);
                (q, h)
            })
            .collect()
    })
}

fuzz_target!(|input: &[u8]| {
    let Some((_, link, data)) = common::split(input) else {
        return;
    };
    let reply = Packet::parse(link, data);
    let h = hashret(&reply);
    assert_eq!(h, hashret(&reply));
    for (probe, _) in probes() {
        assert_eq!(answers(&reply, probe), answers(&reply, probe));
    }
});
