//! Capture files and sources. For now: writing classic pcap files.

pub mod pcap_writer;

pub use pcap_writer::{LinkTypeNumber, PcapWriter};
