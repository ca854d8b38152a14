#!/usr/bin/env bash
# `make run`: creates the demo site in var/demo on first use, then serves it on 127.0.0.1:8080.
set -euo pipefail
cd "$(dirname "$0")/.."
SITE=${BROADSHEET_DEMO_DIR:-var/demo}
if [ ! -f "$SITE/broadsheet.conf" ]; then
  build/broadsheet demo "$SITE"
fi
cat <<MSG

  Broadsheet demo site: http://127.0.0.1:8080/  (English: /en/, Arabic: /ar/)
  Site directory: $SITE   (delete it to start again from fresh sample content)
  Logging in: the newsroom (accounts, roles, the editor) is not built yet; this demo is the
  reader's site. Stop the server with Ctrl-C.

MSG
exec build/broadsheet serve --site "$SITE" --listen 127.0.0.1:8080
