package io.orbit.runtime;

/** The lifecycle state of a container, normalised across engines. */
public enum ContainerState {
    CREATED,
    RUNNING,
    PAUSED,
    RESTARTING,
    /** Stopped or exited: it ran and ended (Podman's "stopped", "exited"; Docker's "exited"). */
    EXITED,
    REMOVING,
    DEAD,
    UNKNOWN;

    /** Maps the engines' status words ("running", "exited", Podman's "configured", "stopped", ...). */
    public static ContainerState fromEngineStatus(String status) {
        return switch (status.toLowerCase(java.util.Locale.ROOT)) {
            case "created", "configured", "initialized" -> CREATED;
            case "running" -> RUNNING;
            case "paused" -> PAUSED;
            case "restarting" -> RESTARTING;
            case "exited", "stopped", "stopping" -> EXITED;
            case "removing" -> REMOVING;
            case "dead" -> DEAD;
            default -> UNKNOWN;
        };
    }

    public boolean isRunning() {
        return this == RUNNING;
    }
}
