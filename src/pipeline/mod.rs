//! The read pipeline: packets from any [`PacketSource`] through the filter, the fast
//! dissector and one of the [output formats](crate::output), written in source order.
//! `pktforge read` is this over a file (or several, merged: [`crate::capture::MergeSource`]);
//! `sniff` and `stats` take the same pieces over other sources.
//!
//! Two ways through a source, with the same output:
//!
//! - A mapped pcap or pcapng file ([`FileSource`](crate::capture::FileSource) over
//!   [`CaptureReader::open_mapped`]), with no `-w` and no filter that must count in order,
//!   is read in parallel 1 MiB chunks, each worker finding, dissecting and formatting its
//!   chunk's packets (`chunked.rs`); pages already printed are released, so resident memory
//!   stays bounded.
//! - Every other source is streamed by a reader thread into batches (2048 packets or 1 MiB)
//!   that worker threads filter, dissect and format; this thread writes their text in order.
//!   A live source that has nothing ready says so ([`PacketSource::flush_now`]): the batch
//!   is closed there, so what was captured is printed (and `-w` flushed) at once.
//!
//! ```
//! use pktforge::capture::{LinkTypeNumber, MemorySource, OwnedPacket};
//! use pktforge::pipeline::{Options, run};
//! use pktforge::prelude::*;
//!
//! let data = (Ether::new().src("02:00:00:00:00:01").dst("02:00:00:00:00:02")
//!     / IP::new().src("198.18.0.1").dst("198.18.0.2")
//!     / UDP::new().sport(5000).dport(7))
//!     .build()
//!     .unwrap();
//! let packet = |sec| OwnedPacket {
//!     ts_sec: sec, ts_nsec: 0, orig_len: data.len() as u32,
//!     link: LinkTypeNumber::ETHERNET, interface: 0, data: data.clone(),
//! };
//! let mut source = MemorySource::new(vec![packet(1), packet(2)]);
//! let mut out = Vec::new();
//! let summary = run(&mut source, &Options::default(), &mut out).unwrap();
//! assert_eq!(summary.packets, 2);
//! assert_eq!(
//!     String::from_utf8(out).unwrap(),
//!     "00:00:01.000000 IP 198.18.0.1.5000 > 198.18.0.2.7: UDP, length 0\n\
//!      00:00:02.000000 IP 198.18.0.1.5000 > 198.18.0.2.7: UDP, length 0\n"
//! );
//! ```

mod chunked;

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, mpsc};

use crate::capture::{
    CaptureError, CaptureReader, LinkTypeNumber, MappedFile, PacketSource, RawPacket,
};
use crate::dissect::{Dissection, dissect_frame};
use crate::filter::Filter;
use crate::output::{CaptureSink, Format, FrameMeta, PacketRef, SinkError};
use crate::packet::LinkType;

/// How the pipeline runs: the output format, the filter, `-c`, `-w`, threads, progress.
#[derive(Clone, Copy)]
pub struct Options<'a> {
    /// What to write for each packet (set `quiet` with `write` or to count only).
    pub format: Format<'a>,
    /// Keep only the packets that match. With `limit` or `write` the reader thread applies
    /// it, in order, so that `limit` counts matches and `write` writes them.
    pub filter: Option<&'a Filter>,
    /// Stop after this many packets (matching ones, with a filter).
    pub limit: Option<u64>,
    /// Copy the packets to this capture file (pcapng when it ends in `.pcapng`).
    pub write: Option<&'a std::path::Path>,
    /// With `write`: cut each packet to its first N bytes, keeping its original length.
    pub snaplen: Option<u32>,
    /// Threads that dissect and format (at least one).
    pub workers: usize,
    /// Called with how far the source has read, in bytes ([`PacketSource::position`]).
    pub progress: Option<&'a (dyn Fn(u64) + Sync)>,
}

impl Default for Options<'_> {
    /// tcpdump's lines, no filter, two workers.
    fn default() -> Self {
        Options {
            format: Format::default(),
            filter: None,
            limit: None,
            write: None,
            snaplen: None,
            workers: 2,
            progress: None,
        }
    }
}

impl std::fmt::Debug for Options<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Options")
            .field("format", &self.format)
            .field("filter", &self.filter.map(|_| "..."))
            .field("limit", &self.limit)
            .field("write", &self.write)
            .field("snaplen", &self.snaplen)
            .field("workers", &self.workers)
            .finish_non_exhaustive()
    }
}

/// What a run read.
#[derive(Debug)]
pub struct Summary {
    /// Packets read from the source.
    pub packets: u64,
    /// Packets that passed the filter (all of them without one): those written.
    pub matched: u64,
    /// The error that ended the source early, after every packet before it was written
    /// (a record cut short at the end of a file): report it, exit 1.
    pub ended_by: Option<Error>,
}

impl Summary {
    /// What `--count` prints: the packets that passed the filter, or all read.
    pub fn count(&self) -> u64 {
        self.matched
    }
}

/// Why the pipeline stopped.
#[derive(Debug)]
pub enum Error {
    /// The source failed after `packets` packets, all written.
    Source {
        /// The source's name (the file).
        name: String,
        /// Packets read before the failure.
        packets: u64,
        /// What failed.
        error: CaptureError,
    },
    /// The filter cannot run on the source's link type (a usage error).
    Filter {
        /// The source's name.
        name: String,
        /// Why.
        message: String,
    },
    /// The `-w` file failed.
    Sink(SinkError),
    /// Writing the output failed (a closed pipe among others).
    Output(std::io::Error),
    /// A thread of the pipeline died.
    Thread(&'static str),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Source {
                name,
                packets,
                error,
            } => write!(
                f,
                "{name}: {error}; the {packets} packets before it were read"
            ),
            Error::Filter { name, message } => write!(f, "{name}: {message}"),
            Error::Sink(e) => e.fmt(f),
            Error::Output(e) => write!(f, "writing output: {e}"),
            Error::Thread(what) => write!(f, "the {what} thread failed"),
        }
    }
}

impl std::error::Error for Error {}

impl From<SinkError> for Error {
    fn from(e: SinkError) -> Self {
        Error::Sink(e)
    }
}

/// Runs the pipeline over `source`, writing to `out` in source order. Returns what was read,
/// with the error that ended the source early if one did; `Err` for a failure that stopped
/// the output (the filter does not fit the link type, `-w` or `out` failed).
pub fn run(
    source: &mut dyn PacketSource,
    opts: &Options<'_>,
    out: &mut dyn Write,
) -> Result<Summary, Error> {
    let mut header = Vec::new();
    opts.format.write_header(&mut header);
    out.write_all(&header).map_err(Error::Output)?;
    // With a filter, -c counts matches: the reader thread filters, in source order.
    let sequential_filter = opts.filter.is_some() && (opts.limit.is_some() || opts.write.is_some());
    if opts.write.is_none() && !sequential_filter {
        if let Some((reader, map)) = source
            .capture_reader()
            .and_then(|r| r.mapped().cloned().map(|m| (r, m)))
        {
            return run_chunked(reader, map, source.name(), opts, out);
        }
    }
    run_streamed(source, opts, sequential_filter, out)
}

/// A mapped file, read in parallel chunks.
fn run_chunked(
    reader: &CaptureReader,
    map: MappedFile,
    name: &str,
    opts: &Options<'_>,
    out: &mut dyn Write,
) -> Result<Summary, Error> {
    if let (Some(f), Some(link)) = (opts.filter, first_link(reader)) {
        f.check_link(link).map_err(|message| Error::Filter {
            name: name.to_string(),
            message,
        })?;
    }
    let work = Work {
        fmt: opts.format,
        filter: opts.filter,
        prefiltered: false,
    };
    let (packets, matched, ended_by) = chunked::run(reader, map, name, opts, &work, out)?;
    Ok(Summary {
        packets,
        matched: if opts.filter.is_some() {
            matched
        } else {
            packets
        },
        ended_by,
    })
}

/// Any source: a reader thread makes batches, workers format them.
fn run_streamed(
    source: &mut dyn PacketSource,
    opts: &Options<'_>,
    sequential_filter: bool,
    out: &mut dyn Write,
) -> Result<Summary, Error> {
    let workers = opts.workers.max(1);
    let stop = Arc::new(AtomicBool::new(false));
    let (batch_tx, batch_rx) = mpsc::sync_channel::<Batch>(workers * 2);
    let batch_rx = Arc::new(Mutex::new(batch_rx));
    let (done_tx, done_rx) = mpsc::sync_channel::<Done>(workers * 2);
    let work = Work {
        fmt: opts.format,
        filter: opts.filter,
        prefiltered: sequential_filter,
    };
    // A mapped file read here (-w, or -c with a filter): its pages are released behind the
    // output as on the chunked path, or the whole file would stay resident (2 GiB of RSS
    // for `read big.pcap -w out.pcap tcp port 80`, measured by scripts/rss_modes.sh).
    let mapped = source.capture_reader().and_then(|r| r.mapped().cloned());
    std::thread::scope(|scope| -> Result<Summary, Error> {
        let reader_stop = Arc::clone(&stop);
        let reading = scope.spawn(move || read_batches(source, opts, batch_tx, &reader_stop));
        for _ in 0..workers {
            let rx = Arc::clone(&batch_rx);
            let tx = done_tx.clone();
            let work = &work;
            scope.spawn(move || {
                loop {
                    // Hold the lock only to take the next batch.
                    let next = match rx.lock() {
                        Ok(guard) => guard.recv(),
                        Err(_) => break,
                    };
                    let Ok(batch) = next else { break };
                    let o = format_batch(&batch, work);
                    if tx.send((batch.seq, o, batch.end)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(done_tx);
        // The reader thread moves the progress bar: it knows how far it has read.
        let result = write_in_order(done_rx, out, mapped.as_ref(), None, || {
            stop.store(true, Ordering::Relaxed);
        });
        let end = reading.join().map_err(|_| Error::Thread("reader"))??;
        let matched = result?;
        Ok(Summary {
            packets: end.packets,
            matched: match (opts.filter, sequential_filter) {
                (None, _) => end.packets,
                (Some(_), true) => end.matched,
                (Some(_), false) => matched,
            },
            ended_by: end.failure,
        })
    })
}

/// The link type of the first packet of a mapped file.
fn first_link(reader: &CaptureReader) -> Option<u32> {
    let mut r = reader.fork_at(reader.bytes_read() as usize)?;
    let p = r.next_packet()?.ok()?;
    Some(p.link.0)
}

/// One packet of a batch: where its bytes are in the batch (`len` is the captured length),
/// and its record header.
#[derive(Debug, Clone, Copy)]
struct Rec {
    start: usize,
    len: usize,
    number: u64,
    ts_sec: i64,
    ts_nsec: u32,
    orig_len: u32,
    link: LinkTypeNumber,
    /// Time of the packet before it in the source (its own for the first).
    prev_ts: (i64, u32),
}

impl Rec {
    /// Packet `number` of the source, its bytes at `start` of its batch's bytes.
    fn of(p: &RawPacket<'_>, start: usize, number: u64) -> Rec {
        Rec {
            start,
            len: p.data.len(),
            number,
            ts_sec: p.ts_sec,
            ts_nsec: p.ts_nsec,
            orig_len: p.orig_len,
            link: p.link,
            prev_ts: (p.ts_sec, p.ts_nsec),
        }
    }
}

/// A worker's output for one batch or chunk: its sequence number, its text and how many
/// of its packets passed the filter, and the file offset just past its last packet.
type Done = (u64, Out, u64);

/// What a worker made of a batch.
struct Out {
    text: Vec<u8>,
    matched: u64,
    /// Flush the output after this batch (a live source had nothing more ready).
    flush: bool,
}

/// Writes the workers' output in order as it arrives, releasing the pages of a mapped file
/// behind it and reporting progress. At the first failed write, `stop` is called (so the
/// workers stop) and the rest is drained unwritten; returns that failure.
fn write_in_order(
    done: mpsc::Receiver<Done>,
    out: &mut dyn Write,
    mapped: Option<&MappedFile>,
    progress: Option<&(dyn Fn(u64) + Sync)>,
    stop: impl Fn(),
) -> Result<u64, Error> {
    let mut matched = 0u64;
    let mut pending: BTreeMap<u64, (Out, u64)> = BTreeMap::new();
    let mut next_seq = 0u64;
    let mut released = 0u64;
    let mut result: Result<(), Error> = Ok(());
    for (seq, text, end) in done.iter() {
        pending.insert(seq, (text, end));
        while let Some((o, end)) = pending.remove(&next_seq) {
            next_seq += 1;
            matched += o.matched;
            // Every packet before `end` is done with: keep resident memory bounded.
            if let Some(m) = mapped {
                if end >= released + RELEASE_STEP {
                    m.release(released as usize..end as usize);
                    released = end;
                }
            }
            if let Some(p) = progress {
                p(end);
            }
            if result.is_ok() {
                let mut r = out.write_all(&o.text);
                if o.flush && r.is_ok() {
                    r = out.flush();
                }
                if let Err(e) = r {
                    result = Err(Error::Output(e));
                    stop();
                }
            }
        }
    }
    result.map(|()| matched)
}

/// Packets handed to a worker as one unit.
struct Batch {
    seq: u64,
    data: BatchBytes,
    recs: Vec<Rec>,
    /// Source offset just past the batch's last packet.
    end: u64,
    /// Time of the source's first packet (`frame.time_relative`); `None`: this batch's first.
    first_ts: Option<(i64, u32)>,
    /// Flush the output once this batch is written.
    flush: bool,
}

/// Where a batch's packet bytes are: copied out of the source, or in the mapped file
/// ([`Rec::start`] is then a file offset).
enum BatchBytes {
    Copied(Vec<u8>),
    Mapped(MappedFile),
}

impl BatchBytes {
    fn bytes(&self) -> &[u8] {
        match self {
            BatchBytes::Copied(v) => v,
            BatchBytes::Mapped(m) => m.bytes(),
        }
    }
}

/// Once this many bytes of a mapped file are done with, their pages are released.
const RELEASE_STEP: u64 = 16 << 20;

/// Packets per batch, and bytes per batch, whichever comes first.
const BATCH_PACKETS: usize = 2048;
const BATCH_BYTES: usize = 1 << 20;

/// What the reader thread reports when it is done.
struct ReadEnd {
    packets: u64,
    /// Packets that passed the filter, when the reader thread filtered.
    matched: u64,
    failure: Option<Error>,
}

/// The reader thread: packets into batches, `-w` in source order. With a filter and a limit
/// or `-w`, it filters here (so that the limit counts matches and `-w` writes them) and
/// sends only what passed.
fn read_batches(
    source: &mut dyn PacketSource,
    opts: &Options<'_>,
    tx: mpsc::SyncSender<Batch>,
    stop: &AtomicBool,
) -> Result<ReadEnd, Error> {
    let filter = opts.filter;
    let mut sink: Option<CaptureSink> = None;
    let mut n: u64 = 0;
    let mut matched: u64 = 0;
    let mut seq = 0u64;
    let mut failure = None;
    let mapped = source.capture_reader().and_then(|r| r.mapped().cloned());
    let here = filter.filter(|_| opts.limit.is_some() || opts.write.is_some());
    let new_batch = |seq| Batch {
        seq,
        data: match &mapped {
            Some(m) => BatchBytes::Mapped(m.clone()),
            None => BatchBytes::Copied(Vec::with_capacity(BATCH_BYTES + 65_536)),
        },
        recs: Vec::with_capacity(BATCH_PACKETS),
        end: 0,
        first_ts: None,
        flush: false,
    };
    let mut batch_bytes = 0usize;
    let mut batch = new_batch(seq);
    let mut first_ts: Option<(i64, u32)> = None;
    let mut prev_ts = (0i64, 0u32);
    let mut checked_link: Option<u32> = None;
    // For -w when nothing passes the filter: the link type and time precision of the first
    // packet, so that an empty but valid file is written, as tcpdump writes one.
    let mut first_shape: Option<(LinkTypeNumber, u32)> = None;
    let mut d: Dissection<'static> = Dissection::new();
    let counted = |n: u64, matched: u64| if here.is_some() { matched } else { n };
    while opts.limit.is_none_or(|l| counted(n, matched) < l) && !stop.load(Ordering::Relaxed) {
        let pkt = match source.next_packet() {
            None => break,
            Some(Ok(p)) => p,
            Some(Err(error)) => {
                failure = Some(Error::Source {
                    name: String::new(),
                    packets: n,
                    error,
                });
                break;
            }
        };
        n += 1;
        let ts = (pkt.ts_sec, pkt.ts_nsec);
        let first = *first_ts.get_or_insert(ts);
        first_shape.get_or_insert((pkt.link, pkt.ts_nsec));
        let before = if n == 1 { ts } else { prev_ts };
        prev_ts = ts;
        if let Some(f) = filter {
            if checked_link != Some(pkt.link.0) {
                if let Err(message) = f.check_link(pkt.link.0) {
                    return Err(Error::Filter {
                        name: source.name().to_string(),
                        message,
                    });
                }
                checked_link = Some(pkt.link.0);
            }
        }
        if let Some(f) = here {
            let meta = FrameMeta {
                number: n,
                ts_sec: pkt.ts_sec,
                ts_nsec: pkt.ts_nsec,
                orig_len: pkt.orig_len,
                cap_len: pkt.caplen,
            };
            let mut dd = d.recycle();
            let (ok, _) = f.matches_frame(pkt.link.0, &meta, pkt.data, (first, before), &mut dd);
            d = dd.recycle();
            if !ok {
                continue;
            }
            matched += 1;
        }
        if let Some(w) = opts.write {
            if sink.is_none() {
                sink = Some(CaptureSink::create(w, &pkt)?);
            }
            if let Some(s) = sink.as_mut() {
                s.write(&pkt, opts.snaplen)?;
            }
        }
        let start = match &mut batch.data {
            BatchBytes::Copied(v) => {
                let at = v.len();
                v.extend_from_slice(pkt.data);
                at
            }
            BatchBytes::Mapped(_) => usize::try_from(pkt.offset).unwrap_or(usize::MAX),
        };
        batch_bytes += pkt.data.len();
        batch.end = pkt.offset + pkt.data.len() as u64;
        let mut rec = Rec::of(&pkt, start, n);
        rec.prev_ts = before;
        batch.recs.push(rec);
        batch.first_ts = first_ts;
        // A live source with nothing more ready: print what it gave now.
        let now = source.flush_now();
        if now || batch.recs.len() >= BATCH_PACKETS || batch_bytes >= BATCH_BYTES {
            if now {
                if let Some(s) = sink.as_mut() {
                    s.flush()?;
                }
            }
            seq += 1;
            batch_bytes = 0;
            let mut full = std::mem::replace(&mut batch, new_batch(seq));
            full.flush = now;
            if tx.send(full).is_err() {
                break;
            }
            if let (Some(p), Some(at)) = (opts.progress, source.position()) {
                p(at);
            }
        }
    }
    if let Some(Error::Source { name, .. }) = &mut failure {
        *name = source.name().to_string();
    }
    if !batch.recs.is_empty() {
        let _ = tx.send(batch);
    }
    if let (None, Some(w), Some((link, ts_nsec))) = (&sink, opts.write, first_shape) {
        let shape = RawPacket {
            ts_sec: 0,
            ts_nsec,
            caplen: 0,
            orig_len: 0,
            link,
            interface: 0,
            offset: 0,
            data: &[],
            comment: None,
        };
        sink = Some(CaptureSink::create(w, &shape)?);
    }
    if let Some(s) = sink {
        s.finish()?;
    }
    Ok(ReadEnd {
        packets: n,
        matched,
        failure,
    })
}

/// What workers do with a batch: how to print, and the filter to apply (unless the reader
/// thread applied it already).
struct Work<'f> {
    fmt: Format<'f>,
    filter: Option<&'f Filter>,
    prefiltered: bool,
}

/// Filters, dissects and formats one batch (in a worker thread).
fn format_batch(batch: &Batch, w: &Work<'_>) -> Out {
    let f = &w.fmt;
    let mut buf = Vec::with_capacity(if f.quiet { 0 } else { batch.recs.len() * 128 });
    let mut d = Dissection::new();
    let bytes = batch.data.bytes();
    let filter = w.filter.filter(|_| !w.prefiltered);
    let mut matched = 0u64;
    for r in &batch.recs {
        let first_ts = batch.first_ts.unwrap_or((r.ts_sec, r.ts_nsec));
        let data = bytes
            .get(r.start..r.start.saturating_add(r.len))
            .unwrap_or(&[]);
        let meta = FrameMeta {
            number: r.number,
            ts_sec: r.ts_sec,
            ts_nsec: r.ts_nsec,
            orig_len: r.orig_len,
            cap_len: r.len as u32,
        };
        let mut dissected = false;
        if let Some(flt) = filter {
            let (ok, made) =
                flt.matches_frame(r.link.0, &meta, data, (first_ts, r.prev_ts), &mut d);
            if !ok {
                continue;
            }
            dissected = made;
        }
        matched += 1;
        // With a filter, --count counts matches: nothing more to decode.
        if f.quiet && filter.is_some() {
            continue;
        }
        // -v shows the packet model's tree; everything else reads the fast dissection.
        if f.needs_dissection() && !dissected {
            dissect_frame(
                LinkType::from_pcap(r.link.0),
                data,
                r.orig_len as usize,
                &mut d,
            );
        }
        if f.quiet {
            continue;
        }
        let p = PacketRef {
            meta,
            link: r.link,
            first_ts,
            prev_ts: r.prev_ts,
            data,
        };
        f.write_packet(&p, &d, &mut buf);
    }
    Out {
        text: buf,
        matched,
        flush: batch.flush,
    }
}
