package io.orbit.engine.reconcile;

import io.orbit.engine.health.ExitCause;
import io.orbit.engine.health.HealthMonitor;
import io.orbit.engine.health.PodVerdict;
import io.orbit.engine.health.SlotKey;
import io.orbit.engine.netlimit.NetworkLimitSupport;
import io.orbit.engine.state.DesiredService;
import io.orbit.runtime.ContainerDetails;
import io.orbit.runtime.ContainerRuntime;
import io.orbit.runtime.NotFoundException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The first part of a pass: reads everything the plan needs at one moment into an {@link Observation}. It changes
 * nothing in the engine. Two trackers learn from what it reads, as they would from any observer: health's restart
 * ledger notes each slot seen healthy, and {@link Rollouts} advances the rollout (its journal entries go into the plan).
 */
record PassObserver(
        PodObserver pods,
        ContainerRuntime runtime,
        HealthMonitor health,
        Rollouts rollouts,
        ExitRecords exits,
        Supplier<Optional<NetworkLimitSupport>> networkLimits,
        InstantSource clock) {

    Observation observe(String service, Optional<DesiredService> desired, List<String> preferredVictims) {
        List<ObservedPod> observed = pods.observe(service, desired);
        Instant now = clock.instant();
        Map<String, PodVerdict> verdicts = verdicts(service, observed, now);
        List<Observation.ContainerExit> newExits =
                desired.map(target -> newExits(target, observed)).orElse(List.of());
        Optional<Rollouts.Progress> rollout = desired.map(target -> rollouts.observe(target, observed, verdicts, now));
        return new Observation(
                service, desired, observed, verdicts, newExits, rollout, networkLimits.get(), preferredVictims, now);
    }

    private Map<String, PodVerdict> verdicts(String service, List<ObservedPod> observed, Instant now) {
        Map<String, PodVerdict> verdicts = new HashMap<>();
        for (ObservedPod pod : observed) {
            SlotKey slot = slot(service, pod);
            PodVerdict verdict = health.verdict(slot, pod.podId(), containerIds(pod));
            verdicts.put(pod.podId(), verdict);
            if (pod.isHealthy() && verdict.ready() && verdict.action().isEmpty()) {
                health.ledger().healthy(slot, now);
            }
        }
        return verdicts;
    }

    /** Exits of the service's own containers not reported yet, with their cause (OOM kills reported or inferred). */
    private List<Observation.ContainerExit> newExits(DesiredService target, List<ObservedPod> observed) {
        List<Observation.ContainerExit> found = new ArrayList<>();
        for (ObservedPod pod : observed) {
            if (pod.origin() == ObservedPod.Origin.ORPHAN) {
                continue;
            }
            for (ObservedContainer container : pod.containers()) {
                if (container.isRunning()) {
                    continue;
                }
                ContainerDetails details;
                try {
                    details = runtime.inspectContainer(container.id());
                } catch (NotFoundException gone) {
                    continue;
                }
                Instant finished = details.finishedAt().orElse(Instant.EPOCH);
                if (exits.isNew(container.id(), finished)) {
                    ExitCause cause = ExitCause.of(details, memoryLimit(target, container));
                    found.add(new Observation.ContainerExit(pod, container, finished, cause));
                }
            }
        }
        return found;
    }

    private static long memoryLimit(DesiredService target, ObservedContainer container) {
        return target.definition().containers().stream()
                .filter(definition -> definition.name().equals(container.containerName()))
                .mapToLong(definition -> definition.memoryBytes())
                .findFirst()
                .orElse(0);
    }

    static SlotKey slot(String service, ObservedPod pod) {
        return new SlotKey(service, pod.podNumber(), pod.configHash());
    }

    private static List<String> containerIds(ObservedPod pod) {
        return pod.containers().stream().map(ObservedContainer::id).toList();
    }
}
