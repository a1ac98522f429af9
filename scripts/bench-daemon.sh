#!/usr/bin/env bash
# Daemon benchmarks, side by side in one run (issue: engine and daemon):
#   startup:  time from launching the daemon on a service of N pods to N containers running, vs the engine's CLI
#             starting the same N containers one after another (`podman run -d` / `docker run -d`);
#   recovery: time from removing one container behind the daemon's back to its replacement running (median of K);
#   idle:     the daemon's CPU (% of one core) and RSS over IDLE_SECONDS with M running containers.
# Every daemon here runs with its own --instance and --on-exit stop, so it never touches other pods.
#
# Usage: scripts/bench-daemon.sh [ENGINE...]   (podman docker; default both)
# Env:   N=10 K=5 M=50 IDLE_SECONDS=60
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/java-home.sh
N=${N:-10}; K=${K:-5}; M=${M:-50}; IDLE_SECONDS=${IDLE_SECONDS:-60}
IMAGE=localhost/orbit-fixture:latest
engines=("$@"); [ ${#engines[@]} -gt 0 ] || engines=(podman docker)
[ "$(id -u)" -eq 0 ] && scripts/setup-engines.sh >/dev/null 2>&1 || true
[ -f daemon/target/orbit-daemon.jar ] || ./mvnw -B -q package -DskipTests
work=$(mktemp -d /tmp/orbit-bench.XXXX)
daemon_pid=""
cleanup() { [ -n "$daemon_pid" ] && kill "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

. scripts/bench-lib.sh

for engine in "${engines[@]}"; do
  case "$engine" in
    podman) cli=(podman); rm_fast=(podman rm -f -t 0) ;;
    docker) cli=(/usr/bin/docker -H unix:///var/run/docker.sock); rm_fast=("${cli[@]}" rm -f) ;;
    *) echo "unknown engine $engine" >&2; exit 2 ;;
  esac

  # --- startup: the daemon without and with the AOT cache, then (below) the CLI; each ends when the engine says the
  # last of the N containers started (its StartedAt), so polling adds nothing to any of them ---
  rm -rf "$work/cfg"; mkdir -p "$work/cfg"; service_file bench "$N"
  scripts/aot-cache.sh "$engine" >/dev/null 2>&1 || echo "no AOT cache (scripts/aot-cache.sh failed): both runs are without" >&2
  instance="bench-$RANDOM"
  t0=$(now_ms); ORBIT_AOT_CACHE=off start_daemon "$instance"; wait_for "$instance" "$N" 120
  cold_ms=$(( $(last_started_ms $("${cli[@]}" ps -q --filter "label=orbit.instance=$instance")) - t0 ))
  stop_daemon
  for _ in $(seq 1 100); do [ "$(running "$instance")" -eq 0 ] && break; sleep 0.2; done
  instance="bench-$RANDOM"
  t0=$(now_ms); start_daemon "$instance"; wait_for "$instance" "$N" 120
  daemon_ms=$(( $(last_started_ms $("${cli[@]}" ps -q --filter "label=orbit.instance=$instance")) - t0 ))
  # The engine's share: from the first configuration load (after JVM start and wiring) to N running.
  loaded=$(grep -m1 '"configuration loaded"' "$work/daemon-$instance.log" | sed -E 's/.*"ts":"([^"]+)".*/\1/')
  engine_ms=$((t0 + daemon_ms - $(date -d "$loaded" +%s%3N)))
  # --- recovery (same daemon) ---
  times=()
  for i in $(seq 1 "$K"); do
    victim=$("${cli[@]}" ps -q --filter "label=orbit.instance=$instance" --filter status=running | sed -n 1p)  # not head: with pipefail, SIGPIPE would end the script
    s=$(now_ms); "${rm_fast[@]}" "$victim" >/dev/null
    # The replacement can be running before a `ps` would ever show N-1: wait for N running without the victim.
    deadline=$(( $(date +%s) + 60 ))
    until ids=$("${cli[@]}" ps -q --no-trunc --filter "label=orbit.instance=$instance" --filter status=running) \
        && [ "$(echo "$ids" | grep -c .)" -ge "$N" ] && ! echo "$ids" | grep -q "^$victim"; do
      [ "$(date +%s)" -lt "$deadline" ] || { echo "no replacement within 60 s" >&2; exit 1; }
      sleep 0.02
    done
    e=$(now_ms)
    times+=($((e - s)))
    sleep 1
  done
  recovery=$(printf '%s\n' "${times[@]}" | median)
  stop_daemon
  # --- the CLI, the same containers one after another ---
  run="bench-cli-$RANDOM"; s=$(now_ms)
  for i in $(seq 1 "$N"); do "${cli[@]}" run -d --name "$run-$i" "$IMAGE" >/dev/null; done
  cli_ms=$(( $(last_started_ms $(for i in $(seq 1 "$N"); do echo "$run-$i"; done)) - s ))
  for i in $(seq 1 "$N"); do "${rm_fast[@]}" "$run-$i" >/dev/null; done
  ratio() { awk -v a="$1" -v b="$cli_ms" 'BEGIN{printf "%.2f", a/b}'; }
  echo "$engine startup of $N pods (launch to the last container's StartedAt): daemon ${daemon_ms} ms (ratio $(ratio "$daemon_ms")); without the AOT cache ${cold_ms} ms (ratio $(ratio "$cold_ms")); from configuration loaded ${engine_ms} ms (ratio $(ratio "$engine_ms")); CLI one after another ${cli_ms} ms"
  echo "$engine recovery after removing a container: median ${recovery} ms over $K (runs: ${times[*]})"

  # --- idle cost with M containers (podman only unless asked) ---
  if [ "$engine" = podman ] || [ "${IDLE_ALL:-0}" = 1 ]; then
    rm -rf "$work/cfg"; mkdir -p "$work/cfg"
    for i in $(seq 1 $((M / 10))); do service_file "idle$i" 10; done
    instance="idle-$RANDOM"; start_daemon "$instance"; wait_for "$instance" "$M" 300
    sleep 10 # let start-up work settle
    cpu=$(cpu_percent "$daemon_pid" "$IDLE_SECONDS")
    rss=$(awk '/VmRSS/ {print int($2/1024)}' "/proc/$daemon_pid/status")
    echo "$engine idle with $M containers over ${IDLE_SECONDS} s: CPU ${cpu} % of one core, RSS ${rss} MB"
    stop_daemon
    # --on-exit stop removes the pods; wait for it so the next engine starts clean
    for _ in $(seq 1 100); do [ "$(running "$instance")" -eq 0 ] && break; sleep 0.2; done
  fi
done
