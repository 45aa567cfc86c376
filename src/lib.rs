//! # pktforge
//!
//! A scapy-style packet crafting and analysis library. Packets are stacks of layers composed
//! with `/`, built to the same bytes scapy builds, and dissected back into the same layers.
//!
//! ```
//! use pktforge::prelude::*;
//!
//! // Craft: unset lengths, checksums and protocol numbers are computed.
//! let p = Ether::new().src("00:00:00:00:00:00").dst("ff:ff:ff:ff:ff:ff")
//!     / IP::new().src("192.0.2.2").dst("192.0.2.1")
//!     / TCP::new().dport(80).flags("S").options(vec![TcpOption::Mss(1460)]);
//! let bytes = p.build().unwrap();
//! assert_eq!(bytes.len(), 14 + 20 + 24);
//!
//! // Dissect: every field comes back, with the values that were computed.
//! let q = Packet::parse(LinkType::Ether, &bytes);
//! assert_eq!(q.layer::<TCP>().unwrap().flags, 0x02);
//! assert_eq!(q.summary(), "Ether / IP / TCP 192.0.2.2:ftp_data > 192.0.2.1:http S");
//! assert_eq!(q.build().unwrap(), bytes);
//!
//! // Fields by name, with scapy's value names.
//! let mut r = IP::new() / ICMP::new();
//! r.set("ICMP", "type", "echo-reply").unwrap();
//! assert_eq!(r.layer::<ICMP>().unwrap().type_, 0);
//! ```
//!
//! Automatic fields are `Option`s: `None` is computed at build time, `Some(v)` is written
//! as given, even when wrong (bad checksums and lying lengths are part of the job).

// `unsafe` is denied everywhere but where it cannot be avoided, each place allowed by name
// with a `// SAFETY:` comment: mapping capture files (src/capture/mapped.rs).
#![deny(unsafe_code)]
#![warn(missing_docs)]
#![allow(non_camel_case_types)]

pub mod bind;
pub mod capture;
pub mod checksum;
pub mod cli;
pub mod dissect;
pub mod dsl;
pub mod error;
#[cfg(feature = "export")]
pub mod export;
pub mod fields;
pub mod filter;
pub mod layers;
pub mod limits;
pub mod mac;
pub mod net;
pub mod output;
pub mod packet;
pub mod pipeline;
pub use net::route;
pub mod services;
pub mod stats;
pub mod value;
pub mod wire;

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

pub use error::{BuildError, FieldError, ParseError};
pub use layers::{Layer, LayerKind};
pub use mac::MacAddr;
pub use packet::{LinkType, Packet};
pub use value::{FieldDesc, FieldKind, Value};

/// Everything needed to craft and dissect packets: `use pktforge::prelude::*;`.
pub mod prelude {
    pub use crate::error::{BuildError, FieldError, ParseError};
    pub use crate::layers::dns::{DNSRRData, EdnsOption};
    pub use crate::layers::ip::IpOption;
    pub use crate::layers::ipv6::Ipv6Option;
    pub use crate::layers::tcp::TcpOption;
    pub use crate::layers::*;
    pub use crate::mac::MacAddr;
    pub use crate::packet::{LinkType, Packet};
    pub use crate::value::Value;
}
