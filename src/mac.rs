//! MAC addresses.

use std::fmt;
use std::str::FromStr;

/// A 48-bit Ethernet MAC address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct MacAddr(pub [u8; 6]);

impl MacAddr {
    /// `ff:ff:ff:ff:ff:ff`.
    pub const BROADCAST: MacAddr = MacAddr([0xff; 6]);
    /// `00:00:00:00:00:00`.
    pub const ZERO: MacAddr = MacAddr([0; 6]);

    /// The bytes of the address.
    pub fn octets(&self) -> [u8; 6] {
        self.0
    }

    /// Reads a MAC address from the first 6 bytes of `b`.
    pub fn from_slice(b: &[u8]) -> Option<MacAddr> {
        let a: [u8; 6] = b.get(..6)?.try_into().ok()?;
        Some(MacAddr(a))
    }
}

impl From<[u8; 6]> for MacAddr {
    fn from(a: [u8; 6]) -> Self {
        MacAddr(a)
    }
}

impl fmt::Display for MacAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let a = self.0;
        write!(
            f,
            "{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}",
            a[0], a[1], a[2], a[3], a[4], a[5]
        )
    }
}

/// The error of parsing a MAC address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MacParseError;

impl fmt::Display for MacParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("invalid MAC address (expected six hex bytes like 00:11:22:33:44:55)")
    }
}

impl std::error::Error for MacParseError {}

impl FromStr for MacAddr {
    type Err = MacParseError;
    /// Accepts `00:11:22:33:44:55`, `00-11-22-33-44-55` and `001122334455`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let mut out = [0u8; 6];
        let parts: Vec<&str> = if s.contains(':') || s.contains('-') {
            s.split([':', '-']).collect()
        } else if s.len() == 12 && s.is_ascii() {
            (0..6).filter_map(|i| s.get(i * 2..i * 2 + 2)).collect()
        } else {
            return Err(MacParseError);
        };
        if parts.len() != 6 {
            return Err(MacParseError);
        }
        for (o, p) in out.iter_mut().zip(parts) {
            if p.is_empty() || p.len() > 2 {
                return Err(MacParseError);
            }
            *o = u8::from_str_radix(p, 16).map_err(|_| MacParseError)?;
        }
        Ok(MacAddr(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn parse_forms() {
        let m: MacAddr = "00:11:22:aa:BB:cc".parse().unwrap();
        assert_eq!(m.0, [0, 0x11, 0x22, 0xaa, 0xbb, 0xcc]);
        assert_eq!("001122aabbcc".parse::<MacAddr>().unwrap(), m);
        assert_eq!("00-11-22-aa-bb-cc".parse::<MacAddr>().unwrap(), m);
        assert!("00:11:22".parse::<MacAddr>().is_err());
        assert!("zz:11:22:aa:bb:cc".parse::<MacAddr>().is_err());
        assert_eq!(m.to_string(), "00:11:22:aa:bb:cc");
    }
}
