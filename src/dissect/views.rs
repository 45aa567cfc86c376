//! Zero-copy views over one header each: a borrowed slice, length-checked once when the view
//! is made, and accessors that read their field from it on demand.
//!
//! Each view lives in its protocol's place under [`crate::layers`], beside the owned layer
//! and its Wireshark fields ([`UdpView`] in `src/layers/udp.rs`, [`DnsView`](super::DnsView)
//! in `src/layers/dns/view.rs`...), and is re-exported here. This module holds only what they
//! share: the [`View`] enum that names them all, [`FieldValue`] and [`FieldSink`], and
//! [`field_end`], which dispatches to each protocol's table of field ends.
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
use crate::layers::{icmp, icmpv6, ip, ipv6, tcp, udp};
use crate::mac::MacAddr;

// The views, each beside its protocol under `crate::layers`; `View` names them all.
pub use crate::layers::arp::ArpView;
pub use crate::layers::dot1q::VlanView;
pub use crate::layers::ether::EtherView;
pub use crate::layers::icmp::IcmpView;
pub use crate::layers::icmpv6::{Icmpv6View, NdOptView};
pub use crate::layers::ip::Ipv4View;
pub use crate::layers::ipv6::{Ipv6ExtView, Ipv6View};
pub use crate::layers::loopback::LoopbackView;
pub use crate::layers::sll::{Sll2View, SllView};
pub use crate::layers::tcp::{TcpOpt, TcpOpts, TcpView};
pub use crate::layers::udp::UdpView;

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
        K::TCP | K::TCPerror => end_in(tcp::TCP_ENDS, field),
        K::UDP | K::UDPerror => end_in(udp::UDP_ENDS, field),
        K::IP | K::IPerror => end_in(ip::IPV4_ENDS, field),
        K::IPv6 | K::IPerror6 => end_in(ipv6::IPV6_ENDS, field),
        K::ICMP | K::ICMPerror => end_in(icmp::ICMP_HEAD_ENDS, field).or_else(|| {
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
            _ => end_in(icmpv6::ICMPV6_HEAD_ENDS, field),
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

// ---------------------------------------------------------------------------------------
// ICMP, ICMPv6, Neighbor Discovery options
// ---------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------
// Transport
// ---------------------------------------------------------------------------------------

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
