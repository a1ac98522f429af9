#!/usr/bin/env bash
# The dashboard's cost (issue 16): the daemon's CPU (% of one core, /proc/PID/stat) over SECONDS with no page open,
# with PAGES headless chromium browsers on the overview and with PAGES on a service page (charts and live log), and
# the page's load time (io.orbit.daemon.DashboardBenchmark). The daemon runs the examples hello.yml and
# autoscale.yml (renamed, on free node ports, in an instance of their own) on rootful Podman, started by ./orbit as
# users start it.
#
# Usage: scripts/bench-dashboard.sh
# Env:   PAGES=5 SECONDS_EACH=60 LOADS=7 SKIP_BUILD= (1: use the built jars and test classes as they are)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/java-home.sh
PAGES=${PAGES:-5}; SECONDS_EACH=${SECONDS_EACH:-60}; LOADS=${LOADS:-7}
IMAGE=localhost/orbit-demo:latest
engine=podman
cli=(podman)
if [ "$(id -u)" -eq 0 ]; then
  scripts/setup-engines.sh >/dev/null 2>&1 || true
  scripts/setup-browser.sh >/dev/null 2>&1 || true
fi
. scripts/bench-java.sh
if [ -z "${SKIP_BUILD:-}" ] || [ ! -f daemon/target/bench.cp ]; then
  cp=$(bench_classpath)
else
  cp="daemon/target/test-classes:daemon/target/classes:$(cat daemon/target/bench.cp)"
fi
work=$(mktemp -d /tmp/orbit-bench.XXXX)
daemon_pid=""
instance="bench-dashboard-$RANDOM"
cleanup() {
  [ -n "$daemon_pid" ] && kill "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null
  "${cli[@]}" ps -aq --filter "label=orbit.instance=$instance" | xargs -r "${cli[@]}" rm -f >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
. scripts/bench-lib.sh

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
mkdir -p "$work/cfg"
sed -e "s/^name: hello$/name: bench-hello/" -e "s/node_port: 8081/node_port: $(free_port)/" examples/hello.yml > "$work/cfg/hello.yml"
sed -e "s/^name: autoscale$/name: bench-autoscale/" -e "s/node_port: 8086/node_port: $(free_port)/" examples/autoscale.yml \
  > "$work/cfg/autoscale.yml"
port=$(free_port)
start_daemon "$instance" "127.0.0.1:$port"
wait_for "$instance" 3 120
for _ in $(seq 1 300); do curl -sf -o /dev/null "http://127.0.0.1:$port/healthz" && break; sleep 0.1; done
sleep 10 # start-up work settles
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$cp" io.orbit.daemon.DashboardBenchmark \
  "$port" "$daemon_pid" bench-hello "$PAGES" "$SECONDS_EACH" "$LOADS" | grep -E '^SUMMARY '
