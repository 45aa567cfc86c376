//! Export to Parquet: one row per packet, one typed column per Wireshark field, for DuckDB,
//! Spark, Trino or ClickHouse to query (`pktforge export`).
//!
//! The columns and their types are described in [`schema`]; [`Fields`] chooses them (the
//! `--json` set by default, every field of the table, or named ones). The output is one
//! file, or with [`Partition::Day`] / [`Partition::Hour`] a Hive-style directory
//! (`out/date=2026-11-21/hour=14/part-0000.parquet`) that engines read as one table,
//! skipping the partitions a query's `WHERE date = ...` excludes. Every file's key-value
//! metadata records `pktforge.version`, `pktforge.sources` (the capture files its rows come
//! from, as a JSON array) and `pktforge.fields` (each column's field type, as a JSON object:
//! `{"ip.ttl":"FT_UINT8",...}`).
//!
//! # How it runs
//!
//! A reader thread streams the capture files one after the other (pcap or pcapng, gzip too)
//! and cuts them into batches of at most [`Options::row_group`] packets (and 16 MiB of packet
//! bytes); worker threads filter, dissect and turn each batch into a row group per partition,
//! encoded and compressed column by column ([`encode`]); the calling thread splices the
//! encoded row groups into the output files in batch order, so the rows are in file order
//! and the output is the same whatever the number of threads. Memory is bounded by the
//! row group and the threads, never by the input: each worker holds one batch (its packet
//! bytes go back to the reader before its columns are encoded) and one batch waits in the
//! queue. Peak
//! RSS on the 2M-packet workload at the default row group: 113 MiB with 2 workers, 185 MiB
//! with 4 (`/usr/bin/time -v`); halve `--row-group` to roughly halve it.
//!
//! A capture that cannot be read (not a capture file, damaged half-way) does not stop the
//! export: the packets read before the damage are exported, and the [`Summary`] lists the
//! file and what went wrong ([`Summary::failures`]), for the command to name it and exit 1.
//!
//! ```
//! use pktforge::export::{Fields, Options, export};
//! let dir = std::env::temp_dir().join(format!("pktforge-doc-export-{}", std::process::id()));
//! std::fs::create_dir_all(&dir).unwrap();
//! let out = dir.join("server.parquet");
//! let inputs = [std::path::PathBuf::from("captures/server-ether.pcap")];
//! let summary = export(&inputs, &out, &Options { fields: Fields::Default, ..Options::default() })
//!     .unwrap();
//! assert_eq!(summary.rows, summary.packets);
//! assert!(summary.failures.is_empty());
//! assert_eq!(&std::fs::read(&out).unwrap()[..4], b"PAR1");
//! std::fs::remove_dir_all(&dir).unwrap();
//! ```

pub mod encode;
pub mod partition;
pub mod schema;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, mpsc};

use parquet::basic::{Compression as Codec, ZstdLevel};
use parquet::errors::ParquetError;
use parquet::file::metadata::KeyValue;
use parquet::file::properties::{WriterProperties, WriterPropertiesPtr};
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::types::{SchemaDescPtr, SchemaDescriptor, TypePtr};

use crate::capture::CaptureReader;
use crate::dissect::{Dissection, dissect_frame};
use crate::fields::Frame;
use crate::filter::Filter;
use crate::output::FrameMeta;
use crate::output::columns::UnknownField;
use crate::packet::LinkType;

pub use encode::{Chunk, Group};
pub use partition::{Key, Partition};
pub use schema::{ColumnSpec, Fields, Kind, Source};

/// How column chunks are compressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Compression {
    /// Zstandard (level 1): small files, fast to read.
    #[default]
    Zstd,
    /// Snappy: what older readers expect.
    Snappy,
    /// None.
    None,
}

/// What to export and how.
#[derive(Debug)]
pub struct Options {
    /// The columns.
    pub fields: Fields,
    /// Only the packets that pass (`-f` / `-Y`).
    pub filter: Option<Filter>,
    /// One file, or a directory of partitions.
    pub partition: Partition,
    /// At most this many rows per row group (at least 1).
    pub row_group: usize,
    /// How column chunks are compressed.
    pub compression: Compression,
    /// Worker threads (at least 1).
    pub threads: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            fields: Fields::Default,
            filter: None,
            partition: Partition::None,
            row_group: DEFAULT_ROW_GROUP,
            compression: Compression::Zstd,
            threads: default_threads(),
        }
    }
}

/// Rows per row group unless told: large enough for engines to scan fast (DuckDB reads
/// row groups in parallel), small enough that the peak memory of 4 workers stays under
/// 256 MiB (about 40 MiB per worker on the mixed workload).
pub const DEFAULT_ROW_GROUP: usize = 32_768;

/// Bytes of packets per batch, whatever the row group (bounds memory on jumbo frames).
const BATCH_BYTES: usize = 16 << 20;

/// Partition files kept open at once; an older one is closed and a new part started when
/// its partition comes back.
const MAX_OPEN: usize = 16;

/// Directory levels walked below an input directory.
const MAX_DEPTH: usize = 64;

/// One worker per core, at most 4 (each holds a batch in memory).
pub fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get().clamp(1, 4))
}

/// A capture that could not be exported, or not entirely.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The file.
    pub path: PathBuf,
    /// What went wrong, and what was exported of it.
    pub message: String,
}

/// What an export did.
#[derive(Debug, Default)]
pub struct Summary {
    /// Input files read (entirely or in part).
    pub files: usize,
    /// Packets read.
    pub packets: u64,
    /// Rows written: the packets that passed the filter.
    pub rows: u64,
    /// Row groups written.
    pub row_groups: u64,
    /// The Parquet files written.
    pub outputs: Vec<PathBuf>,
    /// Values that did not fit their column (a time beyond the year 2262), written as null.
    pub nulled: u64,
    /// Inputs that could not be read, or not entirely.
    pub failures: Vec<Failure>,
}

/// Why an export could not be done.
#[derive(Debug)]
pub enum ExportError {
    /// A field name that is not in the table.
    UnknownField(UnknownField),
    /// No capture file was named or found.
    NoInput,
    /// An input path that cannot be read (missing, or a directory that cannot be listed).
    Input {
        /// The path.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The output is in the way: a directory where a file is written, or a directory that
    /// is not empty for a partitioned export.
    OutputExists(PathBuf),
    /// An output file or directory cannot be created.
    Create {
        /// The path.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Writing an output file failed.
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        source: ParquetError,
    },
    /// Encoding values failed (a bug: the schema and the values disagree).
    Encode(ParquetError),
    /// A thread of the export panicked.
    Thread,
}

impl fmt::Display for ExportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExportError::UnknownField(e) => write!(f, "{e}"),
            ExportError::NoInput => f.write_str("no capture file to export"),
            ExportError::Input { path, source } => write!(f, "{}: {source}", path.display()),
            ExportError::OutputExists(p) => write!(
                f,
                "{} is in the way: a single export writes a file, a partitioned one a new or \
                 empty directory; remove it or choose another name",
                p.display()
            ),
            ExportError::Create { path, source } => {
                write!(f, "cannot create {}: {source}", path.display())
            }
            ExportError::Write { path, source } => {
                write!(f, "writing {}: {source}", path.display())
            }
            ExportError::Encode(e) => write!(f, "encoding a row group: {e}"),
            ExportError::Thread => f.write_str("an export thread failed"),
        }
    }
}

impl std::error::Error for ExportError {}

/// True for a file name a directory walk takes as a capture: `.pcap`, `.pcapng`, `.cap`,
/// and those gzip-compressed (`.pcap.gz`).
pub fn is_capture_name(p: &Path) -> bool {
    let Some(name) = p.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    let name = name.to_ascii_lowercase();
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    !name.starts_with('.')
        && [".pcap", ".pcapng", ".cap"]
            .iter()
            .any(|x| name.ends_with(x))
}

/// The capture files of `paths`: a file as given, a directory's capture files
/// ([`is_capture_name`]) recursively, in name order.
pub fn list_inputs(paths: &[PathBuf]) -> Result<Vec<PathBuf>, ExportError> {
    let mut out = Vec::new();
    for p in paths {
        let meta = std::fs::metadata(p).map_err(|e| ExportError::Input {
            path: p.clone(),
            source: e,
        })?;
        if meta.is_dir() {
            walk(p, 0, &mut out)?;
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

fn walk(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) -> Result<(), ExportError> {
    let err = |e| ExportError::Input {
        path: dir.to_path_buf(),
        source: e,
    };
    let mut entries = std::fs::read_dir(dir)
        .map_err(err)?
        .map(|e| e.map(|e| (e.path(), e.file_type())))
        .collect::<Result<Vec<_>, _>>()
        .map_err(err)?;
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    for (path, ty) in entries {
        // Symbolic links are not followed: no loops.
        let Ok(ty) = ty else { continue };
        if ty.is_dir() && depth < MAX_DEPTH {
            walk(&path, depth + 1, out)?;
        } else if ty.is_file() && is_capture_name(&path) {
            out.push(path);
        }
    }
    Ok(())
}

/// One packet of a batch: where its bytes are in the batch, and its record header.
#[derive(Debug, Clone, Copy)]
struct Rec {
    start: usize,
    len: usize,
    number: u64,
    ts: (i64, u32),
    prev_ts: (i64, u32),
    orig_len: u32,
    link: u32,
}

/// Packets of one file handed to a worker.
struct Batch {
    seq: u64,
    file: usize,
    bytes: Vec<u8>,
    recs: Vec<Rec>,
    /// Time of the file's first packet (`frame.time_relative`).
    first_ts: (i64, u32),
}

/// A worker's row groups for one batch, by partition.
type Encoded = Vec<(Key, usize, Vec<Chunk>)>;

/// What a worker made of a batch.
struct Done {
    seq: u64,
    file: usize,
    result: Result<(Encoded, u64), ParquetError>,
}

/// What the reader thread read.
#[derive(Default)]
struct ReadEnd {
    files: usize,
    packets: u64,
    failures: Vec<Failure>,
}

/// The writer properties of an export.
fn writer_props(opts: &Options, specs: &[ColumnSpec]) -> WriterPropertiesPtr {
    let codec = match opts.compression {
        Compression::Zstd => Codec::ZSTD(ZstdLevel::default()),
        Compression::Snappy => Codec::SNAPPY,
        Compression::None => Codec::UNCOMPRESSED,
    };
    let mut types = String::from("{");
    for (i, c) in specs.iter().enumerate() {
        if i > 0 {
            types.push(',');
        }
        let ty = match c.source {
            Source::Field(d) => Some(d.ty),
            _ => None,
        };
        json_string(&mut types, &c.name);
        types.push(':');
        json_string(&mut types, &c.kind.type_name(ty));
    }
    types.push('}');
    Arc::new(
        WriterProperties::builder()
            .set_compression(codec)
            .set_created_by(format!("pktforge version {}", env!("CARGO_PKG_VERSION")))
            .set_max_row_group_row_count(Some(opts.row_group.max(1)))
            .set_key_value_metadata(Some(vec![
                KeyValue::new(
                    "pktforge.version".into(),
                    env!("CARGO_PKG_VERSION").to_string(),
                ),
                KeyValue::new("pktforge.fields".into(), types),
            ]))
            .build(),
    )
}

/// Appends `s` as a JSON string.
fn json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Exports the packets of `inputs` (capture files, see [`list_inputs`] for directories) to
/// `out`: a Parquet file, or with a partition a directory of them. Files that cannot be
/// read are listed in [`Summary::failures`]; the others are exported.
pub fn export(inputs: &[PathBuf], out: &Path, opts: &Options) -> Result<Summary, ExportError> {
    if inputs.is_empty() {
        return Err(ExportError::NoInput);
    }
    let specs = schema::columns(&opts.fields).map_err(ExportError::UnknownField)?;
    let root = schema::parquet_schema(&specs).map_err(ExportError::Encode)?;
    let descr: SchemaDescPtr = Arc::new(SchemaDescriptor::new(root.clone()));
    let props = writer_props(opts, &specs);
    let mut sink = Sink::new(out, opts.partition, root, props.clone(), inputs)?;
    let workers = opts.threads.max(1);
    let row_group = opts.row_group.max(1);
    let stop = AtomicBool::new(false);
    // One batch waits for a worker: reading a batch is far quicker than encoding one.
    let (batch_tx, batch_rx) = mpsc::sync_channel::<Batch>(1);
    let batch_rx = Mutex::new(batch_rx);
    let (done_tx, done_rx) = mpsc::sync_channel::<Done>(workers);
    // Packet buffers go back to the reader to be filled again: a fresh 16 MiB buffer per
    // batch would cost its page faults every time.
    let (pool_tx, pool_rx) = mpsc::sync_channel::<Vec<u8>>(2);
    let mut summary = Summary::default();
    let outcome = std::thread::scope(|scope| -> Result<ReadEnd, ExportError> {
        let reading = {
            let stop = &stop;
            scope.spawn(move || read_all(inputs, opts, row_group, batch_tx, &pool_rx, stop))
        };
        for _ in 0..workers {
            let tx = done_tx.clone();
            let pool = pool_tx.clone();
            let (rx, specs, descr, props) = (&batch_rx, &specs, &descr, &props);
            scope.spawn(move || {
                loop {
                    let next = match rx.lock() {
                        Ok(guard) => guard.recv(),
                        Err(_) => break,
                    };
                    let Ok(batch) = next else { break };
                    let (seq, file) = (batch.seq, batch.file);
                    let result = work(batch, specs, opts, descr, props, &pool);
                    let done = Done { seq, file, result };
                    if tx.send(done).is_err() {
                        break;
                    }
                }
            });
        }
        drop(done_tx);
        drop(pool_tx);
        let mut pending: BTreeMap<u64, Done> = BTreeMap::new();
        let mut next = 0u64;
        let mut failed: Option<ExportError> = None;
        for done in done_rx.iter() {
            pending.insert(done.seq, done);
            while let Some(d) = pending.remove(&next) {
                next += 1;
                if failed.is_some() {
                    continue;
                }
                let res = match d.result {
                    Err(e) => Err(ExportError::Encode(e)),
                    Ok((groups, nulled)) => {
                        summary.nulled += nulled;
                        groups.into_iter().try_for_each(|(key, rows, chunks)| {
                            summary.rows += rows as u64;
                            sink.write_group(key, d.file, chunks)
                        })
                    }
                };
                if let Err(e) = res {
                    failed = Some(e);
                    stop.store(true, Ordering::Relaxed);
                }
            }
        }
        let end = reading.join().map_err(|_| ExportError::Thread)?;
        match failed {
            Some(e) => Err(e),
            None => Ok(end),
        }
    })?;
    let (outputs, row_groups) = sink.finish()?;
    summary.files = outcome.files;
    summary.packets = outcome.packets;
    summary.failures = outcome.failures;
    summary.outputs = outputs;
    summary.row_groups = row_groups;
    Ok(summary)
}

/// The reader thread: every input, one after the other, into batches.
fn read_all(
    inputs: &[PathBuf],
    opts: &Options,
    row_group: usize,
    tx: mpsc::SyncSender<Batch>,
    pool: &mpsc::Receiver<Vec<u8>>,
    stop: &AtomicBool,
) -> ReadEnd {
    let mut end = ReadEnd::default();
    let mut seq = 0u64;
    let capacity = row_group.min(1 << 16);
    for (file, path) in inputs.iter().enumerate() {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        let fail = |message: String| Failure {
            path: path.clone(),
            message,
        };
        let mut reader = match CaptureReader::open(path) {
            Ok(r) => r,
            Err(e) => {
                end.failures
                    .push(fail(format!("{e}; nothing of it was exported")));
                continue;
            }
        };
        end.files += 1;
        let new_batch = |seq, first_ts| Batch {
            seq,
            file,
            bytes: Vec::new(),
            recs: Vec::with_capacity(capacity),
            first_ts,
        };
        let mut batch = new_batch(seq, (0, 0));
        let mut n = 0u64;
        let mut first_ts = None;
        let mut prev_ts = (0i64, 0u32);
        let mut checked_link = None;
        while !stop.load(Ordering::Relaxed) {
            let p = match reader.next_packet() {
                None => break,
                Some(Ok(p)) => p,
                Some(Err(e)) => {
                    end.failures.push(fail(format!(
                        "{e}; the {n} packets before it were exported"
                    )));
                    break;
                }
            };
            if let Some(f) = &opts.filter {
                if checked_link != Some(p.link.0) {
                    if let Err(e) = f.check_link(p.link.0) {
                        end.failures.push(fail(format!(
                            "{e}; the {n} packets before it were exported"
                        )));
                        break;
                    }
                    checked_link = Some(p.link.0);
                }
            }
            n += 1;
            let ts = (p.ts_sec, p.ts_nsec);
            let first = *first_ts.get_or_insert(ts);
            let before = if n == 1 { ts } else { prev_ts };
            prev_ts = ts;
            // A full batch goes before this packet would make its buffer grow past the
            // budget (the buffer is allocated once, at its full size).
            if !batch.recs.is_empty() && batch.bytes.len() + p.data.len() > BATCH_BYTES {
                seq += 1;
                let full = std::mem::replace(&mut batch, new_batch(seq, first));
                if tx.send(full).is_err() {
                    return end;
                }
            }
            if batch.bytes.capacity() == 0 {
                match pool.try_recv() {
                    Ok(mut v) if v.capacity() >= p.data.len() => {
                        v.clear();
                        batch.bytes = v;
                    }
                    _ => batch.bytes.reserve_exact(BATCH_BYTES.max(p.data.len())),
                }
            }
            batch.first_ts = first;
            let start = batch.bytes.len();
            batch.bytes.extend_from_slice(p.data);
            batch.recs.push(Rec {
                start,
                len: p.data.len(),
                number: n,
                ts,
                prev_ts: before,
                orig_len: p.orig_len,
                link: p.link.0,
            });
            if batch.recs.len() >= row_group {
                seq += 1;
                let full = std::mem::replace(&mut batch, new_batch(seq, first));
                if tx.send(full).is_err() {
                    return end;
                }
            }
        }
        end.packets += n;
        if !batch.recs.is_empty() {
            seq += 1;
            if tx.send(batch).is_err() {
                return end;
            }
        }
    }
    end
}

/// A worker's job: filters, dissects and encodes one batch, a row group per partition.
fn work(
    b: Batch,
    specs: &[ColumnSpec],
    opts: &Options,
    descr: &SchemaDescPtr,
    props: &WriterPropertiesPtr,
    pool: &mpsc::SyncSender<Vec<u8>>,
) -> Result<(Encoded, u64), ParquetError> {
    let mut groups: Vec<(Key, Group)> = Vec::new();
    let mut d = Dissection::new();
    for r in &b.recs {
        let data = b
            .bytes
            .get(r.start..r.start.saturating_add(r.len))
            .unwrap_or(&[]);
        let meta = FrameMeta {
            number: r.number,
            ts_sec: r.ts.0,
            ts_nsec: r.ts.1,
            orig_len: r.orig_len,
            cap_len: u32::try_from(r.len).unwrap_or(u32::MAX),
        };
        let mut made = false;
        if let Some(f) = &opts.filter {
            let (ok, m) = f.matches_frame(r.link, &meta, data, (b.first_ts, r.prev_ts), &mut d);
            if !ok {
                continue;
            }
            made = m;
        }
        if !made {
            dissect_frame(
                LinkType::from_pcap(r.link),
                data,
                r.orig_len as usize,
                &mut d,
            );
        }
        let frame = Frame {
            meta: &meta,
            first_ts: b.first_ts,
            prev_ts: r.prev_ts,
            data,
            d: &d,
        };
        let key = opts.partition.key(r.ts.0);
        let at = match groups.iter().position(|(k, _)| *k == key) {
            Some(i) => i,
            None => {
                let room = if groups.is_empty() {
                    b.recs.len()
                } else {
                    1024
                };
                groups.push((key, Group::new(specs, room)));
                groups.len() - 1
            }
        };
        if let Some((_, g)) = groups.get_mut(at) {
            g.push_frame(specs, &frame);
        }
    }
    // The packets are done with: their bytes go before the columns are encoded.
    drop(d);
    // Back to the reader (or freed, when the pool is full).
    let _ = pool.try_send(b.bytes);
    groups.sort_by_key(|(k, _)| *k);
    let mut nulled = 0;
    let mut out = Vec::with_capacity(groups.len());
    for (key, g) in groups {
        nulled += g.nulled;
        let rows = g.rows();
        out.push((key, rows, g.encode(descr, props)?));
    }
    Ok((out, nulled))
}

/// An open output file.
struct Part {
    key: Key,
    path: PathBuf,
    w: SerializedFileWriter<BufWriter<File>>,
    /// Indices of the inputs whose rows it holds.
    sources: BTreeSet<usize>,
}

/// Where row groups go: the output file, or the partition files.
struct Sink<'i> {
    out: PathBuf,
    partition: Partition,
    schema: TypePtr,
    props: WriterPropertiesPtr,
    inputs: &'i [PathBuf],
    /// Open files, least recently written first.
    open: Vec<Part>,
    /// The next part number of each partition.
    parts: HashMap<Key, u32>,
    outputs: Vec<PathBuf>,
    row_groups: u64,
}

impl<'i> Sink<'i> {
    fn new(
        out: &Path,
        partition: Partition,
        schema: TypePtr,
        props: WriterPropertiesPtr,
        inputs: &'i [PathBuf],
    ) -> Result<Sink<'i>, ExportError> {
        let create = |e| ExportError::Create {
            path: out.to_path_buf(),
            source: e,
        };
        if partition == Partition::None {
            if out.is_dir() {
                return Err(ExportError::OutputExists(out.to_path_buf()));
            }
        } else if out.exists() {
            let empty = out.is_dir() && std::fs::read_dir(out).map_err(create)?.next().is_none();
            if !empty {
                return Err(ExportError::OutputExists(out.to_path_buf()));
            }
        } else {
            std::fs::create_dir_all(out).map_err(create)?;
        }
        let mut s = Sink {
            out: out.to_path_buf(),
            partition,
            schema,
            props,
            inputs,
            open: Vec::new(),
            parts: HashMap::new(),
            outputs: Vec::new(),
            row_groups: 0,
        };
        // A single file exists even when no packet passes.
        if partition == Partition::None {
            s.part(Key { day: 0, hour: 0 })?;
        }
        Ok(s)
    }

    /// The open file of partition `key` (opened, and another closed, if need be), last in
    /// `open`.
    fn part(&mut self, key: Key) -> Result<&mut Part, ExportError> {
        if let Some(i) = self.open.iter().position(|p| p.key == key) {
            let p = self.open.remove(i);
            self.open.push(p);
        } else {
            if self.open.len() >= MAX_OPEN {
                let oldest = self.open.remove(0);
                self.close(oldest)?;
            }
            let path = if self.partition == Partition::None {
                self.out.clone()
            } else {
                let n = self.parts.entry(key).or_insert(0);
                let dir = self.out.join(self.partition.dir(key));
                let path = dir.join(format!("part-{n:04}.parquet"));
                *n += 1;
                std::fs::create_dir_all(&dir).map_err(|e| ExportError::Create {
                    path: dir.clone(),
                    source: e,
                })?;
                path
            };
            let f = File::create(&path).map_err(|e| ExportError::Create {
                path: path.clone(),
                source: e,
            })?;
            let w = SerializedFileWriter::new(
                BufWriter::with_capacity(1 << 20, f),
                self.schema.clone(),
                self.props.clone(),
            )
            .map_err(|e| ExportError::Write {
                path: path.clone(),
                source: e,
            })?;
            self.open.push(Part {
                key,
                path,
                w,
                sources: BTreeSet::new(),
            });
        }
        self.open.last_mut().ok_or(ExportError::Thread)
    }

    /// Appends one encoded row group to its partition's file.
    fn write_group(
        &mut self,
        key: Key,
        file: usize,
        chunks: Vec<Chunk>,
    ) -> Result<(), ExportError> {
        let p = self.part(key)?;
        p.sources.insert(file);
        let path = p.path.clone();
        let werr = |e| ExportError::Write {
            path: path.clone(),
            source: e,
        };
        let mut rg = p.w.next_row_group().map_err(werr)?;
        for c in chunks {
            rg.append_column(&c.bytes, c.close).map_err(werr)?;
        }
        rg.close().map_err(werr)?;
        self.row_groups += 1;
        Ok(())
    }

    /// Writes a file's footer, with the sources of its rows.
    fn close(&mut self, mut p: Part) -> Result<(), ExportError> {
        let mut sources = String::from("[");
        for (i, s) in p.sources.iter().enumerate() {
            if i > 0 {
                sources.push(',');
            }
            let name = self
                .inputs
                .get(*s)
                .map(|p| p.display().to_string())
                .unwrap_or_default();
            json_string(&mut sources, &name);
        }
        sources.push(']');
        p.w.append_key_value_metadata(KeyValue::new("pktforge.sources".into(), sources));
        let path = p.path;
        p.w.close().map_err(|e| ExportError::Write {
            path: path.clone(),
            source: e,
        })?;
        self.outputs.push(path);
        Ok(())
    }

    /// Closes every file; returns the files written and the row groups.
    fn finish(mut self) -> Result<(Vec<PathBuf>, u64), ExportError> {
        let open = std::mem::take(&mut self.open);
        for p in open {
            self.close(p)?;
        }
        self.outputs.sort();
        Ok((self.outputs, self.row_groups))
    }
}
