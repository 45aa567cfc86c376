use super::*;
use crate::layers::Layer;
use crate::value::Value;
use proptest::prelude::*;

fn opts(seed: u64) -> ExpandOptions {
    ExpandOptions { seed: Some(seed) }
}

fn hexes(expr: &str) -> Vec<String> {
    let t = parse(expr).unwrap_or_else(|e| panic!("{}", e.render(expr)));
    t.packets(&opts(1))
        .map(|p| hex::encode(p.build().unwrap()))
        .collect()
}

fn one(expr: &str) -> String {
    let v = hexes(expr);
    assert_eq!(v.len(), 1, "{expr}");
    v.into_iter().next().unwrap()
}

fn perr(expr: &str) -> DslError {
    match parse(expr) {
        Ok(_) => panic!("{expr} parsed"),
        Err(e) => e,
    }
}

/// The error's message and the text its span covers.
fn err_at(expr: &str) -> (String, String) {
    let e = perr(expr);
    (e.message.clone(), expr[e.span.clone()].to_string())
}

fn field(p: &crate::Packet, layer: &str, f: &str) -> Value {
    p.get(layer, f).unwrap()
}

// ---------------------------------------------------------------- values

#[test]
fn integers() {
    let t = parse("IP(ttl=0x10, tos=0b101, id=0o17, frag=1_000, len=2**4-1, chksum=3*5)").unwrap();
    let p = t.packets(&opts(0)).next().unwrap();
    assert_eq!(field(&p, "IP", "ttl"), Value::Int(16));
    assert_eq!(field(&p, "IP", "tos"), Value::Int(5));
    assert_eq!(field(&p, "IP", "id"), Value::Int(15));
    assert_eq!(field(&p, "IP", "frag"), Value::Int(1000));
    assert_eq!(field(&p, "IP", "len"), Value::Int(15));
    assert_eq!(field(&p, "IP", "chksum"), Value::Int(15));
    let t = parse("IP(ttl=True, tos=False)").unwrap();
    let p = t.packets(&opts(0)).next().unwrap();
    assert_eq!(field(&p, "IP", "ttl"), Value::Int(1));
}

#[test]
fn strings_and_escapes() {
    let p = parse(r#"Raw(load='a\'b\n\x41\101\u00e9')"#)
        .unwrap()
        .packets(&opts(0))
        .next()
        .unwrap();
    assert_eq!(
        field(&p, "Raw", "load"),
        Value::Bytes("a'b\nAAé".as_bytes().to_vec())
    );
    let p = parse(r#"Raw(load=b"\x00\xff\\" b'z')"#)
        .unwrap()
        .packets(&opts(0))
        .next()
        .unwrap();
    assert_eq!(
        field(&p, "Raw", "load"),
        Value::Bytes(vec![0, 0xff, b'\\', b'z'])
    );
    let p = parse(r#"Raw(load=r"\x00")"#)
        .unwrap()
        .packets(&opts(0))
        .next()
        .unwrap();
    assert_eq!(field(&p, "Raw", "load"), Value::Bytes(b"\\x00".to_vec()));
    assert_eq!(one(r#"Raw(load="ab"*3)"#), hex::encode("ababab"));
    assert_eq!(one(r#"Raw(load=2*b"\x01")"#), "0101");
    assert_eq!(one(r#"Raw(load="a"+"b")"#), hex::encode("ab"));
}

#[test]
fn bare_payloads_and_none() {
    let direct = crate::layers::IP::new().src("127.0.0.1") / crate::layers::ICMP::new() / "hello";
    assert_eq!(
        one(r#"IP(src="127.0.0.1")/ICMP()/"hello""#),
        hex::encode(direct.build().unwrap())
    );
    assert_eq!(one(r#"b"\x01\x02""#), "0102");
    assert_eq!(one(r#""ab"/Raw(load="c")"#), hex::encode("abc"));
    // None leaves an automatic field to be computed.
    assert_eq!(
        one("IP(src='127.0.0.1', len=None)"),
        one("IP(src='127.0.0.1')")
    );
    // Parentheses group stacks.
    assert_eq!(
        one("(IP(src='1.2.3.4')/ICMP())/'x'"),
        one("IP(src='1.2.3.4')/ICMP()/'x'")
    );
}

#[test]
fn value_names_flags_services() {
    let p = parse(r#"IP(flags="DF")/TCP(flags="SA", dport="http")/Raw()"#)
        .unwrap()
        .packets(&opts(0))
        .next()
        .unwrap();
    assert_eq!(field(&p, "IP", "flags"), Value::Int(2));
    assert_eq!(field(&p, "TCP", "flags"), Value::Int(0x12));
    assert_eq!(field(&p, "TCP", "dport"), Value::Int(80));
    let p = parse(r#"IP(flags=["DF","MF"])/ICMP(type="echo-reply")"#)
        .unwrap()
        .packets(&opts(0))
        .next()
        .unwrap();
    assert_eq!(field(&p, "IP", "flags"), Value::Int(3));
    assert_eq!(field(&p, "ICMP", "type"), Value::Int(0));
}

#[test]
fn nested_and_options() {
    // Byte vectors from scapy 2.8.
    assert_eq!(
        one(r#"IP(options=[IPOption_NOP(),IPOption_RR(routers=["1.2.3.4"], pointer=8)])"#),
        "4700001c0001000040006eca7f0000017f0000010107070801020304"
    );
    assert_eq!(
        one(r#"IP(options=IPOption(b"\x07\x07\x04\x01\x02\x03\x04\x01"))"#),
        "4700001c00010000400069d37f0000017f0000010707040102030401"
    );
    let t = parse(
        r#"IP()/UDP()/DNS(qr=1, qd=DNSQR(qname="a.com", qtype="AAAA"), an=[DNSRR(rrname="a.com", rdata="1.2.3.4"), DNSRRMX(rrname="a.com", preference=10, exchange="mx.a.com")], ar=DNSRROPT(rdata=[EDNS0TLV(optcode=8, optdata=b"abcd")]))"#,
    )
    .unwrap();
    let p = t.packets(&opts(0)).next().unwrap();
    let dns = p.layer::<crate::layers::DNS>().unwrap();
    assert_eq!(dns.an.len(), 2);
    assert_eq!(dns.an.get(1).map(|r| r.type_), Some(15));
    assert_eq!(dns.ar.first().map(|r| r.type_), Some(41));
    assert!(p.build().is_ok());
    // TCP options as tuples.
    let p = parse(r#"TCP(options=[("MSS",1460),("NOP",None),("WScale",7),("SAckOK",b""),("Timestamp",(1,0))])"#)
        .unwrap()
        .packets(&opts(0))
        .next()
        .unwrap();
    assert_eq!(p.layer::<crate::layers::TCP>().unwrap().options.len(), 5);
    // IPv6 extension header options.
    assert!(parse("IPv6()/IPv6ExtHdrHopByHop(options=[RouterAlert(value=0), PadN(optdata=b'\\x00\\x00'), Pad1()])/UDP()").is_ok());
}

#[test]
fn dissect_positional_bytes() {
    let bytes = "45000014000100004000 7ce77f0000017f000001".replace(' ', "");
    let t = parse(r#"IP(b"\x45\x00\x00\x14\x00\x01\x00\x00\x40\x00\x7c\xe7\x7f\x00\x00\x01\x7f\x00\x00\x01", ttl=63)"#).unwrap();
    let p = t.packets(&opts(0)).next().unwrap();
    assert_eq!(field(&p, "IP", "ttl"), Value::Int(63));
    assert_eq!(
        one(
            r#"IP(b"\x45\x00\x00\x14\x00\x01\x00\x00\x40\x00\x7c\xe7\x7f\x00\x00\x01\x7f\x00\x00\x01")"#
        ),
        bytes
    );
}

// ---------------------------------------------------------------- sets

#[test]
fn set_order_matches_scapy() {
    // [bytes(p).hex() for p in IP(ttl=[1,2],dst="10.0.0.0/31",src="192.0.2.2")] in scapy 2.8:
    // dst (declared after ttl) varies slowest, whatever the argument order.
    let want = [
        "45000014000100000100ede7c00002020a000000",
        "45000014000100000200ece7c00002020a000000",
        "45000014000100000100ede6c00002020a000001",
        "45000014000100000200ece6c00002020a000001",
    ];
    assert_eq!(
        hexes(r#"IP(ttl=[1,2],dst="10.0.0.0/31",src="192.0.2.2")"#),
        want
    );
    assert_eq!(
        hexes(r#"IP(dst="10.0.0.0/31",src="192.0.2.2",ttl=[1,2])"#),
        want
    );
    // The payload varies fastest.
    let t = parse("IP(ttl=[1,2])/TCP(dport=[5,6])").unwrap();
    let got: Vec<(u64, u64)> = t
        .packets(&opts(0))
        .map(|p| {
            (
                p.get("IP", "ttl").unwrap().as_int().unwrap(),
                p.get("TCP", "dport").unwrap().as_int().unwrap(),
            )
        })
        .collect();
    assert_eq!(got, [(1, 5), (1, 6), (2, 5), (2, 6)]);
}

fn ints(expr: &str, layer: &str, f: &str) -> Vec<u64> {
    parse(expr)
        .unwrap()
        .packets(&opts(0))
        .map(|p| p.get(layer, f).unwrap().as_int().unwrap())
        .collect()
}

#[test]
fn set_forms_and_counts() {
    assert_eq!(ints("IP(ttl=(1,5))", "IP", "ttl"), [1, 2, 3, 4, 5]);
    assert_eq!(ints("IP(ttl=(1,10,3))", "IP", "ttl"), [1, 4, 7, 10]);
    assert_eq!(ints("IP(ttl=(5,1))", "IP", "ttl"), Vec::<u64>::new());
    assert_eq!(parse("IP(ttl=(5,1))/TCP(dport=[1,2])").unwrap().count(), 0);
    assert_eq!(
        ints("IP(ttl=[1,2,(5,9)])", "IP", "ttl"),
        [1, 2, 5, 6, 7, 8, 9]
    );
    assert_eq!(
        ints(r#"TCP(dport=["http",(1,2)])"#, "TCP", "dport"),
        [80, 1, 2]
    );
    assert_eq!(parse(r#"Raw(load=["a","b"])"#).unwrap().count(), 2);
    let t = parse(r#"IP(dst=["10.0.0.0/31","1.2.3.4"])"#).unwrap();
    let dsts: Vec<String> = t
        .packets(&opts(0))
        .map(|p| p.get("IP", "dst").unwrap().to_string())
        .collect();
    assert_eq!(dsts, ["10.0.0.0", "10.0.0.1", "1.2.3.4"]);
    let t = parse(r#"IP(dst=("10.0.0.1","10.0.0.3"))"#).unwrap();
    assert_eq!(t.count(), 3);
    assert_eq!(parse(r#"IP(dst="10.0.0.5/30")"#).unwrap().count(), 4);
    assert_eq!(
        parse(r#"IP(dst="10.0.0.0/24")/TCP(dport=[22,80,443],flags="S")"#)
            .unwrap()
            .count(),
        768
    );
    assert_eq!(parse(r#"IPv6(dst="2001:db8::/126")"#).unwrap().count(), 4);
    assert_eq!(
        parse(r#"IPv6(dst="2001:db8::/64")"#).unwrap().count(),
        1 << 64
    );
    // Lists given to list fields are values, not sets.
    assert_eq!(
        parse(r#"TCP(options=[("NOP",None),("NOP",None)])"#)
            .unwrap()
            .count(),
        1
    );
}

#[test]
fn huge_sets_are_lazy() {
    let t = parse(r#"IP(dst="10.0.0.0/8")/TCP(dport=(1,65535))"#).unwrap();
    assert_eq!(t.count(), (1u128 << 24) * 65535);
    let mut it = t.packets(&opts(0));
    let first = it.next().unwrap();
    assert_eq!(first.get("TCP", "dport").unwrap(), Value::Int(1));
    assert_eq!(
        it.size_hint().0,
        usize::try_from((1u128 << 24) * 65535 - 1).unwrap()
    );
    let t = parse(r#"IPv6(dst="::/0")/TCP(dport=[1,2])"#);
    assert!(t.is_err(), "2^129 packets do not fit a u128 count");
}

#[test]
fn hostnames_resolve_at_parse_time() {
    let t = parse(r#"IP(dst="localhost")"#).unwrap();
    let p = t.packets(&opts(0)).next().unwrap();
    assert_eq!(p.get("IP", "dst").unwrap().to_string(), "127.0.0.1");
    let (m, at) = err_at(r#"IP(dst="nosuch.invalid")/ICMP()"#);
    assert_eq!(m, "cannot resolve \"nosuch.invalid\"");
    assert_eq!(at, "\"nosuch.invalid\"");
    // inet_aton's short forms, like scapy.
    let p = parse(r#"IP(dst="127.1")"#)
        .unwrap()
        .packets(&opts(0))
        .next()
        .unwrap();
    assert_eq!(p.get("IP", "dst").unwrap().to_string(), "127.0.0.1");
}

// ---------------------------------------------------------------- fuzz

#[test]
fn fuzz_is_reproducible_with_a_seed() {
    let t = parse("IP(dst='10.0.0.1')/fuzz(TCP(dport=80))").unwrap();
    assert!(t.is_fuzzed());
    let a: Vec<_> = t.packets(&opts(7)).map(|p| p.build().unwrap()).collect();
    let b: Vec<_> = t.packets(&opts(7)).map(|p| p.build().unwrap()).collect();
    let c: Vec<_> = t.packets(&opts(8)).map(|p| p.build().unwrap()).collect();
    assert_eq!(a, b);
    assert_ne!(a, c);
    let p = t.packets(&opts(7)).next().unwrap();
    // Explicit fields stay, automatic ones stay automatic.
    assert_eq!(field(&p, "TCP", "dport"), Value::Int(80));
    assert_eq!(field(&p, "TCP", "chksum"), Value::None);
    assert_eq!(field(&p, "IP", "ttl"), Value::Int(64));
    // Each packet of a set gets fresh values.
    let t = parse("fuzz(IP(dst='10.0.0.1'))/TCP(dport=[1,2,3,4])").unwrap();
    let ttls: Vec<_> = t
        .packets(&opts(3))
        .map(|p| field(&p, "IP", "ttl"))
        .collect();
    assert_eq!(ttls.len(), 4);
    assert!(ttls.iter().any(|x| *x != ttls[0]));
    // fuzz() over a stack fuzzes every layer in it.
    let t = parse("fuzz(IP()/UDP())").unwrap();
    let p = t.packets(&opts(1)).next().unwrap();
    assert!(matches!(p.layers(), [Layer::IP(_), Layer::UDP(_)]));
}

// ---------------------------------------------------------------- errors

#[test]
fn render_format() {
    let expr = "IP(ttll=3)/ICMP()";
    let e = perr(expr);
    assert_eq!(
        e.render(expr),
        "error: unknown field \"ttll\" for IP; its fields are: version, ihl, tos, len, id, \
         flags, frag, ttl, proto, chksum, src, dst, options\n  IP(ttll=3)/ICMP()\n     ^^^^"
    );
    // Columns count characters, not bytes.
    let expr = "Raw(load='é')/Nope()";
    let r = perr(expr).render(expr);
    assert!(r.ends_with("\n                ^^^^"), "{r}");
    // An empty span still gets one caret.
    let expr = "IP(";
    let r = perr(expr).render(expr);
    assert!(r.ends_with("\n    ^"), "{r}");
}

#[test]
fn error_messages_and_spans() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "IPv6()/ICMPv6EchoReqest()",
            "unknown layer \"ICMPv6EchoReqest\"; did you mean ICMPv6EchoRequest?",
            "ICMPv6EchoReqest",
        ),
        ("IP(ttl=300)", "ttl takes 0..=255, got 300", "300"),
        ("IP(ttl=-1)", "ttl takes 0..=255, got -1", "-1"),
        ("IP(ttl=[1,300])", "ttl takes 0..=255, got 300", "300"),
        (
            "IP(ttl=(250,300))",
            "ttl takes 0..=255, got 300",
            "(250,300)",
        ),
        ("IP(ttl=(1,2)", "unclosed \"(\": missing \")\"", "("),
        (
            "IP(ttl=[1,2)",
            "unexpected \")\": the \"[\" at offset 7 must be closed with \"]\" first",
            ")",
        ),
        ("IP())", "unexpected \")\": nothing to close", ")"),
        (
            "IP(dst=\"10.0.0.1-3\")",
            "ranges like \"10.0.0.1-3\" are not accepted (scapy 2.8 dropped them); use a CIDR or a tuple (\"10.0.0.1\", \"10.0.0.3\")",
            "\"10.0.0.1-3\"",
        ),
        (
            "IP(dst=\"10.0.0.0/33\")",
            "bad network mask in \"10.0.0.0/33\": the mask is 0..=32",
            "\"10.0.0.0/33\"",
        ),
        (
            "TCP(dport=http)",
            "unknown name \"http\": strings need quotes (\"http\")",
            "http",
        ),
        ("IP(ttl=1, ttl=2)", "field \"ttl\" is given twice", "ttl"),
        (
            "IP(ttl=1.5)",
            "floating-point numbers are not supported; use an integer",
            "1.5",
        ),
        (
            "IP(ttl='x)",
            "unterminated string: this quote is never closed",
            "'",
        ),
        (
            "IP(ttl=1 2)",
            "expected \",\" or \")\", found integer 2",
            "2",
        ),
        (
            "IP()/3",
            "\"/\" stacks layers: both sides must be layers (or a string/bytes payload)",
            "/",
        ),
        (
            "IP(ttl=5)ICMP()",
            "expected \"/\" or the end, found name \"ICMP\"",
            "ICMP",
        ),
        (
            "IP(flags='XY')",
            "flags takes flags from [\"MF\", \"DF\", \"evil\"] or an integer, got 'XY'",
            "'XY'",
        ),
        ("ICMP(type='echo-replyy')", "", "'echo-replyy'"),
        (
            "IP(options=[IPOption_RR(pointer=300)])",
            "pointer takes 0..=255, got 300",
            "300",
        ),
        (
            "IP(options=[IPOption_RR(routerz=[])])",
            "unknown field \"routerz\" for IPOption_RR; its fields are: copy_flag, optclass, option, length, pointer, routers",
            "routerz",
        ),
        (
            "Raw(load=b'é')",
            "bytes literals can only contain ASCII characters (use \\xNN escapes)",
            "é",
        ),
        (
            "Raw(load='x'*10**12)",
            "repetition too large: 1000000000000 times, the limit is 1048576 bytes in all",
            "'x'*10**12",
        ),
        (
            "IP(ttl=99999999999999999999999999999999999999999)",
            "integer 99999999999999999999999999999999999999999 is too large",
            "99999999999999999999999999999999999999999",
        ),
        (
            "DNS(qd=DNSQR(qname=['a','b']))",
            "packet sets are not supported inside nested packets",
            "['a','b']",
        ),
        (
            "fuzz(IP(), TCP())",
            "fuzz() takes one packet, e.g. fuzz(TCP())",
            "fuzz(IP(), TCP())",
        ),
        (
            "IP(ttl=(1,5,0))",
            "a range's step must not be zero",
            "(1,5,0)",
        ),
        (
            "",
            "expected a value or a layer, found the end of the expression",
            "",
        ),
        (
            "IP(dst='*.example.com')",
            "wildcards are not accepted in addresses (\"*.example.com\"); use a CIDR such as \"10.0.0.0/24\"",
            "'*.example.com'",
        ),
        ("IP(ttl=$)", "unexpected character '$'", "$"),
    ];
    for (expr, msg, at) in cases {
        let (m, a) = err_at(expr);
        if !msg.is_empty() {
            assert_eq!(&m, msg, "{expr}");
        }
        assert_eq!(&a, at, "{expr}: {m}");
    }
    let (m, _) = err_at("IPv7()");
    assert!(
        m.starts_with("unknown layer \"IPv7\"; did you mean IPv6"),
        "{m}"
    );
}

#[test]
fn depth_and_size_limits() {
    let deep = format!("Raw(load={}1{})", "[".repeat(100), "]".repeat(100));
    let (m, _) = err_at(&deep);
    assert_eq!(m, "expression nested too deeply (limit 64)");
    let neg = format!("IP(ttl={}1)", "-".repeat(200));
    assert!(parse(&neg).is_err());
    let pow = format!("IP(ttl=2{})", "**2".repeat(200));
    assert!(parse(&pow).is_err());
    // Within the limits: fine.
    let ok = format!("Raw(load={}b'a'{})", "(".repeat(30), ")".repeat(30));
    assert!(parse(&ok).is_ok());
    assert!(parse("Raw(load=b'x'*1048576)").is_ok());
    assert!(parse("Raw(load=b'x'*1048577)").is_err());
}

// ---------------------------------------------------------------- command()

#[test]
fn command_round_trips() {
    let exprs = [
        r#"IP(dst="192.0.2.1", flags="DF", ttl=3)/TCP(dport=80, flags="SA", options=[("MSS",1460),("NOP",None),("WScale",7),("SAckOK",b""),("Timestamp",(1,0))])/"payload""#,
        r#"Ether(src="00:11:22:33:44:55")/Dot1Q(vlan=5)/ARP(op="is-at", pdst="10.0.0.1", psrc="10.0.0.2")"#,
        r#"IP(src="192.0.2.2", options=[IPOption_NOP(), IPOption_RR(routers=["1.2.3.4"]), IPOption_Timestamp(flg=1, internet_address="1.2.3.4", timestamp=5), IPOption_Router_Alert()])/ICMP(type="echo-reply", id=3)"#,
        r#"IPv6(src="2001:db8::1", dst="2001:db8::2")/IPv6ExtHdrHopByHop(options=[RouterAlert(value=0), PadN(optdata=b"\x00\x00")])/UDP(sport=5353)/DNS(qd=DNSQR(qname="a.example", qtype="AAAA"), an=[DNSRR(rrname="a.example", type="AAAA", rdata="2001:db8::5"), DNSRRMX(rrname="a.example", exchange="mx.example")])"#,
        r#"IPv6(src="2001:db8::1", dst="2001:db8::2")/ICMPv6ND_NS(tgt="2001:db8::9")/ICMPv6NDOptSrcLLAddr(lladdr="00:11:22:33:44:55")"#,
        r#"IP(src="10.0.0.1", dst="10.0.0.2")/UDP()/DNS(ar=DNSRROPT(rdata=[EDNS0TLV(optcode=8, optdata=b"ab'c\"")]))"#,
        r#"Raw(load="it's \"quoted\"\n\t\x01")"#,
    ];
    for e in exprs {
        let p = parse(e)
            .unwrap_or_else(|x| panic!("{}", x.render(e)))
            .packets(&opts(0))
            .next()
            .unwrap();
        let want = p.build().unwrap();
        for q in [p.clone(), crate::Packet::parse(p.link_type(), &want)] {
            let cmd = q.command();
            let back = parse(&cmd)
                .unwrap_or_else(|x| panic!("{}", x.render(&cmd)))
                .packets(&opts(0))
                .next()
                .unwrap();
            assert_eq!(
                hex::encode(back.build().unwrap()),
                hex::encode(&want),
                "{cmd}"
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Random text never panics.
    #[test]
    fn garbage_never_panics(s in "\\PC{0,60}") {
        if let Err(e) = parse(&s) {
            let _ = e.render(&s);
        }
    }

    /// Random text made of the language's own pieces never panics, and errors point inside.
    #[test]
    fn token_soup_never_panics(parts in proptest::collection::vec(
        prop_oneof![
            Just("IP"), Just("TCP"), Just("DNS"), Just("DNSQR"), Just("fuzz"), Just("IPOption_RR"),
            Just("("), Just(")"), Just("["), Just("]"), Just(","), Just("="), Just("/"),
            Just("*"), Just("**"), Just("-"), Just("ttl"), Just("dst"), Just("qd"), Just("options"),
            Just("'10.0.0.0/30'"), Just("\"x\""), Just("b'\\x00'"), Just("1"), Just("300"),
            Just("None"), Just("(1,3)"), Just("\\"), Just("'"), Just("\""), Just("0x"), Just("é"),
        ], 0..24)) {
        let s: String = parts.concat();
        match parse(&s) {
            Ok(t) => {
                for p in t.packets(&ExpandOptions { seed: Some(1) }).take(4) {
                    let _ = p.build();
                }
            }
            Err(e) => {
                prop_assert!(e.span.end <= s.len() && e.span.start <= e.span.end);
                let _ = e.render(&s);
            }
        }
    }
}
