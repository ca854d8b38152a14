#!/usr/bin/env bash
# Checks that no two of the server's layers include each other in a circle, directly or through other
# modules: http (the request and response), server (libmicrohttpd, services), routes (the route table and
# the request pipeline) and pages (page_*.c with pages.h). A module is a name's .c and .h (page_*.c and
# pages.h are one module, "pages"); module A uses B when a file of A includes B's header. The layers go
# one way: server -> routes -> pages -> http.
# Usage: scripts/check-includes.sh [SRC_DIR]   (default src/). Prints each circle found (exit 1), or "ok".
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-src}
watched="http server routes pages"
# edges "A B": a file of module A includes "B.h"
edges=$(for f in "$dir"/*.c "$dir"/*.h; do
  [ -e "$f" ] || continue
  b=$(basename "$f"); m=${b%.*}
  case $m in page_*) m=pages ;; esac
  grep -oE '^[[:space:]]*#[[:space:]]*include[[:space:]]+"[^"]+\.h"' "$f" | sed -E 's/.*"([^"]+)\.h"/\1/' |
    while read -r h; do [ "$h" = "$m" ] || echo "$m $h"; done || true
done | sort -u)
echo "$edges" | awk -v watched="$watched" '
  NF == 2 { adj[$1] = adj[$1] " " $2; node[$1]; node[$2] }
  # path: a shortest path of modules from a to b (breadth first), "" when b cannot be reached
  function path(a, b,    q, head, tail, prev, seen, u, n, k, v, p) {
    head = 0; tail = 0; q[tail++] = a; seen[a] = 1
    while (head < tail) {
      u = q[head++]
      n = split(adj[u], nb, " ")
      for (k = 1; k <= n; k++) {
        v = nb[k]
        if (v in seen) continue
        seen[v] = 1; prev[v] = u; q[tail++] = v
        if (v == b) {
          p = b
          while (p != a) { p = prev[p]; out = p " -> " out }
          return out b
        }
      }
    }
    return ""
  }
  END {
    nw = split(watched, w, " ")
    bad = 0
    for (i = 1; i <= nw; i++) for (j = i + 1; j <= nw; j++) {
      out = ""; there = path(w[i], w[j]); out = ""; back = path(w[j], w[i])
      if (there != "" && back != "") {
        print "include circle between " w[i] " and " w[j] ": " there " and " back
        bad = 1
      }
    }
    if (!bad) print "ok"
    exit bad
  }'
