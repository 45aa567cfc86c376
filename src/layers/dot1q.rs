//! IEEE 802.1Q VLAN tag (and the 802.1ad QinQ outer tag, which has the same layout).
//!
//! ```text
//!  0                   1                   2                   3
//! +-----+-+-----------------------+-------------------------------+
//! |prio |D|        vlan id        |          inner type           |
//! +-----+-+-----------------------+-------------------------------+
//! ```
//! The 0x8100 (or 0x88a8) Ether type in front of the tag belongs to the layer below.
//! scapy: `Dot1Q(prio, dei, vlan, type)`, vlan=1 by default. `type` left unset comes from
//! the binding table, else 0. Stack two for QinQ, or put a [`Dot1AD`] (0x88a8) outside a
//! `Dot1Q` for 802.1ad. A `type` of 1500 or less is an 802.3 length: the payload is that long and
//! the rest is padding, as in scapy.

use crate::define_layer;
use crate::error::{BuildError, ParseError, truncated};
use crate::layers::ether::{ETHER_TYPES, type_name};
use crate::layers::{Dissected, Layer, Proto};
use crate::packet::{BuildCx, Packet};
use crate::value::FieldKind;
use crate::wire::be16;

/// Length of the tag.
pub const HEADER_LEN: usize = 4;

// ---------------------------------------------------------------------------------------
// Zero-copy view
// ---------------------------------------------------------------------------------------

use crate::dissect::{FieldSink, int};
use crate::wire::{r8, r16};

/// 802.1Q or 802.1ad tag (4 bytes).
#[derive(Debug, Clone, Copy)]
pub struct VlanView<'a>(pub(crate) &'a [u8]);

impl<'a> VlanView<'a> {
    /// Priority code point (3 bits).
    pub fn prio(&self) -> u8 {
        r8(self.0, 0) >> 5
    }
    /// Drop eligible indicator.
    pub fn dei(&self) -> u8 {
        (r8(self.0, 0) >> 4) & 1
    }
    /// VLAN identifier (12 bits).
    pub fn vlan(&self) -> u16 {
        r16(self.0, 0) & 0x0fff
    }
    /// Ether type of the payload (an 802.3 length when 1500 or less).
    pub fn ether_type(&self) -> u16 {
        r16(self.0, 2)
    }
    pub(crate) fn for_each_field(&self, f: FieldSink<'_, 'a>) {
        f("prio", int(self.prio()));
        f("dei", int(self.dei()));
        f("vlan", int(self.vlan()));
        f("type", int(self.ether_type()));
    }
}

// ---------------------------------------------------------------------------------------
// Owned layer
// ---------------------------------------------------------------------------------------

define_layer! {
    /// An 802.1Q tag.
    pub struct Dot1Q("Dot1Q") {
        prio: u8 = 0, FieldKind::Int(3), "0", "Priority code point (3 bits)";
        dei: u8 = 0, FieldKind::Int(1), "0", "Drop eligible indicator (1 bit)";
        vlan: u16 = 1, FieldKind::Int(12), "1", "VLAN identifier (12 bits)";
        type_ as "type": Option<u16> = None, FieldKind::HexEnum(16), "0",
            "Ether type of the payload (from the binding table when unset)",
            values(ETHER_TYPES), auto();
    }
}

define_layer! {
    /// An 802.1ad service tag (the outer tag of QinQ, Ether type 0x88a8): the same layout
    /// as 802.1Q, as scapy's `Dot1AD`.
    pub struct Dot1AD("Dot1AD") {
        prio: u8 = 0, FieldKind::Int(3), "0", "Priority code point (3 bits)";
        dei: u8 = 0, FieldKind::Int(1), "0", "Drop eligible indicator (1 bit)";
        vlan: u16 = 1, FieldKind::Int(12), "1", "VLAN identifier (12 bits)";
        type_ as "type": Option<u16> = None, FieldKind::HexEnum(16), "0",
            "Ether type of the payload (from the binding table when unset)",
            values(ETHER_TYPES), auto();
    }
}

/// The tag fields shared by [`Dot1Q`] and [`Dot1AD`].
struct Tag {
    prio: u8,
    dei: u8,
    vlan: u16,
    type_: Option<u16>,
}

fn build_tag(t: &Tag, cx: &BuildCx<'_>, out: &mut Vec<u8>) {
    let tci = (u16::from(t.prio & 0x7) << 13) | (u16::from(t.dei & 0x1) << 12) | (t.vlan & 0x0fff);
    out.extend_from_slice(&tci.to_be_bytes());
    let ty = t
        .type_
        .or_else(|| cx.bound("type").and_then(|v| u16::try_from(v).ok()))
        .unwrap_or(0);
    out.extend_from_slice(&ty.to_be_bytes());
}

fn tag_summary(t: &Tag, pkt: &Packet, idx: usize) -> String {
    let ty = type_name(t.type_.unwrap_or(0));
    let under = idx.checked_sub(1).and_then(|i| pkt.layers().get(i));
    match under {
        Some(Layer::Ether(e)) => {
            let m = |x: Option<crate::MacAddr>| x.map_or("None".to_string(), |m| m.to_string());
            format!("802.1q {} > {} ({ty}) vlan {}", m(e.src), m(e.dst), t.vlan)
        }
        _ => format!("802.1q ({ty}) vlan {}", t.vlan),
    }
}

fn tag_payload_len(t: &Tag) -> Option<usize> {
    match t.type_ {
        Some(ty) if ty <= 1500 => Some(usize::from(ty)),
        _ => None,
    }
}

macro_rules! tag_proto {
    ($ty:ident, $long:literal) => {
        impl $ty {
            fn tag(&self) -> Tag {
                Tag {
                    prio: self.prio,
                    dei: self.dei,
                    vlan: self.vlan,
                    type_: self.type_,
                }
            }
        }

        impl Proto for $ty {
            fn long_name(&self) -> &'static str {
                $long
            }
            fn build(&self, cx: &BuildCx<'_>, out: &mut Vec<u8>) -> Result<(), BuildError> {
                build_tag(&self.tag(), cx, out);
                Ok(())
            }
            fn summary(&self, pkt: &Packet, idx: usize) -> Option<String> {
                Some(tag_summary(&self.tag(), pkt, idx))
            }
            fn payload_len(&self, _hdr_len: usize) -> Option<usize> {
                tag_payload_len(&self.tag())
            }
        }
    };
}

tag_proto!(Dot1Q, "802.1Q");
tag_proto!(Dot1AD, "802_1AD");

fn parse_tag(data: &[u8], layer: &'static str) -> Result<Tag, ParseError> {
    let (Some(tci), Some(t)) = (be16(data, 0), be16(data, 2)) else {
        return Err(truncated(layer, HEADER_LEN, data.len()));
    };
    Ok(Tag {
        prio: (tci >> 13) as u8,
        dei: ((tci >> 12) & 1) as u8,
        vlan: tci & 0x0fff,
        type_: Some(t),
    })
}

/// Dissects an 802.1Q tag.
pub fn dissect(data: &[u8]) -> Result<Dissected, ParseError> {
    let t = parse_tag(data, "Dot1Q")?;
    let d = Dot1Q {
        prio: t.prio,
        dei: t.dei,
        vlan: t.vlan,
        type_: t.type_,
        ..Default::default()
    };
    Ok((Layer::Dot1Q(d), HEADER_LEN))
}

/// Dissects an 802.1ad tag.
pub fn dissect_ad(data: &[u8]) -> Result<Dissected, ParseError> {
    let t = parse_tag(data, "Dot1AD")?;
    let d = Dot1AD {
        prio: t.prio,
        dei: t.dei,
        vlan: t.vlan,
        type_: t.type_,
        ..Default::default()
    };
    Ok((Layer::Dot1AD(d), HEADER_LEN))
}

// ---------------------------------------------------------------------------------------
// Wireshark fields
// ---------------------------------------------------------------------------------------

use crate::dissect::View;
use crate::fields::{Base, FieldDef, FieldType, FieldVal, Protocol, VIEW_VLAN, on};

/// Wireshark's `vlan.*` fields. An 802.1ad tag's id is `ieee8021ad.id`, not `vlan.id`.
pub static FIELDS: &[FieldDef] = &[FieldDef {
    name: "vlan.id",
    ty: FieldType::UInt,
    base: Base::Dec,
    desc: "VLAN ID",
    each: on!(l, View::Vlan(v) if l.kind == crate::layers::LayerKind::Dot1Q => FieldVal::UInt(v.vlan().into())),
}];

/// The `vlan` table.
pub static PROTOCOL: Protocol = Protocol {
    name: "vlan",
    title: "802.1Q Virtual LAN",
    fields: FIELDS,
    json: 1,
    views: VIEW_VLAN,
};

// -------------------------------------------------------------------------------------------
// tcpdump line: 802.1Q's part of `pktforge read`'s one-line summary, as tcpdump's
// print-vlan.c prints it. The line's frame (time, link header, the walk over layers) is
// src/output/line.rs; it calls this by layer kind.
// -------------------------------------------------------------------------------------------

/// 802.1Q's part of the tcpdump line: the tag `-e` prints.
pub(crate) mod tcpdump {
    use std::io::Write;

    /// With `-e`: `vlan ID, p PRIO, ethertype ..., length N: `.
    pub(crate) fn link(v: super::VlanView<'_>, orig_len: u32, out: &mut Vec<u8>) {
        let _ = write!(out, "vlan {}, p {}, ", v.vlan(), v.prio());
        crate::layers::ether::tcpdump::ethertype(v.ether_type(), orig_len, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layers::Ether;

    #[test]
    fn tag_fields() {
        let (l, n) = dissect(&[0xb0, 0x64, 0x08, 0x00]).unwrap();
        assert_eq!(n, 4);
        let Layer::Dot1Q(d) = l else { panic!() };
        assert_eq!((d.prio, d.dei, d.vlan, d.type_), (5, 1, 100, Some(0x0800)));
        for k in 0..4 {
            assert_eq!(
                dissect(&[0xb0, 0x64, 0x08, 0x00][..k]).unwrap_err(),
                truncated("Dot1Q", 4, k)
            );
        }
    }

    #[test]
    fn length_type_makes_padding() {
        let p = Ether::new()
            .src("00:00:00:00:00:00")
            .dst("ff:ff:ff:ff:ff:ff")
            / Dot1Q::new().vlan(5)
            / "x";
        let b = p.build().unwrap();
        let q = Packet::parse(crate::LinkType::Ether, &b);
        assert_eq!(
            q.summary(),
            "Ether / 802.1q 00:00:00:00:00:00 > ff:ff:ff:ff:ff:ff (0x0) vlan 5 / Padding"
        );
    }
}
