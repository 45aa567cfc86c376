//! Fast dissector vs owned `Packet::parse`, per packet, over the packets of a pcap.
//!
//! The file is `PKTFORGE_BENCH_PCAP` (a classic pcap), else `captures/server-ether.pcap`.
//! Every packet is loaded into memory first; one iteration dissects all of them, and
//! criterion's throughput (elements = packets) gives the time per packet.
//!
//! ```sh
//! python3 /work/shared/bench/gen_workload.py --packets 200000 --out /tmp/mixed-200k.pcap
//! PKTFORGE_BENCH_PCAP=/tmp/mixed-200k.pcap cargo bench --bench dissect
//! ```

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use pktforge::dissect::{Dissection, dissect};
use pktforge::{LinkType, Packet};

/// Reads a classic pcap (either byte order): the link type and every packet.
fn load(path: &str) -> (u32, Vec<Vec<u8>>) {
    let b = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let le = matches!(
        u32::from_le_bytes(b[0..4].try_into().unwrap()),
        0xa1b2_c3d4 | 0xa1b2_3c4d
    );
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
        pkts.push(b[off + 16..off + 16 + n].to_vec());
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
    let mut g = c.benchmark_group("dissect");
    g.throughput(Throughput::Elements(pkts.len() as u64));
    g.measurement_time(Duration::from_secs(10));
    g.sample_size(10);
    g.bench_function("fast_views", |b| {
        let mut d = Dissection::new();
        b.iter(|| {
            let mut layers = 0usize;
            for p in &pkts {
                dissect(link, p, &mut d);
                layers += d.layers().len();
            }
            black_box(layers)
        })
    });
    g.bench_function("owned_packet_parse", |b| {
        b.iter(|| {
            let mut layers = 0usize;
            for p in &pkts {
                layers += black_box(Packet::parse(link, p)).layers().len();
            }
            black_box(layers)
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
