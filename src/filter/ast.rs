//! The filter tree both dialects parse into.
//!
//! tcpdump's primitives are lowered, when parsed, to the building blocks libpcap's
//! `gencode.c` makes of them, in the same order: `port 80` becomes
//! `(ether proto ip and (tcp port-op 80 or udp port-op 80 or sctp port-op 80)) or (ether
//! proto ip6 and ...)`, `host A` becomes `ip host A or arp host A or rarp host A`. An
//! [`Atom`] is one such block: a test of bytes at an offset from the link header or from
//! the network-layer header, exactly what one classic BPF comparison (or a short run of
//! them) tests. The evaluator and the BPF compiler therefore walk the same tree in the same
//! order, and a load past the captured bytes rejects the packet in both, as it does in BPF.
//!
//! Display-filter terms ([`Display`]) name fields of the [field table](crate::fields) and
//! are evaluated on the fast dissection; classic BPF cannot express them, so a kernel
//! program lets a superset through and user space decides.

use std::ops::Range;

use crate::fields::FieldDef;

/// A filter expression.
#[derive(Debug, Clone)]
pub enum Expr {
    /// Both.
    And(Box<Expr>, Box<Expr>),
    /// Either.
    Or(Box<Expr>, Box<Expr>),
    /// Exactly one (Wireshark's `xor`, `^^`).
    Xor(Box<Expr>, Box<Expr>),
    /// Negation.
    Not(Box<Expr>),
    /// A libpcap block, at the offsets moved by `shift` bytes (4 per `vlan` parsed before
    /// it, as libpcap moves them).
    Atom(Atom, u32),
    /// A display-filter test on the field table.
    Display(Display),
}

/// Which address or port of a packet a primitive looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dir {
    /// `src`.
    Src,
    /// `dst`.
    Dst,
    /// `src or dst` (the default).
    Either,
    /// `src and dst`.
    Both,
}

/// One libpcap block. Offsets named "network" count from the start of the link layer's
/// payload (libpcap's `OR_LINKPL`): after the Ethernet header (and after each VLAN tag
/// named before, through the atom's shift), the cooked header, or at 0 on raw IP.
#[derive(Debug, Clone)]
pub enum Atom {
    /// Always true (`gen_true`).
    True,
    /// Always false (`gen_false`).
    False,
    /// The link layer's type field equals this EtherType (`ip`, `ip6`, `arp`, `rarp`,
    /// `ether proto N`, the VLAN TPIDs): libpcap's `gen_linktype`. On raw IP links it
    /// tests the version nibble for IPv4 and IPv6 and is false for anything else.
    LinkType(u16),
    /// The IPv4 header's protocol byte (network offset 9) equals this.
    Proto4(u8),
    /// The IPv6 fixed header's next header equals this, or it is 44 (fragment) and the
    /// fragment header's next header equals this (network offsets 6 and 40).
    Proto6(u8),
    /// Not an IPv4 fragment other than the first: `(ip[6:2] & 0x1fff) == 0`.
    NotFrag4,
    /// A 32-bit word at this network offset, masked, equals `value` (IPv4 `host`/`net`
    /// at 12/16, ARP/RARP sender and target addresses at 14/24).
    Word {
        /// Network offset.
        off: u32,
        /// Expected value after masking.
        value: u32,
        /// Mask.
        mask: u32,
    },
    /// 16 bytes at this network offset (IPv6 source 8, destination 24), masked, equal
    /// `addr` (`host`/`net` on IPv6).
    Addr6 {
        /// Network offset.
        off: u32,
        /// Expected bytes after masking.
        addr: [u8; 16],
        /// Mask.
        mask: [u8; 16],
    },
    /// libpcap's `gen_portop`/`gen_portrangeop`: the IPv4 protocol is `proto`, the packet is
    /// not a non-first fragment, and the port(s) at the IPv4 header's end are in `lo..=hi`.
    Port4 {
        /// 6, 17 or 132.
        proto: u8,
        /// Which port.
        dir: Dir,
        /// Lowest port.
        lo: u16,
        /// Highest port.
        hi: u16,
    },
    /// `gen_portop6`: the IPv6 fixed header's next header is `proto` and the port(s) at
    /// network offset 40 are in `lo..=hi` (no extension headers are walked, as libpcap).
    Port6 {
        /// 6, 17 or 132.
        proto: u8,
        /// Which port.
        dir: Dir,
        /// Lowest port.
        lo: u16,
        /// Highest port.
        hi: u16,
    },
    /// An Ethernet address (`ether host|src|dst`): source at link offset 6, destination at 0.
    EtherAddr {
        /// Which address.
        dir: Dir,
        /// The address.
        mac: [u8; 6],
    },
    /// `ether multicast`: the destination's group bit (link byte 0 & 1).
    EtherMulticast,
    /// `ip multicast`: the IPv4 destination's first byte (network offset 16) is at least 224.
    IpMulticast,
    /// `ip6 multicast`: the IPv6 destination's first byte (network offset 24) is 255.
    Ip6Multicast,
    /// `ip broadcast`: the IPv4 destination (network offset 16), masked with the host part
    /// of the netmask, is all zeros or all ones.
    IpBroadcast {
        /// `!netmask`.
        hostmask: u32,
    },
    /// `vlan ID`: the 12-bit VLAN id at network offset 0 (the tag after the type field)
    /// equals this. (`vlan` itself is `LinkType` tests of the TPIDs, then this.)
    VlanId(u16),
    /// A comparison of two arithmetic expressions (`tcp[13] & 2 != 0`, `len > 100`).
    Rel(RelOp, Arith, Arith),
}

/// A comparison, unsigned on 32 bits as in BPF.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelOp {
    /// `=`, `==`.
    Eq,
    /// `!=`.
    Ne,
    /// `<`.
    Lt,
    /// `<=`.
    Le,
    /// `>`.
    Gt,
    /// `>=`.
    Ge,
}

impl RelOp {
    /// Applies the comparison.
    pub fn test(self, a: u32, b: u32) -> bool {
        match self {
            RelOp::Eq => a == b,
            RelOp::Ne => a != b,
            RelOp::Lt => a < b,
            RelOp::Le => a <= b,
            RelOp::Gt => a > b,
            RelOp::Ge => a >= b,
        }
    }
}

/// tcpdump's arithmetic, on unsigned 32-bit values as BPF computes it.
#[derive(Debug, Clone)]
pub enum Arith {
    /// A constant.
    Num(u32),
    /// `len`: the packet's length on the wire.
    Len,
    /// `proto[off:size]`: `size` (1, 2 or 4) bytes, big-endian.
    Load {
        /// What the offset counts from, and what must hold first.
        base: LoadBase,
        /// The offset.
        off: Box<Arith>,
        /// 1, 2 or 4.
        size: u8,
    },
    /// A binary operation.
    Bin(ArOp, Box<Arith>, Box<Arith>),
    /// Unary minus.
    Neg(Box<Arith>),
}

impl Arith {
    /// The value of an expression without loads or `len`, as libpcap's optimiser folds it
    /// (wrapping arithmetic); `None` when it depends on the packet or divides by zero.
    pub fn const_value(&self) -> Option<u32> {
        match self {
            Arith::Num(n) => Some(*n),
            Arith::Len | Arith::Load { .. } => None,
            Arith::Neg(x) => x.const_value().map(u32::wrapping_neg),
            Arith::Bin(op, x, y) => op.apply(x.const_value()?, y.const_value()?),
        }
    }
}

/// Where a `proto[...]` load counts from (libpcap's `gen_load`).
///
/// How the offset is added follows the BPF libpcap makes: a constant offset (one its
/// optimiser folds, such as `ip[0 - 14]`) is added to the base at compile time, wrapping
/// around 32 bits, and the load then checks the sum against the packet; an offset computed
/// from the packet is added by the load itself (`ld [x + k]`), which rejects the packet
/// when the sum overflows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoadBase {
    /// `ether[]`, `link[]`: from the start of the link header. No condition.
    Link,
    /// `ip[]`, `ip6[]`, `arp[]`, `rarp[]`: from the network offset; the link type must be
    /// this EtherType first.
    Net(u16),
    /// `tcp[]`, `udp[]`, `icmp[]`, `sctp[]`, `igmp[]`...: from the end of the IPv4 header
    /// (`4*(ip[0]&0xf)`); first the link type must be IPv4, the protocol this one, and the
    /// packet not a non-first fragment. (libpcap's transport loads are IPv4 only.)
    Trans4(u8),
    /// `icmp6[]`: from network offset 40; first the link type must be IPv6 and the fixed
    /// header's next header 58.
    Icmp6,
}

/// An arithmetic operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArOp {
    /// `+`.
    Add,
    /// `-`.
    Sub,
    /// `*`.
    Mul,
    /// `/` (a division by zero at run time rejects the packet, as in BPF).
    Div,
    /// `%`.
    Mod,
    /// `&`.
    And,
    /// `|`.
    Or,
    /// `^`.
    Xor,
    /// `<<` (by 32 or more gives 0).
    Shl,
    /// `>>` (by 32 or more gives 0).
    Shr,
}

impl ArOp {
    /// Applies the operator; `None` for a division or remainder by zero.
    pub fn apply(self, a: u32, b: u32) -> Option<u32> {
        Some(match self {
            ArOp::Add => a.wrapping_add(b),
            ArOp::Sub => a.wrapping_sub(b),
            ArOp::Mul => a.wrapping_mul(b),
            ArOp::Div => a.checked_div(b)?,
            ArOp::Mod => a.checked_rem(b)?,
            ArOp::And => a & b,
            ArOp::Or => a | b,
            ArOp::Xor => a ^ b,
            ArOp::Shl => a.checked_shl(b).unwrap_or(0),
            ArOp::Shr => a.checked_shr(b).unwrap_or(0),
        })
    }
}

/// A display-filter test.
#[derive(Debug, Clone)]
pub enum Display {
    /// The field occurs in the frame (`dns.qry.name`, `tcp.options.sack_perm`).
    Present(FieldRef),
    /// A comparison of the field's occurrences with a value: true when any occurrence
    /// satisfies it, except `!=`, which holds when the field occurs and no occurrence
    /// equals (Wireshark 4's `!=`, `all_ne`).
    Cmp(FieldRef, CmpOp, Operand),
    /// `field in {a, b, c..d}`.
    In(FieldRef, Vec<SetItem>),
    /// `field contains "text"` / `contains 01:02`.
    Contains(FieldRef, Vec<u8>),
    /// `field matches "regex"`, `field ~ "regex"` (case-sensitive, the `regex` crate's syntax).
    Matches(FieldRef, Box<regex::bytes::Regex>),
    /// `field & mask`: any occurrence has a bit of `mask` set.
    BitAnd(FieldRef, u64),
    /// A protocol name alone (`dns`, `http`, `tcp` in a display filter): the protocol is in
    /// the frame's `frame.protocols` chain, as Wireshark's protocol test.
    Proto(&'static str),
}

/// A display-filter comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    /// `==`, `eq`, `any_eq`.
    Eq,
    /// `!=`, `ne`, `all_ne`: the field occurs and no occurrence equals.
    Ne,
    /// `~=`, `any_ne`: some occurrence differs.
    AnyNe,
    /// `<`, `lt`.
    Lt,
    /// `<=`, `le`.
    Le,
    /// `>`, `gt`.
    Gt,
    /// `>=`, `ge`.
    Ge,
}

/// A field named in a display filter, resolved against the table.
#[derive(Debug, Clone, Copy)]
pub struct FieldRef {
    /// The table's entry.
    pub def: &'static FieldDef,
    /// `[start:len]`-style slice of the value's bytes, if any.
    pub slice: Option<Slice>,
}

/// A slice of a field's bytes (`eth.src[0:3]`, `ip.src[-1]`, `frame[10:]`). Negative
/// positions count from the end, as in Wireshark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slice {
    /// First byte (negative: from the end).
    pub start: i32,
    /// Bytes taken; `None` to the end.
    pub len: Option<u32>,
}

/// The right-hand side of a display comparison, checked against the field's type.
#[derive(Debug, Clone)]
pub enum Operand {
    /// An integer (also booleans, as 1 and 0).
    Int(i128),
    /// An IPv4 network: address and prefix length (32 for one address).
    Ipv4(u32, u8),
    /// An IPv6 network.
    Ipv6([u8; 16], u8),
    /// A MAC address.
    Mac([u8; 6]),
    /// Bytes or text (strings compare with text fields, byte strings with slices and bytes).
    Bytes(Vec<u8>),
    /// Another field (`frame.cap_len < frame.len`).
    Field(FieldRef),
}

/// One member of an `in {...}` set.
#[derive(Debug, Clone)]
pub enum SetItem {
    /// A value.
    One(Operand),
    /// An inclusive integer range `a..b`.
    Range(i128, i128),
}

/// A parse or type error with the span of the offending token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterError {
    /// What is wrong and what was expected.
    pub message: String,
    /// The byte span of the offending token in the expression.
    pub span: Range<usize>,
}

impl FilterError {
    /// The error with the expression and a caret line under the offending token:
    ///
    /// ```text
    /// error: expected a port number or name after 'port', got 'x'
    ///   tcp port x
    ///            ^
    /// ```
    pub fn render(&self, expr: &str) -> String {
        let start = floor_char(expr, self.span.start.min(expr.len()));
        let end = floor_char(expr, self.span.end.min(expr.len())).max(start);
        let width = expr.get(start..end).map_or(1, |s| s.chars().count().max(1));
        let lead = expr.get(..start).map_or(0, |s| s.chars().count());
        format!(
            "error: {}\n  {}\n  {}{}",
            self.message,
            expr,
            " ".repeat(lead),
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

impl std::fmt::Display for FilterError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} (at bytes {}..{})",
            self.message, self.span.start, self.span.end
        )
    }
}

impl std::error::Error for FilterError {}
