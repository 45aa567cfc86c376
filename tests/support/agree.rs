//! The comparison of the fast dissector with the owned model, packet by packet: used by
//! tests/fast_vs_owned.rs and by the `fast_vs_owned` fuzz target (fuzz/), so both check
//! the same agreement.

use pktforge::dissect::{Dissection, FieldValue, RData, TcpOpt, View, dissect_frame};
use pktforge::layers::dns::DNSRRData;
use pktforge::prelude::*;

/// Compares a fast-path value with the owned layer's value of the same field.
fn same_value(fast: &FieldValue<'_>, owned: &Value) -> bool {
    match (fast, owned) {
        (FieldValue::Int(a), Value::Int(b)) => a == b,
        (FieldValue::Mac(a), Value::Mac(b)) => a == b,
        (FieldValue::Ipv4(a), Value::Ipv4(b)) => a == b,
        (FieldValue::Ipv6(a), Value::Ipv6(b)) => a == b,
        (FieldValue::Bytes(a), Value::Bytes(b)) => a == &b.as_slice(),
        // ARP addresses: the owned model types them by hwtype/ptype and length.
        (FieldValue::Bytes(a), Value::Mac(m)) => *a == m.0.as_slice(),
        (FieldValue::Bytes(a), Value::Ipv4(x)) => *a == x.octets().as_slice(),
        (FieldValue::Bytes(a), Value::Ipv6(x)) => *a == x.octets().as_slice(),
        _ => false,
    }
}

fn tcp_opts_agree(fast: Vec<TcpOpt<'_>>, owned: &[TcpOption]) -> bool {
    fast.len() == owned.len()
        && fast.iter().zip(owned).all(|(f, o)| match (f, o) {
            (TcpOpt::Eol, TcpOption::Eol) | (TcpOpt::Nop, TcpOption::Nop) => true,
            (TcpOpt::Mss(a), TcpOption::Mss(b)) => a == b,
            (TcpOpt::WScale(a), TcpOption::WScale(b)) => a == b,
            (TcpOpt::SAckOK, TcpOption::SAckOK) => true,
            (TcpOpt::SAck(a), TcpOption::SAck(e)) => {
                a.len() == 4 * e.len()
                    && a.chunks_exact(4)
                        .zip(e)
                        .all(|(c, x)| c.try_into().map(u32::from_be_bytes).ok() == Some(*x))
            }
            (TcpOpt::Timestamp(a, b), TcpOption::Timestamp(c, d)) => a == c && b == d,
            (TcpOpt::Other { kind, data }, TcpOption::Unknown { kind: k, data: d }) => {
                kind == k && data == &d.as_slice()
            }
            (TcpOpt::Raw(a), TcpOption::Raw(b)) => a == &b.as_slice(),
            _ => false,
        })
}

fn name_text(n: &pktforge::dissect::DnsName<'_>) -> Vec<u8> {
    let mut buf = [0u8; 256];
    match n.write_to(&mut buf) {
        Some(len) => buf.get(..len).unwrap_or_default().to_vec(),
        None => b"<name over 256 bytes>".to_vec(),
    }
}

/// What the checks saw.
#[derive(Default, Debug)]
pub struct Stats {
    /// Count.
    pub packets: usize,
    /// Count.
    pub layers: usize,
    /// Count.
    pub fields: usize,
    /// Count.
    pub malformed: usize,
    /// Count.
    pub cut: usize,
    /// Count.
    pub partial: usize,
    /// Count.
    pub dns_answers: usize,
}

/// Checks one packet, `orig_len` bytes on the wire; returns a description of the first
/// disagreement.
pub fn check(link: LinkType, data: &[u8], orig_len: usize, st: &mut Stats) -> Result<(), String> {
    let mut d = Dissection::new();
    dissect_frame(link, data, orig_len, &mut d);
    let p = if orig_len == data.len() {
        Packet::parse(link, data)
    } else {
        Packet::parse_frame(link, data, orig_len)
    };
    let fast: Vec<&str> = d.layers().iter().map(|l| l.kind.name()).collect();
    let owned: Vec<&str> = p.layers().iter().map(|l| l.name()).collect();
    if fast != owned {
        return Err(format!("layers: fast {fast:?}, owned {owned:?}"));
    }
    match (d.error(), p.error()) {
        (None, None) => {}
        (Some(a), Some(e)) if a.same_as(e) => st.malformed += 1,
        (a, e) => return Err(format!("verdict: fast {a:?}, owned {e:?}")),
    }
    match (d.cut(), p.cut()) {
        (None, None) => {}
        (Some(a), Some(e)) if a.same_as(e) => st.cut += 1,
        (a, e) => return Err(format!("cut: fast {a:?}, owned {e:?}")),
    }
    if d.partial_index() != p.partial_index() {
        return Err(format!(
            "partial layer: fast {:?}, owned {:?}",
            d.partial_index(),
            p.partial_index()
        ));
    }
    st.partial += usize::from(d.partial_index().is_some());
    for (idx, (rec, ol)) in d.layers().iter().zip(p.layers()).enumerate() {
        let mut bad: Option<String> = None;
        let mut n = 0usize;
        rec.view.for_each_field(&mut |name, v| {
            n += 1;
            if !p.field_captured(idx, name) && bad.is_none() {
                bad = Some(format!(
                    "{}.{name}: fast has it, owned says not captured",
                    ol.name()
                ));
            }
            match ol.get(name) {
                Some(ov) if same_value(&v, &ov) => {}
                other => {
                    if bad.is_none() {
                        bad = Some(format!("{}.{name}: fast {v:?}, owned {other:?}", ol.name()));
                    }
                }
            }
        });
        if let Some(b) = bad {
            return Err(b);
        }
        st.fields += n;
        match (&rec.view, ol) {
            (View::Tcp(t), Layer::TCP(o) | Layer::TCPerror(o)) => {
                let f: Vec<_> = t.options().collect();
                if !tcp_opts_agree(f.clone(), &o.options) {
                    return Err(format!("TCP options: fast {f:?}, owned {:?}", o.options));
                }
            }
            (View::Dns(v), Layer::DNS(o)) => {
                match (v.question(), o.qd.first()) {
                    (None, None) => {}
                    (Some(q), Some(oq)) => {
                        if name_text(&q.name) != oq.qname.as_bytes()
                            || q.qtype != oq.qtype
                            || q.qclass != oq.qclass
                            || q.unicastresponse != oq.unicastresponse
                        {
                            return Err(format!("DNS question: fast {q:?}, owned {oq:?}"));
                        }
                    }
                    (q, oq) => return Err(format!("DNS question: fast {q:?}, owned {oq:?}")),
                }
                let answers: Vec<_> = v.answers().collect();
                if answers.len() != o.an.len() {
                    return Err(format!("DNS answers: {} vs {}", answers.len(), o.an.len()));
                }
                for (a, oa) in answers.iter().zip(&o.an) {
                    st.dns_answers += 1;
                    let same_head = name_text(&a.name) == oa.rrname.as_bytes()
                        && a.rtype == oa.type_
                        && a.rclass == oa.rclass
                        && a.cacheflush == oa.cacheflush
                        && a.ttl == oa.ttl;
                    let same_data = match (a.data(), oa.rdata.as_ref()) {
                        (RData::A(x), Some(DNSRRData::A(y))) => x == *y,
                        (RData::Aaaa(x), Some(DNSRRData::AAAA(y))) => x == *y,
                        (RData::Name(n), Some(DNSRRData::Name(m))) => name_text(&n) == m.as_bytes(),
                        (RData::Other(_), Some(DNSRRData::A(_) | DNSRRData::AAAA(_))) => false,
                        (RData::Other(_), Some(DNSRRData::Name(_))) => false,
                        (RData::Other(_), _) => true,
                        _ => false,
                    };
                    if !(same_head && same_data) {
                        return Err(format!("DNS answer: fast {a:?}, owned {oa:?}"));
                    }
                }
            }
            _ => {}
        }
    }
    st.packets += 1;
    st.layers += d.layers().len();
    Ok(())
}
