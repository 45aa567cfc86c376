//! `-v`: every packet's full layer tree, as the packet model's `show()` prints it, under a
//! frame line, with the error or the cut that ended its dissection.

use std::io::Write;

use crate::capture::LinkTypeNumber;
use crate::output::FrameMeta;
use crate::packet::{LinkType, Packet};

/// Appends the tree of one packet: `Frame N: ... bytes on the wire`, the layers, and
/// `[malformed: ...]` or `[Packet size limited during capture: ...]` when dissection ended
/// early.
pub fn write_tree(meta: &FrameMeta, link: LinkTypeNumber, data: &[u8], out: &mut Vec<u8>) {
    let p = Packet::parse_frame(LinkType::from_pcap(link.0), data, meta.orig_len as usize);
    let _ = writeln!(
        out,
        "Frame {}: {} bytes on the wire, {} captured, {}",
        meta.number, meta.orig_len, meta.cap_len, link
    );
    out.extend_from_slice(p.show_raw().as_bytes());
    if let Some(e) = p.error() {
        let _ = writeln!(out, "[malformed: {e}]");
    } else if let Some(c) = p.cut() {
        let l = c.layer();
        let _ = writeln!(out, "[Packet size limited during capture: {l} truncated]");
    }
}
