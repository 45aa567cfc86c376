//! The host's interfaces, routes and neighbor cache, for the fields scapy takes from the
//! host: IP and IPv6 source addresses, Ether source and destination, ARP hwsrc and psrc.
//!
//! Read once per process from `/proc/net/route`, `/proc/net/ipv6_route`, `/proc/net/arp`
//! and the interface list (pnet), then cached, like scapy's `conf.route`.
//!
//! Fallbacks when nothing matches (no route, no such interface, not Linux):
//! source IPv4 `0.0.0.0`, source IPv6 `::`, source MAC `00:00:00:00:00:00`, destination MAC
//! `ff:ff:ff:ff:ff:ff`. The destination MAC is never resolved on the wire: it comes from the
//! kernel's ARP cache, from the multicast mapping, or is broadcast (scapy would send an ARP
//! request and fall back to broadcast when it gets no answer).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::OnceLock;

use crate::mac::MacAddr;

/// An interface with its addresses.
#[derive(Debug, Clone, Default)]
pub struct Interface {
    /// Name (`eth0`).
    pub name: String,
    /// Hardware address, if it has one.
    pub mac: Option<MacAddr>,
    /// IPv4 addresses.
    pub v4: Vec<Ipv4Addr>,
    /// IPv6 addresses.
    pub v6: Vec<Ipv6Addr>,
    /// True for the loopback interface.
    pub loopback: bool,
}

#[derive(Debug, Clone)]
struct Route4 {
    dst: u32,
    mask: u32,
    gw: Ipv4Addr,
    iface: String,
    metric: u32,
}

#[derive(Debug, Clone)]
struct Route6 {
    dst: u128,
    plen: u32,
    gw: Ipv6Addr,
    iface: String,
    metric: u32,
}

/// A snapshot of the host's network configuration.
#[derive(Debug, Clone, Default)]
pub struct HostNet {
    /// Interfaces.
    pub interfaces: Vec<Interface>,
    routes4: Vec<Route4>,
    routes6: Vec<Route6>,
    arp: Vec<(Ipv4Addr, MacAddr)>,
}

/// The route chosen for a destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteInfo<A> {
    /// Outgoing interface.
    pub iface: String,
    /// Source address the host would use.
    pub src: A,
    /// Next hop when the destination is not on link.
    pub gateway: Option<A>,
}

static HOST: OnceLock<HostNet> = OnceLock::new();

/// The cached snapshot of this host's configuration.
pub fn host() -> &'static HostNet {
    HOST.get_or_init(HostNet::read)
}

fn hex_u32_le(s: &str) -> Option<u32> {
    u32::from_str_radix(s, 16).ok().map(u32::from_be)
}

impl HostNet {
    /// Reads the configuration of this host.
    pub fn read() -> HostNet {
        let mut h = HostNet::default();
        for i in pnet_datalink::interfaces() {
            let mut it = Interface {
                name: i.name.clone(),
                mac: i.mac.map(|m| MacAddr(m.octets())),
                loopback: i.is_loopback(),
                ..Default::default()
            };
            for n in &i.ips {
                match n.ip() {
                    IpAddr::V4(a) => it.v4.push(a),
                    IpAddr::V6(a) => it.v6.push(a),
                }
            }
            h.interfaces.push(it);
        }
        if let Ok(t) = std::fs::read_to_string("/proc/net/route") {
            for line in t.lines().skip(1) {
                let f: Vec<&str> = line.split_whitespace().collect();
                if let (Some(ifn), Some(d), Some(g), Some(m), Some(mask)) =
                    (f.first(), f.get(1), f.get(2), f.get(6), f.get(7))
                {
                    if let (Some(d), Some(g), Some(mask)) =
                        (hex_u32_le(d), hex_u32_le(g), hex_u32_le(mask))
                    {
                        h.routes4.push(Route4 {
                            dst: d,
                            mask,
                            gw: Ipv4Addr::from(g),
                            iface: ifn.to_string(),
                            metric: m.parse().unwrap_or(0),
                        });
                    }
                }
            }
        }
        if let Ok(t) = std::fs::read_to_string("/proc/net/ipv6_route") {
            for line in t.lines() {
                let f: Vec<&str> = line.split_whitespace().collect();
                if let (Some(d), Some(pl), Some(gw), Some(m), Some(ifn)) =
                    (f.first(), f.get(1), f.get(4), f.get(5), f.get(9))
                {
                    let (Ok(d), Ok(pl), Ok(gw), Ok(m)) = (
                        u128::from_str_radix(d, 16),
                        u32::from_str_radix(pl, 16),
                        u128::from_str_radix(gw, 16),
                        u32::from_str_radix(m, 16),
                    ) else {
                        continue;
                    };
                    // Skip host routes of local addresses and the unreachable default on lo.
                    if *ifn == "lo" {
                        continue;
                    }
                    h.routes6.push(Route6 {
                        dst: d,
                        plen: pl.min(128),
                        gw: Ipv6Addr::from(gw),
                        iface: ifn.to_string(),
                        metric: m,
                    });
                }
            }
        }
        if let Ok(t) = std::fs::read_to_string("/proc/net/arp") {
            for line in t.lines().skip(1) {
                let f: Vec<&str> = line.split_whitespace().collect();
                if let (Some(ip), Some(flags), Some(mac)) = (f.first(), f.get(2), f.get(3)) {
                    // Flag 0x2 = complete entry.
                    if *flags == "0x0" {
                        continue;
                    }
                    if let (Ok(ip), Ok(mac)) = (ip.parse(), mac.parse()) {
                        h.arp.push((ip, mac));
                    }
                }
            }
        }
        h
    }

    fn iface(&self, name: &str) -> Option<&Interface> {
        self.interfaces.iter().find(|i| i.name == name)
    }

    fn loopback(&self) -> Option<&Interface> {
        self.interfaces.iter().find(|i| i.loopback)
    }

    /// The route to an IPv4 destination (longest prefix, then lowest metric).
    pub fn route_v4(&self, dst: Ipv4Addr) -> Option<RouteInfo<Ipv4Addr>> {
        if dst.is_loopback() {
            let lo = self.loopback();
            return Some(RouteInfo {
                iface: lo.map_or_else(|| "lo".to_string(), |i| i.name.clone()),
                src: lo
                    .and_then(|i| i.v4.first().copied())
                    .unwrap_or(Ipv4Addr::LOCALHOST),
                gateway: None,
            });
        }
        // A local address is reached through its own interface.
        if let Some(i) = self.interfaces.iter().find(|i| i.v4.contains(&dst)) {
            if !i.loopback {
                return Some(RouteInfo {
                    iface: i.name.clone(),
                    src: dst,
                    gateway: None,
                });
            }
        }
        let d = u32::from(dst);
        let r = self
            .routes4
            .iter()
            .filter(|r| d & r.mask == r.dst & r.mask)
            .max_by(|a, b| {
                a.mask
                    .count_ones()
                    .cmp(&b.mask.count_ones())
                    .then(b.metric.cmp(&a.metric))
            })?;
        let src = self
            .iface(&r.iface)
            .and_then(|i| {
                // Prefer an address in the same subnet as the destination or gateway.
                let target = if r.gw.is_unspecified() {
                    d
                } else {
                    u32::from(r.gw)
                };
                i.v4.iter()
                    .find(|a| u32::from(**a) & r.mask == target & r.mask && r.mask != 0)
                    .or(i.v4.first())
                    .copied()
            })
            .unwrap_or(Ipv4Addr::UNSPECIFIED);
        Some(RouteInfo {
            iface: r.iface.clone(),
            src,
            gateway: (!r.gw.is_unspecified()).then_some(r.gw),
        })
    }

    /// The route to an IPv6 destination. Link-local and link-scoped multicast
    /// destinations get the interface's link-local address, as scapy does.
    pub fn route_v6(&self, dst: Ipv6Addr) -> Option<RouteInfo<Ipv6Addr>> {
        if dst.is_loopback() {
            return Some(RouteInfo {
                iface: self
                    .loopback()
                    .map_or_else(|| "lo".into(), |i| i.name.clone()),
                src: Ipv6Addr::LOCALHOST,
                gateway: None,
            });
        }
        if let Some(i) = self.interfaces.iter().find(|i| i.v6.contains(&dst)) {
            return Some(RouteInfo {
                iface: i.name.clone(),
                src: dst,
                gateway: None,
            });
        }
        let d = u128::from(dst);
        let link_scope = is_link_local(dst) || (dst.segments()[0] & 0xff0f) == 0xff02;
        let r = if link_scope {
            self.routes6
                .iter()
                .filter(|r| r.plen == 64 && r.dst >> 64 == 0xfe80_0000_0000_0000)
                .min_by_key(|r| r.metric)
        } else {
            self.routes6
                .iter()
                .filter(|r| r.plen == 0 || (d >> (128 - r.plen)) == (r.dst >> (128 - r.plen)))
                .max_by(|a, b| a.plen.cmp(&b.plen).then(b.metric.cmp(&a.metric)))
        }?;
        let iface = self.iface(&r.iface);
        let src = iface
            .and_then(|i| {
                if link_scope {
                    i.v6.iter().find(|a| is_link_local(**a)).copied()
                } else {
                    i.v6.iter()
                        .find(|a| !is_link_local(**a) && !a.is_loopback())
                        .or(i.v6.first())
                        .copied()
                }
            })
            .unwrap_or(Ipv6Addr::UNSPECIFIED);
        Some(RouteInfo {
            iface: r.iface.clone(),
            src,
            gateway: (!r.gw.is_unspecified()).then_some(r.gw),
        })
    }

    /// The MAC address of an interface.
    pub fn iface_mac(&self, name: &str) -> Option<MacAddr> {
        self.iface(name).and_then(|i| i.mac)
    }

    /// The kernel's ARP cache entry for an address.
    pub fn arp_lookup(&self, ip: Ipv4Addr) -> Option<MacAddr> {
        self.arp.iter().find(|(a, _)| *a == ip).map(|(_, m)| *m)
    }
}

fn is_link_local(a: Ipv6Addr) -> bool {
    (a.segments()[0] & 0xffc0) == 0xfe80
}

/// The source address the host would use to reach `dst` (fallback `0.0.0.0`).
pub fn src_v4(dst: Ipv4Addr) -> Ipv4Addr {
    host()
        .route_v4(dst)
        .map_or(Ipv4Addr::UNSPECIFIED, |r| r.src)
}

/// The source address the host would use to reach `dst` (fallback `::`).
pub fn src_v6(dst: Ipv6Addr) -> Ipv6Addr {
    host()
        .route_v6(dst)
        .map_or(Ipv6Addr::UNSPECIFIED, |r| r.src)
}

/// The MAC address of the interface that reaches `dst` (fallback zero MAC).
pub fn src_mac_v4(dst: Ipv4Addr) -> MacAddr {
    let h = host();
    h.route_v4(dst)
        .and_then(|r| h.iface_mac(&r.iface))
        .unwrap_or(MacAddr::ZERO)
}

/// The MAC address of the interface that reaches `dst` (fallback zero MAC).
pub fn src_mac_v6(dst: Ipv6Addr) -> MacAddr {
    let h = host();
    h.route_v6(dst)
        .and_then(|r| h.iface_mac(&r.iface))
        .unwrap_or(MacAddr::ZERO)
}

/// The destination MAC for an IPv4 destination: multicast mapping, broadcast for
/// loopback and limited broadcast, the ARP cache entry of the next hop, else broadcast.
pub fn dst_mac_v4(dst: Ipv4Addr) -> MacAddr {
    let o = dst.octets();
    if dst.is_multicast() {
        return MacAddr([0x01, 0x00, 0x5e, o[1] & 0x7f, o[2], o[3]]);
    }
    if dst.is_broadcast() || dst.is_loopback() {
        return MacAddr::BROADCAST;
    }
    let h = host();
    let hop = h.route_v4(dst).and_then(|r| r.gateway).unwrap_or(dst);
    h.arp_lookup(hop).unwrap_or(MacAddr::BROADCAST)
}

/// The destination MAC for an IPv6 destination: `33:33:` multicast mapping, else
/// broadcast (the IPv6 neighbor cache is not read).
pub fn dst_mac_v6(dst: Ipv6Addr) -> MacAddr {
    let o = dst.octets();
    if dst.is_multicast() {
        return MacAddr([0x33, 0x33, o[12], o[13], o[14], o[15]]);
    }
    MacAddr::BROADCAST
}
