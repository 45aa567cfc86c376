//! Recursive-descent parser: tokens to an expression tree with spans.
//!
//! Precedence follows Python: `+` and `-` bind loosest, then `*` and `/` (left to right),
//! then unary `-`/`+`, then `**`. Constant arithmetic (`"x"*4`, `2**16-1`) is folded here;
//! `/` between packets builds a stack. Nesting is bounded by [`MAX_DEPTH`] and repetition
//! by [`MAX_REPEAT`].

use std::ops::Range;

use super::DslError;
use super::lexer::{Tok, Token};

/// Deepest nesting of brackets and calls accepted.
pub const MAX_DEPTH: usize = 64;
/// Largest string or bytes value `*` may build (1 MiB).
pub const MAX_REPEAT: usize = 1 << 20;

/// A node of the expression tree.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// An integer.
    Int(i128),
    /// A text string.
    Str(String),
    /// Bytes.
    Bytes(Vec<u8>),
    /// `None`.
    None,
    /// `True` / `False`.
    Bool(bool),
    /// A bare name that is not a call (an error when evaluated).
    Name(String),
    /// `[a, b]`
    List(Vec<Expr>),
    /// `(a, b)`
    Tuple(Vec<Expr>),
    /// `Name(args, field=value)`
    Call(Call),
    /// `a / b / c`: a stack of layers.
    Stack(Vec<Expr>),
}

/// A call: a layer or option constructor, or `fuzz(...)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    /// The name called.
    pub name: String,
    /// Where the name is.
    pub name_span: Range<usize>,
    /// Positional arguments.
    pub args: Vec<Expr>,
    /// Keyword arguments: name, its span, value.
    pub kwargs: Vec<(String, Range<usize>, Expr)>,
}

/// A node and its span.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    /// The node.
    pub node: Node,
    /// Byte range in the expression.
    pub span: Range<usize>,
}

fn err(span: Range<usize>, msg: impl Into<String>) -> DslError {
    DslError {
        span,
        message: msg.into(),
    }
}

/// Checks bracket balance first, so unbalanced input gets a precise message.
fn check_brackets(toks: &[Token]) -> Result<(), DslError> {
    let mut stack: Vec<&Token> = Vec::new();
    for t in toks {
        match t.tok {
            Tok::LParen | Tok::LBracket => stack.push(t),
            Tok::RParen | Tok::RBracket => {
                let want = if t.tok == Tok::RParen {
                    Tok::LParen
                } else {
                    Tok::LBracket
                };
                match stack.pop() {
                    Some(o) if o.tok == want => {}
                    Some(o) => {
                        let close = if o.tok == Tok::LParen { ")" } else { "]" };
                        return Err(err(
                            t.span.clone(),
                            format!(
                                "unexpected {}: the {} at offset {} must be closed with \"{close}\" first",
                                t.tok.describe(),
                                o.tok.describe(),
                                o.span.start
                            ),
                        ));
                    }
                    None => {
                        return Err(err(
                            t.span.clone(),
                            format!("unexpected {}: nothing to close", t.tok.describe()),
                        ));
                    }
                }
            }
            _ => {}
        }
    }
    if let Some(o) = stack.pop() {
        let close = if o.tok == Tok::LParen { ")" } else { "]" };
        return Err(err(
            o.span.clone(),
            format!("unclosed {}: missing \"{close}\"", o.tok.describe()),
        ));
    }
    Ok(())
}

/// Parses a whole expression.
pub fn parse(toks: &[Token]) -> Result<Expr, DslError> {
    check_brackets(toks)?;
    let mut p = Parser {
        toks,
        pos: 0,
        depth: 0,
    };
    let e = p.expr()?;
    let t = p.peek();
    if t.tok != Tok::Eof {
        return Err(err(
            t.span.clone(),
            format!("expected \"/\" or the end, found {}", t.tok.describe()),
        ));
    }
    Ok(e)
}

struct Parser<'a> {
    toks: &'a [Token],
    pos: usize,
    depth: usize,
}

const EOF: Token = Token {
    tok: Tok::Eof,
    span: 0..0,
};

impl Parser<'_> {
    fn peek(&self) -> &Token {
        self.toks
            .get(self.pos)
            .or_else(|| self.toks.last())
            .unwrap_or(&EOF)
    }

    fn bump(&mut self) -> Token {
        let t = self.peek().clone();
        if self.pos < self.toks.len() {
            self.pos += 1;
        }
        t
    }

    fn expect(&mut self, want: Tok, what: &str) -> Result<Token, DslError> {
        let t = self.peek().clone();
        if t.tok == want {
            self.pos += 1;
            Ok(t)
        } else {
            Err(err(
                t.span.clone(),
                format!("expected {what}, found {}", t.tok.describe()),
            ))
        }
    }

    fn enter(&mut self, span: &Range<usize>) -> Result<(), DslError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(err(
                span.clone(),
                format!("expression nested too deeply (limit {MAX_DEPTH})"),
            ));
        }
        Ok(())
    }

    fn expr(&mut self) -> Result<Expr, DslError> {
        let mut lhs = self.term()?;
        loop {
            let op = match self.peek().tok {
                Tok::Plus => Tok::Plus,
                Tok::Minus => Tok::Minus,
                _ => return Ok(lhs),
            };
            let op_span = self.bump().span;
            let rhs = self.term()?;
            lhs = binop(op, op_span, lhs, rhs)?;
        }
    }

    fn term(&mut self) -> Result<Expr, DslError> {
        let mut lhs = self.unary()?;
        loop {
            let op = match self.peek().tok {
                Tok::Star => Tok::Star,
                Tok::Slash => Tok::Slash,
                _ => return Ok(lhs),
            };
            let op_span = self.bump().span;
            let rhs = self.unary()?;
            lhs = binop(op, op_span, lhs, rhs)?;
        }
    }

    fn unary(&mut self) -> Result<Expr, DslError> {
        match self.peek().tok {
            Tok::Minus | Tok::Plus => {
                let t = self.bump();
                self.enter(&t.span)?;
                let e = self.unary()?;
                self.depth -= 1;
                let span = t.span.start..e.span.end;
                match e.node {
                    Node::Int(n) if t.tok == Tok::Minus => Ok(Expr {
                        node: Node::Int(-n),
                        span,
                    }),
                    Node::Int(n) => Ok(Expr {
                        node: Node::Int(n),
                        span,
                    }),
                    Node::Bool(b) => Ok(Expr {
                        node: Node::Int(if t.tok == Tok::Minus {
                            -i128::from(b)
                        } else {
                            i128::from(b)
                        }),
                        span,
                    }),
                    _ => Err(err(
                        t.span,
                        format!("unary {} needs an integer", t.tok.describe()),
                    )),
                }
            }
            _ => self.power(),
        }
    }

    fn power(&mut self) -> Result<Expr, DslError> {
        let base = self.atom()?;
        if self.peek().tok == Tok::Pow {
            let op_span = self.bump().span;
            self.enter(&op_span)?;
            let exp = self.unary()?;
            self.depth -= 1;
            return binop(Tok::Pow, op_span, base, exp);
        }
        Ok(base)
    }

    fn atom(&mut self) -> Result<Expr, DslError> {
        let t = self.bump();
        let span = t.span.clone();
        let node = match t.tok {
            Tok::Int(n) => Node::Int(n),
            Tok::Str(s) => {
                // Adjacent literals concatenate, as in Python.
                let mut s = s;
                let mut end = span.end;
                while let Tok::Str(more) = &self.peek().tok {
                    s.push_str(more);
                    end = self.peek().span.end;
                    self.pos += 1;
                }
                return Ok(Expr {
                    node: Node::Str(s),
                    span: span.start..end,
                });
            }
            Tok::Bytes(b) => {
                let mut b = b;
                let mut end = span.end;
                while let Tok::Bytes(more) = &self.peek().tok {
                    b.extend_from_slice(more);
                    end = self.peek().span.end;
                    self.pos += 1;
                }
                return Ok(Expr {
                    node: Node::Bytes(b),
                    span: span.start..end,
                });
            }
            Tok::Ident(name) => {
                if self.peek().tok == Tok::LParen {
                    return self.call(name, span);
                }
                match name.as_str() {
                    "None" => Node::None,
                    "True" => Node::Bool(true),
                    "False" => Node::Bool(false),
                    _ => Node::Name(name),
                }
            }
            Tok::LBracket => {
                self.enter(&span)?;
                let items = self.items(Tok::RBracket)?;
                let close = self.expect(Tok::RBracket, "\"]\"")?;
                self.depth -= 1;
                return Ok(Expr {
                    node: Node::List(items),
                    span: span.start..close.span.end,
                });
            }
            Tok::LParen => {
                self.enter(&span)?;
                if self.peek().tok == Tok::RParen {
                    let close = self.bump();
                    self.depth -= 1;
                    return Ok(Expr {
                        node: Node::Tuple(Vec::new()),
                        span: span.start..close.span.end,
                    });
                }
                let first = self.expr()?;
                let node = if self.peek().tok == Tok::Comma {
                    self.pos += 1;
                    let mut items = vec![first];
                    items.extend(self.items(Tok::RParen)?);
                    Node::Tuple(items)
                } else {
                    first.node
                };
                let close = self.expect(Tok::RParen, "\")\" or \",\"")?;
                self.depth -= 1;
                return Ok(Expr {
                    node,
                    span: span.start..close.span.end,
                });
            }
            other => {
                return Err(err(
                    span,
                    format!("expected a value or a layer, found {}", other.describe()),
                ));
            }
        };
        Ok(Expr { node, span })
    }

    /// Comma-separated expressions up to (not including) `close`; a trailing comma is fine.
    fn items(&mut self, close: Tok) -> Result<Vec<Expr>, DslError> {
        let mut v = Vec::new();
        loop {
            if self.peek().tok == close {
                return Ok(v);
            }
            v.push(self.expr()?);
            match &self.peek().tok {
                Tok::Comma => {
                    self.pos += 1;
                }
                t if *t == close => return Ok(v),
                other => {
                    let what = if close == Tok::RParen { ")" } else { "]" };
                    return Err(err(
                        self.peek().span.clone(),
                        format!("expected \",\" or \"{what}\", found {}", other.describe()),
                    ));
                }
            }
        }
    }

    fn call(&mut self, name: String, name_span: Range<usize>) -> Result<Expr, DslError> {
        let open = self.expect(Tok::LParen, "\"(\"")?;
        self.enter(&open.span)?;
        let mut args = Vec::new();
        let mut kwargs: Vec<(String, Range<usize>, Expr)> = Vec::new();
        loop {
            if self.peek().tok == Tok::RParen {
                break;
            }
            let is_kw = matches!(self.peek().tok, Tok::Ident(_))
                && self.toks.get(self.pos + 1).map(|t| &t.tok) == Some(&Tok::Eq);
            if is_kw {
                let t = self.bump();
                let Tok::Ident(field) = t.tok else {
                    return Err(err(t.span, "expected a field name"));
                };
                self.pos += 1; // '='
                if kwargs.iter().any(|(f, _, _)| *f == field) {
                    return Err(err(t.span, format!("field {field:?} is given twice")));
                }
                let v = self.expr()?;
                kwargs.push((field, t.span, v));
            } else {
                let e = self.expr()?;
                if !kwargs.is_empty() {
                    return Err(err(
                        e.span,
                        "positional argument after field=value arguments",
                    ));
                }
                args.push(e);
            }
            match &self.peek().tok {
                Tok::Comma => {
                    self.pos += 1;
                }
                Tok::RParen => break,
                other => {
                    return Err(err(
                        self.peek().span.clone(),
                        format!("expected \",\" or \")\", found {}", other.describe()),
                    ));
                }
            }
        }
        let close = self.expect(Tok::RParen, "\")\"")?;
        self.depth -= 1;
        Ok(Expr {
            span: name_span.start..close.span.end,
            node: Node::Call(Call {
                name,
                name_span,
                args,
                kwargs,
            }),
        })
    }
}

fn is_packetish(n: &Node) -> bool {
    matches!(n, Node::Call(_) | Node::Stack(_))
}

fn layers_of(e: Expr) -> Vec<Expr> {
    match e.node {
        Node::Stack(v) => v,
        _ => vec![e],
    }
}

fn repeat<T: Copy>(v: &[T], n: i128, span: &Range<usize>) -> Result<Vec<T>, DslError> {
    let n = usize::try_from(n.max(0)).unwrap_or(usize::MAX);
    let total = v.len().saturating_mul(n);
    if total > MAX_REPEAT {
        return Err(err(
            span.clone(),
            format!("repetition too large: {n} times, the limit is {MAX_REPEAT} bytes in all"),
        ));
    }
    Ok(v.repeat(n))
}

fn binop(op: Tok, op_span: Range<usize>, lhs: Expr, rhs: Expr) -> Result<Expr, DslError> {
    let span = lhs.span.start..rhs.span.end;
    let too_large = || err(span.clone(), "integer too large");
    let int_of = |n: &Node| match n {
        Node::Int(v) => Some(*v),
        Node::Bool(b) => Some(i128::from(*b)),
        _ => None,
    };
    let (li, ri) = (int_of(&lhs.node), int_of(&rhs.node));
    let node = match op {
        Tok::Slash => {
            let ok = (is_packetish(&lhs.node)
                && matches!(
                    rhs.node,
                    Node::Call(_) | Node::Stack(_) | Node::Str(_) | Node::Bytes(_)
                ))
                || (matches!(lhs.node, Node::Str(_) | Node::Bytes(_)) && is_packetish(&rhs.node));
            if !ok {
                return Err(err(
                    op_span,
                    "\"/\" stacks layers: both sides must be layers (or a string/bytes payload)",
                ));
            }
            let mut v = layers_of(lhs);
            v.extend(layers_of(rhs));
            Node::Stack(v)
        }
        Tok::Star => match (&lhs.node, &rhs.node) {
            (Node::Str(s), _) if ri.is_some() => {
                let c: Vec<char> = s.chars().collect();
                Node::Str(repeat(&c, ri.unwrap_or(0), &span)?.into_iter().collect())
            }
            (_, Node::Str(s)) if li.is_some() => {
                let c: Vec<char> = s.chars().collect();
                Node::Str(repeat(&c, li.unwrap_or(0), &span)?.into_iter().collect())
            }
            (Node::Bytes(b), _) if ri.is_some() => Node::Bytes(repeat(b, ri.unwrap_or(0), &span)?),
            (_, Node::Bytes(b)) if li.is_some() => Node::Bytes(repeat(b, li.unwrap_or(0), &span)?),
            _ => match (li, ri) {
                (Some(a), Some(b)) => Node::Int(a.checked_mul(b).ok_or_else(too_large)?),
                _ => {
                    return Err(err(
                        op_span,
                        "\"*\" multiplies integers or repeats a string or bytes by an integer",
                    ));
                }
            },
        },
        Tok::Pow => match (li, ri) {
            (Some(a), Some(b)) => {
                let e = u32::try_from(b)
                    .map_err(|_| err(rhs.span.clone(), "the exponent must be 0..=127"))?;
                Node::Int(a.checked_pow(e).ok_or_else(too_large)?)
            }
            _ => return Err(err(op_span, "\"**\" needs integers")),
        },
        Tok::Plus => match (&lhs.node, &rhs.node) {
            (Node::Str(a), Node::Str(b)) => {
                if a.len() + b.len() > MAX_REPEAT {
                    return Err(err(span, "string too long"));
                }
                Node::Str(format!("{a}{b}"))
            }
            (Node::Bytes(a), Node::Bytes(b)) => {
                if a.len() + b.len() > MAX_REPEAT {
                    return Err(err(span, "bytes too long"));
                }
                let mut v = a.clone();
                v.extend_from_slice(b);
                Node::Bytes(v)
            }
            (Node::List(a), Node::List(b)) => {
                let mut v = a.clone();
                v.extend(b.iter().cloned());
                Node::List(v)
            }
            _ => match (li, ri) {
                (Some(a), Some(b)) => Node::Int(a.checked_add(b).ok_or_else(too_large)?),
                _ => {
                    return Err(err(
                        op_span,
                        "\"+\" adds integers or joins strings, bytes or lists of the same kind",
                    ));
                }
            },
        },
        Tok::Minus => match (li, ri) {
            (Some(a), Some(b)) => Node::Int(a.checked_sub(b).ok_or_else(too_large)?),
            _ => return Err(err(op_span, "\"-\" needs integers")),
        },
        _ => return Err(err(op_span, "unexpected operator")),
    };
    Ok(Expr { node, span })
}
