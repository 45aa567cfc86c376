//! HTTP/1.x (RFC 9112), as far as one TCP segment shows it: the request or status line
//! and the header lines of a segment that starts a message. pktforge has no HTTP layer
//! (the payload stays `Raw`); this file holds how Wireshark recognises HTTP (used by
//! `frame.protocols`) and its `http.*` fields.
//!
//! Wireshark tries the payload of a TCP segment on ports 80 and 8080 (the lower port
//! first, see [`crate::output::json`]); with TCP reassembly off, each segment that starts
//! with a method or `HTTP/` is a message, and its complete lines are read.

use crate::dissect::View;
use crate::fields::{Base, Emit, FieldDef, FieldType, FieldVal, Frame, Protocol, VIEW_RAW};
use crate::layers::LayerKind;

/// The starts of a request or response line, as Wireshark decides it (PATCH included,
/// unlike tcpdump's list in the `tcpdump` section below).
const STARTS: [&[u8]; 10] = [
    b"GET ",
    b"POST ",
    b"HEAD ",
    b"PUT ",
    b"DELETE ",
    b"OPTIONS ",
    b"CONNECT ",
    b"TRACE ",
    b"PATCH ",
    b"HTTP/",
];

/// True when `p` starts an HTTP request or response line.
pub fn is_http_start(p: &[u8]) -> bool {
    STARTS.iter().any(|m| p.starts_with(m))
}

/// Position of the first `needle` in `hay`.
pub(crate) fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    // memchr's SIMD search (regex's own dependency): the end of an HTTP head was a tenth
    // of `stats --phs` searched window by window (callgrind).
    memchr::memmem::find(hay, needle)
}

/// Wireshark's name for the body of a message with these header lines (`head`, without
/// the empty line): the media dissector of its Content-Type.
pub fn body_protocol(head: &[u8]) -> &'static str {
    let ctype = head.split(|&b| b == b'\n').find_map(|line| {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let (k, v) = (line.get(..13)?, line.get(13..)?);
        k.eq_ignore_ascii_case(b"content-type:")
            .then(|| v.trim_ascii())
            .filter(|v| !v.is_empty())
    });
    let Some(t) = ctype else { return "data" };
    let starts = |p: &[u8]| t.get(..p.len()).is_some_and(|x| x.eq_ignore_ascii_case(p));
    if starts(b"text/") {
        "data-text-lines"
    } else if starts(b"application/x-www-form-urlencoded") {
        "urlencoded-form"
    } else {
        "data"
    }
}

/// The HTTP message a frame's TCP payload starts, if Wireshark sees one there.
fn message<'a>(f: &Frame<'_, 'a>) -> Option<&'a [u8]> {
    let layers = f.layers();
    let i = layers
        .iter()
        .position(|l| l.kind == LayerKind::TCP && matches!(l.view, View::Tcp(_)))?;
    let (View::Tcp(t), Some(next)) = (layers.get(i)?.view, layers.get(i + 1)) else {
        return None;
    };
    let View::Raw(p) = next.view else {
        return None;
    };
    (crate::output::json::tcp_app(t.sport(), t.dport()) == Some("http") && is_http_start(p))
        .then_some(p)
}

/// The message's lines up to the empty line that ends the headers, without their line
/// ends; a last line cut by the end of the segment is left out.
fn lines(p: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = p;
    std::iter::from_fn(move || {
        let n = rest.iter().position(|&b| b == b'\n')?;
        let line = rest.get(..n)?;
        rest = rest.get(n + 1..).unwrap_or(&[]);
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        (!line.is_empty()).then_some(line)
    })
}

/// Emits the request line's part `k` (method, URI, version).
fn request<'a>(f: &Frame<'_, 'a>, e: Emit<'_, 'a>, k: usize) {
    let Some(p) = message(f) else { return };
    if p.starts_with(b"HTTP/") {
        return;
    }
    let Some(first) = lines(p).next() else { return };
    let mut parts = first.splitn(3, |&b| b == b' ');
    if let Some(s) = parts.nth(k) {
        e(FieldVal::Str(s));
    }
}

/// Emits the value of every header line named `name` (case-insensitive), leading and
/// trailing blanks removed.
fn header<'a>(f: &Frame<'_, 'a>, e: Emit<'_, 'a>, name: &[u8]) {
    let Some(p) = message(f) else { return };
    for line in lines(p).skip(1) {
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            continue;
        };
        let (k, v) = (
            line.get(..colon).unwrap_or(&[]),
            line.get(colon + 1..).unwrap_or(&[]),
        );
        if k.eq_ignore_ascii_case(name) {
            e(FieldVal::Str(v.trim_ascii()));
        }
    }
}

/// A decimal number of at most 19 digits.
fn decimal(s: &[u8]) -> Option<u64> {
    if s.is_empty() || s.len() > 19 || !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(s.iter().fold(0u64, |n, &d| n * 10 + u64::from(d - b'0')))
}

/// Wireshark's `http.*` fields.
pub static FIELDS: &[FieldDef] = &[
    FieldDef {
        name: "http.request.method",
        ty: FieldType::Str,
        base: Base::None,
        desc: "HTTP Request Method",
        each: |f, e| request(f, e, 0),
    },
    FieldDef {
        name: "http.request.uri",
        ty: FieldType::Str,
        base: Base::None,
        desc: "HTTP Request-URI",
        each: |f, e| request(f, e, 1),
    },
    FieldDef {
        name: "http.request.version",
        ty: FieldType::Str,
        base: Base::None,
        desc: "HTTP Request HTTP-Version",
        each: |f, e| request(f, e, 2),
    },
    FieldDef {
        name: "http.host",
        ty: FieldType::Str,
        base: Base::None,
        desc: "HTTP Host",
        each: |f, e| header(f, e, b"host"),
    },
    FieldDef {
        name: "http.user_agent",
        ty: FieldType::Str,
        base: Base::None,
        desc: "HTTP User-Agent header",
        each: |f, e| header(f, e, b"user-agent"),
    },
    FieldDef {
        name: "http.response.code",
        ty: FieldType::UInt,
        base: Base::Dec,
        desc: "HTTP Response Status Code",
        each: |f, e| {
            let Some(p) = message(f) else { return };
            if !p.starts_with(b"HTTP/") {
                return;
            }
            let Some(first) = lines(p).next() else { return };
            if let Some(code) = first.split(|&b| b == b' ').nth(1).and_then(decimal) {
                e(FieldVal::UInt(code));
            }
        },
    },
    FieldDef {
        name: "http.content_type",
        ty: FieldType::Str,
        base: Base::None,
        desc: "HTTP Content-Type header",
        each: |f, e| header(f, e, b"content-type"),
    },
    FieldDef {
        name: "http.content_length",
        ty: FieldType::UInt,
        base: Base::Dec,
        desc: "Content length",
        each: |f, e| {
            header(
                f,
                &mut |v| {
                    if let FieldVal::Str(s) = v {
                        if let Some(n) = decimal(s) {
                            e(FieldVal::UInt(n));
                        }
                    }
                },
                b"content-length",
            )
        },
    },
];

/// The `http` table.
pub static PROTOCOL: Protocol = Protocol {
    name: "http",
    title: "Hypertext Transfer Protocol",
    fields: FIELDS,
    json: 0,
    views: VIEW_RAW,
};

// -------------------------------------------------------------------------------------------
// tcpdump line: HTTP's part of `pktforge read`'s one-line summary, as tcpdump's
// print-http.c prints it. The line's frame (time, link header, the walk over layers) is
// src/output/line.rs; it calls this by layer kind.
// -------------------------------------------------------------------------------------------

/// HTTP's part of the tcpdump line.
pub(crate) mod tcpdump {

    /// `: HTTP: GET / HTTP/1.1` (the first line of a request or response on port 80).
    /// HTTP on port 80, as tcpdump prints it: the first line of a request or response. `cut`:
    /// the segment was captured shorter than its length.
    pub(crate) fn line(b: &[u8], cut: bool, out: &mut Vec<u8>) {
        out.extend_from_slice(b": HTTP");
        if cut {
            http_cut(b, out);
            return;
        }
        let first = b.split(|&c| c == b'\r' || c == b'\n').next().unwrap_or(&[]);
        // tcpdump's list, which differs from Wireshark's in src/output/json.rs on purpose:
        // tcpdump prints a PATCH request as a bare ": HTTP" (checked with tcpdump 4.99).
        let methods: [&[u8]; 9] = [
            b"GET ",
            b"POST ",
            b"HEAD ",
            b"PUT ",
            b"DELETE ",
            b"OPTIONS ",
            b"TRACE ",
            b"CONNECT ",
            b"HTTP/",
        ];
        if methods.iter().any(|m| first.starts_with(m))
            && first.iter().all(|c| (0x20..0x7f).contains(c))
        {
            out.extend_from_slice(b": ");
            out.extend_from_slice(first);
        }
    }

    /// The first line of a request or response cut by the snap length, as tcpdump's
    /// `txtproto_print` reads it: a request method or `HTTP/x.y NNN`, each token ended inside
    /// the captured bytes, then a line ended inside them, else `[|http]`.
    fn http_cut(b: &[u8], out: &mut Vec<u8>) {
        let delim = |c: &u8| matches!(c, b' ' | b'\t' | b'\r' | b'\n');
        let token = |from: usize| -> Option<(&[u8], usize)> {
            let rest = b.get(from..)?;
            let n = rest.iter().position(delim)?;
            let skip = rest
                .get(n..)?
                .iter()
                .take_while(|c| matches!(c, b' ' | b'\t'))
                .count();
            Some((rest.get(..n)?, from + n + skip))
        };
        const METHODS: [&[u8]; 8] = [
            b"GET", b"POST", b"HEAD", b"PUT", b"DELETE", b"OPTIONS", b"TRACE", b"CONNECT",
        ];
        let is_reqresp = match token(0) {
            Some((t, next)) => {
                METHODS.iter().any(|m| t.eq_ignore_ascii_case(m))
                    || token(next)
                        .is_some_and(|(c, _)| c.len() == 3 && c.iter().all(u8::is_ascii_digit))
            }
            None => false,
        };
        if !is_reqresp {
            return;
        }
        for (i, &c) in b.iter().enumerate() {
            let line = b.get(..i).unwrap_or(&[]);
            match c {
                b'\n' => {
                    out.extend_from_slice(b": ");
                    out.extend_from_slice(line);
                    return;
                }
                b'\r' => match b.get(i + 1) {
                    Some(b'\n') => {
                        out.extend_from_slice(b": ");
                        out.extend_from_slice(line);
                        return;
                    }
                    Some(_) => return,
                    None => break,
                },
                c if c == b'\t' || (0x20..0x7f).contains(&c) => {}
                _ => return,
            }
        }
        out.extend_from_slice(b" [|http]");
    }
}
