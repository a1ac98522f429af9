package io.orbit.engine.netlimit;

import io.orbit.engine.journal.EventJournal;
import io.orbit.engine.naming.OrbitLabels;
import io.orbit.runtime.ContainerDetails;
import io.orbit.runtime.ContainerRuntime;
import io.orbit.runtime.EngineInfo;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a started container's {@code network_limit} (read from its labels), or reports why it cannot: a WARN log
 * line naming the service, container and field with the fix, a {@code network-limit} journal entry, and a {@link
 * NetworkLimitStatus} that {@code /status} shows. A limit that cannot be applied never fails the pod: the container
 * runs unlimited, visibly. Thread-safe.
 */
public final class NetworkLimitEnforcer {

    public static final String JOURNAL_KIND = "network-limit";
    static final String ROOTLESS_PROBLEM =
            "rootless engine: the daemon has no privileges over the container's network namespace";
    static final String ROOTLESS_FIX =
            "run this service on rootful Podman or Docker (as root), or remove network_limit from the container";
    static final String FAILURE_FIX =
            "check that the kernel has the tbf qdisc and that iproute2 and util-linux are installed (orbit doctor);"
                    + " the limit is applied again at the container's next start";

    private static final Logger log = LoggerFactory.getLogger(NetworkLimitEnforcer.class);

    private final ContainerRuntime runtime;
    private final NetworkLimiter limiter;
    private final Supplier<Optional<EngineInfo>> engine;
    private final EventJournal journal;
    private final Map<String, NetworkLimitStatus> statuses = new ConcurrentHashMap<>();

    /**
     * @param runtime the engine, to inspect started containers (the undecorated one)
     * @param engine what the engine is, when known (rootless engines cannot be limited)
     */
    public NetworkLimitEnforcer(
            ContainerRuntime runtime,
            NetworkLimiter limiter,
            Supplier<Optional<EngineInfo>> engine,
            EventJournal journal) {
        this.runtime = runtime;
        this.limiter = limiter;
        this.engine = engine;
        this.journal = journal;
    }

    /** Whether limits can be applied here: the host's tools and privileges, and a rootful engine. */
    public NetworkLimitSupport support() {
        if (engine.get().map(EngineInfo::rootless).orElse(false)) {
            return NetworkLimitSupport.unsupported(ROOTLESS_PROBLEM, ROOTLESS_FIX);
        }
        return limiter.support();
    }

    /** Applies the limit of a container that was just started, if it has one. Never throws. */
    public void afterStart(String containerId) {
        try {
            ContainerDetails details = runtime.inspectContainer(containerId);
            Optional<NetworkLimit> limit = NetworkLimit.fromLabels(details.labels());
            if (limit.isEmpty()) {
                statuses.remove(details.id());
                return;
            }
            if (!details.state().isRunning()) {
                return; // exited at once: the next start applies it
            }
            enforce(details, limit.get());
        } catch (RuntimeException e) { // ContainerRuntimeException included: the start itself succeeded
            log.atWarn()
                    .addKeyValue("container", containerId)
                    .log("could not check the network limit of a started container: " + e.getMessage());
        }
    }

    private void enforce(ContainerDetails details, NetworkLimit limit) {
        NetworkLimitSupport support = support();
        if (!support.available()) {
            report(details, limit, support.problem(), support.fix());
            return;
        }
        try {
            limiter.apply(details.pid(), limit);
            statuses.put(details.id(), status(details, limit, true, "", ""));
            log.atInfo()
                    .addKeyValue("service", label(details, OrbitLabels.SERVICE))
                    .addKeyValue("container", details.name())
                    .log("network limit applied: " + limit.describe());
        } catch (NetworkLimiter.NetworkLimitException e) {
            report(details, limit, e.getMessage() == null ? e.toString() : e.getMessage(), FAILURE_FIX);
        }
    }

    private void report(ContainerDetails details, NetworkLimit limit, String problem, String fix) {
        NetworkLimitStatus status = status(details, limit, false, problem, fix);
        statuses.put(details.id(), status);
        String field = "network_limit of container '" + status.container() + "'";
        String message = "service '%s': %s (%s) is NOT enforced on %s, which runs without it: %s. Fix: %s"
                .formatted(status.service(), field, limit.describe(), details.name(), problem, fix);
        log.atWarn()
                .addKeyValue("service", status.service())
                .addKeyValue("container", details.name())
                .addKeyValue("field", field)
                .log(message);
        journal.record(
                JOURNAL_KIND,
                Optional.of(status.service()),
                status.pod().isEmpty() ? Optional.empty() : Optional.of(status.pod()),
                message);
    }

    /** The outcome of the container's last start; empty for a container without a limit (or not started here). */
    public Optional<NetworkLimitStatus> status(String containerId) {
        return Optional.ofNullable(statuses.get(containerId));
    }

    /** Drops what is known about a removed container. */
    public void forget(String containerId) {
        statuses.remove(containerId);
    }

    private static NetworkLimitStatus status(
            ContainerDetails details, NetworkLimit limit, boolean applied, String problem, String fix) {
        return new NetworkLimitStatus(
                details.id(),
                label(details, OrbitLabels.SERVICE),
                label(details, OrbitLabels.POD),
                label(details, OrbitLabels.CONTAINER),
                limit,
                applied,
                problem,
                fix);
    }

    private static String label(ContainerDetails details, String key) {
        String value = details.label(key);
        return value == null ? "" : value;
    }
}
