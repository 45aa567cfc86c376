//! Shared by the benches that run over a capture: load its packets into memory with the
//! project's own reader.
//!
//! The file is `PKTFORGE_BENCH_PCAP` (pcap or pcapng), else `captures/server-ether.pcap`:
//!
//! ```sh
//! python3 ../shared/bench/gen_workload.py --packets 200000 --out /tmp/mixed-200k.pcap
//! PKTFORGE_BENCH_PCAP=/tmp/mixed-200k.pcap cargo bench --bench dissect
//! ```

#![allow(dead_code)]

use std::path::PathBuf;

use pktforge::LinkType;
use pktforge::capture::CaptureReader;

/// One packet of the file.
pub struct Frame {
    /// Seconds of the timestamp.
    pub ts_sec: i64,
    /// Nanoseconds of the timestamp.
    pub ts_nsec: u32,
    /// Length on the wire.
    pub orig_len: u32,
    /// The captured bytes.
    pub data: Vec<u8>,
}

/// The capture the benches read.
pub fn bench_file() -> PathBuf {
    std::env::var_os("PKTFORGE_BENCH_PCAP").map_or_else(
        || {
            PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/captures/server-ether.pcap"
            ))
        },
        PathBuf::from,
    )
}

/// Every packet of the bench capture, and the link type of its first packet.
pub fn load() -> (LinkType, Vec<Frame>) {
    let path = bench_file();
    let mut r = CaptureReader::open(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut link = LinkType::Ether;
    let mut frames = Vec::new();
    while let Some(p) = r.next_packet() {
        let p = p.unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        if frames.is_empty() {
            link = LinkType::from_pcap(p.link.0);
        }
        frames.push(Frame {
            ts_sec: p.ts_sec,
            ts_nsec: p.ts_nsec,
            orig_len: p.orig_len,
            data: p.data.to_vec(),
        });
    }
    (link, frames)
}
