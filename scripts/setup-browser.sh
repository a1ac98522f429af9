#!/usr/bin/env bash
# Installs the browser of the dashboard's tests (PodmanDashboardIT) and of its benchmark: Debian's chromium and
# chromium-driver, driven headless by Selenium. Idempotent: on a ready machine it only checks (well under a second).
# scripts/test.sh runs it after scripts/setup-engines.sh; nothing is downloaded but Debian's packages.
#
# Usage: scripts/setup-browser.sh     (as root)
set -euo pipefail

log() { printf 'setup-browser: %s\n' "$*" >&2; }

if [ "$(id -u)" -ne 0 ]; then
  log "must run as root (it installs packages); try: sudo $0"
  exit 1
fi

packages=(chromium chromium-driver)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
for binary in /usr/bin/chromium /usr/bin/chromedriver; do
  if [ ! -x "$binary" ]; then
    log "$binary is missing after installing ${packages[*]}"
    exit 1
  fi
done
log "$(/usr/bin/chromedriver --version | head -n 1)"
