//! sr1 on loopback: one ICMP echo request to 127.0.0.1 sent, its reply received and
//! matched, per iteration, on one open [`Session`] (what `pktforge sr1` and each probe of
//! `pktforge ping` do after opening their sockets). Needs root (raw sockets); prints why
//! it is skipped otherwise. Compare with the kernel RTT that `ping -q -c 1000 -i 0
//! 127.0.0.1` reports (README, "Sending and reply matching").
//!
//! ```sh
//! sudo cargo bench --bench sr
//! ```

use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use pktforge::dsl;
use pktforge::layers::Layer;
use pktforge::net::sr::{Config, Event, Flow, Session};
use pktforge::packet::Packet;

fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .map(|l| l.split_whitespace().nth(2) == Some("0"))
        })
        .unwrap_or(false)
}

fn probe() -> Packet {
    dsl::parse("IP(dst=\"127.0.0.1\")/ICMP(id=0x5046)/Raw(load=b'x'*56)")
        .expect("valid expression")
        .packets(&dsl::ExpandOptions::default())
        .next()
        .expect("one packet")
}

fn with_seq(p: &Packet, seq: u16) -> Packet {
    let mut p = p.clone();
    for l in p.layers_mut() {
        if let Layer::ICMP(i) = l {
            i.seq = seq;
        }
    }
    p
}

fn bench(c: &mut Criterion) {
    if !is_root() {
        eprintln!("skipping the sr bench: raw sockets need root (CAP_NET_RAW)");
        return;
    }
    let mut s = match Session::open(&Config::default(), &[probe()]) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("skipping the sr bench: {e}");
            return;
        }
    };
    let base = probe();
    let mut seq: u16 = 0;
    let mut g = c.benchmark_group("sr");
    g.measurement_time(Duration::from_secs(5));
    g.bench_function("sr1_loopback_icmp_echo", |b| {
        b.iter(|| {
            seq = seq.wrapping_add(1);
            let i = s.add(&with_seq(&base, seq)).expect("probe builds");
            s.send(i).expect("send");
            let mut got = false;
            s.poll(Instant::now() + Duration::from_secs(1), &mut |_, ev| {
                if let Event::Answer { probe, .. } = ev {
                    if probe == i {
                        got = true;
                        return Flow::Stop;
                    }
                }
                Flow::Continue
            })
            .expect("poll");
            assert!(got, "no echo reply from 127.0.0.1 within 1 s");
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
