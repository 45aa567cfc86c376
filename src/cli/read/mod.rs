//! `pktforge read FILE`: dissect a pcap or pcapng capture (gzip too; `-` is stdin) with the
//! fast dissector, one line per packet like `tcpdump -n`, or a layer tree (`-v`), hex (`-x`,
//! `-X`), a count (`--count`), or copy the packets to a file (`-w`).
//!
//! The file is streamed: memory stays bounded whatever its size. A record cut short at the
//! end of the file prints every complete packet, then a warning naming the byte offset, and
//! the exit status is 1.

pub mod line;

use std::fs::File;
use std::io::{BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};

use crate::capture::{CaptureReader, LinkTypeNumber, PcapNgWriter, PcapWriter, RawPacket};
use crate::cli::{CliError, CliResult};
use crate::dissect::{Dissection, dissect};
use crate::output::{FrameMeta, write_json};
use crate::packet::{LinkType, Packet, hexdump};

use line::{LineMeta, write_line};

/// Options of `pktforge read`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
    pktforge read captures/server-ether.pcap\n  \
    pktforge read -e -c 5 captures/mixed-sll2.pcapng\n  \
    pktforge read -v captures/server-ether.pcap | less\n  \
    pktforge read --json captures/mixed-sll.pcap | jq -c 'select(.\"dns.qry.name\")'\n  \
    zcat big.pcap.gz | pktforge read - --count\n  \
    pktforge read captures/mixed-sll.pcap -w copy.pcapng")]
pub struct Args {
    /// The capture file: pcap or pcapng, optionally gzip-compressed; `-` reads stdin.
    #[arg(value_name = "FILE", required_unless_present = "read")]
    pub file: Option<PathBuf>,
    /// The capture file, as tcpdump takes it.
    #[arg(
        short = 'r',
        long = "read",
        value_name = "FILE",
        conflicts_with = "file"
    )]
    pub read: Option<PathBuf>,
    /// Print the link-layer header (MAC addresses, VLAN, cooked header) on each line.
    #[arg(short = 'e')]
    pub link_header: bool,
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
    /// Print only the number of packets read (every packet is still dissected).
    #[arg(long, group = "format")]
    pub count: bool,
    /// Write the packets read to FILE, keeping timestamps and original lengths: pcapng when
    /// the name ends in .pcapng, classic pcap otherwise. Nothing is printed.
    #[arg(short = 'w', long = "write", value_name = "FILE")]
    pub write: Option<PathBuf>,
    /// Accepted for tcpdump's muscle memory: pktforge never resolves names.
    #[arg(short = 'n')]
    pub numeric: bool,
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

    fn write(&mut self, p: &RawPacket<'_>, path: &Path) -> CliResult {
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
                w.write_record(p.ts_sec, p.ts_nsec, p.orig_len, p.data)
            }
            Sink::PcapNg(w) => {
                w.write_record(p.link, p.ts_sec, p.ts_nsec, p.orig_len, p.data, p.comment)
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
/// Output is handed to stdout in chunks of about this size.
const OUT_CHUNK: usize = 1 << 20;

/// Runs `pktforge read`.
pub fn run(a: &Args, out: &mut dyn Write) -> CliResult {
    let path = a
        .file
        .as_deref()
        .or(a.read.as_deref())
        .ok_or_else(|| CliError::Usage("error: name a capture file, or - for stdin".into()))?;
    let shown = path.display().to_string();
    let mut reader =
        CaptureReader::open(path).map_err(|e| CliError::Runtime(format!("error: {shown}: {e}")))?;
    let progress = progress_bar(path);
    let mut keep: Dissection<'static> = Dissection::new();
    let mut buf: Vec<u8> = Vec::with_capacity(OUT_CHUNK + 4096);
    let mut sink: Option<Sink> = None;
    let mut n: u64 = 0;
    let mut failure: Option<CliError> = None;
    while a.limit.is_none_or(|l| n < l) {
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
        if let Some(w) = &a.write {
            if sink.is_none() {
                sink = Some(Sink::open(w, &pkt)?);
            }
            if let Some(s) = sink.as_mut() {
                s.write(&pkt, w)?;
            }
        }
        let link = LinkType::from_pcap(pkt.link.0);
        let mut d = keep.recycle();
        dissect(link, pkt.data, &mut d);
        if !a.count && a.write.is_none() {
            if a.json {
                let meta = FrameMeta {
                    number: n,
                    ts_sec: pkt.ts_sec,
                    ts_nsec: pkt.ts_nsec,
                    orig_len: pkt.orig_len,
                    cap_len: pkt.caplen,
                };
                write_json(&meta, &d, &mut buf);
            } else if a.verbose {
                let p = Packet::parse(link, pkt.data);
                buf.extend_from_slice(
                    format!(
                        "Frame {n}: {} bytes on the wire, {} captured, {}\n",
                        pkt.orig_len, pkt.caplen, pkt.link
                    )
                    .as_bytes(),
                );
                buf.extend_from_slice(p.show_raw().as_bytes());
                if let Some(e) = p.error() {
                    buf.extend_from_slice(format!("[malformed: {e}]\n").as_bytes());
                }
            } else {
                let meta = LineMeta {
                    ts_sec: pkt.ts_sec,
                    ts_nsec: pkt.ts_nsec,
                    orig_len: pkt.orig_len,
                    link: pkt.link,
                };
                write_line(&meta, &d, a.link_header, &mut buf);
            }
            if a.hex_ascii {
                buf.extend_from_slice(hexdump(pkt.data).as_bytes());
            } else if a.hex {
                hex_lines(pkt.data, &mut buf);
            }
        }
        keep = d.recycle();
        if buf.len() >= OUT_CHUNK {
            out.write_all(&buf)?;
            buf.clear();
            if let Some(pb) = &progress {
                pb.set_position(reader.bytes_read());
            }
        }
    }
    if a.count {
        buf.extend_from_slice(format!("{n}\n").as_bytes());
    }
    out.write_all(&buf)?;
    if let Some(pb) = progress {
        pb.finish_and_clear();
    }
    if let (Some(s), Some(w)) = (sink, &a.write) {
        s.finish(w)?;
    }
    match failure {
        Some(e) => Err(e),
        None => Ok(()),
    }
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
