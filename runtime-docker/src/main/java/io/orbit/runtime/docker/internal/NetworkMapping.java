package io.orbit.runtime.docker.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.orbit.runtime.NetworkDetails;
import io.orbit.runtime.NetworkSpec;
import io.orbit.runtime.docker.internal.DockerErrors.Target;
import io.orbit.runtime.http.EngineResponse;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Networks. Every user-defined bridge network in Docker has the embedded DNS server (127.0.0.11), so containers on it
 * resolve each other's names and aliases; only the default {@code bridge}, {@code host} and {@code none} lack it.
 */
public final class NetworkMapping {

    private NetworkMapping() {}

    /** The body of {@code POST /networks/create}; {@code CheckDuplicate} makes a taken name a 409. */
    public static Object create(NetworkSpec spec) {
        return new Create(spec.name(), "bridge", true, spec.labels());
    }

    /** The created network, from the spec and the id of the 201 answer. */
    public static NetworkDetails created(Target target, NetworkSpec spec, EngineResponse response) {
        Created created = DockerApi.decode(target, response, Created.class);
        return new NetworkDetails(created.id(), spec.name(), true, spec.labels());
    }

    /** Maps {@code GET /networks?filters=…}. */
    public static List<NetworkDetails> list(Target target, EngineResponse response) {
        return Arrays.stream(DockerApi.decode(target, response, Network[].class))
                .map(network -> new NetworkDetails(
                        network.id(), network.name(), hasDns(network), ContainerMapping.orEmpty(network.labels())))
                .toList();
    }

    private static boolean hasDns(Network network) {
        return !network.name().equals("bridge") && !"host".equals(network.driver()) && !"null".equals(network.driver());
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Create(
            @JsonProperty("Name") String name,
            @JsonProperty("Driver") String driver,
            @JsonProperty("CheckDuplicate") boolean checkDuplicate,
            @JsonProperty("Labels") Map<String, String> labels) {}

    record Created(@JsonProperty("Id") String id) {}

    record Network(
            @JsonProperty("Id") String id,
            @JsonProperty("Name") String name,
            @JsonProperty("Driver") @Nullable String driver,
            @JsonProperty("Labels") @Nullable Map<String, String> labels) {}
}
