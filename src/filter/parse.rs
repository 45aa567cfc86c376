//! The parser: tcpdump's capture-filter grammar (libpcap's `grammar.y`) and Wireshark's
//! display-filter comparisons, in one grammar.
//!
//! tcpdump primitives are lowered to [`Atom`]s as libpcap's `gencode.c` builds its blocks,
//! in the same order, with `vlan` moving the offsets of every primitive parsed after it.
//! A bare value after `and`/`or` takes the qualifiers of the primitive before it (`tcp port
//! 80 or 443`, `host a or b`), as in libpcap.
//!
//! Precedence: in an expression made only of tcpdump primitives, `and` and `or` have the
//! same precedence and associate left to right (`a or b and c` is `(a or b) and c`), as
//! pcap-filter(7) says. As soon as the expression holds a display-filter term, Wireshark's
//! precedence applies to all of it: `not`, then `and`, then `xor`, then `or`.

use super::ast::*;
use super::lex::{Tok, Token, lex};
use crate::fields::{self, FieldType};
use crate::services;

/// Deepest nesting of parentheses, `not`s and arithmetic accepted.
pub const MAX_DEPTH: usize = 64;

/// Options that change what a primitive means.
#[derive(Debug, Clone, Copy, Default)]
pub struct ParseOptions {
    /// The netmask `ip broadcast` uses (tcpdump: the interface's when capturing, 0 when
    /// reading a file).
    pub netmask: u32,
}

/// What the parser learnt besides the tree.
#[derive(Debug, Clone, Copy, Default)]
pub struct ParseInfo {
    /// `vlan` primitives in the expression (libpcap refuses them on non-Ethernet links).
    pub vlans: u32,
}

/// Parses a filter expression of either dialect (or both mixed).
pub fn parse(text: &str, opts: ParseOptions) -> Result<Expr, FilterError> {
    parse_info(text, opts).map(|(e, _)| e)
}

/// [`parse`], and what else the parser learnt.
pub fn parse_info(text: &str, opts: ParseOptions) -> Result<(Expr, ParseInfo), FilterError> {
    let toks = lex(text)?;
    if toks.is_empty() {
        return Ok((Expr::Atom(Atom::True, 0), ParseInfo::default()));
    }
    let mut p = Parser {
        toks: &toks,
        pos: 0,
        end: text.len(),
        shift: 0,
        last: None,
        depth: 0,
        display: false,
        opts,
    };
    let pre = p.seq()?;
    if let Some(t) = p.peek_tok() {
        let what = describe(&t.tok);
        return Err(p.err_at(
            t.span.clone(),
            format!("expected 'and', 'or' or the end of the expression, got {what}"),
        ));
    }
    let info = ParseInfo { vlans: p.shift / 4 };
    Ok((fold(pre, p.display), info))
}

/// A parsed but not yet associated expression: sequences keep their operators until the
/// dialect (and so the precedence) is known.
enum Pre {
    Leaf(Expr),
    /// A protocol name alone (`tcp`, `udp`, `arp`): tcpdump's primitive, or Wireshark's
    /// protocol test when the expression turns out to be a display filter.
    Bare(&'static str, Expr),
    Not(Box<Pre>),
    Seq(Box<Pre>, Vec<(Bin, Pre)>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Bin {
    And,
    Or,
    Xor,
}

fn join(op: Bin, a: Expr, b: Expr) -> Expr {
    match op {
        Bin::And => Expr::And(Box::new(a), Box::new(b)),
        Bin::Or => Expr::Or(Box::new(a), Box::new(b)),
        Bin::Xor => Expr::Xor(Box::new(a), Box::new(b)),
    }
}

fn fold(p: Pre, wireshark: bool) -> Expr {
    match p {
        Pre::Leaf(e) => e,
        Pre::Bare(name, _) if wireshark => Expr::Display(Display::Proto(name)),
        Pre::Bare(_, e) => e,
        Pre::Not(e) => Expr::Not(Box::new(fold(*e, wireshark))),
        Pre::Seq(first, rest) => {
            let first = fold(*first, wireshark);
            let rest: Vec<(Bin, Expr)> = rest
                .into_iter()
                .map(|(op, e)| (op, fold(e, wireshark)))
                .collect();
            if !wireshark {
                return rest.into_iter().fold(first, |a, (op, b)| join(op, a, b));
            }
            // Wireshark: and binds tighter than xor, xor tighter than or.
            let mut ors: Vec<Expr> = Vec::new();
            let mut xors: Vec<Expr> = Vec::new();
            let mut cur = first;
            for (op, e) in rest {
                match op {
                    Bin::And => cur = join(Bin::And, cur, e),
                    Bin::Xor => {
                        xors.push(cur);
                        cur = e;
                    }
                    Bin::Or => {
                        xors.push(cur);
                        let x = fold_left(Bin::Xor, std::mem::take(&mut xors));
                        if let Some(x) = x {
                            ors.push(x);
                        }
                        cur = e;
                    }
                }
            }
            xors.push(cur);
            if let Some(x) = fold_left(Bin::Xor, xors) {
                ors.push(x);
            }
            fold_left(Bin::Or, ors).unwrap_or(Expr::Atom(Atom::True, 0))
        }
    }
}

fn fold_left(op: Bin, v: Vec<Expr>) -> Option<Expr> {
    let mut it = v.into_iter();
    let first = it.next()?;
    Some(it.fold(first, |a, b| join(op, a, b)))
}

/// The protocol qualifier of a primitive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum QProto {
    Default,
    Ether,
    Ip,
    Ip6,
    Arp,
    Rarp,
    Tcp,
    Udp,
    Sctp,
    Icmp,
    Icmp6,
    Igmp,
}

/// The address-kind qualifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum QKind {
    Default,
    Host,
    Net,
    Port,
    Portrange,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Qual {
    proto: QProto,
    dir: Dir,
    kind: QKind,
}

struct Parser<'t> {
    toks: &'t [Token],
    pos: usize,
    end: usize,
    /// Bytes added to the link-type and network offsets by the `vlan`s parsed so far.
    shift: u32,
    /// The qualifiers of the last primitive, for bare values after `and`/`or`.
    last: Option<Qual>,
    depth: usize,
    /// A display-filter term was parsed.
    display: bool,
    opts: ParseOptions,
}

fn describe(t: &Tok) -> String {
    match t {
        Tok::Word(w) => format!("'{w}'"),
        Tok::Str(s) => format!("the string \"{}\"", String::from_utf8_lossy(s)),
        Tok::Op(o) => format!("'{o}'"),
    }
}

fn proto_word(w: &str) -> Option<QProto> {
    Some(match w {
        "ether" | "link" => QProto::Ether,
        "ip" => QProto::Ip,
        "ip6" => QProto::Ip6,
        "arp" => QProto::Arp,
        "rarp" => QProto::Rarp,
        "tcp" => QProto::Tcp,
        "udp" => QProto::Udp,
        "sctp" => QProto::Sctp,
        "icmp" => QProto::Icmp,
        "icmp6" => QProto::Icmp6,
        "igmp" => QProto::Igmp,
        _ => return None,
    })
}

fn ip_proto_number(p: QProto) -> Option<u8> {
    Some(match p {
        QProto::Tcp => 6,
        QProto::Udp => 17,
        QProto::Sctp => 132,
        QProto::Icmp => 1,
        QProto::Icmp6 => 58,
        QProto::Igmp => 2,
        _ => return None,
    })
}

/// tcpdump's named constants (`tcpflags`, `tcp-syn`, `icmp-echo`, `icmp6type`...).
fn named_constant(w: &str) -> Option<u32> {
    Some(match w {
        "icmptype" | "icmp6type" => 0,
        "icmpcode" | "icmp6code" => 1,
        "icmp-echoreply" => 0,
        "icmp-unreach" => 3,
        "icmp-sourcequench" => 4,
        "icmp-redirect" => 5,
        "icmp-echo" => 8,
        "icmp-routeradvert" => 9,
        "icmp-routersolicit" => 10,
        "icmp-timxceed" => 11,
        "icmp-paramprob" => 12,
        "icmp-tstamp" => 13,
        "icmp-tstampreply" => 14,
        "icmp-ireq" => 15,
        "icmp-ireqreply" => 16,
        "icmp-maskreq" => 17,
        "icmp-maskreply" => 18,
        "tcpflags" => 13,
        "tcp-fin" => 0x01,
        "tcp-syn" => 0x02,
        "tcp-rst" => 0x04,
        "tcp-push" => 0x08,
        "tcp-ack" => 0x10,
        "tcp-urg" => 0x20,
        "tcp-ece" => 0x40,
        "tcp-cwr" => 0x80,
        "icmp6-destinationunreach" => 1,
        "icmp6-packettoobig" => 2,
        "icmp6-timeexceeded" => 3,
        "icmp6-parameterproblem" => 4,
        "icmp6-echo" => 128,
        "icmp6-echoreply" => 129,
        "icmp6-multicastlistenerquery" => 130,
        "icmp6-multicastlistenerreportv1" => 131,
        "icmp6-multicastlistenerdone" => 132,
        "icmp6-routersolicit" => 133,
        "icmp6-routeradvert" => 134,
        "icmp6-neighborsolicit" => 135,
        "icmp6-neighboradvert" => 136,
        "icmp6-redirect" => 137,
        "icmp6-routerrenum" => 138,
        "icmp6-nodeinformationquery" => 139,
        "icmp6-nodeinformationresponse" => 140,
        "icmp6-ineighbordiscoverysolicit" => 141,
        "icmp6-ineighbordiscoveryadvert" => 142,
        "icmp6-multicastlistenerreportv2" => 143,
        "icmp6-homeagentdiscoveryrequest" => 144,
        "icmp6-homeagentdiscoveryreply" => 145,
        "icmp6-mobileprefixsolicit" => 146,
        "icmp6-mobileprefixadvert" => 147,
        "icmp6-certpathsolicit" => 148,
        "icmp6-certpathadvert" => 149,
        "icmp6-multicastrouteradvert" => 151,
        "icmp6-multicastroutersolicit" => 152,
        "icmp6-multicastrouterterm" => 153,
        _ => return None,
    })
}

/// A number as tcpdump reads it: decimal, `0x` hex, or octal with a leading 0.
fn number(w: &str) -> Option<u32> {
    if let Some(h) = w.strip_prefix("0x").or_else(|| w.strip_prefix("0X")) {
        return u32::from_str_radix(h, 16).ok();
    }
    if w.len() > 1 && w.starts_with('0') {
        return u32::from_str_radix(w.get(1..)?, 8).ok();
    }
    if !w.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    w.parse().ok()
}

/// libpcap's `__pcap_atoin`: 1 to 4 dotted decimal parts; the value (parts packed from
/// the right) and its length in bits.
fn atoin(w: &str) -> Option<(u32, u32)> {
    let mut v: u32 = 0;
    let mut n = 0;
    for part in w.split('.') {
        if part.is_empty() || part.len() > 3 || !part.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        let x: u32 = part.parse().ok()?;
        if x > 255 {
            return None;
        }
        v = (v << 8) | x;
        n += 1;
        if n > 4 {
            return None;
        }
    }
    Some((v, 8 * n))
}

fn parse_mac(w: &str) -> Option<[u8; 6]> {
    let parts: Vec<&str> = if w.contains(':') {
        w.split(':').collect()
    } else if w.contains('-') {
        w.split('-').collect()
    } else if w.contains('.') {
        // xxxx.xxxx.xxxx
        let p: Vec<&str> = w.split('.').collect();
        if p.len() != 3 || p.iter().any(|x| x.len() != 4) {
            return None;
        }
        let mut out = [0u8; 6];
        for (i, x) in p.iter().enumerate() {
            let v = u16::from_str_radix(x, 16).ok()?;
            let [a, b] = v.to_be_bytes();
            *out.get_mut(2 * i)? = a;
            *out.get_mut(2 * i + 1)? = b;
        }
        return Some(out);
    } else {
        return None;
    };
    if parts.len() != 6 {
        return None;
    }
    let mut out = [0u8; 6];
    for (o, p) in out.iter_mut().zip(&parts) {
        if p.is_empty() || p.len() > 2 {
            return None;
        }
        *o = u8::from_str_radix(p, 16).ok()?;
    }
    Some(out)
}

/// A byte string as Wireshark writes one: hex pairs separated by `:`, `-` or `.`, or one
/// pair alone.
fn parse_bytes(w: &str) -> Option<Vec<u8>> {
    let sep = [':', '-', '.'].into_iter().find(|c| w.contains(*c));
    let parts: Vec<&str> = match sep {
        Some(c) => w.split(c).collect(),
        None if w.len() == 2 => vec![w],
        None => return None,
    };
    parts
        .iter()
        .map(|p| {
            if p.is_empty() || p.len() > 2 {
                None
            } else {
                u8::from_str_radix(p, 16).ok()
            }
        })
        .collect()
}

fn mask6(prefix: u32) -> [u8; 16] {
    let mut m = [0u8; 16];
    for (i, b) in m.iter_mut().enumerate() {
        let bits = prefix.saturating_sub(8 * i as u32).min(8);
        *b = if bits == 0 { 0 } else { 0xffu8 << (8 - bits) };
    }
    m
}

fn atom(a: Atom, shift: u32) -> Expr {
    Expr::Atom(a, shift)
}

fn and(a: Expr, b: Expr) -> Expr {
    Expr::And(Box::new(a), Box::new(b))
}

fn or(a: Expr, b: Expr) -> Expr {
    Expr::Or(Box::new(a), Box::new(b))
}

impl Parser<'_> {
    fn peek_tok(&self) -> Option<&Token> {
        self.toks.get(self.pos)
    }

    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|t| &t.tok)
    }

    fn peek_at(&self, k: usize) -> Option<&Tok> {
        self.toks.get(self.pos + k).map(|t| &t.tok)
    }

    fn peek_word(&self) -> Option<&str> {
        match self.peek() {
            Some(Tok::Word(w)) => Some(w),
            _ => None,
        }
    }

    fn is_op(&self, op: &str) -> bool {
        matches!(self.peek(), Some(Tok::Op(o)) if *o == op)
    }

    fn is_word(&self, w: &str) -> bool {
        self.peek_word() == Some(w)
    }

    fn span(&self) -> std::ops::Range<usize> {
        self.peek_tok()
            .map_or(self.end..self.end, |t| t.span.clone())
    }

    fn prev_span(&self) -> std::ops::Range<usize> {
        self.pos
            .checked_sub(1)
            .and_then(|i| self.toks.get(i))
            .map_or(0..0, |t| t.span.clone())
    }

    fn err_at(&self, span: std::ops::Range<usize>, message: String) -> FilterError {
        FilterError { message, span }
    }

    /// An error at the current token: "expected X, got Y".
    fn expected(&self, what: &str) -> FilterError {
        let got = self
            .peek()
            .map_or_else(|| "the end of the expression".to_string(), describe);
        self.err_at(self.span(), format!("expected {what}, got {got}"))
    }

    fn bump(&mut self) -> Option<Token> {
        let t = self.toks.get(self.pos).cloned();
        if t.is_some() {
            self.pos += 1;
        }
        t
    }

    fn eat_op(&mut self, op: &str) -> bool {
        if self.is_op(op) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn eat_word(&mut self, w: &str) -> bool {
        if self.is_word(w) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect_op(&mut self, op: &str) -> Result<(), FilterError> {
        if self.eat_op(op) {
            Ok(())
        } else {
            Err(self.expected(&format!("'{op}'")))
        }
    }

    fn word(&mut self, what: &str) -> Result<(String, std::ops::Range<usize>), FilterError> {
        match self.peek_tok() {
            Some(Token {
                tok: Tok::Word(w),
                span,
            }) => {
                let r = (w.clone(), span.clone());
                self.pos += 1;
                Ok(r)
            }
            _ => Err(self.expected(what)),
        }
    }

    fn enter(&mut self) -> Result<(), FilterError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.err_at(
                self.span(),
                format!("the expression nests deeper than {MAX_DEPTH} levels"),
            ));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    fn bin_op(&self) -> Option<Bin> {
        match self.peek()? {
            Tok::Word(w) if w == "and" => Some(Bin::And),
            Tok::Word(w) if w == "or" => Some(Bin::Or),
            Tok::Word(w) if w == "xor" => Some(Bin::Xor),
            Tok::Op("&&") => Some(Bin::And),
            Tok::Op("||") => Some(Bin::Or),
            Tok::Op("^^") => Some(Bin::Xor),
            _ => None,
        }
    }

    /// term (op term)*
    fn seq(&mut self) -> Result<Pre, FilterError> {
        self.enter()?;
        let first = self.term()?;
        let mut rest = Vec::new();
        while let Some(op) = self.bin_op() {
            self.pos += 1;
            if op == Bin::Xor {
                self.display = true;
            }
            rest.push((op, self.term()?));
        }
        self.leave();
        Ok(if rest.is_empty() {
            first
        } else {
            Pre::Seq(Box::new(first), rest)
        })
    }

    fn term(&mut self) -> Result<Pre, FilterError> {
        if self.eat_word("not") || self.eat_op("!") {
            self.enter()?;
            let t = self.term()?;
            self.leave();
            return Ok(Pre::Not(Box::new(t)));
        }
        if self.is_op("(") {
            // An arithmetic relation may start with a parenthesis: try it first.
            // The depth too: a failed attempt returns early, past its `leave`s.
            let save = (self.pos, self.shift, self.last, self.display, self.depth);
            if let Ok(Some(e)) = self.try_relation() {
                return Ok(Pre::Leaf(e));
            }
            (self.pos, self.shift, self.last, self.display, self.depth) = save;
            self.pos += 1;
            let inner = self.seq()?;
            self.expect_op(")")?;
            return Ok(inner);
        }
        let Some(t) = self.peek_tok().cloned() else {
            return Err(self.expected("a filter primitive"));
        };
        match &t.tok {
            Tok::Word(w) if is_field_name(w) => {
                self.display = true;
                Ok(Pre::Leaf(Expr::Display(self.display_term()?)))
            }
            Tok::Word(w) if proto_word(w).is_none() && w != "vlan" => {
                if let Some(name) = wireshark_protocol(w) {
                    // A Wireshark protocol that is no tcpdump keyword: `dns`, `http`, `eth`.
                    self.display = true;
                    self.pos += 1;
                    return Ok(Pre::Leaf(Expr::Display(Display::Proto(name))));
                }
                self.tcpdump_term()
            }
            Tok::Word(_) | Tok::Op("-") => self.tcpdump_term(),
            other => Err(self.err_at(
                t.span.clone(),
                format!("expected a filter primitive, got {}", describe(other)),
            )),
        }
    }

    /// A tcpdump relation or primitive.
    fn tcpdump_term(&mut self) -> Result<Pre, FilterError> {
        let save = (self.pos, self.shift, self.last, self.depth);
        match self.try_relation() {
            Ok(Some(e)) => return Ok(Pre::Leaf(e)),
            Err(e) if self.relation_committed(save.0) => return Err(e),
            _ => {}
        }
        (self.pos, self.shift, self.last, self.depth) = save;
        let start = self.pos;
        let e = self.primitive()?;
        if self.pos == start + 1 {
            if let Some(Tok::Word(w)) = self.toks.get(start).map(|t| &t.tok) {
                if let Some(name) = wireshark_protocol(w) {
                    return Ok(Pre::Bare(name, e));
                }
            }
        }
        Ok(Pre::Leaf(e))
    }

    /// Whether a failed relation attempt got far enough that its error is the one to show
    /// (it began with `len`, a `proto[` load, or a unary minus).
    fn relation_committed(&self, start: usize) -> bool {
        let first = self.toks.get(start).map(|t| &t.tok);
        let second = self.toks.get(start + 1).map(|t| &t.tok);
        matches!(first, Some(Tok::Word(w)) if w == "len") && !matches!(second, Some(Tok::Word(_)))
            || matches!(second, Some(Tok::Op("[")))
            || matches!(first, Some(Tok::Op("-")))
    }

    // -----------------------------------------------------------------------------------
    // tcpdump relations and arithmetic
    // -----------------------------------------------------------------------------------

    /// `arith relop arith`, or `Ok(None)` when what follows is not one.
    fn try_relation(&mut self) -> Result<Option<Expr>, FilterError> {
        let a = self.arith()?;
        let op = match self.peek() {
            Some(Tok::Op("=" | "==")) => RelOp::Eq,
            Some(Tok::Op("!=")) => RelOp::Ne,
            Some(Tok::Op("<")) => RelOp::Lt,
            Some(Tok::Op("<=")) => RelOp::Le,
            Some(Tok::Op(">")) => RelOp::Gt,
            Some(Tok::Op(">=")) => RelOp::Ge,
            _ => return Ok(None),
        };
        self.pos += 1;
        let b = self.arith()?;
        Ok(Some(atom(Atom::Rel(op, a, b), self.shift)))
    }

    fn arith(&mut self) -> Result<Arith, FilterError> {
        self.arith_bin(0)
    }

    /// Binary operators by libpcap's precedence: `|` < `&` < `<< >>` < `+ -` < `* / %`;
    /// `^` sits with `|` (grammar.y gives it no level of its own; it associates left).
    fn arith_bin(&mut self, level: usize) -> Result<Arith, FilterError> {
        const LEVELS: [&[(&str, ArOp)]; 5] = [
            &[("|", ArOp::Or), ("^", ArOp::Xor)],
            &[("&", ArOp::And)],
            &[("<<", ArOp::Shl), (">>", ArOp::Shr)],
            &[("+", ArOp::Add), ("-", ArOp::Sub)],
            &[("*", ArOp::Mul), ("/", ArOp::Div), ("%", ArOp::Mod)],
        ];
        let Some(ops) = LEVELS.get(level) else {
            return self.arith_unary();
        };
        self.enter()?;
        let mut a = self.arith_bin(level + 1)?;
        while let Some(&(_, op)) = ops.iter().find(|(s, _)| self.is_op(s)) {
            let span = self.span();
            self.pos += 1;
            let b = self.arith_bin(level + 1)?;
            if matches!(op, ArOp::Div | ArOp::Mod) && matches!(b, Arith::Num(0)) {
                return Err(self.err_at(span, "division by zero".into()));
            }
            a = Arith::Bin(op, Box::new(a), Box::new(b));
        }
        self.leave();
        Ok(a)
    }

    fn arith_unary(&mut self) -> Result<Arith, FilterError> {
        self.enter()?;
        let r = self.arith_atom();
        self.leave();
        r
    }

    fn arith_atom(&mut self) -> Result<Arith, FilterError> {
        if self.eat_op("-") {
            return Ok(Arith::Neg(Box::new(self.arith_unary()?)));
        }
        if self.eat_op("(") {
            let a = self.arith()?;
            self.expect_op(")")?;
            return Ok(a);
        }
        let (w, span) = self.word("a number, 'len' or a protocol's bytes such as tcp[13]")?;
        if w == "len" {
            return Ok(Arith::Len);
        }
        if self.is_op("[") {
            let base = match w.as_str() {
                "ether" | "link" | "ppp" | "fddi" | "tr" | "wlan" => LoadBase::Link,
                "ip" => LoadBase::Net(0x0800),
                "ip6" => LoadBase::Net(0x86dd),
                "arp" => LoadBase::Net(0x0806),
                "rarp" => LoadBase::Net(0x8035),
                "tcp" => LoadBase::Trans4(6),
                "udp" => LoadBase::Trans4(17),
                "icmp" => LoadBase::Trans4(1),
                "igmp" => LoadBase::Trans4(2),
                "sctp" => LoadBase::Trans4(132),
                "icmp6" => LoadBase::Icmp6,
                _ => {
                    return Err(self.err_at(
                        span,
                        format!(
                            "'{w}' has no bytes to index; use ether, ip, ip6, arp, rarp, tcp, \
                             udp, icmp, icmp6, igmp or sctp"
                        ),
                    ));
                }
            };
            self.pos += 1;
            let off = self.arith()?;
            let mut size = 1u8;
            if self.eat_op(":") {
                let (s, sspan) = self.word("a size: 1, 2 or 4")?;
                size = match number(&s) {
                    Some(1) => 1,
                    Some(2) => 2,
                    Some(4) => 4,
                    _ => {
                        return Err(
                            self.err_at(sspan, format!("data size must be 1, 2, or 4, got {s}"))
                        );
                    }
                };
            }
            self.expect_op("]")?;
            return Ok(Arith::Load {
                base,
                off: Box::new(off),
                size,
            });
        }
        if let Some(n) = number(&w).or_else(|| named_constant(&w)) {
            return Ok(Arith::Num(n));
        }
        Err(self.err_at(span, format!("expected a number, got '{w}'")))
    }

    // -----------------------------------------------------------------------------------
    // tcpdump primitives
    // -----------------------------------------------------------------------------------

    fn primitive(&mut self) -> Result<Expr, FilterError> {
        let (w, span) = self.word("a filter primitive")?;
        let s = self.shift;
        match w.as_str() {
            "vlan" => return self.vlan(),
            "greater" | "less" => {
                let (n, nspan) = self.word("a length")?;
                let n = number(&n)
                    .ok_or_else(|| self.err_at(nspan, format!("expected a length, got '{n}'")))?;
                let op = if w == "greater" { RelOp::Ge } else { RelOp::Le };
                return Ok(atom(Atom::Rel(op, Arith::Len, Arith::Num(n)), s));
            }
            "broadcast" => return self.broadcast(QProto::Ether, span),
            "multicast" => return self.multicast(QProto::Ether, span),
            "proto" => {
                let v = self.proto_value(QProto::Default)?;
                return Ok(self.gen_proto(QProto::Default, v));
            }
            _ => {}
        }
        // [proto] [dir] [kind] value
        let mut q = Qual {
            proto: QProto::Default,
            dir: Dir::Either,
            kind: QKind::Default,
        };
        let mut have_qual = false;
        let mut cur = Some((w, span));
        if let Some((w, sp)) = cur.clone() {
            if let Some(p) = proto_word(&w) {
                q.proto = p;
                have_qual = true;
                cur = self.next_word_if(|w| {
                    matches!(
                        w,
                        "src"
                            | "dst"
                            | "host"
                            | "net"
                            | "port"
                            | "portrange"
                            | "proto"
                            | "broadcast"
                            | "multicast"
                            | "gateway"
                    )
                });
                if cur.is_none() {
                    // A protocol alone, or followed by a value.
                    if p != QProto::Ether && !self.value_follows() {
                        return self.proto_abbrev(p, sp);
                    }
                    if p == QProto::Ether && !self.value_follows() {
                        return Err(self.expected(
                            "'host', 'src', 'dst', 'proto', 'broadcast', \
                             'multicast' or an address after 'ether'",
                        ));
                    }
                }
                match cur.as_ref().map(|(w, s)| (w.as_str(), s.clone())) {
                    Some(("proto", _)) => {
                        let v = self.proto_value(p)?;
                        return Ok(self.gen_proto(p, v));
                    }
                    Some(("broadcast", bs)) => return self.broadcast(p, bs),
                    Some(("multicast", ms)) => return self.multicast(p, ms),
                    Some(("gateway", gs)) => {
                        return Err(self.err_at(
                            gs,
                            "'gateway' needs host name resolution, which pktforge's filters \
                             do not do"
                                .into(),
                        ));
                    }
                    _ => {}
                }
            }
        }
        if let Some((w, sp)) = cur.clone() {
            if w == "src" || w == "dst" {
                have_qual = true;
                q.dir = if w == "src" { Dir::Src } else { Dir::Dst };
                // `src or dst`, `src and dst`
                let other = if w == "src" { "dst" } else { "src" };
                if matches!(self.peek(), Some(Tok::Word(x)) if x == "or" || x == "and")
                    && matches!(self.peek_at(1), Some(Tok::Word(x)) if x == other)
                {
                    q.dir = if self.is_word("or") {
                        Dir::Either
                    } else {
                        Dir::Both
                    };
                    self.pos += 2;
                }
                cur = self.next_word_if(|w| matches!(w, "host" | "net" | "port" | "portrange"));
                let _ = sp;
            }
        }
        if let Some((w, _)) = cur.clone() {
            let k = match w.as_str() {
                "host" => Some(QKind::Host),
                "net" => Some(QKind::Net),
                "port" => Some(QKind::Port),
                "portrange" => Some(QKind::Portrange),
                _ => None,
            };
            if let Some(k) = k {
                have_qual = true;
                q.kind = k;
                cur = None;
            }
        }
        let (value, vspan) = match cur {
            Some(v) => v,
            None => self.word("an address, a network, a port or a name")?,
        };
        if !have_qual {
            // A bare value: the qualifiers of the primitive before it.
            if let Some(l) = self.last {
                q = l;
            }
        }
        self.last = Some(q);
        let e = self.value_primitive(q, &value, vspan)?;
        let _ = s;
        Ok(e)
    }

    /// Takes the next word if `pred` accepts it.
    fn next_word_if(
        &mut self,
        pred: impl Fn(&str) -> bool,
    ) -> Option<(String, std::ops::Range<usize>)> {
        match self.peek_tok() {
            Some(Token {
                tok: Tok::Word(w),
                span,
            }) if pred(w) => {
                let r = (w.clone(), span.clone());
                self.pos += 1;
                Some(r)
            }
            _ => None,
        }
    }

    /// Whether the next token is a value (not an operator, keyword or end).
    fn value_follows(&self) -> bool {
        match self.peek() {
            Some(Tok::Word(w)) => !matches!(
                w.as_str(),
                "and" | "or" | "not" | "xor" | "src" | "dst" | "host" | "net" | "port"
            ),
            _ => false,
        }
    }

    fn proto_value(&mut self, p: QProto) -> Result<u32, FilterError> {
        let (w, span) = self.word("a protocol number or name")?;
        if let Some(n) = number(&w) {
            return Ok(n);
        }
        let name = w.strip_prefix('\\').unwrap_or(&w);
        let v = if p == QProto::Ether {
            match name {
                "ip" => Some(0x0800),
                "ip6" => Some(0x86dd),
                "arp" => Some(0x0806),
                "rarp" => Some(0x8035),
                "atalk" => Some(0x809b),
                "aarp" => Some(0x80f3),
                "decnet" => Some(0x6003),
                "sca" => Some(0x6007),
                "lat" => Some(0x6004),
                "mopdl" => Some(0x6001),
                "moprc" => Some(0x6002),
                "ipx" => Some(0x8137),
                _ => None,
            }
        } else {
            match name {
                "icmp" => Some(1),
                "igmp" => Some(2),
                "tcp" => Some(6),
                "udp" => Some(17),
                "ipv6" => Some(41),
                "gre" => Some(47),
                "esp" => Some(50),
                "ah" => Some(51),
                "icmp6" | "ipv6-icmp" => Some(58),
                "pim" => Some(103),
                "vrrp" => Some(112),
                "sctp" => Some(132),
                _ => services::IP_PROTOS
                    .iter()
                    .find(|(_, n)| *n == name)
                    .and_then(|(v, _)| u32::try_from(*v).ok()),
            }
        };
        v.ok_or_else(|| {
            let names: Vec<&str> = if p == QProto::Ether {
                vec!["ip", "ip6", "arp", "rarp", "atalk", "aarp", "decnet", "ipx"]
            } else {
                let mut v = vec![
                    "icmp", "igmp", "tcp", "udp", "gre", "esp", "ah", "icmp6", "sctp",
                ];
                v.extend(services::IP_PROTOS.iter().map(|(_, n)| *n));
                v
            };
            let near = fields::nearest(name, names.iter().copied(), 3);
            let hint = if near.is_empty() {
                String::new()
            } else {
                format!("; did you mean {}?", near.join(", "))
            };
            self.err_at(span, format!("unknown protocol '{w}'{hint}"))
        })
    }

    /// libpcap's `gen_proto`.
    fn gen_proto(&self, p: QProto, v: u32) -> Expr {
        let s = self.shift;
        let b = |v: u32| u8::try_from(v).unwrap_or(0);
        let v4 = |v| and(atom(Atom::LinkType(0x0800), s), atom(Atom::Proto4(b(v)), s));
        let v6 = |v| and(atom(Atom::LinkType(0x86dd), s), atom(Atom::Proto6(b(v)), s));
        // A protocol number past 255 matches nothing.
        if v > 255 && p != QProto::Ether {
            return atom(Atom::False, s);
        }
        match p {
            QProto::Ether => atom(Atom::LinkType(u16::try_from(v).unwrap_or(0)), s),
            QProto::Ip => v4(v),
            QProto::Ip6 => v6(v),
            _ => or(v4(v), v6(v)),
        }
    }

    /// A protocol name alone: libpcap's `gen_proto_abbrev`.
    fn proto_abbrev(
        &mut self,
        p: QProto,
        span: std::ops::Range<usize>,
    ) -> Result<Expr, FilterError> {
        let s = self.shift;
        self.last = Some(Qual {
            proto: p,
            dir: Dir::Either,
            kind: QKind::Default,
        });
        Ok(match p {
            QProto::Ip => atom(Atom::LinkType(0x0800), s),
            QProto::Ip6 => atom(Atom::LinkType(0x86dd), s),
            QProto::Arp => atom(Atom::LinkType(0x0806), s),
            QProto::Rarp => atom(Atom::LinkType(0x8035), s),
            QProto::Tcp | QProto::Udp | QProto::Sctp => {
                self.gen_proto(QProto::Default, u32::from(ip_proto_number(p).unwrap_or(0)))
            }
            QProto::Icmp | QProto::Igmp => {
                self.gen_proto(QProto::Ip, u32::from(ip_proto_number(p).unwrap_or(0)))
            }
            QProto::Icmp6 => self.gen_proto(QProto::Ip6, 58),
            QProto::Ether | QProto::Default => {
                return Err(self.err_at(span, "'ether' needs a qualifier".into()));
            }
        })
    }

    fn broadcast(&self, p: QProto, span: std::ops::Range<usize>) -> Result<Expr, FilterError> {
        let s = self.shift;
        match p {
            QProto::Ether | QProto::Default => Ok(atom(
                Atom::EtherAddr {
                    dir: Dir::Dst,
                    mac: [0xff; 6],
                },
                s,
            )),
            QProto::Ip => Ok(and(
                atom(Atom::LinkType(0x0800), s),
                atom(
                    Atom::IpBroadcast {
                        hostmask: !self.opts.netmask,
                    },
                    s,
                ),
            )),
            _ => Err(self.err_at(
                span,
                "only link-layer and IP broadcast filters are supported".into(),
            )),
        }
    }

    fn multicast(&self, p: QProto, span: std::ops::Range<usize>) -> Result<Expr, FilterError> {
        let s = self.shift;
        match p {
            QProto::Ether | QProto::Default => Ok(atom(Atom::EtherMulticast, s)),
            QProto::Ip => Ok(and(
                atom(Atom::LinkType(0x0800), s),
                atom(Atom::IpMulticast, s),
            )),
            QProto::Ip6 => Ok(and(
                atom(Atom::LinkType(0x86dd), s),
                atom(Atom::Ip6Multicast, s),
            )),
            _ => Err(self.err_at(
                span,
                "only link-layer, IP and IPv6 multicast filters are supported".into(),
            )),
        }
    }

    /// `vlan [ID]`: libpcap's `gen_vlan_no_bpf_extensions`; moves the offsets of what follows.
    fn vlan(&mut self) -> Result<Expr, FilterError> {
        let s = self.shift;
        let tpid = or(
            or(
                atom(Atom::LinkType(0x8100), s),
                atom(Atom::LinkType(0x88a8), s),
            ),
            atom(Atom::LinkType(0x9100), s),
        );
        let mut e = tpid;
        if let Some(Tok::Word(w)) = self.peek() {
            if let Some(n) = number(w) {
                let span = self.span();
                self.pos += 1;
                if n > 0x0fff {
                    return Err(self.err_at(
                        span,
                        format!("VLAN tag {n} greater than maximum {}", 0x0fff),
                    ));
                }
                e = and(e, atom(Atom::VlanId(u16::try_from(n).unwrap_or(0)), s));
            }
        }
        self.shift = self.shift.saturating_add(4);
        self.last = None;
        Ok(e)
    }

    /// A primitive with a value: host, net, port, portrange, ether address.
    fn value_primitive(
        &mut self,
        q: Qual,
        value: &str,
        span: std::ops::Range<usize>,
    ) -> Result<Expr, FilterError> {
        let s = self.shift;
        match q.kind {
            QKind::Port | QKind::Portrange => return self.port(q, value, span),
            _ => {}
        }
        if q.proto == QProto::Ether {
            let mac = parse_mac(value).ok_or_else(|| {
                self.err_at(
                    span.clone(),
                    format!("'{value}' is not an Ethernet address"),
                )
            })?;
            if q.kind == QKind::Net {
                return Err(self.err_at(span, "'net' takes no Ethernet address".into()));
            }
            return Ok(atom(Atom::EtherAddr { dir: q.dir, mac }, s));
        }
        if matches!(q.proto, QProto::Tcp | QProto::Udp | QProto::Sctp) && q.kind == QKind::Default {
            return self.port(q, value, span);
        }
        if value.contains(':') {
            // IPv6, or a MAC without `ether`.
            if let Ok(a) = value.parse::<std::net::Ipv6Addr>() {
                let mut prefix = 128;
                if self.is_op("/") {
                    prefix = self.prefix(128)?;
                    if q.kind != QKind::Net {
                        return Err(self.err_at(span, "Mask syntax for networks only".into()));
                    }
                }
                return self.host6(q, a.octets(), prefix, span);
            }
            if let Some(mac) = parse_mac(value) {
                return Ok(atom(Atom::EtherAddr { dir: q.dir, mac }, s));
            }
            return Err(self.err_at(span, format!("'{value}' is not an IPv6 or MAC address")));
        }
        let Some((mut v, vlen)) = atoin(value) else {
            let near = closest_keyword(value);
            let message = if q == BARE && !near.is_empty() {
                format!(
                    "unknown primitive '{value}'; did you mean {}?",
                    near.join(", ")
                )
            } else {
                format!(
                    "'{value}' is not an address (pktforge's filters take addresses, not host \
                     names)"
                )
            };
            return Err(self.err_at(span, message));
        };
        let numeric = !value.contains('.');
        let mut mask: u32;
        if self.is_op("/") || self.is_word("mask") {
            if q.kind != QKind::Net {
                return Err(self.err_at(self.span(), "Mask syntax for networks only".into()));
            }
            v = v.checked_shl(32 - vlen).unwrap_or(0);
            if self.eat_word("mask") {
                let (m, mspan) = self.word("a netmask")?;
                let (mv, mlen) = atoin(&m).ok_or_else(|| {
                    self.err_at(mspan.clone(), format!("invalid IPv4 address '{m}'"))
                })?;
                mask = mv.checked_shl(32 - mlen).unwrap_or(0);
                if v & !mask != 0 {
                    return Err(self.err_at(
                        span.start..mspan.end,
                        format!("non-network bits set in \"{value} mask {m}\""),
                    ));
                }
            } else {
                let p = self.prefix(32)?;
                mask = if p == 0 { 0 } else { u32::MAX << (32 - p) };
                if v & !mask != 0 {
                    return Err(self.err_at(
                        span.start..self.prev_span().end,
                        format!("non-network bits set in \"{value}/{p}\""),
                    ));
                }
            }
        } else if numeric && q.kind == QKind::Net {
            // `net 10`: the number's significant bytes, moved to the top.
            mask = u32::MAX;
            while v != 0 && v & 0xff00_0000 == 0 {
                v <<= 8;
                mask <<= 8;
            }
        } else {
            let sh = 32 - vlen;
            v = v.checked_shl(sh).unwrap_or(0);
            mask = u32::MAX.checked_shl(sh).unwrap_or(0);
        }
        self.host4(q, v, mask, span)
    }

    fn prefix(&mut self, max: u32) -> Result<u32, FilterError> {
        self.expect_op("/")?;
        let (p, pspan) = self.word("a prefix length")?;
        match number(&p) {
            Some(n) if n <= max => Ok(n),
            _ => Err(self.err_at(pspan, format!("mask length must be <= {max}"))),
        }
    }

    /// libpcap's `gen_host` for IPv4.
    fn host4(
        &self,
        q: Qual,
        v: u32,
        mask: u32,
        span: std::ops::Range<usize>,
    ) -> Result<Expr, FilterError> {
        let s = self.shift;
        let op = |lt: u16, src: u32, dst: u32| {
            let w = |off| {
                atom(
                    Atom::Word {
                        off,
                        value: v & mask,
                        mask,
                    },
                    s,
                )
            };
            let t = match q.dir {
                Dir::Src => w(src),
                Dir::Dst => w(dst),
                Dir::Either => or(w(src), w(dst)),
                Dir::Both => and(w(src), w(dst)),
            };
            and(atom(Atom::LinkType(lt), s), t)
        };
        // libpcap's gen_hostop: the link-type test is made per direction; one test
        // before both is the same, bytes for bytes, since a false test loads nothing.
        Ok(match q.proto {
            QProto::Default => or(
                or(op(0x0800, 12, 16), op(0x0806, 14, 24)),
                op(0x8035, 14, 24),
            ),
            QProto::Ip => op(0x0800, 12, 16),
            QProto::Arp => op(0x0806, 14, 24),
            QProto::Rarp => op(0x8035, 14, 24),
            QProto::Ip6 => {
                return Err(self.err_at(span, "'ip6' modifier applied to ip host".into()));
            }
            other => {
                return Err(self.err_at(
                    span,
                    format!("'{}' modifier applied to host", qproto_name(other)),
                ));
            }
        })
    }

    fn host6(
        &self,
        q: Qual,
        addr: [u8; 16],
        prefix: u32,
        span: std::ops::Range<usize>,
    ) -> Result<Expr, FilterError> {
        let s = self.shift;
        let mask = mask6(prefix);
        if addr.iter().zip(&mask).any(|(a, m)| a & !m != 0) {
            return Err(self.err_at(span, "non-network bits set in the IPv6 network".into()));
        }
        match q.proto {
            QProto::Default | QProto::Ip6 => {}
            QProto::Ip => {
                return Err(self.err_at(span, "'ip' modifier applied to ip6 host".into()));
            }
            other => {
                return Err(self.err_at(
                    span,
                    format!("'{}' modifier applied to an IPv6 host", qproto_name(other)),
                ));
            }
        }
        let a = |off| atom(Atom::Addr6 { off, addr, mask }, s);
        let t = match q.dir {
            Dir::Src => a(8),
            Dir::Dst => a(24),
            Dir::Either => or(a(8), a(24)),
            Dir::Both => and(a(8), a(24)),
        };
        Ok(and(atom(Atom::LinkType(0x86dd), s), t))
    }

    /// `port` and `portrange`: libpcap's `gen_port6` or'ed with `gen_port`, as gen_ncode
    /// and gen_scode order them.
    fn port(
        &mut self,
        q: Qual,
        value: &str,
        span: std::ops::Range<usize>,
    ) -> Result<Expr, FilterError> {
        let s = self.shift;
        let (lo_s, hi_s) = if q.kind == QKind::Portrange {
            match value.split_once('-') {
                Some((a, b)) => (a, b),
                None => (value, value),
            }
        } else {
            (value, value)
        };
        let mut restrict: Option<u8> = None;
        let mut port_of = |w: &str| -> Result<u16, FilterError> {
            if let Some(n) = number(w) {
                return u16::try_from(n).map_err(|_| {
                    self.err_at(span.clone(), format!("illegal port number {n} > 65535"))
                });
            }
            let (t, u) = (services::tcp_port(w), services::udp_port(w));
            match (t, u) {
                (Some(a), Some(b)) if a == b => Ok(a),
                (Some(a), _) => {
                    restrict = Some(6);
                    Ok(a)
                }
                (None, Some(b)) => {
                    restrict = Some(17);
                    Ok(b)
                }
                (None, None) => {
                    let near = closest_keyword(w);
                    let hint = if near.is_empty() {
                        String::new()
                    } else {
                        format!(" (did you mean {}?)", near.join(", "))
                    };
                    Err(self.err_at(
                        span.clone(),
                        format!("unknown port '{w}': give a number or a service name{hint}"),
                    ))
                }
            }
        };
        let (a, b) = (port_of(lo_s)?, port_of(hi_s)?);
        let (lo, hi) = (a.min(b), a.max(b));
        let protos: Vec<u8> = match q.proto {
            QProto::Tcp => vec![6],
            QProto::Udp => vec![17],
            QProto::Sctp => vec![132],
            QProto::Default => match restrict {
                Some(p) => vec![p],
                None => vec![6, 17, 132],
            },
            other => {
                return Err(self.err_at(
                    span,
                    format!(
                        "illegal qualifier of '{}': '{}'",
                        if q.kind == QKind::Portrange {
                            "portrange"
                        } else {
                            "port"
                        },
                        qproto_name(other)
                    ),
                ));
            }
        };
        let side = |v6: bool| {
            let ops = protos.iter().map(|&proto| {
                let a = if v6 {
                    Atom::Port6 {
                        proto,
                        dir: q.dir,
                        lo,
                        hi,
                    }
                } else {
                    Atom::Port4 {
                        proto,
                        dir: q.dir,
                        lo,
                        hi,
                    }
                };
                atom(a, s)
            });
            let ops = ops.reduce(or).unwrap_or(atom(Atom::False, s));
            and(
                atom(Atom::LinkType(if v6 { 0x86dd } else { 0x0800 }), s),
                ops,
            )
        };
        Ok(or(side(true), side(false)))
    }

    // -----------------------------------------------------------------------------------
    // Display filters
    // -----------------------------------------------------------------------------------

    fn field_ref(&mut self) -> Result<FieldRef, FilterError> {
        let (name, span) = self.word("a field name")?;
        let def = fields::lookup(&name).ok_or_else(|| {
            let near = fields::closest(&name, 3);
            let hint = if near.is_empty() {
                "; `pktforge fields` lists them".to_string()
            } else {
                format!("; did you mean {}?", near.join(", "))
            };
            self.err_at(span, format!("unknown field '{name}'{hint}"))
        })?;
        let slice = if self.is_op("[") {
            Some(self.slice()?)
        } else {
            None
        };
        Ok(FieldRef { def, slice })
    }

    /// `[i]`, `[i:n]`, `[i-j]`, `[:n]`, `[i:]` (negative i counts from the end).
    fn slice(&mut self) -> Result<Slice, FilterError> {
        self.expect_op("[")?;
        let int = |p: &mut Self| -> Result<i32, FilterError> {
            let neg = p.eat_op("-");
            let (w, sp) = p.word("a byte position")?;
            let n = number(&w)
                .and_then(|n| i32::try_from(n).ok())
                .ok_or_else(|| p.err_at(sp, format!("expected a byte position, got '{w}'")))?;
            Ok(if neg { -n } else { n })
        };
        let start = if self.is_op(":") { 0 } else { int(self)? };
        let len = if self.eat_op(":") {
            if self.is_op("]") {
                None
            } else {
                Some(u32::try_from(int(self)?).unwrap_or(0))
            }
        } else if self.eat_op("-") {
            let end = int(self)?;
            Some(u32::try_from(end.saturating_sub(start).saturating_add(1)).unwrap_or(0))
        } else {
            Some(1)
        };
        self.expect_op("]")?;
        Ok(Slice { start, len })
    }

    fn display_term(&mut self) -> Result<Display, FilterError> {
        let f = self.field_ref()?;
        let op_span = self.span();
        let op = match self.peek() {
            Some(Tok::Op("==")) => Some(CmpOp::Eq),
            Some(Tok::Op("!=" | "!==")) => Some(CmpOp::Ne),
            Some(Tok::Op("~=")) => Some(CmpOp::AnyNe),
            Some(Tok::Op("<")) => Some(CmpOp::Lt),
            Some(Tok::Op("<=")) => Some(CmpOp::Le),
            Some(Tok::Op(">")) => Some(CmpOp::Gt),
            Some(Tok::Op(">=")) => Some(CmpOp::Ge),
            Some(Tok::Word(w)) => match w.as_str() {
                "eq" | "any_eq" => Some(CmpOp::Eq),
                "ne" | "all_ne" => Some(CmpOp::Ne),
                "any_ne" => Some(CmpOp::AnyNe),
                "lt" => Some(CmpOp::Lt),
                "le" => Some(CmpOp::Le),
                "gt" => Some(CmpOp::Gt),
                "ge" => Some(CmpOp::Ge),
                _ => None,
            },
            Some(Tok::Op("=")) => {
                return Err(self.err_at(op_span, "use '==' to compare fields".into()));
            }
            _ => None,
        };
        if let Some(op) = op {
            self.pos += 1;
            let v = self.operand(&f)?;
            self.check_order(&f, op, op_span)?;
            return Ok(Display::Cmp(f, op, v));
        }
        if self.eat_word("contains") {
            let (bytes, sp) = self.bytes_value()?;
            if !matches!(f.def.ty, FieldType::Str | FieldType::Bytes) && f.slice.is_none() {
                return Err(self.err_at(
                    sp,
                    format!(
                        "{} is {}: 'contains' takes a string or byte field",
                        f.def.name,
                        f.def.ty.described()
                    ),
                ));
            }
            return Ok(Display::Contains(f, bytes));
        }
        if self.eat_word("matches") || self.eat_op("~") {
            let sp = self.span();
            let pat = match self.bump() {
                Some(Token {
                    tok: Tok::Str(s), ..
                }) => s,
                _ => {
                    return Err(
                        self.err_at(sp, "'matches' takes a quoted regular expression".into())
                    );
                }
            };
            if !matches!(f.def.ty, FieldType::Str | FieldType::Bytes) {
                return Err(self.err_at(
                    sp,
                    format!(
                        "{} is {}: 'matches' takes a string field",
                        f.def.name,
                        f.def.ty.described()
                    ),
                ));
            }
            let pat = String::from_utf8(pat)
                .map_err(|_| self.err_at(sp.clone(), "the pattern is not UTF-8".into()))?;
            // Wireshark's `matches` is case-insensitive unless the pattern says otherwise.
            let re = regex::bytes::RegexBuilder::new(&pat)
                .case_insensitive(true)
                .size_limit(1 << 20)
                .dfa_size_limit(1 << 20)
                .build()
                .map_err(|e| self.err_at(sp, format!("bad regular expression: {e}")))?;
            return Ok(Display::Matches(f, Box::new(re)));
        }
        if self.eat_word("in") {
            return self.set(f);
        }
        if self.is_op("&") {
            let sp = self.span();
            self.pos += 1;
            let (w, wsp) = self.word("a bit mask")?;
            if !matches!(f.def.ty, FieldType::UInt | FieldType::Int | FieldType::Bool) {
                return Err(self.err_at(
                    sp,
                    format!(
                        "{} is {}: '&' takes an integer field",
                        f.def.name,
                        f.def.ty.described()
                    ),
                ));
            }
            let m = number(&w)
                .ok_or_else(|| self.err_at(wsp, format!("expected a number, got '{w}'")))?;
            return Ok(Display::BitAnd(f, u64::from(m)));
        }
        Ok(Display::Present(f))
    }

    fn check_order(
        &self,
        f: &FieldRef,
        op: CmpOp,
        span: std::ops::Range<usize>,
    ) -> Result<(), FilterError> {
        if matches!(op, CmpOp::Eq | CmpOp::Ne | CmpOp::AnyNe) || f.slice.is_some() {
            return Ok(());
        }
        if f.def.ty == FieldType::Bool {
            return Err(self.err_at(
                span,
                format!("{} is a boolean: compare it with == or !=", f.def.name),
            ));
        }
        Ok(())
    }

    fn bytes_value(&mut self) -> Result<(Vec<u8>, std::ops::Range<usize>), FilterError> {
        let sp = self.span();
        match self.bump() {
            Some(Token {
                tok: Tok::Str(s), ..
            }) => Ok((s, sp)),
            Some(Token {
                tok: Tok::Word(w), ..
            }) => match parse_bytes(&w) {
                Some(b) => Ok((b, sp)),
                None => Ok((w.into_bytes(), sp)),
            },
            _ => Err(self.err_at(sp, "expected a string or bytes such as 01:02:03".into())),
        }
    }

    /// A value for `f`, checked against its type.
    fn operand(&mut self, f: &FieldRef) -> Result<Operand, FilterError> {
        let sp = self.span();
        let ty = if f.slice.is_some() {
            FieldType::Bytes
        } else {
            f.def.ty
        };
        let bad = |p: &Self, got: &str| {
            p.err_at(
                sp.clone(),
                format!(
                    "{}{} is {}, and {got} is not",
                    f.def.name,
                    if f.slice.is_some() { "[...]" } else { "" },
                    ty.described()
                ),
            )
        };
        let t = self
            .bump()
            .ok_or_else(|| self.err_at(sp.clone(), "expected a value".into()))?;
        let w = match t.tok {
            Tok::Str(s) => {
                return match ty {
                    FieldType::Str | FieldType::Bytes => Ok(Operand::Bytes(s)),
                    _ => Err(bad(self, &format!("\"{}\"", String::from_utf8_lossy(&s)))),
                };
            }
            Tok::Op(o) => return Err(self.err_at(sp, format!("expected a value, got '{o}'"))),
            Tok::Word(w) => w,
        };
        if is_field_name(&w) {
            self.pos -= 1;
            let other = self.field_ref()?;
            let ot = if other.slice.is_some() {
                FieldType::Bytes
            } else {
                other.def.ty
            };
            let compatible = ot == ty
                || matches!(
                    (ot, ty),
                    (
                        FieldType::UInt | FieldType::Int | FieldType::Bool,
                        FieldType::UInt | FieldType::Int | FieldType::Bool
                    )
                )
                || matches!(
                    (ot, ty),
                    (
                        FieldType::Str | FieldType::Bytes,
                        FieldType::Str | FieldType::Bytes
                    )
                );
            if !compatible {
                return Err(self.err_at(
                    sp,
                    format!(
                        "{} is {} and {} is {}: they cannot be compared",
                        f.def.name,
                        ty.described(),
                        other.def.name,
                        ot.described()
                    ),
                ));
            }
            return Ok(Operand::Field(other));
        }
        match ty {
            FieldType::UInt | FieldType::Int | FieldType::Bool => {
                let lw = w.to_ascii_lowercase();
                if ty == FieldType::Bool && (lw == "true" || lw == "false") {
                    return Ok(Operand::Int(i128::from(lw == "true")));
                }
                int_value(&w)
                    .map(Operand::Int)
                    .ok_or_else(|| bad(self, &format!("'{w}'")))
            }
            FieldType::Time | FieldType::RelTime => seconds_ns(&w)
                .map(Operand::Int)
                .ok_or_else(|| bad(self, &format!("'{w}'"))),
            FieldType::Ipv4 => {
                let a: std::net::Ipv4Addr = w.parse().map_err(|_| bad(self, &format!("'{w}'")))?;
                let p = if self.is_op("/") {
                    self.prefix(32)?
                } else {
                    32
                };
                Ok(Operand::Ipv4(u32::from(a), u8::try_from(p).unwrap_or(32)))
            }
            FieldType::Ipv6 => {
                let a: std::net::Ipv6Addr = w.parse().map_err(|_| bad(self, &format!("'{w}'")))?;
                let p = if self.is_op("/") {
                    self.prefix(128)?
                } else {
                    128
                };
                Ok(Operand::Ipv6(a.octets(), u8::try_from(p).unwrap_or(128)))
            }
            FieldType::Mac => parse_mac(&w)
                .map(Operand::Mac)
                .ok_or_else(|| bad(self, &format!("'{w}'"))),
            FieldType::Bytes => parse_bytes(&w)
                .map(Operand::Bytes)
                .ok_or_else(|| bad(self, &format!("'{w}'"))),
            // An unquoted word is a string, as Wireshark takes `http.request.method == GET`.
            FieldType::Str => Ok(Operand::Bytes(w.into_bytes())),
        }
    }

    fn set(&mut self, f: FieldRef) -> Result<Display, FilterError> {
        self.expect_op("{")?;
        let mut items = Vec::new();
        loop {
            if self.eat_op("}") {
                break;
            }
            if self.peek().is_none() {
                return Err(self.expected("'}'"));
            }
            if items.len() >= 4096 {
                return Err(self.err_at(self.span(), "a set holds at most 4096 members".into()));
            }
            let start_span = self.span();
            let v = self.operand(&f)?;
            if self.eat_op("..") {
                let end = self.operand(&f)?;
                match (v, end) {
                    (Operand::Int(a), Operand::Int(b)) => items.push(SetItem::Range(a, b)),
                    _ => {
                        return Err(self.err_at(start_span, "ranges (a..b) take numbers".into()));
                    }
                }
            } else {
                items.push(SetItem::One(v));
            }
            self.eat_op(",");
        }
        Ok(Display::In(f, items))
    }
}

/// The qualifiers of a value given with none.
const BARE: Qual = Qual {
    proto: QProto::Default,
    dir: Dir::Either,
    kind: QKind::Default,
};

/// tcpdump's keywords, for "did you mean".
const KEYWORDS: &[&str] = &[
    "host",
    "net",
    "port",
    "portrange",
    "src",
    "dst",
    "ether",
    "ip",
    "ip6",
    "arp",
    "rarp",
    "tcp",
    "udp",
    "sctp",
    "icmp",
    "icmp6",
    "igmp",
    "vlan",
    "proto",
    "broadcast",
    "multicast",
    "greater",
    "less",
    "len",
    "mask",
    "and",
    "or",
    "not",
];

/// The tcpdump keywords and table fields closest to `w`.
fn closest_keyword(w: &str) -> Vec<&'static str> {
    let mut v = fields::nearest(w, KEYWORDS.iter().copied(), 3);
    if v.is_empty() {
        v = fields::closest(w, 3);
    }
    v
}

fn qproto_name(p: QProto) -> &'static str {
    match p {
        QProto::Default => "",
        QProto::Ether => "ether",
        QProto::Ip => "ip",
        QProto::Ip6 => "ip6",
        QProto::Arp => "arp",
        QProto::Rarp => "rarp",
        QProto::Tcp => "tcp",
        QProto::Udp => "udp",
        QProto::Sctp => "sctp",
        QProto::Icmp => "icmp",
        QProto::Icmp6 => "icmp6",
        QProto::Igmp => "igmp",
    }
}

/// A word that names a display-filter field: a letter first, a dot, and no part that is
/// all digits (`ip.src`, `tcp.flags.syn`; not `198.18.0.1` nor `a.b` hosts... which the
/// field table then refuses with a suggestion).
fn is_field_name(w: &str) -> bool {
    w.starts_with(|c: char| c.is_ascii_alphabetic())
        && w.contains('.')
        && !w.contains(':')
        && w.split('.').all(|p| !p.is_empty())
        || fields::lookup(w).is_some() && proto_word(w).is_none() && w != "len"
}

/// The protocol names of `frame.protocols` a display filter may test (`dns`, `tcp`), as
/// the chain spells them.
fn wireshark_protocol(w: &str) -> Option<&'static str> {
    const CHAIN_ONLY: &[&str] = &[
        "ethertype",
        "ieee8021ad",
        "sll",
        "null",
        "raw",
        "mdns",
        "llmnr",
        "tls",
        "ntp",
        "syslog",
        "data",
        "data-text-lines",
        "urlencoded-form",
        "ipv6.hopopts",
        "ipv6.routing",
        "ipv6.fraghdr",
        "ipv6.dstopts",
    ];
    fields::protocol(w)
        .map(|p| p.name)
        .or_else(|| CHAIN_ONLY.iter().copied().find(|&n| n == w))
}

/// An integer as Wireshark reads one: decimal (signed), `0x` hex, octal with a leading 0.
fn int_value(w: &str) -> Option<i128> {
    let (neg, body) = match w.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, w),
    };
    let v = if let Some(h) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
        i128::from(u64::from_str_radix(h, 16).ok()?)
    } else if body.len() > 1 && body.starts_with('0') {
        i128::from(u64::from_str_radix(body.get(1..)?, 8).ok()?)
    } else {
        i128::from(body.parse::<u64>().ok()?)
    };
    Some(if neg { -v } else { v })
}

/// Seconds with an optional fraction (`1.5`, `0.000123`), as nanoseconds.
fn seconds_ns(w: &str) -> Option<i128> {
    let (neg, body) = match w.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, w),
    };
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    if int.is_empty() && frac.is_empty() || frac.len() > 9 {
        return None;
    }
    if !int.bytes().all(|c| c.is_ascii_digit()) || !frac.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let i: i128 = if int.is_empty() { 0 } else { int.parse().ok()? };
    let mut f: i128 = if frac.is_empty() {
        0
    } else {
        frac.parse().ok()?
    };
    for _ in frac.len()..9 {
        f *= 10;
    }
    let v = i.checked_mul(1_000_000_000)?.checked_add(f)?;
    Some(if neg { -v } else { v })
}
