//! `pktforge stats` against the oracles: `--phs` against `tshark -q -z io,phs`, `--conv`
//! against `-z conv,TYPE`, `--endpoints` against `-z endpoints,TYPE`, the summary against
//! `capinfos -M`.
//!
//! Files: every capture of `captures/` and a generated workload (`gen_workload.py --packets
//! 20000`, when python3 and the script are there). tshark runs with reassembly and sequence
//! analysis off, as tests/tshark_fields.rs runs it (`ip.defragment`, `ipv6.defragment`,
//! `tcp.desegment_tcp_streams`, `tcp.analyze_sequence_numbers` all FALSE): pktforge decodes
//! each packet on its own. Without tshark (or capinfos) a test prints why and passes.
//!
//! tshark prints the bytes of a conversation in units once they pass 10 kB (`11 kB`): those
//! are compared to what the unit's rounding allows, frames and every byte count printed in
//! bytes exactly (the endpoint tables print exact bytes, and are compared exactly).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn tool_ok(tool: &str, arg: &str) -> Result<(), String> {
    match Command::new(tool).arg(arg).output() {
        Ok(o) if o.status.success() => Ok(()),
        Ok(o) => Err(format!("`{tool} {arg}` exited with {}", o.status)),
        Err(e) => Err(format!("{tool} not runnable: {e}")),
    }
}

/// A temporary directory of this test process, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        let p = std::env::temp_dir().join(format!("pktforge-stats-{tag}-{}", std::process::id()));
        std::fs::create_dir_all(&p).expect("temp dir");
        TempDir(p)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The generated 20k-packet workload in `dir`, if the generator runs here.
fn workload(dir: &Path) -> Option<PathBuf> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/bench/gen_workload.py");
    if !script.exists() {
        eprintln!("skip workload: {} missing", script.display());
        return None;
    }
    let out = dir.join("w20k.pcap");
    let st = Command::new("python3")
        .arg(&script)
        .args(["--packets", "20000", "--out"])
        .arg(&out)
        .output();
    match st {
        Ok(o) if o.status.success() => Some(out),
        other => {
            eprintln!("skip workload: generator failed: {other:?}");
            None
        }
    }
}

/// The captures of `captures/`, and the workload.
fn files(dir: &Path) -> Vec<PathBuf> {
    let caps = Path::new(env!("CARGO_MANIFEST_DIR")).join("captures");
    let mut v: Vec<PathBuf> = std::fs::read_dir(&caps)
        .expect("captures/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "pcap" || x == "pcapng"))
        .collect();
    v.sort();
    assert!(!v.is_empty(), "no captures");
    v.extend(workload(dir));
    v
}

fn tshark_z(path: &Path, z: &str) -> String {
    let out = Command::new("tshark")
        .args(["-n", "-r"])
        .arg(path)
        .args([
            "-o",
            "ip.defragment:FALSE",
            "-o",
            "ipv6.defragment:FALSE",
            "-o",
            "tcp.desegment_tcp_streams:FALSE",
            "-o",
            "tcp.analyze_sequence_numbers:FALSE",
            "-q",
            "-z",
            z,
        ])
        .output()
        .expect("run tshark");
    assert!(
        out.status.success(),
        "tshark -z {z} failed on {}",
        path.display()
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

fn ours(path: &Path, args: &[&str]) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_pktforge"))
        .arg("stats")
        .arg(path)
        .args(args)
        .arg("--json")
        .output()
        .expect("run pktforge");
    assert!(
        out.status.success(),
        "pktforge stats {} {args:?}: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON")
}

fn u(v: &Value, k: &str) -> u64 {
    v[k].as_u64().unwrap_or_else(|| panic!("{k} in {v}"))
}

fn s<'a>(v: &'a Value, k: &str) -> &'a str {
    v[k].as_str().unwrap_or_else(|| panic!("{k} in {v}"))
}

/// tshark's protocol hierarchy as `(path, frames, bytes)` rows, in its order.
fn parse_phs(text: &str) -> Vec<(String, u64, u64)> {
    let mut rows = Vec::new();
    let mut stack: Vec<String> = Vec::new();
    for line in text.lines() {
        let Some(fpos) = line.find(" frames:") else {
            continue;
        };
        let indent = line.len() - line.trim_start().len();
        let name = line[..fpos].trim().to_string();
        let mut nums = line[fpos..].split_whitespace().map(|w| {
            w.split(':')
                .nth(1)
                .and_then(|n| n.parse::<u64>().ok())
                .unwrap_or_else(|| panic!("bad line {line:?}"))
        });
        let (f, b) = (nums.next().unwrap(), nums.next().unwrap());
        stack.truncate(indent / 2);
        stack.push(name);
        rows.push((stack.join(":"), f, b));
    }
    rows
}

#[test]
fn phs_equals_tshark() {
    if let Err(e) = tool_ok("tshark", "-v") {
        eprintln!("skip: {e}");
        return;
    }
    let dir = TempDir::new("phs");
    for f in files(&dir.0) {
        let theirs = parse_phs(&tshark_z(&f, "io,phs"));
        assert!(!theirs.is_empty(), "{}: no tshark rows", f.display());
        let v = ours(&f, &["--phs"]);
        let mine: Vec<(String, u64, u64)> = v["phs"]
            .as_array()
            .expect("phs rows")
            .iter()
            .map(|r| (s(r, "path").to_string(), u(r, "frames"), u(r, "bytes")))
            .collect();
        assert_eq!(mine, theirs, "{}", f.display());
    }
}

/// A byte count as tshark prints it in conversation tables: `610 bytes`, `11 kB`, `2 MB`:
/// the lowest and highest value it can stand for.
fn byte_range(num: &str, unit: &str) -> (u64, u64) {
    let n: f64 = num.parse().unwrap_or_else(|_| panic!("bytes {num:?}"));
    let scale = match unit {
        "bytes" => return (n as u64, n as u64),
        "kB" => 1e3,
        "MB" => 1e6,
        "GB" => 1e9,
        x => panic!("unit {x:?}"),
    };
    (((n - 1.0) * scale) as u64, ((n + 1.0) * scale) as u64)
}

#[derive(Debug)]
struct TConv {
    a: String,
    b: String,
    a_to_b: (u64, (u64, u64)),
    b_to_a: (u64, (u64, u64)),
    rel_start: f64,
    duration: f64,
}

/// tshark's conversation rows. Its columns are `<-` (frames and bytes B to A) then `->`
/// (A to B), then the totals, relative start and duration.
fn parse_conv(text: &str) -> Vec<TConv> {
    let mut rows = Vec::new();
    for line in text.lines().filter(|l| l.contains(" <-> ")) {
        let w: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(w.get(1), Some(&"<->"), "{line}");
        let get = |i: usize| *w.get(i).unwrap_or_else(|| panic!("field {i} of {line:?}"));
        let n = |i: usize| get(i).parse::<u64>().unwrap_or_else(|_| panic!("{line:?}"));
        rows.push(TConv {
            a: get(0).to_string(),
            b: get(2).to_string(),
            b_to_a: (n(3), byte_range(get(4), get(5))),
            a_to_b: (n(6), byte_range(get(7), get(8))),
            rel_start: get(12).parse().unwrap(),
            duration: get(13).parse().unwrap(),
        });
    }
    rows
}

fn within(v: u64, r: (u64, u64)) -> bool {
    r.0 <= v && v <= r.1
}

#[test]
fn conversations_equal_tshark() {
    if let Err(e) = tool_ok("tshark", "-v") {
        eprintln!("skip: {e}");
        return;
    }
    let dir = TempDir::new("conv");
    for f in files(&dir.0) {
        for kind in ["tcp", "udp", "ip", "ipv6", "eth"] {
            let theirs = parse_conv(&tshark_z(&f, &format!("conv,{kind}")));
            let v = ours(&f, &["--conv", kind]);
            let mine = v[format!("conv_{kind}")].as_array().expect("rows");
            let ctx = format!("{} conv,{kind}", f.display());
            assert_eq!(mine.len(), theirs.len(), "{ctx}: number of conversations");
            let by_pair: HashMap<(String, String), &TConv> = theirs
                .iter()
                .flat_map(|t| {
                    [
                        ((t.a.clone(), t.b.clone()), t),
                        ((t.b.clone(), t.a.clone()), t),
                    ]
                })
                .collect();
            for r in mine {
                let (a, b) = (s(r, "a").to_string(), s(r, "b").to_string());
                let t = by_pair
                    .get(&(a.clone(), b.clone()))
                    .unwrap_or_else(|| panic!("{ctx}: {a} <-> {b} not in tshark's table"));
                // Match by address pair, in tshark's orientation.
                let (ab, ba) = if t.a == a {
                    (t.a_to_b, t.b_to_a)
                } else {
                    (t.b_to_a, t.a_to_b)
                };
                let row = format!("{ctx}: {a} <-> {b}: ours {r}, tshark {t:?}");
                assert_eq!(u(r, "frames_a_to_b"), ab.0, "{row}");
                assert_eq!(u(r, "frames_b_to_a"), ba.0, "{row}");
                assert!(within(u(r, "bytes_a_to_b"), ab.1), "{row}");
                assert!(within(u(r, "bytes_b_to_a"), ba.1), "{row}");
                assert_eq!(u(r, "frames"), ab.0 + ba.0, "{row}");
                assert_eq!(u(r, "bytes"), u(r, "bytes_a_to_b") + u(r, "bytes_b_to_a"));
                let rel = r["rel_start"].as_f64().unwrap();
                let dur = r["duration"].as_f64().unwrap();
                assert!((rel - t.rel_start).abs() < 1e-6, "{row}");
                assert!((dur - t.duration).abs() < 1e-4 + 1e-9, "{row}");
            }
        }
    }
}

/// tshark's endpoint rows: address (and port), then packets, bytes, tx packets, tx bytes,
/// rx packets, rx bytes.
fn parse_endpoints(text: &str, ports: bool) -> HashMap<String, [u64; 6]> {
    let mut m = HashMap::new();
    for line in text.lines() {
        let w: Vec<&str> = line.split_whitespace().collect();
        let skip = if ports { 2 } else { 1 };
        if w.len() != skip + 6 {
            continue;
        }
        let nums: Vec<u64> = w[skip..].iter().filter_map(|x| x.parse().ok()).collect();
        if nums.len() != 6 || (ports && w[1].parse::<u16>().is_err()) {
            continue;
        }
        let key = if ports {
            format!("{} {}", w[0], w[1])
        } else {
            w[0].to_string()
        };
        m.insert(key, [nums[0], nums[1], nums[2], nums[3], nums[4], nums[5]]);
    }
    m
}

#[test]
fn endpoints_equal_tshark() {
    if let Err(e) = tool_ok("tshark", "-v") {
        eprintln!("skip: {e}");
        return;
    }
    let dir = TempDir::new("ep");
    for f in files(&dir.0) {
        for kind in ["tcp", "udp", "ip", "ipv6", "eth"] {
            let ports = matches!(kind, "tcp" | "udp");
            let theirs = parse_endpoints(&tshark_z(&f, &format!("endpoints,{kind}")), ports);
            let v = ours(&f, &["--endpoints", kind]);
            let mine = v[format!("endpoints_{kind}")].as_array().expect("rows");
            let ctx = format!("{} endpoints,{kind}", f.display());
            assert_eq!(mine.len(), theirs.len(), "{ctx}: number of endpoints");
            for r in mine {
                let key = if ports {
                    format!("{} {}", s(r, "address"), u(r, "port"))
                } else {
                    s(r, "address").to_string()
                };
                let t = theirs
                    .get(&key)
                    .unwrap_or_else(|| panic!("{ctx}: {key} not in tshark's table"));
                let m = [
                    u(r, "frames"),
                    u(r, "bytes"),
                    u(r, "tx_frames"),
                    u(r, "tx_bytes"),
                    u(r, "rx_frames"),
                    u(r, "rx_bytes"),
                ];
                assert_eq!(&m, t, "{ctx}: {key}");
            }
        }
    }
}

/// `1795270721.774755` (or with nine decimals) as seconds and nanoseconds.
fn epoch(s: &str) -> (i64, u32) {
    let (a, b) = s.trim().split_once('.').unwrap_or((s.trim(), "0"));
    let frac = format!("{b:0<9}");
    (a.parse().unwrap(), frac[..9].parse().unwrap())
}

#[test]
fn summary_equals_capinfos() {
    if let Err(e) = tool_ok("capinfos", "-h") {
        eprintln!("skip: {e}");
        return;
    }
    let dir = TempDir::new("sum");
    for f in files(&dir.0) {
        let out = Command::new("capinfos")
            .args(["-M", "-S"])
            .arg(&f)
            .output()
            .expect("run capinfos");
        assert!(out.status.success(), "capinfos {}", f.display());
        let text = String::from_utf8_lossy(&out.stdout);
        let field = |name: &str| -> String {
            text.lines()
                .find_map(|l| l.strip_prefix(name))
                .map(|v| v.trim_start_matches(':').trim().to_string())
                .unwrap_or_else(|| panic!("{name} not in capinfos' output: {text}"))
        };
        let v = ours(&f, &[]);
        let row = &v["summary"][0];
        let ctx = f.display().to_string();
        assert_eq!(
            u(row, "packets"),
            field("Number of packets").parse::<u64>().unwrap(),
            "{ctx}"
        );
        let size = field("Data size");
        assert_eq!(
            u(row, "bytes").to_string(),
            size.trim_end_matches(" bytes"),
            "{ctx}"
        );
        assert_eq!(
            epoch(s(row, "first_epoch")),
            epoch(&field("First packet time")),
            "{ctx}"
        );
        assert_eq!(
            epoch(s(row, "last_epoch")),
            epoch(&field("Last packet time")),
            "{ctx}"
        );
    }
}
