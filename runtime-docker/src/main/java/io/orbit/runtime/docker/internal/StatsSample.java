package io.orbit.runtime.docker.internal;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.orbit.runtime.docker.internal.DockerErrors.Target;
import io.orbit.runtime.http.EngineResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One answer of {@code GET /containers/{id}/stats?stream=false}, reduced to the counters the port's figures need.
 *
 * @param cpu the cumulative counters at this sample
 * @param precpu the counters of the engine's previous tick; all zero with {@code one-shot=true}
 * @param memoryUsageBytes usage without the reclaimable inactive page cache
 */
public record StatsSample(
        CpuCounters cpu,
        CpuCounters precpu,
        int onlineCpus,
        long memoryUsageBytes,
        long memoryLimitBytes,
        Instant read) {

    /**
     * Cumulative CPU time: the container's, and the host's summed over all CPUs ({@code system_cpu_usage}), both in
     * nanoseconds.
     */
    public record CpuCounters(long containerNanos, long systemNanos) {
        public static final CpuCounters NONE = new CpuCounters(0, 0);
    }

    /**
     * The sample, or empty when the container is not running: Docker then answers 200 with every counter zero and
     * {@code read} at Go's zero time.
     */
    public static Optional<StatsSample> parse(Target target, EngineResponse response) {
        Stats stats = DockerApi.decode(target, response, Stats.class);
        Optional<Instant> read = ContainerMapping.instant(stats.read());
        if (read.isEmpty() || stats.cpuStats() == null) {
            return Optional.empty();
        }
        CpuStats cpu = stats.cpuStats();
        return Optional.of(new StatsSample(
                counters(cpu),
                stats.precpuStats() == null ? CpuCounters.NONE : counters(stats.precpuStats()),
                onlineCpus(cpu),
                memoryUsage(stats.memoryStats()),
                stats.memoryStats() == null ? 0 : stats.memoryStats().limit(),
                read.get()));
    }

    /**
     * Docker's own formula: the container's share of all CPU time since {@code baseline}, times the CPUs, in percent
     * of one CPU (half a CPU reads 50, two busy CPUs read 200). Zero when there is no usable baseline: none yet
     * ({@code systemNanos} 0), or counters that went backwards because the container restarted in between.
     */
    public double cpuPercentSince(CpuCounters baseline) {
        long containerDelta = cpu.containerNanos() - baseline.containerNanos();
        long systemDelta = cpu.systemNanos() - baseline.systemNanos();
        if (baseline.systemNanos() == 0 || systemDelta <= 0 || containerDelta < 0) {
            return 0.0;
        }
        return (double) containerDelta / systemDelta * onlineCpus * 100.0;
    }

    private static CpuCounters counters(CpuStats stats) {
        long total = stats.cpuUsage() == null ? 0 : stats.cpuUsage().totalUsage();
        return new CpuCounters(total, stats.systemCpuUsage());
    }

    private static int onlineCpus(CpuStats cpu) {
        if (cpu.onlineCpus() > 0) {
            return cpu.onlineCpus();
        }
        List<Long> perCpu = cpu.cpuUsage() == null ? null : cpu.cpuUsage().percpuUsage();
        return perCpu == null || perCpu.isEmpty() ? 1 : perCpu.size();
    }

    /**
     * Usage minus the inactive page cache the kernel reclaims before it OOM-kills, as {@code docker stats} shows it:
     * {@code total_inactive_file} on cgroup v1, {@code inactive_file} on v2.
     */
    private static long memoryUsage(@Nullable MemoryStats memory) {
        if (memory == null) {
            return 0;
        }
        Map<String, Long> details = memory.stats() == null ? Map.of() : memory.stats();
        Long inactive = details.getOrDefault("total_inactive_file", details.get("inactive_file"));
        if (inactive != null && inactive < memory.usage()) {
            return memory.usage() - inactive;
        }
        return memory.usage();
    }

    record Stats(
            @JsonProperty("read") @Nullable String read,
            @JsonProperty("cpu_stats") @Nullable CpuStats cpuStats,
            @JsonProperty("precpu_stats") @Nullable CpuStats precpuStats,
            @JsonProperty("memory_stats") @Nullable MemoryStats memoryStats) {}

    record CpuStats(
            @JsonProperty("cpu_usage") @Nullable CpuUsage cpuUsage,
            @JsonProperty("system_cpu_usage") long systemCpuUsage,
            @JsonProperty("online_cpus") int onlineCpus) {}

    record CpuUsage(
            @JsonProperty("total_usage") long totalUsage,
            @JsonProperty("percpu_usage") @Nullable List<Long> percpuUsage) {}

    record MemoryStats(
            @JsonProperty("usage") long usage,
            @JsonProperty("limit") long limit,
            @JsonProperty("stats") @Nullable Map<String, Long> stats) {}
}
