#!/usr/bin/env bash
# Checks that every member of struct db_ops (src/db.h) is set in each backend's ops table (a NULL op
# would crash its first caller): the members are read from db.h; a table is the initialiser of
# `static const struct db_ops sq_ops` / `pg_ops` with the *_OPS macros it names expanded from
# db_<engine>_int.h. Members whose db.h wrapper tolerates NULL (it tests the op first) are not required.
# Prints what is missing (exit 1), or "ok".
set -euo pipefail
cd "$(dirname "$0")/.."
members=$(sed -n '/^struct db_ops {/,/^};/p' src/db.h | grep -oE '\(\*[a-z_0-9]+\)|const char \*name;' |
  sed -E 's/^\(\*([a-z_0-9]+)\)$/\1/; s/.*\*name;/name/' | sort -u)
# members whose db.h wrapper tests the op for NULL first (`db->ops->X ?`, `if (db->ops->X)`) are optional
optional=$(grep -oE 'db->ops->[a-z_0-9]+ \?|if \(db->ops->[a-z_0-9]+\)' src/db.h | grep -oE 'ops->[a-z_0-9]+' |
  sed 's/^ops->//' | sort -u || true)
members=$(comm -23 <(echo "$members") <(echo "$optional"))
fail=0
for e in sqlite:sq pg:pg; do
  engine=${e%%:*} prefix=${e##*:}
  table=$(sed -n "/^static const struct db_ops ${prefix}_ops = {/,/^};/p" "src/db_$engine.c")
  [ -n "$table" ] || { echo "$engine: no ops table found in src/db_$engine.c"; fail=1; continue; }
  for macro in $(echo "$table" | grep -oE '\b[A-Z]+_[A-Z_]+_OPS\b' | sort -u); do
    body=$(sed -n "/^#define $macro\b/,/[^\\\\]\$/p" "src/db_${engine}_int.h")
    [ -n "$body" ] || { echo "$engine: macro $macro not found in src/db_${engine}_int.h"; fail=1; }
    table+=$'\n'"$body"
  done
  set_ops=$(echo "$table" | grep -oE '\.[a-z_0-9]+ *=' | sed -E 's/^\.([a-z_0-9]+).*/\1/' | sort -u)
  missing=$(comm -23 <(echo "$members") <(echo "$set_ops"))
  if [ -n "$missing" ]; then
    echo "$engine: db_ops members not set: $(echo $missing)"
    fail=1
  fi
done
[ "$fail" -eq 0 ] && echo "ok: all $(echo "$members" | wc -l) required db_ops members are set for sqlite and pg" \
  "(optional: $(echo ${optional:-none}))"
exit "$fail"
