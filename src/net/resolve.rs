//! Host names to addresses, through the system resolver (`getaddrinfo`: /etc/hosts, DNS),
//! with ping's `-4`/`-6` choice.

use std::net::{IpAddr, ToSocketAddrs};

use super::TxError;

/// Which address family a name may resolve to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Family {
    /// Either; IPv4 first when the resolver gives both (iputils ping does the same for a
    /// name with both A and AAAA records only with `-4`/`-6`; scapy takes the first).
    #[default]
    Any,
    /// IPv4 only (`-4`).
    V4,
    /// IPv6 only (`-6`).
    V6,
}

impl Family {
    /// The family of ping's and traceroute's `-4`/`-6` flags.
    pub fn from_flags(v4: bool, v6: bool) -> Family {
        if v4 {
            Family::V4
        } else if v6 {
            Family::V6
        } else {
            Family::Any
        }
    }

    fn accepts(self, a: &IpAddr) -> bool {
        match self {
            Family::Any => true,
            Family::V4 => a.is_ipv4(),
            Family::V6 => a.is_ipv6(),
        }
    }
}

/// Resolves `name` (an address is returned as it is, if of the right family).
///
/// ```
/// use pktforge::net::resolve::{resolve, Family};
/// assert_eq!(resolve("198.18.0.1", Family::Any).unwrap().to_string(), "198.18.0.1");
/// assert!(resolve("198.18.0.1", Family::V6).is_err());
/// assert!(resolve("localhost", Family::V4).unwrap().is_loopback());
/// ```
pub fn resolve(name: &str, family: Family) -> Result<IpAddr, TxError> {
    let err = |reason: String| TxError::Resolve {
        name: name.to_string(),
        reason,
    };
    if let Ok(a) = name.parse::<IpAddr>() {
        return if family.accepts(&a) {
            Ok(a)
        } else {
            Err(err(format!(
                "it is an IPv{} address and -{} was given",
                if a.is_ipv4() { 4 } else { 6 },
                if a.is_ipv4() { 6 } else { 4 }
            )))
        };
    }
    if name.is_empty() || name.len() > 253 {
        return Err(err("not a host name".into()));
    }
    let addrs: Vec<IpAddr> = (name, 0)
        .to_socket_addrs()
        .map_err(|e| err(e.to_string()))?
        .map(|s| s.ip())
        .collect();
    let pick = match family {
        Family::Any => addrs
            .iter()
            .find(|a| a.is_ipv4())
            .or(addrs.first())
            .copied(),
        f => addrs.iter().find(|a| f.accepts(a)).copied(),
    };
    pick.ok_or_else(|| {
        err(match family {
            Family::V4 => "no IPv4 address (A record)".into(),
            Family::V6 => "no IPv6 address (AAAA record)".into(),
            Family::Any => "no address".into(),
        })
    })
}

/// The name of an address by reverse lookup (traceroute without `-n`): the system
/// resolver's `getnameinfo` (/etc/hosts, DNS PTR records). `None` when it has none.
pub fn reverse(addr: IpAddr) -> Option<String> {
    super::sock::name_of(addr)
}
