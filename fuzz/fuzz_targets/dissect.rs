//! Every output of one packet: the fast dissector, the owned parse with show(), summary()
//! and hexdump(), the tcpdump line, the JSON object and every field of the table.
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use pktforge::Packet;
use pktforge::capture::LinkTypeNumber;
use pktforge::dissect::{Dissection, dissect_frame};
use pktforge::fields::{Frame, PROTOCOLS};
use pktforge::output::FrameMeta;
use pktforge::output::columns::{FieldsFormat, Selection, write_fields_line};
use pktforge::output::line::{LineMeta, write_line};

fuzz_target!(|input: &[u8]| {
    let Some((n, link, data)) = common::split(input) else {
        return;
    };
    // Half the inputs are taken as cut packets: the wire length says 40 bytes more.
    let orig = if input.len() % 2 == 0 {
        data.len()
    } else {
        data.len() + 40
    };
    let mut d = Dissection::new();
    dissect_frame(link, data, orig, &mut d);
    let meta = FrameMeta {
        number: 1,
        ts_sec: 1_700_000_000,
        ts_nsec: 5,
        orig_len: orig as u32,
        cap_len: data.len() as u32,
    };
    let mut out = Vec::new();
    let lm = LineMeta {
        ts_sec: 1_700_000_000,
        ts_nsec: 5,
        orig_len: orig as u32,
        link: LinkTypeNumber(n),
    };
    write_line(&lm, &d, true, &mut out);
    assert_eq!(out.last(), Some(&b'\n'), "a line ends with its newline");
    out.clear();
    pktforge::output::json::write_json(&meta, &d, &mut out);
    let names: Vec<&str> = PROTOCOLS
        .iter()
        .flat_map(|p| p.fields.iter().map(|f| f.name))
        .collect();
    if let Ok(sel) = Selection::new(&names) {
        let frame = Frame {
            meta: &meta,
            first_ts: (1_700_000_000, 0),
            prev_ts: (1_700_000_000, 1),
            data,
            d: &d,
        };
        out.clear();
        write_fields_line(&frame, &sel, &FieldsFormat::default(), &mut out);
    }
    let p = Packet::parse_frame(link, data, orig);
    let _ = p.show();
    let _ = p.summary();
    let _ = p.hexdump();
});
