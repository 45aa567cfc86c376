//! scapy's reply matching: [`answers`] says whether a received packet answers a probe,
//! [`hashret`] puts a probe and its answers in the same bucket.
//!
//! `sr`, `sr1`, `srp`, `ping` and `traceroute` send probes and match what they receive with
//! these two functions, as scapy's `sr` does with `Packet.hashret` and `Packet.answers`. The
//! rules are scapy's (`scapy/layers/l2.py`, `inet.py`, `inet6.py`, `dns.py`) with its
//! default configuration: `checkIPaddr` and `checkIPsrc` on (addresses and ports are
//! checked), `checkIPID`, `check_TCPerror_seqack` and `checkIPinIP`'s tunnel skipping off.
//!
//! Where scapy compares raw bytes or has an evident slip, pktforge compares fields:
//!
//! * an ICMPv6 error matches on the quoted IPv6 addresses, upper-layer protocol and TCP/UDP
//!   ports or ICMPv6 type, code, id and seq (scapy compares the quoted bytes with the
//!   probe's);
//! * a quoted ICMP message is compared on id and seq when its *type* has them (scapy tests
//!   the code);
//! * a non-error IPv6 reply must come from the probe's destination, as IPv4's must, unless
//!   the probe went to a multicast address (scapy never checks the IPv6 source);
//! * TCP sequence slack is measured modulo 2^32;
//! * a UDP reply's payload is only compared when both sides are DNS (scapy also rejects a
//!   reply without payload to a probe with one).
//!
//! Both functions take untrusted received packets and never panic.

use std::fmt;
use std::hash::{DefaultHasher, Hasher};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::layers::icmp::{ERROR_TYPES, ID_SEQ_TYPES};
use crate::layers::{ARP, ICMP, IP, IPv6, Layer, LayerKind, TCP};
use crate::packet::Packet;

/// ICMP (type of the request, type of the reply) pairs that answer each other (scapy's
/// `_icmp_answers`).
const ICMP_ANSWERS: &[(u8, u8)] = &[
    (8, 0),
    (13, 14),
    (15, 16),
    (17, 18),
    (33, 34),
    (35, 36),
    (37, 38),
];

/// The mDNS group, whose replies scapy matches without addresses.
const MDNS: Ipv4Addr = Ipv4Addr::new(224, 0, 0, 251);

const TCP_SYN: u16 = 0x02;
const TCP_RST: u16 = 0x04;
const TCP_ACK: u16 = 0x10;

/// Why a received packet is not an answer to a probe (the rule that rejected it), for
/// `--debug-match`. [`Display`](fmt::Display) gives one line naming the rule and the values
/// it compared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reject {
    /// The reply's layer cannot answer the probe's layer at this depth (another protocol,
    /// or nothing where the probe has a layer). `"nothing"` stands for a missing layer.
    Layer {
        /// The reply's layer name.
        reply: &'static str,
        /// The probe's layer name.
        probe: &'static str,
    },
    /// Ether: the reply's EtherType differs from the probe's.
    EtherType {
        /// The reply's `type`.
        reply: u16,
        /// The probe's `type`.
        probe: u16,
    },
    /// Dot1Q or Dot1AD: the reply's VLAN id or EtherType differs from the probe's.
    Vlan {
        /// `Dot1Q` or `Dot1AD`.
        layer: &'static str,
        /// The reply's `vlan`.
        reply_vlan: u16,
        /// The reply's `type`.
        reply_type: u16,
        /// The probe's `vlan`.
        probe_vlan: u16,
        /// The probe's `type`.
        probe_type: u16,
    },
    /// ARP: the reply's op is not the probe's op + 1 (is-at to who-has).
    ArpOp {
        /// The reply's `op`.
        reply: u16,
        /// The probe's `op`.
        probe: u16,
    },
    /// ARP: the reply's sender protocol address is not the address the probe asked for.
    ArpAddr {
        /// The reply's `psrc`.
        reply_psrc: String,
        /// The probe's `pdst`.
        probe_pdst: String,
    },
    /// IP or IPv6: the reply is not sent to the probe's source.
    IpDst {
        /// `IP` or `IPv6`.
        layer: &'static str,
        /// The reply's `dst`.
        reply_dst: IpAddr,
        /// The probe's `src`.
        probe_src: IpAddr,
    },
    /// IP or IPv6: the reply (not an ICMP error) does not come from the probe's destination.
    IpSrc {
        /// `IP` or `IPv6`.
        layer: &'static str,
        /// The reply's `src`.
        reply_src: IpAddr,
        /// The probe's `dst`.
        probe_dst: IpAddr,
    },
    /// IPv6: a probe and its reply both sent to multicast groups that do not match (the
    /// same group, or all-nodes answering all-routers).
    Multicast {
        /// The reply's `dst`.
        reply_dst: Ipv6Addr,
        /// The probe's `dst`.
        probe_dst: Ipv6Addr,
    },
    /// IP `proto` or IPv6 upper-layer `nh` (past extension headers) differ.
    Proto {
        /// `IP` or `IPv6`.
        layer: &'static str,
        /// The reply's protocol number.
        reply: u8,
        /// The probe's protocol number.
        probe: u8,
    },
    /// ICMP or ICMPv6 error: an address of the quoted datagram is not the probe's.
    QuotedAddr {
        /// `ICMP` or `ICMPv6`.
        layer: &'static str,
        /// `src` or `dst`.
        field: &'static str,
        /// The quoted datagram's address.
        quoted: IpAddr,
        /// The probe's address.
        probe: IpAddr,
    },
    /// ICMP or ICMPv6 error: the quoted datagram's protocol is not the probe's.
    QuotedProto {
        /// `ICMP` or `ICMPv6`.
        layer: &'static str,
        /// The quoted `proto` / upper-layer `nh`.
        quoted: u8,
        /// The probe's.
        probe: u8,
    },
    /// ICMP or ICMPv6 error: the quoted upper layer is another protocol than the probe's.
    QuotedLayer {
        /// `ICMP` or `ICMPv6`.
        layer: &'static str,
        /// The quoted layer's name.
        quoted: &'static str,
        /// The probe's layer name.
        probe: &'static str,
    },
    /// ICMP or ICMPv6 error: the quoted TCP or UDP ports are not the probe's (the ones
    /// missing from a short quote are shown as the probe's).
    QuotedPorts {
        /// `ICMP` or `ICMPv6`.
        layer: &'static str,
        /// `TCP` or `UDP`.
        proto: &'static str,
        /// The quoted `sport`.
        quoted_sport: u16,
        /// The quoted `dport`.
        quoted_dport: u16,
        /// The probe's `sport`.
        probe_sport: u16,
        /// The probe's `dport`.
        probe_dport: u16,
    },
    /// ICMP or ICMPv6 error: the quoted ICMP message's type, code, id or seq is not the
    /// probe's.
    QuotedIcmp {
        /// `ICMP` or `ICMPv6`.
        layer: &'static str,
        /// The quoted (type, code, id, seq).
        quoted: (u8, u8, u16, u16),
        /// The probe's (type, code, id, seq).
        probe: (u8, u8, u16, u16),
    },
    /// ICMP or ICMPv6: the reply's type is not a reply to the probe's type.
    IcmpType {
        /// `ICMP` or `ICMPv6`.
        layer: &'static str,
        /// The reply's type.
        reply: u8,
        /// The probe's type.
        probe: u8,
    },
    /// ICMP or ICMPv6 echo (timestamp, ...): the reply's id or seq is not the probe's.
    IdSeq {
        /// `ICMP echo`, `ICMP timestamp`, ..., `ICMPv6 echo`.
        layer: &'static str,
        /// The reply's `id`.
        reply_id: u16,
        /// The reply's `seq`.
        reply_seq: u16,
        /// The probe's `id`.
        probe_id: u16,
        /// The probe's `seq`.
        probe_seq: u16,
    },
    /// ICMPv6 echo: the reply's data is not the request's.
    EchoData {
        /// Length of the reply's `data`.
        reply_len: usize,
        /// Length of the probe's `data`.
        probe_len: usize,
    },
    /// ICMPv6 neighbor advertisement for another target than the solicitation's.
    NdTarget {
        /// The NA's `tgt`.
        reply: Ipv6Addr,
        /// The NS's `tgt`.
        probe: Ipv6Addr,
    },
    /// TCP: a probe with RST set gets no answer.
    TcpRstProbe {
        /// The probe's flags.
        probe_flags: u16,
    },
    /// TCP: a SYN without ACK is never an answer.
    TcpSynWithoutAck {
        /// The reply's flags.
        reply_flags: u16,
    },
    /// TCP: a SYN+ACK only answers a SYN.
    TcpSynAckToNonSyn {
        /// The probe's flags.
        probe_flags: u16,
    },
    /// TCP: the reply's ports are not the probe's swapped.
    TcpPorts {
        /// The reply's `sport`.
        reply_sport: u16,
        /// The reply's `dport`.
        reply_dport: u16,
        /// The probe's `sport`.
        probe_sport: u16,
        /// The probe's `dport`.
        probe_dport: u16,
    },
    /// TCP: the reply's seq is more than 2 away from the probe's ack.
    TcpSeq {
        /// The reply's `seq`.
        reply_seq: u32,
        /// The probe's `ack`.
        probe_ack: u32,
    },
    /// TCP: the reply's ack is further from the probe's seq than the slack (2 plus the
    /// probe's payload length).
    TcpAck {
        /// The reply's `ack`.
        reply_ack: u32,
        /// The probe's `seq`.
        probe_seq: u32,
        /// The distance allowed.
        slack: u64,
    },
    /// UDP: the reply is not sent to the probe's source port.
    UdpPort {
        /// The reply's `dport`.
        reply_dport: u16,
        /// The probe's `sport`.
        probe_sport: u16,
    },
    /// DNS: the reply's id is not the query's.
    DnsId {
        /// The reply's `id`.
        reply: u16,
        /// The probe's `id`.
        probe: u16,
    },
    /// DNS: the reply is not a response (qr=1) or the probe is not a query (qr=0).
    DnsQr {
        /// The reply's `qr`.
        reply: u8,
        /// The probe's `qr`.
        probe: u8,
    },
}

/// TCP flags as scapy prints them (`SA`, `RA`, `<none>` for 0).
fn tcp_flags(f: u16) -> String {
    let s: String = "FSRPAUECN"
        .chars()
        .enumerate()
        .filter(|(i, _)| f & (1 << i) != 0)
        .map(|(_, c)| c)
        .collect();
    if s.is_empty() { "<none>".into() } else { s }
}

impl fmt::Display for Reject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reject::Layer { reply, probe } => {
                write!(f, "layers: reply {reply} does not answer probe {probe}")
            }
            Reject::EtherType { reply, probe } => {
                write!(
                    f,
                    "Ether: reply type {reply:#06x} != probe type {probe:#06x}"
                )
            }
            Reject::Vlan {
                layer,
                reply_vlan,
                reply_type,
                probe_vlan,
                probe_type,
            } => write!(
                f,
                "{layer}: reply vlan {reply_vlan} type {reply_type:#06x} != probe vlan \
                 {probe_vlan} type {probe_type:#06x}"
            ),
            Reject::ArpOp { reply, probe } => {
                write!(f, "ARP: reply op {reply} is not probe op {probe} + 1")
            }
            Reject::ArpAddr {
                reply_psrc,
                probe_pdst,
            } => write!(f, "ARP: reply psrc {reply_psrc} != probe pdst {probe_pdst}"),
            Reject::IpDst {
                layer,
                reply_dst,
                probe_src,
            } => write!(f, "{layer}: reply dst {reply_dst} != probe src {probe_src}"),
            Reject::IpSrc {
                layer,
                reply_src,
                probe_dst,
            } => write!(f, "{layer}: reply src {reply_src} != probe dst {probe_dst}"),
            Reject::Multicast {
                reply_dst,
                probe_dst,
            } => write!(
                f,
                "IPv6: multicast reply dst {reply_dst} does not answer multicast probe dst \
                 {probe_dst}"
            ),
            Reject::Proto {
                layer,
                reply,
                probe,
            } => {
                let name = if *layer == "IPv6" { "nh" } else { "proto" };
                write!(f, "{layer}: reply {name} {reply} != probe {name} {probe}")
            }
            Reject::QuotedAddr {
                layer,
                field,
                quoted,
                probe,
            } => write!(
                f,
                "{layer} error: quoted {field} {quoted} != probe {field} {probe}"
            ),
            Reject::QuotedProto {
                layer,
                quoted,
                probe,
            } => write!(
                f,
                "{layer} error: quoted proto {quoted} != probe proto {probe}"
            ),
            Reject::QuotedLayer {
                layer,
                quoted,
                probe,
            } => write!(f, "{layer} error: quoted {quoted} is not probe {probe}"),
            Reject::QuotedPorts {
                layer,
                proto,
                quoted_sport,
                quoted_dport,
                probe_sport,
                probe_dport,
            } => write!(
                f,
                "{layer} error: quoted {proto} sport {quoted_sport} dport {quoted_dport} != \
                 probe sport {probe_sport} dport {probe_dport}"
            ),
            Reject::QuotedIcmp {
                layer,
                quoted: (qt, qc, qi, qs),
                probe: (pt, pc, pi, ps),
            } => write!(
                f,
                "{layer} error: quoted type {qt} code {qc} id {qi:#06x} seq {qs} != probe \
                 type {pt} code {pc} id {pi:#06x} seq {ps}"
            ),
            Reject::IcmpType {
                layer,
                reply,
                probe,
            } => write!(
                f,
                "{layer}: reply type {reply} does not answer probe type {probe}"
            ),
            Reject::IdSeq {
                layer,
                reply_id,
                reply_seq,
                probe_id,
                probe_seq,
            } => write!(
                f,
                "{layer}: reply id {reply_id:#06x} seq {reply_seq} != probe id {probe_id:#06x} \
                 seq {probe_seq}"
            ),
            Reject::EchoData {
                reply_len,
                probe_len,
            } => write!(
                f,
                "ICMPv6 echo: reply data ({reply_len} bytes) != probe data ({probe_len} bytes)"
            ),
            Reject::NdTarget { reply, probe } => {
                write!(f, "ICMPv6 ND: NA tgt {reply} != NS tgt {probe}")
            }
            Reject::TcpRstProbe { probe_flags } => write!(
                f,
                "TCP: probe flags {} have RST, which gets no answer",
                tcp_flags(*probe_flags)
            ),
            Reject::TcpSynWithoutAck { reply_flags } => write!(
                f,
                "TCP: reply flags {} are a SYN without ACK, never an answer",
                tcp_flags(*reply_flags)
            ),
            Reject::TcpSynAckToNonSyn { probe_flags } => write!(
                f,
                "TCP: reply SYN+ACK does not answer probe flags {} (no SYN)",
                tcp_flags(*probe_flags)
            ),
            Reject::TcpPorts {
                reply_sport,
                reply_dport,
                probe_sport,
                probe_dport,
            } => write!(
                f,
                "TCP: reply ports {reply_sport} > {reply_dport} are not probe ports \
                 {probe_sport} > {probe_dport} swapped"
            ),
            Reject::TcpSeq {
                reply_seq,
                probe_ack,
            } => write!(
                f,
                "TCP: seq {reply_seq} is not probe ack {probe_ack} (slack 2)"
            ),
            Reject::TcpAck {
                reply_ack,
                probe_seq,
                slack,
            } => write!(
                f,
                "TCP: ack {reply_ack} is not probe seq {probe_seq} + 1 (slack {slack})"
            ),
            Reject::UdpPort {
                reply_dport,
                probe_sport,
            } => write!(
                f,
                "UDP: reply dport {reply_dport} != probe sport {probe_sport}"
            ),
            Reject::DnsId { reply, probe } => {
                write!(f, "DNS: reply id {reply} != probe id {probe}")
            }
            Reject::DnsQr { reply, probe } => write!(
                f,
                "DNS: reply qr {reply} probe qr {probe}: want a response (qr=1) to a query (qr=0)"
            ),
        }
    }
}

impl std::error::Error for Reject {}

/// A position in a packet: the layer at `i` and those after it.
#[derive(Clone, Copy)]
struct At<'a> {
    pkt: &'a Packet,
    i: usize,
}

impl<'a> At<'a> {
    fn layer(self) -> Option<&'a Layer> {
        self.pkt.layers().get(self.i)
    }
    fn next(self) -> At<'a> {
        At {
            pkt: self.pkt,
            i: self.i.saturating_add(1),
        }
    }
    fn name(self) -> &'static str {
        self.layer().map_or("nothing", Layer::name)
    }
    /// Whether `field` of this layer was captured (false past a snap-length cut).
    fn captured(self, field: &str) -> bool {
        self.pkt.field_captured(self.i, field)
    }
    /// The first layer from here that is not an IPv6 extension header.
    fn skip_ext(self) -> At<'a> {
        let mut at = self;
        while at.layer().is_some_and(is_ext) {
            at = at.next();
        }
        at
    }
    /// The first layer from here that is not a link layer.
    fn skip_link(self) -> At<'a> {
        let mut at = self;
        while at.layer().is_some_and(is_link) {
            at = at.next();
        }
        at
    }
    /// Nothing from here on but padding.
    fn is_end(self) -> bool {
        matches!(self.layer(), None | Some(Layer::Padding(_)))
    }
}

fn is_link(l: &Layer) -> bool {
    matches!(
        l,
        Layer::Ether(_)
            | Layer::Dot1Q(_)
            | Layer::Dot1AD(_)
            | Layer::CookedLinux(_)
            | Layer::CookedLinuxV2(_)
            | Layer::Loopback(_)
            | Layer::LoopbackOpenBSD(_)
    )
}

fn is_ext(l: &Layer) -> bool {
    matches!(
        l,
        Layer::IPv6ExtHdrHopByHop(_)
            | Layer::IPv6ExtHdrRouting(_)
            | Layer::IPv6ExtHdrFragment(_)
            | Layer::IPv6ExtHdrDestOpt(_)
    )
}

/// The ICMPv6 message type of a layer, if it is an ICMPv6 message.
fn icmpv6_type(l: &Layer) -> Option<u8> {
    match l.kind() {
        LayerKind::ICMPv6Unknown
        | LayerKind::ICMPv6EchoRequest
        | LayerKind::ICMPv6EchoReply
        | LayerKind::ICMPv6DestUnreach
        | LayerKind::ICMPv6PacketTooBig
        | LayerKind::ICMPv6TimeExceeded
        | LayerKind::ICMPv6ParamProblem
        | LayerKind::ICMPv6ND_RS
        | LayerKind::ICMPv6ND_RA
        | LayerKind::ICMPv6ND_NS
        | LayerKind::ICMPv6ND_NA
        | LayerKind::ICMPv6ND_Redirect => l.get_int("type").and_then(|t| u8::try_from(t).ok()),
        _ => None,
    }
}

fn icmp(l: Option<&Layer>) -> Option<&ICMP> {
    match l {
        Some(Layer::ICMP(m) | Layer::ICMPerror(m)) => Some(m),
        _ => None,
    }
}

fn src4(ip: &IP) -> Ipv4Addr {
    ip.src.unwrap_or(Ipv4Addr::UNSPECIFIED)
}

fn src6(ip: &IPv6) -> Ipv6Addr {
    ip.src.unwrap_or(Ipv6Addr::UNSPECIFIED)
}

fn dst6(ip: &IPv6) -> Ipv6Addr {
    ip.dst.unwrap_or(Ipv6Addr::UNSPECIFIED)
}

/// The protocol number of the layer after an IPv6 header and its extension headers: the
/// `nh` of the last of them.
fn upper_nh(ip: &IPv6, after: At<'_>) -> u8 {
    let mut nh = ip.nh.unwrap_or(59);
    let mut at = after;
    while let Some(l) = at.layer().filter(|l| is_ext(l)) {
        nh = l
            .get_int("nh")
            .and_then(|v| u8::try_from(v).ok())
            .unwrap_or(59);
        at = at.next();
    }
    nh
}

/// The length of the probe's payload after layer `at` (padding excluded).
fn payload_len(at: At<'_>) -> usize {
    let rest: Vec<Layer> = at
        .pkt
        .layers()
        .get(at.i.saturating_add(1)..)
        .unwrap_or(&[])
        .iter()
        .filter(|l| !matches!(l, Layer::Padding(_)))
        .cloned()
        .collect();
    if rest.iter().all(|l| matches!(l, Layer::Raw(_))) {
        return rest
            .iter()
            .map(|l| match l {
                Layer::Raw(r) => r.load.len(),
                _ => 0,
            })
            .sum();
    }
    Packet::from_layers(rest).build().map_or(0, |b| b.len())
}

/// Distance between two sequence numbers, modulo 2^32.
fn seq_dist(a: u32, b: u32) -> u32 {
    let d = a.wrapping_sub(b);
    d.min(d.wrapping_neg())
}

/// scapy's `answers`: `Ok(())` when `reply` answers `probe`, else the rule that rejected it.
///
/// `probe` is the probe as sent, parsed back from its built bytes (so automatic fields hold
/// their values); it starts with IP/IPv6 (`sr`) or a link layer (`srp`). `reply` is the
/// packet as captured. When the probe has no link layer, the reply's link layers (Ether,
/// Dot1Q, Dot1AD, CookedLinux, CookedLinuxV2, Loopback) are skipped first.
///
/// ```
/// use pktforge::prelude::*;
/// use pktforge::net::answers::{answers, hashret};
/// let probe = IP::new().src("198.18.0.1").dst("198.18.1.2") / ICMP::new().id(7).seq(1);
/// let probe = Packet::parse(LinkType::Ipv4, &probe.build().unwrap());
/// let reply = Ether::new()
///     / IP::new().src("198.18.1.2").dst("198.18.0.1")
///     / ICMP::new().type_(0).id(7).seq(1);
/// let reply = Packet::parse(LinkType::Ether, &reply.build().unwrap());
/// assert_eq!(answers(&reply, &probe), Ok(()));
/// assert_eq!(hashret(&reply), hashret(&probe));
/// ```
pub fn answers(reply: &Packet, probe: &Packet) -> Result<(), Reject> {
    let p = At { pkt: probe, i: 0 };
    let mut r = At { pkt: reply, i: 0 };
    if !p.layer().is_some_and(is_link) {
        r = r.skip_link();
    }
    ans(r, p)
}

/// One layer of `answers`, chosen by the reply's layer (scapy's `self.answers(other)`).
fn ans(r: At<'_>, p: At<'_>) -> Result<(), Reject> {
    let mismatch = || Reject::Layer {
        reply: r.name(),
        probe: p.name(),
    };
    let Some(rl) = r.layer() else {
        // scapy's NoPayload answers only NoPayload (or padding).
        return if p.is_end() { Ok(()) } else { Err(mismatch()) };
    };
    match (rl, p.layer()) {
        (Layer::Ether(re), Some(Layer::Ether(pe))) => {
            let (rt, pt) = (re.type_.unwrap_or(0), pe.type_.unwrap_or(0));
            if rt != pt {
                return Err(Reject::EtherType {
                    reply: rt,
                    probe: pt,
                });
            }
            ans(r.next(), p.next())
        }
        (Layer::Dot1Q(rv), Some(Layer::Dot1Q(pv))) => {
            vlan("Dot1Q", (rv.vlan, rv.type_), (pv.vlan, pv.type_))?;
            ans(r.next(), p.next())
        }
        (Layer::Dot1AD(rv), Some(Layer::Dot1AD(pv))) => {
            vlan("Dot1AD", (rv.vlan, rv.type_), (pv.vlan, pv.type_))?;
            ans(r.next(), p.next())
        }
        // scapy's Dot1Q.answers: a tag the probe does not have is looked through.
        (Layer::Dot1Q(_) | Layer::Dot1AD(_), _) => ans(r.next(), p),
        (Layer::ARP(ra), Some(Layer::ARP(pa))) => arp(ra, pa),
        (Layer::IP(ri), Some(Layer::IP(pi))) => ip4(r, ri, p, pi),
        (Layer::IPv6(ri), Some(Layer::IPv6(pi))) => ip6(r, ri, p, pi),
        (Layer::ICMP(rm), Some(Layer::ICMP(pm))) => icmp4(rm, pm),
        (Layer::TCP(rt), Some(Layer::TCP(pt))) => tcp_answers(rt, pt, p),
        (Layer::UDP(ru), Some(Layer::UDP(pu))) => {
            let (rd, ps) = (ru.dport.unwrap_or(0), pu.sport.unwrap_or(0));
            if rd != ps {
                return Err(Reject::UdpPort {
                    reply_dport: rd,
                    probe_sport: ps,
                });
            }
            match (r.next().layer(), p.next().layer()) {
                (Some(Layer::DNS(_)), Some(Layer::DNS(_))) => ans(r.next(), p.next()),
                _ => Ok(()),
            }
        }
        (Layer::DNS(rd), Some(Layer::DNS(pd))) => {
            if rd.id != pd.id {
                return Err(Reject::DnsId {
                    reply: rd.id,
                    probe: pd.id,
                });
            }
            if rd.qr != 1 || pd.qr != 0 {
                return Err(Reject::DnsQr {
                    reply: rd.qr,
                    probe: pd.qr,
                });
            }
            Ok(())
        }
        (Layer::ICMPv6EchoReply(re), Some(Layer::ICMPv6EchoRequest(pe))) => {
            if re.id != pe.id || re.seq != pe.seq {
                return Err(Reject::IdSeq {
                    layer: "ICMPv6 echo",
                    reply_id: re.id,
                    reply_seq: re.seq,
                    probe_id: pe.id,
                    probe_seq: pe.seq,
                });
            }
            if re.data != pe.data {
                return Err(Reject::EchoData {
                    reply_len: re.data.len(),
                    probe_len: pe.data.len(),
                });
            }
            Ok(())
        }
        (Layer::ICMPv6ND_NA(na), Some(Layer::ICMPv6ND_NS(ns))) => {
            if na.tgt != ns.tgt {
                return Err(Reject::NdTarget {
                    reply: na.tgt,
                    probe: ns.tgt,
                });
            }
            Ok(())
        }
        (Layer::ICMPv6ND_RA(_), Some(Layer::ICMPv6ND_RS(_))) => Ok(()),
        (_, Some(pl)) => {
            if let (Some(rt), Some(pt)) = (icmpv6_type(rl), icmpv6_type(pl)) {
                return Err(Reject::IcmpType {
                    layer: "ICMPv6",
                    reply: rt,
                    probe: pt,
                });
            }
            match rl {
                // scapy's Raw (and Padding) answer anything.
                Layer::Raw(_) | Layer::Padding(_) => Ok(()),
                _ if rl.kind() == pl.kind() => ans(r.next(), p.next()),
                _ => Err(mismatch()),
            }
        }
        (Layer::Raw(_) | Layer::Padding(_), None) => Ok(()),
        (_, None) => Err(mismatch()),
    }
}

/// Dot1Q or Dot1AD (`vlan`, `type`) of the reply against the probe's.
fn vlan(
    layer: &'static str,
    (rv, rt): (u16, Option<u16>),
    (pv, pt): (u16, Option<u16>),
) -> Result<(), Reject> {
    let (rt, pt) = (rt.unwrap_or(0), pt.unwrap_or(0));
    if rt != pt || rv != pv {
        return Err(Reject::Vlan {
            layer,
            reply_vlan: rv,
            reply_type: rt,
            probe_vlan: pv,
            probe_type: pt,
        });
    }
    Ok(())
}

fn arp(r: &ARP, p: &ARP) -> Result<(), Reject> {
    if Some(r.op) != p.op.checked_add(1) {
        return Err(Reject::ArpOp {
            reply: r.op,
            probe: p.op,
        });
    }
    // scapy compares loosely: the shorter address is a prefix of the longer.
    let psrc = r.psrc.as_ref().map_or_else(|| vec![0; 4], |a| a.bytes());
    let pdst = p.pdst.bytes();
    let n = psrc.len().min(pdst.len());
    if psrc.get(..n) != pdst.get(..n) {
        return Err(Reject::ArpAddr {
            reply_psrc: r
                .psrc
                .as_ref()
                .map_or_else(|| "None".to_string(), |a| a.to_string()),
            probe_pdst: p.pdst.to_string(),
        });
    }
    Ok(())
}

fn ip4(r: At<'_>, ri: &IP, p: At<'_>, pi: &IP) -> Result<(), Reject> {
    // mDNS: a multicast response to a multicast query.
    if pi.dst == MDNS && ri.dst == MDNS {
        return ans(r.next(), p.next());
    }
    if ri.dst != src4(pi) {
        return Err(Reject::IpDst {
            layer: "IP",
            reply_dst: ri.dst.into(),
            probe_src: src4(pi).into(),
        });
    }
    let (rp, pp) = (ri.proto.unwrap_or(0), pi.proto.unwrap_or(0));
    if rp == 1 && icmp(r.next().layer()).is_some_and(|m| ERROR_TYPES.contains(&m.type_)) {
        return quoted(r.next().next(), p, "ICMP");
    }
    if src4(ri) != pi.dst {
        return Err(Reject::IpSrc {
            layer: "IP",
            reply_src: src4(ri).into(),
            probe_dst: pi.dst.into(),
        });
    }
    if rp != pp {
        return Err(Reject::Proto {
            layer: "IP",
            reply: rp,
            probe: pp,
        });
    }
    ans(r.next(), p.next())
}

fn ip6(r: At<'_>, ri: &IPv6, p: At<'_>, pi: &IPv6) -> Result<(), Reject> {
    let (rd, ps, pd) = (dst6(ri), src6(pi), dst6(pi));
    let (ru, pu) = (r.next().skip_ext(), p.next().skip_ext());
    if pd.is_multicast() {
        // scapy: a reply to a multicast probe comes from anyone; it is sent back to the
        // probe's source, or to the same group (all-nodes answers all-routers too).
        if rd.is_multicast() {
            let all_nodes = Ipv6Addr::new(0xff02, 0, 0, 0, 0, 0, 0, 1);
            let all_routers = Ipv6Addr::new(0xff02, 0, 0, 0, 0, 0, 0, 2);
            if rd != pd && !(rd == all_nodes && pd == all_routers) {
                return Err(Reject::Multicast {
                    reply_dst: rd,
                    probe_dst: pd,
                });
            }
        } else if rd != ps {
            return Err(Reject::IpDst {
                layer: "IPv6",
                reply_dst: rd.into(),
                probe_src: ps.into(),
            });
        }
        return ans(ru, pu);
    }
    if rd != ps {
        return Err(Reject::IpDst {
            layer: "IPv6",
            reply_dst: rd.into(),
            probe_src: ps.into(),
        });
    }
    let (rn, pn) = (upper_nh(ri, r.next()), upper_nh(pi, p.next()));
    if rn == 58 && ru.layer().and_then(icmpv6_type).is_some_and(|t| t < 128) {
        return quoted(ru.next(), p, "ICMPv6");
    }
    if src6(ri) != pd {
        return Err(Reject::IpSrc {
            layer: "IPv6",
            reply_src: src6(ri).into(),
            probe_dst: pd.into(),
        });
    }
    if rn != pn {
        return Err(Reject::Proto {
            layer: "IPv6",
            reply: rn,
            probe: pn,
        });
    }
    ans(ru, pu)
}

/// An ICMP or ICMPv6 error answers the probe it quotes: `q` is the quoted `IPerror` or
/// `IPerror6`, `p` the probe's IP or IPv6 header. Only what the quote holds is compared.
fn quoted(q: At<'_>, p: At<'_>, layer: &'static str) -> Result<(), Reject> {
    let addr = |field, quoted: IpAddr, probe: IpAddr| {
        if quoted == probe {
            Ok(())
        } else {
            Err(Reject::QuotedAddr {
                layer,
                field,
                quoted,
                probe,
            })
        }
    };
    let proto = |quoted: u8, probe: u8| {
        if quoted == probe {
            Ok(())
        } else {
            Err(Reject::QuotedProto {
                layer,
                quoted,
                probe,
            })
        }
    };
    let (qu, pu) = match (q.layer(), p.layer()) {
        (Some(Layer::IPerror(qi)), Some(Layer::IP(pi))) => {
            if q.captured("src") {
                addr("src", src4(qi).into(), src4(pi).into())?;
            }
            if q.captured("dst") {
                addr("dst", qi.dst.into(), pi.dst.into())?;
            }
            if q.captured("proto") {
                proto(qi.proto.unwrap_or(0), pi.proto.unwrap_or(0))?;
            }
            (q.next(), p.next())
        }
        (Some(Layer::IPerror6(qi)), Some(Layer::IPv6(pi))) => {
            if q.captured("src") {
                addr("src", src6(qi).into(), src6(pi).into())?;
            }
            if q.captured("dst") {
                addr("dst", dst6(qi).into(), dst6(pi).into())?;
            }
            if q.captured("nh") {
                proto(upper_nh(qi, q.next()), upper_nh(pi, p.next()))?;
            }
            (q.next().skip_ext(), p.next().skip_ext())
        }
        _ => {
            return Err(Reject::QuotedLayer {
                layer,
                quoted: q.name(),
                probe: p.name(),
            });
        }
    };
    quoted_upper(qu, pu, layer)
}

/// The quoted layer above the quoted IP header against the probe's.
fn quoted_upper(q: At<'_>, p: At<'_>, layer: &'static str) -> Result<(), Reject> {
    // A quote that ends with its IP header (options took the bytes the upper header had)
    // answers only a probe that ends there too, as scapy's NoPayload does; its hash could
    // not equal the probe's either (found by the `answers` fuzz target). A quote the snap
    // length cut is compared on what was captured, so there it ends the comparison.
    let Some(ql) = q.layer() else {
        return match p.layer() {
            None => Ok(()),
            Some(_) if q.pkt.cut().is_some() => Ok(()),
            Some(_) => Err(Reject::QuotedLayer {
                layer,
                quoted: q.name(),
                probe: p.name(),
            }),
        };
    };
    let Some(pl) = p.layer() else {
        return Ok(());
    };
    let ports_err = |proto, qs: u16, qd: u16, ps: u16, pd: u16| Reject::QuotedPorts {
        layer,
        proto,
        quoted_sport: qs,
        quoted_dport: qd,
        probe_sport: ps,
        probe_dport: pd,
    };
    // Compares (sport, dport), each only when quoted (`None` past a short quote).
    let ports = |proto, qs: Option<u16>, qd: Option<u16>, ps: Option<u16>, pd: Option<u16>| {
        let (ps, pd) = (ps.unwrap_or(0), pd.unwrap_or(0));
        let (qs2, qd2) = (qs.unwrap_or(ps), qd.unwrap_or(pd));
        if qs2 == ps && qd2 == pd {
            Ok(())
        } else {
            Err(ports_err(proto, qs2, qd2, ps, pd))
        }
    };
    let icmp_key = |t: u8, c: u8, id: u16, seq: u16, has_id: bool| {
        if has_id {
            (t, c, id, seq)
        } else {
            (t, c, 0, 0)
        }
    };
    match (ql, pl) {
        (Layer::TCPerror(qt), Layer::TCP(pt)) => {
            let qs = qt.sport.filter(|_| q.captured("sport"));
            let qd = qt.dport.filter(|_| q.captured("dport"));
            ports("TCP", qs, qd, pt.sport, pt.dport)
        }
        (Layer::UDPerror(qt), Layer::UDP(pt)) => {
            let qs = qt.sport.filter(|_| q.captured("sport"));
            let qd = qt.dport.filter(|_| q.captured("dport"));
            ports("UDP", qs, qd, pt.sport, pt.dport)
        }
        (Layer::ICMPerror(qm), Layer::ICMP(pm)) => {
            let has_id = ID_SEQ_TYPES.contains(&pm.type_);
            let cap = |f| q.captured(f);
            let qk = icmp_key(
                qm.type_,
                if cap("code") { qm.code } else { pm.code },
                if cap("id") { qm.id } else { pm.id },
                if cap("seq") { qm.seq } else { pm.seq },
                has_id,
            );
            let pk = icmp_key(pm.type_, pm.code, pm.id, pm.seq, has_id);
            if qk == pk {
                Ok(())
            } else {
                Err(Reject::QuotedIcmp {
                    layer,
                    quoted: qk,
                    probe: pk,
                })
            }
        }
        // A quote too short for its layer's header: compare its first bytes.
        (Layer::Raw(raw), _) => quoted_raw(&raw.load, pl, layer),
        (Layer::Padding(_), _) => Ok(()),
        _ => {
            if let (Some(qt), Some(pt)) = (icmpv6_type(ql), icmpv6_type(pl)) {
                let key = |l: &Layer| {
                    let g = |f| {
                        l.get_int(f)
                            .and_then(|v| u16::try_from(v).ok())
                            .unwrap_or(0)
                    };
                    let code = u8::try_from(g("code")).unwrap_or(0);
                    let echo = l.get("id").is_some();
                    (code, g("id"), g("seq"), echo)
                };
                let (qc, qi, qs, _) = key(ql);
                let (pc, pi, ps, echo) = key(pl);
                let qk = icmp_key(qt, qc, qi, qs, echo);
                let pk = icmp_key(pt, pc, pi, ps, echo);
                return if qk == pk {
                    Ok(())
                } else {
                    Err(Reject::QuotedIcmp {
                        layer,
                        quoted: qk,
                        probe: pk,
                    })
                };
            }
            if base_kind(ql.kind()) == base_kind(pl.kind()) {
                Ok(())
            } else {
                Err(Reject::QuotedLayer {
                    layer,
                    quoted: ql.name(),
                    probe: pl.name(),
                })
            }
        }
    }
}

/// The kind a quoted (`*error`) layer stands for.
fn base_kind(k: LayerKind) -> LayerKind {
    match k {
        LayerKind::IPerror => LayerKind::IP,
        LayerKind::IPerror6 => LayerKind::IPv6,
        LayerKind::TCPerror => LayerKind::TCP,
        LayerKind::UDPerror => LayerKind::UDP,
        LayerKind::ICMPerror => LayerKind::ICMP,
        k => k,
    }
}

/// A quoted upper layer left as raw bytes (too short for its header): compares the bytes
/// that are there with the probe's ports (TCP, UDP) or type, code, id and seq (ICMP,
/// ICMPv6).
fn quoted_raw(b: &[u8], pl: &Layer, layer: &'static str) -> Result<(), Reject> {
    let be16 = |i: usize| -> Option<u16> {
        let hi = *b.get(i)?;
        let lo = *b.get(i + 1)?;
        Some(u16::from_be_bytes([hi, lo]))
    };
    let (proto, ps, pd) = match pl {
        Layer::TCP(t) => ("TCP", t.sport.unwrap_or(0), t.dport.unwrap_or(0)),
        Layer::UDP(u) => ("UDP", u.sport.unwrap_or(0), u.dport.unwrap_or(0)),
        _ => {
            let (t, c, id, seq) = if let Layer::ICMP(m) = pl {
                (m.type_, m.code, m.id, m.seq)
            } else if let Some(t) = icmpv6_type(pl) {
                let g = |f| {
                    pl.get_int(f)
                        .and_then(|v| u16::try_from(v).ok())
                        .unwrap_or(0)
                };
                (t, u8::try_from(g("code")).unwrap_or(0), g("id"), g("seq"))
            } else {
                return Ok(());
            };
            let qk = (
                b.first().copied().unwrap_or(t),
                b.get(1).copied().unwrap_or(c),
                be16(4).unwrap_or(id),
                be16(6).unwrap_or(seq),
            );
            let pk = (t, c, id, seq);
            return if qk == pk {
                Ok(())
            } else {
                Err(Reject::QuotedIcmp {
                    layer,
                    quoted: qk,
                    probe: pk,
                })
            };
        }
    };
    let qs = be16(0).unwrap_or(ps);
    let qd = be16(2).unwrap_or(pd);
    if qs == ps && qd == pd {
        Ok(())
    } else {
        Err(Reject::QuotedPorts {
            layer,
            proto,
            quoted_sport: qs,
            quoted_dport: qd,
            probe_sport: ps,
            probe_dport: pd,
        })
    }
}

fn icmp4(r: &ICMP, p: &ICMP) -> Result<(), Reject> {
    if !ICMP_ANSWERS.contains(&(p.type_, r.type_)) {
        return Err(Reject::IcmpType {
            layer: "ICMP",
            reply: r.type_,
            probe: p.type_,
        });
    }
    if r.id != p.id || r.seq != p.seq {
        let layer = match p.type_ {
            8 => "ICMP echo",
            13 => "ICMP timestamp",
            15 => "ICMP information",
            17 => "ICMP address mask",
            _ => "ICMP",
        };
        return Err(Reject::IdSeq {
            layer,
            reply_id: r.id,
            reply_seq: r.seq,
            probe_id: p.id,
            probe_seq: p.seq,
        });
    }
    Ok(())
}

fn tcp_answers(r: &TCP, p: &TCP, p_at: At<'_>) -> Result<(), Reject> {
    let (rf, pf) = (r.flags, p.flags);
    if pf & TCP_RST != 0 {
        return Err(Reject::TcpRstProbe { probe_flags: pf });
    }
    if rf & TCP_SYN != 0 {
        if rf & TCP_ACK == 0 {
            return Err(Reject::TcpSynWithoutAck { reply_flags: rf });
        }
        if pf & TCP_SYN == 0 {
            return Err(Reject::TcpSynAckToNonSyn { probe_flags: pf });
        }
    }
    let (rs, rd) = (r.sport.unwrap_or(0), r.dport.unwrap_or(0));
    let (ps, pd) = (p.sport.unwrap_or(0), p.dport.unwrap_or(0));
    if rs != pd || rd != ps {
        return Err(Reject::TcpPorts {
            reply_sport: rs,
            reply_dport: rd,
            probe_sport: ps,
            probe_dport: pd,
        });
    }
    // A SYN without ACK has no ack to check the reply's seq against.
    let syn_only = pf & TCP_SYN != 0 && pf & TCP_ACK == 0;
    if !syn_only && seq_dist(p.ack, r.seq) > 2 {
        return Err(Reject::TcpSeq {
            reply_seq: r.seq,
            probe_ack: p.ack,
        });
    }
    // A RST without ACK acknowledges nothing.
    if rf & TCP_RST != 0 && rf & TCP_ACK == 0 {
        return Ok(());
    }
    // scapy allows 2 (the SYN or FIN the probe consumed, give or take) plus the payload.
    let slack = 2 + payload_len(p_at) as u64;
    if u64::from(seq_dist(p.seq, r.ack)) > slack {
        return Err(Reject::TcpAck {
            reply_ack: r.ack,
            probe_seq: p.seq,
            slack,
        });
    }
    Ok(())
}

/// scapy's `hashret`, as a `u64`: a probe and every answer to it have the same value, so
/// the sr engine can index probes by it and run [`answers`] only on candidates.
///
/// Link layers are ignored (an L3 probe and an L2-captured reply hash the same). Addresses
/// and ports enter symmetrically (IPv4 `src ^ dst`, TCP `sport ^ dport`); an ICMP or ICMPv6
/// error hashes as the datagram it quotes. What enters, as in scapy: ARP `hwtype`, `ptype`
/// and `(op + 1) / 2`; IPv4 addresses (not for mDNS) and `proto`; the IPv6 upper-layer `nh`
/// (IPv6 addresses are left out so replies to a multicast probe hash with it); ICMP `id`
/// and `seq` for the types that have them; ICMPv6 echo `id` and `seq`; ND `tgt`; TCP ports.
pub fn hashret(p: &Packet) -> u64 {
    let mut h = DefaultHasher::new();
    hash_at(At { pkt: p, i: 0 }.skip_link(), &mut h);
    h.finish()
}

fn hash_at(at: At<'_>, h: &mut DefaultHasher) {
    let mut at = at;
    // The protocol of a quoted datagram whose upper layer may be left as raw bytes.
    let mut quoted: Option<u8> = None;
    // Each step consumes a layer: bounded by the layer count.
    while let Some(l) = at.layer() {
        let in_quote = quoted.take();
        match l {
            Layer::ARP(a) => {
                h.write_u8(1);
                h.write_u16(a.hwtype);
                h.write_u16(a.ptype);
                h.write_u16(a.op.saturating_add(1) / 2);
            }
            Layer::IP(ip) | Layer::IPerror(ip) => {
                let proto = ip.proto.unwrap_or(0);
                if matches!(l, Layer::IPerror(_)) {
                    quoted = Some(proto);
                }
                if proto == 1
                    && icmp(at.next().layer()).is_some_and(|m| ERROR_TYPES.contains(&m.type_))
                {
                    at = at.next().next();
                    continue;
                }
                h.write_u8(2);
                if ip.dst != MDNS {
                    h.write_u32(u32::from(src4(ip)) ^ u32::from(ip.dst));
                }
                h.write_u8(proto);
            }
            Layer::IPv6(ip) | Layer::IPerror6(ip) => {
                let nh = upper_nh(ip, at.next());
                let up = at.next().skip_ext();
                if nh == 58 && up.layer().and_then(icmpv6_type).is_some_and(|t| t < 128) {
                    at = up.next();
                    continue;
                }
                h.write_u8(3);
                h.write_u8(nh);
                if matches!(l, Layer::IPerror6(_)) && up.i == at.i.saturating_add(1) {
                    quoted = Some(nh);
                }
                at = up;
                continue;
            }
            Layer::ICMP(m) | Layer::ICMPerror(m) if ID_SEQ_TYPES.contains(&m.type_) => {
                h.write_u8(4);
                h.write_u16(m.id);
                h.write_u16(m.seq);
            }
            Layer::ICMPv6EchoRequest(e) => {
                h.write_u8(5);
                h.write_u16(e.id);
                h.write_u16(e.seq);
            }
            Layer::ICMPv6EchoReply(e) => {
                h.write_u8(5);
                h.write_u16(e.id);
                h.write_u16(e.seq);
            }
            Layer::ICMPv6ND_NS(n) => {
                h.write_u8(6);
                h.write(&n.tgt.octets());
            }
            Layer::ICMPv6ND_NA(n) => {
                h.write_u8(6);
                h.write(&n.tgt.octets());
            }
            Layer::TCP(t) | Layer::TCPerror(t) => {
                h.write_u8(7);
                h.write_u16(t.sport.unwrap_or(0) ^ t.dport.unwrap_or(0));
            }
            // A quote too short for its upper layer's header: hash what the layer would.
            Layer::Raw(r) => {
                let b = &r.load;
                let be16 = |i: usize| Some(u16::from_be_bytes([*b.get(i)?, *b.get(i + 1)?]));
                match (in_quote, be16(0), be16(2), be16(4), be16(6)) {
                    (Some(6), Some(sport), Some(dport), _, _) => {
                        h.write_u8(7);
                        h.write_u16(sport ^ dport);
                    }
                    (Some(1), Some(tc), _, Some(id), Some(seq))
                        if ID_SEQ_TYPES.contains(&((tc >> 8) as u8)) =>
                    {
                        h.write_u8(4);
                        h.write_u16(id);
                        h.write_u16(seq);
                    }
                    _ => {}
                }
            }
            _ => {}
        }
        at = at.next();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layers::*;
    use crate::packet::LinkType;

    fn parse(link: LinkType, p: Packet) -> Packet {
        let b = p.build().expect("build");
        Packet::parse(link, &b)
    }

    fn ping(id: u16, seq: u16) -> Packet {
        parse(
            LinkType::Ipv4,
            IP::new().src("198.18.0.1").dst("198.18.1.2") / ICMP::new().id(id).seq(seq),
        )
    }

    fn pong(src: &str, id: u16, seq: u16) -> Packet {
        parse(
            LinkType::Ether,
            Ether::new()
                / IP::new().src(src).dst("198.18.0.1")
                / ICMP::new().type_(0).id(id).seq(seq),
        )
    }

    #[test]
    fn echo_reply_matches_and_hashes_with_request() {
        let p = ping(0x1234, 2);
        let r = pong("198.18.1.2", 0x1234, 2);
        assert_eq!(answers(&r, &p), Ok(()));
        assert_eq!(hashret(&r), hashret(&p));
    }

    #[test]
    fn echo_reply_other_seq_is_rejected_with_message() {
        let e = answers(&pong("198.18.1.2", 0x1234, 3), &ping(0x1234, 2)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "ICMP echo: reply id 0x1234 seq 3 != probe id 0x1234 seq 2"
        );
    }

    #[test]
    fn echo_reply_from_elsewhere_is_rejected_with_message() {
        let e = answers(&pong("198.18.1.9", 0x1234, 2), &ping(0x1234, 2)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "IP: reply src 198.18.1.9 != probe dst 198.18.1.2"
        );
    }

    #[test]
    fn request_does_not_answer_request() {
        let p = ping(1, 1);
        assert!(matches!(
            answers(&p, &p),
            Err(Reject::IpDst { .. }) | Err(Reject::IcmpType { .. })
        ));
    }

    #[test]
    fn tcp_flags_print_like_scapy() {
        assert_eq!(tcp_flags(0x12), "SA");
        assert_eq!(tcp_flags(0x14), "RA");
        assert_eq!(tcp_flags(0), "<none>");
    }

    #[test]
    fn seq_distance_wraps() {
        assert_eq!(seq_dist(0xffff_ffff, 0), 1);
        assert_eq!(seq_dist(0, 0xffff_ffff), 1);
        assert_eq!(seq_dist(1000, 1001), 1);
    }

    #[test]
    fn empty_packets_do_not_panic() {
        let e = Packet::from_layers(vec![]);
        assert_eq!(answers(&e, &e), Ok(()));
        let _ = hashret(&e);
        assert!(answers(&e, &ping(1, 1)).is_err());
    }

    #[test]
    fn vlan_of_an_l2_probe_must_match() {
        let ip = || IP::new().src("198.18.0.1").dst("198.18.1.2");
        let p = parse(
            LinkType::Ether,
            Ether::new() / Dot1Q::new().vlan(5) / ip() / ICMP::new().id(1).seq(1),
        );
        let r = |vlan: u16| {
            parse(
                LinkType::Ether,
                Ether::new()
                    / Dot1Q::new().vlan(vlan)
                    / IP::new().src("198.18.1.2").dst("198.18.0.1")
                    / ICMP::new().type_(0).id(1).seq(1),
            )
        };
        assert_eq!(answers(&r(5), &p), Ok(()));
        assert_eq!(hashret(&r(5)), hashret(&p));
        let e = answers(&r(6), &p).unwrap_err();
        assert_eq!(
            e.to_string(),
            "Dot1Q: reply vlan 6 type 0x0800 != probe vlan 5 type 0x0800"
        );
    }

    #[test]
    fn quoted_raw_compares_only_the_bytes_there() {
        let echo = Layer::ICMP(ICMP::new().id(7).seq(9));
        assert_eq!(quoted_raw(&[8, 0, 0, 0, 0, 7], &echo, "ICMP"), Ok(()));
        assert!(matches!(
            quoted_raw(&[8, 0, 0, 0, 0, 8], &echo, "ICMP"),
            Err(Reject::QuotedIcmp { .. })
        ));
        let udp = Layer::UDP(UDP::new().sport(1).dport(2));
        assert_eq!(quoted_raw(&[0, 1, 0], &udp, "ICMP"), Ok(()));
        assert!(quoted_raw(&[0, 1, 0, 3], &udp, "ICMP").is_err());
        assert_eq!(quoted_raw(&[], &udp, "ICMP"), Ok(()));
    }

    #[test]
    fn snap_cut_quote_matches_on_captured_fields() {
        let probe =
            IP::new().src("198.18.0.1").dst("198.18.1.2") / UDP::new().sport(4000).dport(53);
        let pb = probe.build().expect("build");
        let p = Packet::parse(LinkType::Ipv4, &pb);
        let err = IP::new().src("198.18.0.254").dst("198.18.0.1")
            / ICMP::new().type_(11)
            / Raw::from_bytes(&pb);
        let eb = err.build().expect("build");
        // Captured up to the middle of the quoted IP header (its dst is missing).
        let r = Packet::parse_frame(LinkType::Ipv4, &eb[..20 + 8 + 14], eb.len());
        assert_eq!(answers(&r, &p), Ok(()));
    }
}
