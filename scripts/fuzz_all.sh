#!/usr/bin/env bash
# Builds the fuzz targets once, then runs each until it has used SECONDS (default 900) of
# CPU time of its own (user + system, read from /proc, so a busy machine stretches the
# wall time, not the fuzzing), JOBS (default 2) targets at a time, on the seeds of
# fuzz/seed.py; prints each target's CPU and wall seconds and final libFuzzer figures.
# Crashes land in fuzz/artifacts/<target>/. See fuzz/README.md.
set -uo pipefail
cd "$(dirname "$0")/../fuzz"
SECONDS_PER_TARGET="${1:-900}"
JOBS="${JOBS:-2}"
TARGETS="${TARGETS:-dissect roundtrip fast_vs_owned pcap pcapng dsl filter answers ring}"
LOGS="${LOGS:-/tmp/pktforge-fuzz-logs}"
mkdir -p "$LOGS" artifacts
[ -d corpus ] || python3 seed.py
export RUSTC_BOOTSTRAP=1
cargo fuzz build -O >"$LOGS/build.log" 2>&1 || { echo "build failed: $LOGS/build.log"; exit 1; }
BIN="${CARGO_TARGET_DIR:-target}/x86_64-unknown-linux-gnu/release"
TICKS=$(getconf CLK_TCK)

# CPU seconds used by process $1 (0 once it is gone).
cpu_of() {
  awk -v t="$TICKS" '{ print int(($14 + $15) / t) }' "/proc/$1/stat" 2>/dev/null || echo 0
}

run_one() {
  local t=$1 start pid used=0
  mkdir -p "corpus/$t" "artifacts/$t"
  start=$(date +%s)
  # The wall-time limit only bounds a starved run; the CPU watch below ends it.
  "$BIN/$t" "corpus/$t" -artifact_prefix="artifacts/$t/" \
    -max_total_time=$((SECONDS_PER_TARGET * 6)) -rss_limit_mb=2048 -print_final_stats=1 \
    >"$LOGS/$t.log" 2>&1 &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    used=$(cpu_of "$pid")
    if [ "$used" -ge "$SECONDS_PER_TARGET" ]; then
      kill -INT "$pid"
      break
    fi
    sleep 5
  done
  wait "$pid"
  local rc=$?
  echo "$t: exit $rc | cpu ${used}s wall $(( $(date +%s) - start ))s | $(grep -E '^#[0-9]+' "$LOGS/$t.log" | tail -1) | $(grep -E 'stat::number_of_executed_units' "$LOGS/$t.log") | artifacts $(ls "artifacts/$t" | wc -l)"
}

running=0
for t in $TARGETS; do
  run_one "$t" &
  running=$((running + 1))
  if [ "$running" -ge "$JOBS" ]; then
    wait -n
    running=$((running - 1))
  fi
done
wait
