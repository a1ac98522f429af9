package io.orbit.daemon.systemd;

import io.orbit.daemon.lifecycle.Managed;
import io.orbit.engine.reconcile.DesiredService;
import io.orbit.engine.reconcile.Reconciler;
import io.orbit.engine.state.DesiredState;
import io.orbit.engine.state.ServiceStatus;
import io.orbit.engine.state.StatusStore;
import jakarta.inject.Inject;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Speaks systemd's notify protocol when run as a {@code Type=notify} unit ({@code $NOTIFY_SOCKET} set):
 *
 * <ul>
 *   <li>{@code READY=1} once every service runs its minimum of pods, or after {@link #READY_DEADLINE} with a {@code
 *       STATUS=} line saying what is still missing — a broken service must not keep the unit "activating" forever;
 *   <li>{@code STATUS=…} every few seconds ("5 services, 12/12 pods running");
 *   <li>{@code WATCHDOG=1} at half of {@code $WATCHDOG_USEC}, but only while the reconcile loop finishes passes;
 *   <li>{@code RELOADING=1} … {@code READY=1} around a reload (SIGHUP, {@code systemctl reload});
 *   <li>{@code STOPPING=1} when the daemon stops.
 * </ul>
 *
 * Without {@code $NOTIFY_SOCKET} it does nothing.
 */
public final class SystemdNotifier implements Managed {

    private static final Logger log = LoggerFactory.getLogger(SystemdNotifier.class);
    static final Duration READY_DEADLINE = Duration.ofSeconds(90);
    private static final Duration TICK = Duration.ofSeconds(1);

    private final DesiredState desired;
    private final StatusStore status;
    private final Reconciler reconciler;
    private final Map<String, String> environment;
    private final ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("orbit-systemd").factory());
    private Optional<NotifySocket> socket = Optional.empty();
    private long startedNanos;
    private boolean ready;
    private long lastStatusNanos;
    private long lastWatchdogNanos;
    private Optional<Duration> watchdogInterval = Optional.empty();

    @Inject
    SystemdNotifier(DesiredState desired, StatusStore status, Reconciler reconciler) {
        this(desired, status, reconciler, System.getenv());
    }

    SystemdNotifier(DesiredState desired, StatusStore status, Reconciler reconciler, Map<String, String> environment) {
        this.desired = desired;
        this.status = status;
        this.reconciler = reconciler;
        this.environment = environment;
    }

    @Override
    public String name() {
        return "systemd notifier";
    }

    @Override
    public void start() {
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
        watchdogInterval = Optional.ofNullable(environment.get("WATCHDOG_USEC"))
                .map(Long::parseLong)
                .map(micros -> Duration.ofNanos(micros * 500)); // half the timeout, in nanoseconds
        startedNanos = System.nanoTime();
        send("STATUS=starting: waiting for every service to reach its minimum of pods");
        ticks.scheduleWithFixedDelay(this::tick, 0, TICK.toMillis(), TimeUnit.MILLISECONDS);
        log.atInfo()
                .addKeyValue(
                        "watchdog", watchdogInterval.map(Duration::toString).orElse("off"))
                .log("notifying systemd");
    }

    private void tick() {
        long now = System.nanoTime();
        String summary = summary();
        if (!ready && (allAtMinimum() || now - startedNanos > READY_DEADLINE.toNanos())) {
            ready = true;
            send("READY=1\nSTATUS="
                    + (allAtMinimum()
                            ? summary
                            : "ready after " + READY_DEADLINE.toSeconds()
                                    + " s although not every service is at its minimum: " + summary));
        } else if (now - lastStatusNanos > Duration.ofSeconds(5).toNanos()) {
            send("STATUS=" + summary);
            lastStatusNanos = now;
        }
        watchdogInterval.ifPresent(interval -> {
            boolean loopAlive = reconciler.sinceLastPass().compareTo(Duration.ofSeconds(30)) < 0;
            if (loopAlive && now - lastWatchdogNanos >= interval.toNanos()) {
                send("WATCHDOG=1");
                lastWatchdogNanos = now;
            }
        });
    }

    private boolean allAtMinimum() {
        Map<String, ServiceStatus> observed = status.services();
        return desired.snapshot().services().values().stream()
                .allMatch(service -> observed.containsKey(service.name())
                        && observed.get(service.name()).runningPods()
                                >= service.definition().minInstances());
    }

    String summary() {
        Map<String, DesiredService> services = desired.snapshot().services();
        long wanted =
                services.values().stream().mapToLong(DesiredService::replicas).sum();
        long running = status.services().values().stream()
                .mapToLong(ServiceStatus::runningPods)
                .sum();
        long errors =
                desired.snapshot().problems().stream().filter(p -> p.isError()).count();
        return "%d service(s), %d/%d pods running%s"
                .formatted(services.size(), running, wanted, errors == 0 ? "" : ", " + errors + " config error(s)");
    }

    /** Wraps a reload: RELOADING=1 before, READY=1 after (systemd's Type=notify-reload protocol). */
    public void reloading(Runnable reload) {
        // systemd >= 253 (Type=notify-reload) wants the CLOCK_MONOTONIC time of the reload; HotSpot's nanoTime is it.
        send("RELOADING=1\nMONOTONIC_USEC=" + System.nanoTime() / 1000);
        try {
            reload.run();
        } finally {
            send("READY=1\nSTATUS=" + summary());
        }
    }

    private void send(String message) {
        socket.ifPresent(target -> {
            try {
                target.send(message);
            } catch (IOException e) {
                log.atWarn()
                        .log("cannot notify systemd ("
                                + message.lines().findFirst().orElse("") + "): " + e.getMessage());
            }
        });
    }

    @Override
    public void close() {
        send("STOPPING=1");
        ticks.shutdownNow();
        socket.ifPresent(NotifySocket::close);
    }
}
