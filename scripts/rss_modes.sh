#!/usr/bin/env bash
# Peak RSS of `pktforge read` in every output mode over one large file (README, Resource
# bounds): scripts/rss_modes.sh FILE [BINARY]. Output goes to /dev/null; the file should be
# in the page cache. Prints a Markdown table: mode, wall seconds, peak RSS MiB.
set -euo pipefail
FILE="$1"
BIN="${2:-target/release/pktforge}"
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
echo "| mode | wall s | peak RSS MiB |"
echo "|---|---:|---:|"
while IFS='|' read -r name args; do
  # shellcheck disable=SC2086
  /usr/bin/time -f "%e %M" -o "$OUT/t" "$BIN" read "$FILE" $args >/dev/null 2>"$OUT/err" || true
  read -r wall kb < <(tail -1 "$OUT/t")
  printf '| `%s` | %s | %d |\n' "$name" "$wall" $((kb / 1024))
done <<'MODES'
read F|
read F -e|-e
read F -v|-v
read F -x|-x
read F -X|-X
read F --json|--json
read F -e ip.src -e tcp.port -e dns.qry.name|-e ip.src -e tcp.port -e dns.qry.name
read F --csv --fields frame.number,ip.src,udp.length|--csv --fields frame.number,ip.src,udp.length
read F --count|--count
read F -w /dev/null tcp port 80|-w /dev/null tcp port 80
read F -Y dns.qry.name~"mail"|-Y dns.qry.name~"mail"
read F --no-mmap|--no-mmap
read F --no-mmap --json|--no-mmap --json
MODES
