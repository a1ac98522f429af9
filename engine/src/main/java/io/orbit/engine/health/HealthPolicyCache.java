package io.orbit.engine.health;

import static java.util.Objects.requireNonNull;

import io.orbit.engine.spec.ContainerTemplate;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The parsed {@link HealthPolicy} of each distinct {@code health_check} block. The monitor needs a container's policy
 * on every status change and every route publish, the route publisher per route, the reconciler per pod start and per
 * pass; parsing it re-reads every duration string each time, for a block that only changes with the spec. They all
 * read the one {@link #SHARED} cache through {@link HealthPolicy#cachedOf}.
 *
 * <p>Keyed by the block's value (records compare by value): a changed spec is a new key and is parsed afresh, and an
 * unchanged block reloaded from disk (a new but equal object) or shared by several services hits the same entry. Specs
 * are never mutated once loaded, so a key never changes while it is in the map. Bounded: when full, the map is cleared
 * whole rather than tracking recency, since it only ever holds the few blocks of the loaded specs and refills with
 * those on the next calls.
 *
 * <p>Thread-safe. Two threads may parse the same new block at once; parsing is pure, so either result is the same.
 */
final class HealthPolicyCache {

    /** Far more distinct health checks than a daemon runs; only reached by many reloads of changed specs. */
    static final int MAX_ENTRIES = 256;

    /** The engine's one cache, behind {@link HealthPolicy#cachedOf}. */
    static final HealthPolicyCache SHARED = new HealthPolicyCache();

    private final Function<ContainerTemplate.HealthCheck, Optional<HealthPolicy>> parser;
    private final int maxEntries;
    private final Map<ContainerTemplate.HealthCheck, Optional<HealthPolicy>> policies = new ConcurrentHashMap<>();

    HealthPolicyCache() {
        this(HealthPolicy::of, MAX_ENTRIES);
    }

    /** @param parser the parsing to cache ({@link HealthPolicy#of} in the daemon; counted in tests) */
    HealthPolicyCache(Function<ContainerTemplate.HealthCheck, Optional<HealthPolicy>> parser, int maxEntries) {
        this.parser = requireNonNull(parser, "parser is null");
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be positive, got " + maxEntries);
        }
        this.maxEntries = maxEntries;
    }

    /** The policy of a container, empty when it has no {@code health_check} block (as {@link HealthPolicy#of}). */
    Optional<HealthPolicy> policy(ContainerTemplate.@Nullable HealthCheck check) {
        if (check == null) {
            return Optional.empty();
        }
        Optional<HealthPolicy> known = policies.get(check);
        if (known != null) {
            return known;
        }
        Optional<HealthPolicy> parsed = parser.apply(check);
        if (policies.size() >= maxEntries) {
            policies.clear();
        }
        policies.putIfAbsent(check, parsed);
        return parsed;
    }

    /** How many blocks are cached now. */
    int size() {
        return policies.size();
    }
}
