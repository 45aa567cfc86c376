#!/usr/bin/env python3
"""Seeds the fuzz corpora (fuzz/corpus/<target>/) from captures/, the tcpdump corpus
($PKTFORGE_CORPUS, default ../../shared/corpus/tcpdump), tests/dsl/exprs.txt and the
filter expression lists. The seeds are made, not committed (the corpus is not ours to copy).

    python3 fuzz/seed.py
"""

import hashlib
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CORPUS = os.environ.get("PKTFORGE_CORPUS", os.path.join(ROOT, "..", "shared", "corpus", "tcpdump"))
# The order of fuzz_targets/common.rs LINKS: the first byte of a packet seed picks the link.
LINKS = [1, 113, 276, 101, 12, 228, 229, 0, 108, 147]
MAX_PACKETS_PER_FILE = 64


def packets(path):
    """(link, bytes) of each packet of a pcap or pcapng file, best effort."""
    try:
        data = open(path, "rb").read()
    except OSError:
        return
    if len(data) < 24:
        return
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        e = "<" if magic[0] in (0xD4, 0x4D) else ">"
        link = struct.unpack(e + "I", data[20:24])[0] & 0x0FFFFFFF
        off = 24
        while off + 16 <= len(data):
            caplen = struct.unpack(e + "I", data[off + 8:off + 12])[0]
            if caplen > 262144 or off + 16 + caplen > len(data):
                return
            yield link, data[off + 16:off + 16 + caplen]
            off += 16 + caplen
    elif magic == b"\x0a\x0d\x0d\x0a":
        off, e, links = 0, "<", []
        while off + 12 <= len(data):
            btype = struct.unpack(e + "I", data[off:off + 4])[0]
            if btype == 0x0A0D0D0A:
                e = "<" if data[off + 8:off + 12] == b"\x4d\x3c\x2b\x1a" else ">"
                links = []
            blen = struct.unpack(e + "I", data[off + 4:off + 8])[0]
            if blen < 12 or off + blen > len(data):
                return
            body = data[off + 8:off + blen - 4]
            if btype == 1 and len(body) >= 2:
                links.append(struct.unpack(e + "H", body[:2])[0])
            elif btype == 6 and len(body) >= 20:
                iface, _, _, caplen = struct.unpack(e + "IIII", body[:16])
                if iface < len(links):
                    yield links[iface], body[20:20 + caplen]
            off += blen


def put(target, blob):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    name = hashlib.sha1(blob).hexdigest()
    with open(os.path.join(d, name), "wb") as f:
        f.write(blob)


def capture_files():
    for d in (os.path.join(ROOT, "captures"), CORPUS):
        if not os.path.isdir(d):
            print(f"seed: no {d}, skipped", file=sys.stderr)
            continue
        for dirpath, _, names in os.walk(d):
            for n in sorted(names):
                if n.endswith((".pcap", ".pcapng")):
                    yield os.path.join(dirpath, n)


def main():
    counts = {}
    for path in capture_files():
        data = open(path, "rb").read()
        if data[:4] == b"\x0a\x0d\x0d\x0a":
            put("pcapng", data[4:])
        elif len(data) >= 4:
            first = {b"\xd4\xc3\xb2\xa1": 0, b"\xa1\xb2\xc3\xd4": 1, b"\x4d\x3c\xb2\xa1": 2, b"\xa1\xb2\x3c\x4d": 3}.get(data[:4])
            if first is not None:
                put("pcap", bytes([first]) + data[4:])
        for i, (link, pkt) in enumerate(packets(path)):
            if i >= MAX_PACKETS_PER_FILE:
                break
            if link in LINKS:
                blob = bytes([LINKS.index(link)]) + pkt
                for t in ("dissect", "fast_vs_owned", "roundtrip"):
                    put(t, blob)
    for line in open(os.path.join(ROOT, "tests", "dsl", "exprs.txt"), encoding="utf-8"):
        line = line.strip()
        if line and not line.startswith("#"):
            put("dsl", line.encode())
    for name in ("tcpdump.txt", "wireshark.txt"):
        for line in open(os.path.join(ROOT, "tests", "filter", name), encoding="utf-8"):
            line = line.split(";;")[0].strip()
            if line and not line.startswith("#"):
                put("filter", line.encode())
    for t in sorted(os.listdir(os.path.join(HERE, "corpus"))):
        counts[t] = len(os.listdir(os.path.join(HERE, "corpus", t)))
    print("seeds:", ", ".join(f"{t} {n}" for t, n in counts.items()))


if __name__ == "__main__":
    main()
