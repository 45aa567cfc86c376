//! `pktforge arping TARGET`: ARP requests on an interface, one a second, and the replies
//! with the MAC and the time, as iputils arping prints them. The first request is
//! broadcast; once the target answered, the next ones go to its MAC (as iputils does).

use std::io::Write;
use std::net::{IpAddr, Ipv4Addr};
use std::time::{Duration, Instant};

use crate::cli::send::l2_iface;
use crate::cli::{CliError, CliResult, emit};
use crate::layers::Layer;
use crate::layers::arp::{ARP, ArpAddr};
use crate::layers::ether::Ether;
use crate::mac::MacAddr;
use crate::net::resolve::{self, Family};
use crate::net::sr::{Config, Event, Flow, Session};
use crate::packet::Packet;

/// Options of `pktforge arping`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
    pktforge arping -c 3 198.18.0.254\n  \
    pktforge arping -i veth0 -c 1 -w 2 198.18.0.254\n\n\
    Exit status: 0 if a reply came, 1 if none.")]
pub struct Args {
    /// IPv4 address or host name to ask for.
    #[arg(value_name = "TARGET")]
    pub target: String,
    /// Interface (default: the route's to the target).
    #[arg(short = 'i', short_alias = 'I', long = "iface", value_name = "IFACE")]
    pub iface: Option<String>,
    /// Stop after sending COUNT requests.
    #[arg(short = 'c', value_name = "COUNT")]
    pub count: Option<u64>,
    /// Stop after this many seconds.
    #[arg(short = 'w', value_name = "DEADLINE")]
    pub deadline: Option<f64>,
    /// Seconds between requests.
    #[arg(long, value_name = "S", default_value_t = 1.0)]
    pub interval: f64,
    /// Source address (default: the interface's first IPv4 address).
    #[arg(short = 's', value_name = "ADDR")]
    pub source: Option<Ipv4Addr>,
    /// Stop at the first reply (iputils' -f).
    #[arg(short = 'f')]
    pub first: bool,
}

/// Runs `pktforge arping`.
pub fn run(a: &Args, out: &mut dyn Write) -> CliResult {
    if !(0.0..=3600.0).contains(&a.interval) {
        return Err(CliError::Usage(
            "error: --interval takes 0 to 3600 seconds".into(),
        ));
    }
    let IpAddr::V4(dst) = resolve::resolve(&a.target, Family::V4)
        .map_err(|e| CliError::Runtime(format!("arping: {e}")))?
    else {
        return Err(CliError::Usage(
            "error: arping asks for IPv4 addresses".into(),
        ));
    };
    let probe_for_route = Packet::from(crate::layers::ip::IP::new().with("dst", dst));
    let i = l2_iface(a.iface.as_deref(), std::slice::from_ref(&probe_for_route))?;
    let mac = i
        .mac
        .ok_or_else(|| CliError::Runtime(format!("arping: {} has no hardware address", i.name)))?;
    let src = a
        .source
        .or_else(|| i.ipv4.first().map(|(x, _)| *x))
        .unwrap_or(Ipv4Addr::UNSPECIFIED);
    let request = |to: MacAddr| {
        Packet::from(Ether::new().with("dst", to).with("src", mac))
            / ARP::new()
                .with("op", 1u64)
                .with("hwsrc", mac)
                .with("psrc", src)
                .with("pdst", dst)
    };
    let bcast = MacAddr([0xff; 6]);
    let cfg = Config {
        layer2: Some(i.name.clone()),
        multi: true,
        ..Config::default()
    };
    let mut s = Session::open(&cfg, &[request(bcast)])
        .map_err(|e| CliError::Runtime(format!("arping: {e}")))?;
    let stop = crate::capture::live::install_stop_signals()
        .map_err(|e| CliError::Runtime(format!("arping: {e}")))?;
    s.set_stop(stop);
    emit(out, &format!("ARPING {dst} from {src} {}\n", i.name))?;
    out.flush()?;
    let t0 = Instant::now();
    let deadline = a
        .deadline
        .map(|d| t0 + Duration::from_secs_f64(d.clamp(0.0, 1e7)));
    let interval = Duration::from_secs_f64(a.interval);
    let (mut sent, mut bcasts, mut replies) = (0u64, 0u64, 0u64);
    let mut learned: Option<MacAddr> = None;
    loop {
        if stop() || deadline.is_some_and(|d| Instant::now() >= d) {
            break;
        }
        if a.count.is_some_and(|c| sent >= c) || (a.first && replies > 0) {
            break;
        }
        let to = learned.unwrap_or(bcast);
        let idx = s
            .add(&request(to))
            .map_err(|e| CliError::Runtime(format!("arping: {e}")))?;
        s.send(idx)
            .map_err(|e| CliError::Runtime(format!("arping: {e}")))?;
        sent += 1;
        if to == bcast {
            bcasts += 1;
        }
        let mut until = t0 + interval.saturating_mul(u32::try_from(sent).unwrap_or(u32::MAX));
        if let Some(d) = deadline {
            until = until.min(d);
        }
        let last = a.count.is_some_and(|c| sent >= c);
        let mut lines = String::new();
        s.poll(until, &mut |_, ev| {
            if let Event::Answer { reply, rtt, .. } = ev {
                let arp = reply.packet.layers().iter().find_map(|l| match l {
                    Layer::ARP(x) => Some(x.clone()),
                    _ => None,
                });
                let to_us = reply
                    .packet
                    .layers()
                    .iter()
                    .any(|l| matches!(l, Layer::Ether(e) if e.dst == Some(mac)));
                if let Some(Some(ArpAddr::Mac(m))) = arp.map(|x| x.hwsrc) {
                    replies += 1;
                    learned = Some(m);
                    let us = rtt.as_micros();
                    lines.push_str(&format!(
                        "{} reply from {dst} [{}]  {}.{:03}ms\n",
                        if to_us { "Unicast" } else { "Broadcast" },
                        m.to_string().to_uppercase(),
                        us / 1000,
                        us % 1000
                    ));
                    if last || a.first {
                        return Flow::Stop;
                    }
                }
            }
            Flow::Continue
        })
        .map_err(|e| CliError::Runtime(format!("arping: {e}")))?;
        emit(out, &lines)?;
        out.flush()?;
    }
    emit(
        out,
        &format!("Sent {sent} probes ({bcasts} broadcast(s))\nReceived {replies} response(s)\n"),
    )?;
    if replies > 0 {
        Ok(())
    } else {
        Err(CliError::Status(1))
    }
}
