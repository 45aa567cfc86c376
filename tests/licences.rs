//! The dependency audit that runs here (issue #12): every crate of the build (all
//! features, Linux) is under a licence of the allowed list, read from `cargo metadata`
//! with no database to fetch. `cargo deny check advisories licenses bans` (deny.toml) is
//! the full audit; its advisory database is a git repository this machine cannot fetch,
//! so CI runs this check instead (README, "Resource bounds and audit").

use std::collections::BTreeMap;
use std::process::Command;

/// The licences a dependency may be under (deny.toml's `allow` list, the same).
const ALLOWED: &[&str] = &[
    "MIT",
    "Apache-2.0",
    "Apache-2.0 WITH LLVM-exception",
    "BSD-2-Clause",
    "BSD-3-Clause",
    "ISC",
    "Zlib",
    "0BSD",
    "Unlicense",
    "CC0-1.0",
    "Unicode-3.0",
    "Unicode-DFS-2016",
];

/// Whether an SPDX expression (`A OR B`, `A AND B`, parentheses, `WITH`, and the old
/// `A/B` form for OR) can be satisfied with the allowed licences.
fn allowed(expr: &str) -> bool {
    let spaced = expr
        .replace('(', " ( ")
        .replace(')', " ) ")
        .replace('/', " OR ");
    let toks: Vec<&str> = spaced.split_whitespace().collect();
    let mut at = 0;
    let ok = or_expr(&toks, &mut at);
    ok == Some(true) && at == toks.len()
}

fn or_expr(t: &[&str], at: &mut usize) -> Option<bool> {
    let mut v = and_expr(t, at)?;
    while t.get(*at) == Some(&"OR") {
        *at += 1;
        v |= and_expr(t, at)?;
    }
    Some(v)
}

fn and_expr(t: &[&str], at: &mut usize) -> Option<bool> {
    let mut v = term(t, at)?;
    while t.get(*at) == Some(&"AND") {
        *at += 1;
        v &= term(t, at)?;
    }
    Some(v)
}

fn term(t: &[&str], at: &mut usize) -> Option<bool> {
    let tok = *t.get(*at)?;
    *at += 1;
    if tok == "(" {
        let v = or_expr(t, at)?;
        if t.get(*at) != Some(&")") {
            return None;
        }
        *at += 1;
        return Some(v);
    }
    let mut id = tok.to_string();
    if t.get(*at) == Some(&"WITH") {
        id = format!("{id} WITH {}", t.get(*at + 1)?);
        *at += 2;
    }
    Some(ALLOWED.contains(&id.as_str()))
}

#[test]
fn the_expression_reader_takes_or_and_with_and_parentheses() {
    assert!(allowed("MIT OR Apache-2.0"));
    assert!(allowed("MIT/Apache-2.0"));
    assert!(allowed("(MIT OR Apache-2.0) AND Unicode-3.0"));
    assert!(allowed(
        "Apache-2.0 WITH LLVM-exception OR Apache-2.0 OR MIT"
    ));
    assert!(allowed("MIT OR Apache-2.0 OR LGPL-2.1-or-later"));
    assert!(!allowed("GPL-3.0-only"));
    assert!(!allowed("MIT AND GPL-2.0-only"));
    assert!(!allowed("(MIT"));
    assert!(!allowed(""));
}

#[test]
fn every_dependency_is_under_an_allowed_licence() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--all-features",
            "--filter-platform",
            "x86_64-unknown-linux-gnu",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata");
    assert!(
        out.status.success(),
        "cargo metadata: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let m: serde_json::Value = serde_json::from_slice(&out.stdout).expect("metadata JSON");
    // Only what the build resolves for Linux: the packages of the resolved graph.
    let used: Vec<&str> = m["resolve"]["nodes"]
        .as_array()
        .expect("resolve.nodes")
        .iter()
        .filter_map(|n| n["id"].as_str())
        .collect();
    let mut bad = BTreeMap::new();
    let mut seen = 0;
    for p in m["packages"].as_array().expect("packages") {
        let id = p["id"].as_str().unwrap_or("");
        if !used.contains(&id) {
            continue;
        }
        seen += 1;
        let name = format!(
            "{} {}",
            p["name"].as_str().unwrap_or("?"),
            p["version"].as_str().unwrap_or("?")
        );
        match p["license"].as_str() {
            Some(l) if allowed(l) => {}
            Some(l) => {
                bad.insert(name, l.to_string());
            }
            None => {
                bad.insert(name, "no licence expression".into());
            }
        }
    }
    assert!(seen > 50, "the graph was read ({seen} packages)");
    assert!(
        bad.is_empty(),
        "licences outside the allowed list: {bad:#?}"
    );
}
