//! IPv4 (RFC 791) with its options.
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |Version|  IHL  |      TOS      |          Total Length         |
//! |         Identification        |Flags|     Fragment Offset     |
//! |      TTL      |    Protocol   |        Header Checksum        |
//! |                        Source Address                         |
//! |                     Destination Address                       |
//! |                    Options                    |    Padding    |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```
//! scapy: `IP(version, ihl, tos, len, id, flags, frag, ttl, proto, chksum, src, dst, options)`.
//! Defaults: id=1, ttl=64, dst=127.0.0.1, src from the route to dst. `ihl`, `len`,
//! `chksum` and `proto` are computed when unset. Options are padded with zero bytes to a
//! multiple of 4 (which dissect back as EOL options, as in scapy).

use std::net::Ipv4Addr;

use crate::checksum;
use crate::define_layer;
use crate::error::{BuildError, FieldError, ParseError, truncated};
use crate::layers::{Dissected, Layer, LayerKind, Proto};
use crate::packet::{BuildCx, DissectCx, Packet, PostCx};
use crate::route;
use crate::services::IP_PROTOS;
use crate::value::{FieldDesc, FieldKind, FieldType, Value, mk_tuple, tuple2};
use crate::wire::{be16, be32, put8, put16, u8_at};

/// Flag names, bit 0 first (scapy: MF, DF, evil).
pub const IP_FLAGS: &[&str] = &["MF", "DF", "evil"];

/// Option type numbers (copy flag, class and number together).
pub mod opt {
    /// End of option list.
    pub const EOL: u8 = 0;
    /// No operation.
    pub const NOP: u8 = 1;
    /// Record route.
    pub const RR: u8 = 7;
    /// Timestamp.
    pub const TIMESTAMP: u8 = 68;
    /// Loose source and record route.
    pub const LSRR: u8 = 131;
    /// Strict source and record route.
    pub const SSRR: u8 = 137;
    /// Router alert.
    pub const ROUTER_ALERT: u8 = 148;
}

// ---------------------------------------------------------------------------------------
// Zero-copy view
// ---------------------------------------------------------------------------------------

use crate::dissect::{FieldSink, FieldValue, end_in, int};
use crate::wire::{r8, r16, v4};

/// Where each field of a cut header ends ([`field_end`](crate::dissect::field_end)).
pub(crate) const IPV4_ENDS: &[(&str, usize)] = &[
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
    /// header [`is_partial`](Ipv4View::is_partial)
    /// ([`field_end`](crate::dissect::field_end) gives where each ends).
    pub fn has(&self, field: &str) -> bool {
        end_in(IPV4_ENDS, field).is_none_or(|e| e <= self.0.len())
    }
    pub(crate) fn for_each_field(&self, f: FieldSink<'_, 'a>) {
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

// ---------------------------------------------------------------------------------------
// Owned layer
// ---------------------------------------------------------------------------------------

/// An IPv4 option. Unset `length` fields are computed; set ones are written as given.
#[derive(Debug, Clone, PartialEq)]
pub enum IpOption {
    /// End of option list (one byte, 0).
    Eol,
    /// No operation (one byte, 1).
    Nop,
    /// Record route (7): `IPOption_RR`.
    RecordRoute {
        /// Option length (3 + 4 * routers).
        length: Option<u8>,
        /// Pointer (default 4).
        pointer: u8,
        /// Addresses.
        routers: Vec<Ipv4Addr>,
    },
    /// Loose source and record route (131): `IPOption_LSRR`.
    Lsrr {
        /// Option length.
        length: Option<u8>,
        /// Pointer (default 4).
        pointer: u8,
        /// Addresses; the last one is the final destination.
        routers: Vec<Ipv4Addr>,
    },
    /// Strict source and record route (137): `IPOption_SSRR`.
    Ssrr {
        /// Option length.
        length: Option<u8>,
        /// Pointer (default 4).
        pointer: u8,
        /// Addresses; the last one is the final destination.
        routers: Vec<Ipv4Addr>,
    },
    /// Timestamp (68): `IPOption_Timestamp`, one entry as in scapy.
    Timestamp {
        /// Option length (8, or 12 with an address).
        length: Option<u8>,
        /// Pointer (default 9).
        pointer: u8,
        /// Overflow count (4 bits).
        oflw: u8,
        /// Flag (4 bits): 0 timestamps only, 1 with addresses, 3 prespecified.
        flg: u8,
        /// The address (present when `flg != 0`).
        internet_address: Ipv4Addr,
        /// The timestamp.
        timestamp: u32,
    },
    /// Router alert (148): `IPOption_Router_Alert`.
    RouterAlert {
        /// Option length (4).
        length: Option<u8>,
        /// Alert value (0: router shall examine packet).
        alert: u16,
    },
    /// Any other option: type, length and data, re-emitted as they were.
    Unknown {
        /// Option type byte.
        option: u8,
        /// Length byte (2 + data when unset).
        length: Option<u8>,
        /// Option data.
        data: Vec<u8>,
    },
    /// Bytes that do not form an option (a length running past the header); kept verbatim.
    Raw(Vec<u8>),
}

impl IpOption {
    /// Record route with the given addresses.
    pub fn record_route(routers: Vec<Ipv4Addr>) -> Self {
        Self::route(opt::RR, None, 4, routers)
    }

    /// Loose source route through the given addresses.
    pub fn lsrr(routers: Vec<Ipv4Addr>) -> Self {
        Self::route(opt::LSRR, None, 4, routers)
    }

    /// Strict source route through the given addresses.
    pub fn ssrr(routers: Vec<Ipv4Addr>) -> Self {
        Self::route(opt::SSRR, None, 4, routers)
    }

    /// scapy's `IPOption_Timestamp()` defaults.
    pub fn timestamp() -> Self {
        IpOption::Timestamp {
            length: None,
            pointer: 9,
            oflw: 0,
            flg: 1,
            internet_address: Ipv4Addr::UNSPECIFIED,
            timestamp: 0,
        }
    }

    /// Router alert with value 0.
    pub fn router_alert() -> Self {
        IpOption::RouterAlert {
            length: None,
            alert: 0,
        }
    }

    /// scapy's short name of the option, used in the tuple representation.
    pub fn name(&self) -> &'static str {
        match self {
            IpOption::Eol => "EOL",
            IpOption::Nop => "NOP",
            IpOption::RecordRoute { .. } => "RR",
            IpOption::Lsrr { .. } => "LSRR",
            IpOption::Ssrr { .. } => "SSRR",
            IpOption::Timestamp { .. } => "Timestamp",
            IpOption::RouterAlert { .. } => "RouterAlert",
            IpOption::Unknown { .. } => "Unknown",
            IpOption::Raw(_) => "Raw",
        }
    }

    /// Appends the option's bytes.
    pub fn emit(&self, out: &mut Vec<u8>) {
        match self {
            IpOption::Eol => out.push(opt::EOL),
            IpOption::Nop => out.push(opt::NOP),
            IpOption::RecordRoute {
                length,
                pointer,
                routers,
            }
            | IpOption::Lsrr {
                length,
                pointer,
                routers,
            }
            | IpOption::Ssrr {
                length,
                pointer,
                routers,
            } => {
                let t = match self {
                    IpOption::RecordRoute { .. } => opt::RR,
                    IpOption::Lsrr { .. } => opt::LSRR,
                    _ => opt::SSRR,
                };
                out.push(t);
                out.push(length.unwrap_or((3 + 4 * routers.len()) as u8));
                out.push(*pointer);
                for r in routers {
                    out.extend_from_slice(&r.octets());
                }
            }
            IpOption::Timestamp {
                length,
                pointer,
                oflw,
                flg,
                internet_address,
                timestamp,
            } => {
                out.push(opt::TIMESTAMP);
                out.push(length.unwrap_or(if *flg != 0 { 12 } else { 8 }));
                out.push(*pointer);
                out.push((oflw << 4) | (flg & 0x0f));
                if *flg != 0 {
                    out.extend_from_slice(&internet_address.octets());
                }
                out.extend_from_slice(&timestamp.to_be_bytes());
            }
            IpOption::RouterAlert { length, alert } => {
                out.push(opt::ROUTER_ALERT);
                out.push(length.unwrap_or(4));
                out.extend_from_slice(&alert.to_be_bytes());
            }
            IpOption::Unknown {
                option,
                length,
                data,
            } => {
                out.push(*option);
                out.push(length.unwrap_or((2 + data.len()).min(255) as u8));
                out.extend_from_slice(data);
            }
            IpOption::Raw(b) => out.extend_from_slice(b),
        }
    }

    /// Parses options from the option bytes of a header. Never fails: bytes that do not
    /// form an option end the list as [`IpOption::Raw`].
    pub fn parse_all(mut b: &[u8]) -> Vec<IpOption> {
        let mut v = Vec::new();
        while let Some(&t) = b.first() {
            if t == opt::EOL || t == opt::NOP {
                v.push(if t == opt::EOL {
                    IpOption::Eol
                } else {
                    IpOption::Nop
                });
                b = b.get(1..).unwrap_or(&[]);
                continue;
            }
            let len = match u8_at(b, 1) {
                Some(l) if l >= 2 && usize::from(l) <= b.len() => usize::from(l),
                _ => {
                    v.push(IpOption::Raw(b.to_vec()));
                    break;
                }
            };
            let body = b.get(2..len).unwrap_or(&[]);
            v.push(Self::parse_one(t, len as u8, body));
            b = b.get(len..).unwrap_or(&[]);
        }
        v
    }

    /// The route option of type `t` (RR, LSRR or SSRR; any other type gives SSRR).
    fn route(t: u8, length: Option<u8>, pointer: u8, routers: Vec<Ipv4Addr>) -> IpOption {
        match t {
            opt::RR => IpOption::RecordRoute {
                length,
                pointer,
                routers,
            },
            opt::LSRR => IpOption::Lsrr {
                length,
                pointer,
                routers,
            },
            _ => IpOption::Ssrr {
                length,
                pointer,
                routers,
            },
        }
    }

    fn parse_one(t: u8, len: u8, body: &[u8]) -> IpOption {
        let unknown = || IpOption::Unknown {
            option: t,
            length: Some(len),
            data: body.to_vec(),
        };
        match t {
            opt::RR | opt::LSRR | opt::SSRR => {
                let Some((&pointer, addrs)) = body.split_first() else {
                    return unknown();
                };
                if addrs.len() % 4 != 0 {
                    return unknown();
                }
                let routers = addrs
                    .chunks_exact(4)
                    .filter_map(|c| <[u8; 4]>::try_from(c).ok().map(Ipv4Addr::from))
                    .collect();
                Self::route(t, Some(len), pointer, routers)
            }
            opt::TIMESTAMP => {
                let (Some(pointer), Some(of)) = (u8_at(body, 0), u8_at(body, 1)) else {
                    return unknown();
                };
                let flg = of & 0x0f;
                let expect = if flg != 0 { 10 } else { 6 };
                if body.len() != expect {
                    return unknown();
                }
                let (addr, ts_off) = if flg != 0 {
                    (be32(body, 2).map(Ipv4Addr::from), 6)
                } else {
                    (Some(Ipv4Addr::UNSPECIFIED), 2)
                };
                match (addr, be32(body, ts_off)) {
                    (Some(internet_address), Some(timestamp)) => IpOption::Timestamp {
                        length: Some(len),
                        pointer,
                        oflw: of >> 4,
                        flg,
                        internet_address,
                        timestamp,
                    },
                    _ => unknown(),
                }
            }
            opt::ROUTER_ALERT if body.len() == 2 => IpOption::RouterAlert {
                length: Some(len),
                alert: be16(body, 0).unwrap_or(0),
            },
            _ => unknown(),
        }
    }

    fn to_value(&self) -> Value {
        let addrs = |r: &[Ipv4Addr]| Value::List(r.iter().map(|a| Value::Ipv4(*a)).collect());
        match self {
            IpOption::Eol | IpOption::Nop => mk_tuple(self.name(), Value::None),
            IpOption::RecordRoute { routers, .. }
            | IpOption::Lsrr { routers, .. }
            | IpOption::Ssrr { routers, .. } => mk_tuple(self.name(), addrs(routers)),
            IpOption::Timestamp {
                internet_address,
                timestamp,
                flg,
                ..
            } => mk_tuple(
                self.name(),
                Value::Tuple(vec![
                    Value::Int(u64::from(*flg)),
                    Value::Ipv4(*internet_address),
                    Value::Int(u64::from(*timestamp)),
                ]),
            ),
            IpOption::RouterAlert { alert, .. } => {
                mk_tuple(self.name(), Value::Int(u64::from(*alert)))
            }
            IpOption::Unknown { option, data, .. } => mk_tuple(
                self.name(),
                Value::Tuple(vec![
                    Value::Int(u64::from(*option)),
                    Value::Bytes(data.clone()),
                ]),
            ),
            IpOption::Raw(b) => mk_tuple(self.name(), Value::Bytes(b.clone())),
        }
    }

    fn from_value(v: &Value, desc: &FieldDesc) -> Result<IpOption, FieldError> {
        let bad = || {
            FieldError::BadValue {
            field: desc.name,
            expected: "IP options like ('NOP', None), ('RR', ['192.0.2.1']), \
                       ('Timestamp', (flg, addr, ts)), ('RouterAlert', 0), ('Unknown', (type, b'data'))"
                .into(),
            got: v.to_string(),
        }
        };
        let (name, arg) = tuple2(v).ok_or_else(bad)?;
        let u8_of = |x: &Value| x.as_int().and_then(|n| u8::try_from(n).ok());
        let opt_u8 = |x: &Value| match x {
            Value::None => Some(None),
            other => u8_of(other).map(Some),
        };
        let addr_list = |a: &Value| -> Result<Vec<Ipv4Addr>, FieldError> {
            match a {
                Value::List(items) => items
                    .iter()
                    .map(|x| Ipv4Addr::from_value(x.clone(), desc))
                    .collect(),
                Value::None => Ok(Vec::new()),
                _ => Err(bad()),
            }
        };
        Ok(match name {
            "EOL" => IpOption::Eol,
            "NOP" => IpOption::Nop,
            "RR" | "LSRR" | "SSRR" => {
                // ('RR', [addrs]) or ('RR', ([addrs], pointer, length or None)).
                let (routers, pointer, length) = match arg {
                    Value::Tuple(t) => match t.as_slice() {
                        [r, p, l] => (
                            addr_list(r)?,
                            u8_of(p).ok_or_else(bad)?,
                            opt_u8(l).ok_or_else(bad)?,
                        ),
                        _ => return Err(bad()),
                    },
                    other => (addr_list(other)?, 4, None),
                };
                let t = match name {
                    "RR" => opt::RR,
                    "LSRR" => opt::LSRR,
                    _ => opt::SSRR,
                };
                IpOption::route(t, length, pointer, routers)
            }
            // ('RouterAlert', alert) or ('RouterAlert', (alert, length)).
            "RouterAlert" => match arg {
                Value::Tuple(t) => match t.as_slice() {
                    [a, l] => IpOption::RouterAlert {
                        length: opt_u8(l).ok_or_else(bad)?,
                        alert: a
                            .as_int()
                            .and_then(|n| u16::try_from(n).ok())
                            .ok_or_else(bad)?,
                    },
                    _ => return Err(bad()),
                },
                _ => IpOption::RouterAlert {
                    length: None,
                    alert: u16::try_from(arg.as_int().unwrap_or(0)).map_err(|_| bad())?,
                },
            },
            "Timestamp" => match arg {
                Value::None => IpOption::timestamp(),
                Value::Tuple(t) => match t.as_slice() {
                    [Value::Int(flg), a, Value::Int(ts)] => IpOption::Timestamp {
                        length: None,
                        pointer: 9,
                        oflw: 0,
                        flg: u8::try_from(*flg).map_err(|_| bad())? & 0x0f,
                        internet_address: Ipv4Addr::from_value(a.clone(), desc)?,
                        timestamp: u32::try_from(*ts).map_err(|_| bad())?,
                    },
                    // (flg, addr, ts, pointer, oflw, length or None)
                    [Value::Int(flg), a, Value::Int(ts), p, o, l] => IpOption::Timestamp {
                        length: opt_u8(l).ok_or_else(bad)?,
                        pointer: u8_of(p).ok_or_else(bad)?,
                        oflw: u8_of(o).ok_or_else(bad)? & 0x0f,
                        flg: u8::try_from(*flg).map_err(|_| bad())? & 0x0f,
                        internet_address: Ipv4Addr::from_value(a.clone(), desc)?,
                        timestamp: u32::try_from(*ts).map_err(|_| bad())?,
                    },
                    _ => return Err(bad()),
                },
                _ => return Err(bad()),
            },
            "Unknown" => match arg {
                Value::Tuple(t) => match t.as_slice() {
                    [Value::Int(o), Value::Bytes(d)] => IpOption::Unknown {
                        option: u8::try_from(*o).map_err(|_| bad())?,
                        length: None,
                        data: d.clone(),
                    },
                    [Value::Int(o), Value::Bytes(d), l] => IpOption::Unknown {
                        option: u8::try_from(*o).map_err(|_| bad())?,
                        length: opt_u8(l).ok_or_else(bad)?,
                        data: d.clone(),
                    },
                    _ => return Err(bad()),
                },
                _ => return Err(bad()),
            },
            "Raw" => match arg {
                Value::Bytes(b) => IpOption::Raw(b.clone()),
                _ => return Err(bad()),
            },
            _ => return Err(bad()),
        })
    }
}

impl FieldType for Vec<IpOption> {
    fn to_value(&self) -> Value {
        Value::List(self.iter().map(IpOption::to_value).collect())
    }
    fn from_value(v: Value, desc: &FieldDesc) -> Result<Self, FieldError> {
        match &v {
            Value::List(items) => items
                .iter()
                .map(|x| IpOption::from_value(x, desc))
                .collect(),
            Value::None => Ok(Vec::new()),
            other => Ok(vec![IpOption::from_value(other, desc)?]),
        }
    }
}

define_layer! {
    /// An IPv4 header.
    pub struct IP("IP") {
        version: u8 = 4, FieldKind::Int(4), "4", "IP version";
        ihl: Option<u8> = None, FieldKind::Int(4), "None",
            "Header length in 32-bit words (computed when unset)", auto();
        tos: u8 = 0, FieldKind::Hex(8), "0", "Type of service (DSCP and ECN)";
        len: Option<u16> = None, FieldKind::Int(16), "None",
            "Total length (computed when unset)", auto();
        id: u16 = 1, FieldKind::Int(16), "1", "Identification";
        flags: u8 = 0, FieldKind::Flags(3), "<Flag 0 ()>", "Flags: MF, DF, evil",
            flags(IP_FLAGS);
        frag: u16 = 0, FieldKind::Int(13), "0", "Fragment offset in 8-byte units";
        ttl: u8 = 64, FieldKind::Int(8), "64", "Time to live";
        proto: Option<u8> = None, FieldKind::Enum(8), "0",
            "Protocol of the payload (from the binding table when unset)",
            values(IP_PROTOS), auto();
        chksum: Option<u16> = None, FieldKind::Hex(16), "None",
            "Header checksum (computed when unset)", auto();
        src: Option<Ipv4Addr> = None, FieldKind::Ipv4, "None",
            "Source address (from the route to dst when unset)", auto();
        dst: Ipv4Addr = Ipv4Addr::LOCALHOST, FieldKind::Ipv4, "'127.0.0.1'",
            "Destination address";
        options: Vec<IpOption> = Vec::new(), FieldKind::PacketList, "[]", "IP options";
    }
}

impl IP {
    /// The source address that will be written: `src`, or the route's source for `dst`.
    pub fn resolved_src(&self) -> Ipv4Addr {
        self.src.unwrap_or_else(|| route::src_v4(self.dst))
    }

    /// Sets the options (typed).
    pub fn with_options(mut self, options: Vec<IpOption>) -> Self {
        self.options = options;
        self
    }

    /// The final destination named by a single LSRR or SSRR option (used by the TCP, UDP
    /// and ICMP pseudo-header, as scapy's `in4_pseudoheader`).
    pub fn source_route_final(&self) -> Option<Ipv4Addr> {
        let mut routes = self.options.iter().filter_map(|o| match o {
            IpOption::Lsrr { routers, .. } | IpOption::Ssrr { routers, .. } => Some(routers),
            _ => None,
        });
        let first = routes.next()?;
        if routes.next().is_some() {
            return None;
        }
        first.last().copied()
    }

    /// True when this is a fragment other than the first (its payload is not decoded).
    pub fn is_later_fragment(&self) -> bool {
        self.frag != 0
    }
}

impl Proto for IP {
    fn long_name(&self) -> &'static str {
        "IP"
    }

    fn build(&self, cx: &BuildCx<'_>, out: &mut Vec<u8>) -> Result<(), BuildError> {
        let start = out.len();
        let ff = (u16::from(self.flags & 0x7) << 13) | (self.frag & 0x1fff);
        let proto = self
            .proto
            .or_else(|| cx.bound("proto").and_then(|v| u8::try_from(v).ok()))
            .unwrap_or(0);
        let [l0, l1] = self.len.unwrap_or(0).to_be_bytes();
        let [i0, i1] = self.id.to_be_bytes();
        let [f0, f1] = ff.to_be_bytes();
        let [c0, c1] = self.chksum.unwrap_or(0).to_be_bytes();
        let [s0, s1, s2, s3] = self.resolved_src().octets();
        let [d0, d1, d2, d3] = self.dst.octets();
        out.extend_from_slice(&[
            ((self.version & 0x0f) << 4) | (self.ihl.unwrap_or(0) & 0x0f),
            self.tos,
            l0,
            l1,
            i0,
            i1,
            f0,
            f1,
            self.ttl,
            proto,
            c0,
            c1,
            s0,
            s1,
            s2,
            s3,
            d0,
            d1,
            d2,
            d3,
        ]);
        for o in &self.options {
            o.emit(out);
        }
        let hlen = out.len() - start;
        out.resize(start + hlen.div_ceil(4) * 4, 0);
        Ok(())
    }

    fn post_build(&self, cx: &PostCx<'_>, _lower: &[u8], buf: &mut [u8]) {
        let hlen = cx.hdr_len;
        if self.ihl.is_none() {
            put8(
                buf,
                0,
                ((self.version & 0x0f) << 4) | ((hlen / 4) as u8 & 0x0f),
            );
        }
        if self.len.is_none() {
            put16(buf, 2, buf.len().min(0xffff) as u16);
        }
        if self.chksum.is_none() {
            let ck = checksum::checksum(buf.get(..hlen).unwrap_or(&[]));
            put16(buf, 10, ck);
        }
    }

    fn summary(&self, pkt: &Packet, idx: usize) -> Option<String> {
        // scapy's IPerror has no summary of its own.
        if pkt.layers().get(idx).map(Layer::kind) == Some(LayerKind::IPerror) {
            return None;
        }
        let proto = self.proto.unwrap_or(0);
        let pname = IP::FIELDS
            .iter()
            .find(|d| d.name == "proto")
            .map_or_else(|| proto.to_string(), |d| d.display_int(u64::from(proto)));
        let mut s = format!("{} > {} {}", self.resolved_src(), self.dst, pname);
        if self.frag != 0 {
            s.push_str(&format!(" frag:{}", self.frag));
        }
        Some(s)
    }

    fn payload_len(&self, hdr_len: usize) -> Option<usize> {
        // A zero total length is what TCP segmentation offload leaves in captures: take
        // everything, as Wireshark does.
        match self.len {
            Some(0) | None => None,
            Some(l) => Some(usize::from(l).saturating_sub(hdr_len)),
        }
    }

    fn next_layer(&self, _cx: &DissectCx<'_>, _payload: &[u8]) -> Option<LayerKind> {
        if self.is_later_fragment() {
            Some(LayerKind::Raw)
        } else {
            None
        }
    }
}

/// Dissects an IPv4 header with its options.
pub fn dissect(data: &[u8]) -> Result<Dissected, ParseError> {
    let b0 = u8_at(data, 0).ok_or_else(|| truncated("IP", 20, data.len()))?;
    if data.len() < 20 {
        return Err(truncated("IP", 20, data.len()));
    }
    let ihl = b0 & 0x0f;
    let hlen = usize::from(ihl) * 4;
    if ihl < 5 {
        return Err(ParseError::BadValue {
            layer: "IP",
            offset: 0,
            field: "ihl",
            value: u64::from(ihl),
            reason: "header length under 5 words",
        });
    }
    let hdr = data
        .get(..hlen)
        .ok_or_else(|| truncated("IP", hlen, data.len()))?;
    Ok((Layer::IP(from_header(hdr)), hlen))
}

/// Dissects an IPv4 header (quoted in an ICMP error) cut by the capture's snap length
/// before its 20th byte: the fields whose bytes are there, the others zero or unset, and
/// the header length it needs (`ihl * 4`). An `ihl` under 5 is malformed.
pub fn dissect_partial(data: &[u8]) -> Result<(IP, usize), ParseError> {
    let b0 = u8_at(data, 0).ok_or_else(|| truncated("IP", 20, 0))?;
    let ihl = b0 & 0x0f;
    if ihl < 5 {
        return Err(ParseError::BadValue {
            layer: "IP",
            offset: 0,
            field: "ihl",
            value: u64::from(ihl),
            reason: "header length under 5 words",
        });
    }
    Ok((from_header(data), usize::from(ihl) * 4))
}

/// The fields whose bytes are in `hdr` (a whole header, or one cut short).
fn from_header(hdr: &[u8]) -> IP {
    let b0 = u8_at(hdr, 0).unwrap_or(0);
    let ff = be16(hdr, 6).unwrap_or(0);
    IP {
        version: b0 >> 4,
        ihl: Some(b0 & 0x0f),
        tos: u8_at(hdr, 1).unwrap_or(0),
        len: be16(hdr, 2),
        id: be16(hdr, 4).unwrap_or(0),
        flags: u8_at(hdr, 6).unwrap_or(0) >> 5,
        frag: ff & 0x1fff,
        ttl: u8_at(hdr, 8).unwrap_or(0),
        proto: u8_at(hdr, 9),
        chksum: be16(hdr, 10),
        src: be32(hdr, 12).map(Ipv4Addr::from),
        dst: be32(hdr, 16)
            .map(Ipv4Addr::from)
            .unwrap_or(Ipv4Addr::UNSPECIFIED),
        options: IpOption::parse_all(hdr.get(20..).unwrap_or(&[])),
        ..Default::default()
    }
}

// ---------------------------------------------------------------------------------------
// Wireshark fields
// ---------------------------------------------------------------------------------------

use crate::dissect::View;
use crate::fields::{Base, FieldDef, FieldType as Ft, FieldVal, Protocol, VIEW_IPV4, on};

/// Whether the bytes of `field` (the owned model's name) were captured: a header cut before
/// its end (a partial view: an IP header quoted in an ICMP error) has only those fields,
/// as tshark shows them.
fn captured(v: &Ipv4View<'_>, field: &str) -> bool {
    !v.is_partial() || v.has(field)
}

/// Wireshark's `ip.*` fields (every IPv4 header, quoted ones too).
pub static FIELDS: &[FieldDef] = &[
    FieldDef {
        name: "ip.src",
        ty: Ft::Ipv4,
        base: Base::None,
        desc: "Source Address",
        each: on!(l, View::Ipv4(v) if captured(&v, "src") => FieldVal::Ipv4(v.src())),
    },
    FieldDef {
        name: "ip.dst",
        ty: Ft::Ipv4,
        base: Base::None,
        desc: "Destination Address",
        each: on!(l, View::Ipv4(v) if captured(&v, "dst") => FieldVal::Ipv4(v.dst())),
    },
    FieldDef {
        name: "ip.proto",
        ty: Ft::UInt,
        base: Base::Dec,
        desc: "Protocol",
        each: on!(l, View::Ipv4(v) if captured(&v, "proto") => FieldVal::UInt(v.proto().into())),
    },
    FieldDef {
        name: "ip.ttl",
        ty: Ft::UInt,
        base: Base::Dec,
        desc: "Time to Live",
        each: on!(l, View::Ipv4(v) if captured(&v, "ttl") => FieldVal::UInt(v.ttl().into())),
    },
    FieldDef {
        name: "ip.id",
        ty: Ft::UInt,
        base: Base::Hex(4),
        desc: "Identification",
        each: on!(l, View::Ipv4(v) if captured(&v, "id") => FieldVal::UInt(v.id().into())),
    },
    FieldDef {
        name: "ip.len",
        ty: Ft::UInt,
        base: Base::Dec,
        desc: "Total Length",
        each: on!(l, View::Ipv4(v) if captured(&v, "len") => FieldVal::UInt(v.total_len().into())),
    },
    FieldDef {
        name: "ip.flags.df",
        ty: Ft::Bool,
        base: Base::None,
        desc: "Don't fragment",
        each: on!(l, View::Ipv4(v) if captured(&v, "flags") => FieldVal::Bool((v.flags() >> 1) & 1 == 1)),
    },
    FieldDef {
        name: "ip.flags.mf",
        ty: Ft::Bool,
        base: Base::None,
        desc: "More fragments",
        each: on!(l, View::Ipv4(v) if captured(&v, "flags") => FieldVal::Bool(v.flags() & 1 == 1)),
    },
    // In 8-byte units, as tshark 4.0 prints it.
    FieldDef {
        name: "ip.frag_offset",
        ty: Ft::UInt,
        base: Base::Dec,
        desc: "Fragment Offset",
        each: on!(l, View::Ipv4(v) if captured(&v, "frag") => FieldVal::UInt(v.frag().into())),
    },
    FieldDef {
        name: "ip.addr",
        ty: Ft::Ipv4,
        base: Base::None,
        desc: "Source or Destination Address",
        each: |f, e| {
            for l in f.layers() {
                if let View::Ipv4(v) = l.view {
                    if captured(&v, "src") {
                        e(FieldVal::Ipv4(v.src()));
                    }
                    if captured(&v, "dst") {
                        e(FieldVal::Ipv4(v.dst()));
                    }
                }
            }
        },
    },
    FieldDef {
        name: "ip.dsfield.dscp",
        ty: Ft::UInt,
        base: Base::Dec,
        desc: "Differentiated Services Codepoint",
        each: on!(l, View::Ipv4(v) if captured(&v, "tos") => FieldVal::UInt((v.tos() >> 2).into())),
    },
    FieldDef {
        name: "ip.checksum",
        ty: Ft::UInt,
        base: Base::Hex(4),
        desc: "Header Checksum",
        each: on!(l, View::Ipv4(v) if captured(&v, "chksum") => FieldVal::UInt(v.chksum().into())),
    },
    FieldDef {
        name: "ip.hdr_len",
        ty: Ft::UInt,
        base: Base::Dec,
        desc: "Header Length, in bytes",
        each: on!(l, View::Ipv4(v) if captured(&v, "ihl") => FieldVal::UInt(u64::from(v.ihl()) * 4)),
    },
];

/// The `ip` table.
pub static PROTOCOL: Protocol = Protocol {
    name: "ip",
    title: "Internet Protocol Version 4",
    fields: FIELDS,
    json: 9,
    views: VIEW_IPV4,
};

// -------------------------------------------------------------------------------------------
// tcpdump line: IPv4's part of `pktforge read`'s one-line summary, as tcpdump's
// print-ip.c prints it. The line's frame (time, link header, the walk over layers) is
// src/output/line.rs; it calls this by layer kind.
// -------------------------------------------------------------------------------------------

/// IP's part of the tcpdump line: the addresses, and the demultiplexing to the upper layer's part (shared by IPv6).
pub(crate) mod tcpdump {
    use std::io::Write;

    use crate::dissect::{Dissection, Ipv4View, LayerRec, View};
    use crate::layers::LayerKind;
    use crate::output::line::{Addr, Put, view_len};

    /// What the parts above IP need: the addresses, the layers from the IP header on, where
    /// the upper layer is, and the lengths the IP header gives.
    pub(crate) struct IpLine<'r, 'a> {
        /// `IP` or `IP6`.
        pub(crate) family: &'static str,
        pub(crate) src: Addr,
        pub(crate) dst: Addr,
        /// The IPv6 extension headers, as tcpdump names them (`HBH `, `frag (0|8) `...).
        pub(crate) ext: String,
        /// The layers from the IP header on.
        pub(crate) rest: &'r [LayerRec<'a>],
        /// Index in `rest` of the layer above IP (and its extension headers).
        pub(crate) k: usize,
        pub(crate) d: &'r Dissection<'a>,
        /// In a packet cut by the snap length, where the IP header says the packet ends.
        pub(crate) ip_end: Option<usize>,
    }

    impl<'a> IpLine<'_, 'a> {
        /// `IP 198.18.0.1 > 198.18.0.2: `, or with `ports` `IP 198.18.0.1.1234 >
        /// 198.18.0.2.80: `, then `ext` (the IPv6 extension headers, or nothing).
        pub(crate) fn hosts(&self, ports: Option<(u16, u16)>, ext: &str, out: &mut Vec<u8>) {
            let one = |out: &mut Vec<u8>, a: &Addr, port: Option<u16>| {
                out.addr(a);
                if let Some(p) = port {
                    out.push(b'.');
                    out.num(p);
                }
            };
            out.extend_from_slice(self.family.as_bytes());
            out.push(b' ');
            one(out, &self.src, ports.map(|p| p.0));
            out.extend_from_slice(b" > ");
            one(out, &self.dst, ports.map(|p| p.1));
            out.extend_from_slice(b": ");
            out.extend_from_slice(ext.as_bytes());
        }

        /// The bytes after layer `idx` of `rest`: from the IP header's length in a cut packet,
        /// else those of the layers above it (padding aside).
        pub(crate) fn payload_len(&self, idx: usize) -> usize {
            if let (Some(e), Some(l)) = (self.ip_end, self.rest.get(idx)) {
                return e.saturating_sub(l.offset + view_len(&l.view));
            }
            self.rest
                .iter()
                .skip(idx + 1)
                .filter(|l| l.kind != LayerKind::Padding)
                .map(|l| view_len(&l.view))
                .sum()
        }

        /// True when the snap length cut layer `l`, decoded as `name`.
        pub(crate) fn cut_at(&self, l: &LayerRec<'_>, name: &str) -> bool {
            self.d
                .cut()
                .is_some_and(|c| c.offset == l.offset && c.layer == name)
        }

        /// The layer after the upper layer (what rides on TCP or UDP).
        pub(crate) fn upper_next(&self) -> Option<&LayerRec<'a>> {
            self.rest.get(self.k + 1)
        }
    }

    /// `IP SRC > DST: ` and the rest of the line (`rest` starts at the IPv4 header).
    pub(crate) fn line(
        ip: &Ipv4View<'_>,
        rest: &[LayerRec<'_>],
        d: &Dissection<'_>,
        out: &mut Vec<u8>,
    ) {
        demux("IP", Addr::V4(ip.src()), Addr::V4(ip.dst()), rest, d, out);
    }

    /// The part after the IP header (v4 or v6): each upper layer prints its own part, as
    /// tcpdump's `ip_demux_print` hands the payload to its printer; what has no printer (a
    /// fragment, a header cut by the snap length, another protocol) is said here.
    pub(crate) fn demux(
        family: &'static str,
        src: Addr,
        dst: Addr,
        rest: &[LayerRec<'_>],
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
        // IPv6 extension headers are named before the upper layer, as tcpdump does.
        let (k, ext) = crate::layers::ipv6::tcpdump::ext_headers(rest, ip_end);
        let ip = IpLine {
            family,
            src,
            dst,
            ext,
            rest,
            k,
            d,
            ip_end,
        };
        let ext = ip.ext.as_str();
        let upper = rest.get(k);
        match upper.map(|l| l.view) {
            Some(View::Tcp(t)) => crate::layers::tcp::tcpdump::line(&t, &ip, out),
            Some(View::Udp(u)) => crate::layers::udp::tcpdump::line(&u, &ip, out),
            Some(View::Icmp(i)) => crate::layers::icmp::tcpdump::line(&i, &ip, out),
            Some(View::Icmpv6(i)) => crate::layers::icmpv6::tcpdump::line(&i, &ip, out),
            Some(View::Raw(b))
                if upper.is_some_and(|l| ip.cut_at(l, "TCP") || ip.cut_at(l, "UDP")) =>
            {
                // A transport header cut by the snap length: its ports if they are there.
                let (ports, trunc): (_, &[u8]) =
                    match (crate::wire::be16(b, 0), crate::wire::be16(b, 2)) {
                        (Some(s), Some(p)) => (Some((s, p)), b" [|"),
                        _ => (None, b"[|"),
                    };
                ip.hosts(ports, ext, out);
                out.extend_from_slice(trunc);
                out.extend_from_slice(if upper.is_some_and(|l| ip.cut_at(l, "TCP")) {
                    b"tcp]"
                } else {
                    b"udp]"
                });
            }
            Some(View::Raw(b)) if upper.is_some_and(|l| ip.cut_at(l, "ICMPv6")) => {
                // An ICMPv6 header cut by the snap length: its type's name if it is there.
                ip.hosts(None, ext, out);
                if let Some(&t) = b.first() {
                    out.extend_from_slice(b"ICMP6, ");
                    out.extend_from_slice(crate::layers::icmpv6::tcpdump::type_name(t).as_bytes());
                }
                out.extend_from_slice(b" [|icmp6]");
            }
            Some(View::Raw(_)) if upper.is_some_and(|l| ip.cut_at(l, "IPv6ExtHdrHopByHop")) => {
                ip.hosts(None, ext, out);
                out.extend_from_slice(b" [|hbhopt]");
            }
            _ => {
                ip.hosts(None, ext, out);
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
                            view_len(&l.view) + ip.payload_len(k)
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::packet::LinkType;

    #[test]
    fn options_round_trip() {
        // scapy: IP(src="1.1.1.1",options=[IPOption_NOP(),IPOption(b'\x99\x04ab')])
        let v = "4700001c0001000040008fe4010101017f0000010199046162000000";
        let p = IP::new().src("1.1.1.1").with_options(vec![
            IpOption::Nop,
            IpOption::Unknown {
                option: 0x99,
                length: None,
                data: b"ab".to_vec(),
            },
        ]);
        assert_eq!(hex::encode(Packet::from(p).build().unwrap()), v);
        let b = hex::decode(v).unwrap();
        let q = Packet::parse(LinkType::Ipv4, &b);
        assert_eq!(q.layer::<IP>().unwrap().options.len(), 5);
        assert_eq!(q.build().unwrap(), b);
    }

    #[test]
    fn bad_ihl_and_truncation() {
        let mut b = hex::decode("4500001c0001000040017cde7f0000017f000001").unwrap();
        for k in 0..20 {
            assert_eq!(dissect(&b[..k]).unwrap_err(), truncated("IP", 20, k));
        }
        b[0] = 0x44;
        assert!(matches!(
            dissect(&b).unwrap_err(),
            ParseError::BadValue { field: "ihl", .. }
        ));
        b[0] = 0x46;
        assert_eq!(dissect(&b).unwrap_err(), truncated("IP", 24, 20));
    }

    #[test]
    fn options_never_overrun() {
        for t in [7u8, 68, 131, 148, 200] {
            for l in 0..8u8 {
                let o = IpOption::parse_all(&[t, l, 1, 2, 3]);
                let mut out = Vec::new();
                for x in &o {
                    x.emit(&mut out);
                }
                assert_eq!(out, vec![t, l, 1, 2, 3], "type {t} len {l}: {o:?}");
            }
        }
    }
}
