//! A classic pcap (libpcap 2.4) file writer.
//!
//! Written here rather than taken from `pcap-file`: that crate has shipped only release
//! candidates for years, and the format's writer is a 24-byte header and a 16-byte record
//! header per packet.

use std::io::{self, Write};
use std::time::{SystemTime, UNIX_EPOCH};

/// pcap link-type numbers (LINKTYPE_*).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LinkTypeNumber(pub u32);

impl LinkTypeNumber {
    /// LINKTYPE_ETHERNET.
    pub const ETHERNET: LinkTypeNumber = LinkTypeNumber(1);
    /// LINKTYPE_RAW: raw IPv4 or IPv6, version from the first nibble.
    pub const RAW: LinkTypeNumber = LinkTypeNumber(101);
}

/// The snapshot length written in the file header.
pub const SNAPLEN: u32 = 262_144;

/// Writes packets to a classic pcap stream (little endian, microsecond timestamps).
pub struct PcapWriter<W: Write> {
    out: W,
}

impl<W: Write> PcapWriter<W> {
    /// Writes the file header for `link` and returns the writer.
    pub fn new(mut out: W, link: LinkTypeNumber) -> io::Result<Self> {
        let mut h = [0u8; 24];
        h[0..4].copy_from_slice(&0xa1b2_c3d4u32.to_le_bytes());
        h[4..6].copy_from_slice(&2u16.to_le_bytes());
        h[6..8].copy_from_slice(&4u16.to_le_bytes());
        // thiszone and sigfigs stay 0.
        h[16..20].copy_from_slice(&SNAPLEN.to_le_bytes());
        h[20..24].copy_from_slice(&link.0.to_le_bytes());
        out.write_all(&h)?;
        Ok(PcapWriter { out })
    }

    /// Writes one packet with the given timestamp; packets longer than the snapshot length
    /// are cut to it and keep their original length.
    pub fn write_packet_at(&mut self, data: &[u8], ts: SystemTime) -> io::Result<()> {
        let d = ts.duration_since(UNIX_EPOCH).unwrap_or_default();
        let secs = u32::try_from(d.as_secs()).unwrap_or(u32::MAX);
        let caplen = data.len().min(SNAPLEN as usize);
        let mut h = [0u8; 16];
        h[0..4].copy_from_slice(&secs.to_le_bytes());
        h[4..8].copy_from_slice(&d.subsec_micros().to_le_bytes());
        h[8..12].copy_from_slice(&(caplen as u32).to_le_bytes());
        h[12..16].copy_from_slice(&u32::try_from(data.len()).unwrap_or(u32::MAX).to_le_bytes());
        self.out.write_all(&h)?;
        self.out.write_all(data.get(..caplen).unwrap_or(data))
    }

    /// Writes one packet stamped with the current time.
    pub fn write_packet(&mut self, data: &[u8]) -> io::Result<()> {
        self.write_packet_at(data, SystemTime::now())
    }

    /// Flushes and returns the underlying writer.
    pub fn into_inner(mut self) -> io::Result<W> {
        self.out.flush()?;
        Ok(self.out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn header_and_record_layout() {
        let mut w = PcapWriter::new(Vec::new(), LinkTypeNumber::RAW).unwrap();
        let t = UNIX_EPOCH + Duration::from_micros(1_700_000_000_123_456);
        w.write_packet_at(&[0x45, 0, 0, 20], t).unwrap();
        let b = w.into_inner().unwrap();
        // magic, version 2.4, thiszone, sigfigs, snaplen 262144, link type 101.
        assert_eq!(
            hex::encode(&b[..24]),
            "d4c3b2a10200040000000000000000000000040065000000"
        );
        assert_eq!(b.len(), 24 + 16 + 4);
        assert_eq!(&b[24..28], &1_700_000_000u32.to_le_bytes());
        assert_eq!(&b[28..32], &123_456u32.to_le_bytes());
        assert_eq!(&b[32..36], &4u32.to_le_bytes());
        assert_eq!(&b[40..], &[0x45, 0, 0, 20]);
    }
}
