#!/usr/bin/env python3
"""Rewrites the hex of every scapy vector in tests/vectors/*.rs from scapy itself.

A vector is written `v(r#"SCAPY_EXPR"#, "HEX", || RUST_PACKET)` (or `v_lax(...)`); this evaluates
SCAPY_EXPR with scapy (`bytes(eval(expr)).hex()`) and puts the result in HEX.
Usage: python3 scripts/gen_vectors.py [--check]   (needs `pip install scapy`)
With --check it only reports vectors whose hex is stale and exits 1 if any.
"""
import os, re, sys, warnings
warnings.filterwarnings("ignore")
import logging
logging.getLogger("scapy").setLevel(logging.ERROR)
from scapy.all import *  # noqa: F401,F403
import glob as _glob  # after scapy, which exports its own `glob`

PAT = re.compile(r'\bv(?:_lax)?\(\s*r#"(.*?)"#,\s*"([0-9a-f]*)"', re.S)

def main():
    check = "--check" in sys.argv
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "vectors")
    stale = 0
    total = 0
    for path in sorted(_glob.glob(os.path.join(root, "*.rs"))):
        src = open(path).read()
        def repl(m):
            nonlocal stale, total
            total += 1
            expr = m.group(1)
            try:
                h = bytes(eval(expr)).hex()
            except Exception as e:  # report and keep the old value
                print(f"{os.path.basename(path)}: {expr}: scapy error: {e}", file=sys.stderr)
                return m.group(0)
            if h != m.group(2):
                stale += 1
                if check:
                    print(f"stale: {expr}\n  file:  {m.group(2)}\n  scapy: {h}")
            a, b = m.span(2)
            return m.group(0)[: a - m.start()] + h + m.group(0)[b - m.start():]
        new = PAT.sub(repl, src)
        if not check and new != src:
            open(path, "w").write(new)
    # Dissection summaries: scapy's summary() of each vector's bytes, dissected from the
    # vector's first layer class (tests/scapy_summaries.rs compares pktforge's).
    rows = []
    for path in sorted(_glob.glob(os.path.join(root, "*.rs"))):
        for m in PAT.finditer(open(path).read()):
            try:
                p = eval(m.group(1))
                b = bytes(p)
                q = p.__class__(b)
                kind = "lax" if m.group(0).lstrip().startswith("v_lax") else "strict"
                rows.append(f"{p.__class__.__name__}\t{b.hex()}\t{q.summary()}\t{kind}\t{m.group(1)}")
            except Exception:
                pass
    out = os.path.join(root, "summaries.tsv")
    text = "".join(r + "\n" for r in rows)
    if check:
        if not os.path.exists(out) or open(out).read() != text:
            print("stale: tests/vectors/summaries.tsv")
            stale += 1
    else:
        open(out, "w").write(text)
    print(f"{total} vectors, {stale} {'stale' if check else 'updated'}", file=sys.stderr)
    sys.exit(1 if check and stale else 0)

main()
