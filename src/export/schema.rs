//! The Parquet columns of an export: which fields, in which order, with which types.
//!
//! Every column is one field of the table of [`crate::fields`] (or `frame.protocols`),
//! under its Wireshark name, typed from its [`FieldType`]:
//!
//! | field type | Parquet column |
//! |---|---|
//! | unsigned integer | `INT32`/`INT64` with the logical type `INTEGER(n, false)`, `n` the narrowest width that holds the field ([`uint_bits`]: `UINT8` for `ip.ttl`, `UINT16` for ports) |
//! | signed integer | `INT64` (`INTEGER(64, true)`) |
//! | boolean | `BOOLEAN` |
//! | absolute time (`frame.time_epoch`) | `INT64` `TIMESTAMP(NANOS, UTC)` |
//! | relative time (`frame.time_delta`) | `INT64` `DECIMAL(18, 9)`: seconds with nine decimals, as tshark prints them |
//! | addresses, text, bytes, `frame.protocols` | `BYTE_ARRAY` `STRING`: tshark's text (`198.18.0.1`, `02:70:66:02:00:01`, hex for bytes) |
//!
//! `ip.src` and `ip.dst` are followed by `ip.src_u32` and `ip.dst_u32` (`UINT32`, the address
//! as a big-endian number) so that engines can range-scan (`ip.src_u32 BETWEEN ...`).
//!
//! A field that a single layer gives several values ([`is_repeated`]: the `*.addr` and
//! `*.port` aliases, stacked VLAN ids, DNS questions and answers) is a `LIST` of its type,
//! every occurrence in packet order. Any other field is a plain column holding its first
//! occurrence: the outermost layer's, when a packet carries a layer twice (the IP header
//! an ICMP error quotes, IP in IP), as `tshark -E occurrence=f` prints it.

use std::sync::Arc;

use parquet::basic::{LogicalType, Repetition, TimeUnit, Type as Physical};
use parquet::schema::types::{Type, TypePtr};

use crate::fields::{self, FieldDef, FieldType};
use crate::layers::frame::PROTOCOLS_FIELD;
use crate::output::columns::{Column, Selection, UnknownField};

/// What is stored in a column, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An unsigned integer of this many bits (8, 16, 32 or 64).
    UInt(u8),
    /// A signed 64-bit integer.
    Int,
    /// A boolean.
    Bool,
    /// Nanoseconds since the epoch, UTC.
    Timestamp,
    /// Nanoseconds, as `DECIMAL(18, 9)` seconds.
    Duration,
    /// Text.
    Text,
    /// An IPv4 address as a 32-bit number (`ip.src_u32`).
    Ipv4Number,
}

impl Kind {
    /// The name recorded in the file's metadata: `tshark -G fields`' type names, with the
    /// integer width (`FT_UINT16`).
    pub fn type_name(self, ty: Option<FieldType>) -> String {
        match (self, ty) {
            (Kind::UInt(b), _) => format!("FT_UINT{b}"),
            (Kind::Ipv4Number, _) => "FT_UINT32".into(),
            (Kind::Int, _) => "FT_INT64".into(),
            (_, Some(t)) => t.name().into(),
            (_, None) => "FT_STRING".into(),
        }
    }
}

/// Where a column's values come from.
#[derive(Debug, Clone, Copy)]
pub enum Source {
    /// Every occurrence (or the first) of a table field.
    Field(&'static FieldDef),
    /// `frame.protocols`.
    Protocols,
    /// The first occurrence of an IPv4 field, as a number.
    Ipv4Number(&'static FieldDef),
}

/// One column of the export.
#[derive(Debug, Clone)]
pub struct ColumnSpec {
    /// The column name: the Wireshark field name (`ip.src`), or `ip.src_u32`.
    pub name: String,
    /// What it holds.
    pub kind: Kind,
    /// A `LIST` of every occurrence, rather than the first.
    pub repeated: bool,
    /// Where its values come from.
    pub source: Source,
    /// The views of the field's protocol ([`fields::Protocol::views`]): a frame without
    /// any has no value (0: every frame may have one).
    pub views: u32,
}

/// Which fields an export writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fields {
    /// `pktforge read --json`'s fields, in its order.
    Default,
    /// Every field of the table, and `frame.protocols`.
    Full,
    /// These names, in this order.
    Named(Vec<String>),
}

/// The narrowest unsigned width, in bits, that holds every value of the unsigned field
/// `name` (Wireshark's `FT_UINTn` for the field, wider where pktforge reads more, such as
/// `frame.number` over very long files); 64 for a field not listed.
pub fn uint_bits(name: &str) -> u8 {
    match name {
        "ip.proto"
        | "ip.ttl"
        | "ip.dsfield.dscp"
        | "ip.hdr_len"
        | "ipv6.nxt"
        | "ipv6.hlim"
        | "icmp.type"
        | "icmp.code"
        | "icmpv6.type"
        | "icmpv6.code"
        | "tcp.hdr_len"
        | "tcp.options.wscale.shift" => 8,
        "eth.type"
        | "vlan.id"
        | "arp.opcode"
        | "ip.id"
        | "ip.len"
        | "ip.frag_offset"
        | "ip.checksum"
        | "ipv6.plen"
        | "icmp.ident"
        | "icmp.seq"
        | "icmp.checksum"
        | "tcp.srcport"
        | "tcp.dstport"
        | "tcp.port"
        | "tcp.flags"
        | "tcp.window_size_value"
        | "tcp.options.mss_val"
        | "tcp.checksum"
        | "tcp.urgent_pointer"
        | "udp.srcport"
        | "udp.dstport"
        | "udp.port"
        | "udp.length"
        | "udp.checksum"
        | "dns.id"
        | "dns.flags.rcode"
        | "dns.qry.type"
        | "dns.qry.class"
        | "dns.resp.type"
        | "dns.count.queries"
        | "dns.count.answers"
        | "http.response.code" => 16,
        "frame.len" | "frame.cap_len" | "tcp.seq_raw" | "tcp.ack_raw" | "tcp.len"
        | "dns.resp.ttl" => 32,
        _ => 64,
    }
}

/// True for a field one layer may give several values: exported as a `LIST`.
pub fn is_repeated(name: &str) -> bool {
    matches!(
        name,
        "eth.addr"
            | "ip.addr"
            | "ipv6.addr"
            | "tcp.port"
            | "udp.port"
            | "vlan.id"
            | "dns.qry.name"
            | "dns.qry.type"
            | "dns.qry.class"
            | "dns.a"
            | "dns.aaaa"
            | "dns.cname"
            | "dns.resp.name"
            | "dns.resp.type"
            | "dns.resp.ttl"
            | "dns.ns"
            | "dns.mx.mail_exchange"
            | "dns.txt"
    )
}

fn kind_of(def: &FieldDef) -> Kind {
    match def.ty {
        FieldType::UInt => Kind::UInt(uint_bits(def.name)),
        FieldType::Int => Kind::Int,
        FieldType::Bool => Kind::Bool,
        FieldType::Time => Kind::Timestamp,
        FieldType::RelTime => Kind::Duration,
        FieldType::Ipv4 | FieldType::Ipv6 | FieldType::Mac | FieldType::Str | FieldType::Bytes => {
            Kind::Text
        }
    }
}

/// The columns of `fields`, in order: each chosen field, with `ip.src_u32` after `ip.src`
/// and `ip.dst_u32` after `ip.dst`.
pub fn columns(fields: &Fields) -> Result<Vec<ColumnSpec>, UnknownField> {
    let sel = match fields {
        Fields::Default => Selection::json_default().clone(),
        Fields::Full => {
            let mut names = Vec::new();
            for p in fields::PROTOCOLS {
                names.extend(p.fields.iter().map(|f| f.name));
                if p.name == "frame" {
                    names.push(PROTOCOLS_FIELD);
                }
            }
            Selection::new(names)?
        }
        Fields::Named(names) => {
            // `ip.src_u32` and `ip.dst_u32` come with their address.
            let mut wanted: Vec<&str> = Vec::new();
            for n in names {
                let n = n.as_str();
                let n = match n {
                    "ip.src_u32" => "ip.src",
                    "ip.dst_u32" => "ip.dst",
                    n => n,
                };
                if !wanted.contains(&n) {
                    wanted.push(n);
                }
            }
            Selection::new(wanted)?
        }
    };
    let mut out = Vec::new();
    for c in sel.columns() {
        match *c {
            Column::Protocols => out.push(ColumnSpec {
                name: PROTOCOLS_FIELD.into(),
                kind: Kind::Text,
                repeated: false,
                source: Source::Protocols,
                views: 0,
            }),
            Column::Field(def, views) => {
                out.push(ColumnSpec {
                    name: def.name.into(),
                    kind: kind_of(def),
                    repeated: is_repeated(def.name),
                    source: Source::Field(def),
                    views,
                });
                if matches!(def.name, "ip.src" | "ip.dst") {
                    out.push(ColumnSpec {
                        name: format!("{}_u32", def.name),
                        kind: Kind::Ipv4Number,
                        repeated: false,
                        source: Source::Ipv4Number(def),
                        views,
                    });
                }
            }
        }
    }
    Ok(out)
}

/// The Parquet schema of `cols`: a message `pktforge` with one optional column (or optional
/// three-level `LIST`) per column.
pub fn parquet_schema(cols: &[ColumnSpec]) -> parquet::errors::Result<TypePtr> {
    let mut fields = Vec::with_capacity(cols.len());
    for c in cols {
        let (physical, logical) = match c.kind {
            Kind::UInt(64) => (Physical::INT64, LogicalType::integer(64, false)),
            Kind::UInt(b) => (Physical::INT32, LogicalType::integer(b as i8, false)),
            Kind::Ipv4Number => (Physical::INT32, LogicalType::integer(32, false)),
            Kind::Int => (Physical::INT64, LogicalType::integer(64, true)),
            Kind::Bool => (Physical::BOOLEAN, LogicalType::Unknown),
            Kind::Timestamp => (
                Physical::INT64,
                LogicalType::timestamp(true, TimeUnit::NANOS),
            ),
            Kind::Duration => (Physical::INT64, LogicalType::decimal(9, 18)),
            Kind::Text => (Physical::BYTE_ARRAY, LogicalType::String),
        };
        let logical = (logical != LogicalType::Unknown).then_some(logical);
        let mut b =
            Type::primitive_type_builder(if c.repeated { "element" } else { &c.name }, physical)
                .with_logical_type(logical.clone())
                .with_repetition(if c.repeated {
                    Repetition::REQUIRED
                } else {
                    Repetition::OPTIONAL
                });
        if c.kind == Kind::Duration {
            b = b.with_precision(18).with_scale(9);
        }
        let leaf = b.build()?;
        let t = if c.repeated {
            let list = Type::group_type_builder("list")
                .with_repetition(Repetition::REPEATED)
                .with_fields(vec![Arc::new(leaf)])
                .build()?;
            Type::group_type_builder(&c.name)
                .with_repetition(Repetition::OPTIONAL)
                .with_logical_type(Some(LogicalType::List))
                .with_fields(vec![Arc::new(list)])
                .build()?
        } else {
            leaf
        };
        fields.push(Arc::new(t));
    }
    Ok(Arc::new(
        Type::group_type_builder("pktforge")
            .with_fields(fields)
            .build()?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_columns_are_the_json_set_plus_u32() {
        let cols = columns(&Fields::Default).unwrap();
        let names: Vec<&str> = cols.iter().map(|c| c.name.as_str()).collect();
        let json: Vec<&str> = Selection::json_default()
            .columns()
            .iter()
            .map(Column::name)
            .collect();
        let without: Vec<&str> = names
            .iter()
            .copied()
            .filter(|n| !n.ends_with("_u32"))
            .collect();
        assert_eq!(without, json);
        assert!(names.contains(&"ip.src_u32") && names.contains(&"ip.dst_u32"));
        parquet_schema(&cols).unwrap();
        parquet_schema(&columns(&Fields::Full).unwrap()).unwrap();
    }

    #[test]
    fn every_unsigned_field_has_a_width_and_lists_exist() {
        for f in fields::all() {
            if f.ty == FieldType::UInt
                && f.name != "frame.number"
                && f.name != "http.content_length"
            {
                assert!(uint_bits(f.name) < 64, "{}: no width listed", f.name);
            }
            if is_repeated(f.name) {
                assert!(fields::lookup(f.name).is_some());
            }
        }
        for n in ["tcp.port", "dns.a", "vlan.id"] {
            assert!(fields::lookup(n).is_some() && is_repeated(n));
        }
        let e = columns(&Fields::Named(vec!["ip.srcc".into()])).unwrap_err();
        assert_eq!(e.closest.first().copied(), Some("ip.src"));
    }

    /// No reader gives a value wider than its column, on random packets.
    #[test]
    fn widths_hold_every_value() {
        use crate::dissect::{Dissection, dissect};
        use crate::fields::{FieldVal, Frame};
        use crate::output::FrameMeta;
        use crate::packet::LinkType;
        let links = [
            (LinkType::Ether, None),
            (LinkType::RawIp, Some(0x45)),
            (LinkType::Sll, None),
            (LinkType::Ipv6, Some(0x60)),
        ];
        crate::wire::random_packets(0x51ed_2701, 3000, 300, &links, |_, link, data| {
            let mut d = Dissection::new();
            dissect(link, data, &mut d);
            let meta = FrameMeta {
                number: 1,
                ts_sec: 1,
                ts_nsec: 0,
                orig_len: u32::MAX,
                cap_len: u32::MAX,
            };
            let f = Frame {
                meta: &meta,
                first_ts: (0, 0),
                prev_ts: (0, 0),
                data,
                d: &d,
            };
            for def in fields::all().filter(|d| d.ty == FieldType::UInt) {
                let bits = uint_bits(def.name);
                (def.each)(&f, &mut |v| {
                    if let FieldVal::UInt(n) = v {
                        assert!(
                            bits == 64 || n >> bits == 0,
                            "{} = {n} does not fit {bits} bits",
                            def.name
                        );
                    }
                });
            }
        });
    }
}
