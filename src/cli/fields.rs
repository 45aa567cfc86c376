//! `pktforge fields [PROTO]`: the table of Wireshark fields (`tshark -G fields`), for one
//! protocol or all: each field's name, type and description.

use std::io::Write;

use crate::cli::{CliError, CliResult, emit};
use crate::fields::{Base, FieldDef, PROTOCOLS, Protocol};
use crate::layers::frame::PROTOCOLS_FIELD;

/// Options of `pktforge fields`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
    pktforge fields\n  \
    pktforge fields tcp\n  \
    pktforge fields --tsv | cut -f3,4")]
pub struct Args {
    /// A protocol (`eth`, `ip`, `tcp`, `dns`, `http`...): only its fields.
    #[arg(value_name = "PROTO")]
    pub protocol: Option<String>,
    /// Tab-separated, in `tshark -G fields`'s layout: a `P` line per protocol (title,
    /// name) and an `F` line per field (description, name, type, protocol, base, bit mask).
    #[arg(long)]
    pub tsv: bool,
}

/// tshark's base name.
fn base_name(b: Base) -> &'static str {
    match b {
        Base::Dec => "BASE_DEC",
        Base::Hex(_) => "BASE_HEX",
        Base::None => "",
    }
}

/// The table's rows for one protocol, plus `frame.protocols` after the `frame` fields.
fn rows(
    p: &Protocol,
) -> impl Iterator<Item = (&'static str, &'static str, &'static str, &'static str)> {
    let extra = (p.name == "frame").then_some((
        PROTOCOLS_FIELD,
        "FT_STRING",
        "",
        "Protocols in frame (the chain of protocol names)",
    ));
    p.fields
        .iter()
        .map(|d: &FieldDef| (d.name, d.ty.name(), base_name(d.base), d.desc))
        .chain(extra)
}

/// Runs `pktforge fields`.
pub fn run(a: &Args, out: &mut dyn Write) -> CliResult {
    let chosen: Vec<&Protocol> = match &a.protocol {
        None => PROTOCOLS.to_vec(),
        Some(name) => match crate::fields::protocol(name) {
            Some(p) => vec![p],
            None => {
                let near = crate::layers::suggest_from(name, PROTOCOLS.iter().map(|p| p.name));
                let hint = if near.is_empty() {
                    let all: Vec<&str> = PROTOCOLS.iter().map(|p| p.name).collect();
                    format!("the protocols are {}", all.join(", "))
                } else {
                    format!("did you mean {}?", near.join(" or "))
                };
                return Err(CliError::Usage(format!(
                    "error: no protocol {name:?} in the field table; {hint}"
                )));
            }
        },
    };
    let mut s = String::new();
    if a.tsv {
        for p in &chosen {
            s.push_str(&format!("P\t{}\t{}\n", p.title, p.name));
            for (name, ty, base, desc) in rows(p) {
                s.push_str(&format!(
                    "F\t{desc}\t{name}\t{ty}\t{}\t{base}\t0x0\t\n",
                    p.name
                ));
            }
        }
        return emit(out, &s);
    }
    let width = chosen
        .iter()
        .flat_map(|p| rows(p))
        .map(|r| r.0.len())
        .max()
        .unwrap_or(0);
    for (i, p) in chosen.iter().enumerate() {
        if i > 0 {
            s.push('\n');
        }
        s.push_str(&format!("{} ({})\n", p.name, p.title));
        for (name, ty, _, desc) in rows(p) {
            s.push_str(&format!("  {name:<width$}  {ty:<17} {desc}\n"));
        }
    }
    emit(out, &s)
}
