#!/usr/bin/env bash
# Runtime adapter benchmark, side by side in one run (issue: foundation). For each engine:
#   lifecycle: create+start of N containers one after another, then remove them one after another,
#              through our adapter vs the engine's own CLI (`podman run -d` / `docker run -d`, `rm -f`);
#   stats:     one batch stats call for M running containers through our adapter (median of CALLS calls),
#              and `podman stats --no-stream` / `docker stats --no-stream` for the same containers as reference.
# Rounds alternate adapter and CLI so both see the same machine state; medians and ratios are printed.
#
# Usage: scripts/bench-runtime.sh [ENGINE...]   (podman docker; default both)
# Env:   N=10 M=20 CALLS=20 ROUNDS=3
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/java-home.sh
N=${N:-10}; M=${M:-20}; CALLS=${CALLS:-20}; ROUNDS=${ROUNDS:-3}
IMAGE=localhost/orbit-fixture:latest
engines=("$@"); [ ${#engines[@]} -gt 0 ] || engines=(podman docker)

[ "$(id -u)" -eq 0 ] && scripts/setup-engines.sh >/dev/null 2>&1 || true

classpath() { # module
  ./mvnw -B -q -pl "$1" dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.cp >/dev/null
  echo "$1/target/test-classes:$1/target/classes:$(cat "$1/target/bench.cp")"
}
now_ms() { date +%s%3N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2))}'; }

cli_lifecycle() { # engine -> prints ms
  local cli=("$@") run="bench-cli-$RANDOM" start end
  start=$(now_ms)
  for i in $(seq 1 "$N"); do "${cli[@]}" run -d --name "$run-$i" --label io.orbit.bench="$run" "$IMAGE" >/dev/null; done
  for i in $(seq 1 "$N"); do
    if [ "${cli[0]}" = podman ]; then "${cli[@]}" rm -f -t 0 "$run-$i" >/dev/null; else "${cli[@]}" rm -f "$run-$i" >/dev/null; fi
  done
  end=$(now_ms); echo $((end - start))
}

for engine in "${engines[@]}"; do
  case "$engine" in
    podman) module=runtime-podman; main=io.orbit.runtime.podman.PodmanBenchmark; cli=(podman) ;;
    docker) module=runtime-docker; main=io.orbit.runtime.docker.DockerBenchmark; cli=(/usr/bin/docker -H unix:///var/run/docker.sock) ;;
    *) echo "unknown engine $engine (podman|docker)" >&2; exit 2 ;;
  esac
  ./mvnw -B -q install -DskipTests -pl "$module" -am >/dev/null
  ./mvnw -B -q test-compile -pl "$module" >/dev/null
  cp=$(classpath "$module")
  java_run() { "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$cp" "$main" "$@"; }
  ours=(); theirs=()
  java_run lifecycle 2 >/dev/null # warm the engine's caches for the image
  for round in $(seq 1 "$ROUNDS"); do
    ours+=("$(java_run lifecycle "$N" | sed -E 's/.*lifecycle_ms=([0-9]+).*/\1/')")
    theirs+=("$(cli_lifecycle "${cli[@]}")")
  done
  o=$(printf '%s\n' "${ours[@]}" | median); t=$(printf '%s\n' "${theirs[@]}" | median)
  echo "$engine lifecycle of $N containers (create+start, then remove; median of $ROUNDS): adapter ${o} ms, CLI ${t} ms, ratio $(awk -v a="$o" -v b="$t" 'BEGIN{printf "%.2f", a/b}') (runs: adapter ${ours[*]}; CLI ${theirs[*]})"
  stats=$(java_run stats "$M" "$CALLS")
  echo "$engine stats: $stats"
  # Reference: the CLI's own one-shot stats over the same number of containers.
  run="bench-stats-$RANDOM"
  for i in $(seq 1 "$M"); do "${cli[@]}" run -d --name "$run-$i" "$IMAGE" >/dev/null; done
  s=$(now_ms); "${cli[@]}" stats --no-stream $(for i in $(seq 1 "$M"); do echo "$run-$i"; done) >/dev/null; e=$(now_ms)
  echo "$engine CLI stats --no-stream of $M containers: $((e - s)) ms"
  for i in $(seq 1 "$M"); do
    if [ "${cli[0]}" = podman ]; then "${cli[@]}" rm -f -t 0 "$run-$i" >/dev/null; else "${cli[@]}" rm -f "$run-$i" >/dev/null; fi
  done
done
