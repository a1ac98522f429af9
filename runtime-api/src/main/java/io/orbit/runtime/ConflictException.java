package io.orbit.runtime;

/**
 * The request clashes with the object's state: the name is taken, the network or volume is in use, the container is
 * not running. Docker answers 409 (403 for a network in use), Podman 500 for most of these; adapters normalise.
 */
public final class ConflictException extends ResourceException {

    private static final long serialVersionUID = 1L;

    public ConflictException(ResourceKind kind, String name, String engineMessage) {
        super("conflict on", kind, name, engineMessage);
    }
}
