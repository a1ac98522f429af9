package io.orbit.runtime;

/** The kind of engine object an error is about. */
public enum ResourceKind {
    CONTAINER,
    IMAGE,
    NETWORK,
    VOLUME,
    EXEC,
    SECRET;

    /** Lower-case word for messages. */
    public String word() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
