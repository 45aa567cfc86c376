//! `pktforge stats --conv`/`--endpoints` of one kind dissect no further than that kind's
//! header ([`Want::through`], [`FoldConfig::through`]): the tables must be those of whole
//! dissections. Checked for every kind on every capture of captures/ and of
//! `$PKTFORGE_CORPUS` (CI: tcpdump's 830 real and malformed captures; skipped with a
//! message when unset), and on a packet of each kind of tunnel the binding table knows.

use std::path::{Path, PathBuf};

use pktforge::capture::CaptureReader;
use pktforge::stats::conv::{ConvKind, SortBy};
use pktforge::stats::fold::{FoldConfig, fold_capture};
use pktforge::stats::table::Table;
use pktforge::stats::{StatSet, Want};

const KINDS: [ConvKind; 5] = [
    ConvKind::Eth,
    ConvKind::Ip,
    ConvKind::Ipv6,
    ConvKind::Tcp,
    ConvKind::Udp,
];

fn tables(set: &StatSet) -> Vec<Table> {
    let mut t: Vec<Table> = set
        .conv
        .iter()
        .map(|c| c.table((0, 0), SortBy::Frames, None))
        .collect();
    t.extend(set.endpoints.iter().map(|e| e.table(SortBy::Frames, None)));
    t
}

fn fold(path: &Path, want: &Want, shallow: bool) -> Option<Vec<Table>> {
    let reader = CaptureReader::open(path).ok()?;
    let cfg = FoldConfig {
        through: if shallow { want.through() } else { None },
        ..FoldConfig::default()
    };
    let folded = fold_capture(reader, &cfg, &|| want.make());
    Some(tables(&folded.value))
}

/// Compares shallow and whole folds of `path` for every kind; the number of kinds that
/// really stopped early.
fn check(path: &Path) -> usize {
    let mut shallow = 0;
    for k in KINDS {
        let want = Want {
            conv: vec![k],
            endpoints: vec![k],
            ..Want::default()
        };
        shallow += usize::from(want.through().is_some());
        let (Some(a), Some(b)) = (fold(path, &want, true), fold(path, &want, false)) else {
            return 0;
        };
        assert_eq!(a, b, "{}: --conv/--endpoints {}", path.display(), k.name());
    }
    shallow
}

fn captures(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            captures(&p, out);
        } else if matches!(
            p.extension().and_then(|e| e.to_str()),
            Some("pcap" | "pcapng" | "cap" | "gz")
        ) {
            out.push(p);
        }
    }
}

#[test]
fn shallow_tables_equal_whole_ones_on_captures() {
    let mut files = Vec::new();
    captures(
        Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/captures")),
        &mut files,
    );
    assert!(files.len() >= 5, "captures/ has its captures");
    let mut shallow = 0;
    for f in &files {
        shallow += check(f);
    }
    assert!(shallow > 0, "some kind stops early");
}

#[test]
fn shallow_tables_equal_whole_ones_on_the_corpus() {
    let Some(dir) = std::env::var_os("PKTFORGE_CORPUS") else {
        println!("corpus part skipped: PKTFORGE_CORPUS is not set");
        return;
    };
    let mut files = Vec::new();
    captures(Path::new(&dir), &mut files);
    assert!(!files.is_empty(), "{dir:?} holds captures");
    for f in &files {
        check(f);
    }
    println!("{} corpus captures compared", files.len());
}

#[test]
fn kinds_that_read_deeper_headers_dissect_whole() {
    use pktforge::layers::LayerKind;
    let one = |k| Want {
        conv: vec![k],
        ..Want::default()
    };
    assert_eq!(one(ConvKind::Tcp).through(), Some(LayerKind::TCP));
    assert_eq!(one(ConvKind::Eth).through(), Some(LayerKind::Ether));
    // IPv6 conversations look for a fragment header anywhere.
    assert_eq!(one(ConvKind::Ipv6).through(), None);
    // Two kinds: a tunnel in one could carry the other's first header.
    let two = Want {
        conv: vec![ConvKind::Tcp, ConvKind::Udp],
        ..Want::default()
    };
    assert_eq!(two.through(), None);
    let phs = Want {
        conv: vec![ConvKind::Tcp],
        phs: true,
        ..Want::default()
    };
    assert_eq!(phs.through(), None);
}

#[test]
fn tunnels_and_quotes_keep_their_first_header() {
    use pktforge::capture::{LinkTypeNumber, PcapWriter};
    use pktforge::prelude::*;
    // IPv4 in IPv4, IPv6 in IPv4, an ICMP error quoting TCP, TCP after UDP's DNS port.
    let pkts = [
        (Ether::new()
            / IP::new().src("198.18.0.1").dst("198.18.0.2")
            / IP::new().src("198.18.1.1").dst("198.18.1.2")
            / TCP::new().sport(1000).dport(80))
        .build()
        .unwrap(),
        (Ether::new()
            / IP::new().src("198.18.0.1").dst("198.18.0.2")
            / IPv6::new().src("fd00:beef::1").dst("fd00:beef::2")
            / UDP::new().sport(2000).dport(53)
            / DNS::new())
        .build()
        .unwrap(),
        (Ether::new()
            / IP::new().src("198.18.0.3").dst("198.18.0.1")
            / ICMP::new().type_(3).code(3)
            / IP::new().src("198.18.0.1").dst("198.18.0.3")
            / TCP::new().sport(3000).dport(22))
        .build()
        .unwrap(),
    ];
    let mut w = PcapWriter::new(Vec::new(), LinkTypeNumber::ETHERNET).unwrap();
    for p in &pkts {
        w.write_packet(p).unwrap();
    }
    let dir = std::env::temp_dir().join(format!("pktforge-through-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("tunnels.pcap");
    std::fs::write(&f, w.into_inner().unwrap()).unwrap();
    let shallow = check(&f);
    std::fs::remove_dir_all(&dir).ok();
    assert!(shallow >= 3);
}
