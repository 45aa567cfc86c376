//! Filter evaluation per packet, beside the dissection alone.
//!
//! tcpdump-syntax filters read the packet's bytes and need no dissection; display filters
//! read the fast dissection, so their cases include it (`dissect_only` is the baseline).
//! The file is `PKTFORGE_BENCH_PCAP`, else `captures/server-ether.pcap`:
//!
//! ```sh
//! python3 /work/shared/bench/gen_workload.py --packets 200000 --out /tmp/mixed-200k.pcap
//! PKTFORGE_BENCH_PCAP=/tmp/mixed-200k.pcap cargo bench --bench filter
//! ```

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

mod support;
use pktforge::dissect::{Dissection, dissect_frame};
use pktforge::filter::Filter;
use pktforge::output::FrameMeta;

const EXPRS: &[(&str, &str)] = &[
    ("tcp_port_80", "tcp port 80"),
    ("udp_and_port_53", "udp and port 53"),
    ("host_or_net", "host 10.1.2.3 or net 192.168.0.0/16"),
    ("tcp_syn_bytes", "tcp[tcpflags] & tcp-syn != 0"),
    ("vlan_udp", "vlan and udp port 53"),
    ("ws_dns_contains", "dns.qry.name contains \"mail\""),
    (
        "ws_syn_dst_net",
        "tcp.flags.syn == 1 && ip.dst == 10.0.0.0/8",
    ),
    ("ws_port_set", "tcp.port in {80, 443, 8000..8100}"),
];

fn bench(c: &mut Criterion) {
    let (link, pkts) = support::load();
    let mut g = c.benchmark_group("filter");
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
    for (name, expr) in EXPRS {
        let f = Filter::new(expr).expect("bench expressions parse");
        g.bench_function(*name, |b| {
            let mut d = Dissection::new();
            b.iter(|| {
                let mut kept = 0usize;
                for p in &pkts {
                    let meta = FrameMeta {
                        number: 1,
                        ts_sec: p.ts_sec,
                        ts_nsec: p.ts_nsec,
                        orig_len: p.orig_len,
                        cap_len: p.data.len() as u32,
                    };
                    kept += usize::from(
                        f.matches_frame(1, &meta, &p.data, ((0, 0), (0, 0)), &mut d)
                            .0,
                    );
                }
                black_box(kept)
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
