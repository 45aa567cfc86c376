//! DNS: top query names, query types, response codes, and response times (a query matched
//! to its response by id, addresses and ports).
//!
//! Order matters here (a response is matched to the query seen before it), so this
//! statistic is folded with one worker, in file order (see [`super::fold`]). Tables are
//! capped: at most `cap` distinct names and `cap` queries waiting for their response;
//! what did not fit is counted and reported.

use rustc_hash::FxHashMap as HashMap;

use super::Latency;
use super::conv::{ConvKind, Ep};
use super::fold::{Fold, Pkt};
use super::table::{Cell, Table, nanos_between};

/// The name of a query type.
pub fn qtype_name(t: u16) -> String {
    let s = match t {
        1 => "A",
        2 => "NS",
        5 => "CNAME",
        6 => "SOA",
        12 => "PTR",
        15 => "MX",
        16 => "TXT",
        28 => "AAAA",
        33 => "SRV",
        41 => "OPT",
        43 => "DS",
        48 => "DNSKEY",
        64 => "SVCB",
        65 => "HTTPS",
        255 => "ANY",
        _ => return format!("TYPE{t}"),
    };
    s.to_string()
}

/// The name of a response code.
pub fn rcode_name(c: u8) -> String {
    let s = match c {
        0 => "NOERROR",
        1 => "FORMERR",
        2 => "SERVFAIL",
        3 => "NXDOMAIN",
        4 => "NOTIMP",
        5 => "REFUSED",
        _ => return format!("RCODE{c}"),
    };
    s.to_string()
}

/// DNS counts.
#[derive(Debug, Clone)]
pub struct DnsStats {
    cap: usize,
    /// Queries per name.
    names: HashMap<String, u64>,
    /// Queries whose name did not fit the table.
    names_rest: u64,
    qtypes: HashMap<u16, u64>,
    rcodes: [u64; 16],
    queries: u64,
    responses: u64,
    pending: HashMap<(u16, Ep, Ep), (i64, u32)>,
    /// Queries not remembered because the table of waiting queries was full.
    pending_rest: u64,
    /// Responses to no query seen.
    unmatched: u64,
    times: Latency,
}

impl DnsStats {
    /// Empty counts; `cap` bounds the names and the waiting queries.
    pub fn new(cap: usize) -> DnsStats {
        DnsStats {
            cap,
            names: HashMap::default(),
            names_rest: 0,
            qtypes: HashMap::default(),
            rcodes: [0; 16],
            queries: 0,
            responses: 0,
            pending: HashMap::default(),
            pending_rest: 0,
            unmatched: 0,
            times: Latency::default(),
        }
    }

    /// The tables: `dns_names`, `dns_qtypes`, `dns_rcodes`, `dns_times`.
    pub fn tables(&self, top: Option<usize>) -> Vec<Table> {
        let mut names = Table::new("dns_names", "DNS Query Names", &["name", "queries"]);
        let mut v: Vec<(&String, &u64)> = self.names.iter().collect();
        v.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        v.truncate(top.unwrap_or(20));
        for (n, c) in v {
            names.rows.push(vec![Cell::Text(n.clone()), Cell::Int(*c)]);
        }
        if self.names_rest > 0 {
            names.not_shown = vec![("queries", Cell::Int(self.names_rest))];
        }
        let mut qt = Table::new("dns_qtypes", "DNS Query Types", &["qtype", "queries"]);
        let mut v: Vec<(&u16, &u64)> = self.qtypes.iter().collect();
        v.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        for (t, c) in v {
            qt.rows
                .push(vec![Cell::Text(qtype_name(*t)), Cell::Int(*c)]);
        }
        let mut rc = Table::new("dns_rcodes", "DNS Response Codes", &["rcode", "responses"]);
        for (i, c) in self.rcodes.iter().enumerate().filter(|(_, c)| **c > 0) {
            rc.rows
                .push(vec![Cell::Text(rcode_name(i as u8)), Cell::Int(*c)]);
        }
        let mut tt = self
            .times
            .table("dns_times", "DNS Response Times (query to response)");
        tt.footer.push(format!(
            "{} queries, {} responses, {} responses to no query seen, {} queries never answered",
            self.queries,
            self.responses,
            self.unmatched,
            self.pending.len() as u64 + self.pending_rest
        ));
        if self.pending_rest > 0 {
            tt.not_shown = vec![(
                "queries_not_matched_table_full",
                Cell::Int(self.pending_rest),
            )];
        }
        vec![names, qt, rc, tt]
    }
}

impl Fold for DnsStats {
    fn add(&mut self, p: &Pkt<'_, '_>) {
        let Some(dns) = p.d.dns() else {
            return;
        };
        let eps = if p.d.udp().is_some() {
            ConvKind::Udp.endpoints(p.d)
        } else {
            ConvKind::Tcp.endpoints(p.d)
        };
        if dns.qr() == 0 {
            self.queries += 1;
            if let Some(q) = dns.question() {
                *self.qtypes.entry(q.qtype).or_insert(0) += 1;
                let mut buf = [0u8; 256];
                let n = q.name.write_to(&mut buf).unwrap_or(0);
                let raw = buf.get(..n).unwrap_or(&[]);
                let name = match raw {
                    b"." => "<Root>".to_string(),
                    r => String::from_utf8_lossy(r.strip_suffix(b".").unwrap_or(r)).into_owned(),
                };
                if let Some(c) = self.names.get_mut(&name) {
                    *c += 1;
                } else if self.names.len() < self.cap {
                    self.names.insert(name, 1);
                } else {
                    self.names_rest += 1;
                }
            }
            if let Some((s, d)) = eps {
                let key = (dns.id(), s, d);
                if self.pending.len() < self.cap || self.pending.contains_key(&key) {
                    self.pending.insert(key, p.ts);
                } else {
                    self.pending_rest += 1;
                }
            }
        } else {
            self.responses += 1;
            if let Some(c) = self.rcodes.get_mut(usize::from(dns.rcode() & 0xf)) {
                *c += 1;
            }
            match eps.and_then(|(s, d)| self.pending.remove(&(dns.id(), d, s))) {
                Some(t) => {
                    let ns = nanos_between(t, p.ts);
                    self.times.add(u64::try_from(ns.max(0)).unwrap_or(u64::MAX));
                }
                None => self.unmatched += 1,
            }
        }
    }

    /// Folded in one thread (order matters), so there is never a second table to merge; the
    /// counts that do not depend on order are added all the same.
    fn merge(&mut self, o: DnsStats) {
        for (k, v) in o.names {
            *self.names.entry(k).or_insert(0) += v;
        }
        for (k, v) in o.qtypes {
            *self.qtypes.entry(k).or_insert(0) += v;
        }
        for (a, b) in self.rcodes.iter_mut().zip(o.rcodes) {
            *a += b;
        }
        self.names_rest += o.names_rest;
        self.queries += o.queries;
        self.responses += o.responses;
        self.unmatched += o.unmatched;
        self.pending_rest += o.pending_rest;
        self.times.merge(&o.times);
    }
}
