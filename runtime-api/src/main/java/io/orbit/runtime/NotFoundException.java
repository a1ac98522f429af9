package io.orbit.runtime;

import static java.util.Objects.requireNonNull;

/** The container, image, network or volume does not exist. */
public final class NotFoundException extends ContainerRuntimeException {

    private static final long serialVersionUID = 1L;

    private final ResourceKind kind;
    private final String name;

    public NotFoundException(ResourceKind kind, String name, String engineMessage) {
        super("no such %s '%s'%s".formatted(kind.word(), name, detail(engineMessage)), null);
        this.kind = requireNonNull(kind, "kind is null");
        this.name = requireNonNull(name, "name is null");
    }

    public ResourceKind kind() {
        return kind;
    }

    public String name() {
        return name;
    }

    static String detail(String engineMessage) {
        return engineMessage.isBlank() ? "" : ": " + engineMessage;
    }
}
