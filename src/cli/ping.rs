//! `pktforge ping TARGET`: ICMP echo (or any crafted probe, `--probe`) sent at an interval
//! and matched by scapy's rules, printed as iputils ping prints it, with round-trip times
//! from the kernel's receive timestamps.

use std::io::Write;
use std::net::IpAddr;
use std::time::{Duration, Instant};

use crate::cli::send::expand;
use crate::cli::{CliError, CliResult, emit};
use crate::dsl;
use crate::layers::Layer;
use crate::net::resolve::{self, Family};
use crate::net::sr::{Config, Event, Flow, Session};
use crate::packet::Packet;

/// Options of `pktforge ping`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
    pktforge ping -c 3 127.0.0.1\n  \
    pktforge ping -6 -c 3 localhost\n  \
    pktforge ping -c 5 -i 0.2 -s 1000 -M do 198.18.1.2\n  \
    pktforge ping -c 3 --probe 'IP(dst=\"198.18.1.2\")/TCP(dport=80, flags=\"S\")' 198.18.1.2\n  \
    pktforge ping -c 3 --probe 'IP(dst=\"198.18.1.2\")/ICMP(type=\"timestamp-request\")' 198.18.1.2\n\n\
    Exit status: 0 if any reply came, 1 if none, 2 on a usage error.")]
pub struct Args {
    /// Host name or address to ping.
    #[arg(value_name = "TARGET")]
    pub target: String,
    /// Stop after sending COUNT probes.
    #[arg(short = 'c', value_name = "COUNT")]
    pub count: Option<u64>,
    /// Seconds between probes.
    #[arg(short = 'i', value_name = "INTERVAL", default_value_t = 1.0)]
    pub interval: f64,
    /// Seconds to wait for a reply after the last probe.
    #[arg(short = 'W', value_name = "TIMEOUT", default_value_t = 10.0)]
    pub timeout: f64,
    /// Stop after this many seconds, whatever was sent.
    #[arg(short = 'w', value_name = "DEADLINE")]
    pub deadline: Option<f64>,
    /// IP time to live (IPv6 hop limit).
    #[arg(short = 't', value_name = "TTL")]
    pub ttl: Option<u8>,
    /// Bytes of ICMP data (default 56: 64 ICMP bytes).
    #[arg(short = 's', value_name = "SIZE", default_value_t = 56)]
    pub size: usize,
    /// Fill the data with this pattern (up to 16 bytes in hex, as iputils' -p).
    #[arg(short = 'p', value_name = "PATTERN")]
    pub pattern: Option<String>,
    /// The data itself: text, or hex after `0x`.
    #[arg(long, value_name = "TEXT|0xHEX", conflicts_with = "pattern")]
    pub payload: Option<String>,
    /// ICMP identifier (default: the process id).
    #[arg(long, value_name = "ID")]
    pub id: Option<u16>,
    /// Type of service / traffic class byte.
    #[arg(long, value_name = "TOS")]
    pub tos: Option<u8>,
    /// Path MTU discovery: `do` sets DF, `dont` clears it (IPv4).
    #[arg(short = 'M', value_name = "do|dont")]
    pub pmtu: Option<String>,
    /// Interface name (binds the socket) or source address.
    #[arg(short = 'I', value_name = "IFACE|ADDR")]
    pub iface: Option<String>,
    /// IPv4 only.
    #[arg(short = '4', conflicts_with = "v6")]
    pub v4: bool,
    /// IPv6 only.
    #[arg(short = '6')]
    pub v6: bool,
    /// Quiet: only the first line and the statistics.
    #[arg(short = 'q')]
    pub quiet: bool,
    /// Numeric output: no names for addresses.
    #[arg(short = 'n')]
    pub numeric: bool,
    /// Any crafted probe (scapy syntax), sent repeatedly with its ICMP sequence or its
    /// source port advanced by one each time, matched by the sr rules.
    #[arg(long, value_name = "EXPR")]
    pub probe: Option<String>,
}

fn usage(s: String) -> CliError {
    CliError::Usage(format!("error: {s}"))
}

/// iputils' time format: 3 significant decimals below 1 ms, fewer above.
pub fn fmt_ms(ms: f64) -> String {
    if ms >= 100.0 {
        format!("{ms:.0}")
    } else if ms >= 10.0 {
        format!("{ms:.1}")
    } else if ms >= 1.0 {
        format!("{ms:.2}")
    } else {
        format!("{ms:.3}")
    }
}

/// Round-trip statistics as iputils computes them.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct RttStats {
    n: u64,
    sum: f64,
    sum2: f64,
    min: f64,
    max: f64,
}

impl RttStats {
    /// Adds one round-trip time in milliseconds.
    pub fn add(&mut self, ms: f64) {
        if self.n == 0 || ms < self.min {
            self.min = ms;
        }
        if ms > self.max {
            self.max = ms;
        }
        self.n += 1;
        self.sum += ms;
        self.sum2 += ms * ms;
    }

    /// `rtt min/avg/max/mdev = ...` (mdev: the standard deviation, as iputils' tsum2).
    pub fn line(&self) -> Option<String> {
        if self.n == 0 {
            return None;
        }
        let n = self.n as f64;
        let avg = self.sum / n;
        let mdev = (self.sum2 / n - avg * avg).max(0.0).sqrt();
        Some(format!(
            "rtt min/avg/max/mdev = {:.3}/{avg:.3}/{:.3}/{mdev:.3} ms",
            self.min, self.max
        ))
    }
}

/// The loss percentage as iputils prints it (`%g`: 0, 100, 33.3333).
pub fn loss_pct(sent: u64, received: u64) -> String {
    if sent == 0 {
        return "0".into();
    }
    let l = (sent.saturating_sub(received)) as f64 * 100.0 / sent as f64;
    let s = format!("{l:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}

/// What iputils prints for an ICMP error (after `From ADDR icmp_seq=N `).
pub fn icmp_error_text(v6: bool, ty: u8, code: u8, mtu: u16) -> String {
    if !v6 {
        match (ty, code) {
            (3, 0) => "Destination Net Unreachable".into(),
            (3, 1) => "Destination Host Unreachable".into(),
            (3, 2) => "Destination Protocol Unreachable".into(),
            (3, 3) => "Destination Port Unreachable".into(),
            (3, 4) => format!("Frag needed and DF set (mtu = {mtu})"),
            (3, 5) => "Source Route Failed".into(),
            (3, 9) | (3, 10) | (3, 13) => "Packet filtered".into(),
            (3, c) => format!("Dest Unreachable, Bad Code: {c}"),
            (11, 0) => "Time to live exceeded".into(),
            (11, 1) => "Frag reassembly time exceeded".into(),
            (4, _) => "Source Quench".into(),
            (5, _) => "Redirect".into(),
            (12, _) => "Parameter problem".into(),
            (t, c) => format!("Bad ICMP type: {t} code {c}"),
        }
    } else {
        match (ty, code) {
            (1, 0) => "Destination unreachable: No route".into(),
            (1, 1) => "Destination unreachable: Administratively prohibited".into(),
            (1, 2) => "Destination unreachable: Beyond scope of source address".into(),
            (1, 3) => "Destination unreachable: Address unreachable".into(),
            (1, 4) => "Destination unreachable: Port unreachable".into(),
            (1, c) => format!("Destination unreachable: Unknown code {c}"),
            (2, _) => format!("Packet too big: mtu={mtu}"),
            (3, 0) => "Time exceeded: Hop limit".into(),
            (3, 1) => "Time exceeded: Defragmentation failure".into(),
            (3, c) => format!("Time exceeded: code {c}"),
            (4, c) => format!("Parameter problem: code {c}"),
            (t, c) => format!("Unknown ICMPv6 type {t} code {c}"),
        }
    }
}

/// The ICMP error in a reply: (type, code, mtu), if it is one.
pub fn icmp_error(p: &Packet) -> Option<(bool, u8, u8, u16)> {
    p.layers().iter().find_map(|l| match l {
        Layer::ICMP(i) if matches!(i.type_, 3 | 4 | 5 | 11 | 12) => {
            Some((false, i.type_, i.code, i.nexthopmtu))
        }
        Layer::ICMPv6DestUnreach(i) => Some((true, 1, i.code, 0)),
        Layer::ICMPv6PacketTooBig(i) => {
            Some((true, 2, i.code, u16::try_from(i.mtu).unwrap_or(u16::MAX)))
        }
        Layer::ICMPv6TimeExceeded(i) => Some((true, 3, i.code, 0)),
        Layer::ICMPv6ParamProblem(i) => Some((true, 4, i.code, 0)),
        _ => None,
    })
}

/// Source address and TTL/hop limit of the first IP layer.
fn src_ttl(p: &Packet) -> Option<(IpAddr, u8)> {
    p.layers().iter().find_map(|l| match l {
        Layer::IP(ip) => ip.src.map(|s| (IpAddr::V4(s), ip.ttl)),
        Layer::IPv6(ip) => ip.src.map(|s| (IpAddr::V6(s), ip.hlim.unwrap_or(64))),
        _ => None,
    })
}

/// Bytes after the first ICMP/ICMPv6 echo header (what iputils counts as "bytes").
fn icmp_len(bytes: &[u8]) -> usize {
    // The ICMP message is what follows the first IP header, as the kernel delivered it.
    let off = bytes.len();
    let mut ip_off = None;
    // Find the IPv4/IPv6 header after a 14-byte Ethernet header, or at 0.
    for o in [14usize, 0] {
        match bytes.get(o).map(|b| b >> 4) {
            Some(4) => {
                ip_off = Some((o, usize::from(bytes.get(o).map_or(5, |b| b & 0xf)) * 4));
                break;
            }
            Some(6) => {
                ip_off = Some((o, 40));
                break;
            }
            _ => {}
        }
    }
    match ip_off {
        Some((o, h)) => off.saturating_sub(o + h),
        None => off,
    }
}

fn parse_payload(a: &Args) -> Result<Vec<u8>, CliError> {
    if let Some(p) = &a.payload {
        if let Some(h) = p.strip_prefix("0x") {
            return hex::decode(h).map_err(|e| usage(format!("--payload 0x...: bad hex: {e}")));
        }
        return Ok(p.as_bytes().to_vec());
    }
    if a.size > 65_507 {
        return Err(usage(format!(
            "invalid -s value: '{}': out of range: 0 <= value <= 65507",
            a.size
        )));
    }
    if let Some(pat) = &a.pattern {
        let b = hex::decode(if pat.len() % 2 == 1 {
            format!("0{pat}")
        } else {
            pat.clone()
        })
        .map_err(|_| usage(format!("patterns must be specified as hex digits: {pat}")))?;
        if b.is_empty() || b.len() > 16 {
            return Err(usage("-p takes 1 to 16 bytes of hex".into()));
        }
        return Ok((0..a.size).map(|i| b[i % b.len()]).collect());
    }
    // iputils: a timestamp in the first bytes, then 0x10, 0x11, ... (the byte's offset).
    let now = crate::net::sock::now();
    let mut d: Vec<u8> = (0..a.size).map(|i| i as u8).collect();
    let ts = [
        now.as_secs().to_le_bytes(),
        u64::from(now.subsec_micros()).to_le_bytes(),
    ]
    .concat();
    for (x, y) in d.iter_mut().zip(ts) {
        *x = y;
    }
    Ok(d)
}

/// The n-th probe (n from 0) of `--probe`: ICMP sequence n + 1 (plus the template's),
/// or TCP/UDP source port + n.
fn advance(base: &Packet, n: u64) -> Packet {
    let mut p = base.clone();
    let n16 = (n & 0xffff) as u16;
    for l in p.layers_mut().iter_mut() {
        match l {
            Layer::ICMP(i) => {
                i.seq = i.seq.wrapping_add(n16).wrapping_add(1);
                break;
            }
            Layer::ICMPv6EchoRequest(i) => {
                i.seq = i.seq.wrapping_add(n16).wrapping_add(1);
                break;
            }
            Layer::TCP(t) => {
                t.sport = Some(t.sport.unwrap_or(20).wrapping_add(n16));
                break;
            }
            Layer::UDP(u) => {
                u.sport = Some(u.sport.unwrap_or(53).wrapping_add(n16));
                break;
            }
            _ => {}
        }
    }
    p
}

fn seq_of(p: &Packet, n: u64) -> u64 {
    p.layers()
        .iter()
        .find_map(|l| match l {
            Layer::ICMP(i) => Some(u64::from(i.seq)),
            Layer::ICMPv6EchoRequest(i) => Some(u64::from(i.seq)),
            _ => None,
        })
        .unwrap_or(n + 1)
}

/// Runs `pktforge ping`.
pub fn run(a: &Args, out: &mut dyn Write) -> CliResult {
    let family = Family::from_flags(a.v4, a.v6);
    if !(0.0..=86_400.0).contains(&a.interval) || !(0.0..=3600.0).contains(&a.timeout) {
        return Err(usage(
            "-i and -W take seconds (0 to 86400, 0 to 3600)".into(),
        ));
    }
    if a.count == Some(0) {
        return Err(usage(
            "invalid -c value: '0': out of range: 1 <= value".into(),
        ));
    }
    let dst = resolve::resolve(&a.target, family).map_err(|e| match e {
        crate::net::TxError::Resolve { name, reason } => {
            CliError::Runtime(format!("ping: {name}: {reason}"))
        }
        e => CliError::Runtime(format!("ping: {e}")),
    })?;
    let v6 = dst.is_ipv6();
    // -I: an address sets the source, anything else names the interface.
    let (src, bind): (Option<IpAddr>, Option<String>) = match &a.iface {
        Some(s) => match s.parse::<IpAddr>() {
            Ok(ip) => (Some(ip), None),
            Err(_) => (None, Some(s.clone())),
        },
        None => (None, None),
    };
    let id = a.id.unwrap_or((std::process::id() & 0xffff) as u16);
    let base: Packet = match &a.probe {
        Some(e) => {
            let mut v = expand(e, None)?;
            if v.len() != 1 {
                return Err(usage(format!(
                    "--probe takes one packet, the expression makes {}",
                    v.len()
                )));
            }
            v.remove(0)
        }
        None => {
            let data = parse_payload(a)?;
            let df = match a.pmtu.as_deref() {
                None | Some("want") => None,
                Some("do") => Some(true),
                Some("dont") => Some(false),
                Some(o) => return Err(usage(format!("-M takes do or dont, not {o:?}"))),
            };
            let mut e = if v6 {
                format!("IPv6(dst=\"{dst}\"")
            } else {
                format!("IP(dst=\"{dst}\"")
            };
            if let Some(s) = src {
                e.push_str(&format!(", src=\"{s}\""));
            }
            if let Some(t) = a.ttl {
                e.push_str(&format!(", {}={t}", if v6 { "hlim" } else { "ttl" }));
            }
            if let Some(t) = a.tos {
                e.push_str(&format!(", {}={t}", if v6 { "tc" } else { "tos" }));
            }
            if !v6 && df == Some(true) {
                e.push_str(", flags=\"DF\"");
            }
            e.push(')');
            if v6 {
                e.push_str(&format!("/ICMPv6EchoRequest(id={id}, seq=0)"));
            } else {
                e.push_str(&format!("/ICMP(id={id}, seq=0)"));
            }
            let mut p = dsl::parse(&e)
                .map_err(|err| usage(err.render(&e)))?
                .packets(&dsl::ExpandOptions::default())
                .next()
                .ok_or_else(|| usage("no probe".into()))?;
            if !data.is_empty() {
                p = p / crate::layers::raw::Raw::new().with("load", data);
            }
            p
        }
    };
    let first = advance(&base, 0);
    let cfg = Config {
        bind_iface: bind,
        multi: true,
        ..Config::default()
    };
    let mut s = Session::open(&cfg, std::slice::from_ref(&first))
        .map_err(|e| CliError::Runtime(format!("ping: {e}")))?;
    let stop = crate::capture::live::install_stop_signals()
        .map_err(|e| CliError::Runtime(format!("ping: installing signal handlers: {e}")))?;
    s.set_stop(stop);
    // iputils spins (sched_yield, non-blocking reads) through waits of up to a scheduler
    // tick when no reply is due, so short intervals do not pay for waking an idle core.
    s.set_spin(Duration::from_millis(10));
    let probe_bytes = first
        .build()
        .map_err(|e| CliError::Runtime(format!("ping: {e}")))?;
    let ip_hdr = if v6 { 40 } else { 20 };
    let data_len = probe_bytes.len().saturating_sub(ip_hdr + 8);
    let name = &a.target;
    let echo = is_echo(&first);
    if !echo {
        emit(
            out,
            &format!(
                "PING {name} ({dst}) with {}: {} bytes\n",
                first.summary(),
                probe_bytes.len()
            ),
        )?;
    } else if v6 {
        // iputils writes no space before the parenthesis for IPv6.
        emit(out, &format!("PING {name}({dst}) {data_len} data bytes\n"))?;
    } else {
        emit(
            out,
            &format!(
                "PING {name} ({dst}) {data_len}({}) bytes of data.\n",
                probe_bytes.len()
            ),
        )?;
    }
    out.flush()?;
    let mut rep = Reporter {
        name: (a.target.parse::<IpAddr>().is_err() && !a.numeric).then(|| a.target.clone()),
        dst,
        quiet: a.quiet,
        echo,
        received: 0,
        dups: 0,
        errors: 0,
        rtt: RttStats::default(),
        answered: Vec::new(),
        number: Vec::new(),
        pending: 0,
        lines: Vec::new(),
        base_seq: seq_of(&first, 0),
    };
    let interval = Duration::from_secs_f64(a.interval);
    let linger = Duration::from_secs_f64(a.timeout);
    let t0 = Instant::now();
    let deadline = a
        .deadline
        .map(|d| t0 + Duration::from_secs_f64(d.clamp(0.0, 86_400.0 * 365.0)));
    let mut sent = 0u64;
    let mut last_send = t0;
    let prepare = |s: &Session, n: u64| {
        s.prepare(&advance(&base, n))
            .map_err(|e| CliError::Runtime(format!("ping: {e}")))
    };
    // The next probe is built before the wait for its turn, so that it leaves the moment it
    // is due (as iputils', whose probe is a few bytes to fill in).
    let mut next = Some(prepare(&s, 0)?);
    loop {
        if stop() || deadline.is_some_and(|d| Instant::now() >= d) {
            break;
        }
        let until = if a.count.is_some_and(|c| sent >= c) {
            // All probes out: wait for the missing answers, at most -W after the last.
            if rep.all_answered() || Instant::now() >= last_send + linger {
                break;
            }
            last_send + linger
        } else {
            let pr = match next.take() {
                Some(pr) => pr,
                None => prepare(&s, sent)?,
            };
            // A window of WINDOW places: probe n goes in place n % WINDOW, forgetting the
            // probe WINDOW before it, so memory stays bounded however long ping runs.
            let slot = usize::try_from(sent % WINDOW).unwrap_or(0);
            let idx = if slot < s.probes.len() {
                s.replace(slot, pr);
                slot
            } else {
                s.add_prepared(pr)
            };
            rep.sent_in(slot, sent);
            last_send = Instant::now();
            if let Err(e) = s.send(idx) {
                // iputils reports a failed send and goes on.
                let _ = writeln!(std::io::stderr(), "ping: sendmsg: {e}");
            }
            sent += 1;
            if a.count.is_some_and(|c| sent >= c) {
                last_send + linger
            } else {
                next = Some(prepare(&s, sent)?);
                t0 + interval.saturating_mul(u32::try_from(sent).unwrap_or(u32::MAX))
            }
        };
        let until = deadline.map_or(until, |d| until.min(d));
        let done_when_answered = a.count.is_some_and(|c| sent >= c);
        s.poll(until, &mut |s, ev| {
            rep.event(s, &ev);
            if done_when_answered && rep.all_answered() {
                Flow::Stop
            } else {
                Flow::Continue
            }
        })
        .map_err(|e| CliError::Runtime(format!("ping: {e}")))?;
        for l in rep.lines.drain(..) {
            emit(out, &l)?;
        }
        out.flush()?;
    }
    for l in rep.lines.drain(..) {
        emit(out, &l)?;
    }
    let elapsed = t0.elapsed().as_millis();
    let mut stat = format!(
        "\n--- {} ping statistics ---\n{sent} packets transmitted, {} received",
        a.target, rep.received
    );
    if rep.dups > 0 {
        stat.push_str(&format!(", +{} duplicates", rep.dups));
    }
    if rep.errors > 0 {
        stat.push_str(&format!(", +{} errors", rep.errors));
    }
    stat.push_str(&format!(
        ", {}% packet loss, time {elapsed}ms\n",
        loss_pct(sent, rep.received)
    ));
    match rep.rtt.line() {
        Some(l) => {
            stat.push_str(&l);
            stat.push('\n');
        }
        // iputils ends with an empty line when there is no rtt line.
        None => stat.push('\n'),
    }
    emit(out, &stat)?;
    out.flush()?;
    if rep.received > 0 {
        Ok(())
    } else {
        Err(CliError::Status(1))
    }
}

/// ping's counters and the lines waiting to be printed.
struct Reporter {
    name: Option<String>,
    dst: IpAddr,
    quiet: bool,
    echo: bool,
    received: u64,
    dups: u64,
    errors: u64,
    rtt: RttStats,
    /// Per place of the probe window: whether its probe was answered.
    answered: Vec<bool>,
    /// Per place: the number (from 0) of the probe in it.
    number: Vec<u64>,
    /// Probes in the window not answered yet.
    pending: usize,
    lines: Vec<String>,
    base_seq: u64,
}

/// Places in ping's probe window (see the send loop): a probe is forgotten (a late answer
/// to it no longer counts) 16,384 probes after it was sent, 4.5 hours at the default
/// interval, and about 2 KiB is kept per place (its packet, bytes and parsed form).
const WINDOW: u64 = 16_384;

impl Reporter {
    /// Probe number `n` went into place `slot`.
    fn sent_in(&mut self, slot: usize, n: u64) {
        match (self.answered.get_mut(slot), self.number.get_mut(slot)) {
            (Some(a), Some(k)) => {
                if !*a {
                    // The probe this place held was never answered: it is forgotten.
                    self.pending = self.pending.saturating_sub(1);
                }
                *a = false;
                *k = n;
            }
            _ => {
                self.answered.push(false);
                self.number.push(n);
            }
        }
        self.pending += 1;
    }

    /// Whether every probe in the window was answered.
    fn all_answered(&self) -> bool {
        self.pending == 0
    }

    /// Marks the probe in place `slot` answered.
    fn mark(&mut self, slot: usize) {
        if let Some(a) = self.answered.get_mut(slot) {
            if !*a {
                *a = true;
                self.pending = self.pending.saturating_sub(1);
            }
        }
    }

    fn event(&mut self, s: &Session, ev: &Event<'_>) {
        let Event::Answer {
            probe,
            reply,
            rtt,
            dup,
        } = ev
        else {
            return;
        };
        let number = self.number.get(*probe).copied().unwrap_or(*probe as u64);
        let seq = s
            .probes
            .get(*probe)
            .map_or(self.base_seq + number, |p| seq_of(&p.packet, number));
        let (from, ttl) = src_ttl(&reply.packet).unwrap_or((self.dst, 0));
        if let Some((v6, ty, code, mtu)) = icmp_error(&reply.packet) {
            self.errors += 1;
            self.mark(*probe);
            if !self.quiet {
                self.lines.push(format!(
                    "From {from} icmp_seq={seq} {}\n",
                    icmp_error_text(v6, ty, code, mtu)
                ));
            }
            return;
        }
        self.mark(*probe);
        let ms = rtt.as_secs_f64() * 1e3;
        if *dup {
            self.dups += 1;
        } else {
            self.received += 1;
            self.rtt.add(ms);
        }
        if self.quiet {
            return;
        }
        let who = match &self.name {
            Some(n) if from == self.dst => format!("{n} ({from})"),
            _ => from.to_string(),
        };
        let len = icmp_len(&reply.bytes);
        let mut l = if self.echo {
            format!(
                "{len} bytes from {who}: icmp_seq={seq} ttl={ttl} time={} ms",
                fmt_ms(ms)
            )
        } else {
            // Another probe: the answer's summary in place of the ICMP fields.
            format!(
                "{len} bytes from {who}: seq={} ttl={ttl} time={} ms: {}",
                number + 1,
                fmt_ms(ms),
                answer_summary(&reply.packet)
            )
        };
        if *dup {
            l.push_str(" (DUP!)");
        }
        if let Some(w) = damaged(s, *probe, reply) {
            l.push_str(&w);
        }
        l.push('\n');
        self.lines.push(l);
    }
}

/// The ICMP message of an IPv4 packet captured with an Ethernet (or no) header.
fn icmp_bytes(bytes: &[u8]) -> Option<&[u8]> {
    let o = [14usize, 0]
        .into_iter()
        .find(|&o| bytes.get(o).is_some_and(|b| b >> 4 == 4))?;
    let ihl = usize::from(bytes.get(o)? & 0xf) * 4;
    let total = usize::from(u16::from_be_bytes([*bytes.get(o + 2)?, *bytes.get(o + 3)?]));
    let end = (o + total).min(bytes.len());
    if *bytes.get(o + 9)? != 1 {
        return None;
    }
    bytes.get(o + ihl..end)
}

/// iputils' checks on an echo reply: the checksum, and the data against what was sent.
fn damaged(s: &Session, probe: usize, reply: &crate::net::sr::Reply) -> Option<String> {
    if let Some(m) = icmp_bytes(&reply.bytes) {
        if crate::checksum::checksum(m) != 0 {
            return Some(" (BAD CHECKSUM!)".into());
        }
    }
    let p = s.probes.get(probe)?;
    let sent = echo_data(&p.packet)?;
    let got = echo_data(&reply.packet)?;
    if let Some(i) = sent.iter().zip(got.iter()).position(|(a, b)| a != b) {
        return Some(format!(
            "\nwrong data byte #{} should be 0x{:x} but was 0x{:x}",
            i + 8,
            sent.get(i).copied().unwrap_or(0),
            got.get(i).copied().unwrap_or(0)
        ));
    }
    None
}

/// Whether the probe is an ICMP or ICMPv6 echo request (iputils' own probe).
fn is_echo(p: &Packet) -> bool {
    p.layers().iter().any(|l| match l {
        Layer::ICMP(i) => i.type_ == 8,
        Layer::ICMPv6EchoRequest(_) => true,
        _ => false,
    })
}

/// The summary of an answer from its IP layer on.
fn answer_summary(p: &Packet) -> String {
    let l = p.layers();
    match l
        .iter()
        .position(|x| matches!(x, Layer::IP(_) | Layer::IPv6(_)))
    {
        Some(i) => Packet::from_layers(l.get(i..).unwrap_or(&[]).to_vec()).summary(),
        None => p.summary(),
    }
}

/// The data of an ICMP or ICMPv6 echo message.
fn echo_data(p: &Packet) -> Option<Vec<u8>> {
    let l = p.layers();
    let i = l.iter().position(|x| {
        matches!(
            x,
            Layer::ICMP(_) | Layer::ICMPv6EchoRequest(_) | Layer::ICMPv6EchoReply(_)
        )
    })?;
    match l.get(i + 1) {
        Some(Layer::Raw(r)) => Some(r.load.clone()),
        None => Some(Vec::new()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iputils_number_formats() {
        assert_eq!(fmt_ms(0.0456), "0.046");
        assert_eq!(fmt_ms(1.234), "1.23");
        assert_eq!(fmt_ms(12.34), "12.3");
        assert_eq!(fmt_ms(123.4), "123");
        assert_eq!(loss_pct(3, 3), "0");
        assert_eq!(loss_pct(3, 0), "100");
        assert_eq!(loss_pct(3, 2), "33.3333");
        assert_eq!(loss_pct(4, 3), "25");
        let mut r = RttStats::default();
        for x in [1.0, 2.0, 3.0] {
            r.add(x);
        }
        assert_eq!(
            r.line().as_deref(),
            Some("rtt min/avg/max/mdev = 1.000/2.000/3.000/0.816 ms")
        );
    }

    #[test]
    fn probes_advance_their_sequence_or_port() {
        let t = |e: &str| {
            dsl::parse(e)
                .expect("parses")
                .packets(&dsl::ExpandOptions::default())
                .next()
                .expect("packet")
        };
        let p = advance(&t("IP()/ICMP(seq=0)"), 4);
        assert_eq!(seq_of(&p, 4), 5);
        let p = advance(&t("IP()/TCP(sport=1000)"), 4);
        assert!(matches!(p.layers().get(1), Some(Layer::TCP(x)) if x.sport == Some(1004)));
    }
}
