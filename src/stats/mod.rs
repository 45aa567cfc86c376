//! Statistics over captures, what Wireshark's Statistics menu and `tshark -q -z` give:
//! `pktforge stats`.
//!
//! Each statistic is a partial table that folds packets ([`Fold`]): [`summary`] (as
//! `capinfos`), [`phs`] (protocol hierarchy, `-z io,phs`), [`conv`] (conversations and
//! endpoints, `-z conv,TYPE`, `-z endpoints,TYPE`), [`io`] (packets and bytes per interval,
//! `-z io,stat`, and the IO graph in SVG), [`dns`] and [`tcp`]. [`StatSet`] folds the ones
//! asked for ([`Want`]) in one pass; [`fold::fold_capture`] runs that pass in parallel
//! chunks of a mapped file and merges the partial tables. The statistics that need each
//! flow's packets in order (TCP, DNS) make [`Want::workers`] 1: then the one worker folds
//! the chunks in file order. Every table is printed through [`table::Table`]: aligned
//! text, JSON (one array of row objects per statistic) or CSV.
//!
//! ```
//! use pktforge::capture::CaptureReader;
//! use pktforge::stats::{Want, fold::{FoldConfig, fold_capture}};
//! use pktforge::prelude::*;
//!
//! use pktforge::capture::{LinkTypeNumber, PcapWriter};
//! let mut w = PcapWriter::new(Vec::new(), LinkTypeNumber::ETHERNET).unwrap();
//! let pkt = (Ether::new() / IP::new().src("192.0.2.1").dst("192.0.2.2") / UDP::new().dport(9))
//!     .build()
//!     .unwrap();
//! for _ in 0..3 {
//!     w.write_packet(&pkt).unwrap();
//! }
//! let bytes = w.into_inner().unwrap();
//! let reader = CaptureReader::from_read(Box::new(std::io::Cursor::new(bytes))).unwrap();
//! let want = Want { phs: true, ..Want::default() };
//! let folded = fold_capture(reader, &FoldConfig::default(), &|| want.make());
//! assert_eq!(folded.value.summary.packets, 3);
//! let phs = folded.value.phs.as_ref().unwrap().table();
//! assert_eq!(phs.rows.len(), 3); // eth, eth:ip, eth:ip:udp
//! ```

pub mod conv;
pub mod dns;
pub mod fold;
pub mod io;
pub mod phs;
pub mod summary;
pub mod table;
pub mod tcp;

pub use fold::{Fold, Pkt};

use conv::{ConvConfig, ConvKind, ConvTable, EndpointTable};
use dns::DnsStats;
use io::IoTable;
use phs::Phs;
use summary::Summary;
use table::{Cell, Table};
use tcp::TcpStats;

use crate::layers::LayerKind;

/// Which statistics to compute.
#[derive(Debug, Clone, Default)]
pub struct Want {
    /// The protocol hierarchy.
    pub phs: bool,
    /// Conversation tables.
    pub conv: Vec<ConvKind>,
    /// Endpoint tables.
    pub endpoints: Vec<ConvKind>,
    /// Intervals of this many nanoseconds.
    pub io_ns: Option<u64>,
    /// DNS.
    pub dns: bool,
    /// TCP.
    pub tcp: bool,
    /// Caps of conversation, endpoint, DNS and TCP flow tables (0: the defaults).
    pub cap: usize,
}

impl Want {
    /// Whether a statistic needs the packets in file order (TCP, DNS).
    pub fn order_dependent(&self) -> bool {
        self.dns || self.tcp
    }

    /// Workers to fold with: 1 when order matters, else `available`.
    pub fn workers(&self, available: usize) -> usize {
        if self.order_dependent() {
            1
        } else {
            available.max(1)
        }
    }

    /// The last layer the statistics asked for read, when they read nothing past the first
    /// layer of one kind: conversations and endpoints of one kind (`eth`, `ip`, `tcp`,
    /// `udp`; each reads the first header of its kind and the layers before it), with IO
    /// counts (no layer at all). Then [`FoldConfig::through`](fold::FoldConfig::through)
    /// spares dissecting the payloads. `None` when a statistic reads every layer (the
    /// protocol hierarchy, DNS, TCP, IPv6 conversations, which look for fragment headers
    /// anywhere), or conversations of two kinds (a UDP tunnel may carry the first TCP).
    pub fn through(&self) -> Option<LayerKind> {
        if self.phs || self.dns || self.tcp {
            return None;
        }
        let mut last = None;
        for k in self.conv.iter().chain(&self.endpoints) {
            let l = match k {
                ConvKind::Eth => LayerKind::Ether,
                ConvKind::Ip => LayerKind::IP,
                ConvKind::Tcp => LayerKind::TCP,
                ConvKind::Udp => LayerKind::UDP,
                ConvKind::Ipv6 => return None,
            };
            if last.is_some_and(|x| x != l) {
                return None;
            }
            last = Some(l);
        }
        last
    }

    fn cap(&self) -> usize {
        if self.cap == 0 {
            conv::DEFAULT_CAP
        } else {
            self.cap
        }
    }

    /// Empty tables for what is wanted.
    pub fn make(&self) -> StatSet {
        let cfg = ConvConfig { cap: self.cap() };
        StatSet {
            summary: Summary::default(),
            phs: self.phs.then(Phs::default),
            conv: self.conv.iter().map(|&k| ConvTable::new(k, cfg)).collect(),
            endpoints: self
                .endpoints
                .iter()
                .map(|&k| EndpointTable::new(k, cfg))
                .collect(),
            io: self.io_ns.map(IoTable::new),
            dns: self.dns.then(|| DnsStats::new(self.cap())),
            tcp: self.tcp.then(|| TcpStats::new(self.cap())),
        }
    }
}

/// The tables of the statistics asked for, folded together.
#[derive(Debug, Clone)]
pub struct StatSet {
    /// Always counted: packets, bytes, times.
    pub summary: Summary,
    /// The protocol hierarchy.
    pub phs: Option<Phs>,
    /// Conversations, one table per kind.
    pub conv: Vec<ConvTable>,
    /// Endpoints, one table per kind.
    pub endpoints: Vec<EndpointTable>,
    /// Packets per interval.
    pub io: Option<IoTable>,
    /// DNS.
    pub dns: Option<DnsStats>,
    /// TCP.
    pub tcp: Option<TcpStats>,
}

impl StatSet {
    /// True when a worker's conversation or endpoint table filled up: fold again with one
    /// worker for exact capped tables (see [`conv`]'s Caps).
    pub fn overflowed(&self) -> bool {
        self.conv.iter().any(|c| c.overflowed) || self.endpoints.iter().any(|e| e.overflowed)
    }
}

impl Fold for StatSet {
    fn add(&mut self, p: &Pkt<'_, '_>) {
        self.summary.add(p);
        if let Some(s) = &mut self.phs {
            s.add(p);
        }
        for c in &mut self.conv {
            c.add(p);
        }
        for e in &mut self.endpoints {
            e.add(p);
        }
        if let Some(s) = &mut self.io {
            s.add(p);
        }
        if let Some(s) = &mut self.dns {
            s.add(p);
        }
        if let Some(s) = &mut self.tcp {
            s.add(p);
        }
    }

    fn merge(&mut self, o: StatSet) {
        self.summary.merge(o.summary);
        if let (Some(a), Some(b)) = (&mut self.phs, o.phs) {
            a.merge(b);
        }
        for (a, b) in self.conv.iter_mut().zip(o.conv) {
            a.merge(b);
        }
        for (a, b) in self.endpoints.iter_mut().zip(o.endpoints) {
            a.merge(b);
        }
        if let (Some(a), Some(b)) = (&mut self.io, o.io) {
            a.merge(b);
        }
        if let (Some(a), Some(b)) = (&mut self.dns, o.dns) {
            a.merge(b);
        }
        if let (Some(a), Some(b)) = (&mut self.tcp, o.tcp) {
            a.merge(b);
        }
    }
}

/// Time percentiles in bounded memory: a histogram of nanoseconds with 64 buckets per
/// power of two (values below 128 ns exact), so a percentile is within 1.6% of the true
/// value. 3,776 counters whatever the number of samples.
#[derive(Debug, Clone)]
pub struct Latency {
    buckets: Vec<u64>,
    count: u64,
    max: u64,
    min: u64,
}

const SUB: u32 = 6;

impl Default for Latency {
    fn default() -> Self {
        Latency {
            buckets: vec![0; 128 + 57 * (1 << SUB)],
            count: 0,
            max: 0,
            min: u64::MAX,
        }
    }
}

fn bucket_of(v: u64) -> usize {
    if v < 128 {
        return v as usize;
    }
    let msb = 63 - v.leading_zeros();
    let shift = msb - SUB;
    let top = (v >> shift) as usize - (1 << SUB);
    128 + (msb as usize - 7) * (1 << SUB) + top
}

fn bucket_mid(i: usize) -> u64 {
    if i < 128 {
        return i as u64;
    }
    let j = i - 128;
    let msb = (j >> SUB) as u32 + 7;
    let top = (j & ((1 << SUB) - 1)) as u64 + (1 << SUB);
    let shift = msb - SUB;
    let lo = top << shift;
    lo + ((1u64 << shift) >> 1)
}

impl Latency {
    /// Counts one time in nanoseconds.
    pub fn add(&mut self, ns: u64) {
        if let Some(b) = self.buckets.get_mut(bucket_of(ns)) {
            *b += 1;
        }
        self.count += 1;
        self.max = self.max.max(ns);
        self.min = self.min.min(ns);
    }

    /// Adds another histogram's counts.
    pub fn merge(&mut self, o: &Latency) {
        for (a, b) in self.buckets.iter_mut().zip(&o.buckets) {
            *a += b;
        }
        self.count += o.count;
        self.max = self.max.max(o.max);
        self.min = self.min.min(o.min);
    }

    /// Times counted.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// The `p` quantile (0..=1) in nanoseconds, `None` without samples.
    pub fn quantile(&self, p: f64) -> Option<u64> {
        if self.count == 0 {
            return None;
        }
        let rank = ((p * self.count as f64).ceil() as u64).clamp(1, self.count);
        // The extremes are known exactly.
        if rank == 1 {
            return Some(self.min);
        }
        if rank == self.count {
            return Some(self.max);
        }
        let mut seen = 0u64;
        for (i, &c) in self.buckets.iter().enumerate() {
            seen += c;
            if seen >= rank {
                return Some(bucket_mid(i).clamp(self.min, self.max));
            }
        }
        Some(self.max)
    }

    /// A table of percentiles in milliseconds: `{"percentile", "ms"}` (min, p50, p90, p99, max).
    pub fn table(&self, key: &str, title: &str) -> Table {
        let mut t = Table::new(key, title, &["percentile", "ms"]);
        if self.count == 0 {
            return t;
        }
        let ms = |ns: u64| Cell::Num(ns as f64 / 1e6, 3);
        t.rows.push(vec![Cell::Text("min".into()), ms(self.min)]);
        for (name, p) in [("p50", 0.5), ("p90", 0.9), ("p99", 0.99)] {
            if let Some(v) = self.quantile(p) {
                t.rows.push(vec![Cell::Text(name.into()), ms(v)]);
            }
        }
        t.rows.push(vec![Cell::Text("max".into()), ms(self.max)]);
        t.footer.push(format!("{} times measured", self.count));
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latency_buckets_are_close() {
        for v in [
            0u64,
            1,
            127,
            128,
            129,
            1000,
            12_345_678,
            u64::MAX / 3,
            u64::MAX,
        ] {
            let m = bucket_mid(bucket_of(v));
            let err = (m as f64 - v as f64).abs() / (v.max(1) as f64);
            assert!(err <= 1.0 / 64.0, "{v} -> {m}");
        }
        let mut l = Latency::default();
        for v in 1..=1000u64 {
            l.add(v * 1000);
        }
        let p50 = l.quantile(0.5).unwrap() as f64;
        assert!((p50 - 500_000.0).abs() / 500_000.0 < 0.02, "{p50}");
        assert_eq!(l.quantile(1.0), Some(1_000_000));
        assert_eq!(l.quantile(0.0), Some(1000));
    }
}
