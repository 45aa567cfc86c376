//! Automatic source addresses come from the host's routes, as `ip route get` reports them.

use pktforge::prelude::*;
use pktforge::route;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::process::Command;

/// The `src` that `ip route get DST` prints, or None when `ip` cannot say.
fn ip_route_src(dst: &str) -> Option<IpAddr> {
    let out = Command::new("ip")
        .args(["route", "get", dst])
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let mut words = text.split_whitespace();
    while let Some(w) = words.next() {
        if w == "src" {
            return words.next()?.parse().ok();
        }
    }
    None
}

#[test]
fn loopback_defaults_match_scapy() {
    // scapy: IP() goes 127.0.0.1 > 127.0.0.1; IPv6() ::1 > ::1.
    let p = Packet::from(IP::new());
    assert_eq!(p.layer::<IP>().unwrap().resolved_src(), Ipv4Addr::LOCALHOST);
    assert_eq!(route::src_v6(Ipv6Addr::LOCALHOST), Ipv6Addr::LOCALHOST);
}

#[test]
fn routed_sources_agree_with_ip_route_get() {
    let dsts = ["198.18.0.1", "192.0.2.1", "10.255.255.1"];
    let mut checked = 0;
    for d in dsts {
        let dst: Ipv4Addr = d.parse().unwrap();
        match ip_route_src(d) {
            Some(IpAddr::V4(want)) => {
                assert_eq!(route::src_v4(dst), want, "source for {d}");
                let built = (IP::new().dst(d) / ICMP::new()).build().unwrap();
                assert_eq!(&built[12..16], &want.octets(), "IP src for {d}");
                checked += 1;
            }
            _ => eprintln!(
                "skip {d}: `ip route get {d}` gave no source (no route, or no `ip` command)"
            ),
        }
    }
    if checked == 0 {
        eprintln!("skipped: no destination had a route here; fallback is 0.0.0.0");
        assert_eq!(
            route::host()
                .route_v4("198.18.0.1".parse().unwrap())
                .map(|r| r.src),
            None
        );
    }
}

#[test]
fn unroutable_falls_back_to_unspecified() {
    // A snapshot with no routes and no interfaces gives the documented fallbacks.
    let empty = route::HostNet::default();
    assert_eq!(empty.route_v4("198.18.0.1".parse().unwrap()), None);
    assert_eq!(empty.route_v6("fd00:beef::1".parse().unwrap()), None);
}
