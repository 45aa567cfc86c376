//! `pktforge ls [LAYER]`: the layers, or one layer's fields (scapy's `ls()`).

use std::io::Write;

use crate::cli::{CliError, CliResult, emit};
use crate::layers::LayerKind;

/// Options of `pktforge ls`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  pktforge ls\n  pktforge ls TCP\n  pktforge ls ICMPv6ND_NS")]
pub struct Args {
    /// A layer name (scapy's class name, e.g. TCP, IPv6ExtHdrRouting, DNSRR).
    #[arg(value_name = "LAYER")]
    pub layer: Option<String>,
}

/// Runs `pktforge ls`.
pub fn run(a: &Args, out: &mut dyn Write) -> CliResult {
    let Some(name) = &a.layer else {
        let mut s = String::new();
        for k in LayerKind::ALL {
            let l = k.new_layer();
            s.push_str(&format!("{:<26}: {}\n", k.name(), l.proto().long_name()));
        }
        return emit(out, &s);
    };
    let Some(kind) = LayerKind::from_name(name) else {
        let near = LayerKind::suggest(name);
        let hint = if near.is_empty() {
            "run `pktforge ls` for the list".to_string()
        } else {
            format!("did you mean {}?", near.join(" or "))
        };
        return Err(CliError::Usage(format!(
            "error: unknown layer {name:?}; {hint}"
        )));
    };
    let l = kind.new_layer();
    let mut s = String::new();
    for d in l.fields() {
        let mut extra = String::new();
        if !d.values.is_empty() {
            let names: Vec<String> = d
                .values
                .iter()
                .take(8)
                .map(|(v, n)| format!("{v}={n}"))
                .collect();
            let more = if d.values.len() > 8 { ", ..." } else { "" };
            extra = format!(" [{}{more}]", names.join(", "));
        }
        s.push_str(&format!(
            "{:<10} : {:<8} = {:<22} ({}){extra}\n",
            d.name,
            d.kind.type_name(),
            d.default,
            d.doc
        ));
    }
    emit(out, &s)
}
