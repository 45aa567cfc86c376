//! Bounds-checked big-endian readers used by every dissector: they return `None` instead
//! of panicking when the bytes are not there, and the zero-defaulting readers the
//! zero-copy views use on top of them.

use std::net::{Ipv4Addr, Ipv6Addr};

use crate::mac::MacAddr;

/// The byte at `off`.
#[inline]
pub fn u8_at(b: &[u8], off: usize) -> Option<u8> {
    b.get(off).copied()
}

/// The big-endian u16 at `off`.
#[inline]
pub fn be16(b: &[u8], off: usize) -> Option<u16> {
    let s = b.get(off..off.checked_add(2)?)?;
    Some(u16::from_be_bytes(s.try_into().ok()?))
}

/// The big-endian u32 at `off`.
#[inline]
pub fn be32(b: &[u8], off: usize) -> Option<u32> {
    let s = b.get(off..off.checked_add(4)?)?;
    Some(u32::from_be_bytes(s.try_into().ok()?))
}

/// The `N` bytes at `off`.
#[inline]
pub fn array_at<const N: usize>(b: &[u8], off: usize) -> Option<[u8; N]> {
    b.get(off..off.checked_add(N)?)?.try_into().ok()
}

/// Writes `v` big-endian at `off` if it fits.
#[inline]
pub fn put16(b: &mut [u8], off: usize, v: u16) {
    if let Some(d) = b.get_mut(off..off.saturating_add(2)) {
        if d.len() == 2 {
            d.copy_from_slice(&v.to_be_bytes());
        }
    }
}

/// Writes `v` at `off` if it fits.
#[inline]
pub fn put8(b: &mut [u8], off: usize, v: u8) {
    if let Some(d) = b.get_mut(off) {
        *d = v;
    }
}

/// The byte at `off`, or 0 when it is not there (the views' reader).
#[inline]
pub(crate) fn r8(b: &[u8], off: usize) -> u8 {
    u8_at(b, off).unwrap_or(0)
}

/// The big-endian u16 at `off`, or 0.
#[inline]
pub(crate) fn r16(b: &[u8], off: usize) -> u16 {
    be16(b, off).unwrap_or(0)
}

/// The big-endian u32 at `off`, or 0.
#[inline]
pub(crate) fn r32(b: &[u8], off: usize) -> u32 {
    be32(b, off).unwrap_or(0)
}

/// The MAC address at `off`, or all zeros.
#[inline]
pub(crate) fn mac(b: &[u8], off: usize) -> MacAddr {
    MacAddr(array_at::<6>(b, off).unwrap_or([0; 6]))
}

/// The IPv4 address at `off`, or 0.0.0.0.
#[inline]
pub(crate) fn v4(b: &[u8], off: usize) -> Ipv4Addr {
    Ipv4Addr::from(array_at::<4>(b, off).unwrap_or([0; 4]))
}

/// The IPv6 address at `off`, or `::`.
#[inline]
pub(crate) fn v6(b: &[u8], off: usize) -> Ipv6Addr {
    Ipv6Addr::from(array_at::<16>(b, off).unwrap_or([0; 16]))
}

/// Random packets for the no-panic tests: `rounds` buffers of xorshift bytes from `seed`,
/// each cut to a random length under `max`, on the link types of `links` in turn, the
/// first byte set where a link gives one (0x45 for raw IPv4, 0x60 for raw IPv6). `f` gets
/// the round, the link type and the bytes.
#[cfg(test)]
pub(crate) fn random_packets(
    seed: u32,
    rounds: usize,
    max: usize,
    links: &[(crate::packet::LinkType, Option<u8>)],
    mut f: impl FnMut(usize, crate::packet::LinkType, &[u8]),
) {
    let mut x = seed;
    let mut buf = vec![0u8; max];
    for round in 0..rounds {
        for b in buf.iter_mut() {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            *b = x as u8;
        }
        let Some(&(link, first)) = links.get(round % links.len().max(1)) else {
            return;
        };
        if let (Some(v), Some(b0)) = (first, buf.first_mut()) {
            *b0 = v;
        }
        let n = (x as usize) % max.max(1);
        f(round, link, &buf[..n]);
    }
}
