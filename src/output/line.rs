//! One line per packet, in the manner of `tcpdump -n`: time, the link header with `-e`,
//! addresses and ports, the protocol's key facts, and `[malformed: ...]` when a layer
//! could not be decoded. A packet cut by the capture's snap length prints what was captured,
//! with lengths from the headers, and ends as tcpdump's does where the bytes run out
//! (`[|tcp]`, `[|domain]`).
//!
//! ```text
//! 14:19:01.123456 IP 198.18.1.2.44444 > 198.18.2.2.80: Flags [S], seq 1234, win 64240, length 0
//! 14:19:01.223456 IP 198.18.1.2.5353 > 198.18.2.53.53: 4660+ A? example.test. (30)
//! 14:19:01.323456 IP6 fd00:beef::1:2 > fd00:beef::2:2: ICMP6, echo request, id 5, seq 1, length 64
//! 14:19:01.423456 ARP, Request who-has 198.18.2.1 tell 198.18.2.2, length 28
//! ```
//! Times are UTC. Writes into a reused buffer; nothing is allocated per packet.

use std::io::Write;
use std::net::{Ipv4Addr, Ipv6Addr};

use crate::dissect::{
    Dissection, DnsView, IcmpView, Icmpv6View, LayerRec, RData, TcpOpt, TcpView, View,
};
use crate::layers::LayerKind;
use crate::mac::MacAddr;
use crate::output::text::{put_ipv4, put_ipv6, put_padded, put_u64};

/// What a line needs besides the dissection.
#[derive(Debug, Clone, Copy)]
pub struct LineMeta {
    /// Seconds since the epoch.
    pub ts_sec: i64,
    /// Nanoseconds.
    pub ts_nsec: u32,
    /// Length on the wire.
    pub orig_len: u32,
    /// The capture's link type (named when the dissector does not know it).
    pub link: crate::capture::LinkTypeNumber,
}

/// Appends the line for one packet (with its newline) to `out`.
pub fn write_line(meta: &LineMeta, d: &Dissection<'_>, link_header: bool, out: &mut Vec<u8>) {
    write_time(meta, out);
    // tcpdump prints a header cut inside its fixed fields from its raw bytes: so do the
    // lines, from a copy of the layers where that header is raw bytes.
    // (Only then is the copy made.)
    let lowered: [LayerRec<'_>; 16];
    let layers = match d.partial_index() {
        Some(i) if d.layers().len() <= 16 => {
            let raw = LayerRec {
                kind: LayerKind::Raw,
                offset: 0,
                view: View::Raw(&[]),
            };
            let mut copy = [raw; 16];
            for (c, l) in copy.iter_mut().zip(d.layers()) {
                *c = *l;
            }
            if let Some(l) = copy.get_mut(i) {
                l.kind = LayerKind::Raw;
                l.view = View::Raw(partial_bytes(&l.view));
            }
            lowered = copy;
            lowered.get(..d.layers().len()).unwrap_or(d.layers())
        }
        _ => d.layers(),
    };
    let mut i = 0;
    // Link layers.
    while let Some(l) = layers.get(i) {
        match l.view {
            View::Ether(e) => {
                if link_header {
                    let _ = write!(out, "{} > {}, ", e.src(), e.dst());
                    ethertype(e.ether_type(), meta.orig_len, out);
                }
            }
            View::Vlan(v) => {
                if link_header {
                    let _ = write!(out, "vlan {}, p {}, ", v.vlan(), v.prio());
                    ethertype(v.ether_type(), meta.orig_len, out);
                }
            }
            View::Sll(s) => {
                if link_header {
                    let _ = write!(
                        out,
                        "{} {}, ",
                        pkttype(s.pkttype()),
                        hwaddr(s.src(), usize::from(s.lladdrlen()))
                    );
                    ethertype(s.proto(), meta.orig_len, out);
                }
            }
            View::Sll2(s) => {
                if link_header {
                    let _ = write!(
                        out,
                        "ifindex {} {} {}, ",
                        s.ifindex(),
                        pkttype(u16::from(s.pkttype())),
                        hwaddr(s.src(), usize::from(s.lladdrlen()))
                    );
                    ethertype(s.proto(), meta.orig_len, out);
                }
            }
            View::Loopback(lb) => {
                if link_header {
                    let _ = write!(
                        out,
                        "AF {} ({}), length {}: ",
                        lb.family(),
                        lb.family(),
                        meta.orig_len
                    );
                }
            }
            _ => break,
        }
        i += 1;
    }
    let rest = layers.get(i..).unwrap_or(&[]);
    match rest.first().map(|l| l.view) {
        Some(View::Arp(a)) => {
            // tcpdump gives the length of everything after the link header.
            let off = rest.first().map_or(0, |l| l.offset);
            arp(a, (meta.orig_len as usize).saturating_sub(off), out);
        }
        Some(View::Ipv4(ip)) => {
            let (src, dst) = (ip.src(), ip.dst());
            ip_line("IP", &Addr::V4(src), &Addr::V4(dst), rest, d, out);
        }
        Some(View::Ipv6(ip)) => {
            ip_line(
                "IP6",
                &Addr::V6(ip.src()),
                &Addr::V6(ip.dst()),
                rest,
                d,
                out,
            );
        }
        Some(View::Raw(b)) => {
            let _ = write!(out, "{}, {} bytes", meta.link, b.len());
        }
        Some(_) => {
            let names: Vec<&str> = rest.iter().map(|l| l.kind.name()).collect();
            let _ = write!(out, "{}", names.join(" / "));
        }
        None => {
            let _ = write!(out, "length {}", meta.orig_len);
        }
    }
    if let Some(e) = d.error() {
        let _ = write!(out, " [malformed: {e}]");
    }
    out.push(b'\n');
}

/// The captured bytes of a partial header's view.
fn partial_bytes<'a>(v: &View<'a>) -> &'a [u8] {
    match v {
        View::Ipv4(x) => x.bytes(),
        View::Ipv6(x) => x.bytes(),
        View::Icmp(x) => x.bytes(),
        View::Icmpv6(x) => x.bytes(),
        View::Tcp(x) => x.bytes(),
        View::Udp(x) => x.bytes(),
        View::Raw(b) | View::Padding(b) => b,
        _ => &[],
    }
}

enum Addr {
    V4(Ipv4Addr),
    V6(Ipv6Addr),
}

/// The parts of a line every packet has (time, addresses, ports, TCP numbers) are pushed
/// as bytes with the writers of [`crate::output::text`], not through `write!`.
trait Put {
    fn num(&mut self, v: impl Into<u64>);
    fn pad(&mut self, v: u64, width: usize);
    fn addr(&mut self, a: &Addr);
}

impl Put for Vec<u8> {
    #[inline]
    fn num(&mut self, v: impl Into<u64>) {
        put_u64(self, v.into());
    }

    #[inline]
    fn pad(&mut self, v: u64, width: usize) {
        put_padded(self, v, width);
    }

    /// As tcpdump prints addresses (`inet_ntop`).
    fn addr(&mut self, a: &Addr) {
        match a {
            Addr::V4(a) => put_ipv4(self, *a),
            Addr::V6(a) => put_ipv6(self, *a),
        }
    }
}

fn write_time(meta: &LineMeta, out: &mut Vec<u8>) {
    let day = meta.ts_sec.rem_euclid(86_400).unsigned_abs();
    out.pad(day / 3600, 2);
    out.push(b':');
    out.pad((day / 60) % 60, 2);
    out.push(b':');
    out.pad(day % 60, 2);
    out.push(b'.');
    out.pad(u64::from(meta.ts_nsec / 1000), 6);
    out.push(b' ');
}

fn ethertype(t: u16, len: u32, out: &mut Vec<u8>) {
    let name = match t {
        0x0800 => "IPv4",
        0x0806 => "ARP",
        0x86dd => "IPv6",
        0x8100 => "802.1Q",
        0x88a8 => "802.1Q-QinQ",
        _ => "Unknown",
    };
    let _ = write!(out, "ethertype {name} (0x{t:04x}), length {len}: ");
}

fn pkttype(t: u16) -> &'static str {
    match t {
        0 => "In",
        1 => "B",
        2 => "M",
        3 => "P",
        4 => "Out",
        _ => "?",
    }
}

fn hwaddr(b: &[u8], len: usize) -> String {
    match MacAddr::from_slice(b) {
        Some(m) if len == 6 => m.to_string(),
        _ => hex::encode(b.get(..len.min(b.len())).unwrap_or(b)),
    }
}

fn arp(a: crate::dissect::ArpView<'_>, len: usize, out: &mut Vec<u8>) {
    let ip = |b: &[u8]| -> String {
        <[u8; 4]>::try_from(b).map_or_else(|_| hex::encode(b), |x| Ipv4Addr::from(x).to_string())
    };
    let _ = match a.op() {
        1 => write!(
            out,
            "ARP, Request who-has {} tell {}, length {len}",
            ip(a.pdst()),
            ip(a.psrc())
        ),
        2 => write!(
            out,
            "ARP, Reply {} is-at {}, length {len}",
            ip(a.psrc()),
            hwaddr(a.hwsrc(), usize::from(a.hwlen()))
        ),
        op => write!(out, "ARP, op {op}, length {len}"),
    };
}

/// The part after the IP header: ports and the transport's facts.
fn ip_line(
    family: &str,
    src: &Addr,
    dst: &Addr,
    rest: &[crate::dissect::LayerRec<'_>],
    d: &Dissection<'_>,
    out: &mut Vec<u8>,
) {
    // In a packet cut by the snap length, lengths come from the IP header, as tcpdump's do.
    let ip_end = match rest.first() {
        Some(l) if d.is_snapped() => match l.view {
            View::Ipv4(v) if v.total_len() != 0 => Some(l.offset + usize::from(v.total_len())),
            View::Ipv6(v) if v.plen() != 0 => Some(l.offset + 40 + usize::from(v.plen())),
            _ => None,
        },
        _ => None,
    };
    // The layer the snap length cut, if it is this one.
    let cut_at = |l: &crate::dissect::LayerRec<'_>, name: &str| {
        d.cut()
            .is_some_and(|c| c.offset == l.offset && c.layer == name)
    };
    // IPv6 extension headers are named before the upper layer, as tcpdump does.
    let mut k = 1;
    let mut ext = String::new();
    while let Some(l) = rest.get(k).filter(|l| matches!(l.view, View::Ipv6Ext(_))) {
        match (l.kind, l.view) {
            (LayerKind::IPv6ExtHdrHopByHop, _) => ext.push_str("HBH "),
            (LayerKind::IPv6ExtHdrRouting, _) => ext.push_str("srcrt "),
            (LayerKind::IPv6ExtHdrFragment, View::Ipv6Ext(f)) => {
                let after: usize = match ip_end {
                    Some(e) => e.saturating_sub(l.offset + 8),
                    None => rest
                        .iter()
                        .skip(k + 1)
                        .filter(|l| l.kind != LayerKind::Padding)
                        .map(|l| view_len(&l.view))
                        .sum(),
                };
                ext.push_str(&format!(
                    "frag ({}|{}) ",
                    usize::from(f.frag_offset()) * 8,
                    after
                ));
            }
            _ => ext.push_str("DSTOPT "),
        }
        k += 1;
    }
    let upper = rest.get(k);
    let payload_len = |idx: usize| -> usize {
        if let (Some(e), Some(l)) = (ip_end, rest.get(idx)) {
            return e.saturating_sub(l.offset + view_len(&l.view));
        }
        rest.iter()
            .skip(idx + 1)
            .filter(|l| l.kind != LayerKind::Padding)
            .map(|l| view_len(&l.view))
            .sum()
    };
    match upper.map(|l| l.view) {
        Some(View::Tcp(t)) => {
            hosts(family, (src, dst), Some((t.sport(), t.dport())), &ext, out);
            let len = payload_len(k);
            if !tcp(&t, len, out) {
                return;
            }
            match rest.get(k + 1).map(|l| l.view) {
                Some(View::Dns(dv)) => {
                    out.push(b' ');
                    let n = match dv.tcp_length() {
                        Some(l) if d.is_snapped() => usize::from(l),
                        _ => dv.message().len(),
                    };
                    dns(&dv, n, out);
                }
                Some(View::Raw(b)) if t.sport() == 80 || t.dport() == 80 => {
                    http(b, len > b.len(), out);
                }
                _ => {}
            }
        }
        Some(View::Udp(u)) => {
            hosts(family, (src, dst), Some((u.sport(), u.dport())), &ext, out);
            let ulen = match rest.get(k + 1).map(|l| l.view) {
                Some(View::Raw(b)) if !d.is_snapped() => b.len(),
                _ => usize::from(u.len()).saturating_sub(8),
            };
            match rest.get(k + 1).map(|l| l.view) {
                Some(View::Dns(d)) => dns(&d, usize::from(u.len()).saturating_sub(8), out),
                Some(View::Raw(_)) if rest.get(k + 1).is_some_and(|l| cut_at(l, "DNS")) => {
                    out.extend_from_slice(b" [|domain]");
                }
                // Cut right after the UDP header, on DNS's port.
                None if ulen > 0 && d.is_snapped() && (u.sport() == 53 || u.dport() == 53) => {
                    out.extend_from_slice(b" [|domain]");
                }
                Some(View::Raw(b))
                    if (u.sport() == 123 || u.dport() == 123) && ntp(b, ulen, out) => {}
                Some(View::Raw(b))
                    if (u.sport() == 514 || u.dport() == 514)
                        && d.is_snapped()
                        && syslog_cut(b) =>
                {
                    out.extend_from_slice(b" [|syslog]");
                }
                Some(View::Raw(b))
                    if (u.sport() == 514 || u.dport() == 514) && syslog(b, ulen, out) => {}
                _ => {
                    out.extend_from_slice(b"UDP, length ");
                    out.num(u.len().saturating_sub(8));
                }
            }
        }
        Some(View::Icmp(i)) if d.is_snapped() && icmp_cut(&i, upper, rest, d.captured_len()) => {
            // tcpdump formats the ICMP text before printing it: cut, only the marker shows.
            hosts(family, (src, dst), None, "", out);
            out.extend_from_slice(b" [|icmp]");
        }
        Some(View::Icmp(i)) => {
            hosts(family, (src, dst), None, "", out);
            icmp(
                &i,
                rest.get(k + 1..).unwrap_or(&[]),
                8 + payload_len(k),
                out,
            );
        }
        Some(View::Icmpv6(i)) => {
            hosts(family, (src, dst), None, &ext, out);
            icmpv6(
                &i,
                rest.get(k + 1..).unwrap_or(&[]),
                view_len(&View::Icmpv6(i)) + payload_len(k),
                d.cut().is_some(),
                out,
            );
        }
        Some(View::Raw(b)) if upper.is_some_and(|l| cut_at(l, "TCP") || cut_at(l, "UDP")) => {
            // A transport header cut by the snap length: its ports if they are there.
            let (ports, trunc): (_, &[u8]) =
                match (crate::wire::be16(b, 0), crate::wire::be16(b, 2)) {
                    (Some(s), Some(p)) => (Some((s, p)), b" [|"),
                    _ => (None, b"[|"),
                };
            hosts(family, (src, dst), ports, &ext, out);
            out.extend_from_slice(trunc);
            out.extend_from_slice(if upper.is_some_and(|l| cut_at(l, "TCP")) {
                b"tcp]"
            } else {
                b"udp]"
            });
        }
        Some(View::Raw(b)) if upper.is_some_and(|l| cut_at(l, "ICMPv6")) => {
            // An ICMPv6 header cut by the snap length: its type's name if it is there.
            hosts(family, (src, dst), None, &ext, out);
            if let Some(&t) = b.first() {
                out.extend_from_slice(b"ICMP6, ");
                out.extend_from_slice(icmp6_type_name(t).as_bytes());
            }
            out.extend_from_slice(b" [|icmp6]");
        }
        Some(View::Raw(_)) if upper.is_some_and(|l| cut_at(l, "IPv6ExtHdrHopByHop")) => {
            hosts(family, (src, dst), None, &ext, out);
            out.extend_from_slice(b" [|hbhopt]");
        }
        _ => {
            hosts(family, (src, dst), None, &ext, out);
            match upper {
                Some(l) if l.kind == LayerKind::Raw => match rest.first().map(|l| l.view) {
                    Some(View::Ipv4(ip)) if ip.is_fragment() => {
                        let _ = write!(out, "ip-proto-{}", ip.proto());
                    }
                    // A later IPv6 fragment: tcpdump says no more than the frag header.
                    _ if ext.ends_with(") ") => {
                        out.pop();
                    }
                    _ => {
                        let _ = write!(out, "data, length {}", view_len(&l.view));
                    }
                },
                Some(l) => {
                    let _ = write!(
                        out,
                        "{}, length {}",
                        l.kind.name(),
                        view_len(&l.view) + payload_len(k)
                    );
                }
                // A fragment: tcpdump says no more than the frag header (after a later one,
                // not even its space).
                None if d.cut().is_some() && ext.ends_with(") ") => {
                    if rest.iter().any(|l| {
                        matches!(l.view, View::Ipv6Ext(f) if l.kind == LayerKind::IPv6ExtHdrFragment && f.frag_offset() > 0)
                    }) {
                        out.pop();
                    }
                }
                None if d.cut().is_some() && !ext.is_empty() => {
                    // Extension headers, and the snap length cut before the upper layer.
                    let nh = rest.get(k.saturating_sub(1)).and_then(|l| match l.view {
                        View::Ipv6Ext(x) => Some(x.nh()),
                        _ => None,
                    });
                    let name = match nh {
                        Some(6) => "tcp",
                        Some(17) => "udp",
                        Some(58) => "icmp6",
                        _ => "ip6",
                    };
                    let _ = write!(out, " [|{name}]");
                }
                None => {
                    let _ = write!(out, "length 0");
                }
            }
        }
    }
}

/// `IP 198.18.0.1 > 198.18.0.2: `, or with `ports` `IP 198.18.0.1.1234 > 198.18.0.2.80: `,
/// then the IPv6 extension headers.
fn hosts(
    family: &str,
    (src, dst): (&Addr, &Addr),
    ports: Option<(u16, u16)>,
    ext: &str,
    out: &mut Vec<u8>,
) {
    let one = |out: &mut Vec<u8>, a: &Addr, port: Option<u16>| {
        out.addr(a);
        if let Some(p) = port {
            out.push(b'.');
            out.num(p);
        }
    };
    out.extend_from_slice(family.as_bytes());
    out.push(b' ');
    one(out, src, ports.map(|p| p.0));
    out.extend_from_slice(b" > ");
    one(out, dst, ports.map(|p| p.1));
    out.extend_from_slice(b": ");
    out.extend_from_slice(ext.as_bytes());
}

fn view_len(v: &View<'_>) -> usize {
    match v {
        View::Raw(b) | View::Padding(b) => b.len(),
        View::Tcp(t) => usize::from(t.dataofs()) * 4,
        View::Udp(_) => 8,
        View::Icmp(i) => i.header_len(),
        View::Icmpv6(i) => i.header_len(),
        View::NdOpt(o) => usize::from(o.len()) * 8,
        View::Dns(d) => d.message().len() + if d.tcp_length().is_some() { 2 } else { 0 },
        View::Ipv4(ip) => usize::from(ip.ihl()) * 4,
        View::Ipv6(_) => 40,
        _ => 0,
    }
}

/// Returns false when the header was cut by the snap length (the line then ends with
/// tcpdump's `[|tcp]`).
fn tcp(t: &TcpView<'_>, len: usize, out: &mut Vec<u8>) -> bool {
    let f = t.flags();
    let mut flags = [0u8; 9];
    let mut n = 0;
    for (bit, c) in [
        (0x01, b'F'),
        (0x02, b'S'),
        (0x04, b'R'),
        (0x08, b'P'),
        (0x20, b'U'),
        (0x80, b'W'),
        (0x40, b'E'),
    ] {
        if f & bit != 0 {
            if let Some(x) = flags.get_mut(n) {
                *x = c;
                n += 1;
            }
        }
    }
    if f & 0x10 != 0 {
        if let Some(x) = flags.get_mut(n) {
            *x = b'.';
            n += 1;
        }
    }
    out.extend_from_slice(b"Flags [");
    out.extend_from_slice(flags.get(..n).unwrap_or(&[]));
    out.push(b']');
    // tcpdump shows the sequence range of data, or the number of SYN, FIN and RST.
    if len > 0 {
        out.extend_from_slice(b", seq ");
        out.num(t.seq());
        out.push(b':');
        out.num(t.seq().wrapping_add(len as u32));
    } else if f & 0x07 != 0 {
        out.extend_from_slice(b", seq ");
        out.num(t.seq());
    }
    if f & 0x10 != 0 {
        out.extend_from_slice(b", ack ");
        out.num(t.ack());
    }
    out.extend_from_slice(b", win ");
    out.num(t.window());
    let mut first = true;
    // Options cut by the snap length (the header says more than was captured).
    let cut = t.options_bytes().len() + 20 < usize::from(t.dataofs()) * 4;
    for (n_opts, o) in t.options().enumerate() {
        out.extend_from_slice(if first { b", options [" } else { b"," });
        first = false;
        if let (true, TcpOpt::Raw(b)) = (cut, o) {
            // tcpdump prints the option's name when its kind and length were captured.
            // It prints the option's name when its kind and length were captured, and a
            // `>` after an option that is not the first.
            if let (Some(&kind), Some(&olen)) = (b.first(), b.get(1)) {
                out.extend_from_slice(tcp_option_name(kind).as_bytes());
                if kind == 5 && olen >= 2 {
                    let n = usize::from(olen - 2);
                    if n % 8 == 0 {
                        let _ = write!(out, " {} ", n / 8);
                        for e in b.get(2..).unwrap_or(&[]).chunks_exact(8) {
                            let l = crate::wire::be32(e, 0).unwrap_or(0);
                            let r = crate::wire::be32(e, 4).unwrap_or(0);
                            let _ = write!(out, "{{{l}:{r}}}");
                        }
                    } else {
                        out.extend_from_slice(b" invalid sack");
                    }
                }
                out.extend_from_slice(if n_opts > 0 { b" [|tcp]>" } else { b" [|tcp]" });
            } else {
                out.extend_from_slice(b" [|tcp]");
            }
            return false;
        }
        let _ = match o {
            TcpOpt::Eol => write!(out, "eol"),
            TcpOpt::Nop => write!(out, "nop"),
            TcpOpt::Mss(m) => {
                out.extend_from_slice(b"mss ");
                out.num(m);
                Ok(())
            }
            TcpOpt::WScale(w) => write!(out, "wscale {w}"),
            TcpOpt::SAckOK => write!(out, "sackOK"),
            TcpOpt::SAck(b) => {
                let _ = write!(out, "sack {} ", b.len() / 8);
                for e in b.chunks_exact(8) {
                    let l = crate::wire::be32(e, 0).unwrap_or(0);
                    let r = crate::wire::be32(e, 4).unwrap_or(0);
                    let _ = write!(out, "{{{l}:{r}}}");
                }
                Ok(())
            }
            TcpOpt::Timestamp(v, e) => {
                out.extend_from_slice(b"TS val ");
                out.num(v);
                out.extend_from_slice(b" ecr ");
                out.num(e);
                Ok(())
            }
            TcpOpt::Other { kind, .. } => write!(out, "opt-{kind}"),
            TcpOpt::Raw(b) => write!(out, "bad opt {} bytes", b.len()),
        };
    }
    if cut {
        out.extend_from_slice(if first { b", options [" } else { b"," });
        out.extend_from_slice(b" [|tcp]");
        return false;
    }
    if !first {
        out.push(b']');
    }
    out.extend_from_slice(b", length ");
    out.num(len as u64);
    true
}

/// True when tcpdump's ICMP printer runs out of captured bytes: an unreachable or time
/// exceeded message needs the quoted IP destination, a port or protocol unreachable the
/// quoted transport's destination port.
fn icmp_cut(
    i: &IcmpView<'_>,
    at: Option<&crate::dissect::LayerRec<'_>>,
    rest: &[crate::dissect::LayerRec<'_>],
    captured: usize,
) -> bool {
    let Some(at) = at else { return false };
    let have = captured.saturating_sub(at.offset);
    let need = match (i.icmp_type(), i.code()) {
        (3, 2 | 3) => {
            let ihl = rest.iter().find_map(|l| match (l.kind, l.view) {
                (LayerKind::IPerror, View::Ipv4(q)) => Some(usize::from(q.ihl()) * 4),
                _ => None,
            });
            ihl.map_or(28, |h| 8 + h + 4)
        }
        (3 | 11, _) => 28,
        _ => 0,
    };
    have < need
}

/// tcpdump's names of ICMPv6 types (`icmp6_type_values`), for a header cut short.
fn icmp6_type_name(t: u8) -> std::borrow::Cow<'static, str> {
    let name = match t {
        1 => "destination unreachable",
        2 => "packet too big",
        3 => "time exceeded",
        4 => "parameter problem",
        128 => "echo request",
        129 => "echo reply",
        130 => "multicast listener query",
        131 => "multicast listener report",
        132 => "multicast listener done",
        133 => "router solicitation",
        134 => "router advertisement",
        135 => "neighbor solicitation",
        136 => "neighbor advertisement",
        137 => "redirect",
        143 => "multicast listener report v2",
        _ => return std::borrow::Cow::Owned(format!("unknown icmp6 type ({t})")),
    };
    std::borrow::Cow::Borrowed(name)
}

/// tcpdump's names of TCP option kinds (`tcp_option_values`).
fn tcp_option_name(kind: u8) -> std::borrow::Cow<'static, str> {
    let name = match kind {
        0 => "eol",
        1 => "nop",
        2 => "mss",
        3 => "wscale",
        4 => "sackOK",
        5 => "sack",
        6 => "echo",
        7 => "echoreply",
        8 => "TS",
        11 => "cc",
        12 => "ccnew",
        13 => "ccecho",
        19 => "md5",
        27 => "qs",
        28 => "uto",
        29 => "tcp-ao",
        30 => "mptcp",
        34 => "tfo",
        253 | 254 => "exp",
        _ => return std::borrow::Cow::Owned(format!("unknown-{kind}")),
    };
    std::borrow::Cow::Borrowed(name)
}

fn dns(d: &DnsView<'_>, len: usize, out: &mut Vec<u8>) {
    let mut name = [0u8; 256];
    let mut q = |out: &mut Vec<u8>| {
        if let Some(qq) = d.question() {
            let t = type_name(qq.qtype);
            let n = qq.name.write_to(&mut name).unwrap_or(0);
            let _ = write!(out, " {t}? ");
            out.extend_from_slice(name.get(..n).unwrap_or(&[]));
        }
    };
    if d.qr() == 0 {
        // tcpdump's flag marks: + recursion desired, | truncated.
        out.num(d.id());
        if d.rd() {
            out.push(b'+');
        }
        if d.tc() {
            out.push(b'|');
        }
        if d.arcount() > 0 {
            let _ = write!(out, " [{}au]", d.arcount());
        }
        if d.qdcount() > 0 && d.question().is_none() {
            // The question was cut by the snap length.
            out.extend_from_slice(b" [|domain]");
            return;
        }
        q(out);
    } else {
        // * authoritative, - recursion not available, | truncated.
        out.num(d.id());
        if d.aa() {
            out.push(b'*');
        }
        if !d.ra() {
            out.push(b'-');
        }
        if d.tc() {
            out.push(b'|');
        }
        if d.rcode() != 0 {
            let _ = match d.rcode() {
                1 => write!(out, " FormErr"),
                2 => write!(out, " ServFail"),
                3 => write!(out, " NXDomain"),
                4 => write!(out, " NotImp"),
                5 => write!(out, " Refused"),
                r => write!(out, " Resp{r}"),
            };
        }
        // tcpdump skips the question by its name only; cut inside it, the line ends.
        let msg = d.message();
        let mut at = 12;
        if d.qdcount() > 0 {
            match ns_nskip(msg, at) {
                Some(p) => at = p + 4,
                None => {
                    out.extend_from_slice(b" [|domain]");
                    return;
                }
            }
        }
        let _ = write!(out, " {}/{}/{}", d.ancount(), d.nscount(), d.arcount());
        let mut answers = d.answers();
        let mut i = 0usize;
        for a in answers.by_ref() {
            out.push(if i == 0 { b' ' } else { b',' });
            if i > 0 {
                out.push(b' ');
            }
            i += 1;
            out.extend_from_slice(type_name(a.rtype).as_bytes());
            match a.data() {
                RData::A(x) => {
                    out.push(b' ');
                    out.addr(&Addr::V4(x));
                }
                RData::Aaaa(x) => {
                    out.push(b' ');
                    out.addr(&Addr::V6(x));
                }
                RData::Name(n) => {
                    let k = n.write_to(&mut name).unwrap_or(0);
                    out.push(b' ');
                    out.extend_from_slice(name.get(..k).unwrap_or(&[]));
                }
                RData::Other(b) if a.rtype == 16 => txt(b, out),
                RData::Other(b) if a.rtype == 15 => {
                    if let Some(n) = a.rdata_name(2) {
                        let k = n.write_to(&mut name).unwrap_or(0);
                        out.push(b' ');
                        out.extend_from_slice(name.get(..k).unwrap_or(&[]));
                        let pref = crate::wire::be16(b, 0).unwrap_or(0);
                        let _ = write!(out, " {pref}");
                    }
                }
                RData::Other(_) => {}
            }
        }
        if answers.left() > 0 && !dns_cut_answer(msg, &mut answers, at, i, out) {
            return;
        }
    }
    out.extend_from_slice(b" (");
    out.num(len as u64);
    out.push(b')');
}

/// tcpdump's `ns_nskip`: the end of the name at `at`, or `None` when a label length byte
/// was not captured (a compression pointer ends the name, its second byte unchecked).
fn ns_nskip(msg: &[u8], mut at: usize) -> Option<usize> {
    // Each label moves forward, so the walk ends within the message.
    for _ in 0..=msg.len() {
        let i = *msg.get(at)?;
        match i & 0xc0 {
            0 if i == 0 => return Some(at + 1),
            0 => at += usize::from(i) + 1,
            0xc0 => return Some(at + 2),
            // EDNS0 extended label types and the reserved one.
            _ => return None,
        }
    }
    None
}

/// The answer the snap length cut, as tcpdump's `ns_rprint` meets it: with its fixed part
/// captured, its class and type then `[|domain]`; without, nothing, and `[|domain]` only
/// when more answers were announced. `answers` stopped at that record; `printed` answers
/// came before it. Returns false when the line ends here.
fn dns_cut_answer(
    msg: &[u8],
    answers: &mut crate::dissect::DnsRecords<'_>,
    question_end: usize,
    printed: usize,
    out: &mut Vec<u8>,
) -> bool {
    let at = if printed == 0 {
        question_end
    } else {
        answers.offset()
    };
    if at >= msg.len() && printed > 0 {
        // tcpdump's loop stops at the end of the captured bytes.
        out.extend_from_slice(b" [|domain]");
        return false;
    }
    if printed > 0 {
        out.push(b',');
    }
    let fixed = ns_nskip(msg, at).filter(|&p| p + 10 <= msg.len());
    let Some(p) = fixed else {
        if answers.left() > 1 {
            out.extend_from_slice(b" [|domain]");
            return false;
        }
        return true;
    };
    let t = crate::wire::be16(msg, p).unwrap_or(0);
    let class = crate::wire::be16(msg, p + 2).unwrap_or(0);
    if class != 1 && t != 41 {
        let _ = write!(out, " (Class {class})");
    }
    out.push(b' ');
    out.extend_from_slice(type_name(t).as_bytes());
    out.extend_from_slice(b" [|domain]");
    false
}

/// NTP on port 123, as tcpdump's one line: version and mode.
fn ntp(b: &[u8], len: usize, out: &mut Vec<u8>) -> bool {
    let Some(&first) = b.first() else {
        return false;
    };
    let mode = match first & 7 {
        1 => "symmetric active",
        2 => "symmetric passive",
        3 => "Client",
        4 => "Server",
        5 => "Broadcast",
        6 => "Control Message",
        _ => return false,
    };
    let _ = write!(out, "NTPv{}, {mode}, length {len}", (first >> 3) & 7);
    true
}

/// Syslog on port 514: facility and severity from the `<PRI>` prefix, as tcpdump prints.
fn syslog(b: &[u8], len: usize, out: &mut Vec<u8>) -> bool {
    const FACILITIES: [&str; 24] = [
        "kernel", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron",
        "authpriv", "ftp", "ntp", "security", "console", "cron", "local0", "local1", "local2",
        "local3", "local4", "local5", "local6", "local7",
    ];
    const SEVERITIES: [&str; 8] = [
        "emergency",
        "alert",
        "critical",
        "error",
        "warning",
        "notice",
        "info",
        "debug",
    ];
    let Some(rest) = b.strip_prefix(b"<") else {
        return false;
    };
    let digits = rest
        .iter()
        .take(3)
        .take_while(|c| c.is_ascii_digit())
        .count();
    if digits == 0 || rest.get(digits) != Some(&b'>') {
        return false;
    }
    let pri = rest
        .get(..digits)
        .unwrap_or(&[])
        .iter()
        .fold(0usize, |a, c| a * 10 + usize::from(c - b'0'));
    let (Some(f), Some(s)) = (FACILITIES.get(pri / 8), SEVERITIES.get(pri % 8)) else {
        return false;
    };
    let _ = write!(out, "SYSLOG {f}.{s}, length: {len}");
    true
}

/// True when tcpdump's syslog printer runs out of captured bytes in the `<PRI>` prefix.
fn syslog_cut(b: &[u8]) -> bool {
    match b.first() {
        None => return true,
        Some(b'<') => {}
        Some(_) => return false,
    }
    let mut i = 1;
    while i <= 3 {
        match b.get(i) {
            None => return true,
            Some(c) if c.is_ascii_digit() => i += 1,
            Some(_) => break,
        }
    }
    b.get(i).is_none()
}

/// HTTP on port 80, as tcpdump prints it: the first line of a request or response. `cut`:
/// the segment was captured shorter than its length.
fn http(b: &[u8], cut: bool, out: &mut Vec<u8>) {
    out.extend_from_slice(b": HTTP");
    if cut {
        http_cut(b, out);
        return;
    }
    let first = b.split(|&c| c == b'\r' || c == b'\n').next().unwrap_or(&[]);
    // tcpdump's list, which differs from Wireshark's in src/output/json.rs on purpose:
    // tcpdump prints a PATCH request as a bare ": HTTP" (checked with tcpdump 4.99).
    let methods: [&[u8]; 9] = [
        b"GET ",
        b"POST ",
        b"HEAD ",
        b"PUT ",
        b"DELETE ",
        b"OPTIONS ",
        b"TRACE ",
        b"CONNECT ",
        b"HTTP/",
    ];
    if methods.iter().any(|m| first.starts_with(m))
        && first.iter().all(|c| (0x20..0x7f).contains(c))
    {
        out.extend_from_slice(b": ");
        out.extend_from_slice(first);
    }
}

/// The first line of a request or response cut by the snap length, as tcpdump's
/// `txtproto_print` reads it: a request method or `HTTP/x.y NNN`, each token ended inside
/// the captured bytes, then a line ended inside them, else `[|http]`.
fn http_cut(b: &[u8], out: &mut Vec<u8>) {
    let delim = |c: &u8| matches!(c, b' ' | b'\t' | b'\r' | b'\n');
    let token = |from: usize| -> Option<(&[u8], usize)> {
        let rest = b.get(from..)?;
        let n = rest.iter().position(delim)?;
        let skip = rest
            .get(n..)?
            .iter()
            .take_while(|c| matches!(c, b' ' | b'\t'))
            .count();
        Some((rest.get(..n)?, from + n + skip))
    };
    const METHODS: [&[u8]; 8] = [
        b"GET", b"POST", b"HEAD", b"PUT", b"DELETE", b"OPTIONS", b"TRACE", b"CONNECT",
    ];
    let is_reqresp = match token(0) {
        Some((t, next)) => {
            METHODS.iter().any(|m| t.eq_ignore_ascii_case(m))
                || token(next)
                    .is_some_and(|(c, _)| c.len() == 3 && c.iter().all(u8::is_ascii_digit))
        }
        None => false,
    };
    if !is_reqresp {
        return;
    }
    for (i, &c) in b.iter().enumerate() {
        let line = b.get(..i).unwrap_or(&[]);
        match c {
            b'\n' => {
                out.extend_from_slice(b": ");
                out.extend_from_slice(line);
                return;
            }
            b'\r' => match b.get(i + 1) {
                Some(b'\n') => {
                    out.extend_from_slice(b": ");
                    out.extend_from_slice(line);
                    return;
                }
                Some(_) => return,
                None => break,
            },
            c if c == b'\t' || (0x20..0x7f).contains(&c) => {}
            _ => return,
        }
    }
    out.extend_from_slice(b" [|http]");
}

/// TXT data as tcpdump prints it: each character-string quoted.
fn txt(mut b: &[u8], out: &mut Vec<u8>) {
    while let Some((&n, rest)) = b.split_first() {
        let s = rest.get(..usize::from(n)).unwrap_or(rest);
        out.extend_from_slice(b" \"");
        out.extend_from_slice(s);
        out.push(b'"');
        b = rest.get(s.len()..).unwrap_or(&[]);
    }
}

/// Record type names as tcpdump prints them; others are `Type<n>`.
fn type_name(t: u16) -> std::borrow::Cow<'static, str> {
    let name = match t {
        1 => "A",
        2 => "NS",
        5 => "CNAME",
        6 => "SOA",
        12 => "PTR",
        13 => "HINFO",
        15 => "MX",
        16 => "TXT",
        28 => "AAAA",
        33 => "SRV",
        35 => "NAPTR",
        39 => "DNAME",
        41 => "OPT",
        43 => "DS",
        46 => "RRSIG",
        47 => "NSEC",
        48 => "DNSKEY",
        99 => "SPF",
        252 => "AXFR",
        255 => "ANY",
        257 => "CAA",
        _ => return std::borrow::Cow::Owned(format!("Type{t}")),
    };
    std::borrow::Cow::Borrowed(name)
}

fn icmp(i: &IcmpView<'_>, quoted: &[crate::dissect::LayerRec<'_>], len: usize, out: &mut Vec<u8>) {
    let _ = match (i.icmp_type(), i.code()) {
        (8, _) | (0, _) => write!(
            out,
            "ICMP echo {}, id {}, seq {}, length {len}",
            if i.icmp_type() == 8 {
                "request"
            } else {
                "reply"
            },
            i.id().unwrap_or(0),
            i.seq().unwrap_or(0)
        ),
        (3, code) => {
            let (qdst, proto, dport) = quoted_target(quoted);
            match code {
                3 => write!(
                    out,
                    "ICMP {qdst} {proto} port {dport} unreachable, length {len}"
                ),
                1 => write!(out, "ICMP host {qdst} unreachable, length {len}"),
                4 => write!(
                    out,
                    "ICMP {qdst} unreachable - need to frag (mtu {}), length {len}",
                    i.field("nexthopmtu").unwrap_or(0)
                ),
                c => write!(out, "ICMP {qdst} unreachable, code {c}, length {len}"),
            }
        }
        (11, 0) => write!(out, "ICMP time exceeded in-transit, length {len}"),
        (11, _) => write!(out, "ICMP ip reassembly time exceeded, length {len}"),
        (t, c) => write!(out, "ICMP type {t}, code {c}, length {len}"),
    };
}

/// The quoted datagram's destination, transport name and destination port.
fn quoted_target(quoted: &[crate::dissect::LayerRec<'_>]) -> (String, &'static str, u16) {
    let dst = quoted.iter().find_map(|l| match l.view {
        View::Ipv4(ip) => Some(ip.dst().to_string()),
        View::Ipv6(ip) => Some(ip.dst().to_string()),
        _ => None,
    });
    let (proto, port) = quoted
        .iter()
        .find_map(|l| match l.view {
            View::Udp(u) => Some(("udp", u.dport())),
            View::Tcp(t) => Some(("tcp", t.dport())),
            _ => None,
        })
        .unwrap_or(("ip", 0));
    (dst.unwrap_or_default(), proto, port)
}

fn icmpv6(
    i: &Icmpv6View<'_>,
    quoted: &[crate::dissect::LayerRec<'_>],
    len: usize,
    cut: bool,
    out: &mut Vec<u8>,
) {
    let t = i.icmp_type();
    out.extend_from_slice(b"ICMP6, ");
    // Cut by the snap length before the fields tcpdump prints: the type's name, `[|icmp6]`.
    let needs = match t {
        128 | 129 | 2 | 143 => 8,
        135 | 136 => 24,
        _ => 0,
    };
    // An error whose quoted IPv6 header was cut: tcpdump stops before its address.
    let quote_cut = matches!((t, i.code()), (1, 4) | (3, 0))
        && !quoted.iter().any(|l| matches!(l.view, View::Ipv6(_)));
    if cut && quote_cut {
        out.extend_from_slice(if t == 1 {
            b"destination unreachable, unreachable port [|icmp6]"
        } else {
            b"time exceeded in-transit [|icmp6]"
        });
        return;
    }
    if cut && i.header_len() < needs {
        let name = match t {
            128 => "echo request",
            129 => "echo reply",
            2 => "packet too big",
            143 => "multicast listener report v2",
            135 => "neighbor solicitation",
            _ => "neighbor advertisement",
        };
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b" [|icmp6]");
        return;
    }
    let _ = match t {
        128 | 129 => write!(
            out,
            "echo {}, id {}, seq {}, length {len}",
            if t == 128 { "request" } else { "reply" },
            i.word() >> 16,
            i.word() & 0xffff
        ),
        1 if i.code() == 4 => {
            let (qdst, proto, dport) = quoted_target(quoted);
            write!(
                out,
                "destination unreachable, unreachable port, {qdst} {proto} port {dport}, length {len}"
            )
        }
        1 => write!(
            out,
            "destination unreachable, code {}, length {len}",
            i.code()
        ),
        2 => write!(out, "packet too big, mtu {}, length {len}", i.word()),
        3 => {
            let (qdst, _, _) = quoted_target(quoted);
            write!(out, "time exceeded in-transit for {qdst}, length {len}")
        }
        4 => write!(out, "parameter problem, length {len}"),
        133 => write!(out, "router solicitation, length {len}"),
        134 => write!(out, "router advertisement, length {len}"),
        135 => match i.target() {
            Some(tgt) => write!(out, "neighbor solicitation, who has {tgt}, length {len}"),
            None => write!(out, "neighbor solicitation, length {len}"),
        },
        136 => match i.target() {
            Some(tgt) => write!(out, "neighbor advertisement, tgt is {tgt}, length {len}"),
            None => write!(out, "neighbor advertisement, length {len}"),
        },
        137 => write!(out, "redirect, length {len}"),
        143 => write!(
            out,
            "multicast listener report v2, {} group record(s), length {len}",
            i.word() & 0xffff
        ),
        _ => write!(out, "type {t}, length {len}"),
    };
}
