//! Protocol layers, one file per protocol.
//!
//! Each layer is a plain struct whose fields carry scapy's names, plus a static field table
//! ([`FieldDesc`]) generated from the same declaration by [`define_layer!`](crate::define_layer). Automatic
//! fields (lengths, checksums, protocol numbers) are `Option`s: `None` means "compute when
//! building", `Some(v)` means "write exactly `v`", even when it is wrong.
//!
//! # No-panic contract
//!
//! Every `dissect` function in this module tree takes untrusted bytes. It must never panic,
//! never index without a bounds check (only `get()` and checked arithmetic), never allocate
//! more than a small multiple of its input and never loop more than a bounded number of times
//! per input byte. A layer that cannot be decoded returns a [`ParseError`] naming the layer,
//! its offset, and the needed and actual length or the bad value. The dissector in
//! [`crate::packet`] keeps the layers decoded before it, turns the rest into [`Raw`] and marks
//! the packet. Property tests feed random bytes to every dissector.

use crate::error::{BuildError, FieldError, ParseError};
use crate::packet::{BuildCx, DissectCx, Packet, PostCx};
use crate::value::{FieldDesc, Value};

pub mod arp;
pub mod dns;
pub mod dot1q;
pub mod ether;
pub mod frame;
pub mod http;
pub mod icmp;
pub mod icmpv6;
pub mod ip;
pub mod ipv6;
pub mod loopback;
pub mod raw;
pub mod sll;
pub mod tcp;
pub mod udp;

pub use arp::ARP;
pub use dns::{DNS, DNSQR, DNSRR};
pub use dot1q::{Dot1AD, Dot1Q};
pub use ether::Ether;
pub use icmp::ICMP;
pub use icmpv6::*;
pub use ip::IP;
pub use ipv6::{
    IPv6, IPv6ExtHdrDestOpt, IPv6ExtHdrFragment, IPv6ExtHdrHopByHop, IPv6ExtHdrRouting,
};
pub use loopback::{Loopback, LoopbackOpenBSD};
pub use raw::{Padding, Raw};
pub use sll::{CookedLinux, CookedLinuxV2};
pub use tcp::TCP;
pub use udp::UDP;

/// A deferred error from a builder method: builder methods cannot fail, so the first error
/// is kept in the layer and returned by `build()`. Never part of equality.
#[derive(Debug, Clone, Default)]
pub struct Deferred(pub Option<Box<FieldError>>);

impl PartialEq for Deferred {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// Field access by name, generated for every layer by [`define_layer!`](crate::define_layer).
pub trait Fields {
    /// scapy's class name (`IP`, `ICMPv6EchoRequest`).
    fn name(&self) -> &'static str;
    /// The field table.
    fn fields(&self) -> &'static [FieldDesc];
    /// A field's value by name, `None` if there is no such field.
    fn get(&self, field: &str) -> Option<Value>;
    /// Sets a field by name; the value is converted and range-checked.
    fn set(&mut self, field: &str, v: Value) -> Result<(), FieldError>;
    /// The error a builder method deferred, if any.
    fn deferred(&self) -> Option<&FieldError>;
}

/// The behaviour of a layer: building, post-build fix-ups and summaries. Implemented by hand
/// in each protocol file.
pub trait Proto: Fields {
    /// scapy's long name, shown by `show()` (`Ethernet`, `IP`, `DNS Question Record`).
    fn long_name(&self) -> &'static str;
    /// Appends this layer's header (scapy's `self_build`) to `out`. Fields that depend on the
    /// payload (lengths, checksums) are written as placeholders and fixed in [`Proto::post_build`].
    fn build(&self, cx: &BuildCx<'_>, out: &mut Vec<u8>) -> Result<(), BuildError>;
    /// Fixes lengths and checksums once the payload is built (scapy's `post_build`).
    /// `buf` holds this layer's header followed by its payload (padding excluded); `lower`
    /// holds the bytes of the layers below it.
    fn post_build(&self, _cx: &PostCx<'_>, _lower: &[u8], _buf: &mut [u8]) {}
    /// scapy's `mysummary()`; `None` when the layer has none.
    fn summary(&self, _pkt: &Packet, _idx: usize) -> Option<String> {
        None
    }
    /// How `show()` renders a field whose value names depend on another field (scapy's
    /// `MultiEnumField`, e.g. ICMP codes by type); `None` uses the field table.
    fn display_field(&self, _field: &str, _v: &Value) -> Option<String> {
        None
    }
    /// Whether a field is present in this instance (scapy's `ConditionalField`).
    fn field_present(&self, _field: &str) -> bool {
        true
    }
    /// When dissecting: how many bytes after the header belong to the payload (the rest is
    /// padding), from a length field. `None` means all of them.
    fn payload_len(&self, _hdr_len: usize) -> Option<usize> {
        None
    }
    /// When dissecting: which layer the payload is, when the binding table cannot say
    /// (ICMP errors quote IPerror, DNS over TCP...).
    fn next_layer(&self, _cx: &DissectCx<'_>, _payload: &[u8]) -> Option<LayerKind> {
        None
    }
}

/// The bytes that make a layer, with its header length. Returned by every `dissect` function.
pub type Dissected = (Layer, usize);

/// A layer type with its place in [`Layer`]: lets `pkt.layer::<TCP>()` find it.
pub trait LayerType: Proto + Sized + Clone + Into<Layer> {
    /// The kind of this layer.
    const KIND: LayerKind;
    /// Borrows the layer if `l` is one of this type.
    fn from_layer(l: &Layer) -> Option<&Self>;
    /// Mutably borrows the layer if `l` is one of this type.
    fn from_layer_mut(l: &mut Layer) -> Option<&mut Self>;
}

/// Picks the field name: the explicit string if given, else the identifier.
#[doc(hidden)]
#[macro_export]
macro_rules! __field_name {
    ($f:ident) => {
        stringify!($f)
    };
    ($f:ident, $n:literal) => {
        $n
    };
}

/// Declares a layer struct and its field table in one place.
///
/// ```text
/// define_layer! {
///     /// Doc of the layer.
///     pub struct UDP("UDP") {
///         sport: u16 = 53, FieldKind::Enum(16), "53", "Source port";
///         len: Option<u16> = None, FieldKind::Int(16), "None", "Length", auto();
///     }
/// }
/// ```
/// A field whose name is a Rust keyword is written `type_ as "type": ...`. An optional
/// `extra { name: Type = default; }` block after the fields adds struct members that are
/// not wire fields (not in the table, not settable by name).
#[macro_export]
macro_rules! define_layer {
    (
        $(#[$meta:meta])*
        pub struct $ty:ident ($name:literal) {
            $(
                $field:ident $(as $fname:literal)? : $fty:ty = $default:expr,
                $kind:expr, $dflt:literal, $doc:literal $(, $m:ident($($a:expr),*))* ;
            )*
        }
        $(
            extra {
                $( $(#[$em:meta])* $ef:ident : $ety:ty = $edef:expr; )*
            }
        )?
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq)]
        pub struct $ty {
            $(
                #[doc = $doc]
                pub $field: $fty,
            )*
            $($( $(#[$em])* pub $ef: $ety, )*)?
            #[doc(hidden)]
            pub _deferred: $crate::layers::Deferred,
        }

        impl Default for $ty {
            fn default() -> Self {
                $ty {
                    $( $field: $default, )*
                    $($( $ef: $edef, )*)?
                    _deferred: $crate::layers::Deferred(None),
                }
            }
        }

        impl $ty {
            /// The field table: name, kind, default, doc and value names of every field.
            pub const FIELDS: &'static [$crate::value::FieldDesc] = &[
                $(
                    $crate::value::FieldDesc::new(
                        $crate::__field_name!($field $(, $fname)?), $kind, $dflt, $doc
                    ) $(.$m($($a),*))*,
                )*
            ];

            /// A layer with scapy's defaults.
            pub fn new() -> Self {
                Self::default()
            }

            /// Sets a field by name, builder style. A value that does not convert is kept as
            /// an error and returned when the packet is built.
            pub fn with(mut self, field: &str, v: impl Into<$crate::value::Value>) -> Self {
                if let Err(e) = $crate::layers::Fields::set(&mut self, field, v.into()) {
                    if self._deferred.0.is_none() {
                        self._deferred.0 = Some(Box::new(e));
                    }
                }
                self
            }

            $(
                #[doc = concat!("Sets `", $crate::__field_name!($field $(, $fname)?), "` (", $doc, ").")]
                #[doc = ""]
                #[doc = "Accepts anything that converts to a [`Value`](crate::Value): numbers, strings"]
                #[doc = "(addresses, value names, flags), bytes. A bad value is reported by `build()`."]
                pub fn $field(self, v: impl Into<$crate::value::Value>) -> Self {
                    self.with($crate::__field_name!($field $(, $fname)?), v)
                }
            )*
        }

        impl $crate::layers::Fields for $ty {
            fn name(&self) -> &'static str {
                $name
            }
            fn fields(&self) -> &'static [$crate::value::FieldDesc] {
                Self::FIELDS
            }
            fn get(&self, field: &str) -> Option<$crate::value::Value> {
                $(
                    if field == $crate::__field_name!($field $(, $fname)?) {
                        return Some($crate::value::FieldType::to_value(&self.$field));
                    }
                )*
                None
            }
            fn set(
                &mut self,
                field: &str,
                v: $crate::value::Value,
            ) -> Result<(), $crate::error::FieldError> {
                let desc = Self::FIELDS.iter().find(|d| d.name == field).ok_or_else(|| {
                    $crate::error::FieldError::UnknownField {
                        layer: $name,
                        field: field.to_string(),
                        known: Self::FIELDS.iter().map(|d| d.name).collect(),
                    }
                })?;
                $(
                    if field == $crate::__field_name!($field $(, $fname)?) {
                        self.$field = $crate::value::FieldType::from_value(v, desc)?;
                        return Ok(());
                    }
                )*
                let _ = desc;
                Ok(())
            }
            fn deferred(&self) -> Option<&$crate::error::FieldError> {
                self._deferred.0.as_deref()
            }
        }
    };
}

macro_rules! layer_enum {
    (
        primary { $($v:ident => $t:ty,)* }
        alias { $($av:ident => $at:ty,)* }
    ) => {
        /// Any layer. Quoted datagrams inside ICMP errors use the `*error` variants, as scapy
        /// does (`IPerror`, `TCPerror`, ...), with the same structs.
        #[derive(Debug, Clone, PartialEq)]
        #[allow(clippy::large_enum_variant)]
        pub enum Layer {
            $( #[doc = concat!("`", stringify!($v), "`")] $v($t), )*
            $( #[doc = concat!("`", stringify!($av), "` (a quoted datagram)")] $av($at), )*
        }

        /// The kind of a layer, without its data: used by the binding table.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum LayerKind {
            $( #[doc = concat!("`", stringify!($v), "`")] $v, )*
            $( #[doc = concat!("`", stringify!($av), "`")] $av, )*
        }

        impl LayerKind {
            /// All kinds, in declaration order.
            pub const ALL: &'static [LayerKind] = &[$(LayerKind::$v,)* $(LayerKind::$av,)*];

            /// scapy's class name.
            pub fn name(self) -> &'static str {
                match self {
                    $( LayerKind::$v => stringify!($v), )*
                    $( LayerKind::$av => stringify!($av), )*
                }
            }

            /// A layer of this kind with scapy's defaults.
            pub fn new_layer(self) -> Layer {
                match self {
                    $( LayerKind::$v => Layer::$v(<$t>::default()), )*
                    $( LayerKind::$av => Layer::$av(<$at>::default()), )*
                }
            }

            /// The kind with scapy's class name `name`.
            pub fn from_name(name: &str) -> Option<LayerKind> {
                Self::ALL.iter().copied().find(|k| k.name() == name)
            }

            /// The layer names closest to a misspelt `name` (case-insensitive edit distance),
            /// best first: for "did you mean ...?" messages.
            pub fn suggest(name: &str) -> Vec<&'static str> {
                suggest_from(name, Self::ALL.iter().map(|k| k.name()))
            }
        }

        impl Layer {
            /// The kind of this layer.
            pub fn kind(&self) -> LayerKind {
                match self {
                    $( Layer::$v(_) => LayerKind::$v, )*
                    $( Layer::$av(_) => LayerKind::$av, )*
                }
            }

            /// The layer as its behaviour trait.
            pub fn proto(&self) -> &dyn Proto {
                match self {
                    $( Layer::$v(l) => l, )*
                    $( Layer::$av(l) => l, )*
                }
            }

            /// The layer as its mutable field access.
            pub fn fields_mut(&mut self) -> &mut dyn Fields {
                match self {
                    $( Layer::$v(l) => l, )*
                    $( Layer::$av(l) => l, )*
                }
            }
        }

        $(
            impl From<$t> for Layer {
                fn from(l: $t) -> Layer {
                    Layer::$v(l)
                }
            }

            impl LayerType for $t {
                const KIND: LayerKind = LayerKind::$v;
                fn from_layer(l: &Layer) -> Option<&Self> {
                    match l {
                        Layer::$v(x) => Some(x),
                        _ => None,
                    }
                }
                fn from_layer_mut(l: &mut Layer) -> Option<&mut Self> {
                    match l {
                        Layer::$v(x) => Some(x),
                        _ => None,
                    }
                }
            }

            impl<R: Into<Packet>> std::ops::Div<R> for $t {
                type Output = Packet;
                fn div(self, rhs: R) -> Packet {
                    Packet::from(self) / rhs
                }
            }

            impl From<$t> for Packet {
                fn from(l: $t) -> Packet {
                    Packet::from_layers(vec![Layer::$v(l)])
                }
            }
        )*
    };
}

layer_enum! {
    primary {
        Ether => ether::Ether,
        Dot1Q => dot1q::Dot1Q,
        Dot1AD => dot1q::Dot1AD,
        CookedLinux => sll::CookedLinux,
        CookedLinuxV2 => sll::CookedLinuxV2,
        Loopback => loopback::Loopback,
        LoopbackOpenBSD => loopback::LoopbackOpenBSD,
        ARP => arp::ARP,
        IP => ip::IP,
        IPv6 => ipv6::IPv6,
        IPv6ExtHdrHopByHop => ipv6::IPv6ExtHdrHopByHop,
        IPv6ExtHdrRouting => ipv6::IPv6ExtHdrRouting,
        IPv6ExtHdrFragment => ipv6::IPv6ExtHdrFragment,
        IPv6ExtHdrDestOpt => ipv6::IPv6ExtHdrDestOpt,
        ICMP => icmp::ICMP,
        ICMPv6Unknown => icmpv6::ICMPv6Unknown,
        ICMPv6EchoRequest => icmpv6::ICMPv6EchoRequest,
        ICMPv6EchoReply => icmpv6::ICMPv6EchoReply,
        ICMPv6DestUnreach => icmpv6::ICMPv6DestUnreach,
        ICMPv6PacketTooBig => icmpv6::ICMPv6PacketTooBig,
        ICMPv6TimeExceeded => icmpv6::ICMPv6TimeExceeded,
        ICMPv6ParamProblem => icmpv6::ICMPv6ParamProblem,
        ICMPv6ND_RS => icmpv6::ICMPv6ND_RS,
        ICMPv6ND_RA => icmpv6::ICMPv6ND_RA,
        ICMPv6ND_NS => icmpv6::ICMPv6ND_NS,
        ICMPv6ND_NA => icmpv6::ICMPv6ND_NA,
        ICMPv6ND_Redirect => icmpv6::ICMPv6ND_Redirect,
        ICMPv6NDOptSrcLLAddr => icmpv6::ICMPv6NDOptSrcLLAddr,
        ICMPv6NDOptDstLLAddr => icmpv6::ICMPv6NDOptDstLLAddr,
        ICMPv6NDOptPrefixInfo => icmpv6::ICMPv6NDOptPrefixInfo,
        ICMPv6NDOptMTU => icmpv6::ICMPv6NDOptMTU,
        ICMPv6NDOptRedirectedHdr => icmpv6::ICMPv6NDOptRedirectedHdr,
        ICMPv6NDOptUnknown => icmpv6::ICMPv6NDOptUnknown,
        TCP => tcp::TCP,
        UDP => udp::UDP,
        DNS => dns::DNS,
        DNSQR => dns::DNSQR,
        DNSRR => dns::DNSRR,
        Raw => raw::Raw,
        Padding => raw::Padding,
    }
    alias {
        IPerror => ip::IP,
        IPerror6 => ipv6::IPv6,
        TCPerror => tcp::TCP,
        UDPerror => udp::UDP,
        ICMPerror => icmp::ICMP,
    }
}

/// The candidates closest to `name` by case-insensitive edit distance (at most a third of
/// the name's length, and at least 2), best first: those at the best distance, up to three.
pub fn suggest_from<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let lower = name.to_ascii_lowercase();
    let limit = (name.chars().count() / 3).max(2);
    let mut scored: Vec<(usize, &str)> = candidates
        .map(|c| (edit_distance(&lower, &c.to_ascii_lowercase()), c))
        .filter(|(d, _)| *d <= limit)
        .collect();
    scored.sort();
    let best = scored.first().map_or(0, |(d, _)| *d);
    scored
        .into_iter()
        .take_while(|(d, _)| *d == best)
        .take(3)
        .map(|(_, c)| c)
        .collect()
}

/// Edit distance with adjacent transpositions counted as one edit (optimal string
/// alignment), on at most 256 characters of each side.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().take(256).collect();
    let b: Vec<char> = b.chars().take(256).collect();
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    let at = |i: usize, j: usize| i * w + j;
    for i in 0..=a.len() {
        if let Some(x) = d.get_mut(at(i, 0)) {
            *x = i;
        }
    }
    for j in 0..=b.len() {
        if let Some(x) = d.get_mut(at(0, j)) {
            *x = j;
        }
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let (ca, cb) = (a.get(i - 1), b.get(j - 1));
            let cost = usize::from(ca != cb);
            let get = |i: usize, j: usize| d.get(at(i, j)).copied().unwrap_or(usize::MAX / 2);
            let mut v = (get(i - 1, j) + 1)
                .min(get(i, j - 1) + 1)
                .min(get(i - 1, j - 1) + cost);
            if i > 1 && j > 1 && ca == b.get(j - 2) && a.get(i - 2) == cb {
                v = v.min(get(i - 2, j - 2) + 1);
            }
            if let Some(x) = d.get_mut(at(i, j)) {
                *x = v;
            }
        }
    }
    d.get(at(a.len(), b.len())).copied().unwrap_or(0)
}

impl Layer {
    /// scapy's class name of this layer.
    pub fn name(&self) -> &'static str {
        self.kind().name()
    }

    /// A field's value by name.
    pub fn get(&self, field: &str) -> Option<Value> {
        self.proto().get(field)
    }

    /// Sets a field by name.
    pub fn set(&mut self, field: &str, v: Value) -> Result<(), FieldError> {
        self.fields_mut().set(field, v)
    }

    /// The field table of this layer.
    pub fn fields(&self) -> &'static [FieldDesc] {
        self.proto().fields()
    }

    /// The integer value of a field, if it has one.
    pub fn get_int(&self, field: &str) -> Option<u64> {
        self.get(field).and_then(|v| v.as_int())
    }
}

/// Dissects `data` as a layer of `kind` (scapy's `dissect` plus its `dispatch_hook`: the
/// ICMPv6 kinds pick their class from the type byte). The returned header length never
/// exceeds `data.len()`.
pub fn dissect(kind: LayerKind, data: &[u8], cx: &DissectCx<'_>) -> Result<Dissected, ParseError> {
    use LayerKind as K;
    let r = match kind {
        K::Ether => ether::dissect(data),
        K::Dot1Q => dot1q::dissect(data),
        K::Dot1AD => dot1q::dissect_ad(data),
        K::CookedLinux => sll::dissect(data),
        K::CookedLinuxV2 => sll::dissect_v2(data),
        K::Loopback => loopback::dissect(data),
        K::LoopbackOpenBSD => loopback::dissect_openbsd(data),
        K::ARP => arp::dissect(data),
        K::IP => ip::dissect(data),
        K::IPerror => ip::dissect(data).map(|(l, n)| match l {
            Layer::IP(ip) => (Layer::IPerror(ip), n),
            other => (other, n),
        }),
        K::IPv6 => ipv6::dissect(data),
        K::IPerror6 => ipv6::dissect(data).map(|(l, n)| match l {
            Layer::IPv6(ip) => (Layer::IPerror6(ip), n),
            other => (other, n),
        }),
        K::IPv6ExtHdrHopByHop
        | K::IPv6ExtHdrRouting
        | K::IPv6ExtHdrFragment
        | K::IPv6ExtHdrDestOpt => ipv6::dissect_ext(kind, data),
        K::ICMP => icmp::dissect(data),
        K::ICMPerror => icmp::dissect(data).map(|(l, n)| match l {
            Layer::ICMP(x) => (Layer::ICMPerror(x), n),
            other => (other, n),
        }),
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
        | K::ICMPv6ND_Redirect => icmpv6::dissect(data),
        K::ICMPv6NDOptSrcLLAddr
        | K::ICMPv6NDOptDstLLAddr
        | K::ICMPv6NDOptPrefixInfo
        | K::ICMPv6NDOptMTU
        | K::ICMPv6NDOptRedirectedHdr
        | K::ICMPv6NDOptUnknown => icmpv6::dissect_ndopt(data),
        K::TCP => tcp::dissect(data),
        K::TCPerror => tcp::dissect_quoted(data).map(|(l, n)| match l {
            Layer::TCP(x) => (Layer::TCPerror(x), n),
            other => (other, n),
        }),
        K::UDP => udp::dissect(data),
        K::UDPerror => udp::dissect(data).map(|(l, n)| match l {
            Layer::UDP(x) => (Layer::UDPerror(x), n),
            other => (other, n),
        }),
        K::DNS => dns::dissect(data, cx),
        K::DNSQR | K::DNSRR => Err(ParseError::Malformed {
            layer: kind.name(),
            offset: 0,
            reason: "DNS records are dissected inside a DNS message".into(),
        }),
        K::Raw => Ok((Layer::Raw(Raw::from_bytes(data)), data.len())),
        K::Padding => Ok((Layer::Padding(Padding::from_bytes(data)), data.len())),
    };
    r.map(|(l, n)| (l, n.min(data.len())))
}

impl LayerKind {
    /// The layer name a lack of bytes in a header of this kind is reported under: the
    /// protocol's (`IP` for `IPerror`, `TCP` for `TCPerror`, `ICMPv6` for every ICMPv6
    /// message), else the kind's own name.
    pub fn header_name(self) -> &'static str {
        use LayerKind as K;
        match self {
            K::IPerror => "IP",
            K::IPerror6 => "IPv6",
            K::TCPerror => "TCP",
            K::UDPerror => "UDP",
            K::ICMPerror => "ICMP",
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
            | K::ICMPv6ND_Redirect => "ICMPv6",
            k => k.name(),
        }
    }
}

/// Dissects `data` as a layer of `kind` when its bytes end where the capture's snap length
/// cut the packet (the owned twin of the fast path's rules, see
/// [`Packet::parse_frame`](crate::Packet::parse_frame)). Returns the layer and the header
/// length it needs, which is past `data.len()` when the header was cut: a TCP header cut
/// inside its options keeps the options there; TCP, UDP, ICMP and ICMPv6 headers and the
/// IPv4 or IPv6 header quoted in an ICMP error, cut inside their fixed fields, keep the
/// fields whose bytes are there (the others zero or unset); a Fragment header cut after
/// its offset keeps it; DNS keeps its header and complete records. Everything else is
/// [`dissect`].
pub fn dissect_cut(
    kind: LayerKind,
    data: &[u8],
    cx: &DissectCx<'_>,
) -> Result<(Layer, usize), ParseError> {
    use LayerKind as K;
    let n = data.len();
    let tcp = |quoted: bool| tcp::dissect_cut(data, quoted);
    match kind {
        K::TCP => tcp(false).map(|(t, h)| (Layer::TCP(t), h)),
        K::TCPerror => tcp(true).map(|(t, h)| (Layer::TCPerror(t), h)),
        K::UDP if (1..udp::HEADER_LEN).contains(&n) => {
            Ok((Layer::UDP(udp::dissect_partial(data)), udp::HEADER_LEN))
        }
        K::UDPerror if (1..udp::HEADER_LEN).contains(&n) => {
            Ok((Layer::UDPerror(udp::dissect_partial(data)), udp::HEADER_LEN))
        }
        K::IPerror if (1..20).contains(&n) => {
            ip::dissect_partial(data).map(|(l, h)| (Layer::IPerror(l), h))
        }
        K::IPerror6 if (1..40).contains(&n) => {
            Ok((Layer::IPerror6(ipv6::dissect_partial(data)), 40))
        }
        K::IPv6ExtHdrFragment if (4..8).contains(&n) => Ok((
            Layer::IPv6ExtHdrFragment(ipv6::dissect_fragment_cut(data)),
            8,
        )),
        K::ICMP | K::ICMPerror if data.first().is_some_and(|&t| n < icmp::header_len(t)) => {
            let (m, h) = icmp::dissect_partial(data)?;
            let l = if kind == K::ICMP {
                Layer::ICMP(m)
            } else {
                Layer::ICMPerror(m)
            };
            Ok((l, h))
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
        | K::ICMPv6ND_Redirect
            if (1..4).contains(&n) =>
        {
            Ok((Layer::ICMPv6Unknown(icmpv6::dissect_partial(data)), 4))
        }
        K::DNS => dns::dissect_cut(data, cx).map(|(d, h)| (Layer::DNS(d), h)),
        _ => dissect(kind, data, cx),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_transpositions_once() {
        assert_eq!(edit_distance("tcp", "tcp"), 0);
        assert_eq!(edit_distance("tpc", "tcp"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }

    #[test]
    fn suggestions() {
        assert_eq!(LayerKind::suggest("TPC"), vec!["TCP"]);
        assert_eq!(
            LayerKind::suggest("icmpv6echoreqest"),
            vec!["ICMPv6EchoRequest"]
        );
        assert!(LayerKind::suggest("Zzzzzzzz").is_empty());
    }
}
