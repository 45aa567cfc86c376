//! DNS's part of the tcpdump line, as tcpdump's print-domain.c prints it: the id and flag
//! marks, the question, the answers, the length, and `[|domain]` where the snap length cut
//! the message. The line's frame (time, link header, the walk over layers) is
//! src/output/line.rs; the UDP and TCP parts call this.

use std::io::Write;

use crate::dissect::{DnsRecords, DnsView, RData};
use crate::output::line::{Addr, Put};

/// `ID+ A? name. (N)` for a query, `ID 1/0/0 A addr (N)` for a response.
pub(crate) fn line(d: &DnsView<'_>, len: usize, out: &mut Vec<u8>) {
    let mut name = [0u8; 256];
    let mut q = |out: &mut Vec<u8>| {
        if let Some(qq) = d.question() {
            let t = type_name(qq.qtype);
            let n = qq.name.write_to(&mut name).unwrap_or(0);
            let _ = write!(out, " {t}? ");
            out.extend_from_slice(name.get(..n).unwrap_or(&[]));
        }
    };
    if d.qr() == 0 {
        // tcpdump's flag marks: + recursion desired, | truncated.
        out.num(d.id());
        if d.rd() {
            out.push(b'+');
        }
        if d.tc() {
            out.push(b'|');
        }
        if d.arcount() > 0 {
            let _ = write!(out, " [{}au]", d.arcount());
        }
        if d.qdcount() > 0 && d.question().is_none() {
            // The question was cut by the snap length.
            out.extend_from_slice(b" [|domain]");
            return;
        }
        q(out);
    } else {
        // * authoritative, - recursion not available, | truncated.
        out.num(d.id());
        if d.aa() {
            out.push(b'*');
        }
        if !d.ra() {
            out.push(b'-');
        }
        if d.tc() {
            out.push(b'|');
        }
        if d.rcode() != 0 {
            let _ = match d.rcode() {
                1 => write!(out, " FormErr"),
                2 => write!(out, " ServFail"),
                3 => write!(out, " NXDomain"),
                4 => write!(out, " NotImp"),
                5 => write!(out, " Refused"),
                r => write!(out, " Resp{r}"),
            };
        }
        // tcpdump skips the question by its name only; cut inside it, the line ends.
        let msg = d.message();
        let mut at = 12;
        if d.qdcount() > 0 {
            match ns_nskip(msg, at) {
                Some(p) => at = p + 4,
                None => {
                    out.extend_from_slice(b" [|domain]");
                    return;
                }
            }
        }
        let _ = write!(out, " {}/{}/{}", d.ancount(), d.nscount(), d.arcount());
        let mut answers = d.answers();
        let mut i = 0usize;
        for a in answers.by_ref() {
            out.push(if i == 0 { b' ' } else { b',' });
            if i > 0 {
                out.push(b' ');
            }
            i += 1;
            out.extend_from_slice(type_name(a.rtype).as_bytes());
            match a.data() {
                RData::A(x) => {
                    out.push(b' ');
                    out.addr(&Addr::V4(x));
                }
                RData::Aaaa(x) => {
                    out.push(b' ');
                    out.addr(&Addr::V6(x));
                }
                RData::Name(n) => {
                    let k = n.write_to(&mut name).unwrap_or(0);
                    out.push(b' ');
                    out.extend_from_slice(name.get(..k).unwrap_or(&[]));
                }
                RData::Other(b) if a.rtype == 16 => txt(b, out),
                RData::Other(b) if a.rtype == 15 => {
                    if let Some(n) = a.rdata_name(2) {
                        let k = n.write_to(&mut name).unwrap_or(0);
                        out.push(b' ');
                        out.extend_from_slice(name.get(..k).unwrap_or(&[]));
                        let pref = crate::wire::be16(b, 0).unwrap_or(0);
                        let _ = write!(out, " {pref}");
                    }
                }
                RData::Other(_) => {}
            }
        }
        if answers.left() > 0 && !dns_cut_answer(msg, &mut answers, at, i, out) {
            return;
        }
    }
    out.extend_from_slice(b" (");
    out.num(len as u64);
    out.push(b')');
}

/// tcpdump's `ns_nskip`: the end of the name at `at`, or `None` when a label length byte
/// was not captured (a compression pointer ends the name, its second byte unchecked).
fn ns_nskip(msg: &[u8], mut at: usize) -> Option<usize> {
    // Each label moves forward, so the walk ends within the message.
    for _ in 0..=msg.len() {
        let i = *msg.get(at)?;
        match i & 0xc0 {
            0 if i == 0 => return Some(at + 1),
            0 => at += usize::from(i) + 1,
            0xc0 => return Some(at + 2),
            // EDNS0 extended label types and the reserved one.
            _ => return None,
        }
    }
    None
}

/// The answer the snap length cut, as tcpdump's `ns_rprint` meets it: with its fixed part
/// captured, its class and type then `[|domain]`; without, nothing, and `[|domain]` only
/// when more answers were announced. `answers` stopped at that record; `printed` answers
/// came before it. Returns false when the line ends here.
fn dns_cut_answer(
    msg: &[u8],
    answers: &mut DnsRecords<'_>,
    question_end: usize,
    printed: usize,
    out: &mut Vec<u8>,
) -> bool {
    let at = if printed == 0 {
        question_end
    } else {
        answers.offset()
    };
    if at >= msg.len() && printed > 0 {
        // tcpdump's loop stops at the end of the captured bytes.
        out.extend_from_slice(b" [|domain]");
        return false;
    }
    if printed > 0 {
        out.push(b',');
    }
    let fixed = ns_nskip(msg, at).filter(|&p| p + 10 <= msg.len());
    let Some(p) = fixed else {
        if answers.left() > 1 {
            out.extend_from_slice(b" [|domain]");
            return false;
        }
        return true;
    };
    let t = crate::wire::be16(msg, p).unwrap_or(0);
    let class = crate::wire::be16(msg, p + 2).unwrap_or(0);
    if class != 1 && t != 41 {
        let _ = write!(out, " (Class {class})");
    }
    out.push(b' ');
    out.extend_from_slice(type_name(t).as_bytes());
    out.extend_from_slice(b" [|domain]");
    false
}

/// TXT data as tcpdump prints it: each character-string quoted.
fn txt(mut b: &[u8], out: &mut Vec<u8>) {
    while let Some((&n, rest)) = b.split_first() {
        let s = rest.get(..usize::from(n)).unwrap_or(rest);
        out.extend_from_slice(b" \"");
        out.extend_from_slice(s);
        out.push(b'"');
        b = rest.get(s.len()..).unwrap_or(&[]);
    }
}

/// Record type names as tcpdump prints them; others are `Type<n>`.
fn type_name(t: u16) -> std::borrow::Cow<'static, str> {
    let name = match t {
        1 => "A",
        2 => "NS",
        5 => "CNAME",
        6 => "SOA",
        12 => "PTR",
        13 => "HINFO",
        15 => "MX",
        16 => "TXT",
        28 => "AAAA",
        33 => "SRV",
        35 => "NAPTR",
        39 => "DNAME",
        41 => "OPT",
        43 => "DS",
        46 => "RRSIG",
        47 => "NSEC",
        48 => "DNSKEY",
        99 => "SPF",
        252 => "AXFR",
        255 => "ANY",
        257 => "CAA",
        _ => return std::borrow::Cow::Owned(format!("Type{t}")),
    };
    std::borrow::Cow::Borrowed(name)
}
