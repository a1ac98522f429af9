#!/usr/bin/env bash
# Autoscaling (issue 7), side by side in one run on one engine:
#  1. a CPU load step through the proxy (2 clients burning CPU on the demo image, cpu_limit 0.5, plus 2 clients
#     GETting /) with autoscaling on (cpu_percentage_relative 25, 1–4 pods) and off (same service, no thresholds):
#     time from the step's start to the scale-up decision, to the first 200 from an added pod and to all 4 pods
#     serving; p50/p99 of the plain GETs during the step, failed GETs (io.orbit.daemon.AutoscaleBenchmark);
#  2. the daemon's CPU (% of one core, /proc/PID/stat) over CPU_SECONDS with M running containers of services that
#     autoscale on CPU (so every container is stats-sampled every 10 s) and of the same services without thresholds.
#
# Usage: scripts/bench-autoscale.sh [ENGINE]   (podman or docker; default podman; rootful)
# Env:   ROUNDS=2 STEP_SECONDS=40 M=50 CPU_SECONDS=40 SKIP_BUILD= (1: use the built jars and test classes as they are)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/java-home.sh
ROUNDS=${ROUNDS:-2}; STEP_SECONDS=${STEP_SECONDS:-40}; M=${M:-50}; CPU_SECONDS=${CPU_SECONDS:-40}
IMAGE=localhost/orbit-fixture:latest
engine=${1:-podman}
case "$engine" in
  podman) cli=(podman); socket=/run/podman/podman.sock ;;
  docker) cli=(/usr/bin/docker -H unix:///var/run/docker.sock); socket=/var/run/docker.sock ;;
  *) echo "unknown engine $engine (podman|docker)" >&2; exit 2 ;;
esac
[ "$(id -u)" -eq 0 ] && scripts/setup-engines.sh >/dev/null 2>&1 || true
. scripts/bench-java.sh
if [ -z "${SKIP_BUILD:-}" ] || [ ! -f daemon/target/bench.cp ]; then
  cp=$(bench_classpath)
else
  cp="daemon/target/test-classes:daemon/target/classes:$(cat daemon/target/bench.cp)"
fi
work=$(mktemp -d /tmp/orbit-bench.XXXX)
daemon_pid=""
cleanup() { [ -n "$daemon_pid" ] && kill "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
. scripts/bench-lib.sh

# 1. the load step, autoscaling off then on, ROUNDS times
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$cp" io.orbit.daemon.AutoscaleBenchmark \
  "$engine" "$socket" "$ROUNDS" "$STEP_SECONDS" | grep -E '^(SUMMARY|podman|docker) '

# 2. the daemon's CPU with M containers, stats-sampled or not
THRESHOLDS='resource_thresholds: {cpu_percentage_relative: 90}'
# the engine's API process answers the stats calls: its CPU is measured over the same window (other users of the engine
# on this host add to it)
engine_pid=$(pgrep -f "podman system service.*unix:///run/podman/podman.sock" | head -1 || true)
measure() { # [service-level YAML] -> "daemon% engine% stats-warnings"
  rm -rf "$work/cfg"; mkdir -p "$work/cfg"
  for i in $(seq 1 $((M / 10))); do
    service_file "stats$i" 10
    [ -z "${1:-}" ] || printf '%s\n' "$1" >> "$work/cfg/stats$i.yml"
  done
  local instance="stats-$RANDOM"
  start_daemon "$instance"; wait_for "$instance" "$M" 300
  sleep 12 # start-up work settles; the first stats sample of every container is taken
  local cpu engine_cpu=n/a engine_job=""
  if [ "$engine" = podman ] && [ -n "$engine_pid" ]; then
    cpu_percent "$engine_pid" "$CPU_SECONDS" > "$work/engine-cpu" &
    engine_job=$!
  fi
  cpu=$(cpu_percent "$daemon_pid" "$CPU_SECONDS")
  [ -z "$engine_job" ] || wait "$engine_job"
  [ -s "$work/engine-cpu" ] && engine_cpu=$(cat "$work/engine-cpu") && rm -f "$work/engine-cpu"
  stop_daemon
  for _ in $(seq 1 150); do [ "$(running "$instance")" -eq 0 ] && break; sleep 0.2; done
  echo "$cpu $engine_cpu $(grep -c 'stats sample failed\|stats are unavailable' "$work/daemon-$instance.log" || true)"
}
read -r cpu_plain engine_plain _ < <(measure)
read -r cpu_sampled engine_sampled warnings < <(measure "$THRESHOLDS")
echo "SUMMARY $engine stats_sampling containers=$M seconds=$CPU_SECONDS daemon_cpu_pct_of_one_core without=$cpu_plain with=$cpu_sampled sampling_cost=$(awk -v a="$cpu_sampled" -v b="$cpu_plain" 'BEGIN{printf "%.2f", a - b}') engine_api_cpu_pct without=$engine_plain with=$engine_sampled stats_warnings=$warnings"
