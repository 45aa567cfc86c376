#!/usr/bin/env bash
# record.sh - record real traffic into the capture files of this directory.
#
#   sudo captures/record.sh
#
# Builds three throw-away network namespaces joined by two veth links
#
#   pf-client [pf-c0] ---- [pf-r0] pf-router [pf-r1] ---- [pf-s0] pf-server
#     198.18.1.2/24        198.18.1.1/24      198.18.2.1/24        198.18.2.2/24
#     fd00:beef::1:2/112   fd00:beef::1:1/112 fd00:beef::2:1/112   fd00:beef::2:2/112
#                  MTU 1500                          MTU 1400
#
# runs bounded traffic from the client to the server (ping, ICMP errors, DNS to
# dnsmasq, HTTP to python3 http.server, TCP RST, ARP, NDP, IPv4/IPv6 fragments),
# captures it on the router (-i any, SLL and SLL2; dumpcap on both veths) and on
# the server veth (Ethernet), then removes everything again (trap on EXIT).
#
# Network safety: nothing is configured in the initial namespace; every address
# is in 198.18.0.0/15 or fd00:beef::/64; every command that sends is bounded by
# a count and by `timeout`.
#
# Needs: iproute2, ethtool, tcpdump, tshark/dumpcap/editcap (wireshark), iputils-ping,
# dnsmasq (dnsmasq-base is enough), dig (bind9-dnsutils), curl, python3.
set -euo pipefail

if [[ ${EUID:-$(id -u)} -ne 0 ]]; then
    echo "record.sh: must run as root (it creates network namespaces): sudo $0" >&2
    exit 1
fi

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT_DIR=${OUT_DIR:-$HERE}

NS_C=pf-client
NS_R=pf-router
NS_S=pf-server
ALL_NS=("$NS_C" "$NS_R" "$NS_S")

C4=198.18.1.2   R4A=198.18.1.1   R4B=198.18.2.1   S4=198.18.2.2
C6=fd00:beef::1:2 R6A=fd00:beef::1:1 R6B=fd00:beef::2:1 S6=fd00:beef::2:2
LINK2_MTU=1400
CAP_LIMIT=180   # seconds: upper bound for every capture / server process

for tool in ip ethtool tcpdump tshark dumpcap editcap ping dig dnsmasq curl python3 timeout; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "record.sh: missing tool '$tool' (apt-get install -y iproute2 tcpdump tshark" \
             "ethtool iputils-ping dnsmasq-base bind9-dnsutils curl python3)" >&2
        exit 1
    fi
done
PY=$(command -v python3)

WORK=""
BG_PIDS=()

log() { printf '[record] %s\n' "$*" >&2; }
in_ns() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

# Remove our namespaces (and any process still running inside them).
remove_namespaces() {
    local ns pid
    for ns in "${ALL_NS[@]}"; do
        if ip netns list | awk '{print $1}' | grep -qx "$ns"; then
            for pid in $(ip netns pids "$ns" 2>/dev/null); do
                kill "$pid" 2>/dev/null || true
            done
            sleep 0.2
            for pid in $(ip netns pids "$ns" 2>/dev/null); do
                kill -9 "$pid" 2>/dev/null || true
            done
            ip netns del "$ns" 2>/dev/null || true
        fi
    done
}

cleanup() {
    local rc=$?
    set +e
    local pid
    for pid in "${BG_PIDS[@]}"; do
        kill "$pid" 2>/dev/null
    done
    remove_namespaces
    [[ -n $WORK && -d $WORK ]] && rm -rf "$WORK"
    if [[ $rc -ne 0 ]]; then
        log "failed (exit $rc); namespaces removed, capture files left unchanged"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Idempotent: a previous interrupted run may have left namespaces behind.
remove_namespaces
WORK=$(mktemp -d /tmp/pf-record.XXXXXX)

# ---------------------------------------------------------------- topology
log "creating namespaces ${ALL_NS[*]}"
for ns in "${ALL_NS[@]}"; do
    ip netns add "$ns"
    in_ns "$ns" ip link set lo up
done
# veth pairs are created directly inside the namespaces: nothing in the host one.
ip link add pf-c0 netns "$NS_C" address 02:70:66:01:00:02 type veth \
    peer name pf-r0 netns "$NS_R" address 02:70:66:01:00:01
ip link add pf-r1 netns "$NS_R" address 02:70:66:02:00:01 type veth \
    peer name pf-s0 netns "$NS_S" address 02:70:66:02:00:02

# No checksum / segmentation offload: without this the captured TCP and UDP
# checksums of locally sent packets are only partial (CHECKSUM_PARTIAL on veth)
# and GRO/GSO could show frames larger than the MTU.
in_ns "$NS_C" ethtool -K pf-c0 tx off tso off gso off gro off >/dev/null
in_ns "$NS_R" ethtool -K pf-r0 tx off tso off gso off gro off >/dev/null
in_ns "$NS_R" ethtool -K pf-r1 tx off tso off gso off gro off >/dev/null
in_ns "$NS_S" ethtool -K pf-s0 tx off tso off gso off gro off >/dev/null

in_ns "$NS_R" ip link set pf-r1 mtu "$LINK2_MTU"
in_ns "$NS_S" ip link set pf-s0 mtu "$LINK2_MTU"

# IPv6 stays off until the captures run, so DAD, MLD and RS are recorded.
in_ns "$NS_C" sysctl -qw net.ipv6.conf.pf-c0.disable_ipv6=1
in_ns "$NS_R" sysctl -qw net.ipv6.conf.pf-r0.disable_ipv6=1 net.ipv6.conf.pf-r1.disable_ipv6=1
in_ns "$NS_S" sysctl -qw net.ipv6.conf.pf-s0.disable_ipv6=1
in_ns "$NS_R" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1

in_ns "$NS_C" ip addr add "$C4/24" dev pf-c0
in_ns "$NS_R" ip addr add "$R4A/24" dev pf-r0
in_ns "$NS_R" ip addr add "$R4B/24" dev pf-r1
in_ns "$NS_S" ip addr add "$S4/24" dev pf-s0
in_ns "$NS_C" ip link set pf-c0 up
in_ns "$NS_R" ip link set pf-r0 up
in_ns "$NS_R" ip link set pf-r1 up
in_ns "$NS_S" ip link set pf-s0 up
in_ns "$NS_C" ip route add default via "$R4A"
in_ns "$NS_S" ip route add default via "$R4B"

# Neighbour tables start empty (fresh namespaces; flush anyway).
for ns in "${ALL_NS[@]}"; do in_ns "$ns" ip neigh flush all; done

# ---------------------------------------------------------------- captures
start_capture() { # ns logfile cmd...
    local ns=$1 logf=$2; shift 2
    # `ip netns exec` directly (not the in_ns function) so that $! is the
    # timeout process itself and `kill $!` reaches the capture.
    ip netns exec "$ns" timeout "$CAP_LIMIT" "$@" 2>"$logf" &
    BG_PIDS+=($!)
}
wait_for_log() { # logfile pattern what
    local i
    for i in $(seq 1 50); do
        if grep -q "$2" "$1" 2>/dev/null; then return 0; fi
        sleep 0.1
    done
    log "$3 did not start:"; cat "$1" >&2; return 1
}

log "starting captures"
start_capture "$NS_R" "$WORK/sll.log"  tcpdump -Z root -U -n -i any -y LINUX_SLL  -w "$WORK/mixed-sll.pcap"
start_capture "$NS_R" "$WORK/sll2.log" tcpdump -Z root -U -n -i any -y LINUX_SLL2 -w "$WORK/mixed-sll2.pcap"
start_capture "$NS_S" "$WORK/eth.log"  tcpdump -Z root -U -n -i pf-s0 -w "$WORK/server-ether.pcap"
start_capture "$NS_R" "$WORK/dumpcap.log" dumpcap -q -i pf-r0 -i pf-r1 -a "duration:$CAP_LIMIT" \
    -w "$WORK/router-2if.pcapng"
CAPTURE_PIDS=("${BG_PIDS[@]}")
wait_for_log "$WORK/sll.log"  "listening on" "tcpdump (SLL)"
wait_for_log "$WORK/sll2.log" "listening on" "tcpdump (SLL2)"
wait_for_log "$WORK/eth.log"  "listening on" "tcpdump (server Ethernet)"
wait_for_log "$WORK/dumpcap.log" "^File:" "dumpcap (router, 2 interfaces)"
sleep 0.5

# ---------------------------------------------------------------- IPv6 up
log "enabling IPv6 (DAD, MLD, RS)"
in_ns "$NS_C" sysctl -qw net.ipv6.conf.pf-c0.disable_ipv6=0
in_ns "$NS_R" sysctl -qw net.ipv6.conf.pf-r0.disable_ipv6=0 net.ipv6.conf.pf-r1.disable_ipv6=0
in_ns "$NS_S" sysctl -qw net.ipv6.conf.pf-s0.disable_ipv6=0
in_ns "$NS_C" ip -6 addr add "$C6/112" dev pf-c0
in_ns "$NS_R" ip -6 addr add "$R6A/112" dev pf-r0
in_ns "$NS_R" ip -6 addr add "$R6B/112" dev pf-r1
in_ns "$NS_S" ip -6 addr add "$S6/112" dev pf-s0
in_ns "$NS_C" ip -6 route add default via "$R6A"
in_ns "$NS_S" ip -6 route add default via "$R6B"
# Wait for DAD to finish (no tentative address left), at most 10 s.
for i in $(seq 1 100); do
    busy=0
    for ns in "${ALL_NS[@]}"; do
        if [[ -n $(in_ns "$ns" ip -6 addr show tentative) ]]; then busy=1; fi
    done
    [[ $busy -eq 0 ]] && break
    sleep 0.1
done
[[ $busy -eq 0 ]] || { log "IPv6 DAD did not finish"; exit 1; }

# ---------------------------------------------------------------- servers
log "starting dnsmasq and http.server in $NS_S"
ip netns exec "$NS_S" timeout "$CAP_LIMIT" dnsmasq --no-daemon --conf-file=/dev/null \
    --no-resolv --no-hosts --pid-file= --user=root --group=root \
    --bind-interfaces --listen-address="$S4" --listen-address="$S6" \
    --local=/test/ \
    --host-record=example.test,198.18.2.80,fd00:beef::2:80 \
    --cname=www.example.test,example.test \
    --txt-record=example.test,"pktforge test zone" \
    --log-queries --log-facility=- >"$WORK/dnsmasq.log" 2>&1 &
BG_PIDS+=($!)
mkdir -p "$WORK/www"
printf 'hello from pktforge\n' >"$WORK/www/hello.txt"
ip netns exec "$NS_S" timeout "$CAP_LIMIT" "$PY" -m http.server 80 --bind :: \
    --directory "$WORK/www" >"$WORK/http.log" 2>&1 &
BG_PIDS+=($!)
# Wait until both listen (checked over loopback, which no capture sees).
for i in $(seq 1 50); do
    if in_ns "$NS_S" "$PY" - <<'EOF' 2>/dev/null
import socket
socket.create_connection(("127.0.0.1", 80), timeout=0.5).close()
EOF
    then break; fi
    sleep 0.1
done
wait_for_log "$WORK/dnsmasq.log" "started" "dnsmasq"

# ---------------------------------------------------------------- traffic
C() { in_ns "$NS_C" "$@"; }
step() { log "traffic: $*"; }

step "ping / ping -6 (ARP and NDP on both links)"
C timeout 10 ping -n -c 3 -i 0.3 -W 2 "$S4" >/dev/null
C timeout 10 ping -n -6 -c 3 -i 0.3 -W 2 "$S6" >/dev/null
C timeout 5 ping -n -c 1 -W 2 "$R4A" >/dev/null
C timeout 5 ping -n -6 -c 1 -W 2 "$R6A" >/dev/null

step "time exceeded (TTL / hop limit 1 through the router)"
C timeout 10 ping -n -c 2 -i 0.5 -W 1 -t 1 "$S4" >/dev/null || true
C timeout 10 ping -n -6 -c 2 -i 0.5 -W 1 -t 1 "$S6" >/dev/null || true
C timeout 10 "$PY" - "$S4" "$S6" <<'EOF'
# traceroute-like UDP probes with TTL 1 (IPv4 and IPv6): ICMP time exceeded quoting UDP
import socket, sys
for fam, addr, lvl, opt in ((socket.AF_INET, sys.argv[1], socket.IPPROTO_IP, socket.IP_TTL),
                            (socket.AF_INET6, sys.argv[2], socket.IPPROTO_IPV6, socket.IPV6_UNICAST_HOPS)):
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.setsockopt(lvl, opt, 1)
    s.sendto(b"pktforge traceroute probe", (addr, 33434))
    s.close()
EOF
sleep 1

step "port unreachable (UDP to a closed port)"
C timeout 10 "$PY" - "$S4" "$S6" <<'EOF'
import socket, sys
for fam, addr in ((socket.AF_INET, sys.argv[1]), (socket.AF_INET6, sys.argv[2])):
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.settimeout(2)
    s.connect((addr, 9999))
    s.send(b"anyone on 9999?")
    try:
        s.recv(100)
    except (ConnectionRefusedError, socket.timeout):
        pass
    s.close()
EOF

step "DNS (dig against dnsmasq: A, AAAA, CNAME, TXT, NXDOMAIN, TCP, over IPv6)"
DIG=(timeout 10 dig +tries=1 +time=3)
C "${DIG[@]}" @"$S4" example.test A >/dev/null
C "${DIG[@]}" @"$S4" example.test AAAA >/dev/null
C "${DIG[@]}" @"$S4" www.example.test A >/dev/null
C "${DIG[@]}" @"$S4" example.test TXT >/dev/null
C "${DIG[@]}" @"$S4" nothing.example.test A >/dev/null
C "${DIG[@]}" +tcp @"$S4" www.example.test AAAA >/dev/null
C "${DIG[@]}" @"$S6" example.test AAAA >/dev/null

step "HTTP GET (IPv4 and IPv6)"
C timeout 10 curl -sS --max-time 5 -o /dev/null "http://$S4/hello.txt"
C timeout 10 curl -sS --max-time 5 -o /dev/null "http://[$S6]/hello.txt"

step "TCP connection refused (RST)"
C timeout 10 curl -sS --max-time 3 -o /dev/null "http://$S4:81/" 2>/dev/null || true
C timeout 10 curl -sS --max-time 3 -o /dev/null "http://[$S6]:81/" 2>/dev/null || true
sleep 1

step "IPv4 fragments (router fragments, DF -> frag needed, source fragments)"
C timeout 10 ping -n -c 1 -W 2 -M dont -s 1440 "$S4" >/dev/null || true
C timeout 10 ping -n -c 1 -W 2 -M do -s 1440 "$S4" >/dev/null 2>&1 || true
C timeout 10 ping -n -c 1 -W 2 -s 3000 "$S4" >/dev/null || true

step "IPv6 packet too big and fragments"
C timeout 10 ping -n -6 -c 2 -i 0.5 -W 2 -s 1400 "$S6" >/dev/null || true
C timeout 10 ping -n -6 -c 1 -W 2 -s 3000 "$S6" >/dev/null || true

sleep 1
log "stopping captures"
for pid in "${CAPTURE_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
for pid in "${CAPTURE_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done

# ---------------------------------------------------------------- outputs
tshark_q() { tshark "$@" 2>/dev/null; }
for f in mixed-sll mixed-sll2 server-ether; do
    tshark_q -r "$WORK/$f.pcap" -F pcapng -w "$WORK/$f.pcapng"
done
editcap -F nsecpcap "$WORK/server-ether.pcap" "$WORK/server-ether-nsec.pcap"

FILES=(mixed-sll.pcap mixed-sll.pcapng mixed-sll2.pcap mixed-sll2.pcapng
       server-ether.pcap server-ether.pcapng server-ether-nsec.pcap router-2if.pcapng)
BAD_CSUM='ip.checksum.status == "Bad" || tcp.checksum.status == "Bad" || udp.checksum.status == "Bad" || icmp.checksum.status == "Bad" || icmpv6.checksum.status == "Bad"'
bad=0
for f in "${FILES[@]}"; do
    [[ -s $WORK/$f ]] || { log "$f is missing or empty"; exit 1; }
    n=$(tshark_q -r "$WORK/$f" | wc -l)
    m=$(tshark_q -r "$WORK/$f" -Y '_ws.malformed || _ws.expert.severity == error' | wc -l)
    c=$(tshark_q -r "$WORK/$f" -o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE \
            -o udp.check_checksum:TRUE -Y "$BAD_CSUM" | wc -l)
    log "$f: $n packets, $m malformed/error, $c bad checksums"
    [[ $c -eq 0 ]] || bad=1
    [[ $m -eq 0 ]] || bad=1
done
[[ $bad -eq 0 ]] || { log "malformed packets or bad checksums found; not replacing the capture files"; exit 1; }

for f in "${FILES[@]}"; do
    install -m 0644 "$WORK/$f" "$OUT_DIR/$f"
done
log "wrote ${FILES[*]} to $OUT_DIR"
