package io.orbit.daemon.runtime;

import io.orbit.daemon.DaemonOptions;
import io.orbit.runtime.http.EngineSocketDiscovery;
import java.nio.file.Files;

final class EngineSockets {

    private EngineSockets() {}

    static EngineSocketDiscovery.Discovered discover(EngineSocketDiscovery.Engine engine, DaemonOptions options) {
        return EngineSocketDiscovery.discover(engine, options.runtimeSocket(), System.getenv(), Files::exists);
    }
}
