//! Zero-copy views over one header each: a borrowed slice, length-checked once when the view
//! is made, and accessors that read their field from it on demand.
//!
//! Every view holds exactly its header's bytes (for `ICMPv6EchoRequest`, `ICMPv6Unknown`
//! and DNS: the whole message), so accessors never read past the header. They still go
//! through the bounds-checked readers of [`crate::wire`] and fall back to zero, so a view
//! built by hand over short bytes cannot panic either.
//!
//! # Partial headers
//!
//! A packet cut by the capture's snap length may end inside a header.
//! [`dissect_frame`](super::dissect_frame) then still makes a view of the TCP, UDP, ICMP
//! and ICMPv6 header, or of the IPv4 or IPv6 header quoted in an ICMP error, over the bytes
//! that were captured (tshark shows those fields too), and
//! [`Dissection::partial`](super::Dissection::partial) says which layer it is. Such a view is
//! [`View::is_partial`]; a field is there when all its bytes are: [`View::has_field`] (and
//! each view's `has`) answers by the owned model's field name, [`View::for_each_field`]
//! gives only those fields, and [`field_end`] gives the byte offset where each field ends
//! (the rule all of these apply). Accessors of fields past the cut return 0: consult `has`
//! first.
//!
//! | header | fields and the byte offset where each ends |
//! |---|---|
//! | TCP, TCPerror | `sport` 2, `dport` 4, `seq` 8, `ack` 12, `dataofs` `reserved` 13, `flags` 14, `window` 16, `chksum` 18, `urgptr` 20, `options` from 20 (those captured) |
//! | UDP, UDPerror | `sport` 2, `dport` 4, `len` 6, `chksum` 8 |
//! | IPerror (IPv4) | `version` `ihl` 1, `tos` 2, `len` 4, `id` 6, `flags` 7, `frag` 8, `ttl` 9, `proto` 10, `chksum` 12, `src` 16, `dst` 20, `options` from 20 |
//! | IPerror6 (IPv6) | `version` 1, `tc` 2, `fl` 4, `plen` 6, `nh` 7, `hlim` 8, `src` 24, `dst` 40 |
//! | ICMP, ICMPerror | `type` 1, `code` 2, `chksum` 4, then the type's fields ([`icmp::layout`]) in order |
//! | ICMPv6 (`ICMPv6Unknown` under 4 bytes) | `type` 1, `code` 2, `cksum` 4, `msgbody` 4 |
//!
//! tshark 4.0 prints the fields of a quoted IPv4 header and of a UDP header as soon as
//! their bytes are there, as `has` says; of a TCP header cut short it prints the ports
//! from 4 bytes, but `seq`, `ack`, the header length, flags, window and `tcp.len` only
//! once the window is there (16 bytes: `has("window")`), then the checksum (18) and the
//! urgent pointer (20).

use std::net::{Ipv4Addr, Ipv6Addr};

use crate::layers::LayerKind;
use crate::layers::icmp;
use crate::mac::MacAddr;
use crate::wire::{mac, r8, r16, r32, u8_at, v4, v6};

// The views, each beside its protocol under `crate::layers`; `View` names them all.
pub use crate::layers::arp::ArpView;
pub use crate::layers::dot1q::VlanView;
pub use crate::layers::ether::EtherView;
pub use crate::layers::loopback::LoopbackView;
pub use crate::layers::sll::{Sll2View, SllView};

/// A field value as the fast path exposes it, borrowed where it is bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldValue<'a> {
    /// An integer field.
    Int(u64),
    /// A MAC address.
    Mac(MacAddr),
    /// An IPv4 address.
    Ipv4(Ipv4Addr),
    /// An IPv6 address.
    Ipv6(Ipv6Addr),
    /// Bytes (addresses of unusual lengths, payloads, option areas).
    Bytes(&'a [u8]),
}

/// Receives `(owned field name, value)` pairs from `for_each_field`.
pub type FieldSink<'s, 'a> = &'s mut dyn FnMut(&'static str, FieldValue<'a>);

/// An integer field value.
pub(crate) fn int(v: impl Into<u64>) -> FieldValue<'static> {
    FieldValue::Int(v.into())
}

const TCP_ENDS: &[(&str, usize)] = &[
    ("sport", 2),
    ("dport", 4),
    ("seq", 8),
    ("ack", 12),
    ("dataofs", 13),
    ("reserved", 13),
    ("flags", 14),
    ("window", 16),
    ("chksum", 18),
    ("urgptr", 20),
    ("options", 20),
];
const UDP_ENDS: &[(&str, usize)] = &[("sport", 2), ("dport", 4), ("len", 6), ("chksum", 8)];
const IPV4_ENDS: &[(&str, usize)] = &[
    ("version", 1),
    ("ihl", 1),
    ("tos", 2),
    ("len", 4),
    ("id", 6),
    ("flags", 7),
    ("frag", 8),
    ("ttl", 9),
    ("proto", 10),
    ("chksum", 12),
    ("src", 16),
    ("dst", 20),
    ("options", 20),
];
const IPV6_ENDS: &[(&str, usize)] = &[
    ("version", 1),
    ("tc", 2),
    ("fl", 4),
    ("plen", 6),
    ("nh", 7),
    ("hlim", 8),
    ("src", 24),
    ("dst", 40),
];
const ICMP_HEAD_ENDS: &[(&str, usize)] = &[("type", 1), ("code", 2), ("chksum", 4)];
const ICMPV6_HEAD_ENDS: &[(&str, usize)] = &[("type", 1), ("code", 2), ("cksum", 4)];

/// Where `field` ends by a view's field-end table (`None` when it is not listed).
pub(crate) fn end_in(table: &[(&str, usize)], field: &str) -> Option<usize> {
    table.iter().find(|(n, _)| *n == field).map(|&(_, e)| e)
}

/// The byte offset, from the start of its header, where `field` (the owned model's name)
/// of a header of `kind` ends, for the headers a snap length may cut before their end
/// (see [Partial headers](self#partial-headers)); `icmp_type` is the ICMP type (ICMP
/// fields depend on it; ignored otherwise). `options` "end" at 20: the option bytes
/// start there, and those captured are there. `None` for a field not listed there (data,
/// fields of other layers): those are there whenever the view is.
///
/// ```
/// use pktforge::dissect::field_end;
/// use pktforge::layers::LayerKind;
/// assert_eq!(field_end(LayerKind::TCP, 0, "seq"), Some(8));
/// assert_eq!(field_end(LayerKind::ICMPerror, 3, "nexthopmtu"), Some(8));
/// assert_eq!(field_end(LayerKind::TCP, 0, "options"), Some(20));
/// assert_eq!(field_end(LayerKind::DNS, 0, "id"), None);
/// ```
pub fn field_end(kind: LayerKind, icmp_type: u8, field: &str) -> Option<usize> {
    use LayerKind as K;
    match kind {
        K::TCP | K::TCPerror => end_in(TCP_ENDS, field),
        K::UDP | K::UDPerror => end_in(UDP_ENDS, field),
        K::IP | K::IPerror => end_in(IPV4_ENDS, field),
        K::IPv6 | K::IPerror6 => end_in(IPV6_ENDS, field),
        K::ICMP | K::ICMPerror => end_in(ICMP_HEAD_ENDS, field).or_else(|| {
            let mut off = 4;
            for (n, size) in icmp::layout(icmp_type) {
                off += size;
                if *n == field {
                    return Some(off);
                }
            }
            None
        }),
        K::ICMPv6Unknown => match field {
            "msgbody" => Some(4),
            _ => end_in(ICMPV6_HEAD_ENDS, field),
        },
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------
// Link layer
// ---------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------
// IP
// ---------------------------------------------------------------------------------------

/// IPv4 header with its options (`ihl * 4` bytes).
#[derive(Debug, Clone, Copy)]
pub struct Ipv4View<'a>(pub(crate) &'a [u8]);

impl<'a> Ipv4View<'a> {
    /// Version (4 for a well-formed header; not checked, as in scapy).
    pub fn version(&self) -> u8 {
        r8(self.0, 0) >> 4
    }
    /// Header length in 32-bit words.
    pub fn ihl(&self) -> u8 {
        r8(self.0, 0) & 0x0f
    }
    /// Type of service.
    pub fn tos(&self) -> u8 {
        r8(self.0, 1)
    }
    /// Total length.
    pub fn total_len(&self) -> u16 {
        r16(self.0, 2)
    }
    /// Identification.
    pub fn id(&self) -> u16 {
        r16(self.0, 4)
    }
    /// Flags (bit 0 MF, bit 1 DF, bit 2 evil), as scapy numbers them.
    pub fn flags(&self) -> u8 {
        r8(self.0, 6) >> 5
    }
    /// Fragment offset in 8-byte units.
    pub fn frag(&self) -> u16 {
        r16(self.0, 6) & 0x1fff
    }
    /// More-fragments flag.
    pub fn more_fragments(&self) -> bool {
        self.flags() & 1 != 0
    }
    /// True for any fragment (MF set or a non-zero offset).
    pub fn is_fragment(&self) -> bool {
        self.more_fragments() || self.frag() != 0
    }
    /// Time to live.
    pub fn ttl(&self) -> u8 {
        r8(self.0, 8)
    }
    /// Protocol of the payload.
    pub fn proto(&self) -> u8 {
        r8(self.0, 9)
    }
    /// Header checksum.
    pub fn chksum(&self) -> u16 {
        r16(self.0, 10)
    }
    /// Source address.
    pub fn src(&self) -> Ipv4Addr {
        v4(self.0, 12)
    }
    /// Destination address.
    pub fn dst(&self) -> Ipv4Addr {
        v4(self.0, 16)
    }
    /// The option bytes (after the 20-byte fixed header).
    pub fn options(&self) -> &'a [u8] {
        self.0.get(20..).unwrap_or(&[])
    }
    /// The header's bytes that were captured (all of it, unless [`Ipv4View::is_partial`]).
    pub fn bytes(&self) -> &'a [u8] {
        self.0
    }
    /// True for a quoted header cut by the snap length inside its 20 fixed bytes.
    pub fn is_partial(&self) -> bool {
        self.0.len() < 20
    }
    /// Whether the bytes of `field` (`ttl`, `src`...) were captured: always, unless the
    /// header [`is_partial`](Ipv4View::is_partial) ([`field_end`] gives where each ends).
    pub fn has(&self, field: &str) -> bool {
        end_in(IPV4_ENDS, field).is_none_or(|e| e <= self.0.len())
    }
    fn for_each_field(&self, f: FieldSink<'_, 'a>) {
        f("version", int(self.version()));
        f("ihl", int(self.ihl()));
        f("tos", int(self.tos()));
        f("len", int(self.total_len()));
        f("id", int(self.id()));
        f("flags", int(self.flags()));
        f("frag", int(self.frag()));
        f("ttl", int(self.ttl()));
        f("proto", int(self.proto()));
        f("chksum", int(self.chksum()));
        f("src", FieldValue::Ipv4(self.src()));
        f("dst", FieldValue::Ipv4(self.dst()));
    }
}

/// IPv6 fixed header (40 bytes).
#[derive(Debug, Clone, Copy)]
pub struct Ipv6View<'a>(pub(crate) &'a [u8]);

impl<'a> Ipv6View<'a> {
    /// Version.
    pub fn version(&self) -> u8 {
        r8(self.0, 0) >> 4
    }
    /// Traffic class.
    pub fn tc(&self) -> u8 {
        ((r16(self.0, 0) >> 4) & 0xff) as u8
    }
    /// Flow label (20 bits).
    pub fn fl(&self) -> u32 {
        r32(self.0, 0) & 0x000f_ffff
    }
    /// Payload length.
    pub fn plen(&self) -> u16 {
        r16(self.0, 4)
    }
    /// Next header.
    pub fn nh(&self) -> u8 {
        r8(self.0, 6)
    }
    /// Hop limit.
    pub fn hlim(&self) -> u8 {
        r8(self.0, 7)
    }
    /// Source address.
    pub fn src(&self) -> Ipv6Addr {
        v6(self.0, 8)
    }
    /// Destination address.
    pub fn dst(&self) -> Ipv6Addr {
        v6(self.0, 24)
    }
    /// The header's bytes that were captured (all 40, unless [`Ipv6View::is_partial`]).
    pub fn bytes(&self) -> &'a [u8] {
        self.0
    }
    /// True for a quoted header cut by the snap length before its 40th byte.
    pub fn is_partial(&self) -> bool {
        self.0.len() < 40
    }
    /// Whether the bytes of `field` (`hlim`, `src`...) were captured: always, unless the
    /// header [`is_partial`](Ipv6View::is_partial) ([`field_end`] gives where each ends).
    pub fn has(&self, field: &str) -> bool {
        end_in(IPV6_ENDS, field).is_none_or(|e| e <= self.0.len())
    }
    fn for_each_field(&self, f: FieldSink<'_, 'a>) {
        f("version", int(self.version()));
        f("tc", int(self.tc()));
        f("fl", int(self.fl()));
        f("plen", int(self.plen()));
        f("nh", int(self.nh()));
        f("hlim", int(self.hlim()));
        f("src", FieldValue::Ipv6(self.src()));
        f("dst", FieldValue::Ipv6(self.dst()));
    }
}

/// An IPv6 extension header: Hop-by-Hop, Routing, Fragment or Destination Options
/// (which one is the record's kind).
#[derive(Debug, Clone, Copy)]
pub struct Ipv6ExtView<'a> {
    pub(crate) kind: LayerKind,
    pub(crate) b: &'a [u8],
}

impl<'a> Ipv6ExtView<'a> {
    /// Next header.
    pub fn nh(&self) -> u8 {
        r8(self.b, 0)
    }
    /// Header length byte (8-octet units after the first; reserved byte for Fragment).
    pub fn len_byte(&self) -> u8 {
        r8(self.b, 1)
    }
    /// Options area of Hop-by-Hop / Destination Options headers (TLVs with padding).
    pub fn options(&self) -> &'a [u8] {
        match self.kind {
            LayerKind::IPv6ExtHdrHopByHop | LayerKind::IPv6ExtHdrDestOpt => {
                self.b.get(2..).unwrap_or(&[])
            }
            _ => &[],
        }
    }
    /// Routing type (Routing header).
    pub fn routing_type(&self) -> u8 {
        r8(self.b, 2)
    }
    /// Segments left (Routing header).
    pub fn segleft(&self) -> u8 {
        r8(self.b, 3)
    }
    /// The addresses of a type 0 Routing header, whole ones only.
    pub fn addresses(&self) -> impl Iterator<Item = Ipv6Addr> + 'a {
        let b = if self.kind == LayerKind::IPv6ExtHdrRouting {
            self.b.get(8..).unwrap_or(&[])
        } else {
            &[]
        };
        b.chunks_exact(16).map(|c| v6(c, 0))
    }
    /// Fragment offset in 8-octet units (Fragment header).
    pub fn frag_offset(&self) -> u16 {
        r16(self.b, 2) >> 3
    }
    /// More-fragments flag (Fragment header).
    pub fn more_fragments(&self) -> bool {
        r16(self.b, 2) & 1 != 0
    }
    /// Identification (Fragment header).
    pub fn frag_id(&self) -> u32 {
        r32(self.b, 4)
    }
    fn for_each_field(&self, f: FieldSink<'_, 'a>) {
        f("nh", int(self.nh()));
        match self.kind {
            LayerKind::IPv6ExtHdrFragment => {
                let w = r16(self.b, 2);
                f("res1", int(self.len_byte()));
                f("offset", int(w >> 3));
                f("res2", int((w >> 1) & 3));
                f("m", int(w & 1));
                // A fragment header cut after its offset has no identification.
                if self.b.len() >= 8 {
                    f("id", int(self.frag_id()));
                }
            }
            LayerKind::IPv6ExtHdrRouting => {
                f("len", int(self.len_byte()));
                f("type", int(self.routing_type()));
                f("segleft", int(self.segleft()));
                f("reserved", int(r32(self.b, 4)));
            }
            _ => f("len", int(self.len_byte())),
        }
    }
}

// ---------------------------------------------------------------------------------------
// ICMP, ICMPv6, Neighbor Discovery options
// ---------------------------------------------------------------------------------------

/// ICMP header; its length and fields depend on the type (scapy's conditional fields).
#[derive(Debug, Clone, Copy)]
pub struct IcmpView<'a>(pub(crate) &'a [u8]);

impl<'a> IcmpView<'a> {
    /// Length of the header as decoded (it depends on the type).
    pub fn header_len(&self) -> usize {
        self.0.len()
    }
    /// Message type.
    pub fn icmp_type(&self) -> u8 {
        r8(self.0, 0)
    }
    /// Code.
    pub fn code(&self) -> u8 {
        r8(self.0, 1)
    }
    /// Checksum.
    pub fn chksum(&self) -> u16 {
        r16(self.0, 2)
    }
    /// The header's bytes that were captured (all of it, unless [`IcmpView::is_partial`]).
    pub fn bytes(&self) -> &'a [u8] {
        self.0
    }
    /// True for a header cut by the snap length before the end its type gives it.
    pub fn is_partial(&self) -> bool {
        self.0.len() < icmp::header_len(self.icmp_type())
    }
    /// Whether the bytes of `field` (`code`, `id`, `nexthopmtu`...) were captured: always,
    /// unless the header [`is_partial`](IcmpView::is_partial) ([`field_end`] gives where
    /// each ends).
    pub fn has(&self, field: &str) -> bool {
        field_end(LayerKind::ICMP, self.icmp_type(), field).is_none_or(|e| e <= self.0.len())
    }
    /// True for error types (3, 4, 5, 11, 12), which quote a datagram.
    pub fn is_error(&self) -> bool {
        icmp::ERROR_TYPES.contains(&self.icmp_type())
    }
    /// A type-dependent field by its scapy name (`id`, `seq`, `gw`, `nexthopmtu`, ...), as
    /// an integer (addresses as their 32-bit value); `None` when this type has no such field.
    pub fn field(&self, name: &str) -> Option<u32> {
        let mut off = 4;
        for (n, size) in icmp::layout(self.icmp_type()) {
            if *n == name {
                return Some(match size {
                    1 => u32::from(r8(self.0, off)),
                    2 => u32::from(r16(self.0, off)),
                    _ => r32(self.0, off),
                });
            }
            off += size;
        }
        None
    }
    /// Identifier (echo, timestamp, info, mask types).
    pub fn id(&self) -> Option<u16> {
        self.field("id").map(|v| v as u16)
    }
    /// Sequence number (echo, timestamp, info, mask types).
    pub fn seq(&self) -> Option<u16> {
        self.field("seq").map(|v| v as u16)
    }
    fn for_each_field(&self, f: FieldSink<'_, 'a>) {
        f("type", int(self.icmp_type()));
        f("code", int(self.code()));
        f("chksum", int(self.chksum()));
        let mut off = 4;
        for (n, size) in icmp::layout(self.icmp_type()) {
            let v = match size {
                1 => u32::from(r8(self.0, off)),
                2 => u32::from(r16(self.0, off)),
                _ => r32(self.0, off),
            };
            match *n {
                "gw" | "addr_mask" => f(n, FieldValue::Ipv4(Ipv4Addr::from(v))),
                _ => f(n, int(v)),
            }
            off += size;
        }
    }
}

/// An ICMPv6 message; its class (echo, error, ND message, unknown) is the record's kind.
#[derive(Debug, Clone, Copy)]
pub struct Icmpv6View<'a> {
    pub(crate) kind: LayerKind,
    pub(crate) b: &'a [u8],
}

impl<'a> Icmpv6View<'a> {
    /// Length of the message header as decoded (ND options and quoted packets are layers
    /// of their own).
    pub fn header_len(&self) -> usize {
        self.b.len()
    }
    /// Message type.
    pub fn icmp_type(&self) -> u8 {
        r8(self.b, 0)
    }
    /// Code.
    pub fn code(&self) -> u8 {
        r8(self.b, 1)
    }
    /// Checksum.
    pub fn cksum(&self) -> u16 {
        r16(self.b, 2)
    }
    /// The message's bytes as decoded (under 4 only when [`Icmpv6View::is_partial`]).
    pub fn bytes(&self) -> &'a [u8] {
        self.b
    }
    /// True for a message cut by the snap length inside its first 4 bytes (its kind is then
    /// `ICMPv6Unknown`).
    pub fn is_partial(&self) -> bool {
        self.b.len() < 4
    }
    /// Whether the bytes of `field` were captured: always, unless the message
    /// [`is_partial`](Icmpv6View::is_partial) (`type` ends at byte 1, `code` 2, `cksum` 4).
    pub fn has(&self, field: &str) -> bool {
        !self.is_partial()
            || field_end(LayerKind::ICMPv6Unknown, 0, field).is_some_and(|e| e <= self.b.len())
    }
    /// The 32 bits after the checksum (id and seq, MTU, pointer, flags, reserved).
    pub fn word(&self) -> u32 {
        r32(self.b, 4)
    }
    /// Target address of ND NS, NA and Redirect.
    pub fn target(&self) -> Option<Ipv6Addr> {
        matches!(
            self.kind,
            LayerKind::ICMPv6ND_NS | LayerKind::ICMPv6ND_NA | LayerKind::ICMPv6ND_Redirect
        )
        .then(|| v6(self.b, 8))
    }
    /// Echo data, or the message body of an unknown type.
    pub fn body(&self) -> &'a [u8] {
        match self.kind {
            LayerKind::ICMPv6EchoRequest | LayerKind::ICMPv6EchoReply => {
                self.b.get(8..).unwrap_or(&[])
            }
            LayerKind::ICMPv6Unknown => self.b.get(4..).unwrap_or(&[]),
            _ => &[],
        }
    }
    fn for_each_field(&self, f: FieldSink<'_, 'a>) {
        use LayerKind as K;
        f("type", int(self.icmp_type()));
        f("code", int(self.code()));
        f("cksum", int(self.cksum()));
        let w = self.word();
        match self.kind {
            K::ICMPv6EchoRequest | K::ICMPv6EchoReply => {
                f("id", int(w >> 16));
                f("seq", int(w & 0xffff));
                f("data", FieldValue::Bytes(self.body()));
            }
            K::ICMPv6DestUnreach | K::ICMPv6TimeExceeded => {
                f("length", int(w >> 24));
                f("unused", int(w & 0x00ff_ffff));
            }
            K::ICMPv6PacketTooBig => f("mtu", int(w)),
            K::ICMPv6ParamProblem => f("ptr", int(w)),
            K::ICMPv6ND_RS => f("res", int(w)),
            K::ICMPv6ND_RA => {
                let fl = r8(self.b, 5);
                f("chlim", int(r8(self.b, 4)));
                f("M", int(fl >> 7));
                f("O", int((fl >> 6) & 1));
                f("H", int((fl >> 5) & 1));
                f("prf", int((fl >> 3) & 3));
                f("P", int((fl >> 2) & 1));
                f("res", int(fl & 3));
                f("routerlifetime", int(r16(self.b, 6)));
                f("reachabletime", int(r32(self.b, 8)));
                f("retranstimer", int(r32(self.b, 12)));
            }
            K::ICMPv6ND_NS => {
                f("res", int(w));
                f("tgt", FieldValue::Ipv6(v6(self.b, 8)));
            }
            K::ICMPv6ND_NA => {
                f("R", int(w >> 31));
                f("S", int((w >> 30) & 1));
                f("O", int((w >> 29) & 1));
                f("res", int(w & 0x1fff_ffff));
                f("tgt", FieldValue::Ipv6(v6(self.b, 8)));
            }
            K::ICMPv6ND_Redirect => {
                f("res", int(w));
                f("tgt", FieldValue::Ipv6(v6(self.b, 8)));
                f("dst", FieldValue::Ipv6(v6(self.b, 24)));
            }
            _ => f("msgbody", FieldValue::Bytes(self.body())),
        }
    }
}

/// A Neighbor Discovery option; its class is the record's kind.
#[derive(Debug, Clone, Copy)]
pub struct NdOptView<'a> {
    pub(crate) kind: LayerKind,
    pub(crate) b: &'a [u8],
}

impl<'a> NdOptView<'a> {
    /// Option type.
    pub fn opt_type(&self) -> u8 {
        r8(self.b, 0)
    }
    /// Length in 8-octet units.
    pub fn len(&self) -> u8 {
        r8(self.b, 1)
    }
    /// True when the length byte is zero.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Link-layer address of a source/target link-layer address option.
    pub fn lladdr(&self) -> Option<MacAddr> {
        matches!(
            self.kind,
            LayerKind::ICMPv6NDOptSrcLLAddr | LayerKind::ICMPv6NDOptDstLLAddr
        )
        .then(|| mac(self.b, 2))
    }
    /// Option data after type and length (for a Redirected Header: after the 6 reserved
    /// bytes, the quoted packet, not decoded here).
    pub fn data(&self) -> &'a [u8] {
        let from = if self.kind == LayerKind::ICMPv6NDOptRedirectedHdr {
            8
        } else {
            2
        };
        self.b.get(from..).unwrap_or(&[])
    }
    fn for_each_field(&self, f: FieldSink<'_, 'a>) {
        use LayerKind as K;
        f("type", int(self.opt_type()));
        f("len", int(self.len()));
        match self.kind {
            K::ICMPv6NDOptSrcLLAddr | K::ICMPv6NDOptDstLLAddr => {
                f("lladdr", FieldValue::Mac(mac(self.b, 2)));
            }
            K::ICMPv6NDOptMTU => {
                f("res", int(r16(self.b, 2)));
                f("mtu", int(r32(self.b, 4)));
            }
            K::ICMPv6NDOptPrefixInfo => {
                let fl = r8(self.b, 3);
                f("prefixlen", int(r8(self.b, 2)));
                f("L", int(fl >> 7));
                f("A", int((fl >> 6) & 1));
                f("R", int((fl >> 5) & 1));
                f("res1", int(fl & 0x1f));
                f("validlifetime", int(r32(self.b, 4)));
                f("preferredlifetime", int(r32(self.b, 8)));
                f("res2", int(r32(self.b, 12)));
                f("prefix", FieldValue::Ipv6(v6(self.b, 16)));
            }
            K::ICMPv6NDOptRedirectedHdr => {
                f("res", FieldValue::Bytes(self.b.get(2..8).unwrap_or(&[])));
            }
            _ => f("data", FieldValue::Bytes(self.data())),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Transport
// ---------------------------------------------------------------------------------------

/// A TCP option, borrowed (the same split as the owned `TcpOption`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TcpOpt<'a> {
    /// End of option list.
    Eol,
    /// No operation.
    Nop,
    /// Maximum segment size.
    Mss(u16),
    /// Window scale.
    WScale(u8),
    /// SACK permitted.
    SAckOK,
    /// SACK blocks (pairs of 32-bit edges, raw).
    SAck(&'a [u8]),
    /// Timestamp value and echo reply.
    Timestamp(u32, u32),
    /// Any other kind, or a known kind of an unusual length.
    Other {
        /// Option kind.
        kind: u8,
        /// Option data.
        data: &'a [u8],
    },
    /// Bytes that do not form an option (bad length, or non-zero bytes after EOL).
    Raw(&'a [u8]),
}

/// Iterator over the options of a TCP header.
#[derive(Debug, Clone)]
pub struct TcpOpts<'a> {
    b: &'a [u8],
    i: usize,
    done: bool,
    after_eol: bool,
}

impl<'a> Iterator for TcpOpts<'a> {
    type Item = TcpOpt<'a>;
    fn next(&mut self) -> Option<TcpOpt<'a>> {
        if self.done {
            return None;
        }
        if self.after_eol {
            self.done = true;
            let rest = self.b.get(self.i..).unwrap_or(&[]);
            let pad = (4 - self.i % 4) % 4;
            return (!(rest.len() == pad && rest.iter().all(|&x| x == 0)))
                .then_some(TcpOpt::Raw(rest));
        }
        let kind = *self.b.get(self.i)?;
        match kind {
            0 => {
                self.i += 1;
                self.after_eol = true;
                Some(TcpOpt::Eol)
            }
            1 => {
                self.i += 1;
                Some(TcpOpt::Nop)
            }
            _ => {
                let len = match u8_at(self.b, self.i + 1).map(usize::from) {
                    Some(l) if l >= 2 && self.i + l <= self.b.len() => l,
                    _ => {
                        self.done = true;
                        return Some(TcpOpt::Raw(self.b.get(self.i..).unwrap_or(&[])));
                    }
                };
                let d = self.b.get(self.i + 2..self.i + len).unwrap_or(&[]);
                self.i += len;
                Some(match (kind, d.len()) {
                    (2, 2) => TcpOpt::Mss(r16(d, 0)),
                    (3, 1) => TcpOpt::WScale(r8(d, 0)),
                    (4, 0) => TcpOpt::SAckOK,
                    (5, n) if n % 4 == 0 => TcpOpt::SAck(d),
                    (8, 8) => TcpOpt::Timestamp(r32(d, 0), r32(d, 4)),
                    _ => TcpOpt::Other { kind, data: d },
                })
            }
        }
    }
}

/// TCP header with its options. Inside an ICMP error (`TCPerror`) it may be cut: 8 bytes
/// (ports and sequence number only), or a header whose options are partly there.
#[derive(Debug, Clone, Copy)]
pub struct TcpView<'a>(pub(crate) &'a [u8]);

impl<'a> TcpView<'a> {
    /// Source port.
    pub fn sport(&self) -> u16 {
        r16(self.0, 0)
    }
    /// Destination port.
    pub fn dport(&self) -> u16 {
        r16(self.0, 2)
    }
    /// Sequence number.
    pub fn seq(&self) -> u32 {
        r32(self.0, 4)
    }
    /// True when fewer than the 20 fixed bytes are there: a quoted header of 8 bytes, or a
    /// header cut by the snap length (then also [`TcpView::is_partial`]).
    pub fn is_short_quote(&self) -> bool {
        self.0.len() < 20
    }
    /// The header's bytes that were captured.
    pub fn bytes(&self) -> &'a [u8] {
        self.0
    }
    /// True when the 20 fixed bytes are not all there (an 8-byte quote in an ICMP error,
    /// or a header cut by the snap length); options cut short do not count.
    pub fn is_partial(&self) -> bool {
        self.0.len() < 20
    }
    /// Whether the bytes of `field` (`seq`, `flags`, `window`...) were captured: always,
    /// unless the header [`is_partial`](TcpView::is_partial) ([`field_end`] gives where
    /// each ends; `options` are the option bytes there).
    pub fn has(&self, field: &str) -> bool {
        end_in(TCP_ENDS, field).is_none_or(|e| e <= self.0.len())
    }
    /// Acknowledgment number.
    pub fn ack(&self) -> u32 {
        r32(self.0, 8)
    }
    /// Data offset in 32-bit words.
    pub fn dataofs(&self) -> u8 {
        r8(self.0, 12) >> 4
    }
    /// Reserved bits.
    pub fn reserved(&self) -> u8 {
        (r8(self.0, 12) >> 1) & 7
    }
    /// Flags (bit 0 FIN ... bit 8 NS).
    pub fn flags(&self) -> u16 {
        r16(self.0, 12) & 0x1ff
    }
    /// Window.
    pub fn window(&self) -> u16 {
        r16(self.0, 14)
    }
    /// Checksum.
    pub fn chksum(&self) -> u16 {
        r16(self.0, 16)
    }
    /// Urgent pointer.
    pub fn urgptr(&self) -> u16 {
        r16(self.0, 18)
    }
    /// The option bytes.
    pub fn options_bytes(&self) -> &'a [u8] {
        self.0.get(20..).unwrap_or(&[])
    }
    /// The options, decoded lazily.
    pub fn options(&self) -> TcpOpts<'a> {
        TcpOpts {
            b: self.options_bytes(),
            i: 0,
            done: false,
            after_eol: false,
        }
    }
    fn for_each_field(&self, f: FieldSink<'_, 'a>) {
        f("sport", int(self.sport()));
        f("dport", int(self.dport()));
        f("seq", int(self.seq()));
        f("ack", int(self.ack()));
        f("dataofs", int(self.dataofs()));
        f("reserved", int(self.reserved()));
        f("flags", int(self.flags()));
        f("window", int(self.window()));
        f("chksum", int(self.chksum()));
        f("urgptr", int(self.urgptr()));
    }
}

/// UDP header (8 bytes).
#[derive(Debug, Clone, Copy)]
pub struct UdpView<'a>(pub(crate) &'a [u8]);

impl<'a> UdpView<'a> {
    /// Source port.
    pub fn sport(&self) -> u16 {
        r16(self.0, 0)
    }
    /// Destination port.
    pub fn dport(&self) -> u16 {
        r16(self.0, 2)
    }
    /// Length of header and payload.
    pub fn len(&self) -> u16 {
        r16(self.0, 4)
    }
    /// True when the length field is zero.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Checksum.
    pub fn chksum(&self) -> u16 {
        r16(self.0, 6)
    }
    /// The header's bytes that were captured (all 8, unless [`UdpView::is_partial`]).
    pub fn bytes(&self) -> &'a [u8] {
        self.0
    }
    /// True for a header cut by the snap length before its 8th byte.
    pub fn is_partial(&self) -> bool {
        self.0.len() < 8
    }
    /// Whether the bytes of `field` (`sport`, `dport`, `len`, `chksum`) were captured:
    /// always, unless the header [`is_partial`](UdpView::is_partial) ([`field_end`]).
    pub fn has(&self, field: &str) -> bool {
        end_in(UDP_ENDS, field).is_none_or(|e| e <= self.0.len())
    }
    fn for_each_field(&self, f: FieldSink<'_, 'a>) {
        f("sport", int(self.sport()));
        f("dport", int(self.dport()));
        f("len", int(self.len()));
        f("chksum", int(self.chksum()));
    }
}

/// The view of one decoded layer.
#[derive(Debug, Clone, Copy)]
pub enum View<'a> {
    /// `Ether`.
    Ether(EtherView<'a>),
    /// `Dot1Q` or `Dot1AD`.
    Vlan(VlanView<'a>),
    /// `CookedLinux`.
    Sll(SllView<'a>),
    /// `CookedLinuxV2`.
    Sll2(Sll2View<'a>),
    /// `Loopback` or `LoopbackOpenBSD`.
    Loopback(LoopbackView),
    /// `ARP`.
    Arp(ArpView<'a>),
    /// `IP` or `IPerror`.
    Ipv4(Ipv4View<'a>),
    /// `IPv6` or `IPerror6`.
    Ipv6(Ipv6View<'a>),
    /// An IPv6 extension header.
    Ipv6Ext(Ipv6ExtView<'a>),
    /// `ICMP` or `ICMPerror`.
    Icmp(IcmpView<'a>),
    /// An ICMPv6 message.
    Icmpv6(Icmpv6View<'a>),
    /// A Neighbor Discovery option.
    NdOpt(NdOptView<'a>),
    /// `TCP` or `TCPerror`.
    Tcp(TcpView<'a>),
    /// `UDP` or `UDPerror`.
    Udp(UdpView<'a>),
    /// `DNS`.
    Dns(super::dns::DnsView<'a>),
    /// `Raw` bytes.
    Raw(&'a [u8]),
    /// `Padding` bytes.
    Padding(&'a [u8]),
}

impl<'a> View<'a> {
    /// True for a header cut by the snap length before the end of its fixed fields (a TCP
    /// header under 20 bytes, UDP under 8...; see [Partial headers](self#partial-headers)):
    /// some of its fields are missing. A TCP header quoted in 8 bytes is one too.
    pub fn is_partial(&self) -> bool {
        match self {
            View::Ipv4(v) => v.is_partial(),
            View::Ipv6(v) => v.is_partial(),
            View::Icmp(v) => v.is_partial(),
            View::Icmpv6(v) => v.is_partial(),
            View::Tcp(v) => v.is_partial(),
            View::Udp(v) => v.is_partial(),
            _ => false,
        }
    }

    /// Whether `field` (the owned layer's name, as [`View::for_each_field`] gives it) was
    /// captured: true for every field of a view that is not [partial](View::is_partial).
    pub fn has_field(&self, field: &str) -> bool {
        match self {
            View::Ipv4(v) => v.has(field),
            View::Ipv6(v) => v.has(field),
            View::Icmp(v) => v.has(field),
            View::Icmpv6(v) => v.has(field),
            View::Tcp(v) => v.has(field),
            View::Udp(v) => v.has(field),
            _ => true,
        }
    }

    /// Calls `f` with every field this view exposes, under the owned layer's field names
    /// (`ttl`, `type`, `lladdr`...). Address fields of ARP and SLL are bytes. A
    /// [partial](View::is_partial) view gives only the fields whose bytes were captured.
    pub fn for_each_field(&self, f: FieldSink<'_, 'a>) {
        if self.is_partial() {
            let mut only_captured = |n: &'static str, v: FieldValue<'a>| {
                if self.has_field(n) {
                    f(n, v);
                }
            };
            return self.all_fields(&mut only_captured);
        }
        self.all_fields(f);
    }

    fn all_fields(&self, f: FieldSink<'_, 'a>) {
        match self {
            View::Ether(v) => v.for_each_field(f),
            View::Vlan(v) => v.for_each_field(f),
            View::Sll(v) => v.for_each_field(f),
            View::Sll2(v) => v.for_each_field(f),
            View::Loopback(v) => v.for_each_field(f),
            View::Arp(v) => v.for_each_field(f),
            View::Ipv4(v) => v.for_each_field(f),
            View::Ipv6(v) => v.for_each_field(f),
            View::Ipv6Ext(v) => v.for_each_field(f),
            View::Icmp(v) => v.for_each_field(f),
            View::Icmpv6(v) => v.for_each_field(f),
            View::NdOpt(v) => v.for_each_field(f),
            View::Tcp(v) => v.for_each_field(f),
            View::Udp(v) => v.for_each_field(f),
            View::Dns(v) => v.for_each_field(f),
            View::Raw(b) | View::Padding(b) => f("load", FieldValue::Bytes(b)),
        }
    }
}
