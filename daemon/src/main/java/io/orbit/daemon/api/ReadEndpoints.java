package io.orbit.daemon.api;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.orbit.daemon.DaemonOptions;
import io.orbit.daemon.runtime.RuntimeMonitor;
import io.orbit.engine.autoscale.AutoscaleLoop;
import io.orbit.engine.netlimit.NetworkLimitEnforcer;
import io.orbit.engine.persist.StateStore;
import io.orbit.engine.reconcile.Rollouts;
import io.orbit.engine.reconcile.ServicePass;
import io.orbit.engine.state.DesiredState;
import io.orbit.engine.state.ServiceStatus;
import io.orbit.engine.state.StatusStore;
import io.orbit.engine.volume.PodVolumes;
import io.orbit.proxy.ProxyServer;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/** The read endpoints that answer from the daemon's published state: status, one service, health, problems, metrics. */
final class ReadEndpoints {

    private final StatusStore status;
    private final DesiredState desired;
    private final RuntimeMonitor engine;
    private final PrometheusMeterRegistry registry;
    private final ProxyServer proxy;
    private final PodVolumes volumes;
    private final AutoscaleLoop autoscaler;
    private final NetworkLimitEnforcer networkLimits;
    private final Rollouts rollouts;
    private final ExposedHashes hashes;
    private final boolean hostAccessAllowed;
    private final DaemonOptions options;
    private final Optional<StateStore> stateStore;

    @Inject
    ReadEndpoints(
            StatusStore status,
            DesiredState desired,
            RuntimeMonitor engine,
            PrometheusMeterRegistry registry,
            ProxyServer proxy,
            PodVolumes volumes,
            AutoscaleLoop autoscaler,
            NetworkLimitEnforcer networkLimits,
            ServicePass pass,
            ExposedHashes hashes,
            DaemonOptions options,
            Optional<StateStore> stateStore) {
        this.stateStore = stateStore;
        this.rollouts = pass.rollouts();
        this.hashes = hashes;
        this.hostAccessAllowed = options.hardening().allowHostAccess();
        this.options = options;
        this.autoscaler = autoscaler;
        this.networkLimits = networkLimits;
        this.status = status;
        this.desired = desired;
        this.engine = engine;
        this.registry = registry;
        this.proxy = proxy;
        this.volumes = volumes;
    }

    List<Map<String, Object>> status() {
        List<Map<String, Object>> views =
                StatusView.services(status.services(), engine.state().limitations(), proxy.listeners(), volumes::usage);
        views.forEach(this::addAutoscaler);
        views.forEach(this::addNetworkLimits);
        views.forEach(this::addRollout);
        return hashes.answer(views);
    }

    /**
     * The daemon's host access policy, {@code allowed} or {@code denied}: /status is a JSON array (Orbit's shape), so
     * it is shown in a response header of /status and in /healthz.
     */
    String hostAccess() {
        return hostAccessAllowed ? "allowed" : "denied";
    }

    /** Where the service's rollout stands ({@code rollout}: phase, hashes, progress, message). */
    private Map<String, Object> addRollout(Map<String, Object> view) {
        if (view.get("service_name") instanceof String service) {
            view.put("rollout", StatusView.rollout(rollouts.status(service)));
        }
        return view;
    }

    /** The autoscaler's block ({@code autoscaler}) after Orbit's fields and our other additions. */
    private Map<String, Object> addAutoscaler(Map<String, Object> view) {
        Object name = view.get("service_name");
        if (name instanceof String service) {
            view.put(
                    "autoscaler",
                    autoscaler.status(service).map(StatusView::autoscaler).orElse(null));
        }
        return view;
    }

    Map<String, Object> service(String name) {
        ServiceStatus service = status.services().get(name);
        if (service == null) {
            throw unknownService(name);
        }
        return hashes.answer(addRollout(addNetworkLimits(addAutoscaler(
                StatusView.service(service, engine.state().limitations(), proxy.listeners(), volumes::usage)))));
    }

    /** Each container's {@code network_limit} block, after its other fields (null for a container without a limit). */
    private Map<String, Object> addNetworkLimits(Map<String, Object> view) {
        if (view.get("pods") instanceof List<?> pods) {
            for (Object pod : pods) {
                if (pod instanceof Map<?, ?> podView && podView.get("containers") instanceof List<?> containers) {
                    for (Object container : containers) {
                        if (container instanceof Map<?, ?> containerView
                                && containerView.get("id") instanceof String id) {
                            @SuppressWarnings("unchecked")
                            Map<String, Object> writable = (Map<String, Object>) containerView;
                            writable.put(
                                    "network_limit",
                                    networkLimits
                                            .status(id)
                                            .map(StatusView::networkLimit)
                                            .orElse(null));
                        }
                    }
                }
            }
        }
        return view;
    }

    String metrics() {
        return registry.scrape();
    }

    /**
     * The state store's health for a header of /status (a JSON array): {@code ok}, {@code failing since TIME} (the
     * error is in /healthz's {@code state_store}), or {@code off}.
     */
    String stateStoreHeader() {
        return stateStore
                .map(StateStore::health)
                .map(health -> health.ok() ? "ok" : "failing since " + health.since())
                .orElse("off");
    }

    /** {@code state_store} of /healthz: where the daemon keeps its state and whether writing it works. */
    @Nullable
    Map<String, Object> stateStoreView() {
        if (stateStore.isEmpty()) {
            return null;
        }
        StateStore.Health health = stateStore.get().health();
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("directory", health.directory().toString());
        view.put("ok", health.ok());
        view.put("error", health.error().orElse(null));
        view.put("since", health.since().toString());
        view.put("set_aside", health.setAside().stream().map(Object::toString).toList());
        return view;
    }

    /** 200 when the engine answers, 503 otherwise, with the body. */
    Map.Entry<Integer, Map<String, Object>> health() {
        RuntimeMonitor.EngineState state = engine.state();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", state.info().isPresent() ? "ok" : "engine unreachable");
        body.put(
                "engine",
                state.info().map(info -> info.engine() + " " + info.version()).orElse(null));
        body.put("error", state.error().orElse(null));
        // While the engine is away: since when, and why, in one line (the error names the socket tried).
        body.put(
                "unreachable_since",
                state.unreachableSince().map(Object::toString).orElse(null));
        body.put("reason", state.outage().orElse(null));
        body.put("warnings", state.limitations());
        // Whether service files may reach into the host (--allow-host-access); /status has it as a header.
        body.put("host_access", hostAccess());
        body.put("state_store", stateStoreView());
        // What this daemon runs on and reads: `orbit doctor`, `plan` and `validate` follow it (the CLI's defaults
        // would otherwise name another engine or directory than the daemon that answers).
        body.put("runtime", options.runtime().name().toLowerCase(Locale.ROOT));
        body.put("runtime_socket", engine.socket().toString());
        body.put("config_directory", options.configDirectory().toAbsolutePath().toString());
        body.put(
                "api_address",
                options.apiAddress().getHostString() + ":"
                        + options.apiAddress().getPort());
        return Map.entry(state.info().isPresent() ? 200 : 503, body);
    }

    List<Map<String, String>> problems() {
        return desired.snapshot().problems().stream()
                .map(problem -> Map.of(
                        "file", problem.file().toString(),
                        "field", problem.fieldPath(),
                        "severity", problem.severity().name().toLowerCase(Locale.ROOT),
                        "message", problem.message(),
                        "text", problem.toString()))
                .toList();
    }

    /** 404 naming every service the daemon knows (defined or still being removed). */
    ApiException unknownService(String name) {
        TreeSet<String> known = new TreeSet<>(desired.serviceNames());
        known.addAll(status.services().keySet());
        boolean defined = known.contains(name);
        return new ApiException(
                        404,
                        defined ? "service '%s' has no status yet".formatted(name) : "no service '%s'".formatted(name),
                        defined
                                ? "it was loaded a moment ago; ask again in a second"
                                : known.isEmpty()
                                        ? "no service is defined: put a service file in the daemon's config directory"
                                        : "known services: " + String.join(", ", known))
                .with("known_services", List.copyOf(known));
    }
}
