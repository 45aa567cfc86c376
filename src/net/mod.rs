//! The host's network, as sending and capturing see it: [`iface::interfaces`] lists every
//! interface with its addresses, flags, MTU, the link type a capture on it records, and
//! which one carries the default route (`pktforge ifaces`); [`route`] picks the interface,
//! source address and next hop for a destination; [`neigh`] finds the next hop's MAC
//! (the kernel's table, else an ARP request or an ND solicitation); [`resolve`] turns host
//! names into addresses; [`sock`] holds the sockets; [`send`] the bounded send loops of
//! `send`/`sendp`; [`sr`] sends probes and matches their answers with [`answers`]
//! (scapy's rules), for `sr`, `sr1`, `srp`, `srp1`, `ping`, `traceroute` and `arping`.

pub mod answers;
pub mod iface;
pub mod neigh;
pub mod resolve;
pub mod route;
pub mod send;
pub mod sock;
pub mod sr;

use std::fmt;
use std::io;
use std::net::IpAddr;

pub use iface::{Interface, InterfaceFlags, NetError, interfaces};

/// Why sending or reply matching failed.
#[derive(Debug)]
pub enum TxError {
    /// The socket needs `CAP_NET_RAW`.
    Permission {
        /// What was being opened (`a raw IPv4 socket`, `a packet socket on eth0`).
        what: String,
    },
    /// A system call failed.
    Os {
        /// What was being done.
        what: String,
        /// The error.
        source: io::Error,
    },
    /// No route to the destination.
    NoRoute(IpAddr),
    /// No such interface.
    NoInterface(String),
    /// A host name did not resolve.
    Resolve {
        /// The name.
        name: String,
        /// Why.
        reason: String,
    },
    /// A probe could not be built.
    Build(crate::error::BuildError),
    /// The next hop's link-layer address could not be found.
    Unresolved {
        /// The next hop.
        ip: IpAddr,
        /// The interface it was asked on.
        iface: String,
    },
    /// A packet cannot be sent this way (no IP layer for `send`, no frame for `sendp`).
    Unsendable(String),
}

impl TxError {
    /// Classifies an OS error: `EPERM`/`EACCES` become [`TxError::Permission`].
    pub fn os(what: impl Into<String>, source: io::Error) -> TxError {
        let what = what.into();
        match source.raw_os_error() {
            Some(libc::EPERM) | Some(libc::EACCES) => TxError::Permission { what },
            _ => TxError::Os { what, source },
        }
    }
}

impl fmt::Display for TxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TxError::Permission { what } => write!(
                f,
                "{what} needs CAP_NET_RAW: run as root or `setcap cap_net_raw,cap_net_admin=eip $(command -v pktforge)`"
            ),
            TxError::Os { what, source } => write!(f, "{what}: {source}"),
            TxError::NoRoute(a) => write!(f, "no route to {a} (see `ip route get {a}`)"),
            TxError::NoInterface(i) => {
                write!(f, "no interface named {i:?} (`pktforge ifaces` lists them)")
            }
            TxError::Resolve { name, reason } => write!(f, "cannot resolve {name:?}: {reason}"),
            TxError::Build(e) => write!(f, "cannot build the packet: {e}"),
            TxError::Unresolved { ip, iface } => write!(
                f,
                "no link-layer address for {ip} on {iface}: it did not answer ARP/neighbour solicitation (give Ether(dst=...) to skip resolution)"
            ),
            TxError::Unsendable(why) => f.write_str(why),
        }
    }
}

impl std::error::Error for TxError {}

impl From<crate::error::BuildError> for TxError {
    fn from(e: crate::error::BuildError) -> TxError {
        TxError::Build(e)
    }
}
