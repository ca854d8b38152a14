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
  Newsroom: http://127.0.0.1:8080/admin/  log in with one of these demo accounts
  (from $SITE/demo-logins.txt; add your own with: build/broadsheet user add --site $SITE ...):
$(grep -v '^#' "$SITE/demo-logins.txt" 2>/dev/null | sed 's/^/    /' || echo "    (no demo-logins.txt: create an account with build/broadsheet user add)")

  Two-factor log-in: each account sets it up on http://127.0.0.1:8080/admin/account (any TOTP app).
  Live coverage: the front page's "Flash floods in the south" is a live blog (its desk: the story's
  "Live coverage" link in the newsroom); breaking banner: /admin/breaking; alerts to devices: /admin/push.
  Mail (newsletter sign-ups, issues): $(if grep -Eq '^[[:space:]]*smtp_url[[:space:]]*=[[:space:]]*[^[:space:]]' "$SITE/broadsheet.conf"; then echo "sent through the relay set by smtp_url in $SITE/broadsheet.conf"; else echo "no relay is set, so every message is written to $SITE/mail/ as a .eml file"; fi).
  Stop the server with Ctrl-C.

MSG
exec build/broadsheet serve --site "$SITE" --listen 127.0.0.1:8080
