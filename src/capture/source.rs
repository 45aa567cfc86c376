//! Packet sources: where the packets a command reads come from.
//!
//! `read`, `sniff` and `stats` are the same pipeline over different sources: a capture file
//! ([`CaptureReader`]), a live socket (`capture::live`) or packets held in memory
//! ([`MemorySource`], for tests). Each lends one [`RawPacket`] at a time, borrowed until the
//! next call, so a source that reads out of a mapped file or a kernel ring copies nothing.

use super::{CaptureError, CaptureReader, LinkTypeNumber, RawPacket};

/// A stream of packets, each borrowed until the next call of [`next_packet`](Self::next_packet).
pub trait PacketSource: Send {
    /// The next packet; `None` when the source has ended (end of file, capture stopped) and
    /// after an error.
    fn next_packet(&mut self) -> Option<Result<RawPacket<'_>, CaptureError>>;

    /// What the source reads, for messages: a file name, `eth0`, `memory`. A source over
    /// several files names the one it read last.
    fn name(&self) -> &str;

    /// True when the source has no packet ready right now, so that what the pipeline holds
    /// should be written before it asks for the next one (which may wait): a live source
    /// between bursts says so, and the pipeline then prints its batch and flushes `-w`.
    /// Called after each packet. Files and memory never need it (the default).
    fn flush_now(&mut self) -> bool {
        false
    }

    /// How far the source has read, in bytes of its files, for a progress bar; `None` when
    /// it cannot say (the default).
    fn position(&self) -> Option<u64> {
        None
    }

    /// The reader underneath, when the source is one capture file: the pipeline reads a
    /// mapped one in parallel chunks instead of packet by packet. `None` by default.
    fn capture_reader(&self) -> Option<&CaptureReader> {
        None
    }
}

/// A [`CaptureReader`] with the name of what it reads.
#[derive(Debug)]
pub struct FileSource {
    /// The reader.
    pub reader: CaptureReader,
    /// The file's name as the user gave it (`-` for standard input).
    pub name: String,
}

impl PacketSource for FileSource {
    fn next_packet(&mut self) -> Option<Result<RawPacket<'_>, CaptureError>> {
        self.reader.next_packet()
    }

    fn name(&self) -> &str {
        &self.name
    }

    fn position(&self) -> Option<u64> {
        Some(self.reader.bytes_read())
    }

    fn capture_reader(&self) -> Option<&CaptureReader> {
        Some(&self.reader)
    }
}

/// One packet owned by a [`MemorySource`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnedPacket {
    /// Seconds since the Unix epoch.
    pub ts_sec: i64,
    /// Nanoseconds within the second.
    pub ts_nsec: u32,
    /// Length of the packet on the wire (at least `data.len()` for a cut packet).
    pub orig_len: u32,
    /// How the data is framed.
    pub link: LinkTypeNumber,
    /// Interface index (`frame.interface_id`).
    pub interface: u32,
    /// The captured bytes.
    pub data: Vec<u8>,
}

/// Packets held in memory, lent in order: the source of tests.
///
/// ```
/// use pktforge::capture::{LinkTypeNumber, MemorySource, OwnedPacket, PacketSource};
/// let mut src = MemorySource::new(vec![OwnedPacket {
///     ts_sec: 1, ts_nsec: 0, orig_len: 3, link: LinkTypeNumber::ETHERNET, interface: 0,
///     data: vec![1, 2, 3],
/// }]);
/// let p = src.next_packet().unwrap().unwrap();
/// assert_eq!((p.data, p.caplen, p.offset), (&[1u8, 2, 3][..], 3, 0));
/// assert!(src.next_packet().is_none());
/// ```
#[derive(Debug, Clone, Default)]
pub struct MemorySource {
    packets: Vec<OwnedPacket>,
    next: usize,
    offset: u64,
}

impl MemorySource {
    /// A source that lends `packets` in order.
    pub fn new(packets: Vec<OwnedPacket>) -> MemorySource {
        MemorySource {
            packets,
            next: 0,
            offset: 0,
        }
    }
}

impl PacketSource for MemorySource {
    fn next_packet(&mut self) -> Option<Result<RawPacket<'_>, CaptureError>> {
        let p = self.packets.get(self.next)?;
        self.next += 1;
        let offset = self.offset;
        self.offset = self.offset.saturating_add(p.data.len() as u64);
        Some(Ok(RawPacket {
            ts_sec: p.ts_sec,
            ts_nsec: p.ts_nsec,
            caplen: u32::try_from(p.data.len()).unwrap_or(u32::MAX),
            orig_len: p.orig_len,
            link: p.link,
            interface: p.interface,
            offset,
            data: &p.data,
            comment: None,
        }))
    }

    fn name(&self) -> &str {
        "memory"
    }
}
