//! The Internet checksum (RFC 1071).
//!
//! Written here rather than taken from etherparse or pnet because the owned model must
//! checksum arbitrary, possibly malformed byte ranges (lying lengths, pseudo-headers with
//! a length field set by hand), which their header-typed helpers do not allow.

/// Adds `data` as big-endian 16-bit words to the running sum `acc` (an odd last byte is
/// padded with zero).
pub fn sum(data: &[u8], mut acc: u32) -> u32 {
    let mut chunks = data.chunks_exact(2);
    for c in &mut chunks {
        if let [a, b] = c {
            acc = acc.wrapping_add(u32::from(u16::from_be_bytes([*a, *b])));
        }
    }
    if let [last] = chunks.remainder() {
        acc = acc.wrapping_add(u32::from(*last) << 8);
    }
    // Fold early so very long inputs cannot overflow.
    (acc & 0xffff) + (acc >> 16)
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
}
