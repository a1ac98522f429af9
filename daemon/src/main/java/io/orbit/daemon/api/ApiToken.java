package io.orbit.daemon.api;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * The bearer token of the TCP API ({@code --api-token FILE}): the file's content without surrounding white space. The
 * daemon reads it once at start; the CLI reads the same file to send it. Never printed.
 */
public final class ApiToken {

    private final Path file;
    private final byte[] secret;

    private ApiToken(Path file, byte[] secret) {
        this.file = file;
        this.secret = secret;
    }

    /**
     * @throws IllegalArgumentException when the file cannot be read or holds no token, saying how to make one
     */
    public static ApiToken read(Path file) {
        requireNonNull(file, "file is null");
        String content;
        try {
            content = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "cannot read the API token file %s: %s (create it with: umask 077; head -c 32 /dev/urandom | base64 > %s)"
                            .formatted(file, e.getMessage(), file),
                    e);
        }
        if (content.isEmpty() || content.contains("\n")) {
            throw new IllegalArgumentException(
                    "the API token file %s must hold one line with the token (e.g. head -c 32 /dev/urandom | base64 > %s)"
                            .formatted(file, file));
        }
        return new ApiToken(file, content.getBytes(StandardCharsets.UTF_8));
    }

    public Path file() {
        return file;
    }

    /** The value of an {@code Authorization} header carrying this token. */
    public String authorization() {
        return "Bearer " + new String(secret, StandardCharsets.UTF_8);
    }

    /** Compares in constant time, so the answer's timing says nothing about the token. */
    boolean matches(String presented) {
        return MessageDigest.isEqual(secret, presented.getBytes(StandardCharsets.UTF_8));
    }

    /** A warning when others than the owner may read the file; empty when its mode is tight or unknown. */
    Optional<String> looseModeWarning() {
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            Set<PosixFilePermission> loose = EnumSet.of(
                    PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);
            loose.retainAll(permissions);
            return loose.isEmpty()
                    ? Optional.empty()
                    : Optional.of("the API token file %s is readable by others than its owner; chmod 600 %s"
                            .formatted(file, file));
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return "ApiToken[" + file + "]";
    }
}
