#!/usr/bin/env bash
# Runs every libFuzzer target in build/fuzz/ for SECONDS each (default 60), one after the other, starting
# from fuzz/corpus/<target>/ and fuzz/regression/<target>/ with fuzz/dict/<target>.dict when there is one.
# New inputs go to build/fuzz/corpus/<target>/ (not the repository); a crash is saved as
# build/fuzz/crash-<target>-*. Prints one line per target (executions, coverage, features, corpus) and
# writes them to build/fuzz/summary.txt. Usage: fuzz/run.sh [SECONDS] [TARGET...]
# Exit status: 0 no target crashed, 1 some did (their names are listed).
set -uo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for f in fuzz/fuzz_*.c; do t=${f#fuzz/fuzz_}; targets+=("${t%.c}"); done
fi
out=build/fuzz
summary=$out/summary.txt
: >"$summary"
crashed=()
for t in "${targets[@]}"; do
  bin=$out/fuzz_$t
  if [ ! -x "$bin" ]; then echo "fuzz: $bin is not built (make fuzz-build)"; crashed+=("$t"); continue; fi
  mkdir -p "$out/corpus/$t" fuzz/corpus/"$t"
  seeds=(fuzz/corpus/"$t")
  [ -d fuzz/regression/"$t" ] && seeds+=(fuzz/regression/"$t")
  opts=(-max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=16384 -print_final_stats=1
        -artifact_prefix="$out/crash-$t-")
  [ -f fuzz/dict/"$t".dict ] && opts+=(-dict=fuzz/dict/"$t".dict)
  log=$out/$t.log
  "$bin" "${opts[@]}" "$out/corpus/$t" "${seeds[@]}" >"$log" 2>&1
  rc=$?
  execs=$(grep -oE 'stat::number_of_executed_units: [0-9]+' "$log" | awk '{print $2}')
  last=$(grep -E '^#[0-9]+' "$log" | tail -1)
  cov=$(sed -nE 's/.* cov: ([0-9]+).*/\1/p' <<<"$last")
  ft=$(sed -nE 's/.* ft: ([0-9]+).*/\1/p' <<<"$last")
  corp=$(sed -nE 's/.* corp: ([0-9]+)\/.*/\1/p' <<<"$last")
  line=$(printf '%-16s %4ss  execs %-10s cov %-6s ft %-7s corpus %-6s %s' "$t" "$secs" "${execs:-?}" "${cov:-?}" \
         "${ft:-?}" "${corp:-?}" "$([ $rc -eq 0 ] && echo ok || echo CRASH)")
  echo "$line" | tee -a "$summary"
  if [ $rc -ne 0 ]; then
    crashed+=("$t")
    grep -E 'ERROR|SUMMARY|fuzz assertion|runtime error|Test unit written' "$log" | head -8 | sed 's/^/    /'
  fi
done
if [ ${#crashed[@]} -gt 0 ]; then
  echo "fuzz: crashes in: ${crashed[*]} (inputs in $out/crash-*, logs in $out/*.log)"
  exit 1
fi
echo "fuzz: ${#targets[@]} targets, no crash"
