#!/bin/sh
# Side-by-side timing of `pktforge export` and `tshark -T fields` to CSV for the same fields,
# then of one question (top IPv4 endpoints) answered by DuckDB over the Parquet file and by
# `tshark -z endpoints,ip` over the capture, as in the README's export table. Wall time, CPU
# time (user + system) and peak RSS from /usr/bin/time -v. Needs tshark and the duckdb Python
# package. Usage: docs/bench-export.sh [FILE] [PKTFORGE]
set -eu
f=${1:-/tmp/mixed-2m.pcap}
bin=${2:-target/release/pktforge}
out=${TMPDIR:-/tmp}/pktforge-bench-export.$$
mkdir -p "$out"
trap 'rm -rf "$out"' EXIT
T="tshark -n -o ip.defragment:FALSE -o ipv6.defragment:FALSE -o tcp.desegment_tcp_streams:FALSE"
run() {
    /usr/bin/time -v "$@" >/dev/null 2>"$out/time" || true
    wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$out/time")
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$out/time")
    user=$(sed -n 's/.*User time (seconds): //p' "$out/time")
    sys=$(sed -n 's/.*System time (seconds): //p' "$out/time")
    cpu=$(awk "BEGIN { print $user + $sys }")
    printf '| `%s` | %s | %s s | %s MiB |\n' "$*" "$wall" "$cpu" "$((rss / 1024))"
}
# The median of three pktforge runs: a run of a few seconds is at the mercy of the moment.
median3() {
    for i in 1 2 3; do run "$@"; done | sort -t'|' -k3 | sed -n 2p
}
packets=$(capinfos -M -c "$f" | sed -n 's/^Number of packets: *//p')
echo "packets: $packets"
echo "| command | wall (m:ss) | CPU (user + sys) | peak RSS |"
echo "|---|---|---|---|"
median3 "$bin" export "$f" -o "$out/x.parquet"
# The default profile's columns that are Wireshark fields (ip.src_u32/ip.dst_u32 are ours).
fields=$(python3 -c "
import duckdb, sys
cols = [r[0] for r in duckdb.sql(\"DESCRIBE SELECT * FROM '$out/x.parquet'\").fetchall()]
print(' '.join('-e ' + c for c in cols if not c.endswith('_u32')))")
echo "tshark fields: $(echo "$fields" | wc -w | awk '{print $1 / 2}')"
# shellcheck disable=SC2086
run $T -r "$f" -T fields -E separator=, -E header=y $fields
cat >"$out/q.py" <<EOF
import duckdb
print(duckdb.sql('''
  SELECT a, count(*) AS packets, sum(len) AS bytes FROM (
    SELECT "ip.src" AS a, "frame.len" AS len FROM '$out/x.parquet' WHERE "ip.src" IS NOT NULL
    UNION ALL
    SELECT "ip.dst", "frame.len" FROM '$out/x.parquet' WHERE "ip.dst" IS NOT NULL)
  GROUP BY a ORDER BY packets DESC LIMIT 5''').fetchall())
EOF
median3 python3 "$out/q.py"
run $T -r "$f" -q -z endpoints,ip
python3 "$out/q.py"
