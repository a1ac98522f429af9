package io.orbit.engine.autoscale;

import static java.util.Objects.requireNonNull;

import io.orbit.runtime.ContainerStats;

/**
 * The last resource sample of one container of a pod.
 *
 * @param containerName the container's name in the service ({@code spec.containers[].name})
 * @param cpuPercent CPU in use, in percent of one CPU (200 = two CPUs busy), as {@link ContainerStats} reports it
 * @param cpuLimitCores the container's own CPU limit in CPUs; 0 when it has none
 * @param memoryUsageBytes memory in use
 * @param memoryLimitBytes the container's memory limit, or the host's memory when it has none
 */
public record ContainerSample(
        String containerName, double cpuPercent, double cpuLimitCores, long memoryUsageBytes, long memoryLimitBytes) {

    private static final double NANOS_PER_CPU = 1e9;

    public ContainerSample {
        requireNonNull(containerName, "containerName is null");
        if (cpuPercent < 0 || cpuLimitCores < 0 || memoryUsageBytes < 0 || memoryLimitBytes < 0) {
            throw new IllegalArgumentException("negative sample for container " + containerName);
        }
    }

    /** A sample from the runtime's stats, with the limit the container was created with (0 nano-CPUs: none). */
    public static ContainerSample of(String containerName, ContainerStats stats, long nanoCpus) {
        return new ContainerSample(
                containerName,
                stats.cpuPercent(),
                nanoCpus / NANOS_PER_CPU,
                stats.memoryUsageBytes(),
                stats.memoryLimitBytes());
    }

    /** Memory in use in percent of the limit; 0 without a limit. */
    double memoryPercent() {
        return memoryLimitBytes == 0 ? 0 : 100.0 * memoryUsageBytes / memoryLimitBytes;
    }
}
