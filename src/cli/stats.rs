//! `pktforge stats`: what a capture holds, as Wireshark's Statistics menu and `tshark -q -z`
//! show it (summary, protocol hierarchy, conversations, endpoints, IO, DNS, TCP). The work
//! is the library's ([`crate::stats`]); this module turns flags into a [`Want`], folds each
//! file and prints the tables.

use std::io::Write;
use std::path::PathBuf;

use clap::{ArgAction, Args as ClapArgs};

use super::{CliError, CliResult, emit};
use crate::capture::{CaptureReader, FileFormat};
use crate::filter::Filter;
use crate::stats::conv::{ConvKind, SortBy};
use crate::stats::fold::{FoldConfig, fold_capture};
use crate::stats::summary::{self, FileInfo};
use crate::stats::table::Table;
use crate::stats::{Fold, StatSet, Want};

/// Arguments of `pktforge stats`.
#[derive(Debug, ClapArgs)]
#[command(after_help = "Examples:\n  pktforge stats capture.pcap\n  \
    pktforge stats capture.pcap --phs\n  pktforge stats a.pcap b.pcapng --conv tcp --top 10 --sort bytes\n  \
    pktforge stats capture.pcap --endpoints ip --json\n  \
    pktforge stats capture.pcap --io 1 --plot io.svg\n  pktforge stats capture.pcap --dns --tcp -f 'port 53 or tcp'")]
pub struct Args {
    /// Capture files (pcap, pcapng, gzip; - for stdin), counted together in the order given.
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,
    /// Count only packets that pass this filter (tcpdump or Wireshark syntax, as `read -f`).
    #[arg(short = 'f', long = "filter", value_name = "EXPR")]
    pub filter: Option<String>,
    /// The same language as -f, as tshark's -Y takes display filters; with -f, both must match.
    #[arg(short = 'Y', long = "display-filter", value_name = "EXPR")]
    pub display_filter: Option<String>,
    /// Protocol hierarchy: frames and bytes per protocol path (tshark -z io,phs).
    #[arg(long)]
    pub phs: bool,
    /// Conversations of eth, ip, ipv6, tcp or udp (tshark -z conv,TYPE); repeatable.
    #[arg(long, value_name = "TYPE", action = ArgAction::Append)]
    pub conv: Vec<String>,
    /// Endpoints of eth, ip, ipv6, tcp or udp (tshark -z endpoints,TYPE); repeatable.
    #[arg(long, value_name = "TYPE", action = ArgAction::Append)]
    pub endpoints: Vec<String>,
    /// Packets and bytes per interval of SECONDS (tshark -z io,stat,SECONDS), with a bar chart.
    #[arg(long, value_name = "SECONDS")]
    pub io: Option<f64>,
    /// With --io: draw the IO graph into FILE.svg.
    #[arg(long, value_name = "FILE.svg", requires = "io")]
    pub plot: Option<PathBuf>,
    /// DNS: top query names, query types, response codes, response times.
    #[arg(long)]
    pub dns: bool,
    /// TCP: handshakes, resets, retransmissions, zero windows, SYN to SYN-ACK times.
    #[arg(long)]
    pub tcp: bool,
    /// Show at most N rows of conversation, endpoint and DNS name tables.
    #[arg(long, value_name = "N")]
    pub top: Option<usize>,
    /// Order conversations and endpoints by frames, bytes or duration (most first).
    #[arg(long, value_name = "KEY", default_value = "frames")]
    pub sort: String,
    /// JSON: one object, one array of row objects per statistic.
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// CSV: one header line and rows per statistic, statistics separated by a blank line.
    #[arg(long)]
    pub csv: bool,
    /// Worker threads for mapped files (default: the cores, at most 8).
    #[arg(long, value_name = "N")]
    pub threads: Option<u16>,
    /// Read files instead of mapping them (for files still being written).
    #[arg(long)]
    pub no_mmap: bool,
    /// Most entries of a conversation, endpoint, DNS or TCP flow table (for tests; the
    /// default is 250000).
    #[arg(long, value_name = "N", hide = true)]
    pub table_cap: Option<usize>,
}

impl Args {
    fn filter(&self) -> Result<Option<Filter>, CliError> {
        let parts: Vec<&String> = self.filter.iter().chain(&self.display_filter).collect();
        for p in &parts {
            Filter::new(p).map_err(|e| CliError::Usage(e.render(p)))?;
        }
        let text = match parts.as_slice() {
            [] => return Ok(None),
            [one] => (*one).clone(),
            many => many
                .iter()
                .map(|p| format!("({p})"))
                .collect::<Vec<_>>()
                .join(" and "),
        };
        Filter::new(&text)
            .map(Some)
            .map_err(|e| CliError::Usage(e.render(&text)))
    }

    fn want(&self) -> Result<(Want, bool), CliError> {
        let kinds = |v: &[String], what: &str| -> Result<Vec<ConvKind>, CliError> {
            v.iter()
                .map(|s| {
                    ConvKind::from_name(s).ok_or_else(|| {
                        CliError::Usage(format!(
                            "error: --{what} {s}: not a type; use eth, ip, ipv6, tcp or udp"
                        ))
                    })
                })
                .collect()
        };
        let io_ns = match self.io {
            None => None,
            Some(s) if s.is_finite() && s > 0.0 && s * 1e9 >= 1.0 && s <= 1e9 => {
                Some((s * 1e9).round() as u64)
            }
            Some(s) => {
                return Err(CliError::Usage(format!(
                    "error: --io {s}: the interval must be a number of seconds above 0 (0.001, 1, 60)"
                )));
            }
        };
        let mut w = Want {
            phs: self.phs,
            conv: kinds(&self.conv, "conv")?,
            endpoints: kinds(&self.endpoints, "endpoints")?,
            io_ns,
            dns: self.dns,
            tcp: self.tcp,
            cap: self.table_cap.unwrap_or(0),
        };
        let plain = !w.phs
            && w.conv.is_empty()
            && w.endpoints.is_empty()
            && w.io_ns.is_none()
            && !w.dns
            && !w.tcp;
        if plain {
            w.phs = true;
        }
        Ok((w, plain))
    }

    fn workers(&self) -> usize {
        self.threads.map_or_else(
            || std::thread::available_parallelism().map_or(2, |n| n.get().clamp(1, 8)),
            usize::from,
        )
    }

    fn open(&self, path: &std::path::Path) -> Result<CaptureReader, CliError> {
        let opened = if self.no_mmap {
            CaptureReader::open(path)
        } else {
            // SAFETY: as for `pktforge read`: a capture file is not expected to change while
            // it is read; `--no-mmap` is there for files still being written.
            #[allow(unsafe_code)]
            unsafe {
                CaptureReader::open_mapped(path)
            }
        };
        opened.map_err(|e| CliError::Runtime(format!("error: {}: {e}", path.display())))
    }
}

fn file_info(r: &CaptureReader, name: String) -> FileInfo {
    let gz = if r.is_compressed() { " (gzip)" } else { "" };
    let (file_type, snaplen) = match r.format() {
        FileFormat::Pcap {
            nanosecond,
            snaplen,
            ..
        } => (
            format!("pcap{}{gz}", if nanosecond { " (nanoseconds)" } else { "" }),
            vec![snaplen],
        ),
        FileFormat::PcapNg => (format!("pcapng{gz}"), Vec::new()),
    };
    FileInfo {
        name,
        file_type,
        snaplen,
        read: 0,
    }
}

/// Runs `pktforge stats`.
pub fn run(a: &Args, out: &mut dyn Write) -> CliResult {
    let filter = a.filter()?;
    let (want, plain) = a.want()?;
    let sort = SortBy::from_name(&a.sort).ok_or_else(|| {
        CliError::Usage(format!(
            "error: --sort {}: use frames, bytes or duration",
            a.sort
        ))
    })?;
    let workers = want.workers(a.workers());
    let mut total: Option<StatSet> = None;
    let mut files: Vec<(FileInfo, summary::Summary)> = Vec::new();
    let mut cfg = FoldConfig {
        workers,
        filter: filter.as_ref(),
        through: want.through(),
        ..FoldConfig::default()
    };
    let mut warnings = Vec::new();
    for path in &a.files {
        let name = path.display().to_string();
        let reader = a.open(path)?;
        let mut info = file_info(&reader, name.clone());
        let mut folded = fold_capture(reader, &cfg, &|| want.make());
        if folded.value.overflowed() && workers > 1 {
            // A worker's capped table filled up: fold again in file order for exact tables.
            let one = FoldConfig { workers: 1, ..cfg };
            folded = fold_capture(a.open(path)?, &one, &|| want.make());
        }
        info.read = folded.packets;
        if let Some(e) = folded.error.take() {
            warnings.push(format!(
                "warning: {name}: {e}; the {} packets before it were counted",
                folded.packets
            ));
        }
        cfg.numbers_before += folded.packets;
        cfg.first_ts = cfg.first_ts.or(folded.first_ts);
        cfg.prev_ts = folded.last_ts.or(cfg.prev_ts);
        files.push((info, folded.value.summary.clone()));
        match &mut total {
            None => total = Some(folded.value),
            Some(t) => t.merge(folded.value),
        }
    }
    let Some(set) = total else {
        return Ok(());
    };
    let start = cfg.first_ts.unwrap_or((0, 0));
    let top = a.top;
    let mut tables: Vec<Table> = Vec::new();
    if plain {
        tables.push(summary::table(&files));
    }
    if let Some(p) = &set.phs {
        tables.push(p.table());
    }
    for c in &set.conv {
        tables.push(c.table(start, sort, top));
    }
    for e in &set.endpoints {
        tables.push(e.table(sort, top));
    }
    if let Some(io) = &set.io {
        tables.push(io.table());
        if let Some(p) = &a.plot {
            let title = format!(
                "IO graph: {}",
                a.files
                    .iter()
                    .map(|f| f.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            let svg = io
                .svg(&title)
                .map_err(|e| CliError::Runtime(format!("error: drawing the IO graph: {e}")))?;
            std::fs::write(p, svg).map_err(|e| {
                CliError::Runtime(format!(
                    "error: {}: cannot write the IO graph: {e}",
                    p.display()
                ))
            })?;
        }
    }
    if let Some(d) = &set.dns {
        tables.extend(d.tables(top));
    }
    if let Some(t) = &set.tcp {
        tables.extend(t.tables());
    }
    let mut s = String::new();
    if a.json {
        s.push('{');
        for (i, t) in tables.iter().enumerate() {
            if i > 0 {
                s.push(',');
            }
            t.write_json(&mut s);
        }
        s.push_str("}\n");
    } else if a.csv {
        for (i, t) in tables.iter().enumerate() {
            if i > 0 {
                s.push('\n');
            }
            s.push_str(&format!("# {}\n", t.key));
            t.write_csv(&mut s);
        }
    } else {
        let ftext = filter
            .as_ref()
            .map(|f| f.text().to_string())
            .unwrap_or_default();
        for (i, t) in tables.iter().enumerate() {
            // The hierarchy starts with a blank line of its own, as tshark's does.
            if i > 0 && t.key != "phs" {
                s.push('\n');
            }
            if t.key == "summary" {
                summary::write_text(&files, &mut s);
            } else if t.key == "phs" {
                if let Some(p) = &set.phs {
                    p.write_text(&ftext, &mut s);
                }
            } else {
                t.write_text(&mut s);
            }
        }
    }
    emit(out, &s)?;
    if warnings.is_empty() {
        Ok(())
    } else {
        out.flush()?;
        Err(CliError::Runtime(warnings.join("\n")))
    }
}
