#!/usr/bin/env bash
# A new image tag under load (issue: rolling updates), per engine, side by side in one run: the daemon's rolling
# update of a 3-pod service behind its proxy vs the CLI's stop-then-start of a container on its published port (the
# downtime users have today); printed per round: update time and failed requests out of those sent meanwhile.
#
# Usage: scripts/bench-rollout.sh [ENGINE...]   (podman docker; default both)
# Env:   ROUNDS=3
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/java-home.sh
ROUNDS=${ROUNDS:-3}
engines=("$@"); [ ${#engines[@]} -gt 0 ] || engines=(podman docker)
[ "$(id -u)" -eq 0 ] && scripts/setup-engines.sh >/dev/null 2>&1 || true
. scripts/bench-java.sh
cp=$(bench_classpath)
for engine in "${engines[@]}"; do
  socket=$(engine_socket "$engine")
  "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$cp" io.orbit.daemon.RolloutBenchmark \
    "$engine" "$socket" "$ROUNDS" | grep -E '^(SUMMARY|podman|docker) '
done
