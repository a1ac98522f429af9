# Shared by the daemon benchmarks: timing helpers and a daemon started from the built jar on $work/cfg.
# Expects: $work (a scratch directory), $engine and ${cli[@]} (the engine and its CLI), $IMAGE.
# shellcheck shell=bash
now_ms() { date +%s%3N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2))}'; }

service_file() { # name replicas [extra container YAML, indented 6]
  cat > "$work/cfg/$1.yml" <<YAML
name: $1
instance_count: {min: $2, max: $2}
spec:
  containers:
    - name: main
      image: $IMAGE
${3:-}
YAML
}

# cpu_percent PID SECONDS: the process's CPU over SECONDS, in % of one core
cpu_percent() {
  local ticks u0 s0 u1 s1
  ticks=$(getconf CLK_TCK)
  read -r u0 s0 < <(awk '{print $14, $15}' "/proc/$1/stat")
  sleep "$2"
  read -r u1 s1 < <(awk '{print $14, $15}' "/proc/$1/stat")
  awk -v d=$(( (u1 + s1) - (u0 + s0) )) -v t="$ticks" -v s="$2" 'BEGIN{printf "%.2f", 100 * d / t / s}'
}

running() { # instance
  "${cli[@]}" ps -q --filter "label=orbit.instance=$1" --filter status=running | wc -l
}

start_daemon() { # instance [api address, default 127.0.0.1:0]
  # Through ./orbit, as users start it (its JVM options and, on Java 25, its AOT cache unless ORBIT_AOT_CACHE=off).
  # Its state (the hash key) in the work directory: a benchmark leaves nothing in /var/lib/orbit.
  # ${daemon_args[@]}, when the caller sets it: more daemon flags (e.g. --proxy-address 127.0.0.1), never JVM options.
  ./orbit -r "$engine" -c "$work/cfg" --instance "$1" --api-address "${2:-127.0.0.1:0}" --control-socket none \
    --state-dir "$work/state-$1" --on-exit stop ${daemon_args[@]+"${daemon_args[@]}"} 2>"$work/daemon-$1.log" &
  daemon_pid=$!
}

# last_started_ms ID...: when the last of these containers started, by the engine's own clock (ms since the epoch).
# Podman says "2026-11-26 06:43:07.509085989 +0000 UTC", Docker "2026-11-26T06:43:08.900902378Z".
last_started_ms() {
  "${cli[@]}" inspect --format '{{.State.StartedAt}}' "$@" | python3 -c '
import sys, datetime
def ms(text):
    text = text.strip().replace(" UTC", "").replace("T", " ").replace("Z", " +0000")
    day, clock, zone = text.split()
    whole, _, frac = clock.partition(".")
    stamp = datetime.datetime.strptime(day + " " + whole + " " + zone, "%Y-%m-%d %H:%M:%S %z")
    return int(stamp.timestamp() * 1000) + int((frac + "000")[:3])
print(max(ms(line) for line in sys.stdin if line.strip()))'
}

stop_daemon() {
  kill "$daemon_pid"; wait "$daemon_pid" 2>/dev/null || true; daemon_pid=""
}

wait_for() { # instance count timeout_s -> prints elapsed ms since $2 reached
  local deadline=$(( $(date +%s) + $3 ))
  while [ "$(running "$1")" -lt "$2" ]; do
    [ "$(date +%s)" -lt "$deadline" ] || { echo "timeout waiting for $2 running containers of $1" >&2; return 1; }
    sleep 0.05
  done
}

