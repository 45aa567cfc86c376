//! The fast dissector: zero-copy, allocation-free per packet.
//!
//! [`dissect`] decodes a packet into a caller-owned [`Dissection`]: a fixed array of layer
//! records, each a [`LayerKind`] (the owned model's kinds, so names match), the layer's
//! byte offset, and a borrowed [`View`] whose accessors read fields from the packet bytes
//! on demand. The `Dissection` is reused from packet to packet; nothing is allocated once
//! it exists (gopacket's `DecodingLayerParser` with smoltcp-style views). Each view lives
//! beside its protocol under [`crate::layers`] and is re-exported here ([`views`]); this
//! module is the driver that walks the binding table.
//!
//! It makes the same decisions as [`Packet::parse`](crate::Packet::parse): which layer
//! follows comes from the [binding table](crate::bind) (read once into a per-kind index),
//! lengths split payload from padding, a layer that fails to decode becomes `Raw` and the
//! [`Malformed`] mark says which layer, where and why, with every layer below kept. IPv4
//! fragments other than the first are not decoded above IP ([`Ipv4View::is_fragment`]
//! flags every fragment); ICMP and ICMPv6 errors decode the quoted datagram as
//! `IPerror`/`IPerror6`, `TCPerror`/`UDPerror`/`ICMPerror`. DNS decodes its header and
//! first question; answers are read on demand ([`DnsView::answers`]).
//!
//! [`dissect_frame`] also takes the packet's length on the wire: a packet captured shorter
//! (a snap length) is decoded as far as its bytes go, and [`Dissection::cut`] says where it
//! was cut, which is not an error.
//!
//! ```
//! use pktforge::dissect::{Dissection, View, dissect};
//! use pktforge::prelude::*;
//!
//! let bytes = (Ether::new().src("02:00:00:00:00:01").dst("02:00:00:00:00:02")
//!     / IP::new().src("192.0.2.1").dst("192.0.2.2").ttl(7)
//!     / UDP::new().sport(5000).dport(53)
//!     / DNS::new().qd(DNSQR::new().qname("example.com")))
//!     .build()
//!     .unwrap();
//! let mut d = Dissection::new();
//! dissect(LinkType::Ether, &bytes, &mut d);
//! let kinds: Vec<_> = d.layers().iter().map(|l| l.kind.name()).collect();
//! assert_eq!(kinds, ["Ether", "IP", "UDP", "DNS"]);
//! let View::Ipv4(ip) = d.layers()[1].view else { panic!() };
//! assert_eq!(ip.ttl(), 7);
//! let dns = d.dns().unwrap();
//! let mut name = [0u8; 256];
//! let n = dns.question().unwrap().name.write_to(&mut name).unwrap();
//! assert_eq!(&name[..n], b"example.com.");
//! assert!(d.error().is_none());
//! ```
//!
//! Same no-panic contract as [`crate::layers`]: only `get()`, checked readers and bounded
//! loops on untrusted bytes.

pub mod views;

/// The DNS view, beside its protocol in [`crate::layers::dns::view`].
pub use crate::layers::dns::view as dns;

use std::fmt;
use std::sync::OnceLock;

pub use dns::{DnsName, DnsQuestion, DnsRecord, DnsRecords, DnsView, RData};
pub use views::*;

use crate::bind::{self, BINDINGS};
use crate::error::ParseError;
use crate::layers::LayerKind;
use crate::layers::loopback::null_family;
use crate::layers::{icmp, icmpv6};
use crate::packet::LinkType;
use crate::wire::{array_at, u8_at};

/// Most layers decoded from one packet (the owned model's limit too).
pub const MAX_LAYERS: usize = 64;

/// Room for the layers, the `Raw` rest and one `Padding` per length-framed layer.
const CAPACITY: usize = 2 * MAX_LAYERS + 1;

/// What was wrong with a layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MalformedReason {
    /// The layer needs more bytes than there are.
    Truncated {
        /// Bytes the layer needs (from its start).
        needed: usize,
        /// Bytes there were.
        actual: usize,
    },
    /// A field holds a value that makes the layer impossible to decode.
    BadValue {
        /// The field.
        field: &'static str,
        /// Its value.
        value: u64,
        /// Why it is wrong.
        reason: &'static str,
    },
    /// A structural problem (DNS pointer loop, over-long name...).
    Structure(&'static str),
}

/// The mark of a malformed or truncated layer: the first problem found in the packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Malformed {
    /// The layer's name (the owned model's).
    pub layer: &'static str,
    /// Offset of the layer in the packet.
    pub offset: usize,
    /// What was wrong.
    pub reason: MalformedReason,
}

impl Malformed {
    fn new_truncated(layer: &'static str, needed: usize, actual: usize) -> Malformed {
        Malformed {
            layer,
            offset: 0,
            reason: MalformedReason::Truncated { needed, actual },
        }
    }

    fn shifted(mut self, by: usize) -> Malformed {
        self.offset += by;
        self
    }

    /// True for a lack of bytes.
    pub fn is_truncated(&self) -> bool {
        matches!(self.reason, MalformedReason::Truncated { .. })
    }

    /// True when the owned model's error says the same thing: same kind, layer and offset,
    /// same lengths or field and value (structural messages are not compared word for word).
    pub fn same_as(&self, e: &ParseError) -> bool {
        if self.layer != e.layer() || self.offset != e.offset() {
            return false;
        }
        match (self.reason, e) {
            (
                MalformedReason::Truncated { needed, actual },
                ParseError::Truncated {
                    needed: n,
                    actual: a,
                    ..
                },
            ) => needed == *n && actual == *a,
            (
                MalformedReason::BadValue { field, value, .. },
                ParseError::BadValue {
                    field: f, value: v, ..
                },
            ) => field == *f && value == *v,
            (MalformedReason::Structure(_), ParseError::Malformed { .. }) => true,
            _ => false,
        }
    }
}

impl fmt::Display for Malformed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (l, o) = (self.layer, self.offset);
        match self.reason {
            MalformedReason::Truncated { needed, actual } => write!(
                f,
                "{l} at offset {o} truncated: needs {needed} bytes, has {actual}"
            ),
            MalformedReason::BadValue {
                field,
                value,
                reason,
            } => write!(f, "{l} at offset {o}: bad {field} {value}: {reason}"),
            MalformedReason::Structure(r) => write!(f, "{l} at offset {o} malformed: {r}"),
        }
    }
}

impl std::error::Error for Malformed {}

/// One decoded layer.
#[derive(Debug, Clone, Copy)]
pub struct LayerRec<'a> {
    /// Its kind, as in the owned model (`IPerror` for a quoted IP header...).
    pub kind: LayerKind,
    /// Offset of the layer in the packet.
    pub offset: usize,
    /// The header, readable field by field.
    pub view: View<'a>,
}

/// The result of [`dissect`]: the layers, outermost first, then `Padding`, and the first
/// problem found. Reuse one across packets: with packets that live together (a batch in
/// memory) pass the same one to [`dissect`]; with a reader that reuses its buffer, hand it
/// from packet to packet with [`Dissection::recycle`]. Either way its storage is allocated
/// once.
#[derive(Debug, Clone)]
pub struct Dissection<'a> {
    layers: Vec<LayerRec<'a>>,
    error: Option<Malformed>,
    /// Where the capture's snap length cut the packet, if it did inside a layer.
    cut: Option<Malformed>,
    /// The packet was captured shorter than it was on the wire.
    snapped: bool,
    /// Bytes captured.
    captured: usize,
    /// Index of the layer cut before the end of its fixed header.
    partial: Option<usize>,
    /// Byte ranges past a length field, turned into `Padding` at the end.
    pads: [(usize, usize); MAX_LAYERS],
}

impl Default for Dissection<'_> {
    fn default() -> Self {
        Self::new()
    }
}

impl<'a> Dissection<'a> {
    /// An empty dissection.
    pub fn new() -> Self {
        Dissection {
            layers: Vec::with_capacity(CAPACITY),
            error: None,
            cut: None,
            snapped: false,
            captured: 0,
            partial: None,
            pads: [(0, 0); MAX_LAYERS],
        }
    }

    /// Empties the dissection and frees it from the bytes it borrowed, keeping its storage,
    /// so that it can take the next packet of a reader that reuses one buffer:
    ///
    /// ```
    /// use pktforge::dissect::{Dissection, dissect};
    /// use pktforge::LinkType;
    /// let mut keep: Dissection<'static> = Dissection::new();
    /// for frame in [vec![0x45u8; 20], vec![0x60u8; 40]] {
    ///     let mut d = keep.recycle();
    ///     dissect(LinkType::RawIp, &frame, &mut d);
    ///     assert!(!d.layers().is_empty());
    ///     keep = d.recycle();
    /// }
    /// ```
    pub fn recycle<'b>(mut self) -> Dissection<'b> {
        self.layers.clear();
        // Collecting an empty vector into one of the same layout reuses its allocation.
        let layers: Vec<LayerRec<'b>> = self
            .layers
            .into_iter()
            .map(|r| LayerRec {
                kind: r.kind,
                offset: r.offset,
                view: View::Raw(&[]),
            })
            .collect();
        Dissection {
            layers,
            error: None,
            cut: None,
            snapped: false,
            captured: 0,
            partial: None,
            pads: self.pads,
        }
    }

    /// The decoded layers, outermost first (`Padding` layers last, as in the owned model).
    pub fn layers(&self) -> &[LayerRec<'a>] {
        &self.layers
    }

    /// The first problem found, if any: the layer that failed became `Raw`, or a length
    /// field promised more bytes than there are.
    pub fn error(&self) -> Option<&Malformed> {
        self.error.as_ref()
    }

    /// True when a layer or a length needed more bytes than the packet has.
    pub fn is_truncated(&self) -> bool {
        self.error.is_some_and(|e| e.is_truncated())
    }

    /// Where the capture's snap length cut the packet: the innermost layer whose header or
    /// length field needs bytes past the captured ones (but within the packet's length on
    /// the wire); the layers around it were cut too. Everything captured before it is decoded; this is not an error
    /// (tcpdump's `[|proto]`, tshark's "Packet size limited during capture").
    pub fn cut(&self) -> Option<&Malformed> {
        self.cut.as_ref()
    }

    /// True when the packet was captured shorter than its length on the wire (given to
    /// [`dissect_frame`]), whether or not a layer was cut.
    pub fn is_snapped(&self) -> bool {
        self.snapped
    }

    /// How many bytes of the packet were captured (and dissected).
    pub fn captured_len(&self) -> usize {
        self.captured
    }

    /// The layer whose header the snap length cut before the end of its fixed fields (a
    /// TCP header under 20 bytes, UDP under 8, the IP header quoted in an ICMP error, ICMP
    /// or ICMPv6 under their header): its view [is partial](View::is_partial) and says
    /// which fields are there ([`View::has_field`]); [`Dissection::cut`] names it.
    ///
    /// ```
    /// use pktforge::dissect::{Dissection, View, dissect_frame};
    /// use pktforge::prelude::*;
    /// let b = (IP::new().src("192.0.2.1").dst("192.0.2.2") / TCP::new().sport(1234).seq(7))
    ///     .build()
    ///     .unwrap();
    /// let mut d = Dissection::new();
    /// dissect_frame(LinkType::Ipv4, &b[..30], b.len(), &mut d);
    /// let tcp = d.partial().unwrap();
    /// let View::Tcp(t) = tcp.view else { panic!() };
    /// assert_eq!((t.sport(), t.seq()), (1234, 7));
    /// assert!(tcp.view.has_field("seq") && !tcp.view.has_field("ack"));
    /// assert_eq!(d.cut().unwrap().to_string(), "TCP at offset 20 truncated: needs 20 bytes, has 10");
    /// assert!(d.error().is_none());
    /// ```
    pub fn partial(&self) -> Option<&LayerRec<'a>> {
        self.partial.and_then(|i| self.layers.get(i))
    }

    /// The index in [`Dissection::layers`] of the [partial](Dissection::partial) layer.
    pub fn partial_index(&self) -> Option<usize> {
        self.partial
    }

    /// Turns the [partial](Dissection::partial) layer, if any, into `Raw` bytes, as headers
    /// cut before their end were dissected before they were decoded field by field: for a
    /// writer that does not consult [`View::has_field`] yet (it would print zeros for the
    /// fields past the cut). The cut mark stays. Allocates nothing.
    pub fn raw_partial(&mut self) {
        if let Some(l) = self.partial.take().and_then(|i| self.layers.get_mut(i)) {
            let b = match l.view {
                View::Ipv4(v) => v.bytes(),
                View::Ipv6(v) => v.bytes(),
                View::Icmp(v) => v.bytes(),
                View::Icmpv6(v) => v.bytes(),
                View::Tcp(v) => v.bytes(),
                View::Udp(v) => v.bytes(),
                _ => return,
            };
            l.kind = LayerKind::Raw;
            l.view = View::Raw(b);
        }
    }

    /// The first layer of `kind`.
    pub fn find(&self, kind: LayerKind) -> Option<&LayerRec<'a>> {
        self.layers().iter().find(|l| l.kind == kind)
    }

    /// The first (outer) IPv4 header.
    pub fn ipv4(&self) -> Option<Ipv4View<'a>> {
        self.layers().iter().find_map(|l| match (l.kind, l.view) {
            (LayerKind::IP, View::Ipv4(v)) => Some(v),
            _ => None,
        })
    }

    /// The first (outer) IPv6 header.
    pub fn ipv6(&self) -> Option<Ipv6View<'a>> {
        self.layers().iter().find_map(|l| match (l.kind, l.view) {
            (LayerKind::IPv6, View::Ipv6(v)) => Some(v),
            _ => None,
        })
    }

    /// The first TCP header (not quoted).
    pub fn tcp(&self) -> Option<TcpView<'a>> {
        self.layers().iter().find_map(|l| match (l.kind, l.view) {
            (LayerKind::TCP, View::Tcp(v)) => Some(v),
            _ => None,
        })
    }

    /// The first UDP header (not quoted).
    pub fn udp(&self) -> Option<UdpView<'a>> {
        self.layers().iter().find_map(|l| match (l.kind, l.view) {
            (LayerKind::UDP, View::Udp(v)) => Some(v),
            _ => None,
        })
    }

    /// The DNS message.
    pub fn dns(&self) -> Option<DnsView<'a>> {
        self.layers().iter().find_map(|l| match l.view {
            View::Dns(v) => Some(v),
            _ => None,
        })
    }

    fn push(&mut self, kind: LayerKind, offset: usize, view: View<'a>) {
        if self.layers.len() < CAPACITY {
            self.layers.push(LayerRec { kind, offset, view });
        }
    }

    fn mark(&mut self, e: Malformed) {
        if self.error.is_none() {
            self.error = Some(e);
        }
    }

    /// Records the innermost layer the snap length cut (each layer inside replaces it).
    fn mark_cut(&mut self, e: Malformed) {
        if self.error.is_none() {
            self.cut = Some(e);
        }
    }
}

// ---------------------------------------------------------------------------------------
// The binding table, indexed once
// ---------------------------------------------------------------------------------------

/// A field the binding table reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BindField {
    Type,
    Proto,
    Nh,
    Sport,
    Dport,
}

/// The binding rows that apply to one lower kind, as direct lookups: for each of the (at
/// most two) fields the rows read, a table from the field's value to the first row with
/// that value. Each field is read once per layer and looked up in O(1). (Scanning the rows
/// and reading the field anew for each was a third of the dissector's time: `perf record`
/// over the workload.)
#[derive(Debug, Default)]
struct LowerRows {
    fields: [Option<BindField>; 2],
    /// `lookup[i][value]` = index in `uppers` of the first row reading `fields[i]` with
    /// that value, or `NO_ROW`. Values past the end have no row.
    lookup: [Vec<u8>; 2],
    /// The rows' upper kinds, in table order.
    uppers: Vec<LayerKind>,
}

const NO_ROW: u8 = u8::MAX;

impl LowerRows {
    /// The first row (in table order) that matches one of the field values.
    #[inline]
    fn find(&self, values: [Option<u64>; 2]) -> Option<LayerKind> {
        let row = |i: usize| -> u8 {
            let (Some(v), Some(t)) = (values.get(i).copied().flatten(), self.lookup.get(i)) else {
                return NO_ROW;
            };
            usize::try_from(v)
                .ok()
                .and_then(|v| t.get(v).copied())
                .unwrap_or(NO_ROW)
        };
        let first = row(0).min(row(1));
        self.uppers.get(usize::from(first)).copied()
    }
}

fn bind_field(name: &str) -> Option<BindField> {
    Some(match name {
        "type" => BindField::Type,
        "proto" => BindField::Proto,
        "nh" => BindField::Nh,
        "sport" => BindField::Sport,
        "dport" => BindField::Dport,
        _ => return None,
    })
}

/// The binding rows that apply to each lower kind (as `bind::next_for_dissect` matches
/// them), in table order.
fn bind_index() -> &'static [LowerRows] {
    static INDEX: OnceLock<Vec<LowerRows>> = OnceLock::new();
    INDEX.get_or_init(|| {
        LayerKind::ALL
            .iter()
            .map(|&lower| {
                let mut e = LowerRows::default();
                let rows = BINDINGS
                    .iter()
                    .filter(|r| bind::lower_matches(r.lower, lower));
                for r in rows {
                    let (Some(f), Ok(value)) = (bind_field(r.field), usize::try_from(r.value))
                    else {
                        continue;
                    };
                    let slot = match e.fields.iter().position(|x| *x == Some(f)) {
                        Some(i) => i,
                        None => match e.fields.iter().position(Option::is_none) {
                            Some(i) => i,
                            // A third field for one lower layer: the table has none.
                            None => continue,
                        },
                    };
                    let (Some(field), Some(table), Ok(idx)) = (
                        e.fields.get_mut(slot),
                        e.lookup.get_mut(slot),
                        u8::try_from(e.uppers.len()),
                    ) else {
                        continue;
                    };
                    if idx == NO_ROW {
                        continue;
                    }
                    *field = Some(f);
                    if table.len() <= value {
                        table.resize(value + 1, NO_ROW);
                    }
                    if let Some(t) = table.get_mut(value) {
                        if *t == NO_ROW {
                            *t = idx;
                        }
                    }
                    e.uppers.push(r.upper);
                }
                e
            })
            .collect()
    })
}

impl View<'_> {
    /// The value of a field the binding table reads.
    #[inline(always)]
    fn bind_value(&self, f: BindField) -> Option<u64> {
        use BindField as F;
        let v = match (self, f) {
            (View::Ether(v), F::Type) => v.ether_type().into(),
            (View::Vlan(v), F::Type) => v.ether_type().into(),
            (View::Sll(v), F::Proto) => v.proto().into(),
            (View::Sll2(v), F::Proto) => v.proto().into(),
            (View::Loopback(v), F::Type) => v.family().into(),
            (View::Ipv4(v), F::Proto) => v.proto().into(),
            (View::Ipv6(v), F::Nh) => v.nh().into(),
            (View::Ipv6Ext(v), F::Nh) => v.nh().into(),
            (View::Tcp(v), F::Sport) => v.sport().into(),
            (View::Tcp(v), F::Dport) => v.dport().into(),
            (View::Udp(v), F::Sport) => v.sport().into(),
            (View::Udp(v), F::Dport) => v.dport().into(),
            _ => return None,
        };
        Some(v)
    }
}

/// The layer the binding table puts after `kind` with these field values (quoted kinds
/// give quoted kinds), as `bind::next_for_dissect`.
fn bound_next(kind: LayerKind, view: &View<'_>) -> Option<LayerKind> {
    let base = bind::base_kind(kind);
    let e = bind_index().get(base as usize)?;
    let [f0, f1] = e.fields;
    let up = e.find([
        f0.and_then(|f| view.bind_value(f)),
        f1.and_then(|f| view.bind_value(f)),
    ])?;
    Some(if base != kind {
        bind::error_kind(up)
    } else {
        up
    })
}

// ---------------------------------------------------------------------------------------
// One layer
// ---------------------------------------------------------------------------------------

/// What a layer's decoder sees besides its bytes.
#[derive(Clone, Copy)]
struct Cx {
    /// The kind of the layer below.
    prev: Option<LayerKind>,
    /// Whether an `IPerror6` is below (extension headers then quote TCP/UDP).
    in_quoted6: bool,
    /// Below is an IPv4 or IPv6 fragment: upper length fields cover the whole datagram.
    in_fragment: bool,
    /// The layer's bytes end where the snap length cut the packet: TCP and DNS decode
    /// what is there and give the length they would need.
    at_cut: bool,
}

type One<'a> = Result<(LayerKind, View<'a>, usize), Malformed>;

fn head<'a>(data: &'a [u8], n: usize, layer: &'static str) -> Result<&'a [u8], Malformed> {
    data.get(..n)
        .ok_or_else(|| Malformed::new_truncated(layer, n, data.len()))
}

fn dissect_ipv4(data: &[u8]) -> Result<(&[u8], usize), Malformed> {
    let b0 = u8_at(data, 0).unwrap_or(0);
    if data.len() < 20 {
        return Err(Malformed::new_truncated("IP", 20, data.len()));
    }
    let ihl = b0 & 0x0f;
    if ihl < 5 {
        return Err(bad_ihl(ihl));
    }
    let hlen = usize::from(ihl) * 4;
    Ok((head(data, hlen, "IP")?, hlen))
}

fn bad_ihl(ihl: u8) -> Malformed {
    Malformed {
        layer: "IP",
        offset: 0,
        reason: MalformedReason::BadValue {
            field: "ihl",
            value: u64::from(ihl),
            reason: "header length under 5 words",
        },
    }
}

fn bad_dataofs(d: u8) -> Malformed {
    Malformed {
        layer: "TCP",
        offset: 0,
        reason: MalformedReason::BadValue {
            field: "dataofs",
            value: u64::from(d),
            reason: "data offset under 5 words",
        },
    }
}

fn dissect_icmpv6(data: &[u8], cx: Cx) -> One<'_> {
    use LayerKind as K;
    if cx.at_cut && (1..4).contains(&data.len()) {
        // Cut by the snap length inside type, code and checksum.
        let kind = K::ICMPv6Unknown;
        return Ok((kind, View::Icmpv6(Icmpv6View { kind, b: data }), 4));
    }
    if data.len() < 4 {
        return Err(Malformed::new_truncated("ICMPv6", 4, data.len()));
    }
    let t = u8_at(data, 0).unwrap_or(0);
    let Some(min) = icmpv6::min_len(t).filter(|&m| data.len() >= m) else {
        return Ok((
            K::ICMPv6Unknown,
            View::Icmpv6(Icmpv6View {
                kind: K::ICMPv6Unknown,
                b: data,
            }),
            data.len(),
        ));
    };
    let (kind, n) = match t {
        1 => (K::ICMPv6DestUnreach, 8),
        2 => (K::ICMPv6PacketTooBig, 8),
        3 => (K::ICMPv6TimeExceeded, 8),
        4 => (K::ICMPv6ParamProblem, 8),
        128 => (K::ICMPv6EchoRequest, data.len()),
        129 => (K::ICMPv6EchoReply, data.len()),
        133 => (K::ICMPv6ND_RS, 8),
        134 => (K::ICMPv6ND_RA, 16),
        135 => (K::ICMPv6ND_NS, 24),
        136 => (K::ICMPv6ND_NA, 24),
        _ => (K::ICMPv6ND_Redirect, min),
    };
    let b = data.get(..n).unwrap_or(data);
    Ok((kind, View::Icmpv6(Icmpv6View { kind, b }), n))
}

fn dissect_ndopt(data: &[u8]) -> One<'_> {
    use LayerKind as K;
    let kind = icmpv6::ndopt_kind(u8_at(data, 0).unwrap_or(0));
    let name = kind.name();
    let Some(len) = u8_at(data, 1) else {
        return Err(Malformed::new_truncated(name, 2, data.len()));
    };
    let need = match kind {
        K::ICMPv6NDOptSrcLLAddr | K::ICMPv6NDOptDstLLAddr | K::ICMPv6NDOptMTU => 8,
        K::ICMPv6NDOptPrefixInfo => 32,
        K::ICMPv6NDOptRedirectedHdr => {
            if len == 0 {
                return Err(Malformed {
                    layer: name,
                    offset: 0,
                    reason: MalformedReason::BadValue {
                        field: "len",
                        value: 0,
                        reason: "option length 0",
                    },
                });
            }
            8 * usize::from(len)
        }
        _ => 8 * usize::from(len.max(1)),
    };
    let b = head(data, need, name)?;
    Ok((kind, View::NdOpt(NdOptView { kind, b }), need))
}

fn dissect_ext(kind: LayerKind, data: &[u8]) -> One<'_> {
    use LayerKind as K;
    let name = kind.name();
    let ext = |b| View::Ipv6Ext(Ipv6ExtView { kind, b });
    match kind {
        K::IPv6ExtHdrHopByHop | K::IPv6ExtHdrDestOpt => {
            let Some(len) = u8_at(data, 1) else {
                return Err(Malformed::new_truncated(name, 2, data.len()));
            };
            let hlen = 8 * (usize::from(len) + 1);
            Ok((kind, ext(head(data, hlen, name)?), hlen))
        }
        K::IPv6ExtHdrRouting => {
            let h = head(data, 8, name)?;
            let len = u8_at(h, 1).unwrap_or(0);
            let declared = 8 + 8 * usize::from(len);
            if data.len() < declared {
                return Err(Malformed::new_truncated(name, declared, data.len()));
            }
            let hlen = 8 + 16 * (usize::from(len) / 2);
            Ok((kind, ext(head(data, hlen, name)?), hlen))
        }
        _ => Ok((kind, ext(head(data, 8, name)?), 8)),
    }
}

/// Whether a TCP header of `len` bytes is cut inside its fixed fields (a quoted header of
/// exactly 8 bytes is whole, as scapy's `TCPerror` takes it).
fn partial_tcp(kind: LayerKind, len: usize) -> bool {
    (1..20).contains(&len) && !(kind == LayerKind::TCPerror && len == 8)
}

/// Decodes one layer of `kind` at the start of `data`: its actual kind (ICMPv6 and ND
/// option classes are chosen from the type byte), its view and its header length.
#[inline(always)]
fn dissect_one<'a>(kind: LayerKind, data: &'a [u8], cx: Cx) -> One<'a> {
    use LayerKind as K;
    match kind {
        K::Ether => Ok((kind, View::Ether(EtherView(head(data, 14, "Ether")?)), 14)),
        K::Dot1Q | K::Dot1AD => Ok((kind, View::Vlan(VlanView(head(data, 4, kind.name())?)), 4)),
        K::CookedLinux => Ok((kind, View::Sll(SllView(head(data, 16, "CookedLinux")?)), 16)),
        K::CookedLinuxV2 => Ok((
            kind,
            View::Sll2(Sll2View(head(data, 20, "CookedLinuxV2")?)),
            20,
        )),
        K::Loopback | K::LoopbackOpenBSD => {
            let h = array_at::<4>(data, 0)
                .ok_or_else(|| Malformed::new_truncated(kind.name(), 4, data.len()))?;
            let family = if kind == K::Loopback {
                null_family(h)
            } else {
                u32::from_be_bytes(h)
            };
            Ok((kind, View::Loopback(LoopbackView { family }), 4))
        }
        K::ARP => {
            let (Some(hl), Some(pl)) = (u8_at(data, 4), u8_at(data, 5)) else {
                return Err(Malformed::new_truncated("ARP", 8, data.len()));
            };
            if data.len() < 8 {
                return Err(Malformed::new_truncated("ARP", 8, data.len()));
            }
            let total = 8 + 2 * usize::from(hl) + 2 * usize::from(pl);
            Ok((kind, View::Arp(ArpView(head(data, total, "ARP")?)), total))
        }
        K::IPerror if cx.at_cut && (1..20).contains(&data.len()) => {
            // A quoted header cut by the snap length: the fields that are there.
            let ihl = u8_at(data, 0).unwrap_or(0) & 0x0f;
            if ihl < 5 {
                return Err(bad_ihl(ihl));
            }
            Ok((kind, View::Ipv4(Ipv4View(data)), usize::from(ihl) * 4))
        }
        K::IP | K::IPerror => {
            let (b, n) = dissect_ipv4(data)?;
            Ok((kind, View::Ipv4(Ipv4View(b)), n))
        }
        K::IPerror6 if cx.at_cut && (1..40).contains(&data.len()) => {
            Ok((kind, View::Ipv6(Ipv6View(data)), 40))
        }
        K::IPv6 | K::IPerror6 => Ok((kind, View::Ipv6(Ipv6View(head(data, 40, "IPv6")?)), 40)),
        K::IPv6ExtHdrHopByHop
        | K::IPv6ExtHdrRouting
        | K::IPv6ExtHdrFragment
        | K::IPv6ExtHdrDestOpt => {
            if kind == K::IPv6ExtHdrFragment && cx.at_cut && (4..8).contains(&data.len()) {
                // Cut by the snap length after the offset and flags: those are there.
                let v = View::Ipv6Ext(Ipv6ExtView { kind, b: data });
                return Ok((kind, v, 8));
            }
            dissect_ext(kind, data)
        }
        K::ICMP | K::ICMPerror => {
            let Some(t) = u8_at(data, 0) else {
                return Err(Malformed::new_truncated("ICMP", 8, 0));
            };
            let n = icmp::header_len(t);
            if cx.at_cut && data.len() < n {
                // Cut by the snap length inside the header: the fields that are there.
                return Ok((kind, View::Icmp(IcmpView(data)), n));
            }
            Ok((kind, View::Icmp(IcmpView(head(data, n, "ICMP")?)), n))
        }
        K::ICMPv6Unknown
        | K::ICMPv6EchoRequest
        | K::ICMPv6EchoReply
        | K::ICMPv6DestUnreach
        | K::ICMPv6PacketTooBig
        | K::ICMPv6TimeExceeded
        | K::ICMPv6ParamProblem
        | K::ICMPv6ND_RS
        | K::ICMPv6ND_RA
        | K::ICMPv6ND_NS
        | K::ICMPv6ND_NA
        | K::ICMPv6ND_Redirect => dissect_icmpv6(data, cx),
        K::ICMPv6NDOptSrcLLAddr
        | K::ICMPv6NDOptDstLLAddr
        | K::ICMPv6NDOptPrefixInfo
        | K::ICMPv6NDOptMTU
        | K::ICMPv6NDOptRedirectedHdr
        | K::ICMPv6NDOptUnknown => dissect_ndopt(data),
        K::TCP | K::TCPerror if cx.at_cut && partial_tcp(kind, data.len()) => {
            // Cut by the snap length inside the fixed header: the fields that are there.
            let n = match u8_at(data, 12).map(|b| b >> 4) {
                Some(d) if d < 5 => return Err(bad_dataofs(d)),
                Some(d) => usize::from(d) * 4,
                None if kind == K::TCPerror && data.len() < 8 => 8,
                None => 20,
            };
            Ok((kind, View::Tcp(TcpView(data)), n))
        }
        K::TCP => {
            let h = head(data, 20, "TCP")?;
            let d = u8_at(h, 12).unwrap_or(0) >> 4;
            if d < 5 {
                return Err(bad_dataofs(d));
            }
            let n = usize::from(d) * 4;
            if cx.at_cut && n > data.len() {
                // Options cut by the snap length: the fixed header and what is there.
                return Ok((kind, View::Tcp(TcpView(data)), n));
            }
            Ok((kind, View::Tcp(TcpView(head(data, n, "TCP")?)), n))
        }
        K::TCPerror => {
            if data.len() == 8 {
                return Ok((kind, View::Tcp(TcpView(data)), 8));
            }
            let needed = if data.len() < 8 { 8 } else { 20 };
            let h = data
                .get(..20)
                .ok_or_else(|| Malformed::new_truncated("TCP", needed, data.len()))?;
            let d = u8_at(h, 12).unwrap_or(0) >> 4;
            if d < 5 {
                return Err(bad_dataofs(d));
            }
            let n = (usize::from(d) * 4).min(data.len());
            Ok((kind, View::Tcp(TcpView(data.get(..n).unwrap_or(h))), n))
        }
        K::UDP | K::UDPerror if cx.at_cut && (1..8).contains(&data.len()) => {
            Ok((kind, View::Udp(UdpView(data)), 8))
        }
        K::UDP | K::UDPerror => Ok((kind, View::Udp(UdpView(head(data, 8, "UDP")?)), 8)),
        K::DNS => {
            let tcp = matches!(cx.prev, Some(K::TCP | K::TCPerror));
            let (v, n) = dns::dissect(data, tcp, cx.at_cut)?;
            Ok((kind, View::Dns(v), n))
        }
        K::DNSQR | K::DNSRR => Err(Malformed {
            layer: kind.name(),
            offset: 0,
            reason: MalformedReason::Structure("DNS records are dissected inside a DNS message"),
        }),
        K::Raw => Ok((kind, View::Raw(data), data.len())),
        K::Padding => Ok((kind, View::Padding(data), data.len())),
    }
}

/// How many bytes after the header belong to the layer's payload, from its length field
/// (the rest is padding); `None` means all of them.
fn payload_len(view: &View<'_>, hlen: usize) -> Option<usize> {
    match view {
        View::Vlan(v) if v.ether_type() <= 1500 => Some(usize::from(v.ether_type())),
        View::Arp(_) => Some(0),
        View::Ipv4(v) => match v.total_len() {
            0 => None,
            l => Some(usize::from(l).saturating_sub(hlen)),
        },
        View::Ipv6(v) => match (v.plen(), v.nh()) {
            (0, 0) => None,
            (l, _) => Some(usize::from(l)),
        },
        View::Udp(v) => Some(usize::from(v.len()).saturating_sub(8)),
        _ => None,
    }
}

/// scapy's `_ICMPv6NDGuessPayload`: an ND option follows when two bytes remain.
fn nd_next(payload: &[u8]) -> Option<LayerKind> {
    if payload.len() > 1 {
        payload.first().map(|&t| icmpv6::ndopt_kind(t))
    } else {
        None
    }
}

/// The kinds whose decoder may itself choose the layer after them ([`own_next`]): IPv4
/// fragments, ICMP and ICMPv6 errors, ND messages and options, IPv6 extension headers. For
/// every other kind the binding table alone says what follows, which [`may_lead_to`]
/// relies on; [`own_next`] looks at no other kind.
fn decides_next(kind: LayerKind) -> bool {
    use LayerKind as K;
    // Every ICMPv6 message and ND option class, by scapy's name: a table made once.
    static ICMPV6: OnceLock<Vec<bool>> = OnceLock::new();
    let icmpv6 = ICMPV6.get_or_init(|| {
        let mut t = vec![false; LayerKind::ALL.len()];
        for &k in LayerKind::ALL {
            if let Some(x) = t.get_mut(k as usize) {
                *x = k.name().starts_with("ICMPv6");
            }
        }
        t
    });
    matches!(
        kind,
        K::IP
            | K::IPerror
            | K::ICMP
            | K::ICMPerror
            | K::IPv6ExtHdrHopByHop
            | K::IPv6ExtHdrRouting
            | K::IPv6ExtHdrFragment
            | K::IPv6ExtHdrDestOpt
    ) || icmpv6.get(kind as usize).copied().unwrap_or(true)
}

/// Whether a layer of kind `target` can come anywhere after a layer of kind `from` in a
/// dissection: `target` is reached from `from` through the binding table's rows (as
/// [`bound_next`] follows them, quoted kinds giving quoted kinds), or a kind on the way
/// decides its own next layer ([`decides_next`]; then anything may follow). Raw bytes and
/// padding may follow anything and are not asked about.
fn may_lead_to(from: LayerKind, target: LayerKind) -> bool {
    static REACH: OnceLock<Vec<bool>> = OnceLock::new();
    let n = LayerKind::ALL.len();
    let reach = REACH.get_or_init(|| {
        let next_of = |l: LayerKind| -> Vec<LayerKind> {
            let base = bind::base_kind(l);
            BINDINGS
                .iter()
                .filter(|r| bind::lower_matches(r.lower, base))
                .map(|r| {
                    if base != l {
                        bind::error_kind(r.upper)
                    } else {
                        r.upper
                    }
                })
                .collect()
        };
        let mut reach = vec![false; n * n];
        for &f in LayerKind::ALL {
            let row = f as usize * n;
            let mut seen = vec![false; n];
            let mut todo = next_of(f);
            while let Some(k) = todo.pop() {
                match seen.get_mut(k as usize) {
                    Some(x) if !*x => *x = true,
                    _ => continue,
                }
                if decides_next(k) {
                    seen.iter_mut().for_each(|x| *x = true);
                    break;
                }
                todo.extend(next_of(k));
            }
            if decides_next(f) {
                seen.iter_mut().for_each(|x| *x = true);
            }
            if let Some(r) = reach.get_mut(row..row + n) {
                r.copy_from_slice(&seen);
            }
        }
        reach
    });
    reach
        .get(from as usize * n + target as usize)
        .copied()
        .unwrap_or(true)
}

/// The next layer when the layer itself decides (the owned `Proto::next_layer`).
fn own_next(kind: LayerKind, view: &View<'_>, cx: Cx, payload: &[u8]) -> Option<LayerKind> {
    use LayerKind as K;
    if !decides_next(kind) {
        return None;
    }
    let ext_next = |nh: u8| match nh {
        6 if cx.in_quoted6 => Some(K::TCPerror),
        17 if cx.in_quoted6 => Some(K::UDPerror),
        _ => None,
    };
    match view {
        View::Ipv4(v) if v.frag() != 0 => Some(K::Raw),
        View::Icmp(v) if v.is_error() => Some(K::IPerror),
        View::Icmpv6(_) => match kind {
            K::ICMPv6DestUnreach
            | K::ICMPv6PacketTooBig
            | K::ICMPv6TimeExceeded
            | K::ICMPv6ParamProblem => Some(K::IPerror6),
            K::ICMPv6ND_RS
            | K::ICMPv6ND_RA
            | K::ICMPv6ND_NS
            | K::ICMPv6ND_NA
            | K::ICMPv6ND_Redirect => nd_next(payload),
            _ => None,
        },
        View::NdOpt(_) => nd_next(payload),
        View::Ipv6Ext(v) if kind == K::IPv6ExtHdrFragment && v.frag_offset() > 0 => Some(K::Raw),
        View::Ipv6Ext(v) => ext_next(v.nh()),
        _ => None,
    }
}

fn is_link(kind: LayerKind) -> bool {
    use LayerKind as K;
    matches!(
        kind,
        K::Ether
            | K::Dot1Q
            | K::Dot1AD
            | K::CookedLinux
            | K::CookedLinuxV2
            | K::Loopback
            | K::LoopbackOpenBSD
    )
}

/// Dissects `data` captured with link type `link` into `out` (cleared first), as a whole
/// packet (its length on the wire is `data.len()`). Never panics, never allocates; decides
/// layer by layer as [`Packet::parse`](crate::Packet::parse).
pub fn dissect<'a>(link: LinkType, data: &'a [u8], out: &mut Dissection<'a>) {
    dissect_frame(link, data, data.len(), out);
}

/// Dissects `data`, the captured bytes of a packet that was `orig_len` bytes on the wire
/// (a capture record's original length). When fewer bytes were captured, a header or length
/// field that reaches past them but not past `orig_len` is a cut, not an error: every layer
/// whose bytes are there is decoded, a TCP header cut inside its options keeps the options
/// there, a DNS message keeps its header and complete records, and [`Dissection::cut`] says
/// where the bytes end. Lengths wrong in the packet as it was sent stay malformed.
///
/// ```
/// use pktforge::dissect::{Dissection, dissect_frame};
/// use pktforge::prelude::*;
/// let udp = UDP::new().sport(4000).dport(9);
/// let b = (IP::new().src("192.0.2.1").dst("192.0.2.2") / udp / Raw::from_bytes(&[7u8; 100]))
///     .build()
///     .unwrap();
/// let mut d = Dissection::new();
/// dissect_frame(LinkType::Ipv4, &b[..40], b.len(), &mut d);
/// assert!(d.error().is_none());
/// // The innermost layer the cut reached: UDP's length says 108 bytes, 20 were captured.
/// assert_eq!(d.cut().unwrap().layer, "UDP");
/// assert_eq!(d.udp().unwrap().len(), 108);
/// ```
pub fn dissect_frame<'a>(
    link: LinkType,
    data: &'a [u8],
    orig_len: usize,
    out: &mut Dissection<'a>,
) {
    dissect_until(link, data, orig_len, None, out);
}

/// Dissects as [`dissect_frame`], but stops after the first layer of kind `last`, or
/// after the first layer that no `last` can follow (the binding table puts no `last`
/// above a UDP header, which only DNS follows): the layers up to there are those
/// [`dissect_frame`] gives, the ones after are not dissected (nor their errors marked),
/// and the first `last` layer, if any, is the one [`dissect_frame`] gives. For a statistic
/// that reads nothing past one header (the conversations of `pktforge stats --conv tcp`
/// read the outer IP and TCP headers): the payloads it would not look at are not decoded.
///
/// ```
/// use pktforge::dissect::{Dissection, dissect_frame, dissect_frame_through};
/// use pktforge::layers::LayerKind;
/// use pktforge::prelude::*;
/// let b = (Ether::new() / IP::new().dst("192.0.2.2") / UDP::new().dport(53) / DNS::new())
///     .build()
///     .unwrap();
/// let mut d = Dissection::new();
/// dissect_frame_through(LinkType::Ether, &b, b.len(), LayerKind::UDP, &mut d);
/// let names: Vec<_> = d.layers().iter().map(|l| l.kind.name()).collect();
/// assert_eq!(names, ["Ether", "IP", "UDP"]);
/// let mut full = Dissection::new();
/// dissect_frame(LinkType::Ether, &b, b.len(), &mut full);
/// assert_eq!(full.layers().len(), 4);
/// assert_eq!(full.udp().unwrap().sport(), d.udp().unwrap().sport());
/// ```
pub fn dissect_frame_through<'a>(
    link: LinkType,
    data: &'a [u8],
    orig_len: usize,
    last: LayerKind,
    out: &mut Dissection<'a>,
) {
    dissect_until(link, data, orig_len, Some(last), out);
}

fn dissect_until<'a>(
    link: LinkType,
    data: &'a [u8],
    orig_len: usize,
    last: Option<LayerKind>,
    out: &mut Dissection<'a>,
) {
    out.layers.clear();
    out.error = None;
    out.cut = None;
    out.partial = None;
    out.snapped = orig_len > data.len();
    out.captured = data.len();
    let mut n_pads = 0usize;
    let mut off = 0usize;
    let mut end = data.len();
    let mut kind = link.first_kind(data);
    let mut cx = Cx {
        prev: None,
        in_quoted6: false,
        in_fragment: false,
        at_cut: false,
    };
    let mut n_layers = 0usize;
    loop {
        let chunk = data.get(off..end).unwrap_or(&[]);
        if n_layers >= MAX_LAYERS {
            if !chunk.is_empty() {
                out.push(LayerKind::Raw, off, View::Raw(chunk));
            }
            break;
        }
        // Bytes past a length field or past the wire length are not cut by the snap length.
        cx.at_cut = out.snapped && end == data.len();
        let cut_within = |needed: usize| cx.at_cut && off.saturating_add(needed) <= orig_len;
        let mut whole = true;
        let (k, view, hlen) = match dissect_one(kind, chunk, cx) {
            Ok((k, v, h)) => {
                if h > chunk.len() {
                    let name = k.header_name();
                    out.mark_cut(Malformed::new_truncated(name, h, chunk.len()).shifted(off));
                    whole = false;
                    if v.is_partial() {
                        out.partial = Some(out.layers.len());
                    }
                }
                (k, v, h.min(chunk.len()))
            }
            Err(e) => {
                match e.reason {
                    MalformedReason::Truncated { needed, .. } if cut_within(needed) => {
                        out.mark_cut(e.shifted(off));
                    }
                    _ => out.mark(e.shifted(off)),
                }
                if !chunk.is_empty() {
                    out.push(LayerKind::Raw, off, View::Raw(chunk));
                }
                break;
            }
        };
        let avail = chunk.len() - hlen;
        // A header cut short has no payload: its length fields are not read.
        if let Some(plen) = payload_len(&view, hlen).filter(|_| whole) {
            if plen > avail {
                let needed = hlen.saturating_add(plen);
                let short = Malformed::new_truncated(k.name(), needed, chunk.len()).shifted(off);
                // Quoted datagrams and fragments are short on purpose.
                if bind::base_kind(k) != k || cx.in_fragment {
                    if cut_within(needed) {
                        out.mark_cut(short);
                    }
                } else if cut_within(needed) {
                    out.mark_cut(short);
                } else {
                    out.mark(short);
                }
            } else if plen < avail {
                if let Some(p) = out.pads.get_mut(n_pads) {
                    *p = (off + hlen + plen, end);
                    n_pads += 1;
                }
                end = off + hlen + plen;
            }
        }
        if last.is_some_and(|t| t == k || !may_lead_to(k, t)) {
            out.push(k, off, view);
            break;
        }
        let payload = data.get(off + hlen..end).unwrap_or(&[]);
        let next = if payload.is_empty() {
            if out.error.is_none() && out.cut.is_none() && is_link(k) {
                if let Some(nk) = bound_next(k, &view) {
                    if let Err(e) = dissect_one(nk, &[], cx) {
                        let e = e.shifted(off + hlen);
                        if cx.at_cut && off + hlen < orig_len {
                            out.mark_cut(e);
                        } else {
                            out.mark(e);
                        }
                    }
                }
            }
            None
        } else {
            own_next(k, &view, cx, payload)
                .or_else(|| bound_next(k, &view))
                .or(Some(LayerKind::Raw))
        };
        let is_leaf = matches!(k, LayerKind::Raw | LayerKind::Padding);
        out.push(k, off, view);
        n_layers += 1;
        cx.prev = Some(k);
        cx.in_quoted6 |= k == LayerKind::IPerror6;
        cx.in_fragment |= match (k, view) {
            (LayerKind::IP, View::Ipv4(ip)) => ip.is_fragment(),
            (LayerKind::IPv6ExtHdrFragment, View::Ipv6Ext(f)) => {
                f.more_fragments() || f.frag_offset() != 0
            }
            _ => false,
        };
        off += hlen;
        match next {
            Some(nk) if !is_leaf && (hlen > 0 || nk != kind) => kind = nk,
            Some(_) if !is_leaf => {
                if let Some(rest) = data.get(off..end).filter(|r| !r.is_empty()) {
                    out.push(LayerKind::Raw, off, View::Raw(rest));
                }
                break;
            }
            _ => break,
        }
    }
    for i in (0..n_pads).rev() {
        let Some(&(s, e)) = out.pads.get(i) else {
            continue;
        };
        if let Some(p) = data.get(s..e).filter(|p| !p.is_empty()) {
            out.push(LayerKind::Padding, s, View::Padding(p));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::dissect;
    use super::*;
    use crate::packet::Packet;
    use crate::prelude::*;

    fn kinds(d: &Dissection<'_>) -> Vec<&'static str> {
        d.layers().iter().map(|l| l.kind.name()).collect()
    }

    fn owned_kinds(p: &Packet) -> Vec<&'static str> {
        p.layers().iter().map(|l| l.name()).collect()
    }

    #[test]
    fn binding_index_follows_the_table() {
        // Every row, alone, gives the same upper layer as the owned model's lookup.
        for r in BINDINGS {
            let Some(f) = bind_field(r.field) else {
                continue;
            };
            let rows = &bind_index()[r.lower as usize];
            let mut values = [None, None];
            let slot = rows.fields.iter().position(|x| *x == Some(f)).unwrap();
            values[slot] = Some(r.value);
            let owned = BINDINGS
                .iter()
                .find(|x| x.lower == r.lower && x.field == r.field && x.value == r.value);
            assert_eq!(rows.find(values), owned.map(|x| x.upper), "{r:?}");
        }
    }

    #[test]
    fn udp_dns_with_padding_and_answers() {
        let p = Ether::new()
            .src("02:00:00:00:00:01")
            .dst("02:00:00:00:00:02")
            / IP::new().src("192.0.2.1").dst("192.0.2.2")
            / UDP::new().sport(53).dport(4000)
            / DNS::new()
                .qr(1)
                .qd(DNSQR::new().qname("a.example"))
                .an(vec![
                    DNSRR::new()
                        .rrname("a.example")
                        .type_("CNAME")
                        .rdata("b.example"),
                    DNSRR::new().rrname("b.example").rdata("192.0.2.9"),
                ])
            / Padding::from_bytes(b"\0\0\0");
        let b = p.compress_dns().build().unwrap();
        let mut d = Dissection::new();
        dissect(LinkType::Ether, &b, &mut d);
        let q = Packet::parse(LinkType::Ether, &b);
        assert_eq!(kinds(&d), owned_kinds(&q));
        assert!(d.error().is_none());
        let dns = d.dns().unwrap();
        let mut ans = dns.answers();
        let a = ans.next().unwrap();
        assert!(a.name.eq_text("a.example"));
        let RData::Name(n) = a.data() else { panic!() };
        assert!(n.eq_text("b.example."));
        let a = ans.next().unwrap();
        assert!(matches!(a.data(), RData::A(x) if x == std::net::Ipv4Addr::new(192, 0, 2, 9)));
        assert!(ans.next().is_none());
    }

    trait Compress {
        fn compress_dns(self) -> Self;
    }
    impl Compress for Packet {
        fn compress_dns(mut self) -> Packet {
            for l in self.layers_mut() {
                if let Layer::DNS(d) = l {
                    *d = d.compress();
                }
            }
            self
        }
    }

    #[test]
    fn truncation_keeps_lower_layers() {
        let b = (IP::new().src("198.18.0.1").dst("198.18.0.2") / TCP::new().dport(443))
            .build()
            .unwrap();
        for k in 0..b.len() {
            let mut d = Dissection::new();
            dissect(LinkType::Ipv4, &b[..k], &mut d);
            let q = Packet::parse(LinkType::Ipv4, &b[..k]);
            assert_eq!(kinds(&d), owned_kinds(&q), "prefix {k}");
            match (d.error(), q.error()) {
                (Some(a), Some(e)) => assert!(a.same_as(e), "prefix {k}: {a} vs {e}"),
                (None, None) => {}
                (a, e) => panic!("prefix {k}: {a:?} vs {e:?}"),
            }
        }
    }

    #[test]
    fn fragments_and_icmp_errors() {
        let frag = IP::new().src("198.18.0.1").frag(10).flags("MF") / UDP::new();
        let b = frag.build().unwrap();
        let mut d = Dissection::new();
        dissect(LinkType::Ipv4, &b, &mut d);
        assert_eq!(kinds(&d), ["IP", "Raw"]);
        assert!(d.ipv4().unwrap().is_fragment());
        let err = IP::new().src("198.18.0.1")
            / ICMP::new().type_(3).code(3)
            / IP::new().src("198.18.0.2").dst("198.18.0.9")
            / UDP::new().sport(1234).dport(53);
        let b = err.build().unwrap();
        dissect(LinkType::Ipv4, &b, &mut d);
        assert_eq!(kinds(&d), ["IP", "ICMP", "IPerror", "UDPerror"]);
        assert_eq!(kinds(&d), owned_kinds(&Packet::parse(LinkType::Ipv4, &b)));
    }

    /// The fields `for_each_field` gives, by name.
    fn field_names(v: &View<'_>) -> Vec<&'static str> {
        let mut names = Vec::new();
        v.for_each_field(&mut |n, _| names.push(n));
        names
    }

    #[test]
    fn partial_headers_have_their_captured_fields() {
        let v4 = || IP::new().src("198.18.0.1").dst("198.18.0.2");
        // TCP cut after 13 bytes: ports, seq, ack, data offset.
        let b = (v4() / TCP::new().sport(1).dport(2).seq(3).ack(4))
            .build()
            .unwrap();
        let mut d = Dissection::new();
        dissect_frame(LinkType::Ipv4, &b[..33], b.len(), &mut d);
        assert_eq!(kinds(&d), ["IP", "TCP"]);
        let rec = d.partial().unwrap();
        assert_eq!(rec.kind, LayerKind::TCP);
        assert_eq!(
            field_names(&rec.view),
            ["sport", "dport", "seq", "ack", "dataofs", "reserved"]
        );
        let View::Tcp(t) = rec.view else { panic!() };
        assert_eq!(
            (t.sport(), t.dport(), t.seq(), t.ack(), t.dataofs()),
            (1, 2, 3, 4, 5)
        );
        assert!(t.has("dataofs") && !t.has("flags") && !t.has("options"));
        assert_eq!(
            d.cut().unwrap().to_string(),
            "TCP at offset 20 truncated: needs 20 bytes, has 13"
        );
        assert!(d.error().is_none());
        // The same bytes as a whole packet are malformed, and nothing is partial.
        dissect(LinkType::Ipv4, &b[..33], &mut d);
        assert_eq!(kinds(&d), ["IP", "Raw"]);
        assert!(d.error().is_some() && d.partial().is_none() && d.cut().is_none());

        // UDP cut after 5 bytes: the ports (the length needs byte 6).
        let b = (v4() / UDP::new().sport(7).dport(9) / Raw::from_bytes(&[1u8; 40]))
            .build()
            .unwrap();
        dissect_frame(LinkType::Ipv4, &b[..25], b.len(), &mut d);
        let rec = d.partial().unwrap();
        assert_eq!(field_names(&rec.view), ["sport", "dport"]);
        assert!(!rec.view.has_field("len"));

        // An ICMP error whose quoted IP header is cut after 13 bytes: up to the checksum.
        let b = (v4() / ICMP::new().type_(3).code(3) / v4().ttl(9) / UDP::new())
            .build()
            .unwrap();
        dissect_frame(LinkType::Ipv4, &b[..41], b.len(), &mut d);
        assert_eq!(kinds(&d), ["IP", "ICMP", "IPerror"]);
        let rec = d.partial().unwrap();
        assert_eq!(
            field_names(&rec.view),
            [
                "version", "ihl", "tos", "len", "id", "flags", "frag", "ttl", "proto", "chksum"
            ]
        );
        let View::Ipv4(q) = rec.view else { panic!() };
        assert_eq!((q.ttl(), q.proto()), (9, 17));
        assert_eq!(d.cut().unwrap().layer, "IP");

        // ICMPv6 cut after its type byte: an ICMPv6Unknown with only the type.
        let b = (IPv6::new().src("fd00::1").dst("fd00::2") / ICMPv6EchoRequest::new())
            .build()
            .unwrap();
        dissect_frame(LinkType::Ipv6, &b[..41], b.len(), &mut d);
        assert_eq!(kinds(&d), ["IPv6", "ICMPv6Unknown"]);
        assert_eq!(field_names(&d.partial().unwrap().view), ["type"]);
        assert_eq!(d.cut().unwrap().layer, "ICMPv6");

        // The owned model agrees, and marks the same layer.
        let p = Packet::parse_frame(LinkType::Ipv6, &b[..41], b.len());
        assert_eq!(owned_kinds(&p), ["IPv6", "ICMPv6Unknown"]);
        assert_eq!(p.partial_index(), Some(1));
        assert!(p.field_captured(1, "type") && !p.field_captured(1, "code"));
        assert!(p.error().is_none() && p.cut().is_some());
    }

    #[test]
    fn random_bytes_never_panic() {
        let links = [
            (LinkType::Ether, None),
            (LinkType::Ipv4, Some(0x45)),
            (LinkType::Ipv6, Some(0x60)),
            (LinkType::Sll, None),
        ];
        crate::wire::random_packets(0x1234_5678, 3000, 200, &links, |round, link, data| {
            let wire = 200;
            let mut d = Dissection::new();
            dissect(link, data, &mut d);
            let q = Packet::parse(link, data);
            assert_eq!(kinds(&d), owned_kinds(&q), "round {round}");
            // The same bytes as a cut copy of a longer packet.
            dissect_frame(link, data, wire, &mut d);
            let q = Packet::parse_frame(link, data, wire);
            assert_eq!(kinds(&d), owned_kinds(&q), "round {round} cut");
            assert_eq!(d.partial_index(), q.partial_index(), "round {round} cut");
        });
    }
}
