#!/bin/sh
# Side-by-side timing of `pktforge stats` and tshark on one file (default: the 2M-packet
# workload), as in the README's table: wall time, CPU time (user + system) and peak RSS from
# /usr/bin/time -v.
# Usage: docs/bench-stats.sh [FILE] [PKTFORGE]
f=${1:-/tmp/mixed-2m.pcap}
bin=${2:-target/release/pktforge}
T="tshark -n -o ip.defragment:FALSE -o ipv6.defragment:FALSE -o tcp.desegment_tcp_streams:FALSE -o tcp.analyze_sequence_numbers:FALSE"
run() {
    /usr/bin/time -v "$@" >/dev/null 2>/tmp/pktforge-bench-time.$$ || true
    wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' /tmp/pktforge-bench-time.$$)
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' /tmp/pktforge-bench-time.$$)
    user=$(sed -n 's/.*User time (seconds): //p' /tmp/pktforge-bench-time.$$)
    sys=$(sed -n 's/.*System time (seconds): //p' /tmp/pktforge-bench-time.$$)
    cpu=$(awk "BEGIN { print $user + $sys }")
    printf '| `%s` | %s | %s s | %s MiB |\n' "$*" "$wall" "$cpu" "$((rss / 1024))"
    rm -f /tmp/pktforge-bench-time.$$
}
# pktforge's runs take a fraction of a second, so one run is at the mercy of the moment
# (the first after a pause was up to 3x slower here): the median of five runs.
median5() {
    for i in 1 2 3 4 5; do run "$@"; done | sort -t'|' -k3 | sed -n 3p
}
echo "| command | wall (m:ss) | CPU (user + sys) | peak RSS |"
echo "|---|---|---|---|"
median5 $bin stats "$f" --phs
run $T -r "$f" -q -z io,phs
median5 $bin stats "$f" --conv tcp
run $T -r "$f" -q -z conv,tcp
