#!/usr/bin/env bash
# Issue 7, benchmark 4 (mixed load): readers at full speed (wrk, a browser's User-Agent, rotating over
# article pages) with and without anonymous comments posted at 200/s at the same time (bench/post-comments.mjs,
# real form tokens). Reports read throughput in each phase and the ratio (goal: mixed >= 0.8 x reads alone),
# and checks that every comment the server accepted is in the database (and that every one was accepted).
# Phases alternate (alone, mixed, alone, mixed) so drift on a shared machine hits both sides.
#
# Usage: bench/mixed.sh [SECONDS_PER_PHASE (15)] [CONNECTIONS (50)] [COMMENTS_PER_SECOND (200)] [THREADS (0)]
# THREADS is the server's worker threads (0 = one per core, the default configuration).
# Needs: wrk (installed with apt-get when missing), node, sqlite3; builds the release binary.
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-15}
CONNS=${2:-50}
RATE=${3:-200}
THREADS=${4:-0}
UA='Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0'

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
command -v sqlite3 >/dev/null || apt-get install -y -qq sqlite3
make --no-print-directory -j2 build/broadsheet >/dev/null

WORK=$(mktemp -d /tmp/bench-mixed-XXXXXX)
SERVER_PID=
cleanup() {
	[ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
	rm -rf "$WORK"
}
trap cleanup EXIT

SITE=$WORK/site
build/broadsheet demo "$SITE" --articles 200 >/dev/null
# the comment defences a benchmark must relax: no minimum fill time, rate limits per address and per
# network far above 200/s x the run (all posts come from 127.0.0.1); pre-moderation stays on
sqlite3 -cmd '.timeout 10000' "$SITE/site.db" "INSERT OR REPLACE INTO settings VALUES
  ('comments.min_fill_seconds', '0'), ('comments.rate_ip', '100000'), ('comments.rate_net', '100000'),
  ('comments.close_days', '0')"
# every client runs on this machine: the per-address connection limit (64) would refuse some of them
printf 'per_ip_connections = 4096\nmax_connections = 4096\nthreads = %s\n' "$THREADS" >>"$SITE/broadsheet.conf"
DB=$SITE/site.db
# the 20 newest articles of each edition: readers rotate over them, comments go to the English ones
mapfile -t PATHS < <(sqlite3 "$DB" "SELECT '/' || edition || '/' || strftime('%Y/%m/%d', published_at, 'unixepoch') || '/' || slug
  FROM articles WHERE status = 'published' AND edition = 'en' ORDER BY published_at DESC LIMIT 20")
mapfile -t AR_PATHS < <(sqlite3 "$DB" "SELECT '/' || edition || '/' || strftime('%Y/%m/%d', published_at, 'unixepoch') || '/' || slug
  FROM articles WHERE status = 'published' AND edition = 'ar' ORDER BY published_at DESC LIMIT 20")

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
BASE=http://127.0.0.1:$PORT
build/broadsheet serve --site "$SITE" --listen "127.0.0.1:$PORT" --quiet >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 100); do curl -sf -o /dev/null "$BASE/en/" && break; sleep 0.1; done

# wrk rotates over the article pages (Arabic paths are percent-encoded by node)
LUA=$WORK/rotate.lua
{
	echo 'paths = {'
	for p in "${PATHS[@]}"; do printf '  "%s",\n' "$p"; done
	node -e 'for (const p of process.argv.slice(1)) console.log(`  "${p.split("/").map(encodeURIComponent).join("/")}",`)' "${AR_PATHS[@]}"
	echo '}'
	echo 'i = 0'
	echo "wrk.headers[\"User-Agent\"] = \"$UA\""
	echo 'request = function() i = i % #paths + 1; return wrk.format("GET", paths[i]) end'
} >"$LUA"

comments() { sqlite3 -cmd '.timeout 10000' "$DB" 'SELECT count(*) FROM comments'; }
# reads: wrk for SECS; prints requests/s, p50, p99 (ms) and non-2xx count
reads() {
	wrk -t2 -c"$CONNS" -d"${SECS}s" --latency -s "$LUA" "$BASE" >"$WORK/wrk.txt"
	awk '/Requests\/sec/ {rps=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2} /Non-2xx/ {bad=$NF}
	     END {printf "%s %s %s %s\n", rps, p50, p99, bad ? bad : 0}' "$WORK/wrk.txt"
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem/ {print $2}') GiB"
echo "server threads: $THREADS (0 = one per core); wrk -t2 -c$CONNS -d${SECS}s over ${#PATHS[@]}+${#AR_PATHS[@]} article pages; comments at $RATE/s in mixed phases"
before=$(comments)
sent_total=0; accepted_total=0
declare -a ALONE MIXED
for round in 1 2; do
	r=$(reads); ALONE+=("${r%% *}"); echo "round $round reads alone:  req/s p50 p99 non-2xx = $r"
	node bench/post-comments.mjs "$BASE" "$RATE" "$SECS" "${PATHS[@]}" >"$WORK/post.json" &
	POSTER=$!
	r=$(reads); MIXED+=("${r%% *}")
	wait "$POSTER"
	post=$(cat "$WORK/post.json")
	echo "round $round reads + comments: req/s p50 p99 non-2xx = $r; poster: $post"
	sent_total=$((sent_total + $(node -e 'console.log(JSON.parse(process.argv[1]).sent)' "$post")))
	accepted_total=$((accepted_total + $(node -e 'console.log(JSON.parse(process.argv[1]).accepted)' "$post")))
done
after=$(comments)
stored=$((after - before))
alone=$(printf '%s\n' "${ALONE[@]}" | awk '{s+=$1} END {printf "%.0f", s/NR}')
mixed=$(printf '%s\n' "${MIXED[@]}" | awk '{s+=$1} END {printf "%.0f", s/NR}')
echo "reads alone: $alone req/s; with comments: $mixed req/s; ratio $(awk -v a="$alone" -v m="$mixed" 'BEGIN {printf "%.3f", m/a}') (goal >= 0.8)"
echo "comments: sent $sent_total, accepted (303) $accepted_total, stored $stored"
if [ "$stored" -ne "$accepted_total" ] || [ "$accepted_total" -ne "$sent_total" ]; then
	echo "FAIL: comments lost or refused"; exit 1
fi
echo "no comment lost"
