package io.orbit.interop.compose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.orbit.engine.spec.SpecProblem;
import io.orbit.interop.InteropException;
import io.orbit.interop.Warning;
import io.orbit.interop.YamlOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.representer.Representer;

/**
 * {@code orbit import compose}: one Orbit service file per Compose service. What Orbit can express is carried over
 * (image, command, environment, published ports as node ports, volumes, configs, replicas, limits, update order,
 * health checks); everything else is a {@link Warning} with the Compose file, the field and why, printed and written
 * as a comment at the top of the service file. The files are checked with the engine's own parser and validator
 * before they are written, all together, as {@code orbit validate} would.
 */
public final class ComposeImporter {

    /**
     * One Orbit service file.
     *
     * @param fileName {@code <service>.yml}
     * @param yaml the file's text, warnings as comments first
     * @param warnings what this service could not carry over, project-wide warnings included
     */
    public record ImportedService(String name, String fileName, String yaml, List<Warning> warnings) {
        public ImportedService {
            warnings = List.copyOf(warnings);
        }
    }

    /**
     * @param services one per Compose service, in the Compose file's order
     * @param warnings every warning, project-wide ones first
     * @param problems what the engine's validator says about the files together (errors mean: do not write them)
     */
    public record Result(List<ImportedService> services, List<Warning> warnings, List<SpecProblem> problems) {
        public Result {
            services = List.copyOf(services);
            warnings = List.copyOf(warnings);
            problems = List.copyOf(problems);
        }

        public boolean valid() {
            return problems.stream().noneMatch(SpecProblem::isError);
        }
    }

    private static final int MAX_FILE_BYTES = 4 * 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();
    static final YAMLMapper YAML = YAMLMapper.builder(YamlOutput.factory()).build();

    private final Map<String, String> environment;

    /** @param environment the process environment, which wins over {@code .env} as in Compose */
    public ComposeImporter(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    /**
     * Reads a Compose file (and the {@code .env} beside it) and translates every service.
     *
     * @throws InteropException when the file cannot be read or is not a Compose file
     */
    public Result importFile(Path composeFile) {
        String shown = composeFile.toString();
        Path base =
                Optional.ofNullable(composeFile.toAbsolutePath().getParent()).orElse(Path.of("/"));
        Map<String, String> variables = new HashMap<>();
        Path dotEnv = base.resolve(".env");
        if (Files.isRegularFile(dotEnv)) {
            variables.putAll(DotEnv.parse(read(dotEnv, dotEnv.toString()), dotEnv.toString(), environment));
        }
        variables.putAll(environment);
        JsonNode root = load(read(composeFile, shown), shown);
        String defaultProject =
                Optional.ofNullable(base.getFileName()).map(Path::toString).orElse("default");
        return new ComposeProject(shown, base, new Interpolator(variables), variables, root, defaultProject).run();
    }

    static String read(Path file, String shown) {
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new InteropException(shown + ": larger than 4 MiB; that is no Compose file");
            }
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new InteropException(shown + ": no such file; pass the path of your compose.yaml", e);
        } catch (IOException e) {
            throw new InteropException(shown + ": cannot be read: " + e.getMessage(), e);
        }
    }

    /** SnakeYAML's loader: it resolves anchors, aliases and merge keys ({@code <<: *defaults}), Jackson's does not. */
    private static JsonNode load(String text, String shown) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(200);
        options.setCodePointLimit(MAX_FILE_BYTES);
        Object document;
        try {
            DumperOptions dumper = new DumperOptions();
            document = new Yaml(
                            new SafeConstructor(options),
                            new Representer(dumper),
                            dumper,
                            options,
                            new ComposeYamlResolver())
                    .load(text);
        } catch (RuntimeException e) {
            throw new InteropException(
                    shown + ": not valid YAML: "
                            + Objects.requireNonNullElse(e.getMessage(), e.toString())
                                    .strip(),
                    e);
        }
        JsonNode root = JSON.valueToTree(document);
        if (root == null || !root.isObject()) {
            throw new InteropException(shown + ": not a Compose file: the top level must be a mapping with 'services'");
        }
        return root;
    }
}
