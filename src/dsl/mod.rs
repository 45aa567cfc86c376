//! scapy's expression syntax as a small language of our own (not Python).
//!
//! ```
//! use pktforge::dsl::{self, ExpandOptions};
//!
//! let t = dsl::parse(r#"IP(dst="10.0.0.0/30", ttl=(1,2))/TCP(dport=[22,80], flags="S")"#).unwrap();
//! assert_eq!(t.count(), 16);
//! let first = t.packets(&ExpandOptions::default()).next().unwrap();
//! assert_eq!(first.get("IP", "dst").unwrap().to_string(), "10.0.0.0");
//! assert_eq!(first.get("TCP", "dport").unwrap().as_int(), Some(22));
//!
//! let e = dsl::parse("IP(ttl=300)").unwrap_err();
//! assert_eq!(e.render("IP(ttl=300)"), "error: ttl takes 0..=255, got 300\n  IP(ttl=300)\n         ^^^");
//! ```
//!
//! # Syntax
//!
//! - Layers are `Name(field=value, ...)` joined by `/`, with scapy's layer and field names
//!   ([`LayerKind::from_name`](crate::LayerKind::from_name)). `Name(b"...")` dissects bytes as
//!   that layer. A bare string or bytes literal is a `Raw` payload: `IP()/ICMP()/"hello"`.
//! - Values: integers (`64`, `0x800`, `0o17`, `0b101`, `2**16-1`), strings in single or
//!   double quotes with Python's escapes, `b"\x00\x01"` bytes, `None`, `True`, `False`,
//!   lists, tuples, nested constructors (`qd=DNSQR(qname="example.com")`), `"x"*N` and
//!   `b"x"*N` repetition (at most 1 MiB). Value names (`type="echo-reply"`), flags (`"SA"`,
//!   `"DF+MF"`, `["DF","MF"]`) and service names (`dport="http"`) are the field tables'.
//! - Option constructors: `IPOption_NOP()`, `IPOption_EOL()`, `IPOption_RR(routers=[...],
//!   pointer=4)`, `IPOption_LSRR`, `IPOption_SSRR`, `IPOption_Timestamp(flg=...,
//!   internet_address=..., timestamp=...)`, `IPOption_Router_Alert(alert=...)`,
//!   `IPOption(b"...")` (raw option bytes) or `IPOption(option=..., value=b"...")`; IPv6
//!   `Pad1()`, `PadN(optdata=...)`, `RouterAlert(value=...)`, `HBHOptUnknown(...)`; DNS
//!   `DNSRRMX`, `DNSRRSOA`, `DNSRRSRV`, `DNSRROPT(rdata=[EDNS0TLV(optcode=..., optdata=...)])`
//!   (all `DNSRR` records with typed data). The tuple forms the layers take
//!   (`options=[("MSS",1460),("NOP",None)]`) work as well.
//!
//! # Packet sets
//!
//! As scapy expands them, in the same order: a CIDR or hostname in an IPv4/IPv6 address
//! field (`dst="10.0.0.0/30"`, `Net`/`Net6`), a tuple of two addresses (an inclusive
//! range), a list (`dport=[22,80,443]`), a tuple of integers as an inclusive range
//! (`ttl=(1,5)`, `(1,10,3)` with a step), a list mixing them (`ttl=[1,2,(5,9)]`). Several
//! give the cartesian product: within a layer the last set-valued field varies slowest,
//! and a layer's payload varies faster than the layer (scapy's `Packet.__iter__`). Lists
//! given to list fields (options, DNS sections) and to flags fields are values, not sets.
//! Hostnames are resolved when parsing.
//!
//! # fuzz
//!
//! `fuzz(TCP(dport=80))` randomises every field of the layers inside (and of layers
//! dissected from bytes given to them) that was not set explicitly and is not computed,
//! drawn anew for every packet. See [`fuzz`] for what "random" means here: the
//! semantics are scapy's, the values are not (a different generator).
//!
//! # Errors
//!
//! Every error carries the byte span of the offending token or value; parsing validates
//! every value of every set, so iteration never fails. Nesting is limited to
//! [`parser::MAX_DEPTH`] levels.

pub mod eval;
pub mod fuzz;
pub mod lexer;
pub mod parser;
pub mod sets;

#[cfg(test)]
mod tests;

use std::fmt;
use std::ops::Range;

use crate::Packet;
use eval::Compiled;

/// An error in an expression: the byte range it is about and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DslError {
    /// Byte offsets into the expression.
    pub span: Range<usize>,
    /// What is wrong, and what was expected.
    pub message: String,
}

impl DslError {
    /// The error with the expression and a caret line under the span:
    ///
    /// ```text
    /// error: unknown field "ttll" for IP; its fields are: version, ihl, ...
    ///   IP(ttll=3)/ICMP()
    ///      ^^^^
    /// ```
    pub fn render(&self, expr: &str) -> String {
        let start = floor_char(expr, self.span.start.min(expr.len()));
        let end = floor_char(expr, self.span.end.min(expr.len())).max(start);
        let col = expr.get(..start).map_or(0, |s| s.chars().count());
        let width = expr.get(start..end).map_or(0, |s| s.chars().count()).max(1);
        let shown: String = expr
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        format!(
            "error: {}\n  {}\n  {}{}",
            self.message,
            shown,
            " ".repeat(col),
            "^".repeat(width)
        )
    }
}

fn floor_char(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

impl fmt::Display for DslError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (at {}..{})",
            self.message, self.span.start, self.span.end
        )
    }
}

impl std::error::Error for DslError {}

/// How to expand a template.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExpandOptions {
    /// Seed of the generator used by `fuzz()`; `None` picks a random seed.
    pub seed: Option<u64>,
}

/// A parsed, validated expression (hostnames resolved): a packet or a set of packets.
#[derive(Debug, Clone)]
pub struct Template {
    c: Compiled,
    count: u128,
}

/// Parses and validates an expression.
pub fn parse(expr: &str) -> Result<Template, DslError> {
    let toks = lexer::lex(expr)?;
    let tree = parser::parse(&toks)?;
    let c = eval::compile(&tree)?;
    let mut count: u128 = 1;
    for d in &c.dims {
        count = count.checked_mul(d.values.len()).ok_or_else(|| DslError {
            span: tree.span.clone(),
            message: "the packet set has more than 2^128 packets".into(),
        })?;
    }
    Ok(Template { c, count })
}

impl Template {
    /// Number of packets in the set (computed, not expanded).
    pub fn count(&self) -> u128 {
        self.count
    }

    /// Whether the template uses `fuzz()`.
    pub fn is_fuzzed(&self) -> bool {
        !self.c.fuzz.is_empty()
    }

    /// The packets, lazily, in scapy's order.
    pub fn packets(&self, opts: &ExpandOptions) -> Packets<'_> {
        let seed = opts.seed.unwrap_or_else(fuzz::Rng::random_seed);
        Packets {
            t: self,
            idx: vec![0; self.c.dims.len()],
            left: self.count,
            rng: fuzz::Rng::new(seed),
        }
    }
}

/// The packets of a [`Template`], produced one at a time.
#[derive(Debug, Clone)]
pub struct Packets<'a> {
    t: &'a Template,
    idx: Vec<u128>,
    left: u128,
    rng: fuzz::Rng,
}

impl Iterator for Packets<'_> {
    type Item = Packet;

    fn next(&mut self) -> Option<Packet> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let c = &self.t.c;
        let mut layers = c.layers.clone();
        for (d, i) in c.dims.iter().zip(&self.idx) {
            if let (Some(l), Some(v)) = (layers.get_mut(d.layer), d.values.nth(*i)) {
                let _ = l.set(d.field, v);
            }
        }
        for f in &c.fuzz {
            if let Some(l) = layers.get_mut(f.layer) {
                fuzz::fuzz_layer(l, &f.explicit, &mut self.rng);
            }
        }
        // Advance the odometer: the last dimension varies fastest.
        for (d, i) in c.dims.iter().zip(self.idx.iter_mut()).rev() {
            *i += 1;
            if *i < d.values.len() {
                break;
            }
            *i = 0;
        }
        Some(Packet::from_layers(layers))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = usize::try_from(self.left).unwrap_or(usize::MAX);
        (n, usize::try_from(self.left).ok())
    }
}
