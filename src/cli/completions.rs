//! `pktforge completions SHELL` and `pktforge man`, generated from the clap definitions.

use std::io::Write;

use crate::cli::{CliResult, command};

/// Options of `pktforge completions`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  pktforge completions bash > /etc/bash_completion.d/pktforge\n  \
    pktforge completions zsh > \"${fpath[1]}/_pktforge\"\n  \
    pktforge completions fish > ~/.config/fish/completions/pktforge.fish"
)]
pub struct Args {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Runs `pktforge completions`.
pub fn run(a: &Args, out: &mut dyn Write) -> CliResult {
    let mut cmd = command();
    clap_complete::generate(a.shell, &mut cmd, "pktforge", out);
    Ok(())
}

/// Runs `pktforge man`: the man page in roff (`pktforge man | man -l -`).
pub fn man(out: &mut dyn Write) -> CliResult {
    clap_mangen::Man::new(command()).render(out)?;
    Ok(())
}
