package io.orbit.packaging;

import static io.orbit.packaging.Packages.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.orbit.runtime.EngineSockets;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Installs the .deb on this machine ({@code dpkg -i}; root only), runs the daemon from the installed files exactly as
 * the system unit's {@code ExecStart} does — with systemd's environment, {@code $NOTIFY_SOCKET} bound by the test and
 * {@code WATCHDOG_USEC} — against rootful Podman, then reinstalls, removes and purges, checking what each step keeps.
 * The package is purged afterwards whatever happens (also from a shutdown hook, should the JVM be stopped).
 *
 * <p>This machine has no systemd as PID 1: the maintainer scripts must work without it, which this test proves too.
 */
@Tag("container-engine")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DebInstallIT {

    private static final String FIXTURE_IMAGE =
            System.getenv().getOrDefault("ORBIT_FIXTURE_IMAGE", "localhost/orbit-fixture:latest");
    private static final String SYSTEMD_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    private static final String MARKER = "# changed by DebInstallIT";

    private final Path work = Path.of("target", "deb-install-it").toAbsolutePath();
    private final Thread purgeOnExit = Thread.ofPlatform().unstarted(DebInstallIT::purgeIfInstalled);
    private Path podmanSocket;
    private boolean installed;

    @BeforeAll
    void install() throws IOException {
        if (!Packages.isRoot()) {
            String reason = "installing a .deb needs root";
            if (Packages.inCi()) {
                throw new AssertionError("CI=true and " + reason);
            }
            Assumptions.abort(reason);
        }
        Packages.requireTool("dpkg", "a Debian system");
        Packages.requireTool("podman", "run scripts/setup-engines.sh");
        podmanSocket = EngineSockets.podman();
        if (run("podman", "image", "exists", FIXTURE_IMAGE).exit() != 0) {
            String reason = "no image " + FIXTURE_IMAGE + " in rootful podman (run scripts/setup-engines.sh)";
            if (Packages.inCi()) {
                throw new AssertionError("CI=true and " + reason);
            }
            Assumptions.abort(reason);
        }
        // An orbit package left by an interrupted run of this test is ours to purge; files of someone else are not.
        purgeIfInstalled();
        assertThat(Path.of("/etc/orbit"))
                .as("/etc/orbit exists although no orbit package is installed: it is not this test's to overwrite"
                        + " or delete; move it away to run this test")
                .doesNotExist();
        assertThat(Path.of("/var/lib/orbit"))
                .as("/var/lib/orbit exists although no orbit package is installed (a daemon run as root without"
                        + " --state-dir makes it): the package would keep its owner, and purging would delete someone's"
                        + " state; move it away to run this test")
                .doesNotExist();
        assertThat(run("getent", "passwd", "orbit").exit())
                .as("a user 'orbit' exists although no orbit package is installed; purging would delete it")
                .isNotZero();

        Runtime.getRuntime().addShutdownHook(purgeOnExit);
        installed = true;
        run("dpkg", "-i", Packages.deb().toString()).ok();
        Files.createDirectories(work);
    }

    @AfterAll
    void cleanUp() {
        if (installed) {
            purgeIfInstalled();
            try {
                Runtime.getRuntime().removeShutdownHook(purgeOnExit);
            } catch (IllegalStateException alreadyShuttingDown) {
                // the hook runs anyway
            }
        }
    }

    @Test
    @Order(1)
    void installs_the_files_the_user_and_the_state_directory() throws IOException {
        assertThat(status()).isEqualTo("install ok installed " + Packages.packageVersion());
        for (Map.Entry<String, String> file :
                Packages.expectedFiles(Packages.DEB_SYSTEM_UNIT).entrySet()) {
            Path path = Path.of(file.getKey());
            PosixFileAttributes attributes =
                    Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            assertThat(attributes.isRegularFile()).as(file.getKey()).isTrue();
            assertThat(PosixFilePermissions.toString(attributes.permissions()))
                    .as("mode of %s", file.getKey())
                    .isEqualTo(file.getValue().substring(1));
            assertThat(attributes.owner().getName())
                    .as("owner of %s", file.getKey())
                    .isEqualTo("root");
        }
        assertThat(Path.of(Packages.SERVICES_DIR)).isDirectory();

        String[] user = run("getent", "passwd", "orbit").ok().out().strip().split(":");
        assertThat(user[5]).as("home").isEqualTo("/var/lib/orbit");
        assertThat(user[6]).as("shell").isEqualTo("/usr/sbin/nologin");
        assertThat(Integer.parseInt(user[2])).as("a system uid").isLessThan(1000);
        run("getent", "group", "orbit").ok();

        PosixFileAttributes state = Files.readAttributes(Path.of("/var/lib/orbit"), PosixFileAttributes.class);
        assertThat(state.isDirectory()).isTrue();
        assertThat(state.owner().getName()).isEqualTo("orbit");
        assertThat(state.group().getName()).isEqualTo("orbit");
        assertThat(PosixFilePermissions.toString(state.permissions())).isEqualTo("rwxr-x---");
    }

    @Test
    @Order(2)
    void installed_units_pass_systemd_analyze_verify(@TempDir Path runtimeDirectory) throws IOException {
        UnitExpectations.systemUnit(SystemdUnit.read(Path.of(Packages.DEB_SYSTEM_UNIT)));
        UnitExpectations.userUnit(SystemdUnit.read(Path.of(Packages.USER_UNIT)));
        Assumptions.assumeTrue(
                Packages.onPath("systemd-analyze"), "systemd-analyze is not installed: the units are not verified");

        Packages.Result system = run("systemd-analyze", "verify", Packages.DEB_SYSTEM_UNIT);
        assertThat(system.exit()).as(system.err()).isZero();
        assertThat(system.err().lines().filter(line -> line.contains("orbit")))
                .as("systemd's complaints about the system unit")
                .isEmpty();

        Files.setPosixFilePermissions(runtimeDirectory, PosixFilePermissions.fromString("rwx------"));
        Packages.Result user = Packages.run(
                Duration.ofMinutes(1),
                Map.of("XDG_RUNTIME_DIR", runtimeDirectory.toString()),
                List.of("systemd-analyze", "--user", "verify", Packages.USER_UNIT));
        assertThat(user.exit()).as(user.err()).isZero();
        assertThat(user.err().lines().filter(line -> line.contains("orbit")))
                .as("systemd's complaints about the user unit")
                .isEmpty();
    }

    @Test
    @Order(3)
    void the_units_exec_start_runs_the_daemon_which_notifies_systemd() throws Exception {
        Path directory = Files.createDirectories(work.resolve("daemon"));
        Path services = Files.createDirectories(directory.resolve("services"));
        Files.writeString(services.resolve("tiny.yml"), """
                name: pkgtest
                instance_count:
                  min: 1
                  max: 1
                spec:
                  containers:
                    - name: main
                      image: %s
                """.formatted(FIXTURE_IMAGE));
        String instance = "pkgtest-"
                + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        int port = freePort();
        Path config = Files.writeString(directory.resolve("orbit.yaml"), """
                runtime: podman
                runtime_socket: %s
                config_dir: %s
                volume_dir: %s
                api_address: 127.0.0.1:%d
                on_exit: stop
                instance: %s
                """.formatted(
                        podmanSocket, services, directory.resolve("volumes"), port, instance));

        List<String> command = new ArrayList<>(
                SystemdUnit.read(Path.of(Packages.DEB_SYSTEM_UNIT)).execStart());
        assertThat(command).startsWith(Packages.LAUNCHER, "--config-file");
        command.set(command.indexOf("--config-file") + 1, config.toString());

        Path log = directory.resolve("daemon.log");
        // The unit's Environment=ORBIT_AOT_DIR=%C/orbit, with a cache directory of the test's own.
        Path aotCache = Files.createDirectories(directory.resolve("cache/orbit"));
        Path socketDirectory = Files.createTempDirectory("orbit-notify-");
        try (NotifyListener notify = NotifyListener.bind(socketDirectory.resolve("notify.sock"))) {
            ProcessBuilder builder =
                    new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            // What systemd gives a system service: no JAVA_HOME, no ORBIT_* variables, its own PATH.
            builder.environment().clear();
            builder.environment()
                    .putAll(Map.of(
                            "PATH",
                            SYSTEMD_PATH,
                            "LANG",
                            "C.UTF-8",
                            "NOTIFY_SOCKET",
                            notify.path().toString(),
                            "WATCHDOG_USEC",
                            "2000000",
                            "ORBIT_AOT_DIR",
                            aotCache.toString()));
            Process daemon = builder.start();
            try {
                Supplier<Boolean> alive = daemon::isAlive;
                Supplier<String> diagnosis = () -> tail(log);

                int ready = notify.await("READY=1", 0, Duration.ofSeconds(90), alive, diagnosis);
                assertThat(notify.messages().get(ready))
                        .as("READY=1 once the service runs its minimum of pods")
                        .contains("STATUS=1 service(s), 1/1 pods running");
                // WATCHDOG_USEC=2 s: a WATCHDOG=1 every second (half of it) while the reconcile loop runs; two in a
                // row show it is periodic, not a one-off at startup.
                int watchdog = notify.await("WATCHDOG=1", ready, Duration.ofSeconds(5), alive, diagnosis);
                notify.await("WATCHDOG=1", watchdog + 1, Duration.ofSeconds(5), alive, diagnosis);
                assertThat(daemon.info().command())
                        .as("the launcher execs the JVM: it is the unit's main process (NotifyAccess=main)")
                        .hasValueSatisfying(executable -> assertThat(executable).endsWith("/bin/java"));
                Path javaHome = Path.of(daemon.info().command().orElseThrow())
                        .getParent()
                        .getParent();

                HttpClient http = HttpClient.newBuilder()
                        .connectTimeout(Duration.ofSeconds(2))
                        .build();
                HttpResponse<String> health = http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz"))
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
                assertThat(health.body()).contains("podman");

                int before = notify.messages().size();
                daemon.destroy(); // SIGTERM, as systemctl stop
                notify.await("STOPPING=1", before, Duration.ofSeconds(30), () -> true, diagnosis);
                assertThat(daemon.waitFor(60, TimeUnit.SECONDS))
                        .as("the daemon exits after SIGTERM")
                        .isTrue();
                assertThat(daemon.exitValue())
                        .as("exit status after SIGTERM (the unit's SuccessExitStatus=143)\n" + tail(log))
                        .isIn(0, 143);
                assertThat(podmanIds(instance, "ps", "-a"))
                        .as("on_exit: stop removed the pod")
                        .isEmpty();
                assertAotCacheRecordedAndUsable(javaHome, aotCache, services);
            } finally {
                // A launcher that forgot to exec would leave the JVM behind as its child.
                daemon.descendants().forEach(ProcessHandle::destroyForcibly);
                if (daemon.isAlive()) {
                    daemon.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                }
                removePods(instance);
            }
        } finally {
            Files.deleteIfExists(socketDirectory.resolve("notify.sock"));
            Files.deleteIfExists(socketDirectory);
        }
    }

    /**
     * On Java 25+ the first daemon run records the JVM's AOT cache as it exits; the CLI then runs with it and its
     * output stays clean (JVM messages go to stderr). Older JDKs have no one-step cache: nothing is written.
     */
    private static void assertAotCacheRecordedAndUsable(Path javaHome, Path aotCache, Path services)
            throws IOException {
        String release = Files.readString(javaHome.resolve("release"));
        boolean oneStepAot = release.lines()
                .filter(line -> line.startsWith("JAVA_VERSION=\""))
                .map(line -> Integer.parseInt(line.replaceAll("JAVA_VERSION=\"(\\d+).*", "$1")))
                .anyMatch(feature -> feature >= 25);
        List<Path> caches;
        try (var files = Files.list(aotCache)) {
            caches = files.filter(file -> file.getFileName().toString().endsWith(".aot"))
                    .toList();
        }
        if (!oneStepAot) {
            assertThat(caches).isEmpty();
            return;
        }
        assertThat(caches).as("the AOT cache the first run recorded at exit").singleElement();
        assertThat(caches.get(0)).isNotEmptyFile();
        Packages.Result validate = Packages.run(
                Duration.ofMinutes(1),
                Map.of("ORBIT_AOT_DIR", aotCache.toString(), "PATH", SYSTEMD_PATH),
                List.of(Packages.LAUNCHER, "validate", services.toString()));
        assertThat(validate.exit()).as(validate.err()).isZero();
        assertThat(validate.out()).as("the CLI's output with the cache").startsWith("1 service(s) valid");
    }

    @Test
    @Order(4)
    void reinstalling_keeps_a_changed_conffile() throws IOException {
        Path config = Path.of(Packages.CONFIG);
        Files.writeString(config, Files.readString(config) + MARKER + "\n");
        // The same version again: dpkg runs the upgrade path (postinst configure with the old version).
        run("dpkg", "-i", Packages.deb().toString()).ok();
        assertThat(config).content().contains(MARKER);
        assertThat(status()).isEqualTo("install ok installed " + Packages.packageVersion());
    }

    @Test
    @Order(5)
    void removing_keeps_the_configuration_the_state_and_the_user() throws IOException {
        Path service = Files.writeString(Path.of(Packages.SERVICES_DIR, "mine.yml"), "name: mine\n");
        Path volume = Files.createDirectories(Path.of("/var/lib/orbit/volumes/mine"));

        run("dpkg", "-r", "orbit").ok();

        assertThat(status()).isEqualTo("deinstall ok config-files " + Packages.packageVersion());
        assertThat(Path.of(Packages.LAUNCHER)).doesNotExist();
        assertThat(Path.of(Packages.LIB)).doesNotExist();
        assertThat(Path.of(Packages.DEB_SYSTEM_UNIT)).doesNotExist();
        assertThat(Path.of(Packages.CONFIG)).content().contains(MARKER);
        assertThat(service).exists();
        assertThat(volume).isDirectory();
        run("getent", "passwd", "orbit").ok();
        run("getent", "group", "orbit").ok();
    }

    @Test
    @Order(6)
    void purging_deletes_the_configuration_the_state_and_the_user() {
        run("dpkg", "--purge", "orbit").ok();

        assertThat(run("dpkg-query", "-W", "orbit").exit())
                .as("dpkg no longer knows orbit")
                .isNotZero();
        assertThat(Path.of("/etc/orbit")).doesNotExist();
        assertThat(Path.of("/var/lib/orbit")).doesNotExist();
        assertThat(run("getent", "passwd", "orbit").exit()).isNotZero();
        assertThat(run("getent", "group", "orbit").exit()).isNotZero();
    }

    private static String status() {
        return run("dpkg-query", "-W", "-f", "${Status} ${Version}", "orbit")
                .ok()
                .out()
                .strip();
    }

    private static void purgeIfInstalled() {
        if (run("dpkg-query", "-W", "orbit").exit() == 0) {
            run("dpkg", "--purge", "orbit").ok();
        }
    }

    /** The ids podman lists for this test's instance: {@code podman LIST... -q --filter label=orbit.instance=X}. */
    private static List<String> podmanIds(String instance, String... list) {
        List<String> command = new ArrayList<>(List.of("podman"));
        command.addAll(List.of(list));
        command.addAll(List.of("-q", "--filter", "label=orbit.instance=" + instance));
        return Packages.run(Duration.ofMinutes(1), Map.of(), command).lines().stream()
                .filter(line -> !line.isBlank())
                .toList();
    }

    /** Whatever the daemon left of this test's instance: containers, pods, networks. */
    private static void removePods(String instance) {
        podmanIds(instance, "ps", "-a").forEach(id -> run("podman", "rm", "-f", "-t", "0", id));
        podmanIds(instance, "pod", "ps").forEach(id -> run("podman", "pod", "rm", "-f", id));
        podmanIds(instance, "network", "ls").forEach(id -> run("podman", "network", "rm", "-f", id));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return "daemon log " + log + " ends with:\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no daemon log: " + e + ")";
        }
    }
}
