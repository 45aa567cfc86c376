//! Every bound pktforge puts on what untrusted input can make it do, in one place.
//!
//! Packets, capture files, DSL text and filter text are untrusted: none of them can make
//! pktforge loop, recurse or allocate without bound. Each bound below is the constant the
//! code that enforces it uses (re-exported or referenced here, so this table cannot drift
//! from the code), what it bounds, and what happens past it. The README's "Resource
//! bounds" section lists the same table; a test checks that it does.
//!
//! Bounds that need no constant, because the input's own length bounds them:
//! - every layer consumes at least one byte or ends the packet, and a DNS question (5
//!   bytes) or record (11 bytes) at least its fixed part, so record counts that promise
//!   more than the bytes hold stop at the end of the message;
//! - streams (a gzip file, standard input) are read through one buffer of
//!   [`READ_BUFFER`] bytes, grown only to hold one record (at most [`MAX_RECORD_LEN`]);
//! - reading a mapped file maps it, and releases the pages behind the walk, so resident
//!   memory stays within a few chunks of 1 MiB per thread whatever the file's size.

/// One bound: its name, value, unit, what it bounds and what happens beyond it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// The constant's name.
    pub name: &'static str,
    /// Its value.
    pub value: u64,
    /// The unit of `value`.
    pub unit: &'static str,
    /// What it bounds.
    pub bounds: &'static str,
    /// What happens beyond it.
    pub beyond: &'static str,
}

pub use crate::capture::reader::{MAX_INTERFACES, MAX_RECORD_LEN};
pub use crate::dissect::MAX_LAYERS;
pub use crate::dsl::parser::{MAX_DEPTH as MAX_DSL_DEPTH, MAX_REPEAT as MAX_DSL_REPEAT};
pub use crate::filter::bpf::{MAX_COMPILE_DEPTH as MAX_BPF_DEPTH, MAX_INSNS as MAX_BPF_INSNS};
pub use crate::filter::lex::MAX_LEN as MAX_FILTER_LEN;
pub use crate::filter::parse::MAX_DEPTH as MAX_FILTER_DEPTH;
pub use crate::layers::dns::{MAX_JUMPS as MAX_DNS_POINTERS, MAX_NAME_WIRE as MAX_DNS_NAME};
pub use crate::net::sr::MAX_PROBES;

/// The capture reader's buffer for streams, and the size of each read.
pub const READ_BUFFER: usize = crate::capture::reader::BUF_LEN;

/// The table (see the [module docs](self)).
pub const ALL: &[Limit] = &[
    Limit {
        name: "MAX_RECORD_LEN",
        value: MAX_RECORD_LEN as u64,
        unit: "bytes",
        bounds: "one pcap record or pcapng block",
        beyond: "the file is damaged there: every packet before it is read, then an error \
                 names the offset (exit 1)",
    },
    Limit {
        name: "MAX_INTERFACES",
        value: MAX_INTERFACES as u64,
        unit: "interfaces",
        bounds: "pcapng interface descriptions in one file",
        beyond: "an error at the block that adds one more (exit 1)",
    },
    Limit {
        name: "MAX_IF_NAME",
        value: crate::capture::reader::MAX_NAME_LEN as u64,
        unit: "bytes",
        bounds: "an interface name kept from a pcapng file",
        beyond: "the name is cut",
    },
    Limit {
        name: "MAX_LAYERS",
        value: MAX_LAYERS as u64,
        unit: "layers",
        bounds: "layers decoded from one packet (tunnels, stacked VLANs, extension headers)",
        beyond: "the rest of the packet is one raw layer",
    },
    Limit {
        name: "MAX_DNS_NAME",
        value: MAX_DNS_NAME as u64,
        unit: "bytes",
        bounds: "a DNS name on the wire, after decompression (RFC 1035)",
        beyond: "the DNS layer is marked malformed; the layers below stay decoded",
    },
    Limit {
        name: "MAX_DNS_POINTERS",
        value: MAX_DNS_POINTERS as u64,
        unit: "pointers",
        bounds: "compression pointers followed in one DNS name (loops included)",
        beyond: "the DNS layer is marked malformed (compression pointer loop)",
    },
    Limit {
        name: "MAX_ICMPV6_QUOTE_DEPTH",
        value: crate::layers::icmpv6::MAX_QUOTE_DEPTH as u64,
        unit: "levels",
        bounds: "Redirected Header options quoting packets that quote packets",
        beyond: "deeper quotes stay raw bytes",
    },
    Limit {
        name: "MAX_DSL_DEPTH",
        value: MAX_DSL_DEPTH as u64,
        unit: "levels",
        bounds: "nesting of brackets and calls in a DSL expression",
        beyond: "a parse error at the bracket that goes deeper (exit 2)",
    },
    Limit {
        name: "MAX_DSL_REPEAT",
        value: MAX_DSL_REPEAT as u64,
        unit: "bytes",
        bounds: "a string or bytes value built with `*` in the DSL",
        beyond: "an error that names the limit (exit 2)",
    },
    Limit {
        name: "MAX_DSL_FUZZ_BYTES",
        value: crate::dsl::fuzz::MAX_FUZZ_BYTES,
        unit: "bytes",
        bounds: "a random payload made by fuzz() for an empty bytes field",
        beyond: "never larger (scapy's RandBin(RandNum(0, 1200)))",
    },
    Limit {
        name: "MAX_FILTER_LEN",
        value: MAX_FILTER_LEN as u64,
        unit: "bytes",
        bounds: "a filter expression",
        beyond: "an error before parsing (exit 2)",
    },
    Limit {
        name: "MAX_FILTER_DEPTH",
        value: MAX_FILTER_DEPTH as u64,
        unit: "levels",
        bounds: "nesting of parentheses, `not`s and arithmetic in a filter",
        beyond: "an error with a caret at the term that goes deeper (exit 2)",
    },
    Limit {
        name: "MAX_FILTER_RHS",
        value: crate::filter::eval::MAX_RHS as u64,
        unit: "occurrences",
        bounds: "occurrences of the right-hand field kept for a field-to-field comparison",
        beyond: "later occurrences are not compared",
    },
    Limit {
        name: "MAX_BPF_INSNS",
        value: MAX_BPF_INSNS as u64,
        unit: "instructions",
        bounds: "a compiled BPF program (Linux's and libpcap's BPF_MAXINSNS)",
        beyond: "the filter is refused for BPF with a message (exit 2)",
    },
    Limit {
        name: "MAX_BPF_DEPTH",
        value: MAX_BPF_DEPTH as u64,
        unit: "levels",
        bounds: "nesting of the filter tree the BPF compiler follows",
        beyond: "the filter is refused for BPF with a message (exit 2)",
    },
    Limit {
        name: "MAX_PROBES",
        value: MAX_PROBES as u64,
        unit: "packets",
        bounds: "distinct packets an expression given to send, sendp, sr, srp or ping expands to",
        beyond: "an error that names the limit (exit 2); repeat a smaller set with `--count`",
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_values_set() {
        for (i, l) in ALL.iter().enumerate() {
            assert!(l.value > 0, "{}", l.name);
            assert!(
                ALL[..i].iter().all(|m| m.name != l.name),
                "{} twice",
                l.name
            );
        }
    }
}
