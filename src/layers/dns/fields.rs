//! Wireshark's `dns.*` fields, read from the fast-path [`DnsView`](super::view::DnsView).

use super::view::{DnsRecord, DnsView, RData};
use crate::dissect::View;
use crate::fields::{Base, Emit, FieldDef, FieldType as Ft, FieldVal, Frame, Protocol, VIEW_DNS};

/// Emits what `get` gives for every DNS message of the frame.
fn each_msg<'a>(f: &Frame<'_, 'a>, e: Emit<'_, 'a>, get: fn(&DnsView<'a>) -> Option<FieldVal<'a>>) {
    for l in f.layers() {
        if let View::Dns(v) = l.view {
            if let Some(x) = get(&v) {
                e(x);
            }
        }
    }
}

/// Emits what `get` gives for every record (answer, authority, additional) of every DNS
/// message of the frame.
fn each_rr<'a>(
    f: &Frame<'_, 'a>,
    e: Emit<'_, 'a>,
    get: fn(&DnsRecord<'a>) -> Option<FieldVal<'a>>,
) {
    for l in f.layers() {
        if let View::Dns(v) = l.view {
            v.records().filter_map(|r| get(&r)).for_each(&mut *e);
        }
    }
}

/// Wireshark's `dns.*` fields.
pub static FIELDS: &[FieldDef] = &[
    FieldDef {
        name: "dns.id",
        ty: Ft::UInt,
        base: Base::Hex(4),
        desc: "Transaction ID",
        each: |f, e| each_msg(f, e, |v| Some(FieldVal::UInt(v.id().into()))),
    },
    FieldDef {
        name: "dns.flags.response",
        ty: Ft::Bool,
        base: Base::None,
        desc: "Is the message a response?",
        each: |f, e| each_msg(f, e, |v| Some(FieldVal::Bool(v.qr() == 1))),
    },
    // Wireshark shows the response code of responses only.
    FieldDef {
        name: "dns.flags.rcode",
        ty: Ft::UInt,
        base: Base::Dec,
        desc: "Reply code",
        each: |f, e| {
            each_msg(f, e, |v| {
                (v.qr() == 1).then(|| FieldVal::UInt(v.rcode().into()))
            })
        },
    },
    FieldDef {
        name: "dns.qry.name",
        ty: Ft::Str,
        base: Base::None,
        desc: "Query name",
        each: |f, e| each_msg(f, e, |v| Some(FieldVal::Name(v.question()?.name))),
    },
    FieldDef {
        name: "dns.qry.type",
        ty: Ft::UInt,
        base: Base::Dec,
        desc: "Query Type",
        each: |f, e| each_msg(f, e, |v| Some(FieldVal::UInt(v.question()?.qtype.into()))),
    },
    FieldDef {
        name: "dns.a",
        ty: Ft::Ipv4,
        base: Base::None,
        desc: "Address",
        each: |f, e| {
            each_rr(f, e, |r| match r.data() {
                RData::A(a) => Some(FieldVal::Ipv4(a)),
                _ => None,
            })
        },
    },
    FieldDef {
        name: "dns.aaaa",
        ty: Ft::Ipv6,
        base: Base::None,
        desc: "AAAA Address",
        each: |f, e| {
            each_rr(f, e, |r| match r.data() {
                RData::Aaaa(a) => Some(FieldVal::Ipv6(a)),
                _ => None,
            })
        },
    },
    FieldDef {
        name: "dns.cname",
        ty: Ft::Str,
        base: Base::None,
        desc: "Canonical Name",
        each: |f, e| {
            each_rr(f, e, |r| match (r.rtype, r.data()) {
                (5, RData::Name(n)) => Some(FieldVal::Name(n)),
                _ => None,
            })
        },
    },
    FieldDef {
        name: "dns.qry.class",
        ty: Ft::UInt,
        base: Base::Hex(4),
        desc: "Query Class",
        each: |f, e| each_msg(f, e, |v| Some(FieldVal::UInt(v.question()?.qclass.into()))),
    },
    FieldDef {
        name: "dns.resp.name",
        ty: Ft::Str,
        base: Base::None,
        desc: "Response Name",
        each: |f, e| each_rr(f, e, |r| Some(FieldVal::Name(r.name))),
    },
    FieldDef {
        name: "dns.resp.type",
        ty: Ft::UInt,
        base: Base::Dec,
        desc: "Response Type",
        each: |f, e| each_rr(f, e, |r| Some(FieldVal::UInt(r.rtype.into()))),
    },
    // An OPT pseudo-record has no TTL.
    FieldDef {
        name: "dns.resp.ttl",
        ty: Ft::UInt,
        base: Base::Dec,
        desc: "Response TTL",
        each: |f, e| {
            each_rr(f, e, |r| {
                (r.rtype != 41).then_some(FieldVal::UInt(r.ttl.into()))
            })
        },
    },
    FieldDef {
        name: "dns.count.queries",
        ty: Ft::UInt,
        base: Base::Dec,
        desc: "Number of queries in packet",
        each: |f, e| each_msg(f, e, |v| Some(FieldVal::UInt(v.qdcount().into()))),
    },
    FieldDef {
        name: "dns.count.answers",
        ty: Ft::UInt,
        base: Base::Dec,
        desc: "Number of answers in packet",
        each: |f, e| each_msg(f, e, |v| Some(FieldVal::UInt(v.ancount().into()))),
    },
    FieldDef {
        name: "dns.ns",
        ty: Ft::Str,
        base: Base::None,
        desc: "Name Server",
        each: |f, e| {
            each_rr(f, e, |r| match (r.rtype, r.data()) {
                (2, RData::Name(n)) => Some(FieldVal::Name(n)),
                _ => None,
            })
        },
    },
    FieldDef {
        name: "dns.mx.mail_exchange",
        ty: Ft::Str,
        base: Base::None,
        desc: "Mail Exchange",
        each: |f, e| {
            each_rr(f, e, |r| {
                (r.rtype == 15)
                    .then(|| r.rdata_name(2))
                    .flatten()
                    .map(FieldVal::Name)
            })
        },
    },
    // One occurrence per character-string of a TXT record.
    FieldDef {
        name: "dns.txt",
        ty: Ft::Str,
        base: Base::None,
        desc: "TXT",
        each: |f, e| {
            for l in f.layers() {
                if let View::Dns(v) = l.view {
                    for r in v.records().filter(|r| r.rtype == 16) {
                        let mut rest = r.rdata_bytes();
                        while let Some((&n, tail)) = rest.split_first() {
                            let Some(s) = tail.get(..usize::from(n)) else {
                                break;
                            };
                            e(FieldVal::Str(s));
                            rest = tail.get(usize::from(n)..).unwrap_or(&[]);
                        }
                    }
                }
            }
        },
    },
];

/// The `dns` table.
pub static PROTOCOL: Protocol = Protocol {
    name: "dns",
    title: "Domain Name System",
    fields: FIELDS,
    json: 8,
    views: VIEW_DNS,
};
