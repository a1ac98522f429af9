package io.orbit.runtime.docker.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.orbit.runtime.VolumeDetails;
import io.orbit.runtime.VolumeSpec;
import io.orbit.runtime.docker.internal.DockerErrors.Target;
import io.orbit.runtime.http.EngineResponse;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Named volumes. {@code POST /volumes/create} with a taken name answers 201 with the existing volume, labels
 * unchanged, which is exactly the port's "create or return the existing one".
 */
public final class VolumeMapping {

    private VolumeMapping() {}

    public static Object create(VolumeSpec spec) {
        return new Create(spec.name(), spec.driver(), spec.driverOptions(), spec.labels());
    }

    /** Maps the answer of create and of {@code GET /volumes/{name}}. */
    public static VolumeDetails details(Target target, EngineResponse response) {
        Volume volume = DockerApi.decode(target, response, Volume.class);
        return new VolumeDetails(
                volume.name(),
                volume.driver() == null ? "local" : volume.driver(),
                volume.mountpoint() == null ? "" : volume.mountpoint(),
                ContainerMapping.orEmpty(volume.labels()));
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Create(
            @JsonProperty("Name") String name,
            @JsonProperty("Driver") String driver,
            @JsonProperty("DriverOpts") Map<String, String> driverOpts,
            @JsonProperty("Labels") Map<String, String> labels) {}

    record Volume(
            @JsonProperty("Name") String name,
            @JsonProperty("Driver") @Nullable String driver,
            @JsonProperty("Mountpoint") @Nullable String mountpoint,
            @JsonProperty("Labels") @Nullable Map<String, String> labels) {}
}
