//! The layer stack: composition with `/`, building with automatic fields, dissection, and
//! `show()` / `summary()` / `hexdump()`.
//!
//! Building follows scapy: every layer writes its header in order (protocol numbers come
//! from the [binding table](crate::bind) when left unset), then lengths and checksums are
//! fixed from the innermost layer outwards, so an outer checksum covers the final inner
//! bytes. `Padding` layers are appended after everything and are not counted in lengths.

use std::fmt::Write as _;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::ops::Div;

use crate::bind;
use crate::error::{BuildError, FieldError, ParseError};
use crate::layers::{self, Layer, LayerKind, LayerType};
use crate::value::{FieldKind, Value};

/// The first layer of a byte buffer: the link type of a capture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkType {
    /// Ethernet II (pcap link type 1).
    Ether,
    /// Raw IP, version from the first nibble (link types 101, 12).
    RawIp,
    /// IPv4 (link type 228).
    Ipv4,
    /// IPv6 (link type 229).
    Ipv6,
    /// Linux cooked capture, `CookedLinux` (link type 113).
    Sll,
    /// Linux cooked capture v2, `CookedLinuxV2` (link type 276).
    Sll2,
    /// BSD loopback, family in host byte order, `Loopback` (link type 0).
    Null,
    /// OpenBSD loopback, family big endian, `LoopbackOpenBSD` (link type 108).
    Loop,
    /// Starts at a given layer.
    Layer(LayerKind),
}

impl LinkType {
    /// The link type of a pcap/pcapng link-type number: Ethernet (1), raw IP (101, 12),
    /// IPv4 (228), IPv6 (229), SLL (113), SLL2 (276), NULL (0), LOOP (108). Any other
    /// number gives raw bytes.
    ///
    /// ```
    /// use pktforge::prelude::*;
    /// assert_eq!(LinkType::from_pcap(113), LinkType::Sll);
    /// assert_eq!(LinkType::from_pcap(147), LinkType::Layer(LayerKind::Raw));
    /// ```
    pub fn from_pcap(n: u32) -> LinkType {
        match n {
            1 => LinkType::Ether,
            101 | 12 => LinkType::RawIp,
            228 => LinkType::Ipv4,
            229 => LinkType::Ipv6,
            113 => LinkType::Sll,
            276 => LinkType::Sll2,
            0 => LinkType::Null,
            108 => LinkType::Loop,
            _ => LinkType::Layer(LayerKind::Raw),
        }
    }

    /// The first layer of `data` captured with this link type.
    pub fn first_kind(self, data: &[u8]) -> LayerKind {
        match self {
            LinkType::Ether => LayerKind::Ether,
            LinkType::Ipv4 => LayerKind::IP,
            LinkType::Ipv6 => LayerKind::IPv6,
            LinkType::Sll => LayerKind::CookedLinux,
            LinkType::Sll2 => LayerKind::CookedLinuxV2,
            LinkType::Null => LayerKind::Loopback,
            LinkType::Loop => LayerKind::LoopbackOpenBSD,
            LinkType::RawIp => match data.first().map(|b| b >> 4) {
                Some(6) => LayerKind::IPv6,
                Some(4) => LayerKind::IP,
                _ => LayerKind::Raw,
            },
            LinkType::Layer(k) => k,
        }
    }
}

/// A packet: a stack of layers, outermost first.
///
/// ```
/// use pktforge::prelude::*;
/// let p = Ether::new().src("00:00:00:00:00:00") / IP::new() / ICMP::new();
/// assert_eq!(
///     hex::encode(p.build().unwrap()),
///     "ffffffffffff00000000000008004500001c0001000040017cde7f0000017f0000010800f7ff00000000"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Packet {
    layers: Vec<Layer>,
    error: Option<ParseError>,
    /// Where the capture's snap length cut the packet (innermost layer), not an error.
    cut: Option<ParseError>,
    /// Captured shorter than it was on the wire.
    snapped: bool,
    /// Index of the layer cut inside its fixed header, and its bytes captured.
    partial: Option<(usize, usize)>,
}

/// What a layer's `build` sees: the whole stack and its own position.
pub struct BuildCx<'a> {
    /// All layers of the packet being built.
    pub layers: &'a [Layer],
    /// Index of the layer being built.
    pub idx: usize,
}

impl BuildCx<'_> {
    /// The layer after this one, if any (Padding does not count).
    pub fn next(&self) -> Option<&Layer> {
        self.layers
            .get(self.idx + 1)
            .filter(|l| l.kind() != LayerKind::Padding)
    }

    /// The layer before this one, if any.
    pub fn prev(&self) -> Option<&Layer> {
        self.idx.checked_sub(1).and_then(|i| self.layers.get(i))
    }

    /// The value the binding table gives this layer's `field` for the next layer
    /// (`Ether.type` is 0x0800 when IP follows).
    pub fn bound(&self, field: &str) -> Option<u64> {
        let me = self.layers.get(self.idx)?.kind();
        let next = self.next()?.kind();
        bind::value_for(me, field, next)
    }

    /// The nearest IPv4 layer below this one, through nothing else.
    pub fn under_ip(&self) -> Option<&layers::IP> {
        match self.prev()? {
            Layer::IP(ip) | Layer::IPerror(ip) => Some(ip),
            _ => None,
        }
    }
}

/// What a layer's `post_build` sees: the stack, where each layer starts, its header length.
pub struct PostCx<'a> {
    /// All layers of the packet.
    pub layers: &'a [Layer],
    /// Index of the layer being fixed.
    pub idx: usize,
    /// Start offset of each layer in the built bytes (padding layers start at the end).
    pub offsets: &'a [usize],
    /// Length of this layer's own header.
    pub hdr_len: usize,
}

impl PostCx<'_> {
    /// The checksum of the IPv4 or IPv6 pseudo-header for an upper-layer protocol `proto`
    /// whose segment is `upper_len` bytes, as scapy's `in4_chksum`/`in6_chksum` compute it:
    /// the directly enclosing IPv4 header, or the IPv6 header through its extension
    /// headers (final destination from a routing header with segments left). Returns
    /// `None` when there is no IP layer below: the checksum is then left at zero, as scapy does.
    pub fn pseudo_header_sum(&self, lower: &[u8], proto: u8, upper_len: usize) -> Option<u32> {
        let prev = self.idx.checked_sub(1)?;
        match self.layers.get(prev)? {
            Layer::IP(ip) | Layer::IPerror(ip) => {
                let off = *self.offsets.get(prev)?;
                let hdr = lower.get(off..)?;
                let src = crate::wire::be32(hdr, 12)?;
                let mut dst = crate::wire::be32(hdr, 16)?;
                if !ip.options.is_empty() {
                    if let Some(final_dst) = ip.source_route_final() {
                        dst = u32::from(final_dst);
                    }
                }
                let ln = match ip.len {
                    Some(l) => {
                        let hlen = self
                            .offsets
                            .get(prev + 1)
                            .copied()
                            .unwrap_or(off + 20)
                            .saturating_sub(off);
                        let ihl = ip.ihl.map(usize::from).unwrap_or(hlen / 4);
                        (l as usize).saturating_sub(4 * ihl)
                    }
                    None => upper_len,
                };
                let ln = ln as u32;
                let s = (src >> 16)
                    + (src & 0xffff)
                    + (dst >> 16)
                    + (dst & 0xffff)
                    + u32::from(proto)
                    + (ln & 0xffff)
                    + (ln >> 16);
                Some(s)
            }
            _ => {
                // Walk down through IPv6 extension headers to the IPv6 header.
                let mut final_dst: Option<Ipv6Addr> = None;
                let mut j = prev;
                loop {
                    match self.layers.get(j)? {
                        Layer::IPv6(_) | Layer::IPerror6(_) => break,
                        Layer::IPv6ExtHdrRouting(r) => {
                            if final_dst.is_none() {
                                final_dst = r.final_destination();
                            }
                        }
                        Layer::IPv6ExtHdrHopByHop(_)
                        | Layer::IPv6ExtHdrFragment(_)
                        | Layer::IPv6ExtHdrDestOpt(_) => {}
                        _ => return None,
                    }
                    j = j.checked_sub(1)?;
                }
                let off = *self.offsets.get(j)?;
                let hdr = lower.get(off..)?;
                let src = hdr.get(8..24)?;
                let dst = match final_dst {
                    Some(d) => d.octets(),
                    None => hdr.get(24..40)?.try_into().ok()?,
                };
                let mut s = crate::checksum::sum(src, 0);
                s = crate::checksum::sum(&dst, s);
                let ln = upper_len as u32;
                s += (ln >> 16) + (ln & 0xffff) + proto as u32;
                Some(s)
            }
        }
    }
}

/// What a dissector sees besides its bytes.
pub struct DissectCx<'a> {
    /// The layers decoded so far (outermost first).
    pub below: &'a [Layer],
}

impl DissectCx<'_> {
    /// The layer directly below, if any.
    pub fn prev(&self) -> Option<&Layer> {
        self.below.last()
    }
}

/// Whether `l`, decoded from `captured` bytes, lacks some of its fixed fields (the fast
/// path's `View::is_partial`).
fn is_partial(l: &Layer, captured: usize) -> bool {
    match l {
        Layer::TCP(_) | Layer::TCPerror(_) => captured < layers::tcp::HEADER_LEN,
        Layer::UDP(_) | Layer::UDPerror(_) => captured < layers::udp::HEADER_LEN,
        Layer::IP(_) | Layer::IPerror(_) => captured < 20,
        Layer::IPv6(_) | Layer::IPerror6(_) => captured < layers::ipv6::HEADER_LEN,
        Layer::ICMP(m) | Layer::ICMPerror(m) => captured < layers::icmp::header_len(m.type_),
        Layer::ICMPv6Unknown(_) => captured < 4,
        _ => false,
    }
}

/// Upper bound on layers decoded from one packet (each layer consumes bytes or ends the
/// packet, but this keeps pathological inputs bounded too): the fast dissector's.
const MAX_LAYERS: usize = crate::dissect::MAX_LAYERS;

impl Packet {
    /// A packet made of these layers.
    pub fn from_layers(layers: Vec<Layer>) -> Packet {
        Packet {
            layers,
            error: None,
            cut: None,
            snapped: false,
            partial: None,
        }
    }

    /// The layers, outermost first.
    pub fn layers(&self) -> &[Layer] {
        &self.layers
    }

    /// The layers, mutably.
    pub fn layers_mut(&mut self) -> &mut Vec<Layer> {
        &mut self.layers
    }

    /// Appends a layer on top.
    pub fn push(&mut self, l: impl Into<Layer>) {
        self.layers.push(l.into());
    }

    /// The error that stopped dissection (the undecoded rest is a `Raw` layer), or a
    /// length that promised more bytes than the packet has.
    pub fn error(&self) -> Option<&ParseError> {
        self.error.as_ref()
    }

    /// True when dissection found fewer bytes than a header or length field asked for.
    pub fn is_truncated(&self) -> bool {
        self.error.as_ref().is_some_and(ParseError::is_truncated)
    }

    /// Where the capture's snap length cut the packet (from [`Packet::parse_frame`]): the
    /// innermost layer whose header or length field needs bytes past the captured ones but
    /// within the packet's length on the wire, as [`ParseError::Truncated`]. This is not an
    /// error (tshark's "Packet size limited during capture"): every layer captured is
    /// decoded, and [`Packet::error`] stays for lengths wrong in the packet as it was sent.
    pub fn cut(&self) -> Option<&ParseError> {
        self.cut.as_ref()
    }

    /// True when the packet was captured shorter than its length on the wire (given to
    /// [`Packet::parse_frame`]), whether or not a layer was cut.
    pub fn is_snapped(&self) -> bool {
        self.snapped
    }

    /// The index in [`Packet::layers`] of the layer whose header the snap length cut before
    /// the end of its fixed fields (a TCP header under 20 bytes, UDP under 8, the IP header
    /// quoted in an ICMP error, ICMP or ICMPv6 under their header). Its fields past the cut
    /// are zero or unset: [`Packet::field_captured`] says which were there.
    pub fn partial_index(&self) -> Option<usize> {
        self.partial.map(|(i, _)| i)
    }

    /// Whether field `field` of layer `idx` was captured: false only for the fields of the
    /// [partial](Packet::partial_index) layer whose bytes lie past the cut (the fast path's
    /// [`field_end`](crate::dissect::field_end) says where each field ends).
    ///
    /// ```
    /// use pktforge::prelude::*;
    /// let b = (IP::new().src("192.0.2.1").dst("192.0.2.2") / UDP::new().sport(7) / Raw::from_bytes(&[0u8; 30]))
    ///     .build()
    ///     .unwrap();
    /// let p = Packet::parse_frame(LinkType::Ipv4, &b[..25], b.len());
    /// assert!(p.error().is_none());
    /// assert_eq!(p.cut().unwrap().to_string(), "UDP at offset 20 truncated: needs 8 bytes, has 5");
    /// assert_eq!(p.partial_index(), Some(1));
    /// assert_eq!(p.layer::<UDP>().unwrap().sport, Some(7));
    /// assert!(p.field_captured(1, "dport") && !p.field_captured(1, "len"));
    /// ```
    pub fn field_captured(&self, idx: usize, field: &str) -> bool {
        let (Some((i, captured)), Some(l)) = (self.partial, self.layers.get(idx)) else {
            return true;
        };
        if i != idx {
            return true;
        }
        let t = l.get_int("type").unwrap_or(0) as u8;
        crate::dissect::field_end(l.kind(), t, field).is_none_or(|e| e <= captured)
    }

    /// The first layer of type `T` (scapy's `pkt[TCP]`).
    ///
    /// ```
    /// use pktforge::prelude::*;
    /// let p = IP::new() / TCP::new().dport(443);
    /// assert_eq!(p.layer::<TCP>().unwrap().dport, Some(443));
    /// assert!(p.layer::<UDP>().is_none());
    /// ```
    pub fn layer<T: LayerType>(&self) -> Option<&T> {
        self.layers.iter().find_map(T::from_layer)
    }

    /// The first layer of type `T`, mutably.
    pub fn layer_mut<T: LayerType>(&mut self) -> Option<&mut T> {
        self.layers.iter_mut().find_map(T::from_layer_mut)
    }

    /// True if the packet has a layer of type `T` (scapy's `TCP in pkt`).
    pub fn has<T: LayerType>(&self) -> bool {
        self.layer::<T>().is_some()
    }

    /// The first layer with scapy's class name `name`.
    pub fn layer_by_name(&self, name: &str) -> Option<&Layer> {
        self.layers.iter().find(|l| l.name() == name)
    }

    /// A field of the first layer named `layer`.
    pub fn get(&self, layer: &str, field: &str) -> Result<Value, FieldError> {
        let l = self
            .layer_by_name(layer)
            .ok_or_else(|| FieldError::NoSuchLayer(layer.to_string()))?;
        l.get(field).ok_or_else(|| FieldError::UnknownField {
            layer: l.name(),
            field: field.to_string(),
            known: l.fields().iter().map(|d| d.name).collect(),
        })
    }

    /// Sets a field of the first layer named `layer`.
    ///
    /// ```
    /// use pktforge::prelude::*;
    /// let mut p = IP::new() / ICMP::new();
    /// p.set("IP", "ttl", 3u8).unwrap();
    /// p.set("ICMP", "type", "echo-reply").unwrap();
    /// assert_eq!(p.get("ICMP", "type").unwrap(), Value::Int(0));
    /// assert!(p.set("IP", "ttl", 300u16).is_err());
    /// ```
    pub fn set(&mut self, layer: &str, field: &str, v: impl Into<Value>) -> Result<(), FieldError> {
        let l = self
            .layers
            .iter_mut()
            .find(|l| l.name() == layer)
            .ok_or_else(|| FieldError::NoSuchLayer(layer.to_string()))?;
        l.set(field, v.into())
    }

    /// Builds the packet to bytes, computing every automatic field left unset.
    pub fn build(&self) -> Result<Vec<u8>, BuildError> {
        let mut out = Vec::with_capacity(128);
        self.build_into(&mut out)?;
        Ok(out)
    }

    /// Builds the packet into `out` (cleared first), reusing its allocation.
    pub fn build_into(&self, out: &mut Vec<u8>) -> Result<(), BuildError> {
        out.clear();
        let n = self.layers.len();
        let mut offsets: [usize; 16] = [0; 16];
        let mut heap_offsets = Vec::new();
        let offs: &mut [usize] = if n < offsets.len() {
            &mut offsets[..=n]
        } else {
            heap_offsets.resize(n + 1, 0);
            &mut heap_offsets
        };
        for (idx, l) in self.layers.iter().enumerate() {
            let p = l.proto();
            if let Some(e) = p.deferred() {
                return Err(BuildError::Field {
                    layer: p.name(),
                    error: e.clone(),
                });
            }
            if let Some(o) = offs.get_mut(idx) {
                *o = out.len();
            }
            if l.kind() != LayerKind::Padding {
                p.build(
                    &BuildCx {
                        layers: &self.layers,
                        idx,
                    },
                    out,
                )?;
            }
        }
        let end = out.len();
        if let Some(o) = offs.get_mut(n) {
            *o = end;
        }
        for idx in (0..n).rev() {
            let (Some(&start), Some(&next)) = (offs.get(idx), offs.get(idx + 1)) else {
                continue;
            };
            let Some(l) = self.layers.get(idx) else {
                continue;
            };
            if l.kind() == LayerKind::Padding {
                continue;
            }
            let (lower, buf) = out.split_at_mut(start.min(end));
            let buf = match buf.get_mut(..end - start.min(end)) {
                Some(b) => b,
                None => continue,
            };
            l.proto().post_build(
                &PostCx {
                    layers: &self.layers,
                    idx,
                    offsets: offs,
                    hdr_len: next.saturating_sub(start),
                },
                lower,
                buf,
            );
        }
        for l in &self.layers {
            if let Layer::Padding(p) = l {
                out.extend_from_slice(&p.load);
            }
        }
        Ok(())
    }

    /// Dissects `data` starting at the link layer `link`, keeping whatever decodes: a layer
    /// that fails becomes `Raw` and [`Packet::error`] says why. Never panics.
    ///
    /// ```
    /// use pktforge::prelude::*;
    /// let bytes = hex::decode("4500001c0001000040017cde7f0000017f0000010800f7ff00000000").unwrap();
    /// let p = Packet::parse(LinkType::Ipv4, &bytes);
    /// assert_eq!(p.layer::<ICMP>().unwrap().type_, 8);
    /// assert!(p.error().is_none());
    /// // A truncated copy keeps the IP layer and says what is missing.
    /// let t = Packet::parse(LinkType::Ipv4, &bytes[..24]);
    /// assert!(t.is_truncated());
    /// ```
    pub fn parse(link: LinkType, data: &[u8]) -> Packet {
        Packet::parse_frame(link, data, data.len())
    }

    /// Dissects `data`, the captured bytes of a packet that was `orig_len` bytes on the wire
    /// (a capture record's original length), with the fast path's rules
    /// ([`dissect_frame`](crate::dissect::dissect_frame)): when fewer bytes were captured, a
    /// header or length field that reaches past them but not past `orig_len` is a cut, not
    /// an error. Every layer whose bytes are there is decoded; a TCP header cut inside its
    /// options keeps the options there; TCP, UDP, ICMP and ICMPv6 headers and the IP
    /// header quoted in an ICMP error, cut inside their fixed fields, keep the fields that
    /// are there ([`Packet::partial_index`], [`Packet::field_captured`]); a DNS message
    /// keeps its header and complete records. [`Packet::cut`] says where the bytes end;
    /// [`Packet::error`] keeps lengths wrong in the packet as it was sent.
    ///
    /// ```
    /// use pktforge::prelude::*;
    /// let b = (IP::new().src("192.0.2.1").dst("192.0.2.2")
    ///     / UDP::new().sport(4000).dport(9)
    ///     / Raw::from_bytes(&[7u8; 100]))
    ///     .build()
    ///     .unwrap();
    /// let p = Packet::parse_frame(LinkType::Ipv4, &b[..40], b.len());
    /// assert!(p.error().is_none());
    /// assert_eq!(p.cut().unwrap().layer(), "UDP");
    /// assert_eq!(p.layer::<UDP>().unwrap().len, Some(108));
    /// // The same bytes as a whole packet: UDP's length is wrong.
    /// assert!(Packet::parse(LinkType::Ipv4, &b[..40]).is_truncated());
    /// ```
    pub fn parse_frame(link: LinkType, data: &[u8], orig_len: usize) -> Packet {
        let mut layers: Vec<Layer> = Vec::with_capacity(6);
        let mut error: Option<ParseError> = None;
        let mut cut: Option<ParseError> = None;
        let mut partial: Option<(usize, usize)> = None;
        let snapped = orig_len > data.len();
        let mut pads: Vec<(usize, usize)> = Vec::new();
        let mut off = 0usize;
        let mut end = data.len();
        let mut kind = link.first_kind(data);
        let mut in_fragment = false;
        // The innermost layer the snap length cut replaces the outer ones; nothing is cut
        // once the packet is malformed.
        let mark_cut = |cut: &mut Option<ParseError>, error: &Option<ParseError>, e| {
            if error.is_none() {
                *cut = Some(e);
            }
        };
        loop {
            let chunk = data.get(off..end).unwrap_or(&[]);
            if layers.len() >= MAX_LAYERS {
                if !chunk.is_empty() {
                    layers.push(Layer::Raw(layers::Raw::from_bytes(chunk)));
                }
                break;
            }
            // Bytes past a length field or past the wire length are not cut by the snap length.
            let at_cut = snapped && end == data.len();
            let cut_within = |needed: usize| at_cut && off.saturating_add(needed) <= orig_len;
            let cx = DissectCx { below: &layers };
            let res = if at_cut {
                layers::dissect_cut(kind, chunk, &cx)
            } else {
                layers::dissect(kind, chunk, &cx)
            };
            let mut whole = true;
            let (layer, hlen) = match res {
                Ok((l, h)) => {
                    if h > chunk.len() {
                        let e = ParseError::Truncated {
                            layer: l.kind().header_name(),
                            offset: off,
                            needed: h,
                            actual: chunk.len(),
                        };
                        mark_cut(&mut cut, &error, e);
                        whole = false;
                        if is_partial(&l, chunk.len()) {
                            partial = Some((layers.len(), chunk.len()));
                        }
                    }
                    (l, h.min(chunk.len()))
                }
                Err(e) => {
                    let e = e.shifted(off);
                    match e {
                        ParseError::Truncated { needed, .. } if cut_within(needed) => {
                            mark_cut(&mut cut, &error, e);
                        }
                        _ => {
                            if error.is_none() {
                                error = Some(e);
                            }
                        }
                    }
                    if !chunk.is_empty() {
                        layers.push(Layer::Raw(layers::Raw::from_bytes(chunk)));
                    }
                    break;
                }
            };
            let avail = chunk.len().saturating_sub(hlen);
            // A header cut short has no payload: its length fields are not read.
            if let Some(plen) = layer.proto().payload_len(hlen).filter(|_| whole) {
                if plen > avail {
                    let needed = hlen.saturating_add(plen);
                    let short = ParseError::Truncated {
                        layer: layer.name(),
                        offset: off,
                        needed,
                        actual: chunk.len(),
                    };
                    // ICMP errors quote a datagram cut short on purpose: its length
                    // fields promise more than is there, and that is not an error.
                    // So does a fragment: the transport length covers the whole datagram.
                    let quoted = bind::base_kind(layer.kind()) != layer.kind();
                    if cut_within(needed) {
                        mark_cut(&mut cut, &error, short);
                    } else if error.is_none() && !quoted && !in_fragment {
                        error = Some(short);
                    }
                } else if plen < avail {
                    pads.push((off + hlen + plen, end));
                    end = off + hlen + plen;
                }
            }
            let payload = data.get(off + hlen..end).unwrap_or(&[]);
            let next = if payload.is_empty() {
                // A link-layer header that announces a protocol with no bytes after it:
                // the frame was cut there.
                if error.is_none()
                    && cut.is_none()
                    && matches!(
                        layer.kind(),
                        LayerKind::Ether
                            | LayerKind::Dot1Q
                            | LayerKind::Dot1AD
                            | LayerKind::CookedLinux
                            | LayerKind::CookedLinuxV2
                            | LayerKind::Loopback
                            | LayerKind::LoopbackOpenBSD
                    )
                {
                    if let Some(k) = bind::next_for_dissect(&layer) {
                        if let Err(e) = layers::dissect(k, &[], &DissectCx { below: &layers }) {
                            let e = e.shifted(off + hlen);
                            if at_cut && off + hlen < orig_len {
                                cut = Some(e);
                            } else {
                                error = Some(e);
                            }
                        }
                    }
                }
                None
            } else {
                layer
                    .proto()
                    .next_layer(&DissectCx { below: &layers }, payload)
                    .or_else(|| bind::next_for_dissect(&layer))
                    .or(Some(LayerKind::Raw))
            };
            let is_leaf = matches!(layer.kind(), LayerKind::Raw | LayerKind::Padding);
            in_fragment |= match &layer {
                Layer::IP(ip) => ip.flags & 1 != 0 || ip.frag != 0,
                Layer::IPv6ExtHdrFragment(f) => f.m != 0 || f.offset != 0,
                _ => false,
            };
            layers.push(layer);
            off += hlen;
            match next {
                Some(k) if !is_leaf && (hlen > 0 || k != kind) => kind = k,
                Some(_) if !is_leaf => {
                    // A zero-length layer that would repeat forever: keep the rest raw.
                    if let Some(rest) = data.get(off..end).filter(|r| !r.is_empty()) {
                        layers.push(Layer::Raw(layers::Raw::from_bytes(rest)));
                    }
                    break;
                }
                _ => break,
            }
        }
        for (s, e) in pads.into_iter().rev() {
            if let Some(p) = data.get(s..e).filter(|p| !p.is_empty()) {
                layers.push(Layer::Padding(layers::Padding::from_bytes(p)));
            }
        }
        Packet {
            layers,
            error,
            cut,
            snapped,
            partial,
        }
    }

    /// Like [`Packet::parse`], but any error is returned instead of kept.
    pub fn parse_strict(link: LinkType, data: &[u8]) -> Result<Packet, ParseError> {
        let p = Packet::parse(link, data);
        match p.error {
            Some(e) => Err(e),
            None => Ok(p),
        }
    }

    /// The link type this packet starts with (Ethernet for `Ether`, raw IP otherwise).
    pub fn link_type(&self) -> LinkType {
        match self.layers.first().map(Layer::kind) {
            Some(LayerKind::Ether) => LinkType::Ether,
            Some(LayerKind::IP) => LinkType::Ipv4,
            Some(LayerKind::IPv6) => LinkType::Ipv6,
            Some(LayerKind::CookedLinux) => LinkType::Sll,
            Some(LayerKind::CookedLinuxV2) => LinkType::Sll2,
            Some(LayerKind::Loopback) => LinkType::Null,
            Some(LayerKind::LoopbackOpenBSD) => LinkType::Loop,
            Some(k) => LinkType::Layer(k),
            None => LinkType::Ether,
        }
    }

    /// Builds, then dissects the bytes again: every automatic field gets its computed
    /// value (scapy's `Packet(bytes(p))`).
    pub fn rebuilt(&self) -> Result<Packet, BuildError> {
        let bytes = self.build()?;
        Ok(Packet::parse(self.link_type(), &bytes))
    }

    /// scapy's `summary()`: one line, the innermost layer with a summary speaks, outer
    /// layers give their name.
    pub fn summary(&self) -> String {
        let mut found = false;
        let mut parts: Vec<String> = Vec::with_capacity(self.layers.len());
        for idx in (0..self.layers.len()).rev() {
            let Some(l) = self.layers.get(idx) else {
                continue;
            };
            let mut s = String::new();
            if !found {
                if let Some(m) = l.proto().summary(self, idx) {
                    if !m.is_empty() {
                        s = m;
                        found = true;
                    }
                }
            }
            if s.is_empty() {
                s = l.name().to_string();
            }
            parts.push(s);
        }
        parts.reverse();
        parts.join(" / ")
    }

    /// scapy's `show2()`: the layer tree with every computed value (the packet is built and
    /// dissected again first; a packet that does not build is shown as it is).
    pub fn show(&self) -> String {
        let p = self.rebuilt().unwrap_or_else(|_| self.clone());
        let mut s = String::new();
        p.show_into(&mut s, "");
        if let Some(e) = &p.error {
            let _ = writeln!(s, "[malformed: {e}]");
        }
        s
    }

    /// The layer tree of the packet as it is, automatic fields shown as `None` (scapy's `show()`).
    pub fn show_raw(&self) -> String {
        let mut s = String::new();
        self.show_into(&mut s, "");
        s
    }

    fn show_into(&self, s: &mut String, label: &str) {
        for (i, l) in self.layers.iter().enumerate() {
            let p = l.proto();
            let lvl = "   ".repeat(i);
            let _ = writeln!(s, "{label}###[ {} ]###", long_name(l));
            for d in p.fields() {
                if !p.field_present(d.name) || !self.field_captured(i, d.name) {
                    continue;
                }
                let v = p.get(d.name).unwrap_or(Value::None);
                match &v {
                    Value::List(items)
                        if d.kind == FieldKind::PacketList
                            || (!items.is_empty()
                                && items.iter().all(|x| matches!(x, Value::Packet(_)))) =>
                    {
                        let _ = writeln!(s, "{label}{lvl}  \\{:<10}\\", d.name);
                        for it in items {
                            match it {
                                Value::Packet(pk) => pk.show_into(s, &format!("{label}{lvl}   |")),
                                other => {
                                    let _ = writeln!(s, "{label}{lvl}   |  {other}");
                                }
                            }
                        }
                    }
                    Value::Packet(pk) => {
                        let _ = writeln!(s, "{label}{lvl}  \\{:<10}\\", d.name);
                        pk.show_into(s, &format!("{label}{lvl}   |"));
                    }
                    _ => {
                        let shown = p
                            .display_field(d.name, &v)
                            .unwrap_or_else(|| display_value(&v, d));
                        let _ = writeln!(s, "{label}{lvl}  {:<10}= {shown}", d.name);
                    }
                }
            }
        }
    }

    /// Hex dump like scapy's `hexdump()`: offset, 16 bytes in hex, ASCII.
    pub fn hexdump(&self) -> Result<String, BuildError> {
        Ok(hexdump(&self.build()?))
    }

    /// A scapy-style expression that rebuilds this packet (scapy's `command()`): every
    /// field that differs from its default is written out, as scapy writes it (integers in
    /// decimal, flags as integers, addresses and names quoted, bytes as `b'...'`, options as
    /// tuples, nested records as constructors). [`crate::dsl::parse`] reads it back to a
    /// packet that builds to the same bytes.
    ///
    /// ```
    /// use pktforge::prelude::*;
    /// let p = IP::new().dst("192.0.2.1").flags("DF") / TCP::new().dport(80);
    /// assert_eq!(p.command(), "IP(flags=2, dst='192.0.2.1')/TCP(dport=80)");
    /// ```
    pub fn command(&self) -> String {
        let mut parts = Vec::with_capacity(self.layers.len());
        for l in &self.layers {
            let p = l.proto();
            let dflt = l.kind().new_layer();
            let mut args = Vec::new();
            for d in p.fields() {
                let v = p.get(d.name).unwrap_or(Value::None);
                if dflt.get(d.name).as_ref() != Some(&v) {
                    args.push(format!("{}={}", d.name, command_value(&v)));
                }
            }
            parts.push(format!("{}({})", l.name(), args.join(", ")));
        }
        parts.join("/")
    }
}

fn long_name(l: &Layer) -> &'static str {
    match l.kind() {
        LayerKind::IPerror => "IP in ICMP",
        LayerKind::IPerror6 => "IPv6 in ICMPv6",
        LayerKind::TCPerror => "TCP in ICMP",
        LayerKind::UDPerror => "UDP in ICMP",
        LayerKind::ICMPerror => "ICMP in ICMP",
        _ => l.proto().long_name(),
    }
}

/// Renders a value the way scapy's `show()` does for its field.
pub fn display_value(v: &Value, d: &crate::value::FieldDesc) -> String {
    match v {
        Value::Int(n) => d.display_int(*n),
        Value::Str(s) => s.clone(),
        Value::List(items) => {
            let inner: Vec<String> = items
                .iter()
                .map(|x| match x {
                    Value::Str(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect();
            format!("[{}]", inner.join(", "))
        }
        other => other.to_string(),
    }
}

fn command_value(v: &Value) -> String {
    match v {
        Value::Int(n) => n.to_string(),
        Value::Str(s) => py_str_repr(s),
        Value::Bytes(b) => crate::value::bytes_repr(b),
        Value::Ipv4(a) => format!("'{a}'"),
        Value::Ipv6(a) => format!("'{a}'"),
        Value::Mac(a) => format!("'{a}'"),
        Value::None => "None".to_string(),
        Value::Packet(p) => p.command(),
        Value::List(items) => {
            let inner: Vec<String> = items.iter().map(command_value).collect();
            format!("[{}]", inner.join(", "))
        }
        Value::Tuple(items) => {
            let inner: Vec<String> = items.iter().map(command_value).collect();
            if inner.len() == 1 {
                format!("({},)", inner.join(", "))
            } else {
                format!("({})", inner.join(", "))
            }
        }
    }
}

/// Python's `repr()` of a text string: single quotes unless the text has some and no
/// double quotes, non-printable characters escaped.
fn py_str_repr(s: &str) -> String {
    let q = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut o = String::with_capacity(s.len() + 2);
    o.push(q);
    for c in s.chars() {
        match c {
            '\\' => o.push_str("\\\\"),
            '\n' => o.push_str("\\n"),
            '\r' => o.push_str("\\r"),
            '\t' => o.push_str("\\t"),
            c if c == q => {
                o.push('\\');
                o.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                let _ = write!(o, "\\x{:02x}", c as u32);
            }
            c => o.push(c),
        }
    }
    o.push(q);
    o
}

/// Hex dump of bytes: `0000  45 00 ...  E...` (scapy's `hexdump()` layout).
pub fn hexdump(b: &[u8]) -> String {
    let mut s = String::with_capacity(b.len() * 4 + 16);
    for (i, chunk) in b.chunks(16).enumerate() {
        let _ = write!(s, "{:04x}  ", i * 16);
        for j in 0..16 {
            match chunk.get(j) {
                Some(c) => {
                    let _ = write!(s, "{c:02X} ");
                }
                None => s.push_str("   "),
            }
        }
        s.push(' ');
        for &c in chunk {
            s.push(if (0x20..0x7f).contains(&c) {
                c as char
            } else {
                '.'
            });
        }
        s.push('\n');
    }
    s
}

impl From<Layer> for Packet {
    fn from(l: Layer) -> Packet {
        Packet::from_layers(vec![l])
    }
}

impl From<&str> for Packet {
    fn from(s: &str) -> Packet {
        Packet::from(layers::Raw::from_bytes(s.as_bytes()))
    }
}

impl From<String> for Packet {
    fn from(s: String) -> Packet {
        Packet::from(layers::Raw::from_bytes(s.as_bytes()))
    }
}

impl From<&[u8]> for Packet {
    fn from(b: &[u8]) -> Packet {
        Packet::from(layers::Raw::from_bytes(b))
    }
}

impl<const N: usize> From<&[u8; N]> for Packet {
    fn from(b: &[u8; N]) -> Packet {
        Packet::from(layers::Raw::from_bytes(b))
    }
}

impl From<Vec<u8>> for Packet {
    fn from(b: Vec<u8>) -> Packet {
        Packet::from(layers::Raw::from_bytes(&b))
    }
}

impl<R: Into<Packet>> Div<R> for Packet {
    type Output = Packet;
    /// Stacks `rhs` on top of this packet (scapy's `/`).
    fn div(mut self, rhs: R) -> Packet {
        let rhs = rhs.into();
        self.layers.extend(rhs.layers);
        self
    }
}

impl std::fmt::Display for Packet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.summary())
    }
}

/// The IPv4 address in `b` at `off`, if the bytes are there.
pub fn ipv4_at(b: &[u8], off: usize) -> Option<Ipv4Addr> {
    let a: [u8; 4] = b.get(off..off + 4)?.try_into().ok()?;
    Some(Ipv4Addr::from(a))
}

/// The IPv6 address in `b` at `off`, if the bytes are there.
pub fn ipv6_at(b: &[u8], off: usize) -> Option<Ipv6Addr> {
    let a: [u8; 16] = b.get(off..off + 16)?.try_into().ok()?;
    Some(Ipv6Addr::from(a))
}
