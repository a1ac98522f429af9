package io.orbit.runtime.podman.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.orbit.runtime.CapabilityUnavailableException;
import io.orbit.runtime.ConflictException;
import io.orbit.runtime.ContainerRuntimeException;
import io.orbit.runtime.EngineInfo;
import io.orbit.runtime.ImagePullException;
import io.orbit.runtime.NotFoundException;
import io.orbit.runtime.ResourceKind;
import io.orbit.runtime.RuntimeApiException;
import io.orbit.runtime.http.Json;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The one place where Podman's answers become the port's exceptions.
 *
 * <p>Podman's status codes do not say enough: it answers 500 for a taken name, a container in the wrong state, a
 * network in use and a missing image on create, where Docker answers 409 or 404. Its error body, {@code
 * {"cause","message","response"}}, carries a stable {@code cause} (the text of a libpod sentinel error such as
 * {@code container state improper}), so the cause decides first and the status code only when the cause is unknown.
 * Causes below were recorded from Podman 4.3.1 (see the unit test).
 */
public final class PodmanErrors {

    private record Cause(String text, ResourceKind kind) {}

    private static final List<Cause> NOT_FOUND = List.of(
            new Cause("no such container", ResourceKind.CONTAINER),
            new Cause("image not known", ResourceKind.IMAGE),
            new Cause("no such image", ResourceKind.IMAGE),
            new Cause("network not found", ResourceKind.NETWORK),
            new Cause("no such network", ResourceKind.NETWORK),
            new Cause("no such volume", ResourceKind.VOLUME),
            new Cause("no such exec", ResourceKind.EXEC));

    private static final List<Cause> CONFLICT = List.of(
            new Cause("container state improper", ResourceKind.CONTAINER),
            new Cause("network already exists", ResourceKind.NETWORK),
            new Cause("network is being used", ResourceKind.NETWORK),
            new Cause("volume already exists", ResourceKind.VOLUME),
            new Cause("volume is being used", ResourceKind.VOLUME));

    /** libpod's sentinel for a taken name; it is the same for containers, pods and volumes. */
    private static final String NAME_IN_USE = "name is already in use";

    private PodmanErrors() {}

    /** 2xx, and 304: libpod's answer to starting a running or stopping a stopped container, a no-op for the port. */
    public static boolean isSuccess(int status) {
        return (status >= 200 && status < 300) || status == 304;
    }

    /** The exception for an answer that {@link #isSuccess} rejected. */
    public static ContainerRuntimeException toException(
            PodmanOperation operation, Subject subject, int status, String body) {
        String cause = causeOf(body).toLowerCase(Locale.ROOT);
        String message = messageOf(body);
        if (operation == PodmanOperation.PULL_IMAGE) {
            return new ImagePullException(subject.name(), "podman answered %d: %s".formatted(status, message));
        }
        if (operation == PodmanOperation.STATS && status == 409) {
            return new CapabilityUnavailableException(
                    EngineInfo.Capability.STATS,
                    "podman answered 409: " + message
                            + " (rootless Podman on cgroup v1 has no per-container stats; run Podman rootful or on"
                            + " cgroup v2, or scale on latency and concurrency instead)");
        }
        Optional<ResourceKind> missing = match(NOT_FOUND, cause);
        if (missing.isPresent()) {
            return new NotFoundException(missing.get(), subject.nameFor(missing.get()), message);
        }
        Optional<ResourceKind> conflicting = match(CONFLICT, cause);
        if (conflicting.isEmpty() && cause.contains(NAME_IN_USE)) {
            conflicting = Optional.ofNullable(operation.kind());
        }
        if (conflicting.isPresent()) {
            return new ConflictException(conflicting.get(), subject.nameFor(conflicting.get()), message);
        }
        return byStatus(operation, subject, status, body, message);
    }

    private static ContainerRuntimeException byStatus(
            PodmanOperation operation, Subject subject, int status, String body, String message) {
        ResourceKind kind = operation.kind();
        if (kind != null && status == 404) {
            return new NotFoundException(kind, subject.nameFor(kind), message);
        }
        if (kind != null && status == 409) {
            return new ConflictException(kind, subject.nameFor(kind), message);
        }
        return new RuntimeApiException(operation.describe(subject.name()), status, body);
    }

    private static Optional<ResourceKind> match(List<Cause> causes, String cause) {
        return causes.stream()
                .filter(known -> cause.contains(known.text()))
                .map(Cause::kind)
                .findFirst();
    }

    /** libpod's {@code cause}; older or proxied answers may only have {@code message}, which then has to do. */
    private static String causeOf(String body) {
        JsonNode error = parse(body);
        String cause = error.path("cause").asText("");
        return cause.isBlank() ? error.path("message").asText(body) : cause;
    }

    private static String messageOf(String body) {
        return parse(body).path("message").asText(body.strip());
    }

    private static JsonNode parse(String body) {
        try {
            JsonNode node = Json.MAPPER.readTree(body);
            return node == null ? Json.MAPPER.missingNode() : node;
        } catch (IOException notJson) {
            return Json.MAPPER.missingNode();
        }
    }
}
