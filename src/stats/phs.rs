//! Protocol hierarchy (`tshark -q -z io,phs`): frames and bytes per protocol path.
//!
//! Each packet's `frame.protocols` chain ([`crate::output::json::protocols`]) is counted
//! as is, in a small table of distinct chains; the tree is made from them when printed.
//! tshark's tree is not `frame.protocols` itself: it counts the protocols at the top level
//! of the packet's dissection tree only, so [`phs_path`] turns a chain into tshark's path:
//! - `ethertype` and the IPv6 extension headers (`ipv6.hopopts`, `ipv6.fraghdr`...) are
//!   items inside their parent, not protocols of the tree: left out;
//! - the `data` of an ICMP or ICMPv6 echo, and of a segment that continues an HTTP message
//!   (not the body after a message's headers), sits inside its parent: left out;
//! - the datagram quoted in an ICMP or ICMPv6 error sits inside the ICMP tree, except the
//!   payload of a quoted UDP datagram, which Wireshark's data dissector adds at the top:
//!   `ip:icmp:ip:udp:data` is `ip:icmp:data`.
//!
//! Bytes are lengths on the wire (`frame.len`), as tshark counts them. Children are listed
//! in the order tshark lists them: by the first frame that had them.

use rustc_hash::FxHashMap as HashMap;

use super::fold::{Fold, Pkt};
use super::table::{Cell, Table};

/// Most distinct `frame.protocols` chains kept; packets with others are counted apart.
/// Chains come from a fixed set of names, so real captures have a few hundred at most.
pub const MAX_CHAINS: usize = 4096;

/// Frames, bytes and the first frame of one chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Count {
    frames: u64,
    bytes: u64,
    first: u64,
}

/// A `frame.protocols` chain as its names, compared and hashed by where each name is
/// stored: the names are the dissector's `&'static str`s, so this is a few integer
/// operations per name instead of building and hashing the text for every packet. The
/// same name stored twice makes two keys for one chain; [`Phs::text_chains`] adds them up.
#[derive(Debug, Clone, Default)]
struct Names(Vec<&'static str>);

impl PartialEq for Names {
    fn eq(&self, o: &Names) -> bool {
        self.0.len() == o.0.len()
            && self
                .0
                .iter()
                .zip(&o.0)
                .all(|(a, b)| std::ptr::eq(a.as_ptr(), b.as_ptr()) && a.len() == b.len())
    }
}

impl Eq for Names {}

impl std::hash::Hash for Names {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        h.write_usize(self.0.len());
        for n in &self.0 {
            h.write_usize(n.as_ptr() as usize);
            h.write_usize(n.len());
        }
    }
}

/// Frames and bytes per `frame.protocols` chain.
#[derive(Debug, Clone, Default)]
pub struct Phs {
    chains: HashMap<Names, Count>,
    cur: Names,
    /// Frames and bytes of chains that did not fit.
    rest: (u64, u64),
}

impl Fold for Phs {
    fn add(&mut self, p: &Pkt<'_, '_>) {
        let names = &mut self.cur.0;
        names.clear();
        crate::output::json::each_protocol(p.d, |n| names.push(n));
        if names.len() >= 2
            && names.get(names.len() - 2..) == Some(&["http", "data"][..])
            && !starts_http(p)
        {
            // A continuation: its data is inside the HTTP tree.
            names.pop();
        }
        let bytes = u64::from(p.orig_len);
        if let Some(c) = self.chains.get_mut(&self.cur) {
            c.frames += 1;
            c.bytes += bytes;
            c.first = c.first.min(p.number);
        } else if self.chains.len() < MAX_CHAINS {
            self.chains.insert(
                self.cur.clone(),
                Count {
                    frames: 1,
                    bytes,
                    first: p.number,
                },
            );
        } else {
            self.rest.0 += 1;
            self.rest.1 += bytes;
        }
    }

    fn merge(&mut self, o: Phs) {
        for (k, v) in o.chains {
            if let Some(c) = self.chains.get_mut(&k) {
                c.frames += v.frames;
                c.bytes += v.bytes;
                c.first = c.first.min(v.first);
            } else if self.chains.len() < MAX_CHAINS {
                self.chains.insert(k, v);
            } else {
                self.rest.0 += v.frames;
                self.rest.1 += v.bytes;
            }
        }
        self.rest.0 += o.rest.0;
        self.rest.1 += o.rest.1;
    }
}

/// Whether the TCP payload of the packet starts an HTTP message.
fn starts_http(p: &Pkt<'_, '_>) -> bool {
    p.d.layers().iter().any(|l| match l.view {
        crate::dissect::View::Raw(b) => crate::layers::http::is_http_start(b),
        _ => false,
    })
}

/// tshark's protocol hierarchy path for a `frame.protocols` chain (see the module doc).
///
/// ```
/// use pktforge::stats::phs::phs_path;
/// assert_eq!(phs_path("eth:ethertype:ip:tcp:http:data"), ["eth", "ip", "tcp", "http", "data"]);
/// assert_eq!(phs_path("eth:ethertype:ip:icmp:ip:udp:data"), ["eth", "ip", "icmp", "data"]);
/// assert_eq!(phs_path("sll:ethertype:ipv6:ipv6.fraghdr:data"), ["sll", "ipv6", "data"]);
/// ```
pub fn phs_path(chain: &str) -> Vec<&str> {
    let names: Vec<&str> = chain
        .split(':')
        .filter(|n| !n.is_empty() && *n != "ethertype" && !n.starts_with("ipv6."))
        .collect();
    let mut out = Vec::with_capacity(names.len());
    let mut i = 0;
    while let Some(&n) = names.get(i) {
        out.push(n);
        match n {
            "icmp" | "icmpv6" => {
                // Echo data, or a quoted datagram: inside the ICMP tree.
                let quoted = names.get(i + 1).copied();
                let udp = matches!(quoted, Some("ip" | "ipv6")) && names.get(i + 2) == Some(&"udp");
                if let Some(&last) = names.get(i + 3).filter(|_| udp) {
                    out.push(last);
                }
                break;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// One node of the tree.
#[derive(Debug, Default)]
struct Node {
    name: String,
    frames: u64,
    bytes: u64,
    first: u64,
    children: Vec<Node>,
}

impl Node {
    fn child(&mut self, name: &str) -> &mut Node {
        let i = match self.children.iter().position(|c| c.name == name) {
            Some(i) => i,
            None => {
                self.children.push(Node {
                    name: name.to_string(),
                    first: u64::MAX,
                    ..Node::default()
                });
                self.children.len() - 1
            }
        };
        &mut self.children[i]
    }

    fn sort(&mut self) {
        self.children.sort_by_key(|c| c.first);
        for c in &mut self.children {
            c.sort();
        }
    }
}

impl Phs {
    /// The chains as text (`eth:ethertype:ip:tcp`), keys of the same text added up.
    fn text_chains(&self) -> HashMap<String, Count> {
        let mut out: HashMap<String, Count> = HashMap::default();
        for (k, c) in &self.chains {
            let e = out.entry(k.0.join(":")).or_insert(Count {
                frames: 0,
                bytes: 0,
                first: u64::MAX,
            });
            e.frames += c.frames;
            e.bytes += c.bytes;
            e.first = e.first.min(c.first);
        }
        out
    }

    /// The tree, children in order of their first frame.
    fn tree(&self) -> Node {
        let mut root = Node::default();
        for (chain, c) in &self.text_chains() {
            let mut node = &mut root;
            for name in phs_path(chain) {
                node = node.child(name);
                node.frames += c.frames;
                node.bytes += c.bytes;
                node.first = node.first.min(c.first);
            }
        }
        root.sort();
        root
    }

    /// The rows `{"path", "frames", "bytes"}` in tree order (a node before its children).
    pub fn table(&self) -> Table {
        let mut t = Table::new(
            "phs",
            "Protocol Hierarchy Statistics",
            &["path", "frames", "bytes"],
        );
        fn walk(n: &Node, path: &str, t: &mut Table) {
            for c in &n.children {
                let p = if path.is_empty() {
                    c.name.clone()
                } else {
                    format!("{path}:{}", c.name)
                };
                t.rows.push(vec![
                    Cell::Text(p.clone()),
                    Cell::Int(c.frames),
                    Cell::Int(c.bytes),
                ]);
                walk(c, &p, t);
            }
        }
        walk(&self.tree(), "", &mut t);
        if self.rest != (0, 0) {
            t.not_shown = vec![
                ("frames", Cell::Int(self.rest.0)),
                ("bytes", Cell::Int(self.rest.1)),
            ];
        }
        t
    }

    /// The tree as `tshark -q -z io,phs` prints it.
    pub fn write_text(&self, filter: &str, out: &mut String) {
        out.push_str("\n===================================================================\n");
        out.push_str("Protocol Hierarchy Statistics\n");
        out.push_str(&format!("Filter: {filter}\n\n"));
        fn walk(n: &Node, depth: usize, out: &mut String) {
            for c in &n.children {
                let name = format!("{}{}", "  ".repeat(depth), c.name);
                out.push_str(&format!(
                    "{name:<40} frames:{} bytes:{}\n",
                    c.frames, c.bytes
                ));
                walk(c, depth + 1, out);
            }
        }
        walk(&self.tree(), 0, out);
        if self.rest != (0, 0) {
            out.push_str(&format!(
                "not shown (more than {MAX_CHAINS} distinct protocol chains): {} frames, {} bytes\n",
                self.rest.0, self.rest.1
            ));
        }
        out.push_str("===================================================================\n");
    }
}
