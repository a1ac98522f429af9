#!/usr/bin/env bash
# Creates daemon/target/orbit.aot, the JVM's ahead-of-time cache (Java 25+, JEP 483/514) that ./orbit uses: the
# classes the daemon loads and links while starting, recorded in one training run of the real daemon. It halves the
# JVM's share of start-up (docs/benchmarks.md, "Daemon"). The cache belongs to these exact jars and this JDK; ./orbit
# ignores it once either is newer, and this script makes a new one.
#
# The training run is a daemon on a throw-away instance: one service with a node port and a health check, on the engine
# if it answers (without one the run still covers wiring, the API and the configuration). Once its pod is ready, it
# sends ~135k requests through the node port: keep-alive cycles that open, use and close their connections (curl),
# requests that close their connection, POSTs with a body, connections reset by their client (python3), and, during
# the load, requests to the daemon's API (/metrics, /status, /healthz). So the cache also holds the data path's method
# profiles (JEP 515), with whole connection lifecycles in them: without them C2 compiles the proxy from steady traffic
# only, and the first burst of closes, resets, new connections or API requests throws that code away (deoptimises it),
# which cost a fresh daemon's first seconds of load a p99 2-3x nginx's (docs/benchmarks.md, session 17). The backend
# is localhost/orbit-nginx:latest (keep-alive, as most services are; scripts/build-images.sh), or the demo image, whose
# busybox httpd closes every connection, when that is missing. Then SIGTERM; --on-exit stop removes the pod.
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
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port=$(free_port) api_port=$(free_port)
image=localhost/orbit-nginx:latest
case "$runtime" in
  podman) cli=(podman) ;;
  docker) cli=(docker -H unix:///var/run/docker.sock) ;;
esac
if ! (cd /tmp && "${cli[@]}" image inspect "$image" >/dev/null 2>&1); then
  log "$image is not in $runtime (scripts/build-images.sh builds it); training with the demo image, whose server closes every connection"
  image=localhost/orbit-demo:latest
fi
cat >"$work/services/train.yml" <<YAML
name: aot-train
instance_count: {min: 1, max: 1}
spec:
  containers:
    - name: web
      image: $image
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
  -r "$runtime" -c "$work/services" --instance "aot-train-$$" --api-address 127.0.0.1:$api_port --control-socket none \
  --state-dir "$work/state" --on-exit stop >"$work/train.log" 2>&1 &
pid=$!
log "training run of the daemon ($runtime, pid $pid)"
for _ in $(seq 1 300); do # up to 30 s for the pod to be ready and served through the proxy
  curl -sf -o /dev/null --max-time 1 "http://127.0.0.1:$port/" && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
# The data path's profiles: keep-alive cycles (each curl opens its connections, reuses them, closes them at its end),
# then requests that close their connection, then POSTs with a body. Every request goes to the loopback node port.
url="http://127.0.0.1:$port"
if curl -sf -o /dev/null --max-time 1 "$url/"; then
  body=$work/body; head -c 4096 /dev/zero | tr '\0' 'b' >"$body"
  for parallel in 16 32 64 8 48 24; do
    # The API's Jetty connector shares the selector code with the node ports: scrapes of /metrics and reads of
    # /status during the load, as Prometheus and users make them, put its endpoint and buffer types in the same profiles.
    timeout 30 curl -s "http://127.0.0.1:$api_port/metrics?[1-10]" \
      "http://127.0.0.1:$api_port/status?[1-10]" "http://127.0.0.1:$api_port/healthz?[1-10]" >/dev/null 2>&1 &
    api_load=$!
    timeout 30 curl -s -Z --parallel-max "$parallel" "$url/t?[1-20000]" >/dev/null 2>&1 || true
    wait "$api_load" || true
  done
  timeout 30 curl -s -Z --parallel-max 16 -H 'Connection: close' "$url/c?[1-2000]" >/dev/null 2>&1 || true
  timeout 30 curl -s -Z --parallel-max 16 --data-binary "@$body" "$url/p?[1-5000]" >/dev/null 2>&1 || true
  # Clients that reset: a few keep-alive requests, then one more whose answer is left unread and a close with
  # SO_LINGER 0 (an RST, as clients that time out or go away send). The proxy's reads then fail with ECONNRESET, a
  # path no curl run takes; without it in the profile, the first reset deoptimises the compiled read path.
  timeout 30 python3 - "$port" <<'PY' || true
import socket, struct, sys
port = int(sys.argv[1])
request = b"GET /r HTTP/1.1\r\nHost: train\r\n\r\n"
def answer(conn):  # one response: its head, then Content-Length bytes
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            raise ConnectionError("closed")
        data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")), 0)
    while len(body) < length:
        body += conn.recv(65536)
for _ in range(100):
    conns = []
    for _ in range(20):
        conn = socket.create_connection(("127.0.0.1", port), timeout=5)
        conns.append(conn)
    for conn in conns:
        for _ in range(3):
            conn.sendall(request)
            answer(conn)
        conn.sendall(request)
    for conn in conns:
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        conn.close()
PY
  log "asked for 135000 requests through the node port ($image), 2000 of them on connections closed with a reset"
else
  log "the node port did not answer; the cache holds no data-path profiles"
fi
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
