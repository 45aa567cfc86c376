//! Tokens of the filter language, with their byte spans.
//!
//! Words are runs of letters, digits and `_ . : -` (so that addresses, MACs, byte strings,
//! `tcp-syn` and `50-60` stay one word), except inside `[...]`, where `:` and `-` are
//! separate tokens (`ip[2:2]`, `eth.src[0:3]`, `frame[1-2]`), and a word stops before `..`
//! (`8000..8100`). `\name` is a word too (tcpdump's escaped protocol names).

use std::ops::Range;

use super::ast::FilterError;

/// Longest expression accepted, in bytes.
pub const MAX_LEN: usize = 64 * 1024;

/// A token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tok {
    /// A word: identifier, number, address.
    Word(String),
    /// A quoted string, escapes resolved.
    Str(Vec<u8>),
    /// Punctuation or an operator: `( ) [ ] { } , : ! != == = < <= > >= & && | || ^ ^^ + -
    /// * / % << >> ~ ~= ..`.
    Op(&'static str),
}

/// A token and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// The token.
    pub tok: Tok,
    /// Its byte span.
    pub span: Range<usize>,
}

const OPS: [&str; 31] = [
    "&&", "||", "^^", "!==", "!=", "==", "<=", ">=", "<<", ">>", "~=", "..", "(", ")", "[", "]",
    "{", "}", ",", ":", "!", "=", "<", ">", "&", "|", "^", "+", "-", "*", "/",
];
const MORE_OPS: [&str; 2] = ["%", "~"];

fn is_word(c: u8, in_brackets: bool) -> bool {
    c.is_ascii_alphanumeric()
        || c == b'_'
        || c == b'.'
        || (!in_brackets && (c == b':' || c == b'-'))
}

/// Splits `s` into tokens.
pub fn lex(s: &str) -> Result<Vec<Token>, FilterError> {
    if s.len() > MAX_LEN {
        return Err(FilterError {
            message: format!(
                "the expression is {} bytes long; at most {MAX_LEN}",
                s.len()
            ),
            span: 0..0,
        });
    }
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut depth = 0usize;
    while let Some(&c) = b.get(i) {
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        if c == b'"' {
            let (bytes, end) = string(b, i)?;
            out.push(Token {
                tok: Tok::Str(bytes),
                span: start..end,
            });
            i = end;
            continue;
        }
        let in_br = depth > 0;
        if c == b'\\' || is_word(c, in_br) && c != b'.' && c != b'-' && c != b':' {
            i += 1;
            while let Some(&d) = b.get(i) {
                let dots = d == b'.' && b.get(i + 1) == Some(&b'.');
                if !is_word(d, in_br) || dots {
                    break;
                }
                i += 1;
            }
            let w = s.get(start..i).unwrap_or_default();
            out.push(Token {
                tok: Tok::Word(w.to_string()),
                span: start..i,
            });
            continue;
        }
        // `::1`-style IPv6 words start with a colon outside brackets.
        if c == b':' && !in_br && b.get(i + 1) == Some(&b':') {
            i += 2;
            while b.get(i).is_some_and(|&d| is_word(d, false)) {
                i += 1;
            }
            out.push(Token {
                tok: Tok::Word(s.get(start..i).unwrap_or_default().to_string()),
                span: start..i,
            });
            continue;
        }
        let rest = s.get(i..).unwrap_or_default();
        let Some(op) = OPS
            .iter()
            .chain(MORE_OPS.iter())
            .find(|op| rest.starts_with(**op))
        else {
            let ch = rest.chars().next().unwrap_or('?');
            return Err(FilterError {
                message: format!("unexpected character {ch:?}"),
                span: start..start + ch.len_utf8(),
            });
        };
        match *op {
            "[" => depth += 1,
            "]" => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += op.len();
        out.push(Token {
            tok: Tok::Op(op),
            span: start..i,
        });
    }
    Ok(out)
}

/// A quoted string starting at `b[at] == '"'`: its bytes and the offset past the closing
/// quote. Escapes as Wireshark takes them: `\\ \" \n \t \r \xNN \NNN` (octal).
fn string(b: &[u8], at: usize) -> Result<(Vec<u8>, usize), FilterError> {
    let mut v = Vec::new();
    let mut i = at + 1;
    loop {
        let Some(&c) = b.get(i) else {
            return Err(FilterError {
                message: "this string has no closing quote".into(),
                span: at..b.len(),
            });
        };
        i += 1;
        match c {
            b'"' => return Ok((v, i)),
            b'\\' => {
                let Some(&e) = b.get(i) else { continue };
                i += 1;
                match e {
                    b'n' => v.push(b'\n'),
                    b't' => v.push(b'\t'),
                    b'r' => v.push(b'\r'),
                    b'x' => {
                        let hex = b.get(i..i + 2).and_then(|h| std::str::from_utf8(h).ok());
                        match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                            Some(x) => {
                                v.push(x);
                                i += 2;
                            }
                            None => {
                                return Err(FilterError {
                                    message: "\\x takes two hex digits".into(),
                                    span: i - 2..i,
                                });
                            }
                        }
                    }
                    b'0'..=b'7' => {
                        let mut n: u32 = u32::from(e - b'0');
                        let mut k = 0;
                        while k < 2 {
                            match b.get(i) {
                                Some(&d @ b'0'..=b'7') => {
                                    n = n * 8 + u32::from(d - b'0');
                                    i += 1;
                                    k += 1;
                                }
                                _ => break,
                            }
                        }
                        v.push(u8::try_from(n).unwrap_or(0xff));
                    }
                    other => v.push(other),
                }
            }
            other => v.push(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        lex(s)
            .unwrap()
            .into_iter()
            .map(|t| match t.tok {
                Tok::Word(w) => w,
                Tok::Str(s) => format!("{:?}", String::from_utf8_lossy(&s)),
                Tok::Op(o) => o.to_string(),
            })
            .collect()
    }

    #[test]
    fn tokens() {
        assert_eq!(
            words("tcp[13:1] & tcp-syn != 0"),
            ["tcp", "[", "13", ":", "1", "]", "&", "tcp-syn", "!=", "0"]
        );
        assert_eq!(
            words("net 198.18.0.0/15 or portrange 50-60"),
            ["net", "198.18.0.0", "/", "15", "or", "portrange", "50-60"]
        );
        assert_eq!(
            words("eth.src[0:3] == 02:00:0a && ip6 host ::1"),
            [
                "eth.src", "[", "0", ":", "3", "]", "==", "02:00:0a", "&&", "ip6", "host", "::1"
            ]
        );
        assert_eq!(
            words("tcp.port in {80, 8000..8100}"),
            ["tcp.port", "in", "{", "80", ",", "8000", "..", "8100", "}"]
        );
        assert_eq!(
            words(r#"dns.qry.name contains "a\"b\x41""#),
            ["dns.qry.name", "contains", "\"a\\\"bA\""]
        );
        assert_eq!(words(r"ip proto \tcp"), ["ip", "proto", r"\tcp"]);
        assert!(lex("host 1.2.3.4 $").is_err());
        assert!(lex("\"open").is_err());
    }
}
