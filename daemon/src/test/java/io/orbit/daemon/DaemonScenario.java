package io.orbit.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the contracts that start their own daemons on a real engine share: the subclass's engine (missing: skipped, or
 * failed under CI=true, as {@link TestEngine#open} decides), a random suffix for names, a services directory, the
 * daemons started, and the clean-up that stops them and removes everything of the test's services.
 */
abstract class DaemonScenario {

    @TempDir
    Path workDirectory;

    final TestEngine testEngine;
    EnginePods engine;
    String suffix;
    Path configDirectory;

    private final String logName;
    private final List<DaemonProcess> daemons = new ArrayList<>();

    /** @param logName names the daemons' logs under target/daemon-it/CLASS/ */
    DaemonScenario(TestEngine testEngine, String logName) {
        this.testEngine = testEngine;
        this.logName = logName;
    }

    /** The services whose containers and networks the clean-up removes (names are known once {@link #suffix} is). */
    abstract List<String> services();

    /** What else the test created (a named volume, an image tag): removed before the engine is closed. */
    void removeMore(List<Throwable> failures) throws Exception {}

    @BeforeEach
    void openEngine() throws IOException {
        engine = testEngine.open();
        suffix = TestEngine.randomSuffix();
        configDirectory = Files.createDirectory(workDirectory.resolve("services"));
    }

    @AfterEach
    void removeEverythingTheTestCreated() throws Exception {
        if (engine == null) {
            return; // no engine here: the test was skipped before it started anything
        }
        List<Throwable> failures = new ArrayList<>();
        for (DaemonProcess daemon : daemons) {
            daemon.close();
        }
        services().forEach(service -> engine.removeEverythingOf(service, failures));
        removeMore(failures);
        engine.runtime().close();
        assertThat(failures).as("cleanup").isEmpty();
    }

    /** A daemon on {@link #configDirectory} with this test's {@link #instance()}; stopped by the clean-up. */
    DaemonProcess startDaemon() throws IOException, InterruptedException {
        return startDaemon(List.of("-Xmx256m"));
    }

    /** As {@link #startDaemon()}, with these JVM options. */
    DaemonProcess startDaemon(List<String> jvmOptions) throws IOException, InterruptedException {
        return startDaemon(jvmOptions, List.of());
    }

    /** As {@link #startDaemon()}, with these JVM options and further daemon arguments (e.g. {@code -l debug}). */
    DaemonProcess startDaemon(List<String> jvmOptions, List<String> arguments)
            throws IOException, InterruptedException {
        Path log = Path.of("target", "daemon-it", getClass().getSimpleName(), "%s-%s.log".formatted(logName, suffix));
        List<String> all = new ArrayList<>(List.of("--instance", instance()));
        all.addAll(arguments);
        DaemonProcess daemon = testEngine.startDaemon(configDirectory, log, all, jvmOptions);
        daemons.add(daemon);
        return daemon;
    }

    String instance() {
        return "it-" + suffix;
    }
}
