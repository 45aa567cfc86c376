//! ARP (RFC 826), for any hardware and protocol address sizes.
//!
//! ```text
//! +---------------+---------------+-------+-------+---------------+
//! |    hwtype     |     ptype     | hwlen | plen  |      op       |
//! +---------------+---------------+-------+-------+---------------+
//! | hwsrc (hwlen) | psrc (plen) | hwdst (hwlen) | pdst (plen)     |
//! +---------------------------------------------------------------+
//! ```
//! scapy: `ARP(hwtype, ptype, hwlen, plen, op, hwsrc, psrc, hwdst, pdst)`, op=1 (who-has).
//! Addresses are MACs when hwtype=1 and hwlen=6, IPv4 when ptype=0x0800 and plen=4, IPv6
//! when ptype=0x86dd and plen=16, raw bytes otherwise. `hwsrc` and `psrc` left unset come
//! from the route to `pdst` (the interface's MAC and address); `hwlen` and `plen` from the
//! address sizes. Bytes after the ARP message are padding.

use std::net::{Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

use crate::define_layer;
use crate::error::{BuildError, FieldError, ParseError, truncated};
use crate::layers::ether::ETHER_TYPES;
use crate::layers::{Dissected, Layer, Proto};
use crate::mac::MacAddr;
use crate::packet::{BuildCx, Packet};
use crate::route;
use crate::value::{FieldDesc, FieldKind, FieldType, Value};
use crate::wire::{be16, u8_at};

/// Operation names, as scapy shows them.
pub static ARP_OPS: &[(u64, &str)] = &[
    (1, "who-has"),
    (2, "is-at"),
    (3, "RARP-req"),
    (4, "RARP-rep"),
    (5, "Dyn-RARP-req"),
    (6, "Dyn-RAR-rep"),
    (7, "Dyn-RARP-err"),
    (8, "InARP-req"),
    (9, "InARP-rep"),
];

/// Hardware type names (the common ones of scapy's table).
pub static HARDWARE_TYPES: &[(u64, &str)] = &[
    (1, "Ethernet (10Mb)"),
    (6, "IEEE 802 Networks"),
    (15, "Frame Relay"),
    (16, "ATM"),
    (20, "Serial Line"),
    (32, "InfiniBand (TM)"),
];

// ---------------------------------------------------------------------------------------
// Zero-copy view
// ---------------------------------------------------------------------------------------

use crate::dissect::{FieldSink, FieldValue, int};
use crate::wire::{r8, r16};

/// ARP message (8 bytes plus the addresses).
#[derive(Debug, Clone, Copy)]
pub struct ArpView<'a>(pub(crate) &'a [u8]);

impl<'a> ArpView<'a> {
    /// Hardware type.
    pub fn hwtype(&self) -> u16 {
        r16(self.0, 0)
    }
    /// Protocol type.
    pub fn ptype(&self) -> u16 {
        r16(self.0, 2)
    }
    /// Hardware address length.
    pub fn hwlen(&self) -> u8 {
        r8(self.0, 4)
    }
    /// Protocol address length.
    pub fn plen(&self) -> u8 {
        r8(self.0, 5)
    }
    /// Operation (1 request, 2 reply).
    pub fn op(&self) -> u16 {
        r16(self.0, 6)
    }
    fn addr(&self, off: usize, n: u8) -> &'a [u8] {
        self.0.get(off..off + usize::from(n)).unwrap_or(&[])
    }
    /// Sender hardware address.
    pub fn hwsrc(&self) -> &'a [u8] {
        self.addr(8, self.hwlen())
    }
    /// Sender protocol address.
    pub fn psrc(&self) -> &'a [u8] {
        self.addr(8 + usize::from(self.hwlen()), self.plen())
    }
    /// Target hardware address.
    pub fn hwdst(&self) -> &'a [u8] {
        self.addr(
            8 + usize::from(self.hwlen()) + usize::from(self.plen()),
            self.hwlen(),
        )
    }
    /// Target protocol address.
    pub fn pdst(&self) -> &'a [u8] {
        self.addr(
            8 + 2 * usize::from(self.hwlen()) + usize::from(self.plen()),
            self.plen(),
        )
    }
    pub(crate) fn for_each_field(&self, f: FieldSink<'_, 'a>) {
        f("hwtype", int(self.hwtype()));
        f("ptype", int(self.ptype()));
        f("hwlen", int(self.hwlen()));
        f("plen", int(self.plen()));
        f("op", int(self.op()));
        f("hwsrc", FieldValue::Bytes(self.hwsrc()));
        f("psrc", FieldValue::Bytes(self.psrc()));
        f("hwdst", FieldValue::Bytes(self.hwdst()));
        f("pdst", FieldValue::Bytes(self.pdst()));
    }
}

// ---------------------------------------------------------------------------------------
// Owned layer
// ---------------------------------------------------------------------------------------

/// An ARP address: its type follows hwtype/hwlen or ptype/plen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArpAddr {
    /// A MAC address (hwtype 1, hwlen 6).
    Mac(MacAddr),
    /// An IPv4 address (ptype 0x0800, plen 4).
    V4(Ipv4Addr),
    /// An IPv6 address (ptype 0x86dd, plen 16).
    V6(Ipv6Addr),
    /// Anything else.
    Bytes(Vec<u8>),
}

impl ArpAddr {
    /// The wire bytes of the address.
    pub fn bytes(&self) -> Vec<u8> {
        match self {
            ArpAddr::Mac(m) => m.0.to_vec(),
            ArpAddr::V4(a) => a.octets().to_vec(),
            ArpAddr::V6(a) => a.octets().to_vec(),
            ArpAddr::Bytes(b) => b.clone(),
        }
    }

    /// The IPv4 address, if it is one.
    pub fn v4(&self) -> Option<Ipv4Addr> {
        match self {
            ArpAddr::V4(a) => Some(*a),
            _ => None,
        }
    }

    fn hw(b: &[u8], hwtype: u16) -> ArpAddr {
        match MacAddr::from_slice(b) {
            Some(m) if hwtype == 1 && b.len() == 6 => ArpAddr::Mac(m),
            _ => ArpAddr::Bytes(b.to_vec()),
        }
    }

    fn proto(b: &[u8], ptype: u16) -> ArpAddr {
        if let (0x0800, Ok(a)) = (ptype, <[u8; 4]>::try_from(b)) {
            return ArpAddr::V4(Ipv4Addr::from(a));
        }
        if let (0x86dd, Ok(a)) = (ptype, <[u8; 16]>::try_from(b)) {
            return ArpAddr::V6(Ipv6Addr::from(a));
        }
        ArpAddr::Bytes(b.to_vec())
    }
}

impl std::fmt::Display for ArpAddr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ArpAddr::Mac(m) => write!(f, "{m}"),
            ArpAddr::V4(a) => write!(f, "{a}"),
            ArpAddr::V6(a) => write!(f, "{a}"),
            ArpAddr::Bytes(b) => f.write_str(&crate::value::bytes_repr(b)),
        }
    }
}

impl FieldType for ArpAddr {
    fn to_value(&self) -> Value {
        match self {
            ArpAddr::Mac(m) => Value::Mac(*m),
            ArpAddr::V4(a) => Value::Ipv4(*a),
            ArpAddr::V6(a) => Value::Ipv6(*a),
            ArpAddr::Bytes(b) => Value::Bytes(b.clone()),
        }
    }
    fn from_value(v: Value, desc: &FieldDesc) -> Result<Self, FieldError> {
        let hw = desc.kind == FieldKind::Mac;
        Ok(match v {
            Value::Mac(m) => ArpAddr::Mac(m),
            Value::Ipv4(a) => ArpAddr::V4(a),
            Value::Ipv6(a) => ArpAddr::V6(a),
            Value::Bytes(b) => ArpAddr::Bytes(b),
            Value::Str(s) if hw => match MacAddr::from_str(&s) {
                Ok(m) => ArpAddr::Mac(m),
                Err(_) => {
                    return Err(FieldError::BadValue {
                        field: desc.name,
                        expected: "a MAC address".into(),
                        got: s,
                    });
                }
            },
            Value::Str(s) => {
                if let Ok(a) = Ipv4Addr::from_str(s.trim()) {
                    ArpAddr::V4(a)
                } else if let Ok(a) = Ipv6Addr::from_str(s.trim()) {
                    ArpAddr::V6(a)
                } else {
                    return Err(FieldError::BadValue {
                        field: desc.name,
                        expected: "an IPv4 or IPv6 address".into(),
                        got: s,
                    });
                }
            }
            other => {
                return Err(FieldError::BadValue {
                    field: desc.name,
                    expected: "an address".into(),
                    got: other.to_string(),
                });
            }
        })
    }
}

define_layer! {
    /// An ARP message.
    pub struct ARP("ARP") {
        hwtype: u16 = 1, FieldKind::HexEnum(16), "1", "Hardware type", values(HARDWARE_TYPES);
        ptype: u16 = 0x0800, FieldKind::HexEnum(16), "2048", "Protocol type",
            values(ETHER_TYPES);
        hwlen: Option<u8> = None, FieldKind::Int(8), "None",
            "Hardware address length (from hwsrc when unset)", auto();
        plen: Option<u8> = None, FieldKind::Int(8), "None",
            "Protocol address length (from psrc when unset)", auto();
        op: u16 = 1, FieldKind::Enum(16), "1", "Operation", values(ARP_OPS);
        hwsrc: Option<ArpAddr> = None, FieldKind::Mac, "None",
            "Sender hardware address (the outgoing interface's when unset)", auto();
        psrc: Option<ArpAddr> = None, FieldKind::Ipv4, "None",
            "Sender protocol address (the route's source when unset)", auto();
        hwdst: ArpAddr = ArpAddr::Mac(MacAddr::ZERO), FieldKind::Mac, "'00:00:00:00:00:00'",
            "Target hardware address";
        pdst: ArpAddr = ArpAddr::V4(Ipv4Addr::UNSPECIFIED), FieldKind::Ipv4, "'0.0.0.0'",
            "Target protocol address";
    }
}

impl ARP {
    /// `psrc` as it will be written: set, or the route's source address for `pdst`.
    pub fn resolved_psrc(&self) -> ArpAddr {
        if let Some(p) = &self.psrc {
            return p.clone();
        }
        match &self.pdst {
            ArpAddr::V6(d) => ArpAddr::V6(route::src_v6(*d)),
            ArpAddr::V4(d) => ArpAddr::V4(route::src_v4(*d)),
            _ => ArpAddr::V4(route::src_v4(Ipv4Addr::UNSPECIFIED)),
        }
    }

    /// `hwsrc` as it will be written: set, or the MAC of the interface towards `pdst`.
    pub fn resolved_hwsrc(&self) -> ArpAddr {
        if let Some(h) = &self.hwsrc {
            return h.clone();
        }
        ArpAddr::Mac(match &self.pdst {
            ArpAddr::V6(d) => route::src_mac_v6(*d),
            ArpAddr::V4(d) => route::src_mac_v4(*d),
            _ => route::src_mac_v4(Ipv4Addr::UNSPECIFIED),
        })
    }
}

impl Proto for ARP {
    fn long_name(&self) -> &'static str {
        "ARP"
    }

    fn build(&self, _cx: &BuildCx<'_>, out: &mut Vec<u8>) -> Result<(), BuildError> {
        let hwsrc = self.resolved_hwsrc().bytes();
        let psrc = self.resolved_psrc().bytes();
        out.extend_from_slice(&self.hwtype.to_be_bytes());
        out.extend_from_slice(&self.ptype.to_be_bytes());
        out.push(self.hwlen.unwrap_or(hwsrc.len().min(255) as u8));
        out.push(self.plen.unwrap_or(psrc.len().min(255) as u8));
        out.extend_from_slice(&self.op.to_be_bytes());
        out.extend_from_slice(&hwsrc);
        out.extend_from_slice(&psrc);
        out.extend_from_slice(&self.hwdst.bytes());
        out.extend_from_slice(&self.pdst.bytes());
        Ok(())
    }

    fn summary(&self, _pkt: &Packet, _idx: usize) -> Option<String> {
        Some(match self.op {
            1 => format!("ARP who has {} says {}", self.pdst, self.resolved_psrc()),
            2 => format!(
                "ARP is at {} says {}",
                self.resolved_hwsrc(),
                self.resolved_psrc()
            ),
            op => {
                let name = ARP_OPS
                    .iter()
                    .find(|(n, _)| *n == u64::from(op))
                    .map_or_else(|| op.to_string(), |(_, s)| (*s).to_string());
                format!("ARP {name} {} > {}", self.resolved_psrc(), self.pdst)
            }
        })
    }

    fn payload_len(&self, _hdr_len: usize) -> Option<usize> {
        Some(0)
    }
}

/// Dissects an ARP message.
pub fn dissect(data: &[u8]) -> Result<Dissected, ParseError> {
    let (Some(hwtype), Some(ptype), Some(hwlen), Some(plen), Some(op)) = (
        be16(data, 0),
        be16(data, 2),
        u8_at(data, 4),
        u8_at(data, 5),
        be16(data, 6),
    ) else {
        return Err(truncated("ARP", 8, data.len()));
    };
    let (h, p) = (usize::from(hwlen), usize::from(plen));
    let total = 8 + 2 * h + 2 * p;
    if data.len() < total {
        return Err(truncated("ARP", total, data.len()));
    }
    let field = |off: usize, n: usize| data.get(off..off + n).unwrap_or(&[]);
    let a = ARP {
        hwtype,
        ptype,
        hwlen: Some(hwlen),
        plen: Some(plen),
        op,
        hwsrc: Some(ArpAddr::hw(field(8, h), hwtype)),
        psrc: Some(ArpAddr::proto(field(8 + h, p), ptype)),
        hwdst: ArpAddr::hw(field(8 + h + p, h), hwtype),
        pdst: ArpAddr::proto(field(8 + 2 * h + p, p), ptype),
        ..Default::default()
    };
    Ok((Layer::ARP(a), total))
}

// ---------------------------------------------------------------------------------------
// Wireshark fields
// ---------------------------------------------------------------------------------------

use crate::dissect::View;
use crate::fields::{Base, FieldDef, FieldType as Ft, FieldVal, Protocol, VIEW_ARP, on};

/// Wireshark's ARP_PRO_IS_IPv4: protocol IPv4 (or AX.25's 0xcc) with 4-byte addresses.
fn proto_ipv4(v: &ArpView<'_>, a: &[u8]) -> Option<FieldVal<'static>> {
    if !matches!(v.ptype(), 0x0800 | 0x00cc) || v.plen() != 4 {
        return None;
    }
    let q: [u8; 4] = a.try_into().ok()?;
    Some(FieldVal::Ipv4(q.into()))
}

/// Wireshark's ARP_HW_IS_ETHER: Ethernet or IEEE 802 hardware with 6-byte addresses.
fn hw_mac(v: &ArpView<'_>, a: &[u8]) -> Option<FieldVal<'static>> {
    if !matches!(v.hwtype(), 1 | 6) || v.hwlen() != 6 {
        return None;
    }
    let m: [u8; 6] = a.try_into().ok()?;
    Some(FieldVal::Mac(crate::mac::MacAddr(m)))
}

/// Wireshark's `arp.*` fields.
pub static FIELDS: &[FieldDef] = &[
    FieldDef {
        name: "arp.opcode",
        ty: Ft::UInt,
        base: Base::Dec,
        desc: "Opcode",
        each: on!(l, View::Arp(v) => FieldVal::UInt(v.op().into())),
    },
    FieldDef {
        name: "arp.src.proto_ipv4",
        ty: Ft::Ipv4,
        base: Base::None,
        desc: "Sender IP address",
        each: on!(l, View::Arp(v) =>? proto_ipv4(&v, v.psrc())),
    },
    FieldDef {
        name: "arp.dst.proto_ipv4",
        ty: Ft::Ipv4,
        base: Base::None,
        desc: "Target IP address",
        each: on!(l, View::Arp(v) =>? proto_ipv4(&v, v.pdst())),
    },
    FieldDef {
        name: "arp.src.hw_mac",
        ty: Ft::Mac,
        base: Base::None,
        desc: "Sender MAC address",
        each: on!(l, View::Arp(v) =>? hw_mac(&v, v.hwsrc())),
    },
    FieldDef {
        name: "arp.dst.hw_mac",
        ty: Ft::Mac,
        base: Base::None,
        desc: "Target MAC address",
        each: on!(l, View::Arp(v) =>? hw_mac(&v, v.hwdst())),
    },
];

/// The `arp` table.
pub static PROTOCOL: Protocol = Protocol {
    name: "arp",
    title: "Address Resolution Protocol",
    fields: FIELDS,
    json: 3,
    views: VIEW_ARP,
};

// -------------------------------------------------------------------------------------------
// tcpdump line: ARP's part of `pktforge read`'s one-line summary, as tcpdump's
// print-arp.c prints it. The line's frame (time, link header, the walk over layers) is
// src/output/line.rs; it calls this by layer kind.
// -------------------------------------------------------------------------------------------

/// ARP's part of the tcpdump line.
pub(crate) mod tcpdump {
    use std::io::Write;
    use std::net::Ipv4Addr;

    use crate::output::line::hwaddr;

    /// `ARP, Request who-has A tell B, length N` (`len`: everything after the link header).
    pub(crate) fn line(a: super::ArpView<'_>, len: usize, out: &mut Vec<u8>) {
        let ip = |b: &[u8]| -> String {
            <[u8; 4]>::try_from(b)
                .map_or_else(|_| hex::encode(b), |x| Ipv4Addr::from(x).to_string())
        };
        let _ = match a.op() {
            1 => write!(
                out,
                "ARP, Request who-has {} tell {}, length {len}",
                ip(a.pdst()),
                ip(a.psrc())
            ),
            2 => write!(
                out,
                "ARP, Reply {} is-at {}, length {len}",
                ip(a.psrc()),
                hwaddr(a.hwsrc(), usize::from(a.hwlen()))
            ),
            op => write!(out, "ARP, op {op}, length {len}"),
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WHO_HAS: &str = "000108000604000102fc00000001c0000202000000000000c0000201";

    #[test]
    fn who_has_fields() {
        let b = hex::decode(WHO_HAS).unwrap();
        let (l, n) = dissect(&b).unwrap();
        assert_eq!(n, 28);
        let Layer::ARP(a) = l else { panic!() };
        assert_eq!(a.op, 1);
        assert_eq!(a.psrc, Some(ArpAddr::V4(Ipv4Addr::new(192, 0, 2, 2))));
        assert_eq!(a.pdst, ArpAddr::V4(Ipv4Addr::new(192, 0, 2, 1)));
        assert_eq!(a.hwsrc, Some(ArpAddr::Mac(MacAddr([2, 0xfc, 0, 0, 0, 1]))));
        for k in 0..8 {
            assert_eq!(dissect(&b[..k]).unwrap_err(), truncated("ARP", 8, k));
        }
        for k in 8..28 {
            assert_eq!(dissect(&b[..k]).unwrap_err(), truncated("ARP", 28, k));
        }
    }

    #[test]
    fn odd_sizes_are_bytes() {
        // hwlen 2, plen 3: kept as raw bytes and rebuilt as they were.
        let b = hex::decode("0001080002030001aabbccddeeff0011223344").unwrap();
        let (l, n) = dissect(&b).unwrap();
        assert_eq!(n, 18);
        let p = Packet::from(l);
        assert_eq!(p.build().unwrap(), b[..18]);
    }

    #[test]
    fn explicit_addresses() {
        let p = Packet::from(
            ARP::new()
                .op("is-at")
                .hwsrc("02:00:00:00:00:01")
                .psrc("198.18.0.1")
                .hwdst("02:00:00:00:00:02")
                .pdst("198.18.0.2"),
        );
        assert_eq!(
            hex::encode(p.build().unwrap()),
            "0001080006040002020000000001c6120001020000000002c6120002"
        );
        assert_eq!(p.summary(), "ARP is at 02:00:00:00:00:01 says 198.18.0.1");
    }
}
