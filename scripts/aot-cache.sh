#!/usr/bin/env bash
# Creates daemon/target/orbit.aot, the JVM's ahead-of-time cache (Java 25+, JEP 483/514) that ./orbit uses: the
# classes the daemon loads and links while starting, recorded in one training run of the real daemon. It halves the
# JVM's share of start-up (docs/benchmarks.md, "Daemon"). The cache belongs to these exact jars and this JDK; ./orbit
# ignores it once either is newer, and this script makes a new one.
#
# The training run is a daemon on a throw-away instance: one service of the demo image with a node port and a health
# check, on the engine if it answers (without one the run still covers wiring, the API and the configuration), stopped
# with SIGTERM once its pod is ready; --on-exit stop removes that pod.
#
# Usage: scripts/aot-cache.sh [--force] [podman|docker]   (default podman; --force re-creates a fresh cache)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
. "$here/java-home.sh"
log() { printf 'aot-cache: %s\n' "$*" >&2; }

force=0 runtime=podman
for arg in "$@"; do
  case "$arg" in
    --force) force=1 ;;
    podman | docker) runtime=$arg ;;
    *) log "unknown argument '$arg'"; exit 2 ;;
  esac
done
jar="$root/daemon/target/orbit-daemon.jar"
cache="$root/daemon/target/orbit.aot"
[ -f "$jar" ] || { log "$jar is missing; build first: ./mvnw -B -q package -DskipTests"; exit 1; }
if [ "$ORBIT_JAVA_FEATURE" -lt 25 ]; then
  log "Java $ORBIT_JAVA_FEATURE has no one-step AOT cache (needs 25); ./orbit runs without one"
  exit 0
fi
if [ "$force" = 0 ] && [ -f "$cache" ] && [ "$cache" -nt "$jar" ] && [ "$cache" -nt "$JAVA_HOME/release" ]; then
  log "$cache is up to date"
  exit 0
fi

work=$(mktemp -d /tmp/orbit-aot.XXXX)
pid=""
cleanup() {
  [ -z "$pid" ] || kill "$pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
mkdir "$work/services"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$work/services/train.yml" <<YAML
name: aot-train
instance_count: {min: 1, max: 1}
spec:
  containers:
    - name: web
      image: localhost/orbit-demo:latest
      ports:
        - port: 8080
          node_port: $port
      health_check:
        startup_timeout: 20s
        liveness_period: 1s
        tcp_check: {port: 8080}
YAML

# Through ./orbit, so the training run has exactly the JVM options and class path the cache will be used with.
ORBIT_AOT_RECORD="$work/orbit.aot" "$root/orbit" \
  -r "$runtime" -c "$work/services" --instance "aot-train-$$" --api-address 127.0.0.1:0 --control-socket none \
  --state-dir "$work/state" --on-exit stop >"$work/train.log" 2>&1 &
pid=$!
log "training run of the daemon ($runtime, pid $pid)"
for _ in $(seq 1 300); do # up to 30 s for the pod to be ready and served through the proxy
  curl -sf -o /dev/null --max-time 1 "http://127.0.0.1:$port/" && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
sleep 1 # a few probes and a status pass more
kill -TERM "$pid"
wait "$pid" || true # the JVM writes the cache at exit (a few seconds)
pid=""
if [ ! -s "$work/orbit.aot" ]; then
  log "the training run wrote no cache; its output:"
  tail -20 "$work/train.log" >&2
  exit 1
fi
mv "$work/orbit.aot" "$cache"
log "wrote $cache ($(du -h "$cache" | cut -f1))"
