//! Interfaces: index, name, MAC, addresses with prefix length, MTU, flags, the link type a
//! capture records and the default routes.
//!
//! The list, the addresses and the flags come from pnet's interface list (`getifaddrs`);
//! the MTU and the hardware type (`ARPHRD_*`) from `/sys/class/net/NAME/{mtu,type}`; the
//! default routes from `/proc/net/route` and `/proc/net/ipv6_route`. The parsers of those
//! texts are pure functions ([`default_routes_v4`], [`default_routes_v6`]) so they are
//! tested on fixed texts.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::capture::LinkTypeNumber;
use crate::mac::MacAddr;

/// Why the interface list could not be read.
#[derive(Debug)]
pub enum NetError {
    /// `getifaddrs` failed (pnet returned no interface at all).
    NoInterfaces,
}

impl fmt::Display for NetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NetError::NoInterfaces => f.write_str("the system listed no network interface"),
        }
    }
}

impl std::error::Error for NetError {}

/// The flags `ifaces` shows (`IFF_*`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct InterfaceFlags {
    /// `IFF_UP`: administratively up.
    pub up: bool,
    /// `IFF_RUNNING`: the link is up (carrier).
    pub running: bool,
    /// `IFF_LOOPBACK`.
    pub loopback: bool,
    /// `IFF_PROMISC`: set promiscuous with `ip link set promisc on` (a packet socket's
    /// membership does not show here).
    pub promisc: bool,
    /// `IFF_POINTOPOINT`.
    pub point_to_point: bool,
}

impl InterfaceFlags {
    /// The flags of an `IFF_*` bit set.
    pub fn from_bits(bits: u32) -> InterfaceFlags {
        InterfaceFlags {
            up: bits & libc::IFF_UP as u32 != 0,
            running: bits & libc::IFF_RUNNING as u32 != 0,
            loopback: bits & libc::IFF_LOOPBACK as u32 != 0,
            promisc: bits & libc::IFF_PROMISC as u32 != 0,
            point_to_point: bits & libc::IFF_POINTOPOINT as u32 != 0,
        }
    }

    /// The names of the flags set, upper case, in a fixed order (`UP`, `RUNNING`,
    /// `LOOPBACK`, `PROMISC`, `POINTOPOINT`).
    pub fn names(&self) -> Vec<&'static str> {
        [
            (self.up, "UP"),
            (self.running, "RUNNING"),
            (self.loopback, "LOOPBACK"),
            (self.promisc, "PROMISC"),
            (self.point_to_point, "POINTOPOINT"),
        ]
        .iter()
        .filter(|(on, _)| *on)
        .map(|(_, n)| *n)
        .collect()
    }
}

/// One interface.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interface {
    /// The kernel's interface index.
    pub index: u32,
    /// Its name (`eth0`).
    pub name: String,
    /// Its hardware address, if it has one.
    pub mac: Option<MacAddr>,
    /// IPv4 addresses with their prefix length.
    pub ipv4: Vec<(Ipv4Addr, u8)>,
    /// IPv6 addresses with their prefix length.
    pub ipv6: Vec<(Ipv6Addr, u8)>,
    /// The MTU, from `/sys/class/net/NAME/mtu`.
    pub mtu: Option<u32>,
    /// Its flags.
    pub flags: InterfaceFlags,
    /// Its hardware type (`ARPHRD_*`, `/sys/class/net/NAME/type`).
    pub arphrd: Option<u16>,
    /// The link type a capture on it records ([`link_type_of_arphrd`]).
    pub link: LinkTypeNumber,
    /// It carries the IPv4 default route.
    pub default_v4: bool,
    /// It carries the IPv6 default route.
    pub default_v6: bool,
}

/// Every interface of the current network namespace, in index order.
pub fn interfaces() -> Result<Vec<Interface>, NetError> {
    let list = pnet_datalink::interfaces();
    if list.is_empty() {
        return Err(NetError::NoInterfaces);
    }
    let v4 = std::fs::read_to_string("/proc/net/route")
        .map(|t| default_routes_v4(&t))
        .unwrap_or_default();
    let v6 = std::fs::read_to_string("/proc/net/ipv6_route")
        .map(|t| default_routes_v6(&t))
        .unwrap_or_default();
    let mut out: Vec<Interface> = list
        .into_iter()
        .map(|i| {
            let sys = |f: &str| {
                std::fs::read_to_string(format!("/sys/class/net/{}/{f}", i.name))
                    .ok()
                    .map(|s| s.trim().to_string())
            };
            let mtu = sys("mtu").and_then(|s| s.parse().ok());
            let arphrd = sys("type").and_then(|s| s.parse().ok());
            let mut ipv4 = Vec::new();
            let mut ipv6 = Vec::new();
            for n in &i.ips {
                match n.ip() {
                    IpAddr::V4(a) => ipv4.push((a, n.prefix())),
                    IpAddr::V6(a) => ipv6.push((a, n.prefix())),
                }
            }
            let flags = InterfaceFlags::from_bits(i.flags);
            // Interfaces without a hardware address (tun, lo on some kernels) report none
            // or zeros; loopback keeps its zeros as `ip link` shows them.
            let mac = i.mac.map(|m| MacAddr(m.octets()));
            Interface {
                index: i.index,
                default_v4: v4.contains(&i.name),
                default_v6: v6.contains(&i.name),
                link: arphrd.map_or(LinkTypeNumber::LINUX_SLL, link_type_of_arphrd),
                name: i.name,
                mac,
                ipv4,
                ipv6,
                mtu,
                flags,
                arphrd,
            }
        })
        .collect();
    out.sort_by_key(|i| i.index);
    Ok(out)
}

/// The interface a capture takes when none is named: the one with the IPv4 default route,
/// else the one with the IPv6 default route, else the first up non-loopback interface.
pub fn default_interface(list: &[Interface]) -> Option<&Interface> {
    list.iter()
        .find(|i| i.default_v4)
        .or_else(|| list.iter().find(|i| i.default_v6))
        .or_else(|| list.iter().find(|i| i.flags.up && !i.flags.loopback))
}

/// The interfaces with an IPv4 default route in `/proc/net/route`'s text, lowest metric
/// first. A default route has destination and mask 0 and the `RTF_UP` flag.
///
/// ```
/// let t = "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n\
///          eth0\t00000000\t0100A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\n";
/// assert_eq!(pktforge::net::iface::default_routes_v4(t), vec!["eth0".to_string()]);
/// ```
pub fn default_routes_v4(text: &str) -> Vec<String> {
    let mut found: Vec<(u32, String)> = Vec::new();
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split_whitespace().collect();
        let (Some(name), Some(dst), Some(flags), Some(metric), Some(mask)) =
            (f.first(), f.get(1), f.get(3), f.get(6), f.get(7))
        else {
            continue;
        };
        let hex = |s: &str| u32::from_str_radix(s, 16).ok();
        let up = hex(flags).is_some_and(|x| x & 0x0001 != 0);
        if up && hex(dst) == Some(0) && hex(mask) == Some(0) {
            found.push((metric.parse().unwrap_or(u32::MAX), (*name).to_string()));
        }
    }
    found.sort_by_key(|(m, _)| *m);
    dedup(found.into_iter().map(|(_, n)| n))
}

/// The interfaces with an IPv6 default route in `/proc/net/ipv6_route`'s text, lowest
/// metric first: destination `::/0`, `RTF_UP` set, not a reject route (the kernel keeps
/// unreachable defaults on `lo`).
pub fn default_routes_v6(text: &str) -> Vec<String> {
    const RTF_UP: u32 = 0x0001;
    const RTF_REJECT: u32 = 0x0200;
    let mut found: Vec<(u32, String)> = Vec::new();
    for line in text.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        let (Some(dst), Some(plen), Some(metric), Some(flags), Some(name)) =
            (f.first(), f.get(1), f.get(5), f.get(8), f.get(9))
        else {
            continue;
        };
        let hex = |s: &str| u32::from_str_radix(s, 16).ok();
        let Some(flags) = hex(flags) else { continue };
        let zero = dst.len() == 32 && dst.bytes().all(|b| b == b'0');
        if zero && hex(plen) == Some(0) && flags & RTF_UP != 0 && flags & RTF_REJECT == 0 {
            found.push((hex(metric).unwrap_or(u32::MAX), (*name).to_string()));
        }
    }
    found.sort_by_key(|(m, _)| *m);
    dedup(found.into_iter().map(|(_, n)| n))
}

fn dedup(names: impl Iterator<Item = String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for n in names {
        if !out.contains(&n) {
            out.push(n);
        }
    }
    out
}

/// The link type libpcap records for a Linux hardware type (`ARPHRD_*`), as its
/// `map_arphrd_to_dlt` does; types it has no mapping for are captured cooked (SLL).
pub fn link_type_of_arphrd(arphrd: u16) -> LinkTypeNumber {
    match arphrd {
        // ETHER, LOOPBACK, IEEE802 (token ring is 6 but Linux frames it as Ethernet here).
        1 | 772 => LinkTypeNumber::ETHERNET,
        6 => LinkTypeNumber::IEEE802_5,
        // ARPHRD_NONE (tun), SIT, CSLIP, SLIP6, CSLIP6, ADAPT, SLIP, IPGRE (when tunnel
        // packets have no link header), RAWIP.
        0xfffe | 776 | 256..=259 | 264 | 778 | 519 => LinkTypeNumber::RAW,
        24 => LinkTypeNumber::APPLE_IP_OVER_IEEE1394,
        32 => LinkTypeNumber::IPOIB,
        801 => LinkTypeNumber::IEEE802_11,
        802 => LinkTypeNumber::IEEE802_11_PRISM,
        803 => LinkTypeNumber::IEEE802_11_RADIOTAP,
        804 => LinkTypeNumber::IEEE802_15_4_NOFCS,
        824 => LinkTypeNumber::NETLINK,
        // PPP and everything else: the kernel gives no usable link header, so cooked.
        _ => LinkTypeNumber::LINUX_SLL,
    }
}

/// tcpdump's name and description of a link type (`EN10MB`, `Ethernet`), as its
/// "listening on ..., link-type EN10MB (Ethernet)" line prints them.
pub fn dlt_name(link: LinkTypeNumber) -> (&'static str, &'static str) {
    match link.0 {
        1 => ("EN10MB", "Ethernet"),
        6 => ("IEEE802", "Token Ring"),
        101 | 12 | 14 => ("RAW", "Raw IP"),
        105 => ("IEEE802_11", "802.11"),
        113 => ("LINUX_SLL", "Linux cooked v1"),
        119 => ("PRISM_HEADER", "802.11 plus Prism header"),
        127 => ("IEEE802_11_RADIO", "802.11 plus radiotap header"),
        138 => ("APPLE_IP_OVER_IEEE1394", "Apple IP-over-IEEE 1394"),
        230 => ("IEEE802_15_4_NOFCS", "IEEE 802.15.4 without FCS"),
        242 => ("IPOIB", "RFC 4391 IP-over-Infiniband"),
        253 => ("NETLINK", "Linux netlink"),
        276 => ("LINUX_SLL2", "Linux cooked v2"),
        _ => ("UNKNOWN", "unknown link type"),
    }
}

/// Writes `s` as a JSON string.
fn json_str(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

impl Interface {
    /// One JSON object (one line): `index`, `name`, `mac` (or null), `ipv4` and `ipv6` as
    /// `"addr/prefix"` strings, `mtu` (or null), `flags` (names), `arphrd`, `linktype`
    /// (number), `linktype_name` (tcpdump's), `default_ipv4`, `default_ipv6`.
    pub fn to_json(&self) -> String {
        let mut o = String::with_capacity(256);
        o.push_str(&format!("{{\"index\":{},\"name\":", self.index));
        json_str(&self.name, &mut o);
        o.push_str(",\"mac\":");
        match self.mac {
            Some(m) => json_str(&m.to_string(), &mut o),
            None => o.push_str("null"),
        }
        let addrs = |v: Vec<String>| {
            let q: Vec<String> = v.iter().map(|a| format!("\"{a}\"")).collect();
            format!("[{}]", q.join(","))
        };
        o.push_str(",\"ipv4\":");
        o.push_str(&addrs(
            self.ipv4.iter().map(|(a, p)| format!("{a}/{p}")).collect(),
        ));
        o.push_str(",\"ipv6\":");
        o.push_str(&addrs(
            self.ipv6.iter().map(|(a, p)| format!("{a}/{p}")).collect(),
        ));
        o.push_str(",\"mtu\":");
        o.push_str(&self.mtu.map_or("null".to_string(), |m| m.to_string()));
        o.push_str(",\"flags\":");
        o.push_str(&addrs(
            self.flags.names().iter().map(|s| s.to_string()).collect(),
        ));
        o.push_str(",\"arphrd\":");
        o.push_str(&self.arphrd.map_or("null".to_string(), |m| m.to_string()));
        let (dlt, _) = dlt_name(self.link);
        o.push_str(&format!(
            ",\"linktype\":{},\"linktype_name\":\"{dlt}\",\"default_ipv4\":{},\"default_ipv6\":{}}}",
            self.link.0, self.default_v4, self.default_v6
        ));
        o
    }
}

impl fmt::Display for Interface {
    /// `ip addr`-like lines: `2: eth0 <UP,RUNNING> mtu 1500 link-type EN10MB (Ethernet)`,
    /// then `ether`, `inet` and `inet6` lines indented by four spaces.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (dlt, desc) = dlt_name(self.link);
        write!(
            f,
            "{}: {} <{}>",
            self.index,
            self.name,
            self.flags.names().join(",")
        )?;
        if let Some(m) = self.mtu {
            write!(f, " mtu {m}")?;
        }
        write!(f, " link-type {dlt} ({desc})")?;
        match (self.default_v4, self.default_v6) {
            (true, true) => f.write_str(" default-route ipv4,ipv6")?,
            (true, false) => f.write_str(" default-route ipv4")?,
            (false, true) => f.write_str(" default-route ipv6")?,
            (false, false) => {}
        }
        if let Some(m) = self.mac {
            write!(f, "\n    ether {m}")?;
        }
        for (a, p) in &self.ipv4 {
            write!(f, "\n    inet {a}/{p}")?;
        }
        for (a, p) in &self.ipv6 {
            write!(f, "\n    inet6 {a}/{p}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // From a host with a DHCP default route on eth0 (metric 100) and a second one on wlan0
    // (metric 600), as /proc/net/route prints them.
    const ROUTE: &str = "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n\
wlan0\t00000000\t0101A8C0\t0003\t0\t0\t600\t00000000\t0\t0\t0\n\
eth0\t00000000\t0100000A\t0003\t0\t0\t100\t00000000\t0\t0\t0\n\
eth0\t0000000A\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0\n\
docker0\t000011AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0\n";

    // A host with a router-advertised default on eth0, the kernel's unreachable defaults on
    // lo, and a link-local route.
    const ROUTE6: &str = "\
fe800000000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth0\n\
00000000000000000000000000000000 00 00000000000000000000000000000000 00 fe800000000000000000000000000001 00000400 00000001 00000000 00450003     eth0\n\
00000000000000000000000000000000 00 00000000000000000000000000000000 00 00000000000000000000000000000000 ffffffff 00000001 00000000 00200200       lo\n\
00000000000000000000000000000001 80 00000000000000000000000000000000 00 00000000000000000000000000000000 00000000 00000002 00000000 80200001       lo\n";

    #[test]
    fn ipv4_default_routes_lowest_metric_first() {
        assert_eq!(default_routes_v4(ROUTE), vec!["eth0", "wlan0"]);
    }

    #[test]
    fn ipv4_without_default_route() {
        let t = "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n\
                 veth0\t000012C6\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n";
        assert!(default_routes_v4(t).is_empty());
        // A default route that is down does not count, nor do short or garbage lines.
        let down = "h\neth1\t00000000\t0100000A\t0002\t0\t0\t0\t00000000\t0\t0\t0\nx y\n\n";
        assert!(default_routes_v4(down).is_empty());
    }

    #[test]
    fn ipv6_default_route_skips_reject_routes() {
        assert_eq!(default_routes_v6(ROUTE6), vec!["eth0"]);
        assert!(default_routes_v6("garbage\n0 0 0\n").is_empty());
    }

    #[test]
    fn arphrd_to_link_type() {
        assert_eq!(link_type_of_arphrd(1), LinkTypeNumber::ETHERNET);
        assert_eq!(link_type_of_arphrd(772), LinkTypeNumber::ETHERNET);
        assert_eq!(link_type_of_arphrd(65534), LinkTypeNumber::RAW);
        assert_eq!(link_type_of_arphrd(512), LinkTypeNumber::LINUX_SLL);
        assert_eq!(
            link_type_of_arphrd(803),
            LinkTypeNumber::IEEE802_11_RADIOTAP
        );
        assert_eq!(dlt_name(LinkTypeNumber::ETHERNET), ("EN10MB", "Ethernet"));
        assert_eq!(dlt_name(LinkTypeNumber(276)).0, "LINUX_SLL2");
    }

    #[test]
    fn flags_and_json() {
        let i = Interface {
            index: 7,
            name: "veth\"x".into(),
            mac: Some(MacAddr([2, 0, 0, 0, 0, 1])),
            ipv4: vec![(Ipv4Addr::new(198, 18, 0, 1), 24)],
            ipv6: vec![("fd00:beef::1".parse().unwrap(), 64)],
            mtu: Some(1500),
            flags: InterfaceFlags::from_bits((libc::IFF_UP | libc::IFF_RUNNING) as u32),
            arphrd: Some(1),
            link: LinkTypeNumber::ETHERNET,
            default_v4: true,
            default_v6: false,
        };
        assert_eq!(
            i.to_json(),
            "{\"index\":7,\"name\":\"veth\\\"x\",\"mac\":\"02:00:00:00:00:01\",\
             \"ipv4\":[\"198.18.0.1/24\"],\"ipv6\":[\"fd00:beef::1/64\"],\"mtu\":1500,\
             \"flags\":[\"UP\",\"RUNNING\"],\"arphrd\":1,\"linktype\":1,\
             \"linktype_name\":\"EN10MB\",\"default_ipv4\":true,\"default_ipv6\":false}"
        );
        assert_eq!(
            i.to_string(),
            "7: veth\"x <UP,RUNNING> mtu 1500 link-type EN10MB (Ethernet) default-route ipv4\n    \
             ether 02:00:00:00:00:01\n    inet 198.18.0.1/24\n    inet6 fd00:beef::1/64"
        );
        let list = vec![i.clone()];
        assert_eq!(default_interface(&list).map(|x| x.index), Some(7));
    }
}
