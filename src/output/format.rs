//! What to write for each packet, and the one function that writes it in any format: the
//! tcpdump line ([`super::line`]), the `-v` tree ([`super::tree`]), JSON ([`super::json`]),
//! chosen fields ([`super::columns`]), then the hex dump ([`super::hex`]) if asked.

use crate::capture::LinkTypeNumber;
use crate::dissect::Dissection;
use crate::fields::Frame;
use crate::output::columns::{FieldsFormat, Selection, write_fields_line, write_header};
use crate::output::line::{LineMeta, write_line};
use crate::output::{FrameMeta, hex, tree, write_json, write_json_fields};

/// How each packet is written: the flags of `read` and `sniff`. `Format::default()` is
/// tcpdump's line, without the link header.
#[derive(Debug, Clone, Copy, Default)]
pub struct Format<'c> {
    /// `--json`: one JSON object per packet.
    pub json: bool,
    /// `-v`: the layer tree.
    pub verbose: bool,
    /// `-x`: hex after the line.
    pub hex: bool,
    /// `-X`: hex and ASCII after the line.
    pub hex_ascii: bool,
    /// `-e`: the link-layer header on each line.
    pub link_header: bool,
    /// Write nothing (`--count`, `-w`): packets are still filtered and dissected.
    pub quiet: bool,
    /// `-e NAME`, `--fields`: the chosen fields and how their lines are written (with
    /// `json`, the keys of each object).
    pub columns: Option<(&'c Selection, &'c FieldsFormat)>,
}

/// One packet as the writers see it.
#[derive(Debug, Clone, Copy)]
pub struct PacketRef<'a> {
    /// Number, time and lengths.
    pub meta: FrameMeta,
    /// How the bytes are framed.
    pub link: LinkTypeNumber,
    /// Time of the first packet of the capture (`frame.time_relative`).
    pub first_ts: (i64, u32),
    /// Time of the packet before it (`frame.time_delta`; its own for the first).
    pub prev_ts: (i64, u32),
    /// The captured bytes.
    pub data: &'a [u8],
}

impl Format<'_> {
    /// True when [`write_packet`](Self::write_packet) reads the fast dissection (every
    /// format but the `-v` tree, which parses the packet model itself).
    pub fn needs_dissection(&self) -> bool {
        !self.verbose || self.quiet
    }

    /// The header line of field output (`-E header=y`, `--csv`), if this format has one.
    pub fn write_header(&self, out: &mut Vec<u8>) {
        if let (Some((sel, fmt)), false, false) = (self.columns, self.quiet, self.json) {
            if fmt.header {
                write_header(sel, fmt, out);
            }
        }
    }

    /// Appends what this format writes for packet `p`, whose fast dissection is `d` (when
    /// [`needs_dissection`](Self::needs_dissection)). Nothing when `quiet`.
    pub fn write_packet(&self, p: &PacketRef<'_>, d: &Dissection<'_>, out: &mut Vec<u8>) {
        if self.quiet {
            return;
        }
        if let Some((sel, tf)) = self.columns {
            let frame = Frame {
                meta: &p.meta,
                first_ts: p.first_ts,
                prev_ts: p.prev_ts,
                data: p.data,
                d,
            };
            if self.json {
                write_json_fields(&frame, sel, out);
            } else {
                write_fields_line(&frame, sel, tf, out);
            }
        } else if self.json {
            write_json(&p.meta, d, out);
        } else if self.verbose {
            tree::write_tree(&p.meta, p.link, p.data, out);
        } else {
            let meta = LineMeta {
                ts_sec: p.meta.ts_sec,
                ts_nsec: p.meta.ts_nsec,
                orig_len: p.meta.orig_len,
                link: p.link,
            };
            write_line(&meta, d, self.link_header, out);
        }
        if self.hex_ascii {
            hex::write_hex_ascii(p.data, out);
        } else if self.hex {
            hex::write_hex(p.data, out);
        }
    }
}
