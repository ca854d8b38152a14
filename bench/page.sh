#!/usr/bin/env bash
# Benchmark 1 of issue 7: Broadsheet's cached article page against nginx serving the identical bytes
# from a file, plain and gzip, at 100 and 1,000 connections, interleaved in one run (each round runs
# nginx, Broadsheet, then a second identical nginx, the control, on the same settings, so machine noise
# hits all alike). Prints requests/s and p99 latency of each, the ratio Broadsheet / nginx, and the
# control's ratio: what noise alone makes of a ratio on this machine.
#
#   bench/page.sh                 (DURATION=10 ROUNDS=1 CONNS="100 1000" ENCS="plain gzip" THREADS=<cores> to change)
#   PIN=1 bench/page.sh           (each server on the last core with one thread, wrk on the other cores)
#
# Installs wrk and nginx with apt-get when missing (scripts/deps.sh --bench), builds the release binary,
# makes a demo site in a temp directory, and runs nginx as a non-daemon on a temp config and free port.
# Results and the machine go to stdout; copy them into bench/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-10}
ROUNDS=${ROUNDS:-1}
CONNS=${CONNS:-"100 1000"}
ENCS=${ENCS:-"plain gzip"}
CORES=$(nproc)
# PIN=1: the servers on the last core only (one thread or worker each), wrk on the others, so the load
# generator and the server under test do not take turns on the same cores
PIN=${PIN:-0}
SERVER_CPU=""
WRK_CPU=""
if [ "$PIN" = 1 ]; then
  SERVER_CPU="taskset -c $((CORES - 1))"
  WRK_CPU="taskset -c 0-$((CORES > 1 ? CORES - 2 : 0))"
  THREADS=${THREADS:-1}
  WRK_THREADS=${WRK_THREADS:-$((CORES > 1 ? CORES - 1 : 1))} # one wrk thread per core it has
fi
THREADS=${THREADS:-$CORES}
WRK_THREADS=${WRK_THREADS:-2}

bash scripts/deps.sh --bench
make --no-print-directory -j2 build/broadsheet >/dev/null
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

TMP=$(mktemp -d /tmp/bench-page.XXXXXX)
BS_PID=""
NGX_PID=""
NGB_PID=""
# cleanup: stops the servers and removes the temp directory. The nginx masters were started in command
# substitutions, so they are not this shell's children and `wait` cannot be used on them (it failed, and
# under set -e that ended the cleanup early, leaving Broadsheet running): each pid is watched until gone.
cleanup() {
  set +e
  local p
  for p in $NGB_PID $BS_PID $NGX_PID; do kill "$p" 2>/dev/null; done
  for p in $NGB_PID $BS_PID $NGX_PID; do
    for _ in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
  done
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
$SERVER_CPU build/broadsheet serve --site "$TMP/site" --listen "127.0.0.1:$BS_PORT" --threads "$THREADS" --quiet >"$TMP/bs.log" 2>&1 &
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
mkdir -p "$TMP/www"
chmod 755 "$TMP" "$TMP/www" # nginx workers run as an unprivileged user when started by root
cp "$TMP/plain" "$TMP/www/plain"
cp "$TMP/gzip" "$TMP/www/gzip"
chmod 644 "$TMP/www/plain" "$TMP/www/gzip"
# start_nginx DIR PORT: an nginx master (not daemonized) with $THREADS workers serving $TMP/www on PORT,
# its config, pid and temp files in DIR; prints its pid
start_nginx() {
  local dir=$1 port=$2
  mkdir -p "$dir"
  cat >"$dir/nginx.conf" <<NGX
worker_processes $THREADS;
daemon off;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 8192; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 100000000;
  keepalive_timeout 60;
  client_body_temp_path $dir/body;
  proxy_temp_path $dir/proxy;
  fastcgi_temp_path $dir/fastcgi;
  uwsgi_temp_path $dir/uwsgi;
  scgi_temp_path $dir/scgi;
  server {
    listen 127.0.0.1:$port;
    root $TMP/www;
    location = /plain { default_type "text/html; charset=utf-8"; etag on; }
    location = /gzip { default_type "text/html; charset=utf-8"; add_header Content-Encoding gzip; add_header Vary Accept-Encoding; }
  }
}
NGX
  $SERVER_CPU nginx -c "$dir/nginx.conf" -p "$dir" >/dev/null 2>&1 &
  echo $!
}
# wait_nginx URL: waits for nginx at URL and checks it serves the page's bytes, plain and gzip
wait_nginx() {
  for _ in $(seq 50); do curl -fsS -o /dev/null "$1/plain" 2>/dev/null && break; sleep 0.1; done
  cmp -s <(curl -fsS "$1/plain") "$TMP/plain" || { echo "nginx does not serve the page's bytes" >&2; exit 1; }
  cmp -s <(curl -fsS -H 'Accept-Encoding: gzip' "$1/gzip") "$TMP/gzip" || { echo "nginx does not serve the gzip bytes" >&2; exit 1; }
}
NGX_PORT=$(free_port)
NGX_PID=$(start_nginx "$TMP/ngx" "$NGX_PORT")
NG="http://127.0.0.1:$NGX_PORT"
wait_nginx "$NG"
# The control: a second, identical nginx measured in the same rounds. Its ratio to the first is what
# this machine's noise alone makes of a ratio (the same server against itself).
NGB_PORT=$(free_port)
NGB_PID=$(start_nginx "$TMP/ngxb" "$NGB_PORT")
NGB="http://127.0.0.1:$NGB_PORT"
wait_nginx "$NGB"

# to_ms: a wrk duration (850.00us, 1.20ms, 2.00s) in milliseconds
to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; else if (v ~ /m$/) n *= 60000; printf "%.2f", n }'; }

# cpu_ticks PIDS: the CPU time (user + system, in clock ticks) used so far by the processes PIDS and all
# their threads
cpu_ticks() {
  local t=0 p f
  for p in $1; do
    for f in /proc/"$p"/task/*/stat; do
      [ -r "$f" ] || continue
      t=$((t + $(sed 's/^.*) //' "$f" | awk '{ print $12 + $13 }')))
    done
  done
  echo "$t"
}
TICK=$(getconf CLK_TCK)

# run_wrk NAME URL CONNS HEADER PIDS: one wrk run; appends "name conns rps p99ms cpu_us errors" to
# $TMP/results, where cpu_us is the server's CPU time per request (PIDS: its processes), in microseconds
run_wrk() {
  local name=$1 url=$2 conns=$3 header=$4 pids=$5 out t0 t1
  t0=$(cpu_ticks "$pids")
  out=$($WRK_CPU wrk -t "$WRK_THREADS" -c "$conns" -d "${DURATION}s" --latency -H "$header" "$url" 2>&1)
  t1=$(cpu_ticks "$pids")
  echo "$out" >>"$TMP/raw"
  local rps p99 errs reqs cpu
  rps=$(echo "$out" | awk '/^Requests\/sec:/ { print $2 }')
  p99=$(to_ms "$(echo "$out" | awk '$1 == "99%" { print $2 }')")
  reqs=$(echo "$out" | awk '/requests in/ { print $1 }')
  cpu=$(awk -v a="$t0" -v b="$t1" -v n="$reqs" -v k="$TICK" 'BEGIN { printf "%.2f", (n > 0 ? (b - a) / k * 1e6 / n : 0) }')
  errs=$(echo "$out" | awk '/Non-2xx|Socket errors/ { printf "%s ", $0 }')
  echo "$name $conns $rps $p99 $cpu ${errs:-none}" >>"$TMP/results"
  printf '  %-22s c=%-5s %10s req/s  p99 %8s ms  cpu %6s us/req  %s\n' "$name" "$conns" "$rps" "$p99" "$cpu" "${errs:-}"
}

echo "machine: $(uname -srm); $CORES cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')); $(free -g | awk '/Mem:/{print $2}') GiB"
echo "nginx: $(nginx -v 2>&1 | sed 's/.*: //'), $THREADS workers; broadsheet $THREADS threads; wrk $WRK_THREADS threads, ${DURATION}s per run"
[ "$PIN" = 1 ] && echo "pinned: servers on core $((CORES - 1)) (${SERVER_CPU}), wrk on ${WRK_CPU#taskset -c }"
echo "page: $ARTICLE, $(stat -c %s "$TMP/plain") bytes plain, $(stat -c %s "$TMP/gzip") bytes gzip"
: >"$TMP/results"
for round in $(seq "$ROUNDS"); do
  for c in $CONNS; do
    for enc in $ENCS; do
      hdr="Accept-Encoding: identity"
      [ "$enc" = gzip ] && hdr="Accept-Encoding: gzip"
      run_wrk "nginx-$enc" "$NG/$enc" "$c" "$hdr" "$NGX_PID $(pgrep -P "$NGX_PID" | tr '\n' ' ')"
      run_wrk "broadsheet-$enc" "$BS$ARTICLE" "$c" "$hdr" "$BS_PID"
      run_wrk "control-$enc" "$NGB/$enc" "$c" "$hdr" "$NGB_PID $(pgrep -P "$NGB_PID" | tr '\n' ' ')"
    done
  done
done

echo
echo "summary (mean over $ROUNDS round(s)): broadsheet / nginx, and the control (a second nginx) / nginx"
printf '%-6s %-6s %10s %10s %10s %7s %7s %9s %9s %9s %7s %7s\n' enc conns bs_req/s ngx_req/s ctl_req/s ratio ctl \
  bs_p99ms ngx_p99ms ctl_p99ms ratio ctl
for c in $CONNS; do
  for enc in $ENCS; do
    awk -v c="$c" -v enc="$enc" '
      $2 == c && $1 == "broadsheet-" enc { br += $3; bp += $4; bn++ }
      $2 == c && $1 == "nginx-" enc { nr += $3; np += $4; nn++ }
      $2 == c && $1 == "control-" enc { cr += $3; cp += $4; cn++ }
      END { br /= bn; bp /= bn; nr /= nn; np /= nn; cr /= cn; cp /= cn
            printf "%-6s %-6s %10.0f %10.0f %10.0f %7.2f %7.2f %9.2f %9.2f %9.2f %7.2f %7.2f\n", enc, c, br, nr, cr,
                   br / nr, cr / nr, bp, np, cp, (np > 0 ? bp / np : 0), (np > 0 ? cp / np : 0) }' "$TMP/results"
  done
done
echo
echo "server CPU per request (mean, microseconds; user + system time of the server's processes / requests)"
printf '%-6s %-6s %10s %10s %10s %7s\n' enc conns broadsheet nginx control ratio
for c in $CONNS; do
  for enc in $ENCS; do
    awk -v c="$c" -v enc="$enc" '
      $2 == c && $1 == "broadsheet-" enc { b += $5; bn++ }
      $2 == c && $1 == "nginx-" enc { n += $5; nn++ }
      $2 == c && $1 == "control-" enc { k += $5; kn++ }
      END { b /= bn; n /= nn; k /= kn
            printf "%-6s %-6s %10.2f %10.2f %10.2f %7.2f\n", enc, c, b, n, k, (n > 0 ? b / n : 0) }' "$TMP/results"
  done
done
if [ -n "${RAW_OUT:-}" ]; then cp "$TMP/raw" "$RAW_OUT"; fi
