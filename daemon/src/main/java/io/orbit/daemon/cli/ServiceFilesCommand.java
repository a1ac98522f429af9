package io.orbit.daemon.cli;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Parameters;

/** A command that reads the service files in DIR ({@code orbit validate}, {@code orbit plan}). */
abstract class ServiceFilesCommand extends OrbitSubcommand {

    @Parameters(
            index = "0",
            arity = "0..1",
            paramLabel = "DIR",
            description =
                    "Default: the config directory of the daemon that answers on the control socket, else -c (configs).")
    @Nullable
    Path directory;

    /** DIR, else the daemon's config directory (-c, orbit.yaml's config_dir, or configs). */
    Path directory() {
        return directory != null ? directory : parent.configDirectory;
    }
}
