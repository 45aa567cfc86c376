//! A small pcapng writer: one section (SHB), one interface (IDB) per link type seen, and an
//! Enhanced Packet Block (EPB) per packet, with nanosecond timestamps (`if_tsresol` 9)
//! and an optional packet comment. Little endian, like the machines that write most files.

use std::io::{self, Write};
use std::time::{SystemTime, UNIX_EPOCH};

use super::linktype::LinkTypeNumber;
use super::pcap_writer::SNAPLEN;

/// Writes packets to a pcapng stream (see the [module docs](self)).
pub struct PcapNgWriter<W: Write> {
    out: W,
    /// Link type of each interface written, in IDB order.
    links: Vec<LinkTypeNumber>,
    /// `if_name` of the interfaces written from now on.
    if_name: Option<String>,
}

/// Appends an option (code, length, value padded to 4 bytes).
fn push_option(b: &mut Vec<u8>, code: u16, value: &[u8]) {
    let len = value.len().min(usize::from(u16::MAX));
    let value = value.get(..len).unwrap_or(value);
    b.extend_from_slice(&code.to_le_bytes());
    b.extend_from_slice(&(len as u16).to_le_bytes());
    b.extend_from_slice(value);
    b.resize(b.len() + (4 - len % 4) % 4, 0);
}

/// Wraps a block body with its type and both length fields.
fn block(btype: u32, body: &[u8]) -> Vec<u8> {
    let total = u32::try_from(body.len() + 12).unwrap_or(u32::MAX);
    let mut b = Vec::with_capacity(body.len() + 12);
    b.extend_from_slice(&btype.to_le_bytes());
    b.extend_from_slice(&total.to_le_bytes());
    b.extend_from_slice(body);
    b.extend_from_slice(&total.to_le_bytes());
    b
}

/// The longest prefix of `s` that fits in `max` bytes, cut at a character boundary.
fn cut_str(s: &str, max: usize) -> &str {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end).unwrap_or("")
}

impl<W: Write> PcapNgWriter<W> {
    /// Writes the section header and returns the writer; interfaces are added as link
    /// types appear.
    pub fn new(mut out: W) -> io::Result<Self> {
        let mut body = Vec::with_capacity(32);
        body.extend_from_slice(&0x1A2B_3C4Du32.to_le_bytes());
        body.extend_from_slice(&1u16.to_le_bytes());
        body.extend_from_slice(&0u16.to_le_bytes());
        body.extend_from_slice(&(-1i64).to_le_bytes()); // section length: not given
        push_option(&mut body, 4, b"pktforge"); // shb_userappl
        push_option(&mut body, 0, &[]);
        out.write_all(&block(0x0A0D_0D0A, &body))?;
        Ok(PcapNgWriter {
            out,
            links: Vec::new(),
            if_name: None,
        })
    }

    /// The interface id for `link`, writing its IDB the first time it is seen.
    fn interface_for(&mut self, link: LinkTypeNumber) -> io::Result<u32> {
        if let Some(i) = self.links.iter().position(|&l| l == link) {
            return Ok(u32::try_from(i).unwrap_or(u32::MAX));
        }
        let lt = u16::try_from(link.0).map_err(|_| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("link type {} does not fit pcapng's 16 bits", link.0),
            )
        })?;
        let mut body = Vec::with_capacity(20);
        body.extend_from_slice(&lt.to_le_bytes());
        body.extend_from_slice(&0u16.to_le_bytes());
        body.extend_from_slice(&SNAPLEN.to_le_bytes());
        if let Some(n) = &self.if_name {
            push_option(&mut body, 2, cut_str(n, usize::from(u16::MAX)).as_bytes()); // if_name
        }
        push_option(&mut body, 9, &[9]); // if_tsresol: nanoseconds
        push_option(&mut body, 0, &[]);
        self.out.write_all(&block(1, &body))?;
        self.links.push(link);
        Ok(u32::try_from(self.links.len() - 1).unwrap_or(u32::MAX))
    }

    /// Names the interfaces described from now on (the `if_name` option of their IDB), as
    /// a live capture records the interface it listened on.
    pub fn set_interface_name(&mut self, name: &str) {
        self.if_name = Some(name.to_string());
    }

    /// Writes the IDB for `link` now (if not yet written) and returns its id, so that a
    /// capture that ends before its first packet still describes its interface.
    pub fn add_interface(&mut self, link: LinkTypeNumber) -> io::Result<u32> {
        self.interface_for(link)
    }

    /// Writes one packet: its link type (an IDB is added for a new one), timestamp
    /// (negative seconds are written as 0), original length as given, and an optional
    /// comment (cut to 65535 bytes). Data longer than the snapshot length is cut to it.
    pub fn write_record(
        &mut self,
        link: LinkTypeNumber,
        ts_sec: i64,
        ts_nsec: u32,
        orig_len: u32,
        data: &[u8],
        comment: Option<&str>,
    ) -> io::Result<()> {
        let iface = self.interface_for(link)?;
        let ts = u64::try_from(ts_sec.max(0))
            .unwrap_or(0)
            .saturating_mul(1_000_000_000)
            .saturating_add(u64::from(ts_nsec.min(999_999_999)));
        let data = data.get(..data.len().min(SNAPLEN as usize)).unwrap_or(data);
        let mut body = Vec::with_capacity(data.len() + 32);
        body.extend_from_slice(&iface.to_le_bytes());
        body.extend_from_slice(&((ts >> 32) as u32).to_le_bytes());
        body.extend_from_slice(&(ts as u32).to_le_bytes());
        body.extend_from_slice(&(data.len() as u32).to_le_bytes());
        body.extend_from_slice(&orig_len.to_le_bytes());
        body.extend_from_slice(data);
        body.resize(body.len() + (4 - data.len() % 4) % 4, 0);
        if let Some(c) = comment {
            push_option(&mut body, 1, cut_str(c, usize::from(u16::MAX)).as_bytes());
            push_option(&mut body, 0, &[]);
        }
        self.out.write_all(&block(6, &body))
    }

    /// Writes one packet of `link` stamped with the current time.
    pub fn write_packet(&mut self, link: LinkTypeNumber, data: &[u8]) -> io::Result<()> {
        let d = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        let secs = i64::try_from(d.as_secs()).unwrap_or(i64::MAX);
        let orig = u32::try_from(data.len()).unwrap_or(u32::MAX);
        self.write_record(link, secs, d.subsec_nanos(), orig, data, None)
    }

    /// Pushes buffered records to the underlying writer: the stream is then a valid
    /// capture holding every record written.
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

    #[test]
    fn layout() {
        let mut w = PcapNgWriter::new(Vec::new()).unwrap();
        w.write_record(
            LinkTypeNumber::RAW,
            1,
            2,
            5,
            &[0x45, 0, 0, 20, 9],
            Some("é"),
        )
        .unwrap();
        let b = w.into_inner().unwrap();
        // SHB: 12 + 16 + option "pktforge" (12) + endofopt (4) = 44 bytes.
        assert_eq!(&b[..8], &[0x0a, 0x0d, 0x0d, 0x0a, 44, 0, 0, 0]);
        assert_eq!(&b[40..44], &[44, 0, 0, 0]);
        // IDB: 20 + if_tsresol (8) + endofopt (4) = 32 bytes.
        assert_eq!(&b[44..52], &[1, 0, 0, 0, 32, 0, 0, 0]);
        assert_eq!(&b[52..54], &101u16.to_le_bytes());
        // EPB: 32 + 8 data + comment (8) + endofopt (4) = 52 bytes.
        assert_eq!(&b[76..84], &[6, 0, 0, 0, 52, 0, 0, 0]);
        assert_eq!(b.len(), 76 + 52);
        assert_eq!(cut_str("aé", 2), "a");
    }
}
