#!/usr/bin/env bash
# Runs every suite (unit tests under ASan+UBSan, the fuzz corpus replay, HTTP tests, browser tests) against
# the sanitizer build and ends with one line: "N passed, N failed". Exit status 0 only when nothing failed.
# The HTTP suite runs twice: on SQLite, then on PostgreSQL (a throwaway cluster started here with
# scripts/test-pg.sh and torn down at exit; each test site gets its own database in it, see
# tests/lib/server.mjs), and the store conformance suite (test_store) runs on that cluster too, comparing
# the engines. BROADSHEET_TEST_ENGINES=sqlite skips the PostgreSQL run and the conformance suite.
set -uo pipefail
cd "$(dirname "$0")/.."
export BROADSHEET_BIN=${BROADSHEET_BIN:-build/asan/broadsheet}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
LOG=build/test-logs
mkdir -p "$LOG"
passed=0
failed=0

echo "== no include circle between http, server, routes and the pages (scripts/check-includes.sh)"
if scripts/check-includes.sh | sed 's/^/  /'; then passed=$((passed + 1)); else failed=$((failed + 1)); fi

count_node() { # file -> adds the node test runner's totals
  local p f
  p=$(grep -E '^# pass [0-9]+' "$1" | tail -1 | awk '{print $3}')
  f=$(grep -E '^# fail [0-9]+' "$1" | tail -1 | awk '{print $3}')
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
  if [ -z "$p" ]; then failed=$((failed + 1)); echo "  (no test summary: the runner itself failed)"; fi
}

echo "== every page handler in the route table has its WEBPAGE comment (scripts/check-webpage.sh)"
if scripts/check-webpage.sh | sed 's/^/  /'; then passed=$((passed + 1)); else failed=$((failed + 1)); fi

echo "== every newsroom string is translated in po/*.po, placeholders kept (scripts/check-po.py)"
if python3 scripts/check-po.py | sed 's/^/  /'; then passed=$((passed + 1)); else failed=$((failed + 1)); fi

run_unit() { # binary: runs one cmocka test binary into $LOG/NAME.log and counts it
  local name status p f
  name=$(basename "$1")
  if "$1" >"$LOG/$name.log" 2>&1; then status=ok; else status=FAILED; fi
  p=$(grep -oE '\[  PASSED  \] [0-9]+' "$LOG/$name.log" | awk '{s+=$NF} END {print s+0}')
  f=$(grep -oE '\[  FAILED  \] [0-9]+' "$LOG/$name.log" | awk '{s+=$NF} END {print s+0}')
  if [ "$status" = FAILED ] && [ "$f" -eq 0 ]; then f=1; fi # crashed or leaked
  passed=$((passed + p)); failed=$((failed + f))
  echo "  $name: $p passed, $f failed"
  [ "$status" = ok ] || sed 's/^/    /' "$LOG/$name.log" | tail -40
}

echo "== unit tests (cmocka, ASan+UBSan)"
for t in build/asan/tests/test_*; do
  [ -x "$t" ] || continue
  [ "$(basename "$t")" = test_store ] && continue # both engines: run below, once the PostgreSQL cluster is up
  run_unit "$t"
done

echo "== fuzz corpus replay (fuzz/corpus and fuzz/regression through each target, ASan+UBSan)"
shopt -s nullglob
for d in fuzz/corpus/* fuzz/regression/*; do # a corpus without its target would never be replayed
  t=$(basename "$d")
  if [ ! -f "fuzz/fuzz_$t.c" ]; then
    echo "  $d: no target fuzz/fuzz_$t.c"; failed=$((failed + 1))
  elif [ ! -x "build/asan/fuzz/replay_$t" ]; then
    echo "  $d: build/asan/fuzz/replay_$t is not built (make fuzz-replay)"; failed=$((failed + 1))
  fi
done
for r in build/asan/fuzz/replay_*; do
  [ -x "$r" ] || continue
  t=${r##*/replay_}
  files=(fuzz/corpus/"$t"/* fuzz/regression/"$t"/*)
  [ ${#files[@]} -gt 0 ] || continue
  if "$r" "${files[@]}" >"$LOG/fuzz-$t.log" 2>&1; then status=ok; else status=FAILED; fi
  p=$(grep -c '^ok ' "$LOG/fuzz-$t.log")
  f=$((${#files[@]} - p))
  if [ "$status" = FAILED ] && [ "$f" -eq 0 ]; then f=1; fi # a leak at exit, or an unreadable file
  passed=$((passed + p)); failed=$((failed + f))
  echo "  $t: $p passed, $f failed"
  [ "$status" = ok ] || grep -v '^ok ' "$LOG/fuzz-$t.log" | sed 's/^/    /' | tail -30
done
shopt -u nullglob

run_node() { # suite log-name: runs one node --test suite into $LOG/NAME.tap and counts it
  echo "== $1 tests (node --test)${BROADSHEET_TEST_DB:+ on $BROADSHEET_TEST_DB}"
  node --test --test-reporter=tap "tests/$1/" >"$LOG/$2.tap" 2>&1
  grep -E '^not ok|^# (pass|fail)' "$LOG/$2.tap" | sed 's/^/  /'
  if grep -q '^not ok' "$LOG/$2.tap"; then
    grep -E '^not ok' -A 30 "$LOG/$2.tap" | head -120 | sed 's/^/    /'
  fi
  count_node "$LOG/$2.tap"
}

BROADSHEET_TEST_DB=sqlite run_node http http
if [ "${BROADSHEET_TEST_ENGINES:-sqlite pg}" != sqlite ]; then
  PGDIR=$(mktemp -d /tmp/broadsheet-pg.XXXXXX)
  rmdir "$PGDIR"
  trap 'scripts/test-pg.sh stop "$PGDIR"' EXIT
  if BROADSHEET_TEST_PG=$(scripts/test-pg.sh start "$PGDIR"); then
    export BROADSHEET_TEST_PG
    echo "== store conformance (cmocka: every db.h operation on SQLite and PostgreSQL)"
    run_unit build/asan/tests/test_store
    BROADSHEET_TEST_DB=pg run_node http http-pg
  else
    echo "== http tests on pg and store conformance: could not start a PostgreSQL cluster"
    failed=$((failed + 1))
  fi
else
  echo "== store conformance: skipped (BROADSHEET_TEST_ENGINES=sqlite)"
fi
run_node e2e e2e

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
