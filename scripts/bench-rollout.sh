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
build() { ./mvnw -B -q "$@" > /tmp/orbit-bench-build.log 2>&1 || { tail -30 /tmp/orbit-bench-build.log >&2; exit 1; }; }
build install -DskipTests -pl daemon -am
build test-compile -pl daemon
build -pl daemon dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.cp
cp="daemon/target/test-classes:daemon/target/classes:$(cat daemon/target/bench.cp)"
for engine in "${engines[@]}"; do
  case "$engine" in
    podman) socket=/run/podman/podman.sock ;;
    docker) socket=/var/run/docker.sock ;;
    *) echo "unknown engine $engine (podman|docker)" >&2; exit 2 ;;
  esac
  "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$cp" io.orbit.daemon.RolloutBenchmark \
    "$engine" "$socket" "$ROUNDS" | grep -E '^(SUMMARY|podman|docker) '
done
