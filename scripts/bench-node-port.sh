#!/usr/bin/env bash
# The daemon's node_port as users run it (issue 18), side by side in one run against nginx and HAProxy in front of
# the SAME containers:
#   - N nginx containers (image localhost/orbit-nginx:latest, built by scripts/build-images.sh from Debian's nginx
#     package and its shared libraries, no registry; 1 KiB body on :8080 like the shared harness's backends) as ONE Orbit service
#     behind the daemon's node_port, the daemon started through ./orbit with the launcher's default JVM options
#     (ORBIT_JAVA_OPTS is unset for it: the configuration users get);
#   - nginx and HAProxy, one worker each, configs generated in a temp dir with the shared harness's settings
#     (../shared/tools/proxy-bench.sh: keepalive 64, proxy_http_version 1.1, http-reuse always, nbthread 1), whose
#     upstreams are the containers' addresses as the daemon's route table has them;
#   - "direct": wrk against one container, as the harness's direct line;
#   - optionally (STANDALONE=1, default) `./orbit proxy` over the same containers: the stand-alone figure.
# Each round runs the same `wrk -t1 -cCONNS -dDURs --latency` against every target in the harness's order and
# prints one harness-format line per target (name rps= p50= p99= non2xx=), followed by what this script adds: the
# proxy process's CPU per request (utime+stime from /proc over the wrk run; with PERF=1 also `perf stat` task-clock,
# syscalls and context switches per request) and, for the daemon, allocation per request and young-GC pauses from
# its own /metrics (jvm_gc_memory_allocated_bytes_total, jvm_gc_pause_seconds over orbit_requests_total).
# After the rounds: medians over the rounds of the per-round ratios against nginx and HAProxy (as bench-proxy.sh),
# then the same daemon's idle CPU and RSS with M containers in all (a second service of M-N; M=0: only the N).
#
# Traffic: every client request goes to 127.0.0.1 (the node_port is bound to 127.0.0.1 with --proxy-address). The
# proxies reach the containers where the daemon does: their IPs on the engine's host-local bridge (rootful engines),
# never through a gateway; the script checks that and refuses otherwise.
#
# Usage: scripts/bench-node-port.sh [ENGINE...]    (podman docker; default podman; rootful, as root)
# Env:   RUNS=5 N=2 M=50 DUR=8 CONNS=50 WARMUP=8 WARMUP_RUNS=1 STANDALONE=1 PERF=0 IDLE_SECONDS=30 IDLE_WINDOWS=1 SETTLE=30 SKIP_BUILD=
#        STANDALONE_JAVA_OPTS: ORBIT_JAVA_OPTS for `orbit proxy` only (default: none, the launcher's defaults)
#        DAEMON_JAVA_OPTS: ORBIT_JAVA_OPTS for the daemon, for a comparison only (the output says it is not as shipped)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/java-home.sh
RUNS=${RUNS:-5}; N=${N:-2}; M=${M:-50}; DUR=${DUR:-8}; CONNS=${CONNS:-50}; WARMUP=${WARMUP:-8}
WARMUP_RUNS=${WARMUP_RUNS:-1} # discarded DUR-second runs through each proxy before round 1 (the JIT's warm-up)
STANDALONE=${STANDALONE:-1}; PERF=${PERF:-0}; IDLE_SECONDS=${IDLE_SECONDS:-30}; IDLE_WINDOWS=${IDLE_WINDOWS:-1}
IMAGE=localhost/orbit-nginx:latest
engines=("$@"); [ ${#engines[@]} -gt 0 ] || engines=(podman)
[ "$(id -u)" -eq 0 ] || { echo "bench-node-port: run as root (rootful engines: the daemon reaches containers by IP)" >&2; exit 2; }
# As shipped: the daemon gets the launcher's own defaults, whatever this shell exports.
shell_java_opts=${ORBIT_JAVA_OPTS:-}
unset ORBIT_JAVA_OPTS
[ -z "$shell_java_opts" ] || echo "bench-node-port: ignoring ORBIT_JAVA_OPTS for the daemon (it runs as shipped)" >&2

missing=()
for tool in nginx haproxy wrk curl python3 ldd; do command -v "$tool" >/dev/null || missing+=("$tool"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "bench-node-port: installing nginx-light haproxy wrk curl (missing: ${missing[*]})" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light haproxy wrk curl >/dev/null
fi
if [ "$PERF" = 1 ] && ! command -v perf >/dev/null; then
  echo "bench-node-port: PERF=1 but no perf on the PATH (apt-get install linux-perf); CPU from /proc only" >&2
  PERF=0
fi
[ -n "${SKIP_BUILD:-}" ] || ./mvnw -B -q package -DskipTests -Dspotless.check.skip=true -pl daemon -am >/tmp/orbit-bench-build.log 2>&1 \
  || { tail -30 /tmp/orbit-bench-build.log >&2; exit 1; }

work=$(mktemp -d /tmp/orbit-bench.XXXX); chmod 755 "$work"
daemon_pid=""
pids=()        # nginx, haproxy, standalone proxy of the current engine
instance=""
cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -n "$daemon_pid" ] && kill "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null
  if [ -n "$instance" ] && [ ${#cli[@]} -gt 0 ]; then # what a daemon that died left behind: only this run's label
    ids=$("${cli[@]}" ps -aq --filter "label=orbit.instance=$instance" 2>/dev/null || true)
    [ -z "$ids" ] || "${cli[@]}" rm -f $ids >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
cli=()
trap cleanup EXIT
trap 'exit 130' INT TERM
. scripts/bench-lib.sh
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
status() { curl -s -o /dev/null -w '%{http_code}' --max-time "${2:-2}" "$1" || true; }
wait_200() { # url timeout_s
  local deadline=$(( $(date +%s) + $2 ))
  until [ "$(status "$1" 1)" = 200 ]; do
    [ "$(date +%s)" -lt "$deadline" ] || { echo "no 200 from $1 within $2 s" >&2; return 1; }
    sleep 0.1
  done
}

# --- the backend image: scripts/build-images.sh's localhost/orbit-nginx:latest, built by it when the engine lacks it ---
import_image() {
  (cd /tmp && "${cli[@]}" image inspect "$IMAGE" >/dev/null 2>&1) && return 0
  echo "bench-node-port: $IMAGE is missing in $engine; building it (scripts/build-images.sh)" >&2
  scripts/build-images.sh --no-rootless >&2
}

# --- measurements ---
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; } # utime + stime of every thread of the process
# The value is the last field: label values may hold spaces (jvm_gc_pause's action="end of minor GC").
metric_sum() { # text name: the sum of a metric's samples over its label sets
  awk -v m="$2" '$1 == m || index($1, m "{") == 1 {s += $NF} END {printf "%.0f", s}' <<<"$1"
}
metric_float() { awk -v m="$2" '$1 == m || index($1, m "{") == 1 {s += $NF} END {printf "%.6f", s}' <<<"$1"; }

# run NAME URL [PID] [METRICS_URL]: one wrk run; the harness's line, then CPU (and allocation) per request
# The whole machine's busy ticks (user, nice, system, irq, softirq of every CPU; not idle, iowait or steal).
host_busy_ticks() {
  awk '$1 == "cpu" {print $2 + $3 + $4 + $7 + $8; exit}' /proc/stat
}

# TCP segments the host has sent (all sockets; loopback and the bridge both count): /proc/net/snmp's Tcp OutSegs.
tcp_out_segments() {
  awk '$1 == "Tcp:" { if (!n) { for (i = 2; i <= NF; i++) if ($i == "OutSegs") c = i; n = 1 } else { print $c; exit } }' /proc/net/snmp
}

# utime + stime of the given processes and their children: each backend container's nginx master and its worker.
tree_ticks() {
  local p c sum=0 t
  for p in "$@"; do
    for c in "$p" $(cat /proc/"$p"/task/*/children 2>/dev/null); do
      t=$(cpu_ticks "$c" 2>/dev/null) && sum=$((sum + ${t:-0}))
    done
  done
  echo "$sum"
}

run() {
  local name=$1 url=$2 pid=${3:-} metrics=${4:-}
  local out t0=0 t1=0 h0 h1 s0 s1 b0 b1 wrk_ticks perf_pid="" m0="" m1="" extra=""
  [ -z "$pid" ] || t0=$(cpu_ticks "$pid")
  h0=$(host_busy_ticks); s0=$(tcp_out_segments); b0=$(tree_ticks "${backend_pids[@]}")
  [ -z "$metrics" ] || m0=$(curl -s --max-time 5 "$metrics")
  if [ -n "$pid" ] && [ "$PERF" = 1 ]; then
    perf stat -x, -o "$work/perf.$name" -e task-clock,context-switches,raw_syscalls:sys_enter -p "$pid" \
      -- sleep "$DUR" 2>/dev/null &
    perf_pid=$!
  fi
  # wrk's own CPU: once wrk is reaped, its times are in the shell's cutime + cstime (fields 16 and 17). With PERF=1
  # also its system calls and context switches (how often the client wakes per request behind this target).
  local wrk_cmd=(wrk -t1 -c"$CONNS" -d"${DUR}s" --latency "$url")
  [ "$PERF" != 1 ] || wrk_cmd=(perf stat -x, -o "$work/perf-wrk.$name" -e context-switches,raw_syscalls:sys_enter -- "${wrk_cmd[@]}")
  out=$(sh -c '"$@" 2>&1; echo "wrk_ticks $(awk "{print \$16 + \$17}" /proc/$$/stat)"' wrk "${wrk_cmd[@]}")
  h1=$(host_busy_ticks); s1=$(tcp_out_segments); b1=$(tree_ticks "${backend_pids[@]}")
  wrk_ticks=$(awk '$1 == "wrk_ticks" {print $2}' <<<"$out")
  [ -z "$perf_pid" ] || wait "$perf_pid" || true
  [ -z "$pid" ] || t1=$(cpu_ticks "$pid")
  [ -z "$metrics" ] || m1=$(curl -s --max-time 5 "$metrics")
  local rps p50 p99 err requests
  rps=$(awk '/Requests\/sec/{print $2}' <<<"$out")
  p50=$(awk '$1=="50%"{print $2}' <<<"$out"); p99=$(awk '$1=="99%"{print $2}' <<<"$out")
  err=$(awk '/Non-2xx/{print $5}' <<<"$out"); err=${err:-0}
  requests=$(awk '/requests in/{print $1}' <<<"$out"); requests=${requests:-0}
  # host_us: every process's CPU per request (wrk, the proxy, the backends, the engine): what the proxy costs the
  # others shows here and not in cpu_us
  # wrk_us and be_us: what the client and the backends (both containers) spend per request behind this target
  [ "$requests" -le 0 ] || extra+=$(awk -v d=$((h1 - h0)) -v t="$(getconf CLK_TCK)" -v r="$requests" -v s=$((s1 - s0)) \
    -v w="${wrk_ticks:-0}" -v b=$((b1 - b0)) \
    'BEGIN{printf " host_us=%.1f wrk_us=%.1f be_us=%.1f segs=%.2f", 1e6 * d / t / r, 1e6 * w / t / r, 1e6 * b / t / r, s / r}')
  if [ "$PERF" = 1 ] && [ -s "$work/perf-wrk.$name" ] && [ "$requests" -gt 0 ]; then
    extra+=$(awk -F, -v r="$requests" '$3 == "context-switches" {cs = $1} $3 == "raw_syscalls:sys_enter" {sc = $1}
      END {printf " wrk_syscalls=%.2f wrk_cswitch=%.2f", sc / r, cs / r}' "$work/perf-wrk.$name")
  fi
  if [ -n "$pid" ] && [ "$requests" -gt 0 ]; then
    extra+=$(awk -v d=$((t1 - t0)) -v t="$(getconf CLK_TCK)" -v r="$requests" 'BEGIN{printf " cpu_us=%.1f", 1e6 * d / t / r}')
  fi
  if [ -n "$perf_pid" ] && [ -s "$work/perf.$name" ] && [ "$requests" -gt 0 ]; then
    # perf's CSV: value,unit,event,...; task-clock is in ms
    extra+=$(awk -F, -v r="$requests" '
      $3 == "task-clock" {tc = $1} $3 == "context-switches" {cs = $1} $3 == "raw_syscalls:sys_enter" {sc = $1}
      END {printf " perf_cpu_us=%.1f syscalls=%.2f cswitch=%.2f", 1000 * tc / r, sc / r, cs / r}' "$work/perf.$name")
  fi
  if [ -n "$metrics" ] && [ -n "$m0" ] && [ -n "$m1" ]; then
    local served alloc pauses pause_s
    served=$(( $(metric_sum "$m1" orbit_requests_total) - $(metric_sum "$m0" orbit_requests_total) ))
    alloc=$(( $(metric_sum "$m1" jvm_gc_memory_allocated_bytes_total) - $(metric_sum "$m0" jvm_gc_memory_allocated_bytes_total) ))
    pauses=$(( $(metric_sum "$m1" jvm_gc_pause_seconds_count) - $(metric_sum "$m0" jvm_gc_pause_seconds_count) ))
    pause_s=$(awk -v a="$(metric_float "$m1" jvm_gc_pause_seconds_sum)" -v b="$(metric_float "$m0" jvm_gc_pause_seconds_sum)" 'BEGIN{printf "%.1f", 1000 * (a - b)}')
    # jvm_gc_memory_allocated_bytes_total moves at young collections only: a run with none reads 0
    [ "$served" -le 0 ] || extra+=$(awk -v a="$alloc" -v s="$served" 'BEGIN{printf " alloc_b=%.0f", a / s}')
    extra+=" gcs=$pauses gc_ms=$pause_s"
  fi
  printf '%-8s rps=%-10s p50=%-8s p99=%-8s non2xx=%s%s\n' "$name" "$rps" "$p50" "$p99" "$err" "$extra"
}

summary_all=()
for engine in "${engines[@]}"; do
  case "$engine" in
    podman) cli=(podman) ;;
    docker) cli=(/usr/bin/docker -H unix:///var/run/docker.sock) ;;
    *) echo "unknown engine $engine (podman|docker)" >&2; exit 2 ;;
  esac
  import_image

  # --- the service behind the daemon, started as users start it ---
  node_port=$(free_port); api_port=$(free_port)
  instance="np-$RANDOM"
  rm -rf "$work/cfg"; mkdir -p "$work/cfg"
  service_file web "$N" "      ports:
        - {port: 8080, node_port: $node_port}
      health_check:
        startup_timeout: 20s
        http_check: {port: 8080, path: /, timeout: 1s}"
  daemon_args=(--proxy-address 127.0.0.1)
  if [ -n "${DAEMON_JAVA_OPTS:-}" ]; then # a comparison only (e.g. an earlier default): not the daemon as shipped
    ORBIT_JAVA_OPTS=$DAEMON_JAVA_OPTS start_daemon "$instance" "127.0.0.1:$api_port"
  else
    start_daemon "$instance" "127.0.0.1:$api_port"
  fi
  wait_for "$instance" "$N" 120
  wait_200 "http://127.0.0.1:$node_port/" 60
  # Every pod Ready in the daemon's /status (the route table lists ready pods only); the warm-up below then gives the
  # proxy's own health checks a few intervals before the first round.
  deadline=$(( $(date +%s) + 60 ))
  until [ "$(curl -s --max-time 5 "http://127.0.0.1:$api_port/status" | python3 -c '
import json, sys
try:
    print(sum(1 for s in json.load(sys.stdin) for p in s.get("pods") or [] if p.get("state") == "Ready"))
except ValueError:
    print(0)')" -ge "$N" ]; do
    [ "$(date +%s)" -lt "$deadline" ] || { echo "not all $N pods Ready within 60 s" >&2; tail -20 "$work/daemon-$instance.log" >&2; exit 1; }
    sleep 0.5
  done
  flags=$(tr '\0' '\n' < "/proc/$daemon_pid/cmdline" | grep -E '^-X' | tr '\n' ' ')

  # --- the same containers, as the daemon's route table reaches them ---
  backends=(); backend_pids=()
  for id in $("${cli[@]}" ps -q --filter "label=orbit.instance=$instance" --filter "label=orbit.container=main" --filter status=running); do
    ip=$("${cli[@]}" inspect --format '{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}' "$id" | awk '{print $1}')
    [ -n "$ip" ] || { echo "container $id has no IP address (rootless engine?): not supported" >&2; exit 1; }
    route=$(ip -o route get "$ip")
    case "$route" in
      *" via "*) echo "container address $ip is routed through a gateway ($route), not a host bridge: refusing" >&2; exit 1 ;;
    esac
    backends+=("$ip:8080")
    backend_pids+=("$("${cli[@]}" inspect --format '{{.State.Pid}}' "$id")")
  done
  [ ${#backends[@]} -eq "$N" ] || { echo "expected $N backends, found ${#backends[@]}: ${backends[*]}" >&2; exit 1; }

  # --- nginx and HAProxy in front of them: the shared harness's configurations ---
  p_nginx=$(free_port); p_haproxy=$(free_port); p_sa=$(free_port)
  W=$work/$engine; mkdir -p "$W/np"
  {
    echo "worker_processes 1; daemon off; pid $W/np/pid; error_log /dev/null;"
    echo "events { worker_connections 4096; }"
    echo "http { access_log off; keepalive_requests 100000;"
    echo "  upstream be { $(for b in "${backends[@]}"; do printf 'server %s; ' "$b"; done)keepalive 64; }"
    echo "  server { listen 127.0.0.1:$p_nginx; location / { proxy_pass http://be; proxy_http_version 1.1; proxy_set_header Connection \"\"; } } }"
  } > "$W/np/nginx.conf"
  nginx -c "$W/np/nginx.conf" -p "$W/np" & nginx_master=$!; pids+=("$nginx_master")
  {
    printf 'global\n  nbthread 1\ndefaults\n  mode http\n  timeout connect 5s\n  timeout client 30s\n  timeout server 30s\n'
    printf '  http-reuse always\nfrontend fe\n  bind 127.0.0.1:%s\n  default_backend be\nbackend be\n  balance roundrobin\n' "$p_haproxy"
    i=0; for b in "${backends[@]}"; do i=$((i + 1)); printf '  server s%s %s check\n' "$i" "$b"; done
  } > "$W/haproxy.cfg"
  haproxy -f "$W/haproxy.cfg" -db > /dev/null 2>&1 & haproxy_pid=$!; pids+=("$haproxy_pid")
  sa_pid=""
  if [ "$STANDALONE" = 1 ]; then
    sa_backends=(); for b in "${backends[@]}"; do sa_backends+=(--backend "$b"); done
    if [ -n "${STANDALONE_JAVA_OPTS:-}" ]; then
      ORBIT_JAVA_OPTS=$STANDALONE_JAVA_OPTS ./orbit proxy --listen "127.0.0.1:$p_sa" "${sa_backends[@]}" \
        --log-level warning > "$W/standalone.log" 2>&1 &
    else
      ./orbit proxy --listen "127.0.0.1:$p_sa" "${sa_backends[@]}" --log-level warning > "$W/standalone.log" 2>&1 &
    fi
    sa_pid=$!; pids+=("$sa_pid") # ./orbit execs the JVM: this is its pid
    wait_200 "http://127.0.0.1:$p_sa/" 30
  fi
  wait_200 "http://127.0.0.1:$p_nginx/" 10
  wait_200 "http://127.0.0.1:$p_haproxy/" 10
  nginx_worker=$(pgrep -P "$nginx_master" | sed -n 1p) # (not head: with pipefail, SIGPIPE) # its one worker: the process that proxies

  echo "# $engine $(date -u +%FT%TZ) $(nproc) CPUs, load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  if [ -n "${DAEMON_JAVA_OPTS:-}" ]; then
    echo "# daemon JVM flags (DAEMON_JAVA_OPTS, NOT as shipped): $flags"
  else
    echo "# daemon JVM flags (as shipped): $flags"
  fi
  [ -z "$sa_pid" ] || echo "# standalone JVM flags: $(tr '\0' '\n' < "/proc/$sa_pid/cmdline" | grep -E '^-X' | tr '\n' ' ')"
  echo "# backends: ${backends[*]}; wrk -t1 -c$CONNS -d${DUR}s; node_port 127.0.0.1:$node_port"
  # Warm-up (discarded), as the harness warms its proxy: the JIT compiles the data path before the first round. One
  # run by default, as the shared harness does; C2 takes about 25 s of traffic to settle (docs/benchmarks.md), so
  # WARMUP_RUNS=4 measures the steady state and the default includes the end of the warm-up in the first rounds.
  sleep "$WARMUP"
  echo "# warm-up: $WARMUP_RUNS discarded run(s) of ${DUR}s through each proxy"
  for _ in $(seq 1 "$WARMUP_RUNS"); do
    run orbit-warm "http://127.0.0.1:$node_port/" > /dev/null
    [ -z "$sa_pid" ] || run sa-warm "http://127.0.0.1:$p_sa/" > /dev/null
  done

  results=$work/results-$engine
  : > "$results"
  for round in $(seq 1 "$RUNS"); do
    echo "## $engine run $round (load average $(cut -d' ' -f1 /proc/loadavg))"
    {
      run direct "http://${backends[0]}/"
      run nginx "http://127.0.0.1:$p_nginx/" "$nginx_worker"
      run haproxy "http://127.0.0.1:$p_haproxy/" "$haproxy_pid"
      run orbit "http://127.0.0.1:$node_port/" "$daemon_pid" "http://127.0.0.1:$api_port/metrics"
      [ -z "$sa_pid" ] || run orbit-sa "http://127.0.0.1:$p_sa/" "$sa_pid"
    } | tee -a "$results"
  done

  # Medians over the rounds: per-round ratios of orbit (the daemon's node_port) and orbit-sa against nginx and
  # HAProxy, and every target's absolute figures (bench-proxy.sh's method, with the extra columns).
  summary=$(awk -v engine="$engine" '
    function ms(p) { if (p ~ /us$/) { sub("us", "", p); return p / 1000 } if (p ~ /ms$/) { sub("ms", "", p); return p + 0 }
                     sub("s", "", p); return p * 1000 }
    function median(a, k,   i, j, t, b) { for (i = 1; i <= k; i++) b[i] = a[i]
      for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (b[j] < b[i]) { t = b[i]; b[i] = b[j]; b[j] = t }
      return k % 2 ? b[(k + 1) / 2] : (b[k / 2] + b[k / 2 + 1]) / 2 }
    $1 ~ /^(direct|nginx|haproxy|orbit|orbit-sa)$/ {
      t = $1; k = ++n[t]; rps[t, k] = substr($2, 5) + 0; p99[t, k] = ms(substr($4, 5)); names[t] = 1
      for (f = 6; f <= NF; f++) { split($f, kv, "="); x[t, kv[1], k] = kv[2] + 0; xs[t, kv[1]] = 1 }
      if ((t == "orbit" || t == "orbit-sa") && rps["nginx", n["nginx"]] > 0 && rps["haproxy", n["haproxy"]] > 0) {
        r = ++rn[t]
        rr_n[t, r] = rps[t, k] / rps["nginx", n["nginx"]]; rp_n[t, r] = p99[t, k] / p99["nginx", n["nginx"]]
        rr_h[t, r] = rps[t, k] / rps["haproxy", n["haproxy"]]; rp_h[t, r] = p99[t, k] / p99["haproxy", n["haproxy"]]
      }
    }
    END {
      for (t in names) {
        delete v; delete w; for (i = 1; i <= n[t]; i++) { v[i] = rps[t, i]; w[i] = p99[t, i] }
        line = sprintf("median %-8s rps=%.0f p99=%.2fms", t, median(v, n[t]), median(w, n[t]))
        for (key in xs) { split(key, kk, SUBSEP); if (kk[1] != t) continue
          delete u; m = 0; for (i = 1; i <= n[t]; i++) if ((t, kk[2], i) in x) u[++m] = x[t, kk[2], i]
          if (m) line = line sprintf(" %s=%s", kk[2], median(u, m)) }
        print line
      }
      for (t in rn) {
        delete a; delete b; delete c; delete d
        for (i = 1; i <= rn[t]; i++) { a[i] = rr_n[t, i]; b[i] = rp_n[t, i]; c[i] = rr_h[t, i]; d[i] = rp_h[t, i] }
        printf "SUMMARY %s %s runs=%d rps/nginx=%.2f p99/nginx=%.2f rps/haproxy=%.2f p99/haproxy=%.2f\n", engine, t, rn[t],
          median(a, rn[t]), median(b, rn[t]), median(c, rn[t]), median(d, rn[t])
      }
    }' "$results")
  echo "$summary"
  summary_all+=("$summary")

  # --- proxies down; then the daemon idle with the same containers (after the load: heap grown, JIT done) ---
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  pids=()
  # The idle goals (issue 18: CPU < 2 % of a core, RSS < 150 MB with 50 containers) on this same daemon, after the
  # load (its heap grown, its JIT done): a second service brings the containers to M.
  if [ "$M" -gt "$N" ]; then
    service_file idle $((M - N))
    wait_for "$instance" "$M" 600
  fi
  sleep "${SETTLE:-30}" # let the last connections close and the daemon's post-load and post-start work settle
  containers=$(running "$instance")
  # The engine's API process answers the daemon's listings: its CPU in the same window is the daemon's cost too.
  case "$engine" in
    podman) engine_pid=$(pgrep -f '^podman system service .*unix:///run/podman/podman.sock' | sed -n 1p) ;;
    docker) engine_pid=$(pgrep -x dockerd | sed -n 1p) ;;
  esac
  # IDLE_WINDOWS windows one after another: the first is the figure kept since session 9; the later ones show the
  # JIT's tail (control-plane code still crossing the compile thresholds after the start of M-N containers).
  for window in $(seq 1 "$IDLE_WINDOWS"); do
    engine_ticks0=0; [ -z "$engine_pid" ] || engine_ticks0=$(cpu_ticks "$engine_pid")
    idle_cpu=$(cpu_percent "$daemon_pid" "$IDLE_SECONDS")
    engine_cpu="?"; [ -z "$engine_pid" ] || engine_cpu=$(awk -v d=$(( $(cpu_ticks "$engine_pid") - engine_ticks0 )) \
      -v t="$(getconf CLK_TCK)" -v s="$IDLE_SECONDS" 'BEGIN{printf "%.2f", 100 * d / t / s}')
    idle_rss=$(awk '/VmRSS/ {print int($2/1024)}' "/proc/$daemon_pid/status")
    echo "SUMMARY $engine daemon idle after load with $containers containers, window $window of $IDLE_WINDOWS (${IDLE_SECONDS} s each): CPU ${idle_cpu} % of one core, RSS ${idle_rss} MB; the engine's API process (pid ${engine_pid:-?}) ${engine_cpu} %"
  done
  stop_daemon
  for _ in $(seq 1 600); do [ "$(running "$instance")" -eq 0 ] && break; sleep 0.2; done
  instance=""
done

echo "# all engines"
printf '%s\n' "${summary_all[@]}" | grep '^SUMMARY' || true
