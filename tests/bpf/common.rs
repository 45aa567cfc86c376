//! Shared by the BPF tests: the expression list, the captures, a generated workload,
//! raw-IP copies and cut copies of packets.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use pktforge::capture::CaptureReader;
use pktforge::filter::FilterLink;

/// One packet: captured bytes and length on the wire.
pub type Pkt = (Vec<u8>, u32);

/// Packets of one link type, with where they come from.
pub struct Set {
    pub name: String,
    pub link: FilterLink,
    pub pcap_link: u32,
    pub pkts: Vec<Pkt>,
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// tests/bpf/exprs.txt without comments and blank lines.
pub fn exprs() -> Vec<String> {
    let text = std::fs::read_to_string(root().join("tests/bpf/exprs.txt")).unwrap();
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(String::from)
        .collect()
}

pub fn read(path: &Path) -> Set {
    let mut r = CaptureReader::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut link = 1;
    let mut pkts = Vec::new();
    while let Some(p) = r.next_packet() {
        let p = p.unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        link = p.link.0;
        pkts.push((p.data.to_vec(), p.orig_len));
    }
    Set {
        name: path.file_name().unwrap().to_string_lossy().into_owned(),
        link: FilterLink::from_pcap(link).unwrap(),
        pcap_link: link,
        pkts,
    }
}

/// Every capture of captures/.
pub fn captures() -> Vec<Set> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("captures"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "pcap" || x == "pcapng"))
        .collect();
    files.sort();
    files.iter().map(|f| read(f)).collect()
}

/// The IPv4 and IPv6 packets of `s` without their link header, as a raw-IP set.
pub fn raw_of(s: &Set) -> Set {
    let (ty, pl) = match s.link {
        FilterLink::Ether => (12, 14),
        FilterLink::Sll => (14, 16),
        FilterLink::Sll2 => (0, 20),
        _ => {
            return Set {
                name: s.name.clone(),
                link: s.link,
                pcap_link: s.pcap_link,
                pkts: s.pkts.clone(),
            };
        }
    };
    let pkts = s
        .pkts
        .iter()
        .filter(|(d, _)| {
            d.len() > pl && matches!(d.get(ty..ty + 2), Some([0x08, 0x00]) | Some([0x86, 0xdd]))
        })
        .map(|(d, w)| (d[pl..].to_vec(), w - pl as u32))
        .collect();
    Set {
        name: format!("{} (raw IP copy)", s.name),
        link: FilterLink::Raw,
        pcap_link: 101,
        pkts,
    }
}

/// The packets cut to `n` captured bytes, keeping their length on the wire.
pub fn cut(s: &Set, n: usize) -> Set {
    Set {
        name: format!("{} (cut to {n})", s.name),
        link: s.link,
        pcap_link: s.pcap_link,
        pkts: s
            .pkts
            .iter()
            .map(|(d, w)| (d[..d.len().min(n)].to_vec(), *w))
            .collect(),
    }
}

/// Generates the 20k-packet workload into a temporary file; `None` (with a message) when
/// python3 or the generator is missing.
pub fn workload(tag: &str, packets: usize) -> Option<PathBuf> {
    let script = root().join("../shared/bench/gen_workload.py");
    if !script.exists() {
        println!("skipped the workload: {} is missing", script.display());
        return None;
    }
    let out = std::env::temp_dir().join(format!("pktforge-bpf-{tag}-{}.pcap", std::process::id()));
    let run = std::process::Command::new("python3")
        .arg(&script)
        .args(["--packets", &packets.to_string(), "--out"])
        .arg(&out)
        .status();
    match run {
        Ok(s) if s.success() => Some(out),
        other => {
            println!("skipped the workload: python3 could not run the generator ({other:?})");
            None
        }
    }
}

/// Writes `s` as a classic pcap file (captured and wire lengths kept).
pub fn write_pcap(s: &Set, path: &Path) {
    let f = std::fs::File::create(path).unwrap();
    let mut w = pktforge::capture::PcapWriter::new(
        std::io::BufWriter::new(f),
        pktforge::capture::LinkTypeNumber(s.pcap_link),
    )
    .unwrap();
    for (i, (d, wl)) in s.pkts.iter().enumerate() {
        w.write_record(1_700_000_000 + i as i64, 0, *wl, d).unwrap();
    }
    w.into_inner().unwrap();
}

/// Whether `tool` runs.
pub fn have(tool: &str) -> bool {
    std::process::Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}
