package io.orbit.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * The adapter half of {@code scripts/bench-runtime.sh}, which times the engine's own CLI doing the same work in the
 * same run. Not a test: each adapter's test sources have a {@code main} that hands it a runtime.
 *
 * <ul>
 *   <li>{@code lifecycle N}: create and start N containers one after another, then remove them one after another;
 *       prints {@code lifecycle_ms=…}.
 *   <li>{@code stats N CALLS}: start N containers, then time CALLS batch stats calls; prints the median and p90.
 * </ul>
 */
public final class RuntimeBenchmark {

    private RuntimeBenchmark() {}

    public static void run(ContainerRuntime runtime, String[] args) {
        String image = System.getenv().getOrDefault("ORBIT_FIXTURE_IMAGE", "localhost/orbit-fixture:latest");
        String mode = args.length > 0 ? args[0] : "lifecycle";
        int containers = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        String run = UUID.randomUUID().toString().substring(0, 8);
        try (runtime) {
            switch (mode) {
                case "lifecycle" -> {
                    // A daemon is long-running: time the adapter warm, as the CLI's engine side is warm too.
                    lifecycle(runtime, image, 2, run + "w", false);
                    lifecycle(runtime, image, containers, run, true);
                }
                case "stats" ->
                    stats(runtime, image, containers, args.length > 2 ? Integer.parseInt(args[2]) : 20, run);
                default -> throw new IllegalArgumentException("unknown mode " + mode + " (lifecycle|stats)");
            }
        }
    }

    private static ContainerSpec spec(String image, String run, int index) {
        return ContainerSpec.builder("orbit-bench-" + run + "-" + index, image)
                .label("io.orbit.bench", run)
                .stopTimeout(Duration.ofSeconds(1))
                .build();
    }

    private static void lifecycle(ContainerRuntime runtime, String image, int count, String run, boolean report) {
        long started = System.nanoTime();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String id = runtime.createContainer(spec(image, run, i));
            runtime.startContainer(id);
            ids.add(id);
        }
        long startedAll = System.nanoTime();
        for (String id : ids) {
            runtime.removeContainer(id);
        }
        long done = System.nanoTime();
        if (!report) {
            return;
        }
        System.out.printf(
                "create_start_ms=%d remove_ms=%d lifecycle_ms=%d%n",
                (startedAll - started) / 1_000_000, (done - startedAll) / 1_000_000, (done - started) / 1_000_000);
    }

    private static void stats(ContainerRuntime runtime, String image, int count, int calls, String run) {
        List<String> ids = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                String id = runtime.createContainer(spec(image, run, i));
                runtime.startContainer(id);
                ids.add(id);
            }
            runtime.stats(ids); // warm-up, and primes CPU deltas where the engine needs two samples
            long[] millis = new long[calls];
            int reported = 0;
            for (int i = 0; i < calls; i++) {
                long started = System.nanoTime();
                reported = runtime.stats(ids).size();
                millis[i] = (System.nanoTime() - started) / 1_000_000;
            }
            Arrays.sort(millis);
            System.out.printf(
                    "stats_containers=%d stats_reported=%d stats_median_ms=%d stats_p90_ms=%d%n",
                    count, reported, millis[calls / 2], millis[(int) Math.floor(calls * 0.9)]);
        } finally {
            ids.forEach(runtime::removeContainer);
        }
    }
}
