//! `pktforge sr`, `sr1`, `srp`, `srp1`: send a packet set and match the answers with
//! scapy's rules (`net::answers`), printed as scapy's `ans.summary()` with round-trip
//! times, then the unanswered, then scapy's count line.

use std::io::Write;
use std::time::Duration;

use crate::cli::send::{expand, fill_ether, l2_iface};
use crate::cli::{CliError, CliResult, emit};
use crate::layers::Layer;
use crate::net::neigh::Neighbours;
use crate::net::sr::{self, Config, Event, Reply};
use crate::packet::Packet;

/// Options of `pktforge sr`, `sr1`, `srp` and `srp1`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
    pktforge sr1 'IP(dst=\"127.0.0.1\")/ICMP()'\n  \
    pktforge sr1 'IP(dst=\"198.18.1.2\")/TCP(dport=80, flags=\"S\")' && echo open-or-closed-answered\n  \
    pktforge sr 'IP(dst=\"198.18.1.2\")/TCP(dport=[22,80,443], flags=\"S\")' --timeout 1\n  \
    pktforge sr1 'IP(dst=\"198.18.1.2\")/UDP(dport=53)/DNS(rd=1, qd=DNSQR(qname=\"lab.test\"))' -v\n  \
    pktforge srp1 'Ether(dst=\"ff:ff:ff:ff:ff:ff\")/ARP(pdst=\"198.18.0.254\")' -i veth0\n\n\
    Exit status: 0 when every probe was answered (sr1: when it was), 1 otherwise.")]
pub struct Args {
    /// The probe expression (scapy syntax); a set sends every packet.
    #[arg(value_name = "EXPR")]
    pub expr: String,
    /// Seconds to wait for answers after the last probe is sent.
    #[arg(long, value_name = "S", default_value_t = 2.0)]
    pub timeout: f64,
    /// Resend the unanswered probes this many more times.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub retry: u32,
    /// Keep every answer to a probe, not only the first (scapy's multi).
    #[arg(long)]
    pub multi: bool,
    /// Show each answer's layer tree.
    #[arg(short = 'v', long)]
    pub verbose: bool,
    /// One JSON object per answered pair (and per unanswered probe).
    #[arg(long)]
    pub json: bool,
    /// For every received packet that answers no probe, print (on stderr) the rule that
    /// rejected it.
    #[arg(long)]
    pub debug_match: bool,
    /// srp: the interface to send on; sr: bind the raw socket to it.
    #[arg(short = 'i', long = "iface", value_name = "IFACE")]
    pub iface: Option<String>,
    /// Seed for fuzz().
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
}

/// `reply` as layer 3 (for sr: scapy's L3 socket shows no link header).
fn l3_view(r: &Reply) -> Packet {
    let l = r.packet.layers();
    match l
        .iter()
        .position(|x| matches!(x, Layer::IP(_) | Layer::IPv6(_) | Layer::ARP(_)))
    {
        Some(i) if i > 0 => Packet::from_layers(l.get(i..).unwrap_or(&[]).to_vec()),
        _ => r.packet.clone(),
    }
}

fn ms(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64() * 1e3)
}

/// Runs one of the four: `layer2` is srp/srp1, `first` is sr1/srp1.
pub fn run(a: &Args, layer2: bool, first: bool, out: &mut dyn Write) -> CliResult {
    if !(0.0..=3600.0).contains(&a.timeout) {
        return Err(CliError::Usage(
            "error: --timeout takes seconds between 0 and 3600".into(),
        ));
    }
    let mut pkts = expand(&a.expr, a.seed)?;
    let mut cfg = Config {
        multi: a.multi,
        debug_match: a.debug_match,
        ..Config::default()
    };
    if layer2 {
        let i = l2_iface(a.iface.as_deref(), &pkts)?;
        let mut n = Neighbours::new();
        for p in &mut pkts {
            fill_ether(p, &i, &mut n)?;
        }
        cfg.layer2 = Some(i.name);
    } else {
        cfg.bind_iface = a.iface.clone();
    }
    let timeout = Duration::from_secs_f64(a.timeout);
    let stderr = std::io::stderr();
    let (s, o) = sr::sr(&cfg, &pkts, timeout, a.retry, first, &mut |_, ev| {
        if let Event::Unmatched { reply, why } = ev {
            let _ = writeln!(
                stderr.lock(),
                "no match: {}: {why}",
                if layer2 {
                    reply.packet.summary()
                } else {
                    l3_view(reply).summary()
                }
            );
        }
    })
    .map_err(|e| CliError::Runtime(format!("error: {e}")))?;
    for (i, reply, rtt) in &o.answered {
        let probe = s
            .probes
            .get(*i)
            .map_or_else(String::new, |p| p.packet.summary());
        let ans = if layer2 {
            reply.packet.clone()
        } else {
            l3_view(reply)
        };
        if a.json {
            let mut j = String::from("{\"probe\":");
            crate::stats::table::json_str(&mut j, &probe);
            j.push_str(",\"answer\":");
            crate::stats::table::json_str(&mut j, &ans.summary());
            j.push_str(&format!(
                ",\"rtt_ms\":{},\"answer_hex\":\"{}\"}}\n",
                ms(*rtt),
                hex::encode(&reply.bytes)
            ));
            emit(out, &j)?;
        } else {
            emit(
                out,
                &format!("{probe} ==> {}  (rtt {} ms)\n", ans.summary(), ms(*rtt)),
            )?;
            if a.verbose {
                emit(out, &ans.show())?;
            }
        }
    }
    if !o.unanswered.is_empty() && (!first || o.answered.is_empty()) {
        if !a.json {
            emit(out, "Unanswered:\n")?;
        }
        for i in &o.unanswered {
            let p = s
                .probes
                .get(*i)
                .map_or_else(String::new, |p| p.packet.summary());
            if a.json {
                let mut j = String::from("{\"probe\":");
                crate::stats::table::json_str(&mut j, &p);
                j.push_str(",\"answer\":null}\n");
                emit(out, &j)?;
            } else {
                emit(out, &format!("{p}\n"))?;
            }
        }
    }
    let remaining = if first && !o.answered.is_empty() {
        0
    } else {
        o.unanswered.len()
    };
    if !a.json {
        emit(
            out,
            &format!(
                "Received {} packets, got {} answers, remaining {remaining} packets\n",
                o.received,
                o.answered.len()
            ),
        )?;
    }
    out.flush()?;
    let ok = if first {
        !o.answered.is_empty()
    } else {
        o.unanswered.is_empty()
    };
    if ok { Ok(()) } else { Err(CliError::Status(1)) }
}
