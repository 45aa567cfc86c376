//! End to end: `pktforge read` into a sink, for the default lines, `--json` and `--count`,
//! with the file mapped and read in parallel chunks (the default for a classic pcap), and
//! for `--count` also with `--no-mmap` (one reader thread feeding the dissecting threads).
//!
//! The file comes from `PKTFORGE_BENCH_PCAP` (e.g. `python3 ../shared/bench/gen_workload.py
//! --packets 200000 --out /tmp/mixed-200k.pcap`), else captures/server-ether.pcap.

use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

mod support;
use pktforge::cli::read::{Args, run};

/// `pktforge read FILE FLAGS...` as the command line would give it.
fn args(file: &Path, flags: &[&str]) -> Args {
    #[derive(clap::Parser)]
    struct Read {
        #[command(flatten)]
        a: Args,
    }
    let mut argv = vec!["read".to_string(), file.display().to_string()];
    argv.extend(flags.iter().map(|f| f.to_string()));
    <Read as clap::Parser>::parse_from(argv).a
}

fn end_to_end(c: &mut Criterion) {
    let file = support::bench_file();
    let n = support::load().1.len() as u64;
    let mut g = c.benchmark_group("read");
    g.throughput(Throughput::Elements(n));
    g.sample_size(10);
    let lines = args(&file, &[]);
    g.bench_function("lines", |b| {
        b.iter(|| run(&lines, &mut std::io::sink()).unwrap())
    });
    let json = args(&file, &["--json"]);
    g.bench_function("json", |b| {
        b.iter(|| run(&json, &mut std::io::sink()).unwrap())
    });
    let count = args(&file, &["--count"]);
    g.bench_function("count", |b| {
        b.iter(|| run(&count, &mut std::io::sink()).unwrap())
    });
    let count_streamed = args(&file, &["--count", "--no-mmap"]);
    g.bench_function("count_no_mmap", |b| {
        b.iter(|| run(&count_streamed, &mut std::io::sink()).unwrap())
    });
    for (name, expr) in [
        ("count_filter_tcp_port_80", "tcp port 80"),
        ("count_filter_udp_port_53", "udp and port 53"),
        (
            "count_filter_host_or_net",
            "host 10.1.2.3 or net 192.168.0.0/16",
        ),
        (
            "count_filter_dns_contains",
            "dns.qry.name contains \"mail\"",
        ),
        (
            "count_filter_syn_dst_net",
            "tcp.flags.syn == 1 && ip.dst == 10.0.0.0/8",
        ),
    ] {
        let a = args(&file, &["--count", "-f", expr]);
        g.bench_function(name, |b| b.iter(|| run(&a, &mut std::io::sink()).unwrap()));
    }
    g.finish();
}

criterion_group!(benches, end_to_end);
criterion_main!(benches);
