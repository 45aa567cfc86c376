//! UDP (RFC 768).
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |          Source Port          |       Destination Port        |
//! |            Length             |           Checksum            |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```
//! scapy: `UDP(sport, dport, len, chksum)`. Defaults: sport=53, dport=53 (or the port the
//! binding table gives for the upper layer). `len` is header plus payload when unset;
//! `chksum` covers the IPv4 or IPv6 pseudo-header, a computed zero is sent as 0xffff
//! (RFC 768, RFC 8200), and with no IP layer below it is left at zero, as in scapy.
//! When dissecting, the bytes after `len` are padding (scapy's `extract_padding`); a
//! length under 8 leaves no payload.

use crate::checksum;
use crate::define_layer;
use crate::error::{BuildError, ParseError, truncated};
use crate::layers::tcp::{ip_addrs_below, resolve_port};
use crate::layers::{Dissected, Layer, LayerKind, Proto};
use crate::packet::{BuildCx, Packet, PostCx};
use crate::value::{FieldDesc, FieldKind};
use crate::wire::{be16, put16};

/// Length of the header.
pub const HEADER_LEN: usize = 8;

/// Default port of both `sport` and `dport` (scapy: 53).
pub const DEFAULT_PORT: u16 = 53;

// ---------------------------------------------------------------------------------------
// Zero-copy view
// ---------------------------------------------------------------------------------------

use crate::dissect::{FieldSink, end_in, int};
use crate::wire::r16;

/// Where each field of a cut header ends ([`field_end`](crate::dissect::field_end)).
pub(crate) const UDP_ENDS: &[(&str, usize)] =
    &[("sport", 2), ("dport", 4), ("len", 6), ("chksum", 8)];

/// UDP header (8 bytes).
#[derive(Debug, Clone, Copy)]
pub struct UdpView<'a>(pub(crate) &'a [u8]);

impl<'a> UdpView<'a> {
    /// Source port.
    pub fn sport(&self) -> u16 {
        r16(self.0, 0)
    }
    /// Destination port.
    pub fn dport(&self) -> u16 {
        r16(self.0, 2)
    }
    /// Length of header and payload.
    pub fn len(&self) -> u16 {
        r16(self.0, 4)
    }
    /// True when the length field is zero.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Checksum.
    pub fn chksum(&self) -> u16 {
        r16(self.0, 6)
    }
    /// The header's bytes that were captured (all 8, unless [`UdpView::is_partial`]).
    pub fn bytes(&self) -> &'a [u8] {
        self.0
    }
    /// True for a header cut by the snap length before its 8th byte.
    pub fn is_partial(&self) -> bool {
        self.0.len() < 8
    }
    /// Whether the bytes of `field` (`sport`, `dport`, `len`, `chksum`) were captured:
    /// always, unless the header [`is_partial`](UdpView::is_partial)
    /// ([`field_end`](crate::dissect::field_end)).
    pub fn has(&self, field: &str) -> bool {
        end_in(UDP_ENDS, field).is_none_or(|e| e <= self.0.len())
    }
    pub(crate) fn for_each_field(&self, f: FieldSink<'_, 'a>) {
        f("sport", int(self.sport()));
        f("dport", int(self.dport()));
        f("len", int(self.len()));
        f("chksum", int(self.chksum()));
    }
}

// ---------------------------------------------------------------------------------------
// Owned layer
// ---------------------------------------------------------------------------------------

define_layer! {
    /// A UDP header.
    pub struct UDP("UDP") {
        sport: Option<u16> = None, FieldKind::UdpPort, "53",
            "Source port (the binding table's port for the upper layer, else 53, when unset)",
            auto();
        dport: Option<u16> = None, FieldKind::UdpPort, "53",
            "Destination port (the binding table's port for the upper layer, else 53, when unset)",
            auto();
        len: Option<u16> = None, FieldKind::Int(16), "None",
            "Length of header and payload (computed when unset)", auto();
        chksum: Option<u16> = None, FieldKind::Hex(16), "None",
            "Checksum with the IP pseudo-header (computed when unset; 0 is sent as 0xffff)",
            auto();
    }
}

fn field_desc(name: &str) -> Option<&'static FieldDesc> {
    UDP::FIELDS.iter().find(|d| d.name == name)
}

impl Proto for UDP {
    fn long_name(&self) -> &'static str {
        "UDP"
    }

    fn build(&self, cx: &BuildCx<'_>, out: &mut Vec<u8>) -> Result<(), BuildError> {
        let sport = resolve_port(self.sport, cx.layers, cx.idx, "sport", DEFAULT_PORT);
        let dport = resolve_port(self.dport, cx.layers, cx.idx, "dport", DEFAULT_PORT);
        out.extend_from_slice(&sport.to_be_bytes());
        out.extend_from_slice(&dport.to_be_bytes());
        out.extend_from_slice(&self.len.unwrap_or(0).to_be_bytes());
        out.extend_from_slice(&self.chksum.unwrap_or(0).to_be_bytes());
        Ok(())
    }

    fn post_build(&self, cx: &PostCx<'_>, lower: &[u8], buf: &mut [u8]) {
        if self.len.is_none() {
            put16(buf, 4, buf.len().min(0xffff) as u16);
        }
        if self.chksum.is_none() {
            if let Some(s) = cx.pseudo_header_sum(lower, 17, buf.len()) {
                let ck = match checksum::finish(checksum::sum(buf, s)) {
                    0 => 0xffff,
                    c => c,
                };
                put16(buf, 6, ck);
            }
        }
    }

    fn summary(&self, pkt: &Packet, idx: usize) -> Option<String> {
        if pkt.layers().get(idx).map(Layer::kind) == Some(LayerKind::UDPerror) {
            return None;
        }
        let port = |name: &str, v: Option<u16>| {
            let p = resolve_port(v, pkt.layers(), idx, name, DEFAULT_PORT);
            field_desc(name).map_or_else(|| p.to_string(), |d| d.display_int(u64::from(p)))
        };
        let sport = port("sport", self.sport);
        let dport = port("dport", self.dport);
        Some(match ip_addrs_below(pkt, idx) {
            Some((src, dst)) => format!("UDP {src}:{sport} > {dst}:{dport}"),
            None => format!("UDP {sport} > {dport}"),
        })
    }

    fn payload_len(&self, _hdr_len: usize) -> Option<usize> {
        self.len.map(|l| usize::from(l).saturating_sub(HEADER_LEN))
    }
}

/// Dissects a UDP header.
pub fn dissect(data: &[u8]) -> Result<Dissected, ParseError> {
    let h = data
        .get(..HEADER_LEN)
        .ok_or_else(|| truncated("UDP", HEADER_LEN, data.len()))?;
    Ok((Layer::UDP(from_header(h)), HEADER_LEN))
}

/// The fields whose bytes are in `h`; the others are left unset.
fn from_header(h: &[u8]) -> UDP {
    UDP {
        sport: be16(h, 0),
        dport: be16(h, 2),
        len: be16(h, 4),
        chksum: be16(h, 6),
        ..Default::default()
    }
}

/// Dissects a UDP header cut by the capture's snap length before its 8th byte (1 to 7
/// bytes): the fields that are there, the others unset.
pub fn dissect_partial(data: &[u8]) -> UDP {
    from_header(data)
}

// ---------------------------------------------------------------------------------------
// Wireshark fields
// ---------------------------------------------------------------------------------------

use crate::dissect::View;
use crate::fields::{Base, FieldDef, FieldType, FieldVal, Protocol, VIEW_UDP, on};

/// Whether the bytes of `field` (the owned model's name) were captured: a header cut before
/// its end (a partial view) has only those fields, as tshark shows them.
fn captured(kind: crate::layers::LayerKind, v: &UdpView<'_>, field: &str) -> bool {
    // Of a header quoted in an ICMP error and cut, tshark shows nothing.
    !v.is_partial() || crate::bind::base_kind(kind) == kind && v.has(field)
}

/// Wireshark's `udp.*` fields (quoted headers too).
pub static FIELDS: &[FieldDef] = &[
    FieldDef {
        name: "udp.srcport",
        ty: FieldType::UInt,
        base: Base::Dec,
        desc: "Source Port",
        each: on!(l, View::Udp(v) if captured(l.kind, &v, "sport") => FieldVal::UInt(v.sport().into())),
    },
    FieldDef {
        name: "udp.dstport",
        ty: FieldType::UInt,
        base: Base::Dec,
        desc: "Destination Port",
        each: on!(l, View::Udp(v) if captured(l.kind, &v, "dport") => FieldVal::UInt(v.dport().into())),
    },
    FieldDef {
        name: "udp.length",
        ty: FieldType::UInt,
        base: Base::Dec,
        desc: "Length",
        each: on!(l, View::Udp(v) if captured(l.kind, &v, "len") => FieldVal::UInt(v.len().into())),
    },
    FieldDef {
        name: "udp.port",
        ty: FieldType::UInt,
        base: Base::Dec,
        desc: "Source or Destination Port",
        each: |f, e| {
            for l in f.layers() {
                if let View::Udp(v) = l.view {
                    if captured(l.kind, &v, "sport") {
                        e(FieldVal::UInt(v.sport().into()));
                    }
                    if captured(l.kind, &v, "dport") {
                        e(FieldVal::UInt(v.dport().into()));
                    }
                }
            }
        },
    },
    FieldDef {
        name: "udp.checksum",
        ty: FieldType::UInt,
        base: Base::Hex(4),
        desc: "Checksum",
        each: on!(l, View::Udp(v) if captured(l.kind, &v, "chksum") => FieldVal::UInt(v.chksum().into())),
    },
];

/// The `udp` table.
pub static PROTOCOL: Protocol = Protocol {
    name: "udp",
    title: "User Datagram Protocol",
    fields: FIELDS,
    json: 3,
    views: VIEW_UDP,
};

// -------------------------------------------------------------------------------------------
// tcpdump line: UDP's part of `pktforge read`'s one-line summary, as tcpdump's
// print-udp.c prints it. The line's frame (time, link header, the walk over layers) is
// src/output/line.rs; it calls this by layer kind.
// -------------------------------------------------------------------------------------------

/// UDP's part of the tcpdump line, with the port-dispatched payloads.
pub(crate) mod tcpdump {
    use std::io::Write;

    use crate::dissect::{UdpView, View};
    use crate::layers::ip::tcpdump::IpLine;
    use crate::output::line::Put;

    /// `IP A.p > B.q: ` then DNS, NTP, syslog by port, else `UDP, length N`.
    pub(crate) fn line(u: &UdpView<'_>, ip: &IpLine<'_, '_>, out: &mut Vec<u8>) {
        ip.hosts(Some((u.sport(), u.dport())), &ip.ext, out);
        let d = ip.d;
        let next = ip.upper_next();
        let ulen = match next.map(|l| l.view) {
            Some(View::Raw(b)) if !d.is_snapped() => b.len(),
            _ => usize::from(u.len()).saturating_sub(8),
        };
        match next.map(|l| l.view) {
            Some(View::Dns(dv)) => {
                crate::layers::dns::tcpdump::line(&dv, usize::from(u.len()).saturating_sub(8), out);
            }
            Some(View::Raw(_)) if next.is_some_and(|l| ip.cut_at(l, "DNS")) => {
                out.extend_from_slice(b" [|domain]");
            }
            // Cut right after the UDP header, on DNS's port.
            None if ulen > 0 && d.is_snapped() && (u.sport() == 53 || u.dport() == 53) => {
                out.extend_from_slice(b" [|domain]");
            }
            Some(View::Raw(b)) if (u.sport() == 123 || u.dport() == 123) && ntp(b, ulen, out) => {}
            Some(View::Raw(b))
                if (u.sport() == 514 || u.dport() == 514) && d.is_snapped() && syslog_cut(b) =>
            {
                out.extend_from_slice(b" [|syslog]");
            }
            Some(View::Raw(b))
                if (u.sport() == 514 || u.dport() == 514) && syslog(b, ulen, out) => {}
            _ => {
                out.extend_from_slice(b"UDP, length ");
                out.num(u.len().saturating_sub(8));
            }
        }
    }

    // NTP and syslog have no layer of their own: their one-line forms are printed here, by
    // port, as tcpdump's udp_print hands them to print-ntp.c and print-syslog.c.

    /// NTP on port 123, as tcpdump's one line: version and mode.
    fn ntp(b: &[u8], len: usize, out: &mut Vec<u8>) -> bool {
        let Some(&first) = b.first() else {
            return false;
        };
        let mode = match first & 7 {
            1 => "symmetric active",
            2 => "symmetric passive",
            3 => "Client",
            4 => "Server",
            5 => "Broadcast",
            6 => "Control Message",
            _ => return false,
        };
        let _ = write!(out, "NTPv{}, {mode}, length {len}", (first >> 3) & 7);
        true
    }

    /// Syslog on port 514: facility and severity from the `<PRI>` prefix, as tcpdump prints.
    fn syslog(b: &[u8], len: usize, out: &mut Vec<u8>) -> bool {
        const FACILITIES: [&str; 24] = [
            "kernel", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron",
            "authpriv", "ftp", "ntp", "security", "console", "cron", "local0", "local1", "local2",
            "local3", "local4", "local5", "local6", "local7",
        ];
        const SEVERITIES: [&str; 8] = [
            "emergency",
            "alert",
            "critical",
            "error",
            "warning",
            "notice",
            "info",
            "debug",
        ];
        let Some(rest) = b.strip_prefix(b"<") else {
            return false;
        };
        let digits = rest
            .iter()
            .take(3)
            .take_while(|c| c.is_ascii_digit())
            .count();
        if digits == 0 || rest.get(digits) != Some(&b'>') {
            return false;
        }
        let pri = rest
            .get(..digits)
            .unwrap_or(&[])
            .iter()
            .fold(0usize, |a, c| a * 10 + usize::from(c - b'0'));
        let (Some(f), Some(s)) = (FACILITIES.get(pri / 8), SEVERITIES.get(pri % 8)) else {
            return false;
        };
        let _ = write!(out, "SYSLOG {f}.{s}, length: {len}");
        true
    }

    /// True when tcpdump's syslog printer runs out of captured bytes in the `<PRI>` prefix.
    fn syslog_cut(b: &[u8]) -> bool {
        match b.first() {
            None => return true,
            Some(b'<') => {}
            Some(_) => return false,
        }
        let mut i = 1;
        while i <= 3 {
            match b.get(i) {
                None => return true,
                Some(c) if c.is_ascii_digit() => i += 1,
                Some(_) => break,
            }
        }
        b.get(i).is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layers::{IP, Padding, Raw};
    use crate::packet::LinkType;

    #[test]
    fn decode_fields_and_truncation() {
        // scapy: IP(src="192.0.2.2",dst="192.0.2.1")/UDP(sport=1234,dport=80)/b"hi"
        let b =
            hex::decode("4500001e000100004011f6cac0000202c000020104d20050000a0e4b6869").unwrap();
        let p = Packet::parse(LinkType::Ipv4, &b);
        assert!(p.error().is_none());
        let u = p.layer::<UDP>().unwrap();
        assert_eq!(
            (u.sport, u.dport, u.len, u.chksum),
            (Some(1234), Some(80), Some(10), Some(0x0e4b))
        );
        assert_eq!(p.summary(), "IP / UDP 192.0.2.2:1234 > 192.0.2.1:80 / Raw");
        assert_eq!(p.build().unwrap(), b);
        let built =
            IP::new().src("192.0.2.2").dst("192.0.2.1") / UDP::new().sport(1234).dport(80) / "hi";
        assert_eq!(built.build().unwrap(), b);
        let h = &b[20..];
        for k in 0..8 {
            assert_eq!(dissect(&h[..k]).unwrap_err(), truncated("UDP", 8, k));
        }
    }

    #[test]
    fn length_splits_padding() {
        let b = hex::decode("0035003500090000616263").unwrap();
        let p = Packet::parse(LinkType::Layer(LayerKind::UDP), &b);
        assert_eq!(p.layers().len(), 3);
        assert_eq!(p.layer::<Raw>().unwrap().load, b"a");
        assert_eq!(p.layer::<Padding>().unwrap().load, b"bc");
        assert_eq!(p.build().unwrap(), b);
        // A lying length under 8 leaves everything as padding; one over the data is a truncation.
        let short = hex::decode("0035003500020000616263").unwrap();
        let p = Packet::parse(LinkType::Layer(LayerKind::UDP), &short);
        assert_eq!(p.layer::<Padding>().unwrap().load, b"abc");
        assert_eq!(p.build().unwrap(), short);
        let long = hex::decode("0035003500200000616263").unwrap();
        assert!(Packet::parse(LinkType::Layer(LayerKind::UDP), &long).is_truncated());
    }

    #[test]
    fn no_ip_below() {
        let p = Packet::from(UDP::new());
        assert_eq!(hex::encode(p.build().unwrap()), "0035003500080000");
        assert_eq!(p.summary(), "UDP domain > domain");
    }
}
