//! Sending and reply matching over the root namespace's loopback only (127.0.0.1, ::1):
//! `pktforge ping`, `sr1`, `send`, and the error without CAP_NET_RAW. Nothing leaves the
//! machine and no interface or address is changed. Skipped (with the reason) when not root.

#[path = "netns/lab3.rs"]
mod lab3;

use std::process::Command;
use std::time::Duration;

use lab3::{Out, is_root, run_timeout};
use regex::Regex;

const EXE: &str = env!("CARGO_BIN_EXE_pktforge");

fn pf(args: &[&str], secs: u64) -> Out {
    let mut c = Command::new(EXE);
    c.args(args);
    run_timeout(c, Duration::from_secs(secs))
}

fn root_or_skip(test: &str) -> bool {
    if is_root() {
        true
    } else {
        eprintln!("skipping {test}: raw sockets need root (CI runs these as root)");
        false
    }
}

/// `N packets transmitted, M received` of a ping run: (N, M).
fn sent_received(o: &Out) -> (u32, u32) {
    let re = Regex::new(r"^(\d+) packets transmitted, (\d+) received, ").unwrap();
    let c = o
        .stdout
        .lines()
        .find_map(|l| re.captures(l))
        .unwrap_or_else(|| panic!("no statistics line: {}", o.show()));
    (c[1].parse().unwrap(), c[2].parse().unwrap())
}

fn reply_lines(o: &Out, host: &str) -> usize {
    let re = Regex::new(&format!(
        r"^64 bytes from {}: icmp_seq=\d+ ttl=64 time=\d+(\.\d+)? ms$",
        regex::escape(host)
    ))
    .unwrap();
    o.stdout.lines().filter(|l| re.is_match(l)).count()
}

#[test]
fn ping_loopback_v4() {
    if !root_or_skip("ping_loopback_v4") {
        return;
    }
    let o = pf(
        &["ping", "-c", "2", "-i", "0.2", "-W", "2", "127.0.0.1"],
        10,
    );
    assert_eq!(o.code, Some(0), "{}", o.show());
    assert_eq!(
        o.stdout.lines().next(),
        Some("PING 127.0.0.1 (127.0.0.1) 56(84) bytes of data."),
        "{}",
        o.show()
    );
    assert_eq!(reply_lines(&o, "127.0.0.1"), 2, "{}", o.show());
    assert_eq!(sent_received(&o), (2, 2), "{}", o.show());
    assert!(o.stdout.contains("--- 127.0.0.1 ping statistics ---"));
    assert!(o.stdout.contains(" 0% packet loss"), "{}", o.show());
    assert!(o.stdout.contains("rtt min/avg/max/mdev = "), "{}", o.show());
}

/// Peak resident memory of the largest child process waited for so far, in KiB.
fn children_max_rss_kib() -> i64 {
    // SAFETY: getrusage only writes the struct it is given.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: RUSAGE_CHILDREN with a valid pointer.
    let r = unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut ru) };
    assert_eq!(r, 0, "getrusage");
    ru.ru_maxrss
}

#[test]
fn ping_flood_reads_answers_as_it_goes_in_bounded_memory() {
    if !root_or_skip("ping_flood_reads_answers_as_it_goes_in_bounded_memory") {
        return;
    }
    // -i 0: no time between probes. Every answer must still be read (from a socket queue
    // that holds a few thousand), and the probes kept are a window, not all 100,000.
    let o = pf(&["ping", "-q", "-c", "100000", "-i", "0", "127.0.0.1"], 60);
    assert_eq!(o.code, Some(0), "{}", o.show());
    assert_eq!(sent_received(&o), (100_000, 100_000), "{}", o.show());
    let kib = children_max_rss_kib();
    assert!(
        kib < 96 * 1024,
        "peak RSS of a child {kib} KiB: ping keeps every probe?"
    );
}

#[test]
fn ping_loopback_v6() {
    if !root_or_skip("ping_loopback_v6") {
        return;
    }
    if !std::fs::read_to_string("/proc/net/if_inet6").is_ok_and(|s| {
        s.lines()
            .any(|l| l.starts_with("00000000000000000000000000000001"))
    }) {
        eprintln!("skipping ping_loopback_v6: ::1 is not configured here");
        return;
    }
    let o = pf(&["ping", "-c", "2", "-i", "0.2", "-W", "2", "::1"], 10);
    assert_eq!(o.code, Some(0), "{}", o.show());
    assert_eq!(
        o.stdout.lines().next(),
        // iputils (20221126) writes no space before the parenthesis for IPv6.
        Some("PING ::1(::1) 56 data bytes"),
        "{}",
        o.show()
    );
    assert_eq!(reply_lines(&o, "::1"), 2, "{}", o.show());
    assert_eq!(sent_received(&o), (2, 2), "{}", o.show());
}

#[test]
fn ping_localhost_by_name() {
    if !root_or_skip("ping_localhost_by_name") {
        return;
    }
    let o = pf(&["ping", "-c", "1", "-W", "2", "localhost"], 10);
    assert_eq!(o.code, Some(0), "{}", o.show());
    let first = o.stdout.lines().next().unwrap_or("");
    // localhost resolves to 127.0.0.1 or ::1, as /etc/hosts says; iputils names both.
    assert!(
        first == "PING localhost (127.0.0.1) 56(84) bytes of data."
            || first == "PING localhost(::1) 56 data bytes",
        "{}",
        o.show()
    );
    assert_eq!(sent_received(&o), (1, 1), "{}", o.show());
    assert!(
        o.stdout.contains("--- localhost ping statistics ---"),
        "{}",
        o.show()
    );
}

#[test]
fn sr1_icmp_loopback() {
    if !root_or_skip("sr1_icmp_loopback") {
        return;
    }
    let o = pf(
        &["sr1", r#"IP(dst="127.0.0.1")/ICMP()"#, "--timeout", "2"],
        10,
    );
    assert_eq!(o.code, Some(0), "{}", o.show());
    let re = Regex::new(
        r"^IP / ICMP 127\.0\.0\.1 > 127\.0\.0\.1 echo-request 0 ==> IP / ICMP 127\.0\.0\.1 > 127\.0\.0\.1 echo-reply 0  \(rtt \d+(\.\d+)? ms\)$",
    )
    .unwrap();
    assert_eq!(
        o.stdout.lines().filter(|l| re.is_match(l)).count(),
        1,
        "{}",
        o.show()
    );
    assert!(
        Regex::new(r"(?m)^Received \d+ packets, got 1 answers, remaining 0 packets$")
            .unwrap()
            .is_match(&o.stdout),
        "{}",
        o.show()
    );
}

#[test]
fn send_icmp_loopback() {
    if !root_or_skip("send_icmp_loopback") {
        return;
    }
    let o = pf(&["send", r#"IP(dst="127.0.0.1")/ICMP()"#], 10);
    assert_eq!(o.code, Some(0), "{}", o.show());
    let re =
        Regex::new(r"(?m)^Sent 1 packets \(28 bytes\) in \d+(\.\d+)? s, \d+(\.\d+)? packets/s$")
            .unwrap();
    assert!(re.is_match(&o.stdout), "{}", o.show());
}

#[test]
fn ping_without_privilege_names_cap_net_raw() {
    if !root_or_skip("ping_without_privilege_names_cap_net_raw") {
        return;
    }
    let mut c = Command::new("setpriv");
    c.args([
        "--reuid=65534",
        "--regid=65534",
        "--clear-groups",
        "--inh-caps=-all",
        EXE,
        "ping",
        "-c",
        "1",
        "-W",
        "1",
        "127.0.0.1",
    ]);
    if Command::new("setpriv").arg("--version").output().is_err() {
        eprintln!("skipping ping_without_privilege_names_cap_net_raw: setpriv is not installed");
        return;
    }
    let o = run_timeout(c, Duration::from_secs(10));
    assert!(
        matches!(o.code, Some(1) | Some(2)),
        "exit 1 (or 2) without privilege: {}",
        o.show()
    );
    assert!(o.stderr.contains("CAP_NET_RAW"), "{}", o.show());
    assert!(!o.stdout.contains("bytes from"), "{}", o.show());
}
