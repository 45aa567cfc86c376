//! Inputs the fuzz targets (fuzz/, see fuzz/README.md) found failing, each with the bug it
//! found, kept as tests so the bugs stay fixed.

#[path = "support/agree.rs"]
mod agree;

use pktforge::prelude::*;

/// A packet that parsed cleanly rebuilds to its bytes, and parses back to the same layers
/// (the `roundtrip` target's check).
fn roundtrips(link: LinkType, data: &[u8]) {
    let p = Packet::parse(link, data);
    assert!(p.error().is_none(), "parses cleanly: {:?}", p.error());
    let bytes = p.build().expect("a clean parse builds");
    assert_eq!(bytes, data, "rebuilds to its bytes: {}", p.summary());
    let q = Packet::parse(link, &bytes);
    assert_eq!(p.summary(), q.summary());
}

const IPV4_ICMP: &str = "4500001c0001000040017cdfc0000201c00002010800f7ff00000000";

/// roundtrip: a NULL (BSD loopback) header whose little-endian family does not fit 16 bits
/// is read big endian (Wireshark's rule) but was rebuilt little endian.
#[test]
fn null_header_with_a_big_family_rebuilds_in_its_byte_order() {
    let mut data = vec![2, 0, 48, 0];
    data.extend_from_slice(&hex::decode(IPV4_ICMP).unwrap());
    roundtrips(LinkType::from_pcap(0), &data);
}

/// roundtrip: a big-endian host's NULL header (family 2 as 00 00 00 02) was rebuilt little
/// endian.
#[test]
fn big_endian_null_header_rebuilds_big_endian() {
    let mut data = vec![0, 0, 0, 2];
    data.extend_from_slice(&hex::decode(IPV4_ICMP).unwrap());
    let p = Packet::parse(LinkType::from_pcap(0), &data);
    assert_eq!(
        p.summary(),
        Packet::parse(LinkType::from_pcap(0), &p.build().unwrap()).summary()
    );
    roundtrips(LinkType::from_pcap(0), &data);
    // Built from scratch, the header is little endian (host order here), as before.
    let b = (Loopback::new() / IP::new().src("192.0.2.1").dst("192.0.2.2") / ICMP::new())
        .build()
        .unwrap();
    assert_eq!(&b[..4], &[2, 0, 0, 0]);
}

/// roundtrip: an IPv6 header with dst ::1 under a Neighbor Discovery message was rebuilt
/// with the ND overload (ff02::1): a dissected dst is a set field, and scapy's overloaded
/// fields yield to set fields.
#[test]
fn dissected_ipv6_dst_is_kept_under_neighbor_discovery() {
    let ra = Ether::new()
        .src("02:00:00:00:00:01")
        .dst("33:33:00:00:00:01")
        / IPv6::new().src("fe80::1").dst("::1")
        / ICMPv6ND_RA::new();
    let bytes = ra.build().unwrap();
    assert_eq!(
        &bytes[14 + 24..14 + 40],
        &"::1".parse::<std::net::Ipv6Addr>().unwrap().octets()
    );
    roundtrips(LinkType::Ether, &bytes);
    // Unset, dst still takes the overload, as in scapy.
    let unset = (IPv6::new().src("fe80::1") / ICMPv6ND_RA::new())
        .build()
        .unwrap();
    assert_eq!(&unset[24..26], &[0xff, 0x02]);
}

/// fast_vs_owned: a DNS name longer than 255 bytes was marked at the name's offset by the
/// fast dissector and at the layer's by the owned model (the same for a pointer loop).
#[test]
fn dns_structural_errors_are_marked_alike() {
    let mut dns = vec![0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0];
    for _ in 0..5 {
        dns.push(63);
        dns.extend_from_slice(&[b'a'; 63]);
    }
    dns.extend_from_slice(&[0, 0, 1, 0, 1]);
    let too_long = (Ether::new()
        / IP::new().src("192.0.2.1").dst("192.0.2.2")
        / UDP::new().sport(5353).dport(53)
        / Raw::new().load(dns.clone()))
    .build()
    .unwrap();
    // A pointer loop: the question's name points at itself.
    let mut looped = dns[..12].to_vec();
    looped.extend_from_slice(&[0xc0, 12, 0, 1, 0, 1]);
    let looping = (Ether::new()
        / IP::new().src("192.0.2.1").dst("192.0.2.2")
        / UDP::new().sport(5353).dport(53)
        / Raw::new().load(looped))
    .build()
    .unwrap();
    for data in [too_long, looping] {
        let mut st = agree::Stats::default();
        agree::check(LinkType::Ether, &data, data.len(), &mut st).unwrap();
        assert_eq!(st.malformed, 1, "the DNS layer is malformed");
    }
}

/// answers: an ICMP port unreachable whose quoted IP header claims 28 bytes (ihl 7), so
/// that its "options" take the bytes of the quoted TCP header, was taken as answering a
/// SYN probe: the quote holds no TCP layer, and nothing was compared past the addresses.
/// scapy's `IPerror.answers` says no (its NoPayload answers only NoPayload); so does ours
/// now. (The session could not match it anyway: its hash differs from the probe's.)
#[test]
fn an_icmp_error_quoting_no_upper_header_does_not_answer_a_tcp_probe() {
    use pktforge::net::answers::answers;
    let reply = hex::decode(
        "020000000001020000000002080045000038000100004001ed9cc6120102c612000103035c84000000\
         0047000000000000004006eda7c6120001c61201029c400050000003e8",
    )
    .unwrap();
    let reply = Packet::parse(LinkType::Ether, &reply);
    let probe = (IP::new().src("198.18.0.1").dst("198.18.1.2")
        / TCP::new().sport(40000).dport(80).flags("S").seq(1000))
    .build()
    .unwrap();
    let probe = Packet::parse(LinkType::RawIp, &probe);
    assert!(answers(&reply, &probe).is_err(), "{}", reply.summary());
    // A quote that does hold the ports still answers.
    let quoted = IP::new().src("198.18.0.1").dst("198.18.1.2")
        / TCP::new().sport(40000).dport(80).flags("S").seq(1000);
    let quoted = quoted.build().unwrap();
    let err = (Ether::new()
        / IP::new().src("198.18.1.2").dst("198.18.0.1")
        / ICMP::new().type_(3).code(3)
        / Raw::from_bytes(&quoted[..28]))
    .build()
    .unwrap();
    let err = Packet::parse(LinkType::Ether, &err);
    assert_eq!(answers(&err, &probe), Ok(()), "{}", err.summary());
}
