//! The evaluator: walks the tree on one packet, allocation-free.
//!
//! tcpdump atoms read the packet's bytes at libpcap's offsets, in the order the BPF
//! program libpcap would generate reads them; a read past the captured bytes (or a division
//! by zero) rejects the whole packet, as it ends a BPF program with `ret #0`, whatever
//! `not` or `or` surround it. Display terms read the field table over the packet's fast
//! dissection.

use std::cmp::Ordering;

use super::ast::*;
use crate::fields::{FieldVal, Frame};

/// The link types filters know, with libpcap's offsets (`init_linktype`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterLink {
    /// Ethernet (1): type at 12, payload at 14.
    Ether,
    /// Linux cooked v1 (113): protocol at 14, payload at 16.
    Sll,
    /// Linux cooked v2 (276): protocol at 0, payload at 20.
    Sll2,
    /// Raw IP (101, 12): no type field (the version nibble says), payload at 0.
    Raw,
    /// IPv4 only (228).
    Ipv4,
    /// IPv6 only (229).
    Ipv6,
}

impl FilterLink {
    /// The filter link type of a pcap link-type number, if filters support it.
    pub fn from_pcap(n: u32) -> Option<FilterLink> {
        Some(match n {
            1 => FilterLink::Ether,
            113 => FilterLink::Sll,
            276 => FilterLink::Sll2,
            101 | 12 | 14 => FilterLink::Raw,
            228 => FilterLink::Ipv4,
            229 => FilterLink::Ipv6,
            _ => return None,
        })
    }

    /// Where the link layer's type field is.
    pub fn type_offset(self) -> Option<u32> {
        match self {
            FilterLink::Ether => Some(12),
            FilterLink::Sll => Some(14),
            FilterLink::Sll2 => Some(0),
            _ => None,
        }
    }

    /// Where the link layer's payload (the network header) starts.
    pub fn payload_offset(self) -> u32 {
        match self {
            FilterLink::Ether => 14,
            FilterLink::Sll => 16,
            FilterLink::Sll2 => 20,
            FilterLink::Raw | FilterLink::Ipv4 | FilterLink::Ipv6 => 0,
        }
    }
}

/// One packet as the evaluator sees it.
#[derive(Debug, Clone, Copy)]
pub struct Input<'f, 'a> {
    /// Its link type.
    pub link: FilterLink,
    /// The captured bytes.
    pub data: &'a [u8],
    /// Its length on the wire (`len`).
    pub wire_len: u32,
    /// The frame with its dissection, for display terms (`None`: they are false).
    pub frame: Option<&'f Frame<'f, 'a>>,
}

/// The packet is rejected outright (a load past the captured bytes, a division by zero).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reject;

type R<T> = Result<T, Reject>;

fn load(data: &[u8], off: u32, size: u8) -> R<u32> {
    let start = usize::try_from(off).map_err(|_| Reject)?;
    let b = data
        .get(start..start.saturating_add(usize::from(size)))
        .filter(|b| b.len() == usize::from(size))
        .ok_or(Reject)?;
    Ok(b.iter().fold(0u32, |a, &x| (a << 8) | u32::from(x)))
}

/// Evaluates `e` on `p`: `Ok(true)` keeps the packet.
pub fn eval(e: &Expr, p: &Input<'_, '_>) -> R<bool> {
    Ok(match e {
        Expr::And(a, b) => eval(a, p)? && eval(b, p)?,
        Expr::Or(a, b) => eval(a, p)? || eval(b, p)?,
        Expr::Xor(a, b) => eval(a, p)? ^ eval(b, p)?,
        Expr::Not(a) => !eval(a, p)?,
        Expr::Atom(a, shift) => atom(a, *shift, p)?,
        Expr::Display(d) => p.frame.is_some_and(|f| display(d, f)),
    })
}

fn atom(a: &Atom, shift: u32, p: &Input<'_, '_>) -> R<bool> {
    let d = p.data;
    let pl = p.link.payload_offset().wrapping_add(shift);
    let is_ether = p.link == FilterLink::Ether;
    Ok(match *a {
        Atom::True => true,
        Atom::False => false,
        Atom::LinkType(v) => link_type(p, shift, v)?,
        Atom::Proto4(v) => load(d, pl.wrapping_add(9), 1)? == u32::from(v),
        Atom::Proto6(v) => {
            let nh = load(d, pl.wrapping_add(6), 1)?;
            (nh == 44 && load(d, pl.wrapping_add(40), 1)? == u32::from(v)) || nh == u32::from(v)
        }
        Atom::NotFrag4 => load(d, pl.wrapping_add(6), 2)? & 0x1fff == 0,
        Atom::Word { off, value, mask } => load(d, pl.wrapping_add(off), 4)? & mask == value,
        Atom::Addr6 { off, addr, mask } => {
            for i in 0..4u32 {
                let k = usize::try_from(i * 4).unwrap_or(0);
                let word = |b: &[u8; 16]| {
                    b.get(k..k + 4)
                        .map_or(0, |w| w.iter().fold(0u32, |a, &x| (a << 8) | u32::from(x)))
                };
                let (want, m) = (word(&addr), word(&mask));
                if load(d, pl.wrapping_add(off).wrapping_add(4 * i), 4)? & m != want {
                    return Ok(false);
                }
            }
            true
        }
        Atom::Port4 { proto, dir, lo, hi } => {
            if load(d, pl.wrapping_add(9), 1)? != u32::from(proto)
                || load(d, pl.wrapping_add(6), 2)? & 0x1fff != 0
            {
                return Ok(false);
            }
            let x = 4 * (load(d, pl, 1)? & 0xf);
            ports(d, pl.wrapping_add(x), dir, lo, hi)?
        }
        Atom::Port6 { proto, dir, lo, hi } => {
            if load(d, pl.wrapping_add(6), 1)? != u32::from(proto) {
                return Ok(false);
            }
            ports(d, pl.wrapping_add(40), dir, lo, hi)?
        }
        Atom::EtherAddr { dir, mac } => {
            if !is_ether {
                return Ok(false);
            }
            let at = |off: u32| -> R<bool> {
                let w = u32::from_be_bytes([mac[2], mac[3], mac[4], mac[5]]);
                let h = u32::from(u16::from_be_bytes([mac[0], mac[1]]));
                Ok(load(d, off + 2, 4)? == w && load(d, off, 2)? == h)
            };
            match dir {
                Dir::Src => at(6)?,
                Dir::Dst => at(0)?,
                Dir::Either => at(6)? || at(0)?,
                Dir::Both => at(6)? && at(0)?,
            }
        }
        Atom::EtherMulticast => is_ether && load(d, 0, 1)? & 1 != 0,
        Atom::IpMulticast => load(d, pl.wrapping_add(16), 1)? >= 224,
        Atom::Ip6Multicast => load(d, pl.wrapping_add(24), 1)? == 255,
        Atom::IpBroadcast { hostmask } => {
            let w = load(d, pl.wrapping_add(16), 4)? & hostmask;
            w == 0 || w == hostmask
        }
        Atom::VlanId(id) => is_ether && load(d, pl, 2)? & 0x0fff == u32::from(id),
        Atom::Rel(op, ref a, ref b) => {
            if !conds(a, shift, p)? || !conds(b, shift, p)? {
                return Ok(false);
            }
            let (x, y) = (value(a, shift, p)?, value(b, shift, p)?);
            op.test(x, y)
        }
    })
}

/// libpcap's `gen_linktype` for the link types filters know.
fn link_type(p: &Input<'_, '_>, shift: u32, v: u16) -> R<bool> {
    let d = p.data;
    match p.link {
        FilterLink::Raw => Ok(match v {
            0x0800 => load(d, 0, 1)? & 0xf0 == 0x40,
            0x86dd => load(d, 0, 1)? & 0xf0 == 0x60,
            _ => false,
        }),
        FilterLink::Ipv4 => Ok(v == 0x0800),
        FilterLink::Ipv6 => Ok(v == 0x86dd),
        FilterLink::Ether | FilterLink::Sll | FilterLink::Sll2 => {
            let off = p.link.type_offset().unwrap_or(0).wrapping_add(shift);
            let pl = p.link.payload_offset().wrapping_add(shift);
            if v > 1500 {
                return Ok(load(d, off, 2)? == u32::from(v));
            }
            // An LLC SAP: 802.3 frames (length, not type) or cooked 802.2.
            let llc = if p.link == FilterLink::Ether {
                load(d, off, 2)? <= 1500
            } else {
                load(d, off, 2)? == 4
            };
            Ok(llc
                && if matches!(v, 0x06 | 0x42 | 0xfe) {
                    load(d, pl, 2)? == (u32::from(v) << 8 | u32::from(v))
                } else {
                    load(d, pl, 1)? == u32::from(v)
                })
        }
    }
}

fn ports(d: &[u8], at: u32, dir: Dir, lo: u16, hi: u16) -> R<bool> {
    let inr = |off: u32| -> R<bool> {
        let v = load(d, at.wrapping_add(off), 2)?;
        Ok(v >= u32::from(lo) && v <= u32::from(hi))
    };
    Ok(match dir {
        Dir::Src => inr(0)?,
        Dir::Dst => inr(2)?,
        Dir::Either => inr(0)? || inr(2)?,
        Dir::Both => inr(0)? && inr(2)?,
    })
}

/// The conditions an arithmetic expression's loads carry (`tcp[...]` needs IPv4, TCP and
/// a first fragment), in the order libpcap tests them.
fn conds(a: &Arith, shift: u32, p: &Input<'_, '_>) -> R<bool> {
    let s = shift;
    let lt = |v| link_type(p, s, v);
    let pl = p.link.payload_offset().wrapping_add(s);
    Ok(match a {
        Arith::Num(_) | Arith::Len => true,
        Arith::Neg(x) => conds(x, s, p)?,
        Arith::Bin(_, x, y) => conds(x, s, p)? && conds(y, s, p)?,
        Arith::Load { base, off, .. } => match *base {
            LoadBase::Link => conds(off, s, p)?,
            LoadBase::Net(v) => conds(off, s, p)? && lt(v)?,
            LoadBase::Trans4(proto) => {
                lt(0x0800)?
                    && conds(off, s, p)?
                    && load(p.data, pl.wrapping_add(9), 1)? == u32::from(proto)
                    && load(p.data, pl.wrapping_add(6), 2)? & 0x1fff == 0
            }
            LoadBase::Icmp6 => {
                conds(off, s, p)? && lt(0x86dd)? && load(p.data, pl.wrapping_add(6), 1)? == 58
            }
        },
    })
}

fn value(a: &Arith, shift: u32, p: &Input<'_, '_>) -> R<u32> {
    let pl = p.link.payload_offset().wrapping_add(shift);
    Ok(match a {
        Arith::Num(n) => *n,
        Arith::Len => p.wire_len,
        Arith::Neg(x) => value(x, shift, p)?.wrapping_neg(),
        Arith::Bin(op, x, y) => {
            let (x, y) = (value(x, shift, p)?, value(y, shift, p)?);
            op.apply(x, y).ok_or(Reject)?
        }
        Arith::Load { base, off, size } => {
            // See `LoadBase`: constant offsets wrap when folded, computed ones must not
            // overflow the load's `x + k`.
            let o = value(off, shift, p)?;
            let folded = off.const_value().is_some();
            let at = match base {
                LoadBase::Link => Some(o),
                LoadBase::Net(_) if folded => Some(pl.wrapping_add(o)),
                LoadBase::Net(_) => o.checked_add(pl),
                LoadBase::Icmp6 if folded => Some(pl.wrapping_add(40).wrapping_add(o)),
                LoadBase::Icmp6 => o.checked_add(pl.wrapping_add(40)),
                LoadBase::Trans4(_) => {
                    let x = 4 * (load(p.data, pl, 1)? & 0xf);
                    if folded {
                        x.checked_add(pl.wrapping_add(o))
                    } else {
                        x.wrapping_add(o).checked_add(pl)
                    }
                }
            };
            load(p.data, at.ok_or(Reject)?, *size)?
        }
    })
}

// ---------------------------------------------------------------------------------------
// Display terms
// ---------------------------------------------------------------------------------------

/// Most occurrences of the right-hand field kept for a field-to-field comparison.
pub(crate) const MAX_RHS: usize = 16;

fn display(d: &Display, f: &Frame<'_, '_>) -> bool {
    match d {
        Display::Present(r) => any(r, f, |_| true),
        // Wireshark 4's `!=` (`all_ne`): the field is there and no occurrence equals.
        Display::Cmp(r, CmpOp::Ne, v) => any(r, f, |_| true) && !cmp_any(r, CmpOp::Eq, v, f),
        Display::Cmp(r, CmpOp::AnyNe, v) => {
            let mut hit = false;
            each(r, f, &mut |x| {
                if !hit && !matches_operand(x, CmpOp::Eq, v, f) {
                    hit = true;
                }
            });
            hit
        }
        Display::Cmp(r, op, v) => cmp_any(r, *op, v, f),
        Display::In(r, items) => any(r, f, |x| {
            items.iter().any(|it| match it {
                SetItem::One(v) => matches_operand(x, CmpOp::Eq, v, f),
                SetItem::Range(a, b) => int_of(x).is_some_and(|n| n >= *a && n <= *b),
            })
        }),
        Display::Contains(r, needle) => any(r, f, |x| {
            with_bytes(x, |b| {
                needle.is_empty() || b.windows(needle.len()).any(|w| w == needle.as_slice())
            })
        }),
        Display::Matches(r, re) => any(r, f, |x| with_bytes(x, |b| re.is_match(b))),
        Display::BitAnd(r, m) => any(r, f, |x| {
            int_of(x).is_some_and(|n| u64::try_from(n).is_ok_and(|n| n & m != 0))
        }),
        Display::Proto(name) => has_protocol(f, name),
    }
}

thread_local! {
    /// The `frame.protocols` chain of the frame being tested, in a buffer kept per thread
    /// so that protocol tests allocate nothing once it has grown.
    static CHAIN: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Whether `name` is one of the protocols of the frame's `frame.protocols` chain.
fn has_protocol(f: &Frame<'_, '_>, name: &str) -> bool {
    CHAIN.with(|c| {
        let Ok(mut buf) = c.try_borrow_mut() else {
            return false;
        };
        buf.clear();
        crate::output::json::put_protocols(&mut buf, f.d);
        buf.split(|&b| b == b':').any(|p| p == name.as_bytes())
    })
}

/// Calls `g` with each occurrence of the field (sliced when the reference slices).
fn each<'a>(r: &FieldRef, f: &Frame<'_, 'a>, g: &mut dyn FnMut(FieldVal<'a>)) {
    (r.def.each)(f, &mut |v| g(v));
}

fn any(r: &FieldRef, f: &Frame<'_, '_>, mut pred: impl FnMut(FieldVal<'_>) -> bool) -> bool {
    let mut hit = false;
    let slice = r.slice;
    each(r, f, &mut |v| {
        if hit {
            return;
        }
        hit = match slice {
            None => pred(v),
            Some(s) => with_bytes(v, |b| match sliced(b, s) {
                Some(part) => pred(FieldVal::Bytes(part)),
                None => false,
            }),
        };
    });
    hit
}

fn sliced(b: &[u8], s: Slice) -> Option<&[u8]> {
    let len = i64::try_from(b.len()).ok()?;
    let start = if s.start < 0 {
        len + i64::from(s.start)
    } else {
        i64::from(s.start)
    };
    if start < 0 || start > len {
        return None;
    }
    let end = match s.len {
        None => len,
        Some(n) => start + i64::from(n),
    };
    if end > len {
        return None;
    }
    b.get(usize::try_from(start).ok()?..usize::try_from(end).ok()?)
}

fn cmp_any(r: &FieldRef, op: CmpOp, v: &Operand, f: &Frame<'_, '_>) -> bool {
    any(r, f, |x| matches_operand(x, op, v, f))
}

fn matches_operand(x: FieldVal<'_>, op: CmpOp, v: &Operand, f: &Frame<'_, '_>) -> bool {
    if let Operand::Field(other) = v {
        let mut rhs: [Option<FieldVal<'_>>; MAX_RHS] = [None; MAX_RHS];
        let mut n = 0;
        let slice = other.slice;
        (other.def.each)(f, &mut |y| {
            if let Some(slot) = rhs.get_mut(n) {
                *slot = Some(y);
                n += 1;
            }
        });
        return rhs.iter().flatten().any(|&y| match slice {
            None => compare_vals(x, y).is_some_and(|o| holds(op, o)),
            Some(s) => with_bytes(y, |b| {
                sliced(b, s).is_some_and(|part| {
                    compare_vals(x, FieldVal::Bytes(part)).is_some_and(|o| holds(op, o))
                })
            }),
        });
    }
    compare_operand(x, v).is_some_and(|o| holds(op, o))
}

fn holds(op: CmpOp, o: Ordering) -> bool {
    match op {
        CmpOp::Eq => o == Ordering::Equal,
        CmpOp::Ne | CmpOp::AnyNe => o != Ordering::Equal,
        CmpOp::Lt => o == Ordering::Less,
        CmpOp::Le => o != Ordering::Greater,
        CmpOp::Gt => o == Ordering::Greater,
        CmpOp::Ge => o != Ordering::Less,
    }
}

fn int_of(x: FieldVal<'_>) -> Option<i128> {
    Some(match x {
        FieldVal::UInt(v) => i128::from(v),
        FieldVal::Int(v) => i128::from(v),
        FieldVal::Bool(b) => i128::from(b),
        FieldVal::Time(s, ns) => i128::from(s) * 1_000_000_000 + i128::from(ns),
        FieldVal::RelTime(ns) => i128::from(ns),
        _ => return None,
    })
}

/// Runs `g` on the value's bytes (text of a DNS name, address bytes...).
fn with_bytes(x: FieldVal<'_>, g: impl FnOnce(&[u8]) -> bool) -> bool {
    match x {
        FieldVal::Str(b) | FieldVal::Bytes(b) => g(b),
        FieldVal::Mac(m) => g(&m.0),
        FieldVal::Ipv4(a) => g(&a.octets()),
        FieldVal::Ipv6(a) => g(&a.octets()),
        FieldVal::Name(n) => {
            let mut buf = [0u8; 256];
            match n.write_to(&mut buf) {
                Some(len) => {
                    let t = buf.get(..len).unwrap_or_default();
                    // tshark writes names without the root's dot.
                    let t = t.strip_suffix(b".").unwrap_or(t);
                    g(t)
                }
                None => false,
            }
        }
        FieldVal::UInt(_)
        | FieldVal::Int(_)
        | FieldVal::Bool(_)
        | FieldVal::Time(..)
        | FieldVal::RelTime(_) => false,
    }
}

fn compare_operand(x: FieldVal<'_>, v: &Operand) -> Option<Ordering> {
    match (x, v) {
        (FieldVal::Ipv4(a), Operand::Ipv4(net, prefix)) => {
            let a = u32::from(a);
            let m = if *prefix == 0 {
                0
            } else {
                u32::MAX << (32 - u32::from(*prefix).min(32))
            };
            if *prefix < 32 && a & m == net & m {
                return Some(Ordering::Equal);
            }
            Some(a.cmp(net))
        }
        (FieldVal::Ipv6(a), Operand::Ipv6(net, prefix)) => {
            let a = a.octets();
            if *prefix < 128 {
                let full = usize::from(*prefix / 8);
                let rem = *prefix % 8;
                let head_eq = a.get(..full) == net.get(..full);
                let tail_eq = rem == 0 || {
                    let m = 0xffu8 << (8 - rem);
                    a.get(full).map(|x| x & m) == net.get(full).map(|x| x & m)
                };
                if head_eq && tail_eq {
                    return Some(Ordering::Equal);
                }
            }
            Some(a.cmp(net))
        }
        (FieldVal::Mac(m), Operand::Mac(b)) => Some(m.0.cmp(b)),
        (x, Operand::Bytes(b)) => {
            let mut out = None;
            with_bytes(x, |xb| {
                out = Some(xb.cmp(b.as_slice()));
                true
            });
            out
        }
        (x, Operand::Int(n)) => int_of(x).map(|i| i.cmp(n)),
        _ => None,
    }
}

fn compare_vals(x: FieldVal<'_>, y: FieldVal<'_>) -> Option<Ordering> {
    if let (Some(a), Some(b)) = (int_of(x), int_of(y)) {
        return Some(a.cmp(&b));
    }
    match (x, y) {
        (FieldVal::Ipv4(a), FieldVal::Ipv4(b)) => Some(a.cmp(&b)),
        (FieldVal::Ipv6(a), FieldVal::Ipv6(b)) => Some(a.cmp(&b)),
        (FieldVal::Mac(a), FieldVal::Mac(b)) => Some(a.0.cmp(&b.0)),
        (x, y) => {
            let mut out = None;
            with_bytes(x, |xb| {
                with_bytes(y, |yb| {
                    out = Some(xb.cmp(yb));
                    true
                })
            });
            out
        }
    }
}
