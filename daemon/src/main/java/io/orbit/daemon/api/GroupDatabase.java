package io.orbit.daemon.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Group membership from {@code /etc/group}, read on every check, so adding a user to the group takes effect without
 * restarting the daemon. Only local groups: a user known through LDAP or SSSD alone is a member only by primary group.
 */
final class GroupDatabase {

    static final Path SYSTEM = Path.of("/etc/group");

    private final Path file;

    GroupDatabase(Path file) {
        this.file = file;
    }

    /** True when {@code group} is the peer's primary group or lists the peer's user as a member. */
    boolean isMember(PeerCredentials peer, String group) {
        return peer.group().equals(group) || members(group).contains(peer.user());
    }

    /** The users listed as members of {@code group} (empty when there is no such group or no readable file). */
    Set<String> members(String group) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                    .map(line -> line.split(":", -1))
                    .filter(fields -> fields.length >= 4 && fields[0].equals(group))
                    .flatMap(fields -> Arrays.stream(fields[3].split(",")))
                    .map(String::strip)
                    .filter(member -> !member.isEmpty())
                    .collect(Collectors.toUnmodifiableSet());
        } catch (IOException e) {
            return Set.of();
        }
    }
}
