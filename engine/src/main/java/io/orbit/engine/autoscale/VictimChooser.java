package io.orbit.engine.autoscale;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Which pods a scale-down removes: those with the fewest requests in flight, so the least work is drained (Orbit
 * picked the lowest CPU, and panicked on NaN, §5.8); on a tie the highest pod number, so the low slots stay filled
 * and pod numbers stay compact.
 */
public final class VictimChooser {

    private static final Comparator<PodSample> ORDER = Comparator.comparingInt(PodSample::inFlight)
            .thenComparing(Comparator.comparingInt(PodSample::podNumber).reversed())
            .thenComparing(PodSample::podId);

    private VictimChooser() {}

    /** Up to {@code count} pods to remove, the first to remove first. */
    public static List<PodSample> choose(Collection<PodSample> pods, int count) {
        if (count < 0) {
            throw new IllegalArgumentException("count is negative: " + count);
        }
        return pods.stream().sorted(ORDER).limit(count).toList();
    }
}
