//! `pktforge send EXPR` (layer 3, a raw IP socket) and `pktforge sendp EXPR` (layer 2, a
//! packet socket on an interface): every packet of the set, `--count` times, paced by
//! `--rate` or `--interval`, over one socket; batched with `sendmmsg`.

use std::io::Write;
use std::net::IpAddr;
use std::time::Duration;

use crate::cli::{CliError, CliResult, emit};
use crate::dsl::{self, ExpandOptions};
use crate::layers::Layer;
use crate::net::iface::{self, Interface};
use crate::net::neigh::Neighbours;
use crate::net::send::{self, Pace, Sink};
use crate::net::{TxError, sr};
use crate::packet::Packet;

pub use crate::net::sr::MAX_PROBES;

/// Options of `pktforge send` and `pktforge sendp`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
    pktforge send 'IP(dst=\"127.0.0.1\")/ICMP()'\n  \
    pktforge send 'IP(dst=\"198.18.1.2\")/UDP(dport=9)/Raw(load=\"x\"*18)' --count 100000 --rate max\n  \
    pktforge send 'IPv6(dst=\"::1\")/ICMPv6EchoRequest(seq=(1,3))' --interval 0.5\n  \
    pktforge sendp 'Ether()/IP(dst=\"198.18.0.2\")/ICMP()' -i veth0\n  \
    pktforge sendp 'Ether(dst=\"ff:ff:ff:ff:ff:ff\")/ARP(pdst=\"198.18.0.2\")' -i veth0 --count 3")]
pub struct Args {
    /// The packet expression (scapy syntax); a set sends every packet.
    #[arg(value_name = "EXPR")]
    pub expr: String,
    /// Send the whole set this many times.
    #[arg(short = 'c', long, value_name = "N", default_value_t = 1)]
    pub count: u64,
    /// Seconds between packets (scapy's inter).
    #[arg(long, value_name = "S", conflicts_with = "rate")]
    pub interval: Option<f64>,
    /// Packets per second, or `max` (as fast as the socket takes them; the default).
    #[arg(long, value_name = "PPS|max")]
    pub rate: Option<String>,
    /// Interface: sendp sends on it (default: the route's to the first IP destination,
    /// else the default route's); send binds its socket to it.
    #[arg(short = 'i', long = "iface", value_name = "IFACE")]
    pub iface: Option<String>,
    /// Print nothing per packet, only the total.
    #[arg(short = 'q', long)]
    pub quiet: bool,
    /// Seed for fuzz().
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
}

fn runtime(e: TxError) -> CliError {
    CliError::Runtime(format!("error: {e}"))
}

/// Parses a pace from `--rate`/`--interval`.
fn pace(a: &Args) -> Result<Pace, CliError> {
    if let Some(i) = a.interval {
        if !(0.0..=86_400.0).contains(&i) {
            return Err(CliError::Usage(
                "error: --interval takes seconds between 0 and 86400".into(),
            ));
        }
        return Ok(Pace::Interval(Duration::from_secs_f64(i)));
    }
    match a.rate.as_deref() {
        None | Some("max") => Ok(Pace::Max),
        Some(r) => match r.parse::<f64>() {
            Ok(v) if v > 0.0 && v.is_finite() => Ok(Pace::Rate(v)),
            _ => Err(CliError::Usage(format!(
                "error: --rate takes packets per second (a number above 0) or `max`, not {r:?}"
            ))),
        },
    }
}

/// Expands `expr` into at most [`MAX_PROBES`] packets.
pub fn expand(expr: &str, seed: Option<u64>) -> Result<Vec<Packet>, CliError> {
    let t = dsl::parse(expr).map_err(|e| CliError::Usage(e.render(expr)))?;
    if t.count() > MAX_PROBES {
        return Err(CliError::Usage(format!(
            "error: the expression makes {} packets; send, sr and ping take at most {MAX_PROBES} \
             distinct packets (repeat a smaller set with --count)",
            t.count()
        )));
    }
    Ok(t.packets(&ExpandOptions { seed }).collect())
}

/// The interface for layer-2 sending: the one named, else the route's to the first IP
/// destination of `pkts`, else the default one.
pub fn l2_iface(name: Option<&str>, pkts: &[Packet]) -> Result<Interface, CliError> {
    let list = iface::interfaces().map_err(|e| CliError::Runtime(format!("error: {e}")))?;
    let pick = match name {
        Some(n) => list.iter().find(|i| i.name == n),
        None => {
            let by_route = pkts
                .iter()
                .find_map(sr::ip_addrs)
                .and_then(|(_, d)| sr::rx_iface_for(&list, d).ok())
                .and_then(|n| list.iter().find(|i| i.name == n));
            by_route.or_else(|| iface::default_interface(&list))
        }
    };
    pick.cloned().ok_or_else(|| match name {
        Some(n) => runtime(TxError::NoInterface(n.to_string())),
        None => CliError::Usage("error: no interface to send on: give one with -i".into()),
    })
}

/// Fills an unset Ether src with the interface's MAC and an unset Ether dst with the
/// next hop's (neighbour resolution), as scapy's sendp does.
pub fn fill_ether(p: &mut Packet, i: &Interface, n: &mut Neighbours) -> Result<(), CliError> {
    let dst_ip = sr::ip_addrs(p).map(|(_, d)| d);
    let is_arp = p.layers().iter().any(|l| matches!(l, Layer::ARP(_)));
    let Some(Layer::Ether(e)) = p.layers_mut().first_mut() else {
        return Ok(());
    };
    if e.src.is_none() {
        e.src = i.mac;
    }
    if e.dst.is_none() {
        if is_arp {
            e.dst = Some(crate::mac::MacAddr([0xff; 6]));
        } else if let Some(d) = dst_ip {
            e.dst = Some(n.next_hop_mac(i, d).map_err(runtime)?);
        }
    }
    Ok(())
}

/// Packets ready to go: bytes, and the destination for layer 3.
type Wire = Vec<(Vec<u8>, Option<IpAddr>)>;

/// The datagrams of `wire` as Ethernet frames for the interface all of them leave by,
/// with a packet socket on it; `None` (keep the raw IP socket) when they leave by several,
/// by one that is not Ethernet or loopback, or the next hop does not resolve.
fn as_frames(
    wire: &[(Vec<u8>, Option<IpAddr>)],
    bind: Option<&str>,
) -> Option<(Sink, Wire, String)> {
    let list = iface::interfaces().ok()?;
    let mut name: Option<String> = bind.map(str::to_string);
    for (_, d) in wire {
        // Loopback for the host's own addresses, else the route's interface.
        let n = sr::rx_iface_for(&list, (*d)?).ok()?;
        match &name {
            Some(x) if *x != n => return None,
            _ => name = Some(n),
        }
    }
    let i = list
        .iter()
        .find(|i| Some(&i.name) == name.as_ref())?
        .clone();
    if !matches!(i.arphrd, Some(1) | Some(772)) {
        return None;
    }
    let mut n = Neighbours::new();
    let src = i.mac.unwrap_or(crate::mac::MacAddr([0; 6]));
    let mut macs: std::collections::HashMap<IpAddr, crate::mac::MacAddr> =
        std::collections::HashMap::new();
    let mut frames = Vec::with_capacity(wire.len());
    for (b, d) in wire {
        let d = (*d)?;
        let m = match macs.get(&d) {
            Some(m) => *m,
            None => {
                let m = n.next_hop_mac(&i, d).ok()?;
                macs.insert(d, m);
                m
            }
        };
        let mut f = Vec::with_capacity(14 + b.len());
        f.extend_from_slice(&m.octets());
        f.extend_from_slice(&src.octets());
        f.extend_from_slice(if d.is_ipv6() {
            &[0x86, 0xdd]
        } else {
            &[0x08, 0x00]
        });
        f.extend_from_slice(b);
        frames.push((f, None));
    }
    let sink = Sink::l2(i.index, &i.name, true).ok()?;
    Some((sink, frames, i.name))
}

/// Runs `send` (`layer2` false) or `sendp`.
pub fn run(a: &Args, layer2: bool, out: &mut dyn Write) -> CliResult {
    let pace = pace(a)?;
    let mut pkts = expand(&a.expr, a.seed)?;
    let (mut sink, what) = if layer2 {
        let i = l2_iface(a.iface.as_deref(), &pkts)?;
        let mut n = Neighbours::new();
        for p in &mut pkts {
            fill_ether(p, &i, &mut n)?;
        }
        (
            Sink::l2(i.index, &i.name, pace == Pace::Max).map_err(runtime)?,
            format!("on {}", i.name),
        )
    } else {
        (Sink::l3(a.iface.clone()), String::new())
    };
    let mut wire: Wire = Vec::with_capacity(pkts.len());
    for (k, p) in pkts.iter().enumerate() {
        let b = p.build().map_err(|e| {
            CliError::Runtime(format!("error: packet {}: cannot build it: {e}", k + 1))
        })?;
        let dst = if layer2 {
            None
        } else {
            match p.layers().first() {
                Some(Layer::IP(ip)) => Some(IpAddr::V4(ip.dst)),
                Some(Layer::IPv6(ip)) => {
                    Some(IpAddr::V6(ip.dst.unwrap_or(std::net::Ipv6Addr::LOCALHOST)))
                }
                _ => {
                    return Err(CliError::Usage(format!(
                        "error: packet {}: `{}` does not start with IP() or IPv6(); send sends \
                         IP datagrams: use sendp for frames",
                        k + 1,
                        p.summary()
                    )));
                }
            }
        };
        wire.push((b, dst));
    }
    let total = (pkts.len() as u64).saturating_mul(a.count);
    // `--rate max` at layer 3: frames built here (route, neighbour, Ethernet header) and
    // sent on a packet socket past the queueing discipline, as scapy's L3PacketSocket
    // does, because the raw IP socket's path through the kernel's IP output is slower:
    // 136 k against 191 k packets/s on a veth (README, "Sending and reply matching").
    let mut what = what;
    if !layer2 && pace == Pace::Max && total >= 1000 {
        if let Some((sink2, frames, name)) = as_frames(&wire, a.iface.as_deref()) {
            sink = sink2;
            wire = frames;
            what = format!("as frames on {name}");
        }
    }
    if !a.quiet && total <= 100 {
        for p in &pkts {
            emit(out, &format!("Sent: {}\n", p.summary()))?;
        }
    }
    out.flush()?;
    let stop = crate::capture::live::install_stop_signals()
        .map_err(|e| CliError::Runtime(format!("error: installing signal handlers: {e}")))?;
    let rep = send::run(&mut sink, &wire, a.count, pace, &stop).map_err(runtime)?;
    let secs = rep.elapsed.as_secs_f64();
    emit(
        out,
        &format!(
            "Sent {} packets ({} bytes){}{} in {secs:.6} s, {:.0} packets/s\n",
            rep.packets,
            rep.bytes,
            if what.is_empty() { "" } else { " " },
            what,
            rep.pps()
        ),
    )
}
