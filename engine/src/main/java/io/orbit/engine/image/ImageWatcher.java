package io.orbit.engine.image;

import static java.util.Objects.requireNonNull;

import io.orbit.engine.health.Durations;
import io.orbit.engine.journal.EventJournal;
import io.orbit.engine.reconcile.ReconcileQueue;
import io.orbit.engine.spec.ContainerDefinition;
import io.orbit.engine.spec.ServiceSpec;
import io.orbit.engine.state.ContainerStatus;
import io.orbit.engine.state.DesiredService;
import io.orbit.engine.state.DesiredState;
import io.orbit.engine.state.PodStatus;
import io.orbit.engine.state.ServiceStatus;
import io.orbit.engine.state.StatusStore;
import io.orbit.engine.support.PeriodicTask;
import io.orbit.runtime.ContainerRuntime;
import io.orbit.runtime.ContainerRuntimeException;
import io.orbit.runtime.ImageDetails;
import io.orbit.runtime.NotFoundException;
import io.orbit.runtime.PullProgressListener;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps every service on the image its tags name now. Each {@link #TICK} (on the {@code orbit-image-watch} thread) it
 * re-reads the desired services — so services added or changed by a hot reload are watched and removed ones dropped —
 * and checks those whose {@code image_check_interval} has passed since their last check (the first check comes one
 * interval after the service is first seen). A check resolves each container's image reference: with {@code
 * pull_policy: Always} it pulls, otherwise ({@code Never} or unset) it only reads the local tag; then it compares the
 * resolved image id with the image ids the service's running containers were created from. When one runs an older
 * image, the service gets a new rollout token ({@link DesiredState#restart}) and is enqueued: the reconciler replaces
 * the pods readiness-gated, with rollback, as for any changed spec. The watcher never touches a container.
 *
 * <p>A new image id triggers one rollout per service and reference: while it is in progress, and after it failed and
 * was rolled back, the same id is not triggered again (only a newer one is). A pull or inspect failure is logged with
 * its fix, journalled ({@code image-check-failed}, again only when it changes or every {@link #REPEAT_REPORT}) and
 * retried next interval; it never stops the watcher (Orbit's task died on the first error, and only ever watched the
 * services loaded at startup).
 *
 * <p>Thread-safety: ticks never overlap, and no lock is held across a pull or an inspect: a tick that finds another
 * one running returns at once (the next comes within {@link #TICK}). The maps below are touched only by the one tick
 * in flight; the {@code ticking} flag's set and reset order their writes before the next tick's reads. {@link #tick}
 * may be called directly (tests).
 *
 * <p>Longer than 300 lines: one tick (resolve, compare, trigger, report) and the records per image reference it keeps between ticks.
 */
public final class ImageWatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ImageWatcher.class);
    /** How often due services are looked for; a check itself waits for the service's interval. */
    public static final Duration TICK = Duration.ofSeconds(1);
    /** The same failure of the same reference is reported again (WARN, journal) at most this often. */
    static final Duration REPEAT_REPORT = Duration.ofMinutes(5);

    static final String UPDATED = "image-updated";
    static final String CHECK_FAILED = "image-check-failed";

    private final DesiredState desired;
    private final StatusStore status;
    private final ContainerRuntime runtime;
    private final ReconcileQueue queue;
    private final EventJournal journal;
    private final InstantSource clock;
    /** True while a tick runs: single flight without a lock, so nothing ever waits behind a long pull. */
    private final AtomicBoolean ticking = new AtomicBoolean();
    /** Per service, when it was last checked (or first seen). */
    private final Map<String, Instant> lastCheck = new HashMap<>();
    /**
     * Per service and image reference, the image id a rollout was last triggered for. Concurrent: the state store
     * copies it from its own thread, and takes it back before the first tick, so a restarted daemon does not trigger a
     * rolled-back image again.
     */
    private final Map<Key, String> triggered = new ConcurrentHashMap<>();
    /** Per service and image reference, the last failure reported and when. */
    private final Map<Key, Failure> failures = new HashMap<>();
    /** The image a container was created from never changes, so each container is inspected once. */
    private final Map<String, String> containerImages = new HashMap<>();

    /** Calls {@link #tick()} on the {@code orbit-image-watch} thread. */
    private final PeriodicTask ticker;

    private record Key(String service, String reference) {}

    private record Failure(String message, Instant reportedAt) {}

    public ImageWatcher(
            DesiredState desired,
            StatusStore status,
            ContainerRuntime runtime,
            ReconcileQueue queue,
            EventJournal journal,
            InstantSource clock) {
        this.desired = requireNonNull(desired, "desired is null");
        this.status = requireNonNull(status, "status is null");
        this.runtime = requireNonNull(runtime, "runtime is null");
        this.queue = requireNonNull(queue, "queue is null");
        this.journal = requireNonNull(journal, "journal is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.ticker = new PeriodicTask("orbit-image-watch", TICK, this::tick);
    }

    /** Starts the {@code orbit-image-watch} thread, ticking every {@link #TICK}. */
    public synchronized void start() {
        if (ticker.started()) {
            throw new IllegalStateException("image watcher already started");
        }
        ticker.start();
    }

    /**
     * Checks every service whose interval has passed; forgets services that are no longer defined. Returns at once
     * when another tick is running.
     */
    public void tick() {
        if (!ticking.compareAndSet(false, true)) {
            log.atDebug().log("image check still running; skipping this tick");
            return;
        }
        try {
            checkDueServices();
        } finally {
            ticking.set(false);
        }
    }

    private void checkDueServices() {
        Instant now = clock.instant();
        Map<String, DesiredService> services = desired.snapshot().services();
        lastCheck.keySet().retainAll(services.keySet());
        triggered.keySet().removeIf(key -> !services.containsKey(key.service()));
        failures.keySet().removeIf(key -> !services.containsKey(key.service()));
        Set<String> running = new HashSet<>();
        for (DesiredService service : services.values()) {
            Instant last = lastCheck.putIfAbsent(service.name(), now);
            if (last != null && !now.isBefore(last.plus(service.definition().imageCheckInterval()))) {
                lastCheck.put(service.name(), now);
                check(service, running);
            } else {
                containerIdsOf(service.name()).forEach(running::add);
            }
        }
        containerImages.keySet().retainAll(running);
    }

    private void check(DesiredService service, Set<String> running) {
        String name = service.name();
        boolean pull = service.definition().spec().pullPolicy() == ServiceSpec.PullPolicy.Always;
        List<String> changes = new ArrayList<>();
        List<Key> keys = new ArrayList<>();
        Map<String, String> resolvedIds = new HashMap<>();
        for (ContainerDefinition container : service.definition().containers()) {
            Map<String, String> imageIds = runningImages(name, container.name());
            running.addAll(imageIds.keySet());
            if (imageIds.isEmpty()) {
                continue; // nothing runs yet: the pods start on whatever the tag names then
            }
            String reference = container.image();
            Key key = new Key(name, reference);
            String resolved = resolvedIds.get(reference);
            if (resolved == null) {
                Optional<String> id = resolve(service, key, pull);
                if (id.isEmpty()) {
                    continue;
                }
                resolved = id.get();
                resolvedIds.put(reference, resolved);
            }
            String newest = resolved;
            Set<String> older = new TreeSet<>();
            imageIds.values().stream().filter(id -> !id.equals(newest)).forEach(older::add);
            if (older.isEmpty() || newest.equals(triggered.get(key))) {
                continue;
            }
            keys.add(key);
            changes.add("%s of container '%s': %s -> %s"
                    .formatted(
                            reference,
                            container.name(),
                            String.join(
                                    ", ",
                                    older.stream().map(ImageWatcher::shortId).toList()),
                            shortId(newest)));
        }
        if (changes.isEmpty()) {
            return;
        }
        String token = desired.restart(name);
        keys.forEach(key -> triggered.put(key, resolvedIds.get(key.reference())));
        String message = "new image for '%s': %s; rolling the pods out (rollout token %s)"
                .formatted(name, String.join("; ", changes), token);
        journal.record(UPDATED, Optional.of(name), Optional.empty(), message);
        log.atInfo().addKeyValue("service", name).log(message);
        queue.enqueue(name);
    }

    /** The image id the reference names now, or empty after reporting why it could not be resolved. */
    private Optional<String> resolve(DesiredService service, Key key, boolean pull) {
        try {
            Optional<ImageDetails> image = pull
                    ? Optional.of(runtime.pullImage(key.reference(), PullProgressListener.IGNORE))
                    : runtime.inspectImage(key.reference());
            if (image.isEmpty()) {
                report(
                        key,
                        "image %s is not present in the engine; build or pull it (podman pull %s), or set pull_policy: Always in %s"
                                .formatted(
                                        key.reference(),
                                        key.reference(),
                                        service.definition().file()));
                return Optional.empty();
            }
            if (failures.remove(key) != null) {
                log.atInfo()
                        .addKeyValue("service", key.service())
                        .addKeyValue("image", key.reference())
                        .log("image check works again");
            }
            return Optional.of(bare(image.get().id()));
        } catch (ContainerRuntimeException e) {
            report(
                    key,
                    pull
                            ? "pulling %s failed: %s; the pods keep running their image and the pull is retried in %s. Check that the registry is reachable and the reference exists (podman pull %s), or set pull_policy: Never in %s to watch the local tag only"
                                    .formatted(
                                            key.reference(),
                                            e.getMessage(),
                                            Durations.human(service.definition().imageCheckInterval()),
                                            key.reference(),
                                            service.definition().file())
                            : "inspecting image %s failed: %s; retried in %s"
                                    .formatted(
                                            key.reference(),
                                            e.getMessage(),
                                            Durations.human(service.definition().imageCheckInterval())));
            return Optional.empty();
        }
    }

    private void report(Key key, String message) {
        Instant now = clock.instant();
        Failure last = failures.get(key);
        if (last != null
                && last.message().equals(message)
                && now.isBefore(last.reportedAt().plus(REPEAT_REPORT))) {
            log.atDebug().addKeyValue("service", key.service()).log(message);
            return;
        }
        failures.put(key, new Failure(message, now));
        journal.record(CHECK_FAILED, Optional.of(key.service()), Optional.empty(), message);
        log.atWarn()
                .addKeyValue("service", key.service())
                .addKeyValue("image", key.reference())
                .log(message);
    }

    /** Container id to the image id it was created from, for the running containers of that name in the service. */
    private Map<String, String> runningImages(String service, String containerName) {
        ServiceStatus observed = status.services().get(service);
        Map<String, String> images = new HashMap<>();
        if (observed == null) {
            return images;
        }
        for (PodStatus pod : observed.pods()) {
            for (ContainerStatus container : pod.containers()) {
                if (!container.containerName().equals(containerName)
                        || !container.state().isRunning()) {
                    continue;
                }
                imageOf(container.id()).ifPresent(image -> images.put(container.id(), image));
            }
        }
        return images;
    }

    private Optional<String> imageOf(String containerId) {
        String known = containerImages.get(containerId);
        if (known != null) {
            return Optional.of(known);
        }
        try {
            String image = bare(runtime.inspectContainer(containerId).imageId());
            containerImages.put(containerId, image);
            return Optional.of(image);
        } catch (NotFoundException gone) {
            return Optional.empty();
        } catch (ContainerRuntimeException e) {
            log.atDebug().addKeyValue("container", containerId).log("inspect failed: " + e.getMessage());
            return Optional.empty();
        }
    }

    private List<String> containerIdsOf(String service) {
        ServiceStatus observed = status.services().get(service);
        if (observed == null) {
            return List.of();
        }
        return observed.pods().stream()
                .flatMap(pod -> pod.containers().stream())
                .map(ContainerStatus::id)
                .toList();
    }

    private static String bare(String id) {
        return id.startsWith("sha256:") ? id.substring("sha256:".length()) : id;
    }

    private static String shortId(String id) {
        return id.length() > 12 ? id.substring(0, 12) : id;
    }

    /** Per service, per image reference, the image id a rollout was last triggered for (for the state store). */
    public Map<String, Map<String, String>> triggeredImages() {
        Map<String, Map<String, String>> images = new java.util.TreeMap<>();
        triggered.forEach((key, id) -> images.computeIfAbsent(key.service(), service -> new java.util.TreeMap<>())
                .put(key.reference(), id));
        return images;
    }

    /** Takes back an image id a previous run triggered a rollout for; one triggered since the start wins. */
    public void restoreTriggered(String service, String reference, String imageId) {
        triggered.putIfAbsent(new Key(service, reference), imageId);
    }

    @Override
    public synchronized void close() {
        ticker.close();
    }
}
