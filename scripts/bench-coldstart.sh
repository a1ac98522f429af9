#!/usr/bin/env bash
# Cold start (issue 18, scale from zero), side by side in one run on one engine, ROUNDS times each:
#  1. plain: `podman run -d -p 127.0.0.1:PORT:8080` of the demo image, then GET / every 20 ms until the first 200:
#     time from the run command to that 200 (what a user waits for with no orchestrator at all);
#  2. orbit: the same image as a service at `min: 0` (idle_period 5s) behind the daemon's node port, started through
#     ./orbit: once it is at 0 containers, ONE GET / (held by the proxy while a pod starts): its latency to the 200.
#
# Usage: scripts/bench-coldstart.sh [ENGINE]   (podman or docker; default podman; rootful)
# Env:   ROUNDS=5 SKIP_BUILD= (1: use daemon/target's jars as they are)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/java-home.sh
ROUNDS=${ROUNDS:-5}
IMAGE=localhost/orbit-demo:latest
engine=${1:-podman}
case "$engine" in
  podman) cli=(podman) ;;
  docker) cli=(/usr/bin/docker -H unix:///var/run/docker.sock) ;;
  *) echo "unknown engine $engine (podman|docker)" >&2; exit 2 ;;
esac
[ -n "${SKIP_BUILD:-}" ] || ./mvnw -B -q package -DskipTests -Dspotless.check.skip=true -pl daemon -am >/tmp/orbit-bench-build.log 2>&1 \
  || { tail -30 /tmp/orbit-bench-build.log >&2; exit 1; }
work=$(mktemp -d /tmp/orbit-bench.XXXX)
daemon_pid=""
plain=""
cleanup() {
  [ -n "$plain" ] && "${cli[@]}" rm -f "$plain" >/dev/null 2>&1
  [ -n "$daemon_pid" ] && kill "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
. scripts/bench-lib.sh
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
status() { curl -s -o /dev/null -w '%{http_code}' --max-time "${2:-2}" "$1" || true; }

# 1. plain run + first request
plain_ms=()
for round in $(seq 1 "$ROUNDS"); do
  port=$(free_port)
  t0=$(now_ms)
  plain=$("${cli[@]}" run -d --rm -p "127.0.0.1:$port:8080" "$IMAGE")
  until [ "$(status "http://127.0.0.1:$port/" 1)" = 200 ]; do
    [ $(( $(now_ms) - t0 )) -lt 30000 ] || { echo "plain run: no 200 within 30 s" >&2; exit 1; }
    sleep 0.02
  done
  plain_ms+=($(( $(now_ms) - t0 )))
  "${cli[@]}" rm -f "$plain" >/dev/null; plain=""
done

# 2. the daemon's held first request
node_port=$(free_port)
instance="cold-$RANDOM"
mkdir -p "$work/cfg"
cat > "$work/cfg/cold.yml" <<YAML
name: cold
instance_count: {min: 0, max: 1}
autoscaling:
  concurrency_target: 100
  warmup: 0s
  idle_period: 5s
  scale_down: {stabilization_window: 2s}
scaling_policy: {cooldown_duration: 0s}
spec:
  containers:
    - name: main
      image: $IMAGE
      ports:
        - {port: 8080, node_port: $node_port}
      health_check:
        startup_timeout: 20s
        http_check: {port: 8080, path: /cgi-bin/health, timeout: 1s}
YAML
start_daemon "$instance"
at_zero() { # waits (at most 60 s) for the service's idle scale-down to 0 containers
  local deadline=$(( $(date +%s) + 60 ))
  sleep 1
  until [ "$(running "$instance")" -eq 0 ] && [ "$("${cli[@]}" ps -aq --filter "label=orbit.instance=$instance" | wc -l)" -eq 0 ]; do
    [ "$(date +%s)" -lt "$deadline" ] || { echo "not at 0 containers within 60 s" >&2; tail -20 "$work/daemon-$instance.log" >&2; exit 1; }
    sleep 0.2
  done
}
until (exec 3<>"/dev/tcp/127.0.0.1/$node_port") 2>/dev/null; do sleep 0.2; done
sleep 7 # a new service is not idle for its first idle_period
orbit_ms=()
for round in $(seq 1 "$ROUNDS"); do
  at_zero
  t0=$(now_ms)
  code=$(status "http://127.0.0.1:$node_port/" 35)
  orbit_ms+=($(( $(now_ms) - t0 )))
  [ "$code" = 200 ] || { echo "held first request answered $code" >&2; exit 1; }
done
stop_daemon

echo "plain_run_first_200_ms ${plain_ms[*]}"
echo "orbit_held_first_request_ms ${orbit_ms[*]}"
echo "SUMMARY $engine coldstart rounds=$ROUNDS plain_run_median_ms=$(printf '%s\n' "${plain_ms[@]}" | median) orbit_held_median_ms=$(printf '%s\n' "${orbit_ms[@]}" | median)"
