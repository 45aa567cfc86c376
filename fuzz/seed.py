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


def ring_block(pkts, size, sll_family=17):
    """One TPACKET_V3 block of `size` bytes holding what fits of `pkts` (Ethernet frames),
    as the kernel lays it out: the block descriptor, then per packet a tpacket3_hdr, a
    sockaddr_ll and the frame, each aligned to 16 bytes. Returns (block, packets used)."""
    off, hdrs, used = 48, [], 0
    for p in pkts:
        mac = 48 + 20 + 12  # tp_mac past both headers (TPACKET_ALIGN'd), as the kernel does
        need = (mac + len(p) + 15) & ~15
        if off + need > size:
            break
        hdrs.append((off, mac, p))
        off += need
        used += 1
    blk = bytearray(size)
    first = hdrs[0][0] if hdrs else 0
    struct.pack_into("<IIIIIIQ", blk, 0, 1, 0, 1, len(hdrs), first, off, 1)
    for k, (o, mac, p) in enumerate(hdrs):
        nxt = hdrs[k + 1][0] - o if k + 1 < len(hdrs) else 0
        struct.pack_into("<IIIIIIHH", blk, o, nxt, 1_700_000_000 + k, 1000 * k, len(p), len(p), 1, mac, mac + 14)
        struct.pack_into("<HHiHBB", blk, o + 48, sll_family, 0x0008, 2, 1, k % 5, 6)
        blk[o + mac:o + mac + len(p)] = p
    return bytes(blk), used


def ring_seeds(frames):
    """Seeds of the `ring` target: the first byte (2048-byte blocks, raw, every block
    marked for user space), then up to 8 blocks of the frames, 16 rings."""
    out = []
    frames = [f for f in frames if len(f) <= 2048 - 96]
    for r in range(16):
        chunk = frames[r * 40:(r + 1) * 40]
        if not chunk:
            break
        ring = b""
        while chunk and len(ring) < 8 * 2048:
            blk, used = ring_block(chunk, 2048)
            if used == 0:
                break
            ring += blk
            chunk = chunk[used:]
        cfg = 0x13 | ((r % 3) << 2) | (0x20 if r % 4 == 3 else 0)
        out.append(bytes([cfg]) + ring)
    return out


def answer_seeds():
    """Seeds of the `answers` target: scapy's own answers to the target's probes (link
    type Ethernet, index 0 of LINKS; raw IP, index 9), when scapy is installed."""
    try:
        from scapy.all import (ARP, DNS, DNSQR, DNSRR, ICMP, IP, TCP, UDP, Dot1Q, Ether, IPv6,
                               ICMPv6EchoReply, ICMPv6ND_NA, ICMPv6DestUnreach,
                               ICMPv6TimeExceeded, ICMPv6EchoRequest, ICMPv6ND_NS, raw)
    except ImportError:
        print("seed: no scapy, answers seeded from captures only", file=sys.stderr)
        return []
    a, b, a6, b6 = "198.18.0.1", "198.18.1.2", "fd00:beef::1", "fd00:beef::2"
    q_echo = IP(src=a, dst=b) / ICMP(id=0x1234, seq=1)
    q_ttl = IP(src=a, dst=b, ttl=1) / ICMP(id=0x1234, seq=2)
    q_syn = IP(src=a, dst=b) / TCP(sport=40000, dport=80, flags="S", seq=1000)
    q_dns = IP(src=a, dst=b) / UDP(sport=40001, dport=53) / DNS(id=0x4242, qd=DNSQR(qname="example.com"))
    q_udp = IP(src=a, dst=b, ttl=2) / UDP(sport=40002, dport=33434)
    q6_echo = IPv6(src=a6, dst=b6) / ICMPv6EchoRequest(id=7, seq=1)
    q6_udp = IPv6(src=a6, dst=b6, hlim=1) / UDP(sport=40004, dport=33435)
    replies = [
        IP(src=b, dst=a) / ICMP(type=0, id=0x1234, seq=1),
        IP(src="198.18.0.254", dst=a) / ICMP(type=11, code=0) / raw(q_ttl)[:28],
        IP(src=b, dst=a) / TCP(sport=80, dport=40000, flags="SA", seq=5, ack=1001),
        IP(src=b, dst=a) / TCP(sport=80, dport=40000, flags="RA", seq=0, ack=1001),
        IP(src=b, dst=a) / UDP(sport=53, dport=40001) / DNS(id=0x4242, qr=1, qd=DNSQR(qname="example.com"),
                                                            an=DNSRR(rrname="example.com", rdata="198.18.9.9")),
        IP(src=b, dst=a) / ICMP(type=3, code=3) / raw(q_udp),
        IP(src=b, dst=a) / ICMP(type=3, code=3) / raw(q_syn)[:28],
        IP(src=b, dst=a) / ICMP(type=14, id=9),
        IPv6(src=b6, dst=a6) / ICMPv6EchoReply(id=7, seq=1),
        IPv6(src="fd00:beef::fe", dst=a6) / ICMPv6TimeExceeded() / raw(q6_udp),
        IPv6(src=b6, dst=a6) / ICMPv6DestUnreach(code=4) / raw(q6_udp),
        IPv6(src=b6, dst=a6) / TCP(sport=443, dport=40003, flags="SA", ack=1),
        IPv6(src=b6, dst=a6, hlim=255) / ICMPv6ND_NA(tgt=b6, S=1),
    ]
    out = [bytes([3]) + raw(r) for r in replies]
    out += [bytes([0]) + raw(Ether(src="02:00:00:00:00:02", dst="02:00:00:00:00:01") / r) for r in replies]
    out.append(bytes([0]) + raw(Ether(src="02:00:00:00:00:02", dst="02:00:00:00:00:01")
                                / ARP(op=2, hwsrc="02:00:00:00:00:02", psrc="198.18.0.2",
                                      hwdst="02:00:00:00:00:01", pdst="198.18.0.1")))
    out.append(bytes([0]) + raw(Ether(src="02:00:00:00:00:02", dst="02:00:00:00:00:01") / Dot1Q(vlan=7)
                                / IP(src="198.18.0.2", dst="198.18.0.1") / UDP(sport=53, dport=5353)
                                / DNS(id=1, qr=1, qd=DNSQR(qname="a.b"))))
    return out


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
                for t in ("dissect", "fast_vs_owned", "roundtrip", "answers"):
                    put(t, blob)
    ether = [pkt for path in capture_files() for i, (link, pkt) in enumerate(packets(path))
             if link == 1 and i < MAX_PACKETS_PER_FILE]
    for blob in ring_seeds(ether):
        put("ring", blob)
    for blob in answer_seeds():
        put("answers", blob)
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
