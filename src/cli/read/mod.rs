//! `pktforge read FILE...`: dissect pcap or pcapng captures (gzip too; `-` is stdin) with
//! the fast dissector, one line per packet like `tcpdump -n`, or a layer tree (`-v`), hex
//! (`-x`, `-X`), JSON, chosen fields, a count (`--count`), or copy the packets to a file
//! (`-w`).
//!
//! This module only turns the flags into [`crate::pipeline::Options`] and a packet source,
//! and the pipeline's errors into messages: the work is [`crate::pipeline::run`], the
//! writers are [`crate::output`]. One file is read as it is (mapped and in parallel chunks
//! when it can be); several are merged by timestamp as `mergecap` merges them
//! ([`MergeSource::merged`]), or with `--no-merge` read one after the other
//! ([`MergeSource::chained`]).
//!
//! Words after the first file that name existing files (or `-`) are files too; the first
//! word that is not an existing file starts the filter (`read a.pcap b.pcap tcp port 80`).
//!
//! `-e NAME` / `--fields A,B,C` print chosen Wireshark fields instead, one line per packet
//! like `tshark -T fields` (`-E` as tshark has it, `--csv` for RFC 4180), or pick the keys
//! of `--json` objects. `-e` alone is still tcpdump's link-header flag.
//!
//! Output is written in packet order. A record cut short at the end of a file prints every
//! complete packet, then a warning naming the byte offset, and the exit status is 1.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use crate::capture::{CaptureReader, FileSource, MergeSource};
use crate::cli::{CliError, CliResult};
use crate::filter::Filter;
use crate::output::Format;
use crate::output::columns::{FieldsFormat, Selection};
use crate::pipeline::{self, Options};

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
    /// More capture files, then a filter, as tcpdump takes it: `pktforge read f.pcap tcp
    /// port 80`, `pktforge read a.pcap b.pcap udp`. The words after FILE that name existing
    /// files (or `-`) are files; the first word that does not starts the filter. Several
    /// files are merged by timestamp as `mergecap` merges them (of equal times, the later
    /// file's packet first, as mergecap puts them), frames numbered over the merge; see
    /// --no-merge. In the
    /// filter, tcpdump's capture-filter primitives and Wireshark's display-filter
    /// comparisons (`ip.src == 198.18.0.0/15`) may be mixed; see `-f`.
    #[arg(value_name = "FILE|FILTER")]
    pub filter_words: Vec<String>,
    /// With several files: read them one after the other (frames numbered on across them)
    /// instead of merging their packets by timestamp.
    #[arg(long)]
    pub no_merge: bool,
    /// Keep only the packets that match EXPR (tcpdump syntax such as `tcp port 443 and not
    /// host 198.18.0.1`, Wireshark syntax such as `tcp.flags.syn == 1 && ip.dst ==
    /// 198.18.0.0/15`, or both mixed). With -c, counts matching packets; with --count,
    /// counts them; with -w, writes them.
    #[arg(short = 'f', long = "filter", value_name = "EXPR")]
    pub filter: Option<String>,
    /// The same language as -f, as tshark's -Y takes display filters; with -f, both must match.
    #[arg(short = 'Y', long = "display-filter", value_name = "EXPR")]
    pub display_filter: Option<String>,
    /// `-e`, `--fields`, `-E`, `--csv`.
    #[command(flatten)]
    pub out_fields: FieldArgs,
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

/// The flags that choose fields (read's and sniff's).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct FieldArgs {
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
pub(crate) fn is_field_name(s: &str) -> bool {
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
    fn compile_filter(
        &self,
        first: Option<&str>,
        rest: &[String],
    ) -> Result<Option<Filter>, CliError> {
        let mut parts: Vec<String> = Vec::new();
        let words: Vec<&str> = first
            .into_iter()
            .chain(rest.iter().map(String::as_str))
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
        for v in &self.out_fields.e {
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
        c.names.extend(
            self.out_fields
                .fields
                .iter()
                .filter(|f| !f.is_empty())
                .cloned(),
        );
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

/// The chosen fields and how to write them, from `-e`, `--fields`, `-E` and `--csv`;
/// `None` when no field is chosen.
fn field_output(a: &Args, c: &Chosen) -> Result<Option<(Selection, FieldsFormat)>, CliError> {
    let flags = FieldFlags {
        csv: a.out_fields.csv,
        field_opts: &a.out_fields.field_opts,
        verbose_or_count: a.verbose || a.count,
        json: a.json,
    };
    fields_of(&c.names, &flags)
}

/// The flags beside `-e NAME` that say how field lines are written (read's and sniff's).
pub(crate) struct FieldFlags<'a> {
    /// `--csv`.
    pub csv: bool,
    /// `-E OPT=VALUE`.
    pub field_opts: &'a [String],
    /// `-v` or `--count`, which print no fields.
    pub verbose_or_count: bool,
    /// `--json`: the names pick the keys.
    pub json: bool,
}

/// The selection of the field `names` and its line format; `None` when no field is named.
pub(crate) fn fields_of(
    names: &[String],
    a: &FieldFlags<'_>,
) -> Result<Option<(Selection, FieldsFormat)>, CliError> {
    let usage = |m: String| CliError::Usage(format!("error: {m}"));
    if names.is_empty() {
        if a.csv || !a.field_opts.is_empty() {
            return Err(usage(
                "--csv and -E write chosen fields: name them with -e NAME or --fields A,B,C".into(),
            ));
        }
        return Ok(None);
    }
    if a.verbose_or_count {
        return Err(usage(
            "-e NAME and --fields print fields: not with -v or --count".into(),
        ));
    }
    if a.json && (a.csv || !a.field_opts.is_empty()) {
        return Err(usage(
            "with --json, -e NAME picks the keys: -E and --csv are for field lines".into(),
        ));
    }
    let sel = Selection::new(names).map_err(|e| usage(e.to_string()))?;
    let mut fmt = if a.csv {
        FieldsFormat::csv()
    } else {
        FieldsFormat::default()
    };
    for o in a.field_opts {
        fmt.set(o).map_err(usage)?;
    }
    Ok(Some((sel, fmt)))
}

/// Files larger than this (all together) get a progress bar on a terminal.
const PROGRESS_MIN: u64 = 100 << 20;

fn progress_bar(paths: &[PathBuf]) -> Option<indicatif::ProgressBar> {
    if paths.iter().any(|p| p == Path::new("-")) || !std::io::stderr().is_terminal() {
        return None;
    }
    let mut len = 0u64;
    for p in paths {
        len = len.saturating_add(std::fs::metadata(p).ok()?.len());
    }
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

/// True when a word after the first file is a file too: an existing path, `-`, or a name
/// that ends like a capture file (so that a missing one says so instead of failing to
/// parse as a filter).
fn is_file_word(w: &str) -> bool {
    let capture = [".pcap", ".pcapng", ".gz", ".cap"]
        .iter()
        .any(|x| w.ends_with(x));
    w == "-" || capture || Path::new(w).is_file()
}

/// Opens one capture file (mapped unless `--no-mmap`).
fn open(path: &Path, no_mmap: bool) -> Result<FileSource, CliError> {
    let name = path.display().to_string();
    let opened = if no_mmap {
        CaptureReader::open(path)
    } else {
        // SAFETY: a capture file is not expected to change while it is read, as ripgrep
        // expects of the files it searches; `--no-mmap` is there for files still being
        // written (documented on the flag and in src/capture/mapped.rs).
        #[allow(unsafe_code)]
        unsafe {
            CaptureReader::open_mapped(path)
        }
    };
    let reader = opened.map_err(|e| CliError::Runtime(format!("error: {name}: {e}")))?;
    Ok(FileSource { reader, name })
}

/// The pipeline's errors as `read` reports them.
fn cli_error(e: pipeline::Error) -> CliError {
    match e {
        pipeline::Error::Source { .. } => CliError::Runtime(format!("warning: {e}")),
        pipeline::Error::Filter { .. } => CliError::Usage(format!("error: {e}")),
        pipeline::Error::Output(io) => CliError::from(io),
        pipeline::Error::Sink(_) | pipeline::Error::Thread(_) => {
            CliError::Runtime(format!("error: {e}"))
        }
    }
}

/// Runs `pktforge read`: the flags into pipeline options, the files into one source, and
/// [`pipeline::run`] over them.
pub fn run(a: &Args, out: &mut dyn Write) -> CliResult {
    let mut chosen = a.chosen();
    // Files that come after the one `-e` took.
    let mut first_files: Vec<PathBuf> = Vec::new();
    let path = match (a.file.as_deref(), a.read.as_deref(), chosen.file.as_deref()) {
        // `read -e f.pcap tcp port 80`: clap gave the file to -e and FILE the filter's first
        // word.
        (Some(w), None, Some(extra)) if extra.exists() && !w.exists() && chosen.word.is_none() => {
            chosen.word = Some(w.display().to_string());
            extra.to_path_buf()
        }
        // `read -e a.pcap b.pcap`: clap gave the first file to -e (it is read first).
        (Some(w), None, Some(extra)) if extra.exists() && w.exists() && chosen.word.is_none() => {
            first_files.push(w.to_path_buf());
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
    // The words after the file: more files, then the filter. (When -e took the filter's
    // first word, every word after it is the filter's.)
    let mut paths = vec![path];
    paths.append(&mut first_files);
    let mut words: &[String] = &a.filter_words;
    if chosen.word.is_none() {
        while let Some((w, rest)) = words.split_first().filter(|(w, _)| is_file_word(w)) {
            paths.push(PathBuf::from(w));
            words = rest;
        }
    }
    let columns = field_output(a, &chosen)?;
    let filter = a.compile_filter(chosen.word.as_deref(), words)?;
    let mut files = Vec::with_capacity(paths.len());
    for p in &paths {
        files.push(open(p, a.no_mmap)?);
    }
    let progress = progress_bar(&paths);
    let report = |at: u64| {
        if let Some(pb) = &progress {
            pb.set_position(at);
        }
    };
    let opts = Options {
        format: Format {
            json: a.json,
            verbose: a.verbose,
            hex: a.hex,
            hex_ascii: a.hex_ascii,
            link_header: chosen.link_header,
            quiet: a.count || a.write.is_some(),
            columns: columns.as_ref().map(|(s, f)| (s, f)),
        },
        filter: filter.as_ref(),
        limit: a.limit,
        write: a.write.as_deref(),
        snaplen: a.snaplen,
        workers: a.workers(),
        progress: progress.as_ref().map(|_| &report as &(dyn Fn(u64) + Sync)),
    };
    let result = if files.len() == 1 {
        let mut one = files.remove(0);
        pipeline::run(&mut one, &opts, out)
    } else if a.no_merge {
        pipeline::run(&mut MergeSource::chained(files), &opts, out)
    } else {
        pipeline::run(&mut MergeSource::merged(files), &opts, out)
    };
    if let Some(pb) = &progress {
        pb.finish_and_clear();
    }
    let summary = result.map_err(cli_error)?;
    if a.count {
        out.write_all(format!("{}\n", summary.count()).as_bytes())?;
    }
    summary.ended_by.map_or(Ok(()), |e| Err(cli_error(e)))
}
