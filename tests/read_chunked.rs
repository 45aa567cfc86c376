//! `pktforge read` on a mapped classic pcap reads 1 MiB chunks in parallel, guessing where
//! each chunk's first record starts and checking the guess (src/pipeline/chunked.rs). These
//! files are made to fool the guess: payloads full of well-formed fake pcap records, a
//! record larger than a chunk, a file cut short and a record too large in a later chunk, in
//! every classic pcap flavour. Whatever the guess, the output, the messages and the exit
//! status must be those of reading the file from the start (`--no-mmap`, one reader).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use pktforge::prelude::*;

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("pktforge-chunked-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d.join(name)
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pktforge"))
        .args(args)
        .output()
        .expect("run pktforge")
}

/// A classic pcap flavour.
#[derive(Clone, Copy, Debug)]
enum Flavour {
    LeMicro,
    BeNano,
    /// Kuznetzov's modified format: 24-byte record headers.
    Modified,
}

struct Rec {
    sec: u32,
    frac: u32,
    caplen: u32,
    orig: u32,
    data: Vec<u8>,
}

fn write_pcap(path: &Path, f: Flavour, recs: &[Rec], cut_at: Option<usize>) -> usize {
    let be = matches!(f, Flavour::BeNano);
    let w32 = |v: u32| if be { v.to_be_bytes() } else { v.to_le_bytes() };
    let w16 = |v: u16| if be { v.to_be_bytes() } else { v.to_le_bytes() };
    let magic: u32 = match f {
        Flavour::LeMicro => 0xa1b2_c3d4,
        Flavour::BeNano => 0xa1b2_3c4d,
        Flavour::Modified => 0xa1b2_cd34,
    };
    let mut out = Vec::new();
    out.extend_from_slice(&w32(magic));
    out.extend_from_slice(&w16(2));
    out.extend_from_slice(&w16(4));
    out.extend_from_slice(&[0; 8]);
    out.extend_from_slice(&w32(262_144));
    out.extend_from_slice(&w32(1));
    for r in recs {
        out.extend_from_slice(&w32(r.sec));
        out.extend_from_slice(&w32(r.frac));
        out.extend_from_slice(&w32(r.caplen));
        out.extend_from_slice(&w32(r.orig));
        if matches!(f, Flavour::Modified) {
            out.extend_from_slice(&[0; 8]);
        }
        out.extend_from_slice(&r.data);
    }
    if let Some(n) = cut_at {
        out.truncate(n);
    }
    std::fs::write(path, &out).unwrap();
    out.len()
}

/// A payload made of `n` well-formed little-endian pcap records of 20 bytes each: a
/// chunk boundary inside it looks like a perfectly good place to start.
fn decoys(n: usize, sec: u32) -> Vec<u8> {
    let mut v = Vec::new();
    for i in 0..n {
        v.extend_from_slice(&sec.to_le_bytes());
        v.extend_from_slice(&(i as u32 * 7).to_le_bytes());
        v.extend_from_slice(&20u32.to_le_bytes());
        v.extend_from_slice(&20u32.to_le_bytes());
        v.extend_from_slice(&[0x45; 20]);
    }
    v
}

fn frame(i: usize, payload: &[u8]) -> Vec<u8> {
    (Ether::new()
        .src("02:00:00:00:00:01")
        .dst("02:00:00:00:00:02")
        / IP::new()
            .src("198.18.0.1")
            .dst("198.18.0.2")
            .id((i % 65536) as u64)
        / UDP::new().sport(4000).dport(5000 + (i % 100) as u64)
        / Raw::from_bytes(payload))
    .build()
    .unwrap()
}

/// Packets of varied sizes, every third one carrying decoy records, one optional giant.
fn records(n: usize, giant_at: Option<usize>, too_large_at: Option<usize>) -> Vec<Rec> {
    let mut v = Vec::with_capacity(n);
    for i in 0..n {
        let payload = if Some(i) == giant_at {
            vec![0x5a; 1_500_000]
        } else if i % 3 == 0 {
            decoys(12 + i % 17, 1_700_000_000 + i as u32 / 100)
        } else {
            vec![i as u8; (i * 37) % 1400]
        };
        let data = frame(i, &payload);
        let len = data.len() as u32;
        let caplen = if Some(i) == too_large_at {
            20 << 20
        } else {
            len
        };
        v.push(Rec {
            sec: 1_700_000_000 + i as u32 / 100,
            frac: (i as u32 * 1013) % 1_000_000,
            caplen,
            orig: len.max(caplen),
            data,
        });
    }
    v
}

fn same(file: &Path, extra: &[&str]) -> Output {
    let f = file.to_str().unwrap();
    let mut a: Vec<&str> = vec!["read", f];
    a.extend_from_slice(extra);
    let chunked = run(&a);
    a.push("--no-mmap");
    let streamed = run(&a);
    assert_eq!(
        chunked.status.code(),
        streamed.status.code(),
        "{f} {extra:?}: exit status"
    );
    assert_eq!(
        String::from_utf8_lossy(&chunked.stderr),
        String::from_utf8_lossy(&streamed.stderr),
        "{f} {extra:?}: messages"
    );
    assert!(
        chunked.stdout == streamed.stdout,
        "{f} {extra:?}: output differs ({} vs {} bytes)",
        chunked.stdout.len(),
        streamed.stdout.len()
    );
    chunked
}

fn count(out: &Output) -> u64 {
    String::from_utf8_lossy(&out.stdout).trim().parse().unwrap()
}

fn check_all_ways(file: &Path, packets: u64) {
    let c = same(file, &["--count"]);
    assert_eq!(count(&c), packets, "{}", file.display());
    same(file, &[]);
    same(file, &["-e", "-x"]);
    same(file, &["--json"]);
    for limit in [
        1,
        packets / 3,
        packets / 2 + 1,
        packets - 1,
        packets,
        packets + 7,
    ] {
        let l = limit.to_string();
        let c = same(file, &["--count", "-c", &l]);
        assert_eq!(count(&c), limit.min(packets));
        same(file, &["--json", "-c", &l]);
    }
}

#[test]
fn fake_records_in_payloads_do_not_fool_the_chunks() {
    let recs = records(9000, None, None);
    for flavour in [Flavour::LeMicro, Flavour::BeNano, Flavour::Modified] {
        let p = tmp(&format!("decoys-{flavour:?}.pcap"));
        let size = write_pcap(&p, flavour, &recs, None);
        assert!(
            size > 5 << 20,
            "the file spans several chunks ({size} bytes)"
        );
        check_all_ways(&p, 9000);
    }
}

#[test]
fn a_record_larger_than_a_chunk() {
    let recs = records(6000, Some(2500), None);
    let p = tmp("giant.pcap");
    write_pcap(&p, Flavour::LeMicro, &recs, None);
    check_all_ways(&p, 6000);
}

#[test]
fn cut_short_in_a_later_chunk() {
    let recs = records(9000, None, None);
    let p = tmp("cut.pcap");
    let full: usize = 24 + recs.iter().map(|r| 16 + r.data.len()).sum::<usize>();
    write_pcap(&p, Flavour::LeMicro, &recs, Some(full * 2 / 3));
    let c = same(&p, &["--count"]);
    assert_eq!(c.status.code(), Some(1));
    let msg = String::from_utf8_lossy(&c.stderr);
    assert!(
        msg.contains("cut short") && msg.contains("packets before it were read"),
        "{msg}"
    );
    same(&p, &[]);
    same(&p, &["--json"]);
}

#[test]
fn too_large_record_in_a_later_chunk() {
    let recs = records(9000, None, Some(7000));
    let p = tmp("too-large.pcap");
    write_pcap(&p, Flavour::LeMicro, &recs, None);
    let c = same(&p, &["--count"]);
    assert_eq!(c.status.code(), Some(1));
    let msg = String::from_utf8_lossy(&c.stderr);
    assert!(
        msg.contains("the 7000 packets before it were read"),
        "{msg}"
    );
    same(&p, &[]);
    same(&p, &["-c", "6999"]);
    let c = same(&p, &["--count", "-c", "7000"]);
    assert_eq!(c.status.code(), Some(0), "-c stops before the bad record");
}

/// pcapng blocks, in either byte order.
struct Ng {
    out: Vec<u8>,
    be: bool,
}

impl Ng {
    fn w32(&mut self, v: u32) {
        let b = if self.be {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        };
        self.out.extend_from_slice(&b);
    }
    fn w16(&mut self, v: u16) {
        let b = if self.be {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        };
        self.out.extend_from_slice(&b);
    }
    fn shb(&mut self, be: bool) {
        self.be = be;
        self.w32(0x0A0D_0D0A);
        self.w32(28);
        self.w32(0x1A2B_3C4D);
        self.w16(1);
        self.w16(0);
        self.out.extend_from_slice(&[0xff; 8]);
        self.w32(28);
    }
    fn idb(&mut self, link: u16) {
        self.w32(1);
        self.w32(20);
        self.w16(link);
        self.w16(0);
        self.w32(262_144);
        self.w32(20);
    }
    fn epb(&mut self, iface: u32, ts_us: u64, data: &[u8]) {
        let padded = data.len().next_multiple_of(4);
        let len = (32 + padded) as u32;
        self.w32(6);
        self.w32(len);
        self.w32(iface);
        self.w32((ts_us >> 32) as u32);
        self.w32(ts_us as u32);
        self.w32(data.len() as u32);
        self.w32(data.len() as u32);
        self.out.extend_from_slice(data);
        self.out.resize(self.out.len() + padded - data.len(), 0);
        self.w32(len);
    }
}

/// A payload of `n` well-formed little-endian 32-byte pcapng blocks.
fn ng_decoys(n: usize) -> Vec<u8> {
    let mut v = Vec::new();
    for i in 0..n {
        v.extend_from_slice(&6u32.to_le_bytes());
        v.extend_from_slice(&32u32.to_le_bytes());
        v.extend_from_slice(&[i as u8; 20]);
        v.extend_from_slice(&32u32.to_le_bytes());
    }
    v
}

/// Several sections (little- then big-endian), interfaces described after packets were
/// already read (a new link type mid-file), payloads full of fake blocks.
#[test]
fn pcapng_sections_late_interfaces_and_fake_blocks() {
    let mut ng = Ng {
        out: Vec::new(),
        be: false,
    };
    let mut n = 0u64;
    ng.shb(false);
    ng.idb(1);
    let mut packets = |ng: &mut Ng, count: usize, iface: u32, raw_ip: bool| {
        for i in 0..count {
            let payload = if i % 3 == 0 {
                ng_decoys(10 + i % 13)
            } else {
                vec![i as u8; (i * 53) % 1400]
            };
            let mut data = frame(i, &payload);
            if raw_ip {
                data.drain(..14);
            }
            ng.epb(iface, 1_700_000_000_000_000 + i as u64 * 1000, &data);
            n += 1;
        }
    };
    packets(&mut ng, 3000, 0, false);
    ng.idb(101); // raw IP, interface 1, three chunks into the file
    packets(&mut ng, 3000, 1, true);
    packets(&mut ng, 500, 0, false);
    ng.shb(true);
    ng.idb(101);
    packets(&mut ng, 2500, 0, true);
    let p = tmp("sections.pcapng");
    std::fs::write(&p, &ng.out).unwrap();
    assert!(ng.out.len() > 5 << 20, "the file spans several chunks");
    check_all_ways(&p, n);
    // Cut in the big-endian section.
    let cut = tmp("sections-cut.pcapng");
    std::fs::write(&cut, &ng.out[..ng.out.len() - 70_000]).unwrap();
    let c = same(&cut, &["--count"]);
    assert_eq!(c.status.code(), Some(1));
    same(&cut, &["-e"]);
}

/// Random damage anywhere in a multi-chunk file (bytes overwritten, runs deleted, the file
/// cut): the chunked reading still says exactly what a sequential read says. (60 + 40 more
/// rounds on the 100k and 200k workloads were run by hand the same way: all equal.)
#[test]
fn random_damage_reads_as_sequentially() {
    let recs = records(7000, None, None);
    let clean = tmp("clean.pcap");
    write_pcap(&clean, Flavour::LeMicro, &recs, None);
    let clean = std::fs::read(&clean).unwrap();
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = |n: usize| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x % n as u64) as usize
    };
    for round in 0..12 {
        let mut b = clean.clone();
        for _ in 0..1 + next(5) {
            let pos = 24 + next(b.len() - 64);
            match next(3) {
                0 => b[pos] = next(256) as u8,
                1 => b[pos..pos + 4].copy_from_slice(&(next(1 << 30) as u32).to_le_bytes()),
                _ => {
                    let end = (pos + 1 + next(300)).min(b.len());
                    b.drain(pos..end);
                }
            }
        }
        if next(3) == 0 {
            let keep = 24 + next(b.len() - 24);
            b.truncate(keep);
        }
        let p = tmp(&format!("damaged-{round}.pcap"));
        std::fs::write(&p, &b).unwrap();
        same(&p, &["-e"]);
        same(&p, &["--count"]);
    }
}
