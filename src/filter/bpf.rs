//! Classic BPF for the kernel: the tcpdump part of a filter compiled to `struct sock_filter`
//! instructions (what `SO_ATTACH_FILTER` takes) for one link type, and the printers of
//! `tcpdump -d`, `-dd` and `-ddd`.
//!
//! ```
//! use pktforge::filter::{Filter, FilterLink};
//!
//! let f = Filter::new("tcp port 80").unwrap();
//! let prog = f.compile_bpf(FilterLink::Ether).unwrap();
//! assert_eq!(prog.image().lines().next(), Some("(000) ldh      [12]"));
//! assert_eq!(prog.c_array().lines().next(), Some("{ 0x28, 0, 0, 0x0000000c },"));
//! assert!(!prog.is_superset());
//! assert_eq!(prog.len(), 21);
//!
//! // Run it as the kernel would.
//! let mut syn = vec![0u8; 54];
//! syn[12] = 0x08; // IPv4
//! syn[14] = 0x45;
//! syn[23] = 6; // TCP
//! syn[36..38].copy_from_slice(&80u16.to_be_bytes()); // destination port
//! assert_ne!(prog.run(&syn, 54), 0);
//! assert_eq!(prog.run(&syn[..30], 54), 0); // cut before the ports: rejected
//! ```
//!
//! # How it compiles
//!
//! The tree is walked in the evaluator's order ([`super::eval`]) into a control-flow graph
//! of blocks, each a run of loads and arithmetic ending in a conditional jump with a true
//! and a false target, or in a `ret`. `and`, `or` and `not` only choose the targets, as
//! libpcap's `gen_and`/`gen_or`/`gen_not` do, so every load the evaluator makes on a packet
//! is made by the program, in the same order, and a load past the captured bytes ends both
//! with a rejection. Exclusive or evaluates its left side into scratch memory. The blocks
//! are laid out in the order they are made, so every jump goes forward; a conditional jump
//! further than 255 instructions goes through a `ja` (or a copy of the `ret` it reaches).
//! There is no optimiser: programs are longer than libpcap's, but they select the same
//! packets (the tests run both).
//!
//! A display-filter term cannot be expressed in classic BPF. When the program reaches one,
//! it goes on as if the term were true when the term's false side rejects, as if false
//! when its true side rejects, and accepts the packet otherwise: the program then accepts
//! every packet the filter accepts, and some more ([`BpfProgram::is_superset`]); user space
//! runs the whole filter again.
//!
//! Offsets that the Linux kernel would read as its negative "ancillary" offsets (2^31 and
//! above) are loads past the end in libpcap: the program rejects instead of loading them,
//! so that the kernel and libpcap select the same packets.

use std::fmt;

use super::ast::{ArOp, Arith, Atom, Dir, Display, Expr, LoadBase, RelOp};
use super::eval::FilterLink;

/// Most instructions in a program (Linux's and libpcap's `BPF_MAXINSNS`).
pub const MAX_INSNS: usize = 4096;

/// Scratch memory words (`BPF_MEMWORDS`).
pub const MEMWORDS: usize = 16;

/// What an accepting program returns: tcpdump's default snapshot length.
pub const SNAPLEN: u32 = 262_144;

/// Deepest nesting of the tree the compiler follows.
pub const MAX_COMPILE_DEPTH: usize = 256;

/// The opcode parts (`<linux/bpf_common.h>`): class, size, mode, operation, source.
pub mod op {
    /// Load into A.
    pub const LD: u16 = 0x00;
    /// Load into X.
    pub const LDX: u16 = 0x01;
    /// Store A into scratch memory.
    pub const ST: u16 = 0x02;
    /// Store X into scratch memory.
    pub const STX: u16 = 0x03;
    /// Arithmetic on A.
    pub const ALU: u16 = 0x04;
    /// Jumps.
    pub const JMP: u16 = 0x05;
    /// Return.
    pub const RET: u16 = 0x06;
    /// `tax`, `txa`.
    pub const MISC: u16 = 0x07;
    /// 32-bit word.
    pub const W: u16 = 0x00;
    /// 16-bit half word.
    pub const H: u16 = 0x08;
    /// Byte.
    pub const B: u16 = 0x10;
    /// Immediate.
    pub const IMM: u16 = 0x00;
    /// Absolute offset.
    pub const ABS: u16 = 0x20;
    /// Offset from X.
    pub const IND: u16 = 0x40;
    /// Scratch memory.
    pub const MEM: u16 = 0x60;
    /// The packet's length on the wire.
    pub const LEN: u16 = 0x80;
    /// `4*([k]&0xf)` (the IPv4 header length).
    pub const MSH: u16 = 0xa0;
    /// `+`.
    pub const ADD: u16 = 0x00;
    /// `-`.
    pub const SUB: u16 = 0x10;
    /// `*`.
    pub const MUL: u16 = 0x20;
    /// `/`.
    pub const DIV: u16 = 0x30;
    /// `|`.
    pub const OR: u16 = 0x40;
    /// `&`.
    pub const AND: u16 = 0x50;
    /// `<<`.
    pub const LSH: u16 = 0x60;
    /// `>>`.
    pub const RSH: u16 = 0x70;
    /// Unary minus.
    pub const NEG: u16 = 0x80;
    /// `%`.
    pub const MOD: u16 = 0x90;
    /// `^`.
    pub const XOR: u16 = 0xa0;
    /// Unconditional jump.
    pub const JA: u16 = 0x00;
    /// Jump if A equals.
    pub const JEQ: u16 = 0x10;
    /// Jump if A is greater.
    pub const JGT: u16 = 0x20;
    /// Jump if A is greater or equal.
    pub const JGE: u16 = 0x30;
    /// Jump if A has a bit of.
    pub const JSET: u16 = 0x40;
    /// Operand: the constant k.
    pub const K: u16 = 0x00;
    /// Operand: X.
    pub const X: u16 = 0x08;
    /// `ret a`.
    pub const A: u16 = 0x10;
    /// `tax` (with [`MISC`]).
    pub const TAX: u16 = 0x00;
    /// `txa` (with [`MISC`]).
    pub const TXA: u16 = 0x80;
}

/// One instruction, laid out as Linux's `struct sock_filter` (and libpcap's `bpf_insn`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(C)]
pub struct Insn {
    /// The opcode.
    pub code: u16,
    /// Instructions skipped when a conditional jump is taken.
    pub jt: u8,
    /// Instructions skipped when it is not.
    pub jf: u8,
    /// The constant operand.
    pub k: u32,
}

impl Insn {
    /// A statement (`BPF_STMT`).
    pub const fn stmt(code: u16, k: u32) -> Insn {
        Insn {
            code,
            jt: 0,
            jf: 0,
            k,
        }
    }

    /// A jump (`BPF_JUMP`).
    pub const fn jump(code: u16, k: u32, jt: u8, jf: u8) -> Insn {
        Insn { code, jt, jf, k }
    }
}

/// Why a filter could not be compiled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BpfError {
    /// The program would have more than [`MAX_INSNS`] instructions.
    TooLong {
        /// How many it would have.
        insns: usize,
    },
    /// The expression needs more than the 16 words of scratch memory.
    OutOfScratch,
    /// The tree nests deeper than [`MAX_COMPILE_DEPTH`].
    TooDeep,
    /// An offset past what a program can address.
    Offset(u64),
    /// The link type cannot carry one of the primitives (as libpcap refuses).
    Link(String),
    /// A bug of the compiler.
    Internal(&'static str),
}

impl fmt::Display for BpfError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BpfError::TooLong { insns } => write!(
                f,
                "the BPF program would have {insns} instructions; the kernel takes at most \
                 {MAX_INSNS}"
            ),
            BpfError::OutOfScratch => f.write_str(
                "the expression needs more than the 16 words of BPF scratch memory (nest \
                 fewer arithmetic operations or xors)",
            ),
            BpfError::TooDeep => write!(
                f,
                "the expression nests deeper than {MAX_COMPILE_DEPTH} levels for the BPF compiler"
            ),
            BpfError::Offset(o) => write!(f, "offset {o} is past what a BPF program can load"),
            BpfError::Link(s) => f.write_str(s),
            BpfError::Internal(s) => write!(f, "internal error of the BPF compiler: {s}"),
        }
    }
}

impl std::error::Error for BpfError {}

/// A compiled program for one link type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BpfProgram {
    insns: Vec<Insn>,
    link: FilterLink,
    user_space: Vec<&'static str>,
}

impl BpfProgram {
    /// The instructions.
    pub fn insns(&self) -> &[Insn] {
        &self.insns
    }

    /// How many instructions.
    pub fn len(&self) -> usize {
        self.insns.len()
    }

    /// Whether there are none (never, for a compiled program).
    pub fn is_empty(&self) -> bool {
        self.insns.is_empty()
    }

    /// Its size in bytes as the kernel takes it (8 per instruction).
    pub fn byte_len(&self) -> usize {
        8 * self.insns.len()
    }

    /// The link type it was compiled for.
    pub fn link(&self) -> FilterLink {
        self.link
    }

    /// Whether the program keeps more packets than the filter (display terms stay in
    /// user space, where the whole filter must run again).
    pub fn is_superset(&self) -> bool {
        !self.user_space.is_empty()
    }

    /// The fields of the display terms left to user space, in order, without repeats.
    pub fn user_space_fields(&self) -> &[&'static str] {
        &self.user_space
    }

    /// Runs the program on a packet (see [`super::vm`]); non-zero keeps it.
    pub fn run(&self, data: &[u8], wire_len: u32) -> u32 {
        match super::vm::Vm::new(&self.insns) {
            Ok(vm) => vm.run(data, wire_len),
            Err(_) => 0,
        }
    }

    /// The program as `tcpdump -d` prints it, one line per instruction.
    pub fn image(&self) -> String {
        image_all(&self.insns)
    }

    /// The program as `tcpdump -dd` prints it: C array lines.
    pub fn c_array(&self) -> String {
        c_array(&self.insns)
    }

    /// The program as `tcpdump -ddd` prints it: the count, then `code jt jf k` in decimal.
    pub fn decimal(&self) -> String {
        decimal(&self.insns)
    }
}

/// The Linux ancillary offsets libpcap's `bpf_image` names (`SKF_AD_OFF + n`).
fn ancillary(k: u32) -> Option<&'static str> {
    const SKF_AD_OFF: u32 = 0xffff_f000;
    Some(match k.checked_sub(SKF_AD_OFF)? {
        0 => "proto",
        4 => "type",
        8 => "ifidx",
        12 => "nla",
        16 => "nlan",
        20 => "mark",
        24 => "queue",
        28 => "hatype",
        32 => "rxhash",
        36 => "cpu",
        40 => "xor_x",
        44 => "vlan_tci",
        48 => "vlanp",
        52 => "poff",
        56 => "random",
        60 => "vlan_tpid",
        _ => return None,
    })
}

/// One instruction as libpcap's `bpf_image` writes it, `n` being its index.
pub fn image(p: &Insn, n: usize) -> String {
    let k = p.k;
    let ks = k as i32;
    let abs = || match ancillary(k) {
        Some(s) => format!("[{s}]"),
        None => format!("[{ks}]"),
    };
    let alu = |name: &'static str| -> (&'static str, String) {
        let hex = matches!(name, "and" | "or" | "xor");
        if p.code & op::X != 0 {
            (name, "x".to_string())
        } else if hex {
            (name, format!("#0x{k:x}"))
        } else {
            (name, format!("#{ks}"))
        }
    };
    let (opname, operand): (&str, String) = match p.code {
        0x06 => ("ret", format!("#{ks}")),
        0x16 => ("ret", String::new()),
        0x20 => ("ld", abs()),
        0x28 => ("ldh", abs()),
        0x30 => ("ldb", abs()),
        0x80 => ("ld", "#pktlen".to_string()),
        0x40 => ("ld", format!("[x + {ks}]")),
        0x48 => ("ldh", format!("[x + {ks}]")),
        0x50 => ("ldb", format!("[x + {ks}]")),
        0x00 => ("ld", format!("#0x{k:x}")),
        0x01 => ("ldx", format!("#0x{k:x}")),
        0xb1 => ("ldxb", format!("4*([{ks}]&0xf)")),
        0x60 => ("ld", format!("M[{ks}]")),
        0x61 => ("ldx", format!("M[{ks}]")),
        0x02 => ("st", format!("M[{ks}]")),
        0x03 => ("stx", format!("M[{ks}]")),
        0x05 => (
            "ja",
            format!(
                "{}",
                (n as i64).wrapping_add(1).wrapping_add(i64::from(ks)) as i32
            ),
        ),
        0x25 => ("jgt", format!("#0x{k:x}")),
        0x35 => ("jge", format!("#0x{k:x}")),
        0x15 => ("jeq", format!("#0x{k:x}")),
        0x45 => ("jset", format!("#0x{k:x}")),
        0x2d => ("jgt", "x".to_string()),
        0x3d => ("jge", "x".to_string()),
        0x1d => ("jeq", "x".to_string()),
        0x4d => ("jset", "x".to_string()),
        0x0c | 0x04 => alu("add"),
        0x1c | 0x14 => alu("sub"),
        0x2c | 0x24 => alu("mul"),
        0x3c | 0x34 => alu("div"),
        0x9c | 0x94 => alu("mod"),
        0x5c | 0x54 => alu("and"),
        0x4c | 0x44 => alu("or"),
        0xac | 0xa4 => alu("xor"),
        0x6c | 0x64 => alu("lsh"),
        0x7c | 0x74 => alu("rsh"),
        0x84 => ("neg", String::new()),
        0x07 => ("tax", String::new()),
        0x87 => ("txa", String::new()),
        c => ("unimp", format!("0x{c:x}")),
    };
    let is_cond = p.code & 0x07 == op::JMP && p.code & 0xf0 != op::JA && opname != "unimp";
    if is_cond {
        format!(
            "({n:03}) {opname:<8} {operand:<16} jt {}\tjf {}",
            n + 1 + usize::from(p.jt),
            n + 1 + usize::from(p.jf)
        )
    } else {
        format!("({n:03}) {opname:<8} {operand}")
    }
}

/// Every instruction as `tcpdump -d` prints them.
pub fn image_all(insns: &[Insn]) -> String {
    let mut s = String::new();
    for (i, p) in insns.iter().enumerate() {
        s.push_str(&image(p, i));
        s.push('\n');
    }
    s
}

/// As `tcpdump -dd` prints them.
pub fn c_array(insns: &[Insn]) -> String {
    let mut s = String::new();
    for p in insns {
        s.push_str(&format!(
            "{{ 0x{:x}, {}, {}, 0x{:08x} }},\n",
            p.code, p.jt, p.jf, p.k
        ));
    }
    s
}

/// As `tcpdump -ddd` prints them.
pub fn decimal(insns: &[Insn]) -> String {
    let mut s = format!("{}\n", insns.len());
    for p in insns {
        s.push_str(&format!("{} {} {} {}\n", p.code, p.jt, p.jf, p.k));
    }
    s
}

/// Reads a program in `tcpdump -ddd` form (a count, then `code jt jf k` lines), as
/// `tcpdump -F`-style tools and `SO_ATTACH_FILTER` helpers exchange them.
pub fn parse_decimal(text: &str) -> Result<Vec<Insn>, String> {
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let n: usize = lines
        .next()
        .ok_or("empty program")?
        .parse()
        .map_err(|_| "the first line is not an instruction count")?;
    if n > MAX_INSNS {
        return Err(format!("{n} instructions; at most {MAX_INSNS}"));
    }
    let mut out = Vec::with_capacity(n);
    for (i, l) in lines.enumerate() {
        let f: Vec<&str> = l.split_whitespace().collect();
        let bad = || format!("line {}: expected 'code jt jf k', got '{l}'", i + 2);
        let [code, jt, jf, k] = f.as_slice() else {
            return Err(bad());
        };
        out.push(Insn {
            code: code.parse().map_err(|_| bad())?,
            jt: jt.parse().map_err(|_| bad())?,
            jf: jf.parse().map_err(|_| bad())?,
            k: k.parse().map_err(|_| bad())?,
        });
        if out.len() > n {
            return Err(format!("more than the {n} instructions announced"));
        }
    }
    if out.len() != n {
        return Err(format!("{} instructions, {n} announced", out.len()));
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------
// The compiler
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Label(usize);

#[derive(Debug, Clone, Copy)]
enum Term {
    Ret(u32),
    Goto(Label),
    /// A conditional jump: `code` (JMP | op | K or X) with k.
    Jump {
        code: u16,
        k: u32,
        t: Label,
        f: Label,
    },
}

#[derive(Debug)]
struct Block {
    label: Label,
    insns: Vec<Insn>,
    term: Term,
}

type R<T> = Result<T, BpfError>;

/// Highest offset a load may have (the kernel reads offsets of 2^31 and more as negative).
const MAX_OFF: u64 = 0x7fff_ffff;

struct Gen {
    link: FilterLink,
    blocks: Vec<Block>,
    cur: Option<(Label, Vec<Insn>)>,
    labels: usize,
    accept: Label,
    reject: Label,
    scratch: usize,
    depth: usize,
    user: Vec<&'static str>,
    /// Instructions emitted so far (to stop early on huge expressions).
    count: usize,
}

/// Compiles `expr` for `link` (no link check: primitives the link cannot carry are false,
/// as the evaluator has them; [`super::Filter::compile_bpf`] refuses them as tcpdump does).
pub fn compile(expr: &Expr, link: FilterLink) -> Result<BpfProgram, BpfError> {
    let mut g = Gen {
        link,
        blocks: Vec::new(),
        cur: None,
        labels: 0,
        accept: Label(0),
        reject: Label(0),
        scratch: 0,
        depth: 0,
        user: Vec::new(),
        count: 0,
    };
    let entry = g.label();
    g.accept = g.label();
    g.reject = g.label();
    g.place(entry);
    let (a, r) = (g.accept, g.reject);
    g.expr(expr, a, r)?;
    g.place(a);
    g.end(Term::Ret(SNAPLEN));
    g.place(r);
    g.end(Term::Ret(0));
    let insns = layout(&g.blocks, g.labels, entry)?;
    if insns.len() > MAX_INSNS {
        return Err(BpfError::TooLong { insns: insns.len() });
    }
    Ok(BpfProgram {
        insns,
        link,
        user_space: g.user,
    })
}

fn size_code(size: u8) -> R<u16> {
    match size {
        1 => Ok(op::B),
        2 => Ok(op::H),
        4 => Ok(op::W),
        _ => Err(BpfError::Internal("load size not 1, 2 or 4")),
    }
}

fn alu_code(o: ArOp) -> u16 {
    match o {
        ArOp::Add => op::ADD,
        ArOp::Sub => op::SUB,
        ArOp::Mul => op::MUL,
        ArOp::Div => op::DIV,
        ArOp::Mod => op::MOD,
        ArOp::And => op::AND,
        ArOp::Or => op::OR,
        ArOp::Xor => op::XOR,
        ArOp::Shl => op::LSH,
        ArOp::Shr => op::RSH,
    }
}

/// The left spine of a chain of the same operator: `((a and b) and c)` gives `[a, b, c]`.
fn spine(e: &Expr, and: bool) -> Vec<&Expr> {
    let mut out = Vec::new();
    let mut node = e;
    while let (Expr::And(a, b), true) | (Expr::Or(a, b), false) = (node, and) {
        out.push(&**b);
        node = a;
    }
    out.push(node);
    out.reverse();
    out
}

impl Gen {
    fn label(&mut self) -> Label {
        self.labels += 1;
        Label(self.labels - 1)
    }

    fn emit(&mut self, i: Insn) -> R<()> {
        self.count += 1;
        if self.count > 8 * MAX_INSNS {
            return Err(BpfError::TooLong { insns: self.count });
        }
        if self.cur.is_none() {
            // Code after a jump or a ret: unreachable, dropped by the layout.
            let l = self.label();
            self.cur = Some((l, Vec::new()));
        }
        if let Some((_, v)) = self.cur.as_mut() {
            v.push(i);
        }
        Ok(())
    }

    fn stmt(&mut self, code: u16, k: u32) -> R<()> {
        self.emit(Insn::stmt(code, k))
    }

    fn end(&mut self, term: Term) {
        let (label, insns) = match self.cur.take() {
            Some(c) => c,
            None => (self.label(), Vec::new()),
        };
        self.blocks.push(Block { label, insns, term });
    }

    /// Starts the block `l` (the open block falls through to it).
    fn place(&mut self, l: Label) {
        if self.cur.is_some() {
            self.end(Term::Goto(l));
        }
        self.cur = Some((l, Vec::new()));
    }

    fn goto(&mut self, l: Label) {
        self.end(Term::Goto(l));
    }

    fn jump(&mut self, o: u16, k: u32, t: Label, f: Label) {
        self.end(Term::Jump {
            code: op::JMP | o | op::K,
            k,
            t,
            f,
        });
    }

    fn jump_x(&mut self, o: u16, t: Label, f: Label) {
        self.end(Term::Jump {
            code: op::JMP | o | op::X,
            k: 0,
            t,
            f,
        });
    }

    /// Rejects the packet here (a load no packet can satisfy).
    fn abort(&mut self) {
        let r = self.reject;
        self.goto(r);
    }

    fn ld_abs(&mut self, size: u16, off: u32) -> R<()> {
        if u64::from(off) > MAX_OFF {
            self.abort();
            return Ok(());
        }
        self.stmt(op::LD | size | op::ABS, off)
    }

    fn alloc(&mut self) -> R<u32> {
        if self.scratch >= MEMWORDS {
            return Err(BpfError::OutOfScratch);
        }
        self.scratch += 1;
        u32::try_from(self.scratch - 1).map_err(|_| BpfError::OutOfScratch)
    }

    fn free(&mut self) {
        self.scratch = self.scratch.saturating_sub(1);
    }

    fn enter(&mut self) -> R<()> {
        self.depth += 1;
        if self.depth > MAX_COMPILE_DEPTH {
            return Err(BpfError::TooDeep);
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    fn pl(&self, shift: u32) -> u32 {
        self.link.payload_offset().wrapping_add(shift)
    }

    /// Code that goes to `t` when `e` holds, to `f` when not.
    fn expr(&mut self, e: &Expr, t: Label, f: Label) -> R<()> {
        self.enter()?;
        match e {
            Expr::And(..) | Expr::Or(..) => {
                let and = matches!(e, Expr::And(..));
                let items = spine(e, and);
                let n = items.len();
                for (i, x) in items.into_iter().enumerate() {
                    if i + 1 == n {
                        self.expr(x, t, f)?;
                    } else {
                        let next = self.label();
                        if and {
                            self.expr(x, next, f)?;
                        } else {
                            self.expr(x, t, next)?;
                        }
                        self.place(next);
                    }
                }
            }
            Expr::Not(a) => self.expr(a, f, t)?,
            Expr::Xor(a, b) => {
                let (at, af) = (self.label(), self.label());
                self.expr(a, at, af)?;
                let m = self.alloc()?;
                let lb = self.label();
                self.place(at);
                self.stmt(op::LD | op::IMM, 1)?;
                self.stmt(op::ST, m)?;
                self.goto(lb);
                self.place(af);
                self.stmt(op::LD | op::IMM, 0)?;
                self.stmt(op::ST, m)?;
                self.place(lb);
                let (bt, bf) = (self.label(), self.label());
                self.expr(b, bt, bf)?;
                // b true: a must be false; b false: a must be true.
                self.place(bt);
                self.stmt(op::LD | op::MEM, m)?;
                self.jump(op::JEQ, 0, t, f);
                self.place(bf);
                self.stmt(op::LD | op::MEM, m)?;
                self.jump(op::JEQ, 0, f, t);
                self.free();
            }
            Expr::Atom(a, s) => self.atom(a, *s, t, f)?,
            Expr::Display(d) => {
                let name = display_field(d);
                if !self.user.contains(&name) {
                    self.user.push(name);
                }
                if f == self.reject {
                    self.goto(t);
                } else if t == self.reject {
                    self.goto(f);
                } else {
                    let a = self.accept;
                    self.goto(a);
                }
            }
        }
        self.leave();
        Ok(())
    }

    /// libpcap's `gen_linktype`, as the evaluator's `link_type`.
    fn link_type(&mut self, v: u16, shift: u32, t: Label, f: Label) -> R<()> {
        match self.link {
            FilterLink::Raw => match v {
                0x0800 | 0x86dd => {
                    self.ld_abs(op::B, 0)?;
                    self.stmt(op::ALU | op::AND | op::K, 0xf0)?;
                    self.jump(op::JEQ, if v == 0x0800 { 0x40 } else { 0x60 }, t, f);
                }
                _ => self.goto(f),
            },
            FilterLink::Ipv4 => self.goto(if v == 0x0800 { t } else { f }),
            FilterLink::Ipv6 => self.goto(if v == 0x86dd { t } else { f }),
            FilterLink::Ether | FilterLink::Sll | FilterLink::Sll2 => {
                let off = self.link.type_offset().unwrap_or(0).wrapping_add(shift);
                let pl = self.pl(shift);
                self.ld_abs(op::H, off)?;
                if v > 1500 {
                    self.jump(op::JEQ, u32::from(v), t, f);
                    return Ok(());
                }
                let llc = self.label();
                if self.link == FilterLink::Ether {
                    self.jump(op::JGT, 1500, f, llc);
                } else {
                    self.jump(op::JEQ, 4, llc, f);
                }
                self.place(llc);
                if matches!(v, 0x06 | 0x42 | 0xfe) {
                    self.ld_abs(op::H, pl)?;
                    self.jump(op::JEQ, u32::from(v) << 8 | u32::from(v), t, f);
                } else {
                    self.ld_abs(op::B, pl)?;
                    self.jump(op::JEQ, u32::from(v), t, f);
                }
            }
        }
        Ok(())
    }

    /// `ldxb 4*([pl]&0xf)`.
    fn msh(&mut self, pl: u32) -> R<()> {
        if u64::from(pl) > MAX_OFF {
            self.abort();
            return Ok(());
        }
        self.stmt(op::LDX | op::B | op::MSH, pl)
    }

    /// A load at X (the IPv4 header length, at most 60) plus `k`.
    fn ld_x(&mut self, size: u16, k: u32) -> R<()> {
        if u64::from(k) + 60 > MAX_OFF {
            return Err(BpfError::Offset(u64::from(k)));
        }
        self.stmt(op::LD | size | op::IND, k)
    }

    /// The port(s) at `base` (absolute, or from X) are in `lo..=hi`.
    fn ports(
        &mut self,
        ind: bool,
        base: u32,
        dir: Dir,
        range: (u16, u16),
        t: Label,
        f: Label,
    ) -> R<()> {
        let (lo, hi) = range;
        let inr = |g: &mut Gen, off: u32, t: Label, f: Label| -> R<()> {
            let at = base.wrapping_add(off);
            if ind {
                g.ld_x(op::H, at)?;
            } else {
                g.ld_abs(op::H, at)?;
            }
            if lo == hi {
                g.jump(op::JEQ, u32::from(lo), t, f);
            } else {
                let l = g.label();
                g.jump(op::JGE, u32::from(lo), l, f);
                g.place(l);
                g.jump(op::JGT, u32::from(hi), f, t);
            }
            Ok(())
        };
        match dir {
            Dir::Src => inr(self, 0, t, f)?,
            Dir::Dst => inr(self, 2, t, f)?,
            Dir::Either => {
                let l = self.label();
                inr(self, 0, t, l)?;
                self.place(l);
                inr(self, 2, t, f)?;
            }
            Dir::Both => {
                let l = self.label();
                inr(self, 0, l, f)?;
                self.place(l);
                inr(self, 2, t, f)?;
            }
        }
        Ok(())
    }

    fn ether_at(&mut self, off: u32, mac: [u8; 6], t: Label, f: Label) -> R<()> {
        let w = u32::from_be_bytes([mac[2], mac[3], mac[4], mac[5]]);
        let h = u32::from(u16::from_be_bytes([mac[0], mac[1]]));
        let l = self.label();
        self.ld_abs(op::W, off + 2)?;
        self.jump(op::JEQ, w, l, f);
        self.place(l);
        self.ld_abs(op::H, off)?;
        self.jump(op::JEQ, h, t, f);
        Ok(())
    }

    fn atom(&mut self, a: &Atom, shift: u32, t: Label, f: Label) -> R<()> {
        let pl = self.pl(shift);
        let is_ether = self.link == FilterLink::Ether;
        match *a {
            Atom::True => self.goto(t),
            Atom::False => self.goto(f),
            Atom::LinkType(v) => self.link_type(v, shift, t, f)?,
            Atom::Proto4(v) => {
                self.ld_abs(op::B, pl.wrapping_add(9))?;
                self.jump(op::JEQ, u32::from(v), t, f);
            }
            Atom::Proto6(v) => {
                // (nh == 44 && frag.nh == v) || nh == v
                let (frag, plain) = (self.label(), self.label());
                self.ld_abs(op::B, pl.wrapping_add(6))?;
                self.jump(op::JEQ, 44, frag, plain);
                self.place(frag);
                self.ld_abs(op::B, pl.wrapping_add(40))?;
                self.jump(op::JEQ, u32::from(v), t, plain);
                self.place(plain);
                self.ld_abs(op::B, pl.wrapping_add(6))?;
                self.jump(op::JEQ, u32::from(v), t, f);
            }
            Atom::NotFrag4 => {
                self.ld_abs(op::H, pl.wrapping_add(6))?;
                self.jump(op::JSET, 0x1fff, f, t);
            }
            Atom::Word { off, value, mask } => {
                self.ld_abs(op::W, pl.wrapping_add(off))?;
                if mask != u32::MAX {
                    self.stmt(op::ALU | op::AND | op::K, mask)?;
                }
                self.jump(op::JEQ, value, t, f);
            }
            Atom::Addr6 { off, addr, mask } => {
                for i in 0..4usize {
                    let word = |b: &[u8; 16]| {
                        b.get(4 * i..4 * i + 4)
                            .map_or(0, |w| w.iter().fold(0u32, |a, &x| (a << 8) | u32::from(x)))
                    };
                    let (want, m) = (word(&addr), word(&mask));
                    let at = pl.wrapping_add(off).wrapping_add(4 * i as u32);
                    self.ld_abs(op::W, at)?;
                    if m != u32::MAX {
                        self.stmt(op::ALU | op::AND | op::K, m)?;
                    }
                    if i == 3 {
                        self.jump(op::JEQ, want, t, f);
                    } else {
                        let l = self.label();
                        self.jump(op::JEQ, want, l, f);
                        self.place(l);
                    }
                }
            }
            Atom::Port4 { proto, dir, lo, hi } => {
                let (l1, l2) = (self.label(), self.label());
                self.ld_abs(op::B, pl.wrapping_add(9))?;
                self.jump(op::JEQ, u32::from(proto), l1, f);
                self.place(l1);
                self.ld_abs(op::H, pl.wrapping_add(6))?;
                self.jump(op::JSET, 0x1fff, f, l2);
                self.place(l2);
                self.msh(pl)?;
                self.ports(true, pl, dir, (lo, hi), t, f)?;
            }
            Atom::Port6 { proto, dir, lo, hi } => {
                let l = self.label();
                self.ld_abs(op::B, pl.wrapping_add(6))?;
                self.jump(op::JEQ, u32::from(proto), l, f);
                self.place(l);
                self.ports(false, pl.wrapping_add(40), dir, (lo, hi), t, f)?;
            }
            Atom::EtherAddr { dir, mac } => {
                if !is_ether {
                    self.goto(f);
                    return Ok(());
                }
                match dir {
                    Dir::Src => self.ether_at(6, mac, t, f)?,
                    Dir::Dst => self.ether_at(0, mac, t, f)?,
                    Dir::Either => {
                        let l = self.label();
                        self.ether_at(6, mac, t, l)?;
                        self.place(l);
                        self.ether_at(0, mac, t, f)?;
                    }
                    Dir::Both => {
                        let l = self.label();
                        self.ether_at(6, mac, l, f)?;
                        self.place(l);
                        self.ether_at(0, mac, t, f)?;
                    }
                }
            }
            Atom::EtherMulticast => {
                if !is_ether {
                    self.goto(f);
                    return Ok(());
                }
                self.ld_abs(op::B, 0)?;
                self.jump(op::JSET, 1, t, f);
            }
            Atom::IpMulticast => {
                self.ld_abs(op::B, pl.wrapping_add(16))?;
                self.jump(op::JGE, 224, t, f);
            }
            Atom::Ip6Multicast => {
                self.ld_abs(op::B, pl.wrapping_add(24))?;
                self.jump(op::JEQ, 255, t, f);
            }
            Atom::IpBroadcast { hostmask } => {
                self.ld_abs(op::W, pl.wrapping_add(16))?;
                if hostmask != u32::MAX {
                    self.stmt(op::ALU | op::AND | op::K, hostmask)?;
                }
                let l = self.label();
                self.jump(op::JEQ, 0, t, l);
                self.place(l);
                self.jump(op::JEQ, hostmask, t, f);
            }
            Atom::VlanId(id) => {
                if !is_ether {
                    self.goto(f);
                    return Ok(());
                }
                self.ld_abs(op::H, pl)?;
                self.stmt(op::ALU | op::AND | op::K, 0x0fff)?;
                self.jump(op::JEQ, u32::from(id), t, f);
            }
            Atom::Rel(rel, ref x, ref y) => {
                let (l1, l2) = (self.label(), self.label());
                self.conds(x, shift, l1, f)?;
                self.place(l1);
                self.conds(y, shift, l2, f)?;
                self.place(l2);
                self.value(x, shift)?;
                let (o, swap) = match rel {
                    RelOp::Eq => (op::JEQ, false),
                    RelOp::Ne => (op::JEQ, true),
                    RelOp::Gt => (op::JGT, false),
                    RelOp::Ge => (op::JGE, false),
                    RelOp::Lt => (op::JGE, true),
                    RelOp::Le => (op::JGT, true),
                };
                let (tt, ff) = if swap { (f, t) } else { (t, f) };
                if let Arith::Num(k) = *y {
                    self.jump(o, k, tt, ff);
                } else {
                    let m = self.alloc()?;
                    self.stmt(op::ST, m)?;
                    self.value(y, shift)?;
                    self.stmt(op::MISC | op::TAX, 0)?;
                    self.stmt(op::LD | op::MEM, m)?;
                    self.free();
                    self.jump_x(o, tt, ff);
                }
            }
        }
        Ok(())
    }

    /// The conditions of an arithmetic expression's loads (the evaluator's `conds`).
    fn conds(&mut self, a: &Arith, shift: u32, t: Label, f: Label) -> R<()> {
        self.enter()?;
        let pl = self.pl(shift);
        match a {
            Arith::Num(_) | Arith::Len => self.goto(t),
            Arith::Neg(x) => self.conds(x, shift, t, f)?,
            Arith::Bin(_, x, y) => {
                let l = self.label();
                self.conds(x, shift, l, f)?;
                self.place(l);
                self.conds(y, shift, t, f)?;
            }
            Arith::Load { base, off, .. } => match *base {
                LoadBase::Link => self.conds(off, shift, t, f)?,
                LoadBase::Net(v) => {
                    let l = self.label();
                    self.conds(off, shift, l, f)?;
                    self.place(l);
                    self.link_type(v, shift, t, f)?;
                }
                LoadBase::Trans4(proto) => {
                    let (l1, l2, l3) = (self.label(), self.label(), self.label());
                    self.link_type(0x0800, shift, l1, f)?;
                    self.place(l1);
                    self.conds(off, shift, l2, f)?;
                    self.place(l2);
                    self.ld_abs(op::B, pl.wrapping_add(9))?;
                    self.jump(op::JEQ, u32::from(proto), l3, f);
                    self.place(l3);
                    self.ld_abs(op::H, pl.wrapping_add(6))?;
                    self.jump(op::JSET, 0x1fff, f, t);
                }
                LoadBase::Icmp6 => {
                    let (l1, l2) = (self.label(), self.label());
                    self.conds(off, shift, l1, f)?;
                    self.place(l1);
                    self.link_type(0x86dd, shift, l2, f)?;
                    self.place(l2);
                    self.ld_abs(op::B, pl.wrapping_add(6))?;
                    self.jump(op::JEQ, 58, t, f);
                }
            },
        }
        self.leave();
        Ok(())
    }

    /// Code that leaves the value of `a` in A (the evaluator's `value`).
    fn value(&mut self, a: &Arith, shift: u32) -> R<()> {
        self.enter()?;
        let pl = self.pl(shift);
        match a {
            Arith::Num(n) => self.stmt(op::LD | op::IMM, *n)?,
            Arith::Len => self.stmt(op::LD | op::W | op::LEN, 0)?,
            Arith::Neg(x) => {
                self.value(x, shift)?;
                self.stmt(op::ALU | op::NEG, 0)?;
            }
            Arith::Bin(o, x, y) => {
                self.value(x, shift)?;
                let code = alu_code(*o);
                match (&**y, o) {
                    (Arith::Num(k), ArOp::Shl | ArOp::Shr) if *k >= 32 => {
                        self.stmt(op::LD | op::IMM, 0)?;
                    }
                    (Arith::Num(0), ArOp::Div | ArOp::Mod) => self.abort(),
                    (Arith::Num(k), _) => self.stmt(op::ALU | code | op::K, *k)?,
                    _ => {
                        let m = self.alloc()?;
                        self.stmt(op::ST, m)?;
                        self.value(y, shift)?;
                        if matches!(o, ArOp::Shl | ArOp::Shr) {
                            // libpcap shifts by 32 or more to 0; the kernel would mask.
                            let (big, small, join) = (self.label(), self.label(), self.label());
                            self.jump(op::JGE, 32, big, small);
                            self.place(big);
                            self.stmt(op::LD | op::IMM, 0)?;
                            self.goto(join);
                            self.place(small);
                            self.stmt(op::MISC | op::TAX, 0)?;
                            self.stmt(op::LD | op::MEM, m)?;
                            self.stmt(op::ALU | code | op::X, 0)?;
                            self.place(join);
                        } else {
                            self.stmt(op::MISC | op::TAX, 0)?;
                            self.stmt(op::LD | op::MEM, m)?;
                            self.stmt(op::ALU | code | op::X, 0)?;
                        }
                        self.free();
                    }
                }
            }
            Arith::Load { base, off, size } => {
                let sz = size_code(*size)?;
                // Constant offsets are folded into the load, wrapping, as libpcap's
                // optimiser folds them (see `LoadBase`).
                if let Some(o) = off.const_value() {
                    match *base {
                        LoadBase::Link => self.ld_abs(sz, o)?,
                        LoadBase::Net(_) => self.ld_abs(sz, pl.wrapping_add(o))?,
                        LoadBase::Icmp6 => {
                            self.ld_abs(sz, pl.wrapping_add(40).wrapping_add(o))?;
                        }
                        LoadBase::Trans4(_) => {
                            let k = pl.wrapping_add(o);
                            if u64::from(k) + 60 <= MAX_OFF {
                                self.msh(pl)?;
                                self.ld_x(sz, k)?;
                            } else {
                                // `ld [x + k]` with k past any packet: always rejects.
                                self.abort();
                            }
                        }
                    }
                } else {
                    self.value(off, shift)?;
                    self.var_load(*base, sz, pl)?;
                }
            }
        }
        self.leave();
        Ok(())
    }

    /// A load at the offset computed in A from `base`, as libpcap's `ld [x + k]` does it:
    /// the sum must not overflow (nor, for the kernel, reach 2^31), else the packet is
    /// rejected. A transport load first adds the IPv4 header length to A, wrapping.
    fn var_load(&mut self, base: LoadBase, sz: u16, pl: u32) -> R<()> {
        let k = match base {
            LoadBase::Link => 0,
            LoadBase::Net(_) => pl,
            LoadBase::Icmp6 => pl.wrapping_add(40),
            LoadBase::Trans4(_) => {
                self.msh(pl)?;
                self.stmt(op::ALU | op::ADD | op::X, 0)?;
                pl
            }
        };
        if u64::from(k) + 4 > MAX_OFF {
            self.abort();
            return Ok(());
        }
        let (r, l) = (self.reject, self.label());
        self.jump(op::JGE, 0x8000_0000 - k, r, l);
        self.place(l);
        self.stmt(op::MISC | op::TAX, 0)?;
        self.stmt(op::LD | sz | op::IND, k)
    }
}

fn display_field(d: &Display) -> &'static str {
    match d {
        Display::Present(r)
        | Display::Cmp(r, ..)
        | Display::In(r, _)
        | Display::Contains(r, _)
        | Display::Matches(r, _)
        | Display::BitAnd(r, _) => r.def.name,
        Display::Proto(p) => p,
    }
}

/// Lays the blocks out in order: labels of empty blocks that only jump on are followed,
/// unreachable blocks dropped, jumps to the next instruction left out, far conditional
/// jumps sent through `ja` (or a copy of a `ret`).
fn layout(blocks: &[Block], labels: usize, entry: Label) -> R<Vec<Insn>> {
    // Block index of each label.
    let mut at: Vec<Option<usize>> = vec![None; labels];
    for (i, b) in blocks.iter().enumerate() {
        let slot = at
            .get_mut(b.label.0)
            .ok_or(BpfError::Internal("label out of range"))?;
        if slot.is_some() {
            return Err(BpfError::Internal("label placed twice"));
        }
        *slot = Some(i);
    }
    let index = |l: Label| -> R<usize> {
        at.get(l.0)
            .copied()
            .flatten()
            .ok_or(BpfError::Internal("label never placed"))
    };
    // Follow empty goto blocks (they only go forward, so resolve from the end).
    let mut target: Vec<usize> = (0..blocks.len()).collect();
    for i in (0..blocks.len()).rev() {
        if let Some(b) = blocks.get(i) {
            if let (true, Term::Goto(l)) = (b.insns.is_empty(), b.term) {
                let j = index(l)?;
                if j <= i {
                    return Err(BpfError::Internal("backward jump"));
                }
                let tj = target.get(j).copied().unwrap_or(j);
                if let Some(s) = target.get_mut(i) {
                    *s = tj;
                }
            }
        }
    }
    let resolve = |l: Label| -> R<usize> {
        let i = index(l)?;
        Ok(target.get(i).copied().unwrap_or(i))
    };
    // Reachability, in order (every jump goes forward).
    let mut live = vec![false; blocks.len()];
    let start = resolve(entry)?;
    if let Some(s) = live.get_mut(start) {
        *s = true;
    }
    for i in 0..blocks.len() {
        if !live.get(i).copied().unwrap_or(false) {
            continue;
        }
        let Some(b) = blocks.get(i) else { continue };
        let succ: Vec<Label> = match b.term {
            Term::Ret(_) => vec![],
            Term::Goto(l) => vec![l],
            Term::Jump { t, f, .. } => vec![t, f],
        };
        for l in succ {
            let j = resolve(l)?;
            if j <= i {
                return Err(BpfError::Internal("backward jump"));
            }
            if let Some(s) = live.get_mut(j) {
                *s = true;
            }
        }
    }
    // The kept blocks, with their successors as positions in `kept`.
    let kept: Vec<usize> = (0..blocks.len())
        .filter(|&i| {
            live.get(i).copied().unwrap_or(false)
                && blocks
                    .get(i)
                    .is_some_and(|b| !(b.insns.is_empty() && matches!(b.term, Term::Goto(_))))
        })
        .collect();
    let mut pos_of = vec![usize::MAX; blocks.len()];
    for (n, &i) in kept.iter().enumerate() {
        if let Some(p) = pos_of.get_mut(i) {
            *p = n;
        }
    }
    let kidx = |l: Label| -> R<usize> {
        let i = resolve(l)?;
        match pos_of.get(i).copied() {
            Some(p) if p != usize::MAX => Ok(p),
            _ => Err(BpfError::Internal("jump to a dropped block")),
        }
    };
    #[derive(Clone, Copy)]
    enum T {
        Ret(u32),
        Goto(usize),
        Jump {
            code: u16,
            k: u32,
            t: usize,
            f: usize,
        },
    }
    let mut terms = Vec::with_capacity(kept.len());
    for &i in &kept {
        let b = blocks.get(i).ok_or(BpfError::Internal("block"))?;
        terms.push(match b.term {
            Term::Ret(k) => T::Ret(k),
            Term::Goto(l) => T::Goto(kidx(l)?),
            Term::Jump { code, k, t, f } => {
                let (t, f) = (kidx(t)?, kidx(f)?);
                if t == f {
                    T::Goto(t)
                } else {
                    T::Jump { code, k, t, f }
                }
            }
        });
    }
    // A kept block that is a lone ret: far jumps to it copy the ret.
    let lone_ret = |n: usize| -> Option<u32> {
        let b = kept.get(n).and_then(|&i| blocks.get(i))?;
        match (b.insns.is_empty(), terms.get(n)) {
            (true, Some(T::Ret(k))) => Some(*k),
            _ => None,
        }
    };
    let mut far = vec![(false, false); kept.len()];
    let mut starts = vec![0usize; kept.len() + 1];
    // Each round only adds trampolines, at most two per block.
    for _round in 0..=2 * kept.len() + 1 {
        let mut p = 0usize;
        for n in 0..kept.len() {
            if let Some(s) = starts.get_mut(n) {
                *s = p;
            }
            let b = kept.get(n).and_then(|&i| blocks.get(i));
            p += b.map_or(0, |b| b.insns.len());
            p += match terms.get(n) {
                Some(T::Ret(_)) => 1,
                Some(T::Goto(to)) => usize::from(*to != n + 1),
                Some(T::Jump { .. }) => {
                    let (ft, ff) = far.get(n).copied().unwrap_or((false, false));
                    1 + usize::from(ft) + usize::from(ff)
                }
                None => 0,
            };
        }
        if let Some(s) = starts.get_mut(kept.len()) {
            *s = p;
        }
        if p > 8 * MAX_INSNS {
            return Err(BpfError::TooLong { insns: p });
        }
        let mut changed = false;
        for n in 0..kept.len() {
            if let Some(T::Jump { t, f, .. }) = terms.get(n).copied() {
                let b = kept.get(n).and_then(|&i| blocks.get(i));
                let jpos = starts.get(n).copied().unwrap_or(0) + b.map_or(0, |b| b.insns.len());
                let dist = |to: usize| {
                    starts
                        .get(to)
                        .copied()
                        .unwrap_or(0)
                        .saturating_sub(jpos + 1)
                };
                let cur = far.get(n).copied().unwrap_or((false, false));
                let want = (cur.0 || dist(t) > 255, cur.1 || dist(f) > 255);
                if want != cur {
                    if let Some(s) = far.get_mut(n) {
                        *s = want;
                    }
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    // Emit.
    let mut out = Vec::new();
    for n in 0..kept.len() {
        let b = kept
            .get(n)
            .and_then(|&i| blocks.get(i))
            .ok_or(BpfError::Internal("block"))?;
        out.extend_from_slice(&b.insns);
        let here = out.len();
        let start_of = |to: usize| starts.get(to).copied().unwrap_or(0);
        match terms.get(n).copied() {
            Some(T::Ret(k)) => out.push(Insn::stmt(op::RET | op::K, k)),
            Some(T::Goto(to)) if to != n + 1 => {
                let d = start_of(to)
                    .checked_sub(here + 1)
                    .ok_or(BpfError::Internal("backward ja"))?;
                out.push(Insn::stmt(
                    op::JMP | op::JA,
                    u32::try_from(d).map_err(|_| BpfError::Internal("ja"))?,
                ));
            }
            Some(T::Goto(_)) => {}
            Some(T::Jump { code, k, t, f }) => {
                let (ft, ff) = far.get(n).copied().unwrap_or((false, false));
                let tramp_t = here + 1;
                let tramp_f = here + 1 + usize::from(ft);
                let off = |dest: usize| -> R<u8> {
                    dest.checked_sub(here + 1)
                        .and_then(|d| u8::try_from(d).ok())
                        .ok_or(BpfError::Internal("jump offset"))
                };
                let jt = if ft { off(tramp_t)? } else { off(start_of(t))? };
                let jf = if ff { off(tramp_f)? } else { off(start_of(f))? };
                out.push(Insn::jump(code, k, jt, jf));
                for (is_far, to, tp) in [(ft, t, tramp_t), (ff, f, tramp_f)] {
                    if !is_far {
                        continue;
                    }
                    match lone_ret(to) {
                        Some(k) => out.push(Insn::stmt(op::RET | op::K, k)),
                        None => {
                            let d = start_of(to)
                                .checked_sub(tp + 1)
                                .ok_or(BpfError::Internal("backward ja"))?;
                            out.push(Insn::stmt(
                                op::JMP | op::JA,
                                u32::try_from(d).map_err(|_| BpfError::Internal("ja"))?,
                            ));
                        }
                    }
                }
            }
            None => {}
        }
    }
    if out.len() != starts.get(kept.len()).copied().unwrap_or(0) {
        return Err(BpfError::Internal("layout length"));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filter::Filter;

    fn prog(e: &str, link: FilterLink) -> BpfProgram {
        let f = Filter::new(e).unwrap();
        compile(f.expr(), link).unwrap()
    }

    #[test]
    fn image_matches_tcpdump_for_each_kind() {
        let cases: &[(Insn, &str)] = &[
            (Insn::stmt(0x28, 12), "(000) ldh      [12]"),
            (
                Insn::jump(0x15, 0x800, 0, 1),
                "(000) jeq      #0x800           jt 1\tjf 2",
            ),
            (Insn::stmt(0x06, 262144), "(000) ret      #262144"),
            (Insn::stmt(0x16, 0), "(000) ret      "),
            (Insn::stmt(0xb1, 14), "(000) ldxb     4*([14]&0xf)"),
            (Insn::stmt(0x48, 16), "(000) ldh      [x + 16]"),
            (Insn::stmt(0x80, 0), "(000) ld       #pktlen"),
            (Insn::stmt(0x07, 0), "(000) tax      "),
            (Insn::stmt(0x60, 4), "(000) ld       M[4]"),
            (Insn::stmt(0x02, 1), "(000) st       M[1]"),
            (Insn::stmt(0x3c, 0), "(000) div      x"),
            (Insn::stmt(0x14, 3), "(000) sub      #3"),
            (Insn::stmt(0x54, 0x1fff), "(000) and      #0x1fff"),
            (Insn::stmt(0x05, 3), "(000) ja       4"),
            (
                Insn::jump(0x2d, 0, 0, 1),
                "(000) jgt      x                jt 1\tjf 2",
            ),
            (Insn::stmt(0x20, 0xffff_f000), "(000) ld       [proto]"),
            (Insn::stmt(0x20, 0xffff_fff0), "(000) ld       [-16]"),
            (Insn::stmt(0xffff, 0), "(000) unimp    0xffff"),
        ];
        for (i, want) in cases {
            assert_eq!(image(i, 0), *want);
        }
        assert_eq!(
            c_array(&[Insn::stmt(0x28, 12)]),
            "{ 0x28, 0, 0, 0x0000000c },\n"
        );
        assert_eq!(decimal(&[Insn::stmt(0x28, 12)]), "1\n40 0 0 12\n");
        assert_eq!(
            parse_decimal("1\n40 0 0 12\n"),
            Ok(vec![Insn::stmt(0x28, 12)])
        );
        assert!(parse_decimal("2\n40 0 0 12\n").is_err());
        assert!(parse_decimal("x").is_err());
    }

    #[test]
    fn simple_programs() {
        let p = prog("ip", FilterLink::Ether);
        assert_eq!(
            p.image(),
            "(000) ldh      [12]\n(001) jeq      #0x800           jt 2\tjf 3\n\
             (002) ret      #262144\n(003) ret      #0\n"
        );
        // Raw IP tests the version nibble; IPv4-only links need no test.
        let p = prog("ip", FilterLink::Raw);
        assert_eq!(p.len(), 5);
        assert_eq!(prog("ip", FilterLink::Ipv4).len(), 1);
        assert_eq!(prog("ip6", FilterLink::Ipv4).insns(), &[Insn::stmt(6, 0)]);
    }

    #[test]
    fn long_jumps() {
        // Far enough apart that some conditional jumps need a trampoline.
        let e = (0..60)
            .map(|i| format!("ip[{i}] = {i}"))
            .collect::<Vec<_>>()
            .join(" or ");
        let p = prog(&format!("({e}) and ({e})"), FilterLink::Ether);
        assert!(p.len() > 256);
        assert!(crate::filter::vm::validate(p.insns()).is_ok());
        let mut pkt = vec![0u8; 100];
        pkt[12] = 8;
        assert_ne!(p.run(&pkt, 100), 0);
        pkt[14] = 1;
        assert_eq!(p.run(&pkt, 100), 0);
    }

    #[test]
    fn too_long_and_too_deep() {
        let e = (0..1000)
            .map(|i| format!("ip[{i}] = 1"))
            .collect::<Vec<_>>()
            .join(" or ");
        let f = Filter::new(&e).unwrap();
        assert!(matches!(
            compile(f.expr(), FilterLink::Ether),
            Err(BpfError::TooLong { .. })
        ));
        let e = vec!["len = 1"; 1200].join(" and ");
        let f = Filter::new(&e).unwrap();
        // A long chain of one operator is followed without nesting; far jumps to `ret #0`
        // get a copy of it.
        let p = compile(f.expr(), FilterLink::Ether).unwrap();
        assert!(p.len() > 2400 && p.len() <= MAX_INSNS);
        assert_ne!(p.run(&[0; 1], 1), 0);
        assert_eq!(p.run(&[0; 2], 2), 0);
        let mut deep = Expr::Atom(Atom::True, 0);
        for _ in 0..2 * MAX_COMPILE_DEPTH {
            deep = Expr::Not(Box::new(deep));
        }
        assert_eq!(compile(&deep, FilterLink::Ether), Err(BpfError::TooDeep));
    }
}
