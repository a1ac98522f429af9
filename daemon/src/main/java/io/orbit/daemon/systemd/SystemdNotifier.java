package io.orbit.daemon.systemd;

import io.orbit.daemon.runtime.RuntimeMonitor;
import io.orbit.engine.health.HealthMonitor;
import io.orbit.engine.lifecycle.Managed;
import io.orbit.engine.reconcile.Reconciler;
import io.orbit.engine.spec.ServiceDefinition;
import io.orbit.engine.state.DesiredService;
import io.orbit.engine.state.DesiredState;
import io.orbit.engine.state.PodStatus;
import io.orbit.engine.state.ServiceStatus;
import io.orbit.engine.state.StatusStore;
import jakarta.inject.Inject;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiPredicate;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Speaks systemd's notify protocol when run as a {@code Type=notify} unit ({@code $NOTIFY_SOCKET} set):
 *
 * <ul>
 *   <li>{@code READY=1} once every service has its minimum of <em>ready</em> pods — running, and through their
 *       health checks if they have any (the same test that lets a pod into traffic) — or after {@link #READY_DEADLINE}
 *       with a {@code STATUS=} line saying which services still wait: a broken service must not keep the unit
 *       "activating" forever;
 *   <li>{@code STATUS=…} every few seconds: while starting, the ready pods of each service still below its minimum
 *       ("web 1/2 ready"); then "5 service(s), 12/12 pods running, 12 ready";
 *   <li>{@code STATUS=engine unreachable since …: why; …} at once when the engine goes away, and every few seconds
 *       while it stays away;
 *   <li>{@code WATCHDOG=1} at half of {@code $WATCHDOG_USEC}, but only while the daemon's own loops live (the resync
 *       ticks, a reconcile worker waits for work or finishes passes, failed ones included): the watchdog guards the
 *       daemon, not the engine, so an engine outage never gets the daemon — and its node_port proxies — killed;
 *   <li>{@code RELOADING=1} (with {@code MONOTONIC_USEC=}) … {@code READY=1} around a reload (SIGHUP, {@code systemctl
 *       reload});
 *   <li>{@code STOPPING=1} when the daemon stops.
 * </ul>
 *
 * Without {@code $NOTIFY_SOCKET} it does nothing.
 *
 * <p>Longer than 300 lines: every notification of the sd_notify protocol (READY, STATUS, WATCHDOG, RELOADING, STOPPING) and the readiness rule they share.
 */
public final class SystemdNotifier implements Managed {

    /** Where the messages go: the notify socket, or a recorder in tests. */
    interface Channel {
        void send(String message) throws IOException;

        void close();
    }

    private static final Logger log = LoggerFactory.getLogger(SystemdNotifier.class);
    static final Duration READY_DEADLINE = Duration.ofSeconds(90);
    static final Duration STATUS_INTERVAL = Duration.ofSeconds(5);
    /** The watchdog is fed only while the reconcile loop showed life this recently ({@link Reconciler#loopStalledFor}). */
    static final Duration LOOP_STALL = Duration.ofSeconds(30);

    private static final Duration TICK = Duration.ofSeconds(1);

    private final DesiredState desired;
    private final StatusStore status;
    private final BiPredicate<ServiceDefinition, PodStatus> ready;
    private final Supplier<Duration> sinceLastPass;
    private final Supplier<Optional<String>> engineOutage;
    /** The outage last announced in a STATUS line; a change is announced at once. */
    private Optional<String> announcedOutage = Optional.empty();

    private final Map<String, String> environment;
    private final LongSupplier nanoClock;
    private final LongSupplier monotonicMicros;
    private final ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("orbit-systemd").factory());
    private volatile Optional<Channel> channel = Optional.empty();
    private long startedNanos;
    /** READY=1 was sent for the start; until then a reload must not send one. Written under {@code this}. */
    private boolean readySent;

    private long lastStatusNanos;
    private long lastWatchdogNanos;
    private boolean watchdogFed;
    private Optional<Duration> watchdogInterval = Optional.empty();

    @Inject
    SystemdNotifier(
            DesiredState desired,
            StatusStore status,
            Reconciler reconciler,
            HealthMonitor health,
            RuntimeMonitor engine) {
        this(
                desired,
                status,
                health::isReady,
                reconciler::loopStalledFor,
                () -> engine.lastSeen().outage(),
                System.getenv(),
                System::nanoTime,
                MonotonicClock::micros);
    }

    /** Without an engine outage to report (tests of the other messages). */
    SystemdNotifier(
            DesiredState desired,
            StatusStore status,
            BiPredicate<ServiceDefinition, PodStatus> ready,
            Supplier<Duration> sinceLastPass,
            Map<String, String> environment,
            LongSupplier nanoClock,
            LongSupplier monotonicMicros) {
        this(desired, status, ready, sinceLastPass, Optional::empty, environment, nanoClock, monotonicMicros);
    }

    /**
     * @param ready whether a running pod is ready: health's readiness, as for traffic (a pod without health checks is
     *     ready once its containers run)
     * @param sinceLastPass how long the reconcile loop has shown no sign of life
     * @param engineOutage "engine unreachable since …: why" while the engine does not answer
     * @param nanoClock elapsed time for the deadline, the STATUS cadence and the watchdog
     * @param monotonicMicros {@code MONOTONIC_USEC=} for {@code RELOADING=1}
     */
    SystemdNotifier(
            DesiredState desired,
            StatusStore status,
            BiPredicate<ServiceDefinition, PodStatus> ready,
            Supplier<Duration> sinceLastPass,
            Supplier<Optional<String>> engineOutage,
            Map<String, String> environment,
            LongSupplier nanoClock,
            LongSupplier monotonicMicros) {
        this.engineOutage = engineOutage;
        this.desired = desired;
        this.status = status;
        this.ready = ready;
        this.sinceLastPass = sinceLastPass;
        this.environment = environment;
        this.nanoClock = nanoClock;
        this.monotonicMicros = monotonicMicros;
    }

    @Override
    public String name() {
        return "systemd notifier";
    }

    @Override
    public void start() {
        Optional<NotifySocket> socket;
        try {
            socket = NotifySocket.fromEnvironment(environment.get("NOTIFY_SOCKET"));
        } catch (IOException e) {
            log.atWarn()
                    .log("cannot use $NOTIFY_SOCKET (" + environment.get("NOTIFY_SOCKET")
                            + "): systemd will not hear READY or WATCHDOG: " + e.getMessage());
            return;
        }
        if (socket.isEmpty()) {
            return;
        }
        begin(socket.get());
        ticks.scheduleWithFixedDelay(
                () -> {
                    try {
                        tick();
                    } catch (RuntimeException e) {
                        // a throwing task is never run again: no more STATUS, and the watchdog would starve
                        log.atWarn().log("systemd notification failed: " + e);
                    }
                },
                0,
                TICK.toMillis(),
                TimeUnit.MILLISECONDS);
        log.atInfo()
                .addKeyValue(
                        "watchdog", watchdogInterval.map(Duration::toString).orElse("off"))
                .log("notifying systemd");
    }

    /** Starts talking on {@code target}; {@link #start} then calls {@link #tick} every second, tests call it. */
    synchronized void begin(Channel target) {
        channel = Optional.of(target);
        watchdogInterval = watchdogInterval(environment);
        startedNanos = nanoClock.getAsLong();
        lastStatusNanos = startedNanos;
        send("STATUS=starting: waiting for every service to reach its minimum of ready pods");
    }

    /**
     * Half of {@code $WATCHDOG_USEC}, as sd_watchdog_enabled(3) reads it: unset, zero or unparsable means no
     * watchdog, and so does a {@code $WATCHDOG_PID} naming another process.
     */
    private static Optional<Duration> watchdogInterval(Map<String, String> environment) {
        String pid = environment.get("WATCHDOG_PID");
        if (pid != null
                && !pid.strip().equals(Long.toString(ProcessHandle.current().pid()))) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(environment.get("WATCHDOG_USEC"))
                    .map(String::strip)
                    .map(Long::parseLong)
                    .filter(micros -> micros > 0)
                    .map(micros -> Duration.ofNanos(micros * 500)); // half the timeout, in nanoseconds
        } catch (NumberFormatException e) {
            log.atWarn().log("ignoring $WATCHDOG_USEC: " + e.getMessage());
            return Optional.empty();
        }
    }

    synchronized void tick() {
        if (channel.isEmpty()) {
            return;
        }
        long now = nanoClock.getAsLong();
        List<String> waiting = waiting();
        Optional<String> outage = engineOutage.get();
        if (!readySent && (waiting.isEmpty() || now - startedNanos >= READY_DEADLINE.toNanos())) {
            readySent = true;
            send("READY=1\nSTATUS="
                    + (waiting.isEmpty()
                            ? summary()
                            : "ready after " + READY_DEADLINE.toSeconds()
                                    + " s although not every service has its minimum of ready pods: "
                                    + String.join(", ", waiting) + "; " + summary()));
            lastStatusNanos = now;
        } else if (now - lastStatusNanos >= STATUS_INTERVAL.toNanos() || !outage.equals(announcedOutage)) {
            send("STATUS="
                    + outage.map(why -> why + "; pods kept as they run; ").orElse("")
                    + (readySent
                            ? summary()
                            : "starting: waiting for ready pods: " + String.join(", ", waiting) + "; " + summary()));
            lastStatusNanos = now;
        }
        announcedOutage = outage;
        watchdogInterval.ifPresent(interval -> {
            boolean loopAlive = sinceLastPass.get().compareTo(LOOP_STALL) < 0;
            if (loopAlive && (!watchdogFed || now - lastWatchdogNanos >= interval.toNanos())) {
                send("WATCHDOG=1");
                watchdogFed = true;
                lastWatchdogNanos = now;
            }
        });
    }

    /** "web 1/2 ready" for each service with fewer ready pods than its minimum; empty when all have it. */
    private List<String> waiting() {
        Map<String, ServiceStatus> observed = status.services();
        List<String> waiting = new ArrayList<>();
        for (DesiredService service : desired.snapshot().services().values()) {
            int minimum = service.definition().minInstances();
            long readyPods = readyPods(service.definition(), observed.get(service.name()));
            if (readyPods < minimum) {
                waiting.add("%s %d/%d ready".formatted(service.name(), readyPods, minimum));
            }
        }
        return waiting;
    }

    /** Pods that run and are ready, as the route publisher decides who gets traffic. */
    private long readyPods(ServiceDefinition definition, @Nullable ServiceStatus service) {
        if (service == null) {
            return 0;
        }
        return service.pods().stream()
                .filter(pod -> pod.problem().isEmpty() && ready.test(definition, pod))
                .count();
    }

    String summary() {
        Map<String, DesiredService> services = desired.snapshot().services();
        Map<String, ServiceStatus> observed = status.services();
        long wanted =
                services.values().stream().mapToLong(DesiredService::replicas).sum();
        long running =
                observed.values().stream().mapToLong(ServiceStatus::runningPods).sum();
        long readyPods = services.values().stream()
                .mapToLong(service -> readyPods(service.definition(), observed.get(service.name())))
                .sum();
        long errors =
                desired.snapshot().problems().stream().filter(p -> p.isError()).count();
        return "%d service(s), %d/%d pods running, %d ready%s"
                .formatted(
                        services.size(),
                        running,
                        wanted,
                        readyPods,
                        errors == 0 ? "" : ", " + errors + " config error(s)");
    }

    /**
     * Wraps a reload: {@code RELOADING=1} before, {@code READY=1} after (systemd's reload protocol), also when the
     * reload fails. Before the start's {@code READY=1} (a SIGHUP while pods still start) it sends neither: a
     * {@code READY=1} then would end the start early, before the services have their ready pods.
     */
    public void reloading(Runnable reload) {
        boolean announced;
        synchronized (this) {
            announced = readySent;
            if (announced) {
                send("RELOADING=1\nMONOTONIC_USEC=" + monotonicMicros.getAsLong()
                        + "\nSTATUS=reloading the configuration");
            }
        }
        try {
            reload.run();
        } finally {
            if (announced) {
                send("READY=1\nSTATUS=" + summary());
            }
        }
    }

    private synchronized void send(String message) {
        channel.ifPresent(target -> {
            try {
                target.send(message);
            } catch (IOException e) {
                log.atWarn()
                        .log("cannot notify systemd ("
                                + message.lines().findFirst().orElse("") + "): " + e.getMessage());
            }
        });
    }

    /** Sends {@code STOPPING=1} and nothing after it: it is closed first, before the engine stops the pods. */
    @Override
    public void close() {
        ticks.shutdownNow();
        synchronized (this) {
            send("STOPPING=1");
            channel.ifPresent(Channel::close);
            channel = Optional.empty();
        }
    }
}
