//! `pktforge ifaces`: the interfaces a capture can use, with index, MAC, addresses, MTU,
//! flags, the link type a capture on each records, and which carries the default route.

use std::io::Write;

use crate::cli::{CliError, CliResult, emit};
use crate::net::iface;

/// Options of `pktforge ifaces`.
#[derive(Debug, Default, clap::Args)]
#[command(after_help = "Examples:\n  \
    pktforge ifaces\n  \
    pktforge ifaces --json | jq -r 'select(.default_ipv4) | .name'")]
pub struct Args {
    /// One JSON object per interface and line: index, name, mac, ipv4 and ipv6
    /// ("addr/prefix"), mtu, flags, arphrd, linktype, linktype_name, default_ipv4,
    /// default_ipv6.
    #[arg(long)]
    pub json: bool,
}

/// Runs `pktforge ifaces`.
pub fn run(a: &Args, out: &mut dyn Write) -> CliResult {
    let list = iface::interfaces()
        .map_err(|e| CliError::Runtime(format!("error: listing interfaces: {e}")))?;
    for i in &list {
        if a.json {
            emit(out, &format!("{}\n", i.to_json()))?;
        } else {
            emit(out, &format!("{i}\n"))?;
        }
    }
    Ok(())
}
