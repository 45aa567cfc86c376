//! `pktforge read` as a user runs it: tcpdump's lines on the bundled captures, every flag,
//! truncated and garbage files, stdin, pipes.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_pktforge"))
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("run pktforge")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn captures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("captures");
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "pcap" || e == "pcapng"))
        .collect();
    v.sort();
    v
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("pktforge-read-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d.join(name)
}

/// Every line equals `tcpdump -S -n -r` (absolute sequence numbers; times in UTC). tcpdump
/// prints the interface name and direction of Linux cooked v2 captures before the
/// protocol; pktforge prints those only with -e, so that prefix is removed from tcpdump's lines.
#[test]
fn lines_match_tcpdump_on_every_capture() {
    if Command::new("tcpdump").arg("--version").output().is_err() {
        eprintln!("skipped: tcpdump is not installed (apt-get install tcpdump)");
        return;
    }
    let mut compared = 0;
    for f in captures() {
        let f = f.to_str().unwrap();
        let td = Command::new("tcpdump")
            .args(["-S", "-n", "-r", f])
            .env("TZ", "UTC")
            .output()
            .unwrap();
        assert!(td.status.success(), "tcpdump failed on {f}");
        let ours = run(&["read", f]);
        assert!(ours.status.success(), "{f}: {}", text(&ours.stderr));
        let ours = text(&ours.stdout);
        let theirs = text(&td.stdout);
        let ours: Vec<&str> = ours.lines().collect();
        let theirs: Vec<String> = theirs.lines().map(strip_sll2_prefix).collect();
        assert_eq!(ours.len(), theirs.len(), "{f}: packet count");
        for (i, (a, b)) in ours.iter().zip(&theirs).enumerate() {
            assert_eq!(a, b, "{f}: packet {}", i + 1);
            compared += 1;
        }
    }
    assert!(compared > 1000, "only {compared} lines compared");
}

/// The same on a generated mixed workload (VLAN, ARP, TCP with SACK, HTTP, TLS, DNS with
/// MX/TXT/HTTPS, NTP, syslog, ICMP, ICMPv6, fragments), when python3 and tcpdump are here.
#[test]
fn lines_match_tcpdump_on_generated_workload() {
    let generator = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/bench/gen_workload.py");
    if Command::new("tcpdump").arg("--version").output().is_err() || !generator.exists() {
        eprintln!("skipped: needs tcpdump and ../shared/bench/gen_workload.py");
        return;
    }
    let f = tmp("workload.pcap");
    let g = Command::new("python3")
        .arg(&generator)
        .args(["--packets", "30000", "--out", f.to_str().unwrap()])
        .output();
    if !g.is_ok_and(|o| o.status.success()) {
        eprintln!("skipped: python3 could not run gen_workload.py");
        return;
    }
    let f = f.to_str().unwrap();
    let td = Command::new("tcpdump")
        .args(["-S", "-n", "-r", f])
        .env("TZ", "UTC")
        .output()
        .unwrap();
    let ours = run(&["read", f]);
    assert!(ours.status.success());
    let (a, b) = (text(&ours.stdout), text(&td.stdout));
    let mut n = 0;
    for (i, (x, y)) in a.lines().zip(b.lines()).enumerate() {
        assert_eq!(x, y, "packet {}", i + 1);
        n += 1;
    }
    assert_eq!(n, 30000);
    assert_eq!(a.lines().count(), b.lines().count());
}

/// Cut copies (`pktforge read F -w OUT -s N`, as `editcap -s N` makes them, the header-only
/// captures of `tcpdump -s N`) of every capture and of a generated 20k-packet workload, cut
/// to 64, 96 and 128 bytes, print exactly `tcpdump -S -n`'s lines: every layer whose bytes
/// were captured, lengths from the headers, and tcpdump's `[|tcp]`, `[|domain]`... markers.
#[test]
fn cut_copies_match_tcpdump() {
    if Command::new("tcpdump").arg("--version").output().is_err() {
        eprintln!("skipped: tcpdump is not installed (apt-get install tcpdump)");
        return;
    }
    let mut files = captures();
    let generator = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/bench/gen_workload.py");
    let w = tmp("cut-workload.pcap");
    let made = generator.exists()
        && Command::new("python3")
            .arg(&generator)
            .args(["--packets", "20000", "--out", w.to_str().unwrap()])
            .output()
            .is_ok_and(|o| o.status.success());
    if made {
        files.push(w.clone());
    } else {
        eprintln!("workload skipped: needs python3 and ../shared/bench/gen_workload.py");
    }
    let mut compared = 0;
    for f in &files {
        let name = f.file_name().unwrap().to_str().unwrap();
        for snap in ["64", "96", "128"] {
            let cut = tmp(&format!("cut{snap}-{name}"));
            let cut = cut.to_str().unwrap();
            let o = run(&["read", f.to_str().unwrap(), "-w", cut, "-s", snap]);
            assert!(o.status.success(), "{name} -s {snap}: {}", text(&o.stderr));
            let td = Command::new("tcpdump")
                .args(["-S", "-n", "-r", cut])
                .env("TZ", "UTC")
                .output()
                .unwrap();
            assert!(td.status.success(), "tcpdump failed on {cut}");
            let ours = run(&["read", cut]);
            assert!(ours.status.success(), "{cut}: {}", text(&ours.stderr));
            let (ours, theirs) = (text(&ours.stdout), text(&td.stdout));
            let ours: Vec<&str> = ours.lines().collect();
            let theirs: Vec<String> = theirs.lines().map(strip_sll2_prefix).collect();
            assert_eq!(ours.len(), theirs.len(), "{name} -s {snap}: packet count");
            for (i, (a, b)) in ours.iter().zip(&theirs).enumerate() {
                assert_eq!(a, b, "{name} -s {snap}: packet {}", i + 1);
                compared += 1;
            }
        }
    }
    eprintln!("{compared} lines of cut copies equal tcpdump's");
    assert!(compared > 10_000 || !made, "only {compared} lines compared");
}

/// `-s N` writes what `editcap -s N` writes: the same packets, cut the same way (the same
/// tcpdump lines), and it needs `-w`.
#[test]
fn verbose_shows_what_a_cut_packet_captured() {
    // IPv6 packets of server-ether.pcap cut to 64 bytes: TCP headers cut after 10 bytes,
    // ICMPv6 after 2.
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("captures/server-ether.pcap");
    let cut = tmp("verbose-cut64.pcap");
    let o = run(&[
        "read",
        src.to_str().unwrap(),
        "-w",
        cut.to_str().unwrap(),
        "-s",
        "64",
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let o = run(&["read", "-v", cut.to_str().unwrap(), "ip6 and tcp"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let v = text(&o.stdout);
    assert!(!v.contains("[malformed"), "{v}");
    let frame = v.split("Frame ").nth(1).expect("a TCP packet");
    assert!(
        frame.contains("94 bytes on the wire, 64 captured"),
        "{frame}"
    );
    // The TCP layer with the fields of its 10 bytes, then tshark's line.
    let tcp = frame.split("###[ TCP ]###").nth(1).expect("a TCP layer");
    for f in ["sport", "dport", "seq"] {
        assert!(tcp.contains(&format!("  {f} ")), "{f}: {tcp}");
    }
    for f in ["ack", "flags", "window", "options"] {
        assert!(!tcp.contains(&format!("  {f} ")), "{f}: {tcp}");
    }
    assert!(
        tcp.ends_with("[Packet size limited during capture: TCP truncated]\n"),
        "{tcp}"
    );
    let _ = std::fs::remove_file(cut);
}

#[test]
fn snaplen_flag_cuts_like_editcap() {
    let f = "captures/server-ether.pcap";
    let ours = tmp("snap96.pcap");
    let o = run(&["read", f, "-w", ours.to_str().unwrap(), "-s", "96"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let mut r = pktforge::capture::CaptureReader::open(&ours).unwrap();
    let mut n = 0;
    while let Some(p) = r.next_packet() {
        let p = p.unwrap();
        assert!(p.data.len() <= 96 && p.data.len() <= p.orig_len as usize);
        n += 1;
    }
    assert_eq!(n, 114);
    let bad = run(&["read", f, "-s", "96"]);
    assert_eq!(bad.status.code(), Some(2), "-s without -w");
    if Command::new("editcap").arg("--version").output().is_err()
        || Command::new("tcpdump").arg("--version").output().is_err()
    {
        eprintln!("editcap comparison skipped: needs editcap and tcpdump");
        return;
    }
    let theirs = tmp("editcap96.pcap");
    let e = Command::new("editcap")
        .args(["-F", "pcap", "-s", "96", f, theirs.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(e.status.success(), "{}", text(&e.stderr));
    let lines = |p: &Path| {
        let o = Command::new("tcpdump")
            .args(["-S", "-n", "-r", p.to_str().unwrap()])
            .env("TZ", "UTC")
            .output()
            .unwrap();
        text(&o.stdout)
    };
    assert_eq!(lines(&ours), lines(&theirs));
}

fn strip_sll2_prefix(l: &str) -> String {
    // "14:18:41.774755 ifb1  Out IP6 ..." -> "14:18:41.774755 IP6 ..."
    let tokens: Vec<&str> = l.split_whitespace().collect();
    match tokens.as_slice() {
        [time, ifname, dir, ..]
            if ["In", "Out", "M", "B", "P"].contains(dir)
                && !["IP", "IP6", "ARP,"].contains(ifname) =>
        {
            let after_dir = l.find(&format!(" {dir} ")).map_or(0, |i| i + dir.len() + 2);
            format!("{time} {}", l[after_dir..].trim_start())
        }
        _ => l.to_string(),
    }
}

#[test]
fn count_limit_and_formats() {
    let f = "captures/server-ether.pcap";
    assert_eq!(text(&run(&["read", f, "--count"]).stdout), "114\n");
    assert_eq!(
        text(&run(&["read", "-r", f, "-c", "5"]).stdout)
            .lines()
            .count(),
        5
    );
    let e = text(&run(&["read", f, "-e", "-c", "30"]).stdout);
    assert!(
        e.lines()
            .any(|l| l.contains("02:70:66:02:00:02 > ") && l.contains("ethertype")),
        "{e}"
    );
    let v = text(&run(&["read", f, "-v", "-c", "2"]).stdout);
    assert!(
        v.starts_with("Frame 1: ") && v.contains("###[ Ethernet ]###"),
        "{v}"
    );
    let x = text(&run(&["read", f, "-x", "-c", "1"]).stdout);
    assert!(
        x.lines().nth(1).unwrap().starts_with("\t0x0000:  3333"),
        "{x}"
    );
    let xx = text(&run(&["read", f, "-X", "-c", "1"]).stdout);
    assert!(
        xx.lines().nth(1).unwrap().starts_with("0000  33 33 "),
        "{xx}"
    );
    let sll = text(&run(&["read", "captures/mixed-sll2.pcapng", "-e", "-c", "1"]).stdout);
    assert!(sll.contains("ifindex "), "{sll}");
}

#[test]
fn write_keeps_packets_and_timestamps() {
    for name in ["copy.pcap", "copy.pcapng"] {
        let out = tmp(name);
        let o = run(&[
            "read",
            "captures/router-2if.pcapng",
            "-w",
            out.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", text(&o.stderr));
        assert!(o.stdout.is_empty());
        let a = run(&["read", "captures/router-2if.pcapng"]);
        let b = run(&["read", out.to_str().unwrap()]);
        assert_eq!(text(&a.stdout), text(&b.stdout), "{name}");
    }
}

#[test]
fn truncated_file_prints_every_complete_packet_then_warns() {
    let src = std::fs::read("captures/server-ether.pcap").unwrap();
    let cut = tmp("cut.pcap");
    std::fs::write(&cut, &src[..src.len() - 10]).unwrap();
    let o = run(&["read", cut.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(text(&o.stdout).lines().count(), 113);
    let err = text(&o.stderr);
    assert!(
        err.contains("byte offset") && err.contains("113 packets"),
        "{err}"
    );
}

#[test]
fn bad_inputs_are_errors_that_say_why() {
    let junk = tmp("junk.pcap");
    std::fs::write(&junk, b"this is not a capture file at all").unwrap();
    let o = run(&["read", junk.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("not a pcap, pcapng or gzip file"),
        "{}",
        text(&o.stderr)
    );
    let o = run(&["read", "/nonexistent/file.pcap"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("/nonexistent/file.pcap"));
    let o = run(&["read"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn stdin_and_gzip() {
    let data = std::fs::read("captures/mixed-sll.pcap").unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&data).unwrap();
    let gz = gz.finish().unwrap();
    let mut child = bin()
        .args(["read", "-", "--count"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&gz).unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(text(&o.stdout), "241\n");
}

#[test]
fn closing_the_pipe_is_quiet() {
    let mut child = bin()
        .args(["read", "captures/mixed-sll.pcapng"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    {
        let mut r = BufReader::new(child.stdout.take().unwrap());
        r.read_line(&mut first).unwrap();
    }
    let status = child.wait().unwrap();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert!(status.success(), "{err}");
    assert!(err.is_empty(), "{err}");
    assert!(!first.is_empty());
}

#[test]
fn json_lines_use_wireshark_names() {
    let o = run(&["read", "--json", "captures/server-ether.pcap"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    let mut n = 0;
    let mut dns = 0;
    for (i, line) in out.lines().enumerate() {
        let v: serde_json::Value = serde_json::from_str(line).expect("one JSON object per line");
        assert_eq!(v["frame.number"], serde_json::json!(i + 1));
        assert!(v["frame.protocols"].as_str().unwrap().starts_with("eth:"));
        if v.get("dns.qry.name").is_some() {
            dns += 1;
            assert!(v["udp.srcport"].is_number() || v["tcp.srcport"].is_number());
        }
        n += 1;
    }
    assert_eq!(n, 114);
    assert!(dns >= 10, "{dns} DNS packets");
}

/// A file over 100 MB read with stderr on a terminal shows a progress bar; in a pipe it
/// does not. The terminal is a pty made by util-linux `script`.
#[test]
fn progress_bar_on_a_terminal_only() {
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("skipped: util-linux `script` is not installed (apt-get install util-linux)");
        return;
    }
    let big = tmp("big.pcap");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&big).unwrap());
    f.write_all(&[0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0]).unwrap();
    f.write_all(&[0; 8]).unwrap();
    f.write_all(&262_144u32.to_le_bytes()).unwrap();
    f.write_all(&1u32.to_le_bytes()).unwrap();
    let frame = {
        let mut v = vec![0u8; 1514];
        v[..6].copy_from_slice(&[2, 0, 0, 0, 0, 2]);
        v[6..12].copy_from_slice(&[2, 0, 0, 0, 0, 1]);
        v[12..14].copy_from_slice(&[0x88, 0xb5]);
        v
    };
    let n = 70_000u32;
    for i in 0..n {
        for v in [1_700_000_000 + i / 1000, (i % 1000) * 1000, 1514, 1514] {
            f.write_all(&v.to_le_bytes()).unwrap();
        }
        f.write_all(&frame).unwrap();
    }
    drop(f);
    assert!(std::fs::metadata(&big).unwrap().len() > 100 << 20);
    let big = big.to_str().unwrap();
    let cmd = format!("{} read --count {big}", env!("CARGO_BIN_EXE_pktforge"));
    let tty = Command::new("script")
        .args(["-qfec", &cmd, "/dev/null"])
        .output()
        .unwrap();
    assert!(tty.status.success(), "{}", text(&tty.stderr));
    let shown = text(&tty.stdout);
    assert!(
        shown.contains("MiB/") && shown.contains('\u{2591}'),
        "{shown:?}"
    );
    assert!(shown.contains(&n.to_string()), "{shown:?}");
    let piped = run(&["read", "--count", big]);
    assert!(piped.status.success());
    assert!(piped.stderr.is_empty(), "{}", text(&piped.stderr));
    assert_eq!(text(&piped.stdout).trim(), n.to_string());
    std::fs::remove_file(big).unwrap();
}

/// `-j N` changes how many threads dissect, never what is printed; 0 is a usage error.
#[test]
fn threads_flag() {
    for f in captures() {
        let f = f.to_str().unwrap();
        let all = run(&["read", "-e", f]);
        for j in ["1", "3"] {
            let one = run(&["read", "-e", "-j", j, f]);
            assert!(one.status.success());
            assert_eq!(one.stdout, all.stdout, "{f} -j {j}");
            let streamed = run(&["read", "-e", "-j", j, "--no-mmap", f]);
            assert_eq!(streamed.stdout, all.stdout, "{f} -j {j} --no-mmap");
        }
    }
    let bad = run(&["read", "-j", "0", "captures/vlan.pcap"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        text(&bad.stderr).contains("--threads"),
        "{}",
        text(&bad.stderr)
    );
}
