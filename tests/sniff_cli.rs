//! `pktforge sniff` errors that need no privilege and no traffic.

use std::process::Command;

fn sniff(args: &[&str]) -> (i32, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_pktforge"))
        .arg("sniff")
        .args(args)
        .output()
        .expect("pktforge");
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stderr).to_string(),
    )
}

#[test]
fn unknown_interface_lists_the_existing_ones() {
    let (code, err) = sniff(&["-i", "nosuch0", "-c", "1"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.starts_with("error: no interface named nosuch0; the interfaces are: lo"),
        "{err}"
    );
    assert!(err.trim_end().ends_with("(and any)"), "{err}");
}

#[test]
fn filter_error_shows_the_caret_and_exits_2() {
    let (code, err) = sniff(&["-i", "lo", "-c", "1", "tcp", "port", "x"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.lines().any(|l| l.trim_end().ends_with('^')), "{err}");
    // A filter the link type cannot carry is a usage error too.
    let (code, err) = sniff(&["-i", "any", "-c", "1", "ether host 02:00:00:00:00:01"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("ethernet addresses supported only on ethernet"),
        "{err}"
    );
}

#[test]
fn rotation_flags_need_their_partners() {
    let (code, _) = sniff(&["-C", "1"]);
    assert_eq!(code, 2);
    let (code, _) = sniff(&["-w", "x.pcap", "-W", "2"]);
    assert_eq!(code, 2);
}
