//! Folding packets into each statistic of `pktforge stats`, per packet, dissection included
//! (`dissect_only` is the baseline), in one thread.
//!
//! The file is `PKTFORGE_BENCH_PCAP`, else `captures/server-ether.pcap`:
//!
//! ```sh
//! python3 ../shared/bench/gen_workload.py --packets 200000 --out /tmp/mixed-200k.pcap
//! PKTFORGE_BENCH_PCAP=/tmp/mixed-200k.pcap cargo bench --bench stats
//! ```

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

mod support;
use pktforge::capture::LinkTypeNumber;
use pktforge::dissect::{Dissection, dissect_frame};
use pktforge::stats::conv::ConvKind;
use pktforge::stats::{Fold, Pkt, Want};

fn bench(c: &mut Criterion) {
    let (link, pkts) = support::load();
    let mut g = c.benchmark_group("stats");
    g.throughput(Throughput::Elements(pkts.len() as u64));
    g.measurement_time(Duration::from_secs(8));
    g.sample_size(10);
    g.bench_function("dissect_only", |b| {
        let mut d = Dissection::new();
        b.iter(|| {
            let mut n = 0usize;
            for p in &pkts {
                dissect_frame(link, &p.data, p.orig_len as usize, &mut d);
                n += d.layers().len();
            }
            black_box(n)
        })
    });
    let cases: Vec<(&str, Want)> = vec![
        ("summary", Want::default()),
        (
            "phs",
            Want {
                phs: true,
                ..Want::default()
            },
        ),
        (
            "conv_tcp",
            Want {
                conv: vec![ConvKind::Tcp],
                ..Want::default()
            },
        ),
        (
            "endpoints_ip",
            Want {
                endpoints: vec![ConvKind::Ip],
                ..Want::default()
            },
        ),
        (
            "io_10ms",
            Want {
                io_ns: Some(10_000_000),
                ..Want::default()
            },
        ),
        (
            "dns",
            Want {
                dns: true,
                ..Want::default()
            },
        ),
        (
            "tcp",
            Want {
                tcp: true,
                ..Want::default()
            },
        ),
    ];
    let start = pkts.first().map_or((0, 0), |p| (p.ts_sec, p.ts_nsec));
    for (name, want) in cases {
        g.bench_function(name, |b| {
            let mut d = Dissection::new();
            b.iter(|| {
                let mut set = want.make();
                for (i, p) in pkts.iter().enumerate() {
                    dissect_frame(link, &p.data, p.orig_len as usize, &mut d);
                    set.add(&Pkt {
                        number: i as u64 + 1,
                        ts: (p.ts_sec, p.ts_nsec),
                        start,
                        orig_len: p.orig_len,
                        cap_len: p.data.len() as u32,
                        link: LinkTypeNumber::ETHERNET,
                        d: &d,
                    });
                }
                black_box(set.summary.packets)
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
