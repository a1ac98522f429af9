package io.orbit.runtime;

import static java.util.Objects.requireNonNull;

/** A failure about one named object of the engine: it does not exist, or the request clashes with its state. */
public abstract sealed class ResourceException extends ContainerRuntimeException
        permits NotFoundException, ConflictException {

    private static final long serialVersionUID = 1L;

    private final ResourceKind kind;
    private final String name;

    /** @param what e.g. "no such" or "conflict on", before the kind and the quoted name */
    ResourceException(String what, ResourceKind kind, String name, String engineMessage) {
        super(
                "%s %s '%s'%s".formatted(what, kind.word(), name, engineMessage.isBlank() ? "" : ": " + engineMessage),
                null);
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
