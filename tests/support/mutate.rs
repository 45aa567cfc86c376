//! Hostile variants of packets, shared by the mutation test and the live replay into
//! `sniff` (tests/sniff_netns.rs): bit flips, truncations, length-field lies and splices.
#![allow(dead_code)]

/// xorshift64*: small, seeded, enough for choosing mutations.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// The hostile variants of `p` (with `other`, another packet, for splices).
pub fn mutants(rng: &mut Rng, p: &[u8], other: &[u8]) -> Vec<Vec<u8>> {
    let mut v = Vec::new();
    // Bit flips: one, then several.
    for flips in [1, 4] {
        let mut m = p.to_vec();
        for _ in 0..flips {
            if !m.is_empty() {
                let i = rng.below(m.len());
                m[i] ^= 1 << rng.below(8);
            }
        }
        v.push(m);
    }
    // Truncations: a random length, and one byte short.
    v.push(p[..rng.below(p.len() + 1)].to_vec());
    v.push(p[..p.len().saturating_sub(1)].to_vec());
    // Length-field lies: a 16-bit word of the headers set to an extreme or a random value.
    for lie in [0u16, 1, 0xffff, rng.next() as u16] {
        let mut m = p.to_vec();
        let span = m.len().min(64);
        if span >= 2 {
            let i = rng.below(span - 1);
            m[i..i + 2].copy_from_slice(&lie.to_be_bytes());
        }
        v.push(m);
    }
    // Splices: the head of this packet and the tail of another.
    let cut_a = rng.below(p.len() + 1);
    let cut_b = rng.below(other.len() + 1);
    let mut m = p[..cut_a].to_vec();
    m.extend_from_slice(&other[cut_b..]);
    v.push(m);
    v
}
