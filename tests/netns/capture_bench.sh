#!/bin/bash
# One capture-performance run in a namespace lab: trafgen sends N small UDP frames at RATE
# from namespace A over a veth; pktforge sniff -w, tcpdump -w and scapy's sniff capture them
# in namespace B, one after the other. Prints captured / dropped / CPU s per Mpkt.
set -u
N=${1:-1000000}; RATE=${2:-330000pps}
B=${PKTFORGE:-$(dirname "$0")/../../target/release/pktforge}
D=$(mktemp -d /tmp/pfbench.XXXX)
A=pfbench-a$$; Bn=pfbench-b$$
cleanup() { ip netns del $A 2>/dev/null; ip netns del $Bn 2>/dev/null; rm -rf "$D"; }
trap cleanup EXIT
ip netns add $A; ip netns add $Bn
ip link add pbA$$ netns $A type veth peer name pbB$$ netns $Bn
ip -n $A link set pbA$$ up; ip -n $Bn link set pbB$$ up; sleep 1
HEX=$($B craft 'Ether(src="02:00:5e:10:00:0a",dst="02:00:5e:10:00:ff")/IP(src="198.18.0.1",dst="198.18.0.3")/UDP(sport=40000,dport=7000)/("A"*18)' --hex)
echo "{ $(echo $HEX | sed 's/../0x&, /g; s/, $//') }" > $D/pkt.cfg
cat > $D/scapy_sniff.py <<'PY'
import sys
from scapy.all import sniff
n = 0
def cb(p):
    global n
    n += 1
sniff(iface=sys.argv[1], prn=cb, store=False, timeout=float(sys.argv[2]))
print(f"{n} packets captured", file=sys.stderr)
PY
send() { ip netns exec $A trafgen --no-sock-mem --notouch-irq --no-cpu-stats -P 1 -o pbA$$ -i $D/pkt.cfg -n $N -b $RATE >/dev/null 2>&1; }
run() { # name, command...
  local name=$1; shift
  ip netns exec $Bn /usr/bin/time -f "%U %S" -o $D/time "$@" > /dev/null 2> $D/err &
  local pid=$!
  sleep 1.5; local t0=$(date +%s.%N); send; local t1=$(date +%s.%N); sleep 1.5
  kill -INT $(cat /proc/$pid/task/$pid/children) 2>/dev/null; wait $pid
  local cap=$(grep -oE '^[0-9]+ packets? captured' $D/err | grep -oE '^[0-9]+')
  local drop=$(grep -oE '^[0-9]+ packets? dropped by kernel' $D/err | grep -oE '^[0-9]+')
  [ -z "$drop" ] && drop="$((N - cap)) (not counted)"
  local cpu=$(awk '{print $1+$2}' $D/time)
  printf "| %s | %s | %s | %s | %.2f | %.0f kpps |\n" "$name" "$N" "$cap" "$drop" \
    "$(echo "$cpu * 1000000 / $N" | bc -l)" "$(echo "$N / ($t1 - $t0) / 1000" | bc -l)"
}
echo "| capture | sent | captured | dropped | CPU s / Mpkt | send rate |"
echo "|---|---:|---:|---:|---:|---:|"
run "pktforge sniff -w" $B sniff -i pbB$$ -w $D/p.pcap
run "tcpdump -w" tcpdump -i pbB$$ -w $D/t.pcap
run "pktforge sniff (decode to terminal lines, > /dev/null)" $B sniff -i pbB$$ -l
[ "${SCAPY:-1}" = 1 ] && run "scapy sniff(prn=count)" python3 $D/scapy_sniff.py pbB$$ 15
