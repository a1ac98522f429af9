#!/usr/bin/env bash
# Proxy benchmark, side by side in one run: a direct backend, nginx and HAProxy (one worker each) and Orbit's proxy
# in standalone mode (`orbit proxy`), all on loopback over the same two nginx backends, with wrk -c50 and 1 KiB
# responses (the shared harness ../shared/tools/proxy-bench.sh). Prints each run's lines, then the medians of the
# per-run ratios against nginx.
#
# Usage: scripts/bench-proxy.sh [RUNS]        (default 5)
# Env:   DUR=8 CONNS=50 WARMUP=0 (passed to the harness); ORBIT_JAVA_OPTS overrides the proxy JVM's flags;
#        PROXY_ARGS adds flags to `orbit proxy` (e.g. "--selectors 2" or "--lb round-robin"); SKIP_BUILD=1.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}
HARNESS=${HARNESS:-../shared/tools/proxy-bench.sh}

missing=()
for tool in nginx haproxy wrk curl; do command -v "$tool" >/dev/null || missing+=("$tool"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "bench-proxy: installing nginx-light haproxy wrk curl (missing: ${missing[*]})" >&2
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nginx-light haproxy wrk curl >/dev/null
fi
[ -x "$HARNESS" ] || { echo "bench-proxy: harness $HARNESS not found (run from a checkout next to shared/)" >&2; exit 1; }

if [ -z "${SKIP_BUILD:-}" ]; then
  . scripts/java-home.sh
  ./mvnw -B -q package -DskipTests -pl daemon -am
fi

# The proxy JVM: ParallelGC on a small fixed heap (short young pauses, no concurrent GC threads competing on a
# 2-core box), C2 (./orbit's default stops at C1, right for the CLI, wrong for a data plane).
export ORBIT_JAVA_OPTS=${ORBIT_JAVA_OPTS:--XX:+UseParallelGC -Xms256m -Xmx256m -XX:+AlwaysPreTouch -XX:-UsePerfData -Xss512k}
here=$(pwd)
export ORBIT_PROXY_CMD="exec $here/orbit proxy --listen 127.0.0.1:19102 --backend 127.0.0.1:19001 --backend 127.0.0.1:19002 --log-level warning ${PROXY_ARGS:-}"

echo "# $(date -u +%FT%TZ) $(nproc) CPUs, load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# ORBIT_JAVA_OPTS=$ORBIT_JAVA_OPTS"
echo "# ORBIT_PROXY_CMD=$ORBIT_PROXY_CMD"
results=$(mktemp)
trap 'rm -f "$results"' EXIT
for run in $(seq 1 "$RUNS"); do
  echo "## run $run (load average $(cut -d' ' -f1 /proc/loadavg))"
  "$HARNESS" | tee -a "$results"
done

awk '
  $1 ~ /^(direct|nginx|haproxy|orbit)$/ {
    sub("rps=", "", $2); sub("p99=", "", $4); p = $4
    if (p ~ /us$/) { sub("us", "", p); p = p / 1000 } else if (p ~ /ms$/) { sub("ms", "", p) } else if (p ~ /s$/) { sub("s", "", p); p = p * 1000 }
    rps[$1, n[$1]++] = $2; p99[$1, m[$1]++] = p
    if ($1 == "orbit") { runs++; r_rps[runs] = $2 / rps["nginx", n["nginx"] - 1]; r_p99[runs] = p / p99["nginx", m["nginx"] - 1] }
  }
  function median(a, k,   i, j, t, b) { for (i = 1; i <= k; i++) b[i] = a[i]
    for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (b[j] < b[i]) { t = b[i]; b[i] = b[j]; b[j] = t }
    return k % 2 ? b[(k + 1) / 2] : (b[k / 2] + b[k / 2 + 1]) / 2 }
  END {
    if (!runs) exit
    printf "median over %d runs: orbit/nginx rps = %.2f, orbit/nginx p99 = %.2f\n", runs, median(r_rps, runs), median(r_p99, runs)
    for (t in n) { k = 0; delete v; for (i = 0; i < n[t]; i++) v[++k] = rps[t, i]; delete w; for (i = 0; i < m[t]; i++) w[i + 1] = p99[t, i]
      printf "median %-8s rps=%.0f p99=%.2fms\n", t, median(v, k), median(w, k) }
  }' "$results"
