package io.orbit.runtime.docker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orbit.runtime.ConflictException;
import io.orbit.runtime.ContainerRuntimeException;
import io.orbit.runtime.ImagePullException;
import io.orbit.runtime.NotFoundException;
import io.orbit.runtime.ResourceKind;
import io.orbit.runtime.RuntimeApiException;
import io.orbit.runtime.docker.internal.DockerErrors.Target;
import io.orbit.runtime.http.EngineResponse;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The status table, with the messages dockerd 20.10.24 really sent (recorded with curl on the socket). */
class DockerErrorsTest {

    private static final String ID = "7e3d331df047303ce4778159f49c53e11cae90d42d161858b8190c95102becb1";

    private static Target container(String operation, String name) {
        return new Target(operation, ResourceKind.CONTAINER, name);
    }

    static Stream<Arguments> notFound() {
        return Stream.of(
                Arguments.of(
                        container("inspect container", "nosuch"),
                        "No such container: nosuch",
                        ResourceKind.CONTAINER,
                        "nosuch"),
                Arguments.of(
                        container("kill container", "nosuch"),
                        "Cannot kill container: nosuch: No such container: nosuch",
                        ResourceKind.CONTAINER,
                        "nosuch"),
                Arguments.of(
                        container("create container", "web-1"),
                        "No such image: localhost/orbit-no-such-image:never",
                        ResourceKind.IMAGE,
                        "localhost/orbit-no-such-image:never"),
                Arguments.of(
                        new Target("inspect image", ResourceKind.IMAGE, "localhost/orbit-no-such-image:never"),
                        "no such image: localhost/orbit-no-such-image:never: No such image: localhost/orbit-no-such-image:never",
                        ResourceKind.IMAGE,
                        "localhost/orbit-no-such-image:never"),
                Arguments.of(
                        container("start container", ID), "network nonet not found", ResourceKind.NETWORK, "nonet"),
                Arguments.of(
                        new Target("remove network", ResourceKind.NETWORK, "nonet"),
                        "network nonet not found",
                        ResourceKind.NETWORK,
                        "nonet"),
                Arguments.of(
                        new Target("remove volume", ResourceKind.VOLUME, "nosuch"),
                        "get nosuch: no such volume",
                        ResourceKind.VOLUME,
                        "nosuch"),
                Arguments.of(
                        new Target("inspect exec", ResourceKind.EXEC, "e06b"),
                        "No such exec instance: e06b",
                        ResourceKind.EXEC,
                        "e06b"));
    }

    @ParameterizedTest
    @MethodSource
    void notFound(Target target, String message, ResourceKind kind, String name) {
        assertThat(DockerErrors.toException(target, 404, message))
                .isInstanceOfSatisfying(NotFoundException.class, notFound -> {
                    assertThat(notFound.kind()).isEqualTo(kind);
                    assertThat(notFound.name()).isEqualTo(name);
                    assertThat(notFound.getMessage()).contains(message);
                });
    }

    static Stream<Arguments> conflict() {
        return Stream.of(
                Arguments.of(
                        container("create container", "orbit-rec-c"),
                        409,
                        "Conflict. The container name \"/orbit-rec-c\" is already in use by container \"" + ID
                                + "\". You have to remove (or rename) that container to be able to reuse that name.",
                        ResourceKind.CONTAINER),
                Arguments.of(
                        container("kill container", ID),
                        409,
                        "Cannot kill container: " + ID + ": Container " + ID + " is not running",
                        ResourceKind.CONTAINER),
                Arguments.of(
                        container("exec in container", ID),
                        409,
                        "Container " + ID + " is not running",
                        ResourceKind.CONTAINER),
                Arguments.of(
                        new Target("create network", ResourceKind.NETWORK, "orbit-rec-net"),
                        409,
                        "network with name orbit-rec-net already exists",
                        ResourceKind.NETWORK),
                Arguments.of(
                        new Target("remove network", ResourceKind.NETWORK, "orbit-rec-net"),
                        403,
                        "error while removing network: network orbit-rec-net id 9f3443fd has active endpoints",
                        ResourceKind.NETWORK),
                Arguments.of(
                        new Target("remove volume", ResourceKind.VOLUME, "orbit-rec-vol"),
                        409,
                        "remove orbit-rec-vol: volume is in use - [" + ID + "]",
                        ResourceKind.VOLUME));
    }

    @ParameterizedTest
    @MethodSource
    void conflict(Target target, int status, String message, ResourceKind kind) {
        assertThat(DockerErrors.toException(target, status, message))
                .isInstanceOfSatisfying(ConflictException.class, conflict -> {
                    assertThat(conflict.kind()).isEqualTo(kind);
                    assertThat(conflict.name()).isEqualTo(target.name());
                    assertThat(conflict.getMessage()).contains(message);
                });
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 500, 501, 503})
    void otherStatusesAreApiErrorsKeepingStatusAndMessage(int status) {
        String message = "failed to create shim task: OCI runtime create failed: exec: \"/nope\": stat /nope";

        assertThat(DockerErrors.toException(container("start container", ID), status, message))
                .isInstanceOfSatisfying(RuntimeApiException.class, failure -> {
                    assertThat(failure.status()).isEqualTo(status);
                    assertThat(failure.body()).isEqualTo(message);
                    assertThat(failure.operation()).isEqualTo("start container " + ID);
                });
    }

    @ParameterizedTest
    @ValueSource(ints = {200, 201, 204, 304})
    void successAndNotModifiedPassThrough(int status) {
        EngineResponse response = new EngineResponse(status, new byte[0]);

        assertThat(DockerErrors.check(container("start container", ID), response))
                .isSameAs(response);
    }

    @Test
    void checkThrowsTheMappedExceptionWithTheEngineMessage() {
        EngineResponse response =
                new EngineResponse(404, "{\"message\":\"No such container: nosuch\"}".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> DockerErrors.check(container("start container", "nosuch"), response))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("No such container: nosuch");
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 401, 404, 500})
    void everyFailedPullIsAnImagePullFailure(int status) {
        String message = "Get \"http://127.0.0.1:5999/v2/\": dial tcp 127.0.0.1:5999: connect: connection refused";

        ContainerRuntimeException failure = DockerErrors.pullFailure("127.0.0.1:5999/orbit/nothing:1", status, message);

        assertThat(failure).isInstanceOfSatisfying(ImagePullException.class, pull -> {
            assertThat(pull.reference()).isEqualTo("127.0.0.1:5999/orbit/nothing:1");
            assertThat(pull.getMessage()).contains("connection refused").contains(String.valueOf(status));
        });
    }
}
