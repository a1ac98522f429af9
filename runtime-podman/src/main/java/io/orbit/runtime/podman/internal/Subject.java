package io.orbit.runtime.podman.internal;

import static java.util.Objects.requireNonNull;

import io.orbit.runtime.ResourceKind;
import java.util.HashMap;
import java.util.Map;

/**
 * The object an operation is about, plus the other objects it names: creating a container names its image, so a
 * "image not known" answer becomes a {@link io.orbit.runtime.NotFoundException} about the image, not the container.
 *
 * @param name the container id or name, network, volume or image reference the operation is about
 * @param related the names of other objects the request refers to, by kind
 */
public record Subject(String name, Map<ResourceKind, String> related) {

    public Subject {
        requireNonNull(name, "name is null");
        related = Map.copyOf(related);
    }

    public static Subject of(String name) {
        return new Subject(name, Map.of());
    }

    public Subject and(ResourceKind kind, String relatedName) {
        Map<ResourceKind, String> names = new HashMap<>(related);
        names.put(kind, relatedName);
        return new Subject(name, names);
    }

    /** The name of the object of that kind: a related one when the request named one, else the subject itself. */
    public String nameFor(ResourceKind kind) {
        return related.getOrDefault(kind, name);
    }
}
