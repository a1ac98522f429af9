package io.orbit.runtime;

import java.util.Map;
import java.util.TreeMap;

/** Selects objects carrying every one of these labels with exactly these values (labels are ANDed). */
public record LabelSelector(Map<String, String> labels) {

    public LabelSelector {
        labels = Map.copyOf(labels);
        if (labels.isEmpty()) {
            throw new IllegalArgumentException(
                    "a label selector needs at least one label: orbit never lists objects it does not own");
        }
    }

    public static LabelSelector of(String key, String value) {
        return new LabelSelector(Map.of(key, value));
    }

    public static LabelSelector of(String key, String value, String key2, String value2) {
        return new LabelSelector(Map.of(key, value, key2, value2));
    }

    public boolean matches(Map<String, String> objectLabels) {
        return labels.entrySet().stream().allMatch(label -> label.getValue().equals(objectLabels.get(label.getKey())));
    }

    /** The labels as {@code key=value} strings in a stable order, as the engines' filters take them. */
    public java.util.List<String> asFilterValues() {
        return new TreeMap<>(labels)
                .entrySet().stream()
                        .map(label -> label.getKey() + "=" + label.getValue())
                        .toList();
    }
}
