#!/usr/bin/env bash
# Benchmark 3 of issue 7: resident memory of `broadsheet serve` on a 100,000-article site after warming
# 10,000 article pages. Goal: RSS <= 64 MiB plus the configured page-cache size.
#
#   bash bench/memory.sh
#   ARTICLES=100000 WARM=10000 HITS=2000 CLIENTS=4 KEEP=1 CACHE_MB=64 CACHE_CONF='cache_mb = 64' bash bench/memory.sh
#
# CACHE_CONF is appended to the site's broadsheet.conf (the page cache's setting, on a build that has
# one) and CACHE_MB is the size it allows, added to the 64 MiB goal; both default to none (0).
# After the warming (every page fetched once, so every one a miss), the HITS most recently warmed pages
# are fetched again, gzip and identity, so that the cache also prepares its replies for hits; the goal
# is checked on the RSS after that. RSS, its high-water mark and its anonymous/file split are read from
# /proc/PID/status; the cache's own count from /metrics. SITE=DIR (a site kept by KEEP=1, with the
# same CACHE_CONF in its broadsheet.conf) skips the generation.
set -euo pipefail
cd "$(dirname "$0")/.."
ARTICLES=${ARTICLES:-100000}
WARM=${WARM:-10000}
HITS=${HITS:-2000}
CLIENTS=${CLIENTS:-4}
CACHE_MB=${CACHE_MB:-0}
WORK=$(mktemp -d /tmp/bs-bench-memory.XXXXXX)
PID=""
cleanup() {
  [ -z "$PID" ] || kill "$PID" 2>/dev/null || true
  [ -n "${KEEP:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT
command -v sqlite3 >/dev/null || { echo "bench: sqlite3 is missing (bash scripts/deps.sh)"; exit 1; }
make -s -j2 build/broadsheet

echo "== machine: $(nproc) CPUs, $(free -m | awk '/Mem:/ {print $2}') MiB RAM, load $(cut -d' ' -f1-3 /proc/loadavg)"
if [ -n "${SITE:-}" ]; then
  ln -s "$(cd "$SITE" && pwd)" "$WORK/site"
  echo "== site $SITE (kept from an earlier run)"
else
  echo "== generating $ARTICLES articles"
  t0=$(date +%s)
  build/broadsheet demo "$WORK/site" --articles $((ARTICLES > 84 ? ARTICLES - 84 : 0)) >/dev/null 2>&1
  [ -z "${CACHE_CONF:-}" ] || printf '\n%s\n' "$CACHE_CONF" >> "$WORK/site/broadsheet.conf"
fi
echo "   $(sqlite3 -cmd '.timeout 10000' "$WORK/site/site.db" "SELECT count(*) FROM articles WHERE status = 'published'") published, database $(du -m "$WORK/site/site.db" | cut -f1) MiB${t0:+, $(( $(date +%s) - t0 )) s}"

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
build/broadsheet serve --site "$WORK/site" --listen "127.0.0.1:$PORT" --quiet > "$WORK/serve.log" 2>&1 &
PID=$!
for _ in $(seq 100); do grep -q 'listening on' "$WORK/serve.log" && break; sleep 0.1; done
grep -q 'listening on' "$WORK/serve.log" || { cat "$WORK/serve.log"; exit 1; }
echo "   $(head -1 "$WORK/serve.log")"

mem_of() { # prints "RSS HWM anon file" in MiB from a copy of /proc/PID/status
  awk '/^VmRSS/ {r=$2} /^VmHWM/ {h=$2} /^RssAnon/ {a=$2} /^RssFile/ {f=$2}
       END {printf "%.1f %.1f %.1f %.1f", r/1024, h/1024, a/1024, f/1024}' "$1"
}
mem() { mem_of "/proc/$PID/status"; } # the same for the server now
read -r R0 H0 A0 F0 <<<"$(mem)"

# the 10,000 newest articles' addresses, spread over both editions
sqlite3 -cmd '.timeout 10000' -separator ' ' "$WORK/site/site.db" \
  "SELECT edition, published_at, slug FROM articles WHERE status = 'published' ORDER BY published_at DESC LIMIT $WARM" > "$WORK/rows.txt"
echo "== warming $WARM article pages with $CLIENTS keep-alive clients, then $HITS of them again"
python3 - "$PORT" "$CLIENTS" "$WORK/rows.txt" "$HITS" "$WORK/mid" "$PID" <<'PY'
import http.client, sys, threading, time, urllib.parse
port, clients, rows, hits = int(sys.argv[1]), int(sys.argv[2]), open(sys.argv[3], encoding='utf-8').read().split('\n'), int(sys.argv[4])
paths = []
for r in rows:
    if not r:
        continue
    ed, t, slug = r.split(' ', 2)
    d = time.gmtime(int(t))
    paths.append(f"/{ed}/{d.tm_year:04d}/{d.tm_mon:02d}/{d.tm_mday:02d}/{urllib.parse.quote(slug)}")
status = {}
lock = threading.Lock()
def run(part, encodings):
    c = http.client.HTTPConnection('127.0.0.1', port, timeout=60)
    for p in part:
        for enc in encodings:
            c.request('GET', p, headers={'Accept-Encoding': enc})
            r = c.getresponse()
            r.read()
            with lock:
                status[r.status] = status.get(r.status, 0) + 1
def phase(ps, encodings):
    t0 = time.time()
    ts = [threading.Thread(target=run, args=(ps[i::clients], encodings)) for i in range(clients)]
    for t in ts: t.start()
    for t in ts: t.join()
    return time.time() - t0
# each client warms its share in order: the last pages of every share are the most recently stored
took = phase(paths, ['gzip'])
print(f"   {len(paths)} requests in {took:.1f} s, statuses {status}")
open(sys.argv[5], 'w').write(open(f'/proc/{sys.argv[6]}/status').read())
again = [p for i in range(clients) for p in paths[i::clients][-(hits // clients):]] if hits else []
status.clear()
took = phase(again, ['gzip', 'identity'])
print(f"   {len(again)} pages again (gzip, identity): {2 * len(again)} requests in {took:.1f} s, statuses {status}")
if set(status) - {200}:
    sys.exit(1)
PY
read -r R1 H1 A1 F1 <<<"$(mem_of "$WORK/mid")"
read -r R2 H2 A2 F2 <<<"$(mem)"
METRICS=$(curl -fsS "http://127.0.0.1:$PORT/metrics" | awk '/^broadsheet_cache_(entries|bytes) / {printf "%s %s  ", $1, $2}')
GOAL=$((64 + CACHE_MB))
echo
echo "                         RSS MiB  peak MiB  anon MiB  file MiB"
printf 'after start:             %7s  %8s  %8s  %8s\n' "$R0" "$H0" "$A0" "$F0"
printf 'after warming %-6s     %7s  %8s  %8s  %8s\n' "$WARM:" "$R1" "$H1" "$A1" "$F1"
printf 'after %-6s hits:       %7s  %8s  %8s  %8s\n' "$HITS" "$R2" "$H2" "$A2" "$F2"
echo "page cache (/metrics): ${METRICS:-none}"
python3 -c "import sys; r = float('$R2'); print(f'goal: RSS <= {$GOAL} MiB (64 + cache {$CACHE_MB}): ' + ('met' if r <= $GOAL else 'NOT met') + f' ({r:.1f} MiB)')"
kill "$PID"; wait "$PID" 2>/dev/null || true; PID=""
[ -z "${KEEP:-}" ] || echo "work directory kept: $WORK"
