//! From the expression tree to a template: layers with their fixed fields set, the fields
//! that take several values ([`Dim`]s, in scapy's iteration order) and the layers to fuzz.
//! Every value is checked here, so expansion never fails.

use std::ops::Range;

use super::DslError;
use super::parser::{Call, Expr, Node};
use super::sets::{self, Gen, NetError};
use crate::layers::{Layer, LayerKind};
use crate::packet::{LinkType, Packet};
use crate::value::{FieldDesc, FieldKind, Value};

/// A field that takes several values.
#[derive(Debug, Clone)]
pub struct Dim {
    /// Index of the layer in the packet.
    pub layer: usize,
    /// The field.
    pub field: &'static str,
    /// Its values.
    pub values: Gen,
}

/// A layer under `fuzz()`, with the fields given explicitly (those are not randomised).
#[derive(Debug, Clone)]
pub struct FuzzLayer {
    /// Index of the layer in the packet.
    pub layer: usize,
    /// Fields set explicitly.
    pub explicit: Vec<&'static str>,
}

/// The compiled expression.
#[derive(Debug, Clone, Default)]
pub struct Compiled {
    /// Every layer with its fixed fields set.
    pub layers: Vec<Layer>,
    /// Set-valued fields, most significant (slowest varying) first.
    pub dims: Vec<Dim>,
    /// Fuzzed layers.
    pub fuzz: Vec<FuzzLayer>,
}

fn err(span: Range<usize>, msg: impl Into<String>) -> DslError {
    DslError {
        span,
        message: msg.into(),
    }
}

/// scapy's extra constructors, accepted besides the layer names.
pub const EXTRA_NAMES: &[&str] = &[
    "fuzz",
    "Net",
    "Net6",
    "DNSRRMX",
    "DNSRRSOA",
    "DNSRRSRV",
    "DNSRROPT",
    "EDNS0TLV",
    "IPOption",
    "IPOption_NOP",
    "IPOption_EOL",
    "IPOption_RR",
    "IPOption_LSRR",
    "IPOption_SSRR",
    "IPOption_Timestamp",
    "IPOption_Router_Alert",
    "Pad1",
    "PadN",
    "RouterAlert",
    "HBHOptUnknown",
];

/// The known names closest to `name` (at most three, ties kept): layers and the option
/// and record constructors.
pub fn closest_names(name: &str) -> Vec<&'static str> {
    crate::layers::suggest_from(
        name,
        LayerKind::ALL
            .iter()
            .map(|k| k.name())
            .chain(EXTRA_NAMES.iter().copied()),
    )
}

fn unknown_name(name: &str, span: Range<usize>, what: &str) -> DslError {
    let near = closest_names(name);
    let hint = match near.as_slice() {
        [] => String::new(),
        [one] => format!("; did you mean {one}?"),
        many => format!("; did you mean {}?", many.join(" or ")),
    };
    err(span, format!("unknown {what} {name:?}{hint}"))
}

/// Compiles a parsed expression.
pub fn compile(e: &Expr) -> Result<Compiled, DslError> {
    let mut c = Compiled::default();
    add_layers(&mut c, e, false)?;
    if c.layers.is_empty() {
        return Err(err(e.span.clone(), "the expression has no layers"));
    }
    Ok(c)
}

fn add_layers(c: &mut Compiled, e: &Expr, fuzz: bool) -> Result<(), DslError> {
    match &e.node {
        Node::Stack(v) => {
            for x in v {
                add_layers(c, x, fuzz)?;
            }
            Ok(())
        }
        Node::Str(s) => {
            push_raw(c, s.as_bytes().to_vec(), fuzz);
            Ok(())
        }
        Node::Bytes(b) => {
            push_raw(c, b.clone(), fuzz);
            Ok(())
        }
        Node::Call(call) if call.name == "fuzz" => {
            let [inner] = call.args.as_slice() else {
                return Err(err(
                    e.span.clone(),
                    "fuzz() takes one packet, e.g. fuzz(TCP())",
                ));
            };
            if let Some((_, sp, _)) = call.kwargs.first() {
                return Err(err(sp.clone(), "fuzz() takes no field=value arguments"));
            }
            add_layers(c, inner, true)
        }
        Node::Call(call) => {
            let built = construct(call, true)?;
            let base = c.layers.len();
            for (f, g) in built.dims.into_iter().rev() {
                c.dims.push(Dim {
                    layer: base,
                    field: f,
                    values: g,
                });
            }
            if fuzz {
                let explicit = if built.all_explicit {
                    built
                        .layers
                        .first()
                        .map(|l| l.fields().iter().map(|d| d.name).collect())
                } else {
                    None
                };
                for i in 0..built.layers.len() {
                    c.fuzz.push(FuzzLayer {
                        layer: base + i,
                        explicit: if i == 0 {
                            explicit.clone().unwrap_or_else(|| built.explicit.clone())
                        } else {
                            built
                                .layers
                                .get(i)
                                .map(|l| l.fields().iter().map(|d| d.name).collect())
                                .unwrap_or_default()
                        },
                    });
                }
            }
            c.layers.extend(built.layers);
            Ok(())
        }
        other => Err(err(
            e.span.clone(),
            format!(
                "expected a layer such as IP() or a payload string, found {}",
                describe(other)
            ),
        )),
    }
}

fn push_raw(c: &mut Compiled, b: Vec<u8>, fuzz: bool) {
    if fuzz {
        c.fuzz.push(FuzzLayer {
            layer: c.layers.len(),
            explicit: vec!["load"],
        });
    }
    c.layers
        .push(Layer::Raw(crate::layers::Raw::from_bytes(&b)));
}

fn describe(n: &Node) -> String {
    match n {
        Node::Int(v) => format!("the integer {v}"),
        Node::Str(_) => "a string".into(),
        Node::Bytes(_) => "bytes".into(),
        Node::None => "None".into(),
        Node::Bool(_) => "a boolean".into(),
        Node::Name(s) => format!("the name {s:?}"),
        Node::List(_) => "a list".into(),
        Node::Tuple(_) => "a tuple".into(),
        Node::Call(c) => format!("{}(...)", c.name),
        Node::Stack(_) => "a packet".into(),
    }
}

struct Built {
    layers: Vec<Layer>,
    /// Set-valued fields of the first layer, in argument order.
    dims: Vec<(&'static str, Gen)>,
    explicit: Vec<&'static str>,
    all_explicit: bool,
}

/// scapy's DNS record subclasses, mapped onto `DNSRR` with typed data.
const DNS_SPECIAL: &[(&str, u64, &[&str])] = &[
    ("DNSRRMX", 15, &["preference", "exchange"]),
    (
        "DNSRRSOA",
        6,
        &[
            "mname", "rname", "serial", "refresh", "retry", "expire", "minimum",
        ],
    ),
    ("DNSRRSRV", 33, &["priority", "weight", "port", "target"]),
    ("DNSRROPT", 41, &["extrcode", "version", "z"]),
];

fn field_list(fields: &[FieldDesc], extra: &[&str], skip: &[&str]) -> String {
    fields
        .iter()
        .map(|d| d.name)
        .filter(|n| !skip.contains(n))
        .chain(extra.iter().copied())
        .collect::<Vec<_>>()
        .join(", ")
}

fn construct(call: &Call, top: bool) -> Result<Built, DslError> {
    let special = DNS_SPECIAL.iter().find(|(n, _, _)| *n == call.name);
    let kind = match special {
        Some(_) => LayerKind::DNSRR,
        None => LayerKind::from_name(&call.name)
            .ok_or_else(|| unknown_name(&call.name, call.name_span.clone(), "layer"))?,
    };
    let mut all_explicit = false;
    let mut layers = match call.args.as_slice() {
        [] => vec![kind.new_layer()],
        [arg] => {
            let bytes = match &arg.node {
                Node::Bytes(b) => b.clone(),
                Node::Str(s) => s.as_bytes().to_vec(),
                other => {
                    return Err(err(
                        arg.span.clone(),
                        format!(
                            "{}() takes bytes to dissect or field=value arguments, found {}",
                            call.name,
                            describe(other)
                        ),
                    ));
                }
            };
            if bytes.is_empty() {
                vec![kind.new_layer()]
            } else {
                all_explicit = true;
                let p = Packet::parse(LinkType::Layer(kind), &bytes);
                let l = p.layers().to_vec();
                if l.is_empty() {
                    vec![kind.new_layer()]
                } else {
                    l
                }
            }
        }
        [_, second, ..] => {
            return Err(err(
                second.span.clone(),
                format!(
                    "{}() takes at most one positional argument (bytes to dissect)",
                    call.name
                ),
            ));
        }
    };
    let Some(first) = layers.first_mut() else {
        return Err(err(call.name_span.clone(), "empty layer"));
    };
    let mut dims = Vec::new();
    let mut explicit = Vec::new();
    // DNS record subclasses: defaults, then their own fields.
    let mut special_vals: Vec<(&str, Value)> = Vec::new();
    if let Some((name, rtype, _)) = special {
        if let Layer::DNSRR(r) = first {
            if *name == "DNSRROPT" {
                *r = crate::layers::DNSRR::opt();
            } else {
                r.type_ = u16::try_from(*rtype).unwrap_or(0);
            }
        }
    }
    for (fname, fspan, vexpr) in &call.kwargs {
        if let Some((sname, _, sfields)) = special {
            if let Some(f) = sfields.iter().find(|f| **f == fname.as_str()) {
                let v = special_value(sname, f, vexpr)?;
                special_vals.push((f, v));
                continue;
            }
            if *sname != "DNSRROPT" && fname == "rdata" {
                return Err(err(
                    fspan.clone(),
                    format!(
                        "unknown field \"rdata\" for {sname}; its fields are: {}",
                        field_list(first.fields(), sfields, &["rdata"])
                    ),
                ));
            }
        }
        let Some(desc) = first.fields().iter().find(|d| d.name == fname.as_str()) else {
            let extra: &[&str] = special.map(|s| s.2).unwrap_or(&[]);
            return Err(err(
                fspan.clone(),
                format!(
                    "unknown field {fname:?} for {}; its fields are: {}",
                    call.name,
                    field_list(first.fields(), extra, &[])
                ),
            ));
        };
        let desc = *desc;
        explicit.push(desc.name);
        if special.is_some_and(|s| s.0 == "DNSRROPT")
            && desc.name == "rdata"
            && matches!(&vexpr.node, Node::List(v) if v.is_empty())
        {
            continue;
        }
        let parts = field_gen(vexpr, &desc)?;
        for (g, sp) in &parts {
            check_gen(first, &desc, g, sp)?;
        }
        let g = if parts.len() == 1 {
            parts
                .into_iter()
                .next()
                .map(|(g, _)| g)
                .unwrap_or(Gen::Concat(Vec::new()))
        } else {
            Gen::Concat(parts.into_iter().map(|(g, _)| g).collect())
        };
        match (&g, g.len()) {
            (Gen::One(v), _) => set(first, &desc, v.clone(), &vexpr.span)?,
            (_, 1) => {
                if let Some(v) = g.nth(0) {
                    set(first, &desc, v, &vexpr.span)?;
                }
            }
            _ if top => dims.push((desc.name, g)),
            _ => {
                return Err(err(
                    vexpr.span.clone(),
                    "packet sets are not supported inside nested packets",
                ));
            }
        }
    }
    if let Some((sname, _, _)) = special {
        apply_special(first, sname, &special_vals, &call.name_span)?;
    }
    // scapy stores fields in declaration order, whatever the argument order.
    let table = first.fields();
    dims.sort_by_key(|(f, _)| {
        table
            .iter()
            .position(|d| d.name == *f)
            .unwrap_or(usize::MAX)
    });
    Ok(Built {
        layers,
        dims,
        explicit,
        all_explicit,
    })
}

fn set(l: &mut Layer, d: &FieldDesc, v: Value, span: &Range<usize>) -> Result<(), DslError> {
    l.set(d.name, v)
        .map_err(|e| err(span.clone(), e.to_string()))
}

/// Checks that every value of a set converts (ranges: their ends).
fn check_gen(l: &mut Layer, d: &FieldDesc, g: &Gen, span: &Range<usize>) -> Result<(), DslError> {
    match g {
        Gen::One(v) => set(l, d, v.clone(), span),
        Gen::Range { start, step, len } => {
            if *len == 0 {
                return Ok(());
            }
            let last = i128::try_from(*len - 1)
                .ok()
                .and_then(|n| n.checked_mul(*step))
                .and_then(|n| n.checked_add(*start));
            for v in [Some(*start), last] {
                let v = v.ok_or_else(|| err(span.clone(), "range too large"))?;
                match u64::try_from(v) {
                    Ok(n) => set(l, d, Value::Int(n), span)?,
                    Err(_) => return Err(int_range_err(d, v, span)),
                }
            }
            Ok(())
        }
        Gen::V4 { .. } | Gen::V6 { .. } => match g.nth(0) {
            Some(v) => set(l, d, v, span),
            None => Ok(()),
        },
        Gen::Concat(parts) => {
            for p in parts {
                check_gen(l, d, p, span)?;
            }
            Ok(())
        }
    }
}

fn int_range_err(d: &FieldDesc, n: i128, span: &Range<usize>) -> DslError {
    match d.kind.bits() {
        Some(b) => {
            let max = if b >= 64 { u64::MAX } else { (1u64 << b) - 1 };
            err(span.clone(), format!("{} takes 0..={max}, got {n}", d.name))
        }
        None => err(
            span.clone(),
            format!("{} takes a {}, got {n}", d.name, d.kind.type_name()),
        ),
    }
}

/// The values a field takes, as parts of a set, each with its span.
fn field_gen(e: &Expr, d: &FieldDesc) -> Result<Vec<(Gen, Range<usize>)>, DslError> {
    let one = |v: Value| vec![(Gen::One(v), e.span.clone())];
    match d.kind {
        FieldKind::List | FieldKind::PacketList => Ok(one(to_value(e, Some(d))?)),
        FieldKind::Flags(_) => match &e.node {
            Node::List(items) | Node::Tuple(items) => {
                let mut acc = 0u64;
                for it in items {
                    let Node::Str(s) = &it.node else {
                        return Err(err(
                            it.span.clone(),
                            format!(
                                "a list of {} flags holds flag names such as {:?}",
                                d.name, d.flags
                            ),
                        ));
                    };
                    let i = d.flags.iter().position(|f| f == s).ok_or_else(|| {
                        err(
                            it.span.clone(),
                            format!("{} has no flag {s:?}; its flags are {:?}", d.name, d.flags),
                        )
                    })?;
                    acc |= 1u64 << i.min(63);
                }
                Ok(one(Value::Int(acc)))
            }
            _ => Ok(one(to_value(e, Some(d))?)),
        },
        FieldKind::Ipv4 | FieldKind::Ipv6 => addr_parts(e, d, d.kind == FieldKind::Ipv6, 0),
        _ => match &e.node {
            Node::List(items) => {
                let mut parts = Vec::with_capacity(items.len());
                for it in items {
                    match &it.node {
                        Node::Tuple(t) => parts.push((range_or_value(it, t, d)?, it.span.clone())),
                        Node::List(_) => {
                            return Err(err(
                                it.span.clone(),
                                format!(
                                    "{} takes one value per element; nested lists are not a set",
                                    d.name
                                ),
                            ));
                        }
                        _ => parts.push((Gen::One(to_value(it, Some(d))?), it.span.clone())),
                    }
                }
                Ok(parts)
            }
            Node::Tuple(t) => Ok(vec![(range_or_value(e, t, d)?, e.span.clone())]),
            _ => Ok(one(to_value(e, Some(d))?)),
        },
    }
}

fn int_of(n: &Node) -> Option<i128> {
    match n {
        Node::Int(v) => Some(*v),
        Node::Bool(b) => Some(i128::from(*b)),
        _ => None,
    }
}

/// `(start, stop[, step])` of integers: an inclusive range, as scapy's `SetGen` reads it.
fn range_or_value(e: &Expr, t: &[Expr], d: &FieldDesc) -> Result<Gen, DslError> {
    let ints: Option<Vec<i128>> = t.iter().map(|x| int_of(&x.node)).collect();
    match ints.as_deref() {
        Some([a, b]) => {
            let stop = b
                .checked_add(1)
                .ok_or_else(|| err(e.span.clone(), "range too large"))?;
            sets::Gen::range(*a, stop, 1).ok_or_else(|| err(e.span.clone(), "bad range"))
        }
        Some([a, b, s]) => {
            let stop = b
                .checked_add(1)
                .ok_or_else(|| err(e.span.clone(), "range too large"))?;
            sets::Gen::range(*a, stop, *s)
                .ok_or_else(|| err(e.span.clone(), "a range's step must not be zero"))
        }
        _ => Ok(Gen::One(to_value(e, Some(d))?)),
    }
}

fn net_err(e: NetError, s: &str, v6: bool, span: &Range<usize>) -> DslError {
    let msg = match e {
        NetError::BadMask => format!(
            "bad network mask in {s:?}: the mask is 0..={}",
            if v6 { 128 } else { 32 }
        ),
        NetError::Unresolved(h) => format!("cannot resolve {h:?}"),
        NetError::Wildcard => {
            format!(
                "wildcards are not accepted in addresses ({s:?}); use a CIDR such as \"10.0.0.0/24\""
            )
        }
        NetError::DashRange => format!(
            "ranges like {s:?} are not accepted (scapy 2.8 dropped them); use a CIDR or a tuple \
             (\"10.0.0.1\", \"10.0.0.3\")"
        ),
    };
    err(span.clone(), msg)
}

fn addr_parts(
    e: &Expr,
    d: &FieldDesc,
    v6: bool,
    depth: usize,
) -> Result<Vec<(Gen, Range<usize>)>, DslError> {
    let text = match &e.node {
        Node::Str(s) => Some(s.clone()),
        Node::Bytes(b) => Some(String::from_utf8_lossy(b).into_owned()),
        _ => None,
    };
    if let Some(s) = text {
        let a = sets::strip_scope(&s);
        let g = if !v6 {
            if let Some(ip) = sets::inet_aton(a) {
                Gen::One(Value::Ipv4(ip))
            } else if a.parse::<std::net::Ipv6Addr>().is_ok() || a.contains(':') {
                // ARP addresses of other families: the layer decides.
                Gen::One(Value::Str(s.clone()))
            } else {
                sets::net(&s, false).map_err(|x| net_err(x, &s, false, &e.span))?
            }
        } else if let Ok(ip) = a.parse::<std::net::Ipv6Addr>() {
            Gen::One(Value::Ipv6(ip))
        } else {
            sets::net(&s, true).map_err(|x| net_err(x, &s, true, &e.span))?
        };
        return Ok(vec![(g, e.span.clone())]);
    }
    if let Node::Call(c) = &e.node {
        if c.name == "Net" || c.name == "Net6" {
            if c.name == "Net6" && !v6 {
                return Err(err(
                    c.name_span.clone(),
                    format!("{} takes IPv4 addresses: use Net(...)", d.name),
                ));
            }
            if c.name == "Net" && v6 {
                return Err(err(
                    c.name_span.clone(),
                    format!("{} takes IPv6 addresses: use Net6(...)", d.name),
                ));
            }
            if let Some((_, sp, _)) = c.kwargs.first() {
                return Err(err(
                    sp.clone(),
                    format!("{}() takes one or two addresses", c.name),
                ));
            }
            return match c.args.as_slice() {
                [one] if matches!(one.node, Node::Str(_) | Node::Bytes(_)) => {
                    let s = match &one.node {
                        Node::Str(s) => s.clone(),
                        Node::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
                        _ => String::new(),
                    };
                    let g = sets::net(&s, v6).map_err(|x| net_err(x, &s, v6, &one.span))?;
                    Ok(vec![(g, e.span.clone())])
                }
                [a, b] => addr_parts(
                    &Expr {
                        node: Node::Tuple(vec![a.clone(), b.clone()]),
                        span: e.span.clone(),
                    },
                    d,
                    v6,
                    depth,
                ),
                _ => Err(err(
                    e.span.clone(),
                    format!("{}() takes one or two addresses", c.name),
                )),
            };
        }
    }
    match &e.node {
        Node::Tuple(t) => {
            let strs: Option<Vec<String>> = t
                .iter()
                .map(|x| match &x.node {
                    Node::Str(s) => Some(s.clone()),
                    Node::Bytes(b) => Some(String::from_utf8_lossy(b).into_owned()),
                    _ => None,
                })
                .collect();
            match strs.as_deref() {
                Some([a, b]) => {
                    let g = sets::net_range(a, b, v6).map_err(|x| {
                        let bad = match &x {
                            NetError::Unresolved(h) if h == sets::strip_scope(b) => b,
                            _ => a,
                        };
                        net_err(x, bad, v6, &e.span)
                    })?;
                    Ok(vec![(g, e.span.clone())])
                }
                _ => Err(err(
                    e.span.clone(),
                    format!(
                        "{} takes an address range as a tuple of two addresses, e.g. (\"10.0.0.1\", \"10.0.0.9\")",
                        d.name
                    ),
                )),
            }
        }
        Node::List(items) if depth == 0 => {
            let mut parts = Vec::new();
            for it in items {
                parts.extend(addr_parts(it, d, v6, depth + 1)?);
            }
            Ok(parts)
        }
        Node::List(_) => Err(err(
            e.span.clone(),
            format!(
                "{} takes one address per element; nested lists are not a set",
                d.name
            ),
        )),
        _ => Ok(vec![(Gen::One(to_value(e, Some(d))?), e.span.clone())]),
    }
}

/// Converts an expression to a single [`Value`] (no sets).
fn to_value(e: &Expr, d: Option<&FieldDesc>) -> Result<Value, DslError> {
    Ok(match &e.node {
        Node::Int(n) => match u64::try_from(*n) {
            Ok(v) => Value::Int(v),
            Err(_) => {
                return Err(match d {
                    Some(d) => int_range_err(d, *n, &e.span),
                    None => err(e.span.clone(), format!("{n} is out of range (0..=2^64-1)")),
                });
            }
        },
        Node::Str(s) => Value::Str(s.clone()),
        Node::Bytes(b) => Value::Bytes(b.clone()),
        Node::None => Value::None,
        Node::Bool(b) => Value::Int(u64::from(*b)),
        Node::Name(n) => {
            return Err(err(
                e.span.clone(),
                format!("unknown name {n:?}: strings need quotes (\"{n}\")"),
            ));
        }
        Node::List(items) => Value::List(
            items
                .iter()
                .map(|x| to_value(x, None))
                .collect::<Result<_, _>>()?,
        ),
        Node::Tuple(items) => Value::Tuple(
            items
                .iter()
                .map(|x| to_value(x, None))
                .collect::<Result<_, _>>()?,
        ),
        Node::Call(c) => call_value(c, e)?,
        Node::Stack(parts) => {
            let mut layers = Vec::new();
            for p in parts {
                match &p.node {
                    Node::Call(c) if c.name != "fuzz" && !is_option_ctor(&c.name) => {
                        layers.extend(construct(c, false)?.layers)
                    }
                    Node::Str(s) => {
                        layers.push(Layer::Raw(crate::layers::Raw::from_bytes(s.as_bytes())))
                    }
                    Node::Bytes(b) => layers.push(Layer::Raw(crate::layers::Raw::from_bytes(b))),
                    other => {
                        return Err(err(
                            p.span.clone(),
                            format!("expected a layer, found {}", describe(other)),
                        ));
                    }
                }
            }
            Value::Packet(Box::new(Packet::from_layers(layers)))
        }
    })
}

fn is_option_ctor(name: &str) -> bool {
    name.starts_with("IPOption")
        || matches!(
            name,
            "Pad1" | "PadN" | "RouterAlert" | "HBHOptUnknown" | "EDNS0TLV"
        )
}

fn call_value(c: &Call, e: &Expr) -> Result<Value, DslError> {
    if c.name == "fuzz" {
        return Err(err(
            c.name_span.clone(),
            "fuzz() applies to the layers of the packet, not to field values",
        ));
    }
    if is_option_ctor(&c.name) {
        return option_value(c, e);
    }
    if c.name == "Net" || c.name == "Net6" {
        return Err(err(
            c.name_span.clone(),
            format!("{}() is only accepted in IPv4/IPv6 address fields", c.name),
        ));
    }
    let b = construct(c, false)?;
    Ok(Value::Packet(Box::new(Packet::from_layers(b.layers))))
}

/// Keyword arguments of an option constructor, checked against its field names.
struct Args<'a> {
    call: &'a Call,
}

impl<'a> Args<'a> {
    fn new(call: &'a Call, fields: &[&str]) -> Result<Args<'a>, DslError> {
        for (f, sp, _) in &call.kwargs {
            if !fields.contains(&f.as_str()) {
                return Err(err(
                    sp.clone(),
                    format!(
                        "unknown field {f:?} for {}; its fields are: {}",
                        call.name,
                        fields.join(", ")
                    ),
                ));
            }
        }
        Ok(Args { call })
    }

    fn get(&self, name: &str) -> Option<&'a Expr> {
        self.call
            .kwargs
            .iter()
            .find(|(f, _, _)| f == name)
            .map(|(_, _, e)| e)
    }

    fn int(&self, name: &str, max: u64, default: u64) -> Result<u64, DslError> {
        let Some(e) = self.get(name) else {
            return Ok(default);
        };
        match int_of(&e.node) {
            Some(n) if n >= 0 && n <= i128::from(max) => {
                u64::try_from(n).map_err(|_| err(e.span.clone(), "bad integer"))
            }
            Some(n) => Err(err(
                e.span.clone(),
                format!("{name} takes 0..={max}, got {n}"),
            )),
            None => Err(err(
                e.span.clone(),
                format!("{name} takes an integer, got {}", describe(&e.node)),
            )),
        }
    }

    /// An optional integer (`None` when absent or `None`).
    fn opt_int(&self, name: &str, max: u64) -> Result<Value, DslError> {
        match self.get(name) {
            None => Ok(Value::None),
            Some(e) if e.node == Node::None => Ok(Value::None),
            Some(_) => Ok(Value::Int(self.int(name, max, 0)?)),
        }
    }

    fn bytes(&self, name: &str) -> Result<Vec<u8>, DslError> {
        match self.get(name).map(|e| (&e.node, e)) {
            None => Ok(Vec::new()),
            Some((Node::Bytes(b), _)) => Ok(b.clone()),
            Some((Node::Str(s), _)) => Ok(s.as_bytes().to_vec()),
            Some((_, e)) => Err(err(e.span.clone(), format!("{name} takes bytes"))),
        }
    }

    fn value(&self, name: &str, default: Value) -> Result<Value, DslError> {
        match self.get(name) {
            None => Ok(default),
            Some(e) => to_value(e, None),
        }
    }

    /// Fields that identify the option: accepted only with their default value.
    fn fixed(&self, name: &str, default: u64, max: u64) -> Result<(), DslError> {
        if let Some(e) = self.get(name) {
            if self.int(name, max, default)? != default {
                return Err(err(
                    e.span.clone(),
                    format!(
                        "{} with another {name} is a different option; use IPOption(option=..., value=b\"...\") \
                         or IPOption(b\"...\")",
                        self.call.name
                    ),
                ));
            }
        }
        Ok(())
    }
}

fn tuple(name: &str, v: Value) -> Value {
    Value::Tuple(vec![Value::Str(name.to_string()), v])
}

fn option_value(c: &Call, e: &Expr) -> Result<Value, DslError> {
    let name = c.name.as_str();
    // Positional bytes: the option's wire form, emitted verbatim.
    if let Some(arg) = c.args.first() {
        let b = match &arg.node {
            Node::Bytes(b) => b.clone(),
            Node::Str(s) => s.as_bytes().to_vec(),
            other => {
                return Err(err(
                    arg.span.clone(),
                    format!(
                        "{name}() takes the option's bytes, found {}",
                        describe(other)
                    ),
                ));
            }
        };
        if c.args.len() > 1 || !c.kwargs.is_empty() {
            return Err(err(
                e.span.clone(),
                format!("{name}(bytes) takes no other arguments"),
            ));
        }
        return Ok(tuple("Raw", Value::Bytes(b)));
    }
    let ip_hdr = ["copy_flag", "optclass", "option"];
    let with = |extra: &[&'static str]| -> Vec<&'static str> {
        let mut v: Vec<&'static str> = ip_hdr.to_vec();
        v.extend_from_slice(extra);
        v
    };
    let fixed = |a: &Args<'_>, copy: u64, class: u64, opt: u64| -> Result<(), DslError> {
        a.fixed("copy_flag", copy, 1)?;
        a.fixed("optclass", class, 3)?;
        a.fixed("option", opt, 31)
    };
    Ok(match name {
        "IPOption_NOP" | "IPOption_EOL" => {
            let a = Args::new(c, &ip_hdr)?;
            let opt = u64::from(name == "IPOption_NOP");
            fixed(&a, 0, 0, opt)?;
            tuple(if opt == 1 { "NOP" } else { "EOL" }, Value::None)
        }
        "IPOption_RR" | "IPOption_LSRR" | "IPOption_SSRR" => {
            let a = Args::new(c, &with(&["length", "pointer", "routers"]))?;
            let (short, copy, opt) = match name {
                "IPOption_RR" => ("RR", 0, 7),
                "IPOption_LSRR" => ("LSRR", 1, 3),
                _ => ("SSRR", 1, 9),
            };
            fixed(&a, copy, 0, opt)?;
            let routers = a.value("routers", Value::List(Vec::new()))?;
            let routers = match routers {
                Value::List(_) => routers,
                other => Value::List(vec![other]),
            };
            let pointer = a.int("pointer", 255, 4)?;
            let length = a.opt_int("length", 255)?;
            if pointer == 4 && length == Value::None {
                tuple(short, routers)
            } else {
                tuple(
                    short,
                    Value::Tuple(vec![routers, Value::Int(pointer), length]),
                )
            }
        }
        "IPOption_Timestamp" => {
            let a = Args::new(
                c,
                &with(&[
                    "length",
                    "pointer",
                    "oflw",
                    "flg",
                    "internet_address",
                    "timestamp",
                ]),
            )?;
            fixed(&a, 0, 2, 4)?;
            let v = vec![
                Value::Int(a.int("flg", 15, 1)?),
                a.value("internet_address", Value::Str("0.0.0.0".into()))?,
                Value::Int(a.int("timestamp", u64::from(u32::MAX), 0)?),
                Value::Int(a.int("pointer", 255, 9)?),
                Value::Int(a.int("oflw", 15, 0)?),
                a.opt_int("length", 255)?,
            ];
            tuple("Timestamp", Value::Tuple(v))
        }
        "IPOption_Router_Alert" => {
            let a = Args::new(c, &with(&["length", "alert"]))?;
            fixed(&a, 1, 0, 20)?;
            let alert = a.int("alert", 65535, 0)?;
            let length = a.int("length", 255, 4)?;
            tuple(
                "RouterAlert",
                Value::Tuple(vec![Value::Int(alert), Value::Int(length)]),
            )
        }
        "IPOption" => {
            let a = Args::new(c, &with(&["length", "value"]))?;
            let t = (a.int("copy_flag", 1, 0)? << 7)
                | (a.int("optclass", 3, 0)? << 5)
                | a.int("option", 31, 0)?;
            tuple(
                "Unknown",
                Value::Tuple(vec![
                    Value::Int(t),
                    Value::Bytes(a.bytes("value")?),
                    a.opt_int("length", 255)?,
                ]),
            )
        }
        "Pad1" => {
            let a = Args::new(c, &["otype"])?;
            a.fixed("otype", 0, 255)?;
            tuple("Pad1", Value::None)
        }
        "PadN" => {
            let a = Args::new(c, &["otype", "optlen", "optdata"])?;
            a.fixed("otype", 1, 255)?;
            let data = Value::Bytes(a.bytes("optdata")?);
            match a.opt_int("optlen", 255)? {
                Value::None => tuple("PadN", data),
                l => tuple("PadN", Value::Tuple(vec![data, l])),
            }
        }
        "RouterAlert" => {
            let a = Args::new(c, &["otype", "optlen", "value"])?;
            a.fixed("otype", 5, 255)?;
            let v = a.int("value", 65535, 0)?;
            let l = a.int("optlen", 255, 2)?;
            tuple(
                "RouterAlert",
                Value::Tuple(vec![Value::Int(v), Value::Int(l)]),
            )
        }
        "HBHOptUnknown" => {
            let a = Args::new(c, &["otype", "optlen", "optdata"])?;
            tuple(
                "Unknown",
                Value::Tuple(vec![
                    Value::Int(a.int("otype", 255, 1)?),
                    Value::Bytes(a.bytes("optdata")?),
                    a.opt_int("optlen", 255)?,
                ]),
            )
        }
        "EDNS0TLV" => {
            let a = Args::new(c, &["optcode", "optlen", "optdata"])?;
            if let Some(e) = a.get("optlen") {
                if e.node != Node::None {
                    return Err(err(
                        e.span.clone(),
                        "EDNS0TLV's optlen is computed; setting it is not supported",
                    ));
                }
            }
            let code = match a.get("optcode") {
                Some(x) => match &x.node {
                    Node::Str(s) => Value::Str(s.clone()),
                    _ => Value::Int(a.int("optcode", 65535, 0)?),
                },
                None => Value::Int(0),
            };
            Value::Tuple(vec![code, Value::Bytes(a.bytes("optdata")?)])
        }
        _ => return Err(unknown_name(name, c.name_span.clone(), "constructor")),
    })
}

fn special_value(sname: &str, field: &str, e: &Expr) -> Result<Value, DslError> {
    let v = to_value(e, None)?;
    let names = ["exchange", "mname", "rname", "target"];
    if names.contains(&field) {
        return match v {
            Value::Str(_) | Value::Bytes(_) => Ok(v),
            _ => Err(err(e.span.clone(), format!("{field} takes a domain name"))),
        };
    }
    let max = match (sname, field) {
        ("DNSRROPT", "extrcode" | "version") => 255,
        ("DNSRROPT", "z") | (_, "preference" | "priority" | "weight" | "port") => 65535,
        _ => u64::from(u32::MAX),
    };
    match v {
        Value::Int(n) if n <= max => Ok(v),
        Value::Int(n) => Err(err(
            e.span.clone(),
            format!("{field} takes 0..={max}, got {n}"),
        )),
        _ => Err(err(e.span.clone(), format!("{field} takes an integer"))),
    }
}

fn apply_special(
    l: &mut Layer,
    sname: &str,
    vals: &[(&str, Value)],
    span: &Range<usize>,
) -> Result<(), DslError> {
    let get = |f: &str, d: Value| {
        vals.iter()
            .find(|(n, _)| *n == f)
            .map(|(_, v)| v.clone())
            .unwrap_or(d)
    };
    let int = |f: &str| get(f, Value::Int(0)).as_int().unwrap_or(0);
    let root = || Value::Bytes(b".".to_vec());
    let Layer::DNSRR(r) = l else {
        return Ok(());
    };
    let rdata = match sname {
        "DNSRRMX" => Value::Tuple(vec![
            get("preference", Value::Int(0)),
            get("exchange", root()),
        ]),
        "DNSRRSOA" => Value::Tuple(vec![
            get("mname", root()),
            get("rname", root()),
            get("serial", Value::Int(0)),
            get("refresh", Value::Int(0)),
            get("retry", Value::Int(0)),
            get("expire", Value::Int(0)),
            get("minimum", Value::Int(0)),
        ]),
        "DNSRRSRV" => Value::Tuple(vec![
            get("priority", Value::Int(0)),
            get("weight", Value::Int(0)),
            get("port", Value::Int(0)),
            get("target", root()),
        ]),
        _ => {
            if !vals.is_empty() {
                let z = vals
                    .iter()
                    .find(|(n, _)| *n == "z")
                    .and_then(|(_, v)| v.as_int())
                    .unwrap_or(0x8000);
                let ttl = (int("extrcode") << 24) | (int("version") << 16) | z;
                r.ttl = u32::try_from(ttl).unwrap_or(0);
            }
            return Ok(());
        }
    };
    use crate::layers::Fields;
    r.set("rdata", rdata)
        .map_err(|e| err(span.clone(), e.to_string()))
}
