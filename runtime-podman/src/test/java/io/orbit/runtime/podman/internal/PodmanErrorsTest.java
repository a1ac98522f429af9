package io.orbit.runtime.podman.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.orbit.runtime.CapabilityUnavailableException;
import io.orbit.runtime.ConflictException;
import io.orbit.runtime.ContainerRuntimeException;
import io.orbit.runtime.EngineInfo;
import io.orbit.runtime.ImagePullException;
import io.orbit.runtime.NotFoundException;
import io.orbit.runtime.ResourceKind;
import io.orbit.runtime.RuntimeApiException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The failure answers Podman 4.3.1 gave on this machine (bodies recorded with curl) and the exception each becomes,
 * plus the fallbacks for answers whose cause the table does not know.
 */
class PodmanErrorsTest {

    private static final Subject NEW_CONTAINER = Subject.of("web-1").and(ResourceKind.IMAGE, "localhost/app:1");

    static Stream<Arguments> notFound() {
        return Stream.of(
                Arguments.of(
                        PodmanOperation.INSPECT_CONTAINER,
                        Subject.of("ghost"),
                        404,
                        body("no such container", "no container with name or ID \"ghost\" found: no such container"),
                        ResourceKind.CONTAINER,
                        "ghost"),
                // create answers 500, not 404, for a missing image, and names the image only in the message
                Arguments.of(
                        PodmanOperation.CREATE_CONTAINER,
                        NEW_CONTAINER,
                        500,
                        body("image not known", "localhost/app:1: image not known"),
                        ResourceKind.IMAGE,
                        "localhost/app:1"),
                Arguments.of(
                        PodmanOperation.CREATE_CONTAINER,
                        NEW_CONTAINER.and(ResourceKind.NETWORK, "nonet"),
                        500,
                        body("network not found", "unable to find network with name or ID nonet: network not found"),
                        ResourceKind.NETWORK,
                        "nonet"),
                Arguments.of(
                        PodmanOperation.REMOVE_NETWORK,
                        Subject.of("gone-net"),
                        404,
                        body("network not found", "unable to find network with name or ID gone-net: network not found"),
                        ResourceKind.NETWORK,
                        "gone-net"),
                Arguments.of(
                        PodmanOperation.REMOVE_VOLUME,
                        Subject.of("gone-vol"),
                        404,
                        body("no such volume", "no volume with name \"gone-vol\" found: no such volume"),
                        ResourceKind.VOLUME,
                        "gone-vol"),
                Arguments.of(
                        PodmanOperation.INSPECT_IMAGE,
                        Subject.of("localhost/none:1"),
                        404,
                        body("image not known", "failed to find image localhost/none:1: image not known"),
                        ResourceKind.IMAGE,
                        "localhost/none:1"),
                Arguments.of(
                        PodmanOperation.INSPECT_EXEC,
                        Subject.of("abc"),
                        404,
                        body("no such exec session", "no exec session with ID abc found: no such exec session"),
                        ResourceKind.EXEC,
                        "abc"),
                // Podman's plain-text answer to a path it does not route: the operation's kind decides
                Arguments.of(
                        PodmanOperation.STOP_CONTAINER,
                        Subject.of("x"),
                        404,
                        "Not Found",
                        ResourceKind.CONTAINER,
                        "x"));
    }

    @ParameterizedTest
    @MethodSource
    void notFound(PodmanOperation operation, Subject subject, int status, String body, ResourceKind kind, String name) {
        assertThat(PodmanErrors.toException(operation, subject, status, body))
                .isInstanceOfSatisfying(NotFoundException.class, notFound -> {
                    assertThat(notFound.kind()).isEqualTo(kind);
                    assertThat(notFound.name()).isEqualTo(name);
                });
    }

    static Stream<Arguments> conflict() {
        return Stream.of(
                Arguments.of(
                        PodmanOperation.CREATE_CONTAINER,
                        NEW_CONTAINER,
                        500,
                        body(
                                "that name is already in use",
                                "creating container storage: the container name \"web-1\" is already in use by 6bb0f."
                                        + " You have to remove that container to be able to reuse that name: that"
                                        + " name is already in use"),
                        ResourceKind.CONTAINER,
                        "web-1"),
                Arguments.of(
                        PodmanOperation.KILL_CONTAINER,
                        Subject.of("c1"),
                        500,
                        body(
                                "container state improper",
                                "can only kill running containers. c1 is in state created: container state improper"),
                        ResourceKind.CONTAINER,
                        "c1"),
                Arguments.of(
                        PodmanOperation.CREATE_EXEC,
                        Subject.of("c1"),
                        500,
                        body(
                                "container state improper",
                                "can only create exec sessions on running containers: container state improper"),
                        ResourceKind.CONTAINER,
                        "c1"),
                Arguments.of(
                        PodmanOperation.CREATE_NETWORK,
                        Subject.of("net"),
                        409,
                        body("network already exists", "network name net already used: network already exists"),
                        ResourceKind.NETWORK,
                        "net"),
                Arguments.of(
                        PodmanOperation.REMOVE_NETWORK,
                        Subject.of("net"),
                        500,
                        body(
                                "network is being used",
                                "\"net\" has associated containers with it. Use -f to forcibly delete containers and"
                                        + " pods: network is being used"),
                        ResourceKind.NETWORK,
                        "net"),
                Arguments.of(
                        PodmanOperation.CREATE_VOLUME,
                        Subject.of("vol"),
                        500,
                        body("volume already exists", "volume with name vol already exists: volume already exists"),
                        ResourceKind.VOLUME,
                        "vol"),
                Arguments.of(
                        PodmanOperation.REMOVE_VOLUME,
                        Subject.of("vol"),
                        409,
                        body(
                                "volume is being used",
                                "volume vol is being used by the following container(s): e1ea2: volume is being used"),
                        ResourceKind.VOLUME,
                        "vol"),
                // an unknown cause falls back to the operation's kind
                Arguments.of(
                        PodmanOperation.START_CONTAINER,
                        Subject.of("c1"),
                        409,
                        body("something new", "something new"),
                        ResourceKind.CONTAINER,
                        "c1"));
    }

    @ParameterizedTest
    @MethodSource
    void conflict(PodmanOperation operation, Subject subject, int status, String body, ResourceKind kind, String name) {
        assertThat(PodmanErrors.toException(operation, subject, status, body))
                .isInstanceOfSatisfying(ConflictException.class, conflict -> {
                    assertThat(conflict.kind()).isEqualTo(kind);
                    assertThat(conflict.name()).isEqualTo(name);
                });
    }

    @Test
    void statsOnRootlessCgroupV1IsAnUnavailableCapability() {
        String body = body(
                "container stats resource only available for cgroup v2",
                "container stats resource only available for cgroup v2");

        assertThat(PodmanErrors.toException(PodmanOperation.STATS, Subject.of("a,b"), 409, body))
                .isInstanceOfSatisfying(CapabilityUnavailableException.class, unavailable -> {
                    assertThat(unavailable.capability()).isEqualTo(EngineInfo.Capability.STATS);
                    assertThat(unavailable.getMessage()).contains("cgroup v2");
                });
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 404, 500})
    void everyFailedPullIsAnImagePullException(int status) {
        ContainerRuntimeException failure = PodmanErrors.toException(
                PodmanOperation.PULL_IMAGE, Subject.of("reg:5000/a:1"), status, body("bad", "invalid reference"));

        assertThat(failure).isInstanceOfSatisfying(ImagePullException.class, pull -> {
            assertThat(pull.reference()).isEqualTo("reg:5000/a:1");
            assertThat(pull.getMessage()).contains("invalid reference");
        });
    }

    @Test
    void anUnknownFailureKeepsStatusAndBodyForTheOperator() {
        String body = body(
                "OCI runtime attempted to invoke a command that was not found",
                "runc: runc create failed: exec: \"/nonexistent\": stat /nonexistent: no such file or directory");

        assertThat(PodmanErrors.toException(PodmanOperation.START_CONTAINER, Subject.of("c1"), 500, body))
                .isInstanceOfSatisfying(RuntimeApiException.class, failure -> {
                    assertThat(failure.status()).isEqualTo(500);
                    assertThat(failure.body()).isEqualTo(body);
                    assertThat(failure.operation()).isEqualTo("start container 'c1'");
                });
    }

    @Test
    void aBodyThatIsNotJsonStillMaps() {
        assertThat(PodmanErrors.toException(PodmanOperation.INFO, Subject.of("podman"), 502, "Bad Gateway"))
                .isInstanceOfSatisfying(
                        RuntimeApiException.class,
                        failure -> assertThat(failure.body()).isEqualTo("Bad Gateway"));
        assertThat(PodmanErrors.toException(PodmanOperation.LIST_CONTAINERS, Subject.of("a=b"), 404, ""))
                .as("a 404 of an operation on no single object has no kind to be 'not found' of")
                .isInstanceOf(RuntimeApiException.class);
    }

    @ParameterizedTest
    @ValueSource(ints = {200, 201, 204, 304})
    void successIncludes304WhichMeansAlreadyInThatState(int status) {
        assertThat(PodmanErrors.isSuccess(status)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(ints = {100, 301, 400, 404, 409, 500, 503})
    void everythingElseFails(int status) {
        assertThat(PodmanErrors.isSuccess(status)).isFalse();
    }

    private static String body(String cause, String message) {
        return "{\"cause\":\"%s\",\"message\":\"%s\",\"response\":500}".formatted(cause, message.replace("\"", "\\\""));
    }
}
