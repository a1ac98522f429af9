package io.orbit.engine.state;

import io.orbit.engine.reconcile.DesiredService;
import io.orbit.engine.spec.SpecProblem;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What should run: the services of the last configuration load, and the problems found in it. Replaced as a whole
 * on every reload; read without locks. Manual replica pins ({@code orbit scale}) live beside it, so a reload keeps
 * them as long as they stay within the new bounds.
 */
public final class DesiredState {

    /** One configuration load. */
    public record Snapshot(Map<String, DesiredService> services, List<SpecProblem> problems, Instant loadedAt) {
        public Snapshot {
            services = Map.copyOf(services);
            problems = List.copyOf(problems);
        }

        public static Snapshot empty() {
            return new Snapshot(Map.of(), List.of(), Instant.EPOCH);
        }
    }

    private final AtomicReference<Snapshot> current = new AtomicReference<>(Snapshot.empty());
    private final Map<String, Integer> pinnedReplicas = new ConcurrentHashMap<>();
    private final Map<String, Integer> restarts = new ConcurrentHashMap<>();

    public Snapshot snapshot() {
        return current.get();
    }

    public void replace(Snapshot snapshot) {
        current.set(snapshot);
    }

    public Set<String> serviceNames() {
        return current.get().services().keySet();
    }

    /** The service as it should run now, with a pinned replica count applied (clamped to [min, max]). */
    public Optional<DesiredService> service(String name) {
        DesiredService service = current.get().services().get(name);
        if (service == null) {
            return Optional.empty();
        }
        Integer pinned = pinnedReplicas.get(name);
        int replicas = pinned == null
                ? service.replicas()
                : Math.max(
                        service.definition().minInstances(),
                        Math.min(service.definition().maxInstances(), pinned));
        int restart = restarts.getOrDefault(name, 0);
        String hash = restart == 0 ? service.configHash() : service.configHash() + "-r" + restart;
        return Optional.of(new DesiredService(service.definition(), hash, replicas));
    }

    /**
     * Asks for every pod of the service to be replaced ({@code orbit restart}): its pods get a new hash, so the
     * reconciler rolls them one at a time, new before old, exactly as for a changed spec.
     */
    public void restart(String service) {
        restarts.merge(service, 1, Integer::sum);
    }

    /** Pins the replica count of a service (it is clamped to the service's bounds when read). */
    public void pinReplicas(String service, int replicas) {
        pinnedReplicas.put(service, replicas);
    }

    public void unpinReplicas(String service) {
        pinnedReplicas.remove(service);
    }
}
