package io.orbit.interop.kube;

import io.fabric8.kubernetes.api.model.Quantity;
import io.orbit.engine.spec.Units;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** Orbit's units and names as Kubernetes': quantities, rates, DNS labels, file modes. */
final class KubeQuantities {
    private KubeQuantities() {}

    static @Nullable Integer mode(@Nullable String permissions) {
        return Integer.parseInt(permissions == null ? "0644" : permissions, 8);
    }

    /** Bytes as the largest binary unit that divides them (134217728 as 128Mi). */
    static Quantity memory(long bytes) {
        String[] units = {"Gi", "Mi", "Ki"};
        long[] sizes = {1L << 30, 1L << 20, 1L << 10};
        for (int i = 0; i < units.length; i++) {
            if (bytes % sizes[i] == 0) {
                return new Quantity(Long.toString(bytes / sizes[i]), units[i]);
            }
        }
        return new Quantity(Long.toString(bytes));
    }

    /** Nano-CPUs as millicores (500m), or whole CPUs when whole. */
    static Quantity cpu(long nanoCpus) {
        if (nanoCpus % 1_000_000_000L == 0) {
            return new Quantity(Long.toString(nanoCpus / 1_000_000_000L));
        }
        return new Quantity(Long.toString(Math.max(1, (nanoCpus + 999_999) / 1_000_000)), "m");
    }

    /** An Orbit rate (decimal bits per second) as the bandwidth annotation's quantity: 10Mbps as 10M. */
    static String rate(String value) {
        long bits = Units.bitsPerSecond(value);
        return bitsQuantity(bits);
    }

    static String bitsQuantity(long bits) {
        if (bits % 1_000_000_000L == 0) {
            return bits / 1_000_000_000L + "G";
        }
        if (bits % 1_000_000L == 0) {
            return bits / 1_000_000L + "M";
        }
        if (bits % 1_000L == 0) {
            return bits / 1_000L + "k";
        }
        return Long.toString(bits);
    }

    static String sumRates(String a, String b) {
        return bitsQuantity(parseBits(a) + parseBits(b));
    }

    static long parseBits(String quantity) {
        char unit = quantity.charAt(quantity.length() - 1);
        long factor = switch (unit) {
            case 'G' -> 1_000_000_000L;
            case 'M' -> 1_000_000L;
            case 'k' -> 1_000L;
            default -> 1L;
        };
        String digits = factor == 1 ? quantity : quantity.substring(0, quantity.length() - 1);
        return Long.parseLong(digits) * factor;
    }

    /** A DNS-1123 label: lower case, '-' for anything else, at most 63 characters. */
    static String dnsLabel(String name) {
        String label =
                name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-").replaceAll("^-+|-+$", "");
        return label.length() > 63 ? label.substring(0, 63).replaceAll("-+$", "") : label;
    }

    /** A DNS-1123 subdomain (names of claims): lower case, '-' and '.', at most 253 characters. */
    static String dnsSubdomain(String name) {
        String label =
                name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.-]", "-").replaceAll("^[-.]+|[-.]+$", "");
        return label.length() > 253 ? label.substring(0, 253) : label;
    }
}
