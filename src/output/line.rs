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
//!
//! This module is the line's *frame* only: the time, the link header (`-e`), and the walk
//! over the layers, which hands each to its protocol's part by layer kind. Each protocol's
//! part lives beside its view and fields, in the `tcpdump` section of its file under
//! [`crate::layers`] (`layers::tcp::tcpdump`, `layers::dns::tcpdump`...), as tcpdump keeps
//! one printer per protocol (print-udp.c). The pieces those parts share (addresses, numbers,
//! header lengths) are here.

use std::io::Write;
use std::net::{Ipv4Addr, Ipv6Addr};

use crate::dissect::{Dissection, LayerRec, View};
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
    // Link layers: each prints its header with -e.
    while let Some(l) = layers.get(i) {
        let shown = link_header.then_some(&mut *out);
        if !link_part(l, meta.orig_len, shown) {
            break;
        }
        i += 1;
    }
    // The first layer above the link prints the rest of the line.
    let rest = layers.get(i..).unwrap_or(&[]);
    match rest.first() {
        Some(l) => match l.view {
            View::Arp(a) => {
                // tcpdump gives the length of everything after the link header.
                let len = (meta.orig_len as usize).saturating_sub(l.offset);
                crate::layers::arp::tcpdump::line(a, len, out);
            }
            View::Ipv4(ip) => crate::layers::ip::tcpdump::line(&ip, rest, d, out),
            View::Ipv6(ip) => crate::layers::ipv6::tcpdump::line(&ip, rest, d, out),
            View::Raw(b) => {
                let _ = write!(out, "{}, {} bytes", meta.link, b.len());
            }
            _ => {
                let names: Vec<&str> = rest.iter().map(|l| l.kind.name()).collect();
                let _ = write!(out, "{}", names.join(" / "));
            }
        },
        None => {
            let _ = write!(out, "length {}", meta.orig_len);
        }
    }
    if let Some(e) = d.error() {
        let _ = write!(out, " [malformed: {e}]");
    }
    out.push(b'\n');
}

/// A link layer's part of the line: its header when `out` is given (`-e`). False when `l`
/// is no link layer (the walk goes on to the layers above).
fn link_part(l: &LayerRec<'_>, orig_len: u32, out: Option<&mut Vec<u8>>) -> bool {
    use crate::layers::{dot1q, ether, loopback, sll};
    let is_link = matches!(
        l.view,
        View::Ether(_) | View::Vlan(_) | View::Sll(_) | View::Sll2(_) | View::Loopback(_)
    );
    if let Some(out) = out {
        match l.view {
            View::Ether(e) => ether::tcpdump::link(e, orig_len, out),
            View::Vlan(v) => dot1q::tcpdump::link(v, orig_len, out),
            View::Sll(s) => sll::tcpdump::link(s, orig_len, out),
            View::Sll2(s) => sll::tcpdump::link2(s, orig_len, out),
            View::Loopback(lb) => loopback::tcpdump::link(lb, orig_len, out),
            _ => {}
        }
    }
    is_link
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

/// An address of a line, printed as tcpdump prints it.
pub(crate) enum Addr {
    /// IPv4.
    V4(Ipv4Addr),
    /// IPv6.
    V6(Ipv6Addr),
}

/// The parts of a line every packet has (time, addresses, ports, TCP numbers) are pushed
/// as bytes with the writers of [`crate::output::text`], not through `write!`.
pub(crate) trait Put {
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

/// A hardware address: `aa:bb:cc:dd:ee:ff` when it is 6 bytes long, else hex.
pub(crate) fn hwaddr(b: &[u8], len: usize) -> String {
    match MacAddr::from_slice(b) {
        Some(m) if len == 6 => m.to_string(),
        _ => hex::encode(b.get(..len.min(b.len())).unwrap_or(b)),
    }
}

/// The length of a layer's header (a payload's whole length) as the line counts it.
pub(crate) fn view_len(v: &View<'_>) -> usize {
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
