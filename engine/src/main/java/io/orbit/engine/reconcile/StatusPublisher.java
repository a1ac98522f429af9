package io.orbit.engine.reconcile;

import io.orbit.engine.health.ContainerHealth;
import io.orbit.engine.health.ExitCause;
import io.orbit.engine.health.HealthMonitor;
import io.orbit.engine.health.HealthState;
import io.orbit.engine.health.RestartLedger;
import io.orbit.engine.health.SlotKey;
import io.orbit.engine.state.ContainerStatus;
import io.orbit.engine.state.DesiredService;
import io.orbit.engine.state.PodHealthStatus;
import io.orbit.engine.state.PodStatus;
import io.orbit.engine.state.ServiceStatus;
import io.orbit.engine.state.StatusStore;
import io.orbit.runtime.ContainerRuntimeException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a service's status after its pass: its pods as they run now, each with health's view (phase, restarts,
 * each probed container's run, the last exit), the pass's error and how many passes failed in a row.
 */
record StatusPublisher(
        StatusObserver observer, StatusStore status, HealthMonitor health, ExitRecords exits, InstantSource clock) {

    private static final Logger log = LoggerFactory.getLogger(StatusPublisher.class);

    /**
     * @param seen the service's pods as a pass read them and left them; empty: read them from the engine now
     * @return false when the engine did not answer (logged; nothing published)
     */
    boolean publish(
            String service,
            Optional<DesiredService> target,
            Optional<List<ObservedPod>> seen,
            Optional<String> error,
            int failures) {
        try {
            var observed = seen.isPresent()
                    ? observer.observe(service, target, seen.get())
                    : observer.observe(service, target);
            var pods = observed.stream()
                    .map(pod -> pod.withHealth(podHealth(service, pod)))
                    .toList();
            if (target.isEmpty() && pods.isEmpty()) {
                status.remove(service);
                return true;
            }
            status.put(new ServiceStatus(service, target, pods, error, failures, clock.instant()));
            return true;
        } catch (ContainerRuntimeException e) {
            log.atWarn().addKeyValue("service", service).log("cannot observe status: " + e.getMessage());
            return false;
        }
    }

    /** Health's view of a pod for {@code /status}: phase, restarts, and each probed container's run. */
    private PodHealthStatus podHealth(String service, PodStatus pod) {
        Optional<RestartLedger.Record> record =
                health.ledger().record(new SlotKey(service, pod.podNumber(), pod.configHash()));
        Map<String, PodHealthStatus.ContainerHealthStatus> containers = new HashMap<>();
        boolean starting = false;
        boolean unhealthy = false;
        for (ContainerStatus container : pod.containers()) {
            Optional<ExitCause> exit = exits.lastExit(container.id());
            Optional<ContainerHealth.Snapshot> run = health.health(container.id());
            if (run.isEmpty() && exit.isEmpty()) {
                continue;
            }
            containers.put(
                    container.id(),
                    run.map(snapshot -> probed(snapshot, exit)).orElseGet(() -> unprobed(container, exit)));
            HealthState state = run.map(ContainerHealth.Snapshot::state).orElse(HealthState.HEALTHY);
            starting |= state == HealthState.STARTING;
            unhealthy |= state == HealthState.UNHEALTHY || state == HealthState.FAILED;
        }
        Instant now = clock.instant();
        Optional<Instant> nextRestart =
                record.map(RestartLedger.Record::nextRestartAllowed).filter(at -> at.isAfter(now));
        String phase =
                phase(record.map(RestartLedger.Record::crashLoop).orElse(false), pod, nextRestart, unhealthy, starting);
        return new PodHealthStatus(
                phase,
                record.map(RestartLedger.Record::restartCount).orElse(0),
                record.flatMap(RestartLedger.Record::lastRestart),
                record.flatMap(RestartLedger.Record::lastReason),
                nextRestart,
                containers);
    }

    private static String phase(
            boolean looping, PodStatus pod, Optional<Instant> nextRestart, boolean unhealthy, boolean starting) {
        if (looping) {
            return "CrashLoop";
        }
        if (pod.problem().isPresent()) {
            return nextRestart.isPresent() ? "BackOff" : "Down";
        }
        if (unhealthy) {
            return "Unhealthy";
        }
        return starting ? "Starting" : "Ready";
    }

    private static PodHealthStatus.ContainerHealthStatus probed(
            ContainerHealth.Snapshot snapshot, Optional<ExitCause> exit) {
        return new PodHealthStatus.ContainerHealthStatus(
                snapshot.state().orbitName(),
                snapshot.lastState().map(HealthState::orbitName),
                snapshot.lastTransition(),
                snapshot.failureCount(),
                snapshot.lastFailure(),
                snapshot.message(),
                exit.map(ExitCause::description));
    }

    private static PodHealthStatus.ContainerHealthStatus unprobed(ContainerStatus container, Optional<ExitCause> exit) {
        return new PodHealthStatus.ContainerHealthStatus(
                container.state().isRunning() ? "Healthy" : "Failed",
                Optional.empty(),
                container.startedAt().orElse(Instant.EPOCH),
                0,
                Optional.empty(),
                Optional.empty(),
                exit.map(ExitCause::description));
    }
}
