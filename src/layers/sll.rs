//! Linux "cooked" capture headers: SLL (pcap link type 113) and SLL2 (link type 276).
//!
//! ```text
//! SLL (16 bytes), scapy's CookedLinux:
//! +-------------------------------+-------------------------------+
//! |        packet type (2)        |  link-layer address type (2)  |
//! +-------------------------------+-------------------------------+
//! |  link-layer address length (2)|  link-layer address (8) ...   |
//! +-------------------------------+-------------------------------+
//! |        ... address            |         protocol (2)          |
//! +-------------------------------+-------------------------------+
//!
//! SLL2 (20 bytes), scapy's CookedLinuxV2:
//! +-------------------------------+-------------------------------+
//! |         protocol (2)          |         reserved (2)          |
//! +-------------------------------+-------------------------------+
//! |                     interface index (4)                       |
//! +-------------------------------+---------------+---------------+
//! |  link-layer address type (2)  | packet type(1)| addr length(1)|
//! +-------------------------------+---------------+---------------+
//! |                  link-layer address (8)                       |
//! +---------------------------------------------------------------+
//! ```
//! scapy: `CookedLinux(pkttype, lladdrtype, lladdrlen, src, proto)` and
//! `CookedLinuxV2(proto, reserved, ifindex, lladdrtype, pkttype, lladdrlen, src)`. `src` is
//! always 8 bytes on the wire (scapy's `StrFixedLenField`: cut or zero-padded); `lladdrlen`
//! says how many of them are the address. `proto` is an Ether type (IPv4, IPv6, ARP,
//! 802.1Q...), taken from the binding table when unset.

use crate::define_layer;
use crate::error::{BuildError, ParseError, truncated};
use crate::layers::ether::{ETHER_TYPES, type_name};
use crate::layers::{Dissected, Layer, Proto};
use crate::packet::{BuildCx, Packet};
use crate::value::FieldKind;
use crate::wire::{be16, be32, u8_at};

/// Length of the SLL header.
pub const SLL_LEN: usize = 16;
/// Length of the SLL2 header.
pub const SLL2_LEN: usize = 20;

/// Packet type names (scapy's `CookedLinux.pkttype` enum).
pub static PKT_TYPES: &[(u64, &str)] = &[
    (0, "unicast"),
    (1, "broadcast"),
    (2, "multicast"),
    (3, "unicast-to-another-host"),
    (4, "sent-by-us"),
];

// ---------------------------------------------------------------------------------------
// Zero-copy view
// ---------------------------------------------------------------------------------------

use crate::dissect::{FieldSink, FieldValue, int};
use crate::wire::{r8, r16, r32};

/// Linux cooked capture header, SLL (16 bytes).
#[derive(Debug, Clone, Copy)]
pub struct SllView<'a>(pub(crate) &'a [u8]);

impl<'a> SllView<'a> {
    /// Packet type (0 unicast to us, 4 sent by us...).
    pub fn pkttype(&self) -> u16 {
        r16(self.0, 0)
    }
    /// Link-layer address type (ARPHRD_*).
    pub fn lladdrtype(&self) -> u16 {
        r16(self.0, 2)
    }
    /// Link-layer address length.
    pub fn lladdrlen(&self) -> u16 {
        r16(self.0, 4)
    }
    /// The 8 address bytes (the first `lladdrlen` are the address).
    pub fn src(&self) -> &'a [u8] {
        self.0.get(6..14).unwrap_or(&[])
    }
    /// Ether type of the payload.
    pub fn proto(&self) -> u16 {
        r16(self.0, 14)
    }
    pub(crate) fn for_each_field(&self, f: FieldSink<'_, 'a>) {
        f("pkttype", int(self.pkttype()));
        f("lladdrtype", int(self.lladdrtype()));
        f("lladdrlen", int(self.lladdrlen()));
        f("src", FieldValue::Bytes(self.src()));
        f("proto", int(self.proto()));
    }
}

/// Linux cooked capture header v2, SLL2 (20 bytes).
#[derive(Debug, Clone, Copy)]
pub struct Sll2View<'a>(pub(crate) &'a [u8]);

impl<'a> Sll2View<'a> {
    /// Ether type of the payload.
    pub fn proto(&self) -> u16 {
        r16(self.0, 0)
    }
    /// Reserved.
    pub fn reserved(&self) -> u16 {
        r16(self.0, 2)
    }
    /// Interface index.
    pub fn ifindex(&self) -> u32 {
        r32(self.0, 4)
    }
    /// Link-layer address type (ARPHRD_*).
    pub fn lladdrtype(&self) -> u16 {
        r16(self.0, 8)
    }
    /// Packet type.
    pub fn pkttype(&self) -> u8 {
        r8(self.0, 10)
    }
    /// Link-layer address length.
    pub fn lladdrlen(&self) -> u8 {
        r8(self.0, 11)
    }
    /// The 8 address bytes.
    pub fn src(&self) -> &'a [u8] {
        self.0.get(12..20).unwrap_or(&[])
    }
    pub(crate) fn for_each_field(&self, f: FieldSink<'_, 'a>) {
        f("proto", int(self.proto()));
        f("reserved", int(self.reserved()));
        f("ifindex", int(self.ifindex()));
        f("lladdrtype", int(self.lladdrtype()));
        f("pkttype", int(self.pkttype()));
        f("lladdrlen", int(self.lladdrlen()));
        f("src", FieldValue::Bytes(self.src()));
    }
}

// ---------------------------------------------------------------------------------------
// Owned layer
// ---------------------------------------------------------------------------------------

define_layer! {
    /// A Linux cooked capture (SLL) header.
    pub struct CookedLinux("CookedLinux") {
        pkttype: u16 = 0, FieldKind::Enum(16), "0", "Packet type (who the packet was for)",
            values(PKT_TYPES);
        lladdrtype: u16 = 512, FieldKind::Hex(16), "512", "Link-layer address type (ARPHRD_*)";
        lladdrlen: u16 = 0, FieldKind::Int(16), "0", "Link-layer address length";
        src: Vec<u8> = Vec::new(), FieldKind::Bytes, "b''",
            "Link-layer source address (8 bytes on the wire)";
        proto: Option<u16> = None, FieldKind::HexEnum(16), "2048",
            "Ether type of the payload (from the binding table when unset, else 0x800)",
            values(ETHER_TYPES), auto();
    }
}

define_layer! {
    /// A Linux cooked capture v2 (SLL2) header.
    pub struct CookedLinuxV2("CookedLinuxV2") {
        proto: Option<u16> = None, FieldKind::HexEnum(16), "2048",
            "Ether type of the payload (from the binding table when unset, else 0x800)",
            values(ETHER_TYPES), auto();
        reserved: u16 = 0, FieldKind::Int(16), "0", "Reserved";
        ifindex: u32 = 0, FieldKind::Int(32), "0", "Interface index";
        lladdrtype: u16 = 512, FieldKind::Hex(16), "512", "Link-layer address type (ARPHRD_*)";
        pkttype: u8 = 0, FieldKind::Enum(8), "0", "Packet type (who the packet was for)",
            values(PKT_TYPES);
        lladdrlen: u8 = 0, FieldKind::Int(8), "0", "Link-layer address length";
        src: Vec<u8> = Vec::new(), FieldKind::Bytes, "b''",
            "Link-layer source address (8 bytes on the wire)";
    }
}

/// The 8 address bytes written for `src`: cut or zero-padded.
fn addr8(src: &[u8]) -> [u8; 8] {
    let mut a = [0u8; 8];
    for (d, s) in a.iter_mut().zip(src) {
        *d = *s;
    }
    a
}

fn proto_of(p: Option<u16>, cx: &BuildCx<'_>) -> u16 {
    p.or_else(|| cx.bound("proto").and_then(|v| u16::try_from(v).ok()))
        .unwrap_or(0x0800)
}

impl Proto for CookedLinux {
    fn long_name(&self) -> &'static str {
        "cooked linux"
    }

    fn build(&self, cx: &BuildCx<'_>, out: &mut Vec<u8>) -> Result<(), BuildError> {
        out.extend_from_slice(&self.pkttype.to_be_bytes());
        out.extend_from_slice(&self.lladdrtype.to_be_bytes());
        out.extend_from_slice(&self.lladdrlen.to_be_bytes());
        out.extend_from_slice(&addr8(&self.src));
        out.extend_from_slice(&proto_of(self.proto, cx).to_be_bytes());
        Ok(())
    }

    fn summary(&self, _pkt: &Packet, _idx: usize) -> Option<String> {
        Some(format!(
            "CookedLinux ({})",
            type_name(self.proto.unwrap_or(0x0800))
        ))
    }
}

impl Proto for CookedLinuxV2 {
    fn long_name(&self) -> &'static str {
        "cooked linux v2"
    }

    fn build(&self, cx: &BuildCx<'_>, out: &mut Vec<u8>) -> Result<(), BuildError> {
        out.extend_from_slice(&proto_of(self.proto, cx).to_be_bytes());
        out.extend_from_slice(&self.reserved.to_be_bytes());
        out.extend_from_slice(&self.ifindex.to_be_bytes());
        out.extend_from_slice(&self.lladdrtype.to_be_bytes());
        out.push(self.pkttype);
        out.push(self.lladdrlen);
        out.extend_from_slice(&addr8(&self.src));
        Ok(())
    }

    fn summary(&self, _pkt: &Packet, _idx: usize) -> Option<String> {
        Some(format!(
            "CookedLinuxV2 ({})",
            type_name(self.proto.unwrap_or(0x0800))
        ))
    }
}

/// Dissects an SLL header.
pub fn dissect(data: &[u8]) -> Result<Dissected, ParseError> {
    let h = data
        .get(..SLL_LEN)
        .ok_or_else(|| truncated("CookedLinux", SLL_LEN, data.len()))?;
    let l = CookedLinux {
        pkttype: be16(h, 0).unwrap_or(0),
        lladdrtype: be16(h, 2).unwrap_or(0),
        lladdrlen: be16(h, 4).unwrap_or(0),
        src: h.get(6..14).unwrap_or(&[]).to_vec(),
        proto: be16(h, 14),
        ..Default::default()
    };
    Ok((Layer::CookedLinux(l), SLL_LEN))
}

/// Dissects an SLL2 header.
pub fn dissect_v2(data: &[u8]) -> Result<Dissected, ParseError> {
    let h = data
        .get(..SLL2_LEN)
        .ok_or_else(|| truncated("CookedLinuxV2", SLL2_LEN, data.len()))?;
    let l = CookedLinuxV2 {
        proto: be16(h, 0),
        reserved: be16(h, 2).unwrap_or(0),
        ifindex: be32(h, 4).unwrap_or(0),
        lladdrtype: be16(h, 8).unwrap_or(0),
        pkttype: u8_at(h, 10).unwrap_or(0),
        lladdrlen: u8_at(h, 11).unwrap_or(0),
        src: h.get(12..20).unwrap_or(&[]).to_vec(),
        ..Default::default()
    };
    Ok((Layer::CookedLinuxV2(l), SLL2_LEN))
}

// -------------------------------------------------------------------------------------------
// tcpdump line: Linux cooked capture (SLL, SLL2)'s part of `pktforge read`'s one-line summary, as tcpdump's
// print-sll.c prints it. The line's frame (time, link header, the walk over layers) is
// src/output/line.rs; it calls this by layer kind.
// -------------------------------------------------------------------------------------------

/// Linux cooked headers' part of the tcpdump line: what `-e` prints.
pub(crate) mod tcpdump {
    use std::io::Write;

    use crate::layers::ether::tcpdump::ethertype;
    use crate::output::line::hwaddr;

    fn pkttype(t: u16) -> &'static str {
        match t {
            0 => "In",
            1 => "B",
            2 => "M",
            3 => "P",
            4 => "Out",
            _ => "?",
        }
    }

    /// With `-e`: `In SRC, ethertype ..., length N: ` (Linux cooked v1).
    pub(crate) fn link(s: super::SllView<'_>, orig_len: u32, out: &mut Vec<u8>) {
        let _ = write!(
            out,
            "{} {}, ",
            pkttype(s.pkttype()),
            hwaddr(s.src(), usize::from(s.lladdrlen()))
        );
        ethertype(s.proto(), orig_len, out);
    }

    /// With `-e`: `ifindex N In SRC, ethertype ..., length N: ` (Linux cooked v2).
    pub(crate) fn link2(s: super::Sll2View<'_>, orig_len: u32, out: &mut Vec<u8>) {
        let _ = write!(
            out,
            "ifindex {} {} {}, ",
            s.ifindex(),
            pkttype(u16::from(s.pkttype())),
            hwaddr(s.src(), usize::from(s.lladdrlen()))
        );
        ethertype(s.proto(), orig_len, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layers::{ICMP, IP};
    use crate::packet::LinkType;

    // scapy: bytes(CookedLinux(pkttype=4, lladdrtype=1, lladdrlen=6,
    //        src=b'\x02\x70\x66\x01\x00\x02')/IP(src="198.18.1.2",dst="198.18.2.2")/ICMP())
    const SLL_ICMP: &str = "000400010006027066010002000008004500001c000100004001ebb7c6120102c6120202\
                            0800f7ff00000000";

    #[test]
    fn sll_fields_build_and_truncation() {
        let b = hex::decode(SLL_ICMP.replace(' ', "")).unwrap();
        let p = Packet::parse(LinkType::Sll, &b);
        let l = p.layer::<CookedLinux>().unwrap();
        assert_eq!((l.pkttype, l.lladdrtype, l.lladdrlen), (4, 1, 6));
        assert_eq!(l.src, hex::decode("0270660100020000").unwrap());
        assert_eq!(l.proto, Some(0x0800));
        assert!(p.has::<ICMP>());
        assert_eq!(p.build().unwrap(), b);
        let q = CookedLinux::new()
            .pkttype(4)
            .lladdrtype(1)
            .lladdrlen(6)
            .src(hex::decode("027066010002").unwrap())
            / IP::new().src("198.18.1.2").dst("198.18.2.2")
            / ICMP::new();
        assert_eq!(q.build().unwrap(), b);
        for k in 0..SLL_LEN {
            assert_eq!(
                dissect(&b[..k]).unwrap_err(),
                truncated("CookedLinux", 16, k)
            );
        }
    }

    #[test]
    fn sll2_fields_and_truncation() {
        // scapy: bytes(CookedLinuxV2(proto=0x86dd, ifindex=3, lladdrtype=1, pkttype=0,
        //        lladdrlen=6, src=b'\x02\x70\x66\x01\x00\x01'))
        let b = hex::decode("86dd000000000003000100060270660100010000").unwrap();
        let (l, n) = dissect_v2(&b).unwrap();
        assert_eq!(n, 20);
        let Layer::CookedLinuxV2(l) = l else { panic!() };
        assert_eq!((l.proto, l.ifindex, l.lladdrtype), (Some(0x86dd), 3, 1));
        assert_eq!((l.pkttype, l.lladdrlen), (0, 6));
        assert_eq!(Packet::from(l).build().unwrap(), b);
        for k in 0..SLL2_LEN {
            assert_eq!(
                dissect_v2(&b[..k]).unwrap_err(),
                truncated("CookedLinuxV2", 20, k)
            );
        }
    }
}
