//! ICMP for IPv4 (RFC 792, RFC 950, RFC 1191, RFC 4884 lengths).
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |     Type      |     Code      |          Checksum             |
//! |           depends on the type (see below)                     |
//! |     quoted datagram (errors) or data                          |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```
//! scapy: `ICMP(type, code, chksum, id, seq, ts_ori, ts_rx, ts_tx, gw, ptr, reserved,
//! length, addr_mask, nexthopmtu, unused)`, most of them conditional on the type:
//!
//! | type                      | after the checksum                        |
//! |---------------------------|-------------------------------------------|
//! | 0, 8, 15, 16 (echo, info) | id, seq                                   |
//! | 13, 14 (timestamp)        | id, seq, ts_ori, ts_rx, ts_tx             |
//! | 17, 18 (address mask)     | id, seq, addr_mask                        |
//! | 37, 38 (domain name)      | id, seq, unused (32 bits)                 |
//! | 3 (dest-unreach)          | reserved, length, nexthopmtu              |
//! | 5 (redirect)              | gw                                        |
//! | 11 (time-exceeded)        | reserved, length, unused (16 bits)        |
//! | 12 (parameter-problem)    | ptr, length, unused (16 bits)             |
//! | any other (4, 9, 10, ...) | unused (32 bits)                          |
//!
//! Defaults: type=8 (echo-request), code=0. `chksum` covers the header and the payload
//! and is computed when unset. The timestamps, when unset, are the current time in
//! milliseconds since midnight UTC, computed when the packet is built, as scapy computes
//! them (`int((time.time() % 86400) * 1000)`): set them for reproducible bytes. Error
//! types (3, 4, 5, 11, 12) quote a datagram, dissected as `IPerror`. RFC 4884 extension
//! structures are not decoded: their bytes stay in the payload and rebuild unchanged.

use std::net::Ipv4Addr;

use crate::checksum;
use crate::define_layer;
use crate::error::{BuildError, ParseError, truncated};
use crate::layers::{Dissected, Layer, LayerKind, Proto};
use crate::packet::{BuildCx, DissectCx, Packet, PostCx};
use crate::value::{FieldKind, Value};
use crate::wire::{be16, be32, put16, u8_at};

/// Type names (scapy's `icmptypes`).
pub static ICMP_TYPES: &[(u64, &str)] = &[
    (0, "echo-reply"),
    (3, "dest-unreach"),
    (4, "source-quench"),
    (5, "redirect"),
    (8, "echo-request"),
    (9, "router-advertisement"),
    (10, "router-solicitation"),
    (11, "time-exceeded"),
    (12, "parameter-problem"),
    (13, "timestamp-request"),
    (14, "timestamp-reply"),
    (15, "information-request"),
    (16, "information-response"),
    (17, "address-mask-request"),
    (18, "address-mask-reply"),
    (30, "traceroute"),
    (31, "datagram-conversion-error"),
    (32, "mobile-host-redirect"),
    (33, "ipv6-where-are-you"),
    (34, "ipv6-i-am-here"),
    (35, "mobile-registration-request"),
    (36, "mobile-registration-reply"),
    (37, "domain-name-request"),
    (38, "domain-name-reply"),
    (39, "skip"),
    (40, "photuris"),
];

/// Code names per type (scapy's `icmpcodes`): `(type, code, name)`.
pub static ICMP_CODES: &[(u8, u8, &str)] = &[
    (3, 0, "network-unreachable"),
    (3, 1, "host-unreachable"),
    (3, 2, "protocol-unreachable"),
    (3, 3, "port-unreachable"),
    (3, 4, "fragmentation-needed"),
    (3, 5, "source-route-failed"),
    (3, 6, "network-unknown"),
    (3, 7, "host-unknown"),
    (3, 9, "network-prohibited"),
    (3, 10, "host-prohibited"),
    (3, 11, "TOS-network-unreachable"),
    (3, 12, "TOS-host-unreachable"),
    (3, 13, "communication-prohibited"),
    (3, 14, "host-precedence-violation"),
    (3, 15, "precedence-cutoff"),
    (5, 0, "network-redirect"),
    (5, 1, "host-redirect"),
    (5, 2, "TOS-network-redirect"),
    (5, 3, "TOS-host-redirect"),
    (11, 0, "ttl-zero-during-transit"),
    (11, 1, "ttl-zero-during-reassembly"),
    (12, 0, "ip-header-bad"),
    (12, 1, "required-option-missing"),
    (40, 0, "bad-spi"),
    (40, 1, "authentication-failed"),
    (40, 2, "decompression-failed"),
    (40, 3, "decryption-failed"),
    (40, 4, "need-authentification"),
    (40, 5, "need-authorization"),
];

/// Every code name with its number, whatever the type: lets `code="port-unreachable"` be
/// set by name (the names are unique). Shown as numbers, since the name depends on `type`.
pub static ICMP_CODE_VALUES: &[(u64, &str)] = &[
    (0, "network-unreachable"),
    (1, "host-unreachable"),
    (2, "protocol-unreachable"),
    (3, "port-unreachable"),
    (4, "fragmentation-needed"),
    (5, "source-route-failed"),
    (6, "network-unknown"),
    (7, "host-unknown"),
    (9, "network-prohibited"),
    (10, "host-prohibited"),
    (11, "TOS-network-unreachable"),
    (12, "TOS-host-unreachable"),
    (13, "communication-prohibited"),
    (14, "host-precedence-violation"),
    (15, "precedence-cutoff"),
    (0, "network-redirect"),
    (1, "host-redirect"),
    (2, "TOS-network-redirect"),
    (3, "TOS-host-redirect"),
    (0, "ttl-zero-during-transit"),
    (1, "ttl-zero-during-reassembly"),
    (0, "ip-header-bad"),
    (1, "required-option-missing"),
    (0, "bad-spi"),
    (1, "authentication-failed"),
    (2, "decompression-failed"),
    (3, "decryption-failed"),
    (4, "need-authentification"),
    (5, "need-authorization"),
];

/// The name of type `t`, if scapy has one.
pub fn type_name(t: u8) -> Option<&'static str> {
    ICMP_TYPES
        .iter()
        .find(|(n, _)| *n == u64::from(t))
        .map(|(_, s)| *s)
}

/// The name of code `c` of type `t`, if scapy has one.
pub fn code_name(t: u8, c: u8) -> Option<&'static str> {
    ICMP_CODES
        .iter()
        .find(|(ty, co, _)| *ty == t && *co == c)
        .map(|(_, _, s)| *s)
}

/// Types whose payload is a quoted datagram (scapy's `guess_payload_class`).
pub const ERROR_TYPES: &[u8] = &[3, 4, 5, 11, 12];

/// Types with `id` and `seq` (scapy's `icmp_id_seq_types`).
pub const ID_SEQ_TYPES: &[u8] = &[0, 8, 13, 14, 15, 16, 17, 18, 37, 38];

/// The fields after the checksum for type `t`, in wire order, with their sizes in bytes.
pub fn layout(t: u8) -> &'static [(&'static str, usize)] {
    match t {
        0 | 8 | 15 | 16 => &[("id", 2), ("seq", 2)],
        13 | 14 => &[
            ("id", 2),
            ("seq", 2),
            ("ts_ori", 4),
            ("ts_rx", 4),
            ("ts_tx", 4),
        ],
        17 | 18 => &[("id", 2), ("seq", 2), ("addr_mask", 4)],
        37 | 38 => &[("id", 2), ("seq", 2), ("unused", 4)],
        3 => &[("reserved", 1), ("length", 1), ("nexthopmtu", 2)],
        5 => &[("gw", 4)],
        11 => &[("reserved", 1), ("length", 1), ("unused", 2)],
        12 => &[("ptr", 1), ("length", 1), ("unused", 2)],
        _ => &[("unused", 4)],
    }
}

/// Header length of type `t`.
pub fn header_len(t: u8) -> usize {
    4 + layout(t).iter().map(|(_, n)| n).sum::<usize>()
}

/// Milliseconds since midnight UTC, scapy's default for unset timestamps.
pub fn ms_since_midnight_utc() -> u32 {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or(0);
    (ms % 86_400_000) as u32
}

// ---------------------------------------------------------------------------------------
// Zero-copy view
// ---------------------------------------------------------------------------------------

use crate::dissect::{FieldSink, FieldValue, field_end, int};
use crate::wire::{r8, r16, r32};

/// Where each field of a cut header ends ([`field_end`](crate::dissect::field_end)).
pub(crate) const ICMP_HEAD_ENDS: &[(&str, usize)] = &[("type", 1), ("code", 2), ("chksum", 4)];

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
        self.0.len() < header_len(self.icmp_type())
    }
    /// Whether the bytes of `field` (`code`, `id`, `nexthopmtu`...) were captured: always,
    /// unless the header [`is_partial`](IcmpView::is_partial) ([`field_end`] gives where
    /// each ends).
    pub fn has(&self, field: &str) -> bool {
        field_end(LayerKind::ICMP, self.icmp_type(), field).is_none_or(|e| e <= self.0.len())
    }
    /// True for error types (3, 4, 5, 11, 12), which quote a datagram.
    pub fn is_error(&self) -> bool {
        ERROR_TYPES.contains(&self.icmp_type())
    }
    /// A type-dependent field by its scapy name (`id`, `seq`, `gw`, `nexthopmtu`, ...), as
    /// an integer (addresses as their 32-bit value); `None` when this type has no such field.
    pub fn field(&self, name: &str) -> Option<u32> {
        let mut off = 4;
        for (n, size) in layout(self.icmp_type()) {
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
    pub(crate) fn for_each_field(&self, f: FieldSink<'_, 'a>) {
        f("type", int(self.icmp_type()));
        f("code", int(self.code()));
        f("chksum", int(self.chksum()));
        let mut off = 4;
        for (n, size) in layout(self.icmp_type()) {
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

// ---------------------------------------------------------------------------------------
// Owned layer
// ---------------------------------------------------------------------------------------

define_layer! {
    /// An ICMP header.
    pub struct ICMP("ICMP") {
        type_ as "type": u8 = 8, FieldKind::Enum(8), "8", "Message type",
            values(ICMP_TYPES);
        code: u8 = 0, FieldKind::Int(8), "0",
            "Message code (names depend on the type)", values(ICMP_CODE_VALUES);
        chksum: Option<u16> = None, FieldKind::Hex(16), "None",
            "Checksum of header and payload (computed when unset)", auto();
        id: u16 = 0, FieldKind::Hex(16), "0", "Identifier (echo, timestamp, info, mask)";
        seq: u16 = 0, FieldKind::Hex(16), "0", "Sequence number (echo, timestamp, info, mask)";
        ts_ori: Option<u32> = None, FieldKind::Int(32), "None",
            "Originate timestamp, ms since midnight UTC (now when unset)", auto();
        ts_rx: Option<u32> = None, FieldKind::Int(32), "None",
            "Receive timestamp, ms since midnight UTC (now when unset)", auto();
        ts_tx: Option<u32> = None, FieldKind::Int(32), "None",
            "Transmit timestamp, ms since midnight UTC (now when unset)", auto();
        gw: Ipv4Addr = Ipv4Addr::UNSPECIFIED, FieldKind::Ipv4, "'0.0.0.0'",
            "Gateway address (redirect)";
        ptr: u8 = 0, FieldKind::Int(8), "0", "Pointer to the bad octet (parameter problem)";
        reserved: u8 = 0, FieldKind::Int(8), "0", "Reserved (dest-unreach, time-exceeded)";
        length: u8 = 0, FieldKind::Int(8), "0",
            "Length of the quoted datagram in 32-bit words (RFC 4884)";
        addr_mask: Ipv4Addr = Ipv4Addr::UNSPECIFIED, FieldKind::Ipv4, "'0.0.0.0'",
            "Address mask (address mask request and reply)";
        nexthopmtu: u16 = 0, FieldKind::Int(16), "0",
            "MTU of the next hop (dest-unreach, fragmentation needed)";
        unused: u32 = 0, FieldKind::Int(32), "b''",
            "Unused bits: 16 for time-exceeded and parameter-problem, 32 for other types \
             without fields, absent otherwise";
    }
}

impl ICMP {
    fn int_field(&self, name: &str, now: u32) -> u32 {
        match name {
            "id" => u32::from(self.id),
            "seq" => u32::from(self.seq),
            "ts_ori" => self.ts_ori.unwrap_or(now),
            "ts_rx" => self.ts_rx.unwrap_or(now),
            "ts_tx" => self.ts_tx.unwrap_or(now),
            "gw" => u32::from(self.gw),
            "ptr" => u32::from(self.ptr),
            "reserved" => u32::from(self.reserved),
            "length" => u32::from(self.length),
            "addr_mask" => u32::from(self.addr_mask),
            "nexthopmtu" => u32::from(self.nexthopmtu),
            _ => self.unused,
        }
    }

    fn set_int_field(&mut self, name: &str, v: u32) {
        match name {
            "id" => self.id = v as u16,
            "seq" => self.seq = v as u16,
            "ts_ori" => self.ts_ori = Some(v),
            "ts_rx" => self.ts_rx = Some(v),
            "ts_tx" => self.ts_tx = Some(v),
            "gw" => self.gw = Ipv4Addr::from(v),
            "ptr" => self.ptr = v as u8,
            "reserved" => self.reserved = v as u8,
            "length" => self.length = v as u8,
            "addr_mask" => self.addr_mask = Ipv4Addr::from(v),
            "nexthopmtu" => self.nexthopmtu = v as u16,
            _ => self.unused = v,
        }
    }

    /// True for the error types, whose payload is a quoted datagram.
    pub fn is_error(&self) -> bool {
        ERROR_TYPES.contains(&self.type_)
    }
}

impl Proto for ICMP {
    fn long_name(&self) -> &'static str {
        "ICMP"
    }

    fn build(&self, _cx: &BuildCx<'_>, out: &mut Vec<u8>) -> Result<(), BuildError> {
        out.push(self.type_);
        out.push(self.code);
        out.extend_from_slice(&self.chksum.unwrap_or(0).to_be_bytes());
        let lay = layout(self.type_);
        let needs_now = [self.ts_ori, self.ts_rx, self.ts_tx].contains(&None)
            && lay.iter().any(|(n, _)| n.starts_with("ts_"));
        let now = if needs_now {
            ms_since_midnight_utc()
        } else {
            0
        };
        for (name, size) in lay {
            let n = self.int_field(name, now);
            if *size < 4 && n >> (8 * size) != 0 {
                return Err(BuildError::Invalid {
                    layer: "ICMP",
                    reason: format!("{name} is {size} bytes for type {}, got {n}", self.type_),
                });
            }
            let v = n.to_be_bytes();
            out.extend_from_slice(v.get(4 - size..).unwrap_or(&[]));
        }
        Ok(())
    }

    fn post_build(&self, _cx: &PostCx<'_>, _lower: &[u8], buf: &mut [u8]) {
        if self.chksum.is_none() {
            let ck = checksum::checksum(buf);
            put16(buf, 2, ck);
        }
    }

    fn display_field(&self, field: &str, v: &Value) -> Option<String> {
        match (field, v) {
            ("code", Value::Int(c)) => {
                code_name(self.type_, u8::try_from(*c).ok()?).map(str::to_string)
            }
            _ => None,
        }
    }

    fn summary(&self, pkt: &Packet, idx: usize) -> Option<String> {
        if pkt.layers().get(idx).map(Layer::kind) == Some(LayerKind::ICMPerror) {
            return None;
        }
        let t = type_name(self.type_).map_or_else(|| self.type_.to_string(), str::to_string);
        let c =
            code_name(self.type_, self.code).map_or_else(|| self.code.to_string(), str::to_string);
        let below = idx.checked_sub(1).and_then(|i| pkt.layers().get(i));
        Some(match below {
            Some(Layer::IP(ip) | Layer::IPerror(ip)) => {
                format!("ICMP {} > {} {t} {c}", ip.resolved_src(), ip.dst)
            }
            _ => format!("ICMP {t} {c}"),
        })
    }

    fn field_present(&self, field: &str) -> bool {
        match field {
            "type" | "code" | "chksum" => true,
            f => layout(self.type_).iter().any(|(n, _)| *n == f),
        }
    }

    fn next_layer(&self, _cx: &DissectCx<'_>, _payload: &[u8]) -> Option<LayerKind> {
        self.is_error().then_some(LayerKind::IPerror)
    }
}

/// Dissects an ICMP header; its length depends on the type.
pub fn dissect(data: &[u8]) -> Result<Dissected, ParseError> {
    let t = u8_at(data, 0).ok_or_else(|| truncated("ICMP", 8, 0))?;
    let hlen = header_len(t);
    let h = data
        .get(..hlen)
        .ok_or_else(|| truncated("ICMP", hlen, data.len()))?;
    Ok((Layer::ICMP(from_header(t, h)), hlen))
}

/// Dissects an ICMP header cut by the capture's snap length before the end its type gives
/// it (at least the type byte is there): the fields whose bytes are there, the others zero
/// or unset, and the header length it needs.
pub fn dissect_partial(data: &[u8]) -> Result<(ICMP, usize), ParseError> {
    let t = u8_at(data, 0).ok_or_else(|| truncated("ICMP", 8, 0))?;
    Ok((from_header(t, data), header_len(t)))
}

/// The fields of a type `t` header whose bytes are in `h`.
fn from_header(t: u8, h: &[u8]) -> ICMP {
    let mut m = ICMP {
        type_: t,
        code: u8_at(h, 1).unwrap_or(0),
        chksum: be16(h, 2),
        ..Default::default()
    };
    let mut off = 4;
    for (name, size) in layout(t) {
        let v = match size {
            1 => u8_at(h, off).map(u32::from),
            2 => be16(h, off).map(u32::from),
            _ => be32(h, off),
        };
        m.set_int_field(name, v.unwrap_or(0));
        off += size;
    }
    m
}

// ---------------------------------------------------------------------------------------
// Wireshark fields
// ---------------------------------------------------------------------------------------

use crate::dissect::View;
use crate::fields::{Base, FieldDef, FieldType, FieldVal, Protocol, VIEW_ICMP, on};

/// ICMP types with an identifier and a sequence number in Wireshark: echo, timestamp,
/// information and address mask requests and replies.
const ICMP_ID_SEQ: [u8; 8] = [0, 8, 13, 14, 15, 16, 17, 18];

/// Whether the bytes of `field` (the owned model's name) were captured: a header cut before
/// its end (a partial view) has only those fields, as tshark shows them.
fn captured(kind: crate::layers::LayerKind, v: &IcmpView<'_>, field: &str) -> bool {
    // Of a header quoted in an ICMP error and cut, tshark shows nothing.
    !v.is_partial() || crate::bind::base_kind(kind) == kind && v.has(field)
}

/// Wireshark's `icmp.*` fields.
pub static FIELDS: &[FieldDef] = &[
    FieldDef {
        name: "icmp.type",
        ty: FieldType::UInt,
        base: Base::Dec,
        desc: "Type",
        each: on!(l, View::Icmp(v) if captured(l.kind, &v, "type") => FieldVal::UInt(v.icmp_type().into())),
    },
    FieldDef {
        name: "icmp.code",
        ty: FieldType::UInt,
        base: Base::Dec,
        desc: "Code",
        each: on!(l, View::Icmp(v) if captured(l.kind, &v, "code") => FieldVal::UInt(v.code().into())),
    },
    FieldDef {
        name: "icmp.ident",
        ty: FieldType::UInt,
        base: Base::Dec,
        desc: "Identifier",
        each: on!(l, View::Icmp(v) if ICMP_ID_SEQ.contains(&v.icmp_type()) && captured(l.kind, &v, "id") =>? v.id().map(|x| FieldVal::UInt(x.into()))),
    },
    FieldDef {
        name: "icmp.seq",
        ty: FieldType::UInt,
        base: Base::Dec,
        desc: "Sequence Number",
        each: on!(l, View::Icmp(v) if ICMP_ID_SEQ.contains(&v.icmp_type()) && captured(l.kind, &v, "seq") =>? v.seq().map(|x| FieldVal::UInt(x.into()))),
    },
    FieldDef {
        name: "icmp.checksum",
        ty: FieldType::UInt,
        base: Base::Hex(4),
        desc: "Checksum",
        each: on!(l, View::Icmp(v) if captured(l.kind, &v, "chksum") => FieldVal::UInt(v.chksum().into())),
    },
];

/// The `icmp` table.
pub static PROTOCOL: Protocol = Protocol {
    name: "icmp",
    title: "Internet Control Message Protocol",
    fields: FIELDS,
    json: 4,
    views: VIEW_ICMP,
};

// -------------------------------------------------------------------------------------------
// tcpdump line: ICMP's part of `pktforge read`'s one-line summary, as tcpdump's
// print-icmp.c prints it. The line's frame (time, link header, the walk over layers) is
// src/output/line.rs; it calls this by layer kind.
// -------------------------------------------------------------------------------------------

/// ICMP's part of the tcpdump line.
pub(crate) mod tcpdump {
    use std::io::Write;

    use crate::dissect::{IcmpView, LayerRec, View};
    use crate::layers::LayerKind;
    use crate::layers::ip::tcpdump::IpLine;

    /// `IP A > B: ICMP echo request, id N, seq N, length N`, unreachables, time exceeded.
    pub(crate) fn line(i: &IcmpView<'_>, ip: &IpLine<'_, '_>, out: &mut Vec<u8>) {
        let d = ip.d;
        ip.hosts(None, "", out);
        if d.is_snapped() && cut(i, ip.rest.get(ip.k), ip.rest, d.captured_len()) {
            // tcpdump formats the ICMP text before printing it: cut, only the marker shows.
            out.extend_from_slice(b" [|icmp]");
            return;
        }
        body(
            i,
            ip.rest.get(ip.k + 1..).unwrap_or(&[]),
            8 + ip.payload_len(ip.k),
            out,
        );
    }

    fn body(i: &IcmpView<'_>, quoted: &[LayerRec<'_>], len: usize, out: &mut Vec<u8>) {
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
    pub(crate) fn quoted_target(quoted: &[LayerRec<'_>]) -> (String, &'static str, u16) {
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

    /// True when tcpdump's ICMP printer runs out of captured bytes: an unreachable or time
    /// exceeded message needs the quoted IP destination, a port or protocol unreachable the
    /// quoted transport's destination port.
    fn cut(
        i: &IcmpView<'_>,
        at: Option<&LayerRec<'_>>,
        rest: &[LayerRec<'_>],
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layers::{IP, Raw};
    use crate::packet::LinkType;

    #[test]
    fn decode_echo_and_truncation() {
        let b = hex::decode("4500001c0001000040017cde7f0000017f0000010800f7ff00000000").unwrap();
        let p = Packet::parse(LinkType::Ipv4, &b);
        assert!(p.error().is_none());
        let m = p.layer::<ICMP>().unwrap();
        assert_eq!(
            (m.type_, m.code, m.chksum, m.id, m.seq),
            (8, 0, Some(0xf7ff), 0, 0)
        );
        assert_eq!(
            p.summary(),
            "IP / ICMP 127.0.0.1 > 127.0.0.1 echo-request 0"
        );
        assert_eq!(p.build().unwrap(), b);
        let h = &b[20..];
        assert_eq!(dissect(&[]).unwrap_err(), truncated("ICMP", 8, 0));
        for k in 1..8 {
            assert_eq!(dissect(&h[..k]).unwrap_err(), truncated("ICMP", 8, k));
        }
        assert_eq!(
            dissect(&[13, 0, 0, 0, 0, 0, 0, 0]).unwrap_err(),
            truncated("ICMP", 20, 8)
        );
    }

    #[test]
    fn layouts_and_presence() {
        assert_eq!(header_len(8), 8);
        assert_eq!(header_len(13), 20);
        assert_eq!(header_len(17), 12);
        assert_eq!(header_len(37), 12);
        assert_eq!(header_len(4), 8);
        let m = ICMP::new().type_(3);
        assert!(m.field_present("nexthopmtu") && !m.field_present("id"));
        assert!(!m.field_present("unused"));
        assert!(ICMP::new().type_(11).field_present("unused"));
        assert!(ICMP::new().type_(4).field_present("unused"));
        assert!(!ICMP::new().type_(4).field_present("gw"));
    }

    #[test]
    fn timestamp_and_names() {
        // scapy: IP(src="1.2.3.4",dst="5.6.7.8")/ICMP(type=13,ts_ori=1,ts_rx=2,ts_tx=3)
        let want = "450000280001000040016ac101020304050607080d00f2f9\
                    00000000000000010000000200000003";
        let p = IP::new().src("1.2.3.4").dst("5.6.7.8")
            / ICMP::new()
                .type_("timestamp-request")
                .ts_ori(1)
                .ts_rx(2)
                .ts_tx(3);
        assert_eq!(hex::encode(p.build().unwrap()), want);
        let q = ICMP::new().type_(3).code("port-unreachable");
        assert_eq!(q.code, 3);
        assert_eq!(
            Packet::from(q).summary(),
            "ICMP dest-unreach port-unreachable"
        );
        // Unset timestamps are "now": within a day of milliseconds.
        assert!(
            Packet::from(ICMP::new().type_(11).unused(0x10000u32))
                .build()
                .is_err()
        );
        let b = Packet::from(ICMP::new().type_(14)).build().unwrap();
        assert_eq!(b.len(), 20);
        assert!(be32(&b, 8).unwrap() < 86_400_000);
    }

    #[test]
    fn error_quotes_iperror() {
        let p = IP::new().src("1.2.3.4").dst("5.6.7.8")
            / ICMP::new().type_(11)
            / IP::new().src("5.6.7.8").dst("9.9.9.9").proto(6)
            / Raw::from_bytes(b"\x00\x14\x00\x50\x00\x00\x00\x01");
        let b = p.build().unwrap();
        let q = Packet::parse(LinkType::Ipv4, &b);
        let names: Vec<&str> = q.layers().iter().map(|l| l.name()).collect();
        assert_eq!(names, ["IP", "ICMP", "IPerror", "TCPerror"]);
        assert_eq!(q.build().unwrap(), b);
        let s = |i: usize| q.layers()[i].proto().summary(&q, i);
        assert_eq!(
            s(1).as_deref(),
            Some("ICMP 1.2.3.4 > 5.6.7.8 time-exceeded ttl-zero-during-transit")
        );
        assert_eq!(s(3), None, "TCPerror has no summary, as in scapy");
    }
}
