//! `pktforge filter EXPR`: compile the tcpdump part of a filter to classic BPF for the
//! kernel and print it as `tcpdump -d`, `-dd` or `-ddd` does.

use std::io::Write;

use crate::cli::{CliError, CliResult, emit};
use crate::filter::{Filter, FilterLink};

/// Options of `pktforge filter`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
    pktforge filter tcp port 80\n  \
    pktforge filter -dd --link sll 'udp and not port 53'\n  \
    pktforge filter -ddd 'vlan and ip6' > prog.txt\n\n\
    Display-filter terms (dns.qry.name contains \"x\") cannot run in the kernel: the program \
    then keeps a superset of the packets and the note on stderr says which terms stay in \
    user space.")]
pub struct Args {
    /// The filter expression; several words are joined with spaces, as tcpdump does.
    #[arg(value_name = "EXPR", required = true, num_args = 1..)]
    pub expr: Vec<String>,
    /// Print the program as `tcpdump -d` (the default), `-dd` (C array lines) or `-ddd`
    /// (decimal: the count, then `code jt jf k` lines).
    #[arg(short = 'd', action = clap::ArgAction::Count)]
    pub dump: u8,
    /// The link type the program reads packets of.
    #[arg(long, value_enum, default_value = "ether")]
    pub link: Link,
}

/// Link types `--link` takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Link {
    /// Ethernet (DLT_EN10MB).
    Ether,
    /// Linux cooked capture v1 (DLT_LINUX_SLL).
    Sll,
    /// Linux cooked capture v2 (DLT_LINUX_SLL2).
    Sll2,
    /// Raw IPv4 or IPv6 (DLT_RAW).
    Raw,
}

impl Link {
    fn filter_link(self) -> FilterLink {
        match self {
            Link::Ether => FilterLink::Ether,
            Link::Sll => FilterLink::Sll,
            Link::Sll2 => FilterLink::Sll2,
            Link::Raw => FilterLink::Raw,
        }
    }
}

/// Runs `pktforge filter`.
pub fn run(a: &Args, out: &mut dyn Write) -> CliResult {
    let text = a.expr.join(" ");
    let f = Filter::new(&text).map_err(|e| CliError::Usage(e.render(&text)))?;
    let prog = f
        .compile_bpf(a.link.filter_link())
        .map_err(|e| CliError::Usage(format!("error: {e}")))?;
    let s = match a.dump {
        0 | 1 => prog.image(),
        2 => prog.c_array(),
        _ => prog.decimal(),
    };
    emit(out, &s)?;
    if prog.is_superset() {
        eprintln!(
            "filter: the kernel program keeps a superset of the packets; the display-filter \
             terms on {} stay in user space",
            prog.user_space_fields().join(", ")
        );
    }
    Ok(())
}
