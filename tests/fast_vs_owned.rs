//! The fast dissector (`pktforge::dissect`) and the owned model (`Packet::parse`) agree on
//! every packet of every classic pcap in `captures/` and of a generated workload
//! (`/work/shared/bench/gen_workload.py`, skipped with a message when python3 or the script
//! is missing): same layer names in the same order, every field the fast path exposes
//! equal to the owned layer's `get(field)`, TCP options and the DNS question and answers
//! equal to the owned ones, and the same malformed/truncated verdict. The same holds for
//! copies of every packet cut to 64, 96 and 128 bytes (a snap length: the bytes are cut,
//! the wire length kept) dissected with `dissect_frame` and `Packet::parse_frame`: the same
//! layers, fields (partial headers give the same captured fields), malformed verdict, cut
//! mark and partial layer.

use std::net::{Ipv4Addr, Ipv6Addr};
use std::path::{Path, PathBuf};

#[path = "support/agree.rs"]
mod agree;

use agree::{Stats, check};
use pktforge::capture::CaptureReader;
use pktforge::prelude::*;

/// The link type and the packets of a capture, read with the project's reader.
fn read_pcap(path: &Path) -> (u32, Vec<Vec<u8>>) {
    let mut r = CaptureReader::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut link = 1;
    let mut pkts = Vec::new();
    while let Some(p) = r.next_packet() {
        let p = p.unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        link = p.link.0;
        pkts.push(p.data.to_vec());
    }
    (link, pkts)
}

/// Checks every packet of a capture; with `snap`, copies of them cut to `snap` bytes.
fn check_file(path: &Path, snap: Option<usize>) -> Stats {
    let (link, pkts) = read_pcap(path);
    let link = LinkType::from_pcap(link);
    let mut st = Stats::default();
    let mut failures = Vec::new();
    for (i, pkt) in pkts.iter().enumerate() {
        let data = &pkt[..snap.map_or(pkt.len(), |s| s.min(pkt.len()))];
        if let Err(e) = check(link, data, pkt.len(), &mut st) {
            let cut = snap.map_or(String::new(), |s| format!(" cut to {s}"));
            failures.push(format!("{} packet {}{cut}: {e}", path.display(), i + 1));
        }
    }
    assert!(
        failures.is_empty(),
        "{} disagreements, first ones:\n{}",
        failures.len(),
        failures[..failures.len().min(10)].join("\n")
    );
    println!(
        "{}{}: {} packets, {} layers, {} fields, {} DNS answers, {} malformed, {} cut, {} partial headers: agree",
        path.display(),
        snap.map_or(String::new(), |s| format!(" cut to {s}")),
        st.packets,
        st.layers,
        st.fields,
        st.dns_answers,
        st.malformed,
        st.cut,
        st.partial
    );
    st
}

/// The classic pcaps of `captures/`.
fn capture_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("captures");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "pcap"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no pcap in {}", dir.display());
    files
}

/// A generated workload of `n` packets, or `None` (with a message) when it cannot be made.
fn workload(n: usize, tag: &str) -> Option<PathBuf> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/bench/gen_workload.py");
    if !script.exists() {
        println!("skipped: {} is missing", script.display());
        return None;
    }
    let out = std::env::temp_dir().join(format!(
        "pktforge-fast-vs-owned-{tag}-{}.pcap",
        std::process::id()
    ));
    let run = std::process::Command::new("python3")
        .arg(script)
        .args(["--packets", &n.to_string(), "--out"])
        .arg(&out)
        .status();
    match run {
        Ok(s) if s.success() => Some(out),
        other => {
            println!("skipped: python3 could not run the workload generator ({other:?})");
            None
        }
    }
}

/// The snap lengths of the cut copies.
const SNAPS: [usize; 3] = [64, 96, 128];

#[test]
fn captures_agree() {
    let total: usize = capture_files()
        .iter()
        .map(|f| check_file(f, None).packets)
        .sum();
    assert!(total > 0);
}

#[test]
fn cut_copies_of_captures_agree() {
    let mut total = Stats::default();
    for f in capture_files() {
        for snap in SNAPS {
            let st = check_file(&f, Some(snap));
            total.packets += st.packets;
            total.cut += st.cut;
            total.partial += st.partial;
        }
    }
    println!(
        "captures cut to {SNAPS:?}: {} packets, {} cut, {} partial headers: agree",
        total.packets, total.cut, total.partial
    );
    assert!(total.cut > 0 && total.partial > 0);
}

#[test]
fn generated_workload_agrees() {
    let Some(out) = workload(20000, "whole") else {
        return;
    };
    let st = check_file(&out, None);
    let _ = std::fs::remove_file(&out);
    assert!(st.packets >= 20000);
}

#[test]
fn cut_copies_of_generated_workload_agree() {
    let Some(out) = workload(20000, "cut") else {
        return;
    };
    let mut total = Stats::default();
    for snap in SNAPS {
        let st = check_file(&out, Some(snap));
        total.packets += st.packets;
        total.cut += st.cut;
        total.partial += st.partial;
    }
    let _ = std::fs::remove_file(&out);
    println!(
        "workload cut to {SNAPS:?}: {} packets, {} cut, {} partial headers: agree",
        total.packets, total.cut, total.partial
    );
    assert!(total.packets >= 60000 && total.cut > 0);
}

#[test]
fn synthetic_edge_cases_agree() {
    // Layers the captures do not have: QinQ, loopback, IPv6 extension headers, ICMPv6
    // errors quoting TCP, IPv4 options, DNS over TCP, and every prefix of each.
    let v4 = || IP::new().src("198.18.0.1").dst("198.18.0.2");
    let v6 = || IPv6::new().src("fd00::1").dst("fd00::2");
    let eth = || {
        Ether::new()
            .src("02:00:00:00:00:01")
            .dst("02:00:00:00:00:02")
    };
    let cases: Vec<(LinkType, Packet)> = vec![
        (
            LinkType::Ether,
            eth()
                / Dot1AD::new().vlan(10)
                / Dot1Q::new().vlan(20)
                / v4()
                / UDP::new().dport(53)
                / DNS::new(),
        ),
        (LinkType::Null, Loopback::new() / v4() / ICMP::new()),
        (
            LinkType::Loop,
            LoopbackOpenBSD::new() / v6() / ICMPv6EchoRequest::new(),
        ),
        (
            LinkType::Ipv6,
            v6() / IPv6ExtHdrHopByHop::new()
                / IPv6ExtHdrRouting::new()
                    .with_addresses(vec!["fd00::9".parse::<Ipv6Addr>().unwrap()])
                / IPv6ExtHdrFragment::new()
                / IPv6ExtHdrDestOpt::new()
                / TCP::new().options(vec![TcpOption::Mss(1400), TcpOption::SAck(vec![1, 2])]),
        ),
        (
            LinkType::Ipv6,
            v6() / ICMPv6DestUnreach::new() / v6() / TCP::new().dport(22),
        ),
        (
            LinkType::Ipv6,
            v6() / ICMPv6ND_NS::new().tgt("fd00::2")
                / ICMPv6NDOptSrcLLAddr::new().lladdr("02:00:00:00:00:01"),
        ),
        (
            LinkType::Ipv4,
            IP::new()
                .src("198.18.0.1")
                .with_options(vec![IpOption::router_alert(), IpOption::Nop])
                / ICMP::new().type_(11)
                / v4()
                / ICMP::new(),
        ),
        (
            LinkType::Ipv4,
            v4() / TCP::new().sport(53).flags("PA")
                / DNS::new().qr(1).an(vec![
                    DNSRR::new()
                        .rrname("x.test")
                        .type_("AAAA")
                        .rdata("fd00::80"),
                ]),
        ),
        (
            LinkType::Ipv4,
            v4() / ICMP::new().type_(3).code(3)
                / v4()
                / UDP::new().sport(5353).dport(53)
                / DNS::new().qd(DNSQR::new().qname("q.example")),
        ),
        (
            LinkType::Ether,
            eth()
                / v4()
                / UDP::new().sport(53).dport(4000)
                / DNS::new()
                    .qr(1)
                    .qd(DNSQR::new().qname("a.example"))
                    .an(vec![
                        DNSRR::new().rrname("a.example").rdata("192.0.2.9"),
                        DNSRR::new()
                            .rrname("a.example")
                            .type_("AAAA")
                            .rdata("fd00::9"),
                    ]),
        ),
        (
            LinkType::Sll2,
            CookedLinuxV2::new().ifindex(3)
                / ARP::new().psrc("198.18.0.1").hwsrc("02:00:00:00:00:01"),
        ),
    ];
    let _ = Ipv4Addr::LOCALHOST;
    let mut st = Stats::default();
    for (i, (link, p)) in cases.iter().enumerate() {
        let b = p.build().unwrap();
        for k in 0..=b.len() {
            if let Err(e) = check(*link, &b[..k], k, &mut st) {
                panic!("case {i} prefix {k}/{}: {e}", b.len());
            }
            // The same prefix as a snap-length cut of the whole packet.
            if let Err(e) = check(*link, &b[..k], b.len(), &mut st) {
                panic!("case {i} prefix {k}/{} cut: {e}", b.len());
            }
        }
    }
    println!(
        "synthetic: {} packets, {} fields, {} malformed, {} cut, {} partial headers",
        st.packets, st.fields, st.malformed, st.cut, st.partial
    );
    assert!(st.partial > 0);
}
