//! The `pktforge` binary as a user runs it: every flag, the error messages with their
//! carets, exit statuses, pipes.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Output, Stdio};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_pktforge"))
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("run pktforge")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn ok(args: &[&str]) -> String {
    let o = run(args);
    assert!(o.status.success(), "{args:?} failed: {}", stderr(&o));
    stdout(&o)
}

const PING: &str = r#"IP(src="198.18.0.2",dst="198.18.0.1")/ICMP()"#;
const PING_HEX: &str = "4500001c000100004001eeb8c6120002c61200010800f7ff00000000";

#[test]
fn version_and_help() {
    assert_eq!(
        ok(&["--version"]),
        format!("pktforge {}\n", env!("CARGO_PKG_VERSION"))
    );
    for sub in ["craft", "decode", "ls", "completions", "man"] {
        let h = ok(&[sub, "--help"]);
        assert!(h.contains("Examples:"), "{sub} --help has no example:\n{h}");
    }
    assert!(ok(&["--help"]).contains("Examples:"));
    let o = run(&["no-such-command"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn craft_summary_hex_and_count() {
    let s = ok(&["craft", PING]);
    assert_eq!(s, "IP / ICMP 198.18.0.2 > 198.18.0.1 echo-request 0\n");
    let h = ok(&["craft", PING, "--hex"]);
    let want = pktforge::packet::Packet::from(
        pktforge::layers::IP::new()
            .src("198.18.0.2")
            .dst("198.18.0.1"),
    ) / pktforge::layers::ICMP::new();
    assert_eq!(h.trim(), hex::encode(want.build().unwrap()));
    let set = r#"IP(src="198.18.0.2",dst="198.18.0.0/30")/TCP(dport=[22,80],flags="S")"#;
    assert_eq!(ok(&["craft", set, "--count"]), "8\n");
    assert_eq!(ok(&["craft", set, "--hex"]).lines().count(), 8);
    let bench = r#"IP(dst="10.0.0.0/24")/TCP(dport=[22,80,443],flags="S")"#;
    assert_eq!(ok(&["craft", bench, "--count"]), "768\n");
}

#[test]
fn craft_show_hexdump_raw_command() {
    let show = ok(&["craft", PING, "--show"]);
    assert!(show.starts_with("###[ IP ]###\n"), "{show}");
    assert!(
        show.contains("###[ ICMP ]###") && show.contains("chksum    = 0x"),
        "{show}"
    );
    let dump = ok(&["craft", PING, "--hexdump"]);
    assert!(dump.starts_with("0000  45 00 00 1C"), "{dump}");
    let raw = run(&["craft", PING, "--raw"]);
    assert!(raw.status.success());
    assert_eq!(raw.stdout.len(), 28);
    assert_eq!(raw.stdout[0], 0x45);
    // The canonical expression builds the same bytes again.
    let cmd = ok(&["craft", PING, "--command"]);
    let again = ok(&["craft", cmd.trim(), "--hex"]);
    assert_eq!(again, ok(&["craft", PING, "--hex"]), "{cmd}");
}

#[test]
fn craft_writes_pcap() {
    let dir = std::env::temp_dir().join(format!("pktforge-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("probes.pcap");
    let o = run(&[
        "craft",
        r#"IP(src="198.18.0.2",dst="198.18.0.1",ttl=(1,3))/UDP(dport=33434)"#,
        "-w",
        f.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).is_empty());
    assert!(stderr(&o).contains("wrote 3 packets"), "{}", stderr(&o));
    let b = std::fs::read(&f).unwrap();
    assert_eq!(&b[..4], &[0xd4, 0xc3, 0xb2, 0xa1]);
    assert_eq!(u32::from_le_bytes(b[20..24].try_into().unwrap()), 101);
    // Three records of 16 + 28 bytes.
    assert_eq!(b.len(), 24 + 3 * (16 + 28));
    let e = dir.join("eth.pcap");
    let o = run(&[
        "craft",
        r#"Ether(src="02:00:00:00:00:01",dst="02:00:00:00:00:02")/IP(src="198.18.0.2",dst="198.18.0.1")"#,
        "-w",
        e.to_str().unwrap(),
        "--hex",
    ]);
    assert!(o.status.success());
    assert_eq!(stdout(&o).lines().count(), 1);
    let b = std::fs::read(&e).unwrap();
    assert_eq!(u32::from_le_bytes(b[20..24].try_into().unwrap()), 1);
    let bad = run(&["craft", PING, "-w", "/nonexistent-dir/x.pcap"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(stderr(&bad).contains("cannot create /nonexistent-dir/x.pcap"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn craft_fuzz_seed_is_reproducible() {
    let e = r#"IP(src="198.18.0.2",dst="198.18.0.1")/fuzz(TCP())"#;
    let a = ok(&["craft", e, "--hex", "--seed", "7"]);
    let b = ok(&["craft", e, "--hex", "--seed", "7"]);
    let c = ok(&["craft", e, "--hex", "--seed", "8"]);
    assert_eq!(a, b);
    assert_ne!(a, c);
}

/// The caret line points at the columns of `needle` in the expression.
fn assert_caret(args: &[&str], expr: &str, needle: &str, message: &str) {
    let o = run(args);
    assert_eq!(o.status.code(), Some(2), "{args:?}");
    let err = stderr(&o);
    assert!(err.contains(message), "{args:?}: {err}");
    let lines: Vec<&str> = err.lines().collect();
    let i = lines
        .iter()
        .position(|l| l.trim_start() == expr)
        .unwrap_or_else(|| panic!("expression not echoed: {err}"));
    let indent = lines[i].len() - expr.len();
    let caret = lines[i + 1];
    let col = expr.find(needle).unwrap();
    assert_eq!(
        caret.find('^'),
        Some(indent + col),
        "caret at the wrong column:\n{err}"
    );
}

#[test]
fn craft_errors_point_at_the_problem() {
    let e = r#"IP(dst="198.18.0.1")/ICMPv6EchoReqest()"#;
    assert_caret(
        &["craft", e],
        e,
        "ICMPv6EchoReqest",
        "did you mean ICMPv6EchoRequest?",
    );
    let e = r#"IP(ttll=3)/ICMP()"#;
    assert_caret(&["craft", e], e, "ttll", "ttl");
    let e = r#"IP(ttl=300)"#;
    assert_caret(&["craft", e], e, "300", "ttl takes 0..=255, got 300");
    let e = r#"IP(dst="198.18.0.1"/ICMP()"#;
    let o = run(&["craft", e]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains('^'), "{}", stderr(&o));
}

#[test]
fn head_closing_the_pipe_is_quiet() {
    let mut child = bin()
        .args([
            "craft",
            r#"IP(src="198.18.0.2",dst="10.0.0.0/8")/ICMP()"#,
            "--hex",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    {
        let out = child.stdout.take().unwrap();
        let mut r = BufReader::new(out);
        r.read_line(&mut first).unwrap();
        // Dropping the reader closes the pipe, like `| head -1`.
    }
    let status = child.wait().unwrap();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert!(first.starts_with("45"), "{first}");
    assert!(status.success(), "exit {status:?}, stderr {err}");
    assert!(err.is_empty(), "{err}");
}

#[test]
fn decode_forms() {
    let s = ok(&["decode", PING_HEX, "--link", "ip", "--summary"]);
    assert_eq!(s, "IP / ICMP 198.18.0.2 > 198.18.0.1 echo-request 0\n");
    let o = run(&["decode", PING_HEX, "--link", "auto", "--summary"]);
    assert!(stderr(&o).contains("chose ipv4"));
    assert_eq!(stdout(&o), s);
    let t = ok(&["decode", PING_HEX, "--link", "ipv4"]);
    assert!(t.contains("###[ ICMP ]###"));
    let d = ok(&["decode", PING_HEX, "--link", "ip", "--hexdump"]);
    assert!(d.contains("0000  45 00 00 1C"));
    // stdin, hex text with spaces.
    let mut child = bin()
        .args(["decode", "-", "--link", "ip", "--summary"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"4500001c 00010000 4001eeb8 c6120002 c6120001 0800f7ff 00000000\n")
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(stdout(&o), s);
    // A file of raw bytes.
    let f = std::env::temp_dir().join(format!("pktforge-decode-{}.bin", std::process::id()));
    std::fs::write(&f, hex::decode(PING_HEX).unwrap()).unwrap();
    assert_eq!(
        ok(&[
            "decode",
            "--file",
            f.to_str().unwrap(),
            "--link",
            "ip",
            "--summary"
        ]),
        s
    );
    let _ = std::fs::remove_file(&f);
    // Truncated bytes are shown and marked.
    let t = ok(&["decode", &PING_HEX[..40], "--link", "ip"]);
    assert!(t.contains("[malformed: IP at offset 0 truncated"), "{t}");
    // Not hex: usage error with a caret.
    let o = run(&["decode", "4500zz"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("not hex at column 5"), "{err}");
    assert!(err.contains("\n      ^"), "{err}");
}

#[test]
fn ls_layers_and_fields() {
    let all = ok(&["ls"]);
    assert!(all.lines().any(|l| l.starts_with("TCP ")), "{all}");
    assert!(all.lines().count() >= 30);
    let tcp = ok(&["ls", "TCP"]);
    for f in [
        "sport", "dport", "seq", "ack", "dataofs", "flags", "window", "chksum", "options",
    ] {
        assert!(tcp.lines().any(|l| l.starts_with(f)), "{f} missing:\n{tcp}");
    }
    let o = run(&["ls", "TPC"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("did you mean TCP?"), "{}", stderr(&o));
}

#[test]
fn completions_and_man() {
    for sh in ["bash", "zsh", "fish"] {
        let s = ok(&["completions", sh]);
        assert!(s.contains("pktforge") && s.contains("craft"), "{sh}");
    }
    let man = ok(&["man"]);
    assert!(man.contains(".TH pktforge 1"), "{man}");
    assert!(man.contains("craft"));
}
