//! The table of Wireshark fields: one registry behind `--json`, `-e NAME`, display filters,
//! statistics and export.
//!
//! Each protocol declares its entries beside its layer (Wireshark's `hf_register_info` in
//! `packet-udp.c`): the field's Wireshark name, its [`FieldType`], how tshark prints it
//! ([`Base`]), a one-line description, and a reader that walks a [`Frame`] (the frame's
//! record header and its fast [`Dissection`]) and hands every occurrence of the field to a
//! callback, in packet order. This module knows no protocol by heart: it only holds the
//! types, the list of protocol tables ([`TABLES`], [`PROTOCOLS`]) and the look-ups over
//! them, and writes values as tshark prints them ([`write_value`]).
//!
//! ```
//! use pktforge::dissect::{Dissection, dissect};
//! use pktforge::fields::{self, FieldType, FieldVal, Frame};
//! use pktforge::output::FrameMeta;
//! use pktforge::prelude::*;
//!
//! let ip_src = fields::lookup("ip.src").unwrap();
//! assert_eq!(ip_src.ty, FieldType::Ipv4);
//! assert_eq!(ip_src.protocol(), "ip");
//! assert_eq!(fields::closest("ip.srcc", 1), vec!["ip.src"]);
//!
//! // Every occurrence, in packet order: the either-direction alias gives both addresses.
//! let bytes = (Ether::new() / IP::new().src("192.0.2.1").dst("192.0.2.2") / UDP::new())
//!     .build()
//!     .unwrap();
//! let mut d = Dissection::new();
//! dissect(LinkType::Ether, &bytes, &mut d);
//! let meta = FrameMeta { number: 1, ts_sec: 1, ts_nsec: 0, orig_len: 42, cap_len: 42 };
//! let frame = Frame { meta: &meta, first_ts: (1, 0), prev_ts: (1, 0), data: &bytes, d: &d };
//! let mut seen = Vec::new();
//! (fields::lookup("ip.addr").unwrap().each)(&frame, &mut |v| {
//!     if let FieldVal::Ipv4(a) = v {
//!         seen.push(a.to_string());
//!     }
//! });
//! assert_eq!(seen, ["192.0.2.1", "192.0.2.2"]);
//! ```

use std::net::{Ipv4Addr, Ipv6Addr};

use crate::dissect::{Dissection, DnsName, LayerRec, View};
use crate::mac::MacAddr;
use crate::output::FrameMeta;
use crate::output::text::{hex_digit, put_hex8, put_ipv4, put_ipv6, put_mac, put_u64};

/// What kind of value a field holds (what a display filter may compare it with).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    /// An unsigned integer (ports, lengths, flags words).
    UInt,
    /// A signed integer.
    Int,
    /// A boolean (a one-bit flag): `1`/`0`.
    Bool,
    /// An IPv4 address.
    Ipv4,
    /// An IPv6 address.
    Ipv6,
    /// A MAC address.
    Mac,
    /// Text (DNS names, HTTP header values).
    Str,
    /// Bytes.
    Bytes,
    /// An absolute time (seconds and nanoseconds since the epoch).
    Time,
    /// A time relative to another frame, in nanoseconds.
    RelTime,
}

impl FieldType {
    /// The type's name as `tshark -G fields` prints it (`FT_UINT16`...), close enough to
    /// tell the kinds apart.
    pub fn name(self) -> &'static str {
        match self {
            FieldType::UInt => "FT_UINT",
            FieldType::Int => "FT_INT",
            FieldType::Bool => "FT_BOOLEAN",
            FieldType::Ipv4 => "FT_IPv4",
            FieldType::Ipv6 => "FT_IPv6",
            FieldType::Mac => "FT_ETHER",
            FieldType::Str => "FT_STRING",
            FieldType::Bytes => "FT_BYTES",
            FieldType::Time => "FT_ABSOLUTE_TIME",
            FieldType::RelTime => "FT_RELATIVE_TIME",
        }
    }

    /// Words a person understands, for error messages: "an IPv4 address".
    pub fn described(self) -> &'static str {
        match self {
            FieldType::UInt => "an unsigned integer",
            FieldType::Int => "a signed integer",
            FieldType::Bool => "a boolean",
            FieldType::Ipv4 => "an IPv4 address",
            FieldType::Ipv6 => "an IPv6 address",
            FieldType::Mac => "a MAC address",
            FieldType::Str => "a string",
            FieldType::Bytes => "a byte string",
            FieldType::Time => "an absolute time",
            FieldType::RelTime => "a relative time",
        }
    }
}

/// How tshark prints an integer field with `-T fields`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Base {
    /// Decimal.
    Dec,
    /// Hexadecimal with `0x` and this many digits (`eth.type` is `0x0800`: 4).
    Hex(u8),
    /// Not an integer.
    None,
}

/// One occurrence of a field in a frame.
#[derive(Debug, Clone, Copy)]
pub enum FieldVal<'a> {
    /// An unsigned integer.
    UInt(u64),
    /// A signed integer.
    Int(i64),
    /// A boolean.
    Bool(bool),
    /// An IPv4 address.
    Ipv4(Ipv4Addr),
    /// An IPv6 address.
    Ipv6(Ipv6Addr),
    /// A MAC address.
    Mac(MacAddr),
    /// Text, as bytes of the packet.
    Str(&'a [u8]),
    /// A DNS name, read from the message on demand.
    Name(DnsName<'a>),
    /// Bytes of the packet.
    Bytes(&'a [u8]),
    /// Seconds and nanoseconds since the epoch.
    Time(i64, u32),
    /// Nanoseconds, relative (may be negative).
    RelTime(i64),
}

/// A frame as the field readers see it: its record header, what came before it (for
/// relative times), its bytes and its fast dissection.
#[derive(Debug, Clone, Copy)]
pub struct Frame<'f, 'a> {
    /// Number, times and lengths from the capture file.
    pub meta: &'f FrameMeta,
    /// Time of the first frame of the capture (for `frame.time_relative`).
    pub first_ts: (i64, u32),
    /// Time of the previous frame read (for `frame.time_delta`).
    pub prev_ts: (i64, u32),
    /// The captured bytes.
    pub data: &'a [u8],
    /// The fast dissection of `data`.
    pub d: &'f Dissection<'a>,
}

impl<'f, 'a> Frame<'f, 'a> {
    /// The frame's layers, outermost first.
    pub fn layers(&self) -> &'f [LayerRec<'a>] {
        self.d.layers()
    }

    /// The [`view_bit`]s of the frame's layers, or-ed together: a protocol whose
    /// [`Protocol::views`] share none of them has no field in the frame.
    pub fn present(&self) -> u32 {
        self.layers()
            .iter()
            .fold(0, |acc, l| acc | view_bit(&l.view))
    }
}

/// Receives each occurrence of a field.
pub type Emit<'s, 'a> = &'s mut dyn FnMut(FieldVal<'a>);

/// One entry of the table.
#[derive(Clone, Copy)]
pub struct FieldDef {
    /// Wireshark's name (`udp.srcport`).
    pub name: &'static str,
    /// Its type.
    pub ty: FieldType,
    /// How tshark prints it.
    pub base: Base,
    /// One line saying what it is.
    pub desc: &'static str,
    /// Hands every occurrence of the field in the frame to the callback, in packet order.
    pub each: for<'f, 'a> fn(&Frame<'f, 'a>, Emit<'_, 'a>),
}

impl std::fmt::Debug for FieldDef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FieldDef")
            .field("name", &self.name)
            .field("ty", &self.ty)
            .finish()
    }
}

impl FieldDef {
    /// The protocol the field belongs to: its name up to the first dot (`udp` for
    /// `udp.srcport`), the `proto` column of `tshark -G fields`.
    pub fn protocol(&self) -> &'static str {
        self.name.split('.').next().unwrap_or(self.name)
    }
}

/// A protocol's table, as its layer file declares it.
#[derive(Debug)]
pub struct Protocol {
    /// Wireshark's protocol name (`udp`), the prefix of its fields.
    pub name: &'static str,
    /// Wireshark's title (`User Datagram Protocol`).
    pub title: &'static str,
    /// The fields, `--json`'s default fields first.
    pub fields: &'static [FieldDef],
    /// How many of the first `fields` `pktforge read --json` writes by default, in order.
    pub json: usize,
    /// The views the protocol's fields are read from ([`view_bit`] bits); a frame with none
    /// of them has none of its fields. `0`: every frame may have them (`frame.*`).
    pub views: u32,
}

/// Every protocol, in the order `--json` writes them.
pub static PROTOCOLS: &[&Protocol] = &[
    &crate::layers::frame::PROTOCOL,
    &crate::layers::ether::PROTOCOL,
    &crate::layers::dot1q::PROTOCOL,
    &crate::layers::arp::PROTOCOL,
    &crate::layers::ip::PROTOCOL,
    &crate::layers::ipv6::PROTOCOL,
    &crate::layers::icmp::PROTOCOL,
    &crate::layers::icmpv6::PROTOCOL,
    &crate::layers::tcp::PROTOCOL,
    &crate::layers::udp::PROTOCOL,
    &crate::layers::dns::PROTOCOL,
    &crate::layers::http::PROTOCOL,
];

/// Every protocol's table, in the order `--json` writes them (the `fields` of
/// [`PROTOCOLS`]).
pub static TABLES: &[&[FieldDef]] = &[
    crate::layers::frame::FIELDS,
    crate::layers::ether::FIELDS,
    crate::layers::dot1q::FIELDS,
    crate::layers::arp::FIELDS,
    crate::layers::ip::FIELDS,
    crate::layers::ipv6::FIELDS,
    crate::layers::icmp::FIELDS,
    crate::layers::icmpv6::FIELDS,
    crate::layers::tcp::FIELDS,
    crate::layers::udp::FIELDS,
    crate::layers::dns::FIELDS,
    crate::layers::http::FIELDS,
];

/// Every field of every table.
pub fn all() -> impl Iterator<Item = &'static FieldDef> {
    TABLES.iter().flat_map(|t| t.iter())
}

/// The protocol named `name` (`udp`).
pub fn protocol(name: &str) -> Option<&'static Protocol> {
    PROTOCOLS.iter().copied().find(|p| p.name == name)
}

/// [`view_bit`] of an Ethernet header.
pub const VIEW_ETHER: u32 = 1;
/// [`view_bit`] of an 802.1Q or 802.1ad tag.
pub const VIEW_VLAN: u32 = 1 << 1;
/// [`view_bit`] of a Linux cooked header (SLL or SLL2).
pub const VIEW_SLL: u32 = 1 << 2;
/// [`view_bit`] of a BSD loopback header.
pub const VIEW_LOOPBACK: u32 = 1 << 3;
/// [`view_bit`] of an ARP message.
pub const VIEW_ARP: u32 = 1 << 4;
/// [`view_bit`] of an IPv4 header.
pub const VIEW_IPV4: u32 = 1 << 5;
/// [`view_bit`] of an IPv6 header.
pub const VIEW_IPV6: u32 = 1 << 6;
/// [`view_bit`] of an IPv6 extension header.
pub const VIEW_IPV6_EXT: u32 = 1 << 7;
/// [`view_bit`] of an ICMP header.
pub const VIEW_ICMP: u32 = 1 << 8;
/// [`view_bit`] of an ICMPv6 message.
pub const VIEW_ICMPV6: u32 = 1 << 9;
/// [`view_bit`] of an NDP option.
pub const VIEW_NDOPT: u32 = 1 << 10;
/// [`view_bit`] of a TCP header.
pub const VIEW_TCP: u32 = 1 << 11;
/// [`view_bit`] of a UDP header.
pub const VIEW_UDP: u32 = 1 << 12;
/// [`view_bit`] of a DNS message.
pub const VIEW_DNS: u32 = 1 << 13;
/// [`view_bit`] of a payload.
pub const VIEW_RAW: u32 = 1 << 14;
/// [`view_bit`] of padding.
pub const VIEW_PADDING: u32 = 1 << 15;

/// One bit per kind of view, so that a frame's protocols fit in a word.
pub fn view_bit(v: &View<'_>) -> u32 {
    match v {
        View::Ether(_) => VIEW_ETHER,
        View::Vlan(_) => VIEW_VLAN,
        View::Sll(_) | View::Sll2(_) => VIEW_SLL,
        View::Loopback(_) => VIEW_LOOPBACK,
        View::Arp(_) => VIEW_ARP,
        View::Ipv4(_) => VIEW_IPV4,
        View::Ipv6(_) => VIEW_IPV6,
        View::Ipv6Ext(_) => VIEW_IPV6_EXT,
        View::Icmp(_) => VIEW_ICMP,
        View::Icmpv6(_) => VIEW_ICMPV6,
        View::NdOpt(_) => VIEW_NDOPT,
        View::Tcp(_) => VIEW_TCP,
        View::Udp(_) => VIEW_UDP,
        View::Dns(_) => VIEW_DNS,
        View::Raw(_) => VIEW_RAW,
        View::Padding(_) => VIEW_PADDING,
    }
}

/// Emits one value per layer for which `get` gives one: the shape of most readers.
pub fn each_layer<'a>(
    f: &Frame<'_, 'a>,
    e: Emit<'_, 'a>,
    mut get: impl FnMut(&LayerRec<'a>) -> Option<FieldVal<'a>>,
) {
    for l in f.layers() {
        if let Some(v) = get(l) {
            e(v);
        }
    }
}

/// A reader that emits `$val` for every layer whose view matches `$pat` (and `$cond`);
/// `=>?` takes an `Option`.
macro_rules! on {
    ($l:ident, $pat:pat $(if $cond:expr)? => $val:expr) => {
        |f, e| {
            $crate::fields::each_layer(f, e, |$l| match $l.view {
                $pat $(if $cond)? => Some($val),
                _ => None,
            })
        }
    };
    ($l:ident, $pat:pat $(if $cond:expr)? =>? $val:expr) => {
        |f, e| {
            $crate::fields::each_layer(f, e, |$l| match $l.view {
                $pat $(if $cond)? => $val,
                _ => None,
            })
        }
    };
}
pub(crate) use on;

// ---------------------------------------------------------------------------------------
// Values as tshark prints them
// ---------------------------------------------------------------------------------------

/// Appends `v` as `tshark -T fields` prints it (`0x0800`, `198.18.0.1`, `1`,
/// `1795270721.774755000`, `example.com`); bytes of text outside printable ASCII are
/// written `\xNN`.
///
/// ```
/// use pktforge::fields::{Base, FieldVal, write_value};
/// let mut out = Vec::new();
/// write_value(&mut out, Base::Hex(4), FieldVal::UInt(0x800));
/// assert_eq!(out, b"0x0800");
/// ```
pub fn write_value(out: &mut Vec<u8>, base: Base, v: FieldVal<'_>) {
    put(out, base, v, false);
}

/// Appends `v` as a JSON value: decimal integers, booleans (`1`/`0`) and times are
/// numbers, everything else a string holding tshark's text.
#[inline]
pub fn write_json_value(out: &mut Vec<u8>, base: Base, v: FieldVal<'_>) {
    // The common cases first, without the general writer's call.
    match v {
        FieldVal::UInt(n) if !matches!(base, Base::Hex(_)) => put_u64(out, n),
        FieldVal::Bool(b) => out.push(if b { b'1' } else { b'0' }),
        FieldVal::Int(_) | FieldVal::Time(..) | FieldVal::RelTime(_) => put(out, base, v, true),
        _ => {
            out.push(b'"');
            put(out, base, v, true);
            out.push(b'"');
        }
    }
}

fn put(out: &mut Vec<u8>, base: Base, v: FieldVal<'_>, json: bool) {
    match v {
        FieldVal::UInt(n) => match base {
            Base::Hex(w) => put_hex(out, n, w),
            _ => put_u64(out, n),
        },
        FieldVal::Int(n) => {
            if n < 0 {
                out.push(b'-');
            }
            put_u64(out, n.unsigned_abs());
        }
        FieldVal::Bool(b) => out.push(if b { b'1' } else { b'0' }),
        FieldVal::Ipv4(a) => put_ipv4(out, a),
        FieldVal::Ipv6(a) => put_ipv6(out, a),
        FieldVal::Mac(m) => put_mac(out, m.0),
        FieldVal::Str(s) => put_text(out, s, json),
        FieldVal::Name(n) => {
            let mut any = false;
            for label in n.labels() {
                if any {
                    out.push(b'.');
                }
                any = true;
                put_text(out, label, json);
            }
            if !any {
                out.extend_from_slice(b"<Root>");
            }
        }
        FieldVal::Bytes(b) => {
            for x in b {
                put_hex8(out, *x);
            }
        }
        FieldVal::Time(sec, nsec) => put_time(out, sec, nsec),
        FieldVal::RelTime(ns) => {
            if ns < 0 {
                out.push(b'-');
            }
            let a = ns.unsigned_abs();
            put_u64(out, a / 1_000_000_000);
            put_frac9(out, (a % 1_000_000_000) as u32);
        }
    }
}

/// `0x` and at least `width` hexadecimal digits.
fn put_hex(out: &mut Vec<u8>, n: u64, width: u8) {
    out.extend_from_slice(b"0x");
    let digits = ((64 - n.leading_zeros()).div_ceil(4))
        .max(u32::from(width))
        .min(16);
    for i in (0..digits).rev() {
        out.push(hex_digit(((n >> (i * 4)) & 0xf) as u8));
    }
}

/// Text bytes: printable ASCII as is (JSON-escaped when `json`), others as `\xNN`.
fn put_text(out: &mut Vec<u8>, s: &[u8], json: bool) {
    for &b in s {
        match b {
            b'"' | b'\\' if json => {
                out.push(b'\\');
                out.push(b);
            }
            0x20..=0x7e => out.push(b),
            _ => {
                out.extend_from_slice(if json { b"\\\\x" } else { b"\\x" });
                put_hex8(out, b);
            }
        }
    }
}

/// `seconds.nanoseconds` with nine decimals; before 1970, the sign goes in front of the
/// whole value (`-1.500000000` for 1.5 s before the epoch).
pub(crate) fn put_time(out: &mut Vec<u8>, sec: i64, nsec: u32) {
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
    put_frac9(out, frac);
}

/// `.` and nine decimals.
fn put_frac9(out: &mut Vec<u8>, frac: u32) {
    out.push(b'.');
    let mut buf = [b'0'; 9];
    let mut f = frac;
    for slot in buf.iter_mut().rev() {
        *slot = b'0' + (f % 10) as u8;
        f /= 10;
    }
    out.extend_from_slice(&buf);
}

/// Nanoseconds from `from` to `to`, saturated to `i64`.
pub fn ns_between(from: (i64, u32), to: (i64, u32)) -> i64 {
    let ns = |(s, n): (i64, u32)| i128::from(s) * 1_000_000_000 + i128::from(n);
    i64::try_from(ns(to) - ns(from)).unwrap_or(if ns(to) > ns(from) {
        i64::MAX
    } else {
        i64::MIN
    })
}

/// The entry named `name`.
pub fn lookup(name: &str) -> Option<&'static FieldDef> {
    all().find(|f| f.name == name)
}

/// The table's names closest to `name` (edit distance), at most `n`, closest first: for
/// "did you mean" in error messages.
pub fn closest(name: &str, n: usize) -> Vec<&'static str> {
    nearest(name, all().map(|f| f.name), n)
}

/// The names of `names` within a small edit distance of `w` (at most a third of the name,
/// and at least 2 for names of 3 bytes or more), at most `n`, closest first; `w` itself is
/// not listed.
pub fn nearest<'n>(w: &str, names: impl IntoIterator<Item = &'n str>, n: usize) -> Vec<&'n str> {
    let mut scored: Vec<(usize, &'n str)> = names
        .into_iter()
        .map(|c| (edit_distance(w, c), c))
        .filter(|&(d, c)| {
            d > 0
                && d <= if c.len() >= 3 {
                    (c.len() / 3).max(2)
                } else {
                    1
                }
        })
        .collect();
    scored.sort();
    scored.dedup();
    scored.into_iter().take(n).map(|(_, c)| c).collect()
}

/// Levenshtein distance over bytes (names are ASCII; inputs are capped at 64 bytes so the
/// cost stays bounded on hostile text).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a = a.as_bytes().get(..a.len().min(64)).unwrap_or_default();
    let b = b.as_bytes().get(..b.len().min(64)).unwrap_or_default();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        if let Some(c0) = cur.first_mut() {
            *c0 = i + 1;
        }
        for (j, cb) in b.iter().enumerate() {
            let sub = prev.get(j).copied().unwrap_or(0) + usize::from(ca != cb);
            let del = prev.get(j + 1).copied().unwrap_or(0) + 1;
            let ins = cur.get(j).copied().unwrap_or(0) + 1;
            if let Some(c) = cur.get_mut(j + 1) {
                *c = sub.min(del).min(ins);
            }
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev.get(b.len()).copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_and_protocols_agree() {
        assert_eq!(TABLES.len(), PROTOCOLS.len());
        for (t, p) in TABLES.iter().zip(PROTOCOLS) {
            assert_eq!(t.len(), p.fields.len(), "{}", p.name);
            assert!(p.json <= p.fields.len(), "{}", p.name);
            for (a, b) in t.iter().zip(p.fields) {
                assert_eq!(a.name, b.name);
                assert_eq!(a.protocol(), p.name, "{} is not under {}", a.name, p.name);
            }
        }
    }

    #[test]
    fn names_are_unique_and_found() {
        let mut names: Vec<&str> = all().map(|f| f.name).collect();
        let n = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), n, "a name is in the table twice");
        for f in all() {
            assert_eq!(lookup(f.name).map(|d| d.name), Some(f.name));
            assert!(!f.desc.is_empty(), "{} has no description", f.name);
            let int = matches!(f.ty, FieldType::UInt | FieldType::Int);
            assert_eq!(
                int,
                f.base != Base::None,
                "{}: base and type disagree",
                f.name
            );
        }
        assert!(lookup("ip.nonesuch").is_none());
    }

    #[test]
    fn values_as_tshark_prints_them() {
        let text = |base, v| {
            let mut out = Vec::new();
            write_value(&mut out, base, v);
            String::from_utf8(out).unwrap()
        };
        let json = |base, v| {
            let mut out = Vec::new();
            write_json_value(&mut out, base, v);
            String::from_utf8(out).unwrap()
        };
        assert_eq!(text(Base::Hex(4), FieldVal::UInt(0x800)), "0x0800");
        assert_eq!(json(Base::Hex(4), FieldVal::UInt(0x800)), "\"0x0800\"");
        assert_eq!(text(Base::Hex(4), FieldVal::UInt(0x12345)), "0x12345");
        assert_eq!(json(Base::Dec, FieldVal::UInt(80)), "80");
        assert_eq!(text(Base::None, FieldVal::Bool(true)), "1");
        assert_eq!(text(Base::Dec, FieldVal::Int(-5)), "-5");
        assert_eq!(
            text(Base::None, FieldVal::RelTime(1_500_000_000)),
            "1.500000000"
        );
        assert_eq!(text(Base::None, FieldVal::RelTime(-1_500)), "-0.000001500");
        assert_eq!(
            text(Base::None, FieldVal::Time(-2, 500_000_000)),
            "-1.500000000"
        );
        assert_eq!(text(Base::None, FieldVal::Bytes(&[4, 2])), "0402");
        assert_eq!(text(Base::None, FieldVal::Str(b"a\"b\x01")), "a\"b\\x01");
        assert_eq!(
            json(Base::None, FieldVal::Str(b"a\"b\x01")),
            "\"a\\\"b\\\\x01\""
        );
        assert_eq!(ns_between((1, 0), (0, 999_999_999)), -1);
        assert_eq!(ns_between((i64::MIN, 0), (i64::MAX, 0)), i64::MAX);
    }

    /// Every reader on random bytes: no panic, and every value written.
    #[test]
    fn every_field_reads_random_packets() {
        use crate::dissect::dissect;
        use crate::packet::LinkType;
        let mut out = Vec::new();
        let links = [
            (LinkType::Ether, None),
            (LinkType::RawIp, Some(0x45)),
            (LinkType::Sll, None),
            (LinkType::Ipv6, Some(0x60)),
        ];
        crate::wire::random_packets(0x2545_f491, 2000, 256, &links, |_, link, data| {
            let mut d = Dissection::new();
            dissect(link, data, &mut d);
            let meta = FrameMeta {
                number: 1,
                ts_sec: i64::MAX,
                ts_nsec: 2_000_000_000,
                orig_len: 0,
                cap_len: 0,
            };
            let f = Frame {
                meta: &meta,
                first_ts: (i64::MIN, 0),
                prev_ts: (0, 0),
                data,
                d: &d,
            };
            for def in all() {
                (def.each)(&f, &mut |v| {
                    out.clear();
                    write_value(&mut out, def.base, v);
                });
            }
        });
    }
}
