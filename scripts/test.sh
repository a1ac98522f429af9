#!/usr/bin/env bash
# The whole test suite: installs and starts the engines if needed (scripts/setup-engines.sh) and the dashboard's
# browser (scripts/setup-browser.sh), then runs unit tests (Surefire) and the integration tests against the real
# engines and browser (Failsafe). Extra arguments go to Maven.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/java-home.sh
if [ "$(id -u)" -eq 0 ]; then
  scripts/setup-engines.sh
  scripts/setup-browser.sh
else
  sudo scripts/setup-engines.sh
  sudo scripts/setup-browser.sh
fi
exec ./mvnw -B verify "$@"
