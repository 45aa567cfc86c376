//! Send probes and match their answers: the engine of `sr`, `sr1`, `srp`, `srp1`, `ping`,
//! `traceroute` and `arping`.
//!
//! A [`Session`] opens one sending socket for its whole life (a [`Sink`]: a raw IP socket
//! per family for layer 3, a packet socket for layer 2) and one receiving packet socket per interface
//! the answers can arrive on (the routes' interfaces; loopback for local destinations),
//! each with a kernel BPF filter narrowed to the probes' addresses, opened before the
//! first probe leaves. Probes are indexed by [`answers::hashret`]; each received packet is
//! checked with [`answers::answers`] against the probes of the same hash only. Round-trip
//! times are the kernel's receive timestamp minus the time taken just before the probe's
//! `sendto`, as iputils ping measures them.

use std::collections::HashMap;
use std::net::IpAddr;
use std::os::fd::AsRawFd;
use std::time::{Duration, Instant};

use super::answers;
use super::iface::{self, Interface};
use super::send::Sink;
use super::sock::{self, PACKET_OUTGOING, PacketSock};
use super::{TxError, route};
use crate::filter::{Filter, FilterLink};
use crate::layers::Layer;
use crate::packet::{LinkType, Packet};

/// How a session sends and waits.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// Layer 2 on this interface (`srp`, `arping`); `None`: layer 3 (`sr`, `ping`).
    pub layer2: Option<String>,
    /// Layer 3 only: bind the sending socket to this interface (`ping -I`).
    pub bind_iface: Option<String>,
    /// Keep matching after a probe's first answer (scapy's `multi`; ping's duplicates).
    pub multi: bool,
    /// Explain every received packet that matches no probe.
    pub debug_match: bool,
}

/// A probe, as it was built and sent.
#[derive(Debug, Clone)]
pub struct Probe {
    /// The probe parsed back from its bytes (every auto field concrete).
    pub packet: Packet,
    /// Its bytes.
    pub bytes: Vec<u8>,
    /// Layer 3: where it goes.
    pub dst: Option<IpAddr>,
    /// When it was last sent (since the Unix epoch, the clock of the kernel's stamps).
    pub sent_at: Option<Duration>,
    /// How many times it was sent.
    pub sends: u32,
    /// How many answers it got.
    pub answers: u32,
}

/// A probe built but not yet added to a session ([`Session::prepare`]).
#[derive(Debug, Clone)]
pub struct Prepared {
    packet: Packet,
    bytes: Vec<u8>,
    dst: Option<IpAddr>,
    hash: u64,
}

impl Prepared {
    /// The probe, not yet sent.
    fn into_probe(self) -> Probe {
        Probe {
            packet: self.packet,
            bytes: self.bytes,
            dst: self.dst,
            sent_at: None,
            sends: 0,
            answers: 0,
        }
    }
}

/// A received packet.
#[derive(Debug, Clone)]
pub struct Reply {
    /// It, dissected.
    pub packet: Packet,
    /// Its bytes as captured (link header included).
    pub bytes: Vec<u8>,
    /// Its length on the wire.
    pub wire_len: usize,
    /// Kernel receive time, since the Unix epoch.
    pub stamp: Duration,
    /// Interface it came in on.
    pub iface: String,
}

/// What [`Session::poll`] reports.
#[derive(Debug)]
pub enum Event<'a> {
    /// `reply` answers probe number `probe`.
    Answer {
        /// Index of the probe in [`Session::probes`].
        probe: usize,
        /// The answer.
        reply: &'a Reply,
        /// Its round-trip time.
        rtt: Duration,
        /// The probe had been answered already (a duplicate; only with `multi`).
        dup: bool,
    },
    /// A received packet that answers no probe, with the rule that rejected it (only with
    /// `debug_match`).
    Unmatched {
        /// The packet.
        reply: &'a Reply,
        /// Why it matched no probe.
        why: String,
    },
}

/// Whether [`Session::poll`] goes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Keep waiting.
    Continue,
    /// Return now.
    Stop,
}

struct Rx {
    sock: PacketSock,
    link: LinkType,
    /// The interfaces answers are taken from (index, name); a socket bound to every
    /// interface drops what comes in on others.
    ifaces: Vec<(u32, String)>,
    /// Bound to every interface (index 0) rather than to the one in `ifaces`.
    any: bool,
}

impl Rx {
    /// The name of interface `ifindex` if answers are taken from it.
    fn accepts(&self, ifindex: u32) -> Option<&str> {
        match self.ifaces.as_slice() {
            [(_, n)] if !self.any => Some(n),
            l => l
                .iter()
                .find(|(i, _)| *i == ifindex)
                .map(|(_, n)| n.as_str()),
        }
    }

    fn name(&self) -> String {
        let v: Vec<&str> = self.ifaces.iter().map(|(_, n)| n.as_str()).collect();
        v.join(", ")
    }
}

/// Whether interface `i` is captured with an Ethernet header (Ethernet and loopback);
/// anything else (tun, ppp) is cooked, from the network layer.
fn is_ether(i: &Interface) -> bool {
    matches!(i.arphrd, Some(1) | Some(772)) || i.arphrd.is_none()
}

/// One sending socket, the receiving sockets, and the probes sent so far.
pub struct Session {
    tx: Sink,
    rx: Vec<Rx>,
    /// The probes, in the order they were added.
    pub probes: Vec<Probe>,
    index: HashMap<u64, Vec<usize>>,
    /// Packets received (that passed the kernel filter and were not our own probes).
    pub received: u64,
    /// Packets received that answered a probe (duplicates included).
    pub matched: u64,
    multi: bool,
    debug: bool,
    buf: Vec<u8>,
    stop: Option<fn() -> bool>,
    unanswered: usize,
    spin: Option<Duration>,
}

/// The most packets read from one socket before [`Session::poll`] looks at its deadline
/// again.
const DRAIN: usize = 1024;

/// The most distinct packets a set given to send, sr or ping may expand to (they are
/// built before the first one leaves, so that sending runs at the socket's speed).
pub const MAX_PROBES: u128 = 65_536;

/// The most distinct destination addresses named in the kernel filter; beyond it, the
/// filter keeps only "to our source address" (the answers are checked in user space
/// anyway).
const FILTER_MAX_HOSTS: usize = 32;

fn find_iface(list: &[Interface], name: &str) -> Result<Interface, TxError> {
    list.iter()
        .find(|i| i.name == name)
        .cloned()
        .ok_or_else(|| TxError::NoInterface(name.to_string()))
}

/// The first IP or IPv6 layer of a packet: (src, dst); an unset source is unspecified.
pub fn ip_addrs(p: &Packet) -> Option<(IpAddr, IpAddr)> {
    p.layers().iter().find_map(|l| match l {
        Layer::IP(ip) => Some((
            IpAddr::V4(ip.src.unwrap_or(std::net::Ipv4Addr::UNSPECIFIED)),
            IpAddr::V4(ip.dst),
        )),
        Layer::IPv6(ip) => Some((
            IpAddr::V6(ip.src.unwrap_or(std::net::Ipv6Addr::UNSPECIFIED)),
            IpAddr::V6(ip.dst?),
        )),
        _ => None,
    })
}

/// The interface the answers from `dst` arrive on: loopback for the host's own
/// addresses, else the route's.
pub fn rx_iface_for(list: &[Interface], dst: IpAddr) -> Result<String, TxError> {
    let local = dst.is_loopback()
        || list.iter().any(|i| match dst {
            IpAddr::V4(a) => i.ipv4.iter().any(|(x, _)| *x == a),
            IpAddr::V6(a) => i.ipv6.iter().any(|(x, _)| *x == a),
        });
    if local {
        return list
            .iter()
            .find(|i| i.flags.loopback)
            .map(|i| i.name.clone())
            .ok_or(TxError::NoInterface("lo".into()));
    }
    let h = route::host();
    let r = match dst {
        IpAddr::V4(a) => h.route_v4(a).map(|r| r.iface),
        IpAddr::V6(a) => h.route_v6(a).map(|r| r.iface),
    };
    r.ok_or(TxError::NoRoute(dst))
}

/// The kernel filter for the answers to `probes`: ARP when a probe is ARP; for IP, what
/// is addressed to a probe's source and comes from a probe's destination, or is an ICMP
/// error (from a router on the way). `None` when a probe is neither (no kernel filter).
pub fn filter_text(probes: &[Packet]) -> Option<String> {
    let mut arp = false;
    // When every probe of a family is an echo request, echo requests are not answers:
    // the kernel filter drops them, so the looped-back copies of our own probes (loopback,
    // own addresses) do not wake the receiver while the kernel prepares the answer.
    let echo4 = probes
        .iter()
        .filter(|p| ip_addrs(p).is_some_and(|(s, _)| s.is_ipv4()))
        .all(|p| {
            p.layers()
                .iter()
                .any(|l| matches!(l, Layer::ICMP(i) if i.type_ == 8))
        });
    let echo6 = probes
        .iter()
        .filter(|p| ip_addrs(p).is_some_and(|(s, _)| s.is_ipv6()))
        .all(|p| {
            p.layers()
                .iter()
                .any(|l| matches!(l, Layer::ICMPv6EchoRequest(_)))
        });
    let mut src4 = Vec::new();
    let mut dst4 = Vec::new();
    let mut src6 = Vec::new();
    let mut dst6 = Vec::new();
    for p in probes {
        if p.layers().iter().any(|l| matches!(l, Layer::ARP(_))) {
            arp = true;
            continue;
        }
        match ip_addrs(p) {
            Some((IpAddr::V4(s), IpAddr::V4(d))) => {
                if !src4.contains(&s) {
                    src4.push(s);
                }
                if !dst4.contains(&d) {
                    dst4.push(d);
                }
            }
            Some((IpAddr::V6(s), IpAddr::V6(d))) => {
                if !src6.contains(&s) {
                    src6.push(s);
                }
                if !dst6.contains(&d) {
                    dst6.push(d);
                }
            }
            _ => return None,
        }
    }
    let part = |srcs: &[String], dsts: &[String], icmp: &str| -> String {
        let to_us = srcs
            .iter()
            .map(|s| format!("dst host {s}"))
            .collect::<Vec<_>>()
            .join(" or ");
        let mut s = format!("({to_us})");
        if dsts.len() <= FILTER_MAX_HOSTS {
            let from = dsts
                .iter()
                .map(|d| format!("src host {d}"))
                .collect::<Vec<_>>()
                .join(" or ");
            s = format!("{s} and ({icmp} or {from})");
        }
        s
    };
    let mut parts = Vec::new();
    if arp {
        parts.push("arp".to_string());
    }
    // Unspecified sources (0.0.0.0, ::) are filled in by the kernel: match any
    // destination then.
    if !src4.is_empty() {
        if src4.iter().any(|a| a.is_unspecified()) {
            parts.push("ip".into());
        } else {
            let s: Vec<String> = src4.iter().map(|a| a.to_string()).collect();
            let d: Vec<String> = dst4.iter().map(|a| a.to_string()).collect();
            let not_echo = if echo4 { " and not icmp[0] == 8" } else { "" };
            parts.push(format!("(ip and {}{not_echo})", part(&s, &d, "icmp")));
        }
    }
    if !src6.is_empty() {
        if src6.iter().any(|a| a.is_unspecified()) {
            parts.push("ip6".into());
        } else {
            let s: Vec<String> = src6.iter().map(|a| a.to_string()).collect();
            let d: Vec<String> = dst6.iter().map(|a| a.to_string()).collect();
            let not_echo = if echo6 {
                " and not icmp6[0] == 128"
            } else {
                ""
            };
            parts.push(format!("(ip6 and {}{not_echo})", part(&s, &d, "icmp6")));
        }
    }
    if parts.is_empty() {
        return None;
    }
    Some(parts.join(" or "))
}

/// Opens a receiving socket for answers coming in on `ifs` (all of one link kind, see
/// [`is_ether`]) with the filter `text` compiled for their link, bound to the frames of
/// ethertype `proto` (see [`PacketSock::open`]); on the one interface of `ifs`, or with
/// `any` on every interface.
///
/// `any` is for IP answers: a socket bound to one interface and one ethertype is handed
/// each IP packet before the IP layer is, which must then copy the packet it shares
/// (`ip_rcv`'s `skb_share_check`); a socket bound to every interface is handed it first,
/// filters it out and lets it go. `pktforge ping -c 2000 -i 0.002 127.0.0.1` averaged
/// 4 to 6 us less this way.
fn open_rx(ifs: &[&Interface], text: Option<&str>, proto: u16, any: bool) -> Result<Rx, TxError> {
    let ether = ifs.first().is_none_or(|i| is_ether(i));
    let (link, flink) = if ether {
        (LinkType::Ether, FilterLink::Ether)
    } else {
        (LinkType::RawIp, FilterLink::Raw)
    };
    let prog = text
        .and_then(|t| Filter::new(t).ok())
        .and_then(|f| f.compile_bpf(flink).ok());
    let prog = sock::inbound_only(prog.as_ref().map(|p| p.insns()));
    let ifaces: Vec<(u32, String)> = ifs.iter().map(|i| (i.index, i.name.clone())).collect();
    let index = match ifaces.as_slice() {
        [(i, _)] if !any => *i,
        _ => 0,
    };
    let sock = PacketSock::open(index, !ether, Some(&prog), proto).map_err(|e| {
        let names: Vec<&str> = ifaces.iter().map(|(_, n)| n.as_str()).collect();
        TxError::os(format!("a packet socket on {}", names.join(", ")), e)
    })?;
    Ok(Rx {
        sock,
        link,
        ifaces,
        any: index == 0,
    })
}

impl Session {
    /// Opens the sockets for probes like `template` (their addresses narrow the kernel
    /// filter; later probes should go to the same places).
    pub fn open(cfg: &Config, template: &[Packet]) -> Result<Session, TxError> {
        let list = iface::interfaces().map_err(|e| TxError::Os {
            what: "listing interfaces".into(),
            source: std::io::Error::other(e.to_string()),
        })?;
        // The filter is made from the probes as built (sources filled in by the route).
        let mut built = Vec::with_capacity(template.len());
        for p in template {
            let link = if cfg.layer2.is_some() {
                p.link_type()
            } else {
                LinkType::RawIp
            };
            built.push(Packet::parse(link, &p.build()?));
        }
        let text = filter_text(&built);
        let mut rx = Vec::new();
        let tx = if let Some(name) = &cfg.layer2 {
            let i = find_iface(&list, name)?;
            let s = Sink::l2(i.index, name, false)?;
            // Answers to frames can be of any type (ARP, VLAN-tagged, ...).
            rx.push(open_rx(&[&i], text.as_deref(), sock::ETH_P_ALL, false)?);
            s
        } else {
            let mut names: Vec<String> = Vec::new();
            if let Some(b) = &cfg.bind_iface {
                names.push(b.clone());
            }
            for p in &built {
                if let Some((_, d)) = ip_addrs(p) {
                    if cfg.bind_iface.is_some() && !d.is_loopback() {
                        continue;
                    }
                    let n = rx_iface_for(&list, d)?;
                    if !names.contains(&n) {
                        names.push(n);
                    }
                }
            }
            // Answers to IP datagrams come in the probes' IP families: one socket per
            // family, which the kernel hands no outgoing frame.
            let v4 = built
                .iter()
                .any(|p| matches!(p.layers().first(), Some(Layer::IP(_))));
            let v6 = built
                .iter()
                .any(|p| matches!(p.layers().first(), Some(Layer::IPv6(_))));
            let protos = [(v4, sock::ETH_P_IP), (v6, sock::ETH_P_IPV6)];
            let ifs = names
                .iter()
                .map(|n| find_iface(&list, n))
                .collect::<Result<Vec<_>, _>>()?;
            // One socket per family on every interface when the answers' interfaces share
            // a link kind (the filter is compiled for one); else one per interface.
            let (ether, cooked): (Vec<&Interface>, Vec<&Interface>) =
                ifs.iter().partition(|i| is_ether(i));
            let mixed = !ether.is_empty() && !cooked.is_empty();
            let groups: Vec<Vec<&Interface>> = if !mixed {
                vec![ifs.iter().collect()]
            } else {
                ifs.iter().map(|i| vec![i]).collect()
            };
            for g in groups.iter().filter(|g| !g.is_empty()) {
                for (_, proto) in protos.iter().filter(|(on, _)| *on) {
                    rx.push(open_rx(g, text.as_deref(), *proto, !mixed)?);
                }
            }
            Sink::l3(cfg.bind_iface.clone())
        };
        Ok(Session {
            tx,
            rx,
            probes: Vec::new(),
            index: HashMap::new(),
            received: 0,
            matched: 0,
            multi: cfg.multi,
            debug: cfg.debug_match,
            buf: vec![0u8; 65_536 + 64],
            stop: None,
            unanswered: 0,
            spin: None,
        })
    }

    /// Makes [`Session::poll`] spin instead of sleeping when its deadline is at most
    /// `below` away and no probe awaits an answer: it yields the processor and reads
    /// without blocking until the deadline, as iputils ping does for intervals shorter than
    /// a scheduler tick (10 ms), so that the processor is not idle when the next probe
    /// leaves (waking an idle core is in the next round trip otherwise).
    pub fn set_spin(&mut self, below: Duration) {
        self.spin = Some(below);
    }

    /// Makes [`Session::poll`] return as soon as `stop()` is true (SIGINT: ping then
    /// prints its statistics).
    pub fn set_stop(&mut self, stop: fn() -> bool) {
        self.stop = Some(stop);
    }

    /// Whether the session sends at layer 2.
    pub fn is_layer2(&self) -> bool {
        matches!(self.tx, Sink::L2(_))
    }

    /// Builds `p` and adds it as a probe (not yet sent); returns its index.
    pub fn add(&mut self, p: &Packet) -> Result<usize, TxError> {
        let pr = self.prepare(p)?;
        Ok(self.add_prepared(pr))
    }

    /// Builds `p` as a probe of this session without adding it: its bytes, the packet parsed
    /// back, its destination and its hash. ping builds the next probe while it waits, so
    /// that it leaves the moment it is due.
    pub fn prepare(&self, p: &Packet) -> Result<Prepared, TxError> {
        let bytes = p.build()?;
        let link = if self.is_layer2() {
            p.link_type()
        } else {
            LinkType::RawIp
        };
        let packet = Packet::parse(link, &bytes);
        let dst = if self.is_layer2() {
            None
        } else {
            match packet.layers().first() {
                Some(Layer::IP(ip)) => Some(IpAddr::V4(ip.dst)),
                Some(Layer::IPv6(ip)) => ip.dst.map(IpAddr::V6),
                _ => {
                    return Err(TxError::Unsendable(format!(
                        "`{}` does not start with IP() or IPv6(): layer 3 sends IP datagrams (use the `p` form, srp/sendp, for frames)",
                        p.summary()
                    )));
                }
            }
        };
        let hash = answers::hashret(&packet);
        Ok(Prepared {
            packet,
            bytes,
            dst,
            hash,
        })
    }

    /// Adds a prepared probe (not yet sent); returns its index.
    pub fn add_prepared(&mut self, pr: Prepared) -> usize {
        let i = self.probes.len();
        self.unanswered += 1;
        self.index.entry(pr.hash).or_default().push(i);
        self.probes.push(pr.into_probe());
        i
    }

    /// Puts a prepared probe (not yet sent) in the place of probe `i`, which is forgotten
    /// (an answer to it no longer matches): a long ping reuses a window of places, so
    /// that memory does not grow with the count. Returns false if there is no probe `i`.
    pub fn replace(&mut self, i: usize, pr: Prepared) -> bool {
        let Some(old) = self.probes.get_mut(i) else {
            return false;
        };
        if old.answers == 0 {
            self.unanswered = self.unanswered.saturating_sub(1);
        }
        let old_hash = answers::hashret(&old.packet);
        let hash = pr.hash;
        *old = pr.into_probe();
        if let Some(v) = self.index.get_mut(&old_hash) {
            v.retain(|&k| k != i);
            if v.is_empty() {
                self.index.remove(&old_hash);
            }
        }
        self.index.entry(hash).or_default().push(i);
        self.unanswered += 1;
        true
    }

    /// Sends probe `i` now.
    pub fn send(&mut self, i: usize) -> Result<(), TxError> {
        self.send_many(&[i])
    }

    /// Sends the probes `idx`, in batches of one `sendmmsg` each.
    pub fn send_many(&mut self, idx: &[usize]) -> Result<(), TxError> {
        let mut done = 0usize;
        while done < idx.len() {
            let rest = idx.get(done..).unwrap_or(&[]);
            let rest = rest.get(..rest.len().min(sock::BATCH)).unwrap_or(&[]);
            let batch: Vec<(&[u8], Option<IpAddr>)> = rest
                .iter()
                .filter_map(|&i| self.probes.get(i))
                .map(|p| (p.bytes.as_slice(), p.dst))
                .collect();
            // Open the socket first, so that its opening is not in the round trip.
            if let Some(d) = batch.first().and_then(|b| b.1) {
                self.tx.ready(d.is_ipv6())?;
            }
            // The sink sends the leading run of one family and says how many went, and
            // when its system call was entered.
            let (n, at) = self.tx.send_batch(&batch)?;
            if n == 0 {
                break;
            }
            for &i in rest.iter().take(n) {
                if let Some(p) = self.probes.get_mut(i) {
                    p.sent_at = Some(at);
                    p.sends += 1;
                }
            }
            done += n;
        }
        Ok(())
    }

    /// Whether every probe has an answer.
    pub fn all_answered(&self) -> bool {
        self.unanswered == 0
    }

    /// Receives until `deadline`, or until `on` returns [`Flow::Stop`], or (without
    /// `multi`) until every probe is answered.
    pub fn poll(
        &mut self,
        deadline: Instant,
        on: &mut dyn FnMut(&Session, Event<'_>) -> Flow,
    ) -> Result<(), TxError> {
        loop {
            if !self.multi && !self.probes.is_empty() && self.all_answered() {
                return Ok(());
            }
            if self.stop.is_some_and(|f| f()) {
                return Ok(());
            }
            // Past the deadline, what is queued is still read once (without waiting): a
            // sender with no time between probes (ping -i 0) reads its answers as it goes
            // rather than letting them overflow the socket's queue.
            let left = deadline.saturating_duration_since(Instant::now());
            let past = left.is_zero();
            let fds: Vec<_> = self.rx.iter().map(|r| r.sock.as_raw_fd()).collect();
            let wait = if self.unanswered == 0 && self.spin.is_some_and(|s| left <= s) {
                std::thread::yield_now();
                Duration::ZERO
            } else {
                left
            };
            let ready =
                sock::wait_any(&fds, wait).map_err(|e| TxError::os("waiting for answers", e))?;
            for r in ready {
                // Drain what is queued on this socket, at most DRAIN packets, so that a
                // flood of packets cannot keep the deadline from being looked at.
                let mut n = 0usize;
                while let Some(rx) = self.rx.get(r).filter(|_| n < DRAIN) {
                    n += 1;
                    let got = rx
                        .sock
                        .recv(&mut self.buf)
                        .map_err(|e| TxError::os(format!("receiving on {}", rx.name()), e))?;
                    let Some(got) = got else { break };
                    if got.pkttype == PACKET_OUTGOING {
                        continue;
                    }
                    let Some(iface) = rx.accepts(got.ifindex).map(str::to_string) else {
                        continue;
                    };
                    let bytes = self.buf.get(..got.len).unwrap_or(&[]).to_vec();
                    let packet = Packet::parse(rx.link, &bytes);
                    let reply = Reply {
                        packet,
                        bytes,
                        wire_len: got.wire_len,
                        stamp: got.stamp,
                        iface,
                    };
                    if self.handle(&reply, on) == Flow::Stop {
                        return Ok(());
                    }
                }
            }
            if past {
                return Ok(());
            }
        }
    }

    /// Whether `reply` is one of our own probes seen coming back (loopback shows each
    /// packet a second time as received).
    fn is_own(&self, reply: &Reply, cands: &[usize]) -> bool {
        // Layer 3 probes are compared with what follows the reply's link header (14 bytes
        // on the Ethernet and loopback links the receive sockets use; none when cooked).
        let l3 = match reply.packet.layers().first() {
            Some(Layer::Ether(_)) => reply.bytes.get(14..).unwrap_or(&[]),
            _ => &reply.bytes[..],
        };
        cands.iter().any(|&i| {
            self.probes.get(i).is_some_and(|p| {
                if self.is_layer2() {
                    reply.bytes == p.bytes
                } else {
                    l3 == &p.bytes[..]
                }
            })
        })
    }

    fn handle(&mut self, reply: &Reply, on: &mut dyn FnMut(&Session, Event<'_>) -> Flow) -> Flow {
        let h = answers::hashret(&reply.packet);
        // The probes of the reply's hash, borrowed (no copy per packet received).
        let cands = self.index.get(&h).map_or(&[][..], Vec::as_slice);
        if self.is_own(reply, cands) {
            return Flow::Continue;
        }
        // The first unanswered probe the packet answers; else (multi) the first answered
        // one, as a duplicate.
        let mut last_reject = None;
        let mut dup_of = None;
        let mut hit = None;
        for &i in cands {
            let Some(p) = self.probes.get(i) else {
                continue;
            };
            if p.sends == 0 {
                continue;
            }
            match answers::answers(&reply.packet, &p.packet) {
                Ok(()) if p.answers == 0 => {
                    hit = Some(i);
                    break;
                }
                Ok(()) => {
                    if dup_of.is_none() {
                        dup_of = Some(i);
                    }
                }
                Err(r) => last_reject = Some(format!("probe {}: {r}", i + 1)),
            }
        }
        self.received += 1;
        let pick = hit
            .map(|i| (i, false))
            .or_else(|| dup_of.filter(|_| self.multi).map(|i| (i, true)));
        if let Some((i, dup)) = pick {
            let rtt = self
                .probes
                .get(i)
                .and_then(|p| p.sent_at)
                .map_or(Duration::ZERO, |s| reply.stamp.saturating_sub(s));
            if let Some(p) = self.probes.get_mut(i) {
                if p.answers == 0 {
                    self.unanswered = self.unanswered.saturating_sub(1);
                }
                p.answers += 1;
            }
            self.matched += 1;
            return on(
                self,
                Event::Answer {
                    probe: i,
                    reply,
                    rtt,
                    dup,
                },
            );
        }
        if dup_of.is_some() {
            // A second answer to an answered probe, without multi: not a mismatch.
            return Flow::Continue;
        }
        if self.debug {
            let why = match last_reject {
                Some(w) => w,
                None => {
                    // No probe hashes alike: say what the nearest probes' rules say.
                    let mut w: Vec<String> = self
                        .probes
                        .iter()
                        .enumerate()
                        .take(3)
                        .map(|(i, p)| match answers::answers(&reply.packet, &p.packet) {
                            Ok(()) => format!("probe {}: answers, but was not sent yet", i + 1),
                            Err(r) => format!("probe {}: {r}", i + 1),
                        })
                        .collect();
                    if self.probes.len() > 3 {
                        w.push(format!("({} more probes)", self.probes.len() - 3));
                    }
                    w.join("; ")
                }
            };
            return on(self, Event::Unmatched { reply, why });
        }
        Flow::Continue
    }
}

/// The outcome of [`sr`].
#[derive(Debug, Default)]
pub struct Outcome {
    /// Answered pairs: probe index, answer, round-trip time, in arrival order.
    pub answered: Vec<(usize, Reply, Duration)>,
    /// Indices of the probes that got no answer.
    pub unanswered: Vec<usize>,
    /// Packets received.
    pub received: u64,
}

/// scapy's `sr`/`srp`: sends every packet, waits `timeout` after the last send (or less:
/// until every probe has its answer), resends the unanswered `retry` times, and returns
/// the answered pairs and the unanswered probes. `first_only` is `sr1`: return at the
/// first answer. `on` sees every event as it happens (for `--debug-match`).
pub fn sr(
    cfg: &Config,
    packets: &[Packet],
    timeout: Duration,
    retry: u32,
    first_only: bool,
    on: &mut dyn FnMut(&Session, &Event<'_>),
) -> Result<(Session, Outcome), TxError> {
    let mut s = Session::open(cfg, packets)?;
    for p in packets {
        s.add(p)?;
    }
    let mut out = Outcome::default();
    let all: Vec<usize> = (0..s.probes.len()).collect();
    let mut todo = all;
    for round in 0..=retry {
        if todo.is_empty() {
            break;
        }
        s.send_many(&todo)?;
        let deadline = Instant::now() + timeout;
        let mut stop = false;
        s.poll(deadline, &mut |s, ev| {
            on(s, &ev);
            if let Event::Answer {
                probe, reply, rtt, ..
            } = ev
            {
                out.answered.push((probe, reply.clone(), rtt));
                if first_only {
                    stop = true;
                    return Flow::Stop;
                }
            }
            Flow::Continue
        })?;
        if stop {
            break;
        }
        todo = (0..s.probes.len())
            .filter(|&i| s.probes.get(i).is_some_and(|p| p.answers == 0))
            .collect();
        let _ = round;
    }
    out.unanswered = (0..s.probes.len())
        .filter(|&i| s.probes.get(i).is_some_and(|p| p.answers == 0))
        .collect();
    out.received = s.received;
    Ok((s, out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dsl;

    fn pk(e: &str) -> Packet {
        dsl::parse(e)
            .expect("parses")
            .packets(&dsl::ExpandOptions::default())
            .next()
            .expect("one packet")
    }

    #[test]
    fn filter_narrows_to_addresses() {
        let t =
            filter_text(&[pk(r#"IP(src="198.18.0.1", dst="198.18.1.2")/ICMP()"#)]).expect("filter");
        assert_eq!(
            t,
            "(ip and (dst host 198.18.0.1) and (icmp or src host 198.18.1.2) and not icmp[0] == 8)"
        );
        Filter::new(&t).expect("valid filter");
        let t = filter_text(&[pk(
            r#"IPv6(src="fd00:beef::1", dst="fd00:beef::2")/ICMPv6EchoRequest()"#,
        )])
        .expect("filter");
        assert!(t.contains("icmp6 or src host fd00:beef::2"), "{t}");
        assert!(t.ends_with("and not icmp6[0] == 128)"), "{t}");
        // A TCP probe beside an echo request: echo requests stay (nothing is dropped).
        let t = filter_text(&[
            pk(r#"IP(src="198.18.0.1", dst="198.18.1.2")/ICMP()"#),
            pk(r#"IP(src="198.18.0.1", dst="198.18.1.2")/TCP()"#),
        ])
        .expect("filter");
        assert!(!t.contains("not icmp"), "{t}");
        Filter::new(&t).expect("valid filter");
        let t = filter_text(&[pk(r#"Ether()/ARP(pdst="198.18.0.2")"#)]).expect("filter");
        assert_eq!(t, "arp");
        assert_eq!(filter_text(&[pk("Ether()/Raw(load='x')")]), None);
    }
}
