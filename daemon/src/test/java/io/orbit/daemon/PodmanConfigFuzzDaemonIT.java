package io.orbit.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.orbit.engine.reload.ServiceFileMutator;
import io.orbit.testkit.Poll;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The config directory of a live daemon on rootful Podman under {@value #FILES} seeded hostile files (the mutator of
 * {@code ConfigFuzzTest}: alias bombs, deep nesting, huge values, binary garbage, FIFOs, links to {@code /dev/zero},
 * files claiming the good service's name ...), written while a good service runs: the daemon never dies, every
 * hostile service file that yields no service is listed at {@code /problems}, and the good service's container is
 * untouched (same id, same start time). The bulk of the fuzz (1,200 files) is {@code ConfigFuzzTest}; this is the
 * "containers untouched" half, on a real engine. Reproduce with {@code -Dorbit.fuzz.seed=SEED}.
 */
@Tag("container-engine")
class PodmanConfigFuzzDaemonIT extends DaemonScenario {

    static final int FILES = Integer.getInteger("orbit.fuzz.files", 50);

    private String good;

    PodmanConfigFuzzDaemonIT() {
        super(TestEngine.PODMAN, "config-fuzz");
    }

    @Override
    List<String> services() {
        // "fuzzed" and "second" are the names the mutated files claim; one of them may be valid and start
        return good == null ? List.of() : List.of(good, "fuzzed", "second");
    }

    @Test
    void fiftyHostileFilesNeitherKillTheDaemonNorTouchTheGoodService() throws Exception {
        long seed = Long.getLong("orbit.fuzz.seed", 27_761_179_647_223L); // fixed: the same files every run
        System.out.println("PodmanConfigFuzzDaemonIT seed " + seed + " (rerun with -Dorbit.fuzz.seed=" + seed + ")");
        good = "it-cfz-" + suffix;
        ServiceFile.web(good).withInstances(1, 1).writeTo(configDirectory.resolve(good + ".yml"));
        DaemonProcess daemon = startDaemon(DaemonProcess.LAUNCHER_JVM_OPTIONS);
        Poll.until(
                "the good service's pod running",
                Duration.ofSeconds(60),
                () -> engine.runningPods(good),
                pods -> pods.size() == 1,
                daemon::tail);
        Map<String, Optional<Instant>> before = engine.startTimes(good);

        ServiceFileMutator mutator = new ServiceFileMutator(new Random(seed), configDirectory);
        Set<String> expectProblems = new HashSet<>();
        List<String> kinds = new ArrayList<>();
        for (int i = 0; i < FILES; i++) {
            String name = "fuzz-%03d.yml".formatted(i);
            kinds.add(mutator.writeHostile(configDirectory.resolve(name)));
            if (mutator.isServiceFile()) {
                expectProblems.add(name);
            }
        }
        long written = System.nanoTime();
        // Every hostile file either yields a service or is listed at /problems; at most one of them ("fuzzed") is a
        // valid service, as they share names. A file that names no valid service is always listed.
        JsonNode problems = Poll.until(
                "every hostile file listed at /problems",
                Duration.ofSeconds(60),
                Duration.ofMillis(250),
                () -> daemon.getJson("/problems"),
                listed -> {
                    Set<String> files = new HashSet<>();
                    listed.forEach(problem -> files.add(problem.path("file").asText()));
                    return files.containsAll(expectProblems.stream()
                            .filter(file -> !yieldsAService(daemon, file))
                            .toList());
                },
                daemon::tail);
        long settled = System.nanoTime();
        System.out.printf(
                "PodmanConfigFuzzDaemonIT: %d hostile files %s; all listed at /problems %d ms after the last was"
                        + " written (%d problems)%n",
                FILES, kinds, (settled - written) / 1_000_000, problems.size());
        assertThat(daemon.isAlive()).as("the daemon is alive").isTrue();
        assertThat(daemon.get("/healthz").statusCode()).as("/healthz").isEqualTo(200);
        assertThat(StreamSupport.stream(problems.spliterator(), false)
                        .map(problem -> problem.path("message").asText()))
                .as("problem messages")
                .allSatisfy(message -> assertThat(message)
                        .isNotBlank()
                        .hasSizeLessThan(1_000)
                        .doesNotContain("Exception", "java.", "\tat "));
        assertThat(engine.startTimes(good))
                .as("the good service's containers: same ids, not restarted")
                .isEqualTo(before);
        assertThat(daemon.podChanges().stream()
                        .filter(change -> good.equals(change.path("service").asText()))
                        .count())
                .as("pods of the good service started or removed (the first start only)")
                .isEqualTo(1);
    }

    /** Whether the file's service is running: the one hostile file that may be valid. */
    private static boolean yieldsAService(DaemonProcess daemon, String file) {
        try {
            return daemon.getJson("/status").findValues("file").stream()
                    .anyMatch(value -> value.asText().equals(file));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
