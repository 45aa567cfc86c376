//! `pktforge sniff`: capture live packets on an interface, tcpdump-style.
//!
//! The packets come from a live source of [`crate::capture::live`] (the `TPACKET_V3` ring
//! by default); the tcpdump part of the filter runs in the kernel, the rest in user space.
//! Packets are printed as `read` prints them (one function, [`show_packet`], does all the
//! printing) or written to a pcap/pcapng file (`-w`, rotated with `-C`/`-W`).
//!
//! Privileges: once the socket and the first `-w` file are open, a capture started as root
//! switches to the user of `-Z` (`nobody` by default; `-Z root` keeps root) and drops every
//! capability, so the dissectors never run as root. With `-C`, the later files are created
//! as that user: the directory must be writable by it (as with tcpdump).
//!
//! On exit (Ctrl-C, SIGTERM, `-c`, `--timeout`) it prints tcpdump's three lines on stderr
//! (packets captured, received by filter, dropped by kernel) and exits 0. Errors: no
//! `CAP_NET_RAW` or an unknown interface, exit 1; a filter that does not parse, exit 2.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::capture::live::{self, Backend, Cooked, LiveConfig, LiveError};
use crate::capture::{LinkTypeNumber, PcapNgWriter, PcapWriter, RawPacket};
use crate::cli::{CliError, CliResult};
use crate::dissect::Dissection;
use crate::filter::Filter;
use crate::net::iface;
use crate::output::{Format, FrameMeta};
use crate::pipeline;

/// Options of `pktforge sniff`.
#[derive(Debug, Default, clap::Args)]
#[command(after_help = "Examples:\n  \
    sudo pktforge sniff -i eth0 -c 10 tcp port 443\n  \
    sudo pktforge sniff -i any -w cap.pcapng --timeout 30\n  \
    sudo pktforge sniff -f 'udp port 53' -Y 'dns.qry.name contains \"example\"'\n  \
    sudo pktforge sniff -i eth0 -w ring.pcap -C 100 -W 5 -Z $USER\n\n\
    Needs CAP_NET_RAW: run as root, or once `sudo setcap cap_net_raw,cap_net_admin=eip \
    $(which pktforge)`. Started as root it switches to -Z USER (nobody) after opening the \
    socket and the first -w file; with -C the directory must be writable by that user.")]
pub struct Args {
    /// The interface (`pktforge ifaces` lists them), or `any` for all of them (Linux cooked
    /// headers). Default: the one with the default route, else the first up non-loopback.
    #[arg(short = 'i', long = "interface", value_name = "IFACE")]
    pub interface: Option<String>,
    /// A filter after the options, as tcpdump takes it: `pktforge sniff -i eth0 udp port
    /// 53`. tcpdump syntax and Wireshark display-filter comparisons may be mixed.
    #[arg(value_name = "FILTER")]
    pub filter_words: Vec<String>,
    /// Keep only the packets that match EXPR; its tcpdump part runs in the kernel.
    #[arg(short = 'f', long = "filter", value_name = "EXPR")]
    pub filter: Option<String>,
    /// The same language as -f, as tshark's -Y; with -f or FILTER, both must match.
    #[arg(short = 'Y', long = "display-filter", value_name = "EXPR")]
    pub display_filter: Option<String>,
    /// Stop after N packets (that passed the filter).
    #[arg(short = 'c', value_name = "N")]
    pub count: Option<u64>,
    /// Stop after SECONDS (decimals allowed).
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<f64>,
    /// Write the packets to FILE instead of printing them: pcapng when the name ends in
    /// .pcapng (with the interface's name and link type), pcap (nanosecond) otherwise.
    #[arg(short = 'w', long = "write", value_name = "FILE")]
    pub write: Option<PathBuf>,
    /// Flush the -w file after every packet (and stdout after every line).
    #[arg(short = 'U', long = "packet-buffered")]
    pub packet_buffered: bool,
    /// With -w: start a new file when the current one exceeds MB million bytes, named
    /// FILE, FILE1, FILE2... as tcpdump does.
    #[arg(short = 'C', value_name = "MB", requires = "write",
          value_parser = clap::value_parser!(u64).range(1..))]
    pub file_size: Option<u64>,
    /// With -C: keep at most N files, reusing the names FILE0 .. FILE{N-1} in turn.
    #[arg(short = 'W', value_name = "N", requires = "file_size",
          value_parser = clap::value_parser!(u32).range(1..))]
    pub file_count: Option<u32>,
    /// Bytes kept of each packet (0 = 262144, the default).
    #[arg(
        short = 's',
        long = "snaplen",
        value_name = "N",
        default_value_t = 262_144
    )]
    pub snaplen: u32,
    /// The kernel buffer (the ring) in KiB.
    #[arg(short = 'B', long = "buffer-size", value_name = "KiB", default_value_t = 4096,
          value_parser = clap::value_parser!(u32).range(4..=4_194_304))]
    pub buffer_kib: u32,
    /// Do not put the interface in promiscuous mode.
    #[arg(short = 'p', long = "no-promisc")]
    pub no_promisc: bool,
    /// Run as USER once the socket and the first -w file are open (when started as root);
    /// `-Z root` keeps root. Every capability is dropped either way.
    #[arg(
        short = 'Z',
        long = "relinquish-privileges",
        value_name = "USER",
        default_value = "nobody"
    )]
    pub user: String,
    /// How to capture: the TPACKET_V3 ring with the kernel filter (ring), pnet's datalink
    /// channel (pnet: filter in user space, no kernel counters), or libpcap (libpcap; needs
    /// a build with `--features libpcap`).
    #[arg(long, value_enum, default_value = "ring")]
    pub backend: BackendArg,
    /// The link type of `-i any`: SLL2 (Linux cooked v2, with the interface index; the
    /// default) or SLL (v1).
    #[arg(
        short = 'y',
        long = "linktype",
        value_enum,
        default_value = "SLL2",
        ignore_case = true
    )]
    pub linktype: LinkArg,
    /// `-e`, `--fields`, `-E`, `--csv`, as `read` has them.
    #[command(flatten)]
    pub out_fields: crate::cli::read::FieldArgs,
    /// Print every packet's full layer tree.
    #[arg(short = 'v', group = "format")]
    pub verbose: bool,
    /// JSON Lines with Wireshark's field names, as `read --json`.
    #[arg(long, group = "format")]
    pub json: bool,
    /// Print each packet's bytes in hex after its line.
    #[arg(short = 'x')]
    pub hex: bool,
    /// Print each packet's bytes in hex and ASCII after its line.
    #[arg(short = 'X')]
    pub hex_ascii: bool,
    /// Flush stdout after every line. Always so in effect: what was captured is printed
    /// and flushed whenever the capture has nothing more ready (accepted for tcpdump's
    /// muscle memory).
    #[arg(short = 'l')]
    pub line_buffered: bool,
    /// Accepted for tcpdump's muscle memory: pktforge never resolves names.
    #[arg(short = 'n')]
    pub numeric: bool,
}

/// `--backend`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum BackendArg {
    /// AF_PACKET with a TPACKET_V3 ring.
    #[default]
    Ring,
    /// pnet's datalink channel.
    Pnet,
    /// libpcap (cargo feature `libpcap`).
    Libpcap,
}

/// `-y`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum LinkArg {
    /// Linux cooked v2.
    #[default]
    #[value(name = "SLL2", alias = "LINUX_SLL2")]
    Sll2,
    /// Linux cooked v1.
    #[value(name = "SLL", alias = "LINUX_SLL")]
    Sll,
}

impl Args {
    /// Splits the values of `-e` into tcpdump's flag (true when given), tshark's field names
    /// (with `--fields`') and the filter's first word, when clap gave it to a bare `-e`
    /// (`sniff -e udp port 53`).
    fn chosen(&self) -> (bool, Vec<String>, Option<String>) {
        let (mut link_header, mut names, mut word) = (false, Vec::new(), None);
        for v in &self.out_fields.e {
            if v.is_empty() {
                link_header = true;
            } else if crate::cli::read::is_field_name(v) || word.is_some() {
                names.push(v.clone());
            } else {
                link_header = true;
                word = Some(v.clone());
            }
        }
        names.extend(
            self.out_fields
                .fields
                .iter()
                .filter(|f| !f.is_empty())
                .cloned(),
        );
        (link_header, names, word)
    }

    /// The filter of the trailing words (after `word`, a filter word a bare `-e` took), -f
    /// and -Y (usage error with a caret).
    fn compile_filter(&self, word: Option<&str>) -> Result<Option<Filter>, CliError> {
        let mut parts: Vec<String> = Vec::new();
        let words: Vec<&str> = word
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
        for text in &parts {
            Filter::new(text).map_err(|e| CliError::Usage(e.render(text)))?;
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
        Filter::new(&text)
            .map(Some)
            .map_err(|e| CliError::Usage(e.render(&text)))
    }
}

/// tcpdump's name of the `n`th file of a rotation (`MakeFilename`): FILE, FILE1, FILE2...
/// without -W; FILE0 .. FILE{W-1}, zero-padded to W-1's digits, with it.
pub fn rotated_name(base: &Path, n: u64, file_count: Option<u32>) -> PathBuf {
    let digits = file_count.map_or(0, |w| {
        let mut x = w.saturating_sub(1);
        let mut c = 0usize;
        while x > 0 {
            c += 1;
            x /= 10;
        }
        c
    });
    if n == 0 && digits == 0 {
        return base.to_path_buf();
    }
    let mut s = base.as_os_str().to_os_string();
    s.push(format!("{n:0digits$}"));
    PathBuf::from(s)
}

/// The open -w file.
enum Writer {
    Pcap(PcapWriter<BufWriter<File>>),
    PcapNg(PcapNgWriter<BufWriter<File>>),
}

/// `-w` with rotation.
struct Sink {
    base: PathBuf,
    path: PathBuf,
    w: Writer,
    link: LinkTypeNumber,
    if_name: String,
    bytes: u64,
    index: u64,
    limit: Option<u64>,
    file_count: Option<u32>,
    flush_each: bool,
}

fn create_err(path: &Path, e: &std::io::Error) -> CliError {
    CliError::Runtime(format!(
        "error: cannot create {}: {e}\n(the directory must exist and be writable{})",
        path.display(),
        if e.kind() == std::io::ErrorKind::PermissionDenied {
            "; after the first file the capture runs as the -Z user"
        } else {
            ""
        }
    ))
}

impl Sink {
    /// Creates `path` (pcapng when `base`, the name the user gave, ends in .pcapng).
    fn open_file(
        base: &Path,
        path: &Path,
        link: LinkTypeNumber,
        if_name: &str,
    ) -> Result<(Writer, u64), CliError> {
        let f = File::create(path).map_err(|e| create_err(path, &e))?;
        let bw = BufWriter::with_capacity(1 << 20, f);
        let ng = base
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("pcapng"));
        let werr = |e: std::io::Error| write_err(path, &e);
        if ng {
            let mut w = PcapNgWriter::new(bw).map_err(werr)?;
            w.set_interface_name(if_name);
            w.add_interface(link).map_err(werr)?;
            Ok((Writer::PcapNg(w), 0))
        } else {
            Ok((
                Writer::Pcap(PcapWriter::new_nanosecond(bw, link).map_err(werr)?),
                24,
            ))
        }
    }

    fn open(a: &Args, base: &Path, link: LinkTypeNumber, if_name: &str) -> Result<Sink, CliError> {
        let path = rotated_name(base, 0, a.file_count);
        let (w, bytes) = Sink::open_file(base, &path, link, if_name)?;
        let mut s = Sink {
            base: base.to_path_buf(),
            path,
            w,
            link,
            if_name: if_name.to_string(),
            bytes,
            index: 0,
            limit: a.file_size.map(|m| m.saturating_mul(1_000_000)),
            file_count: a.file_count,
            flush_each: a.packet_buffered,
        };
        // The header is on disk at once: the file is a valid (empty) capture from the start.
        s.flush()?;
        Ok(s)
    }

    fn flush(&mut self) -> CliResult {
        let r = match &mut self.w {
            Writer::Pcap(w) => w.flush(),
            Writer::PcapNg(w) => w.flush(),
        };
        r.map_err(|e| write_err(&self.path, &e))
    }

    fn write(&mut self, p: &RawPacket<'_>) -> CliResult {
        if self.limit.is_some_and(|l| self.bytes > l) {
            self.rotate()?;
        }
        let r = match &mut self.w {
            Writer::Pcap(w) => w.write_record(p.ts_sec, p.ts_nsec, p.orig_len, p.data),
            Writer::PcapNg(w) => {
                w.write_record(self.link, p.ts_sec, p.ts_nsec, p.orig_len, p.data, None)
            }
        };
        r.map_err(|e| write_err(&self.path, &e))?;
        self.bytes = self
            .bytes
            .saturating_add(p.data.len().next_multiple_of(4) as u64 + 32);
        if self.flush_each {
            self.flush()?;
        }
        Ok(())
    }

    fn rotate(&mut self) -> CliResult {
        self.flush()?;
        self.index += 1;
        let n = match self.file_count {
            Some(w) => self.index % u64::from(w),
            None => self.index,
        };
        let path = rotated_name(&self.base, n, self.file_count);
        let (w, bytes) = Sink::open_file(&self.base, &path, self.link, &self.if_name)?;
        let old = std::mem::replace(&mut self.w, w);
        finish(old, &self.path)?;
        self.path = path;
        self.bytes = bytes;
        Ok(())
    }
}

fn finish(w: Writer, path: &Path) -> CliResult {
    let r = match w {
        Writer::Pcap(w) => w.into_inner().map(drop),
        Writer::PcapNg(w) => w.into_inner().map(drop),
    };
    r.map_err(|e| write_err(path, &e))
}

fn write_err(path: &Path, e: &std::io::Error) -> CliError {
    CliError::Runtime(format!("error: writing {}: {e}", path.display()))
}

fn live_err(e: LiveError) -> CliError {
    CliError::Runtime(format!("error: {e}"))
}

fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Runs `pktforge sniff`.
pub fn run(a: &Args, out: &mut dyn Write) -> CliResult {
    let (link_header, names, word) = a.chosen();
    let columns = crate::cli::read::fields_of(
        &names,
        &crate::cli::read::FieldFlags {
            csv: a.out_fields.csv,
            field_opts: &a.out_fields.field_opts,
            verbose_or_count: a.verbose,
            json: a.json,
        },
    )?;
    let filter = a.compile_filter(word.as_deref())?;
    let name = match &a.interface {
        Some(n) => n.clone(),
        None => {
            let list = iface::interfaces().map_err(|e| CliError::Runtime(format!("error: {e}")))?;
            iface::default_interface(&list)
                .map(|i| i.name.clone())
                .ok_or_else(|| {
                    CliError::Runtime(
                        "error: no interface is up (besides loopback): name one with -i \
                         (pktforge ifaces lists them)"
                            .into(),
                    )
                })?
        }
    };
    let cooked = match a.linktype {
        LinkArg::Sll2 => Cooked::Sll2,
        LinkArg::Sll => Cooked::Sll,
    };
    // The link type first, so a filter the link cannot carry is a usage error.
    let interface = live::resolve(&name).map_err(live_err)?;
    let link = live::link_for(interface.as_ref(), cooked);
    if let Some(f) = &filter {
        f.check_link(link.0)
            .map_err(|e| CliError::Usage(format!("error: filter on {name}: {e}")))?;
    }
    let stopped = live::install_stop_signals()
        .map_err(|e| CliError::Runtime(format!("error: installing signal handlers: {e}")))?;
    let mut cfg = LiveConfig::new(&name);
    cfg.snaplen = if a.snaplen == 0 { 262_144 } else { a.snaplen };
    cfg.buffer_kib = a.buffer_kib;
    cfg.promisc = !a.no_promisc;
    cfg.cooked = cooked;
    cfg.stop = Arc::new(stopped);
    if let Some(t) = a.timeout {
        if !(t.is_finite() && t >= 0.0) {
            return Err(CliError::Usage(format!(
                "error: --timeout {t}: give a number of seconds"
            )));
        }
        cfg.deadline = Some(Instant::now() + Duration::from_secs_f64(t.min(1e9)));
    }
    let backend = match a.backend {
        BackendArg::Ring => Backend::Ring,
        BackendArg::Pnet => Backend::Pnet,
        BackendArg::Libpcap => Backend::Libpcap,
    };
    let mut cap = live::open(backend, &cfg, filter.as_ref()).map_err(live_err)?;
    let link = cap.link;
    let mut sink = match &a.write {
        Some(w) => Some(Sink::open(a, w, link, &name)?),
        None => None,
    };
    // The socket and the first file are open: give up root and every capability.
    let target = if a.user == "root" {
        Some((0, 0))
    } else if nix_is_root() {
        Some(live::lookup_user(&a.user).ok_or_else(|| {
            CliError::Runtime(format!(
                "error: -Z {}: no such user (name one that exists, or -Z root to keep root)",
                a.user
            ))
        })?)
    } else {
        None
    };
    // The first file becomes the user's, so that -W can reuse its name after the switch.
    if let (Some(s), Some((uid, gid))) = (&sink, target.filter(|(u, _)| *u != 0)) {
        std::os::unix::fs::chown(&s.path, Some(uid), Some(gid)).map_err(|e| {
            CliError::Runtime(format!(
                "error: giving {} to -Z {}: {e}",
                s.path.display(),
                a.user
            ))
        })?;
    }
    live::drop_privileges(target)
        .map_err(|e| CliError::Runtime(format!("error: dropping privileges to {}: {e}", a.user)))?;
    let (dlt, desc) = iface::dlt_name(link);
    eprintln!(
        "pktforge: listening on {name}, link-type {dlt} ({desc}), snapshot length {} bytes",
        cfg.snaplen
    );
    let show = Format {
        json: a.json,
        verbose: a.verbose,
        hex: a.hex,
        hex_ascii: a.hex_ascii,
        link_header,
        quiet: false,
        columns: columns.as_ref().map(|(s, f)| (s, f)),
    };
    let user_filter = filter.as_ref().filter(|_| !cap.kernel_filter);
    let mut captured = 0u64;
    let mut failure: Option<CliError> = None;
    if let Some(s) = sink.as_mut() {
        // Writing only: each packet goes to the file as it comes, nothing is decoded.
        let mut seen = 0u64;
        let mut first: Option<(i64, u32)> = None;
        let mut prev = (0i64, 0u32);
        let mut d: Dissection<'static> = Dissection::new();
        while a.count.is_none_or(|c| captured < c) {
            let p = match cap.source.next_packet() {
                None => break,
                Some(Ok(p)) => p,
                Some(Err(e)) => {
                    failure = Some(CliError::Runtime(format!(
                        "error: capturing on {name}: {e}"
                    )));
                    break;
                }
            };
            seen += 1;
            let ts = (p.ts_sec, p.ts_nsec);
            let first_ts = *first.get_or_insert(ts);
            let before = if seen == 1 { ts } else { prev };
            prev = ts;
            if let Some(f) = user_filter {
                let meta = FrameMeta {
                    number: captured + 1,
                    ts_sec: p.ts_sec,
                    ts_nsec: p.ts_nsec,
                    orig_len: p.orig_len,
                    cap_len: p.caplen,
                };
                let mut dd = d.recycle();
                let (ok, _) = f.matches_frame(p.link.0, &meta, p.data, (first_ts, before), &mut dd);
                d = dd.recycle();
                if !ok {
                    continue;
                }
            }
            captured += 1;
            if let Err(e) = s.write(&p) {
                failure = Some(e);
                break;
            }
        }
    } else {
        // Decoding: the read pipeline over the live source (the same batches, workers and
        // writers as `read`); the source says when nothing more is ready, and what was
        // captured is printed and flushed at once.
        let opts = pipeline::Options {
            format: show,
            filter: user_filter,
            limit: a.count,
            write: None,
            snaplen: None,
            workers: 2,
            progress: None,
        };
        match pipeline::run(&mut *cap.source, &opts, out) {
            Ok(sum) => {
                captured = sum.matched;
                if let Some(e) = sum.ended_by {
                    failure = Some(CliError::Runtime(format!(
                        "error: capturing on {name}: {e}"
                    )));
                }
            }
            Err(pipeline::Error::Output(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
            Err(pipeline::Error::Output(e)) => failure = Some(CliError::from(e)),
            Err(e) => {
                failure = Some(CliError::Runtime(format!(
                    "error: capturing on {name}: {e}"
                )))
            }
        }
    }
    let _ = out.flush();
    let stats = cap.source.stats();
    if let Some(s) = sink {
        let path = s.path.clone();
        finish(s.w, &path)?;
    }
    eprintln!("{captured} packet{} captured", plural(captured));
    eprintln!(
        "{} packet{} received by filter",
        stats.received,
        plural(stats.received)
    );
    eprintln!(
        "{} packet{} dropped by kernel",
        stats.dropped,
        plural(stats.dropped)
    );
    failure.map_or(Ok(()), Err)
}

/// Whether the effective uid is 0 (read from /proc, no system call needed).
fn nix_is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .and_then(|l| l.split_whitespace().nth(2).map(|u| u == "0"))
        })
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rotation_names_as_tcpdump() {
        let b = Path::new("/tmp/x.pcap");
        assert_eq!(rotated_name(b, 0, None), PathBuf::from("/tmp/x.pcap"));
        assert_eq!(rotated_name(b, 2, None), PathBuf::from("/tmp/x.pcap2"));
        assert_eq!(rotated_name(b, 0, Some(3)), PathBuf::from("/tmp/x.pcap0"));
        assert_eq!(rotated_name(b, 2, Some(3)), PathBuf::from("/tmp/x.pcap2"));
        assert_eq!(rotated_name(b, 7, Some(12)), PathBuf::from("/tmp/x.pcap07"));
        assert_eq!(rotated_name(b, 0, Some(1)), PathBuf::from("/tmp/x.pcap"));
    }
}
