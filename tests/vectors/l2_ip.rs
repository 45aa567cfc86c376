//! Ethernet, 802.1Q, ARP, IPv4 and its options.
use super::{Vector, v, v_lax};
use pktforge::prelude::*;
use std::net::Ipv4Addr;

const S: &str = "02:00:00:00:00:01";
const D: &str = "02:00:00:00:00:02";

fn eth() -> Ether {
    Ether::new().src(S).dst(D)
}

fn ip() -> IP {
    IP::new().src("198.18.0.1").dst("198.18.0.2")
}

fn a4(s: &str) -> Ipv4Addr {
    s.parse().unwrap()
}

pub fn vectors() -> Vec<Vector> {
    vec![
        v(
            r#"Ether(src="00:00:00:00:00:00")/IP()/ICMP()"#,
            "ffffffffffff00000000000008004500001c0001000040017cde7f0000017f0000010800f7ff00000000",
            || Ether::new().src("00:00:00:00:00:00") / IP::new() / ICMP::new(),
        ),
        v(
            r#"Ether(src="02:00:00:00:00:01",dst="02:00:00:00:00:02")"#,
            "0200000000020200000000019000",
            || Packet::from(eth()),
        ),
        v(
            r#"Ether(src="02:00:00:00:00:01",dst="02:00:00:00:00:02",type=0x88b5)/b"\x01\x02\x03""#,
            "02000000000202000000000188b5010203",
            || eth().type_(0x88b5u16) / &b"\x01\x02\x03"[..],
        ),
        v(
            r#"Ether(src="02:00:00:00:00:01",dst="02:00:00:00:00:02")/IP(src="198.18.0.1",dst="198.18.0.2")"#,
            "020000000002020000000001080045000014000100004000eec1c6120001c6120002",
            || eth() / ip(),
        ),
        v(
            r#"Ether(src="02:00:00:00:00:01",dst="02:00:00:00:00:02")/Dot1Q(vlan=100)/IP(src="198.18.0.1",dst="198.18.0.2")"#,
            "02000000000202000000000181000064080045000014000100004000eec1c6120001c6120002",
            || eth() / Dot1Q::new().vlan(100) / ip(),
        ),
        v(
            r#"Ether(src="02:00:00:00:00:01",dst="02:00:00:00:00:02")/Dot1Q(prio=5,dei=1,vlan=4095)/IP(src="198.18.0.1",dst="198.18.0.2")"#,
            "0200000000020200000000018100bfff080045000014000100004000eec1c6120001c6120002",
            || eth() / Dot1Q::new().prio(5).dei(1).vlan(4095) / ip(),
        ),
        v_lax(
            r#"Ether(src="02:00:00:00:00:01",dst="02:00:00:00:00:02",type=0x88a8)/Dot1Q(vlan=10)/Dot1Q(vlan=20)/IP(src="198.18.0.1",dst="198.18.0.2")"#,
            "02000000000202000000000188a8000a81000014080045000014000100004000eec1c6120001c6120002",
            || eth().type_(0x88a8u16) / Dot1Q::new().vlan(10) / Dot1Q::new().vlan(20) / ip(),
        ),
        v(
            r#"Ether(src="02:00:00:00:00:01",dst="02:00:00:00:00:02")/Dot1AD(vlan=10)/Dot1Q(vlan=20)/IP(src="198.18.0.1",dst="198.18.0.2")"#,
            "02000000000202000000000188a8000a81000014080045000014000100004000eec1c6120001c6120002",
            || eth() / Dot1AD::new().vlan(10) / Dot1Q::new().vlan(20) / ip(),
        ),
        v(
            r#"Ether(src="02:00:00:00:00:01",dst="02:00:00:00:00:02")/Dot1Q(vlan=7)/Dot1Q(vlan=8)/ARP(hwsrc="02:00:00:00:00:01",psrc="198.18.0.1",pdst="198.18.0.2")"#,
            "020000000002020000000001810000078100000808060001080006040001020000000001c6120001000000000000c6120002",
            || {
                eth()
                    / Dot1Q::new().vlan(7)
                    / Dot1Q::new().vlan(8)
                    / ARP::new().hwsrc(S).psrc("198.18.0.1").pdst("198.18.0.2")
            },
        ),
        v(
            r#"Ether(src="02:00:00:00:00:01",dst="02:00:00:00:00:02")/Dot1Q(vlan=3,type=0x1234)/b"abcd""#,
            "02000000000202000000000181000003123461626364",
            || eth() / Dot1Q::new().vlan(3).type_(0x1234u16) / "abcd",
        ),
        v(
            r#"Ether(src="02:00:00:00:00:01",dst="ff:ff:ff:ff:ff:ff")/ARP(hwsrc="02:00:00:00:00:01",psrc="198.18.0.1",pdst="198.18.0.2")"#,
            "ffffffffffff02000000000108060001080006040001020000000001c6120001000000000000c6120002",
            || {
                Ether::new().src(S).dst("ff:ff:ff:ff:ff:ff")
                    / ARP::new().hwsrc(S).psrc("198.18.0.1").pdst("198.18.0.2")
            },
        ),
        v(
            r#"Ether(src="02:00:00:00:00:01",dst="02:00:00:00:00:02")/ARP(op="is-at",hwsrc="02:00:00:00:00:01",psrc="198.18.0.1",hwdst="02:00:00:00:00:02",pdst="198.18.0.2")"#,
            "02000000000202000000000108060001080006040002020000000001c6120001020000000002c6120002",
            || {
                eth()
                    / ARP::new()
                        .op("is-at")
                        .hwsrc(S)
                        .psrc("198.18.0.1")
                        .hwdst(D)
                        .pdst("198.18.0.2")
            },
        ),
        v(
            r#"ARP(op=3,hwsrc="02:00:00:00:00:01",psrc="198.18.0.1",hwdst="02:00:00:00:00:02",pdst="198.18.0.2")"#,
            "0001080006040003020000000001c6120001020000000002c6120002",
            || {
                Packet::from(
                    ARP::new()
                        .op(3u16)
                        .hwsrc(S)
                        .psrc("198.18.0.1")
                        .hwdst(D)
                        .pdst("198.18.0.2"),
                )
            },
        ),
        v(
            r#"ARP(hwtype=1,ptype=0x0800,hwlen=6,plen=4,op=2,hwsrc="02:00:00:00:00:01",psrc="198.18.0.1",pdst="198.18.0.2")"#,
            "0001080006040002020000000001c6120001000000000000c6120002",
            || {
                Packet::from(
                    ARP::new()
                        .hwtype(1u16)
                        .ptype(0x0800u16)
                        .hwlen(6u8)
                        .plen(4u8)
                        .op(2u16)
                        .hwsrc(S)
                        .psrc("198.18.0.1")
                        .pdst("198.18.0.2"),
                )
            },
        ),
        v(
            r#"ARP(ptype=0x86dd,hwsrc="02:00:00:00:00:01",psrc="fd00:beef::1",pdst="fd00:beef::2")"#,
            "000186dd06100001020000000001fd00beef000000000000000000000001000000000000fd00beef000000000000000000000002",
            || {
                Packet::from(
                    ARP::new()
                        .ptype(0x86ddu16)
                        .hwsrc(S)
                        .psrc("fd00:beef::1")
                        .pdst("fd00:beef::2"),
                )
            },
        ),
        v(
            r#"Ether(src="02:00:00:00:00:01",dst="ff:ff:ff:ff:ff:ff")/ARP(hwsrc="02:00:00:00:00:01",psrc="198.18.0.1",pdst="198.18.0.2")/Padding(load=b"\x00"*18)"#,
            "ffffffffffff02000000000108060001080006040001020000000001c6120001000000000000c6120002000000000000000000000000000000000000",
            || {
                Ether::new().src(S).dst("ff:ff:ff:ff:ff:ff")
                    / ARP::new().hwsrc(S).psrc("198.18.0.1").pdst("198.18.0.2")
                    / Padding::new().load(vec![0u8; 18])
            },
        ),
        v(
            r#"IP(src="198.18.0.1",dst="198.18.0.2")"#,
            "45000014000100004000eec1c6120001c6120002",
            || Packet::from(ip()),
        ),
        v(
            r#"IP(src="198.18.0.1",dst="198.18.0.2",tos=0xb8,id=0xbeef,ttl=1,flags="DF")"#,
            "45b80014beef400001002e1bc6120001c6120002",
            || Packet::from(ip().tos(0xb8u8).id(0xbeefu16).ttl(1u8).flags("DF")),
        ),
        v(
            r#"IP(src="198.18.0.1",dst="198.18.0.2",flags="MF+evil",frag=185)/b"fragment""#,
            "4500001c0001a0b940004e00c6120001c6120002667261676d656e74",
            || ip().flags("MF+evil").frag(185u16) / "fragment",
        ),
        v(
            r#"IP(src="198.18.0.1",dst="198.18.0.2",flags=1,frag=0,proto=253)/b"first""#,
            "450000190001200040fdcdbfc6120001c61200026669727374",
            || ip().flags(1u8).proto(253u8) / "first",
        ),
        v(
            r#"IP(src="198.18.0.1",dst="198.18.0.2",chksum=0x1234)"#,
            "450000140001000040001234c6120001c6120002",
            || Packet::from(ip().chksum(0x1234u16)),
        ),
        v_lax(
            r#"IP(src="198.18.0.1",dst="198.18.0.2",len=1000)/b"short""#,
            "450003e8000100004000eaedc6120001c612000273686f7274",
            || ip().len(1000u16) / "short",
        ),
        v_lax(
            r#"IP(src="198.18.0.1",dst="198.18.0.2",len=21)/b"xyz""#,
            "45000015000100004000eec0c6120001c612000278797a",
            || ip().len(21u16) / "xyz",
        ),
        v(
            r#"IP(src="198.18.0.1",dst="198.18.0.2",ihl=6,options=[IPOption_NOP(),IPOption_NOP(),IPOption_NOP(),IPOption_EOL()])"#,
            "46000018000100004000ebbcc6120001c612000201010100",
            || {
                Packet::from(ip().ihl(6u8).with_options(vec![
                    IpOption::Nop,
                    IpOption::Nop,
                    IpOption::Nop,
                    IpOption::Eol,
                ]))
            },
        ),
        v(
            r#"IP(src="198.18.0.1",dst="198.18.0.2",version=6,proto=99)/b"odd""#,
            "65000017000100004063ce5bc6120001c61200026f6464",
            || ip().version(6u8).proto(99u8) / "odd",
        ),
        v(
            r#"IP(src="198.18.0.1",dst="198.18.0.2",options=[IPOption_RR(routers=["198.18.0.9","198.18.0.10"])])"#,
            "48000020000100004000a81ec6120001c6120002070b04c6120009c612000a00",
            || {
                Packet::from(ip().with_options(vec![IpOption::record_route(vec![
                    a4("198.18.0.9"),
                    a4("198.18.0.10"),
                ])]))
            },
        ),
        v(
            r#"IP(src="198.18.0.1",dst="198.18.0.2",options=[IPOption_RR(pointer=8,routers=["198.18.0.9"])])"#,
            "4700001c000100004000c1ecc6120001c6120002070708c612000900",
            || {
                Packet::from(ip().with_options(vec![IpOption::RecordRoute {
                    length: None,
                    pointer: 8,
                    routers: vec![a4("198.18.0.9")],
                }]))
            },
        ),
        v(
            r#"IP(src="198.18.0.1",dst="198.18.0.2",options=[IPOption_LSRR(routers=["198.18.0.7"])])/b"payload""#,
            "470000230001000040004be5c6120001c6120002830704c6120007007061796c6f6164",
            || ip().with_options(vec![IpOption::lsrr(vec![a4("198.18.0.7")])]) / "payload",
        ),
        v(
            r#"IP(src="198.18.0.1",dst="198.18.0.2",options=[IPOption_SSRR(routers=["198.18.0.7","198.18.0.8"])])"#,
            "480000200001000040002a1ec6120001c6120002890b04c6120007c612000800",
            || {
                Packet::from(ip().with_options(vec![IpOption::ssrr(vec![
                    a4("198.18.0.7"),
                    a4("198.18.0.8"),
                ])]))
            },
        ),
        v(
            r#"IP(src="198.18.0.1",dst="198.18.0.2",options=[IPOption_Timestamp()])"#,
            "480000200001000040009ea8c6120001c6120002440c09010000000000000000",
            || Packet::from(ip().with_options(vec![IpOption::timestamp()])),
        ),
        v(
            r#"IP(src="198.18.0.1",dst="198.18.0.2",options=[IPOption_Timestamp(flg=0,timestamp=123456)])"#,
            "4700001c000100004000bd6fc6120001c6120002440809000001e240",
            || {
                Packet::from(ip().with_options(vec![IpOption::Timestamp {
                    length: None,
                    pointer: 9,
                    oflw: 0,
                    flg: 0,
                    internet_address: Ipv4Addr::UNSPECIFIED,
                    timestamp: 123456,
                }]))
            },
        ),
        v(
            r#"IP(src="198.18.0.1",dst="198.18.0.2",options=[IPOption_Timestamp(flg=1,oflw=2,internet_address="198.18.0.5",timestamp=7)])"#,
            "48000020000100004000d869c6120001c6120002440c0921c612000500000007",
            || {
                Packet::from(ip().with_options(vec![IpOption::Timestamp {
                    length: None,
                    pointer: 9,
                    oflw: 2,
                    flg: 1,
                    internet_address: a4("198.18.0.5"),
                    timestamp: 7,
                }]))
            },
        ),
        v(
            r#"IP(src="198.18.0.1",dst="198.18.0.2",options=[IPOption_Router_Alert()])"#,
            "4600001800010000400059b9c6120001c612000294040000",
            || Packet::from(ip().with_options(vec![IpOption::router_alert()])),
        ),
        v(
            r#"IP(src="198.18.0.1",dst="198.18.0.2",options=[IPOption_Router_Alert(alert=1)])/b"x""#,
            "4600001900010000400059b7c6120001c61200029404000178",
            || {
                ip().with_options(vec![IpOption::RouterAlert {
                    length: None,
                    alert: 1,
                }]) / "x"
            },
        ),
        v(
            r#"IP(src="198.18.0.1",dst="198.18.0.2",options=[IPOption_NOP(),IPOption(b'\x99\x04ab')])"#,
            "4700001c00010000400084bfc6120001c61200020199046162000000",
            || {
                Packet::from(ip().with_options(vec![
                    IpOption::Nop,
                    IpOption::Unknown {
                        option: 0x99,
                        length: None,
                        data: b"ab".to_vec(),
                    },
                ]))
            },
        ),
        v(
            r#"IP(src="198.18.0.1",dst="198.18.0.2",options=[IPOption_NOP(),IPOption_RR(routers=["198.18.0.3"]),IPOption_Router_Alert()])/b"abc""#,
            "48000023000100004000898dc6120001c612000201070704c612000394040000616263",
            || {
                ip().with_options(vec![
                    IpOption::Nop,
                    IpOption::record_route(vec![a4("198.18.0.3")]),
                    IpOption::router_alert(),
                ]) / "abc"
            },
        ),
        v(
            r#"IP(src="198.18.0.1",dst="198.18.0.2")/IP(src="198.18.1.1",dst="198.18.1.2")/b"inner""#,
            "4500002d000100004004eea4c6120001c612000245000019000100004000ecbcc6120101c6120102696e6e6572",
            || ip() / IP::new().src("198.18.1.1").dst("198.18.1.2") / "inner",
        ),
        v(
            r#"Ether(src="02:00:00:00:00:01",dst="02:00:00:00:00:02")/IP(src="198.18.0.1",dst="198.18.0.2")/b"hi"/Padding(load=b"\x00"*10)"#,
            "020000000002020000000001080045000016000100004000eebfc6120001c6120002686900000000000000000000",
            || eth() / ip() / "hi" / Padding::new().load(vec![0u8; 10]),
        ),
    ]
}
