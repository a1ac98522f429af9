package io.orbit.engine.persist;

import static java.util.Objects.requireNonNull;

import io.orbit.engine.config.ServiceFileParser;
import io.orbit.engine.health.RestartLedger;
import io.orbit.engine.image.ImageWatcher;
import io.orbit.engine.journal.EventJournal;
import io.orbit.engine.journal.JournalEntry;
import io.orbit.engine.reconcile.Rollouts;
import io.orbit.engine.spec.HostAccess;
import io.orbit.engine.spec.ParsedFile;
import io.orbit.engine.spec.ServiceDefinition;
import io.orbit.engine.spec.SpecValidator;
import io.orbit.engine.state.DesiredService;
import io.orbit.engine.state.DesiredState;
import io.orbit.engine.state.PodTemplateHash;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state store: reads what a previous run kept under {@code --state-dir} ({@link #restore}, once, before the first
 * configuration load), then keeps it current from one writer thread ({@code orbit-state-store}) that looks every
 * {@link #INTERVAL} and writes only the files whose content changed. The
 * reconcile passes, the autoscaler and the API never wait for a disk: they change memory, the writer copies it.
 *
 * <p>A write that fails (a full disk, a read-only file system) never stops anything else: it is logged once per change
 * of the error, shown by {@link #health()} ({@code /status}'s {@code state_store}, {@code orbit doctor}) and retried
 * with a back-off of 1 s doubling to 30 s. A file that does not read is set aside as {@code
 * <name>.corrupt-<UTC time>} and the daemon starts without it, from what the engine shows.
 *
 * <p>Files: {@code scaling.json} (pins, the autoscaler's counts), {@code rollouts.json} (rollout tokens, known-good and
 * failed specs), {@code restarts.json} (the restart ledger) and {@code journal/} (the journal's segment log).
 *
 * <p>Over 300 lines because restoring and writing each kept thing are one contract on one directory: what a file
 * holds is written and read side by side.
 */
public final class StateStore implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StateStore.class);
    /** How often the writer looks for changes: at most this much of a decision is lost to a crash. */
    public static final Duration INTERVAL = Duration.ofSeconds(1);

    static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    static final Duration MAX_RETRY = Duration.ofSeconds(30);
    /** How long closing waits for the last write. */
    static final Duration CLOSE_DEADLINE = Duration.ofSeconds(5);

    static final long SEGMENT_BYTES = 1 << 20;
    static final int SEGMENTS = 4;

    /**
     * What {@code /status} and {@code orbit doctor} show.
     *
     * @param ok the last write (or the restore, before any write) worked
     * @param error what failed, with the fix, while not ok
     * @param since when the current state (ok or failing) began
     * @param setAside files that did not read at the start and were moved aside
     */
    public record Health(Path directory, boolean ok, Optional<String> error, Instant since, List<Path> setAside) {
        public Health {
            requireNonNull(directory, "directory is null");
            requireNonNull(error, "error is null");
            requireNonNull(since, "since is null");
            setAside = List.copyOf(setAside);
        }
    }

    /** The autoscaler's view of a service at the moment its count is saved: when it last decided, and its window. */
    public record AutoscaleMark(Optional<Instant> decidedAt, Duration window) {}

    private final Path directory;
    private final InstantSource clock;
    private final DesiredState desired;
    private final RestartLedger ledger;
    private final Rollouts rollouts;
    private final ImageWatcher images;
    private final EventJournal journal;
    private final Function<String, AutoscaleMark> autoscaleMarks;
    private final SpecResolver specs;
    private final StateCodec codec = new StateCodec();
    private final StateFile scaling;
    private final StateFile rolloutsFile;
    private final StateFile restarts;
    private final JournalLog journalLog;

    /** Held while reading or writing files (by the writer thread, or a caller of {@link #flush}). */
    private final ReentrantLock lock = new ReentrantLock();
    /** Guards {@link #stopping} only, so stopping never waits for a disk. */
    private final ReentrantLock signal = new ReentrantLock();

    private final Condition wake = signal.newCondition();
    private final Map<Path, byte[]> written = new HashMap<>();
    private final List<Path> setAside = new ArrayList<>();
    private Map<String, Integer> keptAutoscaled = Map.of();
    private long journalWritten;
    private volatile Health health;
    private Duration retryDelay = FIRST_RETRY;
    private Instant retryAt = Instant.EPOCH;
    private boolean stopping;
    private @Nullable Thread writer;

    /**
     * @param autoscaleMarks the autoscaler's last decision time and stabilisation window of a service, saved beside its
     *     count
     */
    public StateStore(
            Path directory,
            InstantSource clock,
            DesiredState desired,
            RestartLedger ledger,
            Rollouts rollouts,
            ImageWatcher images,
            EventJournal journal,
            Function<String, AutoscaleMark> autoscaleMarks,
            SpecResolver specs) {
        this.directory = requireNonNull(directory, "directory is null").toAbsolutePath();
        this.clock = requireNonNull(clock, "clock is null");
        this.desired = requireNonNull(desired, "desired is null");
        this.ledger = requireNonNull(ledger, "ledger is null");
        this.rollouts = requireNonNull(rollouts, "rollouts is null");
        this.images = requireNonNull(images, "images is null");
        this.journal = requireNonNull(journal, "journal is null");
        this.autoscaleMarks = requireNonNull(autoscaleMarks, "autoscaleMarks is null");
        this.specs = requireNonNull(specs, "specs is null");
        this.scaling = new StateFile(this.directory.resolve("scaling.json"));
        this.rolloutsFile = new StateFile(this.directory.resolve("rollouts.json"));
        this.restarts = new StateFile(this.directory.resolve("restarts.json"));
        this.journalLog = new JournalLog(this.directory.resolve("journal"), codec, SEGMENT_BYTES, SEGMENTS);
        this.health = new Health(this.directory, true, Optional.empty(), clock.instant(), List.of());
    }

    /** Turns a kept good spec back into a definition (validated again, as a service file would be). */
    @FunctionalInterface
    public interface SpecResolver {
        Optional<ServiceDefinition> resolve(Path file, String specJson);

        /** Parses and validates like the config directory does, with the daemon's API port and host access policy. */
        static SpecResolver validating(int apiPort, HostAccess hostAccess) {
            ServiceFileParser parser = new ServiceFileParser();
            return (file, json) -> {
                ParsedFile parsed = parser.parse(file, json);
                SpecValidator.Result result = SpecValidator.validate(List.of(parsed), apiPort, hostAccess);
                return result.services().stream().findFirst();
            };
        }
    }

    public Path directory() {
        return directory;
    }

    public Health health() {
        return health;
    }

    /**
     * Reads what a previous run kept and gives it back to the engine: the journal (its numbers continue), pins,
     * rollout tokens, the restart ledger and the rollouts' good and failed specs. The autoscaler's counts wait for
     * {@link #restoreAutoscaled} (they need the services defined). Never throws for a bad file: it is set aside.
     */
    public void restore() {
        lock.lock();
        try {
            try {
                createDirectory();
            } catch (IOException e) {
                failed(clock.instant(), e); // the daemon runs without kept state; writes are retried
                return;
            }
            restoreJournal();
            read(scaling, StateCodec.ScalingFile.class).ifPresent(file -> {
                file.pins().forEach(desired::pinReplicas);
                keptAutoscaled = new HashMap<>();
                file.autoscaled().forEach((service, kept) -> keptAutoscaled.put(service, kept.replicas()));
            });
            read(rolloutsFile, StateCodec.RolloutsFile.class).ifPresent(this::restoreRollouts);
            read(restarts, StateCodec.RestartsFile.class)
                    .ifPresent(file -> ledger.restore(file.slots().stream()
                            .map(StateCodec.SlotEntry::state)
                            .toList()));
            health = new Health(directory, health.ok(), health.error(), health.since(), List.copyOf(setAside));
        } finally {
            lock.unlock();
        }
    }

    /**
     * After the first configuration load: each autoscaled service gets back its kept count, and never fewer than the
     * pods running now ({@code running}), so neither a restart nor a first start without state (an upgrade) scales
     * below what runs; the autoscaler then holds off any scale-down for a full stabilisation window of fresh data.
     *
     * @param autoscaled whether a service autoscales (its policy has a signal)
     * @param running the running pods per service, as the engine shows them; empty when the engine did not answer
     */
    public void restoreAutoscaled(Predicate<String> autoscaled, Map<String, Integer> running) {
        Set<String> services = new HashSet<>(keptAutoscaled.keySet());
        services.addAll(running.keySet());
        for (String service : services) {
            if (!autoscaled.test(service) || desired.pinnedReplicas(service).isPresent()) {
                continue;
            }
            int count = Math.max(keptAutoscaled.getOrDefault(service, 0), running.getOrDefault(service, 0));
            if (count > 0 && desired.autoscaledReplicas(service).isEmpty()) {
                desired.setAutoscaledReplicas(service, count);
                log.atInfo()
                        .addKeyValue("service", service)
                        .addKeyValue("replicas", count)
                        .addKeyValue("kept", keptAutoscaled.getOrDefault(service, 0))
                        .addKeyValue("running", running.getOrDefault(service, 0))
                        .log("autoscaled count restored: no scale-down before a full window of fresh data");
            }
        }
        keptAutoscaled = Map.of();
    }

    /** Starts the writer thread ({@code orbit-state-store}). */
    public void start() {
        signal.lock();
        try {
            if (writer != null) {
                throw new IllegalStateException("state store already started");
            }
            stopping = false;
            Thread thread =
                    Thread.ofPlatform().name("orbit-state-store").daemon(true).unstarted(this::run);
            writer = thread;
            thread.start();
        } finally {
            signal.unlock();
        }
    }

    private void run() {
        while (true) {
            signal.lock();
            try {
                long left = INTERVAL.toNanos();
                while (!stopping && left > 0) {
                    left = wake.awaitNanos(left);
                }
                if (stopping) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                signal.unlock();
            }
            flush(false);
        }
    }

    /**
     * Writes every file whose content changed and appends new journal entries. While writes fail it only tries again
     * once the back-off is over, unless {@code force}.
     *
     * @return whether everything is written
     */
    public boolean flush(boolean force) {
        lock.lock();
        try {
            Instant now = clock.instant();
            if (!health.ok() && !force && now.isBefore(retryAt)) {
                return false;
            }
            try {
                createDirectory();
                writeIfChanged(scaling, codec.write(scalingFile()));
                writeIfChanged(rolloutsFile, codec.write(rolloutsFile()));
                writeIfChanged(restarts, codec.write(restartsFile()));
                List<JournalEntry> fresh = journal.after(journalWritten);
                journalLog.append(fresh);
                if (!fresh.isEmpty()) {
                    journalWritten = fresh.get(fresh.size() - 1).sequence();
                }
                succeeded(now);
                return true;
            } catch (IOException | RuntimeException e) {
                failed(now, e);
                return false;
            }
        } finally {
            lock.unlock();
        }
    }

    private void succeeded(Instant now) {
        if (!health.ok()) {
            log.atInfo()
                    .addKeyValue("directory", directory)
                    .log("state store writes again after failing since " + health.since());
            health = new Health(directory, true, Optional.empty(), now, health.setAside());
        }
        retryDelay = FIRST_RETRY;
    }

    private void failed(Instant now, Exception e) {
        String error = "cannot write the daemon's state in " + directory + ": " + describe(e)
                + "; reconciling goes on, the state is written again once the disk takes it (free space on the"
                + " file system of --state-dir, or point --state-dir at a writable directory)";
        if (health.ok() || !health.error().equals(Optional.of(error))) {
            // Once per change of the error, not once per retry.
            log.atWarn().addKeyValue("directory", directory).log(error);
            health = new Health(
                    directory, false, Optional.of(error), health.ok() ? now : health.since(), health.setAside());
        }
        retryAt = now.plus(retryDelay);
        retryDelay = retryDelay.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : retryDelay.multipliedBy(2);
    }

    private static String describe(Exception e) {
        String message = e.getMessage();
        String kind = e.getClass().getSimpleName();
        return message == null ? kind : kind + ": " + message;
    }

    /** Stops the writer and writes what changed last (within {@link #CLOSE_DEADLINE}). */
    @Override
    public void close() {
        Thread thread;
        signal.lock();
        try {
            stopping = true;
            wake.signalAll();
            thread = writer;
            writer = null;
        } finally {
            signal.unlock();
        }
        if (thread == null) {
            return;
        }
        try {
            thread.join(CLOSE_DEADLINE.toMillis());
            if (!lock.tryLock(CLOSE_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
                log.atWarn()
                        .log("state store: the last write did not finish within " + CLOSE_DEADLINE
                                + "; what changed since is not kept");
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        try {
            flush(true);
        } finally {
            lock.unlock();
        }
    }

    private void createDirectory() throws IOException {
        if (Files.isDirectory(directory)) {
            return;
        }
        try {
            Files.createDirectories(
                    directory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (FileAlreadyExistsException raced) {
            return;
        }
        // createDirectories applies the umask: make it 0700 exactly (it holds rollout specs and the journal).
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
    }

    private void restoreJournal() {
        try {
            JournalLog.Loaded loaded = journalLog.load(EventJournal.DEFAULT_CAPACITY);
            if (loaded.tornTail()) {
                log.atWarn()
                        .addKeyValue("directory", directory)
                        .log("the journal's last line was torn (a crash while"
                                + " appending); it is dropped, the entries before it are kept");
            }
            journal.restore(loaded.entries());
            journalWritten = loaded.lastSequence();
        } catch (IOException | RuntimeException e) {
            failed(clock.instant(), e);
        }
    }

    /** The file's content, or empty when there is none or it does not read (then it is set aside). */
    private <T> Optional<T> read(StateFile file, Class<T> type) {
        byte[] content;
        try {
            file.removeLeftovers();
            Optional<byte[]> read = file.read();
            if (read.isEmpty()) {
                return Optional.empty();
            }
            content = read.get();
        } catch (IOException e) {
            failed(clock.instant(), e);
            return Optional.empty();
        }
        try {
            T value = codec.read(content, type);
            written.put(file.path(), content);
            return Optional.of(value);
        } catch (IOException corrupt) {
            try {
                Path aside = file.setAside(clock.instant());
                setAside.add(aside);
                log.atWarn()
                        .addKeyValue("file", file.path())
                        .log("state file does not read (" + corrupt.getMessage() + "); moved aside as " + aside
                                + "; the daemon starts from what the engine shows");
                journal.record(
                        "state-corrupt",
                        Optional.empty(),
                        Optional.empty(),
                        "state file " + file.path() + " did not read and was moved aside as " + aside
                                + "; starting from what the engine shows");
            } catch (IOException e) {
                failed(clock.instant(), e);
            }
            return Optional.empty();
        }
    }

    private void restoreRollouts(StateCodec.RolloutsFile file) {
        file.tokens().forEach(desired::restoreRestartToken);
        file.images()
                .forEach((service, ids) ->
                        ids.forEach((reference, id) -> images.restoreTriggered(service, reference, id)));
        file.services().forEach((service, kept) -> {
            List<DesiredService> good = new ArrayList<>();
            for (StateCodec.GoodSpec spec : kept.good()) {
                Optional<ServiceDefinition> definition =
                        specs.resolve(Path.of(spec.file()), codec.specText(spec.spec()));
                if (definition.isPresent()
                        && PodTemplateHash.base(spec.hash()).equals(PodTemplateHash.of(definition.get()))) {
                    good.add(new DesiredService(
                            definition.get(), spec.hash(), definition.get().minInstances()));
                } else {
                    log.atWarn()
                            .addKeyValue("service", service)
                            .log("a kept known-good spec " + spec.hash() + " no longer validates the same; it is not"
                                    + " a rollback target after this restart");
                }
            }
            rollouts.restore(new Rollouts.Kept(service, good, Set.copyOf(kept.failed())));
        });
    }

    private void writeIfChanged(StateFile file, byte[] content) throws IOException {
        byte[] last = written.get(file.path());
        if (last != null && Arrays.equals(last, content)) {
            return;
        }
        file.write(content);
        written.put(file.path(), content);
    }

    private StateCodec.ScalingFile scalingFile() {
        Map<String, StateCodec.Autoscaled> autoscaled = new TreeMap<>();
        desired.autoscaledCounts().forEach((service, replicas) -> {
            AutoscaleMark mark = autoscaleMarks.apply(service);
            autoscaled.put(
                    service,
                    new StateCodec.Autoscaled(
                            replicas,
                            mark.decidedAt().map(Instant::toString).orElse(null),
                            mark.window().toSeconds()));
        });
        return new StateCodec.ScalingFile(StateCodec.FORMAT, new TreeMap<>(desired.pins()), autoscaled);
    }

    private StateCodec.RolloutsFile rolloutsFile() {
        Map<String, StateCodec.ServiceRollouts> services = new TreeMap<>();
        for (Rollouts.Kept kept : rollouts.export()) {
            List<StateCodec.GoodSpec> good = kept.good().stream()
                    .map(spec -> new StateCodec.GoodSpec(
                            spec.configHash(),
                            spec.definition().file().toString(),
                            codec.spec(spec.definition().spec())))
                    .toList();
            services.put(
                    kept.service(),
                    new StateCodec.ServiceRollouts(
                            kept.failed().stream().sorted().toList(), good));
        }
        return new StateCodec.RolloutsFile(
                StateCodec.FORMAT, new TreeMap<>(desired.restartTokens()), services, images.triggeredImages());
    }

    private StateCodec.RestartsFile restartsFile() {
        List<StateCodec.SlotEntry> slots = ledger.export().stream()
                .map(StateCodec.SlotEntry::of)
                .sorted(Comparator.comparing(StateCodec.SlotEntry::service)
                        .thenComparingInt(StateCodec.SlotEntry::podNumber)
                        .thenComparing(StateCodec.SlotEntry::configHash))
                .toList();
        return new StateCodec.RestartsFile(StateCodec.FORMAT, slots);
    }
}
