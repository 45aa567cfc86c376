//! Mutation test: hostile variants of every packet of captures/ and of the capture files
//! themselves, through every entry point, bounded to a few seconds.
//!
//! Each packet of captures/ gets bit flips, truncations, length-field lies (16-bit words
//! of its first 64 bytes overwritten with 0, 1, 0xffff or a random value) and splices
//! (the head of one packet joined to the tail of another). Every variant goes through the
//! fast dissector, the owned parse with `show()`, `summary()` and a rebuild, the JSON
//! writer and the filters; then all variants, written to one capture, through `pktforge
//! read` in every output mode with a filter. The capture files get their headers and
//! record headers mutated and are read by the binary; files cut at random offsets must
//! still print every packet before the cut. DSL expressions are mutated and expanded.
//! Nothing may panic; the binary may only exit 0 (read to the end) or 1 (a damaged
//! file, said on stderr).
//!
//! The generator is seeded: a failure names the seed and the case, and reruns the same.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use pktforge::capture::{CaptureReader, LinkTypeNumber, PcapNgWriter};
use pktforge::dissect::{Dissection, dissect_frame};
use pktforge::filter::Filter;
use pktforge::output::FrameMeta;
use pktforge::{LinkType, Packet};

#[path = "support/mutate.rs"]
mod mutate;

use mutate::{Rng, mutants};

struct Pkt {
    link: u32,
    data: Vec<u8>,
}

fn captures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("captures");
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("captures/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "pcap" || e == "pcapng"))
        .collect();
    v.sort();
    v
}

fn packets_of(path: &Path) -> Vec<Pkt> {
    let mut r = CaptureReader::open(path).expect("open capture");
    let mut out = Vec::new();
    while let Some(p) = r.next_packet() {
        let p = p.expect("captures/ files are valid");
        out.push(Pkt {
            link: p.link.0,
            data: p.data.to_vec(),
        });
    }
    out
}

const FILTERS: &[&str] = &[
    "tcp port 80 or udp port 53",
    "ip[2:2] > 100 and tcp[tcpflags] & tcp-syn != 0",
    "ip6 and (icmp6 or udp)",
    "vlan and ip",
    "dns.qry.name contains \"example\" || tcp.flags.syn == 1",
    "ip.src == 198.18.0.0/15 && udp.length > 20",
    "frame.len > 60 and not arp",
];

#[test]
fn mutated_packets_through_the_library() {
    let filters: Vec<Filter> = FILTERS.iter().map(|f| Filter::new(f).expect(f)).collect();
    let all: Vec<Pkt> = captures().iter().flat_map(|p| packets_of(p)).collect();
    assert!(all.len() > 1000, "captures/ holds {} packets", all.len());
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut variants = 0usize;
    let mut json = Vec::new();
    for (i, p) in all.iter().enumerate() {
        let other = &all[(i * 7 + 3) % all.len()].data;
        for m in mutants(&mut rng, &p.data, other) {
            variants += 1;
            let link = LinkType::from_pcap(p.link);
            // The wire length is kept (a lie when the mutant is shorter: a cut packet).
            let orig = p.data.len().max(m.len());
            let mut d = Dissection::new();
            dissect_frame(link, &m, orig, &mut d);
            let meta = FrameMeta {
                number: variants as u64,
                ts_sec: 1,
                ts_nsec: 0,
                orig_len: orig as u32,
                cap_len: m.len() as u32,
            };
            json.clear();
            pktforge::output::json::write_json(&meta, &d, &mut json);
            assert!(json.starts_with(b"{"), "JSON of variant {variants}");
            let owned = Packet::parse_frame(link, &m, orig);
            let _ = owned.show();
            let _ = owned.summary();
            let _ = owned.build();
            for f in &filters {
                let _ = f.matches_bytes(p.link, &m, orig as u32);
            }
        }
    }
    assert!(variants > 10_000, "{variants} variants");
}

/// Runs the binary with a deadline; returns (exit code, stdout, stderr).
fn run_bounded(args: &[&str]) -> (Option<i32>, Vec<u8>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pktforge"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run pktforge");
    // Read both pipes on threads so a full pipe cannot stall the child.
    let mut so = child.stdout.take().expect("stdout");
    let mut se = child.stderr.take().expect("stderr");
    let t_out = std::thread::spawn(move || {
        let mut b = Vec::new();
        std::io::Read::read_to_end(&mut so, &mut b).ok();
        b
    });
    let t_err = std::thread::spawn(move || {
        let mut b = Vec::new();
        std::io::Read::read_to_end(&mut se, &mut b).ok();
        b
    });
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("pktforge {args:?} ran over 60 s (a hang)");
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let out = t_out.join().unwrap_or_default();
    let err = String::from_utf8_lossy(&t_err.join().unwrap_or_default()).into_owned();
    (status.code(), out, err)
}

fn assert_survived(args: &[&str], code: Option<i32>, err: &str) {
    assert!(
        !err.contains("panicked"),
        "pktforge {args:?} panicked:\n{err}"
    );
    assert!(
        matches!(code, Some(0) | Some(1)),
        "pktforge {args:?} ended with {code:?} (0 or 1 expected):\n{err}"
    );
}

fn tmpdir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("pktforge-mutation-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

#[test]
fn mutated_packets_through_every_read_mode() {
    let dir = tmpdir("modes");
    let file = dir.join("mutants.pcapng");
    let mut rng = Rng(0x51_7cc1_b727_220a);
    let all: Vec<Pkt> = captures().iter().flat_map(|p| packets_of(p)).collect();
    let mut w = PcapNgWriter::new(std::io::BufWriter::new(
        std::fs::File::create(&file).expect("create"),
    ))
    .expect("pcapng header");
    let mut n = 0u64;
    for (i, p) in all.iter().enumerate() {
        let other = &all[(i * 13 + 5) % all.len()].data;
        for m in mutants(&mut rng, &p.data, other) {
            let orig = p.data.len().max(m.len()) as u32;
            w.write_record(
                LinkTypeNumber(p.link),
                1_700_000_000,
                n as u32,
                orig,
                &m,
                None,
            )
            .expect("write");
            n += 1;
        }
    }
    drop(w.into_inner().expect("flush"));
    let f = file.to_str().expect("utf-8 path");
    let out_file = dir.join("written.pcapng");
    let out_ng = out_file.to_str().expect("utf-8 path");
    // Plain lines: one per packet, whatever the damage.
    let args = ["read", f];
    let (code, out, err) = run_bounded(&args);
    assert_survived(&args, code, &err);
    assert_eq!(code, Some(0), "{err}");
    let lines = out.iter().filter(|&&b| b == b'\n').count() as u64;
    assert_eq!(lines, n, "one line per mutated packet");
    let modes: &[&[&str]] = &[
        &["-e"],
        &["-v"],
        &["-x"],
        &["-X"],
        &["--json"],
        &["-e", "ip.src", "-e", "tcp.port", "-e", "dns.qry.name"],
        &[
            "--csv",
            "--fields",
            "frame.number,udp.length,dns.a,http.host",
        ],
        &["--no-mmap", "-v"],
        &["-w", out_ng],
        &["--count"],
    ];
    for mode in modes {
        for filter in ["-Y", "-f"] {
            let expr = if filter == "-Y" {
                FILTERS[4]
            } else {
                FILTERS[0]
            };
            let mut args = vec!["read", f];
            args.extend_from_slice(mode);
            args.extend_from_slice(&[filter, expr]);
            let (code, _, err) = run_bounded(&args);
            assert_survived(&args, code, &err);
            assert_eq!(code, Some(0), "pktforge {args:?}: {err}");
        }
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// Offsets of the end of every record of a capture (from our reader on the whole file).
fn record_ends(path: &Path) -> Vec<u64> {
    let mut r = CaptureReader::open(path).expect("open");
    let mut ends = Vec::new();
    while let Some(Ok(_)) = r.next_packet() {
        ends.push(r.bytes_read());
    }
    ends
}

#[test]
fn mutated_and_cut_capture_files() {
    let dir = tmpdir("files");
    let mut rng = Rng(0xd1b5_4a32_d192_ed03);
    let mut runs = 0;
    for cap in captures() {
        let bytes = std::fs::read(&cap).expect("read capture");
        let name = cap
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("x")
            .to_string();
        // Header and record-header mutations: the first 96 bytes hold the file header
        // (and, for pcapng, the SHB and IDB) and the first records' headers.
        for k in 0..12 {
            let mut m = bytes.clone();
            let span = m.len().min(96);
            for _ in 0..1 + rng.below(3) {
                let i = rng.below(span);
                m[i] = match rng.below(4) {
                    0 => 0,
                    1 => 0xff,
                    2 => m[i] ^ (1 << rng.below(8)),
                    _ => rng.next() as u8,
                };
            }
            // And a lie in a record header further in.
            let j = rng.below(m.len().saturating_sub(4));
            m[j..j + 4].copy_from_slice(&(rng.next() as u32).to_le_bytes());
            let path = dir.join(format!("{k}-{name}"));
            std::fs::write(&path, &m).expect("write mutant");
            let p = path.to_str().expect("utf-8");
            for args in [
                vec!["read", p],
                vec!["read", p, "-v", "-Y", "udp.length > 0 || tcp.port == 80"],
            ] {
                let (code, _, err) = run_bounded(&args);
                assert_survived(&args, code, &err);
                runs += 1;
            }
        }
        // Cut files: every packet before the cut is printed, then the cut is reported.
        let ends = record_ends(&cap);
        for k in 0..6 {
            let at = 24 + rng.below(bytes.len() - 24);
            let path = dir.join(format!("cut{k}-{name}"));
            std::fs::write(&path, &bytes[..at]).expect("write cut");
            let p = path.to_str().expect("utf-8");
            let args = ["read", p];
            let (code, out, err) = run_bounded(&args);
            assert_survived(&args, code, &err);
            runs += 1;
            let complete = ends.iter().filter(|&&e| e <= at as u64).count();
            let lines = out.iter().filter(|&&b| b == b'\n').count();
            assert_eq!(
                lines, complete,
                "{name} cut at byte {at}: {complete} complete packets before the cut; {err}"
            );
            if ends.contains(&(at as u64)) {
                assert_eq!(code, Some(0), "{name} cut at a record boundary {at}: {err}");
            } else {
                assert_eq!(code, Some(1), "{name} cut inside a record at {at}");
                assert!(
                    !err.is_empty(),
                    "{name} cut at {at}: the cut is said on stderr"
                );
            }
        }
    }
    assert!(runs > 200, "{runs} runs");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn mutated_dsl_expressions() {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/dsl/exprs.txt"))
            .expect("tests/dsl/exprs.txt");
    let exprs: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    assert!(exprs.len() > 100);
    // Pieces that make syntax go wrong in interesting ways.
    const PIECES: &[&str] = &[
        "(",
        ")",
        "[",
        "]",
        "/",
        ",",
        "=",
        "\"",
        "'",
        "*",
        "0x",
        "-1",
        "99999999999999999999",
        "1e9",
        "range(",
        ")*",
        "/0",
        "::",
        "\\",
        "Raw(load=",
        "IP(dst=\"0.0.0.0/0\")",
        " ",
    ];
    let mut rng = Rng(0x1234_5678_9abc_def1);
    let mut tried = 0;
    for (i, e) in exprs.iter().enumerate() {
        for _ in 0..6 {
            let mut m: Vec<char> = e.chars().collect();
            match rng.below(4) {
                0 if !m.is_empty() => {
                    let at = rng.below(m.len());
                    m.remove(at);
                }
                1 => {
                    let at = rng.below(m.len() + 1);
                    let piece = PIECES[rng.below(PIECES.len())];
                    for (k, c) in piece.chars().enumerate() {
                        m.insert(at + k, c);
                    }
                }
                2 => {
                    let other: Vec<char> = exprs[(i * 31 + 7) % exprs.len()].chars().collect();
                    let a = rng.below(m.len() + 1);
                    let b = rng.below(other.len() + 1);
                    m.truncate(a);
                    m.extend_from_slice(&other[b..]);
                }
                _ => {
                    let at = rng.below(m.len() + 1);
                    m.truncate(at);
                }
            }
            let s: String = m.into_iter().collect();
            tried += 1;
            if let Ok(t) = pktforge::dsl::parse(&s) {
                // Expansion is lazy and bounded here: a few packets of any set.
                let opts = pktforge::dsl::ExpandOptions { seed: Some(7) };
                for p in t.packets(&opts).take(4) {
                    let _ = p.build();
                    let _ = p.summary();
                }
            }
        }
    }
    assert!(tried > 600);
}
