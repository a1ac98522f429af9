package io.orbit.engine.reconcile;

import static java.util.Objects.requireNonNull;

import io.orbit.engine.naming.ContainerNames;
import io.orbit.engine.naming.OrbitLabels;
import io.orbit.engine.naming.Ownership;
import io.orbit.engine.state.DesiredService;
import io.orbit.runtime.ContainerRuntime;
import io.orbit.runtime.ContainerSummary;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Reads a service's pods from the runtime. Ownership is decided by labels; the one exception is an earlier Orbit's
 * unlabelled pods, found by their exact name pattern and never owned as they are: adopted (relabelled) or removed.
 */
public final class PodObserver {

    private final ContainerRuntime runtime;
    private final Ownership ownership;
    private final QuietChecks orphanChecks;

    public PodObserver(ContainerRuntime runtime, Ownership ownership, InstantSource clock) {
        this.runtime = runtime;
        this.ownership = ownership;
        this.orphanChecks = new QuietChecks(clock, QuietChecks.RECHECK);
    }

    /** This instance's pods of the service. */
    public List<ObservedPod> observe(String service) {
        return group(runtime.listContainers(ownership.service(service)));
    }

    /**
     * The service's pods, plus — when it is defined — the unlabelled pods an earlier Orbit (the Rust original) left
     * under its name pattern: adopted when the service says {@code adopt_orphans: true} and the pod is complete,
     * otherwise marked for removal (ORBIT-REFERENCE §3.6). Names are parsed exactly, so {@code api} never claims
     * {@code my-api__…} as Orbit's substring filter did. Orphans only come from an earlier Orbit, so after a look
     * that found none the name pattern is listed again only {@link QuietChecks#RECHECK} later.
     */
    public List<ObservedPod> observe(String service, Optional<DesiredService> desired) {
        List<ObservedPod> pods = new ArrayList<>(observe(service));
        if (desired.isEmpty()) {
            orphanChecks.forget(service);
        } else if (orphanChecks.due(service)) {
            List<ObservedPod> orphans = orphans(desired.get());
            orphanChecks.checked(service, !orphans.isEmpty());
            pods.addAll(orphans);
        }
        return pods;
    }

    private List<ObservedPod> orphans(DesiredService service) {
        Map<UUID, List<ContainerSummary>> byPod = new LinkedHashMap<>();
        Map<UUID, Integer> podNumbers = new HashMap<>();
        for (ContainerSummary container : runtime.listContainersByNamePrefix(service.name() + "__")) {
            if (container.labels().containsKey(OrbitLabels.MANAGED)) {
                continue;
            }
            ContainerNames.parse(container.name())
                    .filter(parsed -> parsed.service().equals(service.name()))
                    .ifPresent(parsed -> {
                        byPod.computeIfAbsent(parsed.pod(), key -> new ArrayList<>())
                                .add(container);
                        podNumbers.put(parsed.pod(), parsed.podNumber());
                    });
        }
        boolean adopt = service.definition().spec().adoptsOrphans();
        List<ObservedPod> orphans = new ArrayList<>();
        byPod.forEach((pod, members) -> orphans.add(new ObservedPod(
                pod.toString(),
                requireNonNull(podNumbers.get(pod), "filled with byPod"),
                service.configHash(),
                service.podSize(),
                members.stream()
                        .map(member -> new ObservedContainer(
                                member.id(),
                                member.name(),
                                ContainerNames.parse(member.name())
                                        .orElseThrow()
                                        .container(),
                                member.state(),
                                member.labels()))
                        .toList(),
                adopt ? ObservedPod.Origin.ADOPTED_ORPHAN : ObservedPod.Origin.ORPHAN)));
        return orphans;
    }

    /** Groups containers into pods by their {@code orbit.pod} label; unlabelled strays form no pod. */
    static List<ObservedPod> group(List<ContainerSummary> containers) {
        Map<String, List<ContainerSummary>> byPod = new LinkedHashMap<>();
        for (ContainerSummary container : containers) {
            String pod = container.labels().get(OrbitLabels.POD);
            if (pod != null) {
                byPod.computeIfAbsent(pod, key -> new ArrayList<>()).add(container);
            }
        }
        List<ObservedPod> pods = new ArrayList<>();
        byPod.forEach((podId, members) -> {
            Map<String, String> labels = members.get(0).labels();
            List<ObservedContainer> observed = members.stream()
                    .map(member -> new ObservedContainer(
                            member.id(),
                            member.name(),
                            member.labels().getOrDefault(OrbitLabels.CONTAINER, member.name()),
                            member.state(),
                            member.labels()))
                    .toList();
            pods.add(new ObservedPod(
                    podId,
                    parseInt(labels.get(OrbitLabels.POD_NUMBER), 0),
                    labels.getOrDefault(OrbitLabels.CONFIG_HASH, ""),
                    parseInt(labels.get(OrbitLabels.POD_SIZE), members.size()),
                    observed));
        });
        return pods;
    }

    private static int parseInt(@Nullable String value, int fallback) {
        if (value == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
