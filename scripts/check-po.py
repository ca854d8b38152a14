#!/usr/bin/env python3
"""check-po.py - the newsroom's catalogues are complete and safe (run by tests/run-all.sh).

Lists every newsroom string: {{_ words}} in templates/*.html (white space runs made one space, as
src/tmpl.c does) and N_("...") / catalog_tr(LANG, "...") in src/*.c (adjacent literals joined). Then reads
every po/*.po and fails, naming file and line, when a string has no entry, an entry is untranslated or
fuzzy, a translation's printf placeholders differ from its msgid's (src/po.c's rule), or the catalogue
is malformed (msgfmt --check when gettext is installed, and this script's own reading). Entries no
longer used are reported as warnings (obsolete), not failures.

Usage: scripts/check-po.py [ROOT]   Exit 0 when every catalogue is complete, 1 otherwise.
"""
import glob
import os
import re
import shutil
import subprocess
import sys

ROOT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
ESC = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def c_literal(body):
    """The value of the inside of C string literals ("a" "b" joined), escapes resolved."""
    out = []
    for lit in re.findall(r'"((?:[^"\\]|\\.)*)"', body, re.S):
        out.append(re.sub(r"\\(.)", lambda m: ESC.get(m.group(1), m.group(1)), lit))
    return "".join(out)


def strings_used():
    """{msgid: "file:line"} of every marked string."""
    used = {}
    for path in sorted(glob.glob(os.path.join(ROOT, "templates", "*.html"))):
        text = open(path, encoding="utf-8").read()
        for m in re.finditer(r"\{\{_[ \n](.*?)\}\}", text, re.S):
            words = " ".join(m.group(1).split())
            used.setdefault(words, "%s:%d" % (os.path.relpath(path, ROOT), text.count("\n", 0, m.start()) + 1))
    # (the language argument may be a call itself: catalog_tr(render_newsroom_lang(req), "...")
    call = re.compile(r'\b(?:N_\(|catalog_tr\((?:[^,()]|\([^()]*\))*,)\s*((?:"(?:[^"\\]|\\.)*"\s*)+)\)')
    for path in sorted(glob.glob(os.path.join(ROOT, "src", "*.c"))):
        text = open(path, encoding="utf-8").read()
        for m in call.finditer(text):
            used.setdefault(c_literal(m.group(1)), "%s:%d" % (os.path.relpath(path, ROOT), text.count("\n", 0, m.start()) + 1))
    return used


def read_po(path):
    """[(msgid, msgstr, fuzzy, line)] of a catalogue (header left out), or raises ValueError("LINE: why")."""
    entries, cur, field, fuzzy = [], None, None, False
    for n, raw in enumerate(open(path, encoding="utf-8"), 1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            if line.startswith("#,") and "fuzzy" in [f.strip() for f in line[2:].split(",")]:
                fuzzy = True
            continue
        m = re.match(r'^([a-z_]+(?:\[\d+\])?)\s+(.*)$', line)
        if m and not line.startswith('"'):
            if m.group(1) == "msgid":
                if cur is not None and cur[1] is None:
                    raise ValueError("%d: msgid without msgstr before it" % cur[3])
                cur = ["", None, fuzzy, n]
                entries.append(cur)
                fuzzy, field = False, 0
            elif m.group(1) == "msgstr":
                if cur is None or cur[1] is not None:
                    raise ValueError("%d: msgstr without its msgid" % n)
                cur[1], field = "", 1
            else:
                raise ValueError("%d: %s is not supported" % (n, m.group(1)))
            line = m.group(2)
        if field is None or not re.match(r'^"(?:[^"\\]|\\.)*"$', line):
            raise ValueError("%d: not a PO line" % n)
        cur[field] += c_literal(line)
    if cur is not None and cur[1] is None:
        raise ValueError("%d: msgid without msgstr" % cur[3])
    seen = {}
    for e in entries:
        if e[0] in seen:
            raise ValueError("%d: msgid given twice (first on line %d)" % (e[3], seen[e[0]]))
        seen[e[0]] = e[3]
    return [tuple(e) for e in entries if e[0] != ""]


def conversions(s):
    """The printf conversions of s in order (src/po.c's po_placeholders_match compares the same)."""
    return re.findall(r"%[0-9.\-+ #'*hlLqjzt]*[^0-9.\-+ #'*hlLqjzt]?", s)


def main():
    used = strings_used()
    failures, catalogues = [], sorted(glob.glob(os.path.join(ROOT, "po", "*.po")))
    if not catalogues:
        failures.append("po/: no catalogue")
    for path in catalogues:
        rel = os.path.relpath(path, ROOT)
        if shutil.which("msgfmt"):
            r = subprocess.run(["msgfmt", "--check", "-o", os.devnull, path], capture_output=True, text=True)
            if r.returncode != 0:
                failures.append("%s: msgfmt --check: %s" % (rel, r.stderr.strip()))
        try:
            entries = read_po(path)
        except ValueError as e:
            failures.append("%s:%s" % (rel, e))
            continue
        have = {e[0]: e for e in entries}
        for msgid, where in sorted(used.items(), key=lambda kv: kv[1]):
            e = have.get(msgid)
            if e is None:
                failures.append("%s: no entry for %r (used at %s)" % (rel, msgid, where))
            elif not e[1]:
                failures.append("%s:%d: %r is not translated" % (rel, e[3], msgid))
            elif e[2]:
                failures.append("%s:%d: %r is marked fuzzy" % (rel, e[3], msgid))
            elif conversions(e[0]) != conversions(e[1]):
                failures.append("%s:%d: the placeholders of %r differ in its translation (%s against %s)"
                                % (rel, e[3], msgid, " ".join(conversions(e[1])) or "none", " ".join(conversions(e[0])) or "none"))
        for msgid, e in have.items():
            if msgid not in used:
                print("check-po: warning: %s:%d: %r is no longer used" % (rel, e[3], msgid))
    for f in failures:
        print("check-po: " + f)
    print("check-po: %d strings, %d catalogues, %s" % (len(used), len(catalogues), "ok" if not failures else "%d problems" % len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
