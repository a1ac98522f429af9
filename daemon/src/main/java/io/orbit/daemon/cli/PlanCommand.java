package io.orbit.daemon.cli;

import io.orbit.daemon.DaemonOptions;
import io.orbit.daemon.runtime.ContainerRuntimes;
import io.orbit.engine.config.ConfigDirectory;
import io.orbit.engine.config.ReadPolicy;
import io.orbit.engine.naming.OrbitLabels;
import io.orbit.engine.naming.Ownership;
import io.orbit.engine.reconcile.ObservedPod;
import io.orbit.engine.reconcile.Plan;
import io.orbit.engine.reconcile.PlanStep;
import io.orbit.engine.reconcile.PodObserver;
import io.orbit.engine.reconcile.ServiceReconciler;
import io.orbit.engine.spec.BrokenFiles;
import io.orbit.engine.spec.ContainerDefinition;
import io.orbit.engine.spec.ParsedFile;
import io.orbit.engine.spec.ServiceDefinition;
import io.orbit.engine.spec.SpecProblem;
import io.orbit.engine.spec.SpecValidator;
import io.orbit.engine.state.DesiredService;
import io.orbit.engine.volume.PodSecrets;
import io.orbit.runtime.ContainerRuntime;
import io.orbit.runtime.ContainerRuntimeException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import picocli.CommandLine.Command;

/**
 * {@code orbit plan [DIR]}: what the daemon would create, replace or remove against the live engine, and why. It
 * only reads: nothing is changed. Like the daemon, it never plans to touch the pods of a service whose file is broken
 * ({@link BrokenFiles}): it says they are kept, and why.
 */
@Command(
        name = "plan",
        mixinStandardHelpOptions = true,
        description = {
            "Shows what the daemon would do right now for the service files in DIR against the live engine",
            "(-r, --runtime-socket as for the daemon): pods to start (+), to remove (-), and why. Changes nothing.",
            "Exits 0 when nothing would change, 2 when something would, 1 on errors."
        })
final class PlanCommand extends ServiceFilesCommand {

    /** Opens the engine the daemon would use; tests pass an in-memory runtime instead. */
    private final Function<DaemonOptions, ContainerRuntime> runtimes;

    PlanCommand() {
        this(options ->
                ContainerRuntimes.open(options.runtime(), ContainerRuntimes.discover(options.runtime(), options)));
    }

    /** @param runtimes opens the runtime to plan against (closed when the plan is printed) */
    PlanCommand(Function<DaemonOptions, ContainerRuntime> runtimes) {
        this.runtimes = runtimes;
    }

    @Override
    public Integer call() {
        LogLevels.apply("warning");
        parent.followRunningDaemon(
                spec, true, directory == null, spec.commandLine().getErr());
        DaemonOptions options = parent.options();
        Path dir = directory();
        PrintWriter out = out();
        List<ParsedFile> files;
        try {
            // Keyed like the daemon's (its key, never a new one), so a pod runs the secrets' current values exactly
            // when the hashes agree.
            files = new ConfigDirectory(
                            dir,
                            ReadPolicy.forThisProcess(options.hardening().maxServiceFileBytes()),
                            options.existingKeySecretResolver())
                    .loadAll();
        } catch (java.io.UncheckedIOException refused) {
            err().println("orbit plan: " + refused.getMessage());
            return 1;
        }
        SpecValidator.Result result =
                SpecValidator.validate(files, options.apiAddress().getPort(), options.hostAccess());
        BrokenFiles broken = BrokenFiles.of(files, result.problems());
        result.problems().stream().filter(SpecProblem::isError).forEach(problem -> out.println(problem));
        Map<String, DesiredService> desired = new TreeMap<>();
        for (ServiceDefinition definition : result.services()) {
            desired.put(definition.name(), DesiredService.of(definition));
        }
        try (ContainerRuntime runtime = runtimes.apply(options)) {
            int changes = printPlans(out, runtime, new Ownership(options.instance()), desired, broken);
            out.printf("%d change(s) planned%n", changes);
            out.flush();
            return changes == 0 ? 0 : 2;
        } catch (ContainerRuntimeException e) {
            err().println("orbit plan: " + e.getMessage());
            return 1;
        }
    }

    private static int printPlans(
            PrintWriter out,
            ContainerRuntime runtime,
            Ownership ownership,
            Map<String, DesiredService> desired,
            BrokenFiles broken) {
        TreeSet<String> services = new TreeSet<>(desired.keySet());
        runtime.listContainers(ownership.all())
                .forEach(container -> Optional.ofNullable(container.labels().get(OrbitLabels.SERVICE))
                        .ifPresent(services::add));
        PodObserver observer = new PodObserver(runtime, ownership, java.time.InstantSource.system());
        int changes = 0;
        for (String service : services) {
            Optional<DesiredService> target = Optional.ofNullable(desired.get(service));
            List<ObservedPod> pods = observer.observe(service, target);
            Optional<String> kept = target.isEmpty() ? broken.whyKept(service) : Optional.empty();
            if (kept.isPresent()) {
                // As the daemon does: a broken file never touches the containers of the service it describes.
                out.printf(
                        "%s: %d pod(s) found, kept as they run (nothing removed or changed) because %s%n",
                        service, pods.size(), kept.get());
                continue;
            }
            Plan plan = ServiceReconciler.plan(service, target, pods);
            out.printf(
                    "%s%s: %d pod(s) wanted, %d found%n",
                    service,
                    target.map(d -> " (" + d.definition().file() + ")").orElse(""),
                    target.map(DesiredService::replicas).orElse(0),
                    pods.size());
            for (PlanStep step : plan.steps()) {
                out.println("  " + describe(step));
            }
            target.ifPresent(
                    desiredService -> secretChanges(desiredService, pods).forEach(out::println));
            changes += plan.steps().size();
        }
        return changes;
    }

    /**
     * "secret db-password changed" for each secret or {@code env_file} variable whose version differs between the
     * files and a running container ({@link PodSecrets#VERSIONS_LABEL}): which value moved, never the value.
     */
    static List<String> secretChanges(DesiredService desired, List<ObservedPod> pods) {
        TreeSet<String> changed = new TreeSet<>();
        for (ContainerDefinition container : desired.definition().containers()) {
            String wanted = container.secrets().isEmpty() ? "" : PodSecrets.versions(container.secrets());
            for (ObservedPod pod : pods) {
                pod.containers().stream()
                        .filter(running -> running.containerName().equals(container.name()))
                        .forEach(running -> changed.addAll(PodSecrets.changed(
                                running.labels().getOrDefault(PodSecrets.VERSIONS_LABEL, ""), wanted)));
            }
        }
        return changed.stream()
                .map(name -> name.startsWith("env:")
                        ? "  env_file variable " + name.substring(4) + " changed"
                        : "  secret " + name + " changed")
                .toList();
    }

    private static String describe(PlanStep step) {
        return switch (step) {
            case PlanStep.StartPod start -> "+ start pod %d: %s".formatted(start.podNumber(), start.reason());
            case PlanStep.RemovePod remove ->
                "- remove pod %d (%s): %s"
                        .formatted(remove.pod().podNumber(), remove.pod().podId(), remove.reason());
            case PlanStep.RestartContainers restart ->
                "~ restart %s of pod %d: %s"
                        .formatted(
                                restart.containers().stream()
                                        .map(container -> "'" + container.containerName() + "'")
                                        .collect(java.util.stream.Collectors.joining(", ")),
                                restart.pod().podNumber(),
                                restart.reason());
            case PlanStep.RefuseStart refuse ->
                "! cannot start pod %d: %s".formatted(refuse.podNumber(), refuse.reason());
            case PlanStep.LimitNetwork limit -> "~ " + limit.reason();
            case PlanStep.ReportExit exit -> "  " + exit.reason();
            case PlanStep.Note note -> "  " + note.reason();
        };
    }
}
