//! The Internet checksum (RFC 1071).
//!
//! Written here rather than taken from etherparse or pnet because the owned model must
//! checksum arbitrary, possibly malformed byte ranges (lying lengths, pseudo-headers with
//! a length field set by hand), which their header-typed helpers do not allow.

/// Adds `data` as big-endian 16-bit words to the running sum `acc` (an odd last byte is
/// padded with zero).
pub fn sum(data: &[u8], acc: u32) -> u32 {
    // Adding big-endian 32-bit words into a 64-bit accumulator and folding at the end gives
    // the same one's complement sum as 16-bit words, with half the additions; 2^32 words
    // would be needed to overflow.
    let mut wide = u64::from(acc);
    let mut chunks = data.chunks_exact(4);
    for c in &mut chunks {
        if let Ok(w) = <[u8; 4]>::try_from(c) {
            wide += u64::from(u32::from_be_bytes(w));
        }
    }
    match *chunks.remainder() {
        [a, b, c] => wide += u64::from(u32::from_be_bytes([a, b, c, 0])),
        [a, b] => wide += u64::from(u16::from_be_bytes([a, b])) << 16,
        [a] => wide += u64::from(a) << 24,
        _ => {}
    }
    // Fold 64 -> 32 -> 16 bits (twice each, for the carries).
    wide = (wide & 0xffff_ffff) + (wide >> 32);
    wide = (wide & 0xffff_ffff) + (wide >> 32);
    let mut s = (wide & 0xffff) + (wide >> 16);
    s = (s & 0xffff) + (s >> 16);
    s as u32
}

/// Folds a running sum and takes its one's complement.
pub fn finish(mut acc: u32) -> u16 {
    while acc >> 16 != 0 {
        acc = (acc & 0xffff) + (acc >> 16);
    }
    !(acc as u16)
}

/// The Internet checksum of `data`.
pub fn checksum(data: &[u8]) -> u16 {
    finish(sum(data, 0))
}

/// Writes a big-endian u16 at `off` in `buf` if it fits (checksums and lengths in
/// `post_build`).
pub fn put_u16(buf: &mut [u8], off: usize, v: u16) {
    if let Some(d) = buf.get_mut(off..off + 2) {
        d.copy_from_slice(&v.to_be_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn rfc1071_example() {
        // RFC 1071 section 3 example: sum of 0001 f203 f4f5 f6f7 is ddf2 (before complement).
        let d = [0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7];
        assert_eq!(checksum(&d), !0xddf2);
        assert_eq!(checksum(&[0xff]), !0xff00);
        assert_eq!(checksum(&[]), 0xffff);
    }

    /// The 32-bit-word sum equals the plain 16-bit-word sum for every length and offset.
    #[test]
    fn wide_sum_matches_reference() {
        fn reference(d: &[u8], mut acc: u32) -> u16 {
            acc = (acc & 0xffff) + (acc >> 16);
            for c in d.chunks(2) {
                let w = u32::from(c[0]) << 8 | u32::from(*c.get(1).unwrap_or(&0));
                acc += w;
                acc = (acc & 0xffff) + (acc >> 16);
            }
            !(acc as u16)
        }
        let data: Vec<u8> = (0..300u32).map(|i| (i * 7919 % 251) as u8 ^ 0xa5).collect();
        for len in 0..data.len() {
            for init in [0u32, 1, 0xffff, 0x1_fffe] {
                assert_eq!(
                    finish(sum(&data[..len], init)),
                    reference(&data[..len], init),
                    "len {len} init {init}"
                );
            }
        }
    }
}
