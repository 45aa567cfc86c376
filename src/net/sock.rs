//! The sockets that send probes and receive their answers, and the kernel's neighbour
//! table: every `unsafe` block of `src/net/` is in this module, each with its `SAFETY`
//! comment.
//!
//! - [`RawIp`]: a raw IP socket with the header included (`IPPROTO_RAW`, which implies
//!   `IP_HDRINCL` for IPv4 and `IPV6_HDRINCL` for IPv6), for layer-3 sending (`send`,
//!   `sr`, `ping`). The kernel routes, resolves the next hop and adds the link header.
//! - [`PacketSock`]: an `AF_PACKET` socket bound to one interface, for layer-2 sending
//!   (`sendp`, `srp`, `arping`) and for receiving answers: a classic BPF program attached
//!   before it is bound (so nothing unfiltered is queued), kernel receive timestamps
//!   (`SO_TIMESTAMPNS`), the packet type (outgoing copies are told apart) and the length on
//!   the wire.
//!
//! Both send batches with one `sendmmsg` call. std and pnet have neither raw IP sockets
//! with the header included, nor `sendmmsg`, nor `recvmsg` control messages, nor the
//! netlink neighbour dump; socket2 has the first only, so libc is used directly here.

#![allow(unsafe_code)] // Sockets, sendmmsg, recvmsg control messages, netlink: see the module docs.

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::time::Duration;

use crate::filter::bpf::Insn;
use crate::mac::MacAddr;

/// Bind protocol of a packet socket that receives every frame, outgoing ones included.
pub const ETH_P_ALL: u16 = 0x0003;
/// Bind protocol of a packet socket that receives IPv4 only.
pub const ETH_P_IP: u16 = 0x0800;
/// Bind protocol of a packet socket that receives IPv6 only.
pub const ETH_P_IPV6: u16 = 0x86dd;
/// Bind protocol of a packet socket that receives ARP only.
pub const ETH_P_ARP: u16 = 0x0806;
/// Bind protocol of a packet socket that only sends: it receives nothing, so the kernel
/// copies no frame to it.
pub const SEND_ONLY: u16 = 0;
const SO_ATTACH_FILTER: libc::c_int = 26;
const PACKET_QDISC_BYPASS: libc::c_int = 20;
/// `sll_pkttype` of a packet this host sent.
pub const PACKET_OUTGOING: u8 = 4;
/// A BPF program that accepts nothing (`ret #0`): for sockets that only send.
pub const DROP_ALL: [Insn; 1] = [Insn {
    code: crate::filter::bpf::op::RET | crate::filter::bpf::op::K,
    jt: 0,
    jf: 0,
    k: 0,
}];
/// `prog` (or "accept everything" when `None`) behind a test that drops the packets this
/// host sends (the kernel's `SKF_AD_PKTTYPE` ancillary load, as libpcap's `inbound`), so
/// that a receiving socket is not woken for its own probes.
pub fn inbound_only(prog: Option<&[Insn]>) -> Vec<Insn> {
    use crate::filter::bpf::op;
    // SKF_AD_OFF (-0x1000) + SKF_AD_PKTTYPE (4), as the u32 the kernel reads.
    const PKTTYPE: u32 = 0xffff_f004;
    let mut v = vec![
        Insn {
            code: op::LD | op::W | op::ABS,
            jt: 0,
            jf: 0,
            k: PKTTYPE,
        },
        Insn {
            code: op::JMP | op::JEQ | op::K,
            jt: 0,
            jf: 1,
            k: u32::from(PACKET_OUTGOING),
        },
        Insn {
            code: op::RET | op::K,
            jt: 0,
            jf: 0,
            k: 0,
        },
    ];
    match prog {
        Some(p) => v.extend_from_slice(p),
        None => v.push(Insn {
            code: op::RET | op::K,
            jt: 0,
            jf: 0,
            k: 0x0004_0000,
        }),
    }
    v
}

/// The most messages one `sendmmsg` call takes here.
pub const BATCH: usize = 64;

fn check(r: libc::c_int) -> io::Result<libc::c_int> {
    if r < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(r)
    }
}

fn setsockopt<T>(fd: RawFd, level: libc::c_int, name: libc::c_int, v: &T) -> io::Result<()> {
    // SAFETY: `v` is a valid, initialised `T` for the duration of the call and the length
    // passed is its exact size; the kernel only reads it.
    let r = unsafe {
        libc::setsockopt(
            fd,
            level,
            name,
            (v as *const T).cast::<libc::c_void>(),
            std::mem::size_of::<T>() as libc::socklen_t,
        )
    };
    check(r).map(|_| ())
}

fn new_socket(domain: libc::c_int, kind: libc::c_int, proto: libc::c_int) -> io::Result<OwnedFd> {
    // SAFETY: plain system call with integer arguments; the result is checked.
    let raw = check(unsafe { libc::socket(domain, kind | libc::SOCK_CLOEXEC, proto) })?;
    // SAFETY: `raw` is a fresh descriptor that nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(raw) })
}

/// Waits at most `timeout` for `fd` to be readable. False on timeout or a signal.
pub fn wait_readable(fd: RawFd, timeout: Duration) -> io::Result<bool> {
    Ok(!wait_any(&[fd], timeout)?.is_empty())
}

fn bind_device(fd: RawFd, iface: &str) -> io::Result<()> {
    let name = iface.as_bytes();
    // SAFETY: `name` is valid for `name.len()` bytes during the call; the kernel copies it.
    let r = unsafe {
        libc::setsockopt(
            fd,
            libc::SOL_SOCKET,
            libc::SO_BINDTODEVICE,
            name.as_ptr().cast::<libc::c_void>(),
            name.len() as libc::socklen_t,
        )
    };
    check(r).map(|_| ())
}

/// A socket address for `sendto`/`sendmmsg` of a raw IP socket.
#[derive(Clone, Copy)]
enum SockAddr {
    V4(libc::sockaddr_in),
    V6(libc::sockaddr_in6),
}

impl SockAddr {
    fn new(a: IpAddr) -> SockAddr {
        match a {
            IpAddr::V4(a) => SockAddr::V4(libc::sockaddr_in {
                sin_family: libc::AF_INET as libc::sa_family_t,
                sin_port: 0,
                sin_addr: libc::in_addr {
                    s_addr: u32::from_ne_bytes(a.octets()),
                },
                sin_zero: [0; 8],
            }),
            IpAddr::V6(a) => SockAddr::V6(libc::sockaddr_in6 {
                sin6_family: libc::AF_INET6 as libc::sa_family_t,
                sin6_port: 0,
                sin6_flowinfo: 0,
                sin6_addr: libc::in6_addr {
                    s6_addr: a.octets(),
                },
                sin6_scope_id: 0,
            }),
        }
    }

    fn ptr_len(&self) -> (*const libc::sockaddr, libc::socklen_t) {
        match self {
            SockAddr::V4(s) => (
                (s as *const libc::sockaddr_in).cast(),
                std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t,
            ),
            SockAddr::V6(s) => (
                (s as *const libc::sockaddr_in6).cast(),
                std::mem::size_of::<libc::sockaddr_in6>() as libc::socklen_t,
            ),
        }
    }
}

/// A raw IP socket with the header included: sends whole IPv4 or IPv6 datagrams.
#[derive(Debug)]
pub struct RawIp {
    fd: OwnedFd,
    v6: bool,
}

impl RawIp {
    /// Opens a raw IPv4 (`v6` false) or IPv6 socket, bound to `iface` when given
    /// (`SO_BINDTODEVICE`, ping's `-I`). Needs `CAP_NET_RAW`.
    pub fn open(v6: bool, iface: Option<&str>) -> io::Result<RawIp> {
        let domain = if v6 { libc::AF_INET6 } else { libc::AF_INET };
        let fd = new_socket(domain, libc::SOCK_RAW, libc::IPPROTO_RAW)?;
        if let Some(i) = iface {
            bind_device(fd.as_raw_fd(), i)?;
        }
        // A large send buffer so that `--rate max` bursts are not cut short by ENOBUFS.
        let _ = setsockopt(
            fd.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_SNDBUF,
            &(4 << 20),
        );
        Ok(RawIp { fd, v6 })
    }

    /// Whether this is the IPv6 socket.
    pub fn is_v6(&self) -> bool {
        self.v6
    }

    /// Sends one datagram to `dst` (its header's destination).
    pub fn send_to(&self, datagram: &[u8], dst: IpAddr) -> io::Result<usize> {
        let sa = SockAddr::new(dst);
        let (p, l) = sa.ptr_len();
        // SAFETY: `datagram` and the socket address are valid for the lengths passed and
        // live across the call; the kernel only reads them.
        let r = unsafe {
            libc::sendto(
                self.fd.as_raw_fd(),
                datagram.as_ptr().cast::<libc::c_void>(),
                datagram.len(),
                0,
                p,
                l,
            )
        };
        if r < 0 {
            Err(io::Error::last_os_error())
        } else {
            Ok(r as usize)
        }
    }

    /// Sends up to [`BATCH`] datagrams with one `sendmmsg` (`sendmsg` for one); returns how
    /// many went out and when the system call was entered (see [`send_bufs`]).
    pub fn send_batch(&self, batch: &[(&[u8], IpAddr)]) -> io::Result<(usize, Duration)> {
        let batch = batch.get(..batch.len().min(BATCH)).unwrap_or(&[]);
        let bufs: Vec<&[u8]> = batch.iter().map(|(d, _)| *d).collect();
        let addrs: Vec<SockAddr> = batch.iter().map(|(_, a)| SockAddr::new(*a)).collect();
        send_bufs(self.fd.as_raw_fd(), &bufs, &addrs)
    }
}

impl AsRawFd for RawIp {
    fn as_raw_fd(&self) -> RawFd {
        self.fd.as_raw_fd()
    }
}

/// One `sendmmsg` of `bufs`, each to the address of the same index in `addrs` (none:
/// the socket's own, as a bound packet socket). Returns how many went out, and the
/// wall-clock time ([`now`]) taken just before the system call: the probes' send time,
/// with nothing of the batch's preparation in their round trip.
fn send_bufs(fd: RawFd, bufs: &[&[u8]], addrs: &[SockAddr]) -> io::Result<(usize, Duration)> {
    let mut iov: Vec<libc::iovec> = bufs
        .iter()
        .map(|d| libc::iovec {
            iov_base: d.as_ptr().cast_mut().cast::<libc::c_void>(),
            iov_len: d.len(),
        })
        .collect();
    let mut msgs: Vec<libc::mmsghdr> = Vec::with_capacity(bufs.len());
    for (k, v) in iov.iter_mut().enumerate() {
        // SAFETY: an all-zero msghdr is a valid empty message; the fields set below point
        // into `addrs` and `iov`, which outlive the sendmmsg call.
        let mut h: libc::msghdr = unsafe { std::mem::zeroed() };
        if let Some(a) = addrs.get(k) {
            let (p, l) = a.ptr_len();
            h.msg_name = p.cast_mut().cast::<libc::c_void>();
            h.msg_namelen = l;
        }
        h.msg_iov = v as *mut libc::iovec;
        h.msg_iovlen = 1;
        msgs.push(libc::mmsghdr {
            msg_hdr: h,
            msg_len: 0,
        });
    }
    let at = now();
    send_mmsg(fd, &mut msgs).map(|n| (n, at))
}

fn send_mmsg(fd: RawFd, msgs: &mut [libc::mmsghdr]) -> io::Result<usize> {
    if msgs.is_empty() {
        return Ok(0);
    }
    // One message (a probe): `sendmsg`, the shorter path through the kernel.
    if let [one] = msgs {
        loop {
            // SAFETY: `one.msg_hdr` is an initialised header whose pointers are valid for
            // the call (the callers keep their buffers alive); the kernel only reads it.
            let r = unsafe { libc::sendmsg(fd, &one.msg_hdr, 0) };
            if r >= 0 {
                return Ok(1);
            }
            let e = io::Error::last_os_error();
            if e.kind() != io::ErrorKind::Interrupted {
                return Err(e);
            }
        }
    }
    loop {
        // SAFETY: `msgs` holds `msgs.len()` initialised headers whose pointers are valid
        // for the call (the callers keep their buffers alive); the kernel writes only
        // `msg_len`.
        let r = unsafe {
            libc::sendmmsg(
                fd,
                msgs.as_mut_ptr(),
                u32::try_from(msgs.len()).unwrap_or(u32::MAX),
                0,
            )
        };
        if r >= 0 {
            return Ok(r as usize);
        }
        let e = io::Error::last_os_error();
        if e.kind() != io::ErrorKind::Interrupted {
            return Err(e);
        }
    }
}

/// One packet read from a [`PacketSock`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Received {
    /// Bytes captured into the buffer.
    pub len: usize,
    /// Length on the wire (larger than `len` when the buffer was too small).
    pub wire_len: usize,
    /// `sll_pkttype`: 0 to us, 1 broadcast, 2 multicast, 3 to another host, 4 outgoing.
    pub pkttype: u8,
    /// Interface index it came in on.
    pub ifindex: u32,
    /// Kernel receive time (`SO_TIMESTAMPNS`), since the Unix epoch.
    pub stamp: Duration,
}

/// An `AF_PACKET` socket bound to one interface.
#[derive(Debug)]
pub struct PacketSock {
    fd: OwnedFd,
    ifindex: u32,
}

impl PacketSock {
    /// Opens a socket on interface `ifindex` (0: every interface), `cooked` (`SOCK_DGRAM`,
    /// link header removed) or raw, with `filter` attached before the socket is bound so
    /// that nothing unfiltered is ever queued, bound to the frames of ethertype `proto`
    /// ([`ETH_P_ALL`], [`ETH_P_IP`], [`ETH_P_IPV6`] or [`SEND_ONLY`]). Needs `CAP_NET_RAW`.
    ///
    /// A socket bound to one ethertype sees only received frames of that type, and the
    /// kernel filters them before it copies them; an [`ETH_P_ALL`] socket is also handed a
    /// copy of every frame sent on the interface, before its filter runs. On loopback
    /// that is three copies per ping (`perf record -e net:*` on `ping 127.0.0.1`: the
    /// echo request took 5 us more from queueing to the loopback's receive), so sockets
    /// that wait for IP answers bind to the IP family they wait for.
    pub fn open(
        ifindex: u32,
        cooked: bool,
        filter: Option<&[Insn]>,
        proto: u16,
    ) -> io::Result<PacketSock> {
        let kind = if cooked {
            libc::SOCK_DGRAM
        } else {
            libc::SOCK_RAW
        };
        // Protocol 0: receives nothing until bound below.
        let fd = new_socket(libc::AF_PACKET, kind, 0)?;
        let raw = fd.as_raw_fd();
        if let Some(prog) = filter {
            let fprog = libc::sock_fprog {
                len: u16::try_from(prog.len())
                    .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "BPF too long"))?,
                // `Insn` is `#[repr(C)]` with the layout of `struct sock_filter`.
                filter: prog.as_ptr().cast_mut().cast::<libc::sock_filter>(),
            };
            setsockopt(raw, libc::SOL_SOCKET, SO_ATTACH_FILTER, &fprog)?;
        }
        setsockopt(raw, libc::SOL_SOCKET, libc::SO_TIMESTAMPNS, &1i32)?;
        let _ = setsockopt(raw, libc::SOL_SOCKET, libc::SO_RCVBUF, &(4 << 20));
        let _ = setsockopt(raw, libc::SOL_SOCKET, libc::SO_SNDBUF, &(4 << 20));
        // SAFETY: an all-zero sockaddr_ll is valid; the fields are set below.
        let mut sll: libc::sockaddr_ll = unsafe { std::mem::zeroed() };
        sll.sll_family = libc::AF_PACKET as u16;
        sll.sll_protocol = proto.to_be();
        sll.sll_ifindex = i32::try_from(ifindex).unwrap_or(0);
        // SAFETY: `sll` is a valid sockaddr_ll of the size passed.
        let r = unsafe {
            libc::bind(
                raw,
                (&sll as *const libc::sockaddr_ll).cast::<libc::sockaddr>(),
                std::mem::size_of::<libc::sockaddr_ll>() as libc::socklen_t,
            )
        };
        check(r)?;
        Ok(PacketSock { fd, ifindex })
    }

    /// Skips the kernel's queueing discipline on send (`PACKET_QDISC_BYPASS`), as trafgen
    /// does: for `--rate max`.
    pub fn bypass_qdisc(&self) -> io::Result<()> {
        setsockopt(self.fd.as_raw_fd(), SOL_PACKET, PACKET_QDISC_BYPASS, &1i32)
    }

    /// The interface index it is bound to.
    pub fn ifindex(&self) -> u32 {
        self.ifindex
    }

    /// Sends one frame (a raw socket: the whole link-layer frame).
    pub fn send(&self, frame: &[u8]) -> io::Result<usize> {
        // SAFETY: `frame` is valid for its length during the call; the kernel reads it.
        let r = unsafe {
            libc::send(
                self.fd.as_raw_fd(),
                frame.as_ptr().cast::<libc::c_void>(),
                frame.len(),
                0,
            )
        };
        if r < 0 {
            Err(io::Error::last_os_error())
        } else {
            Ok(r as usize)
        }
    }

    /// Sends up to [`BATCH`] frames with one `sendmmsg` (`sendmsg` for one); returns how
    /// many went out and when the system call was entered (see [`send_bufs`]).
    pub fn send_batch(&self, frames: &[&[u8]]) -> io::Result<(usize, Duration)> {
        let frames = frames.get(..frames.len().min(BATCH)).unwrap_or(&[]);
        send_bufs(self.fd.as_raw_fd(), frames, &[])
    }

    /// Waits at most `timeout` for a packet. False on timeout or a signal.
    pub fn wait(&self, timeout: Duration) -> io::Result<bool> {
        wait_readable(self.fd.as_raw_fd(), timeout)
    }

    /// Reads one queued packet into `buf` without blocking; `None` when none is queued.
    pub fn recv(&self, buf: &mut [u8]) -> io::Result<Option<Received>> {
        // SAFETY: an all-zero sockaddr_ll is a valid out-parameter.
        let mut sll: libc::sockaddr_ll = unsafe { std::mem::zeroed() };
        let mut iov = libc::iovec {
            iov_base: buf.as_mut_ptr().cast::<libc::c_void>(),
            iov_len: buf.len(),
        };
        // u64 alignment for the control messages (cmsghdr needs it).
        let mut ctrl = [0u64; 16];
        // SAFETY: an all-zero msghdr is valid; its pointers are set to `sll`, `iov` and
        // `ctrl`, which outlive the call.
        let mut h: libc::msghdr = unsafe { std::mem::zeroed() };
        h.msg_name = (&mut sll as *mut libc::sockaddr_ll).cast::<libc::c_void>();
        h.msg_namelen = std::mem::size_of::<libc::sockaddr_ll>() as libc::socklen_t;
        h.msg_iov = &mut iov;
        h.msg_iovlen = 1;
        h.msg_control = ctrl.as_mut_ptr().cast::<libc::c_void>();
        h.msg_controllen = std::mem::size_of_val(&ctrl);
        // SAFETY: `h` describes buffers valid for their stated lengths; MSG_TRUNC makes
        // the kernel return the wire length but never write past `buf`.
        let r = unsafe {
            libc::recvmsg(
                self.fd.as_raw_fd(),
                &mut h,
                libc::MSG_DONTWAIT | libc::MSG_TRUNC,
            )
        };
        if r < 0 {
            let e = io::Error::last_os_error();
            return match e.kind() {
                io::ErrorKind::WouldBlock | io::ErrorKind::Interrupted => Ok(None),
                _ => Err(e),
            };
        }
        let wire_len = r as usize;
        let mut stamp = None;
        // SAFETY: walks the control messages the kernel wrote into `ctrl`, with the libc
        // macros that stay within `msg_controllen`; the timestamp is read unaligned.
        unsafe {
            let mut c = libc::CMSG_FIRSTHDR(&h);
            while !c.is_null() {
                if (*c).cmsg_level == libc::SOL_SOCKET && (*c).cmsg_type == libc::SO_TIMESTAMPNS {
                    let ts: libc::timespec =
                        std::ptr::read_unaligned(libc::CMSG_DATA(c).cast::<libc::timespec>());
                    stamp = Some(Duration::new(
                        u64::try_from(ts.tv_sec).unwrap_or(0),
                        u32::try_from(ts.tv_nsec).unwrap_or(0),
                    ));
                }
                c = libc::CMSG_NXTHDR(&h, c);
            }
        }
        Ok(Some(Received {
            len: wire_len.min(buf.len()),
            wire_len,
            pkttype: sll.sll_pkttype,
            ifindex: u32::try_from(sll.sll_ifindex).unwrap_or(0),
            stamp: stamp.unwrap_or_else(now),
        }))
    }
}

impl AsRawFd for PacketSock {
    fn as_raw_fd(&self) -> RawFd {
        self.fd.as_raw_fd()
    }
}

const SOL_PACKET: libc::c_int = 263;

/// The wall-clock time since the Unix epoch, on the clock of the kernel's timestamps.
pub fn now() -> Duration {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
}

/// One entry of the kernel's neighbour table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Neighbour {
    /// The neighbour's address.
    pub ip: IpAddr,
    /// Its link-layer address.
    pub mac: MacAddr,
    /// The interface it is on.
    pub ifindex: u32,
    /// `NUD_*` state bits (0x02 reachable, 0x04 stale, 0x80 permanent, ...).
    pub state: u16,
}

/// The kernel's neighbour table (ARP and NDP), through a netlink `RTM_GETNEIGH` dump.
/// Entries without a link-layer address (incomplete, failed) are left out.
pub fn neighbours() -> io::Result<Vec<Neighbour>> {
    const RTM_GETNEIGH: u16 = 30;
    const RTM_NEWNEIGH: u16 = 28;
    const NLM_F_REQUEST: u16 = 1;
    const NLM_F_DUMP: u16 = 0x300;
    const NLMSG_DONE: u16 = 3;
    const NLMSG_ERROR: u16 = 2;
    const NDA_DST: u16 = 1;
    const NDA_LLADDR: u16 = 2;
    let fd = new_socket(libc::AF_NETLINK, libc::SOCK_RAW, libc::NETLINK_ROUTE)?;
    // nlmsghdr (16) + ndmsg (12), family AF_UNSPEC: both tables.
    let mut req = [0u8; 28];
    req[0..4].copy_from_slice(&28u32.to_ne_bytes());
    req[4..6].copy_from_slice(&RTM_GETNEIGH.to_ne_bytes());
    req[6..8].copy_from_slice(&(NLM_F_REQUEST | NLM_F_DUMP).to_ne_bytes());
    req[8..12].copy_from_slice(&1u32.to_ne_bytes());
    // SAFETY: `req` is valid for its length; netlink to the kernel (pid 0) with no address.
    let r = unsafe {
        libc::send(
            fd.as_raw_fd(),
            req.as_ptr().cast::<libc::c_void>(),
            req.len(),
            0,
        )
    };
    if r < 0 {
        return Err(io::Error::last_os_error());
    }
    let mut out = Vec::new();
    let mut buf = vec![0u8; 32 * 1024];
    // Bounded: a dump ends with NLMSG_DONE; 10,000 reads of 32 KiB would be 320 MB of
    // neighbours.
    for _ in 0..10_000 {
        if !wait_readable(fd.as_raw_fd(), Duration::from_secs(2))? {
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "netlink neighbour dump",
            ));
        }
        // SAFETY: `buf` is valid for writes of its length.
        let n = unsafe {
            libc::recv(
                fd.as_raw_fd(),
                buf.as_mut_ptr().cast::<libc::c_void>(),
                buf.len(),
                0,
            )
        };
        if n < 0 {
            return Err(io::Error::last_os_error());
        }
        let data = buf.get(..n as usize).unwrap_or(&[]);
        let mut off = 0usize;
        while let Some(h) = data.get(off..off + 16) {
            let len = u32::from_ne_bytes([h[0], h[1], h[2], h[3]]) as usize;
            let ty = u16::from_ne_bytes([h[4], h[5]]);
            if len < 16 {
                return Ok(out);
            }
            match ty {
                NLMSG_DONE => return Ok(out),
                NLMSG_ERROR => {
                    return Err(io::Error::other("netlink neighbour dump refused"));
                }
                RTM_NEWNEIGH => {
                    if let Some(m) = data.get(off + 16..off + len) {
                        if let Some(n) = parse_ndmsg(m, NDA_DST, NDA_LLADDR) {
                            out.push(n);
                        }
                    }
                }
                _ => {}
            }
            off += (len + 3) & !3;
        }
    }
    Ok(out)
}

fn parse_ndmsg(m: &[u8], nda_dst: u16, nda_lladdr: u16) -> Option<Neighbour> {
    // ndmsg: family u8, pad, pad, ifindex i32 (at 4), state u16 (at 8), flags u8, type u8.
    let family = *m.first()?;
    let ifindex = u32::from_ne_bytes(m.get(4..8)?.try_into().ok()?);
    let state = u16::from_ne_bytes(m.get(8..10)?.try_into().ok()?);
    let mut ip = None;
    let mut mac = None;
    let mut off = 12usize;
    while let Some(a) = m.get(off..off + 4) {
        let alen = usize::from(u16::from_ne_bytes([a[0], a[1]]));
        let aty = u16::from_ne_bytes([a[2], a[3]]);
        if alen < 4 {
            break;
        }
        let v = m.get(off + 4..off + alen)?;
        if aty == nda_dst {
            ip = match (family as i32, v.len()) {
                (libc::AF_INET, 4) => Some(IpAddr::V4(Ipv4Addr::new(v[0], v[1], v[2], v[3]))),
                (libc::AF_INET6, 16) => {
                    let o: [u8; 16] = v.try_into().ok()?;
                    Some(IpAddr::V6(Ipv6Addr::from(o)))
                }
                _ => None,
            };
        } else if aty == nda_lladdr && v.len() == 6 {
            mac = Some(MacAddr(v.try_into().ok()?));
        }
        off += (alen + 3) & !3;
    }
    Some(Neighbour {
        ip: ip?,
        mac: mac?,
        ifindex,
        state,
    })
}

/// The host name of an address (`getnameinfo` with `NI_NAMEREQD`), `None` when the
/// resolver has none.
pub fn name_of(addr: IpAddr) -> Option<String> {
    let sa = SockAddr::new(addr);
    let (p, l) = sa.ptr_len();
    let mut host = [0u8; 1025];
    // SAFETY: `p`/`l` describe a valid socket address; `host` is writable for its length
    // and getnameinfo NUL-terminates what it writes there; no service buffer is passed.
    let r = unsafe {
        libc::getnameinfo(
            p,
            l,
            host.as_mut_ptr().cast::<libc::c_char>(),
            host.len() as libc::socklen_t,
            std::ptr::null_mut(),
            0,
            libc::NI_NAMEREQD,
        )
    };
    if r != 0 {
        return None;
    }
    let end = host.iter().position(|&b| b == 0)?;
    std::str::from_utf8(host.get(..end)?)
        .ok()
        .map(str::to_string)
}

/// Waits at most `timeout` for any of `fds` to be readable; returns which are (empty on
/// timeout or a signal).
pub fn wait_any(fds: &[RawFd], timeout: Duration) -> io::Result<Vec<usize>> {
    let mut pfds: Vec<libc::pollfd> = fds
        .iter()
        .map(|&fd| libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        })
        .collect();
    let ms = i32::try_from(timeout.as_micros().div_ceil(1000)).unwrap_or(i32::MAX);
    // SAFETY: `pfds` holds `pfds.len()` valid pollfd entries; the fds are only polled.
    let r = unsafe { libc::poll(pfds.as_mut_ptr(), pfds.len() as libc::nfds_t, ms) };
    if r < 0 {
        let e = io::Error::last_os_error();
        if e.kind() == io::ErrorKind::Interrupted {
            return Ok(Vec::new());
        }
        return Err(e);
    }
    Ok(pfds
        .iter()
        .enumerate()
        .filter(|(_, p)| p.revents & (libc::POLLIN | libc::POLLERR) != 0)
        .map(|(i, _)| i)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ndmsg_parses_and_rejects_short_input() {
        let mut m = vec![libc::AF_INET as u8, 0, 0, 0];
        m.extend_from_slice(&3u32.to_ne_bytes());
        m.extend_from_slice(&2u16.to_ne_bytes());
        m.extend_from_slice(&[0, 0]);
        // NDA_DST 198.18.0.2
        m.extend_from_slice(&8u16.to_ne_bytes());
        m.extend_from_slice(&1u16.to_ne_bytes());
        m.extend_from_slice(&[198, 18, 0, 2]);
        // NDA_LLADDR, 6 bytes + 2 pad
        m.extend_from_slice(&10u16.to_ne_bytes());
        m.extend_from_slice(&2u16.to_ne_bytes());
        m.extend_from_slice(&[2, 0, 0x5e, 0x10, 0, 0xb, 0, 0]);
        let n = parse_ndmsg(&m, 1, 2).expect("parses");
        assert_eq!(n.ip, IpAddr::V4(Ipv4Addr::new(198, 18, 0, 2)));
        assert_eq!(n.mac, MacAddr([2, 0, 0x5e, 0x10, 0, 0xb]));
        assert_eq!(n.ifindex, 3);
        for cut in 0..m.len() {
            let _ = parse_ndmsg(&m[..cut], 1, 2);
        }
    }
}
