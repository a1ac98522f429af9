package io.orbit.engine.health;

import io.orbit.runtime.ContainerDetails;
import io.orbit.runtime.OomStatus;

/**
 * Why a container's run ended, as far as the engine tells or we can infer.
 *
 * @param oomKilled the kernel's OOM killer ended it (reported or inferred)
 * @param inferred the OOM kill is our inference: Podman on cgroup v1 reports neither an oom event nor {@code
 *     OOMKilled}, so an exit of 137 (SIGKILL) of a container with a memory limit that nobody stopped is taken for one
 */
public record ExitCause(int exitCode, boolean oomKilled, boolean inferred, String description) {

    static final int SIGKILL_EXIT = 137;

    /** @param memoryLimitBytes the limit the container was created with, 0 when unlimited */
    public static ExitCause of(ContainerDetails details, long memoryLimitBytes) {
        int code = details.exitCode();
        String error = details.error().isBlank() ? "" : " (" + details.error().strip() + ")";
        if (details.oom() == OomStatus.KILLED) {
            return new ExitCause(
                    code, true, false, "OOM-killed: exceeded its memory limit (exit code " + code + ")" + error);
        }
        if (details.oom() == OomStatus.UNKNOWN && code == SIGKILL_EXIT && memoryLimitBytes > 0) {
            return new ExitCause(
                    code,
                    true,
                    true,
                    "OOM-killed (inferred: killed by SIGKILL, exit code 137, under a %d MiB memory limit; this engine cannot report OOM kills on cgroup v1)"
                            .formatted(memoryLimitBytes / (1024 * 1024)));
        }
        return new ExitCause(code, false, false, "exited with code " + code + error);
    }
}
