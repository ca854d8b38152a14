#!/usr/bin/env bash
# bench/search.sh - the search benchmark (issue 6): a generated archive of N articles (default 1,000,000,
# 70% Arabic), then the query mix of bench/search-bench.c (rare, medium and very common words, AND,
# phrase, prefix; top 20 with snippets, as the search page runs them), reported as p50/p95/p99 in ms.
# Finally the search page itself over HTTP for a few of the queries (release build, loopback, curl).
#
#   bash bench/search.sh [N] [DIR]     DIR (default /tmp/bs-search-bench) keeps the site between runs:
#                                      an existing DIR/site.db with N articles is reused.
# Output: Markdown on stdout (paste into bench/RESULTS.md). Needs about 14 GB of disk for 1,000,000.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000000}
DIR=${2:-/tmp/bs-search-bench}
make --no-print-directory -j2 build/broadsheet build/bench/search-bench >&2

have=0
if [ -f "$DIR/site.db" ]; then
  have=$(sqlite3 -cmd '.timeout 10000' "$DIR/site.db" "SELECT count(*) FROM articles WHERE slug LIKE 'bench-%'" 2>/dev/null || echo 0)
fi
if [ "$have" != "$N" ]; then
  rm -rf "$DIR"
  build/broadsheet demo "$DIR" >/dev/null
  t0=$(date +%s)
  build/bench/search-bench gen "$DIR/site.db" "$N"
  echo "generated $N articles in $(( $(date +%s) - t0 )) s" >&2
fi

echo "# Search benchmark, $(date -u +%Y-%m-%d)"
echo
echo "- machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
echo "- load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "- archive: $N generated articles + the demo's; site.db $(du -h "$DIR/site.db" | cut -f1)"
echo "- command: bash bench/search.sh $N"
build/bench/search-bench run "$DIR/site.db"

# The page over HTTP: the release server on the same archive, 30 sequential requests per query.
port=$(( 20000 + RANDOM % 20000 ))
build/broadsheet serve --site "$DIR" --listen "127.0.0.1:$port" --quiet &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -fs -o /dev/null "http://127.0.0.1:$port/en/" && break; sleep 0.2; done
echo
echo "## The search page over HTTP (release build, loopback, 30 requests each, 10 results a page)"
echo
echo "| query | p50 ms | p95 ms | max ms |"
echo "| --- | ---: | ---: | ---: |"
for q in "في" "أطفال" "said" "price" "said that"; do
  enc=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$q")
  ed=ar; case "$q" in [a-z]*) ed=en;; esac
  for _ in $(seq 30); do
    curl -fs -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$port/$ed/search?q=$enc"
  done | sort -n | awk -v q="$q" '{t[NR]=$1*1000} END {printf "| `%s` | %.2f | %.2f | %.2f |\n", q, t[int(NR*0.5)+1], t[int(NR*0.95)], t[NR]}'
done
