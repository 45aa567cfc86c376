//! BSD loopback encapsulation: pcap link types NULL (0) and LOOP (108).
//!
//! ```text
//! +---------------------------------------------------------------+
//! |                  address family (4 bytes)                     |
//! +---------------------------------------------------------------+
//! ```
//! The 4-byte family is in the *capturing host's* byte order for NULL (0) and big endian
//! for LOOP (108, OpenBSD). scapy: `Loopback(type)` for NULL (its `LoIntEnumField` reads a
//! little-endian host's value) and `LoopbackOpenBSD(type)` for LOOP. Like Wireshark's
//! `packet-null.c`, a NULL header whose little-endian value does not fit in 16 bits is read
//! big endian instead (a capture from a big-endian host); NULL headers are built little
//! endian, as scapy builds them on Linux, and their family is set as a 16-bit value (every
//! real family is; a larger one would read back byte-swapped). Families: 2 is IPv4; 24, 28 and 30 are IPv6
//! (NetBSD/OpenBSD, FreeBSD, Darwin).

use crate::define_layer;
use crate::error::{BuildError, ParseError, truncated};
use crate::layers::{Dissected, Layer, Proto};
use crate::packet::BuildCx;
use crate::value::FieldKind;
use crate::wire::array_at;

/// Length of the header.
pub const HEADER_LEN: usize = 4;

/// Address family names (scapy's `LOOPBACK_TYPES`).
pub static LOOPBACK_TYPES: &[(u64, &str)] = &[
    (2, "IPv4"),
    (7, "OSI"),
    (16, "Appletalk"),
    (23, "Netware IPX/SPX"),
    (24, "IPv6"),
    (28, "IPv6"),
    (30, "IPv6"),
];

// ---------------------------------------------------------------------------------------
// Zero-copy view
// ---------------------------------------------------------------------------------------

use crate::dissect::{FieldSink, int};

/// BSD loopback header (4 bytes): the decoded address family.
#[derive(Debug, Clone, Copy)]
pub struct LoopbackView {
    pub(crate) family: u32,
}

impl LoopbackView {
    /// Address family (2 IPv4; 24, 28, 30 IPv6).
    pub fn family(&self) -> u32 {
        self.family
    }
    pub(crate) fn for_each_field(&self, f: FieldSink<'_, '_>) {
        f("type", int(self.family));
    }
}

// ---------------------------------------------------------------------------------------
// Owned layer
// ---------------------------------------------------------------------------------------

define_layer! {
    /// A BSD loopback (DLT_NULL) header: the family in host byte order (little endian
    /// when built), or in the byte order a dissected header came in, so that it rebuilds to
    /// its bytes.
    pub struct Loopback("Loopback") {
        type_ as "type": Option<u32> = None, FieldKind::Enum(16), "2",
            "Address family of the payload (from the binding table when unset, else 2)",
            values(LOOPBACK_TYPES), auto();
    }
    extra {
        /// The dissected header was big endian (a big-endian host's capture, as
        /// [`null_family`] tells). Not a scapy field.
        big_endian: bool = false;
    }
}

define_layer! {
    /// An OpenBSD loopback (DLT_LOOP) header: the family big endian.
    pub struct LoopbackOpenBSD("LoopbackOpenBSD") {
        type_ as "type": Option<u32> = None, FieldKind::Enum(32), "2",
            "Address family of the payload (from the binding table when unset, else 2)",
            values(LOOPBACK_TYPES), auto();
    }
}

fn family(t: Option<u32>, cx: &BuildCx<'_>) -> u32 {
    t.or_else(|| cx.bound("type").and_then(|v| u32::try_from(v).ok()))
        .unwrap_or(2)
}

/// The family of a NULL header: little endian, or big endian when the little-endian value
/// does not fit in 16 bits (Wireshark's heuristic).
pub fn null_family(h: [u8; 4]) -> u32 {
    let le = u32::from_le_bytes(h);
    if le > 0xffff {
        u32::from_be_bytes(h)
    } else {
        le
    }
}

impl Proto for Loopback {
    fn long_name(&self) -> &'static str {
        "Loopback"
    }

    fn build(&self, cx: &BuildCx<'_>, out: &mut Vec<u8>) -> Result<(), BuildError> {
        let f = family(self.type_, cx);
        // In the byte order it came in (the roundtrip fuzz target found big-endian headers
        // rebuilt little endian), and big endian for a family that would read back as
        // another one little endian.
        if self.big_endian || f > 0xffff {
            out.extend_from_slice(&f.to_be_bytes());
        } else {
            out.extend_from_slice(&f.to_le_bytes());
        }
        Ok(())
    }
}

impl Proto for LoopbackOpenBSD {
    fn long_name(&self) -> &'static str {
        "OpenBSD Loopback"
    }

    fn build(&self, cx: &BuildCx<'_>, out: &mut Vec<u8>) -> Result<(), BuildError> {
        out.extend_from_slice(&family(self.type_, cx).to_be_bytes());
        Ok(())
    }
}

/// Dissects a NULL (host byte order) loopback header.
pub fn dissect(data: &[u8]) -> Result<Dissected, ParseError> {
    let h = array_at::<4>(data, 0).ok_or_else(|| truncated("Loopback", 4, data.len()))?;
    let l = Loopback {
        type_: Some(null_family(h)),
        big_endian: u32::from_le_bytes(h) > 0xffff,
        ..Default::default()
    };
    Ok((Layer::Loopback(l), HEADER_LEN))
}

/// Dissects a LOOP (big endian) loopback header.
pub fn dissect_openbsd(data: &[u8]) -> Result<Dissected, ParseError> {
    let h = array_at::<4>(data, 0).ok_or_else(|| truncated("LoopbackOpenBSD", 4, data.len()))?;
    let l = LoopbackOpenBSD {
        type_: Some(u32::from_be_bytes(h)),
        ..Default::default()
    };
    Ok((Layer::LoopbackOpenBSD(l), HEADER_LEN))
}

// -------------------------------------------------------------------------------------------
// tcpdump line: BSD loopback's part of `pktforge read`'s one-line summary, as tcpdump's
// print-null.c prints it. The line's frame (time, link header, the walk over layers) is
// src/output/line.rs; it calls this by layer kind.
// -------------------------------------------------------------------------------------------

/// The loopback header's part of the tcpdump line: what `-e` prints.
pub(crate) mod tcpdump {
    use std::io::Write;

    /// With `-e`: `AF N (N), length N: `.
    pub(crate) fn link(lb: super::LoopbackView, orig_len: u32, out: &mut Vec<u8>) {
        let _ = write!(
            out,
            "AF {} ({}), length {}: ",
            lb.family(),
            lb.family(),
            orig_len
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layers::{ICMP, IP, IPv6};
    use crate::packet::{LinkType, Packet};

    // scapy: bytes(Loopback()/IP(src="1.2.3.4",dst="5.6.7.8")/ICMP())
    const NULL_ICMP: &str = "020000004500001c0001000040016acd01020304050607080800f7ff00000000";

    #[test]
    fn null_is_host_order() {
        let b = hex::decode(NULL_ICMP).unwrap();
        let p = Packet::parse(LinkType::from_pcap(0), &b);
        assert_eq!(p.layer::<Loopback>().unwrap().type_, Some(2));
        assert!(p.has::<ICMP>());
        assert_eq!(p.build().unwrap(), b);
        let q = Loopback::new() / IP::new().src("1.2.3.4").dst("5.6.7.8") / ICMP::new();
        assert_eq!(q.build().unwrap(), b);
        // A big-endian host's capture.
        let (l, _) = dissect(&[0, 0, 0, 0x18]).unwrap();
        assert_eq!(l.get_int("type"), Some(24));
        for k in 0..4 {
            assert_eq!(dissect(&b[..k]).unwrap_err(), truncated("Loopback", 4, k));
        }
    }

    #[test]
    fn loop_is_big_endian() {
        // scapy: bytes(LoopbackOpenBSD(type=24)) == b'\x00\x00\x00\x18'
        let q = LoopbackOpenBSD::new() / IPv6::new().src("::1");
        let b = q.build().unwrap();
        assert_eq!(&b[..4], &[0, 0, 0, 0x18]);
        let p = Packet::parse(LinkType::from_pcap(108), &b);
        assert_eq!(p.layer::<LoopbackOpenBSD>().unwrap().type_, Some(24));
        assert!(p.has::<IPv6>());
        for fam in [24u32, 28, 30] {
            let mut c = b.clone();
            c[..4].copy_from_slice(&fam.to_be_bytes());
            assert!(Packet::parse(LinkType::from_pcap(108), &c).has::<IPv6>());
        }
    }
}
