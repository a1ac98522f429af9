package io.orbit.runtime;

/**
 * Memory and CPU limits of a container.
 *
 * @param memoryBytes the memory limit in bytes; 0 means unlimited
 * @param nanoCpus the CPU limit in billionths of a CPU (1.5 CPUs = 1_500_000_000); 0 means unlimited
 */
public record ResourceLimits(long memoryBytes, long nanoCpus) {

    public static final ResourceLimits NONE = new ResourceLimits(0, 0);

    public ResourceLimits {
        if (memoryBytes < 0) {
            throw new IllegalArgumentException("memoryBytes is negative: " + memoryBytes);
        }
        if (nanoCpus < 0) {
            throw new IllegalArgumentException("nanoCpus is negative: " + nanoCpus);
        }
    }

    public static ResourceLimits of(long memoryBytes, double cpus) {
        return new ResourceLimits(memoryBytes, Math.round(cpus * 1e9));
    }

    public boolean isUnlimited() {
        return memoryBytes == 0 && nanoCpus == 0;
    }
}
