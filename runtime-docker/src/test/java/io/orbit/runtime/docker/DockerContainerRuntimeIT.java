package io.orbit.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orbit.runtime.ContainerDetails;
import io.orbit.runtime.ContainerRuntime;
import io.orbit.runtime.ContainerRuntimeContract;
import io.orbit.runtime.ContainerState;
import io.orbit.runtime.EngineSockets;
import io.orbit.runtime.ExecResult;
import io.orbit.runtime.NetworkAttachment;
import io.orbit.runtime.NetworkSpec;
import io.orbit.runtime.NotFoundException;
import io.orbit.runtime.OomStatus;
import io.orbit.runtime.ResourceKind;
import io.orbit.runtime.ResourceLimits;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The port's contract against the real dockerd on {@code $ORBIT_DOCKER_SOCKET} (default /var/run/docker.sock), plus
 * the Docker-only paths the contract cannot reach: exec timeouts, networks joined after create, a network that
 * Docker only misses at start, and the OOM check against Docker's event history.
 */
@Tag("container-engine")
class DockerContainerRuntimeIT extends ContainerRuntimeContract {

    @Override
    protected ContainerRuntime createRuntime() {
        return DockerContainerRuntime.open(EngineSockets.docker());
    }

    @Test
    void anExecThatOutlivesItsTimeoutReports124() {
        String id = runtime().createContainer(container("exectimeout").build());
        runtime().startContainer(id);

        long started = System.nanoTime();
        ExecResult result = runtime().exec(id, List.of("sleep", "30"), Duration.ofMillis(500));

        assertThat(result.exitCode()).isEqualTo(124);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aContainerJoinsEveryNetworkWithItsAliases() {
        String front = uniqueName("front");
        String back = uniqueName("back");
        runtime().createNetwork(new NetworkSpec(front, Map.of(RUN_LABEL, runId())));
        runtime().createNetwork(new NetworkSpec(back, Map.of(RUN_LABEL, runId())));
        String server = runtime()
                .createContainer(container("twonets")
                        .network(NetworkAttachment.of(front, "web-front"))
                        .network(NetworkAttachment.of(back, "web-back"))
                        .build());
        runtime().startContainer(server);
        String client = runtime()
                .createContainer(container("backclient")
                        .command(SLEEP_FOREVER)
                        .network(NetworkAttachment.of(back))
                        .build());
        runtime().startContainer(client);

        assertThat(runtime().inspectContainer(server).networkAddresses()).containsKeys(front, back);
        ExecResult fetched = await(
                "web-back to answer",
                () -> runtime()
                        .exec(
                                client,
                                List.of("sh", "-c", "timeout 5 wget -qO- http://web-back:8080/"),
                                Duration.ofSeconds(10)),
                ExecResult::succeeded);
        assertThat(fetched.stdout()).contains("orbit fixture ok");
    }

    @Test
    void aMissingNetworkIsNotFoundWhenTheContainerStarts() {
        // dockerd 20.10 accepts an unknown network at create and only fails at start, with 404 "network X not found".
        String missing = uniqueName("nonet");
        String id = runtime()
                .createContainer(container("onmissing")
                        .network(NetworkAttachment.of(missing))
                        .build());

        assertThatThrownBy(() -> runtime().startContainer(id))
                .isInstanceOfSatisfying(NotFoundException.class, notFound -> {
                    assertThat(notFound.kind()).isEqualTo(ResourceKind.NETWORK);
                    assertThat(notFound.name()).isEqualTo(missing);
                });
    }

    @Test
    void aContainerDockerKilledRightAfterStartIsNotAnOomKill() {
        // Exit 137 within the OOM monitor's blind spot: the adapter asks Docker's event history, which shows the kill.
        String id = runtime()
                .createContainer(container("earlykill")
                        .command(SLEEP_FOREVER)
                        .limits(new ResourceLimits(64L * 1024 * 1024, 0))
                        .build());
        runtime().startContainer(id);
        runtime().killContainer(id, "SIGKILL");

        ContainerDetails killed = awaitState(id, ContainerState.EXITED);

        assertThat(killed.exitCode()).isEqualTo(137);
        assertThat(killed.oom()).isEqualTo(OomStatus.NOT_KILLED);
    }
}
