#!/usr/bin/env python3
"""The README's "Filtering speed" table: `pktforge read F -f EXPR --count` beside
`tcpdump -r F -w /dev/null EXPR` (libpcap's compiled BPF) for tcpdump-syntax filters, and
beside `tshark -r F -Y EXPR -w /dev/null` for display filters, over the same file, in one
run, file in the page cache.

    python3 scripts/bench_filter.py [FILE]        # default /tmp/mixed-2m.pcap

Makes FILE with ../shared/bench/gen_workload.py (2M packets) when it is missing and builds
pktforge (release); times each command with /usr/bin/time (median wall time of several runs,
one run for tshark, which takes most of a minute per filter) and checks that pktforge and
its peer keep the same number of packets. Prints a Markdown table.
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FILE = sys.argv[1] if len(sys.argv) > 1 else "/tmp/mixed-2m.pcap"
PACKETS = 2_000_000
TSHARK_OPTS = ["-o", "ip.defragment:FALSE", "-o", "ipv6.defragment:FALSE",
               "-o", "tcp.desegment_tcp_streams:FALSE", "-o", "tcp.analyze_sequence_numbers:FALSE"]

BPF = ["tcp port 80", "udp and port 53", "host 10.1.2.3 or net 192.168.0.0/16"]
DISPLAY = ['dns.qry.name contains "mail"', "tcp.flags.syn == 1 && ip.dst == 10.0.0.0/8"]


def sh(cmd, **kw):
    subprocess.run(cmd, check=True, cwd=ROOT, **kw)


def timed(argv, runs):
    """Median wall seconds, max peak RSS (MiB) and the last stdout of `argv`."""
    walls, rss, out = [], [], b""
    for _ in range(runs):
        with tempfile.NamedTemporaryFile("r") as t:
            start = time.perf_counter()
            p = subprocess.run(["/usr/bin/time", "-o", t.name, "-f", "%M"] + argv,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=False)
            walls.append(time.perf_counter() - start)
            out = p.stdout
            rss.append(int(t.read().split()[-1]) / 1024)
    return statistics.median(walls), max(rss), out


def kept(path):
    """Packets in a pcap file written by a peer."""
    p = subprocess.run(["capinfos", "-c", "-M", path], stdout=subprocess.PIPE, text=True, check=False)
    for line in p.stdout.splitlines():
        if "Number of packets" in line:
            return int(line.split(":")[1].strip())
    return -1


def main():
    if not os.path.exists(FILE):
        gen = os.path.join(ROOT, "..", "shared", "bench", "gen_workload.py")
        sh(["python3", gen, "--packets", str(PACKETS), "--out", FILE])
    sh(["cargo", "build", "--release", "--quiet"])
    pf = os.path.join(ROOT, "target", "release", "pktforge")
    with open(FILE, "rb") as f:  # into the page cache
        while f.read(1 << 24):
            pass
    rows = []
    tmp = os.path.join(tempfile.gettempdir(), "bench-filter-peer.pcap")
    for e in BPF + DISPLAY:
        ours = timed([pf, "read", FILE, "-f", e, "--count"], 7)
        n_ours = int(ours[2].decode().strip() or -1)
        if e in BPF:
            peer_name = f"tcpdump -r F -w /dev/null '{e}'"
            peer = timed(["tcpdump", "-r", FILE, "-w", tmp, e], 5)
        else:
            peer_name = f"tshark -r F -Y '{e}' -w /dev/null"
            peer = timed(["tshark", "-n", "-r", FILE] + TSHARK_OPTS + ["-Y", e, "-w", tmp], 1)
        n_peer = kept(tmp)
        print(f"{e}: pktforge {ours[0]:.3f} s ({n_ours}), peer {peer[0]:.3f} s ({n_peer})", file=sys.stderr)
        rows.append((e, ours, n_ours, peer_name, peer, n_peer))
    print(f"\n{PACKETS:,} packets, {os.path.getsize(FILE) / 1e6:.0f} MB, {os.cpu_count()} cores\n")
    print("| filter | pktforge `read F -f EXPR --count` | packets/s | peer | peer time | speed-up | kept (same) |")
    print("|---|---:|---:|---|---:|---:|---:|")
    for e, ours, n_ours, peer_name, peer, n_peer in rows:
        same = "yes" if n_ours == n_peer else f"NO ({n_peer})"
        print(f"| `{e}` | {ours[0]:.3f} s, {ours[1]:.0f} MiB | {PACKETS / ours[0] / 1e6:.1f} M "
              f"| `{peer_name.split(' ')[0]}` | {peer[0]:.2f} s, {peer[1]:.0f} MiB "
              f"| **{peer[0] / ours[0]:.1f}x** | {n_ours:,} ({same}) |")


if __name__ == "__main__":
    main()
