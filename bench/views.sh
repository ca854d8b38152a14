#!/usr/bin/env bash
# The cost of counting views on the hot path: wrk over article pages with a browser's User-Agent (every
# request is counted: views_record) and with a robot's (not counted), alternating, on the release build.
# Most read is filled before the first phase, so both kinds of request render the same pages.
# Usage: bench/views.sh [SECONDS (10)] [CONNECTIONS (50)] [ROUNDS (3)]
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-10}
CONNS=${2:-50}
ROUNDS=${3:-3}
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
make --no-print-directory -j2 build/broadsheet >/dev/null
WORK=$(mktemp -d /tmp/bench-views-XXXXXX)
SERVER_PID=
cleanup() {
	[ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
	rm -rf "$WORK"
}
trap cleanup EXIT
SITE=$WORK/site
build/broadsheet demo "$SITE" --articles 200 >/dev/null
printf 'per_ip_connections = 4096\nviews_flush_ms = 1000\n' >>"$SITE/broadsheet.conf"
mapfile -t PATHS < <(sqlite3 "$SITE/site.db" "SELECT '/en/' || strftime('%Y/%m/%d', published_at, 'unixepoch') || '/' || slug
  FROM articles WHERE status = 'published' AND edition = 'en' ORDER BY published_at DESC LIMIT 20")
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
BASE=http://127.0.0.1:$PORT
build/broadsheet serve --site "$SITE" --listen "127.0.0.1:$PORT" --quiet >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 100); do curl -sf -o /dev/null "$BASE/en/" && break; sleep 0.1; done
lua() { # $1: User-Agent
	{
		echo 'paths = {'
		for p in "${PATHS[@]}"; do printf '  "%s",\n' "$p"; done
		echo '}'
		echo 'i = 0'
		echo "wrk.headers[\"User-Agent\"] = \"$1\""
		echo 'request = function() i = i % #paths + 1; return wrk.format("GET", paths[i]) end'
	} >"$WORK/$2.lua"
}
lua 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0' browser
lua 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)' bot
run() { wrk -t2 -c"$CONNS" -d"${SECS}s" --latency -s "$WORK/$1.lua" "$BASE" |
	awk '/Requests\/sec/ {rps=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2} END {printf "%s %s %s\n", rps, p50, p99}'; }
wrk -t1 -c4 -d2s -s "$WORK/browser.lua" "$BASE" >/dev/null # fill Most read
sleep 1.5
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); wrk -t2 -c$CONNS -d${SECS}s, 20 article pages"
for r in $(seq "$ROUNDS"); do
	echo "round $r counted (browser): req/s p50 p99 = $(run browser)"
	echo "round $r not counted (bot): req/s p50 p99 = $(run bot)"
done
echo "views stored: $(sqlite3 -cmd '.timeout 10000' "$SITE/site.db" 'SELECT sum(views) FROM article_views')"
