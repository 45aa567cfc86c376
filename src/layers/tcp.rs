//! TCP (RFC 9293) with its options.
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |          Source Port          |       Destination Port        |
//! |                        Sequence Number                        |
//! |                    Acknowledgment Number                      |
//! |  Data |Res- |N|C|E|U|A|P|R|S|F|                               |
//! | Offset|erved|S|W|C|R|C|S|S|Y|I|            Window             |
//! |           Checksum            |         Urgent Pointer        |
//! |                    Options                    |    Padding    |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```
//! scapy: `TCP(sport, dport, seq, ack, dataofs, reserved, flags, window, chksum, urgptr,
//! options)`. Defaults: sport=20, dport=80 (or the port the binding table gives for the
//! upper layer: `TCP()/DNS()` has sport=53), flags=S, window=8192. `dataofs` and `chksum`
//! are computed when unset; the checksum covers the IPv4 or IPv6 pseudo-header and is left
//! at zero when there is no IP layer below, as in scapy.
//!
//! Options use scapy's tuple form, `[("MSS", 1460), ("NOP", None), ("WScale", 7),
//! ("SAckOK", b""), ("SAck", (1, 2)), ("Timestamp", (1, 0))]`, and are padded with zero
//! bytes to a multiple of 4 (scapy's `TCPOptionsField.i2m`). Dissection stops at an EOL
//! option as scapy does; bytes after it that the padding would not rebuild, and options
//! whose length byte lies, are kept as [`TcpOption::Raw`] so the header rebuilds exactly.
//!
//! Quoted in an ICMP error (`TCPerror`), the header may end after its first 8 bytes (scapy's
//! `MayEnd`), or be cut inside the options: the layer then records how many bytes were
//! there in [`TCP::quoted_len`], a member outside the field table, and builds only those bytes.

use crate::checksum;
use crate::define_layer;
use crate::error::{BuildError, FieldError, ParseError, truncated};
use crate::layers::{Dissected, Fields, Layer, LayerKind, Proto};
use crate::packet::{BuildCx, Packet, PostCx};
use crate::route;
use crate::value::{FieldDesc, FieldKind, FieldType, Value, mk_tuple};
use crate::wire::{be16, be32, put8, put16, u8_at};

/// Flag names, bit 0 first (scapy: `FSRPAUECN`).
pub const TCP_FLAGS: &[&str] = &["F", "S", "R", "P", "A", "U", "E", "C", "N"];

/// Length of the fixed header.
pub const HEADER_LEN: usize = 20;

/// Bytes of a TCP header an ICMP error may quote, as scapy's `TCPerror` accepts
/// (source port, destination port, sequence number).
pub const QUOTED_MIN: usize = 8;

/// Option kinds.
pub mod opt {
    /// End of option list.
    pub const EOL: u8 = 0;
    /// No operation.
    pub const NOP: u8 = 1;
    /// Maximum segment size.
    pub const MSS: u8 = 2;
    /// Window scale.
    pub const WSCALE: u8 = 3;
    /// Selective acknowledgment permitted.
    pub const SACK_OK: u8 = 4;
    /// Selective acknowledgment blocks.
    pub const SACK: u8 = 5;
    /// Timestamps.
    pub const TIMESTAMP: u8 = 8;
}

/// scapy's names of option kinds (`TCPOptions[0]`), used in the tuple representation.
pub static TCP_OPTION_NAMES: &[(u8, &str)] = &[
    (0, "EOL"),
    (1, "NOP"),
    (2, "MSS"),
    (3, "WScale"),
    (4, "SAckOK"),
    (5, "SAck"),
    (8, "Timestamp"),
    (14, "AltChkSum"),
    (15, "AltChkSumOpt"),
    (19, "MD5"),
    (25, "Mood"),
    (28, "UTO"),
    (29, "AO"),
    (34, "TFO"),
];

/// The scapy name of option kind `k`.
pub fn option_name(k: u8) -> Option<&'static str> {
    TCP_OPTION_NAMES
        .iter()
        .find(|(n, _)| *n == k)
        .map(|(_, s)| *s)
}

/// The option kind scapy names `name`.
pub fn option_kind(name: &str) -> Option<u8> {
    TCP_OPTION_NAMES
        .iter()
        .find(|(_, s)| *s == name)
        .map(|(n, _)| *n)
}

/// Integer layouts scapy unpacks for options that have no variant here (`struct` sizes):
/// AltChkSum `!BH`, UTO `!H`, TFO `!II`.
fn int_layout(kind: u8) -> Option<&'static [usize]> {
    match kind {
        14 => Some(&[1, 2]),
        28 => Some(&[2]),
        34 => Some(&[4, 4]),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------
// Zero-copy view
// ---------------------------------------------------------------------------------------

use crate::dissect::{FieldSink, end_in, int};
use crate::wire::{r8, r16, r32};

/// Where each field of a cut header ends ([`field_end`](crate::dissect::field_end)).
pub(crate) const TCP_ENDS: &[(&str, usize)] = &[
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
    /// unless the header [`is_partial`](TcpView::is_partial)
    /// ([`field_end`](crate::dissect::field_end) gives where each ends; `options` are the
    /// option bytes there).
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
    pub(crate) fn for_each_field(&self, f: FieldSink<'_, 'a>) {
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

// ---------------------------------------------------------------------------------------
// Owned layer
// ---------------------------------------------------------------------------------------

/// A TCP option.
#[derive(Debug, Clone, PartialEq)]
pub enum TcpOption {
    /// End of option list (one byte, 0).
    Eol,
    /// No operation (one byte, 1).
    Nop,
    /// Maximum segment size (kind 2, length 4).
    Mss(u16),
    /// Window scale shift (kind 3, length 3).
    WScale(u8),
    /// Selective acknowledgment permitted (kind 4, length 2).
    SAckOK,
    /// Selective acknowledgment edges (kind 5), left and right edges in order.
    SAck(Vec<u32>),
    /// Timestamps (kind 8, length 10): value and echo reply.
    Timestamp(u32, u32),
    /// Any other option, or a known kind whose data has the wrong size: written as kind,
    /// `2 + data.len()`, data.
    Unknown {
        /// Option kind.
        kind: u8,
        /// Option data (without kind and length).
        data: Vec<u8>,
    },
    /// Bytes that do not form an option (a length byte under 2 or past the options area,
    /// non-padding bytes after an EOL); written verbatim.
    Raw(Vec<u8>),
}

/// Where option bytes go: a `Vec`, or a fixed stack buffer (building a whole header on the
/// stack and appending it once is measurably faster than many small appends).
pub(crate) trait Sink {
    /// Appends bytes.
    fn put(&mut self, b: &[u8]);
}

impl Sink for Vec<u8> {
    #[inline]
    fn put(&mut self, b: &[u8]) {
        self.extend_from_slice(b);
    }
}

/// A 60-byte stack buffer (the largest TCP header) that notes when it overflows.
pub(crate) struct StackBuf {
    buf: [u8; 60],
    len: usize,
    overflow: bool,
}

impl Sink for StackBuf {
    #[inline]
    fn put(&mut self, b: &[u8]) {
        match self.buf.get_mut(self.len..self.len + b.len()) {
            Some(d) => {
                d.copy_from_slice(b);
                self.len += b.len();
            }
            None => self.overflow = true,
        }
    }
}

impl TcpOption {
    /// Appends the option's bytes.
    pub fn emit(&self, out: &mut Vec<u8>) -> Result<(), BuildError> {
        self.emit_to(out)
    }

    /// Appends the option's bytes to any byte sink (a `Vec`, or the stack buffer the
    /// header is built in).
    fn emit_to<S: Sink>(&self, out: &mut S) -> Result<(), BuildError> {
        let long = |kind: u8| BuildError::Invalid {
            layer: "TCP",
            reason: format!("option {kind} is longer than 255 bytes"),
        };
        match self {
            TcpOption::Eol => out.put(&[opt::EOL]),
            TcpOption::Nop => out.put(&[opt::NOP]),
            TcpOption::Mss(v) => {
                let [a, b] = v.to_be_bytes();
                out.put(&[opt::MSS, 4, a, b]);
            }
            TcpOption::WScale(v) => out.put(&[opt::WSCALE, 3, *v]),
            TcpOption::SAckOK => out.put(&[opt::SACK_OK, 2]),
            TcpOption::SAck(edges) => {
                let len = u8::try_from(2 + 4 * edges.len()).map_err(|_| long(opt::SACK))?;
                out.put(&[opt::SACK, len]);
                for e in edges {
                    out.put(&e.to_be_bytes());
                }
            }
            TcpOption::Timestamp(a, b) => {
                let [a0, a1, a2, a3] = a.to_be_bytes();
                let [b0, b1, b2, b3] = b.to_be_bytes();
                out.put(&[opt::TIMESTAMP, 10, a0, a1, a2, a3, b0, b1, b2, b3]);
            }
            TcpOption::Unknown { kind, data } => {
                let len = u8::try_from(2 + data.len()).map_err(|_| long(*kind))?;
                out.put(&[*kind, len]);
                out.put(data);
            }
            TcpOption::Raw(b) => out.put(b),
        }
        Ok(())
    }

    /// Number of bytes the option takes (before padding).
    pub fn wire_len(&self) -> usize {
        match self {
            TcpOption::Eol | TcpOption::Nop => 1,
            TcpOption::Mss(_) => 4,
            TcpOption::WScale(_) => 3,
            TcpOption::SAckOK => 2,
            TcpOption::SAck(e) => 2 + 4 * e.len(),
            TcpOption::Timestamp(..) => 10,
            TcpOption::Unknown { data, .. } => 2 + data.len(),
            TcpOption::Raw(b) => b.len(),
        }
    }

    /// Parses the options area of a header. Never fails: stops at EOL as scapy does and
    /// keeps bytes that are not options as [`TcpOption::Raw`].
    pub fn parse_all(b: &[u8]) -> Vec<TcpOption> {
        let mut v = Vec::new();
        let mut i = 0usize;
        while let Some(&kind) = b.get(i) {
            match kind {
                opt::EOL => {
                    v.push(TcpOption::Eol);
                    let rest = b.get(i + 1..).unwrap_or(&[]);
                    let pad = (4 - (i + 1) % 4) % 4;
                    if !(rest.len() == pad && rest.iter().all(|&x| x == 0)) {
                        v.push(TcpOption::Raw(rest.to_vec()));
                    }
                    break;
                }
                opt::NOP => {
                    v.push(TcpOption::Nop);
                    i += 1;
                }
                _ => {
                    let len = match u8_at(b, i + 1).map(usize::from) {
                        Some(l) if l >= 2 && i + l <= b.len() => l,
                        _ => {
                            v.push(TcpOption::Raw(b.get(i..).unwrap_or(&[]).to_vec()));
                            break;
                        }
                    };
                    let data = b.get(i + 2..i + len).unwrap_or(&[]);
                    v.push(Self::parse_one(kind, data));
                    i += len;
                }
            }
        }
        v
    }

    fn parse_one(kind: u8, d: &[u8]) -> TcpOption {
        match (kind, d.len()) {
            (opt::MSS, 2) => TcpOption::Mss(be16(d, 0).unwrap_or(0)),
            (opt::WSCALE, 1) => TcpOption::WScale(u8_at(d, 0).unwrap_or(0)),
            (opt::SACK_OK, 0) => TcpOption::SAckOK,
            (opt::SACK, n) if n % 4 == 0 => {
                TcpOption::SAck(d.chunks_exact(4).filter_map(|c| be32(c, 0)).collect())
            }
            (opt::TIMESTAMP, 8) => {
                TcpOption::Timestamp(be32(d, 0).unwrap_or(0), be32(d, 4).unwrap_or(0))
            }
            _ => TcpOption::Unknown {
                kind,
                data: d.to_vec(),
            },
        }
    }

    /// scapy's tuple for this option: `("MSS", 1460)`, `(99, b"ab")`.
    pub fn to_value(&self) -> Value {
        let int = |n: u32| Value::Int(u64::from(n));
        match self {
            TcpOption::Eol => mk_tuple("EOL", Value::None),
            TcpOption::Nop => mk_tuple("NOP", Value::None),
            TcpOption::Mss(v) => mk_tuple("MSS", int(u32::from(*v))),
            TcpOption::WScale(v) => mk_tuple("WScale", int(u32::from(*v))),
            TcpOption::SAckOK => mk_tuple("SAckOK", Value::Bytes(Vec::new())),
            TcpOption::SAck(e) => match e.as_slice() {
                [one] => mk_tuple("SAck", int(*one)),
                _ => mk_tuple("SAck", Value::Tuple(e.iter().map(|x| int(*x)).collect())),
            },
            TcpOption::Timestamp(a, b) => {
                mk_tuple("Timestamp", Value::Tuple(vec![int(*a), int(*b)]))
            }
            TcpOption::Unknown { kind, data } => match option_name(*kind) {
                Some(name) => mk_tuple(name, unpack_ints(*kind, data)),
                None => Value::Tuple(vec![
                    Value::Int(u64::from(*kind)),
                    Value::Bytes(data.clone()),
                ]),
            },
            TcpOption::Raw(b) => mk_tuple("Raw", Value::Bytes(b.clone())),
        }
    }

    /// Reads scapy's tuple form (`("MSS", 1460)`, `("SAck", (1, 2))`, `(99, b"ab")`,
    /// `("Raw", b"...")` for verbatim bytes).
    pub fn from_value(v: &Value, desc: &FieldDesc) -> Result<TcpOption, FieldError> {
        let bad = || FieldError::BadValue {
            field: desc.name,
            expected: "TCP options like ('MSS', 1460), ('NOP', None), ('WScale', 7), \
                       ('SAckOK', b''), ('SAck', (1, 2)), ('Timestamp', (1, 0)), (kind, b'data')"
                .into(),
            got: v.to_string(),
        };
        let (name, arg) = match v {
            Value::Tuple(t) | Value::List(t) => match t.as_slice() {
                [n, a] => (n, a),
                _ => return Err(bad()),
            },
            _ => return Err(bad()),
        };
        let kind = match name {
            Value::Str(s) if s == "Raw" => {
                return match arg {
                    Value::Bytes(b) => Ok(TcpOption::Raw(b.clone())),
                    _ => Err(bad()),
                };
            }
            Value::Str(s) => option_kind(s).ok_or_else(bad)?,
            Value::Int(k) => u8::try_from(*k).map_err(|_| bad())?,
            _ => return Err(bad()),
        };
        let raw_data = |a: &Value| match a {
            Value::Bytes(b) => Some(b.clone()),
            Value::Str(s) => Some(s.as_bytes().to_vec()),
            _ => None,
        };
        let ints = |a: &Value| -> Option<Vec<u64>> {
            match a {
                Value::Int(n) => Some(vec![*n]),
                Value::Tuple(t) | Value::List(t) => t.iter().map(Value::as_int).collect(),
                _ => None,
            }
        };
        let unknown = |data: Vec<u8>| TcpOption::Unknown { kind, data };
        Ok(match kind {
            opt::EOL => TcpOption::Eol,
            opt::NOP => TcpOption::Nop,
            _ if matches!(name, Value::Int(_)) => unknown(raw_data(arg).ok_or_else(bad)?),
            opt::SACK_OK if matches!(arg, Value::None) => TcpOption::SAckOK,
            _ => {
                if let Some(d) = raw_data(arg) {
                    // A byte string is written as given, as scapy does.
                    match (kind, d.is_empty()) {
                        (opt::SACK_OK, true) => TcpOption::SAckOK,
                        _ => unknown(d),
                    }
                } else {
                    let n = ints(arg).ok_or_else(bad)?;
                    let u32_at = |i: usize| {
                        n.get(i)
                            .and_then(|x| u32::try_from(*x).ok())
                            .ok_or_else(bad)
                    };
                    match kind {
                        opt::MSS if n.len() == 1 => {
                            TcpOption::Mss(u16::try_from(u32_at(0)?).map_err(|_| bad())?)
                        }
                        opt::WSCALE if n.len() == 1 => {
                            TcpOption::WScale(u8::try_from(u32_at(0)?).map_err(|_| bad())?)
                        }
                        opt::SACK => {
                            TcpOption::SAck(
                                (0..n.len()).map(u32_at).collect::<Result<Vec<u32>, _>>()?,
                            )
                        }
                        opt::TIMESTAMP if n.len() == 2 => {
                            TcpOption::Timestamp(u32_at(0)?, u32_at(1)?)
                        }
                        k => {
                            let layout = int_layout(k).ok_or_else(bad)?;
                            if layout.len() != n.len() {
                                return Err(bad());
                            }
                            let mut d = Vec::new();
                            for (w, x) in layout.iter().zip(&n) {
                                if *w < 8 && *x >> (8 * w) != 0 {
                                    return Err(bad());
                                }
                                d.extend_from_slice(x.to_be_bytes().get(8 - w..).unwrap_or(&[]));
                            }
                            unknown(d)
                        }
                    }
                }
            }
        })
    }
}

/// scapy unpacks AltChkSum, UTO and TFO data to integers when the size fits.
fn unpack_ints(kind: u8, data: &[u8]) -> Value {
    let Some(layout) = int_layout(kind) else {
        return Value::Bytes(data.to_vec());
    };
    if layout.iter().sum::<usize>() != data.len() {
        return Value::Bytes(data.to_vec());
    }
    let mut off = 0;
    let mut vals = Vec::new();
    for w in layout {
        let n = data
            .get(off..off + w)
            .unwrap_or(&[])
            .iter()
            .fold(0u64, |a, b| (a << 8) | u64::from(*b));
        vals.push(Value::Int(n));
        off += w;
    }
    match vals.as_slice() {
        [one] => one.clone(),
        _ => Value::Tuple(vals),
    }
}

impl FieldType for Vec<TcpOption> {
    fn to_value(&self) -> Value {
        Value::List(self.iter().map(TcpOption::to_value).collect())
    }
    fn from_value(v: Value, desc: &FieldDesc) -> Result<Self, FieldError> {
        match &v {
            Value::List(items) => items
                .iter()
                .map(|x| TcpOption::from_value(x, desc))
                .collect(),
            Value::None => Ok(Vec::new()),
            Value::Bytes(b) => Ok(TcpOption::parse_all(b)),
            Value::Str(s) if s.is_empty() => Ok(Vec::new()),
            other => Ok(vec![TcpOption::from_value(other, desc)?]),
        }
    }
}

impl From<Vec<TcpOption>> for Value {
    fn from(v: Vec<TcpOption>) -> Value {
        v.to_value()
    }
}

impl From<TcpOption> for Value {
    fn from(o: TcpOption) -> Value {
        Value::List(vec![o.to_value()])
    }
}

/// Bytes the options take once padded to a multiple of 4.
fn padded_options_len(options: &[TcpOption]) -> usize {
    options
        .iter()
        .map(TcpOption::wire_len)
        .sum::<usize>()
        .div_ceil(4)
        * 4
}

define_layer! {
    /// A TCP header.
    pub struct TCP("TCP") {
        sport: Option<u16> = None, FieldKind::TcpPort, "20",
            "Source port (the binding table's port for the upper layer, else 20, when unset)",
            auto();
        dport: Option<u16> = None, FieldKind::TcpPort, "80",
            "Destination port (the binding table's port for the upper layer, else 80, when unset)",
            auto();
        seq: u32 = 0, FieldKind::Int(32), "0", "Sequence number";
        ack: u32 = 0, FieldKind::Int(32), "0", "Acknowledgment number";
        dataofs: Option<u8> = None, FieldKind::Int(4), "None",
            "Data offset in 32-bit words (computed when unset)", auto();
        reserved: u8 = 0, FieldKind::Int(3), "0", "Reserved bits";
        flags: u16 = 2, FieldKind::Flags(9), "<Flag 2 (S)>",
            "Flags: F S R P A U E C N", flags(TCP_FLAGS);
        window: u16 = 8192, FieldKind::Int(16), "8192", "Window size";
        chksum: Option<u16> = None, FieldKind::Hex(16), "None",
            "Checksum with the IP pseudo-header (computed when unset)", auto();
        urgptr: u16 = 0, FieldKind::Int(16), "0", "Urgent pointer";
        options: Vec<TcpOption> = Vec::new(), FieldKind::List, "b''", "TCP options";
    }
    extra {
        /// Bytes of a header quoted in an ICMP error that were present (only the first
        /// `quoted_len` bytes are built); `None` for a whole header. Not a scapy field.
        quoted_len: Option<u8> = None;
    }
}

impl TCP {
    /// Sets the options (typed).
    pub fn with_options(mut self, options: Vec<TcpOption>) -> Self {
        self.options = options;
        self
    }
}

/// A port field that is `None`: the binding table's value for the layer above, else the
/// default (scapy's `overload_fields`).
pub(crate) fn resolve_port(
    v: Option<u16>,
    layers: &[Layer],
    idx: usize,
    field: &str,
    default: u16,
) -> u16 {
    v.or_else(|| {
        BuildCx { layers, idx }
            .bound(field)
            .and_then(|p| u16::try_from(p).ok())
    })
    .unwrap_or(default)
}

/// Source and destination addresses of the IPv4 or IPv6 layer right below `idx`, as text,
/// for `mysummary`.
pub(crate) fn ip_addrs_below(pkt: &Packet, idx: usize) -> Option<(String, String)> {
    match pkt.layers().get(idx.checked_sub(1)?)? {
        Layer::IP(ip) | Layer::IPerror(ip) => {
            Some((ip.resolved_src().to_string(), ip.dst.to_string()))
        }
        Layer::IPv6(ip) | Layer::IPerror6(ip) => {
            let dst = match ip.get("dst") {
                Some(Value::Ipv6(a)) => a,
                _ => std::net::Ipv6Addr::LOCALHOST,
            };
            let src = match ip.get("src") {
                Some(Value::Ipv6(a)) => a,
                _ => route::src_v6(dst),
            };
            Some((src.to_string(), dst.to_string()))
        }
        _ => None,
    }
}

fn field_desc(name: &str) -> Option<&'static FieldDesc> {
    TCP::FIELDS.iter().find(|d| d.name == name)
}

impl Proto for TCP {
    fn long_name(&self) -> &'static str {
        "TCP"
    }

    fn build(&self, cx: &BuildCx<'_>, out: &mut Vec<u8>) -> Result<(), BuildError> {
        let start = out.len();
        let sport = resolve_port(self.sport, cx.layers, cx.idx, "sport", 20);
        let dport = resolve_port(self.dport, cx.layers, cx.idx, "dport", 80);
        let off_flags = (u16::from(self.dataofs.unwrap_or(0) & 0x0f) << 12)
            | (u16::from(self.reserved & 0x07) << 9)
            | (self.flags & 0x1ff);
        let mut h = StackBuf {
            buf: [0u8; 60],
            len: 0,
            overflow: false,
        };
        h.put(&sport.to_be_bytes());
        h.put(&dport.to_be_bytes());
        h.put(&self.seq.to_be_bytes());
        h.put(&self.ack.to_be_bytes());
        h.put(&off_flags.to_be_bytes());
        h.put(&self.window.to_be_bytes());
        h.put(&self.chksum.unwrap_or(0).to_be_bytes());
        h.put(&self.urgptr.to_be_bytes());
        for o in &self.options {
            o.emit_to(&mut h)?;
        }
        // Options are padded with zero bytes to a multiple of 4 (the buffer is zeroed).
        let padded = h.len.div_ceil(4) * 4;
        match h.buf.get(..padded) {
            Some(b) if !h.overflow => out.extend_from_slice(b),
            _ => {
                // Options beyond what a header can hold (crafted on purpose): append them
                // one by one.
                out.extend_from_slice(h.buf.get(..20).unwrap_or(&[]));
                let opt_start = out.len();
                for o in &self.options {
                    o.emit(out)?;
                }
                let olen = out.len() - opt_start;
                out.resize(opt_start + olen.div_ceil(4) * 4, 0);
            }
        }
        if let Some(q) = self.quoted_len {
            out.truncate(start + usize::from(q));
        }
        Ok(())
    }

    fn post_build(&self, cx: &PostCx<'_>, lower: &[u8], buf: &mut [u8]) {
        if self.dataofs.is_none() {
            // The header as built is the padded options plus 20 bytes, unless it was cut to
            // a quoted length: then count the options.
            let dataofs = match self.quoted_len {
                None => cx.hdr_len / 4,
                Some(_) => 5 + padded_options_len(&self.options) / 4,
            };
            let low = u8_at(buf, 12).unwrap_or(0) & 0x0f;
            put8(buf, 12, ((dataofs << 4) as u8) | low);
        }
        if self.chksum.is_none() {
            if let Some(s) = cx.pseudo_header_sum(lower, 6, buf.len()) {
                let ck = checksum::finish(checksum::sum(buf, s));
                put16(buf, 16, ck);
            }
        }
    }

    fn summary(&self, pkt: &Packet, idx: usize) -> Option<String> {
        if pkt.layers().get(idx).map(Layer::kind) == Some(LayerKind::TCPerror) {
            return None;
        }
        let port = |name: &str, v: Option<u16>, default: u16| {
            let p = resolve_port(v, pkt.layers(), idx, name, default);
            field_desc(name).map_or_else(|| p.to_string(), |d| d.display_int(u64::from(p)))
        };
        let sport = port("sport", self.sport, 20);
        let dport = port("dport", self.dport, 80);
        let flags = field_desc("flags").map_or_else(
            || self.flags.to_string(),
            |d| d.display_int(u64::from(self.flags)),
        );
        Some(match ip_addrs_below(pkt, idx) {
            Some((src, dst)) => format!("TCP {src}:{sport} > {dst}:{dport} {flags}"),
            None => format!("TCP {sport} > {dport} {flags}"),
        })
    }
}

fn bad_dataofs(dataofs: u8) -> ParseError {
    ParseError::BadValue {
        layer: "TCP",
        offset: 0,
        field: "dataofs",
        value: u64::from(dataofs),
        reason: "data offset under 5 words",
    }
}

fn fixed_header(h: &[u8]) -> TCP {
    let off_flags = be16(h, 12).unwrap_or(0);
    TCP {
        sport: be16(h, 0),
        dport: be16(h, 2),
        seq: be32(h, 4).unwrap_or(0),
        ack: be32(h, 8).unwrap_or(0),
        dataofs: Some((off_flags >> 12) as u8),
        reserved: ((off_flags >> 9) & 0x07) as u8,
        flags: off_flags & 0x1ff,
        window: be16(h, 14).unwrap_or(0),
        chksum: be16(h, 16),
        urgptr: be16(h, 18).unwrap_or(0),
        ..Default::default()
    }
}

/// Dissects a TCP header with its options.
pub fn dissect(data: &[u8]) -> Result<Dissected, ParseError> {
    let h = data
        .get(..HEADER_LEN)
        .ok_or_else(|| truncated("TCP", HEADER_LEN, data.len()))?;
    let mut t = fixed_header(h);
    let dataofs = t.dataofs.unwrap_or(0);
    if dataofs < 5 {
        return Err(bad_dataofs(dataofs));
    }
    let hlen = usize::from(dataofs) * 4;
    let opts = data
        .get(HEADER_LEN..hlen)
        .ok_or_else(|| truncated("TCP", hlen, data.len()))?;
    t.options = TcpOption::parse_all(opts);
    Ok((Layer::TCP(t), hlen))
}

/// Dissects a TCP header (`quoted`: a `TCPerror`) whose bytes end where the capture's snap
/// length cut the packet. Returns the layer and the header length it needs, which may be
/// past the bytes: a header cut inside its 20 fixed bytes has the fields that are there
/// (the others zero or unset) and [`TCP::quoted_len`] says how many bytes were captured;
/// a header cut inside its options keeps the options there. A data offset under 5 is
/// malformed, as in a whole header.
pub fn dissect_cut(data: &[u8], quoted: bool) -> Result<(TCP, usize), ParseError> {
    let len = data.len();
    if (1..HEADER_LEN).contains(&len) && !(quoted && len == QUOTED_MIN) {
        let needed = match u8_at(data, 12).map(|b| b >> 4) {
            Some(d) if d < 5 => return Err(bad_dataofs(d)),
            Some(d) => usize::from(d) * 4,
            None if quoted && len < QUOTED_MIN => QUOTED_MIN,
            None => HEADER_LEN,
        };
        let mut t = fixed_header(data);
        t.dataofs = u8_at(data, 12).map(|b| b >> 4);
        t.reserved = u8_at(data, 12).map_or(0, |b| (b >> 1) & 0x07);
        t.quoted_len = u8::try_from(len).ok();
        return Ok((t, needed));
    }
    let (layer, n) = if quoted {
        dissect_quoted(data)?
    } else {
        let h = data
            .get(..HEADER_LEN)
            .ok_or_else(|| truncated("TCP", HEADER_LEN, len))?;
        let mut t = fixed_header(h);
        let dataofs = t.dataofs.unwrap_or(0);
        if dataofs < 5 {
            return Err(bad_dataofs(dataofs));
        }
        let hlen = usize::from(dataofs) * 4;
        let have = hlen.min(len);
        t.options = TcpOption::parse_all(data.get(HEADER_LEN..have).unwrap_or(&[]));
        if have < hlen {
            t.quoted_len = u8::try_from(have).ok();
        }
        (Layer::TCP(t), hlen)
    };
    match layer {
        Layer::TCP(t) => Ok((t, n)),
        _ => Err(truncated("TCP", HEADER_LEN, len)),
    }
}

/// Dissects a TCP header quoted in an ICMP error (scapy's `TCPerror`): exactly 8 bytes
/// (ports and sequence number) are a valid quote, and a header cut inside its options
/// keeps the options present. Either way [`TCP::quoted_len`] records the bytes there.
pub fn dissect_quoted(data: &[u8]) -> Result<Dissected, ParseError> {
    if data.len() == QUOTED_MIN {
        let t = TCP {
            sport: be16(data, 0),
            dport: be16(data, 2),
            seq: be32(data, 4).unwrap_or(0),
            quoted_len: Some(QUOTED_MIN as u8),
            ..Default::default()
        };
        return Ok((Layer::TCP(t), QUOTED_MIN));
    }
    let h = data.get(..HEADER_LEN).ok_or_else(|| {
        let needed = if data.len() < QUOTED_MIN {
            QUOTED_MIN
        } else {
            HEADER_LEN
        };
        truncated("TCP", needed, data.len())
    })?;
    let mut t = fixed_header(h);
    let dataofs = t.dataofs.unwrap_or(0);
    if dataofs < 5 {
        return Err(bad_dataofs(dataofs));
    }
    let hlen = usize::from(dataofs) * 4;
    let have = hlen.min(data.len());
    t.options = TcpOption::parse_all(data.get(HEADER_LEN..have).unwrap_or(&[]));
    if have < hlen {
        t.quoted_len = u8::try_from(have).ok();
    }
    Ok((Layer::TCP(t), have))
}

// ---------------------------------------------------------------------------------------
// Wireshark fields
// ---------------------------------------------------------------------------------------

use crate::dissect::View;
use crate::fields::{Base, FieldDef, FieldType as Ft, FieldVal, Protocol, VIEW_TCP, on};

/// A flag bit of a header that is not a short quote (tshark stops after 8 bytes of a
/// quoted header).
macro_rules! flag {
    ($name:literal, $desc:literal, $bit:expr) => {
        FieldDef {
            name: $name,
            ty: Ft::Bool,
            base: Base::None,
            desc: $desc,
            each: on!(l, View::Tcp(v) if !v.is_short_quote() && shown(l.kind, &v, "flags") => FieldVal::Bool(v.flags() & $bit != 0)),
        }
    };
}

/// Whether tshark shows `field` (the owned model's name) of this header: always for a whole
/// header; for one cut before its end (a partial view), when it is quoted in an ICMP error
/// the ports and sequence number of an 8-byte quote and nothing of a shorter one, else both
/// ports once their 4 bytes are there, the sequence and acknowledgment numbers, header length and flags only with the
/// window (16 bytes), the checksum from 18 bytes and the urgent pointer from 20, as tshark
/// 4.0 prints cut copies.
fn shown(kind: LayerKind, v: &TcpView<'_>, field: &str) -> bool {
    if !v.is_partial() {
        return true;
    }
    match field {
        // A header quoted in an ICMP error: the ports and sequence number of an 8-byte
        // quote (the rest is left out by `is_short_quote`); nothing of a shorter one.
        _ if kind != LayerKind::TCP => v.has("seq"),
        "sport" | "dport" => v.has("dport"),
        "chksum" | "urgptr" => v.has(field),
        _ => v.has("window"),
    }
}

/// Emits every option of every TCP header that `get` picks.
fn each_option<'a>(
    f: &crate::fields::Frame<'_, 'a>,
    e: crate::fields::Emit<'_, 'a>,
    get: fn(TcpOpt<'a>) -> Option<FieldVal<'a>>,
) {
    for l in f.layers() {
        if let View::Tcp(v) = l.view {
            v.options().filter_map(get).for_each(&mut *e);
        }
    }
}

/// Wireshark's `tcp.*` fields (quoted headers too, as far as tshark reads them).
pub static FIELDS: &[FieldDef] = &[
    FieldDef {
        name: "tcp.srcport",
        ty: Ft::UInt,
        base: Base::Dec,
        desc: "Source Port",
        each: on!(l, View::Tcp(v) if shown(l.kind, &v, "sport") => FieldVal::UInt(v.sport().into())),
    },
    FieldDef {
        name: "tcp.dstport",
        ty: Ft::UInt,
        base: Base::Dec,
        desc: "Destination Port",
        each: on!(l, View::Tcp(v) if shown(l.kind, &v, "dport") => FieldVal::UInt(v.dport().into())),
    },
    // tshark 4.0 leaves out tcp.seq_raw for TCP quoted in an ICMPv4 error (not in ICMPv6).
    FieldDef {
        name: "tcp.seq_raw",
        ty: Ft::UInt,
        base: Base::Dec,
        desc: "Sequence Number (raw)",
        each: |f, e| {
            let mut in_v4_error = false;
            for l in f.layers() {
                match (l.kind, l.view) {
                    (k, View::Ipv4(_) | View::Ipv6(_)) => in_v4_error = k == LayerKind::IPerror,
                    (LayerKind::TCPerror, View::Tcp(_)) if in_v4_error => {}
                    (_, View::Tcp(v)) if shown(l.kind, &v, "seq") => {
                        e(FieldVal::UInt(v.seq().into()))
                    }
                    _ => {}
                }
            }
        },
    },
    FieldDef {
        name: "tcp.ack_raw",
        ty: Ft::UInt,
        base: Base::Dec,
        desc: "Acknowledgment number (raw)",
        each: on!(l, View::Tcp(v) if !v.is_short_quote() && shown(l.kind, &v, "ack") => FieldVal::UInt(v.ack().into())),
    },
    // The 12 bits after the data offset.
    FieldDef {
        name: "tcp.flags",
        ty: Ft::UInt,
        base: Base::Hex(4),
        desc: "Flags",
        each: on!(l, View::Tcp(v) if !v.is_short_quote() && shown(l.kind, &v, "flags") => FieldVal::UInt(((u16::from(v.reserved()) << 9) | v.flags()).into())),
    },
    FieldDef {
        name: "tcp.window_size_value",
        ty: Ft::UInt,
        base: Base::Dec,
        desc: "Window",
        each: on!(l, View::Tcp(v) if !v.is_short_quote() && shown(l.kind, &v, "window") => FieldVal::UInt(v.window().into())),
    },
    // The IP layer's length (not the captured bytes) minus the TCP header; none for TCP
    // quoted in an ICMP error.
    FieldDef {
        name: "tcp.len",
        ty: Ft::UInt,
        base: Base::Dec,
        desc: "TCP Segment Len",
        each: |f, e| {
            let mut ip_end: Option<usize> = None;
            for l in f.layers() {
                match l.view {
                    View::Ipv4(v) => ip_end = Some(l.offset + usize::from(v.total_len())),
                    View::Ipv6(v) => ip_end = Some(l.offset + 40 + usize::from(v.plen())),
                    View::Tcp(v) if l.kind == LayerKind::TCP && shown(l.kind, &v, "dataofs") => {
                        let start = l.offset + usize::from(v.dataofs()) * 4;
                        let end = ip_end.unwrap_or(start);
                        e(FieldVal::UInt(end.saturating_sub(start) as u64));
                    }
                    _ => {}
                }
            }
        },
    },
    FieldDef {
        name: "tcp.options.mss_val",
        ty: Ft::UInt,
        base: Base::Dec,
        desc: "MSS Value",
        each: |f, e| {
            each_option(f, e, |o| match o {
                TcpOpt::Mss(m) => Some(FieldVal::UInt(m.into())),
                _ => None,
            })
        },
    },
    FieldDef {
        name: "tcp.port",
        ty: Ft::UInt,
        base: Base::Dec,
        desc: "Source or Destination Port",
        each: |f, e| {
            for l in f.layers() {
                if let View::Tcp(v) = l.view {
                    if shown(l.kind, &v, "sport") {
                        e(FieldVal::UInt(v.sport().into()));
                    }
                    if shown(l.kind, &v, "dport") {
                        e(FieldVal::UInt(v.dport().into()));
                    }
                }
            }
        },
    },
    flag!("tcp.flags.syn", "Syn", 0x002),
    flag!("tcp.flags.ack", "Acknowledgment", 0x010),
    flag!("tcp.flags.fin", "Fin", 0x001),
    flag!("tcp.flags.reset", "Reset", 0x004),
    flag!("tcp.flags.push", "Push", 0x008),
    flag!("tcp.flags.urg", "Urgent", 0x020),
    // In bytes, whatever tshark's blurb says.
    FieldDef {
        name: "tcp.hdr_len",
        ty: Ft::UInt,
        base: Base::Dec,
        desc: "Header Length, in bytes",
        each: on!(l, View::Tcp(v) if !v.is_short_quote() && shown(l.kind, &v, "dataofs") => FieldVal::UInt(u64::from(v.dataofs()) * 4)),
    },
    FieldDef {
        name: "tcp.checksum",
        ty: Ft::UInt,
        base: Base::Hex(4),
        desc: "Checksum",
        each: on!(l, View::Tcp(v) if !v.is_short_quote() && shown(l.kind, &v, "chksum") => FieldVal::UInt(v.chksum().into())),
    },
    FieldDef {
        name: "tcp.urgent_pointer",
        ty: Ft::UInt,
        base: Base::Dec,
        desc: "Urgent Pointer",
        each: on!(l, View::Tcp(v) if !v.is_short_quote() && shown(l.kind, &v, "urgptr") => FieldVal::UInt(v.urgptr().into())),
    },
    FieldDef {
        name: "tcp.options.wscale.shift",
        ty: Ft::UInt,
        base: Base::Dec,
        desc: "Window scale shift count",
        each: |f, e| {
            each_option(f, e, |o| match o {
                TcpOpt::WScale(s) => Some(FieldVal::UInt(s.into())),
                _ => None,
            })
        },
    },
    // tshark's FT_NONE item: -T fields prints the option's bytes.
    FieldDef {
        name: "tcp.options.sack_perm",
        ty: Ft::Bytes,
        base: Base::None,
        desc: "TCP Option - SACK permitted (the option's bytes)",
        each: |f, e| {
            each_option(f, e, |o| match o {
                TcpOpt::SAckOK => Some(FieldVal::Bytes(&[4, 2])),
                _ => None,
            })
        },
    },
];

/// The `tcp` table.
pub static PROTOCOL: Protocol = Protocol {
    name: "tcp",
    title: "Transmission Control Protocol",
    fields: FIELDS,
    json: 8,
    views: VIEW_TCP,
};

// -------------------------------------------------------------------------------------------
// tcpdump line: TCP's part of `pktforge read`'s one-line summary, as tcpdump's
// print-tcp.c prints it. The line's frame (time, link header, the walk over layers) is
// src/output/line.rs; it calls this by layer kind.
// -------------------------------------------------------------------------------------------

/// TCP's part of the tcpdump line: flags, numbers, options, and what rides on TCP.
pub(crate) mod tcpdump {
    use std::io::Write;

    use crate::dissect::{TcpOpt, TcpView, View};
    use crate::layers::ip::tcpdump::IpLine;
    use crate::output::line::Put;

    /// `IP A.p > B.q: Flags [S], seq N, ...`, then DNS over TCP or HTTP's first line.
    pub(crate) fn line(t: &TcpView<'_>, ip: &IpLine<'_, '_>, out: &mut Vec<u8>) {
        ip.hosts(Some((t.sport(), t.dport())), &ip.ext, out);
        let len = ip.payload_len(ip.k);
        if !header(t, len, out) {
            return;
        }
        match ip.upper_next().map(|l| l.view) {
            Some(View::Dns(dv)) => {
                out.push(b' ');
                let n = match dv.tcp_length() {
                    Some(l) if ip.d.is_snapped() => usize::from(l),
                    _ => dv.message().len(),
                };
                crate::layers::dns::tcpdump::line(&dv, n, out);
            }
            Some(View::Raw(b)) if t.sport() == 80 || t.dport() == 80 => {
                crate::layers::http::tcpdump::line(b, len > b.len(), out);
            }
            _ => {}
        }
    }

    /// Returns false when the header was cut by the snap length (the line then ends with
    /// tcpdump's `[|tcp]`).
    fn header(t: &TcpView<'_>, len: usize, out: &mut Vec<u8>) -> bool {
        let f = t.flags();
        let mut flags = [0u8; 9];
        let mut n = 0;
        for (bit, c) in [
            (0x01, b'F'),
            (0x02, b'S'),
            (0x04, b'R'),
            (0x08, b'P'),
            (0x20, b'U'),
            (0x80, b'W'),
            (0x40, b'E'),
        ] {
            if f & bit != 0 {
                if let Some(x) = flags.get_mut(n) {
                    *x = c;
                    n += 1;
                }
            }
        }
        if f & 0x10 != 0 {
            if let Some(x) = flags.get_mut(n) {
                *x = b'.';
                n += 1;
            }
        }
        out.extend_from_slice(b"Flags [");
        out.extend_from_slice(flags.get(..n).unwrap_or(&[]));
        out.push(b']');
        // tcpdump shows the sequence range of data, or the number of SYN, FIN and RST.
        if len > 0 {
            out.extend_from_slice(b", seq ");
            out.num(t.seq());
            out.push(b':');
            out.num(t.seq().wrapping_add(len as u32));
        } else if f & 0x07 != 0 {
            out.extend_from_slice(b", seq ");
            out.num(t.seq());
        }
        if f & 0x10 != 0 {
            out.extend_from_slice(b", ack ");
            out.num(t.ack());
        }
        out.extend_from_slice(b", win ");
        out.num(t.window());
        let mut first = true;
        // Options cut by the snap length (the header says more than was captured).
        let cut = t.options_bytes().len() + 20 < usize::from(t.dataofs()) * 4;
        for (n_opts, o) in t.options().enumerate() {
            out.extend_from_slice(if first { b", options [" } else { b"," });
            first = false;
            if let (true, TcpOpt::Raw(b)) = (cut, o) {
                // tcpdump prints the option's name when its kind and length were captured.
                // It prints the option's name when its kind and length were captured, and a
                // `>` after an option that is not the first.
                if let (Some(&kind), Some(&olen)) = (b.first(), b.get(1)) {
                    out.extend_from_slice(option_name(kind).as_bytes());
                    if kind == 5 && olen >= 2 {
                        let n = usize::from(olen - 2);
                        if n % 8 == 0 {
                            let _ = write!(out, " {} ", n / 8);
                            for e in b.get(2..).unwrap_or(&[]).chunks_exact(8) {
                                let l = crate::wire::be32(e, 0).unwrap_or(0);
                                let r = crate::wire::be32(e, 4).unwrap_or(0);
                                let _ = write!(out, "{{{l}:{r}}}");
                            }
                        } else {
                            out.extend_from_slice(b" invalid sack");
                        }
                    }
                    out.extend_from_slice(if n_opts > 0 { b" [|tcp]>" } else { b" [|tcp]" });
                } else {
                    out.extend_from_slice(b" [|tcp]");
                }
                return false;
            }
            let _ = match o {
                TcpOpt::Eol => write!(out, "eol"),
                TcpOpt::Nop => write!(out, "nop"),
                TcpOpt::Mss(m) => {
                    out.extend_from_slice(b"mss ");
                    out.num(m);
                    Ok(())
                }
                TcpOpt::WScale(w) => write!(out, "wscale {w}"),
                TcpOpt::SAckOK => write!(out, "sackOK"),
                TcpOpt::SAck(b) => {
                    let _ = write!(out, "sack {} ", b.len() / 8);
                    for e in b.chunks_exact(8) {
                        let l = crate::wire::be32(e, 0).unwrap_or(0);
                        let r = crate::wire::be32(e, 4).unwrap_or(0);
                        let _ = write!(out, "{{{l}:{r}}}");
                    }
                    Ok(())
                }
                TcpOpt::Timestamp(v, e) => {
                    out.extend_from_slice(b"TS val ");
                    out.num(v);
                    out.extend_from_slice(b" ecr ");
                    out.num(e);
                    Ok(())
                }
                TcpOpt::Other { kind, .. } => write!(out, "opt-{kind}"),
                TcpOpt::Raw(b) => write!(out, "bad opt {} bytes", b.len()),
            };
        }
        if cut {
            out.extend_from_slice(if first { b", options [" } else { b"," });
            out.extend_from_slice(b" [|tcp]");
            return false;
        }
        if !first {
            out.push(b']');
        }
        out.extend_from_slice(b", length ");
        out.num(len as u64);
        true
    }

    /// tcpdump's names of TCP option kinds (`tcp_option_values`).
    fn option_name(kind: u8) -> std::borrow::Cow<'static, str> {
        let name = match kind {
            0 => "eol",
            1 => "nop",
            2 => "mss",
            3 => "wscale",
            4 => "sackOK",
            5 => "sack",
            6 => "echo",
            7 => "echoreply",
            8 => "TS",
            11 => "cc",
            12 => "ccnew",
            13 => "ccecho",
            19 => "md5",
            27 => "qs",
            28 => "uto",
            29 => "tcp-ao",
            30 => "mptcp",
            34 => "tfo",
            253 | 254 => "exp",
            _ => return std::borrow::Cow::Owned(format!("unknown-{kind}")),
        };
        std::borrow::Cow::Borrowed(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layers::IP;
    use crate::packet::LinkType;

    const SYN_OPTS: &str = "45000034000100004006f6bfc0000202c0000201\
                            00140050000000000000000080022000cbaa0000\
                            020405b40103030704020000";

    #[test]
    fn decode_fields_and_options() {
        // scapy: IP(src="192.0.2.2",dst="192.0.2.1")/TCP(options=[("MSS",1460),("NOP",None),
        //        ("WScale",7),("SAckOK",b"")])
        let b = hex::decode(SYN_OPTS.replace(' ', "")).unwrap();
        let p = Packet::parse(LinkType::Ipv4, &b);
        assert!(p.error().is_none(), "{:?}", p.error());
        let t = p.layer::<TCP>().unwrap();
        assert_eq!((t.sport, t.dport), (Some(20), Some(80)));
        assert_eq!(t.dataofs, Some(8));
        assert_eq!(t.flags, 2);
        assert_eq!(
            t.options,
            vec![
                TcpOption::Mss(1460),
                TcpOption::Nop,
                TcpOption::WScale(7),
                TcpOption::SAckOK,
                TcpOption::Eol,
            ]
        );
        assert_eq!(p.build().unwrap(), b);
        assert_eq!(
            p.summary(),
            "IP / TCP 192.0.2.2:ftp_data > 192.0.2.1:http S"
        );
        let built = IP::new().src("192.0.2.2").dst("192.0.2.1")
            / TCP::new().with_options(vec![
                TcpOption::Mss(1460),
                TcpOption::Nop,
                TcpOption::WScale(7),
                TcpOption::SAckOK,
            ]);
        assert_eq!(built.build().unwrap(), b);
    }

    #[test]
    fn truncation_and_bad_dataofs() {
        let b = hex::decode("00140050000000000000000060022000c8410000020405b4").unwrap();
        for k in 0..20 {
            assert_eq!(dissect(&b[..k]).unwrap_err(), truncated("TCP", 20, k));
        }
        for k in 20..24 {
            assert_eq!(dissect(&b[..k]).unwrap_err(), truncated("TCP", 24, k));
        }
        let mut bad = b.clone();
        bad[12] = 0x40;
        assert!(matches!(
            dissect(&bad).unwrap_err(),
            ParseError::BadValue {
                field: "dataofs",
                value: 4,
                ..
            }
        ));
        assert!(dissect_quoted(&bad).is_err());
    }

    #[test]
    fn tuple_representation() {
        let o = vec![
            TcpOption::Mss(1460),
            TcpOption::Nop,
            TcpOption::WScale(7),
            TcpOption::SAckOK,
            TcpOption::SAck(vec![1, 2]),
            TcpOption::Timestamp(1, 0),
            TcpOption::SAck(vec![5]),
            TcpOption::Unknown {
                kind: 99,
                data: b"ab".to_vec(),
            },
            TcpOption::Unknown {
                kind: 28,
                data: vec![0, 5],
            },
        ];
        let v = Value::from(o.clone());
        assert_eq!(
            v.to_string(),
            "[('MSS', 1460), ('NOP', None), ('WScale', 7), ('SAckOK', b''), ('SAck', (1, 2)), \
             ('Timestamp', (1, 0)), ('SAck', 5), (99, b'ab'), ('UTO', 5)]"
        );
        let d = field_desc("options").unwrap();
        assert_eq!(Vec::<TcpOption>::from_value(v, d).unwrap(), o);
        let mut t = TCP::new();
        t.set(
            "options",
            Value::List(vec![mk_tuple(
                "TFO",
                Value::Tuple(vec![Value::Int(1), Value::Int(2)]),
            )]),
        )
        .unwrap();
        assert_eq!(
            t.options,
            vec![TcpOption::Unknown {
                kind: 34,
                data: vec![0, 0, 0, 1, 0, 0, 0, 2]
            }]
        );
        assert!(t.set("options", Value::Int(3)).is_err());
        assert!(
            t.set("options", Value::List(vec![mk_tuple("Nope", Value::None)]))
                .is_err()
        );
    }

    #[test]
    fn malformed_options_round_trip() {
        let cases: [&[u8]; 8] = [
            &[2, 0, 0, 0],
            &[2, 9, 0, 0],
            &[1, 1, 1, 2],
            &[0, 1, 0, 0],
            &[0, 0, 0, 0, 0, 0, 0, 0],
            &[2, 3, 120, 0],
            &[5, 3, 1, 0],
            &[8, 2, 0, 0],
        ];
        for c in cases {
            let o = TcpOption::parse_all(c);
            let mut out = Vec::new();
            for x in &o {
                x.emit(&mut out).unwrap();
            }
            out.resize(out.len().div_ceil(4) * 4, 0);
            assert_eq!(out, c, "{o:?}");
        }
    }

    #[test]
    fn quoted_header() {
        let b = hex::decode("04d2005000000005").unwrap();
        let (l, n) = dissect_quoted(&b).unwrap();
        assert_eq!(n, 8);
        let Layer::TCP(t) = l else { panic!() };
        assert_eq!(
            (t.sport, t.dport, t.seq, t.quoted_len),
            (Some(1234), Some(80), 5, Some(8))
        );
        assert_eq!(Packet::from(t).build().unwrap(), b);
        for k in (0..8).chain(9..20) {
            assert!(
                dissect_quoted(&b"0123456789abcdefghij"[..k])
                    .unwrap_err()
                    .is_truncated()
            );
        }
        // A header cut inside its options.
        let full = hex::decode("00140050000000000000000070022000000000000204ffff01010101").unwrap();
        let (l, n) = dissect_quoted(&full[..22]).unwrap();
        assert_eq!(n, 22);
        let Layer::TCP(t) = l else { panic!() };
        assert_eq!(t.quoted_len, Some(22));
        assert_eq!(Packet::from(t).build().unwrap(), &full[..22]);
    }

    #[test]
    fn no_ip_below_leaves_checksum_zero() {
        let p = Packet::from(TCP::new());
        assert_eq!(
            hex::encode(p.build().unwrap()),
            "0014005000000000000000005002200000000000"
        );
        assert_eq!(p.summary(), "TCP ftp_data > http S");
    }

    #[test]
    fn random_bytes_round_trip() {
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for round in 0..4000 {
            let n = (next() % 72) as usize;
            let mut b: Vec<u8> = (0..n).map(|_| next() as u8).collect();
            if let Some(o) = b.get_mut(12) {
                // Mostly plausible data offsets, so the options parser is exercised.
                *o = (*o & 0x0f) | ((5 + (round % 11) as u8) << 4);
            }
            for kind in [
                LayerKind::TCP,
                LayerKind::TCPerror,
                LayerKind::UDP,
                LayerKind::ICMP,
            ] {
                let p = Packet::parse(LinkType::Layer(kind), &b);
                if p.error().is_none() {
                    assert_eq!(p.build().unwrap(), b, "{kind:?} {}", hex::encode(&b));
                }
            }
        }
    }
}
