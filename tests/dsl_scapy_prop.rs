//! Property test against scapy: random DSL expressions generated from the layer field
//! tables (`LayerKind::ALL`, `kind.new_layer().fields()`), with a fixed seed, are built by
//! scapy and by the DSL, and the bytes must be identical.
//!
//! scapy runs once, in one `python3 scripts/gen_dsl_parity.py --stdin` process that reads
//! the expressions on stdin and prints the hex of every packet per line. When python3 with
//! scapy is not installed, the test prints why and passes.
//!
//! The generator keeps to expressions that are well-formed for scapy and do not depend on
//! the host: curated layer stacks, values in range for every field, explicit addresses
//! wherever scapy would ask the host (IP/IPv6 src and dst, Ether src/dst, ARP hwsrc/psrc),
//! explicit ICMP timestamps, and small packet sets (lists, ranges, CIDR blocks).

use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Write};
use std::net::{Ipv4Addr, Ipv6Addr};
use std::process::{Command, Stdio};

use pktforge::dsl::{self, ExpandOptions};
use pktforge::{FieldDesc, FieldKind, LayerKind};

/// How many expressions to try (`DSL_PROP_CASES` overrides it).
const CASES: usize = 300;
/// The generator's seed: the same expressions every run (`DSL_PROP_SEED` overrides it, to
/// explore; a failure found that way belongs in `tests/dsl/exprs.txt`). `DSL_PROP_PRINT=1`
/// prints the expressions (with `--nocapture`).
const SEED: u64 = 0x5ca9_7e57_0d51_0001;

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Layer stacks scapy builds without asking the host once addresses are explicit.
const STACKS: &[&[&str]] = &[
    &["Ether", "IP", "TCP"],
    &["Ether", "IP", "UDP"],
    &["Ether", "IP", "ICMP"],
    &["Ether", "ARP"],
    &["Ether", "Dot1Q", "IP", "UDP"],
    &["Ether", "Dot1Q", "ARP"],
    &["Ether", "Dot1AD", "Dot1Q", "IP", "TCP"],
    &["Ether", "IPv6", "TCP"],
    &["Ether", "IPv6", "ICMPv6EchoRequest"],
    &["IP", "TCP"],
    &["IP", "UDP"],
    &["IP", "ICMP"],
    &["IP", "UDP", "DNS"],
    &["IP", "ICMP", "IPerror", "UDPerror"],
    &["IPv6", "TCP"],
    &["IPv6", "UDP"],
    &["IPv6", "UDP", "DNS"],
    &["IPv6", "ICMPv6EchoRequest"],
    &["IPv6", "ICMPv6EchoReply"],
    &["IPv6", "ICMPv6DestUnreach"],
    &["IPv6", "ICMPv6PacketTooBig"],
    &["IPv6", "ICMPv6TimeExceeded"],
    &["IPv6", "ICMPv6ParamProblem"],
    &["IPv6", "ICMPv6ND_RS"],
    &["IPv6", "ICMPv6ND_RS", "ICMPv6NDOptSrcLLAddr"],
    &["IPv6", "ICMPv6ND_RA", "ICMPv6NDOptPrefixInfo"],
    &["IPv6", "ICMPv6ND_RA", "ICMPv6NDOptMTU"],
    &["IPv6", "ICMPv6ND_NS", "ICMPv6NDOptSrcLLAddr"],
    &["IPv6", "ICMPv6ND_NA", "ICMPv6NDOptDstLLAddr"],
    &["IPv6", "ICMPv6ND_Redirect"],
    &["IPv6", "IPv6ExtHdrHopByHop", "UDP"],
    &["IPv6", "IPv6ExtHdrDestOpt", "TCP"],
    &["IPv6", "IPv6ExtHdrRouting", "UDP"],
    &["IPv6", "IPv6ExtHdrFragment", "ICMPv6EchoRequest"],
];

/// Fields always given explicitly (scapy would otherwise ask the host).
const ALWAYS: &[(&str, &str)] = &[
    ("Ether", "src"),
    ("Ether", "dst"),
    ("IP", "src"),
    ("IP", "dst"),
    ("IPv6", "src"),
    ("IPv6", "dst"),
    ("IPerror", "src"),
    ("IPerror", "dst"),
    ("ARP", "hwsrc"),
    ("ARP", "psrc"),
    ("ARP", "pdst"),
];

/// Fields never randomised: their value changes which fields scapy uses (ARP's address
/// lengths and types), or they are handled by hand (ICMP's type-dependent fields).
const NEVER: &[(&str, &str)] = &[
    ("ARP", "hwtype"),
    ("ARP", "ptype"),
    ("ARP", "hwlen"),
    ("ARP", "plen"),
    ("ICMP", "type"),
    ("ICMP", "unused"),
    ("ICMP", "ts_ori"),
    ("ICMP", "ts_rx"),
    ("ICMP", "ts_tx"),
];

/// splitmix64: small, deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next() % n }
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }
}

fn max_of(bits: u8) -> u64 {
    if bits >= 64 {
        u64::MAX
    } else {
        (1u64 << bits) - 1
    }
}

/// An integer in 0..=max, often at the edges.
fn int_in(rng: &mut Rng, max: u64) -> u64 {
    match rng.below(6) {
        0 => 0,
        1 => max,
        2 => rng.below(max.min(16) + 1),
        _ => rng.below(max.saturating_add(1).max(1)).min(max),
    }
}

fn quote(s: &str) -> String {
    format!("\"{s}\"")
}

fn rand_v4(rng: &mut Rng) -> Ipv4Addr {
    Ipv4Addr::from(rng.next() as u32)
}

fn rand_v6(rng: &mut Rng) -> Ipv6Addr {
    // Mostly documentation and link-local prefixes, sometimes anything.
    let lo = u128::from(rng.next() as u32);
    match rng.below(3) {
        0 => Ipv6Addr::from(0x2001_0db8_u128 << 96 | lo),
        1 => Ipv6Addr::from(0xfe80_u128 << 112 | lo),
        _ => Ipv6Addr::from(u128::from(rng.next()) << 64 | u128::from(rng.next())),
    }
}

fn rand_mac(rng: &mut Rng) -> String {
    let b = rng.next().to_be_bytes();
    format!(
        "{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}",
        b[0], b[1], b[2], b[3], b[4], b[5]
    )
}

/// Ether type names scapy has whatever the host: scapy reads the others from the host's
/// `/etc/ethertypes` when there is one (netbase names 0x88a8 `S_TAG`, not `802_1AD`).
const STABLE_ETHER_TYPES: &[&str] = &["IPv4", "ARP", "IPv6", "n_802_1Q", "LLDP", "EAPOL", "MPLS"];

const TCP_NAMES: &[&str] = &["http", "https", "ssh", "telnet", "smtp", "domain", "ftp"];
const UDP_NAMES: &[&str] = &["domain", "ntp", "snmp", "bootps", "bootpc", "tftp"];

/// One value for a field, as DSL/scapy text. `set` allows a packet set (list, range, CIDR).
fn value(rng: &mut Rng, layer: &str, d: &FieldDesc, set: bool) -> String {
    match d.kind {
        FieldKind::Ipv4 => {
            let a = rand_v4(rng);
            if set {
                // scapy's ARP takes a list of addresses or a CIDR block, not a mix.
                match rng.below(if layer == "ARP" { 2 } else { 3 }) {
                    0 => format!("\"{a}/{}\"", 30 + rng.below(3)),
                    1 => format!("[\"{a}\", \"{}\"]", rand_v4(rng)),
                    _ => format!("[\"{a}\", \"{}/31\"]", rand_v4(rng)),
                }
            } else {
                quote(&a.to_string())
            }
        }
        FieldKind::Ipv6 => {
            let a = rand_v6(rng);
            if set {
                match rng.below(2) {
                    0 => format!("\"{a}/{}\"", 126 + rng.below(3)),
                    _ => format!("[\"{a}\", \"{}\"]", rand_v6(rng)),
                }
            } else {
                quote(&a.to_string())
            }
        }
        FieldKind::Mac => {
            if set {
                format!("[\"{}\", \"{}\"]", rand_mac(rng), rand_mac(rng))
            } else {
                quote(&rand_mac(rng))
            }
        }
        FieldKind::Flags(bits) => {
            let one = |rng: &mut Rng| {
                let v = int_in(rng, max_of(bits));
                let known = d.flags.len().min(usize::from(bits));
                let named = v < (1 << known) && v != 0;
                if named && rng.chance(60) {
                    let names: Vec<&str> = (0..known)
                        .filter(|i| v & (1 << i) != 0)
                        .map(|i| d.flags[i])
                        .collect();
                    let single = d.flags.iter().all(|n| n.chars().count() == 1);
                    quote(&names.join(if single { "" } else { "+" }))
                } else {
                    v.to_string()
                }
            };
            if set {
                // A list in a flags field is not a packet set for scapy: it is a list of
                // flag names, ORed together (flags=["S", "A"] is "SA").
                let known = d.flags.len().min(usize::from(bits));
                let n = 1 + rng.below(3);
                let mut items: Vec<String> = Vec::new();
                for _ in 0..n {
                    let name = quote(d.flags[rng.below(known as u64) as usize]);
                    if !items.contains(&name) {
                        items.push(name);
                    }
                }
                format!("[{}]", items.join(", "))
            } else {
                one(rng)
            }
        }
        FieldKind::Int(bits)
        | FieldKind::Hex(bits)
        | FieldKind::Enum(bits)
        | FieldKind::HexEnum(bits) => {
            let max = max_of(bits);
            let one = |rng: &mut Rng| {
                if !d.values.is_empty() && rng.chance(40) {
                    if d.values == pktforge::services::ETHER_TYPES {
                        let name: &&str = rng.pick(STABLE_ETHER_TYPES);
                        return quote(name);
                    }
                    let (n, name) = *rng.pick(d.values);
                    if n <= max {
                        return quote(name);
                    }
                }
                let v = int_in(rng, max);
                if matches!(d.kind, FieldKind::Hex(_) | FieldKind::HexEnum(_)) && rng.chance(50) {
                    format!("{v:#x}")
                } else {
                    v.to_string()
                }
            };
            if set {
                let a = rng.below(max.saturating_sub(2).saturating_add(1));
                match rng.below(3) {
                    0 => format!("({a}, {})", (a + rng.below(3)).min(max)),
                    1 => format!("[{}, {}]", one(rng), one(rng)),
                    _ => {
                        let b = rng.below(max.saturating_sub(1).saturating_add(1));
                        format!("[{a}, ({b}, {})]", b + 1)
                    }
                }
            } else {
                one(rng)
            }
        }
        FieldKind::TcpPort | FieldKind::UdpPort => {
            let names = if d.kind == FieldKind::TcpPort {
                TCP_NAMES
            } else {
                UDP_NAMES
            };
            let one = |rng: &mut Rng| {
                if rng.chance(20) {
                    {
                        let name: &&str = rng.pick(names);
                        quote(name)
                    }
                } else {
                    int_in(rng, 65535).to_string()
                }
            };
            if set {
                let a = rng.below(65534);
                match rng.below(2) {
                    0 => format!("({a}, {})", a + 1 + rng.below(2)),
                    _ => format!("[{}, {}]", one(rng), one(rng)),
                }
            } else {
                one(rng)
            }
        }
        _ => unreachable!("value() is only called for scalar kinds"),
    }
}

fn scalar(kind: FieldKind) -> bool {
    !matches!(
        kind,
        FieldKind::Bytes
            | FieldKind::Str
            | FieldKind::List
            | FieldKind::Packet
            | FieldKind::PacketList
    )
}

fn hex_bytes(rng: &mut Rng, n: u64) -> String {
    let mut s = String::from("b\"");
    for _ in 0..n {
        let _ = write!(s, "\\x{:02x}", rng.below(256));
    }
    s.push('"');
    s
}

/// ICMP's type-dependent fields, chosen so scapy has a field for each value given.
fn icmp_fields(rng: &mut Rng, args: &mut Vec<String>) {
    const TYPES: &[&str] = &[
        "\"echo-request\"",
        "\"echo-reply\"",
        "\"dest-unreach\"",
        "\"source-quench\"",
        "\"redirect\"",
        "\"time-exceeded\"",
        "\"parameter-problem\"",
        "\"timestamp-request\"",
        "\"timestamp-reply\"",
        "\"information-request\"",
        "\"address-mask-request\"",
        "9",
        "10",
        "42",
    ];
    let t = *rng.pick(TYPES);
    args.insert(0, format!("type={t}"));
    let num = match t {
        "\"echo-reply\"" => 0,
        "\"dest-unreach\"" => 3,
        "\"source-quench\"" => 4,
        "\"redirect\"" => 5,
        "\"echo-request\"" => 8,
        "\"time-exceeded\"" => 11,
        "\"parameter-problem\"" => 12,
        "\"timestamp-request\"" => 13,
        "\"timestamp-reply\"" => 14,
        "\"information-request\"" => 15,
        "\"address-mask-request\"" => 17,
        other => other.parse().unwrap_or(8),
    };
    if num == 13 || num == 14 {
        for f in ["ts_ori", "ts_rx", "ts_tx"] {
            args.push(format!("{f}={}", rng.next() as u32));
        }
    }
    if rng.chance(40) {
        match num {
            11 | 12 => args.push(format!("unused={}", rng.below(65536))),
            0 | 3 | 5 | 8 | 13..=18 => {}
            _ => args.push(format!("unused={}", rng.next() as u32)),
        }
    }
}

/// 1 to 4 TCP options in scapy's tuple syntax.
fn tcp_options(rng: &mut Rng) -> String {
    let n = 1 + rng.below(4);
    let opts: Vec<String> = (0..n)
        .map(|_| match rng.below(7) {
            0 => format!("(\"MSS\", {})", rng.below(65536)),
            1 => "(\"NOP\", None)".to_string(),
            2 => format!("(\"WScale\", {})", rng.below(15)),
            3 => "(\"SAckOK\", b\"\")".to_string(),
            4 => format!(
                "(\"Timestamp\", ({}, {}))",
                rng.next() as u32,
                rng.next() as u32
            ),
            5 => format!("(\"SAck\", ({}, {}))", rng.next() as u32, rng.next() as u32),
            _ => "(\"EOL\", None)".to_string(),
        })
        .collect();
    opts.join(", ")
}

/// 1 to 3 IP options written with scapy's `IPOption_*` classes.
fn ip_options(rng: &mut Rng) -> String {
    let n = 1 + rng.below(3);
    let opts: Vec<String> = (0..n)
        .map(|_| match rng.below(6) {
            0 => "IPOption_NOP()".to_string(),
            1 => format!("IPOption_RR(routers=[\"{}\"])", rand_v4(rng)),
            2 => format!("IPOption_Router_Alert(alert={})", rng.below(3)),
            3 => format!(
                "IPOption_LSRR(routers=[\"{}\", \"{}\"])",
                rand_v4(rng),
                rand_v4(rng)
            ),
            4 => format!("IPOption_SSRR(routers=[\"{}\"])", rand_v4(rng)),
            _ => "IPOption_EOL()".to_string(),
        })
        .collect();
    opts.join(", ")
}

/// 1 to 3 IPv6 hop-by-hop or destination options.
fn ipv6_options(rng: &mut Rng) -> String {
    let n = 1 + rng.below(3);
    let opts: Vec<String> = (0..n)
        .map(|_| match rng.below(3) {
            0 => "Pad1()".to_string(),
            1 => {
                let k = rng.below(6);
                format!("PadN(optdata={})", hex_bytes(rng, k))
            }
            _ => format!("RouterAlert(value={})", rng.below(3)),
        })
        .collect();
    opts.join(", ")
}

/// One layer constructor with random fields.
fn layer(rng: &mut Rng, name: &str, sets: &mut u32) -> String {
    let kind = LayerKind::from_name(name).unwrap_or_else(|| panic!("no layer {name}"));
    let fields = kind.new_layer().fields();
    let mut args = Vec::new();
    for d in fields {
        let key = (name, d.name);
        let always = ALWAYS.contains(&key);
        if NEVER.contains(&key) || !scalar(d.kind) {
            continue;
        }
        if !always && !rng.chance(30) {
            continue;
        }
        let set = *sets < 2 && rng.chance(12);
        if set {
            *sets += 1;
        }
        args.push(format!("{}={}", d.name, value(rng, name, d, set)));
    }
    match name {
        "ICMP" => icmp_fields(rng, &mut args),
        "DNS" if rng.chance(50) => {
            let qt = if rng.chance(50) {
                {
                    let name: &&str = rng.pick(&["A", "AAAA", "MX", "TXT", "PTR", "SRV", "NS"]);
                    quote(name)
                }
            } else {
                rng.below(300).to_string()
            };
            args.push(format!(
                "qd=DNSQR(qname=\"h{}.example\", qtype={qt})",
                rng.below(1000)
            ));
        }
        "TCP" if rng.chance(30) => args.push(format!("options=[{}]", tcp_options(rng))),
        "IP" if rng.chance(20) => args.push(format!("options=[{}]", ip_options(rng))),
        "IPv6ExtHdrHopByHop" | "IPv6ExtHdrDestOpt" if rng.chance(60) => {
            args.push(format!("options=[{}]", ipv6_options(rng)));
        }
        "IPv6ExtHdrRouting" if rng.chance(50) => {
            args.push(format!("addresses=[\"{}\"]", rand_v6(rng)));
        }
        "ICMPv6EchoRequest" | "ICMPv6EchoReply" if rng.chance(30) => {
            let n = rng.below(8);
            args.push(format!("data={}", hex_bytes(rng, n)));
        }
        _ => {}
    }
    format!("{name}({})", args.join(", "))
}

fn expression(rng: &mut Rng) -> String {
    let stack = *rng.pick(STACKS);
    let mut sets = 0;
    let mut parts: Vec<String> = stack.iter().map(|n| layer(rng, n, &mut sets)).collect();
    match rng.below(6) {
        0 => parts.push(format!("\"payload{}\"", rng.below(100))),
        1 => {
            let n = 1 + rng.below(12);
            parts.push(format!("Raw(load={})", hex_bytes(rng, n)));
        }
        _ => {}
    }
    parts.join("/")
}

fn hex(b: &[u8]) -> String {
    b.iter().fold(String::new(), |mut s, x| {
        let _ = write!(s, "{x:02x}");
        s
    })
}

/// The scapy results of `exprs`, one `Ok(hex list)` or `Err(message)` per expression, or
/// `None` when python3 with scapy is not available.
fn scapy(exprs: &[String]) -> Option<Vec<Result<Vec<String>, String>>> {
    let has_scapy = Command::new("python3")
        .args(["-c", "import scapy"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !has_scapy {
        return None;
    }
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/gen_dsl_parity.py");
    let mut child = Command::new("python3")
        .args([script, "--stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn python3");
    let mut stdin = child.stdin.take().expect("stdin");
    let input: String = exprs.iter().map(|e| format!("{e}\n")).collect();
    let writer = std::thread::spawn(move || {
        stdin.write_all(input.as_bytes()).expect("write to python3");
    });
    let stdout = child.stdout.take().expect("stdout");
    let mut out = Vec::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.expect("read python3 output");
        out.push(match line.split_once('\t') {
            Some(("OK", h)) => Ok(h.split(',').map(str::to_string).collect()),
            Some((_, msg)) => Err(msg.to_string()),
            None => Err(line),
        });
    }
    writer.join().expect("writer thread");
    let status = child.wait().expect("wait for python3");
    assert!(
        status.success(),
        "python3 {script} --stdin failed: {status}"
    );
    assert_eq!(
        out.len(),
        exprs.len(),
        "scapy answered {} of {} lines",
        out.len(),
        exprs.len()
    );
    Some(out)
}

#[test]
fn random_expressions_match_scapy() {
    let cases: usize = env_or("DSL_PROP_CASES", CASES);
    let mut rng = Rng(env_or("DSL_PROP_SEED", SEED));
    let exprs: Vec<String> = (0..cases).map(|_| expression(&mut rng)).collect();
    if std::env::var_os("DSL_PROP_PRINT").is_some() {
        for e in &exprs {
            println!("{e}");
        }
    }
    let Some(want) = scapy(&exprs) else {
        println!("skipped: python3 with scapy not found (pip install scapy)");
        return;
    };
    let mut failures = Vec::new();
    let mut packets = 0usize;
    for (expr, want) in exprs.iter().zip(&want) {
        let want = match want {
            Ok(w) => w,
            Err(e) => {
                failures.push(format!("{expr}\n  scapy rejects it (generator bug): {e}"));
                continue;
            }
        };
        packets += want.len();
        let t = match dsl::parse(expr) {
            Ok(t) => t,
            Err(e) => {
                failures.push(format!("{expr}\n  parse error:\n{}", e.render(expr)));
                continue;
            }
        };
        if t.count() != want.len() as u128 {
            failures.push(format!(
                "{expr}\n  count() = {}, scapy has {}",
                t.count(),
                want.len()
            ));
        }
        let got: Vec<Result<String, String>> = t
            .packets(&ExpandOptions { seed: Some(0) })
            .take(want.len() + 1)
            .map(|p| p.build().map(|b| hex(&b)).map_err(|e| e.to_string()))
            .collect();
        if got.len() != want.len() {
            failures.push(format!(
                "{expr}\n  packets() gave {} packets, scapy {}",
                got.len(),
                want.len()
            ));
        }
        for (j, (g, w)) in got.iter().zip(want).enumerate() {
            match g {
                Ok(g) if g == w => {}
                Ok(g) => {
                    failures.push(format!(
                        "{expr}\n  [{j}] bytes differ\n  scapy:    {w}\n  pktforge: {g}"
                    ));
                    break;
                }
                Err(e) => {
                    failures.push(format!("{expr}\n  [{j}] build error: {e}\n  scapy: {w}"));
                    break;
                }
            }
        }
    }
    if !failures.is_empty() {
        panic!(
            "{} of {cases} random expressions differ from scapy:\n\n{}\n",
            failures.len(),
            failures.join("\n\n")
        );
    }
    println!("{cases} random expressions, {packets} packets: identical to scapy");
}
