package io.orbit.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

/** What both package formats' units must say: the sd_notify contract with the daemon, restarts, stop and install. */
final class UnitExpectations {

    static final List<String> SYSTEM_EXEC_START = List.of(Packages.LAUNCHER, "--config-file", Packages.CONFIG);
    static final List<String> USER_EXEC_START = List.of(
            Packages.LAUNCHER,
            "--runtime",
            "podman",
            "--runtime-socket",
            "%t/podman/podman.sock",
            "-c",
            "%h/.config/orbit/services",
            "--volume-dir",
            "%h/.local/share/orbit/volumes",
            "--api-address",
            "127.0.0.1:4112");

    private UnitExpectations() {}

    static void systemUnit(SystemdUnit unit) {
        common(unit);
        assertThat(unit.execStart()).isEqualTo(SYSTEM_EXEC_START);
        // Runs as root: the rootful Podman socket is root-only (docs/operations.md, "Packages").
        assertThat(unit.value("Service", "User")).isEmpty();
        assertThat(unit.value("Service", "DynamicUser")).isEmpty();
        // Hardening must leave the JIT working (no MemoryDenyWriteExecute) and the engine sockets reachable.
        assertThat(unit.value("Service", "MemoryDenyWriteExecute")).isEmpty();
        assertThat(unit.value("Service", "PrivateNetwork")).isEmpty();
        assertThat(unit.value("Service", "NoNewPrivileges")).contains("yes");
        assertThat(unit.value("Service", "RestrictAddressFamilies").orElseThrow())
                .contains("AF_UNIX", "AF_INET", "AF_INET6");
        assertThat(unit.value("Install", "WantedBy")).contains("multi-user.target");
    }

    static void userUnit(SystemdUnit unit) {
        common(unit);
        assertThat(unit.execStart()).isEqualTo(USER_EXEC_START);
        // The system daemon's /etc/orbit/orbit.yaml must not supply this daemon's defaults.
        assertThat(unit.values("Service", "Environment")).contains("ORBIT_CONFIG=/dev/null");
        assertThat(unit.values("Unit", "Wants")).contains("podman.socket");
        assertThat(unit.value("Install", "WantedBy")).contains("default.target");
    }

    private static void common(SystemdUnit unit) {
        assertThat(unit.value("Service", "Type")).contains("notify");
        assertThat(unit.value("Service", "NotifyAccess")).contains("main");
        assertThat(unit.value("Service", "ExecReload")).contains("/bin/kill -HUP $MAINPID");
        assertThat(unit.value("Service", "WatchdogSec")).contains("60");
        assertThat(unit.value("Service", "Restart")).contains("on-failure");
        assertThat(unit.value("Service", "KillMode")).contains("mixed");
        assertThat(unit.value("Service", "TimeoutStopSec")).isPresent();
        // READY=1 comes at the latest 90 s after the start (SystemdNotifier.READY_DEADLINE), plus the JVM's start.
        assertThat(unit.value("Service", "TimeoutStartSec").map(Integer::parseInt))
                .hasValueSatisfying(seconds -> assertThat(seconds).isGreaterThan(90));
        // A JVM stopped by SIGTERM exits with 143: that is a clean stop, not a failure.
        assertThat(unit.value("Service", "SuccessExitStatus")).contains("143");
        // The JVM's AOT cache lives in the unit's cache directory (/var/cache/orbit, ~/.cache/orbit).
        assertThat(unit.value("Service", "CacheDirectory")).contains("orbit");
        assertThat(unit.values("Service", "Environment")).contains("ORBIT_AOT_DIR=%C/orbit");
        // Descriptors for 50 node_ports at the proxy's connection limit: a client and an upstream connection for each
        // of a node_port's 10 000 (ProxyOptions.DEFAULT_MAX_CONNECTIONS_PER_LISTENER), and no more than fs.nr_open.
        assertThat(unit.value("Service", "LimitNOFILE").map(Integer::parseInt))
                .hasValueSatisfying(limit -> assertThat(limit).isBetween(50 * 2 * 10_000, 1 << 20));
    }
}
