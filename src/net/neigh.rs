//! Neighbour resolution: the MAC of a next hop, for frames sent at layer 2 (`sendp`,
//! `srp` with an `Ether()` whose `dst` is unset).
//!
//! In order: the cache of this command; the kernel's neighbour table (netlink, ARP and
//! NDP entries alike); else an ARP request (IPv4) or a neighbour solicitation to the
//! solicited-node multicast address (IPv6) sent on the interface and awaited, up to three
//! times one second apart, as the kernel does. Loopback and links without hardware
//! addresses need none (the zero MAC).

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::{Duration, Instant};

use super::iface::Interface;
use super::sock::{self, PacketSock};
use super::{TxError, route};
use crate::filter::{Filter, FilterLink};
use crate::layers::Layer;
use crate::layers::arp::{ARP, ArpAddr};
use crate::layers::ether::Ether;
use crate::layers::icmpv6::{ICMPv6ND_NS, ICMPv6NDOptSrcLLAddr};
use crate::layers::ipv6::IPv6;
use crate::mac::MacAddr;
use crate::packet::{LinkType, Packet};

/// The resolutions made so far in this command.
#[derive(Debug, Default)]
pub struct Neighbours {
    cache: HashMap<(u32, IpAddr), MacAddr>,
    kernel: Option<Vec<sock::Neighbour>>,
    /// How long one solicitation is awaited.
    pub wait: Duration,
    /// How many solicitations are sent before giving up.
    pub tries: u32,
}

/// The solicited-node multicast address of `a` (ff02::1:ffXX:XXXX) and its MAC
/// (33:33:ff:XX:XX:XX).
pub fn solicited_node(a: Ipv6Addr) -> (Ipv6Addr, MacAddr) {
    let o = a.octets();
    let ip = Ipv6Addr::new(
        0xff02,
        0,
        0,
        0,
        0,
        1,
        0xff00 | u16::from(o[13]),
        u16::from_be_bytes([o[14], o[15]]),
    );
    (ip, MacAddr([0x33, 0x33, 0xff, o[13], o[14], o[15]]))
}

impl Neighbours {
    /// An empty cache; the kernel table is read at the first lookup.
    pub fn new() -> Neighbours {
        Neighbours {
            cache: HashMap::new(),
            kernel: None,
            wait: Duration::from_secs(1),
            tries: 3,
        }
    }

    /// The MAC of `ip` on `iface`.
    pub fn resolve(&mut self, iface: &Interface, ip: IpAddr) -> Result<MacAddr, TxError> {
        if iface.flags.loopback || iface.mac.is_none() {
            return Ok(MacAddr([0; 6]));
        }
        if let Some(m) = self.cache.get(&(iface.index, ip)) {
            return Ok(*m);
        }
        if let IpAddr::V4(a) = ip {
            if a.is_broadcast() {
                return Ok(MacAddr([0xff; 6]));
            }
            if a.is_multicast() {
                let o = a.octets();
                return Ok(MacAddr([0x01, 0x00, 0x5e, o[1] & 0x7f, o[2], o[3]]));
            }
        }
        if let IpAddr::V6(a) = ip {
            if a.is_multicast() {
                let o = a.octets();
                return Ok(MacAddr([0x33, 0x33, o[12], o[13], o[14], o[15]]));
            }
        }
        let kernel = self
            .kernel
            .get_or_insert_with(|| sock::neighbours().unwrap_or_default());
        if let Some(n) = kernel
            .iter()
            .find(|n| n.ip == ip && n.ifindex == iface.index)
        {
            let m = n.mac;
            self.cache.insert((iface.index, ip), m);
            return Ok(m);
        }
        let m = self.solicit(iface, ip)?;
        self.cache.insert((iface.index, ip), m);
        Ok(m)
    }

    /// The MAC of the next hop towards `dst` from `iface`: the route's gateway, or `dst`
    /// itself when it is on the link.
    pub fn next_hop_mac(&mut self, iface: &Interface, dst: IpAddr) -> Result<MacAddr, TxError> {
        let h = route::host();
        let hop = match dst {
            IpAddr::V4(a) => h
                .route_v4(a)
                .filter(|r| r.iface == iface.name)
                .and_then(|r| r.gateway)
                .map_or(dst, IpAddr::V4),
            IpAddr::V6(a) => h
                .route_v6(a)
                .filter(|r| r.iface == iface.name)
                .and_then(|r| r.gateway)
                .map_or(dst, IpAddr::V6),
        };
        self.resolve(iface, hop)
    }

    fn solicit(&mut self, iface: &Interface, ip: IpAddr) -> Result<MacAddr, TxError> {
        let unresolved = || TxError::Unresolved {
            ip,
            iface: iface.name.clone(),
        };
        let mac = iface.mac.ok_or_else(unresolved)?;
        let (probe, text, proto) = match ip {
            IpAddr::V4(a) => {
                let src = iface
                    .ipv4
                    .iter()
                    .map(|(x, _)| *x)
                    .next()
                    .unwrap_or(Ipv4Addr::UNSPECIFIED);
                let p = Packet::from(
                    Ether::new()
                        .with("dst", MacAddr([0xff; 6]))
                        .with("src", mac),
                ) / ARP::new()
                    .with("op", 1u64)
                    .with("hwsrc", mac)
                    .with("psrc", src)
                    .with("pdst", a);
                (p, format!("arp src host {a}"), sock::ETH_P_ARP)
            }
            IpAddr::V6(a) => {
                let (group, gmac) = solicited_node(a);
                let src = iface
                    .ipv6
                    .iter()
                    .map(|(x, _)| *x)
                    .find(|x| (x.segments()[0] & 0xffc0) == 0xfe80)
                    .or_else(|| iface.ipv6.first().map(|(x, _)| *x))
                    .unwrap_or(Ipv6Addr::UNSPECIFIED);
                let p = Packet::from(Ether::new().with("dst", gmac).with("src", mac))
                    / IPv6::new()
                        .with("src", src)
                        .with("dst", group)
                        .with("hlim", 255u64)
                    / ICMPv6ND_NS::new().with("tgt", a)
                    / ICMPv6NDOptSrcLLAddr::new().with("lladdr", mac);
                (p, "icmp6 and ip6[40] == 136".to_string(), sock::ETH_P_IPV6)
            }
        };
        let frame = probe.build()?;
        let prog = Filter::new(&text)
            .ok()
            .and_then(|f| f.compile_bpf(FilterLink::Ether).ok());
        let prog = sock::inbound_only(prog.as_ref().map(|p| p.insns()));
        let s = PacketSock::open(iface.index, false, Some(&prog), proto)
            .map_err(|e| TxError::os(format!("a packet socket on {}", iface.name), e))?;
        let mut buf = vec![0u8; 2048];
        for _ in 0..self.tries.max(1) {
            s.send(&frame)
                .map_err(|e| TxError::os(format!("sending a solicitation on {}", iface.name), e))?;
            let deadline = Instant::now() + self.wait;
            while let Some(left) = deadline.checked_duration_since(Instant::now()) {
                if left.is_zero()
                    || !s
                        .wait(left)
                        .map_err(|e| TxError::os("waiting for a neighbour", e))?
                {
                    break;
                }
                while let Some(r) = s
                    .recv(&mut buf)
                    .map_err(|e| TxError::os("receiving a neighbour answer", e))?
                {
                    if r.pkttype == sock::PACKET_OUTGOING {
                        continue;
                    }
                    let p = Packet::parse(LinkType::Ether, buf.get(..r.len).unwrap_or(&[]));
                    if let Some(m) = answer_mac(&p, ip) {
                        return Ok(m);
                    }
                }
            }
        }
        Err(unresolved())
    }
}

/// The MAC an ARP reply or a neighbour advertisement gives for `ip`.
pub fn answer_mac(p: &Packet, ip: IpAddr) -> Option<MacAddr> {
    let l = p.layers();
    match ip {
        IpAddr::V4(a) => l.iter().find_map(|x| match x {
            Layer::ARP(arp) if arp.op == 2 && arp.psrc == Some(ArpAddr::V4(a)) => match arp.hwsrc {
                Some(ArpAddr::Mac(m)) => Some(m),
                _ => None,
            },
            _ => None,
        }),
        IpAddr::V6(a) => {
            let na = l
                .iter()
                .any(|x| matches!(x, Layer::ICMPv6ND_NA(na) if na.tgt == a));
            if !na {
                return None;
            }
            l.iter()
                .find_map(|x| match x {
                    Layer::ICMPv6NDOptDstLLAddr(o) => o.lladdr,
                    _ => None,
                })
                .or_else(|| {
                    l.iter().find_map(|x| match x {
                        Layer::Ether(e) => e.src,
                        _ => None,
                    })
                })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solicited_node_address() {
        let (ip, mac) = solicited_node("fd00:beef::2".parse().expect("addr"));
        assert_eq!(ip.to_string(), "ff02::1:ff00:2");
        assert_eq!(mac, MacAddr([0x33, 0x33, 0xff, 0, 0, 2]));
    }

    #[test]
    fn arp_reply_gives_the_mac() {
        let m = MacAddr([2, 0, 0x5e, 0x10, 0, 0xb]);
        let p = Packet::from(Ether::new().with("src", m))
            / ARP::new()
                .with("op", 2u64)
                .with("hwsrc", m)
                .with("psrc", Ipv4Addr::new(198, 18, 0, 2));
        let bytes = p.build().expect("builds");
        let q = Packet::parse(LinkType::Ether, &bytes);
        assert_eq!(answer_mac(&q, "198.18.0.2".parse().expect("ip")), Some(m));
        assert_eq!(answer_mac(&q, "198.18.0.3".parse().expect("ip")), None);
    }
}
