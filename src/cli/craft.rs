//! `pktforge craft EXPR`: build packets from a scapy-style expression.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

use crate::capture::{LinkTypeNumber, PcapWriter};
use crate::cli::{CliError, CliResult, emit};
use crate::dsl::{self, ExpandOptions};
use crate::layers::LayerKind;
use crate::packet::{Packet, hexdump};

/// Options of `pktforge craft`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
    pktforge craft 'Ether()/IP(dst=\"198.18.0.1\")/TCP(dport=[22,80,443],flags=\"S\")'\n  \
    pktforge craft 'IP(dst=\"198.18.0.0/30\")/ICMP()/\"ping\"' --hex\n  \
    pktforge craft 'IPv6(dst=\"fd00:beef::1\")/ICMPv6EchoRequest()' --show\n  \
    pktforge craft 'IP(dst=\"198.18.0.1\", ttl=(1,5))/UDP(dport=33434)' -w probes.pcap")]
pub struct Args {
    /// The packet expression in scapy's syntax: layers like `IP(dst="198.18.0.1", ttl=3)`
    /// joined by `/`; lists, ranges `(1,5)` and CIDR strings make packet sets.
    #[arg(value_name = "EXPR")]
    pub expr: String,
    /// Print each packet as one line of hex.
    #[arg(long, group = "format")]
    pub hex: bool,
    /// Print each packet's layer tree with computed values (scapy's show2()).
    #[arg(long, group = "format")]
    pub show: bool,
    /// Print a hex dump of each packet (offset, hex, ASCII).
    #[arg(long, group = "format")]
    pub hexdump: bool,
    /// Write the packets' bytes to stdout, back to back.
    #[arg(long, group = "format")]
    pub raw: bool,
    /// Print the canonical scapy-style expression of each built packet (scapy's command()).
    #[arg(long = "command", group = "format")]
    pub canonical: bool,
    /// Print only how many packets the expression expands to.
    #[arg(long, group = "format")]
    pub count: bool,
    /// Write the packets to a pcap file (Ethernet link type when the first layer is Ether,
    /// raw IP otherwise).
    #[arg(short = 'w', long = "write", value_name = "FILE")]
    pub write: Option<PathBuf>,
    /// Seed for fuzz(): the same seed gives the same packets.
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
}

/// Runs `pktforge craft`.
pub fn run(a: &Args, out: &mut dyn Write) -> CliResult {
    let t = dsl::parse(&a.expr).map_err(|e| CliError::Usage(e.render(&a.expr)))?;
    if a.count {
        return emit(out, &format!("{}\n", t.count()));
    }
    let display = a.hex || a.show || a.hexdump || a.raw || a.canonical || a.write.is_none();
    let mut pcap: Option<PcapWriter<BufWriter<File>>> = None;
    let mut written = 0u64;
    let mut buf = Vec::with_capacity(256);
    for (i, p) in t.packets(&ExpandOptions { seed: a.seed }).enumerate() {
        p.build_into(&mut buf).map_err(|e| {
            CliError::Runtime(format!(
                "error: packet {} of the set cannot be built: {e}",
                i + 1
            ))
        })?;
        if let Some(path) = &a.write {
            if pcap.is_none() {
                pcap = Some(open_pcap(path, &p)?);
            }
            if let Some(w) = pcap.as_mut() {
                w.write_packet(&buf).map_err(|e| write_error(path, &e))?;
                written += 1;
            }
        }
        if !display {
            continue;
        }
        if a.raw {
            out.write_all(&buf)?;
        } else if a.hex {
            emit(out, &format!("{}\n", hex::encode(&buf)))?;
        } else if a.hexdump {
            if i > 0 {
                emit(out, "\n")?;
            }
            emit(out, &hexdump(&buf))?;
        } else if a.show {
            let d = Packet::parse(p.link_type(), &buf);
            let mut s = d.show_raw();
            if let Some(e) = d.error() {
                s.push_str(&format!("[malformed: {e}]\n"));
            }
            emit(out, &s)?;
        } else if a.canonical {
            emit(out, &format!("{}\n", p.command()))?;
        } else {
            emit(
                out,
                &format!("{}\n", Packet::parse(p.link_type(), &buf).summary()),
            )?;
        }
    }
    if let (Some(w), Some(path)) = (pcap, &a.write) {
        w.into_inner().map_err(|e| write_error(path, &e))?;
        eprintln!("wrote {written} packets to {}", path.display());
    }
    Ok(())
}

fn write_error(path: &std::path::Path, e: &std::io::Error) -> CliError {
    CliError::Runtime(format!("error: writing {}: {e}", path.display()))
}

fn open_pcap(
    path: &std::path::Path,
    first: &Packet,
) -> Result<PcapWriter<BufWriter<File>>, CliError> {
    let link = match first.layers().first().map(|l| l.kind()) {
        Some(LayerKind::Ether) => LinkTypeNumber::ETHERNET,
        Some(LayerKind::IP) | Some(LayerKind::IPv6) => LinkTypeNumber::RAW,
        Some(k) => {
            eprintln!(
                "warning: the first layer is {}, neither Ether nor IP; {} is written with the raw IP link type",
                k.name(),
                path.display()
            );
            LinkTypeNumber::RAW
        }
        None => LinkTypeNumber::RAW,
    };
    let f = File::create(path).map_err(|e| {
        CliError::Runtime(format!(
            "error: cannot create {}: {e}\n(check that the directory exists and is writable)",
            path.display()
        ))
    })?;
    PcapWriter::new(BufWriter::new(f), link).map_err(|e| write_error(path, &e))
}
