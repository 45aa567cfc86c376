//! IPv6 (RFC 8200) and its extension headers: Hop-by-Hop Options, Destination Options,
//! Routing and Fragment.
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |Version| Traffic Class |           Flow Label                  |
//! |         Payload Length        |  Next Header  |   Hop Limit   |
//! |                                                               |
//! +                   Source Address (128 bits)                   +
//! |                                                               |
//! |                                                               |
//! +                Destination Address (128 bits)                 +
//! |                                                               |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```
//! scapy: `IPv6(version, tc, fl, plen, nh, hlim, src, dst)`. Defaults: hlim=64, dst=::1,
//! src from the route to dst, nh=59 (no next header) unless the binding table gives the
//! value for the layer above; plen is computed when unset. As in scapy, a Neighbor
//! Discovery message directly above overloads `dst` (ff02::1, ff02::2 for a router
//! solicitation; applied when `dst` is left at `::1`) and `hlim` (255, when unset).
//!
//! Extension headers (RFC 8200 section 4):
//! ```text
//! Hop-by-Hop / Destination Options:     Routing:
//! +---------------+---------------+     +---------------+---------------+
//! |  Next Header  |  Hdr Ext Len  |     |  Next Header  |  Hdr Ext Len  |
//! +---------------+---------------+     +---------------+---------------+
//! |   Options (TLV, padded to a   |     | Routing Type  | Segments Left |
//! |     multiple of 8 octets)     |     |   Reserved (32 bits), Addresses |
//! Fragment:
//! |  Next Header  |   Reserved    |  Fragment Offset (13) |Res|M|
//! |                         Identification                      |
//! ```
//! Options of Hop-by-Hop and Destination Options headers are padded like scapy's
//! `_OptionsField` when `autopad` is on (the default): each option is preceded by the Pad1
//! or PadN its alignment needs (Router Alert: 2n) and the whole header is padded to a
//! multiple of 8 octets. `autopad` is not on the wire; a dissected header gets `autopad=1`
//! when re-padding reproduces its bytes (always for well-formed headers), `0` otherwise.

use std::net::Ipv6Addr;

use crate::define_layer;
use crate::error::{BuildError, FieldError, ParseError, truncated};
use crate::layers::{Dissected, Layer, LayerKind, Proto};
use crate::packet::{BuildCx, DissectCx, Packet, PostCx};
use crate::route;
use crate::value::{FieldDesc, FieldKind, FieldType, Value, mk_tuple, tuple2};
use crate::wire::{array_at, be16, be32, put16, u8_at};

/// Next header names, as scapy's `ipv6nh`.
pub static IPV6_NH: &[(u64, &str)] = &[
    (0, "Hop-by-Hop Option Header"),
    (4, "IP"),
    (6, "TCP"),
    (17, "UDP"),
    (41, "IPv6"),
    (43, "Routing Header"),
    (44, "Fragment Header"),
    (47, "GRE"),
    (50, "ESP Header"),
    (51, "AH Header"),
    (58, "ICMPv6"),
    (59, "No Next Header"),
    (60, "Destination Option Header"),
    (112, "VRRP"),
    (132, "SCTP"),
    (135, "Mobility Header"),
];

/// "No next header": scapy's default `nh`.
pub const NH_NONE: u8 = 59;

/// Length of the fixed IPv6 header.
pub const HEADER_LEN: usize = 40;

/// Hop-by-Hop / Destination option type numbers (scapy's `_hbhopts`).
pub mod opt {
    /// One byte of padding.
    pub const PAD1: u8 = 0x00;
    /// N bytes of padding.
    pub const PADN: u8 = 0x01;
    /// Router alert (RFC 2711).
    pub const ROUTER_ALERT: u8 = 0x05;
}

// ---------------------------------------------------------------------------------------
// Zero-copy view
// ---------------------------------------------------------------------------------------

use crate::dissect::{FieldSink, FieldValue, end_in, int};
use crate::wire::{r8, r16, r32, v6};

/// Where each field of a cut header ends ([`field_end`](crate::dissect::field_end)).
pub(crate) const IPV6_ENDS: &[(&str, usize)] = &[
    ("version", 1),
    ("tc", 2),
    ("fl", 4),
    ("plen", 6),
    ("nh", 7),
    ("hlim", 8),
    ("src", 24),
    ("dst", 40),
];

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
    /// header [`is_partial`](Ipv6View::is_partial)
    /// ([`field_end`](crate::dissect::field_end) gives where each ends).
    pub fn has(&self, field: &str) -> bool {
        end_in(IPV6_ENDS, field).is_none_or(|e| e <= self.0.len())
    }
    pub(crate) fn for_each_field(&self, f: FieldSink<'_, 'a>) {
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
    pub(crate) fn for_each_field(&self, f: FieldSink<'_, 'a>) {
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
// Owned layer
// ---------------------------------------------------------------------------------------

/// An option of a Hop-by-Hop or Destination Options header (scapy's `Pad1`, `PadN`,
/// `RouterAlert`, `HBHOptUnknown`). Unset `optlen` fields are computed.
#[derive(Debug, Clone, PartialEq)]
pub enum Ipv6Option {
    /// One byte of padding (type 0).
    Pad1,
    /// N bytes of padding (type 1): `PadN(optdata=...)`.
    PadN {
        /// Length of `optdata` (computed when unset).
        optlen: Option<u8>,
        /// Padding bytes (zeros normally).
        optdata: Vec<u8>,
    },
    /// Router alert (type 5, RFC 2711), alignment 2n: `RouterAlert(value=...)`.
    RouterAlert {
        /// Option length (scapy default 2, written as given).
        optlen: u8,
        /// Alert value (0: the datagram contains an MLD message).
        value: u16,
    },
    /// Any other option: `HBHOptUnknown(otype, optlen, optdata)`.
    Unknown {
        /// Option type.
        otype: u8,
        /// Length of `optdata` (computed when unset).
        optlen: Option<u8>,
        /// Option data.
        optdata: Vec<u8>,
    },
    /// Bytes that do not form an option (a length running past the header); kept verbatim.
    Raw(Vec<u8>),
}

impl Ipv6Option {
    /// `PadN` with `n` zero bytes of data (the option is `n + 2` bytes long).
    pub fn padn(n: usize) -> Self {
        Ipv6Option::PadN {
            optlen: None,
            optdata: vec![0; n],
        }
    }

    /// Router alert with the given value.
    pub fn router_alert(value: u16) -> Self {
        Ipv6Option::RouterAlert { optlen: 2, value }
    }

    /// Any option, by type and data.
    pub fn unknown(otype: u8, optdata: &[u8]) -> Self {
        Ipv6Option::Unknown {
            otype,
            optlen: None,
            optdata: optdata.to_vec(),
        }
    }

    /// scapy's short name of the option, used in the tuple representation.
    pub fn name(&self) -> &'static str {
        match self {
            Ipv6Option::Pad1 => "Pad1",
            Ipv6Option::PadN { .. } => "PadN",
            Ipv6Option::RouterAlert { .. } => "RouterAlert",
            Ipv6Option::Unknown { .. } => "Unknown",
            Ipv6Option::Raw(_) => "Raw",
        }
    }

    /// The padding this option needs before it at offset `curpos` from the start of the
    /// header (scapy's `alignment_delta`).
    pub fn alignment_delta(&self, curpos: usize) -> usize {
        match self {
            Ipv6Option::RouterAlert { .. } => curpos % 2,
            _ => 0,
        }
    }

    /// Appends the option's bytes.
    pub fn emit(&self, out: &mut Vec<u8>) {
        match self {
            Ipv6Option::Pad1 => out.push(opt::PAD1),
            Ipv6Option::PadN { optlen, optdata } => {
                out.push(opt::PADN);
                out.push(optlen.unwrap_or(optdata.len().min(255) as u8));
                out.extend_from_slice(optdata);
            }
            Ipv6Option::RouterAlert { optlen, value } => {
                out.push(opt::ROUTER_ALERT);
                out.push(*optlen);
                out.extend_from_slice(&value.to_be_bytes());
            }
            Ipv6Option::Unknown {
                otype,
                optlen,
                optdata,
            } => {
                out.push(*otype);
                out.push(optlen.unwrap_or(optdata.len().min(255) as u8));
                out.extend_from_slice(optdata);
            }
            Ipv6Option::Raw(b) => out.extend_from_slice(b),
        }
    }

    /// Parses the options area of a header. Never fails: bytes that do not form an option
    /// end the list as [`Ipv6Option::Raw`].
    pub fn parse_all(mut b: &[u8]) -> Vec<Ipv6Option> {
        let mut v = Vec::new();
        while let Some(&t) = b.first() {
            match t {
                opt::PAD1 => {
                    v.push(Ipv6Option::Pad1);
                    b = b.get(1..).unwrap_or(&[]);
                }
                opt::ROUTER_ALERT => {
                    // scapy's RouterAlert is fixed-size: its length byte is not used.
                    match (u8_at(b, 1), be16(b, 2)) {
                        (Some(optlen), Some(value)) => {
                            v.push(Ipv6Option::RouterAlert { optlen, value });
                            b = b.get(4..).unwrap_or(&[]);
                        }
                        _ => {
                            v.push(Ipv6Option::Raw(b.to_vec()));
                            break;
                        }
                    }
                }
                _ => {
                    let Some(l) = u8_at(b, 1) else {
                        v.push(Ipv6Option::Raw(b.to_vec()));
                        break;
                    };
                    let end = 2 + usize::from(l);
                    let Some(data) = b.get(2..end) else {
                        v.push(Ipv6Option::Raw(b.to_vec()));
                        break;
                    };
                    let optlen = Some(l);
                    let optdata = data.to_vec();
                    v.push(if t == opt::PADN {
                        Ipv6Option::PadN { optlen, optdata }
                    } else {
                        Ipv6Option::Unknown {
                            otype: t,
                            optlen,
                            optdata,
                        }
                    });
                    b = b.get(end..).unwrap_or(&[]);
                }
            }
        }
        v
    }

    fn to_value(&self) -> Value {
        match self {
            Ipv6Option::Pad1 => mk_tuple(self.name(), Value::None),
            Ipv6Option::PadN { optdata, .. } => {
                mk_tuple(self.name(), Value::Bytes(optdata.clone()))
            }
            Ipv6Option::RouterAlert { value, .. } => {
                mk_tuple(self.name(), Value::Int(u64::from(*value)))
            }
            Ipv6Option::Unknown { otype, optdata, .. } => mk_tuple(
                self.name(),
                Value::Tuple(vec![
                    Value::Int(u64::from(*otype)),
                    Value::Bytes(optdata.clone()),
                ]),
            ),
            Ipv6Option::Raw(b) => mk_tuple(self.name(), Value::Bytes(b.clone())),
        }
    }

    fn from_value(v: &Value, desc: &FieldDesc) -> Result<Ipv6Option, FieldError> {
        let bad = || FieldError::BadValue {
            field: desc.name,
            expected: "IPv6 options like ('Pad1', None), ('PadN', b'\\x00\\x00'), \
                       ('RouterAlert', 0), ('Unknown', (type, b'data'))"
                .into(),
            got: v.to_string(),
        };
        let opt_u8 = |x: &Value| match x {
            Value::None => Some(None),
            other => other.as_int().and_then(|n| u8::try_from(n).ok()).map(Some),
        };
        let (name, arg) = tuple2(v).ok_or_else(bad)?;
        Ok(match name {
            "Pad1" => Ipv6Option::Pad1,
            "PadN" => match arg {
                Value::Bytes(b) => Ipv6Option::PadN {
                    optlen: None,
                    optdata: b.clone(),
                },
                Value::Int(n) if *n <= 255 => Ipv6Option::padn(*n as usize),
                Value::None => Ipv6Option::padn(0),
                // (optdata, optlen)
                Value::Tuple(t) => match t.as_slice() {
                    [Value::Bytes(b), l] => Ipv6Option::PadN {
                        optlen: opt_u8(l).ok_or_else(bad)?,
                        optdata: b.clone(),
                    },
                    _ => return Err(bad()),
                },
                _ => return Err(bad()),
            },
            // ('RouterAlert', value) or ('RouterAlert', (value, optlen)).
            "RouterAlert" => match arg {
                Value::Tuple(t) => match t.as_slice() {
                    [v, l] => Ipv6Option::RouterAlert {
                        optlen: opt_u8(l).ok_or_else(bad)?.unwrap_or(2),
                        value: match v {
                            Value::None => 0,
                            other => other
                                .as_int()
                                .and_then(|n| u16::try_from(n).ok())
                                .ok_or_else(bad)?,
                        },
                    },
                    _ => return Err(bad()),
                },
                Value::None => Ipv6Option::router_alert(0),
                other => Ipv6Option::router_alert(
                    u16::try_from(other.as_int().ok_or_else(bad)?).map_err(|_| bad())?,
                ),
            },
            "Unknown" => match arg {
                Value::Tuple(t) => match t.as_slice() {
                    [Value::Int(o), Value::Bytes(d)] => Ipv6Option::Unknown {
                        otype: u8::try_from(*o).map_err(|_| bad())?,
                        optlen: None,
                        optdata: d.clone(),
                    },
                    [Value::Int(o), Value::Bytes(d), l] => Ipv6Option::Unknown {
                        otype: u8::try_from(*o).map_err(|_| bad())?,
                        optlen: opt_u8(l).ok_or_else(bad)?,
                        optdata: d.clone(),
                    },
                    _ => return Err(bad()),
                },
                _ => return Err(bad()),
            },
            "Raw" => match arg {
                Value::Bytes(b) => Ipv6Option::Raw(b.clone()),
                _ => return Err(bad()),
            },
            _ => return Err(bad()),
        })
    }
}

impl FieldType for Vec<Ipv6Option> {
    fn to_value(&self) -> Value {
        Value::List(self.iter().map(Ipv6Option::to_value).collect())
    }
    fn from_value(v: Value, desc: &FieldDesc) -> Result<Self, FieldError> {
        match &v {
            Value::List(items) => items
                .iter()
                .map(|x| Ipv6Option::from_value(x, desc))
                .collect(),
            Value::None => Ok(Vec::new()),
            other => Ok(vec![Ipv6Option::from_value(other, desc)?]),
        }
    }
}

impl From<Vec<Ipv6Option>> for Value {
    fn from(v: Vec<Ipv6Option>) -> Value {
        v.to_value()
    }
}

impl From<Ipv6Option> for Value {
    fn from(o: Ipv6Option) -> Value {
        Value::List(vec![o.to_value()])
    }
}

/// Appends the padding scapy inserts for `d` bytes: Pad1 for one, PadN otherwise.
fn push_pad(out: &mut Vec<u8>, d: usize) {
    match d {
        0 => {}
        1 => out.push(opt::PAD1),
        _ => {
            out.push(opt::PADN);
            out.push((d - 2) as u8);
            out.resize(out.len() + d - 2, 0);
        }
    }
}

/// The bytes of an options area as scapy's `_OptionsField.i2m` writes them: options in
/// order, with alignment padding and final padding to a multiple of 8 when `autopad`.
pub fn encode_options(options: &[Ipv6Option], autopad: bool) -> Vec<u8> {
    let mut out = Vec::new();
    if !autopad {
        for o in options {
            o.emit(&mut out);
        }
        return out;
    }
    let mut curpos = 2usize;
    for o in options {
        let d = o.alignment_delta(curpos);
        push_pad(&mut out, d);
        curpos += d;
        let before = out.len();
        o.emit(&mut out);
        curpos += out.len() - before;
    }
    let d = curpos % 8;
    if d != 0 {
        push_pad(&mut out, 8 - d);
    }
    out
}

/// scapy's `(x + 2 + 7) // 8 - 1` for the options header length.
fn opts_hdr_len(opt_bytes: usize) -> u8 {
    ((opt_bytes + 9) / 8 - 1).min(255) as u8
}

define_layer! {
    /// An IPv6 header.
    pub struct IPv6("IPv6") {
        version: u8 = 6, FieldKind::Int(4), "6", "IP version";
        tc: u8 = 0, FieldKind::Int(8), "0", "Traffic class";
        fl: u32 = 0, FieldKind::Int(20), "0", "Flow label";
        plen: Option<u16> = None, FieldKind::Int(16), "None",
            "Payload length (computed when unset)", auto();
        nh: Option<u8> = None, FieldKind::Enum(8), "59",
            "Next header (from the binding table when unset, else 59)", values(IPV6_NH), auto();
        hlim: Option<u8> = None, FieldKind::Int(8), "64",
            "Hop limit (64 when unset, 255 under a Neighbor Discovery message)", auto();
        src: Option<Ipv6Addr> = None, FieldKind::Ipv6, "None",
            "Source address (from the route to dst when unset)", auto();
        dst: Option<Ipv6Addr> = None, FieldKind::Ipv6, "None",
            "Destination address (::1 when unset, or the Neighbor Discovery overload)", auto();
    }
}

/// The destination a Neighbor Discovery message right above overloads, as scapy's
/// `overload_fields` (router solicitations go to all-routers, the rest to all-nodes).
fn nd_overload(next: Option<&Layer>) -> Option<Ipv6Addr> {
    match next? {
        Layer::ICMPv6ND_RS(_) => Some(Ipv6Addr::new(0xff02, 0, 0, 0, 0, 0, 0, 2)),
        Layer::ICMPv6ND_RA(_)
        | Layer::ICMPv6ND_NS(_)
        | Layer::ICMPv6ND_NA(_)
        | Layer::ICMPv6ND_Redirect(_) => Some(Ipv6Addr::new(0xff02, 0, 0, 0, 0, 0, 0, 1)),
        _ => None,
    }
}

/// The layer after `idx` in `layers`, padding excluded.
fn next_of(layers: &[Layer], idx: usize) -> Option<&Layer> {
    layers
        .get(idx + 1)
        .filter(|l| l.kind() != LayerKind::Padding)
}

/// The next-header value a layer writes: its own, else the binding table's, else 59.
fn resolved_nh(nh: Option<u8>, me: LayerKind, next: Option<&Layer>) -> u8 {
    nh.or_else(|| {
        next.and_then(|n| crate::bind::value_for(me, "nh", n.kind()))
            .and_then(|v| u8::try_from(v).ok())
    })
    .unwrap_or(NH_NONE)
}

impl IPv6 {
    /// The destination that will be written: `dst` when set (a dissected header always
    /// sets it, so it rebuilds to its bytes), else the Neighbor Discovery overload when
    /// `next` is an ND message, else `::1`, as scapy's overloaded fields yield to fields set.
    pub fn resolved_dst(&self, next: Option<&Layer>) -> Ipv6Addr {
        self.dst
            .or_else(|| nd_overload(next))
            .unwrap_or(Ipv6Addr::LOCALHOST)
    }

    /// The source address that will be written: `src`, or the route's source for `dst`.
    pub fn resolved_src(&self, next: Option<&Layer>) -> Ipv6Addr {
        self.src
            .unwrap_or_else(|| route::src_v6(self.resolved_dst(next)))
    }
}

impl Proto for IPv6 {
    fn long_name(&self) -> &'static str {
        "IPv6"
    }

    fn build(&self, cx: &BuildCx<'_>, out: &mut Vec<u8>) -> Result<(), BuildError> {
        let next = cx.next();
        let w0 = (u32::from(self.version & 0x0f) << 28)
            | (u32::from(self.tc) << 20)
            | (self.fl & 0x000f_ffff);
        out.extend_from_slice(&w0.to_be_bytes());
        out.extend_from_slice(&self.plen.unwrap_or(0).to_be_bytes());
        let nh = self
            .nh
            .or_else(|| cx.bound("nh").and_then(|v| u8::try_from(v).ok()))
            .unwrap_or(NH_NONE);
        out.push(nh);
        let hlim = self
            .hlim
            .unwrap_or(if nd_overload(next).is_some() { 255 } else { 64 });
        out.push(hlim);
        out.extend_from_slice(&self.resolved_src(next).octets());
        out.extend_from_slice(&self.resolved_dst(next).octets());
        Ok(())
    }

    fn post_build(&self, _cx: &PostCx<'_>, _lower: &[u8], buf: &mut [u8]) {
        if self.plen.is_none() {
            let l = buf.len().saturating_sub(HEADER_LEN).min(0xffff);
            put16(buf, 4, l as u16);
        }
    }

    fn summary(&self, pkt: &Packet, idx: usize) -> Option<String> {
        // scapy's IPerror6 has no summary of its own.
        if pkt.layers().get(idx).map(Layer::kind) == Some(LayerKind::IPerror6) {
            return None;
        }
        let next = next_of(pkt.layers(), idx);
        let nh = resolved_nh(self.nh, LayerKind::IPv6, next);
        Some(format!(
            "{} > {} ({})",
            self.resolved_src(next),
            self.resolved_dst(next),
            nh
        ))
    }

    fn payload_len(&self, _hdr_len: usize) -> Option<usize> {
        match (self.plen, self.nh) {
            // A jumbogram (RFC 2675): the length is in a Hop-by-Hop option; take all.
            (Some(0), Some(0)) | (None, _) => None,
            (Some(l), _) => Some(usize::from(l)),
        }
    }
}

/// Dissects an IPv6 header.
pub fn dissect(data: &[u8]) -> Result<Dissected, ParseError> {
    let h = data
        .get(..HEADER_LEN)
        .ok_or_else(|| truncated("IPv6", HEADER_LEN, data.len()))?;
    Ok((Layer::IPv6(from_header(h)), HEADER_LEN))
}

/// Dissects an IPv6 header (quoted in an ICMPv6 error) cut by the capture's snap length
/// before its 40th byte: the fields whose bytes are there, the others zero or unset.
pub fn dissect_partial(data: &[u8]) -> IPv6 {
    from_header(data)
}

/// The fields whose bytes are in `h` (a whole header, or one cut short).
fn from_header(h: &[u8]) -> IPv6 {
    let w0 = be32(h, 0).unwrap_or(0);
    IPv6 {
        version: u8_at(h, 0).unwrap_or(0) >> 4,
        tc: ((be16(h, 0).unwrap_or(0) >> 4) & 0xff) as u8,
        fl: w0 & 0x000f_ffff,
        plen: be16(h, 4),
        nh: u8_at(h, 6),
        hlim: u8_at(h, 7),
        src: array_at::<16>(h, 8).map(Ipv6Addr::from),
        dst: Some(
            array_at::<16>(h, 24)
                .map(Ipv6Addr::from)
                .unwrap_or(Ipv6Addr::UNSPECIFIED),
        ),
        ..Default::default()
    }
}

/// Dissects a Fragment header cut by the capture's snap length after its offset and
/// flags (4 to 7 bytes): those fields, no identification.
pub fn dissect_fragment_cut(data: &[u8]) -> IPv6ExtHdrFragment {
    let w = be16(data, 2).unwrap_or(0);
    IPv6ExtHdrFragment {
        nh: u8_at(data, 0),
        res1: u8_at(data, 1).unwrap_or(0),
        offset: w >> 3,
        res2: ((w >> 1) & 3) as u8,
        m: (w & 1) as u8,
        id: be32(data, 4),
        ..Default::default()
    }
}

/// The upper layer of an extension header carrying TCP or UDP inside a quoted datagram:
/// scapy's `_IPv6ExtHdr.guess_payload_class` gives `TCPerror`/`UDPerror` under `IPerror6`.
fn ext_next_layer(nh: Option<u8>, cx: &DissectCx<'_>) -> Option<LayerKind> {
    let quoted = cx.below.iter().any(|l| l.kind() == LayerKind::IPerror6);
    match nh {
        Some(6) if quoted => Some(LayerKind::TCPerror),
        Some(17) if quoted => Some(LayerKind::UDPerror),
        _ => None,
    }
}

macro_rules! options_header {
    ($ty:ident, $name:literal, $long:literal, $doc:literal) => {
        define_layer! {
            #[doc = $doc]
            pub struct $ty($name) {
                nh: Option<u8> = None, FieldKind::Enum(8), "59",
                    "Next header (from the binding table when unset, else 59)",
                    values(IPV6_NH), auto();
                len: Option<u8> = None, FieldKind::Int(8), "None",
                    "Header length in 8-octet units, not counting the first (computed when unset)",
                    auto();
                autopad: u8 = 1, FieldKind::Int(1), "1",
                    "Pad options to their alignment and the header to 8 octets (not on the wire)";
                options: Vec<Ipv6Option> = Vec::new(), FieldKind::PacketList, "[]", "Options";
            }
        }

        impl $ty {
            /// Sets the options (typed).
            pub fn with_options(mut self, options: Vec<Ipv6Option>) -> Self {
                self.options = options;
                self
            }
        }

        impl Proto for $ty {
            fn long_name(&self) -> &'static str {
                $long
            }

            fn build(&self, cx: &BuildCx<'_>, out: &mut Vec<u8>) -> Result<(), BuildError> {
                let nh = self
                    .nh
                    .or_else(|| cx.bound("nh").and_then(|v| u8::try_from(v).ok()))
                    .unwrap_or(NH_NONE);
                let opts = encode_options(&self.options, self.autopad != 0);
                out.push(nh);
                out.push(self.len.unwrap_or_else(|| opts_hdr_len(opts.len())));
                out.extend_from_slice(&opts);
                Ok(())
            }

            fn next_layer(&self, cx: &DissectCx<'_>, _payload: &[u8]) -> Option<LayerKind> {
                ext_next_layer(self.nh, cx)
            }
        }
    };
}

options_header!(
    IPv6ExtHdrHopByHop,
    "IPv6ExtHdrHopByHop",
    "IPv6 Extension Header - Hop-by-Hop Options Header",
    "A Hop-by-Hop Options extension header (next header 0)."
);

options_header!(
    IPv6ExtHdrDestOpt,
    "IPv6ExtHdrDestOpt",
    "IPv6 Extension Header - Destination Options Header",
    "A Destination Options extension header (next header 60)."
);

define_layer! {
    /// A Routing extension header (next header 43), type 0 layout.
    pub struct IPv6ExtHdrRouting("IPv6ExtHdrRouting") {
        nh: Option<u8> = None, FieldKind::Enum(8), "59",
            "Next header (from the binding table when unset, else 59)", values(IPV6_NH), auto();
        len: Option<u8> = None, FieldKind::Int(8), "None",
            "Header length in 8-octet units (2 per address when unset)", auto();
        type_ as "type": u8 = 0, FieldKind::Int(8), "0", "Routing type";
        segleft: Option<u8> = None, FieldKind::Int(8), "None",
            "Segments left (the number of addresses when unset)", auto();
        reserved: u32 = 0, FieldKind::Int(32), "0", "Reserved";
        addresses: Vec<Ipv6Addr> = Vec::new(), FieldKind::List, "[]", "Addresses";
    }
}

impl FieldType for Vec<Ipv6Addr> {
    fn to_value(&self) -> Value {
        Value::List(self.iter().map(|a| Value::Ipv6(*a)).collect())
    }
    fn from_value(v: Value, desc: &FieldDesc) -> Result<Self, FieldError> {
        match v {
            Value::List(items) => items
                .into_iter()
                .map(|x| Ipv6Addr::from_value(x, desc))
                .collect(),
            Value::None => Ok(Vec::new()),
            other => Ok(vec![Ipv6Addr::from_value(other, desc)?]),
        }
    }
}

impl IPv6ExtHdrRouting {
    /// The final destination for upper-layer checksums (scapy's `in6_pseudoheader`): the
    /// last address when segments are left (an unset `segleft` counts as non-zero).
    pub fn final_destination(&self) -> Option<Ipv6Addr> {
        if self.segleft == Some(0) {
            return None;
        }
        self.addresses.last().copied()
    }

    /// Sets the addresses (typed).
    pub fn with_addresses(mut self, addresses: Vec<Ipv6Addr>) -> Self {
        self.addresses = addresses;
        self
    }
}

impl Proto for IPv6ExtHdrRouting {
    fn long_name(&self) -> &'static str {
        "IPv6 Option Header Routing"
    }

    fn build(&self, cx: &BuildCx<'_>, out: &mut Vec<u8>) -> Result<(), BuildError> {
        let nh = self
            .nh
            .or_else(|| cx.bound("nh").and_then(|v| u8::try_from(v).ok()))
            .unwrap_or(NH_NONE);
        let n = self.addresses.len();
        out.push(nh);
        out.push(self.len.unwrap_or((2 * n).min(255) as u8));
        out.push(self.type_);
        out.push(self.segleft.unwrap_or(n.min(255) as u8));
        out.extend_from_slice(&self.reserved.to_be_bytes());
        for a in &self.addresses {
            out.extend_from_slice(&a.octets());
        }
        Ok(())
    }

    fn next_layer(&self, cx: &DissectCx<'_>, _payload: &[u8]) -> Option<LayerKind> {
        ext_next_layer(self.nh, cx)
    }
}

define_layer! {
    /// A Fragment extension header (next header 44).
    pub struct IPv6ExtHdrFragment("IPv6ExtHdrFragment") {
        nh: Option<u8> = None, FieldKind::Enum(8), "59",
            "Next header (from the binding table when unset, else 59)", values(IPV6_NH), auto();
        res1: u8 = 0, FieldKind::Int(8), "0", "Reserved";
        offset: u16 = 0, FieldKind::Int(13), "0", "Fragment offset in 8-octet units";
        res2: u8 = 0, FieldKind::Int(2), "0", "Reserved";
        m: u8 = 0, FieldKind::Int(1), "0", "More fragments";
        id: Option<u32> = None, FieldKind::Int(32), "None", "Identification (0 when unset)";
    }
}

impl Proto for IPv6ExtHdrFragment {
    fn long_name(&self) -> &'static str {
        "IPv6 Extension Header - Fragmentation header"
    }

    fn build(&self, cx: &BuildCx<'_>, out: &mut Vec<u8>) -> Result<(), BuildError> {
        let nh = self
            .nh
            .or_else(|| cx.bound("nh").and_then(|v| u8::try_from(v).ok()))
            .unwrap_or(NH_NONE);
        out.push(nh);
        out.push(self.res1);
        let w =
            ((self.offset & 0x1fff) << 3) | (u16::from(self.res2 & 3) << 1) | u16::from(self.m & 1);
        out.extend_from_slice(&w.to_be_bytes());
        out.extend_from_slice(&self.id.unwrap_or(0).to_be_bytes());
        Ok(())
    }

    fn next_layer(&self, cx: &DissectCx<'_>, _payload: &[u8]) -> Option<LayerKind> {
        if self.offset > 0 {
            Some(LayerKind::Raw)
        } else {
            ext_next_layer(self.nh, cx)
        }
    }
}

/// The decoded fields of a Hop-by-Hop or Destination Options header.
struct OptsHdr {
    nh: Option<u8>,
    len: Option<u8>,
    autopad: u8,
    options: Vec<Ipv6Option>,
    hlen: usize,
}

fn dissect_options_hdr(name: &'static str, data: &[u8]) -> Result<OptsHdr, ParseError> {
    let (Some(nh), Some(len)) = (u8_at(data, 0), u8_at(data, 1)) else {
        return Err(truncated(name, 2, data.len()));
    };
    let hlen = 8 * (usize::from(len) + 1);
    let area = data
        .get(2..hlen)
        .ok_or_else(|| truncated(name, hlen, data.len()))?;
    let options = Ipv6Option::parse_all(area);
    let autopad = u8::from(encode_options(&options, true) == area);
    Ok(OptsHdr {
        nh: Some(nh),
        len: Some(len),
        autopad,
        options,
        hlen,
    })
}

/// Dissects an extension header of `kind` (chosen by the binding table).
pub fn dissect_ext(kind: LayerKind, data: &[u8]) -> Result<Dissected, ParseError> {
    match kind {
        LayerKind::IPv6ExtHdrHopByHop => {
            let o = dissect_options_hdr("IPv6ExtHdrHopByHop", data)?;
            let h = IPv6ExtHdrHopByHop {
                nh: o.nh,
                len: o.len,
                autopad: o.autopad,
                options: o.options,
                ..Default::default()
            };
            Ok((Layer::IPv6ExtHdrHopByHop(h), o.hlen))
        }
        LayerKind::IPv6ExtHdrDestOpt => {
            let o = dissect_options_hdr("IPv6ExtHdrDestOpt", data)?;
            let h = IPv6ExtHdrDestOpt {
                nh: o.nh,
                len: o.len,
                autopad: o.autopad,
                options: o.options,
                ..Default::default()
            };
            Ok((Layer::IPv6ExtHdrDestOpt(h), o.hlen))
        }
        LayerKind::IPv6ExtHdrRouting => {
            let h = data
                .get(..8)
                .ok_or_else(|| truncated("IPv6ExtHdrRouting", 8, data.len()))?;
            let len = u8_at(h, 1).unwrap_or(0);
            let declared = 8 + 8 * usize::from(len);
            if data.len() < declared {
                return Err(truncated("IPv6ExtHdrRouting", declared, data.len()));
            }
            // scapy reads whole addresses only; an odd length leaves its last 8 bytes to
            // the next layer.
            let n_addr = usize::from(len) / 2;
            let addresses = (0..n_addr)
                .filter_map(|i| array_at::<16>(data, 8 + 16 * i).map(Ipv6Addr::from))
                .collect();
            let r = IPv6ExtHdrRouting {
                nh: u8_at(h, 0),
                len: Some(len),
                type_: u8_at(h, 2).unwrap_or(0),
                segleft: u8_at(h, 3),
                reserved: be32(h, 4).unwrap_or(0),
                addresses,
                ..Default::default()
            };
            Ok((Layer::IPv6ExtHdrRouting(r), 8 + 16 * n_addr))
        }
        LayerKind::IPv6ExtHdrFragment => {
            let h = data
                .get(..8)
                .ok_or_else(|| truncated("IPv6ExtHdrFragment", 8, data.len()))?;
            let w = be16(h, 2).unwrap_or(0);
            let f = IPv6ExtHdrFragment {
                nh: u8_at(h, 0),
                res1: u8_at(h, 1).unwrap_or(0),
                offset: w >> 3,
                res2: ((w >> 1) & 3) as u8,
                m: (w & 1) as u8,
                id: be32(h, 4),
                ..Default::default()
            };
            Ok((Layer::IPv6ExtHdrFragment(f), 8))
        }
        other => Err(ParseError::Malformed {
            layer: "IPv6",
            offset: 0,
            reason: format!("{} is not an IPv6 extension header", other.name()),
        }),
    }
}

// ---------------------------------------------------------------------------------------
// Wireshark fields
// ---------------------------------------------------------------------------------------

use crate::dissect::View;
use crate::fields::{Base, FieldDef, FieldType as Ft, FieldVal, Protocol, VIEW_IPV6, on};

/// Whether the bytes of `field` (the owned model's name) were captured: a header cut before
/// its end (a partial view: an IPv6 header quoted in an ICMPv6 error) has only those
/// fields.
fn captured(v: &Ipv6View<'_>, field: &str) -> bool {
    !v.is_partial() || v.has(field)
}

/// Wireshark's `ipv6.*` fields (every IPv6 header, quoted ones too).
pub static FIELDS: &[FieldDef] = &[
    FieldDef {
        name: "ipv6.src",
        ty: Ft::Ipv6,
        base: Base::None,
        desc: "Source Address",
        each: on!(l, View::Ipv6(v) if captured(&v, "src") => FieldVal::Ipv6(v.src())),
    },
    FieldDef {
        name: "ipv6.dst",
        ty: Ft::Ipv6,
        base: Base::None,
        desc: "Destination Address",
        each: on!(l, View::Ipv6(v) if captured(&v, "dst") => FieldVal::Ipv6(v.dst())),
    },
    FieldDef {
        name: "ipv6.nxt",
        ty: Ft::UInt,
        base: Base::Dec,
        desc: "Next Header",
        each: on!(l, View::Ipv6(v) if captured(&v, "nh") => FieldVal::UInt(v.nh().into())),
    },
    FieldDef {
        name: "ipv6.hlim",
        ty: Ft::UInt,
        base: Base::Dec,
        desc: "Hop Limit",
        each: on!(l, View::Ipv6(v) if captured(&v, "hlim") => FieldVal::UInt(v.hlim().into())),
    },
    FieldDef {
        name: "ipv6.plen",
        ty: Ft::UInt,
        base: Base::Dec,
        desc: "Payload Length",
        each: on!(l, View::Ipv6(v) if captured(&v, "plen") => FieldVal::UInt(v.plen().into())),
    },
    FieldDef {
        name: "ipv6.addr",
        ty: Ft::Ipv6,
        base: Base::None,
        desc: "Source or Destination Address",
        each: |f, e| {
            for l in f.layers() {
                if let View::Ipv6(v) = l.view {
                    if captured(&v, "src") {
                        e(FieldVal::Ipv6(v.src()));
                    }
                    if captured(&v, "dst") {
                        e(FieldVal::Ipv6(v.dst()));
                    }
                }
            }
        },
    },
];

/// The `ipv6` table.
pub static PROTOCOL: Protocol = Protocol {
    name: "ipv6",
    title: "Internet Protocol Version 6",
    fields: FIELDS,
    json: 5,
    views: VIEW_IPV6,
};

// -------------------------------------------------------------------------------------------
// tcpdump line: IPv6's part of `pktforge read`'s one-line summary, as tcpdump's
// print-ip6.c prints it. The line's frame (time, link header, the walk over layers) is
// src/output/line.rs; it calls this by layer kind.
// -------------------------------------------------------------------------------------------

/// IPv6's part of the tcpdump line: the addresses and the extension headers.
pub(crate) mod tcpdump {
    use crate::dissect::{Dissection, Ipv6View, LayerRec, View};
    use crate::layers::LayerKind;
    use crate::output::line::{Addr, view_len};

    /// `IP6 SRC > DST: ` and the rest of the line (`rest` starts at the IPv6 header).
    pub(crate) fn line(
        ip: &Ipv6View<'_>,
        rest: &[LayerRec<'_>],
        d: &Dissection<'_>,
        out: &mut Vec<u8>,
    ) {
        crate::layers::ip::tcpdump::demux(
            "IP6",
            Addr::V6(ip.src()),
            Addr::V6(ip.dst()),
            rest,
            d,
            out,
        );
    }

    /// The extension headers after the IPv6 header at `rest[0]`, as tcpdump names them before
    /// the upper layer (`HBH `, `srcrt `, `frag (OFFSET|LEN) `, `DSTOPT `), and the index in
    /// `rest` of the layer after them. `ip_end`: where the IP header says a cut packet ends.
    pub(crate) fn ext_headers(rest: &[LayerRec<'_>], ip_end: Option<usize>) -> (usize, String) {
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
        (k, ext)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layers::{ICMPv6EchoRequest, ICMPv6ND_NS, Raw};
    use crate::packet::LinkType;

    fn hx(p: Packet) -> String {
        hex::encode(p.build().unwrap())
    }

    #[test]
    fn defaults_and_summary() {
        // scapy: IPv6()
        let p = Packet::from(IPv6::new().src("::1"));
        assert_eq!(
            hx(p.clone()),
            "6000000000003b400000000000000000000000000000000100000000000000000000000000000001"
        );
        assert_eq!(p.summary(), "::1 > ::1 (59)");
        let q = IPv6::new().src("::1") / IPv6ExtHdrRouting::new();
        assert_eq!(q.summary(), "::1 > ::1 (43) / IPv6ExtHdrRouting");
    }

    #[test]
    fn parse_fields_and_truncation() {
        let b = hex::decode(
            "6123456700083a05fd00000000000000000000000000000220010db80000000000000000000000018000550000000000",
        )
        .unwrap();
        let (l, n) = dissect(&b).unwrap();
        assert_eq!(n, 40);
        let Layer::IPv6(ip) = l else { panic!() };
        assert_eq!((ip.version, ip.tc, ip.fl), (6, 0x12, 0x34567));
        assert_eq!((ip.plen, ip.nh, ip.hlim), (Some(8), Some(58), Some(5)));
        assert_eq!(ip.src, Some("fd00::2".parse().unwrap()));
        assert_eq!(ip.dst, Some("2001:db8::1".parse::<Ipv6Addr>().unwrap()));
        for k in 0..40 {
            assert_eq!(dissect(&b[..k]).unwrap_err(), truncated("IPv6", 40, k));
        }
        let p = Packet::parse(LinkType::Ipv6, &b);
        assert!(p.error().is_none());
        assert_eq!(p.build().unwrap(), b);
    }

    #[test]
    fn options_autopad_like_scapy() {
        // scapy: IPv6ExtHdrHopByHop()
        let h = |x: IPv6ExtHdrHopByHop| hx(Packet::from(x));
        assert_eq!(h(IPv6ExtHdrHopByHop::new()), "3b00010400000000");
        // options=[RouterAlert()]
        let ra = vec![Ipv6Option::router_alert(0)];
        assert_eq!(
            h(IPv6ExtHdrHopByHop::new().with_options(ra.clone())),
            "3b00050200000100"
        );
        // options=[RouterAlert()], autopad=0
        assert_eq!(
            h(IPv6ExtHdrHopByHop::new().with_options(ra).autopad(0)),
            "3b0005020000"
        );
        // options=[HBHOptUnknown(otype=0x3e, optdata=b"abcdefghijk")]
        assert_eq!(
            h(IPv6ExtHdrHopByHop::new()
                .with_options(vec![Ipv6Option::unknown(0x3e, b"abcdefghijk")])),
            "3b013e0b6162636465666768696a6b00"
        );
        // IPv6ExtHdrDestOpt(options=[Pad1(), Pad1(), RouterAlert()])
        let d = IPv6ExtHdrDestOpt::new().with_options(vec![
            Ipv6Option::Pad1,
            Ipv6Option::Pad1,
            Ipv6Option::router_alert(0),
        ]);
        assert_eq!(hx(Packet::from(d)), "3b00000005020000");
    }

    #[test]
    fn options_parse_never_overrun() {
        for t in [0u8, 1, 5, 0x3e] {
            for l in 0..8u8 {
                let bytes = [t, l, 1, 2, 3];
                let o = Ipv6Option::parse_all(&bytes);
                let mut out = Vec::new();
                for x in &o {
                    x.emit(&mut out);
                }
                assert_eq!(out, bytes, "type {t} len {l}: {o:?}");
            }
        }
        // An unpadded header comes back with autopad off and the same bytes.
        let b = hex::decode("3b00000502000000").unwrap();
        let (l, n) = dissect_ext(LayerKind::IPv6ExtHdrHopByHop, &b).unwrap();
        assert_eq!(n, 8);
        let Layer::IPv6ExtHdrHopByHop(h) = l else {
            panic!()
        };
        assert_eq!(h.autopad, 0);
        assert_eq!(hx(Packet::from(h)), "3b00000502000000");
    }

    #[test]
    fn ext_truncation() {
        let b = hex::decode("3b01010400000000000000000000000000").unwrap();
        for k in 0..2 {
            assert_eq!(
                dissect_ext(LayerKind::IPv6ExtHdrDestOpt, &b[..k]).unwrap_err(),
                truncated("IPv6ExtHdrDestOpt", 2, k)
            );
        }
        for k in 2..16 {
            assert_eq!(
                dissect_ext(LayerKind::IPv6ExtHdrDestOpt, &b[..k]).unwrap_err(),
                truncated("IPv6ExtHdrDestOpt", 16, k)
            );
        }
        let f = hex::decode("3a0000180000002a").unwrap();
        for k in 0..8 {
            assert_eq!(
                dissect_ext(LayerKind::IPv6ExtHdrFragment, &f[..k]).unwrap_err(),
                truncated("IPv6ExtHdrFragment", 8, k)
            );
        }
        let (l, _) = dissect_ext(LayerKind::IPv6ExtHdrFragment, &f).unwrap();
        let Layer::IPv6ExtHdrFragment(x) = l else {
            panic!()
        };
        assert_eq!((x.offset, x.m, x.id), (3, 0, Some(42)));
    }

    #[test]
    fn routing_final_destination_and_odd_len() {
        // scapy: IPv6ExtHdrRouting(addresses=["2001:db8::1","2001:db8::2"])
        let r = IPv6ExtHdrRouting::new().addresses(Value::List(vec![
            "2001:db8::1".into(),
            "2001:db8::2".into(),
        ]));
        assert_eq!(r.final_destination(), Some("2001:db8::2".parse().unwrap()));
        assert_eq!(r.clone().segleft(0).final_destination(), None);
        assert_eq!(
            hx(Packet::from(r)),
            "3b0400020000000020010db800000000000000000000000120010db8000000000000000000000002"
        );
        // len=1: no whole address, the 8 bytes go to the payload.
        let b = hex::decode("3b01000000000000aabbccddeeff0011").unwrap();
        let (l, n) = dissect_ext(LayerKind::IPv6ExtHdrRouting, &b).unwrap();
        assert_eq!(n, 8);
        let Layer::IPv6ExtHdrRouting(x) = l else {
            panic!()
        };
        assert!(x.addresses.is_empty());
        assert_eq!(
            dissect_ext(LayerKind::IPv6ExtHdrRouting, &b[..12]).unwrap_err(),
            truncated("IPv6ExtHdrRouting", 16, 12)
        );
    }

    #[test]
    fn later_fragment_is_raw_and_nd_overload() {
        // scapy: IPv6(src="::1")/IPv6ExtHdrFragment(offset=3)/ICMPv6EchoRequest()
        let p =
            IPv6::new().src("::1") / IPv6ExtHdrFragment::new().offset(3) / ICMPv6EchoRequest::new();
        let b = p.build().unwrap();
        assert_eq!(
            hex::encode(&b),
            "6000000000102c4000000000000000000000000000000001000000000000000000000000000000013a0000180000000080007fbb00000000"
        );
        let q = Packet::parse(LinkType::Ipv6, &b);
        assert!(q.layer::<Raw>().is_some());
        assert_eq!(q.build().unwrap(), b);
        // scapy: IPv6(src="fd00::2")/ICMPv6ND_RA() goes to ff02::1 with hlim 255.
        let ns = IPv6::new().src("fd00::2") / ICMPv6ND_NS::new();
        let h = hex::encode(ns.build().unwrap());
        assert!(h.starts_with("6000000000183aff"), "{h}");
        assert!(h.contains("ff020000000000000000000000000001"), "{h}");
    }

    #[test]
    fn random_bytes_never_panic_and_round_trip() {
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let nhs = [0u8, 43, 44, 60, 58, 59, 41];
        let types = [1u8, 2, 3, 4, 128, 129, 133, 134, 135, 136, 137, 200];
        let mut ok = 0;
        for i in 0..4000 {
            let len = (next() % 160) as usize;
            let mut b: Vec<u8> = (0..40 + len).map(|_| next() as u8).collect();
            b[0] = 0x60;
            b[4..6].copy_from_slice(&(len as u16).to_be_bytes());
            b[6] = nhs[i % nhs.len()];
            if len > 0 && b[6] == 58 {
                b[40] = types[(next() % types.len() as u64) as usize];
            }
            if len > 1 && matches!(b[6], 0 | 43 | 60) {
                b[41] %= 4;
            }
            let p = Packet::parse(LinkType::Ipv6, &b);
            if p.error().is_none() {
                assert_eq!(p.build().unwrap(), b, "{}", p.summary());
                ok += 1;
            }
            for k in [0, 1, 39, 41, 47, 48] {
                let _ = Packet::parse(LinkType::Ipv6, b.get(..k).unwrap_or(&b));
            }
        }
        assert!(ok > 1000, "only {ok} clean parses");
    }
}
