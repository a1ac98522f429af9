package io.orbit.engine.config;

import static java.util.Objects.requireNonNull;

import io.orbit.engine.spec.ContainerTemplate;
import io.orbit.engine.spec.FieldPaths;
import io.orbit.engine.spec.SecretRules;
import io.orbit.engine.spec.SecretValue;
import io.orbit.engine.spec.ServiceSecrets;
import io.orbit.engine.spec.ServiceSpec;
import io.orbit.engine.spec.ServiceSpec.SecretSource;
import io.orbit.engine.spec.SpecProblem;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * Reads the values a service file refers to: its containers' {@code env_file}s and its {@code secrets:} with a {@code
 * file:} or {@code env:} source, and digests each under the host's hash key. Problems name the file, the field and the
 * fix, never a value. Only what the structure rules ({@link SecretRules}) would accept is read; the rest is theirs to
 * report.
 */
public final class SecretResolver {

    /** An {@code env_file} larger than this is refused. */
    public static final long MAX_ENV_FILE_BYTES = 1024 * 1024;
    /** Podman's limit for a secret object; the same everywhere, so a service runs on either engine. */
    public static final long MAX_SECRET_BYTES = 512_000;

    private static final int DIGEST_HEX_CHARS = 16;

    private final Supplier<byte[]> keySource;
    private final Function<String, Optional<String>> environment;
    private volatile @Nullable SecretKeySpec key;

    /**
     * @param key the host's hash key (the daemon's {@code config-hash.key}), asked for when a file first needs it (so
     *     a config without secrets never reads it); the same key gives the same digests, so pods roll when a value
     *     changes and only then
     * @param environment the daemon's environment, for {@code env:} sources
     */
    public SecretResolver(Supplier<byte[]> key, Function<String, Optional<String>> environment) {
        this.keySource = requireNonNull(key, "key is null");
        this.environment = requireNonNull(environment, "environment is null");
    }

    public SecretResolver(byte[] key, Function<String, Optional<String>> environment) {
        this(key::clone, environment);
    }

    private SecretKeySpec key() {
        SecretKeySpec known = key;
        if (known == null) {
            byte[] bytes = keySource.get();
            if (bytes.length < 16) {
                throw new IllegalArgumentException("the hash key is too short: " + bytes.length + " bytes");
            }
            known = new SecretKeySpec(bytes, "HmacSHA256");
            key = known;
        }
        return known;
    }

    /**
     * A resolver for tools that only check files ({@code orbit validate}): digests under a fixed, public key, so they
     * must never label a pod or leave the process.
     */
    public static SecretResolver forChecking() {
        return new SecretResolver(
                "orbit-check-only-key-not-secret".getBytes(StandardCharsets.UTF_8),
                name -> Optional.ofNullable(System.getenv(name)));
    }

    /** What {@link #resolve} found: the values, and the problems (errors block the file). */
    public record Result(ServiceSecrets secrets, List<SpecProblem> problems) {
        public Result {
            requireNonNull(secrets, "secrets is null");
            problems = List.copyOf(problems);
        }
    }

    /**
     * @param serviceFile the service file on disk, whose directory relative paths start from
     * @param shown the name problems carry
     */
    public Result resolve(Path serviceFile, Path shown, ServiceSpec spec) {
        try {
            key();
        } catch (RuntimeException e) {
            return new Result(
                    ServiceSecrets.NONE,
                    List.of(SpecProblem.error(
                            shown,
                            "secrets",
                            "cannot read the hash key that digests secret values: " + e.getMessage()
                                    + "; run as the daemon's user")));
        }
        List<SpecProblem> problems = new ArrayList<>();
        Path parent = serviceFile.toAbsolutePath().getParent();
        Path base = parent == null ? Path.of("/") : parent;
        Map<String, SecretValue> secrets = new LinkedHashMap<>();
        spec.secretsOrEmpty()
                .forEach((name, source) ->
                        secret(base, shown, name, source, problems).ifPresent(value -> secrets.put(name, value)));
        Map<String, Map<String, SecretValue>> envFiles = new LinkedHashMap<>();
        List<ContainerTemplate> containers = spec.spec().containers();
        for (int i = 0; i < containers.size(); i++) {
            ContainerTemplate container = containers.get(i);
            List<String> paths = envFilePaths(container);
            Map<String, SecretValue> variables = new LinkedHashMap<>();
            for (int j = 0; j < paths.size(); j++) {
                String field = FieldPaths.index("spec.containers", i) + ".env_file"
                        + (container.envFile() != null && container.envFile().isArray() ? "[" + j + "]" : "");
                envFile(base, shown, field, paths.get(j), problems)
                        .forEach((variable, text) ->
                                variables.put(variable, digest(text.getBytes(StandardCharsets.UTF_8))));
            }
            if (!variables.isEmpty()) {
                envFiles.put(container.name(), variables);
            }
        }
        return new Result(new ServiceSecrets(secrets, envFiles), problems);
    }

    private static List<String> envFilePaths(ContainerTemplate container) {
        List<String> paths = SecretRules.envFiles(container);
        return paths.stream().anyMatch(String::isBlank) ? List.of() : paths;
    }

    private Optional<SecretValue> secret(
            Path base, Path shown, String name, SecretSource source, List<SpecProblem> problems) {
        String field = FieldPaths.child("secrets", name);
        if (source.file() != null
                && source.env() == null
                && source.engine() == null
                && !source.file().isBlank()) {
            Path path = base.resolve(source.file());
            Optional<byte[]> bytes = read(path, MAX_SECRET_BYTES, shown, field + ".file", "secret file", problems);
            bytes.ifPresent(read -> othersMayRead(path, shown, field + ".file", problems));
            return bytes.map(this::digest);
        }
        if (source.env() != null && source.file() == null && source.engine() == null) {
            Optional<String> value = environment.apply(source.env());
            if (value.isEmpty()) {
                problems.add(SpecProblem.error(
                        shown,
                        field + ".env",
                        "the daemon's environment has no variable " + source.env() + "; set it where the daemon"
                                + " starts (systemd Environment=, EnvironmentFile= or LoadCredential=), or use a file:"
                                + " source"));
            }
            return value.map(text -> digest(text.getBytes(StandardCharsets.UTF_8)));
        }
        return Optional.empty();
    }

    private Map<String, String> envFile(Path base, Path shown, String field, String file, List<SpecProblem> problems) {
        Path path = base.resolve(file);
        Optional<byte[]> bytes = read(path, MAX_ENV_FILE_BYTES, shown, field, "env_file", problems);
        if (bytes.isEmpty()) {
            return Map.of();
        }
        try {
            String text = StandardCharsets.UTF_8
                    .newDecoder()
                    .decode(ByteBuffer.wrap(bytes.get()))
                    .toString();
            if (text.startsWith("\uFEFF")) {
                text = text.substring(1);
            }
            Map<String, String> values = DotEnv.parse(text);
            othersMayRead(path, shown, field, problems);
            return values;
        } catch (CharacterCodingException e) {
            problems.add(SpecProblem.error(shown, field, "env_file " + path + " is not valid UTF-8; save it as UTF-8"));
        } catch (DotEnv.DotEnvException e) {
            problems.add(SpecProblem.error(shown, field, "env_file " + path + ", " + e.getMessage()));
        }
        return Map.of();
    }

    private static Optional<byte[]> read(
            Path path, long limit, Path shown, String field, String what, List<SpecProblem> problems) {
        try {
            if (Files.isDirectory(path)) {
                problems.add(SpecProblem.error(shown, field, what + " " + path + " is a directory; name a file"));
                return Optional.empty();
            }
            byte[] bytes;
            try (InputStream in = Files.newInputStream(path)) {
                bytes = in.readNBytes((int) limit + 1);
            }
            if (bytes.length > limit) {
                problems.add(SpecProblem.error(
                        shown, field, what + " " + path + " is larger than " + limit + " bytes; it was not read"));
                return Optional.empty();
            }
            return Optional.of(bytes);
        } catch (NoSuchFileException e) {
            problems.add(SpecProblem.error(
                    shown,
                    field,
                    what + " " + path + " does not exist; create it, or correct the path (relative"
                            + " paths start at the service file's directory)"));
        } catch (AccessDeniedException e) {
            problems.add(SpecProblem.error(
                    shown,
                    field,
                    what + " " + path + " cannot be read: permission denied; let the daemon's user" + " read it"));
        } catch (IOException e) {
            problems.add(SpecProblem.error(shown, field, what + " " + path + " cannot be read: " + e.getMessage()));
        }
        return Optional.empty();
    }

    /** A warning, not an error: the value has leaked to every local user already, refusing it would not help. */
    private static void othersMayRead(Path path, Path shown, String field, List<SpecProblem> problems) {
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path);
            if (permissions.contains(PosixFilePermission.OTHERS_READ)) {
                problems.add(SpecProblem.warning(
                        shown,
                        field,
                        path + " is readable by every user of the host (" + PosixFilePermissions.toString(permissions)
                                + "); chmod o-r " + path));
            }
        } catch (IOException | UnsupportedOperationException e) {
            // not a POSIX file system: nothing to say
        }
    }

    private SecretValue digest(byte[] bytes) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key());
            mac.update("orbit-secret\0".getBytes(StandardCharsets.UTF_8));
            String hex = HexFormat.of().formatHex(mac.doFinal(bytes));
            return new SecretValue(bytes, hex.substring(0, DIGEST_HEX_CHARS));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("every JVM has HmacSHA256", e);
        }
    }

    /** Whether a spec refers to anything this resolver reads. */
    static boolean needed(ServiceSpec spec) {
        return !spec.secretsOrEmpty().isEmpty()
                || spec.spec().containers().stream().anyMatch(container -> container.envFile() != null);
    }
}
