#!/usr/bin/env python3
"""scapy's crafting speed for the packets of benches/craft.rs (packets/s, best of 3)."""
import time, warnings, logging
warnings.filterwarnings("ignore")
logging.getLogger("scapy").setLevel(logging.ERROR)
from scapy.all import Ether, IP, TCP, ICMP, Raw

def syn():
    return (Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")
            / IP(src="198.18.0.1", dst="198.18.0.2")
            / TCP(sport=40000, dport=80, seq=1, flags="S", window=64240,
                  options=[("MSS", 1460), ("SAckOK", b""), ("Timestamp", (1, 0)), ("NOP", None), ("WScale", 7)]))

def echo():
    return (Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")
            / IP(src="198.18.0.1", dst="198.18.0.2") / ICMP(id=1, seq=1) / Raw(b"\x42" * 56))

for name, mk in [("syn_options", syn), ("icmp_echo_56", echo)]:
    p = mk()
    best = 0.0
    for _ in range(3):
        n = 3000
        t = time.perf_counter()
        for _ in range(n):
            bytes(p)
        best = max(best, n / (time.perf_counter() - t))
    print(f"scapy {name}: {best:,.0f} packets/s  ({bytes(p).hex()[:16]}..., {len(bytes(p))} bytes)")
