//! Wireshark-syntax display filters against tshark: for every expression of
//! `tests/filter/wireshark.txt`, the frames pktforge's filter keeps are exactly the frames
//! `tshark -r F -Y EXPR` keeps, on one file that holds every capture of `captures/`, a
//! generated 5,000-packet workload and copies of it cut to 64, 96 and 128 bytes (one pcapng
//! made with `mergecap -a`, so that one tshark run per expression covers them all).
//!
//! A line `OURS ;; THEIRS` mixes tcpdump primitives into a display filter: pktforge runs
//! OURS, tshark runs THEIRS (its display-filter spelling). On the few filters where
//! tshark's own answer for a cut packet depends on the filter (see `cut_quirk`), the cut
//! copies are left out.
//!
//! tshark runs with reassembly off (`ip.defragment`, `ipv6.defragment`,
//! `tcp.desegment_tcp_streams` FALSE), as pktforge decodes packet by packet. Without tshark
//! or mergecap the test prints why and passes.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use pktforge::capture::{CaptureReader, LinkTypeNumber, PcapWriter};
use pktforge::dissect::Dissection;
use pktforge::filter::Filter;
use pktforge::output::FrameMeta;

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("pktforge-tshark-filter-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d.join(name)
}

fn have(tool: &str) -> bool {
    Command::new(tool)
        .arg("-v")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn cases() -> Vec<(String, String)> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/filter/wireshark.txt");
    std::fs::read_to_string(p)
        .unwrap()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| match l.split_once(";;") {
            Some((a, b)) => (a.trim().to_string(), b.trim().to_string()),
            None => (l.to_string(), l.to_string()),
        })
        .collect()
}

/// Writes `src` with every packet cut to `snap` bytes (wire length kept).
fn cut_copy(src: &Path, snap: usize, out: &Path) {
    let mut r = CaptureReader::open(src).unwrap();
    let file = std::fs::File::create(out).unwrap();
    let mut w = PcapWriter::new(file, LinkTypeNumber::ETHERNET).unwrap();
    while let Some(Ok(p)) = r.next_packet() {
        let n = p.data.len().min(snap);
        w.write_record(p.ts_sec, p.ts_nsec, p.orig_len, &p.data[..n])
            .unwrap();
    }
    w.into_inner().unwrap();
}

/// One pcapng with every test packet and the number of frames before the cut copies, or
/// why it could not be made.
fn merged() -> Result<(PathBuf, u64), String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut parts: Vec<PathBuf> = std::fs::read_dir(root.join("captures"))
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "pcap" || e == "pcapng"))
        .collect();
    parts.sort();
    let generator = root.join("../shared/bench/gen_workload.py");
    let w = tmp("workload.pcap");
    let ok = generator.exists()
        && Command::new("python3")
            .arg(&generator)
            .args(["--packets", "5000", "--out"])
            .arg(&w)
            .output()
            .is_ok_and(|o| o.status.success());
    let mut uncut_files = parts.clone();
    if ok {
        uncut_files.push(w.clone());
        parts.push(w.clone());
        for snap in [64, 96, 128] {
            let out = tmp(&format!("workload-s{snap}.pcap"));
            cut_copy(&w, snap, &out);
            parts.push(out);
        }
    } else {
        eprintln!(
            "note: no generated workload (needs python3 and ../shared/bench/gen_workload.py)"
        );
    }
    let out = tmp("all.pcapng");
    let st = Command::new("mergecap")
        .args(["-a", "-F", "pcapng", "-w"])
        .arg(&out)
        .args(&parts)
        .output()
        .map_err(|e| format!("mergecap: {e}"))?;
    if !st.status.success() {
        return Err(String::from_utf8_lossy(&st.stderr).into_owned());
    }
    let uncut: u64 = uncut_files
        .iter()
        .map(|f| {
            let mut r = CaptureReader::open(f).unwrap();
            let mut n = 0;
            while let Some(Ok(_)) = r.next_packet() {
                n += 1;
            }
            n
        })
        .sum();
    Ok((out, uncut))
}

/// Filters on which tshark's own answer for a cut packet depends on the filter: tshark
/// keeps a truncated HTTP request for `http.request.method == "GET"` although, printing
/// its fields, it shows no HTTP layer in it, and it drops a DNS message cut after two bytes
/// for `dns` although `frame.protocols` names dns in it. On these the cut copies are not
/// compared.
fn cut_quirk(expr: &str) -> bool {
    expr.contains("http.") || expr.trim() == "dns"
}

fn tshark_frames(f: &Path, expr: &str) -> Result<BTreeSet<u64>, String> {
    let out = Command::new("tshark")
        .args(["-n", "-r"])
        .arg(f)
        .args([
            "-o",
            "ip.defragment:FALSE",
            "-o",
            "ipv6.defragment:FALSE",
            "-o",
            "tcp.desegment_tcp_streams:FALSE",
            "-o",
            "tcp.analyze_sequence_numbers:FALSE",
            "-Y",
            expr,
            "-T",
            "fields",
            "-e",
            "frame.number",
        ])
        .output()
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.trim().parse().ok())
        .collect())
}

/// Every packet of the file: number, times, lengths, link, bytes.
struct Pkt {
    meta: FrameMeta,
    link: u32,
    prev: (i64, u32),
    data: Vec<u8>,
}

fn packets(f: &Path) -> Vec<Pkt> {
    let mut r = CaptureReader::open(f).unwrap();
    let mut v: Vec<Pkt> = Vec::new();
    let mut n = 0;
    while let Some(Ok(p)) = r.next_packet() {
        n += 1;
        let prev = v
            .last()
            .map_or((p.ts_sec, p.ts_nsec), |q| (q.meta.ts_sec, q.meta.ts_nsec));
        v.push(Pkt {
            meta: FrameMeta {
                number: n,
                ts_sec: p.ts_sec,
                ts_nsec: p.ts_nsec,
                orig_len: p.orig_len,
                cap_len: p.caplen,
            },
            link: p.link.0,
            prev,
            data: p.data.to_vec(),
        });
    }
    v
}

fn ours(f: &Filter, pkts: &[Pkt]) -> BTreeSet<u64> {
    let first = pkts
        .first()
        .map_or((0, 0), |p| (p.meta.ts_sec, p.meta.ts_nsec));
    let mut d = Dissection::new();
    let mut kept = BTreeSet::new();
    for p in pkts {
        if f.matches_frame(p.link, &p.meta, &p.data, (first, p.prev), &mut d)
            .0
        {
            kept.insert(p.meta.number);
        }
    }
    kept
}

#[test]
fn display_filters_keep_what_tshark_keeps() {
    if !have("tshark") || !have("mergecap") {
        eprintln!("skipped: needs tshark and mergecap (apt-get install tshark)");
        return;
    }
    let cases = cases();
    assert!(cases.len() >= 150, "only {} expressions", cases.len());
    let (file, uncut) = merged().unwrap();
    let pkts = packets(&file);
    let compiled: Vec<Filter> = cases
        .iter()
        .map(|(e, _)| Filter::new(e).unwrap_or_else(|err| panic!("{}", err.render(e))))
        .collect();
    let halves: Vec<&[(String, String)]> = cases.chunks(cases.len().div_ceil(2)).collect();
    let theirs: Vec<Result<BTreeSet<u64>, String>> = std::thread::scope(|s| {
        let hs: Vec<_> = halves
            .iter()
            .map(|h| {
                let file = &file;
                s.spawn(move || {
                    h.iter()
                        .map(|(_, t)| tshark_frames(file, t))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        hs.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    let mut failures = Vec::new();
    let mut nonempty = 0;
    for (((e, t), f), want) in cases.iter().zip(&compiled).zip(theirs) {
        let want = match want {
            Ok(w) => w,
            Err(err) => {
                failures.push(format!("'{t}': tshark refuses it: {}", err.trim()));
                continue;
            }
        };
        let mut got = ours(f, &pkts);
        let mut want = want;
        if cut_quirk(t) {
            got.retain(|&n| n <= uncut);
            want.retain(|&n| n <= uncut);
        }
        if !want.is_empty() {
            nonempty += 1;
        }
        if got != want {
            let extra: Vec<_> = got.difference(&want).take(5).collect();
            let missing: Vec<_> = want.difference(&got).take(5).collect();
            failures.push(format!(
                "'{e}': tshark keeps {}, pktforge {} (pktforge only: {extra:?}..., tshark only: {missing:?}...)",
                want.len(),
                got.len()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} expressions differ on {} frames:\n{}",
        failures.len(),
        cases.len(),
        pkts.len(),
        failures.join("\n")
    );
    eprintln!(
        "{} display filters x {} frames agree with tshark ({nonempty} keep at least one frame)",
        cases.len(),
        pkts.len()
    );
    assert!(
        nonempty * 10 >= cases.len() * 8,
        "only {nonempty} expressions keep anything"
    );
}

#[test]
fn display_filter_errors_name_the_field_and_type() {
    let cases = [
        (
            "ip.srcc == 1.2.3.4",
            "unknown field 'ip.srcc'; did you mean ip.src",
        ),
        ("ip.src == \"abc\"", "ip.src is an IPv4 address"),
        ("tcp.port == 1.2.3.4", "tcp.port is an unsigned integer"),
        ("eth.src == 1", "eth.src is a MAC address"),
        ("tcp.flags.syn > 1", "is a boolean"),
        (
            "ip.ttl contains \"x\"",
            "'contains' takes a string or byte field",
        ),
        ("dns.qry.name matches \"(\"", "bad regular expression"),
        ("ip.src = 1.2.3.4", "use '==' to compare fields"),
        ("tcp.port in {80, \"x\"}", "tcp.port is an unsigned integer"),
    ];
    for (e, msg) in cases {
        let err = Filter::new(e).unwrap_err();
        assert!(err.message.contains(msg), "{e}: {}", err.message);
        assert!(
            err.span.end <= e.len() && err.span.start < err.span.end,
            "{e}: {err:?}"
        );
    }
}
