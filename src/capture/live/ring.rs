//! The kernel side of live capture: an `AF_PACKET` socket with a `TPACKET_V3` receive ring,
//! plus the few other system calls a capture needs (stop signals, dropping privileges).
//!
//! This is the only module of pktforge with `unsafe` code; every block says why it is
//! sound. The ring is shared with the kernel, so it is read as hostile input: a block is
//! only looked at once its status says user space owns it, and every offset and length
//! the kernel wrote (first packet, next packet, MAC offset, snap length, block length) is
//! checked against the block before a byte is read; a block that fails a check is handed
//! back and counted in [`RingSource::bad_blocks`], never trusted.
//!
//! How the socket is set up (as libpcap's `pcap-linux.c` does): the socket is opened with
//! protocol 0 so that it receives nothing, the ring is set up and mapped, the BPF program
//! is attached, and only then is the socket bound to the interface with `ETH_P_ALL`: no
//! packet that the filter would reject is ever queued. Promiscuous mode is a
//! `PACKET_ADD_MEMBERSHIP`, undone by the kernel when the socket closes. Timestamps are the
//! ring's own, in nanoseconds. `-i any` uses a `SOCK_DGRAM` socket (the kernel strips the
//! link header) and builds the Linux cooked header (SLL2, or SLL) in front of each packet
//! from the `sockaddr_ll` the kernel puts after each packet header.

#![allow(unsafe_code)]

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use super::{
    Cooked, LiveConfig, LiveError, LiveSource, LiveStats, StopFn, cooked_header, fix_cooked_program,
};
use crate::capture::{CaptureError, LinkTypeNumber, PacketSource, RawPacket};
use crate::filter::bpf::Insn;

// Kernel ABI numbers (linux/if_packet.h, linux/if_ether.h, asm/socket.h).
const SOL_PACKET: libc::c_int = 263;
const PACKET_ADD_MEMBERSHIP: libc::c_int = 1;
const PACKET_RX_RING: libc::c_int = 5;
const PACKET_STATISTICS: libc::c_int = 6;
const PACKET_VERSION: libc::c_int = 10;
const TPACKET_V3: libc::c_int = 2;
const PACKET_MR_PROMISC: libc::c_ushort = 1;
const ETH_P_ALL: u16 = 0x0003;
const SO_ATTACH_FILTER: libc::c_int = 26;
const TP_STATUS_KERNEL: u32 = 0;
const TP_STATUS_USER: u32 = 1;
const TP_STATUS_VLAN_VALID: u32 = 1 << 4;
const TP_STATUS_VLAN_TPID_VALID: u32 = 1 << 6;
const PACKET_OUTGOING: u8 = 4;

/// Size of `struct tpacket3_hdr`, and where `struct sockaddr_ll` follows it
/// (`TPACKET_ALIGN(sizeof(struct tpacket3_hdr))`).
const TP3_HDR_LEN: usize = 48;
/// Size of `struct sockaddr_ll`.
const SLL_LEN: usize = 20;
/// Size of `struct tpacket_block_desc` up to the end of `hdr.bh1`.
const BLOCK_DESC_LEN: usize = 48;
/// Most packets one block may claim (a block of 1 MiB holds at most 1 MiB / 64 packets of
/// the smallest frame; a larger count is a lie).
const MAX_PKTS_PER_BLOCK: usize = 1 << 16;

#[repr(C)]
struct TpacketReq3 {
    tp_block_size: libc::c_uint,
    tp_block_nr: libc::c_uint,
    tp_frame_size: libc::c_uint,
    tp_frame_nr: libc::c_uint,
    tp_retire_blk_tov: libc::c_uint,
    tp_sizeof_priv: libc::c_uint,
    tp_feature_req_word: libc::c_uint,
}

#[repr(C)]
#[derive(Default)]
struct TpacketStatsV3 {
    tp_packets: libc::c_uint,
    tp_drops: libc::c_uint,
    tp_freeze_q_cnt: libc::c_uint,
}

#[repr(C)]
struct PacketMreq {
    mr_ifindex: libc::c_int,
    mr_type: libc::c_ushort,
    mr_alen: libc::c_ushort,
    mr_address: [u8; 8],
}

/// The error of the last system call, as a [`LiveError::Os`] naming it.
fn os_err(what: &'static str) -> LiveError {
    LiveError::Os {
        what,
        source: io::Error::last_os_error(),
    }
}

fn setsockopt<T>(fd: &OwnedFd, level: libc::c_int, name: libc::c_int, v: &T) -> io::Result<()> {
    // SAFETY: `v` is a valid, initialised `T` for the duration of the call and the length
    // passed is its exact size; the kernel only reads it.
    let r = unsafe {
        libc::setsockopt(
            fd.as_raw_fd(),
            level,
            name,
            (v as *const T).cast::<libc::c_void>(),
            std::mem::size_of::<T>() as libc::socklen_t,
        )
    };
    if r == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// The ring's memory, unmapped on drop; or, for [`RingSource::in_memory`], a heap buffer
/// standing in for it (`heap` owns what `ptr` points to).
struct Mapping {
    ptr: *mut u8,
    len: usize,
    heap: Option<Box<[u64]>>,
}

// SAFETY: the mapping is plain shared memory owned by this value; moving it to another
// thread moves the only handle user space has to it.
unsafe impl Send for Mapping {}

impl Drop for Mapping {
    fn drop(&mut self) {
        if self.heap.is_some() {
            // The buffer frees itself.
            return;
        }
        // SAFETY: `ptr`/`len` are exactly what mmap returned and nothing borrows the
        // mapping any more (borrows of packets end before the source is dropped).
        unsafe {
            libc::munmap(self.ptr.cast::<libc::c_void>(), self.len);
        }
    }
}

/// A live capture through a `TPACKET_V3` ring: the `ring` backend.
pub struct RingSource {
    /// The socket; `None` for a ring in memory, which no kernel fills.
    fd: Option<OwnedFd>,
    map: Mapping,
    block_size: usize,
    block_nr: usize,
    /// The block being read, if user space holds one.
    current: Option<usize>,
    /// In the current block: packets left and the offset of the next one.
    left: usize,
    next_off: usize,
    link: LinkTypeNumber,
    cooked: Option<Cooked>,
    snaplen: u32,
    lo_ifindex: i32,
    scratch: Vec<u8>,
    name: String,
    stop: StopFn,
    deadline: Option<Instant>,
    poll_ms: i32,
    stats: LiveStats,
    seen: u64,
    bad_blocks: u64,
}

impl std::fmt::Debug for RingSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RingSource")
            .field("name", &self.name)
            .field("block_size", &self.block_size)
            .field("block_nr", &self.block_nr)
            .field("link", &self.link)
            .finish_non_exhaustive()
    }
}

/// The ring's geometry for an interface of this MTU: (block size, block count, frame size).
/// A block holds at least one packet of the largest size the interface can deliver (the
/// snap length, capped at MTU + link header + VLAN tags, 64 KiB for `any` and loopback),
/// is a power of two pages, at most 256 KiB unless one packet needs more and at most a
/// sixteenth of the buffer when it can (small blocks go back to the kernel sooner), and
/// there are at least 2 blocks; the ring is about `buffer` bytes.
pub fn geometry(
    buffer: usize,
    snaplen: u32,
    mtu: Option<u32>,
    page: usize,
) -> (usize, usize, usize) {
    let max_pkt = mtu.map_or(65_536, |m| m.saturating_add(64).min(65_536)) as usize;
    let pkt = (snaplen as usize).min(max_pkt);
    // Header, sockaddr_ll, MAC offset slack (the kernel aligns the network header), data.
    let frame = (TP3_HDR_LEN + SLL_LEN + 32 + pkt).next_multiple_of(16);
    let mut block = page.max(1);
    while block < frame {
        block = block.saturating_mul(2);
    }
    while block < (1 << 18) && block.saturating_mul(16) <= buffer {
        block = block.saturating_mul(2);
    }
    let nr = (buffer / block).max(2);
    (block, nr, frame)
}

impl RingSource {
    /// Opens the capture. `ifindex` 0 is `any`; `cooked` makes it a `SOCK_DGRAM` socket
    /// whose packets get that header; `mtu` sizes the frames; outgoing packets on
    /// `lo_ifindex` are skipped (loopback shows each packet twice); `program` is attached
    /// (rewritten for a cooked socket). Returns the source and whether the program runs in
    /// the kernel.
    pub fn open(
        cfg: &LiveConfig,
        ifindex: i32,
        cooked: Option<Cooked>,
        mtu: Option<u32>,
        link: LinkTypeNumber,
        lo_ifindex: i32,
        program: Option<&[Insn]>,
    ) -> Result<(RingSource, bool), LiveError> {
        let kind = if cooked.is_some() {
            libc::SOCK_DGRAM
        } else {
            libc::SOCK_RAW
        };
        // SAFETY: plain system call with constant arguments; the result is checked.
        let raw = unsafe { libc::socket(libc::AF_PACKET, kind | libc::SOCK_CLOEXEC, 0) };
        if raw < 0 {
            let e = io::Error::last_os_error();
            if e.raw_os_error() == Some(libc::EPERM) || e.raw_os_error() == Some(libc::EACCES) {
                return Err(LiveError::Permission {
                    iface: cfg.iface.clone(),
                });
            }
            return Err(LiveError::Os {
                what: "socket(AF_PACKET)",
                source: e,
            });
        }
        // SAFETY: `raw` is a fresh descriptor that nothing else owns.
        let fd = unsafe { OwnedFd::from_raw_fd(raw) };
        setsockopt(&fd, SOL_PACKET, PACKET_VERSION, &TPACKET_V3).map_err(|source| {
            LiveError::Os {
                what: "setsockopt(PACKET_VERSION, TPACKET_V3)",
                source,
            }
        })?;
        // SAFETY: sysconf has no memory effects.
        let page = usize::try_from(unsafe { libc::sysconf(libc::_SC_PAGESIZE) }).unwrap_or(4096);
        let buffer = (cfg.buffer_kib as usize).saturating_mul(1024);
        let (block_size, block_nr, frame_size) = geometry(buffer, cfg.snaplen, mtu, page);
        let req = TpacketReq3 {
            tp_block_size: u32::try_from(block_size).map_err(|_| LiveError::Ring("block size"))?,
            tp_block_nr: u32::try_from(block_nr).map_err(|_| LiveError::Ring("block count"))?,
            tp_frame_size: u32::try_from(frame_size).map_err(|_| LiveError::Ring("frame size"))?,
            tp_frame_nr: u32::try_from(block_size / frame_size * block_nr)
                .map_err(|_| LiveError::Ring("frame count"))?,
            tp_retire_blk_tov: cfg.block_timeout_ms,
            tp_sizeof_priv: 0,
            tp_feature_req_word: 0,
        };
        setsockopt(&fd, SOL_PACKET, PACKET_RX_RING, &req).map_err(|source| LiveError::Os {
            what: "setsockopt(PACKET_RX_RING)",
            source,
        })?;
        let len = block_size
            .checked_mul(block_nr)
            .ok_or(LiveError::Ring("ring size"))?;
        // SAFETY: maps the ring the kernel just allocated for this socket, with the exact
        // length it has; the result is checked against MAP_FAILED.
        let ptr = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_SHARED,
                fd.as_raw_fd(),
                0,
            )
        };
        if ptr == libc::MAP_FAILED {
            return Err(os_err("mmap(ring)"));
        }
        let map = Mapping {
            ptr: ptr.cast::<u8>(),
            len,
            heap: None,
        };
        // The BPF program: for a cooked socket, rewritten as libpcap does; when it cannot
        // run in the kernel, the caller filters in user space.
        let mut in_kernel = false;
        if let Some(p) = program {
            let prog: Option<Vec<Insn>> = match cooked {
                Some(c) => fix_cooked_program(p, c),
                None => Some(p.to_vec()),
            };
            if let Some(prog) = prog {
                let fprog = libc::sock_fprog {
                    len: u16::try_from(prog.len()).map_err(|_| LiveError::Ring("BPF length"))?,
                    // `Insn` is `#[repr(C)]` with the layout of `struct sock_filter`.
                    filter: prog.as_ptr().cast_mut().cast::<libc::sock_filter>(),
                };
                setsockopt(&fd, libc::SOL_SOCKET, SO_ATTACH_FILTER, &fprog).map_err(|source| {
                    LiveError::Os {
                        what: "setsockopt(SO_ATTACH_FILTER)",
                        source,
                    }
                })?;
                in_kernel = true;
            }
        }
        if ifindex != 0 && cfg.promisc {
            let mreq = PacketMreq {
                mr_ifindex: ifindex,
                mr_type: PACKET_MR_PROMISC,
                mr_alen: 0,
                mr_address: [0; 8],
            };
            setsockopt(&fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mreq).map_err(|source| {
                LiveError::Os {
                    what: "setsockopt(PACKET_ADD_MEMBERSHIP, PACKET_MR_PROMISC)",
                    source,
                }
            })?;
        }
        // SAFETY: sockaddr_ll is plain data; all-zero is a valid value.
        let mut sll: libc::sockaddr_ll = unsafe { std::mem::zeroed() };
        sll.sll_family = libc::AF_PACKET as u16;
        sll.sll_protocol = ETH_P_ALL.to_be();
        sll.sll_ifindex = ifindex;
        // SAFETY: `sll` is a valid sockaddr_ll and the length is its size.
        let r = unsafe {
            libc::bind(
                fd.as_raw_fd(),
                (&sll as *const libc::sockaddr_ll).cast::<libc::sockaddr>(),
                std::mem::size_of::<libc::sockaddr_ll>() as libc::socklen_t,
            )
        };
        if r != 0 {
            return Err(os_err("bind(AF_PACKET)"));
        }
        let mut src = RingSource {
            fd: Some(fd),
            map,
            block_size,
            block_nr,
            current: None,
            left: 0,
            next_off: 0,
            link,
            cooked,
            snaplen: cfg.snaplen,
            lo_ifindex,
            scratch: Vec::with_capacity(65_536 + 64),
            name: cfg.iface.clone(),
            stop: cfg.stop.clone(),
            deadline: cfg.deadline,
            poll_ms: i32::try_from(cfg.poll.as_millis()).unwrap_or(100).max(1),
            stats: LiveStats::default(),
            seen: 0,
            bad_blocks: 0,
        };
        // Counters start now (the socket saw nothing before bind).
        src.read_kernel_stats();
        src.stats = LiveStats::default();
        Ok((src, in_kernel))
    }

    /// A ring over `blocks` in memory, read as if the kernel had filled them: block `k` is
    /// `blocks[k * block_size..]`, and a block whose status word says `TP_STATUS_USER` is
    /// read, so the ring ends at the first one that does not (or when every block has been
    /// read and handed back). The same code reads it as reads a live ring, its `unsafe`
    /// blocks included: for tests and the `ring` fuzz target, which runs it under the
    /// address sanitizer on blocks of arbitrary bytes. `block_size` is rounded up to 8
    /// bytes; at most 64 blocks of at most 1 MiB are taken.
    pub fn in_memory(
        blocks: &[u8],
        block_size: usize,
        link: LinkTypeNumber,
        cooked: Option<Cooked>,
        snaplen: u32,
    ) -> RingSource {
        let block_size = block_size.clamp(8, 1 << 20).next_multiple_of(8);
        let block_nr = blocks.len().div_ceil(block_size).clamp(1, 64);
        let len = block_size * block_nr;
        // u64 words: the status word and the headers are read at their natural alignment.
        let mut heap = vec![0u64; len / 8].into_boxed_slice();
        for (w, c) in heap.iter_mut().zip(blocks.chunks(8)) {
            let mut b = [0u8; 8];
            for (x, y) in b.iter_mut().zip(c) {
                *x = *y;
            }
            *w = u64::from_ne_bytes(b);
        }
        let ptr = heap.as_mut_ptr().cast::<u8>();
        RingSource {
            fd: None,
            map: Mapping {
                ptr,
                len,
                heap: Some(heap),
            },
            block_size,
            block_nr,
            current: None,
            left: 0,
            next_off: 0,
            link,
            cooked,
            snaplen,
            lo_ifindex: 1,
            scratch: Vec::with_capacity(65_536 + 64),
            name: "memory".into(),
            stop: std::sync::Arc::new(|| false),
            deadline: None,
            poll_ms: 1,
            stats: LiveStats::default(),
            seen: 0,
            bad_blocks: 0,
        }
    }

    /// The status word of block `b` (0 when `b` is out of the ring).
    fn block_status(&self, b: usize) -> u32 {
        let Some(off) = b.checked_mul(self.block_size) else {
            return 0;
        };
        if off.saturating_add(BLOCK_DESC_LEN) > self.map.len {
            return 0;
        }
        // SAFETY: `off + 8 + 4 <= len`: the word is inside the mapping and 4-aligned (blocks
        // are page-aligned). The kernel writes it concurrently, hence the volatile read; the
        // fence orders the reads of the block's contents after it.
        let s = unsafe { std::ptr::read_volatile(self.map.ptr.add(off + 8).cast::<u32>()) };
        std::sync::atomic::fence(Ordering::Acquire);
        s
    }

    /// Hands block `b` back to the kernel.
    fn release(&mut self, b: usize) {
        let Some(off) = b.checked_mul(self.block_size) else {
            return;
        };
        if off.saturating_add(BLOCK_DESC_LEN) > self.map.len {
            return;
        }
        std::sync::atomic::fence(Ordering::Release);
        // SAFETY: as in `block_status`; user space owns the block until this store.
        unsafe {
            std::ptr::write_volatile(self.map.ptr.add(off + 8).cast::<u32>(), TP_STATUS_KERNEL);
        }
    }

    /// Waits until block `b` is ours, the capture is told to stop, or the deadline passes.
    /// Returns false when stopping.
    fn wait_for(&mut self, b: usize) -> Result<bool, CaptureError> {
        loop {
            if (self.stop)() {
                return Ok(false);
            }
            if self.block_status(b) & TP_STATUS_USER != 0 {
                return Ok(true);
            }
            // A ring in memory ends at the first block no one filled.
            let Some(fd) = self.fd.as_ref().map(|f| f.as_raw_fd()) else {
                return Ok(false);
            };
            let mut wait = self.poll_ms;
            if let Some(d) = self.deadline {
                let now = Instant::now();
                if now >= d {
                    return Ok(false);
                }
                let ms = d.saturating_duration_since(now).as_millis();
                wait = wait.min(i32::try_from(ms).unwrap_or(i32::MAX).max(1));
            }
            let mut pfd = libc::pollfd {
                fd,
                events: libc::POLLIN | libc::POLLERR,
                revents: 0,
            };
            // SAFETY: one valid pollfd, count 1.
            let r = unsafe { libc::poll(&mut pfd, 1, wait) };
            if r < 0 {
                let e = io::Error::last_os_error();
                if e.kind() == io::ErrorKind::Interrupted {
                    continue;
                }
                return Err(CaptureError::Io {
                    offset: self.seen,
                    source: e,
                });
            }
            if pfd.revents & libc::POLLERR != 0 {
                // A pending socket error (the interface went away): report it once.
                let mut err: libc::c_int = 0;
                let mut len = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
                // SAFETY: `err`/`len` are valid for writing an int.
                unsafe {
                    libc::getsockopt(
                        fd,
                        libc::SOL_SOCKET,
                        libc::SO_ERROR,
                        (&mut err as *mut libc::c_int).cast::<libc::c_void>(),
                        &mut len,
                    );
                }
                if err != 0 {
                    return Err(CaptureError::Io {
                        offset: self.seen,
                        source: io::Error::from_raw_os_error(err),
                    });
                }
            }
        }
    }

    /// Adds the kernel's counters (reset by each read) to the totals.
    fn read_kernel_stats(&mut self) {
        let Some(fd) = self.fd.as_ref().map(|f| f.as_raw_fd()) else {
            return;
        };
        let mut st = TpacketStatsV3::default();
        let mut len = std::mem::size_of::<TpacketStatsV3>() as libc::socklen_t;
        // SAFETY: `st` is a valid buffer of `len` bytes for the kernel to fill.
        let r = unsafe {
            libc::getsockopt(
                fd,
                SOL_PACKET,
                PACKET_STATISTICS,
                (&mut st as *mut TpacketStatsV3).cast::<libc::c_void>(),
                &mut len,
            )
        };
        if r == 0 {
            // TPACKET_V3 reports tp_packets with the drops included.
            self.stats.received = self.stats.received.saturating_add(u64::from(st.tp_packets));
            self.stats.dropped = self.stats.dropped.saturating_add(u64::from(st.tp_drops));
        }
    }

    /// Blocks that failed a bounds check and were handed back unread.
    pub fn bad_blocks(&self) -> u64 {
        self.bad_blocks
    }

    /// The ring's block size and count.
    pub fn ring_geometry(&self) -> (usize, usize) {
        (self.block_size, self.block_nr)
    }
}

/// Block `b` of the ring as bytes. Only called while user space owns it (status
/// `TP_STATUS_USER`), when the kernel does not write it.
fn block_of(map: &Mapping, block_size: usize, b: usize) -> &[u8] {
    let off = b.saturating_mul(block_size);
    if off.saturating_add(block_size) > map.len {
        return &[];
    }
    // SAFETY: the range is inside the mapping (checked above); user space owns the block,
    // so the kernel does not write it while this borrow (tied to the mapping, inside
    // `&mut self` of `next_packet`) lives; it is handed back only at the next call.
    unsafe { std::slice::from_raw_parts(map.ptr.add(off), block_size) }
}

/// One packet's place in its block, after every check.
struct Slot {
    data_start: usize,
    snap: usize,
    ts_sec: u32,
    ts_nsec: u32,
    len: u32,
    status: u32,
    vlan_tci: u16,
    vlan_tpid: u16,
    sll: [u8; SLL_LEN],
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at.checked_add(4)?)?;
    Some(u32::from_ne_bytes(s.try_into().ok()?))
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    let s = b.get(at..at.checked_add(2)?)?;
    Some(u16::from_ne_bytes(s.try_into().ok()?))
}

/// Reads the packet header at `off` of a block whose valid length is `blk_len`, checking
/// every field against it. Returns the slot and the offset of the next packet (0: last).
fn parse_slot(block: &[u8], off: usize, blk_len: usize) -> Option<(Slot, u32)> {
    let hdr_end = off.checked_add(TP3_HDR_LEN + SLL_LEN)?;
    if hdr_end > blk_len {
        return None;
    }
    let next = u32_at(block, off)?;
    let ts_sec = u32_at(block, off + 4)?;
    let ts_nsec = u32_at(block, off + 8)?;
    let snap = u32_at(block, off + 12)? as usize;
    let len = u32_at(block, off + 16)?;
    let status = u32_at(block, off + 20)?;
    let mac = usize::from(u16_at(block, off + 24)?);
    let vlan_tci = u16_at(block, off + 32)?; // low half of the u32 tp_vlan_tci
    let vlan_tpid = u16_at(block, off + 36)?;
    let data_start = off.checked_add(mac)?;
    // The data must start after the headers and end inside the block.
    if mac < TP3_HDR_LEN + SLL_LEN || data_start.checked_add(snap)? > blk_len {
        return None;
    }
    let sll: [u8; SLL_LEN] = block
        .get(off + TP3_HDR_LEN..off + TP3_HDR_LEN + SLL_LEN)?
        .try_into()
        .ok()?;
    Some((
        Slot {
            data_start,
            snap,
            ts_sec,
            ts_nsec,
            len,
            status,
            vlan_tci,
            vlan_tpid,
            sll,
        },
        next,
    ))
}

impl PacketSource for RingSource {
    fn next_packet(&mut self) -> Option<Result<RawPacket<'_>, CaptureError>> {
        loop {
            if self.left == 0 {
                // Done with the current block: give it back and wait for the next.
                let next = match self.current.take() {
                    Some(b) => {
                        self.release(b);
                        (b + 1) % self.block_nr
                    }
                    None => 0,
                };
                match self.wait_for(next) {
                    Ok(true) => {}
                    Ok(false) => return None,
                    Err(e) => return Some(Err(e)),
                }
                self.current = Some(next);
                let block = block_of(&self.map, self.block_size, next);
                let num = u32_at(block, 12).unwrap_or(0) as usize;
                let first = u32_at(block, 16).unwrap_or(0) as usize;
                if num > MAX_PKTS_PER_BLOCK || (num > 0 && first < BLOCK_DESC_LEN) {
                    self.bad_blocks += 1;
                    continue;
                }
                self.left = num;
                self.next_off = first;
                continue;
            }
            let Some(b) = self.current else {
                self.left = 0;
                continue;
            };
            let block = block_of(&self.map, self.block_size, b);
            let blk_len = (u32_at(block, 20).unwrap_or(0) as usize).min(block.len());
            let Some((slot, next)) = parse_slot(block, self.next_off, blk_len) else {
                // A lie about the layout: drop the rest of this block.
                self.bad_blocks += 1;
                self.left = 0;
                continue;
            };
            self.left -= 1;
            if self.left > 0 {
                match self.next_off.checked_add(next as usize) {
                    Some(n) if next != 0 && n < blk_len => self.next_off = n,
                    _ => {
                        self.bad_blocks += 1;
                        self.left = 0;
                    }
                }
            }
            let pkttype = slot.sll.get(10).copied().unwrap_or(0);
            let ifindex = i32::from_ne_bytes([slot.sll[4], slot.sll[5], slot.sll[6], slot.sll[7]]);
            // As libpcap: outgoing packets on loopback are seen twice; keep the incoming copy.
            if pkttype == PACKET_OUTGOING && ifindex == self.lo_ifindex {
                continue;
            }
            self.seen += 1;
            let data = block_of(&self.map, self.block_size, b)
                .get(slot.data_start..slot.data_start + slot.snap)
                .unwrap_or(&[]);
            let mut orig = slot.len;
            let vlan = (slot.vlan_tci != 0 || slot.status & TP_STATUS_VLAN_VALID != 0)
                && self.link == LinkTypeNumber::ETHERNET
                && data.len() >= 12;
            let bytes: &[u8] = if let Some(c) = self.cooked {
                self.scratch.clear();
                let hdr = cooked_header(c, &slot.sll);
                self.scratch.extend_from_slice(&hdr);
                self.scratch.extend_from_slice(data);
                orig = orig.saturating_add(hdr.len() as u32);
                &self.scratch
            } else if vlan {
                // The kernel took the VLAN tag out (offload); put it back where it was.
                let tpid = if slot.vlan_tpid != 0 || slot.status & TP_STATUS_VLAN_TPID_VALID != 0 {
                    slot.vlan_tpid
                } else {
                    0x8100
                };
                self.scratch.clear();
                self.scratch
                    .extend_from_slice(data.get(..12).unwrap_or(&[]));
                self.scratch.extend_from_slice(&tpid.to_be_bytes());
                self.scratch.extend_from_slice(&slot.vlan_tci.to_be_bytes());
                self.scratch
                    .extend_from_slice(data.get(12..).unwrap_or(&[]));
                orig = orig.saturating_add(4);
                &self.scratch
            } else {
                // Borrow straight from the ring: the block stays ours until the next call.
                data
            };
            let cut = bytes
                .get(..(self.snaplen as usize).min(bytes.len()))
                .unwrap_or(bytes);
            return Some(Ok(RawPacket {
                ts_sec: i64::from(slot.ts_sec),
                ts_nsec: slot.ts_nsec.min(999_999_999),
                caplen: u32::try_from(cut.len()).unwrap_or(u32::MAX),
                orig_len: orig.max(u32::try_from(cut.len()).unwrap_or(u32::MAX)),
                link: self.link,
                interface: u32::try_from(ifindex).unwrap_or(0),
                offset: self.seen,
                data: cut,
                comment: None,
            }));
        }
    }

    fn name(&self) -> &str {
        &self.name
    }

    /// Nothing more is ready: the current block is read and the kernel has not handed over
    /// the next one (the pipeline then prints what it has).
    fn flush_now(&mut self) -> bool {
        if self.left > 0 {
            return false;
        }
        let next = self.current.map_or(0, |b| (b + 1) % self.block_nr);
        self.block_status(next) & TP_STATUS_USER == 0
    }
}

impl LiveSource for RingSource {
    fn link(&self) -> LinkTypeNumber {
        self.link
    }

    fn stats(&mut self) -> LiveStats {
        self.read_kernel_stats();
        self.stats
    }
}

/// Waits at most `ms` milliseconds for `fd` to be readable (for the backends that read
/// through a library: libpcap in non-blocking mode). Returns false on timeout or EINTR.
pub fn wait_readable(fd: std::os::fd::RawFd, ms: i32) -> io::Result<bool> {
    let ms = u64::try_from(ms).unwrap_or(0);
    crate::net::sock::wait_readable(fd, std::time::Duration::from_millis(ms))
}

// ---- stop signals -------------------------------------------------------------------

static STOP: AtomicBool = AtomicBool::new(false);

extern "C" fn on_stop_signal(_sig: libc::c_int) {
    STOP.store(true, Ordering::Relaxed);
}

/// Installs SIGINT and SIGTERM handlers that only set a flag (without `SA_RESTART`, so a
/// blocked `poll` returns), and returns a function that tells whether one arrived.
pub fn install_stop_signals() -> io::Result<fn() -> bool> {
    for sig in [libc::SIGINT, libc::SIGTERM] {
        // SAFETY: sigaction is plain data, zeroed is valid (empty mask, no flags).
        let mut sa: libc::sigaction = unsafe { std::mem::zeroed() };
        sa.sa_sigaction = on_stop_signal as *const () as libc::sighandler_t;
        // SAFETY: the handler only stores to an atomic, which is async-signal-safe; `sa`
        // is valid and the old action is not asked for.
        let r = unsafe { libc::sigaction(sig, &sa, std::ptr::null_mut()) };
        if r != 0 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(|| STOP.load(Ordering::Relaxed))
}

// ---- privileges ---------------------------------------------------------------------

/// The uid and gid of a user name (`getpwnam_r`), `None` when there is no such user.
pub fn lookup_user(name: &str) -> Option<(u32, u32)> {
    let cname = std::ffi::CString::new(name).ok()?;
    let mut buf = vec![0 as libc::c_char; 16 * 1024];
    // SAFETY: passwd is plain data; zeroed is a valid value to be overwritten.
    let mut pw: libc::passwd = unsafe { std::mem::zeroed() };
    let mut result: *mut libc::passwd = std::ptr::null_mut();
    // SAFETY: every pointer is valid for the call: the name is NUL-terminated, `buf` has
    // the length given, `pw` and `result` are writable.
    let r = unsafe {
        libc::getpwnam_r(
            cname.as_ptr(),
            &mut pw,
            buf.as_mut_ptr(),
            buf.len(),
            &mut result,
        )
    };
    if r != 0 || result.is_null() {
        return None;
    }
    Some((pw.pw_uid, pw.pw_gid))
}

/// Switches to `uid`/`gid` (when the process is root and `uid` is not 0) and drops every
/// capability: the bounding and ambient sets first (while it may), then groups, gid, uid,
/// then the effective, permitted and inheritable sets. Must run before any thread starts
/// (capability sets are per thread).
pub fn drop_privileges(target: Option<(u32, u32)>) -> io::Result<()> {
    let check = |r: libc::c_int| {
        if r == 0 {
            Ok(())
        } else {
            Err(io::Error::last_os_error())
        }
    };
    // SAFETY: getuid has no memory effects.
    let root = unsafe { libc::geteuid() } == 0;
    if let Some((uid, gid)) = target.filter(|(u, _)| *u != 0 && root) {
        // SAFETY: prctl with integer arguments only; EINVAL for caps past the kernel's last
        // is expected and ignored.
        unsafe {
            for cap in 0..64 {
                libc::prctl(libc::PR_CAPBSET_DROP, cap as libc::c_ulong, 0, 0, 0);
            }
            libc::prctl(
                libc::PR_CAP_AMBIENT,
                libc::PR_CAP_AMBIENT_CLEAR_ALL as libc::c_ulong,
                0,
                0,
                0,
            );
        }
        let groups = [gid];
        // SAFETY: one valid gid_t.
        check(unsafe { libc::setgroups(1, groups.as_ptr()) })?;
        // SAFETY: integer arguments only.
        check(unsafe { libc::setresgid(gid, gid, gid) })?;
        // SAFETY: integer arguments only.
        check(unsafe { libc::setresuid(uid, uid, uid) })?;
    }
    if target.is_some_and(|(u, _)| u == 0) && root {
        // -Z root: keep everything.
        return Ok(());
    }
    #[repr(C)]
    struct CapHeader {
        version: u32,
        pid: libc::c_int,
    }
    #[repr(C)]
    #[derive(Clone, Copy)]
    struct CapData {
        effective: u32,
        permitted: u32,
        inheritable: u32,
    }
    let mut hdr = CapHeader {
        version: 0x2008_0522, // _LINUX_CAPABILITY_VERSION_3
        pid: 0,
    };
    let data = [CapData {
        effective: 0,
        permitted: 0,
        inheritable: 0,
    }; 2];
    // SAFETY: capset(2) reads the header and two data structs (version 3), all valid.
    check(unsafe {
        libc::syscall(libc::SYS_capset, &mut hdr as *mut CapHeader, data.as_ptr()) as libc::c_int
    })?;
    // No way back to root through a setuid-root exec either.
    // SAFETY: integer arguments only.
    unsafe {
        libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1 as libc::c_ulong, 0, 0, 0);
    }
    Ok(())
}
