//! The host's network interfaces, as a capture sees them: [`iface::interfaces`] lists every
//! interface with its addresses, flags, MTU, the link type a capture on it records, and
//! which one carries the default route; `pktforge ifaces` prints them.

pub mod iface;

pub use iface::{Interface, InterfaceFlags, NetError, interfaces};
