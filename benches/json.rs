//! `write_json` throughput: dissect + JSON line per packet, over the packets of a pcap.
//!
//! The file is `PKTFORGE_BENCH_PCAP` (a classic pcap), else `captures/server-ether.pcap`.
//! Every packet is loaded into memory first; one iteration dissects every packet and writes
//! its JSON line into one reused buffer (cleared per packet), and criterion's throughput
//! (elements = packets) gives packets per second.
//!
//! ```sh
//! python3 /work/shared/bench/gen_workload.py --packets 200000 --out /tmp/mixed-200k.pcap
//! PKTFORGE_BENCH_PCAP=/tmp/mixed-200k.pcap cargo bench --bench json
//! ```

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use pktforge::LinkType;
use pktforge::dissect::{Dissection, dissect};
use pktforge::output::{FrameMeta, write_json};

/// One packet of the file: timestamp, original length and bytes.
struct Rec {
    ts_sec: i64,
    ts_nsec: u32,
    orig_len: u32,
    data: Vec<u8>,
}

/// Reads a classic pcap (either byte order, µs or ns): the link type and every packet.
fn load(path: &str) -> (u32, Vec<Rec>) {
    let b = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let magic_le = u32::from_le_bytes(b[0..4].try_into().unwrap());
    let magic_be = u32::from_be_bytes(b[0..4].try_into().unwrap());
    let le = matches!(magic_le, 0xa1b2_c3d4 | 0xa1b2_3c4d);
    let nano = magic_le == 0xa1b2_3c4d || magic_be == 0xa1b2_3c4d;
    let rd = |o: usize| {
        let a: [u8; 4] = b[o..o + 4].try_into().unwrap();
        if le {
            u32::from_le_bytes(a)
        } else {
            u32::from_be_bytes(a)
        }
    };
    let link = rd(20) & 0x0fff_ffff;
    let mut pkts = Vec::new();
    let mut off = 24;
    while off + 16 <= b.len() {
        let n = rd(off + 8) as usize;
        let frac = rd(off + 4);
        pkts.push(Rec {
            ts_sec: i64::from(rd(off)),
            ts_nsec: if nano { frac } else { frac * 1000 },
            orig_len: rd(off + 12),
            data: b[off + 16..off + 16 + n].to_vec(),
        });
        off += 16 + n;
    }
    (link, pkts)
}

fn bench(c: &mut Criterion) {
    let path = std::env::var("PKTFORGE_BENCH_PCAP").unwrap_or_else(|_| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/captures/server-ether.pcap").to_string()
    });
    let (link, pkts) = load(&path);
    let link = LinkType::from_pcap(link);
    let mut g = c.benchmark_group("json");
    g.throughput(Throughput::Elements(pkts.len() as u64));
    g.measurement_time(Duration::from_secs(10));
    g.sample_size(10);
    g.bench_function("dissect_write_json", |b| {
        let mut d = Dissection::new();
        let mut line = Vec::with_capacity(4096);
        b.iter(|| {
            let mut bytes = 0usize;
            for (i, p) in pkts.iter().enumerate() {
                let meta = FrameMeta {
                    number: i as u64 + 1,
                    ts_sec: p.ts_sec,
                    ts_nsec: p.ts_nsec,
                    orig_len: p.orig_len,
                    cap_len: p.data.len() as u32,
                };
                dissect(link, &p.data, &mut d);
                line.clear();
                write_json(&meta, &d, &mut line);
                bytes += line.len();
            }
            black_box(bytes)
        })
    });
    g.bench_function("dissect_only", |b| {
        let mut d = Dissection::new();
        b.iter(|| {
            let mut layers = 0usize;
            for p in &pkts {
                dissect(link, &p.data, &mut d);
                layers += d.layers().len();
            }
            black_box(layers)
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
