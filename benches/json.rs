//! `write_json` throughput: dissect + JSON line per packet, over the packets of a pcap.
//!
//! The file is `PKTFORGE_BENCH_PCAP` (pcap or pcapng), else `captures/server-ether.pcap`.
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

mod support;
use pktforge::dissect::{Dissection, dissect};
use pktforge::output::{FrameMeta, write_json};

fn bench(c: &mut Criterion) {
    let (link, pkts) = support::load();
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
