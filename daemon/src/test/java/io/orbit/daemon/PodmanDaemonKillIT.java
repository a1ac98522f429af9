package io.orbit.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.orbit.testkit.Poll;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code SIGKILL} of the daemon at seeded random moments of rolling updates and of scale-ups (and back down), on
 * rootful Podman, with two-container pods (so a kill can land between the creates of one pod). After each kill the
 * daemon is started again at once and must finish what the file asks for, from the labels alone. Throughout — while
 * the daemon runs, lies dead, and starts again — {@link PodBounds} samples the engine every 20 ms: never more than
 * {@code max} pods, never fewer than {@code min} running, never two pods with one number, never two containers of one
 * name in a pod. Reproduce a failure with {@code -Dorbit.kill.seed=SEED}; the seed is printed.
 */
@Tag("container-engine")
class PodmanDaemonKillIT extends DaemonScenario {

    static final int ROLLOUT_KILLS = Integer.getInteger("orbit.kill.rollouts", 12);
    static final int SCALE_KILLS = Integer.getInteger("orbit.kill.scales", 8);
    /** The kill lands this long after the file changes, at most: the whole of a rollout of two pods. */
    static final int LATEST_KILL_MILLIS = 3_000;

    static final Duration CONVERGE = Duration.ofSeconds(90);

    private String service;

    PodmanDaemonKillIT() {
        super(TestEngine.PODMAN, "kill");
    }

    @Override
    List<String> services() {
        return service == null ? List.of() : List.of(service);
    }

    private String yaml(int min, int max, int version) {
        return """
                name: %s
                instance_count:
                  min: %d
                  max: %d
                rolling_update_config:
                  max_surge: 1
                  max_unavailable: 0
                  timeout: 60s
                spec:
                  containers:
                    - name: main
                      image: %s
                      env:
                        VERSION: "%d"
                      ports:
                        - port: 8080
                      health_check:
                        liveness_period: 1s
                        tcp_check:
                          port: 8080
                          timeout: 1s
                    - name: sidecar
                      image: %s
                      env:
                        PORT: "9090"
                """.formatted(service, min, max, ServiceFile.FIXTURE_IMAGE, version, ServiceFile.FIXTURE_IMAGE);
    }

    @Test
    void killedAtRandomMomentsOfRolloutsAndScaleUpsTheDaemonNeverBreaksTheBoundsAndFinishes() throws Exception {
        long seed = Long.getLong("orbit.kill.seed", 25_504_152_115_273L); // fixed: the same kills every run
        System.out.println("PodmanDaemonKillIT seed " + seed + " (rerun with -Dorbit.kill.seed=" + seed + ")");
        Random random = new Random(seed);
        service = "it-kill-" + suffix;
        Path file = configDirectory.resolve(service + ".yml");
        int version = 1;
        ServiceFile.writeAtomically(file, yaml(2, 3, version));
        DaemonProcess daemon = startDaemon(DaemonProcess.LAUNCHER_JVM_OPTIONS);
        String hash = converged(daemon, 2, Set.of());
        // Every version's spec is new: converging on an earlier hash is a rollback nobody asked for (stop 22: a pod a
        // killed daemon left half-started failed the spec, and the service went back to version 1).
        Set<String> earlier = new HashSet<>(Set.of(hash));
        // Once the first spec is kept as known-good, every later daemon has a rollback target: the path where a
        // half-started pod used to fail a spec. Waiting for it makes every run take that path, not only slow ones.
        Path rollouts = DaemonProcess.stateDirectory(configDirectory).resolve("rollouts.json");
        String firstHash = hash;
        DaemonProcess first = daemon;
        Poll.until(
                "the first spec kept as known-good in " + rollouts,
                CONVERGE,
                Duration.ofMillis(100),
                () -> java.nio.file.Files.exists(rollouts) ? java.nio.file.Files.readString(rollouts) : "",
                kept -> kept.contains(firstHash),
                () -> first.tail(20));
        List<Long> heals = new ArrayList<>();
        List<Long> restarts = new ArrayList<>();
        long began = System.nanoTime();
        try (PodBounds bounds = new PodBounds(engine, service, 2, 3)) {
            for (int kill = 0; kill < ROLLOUT_KILLS; kill++) {
                version++;
                ServiceFile.writeAtomically(file, yaml(2, 3, version));
                daemon = killAndRestart(daemon, random, restarts);
                long restarted = System.nanoTime();
                hash = converged(daemon, 2, Set.copyOf(earlier));
                earlier.add(hash);
                heals.add((System.nanoTime() - restarted) / 1_000_000);
            }
            int min = 2;
            for (int kill = 0; kill < SCALE_KILLS; kill++) {
                int next = min == 3 ? 1 : 3;
                bounds.bounds(Math.min(min, next), 3);
                ServiceFile.writeAtomically(file, yaml(next, 3, version));
                daemon = killAndRestart(daemon, random, restarts);
                long restarted = System.nanoTime();
                String scaled = converged(daemon, next, Set.of());
                assertThat(scaled).as("a scale changes no spec").isEqualTo(hash);
                heals.add((System.nanoTime() - restarted) / 1_000_000);
                min = next;
                bounds.bounds(min, 3);
            }
            bounds.close();
            System.out.printf(
                    "PodmanDaemonKillIT: %d kills in %d s; %d samples (%d failed to list), most pods %d, fewest"
                            + " running %d, violations %d; daemon up again in %s ms; converged after restart in %s ms"
                            + " (median %d, max %d)%n",
                    ROLLOUT_KILLS + SCALE_KILLS,
                    (System.nanoTime() - began) / 1_000_000_000,
                    bounds.samples(),
                    bounds.samplingErrors(),
                    bounds.mostPods(),
                    bounds.fewestRunning(),
                    bounds.violationCount(),
                    restarts,
                    heals,
                    heals.stream().sorted().toList().get(heals.size() / 2),
                    heals.stream().mapToLong(Long::longValue).max().orElse(0));
            assertThat(bounds.violations())
                    .as("instants the bounds did not hold (seed %d), log %s", seed, daemon.logFile())
                    .isEmpty();
            assertThat(bounds.samples()).as("samples").isGreaterThan(100);
        }
    }

    /** SIGKILL at a random moment within {@link #LATEST_KILL_MILLIS}, then a new daemon at once. */
    private DaemonProcess killAndRestart(DaemonProcess daemon, Random random, List<Long> restarts) throws Exception {
        long delay = random.nextInt(LATEST_KILL_MILLIS);
        // The random moment of the kill, not a wait for anything: the daemon is mid-way through whatever it does.
        Thread.sleep(delay);
        daemon.kill();
        long killed = System.nanoTime();
        DaemonProcess next = startDaemon(DaemonProcess.LAUNCHER_JVM_OPTIONS);
        restarts.add((System.nanoTime() - killed) / 1_000_000);
        return next;
    }

    /**
     * Waits for exactly {@code replicas} pods, all running, all on one spec hash that is none of {@code before}, and
     * returns that hash.
     */
    private String converged(DaemonProcess daemon, int replicas, Set<String> before) {
        List<EnginePods.Pod> pods = Poll.until(
                "%d running pods on one new spec".formatted(replicas),
                CONVERGE,
                Duration.ofMillis(100),
                () -> engine.pods(service),
                now -> now.size() == replicas
                        && now.stream().allMatch(EnginePods.Pod::isRunning)
                        && now.stream()
                                        .map(EnginePods.Pod::configHash)
                                        .collect(Collectors.toSet())
                                        .size()
                                == 1
                        && !before.contains(now.get(0).configHash()),
                () -> engine.pods(service) + "\n" + daemon.tail(60));
        assertThat(daemon.isAlive()).as("the daemon runs").isTrue();
        return pods.get(0).configHash();
    }
}
