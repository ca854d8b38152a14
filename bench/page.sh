#!/usr/bin/env bash
# Benchmark 1 of issue 7: Broadsheet's cached article page against nginx serving the identical bytes
# from a file, plain and gzip, at 100 and 1,000 connections, interleaved in one run (each round runs
# nginx then Broadsheet on the same settings, so machine noise hits both alike). Prints requests/s and
# p99 latency of each and the ratio Broadsheet / nginx.
#
#   bench/page.sh                 (DURATION=10 ROUNDS=1 CONNS="100 1000" THREADS=<cores> to change)
#
# Installs wrk and nginx with apt-get when missing (scripts/deps.sh --bench), builds the release binary,
# makes a demo site in a temp directory, and runs nginx as a non-daemon on a temp config and free port.
# Results and the machine go to stdout; copy them into bench/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-10}
ROUNDS=${ROUNDS:-1}
CONNS=${CONNS:-"100 1000"}
CORES=$(nproc)
THREADS=${THREADS:-$CORES}
WRK_THREADS=${WRK_THREADS:-2}

bash scripts/deps.sh --bench
make --no-print-directory -j2 build/broadsheet >/dev/null
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

TMP=$(mktemp -d /tmp/bench-page.XXXXXX)
BS_PID=""
NGX_PID=""
cleanup() {
  [ -n "$BS_PID" ] && kill "$BS_PID" 2>/dev/null && wait "$BS_PID" 2>/dev/null
  [ -n "$NGX_PID" ] && kill "$NGX_PID" 2>/dev/null && wait "$NGX_PID" 2>/dev/null
  rm -rf "$TMP"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# --- Broadsheet on a demo site, its cache warmed
build/broadsheet demo "$TMP/site" >/dev/null
cat >>"$TMP/site/broadsheet.conf" <<CONF
max_connections = 4096
per_ip_connections = 4096
cache_mb = 64
CONF
BS_PORT=$(free_port)
build/broadsheet serve --site "$TMP/site" --listen "127.0.0.1:$BS_PORT" --threads "$THREADS" --quiet >"$TMP/bs.log" 2>&1 &
BS_PID=$!
for _ in $(seq 100); do grep -q listening "$TMP/bs.log" 2>/dev/null && break; sleep 0.1; done
BS="http://127.0.0.1:$BS_PORT"
ARTICLE=$(curl -fsS "$BS/en/" | grep -o 'href="/en/20[0-9][0-9]/[0-9][0-9]/[0-9][0-9]/[^"]*"' | head -1 | sed 's/^href="//; s/"$//')
[ -n "$ARTICLE" ] || { echo "no article link on the front page" >&2; exit 1; }
curl -fsS -o "$TMP/plain" "$BS$ARTICLE"
curl -fsS -H 'Accept-Encoding: gzip' -o "$TMP/gzip" "$BS$ARTICLE"
[ "$(curl -fsS -D - -o /dev/null "$BS$ARTICLE" | tr -d '\r' | awk -F': ' 'tolower($1)=="x-cache"{print $2}')" = hit ] ||
  { echo "the article page is not served from the cache" >&2; exit 1; }
gzip -dc "$TMP/gzip" | cmp -s - "$TMP/plain" || { echo "gzip variant differs from the page" >&2; exit 1; }

# --- nginx serving the same bytes: /plain as it is, /gzip with Content-Encoding: gzip
mkdir -p "$TMP/www" "$TMP/ngx"
chmod 755 "$TMP" "$TMP/www" # nginx workers run as an unprivileged user when started by root
cp "$TMP/plain" "$TMP/www/plain"
cp "$TMP/gzip" "$TMP/www/gzip"
chmod 644 "$TMP/www/plain" "$TMP/www/gzip"
NGX_PORT=$(free_port)
cat >"$TMP/ngx/nginx.conf" <<NGX
worker_processes $THREADS;
daemon off;
pid $TMP/ngx/nginx.pid;
error_log $TMP/ngx/error.log warn;
events { worker_connections 8192; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 100000000;
  keepalive_timeout 60;
  client_body_temp_path $TMP/ngx/body;
  proxy_temp_path $TMP/ngx/proxy;
  fastcgi_temp_path $TMP/ngx/fastcgi;
  uwsgi_temp_path $TMP/ngx/uwsgi;
  scgi_temp_path $TMP/ngx/scgi;
  server {
    listen 127.0.0.1:$NGX_PORT;
    root $TMP/www;
    location = /plain { default_type "text/html; charset=utf-8"; etag on; }
    location = /gzip { default_type "text/html; charset=utf-8"; add_header Content-Encoding gzip; add_header Vary Accept-Encoding; }
  }
}
NGX
nginx -c "$TMP/ngx/nginx.conf" -p "$TMP/ngx" &
NGX_PID=$!
for _ in $(seq 50); do curl -fsS -o /dev/null "http://127.0.0.1:$NGX_PORT/plain" 2>/dev/null && break; sleep 0.1; done
NG="http://127.0.0.1:$NGX_PORT"
cmp -s <(curl -fsS "$NG/plain") "$TMP/plain" || { echo "nginx does not serve the page's bytes" >&2; exit 1; }
cmp -s <(curl -fsS -H 'Accept-Encoding: gzip' "$NG/gzip") "$TMP/gzip" || { echo "nginx does not serve the gzip bytes" >&2; exit 1; }

# to_ms: a wrk duration (850.00us, 1.20ms, 2.00s) in milliseconds
to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; else if (v ~ /m$/) n *= 60000; printf "%.2f", n }'; }

# run_wrk NAME URL CONNS HEADER: one wrk run; appends "name conns rps p99ms errors" to $TMP/results
run_wrk() {
  local name=$1 url=$2 conns=$3 header=$4 out
  out=$(wrk -t "$WRK_THREADS" -c "$conns" -d "${DURATION}s" --latency -H "$header" "$url" 2>&1)
  echo "$out" >>"$TMP/raw"
  local rps p99 errs
  rps=$(echo "$out" | awk '/^Requests\/sec:/ { print $2 }')
  p99=$(to_ms "$(echo "$out" | awk '$1 == "99%" { print $2 }')")
  errs=$(echo "$out" | awk '/Non-2xx|Socket errors/ { printf "%s ", $0 }')
  echo "$name $conns $rps $p99 ${errs:-none}" >>"$TMP/results"
  printf '  %-22s c=%-5s %10s req/s  p99 %8s ms  %s\n' "$name" "$conns" "$rps" "$p99" "${errs:-}"
}

echo "machine: $(uname -srm); $CORES cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')); $(free -g | awk '/Mem:/{print $2}') GiB"
echo "nginx: $(nginx -v 2>&1 | sed 's/.*: //'), $THREADS workers; broadsheet $THREADS threads; wrk $WRK_THREADS threads, ${DURATION}s per run"
echo "page: $ARTICLE, $(stat -c %s "$TMP/plain") bytes plain, $(stat -c %s "$TMP/gzip") bytes gzip"
: >"$TMP/results"
for round in $(seq "$ROUNDS"); do
  for c in $CONNS; do
    for enc in plain gzip; do
      hdr="Accept-Encoding: identity"
      [ "$enc" = gzip ] && hdr="Accept-Encoding: gzip"
      run_wrk "nginx-$enc" "$NG/$enc" "$c" "$hdr"
      run_wrk "broadsheet-$enc" "$BS$ARTICLE" "$c" "$hdr"
    done
  done
done

echo
echo "summary (mean over $ROUNDS round(s)): broadsheet / nginx"
printf '%-6s %-6s %12s %12s %7s %10s %10s %7s\n' enc conns bs_req/s ngx_req/s ratio bs_p99ms ngx_p99ms ratio
for c in $CONNS; do
  for enc in plain gzip; do
    awk -v c="$c" -v enc="$enc" '
      $2 == c && $1 == "broadsheet-" enc { br += $3; bp += $4; bn++ }
      $2 == c && $1 == "nginx-" enc { nr += $3; np += $4; nn++ }
      END { br /= bn; bp /= bn; nr /= nn; np /= nn
            printf "%-6s %-6s %12.0f %12.0f %7.2f %10.2f %10.2f %7.2f\n", enc, c, br, nr, br / nr, bp, np, (np > 0 ? bp / np : 0) }' "$TMP/results"
  done
done
if [ -n "${RAW_OUT:-}" ]; then cp "$TMP/raw" "$RAW_OUT"; fi
