//! `pktforge traceroute TARGET`: the probes for every TTL go out at once and are matched
//! as their answers come (ICMP time exceeded from the routers, the target's own answer:
//! port unreachable, echo reply, SYN-ACK or RST), so the whole trace takes about one wait,
//! not one per hop. Output as traceroute(8) prints it.

use std::io::Write;
use std::net::IpAddr;
use std::time::{Duration, Instant};

use crate::cli::ping::icmp_error;
use crate::cli::{CliError, CliResult, emit};
use crate::dsl;
use crate::layers::Layer;
use crate::net::resolve::{self, Family};
use crate::net::sr::{Config, Event, Flow, Session};
use crate::packet::Packet;

/// Options of `pktforge traceroute`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
    pktforge traceroute -n 198.18.1.2\n  \
    pktforge traceroute --proto icmp -q 1 -w 1 198.18.1.2\n  \
    pktforge traceroute --proto tcp -p 443 -6 fd00:beef:1::2")]
pub struct Args {
    /// Host name or address.
    #[arg(value_name = "TARGET")]
    pub target: String,
    /// Probe protocol: udp (traceroute's default), icmp (-I) or tcp (SYN, -T).
    #[arg(long, value_name = "icmp|udp|tcp", default_value = "udp")]
    pub proto: String,
    /// Largest TTL.
    #[arg(short = 'm', value_name = "MAXTTL", default_value_t = 30)]
    pub max_ttl: u8,
    /// First TTL.
    #[arg(short = 'f', value_name = "FIRSTTTL", default_value_t = 1)]
    pub first_ttl: u8,
    /// Destination port: the base port for udp (plus the probe's number, from 33434),
    /// the port for tcp (80).
    #[arg(short = 'p', value_name = "PORT")]
    pub port: Option<u16>,
    /// Probes per hop.
    #[arg(short = 'q', value_name = "PROBES", default_value_t = 3)]
    pub probes: u8,
    /// Seconds to wait for answers after the probes are sent.
    #[arg(short = 'w', value_name = "WAIT", default_value_t = 5.0)]
    pub wait: f64,
    /// Numeric addresses only (no reverse lookups).
    #[arg(short = 'n')]
    pub numeric: bool,
    /// IPv4 only.
    #[arg(short = '4', conflicts_with = "v6")]
    pub v4: bool,
    /// IPv6 only.
    #[arg(short = '6')]
    pub v6: bool,
}

fn usage(s: String) -> CliError {
    CliError::Usage(format!("error: {s}"))
}

/// One probe's outcome: who answered, after how long, and traceroute's mark (`!H`...).
#[derive(Debug, Clone)]
struct Hit {
    from: IpAddr,
    rtt: Duration,
    mark: &'static str,
    reached: bool,
}

/// traceroute's annotation of an ICMP unreachable (`!H`, `!N`, `!P`, `!X`...).
fn mark(v6: bool, ty: u8, code: u8) -> &'static str {
    match (v6, ty, code) {
        (false, 3, 0) | (true, 1, 0) => "!N",
        (false, 3, 1) | (true, 1, 3) => "!H",
        (false, 3, 2) => "!P",
        (false, 3, 4) => "!F",
        (false, 3, 5) => "!S",
        (false, 3, 13) | (true, 1, 1) => "!X",
        _ => "",
    }
}

/// Runs `pktforge traceroute`.
pub fn run(a: &Args, out: &mut dyn Write) -> CliResult {
    let family = Family::from_flags(a.v4, a.v6);
    if a.first_ttl == 0 || a.first_ttl > a.max_ttl {
        return Err(usage(format!(
            "first hop out of range (-f {} with -m {})",
            a.first_ttl, a.max_ttl
        )));
    }
    if a.probes == 0 || a.probes > 10 {
        return Err(usage("-q takes 1 to 10 probes per hop".into()));
    }
    if !(0.0..=60.0).contains(&a.wait) {
        return Err(usage("-w takes 0 to 60 seconds".into()));
    }
    let dst = resolve::resolve(&a.target, family)
        .map_err(|e| CliError::Runtime(format!("traceroute: {e}")))?;
    let v6 = dst.is_ipv6();
    let id = (std::process::id() & 0xffff) as u16;
    let (ip, ttlf) = if v6 {
        (format!("IPv6(dst=\"{dst}\""), "hlim")
    } else {
        (format!("IP(dst=\"{dst}\""), "ttl")
    };
    // 32 bytes of data, as traceroute(8): 60-byte IPv4 probes, 80-byte IPv6 ones.
    let data = "Raw(load=b'@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\\\]^_')";
    let mut probes: Vec<(u8, Packet)> = Vec::new();
    let mut n: u16 = 0;
    for ttl in a.first_ttl..=a.max_ttl {
        for _ in 0..a.probes {
            let upper = match a.proto.as_str() {
                "udp" => format!(
                    "UDP(sport={}, dport={})/{data}",
                    id | 0x8000,
                    a.port.unwrap_or(33434).wrapping_add(n)
                ),
                "icmp" if v6 => format!("ICMPv6EchoRequest(id={id}, seq={})/{data}", n + 1),
                "icmp" => format!("ICMP(id={id}, seq={})/{data}", n + 1),
                // A SYN with the options a Linux connect() sends, as traceroute -T does
                // (60-byte IPv4 probes).
                "tcp" => format!(
                    "TCP(sport={}, dport={}, flags=\"S\", seq={}, window=5840, \
                     options=[('MSS', 1460), ('SAckOK', b''), ('Timestamp', ({}, 0)), \
                     ('NOP', None), ('WScale', 2)])",
                    (id | 0x8000).wrapping_add(n),
                    a.port.unwrap_or(80),
                    u32::from(id) << 16 | u32::from(n),
                    u32::from(n) + 1
                ),
                o => return Err(usage(format!("--proto takes icmp, udp or tcp, not {o:?}"))),
            };
            let e = format!("{ip}, {ttlf}={ttl})/{upper}");
            let p = dsl::parse(&e)
                .map_err(|err| usage(err.render(&e)))?
                .packets(&dsl::ExpandOptions::default())
                .next()
                .ok_or_else(|| usage("no probe".into()))?;
            probes.push((ttl, p));
            n = n.wrapping_add(1);
        }
    }
    let pkts: Vec<Packet> = probes.iter().map(|(_, p)| p.clone()).collect();
    let mut s = Session::open(&Config::default(), &pkts)
        .map_err(|e| CliError::Runtime(format!("traceroute: {e}")))?;
    let stop = crate::capture::live::install_stop_signals()
        .map_err(|e| CliError::Runtime(format!("traceroute: {e}")))?;
    s.set_stop(stop);
    for p in &pkts {
        s.add(p)
            .map_err(|e| CliError::Runtime(format!("traceroute: {e}")))?;
    }
    let plen = s.probes.first().map_or(0, |p| p.bytes.len());
    emit(
        out,
        &format!(
            "traceroute to {} ({dst}), {} hops max, {plen} byte packets\n",
            a.target, a.max_ttl
        ),
    )?;
    out.flush()?;
    let all: Vec<usize> = (0..s.probes.len()).collect();
    s.send_many(&all)
        .map_err(|e| CliError::Runtime(format!("traceroute: {e}")))?;
    let mut hits: Vec<Option<Hit>> = vec![None; probes.len()];
    let deadline = Instant::now() + Duration::from_secs_f64(a.wait);
    let q = usize::from(a.probes);
    s.poll(deadline, &mut |_, ev| {
        if let Event::Answer {
            probe, reply, rtt, ..
        } = ev
        {
            let from = reply.packet.layers().iter().find_map(|l| match l {
                Layer::IP(ip) => ip.src.map(IpAddr::V4),
                Layer::IPv6(ip) => ip.src.map(IpAddr::V6),
                _ => None,
            });
            let err = icmp_error(&reply.packet);
            let (m, reached) = match err {
                // Time exceeded: a router on the way.
                Some((false, 11, _, _)) | Some((true, 3, _, _)) => ("", false),
                Some((e6, t, c, _)) => {
                    let m = mark(e6, t, c);
                    // Port unreachable from the target is arrival, unmarked.
                    let port = matches!((e6, t, c), (false, 3, 3) | (true, 1, 4));
                    (if port { "" } else { m }, true)
                }
                None => ("", true),
            };
            if let (Some(from), Some(slot)) = (from, hits.get_mut(probe)) {
                *slot = Some(Hit {
                    from,
                    rtt,
                    mark: m,
                    reached,
                });
            }
        }
        // Done when some hop reached the target and every probe up to it is answered.
        let last = hits
            .iter()
            .position(|h| h.as_ref().is_some_and(|h| h.reached))
            .map(|i| (i / q + 1) * q);
        match last {
            Some(end) if hits.iter().take(end).all(Option::is_some) => Flow::Stop,
            _ => Flow::Continue,
        }
    })
    .map_err(|e| CliError::Runtime(format!("traceroute: {e}")))?;
    let mut names: std::collections::HashMap<IpAddr, String> = std::collections::HashMap::new();
    let mut name = |ip: IpAddr| -> String {
        if a.numeric {
            return ip.to_string();
        }
        names
            .entry(ip)
            .or_insert_with(|| {
                let n = resolve::reverse(ip).unwrap_or_else(|| ip.to_string());
                format!("{n} ({ip})")
            })
            .clone()
    };
    let mut text = String::new();
    for (h, chunk) in hits.chunks(q).enumerate() {
        let ttl = usize::from(a.first_ttl) + h;
        text.push_str(&format!("{ttl:2} "));
        let mut prev: Option<IpAddr> = None;
        for hit in chunk {
            match hit {
                None => text.push_str(" *"),
                Some(x) => {
                    if prev != Some(x.from) {
                        text.push_str(&format!(" {}", name(x.from)));
                        prev = Some(x.from);
                    }
                    text.push_str(&format!("  {:.3} ms", x.rtt.as_secs_f64() * 1e3));
                    if !x.mark.is_empty() {
                        text.push_str(&format!(" {}", x.mark));
                    }
                }
            }
        }
        text.push('\n');
        if chunk.iter().flatten().any(|x| x.reached) {
            break;
        }
    }
    emit(out, &text)?;
    Ok(())
}
