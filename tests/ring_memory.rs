//! The capture ring's reader over blocks in memory (`RingSource::in_memory`, the `ring`
//! fuzz target's fake of the kernel's ring): blocks laid out as the kernel lays out a
//! TPACKET_V3 ring give back exactly their packets, raw and cooked; blocks that lie about
//! their layout are counted and skipped, never read past; the ring ends at the first block
//! the "kernel" has not filled.

use std::path::Path;

use pktforge::capture::live::Cooked;
use pktforge::capture::live::ring::RingSource;
use pktforge::capture::{CaptureReader, LinkTypeNumber, PacketSource};

const BLOCK: usize = 4096;
const DESC: usize = 48;
const MAC: usize = 48 + 20 + 12;

/// Ethernet frames of a bundled capture: (ts_sec, ts_nsec, bytes).
fn frames() -> Vec<(u32, u32, Vec<u8>)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("captures/server-ether.pcap");
    let mut r = CaptureReader::open(&path).expect("captures/server-ether.pcap opens");
    let mut out = Vec::new();
    while let Some(Ok(p)) = r.next_packet() {
        if p.data.len() + MAC + 16 <= BLOCK - DESC {
            out.push((p.ts_sec as u32, p.ts_nsec, p.data.to_vec()));
        }
    }
    assert!(out.len() > 100, "the capture has packets");
    out
}

fn put32(b: &mut [u8], at: usize, v: u32) {
    b[at..at + 4].copy_from_slice(&v.to_ne_bytes());
}

/// Lays out `frames` in blocks as the kernel does (descriptor, then per packet its
/// tpacket3_hdr, sockaddr_ll and frame, 16-aligned); returns the ring and the packets in
/// each block.
fn ring_of(frames: &[(u32, u32, Vec<u8>)]) -> (Vec<u8>, Vec<usize>) {
    let mut ring = Vec::new();
    let mut counts = Vec::new();
    let mut rest = frames;
    while !rest.is_empty() {
        let mut blk = vec![0u8; BLOCK];
        let mut off = DESC;
        let mut at = Vec::new();
        for f in rest {
            let need = (MAC + f.2.len() + 15) & !15;
            if off + need > BLOCK {
                break;
            }
            at.push(off);
            off += need;
        }
        put32(&mut blk, 0, 1); // version
        put32(&mut blk, 8, 1); // TP_STATUS_USER
        put32(&mut blk, 12, at.len() as u32);
        put32(&mut blk, 16, at.first().map_or(0, |o| *o as u32));
        put32(&mut blk, 20, off as u32);
        for (k, &o) in at.iter().enumerate() {
            let (sec, nsec, data) = &rest[k];
            let next = at.get(k + 1).map_or(0, |n| n - o);
            put32(&mut blk, o, next as u32);
            put32(&mut blk, o + 4, *sec);
            put32(&mut blk, o + 8, *nsec);
            put32(&mut blk, o + 12, data.len() as u32);
            put32(&mut blk, o + 16, data.len() as u32 + 4); // wire length: 4 more
            blk[o + 24..o + 26].copy_from_slice(&(MAC as u16).to_ne_bytes());
            // sockaddr_ll: family, protocol (big-endian), ifindex 2, hatype 1, pkttype, halen.
            blk[o + 48..o + 50].copy_from_slice(&17u16.to_ne_bytes());
            blk[o + 50..o + 52].copy_from_slice(&data[12..14]);
            blk[o + 52..o + 56].copy_from_slice(&2i32.to_ne_bytes());
            blk[o + 56..o + 58].copy_from_slice(&1u16.to_ne_bytes());
            blk[o + 58] = 0;
            blk[o + 59] = 6;
            blk[o + 60..o + 66].copy_from_slice(&data[6..12]);
            blk[o + MAC..o + MAC + data.len()].copy_from_slice(data);
        }
        counts.push(at.len());
        rest = &rest[at.len()..];
        ring.extend_from_slice(&blk);
    }
    (ring, counts)
}

fn read_all(r: &mut RingSource) -> Vec<(i64, u32, u32, Vec<u8>)> {
    let mut out = Vec::new();
    while let Some(p) = r.next_packet() {
        let p = p.expect("no error from a ring in memory");
        out.push((p.ts_sec, p.ts_nsec, p.orig_len, p.data.to_vec()));
    }
    out
}

#[test]
fn blocks_laid_out_as_the_kernel_does_give_back_their_packets() {
    let f = frames();
    let f = &f[..f.len().min(300)];
    let (ring, counts) = ring_of(f);
    assert!(counts.len() > 2, "several blocks");
    let mut r = RingSource::in_memory(&ring, BLOCK, LinkTypeNumber::ETHERNET, None, 262_144);
    let got = read_all(&mut r);
    assert_eq!(got.len(), f.len());
    for (g, w) in got.iter().zip(f) {
        assert_eq!(g.0, i64::from(w.0));
        assert_eq!(g.1, w.1);
        assert_eq!(g.2 as usize, w.2.len() + 4);
        assert_eq!(g.3, w.2);
    }
    assert_eq!(r.bad_blocks(), 0);
}

#[test]
fn a_cooked_ring_prefixes_the_sll2_and_sll_headers() {
    let f = frames();
    let f = &f[..20];
    let (ring, _) = ring_of(f);
    for (c, link, hlen) in [
        (Cooked::Sll2, LinkTypeNumber::LINUX_SLL2, 20),
        (Cooked::Sll, LinkTypeNumber::LINUX_SLL, 16),
    ] {
        let mut r = RingSource::in_memory(&ring, BLOCK, link, Some(c), 262_144);
        let got = read_all(&mut r);
        assert_eq!(got.len(), f.len());
        for (g, w) in got.iter().zip(f) {
            assert_eq!(g.3.len(), w.2.len() + hlen, "{c:?}");
            assert_eq!(&g.3[hlen..], &w.2[..], "{c:?}");
        }
    }
}

#[test]
fn the_snap_length_cuts_and_the_ring_ends_at_an_unfilled_block() {
    let f = frames();
    let (mut ring, counts) = ring_of(&f[..f.len().min(200)]);
    // Hand the third block back to the kernel: the reader stops before it.
    put32(&mut ring, 2 * BLOCK + 8, 0);
    let mut r = RingSource::in_memory(&ring, BLOCK, LinkTypeNumber::ETHERNET, None, 64);
    let got = read_all(&mut r);
    assert_eq!(got.len(), counts[0] + counts[1]);
    assert!(got.iter().all(|g| g.3.len() <= 64));
}

#[test]
fn blocks_that_lie_about_their_layout_are_skipped_not_read_past() {
    let f = frames();
    let (ring, counts) = ring_of(&f[..f.len().min(200)]);
    let lies: [(usize, u32); 6] = [
        (12, u32::MAX),           // num_pkts: more than any block holds
        (16, 4),                  // first packet inside the descriptor
        (16, BLOCK as u32 - 8),   // first packet's header past the block
        (20, 0),                  // valid length 0
        (DESC + 24, 0xffff),      // tp_mac past the block (first packet's header)
        (DESC + 12, 0x7fff_ffff), // tp_snaplen past the block
    ];
    for (at, v) in lies {
        let mut bad = ring.clone();
        put32(&mut bad, at, v);
        if at == DESC + 24 {
            bad[at..at + 2].copy_from_slice(&0xffffu16.to_ne_bytes());
        }
        let mut r = RingSource::in_memory(&bad, BLOCK, LinkTypeNumber::ETHERNET, None, 262_144);
        let got = read_all(&mut r);
        assert!(r.bad_blocks() >= 1, "lie at {at} noticed");
        // The other blocks are read whole.
        let rest: usize = counts[1..].iter().sum();
        assert!(got.len() >= rest, "lie at {at}: {} of {rest}", got.len());
    }
    // A next offset that points back loops no more than the block's count allows.
    let mut bad = ring.clone();
    put32(&mut bad, DESC, 0);
    let mut r = RingSource::in_memory(&bad, BLOCK, LinkTypeNumber::ETHERNET, None, 262_144);
    let got = read_all(&mut r);
    assert!(got.len() <= counts.iter().sum::<usize>());
}
