#!/usr/bin/env bash
# Benchmark of issue 23: `broadsheet import wordpress` of a generated WXR of 100,000 posts and 300,000
# comments (scripts/gen-wxr.py; English and Arabic, threaded comments, attachments without files).
# Goal: under 5 minutes and under 256 MiB peak RSS; the insert rate is compared with `broadsheet demo`'s
# generator (synthetic articles, 500 a transaction) on the same machine.
#
#   bash bench/import.sh
#   POSTS=100000 COMMENTS=300000 DEMO_ARTICLES=20000 REIMPORT=1 KEEP=1 BENCH_PG=postgresql://postgres@127.0.0.1:5432/postgres bash bench/import.sh
#
# SQLite always; PostgreSQL too when BENCH_PG names a cluster (a fresh database is created in it and
# dropped afterwards). REIMPORT=1 imports the same file a second time and checks that the counts of
# articles and comments do not change (re-running updates rather than duplicates). The demo's rate is
# DEMO_ARTICLES divided by the difference between `demo --articles DEMO_ARTICLES` and `demo --articles 0`
# (so the 84 sample stories, accounts and the rest are not counted). BIN=PATH uses another binary
# (default build/broadsheet, the release build, made first). Wall time and peak RSS come from
# /usr/bin/time -v. Exit status: 0 when the imports ran (goals met or not: see the last lines),
# 1 when something failed (the importer missing, an import failing, the re-import duplicating).
set -euo pipefail
cd "$(dirname "$0")/.."
POSTS=${POSTS:-100000}
COMMENTS=${COMMENTS:-300000}
DEMO_ARTICLES=${DEMO_ARTICLES:-20000}
GOAL_S=300
GOAL_MIB=256
BIN=${BIN:-build/broadsheet}
WORK=$(mktemp -d /tmp/bs-bench-import.XXXXXX)
PGDBS=()
cleanup() {
  for db in "${PGDBS[@]}"; do psql -X -q "$BENCH_PG" -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true; done
  if [ -n "${KEEP:-}" ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time is missing (apt-get install time)"; exit 1; }
command -v sqlite3 >/dev/null || { echo "bench: sqlite3 is missing (bash scripts/deps.sh)"; exit 1; }
if [ -n "${BENCH_PG:-}" ]; then command -v psql >/dev/null || { echo "bench: psql is missing"; exit 1; }; fi
[ "$BIN" != build/broadsheet ] || make -s -j2 build/broadsheet
probe=$("$BIN" import 2>&1 || true)
if grep -q "unknown command" <<<"$probe"; then
  echo "bench: $BIN has no 'import' command: the WordPress importer of issue 23 (broadsheet import wordpress FILE.xml --site SITE) is not built in" >&2
  exit 1
fi

echo "== machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -m | awk '/Mem:/ {print $2}') MiB RAM, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== generating a WXR of $POSTS posts and $COMMENTS comments (scripts/gen-wxr.py)"
t0=$(date +%s)
python3 scripts/gen-wxr.py --posts "$POSTS" --comments "$COMMENTS" --out "$WORK/bench.xml"
echo "   $(du -m "$WORK/bench.xml" | cut -f1) MiB in $(( $(date +%s) - t0 )) s"

# measure LABEL CMD...: runs CMD under /usr/bin/time -v (output in $WORK/LABEL.log); sets WALL (s) and RSS (MiB).
measure() {
  local label=$1; shift
  if ! /usr/bin/time -v -o "$WORK/$label.time" "$@" >"$WORK/$label.log" 2>&1; then
    echo "bench: $label failed:" >&2; tail -20 "$WORK/$label.log" >&2; exit 1
  fi
  WALL=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s}' "$WORK/$label.time")
  RSS=$(awk -F': ' '/Maximum resident set size/ {printf "%.1f", $2 / 1024}' "$WORK/$label.time")
}
# new_db ENGINE: sets DBARGS to the --db arguments of a fresh database on ENGINE (none for SQLite).
new_db() {
  DBARGS=""
  [ "$1" = pg ] || return 0
  local name="bs_bench_import_$$_${#PGDBS[@]}"
  psql -X -q -v ON_ERROR_STOP=1 "$BENCH_PG" -c "CREATE DATABASE $name" >/dev/null
  PGDBS+=("$name")
  DBARGS="--db ${BENCH_PG%/*}/$name"
}
# count DIR ENGINE DBARGS SQL: one number from the site's database.
count() {
  if [ "$2" = pg ]; then psql -X -qAt "${3#--db }" -c "$4"; else sqlite3 -cmd '.timeout 10000' "$1/site.db" "$4"; fi
}
rate() { python3 -c "import sys; print(f'{float(sys.argv[1]) / max(float(sys.argv[2]), 0.001):.0f}')" "$1" "$2"; }

ENGINES=(sqlite)
[ -z "${BENCH_PG:-}" ] || ENGINES+=(pg)
SUMMARY=()
for eng in "${ENGINES[@]}"; do
  echo "== $eng: import"
  site="$WORK/site-$eng"
  new_db "$eng"; dbargs=$DBARGS
  # shellcheck disable=SC2086
  "$BIN" init "$site" $dbargs >/dev/null
  measure "import-$eng" "$BIN" import wordpress "$WORK/bench.xml" --site "$site"
  IW=$WALL IR=$RSS
  arts=$(count "$site" "$eng" "$dbargs" "SELECT count(*) FROM articles")
  coms=$(count "$site" "$eng" "$dbargs" "SELECT count(*) FROM comments")
  echo "   $IW s wall, peak RSS $IR MiB; $arts articles, $coms comments; $(rate "$POSTS" "$IW") posts/s, $(rate $((POSTS + COMMENTS)) "$IW") posts+comments/s"
  tail -5 "$WORK/import-$eng.log" | sed 's/^/   | /'
  if [ -n "${REIMPORT:-}" ]; then
    measure "reimport-$eng" "$BIN" import wordpress "$WORK/bench.xml" --site "$site"
    arts2=$(count "$site" "$eng" "$dbargs" "SELECT count(*) FROM articles")
    coms2=$(count "$site" "$eng" "$dbargs" "SELECT count(*) FROM comments")
    echo "   re-import: $WALL s wall, peak RSS $RSS MiB; $arts2 articles, $coms2 comments"
    if [ "$arts2" != "$arts" ] || [ "$coms2" != "$coms" ]; then echo "bench: the re-import changed the counts" >&2; exit 1; fi
  fi

  echo "== $eng: demo generator (--articles 0, then --articles $DEMO_ARTICLES)"
  new_db "$eng"
  # shellcheck disable=SC2086
  measure "demo0-$eng" "$BIN" demo "$WORK/demo0-$eng" --articles 0 $DBARGS
  D0=$WALL
  new_db "$eng"
  # shellcheck disable=SC2086
  measure "demo-$eng" "$BIN" demo "$WORK/demo-$eng" --articles "$DEMO_ARTICLES" $DBARGS
  DW=$WALL DR=$RSS
  DRATE=$(python3 -c "import sys; d = float(sys.argv[2]) - float(sys.argv[3]); print(f'{float(sys.argv[1]) / d:.0f}' if d > 0.5 else 0)" "$DEMO_ARTICLES" "$DW" "$D0")
  [ "$DRATE" != 0 ] || echo "   (the two demo runs are too close to give a rate: raise DEMO_ARTICLES)"
  echo "   $DW s wall ($D0 s without synthetic articles), peak RSS $DR MiB; $DRATE articles/s"
  verdict="met"
  python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) < $GOAL_S and float(sys.argv[2]) < $GOAL_MIB else 1)" "$IW" "$IR" || verdict="MISSED"
  SUMMARY+=("$eng: import $IW s, $IR MiB (goal < $GOAL_S s, < $GOAL_MIB MiB: $verdict); $(rate "$POSTS" "$IW") posts/s vs demo $DRATE articles/s (ratio $(python3 -c "import sys; print(f'{float(sys.argv[1]) / max(float(sys.argv[2]), 1):.2f}')" "$(rate "$POSTS" "$IW")" "$DRATE"))")
done
echo "== summary ($POSTS posts, $COMMENTS comments)"
printf '   %s\n' "${SUMMARY[@]}"
