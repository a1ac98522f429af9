package io.orbit.runtime.docker.internal;

import static java.util.Objects.requireNonNull;

import io.orbit.runtime.ConflictException;
import io.orbit.runtime.ContainerRuntimeException;
import io.orbit.runtime.ImagePullException;
import io.orbit.runtime.NotFoundException;
import io.orbit.runtime.ResourceKind;
import io.orbit.runtime.RuntimeApiException;
import io.orbit.runtime.http.EngineResponse;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one place where Docker's status codes become the port's exceptions (docs/RUNTIME-FACTS.md §2):
 *
 * <ul>
 *   <li>2xx is success; 304 ("already started", "already stopped") is a no-op, so success too;
 *   <li>404 is {@link NotFoundException}: of the kind the engine's message names ("No such image: X" on create,
 *       "network X not found" on start), else of the call's target;
 *   <li>409 is {@link ConflictException}: a taken name, a container that is not running (kill, exec), a volume in
 *       use, a duplicate network;
 *   <li>403 is {@link ConflictException} too: Docker forbids removing a network with active endpoints this way;
 *   <li>anything else is {@link RuntimeApiException}, keeping status and message for the operator;
 *   <li>any failure of a pull is {@link ImagePullException} (an unreachable registry answers 500 at once).
 * </ul>
 *
 * Connection failures never get here: {@code EngineHttpClient} raises them as {@code RuntimeUnavailableException}.
 */
public final class DockerErrors {

    private static final Pattern MISSING_NETWORK = Pattern.compile("network (\\S+) not found");
    private static final String MISSING_IMAGE = "no such image: ";

    /**
     * What a call was about, naming the object in the exception when the engine's message does not.
     *
     * @param operation for messages, e.g. "start container"
     */
    public record Target(String operation, ResourceKind kind, String name) {
        public Target {
            requireNonNull(operation, "operation is null");
            requireNonNull(kind, "kind is null");
            requireNonNull(name, "name is null");
        }
    }

    private DockerErrors() {}

    /** True for the statuses that mean the call did what was asked (or there was nothing to do). */
    public static boolean isSuccess(int status) {
        return (status >= 200 && status < 300) || status == 304;
    }

    /** Returns the response when it is a success, throws the mapped exception otherwise. */
    public static EngineResponse check(Target target, EngineResponse response) {
        if (isSuccess(response.status())) {
            return response;
        }
        throw toException(target, response.status(), response.errorMessage());
    }

    /** The exception for a failed call; see the class comment for the table. */
    public static ContainerRuntimeException toException(Target target, int status, String message) {
        return switch (status) {
            case 404 -> notFound(target, message);
            case 403, 409 -> new ConflictException(target.kind(), target.name(), message);
            default -> new RuntimeApiException(target.operation() + " " + target.name(), status, message);
        };
    }

    /** Every failed pull, whatever the status: the port promises one type for "cannot get that image". */
    public static ImagePullException pullFailure(String reference, int status, String message) {
        return new ImagePullException(reference, "engine answered %d: %s".formatted(status, message));
    }

    private static NotFoundException notFound(Target target, String message) {
        Matcher network = MISSING_NETWORK.matcher(message);
        if (network.find()) {
            return new NotFoundException(ResourceKind.NETWORK, network.group(1), message);
        }
        // Docker repeats itself on image inspect ("no such image: X: No such image: X"): the last mention is clean.
        int image = message.toLowerCase(Locale.ROOT).lastIndexOf(MISSING_IMAGE);
        if (image >= 0) {
            String reference = message.substring(image + MISSING_IMAGE.length()).strip();
            return new NotFoundException(ResourceKind.IMAGE, reference, message);
        }
        return new NotFoundException(target.kind(), target.name(), message);
    }
}
