//! Reading a mapped classic pcap file in parallel chunks.
//!
//! With one reader thread handing packets to dissecting threads, the reader's walk over the
//! record headers is the bottleneck: each header says where the next one is, so the walk
//! waits for memory at every record and pulls the whole file through one core
//! (`perf record` on `read --count` over the 2M-packet workload: the walk took a whole core,
//! the dissecting threads waited for it). Here every worker takes the next 1 MiB chunk of
//! the file, finds its records, dissects and formats them, so each core reads its own part
//! of the file once, while it is in its cache.
//!
//! Records carry no marker, so a worker guesses where the first record of its chunk starts
//! ([`CaptureReader::resync_pcap`]). The guess is checked before anything is printed:
//! chunks are linked in file order, and chunk `k` is accepted only if its first record
//! starts exactly where the last record of chunk `k - 1` ended; otherwise it is read again
//! from there. The packets, their numbers, the error that ends a damaged file and `-c` are
//! therefore exactly those of reading the file from the start, whatever the guess.

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, mpsc};

use crate::capture::{CaptureReader, MappedFile};
use crate::cli::{CliError, CliResult};

use super::{Args, Batch, BatchBytes, Format, RELEASE_STEP, Rec, format_batch};

/// Bytes per chunk: a chunk's packets are dissected right after its records are found,
/// while they are still in the core's cache (2 MiB of L2 per core here).
const CHUNK: usize = 1 << 20;

/// How the chunks linked so far end.
struct Chain {
    /// The next chunk to link.
    next: usize,
    /// Where that chunk's first record starts: the end of the last record linked.
    expected: usize,
    /// Packets in the chunks linked so far.
    packets: u64,
    /// An error, `-c` or a failed output ended the file: no more chunks are linked.
    stopped: bool,
    /// The error that ended the file early.
    failure: Option<CliError>,
}

/// The records of one chunk.
struct Walk {
    start: usize,
    end: usize,
    error: Option<crate::capture::CaptureError>,
}

/// Reads the records starting in `start..hi` into `recs`, as a reader from the start of
/// the file would.
fn walk(reader: &CaptureReader, start: usize, hi: usize, recs: &mut Vec<Rec>) -> Walk {
    recs.clear();
    let Some(mut r) = reader.pcap_reader_at(start) else {
        return Walk {
            start,
            end: start,
            error: None,
        };
    };
    let mut error = None;
    while (r.bytes_read() as usize) < hi {
        match r.next_packet() {
            None => break,
            Some(Ok(p)) => recs.push(Rec {
                start: usize::try_from(p.offset).unwrap_or(usize::MAX),
                len: p.data.len(),
                number: 0,
                ts_sec: p.ts_sec,
                ts_nsec: p.ts_nsec,
                orig_len: p.orig_len,
                caplen: p.caplen,
                link: p.link,
            }),
            Some(Err(e)) => {
                error = Some(e);
                break;
            }
        }
    }
    Walk {
        start,
        end: r.bytes_read() as usize,
        error,
    }
}

/// What the worker threads share.
struct Shared<'a> {
    map: MappedFile,
    first: usize,
    limit: Option<u64>,
    shown: &'a str,
    fmt: Format,
    next_chunk: AtomicUsize,
    chain: Mutex<Chain>,
    linked: Condvar,
}

impl Shared<'_> {
    /// One worker; `reader` is its own reader over the mapping (readers are not shared).
    fn worker(&self, reader: &CaptureReader, tx: &mpsc::SyncSender<(u64, Vec<u8>, u64)>) {
        let len = self.map.bytes().len();
        let mut recs: Vec<Rec> = Vec::with_capacity(4096);
        loop {
            let k = self.next_chunk.fetch_add(1, Ordering::Relaxed);
            let lo = k.saturating_mul(CHUNK).max(self.first);
            if lo >= len {
                break;
            }
            let hi = k.saturating_add(1).saturating_mul(CHUNK);
            let guess = if k == 0 {
                Some(self.first)
            } else {
                reader.resync_pcap(lo, hi)
            };
            let mut w = guess.map(|s| walk(reader, s, hi, &mut recs));
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
            let w = match w.take() {
                Some(w) if w.start == chain.expected => w,
                // A wrong guess (or none): read the chunk from where its first record is.
                _ => walk(reader, chain.expected, hi, &mut recs),
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
            chain.expected = w.end;
            chain.next = k + 1;
            if let Some(e) = w.error.filter(|_| !chain.stopped) {
                chain.failure = Some(CliError::Runtime(format!(
                    "warning: {}: {e}; the {} packets before it were read",
                    self.shown, chain.packets
                )));
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
            };
            let text = format_batch(&batch, &self.fmt);
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

/// Reads `reader` (a mapped classic pcap) in parallel chunks; returns the packets read and
/// the error that ended the file early, if one did.
pub(super) fn run(
    reader: &CaptureReader,
    map: MappedFile,
    a: &Args,
    shown: &str,
    fmt: Format,
    out: &mut dyn Write,
    progress: Option<&indicatif::ProgressBar>,
) -> Result<(u64, Option<CliError>), CliError> {
    let (workers, limit) = (a.workers(), a.limit);
    let first = reader.bytes_read() as usize;
    let shared = Shared {
        map: map.clone(),
        first,
        limit,
        shown,
        fmt,
        next_chunk: AtomicUsize::new(0),
        chain: Mutex::new(Chain {
            next: 0,
            expected: first,
            packets: 0,
            stopped: limit == Some(0),
            failure: None,
        }),
        linked: Condvar::new(),
    };
    let (tx, rx) = mpsc::sync_channel::<(u64, Vec<u8>, u64)>(workers * 2);
    let result = std::thread::scope(|scope| -> CliResult {
        for _ in 0..workers {
            let tx = tx.clone();
            let shared = &shared;
            let Some(own) = reader.pcap_reader_at(first) else {
                break;
            };
            scope.spawn(move || shared.worker(&own, &tx));
        }
        drop(tx);
        let mut pending: BTreeMap<u64, (Vec<u8>, u64)> = BTreeMap::new();
        let mut next_seq = 0u64;
        let mut released = 0u64;
        let mut result: CliResult = Ok(());
        for (seq, text, end) in rx.iter() {
            pending.insert(seq, (text, end));
            while let Some((text, end)) = pending.remove(&next_seq) {
                next_seq += 1;
                if end >= released + RELEASE_STEP {
                    map.release(released as usize..end as usize);
                    released = end;
                }
                if let Some(pb) = progress {
                    pb.set_position(end);
                }
                if result.is_ok() {
                    if let Err(e) = out.write_all(&text) {
                        result = Err(CliError::from(e));
                        shared.stop();
                    }
                }
            }
        }
        result
    });
    result?;
    let chain = shared
        .chain
        .into_inner()
        .map_err(|_| CliError::Runtime("error: a reading thread failed".into()))?;
    Ok((chain.packets, chain.failure))
}
