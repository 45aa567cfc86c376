#!/usr/bin/env bash
# Builds the fuzz targets once, then runs each for SECONDS (default 900) one after the
# other on the seeds of fuzz/seed.py; prints each target's final libFuzzer figures.
# Crashes land in fuzz/artifacts/<target>/. See fuzz/README.md.
set -uo pipefail
cd "$(dirname "$0")/../fuzz"
SECONDS_PER_TARGET="${1:-900}"
TARGETS="${TARGETS:-dissect roundtrip fast_vs_owned pcap pcapng dsl filter}"
LOGS="${LOGS:-/tmp/pktforge-fuzz-logs}"
mkdir -p "$LOGS" artifacts
[ -d corpus ] || python3 seed.py
export RUSTC_BOOTSTRAP=1
cargo fuzz build -O >"$LOGS/build.log" 2>&1 || { echo "build failed: $LOGS/build.log"; exit 1; }
BIN="${CARGO_TARGET_DIR:-target}/x86_64-unknown-linux-gnu/release"
for t in $TARGETS; do
  mkdir -p "corpus/$t" "artifacts/$t"
  "$BIN/$t" "corpus/$t" -artifact_prefix="artifacts/$t/" -max_total_time="$SECONDS_PER_TARGET" \
    -rss_limit_mb=2048 -print_final_stats=1 >"$LOGS/$t.log" 2>&1
  echo "$t: exit $? | $(grep -E '^#[0-9]+' "$LOGS/$t.log" | tail -1) | $(grep -E 'stat::number_of_executed_units' "$LOGS/$t.log")"
done
