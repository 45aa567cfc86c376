//! IPv6, its extension headers, ICMPv6 and Neighbor Discovery.
use super::{Vector, v, v_lax};
use pktforge::prelude::*;
use std::net::Ipv6Addr;

fn a6(s: &str) -> Ipv6Addr {
    s.parse().unwrap()
}

fn ip6() -> IPv6 {
    IPv6::new().src("fd00::2").dst("2001:db8::1")
}

pub fn vectors() -> Vec<Vector> {
    vec![
        // --- IPv6 header ---------------------------------------------------------------
        v(
            r#"IPv6(src="fd00::2",dst="2001:db8::1")/ICMPv6EchoRequest()"#,
            "6000000000083a40fd00000000000000000000000000000220010db80000000000000000000000018000550000000000",
            || ip6() / ICMPv6EchoRequest::new(),
        ),
        v(
            r#"IPv6(src="fd00::2",dst="2001:db8::1")"#,
            "6000000000003b40fd00000000000000000000000000000220010db8000000000000000000000001",
            || ip6().into(),
        ),
        v(
            r#"IPv6(src="fd00::2",dst="2001:db8::1",tc=0xb8,fl=0x12345,hlim=5)/ICMPv6EchoRequest(id=0x1234,seq=7,data=b"hello")"#,
            "6b812345000d3a05fd00000000000000000000000000000220010db80000000000000000000000018000feed1234000768656c6c6f",
            || {
                ip6().tc(0xb8).fl(0x12345).hlim(5)
                    / ICMPv6EchoRequest::new().id(0x1234).seq(7).data("hello")
            },
        ),
        v(
            r#"IPv6(src="fd00::2",dst="2001:db8::1",version=4,nh=58,plen=8)/ICMPv6EchoReply(id=1,seq=2,cksum=0x1234)"#,
            "4000000000083a40fd00000000000000000000000000000220010db80000000000000000000000018100123400010002",
            || ip6().version(4).nh(58).plen(8) / ICMPv6EchoReply::new().id(1).seq(2).cksum(0x1234),
        ),
        v(
            r#"IPv6(src="fd00::2",dst="2001:db8::1",plen=8)/ICMPv6EchoRequest()/Padding(load=b"\x00\x01\x02\x03")"#,
            "6000000000083a40fd00000000000000000000000000000220010db8000000000000000000000001800055000000000000010203",
            || ip6().plen(8) / ICMPv6EchoRequest::new() / Padding::from_bytes(b"\x00\x01\x02\x03"),
        ),
        v(
            r#"IPv6(src="fd00::2",dst="2001:db8::1")/Raw(load=b"hello")"#,
            "6000000000053b40fd00000000000000000000000000000220010db800000000000000000000000168656c6c6f",
            || ip6() / Raw::from_bytes(b"hello"),
        ),
        v(
            r#"Ether(src="02:fc:00:00:00:01",dst="02:00:00:00:00:01")/IPv6(src="fd00::2",dst="fd00::1")/ICMPv6EchoRequest(seq=1)"#,
            "02000000000102fc0000000186dd6000000000083a40fd000000000000000000000000000002fd000000000000000000000000000001800085b700000001",
            || {
                Ether::new()
                    .src("02:fc:00:00:00:01")
                    .dst("02:00:00:00:00:01")
                    / IPv6::new().src("fd00::2").dst("fd00::1")
                    / ICMPv6EchoRequest::new().seq(1)
            },
        ),
        v(
            r#"IPv6(src="fd00::2",dst="2001:db8::1")/IPv6(src="2001:db8::2",dst="2001:db8::3")/ICMPv6EchoRequest()"#,
            "6000000000302940fd00000000000000000000000000000220010db80000000000000000000000016000000000083a4020010db800000000000000000000000220010db80000000000000000000000038000244600000000",
            || ip6() / IPv6::new().src("2001:db8::2").dst("2001:db8::3") / ICMPv6EchoRequest::new(),
        ),
        v(
            r#"IPv6(src="fd00::2",dst="2001:db8::1")/IP(src="192.0.2.2",dst="192.0.2.1")"#,
            "6000000000140440fd00000000000000000000000000000220010db800000000000000000000000145000014000100004000f6e5c0000202c0000201",
            || ip6() / IP::new().src("192.0.2.2").dst("192.0.2.1"),
        ),
        // --- Extension headers ---------------------------------------------------------
        v(
            r#"IPv6(src="fd00::2",dst="2001:db8::1")/IPv6ExtHdrHopByHop(options=[PadN(optdata=b"\x00"*4)])/ICMPv6EchoRequest()"#,
            "6000000000100040fd00000000000000000000000000000220010db80000000000000000000000013a000104000000008000550000000000",
            || {
                ip6()
                    / IPv6ExtHdrHopByHop::new().with_options(vec![Ipv6Option::padn(4)])
                    / ICMPv6EchoRequest::new()
            },
        ),
        v(
            r#"IPv6(src="fd00::2",dst="ff02::16",hlim=1)/IPv6ExtHdrHopByHop(options=[RouterAlert(), PadN(optdata=b"")])/ICMPv6Unknown(type=143,msgbody=b"\x00\x00\x00\x00")"#,
            "6000000000100001fd000000000000000000000000000002ff0200000000000000000000000000163a000502000001008f0074a100000000",
            || {
                IPv6::new().src("fd00::2").dst("ff02::16").hlim(1)
                    / IPv6ExtHdrHopByHop::new()
                        .with_options(vec![Ipv6Option::router_alert(0), Ipv6Option::padn(0)])
                    / ICMPv6Unknown::new().type_(143).msgbody(vec![0u8; 4])
            },
        ),
        v(
            r#"IPv6(src="fd00::2",dst="2001:db8::1")/IPv6ExtHdrHopByHop(autopad=0,options=[Pad1(), RouterAlert(value=1), Pad1()])/ICMPv6EchoRequest()"#,
            "6000000000100040fd00000000000000000000000000000220010db80000000000000000000000013a000005020001008000550000000000",
            || {
                ip6()
                    / IPv6ExtHdrHopByHop::new().autopad(0).with_options(vec![
                        Ipv6Option::Pad1,
                        Ipv6Option::router_alert(1),
                        Ipv6Option::Pad1,
                    ])
                    / ICMPv6EchoRequest::new()
            },
        ),
        v(
            r#"IPv6(src="fd00::2",dst="2001:db8::1")/IPv6ExtHdrDestOpt(options=[HBHOptUnknown(otype=0x3e,optdata=b"abcd")])/ICMPv6EchoRequest()"#,
            "6000000000103c40fd00000000000000000000000000000220010db80000000000000000000000013a003e04616263648000550000000000",
            || {
                ip6()
                    / IPv6ExtHdrDestOpt::new()
                        .with_options(vec![Ipv6Option::unknown(0x3e, b"abcd")])
                    / ICMPv6EchoRequest::new()
            },
        ),
        v(
            r#"IPv6(src="fd00::2",dst="2001:db8::1")/IPv6ExtHdrDestOpt(options=[HBHOptUnknown(otype=0xc2,optdata=b"\x00\x01\x00\x00"), PadN(optdata=b"\x00"*6)])/ICMPv6EchoReply()"#,
            "6000000000183c40fd00000000000000000000000000000220010db80000000000000000000000013a01c2040001000001060000000000008100540000000000",
            || {
                ip6()
                    / IPv6ExtHdrDestOpt::new().with_options(vec![
                        Ipv6Option::unknown(0xc2, b"\x00\x01\x00\x00"),
                        Ipv6Option::padn(6),
                    ])
                    / ICMPv6EchoReply::new()
            },
        ),
        v(
            r#"IPv6(src="fd00::2",dst="2001:db8::1")/IPv6ExtHdrDestOpt(nh=59,options=[Pad1(),Pad1(),Pad1(),Pad1(),Pad1(),Pad1()])"#,
            "6000000000083c40fd00000000000000000000000000000220010db80000000000000000000000013b00000000000000",
            || {
                ip6()
                    / IPv6ExtHdrDestOpt::new()
                        .nh(59)
                        .with_options(vec![Ipv6Option::Pad1; 6])
            },
        ),
        v(
            r#"IPv6(src="fd00::2",dst="2001:db8::1")/IPv6ExtHdrRouting(addresses=["2001:db8::a","2001:db8::b"])/ICMPv6EchoRequest()"#,
            "6000000000302b40fd00000000000000000000000000000220010db80000000000000000000000013a0400020000000020010db800000000000000000000000a20010db800000000000000000000000b800054f600000000",
            || {
                ip6()
                    / IPv6ExtHdrRouting::new()
                        .with_addresses(vec![a6("2001:db8::a"), a6("2001:db8::b")])
                    / ICMPv6EchoRequest::new()
            },
        ),
        v(
            r#"IPv6(src="fd00::2",dst="2001:db8::1")/IPv6ExtHdrRouting(segleft=0,addresses=["2001:db8::a","2001:db8::b"])/ICMPv6EchoRequest()"#,
            "6000000000302b40fd00000000000000000000000000000220010db80000000000000000000000013a0400000000000020010db800000000000000000000000a20010db800000000000000000000000b8000550000000000",
            || {
                ip6()
                    / IPv6ExtHdrRouting::new()
                        .segleft(0)
                        .with_addresses(vec![a6("2001:db8::a"), a6("2001:db8::b")])
                    / ICMPv6EchoRequest::new()
            },
        ),
        v(
            r#"IPv6(src="fd00::2",dst="2001:db8::1")/IPv6ExtHdrRouting(type=2,segleft=1,reserved=5,addresses=["2001:db8::a","2001:db8::b","2001:db8::c"])/ICMPv6EchoRequest(data=b"rh")"#,
            "6000000000422b40fd00000000000000000000000000000220010db80000000000000000000000013a0602010000000520010db800000000000000000000000a20010db800000000000000000000000b20010db800000000000000000000000c8000e28a000000007268",
            || {
                ip6()
                    / IPv6ExtHdrRouting::new()
                        .type_(2)
                        .segleft(1)
                        .reserved(5)
                        .with_addresses(vec![
                            a6("2001:db8::a"),
                            a6("2001:db8::b"),
                            a6("2001:db8::c"),
                        ])
                    / ICMPv6EchoRequest::new().data("rh")
            },
        ),
        v(
            r#"IPv6(src="fd00::2",dst="2001:db8::1")/IPv6ExtHdrRouting()/ICMPv6EchoRequest()"#,
            "6000000000102b40fd00000000000000000000000000000220010db80000000000000000000000013a000000000000008000550000000000",
            || ip6() / IPv6ExtHdrRouting::new() / ICMPv6EchoRequest::new(),
        ),
        v(
            r#"IPv6(src="fd00::2",dst="2001:db8::1")/IPv6ExtHdrFragment(id=0x12345678,m=1)/ICMPv6EchoRequest(data=b"abcdefgh")"#,
            "6000000000182c40fd00000000000000000000000000000220010db80000000000000000000000013a000001123456788000c362000000006162636465666768",
            || {
                ip6()
                    / IPv6ExtHdrFragment::new().id(0x12345678u32).m(1)
                    / ICMPv6EchoRequest::new().data("abcdefgh")
            },
        ),
        v(
            r#"IPv6(src="fd00::2",dst="2001:db8::1")/IPv6ExtHdrFragment(nh=58,offset=10,id=5)/Raw(load=b"abcdefgh")"#,
            "6000000000102c40fd00000000000000000000000000000220010db80000000000000000000000013a000050000000056162636465666768",
            || {
                ip6()
                    / IPv6ExtHdrFragment::new().nh(58).offset(10).id(5)
                    / Raw::from_bytes(b"abcdefgh")
            },
        ),
        v(
            r#"IPv6(src="fd00::2",dst="2001:db8::1")/IPv6ExtHdrFragment(res1=1,res2=2,id=1)"#,
            "6000000000082c40fd00000000000000000000000000000220010db80000000000000000000000013b01000400000001",
            || ip6() / IPv6ExtHdrFragment::new().res1(1).res2(2).id(1),
        ),
        v(
            r#"IPv6(src="fd00::2",dst="2001:db8::1")/IPv6ExtHdrHopByHop(options=[PadN(optdata=b"\x00"*4)])/IPv6ExtHdrDestOpt(options=[PadN(optdata=b"\x00"*4)])/IPv6ExtHdrRouting(addresses=["2001:db8::a","2001:db8::b"])/IPv6ExtHdrFragment(id=7)/ICMPv6EchoRequest(id=9)"#,
            "6000000000480040fd00000000000000000000000000000220010db80000000000000000000000013c000104000000002b000104000000002c0400020000000020010db800000000000000000000000a20010db800000000000000000000000b3a00000000000007800054ed00090000",
            || {
                ip6()
                    / IPv6ExtHdrHopByHop::new().with_options(vec![Ipv6Option::padn(4)])
                    / IPv6ExtHdrDestOpt::new().with_options(vec![Ipv6Option::padn(4)])
                    / IPv6ExtHdrRouting::new()
                        .with_addresses(vec![a6("2001:db8::a"), a6("2001:db8::b")])
                    / IPv6ExtHdrFragment::new().id(7)
                    / ICMPv6EchoRequest::new().id(9)
            },
        ),
        v(
            r#"IPv6(src="fd00::2",dst="2001:db8::1")/IPv6ExtHdrRouting(addresses=["2001:db8::a"])/IPv6ExtHdrDestOpt(options=[RouterAlert(value=2), PadN(optdata=b"")])/ICMPv6EchoReply(seq=3)"#,
            "6000000000282b40fd00000000000000000000000000000220010db80000000000000000000000013c0200010000000020010db800000000000000000000000a3a00050200020100810053f400000003",
            || {
                ip6()
                    / IPv6ExtHdrRouting::new().with_addresses(vec![a6("2001:db8::a")])
                    / IPv6ExtHdrDestOpt::new()
                        .with_options(vec![Ipv6Option::router_alert(2), Ipv6Option::padn(0)])
                    / ICMPv6EchoReply::new().seq(3)
            },
        ),
        // --- ICMPv6 errors and unknown types -------------------------------------------
        v(
            r#"IPv6(src="2001:db8::1",dst="fd00::2")/ICMPv6DestUnreach(code=3)/IPv6(src="fd00::2",dst="2001:db8::1")/ICMPv6EchoRequest(data=b"ping")"#,
            "60000000003c3a4020010db8000000000000000000000001fd000000000000000000000000000002010339c30000000060000000000c3a40fd00000000000000000000000000000220010db80000000000000000000000018000762b0000000070696e67",
            || {
                IPv6::new().src("2001:db8::1").dst("fd00::2")
                    / ICMPv6DestUnreach::new().code(3)
                    / ip6()
                    / ICMPv6EchoRequest::new().data("ping")
            },
        ),
        v(
            r#"IPv6(src="2001:db8::1",dst="fd00::2")/ICMPv6PacketTooBig(mtu=1400)/IPv6(src="fd00::2",dst="2001:db8::1")/ICMPv6EchoRequest(data=b"x"*16)"#,
            "6000000000483a4020010db8000000000000000000000001fd00000000000000000000000000000202003342000005786000000000183a40fd00000000000000000000000000000220010db80000000000000000000000018000912c0000000078787878787878787878787878787878",
            || {
                IPv6::new().src("2001:db8::1").dst("fd00::2")
                    / ICMPv6PacketTooBig::new().mtu(1400)
                    / ip6()
                    / ICMPv6EchoRequest::new().data(vec![b'x'; 16])
            },
        ),
        v(
            r#"IPv6(src="2001:db8::1",dst="fd00::2")/ICMPv6TimeExceeded(code=1,length=2,unused=0x10203)/IPv6(src="fd00::2",dst="2001:db8::1")/IPv6ExtHdrFragment(id=3)/ICMPv6EchoRequest()"#,
            "6000000000403a4020010db8000000000000000000000001fd000000000000000000000000000002030107b2020102036000000000102c40fd00000000000000000000000000000220010db80000000000000000000000013a000000000000038000550000000000",
            || {
                IPv6::new().src("2001:db8::1").dst("fd00::2")
                    / ICMPv6TimeExceeded::new().code(1).length(2).unused(0x10203)
                    / ip6()
                    / IPv6ExtHdrFragment::new().id(3)
                    / ICMPv6EchoRequest::new()
            },
        ),
        v(
            r#"IPv6(src="2001:db8::1",dst="fd00::2")/ICMPv6ParamProblem(code=2,ptr=42)/IPv6(src="fd00::2",dst="2001:db8::1")/IPv6ExtHdrDestOpt(options=[HBHOptUnknown(otype=0x9e,optdata=b"abcd")])/ICMPv6EchoRequest()"#,
            "6000000000403a4020010db8000000000000000000000001fd000000000000000000000000000002040297c20000002a6000000000103c40fd00000000000000000000000000000220010db80000000000000000000000013a009e04616263648000550000000000",
            || {
                IPv6::new().src("2001:db8::1").dst("fd00::2")
                    / ICMPv6ParamProblem::new().code(2).ptr(42)
                    / ip6()
                    / IPv6ExtHdrDestOpt::new()
                        .with_options(vec![Ipv6Option::unknown(0x9e, b"abcd")])
                    / ICMPv6EchoRequest::new()
            },
        ),
        v(
            r#"IPv6(src="2001:db8::1",dst="fd00::2")/ICMPv6DestUnreach(cksum=0xbeef)/IPv6(src="fd00::2",dst="2001:db8::1",plen=8)/ICMPv6EchoRequest(cksum=0)"#,
            "6000000000383a4020010db8000000000000000000000001fd0000000000000000000000000000020100beef000000006000000000083a40fd00000000000000000000000000000220010db80000000000000000000000018000000000000000",
            || {
                IPv6::new().src("2001:db8::1").dst("fd00::2")
                    / ICMPv6DestUnreach::new().cksum(0xbeef)
                    / ip6().plen(8)
                    / ICMPv6EchoRequest::new().cksum(0)
            },
        ),
        v(
            r#"IPv6(src="fd00::2",dst="2001:db8::1")/ICMPv6Unknown(type=130,code=1,msgbody=b"\x00"*20)"#,
            "6000000000183a40fd00000000000000000000000000000220010db8000000000000000000000001820152ef0000000000000000000000000000000000000000",
            || {
                ip6()
                    / ICMPv6Unknown::new()
                        .type_(130)
                        .code(1)
                        .msgbody(vec![0u8; 20])
            },
        ),
        v(
            r#"IPv6(src="fd00::2",dst="2001:db8::1")/ICMPv6Unknown(type=200,msgbody=b"abc")"#,
            "6000000000073a40fd00000000000000000000000000000220010db8000000000000000000000001c800489e616263",
            || ip6() / ICMPv6Unknown::new().type_(200).msgbody("abc"),
        ),
        // --- Neighbor Discovery --------------------------------------------------------
        v(
            r#"IPv6(src="fe80::fc:ff:fe00:1",dst="ff02::2")/ICMPv6ND_RS()/ICMPv6NDOptSrcLLAddr(lladdr="02:fc:00:00:00:01")"#,
            "6000000000103afffe8000000000000000fc00fffe000001ff0200000000000000000000000000028500793400000000010102fc00000001",
            || {
                IPv6::new().src("fe80::fc:ff:fe00:1").dst("ff02::2")
                    / ICMPv6ND_RS::new()
                    / ICMPv6NDOptSrcLLAddr::new().lladdr("02:fc:00:00:00:01")
            },
        ),
        v(
            r#"IPv6(src="fe80::1",dst="ff02::1")/ICMPv6ND_RA(chlim=64,M=1,O=1,H=1,prf=3,P=1,routerlifetime=600,reachabletime=30000,retranstimer=1000)/ICMPv6NDOptSrcLLAddr(lladdr="02:00:00:00:00:01")/ICMPv6NDOptMTU(mtu=1500)/ICMPv6NDOptPrefixInfo(prefix="2001:db8::",validlifetime=86400,preferredlifetime=14400)"#,
            "6000000000403afffe800000000000000000000000000001ff0200000000000000000000000000018600b67440fc025800007530000003e8010102000000000105010000000005dc030440c000015180000038400000000020010db8000000000000000000000000",
            || {
                IPv6::new().src("fe80::1").dst("ff02::1")
                    / ICMPv6ND_RA::new()
                        .chlim(64)
                        .m(1)
                        .o(1)
                        .h(1)
                        .prf(3)
                        .p(1)
                        .routerlifetime(600)
                        .reachabletime(30000)
                        .retranstimer(1000)
                    / ICMPv6NDOptSrcLLAddr::new().lladdr("02:00:00:00:00:01")
                    / ICMPv6NDOptMTU::new().mtu(1500)
                    / ICMPv6NDOptPrefixInfo::new()
                        .prefix("2001:db8::")
                        .validlifetime(86400)
                        .preferredlifetime(14400)
            },
        ),
        v(
            r#"IPv6(src="fe80::1",dst="ff02::1",hlim=64)/ICMPv6ND_RA(res=2)/ICMPv6NDOptPrefixInfo(prefixlen=48,L=0,A=0,R=1,res1=3,res2=7,prefix="2001:db8:1::")/ICMPv6NDOptMTU(len=1,res=1,mtu=9000)"#,
            "6000000000383a40fe800000000000000000000000000001ff0200000000000000000000000000018600ebe2000a0708000000000000000003043023ffffffffffffffff0000000720010db80001000000000000000000000501000100002328",
            || {
                IPv6::new().src("fe80::1").dst("ff02::1").hlim(64)
                    / ICMPv6ND_RA::new().res(2)
                    / ICMPv6NDOptPrefixInfo::new()
                        .prefixlen(48)
                        .l(0)
                        .a(0)
                        .r(1)
                        .res1(3)
                        .res2(7)
                        .prefix("2001:db8:1::")
                    / ICMPv6NDOptMTU::new().len(1).res(1).mtu(9000)
            },
        ),
        v(
            r#"IPv6(src="fd00::2",dst="ff02::1:ff00:1")/ICMPv6ND_NS(tgt="fd00::1")/ICMPv6NDOptSrcLLAddr(lladdr="02:fc:00:00:00:01")"#,
            "6000000000203afffd000000000000000000000000000002ff0200000000000000000001ff00000187007c9c00000000fd000000000000000000000000000001010102fc00000001",
            || {
                IPv6::new().src("fd00::2").dst("ff02::1:ff00:1")
                    / ICMPv6ND_NS::new().tgt("fd00::1")
                    / ICMPv6NDOptSrcLLAddr::new().lladdr("02:fc:00:00:00:01")
            },
        ),
        v(
            r#"Ether(src="02:fc:00:00:00:01",dst="33:33:ff:00:00:01")/IPv6(src="fd00::2",dst="ff02::1:ff00:1")/ICMPv6ND_NS(tgt="fd00::1",res=1,cksum=0)"#,
            "3333ff00000102fc0000000186dd6000000000183afffd000000000000000000000000000002ff0200000000000000000001ff0000018700000000000001fd000000000000000000000000000001",
            || {
                Ether::new()
                    .src("02:fc:00:00:00:01")
                    .dst("33:33:ff:00:00:01")
                    / IPv6::new().src("fd00::2").dst("ff02::1:ff00:1")
                    / ICMPv6ND_NS::new().tgt("fd00::1").res(1).cksum(0)
            },
        ),
        v(
            r#"IPv6(src="fd00::1",dst="fd00::2")/ICMPv6ND_NA(R=0,S=1,O=1,tgt="fd00::1")/ICMPv6NDOptDstLLAddr(lladdr="02:00:00:00:00:01")"#,
            "6000000000203afffd000000000000000000000000000001fd00000000000000000000000000000288001c9c60000000fd0000000000000000000000000000010201020000000001",
            || {
                IPv6::new().src("fd00::1").dst("fd00::2")
                    / ICMPv6ND_NA::new().r(0).s(1).o(1).tgt("fd00::1")
                    / ICMPv6NDOptDstLLAddr::new().lladdr("02:00:00:00:00:01")
            },
        ),
        v(
            r#"IPv6(src="fd00::1",dst="fd00::2")/ICMPv6ND_NA(res=0x1234,tgt="fd00::1")/ICMPv6NDOptDstLLAddr(len=2,lladdr="02:00:00:00:00:01")"#,
            "6000000000203afffd000000000000000000000000000001fd0000000000000000000000000000028800ca66a0001234fd0000000000000000000000000000010202020000000001",
            || {
                IPv6::new().src("fd00::1").dst("fd00::2")
                    / ICMPv6ND_NA::new().res(0x1234).tgt("fd00::1")
                    / ICMPv6NDOptDstLLAddr::new()
                        .len(2)
                        .lladdr("02:00:00:00:00:01")
            },
        ),
        v(
            r#"IPv6(src="fd00::2",dst="ff02::1:ff00:1")/ICMPv6ND_NS(tgt="fd00::1")/ICMPv6NDOptUnknown(type=14,data=b"\x01\x02\x03\x04\x05\x06")/ICMPv6NDOptSrcLLAddr(lladdr="02:fc:00:00:00:01")"#,
            "6000000000283afffd000000000000000000000000000002ff0200000000000000000001ff0000018700658700000000fd0000000000000000000000000000010e01010203040506010102fc00000001",
            || {
                IPv6::new().src("fd00::2").dst("ff02::1:ff00:1")
                    / ICMPv6ND_NS::new().tgt("fd00::1")
                    / ICMPv6NDOptUnknown::new()
                        .type_(14)
                        .data(b"\x01\x02\x03\x04\x05\x06")
                    / ICMPv6NDOptSrcLLAddr::new().lladdr("02:fc:00:00:00:01")
            },
        ),
        v(
            r#"IPv6(src="fd00::2",dst="ff02::1")/ICMPv6ND_NS()/ICMPv6NDOptUnknown(type=31,len=2,data=b"abcdefghijklmn")"#,
            "6000000000283afffd000000000000000000000000000002ff020000000000000000000000000001870089b900000000000000000000000000000000000000001f026162636465666768696a6b6c6d6e",
            || {
                IPv6::new().src("fd00::2").dst("ff02::1")
                    / ICMPv6ND_NS::new()
                    / ICMPv6NDOptUnknown::new()
                        .type_(31)
                        .len(2)
                        .data("abcdefghijklmn")
            },
        ),
        v(
            r#"IPv6(src="fe80::1",dst="fd00::2")/ICMPv6ND_Redirect(tgt="fe80::2",dst="2001:db8::1",res=1)/ICMPv6NDOptDstLLAddr(lladdr="02:00:00:00:00:02")/ICMPv6NDOptRedirectedHdr(pkt=IPv6(src="fd00::2",dst="2001:db8::1",hlim=63)/ICMPv6EchoRequest(data=b"abcdefghijkl"))"#,
            "6000000000703afffe800000000000000000000000000001fd0000000000000000000000000000028900815800000001fe80000000000000000000000000000220010db8000000000000000000000001020102000000000204080000000000006000000000143a3ffd00000000000000000000000000000220010db80000000000000000000000018000ee87000000006162636465666768",
            || {
                IPv6::new().src("fe80::1").dst("fd00::2")
                    / ICMPv6ND_Redirect::new()
                        .tgt("fe80::2")
                        .dst("2001:db8::1")
                        .res(1)
                    / ICMPv6NDOptDstLLAddr::new().lladdr("02:00:00:00:00:02")
                    / ICMPv6NDOptRedirectedHdr::new()
                        .with_pkt(ip6().hlim(63) / ICMPv6EchoRequest::new().data("abcdefghijkl"))
            },
        ),
        v(
            r#"IPv6(src="fe80::1",dst="fd00::2")/ICMPv6ND_Redirect(tgt="fe80::2",dst="2001:db8::1")/ICMPv6NDOptRedirectedHdr(res=b"abcdef")"#,
            "6000000000303afffe800000000000000000000000000001fd000000000000000000000000000002890020a500000000fe80000000000000000000000000000220010db80000000000000000000000010401616263646566",
            || {
                IPv6::new().src("fe80::1").dst("fd00::2")
                    / ICMPv6ND_Redirect::new().tgt("fe80::2").dst("2001:db8::1")
                    / ICMPv6NDOptRedirectedHdr::new().res("abcdef")
            },
        ),
        v(
            r#"IPv6(src="fd00::2",dst="fd00::1")/IPv6ExtHdrHopByHop(options=[PadN(optdata=b"\x00"*4)])/ICMPv6ND_NS(tgt="fd00::1")/ICMPv6NDOptSrcLLAddr(lladdr="00:11:22:33:44:55")"#,
            "6000000000280040fd000000000000000000000000000002fd0000000000000000000000000000013a0001040000000087001a0400000000fd0000000000000000000000000000010101001122334455",
            || {
                IPv6::new().src("fd00::2").dst("fd00::1")
                    / IPv6ExtHdrHopByHop::new().with_options(vec![Ipv6Option::padn(4)])
                    / ICMPv6ND_NS::new().tgt("fd00::1")
                    / ICMPv6NDOptSrcLLAddr::new().lladdr("00:11:22:33:44:55")
            },
        ),
        // --- Padding added by autopad (comes back as trailing Pad1/PadN options) ---------
        v(
            r#"IPv6(src="fd00::2",dst="2001:db8::1")/IPv6ExtHdrHopByHop()/ICMPv6EchoRequest()"#,
            "6000000000100040fd00000000000000000000000000000220010db80000000000000000000000013a000104000000008000550000000000",
            || ip6() / IPv6ExtHdrHopByHop::new() / ICMPv6EchoRequest::new(),
        ),
        v(
            r#"IPv6(src="fd00::2",dst="ff02::16",hlim=1)/IPv6ExtHdrHopByHop(options=[RouterAlert()])/ICMPv6Unknown(type=143,msgbody=b"\x00\x00\x00\x00")"#,
            "6000000000100001fd000000000000000000000000000002ff0200000000000000000000000000163a000502000001008f0074a100000000",
            || {
                IPv6::new().src("fd00::2").dst("ff02::16").hlim(1)
                    / IPv6ExtHdrHopByHop::new().with_options(vec![Ipv6Option::router_alert(0)])
                    / ICMPv6Unknown::new().type_(143).msgbody(vec![0u8; 4])
            },
        ),
        v(
            r#"IPv6(src="fd00::2",dst="2001:db8::1")/IPv6ExtHdrDestOpt(options=[HBHOptUnknown(otype=0x3e,optdata=b"abc")])/ICMPv6EchoRequest()"#,
            "6000000000103c40fd00000000000000000000000000000220010db80000000000000000000000013a003e03616263008000550000000000",
            || {
                ip6()
                    / IPv6ExtHdrDestOpt::new().with_options(vec![Ipv6Option::unknown(0x3e, b"abc")])
                    / ICMPv6EchoRequest::new()
            },
        ),
        v(
            r#"IPv6(src="fd00::2",dst="ff02::1")/ICMPv6ND_NS()/ICMPv6NDOptUnknown(type=9,len=0,data=b"abcdef")"#,
            "6000000000203afffd000000000000000000000000000002ff0200000000000000000000000000018700497100000000000000000000000000000000000000000900616263646566",
            || {
                IPv6::new().src("fd00::2").dst("ff02::1")
                    / ICMPv6ND_NS::new()
                    / ICMPv6NDOptUnknown::new().type_(9).len(0).data("abcdef")
            },
        ),
        // --- Lengths that lie on purpose -------------------------------------------------
        v_lax(
            r#"IPv6(src="fd00::2",dst="2001:db8::1",plen=100)/ICMPv6EchoRequest()"#,
            "6000000000643a40fd00000000000000000000000000000220010db80000000000000000000000018000550000000000",
            || ip6().plen(100) / ICMPv6EchoRequest::new(),
        ),
        v_lax(
            r#"IPv6(src="fd00::2",dst="2001:db8::1",plen=4)/ICMPv6EchoRequest(data=b"abcd")"#,
            "6000000000043a40fd00000000000000000000000000000220010db8000000000000000000000001800090350000000061626364",
            || ip6().plen(4) / ICMPv6EchoRequest::new().data("abcd"),
        ),
        v_lax(
            r#"IPv6(src="fd00::2",dst="2001:db8::1")/IPv6ExtHdrHopByHop(len=2,options=[PadN(optdata=b"\x00"*4)])/ICMPv6EchoRequest()"#,
            "6000000000100040fd00000000000000000000000000000220010db80000000000000000000000013a020104000000008000550000000000",
            || {
                ip6()
                    / IPv6ExtHdrHopByHop::new()
                        .len(2)
                        .with_options(vec![Ipv6Option::padn(4)])
                    / ICMPv6EchoRequest::new()
            },
        ),
        v_lax(
            r#"IPv6(src="fd00::2",dst="2001:db8::1")/IPv6ExtHdrDestOpt(options=[PadN(optlen=9,optdata=b"\x00"*4)])/ICMPv6EchoRequest()"#,
            "6000000000103c40fd00000000000000000000000000000220010db80000000000000000000000013a000109000000008000550000000000",
            || {
                ip6()
                    / IPv6ExtHdrDestOpt::new().with_options(vec![Ipv6Option::PadN {
                        optlen: Some(9),
                        optdata: vec![0; 4],
                    }])
                    / ICMPv6EchoRequest::new()
            },
        ),
        v_lax(
            r#"IPv6(src="fd00::2",dst="2001:db8::1")/IPv6ExtHdrRouting(len=1,addresses=["2001:db8::a"])/ICMPv6EchoRequest()"#,
            "6000000000202b40fd00000000000000000000000000000220010db80000000000000000000000013a0100010000000020010db800000000000000000000000a800054f700000000",
            || {
                ip6()
                    / IPv6ExtHdrRouting::new()
                        .len(1)
                        .with_addresses(vec![a6("2001:db8::a")])
                    / ICMPv6EchoRequest::new()
            },
        ),
        v_lax(
            r#"IPv6(src="fd00::2",dst="ff02::1")/ICMPv6ND_NS()/ICMPv6NDOptUnknown(type=31,len=3,data=b"abcdef")"#,
            "6000000000203afffd000000000000000000000000000002ff0200000000000000000000000000018700336e00000000000000000000000000000000000000001f03616263646566",
            || {
                IPv6::new().src("fd00::2").dst("ff02::1")
                    / ICMPv6ND_NS::new()
                    / ICMPv6NDOptUnknown::new().type_(31).len(3).data("abcdef")
            },
        ),
        v_lax(
            r#"IPv6(src="fe80::1",dst="fd00::2")/ICMPv6ND_Redirect()/ICMPv6NDOptRedirectedHdr(len=0)"#,
            "6000000000303afffe800000000000000000000000000001fd000000000000000000000000000002890077100000000000000000000000000000000000000000000000000000000000000000000000000400000000000000",
            || {
                IPv6::new().src("fe80::1").dst("fd00::2")
                    / ICMPv6ND_Redirect::new()
                    / ICMPv6NDOptRedirectedHdr::new().len(0)
            },
        ),
        // --- Need TCP/UDP (stubs in the IPv6 helper's copy) -----------------------------
        v(
            r#"IPv6(src="fd00::2",dst="2001:db8::1")/TCP(sport=1234,dport=80,flags="S")"#,
            "6000000000140640fd00000000000000000000000000000220010db800000000000000000000000104d2005000000000000000005002200060040000",
            || {
                ip6()
                    / TCP::new()
                        .with("sport", 1234)
                        .with("dport", 80)
                        .with("flags", "S")
            },
        ),
        v(
            r#"IPv6(src="fd00::2",dst="2001:db8::1")/IPv6ExtHdrRouting(addresses=["2001:db8::a"])/UDP(sport=1234,dport=5000)/Raw(load=b"rh")"#,
            "6000000000222b40fd00000000000000000000000000000220010db8000000000000000000000001110200010000000020010db800000000000000000000000a04d21388000a4a527268",
            || {
                ip6()
                    / IPv6ExtHdrRouting::new().with_addresses(vec![a6("2001:db8::a")])
                    / UDP::new().with("sport", 1234).with("dport", 5000)
                    / Raw::from_bytes(b"rh")
            },
        ),
        v(
            r#"IPv6(src="2001:db8::1",dst="fd00::2")/ICMPv6DestUnreach(code=4)/IPv6(src="fd00::2",dst="2001:db8::1")/UDP(sport=1234,dport=5000)"#,
            "6000000000383a4020010db8000000000000000000000001fd0000000000000000000000000000020104629d000000006000000000081140fd00000000000000000000000000000220010db800000000000000000000000104d213880008bcc7",
            || {
                IPv6::new().src("2001:db8::1").dst("fd00::2")
                    / ICMPv6DestUnreach::new().code(4)
                    / ip6()
                    / UDP::new().with("sport", 1234).with("dport", 5000)
            },
        ),
    ]
}
