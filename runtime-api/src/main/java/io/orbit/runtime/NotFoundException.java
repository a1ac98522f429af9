package io.orbit.runtime;

/** The container, image, network or volume does not exist. */
public final class NotFoundException extends ResourceException {

    private static final long serialVersionUID = 1L;

    public NotFoundException(ResourceKind kind, String name, String engineMessage) {
        super("no such", kind, name, engineMessage);
    }
}
