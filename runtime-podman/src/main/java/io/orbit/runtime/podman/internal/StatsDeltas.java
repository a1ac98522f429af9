package io.orbit.runtime.podman.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.orbit.runtime.ContainerStats;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Turns libpod stats answers into the port's samples, CPU measured since the previous sample.
 *
 * <p>libpod's {@code CPU} field is not "since the previous sample": a one-shot request ({@code stream=false}) has no
 * previous sample, so it is the average since the container started (measured on 4.3.1: it equals {@code AvgCPU} on
 * every call and decays on an idle container). This class keeps each container's last {@code CPUNano} and {@code
 * SystemNano} (a wall-clock timestamp) and divides the deltas. The first sample of a container, and the first after a
 * restart, falls back to libpod's average since start. Thread-safe.
 */
public final class StatsDeltas {

    /** Closer samples make a noisy delta; they repeat the last figure instead. */
    static final Duration MIN_INTERVAL = Duration.ofMillis(250);

    /** Baselines of containers nobody asked about for this long are dropped, so removed containers do not pile up. */
    static final Duration FORGET_AFTER = Duration.ofMinutes(5);

    private record Baseline(long cpuNanos, long systemNanos, double cpuPercent) {}

    private final Map<String, Baseline> baselines = new ConcurrentHashMap<>();

    /** True when libpod answered for every container asked about; false when one id was unknown to it. */
    public static boolean isComplete(JsonNode response) {
        // One unknown id fails the whole call, yet with 200: {"Error":{},"Stats":null}.
        return response.path("Stats").isArray();
    }

    /** Maps one stats answer; containers that are not running come back as zeros and are left out. */
    public List<ContainerStats> read(JsonNode response) {
        List<ContainerStats> samples = new ArrayList<>();
        long newest = 0;
        for (JsonNode entry : response.path("Stats")) {
            String id = entry.path("ContainerID").asText("");
            long systemNanos = entry.path("SystemNano").asLong();
            if (systemNanos == 0) {
                baselines.remove(id); // not running: libpod sends an all-zero entry
                continue;
            }
            newest = Math.max(newest, systemNanos);
            samples.add(sample(id, entry, systemNanos));
        }
        long forgetBefore = newest - FORGET_AFTER.toNanos();
        baselines.values().removeIf(baseline -> baseline.systemNanos() < forgetBefore);
        return samples;
    }

    private ContainerStats sample(String id, JsonNode entry, long systemNanos) {
        long cpuNanos = entry.path("CPUNano").asLong();
        double averageSinceStart = entry.path("CPU").asDouble();
        Baseline baseline =
                baselines.compute(id, (key, previous) -> advance(previous, cpuNanos, systemNanos, averageSinceStart));
        return new ContainerStats(
                id,
                baseline.cpuPercent(),
                entry.path("MemUsage").asLong(),
                entry.path("MemLimit").asLong(),
                Instant.ofEpochSecond(0, systemNanos));
    }

    private static Baseline advance(
            @Nullable Baseline previous, long cpuNanos, long systemNanos, double averageSinceStart) {
        if (previous == null || cpuNanos < previous.cpuNanos() || systemNanos < previous.systemNanos()) {
            return new Baseline(cpuNanos, systemNanos, averageSinceStart); // first sample, or restarted since
        }
        long elapsed = systemNanos - previous.systemNanos();
        if (elapsed < MIN_INTERVAL.toNanos()) {
            return previous;
        }
        return new Baseline(cpuNanos, systemNanos, 100.0 * (cpuNanos - previous.cpuNanos()) / elapsed);
    }
}
