package io.orbit.engine.reconcile;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per service, when a check for something that rarely exists is due again: at once while the last check found some,
 * otherwise {@code interval} after it found none. It spares an idle service engine listings whose answer is almost
 * always empty (the unlabelled pods of an earlier Orbit, pod networks leaked by a crash): the engine's API process
 * spends tens of milliseconds of CPU on each listing of a large service.
 */
final class QuietChecks {

    /** How long after a check that found nothing it is due again: orphans and leaks appear rarely, a minute late is fine. */
    static final Duration RECHECK = Duration.ofSeconds(60);

    private final InstantSource clock;
    private final Duration interval;
    private final Map<String, Instant> quietSince = new ConcurrentHashMap<>();

    QuietChecks(InstantSource clock, Duration interval) {
        this.clock = requireNonNull(clock, "clock is null");
        this.interval = requireNonNull(interval, "interval is null");
    }

    boolean due(String service) {
        Instant quiet = quietSince.get(service);
        return quiet == null || !clock.instant().isBefore(quiet.plus(interval));
    }

    /** Records a check's outcome: found something, so check on every pass; or nothing, so not before the interval. */
    void checked(String service, boolean foundSome) {
        if (foundSome) {
            quietSince.remove(service);
        } else {
            quietSince.put(service, clock.instant());
        }
    }

    void forget(String service) {
        quietSince.remove(service);
    }
}
