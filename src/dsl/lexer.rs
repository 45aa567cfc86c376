//! Tokens of the expression language, each with its byte span.
//!
//! Literals follow Python: decimal, `0x`, `0o` and `0b` integers (with `_` separators),
//! strings in single or double quotes with Python's escapes, `r"..."` raw strings and
//! `b"..."` bytes literals (ASCII only, `\xNN` escapes).

use std::ops::Range;

use super::DslError;

/// What a token is.
#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    /// A name: a layer, a field, `None`, `True`, `fuzz`...
    Ident(String),
    /// An integer literal (Python integers are unbounded; ours stop at 2^127).
    Int(i128),
    /// A text string literal.
    Str(String),
    /// A bytes literal.
    Bytes(Vec<u8>),
    /// `(`
    LParen,
    /// `)`
    RParen,
    /// `[`
    LBracket,
    /// `]`
    RBracket,
    /// `,`
    Comma,
    /// `=`
    Eq,
    /// `/`
    Slash,
    /// `*`
    Star,
    /// `**`
    Pow,
    /// `-`
    Minus,
    /// `+`
    Plus,
    /// The end of the expression.
    Eof,
}

impl Tok {
    /// How the token is named in "expected ..., found ..." messages.
    pub fn describe(&self) -> String {
        match self {
            Tok::Ident(s) => format!("name {s:?}"),
            Tok::Int(n) => format!("integer {n}"),
            Tok::Str(_) => "a string".into(),
            Tok::Bytes(_) => "a bytes literal".into(),
            Tok::LParen => "\"(\"".into(),
            Tok::RParen => "\")\"".into(),
            Tok::LBracket => "\"[\"".into(),
            Tok::RBracket => "\"]\"".into(),
            Tok::Comma => "\",\"".into(),
            Tok::Eq => "\"=\"".into(),
            Tok::Slash => "\"/\"".into(),
            Tok::Star => "\"*\"".into(),
            Tok::Pow => "\"**\"".into(),
            Tok::Minus => "\"-\"".into(),
            Tok::Plus => "\"+\"".into(),
            Tok::Eof => "the end of the expression".into(),
        }
    }
}

/// A token and where it is in the expression (byte offsets).
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    /// The token.
    pub tok: Tok,
    /// Its byte range.
    pub span: Range<usize>,
}

fn err(span: Range<usize>, msg: impl Into<String>) -> DslError {
    DslError {
        span,
        message: msg.into(),
    }
}

/// Splits `src` into tokens; the last one is [`Tok::Eof`].
pub fn lex(src: &str) -> Result<Vec<Token>, DslError> {
    let mut out = Vec::new();
    let b = src.as_bytes();
    let mut i = 0usize;
    while i < b.len() {
        let Some(&c) = b.get(i) else { break };
        let start = i;
        match c {
            b' ' | b'\t' | b'\n' | b'\r' => {
                i += 1;
                continue;
            }
            b'(' | b')' | b'[' | b']' | b',' | b'=' | b'/' | b'-' | b'+' => {
                let tok = match c {
                    b'(' => Tok::LParen,
                    b')' => Tok::RParen,
                    b'[' => Tok::LBracket,
                    b']' => Tok::RBracket,
                    b',' => Tok::Comma,
                    b'=' => Tok::Eq,
                    b'/' => Tok::Slash,
                    b'-' => Tok::Minus,
                    _ => Tok::Plus,
                };
                i += 1;
                out.push(Token {
                    tok,
                    span: start..i,
                });
            }
            b'*' => {
                if b.get(i + 1) == Some(&b'*') {
                    i += 2;
                    out.push(Token {
                        tok: Tok::Pow,
                        span: start..i,
                    });
                } else {
                    i += 1;
                    out.push(Token {
                        tok: Tok::Star,
                        span: start..i,
                    });
                }
            }
            b'0'..=b'9' => {
                let (n, end) = lex_int(src, i)?;
                i = end;
                out.push(Token {
                    tok: Tok::Int(n),
                    span: start..i,
                });
            }
            b'\'' | b'"' => {
                let (s, end) = lex_str(src, i, false)?;
                i = end;
                out.push(Token {
                    tok: Tok::Str(s),
                    span: start..i,
                });
            }
            c if c == b'_' || c.is_ascii_alphabetic() => {
                let mut j = i;
                while b
                    .get(j)
                    .is_some_and(|&x| x == b'_' || x.is_ascii_alphanumeric())
                {
                    j += 1;
                }
                let word = src.get(i..j).unwrap_or("");
                let lower = word.to_ascii_lowercase();
                let quote = b.get(j).copied();
                let is_prefix = matches!(lower.as_str(), "b" | "r" | "br" | "rb");
                if is_prefix && matches!(quote, Some(b'\'' | b'"')) {
                    let raw = lower.contains('r');
                    if lower.contains('b') {
                        let (v, end) = lex_bytes(src, j, raw)?;
                        i = end;
                        out.push(Token {
                            tok: Tok::Bytes(v),
                            span: start..i,
                        });
                    } else {
                        let (s, end) = lex_str(src, j, true)?;
                        i = end;
                        out.push(Token {
                            tok: Tok::Str(s),
                            span: start..i,
                        });
                    }
                } else {
                    i = j;
                    out.push(Token {
                        tok: Tok::Ident(word.to_string()),
                        span: start..i,
                    });
                }
            }
            _ => {
                let ch = src.get(i..).and_then(|s| s.chars().next()).unwrap_or('?');
                let end = i + ch.len_utf8();
                return Err(err(start..end, format!("unexpected character {ch:?}")));
            }
        }
    }
    out.push(Token {
        tok: Tok::Eof,
        span: b.len()..b.len(),
    });
    Ok(out)
}

fn lex_int(src: &str, start: usize) -> Result<(i128, usize), DslError> {
    let b = src.as_bytes();
    let mut j = start;
    while b
        .get(j)
        .is_some_and(|&x| x == b'_' || x.is_ascii_alphanumeric())
    {
        j += 1;
    }
    let text = src.get(start..j).unwrap_or("");
    if matches!(b.get(j), Some(b'.')) && text.bytes().all(|c| c.is_ascii_digit() || c == b'_') {
        let mut k = j + 1;
        while b
            .get(k)
            .is_some_and(|&x| x.is_ascii_alphanumeric() || x == b'.')
        {
            k += 1;
        }
        return Err(err(
            start..k,
            "floating-point numbers are not supported; use an integer",
        ));
    }
    let clean: String = text.chars().filter(|&c| c != '_').collect();
    let lower = clean.to_ascii_lowercase();
    let (digits, radix) = if let Some(h) = lower.strip_prefix("0x") {
        (h.to_string(), 16)
    } else if let Some(o) = lower.strip_prefix("0o") {
        (o.to_string(), 8)
    } else if let Some(bn) = lower.strip_prefix("0b") {
        (bn.to_string(), 2)
    } else {
        if lower.len() > 1 && lower.starts_with('0') && lower.bytes().any(|c| c != b'0') {
            return Err(err(
                start..j,
                format!("invalid integer {text:?} (leading zeros; use 0o for octal)"),
            ));
        }
        (lower.clone(), 10)
    };
    if digits.is_empty() || text.ends_with('_') || text.contains("__") {
        return Err(err(start..j, format!("invalid integer {text:?}")));
    }
    match u128::from_str_radix(&digits, radix) {
        Ok(n) => match i128::try_from(n) {
            Ok(v) => Ok((v, j)),
            Err(_) => Err(err(start..j, format!("integer {text} is too large"))),
        },
        Err(e) => {
            if matches!(
                e.kind(),
                std::num::IntErrorKind::PosOverflow | std::num::IntErrorKind::NegOverflow
            ) {
                Err(err(start..j, format!("integer {text} is too large")))
            } else {
                Err(err(start..j, format!("invalid integer {text:?}")))
            }
        }
    }
}

/// Reads a quoted literal's body starting at the quote at `q`; returns the body's raw
/// text range and the offset after the closing quote.
fn quoted(src: &str, q: usize) -> Result<(Range<usize>, usize), DslError> {
    let b = src.as_bytes();
    let Some(&quote) = b.get(q) else {
        return Err(err(q..q, "expected a quote"));
    };
    let triple = b.get(q + 1) == Some(&quote) && b.get(q + 2) == Some(&quote);
    let open_len = if triple { 3 } else { 1 };
    let mut j = q + open_len;
    loop {
        match b.get(j) {
            None => {
                return Err(err(
                    q..q + open_len,
                    "unterminated string: this quote is never closed",
                ));
            }
            Some(b'\\') => j += 2,
            Some(&c) if c == quote => {
                if !triple {
                    return Ok((q + 1..j, j + 1));
                }
                if b.get(j + 1) == Some(&quote) && b.get(j + 2) == Some(&quote) {
                    return Ok((q + 3..j, j + 3));
                }
                j += 1;
            }
            Some(b'\n') if !triple => {
                return Err(err(
                    q..q + 1,
                    "unterminated string: this quote is not closed on its line",
                ));
            }
            Some(_) => j += 1,
        }
    }
}

fn lex_str(src: &str, q: usize, raw: bool) -> Result<(String, usize), DslError> {
    let (body, end) = quoted(src, q)?;
    let text = src.get(body.clone()).unwrap_or("");
    if raw {
        return Ok((text.to_string(), end));
    }
    let mut s = String::with_capacity(text.len());
    let mut it = text.char_indices().peekable();
    while let Some((k, c)) = it.next() {
        if c != '\\' {
            s.push(c);
            continue;
        }
        let at = body.start + k;
        let Some((_, e)) = it.next() else {
            s.push('\\');
            break;
        };
        match e {
            '\n' => {}
            '\\' => s.push('\\'),
            '\'' => s.push('\''),
            '"' => s.push('"'),
            'a' => s.push('\x07'),
            'b' => s.push('\x08'),
            'f' => s.push('\x0c'),
            'n' => s.push('\n'),
            'r' => s.push('\r'),
            't' => s.push('\t'),
            'v' => s.push('\x0b'),
            '0'..='7' => {
                let mut n = e.to_digit(8).unwrap_or(0);
                for _ in 0..2 {
                    match it.peek() {
                        Some((_, d @ '0'..='7')) => {
                            n = n * 8 + d.to_digit(8).unwrap_or(0);
                            it.next();
                        }
                        _ => break,
                    }
                }
                s.push(char::from_u32(n).unwrap_or('\u{fffd}'));
            }
            'x' | 'u' | 'U' => {
                let want = match e {
                    'x' => 2,
                    'u' => 4,
                    _ => 8,
                };
                let mut n = 0u32;
                for _ in 0..want {
                    match it.next().and_then(|(_, d)| d.to_digit(16)) {
                        Some(d) => n = n.wrapping_mul(16).wrapping_add(d),
                        None => {
                            return Err(err(
                                at..at + 2,
                                format!("truncated \\{e} escape: needs {want} hex digits"),
                            ));
                        }
                    }
                }
                match char::from_u32(n) {
                    Some(ch) => s.push(ch),
                    None => {
                        return Err(err(
                            at..at + 2,
                            format!("invalid \\{e} escape: not a character"),
                        ));
                    }
                }
            }
            other => {
                s.push('\\');
                s.push(other);
            }
        }
    }
    Ok((s, end))
}

fn lex_bytes(src: &str, q: usize, raw: bool) -> Result<(Vec<u8>, usize), DslError> {
    let (body, end) = quoted(src, q)?;
    let text = src.get(body.clone()).unwrap_or("");
    if let Some((k, ch)) = text.char_indices().find(|(_, c)| !c.is_ascii()) {
        let at = body.start + k;
        return Err(err(
            at..at + ch.len_utf8(),
            "bytes literals can only contain ASCII characters (use \\xNN escapes)",
        ));
    }
    let tb = text.as_bytes();
    if raw {
        return Ok((tb.to_vec(), end));
    }
    let mut v = Vec::with_capacity(tb.len());
    let mut k = 0usize;
    while let Some(&c) = tb.get(k) {
        if c != b'\\' {
            v.push(c);
            k += 1;
            continue;
        }
        let at = body.start + k;
        let Some(&e) = tb.get(k + 1) else {
            v.push(b'\\');
            break;
        };
        k += 2;
        match e {
            b'\n' => {}
            b'\\' => v.push(b'\\'),
            b'\'' => v.push(b'\''),
            b'"' => v.push(b'"'),
            b'a' => v.push(7),
            b'b' => v.push(8),
            b'f' => v.push(12),
            b'n' => v.push(b'\n'),
            b'r' => v.push(b'\r'),
            b't' => v.push(b'\t'),
            b'v' => v.push(11),
            b'0'..=b'7' => {
                let mut n = u32::from(e - b'0');
                for _ in 0..2 {
                    match tb.get(k) {
                        Some(&d @ b'0'..=b'7') => {
                            n = n * 8 + u32::from(d - b'0');
                            k += 1;
                        }
                        _ => break,
                    }
                }
                v.push((n & 0xff) as u8);
            }
            b'x' => {
                let hex = |x: Option<&u8>| x.and_then(|&d| (d as char).to_digit(16));
                match (hex(tb.get(k)), hex(tb.get(k + 1))) {
                    (Some(h), Some(l)) => {
                        v.push((h * 16 + l) as u8);
                        k += 2;
                    }
                    _ => {
                        return Err(err(at..at + 2, "truncated \\x escape: needs 2 hex digits"));
                    }
                }
            }
            other => {
                v.push(b'\\');
                v.push(other);
            }
        }
    }
    Ok((v, end))
}
