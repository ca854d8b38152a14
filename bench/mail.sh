#!/usr/bin/env bash
# Issue 22's mail benchmark: one issue to 100,000 generated subscribers through Postfix's smtp-sink on
# loopback (it accepts and discards), the time from the issue's start until every row is 'sent', the
# server's RSS growth over the idle server, and the messages a second compared with what Postfix's own
# smtp-source pushes through the same sink. Release build, SQLite. bench/mail.mjs does the work.
# Usage: bench/mail.sh [SUBSCRIBERS (100000)] [MAIL_CONCURRENCY (8)] [MAIL_RATE (10000)]
set -euo pipefail
cd "$(dirname "$0")/.."
make --no-print-directory -j2 -o node_modules/.lock-stamp build/broadsheet >/dev/null
BROADSHEET_BIN=build/broadsheet node bench/mail.mjs "${1:-100000}" "${2:-8}" "${3:-10000}"
