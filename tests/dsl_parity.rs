//! Scapy parity of the DSL: every expression of `tests/dsl/parity.tsv` (generated from
//! `tests/dsl/exprs.txt` by `python3 scripts/gen_dsl_parity.py`, which evaluates each one
//! with scapy 2.8) must parse, count the same number of packets, and build the same bytes
//! in the same order. All differences are collected and reported together.

use std::fmt::Write as _;
use std::panic::{AssertUnwindSafe, catch_unwind};

use pktforge::dsl::{self, ExpandOptions};

const PARITY: &str = include_str!("dsl/parity.tsv");

/// One line of the parity file.
struct Case<'a> {
    line: usize,
    expr: &'a str,
    want: Vec<&'a str>,
}

fn cases() -> Vec<Case<'static>> {
    let mut out = Vec::new();
    for (i, line) in PARITY.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let mut parts = line.split('\t');
        let (Some(expr), Some(n), Some(hexes), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            panic!("parity.tsv:{}: expected EXPR<TAB>N<TAB>HEX,...", i + 1);
        };
        let n: usize = n
            .parse()
            .unwrap_or_else(|_| panic!("parity.tsv:{}: bad count {n:?}", i + 1));
        // Every set has at least one packet; an empty field is one empty packet (`Raw()`).
        let want: Vec<&str> = hexes.split(',').collect();
        assert_eq!(
            want.len(),
            n,
            "parity.tsv:{}: count and hex list disagree",
            i + 1
        );
        out.push(Case {
            line: i + 1,
            expr,
            want,
        });
    }
    out
}

fn hex(b: &[u8]) -> String {
    b.iter()
        .fold(String::with_capacity(b.len() * 2), |mut s, x| {
            let _ = write!(s, "{x:02x}");
            s
        })
}

/// The first byte offset where two hex strings differ.
fn first_diff(a: &str, b: &str) -> usize {
    a.as_bytes()
        .chunks(2)
        .zip(b.as_bytes().chunks(2))
        .position(|(x, y)| x != y)
        .unwrap_or(a.len().min(b.len()) / 2)
}

fn panic_text(p: &(dyn std::any::Any + Send)) -> String {
    p.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "non-string panic".into())
}

/// The failures of one case, as report lines.
fn check(case: &Case<'_>) -> Vec<String> {
    let Case { line, expr, want } = case;
    let head = format!("parity.tsv:{line}: {expr}");
    let t = match catch_unwind(|| dsl::parse(expr)) {
        Err(p) => return vec![format!("{head}\n  parse() panicked: {}", panic_text(&*p))],
        Ok(Err(e)) => return vec![format!("{head}\n  parse error:\n{}", e.render(expr))],
        Ok(Ok(t)) => t,
    };
    let mut out = Vec::new();
    let count = t.count();
    if count != want.len() as u128 {
        out.push(format!(
            "{head}\n  count() = {count}, scapy has {}",
            want.len()
        ));
    }
    let got = catch_unwind(AssertUnwindSafe(|| {
        t.packets(&ExpandOptions { seed: Some(0) })
            .take(want.len() + 1)
            .map(|p| p.build().map(|b| hex(&b)).map_err(|e| e.to_string()))
            .collect::<Vec<_>>()
    }));
    let got = match got {
        Ok(g) => g,
        Err(p) => {
            out.push(format!("{head}\n  expansion panicked: {}", panic_text(&*p)));
            return out;
        }
    };
    if got.len() != want.len() {
        out.push(format!(
            "{head}\n  packets() gave {}{} packets, scapy has {}",
            if got.len() > want.len() {
                "more than "
            } else {
                ""
            },
            got.len().min(want.len()),
            want.len()
        ));
    }
    for (i, (g, w)) in got.iter().zip(want.iter()).enumerate() {
        match g {
            Err(e) => out.push(format!("{head}\n  [{i}] build error: {e}\n  scapy:    {w}")),
            Ok(g) if g != w => out.push(format!(
                "{head}\n  [{i}] bytes differ at offset {}\n  scapy:    {w}\n  pktforge: {g}",
                first_diff(g, w)
            )),
            Ok(_) => {}
        }
    }
    out
}

#[test]
fn dsl_builds_what_scapy_builds() {
    let cases = cases();
    assert!(
        cases.len() >= 300,
        "parity.tsv has {} expressions, expected at least 300",
        cases.len()
    );
    let mut failures = Vec::new();
    let mut failed_exprs = 0;
    for case in &cases {
        let f = check(case);
        if !f.is_empty() {
            failed_exprs += 1;
            failures.extend(f);
        }
    }
    let packets: usize = cases.iter().map(|c| c.want.len()).sum();
    if !failures.is_empty() {
        panic!(
            "{failed_exprs} of {} expressions differ from scapy ({} failures):\n\n{}\n",
            cases.len(),
            failures.len(),
            failures.join("\n\n")
        );
    }
    println!(
        "{} expressions, {packets} packets: all identical to scapy",
        cases.len()
    );
}

#[test]
fn parity_file_covers_every_layer() {
    // Every layer kind of the library appears in at least one expression (quoted-datagram
    // aliases included), so a layer added later is not left out of the corpus.
    let exprs: String = cases().iter().map(|c| format!("{}\n", c.expr)).collect();
    let missing: Vec<&str> = pktforge::LayerKind::ALL
        .iter()
        .map(|k| k.name())
        .filter(|name| {
            !exprs
                .match_indices(name)
                .any(|(i, _)| exprs[i + name.len()..].starts_with('('))
        })
        .collect();
    assert!(
        missing.is_empty(),
        "layers missing from the corpus: {missing:?}"
    );
}
