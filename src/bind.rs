//! The binding table: which layer follows which, by the value of a field.
//!
//! One table serves both directions, like scapy's `bind_layers`: dissection reads the
//! lower layer's field and picks the upper layer; composition with `/` fills the lower
//! layer's field (when left unset) from the upper layer's kind.

use crate::layers::{Layer, LayerKind};

/// One row: `lower.field == value` means `upper` follows.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    /// The lower layer.
    pub lower: LayerKind,
    /// The field of the lower layer that says what follows.
    pub field: &'static str,
    /// Its value.
    pub value: u64,
    /// The layer that follows.
    pub upper: LayerKind,
    /// Whether composition fills `field` from this row (scapy keeps only the last
    /// `bind_layers` of a pair for that: `TCP()/DNS()` gets sport=53, not dport).
    pub build: bool,
}

const fn b(lower: LayerKind, field: &'static str, value: u64, upper: LayerKind) -> Binding {
    Binding {
        lower,
        field,
        value,
        upper,
        build: true,
    }
}

const fn dissect_only(
    lower: LayerKind,
    field: &'static str,
    value: u64,
    upper: LayerKind,
) -> Binding {
    Binding {
        lower,
        field,
        value,
        upper,
        build: false,
    }
}

use LayerKind as K;

/// Ether types.
pub const ETH_IPV4: u64 = 0x0800;
/// ARP Ether type.
pub const ETH_ARP: u64 = 0x0806;
/// 802.1Q Ether type.
pub const ETH_VLAN: u64 = 0x8100;
/// 802.1ad (QinQ outer tag) Ether type.
pub const ETH_QINQ: u64 = 0x88a8;
/// IPv6 Ether type.
pub const ETH_IPV6: u64 = 0x86dd;

/// IPv4 address family of the BSD loopback header.
pub const AF_INET: u64 = 2;

/// The binding table. Rows are searched in order; the first match wins.
pub static BINDINGS: &[Binding] = &[
    // Link layer.
    b(K::Ether, "type", ETH_VLAN, K::Dot1Q),
    b(K::Ether, "type", ETH_QINQ, K::Dot1AD),
    dissect_only(K::Ether, "type", 0x9100, K::Dot1Q),
    b(K::Ether, "type", ETH_ARP, K::ARP),
    b(K::Ether, "type", ETH_IPV4, K::IP),
    b(K::Ether, "type", ETH_IPV6, K::IPv6),
    b(K::Dot1Q, "type", ETH_VLAN, K::Dot1Q),
    b(K::Dot1Q, "type", ETH_QINQ, K::Dot1AD),
    b(K::Dot1Q, "type", ETH_ARP, K::ARP),
    b(K::Dot1Q, "type", ETH_IPV4, K::IP),
    b(K::Dot1Q, "type", ETH_IPV6, K::IPv6),
    // Linux cooked captures (SLL, SLL2): `proto` is an Ether type.
    b(K::CookedLinux, "proto", ETH_VLAN, K::Dot1Q),
    b(K::CookedLinux, "proto", ETH_QINQ, K::Dot1AD),
    b(K::CookedLinux, "proto", ETH_ARP, K::ARP),
    b(K::CookedLinux, "proto", ETH_IPV4, K::IP),
    b(K::CookedLinux, "proto", ETH_IPV6, K::IPv6),
    b(K::CookedLinuxV2, "proto", ETH_VLAN, K::Dot1Q),
    b(K::CookedLinuxV2, "proto", ETH_QINQ, K::Dot1AD),
    b(K::CookedLinuxV2, "proto", ETH_ARP, K::ARP),
    b(K::CookedLinuxV2, "proto", ETH_IPV4, K::IP),
    b(K::CookedLinuxV2, "proto", ETH_IPV6, K::IPv6),
    // BSD loopback: `type` is an address family (IPv6 is 24, 28 or 30 depending on the OS).
    b(K::Loopback, "type", AF_INET, K::IP),
    b(K::Loopback, "type", 24, K::IPv6),
    dissect_only(K::Loopback, "type", 28, K::IPv6),
    dissect_only(K::Loopback, "type", 30, K::IPv6),
    b(K::LoopbackOpenBSD, "type", AF_INET, K::IP),
    b(K::LoopbackOpenBSD, "type", 24, K::IPv6),
    dissect_only(K::LoopbackOpenBSD, "type", 28, K::IPv6),
    dissect_only(K::LoopbackOpenBSD, "type", 30, K::IPv6),
    // IPv4.
    b(K::IP, "proto", 1, K::ICMP),
    b(K::IP, "proto", 4, K::IP),
    b(K::IP, "proto", 6, K::TCP),
    b(K::IP, "proto", 17, K::UDP),
    b(K::IP, "proto", 41, K::IPv6),
    // IPv6 and its extension headers (same next-header space).
    b(K::IPv6, "nh", 0, K::IPv6ExtHdrHopByHop),
    b(K::IPv6, "nh", 4, K::IP),
    b(K::IPv6, "nh", 6, K::TCP),
    b(K::IPv6, "nh", 17, K::UDP),
    b(K::IPv6, "nh", 41, K::IPv6),
    b(K::IPv6, "nh", 43, K::IPv6ExtHdrRouting),
    b(K::IPv6, "nh", 44, K::IPv6ExtHdrFragment),
    b(K::IPv6, "nh", 60, K::IPv6ExtHdrDestOpt),
    b(K::IPv6, "nh", 58, K::ICMPv6Unknown),
    b(K::IPv6, "nh", 58, K::ICMPv6EchoRequest),
    b(K::IPv6, "nh", 58, K::ICMPv6EchoReply),
    b(K::IPv6, "nh", 58, K::ICMPv6DestUnreach),
    b(K::IPv6, "nh", 58, K::ICMPv6PacketTooBig),
    b(K::IPv6, "nh", 58, K::ICMPv6TimeExceeded),
    b(K::IPv6, "nh", 58, K::ICMPv6ParamProblem),
    b(K::IPv6, "nh", 58, K::ICMPv6ND_RS),
    b(K::IPv6, "nh", 58, K::ICMPv6ND_RA),
    b(K::IPv6, "nh", 58, K::ICMPv6ND_NS),
    b(K::IPv6, "nh", 58, K::ICMPv6ND_NA),
    b(K::IPv6, "nh", 58, K::ICMPv6ND_Redirect),
    // Transport.
    b(K::UDP, "sport", 53, K::DNS),
    dissect_only(K::UDP, "dport", 53, K::DNS),
    dissect_only(K::UDP, "sport", 5353, K::DNS),
    dissect_only(K::UDP, "dport", 5353, K::DNS),
    b(K::TCP, "sport", 53, K::DNS),
    dissect_only(K::TCP, "dport", 53, K::DNS),
];

/// Layers that share the IPv6 header's next-header bindings.
fn ipv6_family(k: LayerKind) -> bool {
    matches!(
        k,
        K::IPv6
            | K::IPv6ExtHdrHopByHop
            | K::IPv6ExtHdrRouting
            | K::IPv6ExtHdrFragment
            | K::IPv6ExtHdrDestOpt
    )
}

/// The ordinary kind of a quoted-datagram kind (`IPerror` is an `IP`).
pub fn base_kind(k: LayerKind) -> LayerKind {
    match k {
        K::IPerror => K::IP,
        K::IPerror6 => K::IPv6,
        K::TCPerror => K::TCP,
        K::UDPerror => K::UDP,
        K::ICMPerror => K::ICMP,
        other => other,
    }
}

/// The quoted-datagram kind of an ordinary kind, when scapy has one.
pub fn error_kind(k: LayerKind) -> LayerKind {
    match k {
        K::IP => K::IPerror,
        K::IPv6 => K::IPerror6,
        K::TCP => K::TCPerror,
        K::UDP => K::UDPerror,
        K::ICMP => K::ICMPerror,
        other => other,
    }
}

fn is_error_kind(k: LayerKind) -> bool {
    base_kind(k) != k
}

/// Whether a binding row written for `row` applies to a `lower` layer (IPv6 rows apply to
/// its extension headers, 802.1Q rows to 802.1ad tags).
pub fn lower_matches(row: LayerKind, lower: LayerKind) -> bool {
    row == lower
        || (row == K::IPv6 && ipv6_family(lower))
        || (row == K::Dot1Q && lower == K::Dot1AD)
}

/// The value of `lower.field` that announces `upper`, if the table binds them.
pub fn value_for(lower: LayerKind, field: &str, upper: LayerKind) -> Option<u64> {
    // Composition asks this for every layer of every packet built: answer from a dense
    // (lower, upper) index of the table built once, instead of scanning it.
    let (lower, upper) = (base_kind(lower), base_kind(upper));
    let n = LayerKind::ALL.len();
    let idx = build_index();
    let (f, v) = idx.get(lower as usize * n + upper as usize)?.as_ref()?;
    // Field names are a few bytes: compare them inline rather than through memcmp.
    (f.len() == field.len() && f.bytes().zip(field.bytes()).all(|(a, b)| a == b)).then_some(*v)
}

type BuildIndex = Vec<Option<(&'static str, u64)>>;

fn build_index() -> &'static BuildIndex {
    static INDEX: std::sync::OnceLock<BuildIndex> = std::sync::OnceLock::new();
    INDEX.get_or_init(|| {
        let n = LayerKind::ALL.len();
        let mut idx = vec![None; n * n];
        for &lower in LayerKind::ALL {
            for &upper in LayerKind::ALL {
                let row = BINDINGS
                    .iter()
                    .find(|r| r.upper == upper && r.build && lower_matches(r.lower, lower));
                if let (Some(r), Some(slot)) =
                    (row, idx.get_mut(lower as usize * n + upper as usize))
                {
                    *slot = Some((r.field, r.value));
                }
            }
        }
        idx
    })
}

/// The layer that follows `l` according to its field values, if the table knows.
pub fn next_for_dissect(l: &Layer) -> Option<LayerKind> {
    let kind = l.kind();
    let lower = base_kind(kind);
    let up = BINDINGS
        .iter()
        .filter(|r| lower_matches(r.lower, lower))
        .find(|r| l.get_int(r.field) == Some(r.value))
        .map(|r| r.upper)?;
    Some(if is_error_kind(kind) {
        error_kind(up)
    } else {
        up
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn composition_values() {
        assert_eq!(value_for(K::Ether, "type", K::IP), Some(0x0800));
        assert_eq!(value_for(K::Dot1Q, "type", K::IPv6), Some(0x86dd));
        assert_eq!(
            value_for(K::IPv6ExtHdrFragment, "nh", K::ICMPv6ND_NS),
            Some(58)
        );
        assert_eq!(value_for(K::IPerror, "proto", K::UDPerror), Some(17));
        assert_eq!(value_for(K::TCP, "sport", K::DNS), Some(53));
        assert_eq!(value_for(K::TCP, "dport", K::DNS), None);
        assert_eq!(value_for(K::IP, "proto", K::Raw), None);
        assert_eq!(value_for(K::CookedLinux, "proto", K::IPv6), Some(0x86dd));
        assert_eq!(value_for(K::CookedLinuxV2, "proto", K::ARP), Some(0x0806));
        assert_eq!(value_for(K::Loopback, "type", K::IPv6), Some(24));
        assert_eq!(value_for(K::LoopbackOpenBSD, "type", K::IP), Some(2));
    }
}
