//! Conversations and endpoints (`tshark -q -z conv,TYPE` and `-z endpoints,TYPE`) for
//! `eth`, `ip`, `ipv6`, `tcp` and `udp`.
//!
//! A conversation is an unordered pair of endpoints (addresses, with ports for TCP and
//! UDP); its side A is the source of its first frame, as in tshark. Frames and bytes
//! (lengths on the wire) are counted each way. The outer header of each kind is used: the
//! first Ethernet header, the first IPv4 or IPv6 header, and the TCP or UDP header with the
//! IP header just before it (headers quoted in ICMP errors are not conversations).
//!
//! # Caps
//!
//! A table holds at most [`ConvConfig::cap`] conversations (or endpoints;
//! [`DEFAULT_CAP`] unless changed), so memory stays bounded on any file. The table keeps
//! the first `cap` conversations in file order, each with all of its frames; the frames and
//! bytes of the others are counted in [`ConvTable::rest`], with an estimate of how many
//! conversations they were (a HyperLogLog sketch, about 2% off). Never silently: every
//! output says what did not fit. Partial tables of parallel workers are merged by keeping
//! the `cap` earliest conversations; a worker whose own table filled up could have missed
//! frames of a conversation another worker kept, so then [`ConvTable::overflowed`] is set
//! and `pktforge stats` folds the file again in one thread, in file order.

use rustc_hash::FxHashMap as HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

use super::fold::{Fold, Pkt};
use super::table::{Cell, Table, secs_between};
use crate::dissect::{Dissection, View};
use crate::layers::LayerKind;

/// Conversations (or endpoints) a table holds unless told otherwise.
pub const DEFAULT_CAP: usize = 250_000;

/// Which header makes a conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConvKind {
    /// Ethernet addresses.
    Eth,
    /// IPv4 addresses.
    Ip,
    /// IPv6 addresses.
    Ipv6,
    /// IP addresses and TCP ports.
    Tcp,
    /// IP addresses and UDP ports.
    Udp,
}

impl ConvKind {
    /// From tshark's name: `eth`, `ip`, `ipv6`, `tcp`, `udp`.
    pub fn from_name(s: &str) -> Option<ConvKind> {
        Some(match s {
            "eth" => ConvKind::Eth,
            "ip" => ConvKind::Ip,
            "ipv6" => ConvKind::Ipv6,
            "tcp" => ConvKind::Tcp,
            "udp" => ConvKind::Udp,
            _ => return None,
        })
    }

    /// tshark's name.
    pub fn name(self) -> &'static str {
        match self {
            ConvKind::Eth => "eth",
            ConvKind::Ip => "ip",
            ConvKind::Ipv6 => "ipv6",
            ConvKind::Tcp => "tcp",
            ConvKind::Udp => "udp",
        }
    }

    /// tshark's title word (`TCP Conversations`, `IPv4 Endpoints`).
    pub fn title(self) -> &'static str {
        match self {
            ConvKind::Eth => "Ethernet",
            ConvKind::Ip => "IPv4",
            ConvKind::Ipv6 => "IPv6",
            ConvKind::Tcp => "TCP",
            ConvKind::Udp => "UDP",
        }
    }

    fn has_ports(self) -> bool {
        matches!(self, ConvKind::Tcp | ConvKind::Udp)
    }

    /// The source and destination of a packet, if it has this kind's header.
    pub fn endpoints(self, d: &Dissection<'_>) -> Option<(Ep, Ep)> {
        match self {
            ConvKind::Eth => d.layers().iter().find_map(|l| match l.view {
                View::Ether(e) => Some((Ep::mac(e.src().octets()), Ep::mac(e.dst().octets()))),
                _ => None,
            }),
            ConvKind::Ip => d
                .ipv4()
                .map(|ip| (Ep::v4(ip.src().octets()), Ep::v4(ip.dst().octets()))),
            // tshark counts no IPv6 fragment after the first in IPv6 conversations (IPv4
            // ones it counts).
            ConvKind::Ipv6 if later_fragment6(d) => None,
            ConvKind::Ipv6 => d
                .ipv6()
                .map(|ip| (Ep::v6(ip.src().octets()), Ep::v6(ip.dst().octets()))),
            ConvKind::Tcp | ConvKind::Udp => {
                let mut ip: Option<(Ep, Ep)> = None;
                for l in d.layers() {
                    match (l.kind, l.view) {
                        (LayerKind::IP, View::Ipv4(v)) => {
                            ip = Some((Ep::v4(v.src().octets()), Ep::v4(v.dst().octets())));
                        }
                        (LayerKind::IPv6, View::Ipv6(v)) => {
                            ip = Some((Ep::v6(v.src().octets()), Ep::v6(v.dst().octets())));
                        }
                        (LayerKind::TCP, View::Tcp(t)) if self == ConvKind::Tcp => {
                            let (s, d) = ip?;
                            return Some((s.with_port(t.sport()), d.with_port(t.dport())));
                        }
                        (LayerKind::UDP, View::Udp(u)) if self == ConvKind::Udp => {
                            let (s, d) = ip?;
                            return Some((s.with_port(u.sport()), d.with_port(u.dport())));
                        }
                        _ => {}
                    }
                }
                None
            }
        }
    }
}

/// True for an IPv6 fragment other than the first (its offset is not 0).
fn later_fragment6(d: &Dissection<'_>) -> bool {
    d.layers().iter().any(|l| match (l.kind, l.view) {
        (LayerKind::IPv6ExtHdrFragment, View::Ipv6Ext(v)) => v.frag_offset() != 0,
        _ => false,
    })
}

/// One endpoint: an address (MAC, IPv4 or IPv6, by its length) and a port.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Ep {
    len: u8,
    addr: [u8; 16],
    port: u16,
}

// Hashed as three words rather than field by field (the derived hash feeds the address to
// the hasher as a length and a byte slice): the table lookup is a tenth of `stats --conv`.
// Equal endpoints hash the same, as `Eq` needs.
impl Hash for Ep {
    fn hash<H: Hasher>(&self, h: &mut H) {
        let [
            a0,
            a1,
            a2,
            a3,
            a4,
            a5,
            a6,
            a7,
            b0,
            b1,
            b2,
            b3,
            b4,
            b5,
            b6,
            b7,
        ] = self.addr;
        h.write_u64(u64::from_ne_bytes([a0, a1, a2, a3, a4, a5, a6, a7]));
        h.write_u64(u64::from_ne_bytes([b0, b1, b2, b3, b4, b5, b6, b7]));
        h.write_u32(u32::from(self.len) << 16 | u32::from(self.port));
    }
}

impl Ep {
    fn of(b: &[u8]) -> Ep {
        let mut addr = [0u8; 16];
        let n = b.len().min(16);
        if let (Some(dst), Some(src)) = (addr.get_mut(..n), b.get(..n)) {
            dst.copy_from_slice(src);
        }
        Ep {
            len: n as u8,
            addr,
            port: 0,
        }
    }
    fn mac(b: [u8; 6]) -> Ep {
        Ep::of(&b)
    }
    fn v4(b: [u8; 4]) -> Ep {
        Ep::of(&b)
    }
    fn v6(b: [u8; 16]) -> Ep {
        Ep::of(&b)
    }
    fn with_port(mut self, port: u16) -> Ep {
        self.port = port;
        self
    }

    /// Appends the address as tshark writes it. Through the byte writers `read` uses:
    /// std's formatting was most of the time a conversation table of 25,000 rows took to
    /// print (callgrind).
    fn put_addr(&self, out: &mut Vec<u8>) {
        use crate::output::text::{put_ipv4, put_ipv6, put_mac};
        let [a0, a1, a2, a3, a4, a5, ..] = self.addr;
        match self.len {
            4 => put_ipv4(out, std::net::Ipv4Addr::new(a0, a1, a2, a3)),
            6 => put_mac(out, [a0, a1, a2, a3, a4, a5]),
            _ => put_ipv6(out, std::net::Ipv6Addr::from(self.addr)),
        }
    }

    /// The address as tshark writes it.
    pub fn addr_text(&self) -> String {
        self.text(false)
    }

    /// `address:port` (TCP, UDP) or the address.
    pub fn text(&self, ports: bool) -> String {
        let mut out = Vec::with_capacity(48);
        self.put_addr(&mut out);
        if ports {
            out.push(b':');
            crate::output::text::put_u64(&mut out, u64::from(self.port));
        }
        String::from_utf8(out).unwrap_or_default()
    }

    /// The port (0 for address-only kinds).
    pub fn port(&self) -> u16 {
        self.port
    }
}

/// A small HyperLogLog sketch: about how many distinct keys were seen, in 4 KiB.
#[derive(Debug, Clone)]
pub struct Distinct {
    regs: Vec<u8>,
}

const HLL_BITS: u32 = 12;

impl Default for Distinct {
    fn default() -> Self {
        Distinct {
            regs: vec![0; 1 << HLL_BITS],
        }
    }
}

impl Distinct {
    /// Counts `key`.
    pub fn insert<K: Hash>(&mut self, key: &K) {
        let mut h = DefaultHasher::new();
        key.hash(&mut h);
        let x = h.finish();
        let i = (x >> (64 - HLL_BITS)) as usize;
        let rank = ((x << HLL_BITS) | (1 << (HLL_BITS - 1))).leading_zeros() as u8 + 1;
        if let Some(r) = self.regs.get_mut(i) {
            *r = (*r).max(rank);
        }
    }

    /// Adds the keys `o` saw.
    pub fn merge(&mut self, o: &Distinct) {
        for (a, b) in self.regs.iter_mut().zip(&o.regs) {
            *a = (*a).max(*b);
        }
    }

    /// The estimated number of distinct keys.
    pub fn estimate(&self) -> u64 {
        let m = self.regs.len() as f64;
        let sum: f64 = self.regs.iter().map(|&r| 2f64.powi(-i32::from(r))).sum();
        let zeros = self.regs.iter().filter(|&&r| r == 0).count();
        let raw = 0.7213 / (1.0 + 1.079 / m) * m * m / sum;
        let e = if raw <= 2.5 * m && zeros > 0 {
            m * (m / zeros as f64).ln()
        } else {
            raw
        };
        e.round() as u64
    }
}

/// What did not fit a capped table.
#[derive(Debug, Clone, Default)]
pub struct Rest {
    /// Frames of the conversations left out.
    pub frames: u64,
    /// Their bytes.
    pub bytes: u64,
    /// About how many they were.
    pub distinct: Distinct,
}

impl Rest {
    fn merge(&mut self, o: &Rest) {
        self.frames += o.frames;
        self.bytes += o.bytes;
        self.distinct.merge(&o.distinct);
    }

    fn cells(&self, what: &'static str) -> Vec<(&'static str, Cell)> {
        if self.frames == 0 {
            return Vec::new();
        }
        vec![
            (what, Cell::Int(self.distinct.estimate().max(1))),
            ("frames", Cell::Int(self.frames)),
            ("bytes", Cell::Int(self.bytes)),
        ]
    }
}

/// Caps and choices of a conversation or endpoint table.
#[derive(Debug, Clone, Copy)]
pub struct ConvConfig {
    /// Most entries kept (see [Caps](self#caps)).
    pub cap: usize,
}

impl Default for ConvConfig {
    fn default() -> Self {
        ConvConfig { cap: DEFAULT_CAP }
    }
}

/// One conversation's counts.
#[derive(Debug, Clone, Copy)]
pub struct Conv {
    /// Frames from the lower endpoint to the higher (key order).
    lo_hi: (u64, u64),
    /// Frames from the higher to the lower.
    hi_lo: (u64, u64),
    /// The first frame (side A is its source).
    first_n: u64,
    /// The earliest and latest times of its frames (tshark's start and end, also when
    /// frames are out of time order).
    first_ts: (i64, u32),
    last_ts: (i64, u32),
    /// Side A (the first frame's source) is the lower endpoint.
    a_is_lo: bool,
}

impl Conv {
    fn merge(&mut self, o: &Conv) {
        self.lo_hi.0 += o.lo_hi.0;
        self.lo_hi.1 += o.lo_hi.1;
        self.hi_lo.0 += o.hi_lo.0;
        self.hi_lo.1 += o.hi_lo.1;
        if o.first_n < self.first_n {
            self.first_n = o.first_n;
            self.a_is_lo = o.a_is_lo;
        }
        self.first_ts = self.first_ts.min(o.first_ts);
        self.last_ts = self.last_ts.max(o.last_ts);
    }
}

/// The conversations of one kind.
#[derive(Debug, Clone)]
pub struct ConvTable {
    kind: ConvKind,
    cfg: ConvConfig,
    map: HashMap<(Ep, Ep), Conv>,
    /// What did not fit.
    pub rest: Rest,
    /// This partial table filled up (see [Caps](self#caps)).
    pub overflowed: bool,
}

impl ConvTable {
    /// An empty table.
    pub fn new(kind: ConvKind, cfg: ConvConfig) -> ConvTable {
        ConvTable {
            kind,
            cfg,
            map: HashMap::default(),
            rest: Rest::default(),
            overflowed: false,
        }
    }

    /// Conversations in the table.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// True when no conversation was seen.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Keeps the `cap` earliest conversations; the others go to `rest`.
    fn trim(&mut self) {
        if self.map.len() <= self.cfg.cap {
            return;
        }
        let mut all: Vec<((Ep, Ep), Conv)> = self.map.drain().collect();
        all.sort_by_key(|(k, c)| (c.first_n, *k));
        for (k, c) in all.split_off(self.cfg.cap) {
            self.rest.frames += c.lo_hi.0 + c.hi_lo.0;
            self.rest.bytes += c.lo_hi.1 + c.hi_lo.1;
            self.rest.distinct.insert(&k);
        }
        self.map = all.into_iter().collect();
    }
}

impl Fold for ConvTable {
    fn add(&mut self, p: &Pkt<'_, '_>) {
        let Some((src, dst)) = self.kind.endpoints(p.d) else {
            return;
        };
        let fwd = src <= dst;
        let key = if fwd { (src, dst) } else { (dst, src) };
        let bytes = u64::from(p.orig_len);
        let full = self.map.len() >= self.cfg.cap;
        let c = match self.map.get_mut(&key) {
            Some(c) => c,
            None if full => {
                self.overflowed = true;
                self.rest.frames += 1;
                self.rest.bytes += bytes;
                self.rest.distinct.insert(&key);
                return;
            }
            None => self.map.entry(key).or_insert(Conv {
                lo_hi: (0, 0),
                hi_lo: (0, 0),
                first_n: p.number,
                first_ts: p.ts,
                last_ts: p.ts,
                a_is_lo: fwd,
            }),
        };
        let dir = if fwd { &mut c.lo_hi } else { &mut c.hi_lo };
        dir.0 += 1;
        dir.1 += bytes;
        if p.number < c.first_n {
            c.first_n = p.number;
            c.a_is_lo = fwd;
        }
        c.first_ts = c.first_ts.min(p.ts);
        c.last_ts = c.last_ts.max(p.ts);
    }

    fn merge(&mut self, o: ConvTable) {
        self.overflowed |= o.overflowed;
        self.rest.merge(&o.rest);
        for (k, v) in o.map {
            match self.map.get_mut(&k) {
                Some(c) => c.merge(&v),
                None => {
                    self.map.insert(k, v);
                }
            }
        }
        self.trim();
    }
}

/// How rows are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortBy {
    /// Most frames first (tshark's order).
    #[default]
    Frames,
    /// Most bytes first.
    Bytes,
    /// Longest first.
    Duration,
}

impl SortBy {
    /// From `frames`, `bytes`, `duration`.
    pub fn from_name(s: &str) -> Option<SortBy> {
        Some(match s {
            "frames" => SortBy::Frames,
            "bytes" => SortBy::Bytes,
            "duration" => SortBy::Duration,
            _ => return None,
        })
    }
}

/// One conversation, oriented as tshark shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct ConvRow {
    /// Side A.
    pub a: Ep,
    /// Side B.
    pub b: Ep,
    /// Frames and bytes from A to B.
    pub a_to_b: (u64, u64),
    /// Frames and bytes from B to A.
    pub b_to_a: (u64, u64),
    /// Seconds from the capture's first frame to the conversation's earliest.
    pub rel_start: f64,
    /// Seconds from its earliest frame to its latest.
    pub duration: f64,
    first_n: u64,
}

impl ConvTable {
    /// The conversations, sorted (ties by first frame), at most `top`.
    pub fn rows(&self, start: (i64, u32), sort: SortBy, top: Option<usize>) -> Vec<ConvRow> {
        let rows: Vec<ConvRow> = self
            .map
            .iter()
            .map(|(&(lo, hi), c)| {
                let (a, b, ab, ba) = if c.a_is_lo {
                    (lo, hi, c.lo_hi, c.hi_lo)
                } else {
                    (hi, lo, c.hi_lo, c.lo_hi)
                };
                ConvRow {
                    a,
                    b,
                    a_to_b: ab,
                    b_to_a: ba,
                    rel_start: secs_between(start, c.first_ts),
                    duration: secs_between(c.first_ts, c.last_ts),
                    first_n: c.first_n,
                }
            })
            .collect();
        let key = |r: &ConvRow| -> (u64, f64) {
            match sort {
                SortBy::Frames => ((r.a_to_b.0 + r.b_to_a.0), 0.0),
                SortBy::Bytes => ((r.a_to_b.1 + r.b_to_a.1), 0.0),
                SortBy::Duration => (0, r.duration),
            }
        };
        // Sorted as keys and positions, not as rows: a row is a hundred bytes. Each frame
        // starts at most one conversation, so `first_n` breaks every tie and an unstable
        // sort gives one order.
        let mut order: Vec<(u64, f64, u64, usize)> = rows
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let (a, b) = key(r);
                (a, b, r.first_n, i)
            })
            .collect();
        order.sort_unstable_by(|x, y| y.0.cmp(&x.0).then(y.1.total_cmp(&x.1)).then(x.2.cmp(&y.2)));
        if let Some(n) = top {
            order.truncate(n);
        }
        order
            .iter()
            .filter_map(|&(.., i)| rows.get(i).cloned())
            .collect()
    }

    /// The table `{"a", "b", "frames", "bytes", "frames_a_to_b", ...}`.
    pub fn table(&self, start: (i64, u32), sort: SortBy, top: Option<usize>) -> Table {
        let k = self.kind;
        let mut t = Table::new(
            &format!("conv_{}", k.name()),
            &format!("{} Conversations", k.title()),
            &[
                "a",
                "b",
                "frames",
                "bytes",
                "frames_a_to_b",
                "bytes_a_to_b",
                "frames_b_to_a",
                "bytes_b_to_a",
                "rel_start",
                "duration",
            ],
        );
        t.headers = Some(
            [
                "A",
                "B",
                "Frames",
                "Bytes",
                "Frames A->B",
                "Bytes A->B",
                "Frames B->A",
                "Bytes B->A",
                "Rel Start",
                "Duration",
            ]
            .map(String::from)
            .to_vec(),
        );
        for r in self.rows(start, sort, top) {
            t.rows.push(vec![
                Cell::Text(r.a.text(k.has_ports())),
                Cell::Text(r.b.text(k.has_ports())),
                Cell::Int(r.a_to_b.0 + r.b_to_a.0),
                Cell::Int(r.a_to_b.1 + r.b_to_a.1),
                Cell::Int(r.a_to_b.0),
                Cell::Int(r.a_to_b.1),
                Cell::Int(r.b_to_a.0),
                Cell::Int(r.b_to_a.1),
                Cell::Num(r.rel_start, 9),
                Cell::Num(r.duration, 6),
            ]);
        }
        t.not_shown = self.rest.cells("conversations");
        t
    }
}

/// One endpoint's counts.
#[derive(Debug, Clone, Copy, Default)]
struct EpCount {
    tx: (u64, u64),
    rx: (u64, u64),
    first_n: u64,
}

/// The endpoints of one kind.
#[derive(Debug, Clone)]
pub struct EndpointTable {
    kind: ConvKind,
    cfg: ConvConfig,
    map: HashMap<Ep, EpCount>,
    /// What did not fit (frames counted once per endpoint they touched).
    pub rest: Rest,
    /// This partial table filled up.
    pub overflowed: bool,
}

impl EndpointTable {
    /// An empty table.
    pub fn new(kind: ConvKind, cfg: ConvConfig) -> EndpointTable {
        EndpointTable {
            kind,
            cfg,
            map: HashMap::default(),
            rest: Rest::default(),
            overflowed: false,
        }
    }

    fn count(&mut self, e: Ep, n: u64, bytes: u64, tx: bool) {
        let full = self.map.len() >= self.cfg.cap;
        let c = match self.map.get_mut(&e) {
            Some(c) => c,
            None if full => {
                self.overflowed = true;
                self.rest.frames += 1;
                self.rest.bytes += bytes;
                self.rest.distinct.insert(&e);
                return;
            }
            None => self.map.entry(e).or_insert(EpCount {
                first_n: n,
                ..EpCount::default()
            }),
        };
        let d = if tx { &mut c.tx } else { &mut c.rx };
        d.0 += 1;
        d.1 += bytes;
        c.first_n = c.first_n.min(n);
    }

    /// The table `{"address", ["port",] "frames", "bytes", "tx_frames", ...}`.
    pub fn table(&self, sort: SortBy, top: Option<usize>) -> Table {
        let k = self.kind;
        let mut cols = vec!["address"];
        if k.has_ports() {
            cols.push("port");
        }
        cols.extend([
            "frames",
            "bytes",
            "tx_frames",
            "tx_bytes",
            "rx_frames",
            "rx_bytes",
        ]);
        let mut t = Table::new(
            &format!("endpoints_{}", k.name()),
            &format!("{} Endpoints", k.title()),
            &cols,
        );
        let mut rows: Vec<(&Ep, &EpCount)> = self.map.iter().collect();
        let key = |c: &EpCount| match sort {
            SortBy::Bytes => c.tx.1 + c.rx.1,
            _ => c.tx.0 + c.rx.0,
        };
        // Both endpoints of a frame can be first seen in it: the address breaks the tie.
        rows.sort_by(|x, y| {
            key(y.1)
                .cmp(&key(x.1))
                .then(x.1.first_n.cmp(&y.1.first_n))
                .then(x.0.cmp(y.0))
        });
        if let Some(n) = top {
            rows.truncate(n);
        }
        for (e, c) in rows {
            let mut r = vec![Cell::Text(e.addr_text())];
            if k.has_ports() {
                r.push(Cell::Int(u64::from(e.port())));
            }
            r.extend([
                Cell::Int(c.tx.0 + c.rx.0),
                Cell::Int(c.tx.1 + c.rx.1),
                Cell::Int(c.tx.0),
                Cell::Int(c.tx.1),
                Cell::Int(c.rx.0),
                Cell::Int(c.rx.1),
            ]);
            t.rows.push(r);
        }
        t.not_shown = self.rest.cells("endpoints");
        t
    }
}

impl Fold for EndpointTable {
    fn add(&mut self, p: &Pkt<'_, '_>) {
        let Some((src, dst)) = self.kind.endpoints(p.d) else {
            return;
        };
        let bytes = u64::from(p.orig_len);
        self.count(src, p.number, bytes, true);
        self.count(dst, p.number, bytes, false);
    }

    fn merge(&mut self, o: EndpointTable) {
        self.overflowed |= o.overflowed;
        self.rest.merge(&o.rest);
        for (k, v) in o.map {
            let c = self.map.entry(k).or_insert(EpCount {
                first_n: v.first_n,
                ..EpCount::default()
            });
            c.tx.0 += v.tx.0;
            c.tx.1 += v.tx.1;
            c.rx.0 += v.rx.0;
            c.rx.1 += v.rx.1;
            c.first_n = c.first_n.min(v.first_n);
        }
        if self.map.len() > self.cfg.cap {
            let mut all: Vec<(Ep, EpCount)> = self.map.drain().collect();
            all.sort_by_key(|(k, c)| (c.first_n, *k));
            for (k, c) in all.split_off(self.cfg.cap) {
                self.rest.frames += c.tx.0 + c.rx.0;
                self.rest.bytes += c.tx.1 + c.rx.1;
                self.rest.distinct.insert(&k);
            }
            self.map = all.into_iter().collect();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distinct_estimates() {
        let mut d = Distinct::default();
        for i in 0..10_000u32 {
            d.insert(&i);
            d.insert(&i);
        }
        let e = d.estimate() as f64;
        assert!((e - 10_000.0).abs() < 500.0, "{e}");
        let mut small = Distinct::default();
        for i in 0..10u32 {
            small.insert(&i);
        }
        assert_eq!(small.estimate(), 10);
    }
}
