#!/usr/bin/env bash
# Validates wire samples against IPTC's published schemas (tests/fixtures/iptc/, see its README):
#   *.xml  NewsML-G2 items: xmllint --noout --nonet --schema NewsML-G2_2.35-spec-All-Power.xsd
#   *.json ninjs items: the JSON Schema of the ninjs version the item names (ninjs 2.x "standard.version",
#          1.x "$standard.version"; tests/fixtures/iptc/ninjs-schema_VERSION.json), checked by the small
#          JSON Schema validator below (Python standard library; npm's ajv is not in node_modules).
# The validator covers every keyword the ninjs 1.6 and 2.2 schemas use: type, enum, required, properties,
# patternProperties, additionalProperties, unevaluatedProperties, items, minimum, maximum, pattern,
# oneOf, anyOf, allOf, local $ref, and the formats date-time (RFC 3339) and uri; a $ref it cannot resolve
# (the GeoJSON schema ninjs 2.x points to) is an error, so a sample using it fails rather than passing
# unchecked.
# Usage: scripts/validate-wires.sh [FILE...]   (default: every tests/fixtures/wires/*.json and *.xml)
# Prints "ok FILE" or "FAIL FILE: reasons" per file. Exit 0 when all are valid, 1 otherwise, 2 on usage.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
IPTC="$ROOT/tests/fixtures/iptc"
if [ $# -eq 0 ]; then
  set -- "$ROOT"/tests/fixtures/wires/*.json "$ROOT"/tests/fixtures/wires/*.xml
fi
command -v xmllint >/dev/null || { echo "validate-wires: xmllint missing (libxml2-utils)" >&2; exit 2; }
status=0
json=()
for f in "$@"; do
  case "$f" in
    *.xml)
      if out=$(xmllint --noout --nonet --schema "$IPTC/NewsML-G2_2.35-spec-All-Power.xsd" "$f" 2>&1); then
        echo "ok $f"
      else
        echo "FAIL $f: $(grep -v 'fails to validate' <<<"$out" | tr '\n' ' ')"; status=1
      fi ;;
    *.json) json+=("$f") ;;
    *) echo "validate-wires: $f: neither .json nor .xml" >&2; exit 2 ;;
  esac
done
[ ${#json[@]} -eq 0 ] && exit $status
# Debian's python3 when present: a pyenv shim earlier in PATH takes seconds to start.
PY=python3; [ -x /usr/bin/python3 ] && PY=/usr/bin/python3
"$PY" - "$IPTC" "${json[@]}" <<'PY' || status=1
import json, re, sys

DATE_TIME = re.compile(r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[Tt]([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?([Zz]|[+-]([01]\d|2[0-3]):[0-5]\d)$")
URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$")


class Unresolvable(Exception):
    """A $ref outside the schema document."""


class Validator:
    """Validates an instance against a schema document (the subset of draft-07/2020-12 ninjs uses)."""

    def __init__(self, root):
        self.root = root

    def resolve(self, ref):
        """The subschema a local JSON pointer names; raises Unresolvable for any other reference."""
        if not ref.startswith("#"):
            raise Unresolvable(ref)
        node = self.root
        for part in [p for p in ref[1:].split("/") if p]:
            part = part.replace("~1", "/").replace("~0", "~")
            node = node[part]
        return node

    def check(self, s, x, where, errs):
        """Appends the errors of x against s to errs; returns the object property names s evaluated."""
        if s is True:
            return set()
        if s is False:
            errs.append(f"{where}: not allowed")
            return set()
        seen = set()
        if "$ref" in s:
            try:
                seen |= self.check(self.resolve(s["$ref"]), x, where, errs)
            except Unresolvable as e:
                errs.append(f"{where}: cannot resolve $ref {e} (external schema)")
        t = s.get("type")
        if t is not None and not any(self.is_type(x, one) for one in (t if isinstance(t, list) else [t])):
            errs.append(f"{where}: expected {t}, got {type(x).__name__}")
            return seen
        if "enum" in s and x not in s["enum"]:
            errs.append(f"{where}: {x!r} not one of {s['enum']}")
        if isinstance(x, str):
            fmt = s.get("format")
            if fmt == "date-time" and not DATE_TIME.match(x):
                errs.append(f"{where}: {x!r} is not an RFC 3339 date-time")
            if fmt == "uri" and not URI.match(x):
                errs.append(f"{where}: {x!r} is not a URI")
            if "pattern" in s and not re.search(s["pattern"], x):
                errs.append(f"{where}: {x!r} does not match {s['pattern']}")
        if isinstance(x, (int, float)) and not isinstance(x, bool):
            if "minimum" in s and x < s["minimum"]:
                errs.append(f"{where}: {x} < minimum {s['minimum']}")
            if "maximum" in s and x > s["maximum"]:
                errs.append(f"{where}: {x} > maximum {s['maximum']}")
        if isinstance(x, list) and isinstance(s.get("items"), (dict, bool)):
            for i, item in enumerate(x):
                self.check(s["items"], item, f"{where}[{i}]", errs)
        if isinstance(x, dict):
            seen |= self.check_object(s, x, where, errs)
        for key in ("allOf", "anyOf", "oneOf"):
            if key in s:
                seen |= self.check_combination(key, s[key], x, where, errs)
        if isinstance(x, dict) and "unevaluatedProperties" in s:
            for k in x:
                if k not in seen:
                    sub = []
                    self.check(s["unevaluatedProperties"], x[k], f"{where}.{k}", sub)
                    if sub:
                        errs.append(f"{where}: property {k!r} is not allowed" if s["unevaluatedProperties"] is False else sub[0])
            seen |= set(x)
        return seen

    def check_object(self, s, x, where, errs):
        """required, properties, patternProperties, additionalProperties; returns the names evaluated."""
        seen = set()
        for k in s.get("required", []):
            if k not in x:
                errs.append(f"{where}: missing required property {k!r}")
        props = s.get("properties", {})
        pats = s.get("patternProperties", {})
        for k, v in x.items():
            matched = False
            if k in props:
                self.check(props[k], v, f"{where}.{k}", errs)
                matched = True
            for p, ps in pats.items():
                if re.search(p, k):
                    self.check(ps, v, f"{where}.{k}", errs)
                    matched = True
            if matched:
                seen.add(k)
            elif "additionalProperties" in s:
                if s["additionalProperties"] is False:
                    errs.append(f"{where}: property {k!r} is not allowed")
                else:
                    self.check(s["additionalProperties"], v, f"{where}.{k}", errs)
                seen.add(k)
        return seen

    def check_combination(self, key, subs, x, where, errs):
        """allOf / anyOf / oneOf; returns the names the passing branches evaluated."""
        results = []
        for sub in subs:
            e = []
            names = self.check(sub, x, where, e)
            results.append((e, names))
        passing = [r for r in results if not r[0]]
        if key == "allOf" and len(passing) != len(subs):
            errs.extend(e for r in results for e in r[0])
        elif key == "anyOf" and not passing:
            errs.append(f"{where}: matches none of anyOf ({results[0][0][0] if results[0][0] else ''})")
        elif key == "oneOf" and len(passing) != 1:
            errs.append(f"{where}: matches {len(passing)} of oneOf's {len(subs)} schemas, not exactly one")
        out = set()
        for _, names in passing:
            out |= names
        return out

    @staticmethod
    def is_type(x, t):
        """JSON Schema's type test (booleans are not numbers)."""
        return {"object": isinstance(x, dict), "array": isinstance(x, list), "string": isinstance(x, str),
                "boolean": isinstance(x, bool), "null": x is None,
                "integer": isinstance(x, int) and not isinstance(x, bool) or isinstance(x, float) and x.is_integer(),
                "number": isinstance(x, (int, float)) and not isinstance(x, bool)}.get(t, False)


iptc, files = sys.argv[1], sys.argv[2:]
failed = 0
for f in files:
    try:
        with open(f, encoding="utf-8") as fh:
            item = json.load(fh)
    except (OSError, ValueError) as e:
        print(f"FAIL {f}: not JSON: {e}")
        failed = 1
        continue
    std = item.get("standard") or item.get("$standard") if isinstance(item, dict) else None
    version = std.get("version") if isinstance(std, dict) else None
    if not isinstance(version, str) or not re.fullmatch(r"\d+\.\d+", version):
        print(f"FAIL {f}: names no ninjs version (standard.version or $standard.version)")
        failed = 1
        continue
    try:
        with open(f"{iptc}/ninjs-schema_{version}.json", encoding="utf-8") as fh:
            schema = json.load(fh)
    except OSError:
        print(f"FAIL {f}: no schema for ninjs {version} in {iptc}")
        failed = 1
        continue
    errs = []
    Validator(schema).check(schema, item, "$", errs)
    if errs:
        print(f"FAIL {f}: " + "; ".join(errs[:10]))
        failed = 1
    else:
        print(f"ok {f} (ninjs {version})")
sys.exit(failed)
PY
exit $status
