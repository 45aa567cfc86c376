//! Capture reading speed: MB/s and packets/s over one workload file, read from memory so
//! the disk is out of the figure.
//!
//! ```sh
//! python3 /work/shared/bench/gen_workload.py --packets 200000 --out /tmp/mixed-200k.pcap
//! PKTFORGE_BENCH_PCAP=/tmp/mixed-200k.pcap cargo bench --bench reader
//! ```
//!
//! Without `PKTFORGE_BENCH_PCAP` it reads `captures/server-ether.pcap`. The pcapng and gzip
//! variants are the same packets converted in memory before measuring. The `pcap-parser`
//! variants are the crate the reader was measured against (see `src/capture/reader.rs`).

use std::hint::black_box;
use std::io::Cursor;
use std::sync::Arc;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use pcap_parser::{Block, PcapBlockOwned, PcapError};
use pktforge::capture::{CaptureReader, PcapNgWriter};

/// Packets and captured bytes, the work every variant does.
fn count_pktforge(file: &Arc<[u8]>) -> (u64, u64) {
    let mut r = CaptureReader::from_read(Box::new(Cursor::new(file.clone()))).expect("capture");
    let (mut n, mut bytes) = (0u64, 0u64);
    while let Some(p) = r.next_packet() {
        let p = p.expect("packet");
        n += 1;
        bytes += p.data.len() as u64;
    }
    (n, bytes)
}

fn count_pcap_parser(file: &Arc<[u8]>) -> (u64, u64) {
    let mut r = pcap_parser::create_reader(1 << 20, Cursor::new(file.clone())).expect("capture");
    let (mut n, mut bytes) = (0u64, 0u64);
    loop {
        match r.next() {
            Ok((offset, block)) => {
                let len = match block {
                    PcapBlockOwned::Legacy(b) => Some(b.data.len()),
                    PcapBlockOwned::NG(Block::EnhancedPacket(b)) => {
                        Some(b.data.len().min(b.caplen as usize))
                    }
                    _ => None,
                };
                if let Some(len) = len {
                    n += 1;
                    bytes += len as u64;
                }
                r.consume(offset);
            }
            Err(PcapError::Eof) => break,
            Err(PcapError::Incomplete(_)) => r.refill().expect("refill"),
            Err(e) => panic!("pcap-parser: {e:?}"),
        }
    }
    (n, bytes)
}

fn bench(c: &mut Criterion) {
    let path = std::env::var("PKTFORGE_BENCH_PCAP")
        .unwrap_or_else(|_| "captures/server-ether.pcap".to_string());
    let pcap: Arc<[u8]> = std::fs::read(&path).expect("workload file").into();
    // The same packets as pcapng, and gzip-compressed.
    let mut w = PcapNgWriter::new(Vec::new()).expect("writer");
    let mut r = CaptureReader::from_read(Box::new(Cursor::new(pcap.clone()))).expect("capture");
    while let Some(p) = r.next_packet() {
        let p = p.expect("packet");
        w.write_record(p.link, p.ts_sec, p.ts_nsec, p.orig_len, p.data, None)
            .expect("write");
    }
    let pcapng: Arc<[u8]> = w.into_inner().expect("writer").into();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut gz, &pcap).expect("gzip");
    let gz: Arc<[u8]> = gz.finish().expect("gzip").into();

    let (packets, bytes) = count_pktforge(&pcap);
    assert_eq!(count_pktforge(&pcapng), (packets, bytes));
    assert_eq!(count_pktforge(&gz), (packets, bytes));
    assert_eq!(count_pcap_parser(&pcap), (packets, bytes));
    assert_eq!(count_pcap_parser(&pcapng), (packets, bytes));
    eprintln!(
        "{path}: {packets} packets, pcap {} bytes, pcapng {} bytes, gzip {} bytes",
        pcap.len(),
        pcapng.len(),
        gz.len()
    );

    type Reader = fn(&Arc<[u8]>) -> (u64, u64);
    let variants: [(&str, &Arc<[u8]>, Reader); 5] = [
        ("pktforge_pcap", &pcap, count_pktforge),
        ("pktforge_pcapng", &pcapng, count_pktforge),
        ("pktforge_pcap_gzip", &gz, count_pktforge),
        ("pcap-parser_pcap", &pcap, count_pcap_parser),
        ("pcap-parser_pcapng", &pcapng, count_pcap_parser),
    ];
    let mut g = c.benchmark_group("reader_bytes");
    g.sample_size(20);
    for (name, file, f) in variants {
        // MB/s of the file as stored (the compressed size for gzip).
        g.throughput(Throughput::Bytes(file.len() as u64));
        g.bench_function(name, |b| b.iter(|| black_box(f(black_box(file)))));
    }
    g.finish();
    let mut g = c.benchmark_group("reader_packets");
    g.sample_size(20);
    g.throughput(Throughput::Elements(packets));
    for (name, file, f) in variants {
        g.bench_function(name, |b| b.iter(|| black_box(f(black_box(file)))));
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
