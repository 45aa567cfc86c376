//! Crafting speed: build packets into a reused buffer.
//!
//! - `syn_options`: Ether/IP/TCP SYN with MSS, SAckOK, Timestamp, NOP and WScale options,
//!   every length and checksum computed.
//! - `syn_options_fixed_checksums`: the same with checksums and lengths set by hand (what
//!   the automatic fields cost).
//! - `icmp_echo_56`: Ether/IP/ICMP echo request with a 56-byte payload (ping's default).
//! - `etherparse_syn`: etherparse's PacketBuilder writing the same SYN, for scale.
//!
//! scapy's figure for the same packets comes from `scripts/bench_scapy.py`.

use criterion::{Criterion, Throughput, black_box, criterion_group, criterion_main};
use pktforge::prelude::*;

fn syn() -> Packet {
    Ether::new()
        .src("02:00:00:00:00:01")
        .dst("02:00:00:00:00:02")
        / IP::new().src("198.18.0.1").dst("198.18.0.2")
        / TCP::new()
            .sport(40000u16)
            .dport(80u16)
            .seq(1u32)
            .flags("S")
            .window(64240u16)
            .options(vec![
                TcpOption::Mss(1460),
                TcpOption::SAckOK,
                TcpOption::Timestamp(1, 0),
                TcpOption::Nop,
                TcpOption::WScale(7),
            ])
}

fn echo() -> Packet {
    Ether::new()
        .src("02:00:00:00:00:01")
        .dst("02:00:00:00:00:02")
        / IP::new().src("198.18.0.1").dst("198.18.0.2")
        / ICMP::new().id(1u16).seq(1u16)
        / vec![0x42u8; 56]
}

fn craft(c: &mut Criterion) {
    let mut g = c.benchmark_group("craft");
    g.throughput(Throughput::Elements(1));
    let mut buf = Vec::with_capacity(256);

    let p = syn();
    g.bench_function("syn_options", |b| {
        b.iter(|| {
            black_box(&p).build_into(&mut buf).unwrap();
            black_box(buf.len())
        })
    });

    // Same packet with every automatic field set from a first build.
    let fixed = Packet::parse(LinkType::Ether, &syn().build().unwrap());
    g.bench_function("syn_options_fixed_checksums", |b| {
        b.iter(|| {
            black_box(&fixed).build_into(&mut buf).unwrap();
            black_box(buf.len())
        })
    });

    let e = echo();
    g.bench_function("icmp_echo_56", |b| {
        b.iter(|| {
            black_box(&e).build_into(&mut buf).unwrap();
            black_box(buf.len())
        })
    });

    g.bench_function("etherparse_syn", |b| {
        b.iter(|| {
            buf.clear();
            let builder =
                etherparse::PacketBuilder::ethernet2([2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2])
                    .ipv4([198, 18, 0, 1], [198, 18, 0, 2], 64)
                    .tcp(40000, 80, 1, 64240)
                    .syn()
                    .options(&[
                        etherparse::TcpOptionElement::MaximumSegmentSize(1460),
                        etherparse::TcpOptionElement::SelectiveAcknowledgementPermitted,
                        etherparse::TcpOptionElement::Timestamp(1, 0),
                        etherparse::TcpOptionElement::Noop,
                        etherparse::TcpOptionElement::WindowScale(7),
                    ])
                    .unwrap();
            builder.write(&mut buf, &[]).unwrap();
            black_box(buf.len())
        })
    });
    g.finish();
}

criterion_group!(benches, craft);
criterion_main!(benches);
