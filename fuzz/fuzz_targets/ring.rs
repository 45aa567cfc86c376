//! The capture ring's reader (src/capture/live/ring.rs) over blocks of arbitrary bytes in
//! memory (`RingSource::in_memory`): the same code, `unsafe` blocks included, as reads the
//! kernel's ring, run under the address sanitizer. The first byte picks the block size,
//! cooked or raw, and whether every block is marked as handed to user space; every packet
//! read is dissected as `sniff` would.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pktforge::LinkType;
use pktforge::capture::live::Cooked;
use pktforge::capture::live::ring::RingSource;
use pktforge::capture::{LinkTypeNumber, PacketSource};
use pktforge::dissect::{Dissection, dissect_frame};

/// Offset of the status word in a block descriptor, and "user space owns the block".
const STATUS: usize = 8;
const TP_STATUS_USER: u8 = 1;

fuzz_target!(|input: &[u8]| {
    let Some((&cfg, rest)) = input.split_first() else {
        return;
    };
    let block_size = 256usize << (cfg & 3);
    let (cooked, link) = match (cfg >> 2) & 3 {
        1 => (Some(Cooked::Sll2), LinkTypeNumber::LINUX_SLL2),
        2 => (Some(Cooked::Sll), LinkTypeNumber::LINUX_SLL),
        _ => (None, LinkTypeNumber::ETHERNET),
    };
    let mut blocks = rest.to_vec();
    if cfg & 0x10 != 0 {
        for b in blocks.chunks_mut(block_size) {
            if let Some(s) = b.get_mut(STATUS) {
                *s |= TP_STATUS_USER;
            }
        }
    }
    let snap = if cfg & 0x20 != 0 { 96 } else { 262_144 };
    let mut ring = RingSource::in_memory(&blocks, block_size, link, cooked, snap);
    let mut n = 0usize;
    // A block holds at most one packet per byte (each next offset is past the last).
    let most = block_size.saturating_mul(64);
    while let Some(r) = ring.next_packet() {
        let Ok(p) = r else { break };
        n += 1;
        assert!(n <= most, "more packets than the blocks can hold");
        assert!(
            p.data.len() as u64 <= u64::from(p.orig_len),
            "caplen above the wire length"
        );
        assert!(p.data.len() <= snap as usize);
        let link = LinkType::from_pcap(p.link.0);
        // A new dissection per packet: the packet is borrowed from the ring until the
        // next read.
        let mut d = Dissection::new();
        dissect_frame(link, p.data, p.orig_len as usize, &mut d);
        let _ = d.layers().len();
    }
});
