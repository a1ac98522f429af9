#!/usr/bin/env bash
# The demo: sets up the engines, builds Orbit and runs it in the foreground on the services in examples/
# (hello, sidecar, limits, health, codel: six pods of the local demo image localhost/orbit-demo:latest).
# Works on a fresh Debian 12 machine as root; no registry is contacted (the images are built from Debian's
# busybox-static by scripts/build-images.sh).
#
# Usage: scripts/demo.sh [--no-build] [ORBIT OPTIONS...]
#   --no-build         skip the Maven build (daemon/target/orbit-daemon.jar must exist)
#   ORBIT OPTIONS      passed to the daemon, e.g. --on-exit stop (remove the pods on Ctrl-C) or -l debug
# Environment:
#   ORBIT_RUNTIME      podman (default) or docker
#   ORBIT_API_ADDRESS  where /status and /metrics listen (default 127.0.0.1:4112)
#
# Ctrl-C stops the daemon; the pods keep running and the next start adopts them (unless --on-exit stop).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
log() { printf 'demo: %s\n' "$*" >&2; }

build=1
orbit_args=()
for arg in "$@"; do
  case "$arg" in
    --no-build) build=0 ;;
    *) orbit_args+=("$arg") ;;
  esac
done

runtime=${ORBIT_RUNTIME:-podman}
case "$runtime" in
  podman | docker) ;;
  *) log "ORBIT_RUNTIME must be podman or docker, not '$runtime'"; exit 2 ;;
esac
api=${ORBIT_API_ADDRESS:-127.0.0.1:4112}
api_host=${api%:*}
api_port=${api##*:}

if [ "$(id -u)" -ne 0 ]; then
  log "must run as root (it installs packages and starts the engines); try: sudo $0"
  exit 1
fi

# Engines and images (idempotent: about a second on a machine that is already set up).
"$here/setup-engines.sh"

# jq only makes the suggested commands below readable; the demo runs without it.
if ! command -v jq >/dev/null 2>&1; then
  log "installing jq (for the commands suggested below)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends jq >/dev/null 2>&1 \
    || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends jq >/dev/null) \
    || log "could not install jq; use python3 -m json.tool instead"
fi

cd "$root"
if [ "$build" = 1 ]; then
  log "building Orbit (./mvnw -B -q package -DskipTests; the first build downloads Maven and the dependencies)"
  # shellcheck source=scripts/java-home.sh
  . "$here/java-home.sh"
  ./mvnw -B -q package -DskipTests
elif [ ! -f daemon/target/orbit-daemon.jar ]; then
  log "daemon/target/orbit-daemon.jar is missing; run without --no-build"
  exit 1
fi

# The JVM's AOT cache for these jars (Java 25+): a short training run of the daemon, once per build; about half
# of the JVM's start-up afterwards (up to date: nothing to do).
"$here/aot-cache.sh" "$runtime" || log "no AOT cache (scripts/aot-cache.sh failed); Orbit starts without one"

# A clear message beats a bind error in a JSON log line.
# shellcheck disable=SC2016 # $1 and $2 expand in the inner bash
if timeout 2 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$api_host" "$api_port" 2>/dev/null; then
  log "$api is already in use (another Orbit?); stop it or choose another address, e.g."
  log "  ORBIT_API_ADDRESS=127.0.0.1:4113 $0"
  exit 1
fi

cli=$runtime
status="curl -s $api/status"
# The dashboard's changes (scale, restart, rollout) need the API token: one per checkout, readable by its owner only.
token_file=$root/.orbit-demo-token
if [ ! -s "$token_file" ]; then
  (umask 077; head -c 32 /dev/urandom | base64 > "$token_file")
fi
cat <<EOF

Orbit demo: the services in examples/ on $runtime; status API on http://$api
Dashboard: http://$api/  (read-only; to scale or restart from it, enter the token: cat $token_file)
Orbit logs JSON lines below. In another terminal (in $root), try:

  $status | jq                                  services, pods, containers, IPs
  $status | jq -r '.[].pods[].containers[] | "\(.name)  \(.ip_address)"'
  curl -s http://<ip>:8080/cgi-bin/info                    a pod answers: hostname, env, uptime, requests
  ./orbit -r $runtime plan examples                         what Orbit would change now (nothing once settled)
  $cli rm -f \$($cli ps -q --filter label=orbit.service=hello | head -n 1)
                                                           kill a pod: Orbit starts a new one within seconds
  edit examples/hello.yml (min: 3, or the ORBIT_GREETING value) and save
                                                           Orbit follows the file: scales, or replaces pods one by one
  curl -s 'http://<sidecar proxy ip>:8080/cgi-bin/fetch?url=http://main:8080/cgi-bin/info'
                                                           one container of a pod reaches its sibling by name
Every examples/*.yml starts with a comment saying what it shows and how to try it.

Ctrl-C stops Orbit; the pods keep running and the next start adopts them (scripts/demo.sh --on-exit stop
removes them on exit). To remove them later:
  $cli ps -aq --filter label=orbit.managed=true | xargs -r $cli rm -f

EOF
exec ./orbit -r "$runtime" -c examples --api-address "$api" --api-token "$token_file" "${orbit_args[@]}"
