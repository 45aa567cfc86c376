//! The `pktforge` command line: one module per subcommand. `main.rs` only calls [`run`].
//!
//! Exit status: 0 success, 1 runtime error (a file that cannot be written, a packet that
//! cannot be built), 2 usage error (bad flags, an expression that does not parse). A closed
//! stdout (`| head`) ends the command quietly with status 0.

use std::ffi::OsString;
use std::fmt;
use std::io::{self, Write};
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

pub mod arping;
pub mod completions;
pub mod craft;
pub mod decode;
#[cfg(feature = "export")]
pub mod export;
pub mod fields;
pub mod filter;
pub mod ifaces;
pub mod ls;
pub mod ping;
pub mod read;
pub mod send;
pub mod sniff;
pub mod sr;
pub mod stats;
pub mod traceroute;

/// pktforge: craft, decode and analyse packets with scapy's names and bytes.
#[derive(Debug, Parser)]
#[command(
    name = "pktforge",
    version,
    about = "Craft, decode and analyse packets with scapy's layer names, defaults and bytes",
    after_help = "Examples:\n  pktforge craft 'IP(dst=\"198.18.0.1\")/ICMP()/\"hello\"' --hex\n  \
                  pktforge decode 4500001c0001000040017cde7f0000017f0000010800f7ff00000000 --link ip\n  \
                  pktforge ls TCP"
)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build packets from a scapy-style expression.
    Craft(craft::Args),
    /// Dissect bytes given in hex, from a file or from stdin.
    Decode(decode::Args),
    /// List the layers, or the fields of one layer.
    Ls(ls::Args),
    /// Dissect a pcap or pcapng capture file, tcpdump-style.
    Read(read::Args),
    /// Compile a filter to classic BPF for the kernel and print it like tcpdump -d.
    Filter(filter::Args),
    /// Statistics: summary, protocol hierarchy, conversations, endpoints, IO, DNS, TCP (tshark -z).
    Stats(stats::Args),
    /// List the Wireshark fields that --json, -e and filters know (tshark -G fields).
    Fields(fields::Args),
    /// List the network interfaces a capture can use (addresses, flags, link type, default route).
    Ifaces(ifaces::Args),
    /// Capture live packets on an interface, tcpdump-style (needs CAP_NET_RAW).
    Sniff(sniff::Args),
    /// Send packets at layer 3 (raw IP socket; needs CAP_NET_RAW).
    Send(send::Args),
    /// Send frames at layer 2 on an interface (packet socket; needs CAP_NET_RAW).
    Sendp(send::Args),
    /// Send packets at layer 3 and match their answers (scapy's sr).
    Sr(sr::Args),
    /// Send packets at layer 3 and return the first answer (scapy's sr1).
    Sr1(sr::Args),
    /// Send frames at layer 2 and match their answers (scapy's srp).
    Srp(sr::Args),
    /// Send frames at layer 2 and return the first answer (scapy's srp1).
    Srp1(sr::Args),
    /// ICMP echo (or any crafted probe) with iputils ping's output and statistics.
    Ping(ping::Args),
    /// Trace the route to a host, every TTL probed at once (traceroute(8)'s output).
    Traceroute(traceroute::Args),
    /// ARP requests to a neighbour, with its MAC and the time (iputils arping's output).
    Arping(arping::Args),
    /// Write capture files to Parquet, one row per packet, one column per field, for DuckDB/Spark.
    #[cfg(feature = "export")]
    Export(export::Args),
    /// Print a shell completion script.
    Completions(completions::Args),
    /// Print the man page (roff) generated from these definitions.
    #[command(
        after_help = "Examples:\n  pktforge man | man -l -\n  pktforge man > /usr/local/share/man/man1/pktforge.1"
    )]
    Man,
}

/// An error of a subcommand: what went wrong, and which exit status it gives.
#[derive(Debug)]
pub enum CliError {
    /// Wrong usage: bad arguments or an expression that does not parse (exit 2). The text is
    /// printed as is.
    Usage(String),
    /// Something failed while doing the work (exit 1).
    Runtime(String),
    /// stdout was closed by the reader (`| head`): stop quietly (exit 0).
    BrokenPipe,
    /// The command did its work and has already said what happened; it only sets the
    /// exit status (ping with no reply, sr with unanswered probes: 1).
    Status(u8),
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Usage(s) | CliError::Runtime(s) => f.write_str(s),
            CliError::BrokenPipe => f.write_str("broken pipe"),
            CliError::Status(c) => write!(f, "exit status {c}"),
        }
    }
}

impl From<io::Error> for CliError {
    fn from(e: io::Error) -> Self {
        if e.kind() == io::ErrorKind::BrokenPipe {
            CliError::BrokenPipe
        } else {
            CliError::Runtime(format!("error: writing output: {e}"))
        }
    }
}

/// The result of a subcommand.
pub type CliResult = Result<(), CliError>;

/// Parses the arguments, runs the subcommand, and returns the exit status.
pub fn run<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            // --help and --version go to stdout; a closed pipe there is not an error.
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let stdout = io::stdout();
    let mut out = io::BufWriter::with_capacity(1 << 16, stdout.lock());
    let res = match cli.command {
        Command::Craft(a) => craft::run(&a, &mut out),
        Command::Decode(a) => decode::run(&a, &mut out),
        Command::Ls(a) => ls::run(&a, &mut out),
        Command::Read(a) => read::run(&a, &mut out),
        Command::Filter(a) => filter::run(&a, &mut out),
        Command::Fields(a) => fields::run(&a, &mut out),
        Command::Ifaces(a) => ifaces::run(&a, &mut out),
        Command::Sniff(a) => sniff::run(&a, &mut out),
        Command::Stats(a) => stats::run(&a, &mut out),
        Command::Send(a) => send::run(&a, false, &mut out),
        Command::Sendp(a) => send::run(&a, true, &mut out),
        Command::Sr(a) => sr::run(&a, false, false, &mut out),
        Command::Sr1(a) => sr::run(&a, false, true, &mut out),
        Command::Srp(a) => sr::run(&a, true, false, &mut out),
        Command::Srp1(a) => sr::run(&a, true, true, &mut out),
        Command::Ping(a) => ping::run(&a, &mut out),
        Command::Traceroute(a) => traceroute::run(&a, &mut out),
        Command::Arping(a) => arping::run(&a, &mut out),
        #[cfg(feature = "export")]
        Command::Export(a) => export::run(&a, &mut out),
        Command::Completions(a) => completions::run(&a, &mut out),
        Command::Man => completions::man(&mut out),
    };
    let res = res.and_then(|()| out.flush().map_err(CliError::from));
    match res {
        Ok(()) | Err(CliError::BrokenPipe) => ExitCode::SUCCESS,
        Err(CliError::Usage(msg)) => {
            let _ = out.flush();
            eprint!("{}", with_newline(&msg));
            ExitCode::from(2)
        }
        Err(CliError::Status(c)) => ExitCode::from(c),
        Err(CliError::Runtime(msg)) => {
            let _ = out.flush();
            eprint!("{}", with_newline(&msg));
            ExitCode::from(1)
        }
    }
}

fn with_newline(s: &str) -> String {
    if s.ends_with('\n') {
        s.to_string()
    } else {
        format!("{s}\n")
    }
}

/// The clap command, for completions and the man page.
pub fn command() -> clap::Command {
    Cli::command()
}

/// Writes `s` to `out`, mapping a closed pipe to [`CliError::BrokenPipe`].
pub fn emit(out: &mut dyn Write, s: &str) -> CliResult {
    out.write_all(s.as_bytes()).map_err(CliError::from)
}
