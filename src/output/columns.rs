//! Chosen fields, written like `tshark -T fields`: `pktforge read -e NAME`,
//! `--fields A,B,C`, `-E header=y|separator=X|occurrence=f|l|a|aggregator=X|quote=d|s|n`
//! and `--csv`.
//!
//! A [`Selection`] resolves the names once, against the table of [`crate::fields`] (plus
//! `frame.protocols`, the protocol chain); [`write_fields_line`] writes one line per frame:
//! the fields in the order chosen, separated by a tab, every occurrence of a field joined
//! by `,` (tshark's defaults), an absent field empty.
//!
//! ```
//! use pktforge::dissect::{Dissection, dissect};
//! use pktforge::fields::Frame;
//! use pktforge::output::FrameMeta;
//! use pktforge::output::columns::{FieldsFormat, Selection, write_fields_line};
//! use pktforge::prelude::*;
//!
//! let bytes = (Ether::new() / IP::new().src("192.0.2.1").dst("192.0.2.2") / UDP::new().sport(5000).dport(9))
//!     .build()
//!     .unwrap();
//! let mut d = Dissection::new();
//! dissect(LinkType::Ether, &bytes, &mut d);
//! let meta = FrameMeta { number: 1, ts_sec: 1, ts_nsec: 0, orig_len: 42, cap_len: 42 };
//! let frame = Frame { meta: &meta, first_ts: (1, 0), prev_ts: (1, 0), data: &bytes, d: &d };
//! let sel = Selection::new(["ip.addr", "udp.dstport", "tcp.port"]).unwrap();
//! let mut out = Vec::new();
//! write_fields_line(&frame, &sel, &FieldsFormat::default(), &mut out);
//! assert_eq!(out, b"192.0.2.1,192.0.2.2\t9\t\n");
//! ```

use std::sync::OnceLock;

use crate::fields::{self, FieldDef, Frame, write_value};
use crate::layers::frame::PROTOCOLS_FIELD;

/// One chosen column.
#[derive(Debug, Clone, Copy)]
pub enum Column {
    /// A field of the table, with its protocol's [`fields::Protocol::views`].
    Field(&'static FieldDef, u32),
    /// `frame.protocols`: the chain of protocol names.
    Protocols,
}

impl Column {
    /// The column's field name.
    pub fn name(&self) -> &'static str {
        match self {
            Column::Field(d, _) => d.name,
            Column::Protocols => PROTOCOLS_FIELD,
        }
    }
}

/// A field name that is not in the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownField {
    /// The name given.
    pub name: String,
    /// The closest names of the table.
    pub closest: Vec<&'static str>,
}

impl std::fmt::Display for UnknownField {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "no field named {:?}", self.name)?;
        if !self.closest.is_empty() {
            write!(f, " (did you mean {}?)", self.closest.join(", "))?;
        }
        write!(f, "; `pktforge fields` lists them")
    }
}

impl std::error::Error for UnknownField {}

/// The fields chosen for output, resolved against the table once.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    cols: Vec<Column>,
    /// `,"name":` for each column, ready for JSON.
    keys: Vec<Box<[u8]>>,
}

impl Selection {
    /// The fields named, in this order (a name may repeat).
    pub fn new<S: AsRef<str>>(
        names: impl IntoIterator<Item = S>,
    ) -> Result<Selection, UnknownField> {
        let cols = names
            .into_iter()
            .map(|n| {
                let n = n.as_ref();
                if n == PROTOCOLS_FIELD {
                    return Ok(Column::Protocols);
                }
                fields::lookup(n).map(column).ok_or_else(|| UnknownField {
                    name: n.to_owned(),
                    closest: fields::closest(n, 3),
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Selection::of(cols))
    }

    /// `pktforge read --json`'s fields: each protocol's first [`fields::Protocol::json`]
    /// fields, `frame.protocols` after the `frame` ones.
    pub fn json_default() -> &'static Selection {
        static DEFAULT: OnceLock<Selection> = OnceLock::new();
        DEFAULT.get_or_init(|| {
            let mut cols = Vec::new();
            for p in fields::PROTOCOLS {
                for d in p.fields.iter().take(p.json) {
                    cols.push(Column::Field(d, p.views));
                }
                if p.name == "frame" {
                    cols.push(Column::Protocols);
                }
            }
            Selection::of(cols)
        })
    }

    fn of(cols: Vec<Column>) -> Selection {
        let keys = cols
            .iter()
            .map(|c| {
                format!(",\"{}\":", c.name())
                    .into_bytes()
                    .into_boxed_slice()
            })
            .collect();
        Selection { cols, keys }
    }

    /// `,"name":` for each column, in order: the JSON keys after a comma.
    pub fn json_keys(&self) -> impl Iterator<Item = &[u8]> {
        self.keys.iter().map(|k| &k[..])
    }

    /// The columns, in order.
    pub fn columns(&self) -> &[Column] {
        &self.cols
    }

    /// True when no field is chosen.
    pub fn is_empty(&self) -> bool {
        self.cols.is_empty()
    }
}

fn column(d: &'static FieldDef) -> Column {
    let views = fields::protocol(d.protocol()).map_or(0, |p| p.views);
    Column::Field(d, views)
}

/// Which occurrences of a field `-T fields` prints (`-E occurrence=f|l|a`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Occurrence {
    /// The first.
    First,
    /// The last.
    Last,
    /// All, joined by the aggregator.
    #[default]
    All,
}

/// How `-T fields` quotes a non-empty value (`-E quote=d|s|n`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Quote {
    /// `"value"`.
    Double,
    /// `'value'`.
    Single,
    /// No quotes.
    #[default]
    None,
}

/// How lines are written: tshark's `-E` options, or RFC 4180 CSV.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldsFormat {
    /// Between fields (`-E separator=`; tab by default).
    pub separator: Vec<u8>,
    /// Between occurrences of a field (`-E aggregator=`; `,` by default).
    pub aggregator: Vec<u8>,
    /// Which occurrences (`-E occurrence=`).
    pub occurrence: Occurrence,
    /// Quotes around values (`-E quote=`).
    pub quote: Quote,
    /// A first line with the field names (`-E header=y`).
    pub header: bool,
    /// RFC 4180: a value holding the separator, `"`, CR or LF is quoted, its `"` doubled;
    /// lines end with CRLF.
    pub csv: bool,
}

impl Default for FieldsFormat {
    fn default() -> Self {
        FieldsFormat {
            separator: b"\t".to_vec(),
            aggregator: b",".to_vec(),
            occurrence: Occurrence::All,
            quote: Quote::None,
            header: false,
            csv: false,
        }
    }
}

impl FieldsFormat {
    /// `--csv`: comma-separated, quoted as RFC 4180 says, with a header line.
    pub fn csv() -> Self {
        FieldsFormat {
            separator: b",".to_vec(),
            header: true,
            csv: true,
            ..FieldsFormat::default()
        }
    }

    /// Applies one tshark `-E` option (`header=y`, `separator=,`, `separator=/t`,
    /// `occurrence=f`, `aggregator=;`, `quote=d`).
    pub fn set(&mut self, opt: &str) -> Result<(), String> {
        let (k, v) = opt
            .split_once('=')
            .ok_or_else(|| format!("-E {opt}: expected NAME=VALUE (header=y, separator=, ...)"))?;
        let sep = |v: &str| -> Result<Vec<u8>, String> {
            match v {
                "/t" => Ok(b"\t".to_vec()),
                "/s" => Ok(b" ".to_vec()),
                "" => Err(format!("-E {k}: empty value")),
                v => Ok(v.as_bytes().to_vec()),
            }
        };
        match (k, v) {
            ("header", "y") => self.header = true,
            ("header", "n") => self.header = false,
            ("separator", v) => self.separator = sep(v)?,
            ("aggregator", v) => self.aggregator = sep(v)?,
            ("occurrence", "f") => self.occurrence = Occurrence::First,
            ("occurrence", "l") => self.occurrence = Occurrence::Last,
            ("occurrence", "a") => self.occurrence = Occurrence::All,
            ("quote", "d") => self.quote = Quote::Double,
            ("quote", "s") => self.quote = Quote::Single,
            ("quote", "n") => self.quote = Quote::None,
            ("header" | "occurrence" | "quote", v) => {
                return Err(format!(
                    "-E {k}={v}: expected {}",
                    match k {
                        "header" => "y or n",
                        "occurrence" => "f, l or a",
                        _ => "d, s or n",
                    }
                ));
            }
            _ => {
                return Err(format!(
                    "-E {k}: unknown option (header, separator, occurrence, aggregator, quote)"
                ));
            }
        }
        Ok(())
    }
}

/// Writes the header line: the field names, separated.
pub fn write_header(sel: &Selection, fmt: &FieldsFormat, out: &mut Vec<u8>) {
    for (i, c) in sel.columns().iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(&fmt.separator);
        }
        out.extend_from_slice(c.name().as_bytes());
    }
    end_line(fmt, out);
}

/// `\n`, or `\r\n` for CSV (RFC 4180's line break).
fn end_line(fmt: &FieldsFormat, out: &mut Vec<u8>) {
    if fmt.csv {
        out.push(b'\r');
    }
    out.push(b'\n');
}

/// Writes one frame's line (with its `'\n'`, `"\r\n"` for CSV): the chosen fields, separated.
pub fn write_fields_line(
    f: &Frame<'_, '_>,
    sel: &Selection,
    fmt: &FieldsFormat,
    out: &mut Vec<u8>,
) {
    let present = f.present();
    let quote = match fmt.quote {
        Quote::Double if !fmt.csv => Some(b'"'),
        Quote::Single if !fmt.csv => Some(b'\''),
        _ => None,
    };
    for (i, c) in sel.columns().iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(&fmt.separator);
        }
        let start = out.len();
        if let Some(q) = quote {
            out.push(q);
        }
        let val_start = out.len();
        match *c {
            Column::Protocols => crate::output::json::put_protocols(out, f.d),
            Column::Field(def, views) => {
                if views == 0 || views & present != 0 {
                    let mut n = 0usize;
                    (def.each)(f, &mut |v| {
                        match fmt.occurrence {
                            Occurrence::First if n > 0 => return,
                            Occurrence::Last => out.truncate(val_start),
                            Occurrence::All if n > 0 => out.extend_from_slice(&fmt.aggregator),
                            _ => {}
                        }
                        n += 1;
                        write_value(out, def.base, v);
                    });
                }
            }
        }
        if out.len() == val_start {
            out.truncate(start);
            continue;
        }
        if let Some(q) = quote {
            out.push(q);
        }
        if fmt.csv {
            csv_quote(out, start, &fmt.separator);
        }
    }
    end_line(fmt, out);
}

/// Quotes the value at `out[start..]` as RFC 4180 wants, if it needs it.
fn csv_quote(out: &mut Vec<u8>, start: usize, sep: &[u8]) {
    let v = out.get(start..).unwrap_or(&[]);
    let needs = v.iter().any(|&b| matches!(b, b'"' | b'\r' | b'\n'))
        || (!sep.is_empty() && v.windows(sep.len()).any(|w| w == sep));
    if !needs {
        return;
    }
    // Rare: a copy of one value.
    let value = v.to_vec();
    out.truncate(start);
    out.push(b'"');
    for b in value {
        if b == b'"' {
            out.push(b'"');
        }
        out.push(b);
    }
    out.push(b'"');
}
