//! `pktforge stats` end to end: the IO graph's SVG, caps, parallel chunks against one
//! thread, filters, several files, output formats, TCP and DNS on crafted flows, usage
//! errors.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, SystemTime};

use pktforge::capture::{LinkTypeNumber, PcapWriter};
use pktforge::prelude::*;
use serde_json::Value;

struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        let p =
            std::env::temp_dir().join(format!("pktforge-statscli-{tag}-{}", std::process::id()));
        std::fs::create_dir_all(&p).expect("temp dir");
        TempDir(p)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn capture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("captures")
        .join(name)
}

fn workload(dir: &Path) -> Option<PathBuf> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/bench/gen_workload.py");
    if !script.exists() {
        eprintln!("skip: {} missing", script.display());
        return None;
    }
    let out = dir.join("w20k.pcap");
    match Command::new("python3")
        .arg(&script)
        .args(["--packets", "20000", "--out"])
        .arg(&out)
        .output()
    {
        Ok(o) if o.status.success() => Some(out),
        other => {
            eprintln!("skip: generator failed: {other:?}");
            None
        }
    }
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pktforge"))
        .arg("stats")
        .args(args)
        .output()
        .expect("run pktforge")
}

fn json(args: &[&str]) -> Value {
    let mut a = args.to_vec();
    a.push("--json");
    let o = run(&a);
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).expect("JSON")
}

fn rows<'a>(v: &'a Value, k: &str) -> &'a Vec<Value> {
    v[k].as_array().unwrap_or_else(|| panic!("{k} in {v}"))
}

/// The points of the data line (the blue polyline) of an SVG, after checking that the
/// document is one `<svg>` element with balanced tags.
fn svg_points(svg: &str) -> usize {
    assert!(svg.trim_start().starts_with("<svg "), "not an SVG");
    assert!(svg.trim_end().ends_with("</svg>"), "SVG not closed");
    assert_eq!(svg.matches("<svg").count(), 1);
    // Every element is closed: `<x ...>` ... `</x>` or `<x .../>`.
    let mut stack: Vec<String> = Vec::new();
    let mut rest = svg;
    while let Some(i) = rest.find('<') {
        let end = rest[i..].find('>').expect("unclosed tag") + i;
        let tag = &rest[i + 1..end];
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(
                stack.pop().as_deref(),
                Some(name.trim()),
                "mismatched </{name}>"
            );
        } else if !tag.ends_with('/') && !tag.starts_with('?') && !tag.starts_with('!') {
            stack.push(tag.split_whitespace().next().unwrap_or("").to_string());
        }
        rest = &rest[end + 1..];
    }
    assert!(stack.is_empty(), "unclosed elements {stack:?}");
    let line = svg
        .lines()
        .find(|l| l.starts_with("<polyline") && l.contains("stroke=\"#0000FF\""))
        .expect("the data line");
    let pts = line
        .split("points=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    pts.split_whitespace()
        .inspect(|p| {
            let (x, y) = p.split_once(',').expect("x,y");
            x.parse::<f64>().expect("x");
            y.parse::<f64>().expect("y");
        })
        .count()
}

#[test]
fn svg_has_one_point_per_interval() {
    let dir = TempDir::new("svg");
    let mut cases = vec![
        (capture("server-ether.pcap"), "1"),
        (capture("vlan.pcap"), "0.002"),
    ];
    if let Some(w) = workload(&dir.0) {
        cases.push((w, "0.01"));
    }
    for (i, (f, iv)) in cases.iter().enumerate() {
        let svg = dir.0.join(format!("io{i}.svg"));
        let v = json(&[
            f.to_str().unwrap(),
            "--io",
            iv,
            "--plot",
            svg.to_str().unwrap(),
        ]);
        let io = rows(&v, "io");
        assert!(io.len() > 1, "{}: {} intervals", f.display(), io.len());
        let frames: u64 = io.iter().map(|r| r["frames"].as_u64().unwrap()).sum();
        let total = json(&[f.to_str().unwrap()])["summary"][0]["packets"]
            .as_u64()
            .unwrap();
        assert_eq!(frames, total, "{}", f.display());
        let text = std::fs::read_to_string(&svg).expect("SVG written");
        assert_eq!(svg_points(&text), io.len(), "{}", f.display());
    }
}

#[test]
fn caps_give_the_capped_table_and_the_rest() {
    let dir = TempDir::new("caps");
    let Some(w) = workload(&dir.0) else {
        return;
    };
    let f = w.to_str().unwrap();
    let full = json(&[f, "--conv", "tcp", "--threads", "1"]);
    let all = rows(&full, "conv_tcp");
    assert!(all.len() > 1000, "{} conversations", all.len());
    for threads in ["1", "2"] {
        let v = json(&[
            f,
            "--conv",
            "tcp",
            "--table-cap",
            "50",
            "--threads",
            threads,
        ]);
        let capped = rows(&v, "conv_tcp");
        assert_eq!(capped.len(), 50);
        // Each conversation kept has all its frames, and they are the 50 seen first.
        let mut earliest: Vec<&Value> = all.iter().collect();
        earliest.sort_by(|a, b| {
            a["rel_start"]
                .as_f64()
                .unwrap()
                .total_cmp(&b["rel_start"].as_f64().unwrap())
        });
        for r in capped {
            assert!(all.contains(r), "{r} differs from the uncapped table");
        }
        let cut = earliest[49]["rel_start"].as_f64().unwrap();
        assert!(
            capped
                .iter()
                .all(|r| r["rel_start"].as_f64().unwrap() <= cut)
        );
        // The rest: frames and bytes exactly, conversations about.
        let rest = &v["conv_tcp_not_shown"];
        let sum = |rs: &Vec<Value>, k: &str| rs.iter().map(|r| r[k].as_u64().unwrap()).sum::<u64>();
        assert_eq!(
            rest["frames"].as_u64(),
            Some(sum(all, "frames") - sum(capped, "frames"))
        );
        assert_eq!(
            rest["bytes"].as_u64(),
            Some(sum(all, "bytes") - sum(capped, "bytes"))
        );
        let n = rest["conversations"].as_u64().unwrap() as f64;
        let want = (all.len() - 50) as f64;
        assert!(
            (n - want).abs() / want < 0.05,
            "about {n} conversations left out, {want} were"
        );
    }
    // Said in text and CSV too.
    let o = run(&[f, "--conv", "tcp", "--table-cap", "50"]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("not shown (table full):"));
    let o = run(&[f, "--endpoints", "ip", "--table-cap", "10", "--csv"]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("# not shown: endpoints="));
    let v = json(&[f, "--dns", "--table-cap", "5"]);
    assert!(v["dns_names_not_shown"]["queries"].as_u64().unwrap() > 0);
}

#[test]
fn parallel_chunks_equal_one_thread() {
    let dir = TempDir::new("par");
    let Some(w) = workload(&dir.0) else {
        return;
    };
    // The same packets in pcapng, to chunk pcapng blocks too.
    let ng = dir.0.join("w20k.pcapng");
    let o = Command::new(env!("CARGO_BIN_EXE_pktforge"))
        .arg("read")
        .arg(&w)
        .arg("-w")
        .arg(&ng)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let what = [
        "--phs",
        "--conv",
        "tcp",
        "--conv",
        "udp",
        "--conv",
        "eth",
        "--endpoints",
        "ip",
        "--endpoints",
        "udp",
        "--io",
        "0.05",
    ];
    let base = {
        let mut a = vec![w.to_str().unwrap()];
        a.extend(what);
        a.extend(["--threads", "1", "--no-mmap"]);
        json(&a)
    };
    for f in [&w, &ng] {
        for threads in ["1", "2", "4"] {
            let mut a = vec![f.to_str().unwrap()];
            a.extend(what);
            a.extend(["--threads", threads]);
            let v = json(&a);
            for (k, want) in base.as_object().unwrap() {
                assert!(
                    v[k] == *want,
                    "{k} of {} with {threads} threads differs",
                    f.display()
                );
            }
            assert_eq!(
                v.as_object().unwrap().len(),
                base.as_object().unwrap().len()
            );
        }
    }
}

#[test]
fn filters_count_only_matches() {
    let f = capture("server-ether.pcap");
    let f = f.to_str().unwrap();
    let all = json(&[f]);
    let udp = json(&[f, "-f", "udp"]);
    let dns = json(&[f, "-Y", "dns"]);
    let both = json(&[f, "-f", "udp", "-Y", "dns"]);
    let n = |v: &Value| v["summary"][0]["packets"].as_u64().unwrap();
    assert!(n(&all) > n(&udp) && n(&udp) > n(&both) && n(&both) > 0);
    assert!(n(&dns) >= n(&both));
    for r in rows(&udp, "phs") {
        let p = r["path"].as_str().unwrap();
        // Every frame has UDP (quoted in an ICMP error counts for tcpdump's `udp` too).
        assert!(
            p.split(':').count() < 3 || p.contains("udp") || p.contains("icmp"),
            "{p}"
        );
    }
    let o = run(&[f, "-Y", "udp.port ==", "--phs"]);
    assert_eq!(o.status.code(), Some(2), "a bad filter is a usage error");
}

#[test]
fn several_files_add_up() {
    let (a, b) = (capture("server-ether.pcap"), capture("vlan.pcap"));
    let (a, b) = (a.to_str().unwrap(), b.to_str().unwrap());
    let one = |f: &str| json(&[f])["summary"][0]["packets"].as_u64().unwrap();
    let v = json(&[a, b]);
    let s = rows(&v, "summary");
    assert_eq!(s.len(), 3);
    assert_eq!(s[2]["file"], "(all files)");
    assert_eq!(s[2]["packets"].as_u64().unwrap(), one(a) + one(b));
    let top: u64 = rows(&v, "phs")
        .iter()
        .filter(|r| !r["path"].as_str().unwrap().contains(':'))
        .map(|r| r["frames"].as_u64().unwrap())
        .sum();
    assert_eq!(top, one(a) + one(b));
}

#[test]
fn text_and_csv_output() {
    let f = capture("server-ether.pcap");
    let f = f.to_str().unwrap();
    let o = run(&[f]);
    assert!(o.status.success());
    let t = String::from_utf8(o.stdout).unwrap();
    assert!(t.contains("Number of packets:               114\n"), "{t}");
    assert!(
        t.contains("Protocol Hierarchy Statistics\nFilter: \n\neth "),
        "{t}"
    );
    let o = run(&[f, "--conv", "ip", "--csv"]);
    let c = String::from_utf8(o.stdout).unwrap();
    let mut lines = c.lines();
    assert_eq!(lines.next(), Some("# conv_ip"));
    assert_eq!(
        lines.next(),
        Some(
            "a,b,frames,bytes,frames_a_to_b,bytes_a_to_b,frames_b_to_a,bytes_b_to_a,rel_start,duration"
        )
    );
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("198.18.1.2,198.18.2.2,52,13074,")
    );
    let o = run(&[f, "--io", "1"]);
    let t = String::from_utf8(o.stdout).unwrap();
    assert!(
        t.contains("Frames per interval:\n") && t.contains(" |#"),
        "{t}"
    );
    // `--top` and `--sort`.
    let v = json(&[f, "--conv", "tcp", "--top", "2", "--sort", "bytes"]);
    let r = rows(&v, "conv_tcp");
    assert_eq!(r.len(), 2);
    assert!(r[0]["bytes"].as_u64() >= r[1]["bytes"].as_u64());
    assert_eq!(r[0]["bytes"].as_u64(), Some(1343));
}

/// A pcap of packets at the given offsets (microseconds) from a fixed time.
fn write_pcap(path: &Path, pkts: &[(u64, Vec<u8>)]) {
    let mut w = PcapWriter::new(Vec::new(), LinkTypeNumber::ETHERNET).unwrap();
    let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    for (us, p) in pkts {
        w.write_packet_at(p, t0 + Duration::from_micros(*us))
            .unwrap();
    }
    std::fs::write(path, w.into_inner().unwrap()).unwrap();
}

fn eth() -> Ether {
    Ether::new()
        .src("02:00:00:00:00:01")
        .dst("02:00:00:00:00:02")
}

#[test]
fn tcp_and_dns_on_crafted_flows() {
    let dir = TempDir::new("flows");
    let (c, s) = ("198.18.0.1", "198.18.0.2");
    let tcp = |from_client: bool, flags: &str, seq: u32, win: u16, data: &[u8]| {
        let (src, dst, sp, dp) = if from_client {
            (c, s, 40000, 80)
        } else {
            (s, c, 80, 40000)
        };
        let mut p = eth()
            / IP::new().src(src).dst(dst)
            / TCP::new()
                .sport(sp)
                .dport(dp)
                .flags(flags)
                .seq(seq)
                .window(win);
        if !data.is_empty() {
            p = p / Raw::from_bytes(data);
        }
        p.build().unwrap()
    };
    let dns = |resp: bool, id: u16| {
        let (src, dst, sp, dp) = if resp {
            (s, c, 53, 5353u16 + 1)
        } else {
            (c, s, 5354, 53)
        };
        let mut d = DNS::new().id(id).qd(DNSQR::new().qname("example.test"));
        if resp {
            d = d.qr(1).rcode(3);
        }
        (eth() / IP::new().src(src).dst(dst) / UDP::new().sport(sp).dport(dp) / d)
            .build()
            .unwrap()
    };
    let pkts = vec![
        (0, tcp(true, "S", 100, 8192, b"")),
        (1000, tcp(false, "SA", 500, 8192, b"")),
        (1100, tcp(true, "A", 101, 8192, b"")),
        (1200, tcp(true, "PA", 101, 8192, b"0123456789")),
        (1300, tcp(true, "PA", 101, 8192, b"0123456789")),
        (1400, tcp(false, "A", 501, 0, b"")),
        (1500, tcp(false, "R", 501, 0, b"")),
        (2000, dns(false, 7)),
        (4000, dns(true, 7)),
        (5000, dns(false, 8)),
        (6000, dns(true, 9)),
    ];
    let f = dir.0.join("flows.pcap");
    write_pcap(&f, &pkts);
    let v = json(&[f.to_str().unwrap(), "--tcp", "--dns"]);
    let t = &rows(&v, "tcp")[0];
    assert_eq!(t["segments"], 7);
    assert_eq!(t["flows"], 1);
    assert_eq!(t["handshakes_completed"], 1);
    assert_eq!(t["retransmissions"], 1);
    assert_eq!(t["zero_windows"], 1);
    assert_eq!(t["resets"], 1);
    let syn = rows(&v, "tcp_synack_times");
    assert_eq!(syn[0]["percentile"], "min");
    assert_eq!(syn[0]["ms"].as_f64(), Some(1.0));
    let names = rows(&v, "dns_names");
    assert_eq!(names[0]["name"], "example.test");
    assert_eq!(names[0]["queries"], 2);
    assert_eq!(rows(&v, "dns_qtypes")[0]["qtype"], "A");
    assert_eq!(rows(&v, "dns_rcodes")[0]["rcode"], "NXDOMAIN");
    assert_eq!(rows(&v, "dns_rcodes")[0]["responses"], 2);
    let times = rows(&v, "dns_times");
    assert_eq!(times[0]["ms"].as_f64(), Some(2.0), "{times:?}");
    assert_eq!(times.last().unwrap()["ms"].as_f64(), Some(2.0));
    let o = run(&[f.to_str().unwrap(), "--dns"]);
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(
        text.contains(
            "2 queries, 2 responses, 1 responses to no query seen, 1 queries never answered"
        ),
        "{text}"
    );
}

#[test]
fn usage_and_runtime_errors() {
    let f = capture("server-ether.pcap");
    let f = f.to_str().unwrap();
    for bad in [
        vec![f, "--conv", "foo"],
        vec![f, "--endpoints", "x"],
        vec![f, "--io", "0"],
        vec![f, "--io", "-1"],
        vec![f, "--plot", "x.svg"],
        vec![f, "--sort", "size"],
        vec![],
    ] {
        let o = run(&bad);
        assert_eq!(
            o.status.code(),
            Some(2),
            "{bad:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    let o = run(&["/nonexistent/file.pcap"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("/nonexistent/file.pcap"));
    // A damaged file: what came before the damage is counted, and the error is named.
    let dir = TempDir::new("bad");
    let mut bytes = std::fs::read(capture("server-ether.pcap")).unwrap();
    bytes.truncate(bytes.len() - 10);
    let cut = dir.0.join("cut.pcap");
    std::fs::write(&cut, &bytes).unwrap();
    let o = run(&[cut.to_str().unwrap(), "--json"]);
    assert_eq!(o.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["summary"][0]["packets"], 113);
    assert!(String::from_utf8_lossy(&o.stderr).contains("cut.pcap"));
}
