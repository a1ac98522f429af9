package io.orbit.runtime.docker.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.orbit.runtime.ContainerDetails;
import io.orbit.runtime.ContainerState;
import io.orbit.runtime.OomStatus;
import io.orbit.runtime.http.Json;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Catches the OOM kills dockerd misses. On cgroup v1 a process the kernel OOM-kills within milliseconds of its start
 * can die with 137 while Docker sets no {@code OOMKilled} and emits no oom event, apparently because the OOM notifier
 * is registered only after the task starts. Measured with {@code dd bs=64M} under a 16 MiB limit: 3 of 35 kills
 * missed on a busy host (the kernel log showed every one), none of 25 once {@code dd} started 0.3 s late.
 *
 * <p>So when a memory-limited container exited with 137 right after its start and Docker saw no OOM, its event
 * history decides: a SIGKILL that Docker did not send (no kill event between start and exit) is the kernel's OOM
 * killer. Docker keeps only its last 256 events; when the container's start event has already dropped out, Docker's
 * own verdict stands.
 */
public final class OomInference {

    private static final int SIGKILL_EXIT_CODE = 137;
    /**
     * How long after start an OOM kill may go unseen. The missed kills measured died 30 ms after start; the margin
     * covers a loaded host, and later exits keep Docker's verdict without an extra call.
     */
    static final Duration MONITOR_BLIND_SPOT = Duration.ofSeconds(2);

    private OomInference() {}

    /**
     * True when Docker reports no OOM but the exit looks like one its monitor may have missed: a memory-limited
     * container SIGKILLed so soon after its start that the notifier may not have been registered yet.
     */
    public static boolean worthChecking(ContainerDetails details) {
        return details.oom() == OomStatus.NOT_KILLED
                && details.exitCode() == SIGKILL_EXIT_CODE
                && (details.state() == ContainerState.EXITED || details.state() == ContainerState.DEAD)
                && details.limits().memoryBytes() > 0
                && ranBriefly(details);
    }

    private static boolean ranBriefly(ContainerDetails details) {
        if (details.startedAt().isEmpty() || details.finishedAt().isEmpty()) {
            return false;
        }
        Duration ran =
                Duration.between(details.startedAt().get(), details.finishedAt().get());
        return ran.compareTo(MONITOR_BLIND_SPOT) < 0;
    }

    /** The query of {@code GET /events} returning this container's start, kill and oom events up to now. */
    public static String historyQuery(ContainerDetails details, Instant now) {
        Instant since = details.startedAt().orElseThrow().minusSeconds(1);
        String filters = DockerApi.filters(Map.of(
                "type", List.of("container"),
                "container", List.of(details.id()),
                "event", List.of("start", "kill", "oom")));
        return "since=" + seconds(since) + "&until=" + seconds(now) + "&filters=" + filters;
    }

    /** The verdict from the history (concatenated event objects, as {@code GET /events} with {@code until} sends). */
    public static OomStatus fromHistory(byte[] history) {
        Set<String> actions = new HashSet<>();
        try {
            Iterator<JsonNode> events = Json.objects(new ByteArrayInputStream(history));
            events.forEachRemaining(event -> actions.add(event.path("Action").asText("")));
        } catch (IOException | RuntimeException unreadable) {
            return OomStatus.NOT_KILLED; // no evidence against Docker's own verdict
        }
        if (actions.contains("oom")) {
            return OomStatus.KILLED;
        }
        if (!actions.contains("start") || actions.contains("kill")) {
            return OomStatus.NOT_KILLED; // history lost, or Docker sent the kill (stop, kill, remove)
        }
        return OomStatus.KILLED;
    }

    public static ContainerDetails withOom(ContainerDetails details, OomStatus oom) {
        return new ContainerDetails(
                details.id(),
                details.name(),
                details.image(),
                details.imageId(),
                details.state(),
                details.exitCode(),
                oom,
                details.error(),
                details.labels(),
                details.networkAddresses(),
                details.publishedPorts(),
                details.startedAt(),
                details.finishedAt(),
                details.limits(),
                details.pid());
    }

    private static String seconds(Instant instant) {
        return "%d.%09d".formatted(instant.getEpochSecond(), instant.getNano());
    }
}
