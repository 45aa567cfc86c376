//! DNS on the fast path: the header and the first question are read from the message in
//! place; answers are decoded lazily by [`DnsView::answers`]. Names are never copied: a
//! [`DnsName`] is a position in the message, read label by label (following compression
//! pointers, at most [`MAX_JUMPS`] of them and [`MAX_NAME_WIRE`] bytes) or written into a
//! caller's buffer.
//!
//! When the layer is made, every record of every section is walked once without decoding
//! it, with the same checks as the owned dissector (truncation, pointer loops, pointers past
//! the end, reserved label types, names over 255 bytes, names inside MX/SOA/SRV/NS/CNAME/PTR
//! data), so both paths give the DNS layer the same extent and the same verdict.

use std::net::{Ipv4Addr, Ipv6Addr};

use crate::dissect::{FieldSink, FieldValue, Malformed, MalformedReason};
use crate::layers::dns::{self as dns_layer, NameWalkErr};
use crate::wire::{array_at, be16, be32, u8_at};

pub use crate::layers::dns::{MAX_JUMPS, MAX_NAME_WIRE};
/// Record types whose data is one domain name (NS, MD, MF, CNAME, PTR, DNAME).
const NAME_TYPES: [u16; 6] = [2, 3, 4, 5, 12, 39];

/// Why a name could not be walked.
enum NameErr {
    /// The bytes end inside the name; `needed` counts from the start of the layer.
    Truncated(usize),
    /// A structural error.
    Bad(Malformed),
}

fn truncated(needed: usize, actual: usize) -> Malformed {
    Malformed {
        layer: "DNS",
        offset: 0,
        reason: MalformedReason::Truncated { needed, actual },
    }
}

impl From<NameWalkErr> for NameErr {
    fn from(e: NameWalkErr) -> Self {
        let bad = |offset, field, value, reason| {
            NameErr::Bad(Malformed {
                layer: "DNS",
                offset,
                reason: MalformedReason::BadValue {
                    field,
                    value,
                    reason,
                },
            })
        };
        let structure = |offset, reason| {
            NameErr::Bad(Malformed {
                layer: "DNS",
                offset,
                reason: MalformedReason::Structure(reason),
            })
        };
        match e {
            NameWalkErr::Truncated(n) => NameErr::Truncated(n),
            NameWalkErr::PointerPastEnd { offset, target } => bad(
                offset,
                "name pointer",
                target as u64,
                "compression pointer past the end of the message",
            ),
            NameWalkErr::ReservedLabel { offset, byte } => bad(
                offset,
                "label length",
                u64::from(byte),
                "label over 63 bytes (reserved label type)",
            ),
            // Structural errors are marked at the layer, as the owned model marks them (its
            // message names the name's offset; found by the fast_vs_owned fuzz target).
            NameWalkErr::Loop { .. } => structure(0, "compression pointer loop"),
            NameWalkErr::TooLong { .. } => structure(0, "name longer than 255 bytes"),
        }
    }
}

/// Walks the name at `start` without looking at its labels (the owned model's walker).
fn walk_name(msg: &[u8], start: usize, limit: usize, base: usize) -> Result<usize, NameErr> {
    Ok(dns_layer::walk_name(msg, start, limit, base, |_| {})?)
}

fn name_err(e: NameErr, total: usize) -> Malformed {
    match e {
        NameErr::Truncated(needed) => truncated(needed.max(total + 1), total),
        NameErr::Bad(m) => m,
    }
}

/// A name inside rdata: `Ok(Some(end))`, `Ok(None)` when cut (the owned model keeps the data
/// raw), or the structural error.
fn rdata_name(msg: &[u8], at: usize, end: usize, base: usize) -> Result<Option<usize>, Malformed> {
    match walk_name(msg, at, end, base) {
        Ok(e) => Ok(Some(e)),
        Err(NameErr::Truncated(_)) => Ok(None),
        Err(NameErr::Bad(m)) => Err(m),
    }
}

/// Checks the names inside a record's data, as the owned dissector decodes them.
fn check_rdata(t: u16, msg: &[u8], start: usize, end: usize, base: usize) -> Result<(), Malformed> {
    match t {
        15 if end >= start + 2 && be16(msg, start).is_some() => {
            rdata_name(msg, start + 2, end, base)?;
        }
        6 => {
            if let Some(e1) = rdata_name(msg, start, end, base)? {
                rdata_name(msg, e1, end, base)?;
            }
        }
        33 if end.saturating_sub(start) >= 7 => {
            rdata_name(msg, start + 6, end, base)?;
        }
        t if NAME_TYPES.contains(&t) => {
            rdata_name(msg, start, end, base)?;
        }
        _ => {}
    }
    Ok(())
}

/// Walks the header and every record of the message in `data` (after the TCP length prefix
/// when `tcp`). Returns the view and the layer's length. When `at_cut` (the bytes end where
/// the snap length cut the packet), a message whose header is there keeps it and its
/// complete records, and the length returned is the one the cut record needs (past the end).
pub(crate) fn dissect(
    data: &[u8],
    tcp: bool,
    at_cut: bool,
) -> Result<(DnsView<'_>, usize), Malformed> {
    let base = if tcp {
        let Some(l) = be16(data, 0) else {
            return Err(truncated(2, data.len()));
        };
        if l < 14 {
            return Err(Malformed {
                layer: "DNS",
                offset: 0,
                reason: MalformedReason::BadValue {
                    field: "length",
                    value: u64::from(l),
                    reason: "DNS over TCP length under 14",
                },
            });
        }
        if data.len() < 2 + usize::from(l) && !(at_cut && data.len() >= 14) {
            return Err(truncated(2 + usize::from(l), data.len()));
        }
        2
    } else {
        0
    };
    let msg = data.get(base..).unwrap_or(&[]);
    if msg.len() < 12 {
        return Err(truncated(base + 12, data.len()));
    }
    let total = base + msg.len();
    let view = |an_off| DnsView {
        msg,
        tcp_len: if tcp { be16(data, 0) } else { None },
        an_off,
    };
    // A record cut by the snap length ends the walk; other errors are errors.
    let cut = |e: Malformed, an_off: usize| match e.reason {
        MalformedReason::Truncated { needed, .. } if at_cut => Ok((view(an_off), needed)),
        _ => Err(e),
    };
    let mut off = 12usize;
    for _ in 0..be16(msg, 4).unwrap_or(0) {
        let p = match walk_name(msg, off, msg.len(), base) {
            Ok(p) => p,
            Err(e) => return cut(name_err(e, total), msg.len()),
        };
        if msg.len() < p + 4 {
            return cut(truncated(base + p + 4, total), msg.len());
        }
        off = p + 4;
    }
    let an_off = off;
    for sec in 0..3 {
        for _ in 0..be16(msg, 6 + 2 * sec).unwrap_or(0) {
            let p = match walk_name(msg, off, msg.len(), base) {
                Ok(p) => p,
                Err(e) => return cut(name_err(e, total), an_off),
            };
            let (Some(t), Some(rdlen)) = (be16(msg, p), be16(msg, p + 8)) else {
                return cut(truncated(base + p + 10, total), an_off);
            };
            let start = p + 10;
            let end = start + usize::from(rdlen);
            if end > msg.len() {
                return cut(truncated(base + end, total), an_off);
            }
            check_rdata(t, msg, start, end, base)?;
            off = end;
        }
    }
    Ok((view(an_off), base + off))
}

/// A DNS message (the bytes after the TCP length prefix, when there is one).
#[derive(Debug, Clone, Copy)]
pub struct DnsView<'a> {
    msg: &'a [u8],
    tcp_len: Option<u16>,
    an_off: usize,
}

impl<'a> DnsView<'a> {
    /// The message bytes (header first).
    pub fn message(&self) -> &'a [u8] {
        self.msg
    }
    /// The length prefix of DNS over TCP.
    pub fn tcp_length(&self) -> Option<u16> {
        self.tcp_len
    }
    /// Identifier.
    pub fn id(&self) -> u16 {
        be16(self.msg, 0).unwrap_or(0)
    }
    fn b2(&self) -> u8 {
        u8_at(self.msg, 2).unwrap_or(0)
    }
    fn b3(&self) -> u8 {
        u8_at(self.msg, 3).unwrap_or(0)
    }
    /// Authoritative answer.
    pub fn aa(&self) -> bool {
        self.b2() & 0x04 != 0
    }
    /// Recursion available.
    pub fn ra(&self) -> bool {
        self.b3() & 0x80 != 0
    }
    /// Truncated.
    pub fn tc(&self) -> bool {
        self.b2() & 0x02 != 0
    }
    /// Recursion desired.
    pub fn rd(&self) -> bool {
        self.b2() & 1 != 0
    }
    /// Response flag.
    pub fn qr(&self) -> u8 {
        self.b2() >> 7
    }
    /// Opcode.
    pub fn opcode(&self) -> u8 {
        (self.b2() >> 3) & 0x0f
    }
    /// Response code.
    pub fn rcode(&self) -> u8 {
        self.b3() & 0x0f
    }
    /// Question count.
    pub fn qdcount(&self) -> u16 {
        be16(self.msg, 4).unwrap_or(0)
    }
    /// Answer count.
    pub fn ancount(&self) -> u16 {
        be16(self.msg, 6).unwrap_or(0)
    }
    /// Authority count.
    pub fn nscount(&self) -> u16 {
        be16(self.msg, 8).unwrap_or(0)
    }
    /// Additional count.
    pub fn arcount(&self) -> u16 {
        be16(self.msg, 10).unwrap_or(0)
    }
    /// The first question, if there is one.
    pub fn question(&self) -> Option<DnsQuestion<'a>> {
        if self.qdcount() == 0 {
            return None;
        }
        let p = walk_name(self.msg, 12, self.msg.len(), 0).ok()?;
        let c = be16(self.msg, p + 2)?;
        Some(DnsQuestion {
            name: DnsName {
                msg: self.msg,
                start: 12,
            },
            qtype: be16(self.msg, p)?,
            unicastresponse: (c >> 15) as u8,
            qclass: c & 0x7fff,
        })
    }
    /// The answer records, decoded one by one as the iterator advances.
    pub fn answers(&self) -> DnsRecords<'a> {
        DnsRecords {
            msg: self.msg,
            off: self.an_off,
            left: self.ancount(),
        }
    }
    /// Every record of the answer, authority and additional sections, in message order,
    /// decoded one by one as the iterator advances.
    pub fn records(&self) -> DnsRecords<'a> {
        DnsRecords {
            msg: self.msg,
            off: self.an_off,
            left: self
                .ancount()
                .saturating_add(self.nscount())
                .saturating_add(self.arcount()),
        }
    }
    pub(crate) fn for_each_field(&self, f: FieldSink<'_, 'a>) {
        let int = |v: u64| FieldValue::Int(v);
        let (b2, b3) = (u64::from(self.b2()), u64::from(self.b3()));
        if let Some(l) = self.tcp_len {
            f("length", int(u64::from(l)));
        }
        f("id", int(u64::from(self.id())));
        f("qr", int(b2 >> 7));
        f("opcode", int((b2 >> 3) & 0x0f));
        f("aa", int((b2 >> 2) & 1));
        f("tc", int((b2 >> 1) & 1));
        f("rd", int(b2 & 1));
        f("ra", int(b3 >> 7));
        f("z", int((b3 >> 6) & 1));
        f("ad", int((b3 >> 5) & 1));
        f("cd", int((b3 >> 4) & 1));
        f("rcode", int(b3 & 0x0f));
        f("qdcount", int(u64::from(self.qdcount())));
        f("ancount", int(u64::from(self.ancount())));
        f("nscount", int(u64::from(self.nscount())));
        f("arcount", int(u64::from(self.arcount())));
    }
}

/// A domain name in a message: where it starts. Reading it follows compression pointers.
#[derive(Debug, Clone, Copy)]
pub struct DnsName<'a> {
    msg: &'a [u8],
    start: usize,
}

impl<'a> DnsName<'a> {
    /// The labels, outermost first (`www`, `example`, `com`). Stops early (without an
    /// error) on a name that breaks the limits; such names were rejected when the layer
    /// was made, except inside record data kept raw.
    pub fn labels(&self) -> Labels<'a> {
        Labels {
            msg: self.msg,
            pos: self.start,
            jumps: 0,
            wire: 0,
            done: false,
        }
    }

    /// Writes the name as scapy shows it (`www.example.com.`, `.` for the root) into
    /// `buf`; returns the length, or `None` if `buf` is too small (256 bytes always fit).
    pub fn write_to(&self, buf: &mut [u8]) -> Option<usize> {
        let mut n = 0usize;
        for l in self.labels() {
            buf.get_mut(n..n + l.len())?.copy_from_slice(l);
            n += l.len();
            *buf.get_mut(n)? = b'.';
            n += 1;
        }
        if n == 0 {
            *buf.get_mut(0)? = b'.';
            n = 1;
        }
        Some(n)
    }

    /// True if the name equals `text` (`example.com` or `example.com.`, ASCII
    /// case-insensitive).
    pub fn eq_text(&self, text: &str) -> bool {
        let t = text.strip_suffix('.').unwrap_or(text).as_bytes();
        let mut rest = t;
        let mut first = true;
        for l in self.labels() {
            if !first {
                match rest.split_first() {
                    Some((b'.', r)) => rest = r,
                    _ => return false,
                }
            }
            first = false;
            match rest.get(..l.len()) {
                Some(p) if p.eq_ignore_ascii_case(l) => rest = rest.get(l.len()..).unwrap_or(&[]),
                _ => return false,
            }
        }
        rest.is_empty()
    }
}

/// Iterator over the labels of a [`DnsName`].
#[derive(Debug, Clone)]
pub struct Labels<'a> {
    msg: &'a [u8],
    pos: usize,
    jumps: usize,
    wire: usize,
    done: bool,
}

impl<'a> Iterator for Labels<'a> {
    type Item = &'a [u8];
    fn next(&mut self) -> Option<&'a [u8]> {
        while !self.done {
            let Some(&b) = self.msg.get(self.pos) else {
                self.done = true;
                break;
            };
            match b & 0xc0 {
                0xc0 => {
                    let lo = u8_at(self.msg, self.pos + 1);
                    self.jumps += 1;
                    match lo {
                        Some(lo) if self.jumps <= MAX_JUMPS => {
                            self.pos = (usize::from(b & 0x3f) << 8) | usize::from(lo);
                        }
                        _ => self.done = true,
                    }
                }
                0x00 if b != 0 => {
                    let n = usize::from(b);
                    self.wire += 1 + n;
                    let l = self.msg.get(self.pos + 1..self.pos + 1 + n);
                    match l {
                        Some(l) if self.wire < MAX_NAME_WIRE => {
                            self.pos += 1 + n;
                            return Some(l);
                        }
                        _ => self.done = true,
                    }
                }
                _ => self.done = true,
            }
        }
        None
    }
}

/// A question: name, type and class.
#[derive(Debug, Clone, Copy)]
pub struct DnsQuestion<'a> {
    /// The queried name.
    pub name: DnsName<'a>,
    /// Query type.
    pub qtype: u16,
    /// mDNS unicast-response bit.
    pub unicastresponse: u8,
    /// Query class (15 bits).
    pub qclass: u16,
}

/// Decoded record data for the types the fast path reads.
#[derive(Debug, Clone, Copy)]
pub enum RData<'a> {
    /// An IPv4 address (A).
    A(Ipv4Addr),
    /// An IPv6 address (AAAA).
    Aaaa(Ipv6Addr),
    /// A name (CNAME, NS, PTR, DNAME...).
    Name(DnsName<'a>),
    /// Anything else, or data that does not fit its type: the raw bytes.
    Other(&'a [u8]),
}

/// A resource record.
#[derive(Debug, Clone, Copy)]
pub struct DnsRecord<'a> {
    /// Owner name.
    pub name: DnsName<'a>,
    /// Record type.
    pub rtype: u16,
    /// mDNS cache-flush bit.
    pub cacheflush: u8,
    /// Class (15 bits).
    pub rclass: u16,
    /// Time to live.
    pub ttl: u32,
    msg: &'a [u8],
    start: usize,
    end: usize,
}

impl<'a> DnsRecord<'a> {
    /// The raw record data.
    pub fn rdata_bytes(&self) -> &'a [u8] {
        self.msg.get(self.start..self.end).unwrap_or(&[])
    }
    /// A name inside the record data, `skip` bytes in (MX's exchange after its 2-byte
    /// preference, SRV's target after 6 bytes), when one is there and ends inside the data.
    pub fn rdata_name(&self, skip: usize) -> Option<DnsName<'a>> {
        let start = self.start.checked_add(skip)?;
        let e = walk_name(self.msg, start, self.end, 0).ok()?;
        (e <= self.end).then_some(DnsName {
            msg: self.msg,
            start,
        })
    }
    /// The data, decoded for A, AAAA and name types (the owned model's rules: data that does
    /// not fill its length exactly is raw).
    pub fn data(&self) -> RData<'a> {
        let b = self.rdata_bytes();
        match self.rtype {
            1 => array_at::<4>(b, 0)
                .filter(|_| b.len() == 4)
                .map_or(RData::Other(b), |a| RData::A(Ipv4Addr::from(a))),
            28 => array_at::<16>(b, 0)
                .filter(|_| b.len() == 16)
                .map_or(RData::Other(b), |a| RData::Aaaa(Ipv6Addr::from(a))),
            t if NAME_TYPES.contains(&t) => match walk_name(self.msg, self.start, self.end, 0) {
                Ok(e) if e == self.end => RData::Name(DnsName {
                    msg: self.msg,
                    start: self.start,
                }),
                _ => RData::Other(b),
            },
            _ => RData::Other(b),
        }
    }
}

/// Lazy iterator over the records of a section.
#[derive(Debug, Clone)]
pub struct DnsRecords<'a> {
    msg: &'a [u8],
    off: usize,
    left: u16,
}

impl DnsRecords<'_> {
    /// Where the next record starts in the message (past the last one decoded). After the
    /// iterator ends early (a record cut by the snap length), this is where that record starts.
    pub fn offset(&self) -> usize {
        self.off
    }
    /// Records not decoded yet (of the count the header gives).
    pub fn left(&self) -> u16 {
        self.left
    }
}

impl<'a> Iterator for DnsRecords<'a> {
    type Item = DnsRecord<'a>;
    fn next(&mut self) -> Option<DnsRecord<'a>> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let start_name = self.off;
        let p = walk_name(self.msg, start_name, self.msg.len(), 0).ok();
        let r = p.and_then(|p| {
            let t = be16(self.msg, p)?;
            let c = be16(self.msg, p + 2)?;
            let ttl = be32(self.msg, p + 4)?;
            let rdlen = usize::from(be16(self.msg, p + 8)?);
            let start = p + 10;
            let end = start + rdlen;
            (end <= self.msg.len()).then_some(DnsRecord {
                name: DnsName {
                    msg: self.msg,
                    start: start_name,
                },
                rtype: t,
                cacheflush: (c >> 15) as u8,
                rclass: c & 0x7fff,
                ttl,
                msg: self.msg,
                start,
                end,
            })
        });
        match r {
            Some(r) => {
                self.off = r.end;
                Some(r)
            }
            None => {
                // `left` counts the record that could not be decoded too.
                self.left += 1;
                None
            }
        }
    }
}
