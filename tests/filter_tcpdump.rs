//! tcpdump-syntax filters against tcpdump itself: for every expression of
//! `tests/filter/tcpdump.txt` and every capture of `captures/`, a generated workload and
//! copies of both cut to 64, 96 and 128 bytes per packet, the records pktforge's filter
//! keeps are exactly the records `tcpdump -r F -w - EXPR` writes (same order, times,
//! lengths and bytes), or both refuse the expression for the file's link type.
//!
//! `filter_cli_keeps_what_tcpdump_keeps` does the same through the binary for a subset:
//! `pktforge read F -w OUT EXPR...` (trailing words), `-f`, `--count`, `-c`.
//!
//! Without tcpdump the tests print why and pass.

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::process::Command;

use pktforge::capture::{CaptureReader, LinkTypeNumber, PcapWriter};
use pktforge::filter::Filter;

type Rec = (i64, u32, u32, Vec<u8>);

fn have_tcpdump() -> bool {
    Command::new("tcpdump").arg("--version").output().is_ok()
}

fn exprs() -> Vec<String> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/filter/tcpdump.txt");
    std::fs::read_to_string(p)
        .unwrap()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(String::from)
        .collect()
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("pktforge-filter-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d.join(name)
}

fn records(r: &mut CaptureReader) -> Vec<(Rec, u32)> {
    let mut v = Vec::new();
    while let Some(Ok(p)) = r.next_packet() {
        // tcpdump writes microsecond pcap files whatever it reads: compare microseconds.
        let us = p.ts_nsec / 1000 * 1000;
        v.push(((p.ts_sec, us, p.orig_len, p.data.to_vec()), p.link.0));
    }
    v
}

/// The packets of a file with their link types.
fn read_file(f: &Path) -> Vec<(Rec, u32)> {
    records(&mut CaptureReader::open(f).unwrap())
}

/// What tcpdump keeps, or its error.
fn tcpdump_keeps(f: &Path, expr: &str) -> Result<Vec<Rec>, String> {
    let out = Command::new("tcpdump")
        .args(["-r", f.to_str().unwrap(), "-w", "-", "--", expr])
        .output()
        .unwrap();
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    let mut r = CaptureReader::from_read(Box::new(Cursor::new(out.stdout))).unwrap();
    Ok(records(&mut r).into_iter().map(|(rec, _)| rec).collect())
}

/// What pktforge's filter keeps, or why it refuses the file.
fn ours_keeps(f: &Filter, pkts: &[(Rec, u32)]) -> Result<Vec<Rec>, String> {
    let mut checked = None;
    let mut kept = Vec::new();
    for (rec, link) in pkts {
        if checked != Some(*link) {
            f.check_link(*link)?;
            checked = Some(*link);
        }
        if f.matches_bytes(*link, &rec.3, rec.2) {
            kept.push(rec.clone());
        }
    }
    Ok(kept)
}

/// A copy of a pcap file with every packet cut to `snap` bytes (the wire length kept), as
/// `editcap -s` makes.
fn cut_copy(f: &Path, snap: usize, out: &Path) -> bool {
    let pkts = read_file(f);
    let Some((_, link)) = pkts.first() else {
        return false;
    };
    if pkts.iter().any(|(_, l)| l != link) {
        return false;
    }
    let nsec = pkts.iter().any(|(r, _)| r.1 % 1000 != 0);
    let file = std::fs::File::create(out).unwrap();
    let mut w = if nsec {
        PcapWriter::new_nanosecond(file, LinkTypeNumber(*link)).unwrap()
    } else {
        PcapWriter::new(file, LinkTypeNumber(*link)).unwrap()
    };
    for (r, _) in &pkts {
        let n = r.3.len().min(snap);
        w.write_record(r.0, r.1, r.2, &r.3[..n]).unwrap();
    }
    w.into_inner().unwrap();
    true
}

fn files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("captures");
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "pcap" || e == "pcapng"))
        .collect();
    v.sort();
    let generator = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/bench/gen_workload.py");
    let w = tmp("workload.pcap");
    let ok = generator.exists()
        && Command::new("python3")
            .arg(&generator)
            .args(["--packets", "20000", "--out"])
            .arg(&w)
            .output()
            .is_ok_and(|o| o.status.success());
    if ok {
        v.push(w);
    } else {
        eprintln!(
            "note: no generated workload (needs python3 and ../shared/bench/gen_workload.py)"
        );
    }
    let mut cut = Vec::new();
    for f in v
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "pcap"))
    {
        for snap in [64, 96, 128] {
            let stem = f.file_stem().unwrap().to_string_lossy();
            let out = tmp(&format!("{stem}-s{snap}.pcap"));
            if cut_copy(f, snap, &out) {
                cut.push(out);
            }
        }
    }
    v.extend(cut);
    v
}

#[test]
fn filters_keep_what_tcpdump_keeps() {
    if !have_tcpdump() {
        eprintln!("skipped: tcpdump is not installed (apt-get install tcpdump)");
        return;
    }
    let exprs = exprs();
    assert!(exprs.len() >= 150, "only {} expressions", exprs.len());
    let compiled: Vec<Filter> = exprs
        .iter()
        .map(|e| Filter::new(e).unwrap_or_else(|err| panic!("{}", err.render(e))))
        .collect();
    let files = files();
    let (mut records_compared, mut pairs, mut refused) = (0usize, 0usize, 0usize);
    let mut failures = Vec::new();
    // Two threads: tcpdump runs dominate.
    let chunks: Vec<&[PathBuf]> = files.chunks(files.len().div_ceil(2)).collect();
    let results: Vec<_> = std::thread::scope(|s| {
        let handles: Vec<_> = chunks
            .iter()
            .map(|part| {
                let (exprs, compiled) = (&exprs, &compiled);
                s.spawn(move || {
                    let mut out = Vec::new();
                    for f in *part {
                        let pkts = read_file(f);
                        for (e, flt) in exprs.iter().zip(compiled) {
                            let theirs = tcpdump_keeps(f, e);
                            let ours = ours_keeps(flt, &pkts);
                            out.push((f.clone(), e.clone(), pkts.len(), theirs, ours));
                        }
                    }
                    out
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for (f, e, total, theirs, ours) in results.into_iter().flatten() {
        pairs += 1;
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        match (theirs, ours) {
            (Ok(t), Ok(o)) => {
                records_compared += total;
                if t != o {
                    let first = t
                        .iter()
                        .zip(&o)
                        .position(|(a, b)| a != b)
                        .unwrap_or(t.len().min(o.len()));
                    failures.push(format!(
                        "{name} '{e}': tcpdump keeps {}, pktforge {} (first difference at kept record {first})",
                        t.len(),
                        o.len()
                    ));
                }
            }
            (Err(_), Err(_)) => refused += 1,
            (Err(te), Ok(o)) => failures.push(format!(
                "{name} '{e}': tcpdump refuses ({}), pktforge keeps {}",
                te.trim(),
                o.len()
            )),
            (Ok(t), Err(oe)) => failures.push(format!(
                "{name} '{e}': pktforge refuses ({oe}), tcpdump keeps {}",
                t.len()
            )),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {pairs} (file, expression) pairs differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
    eprintln!(
        "{} expressions x {} files: {pairs} pairs, {records_compared} packets filtered, {refused} refused by both",
        exprs.len(),
        files.len()
    );
    assert!(
        records_compared > 1_000_000,
        "only {records_compared} packets compared"
    );
}

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_pktforge"))
}

#[test]
fn filter_cli_keeps_what_tcpdump_keeps() {
    if !have_tcpdump() {
        eprintln!("skipped: tcpdump is not installed (apt-get install tcpdump)");
        return;
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("captures");
    let cases = [
        "tcp port 80",
        "udp and port 53",
        "host 198.18.1.2 and not icmp",
        "vlan and ip",
        "ip6 and (tcp or icmp6)",
        "tcp[tcpflags] & tcp-syn != 0",
        "arp or len > 1000",
    ];
    for f in ["server-ether.pcap", "vlan.pcap", "router-2if.pcapng"] {
        let f = dir.join(f);
        for e in cases {
            let want = tcpdump_keeps(&f, e).unwrap();
            // Trailing words, as tcpdump takes them.
            let out = tmp("cli.pcap");
            let mut cmd = bin();
            cmd.arg("read").arg(&f).arg("-w").arg(&out);
            cmd.args(e.split(' '));
            let st = cmd.output().unwrap();
            assert!(
                st.status.success(),
                "{e}: {}",
                String::from_utf8_lossy(&st.stderr)
            );
            // Nothing matched: a valid file with no packet, as tcpdump writes.
            let got: Vec<Rec> = read_file(&out).into_iter().map(|(r, _)| r).collect();
            assert!(
                got == want,
                "{} '{e}' with -w: {} records, tcpdump {}",
                f.display(),
                got.len(),
                want.len()
            );
            let _ = std::fs::remove_file(&out);
            // --count and -c count matches, on the mapped (parallel) and streamed paths.
            for extra in [&[][..], &["--no-mmap"][..]] {
                let st = bin()
                    .arg("read")
                    .arg(&f)
                    .args(["--count", "-f", e])
                    .args(extra)
                    .output()
                    .unwrap();
                assert_eq!(
                    String::from_utf8_lossy(&st.stdout).trim(),
                    want.len().to_string(),
                    "{} --count -f '{e}' {extra:?}",
                    f.display()
                );
            }
            let st = bin()
                .arg("read")
                .arg(&f)
                .args(["-c", "2", "--count", "-f", e])
                .output()
                .unwrap();
            assert_eq!(
                String::from_utf8_lossy(&st.stdout).trim(),
                want.len().min(2).to_string(),
                "-c 2 '{e}'"
            );
        }
    }
}

#[test]
fn filtered_lines_are_the_unfiltered_lines_that_match() {
    let f = Path::new(env!("CARGO_MANIFEST_DIR")).join("captures/server-ether.pcap");
    let all = bin().arg("read").arg(&f).output().unwrap();
    let all = String::from_utf8(all.stdout).unwrap();
    let pkts = read_file(&f);
    let flt = Filter::new("udp port 53").unwrap();
    let want: Vec<&str> = all
        .lines()
        .zip(&pkts)
        .filter(|(_, (r, l))| flt.matches_bytes(*l, &r.3, r.2))
        .map(|(line, _)| line)
        .collect();
    assert!(want.len() > 10);
    for args in [
        &["-f", "udp port 53"][..],
        &["udp", "port", "53"][..],
        &["-Y", "udp port 53", "-j", "1"][..],
        // Flags may follow the filter words.
        &["udp", "port", "53", "-j", "1", "--no-mmap"][..],
    ] {
        let out = bin().arg("read").arg(&f).args(args).output().unwrap();
        assert!(out.status.success());
        let got = String::from_utf8(out.stdout).unwrap();
        assert_eq!(got.lines().collect::<Vec<_>>(), want, "{args:?}");
    }
}

#[test]
fn filter_errors_point_at_the_token_and_exit_2() {
    let f = Path::new(env!("CARGO_MANIFEST_DIR")).join("captures/server-ether.pcap");
    let cases = [
        ("tcp port x", "unknown port 'x'", "         ^"),
        (
            "host 1.2.3.4 and",
            "expected a filter primitive, got the end",
            "                ^",
        ),
        ("tcp[13] & 2 != ", "expected a number", "               ^"),
        ("ip[2:3] = 1", "data size must be 1, 2, or 4", "     ^"),
        (
            "net 198.18.1.1/24",
            "non-network bits set",
            "    ^^^^^^^^^^^^^",
        ),
        (
            "vlan 5000",
            "VLAN tag 5000 greater than maximum 4095",
            "     ^^^^",
        ),
        ("(tcp", "expected ')'", "    ^"),
        ("ip[1] / 0 = 1", "division by zero", "      ^"),
    ];
    for (expr, msg, caret) in cases {
        let out = bin()
            .arg("read")
            .arg(&f)
            .args(["-f", expr])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{expr}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(msg), "{expr}: {err}");
        let lines: Vec<&str> = err.lines().collect();
        assert_eq!(
            lines.get(1).copied(),
            Some(format!("  {expr}").as_str()),
            "{err}"
        );
        assert_eq!(
            lines.get(2).copied(),
            Some(format!("  {caret}").as_str()),
            "{expr}: {err}"
        );
    }
    // A primitive the link type cannot have: tcpdump's refusal, exit 2.
    let sll = Path::new(env!("CARGO_MANIFEST_DIR")).join("captures/mixed-sll.pcap");
    let out = bin()
        .arg("read")
        .arg(&sll)
        .args(["-f", "ether host 02:70:66:01:00:02"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("ethernet addresses supported only"));
}

/// Hostile expressions: deep nesting, huge numbers, garbage bytes never panic.
#[test]
fn hostile_expressions_are_refused_or_parsed() {
    let deep = "(".repeat(10_000) + "tcp" + &")".repeat(10_000);
    let nots = "not ".repeat(10_000) + "tcp";
    let arith = "ip[".repeat(5_000) + "0" + &"]".repeat(5_000) + " = 1";
    for e in [deep.as_str(), nots.as_str(), arith.as_str()] {
        let err = Filter::new(e).unwrap_err();
        assert!(err.message.contains("nests deeper"), "{}", err.message);
    }
    let mut x: u32 = 7;
    let alphabet: &[u8] =
        b"()[]{}:!=<>&|^+-*/%~.,\" \\0123456789abcdefhnoprstuvxyzip6tcpudphostnetportvlanlen";
    for _ in 0..20_000 {
        let mut s = Vec::new();
        for _ in 0..(x % 40) {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            s.push(alphabet[(x as usize) % alphabet.len()]);
        }
        let s = String::from_utf8_lossy(&s).into_owned();
        if let Ok(f) = Filter::new(&s) {
            let _ = f.matches_bytes(1, &[0x45; 60], 60);
            let _ = f.matches_bytes(113, &[], 0);
        }
    }
    assert!(Filter::new(&"a".repeat(100_000)).is_err());
}

/// tcpdump's `-e` before the filter words: clap gives `-e` the next word, which is the
/// filter's first (`read F -e udp port 53`) or the file (`read -e F udp port 53`).
#[test]
fn link_header_flag_before_filter_words() {
    let f = Path::new(env!("CARGO_MANIFEST_DIR")).join("captures/server-ether.pcap");
    let f = f.to_str().unwrap();
    let want = bin()
        .args(["read", "-e", "-f", "udp port 53", f])
        .output()
        .unwrap();
    assert!(want.status.success());
    assert!(want.stdout.len() > 1000);
    for args in [
        &["read", f, "-e", "udp", "port", "53"][..],
        &["read", "-e", f, "udp", "port", "53"][..],
    ] {
        let got = bin().args(args).output().unwrap();
        assert!(
            got.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&got.stderr)
        );
        assert_eq!(got.stdout, want.stdout, "{args:?}");
    }
}
