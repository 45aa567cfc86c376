//! `pktforge export` in-process: the same capture to Parquet with each compression, with
//! one worker and with two, and with the `full` profile beside the default one.
//!
//! The file comes from `PKTFORGE_BENCH_PCAP` (e.g. `python3 ../shared/bench/gen_workload.py
//! --packets 200000 --out /tmp/mixed-200k.pcap`), else captures/server-ether.pcap; the
//! output goes to a file of the temporary directory, removed at the end.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

mod support;
use pktforge::export::{Compression, Fields, Options, export};

fn export_bench(c: &mut Criterion) {
    let file = support::bench_file();
    let n = support::load().1.len() as u64;
    let out = std::env::temp_dir().join(format!(
        "pktforge-bench-export-{}.parquet",
        std::process::id()
    ));
    let inputs = [file];
    let mut g = c.benchmark_group("export");
    g.throughput(Throughput::Elements(n));
    g.sample_size(10);
    let variants = [
        ("zstd_2_threads", Fields::Default, Compression::Zstd, 2),
        ("zstd_1_thread", Fields::Default, Compression::Zstd, 1),
        ("snappy_2_threads", Fields::Default, Compression::Snappy, 2),
        (
            "uncompressed_2_threads",
            Fields::Default,
            Compression::None,
            2,
        ),
        (
            "full_profile_zstd_2_threads",
            Fields::Full,
            Compression::Zstd,
            2,
        ),
    ];
    for (name, fields, compression, threads) in variants {
        let opts = Options {
            fields,
            compression,
            threads,
            ..Options::default()
        };
        g.bench_function(name, |b| {
            b.iter(|| {
                let s = export(&inputs, &out, &opts).unwrap();
                assert_eq!(s.rows, n);
            })
        });
    }
    g.finish();
    let _ = std::fs::remove_file(&out);
}

criterion_group!(benches, export_bench);
criterion_main!(benches);
