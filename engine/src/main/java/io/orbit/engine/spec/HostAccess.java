package io.orbit.engine.spec;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The daemon's host access policy: whether a service file may reach into the host (privileged containers, host system
 * paths and engine sockets as volumes, the host's network namespace), and what this host looks like to the check.
 * Denied by default: the daemon usually runs as root, so such a file would give its author the host. {@code
 * --allow-host-access} (or {@code allow_host_access: true} in orbit.yaml) allows it; every use is then a warning.
 *
 * @param allowed whether host access is an error (false) or a warning (true)
 * @param protectedPaths host paths besides the built-in system paths that no volume may expose (the daemon's config
 *     and state directories, its engine socket): a volume is refused when it is one of them, below one, or above one
 * @param host how host paths are resolved on this machine (symbolic links, engine sockets in a directory)
 */
public record HostAccess(boolean allowed, List<Path> protectedPaths, HostPaths host) {

    /** The flag that allows host access; problems name it in their fix. */
    public static final String FLAG = "--allow-host-access";

    public HostAccess {
        protectedPaths = List.copyOf(protectedPaths);
        requireNonNull(host, "host is null");
    }

    /** The default policy on this machine's file system, with no extra protected path. */
    public static HostAccess denied() {
        return new HostAccess(false, List.of(), HostPaths.FILE_SYSTEM);
    }

    public static HostAccess permitted() {
        return new HostAccess(true, List.of(), HostPaths.FILE_SYSTEM);
    }

    public HostAccess withProtectedPaths(List<Path> paths) {
        return new HostAccess(allowed, paths, host);
    }

    public HostAccess withHost(HostPaths paths) {
        return new HostAccess(allowed, protectedPaths, paths);
    }

    /**
     * What the check learns from the host: where a path really leads, and whether a directory holds an engine socket.
     * Injectable so the rules are unit-tested without touching {@code /}.
     */
    public interface HostPaths {

        /** The path with symbolic links resolved as far as it exists (the rest appended), normalised. */
        Path realPath(Path absolute);

        /** An engine socket ({@link HostAccessRules#ENGINE_SOCKET_NAMES}) in the directory or one level below. */
        Optional<Path> engineSocketIn(Path directory);

        /** Paths as written: no link followed, no socket found. For tests and for files checked away from their host. */
        HostPaths AS_WRITTEN = new HostPaths() {
            @Override
            public Path realPath(Path absolute) {
                return absolute.normalize();
            }

            @Override
            public Optional<Path> engineSocketIn(Path directory) {
                return Optional.empty();
            }
        };

        /** This machine's file system. Listing is bounded: at most {@value #MAX_LISTED} entries in all. */
        HostPaths FILE_SYSTEM = new HostPaths() {
            @Override
            public Path realPath(Path absolute) {
                Path existing = absolute;
                List<Path> rest = new ArrayList<>();
                while (existing != null) {
                    try {
                        Path real = existing.toRealPath();
                        for (int i = rest.size() - 1; i >= 0; i--) {
                            real = real.resolve(rest.get(i));
                        }
                        return real.normalize();
                    } catch (IOException | InvalidPathException | SecurityException missing) {
                        Path name = existing.getFileName();
                        if (name != null) {
                            rest.add(name);
                        }
                        existing = existing.getParent();
                    }
                }
                return absolute.normalize();
            }

            @Override
            public Optional<Path> engineSocketIn(Path directory) {
                return find(directory, 1, new int[] {MAX_LISTED});
            }

            private Optional<Path> find(Path directory, int levelsBelow, int[] budget) {
                if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
                    return Optional.empty();
                }
                List<Path> subdirectories = new ArrayList<>();
                try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
                    for (Path entry : entries) {
                        if (--budget[0] < 0) {
                            break;
                        }
                        if (HostAccessRules.isEngineSocketName(entry)) {
                            return Optional.of(entry);
                        }
                        if (levelsBelow > 0 && Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                            subdirectories.add(entry);
                        }
                    }
                } catch (IOException | SecurityException unreadable) {
                    return Optional.empty();
                }
                for (Path subdirectory : subdirectories) {
                    Optional<Path> found = find(subdirectory, levelsBelow - 1, budget);
                    if (found.isPresent()) {
                        return found;
                    }
                }
                return Optional.empty();
            }
        };

        int MAX_LISTED = 10_000;
    }
}
