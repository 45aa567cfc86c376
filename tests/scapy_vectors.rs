//! Byte-exact vectors produced by scapy.
//!
//! Each vector is `v(SCAPY_EXPR, HEX, || RUST_PACKET)`: the scapy expression, the bytes scapy
//! builds for it (`bytes(EXPR).hex()`), and the same packet written with pktforge's API.
//! `scripts/gen_vectors.py` re-evaluates every expression with scapy and rewrites the hex
//! (run it after adding a vector; it needs `pip install scapy`).
//!
//! For every vector: the build matches scapy byte for byte; dissecting the bytes gives the
//! same layers and every field that was set; building the dissected packet gives the bytes
//! back; and every prefix of the bytes dissects without panicking, to a typed error that
//! names the layer with needed > actual length, unless the cut only shortened an unframed
//! payload (a `Raw` or `Padding` with no length field above it).

use pktforge::prelude::*;

mod vectors;
use vectors::Vector;

fn base_name(n: &str) -> &str {
    match n {
        "IPerror" => "IP",
        "IPerror6" => "IPv6",
        "TCPerror" => "TCP",
        "UDPerror" => "UDP",
        "ICMPerror" => "ICMP",
        other => other,
    }
}

/// Option lists come back from the wire with the padding the build added (scapy shows IP
/// option padding as EOL options, IPv6 option padding as Pad1/PadN): equal up to that.
fn same_but_padding(crafted: &Value, dissected: &Value) -> bool {
    let (Value::List(a), Value::List(b)) = (crafted, dissected) else {
        return false;
    };
    b.len() >= a.len()
        && a[..] == b[..a.len()]
        && b[a.len()..].iter().all(|x| match x {
            Value::Tuple(t) => {
                matches!(t.first(), Some(Value::Str(n)) if n == "EOL" || n == "Pad1" || n == "PadN")
            }
            _ => false,
        })
}

/// Length of the built packet without its trailing padding layers.
fn framed_len(p: &Packet) -> usize {
    let mut q = p.clone();
    while matches!(q.layers().last(), Some(Layer::Padding(_))) {
        q.layers_mut().pop();
    }
    q.build().map(|b| b.len()).unwrap_or(0)
}

fn check(v: &Vector) -> Result<(), String> {
    let pkt = (v.pkt)();
    let built = pkt.build().map_err(|e| format!("build failed: {e}"))?;
    let got = hex::encode(&built);
    if got != v.hex {
        return Err(format!(
            "bytes differ\n  scapy:    {}\n  pktforge: {got}",
            v.hex
        ));
    }
    let parsed = Packet::parse(pkt.link_type(), &built);
    if let Some(e) = parsed.error() {
        if !v.lax {
            return Err(format!("dissecting the vector failed: {e}"));
        }
    }
    let rebuilt = parsed.build().map_err(|e| format!("rebuild failed: {e}"))?;
    if rebuilt != built {
        return Err(format!(
            "rebuilding the dissected packet differs\n  want {}\n  got  {}",
            v.hex,
            hex::encode(&rebuilt)
        ));
    }
    if v.lax {
        return Ok(());
    }
    let want: Vec<&str> = pkt.layers().iter().map(|l| base_name(l.name())).collect();
    let have: Vec<&str> = parsed
        .layers()
        .iter()
        .map(|l| base_name(l.name()))
        .collect();
    if want != have {
        return Err(format!(
            "layers differ: crafted {want:?}, dissected {have:?}"
        ));
    }
    for (a, b) in pkt.layers().iter().zip(parsed.layers()) {
        for d in a.fields() {
            let va = a.get(d.name).unwrap_or(Value::None);
            if va == Value::None {
                continue;
            }
            let vb = b.get(d.name).unwrap_or(Value::None);
            if va != vb && !same_but_padding(&va, &vb) {
                return Err(format!(
                    "{}.{}: crafted {va}, dissected {vb}",
                    a.name(),
                    d.name
                ));
            }
        }
    }
    let framed = framed_len(&pkt);
    for k in 0..framed {
        let prefix = &built[..k];
        let p = Packet::parse(pkt.link_type(), prefix);
        match p.error() {
            Some(ParseError::Truncated { needed, actual, .. }) if needed > actual => {}
            Some(ParseError::Truncated { .. }) => {
                return Err(format!(
                    "prefix {k}: truncation error with needed <= actual"
                ));
            }
            Some(_) => {}
            None => {
                // Acceptable only when what was cut is an unframed trailing payload: the
                // prefix dissects to the same layers, less a trailing Raw.
                let names = |q: &Packet| -> Vec<&'static str> {
                    let mut n: Vec<&'static str> =
                        q.layers().iter().map(|l| base_name(l.name())).collect();
                    while matches!(n.last(), Some(&"Raw") | Some(&"Padding")) {
                        n.pop();
                    }
                    n
                };
                let same = p.build().map(|b| b == prefix).unwrap_or(false);
                if !(same && names(&p) == names(&pkt)) {
                    return Err(format!(
                        "prefix of {k} bytes dissected with no error: {}",
                        p.summary()
                    ));
                }
            }
        }
    }
    Ok(())
}

#[test]
fn scapy_vectors() {
    let all = vectors::all();
    let mut failures = Vec::new();
    for v in &all {
        if let Err(e) = check(v) {
            failures.push(format!("{}\n  {e}", v.expr));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} vectors failed:\n{}",
        failures.len(),
        all.len(),
        failures.join("\n")
    );
    assert!(all.len() >= 80, "only {} vectors", all.len());
}

/// The four vectors the packet-model issue names, kept apart so they are never lost.
#[test]
fn issue_vectors() {
    let cases: [(Packet, &str); 4] = [
        (
            Ether::new().src("00:00:00:00:00:00") / IP::new() / ICMP::new(),
            "ffffffffffff00000000000008004500001c0001000040017cde7f0000017f0000010800f7ff00000000",
        ),
        (
            IP::new().src("192.0.2.2").dst("192.0.2.1")
                / TCP::new()
                    .dport(80)
                    .flags("S")
                    .options(vec![TcpOption::Mss(1460)]),
            "4500002c000100004006f6c7c0000202c000020100140050000000000000000060022000f3be0000020405b4",
        ),
        (
            IP::new().src("192.0.2.2").dst("192.0.2.53")
                / UDP::new()
                / DNS::new().rd(1).qd(DNSQR::new().qname("example.com")),
            "45000039000100004011f67bc0000202c0000235003500350025ab94000001000001000000000000076578616d706c6503636f6d0000010001",
        ),
        (
            IPv6::new().src("fd00::2").dst("2001:db8::1") / ICMPv6EchoRequest::new(),
            "6000000000083a40fd00000000000000000000000000000220010db80000000000000000000000018000550000000000",
        ),
    ];
    for (p, want) in cases {
        assert_eq!(hex::encode(p.build().unwrap()), want, "{}", p.summary());
    }
}
