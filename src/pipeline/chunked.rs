//! Reading a mapped pcap or pcapng file in parallel chunks: the pipeline's fast path.
//!
//! With one reader thread handing packets to dissecting threads, the reader's walk over the
//! record headers is the bottleneck: each header says where the next one is, so the walk
//! waits for memory at every record and pulls the whole file through one core
//! (`perf record` on `read --count` over the 2M-packet workload: the walk took a whole core,
//! the dissecting threads waited for it). Here every worker takes the next 1 MiB chunk of
//! the file, finds its records, dissects and formats them, so each core reads its own part
//! of the file once, while it is in its cache.
//!
//! Records carry no marker, so a worker guesses where the first record (pcap) or block
//! (pcapng) of its chunk starts ([`CaptureReader::resync`]) and reads from there with the
//! reader state of the file's first packet (pcapng interfaces). The guess is checked before
//! anything is printed: chunks are linked in file order, and chunk `k` is accepted only if
//! it started exactly where chunk `k - 1` ended and with the same reader state
//! ([`CaptureReader::state_version`]: interfaces and sections only accumulate); otherwise
//! it is read again from there with the reader that read chunk `k - 1`. The packets, their
//! link types, numbers, the error that ends a damaged file and `-c` are therefore exactly
//! those of reading the file from the start, whatever the guess. (A pcapng file that
//! describes new interfaces after its first packet is read correctly but, from there on,
//! one chunk at a time.)

use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, mpsc};

use crate::capture::{CaptureReader, MappedFile};

use super::{Batch, BatchBytes, Done, Error, Options, Rec, Work, format_batch, write_in_order};

/// Bytes per chunk: a chunk's packets are dissected right after its records are found,
/// while they are still in the core's cache (2 MiB of L2 per core here).
const CHUNK: usize = 1 << 20;

/// How the chunks linked so far end.
struct Chain {
    /// The next chunk to link.
    next: usize,
    /// The reader that read the last chunk linked, stopped where that chunk ends: where the
    /// next chunk's first record starts, and the reader state there.
    walker: CaptureReader,
    /// Packets in the chunks linked so far.
    packets: u64,
    /// Time of the last packet linked (the previous packet of the next chunk's first).
    last_ts: Option<(i64, u32)>,
    /// An error, `-c` or a failed output ended the file: no more chunks are linked.
    stopped: bool,
    /// The error that ended the file early.
    failure: Option<Error>,
}

/// The records of one chunk.
struct Walk {
    start: usize,
    end: usize,
    error: Option<crate::capture::CaptureError>,
}

/// Reads the records that `r` finds before offset `hi` into `recs`, as a reader from the
/// start of the file would; `r` stops where it stopped.
fn walk(r: &mut CaptureReader, hi: usize, recs: &mut Vec<Rec>) -> Walk {
    recs.clear();
    let start = r.bytes_read() as usize;
    let mut error = None;
    while (r.bytes_read() as usize) < hi {
        match r.next_packet() {
            None => break,
            // Numbered once the chunk is linked.
            Some(Ok(p)) => {
                let mut rec = Rec::of(&p, usize::try_from(p.offset).unwrap_or(usize::MAX), 0);
                if let Some(prev) = recs.last() {
                    rec.prev_ts = (prev.ts_sec, prev.ts_nsec);
                }
                recs.push(rec);
            }
            Some(Err(e)) => {
                error = Some(e);
                break;
            }
        }
    }
    let end = r.bytes_read() as usize;
    Walk { start, end, error }
}

/// What the worker threads share.
struct Shared<'a> {
    map: MappedFile,
    first: usize,
    /// The reader state speculative walks start with, and its version.
    base_version: (usize, u32),
    limit: Option<u64>,
    shown: &'a str,
    work: &'a Work<'a>,
    /// Time of the file's first packet (`frame.time_relative`).
    first_ts: Option<(i64, u32)>,
    next_chunk: AtomicUsize,
    chain: Mutex<Chain>,
    linked: Condvar,
}

impl Shared<'_> {
    /// One worker; `base` is its own reader with the state speculative walks start from
    /// (readers are not shared between threads).
    fn worker(&self, base: &CaptureReader, tx: &mpsc::SyncSender<Done>) {
        let len = self.map.bytes().len();
        let mut recs: Vec<Rec> = Vec::with_capacity(4096);
        loop {
            let k = self.next_chunk.fetch_add(1, Ordering::Relaxed);
            let lo = k.saturating_mul(CHUNK).max(self.first);
            if lo >= len {
                break;
            }
            let hi = k.saturating_add(1).saturating_mul(CHUNK);
            // Chunk 0 starts at the first record, read by the chain's own reader.
            let guess = if k == 0 { None } else { base.resync(lo, hi) };
            let mut spec = guess.and_then(|s| base.fork_at(s)).map(|mut r| {
                let w = walk(&mut r, hi, &mut recs);
                (w, r)
            });
            // Link the chunk after the one before it.
            let Ok(mut chain) = self.chain.lock() else {
                break;
            };
            while chain.next != k && !chain.stopped {
                chain = match self.linked.wait(chain) {
                    Ok(c) => c,
                    Err(_) => return,
                };
            }
            if chain.stopped {
                break;
            }
            let expected = chain.walker.bytes_read() as usize;
            let same_state = chain.walker.state_version() == self.base_version;
            let w = match spec.take() {
                Some((w, r)) if same_state && w.start == expected => {
                    chain.walker = r;
                    w
                }
                // A wrong guess (or none): read the chunk on from where the last one ended.
                _ => walk(&mut chain.walker, hi, &mut recs),
            };
            let base = chain.packets;
            if let Some(l) = self.limit {
                let room = usize::try_from(l.saturating_sub(base)).unwrap_or(usize::MAX);
                if recs.len() >= room {
                    recs.truncate(room);
                    chain.stopped = true;
                }
            }
            chain.packets = base + recs.len() as u64;
            if let (Some(r0), Some(t)) = (recs.first_mut(), chain.last_ts) {
                r0.prev_ts = t;
            }
            if let Some(last) = recs.last() {
                chain.last_ts = Some((last.ts_sec, last.ts_nsec));
            }
            chain.next = k + 1;
            if let Some(e) = w.error.filter(|_| !chain.stopped) {
                chain.failure = Some(Error::Source {
                    name: self.shown.to_string(),
                    packets: chain.packets,
                    error: e,
                });
                chain.stopped = true;
            }
            drop(chain);
            self.linked.notify_all();
            for (i, r) in recs.iter_mut().enumerate() {
                r.number = base + 1 + i as u64;
            }
            let batch = Batch {
                seq: k as u64,
                data: BatchBytes::Mapped(self.map.clone()),
                recs: std::mem::take(&mut recs),
                end: w.end as u64,
                first_ts: self.first_ts,
                flush: false,
            };
            let text = format_batch(&batch, self.work);
            recs = batch.recs;
            if tx.send((batch.seq, text, batch.end)).is_err() {
                break;
            }
        }
    }

    /// Ends the chain (the output failed): workers stop taking chunks.
    fn stop(&self) {
        if let Ok(mut c) = self.chain.lock() {
            c.stopped = true;
        }
        self.linked.notify_all();
    }
}

/// Reads `reader` (a mapped file) in parallel chunks, writing to `out` in file order;
/// returns the packets read, those that passed the filter, and the error that ended the
/// file early, if one did.
pub(super) fn run(
    reader: &CaptureReader,
    map: MappedFile,
    shown: &str,
    opts: &Options<'_>,
    work: &Work<'_>,
    out: &mut dyn Write,
) -> Result<(u64, u64, Option<Error>), Error> {
    let (workers, limit) = (opts.workers.max(1), opts.limit);
    let first = reader.bytes_read() as usize;
    let fork = || reader.fork_at(first).ok_or(Error::Thread("chunk reader"));
    let walker = fork()?;
    // The state after the file's first packet (for pcapng: its interfaces).
    let mut base = fork()?;
    let first_ts = match base.next_packet() {
        Some(Ok(p)) => Some((p.ts_sec, p.ts_nsec)),
        _ => None,
    };
    let base_version = base.state_version();
    let shared = Shared {
        map: map.clone(),
        first,
        base_version,
        limit,
        shown,
        work,
        first_ts,
        next_chunk: AtomicUsize::new(0),
        chain: Mutex::new(Chain {
            next: 0,
            walker,
            packets: 0,
            last_ts: None,
            stopped: limit == Some(0),
            failure: None,
        }),
        linked: Condvar::new(),
    };
    let (tx, rx) = mpsc::sync_channel::<Done>(workers * 2);
    let result = std::thread::scope(|scope| -> Result<u64, Error> {
        for _ in 0..workers {
            let tx = tx.clone();
            let shared = &shared;
            let Some(own) = base.fork_at(0) else {
                break;
            };
            scope.spawn(move || shared.worker(&own, &tx));
        }
        drop(tx);
        write_in_order(rx, out, Some(&map), opts.progress, || shared.stop())
    });
    let matched = result?;
    let chain = shared
        .chain
        .into_inner()
        .map_err(|_| Error::Thread("reading"))?;
    Ok((chain.packets, matched, chain.failure))
}
