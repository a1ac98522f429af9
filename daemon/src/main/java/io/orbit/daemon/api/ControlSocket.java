package io.orbit.daemon.api;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where the control socket lives and how it is locked down: its directory is created 0700 (0710 with a {@code
 * --control-group}, owned by that group), the socket is 0600 (0660, owned by the group). Default path, for the daemon
 * and the CLI alike: {@code /run/orbit/orbit.sock} as root, {@code $XDG_RUNTIME_DIR/orbit/orbit.sock} otherwise;
 * {@code orbit-INSTANCE.sock} for an {@code --instance} other than {@code default}, so daemons of several instances
 * each have their own.
 */
public final class ControlSocket {

    /** The directory of the system daemon's socket. */
    public static final Path SYSTEM_DIRECTORY = Path.of("/run/orbit");

    /** {@code --control-socket none}: no control socket. */
    public static final String NONE = "none";

    private ControlSocket() {}

    /**
     * Where to look for the socket of a daemon of this instance, most likely first: root looks only in {@link
     * #SYSTEM_DIRECTORY}; other users first in {@code $XDG_RUNTIME_DIR/orbit} (their own daemon), then in the system
     * directory (the system daemon, reachable through its group). A daemon listens on the first.
     */
    public static List<Path> candidates(String instance, Map<String, String> environment, boolean root) {
        String name = instance.equals("default") ? "orbit.sock" : "orbit-" + instance + ".sock";
        List<Path> candidates = new ArrayList<>();
        String runtimeDirectory = environment.get("XDG_RUNTIME_DIR");
        if (!root && runtimeDirectory != null && !runtimeDirectory.isBlank()) {
            candidates.add(Path.of(runtimeDirectory, "orbit", name));
        }
        candidates.add(SYSTEM_DIRECTORY.resolve(name));
        return List.copyOf(candidates);
    }

    /** True when this process runs as uid 0. */
    public static boolean isRoot() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    /**
     * Makes way for a daemon to listen on {@code socket}: creates its directory if missing (0700, or 0710 owned by
     * the group) and removes a stale socket that nothing answers on.
     *
     * @throws IllegalStateException when another daemon answers on it, or the path is not a socket
     */
    static void prepare(Path socket, Optional<String> group) throws IOException {
        Path directory = socket.toAbsolutePath().getParent();
        if (directory == null) {
            throw new IllegalStateException(
                    "control socket " + socket + " is a root directory; give a file path, e.g. /run/orbit/orbit.sock");
        }
        if (!Files.isDirectory(directory)) {
            try {
                Files.createDirectories(directory);
            } catch (AccessDeniedException e) {
                throw new IllegalStateException(
                        ("cannot create %s for the control socket: permission denied; run as root, set"
                                        + " XDG_RUNTIME_DIR (a login session does), or pass --control-socket PATH (or none)")
                                .formatted(directory),
                        e);
            }
            Files.setPosixFilePermissions(
                    directory, PosixFilePermissions.fromString(group.isPresent() ? "rwx--x---" : "rwx------"));
            if (group.isPresent()) {
                Files.setAttribute(directory, "posix:group", groupPrincipal(group.get()));
            }
        }
        if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        PosixFileAttributes attributes =
                Files.readAttributes(socket, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!attributes.isOther()) {
            throw new IllegalStateException(
                    "%s exists and is not a socket; remove it or pass --control-socket".formatted(socket));
        }
        if (answers(socket)) {
            throw new IllegalStateException(("another orbit daemon already listens on the control socket %s; stop it,"
                            + " or give this daemon its own socket with --control-socket PATH or --instance NAME")
                    .formatted(socket));
        }
        Files.delete(socket);
    }

    /** Gives the bound socket its mode: 0600, or 0660 owned by the group. */
    static void restrict(Path socket, Optional<String> group) throws IOException {
        Files.setPosixFilePermissions(
                socket, PosixFilePermissions.fromString(group.isPresent() ? "rw-rw----" : "rw-------"));
        if (group.isPresent()) {
            Files.setAttribute(socket, "posix:group", groupPrincipal(group.get()));
        }
    }

    /** A warning when group members could not reach the socket through its directory. */
    static Optional<String> unreachableByGroup(Path socket, Optional<String> group) {
        if (group.isEmpty()) {
            return Optional.empty();
        }
        try {
            Path directory = socket.toAbsolutePath().getParent();
            PosixFileAttributes attributes = Files.readAttributes(directory, PosixFileAttributes.class);
            Set<PosixFilePermission> permissions = attributes.permissions();
            boolean groupMayEnter = attributes.group().getName().equals(group.get())
                    && permissions.contains(PosixFilePermission.GROUP_EXECUTE);
            return groupMayEnter || permissions.contains(PosixFilePermission.OTHERS_EXECUTE)
                    ? Optional.empty()
                    : Optional.of(
                            "members of group %s cannot reach the control socket: its directory %s does not let them in; chgrp %s %s; chmod g+x %s"
                                    .formatted(group.get(), directory, group.get(), directory, directory));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static GroupPrincipal groupPrincipal(String group) throws IOException {
        try {
            return FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByGroupName(group);
        } catch (UserPrincipalNotFoundException e) {
            throw new IllegalStateException(
                    "no group '%s' for --control-group; create it with: groupadd %s".formatted(group, group), e);
        }
    }

    /** True when something accepts connections on the socket. */
    public static boolean answers(Path socket) {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            return true;
        } catch (IOException refusedOrUnreachable) {
            return false;
        }
    }
}
