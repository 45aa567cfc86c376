//! Packet filters: tcpdump's capture-filter syntax and Wireshark's display-filter syntax in
//! one language.
//!
//! ```
//! use pktforge::filter::Filter;
//! use pktforge::prelude::*;
//!
//! let syn = (Ether::new().src("02:00:00:00:00:01").dst("02:00:00:00:00:02")
//!     / IP::new().src("198.18.0.1").dst("198.18.0.2")
//!     / TCP::new().sport(40000).dport(80).flags("S"))
//!     .build()
//!     .unwrap();
//! let f = Filter::new("tcp port 80 and tcp[tcpflags] & tcp-syn != 0").unwrap();
//! assert!(f.matches_bytes(1, &syn, syn.len() as u32));
//! assert!(!Filter::new("udp or host 198.18.0.9").unwrap().matches_bytes(1, &syn, 54));
//!
//! // Mistakes point at the token.
//! let e = Filter::new("tcp port x").unwrap_err();
//! assert_eq!(e.render("tcp port x").lines().nth(2), Some("           ^"));
//! ```
//!
//! - **tcpdump primitives** mean what libpcap makes of them, quirks included: without
//!   `vlan` they look at untagged frames and each `vlan` moves the offsets of what follows;
//!   `port` looks at IPv4 first fragments and at IPv6 packets whose fixed header's next
//!   header is the transport; `tcp`/`udp` also see IPv6 behind one fragment header; `len` is
//!   the length on the wire; a byte load past the captured bytes rejects the packet, as a
//!   BPF program does. They read the packet's bytes at libpcap's offsets ([`eval`]).
//! - **Display terms** name fields of the [field table](crate::fields) (`ip.src ==
//!   198.18.0.0/15`, `dns.qry.name contains "mail"`, `tcp.port in {80, 443}`) and read the
//!   fast dissection; see [`ast::Display`].
//! - Both may be mixed: `tcp port 80 and http.request.method == "GET"`. Precedence is
//!   tcpdump's (`and` = `or`, left to right) unless a display term is present, then
//!   Wireshark's (`not` > `and` > `xor` > `or`).

pub mod ast;
pub mod bpf;
pub mod eval;
pub mod lex;
pub mod parse;
pub mod vm;

pub use ast::{Expr, FilterError};
pub use eval::{FilterLink, Input};
pub use parse::ParseOptions;

use crate::dissect::Dissection;
use crate::fields::Frame;
use crate::output::FrameMeta;
use crate::packet::LinkType;

/// A compiled filter: parse once, evaluate on every packet without allocating.
#[derive(Debug, Clone)]
pub struct Filter {
    expr: Expr,
    text: String,
    display: bool,
    info: parse::ParseInfo,
}

impl Filter {
    /// Parses `text` (either dialect) with tcpdump's defaults for reading a file.
    pub fn new(text: &str) -> Result<Filter, FilterError> {
        Filter::with_options(text, ParseOptions::default())
    }

    /// Parses `text` with `opts` (the netmask for `ip broadcast`).
    pub fn with_options(text: &str, opts: ParseOptions) -> Result<Filter, FilterError> {
        let (expr, info) = parse::parse_info(text, opts)?;
        let display = has_display(&expr);
        Ok(Filter {
            expr,
            text: text.to_string(),
            display,
            info,
        })
    }

    /// The expression as given.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The parsed tree.
    pub fn expr(&self) -> &Expr {
        &self.expr
    }

    /// Whether a display term needs the packet's dissection (else the bytes suffice).
    pub fn needs_dissection(&self) -> bool {
        self.display
    }

    /// Checks that the filter can run on captures of pcap link type `link`, as libpcap
    /// refuses to compile some primitives for some links; the message says why.
    pub fn check_link(&self, link: u32) -> Result<(), String> {
        let Some(l) = FilterLink::from_pcap(link) else {
            if only_display(&self.expr) {
                return Ok(());
            }
            return Err(format!(
                "tcpdump-style filters work on Ethernet, Linux cooked (SLL, SLL2) and raw IP \
                 captures; this capture's link type is {link} (display filters such as \
                 ip.src == 1.2.3.4 work on any)"
            ));
        };
        if self.info.vlans > 0 && l != FilterLink::Ether {
            return Err(
                "no VLAN support for this link type (vlan works on ethernet captures)".into(),
            );
        }
        let mut problem = None;
        walk_atoms(&self.expr, &mut |a| {
            if problem.is_some() || l == FilterLink::Ether {
                return;
            }
            problem = match a {
                ast::Atom::EtherAddr { .. } => Some(
                    "ethernet addresses supported only on ethernet captures (ether host, \
                     ether src, ether dst, ether broadcast)",
                ),
                ast::Atom::EtherMulticast => {
                    Some("link-layer multicast filters supported only on ethernet captures")
                }
                _ => None,
            };
        });
        match problem {
            Some(p) => Err(p.to_string()),
            None => Ok(()),
        }
    }

    /// Compiles the tcpdump part to classic BPF for `link` ([`bpf`]), refusing primitives
    /// the link type cannot carry as [`Filter::check_link`] does.
    pub fn compile_bpf(&self, link: FilterLink) -> Result<bpf::BpfProgram, bpf::BpfError> {
        let n = match link {
            FilterLink::Ether => 1,
            FilterLink::Sll => 113,
            FilterLink::Sll2 => 276,
            FilterLink::Raw => 101,
            FilterLink::Ipv4 => 228,
            FilterLink::Ipv6 => 229,
        };
        self.check_link(n).map_err(bpf::BpfError::Link)?;
        bpf::compile(&self.expr, link)
    }

    /// Whether the packet passes the filter. A display term is false without `frame`.
    pub fn matches(&self, p: &Input<'_, '_>) -> bool {
        eval::eval(&self.expr, p).unwrap_or(false)
    }

    /// Whether a frame of pcap link type `link` passes. tcpdump atoms read its bytes; display
    /// terms read a dissection of it, made into `d` only when the filter has such terms.
    /// Returns whether it passed and whether `d` now holds the frame's dissection (so the
    /// caller need not dissect it again). `times` are the first frame's and the previous
    /// frame's (`frame.time_relative`, `frame.time_delta`). On a link type filters do not
    /// know, tcpdump atoms match nothing; display terms still work.
    pub fn matches_frame<'a>(
        &self,
        link: u32,
        meta: &FrameMeta,
        data: &'a [u8],
        times: ((i64, u32), (i64, u32)),
        d: &mut Dissection<'a>,
    ) -> (bool, bool) {
        let known = FilterLink::from_pcap(link);
        if !self.display {
            let Some(fl) = known else {
                return (false, false);
            };
            let input = Input {
                link: fl,
                data,
                wire_len: meta.orig_len,
                frame: None,
            };
            return (self.matches(&input), false);
        }
        if known.is_none() && !only_display(&self.expr) {
            return (false, false);
        }
        crate::dissect::dissect_frame(LinkType::from_pcap(link), data, meta.orig_len as usize, d);
        let frame = Frame {
            meta,
            first_ts: times.0,
            prev_ts: times.1,
            data,
            d,
        };
        let input = Input {
            // Only display terms are evaluated when the link type is not one filters know.
            link: known.unwrap_or(FilterLink::Raw),
            data,
            wire_len: meta.orig_len,
            frame: Some(&frame),
        };
        (self.matches(&input), true)
    }

    /// Whether a packet with these bytes, of pcap link type `link`, passes (display terms
    /// are evaluated on a dissection made here; relative times are 0).
    pub fn matches_bytes(&self, link: u32, data: &[u8], wire_len: u32) -> bool {
        let meta = FrameMeta {
            number: 1,
            ts_sec: 0,
            ts_nsec: 0,
            orig_len: wire_len,
            cap_len: u32::try_from(data.len()).unwrap_or(u32::MAX),
        };
        let mut d = Dissection::new();
        self.matches_frame(link, &meta, data, ((0, 0), (0, 0)), &mut d)
            .0
    }
}

fn has_display(e: &Expr) -> bool {
    match e {
        Expr::And(a, b) | Expr::Or(a, b) | Expr::Xor(a, b) => has_display(a) || has_display(b),
        Expr::Not(a) => has_display(a),
        Expr::Atom(..) => false,
        Expr::Display(_) => true,
    }
}

fn only_display(e: &Expr) -> bool {
    match e {
        Expr::And(a, b) | Expr::Or(a, b) | Expr::Xor(a, b) => only_display(a) && only_display(b),
        Expr::Not(a) => only_display(a),
        Expr::Atom(ast::Atom::True, _) => true,
        Expr::Atom(..) => false,
        Expr::Display(_) => true,
    }
}

/// Calls `f` on every atom of `e`, in order.
pub fn walk_atoms(e: &Expr, f: &mut dyn FnMut(&ast::Atom)) {
    match e {
        Expr::And(a, b) | Expr::Or(a, b) | Expr::Xor(a, b) => {
            walk_atoms(a, f);
            walk_atoms(b, f);
        }
        Expr::Not(a) => walk_atoms(a, f),
        Expr::Atom(a, _) => f(a),
        Expr::Display(_) => {}
    }
}
