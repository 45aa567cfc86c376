//! Capture files: reading pcap and pcapng (plain or gzip), writing pcap and pcapng.
//!
//! - [`CaptureReader`] streams packets out of a file or standard input with bounded memory,
//!   lending each packet's bytes until the next call (see [`reader`] for the formats read
//!   and what happens with damaged or hostile files); [`CaptureReader::open_mapped`] maps a
//!   regular file instead and lends packets straight out of the mapping ([`MappedFile`]).
//! - [`PcapWriter`] writes classic pcap; [`PcapNgWriter`] writes pcapng (one interface per
//!   link type seen).
//! - [`PacketSource`] is what the read pipeline takes: a file ([`FileSource`]), a live
//!   socket, or packets in memory ([`MemorySource`]).
//! - [`MergeSource`] reads several sources as one, merged by time as `mergecap` does or
//!   one after the other.
//! - [`LinkTypeNumber`] names the `LINKTYPE_*` numbers both formats use.

pub mod linktype;
pub mod live;
pub mod mapped;
pub mod merge;
pub mod pcap_writer;
pub mod pcapng_writer;
pub mod reader;
pub mod source;

pub use linktype::LinkTypeNumber;
pub use mapped::MappedFile;
pub use merge::MergeSource;
pub use pcap_writer::PcapWriter;
pub use pcapng_writer::PcapNgWriter;
pub use reader::{CaptureError, CaptureReader, FileFormat, InterfaceInfo, RawPacket};
pub use source::{FileSource, MemorySource, OwnedPacket, PacketSource};
