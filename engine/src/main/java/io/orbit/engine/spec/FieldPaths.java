package io.orbit.engine.spec;

import java.util.regex.Pattern;

/**
 * Builds the field paths of {@link SpecProblem}: {@code spec.containers[0].ports[1].node_port}. A map key that is not a
 * plain word is quoted ({@code volumes.config.files["../etc/passwd"]}) so the path stays unambiguous.
 */
public final class FieldPaths {

    private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z0-9_-]+");

    private FieldPaths() {}

    /** {@code parent.key}, or {@code key} at the top level. */
    public static String child(String parent, String key) {
        if (!PLAIN_KEY.matcher(key).matches()) {
            return parent + "[\"" + key.replace("\\", "\\\\").replace("\"", "\\\"") + "\"]";
        }
        return parent.isEmpty() ? key : parent + "." + key;
    }

    /** {@code parent[index]}. */
    public static String index(String parent, int index) {
        return parent + "[" + index + "]";
    }
}
