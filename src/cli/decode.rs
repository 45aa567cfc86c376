//! `pktforge decode`: dissect bytes given in hex, from a file or from stdin.

use std::io::{Read, Write};
use std::path::PathBuf;

use crate::cli::{CliError, CliResult, emit};
use crate::packet::{LinkType, Packet, hexdump};

/// The first layer of the bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Link {
    /// Ethernet II.
    Ether,
    /// IPv4 or IPv6, from the version nibble.
    Ip,
    /// IPv4.
    Ipv4,
    /// IPv6.
    Ipv6,
    /// Guess from the first byte (0x45..0x4f: IPv4, 0x6_: IPv6, else Ethernet).
    Auto,
}

/// Options of `pktforge decode`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
    pktforge decode 'ffffffffffff 000000000000 0800 4500001c00010000 40017cde7f000001 7f000001 0800f7ff00000000'\n  \
    pktforge decode 4500001c0001000040017cde7f0000017f0000010800f7ff00000000 --link ip\n  \
    xxd -p frame.bin | pktforge decode - --summary\n  \
    pktforge decode --file frame.bin --link auto")]
pub struct Args {
    /// The bytes in hex (spaces, colons and a 0x prefix are ignored), or `-` for stdin.
    #[arg(value_name = "HEX", required_unless_present = "file")]
    pub hex: Option<String>,
    /// Read the bytes from a file: raw bytes, or hex text.
    #[arg(long, value_name = "FILE", conflicts_with = "hex")]
    pub file: Option<PathBuf>,
    /// The first layer of the bytes.
    #[arg(long, value_enum, default_value = "ether")]
    pub link: Link,
    /// Print one summary line instead of the layer tree.
    #[arg(long, group = "format")]
    pub summary: bool,
    /// Print a hex dump of the bytes after the layer tree.
    #[arg(long)]
    pub hexdump: bool,
}

/// Parses hex text: pairs of hex digits, ignoring white space, `:` `-` `.` separators and
/// `0x` prefixes. Returns the byte offset (in `s`) of the first bad character on error.
pub fn parse_hex(s: &str) -> Result<Vec<u8>, usize> {
    let mut out = Vec::with_capacity(s.len() / 2);
    let mut hi: Option<u8> = None;
    let mut it = s.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        if c == '0' && hi.is_none() && matches!(it.peek(), Some((_, 'x' | 'X'))) {
            it.next();
            continue;
        }
        if c.is_whitespace() || matches!(c, ':' | '-' | '.') {
            if hi.is_some() {
                return Err(i);
            }
            continue;
        }
        let v = c.to_digit(16).ok_or(i)? as u8;
        match hi.take() {
            None => hi = Some(v),
            Some(h) => out.push((h << 4) | v),
        }
    }
    if hi.is_some() {
        return Err(s.trim_end().len().saturating_sub(1));
    }
    Ok(out)
}

fn looks_like_hex(b: &[u8]) -> bool {
    !b.is_empty()
        && b.iter()
            .all(|c| c.is_ascii_hexdigit() || c.is_ascii_whitespace() || matches!(c, b':' | b'x'))
}

fn read_input(a: &Args) -> Result<Vec<u8>, CliError> {
    let from_text = |text: &str, what: &str| {
        parse_hex(text).map_err(|pos| {
            let col = text.get(..pos).map_or(pos, |p| p.chars().count());
            CliError::Usage(format!(
                "error: {what} is not hex at column {}\n  {}\n  {}^",
                col + 1,
                text.trim_end(),
                " ".repeat(col)
            ))
        })
    };
    let raw_or_hex = |b: Vec<u8>, what: &str| -> Result<Vec<u8>, CliError> {
        if looks_like_hex(&b) {
            from_text(&String::from_utf8_lossy(&b), what)
        } else {
            Ok(b)
        }
    };
    if let Some(path) = &a.file {
        let b = std::fs::read(path).map_err(|e| {
            CliError::Runtime(format!("error: cannot read {}: {e}", path.display()))
        })?;
        return raw_or_hex(b, &path.display().to_string());
    }
    match a.hex.as_deref() {
        Some("-") => {
            let mut b = Vec::new();
            std::io::stdin()
                .lock()
                .take(64 << 20)
                .read_to_end(&mut b)
                .map_err(|e| CliError::Runtime(format!("error: reading stdin: {e}")))?;
            raw_or_hex(b, "stdin")
        }
        Some(h) => from_text(h, "the argument"),
        None => Err(CliError::Usage(
            "error: give the bytes in hex, `-` for stdin, or --file FILE".into(),
        )),
    }
}

/// Runs `pktforge decode`.
pub fn run(a: &Args, out: &mut dyn Write) -> CliResult {
    let bytes = read_input(a)?;
    let link = match a.link {
        Link::Ether => LinkType::Ether,
        Link::Ip => LinkType::RawIp,
        Link::Ipv4 => LinkType::Ipv4,
        Link::Ipv6 => LinkType::Ipv6,
        Link::Auto => {
            let (l, name) = match bytes.first().map(|b| b >> 4) {
                Some(4) if bytes.first().is_some_and(|b| b & 0x0f >= 5) => (LinkType::Ipv4, "ipv4"),
                Some(6) => (LinkType::Ipv6, "ipv6"),
                _ => (LinkType::Ether, "ether"),
            };
            eprintln!("decode: --link auto chose {name}");
            l
        }
    };
    let p = Packet::parse(link, &bytes);
    if a.summary {
        emit(out, &format!("{}\n", p.summary()))?;
    } else {
        emit(out, &p.show_raw())?;
    }
    if let Some(e) = p.error() {
        emit(out, &format!("[malformed: {e}]\n"))?;
    }
    if a.hexdump {
        emit(out, &hexdump(&bytes))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_forms() {
        assert_eq!(parse_hex("0a0B ff").unwrap(), vec![10, 11, 255]);
        assert_eq!(parse_hex("0x0a:0b").unwrap(), vec![10, 11]);
        assert_eq!(parse_hex("0a 0").unwrap_err(), 3);
        assert_eq!(parse_hex("0g").unwrap_err(), 1);
        assert_eq!(parse_hex("a b").unwrap_err(), 1);
    }
}
