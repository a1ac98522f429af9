package io.orbit.interop;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The Compose fixtures under src/test/resources/compose and the examples/ of the repository. */
public final class Fixtures {

    /** The environment every import test runs with: fixed, so the results do not depend on the machine's. */
    public static final Map<String, String> ENVIRONMENT = Map.of("LOG_LEVEL", "debug", "APP_TAG", "latest");

    private Fixtures() {}

    public static Path composeRoot() {
        try {
            return Path.of(Fixtures.class.getResource("/compose").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every fixture's compose.yaml, in name order. */
    public static List<Path> composeFiles() throws IOException {
        try (Stream<Path> dirs = Files.list(composeRoot())) {
            return dirs.sorted().map(dir -> dir.resolve("compose.yaml")).toList();
        }
    }

    public static Path compose(String name) {
        return composeRoot().resolve(name).resolve("compose.yaml");
    }

    /** The repository's examples/ directory (the module runs in interop/). */
    public static Path examples() {
        Path here = Path.of("").toAbsolutePath();
        Path examples = here.resolveSibling("examples");
        return Files.isDirectory(examples) ? examples : here.resolve("examples");
    }
}
