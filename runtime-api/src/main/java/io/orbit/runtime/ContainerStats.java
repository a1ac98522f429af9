package io.orbit.runtime;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * A resource sample of one container, computed the same way on every engine.
 *
 * @param cpuPercent CPU used since the previous sample, in percent of one CPU (a container busy on two CPUs shows
 *     200)
 * @param memoryUsageBytes memory in use, page cache that can be reclaimed excluded where the engine says how much
 * @param memoryLimitBytes the container's memory limit, or the host's memory when it has none
 */
public record ContainerStats(
        String containerId, double cpuPercent, long memoryUsageBytes, long memoryLimitBytes, Instant sampledAt) {

    public ContainerStats {
        requireNonNull(containerId, "containerId is null");
        requireNonNull(sampledAt, "sampledAt is null");
    }

    /** Memory in use as a percentage of the limit. */
    public double memoryPercent() {
        return memoryLimitBytes == 0 ? 0 : 100.0 * memoryUsageBytes / memoryLimitBytes;
    }
}
