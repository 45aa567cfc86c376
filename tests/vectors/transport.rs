//! TCP, UDP and ICMP, with ICMP errors quoting IP/UDP, IP/TCP and IP/ICMP.
use super::{Vector, v, v_lax};
use pktforge::prelude::*;

const A: &str = "192.0.2.2";
const B: &str = "192.0.2.1";

fn ip() -> IP {
    IP::new().src(A).dst(B)
}

fn quoted() -> IP {
    IP::new().src(B).dst("198.51.100.7")
}

pub fn vectors() -> Vec<Vector> {
    vec![
        // ---- TCP ----
        v(
            r#"IP(src="192.0.2.2",dst="192.0.2.1")/TCP()"#,
            "45000028000100004006f6cbc0000202c0000201001400500000000000000000500220000b7b0000",
            || ip() / TCP::new(),
        ),
        v(
            r#"IP(src="192.0.2.2",dst="192.0.2.1")/TCP(sport=1234,dport=443,seq=0xffffffff,ack=123456789,reserved=5,flags="SA",window=65535,urgptr=77)"#,
            "45000028000100004006f6cbc0000202c000020104d201bbffffffff075bcd155a12ffff4684004d",
            || {
                ip() / TCP::new()
                    .sport(1234)
                    .dport(443)
                    .seq(0xffff_ffffu32)
                    .ack(123456789u32)
                    .reserved(5)
                    .flags("SA")
                    .window(65535)
                    .urgptr(77)
            },
        ),
        v(
            r#"IP(src="192.0.2.2",dst="192.0.2.1")/TCP(sport="https",dport="ssh",flags="FPU")"#,
            "45000028000100004006f6cbc0000202c000020101bb001600000000000000005029200009e70000",
            || ip() / TCP::new().sport("https").dport("ssh").flags("FPU"),
        ),
        v(
            r#"IP(src="192.0.2.2",dst="192.0.2.1")/TCP(flags="RA")"#,
            "45000028000100004006f6cbc0000202c0000201001400500000000000000000501420000b690000",
            || ip() / TCP::new().flags("RA"),
        ),
        v(
            r#"IP(src="192.0.2.2",dst="192.0.2.1")/TCP(flags="EC")"#,
            "45000028000100004006f6cbc0000202c000020100140050000000000000000050c020000abd0000",
            || ip() / TCP::new().flags("EC"),
        ),
        v(
            r#"IP(src="192.0.2.2",dst="192.0.2.1")/TCP(flags="N")"#,
            "45000028000100004006f6cbc0000202c0000201001400500000000000000000510020000a7d0000",
            || ip() / TCP::new().flags("N"),
        ),
        v(
            r#"IP(src="192.0.2.2",dst="192.0.2.1")/TCP(flags=0x1ff)"#,
            "45000028000100004006f6cbc0000202c000020100140050000000000000000051ff2000097e0000",
            || ip() / TCP::new().flags(0x1ffu16),
        ),
        v(
            r#"IP(src="192.0.2.2",dst="192.0.2.1")/TCP(flags=0)"#,
            "45000028000100004006f6cbc0000202c0000201001400500000000000000000500020000b7d0000",
            || ip() / TCP::new().flags(0u16),
        ),
        v(
            r#"IP(src="192.0.2.2",dst="192.0.2.1")/TCP(flags="PA",seq=1000,ack=2000)/Raw(b"GET / HTTP/1.0\r\n\r\n")"#,
            "4500003a000100004006f6b9c0000202c000020100140050000003e8000007d05018200020fb0000474554202f20485454502f312e300d0a0d0a",
            || ip() / TCP::new().flags("PA").seq(1000u32).ack(2000u32) / "GET / HTTP/1.0\r\n\r\n",
        ),
        v(
            r#"IP(src="192.0.2.2",dst="192.0.2.1")/TCP(options=[("MSS",1460),("NOP",None),("WScale",7),("SAckOK",b""),("SAck",(1,2)),("Timestamp",(1,0)),("EOL",None)])"#,
            "45000048000100004006f6abc0000202c0000201001400500000000000000000d00220006e7e0000020405b4010303070402050a0000000100000002080a00000001000000000000",
            || {
                ip() / TCP::new().options(vec![
                    TcpOption::Mss(1460),
                    TcpOption::Nop,
                    TcpOption::WScale(7),
                    TcpOption::SAckOK,
                    TcpOption::SAck(vec![1, 2]),
                    TcpOption::Timestamp(1, 0),
                    TcpOption::Eol,
                ])
            },
        ),
        v(
            r#"IP(src="192.0.2.2",dst="192.0.2.1")/TCP(flags="A",options=[("NOP",None),("NOP",None),("Timestamp",(12345,67890))])"#,
            "45000034000100004006f6bfc0000202c00002010014005000000000000000008010200098e900000101080a0000303900010932",
            || {
                ip() / TCP::new().flags("A").with_options(vec![
                    TcpOption::Nop,
                    TcpOption::Nop,
                    TcpOption::Timestamp(12345, 67890),
                ])
            },
        ),
        v(
            r#"IP(src="192.0.2.2",dst="192.0.2.1")/TCP(flags="A",options=[("SAck",(5,)),("NOP",None),("NOP",None)])"#,
            "45000030000100004006f6c3c0000202c000020100140050000000000000000070102000e55800000506000000050101",
            || {
                ip() / TCP::new().flags("A").options(vec![
                    TcpOption::SAck(vec![5]),
                    TcpOption::Nop,
                    TcpOption::Nop,
                ])
            },
        ),
        v(
            r#"IP(src="192.0.2.2",dst="192.0.2.1")/TCP(options=[("SAck",(1,2,3,4,5,6,7,8)),("NOP",None),("NOP",None)])"#,
            "4500004c000100004006f6a7c0000202c0000201001400500000000000000000e0022000750f0000052200000001000000020000000300000004000000050000000600000007000000080101",
            || {
                ip() / TCP::new().options(vec![
                    TcpOption::SAck(vec![1, 2, 3, 4, 5, 6, 7, 8]),
                    TcpOption::Nop,
                    TcpOption::Nop,
                ])
            },
        ),
        v(
            r#"IP(src="192.0.2.2",dst="192.0.2.1")/TCP(options=[(99,b"ab"),("UTO",5)])"#,
            "45000030000100004006f6c3c0000202c0000201001400500000000000000000700220000b030000630461621c040005",
            || {
                ip() / TCP::new().options(vec![
                    TcpOption::Unknown {
                        kind: 99,
                        data: b"ab".to_vec(),
                    },
                    TcpOption::Unknown {
                        kind: 28,
                        data: vec![0, 5],
                    },
                ])
            },
        ),
        v(
            r#"IP(src="192.0.2.2",dst="192.0.2.1")/TCP(options=[("TFO",(1,2)),("NOP",None),("NOP",None),("AltChkSum",(1,2)),("NOP",None),("NOP",None),("NOP",None)])"#,
            "4500003c000100004006f6b7c0000202c0000201001400500000000000000000a002200086510000220a000000010000000201010e05010002010101",
            || {
                ip() / TCP::new().with(
                    "options",
                    Value::List(vec![
                        Value::Tuple(vec![
                            "TFO".into(),
                            Value::Tuple(vec![1u8.into(), 2u8.into()]),
                        ]),
                        Value::Tuple(vec!["NOP".into(), Value::None]),
                        Value::Tuple(vec!["NOP".into(), Value::None]),
                        Value::Tuple(vec![
                            "AltChkSum".into(),
                            Value::Tuple(vec![1u8.into(), 2u8.into()]),
                        ]),
                        Value::Tuple(vec!["NOP".into(), Value::None]),
                        Value::Tuple(vec!["NOP".into(), Value::None]),
                        Value::Tuple(vec!["NOP".into(), Value::None]),
                    ]),
                )
            },
        ),
        v(
            r#"IP(src="192.0.2.2",dst="192.0.2.1")/TCP(options=[("MD5",b"0123456789abcdef"),("NOP",None),("NOP",None)])"#,
            "4500003c000100004006f6b7c0000202c0000201001400500000000000000000a0022000781c00001312303132333435363738396162636465660101",
            || {
                ip() / TCP::new().options(vec![
                    TcpOption::Unknown {
                        kind: 19,
                        data: b"0123456789abcdef".to_vec(),
                    },
                    TcpOption::Nop,
                    TcpOption::Nop,
                ])
            },
        ),
        v(
            r#"IP(src="192.0.2.2",dst="192.0.2.1")/TCP(options=[("MSS",b"x"),("EOL",None)])"#,
            "4500002c000100004006f6c7c0000202c0000201001400500000000000000000600220008173000002037800",
            || {
                ip() / TCP::new().options(vec![
                    TcpOption::Unknown {
                        kind: 2,
                        data: b"x".to_vec(),
                    },
                    TcpOption::Eol,
                ])
            },
        ),
        v(
            r#"IP(src="192.0.2.2",dst="192.0.2.1")/TCP(options=[("EOL",None),("NOP",None)])"#,
            "4500002c000100004006f6c7c0000202c000020100140050000000000000000060022000fb75000000010000",
            || ip() / TCP::new().options(vec![TcpOption::Eol, TcpOption::Raw(vec![1, 0, 0])]),
        ),
        // Options longer than a header can hold: the data offset wraps, as in scapy.
        v_lax(
            r#"IP(src="192.0.2.2",dst="192.0.2.1")/TCP(options=[(99,b"a"*50)])"#,
            "4500005c000100004006f697c0000202c0000201001400500000000000000000200220005590000063346161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161",
            || {
                ip() / TCP::new().options(vec![TcpOption::Unknown {
                    kind: 99,
                    data: vec![b'a'; 50],
                }])
            },
        ),
        v(
            r#"IP(src="192.0.2.2",dst="192.0.2.1")/TCP(chksum=0x1234)"#,
            "45000028000100004006f6cbc0000202c00002010014005000000000000000005002200012340000",
            || ip() / TCP::new().chksum(0x1234u16),
        ),
        v(
            r#"IP(src="192.0.2.2",dst="192.0.2.1")/TCP(dataofs=5,options=[("MSS",1460)])"#,
            "4500002c000100004006f6c7c0000202c00002010014005000000000000000005002200003bf0000020405b4",
            || ip() / TCP::new().dataofs(5u8) / Raw::from_bytes(&[2, 4, 5, 0xb4]),
        ),
        v(
            r#"IP(src="192.0.2.2",dst="192.0.2.1")/TCP(dataofs=6)/Raw(b"\x01\x01\x01\x01abcd")"#,
            "45000030000100004006f6c3c0000202c00002010014005000000000000000006002200034aa00000101010161626364",
            || ip() / TCP::new().dataofs(6u8).options(vec![TcpOption::Nop; 4]) / "abcd",
        ),
        v(
            r#"TCP(sport=1,dport=2)"#,
            "0001000200000000000000005002200000000000",
            || TCP::new().sport(1).dport(2).into(),
        ),
        v(
            r#"IP(src="192.0.2.2",dst="192.0.2.1",options=[IPOption_LSRR(routers=["198.51.100.1","198.51.100.2"])])/UDP(sport=1,dport=2)/Raw(b"lsrr")"#,
            "4800002c000100004011015dc0000202c0000201830b04c6336401c63364020000010002000c34b56c737272",
            || {
                ip().with_options(vec![IpOption::lsrr(vec![
                    "198.51.100.1".parse().unwrap(),
                    "198.51.100.2".parse().unwrap(),
                ])]) / UDP::new().sport(1).dport(2)
                    / "lsrr"
            },
        ),
        v(
            r#"IP(src="192.0.2.2",dst="192.0.2.1",options=[IPOption_SSRR(routers=["198.51.100.9"])])/TCP(sport=7,dport=8,flags="U",window=0,urgptr=1)"#,
            "470000300001000040062a92c0000202c0000201890704c63364090000070008000000000000000050200000c3750001",
            || {
                ip().with_options(vec![IpOption::ssrr(vec!["198.51.100.9".parse().unwrap()])])
                    / TCP::new().sport(7).dport(8).flags("U").window(0).urgptr(1)
            },
        ),
        v(
            r#"IP(src="192.0.2.2",dst="192.0.2.1",options=[IPOption_LSRR(routers=["198.51.100.1"])])/ICMP(id=1)"#,
            "4700002400010000400138a3c0000202c0000201830704c6336401000800f7fe00010000",
            || {
                ip().with_options(vec![IpOption::lsrr(vec!["198.51.100.1".parse().unwrap()])])
                    / ICMP::new().id(1u16)
            },
        ),
        // ---- UDP ----
        v(
            r#"IP(src="192.0.2.2",dst="192.0.2.1")/UDP()"#,
            "4500001c000100004011f6ccc0000202c00002010035003500087b70",
            || ip() / UDP::new(),
        ),
        v(
            r#"IP(src="192.0.2.2",dst="192.0.2.1")/UDP(sport=1234,dport=5678)/Raw(b"hello")"#,
            "45000021000100004011f6c7c0000202c000020104d2162e000d1cfe68656c6c6f",
            || ip() / UDP::new().sport(1234).dport(5678) / "hello",
        ),
        v(
            r#"IP(src="192.0.2.2",dst="192.0.2.1")/UDP(sport=1234,dport=5678)/Raw(b"\x60\xd6")"#,
            "4500001e000100004011f6cac0000202c000020104d2162e000affff60d6",
            || ip() / UDP::new().sport(1234).dport(5678) / &[0x60u8, 0xd6][..],
        ),
        v(
            r#"IP(src="192.0.2.2",dst="192.0.2.1")/UDP(sport="ntp",dport="snmp",chksum=0)/Raw(b"x")"#,
            "4500001d000100004011f6cbc0000202c0000201007b00a10009000078",
            || ip() / UDP::new().sport("ntp").dport("snmp").chksum(0u16) / "x",
        ),
        v(
            r#"IP(src="192.0.2.2",dst="192.0.2.1")/UDP(sport=1000,dport=2000,chksum=0xdead)"#,
            "4500001c000100004011f6ccc0000202c000020103e807d00008dead",
            || ip() / UDP::new().sport(1000).dport(2000).chksum(0xdeadu16),
        ),
        v(
            r#"IP(src="192.0.2.2",dst="192.0.2.1")/UDP(sport=1000,dport=2000,len=10)/Raw(b"ab")/Padding(b"cdef")"#,
            "4500001e000100004011f6cac0000202c000020103e807d0000a0ebc616263646566",
            || {
                ip() / UDP::new().sport(1000).dport(2000).len(10u16)
                    / "ab"
                    / Padding::from_bytes(b"cdef")
            },
        ),
        v(
            r#"UDP(sport=7,dport=9)/Raw(b"q")"#,
            "000700090009000071",
            || UDP::new().sport(7).dport(9) / "q",
        ),
        // ---- ICMP ----
        v(
            r#"IP(src="192.0.2.2",dst="192.0.2.1")/ICMP()"#,
            "4500001c000100004001f6dcc0000202c00002010800f7ff00000000",
            || ip() / ICMP::new(),
        ),
        v(
            r#"IP(src="192.0.2.2",dst="192.0.2.1")/ICMP(type="echo-reply",id=0x1234,seq=7)/Raw(b"ping")"#,
            "45000020000100004001f6d8c0000202c000020100000ef41234000770696e67",
            || ip() / ICMP::new().type_("echo-reply").id(0x1234u16).seq(7u16) / "ping",
        ),
        v(
            r#"IP(src="192.0.2.2",dst="192.0.2.1")/ICMP(id=1,seq=2,chksum=0xbeef)"#,
            "4500001c000100004001f6dcc0000202c00002010800beef00010002",
            || ip() / ICMP::new().id(1u16).seq(2u16).chksum(0xbeefu16),
        ),
        v(
            r#"IP(src="192.0.2.2",dst="192.0.2.1")/ICMP(type="dest-unreach",code="port-unreachable")/IPerror(src="192.0.2.1",dst="198.51.100.7")/UDPerror(sport=33434,dport=33435)/Raw(b"abcdefgh")"#,
            "45000040000100004001f6b8c0000202c00002010303e95a00000000450000240001000040118e8cc0000201c6336407829a829b00107cc66162636465666768",
            || {
                ip() / ICMP::new().type_("dest-unreach").code("port-unreachable")
                    / quoted()
                    / UDP::new().sport(33434).dport(33435)
                    / "abcdefgh"
            },
        ),
        v(
            r#"IP(src="192.0.2.2",dst="192.0.2.1")/ICMP(type=3,code=4,nexthopmtu=1400)/IPerror(src="192.0.2.1",dst="198.51.100.7",flags="DF")/TCPerror(sport=40000,dport=443,seq=1,flags="PA")"#,
            "45000044000100004001f6b4c0000202c00002010304e3da00000578450000280001400040064e93c0000201c63364079c4001bb00000001000000005018200005940000",
            || {
                ip() / ICMP::new().type_(3).code(4).nexthopmtu(1400u16)
                    / quoted().flags("DF")
                    / TCP::new().sport(40000).dport(443).seq(1u32).flags("PA")
            },
        ),
        v(
            r#"IP(src="192.0.2.2",dst="192.0.2.1")/ICMP(type=3,code=13,reserved=1,length=7)/IPerror(src="192.0.2.1",dst="198.51.100.7")/UDPerror(sport=1111,dport=2222)"#,
            "45000038000100004001f6c0c0000202c0000201030de841010700004500001c0001000040118e94c0000201c6336407045708ae0008069d",
            || {
                ip() / ICMP::new().type_(3).code(13).reserved(1).length(7)
                    / quoted()
                    / UDP::new().sport(1111).dport(2222)
            },
        ),
        v(
            r#"IP(src="192.0.2.2",dst="192.0.2.1")/ICMP(type="source-quench",unused=0x01020304)/IPerror(src="192.0.2.1",dst="198.51.100.7")/ICMPerror(id=9,seq=10)"#,
            "45000038000100004001f6c0c0000202c00002010400f7f9010203044500001c0001000040018ea4c0000201c63364070800f7ec0009000a",
            || {
                ip() / ICMP::new().type_("source-quench").unused(0x0102_0304u32)
                    / quoted()
                    / ICMP::new().id(9u16).seq(10u16)
            },
        ),
        v(
            r#"IP(src="192.0.2.2",dst="192.0.2.1")/ICMP(type=5,code="host-redirect",gw="192.0.2.254")/IPerror(src="192.0.2.1",dst="198.51.100.7")/UDPerror(sport=5000,dport=6000)"#,
            "45000038000100004001f6c0c0000202c000020105012456c00002fe4500001c0001000040118e94c0000201c6336407138817700008e8a9",
            || {
                ip() / ICMP::new().type_(5).code("host-redirect").gw("192.0.2.254")
                    / quoted()
                    / UDP::new().sport(5000).dport(6000)
            },
        ),
        v(
            r#"IP(src="192.0.2.2",dst="192.0.2.1")/ICMP(type="time-exceeded",code=1,length=3,unused=0x1234)/IPerror(src="192.0.2.1",dst="198.51.100.7",ttl=1)/TCPerror(sport=1234,dport=80,options=[("MSS",536)])"#,
            "45000048000100004001f6b0c0000202c00002010b01cf22000312344500002c000100000106cd8fc0000201c633640704d200500000000000000000600220008a64000002040218",
            || {
                ip() / ICMP::new()
                    .type_("time-exceeded")
                    .code(1)
                    .length(3)
                    .unused(0x1234u32)
                    / quoted().ttl(1)
                    / TCP::new()
                        .sport(1234)
                        .dport(80)
                        .options(vec![TcpOption::Mss(536)])
            },
        ),
        v(
            r#"IP(src="192.0.2.2",dst="192.0.2.1")/ICMP(type=11)/IPerror(src="192.0.2.1",dst="198.51.100.7",proto=6)/Raw(b"\x04\xd2\x00\x50\x00\x00\x00\x05")"#,
            "45000038000100004001f6c0c0000202c00002010b00efd8000000004500001c0001000040068e9fc0000201c633640704d2005000000005",
            || {
                let mut t = TCP::new().sport(1234).dport(80).seq(5u32);
                t.quoted_len = Some(8);
                ip() / ICMP::new().type_(11) / quoted().proto(6) / t
            },
        ),
        v(
            r#"IP(src="192.0.2.2",dst="192.0.2.1")/ICMP(type=11)/IPerror(src="192.0.2.1",dst="198.51.100.7")/ICMPerror(type=3,code=3)/IPerror(src="198.51.100.7",dst="192.0.2.1")/UDPerror(sport=4000,dport=4001)"#,
            "45000054000100004001f6a4c0000202c00002010b00f4ff00000000450000380001000040018e88c0000201c63364070303e952000000004500001c0001000040118e94c6336407c00002010fa00fa10008f460",
            || {
                ip() / ICMP::new().type_(11)
                    / quoted()
                    / ICMP::new().type_(3).code(3)
                    / IP::new().src("198.51.100.7").dst(B)
                    / UDP::new().sport(4000).dport(4001)
            },
        ),
        v(
            r#"IP(src="192.0.2.2",dst="192.0.2.1")/ICMP(type="parameter-problem",code=0,ptr=20,length=5,unused=0xabcd)/IPerror(src="192.0.2.1",dst="198.51.100.7")/ICMPerror(type=0,id=3,seq=4)/Raw(b"xyz")"#,
            "4500003b000100004001f6bdc0000202c00002010c00342d1405abcd4500001f0001000040018ea1c0000201c633640700000d7f0003000478797a",
            || {
                ip() / ICMP::new()
                    .type_("parameter-problem")
                    .code(0)
                    .ptr(20)
                    .length(5)
                    .unused(0xabcdu32)
                    / quoted()
                    / ICMP::new().type_(0).id(3u16).seq(4u16)
                    / "xyz"
            },
        ),
        v(
            r#"IP(src="192.0.2.2",dst="192.0.2.1")/ICMP(type="timestamp-request",id=5,seq=6,ts_ori=36000000,ts_rx=0,ts_tx=86399999)"#,
            "45000028000100004001f6d0c0000202c00002010d003eaa00050006022551000000000005265bff",
            || {
                ip() / ICMP::new()
                    .type_("timestamp-request")
                    .id(5u16)
                    .seq(6u16)
                    .ts_ori(36_000_000u32)
                    .ts_rx(0u32)
                    .ts_tx(86_399_999u32)
            },
        ),
        v(
            r#"IP(src="192.0.2.2",dst="192.0.2.1")/ICMP(type=14,ts_ori=1,ts_rx=2,ts_tx=3)"#,
            "45000028000100004001f6d0c0000202c00002010e00f1f900000000000000010000000200000003",
            || ip() / ICMP::new().type_(14).ts_ori(1u32).ts_rx(2u32).ts_tx(3u32),
        ),
        v(
            r#"IP(src="192.0.2.2",dst="192.0.2.1")/ICMP(type="address-mask-request",id=1,seq=1)"#,
            "45000020000100004001f6d8c0000202c00002011100eefd0001000100000000",
            || ip() / ICMP::new().type_("address-mask-request").id(1u16).seq(1u16),
        ),
        v(
            r#"IP(src="192.0.2.2",dst="192.0.2.1")/ICMP(type=18,id=1,seq=1,addr_mask="255.255.255.0")"#,
            "45000020000100004001f6d8c0000202c00002011200eefc00010001ffffff00",
            || {
                ip() / ICMP::new()
                    .type_(18)
                    .id(1u16)
                    .seq(1u16)
                    .addr_mask("255.255.255.0")
            },
        ),
        v(
            r#"IP(src="192.0.2.2",dst="192.0.2.1")/ICMP(type=15,id=2,seq=3)"#,
            "4500001c000100004001f6dcc0000202c00002010f00f0fa00020003",
            || ip() / ICMP::new().type_(15).id(2u16).seq(3u16),
        ),
        v(
            r#"IP(src="192.0.2.2",dst="192.0.2.1")/ICMP(type=16,id=2,seq=3)"#,
            "4500001c000100004001f6dcc0000202c00002011000effa00020003",
            || ip() / ICMP::new().type_(16).id(2u16).seq(3u16),
        ),
        v(
            r#"IP(src="192.0.2.2",dst="192.0.2.1")/ICMP(type="router-advertisement",unused=0x01001234)/Raw(b"\xc0\x00\x02\x01\x00\x00\x00\x00")"#,
            "45000024000100004001f6d4c0000202c0000201090021ca01001234c000020100000000",
            || {
                ip() / ICMP::new()
                    .type_("router-advertisement")
                    .unused(0x0100_1234u32)
                    / &b"\xc0\x00\x02\x01\x00\x00\x00\x00"[..]
            },
        ),
        v(
            r#"IP(src="192.0.2.2",dst="192.0.2.1")/ICMP(type=37,id=7,seq=8,unused=9)"#,
            "45000020000100004001f6d8c0000202c00002012500dae70007000800000009",
            || ip() / ICMP::new().type_(37).id(7u16).seq(8u16).unused(9u32),
        ),
        v(
            r#"IP(src="192.0.2.2",dst="192.0.2.1")/ICMP(type=40,code=5)"#,
            "4500001c000100004001f6dcc0000202c00002012805d7fa00000000",
            || ip() / ICMP::new().type_(40).code("need-authorization"),
        ),
        v(
            r#"ICMP(type=0,id=1)/Raw(b"hi")"#,
            "00009795000100006869",
            || ICMP::new().type_(0).id(1u16) / "hi",
        ),
    ]
}
