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

fn args(file: &Path) -> Args {
    Args {
        file: Some(file.to_path_buf()),
        ..Args::default()
    }
}

fn end_to_end(c: &mut Criterion) {
    let file = support::bench_file();
    let n = support::load().1.len() as u64;
    let mut g = c.benchmark_group("read");
    g.throughput(Throughput::Elements(n));
    g.sample_size(10);
    let lines = args(&file);
    g.bench_function("lines", |b| {
        b.iter(|| run(&lines, &mut std::io::sink()).unwrap())
    });
    let json = Args {
        json: true,
        ..args(&file)
    };
    g.bench_function("json", |b| {
        b.iter(|| run(&json, &mut std::io::sink()).unwrap())
    });
    let count = Args {
        count: true,
        ..args(&file)
    };
    g.bench_function("count", |b| {
        b.iter(|| run(&count, &mut std::io::sink()).unwrap())
    });
    let count_streamed = Args {
        count: true,
        no_mmap: true,
        ..args(&file)
    };
    g.bench_function("count_no_mmap", |b| {
        b.iter(|| run(&count_streamed, &mut std::io::sink()).unwrap())
    });
    g.finish();
}

criterion_group!(benches, end_to_end);
criterion_main!(benches);
