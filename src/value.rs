//! Field values, field descriptions and the conversions between them.
//!
//! Every layer describes its fields in a static table of [`FieldDesc`]. The table is the
//! single source for field names, kinds, defaults, documentation and value names (scapy's
//! enums such as `type="echo-reply"`). It drives get/set by name, `show()`, `ls()` and,
//! later, the DSL, JSON output and filter field names.
//!
//! [`Value`] is the dynamically typed value exchanged through that table: what
//! [`crate::Packet::get`] returns and what [`crate::Packet::set`] accepts.

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

use crate::error::FieldError;
use crate::mac::MacAddr;

/// What kind of data a field holds. Used to parse, range-check and display values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// An unsigned integer of `bits` bits, shown in decimal.
    Int(u8),
    /// An unsigned integer of `bits` bits, shown in hex (`0x1f`), like scapy's `XShortField`.
    Hex(u8),
    /// An integer of `bits` bits whose values have names (see [`FieldDesc::values`]).
    Enum(u8),
    /// Like [`FieldKind::Enum`], but values without a name are shown in hex (scapy's
    /// `XShortEnumField`).
    HexEnum(u8),
    /// A set of flag bits; [`FieldDesc::flags`] names bit 0, bit 1, ...
    Flags(u8),
    /// An IPv4 address.
    Ipv4,
    /// An IPv6 address.
    Ipv6,
    /// A MAC address.
    Mac,
    /// Raw bytes.
    Bytes,
    /// A text string (DNS names).
    Str,
    /// A list of options or records with its own representation.
    List,
    /// A nested packet.
    Packet,
    /// A list of sub-records shown nested by `show()` (scapy's `PacketListField`: IP and
    /// IPv6 options, DNS sections).
    PacketList,
    /// A TCP port (16 bits), shown with its service name.
    TcpPort,
    /// A UDP port (16 bits), shown with its service name.
    UdpPort,
}

impl FieldKind {
    /// Human readable type name used by `ls()`.
    pub fn type_name(self) -> String {
        match self {
            FieldKind::Int(b) => format!("int{b}"),
            FieldKind::Hex(b) => format!("hex{b}"),
            FieldKind::Enum(b) | FieldKind::HexEnum(b) => format!("enum{b}"),
            FieldKind::Flags(b) => format!("flags{b}"),
            FieldKind::Ipv4 => "ipv4".into(),
            FieldKind::Ipv6 => "ipv6".into(),
            FieldKind::Mac => "mac".into(),
            FieldKind::Bytes => "bytes".into(),
            FieldKind::Str => "str".into(),
            FieldKind::List => "list".into(),
            FieldKind::Packet => "packet".into(),
            FieldKind::PacketList => "packets".into(),
            FieldKind::TcpPort | FieldKind::UdpPort => "port16".into(),
        }
    }

    /// Width in bits for integer kinds.
    pub fn bits(self) -> Option<u8> {
        match self {
            FieldKind::Int(b)
            | FieldKind::Hex(b)
            | FieldKind::Enum(b)
            | FieldKind::HexEnum(b)
            | FieldKind::Flags(b) => Some(b),
            FieldKind::TcpPort | FieldKind::UdpPort => Some(16),
            _ => None,
        }
    }
}

/// One row of a layer's field table.
#[derive(Debug, Clone, Copy)]
pub struct FieldDesc {
    /// scapy's field name.
    pub name: &'static str,
    /// The kind of value.
    pub kind: FieldKind,
    /// The default as scapy's `ls()` shows it (`"None"` for automatic fields).
    pub default: &'static str,
    /// One-line documentation.
    pub doc: &'static str,
    /// Names of values (for [`FieldKind::Enum`]).
    pub values: &'static [(u64, &'static str)],
    /// Names of flag bits, bit 0 first (for [`FieldKind::Flags`]).
    pub flags: &'static [&'static str],
    /// Whether the field is computed at build time when left unset.
    pub auto: bool,
}

impl FieldDesc {
    /// A plain field with no value names.
    pub const fn new(
        name: &'static str,
        kind: FieldKind,
        default: &'static str,
        doc: &'static str,
    ) -> Self {
        FieldDesc {
            name,
            kind,
            default,
            doc,
            values: &[],
            flags: &[],
            auto: false,
        }
    }

    /// Adds value names.
    pub const fn values(mut self, values: &'static [(u64, &'static str)]) -> Self {
        self.values = values;
        self
    }

    /// Adds flag names.
    pub const fn flags(mut self, flags: &'static [&'static str]) -> Self {
        self.flags = flags;
        self
    }

    /// Marks the field as computed when unset.
    pub const fn auto(mut self) -> Self {
        self.auto = true;
        self
    }

    /// The name of `v` in this field's value table, if any.
    pub fn value_name(&self, v: u64) -> Option<&'static str> {
        self.values.iter().find(|(n, _)| *n == v).map(|(_, s)| *s)
    }

    /// Renders an integer the way scapy's `show()` does for this field.
    pub fn display_int(&self, v: u64) -> String {
        match self.kind {
            FieldKind::Hex(_) => format!("{v:#x}"),
            FieldKind::Enum(_) => match self.value_name(v) {
                Some(n) => n.to_string(),
                None => v.to_string(),
            },
            FieldKind::HexEnum(_) => match self.value_name(v) {
                Some(n) => n.to_string(),
                None => format!("{v:#x}"),
            },
            FieldKind::Flags(_) => flags_to_string(v, self.flags),
            FieldKind::TcpPort => u16::try_from(v)
                .ok()
                .and_then(crate::services::tcp_name)
                .map_or_else(|| v.to_string(), str::to_string),
            FieldKind::UdpPort => u16::try_from(v)
                .ok()
                .and_then(crate::services::udp_name)
                .map_or_else(|| v.to_string(), str::to_string),
            _ => v.to_string(),
        }
    }
}

/// Renders flag bits with their names (scapy's `FlagValue` string form, e.g. `SA`, `DF`).
pub fn flags_to_string(v: u64, names: &[&str]) -> String {
    let single = names.iter().all(|n| n.chars().count() == 1);
    let mut parts: Vec<String> = Vec::new();
    let mut rest = v;
    for (i, n) in names.iter().enumerate() {
        if i < 64 && v & (1u64 << i) != 0 {
            parts.push((*n).to_string());
            rest &= !(1u64 << i);
        }
    }
    if rest != 0 {
        parts.push(format!("{rest:#x}"));
    }
    if single {
        parts.concat()
    } else {
        parts.join("+")
    }
}

/// A dynamically typed field value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// No value: an automatic field left to be computed.
    None,
    /// An integer (also flags and enums).
    Int(u64),
    /// A string: an address, a value name, flag letters, a DNS name.
    Str(String),
    /// Raw bytes.
    Bytes(Vec<u8>),
    /// An IPv4 address.
    Ipv4(Ipv4Addr),
    /// An IPv6 address.
    Ipv6(Ipv6Addr),
    /// A MAC address.
    Mac(MacAddr),
    /// A list (options, records, addresses).
    List(Vec<Value>),
    /// A tuple, as scapy writes options: `("MSS", 1460)`.
    Tuple(Vec<Value>),
    /// A nested packet (DNS records, quoted datagrams).
    Packet(Box<crate::Packet>),
}

impl Value {
    /// A short description of the value's type, for error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::None => "None",
            Value::Int(_) => "integer",
            Value::Str(_) => "string",
            Value::Bytes(_) => "bytes",
            Value::Ipv4(_) => "IPv4 address",
            Value::Ipv6(_) => "IPv6 address",
            Value::Mac(_) => "MAC address",
            Value::List(_) => "list",
            Value::Tuple(_) => "tuple",
            Value::Packet(_) => "packet",
        }
    }

    /// The integer inside, if any.
    pub fn as_int(&self) -> Option<u64> {
        match self {
            Value::Int(v) => Some(*v),
            _ => None,
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::None => f.write_str("None"),
            Value::Int(v) => write!(f, "{v}"),
            Value::Str(s) => write!(f, "'{}'", s.replace('\\', "\\\\").replace('\'', "\\'")),
            Value::Bytes(b) => f.write_str(&bytes_repr(b)),
            Value::Ipv4(a) => write!(f, "{a}"),
            Value::Ipv6(a) => write!(f, "{a}"),
            Value::Mac(m) => write!(f, "{m}"),
            Value::List(l) => {
                f.write_str("[")?;
                for (i, v) in l.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{v}")?;
                }
                f.write_str("]")
            }
            Value::Tuple(l) => {
                f.write_str("(")?;
                for (i, v) in l.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{v}")?;
                }
                if l.len() == 1 {
                    f.write_str(",")?;
                }
                f.write_str(")")
            }
            Value::Packet(p) => write!(f, "{}", p.command()),
        }
    }
}

/// Python-style bytes literal: `b'ab\x00'`.
pub fn bytes_repr(b: &[u8]) -> String {
    let mut s = String::with_capacity(b.len() + 3);
    s.push_str("b'");
    for &c in b {
        match c {
            b'\\' => s.push_str("\\\\"),
            b'\'' => s.push_str("\\'"),
            b'\n' => s.push_str("\\n"),
            b'\r' => s.push_str("\\r"),
            b'\t' => s.push_str("\\t"),
            0x20..=0x7e => s.push(c as char),
            _ => s.push_str(&format!("\\x{c:02x}")),
        }
    }
    s.push('\'');
    s
}

macro_rules! value_from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for Value {
            fn from(v: $t) -> Self { Value::Int(v as u64) }
        }
    )*};
}
value_from_int!(u8, u16, u32, u64, usize);

impl From<i32> for Value {
    fn from(v: i32) -> Self {
        // Negative literals are kept as a value that will fail the range check.
        if v < 0 {
            Value::Str(v.to_string())
        } else {
            Value::Int(v as u64)
        }
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Int(v as u64)
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Str(v.to_string())
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Str(v)
    }
}
impl From<&[u8]> for Value {
    fn from(v: &[u8]) -> Self {
        Value::Bytes(v.to_vec())
    }
}
impl<const N: usize> From<&[u8; N]> for Value {
    fn from(v: &[u8; N]) -> Self {
        Value::Bytes(v.to_vec())
    }
}
impl From<Vec<u8>> for Value {
    fn from(v: Vec<u8>) -> Self {
        Value::Bytes(v)
    }
}
impl From<Ipv4Addr> for Value {
    fn from(v: Ipv4Addr) -> Self {
        Value::Ipv4(v)
    }
}
impl From<[u8; 4]> for Value {
    fn from(v: [u8; 4]) -> Self {
        Value::Ipv4(v.into())
    }
}
impl From<Ipv6Addr> for Value {
    fn from(v: Ipv6Addr) -> Self {
        Value::Ipv6(v)
    }
}
impl From<[u16; 8]> for Value {
    fn from(v: [u16; 8]) -> Self {
        Value::Ipv6(v.into())
    }
}
impl From<MacAddr> for Value {
    fn from(v: MacAddr) -> Self {
        Value::Mac(v)
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        match v {
            Some(v) => v.into(),
            None => Value::None,
        }
    }
}
impl From<crate::Packet> for Value {
    fn from(v: crate::Packet) -> Self {
        Value::Packet(Box::new(v))
    }
}

/// A Rust type that can be stored in a field and converted to and from [`Value`].
pub trait FieldType: Sized {
    /// The value of this field as a [`Value`].
    fn to_value(&self) -> Value;
    /// Converts a [`Value`] for the field described by `desc`, checking type and range.
    fn from_value(v: Value, desc: &FieldDesc) -> Result<Self, FieldError>;
}

fn bad(desc: &FieldDesc, expected: &str, got: &Value) -> FieldError {
    FieldError::BadValue {
        field: desc.name,
        expected: expected.to_string(),
        got: got.to_string(),
    }
}

/// Converts a value to an integer for an integer-like field: numbers, value names,
/// flag strings (`"SA"`, `"DF+MF"`) and decimal or `0x` strings are accepted.
pub fn value_to_int(v: &Value, desc: &FieldDesc) -> Result<u64, FieldError> {
    let bits = desc.kind.bits().unwrap_or(64);
    let max = if bits >= 64 {
        u64::MAX
    } else {
        (1u64 << bits) - 1
    };
    let n = match v {
        Value::Int(n) => *n,
        Value::Str(s) => parse_int_str(s, desc).ok_or_else(|| {
            if matches!(desc.kind, FieldKind::Flags(_)) {
                bad(
                    desc,
                    &format!("flags from {:?} or an integer", desc.flags),
                    v,
                )
            } else if !desc.values.is_empty() {
                let names: Vec<&str> = desc.values.iter().map(|(_, n)| *n).collect();
                bad(
                    desc,
                    &format!("an integer or one of {}", names.join(", ")),
                    v,
                )
            } else {
                bad(desc, "an integer", v)
            }
        })?,
        Value::Ipv4(a) if bits == 32 => u32::from(*a) as u64,
        _ => return Err(bad(desc, "an integer", v)),
    };
    if n > max {
        return Err(FieldError::OutOfRange {
            field: desc.name,
            max,
            got: n.to_string(),
        });
    }
    Ok(n)
}

fn parse_int_str(s: &str, desc: &FieldDesc) -> Option<u64> {
    let t = s.trim();
    if let Some(h) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        return u64::from_str_radix(h, 16).ok();
    }
    if let Ok(n) = t.parse::<u64>() {
        return Some(n);
    }
    // scapy looks names up in the reversed value->name table: when a name belongs to
    // several values, the last one wins.
    if let Some((n, _)) = desc.values.iter().rev().find(|(_, name)| *name == t) {
        return Some(*n);
    }
    if let Some((n, _)) = desc
        .values
        .iter()
        .rev()
        .find(|(_, name)| name.eq_ignore_ascii_case(t))
    {
        return Some(*n);
    }
    if matches!(desc.kind, FieldKind::Flags(_)) {
        return parse_flags(t, desc.flags);
    }
    match desc.kind {
        FieldKind::TcpPort => return crate::services::tcp_port(t).map(u64::from),
        FieldKind::UdpPort => return crate::services::udp_port(t).map(u64::from),
        _ => {}
    }
    None
}

/// Parses flag names: single letters concatenated (`"SA"`) or names joined by `+` (`"DF+MF"`).
pub fn parse_flags(s: &str, names: &[&str]) -> Option<u64> {
    let mut v = 0u64;
    if s.is_empty() {
        return Some(0);
    }
    let single = names.iter().all(|n| n.chars().count() == 1);
    if single && !s.contains('+') {
        for c in s.chars() {
            let i = names.iter().position(|n| n.starts_with(c))?;
            v |= 1 << i;
        }
        return Some(v);
    }
    for part in s.split(['+', '|']) {
        let p = part.trim();
        if p.is_empty() {
            continue;
        }
        let i = names.iter().position(|n| n.eq_ignore_ascii_case(p))?;
        v |= 1 << i;
    }
    Some(v)
}

macro_rules! field_int {
    ($($t:ty),*) => {$(
        impl FieldType for $t {
            fn to_value(&self) -> Value { Value::Int(*self as u64) }
            fn from_value(v: Value, desc: &FieldDesc) -> Result<Self, FieldError> {
                let n = value_to_int(&v, desc)?;
                <$t>::try_from(n).map_err(|_| FieldError::OutOfRange {
                    field: desc.name, max: <$t>::MAX as u64, got: n.to_string(),
                })
            }
        }
    )*};
}
field_int!(u8, u16, u32, u64);

impl FieldType for Ipv4Addr {
    fn to_value(&self) -> Value {
        Value::Ipv4(*self)
    }
    fn from_value(v: Value, desc: &FieldDesc) -> Result<Self, FieldError> {
        match &v {
            Value::Ipv4(a) => Ok(*a),
            Value::Int(n) if *n <= u32::MAX as u64 => Ok(Ipv4Addr::from(*n as u32)),
            Value::Str(s) => {
                Ipv4Addr::from_str(s.trim()).map_err(|_| bad(desc, "an IPv4 address", &v))
            }
            _ => Err(bad(desc, "an IPv4 address", &v)),
        }
    }
}

impl FieldType for Ipv6Addr {
    fn to_value(&self) -> Value {
        Value::Ipv6(*self)
    }
    fn from_value(v: Value, desc: &FieldDesc) -> Result<Self, FieldError> {
        match &v {
            Value::Ipv6(a) => Ok(*a),
            Value::Str(s) => {
                Ipv6Addr::from_str(s.trim()).map_err(|_| bad(desc, "an IPv6 address", &v))
            }
            _ => Err(bad(desc, "an IPv6 address", &v)),
        }
    }
}

impl FieldType for MacAddr {
    fn to_value(&self) -> Value {
        Value::Mac(*self)
    }
    fn from_value(v: Value, desc: &FieldDesc) -> Result<Self, FieldError> {
        match &v {
            Value::Mac(a) => Ok(*a),
            Value::Str(s) => MacAddr::from_str(s).map_err(|_| bad(desc, "a MAC address", &v)),
            Value::Bytes(b) if b.len() == 6 => {
                let mut m = [0u8; 6];
                m.copy_from_slice(b);
                Ok(MacAddr(m))
            }
            _ => Err(bad(desc, "a MAC address", &v)),
        }
    }
}

impl FieldType for Vec<u8> {
    fn to_value(&self) -> Value {
        Value::Bytes(self.clone())
    }
    fn from_value(v: Value, desc: &FieldDesc) -> Result<Self, FieldError> {
        match v {
            Value::Bytes(b) => Ok(b),
            Value::Str(s) => Ok(s.into_bytes()),
            other => Err(bad(desc, "bytes", &other)),
        }
    }
}

impl FieldType for String {
    fn to_value(&self) -> Value {
        Value::Str(self.clone())
    }
    fn from_value(v: Value, desc: &FieldDesc) -> Result<Self, FieldError> {
        match v {
            Value::Str(s) => Ok(s),
            Value::Bytes(b) => String::from_utf8(b).map_err(|e| FieldError::BadValue {
                field: desc.name,
                expected: "UTF-8 text".into(),
                got: bytes_repr(e.as_bytes()),
            }),
            other => Err(bad(desc, "a string", &other)),
        }
    }
}

impl<T: FieldType> FieldType for Option<T> {
    fn to_value(&self) -> Value {
        match self {
            Some(v) => v.to_value(),
            None => Value::None,
        }
    }
    fn from_value(v: Value, desc: &FieldDesc) -> Result<Self, FieldError> {
        match v {
            Value::None => Ok(None),
            v => T::from_value(v, desc).map(Some),
        }
    }
}

impl FieldType for crate::Packet {
    fn to_value(&self) -> Value {
        Value::Packet(Box::new(self.clone()))
    }
    fn from_value(v: Value, desc: &FieldDesc) -> Result<Self, FieldError> {
        match v {
            Value::Packet(p) => Ok(*p),
            other => Err(bad(desc, "a packet", &other)),
        }
    }
}

/// Reads a `(name, value)` tuple out of a [`Value`], as scapy writes options.
pub fn tuple2(v: &Value) -> Option<(&str, &Value)> {
    match v {
        Value::Tuple(t) => match t.as_slice() {
            [Value::Str(n), val] => Some((n.as_str(), val)),
            _ => None,
        },
        _ => None,
    }
}

/// Makes a `(name, value)` tuple.
pub fn mk_tuple(name: &str, v: Value) -> Value {
    Value::Tuple(vec![Value::Str(name.to_string()), v])
}

#[cfg(test)]
mod tests {
    use super::*;

    const D: FieldDesc = FieldDesc::new("type", FieldKind::Enum(16), "0", "t").values(&[
        (0, "RESERVED"),
        (1, "A"),
        (65535, "RESERVED"),
    ]);

    #[test]
    fn duplicate_names_take_the_last_value_like_scapy() {
        assert_eq!(value_to_int(&Value::Str("RESERVED".into()), &D), Ok(65535));
        assert_eq!(value_to_int(&Value::Str("a".into()), &D), Ok(1));
        assert_eq!(D.value_name(0), Some("RESERVED"));
    }

    #[test]
    fn flags_and_ranges() {
        let f = FieldDesc::new("flags", FieldKind::Flags(9), "2", "f")
            .flags(&["F", "S", "R", "P", "A", "U", "E", "C", "N"]);
        assert_eq!(value_to_int(&Value::Str("SA".into()), &f), Ok(0x12));
        assert_eq!(flags_to_string(0x12, f.flags), "SA");
        let ttl = FieldDesc::new("ttl", FieldKind::Int(8), "64", "t");
        assert_eq!(
            value_to_int(&Value::Int(300), &ttl)
                .unwrap_err()
                .to_string(),
            "ttl takes 0..=255, got 300"
        );
    }
}
