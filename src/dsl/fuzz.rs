//! `fuzz()`: random values for the fields of a layer that were not set explicitly and are
//! not computed (`FieldDesc::auto == false`), each within its field's width.
//!
//! The semantics are scapy's (`fuzz()` gives every such field a random value, drawn anew
//! for every packet of the set), but the values are not: scapy uses Python's `random`,
//! we use a SplitMix64 generator seeded once per expansion
//! ([`ExpandOptions::seed`](super::ExpandOptions)), so a seed reproduces our packets, not
//! scapy's. Lists of options or records, nested packets and DNS names are left as they are.

use crate::layers::{Layer, LayerKind};
use crate::mac::MacAddr;
use crate::value::{FieldKind, Value};

/// A small, fast, seedable generator (SplitMix64).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// A seed from the clock and the process's hash keys.
    pub fn random_seed() -> u64 {
        use std::hash::{BuildHasher, Hasher};
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        if let Ok(d) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
            h.write_u128(d.as_nanos());
        }
        h.finish()
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A value in `0..=max`.
    pub fn upto(&mut self, max: u64) -> u64 {
        if max == u64::MAX {
            self.next_u64()
        } else {
            self.next_u64() % (max + 1)
        }
    }

    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| (self.next_u64() & 0xff) as u8).collect()
    }
}

/// Longest random payload for an empty bytes field (scapy's `RandBin(RandNum(0, 1200))`).
pub(crate) const MAX_FUZZ_BYTES: u64 = 1200;

/// Gives every fuzzable field of `l` not in `explicit` a random value.
pub fn fuzz_layer(l: &mut Layer, explicit: &[&str], rng: &mut Rng) {
    let dns = matches!(
        l.kind(),
        LayerKind::DNS | LayerKind::DNSQR | LayerKind::DNSRR
    );
    for d in l.fields() {
        if d.auto || explicit.contains(&d.name) || !l.proto().field_present(d.name) {
            continue;
        }
        let v = match d.kind {
            FieldKind::Int(b)
            | FieldKind::Hex(b)
            | FieldKind::Enum(b)
            | FieldKind::HexEnum(b)
            | FieldKind::Flags(b) => {
                let max = if b >= 64 { u64::MAX } else { (1u64 << b) - 1 };
                Value::Int(rng.upto(max))
            }
            FieldKind::TcpPort | FieldKind::UdpPort => Value::Int(rng.upto(0xffff)),
            FieldKind::Ipv4 => Value::Ipv4(std::net::Ipv4Addr::from(rng.next_u64() as u32)),
            FieldKind::Ipv6 => Value::Ipv6(std::net::Ipv6Addr::from(
                (u128::from(rng.next_u64()) << 64) | u128::from(rng.next_u64()),
            )),
            FieldKind::Mac => {
                let b = rng.bytes(6);
                let mut m = [0u8; 6];
                for (dst, src) in m.iter_mut().zip(b) {
                    *dst = src;
                }
                Value::Mac(MacAddr(m))
            }
            FieldKind::Bytes if !dns => {
                let n = match l.get(d.name) {
                    Some(Value::Bytes(b)) if !b.is_empty() => b.len(),
                    _ => rng.upto(MAX_FUZZ_BYTES) as usize,
                };
                Value::Bytes(rng.bytes(n))
            }
            _ => continue,
        };
        let _ = l.set(d.name, v);
    }
}
