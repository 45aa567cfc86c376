//! `pktforge sniff` in a namespace lab: A sends crafted frames out of its veth with a raw
//! socket, `sniff` captures them on B's end. Skipped (with the reason) when not root or
//! when `ip`/`python3` are missing; CI runs them as root.
//!
//! Frames go to a MAC that is not B's (02:00:5e:10:00:ff), so B's stack ignores them (no
//! ICMP replies) while the capture, promiscuous, sees them; filters on `udp port 7000`
//! keep the kernel's own traffic (IPv6 multicast reports) out of the counts.

#[path = "support/mutate.rs"]
mod mutate;
mod netns;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use netns::{Lab, MAC_A};
use pktforge::capture::CaptureReader;
use pktforge::prelude::*;

const EXE: &str = env!("CARGO_BIN_EXE_pktforge");
const OTHER_MAC: &str = "02:00:5e:10:00:ff";

/// `n` UDP frames 198.18.0.1:40000 -> 198.18.0.3:`dport`, numbered in the payload and
/// padded to `size` bytes.
fn frames(n: usize, dport: u16, size: usize, tag: u8) -> Vec<Vec<u8>> {
    (0..n)
        .map(|i| {
            let mut payload = vec![tag; size.saturating_sub(42).max(8)];
            payload[..4].copy_from_slice(&(i as u32).to_be_bytes());
            (Ether::new().src(MAC_A).dst(OTHER_MAC)
                / IP::new().src("198.18.0.1").dst("198.18.0.3")
                / UDP::new().sport(40000).dport(dport)
                / Raw::from_bytes(&payload))
            .build()
            .expect("frame")
        })
        .collect()
}

/// A unique temporary directory, removed on drop (only what the test made).
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        let p = std::env::temp_dir().join(format!(
            "pktforge-sniff-{tag}-{}-{}",
            std::process::id(),
            Instant::now().elapsed().as_nanos()
        ));
        std::fs::create_dir_all(&p).expect("temp dir");
        // The capture drops to `nobody` and may create the rotated files as that user.
        let _ = Command::new("chmod").arg("0777").arg(&p).status();
        TempDir(p)
    }

    fn file(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A running capture: the child and its stderr lines.
struct Sniff {
    child: Child,
    lines: mpsc::Receiver<String>,
    stderr: Vec<String>,
}

impl Sniff {
    /// Starts `pktforge sniff ARGS` in B and waits (at most 10 s) for "listening on".
    fn start(lab: &Lab, args: &[&str]) -> Sniff {
        Sniff::start_to(lab, args, Stdio::piped())
    }

    /// As [`Sniff::start`], with standard output going to `out` (a file, for output
    /// larger than a pipe holds).
    fn start_to(lab: &Lab, args: &[&str], out: Stdio) -> Sniff {
        let mut child = lab
            .exec(&lab.ns_b, EXE)
            .arg("sniff")
            .args(args)
            .stdout(out)
            .stderr(Stdio::piped())
            .spawn()
            .expect("pktforge sniff");
        let err = child.stderr.take().expect("stderr");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for l in BufReader::new(err).lines().map_while(Result::ok) {
                if tx.send(l).is_err() {
                    break;
                }
            }
        });
        let mut s = Sniff {
            child,
            lines: rx,
            stderr: Vec::new(),
        };
        let t0 = Instant::now();
        while t0.elapsed() < Duration::from_secs(10) {
            match s.lines.recv_timeout(Duration::from_millis(50)) {
                Ok(l) => {
                    let done = l.contains("listening on");
                    s.stderr.push(l);
                    if done {
                        return s;
                    }
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    if let Ok(Some(st)) = s.child.try_wait() {
                        panic!("sniff exited early ({st}): {:?}", s.stderr);
                    }
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            }
        }
        panic!("sniff did not start: {:?}", s.stderr);
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    fn signal(&self, sig: &str) {
        let ok = Command::new("kill")
            .args([&format!("-{sig}"), &self.pid().to_string()])
            .status()
            .expect("kill");
        assert!(ok.success());
    }

    /// Waits (at most `limit`, then kills it) for the exit; returns status code, stdout
    /// and the stderr lines.
    fn finish(mut self, limit: Duration) -> (i32, String, Vec<String>) {
        let t0 = Instant::now();
        let status = loop {
            if let Ok(Some(st)) = self.child.try_wait() {
                break st;
            }
            if t0.elapsed() > limit {
                let _ = self.child.kill();
                let _ = self.child.wait();
                panic!("sniff still running after {limit:?}: {:?}", self.stderr);
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let mut out = String::new();
        if let Some(mut o) = self.child.stdout.take() {
            let _ = std::io::Read::read_to_string(&mut o, &mut out);
        }
        while let Ok(l) = self.lines.recv_timeout(Duration::from_millis(500)) {
            self.stderr.push(l);
        }
        (status.code().unwrap_or(-1), out, self.stderr)
    }
}

/// The three numbers of tcpdump's closing lines.
fn counts(stderr: &[String]) -> (u64, u64, u64) {
    let find = |what: &str| {
        stderr
            .iter()
            .find(|l| l.ends_with(what))
            .and_then(|l| l.split(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no '{what}' line in {stderr:?}"))
    };
    (
        find("captured"),
        find("received by filter"),
        find("dropped by kernel"),
    )
}

/// The packets of a capture file: link type and bytes of each.
fn read_file(path: &Path) -> (u32, Vec<Vec<u8>>) {
    let mut r = CaptureReader::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut link = 0;
    let mut v = Vec::new();
    while let Some(p) = r.next_packet() {
        let p = p.unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        link = p.link.0;
        v.push(p.data.to_vec());
    }
    (link, v)
}

fn have_tshark() -> bool {
    Command::new("tshark").arg("-v").output().is_ok()
}

/// tshark's count of packets in `path` (None without tshark).
fn tshark_count(path: &Path) -> Option<usize> {
    if !have_tshark() {
        eprintln!("tshark is not installed: skipping its check");
        return None;
    }
    let o = Command::new("tshark")
        .arg("-r")
        .arg(path)
        .args(["-T", "fields", "-e", "frame.number"])
        .output()
        .ok()?;
    assert!(
        o.status.success(),
        "tshark: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    Some(String::from_utf8_lossy(&o.stdout).lines().count())
}

#[test]
fn captures_exactly_n_in_order_byte_identical() {
    let Some(lab) = Lab::new("captures_exactly_n_in_order_byte_identical") else {
        return;
    };
    let dir = TempDir::new("exact");
    let out = dir.file("cap.pcap");
    let sent = frames(50, 7000, 120, 0xa1);
    let s = Sniff::start(
        &lab,
        &[
            "-i",
            &lab.veth_b,
            "-c",
            "50",
            "-w",
            out.to_str().unwrap(),
            "udp",
            "port",
            "7000",
        ],
    );
    // Noise first: frames the filter refuses.
    assert_eq!(
        lab.send(&frames(10, 9999, 80, 0x55), Duration::from_secs(10)),
        10
    );
    assert_eq!(lab.send(&sent, Duration::from_secs(10)), 50);
    let (code, _, err) = s.finish(Duration::from_secs(10));
    assert_eq!(code, 0, "{err:?}");
    assert_eq!(counts(&err).0, 50);
    assert!(
        err.iter().any(|l| l
            == &format!(
                "pktforge: listening on {}, link-type EN10MB (Ethernet), snapshot length 262144 bytes",
                lab.veth_b
            )),
        "{err:?}"
    );
    let (link, got) = read_file(&out);
    assert_eq!(link, 1);
    assert_eq!(
        got, sent,
        "the file holds exactly the frames sent, in order"
    );
    if let Some(n) = tshark_count(&out) {
        assert_eq!(n, 50);
    }
}

#[test]
fn timeout_ends_the_capture() {
    let Some(lab) = Lab::new("timeout_ends_the_capture") else {
        return;
    };
    let dir = TempDir::new("timeout");
    let out = dir.file("t.pcap");
    let t0 = Instant::now();
    let s = Sniff::start(
        &lab,
        &[
            "-i",
            &lab.veth_b,
            "--timeout",
            "1.5",
            "-w",
            out.to_str().unwrap(),
            "udp port 7000",
        ],
    );
    assert_eq!(lab.send(&frames(5, 7000, 64, 1), Duration::from_secs(5)), 5);
    let (code, _, err) = s.finish(Duration::from_secs(10));
    let took = t0.elapsed();
    assert_eq!(code, 0, "{err:?}");
    assert!(
        took >= Duration::from_millis(1400) && took < Duration::from_secs(6),
        "{took:?}"
    );
    assert_eq!(counts(&err), (5, 5, 0));
    assert_eq!(read_file(&out).1.len(), 5);
}

#[test]
fn packet_buffered_file_is_complete_while_capturing() {
    let Some(lab) = Lab::new("packet_buffered_file_is_complete_while_capturing") else {
        return;
    };
    let dir = TempDir::new("unbuf");
    let out = dir.file("u.pcap");
    let s = Sniff::start(
        &lab,
        &[
            "-i",
            &lab.veth_b,
            "-U",
            "--timeout",
            "20",
            "-w",
            out.to_str().unwrap(),
            "udp port 7000",
        ],
    );
    let sent = frames(7, 7000, 100, 2);
    assert_eq!(lab.send(&sent, Duration::from_secs(5)), 7);
    // Still running: with -U every packet is on disk already.
    let t0 = Instant::now();
    let mut got = Vec::new();
    while t0.elapsed() < Duration::from_secs(5) {
        got = read_file(&out).1;
        if got.len() == 7 {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(got, sent);
    s.signal("INT");
    let (code, _, err) = s.finish(Duration::from_secs(10));
    assert_eq!(code, 0, "{err:?}");
    assert_eq!(counts(&err).0, 7);
}

#[test]
fn decoded_lines_are_printed_while_capturing() {
    let Some(lab) = Lab::new("decoded_lines_are_printed_while_capturing") else {
        return;
    };
    let dir = TempDir::new("live");
    let path = dir.file("lines.txt");
    let file = std::fs::File::create(&path).expect("output file");
    // Standard output is a file, not a terminal, and there is no -l: the pipeline still
    // prints and flushes what was captured as soon as the ring has nothing more ready.
    let s = Sniff::start_to(
        &lab,
        &["-i", &lab.veth_b, "--timeout", "20", "udp port 7000"],
        Stdio::from(file),
    );
    let sent = frames(3, 7000, 100, 4);
    assert_eq!(lab.send(&sent, Duration::from_secs(5)), 3);
    let t0 = Instant::now();
    let mut text = String::new();
    while t0.elapsed() < Duration::from_secs(5) {
        text = std::fs::read_to_string(&path).unwrap_or_default();
        if text.lines().count() >= 3 {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "printed while capturing: {text:?}");
    assert!(
        lines.iter().all(|l| l.contains(".7000: UDP, length")),
        "{text}"
    );
    s.signal("INT");
    let (code, _, err) = s.finish(Duration::from_secs(10));
    assert_eq!(code, 0, "{err:?}");
    assert_eq!(counts(&err).0, 3, "{err:?}");
}

#[test]
fn rotation_with_c_and_w() {
    let Some(lab) = Lab::new("rotation_with_c_and_w") else {
        return;
    };
    let dir = TempDir::new("rot");
    let base = dir.file("r.pcap");
    let sent = frames(2500, 7000, 1000, 3);
    let s = Sniff::start(
        &lab,
        &[
            "-i",
            &lab.veth_b,
            "-c",
            "2500",
            "-C",
            "1",
            "-w",
            base.to_str().unwrap(),
            "udp port 7000",
        ],
    );
    assert_eq!(lab.send(&sent, Duration::from_secs(20)), 2500);
    let (code, _, err) = s.finish(Duration::from_secs(20));
    assert_eq!(code, 0, "{err:?}");
    // tcpdump's names: r.pcap, r.pcap1, r.pcap2; each about 1 MB, together all packets.
    let mut all = Vec::new();
    for name in ["r.pcap", "r.pcap1", "r.pcap2"] {
        let p = dir.file(name);
        let len = std::fs::metadata(&p).map(|m| m.len()).unwrap_or(0);
        assert!(len > 0 && len < 1_100_000, "{name}: {len} bytes");
        all.extend(read_file(&p).1);
    }
    assert!(!dir.file("r.pcap3").exists());
    assert_eq!(all, sent);

    // -W 2: the names r.pcap0 and r.pcap1, reused in turn.
    let base = dir.file("w.pcap");
    let s = Sniff::start(
        &lab,
        &[
            "-i",
            &lab.veth_b,
            "-c",
            "2500",
            "-C",
            "1",
            "-W",
            "2",
            "-w",
            base.to_str().unwrap(),
            "udp port 7000",
        ],
    );
    assert_eq!(lab.send(&sent, Duration::from_secs(20)), 2500);
    let (code, _, err) = s.finish(Duration::from_secs(20));
    assert_eq!(code, 0, "{err:?}");
    assert!(dir.file("w.pcap0").exists() && dir.file("w.pcap1").exists());
    assert!(!dir.file("w.pcap").exists() && !dir.file("w.pcap2").exists());
    // The third file reused w.pcap0: it holds the last packets.
    let last = read_file(&dir.file("w.pcap0")).1;
    assert!(!last.is_empty());
    assert_eq!(last.last(), sent.last());
}

#[test]
fn pcapng_names_the_interface() {
    let Some(lab) = Lab::new("pcapng_names_the_interface") else {
        return;
    };
    let dir = TempDir::new("ng");
    let out = dir.file("c.pcapng");
    let sent = frames(4, 7000, 90, 4);
    let s = Sniff::start(
        &lab,
        &[
            "-i",
            &lab.veth_b,
            "-c",
            "4",
            "-w",
            out.to_str().unwrap(),
            "udp port 7000",
        ],
    );
    assert_eq!(lab.send(&sent, Duration::from_secs(5)), 4);
    let (code, _, err) = s.finish(Duration::from_secs(10));
    assert_eq!(code, 0, "{err:?}");
    let mut r = CaptureReader::open(&out).expect("pcapng");
    let mut n = 0;
    while let Some(p) = r.next_packet() {
        assert_eq!(p.expect("packet").data, &sent[n][..]);
        n += 1;
    }
    assert_eq!(n, 4);
    assert_eq!(r.interfaces().len(), 1);
    assert_eq!(r.interfaces()[0].name.as_deref(), Some(lab.veth_b.as_str()));
    assert_eq!(r.interfaces()[0].link.0, 1);
    if have_tshark() {
        let o = Command::new("tshark")
            .arg("-r")
            .arg(&out)
            .args(["-T", "fields", "-e", "frame.interface_name"])
            .output()
            .expect("tshark");
        let names: Vec<String> = String::from_utf8_lossy(&o.stdout)
            .lines()
            .map(str::to_string)
            .collect();
        assert_eq!(names, vec![lab.veth_b.clone(); 4]);
    }
}

#[test]
fn kernel_filter_drops_what_does_not_match() {
    let Some(lab) = Lab::new("kernel_filter_drops_what_does_not_match") else {
        return;
    };
    let dir = TempDir::new("kf");
    let out = dir.file("k.pcap");
    let s = Sniff::start(
        &lab,
        &[
            "-i",
            &lab.veth_b,
            "-f",
            "udp port 7777",
            "--timeout",
            "30",
            "-w",
            out.to_str().unwrap(),
        ],
    );
    let mut burst = frames(10_000, 7000, 60, 5);
    burst.extend(frames(3, 7777, 60, 6));
    burst.extend(frames(10_000, 7001, 60, 7));
    assert_eq!(lab.send(&burst, Duration::from_secs(30)), 20_003);
    std::thread::sleep(Duration::from_millis(300));
    s.signal("INT");
    let (code, _, err) = s.finish(Duration::from_secs(10));
    assert_eq!(code, 0, "{err:?}");
    let (captured, received, dropped) = counts(&err);
    assert_eq!(captured, 3, "{err:?}");
    // The kernel ran the filter: it accepted only the matches (and nothing was dropped).
    assert_eq!((received, dropped), (3, 0), "{err:?}");
    assert!(err.contains(&"3 packets captured".to_string()));
    assert_eq!(read_file(&out).1, frames(3, 7777, 60, 6));
}

fn signal_mid_write(sig: &str) {
    let Some(lab) = Lab::new(&format!("signal_mid_write_{sig}")) else {
        return;
    };
    let dir = TempDir::new(sig);
    let out = dir.file("s.pcapng");
    let sent = frames(3000, 7000, 200, 8);
    let s = Sniff::start(
        &lab,
        &[
            "-i",
            &lab.veth_b,
            "-w",
            out.to_str().unwrap(),
            "udp port 7000",
        ],
    );
    assert_eq!(lab.send(&sent, Duration::from_secs(20)), 3000);
    std::thread::sleep(Duration::from_millis(200));
    s.signal(sig);
    let (code, _, err) = s.finish(Duration::from_secs(10));
    assert_eq!(code, 0, "{sig}: {err:?}");
    let (captured, received, dropped) = counts(&err);
    assert_eq!((captured, received, dropped), (3000, 3000, 0), "{err:?}");
    assert_eq!(read_file(&out).1, sent, "{sig}: every packet, whole");
    if let Some(n) = tshark_count(&out) {
        assert_eq!(n, 3000);
    }
}

#[test]
fn sigint_leaves_a_valid_file() {
    signal_mid_write("INT");
}

#[test]
fn sigterm_leaves_a_valid_file() {
    signal_mid_write("TERM");
}

#[test]
fn tiny_ring_reports_drops_that_add_up() {
    let Some(lab) = Lab::new("tiny_ring_reports_drops_that_add_up") else {
        return;
    };
    let dir = TempDir::new("drops");
    let out = dir.file("d.pcap");
    // Two blocks of one page: a few dozen small frames fit.
    let s = Sniff::start(
        &lab,
        &[
            "-i",
            &lab.veth_b,
            "-B",
            "8",
            "-w",
            out.to_str().unwrap(),
            "udp port 7000",
        ],
    );
    // Freeze the reader, so the burst overflows the ring for sure.
    s.signal("STOP");
    let sent = frames(2000, 7000, 60, 9);
    let n = lab.send(&sent, Duration::from_secs(20));
    assert_eq!(n, 2000);
    s.signal("CONT");
    std::thread::sleep(Duration::from_millis(500));
    s.signal("INT");
    let (code, _, err) = s.finish(Duration::from_secs(10));
    assert_eq!(code, 0, "{err:?}");
    let (captured, received, dropped) = counts(&err);
    assert!(dropped > 0, "{err:?}");
    assert_eq!(captured + dropped, 2000, "{err:?}");
    assert_eq!(received, 2000, "{err:?}");
    // What was captured is the first frames, in order (the ring filled, the rest dropped).
    let got = read_file(&out).1;
    assert_eq!(got.len() as u64, captured);
    assert_eq!(&got[..], &sent[..got.len()]);
}

#[test]
fn without_privilege_says_what_is_needed() {
    let Some(lab) = Lab::new("without_privilege_says_what_is_needed") else {
        return;
    };
    if Command::new("setpriv").arg("--version").output().is_err() {
        eprintln!("skipping without_privilege_says_what_is_needed: setpriv is not installed");
        return;
    }
    let o = lab.run(
        &lab.ns_b,
        "setpriv",
        &[
            "--reuid",
            "65534",
            "--regid",
            "65534",
            "--clear-groups",
            "--inh-caps=-all",
            EXE,
            "sniff",
            "-i",
            &lab.veth_b,
            "-c",
            "1",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(
        err,
        format!(
            "error: capturing on {} needs CAP_NET_RAW: run as root or `setcap \
             cap_net_raw,cap_net_admin=eip $(which pktforge)`\n",
            lab.veth_b
        )
    );
}

/// The `NAME:` line of /proc/PID/status, its fields.
fn status_line(pid: u32, name: &str) -> Vec<String> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("status");
    s.lines()
        .find(|l| l.starts_with(name))
        .map(|l| l.split_whitespace().skip(1).map(str::to_string).collect())
        .unwrap_or_default()
}

#[test]
fn capture_runs_without_root_and_capabilities() {
    let Some(lab) = Lab::new("capture_runs_without_root_and_capabilities") else {
        return;
    };
    let dir = TempDir::new("privs");
    let out = dir.file("p.pcap");
    let s = Sniff::start(
        &lab,
        &[
            "-i",
            &lab.veth_b,
            "--timeout",
            "20",
            "-w",
            out.to_str().unwrap(),
            "udp port 7000",
        ],
    );
    let pid = s.pid();
    let uid = status_line(pid, "Uid:");
    assert_eq!(uid, vec!["65534"; 4], "runs as nobody: {uid:?}");
    for cap in ["CapInh:", "CapPrm:", "CapEff:", "CapBnd:", "CapAmb:"] {
        assert_eq!(
            status_line(pid, cap),
            vec!["0000000000000000"],
            "{cap} of the running capture"
        );
    }
    // And it still captures.
    assert_eq!(
        lab.send(&frames(3, 7000, 64, 10), Duration::from_secs(5)),
        3
    );
    std::thread::sleep(Duration::from_millis(200));
    s.signal("TERM");
    let (code, _, err) = s.finish(Duration::from_secs(10));
    assert_eq!(code, 0, "{err:?}");
    assert_eq!(counts(&err).0, 3);
    // -Z root keeps root.
    let s = Sniff::start(
        &lab,
        &[
            "-i",
            &lab.veth_b,
            "-Z",
            "root",
            "--timeout",
            "20",
            "udp port 7000",
        ],
    );
    assert_eq!(status_line(s.pid(), "Uid:")[1], "0");
    s.signal("INT");
    let (code, _, _) = s.finish(Duration::from_secs(10));
    assert_eq!(code, 0);
}

/// Lines of `sniff` output without their timestamps.
fn untimed(out: &str) -> Vec<String> {
    out.lines()
        .map(|l| l.split_once(' ').map_or(l, |(_, r)| r).to_string())
        .collect()
}

#[test]
fn every_backend_gives_the_same_output() {
    let Some(lab) = Lab::new("every_backend_gives_the_same_output") else {
        return;
    };
    let sent = frames(6, 7000, 70, 11);
    let mut outputs = Vec::new();
    for backend in ["ring", "pnet", "libpcap"] {
        for mode in [&["-e"][..], &["-x"][..]] {
            let mut args = vec!["-i", &lab.veth_b, "-c", "6", "--backend", backend];
            args.extend_from_slice(mode);
            args.extend_from_slice(&["udp", "port", "7000"]);
            // libpcap only in builds with the feature.
            if backend == "libpcap" {
                let probe = lab.run(
                    &lab.ns_b,
                    EXE,
                    &[
                        "sniff",
                        "-i",
                        &lab.veth_b,
                        "--backend",
                        "libpcap",
                        "--timeout",
                        "0",
                    ],
                );
                if !probe.status.success() {
                    eprintln!(
                        "skipping the libpcap backend: {}",
                        String::from_utf8_lossy(&probe.stderr).trim()
                    );
                    break;
                }
            }
            let s = Sniff::start(&lab, &args);
            // pnet and libpcap may need a moment after "listening" to be reading.
            std::thread::sleep(Duration::from_millis(200));
            assert_eq!(lab.send(&sent, Duration::from_secs(5)), 6);
            let (code, out, err) = s.finish(Duration::from_secs(10));
            assert_eq!(code, 0, "{backend}: {err:?}");
            assert_eq!(counts(&err).0, 6, "{backend}: {err:?}");
            outputs.push((backend, mode[0], untimed(&out)));
        }
    }
    let ring: Vec<_> = outputs.iter().filter(|o| o.0 == "ring").collect();
    assert_eq!(ring.len(), 2);
    assert_eq!(ring[0].2.len(), 6);
    assert!(
        ring[0].2[0].starts_with(&format!("{MAC_A} > {OTHER_MAC}, ethertype IPv4")),
        "{:?}",
        ring[0].2
    );
    for o in &outputs {
        let same = outputs
            .iter()
            .find(|r| r.0 == "ring" && r.1 == o.1)
            .expect("ring output");
        assert_eq!(o.2, same.2, "{} {} differs from ring", o.0, o.1);
    }
}

#[test]
fn any_records_linux_cooked_headers() {
    let Some(lab) = Lab::new("any_records_linux_cooked_headers") else {
        return;
    };
    let dir = TempDir::new("any");
    let o = lab.run(
        &lab.ns_b,
        "cat",
        &[&format!("/sys/class/net/{}/ifindex", lab.veth_b)],
    );
    let index: u32 = String::from_utf8_lossy(&o.stdout)
        .trim()
        .parse()
        .expect("ifindex");
    let sent = frames(5, 7000, 80, 12);
    for (y, link, hdr) in [("SLL2", 276u32, 20usize), ("SLL", 113, 16)] {
        let out = dir.file(&format!("any-{y}.pcap"));
        let s = Sniff::start(
            &lab,
            &[
                "-i",
                "any",
                "-y",
                y,
                "-c",
                "5",
                "-w",
                out.to_str().unwrap(),
                "udp port 7000",
            ],
        );
        assert!(
            s.stderr.iter().any(|l| l.contains(&format!(
                "link-type LINUX_{y} (Linux cooked v{})",
                if y == "SLL" { 1 } else { 2 }
            ))),
            "{:?}",
            s.stderr
        );
        assert_eq!(lab.send(&sent, Duration::from_secs(5)), 5);
        let (code, _, err) = s.finish(Duration::from_secs(10));
        assert_eq!(code, 0, "{err:?}");
        let (l, got) = read_file(&out);
        assert_eq!(l, link);
        assert_eq!(got.len(), 5);
        for (g, f) in got.iter().zip(&sent) {
            // The cooked header, then the frame without its Ethernet header.
            assert_eq!(&g[hdr..], &f[14..], "{y}");
            if y == "SLL2" {
                assert_eq!(&g[0..2], &[0x08, 0x00]);
                assert_eq!(u32::from_be_bytes([g[4], g[5], g[6], g[7]]), index);
                assert_eq!(&g[8..10], &[0, 1], "ARPHRD_ETHER");
                assert_eq!(g[10], 3, "PACKET_OTHERHOST");
                assert_eq!(g[11], 6);
                assert_eq!(&g[12..18], &f[6..12], "source MAC");
            } else {
                assert_eq!(&g[0..2], &[0, 3]);
                assert_eq!(&g[2..4], &[0, 1]);
                assert_eq!(&g[4..6], &[0, 6]);
                assert_eq!(&g[6..12], &f[6..12]);
                assert_eq!(&g[14..16], &[0x08, 0x00]);
            }
        }
        if have_tshark() {
            let o = Command::new("tshark")
                .arg("-r")
                .arg(&out)
                .args(["-T", "fields", "-e", "udp.dstport"])
                .output()
                .expect("tshark");
            assert_eq!(
                String::from_utf8_lossy(&o.stdout),
                "7000\n".repeat(5),
                "{y}"
            );
        }
    }
}

#[test]
fn scapy_sendp_is_captured() {
    let Some(lab) = Lab::new("scapy_sendp_is_captured") else {
        return;
    };
    let probe = lab.run(&lab.ns_a, "python3", &["-c", "import scapy.all"]);
    if !probe.status.success() {
        eprintln!("skipping scapy_sendp_is_captured: scapy is not installed");
        return;
    }
    let dir = TempDir::new("scapy");
    let out = dir.file("s.pcap");
    let s = Sniff::start(
        &lab,
        &[
            "-i",
            &lab.veth_b,
            "-c",
            "5",
            "-w",
            out.to_str().unwrap(),
            "udp port 7000",
        ],
    );
    let script = format!(
        "from scapy.all import Ether, IP, UDP, Raw, sendp, raw\n\
         ps = [Ether(src='{MAC_A}', dst='{OTHER_MAC}')/IP(src='198.18.0.1', dst='198.18.0.3')/\
         UDP(sport=40000, dport=7000)/Raw(bytes([i]) * 20) for i in range(5)]\n\
         sendp(ps, iface='{}', verbose=0)\n\
         print('\\n'.join(raw(p).hex() for p in ps))\n",
        lab.veth_a
    );
    let o = lab.run(&lab.ns_a, "python3", &["-c", &script]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let want: Vec<Vec<u8>> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|h| hex::decode(h).expect("hex"))
        .collect();
    let (code, _, err) = s.finish(Duration::from_secs(10));
    assert_eq!(code, 0, "{err:?}");
    assert_eq!(read_file(&out).1, want);
}

/// Source MAC of the hostile frames: neither lab end's, so the kernel's own frames from A
/// stay out of the capture filter.
const HOSTILE_MAC: [u8; 6] = [0x02, 0x00, 0x5e, 0x10, 0x00, 0xaa];

/// About `most` hostile frames: the mutants of every packet of captures/ (tests/mutation.rs'
/// mutations), each sent from HOSTILE_MAC to OTHER_MAC (so B's stack ignores it), at
/// least a link header and at most the veth's MTU long.
fn hostile_frames(most: usize) -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("captures");
    let mut pkts = Vec::new();
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("captures/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "pcap" || e == "pcapng"))
        .collect();
    names.sort();
    for f in names {
        let (link, v) = read_file(&f);
        if link == 1 {
            pkts.extend(v);
        }
    }
    let other: [u8; 6] = [0x02, 0x00, 0x5e, 0x10, 0x00, 0xff];
    let mut rng = mutate::Rng(0x0bad_cafe_f00d_d00d);
    let mut all = Vec::new();
    for (i, p) in pkts.iter().enumerate() {
        let q = &pkts[(i + 7) % pkts.len()];
        for mut m in mutate::mutants(&mut rng, p, q) {
            m.resize(m.len().clamp(14, 1514), 0);
            m[..6].copy_from_slice(&other);
            m[6..12].copy_from_slice(&HOSTILE_MAC);
            all.push(m);
        }
    }
    let step = all.len().div_ceil(most).max(1);
    all.into_iter().step_by(step).collect()
}

/// Issue #12: hostile traffic live. Mutated packets of captures/ (bit flips, truncations,
/// length-field lies, splices) are sent over the veth into two captures at once, `sniff -v`
/// and `sniff --json`: both survive every frame, count every one (none dropped) and print
/// one decoded packet per frame.
#[test]
fn hostile_frames_replayed_live_are_all_decoded_and_counted() {
    let Some(lab) = Lab::new("hostile_frames_replayed_live") else {
        return;
    };
    let frames = hostile_frames(8000);
    let n = frames.len();
    eprintln!("replaying {n} hostile frames");
    let dir = TempDir::new("hostile");
    let filter = format!(
        "ether src {}",
        HOSTILE_MAC
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<Vec<_>>()
            .join(":")
    );
    let count = n.to_string();
    let start = |mode: &str, file: &str| {
        let out = std::fs::File::create(dir.file(file)).expect("output file");
        Sniff::start_to(
            &lab,
            &[
                "-i",
                &lab.veth_b,
                "-B",
                "65536",
                "-c",
                &count,
                mode,
                &filter,
            ],
            Stdio::from(out),
        )
    };
    let tree = start("-v", "tree.txt");
    let json = start("--json", "lines.json");
    assert_eq!(lab.send(&frames, Duration::from_secs(60)), n);
    for (s, file) in [(tree, "tree.txt"), (json, "lines.json")] {
        let (code, _, err) = s.finish(Duration::from_secs(120));
        assert_eq!(code, 0, "{file}: {err:?}");
        let (captured, _, dropped) = counts(&err);
        assert_eq!((captured, dropped), (n as u64, 0), "{file}: {err:?}");
        let text = std::fs::read_to_string(dir.file(file)).expect("output");
        if file == "lines.json" {
            let lines: Vec<&str> = text.lines().collect();
            assert_eq!(lines.len(), n, "one JSON object per frame");
            for (i, l) in lines.iter().enumerate() {
                let v: serde_json::Value =
                    serde_json::from_str(l).unwrap_or_else(|e| panic!("line {}: {e}: {l}", i + 1));
                assert_eq!(v["frame.number"], serde_json::json!(i + 1));
            }
        } else {
            // Each packet's tree starts with its frame line.
            let frames_shown = text.lines().filter(|l| l.starts_with("Frame ")).count();
            assert_eq!(frames_shown, n, "one tree per frame");
        }
    }
}

/// `sniff -e NAME` prints fields as `read -e NAME` does (frame.time_relative from the first
/// packet captured), `--csv` with its header; a bare `-e` before the filter is still
/// tcpdump's link-header flag.
#[test]
fn field_output_and_link_header() {
    let Some(lab) = Lab::new("sniff_field_output") else {
        return;
    };
    let sent = frames(5, 7000, 100, 0x42);
    let s = Sniff::start(
        &lab,
        &[
            "-i",
            &lab.veth_b,
            "-c",
            "5",
            "-e",
            "ip.src",
            "-e",
            "udp.dstport",
            "-e",
            "frame.number",
            "-e",
            "frame.time_relative",
            "udp port 7000",
        ],
    );
    assert_eq!(lab.send(&sent, Duration::from_secs(10)), 5);
    let (code, out, err) = s.finish(Duration::from_secs(10));
    assert_eq!(code, 0, "{err:?}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 5, "{out}");
    for (i, l) in lines.iter().enumerate() {
        let f: Vec<&str> = l.split('\t').collect();
        assert_eq!(f.len(), 4, "{l}");
        assert_eq!((f[0], f[1]), ("198.18.0.1", "7000"), "{l}");
        assert_eq!(f[2], (i + 1).to_string());
        let rel: f64 = f[3].parse().expect("a relative time");
        if i == 0 {
            assert_eq!(f[3], "0.000000000");
        } else {
            assert!((0.0..10.0).contains(&rel), "{l}");
        }
    }
    // The same fields as CSV, with the header line.
    let s = Sniff::start(
        &lab,
        &[
            "-i",
            &lab.veth_b,
            "-c",
            "2",
            "--csv",
            "--fields",
            "ip.dst,udp.srcport",
            "udp port 7000",
        ],
    );
    assert_eq!(lab.send(&sent[..2], Duration::from_secs(10)), 2);
    let (code, out, err) = s.finish(Duration::from_secs(10));
    assert_eq!(code, 0, "{err:?}");
    assert_eq!(
        out,
        "ip.dst,udp.srcport\r\n198.18.0.3,40000\r\n198.18.0.3,40000\r\n"
    );
    // A bare -e takes the filter's first word: the link header, and the filter still whole.
    let s = Sniff::start(
        &lab,
        &["-i", &lab.veth_b, "-c", "1", "-e", "udp", "port", "7000"],
    );
    assert_eq!(
        lab.send(&frames(3, 9999, 80, 1), Duration::from_secs(10)),
        3
    );
    assert_eq!(lab.send(&sent[..1], Duration::from_secs(10)), 1);
    let (code, out, err) = s.finish(Duration::from_secs(10));
    assert_eq!(code, 0, "{err:?}");
    assert!(
        out.contains(&format!("{} > {OTHER_MAC}", netns::MAC_A)),
        "{out}"
    );
    assert!(out.contains(".7000: UDP"), "{out}");
}
