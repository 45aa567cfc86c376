//! A classic pcap (libpcap 2.4) file writer.
//!
//! Written here rather than taken from `pcap-file`: that crate has shipped only release
//! candidates for years, and the format's writer is a 24-byte header and a 16-byte record
//! header per packet.

use std::io::{self, Write};
use std::time::{SystemTime, UNIX_EPOCH};

pub use super::linktype::LinkTypeNumber;

/// The snapshot length written in the file header.
pub const SNAPLEN: u32 = 262_144;

/// Writes packets to a classic pcap stream (little endian; microsecond timestamps, or
/// nanosecond ones with [`PcapWriter::new_nanosecond`]).
pub struct PcapWriter<W: Write> {
    out: W,
    nanosecond: bool,
}

impl<W: Write> PcapWriter<W> {
    /// Writes the file header for `link` and returns the writer.
    pub fn new(out: W, link: LinkTypeNumber) -> io::Result<Self> {
        Self::with_magic(out, link, false)
    }

    /// Writes the header of a nanosecond-resolution file (magic `a1b23c4d`) for `link`.
    pub fn new_nanosecond(out: W, link: LinkTypeNumber) -> io::Result<Self> {
        Self::with_magic(out, link, true)
    }

    fn with_magic(mut out: W, link: LinkTypeNumber, nanosecond: bool) -> io::Result<Self> {
        let magic: u32 = if nanosecond { 0xa1b2_3c4d } else { 0xa1b2_c3d4 };
        let mut h = [0u8; 24];
        h[0..4].copy_from_slice(&magic.to_le_bytes());
        h[4..6].copy_from_slice(&2u16.to_le_bytes());
        h[6..8].copy_from_slice(&4u16.to_le_bytes());
        // thiszone and sigfigs stay 0.
        h[16..20].copy_from_slice(&SNAPLEN.to_le_bytes());
        h[20..24].copy_from_slice(&link.0.to_le_bytes());
        out.write_all(&h)?;
        Ok(PcapWriter { out, nanosecond })
    }

    /// Writes one record as read from another capture: its timestamp (seconds since the
    /// epoch, clamped to the format's unsigned 32 bits; nanoseconds, cut to microseconds
    /// in a microsecond file) and its original length, kept as given. Data longer than the
    /// snapshot length is cut to it.
    pub fn write_record(
        &mut self,
        ts_sec: i64,
        ts_nsec: u32,
        orig_len: u32,
        data: &[u8],
    ) -> io::Result<()> {
        let secs = u32::try_from(ts_sec.max(0)).unwrap_or(u32::MAX);
        let nsec = ts_nsec.min(999_999_999);
        let frac = if self.nanosecond { nsec } else { nsec / 1000 };
        let caplen = data.len().min(SNAPLEN as usize);
        let mut h = [0u8; 16];
        h[0..4].copy_from_slice(&secs.to_le_bytes());
        h[4..8].copy_from_slice(&frac.to_le_bytes());
        h[8..12].copy_from_slice(&(caplen as u32).to_le_bytes());
        h[12..16].copy_from_slice(&orig_len.to_le_bytes());
        self.out.write_all(&h)?;
        self.out.write_all(data.get(..caplen).unwrap_or(data))
    }

    /// Writes one packet with the given timestamp; packets longer than the snapshot length
    /// are cut to it and keep their original length.
    pub fn write_packet_at(&mut self, data: &[u8], ts: SystemTime) -> io::Result<()> {
        let d = ts.duration_since(UNIX_EPOCH).unwrap_or_default();
        let secs = i64::try_from(d.as_secs()).unwrap_or(i64::MAX);
        let orig = u32::try_from(data.len()).unwrap_or(u32::MAX);
        self.write_record(secs, d.subsec_nanos(), orig, data)
    }

    /// Writes one packet stamped with the current time.
    pub fn write_packet(&mut self, data: &[u8]) -> io::Result<()> {
        self.write_packet_at(data, SystemTime::now())
    }

    /// Flushes the underlying writer (after a whole record: the file is valid up to here).
    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
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

    #[test]
    fn record_keeps_original_length_and_nanoseconds() {
        let mut w = PcapWriter::new_nanosecond(Vec::new(), LinkTypeNumber::ETHERNET).unwrap();
        w.write_record(5, 123_456_789, 1514, &[1, 2, 3]).unwrap();
        let b = w.into_inner().unwrap();
        assert_eq!(&b[..4], &[0x4d, 0x3c, 0xb2, 0xa1]);
        assert_eq!(&b[24..28], &5u32.to_le_bytes());
        assert_eq!(&b[28..32], &123_456_789u32.to_le_bytes());
        assert_eq!(&b[32..36], &3u32.to_le_bytes());
        assert_eq!(&b[36..40], &1514u32.to_le_bytes());
        let mut w = PcapWriter::new(Vec::new(), LinkTypeNumber::ETHERNET).unwrap();
        w.write_record(-5, 123_456_789, 3, &[1, 2, 3]).unwrap();
        let b = w.into_inner().unwrap();
        assert_eq!(&b[24..28], &0u32.to_le_bytes());
        assert_eq!(&b[28..32], &123_456u32.to_le_bytes());
    }
}
