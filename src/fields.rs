//! The table of Wireshark fields: one registry behind `--json`, `-e NAME`, display filters,
//! statistics and export.
//!
//! Each protocol declares its entries beside its layer (Wireshark's `hf_register_info` in
//! `packet-udp.c`): the field's Wireshark name, its [`FieldType`], how tshark prints it
//! ([`Base`]), a one-line description, and a reader that walks a [`Frame`] (the frame's
//! record header and its fast [`Dissection`]) and hands every occurrence of the field to a
//! callback, in packet order. This module knows no protocol by heart: it only holds the
//! types, the list of protocol tables ([`TABLES`]) and the look-ups over them.

use std::net::{Ipv4Addr, Ipv6Addr};

use crate::dissect::{Dissection, DnsName};
use crate::mac::MacAddr;
use crate::output::FrameMeta;

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

/// Every protocol's table, in the order `--json` writes them.
pub static TABLES: &[&[FieldDef]] = &[];

/// Every field of every table.
pub fn all() -> impl Iterator<Item = &'static FieldDef> {
    TABLES.iter().flat_map(|t| t.iter())
}

/// The entry named `name`.
pub fn lookup(name: &str) -> Option<&'static FieldDef> {
    all().find(|f| f.name == name)
}

/// The table's names closest to `name` (edit distance), at most `n`, closest first: for
/// "did you mean" in error messages.
pub fn closest(name: &str, n: usize) -> Vec<&'static str> {
    let mut scored: Vec<(usize, &'static str)> = all()
        .map(|f| (edit_distance(name, f.name), f.name))
        .filter(|&(d, cand)| d <= (cand.len() / 3).max(2))
        .collect();
    scored.sort();
    scored.into_iter().take(n).map(|(_, s)| s).collect()
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
