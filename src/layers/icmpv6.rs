//! ICMPv6 (RFC 4443) and Neighbor Discovery (RFC 4861) with its options.
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |     Type      |     Code      |          Checksum             |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                         Message Body                          |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//!
//! Neighbor Discovery option:
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |     Type      |    Length     |  Data (Length * 8 - 2 bytes)  |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```
//! scapy: one class per message type (`ICMPv6EchoRequest`, `ICMPv6ND_NS`, ...), chosen when
//! dissecting from the type byte (`icmp6typescls`); a type with no class here, or a message
//! shorter than its class needs, is an `ICMPv6Unknown` (scapy gives `Raw` for those).
//! `cksum` is computed when unset over the IPv6 pseudo-header (through extension headers,
//! to the final destination of a routing header); with no IPv6 layer below it stays 0, as
//! scapy does. Error messages quote the offending packet as `IPerror6`.
//!
//! Neighbor Discovery options are layers stacked on the message, as in scapy:
//! `IPv6()/ICMPv6ND_NS(tgt=..)/ICMPv6NDOptSrcLLAddr(lladdr=..)`. Fixed-size options
//! (link-layer addresses, prefix information, MTU) always take their fixed size and keep
//! `len` as written, like scapy; `ICMPv6NDOptUnknown` takes `8 * max(len, 1)` bytes; a
//! Redirected Header option with length 0 is rejected as malformed.

use std::cell::Cell;
use std::net::Ipv6Addr;

use crate::checksum;
use crate::define_layer;
use crate::error::{BuildError, FieldError, ParseError, truncated};
use crate::layers::{Dissected, Layer, LayerKind, Proto};
use crate::mac::MacAddr;
use crate::packet::{BuildCx, DissectCx, LinkType, Packet, PostCx};
use crate::value::{FieldDesc, FieldKind, FieldType, Value};
use crate::wire::{array_at, be16, be32, put16, u8_at};

/// ICMPv6 type names, as scapy's `icmp6types`.
pub static ICMP6_TYPES: &[(u64, &str)] = &[
    (1, "Destination unreachable"),
    (2, "Packet too big"),
    (3, "Time exceeded"),
    (4, "Parameter problem"),
    (100, "Private Experimentation"),
    (101, "Private Experimentation"),
    (128, "Echo Request"),
    (129, "Echo Reply"),
    (130, "MLD Query"),
    (131, "MLD Report"),
    (132, "MLD Done"),
    (133, "Router Solicitation"),
    (134, "Router Advertisement"),
    (135, "Neighbor Solicitation"),
    (136, "Neighbor Advertisement"),
    (137, "Redirect Message"),
    (138, "Router Renumbering"),
    (139, "ICMP Node Information Query"),
    (140, "ICMP Node Information Response"),
    (141, "Inverse Neighbor Discovery Solicitation Message"),
    (142, "Inverse Neighbor Discovery Advertisement Message"),
    (143, "MLD Report Version 2"),
    (144, "Home Agent Address Discovery Request Message"),
    (145, "Home Agent Address Discovery Reply Message"),
    (146, "Mobile Prefix Solicitation"),
    (147, "Mobile Prefix Advertisement"),
    (148, "Certification Path Solicitation"),
    (149, "Certification Path Advertisement"),
    (151, "Multicast Router Advertisement"),
    (152, "Multicast Router Solicitation"),
    (153, "Multicast Router Termination"),
    (155, "RPL Control Message"),
    (200, "Private Experimentation"),
    (201, "Private Experimentation"),
];

/// Destination unreachable codes.
pub static DEST_UNREACH_CODES: &[(u64, &str)] = &[
    (0, "No route to destination"),
    (
        1,
        "Communication with destination administratively prohibited",
    ),
    (2, "Beyond scope of source address"),
    (3, "Address unreachable"),
    (4, "Port unreachable"),
];

/// Time exceeded codes.
pub static TIME_EXCEEDED_CODES: &[(u64, &str)] = &[
    (0, "hop limit exceeded in transit"),
    (1, "fragment reassembly time exceeded"),
];

/// Parameter problem codes.
pub static PARAM_PROBLEM_CODES: &[(u64, &str)] = &[
    (0, "erroneous header field encountered"),
    (1, "unrecognized Next Header type encountered"),
    (2, "unrecognized IPv6 option encountered"),
    (3, "first fragment has incomplete header chain"),
];

/// Router preference names (RFC 4191), scapy's `icmp6ndraprefs`.
pub static RA_PREFS: &[(u64, &str)] = &[
    (0, "Medium (default)"),
    (1, "High"),
    (2, "Reserved"),
    (3, "Low"),
];

/// Fixes the checksum of an ICMPv6 message (scapy's `_ICMPv6.post_build`).
fn fix_cksum(cksum: Option<u16>, cx: &PostCx<'_>, lower: &[u8], buf: &mut [u8]) {
    if cksum.is_some() {
        return;
    }
    let ck = match cx.pseudo_header_sum(lower, 58, buf.len()) {
        Some(s) => checksum::finish(checksum::sum(buf, s)),
        None => 0,
    };
    put16(buf, 2, ck);
}

fn push_head(out: &mut Vec<u8>, t: u8, code: u8, cksum: Option<u16>) {
    out.push(t);
    out.push(code);
    out.extend_from_slice(&cksum.unwrap_or(0).to_be_bytes());
}

/// The ND option layer kind for an option starting with type byte `t`.
pub fn ndopt_kind(t: u8) -> LayerKind {
    match t {
        1 => LayerKind::ICMPv6NDOptSrcLLAddr,
        2 => LayerKind::ICMPv6NDOptDstLLAddr,
        3 => LayerKind::ICMPv6NDOptPrefixInfo,
        4 => LayerKind::ICMPv6NDOptRedirectedHdr,
        5 => LayerKind::ICMPv6NDOptMTU,
        _ => LayerKind::ICMPv6NDOptUnknown,
    }
}

/// scapy's `_ICMPv6NDGuessPayload`: what follows an ND message or option is an option
/// when at least two bytes remain.
fn nd_next(payload: &[u8]) -> Option<LayerKind> {
    if payload.len() > 1 {
        payload.first().map(|&t| ndopt_kind(t))
    } else {
        None
    }
}

fn bit(v: u8, shift: u32) -> u8 {
    (v & 1) << shift
}

// ---------------------------------------------------------------------------------------
// Zero-copy view
// ---------------------------------------------------------------------------------------

use crate::dissect::{FieldSink, FieldValue, field_end, int};
use crate::wire::{mac, r8, r16, r32, v6};

/// Where each field of a cut header ends ([`field_end`](crate::dissect::field_end)).
pub(crate) const ICMPV6_HEAD_ENDS: &[(&str, usize)] = &[("type", 1), ("code", 2), ("cksum", 4)];

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
    pub(crate) fn for_each_field(&self, f: FieldSink<'_, 'a>) {
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
    pub(crate) fn for_each_field(&self, f: FieldSink<'_, 'a>) {
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
// Messages.

define_layer! {
    /// An ICMPv6 message of a type with no class of its own (scapy's fallback class).
    pub struct ICMPv6Unknown("ICMPv6Unknown") {
        type_ as "type": u8 = 1, FieldKind::Enum(8), "1", "Message type", values(ICMP6_TYPES);
        code: u8 = 0, FieldKind::Int(8), "0", "Code";
        cksum: Option<u16> = None, FieldKind::Hex(16), "None",
            "Checksum (computed when unset)", auto();
        msgbody: Vec<u8> = Vec::new(), FieldKind::Bytes, "b''", "Message body";
    }
}

impl Proto for ICMPv6Unknown {
    fn long_name(&self) -> &'static str {
        "Scapy6 ICMPv6 fallback class"
    }
    fn build(&self, _cx: &BuildCx<'_>, out: &mut Vec<u8>) -> Result<(), BuildError> {
        push_head(out, self.type_, self.code, self.cksum);
        out.extend_from_slice(&self.msgbody);
        Ok(())
    }
    fn post_build(&self, cx: &PostCx<'_>, lower: &[u8], buf: &mut [u8]) {
        fix_cksum(self.cksum, cx, lower, buf);
    }
}

macro_rules! echo_layer {
    ($ty:ident, $name:literal, $long:literal, $t:literal, $tdflt:literal, $doc:literal) => {
        define_layer! {
            #[doc = $doc]
            pub struct $ty($name) {
                type_ as "type": u8 = $t, FieldKind::Enum(8), $tdflt, "Message type",
                    values(ICMP6_TYPES);
                code: u8 = 0, FieldKind::Int(8), "0", "Code";
                cksum: Option<u16> = None, FieldKind::Hex(16), "None",
                    "Checksum (computed when unset)", auto();
                id: u16 = 0, FieldKind::Hex(16), "0", "Identifier";
                seq: u16 = 0, FieldKind::Hex(16), "0", "Sequence number";
                data: Vec<u8> = Vec::new(), FieldKind::Bytes, "b''", "Echo data";
            }
        }

        impl Proto for $ty {
            fn long_name(&self) -> &'static str {
                $long
            }
            fn build(&self, _cx: &BuildCx<'_>, out: &mut Vec<u8>) -> Result<(), BuildError> {
                push_head(out, self.type_, self.code, self.cksum);
                out.extend_from_slice(&self.id.to_be_bytes());
                out.extend_from_slice(&self.seq.to_be_bytes());
                out.extend_from_slice(&self.data);
                Ok(())
            }
            fn post_build(&self, cx: &PostCx<'_>, lower: &[u8], buf: &mut [u8]) {
                fix_cksum(self.cksum, cx, lower, buf);
            }
            fn summary(&self, _pkt: &Packet, _idx: usize) -> Option<String> {
                Some(format!(
                    "{} (id: {:#x} seq: {:#x})",
                    $long, self.id, self.seq
                ))
            }
        }
    };
}

echo_layer!(
    ICMPv6EchoRequest,
    "ICMPv6EchoRequest",
    "ICMPv6 Echo Request",
    128,
    "128",
    "An ICMPv6 echo request (type 128)."
);
echo_layer!(
    ICMPv6EchoReply,
    "ICMPv6EchoReply",
    "ICMPv6 Echo Reply",
    129,
    "129",
    "An ICMPv6 echo reply (type 129)."
);

macro_rules! error_layer_unused {
    ($ty:ident, $name:literal, $long:literal, $t:literal, $tdflt:literal, $codes:ident, $doc:literal) => {
        define_layer! {
            #[doc = $doc]
            pub struct $ty($name) {
                type_ as "type": u8 = $t, FieldKind::Enum(8), $tdflt, "Message type",
                    values(ICMP6_TYPES);
                code: u8 = 0, FieldKind::Enum(8), "0", "Code", values($codes);
                cksum: Option<u16> = None, FieldKind::Hex(16), "None",
                    "Checksum (computed when unset)", auto();
                length: u8 = 0, FieldKind::Int(8), "0",
                    "Length of the quoted datagram in 64-bit words (RFC 4884)";
                unused: u32 = 0, FieldKind::Hex(24), "0", "Unused";
            }
        }

        impl Proto for $ty {
            fn long_name(&self) -> &'static str {
                $long
            }
            fn build(&self, _cx: &BuildCx<'_>, out: &mut Vec<u8>) -> Result<(), BuildError> {
                push_head(out, self.type_, self.code, self.cksum);
                out.push(self.length);
                let u = self.unused.to_be_bytes();
                out.extend_from_slice(u.get(1..).unwrap_or(&[0; 3]));
                Ok(())
            }
            fn post_build(&self, cx: &PostCx<'_>, lower: &[u8], buf: &mut [u8]) {
                fix_cksum(self.cksum, cx, lower, buf);
            }
            fn next_layer(&self, _cx: &DissectCx<'_>, _payload: &[u8]) -> Option<LayerKind> {
                Some(LayerKind::IPerror6)
            }
        }
    };
}

error_layer_unused!(
    ICMPv6DestUnreach,
    "ICMPv6DestUnreach",
    "ICMPv6 Destination Unreachable",
    1,
    "1",
    DEST_UNREACH_CODES,
    "An ICMPv6 destination unreachable error (type 1), quoting the offending packet."
);
error_layer_unused!(
    ICMPv6TimeExceeded,
    "ICMPv6TimeExceeded",
    "ICMPv6 Time Exceeded",
    3,
    "3",
    TIME_EXCEEDED_CODES,
    "An ICMPv6 time exceeded error (type 3), quoting the offending packet."
);

define_layer! {
    /// An ICMPv6 packet too big error (type 2), quoting the offending packet.
    pub struct ICMPv6PacketTooBig("ICMPv6PacketTooBig") {
        type_ as "type": u8 = 2, FieldKind::Enum(8), "2", "Message type", values(ICMP6_TYPES);
        code: u8 = 0, FieldKind::Int(8), "0", "Code";
        cksum: Option<u16> = None, FieldKind::Hex(16), "None",
            "Checksum (computed when unset)", auto();
        mtu: u32 = 1280, FieldKind::Int(32), "1280", "MTU of the next-hop link";
    }
}

define_layer! {
    /// An ICMPv6 parameter problem error (type 4), quoting the offending packet.
    pub struct ICMPv6ParamProblem("ICMPv6ParamProblem") {
        type_ as "type": u8 = 4, FieldKind::Enum(8), "4", "Message type", values(ICMP6_TYPES);
        code: u8 = 0, FieldKind::Enum(8), "0", "Code", values(PARAM_PROBLEM_CODES);
        cksum: Option<u16> = None, FieldKind::Hex(16), "None",
            "Checksum (computed when unset)", auto();
        ptr: u32 = 6, FieldKind::Int(32), "6", "Offset of the offending octet";
    }
}

macro_rules! u32_error_proto {
    ($ty:ident, $field:ident, $long:literal) => {
        impl Proto for $ty {
            fn long_name(&self) -> &'static str {
                $long
            }
            fn build(&self, _cx: &BuildCx<'_>, out: &mut Vec<u8>) -> Result<(), BuildError> {
                push_head(out, self.type_, self.code, self.cksum);
                out.extend_from_slice(&self.$field.to_be_bytes());
                Ok(())
            }
            fn post_build(&self, cx: &PostCx<'_>, lower: &[u8], buf: &mut [u8]) {
                fix_cksum(self.cksum, cx, lower, buf);
            }
            fn next_layer(&self, _cx: &DissectCx<'_>, _payload: &[u8]) -> Option<LayerKind> {
                Some(LayerKind::IPerror6)
            }
        }
    };
}

u32_error_proto!(ICMPv6PacketTooBig, mtu, "ICMPv6 Packet Too Big");
u32_error_proto!(ICMPv6ParamProblem, ptr, "ICMPv6 Parameter Problem");

define_layer! {
    /// A Router Solicitation (type 133); ND options follow as layers.
    pub struct ICMPv6ND_RS("ICMPv6ND_RS") {
        type_ as "type": u8 = 133, FieldKind::Enum(8), "133", "Message type",
            values(ICMP6_TYPES);
        code: u8 = 0, FieldKind::Int(8), "0", "Code";
        cksum: Option<u16> = None, FieldKind::Hex(16), "None",
            "Checksum (computed when unset)", auto();
        res: u32 = 0, FieldKind::Int(32), "0", "Reserved";
    }
}

impl Proto for ICMPv6ND_RS {
    fn long_name(&self) -> &'static str {
        "ICMPv6 Neighbor Discovery - Router Solicitation"
    }
    fn build(&self, _cx: &BuildCx<'_>, out: &mut Vec<u8>) -> Result<(), BuildError> {
        push_head(out, self.type_, self.code, self.cksum);
        out.extend_from_slice(&self.res.to_be_bytes());
        Ok(())
    }
    fn post_build(&self, cx: &PostCx<'_>, lower: &[u8], buf: &mut [u8]) {
        fix_cksum(self.cksum, cx, lower, buf);
    }
    fn next_layer(&self, _cx: &DissectCx<'_>, payload: &[u8]) -> Option<LayerKind> {
        nd_next(payload)
    }
}

define_layer! {
    /// A Router Advertisement (type 134); ND options follow as layers.
    pub struct ICMPv6ND_RA("ICMPv6ND_RA") {
        type_ as "type": u8 = 134, FieldKind::Enum(8), "134", "Message type",
            values(ICMP6_TYPES);
        code: u8 = 0, FieldKind::Int(8), "0", "Code";
        cksum: Option<u16> = None, FieldKind::Hex(16), "None",
            "Checksum (computed when unset)", auto();
        chlim: u8 = 0, FieldKind::Int(8), "0", "Current hop limit";
        m as "M": u8 = 0, FieldKind::Int(1), "0", "Managed address configuration";
        o as "O": u8 = 0, FieldKind::Int(1), "0", "Other configuration";
        h as "H": u8 = 0, FieldKind::Int(1), "0", "Home agent";
        prf: u8 = 1, FieldKind::Enum(2), "1", "Router preference (RFC 4191)", values(RA_PREFS);
        p as "P": u8 = 0, FieldKind::Int(1), "0", "Proxy";
        res: u8 = 0, FieldKind::Int(2), "0", "Reserved";
        routerlifetime: u16 = 1800, FieldKind::Int(16), "1800", "Router lifetime (s)";
        reachabletime: u32 = 0, FieldKind::Int(32), "0", "Reachable time (ms)";
        retranstimer: u32 = 0, FieldKind::Int(32), "0", "Retransmission timer (ms)";
    }
}

impl Proto for ICMPv6ND_RA {
    fn long_name(&self) -> &'static str {
        "ICMPv6 Neighbor Discovery - Router Advertisement"
    }
    fn build(&self, _cx: &BuildCx<'_>, out: &mut Vec<u8>) -> Result<(), BuildError> {
        push_head(out, self.type_, self.code, self.cksum);
        out.push(self.chlim);
        out.push(
            bit(self.m, 7)
                | bit(self.o, 6)
                | bit(self.h, 5)
                | ((self.prf & 3) << 3)
                | bit(self.p, 2)
                | (self.res & 3),
        );
        out.extend_from_slice(&self.routerlifetime.to_be_bytes());
        out.extend_from_slice(&self.reachabletime.to_be_bytes());
        out.extend_from_slice(&self.retranstimer.to_be_bytes());
        Ok(())
    }
    fn post_build(&self, cx: &PostCx<'_>, lower: &[u8], buf: &mut [u8]) {
        fix_cksum(self.cksum, cx, lower, buf);
    }
    fn summary(&self, _pkt: &Packet, _idx: usize) -> Option<String> {
        let prf = RA_PREFS
            .iter()
            .find(|(v, _)| *v == u64::from(self.prf))
            .map_or_else(|| self.prf.to_string(), |(_, n)| (*n).to_string());
        Some(format!(
            "{} Lifetime {} Hop Limit {} Preference {} Managed {} Other {} Home {}",
            self.long_name(),
            self.routerlifetime,
            self.chlim,
            prf,
            self.m,
            self.o,
            self.h
        ))
    }
    fn next_layer(&self, _cx: &DissectCx<'_>, payload: &[u8]) -> Option<LayerKind> {
        nd_next(payload)
    }
}

define_layer! {
    /// A Neighbor Solicitation (type 135); ND options follow as layers.
    pub struct ICMPv6ND_NS("ICMPv6ND_NS") {
        type_ as "type": u8 = 135, FieldKind::Enum(8), "135", "Message type",
            values(ICMP6_TYPES);
        code: u8 = 0, FieldKind::Int(8), "0", "Code";
        cksum: Option<u16> = None, FieldKind::Hex(16), "None",
            "Checksum (computed when unset)", auto();
        res: u32 = 0, FieldKind::Int(32), "0", "Reserved";
        tgt: Ipv6Addr = Ipv6Addr::UNSPECIFIED, FieldKind::Ipv6, "'::'", "Target address";
    }
}

impl Proto for ICMPv6ND_NS {
    fn long_name(&self) -> &'static str {
        "ICMPv6 Neighbor Discovery - Neighbor Solicitation"
    }
    fn build(&self, _cx: &BuildCx<'_>, out: &mut Vec<u8>) -> Result<(), BuildError> {
        push_head(out, self.type_, self.code, self.cksum);
        out.extend_from_slice(&self.res.to_be_bytes());
        out.extend_from_slice(&self.tgt.octets());
        Ok(())
    }
    fn post_build(&self, cx: &PostCx<'_>, lower: &[u8], buf: &mut [u8]) {
        fix_cksum(self.cksum, cx, lower, buf);
    }
    fn summary(&self, _pkt: &Packet, _idx: usize) -> Option<String> {
        Some(format!("{} (tgt: {})", self.long_name(), self.tgt))
    }
    fn next_layer(&self, _cx: &DissectCx<'_>, payload: &[u8]) -> Option<LayerKind> {
        nd_next(payload)
    }
}

define_layer! {
    /// A Neighbor Advertisement (type 136); ND options follow as layers.
    pub struct ICMPv6ND_NA("ICMPv6ND_NA") {
        type_ as "type": u8 = 136, FieldKind::Enum(8), "136", "Message type",
            values(ICMP6_TYPES);
        code: u8 = 0, FieldKind::Int(8), "0", "Code";
        cksum: Option<u16> = None, FieldKind::Hex(16), "None",
            "Checksum (computed when unset)", auto();
        r as "R": u8 = 1, FieldKind::Int(1), "1", "Router flag";
        s as "S": u8 = 0, FieldKind::Int(1), "0", "Solicited flag";
        o as "O": u8 = 1, FieldKind::Int(1), "1", "Override flag";
        res: u32 = 0, FieldKind::Hex(29), "0", "Reserved";
        tgt: Ipv6Addr = Ipv6Addr::UNSPECIFIED, FieldKind::Ipv6, "'::'", "Target address";
    }
}

impl Proto for ICMPv6ND_NA {
    fn long_name(&self) -> &'static str {
        "ICMPv6 Neighbor Discovery - Neighbor Advertisement"
    }
    fn build(&self, _cx: &BuildCx<'_>, out: &mut Vec<u8>) -> Result<(), BuildError> {
        push_head(out, self.type_, self.code, self.cksum);
        let w = (u32::from(self.r & 1) << 31)
            | (u32::from(self.s & 1) << 30)
            | (u32::from(self.o & 1) << 29)
            | (self.res & 0x1fff_ffff);
        out.extend_from_slice(&w.to_be_bytes());
        out.extend_from_slice(&self.tgt.octets());
        Ok(())
    }
    fn post_build(&self, cx: &PostCx<'_>, lower: &[u8], buf: &mut [u8]) {
        fix_cksum(self.cksum, cx, lower, buf);
    }
    fn summary(&self, _pkt: &Packet, _idx: usize) -> Option<String> {
        Some(format!("{} (tgt: {})", self.long_name(), self.tgt))
    }
    fn next_layer(&self, _cx: &DissectCx<'_>, payload: &[u8]) -> Option<LayerKind> {
        nd_next(payload)
    }
}

define_layer! {
    /// A Redirect (type 137); ND options follow as layers.
    pub struct ICMPv6ND_Redirect("ICMPv6ND_Redirect") {
        type_ as "type": u8 = 137, FieldKind::Enum(8), "137", "Message type",
            values(ICMP6_TYPES);
        code: u8 = 0, FieldKind::Int(8), "0", "Code";
        cksum: Option<u16> = None, FieldKind::Hex(16), "None",
            "Checksum (computed when unset)", auto();
        res: u32 = 0, FieldKind::Hex(32), "0", "Reserved";
        tgt: Ipv6Addr = Ipv6Addr::UNSPECIFIED, FieldKind::Ipv6, "'::'", "Target address";
        dst: Ipv6Addr = Ipv6Addr::UNSPECIFIED, FieldKind::Ipv6, "'::'",
            "Destination address";
    }
}

impl Proto for ICMPv6ND_Redirect {
    fn long_name(&self) -> &'static str {
        "ICMPv6 Neighbor Discovery - Redirect"
    }
    fn build(&self, _cx: &BuildCx<'_>, out: &mut Vec<u8>) -> Result<(), BuildError> {
        push_head(out, self.type_, self.code, self.cksum);
        out.extend_from_slice(&self.res.to_be_bytes());
        out.extend_from_slice(&self.tgt.octets());
        out.extend_from_slice(&self.dst.octets());
        Ok(())
    }
    fn post_build(&self, cx: &PostCx<'_>, lower: &[u8], buf: &mut [u8]) {
        fix_cksum(self.cksum, cx, lower, buf);
    }
    fn next_layer(&self, _cx: &DissectCx<'_>, payload: &[u8]) -> Option<LayerKind> {
        nd_next(payload)
    }
}

// ---------------------------------------------------------------------------------------
// Neighbor Discovery options.

macro_rules! lladdr_layer {
    ($ty:ident, $name:literal, $long:literal, $t:literal, $tdflt:literal, $doc:literal) => {
        define_layer! {
            #[doc = $doc]
            pub struct $ty($name) {
                type_ as "type": u8 = $t, FieldKind::Int(8), $tdflt, "Option type";
                len: u8 = 1, FieldKind::Int(8), "1", "Length in 8-octet units";
                lladdr: Option<MacAddr> = None, FieldKind::Mac, "None",
                    "Link-layer address (00:00:00:00:00:00 when unset, as scapy)";
            }
        }

        impl Proto for $ty {
            fn long_name(&self) -> &'static str {
                $long
            }
            fn build(&self, _cx: &BuildCx<'_>, out: &mut Vec<u8>) -> Result<(), BuildError> {
                out.push(self.type_);
                out.push(self.len);
                out.extend_from_slice(&self.lladdr.unwrap_or(MacAddr::ZERO).0);
                Ok(())
            }
            fn summary(&self, _pkt: &Packet, _idx: usize) -> Option<String> {
                Some(format!(
                    "{} {}",
                    $long,
                    self.lladdr.unwrap_or(MacAddr::ZERO)
                ))
            }
            fn next_layer(&self, _cx: &DissectCx<'_>, payload: &[u8]) -> Option<LayerKind> {
                nd_next(payload)
            }
        }
    };
}

lladdr_layer!(
    ICMPv6NDOptSrcLLAddr,
    "ICMPv6NDOptSrcLLAddr",
    "ICMPv6 Neighbor Discovery Option - Source Link-Layer Address",
    1,
    "1",
    "ND option: source link-layer address (type 1)."
);
lladdr_layer!(
    ICMPv6NDOptDstLLAddr,
    "ICMPv6NDOptDstLLAddr",
    "ICMPv6 Neighbor Discovery Option - Destination Link-Layer Address",
    2,
    "2",
    "ND option: target link-layer address (type 2)."
);

define_layer! {
    /// ND option: prefix information (type 3).
    pub struct ICMPv6NDOptPrefixInfo("ICMPv6NDOptPrefixInfo") {
        type_ as "type": u8 = 3, FieldKind::Int(8), "3", "Option type";
        len: u8 = 4, FieldKind::Int(8), "4", "Length in 8-octet units";
        prefixlen: u8 = 64, FieldKind::Int(8), "64", "Prefix length";
        l as "L": u8 = 1, FieldKind::Int(1), "1", "On-link flag";
        a as "A": u8 = 1, FieldKind::Int(1), "1", "Autonomous address-configuration flag";
        r as "R": u8 = 0, FieldKind::Int(1), "0", "Router address flag";
        res1: u8 = 0, FieldKind::Int(5), "0", "Reserved";
        validlifetime: u32 = 0xffff_ffff, FieldKind::Hex(32), "4294967295",
            "Valid lifetime (s)";
        preferredlifetime: u32 = 0xffff_ffff, FieldKind::Hex(32), "4294967295",
            "Preferred lifetime (s)";
        res2: u32 = 0, FieldKind::Hex(32), "0", "Reserved";
        prefix: Ipv6Addr = Ipv6Addr::UNSPECIFIED, FieldKind::Ipv6, "'::'", "Prefix";
    }
}

impl Proto for ICMPv6NDOptPrefixInfo {
    fn long_name(&self) -> &'static str {
        "ICMPv6 Neighbor Discovery Option - Prefix Information"
    }
    fn build(&self, _cx: &BuildCx<'_>, out: &mut Vec<u8>) -> Result<(), BuildError> {
        out.push(self.type_);
        out.push(self.len);
        out.push(self.prefixlen);
        out.push(bit(self.l, 7) | bit(self.a, 6) | bit(self.r, 5) | (self.res1 & 0x1f));
        out.extend_from_slice(&self.validlifetime.to_be_bytes());
        out.extend_from_slice(&self.preferredlifetime.to_be_bytes());
        out.extend_from_slice(&self.res2.to_be_bytes());
        out.extend_from_slice(&self.prefix.octets());
        Ok(())
    }
    fn summary(&self, _pkt: &Packet, _idx: usize) -> Option<String> {
        Some(format!(
            "{} {}/{} On-link {} Autonomous Address {} Router Address {}",
            self.long_name(),
            self.prefix,
            self.prefixlen,
            self.l,
            self.a,
            self.r
        ))
    }
    fn next_layer(&self, _cx: &DissectCx<'_>, payload: &[u8]) -> Option<LayerKind> {
        nd_next(payload)
    }
}

define_layer! {
    /// ND option: MTU (type 5).
    pub struct ICMPv6NDOptMTU("ICMPv6NDOptMTU") {
        type_ as "type": u8 = 5, FieldKind::Int(8), "5", "Option type";
        len: u8 = 1, FieldKind::Int(8), "1", "Length in 8-octet units";
        res: u16 = 0, FieldKind::Hex(16), "0", "Reserved";
        mtu: u32 = 1280, FieldKind::Int(32), "1280", "Link MTU";
    }
}

impl Proto for ICMPv6NDOptMTU {
    fn long_name(&self) -> &'static str {
        "ICMPv6 Neighbor Discovery Option - MTU"
    }
    fn build(&self, _cx: &BuildCx<'_>, out: &mut Vec<u8>) -> Result<(), BuildError> {
        out.push(self.type_);
        out.push(self.len);
        out.extend_from_slice(&self.res.to_be_bytes());
        out.extend_from_slice(&self.mtu.to_be_bytes());
        Ok(())
    }
    fn summary(&self, _pkt: &Packet, _idx: usize) -> Option<String> {
        Some(format!("{} {}", self.long_name(), self.mtu))
    }
    fn next_layer(&self, _cx: &DissectCx<'_>, payload: &[u8]) -> Option<LayerKind> {
        nd_next(payload)
    }
}

/// The packet quoted by a Redirected Header option (scapy's `TruncPktLenField`): built,
/// then cut to a multiple of 8 bytes. Its [`Value`] is those bytes, so a crafted packet and
/// its dissected copy compare equal.
#[derive(Debug, Clone, Default)]
pub struct QuotedPacket(pub Packet);

impl QuotedPacket {
    /// The bytes written on the wire: the packet built and cut to a multiple of 8.
    pub fn wire_bytes(&self) -> Result<Vec<u8>, BuildError> {
        let mut b = self.0.build()?;
        let keep = b.len() - b.len() % 8;
        b.truncate(keep);
        Ok(b)
    }
}

impl PartialEq for QuotedPacket {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0 || self.wire_bytes().ok() == other.wire_bytes().ok()
    }
}

thread_local! {
    static QUOTE_DEPTH: Cell<u8> = const { Cell::new(0) };
}

/// Most nested Redirected Header packets decoded as packets; deeper ones stay raw.
pub(crate) const MAX_QUOTE_DEPTH: u8 = 4;

fn parse_quoted(b: &[u8]) -> Packet {
    if b.is_empty() {
        return Packet::default();
    }
    let depth = QUOTE_DEPTH.with(Cell::get);
    if depth >= MAX_QUOTE_DEPTH {
        return Packet::from(crate::layers::Raw::from_bytes(b));
    }
    QUOTE_DEPTH.with(|d| d.set(depth + 1));
    let p = Packet::parse(LinkType::Ipv6, b);
    QUOTE_DEPTH.with(|d| d.set(depth));
    p
}

impl FieldType for QuotedPacket {
    fn to_value(&self) -> Value {
        Value::Bytes(self.wire_bytes().unwrap_or_default())
    }
    fn from_value(v: Value, desc: &FieldDesc) -> Result<Self, FieldError> {
        match v {
            Value::Packet(p) => Ok(QuotedPacket(*p)),
            Value::Bytes(b) => Ok(QuotedPacket(parse_quoted(&b))),
            Value::None => Ok(QuotedPacket::default()),
            other => Err(FieldError::BadValue {
                field: desc.name,
                expected: "a packet or bytes".into(),
                got: other.to_string(),
            }),
        }
    }
}

define_layer! {
    /// ND option: redirected header (type 4), quoting the redirected packet.
    pub struct ICMPv6NDOptRedirectedHdr("ICMPv6NDOptRedirectedHdr") {
        type_ as "type": u8 = 4, FieldKind::Int(8), "4", "Option type";
        len: Option<u8> = None, FieldKind::Int(8), "None",
            "Length in 8-octet units (computed when unset)", auto();
        res: Vec<u8> = vec![0; 6], FieldKind::Bytes, "b'\\x00\\x00\\x00\\x00\\x00\\x00'",
            "Reserved (6 bytes)";
        pkt: QuotedPacket = QuotedPacket::default(), FieldKind::Packet, "b''",
            "The redirected packet, cut to a multiple of 8 bytes";
    }
}

impl ICMPv6NDOptRedirectedHdr {
    /// Sets the quoted packet (typed).
    pub fn with_pkt(mut self, p: impl Into<Packet>) -> Self {
        self.pkt = QuotedPacket(p.into());
        self
    }
}

impl Proto for ICMPv6NDOptRedirectedHdr {
    fn long_name(&self) -> &'static str {
        "ICMPv6 Neighbor Discovery Option - Redirected Header"
    }
    fn build(&self, _cx: &BuildCx<'_>, out: &mut Vec<u8>) -> Result<(), BuildError> {
        let q = self.pkt.wire_bytes()?;
        out.push(self.type_);
        out.push(self.len.unwrap_or(((q.len() + 8) / 8).min(255) as u8));
        // scapy's StrFixedLenField: cut or zero-padded to 6 bytes.
        let mut res = [0u8; 6];
        for (d, s) in res.iter_mut().zip(&self.res) {
            *d = *s;
        }
        out.extend_from_slice(&res);
        out.extend_from_slice(&q);
        Ok(())
    }
    fn next_layer(&self, _cx: &DissectCx<'_>, payload: &[u8]) -> Option<LayerKind> {
        nd_next(payload)
    }
}

define_layer! {
    /// ND option of a type with no class of its own.
    pub struct ICMPv6NDOptUnknown("ICMPv6NDOptUnknown") {
        type_ as "type": u8 = 0, FieldKind::Int(8), "0", "Option type";
        len: Option<u8> = None, FieldKind::Int(8), "None",
            "Length in 8-octet units (computed when unset)", auto();
        data: Vec<u8> = Vec::new(), FieldKind::Bytes, "b''",
            "Option data (zero-padded to fill 8-octet units when built)";
    }
}

impl Proto for ICMPv6NDOptUnknown {
    fn long_name(&self) -> &'static str {
        "ICMPv6 Neighbor Discovery Option - Scapy Unimplemented"
    }
    fn build(&self, _cx: &BuildCx<'_>, out: &mut Vec<u8>) -> Result<(), BuildError> {
        let mut data = self.data.clone();
        let r = (data.len() + 2) % 8;
        if r != 0 {
            data.resize(data.len() + 8 - r, 0);
        }
        out.push(self.type_);
        out.push(self.len.unwrap_or(((2 + data.len()) / 8).min(255) as u8));
        out.extend_from_slice(&data);
        Ok(())
    }
    fn next_layer(&self, _cx: &DissectCx<'_>, payload: &[u8]) -> Option<LayerKind> {
        nd_next(payload)
    }
}

// ---------------------------------------------------------------------------------------
// Dissection.

/// scapy's `icmp6typesminhdrlen` for the types that have a class here (shorter messages
/// are `ICMPv6Unknown`); the fast dissector uses the same table.
pub fn min_len(t: u8) -> Option<usize> {
    Some(match t {
        1..=4 | 128 | 129 | 133 => 8,
        134 => 16,
        135 | 136 => 24,
        137 => 40,
        _ => return None,
    })
}

/// Dissects an ICMPv6 message cut by the capture's snap length inside its first 4 bytes:
/// an `ICMPv6Unknown` with the type, code and checksum whose bytes are there.
pub fn dissect_partial(data: &[u8]) -> ICMPv6Unknown {
    let (type_, code, cksum) = head(data);
    ICMPv6Unknown {
        type_,
        code,
        cksum,
        ..Default::default()
    }
}

fn head(data: &[u8]) -> (u8, u8, Option<u16>) {
    (
        u8_at(data, 0).unwrap_or(0),
        u8_at(data, 1).unwrap_or(0),
        be16(data, 2),
    )
}

fn ip6_at(b: &[u8], off: usize) -> Ipv6Addr {
    array_at::<16>(b, off).map_or(Ipv6Addr::UNSPECIFIED, Ipv6Addr::from)
}

/// Dissects an ICMPv6 message, choosing its class from the type byte.
pub fn dissect(data: &[u8]) -> Result<Dissected, ParseError> {
    if data.len() < 4 {
        return Err(truncated("ICMPv6", 4, data.len()));
    }
    let (type_, code, cksum) = head(data);
    let fits = min_len(type_).is_some_and(|m| data.len() >= m);
    if !fits {
        let l = ICMPv6Unknown {
            type_,
            code,
            cksum,
            msgbody: data.get(4..).unwrap_or(&[]).to_vec(),
            ..Default::default()
        };
        return Ok((Layer::ICMPv6Unknown(l), data.len()));
    }
    let w4 = be32(data, 4).unwrap_or(0);
    let b4 = u8_at(data, 4).unwrap_or(0);
    let (layer, n) = match type_ {
        1 | 3 => {
            let (length, unused) = (b4, w4 & 0x00ff_ffff);
            if type_ == 1 {
                let l = ICMPv6DestUnreach {
                    type_,
                    code,
                    cksum,
                    length,
                    unused,
                    ..Default::default()
                };
                (Layer::ICMPv6DestUnreach(l), 8)
            } else {
                let l = ICMPv6TimeExceeded {
                    type_,
                    code,
                    cksum,
                    length,
                    unused,
                    ..Default::default()
                };
                (Layer::ICMPv6TimeExceeded(l), 8)
            }
        }
        2 => {
            let l = ICMPv6PacketTooBig {
                type_,
                code,
                cksum,
                mtu: w4,
                ..Default::default()
            };
            (Layer::ICMPv6PacketTooBig(l), 8)
        }
        4 => {
            let l = ICMPv6ParamProblem {
                type_,
                code,
                cksum,
                ptr: w4,
                ..Default::default()
            };
            (Layer::ICMPv6ParamProblem(l), 8)
        }
        128 | 129 => {
            let id = be16(data, 4).unwrap_or(0);
            let seq = be16(data, 6).unwrap_or(0);
            let d = data.get(8..).unwrap_or(&[]).to_vec();
            if type_ == 128 {
                let l = ICMPv6EchoRequest {
                    type_,
                    code,
                    cksum,
                    id,
                    seq,
                    data: d,
                    ..Default::default()
                };
                (Layer::ICMPv6EchoRequest(l), data.len())
            } else {
                let l = ICMPv6EchoReply {
                    type_,
                    code,
                    cksum,
                    id,
                    seq,
                    data: d,
                    ..Default::default()
                };
                (Layer::ICMPv6EchoReply(l), data.len())
            }
        }
        133 => {
            let l = ICMPv6ND_RS {
                type_,
                code,
                cksum,
                res: w4,
                ..Default::default()
            };
            (Layer::ICMPv6ND_RS(l), 8)
        }
        134 => {
            let f = u8_at(data, 5).unwrap_or(0);
            let l = ICMPv6ND_RA {
                type_,
                code,
                cksum,
                chlim: b4,
                m: f >> 7,
                o: (f >> 6) & 1,
                h: (f >> 5) & 1,
                prf: (f >> 3) & 3,
                p: (f >> 2) & 1,
                res: f & 3,
                routerlifetime: be16(data, 6).unwrap_or(0),
                reachabletime: be32(data, 8).unwrap_or(0),
                retranstimer: be32(data, 12).unwrap_or(0),
                ..Default::default()
            };
            (Layer::ICMPv6ND_RA(l), 16)
        }
        135 => {
            let l = ICMPv6ND_NS {
                type_,
                code,
                cksum,
                res: w4,
                tgt: ip6_at(data, 8),
                ..Default::default()
            };
            (Layer::ICMPv6ND_NS(l), 24)
        }
        136 => {
            let l = ICMPv6ND_NA {
                type_,
                code,
                cksum,
                r: (w4 >> 31) as u8,
                s: ((w4 >> 30) & 1) as u8,
                o: ((w4 >> 29) & 1) as u8,
                res: w4 & 0x1fff_ffff,
                tgt: ip6_at(data, 8),
                ..Default::default()
            };
            (Layer::ICMPv6ND_NA(l), 24)
        }
        _ => {
            // 137, the only other type with a minimum length.
            let l = ICMPv6ND_Redirect {
                type_,
                code,
                cksum,
                res: w4,
                tgt: ip6_at(data, 8),
                dst: ip6_at(data, 24),
                ..Default::default()
            };
            (Layer::ICMPv6ND_Redirect(l), 40)
        }
    };
    Ok((layer, n))
}

/// Dissects a Neighbor Discovery option, choosing its class from the type byte.
pub fn dissect_ndopt(data: &[u8]) -> Result<Dissected, ParseError> {
    let t = u8_at(data, 0).unwrap_or(0);
    let kind = ndopt_kind(t);
    let name = kind.name();
    let (Some(type_), Some(len)) = (u8_at(data, 0), u8_at(data, 1)) else {
        return Err(truncated(name, 2, data.len()));
    };
    let need = match kind {
        LayerKind::ICMPv6NDOptSrcLLAddr
        | LayerKind::ICMPv6NDOptDstLLAddr
        | LayerKind::ICMPv6NDOptMTU => 8,
        LayerKind::ICMPv6NDOptPrefixInfo => 32,
        LayerKind::ICMPv6NDOptRedirectedHdr => {
            if len == 0 {
                return Err(ParseError::BadValue {
                    layer: name,
                    offset: 0,
                    field: "len",
                    value: 0,
                    reason: "option length 0",
                });
            }
            8 * usize::from(len)
        }
        _ => 8 * usize::from(len.max(1)),
    };
    let b = data
        .get(..need)
        .ok_or_else(|| truncated(name, need, data.len()))?;
    let layer = match kind {
        LayerKind::ICMPv6NDOptSrcLLAddr | LayerKind::ICMPv6NDOptDstLLAddr => {
            let lladdr = b.get(2..).and_then(MacAddr::from_slice);
            if kind == LayerKind::ICMPv6NDOptSrcLLAddr {
                Layer::ICMPv6NDOptSrcLLAddr(ICMPv6NDOptSrcLLAddr {
                    type_,
                    len,
                    lladdr,
                    ..Default::default()
                })
            } else {
                Layer::ICMPv6NDOptDstLLAddr(ICMPv6NDOptDstLLAddr {
                    type_,
                    len,
                    lladdr,
                    ..Default::default()
                })
            }
        }
        LayerKind::ICMPv6NDOptMTU => Layer::ICMPv6NDOptMTU(ICMPv6NDOptMTU {
            type_,
            len,
            res: be16(b, 2).unwrap_or(0),
            mtu: be32(b, 4).unwrap_or(0),
            ..Default::default()
        }),
        LayerKind::ICMPv6NDOptPrefixInfo => {
            let f = u8_at(b, 3).unwrap_or(0);
            Layer::ICMPv6NDOptPrefixInfo(ICMPv6NDOptPrefixInfo {
                type_,
                len,
                prefixlen: u8_at(b, 2).unwrap_or(0),
                l: f >> 7,
                a: (f >> 6) & 1,
                r: (f >> 5) & 1,
                res1: f & 0x1f,
                validlifetime: be32(b, 4).unwrap_or(0),
                preferredlifetime: be32(b, 8).unwrap_or(0),
                res2: be32(b, 12).unwrap_or(0),
                prefix: ip6_at(b, 16),
                ..Default::default()
            })
        }
        LayerKind::ICMPv6NDOptRedirectedHdr => {
            Layer::ICMPv6NDOptRedirectedHdr(ICMPv6NDOptRedirectedHdr {
                type_,
                len: Some(len),
                res: b.get(2..8).unwrap_or(&[]).to_vec(),
                pkt: QuotedPacket(parse_quoted(b.get(8..).unwrap_or(&[]))),
                ..Default::default()
            })
        }
        _ => Layer::ICMPv6NDOptUnknown(ICMPv6NDOptUnknown {
            type_,
            len: Some(len),
            data: b.get(2..).unwrap_or(&[]).to_vec(),
            ..Default::default()
        }),
    };
    Ok((layer, need))
}

// ---------------------------------------------------------------------------------------
// Wireshark fields
// ---------------------------------------------------------------------------------------

use crate::dissect::View;
use crate::fields::{Base, FieldDef, FieldType as Ft, FieldVal, Protocol, VIEW_ICMPV6, on};

/// Whether the bytes of `field` (the owned model's name) were captured: a header cut before
/// its end (a partial view) has only those fields, as tshark shows them.
fn captured(v: &Icmpv6View<'_>, field: &str) -> bool {
    !v.is_partial() || v.has(field)
}

/// Wireshark's `icmpv6.*` fields.
pub static FIELDS: &[FieldDef] = &[
    FieldDef {
        name: "icmpv6.type",
        ty: Ft::UInt,
        base: Base::Dec,
        desc: "Type",
        each: on!(l, View::Icmpv6(v) if captured(&v, "type") => FieldVal::UInt(v.icmp_type().into())),
    },
    FieldDef {
        name: "icmpv6.code",
        ty: Ft::UInt,
        base: Base::Dec,
        desc: "Code",
        each: on!(l, View::Icmpv6(v) if captured(&v, "code") => FieldVal::UInt(v.code().into())),
    },
];

/// The `icmpv6` table.
pub static PROTOCOL: Protocol = Protocol {
    name: "icmpv6",
    title: "Internet Control Message Protocol v6",
    fields: FIELDS,
    json: 2,
    views: VIEW_ICMPV6,
};

// -------------------------------------------------------------------------------------------
// tcpdump line: ICMPv6's part of `pktforge read`'s one-line summary, as tcpdump's
// print-icmp6.c prints it. The line's frame (time, link header, the walk over layers) is
// src/output/line.rs; it calls this by layer kind.
// -------------------------------------------------------------------------------------------

/// ICMPv6's part of the tcpdump line.
pub(crate) mod tcpdump {
    use std::io::Write;

    use crate::dissect::{Icmpv6View, LayerRec, View};
    use crate::layers::icmp::tcpdump::quoted_target;
    use crate::layers::ip::tcpdump::IpLine;
    use crate::output::line::view_len;

    /// `IP6 A > B: ICMP6, echo request, id N, seq N, length N`, neighbor discovery, errors.
    pub(crate) fn line(i: &Icmpv6View<'_>, ip: &IpLine<'_, '_>, out: &mut Vec<u8>) {
        ip.hosts(None, &ip.ext, out);
        body(
            i,
            ip.rest.get(ip.k + 1..).unwrap_or(&[]),
            view_len(&View::Icmpv6(*i)) + ip.payload_len(ip.k),
            ip.d.cut().is_some(),
            out,
        );
    }

    fn body(i: &Icmpv6View<'_>, quoted: &[LayerRec<'_>], len: usize, cut: bool, out: &mut Vec<u8>) {
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

    /// tcpdump's names of ICMPv6 types (`icmp6_type_values`), for a header cut short.
    pub(crate) fn type_name(t: u8) -> std::borrow::Cow<'static, str> {
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layers::IPv6;

    fn hx(p: impl Into<Packet>) -> String {
        hex::encode(p.into().build().unwrap())
    }

    #[test]
    fn standalone_defaults_like_scapy() {
        // No IPv6 below: the checksum stays 0, as scapy.
        assert_eq!(hx(ICMPv6DestUnreach::new()), "0100000000000000");
        assert_eq!(hx(ICMPv6PacketTooBig::new()), "0200000000000500");
        assert_eq!(hx(ICMPv6TimeExceeded::new()), "0300000000000000");
        assert_eq!(hx(ICMPv6ParamProblem::new()), "0400000000000006");
        assert_eq!(hx(ICMPv6Unknown::new()), "01000000");
        assert_eq!(hx(ICMPv6ND_RS::new()), "8500000000000000");
        assert_eq!(hx(ICMPv6ND_RA::new()), "86000000000807080000000000000000");
        assert_eq!(
            hx(ICMPv6ND_NA::new()),
            "88000000a000000000000000000000000000000000000000"
        );
        assert_eq!(
            hx(ICMPv6ND_Redirect::new()),
            format!("89{}", "00".repeat(39))
        );
        assert_eq!(hx(ICMPv6EchoReply::new()), "8100000000000000");
        assert_eq!(hx(ICMPv6NDOptUnknown::new()), "0001000000000000");
        assert_eq!(
            hx(ICMPv6NDOptUnknown::new().type_(9).data("abc")),
            "0901616263000000"
        );
        assert_eq!(
            hx(ICMPv6NDOptUnknown::new().type_(9).data("abcdefghijklmn")),
            "09026162636465666768696a6b6c6d6e"
        );
        assert_eq!(hx(ICMPv6NDOptRedirectedHdr::new()), "0401000000000000");
        assert_eq!(
            hx(ICMPv6NDOptPrefixInfo::new()),
            "030440c0ffffffffffffffff0000000000000000000000000000000000000000"
        );
        assert_eq!(hx(ICMPv6NDOptMTU::new()), "0501000000000500");
        assert_eq!(
            hx(ICMPv6NDOptSrcLLAddr::new().lladdr("00:11:22:33:44:55")),
            "0101001122334455"
        );
    }

    #[test]
    fn redirected_header_truncates_to_8() {
        // scapy: ICMPv6NDOptRedirectedHdr(pkt=IPv6(src="::1")/ICMPv6EchoRequest(data=b"abcde"))
        let o = ICMPv6NDOptRedirectedHdr::new()
            .with_pkt(IPv6::new().src("::1") / ICMPv6EchoRequest::new().data("abcde"));
        let h = hx(o);
        assert_eq!(
            h,
            "040700000000000060000000000d3a400000000000000000000000000000000100000000000000000000000000000001800055ef00000000"
        );
        let b = hex::decode(&h).unwrap();
        let (l, n) = dissect_ndopt(&b).unwrap();
        assert_eq!(n, b.len());
        assert_eq!(hx(l), h);
    }

    #[test]
    fn summaries() {
        let p = Packet::from(ICMPv6EchoRequest::new().id(0x12));
        assert_eq!(p.summary(), "ICMPv6 Echo Request (id: 0x12 seq: 0x0)");
        let p = Packet::from(ICMPv6ND_RA::new());
        assert_eq!(
            p.summary(),
            "ICMPv6 Neighbor Discovery - Router Advertisement Lifetime 1800 Hop Limit 0 \
             Preference High Managed 0 Other 0 Home 0"
        );
        let p = Packet::from(ICMPv6NDOptPrefixInfo::new());
        assert_eq!(
            p.summary(),
            "ICMPv6 Neighbor Discovery Option - Prefix Information ::/64 On-link 1 \
             Autonomous Address 1 Router Address 0"
        );
        let p = Packet::from(ICMPv6ND_NS::new().tgt("fd00::1"));
        assert_eq!(
            p.summary(),
            "ICMPv6 Neighbor Discovery - Neighbor Solicitation (tgt: fd00::1)"
        );
    }

    #[test]
    fn dispatch_and_truncation() {
        for k in 0..4 {
            assert_eq!(
                dissect(&[128, 0, 0, 0][..k]).unwrap_err(),
                truncated("ICMPv6", 4, k)
            );
        }
        // Too short for its class: kept as ICMPv6Unknown.
        let (l, n) = dissect(&[135, 0, 0, 0, 1, 2]).unwrap();
        assert_eq!((l.name(), n), ("ICMPv6Unknown", 6));
        let (l, _) = dissect(&[130, 0, 0, 0, 1, 2, 3, 4]).unwrap();
        assert_eq!(l.name(), "ICMPv6Unknown");
        let b = hex::decode("88000000a0000000fd000000000000000000000000000001").unwrap();
        let (l, n) = dissect(&b).unwrap();
        assert_eq!(n, 24);
        let Layer::ICMPv6ND_NA(na) = l else { panic!() };
        assert_eq!((na.r, na.s, na.o), (1, 0, 1));
        let opt = hex::decode("0101001122334455").unwrap();
        for k in 0..2 {
            assert_eq!(
                dissect_ndopt(&opt[..k]).unwrap_err(),
                truncated(
                    if k == 0 {
                        "ICMPv6NDOptUnknown"
                    } else {
                        "ICMPv6NDOptSrcLLAddr"
                    },
                    2,
                    k
                )
            );
        }
        for k in 2..8 {
            assert_eq!(
                dissect_ndopt(&opt[..k]).unwrap_err(),
                truncated("ICMPv6NDOptSrcLLAddr", 8, k)
            );
        }
    }

    #[test]
    fn zero_length_options_do_not_loop() {
        // Redirected header with len 0 is malformed.
        assert!(matches!(
            dissect_ndopt(&[4, 0, 0, 0, 0, 0, 0, 0]).unwrap_err(),
            ParseError::BadValue { field: "len", .. }
        ));
        // Unknown with len 0 takes 8 bytes, as scapy's max(len, 1).
        let (l, n) = dissect_ndopt(&[9, 0, 1, 2, 3, 4, 5, 6, 7]).unwrap();
        assert_eq!(n, 8);
        assert_eq!(hx(l), "0900010203040506");
        // A whole packet of zero-length options terminates.
        let mut b = hex::decode(
            "6000000000203afffd000000000000000000000000000002fd00000000000000000000000000000187007d9f00000000000000000000000000000000000000000100000000000000",
        )
        .unwrap();
        let p = Packet::parse(LinkType::Ipv6, &b);
        assert!(p.layers().len() < 10);
        b.truncate(b.len() - 8);
        b.extend_from_slice(&[4, 0, 0, 0, 0, 0, 0, 0]);
        let p = Packet::parse(LinkType::Ipv6, &b);
        assert!(p.error().is_some());
        assert_eq!(p.build().unwrap(), b);
    }
}
