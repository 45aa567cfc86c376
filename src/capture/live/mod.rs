//! Live capture: packets from a network interface as a [`PacketSource`].
//!
//! Three backends, the same packets:
//!
//! - [`Backend::Ring`] (default, [`ring`]): an `AF_PACKET` socket with a `TPACKET_V3`
//!   memory-mapped receive ring, the tcpdump part of the filter compiled to classic BPF and
//!   run in the kernel, nanosecond timestamps, the kernel's counters of packets received
//!   and dropped.
//! - [`Backend::Pnet`] ([`pnet`]): pnet's datalink channel, the portable path; the filter
//!   runs in user space and there are no kernel counters.
//! - [`Backend::Libpcap`] (cargo feature `libpcap`, `pcap` module): the pcap crate over
//!   the system's libpcap, which compiles and attaches the filter itself.
//!
//! [`open`] resolves the interface (`any` = all of them, as Linux cooked SLL2 or SLL),
//! compiles the filter for its link type and says whether the kernel applies the whole
//! filter ([`Opened::kernel_filter`]) or user space must run it too (display terms such
//! as `dns.qry.name == "x"`, programs the cooked rewrite cannot express).
//!
//! ```no_run
//! use pktforge::capture::PacketSource;
//! use pktforge::capture::live::{self, Backend, LiveConfig};
//! let cfg = LiveConfig::new("eth0");
//! let mut cap = live::open(Backend::Ring, &cfg, None).unwrap();
//! while let Some(Ok(p)) = cap.source.next_packet() {
//!     println!("{} bytes", p.orig_len);
//! }
//! let st = cap.source.stats();
//! println!("{} received by filter, {} dropped by kernel", st.received, st.dropped);
//! ```

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::{LinkTypeNumber, PacketSource};
use crate::filter::bpf::{Insn, op};
use crate::filter::{Filter, FilterLink};
use crate::net::iface::{self, Interface};

#[cfg(feature = "libpcap")]
pub mod pcap;
pub mod pnet;
pub mod ring;

pub use ring::{drop_privileges, install_stop_signals, lookup_user};

/// Which capture mechanism to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Backend {
    /// `AF_PACKET` + `TPACKET_V3` ring, kernel BPF filter.
    #[default]
    Ring,
    /// pnet's datalink channel, filter in user space.
    Pnet,
    /// libpcap through the pcap crate (feature `libpcap`).
    Libpcap,
}

/// The cooked header of `-i any` (and of interfaces without a usable link header).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Cooked {
    /// `LINKTYPE_LINUX_SLL2` (276): 20 bytes, with the interface index.
    #[default]
    Sll2,
    /// `LINKTYPE_LINUX_SLL` (113): 16 bytes.
    Sll,
}

impl Cooked {
    /// Its link type.
    pub fn link(self) -> LinkTypeNumber {
        match self {
            Cooked::Sll2 => LinkTypeNumber(276),
            Cooked::Sll => LinkTypeNumber::LINUX_SLL,
        }
    }

    /// Its header length.
    pub fn header_len(self) -> usize {
        match self {
            Cooked::Sll2 => 20,
            Cooked::Sll => 16,
        }
    }
}

/// A function that says when the capture must stop (a signal arrived, the user quit).
pub type StopFn = Arc<dyn Fn() -> bool + Send + Sync>;

/// How to capture.
#[derive(Clone)]
pub struct LiveConfig {
    /// The interface name, or `any`.
    pub iface: String,
    /// Bytes kept of each packet.
    pub snaplen: u32,
    /// Size of the kernel buffer (the ring) in KiB.
    pub buffer_kib: u32,
    /// Put the interface in promiscuous mode.
    pub promisc: bool,
    /// The cooked header for `any`.
    pub cooked: Cooked,
    /// Ring blocks not full are handed to user space after this many milliseconds.
    pub block_timeout_ms: u32,
    /// Longest wait inside one call before the stop function and deadline are checked.
    pub poll: Duration,
    /// Checked between waits: true ends the capture (`next_packet` returns `None`).
    pub stop: StopFn,
    /// The capture ends at this instant.
    pub deadline: Option<Instant>,
}

impl fmt::Debug for LiveConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LiveConfig")
            .field("iface", &self.iface)
            .field("snaplen", &self.snaplen)
            .field("buffer_kib", &self.buffer_kib)
            .field("promisc", &self.promisc)
            .field("cooked", &self.cooked)
            .field("deadline", &self.deadline)
            .finish_non_exhaustive()
    }
}

impl LiveConfig {
    /// tcpdump's defaults on `iface`: snap length 262144, a 4 MiB ring, promiscuous, SLL2
    /// for `any`, 10 ms block timeout, never stops by itself.
    pub fn new(iface: &str) -> LiveConfig {
        LiveConfig {
            iface: iface.to_string(),
            snaplen: 262_144,
            buffer_kib: 4096,
            promisc: true,
            cooked: Cooked::Sll2,
            block_timeout_ms: 10,
            poll: Duration::from_millis(100),
            stop: Arc::new(|| false),
            deadline: None,
        }
    }
}

/// The kernel's (or library's) counters, since the capture started.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LiveStats {
    /// Packets the filter accepted (tcpdump's "received by filter"), drops included.
    pub received: u64,
    /// Packets accepted but dropped for lack of room in the buffer ("dropped by kernel").
    pub dropped: u64,
}

/// A live packet source.
pub trait LiveSource: PacketSource {
    /// The link type of the packets it gives.
    fn link(&self) -> LinkTypeNumber;
    /// The counters so far.
    fn stats(&mut self) -> LiveStats;
}

/// Why a capture could not start.
#[derive(Debug)]
pub enum LiveError {
    /// No `CAP_NET_RAW`.
    Permission {
        /// The interface asked for.
        iface: String,
    },
    /// No interface of that name.
    NoSuchInterface {
        /// The name asked for.
        name: String,
        /// The interfaces that exist.
        known: Vec<String>,
    },
    /// A system call failed.
    Os {
        /// Which.
        what: &'static str,
        /// The error.
        source: std::io::Error,
    },
    /// The ring's size does not fit the kernel's types.
    Ring(&'static str),
    /// The backend refused (pnet, libpcap), with its message.
    Backend(String),
    /// This backend cannot do what was asked.
    Unsupported(String),
}

impl fmt::Display for LiveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LiveError::Permission { iface } => write!(
                f,
                "capturing on {iface} needs CAP_NET_RAW: run as root or `setcap \
                 cap_net_raw,cap_net_admin=eip $(which pktforge)`"
            ),
            LiveError::NoSuchInterface { name, known } => write!(
                f,
                "no interface named {name}; the interfaces are: {} (and any)",
                known.join(", ")
            ),
            LiveError::Os { what, source } => write!(f, "{what}: {source}"),
            LiveError::Ring(what) => write!(f, "the capture ring's {what} is too large"),
            LiveError::Backend(s) | LiveError::Unsupported(s) => f.write_str(s),
        }
    }
}

impl std::error::Error for LiveError {}

/// An open capture.
pub struct Opened {
    /// The packets.
    pub source: Box<dyn LiveSource>,
    /// The link type they have.
    pub link: LinkTypeNumber,
    /// True when the kernel (or libpcap) applies the whole filter, so user space need not
    /// run it again; false when there is a filter that user space must run.
    pub kernel_filter: bool,
    /// The interface, when one was named (`None` for `any`).
    pub interface: Option<Interface>,
}

impl fmt::Debug for Opened {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Opened")
            .field("link", &self.link)
            .field("kernel_filter", &self.kernel_filter)
            .field("interface", &self.interface)
            .finish_non_exhaustive()
    }
}

/// The interface named `name` (`None` for `any`), or the error listing the existing ones.
pub fn resolve(name: &str) -> Result<Option<Interface>, LiveError> {
    if name == "any" {
        return Ok(None);
    }
    let list = iface::interfaces().map_err(|e| LiveError::Backend(e.to_string()))?;
    match list.iter().find(|i| i.name == name) {
        Some(i) => Ok(Some(i.clone())),
        None => Err(LiveError::NoSuchInterface {
            name: name.to_string(),
            known: list.into_iter().map(|i| i.name).collect(),
        }),
    }
}

/// The link type a capture on `iface` (`None`: any) records with `cooked`.
pub fn link_for(iface: Option<&Interface>, cooked: Cooked) -> LinkTypeNumber {
    match iface {
        None => cooked.link(),
        Some(i) if i.link == LinkTypeNumber::LINUX_SLL => LinkTypeNumber::LINUX_SLL,
        Some(i) => i.link,
    }
}

/// Opens a capture with `backend` as `cfg` says, the filter's tcpdump part in the kernel
/// where the backend can.
pub fn open(
    backend: Backend,
    cfg: &LiveConfig,
    filter: Option<&Filter>,
) -> Result<Opened, LiveError> {
    let interface = resolve(&cfg.iface)?;
    let link = link_for(interface.as_ref(), cfg.cooked);
    match backend {
        Backend::Ring => {
            let lo = iface::interfaces()
                .ok()
                .and_then(|l| l.into_iter().find(|i| i.flags.loopback))
                .map_or(-1, |i| i32::try_from(i.index).unwrap_or(-1));
            let program = filter.and_then(|f| {
                FilterLink::from_pcap(link.0)
                    .and_then(|fl| f.compile_bpf(fl).ok())
                    .map(|p| (p.insns().to_vec(), p.is_superset()))
            });
            let ifindex = interface
                .as_ref()
                .map_or(0, |i| i32::try_from(i.index).unwrap_or(0));
            let cooked = if interface.is_none() {
                Some(cfg.cooked)
            } else if link == LinkTypeNumber::LINUX_SLL {
                Some(Cooked::Sll)
            } else {
                None
            };
            let (src, in_kernel) = ring::RingSource::open(
                cfg,
                ifindex,
                cooked,
                interface.as_ref().and_then(|i| i.mtu),
                link,
                lo,
                program.as_ref().map(|(p, _)| p.as_slice()),
            )?;
            let exact = in_kernel && program.as_ref().is_some_and(|(_, sup)| !sup);
            Ok(Opened {
                source: Box::new(src),
                link,
                kernel_filter: filter.is_none() || exact,
                interface,
            })
        }
        Backend::Pnet => {
            let Some(i) = interface else {
                return Err(LiveError::Unsupported(
                    "--backend pnet cannot capture on `any`: name an interface, or use \
                     --backend ring"
                        .into(),
                ));
            };
            let src = pnet::PnetSource::open(cfg, &i)?;
            Ok(Opened {
                link: src.link(),
                source: Box::new(src),
                kernel_filter: filter.is_none(),
                interface: Some(i),
            })
        }
        #[cfg(feature = "libpcap")]
        Backend::Libpcap => {
            let (src, exact) = pcap::PcapSource::open(cfg, link, filter)?;
            Ok(Opened {
                link: src.link(),
                source: Box::new(src),
                kernel_filter: filter.is_none() || exact,
                interface,
            })
        }
        #[cfg(not(feature = "libpcap"))]
        Backend::Libpcap => Err(LiveError::Unsupported(
            "this pktforge was built without libpcap: rebuild with `cargo build --features \
             libpcap`, or use --backend ring"
                .into(),
        )),
    }
}

/// The cooked header (SLL2 or SLL) of a packet, built from the `struct sockaddr_ll` the
/// kernel gives with it (20 bytes: family, protocol in network order, ifindex, hatype,
/// pkttype, halen, 8 address bytes; host order otherwise), as libpcap's `pcap-linux.c`
/// builds it. The 8 address bytes are copied whatever `halen` says, as libpcap does.
///
/// ```
/// use pktforge::capture::live::{Cooked, cooked_header};
/// let mut sll = [0u8; 20];
/// sll[2..4].copy_from_slice(&[0x08, 0x00]); // ETH_P_IP, network order
/// sll[4..8].copy_from_slice(&7i32.to_ne_bytes());
/// sll[8..10].copy_from_slice(&1u16.to_ne_bytes()); // ARPHRD_ETHER
/// sll[10] = 0; // PACKET_HOST
/// sll[11] = 6;
/// sll[12..18].copy_from_slice(&[2, 0, 0, 0, 0, 1]);
/// assert_eq!(
///     cooked_header(Cooked::Sll2, &sll),
///     vec![8, 0, 0, 0, 0, 0, 0, 7, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0]
/// );
/// assert_eq!(
///     cooked_header(Cooked::Sll, &sll),
///     vec![0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0, 8, 0]
/// );
/// ```
pub fn cooked_header(c: Cooked, sll: &[u8; 20]) -> Vec<u8> {
    let proto = [sll[2], sll[3]];
    let ifindex = i32::from_ne_bytes([sll[4], sll[5], sll[6], sll[7]]);
    let hatype = u16::from_ne_bytes([sll[8], sll[9]]);
    let pkttype = sll[10];
    let halen = sll[11];
    let addr = &sll[12..20];
    let mut h = Vec::with_capacity(20);
    match c {
        Cooked::Sll2 => {
            h.extend_from_slice(&proto);
            h.extend_from_slice(&[0, 0]);
            h.extend_from_slice(&ifindex.to_be_bytes());
            h.extend_from_slice(&hatype.to_be_bytes());
            h.push(pkttype);
            h.push(halen);
            h.extend_from_slice(addr);
        }
        Cooked::Sll => {
            h.extend_from_slice(&u16::from(pkttype).to_be_bytes());
            h.extend_from_slice(&hatype.to_be_bytes());
            h.extend_from_slice(&u16::from(halen).to_be_bytes());
            h.extend_from_slice(addr);
            h.extend_from_slice(&proto);
        }
    }
    h
}

/// Rewrites a program compiled for the cooked link type `c` so that it runs on a
/// `SOCK_DGRAM` packet socket, where the kernel's filter sees the packet from its network
/// header: loads past the cooked header move back by its length, loads of its protocol,
/// interface index and packet type fields become the kernel's ancillary loads
/// (`SKF_AD_PROTOCOL`, `SKF_AD_IFINDEX`, `SKF_AD_PKTTYPE`), as libpcap's `fix_offset`
/// does. `None` when the program reads another header field: it must run in user space.
pub fn fix_cooked_program(prog: &[Insn], c: Cooked) -> Option<Vec<Insn>> {
    const SKF_AD_OFF: u32 = 0xffff_f000;
    const SKF_AD_PROTOCOL: u32 = 0;
    const SKF_AD_PKTTYPE: u32 = 4;
    const SKF_AD_IFINDEX: u32 = 8;
    let hdr = c.header_len() as u32;
    let mut out = prog.to_vec();
    for p in &mut out {
        let cls = p.code & 0x07;
        let mode = p.code & 0xe0;
        let loads = cls == op::LD || cls == op::LDX;
        let from_packet = mode == 0x20 || mode == 0x40 || mode == 0xa0; // ABS, IND, MSH
        if !loads || !from_packet || p.k >= SKF_AD_OFF {
            continue;
        }
        p.k = if p.k >= hdr {
            p.k - hdr
        } else {
            match (c, p.k) {
                (Cooked::Sll2, 0) | (Cooked::Sll, 14) => SKF_AD_OFF + SKF_AD_PROTOCOL,
                (Cooked::Sll2, 4) => SKF_AD_OFF + SKF_AD_IFINDEX,
                (Cooked::Sll2, 10) | (Cooked::Sll, 0) => SKF_AD_OFF + SKF_AD_PKTTYPE,
                _ => return None,
            }
        };
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cooked_rewrite_moves_payload_loads_and_maps_header_fields() {
        let f = Filter::new("udp port 7777").unwrap();
        let p = f.compile_bpf(FilterLink::Sll2).unwrap();
        let fixed = fix_cooked_program(p.insns(), Cooked::Sll2).unwrap();
        // The first load is the protocol field: an ancillary load now.
        assert_eq!(fixed[0].code, p.insns()[0].code);
        assert_eq!(p.insns()[0].k, 0);
        assert_eq!(fixed[0].k, 0xffff_f000);
        // Every other packet load moved back by 20 bytes.
        for (a, b) in p.insns().iter().zip(&fixed).skip(1) {
            let cls = a.code & 7;
            let mode = a.code & 0xe0;
            if (cls == 0 || cls == 1) && (mode == 0x20 || mode == 0x40 || mode == 0xa0) {
                // The protocol field again (the IPv6 branch), or the payload moved back.
                let want = if a.k == 0 { 0xffff_f000 } else { a.k - 20 };
                assert_eq!(b.k, want, "{a:?}");
            } else {
                assert_eq!(a, b);
            }
        }
        // A program reading the hatype field cannot run in the kernel.
        let odd = [Insn::stmt(0x28, 8), Insn::stmt(0x06, 0)];
        assert!(fix_cooked_program(&odd, Cooked::Sll2).is_none());
        // SLL: pkttype at 0, protocol at 14.
        let sll = [
            Insn::stmt(0x28, 14),
            Insn::stmt(0x28, 0),
            Insn::stmt(0x30, 16 + 9),
        ];
        let fixed = fix_cooked_program(&sll, Cooked::Sll).unwrap();
        assert_eq!(
            fixed.iter().map(|i| i.k).collect::<Vec<_>>(),
            vec![0xffff_f000, 0xffff_f004, 9]
        );
    }

    #[test]
    fn ring_geometry_fits_one_packet_and_the_buffer() {
        // Default: 4 MiB in 16 blocks of 256 KiB.
        let (b, n, f) = ring::geometry(4 << 20, 262_144, Some(1500), 4096);
        assert!(f >= 1564 && b >= f && b % 4096 == 0);
        assert_eq!((b, n), (256 << 10, 16));
        // Tiny: two blocks of one page.
        assert_eq!(ring::geometry(8192, 262_144, Some(1500), 4096).0, 4096);
        assert_eq!(ring::geometry(8192, 262_144, Some(1500), 4096).1, 2);
        // any: 64 KiB packets need 128 KiB blocks.
        let (b, n, _) = ring::geometry(1024, 262_144, None, 4096);
        assert_eq!((b, n), (131_072, 2));
    }
}
