#!/usr/bin/env bash
# Runs every fuzz target for SECONDS (default 900) one after the other, with the seeds of
# fuzz/seed.py; prints each target's last libFuzzer status line. Crashes land in
# fuzz/artifacts/<target>/. See fuzz/README.md.
set -uo pipefail
cd "$(dirname "$0")/../fuzz"
SECONDS_PER_TARGET="${1:-900}"
TARGETS="${TARGETS:-dissect roundtrip fast_vs_owned pcap pcapng dsl filter}"
LOGS="${LOGS:-/tmp/pktforge-fuzz-logs}"
mkdir -p "$LOGS"
[ -d corpus ] || python3 seed.py
export RUSTC_BOOTSTRAP=1
for t in $TARGETS; do
  cargo fuzz run -O "$t" -- -max_total_time="$SECONDS_PER_TARGET" -rss_limit_mb=2048 \
    -print_final_stats=1 >"$LOGS/$t.log" 2>&1
  echo "$t: exit $? $(grep -E '^(#[0-9]+|Done)' "$LOGS/$t.log" | tail -1)"
done
