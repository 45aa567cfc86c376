//! Text DSL throughput: parse + expand + build of a 768-packet set, in packets per second.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use pktforge::dsl::{self, ExpandOptions};
use std::hint::black_box;

const EXPR: &str = r#"IP(dst="10.0.0.0/24")/TCP(dport=[22,80,443],flags="S")"#;

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("dsl");
    g.throughput(Throughput::Elements(768));
    g.bench_function("parse_expand_build_768", |b| {
        let mut buf = Vec::with_capacity(64);
        b.iter(|| {
            let t = dsl::parse(black_box(EXPR)).expect("valid expression");
            let mut n = 0usize;
            for p in t.packets(&ExpandOptions { seed: Some(1) }) {
                p.build_into(&mut buf).expect("builds");
                n += buf.len();
            }
            black_box(n)
        })
    });
    g.throughput(Throughput::Elements(1));
    g.bench_function("parse_only", |b| {
        b.iter(|| {
            dsl::parse(black_box(EXPR))
                .expect("valid expression")
                .count()
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
