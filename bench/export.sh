#!/usr/bin/env bash
# Benchmark 2 of issue 7: `broadsheet export` of a 10,000-article site against Hugo (Debian's package)
# building the same articles from Markdown with a comparable theme (article pages with related stories,
# a latest-news list on every page, paginated home/section/tag/author lists, RSS, sitemap).
#
#   bash bench/export.sh            # ARTICLES=10000 JOBS=$(nproc) KEEP=1 (keep the work dir) may be set
#
# Prints the raw timings and the ratio export/Hugo (goal: <= 0.5). Broadsheet's article bodies are
# rendered from Markdown when they are saved, so the export does not run a Markdown renderer; Hugo does.
set -euo pipefail
cd "$(dirname "$0")/.."
ARTICLES=${ARTICLES:-10000}
JOBS=${JOBS:-$(nproc)}
WORK=$(mktemp -d /tmp/bs-bench-export.XXXXXX)
[ -n "${KEEP:-}" ] || trap 'rm -rf "$WORK"' EXIT

if ! command -v hugo >/dev/null 2>&1; then
  echo "installing hugo (apt-get)"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends hugo >/dev/null
fi
command -v sqlite3 >/dev/null || { echo "bench: sqlite3 is missing (bash scripts/deps.sh)"; exit 1; }
make -s -j2 build/broadsheet

# timed OUT CMD...: runs CMD; OUT gets "wall user+sys" seconds (the machine may be shared: CPU time is
# the steadier figure when other work competes for the cores)
timed() {
  local out=$1; shift
  /usr/bin/time -f '%e %U %S' -o "$WORK/time.txt" "$@" >/dev/null 2>"$WORK/err.txt" || { cat "$WORK/err.txt"; exit 1; }
  read -r w u s < "$WORK/time.txt"
  printf -v "$out" '%s %s' "$w" "$(python3 -c "print(f'{$u + $s:.2f}')")"
}
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time is missing (apt-get install time)"; exit 1; }

echo "== machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -m | awk '/Mem:/ {print $2}') MiB RAM, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== generating a site of $ARTICLES articles (broadsheet demo: 84 stories + generated ones)"
BASE_ARTICLES=84
build/broadsheet demo "$WORK/site" --articles $((ARTICLES > BASE_ARTICLES ? ARTICLES - BASE_ARTICLES : 0)) >/dev/null 2>&1
PUBLISHED=$(sqlite3 -cmd '.timeout 10000' "$WORK/site/site.db" "SELECT count(*) FROM articles WHERE status = 'published'")
echo "   $PUBLISHED published articles"

echo "== writing the same articles as Hugo content"
H="$WORK/hugo"
mkdir -p "$H/content" "$H/layouts/_default" "$H/layouts/partials" "$H/static"
sqlite3 -cmd '.timeout 10000' -json "$WORK/site/site.db" "
  SELECT a.edition, a.slug, a.headline, a.standfirst, a.body_md, a.published_at, s.slug AS section,
    (SELECT json_group_array(t.slug) FROM article_tags x JOIN tags t ON t.id = x.tag_id WHERE x.article_id = a.id) AS tags,
    (SELECT json_group_array(u.name) FROM article_authors w JOIN authors u ON u.id = w.author_id WHERE w.article_id = a.id) AS authors
  FROM articles a JOIN sections s ON s.id = a.section_id WHERE a.status = 'published'" > "$WORK/articles.json"
python3 - "$WORK/articles.json" "$H/content" <<'PY'
import json, os, sys, datetime
rows = json.load(open(sys.argv[1]))
for r in rows:
    d = os.path.join(sys.argv[2], r['edition'])
    os.makedirs(d, exist_ok=True)
    ed = r['edition']
    fm = {
        'title': r['headline'], 'slug': r['slug'], 'description': r['standfirst'], 'edition': ed,
        'date': datetime.datetime.utcfromtimestamp(r['published_at']).strftime('%Y-%m-%dT%H:%M:%SZ'),
        'categories': [f"{ed}-{r['section']}"], 'tags': [f"{ed}-{t}" for t in json.loads(r['tags'])],
        'authors': json.loads(r['authors']),
    }
    with open(os.path.join(d, f"{r['slug']}.md"), 'w', encoding='utf-8') as f:
        f.write(json.dumps(fm, ensure_ascii=False) + '\n\n' + (r['body_md'] or '') + '\n')
print(f"   {len(rows)} Markdown files")
PY
cp static/site.css "$H/static/site.css"
cat > "$H/config.toml" <<'TOML'
baseURL = "https://news.example.com/"
title = "Broadsheet benchmark"
paginate = 10
disableKinds = []
[taxonomies]
  category = "categories"
  tag = "tags"
  author = "authors"
[permalinks]
  en = "/en/:year/:month/:day/:slug/"
  ar = "/ar/:year/:month/:day/:slug/"
[related]
  includeNewer = true
  threshold = 20
  toLower = false
  [[related.indices]]
    name = "tags"
    weight = 100
  [[related.indices]]
    name = "categories"
    weight = 50
TOML
cat > "$H/layouts/_default/baseof.html" <<'HTML'
<!DOCTYPE html>
<html lang="{{ .Params.edition | default "en" }}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} | {{ .Site.Title }}</title><meta name="description" content="{{ .Description }}">
<link rel="canonical" href="{{ .Permalink }}"><link rel="stylesheet" href="/site.css">
{{ range .AlternativeOutputFormats }}<link rel="alternate" type="{{ .MediaType.Type }}" href="{{ .Permalink }}">{{ end }}
</head>
<body><header class="masthead"><p class="site-name"><a href="/">{{ .Site.Title }}</a></p>
<nav>{{ range $name, $t := .Site.Taxonomies.categories }}<a href="{{ "categories/" | relURL }}{{ $name | urlize }}/">{{ $name }}</a> {{ end }}</nav></header>
<main id="main">{{ block "main" . }}{{ end }}</main>
{{ partialCached "latest.html" . }}
<footer><p>All rights reserved {{ now.Year }}</p></footer></body></html>
HTML
cat > "$H/layouts/partials/latest.html" <<'HTML'
<aside class="latest"><h2>Latest news</h2><ul>{{ range first 10 site.RegularPages.ByDate.Reverse }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <time>{{ .Date.Format "GMT 15:04 2006 Monday ,02 January" }}</time></li>{{ end }}</ul></aside>
HTML
cat > "$H/layouts/_default/single.html" <<'HTML'
{{ define "main" }}<article><h1>{{ .Title }}</h1><p class="standfirst">{{ .Description }}</p>
<p class="byline">{{ delimit .Params.authors ", " }} · <time datetime="{{ .Date.Format "2006-01-02T15:04:05Z07:00" }}">{{ .Date.Format "GMT 15:04 2006 Monday ,02 January" }}</time></p>
{{ .Content }}
<ul class="tags">{{ range .Params.tags }}<li><a href="{{ "tags/" | relURL }}{{ . | urlize }}/">{{ . }}</a></li>{{ end }}</ul>
{{ with first 4 (site.RegularPages.Related .) }}<section class="related"><h2>Related</h2><ul>{{ range . }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul></section>{{ end }}
</article>{{ end }}
HTML
cat > "$H/layouts/_default/list.html" <<'HTML'
{{ define "main" }}<h1>{{ .Title }}</h1>{{ $p := .Paginate .Pages.ByDate.Reverse }}
{{ range $p.Pages }}<article class="card"><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2><p>{{ .Description }}</p></article>{{ end }}
{{ template "_internal/pagination.html" . }}{{ end }}
HTML
cat > "$H/layouts/_default/terms.html" <<'HTML'
{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Data.Terms.Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>{{ end }}</ul>{{ end }}
HTML

EXPORT_CMD=(build/broadsheet export --site "$WORK/site" --base-url https://news.example.com --jobs "$JOBS")
echo "== broadsheet export (--jobs $JOBS, no .gz/.br: Hugo writes none)"
timed EXPORT "${EXPORT_CMD[@]}" --no-compress "$WORK/export"
echo "== hugo (all CPUs)"
timed HUGO hugo --quiet --source "$H" --destination "$WORK/hugo-public"
echo "== broadsheet export with .gz and .br siblings (a fresh directory)"
timed EXPORTZ "${EXPORT_CMD[@]}" "$WORK/export-z"
echo "== broadsheet export again, nothing changed (incremental)"
timed AGAIN "${EXPORT_CMD[@]}" "$WORK/export-z"

files() { find "$1" -type f ! -name '*.gz' ! -name '*.br' ! -name '.broadsheet-export' | wc -l; }
bytes() { du -sm "$1" | cut -f1; }
echo
echo "articles:                      $PUBLISHED"
echo "                               wall s  CPU s (user+sys)"
echo "broadsheet export (plain):     ${EXPORT/ /    }   $(files "$WORK/export") files, $(bytes "$WORK/export") MiB"
echo "hugo:                          ${HUGO/ /    }   $(files "$WORK/hugo-public") files, $(bytes "$WORK/hugo-public") MiB"
echo "broadsheet export (+gz, +br):  ${EXPORTZ/ /    }"
echo "broadsheet export, re-run:     ${AGAIN/ /    }   (nothing changed)"
python3 - "$EXPORT" "$HUGO" <<'PY'
import sys
(ew, ec), (hw, hc) = (map(float, a.split()) for a in sys.argv[1:3])
print(f"ratio export/hugo:             wall {ew / hw:.2f}, CPU {ec / hc:.2f} (goal <= 0.50)")
PY
[ -z "${KEEP:-}" ] || echo "work directory kept: $WORK"
