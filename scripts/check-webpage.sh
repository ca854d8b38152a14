#!/usr/bin/env bash
# Checks that every page handler in the route table (src/routes.c) starts with a WEBPAGE comment, as
# Fossil's page functions do: the comment right above the handler's definition names each of its URLs
# (method and path exactly as the route table has them), its parameters and its permission:
#
#   /* WEBPAGE: GET POST /admin/users
#    * Parameters: form: login, display_name, role, password (POST)
#    * Permission: admin (PERM_ADMIN); POST needs the CSRF token
#    * What the page does ... */
#   int users_page(struct http_request *req, struct http_response *res)
#
# One "WEBPAGE:" line per path; its methods are words on that line (GET, POST, PUT, DELETE, in any order,
# separated by spaces, commas or |). "Parameters:" and "Permission:" are required once each (write
# "Parameters: none" when there are none). Prints each handler that falls short (exit 1), or "ok".
set -euo pipefail
cd "$(dirname "$0")/.."
table=$(sed -n '/^static const struct route table\[\] = {/,/^};/p' src/routes.c)
[ -n "$table" ] || { echo "src/routes.c: no route table found"; exit 1; }
fail=0
# each row: {METHODS, "PATH", handler, ...}
while IFS=$'\t' read -r methods path handler; do
  def=$(grep -nE "^int $handler\(struct http_request" src/*.c | head -1 || true)
  if [ -z "$def" ]; then
    echo "$handler ($path): no definition 'int $handler(struct http_request ...' found in src/"
    fail=1
    continue
  fi
  file=${def%%:*} rest=${def#*:} line=${rest%%:*}
  # the comment block that ends on the line right above the definition
  block=$(awk -v end=$((line - 1)) 'NR <= end { buf[NR] = $0 }
    END {
      if (end < 1 || buf[end] !~ /\*\/[ \t]*$/) exit
      for (i = end; i >= 1; i--) if (buf[i] ~ /^\/\*/) break
      if (i < 1) exit
      for (k = i; k <= end; k++) print buf[k]
    }' "$file")
  where="$file:$line: $handler"
  if [ -z "$block" ]; then
    echo "$where: no comment right above it (want WEBPAGE: $methods $path, Parameters:, Permission:)"
    fail=1
    continue
  fi
  wp=$(grep -E 'WEBPAGE:' <<<"$block" | sed -E 's/.*WEBPAGE://; s/[,|()]/ /g' |
    awk -v p="$path" '{ for (i = 1; i <= NF; i++) if ($i == p) { print; break } }' || true)
  if [ -z "$wp" ]; then
    echo "$where: its comment has no 'WEBPAGE: $methods $path' line"
    fail=1
  else
    for m in $methods; do
      if ! grep -qw -- "$m" <<<"$wp"; then
        echo "$where: its 'WEBPAGE: ... $path' line does not name $m"
        fail=1
      fi
    done
  fi
  for word in Parameters Permission; do
    if ! grep -qiE "\b$word:" <<<"$block"; then
      echo "$where: its comment has no '$word:' line"
      fail=1
    fi
  done
done < <(grep -E '^[[:space:]]*\{[^"]*"[^"]*", *[a-z_0-9]+,' <<<"$table" |
  sed -E 's/^[[:space:]]*\{([^"]*), *"([^"]*)", *([a-z_0-9]+),.*/\1\t\2\t\3/' |
  awk -F'\t' '{ m = ""; n = split($1, w, /[ |]+/)
    for (i = 1; i <= n; i++) {
      if (w[i] == "G" || w[i] == "HTTP_GET") m = m " GET"
      else if (w[i] == "P" || w[i] == "HTTP_POST") m = m " POST"
      else if (w[i] == "HTTP_PUT") m = m " PUT"
      else if (w[i] == "HTTP_DELETE") m = m " DELETE"
      else if (w[i] != "") m = m " " w[i]
    }
    sub(/^ /, "", m); print m "\t" $2 "\t" $3 }')
if [ "$fail" = 0 ]; then echo ok; fi
exit "$fail"
