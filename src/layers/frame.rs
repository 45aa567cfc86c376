//! The `frame` pseudo-protocol: what the capture file says about a frame (number, time,
//! lengths), Wireshark's `frame.*` fields.
//!
//! `frame.protocols` is not an entry of this table: it is the chain of protocol names the
//! output writes from the whole dissection (see [`crate::output::json`]).

use crate::fields::{Base, FieldDef, FieldType, FieldVal, Protocol, ns_between};

/// The name of the protocol chain (`eth:ethertype:ip:tcp`), written by the output
/// modules beside the table's fields.
pub const PROTOCOLS_FIELD: &str = "frame.protocols";

/// Wireshark's `frame.*` fields.
pub static FIELDS: &[FieldDef] = &[
    FieldDef {
        name: "frame.number",
        ty: FieldType::UInt,
        base: Base::Dec,
        desc: "Frame Number",
        each: |f, e| e(FieldVal::UInt(f.meta.number)),
    },
    FieldDef {
        name: "frame.time_epoch",
        ty: FieldType::Time,
        base: Base::None,
        desc: "Epoch time when this frame was captured",
        each: |f, e| e(FieldVal::Time(f.meta.ts_sec, f.meta.ts_nsec)),
    },
    FieldDef {
        name: "frame.len",
        ty: FieldType::UInt,
        base: Base::Dec,
        desc: "Frame length on the wire",
        each: |f, e| e(FieldVal::UInt(f.meta.orig_len.into())),
    },
    FieldDef {
        name: "frame.cap_len",
        ty: FieldType::UInt,
        base: Base::Dec,
        desc: "Frame length stored into the capture file",
        each: |f, e| e(FieldVal::UInt(f.meta.cap_len.into())),
    },
    FieldDef {
        name: "frame.time_relative",
        ty: FieldType::RelTime,
        base: Base::None,
        desc: "Time relative to the first frame",
        each: |f, e| {
            e(FieldVal::RelTime(ns_between(
                f.first_ts,
                (f.meta.ts_sec, f.meta.ts_nsec),
            )))
        },
    },
    FieldDef {
        name: "frame.time_delta",
        ty: FieldType::RelTime,
        base: Base::None,
        desc: "Time delta from previous captured frame",
        each: |f, e| {
            e(FieldVal::RelTime(ns_between(
                f.prev_ts,
                (f.meta.ts_sec, f.meta.ts_nsec),
            )))
        },
    },
];

/// The `frame` table.
pub static PROTOCOL: Protocol = Protocol {
    name: "frame",
    title: "Frame",
    fields: FIELDS,
    json: 4,
    views: 0,
};
