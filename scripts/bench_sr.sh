#!/bin/bash
# sr1 and ping on loopback (run as root), every figure from the same run:
# - the kernel RTT as iputils ping reports it, and pktforge ping's, over N echo requests;
# - scapy's sr1 per probe (a Python loop of sr1 calls on an L3RawSocket, as scapy needs
#   for 127.0.0.1), and pktforge sr1 per probe as a whole command (process start, socket
#   opening, one probe, its answer);
# - pktforge sr1 per probe on an open session: `cargo bench --bench sr` (criterion).
set -u
N=${1:-2000}
B=${PKTFORGE:-$(dirname "$0")/../target/release/pktforge}
avg() { grep -oE 'rtt min/avg/max/mdev = [0-9.]+/[0-9.]+' | cut -d/ -f5; }
echo "| what | per probe (ms) |"
echo "|---|---:|"
echo "| iputils ping -c $N -i 0.002 127.0.0.1, rtt avg | $(ping -q -c $N -i 0.002 127.0.0.1 | avg) |"
echo "| pktforge ping -c $N -i 0.002 127.0.0.1, rtt avg | $($B ping -q -c $N -i 0.002 127.0.0.1 | avg) |"
S=$(python3 - <<'PY'
import time
from scapy.all import IP, ICMP, sr1, conf, L3RawSocket
conf.L3socket = L3RawSocket
n = 100
t = time.perf_counter()
for i in range(n):
    r = sr1(IP(dst="127.0.0.1")/ICMP(seq=i), timeout=2, verbose=0)
    assert r is not None
print(f"{(time.perf_counter() - t) / n * 1e3:.3f}")
PY
)
echo "| scapy sr1(IP(dst=\"127.0.0.1\")/ICMP(), timeout=2) in a loop, wall | $S |"
t0=$(date +%s.%N)
for i in $(seq 100); do $B sr1 'IP(dst="127.0.0.1")/ICMP()' > /dev/null || exit 1; done
t1=$(date +%s.%N)
echo "| pktforge sr1 'IP(dst=\"127.0.0.1\")/ICMP()' as a command (process start included), wall | $(echo "($t1 - $t0) * 10" | bc -l | xargs printf '%.3f') |"
