//! Value sets of one field (scapy's `SetGen`, `Net`, `Net6` and tuple ranges), indexed
//! without being expanded, and the address parsing that feeds them.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, ToSocketAddrs};

use crate::value::Value;

/// The values one field takes, in scapy's order.
#[derive(Debug, Clone)]
pub enum Gen {
    /// A single value.
    One(Value),
    /// `count` consecutive IPv4 addresses from `start` (`Net`).
    V4 {
        /// First address.
        start: u32,
        /// How many.
        count: u64,
    },
    /// `count` consecutive IPv6 addresses from `start` (`Net6`).
    V6 {
        /// First address.
        start: u128,
        /// How many.
        count: u128,
    },
    /// Python's `range(start, stop, step)`, `len` values.
    Range {
        /// First value.
        start: i128,
        /// Step (never 0).
        step: i128,
        /// Number of values.
        len: u128,
    },
    /// The values of each part in turn (a list).
    Concat(Vec<Gen>),
}

impl Gen {
    /// Whether the set is empty (a descending range, an empty list).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Number of values.
    pub fn len(&self) -> u128 {
        match self {
            Gen::One(_) => 1,
            Gen::V4 { count, .. } => u128::from(*count),
            Gen::V6 { count, .. } => *count,
            Gen::Range { len, .. } => *len,
            Gen::Concat(parts) => parts.iter().fold(0u128, |a, g| a.saturating_add(g.len())),
        }
    }

    /// The `i`-th value (`i < len()`); `None` past the end.
    pub fn nth(&self, i: u128) -> Option<Value> {
        match self {
            Gen::One(v) => (i == 0).then(|| v.clone()),
            Gen::V4 { start, count } => {
                if i >= u128::from(*count) {
                    return None;
                }
                let a = u128::from(*start).checked_add(i)?;
                Some(Value::Ipv4(Ipv4Addr::from(u32::try_from(a).ok()?)))
            }
            Gen::V6 { start, count } => {
                if i >= *count {
                    return None;
                }
                Some(Value::Ipv6(Ipv6Addr::from(start.checked_add(i)?)))
            }
            Gen::Range { start, step, len } => {
                if i >= *len {
                    return None;
                }
                let v = start.checked_add(i128::try_from(i).ok()?.checked_mul(*step)?)?;
                Some(Value::Int(u64::try_from(v).ok()?))
            }
            Gen::Concat(parts) => {
                let mut i = i;
                for g in parts {
                    let n = g.len();
                    if i < n {
                        return g.nth(i);
                    }
                    i -= n;
                }
                None
            }
        }
    }

    /// Python's `range(start, stop, step)`; `None` when `step` is 0.
    pub fn range(start: i128, stop: i128, step: i128) -> Option<Gen> {
        if step == 0 {
            return None;
        }
        let len = if step > 0 && start < stop {
            (stop.abs_diff(start) - 1) / step.unsigned_abs() + 1
        } else if step < 0 && start > stop {
            (start.abs_diff(stop) - 1) / step.unsigned_abs() + 1
        } else {
            0
        };
        Some(Gen::Range { start, step, len })
    }
}

/// Parses an IPv4 address as `inet_aton` does: `a.b.c.d`, `a.b.c`, `a.b`, `a`, each part
/// decimal, octal (leading 0) or hex (`0x`).
pub fn inet_aton(s: &str) -> Option<Ipv4Addr> {
    let parts: Vec<&str> = s.split('.').collect();
    if parts.is_empty() || parts.len() > 4 {
        return None;
    }
    let mut nums = Vec::with_capacity(4);
    for p in &parts {
        let lower = p.to_ascii_lowercase();
        let n = if let Some(h) = lower.strip_prefix("0x") {
            if h.is_empty() {
                0
            } else {
                u64::from_str_radix(h, 16).ok()?
            }
        } else if lower.len() > 1 && lower.starts_with('0') {
            u64::from_str_radix(lower.get(1..)?, 8).ok()?
        } else {
            if lower.is_empty() || !lower.bytes().all(|c| c.is_ascii_digit()) {
                return None;
            }
            lower.parse::<u64>().ok()?
        };
        nums.push(n);
    }
    let (last, head) = nums.split_last()?;
    let mut v: u64 = 0;
    for (i, n) in head.iter().enumerate() {
        if *n > 255 {
            return None;
        }
        v |= n << (24 - 8 * i);
    }
    let rest_bits = 32 - 8 * head.len() as u32;
    if rest_bits < 64 && *last >= (1u64 << rest_bits) {
        return None;
    }
    v |= last;
    u32::try_from(v).ok().map(Ipv4Addr::from)
}

/// Strips a `%scope` suffix (`fe80::1%eth0`); scapy keeps it apart from the address.
pub fn strip_scope(s: &str) -> &str {
    match s.split_once('%') {
        Some((a, _)) => a,
        None => s,
    }
}

/// Resolves a name to its first address of the family (scapy's `Net.name2addr`).
pub fn resolve(name: &str, v6: bool) -> Option<IpAddr> {
    if !v6 {
        if let Some(a) = inet_aton(name) {
            return Some(IpAddr::V4(a));
        }
    } else if let Ok(a) = name.parse::<Ipv6Addr>() {
        return Some(IpAddr::V6(a));
    }
    if name.is_empty() || name.len() > 253 || name.contains(['/', ' ', '\0']) {
        return None;
    }
    let addrs = (name, 0u16).to_socket_addrs().ok()?;
    addrs.map(|sa| sa.ip()).find(|ip| ip.is_ipv6() == v6)
}

/// Why an address string does not make a set.
pub enum NetError {
    /// The mask is not a number within the family's width.
    BadMask,
    /// The host part does not resolve.
    Unresolved(String),
    /// `*` wildcards (scapy no longer accepts them).
    Wildcard,
    /// `a.b.c.1-3` ranges (scapy no longer accepts them).
    DashRange,
}

fn looks_like_dash_range(s: &str) -> bool {
    s.split('.').any(|part| {
        let mut it = part.splitn(2, '-');
        match (it.next(), it.next()) {
            (Some(a), Some(b)) => {
                !a.is_empty()
                    && !b.is_empty()
                    && a.bytes().all(|c| c.is_ascii_digit())
                    && b.bytes().all(|c| c.is_ascii_digit())
            }
            _ => false,
        }
    })
}

fn host_int(host: &str, v6: bool) -> Result<u128, NetError> {
    match resolve(host, v6) {
        Some(IpAddr::V4(a)) => Ok(u128::from(u32::from(a))),
        Some(IpAddr::V6(a)) => Ok(u128::from(a)),
        None => {
            if looks_like_dash_range(host) {
                Err(NetError::DashRange)
            } else {
                Err(NetError::Unresolved(host.to_string()))
            }
        }
    }
}

/// scapy's `Net(s)` / `Net6(s)`: an address, a hostname, either with `/mask`.
pub fn net(s: &str, v6: bool) -> Result<Gen, NetError> {
    if s.contains('*') {
        return Err(NetError::Wildcard);
    }
    let s = strip_scope(s);
    let max: u32 = if v6 { 128 } else { 32 };
    let (host, mask) = match s.split_once('/') {
        Some((h, m)) => {
            let m = m.trim();
            let mask: u32 = if m.bytes().all(|c| c.is_ascii_digit()) && !m.is_empty() {
                m.parse().map_err(|_| NetError::BadMask)?
            } else {
                return Err(NetError::BadMask);
            };
            if mask > max {
                return Err(NetError::BadMask);
            }
            (h, mask)
        }
        None => (s, max),
    };
    let inv = max - mask;
    let a = host_int(host, v6)?;
    let start = if inv >= 128 { 0 } else { (a >> inv) << inv };
    if v6 {
        // A /0 has 2^128 addresses, one more than u128 holds: keep the last one out.
        let count = if inv >= 128 { u128::MAX } else { 1u128 << inv };
        Ok(Gen::V6 { start, count })
    } else {
        Ok(Gen::V4 {
            start: u32::try_from(start).unwrap_or(0),
            count: 1u64 << inv,
        })
    }
}

/// scapy's `Net(start, stop)`: every address from `a` to `b` inclusive (none if `b < a`).
pub fn net_range(a: &str, b: &str, v6: bool) -> Result<Gen, NetError> {
    let s = host_int(strip_scope(a), v6)?;
    let e = host_int(strip_scope(b), v6)?;
    let count = if e >= s { (e - s).saturating_add(1) } else { 0 };
    if v6 {
        Ok(Gen::V6 { start: s, count })
    } else {
        Ok(Gen::V4 {
            start: u32::try_from(s).unwrap_or(0),
            count: u64::try_from(count).unwrap_or(0),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aton_forms() {
        assert_eq!(inet_aton("127.1"), Some(Ipv4Addr::new(127, 0, 0, 1)));
        assert_eq!(inet_aton("10.0.0.1"), Some(Ipv4Addr::new(10, 0, 0, 1)));
        assert_eq!(inet_aton("0x7f.1"), Some(Ipv4Addr::new(127, 0, 0, 1)));
        assert_eq!(inet_aton("1"), Some(Ipv4Addr::new(0, 0, 0, 1)));
        assert_eq!(inet_aton("010.0.0.1"), Some(Ipv4Addr::new(8, 0, 0, 1)));
        assert_eq!(inet_aton("256.0.0.1"), None);
        assert_eq!(inet_aton("1.2.3.4.5"), None);
        assert_eq!(inet_aton("a.b"), None);
        assert_eq!(inet_aton(""), None);
    }

    #[test]
    fn ranges() {
        let g = Gen::range(1, 11, 3).unwrap();
        let v: Vec<_> = (0..g.len()).filter_map(|i| g.nth(i)).collect();
        assert_eq!(v, [1, 4, 7, 10].map(Value::Int));
        assert_eq!(Gen::range(5, 2, 1).unwrap().len(), 0);
        assert_eq!(Gen::range(10, 2, -3).unwrap().len(), 3);
        assert!(Gen::range(1, 2, 0).is_none());
    }

    #[test]
    fn nets() {
        let g = net("10.0.0.5/30", false).ok().unwrap();
        assert_eq!(g.len(), 4);
        assert_eq!(g.nth(0), Some(Value::Ipv4(Ipv4Addr::new(10, 0, 0, 4))));
        assert_eq!(net("::/0", true).ok().unwrap().len(), u128::MAX);
        assert!(matches!(net("10.0.0.1-3", false), Err(NetError::DashRange)));
        assert!(matches!(net("10.0.0.0/33", false), Err(NetError::BadMask)));
    }
}
