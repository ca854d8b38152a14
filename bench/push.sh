#!/usr/bin/env bash
# Issue 21's push benchmark: 100,000 push subscriptions (generated rows, every endpoint on a loopback push
# service) sent one alert from /admin/push; the time from the send until the push service has been handed
# every message (and until /admin/push shows none pending). The receiver (bench/push.mjs) counts requests,
# checks the VAPID header of a sample and decrypts a sample with http_ece. Release build, SQLite.
# Usage: bench/push.sh [SUBSCRIPTIONS (100000)] [CONCURRENCY (256)]
set -euo pipefail
cd "$(dirname "$0")/.."
make --no-print-directory -j2 build/broadsheet >/dev/null
BROADSHEET_BIN=build/broadsheet node bench/push.mjs "${1:-100000}" "${2:-256}"
