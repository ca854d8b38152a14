#!/usr/bin/env bash
# Soak test: serves mixed traffic (bench/soak-traffic.mjs: readers, API, feeds, search, comments, an
# editor logging in and saving) to the release binary on a fresh demo site for SOAK_SECONDS (default 600)
# and samples the server's resident memory (VmRSS) every SOAK_SAMPLE seconds (default 10). Prints the
# samples and a verdict: RSS is "flat" when the baseline (lowest sample) of the last third of the run is
# within SOAK_TOLERANCE percent (default 10) of the baseline of the middle third (the first third is
# warm-up: caches, SQLite's page cache and thread arenas fill). The baseline, not the mean, because each
# log-in's argon2id hash briefly maps 64 MiB and returns it: spikes that come and go are not growth, a
# rising floor is. Exit status 0 flat, 1 growing, 2 setup failure.
# Usage: bench/soak.sh   (SOAK_SECONDS=120 bench/soak.sh for a short check; SOAK_ARTICLES=N for a bigger site)
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_TOTAL=${SOAK_SECONDS:-600}
SAMPLE=${SOAK_SAMPLE:-10}
TOL=${SOAK_TOLERANCE:-10}
CONC=${SOAK_CONCURRENCY:-4}
make --no-print-directory -j2 build/broadsheet >/dev/null
WORK=$(mktemp -d)
PID=""
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
build/broadsheet demo "$WORK/site" --articles "${SOAK_ARTICLES:-500}" >/dev/null 2>&1 || exit 2
echo "login_max_failures = 1000" >>"$WORK/site/broadsheet.conf"
sqlite3 -cmd '.timeout 10000' "$WORK/site/site.db" "INSERT OR REPLACE INTO settings VALUES
  ('comments.min_fill_seconds', '0'), ('comments.rate_ip', '100000'), ('comments.rate_net', '100000')"
printf 'a-soak-password\n' | build/broadsheet user add --site "$WORK/site" --name soak --role editor >/dev/null
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
build/broadsheet serve --site "$WORK/site" --listen 127.0.0.1:$PORT --quiet >"$WORK/server.log" 2>&1 &
PID=$!
for _ in $(seq 50); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/en/" && break; sleep 0.2; done
node bench/soak-traffic.mjs "http://127.0.0.1:$PORT" "$WORK/site" "$SECONDS_TOTAL" "$CONC" >"$WORK/counts.json" &
DRIVER=$!
samples=()
echo "soak: ${SECONDS_TOTAL}s of mixed traffic, $CONC clients, RSS every ${SAMPLE}s (KiB)"
while kill -0 "$DRIVER" 2>/dev/null; do
  rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$PID/status" 2>/dev/null || echo 0)
  samples+=("$rss")
  printf '%s ' "$rss"
  sleep "$SAMPLE"
done
echo
wait "$DRIVER" || { echo "soak: the traffic driver failed"; exit 2; }
kill -0 "$PID" 2>/dev/null || { echo "soak: the server died"; cat "$WORK/server.log"; exit 2; }
echo "requests: $(cat "$WORK/counts.json")"
printf '%s\n' "${samples[@]}" | python3 -c '
import sys
tol = float(sys.argv[1])
s = [int(x) for x in sys.stdin.read().split()]
if len(s) < 6:
    print("soak: too few samples for a verdict (%d)" % len(s)); sys.exit(2)
t = len(s) // 3
mid, last = s[t:2 * t], s[2 * t:]
m, l = min(mid), min(last)
growth = (l - m) / m * 100
print("RSS KiB: first %d, max %d, last %d; baseline of the middle third %d, of the last third %d (%+.1f%%)" % (s[0], max(s), s[-1], m, l, growth))
print("verdict: %s (tolerance %.0f%%)" % ("flat" if growth <= tol else "GROWING", tol))
sys.exit(0 if growth <= tol else 1)
' "$TOL"
