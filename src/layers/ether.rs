//! Ethernet II (IEEE 802.3 / DIX).
//!
//! ```text
//!  0                   1                   2                   3
//! +-------------------------------+-------------------------------+
//! |              destination MAC (6)              |  source MAC   |
//! +-----------------------------------------------+---------------+
//! |         source MAC (cont.)    |     type      |
//! +-------------------------------+---------------+
//! ```
//! scapy: `Ether(dst, src, type)`. `dst` and `src` left unset are resolved from the host
//! (see [`crate::route`]); `type` left unset comes from the binding table, or 0x9000
//! (scapy's default, "loopback") when nothing binds.

use crate::define_layer;
use crate::error::{BuildError, ParseError, truncated};
use crate::layers::{Dissected, Layer, Proto};
use crate::mac::MacAddr;
use crate::packet::{BuildCx, Packet};
use crate::route;
use crate::value::FieldKind;

pub use crate::services::ETHER_TYPES;

/// An Ether type as scapy shows it: its name, or hex.
pub fn type_name(t: u16) -> String {
    Ether::FIELDS
        .iter()
        .find(|d| d.name == "type")
        .map_or_else(|| format!("{t:#x}"), |d| d.display_int(u64::from(t)))
}

/// Length of the Ethernet header.
pub const HEADER_LEN: usize = 14;

// ---------------------------------------------------------------------------------------
// Zero-copy view
// ---------------------------------------------------------------------------------------

use crate::dissect::{FieldSink, FieldValue, int};
use crate::wire::{mac, r16};

/// Ethernet II header (14 bytes).
#[derive(Debug, Clone, Copy)]
pub struct EtherView<'a>(pub(crate) &'a [u8]);

impl<'a> EtherView<'a> {
    /// Destination MAC.
    pub fn dst(&self) -> MacAddr {
        mac(self.0, 0)
    }
    /// Source MAC.
    pub fn src(&self) -> MacAddr {
        mac(self.0, 6)
    }
    /// Ether type of the payload.
    pub fn ether_type(&self) -> u16 {
        r16(self.0, 12)
    }
    pub(crate) fn for_each_field(&self, f: FieldSink<'_, 'a>) {
        f("dst", FieldValue::Mac(self.dst()));
        f("src", FieldValue::Mac(self.src()));
        f("type", int(self.ether_type()));
    }
}

// ---------------------------------------------------------------------------------------
// Owned layer
// ---------------------------------------------------------------------------------------

define_layer! {
    /// An Ethernet II header.
    pub struct Ether("Ether") {
        dst: Option<MacAddr> = None, FieldKind::Mac, "None",
            "Destination MAC (resolved from the route when unset)", auto();
        src: Option<MacAddr> = None, FieldKind::Mac, "None",
            "Source MAC (the outgoing interface's when unset)", auto();
        type_ as "type": Option<u16> = None, FieldKind::HexEnum(16), "36864",
            "Ether type of the payload (from the binding table when unset)",
            values(ETHER_TYPES), auto();
    }
}

/// The IP destination the packet above an L2 header is going to, for MAC resolution.
pub(crate) enum L3Dst {
    V4(std::net::Ipv4Addr),
    V6(std::net::Ipv6Addr),
    None,
}

/// Finds the L3 destination above layer `idx` (through VLAN tags), resolving unset
/// addresses to scapy's defaults.
pub(crate) fn l3_dst(layers: &[Layer], idx: usize) -> L3Dst {
    for (i, l) in layers.iter().enumerate().skip(idx + 1) {
        match l {
            Layer::Dot1Q(_) | Layer::Dot1AD(_) => continue,
            Layer::IP(ip) => return L3Dst::V4(ip.dst),
            Layer::IPv6(ip) => return L3Dst::V6(ip.resolved_dst(layers.get(i + 1))),
            Layer::ARP(a) => {
                return match &a.pdst {
                    crate::layers::arp::ArpAddr::V4(d) => L3Dst::V4(*d),
                    crate::layers::arp::ArpAddr::V6(d) => L3Dst::V6(*d),
                    _ => L3Dst::None,
                };
            }
            _ => return L3Dst::None,
        }
    }
    L3Dst::None
}

impl Ether {
    fn resolved_src(&self, cx: &BuildCx<'_>) -> MacAddr {
        if let Some(m) = self.src {
            return m;
        }
        match l3_dst(cx.layers, cx.idx) {
            L3Dst::V4(d) => route::src_mac_v4(d),
            L3Dst::V6(d) => route::src_mac_v6(d),
            L3Dst::None => MacAddr::ZERO,
        }
    }

    fn resolved_dst(&self, cx: &BuildCx<'_>) -> MacAddr {
        if let Some(m) = self.dst {
            return m;
        }
        // ARP requests are broadcast; replies go to the resolved target.
        let above = cx
            .layers
            .iter()
            .skip(cx.idx + 1)
            .find(|l| !matches!(l, Layer::Dot1Q(_) | Layer::Dot1AD(_)));
        if let Some(Layer::ARP(a)) = above {
            if a.op == 1 {
                return MacAddr::BROADCAST;
            }
        }
        match l3_dst(cx.layers, cx.idx) {
            L3Dst::V4(d) => route::dst_mac_v4(d),
            L3Dst::V6(d) => route::dst_mac_v6(d),
            L3Dst::None => MacAddr::BROADCAST,
        }
    }
}

impl Proto for Ether {
    fn long_name(&self) -> &'static str {
        "Ethernet"
    }

    fn build(&self, cx: &BuildCx<'_>, out: &mut Vec<u8>) -> Result<(), BuildError> {
        out.extend_from_slice(&self.resolved_dst(cx).0);
        out.extend_from_slice(&self.resolved_src(cx).0);
        let t = self
            .type_
            .or_else(|| cx.bound("type").and_then(|v| u16::try_from(v).ok()))
            .unwrap_or(0x9000);
        out.extend_from_slice(&t.to_be_bytes());
        Ok(())
    }

    fn summary(&self, pkt: &Packet, idx: usize) -> Option<String> {
        // scapy: "%src% > %dst% (%type%)", shown only when nothing above has a summary.
        let _ = (pkt, idx);
        let show = |m: Option<MacAddr>| m.map_or_else(|| "None".to_string(), |m| m.to_string());
        Some(format!(
            "{} > {} ({})",
            show(self.src),
            show(self.dst),
            type_name(self.type_.unwrap_or(0x9000))
        ))
    }
}

/// Dissects an Ethernet II header.
pub fn dissect(data: &[u8]) -> Result<Dissected, ParseError> {
    let h = data
        .get(..HEADER_LEN)
        .ok_or_else(|| truncated("Ether", HEADER_LEN, data.len()))?;
    let e = Ether {
        dst: MacAddr::from_slice(h),
        src: h.get(6..).and_then(MacAddr::from_slice),
        type_: crate::wire::be16(h, 12),
        ..Default::default()
    };
    Ok((Layer::Ether(e), HEADER_LEN))
}

// ---------------------------------------------------------------------------------------
// Wireshark fields
// ---------------------------------------------------------------------------------------

use crate::dissect::View;
use crate::fields::{Base, FieldDef, FieldType, FieldVal, Protocol, VIEW_ETHER, on};

/// Wireshark's `eth.*` fields, `--json`'s first.
pub static FIELDS: &[FieldDef] = &[
    FieldDef {
        name: "eth.src",
        ty: FieldType::Mac,
        base: Base::None,
        desc: "Source Hardware Address",
        each: on!(l, View::Ether(v) => FieldVal::Mac(v.src())),
    },
    FieldDef {
        name: "eth.dst",
        ty: FieldType::Mac,
        base: Base::None,
        desc: "Destination Hardware Address",
        each: on!(l, View::Ether(v) => FieldVal::Mac(v.dst())),
    },
    // An 802.3 frame has a length there (`eth.len`), not a type.
    FieldDef {
        name: "eth.type",
        ty: FieldType::UInt,
        base: Base::Hex(4),
        desc: "Type",
        each: on!(l, View::Ether(v) if v.ether_type() >= 0x0600 => FieldVal::UInt(v.ether_type().into())),
    },
    // Either address, in packet order: destination first.
    FieldDef {
        name: "eth.addr",
        ty: FieldType::Mac,
        base: Base::None,
        desc: "Source or Destination Hardware Address",
        each: |f, e| {
            for l in f.layers() {
                if let View::Ether(v) = l.view {
                    e(FieldVal::Mac(v.dst()));
                    e(FieldVal::Mac(v.src()));
                }
            }
        },
    },
];

/// The `eth` table.
pub static PROTOCOL: Protocol = Protocol {
    name: "eth",
    title: "Ethernet",
    fields: FIELDS,
    json: 3,
    views: VIEW_ETHER,
};

// -------------------------------------------------------------------------------------------
// tcpdump line: Ethernet's part of `pktforge read`'s one-line summary, as tcpdump's
// print-ether.c prints it. The line's frame (time, link header, the walk over layers) is
// src/output/line.rs; it calls this by layer kind.
// -------------------------------------------------------------------------------------------

/// Ethernet's part of the tcpdump line: the link header `-e` prints, and the ethertype names.
pub(crate) mod tcpdump {
    use std::io::Write;

    pub(crate) fn ethertype(t: u16, len: u32, out: &mut Vec<u8>) {
        let name = match t {
            0x0800 => "IPv4",
            0x0806 => "ARP",
            0x86dd => "IPv6",
            0x8100 => "802.1Q",
            0x88a8 => "802.1Q-QinQ",
            _ => "Unknown",
        };
        let _ = write!(out, "ethertype {name} (0x{t:04x}), length {len}: ");
    }

    /// With `-e`: `SRC > DST, ethertype IPv4 (0x0800), length N: `.
    pub(crate) fn link(e: super::EtherView<'_>, orig_len: u32, out: &mut Vec<u8>) {
        let _ = write!(out, "{} > {}, ", e.src(), e.dst());
        ethertype(e.ether_type(), orig_len, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::packet::LinkType;

    #[test]
    fn parse_fields_and_truncation() {
        let b = hex::decode("ffffffffffff0000000000000800").unwrap();
        let (l, n) = dissect(&b).unwrap();
        assert_eq!(n, 14);
        let Layer::Ether(e) = l else { panic!() };
        assert_eq!(e.dst, Some(MacAddr::BROADCAST));
        assert_eq!(e.type_, Some(0x0800));
        for k in 0..14 {
            assert_eq!(
                dissect(&b[..k]).unwrap_err(),
                truncated("Ether", 14, k),
                "prefix {k}"
            );
        }
        let p = Packet::parse(LinkType::Ether, &b[..10]);
        assert_eq!(p.error().unwrap().layer(), "Ether");
    }

    #[test]
    fn default_type_is_loop() {
        let p = Packet::from(
            Ether::new()
                .src("00:00:00:00:00:00")
                .dst("01:02:03:04:05:06"),
        );
        assert_eq!(
            hex::encode(p.build().unwrap()),
            "0102030405060000000000009000"
        );
    }
}
