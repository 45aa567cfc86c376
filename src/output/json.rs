//! JSON Lines with Wireshark's field names: one flat object per packet.
//!
//! [`write_json`] appends one line to a caller-owned buffer, straight from a
//! [`Dissection`]'s views: no allocation of its own (the buffer grows as a `Vec` does), no
//! panics. Values are what `tshark -T fields -e NAME` prints for the same packet, with
//! reassembly off (`-o ip.defragment:FALSE -o ipv6.defragment:FALSE
//! -o tcp.desegment_tcp_streams:FALSE`: pktforge decodes each packet on its own, so the
//! first fragment of a datagram carries the upper layers and the last one does not).
//!
//! The fields, their names and how each is read from the fast dissection are the table of
//! [`crate::fields`] (each protocol's entries beside its layer): [`write_json`] writes each
//! protocol's default ones ([`crate::fields::Protocol::json`]), [`write_json_fields`] any
//! [`Selection`] (`pktforge read --json -e NAME`).
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

use super::FrameMeta;
use super::columns::{Column, Selection};
use crate::dissect::{Dissection, View};
use crate::fields::{Frame, write_json_value};
use crate::layers::{LayerKind, http};

/// Writes the dissected packet as one JSON line (with its `'\n'`) at the end of `out`: the fields
/// listed in the [module documentation](self), under Wireshark's names.
pub fn write_json(meta: &FrameMeta, d: &Dissection<'_>, out: &mut Vec<u8>) {
    // The default fields read neither the bytes nor the times of other frames.
    let ts = (meta.ts_sec, meta.ts_nsec);
    let f = Frame {
        meta,
        first_ts: ts,
        prev_ts: ts,
        data: &[],
        d,
    };
    write_json_fields(&f, Selection::json_default(), out);
}

/// Writes one JSON line with the fields of `sel` (`pktforge read --json -e NAME`): a
/// field the frame does not have is left out, one found several times is an array.
pub fn write_json_fields(f: &Frame<'_, '_>, sel: &Selection, out: &mut Vec<u8>) {
    out.push(b'{');
    let present = f.present();
    let mut first = true;
    for (c, key) in sel.columns().iter().zip(sel.json_keys()) {
        match *c {
            Column::Protocols => {
                out.extend_from_slice(if first {
                    key.get(1..).unwrap_or(key)
                } else {
                    key
                });
                first = false;
                out.push(b'"');
                put_protocols(out, f.d);
                out.push(b'"');
            }
            Column::Field(def, views) => {
                if views != 0 && views & present == 0 {
                    continue;
                }
                // The key is written with the first value: nothing for an absent field.
                let mut n = 0usize;
                let mut val_at = 0usize;
                let key = if first {
                    key.get(1..).unwrap_or(key)
                } else {
                    key
                };
                (def.each)(f, &mut |v| {
                    if n == 0 {
                        out.extend_from_slice(key);
                        val_at = out.len();
                    } else {
                        out.push(b',');
                    }
                    n += 1;
                    write_json_value(out, def.base, v);
                });
                if n > 0 {
                    first = false;
                }
                if n > 1 {
                    out.insert(val_at, b'[');
                    out.push(b']');
                }
            }
        }
    }
    out.extend_from_slice(b"}\n");
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
pub(crate) fn tcp_app(sport: u16, dport: u16) -> Option<&'static str> {
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

/// The names after `http` for a segment: `data` for a continuation, the body's media
/// dissector for a message with a body in the same segment.
fn http_rest(emit: &mut impl FnMut(&'static str), p: &[u8]) {
    if !http::is_http_start(p) {
        emit("data");
        return;
    }
    let Some(end) = http::find(p, b"\r\n\r\n") else {
        return;
    };
    let (head, body) = (p.get(..end).unwrap_or(&[]), p.get(end + 4..).unwrap_or(&[]));
    if body.is_empty() {
        return;
    }
    emit(http::body_protocol(head));
}

/// Appends the `frame.protocols` chain of `d` (`eth:ethertype:ip:tcp`) to `out`, as
/// [`write_json`] writes it: for statistics over protocol paths (`pktforge stats --phs`).
///
/// ```
/// use pktforge::dissect::{Dissection, dissect};
/// use pktforge::output::json::protocols;
/// use pktforge::prelude::*;
/// let b = (Ether::new() / IP::new() / UDP::new().dport(53) / DNS::new()).build().unwrap();
/// let mut d = Dissection::new();
/// dissect(LinkType::Ether, &b, &mut d);
/// let mut out = Vec::new();
/// protocols(&mut out, &d);
/// assert_eq!(out, b"eth:ethertype:ip:udp:dns");
/// ```
pub fn protocols(out: &mut Vec<u8>, d: &Dissection<'_>) {
    put_protocols(out, d);
}

/// Appends the `frame.protocols` chain of the dissection.
pub(crate) fn put_protocols(out: &mut Vec<u8>, d: &Dissection<'_>) {
    let mut first = true;
    each_protocol(d, |name| proto(out, &mut first, name));
}

/// Calls `emit` with each name of the `frame.protocols` chain of `d`, outermost first:
/// the chain without the text (`stats --phs` counts chains by their names).
pub fn each_protocol(d: &Dissection<'_>, mut emit: impl FnMut(&'static str)) {
    use LayerKind as K;
    let layers = d.layers();
    // Ports of the transport layer just below, to name its payload.
    let mut below: Option<(bool, u16, u16)> = None;
    for (i, l) in layers.iter().enumerate() {
        let transport = below.take();
        match (l.kind, l.view) {
            (_, View::Ether(v)) => {
                emit("eth");
                if v.ether_type() >= 0x0600 {
                    emit("ethertype");
                }
            }
            (k, View::Vlan(v)) => {
                let name = if k == K::Dot1AD { "ieee8021ad" } else { "vlan" };
                emit(name);
                if v.ether_type() >= 0x0600 {
                    emit("ethertype");
                }
            }
            (_, View::Sll(_) | View::Sll2(_)) => {
                emit("sll");
                emit("ethertype");
            }
            (_, View::Loopback(_)) => emit("null"),
            (_, View::Arp(_)) => emit("arp"),
            (_, View::Ipv4(_)) => {
                if i == 0 {
                    emit("raw");
                }
                emit("ip");
            }
            (_, View::Ipv6(_)) => {
                if i == 0 {
                    emit("raw");
                }
                emit("ipv6");
            }
            (K::IPv6ExtHdrHopByHop, _) => emit("ipv6.hopopts"),
            (K::IPv6ExtHdrRouting, _) => emit("ipv6.routing"),
            (K::IPv6ExtHdrFragment, _) => emit("ipv6.fraghdr"),
            (K::IPv6ExtHdrDestOpt, _) => emit("ipv6.dstopts"),
            (_, View::Icmp(_)) => emit("icmp"),
            (k, View::Icmpv6(v)) => {
                emit("icmpv6");
                if matches!(k, K::ICMPv6EchoRequest | K::ICMPv6EchoReply) && !v.body().is_empty() {
                    emit("data");
                }
            }
            (k, View::Tcp(v)) => {
                emit("tcp");
                // tshark does not dissect the payload of TCP quoted in an ICMP error.
                if k == K::TCPerror {
                    break;
                }
                below = Some((true, v.sport(), v.dport()));
            }
            (_, View::Udp(v)) => {
                emit("udp");
                below = Some((false, v.sport(), v.dport()));
            }
            (_, View::Dns(_)) => {
                let name = match transport {
                    Some((false, s, d)) => udp_app(s, d).unwrap_or("dns"),
                    _ => "dns",
                };
                emit(name);
            }
            (_, View::Raw(p)) if !p.is_empty() => {
                let app = match transport {
                    Some((true, s, d)) => tcp_app(s, d),
                    Some((false, s, d)) => udp_app(s, d),
                    None => None,
                };
                emit(app.unwrap_or("data"));
                if app == Some("http") {
                    http_rest(&mut emit, p);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fields::put_time;
    use crate::output::text::{put_ipv6, put_u64};

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
        let mut out = Vec::new();
        let links = [
            (LinkType::Ether, None),
            (LinkType::RawIp, Some(0x45)),
            (LinkType::Sll, None),
            (LinkType::Ipv6, Some(0x60)),
        ];
        crate::wire::random_packets(0x9e37_79b9, 3000, 300, &links, |round, link, data| {
            let n = data.len();
            let mut d = Dissection::new();
            dissect(link, data, &mut d);
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
        });
    }
}
