#!/usr/bin/env bash
# Installs and starts the container engines the tests and the demo need, on a fresh Debian 12 machine
# (root, no systemd as PID 1), as docs/RUNTIME-FACTS.md §6 measured it. Idempotent: every step checks
# first, so running it on a ready machine costs about a second.
#
#   rootful Podman   unix:///run/podman/podman.sock          (podman system service)
#   Docker           unix:///var/run/docker.sock             (dockerd with its own containerd)
#   rootless Podman  unix:///run/user/$UID/podman/podman.sock for user 'orbituser'
#
# It also builds the local fixture image localhost/orbit-fixture:latest from busybox-static and imports it
# into every engine: no registry is ever contacted.
#
# Usage: scripts/setup-engines.sh [--no-docker] [--no-rootless]
set -euo pipefail

want_docker=1
want_rootless=1
for arg in "$@"; do
  case "$arg" in
    --no-docker) want_docker=0 ;;
    --no-rootless) want_rootless=0 ;;
    *) echo "setup-engines: unknown option '$arg' (known: --no-docker --no-rootless)" >&2; exit 2 ;;
  esac
done

here=$(cd "$(dirname "$0")" && pwd)
log() { printf 'setup-engines: %s\n' "$*" >&2; }

if [ "$(id -u)" -ne 0 ]; then
  log "must run as root (it installs packages and starts engines); try: sudo $0"
  exit 1
fi

ROOTLESS_USER=${ORBIT_ROOTLESS_USER:-orbituser}
PODMAN_SOCK=/run/podman/podman.sock
DOCKER_SOCK=/var/run/docker.sock

pinged() { curl -sf --max-time 2 --unix-socket "$1" http://localhost/_ping >/dev/null 2>&1; }

wait_for_socket() {
  local sock=$1 what=$2 logfile=$3
  for _ in $(seq 1 150); do
    pinged "$sock" && { log "$what answers on $sock"; return 0; }
    sleep 0.2
  done
  log "$what did not answer on $sock within 30 s; its log ($logfile) ends with:"
  tail -n 20 "$logfile" >&2 || true
  return 1
}

# ---- packages -------------------------------------------------------------------------------------------
# Podman 4.3 here runs the CNI network backend (no netavark): without the dnsname plugin libpod silently drops
# dns_enabled and containers cannot resolve each other's names and aliases.
# iproute2 (tc, ip) and util-linux (nsenter) enforce network_limit on rootful engines.
# catatonit: `podman kube play` (orbit export kube --podman) runs pods, whose infra container Podman 4.3 builds itself
# as localhost/podman-pause from catatonit when no infra_image is configured; no registry is needed.
packages=(podman runc busybox-static uidmap slirp4netns fuse-overlayfs curl iproute2 util-linux procps
  golang-github-containernetworking-plugin-dnsname rpm catatonit)
[ "$want_docker" = 1 ] && packages+=(docker.io)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# ---- podman configuration ---------------------------------------------------------------------------------
# Without it, podman fails with "error setting rlimit type 7" (hard nofile 20000) and crun refuses cgroup v1 hybrid.
mkdir -p /etc/containers
if ! grep -q 'runtime = "runc"' /etc/containers/containers.conf 2>/dev/null; then
  log "writing /etc/containers/containers.conf (runc, cgroupfs, file events, ulimits)"
  cat > /etc/containers/containers.conf <<'CONF'
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
fi

# ---- rootful podman ---------------------------------------------------------------------------------------
if ! pinged "$PODMAN_SOCK"; then
  mkdir -p /run/podman /var/log/orbit-engines
  rm -f "$PODMAN_SOCK"
  log "starting podman system service on $PODMAN_SOCK"
  setsid nohup podman system service --time=0 "unix://$PODMAN_SOCK" \
    >/var/log/orbit-engines/podman.log 2>&1 < /dev/null &
  wait_for_socket "$PODMAN_SOCK" podman /var/log/orbit-engines/podman.log
fi

# ---- docker -----------------------------------------------------------------------------------------------
if [ "$want_docker" = 1 ] && ! pinged "$DOCKER_SOCK"; then
  mkdir -p /var/log/orbit-engines
  rm -f "$DOCKER_SOCK"
  log "starting dockerd on $DOCKER_SOCK"
  setsid nohup /usr/sbin/dockerd --host "unix://$DOCKER_SOCK" --data-root /var/lib/docker \
    --exec-root /run/docker-exec --pidfile /run/docker.pid \
    >/var/log/orbit-engines/dockerd.log 2>&1 < /dev/null &
  wait_for_socket "$DOCKER_SOCK" dockerd /var/log/orbit-engines/dockerd.log
fi

# ---- rootless podman --------------------------------------------------------------------------------------
if [ "$want_rootless" = 1 ]; then
  if ! id "$ROOTLESS_USER" >/dev/null 2>&1; then
    log "creating user $ROOTLESS_USER for rootless podman"
    touch /etc/subuid /etc/subgid
    useradd -m -s /bin/bash "$ROOTLESS_USER"
  fi
  uid=$(id -u "$ROOTLESS_USER")
  grep -q "^$ROOTLESS_USER:" /etc/subuid || echo "$ROOTLESS_USER:100000:65536" >> /etc/subuid
  grep -q "^$ROOTLESS_USER:" /etc/subgid || echo "$ROOTLESS_USER:100000:65536" >> /etc/subgid
  runtime_dir=/run/user/$uid
  install -d -m 700 -o "$ROOTLESS_USER" -g "$ROOTLESS_USER" "$runtime_dir" "$runtime_dir/podman"
  # slirp4netns needs the tun device; /dev is recreated on every boot.
  [ -e /dev/net/tun ] && chmod 666 /dev/net/tun
  rootless_sock=$runtime_dir/podman/podman.sock
  as_rootless=(runuser -u "$ROOTLESS_USER" -- env XDG_RUNTIME_DIR="$runtime_dir" HOME="$(getent passwd "$ROOTLESS_USER" | cut -d: -f6)")
  if ! pinged "$rootless_sock"; then
    rm -f "$rootless_sock"
    # Processes killed without a reboot (kill -9, the OOM killer, a machine whose processes were stopped but whose
    # /run was kept) leave $runtime_dir as it was: Podman's 'alive' marker and containers recorded as running whose
    # conmon is gone. Podman then refuses every command with "invalid internal status, try resetting the pause
    # process with podman system migrate". With the user's pause process gone nothing runs that could be lost, so
    # reset exactly as that message says.
    pause_pid=$(cat "$runtime_dir/libpod/tmp/pause.pid" 2>/dev/null || true)
    if [ -z "$pause_pid" ] || ! kill -0 "$pause_pid" 2>/dev/null; then
      mkdir -p /var/log/orbit-engines
      "${as_rootless[@]}" podman system migrate >/var/log/orbit-engines/podman-rootless-migrate.log 2>&1 \
        || log "podman system migrate for $ROOTLESS_USER failed; see /var/log/orbit-engines/podman-rootless-migrate.log"
    fi
    log "starting rootless podman system service for $ROOTLESS_USER on $rootless_sock"
    setsid nohup "${as_rootless[@]}" podman system service --time=0 "unix://$rootless_sock" \
      >"/var/log/orbit-engines/podman-rootless.log" 2>&1 < /dev/null &
    wait_for_socket "$rootless_sock" "rootless podman" /var/log/orbit-engines/podman-rootless.log
  fi
fi

# ---- images -----------------------------------------------------------------------------------------------
"$here/build-images.sh" $([ "$want_docker" = 1 ] || echo --no-docker) $([ "$want_rootless" = 1 ] || echo --no-rootless)
log "engines ready"
