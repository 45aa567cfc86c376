//! JSON Lines with Wireshark's field names: one flat object per packet.
//!
//! [`write_json`] appends one line to a caller-owned buffer, straight from a
//! [`Dissection`]'s views: no allocation of its own (the buffer grows as a `Vec` does), no
//! panics. Values are what `tshark -T fields -e NAME` prints for the same packet, with
//! reassembly off (`-o ip.defragment:FALSE -o ipv6.defragment:FALSE
//! -o tcp.desegment_tcp_streams:FALSE`: pktforge decodes each packet on its own, so the
//! first fragment of a datagram carries the upper layers and the last one does not).
//!
//! # Representation
//!
//! - Keys are Wireshark's field names; a field the packet does not have is left out.
//! - A value tshark prints in decimal is a JSON number: ports, lengths, TTLs, types and
//!   codes, `ip.proto`, `ip.frag_offset` (in 8-byte units, as tshark 4.0 prints it),
//!   `tcp.seq_raw`, `dns.qry.type`...
//! - Booleans are `1` / `0` (JSON numbers), as `-T fields` prints them: `ip.flags.df`,
//!   `ip.flags.mf`, `dns.flags.response`.
//! - Fields tshark prints in hexadecimal are JSON strings holding exactly tshark's text:
//!   `eth.type` (`"0x0800"`), `ip.id` (`"0x3951"`), `tcp.flags` (`"0x0018"`, the 12 bits
//!   after the data offset), `dns.id` (`"0x7a6a"`).
//! - Addresses and names are strings: MACs `02:70:66:02:00:01`, IPv4 dotted quads, IPv6 as
//!   `inet_ntop` writes them (RFC 5952 compression, `::a.b.c.d` / `::ffff:a.b.c.d` for
//!   IPv4-compatible and mapped addresses), DNS names without the final dot (`<Root>` for
//!   the root). Bytes of a DNS label outside printable ASCII are written `\xNN`.
//! - `frame.time_epoch` is a JSON number with nine decimals, as tshark prints it
//!   (`1795270721.774755000`); read it as a decimal string to keep the nanoseconds.
//! - A field found more than once in the packet (an ICMP error's quoted `ip.src`, several
//!   `dns.a`) is an array of its values in packet order, as `-E occurrence=a` lists them;
//!   found once, it is a plain value (tshark's `-T json --no-duplicate-keys` convention).
//!
//! # `frame.protocols`
//!
//! The chain names Wireshark gives the layers pktforge decodes: `eth:ethertype`,
//! `vlan:ethertype`, `ieee8021ad:ethertype`, `sll:ethertype` (SLL and SLL2), `null` (BSD loopback), `raw` (a
//! packet that starts at IP), `arp`, `ip`, `ipv6`, `ipv6.hopopts`, `ipv6.routing`,
//! `ipv6.fraghdr`, `ipv6.dstopts`, `icmp`, `icmpv6`, `tcp`, `udp`, `dns` (`mdns` on port
//! 5353, `llmnr` on 5355); nothing after TCP quoted in an ICMP error. The payload of a transport layer is named by port, lower port
//! first, as Wireshark tries them: TCP 80 and 8080 `http` (then `data` for a segment that does not
//! start an HTTP message or for the body after the headers, `data-text-lines` for a
//! `text/*` body), TCP 443 and 8443 `tls`, UDP 123 `ntp`, UDP 514 `syslog`, 53 `dns`; any other
//! payload (and ICMP/ICMPv6 echo data, non-first fragments) is `data`. Known divergences:
//! Wireshark decodes many more ports and protocols (ssh, GRE, LLC, ...), which pktforge
//! names `data` or leaves out; it appends `_ws.malformed` to a cut layer, pktforge does not.

use std::net::{Ipv4Addr, Ipv6Addr};

use super::FrameMeta;
use super::text::{hex_digit, put_hex8, put_ipv4, put_ipv6, put_u64};
use crate::dissect::{Dissection, DnsName, DnsView, LayerRec, RData, TcpOpt, View};
use crate::layers::LayerKind;
use crate::mac::MacAddr;

/// One field value.
#[derive(Clone, Copy)]
enum Val<'a> {
    /// Decimal number.
    Num(u64),
    /// A 16-bit field tshark shows in hexadecimal: `"0x0800"`.
    Hex16(u16),
    /// IPv4 address.
    Ip4(Ipv4Addr),
    /// IPv6 address.
    Ip6(Ipv6Addr),
    /// MAC address.
    Mac(MacAddr),
    /// DNS name.
    Name(DnsName<'a>),
}

/// Writes the dissected packet as one JSON line (with its `'\n'`) at the end of `out`: the fields
/// listed in the [module documentation](self), under Wireshark's names.
pub fn write_json(meta: &FrameMeta, d: &Dissection<'_>, out: &mut Vec<u8>) {
    let layers = d.layers();
    out.extend_from_slice(b"{\"frame.number\":");
    put_u64(out, meta.number);
    out.extend_from_slice(b",\"frame.time_epoch\":");
    put_time(out, meta.ts_sec, meta.ts_nsec);
    out.extend_from_slice(b",\"frame.len\":");
    put_u64(out, meta.orig_len.into());
    out.extend_from_slice(b",\"frame.cap_len\":");
    put_u64(out, meta.cap_len.into());
    out.extend_from_slice(b",\"frame.protocols\":\"");
    put_protocols(out, layers);
    out.push(b'"');

    let present = groups(layers);
    if present & G_ETH != 0 {
        eth_fields(out, layers);
    }
    if present & G_VLAN != 0 {
        // An 802.1ad tag's id is `ieee8021ad.id`, not `vlan.id`.
        field(out, "vlan.id", layers, |l| match (l.kind, l.view) {
            (LayerKind::Dot1Q, View::Vlan(v)) => Some(Val::Num(v.vlan().into())),
            _ => None,
        });
    }
    if present & G_ARP != 0 {
        arp_fields(out, layers);
    }
    if present & G_IP != 0 {
        ip_fields(out, layers);
    }
    if present & G_IP6 != 0 {
        ipv6_fields(out, layers);
    }
    if present & G_ICMP != 0 {
        icmp_fields(out, layers);
    }
    if present & G_ICMP6 != 0 {
        field(out, "icmpv6.type", layers, |l| match l.view {
            View::Icmpv6(v) => Some(Val::Num(v.icmp_type().into())),
            _ => None,
        });
        field(out, "icmpv6.code", layers, |l| match l.view {
            View::Icmpv6(v) => Some(Val::Num(v.code().into())),
            _ => None,
        });
    }
    if present & G_TCP != 0 {
        tcp_fields(out, layers);
    }
    if present & G_UDP != 0 {
        field(out, "udp.srcport", layers, |l| match l.view {
            View::Udp(v) => Some(Val::Num(v.sport().into())),
            _ => None,
        });
        field(out, "udp.dstport", layers, |l| match l.view {
            View::Udp(v) => Some(Val::Num(v.dport().into())),
            _ => None,
        });
        field(out, "udp.length", layers, |l| match l.view {
            View::Udp(v) => Some(Val::Num(v.len().into())),
            _ => None,
        });
    }
    if present & G_DNS != 0 {
        dns_fields(out, layers);
    }
    out.extend_from_slice(b"}\n");
}

// ---------------------------------------------------------------------------------------
// Fields, protocol by protocol
// ---------------------------------------------------------------------------------------

const G_ETH: u32 = 1;
const G_VLAN: u32 = 1 << 1;
const G_ARP: u32 = 1 << 2;
const G_IP: u32 = 1 << 3;
const G_IP6: u32 = 1 << 4;
const G_ICMP: u32 = 1 << 5;
const G_ICMP6: u32 = 1 << 6;
const G_TCP: u32 = 1 << 7;
const G_UDP: u32 = 1 << 8;
const G_DNS: u32 = 1 << 9;

/// Which field groups the packet has (one pass, so absent groups cost nothing).
fn groups(layers: &[LayerRec<'_>]) -> u32 {
    layers.iter().fold(0, |acc, l| {
        acc | match l.view {
            View::Ether(_) => G_ETH,
            View::Vlan(_) => G_VLAN,
            View::Arp(_) => G_ARP,
            View::Ipv4(_) => G_IP,
            View::Ipv6(_) => G_IP6,
            View::Icmp(_) => G_ICMP,
            View::Icmpv6(_) => G_ICMP6,
            View::Tcp(_) => G_TCP,
            View::Udp(_) => G_UDP,
            View::Dns(_) => G_DNS,
            _ => 0,
        }
    })
}

fn eth_fields(out: &mut Vec<u8>, layers: &[LayerRec<'_>]) {
    field(out, "eth.src", layers, |l| match l.view {
        View::Ether(v) => Some(Val::Mac(v.src())),
        _ => None,
    });
    field(out, "eth.dst", layers, |l| match l.view {
        View::Ether(v) => Some(Val::Mac(v.dst())),
        _ => None,
    });
    // An 802.3 frame has a length there (`eth.len`), not a type.
    field(out, "eth.type", layers, |l| match l.view {
        View::Ether(v) if v.ether_type() >= 0x0600 => Some(Val::Hex16(v.ether_type())),
        _ => None,
    });
}

fn arp_fields(out: &mut Vec<u8>, layers: &[LayerRec<'_>]) {
    field(out, "arp.opcode", layers, |l| match l.view {
        View::Arp(v) => Some(Val::Num(v.op().into())),
        _ => None,
    });
    // Wireshark's ARP_PRO_IS_IPv4: protocol IPv4 (or AX.25's 0xcc) with 4-byte addresses.
    let v4 = |l: &LayerRec<'_>, src: bool| match l.view {
        View::Arp(v) if matches!(v.ptype(), 0x0800 | 0x00cc) && v.plen() == 4 => {
            let a = if src { v.psrc() } else { v.pdst() };
            let q: [u8; 4] = a.try_into().ok()?;
            Some(Val::Ip4(Ipv4Addr::from(q)))
        }
        _ => None,
    };
    field(out, "arp.src.proto_ipv4", layers, |l| v4(l, true));
    field(out, "arp.dst.proto_ipv4", layers, |l| v4(l, false));
}

fn ip_fields(out: &mut Vec<u8>, layers: &[LayerRec<'_>]) {
    type Get = fn(&crate::dissect::Ipv4View<'_>) -> Val<'static>;
    const FIELDS: [(&str, Get); 9] = [
        ("ip.src", |v| Val::Ip4(v.src())),
        ("ip.dst", |v| Val::Ip4(v.dst())),
        ("ip.proto", |v| Val::Num(v.proto().into())),
        ("ip.ttl", |v| Val::Num(v.ttl().into())),
        ("ip.id", |v| Val::Hex16(v.id())),
        ("ip.len", |v| Val::Num(v.total_len().into())),
        ("ip.flags.df", |v| Val::Num(((v.flags() >> 1) & 1).into())),
        ("ip.flags.mf", |v| Val::Num((v.flags() & 1).into())),
        ("ip.frag_offset", |v| Val::Num(v.frag().into())),
    ];
    for (name, get) in FIELDS.iter() {
        field(out, name, layers, |l| match l.view {
            View::Ipv4(v) => Some(get(&v)),
            _ => None,
        });
    }
}

fn ipv6_fields(out: &mut Vec<u8>, layers: &[LayerRec<'_>]) {
    type Get = fn(&crate::dissect::Ipv6View<'_>) -> Val<'static>;
    const FIELDS: [(&str, Get); 5] = [
        ("ipv6.src", |v| Val::Ip6(v.src())),
        ("ipv6.dst", |v| Val::Ip6(v.dst())),
        ("ipv6.nxt", |v| Val::Num(v.nh().into())),
        ("ipv6.hlim", |v| Val::Num(v.hlim().into())),
        ("ipv6.plen", |v| Val::Num(v.plen().into())),
    ];
    for (name, get) in FIELDS.iter() {
        field(out, name, layers, |l| match l.view {
            View::Ipv6(v) => Some(get(&v)),
            _ => None,
        });
    }
}

/// ICMP types with an identifier and a sequence number in Wireshark: echo, timestamp,
/// information and address mask requests and replies.
const ICMP_ID_SEQ: [u8; 8] = [0, 8, 13, 14, 15, 16, 17, 18];

fn icmp_fields(out: &mut Vec<u8>, layers: &[LayerRec<'_>]) {
    field(out, "icmp.type", layers, |l| match l.view {
        View::Icmp(v) => Some(Val::Num(v.icmp_type().into())),
        _ => None,
    });
    field(out, "icmp.code", layers, |l| match l.view {
        View::Icmp(v) => Some(Val::Num(v.code().into())),
        _ => None,
    });
    field(out, "icmp.ident", layers, |l| match l.view {
        View::Icmp(v) if ICMP_ID_SEQ.contains(&v.icmp_type()) => Some(Val::Num(v.id()?.into())),
        _ => None,
    });
    field(out, "icmp.seq", layers, |l| match l.view {
        View::Icmp(v) if ICMP_ID_SEQ.contains(&v.icmp_type()) => Some(Val::Num(v.seq()?.into())),
        _ => None,
    });
}

fn tcp_fields(out: &mut Vec<u8>, layers: &[LayerRec<'_>]) {
    field(out, "tcp.srcport", layers, |l| match l.view {
        View::Tcp(v) => Some(Val::Num(v.sport().into())),
        _ => None,
    });
    field(out, "tcp.dstport", layers, |l| match l.view {
        View::Tcp(v) => Some(Val::Num(v.dport().into())),
        _ => None,
    });
    // tshark 4.0 leaves out tcp.seq_raw for TCP quoted in an ICMPv4 error (not in ICMPv6).
    let mut in_v4_error = false;
    values(
        out,
        "tcp.seq_raw",
        layers.iter().filter_map(|l| match (l.kind, l.view) {
            (k, View::Ipv4(_) | View::Ipv6(_)) => {
                in_v4_error = k == LayerKind::IPerror;
                None
            }
            (LayerKind::TCPerror, View::Tcp(_)) if in_v4_error => None,
            (_, View::Tcp(v)) => Some(Val::Num(v.seq().into())),
            _ => None,
        }),
    );
    // A quoted header cut after 8 bytes has no more fields (tshark stops there too).
    field(out, "tcp.ack_raw", layers, |l| match l.view {
        View::Tcp(v) if !v.is_short_quote() => Some(Val::Num(v.ack().into())),
        _ => None,
    });
    field(out, "tcp.flags", layers, |l| match l.view {
        View::Tcp(v) if !v.is_short_quote() => {
            Some(Val::Hex16((u16::from(v.reserved()) << 9) | v.flags()))
        }
        _ => None,
    });
    field(out, "tcp.window_size_value", layers, |l| match l.view {
        View::Tcp(v) if !v.is_short_quote() => Some(Val::Num(v.window().into())),
        _ => None,
    });
    // tcp.len: the IP layer's length (not the captured bytes) minus the TCP header; tshark
    // gives none for TCP quoted in an ICMP error.
    let mut ip_end: Option<usize> = None;
    values(
        out,
        "tcp.len",
        layers.iter().filter_map(|l| match l.view {
            View::Ipv4(v) => {
                ip_end = Some(l.offset + usize::from(v.total_len()));
                None
            }
            View::Ipv6(v) => {
                ip_end = Some(l.offset + 40 + usize::from(v.plen()));
                None
            }
            View::Tcp(v) if l.kind == LayerKind::TCP => {
                let start = l.offset + usize::from(v.dataofs()) * 4;
                let end = ip_end.unwrap_or(start);
                Some(Val::Num(end.saturating_sub(start) as u64))
            }
            _ => None,
        }),
    );
    values(
        out,
        "tcp.options.mss_val",
        layers
            .iter()
            .filter_map(|l| match l.view {
                View::Tcp(v) => Some(v.options()),
                _ => None,
            })
            .flatten()
            .filter_map(|o| match o {
                TcpOpt::Mss(m) => Some(Val::Num(m.into())),
                _ => None,
            }),
    );
}

fn dns_views<'s, 'a>(layers: &'s [LayerRec<'a>]) -> impl Iterator<Item = DnsView<'a>> + 's {
    layers.iter().filter_map(|l| match l.view {
        View::Dns(v) => Some(v),
        _ => None,
    })
}

fn dns_fields(out: &mut Vec<u8>, layers: &[LayerRec<'_>]) {
    values(out, "dns.id", dns_views(layers).map(|v| Val::Hex16(v.id())));
    values(
        out,
        "dns.flags.response",
        dns_views(layers).map(|v| Val::Num(v.qr().into())),
    );
    // Wireshark shows the response code of responses only.
    values(
        out,
        "dns.flags.rcode",
        dns_views(layers)
            .filter(|v| v.qr() == 1)
            .map(|v| Val::Num(v.rcode().into())),
    );
    values(
        out,
        "dns.qry.name",
        dns_views(layers).filter_map(|v| Some(Val::Name(v.question()?.name))),
    );
    values(
        out,
        "dns.qry.type",
        dns_views(layers).filter_map(|v| Some(Val::Num(v.question()?.qtype.into()))),
    );
    values(
        out,
        "dns.a",
        dns_views(layers)
            .flat_map(|v| v.records())
            .filter_map(|r| match r.data() {
                RData::A(a) => Some(Val::Ip4(a)),
                _ => None,
            }),
    );
    values(
        out,
        "dns.aaaa",
        dns_views(layers)
            .flat_map(|v| v.records())
            .filter_map(|r| match r.data() {
                RData::Aaaa(a) => Some(Val::Ip6(a)),
                _ => None,
            }),
    );
    values(
        out,
        "dns.cname",
        dns_views(layers)
            .flat_map(|v| v.records())
            .filter_map(|r| match (r.rtype, r.data()) {
                (5, RData::Name(n)) => Some(Val::Name(n)),
                _ => None,
            }),
    );
}

/// Writes `,"name":value` (or an array when `get` finds several) for every layer `get`
/// gives a value for; nothing when it gives none.
fn field<'a>(
    out: &mut Vec<u8>,
    name: &str,
    layers: &[LayerRec<'a>],
    get: impl FnMut(&LayerRec<'a>) -> Option<Val<'a>>,
) {
    values(out, name, layers.iter().filter_map(get));
}

/// Writes `,"name":value`, `,"name":[v1,v2...]` for several values, nothing for none.
fn values<'a>(out: &mut Vec<u8>, name: &str, mut it: impl Iterator<Item = Val<'a>>) {
    let Some(first) = it.next() else {
        return;
    };
    out.extend_from_slice(b",\"");
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b"\":");
    match it.next() {
        None => put_val(out, first),
        Some(second) => {
            out.push(b'[');
            put_val(out, first);
            out.push(b',');
            put_val(out, second);
            for v in it {
                out.push(b',');
                put_val(out, v);
            }
            out.push(b']');
        }
    }
}

// ---------------------------------------------------------------------------------------
// frame.protocols
// ---------------------------------------------------------------------------------------

/// Appends one protocol name to the chain.
fn proto(out: &mut Vec<u8>, first: &mut bool, name: &str) {
    if !*first {
        out.push(b':');
    }
    *first = false;
    out.extend_from_slice(name.as_bytes());
}

/// Wireshark's name for the payload of a TCP segment between these ports.
fn tcp_app(sport: u16, dport: u16) -> Option<&'static str> {
    let (lo, hi) = (sport.min(dport), sport.max(dport));
    [lo, hi].into_iter().find_map(|p| match p {
        53 => Some("dns"),
        80 | 8080 => Some("http"),
        443 | 8443 => Some("tls"),
        _ => None,
    })
}

/// Wireshark's name for the payload of a UDP datagram between these ports.
fn udp_app(sport: u16, dport: u16) -> Option<&'static str> {
    let (lo, hi) = (sport.min(dport), sport.max(dport));
    [lo, hi].into_iter().find_map(|p| match p {
        53 => Some("dns"),
        123 => Some("ntp"),
        514 => Some("syslog"),
        5353 => Some("mdns"),
        5355 => Some("llmnr"),
        _ => None,
    })
}

/// True when `p` starts an HTTP request or response line, as Wireshark decides it (PATCH
/// included, unlike tcpdump's list in src/cli/read/line.rs).
fn is_http_start(p: &[u8]) -> bool {
    const METHODS: [&[u8]; 10] = [
        b"GET ",
        b"POST ",
        b"HEAD ",
        b"PUT ",
        b"DELETE ",
        b"OPTIONS ",
        b"CONNECT ",
        b"TRACE ",
        b"PATCH ",
        b"HTTP/",
    ];
    METHODS.iter().any(|m| p.starts_with(m))
}

/// Position of the first `needle` in `hay`.
fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The names after `http` for a segment: `data` for a continuation, the body's media
/// dissector for a message with a body in the same segment.
fn http_rest(out: &mut Vec<u8>, first: &mut bool, p: &[u8]) {
    if !is_http_start(p) {
        proto(out, first, "data");
        return;
    }
    let Some(end) = find(p, b"\r\n\r\n") else {
        return;
    };
    let (head, body) = (p.get(..end).unwrap_or(&[]), p.get(end + 4..).unwrap_or(&[]));
    if body.is_empty() {
        return;
    }
    let text = head.split(|&b| b == b'\n').any(|line| {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        line.len() > 13
            && line
                .get(..13)
                .is_some_and(|k| k.eq_ignore_ascii_case(b"content-type:"))
            && line
                .get(13..)
                .map(|v| v.trim_ascii_start())
                .is_some_and(|v| {
                    v.len() >= 5 && v.get(..5).is_some_and(|t| t.eq_ignore_ascii_case(b"text/"))
                })
    });
    proto(out, first, if text { "data-text-lines" } else { "data" });
}

fn put_protocols(out: &mut Vec<u8>, layers: &[LayerRec<'_>]) {
    use LayerKind as K;
    let mut first = true;
    // Ports of the transport layer just below, to name its payload.
    let mut below: Option<(bool, u16, u16)> = None;
    for (i, l) in layers.iter().enumerate() {
        let transport = below.take();
        match (l.kind, l.view) {
            (_, View::Ether(v)) => {
                proto(out, &mut first, "eth");
                if v.ether_type() >= 0x0600 {
                    proto(out, &mut first, "ethertype");
                }
            }
            (k, View::Vlan(v)) => {
                let name = if k == K::Dot1AD { "ieee8021ad" } else { "vlan" };
                proto(out, &mut first, name);
                if v.ether_type() >= 0x0600 {
                    proto(out, &mut first, "ethertype");
                }
            }
            (_, View::Sll(_) | View::Sll2(_)) => {
                proto(out, &mut first, "sll");
                proto(out, &mut first, "ethertype");
            }
            (_, View::Loopback(_)) => proto(out, &mut first, "null"),
            (_, View::Arp(_)) => proto(out, &mut first, "arp"),
            (_, View::Ipv4(_)) => {
                if i == 0 {
                    proto(out, &mut first, "raw");
                }
                proto(out, &mut first, "ip");
            }
            (_, View::Ipv6(_)) => {
                if i == 0 {
                    proto(out, &mut first, "raw");
                }
                proto(out, &mut first, "ipv6");
            }
            (K::IPv6ExtHdrHopByHop, _) => proto(out, &mut first, "ipv6.hopopts"),
            (K::IPv6ExtHdrRouting, _) => proto(out, &mut first, "ipv6.routing"),
            (K::IPv6ExtHdrFragment, _) => proto(out, &mut first, "ipv6.fraghdr"),
            (K::IPv6ExtHdrDestOpt, _) => proto(out, &mut first, "ipv6.dstopts"),
            (_, View::Icmp(_)) => proto(out, &mut first, "icmp"),
            (k, View::Icmpv6(v)) => {
                proto(out, &mut first, "icmpv6");
                if matches!(k, K::ICMPv6EchoRequest | K::ICMPv6EchoReply) && !v.body().is_empty() {
                    proto(out, &mut first, "data");
                }
            }
            (k, View::Tcp(v)) => {
                proto(out, &mut first, "tcp");
                // tshark does not dissect the payload of TCP quoted in an ICMP error.
                if k == K::TCPerror {
                    break;
                }
                below = Some((true, v.sport(), v.dport()));
            }
            (_, View::Udp(v)) => {
                proto(out, &mut first, "udp");
                below = Some((false, v.sport(), v.dport()));
            }
            (_, View::Dns(_)) => {
                let name = match transport {
                    Some((false, s, d)) => udp_app(s, d).unwrap_or("dns"),
                    _ => "dns",
                };
                proto(out, &mut first, name);
            }
            (_, View::Raw(p)) if !p.is_empty() => {
                let app = match transport {
                    Some((true, s, d)) => tcp_app(s, d),
                    Some((false, s, d)) => udp_app(s, d),
                    None => None,
                };
                proto(out, &mut first, app.unwrap_or("data"));
                if app == Some("http") {
                    http_rest(out, &mut first, p);
                }
            }
            _ => {}
        }
    }
}

// ---------------------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------------------

fn put_val(out: &mut Vec<u8>, v: Val<'_>) {
    match v {
        Val::Num(n) => put_u64(out, n),
        Val::Hex16(n) => {
            out.extend_from_slice(b"\"0x");
            for shift in [12u16, 8, 4, 0] {
                out.push(hex_digit(((n >> shift) & 0xf) as u8));
            }
            out.push(b'"');
        }
        Val::Ip4(a) => {
            out.push(b'"');
            put_ipv4(out, a);
            out.push(b'"');
        }
        Val::Ip6(a) => {
            out.push(b'"');
            put_ipv6(out, a);
            out.push(b'"');
        }
        Val::Mac(m) => {
            out.push(b'"');
            for (i, b) in m.0.iter().enumerate() {
                if i > 0 {
                    out.push(b':');
                }
                put_hex8(out, *b);
            }
            out.push(b'"');
        }
        Val::Name(n) => {
            out.push(b'"');
            put_dns_name(out, n);
            out.push(b'"');
        }
    }
}

/// `seconds.nanoseconds` with nine decimals; before 1970, the sign goes in front of the
/// whole value (`-1.500000000` for 1.5 s before the epoch).
fn put_time(out: &mut Vec<u8>, sec: i64, nsec: u32) {
    let nsec = nsec.min(999_999_999);
    let (neg, whole, frac) = if sec < 0 && nsec > 0 {
        (true, sec.unsigned_abs() - 1, 1_000_000_000 - nsec)
    } else {
        (sec < 0, sec.unsigned_abs(), nsec)
    };
    if neg {
        out.push(b'-');
    }
    put_u64(out, whole);
    out.push(b'.');
    let mut buf = [b'0'; 9];
    let mut f = frac;
    for slot in buf.iter_mut().rev() {
        *slot = b'0' + (f % 10) as u8;
        f /= 10;
    }
    out.extend_from_slice(&buf);
}

/// A DNS name as Wireshark shows it: labels joined by dots, no final dot, `<Root>` for the
/// root; printable ASCII as is (JSON-escaped), other bytes as `\xNN`.
fn put_dns_name(out: &mut Vec<u8>, n: DnsName<'_>) {
    let mut any = false;
    for label in n.labels() {
        if any {
            out.push(b'.');
        }
        any = true;
        for &b in label {
            match b {
                b'"' | b'\\' => {
                    out.push(b'\\');
                    out.push(b);
                }
                0x20..=0x7e => out.push(b),
                _ => {
                    out.extend_from_slice(b"\\\\x");
                    put_hex8(out, b);
                }
            }
        }
    }
    if !any {
        out.extend_from_slice(b"<Root>");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v6(s: &str) -> String {
        let mut out = Vec::new();
        put_ipv6(&mut out, s.parse().unwrap());
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn ipv6_text_matches_inet_ntop() {
        assert_eq!(v6("::"), "::");
        assert_eq!(v6("::1"), "::1");
        assert_eq!(v6("fd00:beef::2:80"), "fd00:beef::2:80");
        assert_eq!(v6("ff02::1:ff02:1"), "ff02::1:ff02:1");
        assert_eq!(v6("1:0:1:0:0:1:0:0"), "1:0:1::1:0:0");
        assert_eq!(v6("1:0:0:1:0:0:1:1"), "1::1:0:0:1:1");
        assert_eq!(v6("1:2:3:4:5:6:0:8"), "1:2:3:4:5:6:0:8");
        assert_eq!(v6("1:2:3:4:5:6:7:0"), "1:2:3:4:5:6:7:0");
        assert_eq!(v6("0:0:1::"), "0:0:1::");
        assert_eq!(v6("::ffff:198.18.0.1"), "::ffff:198.18.0.1");
        assert_eq!(v6("::198.18.0.1"), "::198.18.0.1");
        assert_eq!(
            v6("2606:4700:ce8f:3e5:a24b:9339:6f3d:2dd"),
            "2606:4700:ce8f:3e5:a24b:9339:6f3d:2dd"
        );
    }

    #[test]
    fn numbers_and_times() {
        let mut out = Vec::new();
        put_u64(&mut out, 0);
        out.push(b' ');
        put_u64(&mut out, u64::MAX);
        out.push(b' ');
        put_time(&mut out, 1_795_270_721, 774_755_000);
        out.push(b' ');
        put_time(&mut out, -2, 500_000_000);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "0 18446744073709551615 1795270721.774755000 -1.500000000"
        );
    }

    #[test]
    fn random_bytes_give_valid_json() {
        use crate::dissect::dissect;
        use crate::packet::LinkType;
        let mut x: u32 = 0x9e37_79b9;
        let mut buf = [0u8; 300];
        let mut out = Vec::new();
        for round in 0..3000 {
            for b in buf.iter_mut() {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                *b = x as u8;
            }
            let link = [
                LinkType::Ether,
                LinkType::RawIp,
                LinkType::Sll,
                LinkType::Ipv6,
            ][round % 4];
            match round % 4 {
                1 => buf[0] = 0x45,
                3 => buf[0] = 0x60,
                _ => {}
            }
            let n = (x as usize) % buf.len();
            let mut d = Dissection::new();
            dissect(link, &buf[..n], &mut d);
            out.clear();
            let meta = FrameMeta {
                number: round as u64,
                ts_sec: 1,
                ts_nsec: 2,
                orig_len: n as u32,
                cap_len: n as u32,
            };
            write_json(&meta, &d, &mut out);
            let v: serde_json::Value = serde_json::from_slice(&out).unwrap_or_else(|e| {
                panic!("round {round}: {e}: {}", String::from_utf8_lossy(&out))
            });
            assert!(v.is_object());
            assert_eq!(out.last(), Some(&b'\n'));
        }
    }
}
