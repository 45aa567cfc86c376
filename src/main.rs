//! The `pktforge` command: everything is in [`pktforge::cli`].

fn main() -> std::process::ExitCode {
    pktforge::cli::run(std::env::args_os())
}
