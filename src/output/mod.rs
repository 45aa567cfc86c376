//! Output formats for dissected packets: one set of writers for `read` and `sniff`.
//!
//! [`Format`] says what to write for each packet and [`Format::write_packet`] writes it:
//! the tcpdump line ([`line`]), the `-v` tree ([`tree`]), chosen fields ([`columns`]),
//! JSON ([`json`]) and hex ([`hex`]). [`CaptureSink`] copies packets to a pcap or pcapng
//! file (`-w`).
//!
//! [`json`] writes one flat JSON object per packet (JSON Lines), keyed by Wireshark's field
//! names, with the values `tshark -T fields` prints: `pktforge read --json`.
//!
//! ```
//! use pktforge::dissect::{Dissection, dissect};
//! use pktforge::output::{FrameMeta, write_json};
//! use pktforge::prelude::*;
//!
//! let bytes = (Ether::new().src("02:00:00:00:00:01").dst("02:00:00:00:00:02")
//!     / IP::new().src("192.0.2.1").dst("192.0.2.2").id(7)
//!     / UDP::new().sport(5000).dport(9))
//!     .build()
//!     .unwrap();
//! let mut d = Dissection::new();
//! dissect(LinkType::Ether, &bytes, &mut d);
//! let meta = FrameMeta { number: 1, ts_sec: 1, ts_nsec: 500, orig_len: 42, cap_len: 42 };
//! let mut out = Vec::new();
//! write_json(&meta, &d, &mut out);
//! let line = String::from_utf8(out).unwrap();
//! assert!(line.starts_with(r#"{"frame.number":1,"frame.time_epoch":1.000000500,"#));
//! assert!(line.contains(r#""frame.protocols":"eth:ethertype:ip:udp""#));
//! assert!(line.contains(r#""ip.id":"0x0007""#));
//! assert!(line.ends_with("}\n"));
//! ```

pub mod columns;
pub mod format;
pub mod hex;
pub mod json;
pub mod line;
pub mod sink;
pub(crate) mod text;
pub mod tree;

pub use format::{Format, PacketRef};
pub use json::{write_json, write_json_fields};
pub use sink::{CaptureSink, SinkError};

/// What the capture file says about a frame, besides its bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FrameMeta {
    /// Frame number, from 1 (`frame.number`).
    pub number: u64,
    /// Seconds since the Unix epoch.
    pub ts_sec: i64,
    /// Nanoseconds within the second (0..1e9).
    pub ts_nsec: u32,
    /// Length on the wire (`frame.len`).
    pub orig_len: u32,
    /// Captured length (`frame.cap_len`).
    pub cap_len: u32,
}
