#!/usr/bin/env python3
"""The README's "Reading speed" table: `pktforge read` beside tcpdump, tshark and libpcap's
bare pcap_next_ex loop, over the same file, in one run, file in the page cache.

    python3 scripts/bench_read.py [FILE]        # default /tmp/mixed-2m.pcap

Makes FILE with ../shared/bench/gen_workload.py (2M packets) when it is missing, builds
pktforge (release) and scripts/pcap_next_ex.c (needs libpcap-dev), then times each command
with /usr/bin/time: the median wall time of several runs for the fast ones, one run for
tcpdump and tshark (tens of seconds to minutes each), and the peak RSS. Prints a Markdown
table. Takes about 6 minutes, most of it tshark -T json.
"""

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FILE = sys.argv[1] if len(sys.argv) > 1 else "/tmp/mixed-2m.pcap"
PACKETS = 2_000_000


def sh(cmd, **kw):
    subprocess.run(cmd, check=True, cwd=ROOT, **kw)


def timed(argv, runs):
    """Median wall seconds and max peak RSS (MiB) of `argv` with stdout to /dev/null."""
    walls, rss = [], []
    for _ in range(runs):
        with tempfile.NamedTemporaryFile("r") as t:
            with open(os.devnull, "wb") as null:
                start = time.perf_counter()
                subprocess.run(
                    ["/usr/bin/time", "-o", t.name, "-f", "%M"] + argv,
                    stdout=null,
                    stderr=subprocess.DEVNULL,
                    check=False,
                )
                walls.append(time.perf_counter() - start)
            rss.append(int(t.read().split()[-1]) / 1024)
    return statistics.median(walls), max(rss)


def main():
    if not os.path.exists(FILE):
        gen = os.path.join(ROOT, "..", "shared", "bench", "gen_workload.py")
        sh(["python3", gen, "--packets", str(PACKETS), "--out", FILE])
    sh(["cargo", "build", "--release", "--quiet"])
    pnx = os.path.join(tempfile.gettempdir(), "pcap_next_ex")
    sh(["cc", "-O2", "-o", pnx, "scripts/pcap_next_ex.c", "-lpcap"])
    pf = os.path.join(ROOT, "target", "release", "pktforge")
    with open(FILE, "rb") as f:  # into the page cache
        while f.read(1 << 24):
            pass
    rows = [
        ("pktforge read F (2 threads)", [pf, "read", FILE], 7, "lines"),
        ("pktforge read -j 1 F", [pf, "read", "-j", "1", FILE], 5, "lines"),
        ("tcpdump -n -r F", ["tcpdump", "-n", "-r", FILE], 1, "lines"),
        ("pktforge read --json F (2 threads)", [pf, "read", "--json", FILE], 5, "json"),
        ("pktforge read --json -j 1 F", [pf, "read", "--json", "-j", "1", FILE], 3, "json"),
        ("tshark -T json -r F", ["tshark", "-T", "json", "-r", FILE], 1, "json"),
        ("tshark -r F", ["tshark", "-r", FILE], 1, "lines"),
        ("pktforge read --count F (2 threads)", [pf, "read", "--count", FILE], 11, "count"),
        ("pktforge read --count -j 1 F", [pf, "read", "--count", "-j", "1", FILE], 7, "count"),
        ("pktforge read --count --no-mmap F", [pf, "read", "--count", "--no-mmap", FILE], 7, "count"),
        ("libpcap pcap_next_ex loop", [pnx, FILE], 11, "count"),
    ]
    results = {}
    for name, argv, runs, _ in rows:
        if shutil.which(argv[0]) is None and not os.path.exists(argv[0]):
            print(f"skipped {name}: {argv[0]} not found", file=sys.stderr)
            continue
        results[name] = timed(argv, runs)
        wall, rss = results[name]
        print(f"{name}: {wall:.3f} s, {rss:.0f} MiB", file=sys.stderr)
    peers = {"lines": "tcpdump -n -r F", "json": "tshark -T json -r F", "count": "libpcap pcap_next_ex loop"}
    print(f"\n{PACKETS:,} packets, {os.path.getsize(FILE) / 1e6:.0f} MB, {os.cpu_count()} cores\n")
    print("| job | command | time | packets/s | peak RSS | vs peer |")
    print("|---|---|---:|---:|---:|---:|")
    for name, _, _, job in rows:
        if name not in results:
            continue
        wall, rss = results[name]
        peer = results.get(peers[job])
        ours = name.startswith("pktforge")
        ratio = f"{peer[0] / wall:.1f}x" if ours and peer is not None else ""
        print(f"| {job} | `{name}` | {wall:.2f} s | {PACKETS / wall / 1e6:.2f} M | {rss:.0f} MiB | {ratio} |")


if __name__ == "__main__":
    main()
