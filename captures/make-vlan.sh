#!/usr/bin/env bash
# Crafts captures/vlan.pcap with pktforge itself: 802.1Q and QinQ (802.1ad outer tag) frames
# cannot be recorded here (no 8021q kernel module). Checked with tshark: no frame may be
# malformed or carry an expert warning or error.
# Usage: captures/make-vlan.sh [path-to-pktforge]   (default: cargo run --release --)
set -euo pipefail
cd "$(dirname "$0")"
pf=${1:-"cargo run --quiet --release --"}
E='Ether(src="02:70:66:00:00:01",dst="02:70:66:00:00:02")'
R='Ether(src="02:70:66:00:00:02",dst="02:70:66:00:00:01")'
exprs=(
  "$E/Dot1Q(vlan=100)/IP(src=\"198.18.10.1\",dst=\"198.18.10.2\")/ICMP(id=7,seq=(1,2))/\"vlan ping\""
  "$R/Dot1Q(vlan=100)/IP(src=\"198.18.10.2\",dst=\"198.18.10.1\")/ICMP(type=\"echo-reply\",id=7,seq=(1,2))/\"vlan ping\""
  "Ether(src=\"02:70:66:00:00:01\",dst=\"ff:ff:ff:ff:ff:ff\")/Dot1Q(vlan=200,prio=5)/ARP(hwsrc=\"02:70:66:00:00:01\",psrc=\"198.18.20.1\",pdst=\"198.18.20.2\")"
  "$R/Dot1Q(vlan=200,prio=5)/ARP(op=\"is-at\",hwsrc=\"02:70:66:00:00:02\",psrc=\"198.18.20.2\",hwdst=\"02:70:66:00:00:01\",pdst=\"198.18.20.1\")"
  "$E/Dot1AD(vlan=10)/Dot1Q(vlan=20)/IP(src=\"198.18.30.1\",dst=\"198.18.30.53\")/UDP(sport=40000,dport=53)/DNS(id=0x1234,qd=DNSQR(qname=\"vlan.example.test\"))"
  "$R/Dot1AD(vlan=10)/Dot1Q(vlan=20)/IP(src=\"198.18.30.53\",dst=\"198.18.30.1\")/UDP(sport=53,dport=40000)/DNS(id=0x1234,qr=1,aa=1,qd=DNSQR(qname=\"vlan.example.test\"),an=DNSRR(rrname=\"vlan.example.test\",rdata=\"198.18.30.80\"))"
  "$E/Dot1Q(vlan=30)/Dot1Q(vlan=31)/IPv6(src=\"fd00:beef::30:1\",dst=\"fd00:beef::30:2\")/TCP(sport=40001,dport=80,flags=\"S\",seq=1000,options=[(\"MSS\",1460),(\"SAckOK\",b\"\"),(\"WScale\",7)])"
  "$R/Dot1Q(vlan=30)/Dot1Q(vlan=31)/IPv6(src=\"fd00:beef::30:2\",dst=\"fd00:beef::30:1\")/TCP(sport=80,dport=40001,flags=\"SA\",seq=5000,ack=1001,options=[(\"MSS\",1440)])"
  "$E/Dot1Q(vlan=40,dei=1)/IPv6(src=\"fd00:beef::40:1\",dst=\"ff02::1:ff40:2\",hlim=255)/ICMPv6ND_NS(tgt=\"fd00:beef::40:2\")/ICMPv6NDOptSrcLLAddr(lladdr=\"02:70:66:00:00:01\")"
)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
: > "$tmp/hex"
for e in "${exprs[@]}"; do
  $pf craft "$e" --hex >> "$tmp/hex"
done
# One pcap from all of them, in order, 1 ms apart.
python3 - "$tmp/hex" vlan.pcap <<'PY'
import struct, sys
frames = [bytes.fromhex(l.strip()) for l in open(sys.argv[1]) if l.strip()]
with open(sys.argv[2], "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 262144, 1))
    for i, fr in enumerate(frames):
        f.write(struct.pack("<IIII", 1795000000, i * 1000, len(fr), len(fr)) + fr)
PY
if command -v tshark >/dev/null; then
  if tshark -r vlan.pcap -Y '_ws.malformed or _ws.expert.severity >= "Warning"' 2>/dev/null | grep -q .; then
    echo "tshark found problems in vlan.pcap" >&2; exit 1
  fi
  tshark -r vlan.pcap -T fields -e frame.protocols 2>/dev/null | sort | uniq -c
fi
