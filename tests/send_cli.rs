//! Usage errors of send, sendp, sr, sr1, ping, traceroute and arping: refused with exit
//! status 2 and a message that says what to change, before any socket is opened (so these
//! run without root and send nothing).

use std::process::{Command, Output};

fn pf(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pktforge"))
        .args(args)
        .output()
        .expect("runs pktforge")
}

fn refused(args: &[&str], says: &str) {
    let o = pf(args);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
    assert!(err.contains(says), "{args:?}: {err:?} lacks {says:?}");
    assert!(o.stdout.is_empty(), "{args:?} printed {:?}", o.stdout);
}

#[test]
fn bad_rates_and_intervals() {
    refused(
        &["send", "IP(dst='127.0.0.1')/ICMP()", "--rate", "fast"],
        "--rate takes packets per second",
    );
    refused(
        &["send", "IP(dst='127.0.0.1')/ICMP()", "--rate=-5"],
        "--rate takes packets per second",
    );
    refused(
        &["send", "IP(dst='127.0.0.1')/ICMP()", "--interval=-1"],
        "--interval",
    );
}

#[test]
fn sets_beyond_the_probe_limit() {
    refused(
        &["sr", "IP(dst='198.18.0.0/15')/ICMP()"],
        "at most 65536 distinct packets",
    );
    refused(
        &["send", "IP(dst='198.18.0.0/15')/ICMP()"],
        "repeat a smaller set with --count",
    );
}

#[test]
fn layer3_needs_an_ip_layer() {
    refused(
        &["send", "Ether()/ARP(pdst='198.18.0.2')"],
        "does not start with IP() or IPv6()",
    );
}

#[test]
fn bad_expressions_show_the_caret() {
    refused(&["sr1", "IP(dst='127.0.0.1')/ICMPP()"], "ICMPP");
    refused(&["send", "IP(ttl=)"], "^");
}

#[test]
fn ping_traceroute_arping_arguments() {
    refused(&["ping", "-c", "0", "127.0.0.1"], "invalid -c value");
    refused(&["ping", "-p", "zz", "127.0.0.1"], "hex digits");
    refused(&["ping", "-M", "maybe", "127.0.0.1"], "-M takes do or dont");
    refused(&["ping", "-s", "70000", "127.0.0.1"], "out of range");
    refused(
        &["traceroute", "-f", "5", "-m", "3", "127.0.0.1"],
        "first hop",
    );
    refused(
        &["traceroute", "--proto", "sctp", "127.0.0.1"],
        "--proto takes",
    );
    refused(&["traceroute", "-q", "0", "127.0.0.1"], "-q takes");
    refused(&["arping", "--interval=-2", "198.18.0.1"], "--interval");
    refused(&["sr1", "IP()/ICMP()", "--timeout=-1"], "--timeout");
}

#[test]
fn unknown_names_fail_with_the_name() {
    let o = pf(&["ping", "-c", "1", "no-such-host.invalid"]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("no-such-host.invalid"), "{err}");
    let o = pf(&["ping", "-6", "-c", "1", "198.18.0.1"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("IPv4 address and -6"),
        "{:?}",
        o.stderr
    );
}
