//! A classic BPF interpreter: runs a `struct sock_filter` program on one packet exactly as
//! libpcap's `bpf_filter.c` does (`pcap_filter`), after checking it as `bpf_validate` does.
//!
//! ```
//! use pktforge::filter::bpf::{Insn, op};
//! use pktforge::filter::vm::Vm;
//!
//! // ldh [12]; jeq #0x800 jt 2 jf 3; ret #262144; ret #0  (tcpdump -d ip)
//! let prog = [
//!     Insn::stmt(op::LD | op::H | op::ABS, 12),
//!     Insn::jump(op::JMP | op::JEQ | op::K, 0x800, 0, 1),
//!     Insn::stmt(op::RET | op::K, 262144),
//!     Insn::stmt(op::RET | op::K, 0),
//! ];
//! let vm = Vm::new(&prog).unwrap();
//! let mut frame = [0u8; 60];
//! frame[12] = 0x08;
//! assert_eq!(vm.run(&frame, 60), 262144);
//! assert_eq!(vm.run(&frame[..13], 60), 0); // the load runs past the captured bytes
//! ```
//!
//! The contract, for any program and any bytes: [`validate`] accepts or refuses, and
//! [`Vm::run`] returns, without panicking, after at most one step per instruction (jumps only
//! go forward). A load past the captured bytes, a division or remainder by zero return 0,
//! as in libpcap and the Linux kernel. Shifts by 32 or more give 0, as libpcap's
//! `lsh x`/`rsh x` (the Linux kernel masks a shift count in `x` to 5 bits and refuses `lsh
//! #k` with k ≥ 32; the compiler in [`super::bpf`] emits neither). Offsets are read as
//! unsigned: the Linux kernel's negative offsets (`SKF_AD_OFF`, `SKF_LL_OFF`) are loads past
//! the end here, as in libpcap.

use std::fmt;

use super::bpf::{Insn, MAX_INSNS, MEMWORDS, op};

/// Why a program cannot run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InvalidProgram {
    /// No instructions.
    Empty,
    /// More than [`MAX_INSNS`] instructions.
    TooLong(usize),
    /// An opcode the interpreter does not know.
    BadOpcode {
        /// Instruction index.
        at: usize,
        /// The opcode.
        code: u16,
    },
    /// A jump past the last instruction.
    JumpOutOfRange {
        /// Instruction index.
        at: usize,
    },
    /// A scratch-memory index of 16 or more.
    BadMemIndex {
        /// Instruction index.
        at: usize,
    },
    /// `div #0` or `mod #0`.
    DivisionByZero {
        /// Instruction index.
        at: usize,
    },
    /// The last instruction is not a `ret`.
    NoFinalReturn,
}

impl fmt::Display for InvalidProgram {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InvalidProgram::Empty => f.write_str("the program has no instructions"),
            InvalidProgram::TooLong(n) => {
                write!(f, "the program has {n} instructions; at most {MAX_INSNS}")
            }
            InvalidProgram::BadOpcode { at, code } => {
                write!(f, "instruction {at}: unknown opcode 0x{code:x}")
            }
            InvalidProgram::JumpOutOfRange { at } => {
                write!(f, "instruction {at}: jump past the end of the program")
            }
            InvalidProgram::BadMemIndex { at } => {
                write!(
                    f,
                    "instruction {at}: scratch memory index past M[{}]",
                    MEMWORDS - 1
                )
            }
            InvalidProgram::DivisionByZero { at } => {
                write!(f, "instruction {at}: division by the constant 0")
            }
            InvalidProgram::NoFinalReturn => f.write_str("the program does not end with ret"),
        }
    }
}

impl std::error::Error for InvalidProgram {}

/// Whether the interpreter knows `code` (the opcodes of libpcap's `pcap_filter`).
fn known(code: u16) -> bool {
    use op::*;
    matches!(
        code,
        0x06 | 0x16 // ret k, ret a
            | 0x20 | 0x28 | 0x30 // ld/ldh/ldb abs
            | 0x40 | 0x48 | 0x50 // ld/ldh/ldb ind
            | 0x80 | 0x81 // ld len, ldx len
            | 0x00 | 0x01 // ld imm, ldx imm
            | 0xb1 // ldxb msh
            | 0x60 | 0x61 // ld mem, ldx mem
            | 0x02 | 0x03 // st, stx
            | 0x05 // ja
            | 0x15 | 0x25 | 0x35 | 0x45 | 0x1d | 0x2d | 0x3d | 0x4d // jumps
            | 0x84 // neg
            | 0x07 | 0x87 // tax, txa
    ) || code & 0x07 == ALU
        && code & !0xff == 0
        && code != ALU | NEG | X
        && matches!(
            code & 0xf0,
            ADD | SUB | MUL | DIV | OR | AND | LSH | RSH | MOD | XOR
        )
}

/// Checks a program as libpcap's `bpf_validate` does, with forward-only jumps as the Linux
/// kernel wants them: every opcode known, every jump inside the program, scratch indices
/// below 16, no division by the constant 0, a `ret` last.
pub fn validate(prog: &[Insn]) -> Result<(), InvalidProgram> {
    if prog.is_empty() {
        return Err(InvalidProgram::Empty);
    }
    if prog.len() > MAX_INSNS {
        return Err(InvalidProgram::TooLong(prog.len()));
    }
    let len = prog.len() as u64;
    for (at, p) in prog.iter().enumerate() {
        if !known(p.code) {
            return Err(InvalidProgram::BadOpcode { at, code: p.code });
        }
        let from = at as u64 + 1;
        match p.code & 0x07 {
            op::LD | op::LDX if p.code & 0xe0 == op::MEM && p.k >= MEMWORDS as u32 => {
                return Err(InvalidProgram::BadMemIndex { at });
            }
            op::ST | op::STX if p.k >= MEMWORDS as u32 => {
                return Err(InvalidProgram::BadMemIndex { at });
            }
            op::ALU
                if matches!(p.code & 0xf0, op::DIV | op::MOD)
                    && p.code & op::X == 0
                    && p.k == 0 =>
            {
                return Err(InvalidProgram::DivisionByZero { at });
            }
            op::JMP => {
                let ok = if p.code == op::JMP | op::JA {
                    from + u64::from(p.k) < len
                } else {
                    from + u64::from(p.jt) < len && from + u64::from(p.jf) < len
                };
                if !ok {
                    return Err(InvalidProgram::JumpOutOfRange { at });
                }
            }
            _ => {}
        }
    }
    match prog.last() {
        Some(p) if p.code & 0x07 == op::RET => Ok(()),
        _ => Err(InvalidProgram::NoFinalReturn),
    }
}

/// A validated program, ready to run on packets.
#[derive(Debug, Clone, Copy)]
pub struct Vm<'p> {
    prog: &'p [Insn],
}

impl<'p> Vm<'p> {
    /// Validates `prog` ([`validate`]).
    pub fn new(prog: &'p [Insn]) -> Result<Vm<'p>, InvalidProgram> {
        validate(prog)?;
        Ok(Vm { prog })
    }

    /// The instructions.
    pub fn insns(&self) -> &'p [Insn] {
        self.prog
    }

    /// Runs the program on a packet of `data` captured bytes and `wire_len` bytes on the
    /// wire; returns what the program returns (0: drop; else the bytes to keep).
    pub fn run(&self, data: &[u8], wire_len: u32) -> u32 {
        run_unchecked(self.prog, data, wire_len)
    }

    /// Whether the program keeps the packet (returns non-zero).
    pub fn accepts(&self, data: &[u8], wire_len: u32) -> bool {
        self.run(data, wire_len) != 0
    }
}

/// Validates `prog` and runs it once.
pub fn run(prog: &[Insn], data: &[u8], wire_len: u32) -> Result<u32, InvalidProgram> {
    Ok(Vm::new(prog)?.run(data, wire_len))
}

/// `size` bytes big-endian at `off`, if all are captured.
fn fetch(data: &[u8], off: u64, size: u64) -> Option<u32> {
    let start = usize::try_from(off).ok()?;
    let end = usize::try_from(off.checked_add(size)?).ok()?;
    let b = data.get(start..end)?;
    Some(b.iter().fold(0u32, |a, &x| (a << 8) | u32::from(x)))
}

fn size_of(code: u16) -> u64 {
    match code & 0x18 {
        op::H => 2,
        op::B => 1,
        _ => 4,
    }
}

/// The interpreter loop. On a program that [`validate`] refused it still returns without
/// panicking (0 for anything it cannot do), after at most `prog.len()` steps.
fn run_unchecked(prog: &[Insn], data: &[u8], wire_len: u32) -> u32 {
    let mut a: u32 = 0;
    let mut x: u32 = 0;
    let mut mem = [0u32; MEMWORDS];
    let mut pc: usize = 0;
    for _ in 0..=prog.len() {
        let Some(p) = prog.get(pc) else {
            return 0;
        };
        pc += 1;
        let k = p.k;
        match p.code {
            0x06 => return k,
            0x16 => return a,
            0x20 | 0x28 | 0x30 => match fetch(data, u64::from(k), size_of(p.code)) {
                Some(v) => a = v,
                None => return 0,
            },
            0x40 | 0x48 | 0x50 => match fetch(data, u64::from(x) + u64::from(k), size_of(p.code)) {
                Some(v) => a = v,
                None => return 0,
            },
            0x80 => a = wire_len,
            0x81 => x = wire_len,
            0x00 => a = k,
            0x01 => x = k,
            0xb1 => match fetch(data, u64::from(k), 1) {
                Some(v) => x = (v & 0xf) << 2,
                None => return 0,
            },
            0x60 | 0x61 | 0x02 | 0x03 => {
                let Some(m) = usize::try_from(k).ok().and_then(|i| mem.get_mut(i)) else {
                    return 0;
                };
                match p.code {
                    0x60 => a = *m,
                    0x61 => x = *m,
                    0x02 => *m = a,
                    _ => *m = x,
                }
            }
            0x05 => {
                let Some(to) = usize::try_from(k).ok().and_then(|k| pc.checked_add(k)) else {
                    return 0;
                };
                pc = to;
            }
            0x15 | 0x25 | 0x35 | 0x45 | 0x1d | 0x2d | 0x3d | 0x4d => {
                let b = if p.code & op::X != 0 { x } else { k };
                let taken = match p.code & 0xf0 {
                    op::JEQ => a == b,
                    op::JGT => a > b,
                    op::JGE => a >= b,
                    _ => a & b != 0,
                };
                pc += usize::from(if taken { p.jt } else { p.jf });
            }
            0x84 => a = a.wrapping_neg(),
            0x07 => x = a,
            0x87 => a = x,
            c if c & 0x07 == op::ALU && c & !0xff == 0 => {
                let b = if c & op::X != 0 { x } else { k };
                a = match c & 0xf0 {
                    op::ADD => a.wrapping_add(b),
                    op::SUB => a.wrapping_sub(b),
                    op::MUL => a.wrapping_mul(b),
                    op::DIV => match a.checked_div(b) {
                        Some(v) => v,
                        None => return 0,
                    },
                    op::MOD => match a.checked_rem(b) {
                        Some(v) => v,
                        None => return 0,
                    },
                    op::AND => a & b,
                    op::OR => a | b,
                    op::XOR => a ^ b,
                    op::LSH => a.checked_shl(b).unwrap_or(0),
                    op::RSH => a.checked_shr(b).unwrap_or(0),
                    _ => return 0,
                };
            }
            _ => return 0,
        }
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filter::bpf::op::*;

    fn s(code: u16, k: u32) -> Insn {
        Insn::stmt(code, k)
    }

    fn j(code: u16, k: u32, jt: u8, jf: u8) -> Insn {
        Insn::jump(code, k, jt, jf)
    }

    /// Runs `body` followed by `ret a` on `data`.
    fn ret_a(body: &[Insn], data: &[u8], wire: u32) -> u32 {
        let mut p = body.to_vec();
        p.push(s(RET | A, 0));
        run(&p, data, wire).unwrap()
    }

    const PKT: [u8; 8] = [0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0];

    #[test]
    fn ret_k_and_a() {
        assert_eq!(run(&[s(RET | K, 7)], &[], 0), Ok(7));
        assert_eq!(ret_a(&[s(LD | IMM, 9)], &[], 0), 9);
    }

    #[test]
    fn absolute_loads_and_bounds() {
        assert_eq!(ret_a(&[s(LD | W | ABS, 0)], &PKT, 8), 0x1234_5678);
        assert_eq!(ret_a(&[s(LD | H | ABS, 6)], &PKT, 8), 0xdef0);
        assert_eq!(ret_a(&[s(LD | B | ABS, 7)], &PKT, 8), 0xf0);
        // Past the end: the program returns 0 whatever follows.
        assert_eq!(ret_a(&[s(LD | W | ABS, 5), s(LD | IMM, 1)], &PKT, 8), 0);
        assert_eq!(ret_a(&[s(LD | H | ABS, 7), s(LD | IMM, 1)], &PKT, 8), 0);
        assert_eq!(ret_a(&[s(LD | B | ABS, 8), s(LD | IMM, 1)], &PKT, 8), 0);
        assert_eq!(
            ret_a(&[s(LD | W | ABS, u32::MAX), s(LD | IMM, 1)], &PKT, 8),
            0
        );
    }

    #[test]
    fn indirect_loads_and_overflow() {
        assert_eq!(
            ret_a(&[s(LDX | IMM, 2), s(LD | H | IND, 1)], &PKT, 8),
            0x789a
        );
        assert_eq!(
            ret_a(&[s(LDX | IMM, 4), s(LD | W | IND, 0)], &PKT, 8),
            0x9abc_def0
        );
        assert_eq!(ret_a(&[s(LDX | IMM, 7), s(LD | B | IND, 0)], &PKT, 8), 0xf0);
        // x + k wrapping around 2^32 is past the end, as in libpcap.
        let wrap = [s(LDX | IMM, u32::MAX), s(LD | B | IND, 1), s(LD | IMM, 1)];
        assert_eq!(ret_a(&wrap, &PKT, 8), 0);
        assert_eq!(
            ret_a(
                &[s(LDX | IMM, 5), s(LD | W | IND, 0), s(LD | IMM, 1)],
                &PKT,
                8
            ),
            0
        );
    }

    #[test]
    fn len_imm_msh_mem() {
        assert_eq!(ret_a(&[s(LD | W | LEN, 0)], &PKT, 1500), 1500);
        assert_eq!(
            ret_a(&[s(LDX | W | LEN, 0), s(MISC | TXA, 0)], &PKT, 99),
            99
        );
        assert_eq!(ret_a(&[s(LDX | B | MSH, 0), s(MISC | TXA, 0)], &PKT, 8), 8);
        assert_eq!(ret_a(&[s(LDX | B | MSH, 8), s(LD | IMM, 1)], &PKT, 8), 0);
        let mem = [
            s(LD | IMM, 5),
            s(ST, 15),
            s(LDX | IMM, 6),
            s(STX, 0),
            s(LD | MEM, 0),
            s(TAX_CODE, 0),
            s(LD | MEM, 15),
            s(ALU | ADD | X, 0),
        ];
        assert_eq!(ret_a(&mem, &[], 0), 11);
        assert_eq!(
            ret_a(
                &[
                    s(LDX | IMM, 3),
                    s(STX, 1),
                    s(LDX | MEM, 1),
                    s(MISC | TXA, 0)
                ],
                &[],
                0
            ),
            3
        );
    }

    const TAX_CODE: u16 = MISC | TAX;

    #[test]
    fn alu_k_and_x() {
        let k = |opc: u16, a: u32, b: u32| ret_a(&[s(LD | IMM, a), s(ALU | opc | K, b)], &[], 0);
        let x = |opc: u16, a: u32, b: u32| {
            ret_a(
                &[s(LDX | IMM, b), s(LD | IMM, a), s(ALU | opc | X, 0)],
                &[],
                0,
            )
        };
        for f in [k, x] {
            assert_eq!(f(ADD, u32::MAX, 2), 1);
            assert_eq!(f(SUB, 1, 2), u32::MAX);
            assert_eq!(f(MUL, 0x8000_0000, 2), 0);
            assert_eq!(f(DIV, 7, 2), 3);
            assert_eq!(f(MOD, 7, 4), 3);
            assert_eq!(f(AND, 0xff, 0x0f), 0x0f);
            assert_eq!(f(OR, 0xf0, 0x0f), 0xff);
            assert_eq!(f(XOR, 0xff, 0x0f), 0xf0);
            assert_eq!(f(LSH, 1, 31), 0x8000_0000);
            assert_eq!(f(RSH, 0x8000_0000, 31), 1);
            assert_eq!(f(LSH, 1, 32), 0);
            assert_eq!(f(RSH, u32::MAX, 40), 0);
        }
        assert_eq!(ret_a(&[s(LD | IMM, 1), s(ALU | NEG, 0)], &[], 0), u32::MAX);
        // Division and remainder by x = 0 return 0.
        assert_eq!(x(DIV, 7, 0), 0);
        assert_eq!(x(MOD, 7, 0), 0);
    }

    #[test]
    fn jumps_k_and_x() {
        // A = 5; j?? #b: jt -> ret 1, jf -> ret 2
        let k = |opc: u16, b: u32| {
            run(
                &[
                    s(LD | IMM, 5),
                    j(JMP | opc | K, b, 0, 1),
                    s(RET | K, 1),
                    s(RET | K, 2),
                ],
                &[],
                0,
            )
            .unwrap()
        };
        let x = |opc: u16, b: u32| {
            run(
                &[
                    s(LDX | IMM, b),
                    s(LD | IMM, 5),
                    j(JMP | opc | X, 0, 0, 1),
                    s(RET | K, 1),
                    s(RET | K, 2),
                ],
                &[],
                0,
            )
            .unwrap()
        };
        for f in [k, x] {
            assert_eq!(f(JEQ, 5), 1);
            assert_eq!(f(JEQ, 4), 2);
            assert_eq!(f(JGT, 4), 1);
            assert_eq!(f(JGT, 5), 2);
            assert_eq!(f(JGE, 5), 1);
            assert_eq!(f(JGE, 6), 2);
            assert_eq!(f(JSET, 4), 1);
            assert_eq!(f(JSET, 2), 2);
        }
        let ja = [s(JMP | JA, 1), s(RET | K, 1), s(RET | K, 2)];
        assert_eq!(run(&ja, &[], 0), Ok(2));
    }

    #[test]
    fn malformed_programs_are_refused() {
        use InvalidProgram::*;
        assert_eq!(validate(&[]), Err(Empty));
        assert_eq!(validate(&[s(LD | IMM, 0)]), Err(NoFinalReturn));
        assert_eq!(
            validate(&[s(0xffff, 0), s(RET | K, 0)]),
            Err(BadOpcode {
                at: 0,
                code: 0xffff
            })
        );
        // ret x and neg x are not instructions of the interpreter.
        assert!(validate(&[s(RET | X, 0)]).is_err());
        assert!(validate(&[s(ALU | NEG | X, 0), s(RET | K, 0)]).is_err());
        assert_eq!(
            validate(&[s(JMP | JA, 1), s(RET | K, 0)]),
            Err(JumpOutOfRange { at: 0 })
        );
        assert_eq!(
            validate(&[s(JMP | JA, u32::MAX), s(RET | K, 0)]),
            Err(JumpOutOfRange { at: 0 })
        );
        assert_eq!(
            validate(&[j(JMP | JEQ | K, 0, 0, 1), s(RET | K, 0)]),
            Err(JumpOutOfRange { at: 0 })
        );
        assert_eq!(
            validate(&[s(ST, 16), s(RET | K, 0)]),
            Err(BadMemIndex { at: 0 })
        );
        assert_eq!(
            validate(&[s(LDX | MEM, 99), s(RET | K, 0)]),
            Err(BadMemIndex { at: 0 })
        );
        assert_eq!(
            validate(&[s(ALU | DIV | K, 0), s(RET | K, 0)]),
            Err(DivisionByZero { at: 0 })
        );
        assert_eq!(
            validate(&[s(ALU | MOD | K, 0), s(RET | K, 0)]),
            Err(DivisionByZero { at: 0 })
        );
        let long = vec![s(RET | K, 0); MAX_INSNS + 1];
        assert_eq!(validate(&long), Err(TooLong(MAX_INSNS + 1)));
        assert!(validate(&vec![s(RET | K, 0); MAX_INSNS]).is_ok());
    }

    #[test]
    fn unvalidated_programs_never_panic() {
        // Every 16-bit opcode with odd operands, run without validation.
        let data = [0xffu8; 20];
        for code in 0..=u16::MAX {
            for k in [0, 1, 15, 16, 0x7fff_ffff, u32::MAX] {
                let p = [Insn {
                    code,
                    jt: 255,
                    jf: 255,
                    k,
                }];
                let _ = run_unchecked(&p, &data, 20);
                let _ = run(&p, &data, 20);
            }
        }
    }
}
