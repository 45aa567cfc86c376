//! The vector lists, one file per protocol family. `scripts/gen_vectors.py` rewrites the
//! hex strings from scapy.

use pktforge::Packet;

/// One scapy vector.
pub struct Vector {
    /// The scapy expression.
    pub expr: &'static str,
    /// `bytes(expr).hex()` from scapy.
    pub hex: &'static str,
    /// The same packet with pktforge's API.
    pub pkt: fn() -> Packet,
    /// Lying on purpose (a length longer or shorter than the data): dissection is expected
    /// to report it or to split the payload differently; only the bytes and the round trip
    /// are compared.
    pub lax: bool,
}

/// Shorthand used by the vector files.
pub fn v(expr: &'static str, hex: &'static str, pkt: fn() -> Packet) -> Vector {
    Vector {
        expr,
        hex,
        pkt,
        lax: false,
    }
}

/// A vector whose lengths lie on purpose (see [`Vector::lax`]).
#[allow(dead_code)]
pub fn v_lax(expr: &'static str, hex: &'static str, pkt: fn() -> Packet) -> Vector {
    Vector {
        expr,
        hex,
        pkt,
        lax: true,
    }
}

mod dns;
mod ipv6;
mod l2_ip;
mod transport;

/// Every vector.
pub fn all() -> Vec<Vector> {
    let mut all = Vec::new();
    all.extend(l2_ip::vectors());
    all.extend(transport::vectors());
    all.extend(ipv6::vectors());
    all.extend(dns::vectors());
    all
}
