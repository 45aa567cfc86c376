#!/bin/bash
# Send-rate comparison in a namespace lab (run as root): N identical 60-byte UDP frames
# (46-byte IP datagrams) from namespace A to namespace B over a veth pair, sent as fast as
# each tool can: pktforge send (layer 3) and sendp (layer 2) with --rate max, trafgen (its
# default: packet socket, qdisc bypassed), tcpreplay --topspeed (a preloaded pcap, looped)
# and scapy (sendp(count=N) on one socket, and a sendp() call per packet). Prints one
# Markdown row per tool: packets sent, received by B's veth, wall time, packets/s.
# Nothing leaves the two namespaces it creates; both are deleted on exit.
set -u
N=${1:-1000000}
NS=${SCAPY_N:-20000}
B=${PKTFORGE:-$(dirname "$0")/../../target/release/pktforge}
D=$(mktemp -d /tmp/pfsend.XXXX)
A=pfsend-a$$; Bn=pfsend-b$$; VA=psA$$; VB=psB$$
MA=02:00:5e:10:00:0a; MB=02:00:5e:10:00:0b
cleanup() { ip netns del $A 2>/dev/null; ip netns del $Bn 2>/dev/null; rm -rf "$D"; }
trap cleanup EXIT
ip netns add $A; ip netns add $Bn
ip link add $VA netns $A type veth peer name $VB netns $Bn
ip -n $A link set $VA address $MA; ip -n $Bn link set $VB address $MB
ip -n $A addr add 198.18.0.1/24 dev $VA; ip -n $Bn addr add 198.18.0.2/24 dev $VB
ip -n $A link set $VA up; ip -n $Bn link set $VB up; ip -n $A link set lo up
ip -n $A neigh replace 198.18.0.2 lladdr $MB dev $VA nud permanent
sleep 1
L3='IP(src="198.18.0.1",dst="198.18.0.2")/UDP(sport=40000,dport=9)/("A"*18)'
L2="Ether(src=\"$MA\",dst=\"$MB\")/$L3"
HEX=$($B craft "$L2" --hex)
echo "{ $(echo $HEX | sed 's/../0x&, /g; s/, $//') }" > $D/pkt.cfg
# tcpreplay: a pcap of 1000 copies, preloaded, looped N/1000 times.
$B craft "Ether(src=\"$MA\",dst=\"$MB\")/IP(src=\"198.18.0.1\",dst=\"198.18.0.2\")/UDP(sport=40000,dport=9)/Raw(load=\"A\"*18)/Padding(load=b\"\")" -w $D/one.pcap >/dev/null
python3 - "$D" <<'PY'
import sys
d = sys.argv[1]
b = open(f"{d}/one.pcap", "rb").read()
hdr, rec = b[:24], b[24:]
open(f"{d}/k.pcap", "wb").write(hdr + rec * 1000)
PY
cat > $D/scapy_send.py <<'PY'
import sys, time
from scapy.all import Ether, IP, UDP, Raw, sendp, conf
iface, n, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
p = Ether(src="02:00:5e:10:00:0a", dst="02:00:5e:10:00:0b")/IP(src="198.18.0.1", dst="198.18.0.2")/UDP(sport=40000, dport=9)/Raw(b"A"*18)
if mode == "count":
    sendp(p, iface=iface, count=n, verbose=0)
else:
    for _ in range(n):
        sendp(p, iface=iface, verbose=0)
PY
rx() { ip netns exec $Bn cat /sys/class/net/$VB/statistics/rx_packets; }
row() { # name, count, command...
  local name=$1 n=$2; shift 2
  local r0=$(rx) t0=$(date +%s.%N)
  ip netns exec $A "$@" > $D/out 2>&1
  local t1=$(date +%s.%N) r1=$(rx)
  printf "| %s | %s | %s | %.3f | %.0f |\n" "$name" "$n" "$((r1 - r0))" \
    "$(echo "$t1 - $t0" | bc -l)" "$(echo "($r1 - $r0) / ($t1 - $t0)" | bc -l)"
}
echo "| sender | sent | received by B | wall s | packets/s (received / wall) |"
echo "|---|---:|---:|---:|---:|"
row "pktforge send --rate max (L3: route + neighbour, frames on a packet socket, sendmmsg)" $N $B send "$L3" --count $N --rate max -q
row "pktforge send --rate 1e9 (L3 raw IP socket, sendmmsg)" $N $B send "$L3" --count $N --rate 1000000000 -q
row "pktforge sendp --rate max (L2 packet socket, sendmmsg)" $N $B sendp "$L2" -i $VA --count $N --rate max -q
row "trafgen (packet socket, qdisc bypass)" $N trafgen --no-sock-mem --notouch-irq --no-cpu-stats -P 1 -o $VA -i $D/pkt.cfg -n $N
row "tcpreplay --topspeed (preloaded, looped)" $N tcpreplay -q -K --topspeed --loop=$((N / 1000)) -i $VA $D/k.pcap
if [ "${SCAPY:-1}" = 1 ]; then
  row "scapy sendp(p, count=N) (one socket)" $NS python3 $D/scapy_send.py $VA $NS count
  row "scapy sendp(p) in a loop (a socket per call)" 2000 python3 $D/scapy_send.py $VA 2000 loop
fi
