package io.orbit.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.orbit.interop.compose.ComposeImporter;
import io.orbit.interop.kube.KubeExport;
import io.orbit.interop.kube.KubeExporter;
import io.orbit.interop.kube.KubeOptions;
import io.orbit.interop.kube.KubeYaml;
import io.orbit.interop.swarm.SwarmExporter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The exact bytes of an export and of an import, against files checked in under src/test/resources/golden: what a
 * change of a translation does to users' output is seen in review, and the output does not depend on the JVM (hash
 * orders). {@code -Dgolden.update=true} rewrites them.
 */
class GoldenFilesTest {

    private static final Path GOLDEN = Path.of("src", "test", "resources", "golden");
    private static final boolean UPDATE = Boolean.getBoolean("golden.update");

    private static void assertGolden(String name, String actual) throws IOException {
        Path file = GOLDEN.resolve(name);
        if (UPDATE) {
            Files.writeString(file, actual, StandardCharsets.UTF_8);
        }
        assertThat(actual).as("%s (rewrite with -Dgolden.update=true)", file).isEqualTo(Files.readString(file));
    }

    private static OrbitServices shop() {
        return OrbitServices.load(GOLDEN.resolve("services"), 4112);
    }

    @Test
    void kube() throws IOException {
        KubeExport export = new KubeExporter(KubeOptions.defaults()).export(shop().services());
        assertGolden("kube.yaml", KubeYaml.write(export.objects(), export.warnings(), "golden"));
    }

    @Test
    void kubeForPodman() throws IOException {
        KubeExport export = new KubeExporter(
                        new KubeOptions(Optional.of("shop"), KubeOptions.ServiceType.NodePort, true))
                .export(shop().services());
        assertGolden("kube-podman.yaml", KubeYaml.write(export.objects(), export.warnings(), "golden"));
    }

    @Test
    void swarm() throws IOException {
        SwarmExporter.SwarmExport export = new SwarmExporter().export(shop().services(), "stack-configs");
        StringBuilder files = new StringBuilder();
        new TreeMap<>(export.configFiles())
                .forEach((path, content) -> files.append("== ")
                        .append(path)
                        .append('\n')
                        .append(content)
                        .append('\n'));
        assertGolden("swarm.yml", export.compose());
        assertGolden("swarm-configs.txt", files.toString());
    }

    @Test
    void composeImport() throws IOException {
        // A relative path, so the comments (which name the file as given) do not depend on the checkout's location.
        Path compose = Path.of("src", "test", "resources", "compose", "webapp-db-cache", "compose.yaml");
        ComposeImporter.Result result = new ComposeImporter(Map.of()).importFile(compose);
        StringBuilder all = new StringBuilder();
        result.services()
                .forEach(service -> all.append("==> ")
                        .append(service.fileName())
                        .append(" <==\n")
                        .append(service.yaml()));
        assertGolden("webapp-db-cache.yml.txt", all.toString());
    }
}
