//! scapy's reply matching (`pktforge::net::answers`): for every rule a matching pair, whose
//! `hashret` values are equal, and near misses rejected by the right rule; random bytes never
//! make `answers` or `hashret` panic.

use pktforge::net::answers::{Reject, answers, hashret};
use pktforge::prelude::*;
use proptest::prelude::*;

const ME: &str = "198.18.0.1";
const HOST: &str = "198.18.1.2";
const ROUTER: &str = "198.18.0.254";
const ME6: &str = "2001:db8::1";
const HOST6: &str = "2001:db8:1::2";
const ROUTER6: &str = "2001:db8::fe";

/// Builds `p` and parses the bytes back, as the sr engine sees probes and captures.
fn wire(link: LinkType, p: Packet) -> Packet {
    let b = p.build().expect("build");
    Packet::parse(link, &b)
}

/// A probe as sent: L3, parsed back from its bytes.
fn probe(p: Packet) -> (Packet, Vec<u8>) {
    let b = p.build().expect("build");
    let link = if b.first().is_some_and(|v| v >> 4 == 6) {
        LinkType::Ipv6
    } else {
        LinkType::Ipv4
    };
    (Packet::parse(link, &b), b)
}

/// A reply as captured on an Ethernet interface.
fn captured(p: Packet) -> Packet {
    wire(LinkType::Ether, Ether::new() / p)
}

fn assert_answers(reply: &Packet, probe: &Packet) {
    assert_eq!(
        answers(reply, probe),
        Ok(()),
        "{reply:?}\n does not answer\n{probe:?}"
    );
    assert_eq!(hashret(reply), hashret(probe), "hashret differs");
}

fn rejected(reply: &Packet, probe: &Packet) -> Reject {
    match answers(reply, probe) {
        Ok(()) => panic!("{reply:?}\n answers\n{probe:?}"),
        Err(e) => e,
    }
}

// ---------------------------------------------------------------------------------------
// ICMP echo
// ---------------------------------------------------------------------------------------

fn ping(id: u16, seq: u16) -> Packet {
    probe(IP::new().src(ME).dst(HOST) / ICMP::new().id(id).seq(seq)).0
}

fn pong(src: &str, id: u16, seq: u16) -> Packet {
    captured(IP::new().src(src).dst(ME) / ICMP::new().type_(0).id(id).seq(seq))
}

#[test]
fn icmp_echo_reply_answers_request() {
    assert_answers(&pong(HOST, 0x1234, 2), &ping(0x1234, 2));
}

#[test]
fn icmp_echo_reply_with_other_seq_is_rejected() {
    let e = rejected(&pong(HOST, 0x1234, 3), &ping(0x1234, 2));
    assert_eq!(
        e,
        Reject::IdSeq {
            layer: "ICMP echo",
            reply_id: 0x1234,
            reply_seq: 3,
            probe_id: 0x1234,
            probe_seq: 2
        }
    );
    assert_eq!(
        e.to_string(),
        "ICMP echo: reply id 0x1234 seq 3 != probe id 0x1234 seq 2"
    );
}

#[test]
fn icmp_echo_reply_from_another_host_is_rejected() {
    let e = rejected(&pong("198.18.1.9", 0x1234, 2), &ping(0x1234, 2));
    assert!(matches!(e, Reject::IpSrc { layer: "IP", .. }), "{e:?}");
    assert_eq!(
        e.to_string(),
        "IP: reply src 198.18.1.9 != probe dst 198.18.1.2"
    );
}

#[test]
fn icmp_reply_to_another_address_is_rejected() {
    let r = captured(IP::new().src(HOST).dst("198.18.0.7") / ICMP::new().type_(0).id(1).seq(1));
    let e = rejected(&r, &ping(1, 1));
    assert!(matches!(e, Reject::IpDst { .. }), "{e:?}");
    assert_eq!(
        e.to_string(),
        "IP: reply dst 198.18.0.7 != probe src 198.18.0.1"
    );
}

#[test]
fn icmp_request_does_not_answer_request() {
    let r = captured(IP::new().src(HOST).dst(ME) / ICMP::new().id(1).seq(1));
    let e = rejected(&r, &ping(1, 1));
    assert_eq!(
        e,
        Reject::IcmpType {
            layer: "ICMP",
            reply: 8,
            probe: 8
        }
    );
}

#[test]
fn icmp_timestamp_reply_answers_timestamp_request() {
    let p = probe(IP::new().src(ME).dst(HOST) / ICMP::new().type_(13).id(5).seq(6)).0;
    let r = captured(IP::new().src(HOST).dst(ME) / ICMP::new().type_(14).id(5).seq(6));
    assert_answers(&r, &p);
    let echo = pong(HOST, 5, 6);
    assert!(matches!(
        rejected(&echo, &p),
        Reject::IcmpType {
            reply: 0,
            probe: 13,
            ..
        }
    ));
}

#[test]
fn reply_of_another_protocol_is_rejected() {
    let r = captured(IP::new().src(HOST).dst(ME) / UDP::new().sport(53).dport(53));
    let e = rejected(&r, &ping(1, 1));
    assert_eq!(
        e,
        Reject::Proto {
            layer: "IP",
            reply: 17,
            probe: 1
        }
    );
}

#[test]
fn link_layers_of_the_reply_are_skipped_for_an_l3_probe() {
    let p = ping(9, 9);
    let ip = IP::new().src(HOST).dst(ME) / ICMP::new().type_(0).id(9).seq(9);
    let vlan = wire(
        LinkType::Ether,
        Ether::new() / Dot1Q::new().vlan(7) / ip.clone(),
    );
    assert_answers(&vlan, &p);
    let sll = wire(LinkType::Sll, CookedLinux::new() / ip.clone());
    assert_answers(&sll, &p);
    let raw = wire(LinkType::Ipv4, ip);
    assert_answers(&raw, &p);
}

// ---------------------------------------------------------------------------------------
// Ether (srp)
// ---------------------------------------------------------------------------------------

#[test]
fn ether_reply_answers_ether_probe() {
    let p = wire(
        LinkType::Ether,
        Ether::new().dst("02:00:00:00:00:02")
            / IP::new().src(ME).dst(HOST)
            / ICMP::new().id(3).seq(4),
    );
    let r = pong(HOST, 3, 4);
    assert_answers(&r, &p);
}

#[test]
fn ether_reply_of_another_type_is_rejected() {
    let p = wire(
        LinkType::Ether,
        Ether::new().dst("02:00:00:00:00:02")
            / IP::new().src(ME).dst(HOST)
            / ICMP::new().id(3).seq(4),
    );
    let r = wire(
        LinkType::Ether,
        Ether::new() / ARP::new().op(2).psrc(HOST).pdst(ME),
    );
    let e = rejected(&r, &p);
    assert_eq!(
        e,
        Reject::EtherType {
            reply: 0x0806,
            probe: 0x0800
        }
    );
    assert_eq!(
        e.to_string(),
        "Ether: reply type 0x0806 != probe type 0x0800"
    );
}

// ---------------------------------------------------------------------------------------
// ARP
// ---------------------------------------------------------------------------------------

fn who_has() -> Packet {
    wire(
        LinkType::Ether,
        Ether::new()
            .dst("ff:ff:ff:ff:ff:ff")
            .src("02:00:00:00:00:01")
            / ARP::new().hwsrc("02:00:00:00:00:01").psrc(ME).pdst(HOST),
    )
}

fn is_at(psrc: &str, op: u16) -> Packet {
    wire(
        LinkType::Ether,
        Ether::new()
            .dst("02:00:00:00:00:01")
            .src("02:00:00:00:00:02")
            / ARP::new()
                .op(op)
                .hwsrc("02:00:00:00:00:02")
                .psrc(psrc)
                .hwdst("02:00:00:00:00:01")
                .pdst(ME),
    )
}

#[test]
fn arp_is_at_answers_who_has() {
    assert_answers(&is_at(HOST, 2), &who_has());
}

#[test]
fn arp_is_at_for_another_address_is_rejected() {
    let e = rejected(&is_at("198.18.1.3", 2), &who_has());
    assert_eq!(
        e,
        Reject::ArpAddr {
            reply_psrc: "198.18.1.3".into(),
            probe_pdst: HOST.into()
        }
    );
    assert_eq!(
        e.to_string(),
        "ARP: reply psrc 198.18.1.3 != probe pdst 198.18.1.2"
    );
}

#[test]
fn arp_who_has_does_not_answer_who_has() {
    let e = rejected(&is_at(HOST, 1), &who_has());
    assert_eq!(e, Reject::ArpOp { reply: 1, probe: 1 });
}

// ---------------------------------------------------------------------------------------
// TCP
// ---------------------------------------------------------------------------------------

fn syn() -> Packet {
    probe(IP::new().src(ME).dst(HOST) / TCP::new().sport(40000).dport(80).seq(1000).flags("S")).0
}

fn tcp_reply(flags: &str, sport: u16, dport: u16, seq: u32, ack: u32) -> Packet {
    captured(
        IP::new().src(HOST).dst(ME)
            / TCP::new()
                .sport(sport)
                .dport(dport)
                .seq(seq)
                .ack(ack)
                .flags(flags),
    )
}

#[test]
fn tcp_syn_ack_answers_syn() {
    assert_answers(&tcp_reply("SA", 80, 40000, 5000, 1001), &syn());
}

#[test]
fn tcp_rst_ack_answers_syn() {
    assert_answers(&tcp_reply("RA", 80, 40000, 0, 1001), &syn());
}

#[test]
fn tcp_syn_ack_with_wrong_ack_is_rejected() {
    let e = rejected(&tcp_reply("SA", 80, 40000, 5000, 1004), &syn());
    assert_eq!(
        e,
        Reject::TcpAck {
            reply_ack: 1004,
            probe_seq: 1000,
            slack: 2
        }
    );
    assert_eq!(
        e.to_string(),
        "TCP: ack 1004 is not probe seq 1000 + 1 (slack 2)"
    );
    // scapy's slack: within 2 of the probe's seq is still an answer.
    assert_eq!(
        answers(&tcp_reply("SA", 80, 40000, 5000, 1002), &syn()),
        Ok(())
    );
}

#[test]
fn tcp_reply_with_wrong_ports_is_rejected() {
    let e = rejected(&tcp_reply("SA", 80, 40001, 5000, 1001), &syn());
    assert_eq!(
        e,
        Reject::TcpPorts {
            reply_sport: 80,
            reply_dport: 40001,
            probe_sport: 40000,
            probe_dport: 80
        }
    );
}

#[test]
fn tcp_syn_without_ack_is_no_answer() {
    let e = rejected(&tcp_reply("S", 80, 40000, 5000, 1001), &syn());
    assert!(
        matches!(e, Reject::TcpSynWithoutAck { reply_flags: 0x02 }),
        "{e:?}"
    );
}

#[test]
fn tcp_rst_probe_gets_no_answer() {
    let p =
        probe(IP::new().src(ME).dst(HOST) / TCP::new().sport(40000).dport(80).seq(1000).flags("R"))
            .0;
    let e = rejected(&tcp_reply("RA", 80, 40000, 0, 1001), &p);
    assert!(matches!(e, Reject::TcpRstProbe { .. }), "{e:?}");
}

#[test]
fn tcp_ack_with_payload_gets_slack_for_its_length() {
    let p = probe(
        IP::new().src(ME).dst(HOST)
            / TCP::new()
                .sport(40000)
                .dport(80)
                .seq(1000)
                .ack(7000)
                .flags("PA")
            / Raw::from_bytes(b"GET / HTTP/1.0\r\n\r\n"),
    )
    .0;
    let r = tcp_reply("A", 80, 40000, 7000, 1018);
    assert_answers(&r, &p);
    let far = tcp_reply("A", 80, 40000, 7000, 1030);
    assert!(matches!(
        rejected(&far, &p),
        Reject::TcpAck { slack: 20, .. }
    ));
    let bad_seq = tcp_reply("A", 80, 40000, 9000, 1018);
    assert!(matches!(
        rejected(&bad_seq, &p),
        Reject::TcpSeq {
            reply_seq: 9000,
            probe_ack: 7000
        }
    ));
}

// ---------------------------------------------------------------------------------------
// UDP and DNS
// ---------------------------------------------------------------------------------------

fn dns_query(id: u16) -> (Packet, Vec<u8>) {
    probe(
        IP::new().src(ME).dst(HOST)
            / UDP::new().sport(33333).dport(53)
            / DNS::new()
                .id(id)
                .qd(vec![DNSQR::new().qname("example.com")]),
    )
}

fn dns_answer(id: u16, qr: u8, dport: u16) -> Packet {
    captured(
        IP::new().src(HOST).dst(ME)
            / UDP::new().sport(53).dport(dport)
            / DNS::new()
                .id(id)
                .qr(qr)
                .qd(vec![DNSQR::new().qname("example.com")]),
    )
}

#[test]
fn dns_answer_answers_query() {
    let (p, _) = dns_query(0x4242);
    let r = dns_answer(0x4242, 1, 33333);
    assert!(r.layer::<DNS>().is_some());
    assert_answers(&r, &p);
}

#[test]
fn dns_answer_with_other_id_is_rejected() {
    let (p, _) = dns_query(0x4242);
    let e = rejected(&dns_answer(0x4243, 1, 33333), &p);
    assert_eq!(
        e,
        Reject::DnsId {
            reply: 0x4243,
            probe: 0x4242
        }
    );
}

#[test]
fn dns_query_does_not_answer_query() {
    let (p, _) = dns_query(0x4242);
    let e = rejected(&dns_answer(0x4242, 0, 33333), &p);
    assert_eq!(e, Reject::DnsQr { reply: 0, probe: 0 });
}

#[test]
fn udp_reply_to_another_port_is_rejected() {
    let (p, _) = dns_query(0x4242);
    let e = rejected(&dns_answer(0x4242, 1, 33334), &p);
    assert_eq!(
        e,
        Reject::UdpPort {
            reply_dport: 33334,
            probe_sport: 33333
        }
    );
    assert_eq!(e.to_string(), "UDP: reply dport 33334 != probe sport 33333");
}

#[test]
fn udp_reply_without_known_payload_matches_on_ports() {
    let p = probe(
        IP::new().src(ME).dst(HOST) / UDP::new().sport(4000).dport(7) / Raw::from_bytes(b"hi"),
    )
    .0;
    let r = captured(
        IP::new().src(HOST).dst(ME) / UDP::new().sport(7).dport(4000) / Raw::from_bytes(b"hi"),
    );
    assert_answers(&r, &p);
}

// ---------------------------------------------------------------------------------------
// ICMP errors
// ---------------------------------------------------------------------------------------

/// An ICMP error from `src` quoting the first `n` bytes of `quoted`.
fn icmp_error(src: &str, t: u8, code: u8, quoted: &[u8], n: usize) -> Packet {
    let q = quoted.get(..n.min(quoted.len())).unwrap_or(quoted);
    captured(IP::new().src(src).dst(ME) / ICMP::new().type_(t).code(code) / Raw::from_bytes(q))
}

fn udp_probe() -> (Packet, Vec<u8>) {
    probe(
        IP::new().src(ME).dst(HOST)
            / UDP::new().sport(33434).dport(33435)
            / Raw::from_bytes(&[0u8; 32]),
    )
}

#[test]
fn port_unreachable_answers_udp_probe() {
    let (p, b) = udp_probe();
    let r = icmp_error(HOST, 3, 3, &b, 28);
    assert!(r.layers().iter().any(|l| l.kind() == LayerKind::UDPerror));
    assert_answers(&r, &p);
    // The whole datagram quoted (RFC 1812 routers quote more).
    assert_answers(&icmp_error(HOST, 3, 3, &b, b.len()), &p);
}

#[test]
fn port_unreachable_for_another_port_is_rejected() {
    let (p, _) = udp_probe();
    let (_, other) = probe(IP::new().src(ME).dst(HOST) / UDP::new().sport(33434).dport(33436));
    let e = rejected(&icmp_error(HOST, 3, 3, &other, 28), &p);
    assert_eq!(
        e,
        Reject::QuotedPorts {
            layer: "ICMP",
            proto: "UDP",
            quoted_sport: 33434,
            quoted_dport: 33436,
            probe_sport: 33434,
            probe_dport: 33435
        }
    );
    assert_eq!(
        e.to_string(),
        "ICMP error: quoted UDP sport 33434 dport 33436 != probe sport 33434 dport 33435"
    );
}

#[test]
fn icmp_error_quoting_another_destination_is_rejected() {
    let (p, _) = udp_probe();
    let (_, other) =
        probe(IP::new().src(ME).dst("198.18.1.3") / UDP::new().sport(33434).dport(33435));
    let e = rejected(&icmp_error(ROUTER, 11, 0, &other, 28), &p);
    assert!(
        matches!(e, Reject::QuotedAddr { field: "dst", .. }),
        "{e:?}"
    );
    assert_eq!(
        e.to_string(),
        "ICMP error: quoted dst 198.18.1.3 != probe dst 198.18.1.2"
    );
}

#[test]
fn icmp_error_sent_elsewhere_is_rejected() {
    let (p, b) = udp_probe();
    let r = captured(
        IP::new().src(ROUTER).dst("198.18.0.9") / ICMP::new().type_(11) / Raw::from_bytes(&b[..28]),
    );
    assert!(matches!(rejected(&r, &p), Reject::IpDst { .. }));
}

#[test]
fn time_exceeded_answers_icmp_echo_from_any_router() {
    let (p, b) = probe(IP::new().src(ME).dst(HOST).ttl(3) / ICMP::new().id(0x77).seq(5));
    let r = icmp_error(ROUTER, 11, 0, &b, 28);
    assert!(r.layers().iter().any(|l| l.kind() == LayerKind::ICMPerror));
    assert_answers(&r, &p);
    let (other, _) = probe(IP::new().src(ME).dst(HOST).ttl(3) / ICMP::new().id(0x77).seq(6));
    let e = rejected(&r, &other);
    assert!(
        matches!(e, Reject::QuotedIcmp { layer: "ICMP", .. }),
        "{e:?}"
    );
}

#[test]
fn time_exceeded_answers_tcp_syn_with_eight_bytes_quoted() {
    let (p, b) = probe(
        IP::new().src(ME).dst(HOST).ttl(2) / TCP::new().sport(40000).dport(443).seq(77).flags("S"),
    );
    let r = icmp_error(ROUTER, 11, 0, &b, 28);
    assert!(r.layers().iter().any(|l| l.kind() == LayerKind::TCPerror));
    assert_answers(&r, &p);
    // A TCP probe quoted as UDP is not this probe.
    let (u, _) = udp_probe();
    assert!(matches!(
        rejected(&r, &u),
        Reject::QuotedProto {
            quoted: 6,
            probe: 17,
            ..
        }
    ));
}

#[test]
fn quote_cut_inside_the_upper_header_matches_on_what_is_there() {
    let (p, b) =
        probe(IP::new().src(ME).dst(HOST) / TCP::new().sport(40000).dport(443).seq(77).flags("S"));
    // 4 bytes of TCP: only the ports.
    let r = icmp_error(ROUTER, 11, 0, &b, 24);
    assert_answers(&r, &p);
    let (other, _) =
        probe(IP::new().src(ME).dst(HOST) / TCP::new().sport(40000).dport(444).flags("S"));
    assert!(matches!(
        rejected(&r, &other),
        Reject::QuotedPorts { proto: "TCP", .. }
    ));
    // 2 bytes of UDP: only the source port.
    let (u, ub) = udp_probe();
    assert_answers(&icmp_error(HOST, 3, 3, &ub, 22), &u);
}

// ---------------------------------------------------------------------------------------
// IPv6
// ---------------------------------------------------------------------------------------

fn ping6(id: u16, seq: u16) -> (Packet, Vec<u8>) {
    probe(
        IPv6::new().src(ME6).dst(HOST6)
            / ICMPv6EchoRequest::new()
                .id(id)
                .seq(seq)
                .data(b"abc".to_vec()),
    )
}

fn pong6(src: &str, id: u16, seq: u16, data: &[u8]) -> Packet {
    captured(
        IPv6::new().src(src).dst(ME6) / ICMPv6EchoReply::new().id(id).seq(seq).data(data.to_vec()),
    )
}

#[test]
fn icmpv6_echo_reply_answers_request() {
    assert_answers(&pong6(HOST6, 1, 2, b"abc"), &ping6(1, 2).0);
}

#[test]
fn icmpv6_echo_reply_with_other_seq_or_data_is_rejected() {
    let (p, _) = ping6(1, 2);
    let e = rejected(&pong6(HOST6, 1, 3, b"abc"), &p);
    assert_eq!(
        e.to_string(),
        "ICMPv6 echo: reply id 0x0001 seq 3 != probe id 0x0001 seq 2"
    );
    let e = rejected(&pong6(HOST6, 1, 2, b"abd!"), &p);
    assert_eq!(
        e,
        Reject::EchoData {
            reply_len: 4,
            probe_len: 3
        }
    );
    let e = rejected(&pong6("2001:db8:1::9", 1, 2, b"abc"), &p);
    assert!(matches!(e, Reject::IpSrc { layer: "IPv6", .. }), "{e:?}");
}

#[test]
fn icmpv6_echo_to_multicast_is_answered_by_any_node() {
    let (p, _) = probe(IPv6::new().src(ME6).dst("ff02::1") / ICMPv6EchoRequest::new().id(4).seq(1));
    let r = pong6("fe80::42", 4, 1, b"");
    assert_answers(&r, &p);
}

#[test]
fn icmpv6_time_exceeded_answers_the_probe_it_quotes() {
    let (p, b) = ping6(9, 1);
    let r = captured(
        IPv6::new().src(ROUTER6).dst(ME6) / ICMPv6TimeExceeded::new() / Raw::from_bytes(&b),
    );
    assert!(r.layers().iter().any(|l| l.kind() == LayerKind::IPerror6));
    assert_answers(&r, &p);
    let (other, _) = ping6(9, 2);
    let e = rejected(&r, &other);
    assert!(
        matches!(
            e,
            Reject::QuotedIcmp {
                layer: "ICMPv6",
                ..
            }
        ),
        "{e:?}"
    );
}

#[test]
fn icmpv6_dest_unreach_answers_udp_probe() {
    let (p, b) = probe(IPv6::new().src(ME6).dst(HOST6) / UDP::new().sport(5000).dport(33435));
    let r = captured(
        IPv6::new().src(HOST6).dst(ME6) / ICMPv6DestUnreach::new().code(4) / Raw::from_bytes(&b),
    );
    assert_answers(&r, &p);
    let (other, _) =
        probe(IPv6::new().src(ME6).dst("2001:db8:1::3") / UDP::new().sport(5000).dport(33435));
    let e = rejected(&r, &other);
    assert!(
        matches!(
            e,
            Reject::QuotedAddr {
                layer: "ICMPv6",
                field: "dst",
                ..
            }
        ),
        "{e:?}"
    );
}

fn ns() -> Packet {
    probe(
        IPv6::new().src("fe80::1").dst("ff02::1:ff00:2").hlim(255)
            / ICMPv6ND_NS::new().tgt("fe80::2")
            / ICMPv6NDOptSrcLLAddr::new().lladdr("02:00:00:00:00:01"),
    )
    .0
}

fn na(src: &str, dst: &str, tgt: &str) -> Packet {
    captured(
        IPv6::new().src(src).dst(dst).hlim(255)
            / ICMPv6ND_NA::new().tgt(tgt)
            / ICMPv6NDOptDstLLAddr::new().lladdr("02:00:00:00:00:02"),
    )
}

#[test]
fn nd_na_answers_ns_sent_to_the_solicited_node_group() {
    assert_answers(&na("fe80::2", "fe80::1", "fe80::2"), &ns());
}

#[test]
fn nd_na_for_another_target_is_rejected() {
    let e = rejected(&na("fe80::3", "fe80::1", "fe80::3"), &ns());
    assert_eq!(
        e,
        Reject::NdTarget {
            reply: "fe80::3".parse().expect("addr"),
            probe: "fe80::2".parse().expect("addr")
        }
    );
}

#[test]
fn nd_na_to_another_group_is_rejected() {
    let e = rejected(&na("fe80::2", "ff02::1", "fe80::2"), &ns());
    assert!(matches!(e, Reject::Multicast { .. }), "{e:?}");
}

// ---------------------------------------------------------------------------------------
// No panics on untrusted bytes
// ---------------------------------------------------------------------------------------

fn fixed_probes() -> Vec<Packet> {
    vec![
        ping(1, 1),
        syn(),
        dns_query(7).0,
        udp_probe().0,
        ping6(1, 1).0,
        ns(),
        who_has(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200),
                                other in proptest::collection::vec(any::<u8>(), 0..200)) {
        let pkts = [
            Packet::parse(LinkType::Ether, &bytes),
            Packet::parse(LinkType::Ipv4, &bytes),
            Packet::parse(LinkType::RawIp, &bytes),
            Packet::parse(LinkType::Ipv6, &bytes),
            Packet::parse(LinkType::Ether, &other),
            Packet::parse(LinkType::RawIp, &other),
        ];
        let probes = fixed_probes();
        for a in &pkts {
            let _ = hashret(a);
            for b in pkts.iter().chain(probes.iter()) {
                let _ = answers(a, b).map_err(|e| e.to_string());
                let _ = answers(b, a).map_err(|e| e.to_string());
            }
        }
    }

    /// Random bytes quoted in an ICMP error after a real probe's IP header.
    #[test]
    fn random_quotes_never_panic(tail in proptest::collection::vec(any::<u8>(), 0..64), cut in 0usize..48) {
        let (p, b) = udp_probe();
        let mut q = b.get(..cut.min(b.len())).unwrap_or(&b).to_vec();
        q.extend_from_slice(&tail);
        let r = icmp_error(HOST, 3, 3, &q, q.len());
        let _ = hashret(&r);
        let _ = answers(&r, &p);
        let (t, tb) = probe(IP::new().src(ME).dst(HOST) / TCP::new().sport(1).dport(2));
        let mut q = tb.get(..cut.min(tb.len())).unwrap_or(&tb).to_vec();
        q.extend_from_slice(&tail);
        let r = icmp_error(HOST, 11, 0, &q, q.len());
        let _ = hashret(&r);
        let _ = answers(&r, &t);
    }
}

#[test]
fn hashret_tells_unrelated_probes_apart() {
    assert_ne!(hashret(&ping(1, 1)), hashret(&ping(1, 2)));
    assert_ne!(hashret(&ping(1, 1)), hashret(&ping6(1, 1).0));
    let other_port =
        probe(IP::new().src(ME).dst(HOST) / TCP::new().sport(40001).dport(80).seq(1000).flags("S"))
            .0;
    assert_ne!(hashret(&syn()), hashret(&other_port));
    let other_host = probe(IP::new().src(ME).dst("198.18.1.3") / ICMP::new().id(1).seq(1)).0;
    assert_ne!(hashret(&ping(1, 1)), hashret(&other_host));
}
