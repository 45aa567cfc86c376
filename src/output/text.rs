//! Text pieces the output formats share, pushed as bytes into a reused buffer: std's
//! formatting machinery was over half of `read`'s time for lines (`perf record` over the
//! 2M-packet workload), these write directly and allocate nothing.

use std::net::{Ipv4Addr, Ipv6Addr};

use crate::wire::array_at;

/// The lowercase hex digit of a nibble (`n` under 16).
pub(crate) fn hex_digit(n: u8) -> u8 {
    if n < 10 {
        b'0' + n
    } else {
        b'a' + (n & 0xf) - 10
    }
}

pub(crate) fn put_hex8(out: &mut Vec<u8>, b: u8) {
    out.push(hex_digit(b >> 4));
    out.push(hex_digit(b & 0xf));
}

/// `n` in decimal. Most numbers in a packet are short: they are pushed digit by digit (a
/// copy of a few bytes through `memcpy` cost more than the digits, `perf` on `read --json`).
#[inline]
pub(crate) fn put_u64(out: &mut Vec<u8>, n: u64) {
    if n < 10 {
        out.push(b'0' + n as u8);
        return;
    }
    if n < 100 {
        out.push(b'0' + (n / 10) as u8);
        out.push(b'0' + (n % 10) as u8);
        return;
    }
    put_u64_long(out, n);
}

/// The decimal digits of `n`, written at the end of `buf`.
pub(crate) fn dec_digits(buf: &mut [u8; 20], mut n: u64) -> &[u8] {
    let mut i = buf.len();
    loop {
        i -= 1;
        if let Some(slot) = buf.get_mut(i) {
            *slot = b'0' + (n % 10) as u8;
        }
        n /= 10;
        if n == 0 || i == 0 {
            break;
        }
    }
    buf.get(i..).unwrap_or(&[])
}

fn put_u64_long(out: &mut Vec<u8>, n: u64) {
    let mut buf = [0u8; 20];
    let digits = dec_digits(&mut buf, n);
    out.reserve(digits.len());
    for &d in digits {
        out.push(d);
    }
}

/// A MAC address as `aa:bb:cc:dd:ee:ff`.
pub(crate) fn put_mac(out: &mut Vec<u8>, m: [u8; 6]) {
    for (i, b) in m.iter().enumerate() {
        if i > 0 {
            out.push(b':');
        }
        put_hex8(out, *b);
    }
}

pub(crate) fn put_ipv4(out: &mut Vec<u8>, a: Ipv4Addr) {
    for (i, b) in a.octets().iter().enumerate() {
        if i > 0 {
            out.push(b'.');
        }
        put_u64(out, u64::from(*b));
    }
}

/// IPv6 text as BSD/glibc `inet_ntop` writes it (what Wireshark shows): lowercase hex
/// groups, the first longest run of two or more zero groups as `::`, and dotted IPv4 for
/// IPv4-compatible (`::a.b.c.d`) and IPv4-mapped (`::ffff:a.b.c.d`) addresses.
pub(crate) fn put_ipv6(out: &mut Vec<u8>, a: Ipv6Addr) {
    let w = a.segments();
    // The first longest run of two or more zero groups: (start, end).
    let mut best: Option<(usize, usize)> = None;
    let mut run: Option<usize> = None;
    for i in 0..=8 {
        match (w.get(i), run) {
            (Some(0), None) => run = Some(i),
            (Some(0), Some(_)) => {}
            (_, Some(start)) => {
                if i - start >= 2 && best.is_none_or(|(s, e)| i - start > e - s) {
                    best = Some((start, i));
                }
                run = None;
            }
            (_, None) => {}
        }
    }
    let embedded = match best {
        Some((0, 6)) => true,
        Some((0, 5)) => w.get(5) == Some(&0xffff),
        _ => false,
    };
    // BSD inet_ntop's loop: a run adds one ':' at its start, every group after the first
    // is preceded by one, and a run at the end adds the closing one.
    let mut i = 0usize;
    while i < 8 {
        if let Some((_, e)) = best.filter(|&(s, _)| s == i) {
            out.push(b':');
            if e == 8 {
                out.push(b':');
            }
            i = e;
            continue;
        }
        if i != 0 {
            out.push(b':');
        }
        if embedded && i == 6 {
            let q = array_at::<4>(&a.octets(), 12).unwrap_or([0; 4]);
            put_ipv4(out, Ipv4Addr::from(q));
            return;
        }
        let g = w.get(i).copied().unwrap_or(0);
        let mut started = false;
        for shift in [12u16, 8, 4, 0] {
            let nib = ((g >> shift) & 0xf) as u8;
            if nib != 0 || started || shift == 0 {
                started = true;
                out.push(hex_digit(nib));
            }
        }
        i += 1;
    }
}

/// `n` in decimal, zero-padded to at least `width` digits (at most 20).
pub(crate) fn put_padded(out: &mut Vec<u8>, mut n: u64, width: usize) {
    let mut buf = [b'0'; 20];
    let mut i = buf.len();
    while n > 0 && i > 0 {
        i -= 1;
        if let Some(d) = buf.get_mut(i) {
            *d = b'0' + (n % 10) as u8;
        }
        n /= 10;
    }
    let start = i.min(buf.len().saturating_sub(width.max(1)));
    out.extend_from_slice(buf.get(start..).unwrap_or(&[]));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        for (n, w, text) in [
            (0, 1, "0"),
            (7, 2, "07"),
            (59, 2, "59"),
            (123, 6, "000123"),
            (u64::MAX, 1, "18446744073709551615"),
        ] {
            let mut v = Vec::new();
            put_padded(&mut v, n, w);
            assert_eq!(v, text.as_bytes());
            v.clear();
            put_u64(&mut v, n);
            assert_eq!(v, n.to_string().as_bytes());
        }
    }
}
