//! A generic, order-independent fold over the packets of a capture, in parallel chunks of a
//! mapped file.
//!
//! Every statistic is a [`Fold`]: a partial table that takes packets ([`Fold::add`]) and
//! absorbs another partial table ([`Fold::merge`]). [`fold_capture`] splits a mapped pcap or
//! pcapng file into 1 MiB chunks, as `pktforge read` does (`src/cli/read/chunked.rs`): each
//! worker thread takes the next chunk, guesses where its first record starts
//! ([`CaptureReader::resync`]), reads the chunk's records with a reader forked at the guess
//! ([`CaptureReader::fork_at`]) in the state the file's first packet was read with, and only
//! then links the chunk after the previous one: the guess is accepted only if it is exactly
//! where the previous chunk's records ended and the reader state is the same
//! ([`CaptureReader::state_version`]); otherwise the chunk is read again from where the
//! previous one ended, with the reader that read it. So the packets, their numbers, the
//! times a filter sees (`frame.time_relative`, `frame.time_delta`) and the error that ends a
//! damaged file are those of reading the file from its start, whatever the guesses. Once
//! linked, the worker filters, dissects and folds the chunk's packets into its own partial
//! table; the partial tables are merged at the end, in whatever order the workers finish,
//! which is why a [`Fold`] must not depend on the order of its packets.
//!
//! Statistics that need the packets of a flow in order (TCP retransmissions, SYN to SYN-ACK
//! times, DNS query to response times) are folded with one worker ([`FoldConfig::workers`]
//! = 1): that worker takes the chunks in file order, so its single partial table sees every
//! packet in file order and nothing is merged. Streams (standard input, gzip files) are read
//! in one thread in order too.
//!
//! Memory: a chunk's records are a few thousand small entries; the pages of a mapped chunk
//! are released ([`MappedFile::release`]) once it is folded, so resident memory is the
//! partial tables plus the chunks in flight, not the file size.

use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};

use crate::capture::{CaptureError, CaptureReader, LinkTypeNumber, MappedFile, RawPacket};
use crate::dissect::{Dissection, dissect_frame, dissect_frame_through};
use crate::filter::Filter;
use crate::layers::LayerKind;
use crate::output::FrameMeta;
use crate::packet::LinkType;

/// Bytes per chunk (as `read`'s): a chunk is folded while it is still in the core's cache.
const CHUNK: usize = 1 << 20;

/// One packet as a statistic sees it: its record and its dissection.
#[derive(Debug, Clone, Copy)]
pub struct Pkt<'p, 'a> {
    /// Frame number, from 1, counted over all files folded (`frame.number`).
    pub number: u64,
    /// Seconds and nanoseconds since the Unix epoch.
    pub ts: (i64, u32),
    /// Time of the capture's first frame (of the first file folded): relative times start
    /// there.
    pub start: (i64, u32),
    /// Length on the wire (`frame.len`).
    pub orig_len: u32,
    /// Bytes captured (`frame.cap_len`).
    pub cap_len: u32,
    /// The record's link type.
    pub link: LinkTypeNumber,
    /// The fast dissection of the captured bytes.
    pub d: &'p Dissection<'a>,
}

/// A statistic's partial table.
pub trait Fold: Send {
    /// Counts one packet.
    fn add(&mut self, p: &Pkt<'_, '_>);
    /// Absorbs another partial table of the same capture (made from other packets). Must
    /// give the same result whatever order partial tables are merged in.
    fn merge(&mut self, other: Self)
    where
        Self: Sized;
}

/// How to fold a capture.
#[derive(Debug, Clone, Copy)]
pub struct FoldConfig<'f> {
    /// Worker threads for a mapped file; 1 folds every packet in file order in one table.
    pub workers: usize,
    /// Only packets that pass it are folded.
    pub filter: Option<&'f Filter>,
    /// Packets of the files folded before this one: this file's first is number `+ 1`.
    pub numbers_before: u64,
    /// Time of the first packet of the first file folded (for `frame.time_relative` in
    /// filters), if an earlier file had one.
    pub first_ts: Option<(i64, u32)>,
    /// Time of the last packet of the previous file (`frame.time_delta` of this file's first).
    pub prev_ts: Option<(i64, u32)>,
    /// Dissect no further than the first layer of this kind ([`dissect_frame_through`]):
    /// for statistics that read nothing past it ([`Want::through`](super::Want::through)).
    /// Packets a filter dissected are dissected whole.
    pub through: Option<LayerKind>,
}

impl Default for FoldConfig<'_> {
    fn default() -> Self {
        FoldConfig {
            workers: 1,
            filter: None,
            numbers_before: 0,
            first_ts: None,
            prev_ts: None,
            through: None,
        }
    }
}

/// What [`fold_capture`] made of a file.
#[derive(Debug)]
pub struct Folded<T> {
    /// The merged table.
    pub value: T,
    /// Packets read (before the filter).
    pub packets: u64,
    /// Packets that passed the filter (and were folded).
    pub matched: u64,
    /// Time of the first packet read, if any.
    pub first_ts: Option<(i64, u32)>,
    /// Time of the last packet read, if any.
    pub last_ts: Option<(i64, u32)>,
    /// The error that ended the file before its end; the packets before it were folded.
    pub error: Option<CaptureError>,
}

/// A record found in a chunk: where its bytes are in the mapping, and its header.
#[derive(Debug, Clone, Copy)]
struct Rec {
    start: usize,
    len: usize,
    ts: (i64, u32),
    orig_len: u32,
    link: LinkTypeNumber,
}

impl Rec {
    fn of(p: &RawPacket<'_>) -> Rec {
        Rec {
            start: usize::try_from(p.offset).unwrap_or(usize::MAX),
            len: p.data.len(),
            ts: (p.ts_sec, p.ts_nsec),
            orig_len: p.orig_len,
            link: p.link,
        }
    }
}

/// Folds one packet (filtering it first) into `t`; true when it passed.
#[allow(clippy::too_many_arguments)]
fn step<'a, T: Fold>(
    t: &mut T,
    d: &mut Dissection<'a>,
    cfg: &FoldConfig<'_>,
    number: u64,
    r: &Rec,
    data: &'a [u8],
    first_ts: (i64, u32),
    prev_ts: (i64, u32),
) -> bool {
    let meta = FrameMeta {
        number,
        ts_sec: r.ts.0,
        ts_nsec: r.ts.1,
        orig_len: r.orig_len,
        cap_len: u32::try_from(data.len()).unwrap_or(u32::MAX),
    };
    let mut dissected = false;
    if let Some(f) = cfg.filter {
        let (ok, made) = f.matches_frame(r.link.0, &meta, data, (first_ts, prev_ts), d);
        if !ok {
            return false;
        }
        dissected = made;
    }
    if !dissected {
        let link = LinkType::from_pcap(r.link.0);
        match cfg.through {
            Some(last) => dissect_frame_through(link, data, r.orig_len as usize, last, d),
            None => dissect_frame(link, data, r.orig_len as usize, d),
        }
    }
    t.add(&Pkt {
        number,
        ts: r.ts,
        start: first_ts,
        orig_len: r.orig_len,
        cap_len: meta.cap_len,
        link: r.link,
        d,
    });
    true
}

/// Folds every packet of `reader` into tables made by `make`: in parallel chunks when the
/// reader maps a file and `cfg.workers > 1`, else in one thread in file order. A damaged
/// file ends with [`Folded::error`]; what came before it is folded.
pub fn fold_capture<T: Fold>(
    reader: CaptureReader,
    cfg: &FoldConfig<'_>,
    make: &(dyn Fn() -> T + Sync),
) -> Folded<T> {
    match reader.mapped().cloned() {
        Some(map) if cfg.workers > 1 => fold_chunked(&reader, map, cfg, make),
        _ => fold_stream(reader, cfg, make),
    }
}

/// One thread, packets in order.
fn fold_stream<T: Fold>(
    mut reader: CaptureReader,
    cfg: &FoldConfig<'_>,
    make: &(dyn Fn() -> T + Sync),
) -> Folded<T> {
    let mut t = make();
    let mut keep: Dissection<'static> = Dissection::new();
    let (mut packets, mut matched) = (0u64, 0u64);
    let mut first: Option<(i64, u32)> = None;
    let mut last: Option<(i64, u32)> = None;
    let mut error = None;
    // Pages of a mapped file read in one thread are released as it goes.
    let map = reader.mapped().cloned();
    let mapped: &[u8] = map.as_ref().map_or(&[], |m| m.bytes());
    let mut md = Dissection::new();
    let mut released = 0usize;
    loop {
        let p = match reader.next_packet() {
            None => break,
            Some(Err(e)) => {
                error = Some(e);
                break;
            }
            Some(Ok(p)) => p,
        };
        packets += 1;
        let r = Rec::of(&p);
        let file_first = *first.get_or_insert(r.ts);
        let first_ts = cfg.first_ts.unwrap_or(file_first);
        let prev_ts = last.or(cfg.prev_ts).unwrap_or(r.ts);
        last = Some(r.ts);
        let number = cfg.numbers_before + packets;
        let passed = match mapped.get(r.start..r.start.saturating_add(r.len)) {
            // Packets of a mapped file live as long as the mapping: one dissection serves
            // them all, without moving it from packet to packet.
            Some(data) if map.is_some() => {
                step(&mut t, &mut md, cfg, number, &r, data, first_ts, prev_ts)
            }
            _ => {
                let mut d = keep.recycle();
                let ok = step(&mut t, &mut d, cfg, number, &r, p.data, first_ts, prev_ts);
                keep = d.recycle();
                ok
            }
        };
        matched += u64::from(passed);
        if let Some(m) = &map {
            let at = r.start;
            if at >= released + CHUNK * 8 {
                m.release(released..at);
                released = at;
            }
        }
    }
    Folded {
        value: t,
        packets,
        matched,
        first_ts: first,
        last_ts: last,
        error,
    }
}

/// How the chunks linked so far end.
struct Chain {
    /// The next chunk to link.
    next: usize,
    /// The reader that read the last chunk linked, stopped where that chunk ends.
    walker: CaptureReader,
    /// Packets in the chunks linked so far.
    packets: u64,
    /// Time of the last packet linked.
    last_ts: Option<(i64, u32)>,
    /// An error ended the file: no more chunks are linked.
    stopped: bool,
    /// That error.
    error: Option<CaptureError>,
}

/// The records that `r` finds before offset `hi`, into `recs`; `r` stops where it stopped.
/// Returns where the walk started and the error that stopped it.
fn walk(r: &mut CaptureReader, hi: usize, recs: &mut Vec<Rec>) -> (usize, Option<CaptureError>) {
    recs.clear();
    let start = usize::try_from(r.bytes_read()).unwrap_or(usize::MAX);
    while usize::try_from(r.bytes_read()).unwrap_or(usize::MAX) < hi {
        match r.next_packet() {
            None => break,
            Some(Ok(p)) => recs.push(Rec::of(&p)),
            Some(Err(e)) => return (start, Some(e)),
        }
    }
    (start, None)
}

/// What the workers share.
struct Shared<'c> {
    map: MappedFile,
    first: usize,
    base_version: (usize, u32),
    cfg: &'c FoldConfig<'c>,
    first_ts: Option<(i64, u32)>,
    next_chunk: AtomicUsize,
    chain: Mutex<Chain>,
    linked: Condvar,
    released: Mutex<Released>,
}

/// The chunks folded: pages are released in runs of whole chunks below the lowest chunk
/// still being folded, [`RELEASE`] bytes at a time, not one `madvise` per chunk (each
/// release flushes the page tables of the other cores too: `perf record` put 1.6-2.4% of the
/// CPU time in those flushes with one per chunk).
#[derive(Default)]
struct Released {
    /// Chunks below this one are all folded.
    low: usize,
    /// The chunks at or above `low` already folded, with their records' span (none: the
    /// chunk had no record).
    ahead: std::collections::BTreeMap<usize, Option<Range<usize>>>,
    /// Where the folded bytes not yet released begin (a record start), if known.
    from: Option<usize>,
    /// Where the records of the chunks below `low` end.
    to: usize,
}

/// Bytes released at once (see [`Released`]).
const RELEASE: usize = 16 * CHUNK;

impl Shared<'_> {
    /// Chunk `k`, whose records span `span` (none: it had none), is folded: release what
    /// can be released.
    fn done(&self, k: usize, span: Option<Range<usize>>) {
        let Ok(mut r) = self.released.lock() else {
            return;
        };
        r.ahead.insert(k, span);
        while let Some(span) = {
            let low = r.low;
            r.ahead.remove(&low)
        } {
            if let Some(sp) = span {
                r.from = r.from.or(Some(sp.start));
                r.to = r.to.max(sp.end);
            }
            r.low += 1;
        }
        if let Some(from) = r.from.filter(|f| r.to >= f.saturating_add(RELEASE)) {
            let to = r.to;
            self.map.release(from..to);
            r.from = Some(to);
        }
    }

    /// One worker: takes chunks until the file ends, folding them into `t`; returns how many
    /// of its packets passed the filter.
    fn worker<T: Fold>(&self, base: &CaptureReader, t: &mut T) -> u64 {
        let mut matched = 0u64;
        let bytes = self.map.bytes();
        let len = bytes.len();
        let mut recs: Vec<Rec> = Vec::with_capacity(8192);
        // The chunks' bytes live as long as the mapping: one dissection serves them all.
        let mut d = Dissection::new();
        loop {
            let k = self.next_chunk.fetch_add(1, Ordering::Relaxed);
            let lo = k.saturating_mul(CHUNK).max(self.first);
            if lo >= len {
                break;
            }
            let hi = k.saturating_add(1).saturating_mul(CHUNK);
            // The chunk's pages in one system call, not a fault every few pages (a record
            // that runs past the chunk's end faults in the rest as it is read).
            self.map.populate(lo..hi);
            // Chunk 0 starts at the first record, read by the chain's own reader.
            let guess = if k == 0 { None } else { base.resync(lo, hi) };
            let mut spec = guess.and_then(|s| base.fork_at(s)).map(|mut r| {
                let w = walk(&mut r, hi, &mut recs);
                (w, r)
            });
            let Ok(mut chain) = self.chain.lock() else {
                break;
            };
            while chain.next != k && !chain.stopped {
                chain = match self.linked.wait(chain) {
                    Ok(c) => c,
                    Err(_) => return matched,
                };
            }
            if chain.stopped {
                break;
            }
            let expected = usize::try_from(chain.walker.bytes_read()).unwrap_or(usize::MAX);
            let same_state = chain.walker.state_version() == self.base_version;
            let (_, error) = match spec.take() {
                Some((w, r)) if same_state && w.0 == expected => {
                    chain.walker = r;
                    w
                }
                // A wrong guess (or none): read the chunk on from where the last one ended.
                _ => walk(&mut chain.walker, hi, &mut recs),
            };
            let numbers_before = self.cfg.numbers_before + chain.packets;
            let prev_ts = chain.last_ts.or(self.cfg.prev_ts);
            chain.packets += recs.len() as u64;
            if let Some(last) = recs.last() {
                chain.last_ts = Some(last.ts);
            }
            chain.next = k + 1;
            if let Some(e) = error {
                chain.error = Some(e);
                chain.stopped = true;
            }
            drop(chain);
            self.linked.notify_all();
            let first_ts = self.cfg.first_ts.or(self.first_ts);
            let mut prev = prev_ts;
            for (i, r) in recs.iter().enumerate() {
                let data = bytes
                    .get(r.start..r.start.saturating_add(r.len))
                    .unwrap_or(&[]);
                matched += u64::from(step(
                    t,
                    &mut d,
                    self.cfg,
                    numbers_before + 1 + i as u64,
                    r,
                    data,
                    first_ts.unwrap_or(r.ts),
                    prev.unwrap_or(r.ts),
                ));
                prev = Some(r.ts);
            }
            let span = match (recs.first(), recs.last()) {
                (Some(a), Some(b)) => Some(a.start..b.start.saturating_add(b.len)),
                _ => None,
            };
            self.done(k, span);
        }
        matched
    }
}

/// Parallel chunks of a mapped file.
fn fold_chunked<T: Fold>(
    reader: &CaptureReader,
    map: MappedFile,
    cfg: &FoldConfig<'_>,
    make: &(dyn Fn() -> T + Sync),
) -> Folded<T> {
    let first = usize::try_from(reader.bytes_read()).unwrap_or(usize::MAX);
    let (Some(walker), Some(mut base)) = (reader.fork_at(first), reader.fork_at(first)) else {
        return fold_stream_from(reader, cfg, make);
    };
    // The state after the file's first packet (for pcapng: its interfaces).
    let first_ts = match base.next_packet() {
        Some(Ok(p)) => Some((p.ts_sec, p.ts_nsec)),
        _ => None,
    };
    let base_version = base.state_version();
    let shared = Shared {
        map,
        first,
        base_version,
        cfg,
        first_ts,
        next_chunk: AtomicUsize::new(0),
        chain: Mutex::new(Chain {
            next: 0,
            walker,
            packets: 0,
            last_ts: None,
            stopped: false,
            error: None,
        }),
        linked: Condvar::new(),
        released: Mutex::new(Released::default()),
    };
    let mut tables: Vec<T> = Vec::new();
    let mut matched = 0u64;
    std::thread::scope(|scope| {
        let mut handles = Vec::new();
        for _ in 0..cfg.workers.max(1) {
            let Some(own) = base.fork_at(0) else {
                break;
            };
            let shared = &shared;
            handles.push(scope.spawn(move || {
                let mut t = make();
                let n = shared.worker(&own, &mut t);
                (t, n)
            }));
        }
        for h in handles {
            // A worker that panicked lost its table: the result would be wrong, so the
            // panic goes on.
            match h.join() {
                Ok((t, n)) => {
                    tables.push(t);
                    matched += n;
                }
                Err(e) => std::panic::resume_unwind(e),
            }
        }
    });
    let mut value = make();
    for t in tables {
        value.merge(t);
    }
    let (packets, last_ts, error) = match shared.chain.into_inner() {
        Ok(c) => (c.packets, c.last_ts, c.error),
        Err(p) => {
            let c = p.into_inner();
            (c.packets, c.last_ts, c.error)
        }
    };
    Folded {
        value,
        packets,
        matched,
        first_ts: if packets > 0 { first_ts } else { None },
        last_ts,
        error,
    }
}

/// A mapped reader that cannot be forked (it always can): read it in one thread.
fn fold_stream_from<T: Fold>(
    reader: &CaptureReader,
    cfg: &FoldConfig<'_>,
    make: &(dyn Fn() -> T + Sync),
) -> Folded<T> {
    match reader.fork_at(usize::try_from(reader.bytes_read()).unwrap_or(usize::MAX)) {
        Some(r) => fold_stream(r, cfg, make),
        None => Folded {
            value: make(),
            packets: 0,
            matched: 0,
            first_ts: None,
            last_ts: None,
            error: None,
        },
    }
}
