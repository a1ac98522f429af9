#!/usr/bin/env bash
# The whole test suite: installs and starts the engines if needed (scripts/setup-engines.sh), then runs unit tests
# (Surefire) and the integration tests against the real engines (Failsafe). Extra arguments go to Maven.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/java-home.sh
if [ "$(id -u)" -eq 0 ]; then
  scripts/setup-engines.sh
else
  sudo scripts/setup-engines.sh
fi
exec ./mvnw -B verify "$@"
