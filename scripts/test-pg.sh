#!/usr/bin/env bash
# Throwaway PostgreSQL for the tests: `test-pg.sh start DIR` creates a cluster in DIR (initdb, trust
# authentication, UTF-8), starts it on a free TCP port of 127.0.0.1 with its unix socket in DIR, and prints
# the admin URL (postgresql://postgres@127.0.0.1:PORT/postgres); `test-pg.sh stop DIR` stops it and deletes
# DIR. As root the server runs as the postgres user (PostgreSQL refuses root). Every role may log in
# without a password except bs_password_check (password "right-password", for the wrong-password test).
# `test-pg.sh halt DIR` stops the server but keeps the cluster, `test-pg.sh resume DIR` starts it again on
# the same port (the tests of a restart). fsync is off: the cluster is thrown away, only speed matters.
# Exit status 0 or 1.
set -euo pipefail
cmd=${1:-}
dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: $0 start|halt|resume|stop DIR" >&2; exit 1; }
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$bin/initdb" ] || { echo "test-pg: PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 1; }
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
server_start() { # port
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-p $1 -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300" start >/dev/null ||
    { cat "$dir/server.log" >&2; exit 1; }
}
case "$cmd" in
start)
  mkdir -p "$dir"
  if [ "$(id -u)" -eq 0 ]; then chown postgres "$dir"; fi
  as_owner "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
    { cat "$dir/initdb.log" >&2; exit 1; }
  { echo "host all bs_password_check 127.0.0.1/32 scram-sha-256"; cat "$dir/data/pg_hba.conf"; } >"$dir/hba.tmp"
  if [ "$(id -u)" -eq 0 ]; then chown postgres "$dir/hba.tmp"; fi
  mv "$dir/hba.tmp" "$dir/data/pg_hba.conf"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  server_start "$port"
  psql -X -q -v ON_ERROR_STOP=1 "postgresql://postgres@127.0.0.1:$port/postgres" \
    -c "CREATE ROLE bs_password_check LOGIN PASSWORD 'right-password'" >/dev/null ||
    { echo "test-pg: cannot create the password-check role" >&2; exit 1; }
  echo "$port" >"$dir/port"
  echo "postgresql://postgres@127.0.0.1:$port/postgres"
  ;;
halt)
  as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
  ;;
resume)
  server_start "$(cat "$dir/port")"
  ;;
stop)
  [ -d "$dir/data" ] && as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
  ;;
*) echo "usage: $0 start|halt|resume|stop DIR" >&2; exit 1 ;;
esac
