package io.orbit.engine.reload;

import io.orbit.engine.config.ConfigDirectory;
import io.orbit.engine.reconcile.ReconcileQueue;
import io.orbit.engine.spec.BrokenFiles;
import io.orbit.engine.spec.HostAccess;
import io.orbit.engine.spec.ParsedFile;
import io.orbit.engine.spec.ServiceDefinition;
import io.orbit.engine.spec.SpecProblem;
import io.orbit.engine.spec.SpecValidator;
import io.orbit.engine.state.DesiredService;
import io.orbit.engine.state.DesiredState;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the config directory into the desired state. The whole set is validated together, so conflicts do not
 * depend on load order. A file with errors never touches its service: the service keeps the definition it had
 * before (if any) until the file is fixed; with no earlier definition (after a restart) the pods of the service it
 * claims are left exactly as they run ({@link BrokenFiles}). Services whose definition changed, appeared or disappeared are enqueued
 * at once, forgetting any back-off.
 */
public final class ConfigReloader {

    private static final Logger log = LoggerFactory.getLogger(ConfigReloader.class);

    /** Told about every reload, e.g. to count it. */
    public interface Listener {
        Listener NONE = (succeeded, problems) -> {};

        void reloaded(boolean succeeded, List<SpecProblem> problems);
    }

    private final ConfigDirectory directory;
    private final int apiPort;
    private final HostAccess hostAccess;
    private final DesiredState desired;
    private final ReconcileQueue queue;
    private final InstantSource clock;
    private final Listener listener;

    public ConfigReloader(
            Path configDirectory,
            int apiPort,
            DesiredState desired,
            ReconcileQueue queue,
            InstantSource clock,
            Listener listener) {
        this(new ConfigDirectory(configDirectory), apiPort, HostAccess.denied(), desired, queue, clock, listener);
    }

    /**
     * @param directory the config directory with its read policy (size limit, ownership rules)
     * @param hostAccess whether service files may reach into the host
     */
    public ConfigReloader(
            ConfigDirectory directory,
            int apiPort,
            HostAccess hostAccess,
            DesiredState desired,
            ReconcileQueue queue,
            InstantSource clock,
            Listener listener) {
        this.directory = directory;
        this.apiPort = apiPort;
        this.hostAccess = hostAccess;
        this.desired = desired;
        this.queue = queue;
        this.clock = clock;
        this.listener = listener;
    }

    /** Loads, validates and publishes; returns the problems found (already logged). */
    public synchronized List<SpecProblem> reload() {
        List<ParsedFile> files;
        try {
            files = directory.loadAll();
        } catch (UncheckedIOException e) {
            log.atError()
                    .addKeyValue("configDir", directory.root())
                    .log("cannot read the config directory; every service keeps running as it is: " + e.getMessage());
            listener.reloaded(false, List.of());
            return List.of();
        }
        SpecValidator.Result result = SpecValidator.validate(files, apiPort, hostAccess);
        DesiredState.Snapshot previous = desired.snapshot();
        Map<String, DesiredService> services = new HashMap<>();
        for (ServiceDefinition definition : result.services()) {
            services.put(definition.name(), DesiredService.of(definition));
        }
        keepPreviousVersionsOfBrokenFiles(result.problems(), previous, services);
        BrokenFiles broken = BrokenFiles.of(files, result.problems());
        logKeptServices(broken, services);
        desired.replace(new DesiredState.Snapshot(services, result.problems(), clock.instant(), broken));
        enqueueChanges(previous.services(), services);
        // A service kept because of a broken file that is now gone or names another service: remove it promptly.
        previous.broken().byService().keySet().stream()
                .filter(name ->
                        !services.containsKey(name) && !broken.byService().containsKey(name))
                .forEach(queue::enqueueNow);
        logProblems(result.problems());
        log.atInfo()
                .addKeyValue("services", services.size())
                .addKeyValue(
                        "errors",
                        result.problems().stream().filter(SpecProblem::isError).count())
                .log("configuration loaded");
        listener.reloaded(true, result.problems());
        return result.problems();
    }

    private static void keepPreviousVersionsOfBrokenFiles(
            List<SpecProblem> problems, DesiredState.Snapshot previous, Map<String, DesiredService> services) {
        Set<Path> brokenFiles = new HashSet<>();
        problems.stream().filter(SpecProblem::isError).forEach(problem -> brokenFiles.add(problem.file()));
        for (DesiredService old : previous.services().values()) {
            if (brokenFiles.contains(old.definition().file()) && !services.containsKey(old.name())) {
                services.put(old.name(), old);
                log.atWarn()
                        .addKeyValue("service", old.name())
                        .addKeyValue("file", old.definition().file())
                        .log("the file has errors: the service keeps running with its previous definition");
            }
        }
    }

    /**
     * Broken files whose service has no definition to fall back on (after a daemon restart): the reconciler leaves
     * that service's pods exactly as they run, see {@link BrokenFiles}.
     */
    private static void logKeptServices(BrokenFiles broken, Map<String, DesiredService> services) {
        broken.byService().forEach((service, why) -> {
            if (!services.containsKey(service)) {
                log.atWarn()
                        .addKeyValue("service", service)
                        .log("service '" + service + "' has no valid definition because " + why
                                + "; its containers, if any, are kept as they run until the file is fixed");
            }
        });
        broken.unnamed()
                .forEach((file, problem) -> log.atWarn()
                        .addKeyValue("file", file)
                        .log("the broken file " + file + " (" + problem + ") names no recognisable service; until it is"
                                + " fixed or removed, no container of an undefined service is removed or changed"));
    }

    private void enqueueChanges(Map<String, DesiredService> before, Map<String, DesiredService> after) {
        Set<String> names = new HashSet<>(before.keySet());
        names.addAll(after.keySet());
        for (String name : names) {
            DesiredService old = before.get(name);
            DesiredService current = after.get(name);
            if (old == null || current == null || !old.equals(current)) {
                queue.enqueueNow(name);
            }
        }
    }

    private static void logProblems(List<SpecProblem> problems) {
        for (SpecProblem problem : problems) {
            var event = problem.isError() ? log.atError() : log.atWarn();
            event.addKeyValue("file", problem.file())
                    .addKeyValue("field", problem.fieldPath())
                    .log(problem.toString());
        }
    }
}
