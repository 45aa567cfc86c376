//! `pktforge read FILE`: dissect a pcap or pcapng capture (gzip too; `-` is stdin) with the
//! fast dissector, one line per packet like `tcpdump -n`, or a layer tree (`-v`), hex (`-x`,
//! `-X`), a count (`--count`), or copy the packets to a file (`-w`).
//!
//! Two ways through a file, with the same output:
//!
//! - A pcap or pcapng file (not gzip, not stdin, no `-w`) is mapped into memory and read in
//!   parallel 1 MiB chunks, each worker finding, dissecting and formatting its chunk's
//!   packets (`chunked.rs`); pages already printed are released, so resident memory stays
//!   bounded (29 MiB on the 711 MB workload).
//! - Everything else (gzip, stdin, `-w`, `--no-mmap`) is streamed by a reader thread into
//!   batches that worker threads dissect and format.
//!
//! `-e NAME` / `--fields A,B,C` print chosen Wireshark fields instead, one line per packet
//! like `tshark -T fields` (`-E` as tshark has it, `--csv` for RFC 4180), or pick the keys
//! of `--json` objects. `-e` alone is still tcpdump's link-header flag.
//!
//! Output is written in file order. A record cut short at the end of the file prints every
//! complete packet, then a warning naming the byte offset, and the exit status is 1.

mod chunked;
pub mod line;

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, mpsc};

use crate::capture::{
    CaptureReader, LinkTypeNumber, MappedFile, PcapNgWriter, PcapWriter, RawPacket,
};
use crate::cli::{CliError, CliResult};
use crate::dissect::{Dissection, dissect_frame};
use crate::fields::Frame;
use crate::filter::Filter;
use crate::output::columns::{FieldsFormat, Selection, write_fields_line, write_header};
use crate::output::{FrameMeta, write_json, write_json_fields};
use crate::packet::{LinkType, Packet, hexdump};

use line::{LineMeta, write_line};

/// Options of `pktforge read` (`Args::default()` is `pktforge read` with no flag and no file).
#[derive(Debug, Default, clap::Args)]
#[command(after_help = "Examples:\n  \
    pktforge read captures/server-ether.pcap\n  \
    pktforge read -e -c 5 captures/mixed-sll2.pcapng\n  \
    pktforge read -v captures/server-ether.pcap | less\n  \
    pktforge read --json captures/mixed-sll.pcap | jq -c 'select(.\"dns.qry.name\")'\n  \
    pktforge read -e ip.src -e tcp.port -E header=y captures/server-ether.pcap\n  \
    pktforge read --fields frame.time_relative,dns.qry.name --csv captures/mixed-sll.pcap\n  \
    zcat big.pcap.gz | pktforge read - --count\n  \
    pktforge read captures/mixed-sll.pcap -w copy.pcapng")]
pub struct Args {
    /// The capture file: pcap or pcapng, optionally gzip-compressed; `-` reads stdin.
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// The capture file, as tcpdump takes it.
    #[arg(
        short = 'r',
        long = "read",
        value_name = "FILE",
        conflicts_with = "file"
    )]
    pub read: Option<PathBuf>,
    /// A filter after the file, as tcpdump takes it: `pktforge read f.pcap tcp port 80`.
    /// tcpdump's capture-filter primitives and Wireshark's display-filter comparisons
    /// (`ip.src == 198.18.0.0/15`) may be mixed; see `-f`.
    #[arg(value_name = "FILTER")]
    pub filter_words: Vec<String>,
    /// Keep only the packets that match EXPR (tcpdump syntax such as `tcp port 443 and not
    /// host 198.18.0.1`, Wireshark syntax such as `tcp.flags.syn == 1 && ip.dst ==
    /// 198.18.0.0/15`, or both mixed). With -c, counts matching packets; with --count,
    /// counts them; with -w, writes them.
    #[arg(short = 'f', long = "filter", value_name = "EXPR")]
    pub filter: Option<String>,
    /// The same language as -f, as tshark's -Y takes display filters; with -f, both must match.
    #[arg(short = 'Y', long = "display-filter", value_name = "EXPR")]
    pub display_filter: Option<String>,
    /// Alone (tcpdump's -e): print the link-layer header (MAC addresses, VLAN, cooked
    /// header) on each line. With a field name (tshark's -e NAME, repeatable): print that
    /// Wireshark field instead of the line, tab-separated like `tshark -T fields`; with
    /// --json, the keys of each object. `pktforge fields` lists the names.
    #[arg(
        short = 'e',
        value_name = "NAME",
        num_args = 0..=1,
        default_missing_value = "",
        action = clap::ArgAction::Append
    )]
    pub e: Vec<String>,
    /// Fields to print, comma-separated: the same as one -e per name.
    #[arg(long = "fields", value_name = "A,B,C", value_delimiter = ',')]
    pub fields: Vec<String>,
    /// How field lines are written, as tshark's -E: header=y|n, separator=/t|/s|CHAR,
    /// occurrence=f|l|a (first, last or all occurrences), aggregator=CHAR (between
    /// occurrences, `,` by default), quote=d|s|n. Repeatable.
    #[arg(short = 'E', value_name = "OPT=VALUE")]
    pub field_opts: Vec<String>,
    /// Field lines as RFC 4180 CSV: comma-separated, CRLF line ends, a header line (-E
    /// header=n drops it), a value holding a comma, a quote or a line end quoted.
    #[arg(long)]
    pub csv: bool,
    /// Print every packet's full layer tree (the packet model's show()).
    #[arg(short = 'v', group = "format")]
    pub verbose: bool,
    /// JSON Lines: one flat object per packet with Wireshark's field names (frame.number,
    /// ip.src, tcp.srcport, dns.qry.name...), values as `tshark -T fields` prints them.
    #[arg(long, group = "format")]
    pub json: bool,
    /// Print each packet's bytes in hex after its line.
    #[arg(short = 'x')]
    pub hex: bool,
    /// Print each packet's bytes in hex and ASCII after its line.
    #[arg(short = 'X')]
    pub hex_ascii: bool,
    /// Stop after N packets.
    #[arg(short = 'c', value_name = "N")]
    pub limit: Option<u64>,
    /// Print only the number of packets read (every packet is still dissected); with a
    /// filter, the number that matched (decoded only as far as the filter needs).
    #[arg(long, group = "format")]
    pub count: bool,
    /// Write the packets read to FILE, keeping timestamps and original lengths: pcapng when
    /// the name ends in .pcapng, classic pcap otherwise. Nothing is printed.
    #[arg(short = 'w', long = "write", value_name = "FILE")]
    pub write: Option<PathBuf>,
    /// With -w: write each packet cut to its first N bytes, keeping its original length, as
    /// `editcap -s N` and `tcpdump -s N` do (header-only copies of a capture).
    #[arg(short = 's', long = "snaplen", value_name = "N", requires = "write",
          value_parser = clap::value_parser!(u32).range(1..))]
    pub snaplen: Option<u32>,
    /// Accepted for tcpdump's muscle memory: pktforge never resolves names.
    #[arg(short = 'n')]
    pub numeric: bool,
    /// Read the file through a buffer instead of mapping it into memory. Mapping is faster,
    /// but a file truncated by another program while it is read kills the process with
    /// SIGBUS: use this on files still being written.
    #[arg(long)]
    pub no_mmap: bool,
    /// Dissecting threads (default: one per core, at most 8). With --no-mmap, pcapng, gzip
    /// or stdin one more thread reads the file.
    #[arg(short = 'j', long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=64))]
    pub threads: Option<u16>,
}

/// What `-e` and `--fields` ask for.
#[derive(Debug, Default)]
struct Chosen {
    /// `-e` alone.
    link_header: bool,
    /// The field names, in order.
    names: Vec<String>,
    /// The capture file, when it came right after a bare `-e` (`read -e file.pcap`).
    file: Option<PathBuf>,
    /// The filter's first word, when it came right after a bare `-e` (`read f.pcap -e tcp
    /// port 80`).
    word: Option<String>,
}

/// True when `s` names a field rather than a file: a name of the table, or a lowercase
/// dotted name that is not a file (so a misspelt field gets "did you mean").
fn is_field_name(s: &str) -> bool {
    if crate::fields::lookup(s).is_some() || s == crate::layers::frame::PROTOCOLS_FIELD {
        return true;
    }
    let dotted = s.contains('.')
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'_');
    let capture = [".pcap", ".pcapng", ".gz", ".cap"]
        .iter()
        .any(|x| s.ends_with(x));
    dotted && !capture && !Path::new(s).exists()
}

impl Args {
    /// The filter of the trailing words, -f and -Y, compiled (usage error with a caret).
    fn compile_filter(&self, first: Option<&str>) -> Result<Option<Filter>, CliError> {
        let mut parts: Vec<String> = Vec::new();
        let words: Vec<&str> = first
            .into_iter()
            .chain(self.filter_words.iter().map(String::as_str))
            .collect();
        if !words.is_empty() {
            parts.push(words.join(" "));
        }
        parts.extend(self.filter.iter().cloned());
        parts.extend(self.display_filter.iter().cloned());
        if parts.is_empty() {
            return Ok(None);
        }
        let mut compiled = Vec::new();
        for text in &parts {
            compiled.push(Filter::new(text).map_err(|e| CliError::Usage(e.render(text)))?);
        }
        let text = if parts.len() == 1 {
            parts.swap_remove(0)
        } else {
            parts
                .iter()
                .map(|p| format!("({p})"))
                .collect::<Vec<_>>()
                .join(" and ")
        };
        // The parts parse on their own (errors point into the text the user wrote); the
        // whole is their conjunction.
        Filter::new(&text)
            .map(Some)
            .map_err(|e| CliError::Usage(e.render(&text)))
    }

    /// Splits the values of `-e` into tcpdump's flag and tshark's field names.
    fn chosen(&self) -> Chosen {
        let mut c = Chosen::default();
        for v in &self.e {
            if v.is_empty() {
                c.link_header = true;
            } else if is_field_name(v) {
                c.names.push(v.clone());
            } else if self.file.is_some() && c.word.is_none() && !Path::new(v).exists() {
                // `read f.pcap -e tcp port 80`: clap gave -e the filter's first word.
                c.link_header = true;
                c.word = Some(v.clone());
            } else if c.file.is_none() {
                // `read -e file.pcap`: clap gave the file to -e.
                c.link_header = true;
                c.file = Some(PathBuf::from(v));
            } else {
                c.names.push(v.clone());
            }
        }
        c.names
            .extend(self.fields.iter().filter(|f| !f.is_empty()).cloned());
        c
    }

    /// How many threads dissect.
    fn workers(&self) -> usize {
        self.threads.map_or_else(
            || std::thread::available_parallelism().map_or(2, |n| n.get().clamp(1, 8)),
            usize::from,
        )
    }
}

/// Where `-w` writes.
enum Sink {
    Pcap(PcapWriter<BufWriter<File>>, LinkTypeNumber),
    PcapNg(PcapNgWriter<BufWriter<File>>),
}

impl Sink {
    fn open(path: &Path, first: &RawPacket<'_>) -> Result<Sink, CliError> {
        let f = File::create(path).map_err(|e| {
            CliError::Runtime(format!(
                "error: cannot create {}: {e}\n(check that the directory exists and is writable)",
                path.display()
            ))
        })?;
        let w = BufWriter::with_capacity(1 << 20, f);
        let ng = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("pcapng"));
        let res = if ng {
            PcapNgWriter::new(w).map(Sink::PcapNg)
        } else if first.ts_nsec % 1000 != 0 {
            PcapWriter::new_nanosecond(w, first.link).map(|p| Sink::Pcap(p, first.link))
        } else {
            PcapWriter::new(w, first.link).map(|p| Sink::Pcap(p, first.link))
        };
        res.map_err(|e| write_err(path, &e))
    }

    fn write(&mut self, p: &RawPacket<'_>, path: &Path, snaplen: Option<u32>) -> CliResult {
        let cut = snaplen
            .and_then(|n| p.data.get(..n as usize))
            .unwrap_or(p.data);
        let r = match self {
            Sink::Pcap(w, link) => {
                if p.link != *link {
                    return Err(CliError::Runtime(format!(
                        "error: {} has packets of link types {} and {}: a pcap file holds one; \
                         name the output .pcapng",
                        path.display(),
                        link,
                        p.link
                    )));
                }
                w.write_record(p.ts_sec, p.ts_nsec, p.orig_len, cut)
            }
            Sink::PcapNg(w) => {
                w.write_record(p.link, p.ts_sec, p.ts_nsec, p.orig_len, cut, p.comment)
            }
        };
        r.map_err(|e| write_err(path, &e))
    }

    fn finish(self, path: &Path) -> CliResult {
        let r = match self {
            Sink::Pcap(w, _) => w.into_inner().map(drop),
            Sink::PcapNg(w) => w.into_inner().map(drop),
        };
        r.map_err(|e| write_err(path, &e))
    }
}

fn write_err(path: &Path, e: &std::io::Error) -> CliError {
    CliError::Runtime(format!("error: writing {}: {e}", path.display()))
}

/// Files larger than this get a progress bar on a terminal.
const PROGRESS_MIN: u64 = 100 << 20;

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
    /// Time of the packet before it in the file (its own for the first).
    prev_ts: (i64, u32),
}

impl Rec {
    /// Packet `number` of the file, its bytes at `start` of its batch's bytes.
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
}

/// Writes the workers' output in file order as it arrives, releasing the pages of a mapped
/// file behind it and moving the progress bar. At the first failed write, `stop` is called
/// (so the workers stop) and the rest is drained unwritten; returns that failure.
fn write_in_order(
    done: mpsc::Receiver<Done>,
    out: &mut dyn Write,
    mapped: Option<&MappedFile>,
    progress: Option<&indicatif::ProgressBar>,
    stop: impl Fn(),
) -> Result<u64, CliError> {
    let mut matched = 0u64;
    let mut pending: BTreeMap<u64, (Out, u64)> = BTreeMap::new();
    let mut next_seq = 0u64;
    let mut released = 0u64;
    let mut result: CliResult = Ok(());
    for (seq, text, end) in done.iter() {
        pending.insert(seq, (text, end));
        while let Some((o, end)) = pending.remove(&next_seq) {
            next_seq += 1;
            matched += o.matched;
            let text = o.text;
            // Every packet before `end` is done with: keep resident memory bounded.
            if let Some(m) = mapped {
                if end >= released + RELEASE_STEP {
                    m.release(released as usize..end as usize);
                    released = end;
                }
            }
            if let Some(pb) = progress {
                pb.set_position(end);
            }
            if result.is_ok() {
                if let Err(e) = out.write_all(&text) {
                    result = Err(CliError::from(e));
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
    /// File offset just past the batch's last packet.
    end: u64,
    /// Time of the file's first packet (`frame.time_relative`); `None`: this batch's first.
    first_ts: Option<(i64, u32)>,
}

/// Where a batch's packet bytes are: copied out of the reader's buffer, or in the mapped
/// file ([`Rec::start`] is then a file offset).
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
    failure: Option<CliError>,
}

/// Runs `pktforge read`: a reader thread streams the file into batches (and writes `-w`),
/// worker threads dissect and format batches in parallel, and this thread writes their output
/// in file order.
pub fn run(a: &Args, out: &mut dyn Write) -> CliResult {
    let mut chosen = a.chosen();
    let path = match (a.file.as_deref(), a.read.as_deref(), chosen.file.as_deref()) {
        // `read -e f.pcap tcp port 80`: clap gave the file to -e and FILE the filter's first
        // word.
        (Some(w), None, Some(extra)) if extra.exists() && !w.exists() && chosen.word.is_none() => {
            chosen.word = Some(w.display().to_string());
            extra.to_path_buf()
        }
        (Some(_), _, Some(extra)) | (_, Some(_), Some(extra)) => {
            return Err(CliError::Usage(format!(
                "error: -e {}: not a field name (`pktforge fields` lists them)",
                extra.display()
            )));
        }
        (Some(_), Some(_), None) => {
            return Err(CliError::Usage(
                "error: name the capture file once: FILE or -r FILE".into(),
            ));
        }
        (Some(p), None, None) | (None, Some(p), None) | (None, None, Some(p)) => p.to_path_buf(),
        (None, None, None) => {
            return Err(CliError::Usage(
                "error: name a capture file, or - for stdin".into(),
            ));
        }
    };
    let columns = field_output(a, &chosen)?;
    let filter = a.compile_filter(chosen.word.as_deref())?;
    let shown = path.display().to_string();
    let opened = if a.no_mmap {
        CaptureReader::open(&path)
    } else {
        // SAFETY: a capture file is not expected to change while it is read, as ripgrep
        // expects of the files it searches; `--no-mmap` is there for files still being
        // written (documented on the flag and in src/capture/mapped.rs).
        #[allow(unsafe_code)]
        unsafe {
            CaptureReader::open_mapped(&path)
        }
    };
    let reader = opened.map_err(|e| CliError::Runtime(format!("error: {shown}: {e}")))?;
    let mapped = reader.mapped().cloned();
    let progress = progress_bar(&path);
    let opts = Format {
        json: a.json,
        verbose: a.verbose,
        hex: a.hex,
        hex_ascii: a.hex_ascii,
        link_header: chosen.link_header,
        quiet: a.count || a.write.is_some(),
        columns: columns.as_ref().map(|(s, f)| (s, f)),
    };
    if let (Some((sel, fmt)), false, false) = (&columns, opts.quiet, a.json) {
        if fmt.header {
            let mut h = Vec::new();
            write_header(sel, fmt, &mut h);
            out.write_all(&h)?;
        }
    }
    // With a filter, -c counts matches: the reader thread filters, in file order.
    let sequential_filter = filter.is_some() && (a.limit.is_some() || a.write.is_some());
    // A mapped file is read in parallel chunks (`-w` writes from one thread).
    if let Some(map) = mapped
        .clone()
        .filter(|_| a.write.is_none() && !sequential_filter)
    {
        let first = first_packet(&reader);
        if let (Some(f), Some((link, _))) = (&filter, first) {
            f.check_link(link)
                .map_err(|e| CliError::Usage(format!("error: {shown}: {e}")))?;
        }
        let work = Work {
            fmt: opts,
            filter: filter.as_ref(),
            prefiltered: false,
        };
        let n = chunked::run(&reader, map, a, &shown, &work, out, progress.as_ref());
        if let Some(pb) = &progress {
            pb.finish_and_clear();
        }
        let (n, matched, failure) = n?;
        if a.count {
            let n = if filter.is_some() { matched } else { n };
            out.write_all(format!("{n}\n").as_bytes())?;
        }
        return failure.map_or(Ok(()), Err);
    }
    let workers = a.workers();
    let stop = Arc::new(AtomicBool::new(false));
    let (batch_tx, batch_rx) = mpsc::sync_channel::<Batch>(workers * 2);
    let batch_rx = Arc::new(Mutex::new(batch_rx));
    let (done_tx, done_rx) = mpsc::sync_channel::<Done>(workers * 2);
    let work = Work {
        fmt: opts,
        filter: filter.as_ref(),
        prefiltered: sequential_filter,
    };
    std::thread::scope(|scope| -> CliResult {
        let reader_stop = Arc::clone(&stop);
        let pb = progress.clone();
        let fl = filter.as_ref();
        let reading = scope.spawn(move || {
            read_batches(reader, a, &shown, fl, batch_tx, &reader_stop, pb.as_ref())
        });
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
        let end = reading
            .join()
            .map_err(|_| CliError::Runtime("error: the reader thread failed".into()))??;
        if let Some(pb) = &progress {
            pb.finish_and_clear();
        }
        let matched = result?;
        if a.count {
            let n = match (&filter, sequential_filter) {
                (None, _) => end.packets,
                (Some(_), true) => end.matched,
                (Some(_), false) => matched,
            };
            out.write_all(format!("{n}\n").as_bytes())?;
        }
        match end.failure {
            Some(e) => Err(e),
            None => Ok(()),
        }
    })
}

/// The link type and time of the first packet of a mapped file.
fn first_packet(reader: &CaptureReader) -> Option<(u32, (i64, u32))> {
    let mut r = reader.fork_at(reader.bytes_read() as usize)?;
    let p = r.next_packet()?.ok()?;
    Some((p.link.0, (p.ts_sec, p.ts_nsec)))
}

/// The reader thread: packets into batches, `-w` in file order. With a filter and -c or
/// -w, it filters here (so that -c counts matches and -w writes them) and sends only what
/// passed.
fn read_batches(
    mut reader: CaptureReader,
    a: &Args,
    shown: &str,
    filter: Option<&Filter>,
    tx: mpsc::SyncSender<Batch>,
    stop: &AtomicBool,
    progress: Option<&indicatif::ProgressBar>,
) -> Result<ReadEnd, CliError> {
    let mut sink: Option<Sink> = None;
    let mut n: u64 = 0;
    let mut matched: u64 = 0;
    let mut seq = 0u64;
    let mut failure = None;
    let mapped = reader.mapped().cloned();
    let here = filter.filter(|_| a.limit.is_some() || a.write.is_some());
    let new_batch = |seq| Batch {
        seq,
        data: match &mapped {
            Some(m) => BatchBytes::Mapped(m.clone()),
            None => BatchBytes::Copied(Vec::with_capacity(BATCH_BYTES + 65_536)),
        },
        recs: Vec::with_capacity(BATCH_PACKETS),
        end: 0,
        first_ts: None,
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
    while a.limit.is_none_or(|l| counted(n, matched) < l) && !stop.load(Ordering::Relaxed) {
        let pkt = match reader.next_packet() {
            None => break,
            Some(Ok(p)) => p,
            Some(Err(e)) => {
                failure = Some(CliError::Runtime(format!(
                    "warning: {shown}: {e}; the {n} packets before it were read"
                )));
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
                f.check_link(pkt.link.0)
                    .map_err(|e| CliError::Usage(format!("error: {shown}: {e}")))?;
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
        if let Some(w) = &a.write {
            if sink.is_none() {
                sink = Some(Sink::open(w, &pkt)?);
            }
            if let Some(s) = sink.as_mut() {
                s.write(&pkt, w, a.snaplen)?;
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
        if batch.recs.len() >= BATCH_PACKETS || batch_bytes >= BATCH_BYTES {
            seq += 1;
            batch_bytes = 0;
            let full = std::mem::replace(&mut batch, new_batch(seq));
            if tx.send(full).is_err() {
                break;
            }
            if let Some(pb) = progress {
                pb.set_position(reader.bytes_read());
            }
        }
    }
    if !batch.recs.is_empty() {
        let _ = tx.send(batch);
    }
    if let (None, Some(w), Some((link, ts_nsec))) = (&sink, &a.write, first_shape) {
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
        sink = Some(Sink::open(w, &shape)?);
    }
    if let (Some(s), Some(w)) = (sink, &a.write) {
        s.finish(w)?;
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

/// The chosen fields and how to write them, from `-e`, `--fields`, `-E` and `--csv`;
/// `None` when no field is chosen.
fn field_output(a: &Args, c: &Chosen) -> Result<Option<(Selection, FieldsFormat)>, CliError> {
    let usage = |m: String| CliError::Usage(format!("error: {m}"));
    if c.names.is_empty() {
        if a.csv || !a.field_opts.is_empty() {
            return Err(usage(
                "--csv and -E write chosen fields: name them with -e NAME or --fields A,B,C".into(),
            ));
        }
        return Ok(None);
    }
    if a.verbose || a.count {
        return Err(usage(
            "-e NAME and --fields print fields: not with -v or --count".into(),
        ));
    }
    if a.json && (a.csv || !a.field_opts.is_empty()) {
        return Err(usage(
            "with --json, -e NAME picks the keys: -E and --csv are for field lines".into(),
        ));
    }
    let sel = Selection::new(&c.names).map_err(|e| usage(e.to_string()))?;
    let mut fmt = if a.csv {
        FieldsFormat::csv()
    } else {
        FieldsFormat::default()
    };
    for o in &a.field_opts {
        fmt.set(o).map_err(usage)?;
    }
    Ok(Some((sel, fmt)))
}

/// What to print for each packet.
#[derive(Debug, Clone, Copy)]
struct Format<'c> {
    json: bool,
    verbose: bool,
    hex: bool,
    hex_ascii: bool,
    link_header: bool,
    /// `--count` or `-w`: dissect, print nothing.
    quiet: bool,
    /// `-e NAME`, `--fields`: the fields, and how field lines are written.
    columns: Option<(&'c Selection, &'c FieldsFormat)>,
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
        let link = LinkType::from_pcap(r.link.0);
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
        if (!f.verbose || f.quiet) && !dissected {
            dissect_frame(link, data, r.orig_len as usize, &mut d);
        }
        if f.quiet {
            continue;
        }
        if let Some((sel, tf)) = f.columns {
            let frame = Frame {
                meta: &meta,
                first_ts,
                prev_ts: r.prev_ts,
                data,
                d: &d,
            };
            if f.json {
                write_json_fields(&frame, sel, &mut buf);
            } else {
                write_fields_line(&frame, sel, tf, &mut buf);
            }
        } else if f.json {
            write_json(&meta, &d, &mut buf);
        } else if f.verbose {
            let p = Packet::parse_frame(link, data, r.orig_len as usize);
            buf.extend_from_slice(
                format!(
                    "Frame {}: {} bytes on the wire, {} captured, {}\n",
                    r.number, r.orig_len, r.len as u32, r.link
                )
                .as_bytes(),
            );
            buf.extend_from_slice(p.show_raw().as_bytes());
            if let Some(e) = p.error() {
                buf.extend_from_slice(format!("[malformed: {e}]\n").as_bytes());
            } else if let Some(c) = p.cut() {
                let l = c.layer();
                buf.extend_from_slice(
                    format!("[Packet size limited during capture: {l} truncated]\n").as_bytes(),
                );
            }
        } else {
            let meta = LineMeta {
                ts_sec: r.ts_sec,
                ts_nsec: r.ts_nsec,
                orig_len: r.orig_len,
                link: r.link,
            };
            write_line(&meta, &d, f.link_header, &mut buf);
        }
        if f.hex_ascii {
            buf.extend_from_slice(hexdump(data).as_bytes());
        } else if f.hex {
            hex_lines(data, &mut buf);
        }
    }
    Out { text: buf, matched }
}

/// `-x`: the bytes in hex, 16 per line, as tcpdump prints them.
fn hex_lines(data: &[u8], out: &mut Vec<u8>) {
    for (i, chunk) in data.chunks(16).enumerate() {
        let _ = write!(out, "\t0x{:04x}: ", i * 16);
        for pair in chunk.chunks(2) {
            out.push(b' ');
            for b in pair {
                let _ = write!(out, "{b:02x}");
            }
        }
        out.push(b'\n');
    }
}

fn progress_bar(path: &Path) -> Option<indicatif::ProgressBar> {
    if path == Path::new("-") || !std::io::stderr().is_terminal() {
        return None;
    }
    let len = std::fs::metadata(path).ok()?.len();
    if len < PROGRESS_MIN {
        return None;
    }
    let pb = indicatif::ProgressBar::new(len);
    pb.set_style(
        indicatif::ProgressStyle::with_template(
            "{bar:40} {bytes}/{total_bytes} {bytes_per_sec} {eta}",
        )
        .ok()?,
    );
    pb.set_draw_target(indicatif::ProgressDrawTarget::stderr());
    Some(pb)
}
