package io.orbit.engine.spec;

import com.fasterxml.jackson.databind.JsonNode;
import io.orbit.engine.spec.ServiceSpec.SecretSource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The rules of {@code env_file} and {@code secrets} (ours): the top-level sources, each container's uses in Compose's
 * short form ({@code - db-password}) or long form ({@code source}, {@code target}, {@code uid}, {@code gid}, {@code
 * mode}, or {@code as: env} with {@code name}). Messages name the field and the fix, never a value: none is read here.
 *
 * <p>Longer than 300 lines: every rule of the two secret forms and their sources, one short method each, in the one
 * place that reads them.
 */
public final class SecretRules {

    /** Also the engine object's name part, so no dots (they separate its parts) and no slashes. */
    private static final Pattern SECRET_NAME = Pattern.compile("^[a-zA-Z0-9][a-zA-Z0-9_-]{0,62}$");

    private static final Pattern ENV_NAME = Pattern.compile("^[A-Za-z_][A-Za-z0-9_]*$");
    private static final Pattern OCTAL = Pattern.compile("^0?[0-7]{3}$");
    private static final Set<String> LONG_FORM_KEYS = Set.of("source", "target", "uid", "gid", "mode", "as", "name");
    static final String DEFAULT_DIRECTORY = "/run/secrets/";
    /** Compose's default: readable by anyone in the container, as the file is the container's own. */
    static final int DEFAULT_MODE = 0444;

    private SecretRules() {}

    /**
     * One use of a secret by a container, defaults applied.
     *
     * @param asEnv exposed as the variable {@code envName} instead of a file
     */
    public record SecretUse(String secret, boolean asEnv, String envName, String target, int uid, int gid, int mode) {}

    static List<SpecProblem> check(Path file, ServiceSpec spec) {
        ProblemList problems = new ProblemList(file);
        spec.secretsOrEmpty().forEach((name, source) -> checkSource(problems, name, source));
        Set<String> used = new HashSet<>();
        List<ContainerTemplate> containers = spec.spec().containers();
        for (int i = 0; i < containers.size(); i++) {
            String path = FieldPaths.index("spec.containers", i);
            ContainerTemplate container = containers.get(i);
            checkEnvFile(problems, path + ".env_file", container.envFile());
            checkUses(problems, path, spec, container, used);
        }
        spec.secretsOrEmpty().keySet().stream()
                .filter(name -> !used.contains(name))
                .forEach(name -> problems.warning(
                        FieldPaths.child("secrets", name),
                        "no container uses this secret; list it under a container's secrets, or remove it"));
        return problems.toList();
    }

    private static void checkSource(ProblemList problems, String name, SecretSource source) {
        String path = FieldPaths.child("secrets", name);
        if (!SECRET_NAME.matcher(name).matches()) {
            problems.error(
                    path,
                    "is not a valid secret name; use letters, digits, '-' and '_' (at most 63, starting with a letter"
                            + " or digit)");
        }
        List<String> given = new ArrayList<>();
        if (source.file() != null) {
            given.add("file");
            if (source.file().isBlank()) {
                problems.error(path + ".file", "is empty; give the path of the file that holds the secret");
            }
        }
        if (source.env() != null) {
            given.add("env");
            if (!ENV_NAME.matcher(source.env()).matches()) {
                problems.error(
                        path + ".env",
                        "is not a variable name; write the name of a variable of the daemon's"
                                + " environment (letters, digits, '_')");
            }
        }
        if (source.engine() != null) {
            given.add("engine");
            if (source.engine().isBlank()) {
                problems.error(path + ".engine", "is empty; give the name of an existing engine secret");
            }
        }
        if (given.size() != 1) {
            problems.error(
                    path,
                    given.isEmpty()
                            ? "has no source; set one of file: (a path), env: (a variable of the daemon's environment)"
                                    + " or engine: (an existing Podman secret)"
                            : "has " + String.join(" and ", given) + "; set exactly one source");
        }
    }

    private static void checkEnvFile(ProblemList problems, String path, @Nullable JsonNode envFile) {
        if (envFile == null || envFile.isNull()) {
            return;
        }
        if (envFile.isTextual()) {
            if (envFile.asText().isBlank()) {
                problems.error(path, "is empty; give the path of a dotenv file, relative to the service file");
            }
            return;
        }
        if (!envFile.isArray()) {
            problems.error(path, "expected a path or a list of paths");
            return;
        }
        for (int i = 0; i < envFile.size(); i++) {
            JsonNode entry = envFile.get(i);
            if (!entry.isTextual() || entry.asText().isBlank()) {
                problems.error(FieldPaths.index(path, i), "expected the path of a dotenv file");
            }
        }
    }

    private static void checkUses(
            ProblemList problems,
            String containerPath,
            ServiceSpec spec,
            ContainerTemplate container,
            Set<String> used) {
        Set<String> targets = new HashSet<>();
        Set<String> envNames = new HashSet<>(container.envOrEmpty().keySet());
        List<JsonNode> entries = container.secretsOrEmpty();
        for (int j = 0; j < entries.size(); j++) {
            String path = FieldPaths.index(containerPath + ".secrets", j);
            int before = problems.toList().size();
            checkForm(problems, path, entries.get(j));
            if (problems.toList().size() != before) {
                continue;
            }
            SecretUse use = use(entries.get(j));
            SecretSource source = spec.secretsOrEmpty().get(use.secret());
            if (source == null) {
                problems.error(
                        entries.get(j).isTextual() ? path : path + ".source",
                        "names the secret '" + use.secret() + "', which the top-level secrets: does not declare;"
                                + " declare it there with a file:, env: or engine: source");
                continue;
            }
            used.add(use.secret());
            if (use.asEnv()) {
                if (source.engine() != null) {
                    problems.error(path + ".as", "an engine: secret can only be mounted as a file; remove as: env");
                }
                if (!envNames.add(use.envName())) {
                    problems.error(
                            path,
                            "sets the variable " + use.envName() + ", which env: or another secret sets already;"
                                    + " give it another name:");
                }
            } else if (!targets.add(use.target())) {
                problems.error(
                        path,
                        "mounts at " + use.target() + ", where another secret is mounted already;"
                                + " give it another target:");
            }
        }
    }

    private static void checkForm(ProblemList problems, String path, JsonNode entry) {
        if (entry.isTextual()) {
            return;
        }
        if (!entry.isObject()) {
            problems.error(
                    path,
                    "expected a secret's name, or a mapping with source: and target:, mode:, uid:, gid:"
                            + " or as: env");
            return;
        }
        entry.fieldNames().forEachRemaining(key -> {
            if (!LONG_FORM_KEYS.contains(key)) {
                problems.error(
                        FieldPaths.child(path, key),
                        "unknown field; known fields here: "
                                + String.join(", ", new java.util.TreeSet<>(LONG_FORM_KEYS)));
            }
        });
        JsonNode source = entry.path("source");
        if (!source.isTextual() || source.asText().isBlank()) {
            problems.error(path, "missing source: name the secret, as declared under the top-level secrets:");
        }
        JsonNode as = entry.path("as");
        boolean asEnv = false;
        if (!as.isMissingNode()) {
            if (!as.isTextual() || !(as.asText().equals("file") || as.asText().equals("env"))) {
                problems.error(path + ".as", "expected file or env");
            } else {
                asEnv = as.asText().equals("env");
            }
        }
        checkEnvForm(problems, path, entry, asEnv);
        if (!asEnv) {
            checkFileForm(problems, path, entry);
        }
    }

    /** {@code name:} only with {@code as: env}, and then a variable's name; no file field with {@code as: env}. */
    private static void checkEnvForm(ProblemList problems, String path, JsonNode entry, boolean asEnv) {
        JsonNode name = entry.path("name");
        if (!name.isMissingNode()) {
            if (!asEnv) {
                problems.error(
                        path + ".name",
                        "is the variable's name of a secret exposed as: env; add as: env, or"
                                + " use target: for a file");
            } else if (!name.isTextual() || !ENV_NAME.matcher(name.asText()).matches()) {
                problems.error(
                        path + ".name",
                        "is not a variable name (letters, digits, '_', not starting with a" + " digit)");
            }
        }
        if (asEnv) {
            for (String fileOnly : List.of("target", "uid", "gid", "mode")) {
                if (entry.has(fileOnly)) {
                    problems.error(
                            FieldPaths.child(path, fileOnly),
                            "applies to a secret mounted as a file, not to" + " one exposed as: env; remove it");
                }
            }
        }
    }

    /** A file's {@code target}, {@code uid}, {@code gid} and {@code mode}. */
    private static void checkFileForm(ProblemList problems, String path, JsonNode entry) {
        JsonNode target = entry.path("target");
        if (!target.isMissingNode()
                && (!target.isTextual()
                        || target.asText().isBlank()
                        || target.asText().contains(".."))) {
            problems.error(
                    path + ".target",
                    "expected a path in the container (absolute, or a name below " + DEFAULT_DIRECTORY
                            + "), without '..'");
        }
        for (String id : List.of("uid", "gid")) {
            JsonNode value = entry.path(id);
            if (!value.isMissingNode()
                    && (!value.canConvertToInt() || !value.isIntegralNumber() || value.asInt() < 0)) {
                problems.error(FieldPaths.child(path, id), "expected a number 0 or more");
            }
        }
        JsonNode mode = entry.path("mode");
        if (!mode.isMissingNode() && mode(mode).isEmpty()) {
            problems.error(path + ".mode", "expected permission bits: YAML octal like 0400, or the string \"0400\"");
        }
    }

    /** The uses of a container, defaults applied; only for containers whose entries passed {@link #check}. */
    public static List<SecretUse> uses(ContainerTemplate container) {
        return container.secretsOrEmpty().stream().map(SecretRules::use).toList();
    }

    private static SecretUse use(JsonNode entry) {
        if (entry.isTextual()) {
            String name = entry.asText();
            return new SecretUse(name, false, envName(name), DEFAULT_DIRECTORY + name, 0, 0, DEFAULT_MODE);
        }
        String name = entry.path("source").asText();
        boolean asEnv = entry.path("as").asText("file").equals("env");
        String target = entry.path("target").asText(name);
        return new SecretUse(
                name,
                asEnv,
                entry.has("name") ? entry.path("name").asText() : envName(name),
                target.startsWith("/") ? target : DEFAULT_DIRECTORY + target,
                entry.path("uid").asInt(0),
                entry.path("gid").asInt(0),
                entry.has("mode") ? mode(entry.path("mode")).orElse(DEFAULT_MODE) : DEFAULT_MODE);
    }

    /** {@code db-password} → {@code DB_PASSWORD}. */
    static String envName(String secret) {
        return secret.replace('-', '_').toUpperCase(Locale.ROOT);
    }

    private static Optional<Integer> mode(JsonNode node) {
        if (node.isIntegralNumber() && node.canConvertToInt() && node.asInt() >= 0 && node.asInt() <= 0777) {
            return Optional.of(node.asInt());
        }
        if (node.isTextual() && OCTAL.matcher(node.asText()).matches()) {
            return Optional.of(Integer.parseInt(node.asText(), 8));
        }
        return Optional.empty();
    }

    /** The {@code env_file} paths of a container, in order (later files win). */
    public static List<String> envFiles(ContainerTemplate container) {
        JsonNode envFile = container.envFile();
        if (envFile == null || envFile.isNull()) {
            return List.of();
        }
        if (envFile.isTextual()) {
            return List.of(envFile.asText());
        }
        List<String> paths = new ArrayList<>();
        envFile.forEach(entry -> paths.add(entry.asText()));
        return paths;
    }

    /** The container's secrets with their values: {@code env_file} variables {@code env} does not set, then uses. */
    static ContainerSecrets resolve(ServiceSpec spec, ServiceSecrets values, ContainerTemplate container) {
        Map<String, SecretValue> env = new HashMap<>(values.envFiles().getOrDefault(container.name(), Map.of()));
        env.keySet().removeAll(container.envOrEmpty().keySet());
        List<ContainerSecrets.SecretFile> files = new ArrayList<>();
        for (SecretUse use : uses(container)) {
            SecretSource source = spec.secretsOrEmpty().get(use.secret());
            Optional<SecretValue> value = Optional.ofNullable(values.secrets().get(use.secret()));
            if (use.asEnv()) {
                value.ifPresent(v -> env.put(use.envName(), v));
            } else {
                Optional<String> engine = source == null ? Optional.empty() : Optional.ofNullable(source.engine());
                files.add(new ContainerSecrets.SecretFile(
                        use.secret(),
                        engine.isPresent() ? Optional.empty() : value,
                        engine,
                        use.target(),
                        use.uid(),
                        use.gid(),
                        use.mode()));
            }
        }
        return new ContainerSecrets(env, files);
    }
}
