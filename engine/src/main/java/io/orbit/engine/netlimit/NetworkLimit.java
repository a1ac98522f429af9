package io.orbit.engine.netlimit;

import io.orbit.engine.spec.ContainerTemplate;
import io.orbit.engine.spec.Units;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A container's resolved {@code network_limit}: rates in bits per second, bursts in bytes, 0 where a direction is not
 * limited. Ingress is traffic to the container, egress traffic from it.
 *
 * <p>Burst defaults: the larger of 32 KiB and 10 ms of the rate. A burst below the minimum {@code tbf} accepts for a
 * rate (what the rate sends in 10 ms, that is one tick at the lowest kernel HZ of 100, and at least one full-size
 * packet of 1600 bytes) is raised to that minimum.
 */
public record NetworkLimit(
        long ingressBitsPerSecond, long ingressBurstBytes, long egressBitsPerSecond, long egressBurstBytes) {

    public static final String INGRESS_RATE_LABEL = "orbit.network-limit.ingress-rate";
    public static final String INGRESS_BURST_LABEL = "orbit.network-limit.ingress-burst";
    public static final String EGRESS_RATE_LABEL = "orbit.network-limit.egress-rate";
    public static final String EGRESS_BURST_LABEL = "orbit.network-limit.egress-burst";

    static final long DEFAULT_BURST_BYTES = 32 * 1024;
    static final long MIN_PACKET_BYTES = 1600;
    /** The lowest kernel timer frequency: tbf must be able to send a tick's worth of the rate at once. */
    static final int LOWEST_HZ = 100;

    public NetworkLimit {
        if (ingressBitsPerSecond < 0 || ingressBurstBytes < 0 || egressBitsPerSecond < 0 || egressBurstBytes < 0) {
            throw new IllegalArgumentException("negative network limit");
        }
        ingressBurstBytes = ingressBitsPerSecond == 0 ? 0 : effectiveBurst(ingressBitsPerSecond, ingressBurstBytes);
        egressBurstBytes = egressBitsPerSecond == 0 ? 0 : effectiveBurst(egressBitsPerSecond, egressBurstBytes);
    }

    /**
     * The limit of a validated template; empty when neither rate is set (a burst alone limits nothing).
     *
     * @throws io.orbit.engine.spec.InvalidUnitException only for a template that did not pass validation
     */
    public static Optional<NetworkLimit> of(ContainerTemplate.@Nullable NetworkLimit template) {
        if (template == null || (template.ingressRate() == null && template.egressRate() == null)) {
            return Optional.empty();
        }
        return Optional.of(new NetworkLimit(
                rate(template.ingressRate()),
                burst(template.ingressBurst()),
                rate(template.egressRate()),
                burst(template.egressBurst())));
    }

    /** The limit a container was created with, from its labels; empty for an unlimited container. */
    public static Optional<NetworkLimit> fromLabels(Map<String, String> labels) {
        long ingress = number(labels.get(INGRESS_RATE_LABEL));
        long egress = number(labels.get(EGRESS_RATE_LABEL));
        if (ingress == 0 && egress == 0) {
            return Optional.empty();
        }
        return Optional.of(new NetworkLimit(
                ingress, number(labels.get(INGRESS_BURST_LABEL)), egress, number(labels.get(EGRESS_BURST_LABEL))));
    }

    /** Labels for the container: only the directions that are limited. */
    public Map<String, String> labels() {
        Map<String, String> labels = new LinkedHashMap<>();
        if (ingressBitsPerSecond > 0) {
            labels.put(INGRESS_RATE_LABEL, Long.toString(ingressBitsPerSecond));
            labels.put(INGRESS_BURST_LABEL, Long.toString(ingressBurstBytes));
        }
        if (egressBitsPerSecond > 0) {
            labels.put(EGRESS_RATE_LABEL, Long.toString(egressBitsPerSecond));
            labels.put(EGRESS_BURST_LABEL, Long.toString(egressBurstBytes));
        }
        return labels;
    }

    public boolean limitsIngress() {
        return ingressBitsPerSecond > 0;
    }

    public boolean limitsEgress() {
        return egressBitsPerSecond > 0;
    }

    /** For logs and messages: {@code ingress 10000000 bit/s (burst 32768 B), egress none}. */
    public String describe() {
        return "ingress " + describe(ingressBitsPerSecond, ingressBurstBytes) + ", egress "
                + describe(egressBitsPerSecond, egressBurstBytes);
    }

    private static String describe(long rate, long burst) {
        return rate == 0 ? "none" : rate + " bit/s (burst " + burst + " B)";
    }

    /** The smallest burst tbf can shape {@code bitsPerSecond} with: one tick at the lowest HZ, and one packet. */
    static long minimumBurst(long bitsPerSecond) {
        return Math.max(MIN_PACKET_BYTES, ceilDiv(bitsPerSecond, 8L * LOWEST_HZ));
    }

    static long defaultBurst(long bitsPerSecond) {
        return Math.max(DEFAULT_BURST_BYTES, minimumBurst(bitsPerSecond));
    }

    private static long effectiveBurst(long bitsPerSecond, long burst) {
        return burst == 0 ? defaultBurst(bitsPerSecond) : Math.max(burst, minimumBurst(bitsPerSecond));
    }

    private static long ceilDiv(long dividend, long divisor) {
        return -Math.floorDiv(-dividend, divisor);
    }

    private static long rate(@Nullable String rate) {
        return rate == null ? 0 : Units.bitsPerSecond(rate);
    }

    private static long burst(@Nullable String burst) {
        return burst == null ? 0 : Units.burstBytes(burst);
    }

    private static long number(@Nullable String label) {
        if (label == null) {
            return 0;
        }
        try {
            return Math.max(0, Long.parseLong(label));
        } catch (NumberFormatException edited) {
            return 0;
        }
    }
}
