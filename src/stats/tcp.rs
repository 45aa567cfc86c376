//! TCP: handshakes completed, resets, retransmissions, zero windows, and SYN to SYN-ACK
//! times.
//!
//! - A handshake is completed when a flow's SYN, the SYN-ACK from the other side and the
//!   ACK from the first side are seen, in that order. Its SYN-ACK time is from the first
//!   SYN to the first SYN-ACK.
//! - A retransmission is a segment with the same sequence number and length (payload, plus
//!   one for SYN and for FIN) as one of the last [`RECENT`] segments seen in that
//!   direction of the flow (segments of length 0 are never retransmissions).
//! - A zero window is a segment without RST whose window is 0.
//!
//! All of it needs each flow's segments in order, so this statistic is folded with one
//! worker, in file order (see [`super::fold`]). At most `cap` flows are followed; segments
//! of the others are counted and reported, and only counted for resets and zero windows.

use rustc_hash::FxHashMap as HashMap;

use super::Latency;
use super::conv::{ConvKind, Ep};
use super::fold::{Fold, Pkt};
use super::table::{Cell, Table, nanos_between};
use crate::dissect::View;
use crate::layers::LayerKind;

/// Segments remembered per direction of a flow, to find retransmissions.
pub const RECENT: usize = 8;

const FIN: u16 = 0x01;
const SYN: u16 = 0x02;
const RST: u16 = 0x04;
const ACK: u16 = 0x10;

#[derive(Debug, Clone, Default)]
struct Flow {
    syn: Option<((i64, u32), bool)>,
    synack: bool,
    done: bool,
    recent: [[(u32, u32); RECENT]; 2],
    next: [usize; 2],
    filled: [usize; 2],
}

/// TCP counts.
#[derive(Debug, Clone)]
pub struct TcpStats {
    cap: usize,
    flows: HashMap<(Ep, Ep), Flow>,
    segments: u64,
    handshakes: u64,
    resets: u64,
    retransmissions: u64,
    zero_windows: u64,
    untracked: u64,
    times: Latency,
}

impl TcpStats {
    /// Empty counts following at most `cap` flows.
    pub fn new(cap: usize) -> TcpStats {
        TcpStats {
            cap,
            flows: HashMap::default(),
            segments: 0,
            handshakes: 0,
            resets: 0,
            retransmissions: 0,
            zero_windows: 0,
            untracked: 0,
            times: Latency::default(),
        }
    }

    /// The tables `tcp` (one row of counts) and `tcp_synack_times`.
    pub fn tables(&self) -> Vec<Table> {
        let mut t = Table::new(
            "tcp",
            "TCP",
            &[
                "segments",
                "flows",
                "handshakes_completed",
                "resets",
                "retransmissions",
                "zero_windows",
            ],
        );
        t.rows.push(vec![
            Cell::Int(self.segments),
            Cell::Int(self.flows.len() as u64),
            Cell::Int(self.handshakes),
            Cell::Int(self.resets),
            Cell::Int(self.retransmissions),
            Cell::Int(self.zero_windows),
        ]);
        if self.untracked > 0 {
            t.not_shown = vec![("segments_of_flows_not_followed", Cell::Int(self.untracked))];
        }
        vec![
            t,
            self.times
                .table("tcp_synack_times", "TCP SYN to SYN-ACK Times"),
        ]
    }
}

/// Bytes of TCP payload in the packet (on the wire, when the capture cut it).
fn payload_len(p: &Pkt<'_, '_>) -> Option<u32> {
    let layers = p.d.layers();
    let (i, l) = layers
        .iter()
        .enumerate()
        .find(|(_, l)| l.kind == LayerKind::TCP)?;
    let View::Tcp(t) = l.view else {
        return None;
    };
    let start = l.offset + usize::from(t.dataofs()) * 4;
    let end = layers
        .iter()
        .skip(i + 1)
        .find(|l| matches!(l.view, View::Padding(_)))
        .map_or_else(
            || p.d.captured_len() + (p.orig_len as usize).saturating_sub(p.cap_len as usize),
            |l| l.offset,
        );
    u32::try_from(end.saturating_sub(start)).ok()
}

impl Fold for TcpStats {
    fn add(&mut self, p: &Pkt<'_, '_>) {
        let Some(t) = p.d.tcp() else {
            return;
        };
        self.segments += 1;
        let flags = t.flags();
        if flags & RST != 0 {
            self.resets += 1;
        } else if t.window() == 0 {
            self.zero_windows += 1;
        }
        let Some((src, dst)) = ConvKind::Tcp.endpoints(p.d) else {
            return;
        };
        let fwd = src <= dst;
        let key = if fwd { (src, dst) } else { (dst, src) };
        let full = self.flows.len() >= self.cap;
        let f = match self.flows.get_mut(&key) {
            Some(f) => f,
            None if full => {
                self.untracked += 1;
                return;
            }
            None => self.flows.entry(key).or_default(),
        };
        if flags & (SYN | ACK) == SYN && f.syn.is_none() {
            f.syn = Some((p.ts, fwd));
        } else if flags & (SYN | ACK) == SYN | ACK {
            if let Some((t0, dir)) = f.syn.filter(|(_, d)| *d != fwd && !f.synack) {
                let _ = dir;
                f.synack = true;
                let ns = nanos_between(t0, p.ts);
                self.times.add(u64::try_from(ns.max(0)).unwrap_or(u64::MAX));
            }
        } else if flags & (SYN | ACK) == ACK
            && f.synack
            && !f.done
            && f.syn.is_some_and(|(_, d)| d == fwd)
        {
            f.done = true;
            self.handshakes += 1;
        }
        let len =
            payload_len(p).unwrap_or(0) + u32::from(flags & SYN != 0) + u32::from(flags & FIN != 0);
        if len > 0 {
            let d = usize::from(!fwd);
            let seg = (t.seq(), len);
            let (Some(recent), Some(next), Some(filled)) =
                (f.recent.get_mut(d), f.next.get_mut(d), f.filled.get_mut(d))
            else {
                return;
            };
            if recent.iter().take(*filled).any(|s| *s == seg) {
                self.retransmissions += 1;
            } else if let Some(slot) = recent.get_mut(*next) {
                *slot = seg;
                *next = (*next + 1) % RECENT;
                *filled = (*filled + 1).min(RECENT);
            }
        }
    }

    /// Folded in one thread (order matters), so there is never a second table to merge;
    /// counts are added all the same.
    fn merge(&mut self, o: TcpStats) {
        self.segments += o.segments;
        self.handshakes += o.handshakes;
        self.resets += o.resets;
        self.retransmissions += o.retransmissions;
        self.zero_windows += o.zero_windows;
        self.untracked += o.untracked;
        for (k, v) in o.flows {
            self.flows.entry(k).or_insert(v);
        }
        self.times.merge(&o.times);
    }
}
