#!/usr/bin/env bash
# Recovery under traffic (issue: health checks that act), per engine, with 1 and with 3 pods, in one run:
# a real daemon serves the demo image through its proxy with an HTTP health check, 4 clients GET without pause,
# one container is SIGKILLed; printed per round: time from the kill until the killed container serves again
# (restarted in place, probed ready, routed) and the requests that failed from the kill until 5 s after that.
#
# Usage: scripts/bench-recovery.sh [ENGINE...]   (podman docker; default both)
# Env:   ROUNDS=5 PODS="1 3"
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/java-home.sh
ROUNDS=${ROUNDS:-5}; PODS=${PODS:-1 3}
engines=("$@"); [ ${#engines[@]} -gt 0 ] || engines=(podman docker)
[ "$(id -u)" -eq 0 ] && scripts/setup-engines.sh >/dev/null 2>&1 || true
. scripts/bench-java.sh
cp=$(bench_classpath)
for engine in "${engines[@]}"; do
  socket=$(engine_socket "$engine")
  for pods in $PODS; do
    "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$cp" io.orbit.daemon.RecoveryBenchmark \
      "$engine" "$socket" "$pods" "$ROUNDS" | grep -E '^(SUMMARY|podman|docker) '
  done
done
