//! DNS (RFC 1035), with mDNS bits (RFC 6762) and EDNS0 (RFC 6891).
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |     [length, over TCP only]   |
//! |               ID              |QR| Opcode |AA|TC|RD|RA|Z|AD|CD| RCODE |
//! |            QDCOUNT            |            ANCOUNT            |
//! |            NSCOUNT            |            ARCOUNT            |
//! |  questions (qd), answers (an), authority (ns), additional (ar) |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! question:  QNAME | QTYPE (16) | UNICAST-RESPONSE (1) QCLASS (15)
//! record:    NAME | TYPE (16) | CACHE-FLUSH (1) CLASS (15) | TTL (32) | RDLENGTH | RDATA
//! ```
//! scapy: `DNS(length, id, qr, opcode, aa, tc, rd, ra, z, ad, cd, rcode, qdcount, ancount,
//! nscount, arcount, qd, an, ns, ar)`, `DNSQR(qname, qtype, unicastresponse, qclass)`,
//! `DNSRR(rrname, type, cacheflush, rclass, ttl, rdlen, rdata)`. Defaults: rd=1,
//! `qd=[DNSQR()]` (qname `www.example.com.`). The counts and `rdlen` are computed when unset.
//! `length` exists only when DNS sits directly on TCP (scapy's `ConditionalField`): it is the
//! message length without itself.
//!
//! Records are one [`DNSRR`] struct whose [`DNSRRData`] covers what scapy splits into
//! `DNSRR` (A, AAAA, NS/CNAME/PTR/..., TXT, raw), `DNSRRMX`, `DNSRRSOA`, `DNSRRSRV` and
//! `DNSRROPT` (EDNS0: `rclass` is the UDP payload size, `ttl` holds extrcode, version and z,
//! the data is a list of [`EdnsOption`]). Any other type keeps its data as raw bytes.
//!
//! Names are bytes with a trailing dot, as in scapy (`b'www.example.com.'`); setting
//! `"example.com"` stores `example.com.`. Building never compresses (scapy 2.8 does not);
//! [`DNS::compress`] is scapy's `dns_compress()`. Dissection decompresses names; pointer
//! loops, pointers past the end, reserved label types and names over 255 bytes are errors.
//! A name whose wire form is not the plain encoding of its text (a compressed name, a label
//! holding a dot) keeps its wire bytes, so parse then build gives the same bytes.

mod fields;
pub(crate) mod tcpdump;
pub mod view;

pub use fields::{FIELDS, PROTOCOL};

use std::net::{Ipv4Addr, Ipv6Addr};

use crate::define_layer;
use crate::error::{BuildError, FieldError, ParseError, truncated};
use crate::layers::{Dissected, Layer, Proto};
use crate::packet::{BuildCx, DissectCx, Packet, PostCx};
use crate::value::{FieldDesc, FieldKind, FieldType, Value, bytes_repr};
use crate::wire::{be16, be32, put16, u8_at};

/// Record type names (scapy's `dnstypes`).
pub static DNS_TYPES: &[(u64, &str)] = &[
    (0, "RESERVED"),
    (1, "A"),
    (2, "NS"),
    (3, "MD"),
    (4, "MF"),
    (5, "CNAME"),
    (6, "SOA"),
    (7, "MB"),
    (8, "MG"),
    (9, "MR"),
    (10, "NULL"),
    (11, "WKS"),
    (12, "PTR"),
    (13, "HINFO"),
    (14, "MINFO"),
    (15, "MX"),
    (16, "TXT"),
    (17, "RP"),
    (18, "AFSDB"),
    (19, "X25"),
    (20, "ISDN"),
    (21, "RT"),
    (22, "NSAP"),
    (23, "NSAP-PTR"),
    (24, "SIG"),
    (25, "KEY"),
    (26, "PX"),
    (27, "GPOS"),
    (28, "AAAA"),
    (29, "LOC"),
    (30, "NXT"),
    (31, "EID"),
    (32, "NIMLOC"),
    (33, "SRV"),
    (34, "ATMA"),
    (35, "NAPTR"),
    (36, "KX"),
    (37, "CERT"),
    (38, "A6"),
    (39, "DNAME"),
    (40, "SINK"),
    (41, "OPT"),
    (42, "APL"),
    (43, "DS"),
    (44, "SSHFP"),
    (45, "IPSECKEY"),
    (46, "RRSIG"),
    (47, "NSEC"),
    (48, "DNSKEY"),
    (49, "DHCID"),
    (50, "NSEC3"),
    (51, "NSEC3PARAM"),
    (52, "TLSA"),
    (53, "SMIMEA"),
    (55, "HIP"),
    (56, "NINFO"),
    (57, "RKEY"),
    (58, "TALINK"),
    (59, "CDS"),
    (60, "CDNSKEY"),
    (61, "OPENPGPKEY"),
    (62, "CSYNC"),
    (63, "ZONEMD"),
    (64, "SVCB"),
    (65, "HTTPS"),
    (99, "SPF"),
    (100, "UINFO"),
    (101, "UID"),
    (102, "GID"),
    (103, "UNSPEC"),
    (104, "NID"),
    (105, "L32"),
    (106, "L64"),
    (107, "LP"),
    (108, "EUI48"),
    (109, "EUI64"),
    (249, "TKEY"),
    (250, "TSIG"),
    (256, "URI"),
    (257, "CAA"),
    (258, "AVC"),
    (259, "DOA"),
    (260, "AMTRELAY"),
    (32768, "TA"),
    (32769, "DLV"),
    (65535, "RESERVED"),
];

/// Question type names (scapy's `dnsqtypes`): the record types plus the query-only ones.
pub static DNS_QTYPES: &[(u64, &str)] = &[
    (0, "RESERVED"),
    (1, "A"),
    (2, "NS"),
    (3, "MD"),
    (4, "MF"),
    (5, "CNAME"),
    (6, "SOA"),
    (7, "MB"),
    (8, "MG"),
    (9, "MR"),
    (10, "NULL"),
    (11, "WKS"),
    (12, "PTR"),
    (13, "HINFO"),
    (14, "MINFO"),
    (15, "MX"),
    (16, "TXT"),
    (17, "RP"),
    (18, "AFSDB"),
    (19, "X25"),
    (20, "ISDN"),
    (21, "RT"),
    (22, "NSAP"),
    (23, "NSAP-PTR"),
    (24, "SIG"),
    (25, "KEY"),
    (26, "PX"),
    (27, "GPOS"),
    (28, "AAAA"),
    (29, "LOC"),
    (30, "NXT"),
    (31, "EID"),
    (32, "NIMLOC"),
    (33, "SRV"),
    (34, "ATMA"),
    (35, "NAPTR"),
    (36, "KX"),
    (37, "CERT"),
    (38, "A6"),
    (39, "DNAME"),
    (40, "SINK"),
    (41, "OPT"),
    (42, "APL"),
    (43, "DS"),
    (44, "SSHFP"),
    (45, "IPSECKEY"),
    (46, "RRSIG"),
    (47, "NSEC"),
    (48, "DNSKEY"),
    (49, "DHCID"),
    (50, "NSEC3"),
    (51, "NSEC3PARAM"),
    (52, "TLSA"),
    (53, "SMIMEA"),
    (55, "HIP"),
    (56, "NINFO"),
    (57, "RKEY"),
    (58, "TALINK"),
    (59, "CDS"),
    (60, "CDNSKEY"),
    (61, "OPENPGPKEY"),
    (62, "CSYNC"),
    (63, "ZONEMD"),
    (64, "SVCB"),
    (65, "HTTPS"),
    (99, "SPF"),
    (100, "UINFO"),
    (101, "UID"),
    (102, "GID"),
    (103, "UNSPEC"),
    (104, "NID"),
    (105, "L32"),
    (106, "L64"),
    (107, "LP"),
    (108, "EUI48"),
    (109, "EUI64"),
    (249, "TKEY"),
    (250, "TSIG"),
    (251, "IXFR"),
    (252, "AXFR"),
    (253, "MAILB"),
    (254, "MAILA"),
    (255, "ALL"),
    (256, "URI"),
    (257, "CAA"),
    (258, "AVC"),
    (259, "DOA"),
    (260, "AMTRELAY"),
    (32768, "TA"),
    (32769, "DLV"),
    (65535, "RESERVED"),
];

/// Class names (scapy's `dnsclasses`).
pub static DNS_CLASSES: &[(u64, &str)] =
    &[(1, "IN"), (2, "CS"), (3, "CH"), (4, "HS"), (255, "ANY")];

/// Opcode names.
pub static DNS_OPCODES: &[(u64, &str)] = &[(0, "QUERY"), (1, "IQUERY"), (2, "STATUS")];

/// Response code names.
pub static DNS_RCODES: &[(u64, &str)] = &[
    (0, "ok"),
    (1, "format-error"),
    (2, "server-failure"),
    (3, "name-error"),
    (4, "not-implemented"),
    (5, "refused"),
];

/// EDNS0 option code names (scapy's `edns0types`).
pub static EDNS0_TYPES: &[(u64, &str)] = &[
    (0, "Reserved"),
    (1, "LLQ"),
    (2, "UL"),
    (3, "NSID"),
    (4, "Owner"),
    (5, "DAU"),
    (6, "DHU"),
    (7, "N3U"),
    (8, "edns-client-subnet"),
    (10, "COOKIE"),
    (12, "Padding"),
    (15, "Extended DNS Error"),
];

/// Record types whose data is one domain name (NS, MD, MF, CNAME, PTR, DNAME).
const NAME_TYPES: [u16; 6] = [2, 3, 4, 5, 12, 39];

/// Record types scapy dissects with a class of their own (`DNSRR_DISPATCHER`).
const DISPATCHED_TYPES: [u16; 16] = [
    6, 13, 15, 33, 35, 41, 43, 46, 47, 48, 50, 51, 64, 65, 250, 32769,
];

/// Most pointers followed while decoding one name.
pub const MAX_JUMPS: usize = 64;

/// Longest name on the wire (RFC 1035 2.3.4), length bytes and final zero included.
pub const MAX_NAME_WIRE: usize = 255;

// ---------------------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------------------

/// scapy's `_is_ptr`: bytes that look already encoded (end with a zero byte or a pointer).
fn is_ptr(x: &[u8]) -> bool {
    x.last() == Some(&0) || (x.len() >= 2 && x.get(x.len() - 2).is_some_and(|b| b & 0xc0 == 0xc0))
}

/// scapy's `dns_encode(x, check_built=True)`: labels prefixed by their length (cut to 63
/// bytes, as scapy does), a final zero byte; bytes that look already encoded are kept.
pub fn dns_encode(x: &[u8]) -> Vec<u8> {
    if x.is_empty() || x == b"." {
        return vec![0];
    }
    if is_ptr(x) {
        return x.to_vec();
    }
    let mut out = Vec::with_capacity(x.len() + 2);
    for label in x.split(|&c| c == b'.') {
        let label = label.get(..63).unwrap_or(label);
        out.push(label.len() as u8);
        out.extend_from_slice(label);
    }
    if out.last() != Some(&0) {
        out.push(0);
    }
    out
}

/// A domain name: its text as scapy holds it (`b'www.example.com.'`), and, when the bytes
/// it was read from (or compressed to) differ from the plain encoding of that text, those
/// wire bytes, which building writes back verbatim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DnsName {
    name: Vec<u8>,
    wire: Option<Vec<u8>>,
}

impl Default for DnsName {
    fn default() -> Self {
        DnsName::new(".")
    }
}

impl DnsName {
    /// A name from text or bytes, normalised as scapy's `DNSStrField.h2i`: empty becomes
    /// `.`, a trailing dot is added unless the bytes look already encoded.
    pub fn new(x: impl AsRef<[u8]>) -> DnsName {
        let x = x.as_ref();
        let mut name = if x.is_empty() {
            b".".to_vec()
        } else {
            x.to_vec()
        };
        if name.last() != Some(&b'.') && !is_ptr(&name) {
            name.push(b'.');
        }
        DnsName { name, wire: None }
    }

    /// The name's bytes (`www.example.com.`).
    pub fn as_bytes(&self) -> &[u8] {
        &self.name
    }

    /// The kept wire form (compressed or unusual names), if any.
    pub fn wire(&self) -> Option<&[u8]> {
        self.wire.as_deref()
    }

    /// Appends the name's wire form.
    pub fn emit(&self, out: &mut Vec<u8>) {
        match &self.wire {
            Some(w) => out.extend_from_slice(w),
            None => out.extend_from_slice(&dns_encode(&self.name)),
        }
    }

    fn from_wire(name: Vec<u8>, wire: &[u8]) -> DnsName {
        let plain = dns_encode(&name);
        let wire = (plain != wire).then(|| wire.to_vec());
        DnsName { name, wire }
    }
}

impl From<&str> for DnsName {
    fn from(s: &str) -> DnsName {
        DnsName::new(s)
    }
}

impl FieldType for DnsName {
    fn to_value(&self) -> Value {
        Value::Bytes(self.name.clone())
    }
    fn from_value(v: Value, desc: &FieldDesc) -> Result<Self, FieldError> {
        match v {
            Value::Str(s) => Ok(DnsName::new(s.as_bytes())),
            Value::Bytes(b) => Ok(DnsName::new(b)),
            other => Err(FieldError::BadValue {
                field: desc.name,
                expected: "a domain name".into(),
                got: other.to_string(),
            }),
        }
    }
}

/// Why a name could not be walked. Offsets include the walker's `base`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NameWalkErr {
    /// The bytes end inside the name: `needed` bytes of the buffer are needed.
    Truncated(usize),
    /// A compression pointer past the end of the message.
    PointerPastEnd {
        /// Offset of the pointer.
        offset: usize,
        /// Where it points.
        target: usize,
    },
    /// A label type 0x40 or 0x80.
    ReservedLabel {
        /// Offset of the length byte.
        offset: usize,
        /// The length byte.
        byte: u8,
    },
    /// A pointer seen before, or more than [`MAX_JUMPS`] of them.
    Loop {
        /// Offset of the pointer.
        offset: usize,
    },
    /// More than [`MAX_NAME_WIRE`] bytes.
    TooLong {
        /// Offset of the name.
        offset: usize,
    },
}

/// Walks the name at `start` of `msg` (the DNS message), calling `on_label` with each label
/// in order. Labels read before the first pointer must end before `limit`; pointers may go
/// anywhere in `msg`, at most [`MAX_JUMPS`] of them, none twice. Returns the offset just after
/// the name's own bytes at `start`. `base` is added to offsets in errors. Allocation-free:
/// the fast dissector and the owned model share this one walker.
pub(crate) fn walk_name(
    msg: &[u8],
    start: usize,
    limit: usize,
    base: usize,
    mut on_label: impl FnMut(&[u8]),
) -> Result<usize, NameWalkErr> {
    let mut pos = start;
    let mut lim = limit.min(msg.len());
    let mut end: Option<usize> = None;
    let mut visited = [0usize; MAX_JUMPS];
    let mut n_visited = 0usize;
    let mut wire_len = 0usize;
    loop {
        let b = match msg.get(pos) {
            Some(&b) if pos < lim => b,
            _ => return Err(NameWalkErr::Truncated(base + pos + 1)),
        };
        match b & 0xc0 {
            0xc0 => {
                let lo = match msg.get(pos + 1) {
                    Some(&lo) if pos + 1 < lim => lo,
                    _ => return Err(NameWalkErr::Truncated(base + pos + 2)),
                };
                if end.is_none() {
                    end = Some(pos + 2);
                }
                let target = (usize::from(b & 0x3f) << 8) | usize::from(lo);
                if target >= msg.len() {
                    return Err(NameWalkErr::PointerPastEnd {
                        offset: base + pos,
                        target,
                    });
                }
                let seen = visited.get(..n_visited).unwrap_or(&[]);
                if seen.contains(&target) || n_visited >= MAX_JUMPS {
                    return Err(NameWalkErr::Loop { offset: base + pos });
                }
                if let Some(slot) = visited.get_mut(n_visited) {
                    *slot = target;
                }
                n_visited += 1;
                pos = target;
                lim = msg.len();
            }
            0x40 | 0x80 => {
                return Err(NameWalkErr::ReservedLabel {
                    offset: base + pos,
                    byte: b,
                });
            }
            _ if b == 0 => {
                pos += 1;
                break;
            }
            _ => {
                let n = usize::from(b);
                let label = match msg.get(pos + 1..pos + 1 + n) {
                    Some(l) if pos + 1 + n <= lim => l,
                    _ => return Err(NameWalkErr::Truncated(base + pos + 1 + n)),
                };
                wire_len += 1 + n;
                if wire_len + 1 > MAX_NAME_WIRE {
                    return Err(NameWalkErr::TooLong {
                        offset: base + start,
                    });
                }
                on_label(label);
                pos += 1 + n;
            }
        }
    }
    Ok(end.unwrap_or(pos))
}

/// Why a name could not be read.
enum NameErr {
    /// The bytes end inside the name: `needed` bytes of the buffer are needed.
    Truncated(usize),
    /// A structural error (loop, bad pointer, reserved label type, too long).
    Bad(ParseError),
}

impl From<NameWalkErr> for NameErr {
    fn from(e: NameWalkErr) -> Self {
        let malformed = |reason: String| {
            NameErr::Bad(ParseError::Malformed {
                layer: "DNS",
                offset: 0,
                reason,
            })
        };
        match e {
            NameWalkErr::Truncated(n) => NameErr::Truncated(n),
            NameWalkErr::PointerPastEnd { offset, target } => NameErr::Bad(ParseError::BadValue {
                layer: "DNS",
                offset,
                field: "name pointer",
                value: target as u64,
                reason: "compression pointer past the end of the message",
            }),
            NameWalkErr::ReservedLabel { offset, byte } => NameErr::Bad(ParseError::BadValue {
                layer: "DNS",
                offset,
                field: "label length",
                value: u64::from(byte),
                reason: "label over 63 bytes (reserved label type)",
            }),
            NameWalkErr::Loop { offset } => {
                malformed(format!("compression pointer loop at offset {offset}"))
            }
            NameWalkErr::TooLong { offset } => malformed(format!(
                "name longer than {MAX_NAME_WIRE} bytes at offset {offset}"
            )),
        }
    }
}

/// Reads the name at `start` of `msg` (see [`walk_name`]): its text and the offset just after
/// its bytes at `start`.
fn read_name(
    msg: &[u8],
    start: usize,
    limit: usize,
    base: usize,
) -> Result<(DnsName, usize), NameErr> {
    let mut name: Vec<u8> = Vec::new();
    let end = walk_name(msg, start, limit, base, |label| {
        name.extend_from_slice(label);
        name.push(b'.');
    })?;
    if name.is_empty() {
        name.push(b'.');
    }
    let wire = msg.get(start..end).unwrap_or(&[]);
    Ok((DnsName::from_wire(name, wire), end))
}

// ---------------------------------------------------------------------------------------
// EDNS0 options and record data
// ---------------------------------------------------------------------------------------

/// An EDNS0 option (scapy's `EDNS0TLV`; the specialised `EDNS0*` classes build the same
/// bytes from their data). Value form: `(optcode, b'optdata')`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EdnsOption {
    /// Option code (10 = COOKIE, 12 = Padding...).
    pub optcode: u16,
    /// Option length (the data's length when unset).
    pub optlen: Option<u16>,
    /// Option data.
    pub optdata: Vec<u8>,
}

impl EdnsOption {
    /// An option with its length computed.
    pub fn new(optcode: u16, optdata: impl Into<Vec<u8>>) -> EdnsOption {
        EdnsOption {
            optcode,
            optlen: None,
            optdata: optdata.into(),
        }
    }

    fn emit(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.optcode.to_be_bytes());
        let len = self.optlen.unwrap_or(self.optdata.len().min(0xffff) as u16);
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(&self.optdata);
    }

    fn to_value(&self) -> Value {
        Value::Tuple(vec![
            Value::Int(u64::from(self.optcode)),
            Value::Bytes(self.optdata.clone()),
        ])
    }

    /// Parses options filling `b` exactly; `None` if one runs past the end.
    fn parse_all(mut b: &[u8]) -> Option<Vec<EdnsOption>> {
        let mut v = Vec::with_capacity(b.len() / 4);
        while !b.is_empty() {
            let code = be16(b, 0)?;
            let len = usize::from(be16(b, 2)?);
            let data = b.get(4..4 + len)?;
            v.push(EdnsOption::new(code, data));
            b = b.get(4 + len..)?;
        }
        Some(v)
    }
}

/// The data of a resource record, by record type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DNSRRData {
    /// A (1): an IPv4 address.
    A(Ipv4Addr),
    /// AAAA (28): an IPv6 address.
    AAAA(Ipv6Addr),
    /// NS, MD, MF, CNAME, PTR, DNAME: a domain name.
    Name(DnsName),
    /// TXT (16): character strings (scapy's `DNSTextField`; strings of 255 bytes or more
    /// are split when building, as scapy does).
    Txt(Vec<Vec<u8>>),
    /// MX (15), scapy's `DNSRRMX`.
    Mx {
        /// Preference.
        preference: u16,
        /// Mail exchanger.
        exchange: DnsName,
    },
    /// SOA (6), scapy's `DNSRRSOA`.
    Soa {
        /// Primary name server.
        mname: DnsName,
        /// Responsible mailbox.
        rname: DnsName,
        /// Serial number.
        serial: u32,
        /// Refresh interval.
        refresh: u32,
        /// Retry interval.
        retry: u32,
        /// Expire limit.
        expire: u32,
        /// Minimum TTL.
        minimum: u32,
    },
    /// SRV (33), scapy's `DNSRRSRV`.
    Srv {
        /// Priority.
        priority: u16,
        /// Weight.
        weight: u16,
        /// Port.
        port: u16,
        /// Target host.
        target: DnsName,
    },
    /// OPT (41), scapy's `DNSRROPT`: EDNS0 options.
    Opt(Vec<EdnsOption>),
    /// Any other type, or data that does not decode as its type: the bytes as they are.
    Raw(Vec<u8>),
    /// Text or bytes given through `set()`, whose meaning depends on the record type; it is
    /// resolved (address, name, TXT string or raw bytes) when the record enters a DNS layer
    /// or is built.
    Unresolved(Vec<u8>),
}

impl DNSRRData {
    /// A domain name (NS, CNAME, PTR...).
    pub fn name(n: impl AsRef<[u8]>) -> DNSRRData {
        DNSRRData::Name(DnsName::new(n))
    }

    /// MX data (scapy's `DNSRRMX(preference, exchange)`).
    pub fn mx(preference: u16, exchange: impl AsRef<[u8]>) -> DNSRRData {
        DNSRRData::Mx {
            preference,
            exchange: DnsName::new(exchange),
        }
    }

    /// SRV data (scapy's `DNSRRSRV(priority, weight, port, target)`).
    pub fn srv(priority: u16, weight: u16, port: u16, target: impl AsRef<[u8]>) -> DNSRRData {
        DNSRRData::Srv {
            priority,
            weight,
            port,
            target: DnsName::new(target),
        }
    }

    /// SOA data (scapy's `DNSRRSOA(mname, rname, serial, refresh, retry, expire, minimum)`).
    pub fn soa(
        mname: impl AsRef<[u8]>,
        rname: impl AsRef<[u8]>,
        [serial, refresh, retry, expire, minimum]: [u32; 5],
    ) -> DNSRRData {
        DNSRRData::Soa {
            mname: DnsName::new(mname),
            rname: DnsName::new(rname),
            serial,
            refresh,
            retry,
            expire,
            minimum,
        }
    }

    /// scapy's default data for a record of type `t` (`DNSRR(type=t)`).
    pub fn default_for(t: u16) -> DNSRRData {
        match t {
            1 => DNSRRData::A(Ipv4Addr::UNSPECIFIED),
            28 => DNSRRData::AAAA(Ipv6Addr::UNSPECIFIED),
            16 => DNSRRData::Txt(vec![Vec::new()]),
            41 => DNSRRData::Opt(Vec::new()),
            t if NAME_TYPES.contains(&t) => DNSRRData::Name(DnsName::new(".")),
            _ => DNSRRData::Raw(Vec::new()),
        }
    }

    /// The data as it will be built for a record of type `t` (scapy's `MultipleTypeField`
    /// choice): text becomes an address, a name, a TXT string or raw bytes.
    pub fn resolve(self, t: u16) -> DNSRRData {
        match self {
            DNSRRData::Unresolved(b) => {
                let text = std::str::from_utf8(&b).ok().map(str::trim);
                match t {
                    1 => match text.and_then(|s| s.parse::<Ipv4Addr>().ok()) {
                        Some(a) => DNSRRData::A(a),
                        None => DNSRRData::Raw(b),
                    },
                    28 => match text.and_then(|s| s.parse::<Ipv6Addr>().ok()) {
                        Some(a) => DNSRRData::AAAA(a),
                        None => DNSRRData::Raw(b),
                    },
                    16 => DNSRRData::Txt(vec![b]),
                    t if NAME_TYPES.contains(&t) => DNSRRData::Name(DnsName::new(b)),
                    _ => DNSRRData::Raw(b),
                }
            }
            DNSRRData::Txt(v) if v.is_empty() && t == 41 => DNSRRData::Opt(Vec::new()),
            DNSRRData::Opt(v) if v.is_empty() && t == 16 => DNSRRData::Txt(Vec::new()),
            other => other,
        }
    }

    /// Appends the wire form of the data (resolved for type `t`).
    pub fn emit(&self, t: u16, out: &mut Vec<u8>) {
        match self {
            DNSRRData::A(a) => out.extend_from_slice(&a.octets()),
            DNSRRData::AAAA(a) => out.extend_from_slice(&a.octets()),
            DNSRRData::Name(n) => n.emit(out),
            DNSRRData::Txt(v) => {
                for s in v {
                    if s.is_empty() {
                        out.push(0);
                        continue;
                    }
                    let mut rest: &[u8] = s;
                    while rest.len() >= 255 {
                        out.push(255);
                        out.extend_from_slice(rest.get(..255).unwrap_or(rest));
                        rest = rest.get(255..).unwrap_or(&[]);
                    }
                    if !rest.is_empty() {
                        out.push(rest.len() as u8);
                        out.extend_from_slice(rest);
                    }
                }
            }
            DNSRRData::Mx {
                preference,
                exchange,
            } => {
                out.extend_from_slice(&preference.to_be_bytes());
                exchange.emit(out);
            }
            DNSRRData::Soa {
                mname,
                rname,
                serial,
                refresh,
                retry,
                expire,
                minimum,
            } => {
                mname.emit(out);
                rname.emit(out);
                for v in [serial, refresh, retry, expire, minimum] {
                    out.extend_from_slice(&v.to_be_bytes());
                }
            }
            DNSRRData::Srv {
                priority,
                weight,
                port,
                target,
            } => {
                for v in [priority, weight, port] {
                    out.extend_from_slice(&v.to_be_bytes());
                }
                target.emit(out);
            }
            DNSRRData::Opt(opts) => {
                for o in opts {
                    o.emit(out);
                }
            }
            DNSRRData::Raw(b) => out.extend_from_slice(b),
            DNSRRData::Unresolved(_) => self.clone().resolve(t).emit(t, out),
        }
    }

    /// scapy's `%s` of the data, as `DNS.mysummary` prints it.
    fn summary(&self) -> String {
        match self {
            DNSRRData::A(a) => a.to_string(),
            DNSRRData::AAAA(a) => a.to_string(),
            DNSRRData::Name(n) => bytes_repr(n.as_bytes()),
            DNSRRData::Txt(v) => {
                let parts: Vec<String> = v.iter().map(|s| bytes_repr(s)).collect();
                format!("[{}]", parts.join(", "))
            }
            DNSRRData::Raw(b) | DNSRRData::Unresolved(b) => bytes_repr(b),
            other => other.to_value().to_string(),
        }
    }

    /// Decodes the data of a record of type `t` at `msg[start..end]`. Data that does not
    /// fill its length exactly as its type says is kept raw.
    fn parse(
        t: u16,
        msg: &[u8],
        start: usize,
        end: usize,
        base: usize,
    ) -> Result<Self, ParseError> {
        let b = msg.get(start..end).unwrap_or(&[]);
        let raw = || DNSRRData::Raw(b.to_vec());
        // A name inside the data, which must end at or before `end`.
        let name_at = |at: usize| -> Result<Option<(DnsName, usize)>, ParseError> {
            match read_name(msg, at, end, base) {
                Ok(x) => Ok(Some(x)),
                Err(NameErr::Truncated(_)) => Ok(None),
                Err(NameErr::Bad(e)) => Err(e),
            }
        };
        Ok(match t {
            1 => match <[u8; 4]>::try_from(b) {
                Ok(a) => DNSRRData::A(Ipv4Addr::from(a)),
                Err(_) => raw(),
            },
            28 => match <[u8; 16]>::try_from(b) {
                Ok(a) => DNSRRData::AAAA(Ipv6Addr::from(a)),
                Err(_) => raw(),
            },
            16 => {
                let mut v = Vec::with_capacity(b.len().min(64));
                let mut rest = b;
                let mut ok = true;
                while let Some((&n, tail)) = rest.split_first() {
                    match tail.get(..usize::from(n)) {
                        Some(s) => {
                            v.push(s.to_vec());
                            rest = tail.get(usize::from(n)..).unwrap_or(&[]);
                        }
                        None => {
                            ok = false;
                            break;
                        }
                    }
                }
                if ok { DNSRRData::Txt(v) } else { raw() }
            }
            15 => match (be16(b, 0), end >= start + 2) {
                (Some(preference), true) => match name_at(start + 2)? {
                    Some((exchange, e)) if e == end => DNSRRData::Mx {
                        preference,
                        exchange,
                    },
                    _ => raw(),
                },
                _ => raw(),
            },
            6 => {
                let Some((mname, e1)) = name_at(start)? else {
                    return Ok(raw());
                };
                let Some((rname, e2)) = name_at(e1)? else {
                    return Ok(raw());
                };
                if end.checked_sub(e2) != Some(20) {
                    return Ok(raw());
                }
                let n = |i: usize| be32(msg, e2 + 4 * i).unwrap_or(0);
                DNSRRData::Soa {
                    mname,
                    rname,
                    serial: n(0),
                    refresh: n(1),
                    retry: n(2),
                    expire: n(3),
                    minimum: n(4),
                }
            }
            33 => {
                if b.len() < 7 {
                    return Ok(raw());
                }
                match name_at(start + 6)? {
                    Some((target, e)) if e == end => DNSRRData::Srv {
                        priority: be16(b, 0).unwrap_or(0),
                        weight: be16(b, 2).unwrap_or(0),
                        port: be16(b, 4).unwrap_or(0),
                        target,
                    },
                    _ => raw(),
                }
            }
            41 => match EdnsOption::parse_all(b) {
                Some(v) => DNSRRData::Opt(v),
                None => raw(),
            },
            t if NAME_TYPES.contains(&t) => match name_at(start)? {
                Some((n, e)) if e == end => DNSRRData::Name(n),
                _ => raw(),
            },
            _ => raw(),
        })
    }

    /// The domain names of the data that `dns_compress()` considers, in field order, for a
    /// record of type `t`.
    fn names_mut(&mut self, t: u16) -> Vec<&mut DnsName> {
        match self {
            DNSRRData::Name(n) if [2, 3, 4, 5, 12, 15, 39, 47].contains(&t) => vec![n],
            DNSRRData::Mx { exchange, .. } => vec![exchange],
            DNSRRData::Soa { mname, rname, .. } => vec![mname, rname],
            DNSRRData::Srv { target, .. } => vec![target],
            _ => Vec::new(),
        }
    }
}

fn bytes_of(v: &Value) -> Option<Vec<u8>> {
    match v {
        Value::Str(s) => Some(s.as_bytes().to_vec()),
        Value::Bytes(b) => Some(b.clone()),
        _ => None,
    }
}

impl FieldType for DNSRRData {
    fn to_value(&self) -> Value {
        let int = |v: u64| Value::Int(v);
        let name = |n: &DnsName| Value::Bytes(n.as_bytes().to_vec());
        match self {
            DNSRRData::A(a) => Value::Ipv4(*a),
            DNSRRData::AAAA(a) => Value::Ipv6(*a),
            DNSRRData::Name(n) => name(n),
            DNSRRData::Txt(v) => Value::List(v.iter().map(|s| Value::Bytes(s.clone())).collect()),
            DNSRRData::Mx {
                preference,
                exchange,
            } => Value::Tuple(vec![int(u64::from(*preference)), name(exchange)]),
            DNSRRData::Soa {
                mname,
                rname,
                serial,
                refresh,
                retry,
                expire,
                minimum,
            } => Value::Tuple(vec![
                name(mname),
                name(rname),
                int(u64::from(*serial)),
                int(u64::from(*refresh)),
                int(u64::from(*retry)),
                int(u64::from(*expire)),
                int(u64::from(*minimum)),
            ]),
            DNSRRData::Srv {
                priority,
                weight,
                port,
                target,
            } => Value::Tuple(vec![
                int(u64::from(*priority)),
                int(u64::from(*weight)),
                int(u64::from(*port)),
                name(target),
            ]),
            DNSRRData::Opt(v) => Value::List(v.iter().map(EdnsOption::to_value).collect()),
            DNSRRData::Raw(b) | DNSRRData::Unresolved(b) => Value::Bytes(b.clone()),
        }
    }

    fn from_value(v: Value, desc: &FieldDesc) -> Result<Self, FieldError> {
        let bad = |v: &Value| FieldError::BadValue {
            field: desc.name,
            expected: "record data: an address, a name or bytes, a list of TXT strings, \
                       (preference, exchange) for MX, (priority, weight, port, target) for SRV, \
                       (mname, rname, serial, refresh, retry, expire, minimum) for SOA, \
                       or a list of (optcode, b'data') EDNS0 options"
                .into(),
            got: v.to_string(),
        };
        let u16_of = |x: &Value| x.as_int().and_then(|n| u16::try_from(n).ok());
        let u32_of = |x: &Value| x.as_int().and_then(|n| u32::try_from(n).ok());
        let name_of = |x: &Value| bytes_of(x).map(DnsName::new);
        match &v {
            Value::Ipv4(a) => Ok(DNSRRData::A(*a)),
            Value::Ipv6(a) => Ok(DNSRRData::AAAA(*a)),
            Value::Str(_) | Value::Bytes(_) => {
                Ok(DNSRRData::Unresolved(bytes_of(&v).unwrap_or_default()))
            }
            Value::List(items) => {
                if items.iter().all(|x| matches!(x, Value::Tuple(_))) && !items.is_empty() {
                    let mut opts = Vec::with_capacity(items.len());
                    for it in items {
                        let Value::Tuple(t) = it else {
                            return Err(bad(&v));
                        };
                        let opt = match t.as_slice() {
                            [code, data] => {
                                let code = match code {
                                    Value::Str(s) => EDNS0_TYPES
                                        .iter()
                                        .find(|(_, n)| n.eq_ignore_ascii_case(s))
                                        .map(|(c, _)| *c as u16),
                                    other => u16_of(other),
                                };
                                match (code, bytes_of(data)) {
                                    (Some(c), Some(d)) => EdnsOption::new(c, d),
                                    _ => return Err(bad(&v)),
                                }
                            }
                            _ => return Err(bad(&v)),
                        };
                        opts.push(opt);
                    }
                    Ok(DNSRRData::Opt(opts))
                } else {
                    items
                        .iter()
                        .map(|x| bytes_of(x).ok_or_else(|| bad(&v)))
                        .collect::<Result<Vec<_>, _>>()
                        .map(DNSRRData::Txt)
                }
            }
            Value::Tuple(t) => match t.as_slice() {
                [p, e] => match (u16_of(p), name_of(e)) {
                    (Some(preference), Some(exchange)) => Ok(DNSRRData::Mx {
                        preference,
                        exchange,
                    }),
                    _ => Err(bad(&v)),
                },
                [p, w, port, tg] => match (u16_of(p), u16_of(w), u16_of(port), name_of(tg)) {
                    (Some(priority), Some(weight), Some(port), Some(target)) => {
                        Ok(DNSRRData::Srv {
                            priority,
                            weight,
                            port,
                            target,
                        })
                    }
                    _ => Err(bad(&v)),
                },
                [m, r, s, rf, rt, ex, mi] => {
                    match (
                        name_of(m),
                        name_of(r),
                        u32_of(s),
                        u32_of(rf),
                        u32_of(rt),
                        u32_of(ex),
                        u32_of(mi),
                    ) {
                        (
                            Some(mname),
                            Some(rname),
                            Some(serial),
                            Some(refresh),
                            Some(retry),
                            Some(expire),
                            Some(minimum),
                        ) => Ok(DNSRRData::Soa {
                            mname,
                            rname,
                            serial,
                            refresh,
                            retry,
                            expire,
                            minimum,
                        }),
                        _ => Err(bad(&v)),
                    }
                }
                _ => Err(bad(&v)),
            },
            _ => Err(bad(&v)),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Question and resource records
// ---------------------------------------------------------------------------------------

define_layer! {
    /// A DNS question (scapy's `DNSQR`), an element of `DNS.qd`.
    pub struct DNSQR("DNSQR") {
        qname: DnsName = DnsName::new("www.example.com"), FieldKind::Bytes,
            "b'www.example.com.'", "Queried name";
        qtype: u16 = 1, FieldKind::Enum(16), "1", "Query type", values(DNS_QTYPES);
        unicastresponse: u8 = 0, FieldKind::Int(1), "0",
            "mDNS unicast-response bit (top bit of the class)";
        qclass: u16 = 1, FieldKind::Enum(15), "1", "Query class", values(DNS_CLASSES);
    }
}

impl DNSQR {
    /// Appends the question's bytes.
    pub fn emit(&self, out: &mut Vec<u8>) {
        self.qname.emit(out);
        out.extend_from_slice(&self.qtype.to_be_bytes());
        let c = (u16::from(self.unicastresponse & 1) << 15) | (self.qclass & 0x7fff);
        out.extend_from_slice(&c.to_be_bytes());
    }

    fn parse(msg: &[u8], at: usize, base: usize) -> Result<(DNSQR, usize), ParseError> {
        let (qname, p) =
            read_name(msg, at, msg.len(), base).map_err(|e| name_err(e, base + msg.len()))?;
        let (Some(qtype), Some(c)) = (be16(msg, p), be16(msg, p + 2)) else {
            return Err(truncated("DNS", base + p + 4, base + msg.len()));
        };
        let q = DNSQR {
            qname,
            qtype,
            unicastresponse: (c >> 15) as u8,
            qclass: c & 0x7fff,
            ..Default::default()
        };
        Ok((q, p + 4))
    }
}

impl Proto for DNSQR {
    fn long_name(&self) -> &'static str {
        "DNS Question Record"
    }
    fn build(&self, _cx: &BuildCx<'_>, out: &mut Vec<u8>) -> Result<(), BuildError> {
        self.emit(out);
        Ok(())
    }
}

define_layer! {
    /// A DNS resource record (scapy's `DNSRR`, and `DNSRRMX`, `DNSRRSOA`, `DNSRRSRV`,
    /// `DNSRROPT` through [`DNSRRData`]), an element of `DNS.an`, `ns` and `ar`.
    pub struct DNSRR("DNSRR") {
        rrname: DnsName = DnsName::new("."), FieldKind::Bytes, "b'.'", "Owner name";
        type_ as "type": u16 = 1, FieldKind::Enum(16), "1", "Record type", values(DNS_TYPES);
        cacheflush: u8 = 0, FieldKind::Int(1), "0", "mDNS cache-flush bit (top bit of the class)";
        rclass: u16 = 1, FieldKind::Enum(15), "1",
            "Class (the UDP payload size for OPT)", values(DNS_CLASSES);
        ttl: u32 = 0, FieldKind::Int(32), "0",
            "Time to live (extended rcode, version and flags for OPT)";
        rdlen: Option<u16> = None, FieldKind::Int(16), "None",
            "Data length (computed when unset)", auto();
        rdata: Option<DNSRRData> = None, FieldKind::List, "b''",
            "Record data (the type's default when unset)";
    }
}

impl DNSRR {
    /// scapy's `DNSRROPT()`: an EDNS0 OPT record with UDP payload size 4096 and the DO bit
    /// (z=0x8000) set.
    pub fn opt() -> DNSRR {
        DNSRR {
            type_: 41,
            rclass: 4096,
            ttl: 0x8000,
            rdata: Some(DNSRRData::Opt(Vec::new())),
            ..Default::default()
        }
    }

    /// Sets the record data (typed).
    pub fn with_rdata(mut self, d: DNSRRData) -> Self {
        self.rdata = Some(d);
        self
    }

    /// Sets the OPT record's EDNS0 options (typed).
    pub fn with_options(self, opts: Vec<EdnsOption>) -> Self {
        self.with_rdata(DNSRRData::Opt(opts))
    }

    /// Sets the OPT record's extended rcode, version and z (the `ttl` bits).
    pub fn with_edns(mut self, extrcode: u8, version: u8, z: u16) -> Self {
        self.ttl = (u32::from(extrcode) << 24) | (u32::from(version) << 16) | u32::from(z);
        self
    }

    /// The OPT record's extended rcode (`DNSRROPT.extrcode`).
    pub fn extrcode(&self) -> u8 {
        (self.ttl >> 24) as u8
    }

    /// The OPT record's EDNS version (`DNSRROPT.version`).
    pub fn version(&self) -> u8 {
        (self.ttl >> 16) as u8
    }

    /// The OPT record's flags (`DNSRROPT.z`, 0x8000 = DNSSEC OK).
    pub fn edns_z(&self) -> u16 {
        self.ttl as u16
    }

    /// The data that will be built: `rdata` resolved for `type`, or the type's default.
    pub fn resolved_rdata(&self) -> DNSRRData {
        match &self.rdata {
            Some(d) => d.clone().resolve(self.type_),
            None => DNSRRData::default_for(self.type_),
        }
    }

    /// Resolves `rdata` for `type` (so a crafted record compares equal to a dissected one).
    fn normalized(mut self) -> DNSRR {
        self.rdata = Some(self.resolved_rdata());
        self
    }

    /// Appends the record's bytes.
    pub fn emit(&self, out: &mut Vec<u8>) {
        self.rrname.emit(out);
        out.extend_from_slice(&self.type_.to_be_bytes());
        let c = (u16::from(self.cacheflush & 1) << 15) | (self.rclass & 0x7fff);
        out.extend_from_slice(&c.to_be_bytes());
        out.extend_from_slice(&self.ttl.to_be_bytes());
        let len_at = out.len();
        out.extend_from_slice(&self.rdlen.unwrap_or(0).to_be_bytes());
        self.resolved_rdata().emit(self.type_, out);
        if self.rdlen.is_none() {
            let n = (out.len() - len_at - 2).min(0xffff) as u16;
            put16(out, len_at, n);
        }
    }

    fn parse(msg: &[u8], at: usize, base: usize) -> Result<(DNSRR, usize), ParseError> {
        let total = base + msg.len();
        let (rrname, p) = read_name(msg, at, msg.len(), base).map_err(|e| name_err(e, total))?;
        let (Some(t), Some(c), Some(ttl), Some(rdlen)) = (
            be16(msg, p),
            be16(msg, p + 2),
            be32(msg, p + 4),
            be16(msg, p + 8),
        ) else {
            return Err(truncated("DNS", base + p + 10, total));
        };
        let start = p + 10;
        let end = start + usize::from(rdlen);
        if end > msg.len() {
            return Err(truncated("DNS", base + end, total));
        }
        let rdata = DNSRRData::parse(t, msg, start, end, base)?;
        let r = DNSRR {
            rrname,
            type_: t,
            cacheflush: (c >> 15) as u8,
            rclass: c & 0x7fff,
            ttl,
            // The data fills rdlen exactly, so the computed length is the same (scapy
            // drops rdlen from dissected records too).
            rdlen: None,
            rdata: Some(rdata),
            ..Default::default()
        };
        Ok((r, end))
    }
}

impl Proto for DNSRR {
    fn long_name(&self) -> &'static str {
        match self.type_ {
            15 => "DNS MX Resource Record",
            6 => "DNS SOA Resource Record",
            33 => "DNS SRV Resource Record",
            41 => "DNS OPT Resource Record",
            _ => "DNS Resource Record",
        }
    }
    fn build(&self, _cx: &BuildCx<'_>, out: &mut Vec<u8>) -> Result<(), BuildError> {
        self.emit(out);
        Ok(())
    }
}

fn name_err(e: NameErr, total: usize) -> ParseError {
    match e {
        NameErr::Truncated(needed) => truncated("DNS", needed.max(total + 1), total),
        NameErr::Bad(e) => e,
    }
}

// ---------------------------------------------------------------------------------------
// Record lists as field values
// ---------------------------------------------------------------------------------------

fn list_err(desc: &FieldDesc, what: &str, got: &Value) -> FieldError {
    FieldError::BadValue {
        field: desc.name,
        expected: format!("{what} packets or a list of them"),
        got: got.to_string(),
    }
}

fn collect_layers<T>(
    v: Value,
    desc: &FieldDesc,
    what: &str,
    pick: &dyn Fn(&Layer) -> Option<T>,
    out: &mut Vec<T>,
) -> Result<(), FieldError> {
    match v {
        Value::None => Ok(()),
        Value::List(items) => {
            for it in items {
                collect_layers(it, desc, what, pick, out)?;
            }
            Ok(())
        }
        Value::Packet(p) => {
            for l in p.layers() {
                out.push(pick(l).ok_or_else(|| list_err(desc, what, &Value::Packet(p.clone())))?);
            }
            Ok(())
        }
        other => Err(list_err(desc, what, &other)),
    }
}

impl FieldType for Vec<DNSQR> {
    fn to_value(&self) -> Value {
        Value::List(self.iter().map(|q| Value::from(q.clone())).collect())
    }
    fn from_value(v: Value, desc: &FieldDesc) -> Result<Self, FieldError> {
        let mut out = Vec::new();
        let pick = |l: &Layer| match l {
            Layer::DNSQR(q) => Some(q.clone()),
            _ => None,
        };
        collect_layers(v, desc, "DNSQR", &pick, &mut out)?;
        Ok(out)
    }
}

impl FieldType for Vec<DNSRR> {
    fn to_value(&self) -> Value {
        Value::List(self.iter().map(|r| Value::from(r.clone())).collect())
    }
    fn from_value(v: Value, desc: &FieldDesc) -> Result<Self, FieldError> {
        let mut out = Vec::new();
        let pick = |l: &Layer| match l {
            Layer::DNSRR(r) => Some(r.clone().normalized()),
            _ => None,
        };
        collect_layers(v, desc, "DNSRR", &pick, &mut out)?;
        Ok(out)
    }
}

impl From<DNSQR> for Value {
    fn from(q: DNSQR) -> Value {
        Value::Packet(Box::new(Packet::from(q)))
    }
}

impl From<Vec<DNSQR>> for Value {
    fn from(v: Vec<DNSQR>) -> Value {
        Value::List(v.into_iter().map(Value::from).collect())
    }
}

impl From<DNSRR> for Value {
    fn from(r: DNSRR) -> Value {
        Value::Packet(Box::new(Packet::from(r)))
    }
}

impl From<Vec<DNSRR>> for Value {
    fn from(v: Vec<DNSRR>) -> Value {
        Value::List(v.into_iter().map(Value::from).collect())
    }
}

impl From<DNSRRData> for Value {
    fn from(d: DNSRRData) -> Value {
        d.to_value()
    }
}

impl From<EdnsOption> for Value {
    fn from(o: EdnsOption) -> Value {
        o.to_value()
    }
}

impl From<Vec<EdnsOption>> for Value {
    fn from(v: Vec<EdnsOption>) -> Value {
        Value::List(v.iter().map(EdnsOption::to_value).collect())
    }
}

// ---------------------------------------------------------------------------------------
// The DNS message
// ---------------------------------------------------------------------------------------

define_layer! {
    /// A DNS message.
    pub struct DNS("DNS") {
        length: Option<u16> = None, FieldKind::Int(16), "None",
            "Message length, over TCP only (computed when unset)", auto();
        id: u16 = 0, FieldKind::Int(16), "0", "Identifier";
        qr: u8 = 0, FieldKind::Int(1), "0", "Response flag";
        opcode: u8 = 0, FieldKind::Enum(4), "0", "Opcode", values(DNS_OPCODES);
        aa: u8 = 0, FieldKind::Int(1), "0", "Authoritative answer";
        tc: u8 = 0, FieldKind::Int(1), "0", "Truncated";
        rd: u8 = 1, FieldKind::Int(1), "1", "Recursion desired";
        ra: u8 = 0, FieldKind::Int(1), "0", "Recursion available";
        z: u8 = 0, FieldKind::Int(1), "0", "Reserved bit";
        ad: u8 = 0, FieldKind::Int(1), "0", "Authentic data (DNSSEC)";
        cd: u8 = 0, FieldKind::Int(1), "0", "Checking disabled (DNSSEC)";
        rcode: u8 = 0, FieldKind::Enum(4), "0", "Response code", values(DNS_RCODES);
        qdcount: Option<u16> = None, FieldKind::Int(16), "None",
            "Number of questions (computed when unset)", auto();
        ancount: Option<u16> = None, FieldKind::Int(16), "None",
            "Number of answers (computed when unset)", auto();
        nscount: Option<u16> = None, FieldKind::Int(16), "None",
            "Number of authority records (computed when unset)", auto();
        arcount: Option<u16> = None, FieldKind::Int(16), "None",
            "Number of additional records (computed when unset)", auto();
        qd: Vec<DNSQR> = vec![DNSQR::default()], FieldKind::PacketList, "[<DNSQR  |>]",
            "Questions";
        an: Vec<DNSRR> = Vec::new(), FieldKind::PacketList, "[]", "Answers";
        ns: Vec<DNSRR> = Vec::new(), FieldKind::PacketList, "[]", "Authority records";
        ar: Vec<DNSRR> = Vec::new(), FieldKind::PacketList, "[]", "Additional records";
    }
}

/// Whether a DNS layer above `l` is DNS over TCP (scapy: `isinstance(underlayer, TCP)`).
fn is_tcp(l: Option<&Layer>) -> bool {
    matches!(l, Some(Layer::TCP(_)) | Some(Layer::TCPerror(_)))
}

/// One name field of a record, found by `dns_compress()`: (section, record, name index).
type NameRef = (usize, usize, usize);

impl DNS {
    /// Sets the questions (typed).
    pub fn with_qd(mut self, v: Vec<DNSQR>) -> Self {
        self.qd = v;
        self
    }

    /// Sets the answers (typed; record data is resolved for each record's type).
    pub fn with_an(mut self, v: Vec<DNSRR>) -> Self {
        self.an = v.into_iter().map(DNSRR::normalized).collect();
        self
    }

    /// Sets the authority records (typed).
    pub fn with_ns(mut self, v: Vec<DNSRR>) -> Self {
        self.ns = v.into_iter().map(DNSRR::normalized).collect();
        self
    }

    /// Sets the additional records (typed).
    pub fn with_ar(mut self, v: Vec<DNSRR>) -> Self {
        self.ar = v.into_iter().map(DNSRR::normalized).collect();
        self
    }

    /// Appends the message without the TCP length prefix.
    pub fn emit_message(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.id.to_be_bytes());
        out.push(
            ((self.qr & 1) << 7)
                | ((self.opcode & 0x0f) << 3)
                | ((self.aa & 1) << 2)
                | ((self.tc & 1) << 1)
                | (self.rd & 1),
        );
        out.push(
            ((self.ra & 1) << 7)
                | ((self.z & 1) << 6)
                | ((self.ad & 1) << 5)
                | ((self.cd & 1) << 4)
                | (self.rcode & 0x0f),
        );
        let count = |c: Option<u16>, n: usize| c.unwrap_or(n.min(0xffff) as u16);
        out.extend_from_slice(&count(self.qdcount, self.qd.len()).to_be_bytes());
        out.extend_from_slice(&count(self.ancount, self.an.len()).to_be_bytes());
        out.extend_from_slice(&count(self.nscount, self.ns.len()).to_be_bytes());
        out.extend_from_slice(&count(self.arcount, self.ar.len()).to_be_bytes());
        for q in &self.qd {
            q.emit(out);
        }
        for r in self.an.iter().chain(&self.ns).chain(&self.ar) {
            r.emit(out);
        }
    }

    fn section_mut(&mut self, s: usize) -> &mut Vec<DNSRR> {
        match s {
            1 => &mut self.an,
            2 => &mut self.ns,
            _ => &mut self.ar,
        }
    }

    /// The `i`-th compressible name of a record (`dns_compress()`'s `field_gen` order).
    fn name_mut(&mut self, (s, r, i): NameRef) -> Option<&mut DnsName> {
        if s == 0 {
            return self.qd.get_mut(r).map(|q| &mut q.qname);
        }
        let rr = self.section_mut(s).get_mut(r)?;
        if i == 0 {
            return Some(&mut rr.rrname);
        }
        let t = rr.type_;
        rr.rdata.as_mut()?.names_mut(t).into_iter().nth(i - 1)
    }

    /// scapy's `dns_compress()` (`DNS.compress()`): the same message with repeated names
    /// and name suffixes replaced by compression pointers, byte for byte as scapy does it.
    /// The names keep their text; their compressed form is kept as their wire bytes.
    pub fn compress(&self) -> DNS {
        let mut d = self.clone();
        d.qd.iter_mut().for_each(|q| q.qname.wire = None);
        for s in 1..4 {
            for r in d.section_mut(s).iter_mut() {
                r.rrname.wire = None;
                let t = r.type_;
                let resolved = r.resolved_rdata();
                r.rdata = Some(resolved);
                if let Some(rd) = r.rdata.as_mut() {
                    for n in rd.names_mut(t) {
                        n.wire = None;
                    }
                }
            }
        }
        let mut build = Vec::with_capacity(512);
        d.emit_message(&mut build);

        // Every (field, value), in field_gen order.
        let mut fields: Vec<(NameRef, Vec<u8>)> = Vec::new();
        for (r, q) in d.qd.iter().enumerate() {
            fields.push(((0, r, 0), q.qname.name.clone()));
        }
        for s in 1..4 {
            let recs = d.section_mut(s).clone();
            for (r, mut rr) in recs.into_iter().enumerate() {
                fields.push(((s, r, 0), rr.rrname.name.clone()));
                let t = rr.type_;
                if let Some(rd) = rr.rdata.as_mut() {
                    for (i, n) in rd.names_mut(t).into_iter().enumerate() {
                        fields.push(((s, r, i + 1), n.name.clone()));
                    }
                }
            }
        }

        struct Entry {
            part: Vec<u8>,
            pointer: [u8; 2],
            from: usize,
            reps: Vec<(NameRef, Vec<u8>)>,
        }
        let mut data: Vec<Entry> = Vec::new();
        for (f, dat) in &fields {
            if dat.as_slice() == b"." {
                continue;
            }
            let dots = dat.iter().filter(|&&c| c == b'.').count();
            let mut parts = vec![dat.clone()];
            let mut rest: &[u8] = dat;
            for _ in 1..dots {
                let Some(p) = rest.iter().position(|&c| c == b'.') else {
                    break;
                };
                rest = rest.get(p + 1..).unwrap_or(&[]);
                parts.push(rest.to_vec());
            }
            for part in parts {
                let encoded = dns_encode(&part);
                if let Some(e) = data.iter_mut().find(|e| e.part == part) {
                    e.reps.push((*f, dat.clone()));
                    let from = e.from.min(build.len());
                    if let Some(pos) = find(build.get(from..).unwrap_or(&[]), &encoded) {
                        let at = from + pos;
                        build.splice(at..at + encoded.len(), [0u8, 0u8]);
                    }
                    break;
                }
                // scapy raises when the part is not found or is too far for a pointer.
                let Some(index) = find(&build, &encoded).filter(|&i| i < 0x4000) else {
                    continue;
                };
                data.push(Entry {
                    part,
                    pointer: [0xc0 | (index >> 8) as u8, (index & 0xff) as u8],
                    from: index + 1,
                    reps: Vec::new(),
                });
            }
        }
        for e in data {
            for (f, val) in e.reps {
                let Some(kept) = val.strip_suffix(e.part.as_slice()) else {
                    continue;
                };
                let mut w = dns_encode(kept);
                w.pop();
                w.extend_from_slice(&e.pointer);
                if let Some(n) = d.name_mut(f) {
                    n.wire = Some(w);
                }
                if f.0 != 0 {
                    if let Some(rr) = d.section_mut(f.0).get_mut(f.1) {
                        rr.rdlen = None;
                    }
                }
            }
        }
        d
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    hay.windows(needle.len()).position(|w| w == needle)
}

impl Proto for DNS {
    fn long_name(&self) -> &'static str {
        "DNS"
    }

    fn build(&self, cx: &BuildCx<'_>, out: &mut Vec<u8>) -> Result<(), BuildError> {
        if is_tcp(cx.prev()) {
            out.extend_from_slice(&self.length.unwrap_or(0).to_be_bytes());
        }
        self.emit_message(out);
        Ok(())
    }

    fn post_build(&self, cx: &PostCx<'_>, _lower: &[u8], buf: &mut [u8]) {
        let prev = cx.idx.checked_sub(1).and_then(|i| cx.layers.get(i));
        if is_tcp(prev) && self.length.is_none() {
            put16(buf, 0, cx.hdr_len.saturating_sub(2).min(0xffff) as u16);
        }
    }

    fn summary(&self, pkt: &Packet, idx: usize) -> Option<String> {
        let mut name = String::new();
        let kind = if self.qr != 0 {
            match self.an.first() {
                Some(r) if !DISPATCHED_TYPES.contains(&r.type_) => {
                    name = format!(" {}", r.resolved_rdata().summary());
                }
                _ if self.rcode != 0 => {
                    let n = DNS_RCODES
                        .iter()
                        .find(|(v, _)| *v == u64::from(self.rcode))
                        .map_or_else(|| self.rcode.to_string(), |(_, n)| (*n).to_string());
                    name = format!(" {n}");
                }
                _ => {}
            }
            "Ans"
        } else {
            if let Some(q) = self.qd.first() {
                name = format!(" {}", bytes_repr(q.qname.as_bytes()));
            }
            "Qry"
        };
        let mdns = idx
            .checked_sub(1)
            .and_then(|i| pkt.layers().get(i))
            .is_some_and(|l| {
                matches!(l, Layer::UDP(_) | Layer::UDPerror(_)) && l.get_int("dport") == Some(5353)
            });
        Some(format!("{}DNS {kind}{name}", if mdns { "m" } else { "" }))
    }

    fn field_present(&self, field: &str) -> bool {
        field != "length" || self.length.is_some()
    }
}

/// Dissects a DNS message (with its 2-byte length prefix when the layer below is TCP).
/// Names are decompressed; record counts that promise more records than the bytes hold
/// give a truncation error.
pub fn dissect(data: &[u8], cx: &DissectCx<'_>) -> Result<Dissected, ParseError> {
    dissect_msg(data, cx, false).map(|(d, n)| (Layer::DNS(d), n))
}

/// Dissects a DNS message whose bytes end where the capture's snap length cut the packet:
/// a message whose header is there keeps it and its complete questions and records (the
/// counts stay as the header gives them); the length returned is the one the first cut
/// record needs (past the bytes). Errors other than a lack of bytes stay errors.
pub fn dissect_cut(data: &[u8], cx: &DissectCx<'_>) -> Result<(DNS, usize), ParseError> {
    dissect_msg(data, cx, true)
}

fn dissect_msg(data: &[u8], cx: &DissectCx<'_>, at_cut: bool) -> Result<(DNS, usize), ParseError> {
    let tcp = is_tcp(cx.prev());
    let (base, length) = if tcp {
        // scapy's DNS.pre_dissect checks.
        let Some(l) = be16(data, 0) else {
            return Err(truncated("DNS", 2, data.len()));
        };
        if l < 14 {
            return Err(ParseError::BadValue {
                layer: "DNS",
                offset: 0,
                field: "length",
                value: u64::from(l),
                reason: "DNS over TCP length under 14",
            });
        }
        if data.len() < 2 + usize::from(l) && !(at_cut && data.len() >= 14) {
            return Err(truncated("DNS", 2 + usize::from(l), data.len()));
        }
        (2usize, Some(l))
    } else {
        (0usize, None)
    };
    let msg = data.get(base..).unwrap_or(&[]);
    if msg.len() < 12 {
        return Err(truncated("DNS", base + 12, data.len()));
    }
    let (b2, b3) = (u8_at(msg, 2).unwrap_or(0), u8_at(msg, 3).unwrap_or(0));
    let counts: [u16; 4] = [
        be16(msg, 4).unwrap_or(0),
        be16(msg, 6).unwrap_or(0),
        be16(msg, 8).unwrap_or(0),
        be16(msg, 10).unwrap_or(0),
    ];
    let mut off = 12usize;
    let remaining = |off: usize| msg.len().saturating_sub(off);
    // At a cut, the first record that lacks bytes ends the walk: its needed length is the
    // layer's.
    let mut cut_needed: Option<usize> = None;
    let cut_at = |e: ParseError| match e {
        ParseError::Truncated { needed, .. } if at_cut => Ok(needed),
        e => Err(e),
    };
    let mut qd = Vec::with_capacity(usize::from(counts[0]).min(remaining(off) / 5));
    for _ in 0..counts[0] {
        match DNSQR::parse(msg, off, base) {
            Ok((q, next)) => {
                qd.push(q);
                off = next;
            }
            Err(e) => {
                cut_needed = Some(cut_at(e)?);
                break;
            }
        }
    }
    let mut sections: [Vec<DNSRR>; 3] = [Vec::new(), Vec::new(), Vec::new()];
    'walk: for (sec, &n) in sections.iter_mut().zip(&counts[1..]) {
        if cut_needed.is_some() {
            break;
        }
        sec.reserve(usize::from(n).min(remaining(off) / 11));
        for _ in 0..n {
            match DNSRR::parse(msg, off, base) {
                Ok((r, next)) => {
                    sec.push(r);
                    off = next;
                }
                Err(e) => {
                    cut_needed = Some(cut_at(e)?);
                    break 'walk;
                }
            }
        }
    }
    let [an, ns, ar] = sections;
    let dns = DNS {
        length,
        id: be16(msg, 0).unwrap_or(0),
        qr: b2 >> 7,
        opcode: (b2 >> 3) & 0x0f,
        aa: (b2 >> 2) & 1,
        tc: (b2 >> 1) & 1,
        rd: b2 & 1,
        ra: b3 >> 7,
        z: (b3 >> 6) & 1,
        ad: (b3 >> 5) & 1,
        cd: (b3 >> 4) & 1,
        rcode: b3 & 0x0f,
        qdcount: Some(counts[0]),
        ancount: Some(counts[1]),
        nscount: Some(counts[2]),
        arcount: Some(counts[3]),
        qd,
        an,
        ns,
        ar,
        ..Default::default()
    };
    Ok((dns, cut_needed.unwrap_or(base + off)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layers::Fields;
    use crate::packet::LinkType;

    fn parse(b: &[u8]) -> Result<Dissected, ParseError> {
        dissect(b, &DissectCx { below: &[] })
    }

    fn dns_of(b: &[u8]) -> DNS {
        match parse(b).unwrap().0 {
            Layer::DNS(d) => d,
            other => panic!("{other:?}"),
        }
    }

    fn build(d: DNS) -> Vec<u8> {
        Packet::from(d).build().unwrap()
    }

    // scapy: DNS(rd=1,qd=DNSQR(qname="example.com"))
    const QUERY: &str = "000001000001000000000000076578616d706c6503636f6d0000010001";

    #[test]
    fn query_fields_and_build() {
        let d = DNS::new().rd(1).qd(DNSQR::new().qname("example.com"));
        let b = build(d.clone());
        assert_eq!(hex::encode(&b), QUERY);
        let p = dns_of(&b);
        assert_eq!(p.qdcount, Some(1));
        assert_eq!(p.qd.len(), 1);
        assert_eq!(p.qd[0].qname.as_bytes(), b"example.com.");
        assert_eq!(p.qd, d.qd);
        assert_eq!(Packet::from(p).summary(), "DNS Qry b'example.com.'");
    }

    #[test]
    fn default_query() {
        // scapy: bytes(DNS())
        let b = build(DNS::new());
        assert_eq!(
            hex::encode(b),
            "0000010000010000000000000377777707657861\
             6d706c6503636f6d0000010001"
        );
    }

    #[test]
    fn every_prefix_is_truncated() {
        let b = hex::decode(QUERY).unwrap();
        for k in 0..b.len() {
            match parse(&b[..k]) {
                Err(ParseError::Truncated { needed, actual, .. }) => {
                    assert!(needed > actual, "prefix {k}");
                    assert_eq!(actual, k);
                }
                other => panic!("prefix {k}: {other:?}"),
            }
        }
    }

    #[test]
    fn answer_summary_and_round_trip() {
        let d = DNS::new().id(7).qr(1).an(vec![
            DNSRR::new().rrname("a.example").rdata("1.2.3.4"),
            DNSRR::new().rrname("a.example").type_("AAAA").rdata("::1"),
        ]);
        let b = build(d.clone());
        let p = dns_of(&b);
        assert_eq!(p.an, d.an);
        assert_eq!(Packet::from(p.clone()).summary(), "DNS Ans 1.2.3.4");
        assert_eq!(build(p), b);
        let e = DNS::new().qr(1).rcode("name-error");
        assert_eq!(Packet::from(e).summary(), "DNS Ans name-error");
        let t = DNS::new().qr(1).an(DNSRR::new()
            .type_("TXT")
            .rdata(Value::List(vec![Value::from("hi")])));
        assert_eq!(Packet::from(t).summary(), "DNS Ans [b'hi']");
    }

    #[test]
    fn pointer_loop_is_an_error() {
        // Header with one question whose name is a pointer to itself (offset 12).
        let mut b = hex::decode("000001000001000000000000").unwrap();
        b.extend_from_slice(&[0xc0, 12, 0, 1, 0, 1]);
        assert!(matches!(
            parse(&b),
            Err(ParseError::Malformed { layer: "DNS", .. })
        ));
        // Two pointers pointing at each other.
        let mut b = hex::decode("000001000001000000000000").unwrap();
        b.extend_from_slice(&[0xc0, 14, 0xc0, 12, 0, 1, 0, 1]);
        assert!(matches!(
            parse(&b),
            Err(ParseError::Malformed { layer: "DNS", .. })
        ));
        // A label then a pointer back to the start of the name.
        let mut b = hex::decode("000001000001000000000000").unwrap();
        b.extend_from_slice(&[1, b'a', 0xc0, 12, 0, 1, 0, 1]);
        assert!(matches!(
            parse(&b),
            Err(ParseError::Malformed { layer: "DNS", .. })
        ));
    }

    #[test]
    fn forward_pointer_past_end_is_an_error() {
        let mut b = hex::decode("000001000001000000000000").unwrap();
        b.extend_from_slice(&[0xc1, 0x00, 0, 1, 0, 1]);
        assert!(matches!(
            parse(&b),
            Err(ParseError::BadValue {
                layer: "DNS",
                field: "name pointer",
                value: 256,
                ..
            })
        ));
        // A forward pointer inside the message is followed, as scapy does.
        let mut b = hex::decode("000001000001000000000000").unwrap();
        b.extend_from_slice(&[0xc0, 18, 0, 1, 0, 1, 1, b'x', 0]);
        let (l, n) = parse(&b).unwrap();
        assert_eq!(n, 18);
        let Layer::DNS(d) = l else { panic!() };
        assert_eq!(d.qd[0].qname.as_bytes(), b"x.");
        assert_eq!(d.qd[0].qname.wire(), Some(&[0xc0, 18][..]));
    }

    #[test]
    fn label_64_and_long_names_are_errors() {
        let mut b = hex::decode("000001000001000000000000").unwrap();
        b.push(64);
        b.extend_from_slice(&[b'a'; 64]);
        b.extend_from_slice(&[0, 0, 1, 0, 1]);
        assert!(matches!(
            parse(&b),
            Err(ParseError::BadValue {
                field: "label length",
                value: 64,
                ..
            })
        ));
        let mut b = hex::decode("000001000001000000000000").unwrap();
        b.extend(std::iter::repeat_n([63u8].iter().chain(&[b'a'; 63]).copied(), 5).flatten());
        b.extend_from_slice(&[0, 0, 1, 0, 1]);
        assert!(matches!(parse(&b), Err(ParseError::Malformed { .. })));
        // Exactly 255 bytes (3*64 + 62 + 1) is fine.
        let mut b = hex::decode("000001000001000000000000").unwrap();
        b.extend(std::iter::repeat_n([63u8].iter().chain(&[b'a'; 63]).copied(), 3).flatten());
        b.push(61);
        b.extend_from_slice(&[b'b'; 61]);
        b.extend_from_slice(&[0, 0, 1, 0, 1]);
        assert!(parse(&b).is_ok());
    }

    #[test]
    fn huge_counts_do_not_allocate() {
        let b = hex::decode("0000010000010000ffff0000").unwrap();
        assert!(matches!(
            parse(&b),
            Err(ParseError::Truncated { needed, actual: 12, .. }) if needed > 12
        ));
        let b = hex::decode("0000010fffffffffffffffff").unwrap();
        assert!(parse(&b).unwrap_err().is_truncated());
        let p = Packet::parse(LinkType::Layer(crate::LayerKind::DNS), &b);
        assert!(p.is_truncated());
    }

    #[test]
    fn hostile_bytes_never_panic() {
        let mut seed = 0x1234_5678u32;
        for len in 0..200usize {
            for _ in 0..20 {
                let v: Vec<u8> = (0..len)
                    .map(|_| {
                        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
                        (seed >> 16) as u8
                    })
                    .collect();
                let _ = parse(&v);
                let mut w = hex::decode("000001000001000100010001").unwrap();
                w.extend_from_slice(&v);
                if let Ok((Layer::DNS(d), n)) = parse(&w) {
                    assert_eq!(build(d), &w[..n]);
                }
            }
        }
    }

    #[test]
    fn compression_matches_scapy() {
        // scapy: DNS(qd=[DNSQR(qname='www.example.com')],an=[DNSRR(rrname='www.example.com',
        // rdata='1.2.3.4'),DNSRR(rrname='example.com',type='CNAME',rdata='www.example.com'),
        // DNSRRMX(rrname='example.com',exchange='mail.example.com')]).compress()
        let d = DNS::new()
            .qd(DNSQR::new().qname("www.example.com"))
            .an(vec![
                DNSRR::new().rrname("www.example.com").rdata("1.2.3.4"),
                DNSRR::new()
                    .rrname("example.com")
                    .type_("CNAME")
                    .rdata("www.example.com"),
                DNSRR::new()
                    .rrname("example.com")
                    .type_("MX")
                    .with_rdata(DNSRRData::Mx {
                        preference: 0,
                        exchange: DnsName::new("mail.example.com"),
                    }),
            ]);
        let c = d.compress();
        let want = "00000100000100030000000003777777076578616d706c6503636f6d0000010001c00c000100\
                    0100000000000401020304c01000050001000000000002c00cc010000f0001000000000009\
                    0000046d61696cc010";
        let b = build(c.clone());
        assert_eq!(hex::encode(&b), want);
        let p = dns_of(&b);
        assert_eq!((&p.qd, &p.an), (&c.qd, &c.an));
        assert_eq!(build(p), b);
    }

    #[test]
    fn tcp_length_prefix() {
        let tcp = Layer::TCP(crate::layers::TCP::default());
        let b = hex::decode(format!("001d{QUERY}")).unwrap();
        let cx = DissectCx {
            below: std::slice::from_ref(&tcp),
        };
        let (l, n) = dissect(&b, &cx).unwrap();
        assert_eq!(n, b.len());
        let Layer::DNS(d) = l else { panic!() };
        assert_eq!(d.length, Some(0x1d));
        assert!(d.field_present("length"));
        for k in 0..b.len() {
            assert!(
                dissect(&b[..k], &cx).unwrap_err().is_truncated(),
                "prefix {k}"
            );
        }
        let short = hex::decode("000c000001000000000000000000").unwrap();
        assert!(matches!(
            dissect(&short, &cx),
            Err(ParseError::BadValue {
                field: "length",
                ..
            })
        ));
    }

    #[test]
    fn odd_rdata_is_kept_raw() {
        // An A record with 2 bytes of data, a CNAME whose name overruns its length.
        let d = DNS::new().with_qd(vec![]).an(vec![
            DNSRR::new()
                .rrname("x")
                .with_rdata(DNSRRData::Raw(vec![1, 2])),
            DNSRR::new()
                .rrname("y")
                .type_("CNAME")
                .with_rdata(DNSRRData::Raw(vec![3, b'a'])),
            DNSRR::new()
                .rrname("z")
                .type_("TXT")
                .with_rdata(DNSRRData::Raw(vec![9, b'a'])),
            DNSRR::new()
                .type_("OPT")
                .with_rdata(DNSRRData::Raw(vec![0, 1, 0, 9])),
        ]);
        let b = build(d.clone());
        let p = dns_of(&b);
        assert_eq!(p.an, d.an);
        assert_eq!(build(p), b);
    }

    #[test]
    fn names_normalise() {
        let q = DNSQR::new().qname("example.com");
        assert_eq!(q.get("qname"), Some(Value::Bytes(b"example.com.".to_vec())));
        let q = DNSQR::new().qname("");
        assert_eq!(q.qname.as_bytes(), b".");
        assert_eq!(dns_encode(b"."), vec![0]);
        assert_eq!(dns_encode(&[b'a'; 70]).len(), 65);
        // A label holding a dot keeps its wire form.
        let mut b = hex::decode("000001000001000000000000").unwrap();
        b.extend_from_slice(&[3, b'a', b'.', b'b', 0, 0, 1, 0, 1]);
        let d = dns_of(&b);
        assert_eq!(d.qd[0].qname.as_bytes(), b"a.b.");
        assert_eq!(build(d), b);
    }
}
