package io.orbit.engine.state;

import static java.util.Objects.requireNonNull;

import io.orbit.engine.spec.BrokenFiles;
import io.orbit.engine.spec.SpecProblem;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What should run: the services of the last configuration load, and the problems found in it. Replaced as a whole
 * on every reload; read without locks. Manual replica pins ({@code orbit scale}) and the autoscaler's replica counts
 * live beside it, so a reload keeps them (clamped to the new bounds when read). A pin wins over the autoscaler while
 * it is set. The autoscaler also leaves the pods it would rather remove on a scale-down (fewest requests in flight);
 * the reconciler's plan removes those first among the surplus pods of the current spec.
 */
public final class DesiredState {

    /**
     * One configuration load.
     *
     * @param broken the files with errors and the services they claim: pods of such a service that has no definition
     *     here are kept exactly as they run ({@link #whyKept})
     */
    public record Snapshot(
            Map<String, DesiredService> services, List<SpecProblem> problems, Instant loadedAt, BrokenFiles broken) {
        public Snapshot {
            services = Map.copyOf(services);
            problems = List.copyOf(problems);
            requireNonNull(broken, "broken is null");
        }

        /** A load without broken files. */
        public Snapshot(Map<String, DesiredService> services, List<SpecProblem> problems, Instant loadedAt) {
            this(services, problems, loadedAt, BrokenFiles.NONE);
        }

        public static Snapshot empty() {
            return new Snapshot(Map.of(), List.of(), Instant.EPOCH);
        }
    }

    private final AtomicReference<Snapshot> current = new AtomicReference<>(Snapshot.empty());
    private final Map<String, Integer> pinnedReplicas = new ConcurrentHashMap<>();
    /** Per service, the token of its last rollout trigger ({@code orbit restart}, an image update). */
    private final Map<String, String> restartTokens = new ConcurrentHashMap<>();

    private final AtomicLong lastToken = new AtomicLong();
    private final Map<String, Integer> autoscaledReplicas = new ConcurrentHashMap<>();
    private final Map<String, List<String>> preferredVictims = new ConcurrentHashMap<>();

    public Snapshot snapshot() {
        return requireNonNull(current.get(), "set at construction, never to null");
    }

    /** Publishes a load; the autoscaler's counts and victims of services that are gone are forgotten. */
    public void replace(Snapshot snapshot) {
        current.set(snapshot);
        autoscaledReplicas.keySet().retainAll(snapshot.services().keySet());
        preferredVictims.keySet().retainAll(snapshot.services().keySet());
    }

    /**
     * Why the containers of {@code service} must be left exactly as they run although it has no definition: its file
     * is broken ({@link BrokenFiles#whyKept}). Empty for a defined service, and for one whose pods may be removed.
     */
    public Optional<String> whyKept(String service) {
        Snapshot snapshot = snapshot();
        if (snapshot.services().containsKey(service)) {
            return Optional.empty();
        }
        return snapshot.broken().whyKept(service);
    }

    public Set<String> serviceNames() {
        return snapshot().services().keySet();
    }

    /**
     * The service as it should run now: a pinned replica count, else the autoscaler's, else its minimum; clamped to
     * [min, max].
     */
    public Optional<DesiredService> service(String name) {
        DesiredService service = snapshot().services().get(name);
        if (service == null) {
            return Optional.empty();
        }
        Integer pinned = pinnedReplicas.get(name);
        Integer chosen = pinned != null ? pinned : autoscaledReplicas.get(name);
        int replicas = chosen == null
                ? service.replicas()
                : Math.max(
                        service.definition().minInstances(),
                        Math.min(service.definition().maxInstances(), chosen));
        String token = restartTokens.get(name);
        String hash = token == null ? service.configHash() : PodTemplateHash.withToken(service.configHash(), token);
        return Optional.of(new DesiredService(service.definition(), hash, replicas));
    }

    /**
     * Asks for every pod of the service to be replaced ({@code orbit restart}, an image update): the service gets a
     * new rollout token, so its hash becomes {@code H-rTOKEN} and the reconciler rolls the pods one at a time, new
     * before old, exactly as for a changed spec. Tokens are unique (base36 of the trigger's epoch milliseconds, bumped
     * when two triggers share a millisecond), so pods of an earlier daemon run never look current by accident. A
     * fresh daemon has no token: then pods of H with any token count as current ({@link PodTemplateHash#matches}), so
     * restarting the daemon rolls nothing.
     *
     * @return the new token
     */
    public String restart(String service) {
        long now = System.currentTimeMillis();
        long token = lastToken.updateAndGet(last -> Math.max(last + 1, now));
        String encoded = Long.toString(token, 36);
        restartTokens.put(service, encoded);
        return encoded;
    }

    /**
     * Takes back a rollout token the state store kept across a daemon restart, so the pods of that rollout stay
     * current and a rolled-back token stays failed. A token set since the start wins.
     */
    public void restoreRestartToken(String service, String token) {
        restartTokens.putIfAbsent(service, token);
    }

    /** Every service's rollout token (for the state store). */
    public Map<String, String> restartTokens() {
        return Map.copyOf(restartTokens);
    }

    /** Every pin as asked for (for the state store). */
    public Map<String, Integer> pins() {
        return Map.copyOf(pinnedReplicas);
    }

    /** Every count the autoscaler set (for the state store). */
    public Map<String, Integer> autoscaledCounts() {
        return Map.copyOf(autoscaledReplicas);
    }

    /** The service's rollout token, if a rollout was triggered since the daemon started. */
    public Optional<String> restartToken(String service) {
        return Optional.ofNullable(restartTokens.get(service));
    }

    /** Pins the replica count of a service (it is clamped to the service's bounds when read). */
    public void pinReplicas(String service, int replicas) {
        pinnedReplicas.put(service, replicas);
    }

    public void unpinReplicas(String service) {
        pinnedReplicas.remove(service);
    }

    /** The pinned count as asked for ({@code orbit scale N}, not clamped), while a pin is set. */
    public Optional<Integer> pinnedReplicas(String service) {
        return Optional.ofNullable(pinnedReplicas.get(service));
    }

    /**
     * The autoscaler's replica count (clamped to [min, max] when read); a pin wins while it is set. Ignored for a
     * service that is not defined.
     */
    public void setAutoscaledReplicas(String service, int replicas) {
        if (replicas < 0) {
            throw new IllegalArgumentException("replicas is negative: " + replicas);
        }
        if (snapshot().services().containsKey(service)) {
            autoscaledReplicas.put(service, replicas);
        }
    }

    /** The autoscaler's count as it set it, if it set one. */
    public Optional<Integer> autoscaledReplicas(String service) {
        return Optional.ofNullable(autoscaledReplicas.get(service));
    }

    /** Forgets the autoscaler's count (its policy was removed): the service falls back to its minimum or its pin. */
    public void clearAutoscaledReplicas(String service) {
        autoscaledReplicas.remove(service);
        preferredVictims.remove(service);
    }

    /** The pods a scale-down should remove first, in order (the autoscaler's choice); replaced on every call. */
    public void preferVictims(String service, List<String> podIds) {
        if (podIds.isEmpty()) {
            preferredVictims.remove(service);
        } else {
            preferredVictims.put(service, List.copyOf(podIds));
        }
    }

    public List<String> preferredVictims(String service) {
        return preferredVictims.getOrDefault(service, List.of());
    }
}
