//! The packet's bytes in hex after its line: `-x` as tcpdump prints them, `-X` with ASCII
//! (scapy's `hexdump()` layout).

use std::io::Write;

/// `-x`: the bytes in hex, 16 per line in groups of two, as tcpdump prints them.
///
/// ```
/// let mut out = Vec::new();
/// pktforge::output::hex::write_hex(&[0x45, 0, 0, 0x1c, 1], &mut out);
/// assert_eq!(out, b"\t0x0000:  4500 001c 01\n");
/// ```
pub fn write_hex(data: &[u8], out: &mut Vec<u8>) {
    for (i, chunk) in data.chunks(16).enumerate() {
        let _ = write!(out, "\t0x{:04x}: ", i * 16);
        for pair in chunk.chunks(2) {
            out.push(b' ');
            for b in pair {
                let _ = write!(out, "{b:02x}");
            }
        }
        out.push(b'\n');
    }
}

/// `-X`: offset, 16 bytes in hex, and their ASCII ([`crate::packet::hexdump`]).
pub fn write_hex_ascii(data: &[u8], out: &mut Vec<u8>) {
    out.extend_from_slice(crate::packet::hexdump(data).as_bytes());
}
