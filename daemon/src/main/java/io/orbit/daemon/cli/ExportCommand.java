package io.orbit.daemon.cli;

import io.orbit.interop.InteropException;
import io.orbit.interop.OrbitServices;
import io.orbit.interop.kube.KubeExport;
import io.orbit.interop.kube.KubeExporter;
import io.orbit.interop.kube.KubeOptions;
import io.orbit.interop.kube.KubeYaml;
import io.orbit.interop.swarm.SwarmExporter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code orbit export kube|swarm DIR}: the services of a config directory for another orchestrator. */
@Command(
        name = "export",
        mixinStandardHelpOptions = true,
        description = "Writes the services of a config directory for Kubernetes or Docker Swarm.",
        subcommands = {ExportCommand.Kube.class, ExportCommand.Swarm.class})
final class ExportCommand extends CommandGroup {

    /** What kube and swarm share: DIR read and validated as {@code orbit validate} does, the result to --out. */
    abstract static class Format implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "DIR", description = "The directory of service files.")
        Path directory;

        @Option(names = "--out", paramLabel = "FILE", description = "Write here instead of stdout.")
        Optional<Path> out;

        @CommandLine.ParentCommand
        ExportCommand parent;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public final Integer call() {
            LogLevels.apply("warning");
            PrintWriter err = spec.commandLine().getErr();
            String command = "orbit export " + spec.name();
            Optional<OrbitServices> services = load(parent, directory, err, command);
            if (services.isEmpty()) {
                return 1;
            }
            return export(services.get(), err, command);
        }

        /** Writes the services in this format; returns the exit code. */
        abstract int export(OrbitServices services, PrintWriter err, String command);
    }

    /** Reads DIR through the engine's parser and validator; errors stop the export. */
    static Optional<OrbitServices> load(ExportCommand export, Path directory, PrintWriter err, String command) {
        try {
            // The daemon's API port, which no node or target port may use, as `orbit validate` checks it.
            int apiPort = OrbitCommand.parseAddress(export.parent.apiAddress).getPort();
            OrbitServices services = OrbitServices.load(directory, apiPort);
            services.problems().forEach(problem -> err.println(problem));
            return Optional.of(services);
        } catch (InteropException e) {
            err.println(command + ": " + e.getMessage());
            return Optional.empty();
        }
    }

    static int write(Optional<Path> out, String text, PrintWriter stdout, PrintWriter err, String command) {
        if (out.isEmpty()) {
            stdout.print(text);
            stdout.flush();
            return 0;
        }
        try {
            Path parent = out.get().toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(out.get(), text, StandardCharsets.UTF_8);
            return 0;
        } catch (IOException e) {
            err.println(command + ": cannot write " + out.get() + ": " + e.getMessage());
            return 2;
        }
    }

    @Command(
            name = "kube",
            mixinStandardHelpOptions = true,
            description = {
                "Writes Kubernetes objects for the services in DIR: a Deployment each, a Service for node ports, a",
                "HorizontalPodAutoscaler (autoscaling/v2) for CPU/memory thresholds, ConfigMaps for inline files and",
                "PersistentVolumeClaims for named volumes. Every field Kubernetes cannot express is a warning on",
                "stderr and a comment in the output. Exits 1 when DIR has errors."
            })
    static final class Kube extends Format {
        @Option(names = "--namespace", paramLabel = "NS", description = "metadata.namespace of every object.")
        Optional<String> namespace;

        @Option(
                names = "--service-type",
                paramLabel = "TYPE",
                description =
                        "NodePort, LoadBalancer or ClusterIP for the node ports' Services. Default: ${DEFAULT-VALUE}.",
                defaultValue = "NodePort")
        KubeOptions.ServiceType serviceType;

        @Option(
                names = "--podman",
                description = "Only what `podman kube play` honours (Deployment, ConfigMap, PVC, resources, liveness,"
                        + " env; node ports as hostPorts), e.g. for Quadlet .kube units.")
        boolean podman;

        @Override
        int export(OrbitServices services, PrintWriter err, String command) {
            KubeExport export =
                    new KubeExporter(new KubeOptions(namespace, serviceType, podman)).export(services.services());
            export.warnings().forEach(err::println);
            String text = KubeYaml.write(
                    export.objects(),
                    export.warnings(),
                    "Exported by `orbit export kube" + (podman ? " --podman" : "") + "`; apply with "
                            + (podman ? "`podman kube play FILE`." : "`kubectl apply -f FILE`."));
            return write(out, text, spec.commandLine().getOut(), err, command);
        }
    }

    @Command(
            name = "swarm",
            mixinStandardHelpOptions = true,
            description = {
                "Writes a Compose file for `docker stack deploy` from the services in DIR: replicas, limits, a",
                "start-first update that rolls back on failure, health checks, configs for inline files (written",
                "beside FILE in FILE's name + -configs/) and ingress-published node ports. Exits 1 when DIR has errors."
            })
    static final class Swarm extends Format {
        @Override
        int export(OrbitServices services, PrintWriter err, String command) {
            String stem = out.map(file -> file.getFileName().toString().replaceFirst("\\.ya?ml$", ""))
                    .orElse("stack");
            SwarmExporter.SwarmExport export = new SwarmExporter().export(services.services(), stem + "-configs");
            export.warnings().forEach(err::println);
            if (!export.configFiles().isEmpty() && out.isEmpty()) {
                err.println(command + ": the services have inline files, which Docker reads from files beside"
                        + " the Compose file: pass --out FILE");
                return 2;
            }
            if (out.isPresent()) {
                Path base = Optional.ofNullable(out.get().toAbsolutePath().getParent())
                        .orElse(Path.of("."));
                try {
                    for (Map.Entry<String, String> file : export.configFiles().entrySet()) {
                        Path target = base.resolve(file.getKey());
                        Files.createDirectories(target.getParent());
                        Files.writeString(target, file.getValue(), StandardCharsets.UTF_8);
                    }
                } catch (IOException e) {
                    err.println(command + ": cannot write the config files: " + e.getMessage());
                    return 2;
                }
            }
            return write(out, export.compose(), spec.commandLine().getOut(), err, command);
        }
    }
}
