#!/usr/bin/env bash
# Installs what Broadsheet needs to build, run and test on Debian 12: Debian packages through apt-get
# (only those missing; libclang-rt-14-dev is clang's libFuzzer and sanitizer runtime for `make fuzz`; nginx-light
# is the reverse proxy tests/http/sec-proxy.test.mjs runs in front as a child of its own; Debian also starts its
# service on port 80 when installing it: `systemctl disable --now nginx` if that is unwanted), then the
# npm test tools from the committed package-lock.json.
# Idempotent and quiet when everything is present. Exit status: 0 ok, 1 install failed.
# python3-aiosmtpd is the SMTP server the mail tests start on loopback (for Debian's /usr/bin/python3).
# --bench: also the benchmark tools of bench/ (wrk, nginx, Postfix's smtp-sink/smtp-source for the mail
# benchmark; Debian starts postfix's own service when installing it, which bench/ does not use), and nothing from npm.
# --fixture: only what scripts/wp-fixture.sh needs to regenerate tests/fixtures/wordpress/ from a real WordPress
# (Debian's wordpress, MariaDB, PHP CLI with mysqli and GD); `make test` never needs them. Debian starts
# MariaDB's own service when installing it, which the script does not use (it runs a temporary server).
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH=0
if [ "${1:-}" = "--bench" ]; then BENCH=1; fi
if [ "${1:-}" = "--fixture" ]; then BENCH=1; fi

PKGS=(
  build-essential pkg-config make gcc clang libclang-rt-14-dev
  libmicrohttpd-dev libsqlite3-dev sqlite3 libpq-dev
  libcmark-gfm-dev libcmark-gfm-extensions-dev libjansson-dev libsodium-dev libcurl4-openssl-dev
  libstemmer-dev libmagic-dev libvips-dev zlib1g-dev libbrotli-dev
  libcmocka-dev slowhttptest nginx-light libqrencode-dev libssl-dev libidn2-dev libxml2-dev oathtool
  nodejs chromium default-jre-headless libxml2-utils curl python3-feedparser python3-aiosmtpd gettext
  postgresql
)
if [ "${1:-}" = "--bench" ]; then PKGS=(wrk nginx-light curl postfix); fi
if [ "${1:-}" = "--fixture" ]; then PKGS=(wordpress mariadb-server php-cli php-mysql php-gd libxml2-utils); fi

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
# nodejs from another source may ship its own npm; only ask for Debian's npm when there is none.
if [ "$BENCH" = 0 ] && ! command -v npm >/dev/null 2>&1; then missing+=(npm); fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm test tools, pinned by package-lock.json; reinstalled only when the lock changed.
if [ "$BENCH" = 0 ] && [ -f package-lock.json ]; then
  stamp=node_modules/.lock-stamp
  if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
    echo "deps: installing npm packages from package-lock.json"
    npm ci --no-audit --no-fund --loglevel=error >/dev/null
    cp package-lock.json "$stamp"
  fi
fi
