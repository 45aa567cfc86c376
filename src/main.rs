//! The `pktforge` command. The subcommands (craft, decode, ls, read, ...) come with the CLI
//! issue; until then this prints what the library does and where to start.

use std::io::Write;
use std::process::ExitCode;

const HELP: &str = "\
pktforge — scapy-style packet crafting and analysis

Usage: pktforge [--help | --version]

The packet model is available as a Rust library today (see README.md):
    let p = Ether::new() / IP::new().dst(\"198.18.0.1\") / ICMP::new() / \"hello\";
    let bytes = p.build()?;
The command-line subcommands (craft, decode, ls, read, sniff, ...) are not written yet.
";

fn main() -> ExitCode {
    let arg = std::env::args().nth(1);
    let mut out = std::io::stdout().lock();
    match arg.as_deref() {
        None | Some("-h") | Some("--help") => {
            let _ = out.write_all(HELP.as_bytes());
            ExitCode::SUCCESS
        }
        Some("-V") | Some("--version") => {
            let _ = writeln!(out, "pktforge {}", env!("CARGO_PKG_VERSION"));
            ExitCode::SUCCESS
        }
        Some(other) => {
            let _ = write!(
                std::io::stderr(),
                "pktforge: unknown argument {other:?}\n\n{HELP}"
            );
            ExitCode::from(2)
        }
    }
}
