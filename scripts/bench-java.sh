# Shared by the Java benchmark scripts: builds the daemon and its test classes, and prints their class path.
# shellcheck shell=bash
bench_build() { ./mvnw -B -q "$@" > /tmp/orbit-bench-build.log 2>&1 || { tail -30 /tmp/orbit-bench-build.log >&2; exit 1; }; }

# bench_classpath: the daemon's test class path (test classes, classes, every dependency), after building them
bench_classpath() {
  bench_build install -DskipTests -pl daemon -am
  bench_build test-compile -pl daemon
  bench_build -pl daemon dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.cp
  echo "daemon/target/test-classes:daemon/target/classes:$(cat daemon/target/bench.cp)"
}

# engine_socket ENGINE: the rootful socket of podman or docker
engine_socket() {
  case "$1" in
    podman) echo /run/podman/podman.sock ;;
    docker) echo /var/run/docker.sock ;;
    *) echo "unknown engine $1 (podman|docker)" >&2; exit 2 ;;
  esac
}
