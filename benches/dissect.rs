//! Fast dissector vs owned `Packet::parse`, per packet, over the packets of a pcap.
//!
//! The file is `PKTFORGE_BENCH_PCAP` (pcap or pcapng), else `captures/server-ether.pcap`.
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

mod support;
use pktforge::Packet;
use pktforge::dissect::{Dissection, dissect};

fn bench(c: &mut Criterion) {
    let (link, pkts) = support::load();
    let mut g = c.benchmark_group("dissect");
    g.throughput(Throughput::Elements(pkts.len() as u64));
    g.measurement_time(Duration::from_secs(10));
    g.sample_size(10);
    g.bench_function("fast_views", |b| {
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
    g.bench_function("owned_packet_parse", |b| {
        b.iter(|| {
            let mut layers = 0usize;
            for p in &pkts {
                layers += black_box(Packet::parse(link, &p.data)).layers().len();
            }
            black_box(layers)
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
