package io.orbit.runtime;

/** Whether the kernel's OOM killer ended a container, as far as the engine can tell. */
public enum OomStatus {
    /** The engine reports an OOM kill (Docker; Podman on cgroup v2). */
    KILLED,
    /** The engine would know and reports none. */
    NOT_KILLED,
    /**
     * The engine cannot tell: Podman on cgroup v1 neither sets {@code OOMKilled} nor emits an oom event, so an exit
     * of 137 may or may not be an OOM kill. Callers may infer it from the memory usage at the limit.
     */
    UNKNOWN
}
