package io.orbit.runtime;

import static java.util.Objects.requireNonNull;

/**
 * The request clashes with the object's state: the name is taken, the network or volume is in use, the container is
 * not running. Docker answers 409 (403 for a network in use), Podman 500 for most of these; adapters normalise.
 */
public final class ConflictException extends ContainerRuntimeException {

    private static final long serialVersionUID = 1L;

    private final ResourceKind kind;
    private final String name;

    public ConflictException(ResourceKind kind, String name, String engineMessage) {
        super("conflict on %s '%s'%s".formatted(kind.word(), name, NotFoundException.detail(engineMessage)), null);
        this.kind = requireNonNull(kind, "kind is null");
        this.name = requireNonNull(name, "name is null");
    }

    public ResourceKind kind() {
        return kind;
    }

    public String name() {
        return name;
    }
}
