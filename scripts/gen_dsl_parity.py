#!/usr/bin/env python3
"""Evaluates the DSL parity corpus with scapy and writes the bytes scapy builds.

    python3 scripts/gen_dsl_parity.py            # rewrite tests/dsl/parity.tsv
    python3 scripts/gen_dsl_parity.py --check    # report stale or missing lines, exit 1 if any
    python3 scripts/gen_dsl_parity.py --stdin    # expressions on stdin, one result per line

Input: tests/dsl/exprs.txt, one scapy expression per line (blank lines and lines starting
with '#' are skipped). Output: tests/dsl/parity.tsv, one line per expression:

    EXPR<TAB>N<TAB>HEX1,HEX2,...

with the bytes of every packet of the expression's set, in scapy's iteration order
(`[bytes(p).hex() for p in eval(expr)]`). An expression scapy rejects is an error: fix it.

--stdin mode (used by tests/dsl_scapy_prop.rs) prints, for every input line, either
`OK<TAB>HEX1,HEX2,...` or `ERR<TAB>message`, and flushes after each line.
"""

import argparse
import os
import sys
import warnings

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXPRS = os.path.join(ROOT, "tests", "dsl", "exprs.txt")
PARITY = os.path.join(ROOT, "tests", "dsl", "parity.tsv")
MAX_SET = 64

warnings.filterwarnings("ignore")
import logging  # noqa: E402

logging.getLogger("scapy").setLevel(logging.ERROR)
from scapy.all import *  # noqa: E402,F401,F403
from scapy.all import conf  # noqa: E402

conf.verb = 0
SCOPE = dict(globals())


def evaluate(expr):
    """The hex of every packet of the set `expr` builds, in scapy's order."""
    pkt = eval(expr, dict(SCOPE))  # noqa: S307 - a corpus of our own expressions
    if isinstance(pkt, (str, bytes)):
        raise ValueError("not a packet")
    return [bytes(p).hex() for p in pkt]


def read_exprs(path):
    out = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            s = line.strip()
            if not s or s.startswith("#"):
                continue
            if "\t" in s:
                raise SystemExit(f"{path}:{n}: tab in expression")
            out.append((n, s))
    return out


def render(expr, hexes):
    return f"{expr}\t{len(hexes)}\t{','.join(hexes)}"


def stdin_mode():
    for line in sys.stdin:
        expr = line.rstrip("\n")
        try:
            hexes = evaluate(expr)
            print("OK\t" + ",".join(hexes), flush=True)
        except Exception as e:  # noqa: BLE001 - report every failure to the caller
            msg = f"{type(e).__name__}: {e}".replace("\n", " ").replace("\t", " ")
            print("ERR\t" + msg, flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="only report stale lines")
    ap.add_argument("--stdin", action="store_true", help="evaluate expressions from stdin")
    args = ap.parse_args()
    if args.stdin:
        stdin_mode()
        return 0

    exprs = read_exprs(EXPRS)
    seen = {}
    lines = []
    errors = []
    for n, expr in exprs:
        if expr in seen:
            errors.append(f"exprs.txt:{n}: duplicate of line {seen[expr]}: {expr}")
            continue
        seen[expr] = n
        try:
            hexes = evaluate(expr)
        except Exception as e:  # noqa: BLE001
            errors.append(f"exprs.txt:{n}: scapy rejects {expr}: {type(e).__name__}: {e}")
            continue
        if not 1 <= len(hexes) <= MAX_SET:
            errors.append(f"exprs.txt:{n}: {len(hexes)} packets (keep sets 1..{MAX_SET}): {expr}")
            continue
        lines.append(render(expr, hexes))
    if errors:
        for e in errors:
            print(e, file=sys.stderr)
        return 1

    text = "\n".join(lines) + "\n"
    if args.check:
        try:
            with open(PARITY, encoding="utf-8") as f:
                old = f.read().splitlines()
        except FileNotFoundError:
            print(f"{PARITY} is missing", file=sys.stderr)
            return 1
        new = text.splitlines()
        stale = 0
        old_by_expr = {ln.split("\t", 1)[0]: ln for ln in old}
        for ln in new:
            expr = ln.split("\t", 1)[0]
            if old_by_expr.get(expr) != ln:
                stale += 1
                print(f"stale or missing: {expr}")
        new_exprs = {ln.split("\t", 1)[0] for ln in new}
        for expr in old_by_expr:
            if expr not in new_exprs:
                stale += 1
                print(f"not in exprs.txt: {expr}")
        if stale or old != new:
            print(f"{stale} stale line(s); rerun python3 scripts/gen_dsl_parity.py",
                  file=sys.stderr)
            return 1
        print(f"{len(new)} lines up to date")
        return 0

    with open(PARITY, "w", encoding="utf-8") as f:
        f.write(text)
    total = sum(int(ln.split("\t")[1]) for ln in lines)
    print(f"wrote {len(lines)} expressions, {total} packets to {os.path.relpath(PARITY, ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
