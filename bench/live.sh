#!/usr/bin/env bash
# Benchmark of issue 21: 10,000 simulated readers polling a live blog's live.json while an entry is posted
# every 5 s through the newsroom. Poll throughput as a ratio to nginx serving the same bytes (wrk, 1,000
# and 10,000 connections), and entry-visible latency p99 on one node (SQLite) and on two nodes sharing one
# PostgreSQL (post on A, poll B). The work is done by bench/live.mjs (read its head for what is measured
# and how); this wrapper installs wrk and nginx when missing, raises the open-file limit (10,000 readers
# are 10,000 sockets on each side of loopback) and builds the release binary.
#
#   bash bench/live.sh            (READERS=10000 SECONDS=30 CONNS="1000 10000" ENGINES="sqlite pg" ...)
# Prints Markdown on stdout (paste into bench/RESULTS.md); progress on stderr.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh --bench >/dev/null
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
# each process holds its side of the 10,000 connections (the readers' node process, the server, wrk)
[ "$(ulimit -n)" -ge 12000 ] || { echo "the open-file limit is $(ulimit -n): 10,000 readers need about 12,000" >&2; exit 1; }
make --no-print-directory -j2 build/broadsheet >/dev/null
exec node bench/live.mjs
