//! DNS: header bits, questions, every record type, EDNS0, compression, over UDP and TCP.
use super::{Vector, v, v_lax};
use pktforge::prelude::*;

fn q(name: &str) -> DNSQR {
    DNSQR::new().qname(name)
}

fn rr(name: &str) -> DNSRR {
    DNSRR::new().rrname(name)
}

pub fn vectors() -> Vec<Vector> {
    vec![
        v(
            r#"DNS()"#,
            "00000100000100000000000003777777076578616d706c6503636f6d0000010001",
            || Packet::from(DNS::new()),
        ),
        v(
            r#"DNS(id=1,qd=DNSQR(qname="a.example"))"#,
            "0001010000010000000000000161076578616d706c650000010001",
            || Packet::from(DNS::new().id(1).qd(q("a.example"))),
        ),
        v(
            r#"DNS(rd=1,qd=DNSQR(qname="example.com"))"#,
            "000001000001000000000000076578616d706c6503636f6d0000010001",
            || Packet::from(DNS::new().rd(1).qd(q("example.com"))),
        ),
        v(
            r#"DNS(id=0x1234,qr=1,opcode=2,aa=1,tc=1,rd=0,ra=1,z=1,ad=1,cd=1,rcode=5,qd=[])"#,
            "123496f50000000000000000",
            || {
                Packet::from(
                    DNS::new()
                        .id(0x1234)
                        .qr(1)
                        .opcode("STATUS")
                        .aa(1)
                        .tc(1)
                        .rd(0)
                        .ra(1)
                        .z(1)
                        .ad(1)
                        .cd(1)
                        .rcode("refused")
                        .with_qd(vec![]),
                )
            },
        ),
        v(
            r#"DNS(opcode=1,rcode=15,qd=DNSQR(qname="x.example"))"#,
            "0000090f00010000000000000178076578616d706c650000010001",
            || Packet::from(DNS::new().opcode("IQUERY").rcode(15).qd(q("x.example"))),
        ),
        v(
            r#"DNS(qd=DNSQR(qname="example.com",qtype="AAAA",qclass="CH"))"#,
            "000001000001000000000000076578616d706c6503636f6d00001c0003",
            || Packet::from(DNS::new().qd(q("example.com").qtype("AAAA").qclass("CH"))),
        ),
        v(
            r#"DNS(id=0,rd=0,qd=DNSQR(qname="_services._dns-sd._udp.local",qtype="PTR",unicastresponse=1))"#,
            "000000000001000000000000095f7365727669636573075f646e732d7364045f756470056c6f63616c00000c8001",
            || {
                Packet::from(
                    DNS::new().rd(0).qd(q("_services._dns-sd._udp.local")
                        .qtype("PTR")
                        .unicastresponse(1)),
                )
            },
        ),
        v(
            r#"DNS(qd=[DNSQR(qname="a.example"),DNSQR(qname="b.example.",qtype="MX",qclass="ANY"),DNSQR(qname=".",qtype="ALL")])"#,
            "0000010000030000000000000161076578616d706c6500000100010162076578616d706c6500000f00ff0000ff0001",
            || {
                Packet::from(DNS::new().qd(vec![
                    q("a.example"),
                    q("b.example.").qtype("MX").qclass("ANY"),
                    q(".").qtype("ALL"),
                ]))
            },
        ),
        v(
            r#"DNS(qdcount=1,ancount=0,nscount=0,arcount=0,qd=DNSQR(qname="x.example",qtype=252))"#,
            "0000010000010000000000000178076578616d706c650000fc0001",
            || {
                Packet::from(
                    DNS::new()
                        .qdcount(1)
                        .ancount(0)
                        .nscount(0)
                        .arcount(0)
                        .qd(q("x.example").qtype("AXFR")),
                )
            },
        ),
        v(
            r#"DNS(id=7,qr=1,qd=DNSQR(qname="a.example"),an=DNSRR(rrname="a.example",ttl=300,rdata="192.0.2.1"))"#,
            "0007810000010001000000000161076578616d706c6500000100010161076578616d706c6500000100010000012c0004c0000201",
            || {
                Packet::from(
                    DNS::new()
                        .id(7)
                        .qr(1)
                        .qd(q("a.example"))
                        .an(rr("a.example").ttl(300).rdata("192.0.2.1")),
                )
            },
        ),
        v(
            r#"DNS(qr=1,qd=DNSQR(qname="a.example",qtype="AAAA"),an=DNSRR(rrname="a.example",type="AAAA",ttl=86400,rdata="2001:db8::1"))"#,
            "0000810000010001000000000161076578616d706c6500001c00010161076578616d706c6500001c000100015180001020010db8000000000000000000000001",
            || {
                Packet::from(
                    DNS::new()
                        .qr(1)
                        .qd(q("a.example").qtype("AAAA"))
                        .an(rr("a.example")
                            .type_("AAAA")
                            .ttl(86400)
                            .rdata("2001:db8::1")),
                )
            },
        ),
        v(
            r#"DNS(qr=1,an=[DNSRR(rrname="example.com",type="NS",rdata="ns1.example.com"),DNSRR(rrname="example.com",type="NS",rdata="ns2.example.com.")])"#,
            "00008100000100020000000003777777076578616d706c6503636f6d0000010001076578616d706c6503636f6d0000020001000000000011036e7331076578616d706c6503636f6d00076578616d706c6503636f6d0000020001000000000011036e7332076578616d706c6503636f6d00",
            || {
                Packet::from(DNS::new().qr(1).an(vec![
                    rr("example.com").type_("NS").rdata("ns1.example.com"),
                    rr("example.com").type_("NS").rdata("ns2.example.com."),
                ]))
            },
        ),
        v(
            r#"DNS(qr=1,an=[DNSRR(rrname="www.example.com",type="CNAME",ttl=60,rdata="web.example.net"),DNSRR(rrname="web.example.net",rdata="198.51.100.7")])"#,
            "00008100000100020000000003777777076578616d706c6503636f6d000001000103777777076578616d706c6503636f6d00000500010000003c001103776562076578616d706c65036e65740003776562076578616d706c65036e65740000010001000000000004c6336407",
            || {
                Packet::from(DNS::new().qr(1).an(vec![
                    rr("www.example.com")
                        .type_("CNAME")
                        .ttl(60)
                        .rdata("web.example.net"),
                    rr("web.example.net").rdata("198.51.100.7"),
                ]))
            },
        ),
        v(
            r#"DNS(qr=1,qd=DNSQR(qname="1.2.0.192.in-addr.arpa",qtype="PTR"),an=DNSRR(rrname="1.2.0.192.in-addr.arpa",type="PTR",rdata="host.example"))"#,
            "0000810000010001000000000131013201300331393207696e2d61646472046172706100000c00010131013201300331393207696e2d61646472046172706100000c000100000000000e04686f7374076578616d706c6500",
            || {
                Packet::from(
                    DNS::new()
                        .qr(1)
                        .qd(q("1.2.0.192.in-addr.arpa").qtype("PTR"))
                        .an(rr("1.2.0.192.in-addr.arpa")
                            .type_("PTR")
                            .rdata("host.example")),
                )
            },
        ),
        v(
            r#"DNS(qr=1,an=DNSRR(rrname="d.example",type="DNAME",rdata="e.example"))"#,
            "00008100000100010000000003777777076578616d706c6503636f6d00000100010164076578616d706c65000027000100000000000b0165076578616d706c6500",
            || {
                Packet::from(
                    DNS::new()
                        .qr(1)
                        .an(rr("d.example").type_("DNAME").rdata("e.example")),
                )
            },
        ),
        v(
            r#"DNS(qr=1,an=DNSRR(rrname="t.example",type="TXT",rdata=["hello","v=spf1 -all",""]))"#,
            "00008100000100010000000003777777076578616d706c6503636f6d00000100010174076578616d706c6500001000010000000000130568656c6c6f0b763d73706631202d616c6c00",
            || {
                Packet::from(
                    DNS::new()
                        .qr(1)
                        .an(rr("t.example").type_("TXT").rdata(Value::List(vec![
                            "hello".into(),
                            "v=spf1 -all".into(),
                            "".into(),
                        ]))),
                )
            },
        ),
        v(
            r#"DNS(qr=1,an=[DNSRR(rrname="t.example",type="TXT"),DNSRR(rrname="u.example",type="TXT",rdata="single")])"#,
            "00008100000100020000000003777777076578616d706c6503636f6d00000100010174076578616d706c650000100001000000000001000175076578616d706c6500001000010000000000070673696e676c65",
            || {
                Packet::from(DNS::new().qr(1).an(vec![
                    rr("t.example").type_("TXT"),
                    rr("u.example").type_("TXT").rdata("single"),
                ]))
            },
        ),
        v(
            r#"DNS(qr=1,an=DNSRRMX(rrname="example.com",ttl=3600,preference=10,exchange="mail.example.com"))"#,
            "00008100000100010000000003777777076578616d706c6503636f6d0000010001076578616d706c6503636f6d00000f000100000e100014000a046d61696c076578616d706c6503636f6d00",
            || {
                Packet::from(
                    DNS::new().qr(1).an(rr("example.com")
                        .type_("MX")
                        .ttl(3600)
                        .with_rdata(DNSRRData::mx(10, "mail.example.com"))),
                )
            },
        ),
        v(
            r#"DNS(qr=1,an=DNSRRMX(rrname="example.com",preference=20,exchange="mx2.example.com"))"#,
            "00008100000100010000000003777777076578616d706c6503636f6d0000010001076578616d706c6503636f6d00000f00010000000000130014036d7832076578616d706c6503636f6d00",
            || {
                Packet::from(
                    DNS::new().qr(1).an(rr("example.com")
                        .type_("MX")
                        .rdata(Value::Tuple(vec![20u16.into(), "mx2.example.com".into()]))),
                )
            },
        ),
        v(
            r#"DNS(qr=1,aa=1,rcode=3,qd=DNSQR(qname="nx.example.com"),ns=DNSRRSOA(rrname="example.com",ttl=3600,mname="ns1.example.com",rname="hostmaster.example.com",serial=2024010101,refresh=7200,retry=3600,expire=1209600,minimum=300))"#,
            "000085030001000000010000026e78076578616d706c6503636f6d0000010001076578616d706c6503636f6d000006000100000e10003d036e7331076578616d706c6503636f6d000a686f73746d6173746572076578616d706c6503636f6d0078a3f17500001c2000000e10001275000000012c",
            || {
                Packet::from(
                    DNS::new()
                        .qr(1)
                        .aa(1)
                        .rcode("name-error")
                        .qd(q("nx.example.com"))
                        .ns(rr("example.com")
                            .type_("SOA")
                            .ttl(3600)
                            .with_rdata(DNSRRData::soa(
                                "ns1.example.com",
                                "hostmaster.example.com",
                                [2024010101, 7200, 3600, 1209600, 300],
                            ))),
                )
            },
        ),
        v(
            r#"DNS(qr=1,an=DNSRRSRV(rrname="_sip._tcp.example.com",ttl=300,priority=10,weight=60,port=5060,target="sip.example.com"))"#,
            "00008100000100010000000003777777076578616d706c6503636f6d0000010001045f736970045f746370076578616d706c6503636f6d00002100010000012c0017000a003c13c403736970076578616d706c6503636f6d00",
            || {
                Packet::from(
                    DNS::new().qr(1).an(rr("_sip._tcp.example.com")
                        .type_("SRV")
                        .ttl(300)
                        .with_rdata(DNSRRData::srv(10, 60, 5060, "sip.example.com"))),
                )
            },
        ),
        v(
            r#"DNS(qd=DNSQR(qname="example.com"),ar=DNSRROPT())"#,
            "000001000001000000000001076578616d706c6503636f6d00000100010000291000000080000000",
            || Packet::from(DNS::new().qd(q("example.com")).ar(DNSRR::opt())),
        ),
        v(
            r#"DNS(id=0xbeef,ad=1,qd=DNSQR(qname="example.com"),ar=DNSRROPT(rclass=1232,z=0,rdata=[EDNS0TLV(optcode=10,optdata=b"\x01\x02\x03\x04\x05\x06\x07\x08")]))"#,
            "beef01200001000000000001076578616d706c6503636f6d000001000100002904d000000000000c000a00080102030405060708",
            || {
                Packet::from(
                    DNS::new()
                        .id(0xbeef)
                        .ad(1)
                        .qd(q("example.com"))
                        .ar(DNSRR::opt()
                            .rclass(1232)
                            .with_edns(0, 0, 0)
                            .with_options(vec![EdnsOption::new(
                                10,
                                b"\x01\x02\x03\x04\x05\x06\x07\x08".to_vec(),
                            )])),
                )
            },
        ),
        v(
            r#"DNS(qr=1,ar=DNSRROPT(rclass=65535,extrcode=1,version=2,z=32768,rdata=[EDNS0TLV(optcode=3,optdata=b""),EDNS0TLV(optcode=12,optdata=b"\x00\x00\x00")]))"#,
            "00008100000100000000000103777777076578616d706c6503636f6d0000010001000029ffff01028000000b00030000000c0003000000",
            || {
                Packet::from(
                    DNS::new().qr(1).ar(DNSRR::opt()
                        .cacheflush(1)
                        .rclass(0x7fff)
                        .with_edns(1, 2, 0x8000)
                        .rdata(Value::List(vec![
                            Value::Tuple(vec!["NSID".into(), Value::Bytes(vec![])]),
                            Value::Tuple(vec![12u16.into(), Value::Bytes(vec![0, 0, 0])]),
                        ]))),
                )
            },
        ),
        v(
            r#"DNS(qr=1,an=[DNSRR(rrname="x.example",type="CAA",rdata=b"\x00\x05issueca.example"),DNSRR(rrname="h.example",type="HINFO",ttl=5,rdata=b"\x03x86\x05Linux"),DNSRR(rrname="n.example",type=65280,rdata=b"")])"#,
            "00008100000100030000000003777777076578616d706c6503636f6d00000100010178076578616d706c6500010100010000000000110005697373756563612e6578616d706c650168076578616d706c6500000d000100000005000a03783836054c696e7578016e076578616d706c6500ff000001000000000000",
            || {
                Packet::from(DNS::new().qr(1).an(vec![
                    rr("x.example")
                        .type_("CAA")
                        .rdata(b"\x00\x05issueca.example".to_vec()),
                    rr("h.example")
                        .type_("HINFO")
                        .ttl(5)
                        .rdata(b"\x03x86\x05Linux".to_vec()),
                    rr("n.example").type_(65280u16).rdata(Vec::<u8>::new()),
                ]))
            },
        ),
        v(
            r#"DNS(qr=1,aa=1,rd=0,qd=[],an=DNSRR(rrname="host.local",cacheflush=1,rclass="IN",ttl=120,rdata="192.0.2.7"))"#,
            "00008400000000010000000004686f7374056c6f63616c0000018001000000780004c0000207",
            || {
                Packet::from(
                    DNS::new()
                        .qr(1)
                        .aa(1)
                        .rd(0)
                        .with_qd(vec![])
                        .an(rr("host.local")
                            .cacheflush(1)
                            .rclass("IN")
                            .ttl(120)
                            .rdata("192.0.2.7")),
                )
            },
        ),
        v(
            r#"DNS(qr=1,qd=DNSQR(qname="c.example",qclass="CH",qtype="TXT"),an=DNSRR(rrname=".",type="A",rclass="HS",ttl=4294967295,rdata="0.0.0.0"))"#,
            "0000810000010001000000000163076578616d706c6500001000030000010004ffffffff000400000000",
            || {
                Packet::from(
                    DNS::new()
                        .qr(1)
                        .qd(q("c.example").qclass("CH").qtype("TXT"))
                        .an(rr(".")
                            .type_("A")
                            .rclass("HS")
                            .ttl(4294967295u32)
                            .rdata("0.0.0.0")),
                )
            },
        ),
        v(
            r#"DNS(qr=1,aa=1,qd=DNSQR(qname="example.com",qtype="NS"),ns=[DNSRR(rrname="example.com",type="NS",rdata="ns.example.com")],ar=[DNSRR(rrname="ns.example.com",rdata="192.0.2.53"),DNSRR(rrname="ns.example.com",type="AAAA",rdata="2001:db8::53")])"#,
            "000085000001000000010002076578616d706c6503636f6d0000020001076578616d706c6503636f6d0000020001000000000010026e73076578616d706c6503636f6d00026e73076578616d706c6503636f6d0000010001000000000004c0000235026e73076578616d706c6503636f6d00001c000100000000001020010db8000000000000000000000053",
            || {
                Packet::from(
                    DNS::new()
                        .qr(1)
                        .aa(1)
                        .qd(q("example.com").qtype("NS"))
                        .ns(vec![rr("example.com").type_("NS").rdata("ns.example.com")])
                        .ar(vec![
                            rr("ns.example.com").rdata("192.0.2.53"),
                            rr("ns.example.com").type_("AAAA").rdata("2001:db8::53"),
                        ]),
                )
            },
        ),
        v(
            r#"DNS(qd=DNSQR(qname="www.example.com"),an=[DNSRR(rrname="www.example.com",rdata="192.0.2.1"),DNSRR(rrname="example.com",type="CNAME",rdata="www.example.com")]).compress()"#,
            "00000100000100020000000003777777076578616d706c6503636f6d0000010001c00c00010001000000000004c0000201c01000050001000000000002c00c",
            || {
                Packet::from(
                    DNS::new()
                        .qd(q("www.example.com"))
                        .an(vec![
                            rr("www.example.com").rdata("192.0.2.1"),
                            rr("example.com").type_("CNAME").rdata("www.example.com"),
                        ])
                        .compress(),
                )
            },
        ),
        v(
            r#"DNS(qr=1,qd=DNSQR(qname="example.com",qtype="MX"),an=[DNSRRMX(rrname="example.com",preference=5,exchange="mail.example.com"),DNSRRSRV(rrname="_x._tcp.example.com",target="mail.example.com")],ns=DNSRRSOA(rrname="example.com",mname="ns.example.com",rname="root.example.com"),ar=[DNSRR(rrname="mail.example.com",rdata="192.0.2.25"),DNSRROPT()]).compress()"#,
            "000081000001000200010002076578616d706c6503636f6d00000f0001c00c000f00010000000000090005046d61696cc00c025f78045f746370c00c00210001000000000008000000000000c02bc00c00060001000000000020026e73c00c04726f6f74c00c0000000000000000000000000000000000000000c02b00010001000000000004c00002190000291000000080000000",
            || {
                Packet::from(
                    DNS::new()
                        .qr(1)
                        .qd(q("example.com").qtype("MX"))
                        .an(vec![
                            rr("example.com")
                                .type_("MX")
                                .with_rdata(DNSRRData::mx(5, "mail.example.com")),
                            rr("_x._tcp.example.com")
                                .type_("SRV")
                                .with_rdata(DNSRRData::srv(0, 0, 0, "mail.example.com")),
                        ])
                        .ns(rr("example.com").type_("SOA").with_rdata(DNSRRData::soa(
                            "ns.example.com",
                            "root.example.com",
                            [0; 5],
                        )))
                        .ar(vec![
                            rr("mail.example.com").rdata("192.0.2.25"),
                            DNSRR::opt(),
                        ])
                        .compress(),
                )
            },
        ),
        v(
            r#"DNS(qd=[DNSQR(qname="a.b.c.example"),DNSQR(qname="b.c.example"),DNSQR(qname="x.c.example"),DNSQR(qname="a.b.c.example",qtype="AAAA")]).compress()"#,
            "000001000004000000000000016101620163076578616d706c650000010001c00e000100010178c01000010001c00c001c0001",
            || {
                Packet::from(
                    DNS::new()
                        .qd(vec![
                            q("a.b.c.example"),
                            q("b.c.example"),
                            q("x.c.example"),
                            q("a.b.c.example").qtype("AAAA"),
                        ])
                        .compress(),
                )
            },
        ),
        v(
            r#"DNS(qr=1,qd=DNSQR(qname="p.example",qtype="PTR"),an=[DNSRR(rrname="p.example",type="PTR",rdata="q.p.example"),DNSRR(rrname="q.p.example",type="TXT",rdata="q.p.example")]).compress()"#,
            "0000810000010002000000000170076578616d706c6500000c0001c00c000c00010000000000040171c00cc0270010000100000000000c0b712e702e6578616d706c65",
            || {
                Packet::from(
                    DNS::new()
                        .qr(1)
                        .qd(q("p.example").qtype("PTR"))
                        .an(vec![
                            rr("p.example").type_("PTR").rdata("q.p.example"),
                            rr("q.p.example").type_("TXT").rdata("q.p.example"),
                        ])
                        .compress(),
                )
            },
        ),
        // Over UDP and TCP.
        v(
            r#"IP(src="192.0.2.2",dst="192.0.2.53")/UDP()/DNS(rd=1,qd=DNSQR(qname="example.com"))"#,
            "45000039000100004011f67bc0000202c0000235003500350025ab94000001000001000000000000076578616d706c6503636f6d0000010001",
            || {
                IP::new().src("192.0.2.2").dst("192.0.2.53")
                    / UDP::new()
                    / DNS::new().rd(1).qd(DNSQR::new().qname("example.com"))
            },
        ),
        v(
            r#"IP(src="192.0.2.2",dst="192.0.2.53")/UDP(sport=40000,dport=53)/DNS(id=0x4242,qd=DNSQR(qname="example.org",qtype="AAAA"),ar=DNSRROPT(rclass=1232))"#,
            "45000044000100004011f670c0000202c00002359c40003500302a30424201000001000000000001076578616d706c65036f726700001c000100002904d0000080000000",
            || {
                IP::new().src("192.0.2.2").dst("192.0.2.53")
                    / UDP::new().sport(40000).dport(53)
                    / DNS::new()
                        .id(0x4242)
                        .qd(q("example.org").qtype("AAAA"))
                        .ar(DNSRR::opt().rclass(1232))
            },
        ),
        v(
            r#"IP(src="192.0.2.53",dst="192.0.2.2")/UDP(sport=53,dport=40000)/DNS(id=0x4242,qr=1,ra=1,qd=DNSQR(qname="example.org"),an=[DNSRR(rrname="example.org",ttl=60,rdata="203.0.113.9"),DNSRR(rrname="example.org",ttl=60,rdata="203.0.113.10")]).compress()"#,
            "45000059000100004011f65bc0000235c000020200359c4000459685424281800001000200000000076578616d706c65036f72670000010001c00c000100010000003c0004cb007109c00c000100010000003c0004cb00710a",
            || {
                IP::new().src("192.0.2.53").dst("192.0.2.2")
                    / UDP::new().sport(53).dport(40000)
                    / DNS::new()
                        .id(0x4242)
                        .qr(1)
                        .ra(1)
                        .qd(q("example.org"))
                        .an(vec![
                            rr("example.org").ttl(60).rdata("203.0.113.9"),
                            rr("example.org").ttl(60).rdata("203.0.113.10"),
                        ])
                        .compress()
            },
        ),
        v(
            r#"IP(src="192.0.2.2",dst="224.0.0.251")/UDP(sport=5353,dport=5353)/DNS(rd=0,qd=DNSQR(qname="printer.local",qtype="SRV",unicastresponse=1))"#,
            "4500003b000100004011d7b3c0000202e00000fb14e914e90027ec52000000000001000000000000077072696e746572056c6f63616c0000218001",
            || {
                IP::new().src("192.0.2.2").dst("224.0.0.251")
                    / UDP::new().sport(5353).dport(5353)
                    / DNS::new()
                        .rd(0)
                        .qd(q("printer.local").qtype("SRV").unicastresponse(1))
            },
        ),
        v(
            r#"IP(src="192.0.2.2",dst="192.0.2.53")/TCP(sport=40000,dport=53,flags="PA")/DNS(id=9,qd=DNSQR(qname="example.com",qtype="AXFR"))"#,
            "45000047000100004006f678c0000202c00002359c400035000000000000000050182000a46b0000001d000901000001000000000000076578616d706c6503636f6d0000fc0001",
            || {
                IP::new().src("192.0.2.2").dst("192.0.2.53")
                    / TCP::new().sport(40000).dport(53).flags("PA")
                    / DNS::new().id(9).qd(q("example.com").qtype("AXFR"))
            },
        ),
        v(
            r#"IP(src="192.0.2.53",dst="192.0.2.2")/TCP(sport=53,dport=40000,flags="PA")/DNS(id=9,qr=1,qd=DNSQR(qname="example.com"),an=DNSRR(rrname="example.com",rdata="192.0.2.80"))"#,
            "45000062000100004006f65dc0000235c000020200359c40000000000000000050182000f01100000038000981000001000100000000076578616d706c6503636f6d0000010001076578616d706c6503636f6d0000010001000000000004c0000250",
            || {
                IP::new().src("192.0.2.53").dst("192.0.2.2")
                    / TCP::new().sport(53).dport(40000).flags("PA")
                    / DNS::new()
                        .id(9)
                        .qr(1)
                        .qd(q("example.com"))
                        .an(rr("example.com").rdata("192.0.2.80"))
            },
        ),
        // Lying counts, lengths and option lengths: bytes and round trip only.
        v_lax(
            r#"DNS(qdcount=2,qd=DNSQR(qname="a.example"))"#,
            "0000010000020000000000000161076578616d706c650000010001",
            || Packet::from(DNS::new().qdcount(2).qd(q("a.example"))),
        ),
        v_lax(
            r#"DNS(qdcount=0,ancount=0,qd=DNSQR(qname="a.example"))"#,
            "0000010000000000000000000161076578616d706c650000010001",
            || Packet::from(DNS::new().qdcount(0).ancount(0).qd(q("a.example"))),
        ),
        v_lax(
            r#"DNS(qr=1,qd=[],an=DNSRR(rrname="a.example",rdlen=2,rdata="192.0.2.1"))"#,
            "0000810000000001000000000161076578616d706c650000010001000000000002c0000201",
            || {
                Packet::from(
                    DNS::new()
                        .qr(1)
                        .with_qd(vec![])
                        .an(rr("a.example").rdlen(2).rdata("192.0.2.1")),
                )
            },
        ),
        v_lax(
            r#"DNS(qr=1,qd=[],an=DNSRR(rrname="a.example",rdlen=9,rdata="192.0.2.1"))"#,
            "0000810000000001000000000161076578616d706c650000010001000000000009c0000201",
            || {
                Packet::from(
                    DNS::new()
                        .qr(1)
                        .with_qd(vec![])
                        .an(rr("a.example").rdlen(9).rdata("192.0.2.1")),
                )
            },
        ),
        v_lax(
            r#"DNS(qd=[],ar=DNSRROPT(rdata=[EDNS0TLV(optcode=10,optlen=9,optdata=b"abcd")]))"#,
            "0000010000000000000000010000291000000080000008000a000961626364",
            || {
                Packet::from(
                    DNS::new()
                        .with_qd(vec![])
                        .ar(DNSRR::opt().with_options(vec![EdnsOption {
                            optcode: 10,
                            optlen: Some(9),
                            optdata: b"abcd".to_vec(),
                        }])),
                )
            },
        ),
        v_lax(
            r#"IP(src="192.0.2.2",dst="192.0.2.53")/TCP(sport=40000,dport=53,flags="PA")/DNS(length=100,qd=DNSQR(qname="example.com"))"#,
            "45000047000100004006f678c0000202c00002359c4000350000000000000000501820009f2e00000064000001000001000000000000076578616d706c6503636f6d0000010001",
            || {
                IP::new().src("192.0.2.2").dst("192.0.2.53")
                    / TCP::new().sport(40000).dport(53).flags("PA")
                    / DNS::new().length(100).qd(q("example.com"))
            },
        ),
        v_lax(
            r#"IP(src="192.0.2.2",dst="192.0.2.53")/TCP(sport=40000,dport=53,flags="PA")/DNS(qd=[])"#,
            "45000036000100004006f689c0000202c00002359c4000350000000000000000501820006e050000000c000001000000000000000000",
            || {
                IP::new().src("192.0.2.2").dst("192.0.2.53")
                    / TCP::new().sport(40000).dport(53).flags("PA")
                    / DNS::new().with_qd(vec![])
            },
        ),
    ]
}
