//! Property tests over every layer, driven by the field tables:
//! - random bytes into every dissector never panic, and whatever dissects rebuilds to
//!   bytes that dissect to the same layers;
//! - random values of every integer field round-trip through build and dissect.

use pktforge::prelude::*;
use pktforge::{FieldDesc, FieldKind, LayerKind};
use proptest::prelude::*;

/// Kinds that start a packet on their own (DNS records only live inside DNS).
fn standalone_kinds() -> Vec<LayerKind> {
    LayerKind::ALL
        .iter()
        .copied()
        .filter(|k| !matches!(k, LayerKind::DNSQR | LayerKind::DNSRR))
        .collect()
}

fn int_field_kinds() -> impl Strategy<Value = LayerKind> {
    let kinds: Vec<LayerKind> = standalone_kinds()
        .into_iter()
        .filter(|k| {
            k.new_layer()
                .fields()
                .iter()
                .any(|d| d.kind.bits().is_some())
        })
        .collect();
    (0..kinds.len()).prop_map(move |i| kinds[i])
}

fn kind_strategy() -> impl Strategy<Value = LayerKind> {
    let kinds = standalone_kinds();
    (0..kinds.len()).prop_map(move |i| kinds[i])
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, .. ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(kind in kind_strategy(), data in proptest::collection::vec(any::<u8>(), 0..200)) {
        let p = Packet::parse(LinkType::Layer(kind), &data);
        // Whatever was decoded can be shown, summarised and built again.
        let _ = p.summary();
        let _ = p.show_raw();
        if let Ok(b) = p.build() {
            let _ = Packet::parse(LinkType::Layer(kind), &b);
        }
    }

    #[test]
    fn random_frames_never_panic(data in proptest::collection::vec(any::<u8>(), 0..300)) {
        for link in [LinkType::Ether, LinkType::RawIp, LinkType::Ipv4, LinkType::Ipv6] {
            let p = Packet::parse(link, &data);
            let _ = p.summary();
            let _ = p.show();
        }
    }

    /// A well-formed dissection rebuilds to the very same bytes.
    #[test]
    fn clean_dissection_rebuilds_exactly(data in proptest::collection::vec(any::<u8>(), 0..200)) {
        let p = Packet::parse(LinkType::Ether, &data);
        if p.error().is_none() {
            prop_assert_eq!(p.build().unwrap(), data);
        }
    }

    #[test]
    fn integer_fields_round_trip(kind in int_field_kinds(), field_pick in any::<prop::sample::Index>(), raw in any::<u64>()) {
        let base = kind.new_layer();
        let ints: Vec<&FieldDesc> = base
            .fields()
            .iter()
            .filter(|d| d.kind.bits().is_some())
            .collect();
        let d = ints[field_pick.index(ints.len())];
        let bits = d.kind.bits().unwrap_or(64);
        let v = if bits >= 64 { raw } else { raw & ((1u64 << bits) - 1) };
        let mut layer = base.clone();
        prop_assert!(layer.set(d.name, Value::Int(v)).is_ok(), "{}.{} = {}", kind.name(), d.name, v);
        // A conditional field absent for this instance (ICMP timestamps on an echo) is not
        // on the wire.
        // DNS.length exists only over TCP (scapy's ConditionalField on the underlayer), and
        // these layers stand alone here.
        let present = layer.proto().field_present(d.name) && !(kind == LayerKind::DNS && d.name == "length");
        let pkt = Packet::from(layer);
        let Ok(bytes) = pkt.build() else { return Ok(()); };
        let parsed = Packet::parse(LinkType::Layer(kind), &bytes);
        // Round trip of the bytes holds whatever the value did to the structure.
        if parsed.error().is_none() {
            prop_assert_eq!(parsed.build().unwrap(), bytes.clone(), "{}.{} = {}", kind.name(), d.name, v);
        }
        // The value itself comes back when the layer still dissects as the same kind.
        if let Some(first) = parsed.layers().first() {
            if present && first.kind() == kind && parsed.error().is_none() {
                let got = first.get(d.name).unwrap_or(Value::None);
                prop_assert_eq!(got, Value::Int(v), "{}.{}", kind.name(), d.name);
            }
        }
    }
}

#[test]
fn every_kind_has_a_field_table_and_builds_by_default() {
    for k in LayerKind::ALL {
        let l = k.new_layer();
        assert_eq!(l.name(), k.name());
        for d in l.fields() {
            assert!(
                l.get(d.name).is_some(),
                "{}.{} has no getter",
                k.name(),
                d.name
            );
            assert!(!d.doc.is_empty(), "{}.{} has no doc", k.name(), d.name);
            if matches!(d.kind, FieldKind::Flags(_)) {
                assert!(!d.flags.is_empty(), "{}.{} flags unnamed", k.name(), d.name);
            }
        }
        if !matches!(k, LayerKind::DNSQR | LayerKind::DNSRR) {
            assert!(
                Packet::from(l).build().is_ok(),
                "{} does not build",
                k.name()
            );
        }
    }
}
