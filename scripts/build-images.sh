#!/usr/bin/env bash
# Builds the local images the tests and the demo use, from Debian's busybox-static, and imports them into every
# running engine. No registry is contacted. Idempotent: an image whose content hash label matches is left alone.
#
#   localhost/orbit-fixture:latest   busybox + httpd on $PORT (8080), PID 1 exits on SIGTERM
#   localhost/orbit-demo:latest      the same plus CGI endpoints for the examples (scripts/images/demo):
#                                    /cgi-bin/info, burn, slow, health, health-toggle, echo, fetch
#   localhost/orbit-nginx:latest     Debian's nginx binary and the libraries it links, one worker, a 1 KiB body on
#                                    :8080 with keep-alive (busybox httpd closes every connection): the backend of
#                                    scripts/bench-node-port.sh and of the AOT cache's training run (aot-cache.sh)
#
# Usage: scripts/build-images.sh [--no-docker] [--no-rootless]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
log() { printf 'build-images: %s\n' "$*" >&2; }
want_docker=1; want_rootless=1
for arg in "$@"; do
  case "$arg" in
    --no-docker) want_docker=0 ;;
    --no-rootless) want_rootless=0 ;;
    *) echo "build-images: unknown option '$arg'" >&2; exit 2 ;;
  esac
done
ROOTLESS_USER=${ORBIT_ROOTLESS_USER:-orbituser}
out=/var/tmp/orbit-images
mkdir -p "$out"; chmod 755 "$out"

# A root filesystem with busybox and *relative* applet links (busybox --install -s writes host paths).
make_rootfs() {
  local root=$1
  rm -rf "$root"; mkdir -p "$root"/{bin,etc,tmp,www,proc,sys,dev,run,var}
  chmod 1777 "$root/tmp"
  cp /bin/busybox "$root/bin/busybox"
  for applet in $(/bin/busybox --list); do
    [ "$applet" = busybox ] || ln -sf busybox "$root/bin/$applet"
  done
  mkdir -p "$root/usr"; ln -s ../bin "$root/usr/bin"; ln -s ../bin "$root/sbin"
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' > "$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' > "$root/etc/group"
}

import_everywhere() { # name tarball cmd [alias...]: aliases are more tags of the same image
  local name=$1 tarball=$2 cmd=$3
  local aliases=("${@:4}")
  local hash; hash=$(sha256sum "$tarball" | cut -c1-16)
  local changes=(--change "CMD $cmd" --change "LABEL io.orbit.image.hash=$hash" --change "ENV PATH=/bin")
  local engines=("podman")
  [ "$want_docker" = 1 ] && engines+=("docker")
  [ "$want_rootless" = 1 ] && id "$ROOTLESS_USER" >/dev/null 2>&1 && engines+=("rootless")
  for engine in "${engines[@]}"; do
    local run=() quiet=(--quiet)
    case "$engine" in
      podman) run=(podman) ;;
      docker) run=(/usr/bin/docker -H unix:///var/run/docker.sock); quiet=() ;;
      rootless)
        local uid; uid=$(id -u "$ROOTLESS_USER")
        run=(runuser -u "$ROOTLESS_USER" -- env XDG_RUNTIME_DIR=/run/user/$uid podman) ;;
    esac
    local current
    current=$(cd /tmp && "${run[@]}" image inspect --format '{{ index .Config.Labels "io.orbit.image.hash" }}' "$name" 2>/dev/null || true)
    if [ "$current" != "$hash" ]; then
      log "importing $name into $engine"
      (cd /tmp && "${run[@]}" import "${quiet[@]}" "${changes[@]}" "$tarball" "$name" >/dev/null)
    fi
    for alias in "${aliases[@]}"; do
      (cd /tmp && "${run[@]}" tag "$name" "$alias")
    done
  done
}

docker_cli=/usr/bin/docker
[ -x "$docker_cli" ] || docker_cli=docker

build_fixture() {
  local root=$out/fixture-root
  make_rootfs "$root"
  cp "$here/images/fixture/www/index.html" "$root/www/index.html"
  install -m 755 "$here/images/fixture/serve" "$root/bin/serve"
  tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$root" -cf "$out/fixture.tar" .
  chmod 644 "$out/fixture.tar"
  import_everywhere localhost/orbit-fixture:latest "$out/fixture.tar" '["/bin/serve"]'
}

# The demo image of examples/: an index page naming the container that answers and CGI scripts under
# /www/cgi-bin (busybox httpd runs the executables there), sharing the helpers in /lib/orbit-demo/cgi.sh.
build_demo() {
  local src=$here/images/demo root=$out/demo-root
  make_rootfs "$root"
  install -m 755 "$src/serve" "$root/bin/serve"
  install -D -m 644 "$src/lib/cgi.sh" "$root/lib/orbit-demo/cgi.sh"
  install -m 644 "$src/www/index.html.in" "$root/www/index.html.in"
  sed 's/@HOSTNAME@/(unknown)/g' "$src/www/index.html.in" > "$root/www/index.html"
  mkdir -p "$root/www/cgi-bin"
  for script in "$src"/www/cgi-bin/*; do
    install -m 755 "$script" "$root/www/cgi-bin/$(basename "$script")"
  done
  tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$root" -cf "$out/demo.tar" .
  chmod 644 "$out/demo.tar"
  # v2 is the same image under another tag: a rollout test changes the tag, as users do with releases.
  import_everywhere localhost/orbit-demo:latest "$out/demo.tar" '["/bin/serve"]' localhost/orbit-demo:v2
}

# The nginx package is downloaded and unpacked, never installed: installing it would start a web server on the
# host's port 80 wherever an init system runs. Its binary links only libraries every Debian system has (libc, libcrypt,
# pcre2, OpenSSL, zlib), which ldd resolves from the host. Without the package (no apt source reachable) the image is
# skipped with a warning: the tests do not use it.
build_nginx() {
  local root=$out/nginx-root debs=$out/debs lib deb
  mkdir -p "$debs"
  deb=$(ls "$debs"/nginx_*.deb 2>/dev/null | tail -1 || true)
  if [ -z "$deb" ]; then
    (cd "$debs" && apt-get download -qq nginx >/dev/null 2>&1) \
      || (apt-get update -qq && cd "$debs" && apt-get download -qq nginx >/dev/null 2>&1) \
      || { log "WARNING: cannot download Debian's nginx package; localhost/orbit-nginx:latest not built"; return 0; }
    deb=$(ls "$debs"/nginx_*.deb | tail -1)
  fi
  rm -rf "$root" "$out/nginx-deb"
  dpkg-deb -x "$deb" "$out/nginx-deb"
  mkdir -p "$root"/{etc/nginx,www,tmp,run,var/lib/nginx,var/log/nginx,usr/sbin}
  chmod 1777 "$root/tmp"
  cp "$out/nginx-deb/usr/sbin/nginx" "$root/usr/sbin/nginx"
  # ldd lines: "libz.so.1 => /lib/x86_64-linux-gnu/libz.so.1 (0x...)", "/lib64/ld-linux-x86-64.so.2 (0x...)" and,
  # for a library the host lacks, "libfoo.so.1 => not found"
  local linked missing
  linked=$(ldd "$root/usr/sbin/nginx")
  missing=$(awk '/not found/ {print $1}' <<<"$linked" | xargs)
  if [ -n "$missing" ]; then
    log "WARNING: nginx needs libraries this host lacks ($missing); localhost/orbit-nginx:latest not built"
    return 0
  fi
  for lib in $(awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}' <<<"$linked"); do
    cp -L --parents "$lib" "$root"
  done
  printf 'root:x:0:0:root:/root:/bin/false\nnobody:x:65534:65534:nobody:/:/bin/false\n' > "$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' > "$root/etc/group"
  printf 'passwd: files\ngroup: files\n' > "$root/etc/nsswitch.conf"
  head -c 1024 /dev/zero | tr '\0' 'x' > "$root/www/body"
  cat > "$root/etc/nginx/nginx.conf" <<'CONF'
user nobody nogroup; worker_processes 1; daemon off; pid /tmp/nginx.pid; error_log stderr warn;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 100000;
  server { listen 8080; root /www; location / { try_files /body =404; } } }
CONF
  chmod -R a+rX "$root"
  tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$root" -cf "$out/nginx.tar" .
  chmod 644 "$out/nginx.tar"
  import_everywhere localhost/orbit-nginx:latest "$out/nginx.tar" '["/usr/sbin/nginx", "-e", "stderr", "-c", "/etc/nginx/nginx.conf"]'
}

build_fixture
build_demo
build_nginx
