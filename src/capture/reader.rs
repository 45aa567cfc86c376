//! A streaming reader for capture files: classic pcap and pcapng, plain or gzip-compressed.
//!
//! ```no_run
//! use pktforge::capture::CaptureReader;
//! # fn main() -> Result<(), pktforge::capture::CaptureError> {
//! let mut r = CaptureReader::open(std::path::Path::new("captures/server-ether.pcapng"))?;
//! let mut n = 0u64;
//! while let Some(p) = r.next_packet() {
//!     let p = p?; // every complete packet comes before the error that ends a damaged file
//!     n += 1;
//!     let _ = (p.link, p.ts_sec, p.data);
//! }
//! println!("{n} packets, {} bytes", r.bytes_read());
//! # Ok(()) }
//! ```
//!
//! # Why hand-written
//!
//! The `pcap-parser` crate (0.17) was measured against this reader (`cargo bench --bench
//! reader`, 200,000-packet mixed workload read from memory): pcap-parser 19.4 M packets/s
//! on pcap and 13.6 M/s on pcapng, this reader 21.9 M/s and 16.8 M/s. Speed alone would
//! not decide it; what does is what the issue asks of a reader for hostile files, which
//! pcap-parser cannot give: its I/O errors drop the `std::io::Error` and the byte offset,
//! it does not know the obsolete Packet Block (type 2), and its buffer either refuses a
//! record bigger than its capacity or must be grown by the caller to whatever a header
//! claims. `pcap-file` has shipped only release candidates for years. Both formats are a
//! few fixed headers, so the reader below is one buffer and bounds-checked field reads.
//!
//! # What is read
//!
//! - **Classic pcap**, either byte order, microsecond (`a1b2c3d4`) and nanosecond
//!   (`a1b23c4d`) magics, and the "modified" Kuznetzov format (`a1b2cd34`, 24-byte record
//!   headers). Any snaplen: the header's snaplen is information only and never sizes a
//!   buffer. Files of version 2.3 and older that swapped the two length fields are fixed up
//!   as libpcap does.
//! - **pcapng**: any number of sections (each with its own byte order) and interfaces.
//!   Every packet carries its interface's link type; `if_tsresol` (powers of 10 and of 2)
//!   and `if_tsoffset` are applied to timestamps. Enhanced (EPB), Simple (SPB) and the
//!   obsolete Packet Block (PB) give packets; the first `opt_comment` of an EPB or PB is
//!   kept as [`RawPacket::comment`] and the first section comment as
//!   [`CaptureReader::section_comment`]. Every other block type (statistics, name
//!   resolution, decryption secrets, custom, unknown) is checked for a sane length and
//!   skipped.
//! - **gzip**: a file starting with `1f 8b` is decompressed on the fly (several gzip
//!   members in a row are read as one stream). Offsets in errors are then offsets in the
//!   decompressed stream.
//! - `-` as a path reads standard input.
//!
//! # Memory and hostile input
//!
//! The reader keeps one buffer: 1 MiB to start with, grown only for a record bigger than
//! that, and then only as fast as the record's bytes actually arrive (the buffer at most
//! doubles per read), so a header that claims 4 GB in a small file allocates about as much
//! as the file holds, never what the header claims. No record may be larger than
//! [`MAX_RECORD_LEN`] (16 MiB), so the buffer never grows past 16 MiB and a few bytes.
//! Reading a 710 MB, 2-million-packet file peaks at 3.3 MB of resident memory.
//! [`CaptureReader::open_mapped`] reads a regular file through a memory mapping instead
//! (no copy, no buffer; see [`super::mapped`] for the hazard and for releasing pages), and
//! [`CaptureReader::fork_at`] with [`CaptureReader::resync`] let several
//! threads read chunks of one mapped file.
//!
//! Every call of [`CaptureReader::next_packet`] consumes at least one record header, so a
//! file cannot make the reader loop. After the first error the reader returns `None`:
//! packets before the error have all been returned, nothing after it is guessed at.
//!
//! | input | outcome |
//! |---|---|
//! | empty input | [`CaptureError::Empty`] from `open` |
//! | unknown magic | [`CaptureError::NotACapture`] with the first four bytes |
//! | file header cut short | [`CaptureError::Truncated`] at offset 0 |
//! | pcap version other than 2.x, pcapng version other than 1.x | [`CaptureError::BadHeader`] |
//! | last record cut short (header or data) | every complete packet, then [`CaptureError::Truncated`] with the record's offset, its full length and the bytes present |
//! | caplen over the snaplen | accepted: the packet has caplen bytes (libpcap and Wireshark do the same) |
//! | caplen past the end of file | as a cut-short last record: [`CaptureError::Truncated`] |
//! | caplen or block length over [`MAX_RECORD_LEN`] | [`CaptureError::TooLarge`], nothing allocated for it |
//! | huge snaplen in a file or interface header | accepted: it sizes nothing |
//! | pcapng block length under 12, not a multiple of 4, or not matching the trailing copy | [`CaptureError::BadBlock`] |
//! | pcapng packet whose captured length runs past its block | [`CaptureError::BadBlock`] |
//! | pcapng interface id without an IDB in its section, SPB before any IDB | [`CaptureError::UnknownInterface`] |
//! | malformed options (length past the block) | options after the bad one are ignored; the packet is kept |
//! | more than [`MAX_INTERFACES`] IDBs | [`CaptureError::BadBlock`] |
//! | read error, bad gzip data | [`CaptureError::Io`] with the offset reached |

use std::fmt;
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use super::linktype::LinkTypeNumber;
use super::mapped::MappedFile;

/// The largest record (pcap caplen, pcapng block length) the reader accepts: 16 MiB.
///
/// Wireshark's own limit is 256 KiB for most link types and 128 MiB for a few (D-Bus,
/// USBPcap); real captures stay far below 16 MiB.
pub const MAX_RECORD_LEN: u32 = 16 * 1024 * 1024;

/// The most pcapng interfaces (IDBs, over all sections) a file may describe.
pub const MAX_INTERFACES: usize = 65_536;

/// The initial buffer size; also the size of each read from the source.
pub(crate) const BUF_LEN: usize = 1024 * 1024;

/// Longest `if_name` kept per interface, in bytes.
pub(crate) const MAX_NAME_LEN: usize = 256;

/// Classic pcap magics, as read little-endian.
const MAGIC_USEC: u32 = 0xa1b2_c3d4;
const MAGIC_NSEC: u32 = 0xa1b2_3c4d;
const MAGIC_MODIFIED: u32 = 0xa1b2_cd34;
/// pcapng block types.
const BT_SHB: u32 = 0x0A0D_0D0A;
const BT_IDB: u32 = 0x0000_0001;
const BT_PB: u32 = 0x0000_0002;
const BT_SPB: u32 = 0x0000_0003;
const BT_EPB: u32 = 0x0000_0006;
/// The byte-order magic of a section header, as written by the section's writer.
const BOM: u32 = 0x1A2B_3C4D;
/// pcapng option codes.
const OPT_ENDOFOPT: u16 = 0;
const OPT_COMMENT: u16 = 1;
const IF_NAME: u16 = 2;
const IF_TSRESOL: u16 = 9;
const IF_TSOFFSET: u16 = 14;

/// Why a capture could not be read (further).
#[derive(Debug)]
pub enum CaptureError {
    /// Reading the source failed (including bad gzip data), at stream offset `offset`.
    Io {
        /// Offset in the (decompressed) stream reached when the read failed.
        offset: u64,
        /// The underlying error.
        source: io::Error,
    },
    /// The input holds no byte at all.
    Empty,
    /// The first four bytes are no pcap, pcapng or gzip magic.
    NotACapture {
        /// The first four bytes (zero-padded when the input is shorter).
        magic: [u8; 4],
    },
    /// The file ends inside a header or record.
    Truncated {
        /// Stream offset where the cut record (or file header) starts.
        offset: u64,
        /// Bytes the record needs, header included.
        needed: u64,
        /// Bytes present from `offset` to the end of the input.
        available: u64,
    },
    /// A file header or section header that cannot be used (version, byte order).
    BadHeader {
        /// Stream offset of the header.
        offset: u64,
        /// What is wrong with it.
        reason: String,
    },
    /// A pcapng block whose lengths are inconsistent.
    BadBlock {
        /// Stream offset of the block.
        offset: u64,
        /// The block type.
        block_type: u32,
        /// What is wrong with it.
        reason: String,
    },
    /// A record claims more than [`MAX_RECORD_LEN`] bytes.
    TooLarge {
        /// Stream offset of the record.
        offset: u64,
        /// The length the header claims.
        claimed: u64,
        /// The limit.
        limit: u64,
    },
    /// A pcapng packet names an interface its section has not described.
    UnknownInterface {
        /// Stream offset of the block.
        offset: u64,
        /// The interface id in the block (section-local).
        interface: u32,
        /// How many interfaces the section has described so far.
        known: u32,
    },
}

impl fmt::Display for CaptureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CaptureError::Io { offset, source } => {
                write!(f, "read error at byte offset {offset}: {source}")
            }
            CaptureError::Empty => write!(f, "empty input: not a capture file"),
            CaptureError::NotACapture { magic } => write!(
                f,
                "not a pcap, pcapng or gzip file (starts with {:02x} {:02x} {:02x} {:02x})",
                magic[0], magic[1], magic[2], magic[3]
            ),
            CaptureError::Truncated {
                offset,
                needed,
                available,
            } => write!(
                f,
                "file cut short in the record at byte offset {offset}: needs {needed} bytes, \
                 {available} present"
            ),
            CaptureError::BadHeader { offset, reason } => {
                write!(f, "bad header at byte offset {offset}: {reason}")
            }
            CaptureError::BadBlock {
                offset,
                block_type,
                reason,
            } => write!(
                f,
                "bad pcapng block (type {block_type:#010x}) at byte offset {offset}: {reason}"
            ),
            CaptureError::TooLarge {
                offset,
                claimed,
                limit,
            } => write!(
                f,
                "record at byte offset {offset} claims {claimed} bytes, over the limit of \
                 {limit}: corrupt file?"
            ),
            CaptureError::UnknownInterface {
                offset,
                interface,
                known,
            } => write!(
                f,
                "pcapng packet at byte offset {offset} names interface {interface}, but its \
                 section describes {known}"
            ),
        }
    }
}

impl std::error::Error for CaptureError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            CaptureError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// The container format of a capture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    /// Classic libpcap format.
    Pcap {
        /// Timestamps in nanoseconds (magic `a1b23c4d`) rather than microseconds.
        nanosecond: bool,
        /// The file was written big-endian.
        big_endian: bool,
        /// Kuznetzov's modified format (magic `a1b2cd34`, 24-byte record headers).
        modified: bool,
        /// Major version (2).
        version_major: u16,
        /// Minor version (4).
        version_minor: u16,
        /// The snapshot length in the header (information only).
        snaplen: u32,
        /// The link type of every packet.
        link: LinkTypeNumber,
    },
    /// pcapng: sections, interfaces and blocks.
    PcapNg,
}

/// A pcapng interface, as described by its IDB.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterfaceInfo {
    /// Link type of the interface's packets.
    pub link: LinkTypeNumber,
    /// Snapshot length (0: none).
    pub snaplen: u32,
    /// Timestamp units per second (`if_tsresol`; 1,000,000 by default).
    pub units_per_sec: u64,
    /// Seconds added to every timestamp (`if_tsoffset`).
    pub ts_offset: i64,
    /// `if_name`, if given (at most 256 bytes kept).
    pub name: Option<String>,
    /// Index of the section (0 for the first SHB).
    pub section: u32,
}

/// One packet, borrowed from the reader's buffer until the next call of `next_packet`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawPacket<'a> {
    /// Seconds since the Unix epoch (pcapng `if_tsoffset` included).
    pub ts_sec: i64,
    /// Nanoseconds within the second (0..1e9).
    pub ts_nsec: u32,
    /// Captured length: `data.len()`.
    pub caplen: u32,
    /// Length of the packet on the wire.
    pub orig_len: u32,
    /// How the data is framed.
    pub link: LinkTypeNumber,
    /// Interface index over the whole file, counting IDBs across sections as Wireshark
    /// does (`frame.interface_id`); 0 for classic pcap.
    pub interface: u32,
    /// Offset of the first captured byte in the (decompressed) stream.
    pub offset: u64,
    /// The captured bytes.
    pub data: &'a [u8],
    /// The packet's first `opt_comment` (pcapng EPB/PB), when it is valid UTF-8.
    pub comment: Option<&'a str>,
}

/// Per-file state of a classic pcap.
#[derive(Debug, Clone, Copy)]
struct PcapState {
    be: bool,
    nsec: bool,
    link: LinkTypeNumber,
    hdr_len: usize,
    /// Versions up to 2.3 may have caplen and orig_len swapped.
    swapped_lens: bool,
}

/// State of the current pcapng section.
#[derive(Debug, Default, Clone)]
struct NgState {
    be: bool,
    /// Global index of the section's first interface.
    first_iface: usize,
    sections: u32,
}

#[derive(Debug)]
enum Kind {
    Pcap(PcapState),
    Ng(NgState),
}

/// Where a packet lies in the buffer, and its metadata, before it is lent out.
struct Found {
    data: (usize, usize),
    comment: Option<(usize, usize)>,
    ts_sec: i64,
    ts_nsec: u32,
    orig_len: u32,
    link: LinkTypeNumber,
    interface: u32,
}

/// The bytes the reader parses: a buffer refilled from a stream, or a whole mapped file.
enum Buffer {
    Heap(Vec<u8>),
    Mapped(MappedFile),
}

impl std::ops::Deref for Buffer {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Buffer::Heap(v) => v,
            Buffer::Mapped(m) => m.bytes(),
        }
    }
}

/// Streams packets out of a pcap or pcapng file (see the [module docs](self)).
pub struct CaptureReader {
    src: Box<dyn Read + Send>,
    buf: Buffer,
    /// First unconsumed byte in `buf`.
    pos: usize,
    /// End of the valid bytes in `buf`.
    end: usize,
    /// Stream offset of `buf[0]`.
    base: u64,
    eof: bool,
    /// Set after the end or the first error: `next_packet` returns `None`.
    done: bool,
    compressed: bool,
    format: FileFormat,
    kind: Kind,
    interfaces: Vec<InterfaceInfo>,
    section_comment: Option<String>,
    /// Mapped files: bytes before this offset have been touched ahead of the walk.
    touched: usize,
}

impl fmt::Debug for CaptureReader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CaptureReader")
            .field("format", &self.format)
            .field("compressed", &self.compressed)
            .field("bytes_read", &self.bytes_read())
            .finish_non_exhaustive()
    }
}

fn u16_at(b: &[u8], off: usize, be: bool) -> Option<u16> {
    let a: [u8; 2] = b.get(off..off.checked_add(2)?)?.try_into().ok()?;
    Some(if be {
        u16::from_be_bytes(a)
    } else {
        u16::from_le_bytes(a)
    })
}

#[inline]
fn u32_at(b: &[u8], off: usize, be: bool) -> Option<u32> {
    let a: [u8; 4] = b.get(off..off.checked_add(4)?)?.try_into().ok()?;
    Some(if be {
        u32::from_be_bytes(a)
    } else {
        u32::from_le_bytes(a)
    })
}

fn u64_at(b: &[u8], off: usize, be: bool) -> Option<u64> {
    let a: [u8; 8] = b.get(off..off.checked_add(8)?)?.try_into().ok()?;
    Some(if be {
        u64::from_be_bytes(a)
    } else {
        u64::from_le_bytes(a)
    })
}

/// Rounds up to a multiple of 4.
fn pad4(n: usize) -> Option<usize> {
    n.checked_add(3).map(|v| v & !3)
}

/// How many chained plausible records [`CaptureReader::resync_pcap`] wants.
pub const RESYNC_HOPS: usize = 8;

/// Whether [`RESYNC_HOPS`] records follow each other from `start` (or reach the end of the
/// file, `len`, exactly), `hop` giving the length of a plausible record at an offset.
fn chain_holds(start: usize, len: usize, mut hop: impl FnMut(usize) -> Option<usize>) -> bool {
    let mut at = start;
    for _ in 0..RESYNC_HOPS {
        match hop(at).and_then(|n| at.checked_add(n)) {
            Some(next) => at = next,
            None => return false,
        }
        if at == len {
            return true;
        }
    }
    true
}

/// How far ahead of the record walk a mapped file's bytes are touched.
const TOUCH_AHEAD: usize = 8192;

/// Reads one byte of every cache line from `touched` up to `pos + TOUCH_AHEAD`, returning
/// the new `touched`. Walking pcap records is pointer chasing (each header gives the next
/// one's offset), so in a mapped file every header is a cache miss the CPU waits for; these
/// reads do not depend on each other and run ahead in parallel, and the headers are then
/// found in cache. Measured with hyperfine, `read --count` over the 2M-packet workload:
/// 281 ms without, 245 ms with (same run, 20 runs each).
#[inline]
fn touch_ahead(bytes: &[u8], pos: usize, mut touched: usize) -> usize {
    let stop = pos.saturating_add(TOUCH_AHEAD).min(bytes.len());
    touched = touched.max(pos);
    let mut acc = 0u8;
    while touched < stop {
        acc ^= bytes.get(touched).copied().unwrap_or(0);
        touched += 64;
    }
    std::hint::black_box(acc);
    touched
}

/// Splits a timestamp in `units` per second into seconds and nanoseconds.
#[inline]
fn split_ts(raw: u64, units: u64, offset: i64) -> (i64, u32) {
    let (sec, nsec) = match units {
        1_000_000 => (raw / 1_000_000, (raw % 1_000_000) * 1000),
        1_000_000_000 => (raw / 1_000_000_000, raw % 1_000_000_000),
        0 => (raw, 0),
        u => {
            let frac = u128::from(raw % u) * 1_000_000_000 / u128::from(u);
            (raw / u, u64::try_from(frac).unwrap_or(0))
        }
    };
    let sec = i64::try_from(sec)
        .unwrap_or(i64::MAX)
        .saturating_add(offset);
    (sec, u32::try_from(nsec).unwrap_or(0))
}

/// Units per second for an `if_tsresol` byte: 10^n, or 2^n with the top bit set. Values
/// beyond u64 saturate.
fn tsresol_units(v: u8) -> u64 {
    let n = u32::from(v & 0x7f);
    if v & 0x80 != 0 {
        1u64.checked_shl(n).unwrap_or(u64::MAX)
    } else {
        10u64.checked_pow(n).unwrap_or(u64::MAX)
    }
}

/// Iterates over the options in `b` (value ranges relative to `b`), stopping at
/// `opt_endofopt` or at the first option that runs past the end.
fn options(b: &[u8], be: bool) -> impl Iterator<Item = (u16, usize, usize)> + '_ {
    let mut off = 0usize;
    std::iter::from_fn(move || {
        let code = u16_at(b, off, be)?;
        let len = usize::from(u16_at(b, off + 2, be)?);
        if code == OPT_ENDOFOPT {
            return None;
        }
        let start = off + 4;
        let stop = start.checked_add(len)?;
        if stop > b.len() {
            return None;
        }
        off = start + pad4(len)?;
        Some((code, start, stop))
    })
}

/// The first `opt_comment` in an options area starting at `start` in `buf`.
fn find_comment(buf: &[u8], start: usize, stop: usize, be: bool) -> Option<(usize, usize)> {
    let area = buf.get(start..stop)?;
    options(area, be)
        .find(|&(code, _, _)| code == OPT_COMMENT)
        .map(|(_, s, e)| (start + s, start + e))
}

impl CaptureReader {
    /// Opens a capture file; `-` reads standard input. gzip is recognised by its magic.
    pub fn open(path: &Path) -> Result<Self, CaptureError> {
        if path.as_os_str() == "-" {
            return Self::from_read(Box::new(io::stdin()));
        }
        let f = File::open(path).map_err(|source| CaptureError::Io { offset: 0, source })?;
        Self::from_read(Box::new(f))
    }

    /// Opens a capture file mapped into memory instead of read through a buffer: packets
    /// are then lent straight out of the mapping, and [`mapped`](Self::mapped) shares it
    /// with other threads. `-`, files that are not regular files, empty files and
    /// gzip-compressed files are read as [`open`](Self::open) reads them.
    ///
    /// # Safety
    ///
    /// As for [`MappedFile::map`]: the file must not be truncated or modified while the
    /// reader, or a clone of its mapping, lives.
    #[allow(unsafe_code)] // Passes on MappedFile::map's contract.
    pub unsafe fn open_mapped(path: &Path) -> Result<Self, CaptureError> {
        if path.as_os_str() == "-" {
            return Self::open(path);
        }
        let io_err = |source| CaptureError::Io { offset: 0, source };
        let f = File::open(path).map_err(io_err)?;
        let meta = f.metadata().map_err(io_err)?;
        if !meta.is_file() || meta.len() < 4 {
            return Self::from_read(Box::new(f));
        }
        // SAFETY: passed on to our caller, who guarantees the file stays as it is.
        let map = match unsafe { MappedFile::map(&f) } {
            Ok(m) => m,
            // A file system that cannot map files: read it instead.
            Err(_) => return Self::from_read(Box::new(f)),
        };
        if map.bytes().get(..2) == Some(&[0x1f, 0x8b]) {
            // The mapping was not read from: `f` still reads from the start.
            drop(map);
            return Self::from_read(Box::new(f));
        }
        let len = map.bytes().len();
        let mut r = Self::with_buffer(Box::new(io::empty()), Buffer::Mapped(map));
        r.end = len;
        r.eof = true;
        r.detect()?;
        Ok(r)
    }

    /// The mapped file when the reader was opened with [`open_mapped`](Self::open_mapped)
    /// on a plain regular file; [`RawPacket::offset`] then indexes into it.
    pub fn mapped(&self) -> Option<&MappedFile> {
        match &self.buf {
            Buffer::Mapped(m) => Some(m),
            Buffer::Heap(_) => None,
        }
    }

    /// For a mapped file: another reader over the same mapping, in the same state (format,
    /// byte order, interfaces described so far), whose next record or block is the one at
    /// byte offset `at`. It reads exactly as this reader would from there; whether a record
    /// really starts at `at` is for the caller to know (see [`resync`](Self::resync)).
    /// `None` for streams.
    pub fn fork_at(&self, at: usize) -> Option<CaptureReader> {
        let Buffer::Mapped(m) = &self.buf else {
            return None;
        };
        let mut r = Self::with_buffer(Box::new(io::empty()), Buffer::Mapped(m.clone()));
        r.end = m.bytes().len();
        r.eof = true;
        r.pos = at.min(r.end);
        r.format = self.format;
        r.kind = match &self.kind {
            Kind::Pcap(st) => Kind::Pcap(*st),
            Kind::Ng(ng) => Kind::Ng(ng.clone()),
        };
        r.interfaces = self.interfaces.clone();
        r.section_comment = self.section_comment.clone();
        Some(r)
    }

    /// Identifies the reader's state for [`fork_at`](Self::fork_at) users: interfaces and
    /// sections only ever accumulate along a file, so two readers of one file with equal
    /// versions decode packets alike.
    pub fn state_version(&self) -> (usize, u32) {
        let sections = match &self.kind {
            Kind::Ng(ng) => ng.sections,
            Kind::Pcap(_) => 0,
        };
        (self.interfaces.len(), sections)
    }

    /// For a mapped file: a likely record (pcap) or block (pcapng) start in `from..to`, for
    /// readers that split the file into chunks and read them in parallel (see
    /// [`resync_pcap`](Self::resync_pcap) and [`resync_ng`](Self::resync_ng)).
    pub fn resync(&self, from: usize, to: usize) -> Option<usize> {
        match self.kind {
            Kind::Pcap(_) => self.resync_pcap(from, to),
            Kind::Ng(_) => self.resync_ng(from, to),
        }
    }

    /// For a mapped pcapng file: the first 4-aligned offset in `from..to` where
    /// [`RESYNC_HOPS`] blocks in a row (or up to the end of the file) have a length of at
    /// least 12, a multiple of 4 and within the record limit, repeated at their end, in this
    /// reader's byte order. A guess, to be checked as for [`resync_pcap`](Self::resync_pcap).
    pub fn resync_ng(&self, from: usize, to: usize) -> Option<usize> {
        let (Buffer::Mapped(m), Kind::Ng(ng)) = (&self.buf, &self.kind) else {
            return None;
        };
        let b = m.bytes();
        let be = ng.be;
        let block = |at: usize| -> Option<usize> {
            let len = u32_at(b, at.checked_add(4)?, be)?;
            if len < 12 || len % 4 != 0 || len > MAX_RECORD_LEN {
                return None;
            }
            let end = at.checked_add(len as usize)?;
            (u32_at(b, end.checked_sub(4)?, be)? == len).then_some(len as usize)
        };
        (from.next_multiple_of(4)..to.min(b.len()))
            .step_by(4)
            .find(|&start| chain_holds(start, b.len(), block))
    }

    /// For a mapped classic pcap file: a likely record start in `from..to`, for readers
    /// that split the file into chunks and read them in parallel. Record headers carry no
    /// marker, so this is a guess: the first offset where [`RESYNC_HOPS`] records in a row
    /// have plausible headers (captured length at most the original length, which is not 0
    /// and within the record limit; a fraction of a second under one second; seconds within
    /// a day of each other) and each ends where the next begins (or the last ends exactly at
    /// the end of the file). The caller must check
    /// the guess against the end of the previous chunk's records, which is the truth.
    pub fn resync_pcap(&self, from: usize, to: usize) -> Option<usize> {
        let (Buffer::Mapped(m), Kind::Pcap(st)) = (&self.buf, &self.kind) else {
            return None;
        };
        let b = m.bytes();
        let frac_limit = if st.nsec { 1_000_000_000 } else { 1_000_000 };
        // A plausible record at `at`: its length, header included; its seconds must be
        // within a day of the chain's first record.
        let record = |at: usize, first_sec: &mut Option<u32>| -> Option<usize> {
            let sec = u32_at(b, at, st.be)?;
            if sec.abs_diff(*first_sec.get_or_insert(sec)) > 86_400 {
                return None;
            }
            let frac = u32_at(b, at.checked_add(4)?, st.be)?;
            let mut caplen = u32_at(b, at.checked_add(8)?, st.be)?;
            let mut orig = u32_at(b, at.checked_add(12)?, st.be)?;
            if st.swapped_lens && caplen > orig {
                std::mem::swap(&mut caplen, &mut orig);
            }
            if frac >= frac_limit || caplen > orig || orig > MAX_RECORD_LEN || orig == 0 {
                return None;
            }
            let total = st.hdr_len.checked_add(caplen as usize)?;
            (at.checked_add(total)? <= b.len()).then_some(total)
        };
        (from.max(24)..to.min(b.len())).find(|&start| {
            let mut first_sec = None;
            chain_holds(start, b.len(), |at| record(at, &mut first_sec))
        })
    }

    fn with_buffer(src: Box<dyn Read + Send>, buf: Buffer) -> Self {
        CaptureReader {
            src,
            buf,
            pos: 0,
            end: 0,
            base: 0,
            eof: false,
            done: false,
            compressed: false,
            format: FileFormat::PcapNg,
            kind: Kind::Ng(NgState::default()),
            interfaces: Vec::new(),
            section_comment: None,
            touched: 0,
        }
    }

    /// Reads a capture from any byte stream (plain or gzip).
    pub fn from_read(src: Box<dyn Read + Send>) -> Result<Self, CaptureError> {
        let mut r = Self::with_buffer(src, Buffer::Heap(vec![0; BUF_LEN]));
        r.detect()?;
        Ok(r)
    }

    /// Recognises gzip (streams only) and the file format, and reads the file header.
    fn detect(&mut self) -> Result<(), CaptureError> {
        let r = self;
        let n = r.fill_to(4)?;
        if n == 0 {
            return Err(CaptureError::Empty);
        }
        if r.buf.get(..2) == Some(&[0x1f, 0x8b]) {
            // Put the bytes already read back in front of the rest, and decompress it all.
            let head = r.buf.get(..r.end).unwrap_or(&[]).to_vec();
            let rest = std::mem::replace(&mut r.src, Box::new(io::empty()));
            r.src = Box::new(flate2::read::MultiGzDecoder::new(
                io::Cursor::new(head).chain(rest),
            ));
            r.end = 0;
            r.eof = false;
            r.compressed = true;
            if r.fill_to(4)? == 0 {
                return Err(CaptureError::Empty);
            }
        }
        // The first four bytes, zero-padded when the input is shorter.
        let mut magic = [0u8; 4];
        for (d, s) in magic.iter_mut().zip(r.buf.get(..r.end).unwrap_or(&[])) {
            *d = *s;
        }
        let le = u32::from_le_bytes(magic);
        let be = u32::from_be_bytes(magic);
        if le == BT_SHB {
            r.read_first_shb()?;
        } else if [MAGIC_USEC, MAGIC_NSEC, MAGIC_MODIFIED].contains(&le) {
            r.read_pcap_header(le, false)?;
        } else if [MAGIC_USEC, MAGIC_NSEC, MAGIC_MODIFIED].contains(&be) {
            r.read_pcap_header(be, true)?;
        } else {
            return Err(CaptureError::NotACapture { magic });
        }
        Ok(())
    }

    /// The container format (for pcapng, see [`interfaces`](Self::interfaces)).
    pub fn format(&self) -> FileFormat {
        self.format
    }

    /// Whether the input was gzip-compressed.
    pub fn is_compressed(&self) -> bool {
        self.compressed
    }

    /// Stream offset just past the last record consumed: the file size once the end is
    /// reached (of the decompressed stream for gzip input).
    pub fn bytes_read(&self) -> u64 {
        self.base + self.pos as u64
    }

    /// The pcapng interfaces described so far, indexed by [`RawPacket::interface`]
    /// (empty for classic pcap).
    pub fn interfaces(&self) -> &[InterfaceInfo] {
        &self.interfaces
    }

    /// The first `opt_comment` of the current pcapng section header, if any.
    pub fn section_comment(&self) -> Option<&str> {
        self.section_comment.as_deref()
    }

    /// The next packet, borrowed until the next call; `None` at a clean end of file and
    /// after an error. Non-packet pcapng blocks are skipped.
    pub fn next_packet(&mut self) -> Option<Result<RawPacket<'_>, CaptureError>> {
        if self.done {
            return None;
        }
        let found = match self.kind {
            Kind::Pcap(st) => self.next_pcap(st),
            Kind::Ng(_) => self.next_ng(),
        };
        match found {
            Ok(Some(f)) => {
                let data = self.buf.get(f.data.0..f.data.1).unwrap_or(&[]);
                let comment = f
                    .comment
                    .and_then(|(s, e)| self.buf.get(s..e))
                    .and_then(|c| std::str::from_utf8(c).ok());
                Some(Ok(RawPacket {
                    ts_sec: f.ts_sec,
                    ts_nsec: f.ts_nsec,
                    caplen: u32::try_from(data.len()).unwrap_or(u32::MAX),
                    orig_len: f.orig_len,
                    link: f.link,
                    interface: f.interface,
                    offset: self.base + f.data.0 as u64,
                    data,
                    comment,
                }))
            }
            Ok(None) => {
                self.done = true;
                None
            }
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }

    /// Makes at least `n` bytes available from `pos`, unless the input ends first; returns
    /// the bytes available. The buffer grows at most twofold per read, so its size follows
    /// the bytes that really arrive rather than what a header claims.
    fn fill_to(&mut self, n: usize) -> Result<usize, CaptureError> {
        while self.end - self.pos < n && !self.eof {
            // A mapped file is all there from the start (`eof` is set).
            let Buffer::Heap(buf) = &mut self.buf else {
                break;
            };
            if self.pos > 0 && self.pos + n > buf.len() {
                buf.copy_within(self.pos..self.end, 0);
                self.base += self.pos as u64;
                self.end -= self.pos;
                self.pos = 0;
            }
            if self.end == buf.len() {
                let grown = n.min(buf.len().saturating_mul(2));
                buf.resize(grown.max(self.end + 1), 0);
            }
            let space = buf.get_mut(self.end..).unwrap_or(&mut []);
            match self.src.read(space) {
                Ok(0) => self.eof = true,
                Ok(k) => self.end += k,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(source) => {
                    return Err(CaptureError::Io {
                        offset: self.base + self.end as u64,
                        source,
                    });
                }
            }
        }
        Ok(self.end - self.pos)
    }

    fn offset(&self) -> u64 {
        self.bytes_read()
    }

    fn truncated(&self, needed: usize, available: usize) -> CaptureError {
        CaptureError::Truncated {
            offset: self.offset(),
            needed: needed as u64,
            available: available as u64,
        }
    }

    fn read_pcap_header(&mut self, magic: u32, be: bool) -> Result<(), CaptureError> {
        let avail = self.fill_to(24)?;
        let h = match self.buf.get(..24) {
            Some(h) if avail >= 24 => h,
            _ => return Err(self.truncated(24, avail)),
        };
        let rd16 = |o| u16_at(h, o, be).unwrap_or(0);
        let rd32 = |o| u32_at(h, o, be).unwrap_or(0);
        let (major, minor) = (rd16(4), rd16(6));
        let snaplen = rd32(16);
        // The top bits carry FCS information (LT_FCS_LENGTH); the link type is below.
        let link = LinkTypeNumber(rd32(20) & 0x03FF_FFFF);
        if major != 2 {
            return Err(CaptureError::BadHeader {
                offset: 0,
                reason: format!("pcap version {major}.{minor} (only 2.x is known)"),
            });
        }
        let st = PcapState {
            be,
            nsec: magic == MAGIC_NSEC,
            link,
            hdr_len: if magic == MAGIC_MODIFIED { 24 } else { 16 },
            swapped_lens: minor <= 3,
        };
        self.format = FileFormat::Pcap {
            nanosecond: st.nsec,
            big_endian: be,
            modified: magic == MAGIC_MODIFIED,
            version_major: major,
            version_minor: minor,
            snaplen,
            link,
        };
        self.kind = Kind::Pcap(st);
        self.pos = 24;
        Ok(())
    }

    #[inline]
    fn next_pcap(&mut self, st: PcapState) -> Result<Option<Found>, CaptureError> {
        let hl = st.hdr_len;
        if let Buffer::Mapped(m) = &self.buf {
            self.touched = touch_ahead(m.bytes(), self.pos, self.touched);
        }
        if self.end - self.pos < hl {
            let avail = self.fill_to(hl)?;
            if avail == 0 {
                return Ok(None);
            }
            if avail < hl {
                return Err(self.truncated(hl, avail));
            }
        }
        let h = self.buf.get(self.pos..self.pos + 16).unwrap_or(&[]);
        let be = st.be;
        let (Some(sec), Some(frac), Some(mut caplen), Some(mut orig)) = (
            u32_at(h, 0, be),
            u32_at(h, 4, be),
            u32_at(h, 8, be),
            u32_at(h, 12, be),
        ) else {
            return Err(self.truncated(hl, self.end - self.pos));
        };
        if st.swapped_lens && caplen > orig {
            std::mem::swap(&mut caplen, &mut orig);
        }
        if caplen > MAX_RECORD_LEN {
            return Err(CaptureError::TooLarge {
                offset: self.offset(),
                claimed: u64::from(caplen),
                limit: u64::from(MAX_RECORD_LEN),
            });
        }
        let total = hl + caplen as usize;
        if self.end - self.pos < total {
            let avail = self.fill_to(total)?;
            if avail < total {
                return Err(self.truncated(total, avail));
            }
        }
        let start = self.pos + hl;
        self.pos += total;
        // Seconds are unsigned 32-bit in practice (files from after 2038 exist); a
        // fraction of a second or more is carried into the seconds.
        let ns = if st.nsec {
            u64::from(frac)
        } else {
            u64::from(frac) * 1000
        };
        let (ts_sec, ts_nsec) = split_ts(ns, 1_000_000_000, i64::from(sec));
        Ok(Some(Found {
            data: (start, start + caplen as usize),
            comment: None,
            ts_sec,
            ts_nsec,
            orig_len: orig,
            link: st.link,
            interface: 0,
        }))
    }

    /// Checks the first block is a usable SHB; reads nothing past it.
    fn read_first_shb(&mut self) -> Result<(), CaptureError> {
        let avail = self.fill_to(12)?;
        if avail < 12 {
            return Err(self.truncated(12, avail));
        }
        let bom = self.buf.get(8..12).unwrap_or(&[]);
        if u32_at(bom, 0, false) != Some(BOM) && u32_at(bom, 0, true) != Some(BOM) {
            let mut magic = [0u8; 4];
            magic.copy_from_slice(self.buf.get(..4).unwrap_or(&[0; 4]));
            return Err(CaptureError::NotACapture { magic });
        }
        self.format = FileFormat::PcapNg;
        Ok(())
    }

    fn bad_block(&self, block_type: u32, reason: impl Into<String>) -> CaptureError {
        CaptureError::BadBlock {
            offset: self.offset(),
            block_type,
            reason: reason.into(),
        }
    }

    fn next_ng(&mut self) -> Result<Option<Found>, CaptureError> {
        loop {
            if let Buffer::Mapped(m) = &self.buf {
                self.touched = touch_ahead(m.bytes(), self.pos, self.touched);
            }
            let avail = self.fill_to(12)?;
            if avail == 0 {
                return Ok(None);
            }
            if avail < 12 {
                return Err(self.truncated(12, avail));
            }
            let blk = self.buf.get(self.pos..self.end).unwrap_or(&[]);
            let be = match &mut self.kind {
                Kind::Ng(ng) => &mut ng.be,
                Kind::Pcap(_) => return Ok(None),
            };
            let btype = u32_at(blk, 0, *be).unwrap_or(0);
            if btype == BT_SHB {
                // The section's byte order comes from its own byte-order magic.
                match (u32_at(blk, 8, false), u32_at(blk, 8, true)) {
                    (Some(BOM), _) => *be = false,
                    (_, Some(BOM)) => *be = true,
                    _ => {
                        return Err(CaptureError::BadHeader {
                            offset: self.offset(),
                            reason: "section header with an unknown byte-order magic".into(),
                        });
                    }
                }
            }
            let be = *be;
            let len = u32_at(blk, 4, be).unwrap_or(0);
            if len < 12 {
                return Err(self.bad_block(btype, format!("block length {len} is under 12")));
            }
            if len % 4 != 0 {
                return Err(
                    self.bad_block(btype, format!("block length {len} is not a multiple of 4"))
                );
            }
            if len > MAX_RECORD_LEN {
                return Err(CaptureError::TooLarge {
                    offset: self.offset(),
                    claimed: u64::from(len),
                    limit: u64::from(MAX_RECORD_LEN),
                });
            }
            let len = len as usize;
            let avail = self.fill_to(len)?;
            if avail < len {
                return Err(self.truncated(len, avail));
            }
            let start = self.pos;
            let blk = self.buf.get(start..start + len).unwrap_or(&[]);
            let trailer = u32_at(blk, len - 4, be).unwrap_or(0);
            if trailer as usize != len {
                return Err(self.bad_block(
                    btype,
                    format!("block length {len} and trailing length {trailer} differ"),
                ));
            }
            let found = match btype {
                BT_SHB => {
                    self.section_header(start, len, be)?;
                    None
                }
                BT_IDB => {
                    self.interface_block(start, len, be)?;
                    None
                }
                BT_EPB | BT_PB => Some(self.packet_block(btype, start, len, be)?),
                BT_SPB => Some(self.simple_block(start, len, be)?),
                _ => None,
            };
            self.pos = start + len;
            if found.is_some() {
                return Ok(found);
            }
        }
    }

    fn section_header(&mut self, start: usize, len: usize, be: bool) -> Result<(), CaptureError> {
        let blk = self.buf.get(start..start + len).unwrap_or(&[]);
        let (Some(major), Some(minor)) = (u16_at(blk, 12, be), u16_at(blk, 14, be)) else {
            return Err(self.bad_block(BT_SHB, "section header shorter than 28 bytes"));
        };
        if len < 28 {
            return Err(self.bad_block(BT_SHB, "section header shorter than 28 bytes"));
        }
        if major != 1 {
            return Err(CaptureError::BadHeader {
                offset: self.offset(),
                reason: format!("pcapng version {major}.{minor} (only 1.x is known)"),
            });
        }
        self.section_comment = blk.get(24..len - 4).and_then(|opts| {
            options(opts, be)
                .find(|&(c, _, _)| c == OPT_COMMENT)
                .and_then(|(_, s, e)| opts.get(s..e))
                .map(|c| String::from_utf8_lossy(c).into_owned())
        });
        let first_iface = self.interfaces.len();
        if let Kind::Ng(ng) = &mut self.kind {
            ng.first_iface = first_iface;
            ng.sections += 1;
        }
        Ok(())
    }

    fn interface_block(&mut self, start: usize, len: usize, be: bool) -> Result<(), CaptureError> {
        let blk = self.buf.get(start..start + len).unwrap_or(&[]);
        let (Some(link), Some(snaplen)) = (u16_at(blk, 8, be), u32_at(blk, 12, be)) else {
            return Err(self.bad_block(BT_IDB, "interface block shorter than 20 bytes"));
        };
        if len < 20 {
            return Err(self.bad_block(BT_IDB, "interface block shorter than 20 bytes"));
        }
        if self.interfaces.len() >= MAX_INTERFACES {
            return Err(self.bad_block(BT_IDB, format!("more than {MAX_INTERFACES} interfaces")));
        }
        let mut info = InterfaceInfo {
            link: LinkTypeNumber(u32::from(link)),
            snaplen,
            units_per_sec: 1_000_000,
            ts_offset: 0,
            name: None,
            section: match &self.kind {
                Kind::Ng(ng) => ng.sections.saturating_sub(1),
                Kind::Pcap(_) => 0,
            },
        };
        let opts = blk.get(16..len - 4).unwrap_or(&[]);
        for (code, s, e) in options(opts, be) {
            let v = opts.get(s..e).unwrap_or(&[]);
            match code {
                IF_TSRESOL => {
                    if let Some(&r) = v.first() {
                        info.units_per_sec = tsresol_units(r);
                    }
                }
                IF_TSOFFSET => {
                    if let Some(o) = u64_at(v, 0, be) {
                        info.ts_offset = o as i64;
                    }
                }
                IF_NAME => {
                    let v = v.get(..v.len().min(MAX_NAME_LEN)).unwrap_or(v);
                    info.name = Some(String::from_utf8_lossy(v).into_owned());
                }
                _ => {}
            }
        }
        self.interfaces.push(info);
        Ok(())
    }

    /// The global index and description of section-local interface `id`.
    fn interface(&self, id: u32) -> Option<(usize, &InterfaceInfo)> {
        let first = match &self.kind {
            Kind::Ng(ng) => ng.first_iface,
            Kind::Pcap(_) => return None,
        };
        let g = first.checked_add(usize::try_from(id).ok()?)?;
        self.interfaces.get(g).map(|i| (g, i))
    }

    fn unknown_interface(&self, id: u32) -> CaptureError {
        let first = match &self.kind {
            Kind::Ng(ng) => ng.first_iface,
            Kind::Pcap(_) => 0,
        };
        CaptureError::UnknownInterface {
            offset: self.offset(),
            interface: id,
            known: u32::try_from(self.interfaces.len().saturating_sub(first)).unwrap_or(u32::MAX),
        }
    }

    /// An EPB, or an obsolete PB (16-bit interface id and a drops count in its place).
    fn packet_block(
        &self,
        btype: u32,
        start: usize,
        len: usize,
        be: bool,
    ) -> Result<Found, CaptureError> {
        let blk = self.buf.get(start..start + len).unwrap_or(&[]);
        let fields = (
            if btype == BT_PB {
                u16_at(blk, 8, be).map(u32::from)
            } else {
                u32_at(blk, 8, be)
            },
            u32_at(blk, 12, be),
            u32_at(blk, 16, be),
            u32_at(blk, 20, be),
            u32_at(blk, 24, be),
        );
        let (Some(id), Some(hi), Some(lo), Some(caplen), Some(orig)) = fields else {
            return Err(self.bad_block(btype, "packet block shorter than 32 bytes"));
        };
        if len < 32 {
            return Err(self.bad_block(btype, "packet block shorter than 32 bytes"));
        }
        let data_end = pad4(caplen as usize).and_then(|p| p.checked_add(28));
        let opt_start = match data_end {
            Some(e) if e <= len - 4 => e,
            _ => {
                return Err(self.bad_block(
                    btype,
                    format!("captured length {caplen} runs past the block's {len} bytes"),
                ));
            }
        };
        let Some((g, iface)) = self.interface(id) else {
            return Err(self.unknown_interface(id));
        };
        let raw = (u64::from(hi) << 32) | u64::from(lo);
        let (ts_sec, ts_nsec) = split_ts(raw, iface.units_per_sec, iface.ts_offset);
        let comment = if opt_start < len - 4 {
            find_comment(&self.buf, start + opt_start, start + len - 4, be)
        } else {
            None
        };
        Ok(Found {
            data: (start + 28, start + 28 + caplen as usize),
            comment,
            ts_sec,
            ts_nsec,
            orig_len: orig,
            link: iface.link,
            interface: u32::try_from(g).unwrap_or(u32::MAX),
        })
    }

    /// An SPB: interface 0 of the section, no timestamp; the captured length is the
    /// smallest of the original length, the interface's snaplen and the block's room.
    fn simple_block(&self, start: usize, len: usize, be: bool) -> Result<Found, CaptureError> {
        let blk = self.buf.get(start..start + len).unwrap_or(&[]);
        let Some(orig) = u32_at(blk, 8, be) else {
            return Err(self.bad_block(BT_SPB, "simple packet block shorter than 16 bytes"));
        };
        if len < 16 {
            return Err(self.bad_block(BT_SPB, "simple packet block shorter than 16 bytes"));
        }
        let Some((g, iface)) = self.interface(0) else {
            return Err(self.unknown_interface(0));
        };
        let mut caplen = (len - 16).min(orig as usize);
        if iface.snaplen != 0 {
            caplen = caplen.min(iface.snaplen as usize);
        }
        Ok(Found {
            data: (start + 12, start + 12 + caplen),
            comment: None,
            ts_sec: 0,
            ts_nsec: 0,
            orig_len: orig,
            link: iface.link,
            interface: u32::try_from(g).unwrap_or(u32::MAX),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamp_resolutions() {
        assert_eq!(split_ts(1_500_000, 1_000_000, 0), (1, 500_000_000));
        assert_eq!(
            split_ts(1_500_000_001, 1_000_000_000, 10),
            (11, 500_000_001)
        );
        assert_eq!(split_ts(3, 2, -1), (0, 500_000_000));
        assert_eq!(tsresol_units(6), 1_000_000);
        assert_eq!(tsresol_units(9), 1_000_000_000);
        assert_eq!(tsresol_units(0x80 | 10), 1024);
        assert_eq!(tsresol_units(0x7f), u64::MAX);
        assert_eq!(split_ts(u64::MAX, u64::MAX, 0), (1, 0));
    }

    #[test]
    fn options_stop_at_bad_length() {
        // comment "hi", then an option claiming 100 bytes.
        let b = [1, 0, 2, 0, b'h', b'i', 0, 0, 5, 0, 100, 0, 1, 2];
        let v: Vec<_> = options(&b, false).collect();
        assert_eq!(v, vec![(1, 4, 6)]);
    }
}
