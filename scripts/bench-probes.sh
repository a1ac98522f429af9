#!/usr/bin/env bash
# What health probes cost the daemon, side by side in one run (issue: health checks that act): the daemon's CPU
# (% of one core) over PROBE_SECONDS with M running containers, first without health checks, then the same containers
# each with a tcp_check and an http_check every second (2 × M probes per second), counted from /metrics.
#
# Usage: scripts/bench-probes.sh [ENGINE]   (podman or docker; default podman)
# Env:   M=50 PROBE_SECONDS=60
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/java-home.sh
M=${M:-50}; PROBE_SECONDS=${PROBE_SECONDS:-60}
IMAGE=localhost/orbit-fixture:latest
engine=${1:-podman}
case "$engine" in
  podman) cli=(podman) ;;
  docker) cli=(/usr/bin/docker -H unix:///var/run/docker.sock) ;;
  *) echo "unknown engine $engine" >&2; exit 2 ;;
esac
[ "$(id -u)" -eq 0 ] && scripts/setup-engines.sh >/dev/null 2>&1 || true
[ -f daemon/target/orbit-daemon.jar ] || ./mvnw -B -q package -DskipTests
work=$(mktemp -d /tmp/orbit-bench.XXXX)
daemon_pid=""
cleanup() { [ -n "$daemon_pid" ] && kill "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
. scripts/bench-lib.sh

PROBES='      ports:
        - {port: 8080}
      health_check:
        liveness_period: 1s
        tcp_check: {port: 8080, timeout: 1s}
        http_check: {port: 8080, path: /, timeout: 1s}'

probes_total() { # api port
  curl -fsS "http://127.0.0.1:$1/metrics" | awk '/^orbit_health_probes_total/ {s += $2} END {printf "%d", s}'
}

measure() { # label [container YAML]
  rm -rf "$work/cfg"; mkdir -p "$work/cfg"
  for i in $(seq 1 $((M / 10))); do service_file "probe$i" 10 "${2:-}"; done
  local instance="probes-$RANDOM" port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  start_daemon "$instance" "127.0.0.1:$port"; wait_for "$instance" "$M" 300
  sleep 10 # start-up work settles; every probed container is ready by now
  local before after cpu
  before=$(probes_total "$port")
  cpu=$(cpu_percent "$daemon_pid" "$PROBE_SECONDS")
  after=$(probes_total "$port")
  stop_daemon
  for _ in $(seq 1 100); do [ "$(running "$instance")" -eq 0 ] && break; sleep 0.2; done
  echo "$cpu $(( (after - before) * 60 / PROBE_SECONDS ))"
}

read -r cpu_plain _ < <(measure plain)
read -r cpu_probed per_minute < <(measure probed "$PROBES")
echo "$engine $M containers over ${PROBE_SECONDS} s: daemon CPU ${cpu_plain} % of one core without probes, ${cpu_probed} % with ${per_minute} probes per minute (tcp + http, every second); the probes cost $(awk -v a="$cpu_probed" -v b="$cpu_plain" -v n="$per_minute" 'BEGIN{printf "%.2f", (a - b) * 1000 / n}') % of one core per 1000 probes per minute"
