package io.orbit.engine.spec;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Validates a whole config directory at once and resolves the valid files into {@link ServiceDefinition}s. Pure but
 * for the host access check, which looks at the host paths volumes name ({@link HostAccess.HostPaths}): the same files
 * give the same result in any order.
 *
 * <p>Rules across files are checked against the whole set, so load order no longer decides (ORBIT-REFERENCE §2.1):
 * when two files claim the same service name or host port, both files get an error naming the other, and neither is
 * applied. A file with any error yields no definition; warnings do not block. All problems are reported, never only
 * the first.
 *
 * <p>The specs come from {@code ServiceFileParser}, which guarantees that required fields and list or map entries are
 * not null.
 */
public final class SpecValidator {

    /** Orbit's hard-coded API port. */
    public static final int DEFAULT_API_PORT = 4112;
    /** Orbit's image check period when {@code image_check_interval} is not set (ORBIT-REFERENCE §7). */
    public static final Duration DEFAULT_IMAGE_CHECK_INTERVAL = Duration.ofSeconds(300);

    /** By file, then field path (numbers compared as numbers, so {@code [2]} sorts before {@code [10]}), then text. */
    public static final Comparator<SpecProblem> PROBLEM_ORDER = Comparator.comparing(SpecProblem::file)
            .thenComparing(SpecProblem::fieldPath, SpecValidator::compareNatural)
            .thenComparing(SpecProblem::severity)
            .thenComparing(SpecProblem::message);

    private final int apiPort;
    private final HostAccess hostAccess;

    private SpecValidator(int apiPort, HostAccess hostAccess) {
        this.apiPort = apiPort;
        this.hostAccess = hostAccess;
    }

    /**
     * Validates every file and resolves the valid ones.
     *
     * @param apiPort the daemon's API port ({@link #DEFAULT_API_PORT} unless configured), which no service may use as a
     *     node or target port
     */
    public static Result validate(List<ParsedFile> files, int apiPort) {
        return validate(files, apiPort, HostAccess.denied());
    }

    /**
     * Validates every file under a host access policy: with host access denied (the default) a privileged container,
     * a host system path or engine socket as a volume, or the host's network is an error; allowed, a warning.
     */
    public static Result validate(List<ParsedFile> files, int apiPort, HostAccess hostAccess) {
        return new SpecValidator(apiPort, hostAccess).validateAll(files);
    }

    /**
     * What the validator made of a set of service files.
     *
     * @param services one definition per file without errors, in file order
     * @param problems every problem of every file (reading, parsing and validation), sorted by {@link #PROBLEM_ORDER}
     */
    public record Result(List<ServiceDefinition> services, List<SpecProblem> problems) {

        public Result {
            services = List.copyOf(services);
            problems = List.copyOf(problems);
        }

        public List<SpecProblem> errors() {
            return problems.stream().filter(SpecProblem::isError).toList();
        }

        public List<SpecProblem> warnings() {
            return problems.stream().filter(problem -> !problem.isError()).toList();
        }

        public boolean hasErrors() {
            return problems.stream().anyMatch(SpecProblem::isError);
        }

        /** The problems of one file, named as in the problems (relative to the config directory). */
        public List<SpecProblem> problemsOf(Path file) {
            return problems.stream()
                    .filter(problem -> problem.file().equals(file))
                    .toList();
        }
    }

    private Result validateAll(List<ParsedFile> files) {
        List<SpecProblem> problems = new ArrayList<>();
        List<Loaded> loaded = new ArrayList<>();
        for (ParsedFile parsed : files) {
            problems.addAll(parsed.problems());
            parsed.spec().ifPresent(spec -> {
                loaded.add(new Loaded(parsed.file(), spec, parsed.secrets()));
                problems.addAll(ServiceRules.check(parsed.file(), spec, apiPort, hostAccess));
                problems.addAll(SecretRules.check(parsed.file(), spec));
            });
        }
        problems.addAll(duplicateNames(loaded));
        problems.addAll(portConflicts(loaded));
        Set<Path> invalid = problems.stream()
                .filter(SpecProblem::isError)
                .map(SpecProblem::file)
                .collect(Collectors.toSet());
        List<ServiceDefinition> services = loaded.stream()
                .filter(file -> !invalid.contains(file.file()))
                .map(SpecValidator::resolve)
                .toList();
        problems.sort(PROBLEM_ORDER);
        return new Result(services, problems);
    }

    private record Loaded(Path file, ServiceSpec spec, ServiceSecrets secrets) {}

    private record PortUse(Path file, String service, String fieldPath, int port) {}

    private static List<SpecProblem> duplicateNames(List<Loaded> loaded) {
        Map<String, List<Path>> filesByName = new LinkedHashMap<>();
        loaded.forEach(file -> filesByName
                .computeIfAbsent(file.spec().name(), name -> new ArrayList<>())
                .add(file.file()));
        List<SpecProblem> problems = new ArrayList<>();
        filesByName.forEach((name, files) -> {
            if (files.size() > 1) {
                for (Path file : files) {
                    String others = files.stream()
                            .filter(other -> !other.equals(file))
                            .map(Path::toString)
                            .collect(Collectors.joining(", "));
                    problems.add(SpecProblem.error(
                            file,
                            "name",
                            "Duplicate service name '" + name + "' found (also in " + others
                                    + "); give each service its own name"));
                }
            }
        });
        return problems;
    }

    /** Every use of a host port (target or node) that another file uses too gets one error per other file. */
    private List<SpecProblem> portConflicts(List<Loaded> loaded) {
        Map<Integer, List<PortUse>> usesByPort = new LinkedHashMap<>();
        for (Loaded file : loaded) {
            List<ContainerTemplate> containers = file.spec().spec().containers();
            for (int i = 0; i < containers.size(); i++) {
                List<ContainerTemplate.PortSpec> ports = containers.get(i).portsOrEmpty();
                for (int j = 0; j < ports.size(); j++) {
                    String portPath = FieldPaths.index(FieldPaths.index("spec.containers", i) + ".ports", j);
                    addUse(
                            usesByPort,
                            file,
                            portPath + ".target_port",
                            ports.get(j).targetPort());
                    addUse(
                            usesByPort,
                            file,
                            portPath + ".node_port",
                            ports.get(j).nodePort());
                }
            }
        }
        List<SpecProblem> problems = new ArrayList<>();
        usesByPort.forEach((port, uses) -> {
            for (PortUse use : uses) {
                Map<Path, PortUse> otherFiles = new LinkedHashMap<>();
                uses.stream()
                        .filter(other -> !other.file().equals(use.file()))
                        .forEach(other -> otherFiles.putIfAbsent(other.file(), other));
                otherFiles
                        .values()
                        .forEach(other -> problems.add(SpecProblem.error(
                                use.file(),
                                use.fieldPath(),
                                port + " is already used by service '" + other.service() + "' (" + other.file()
                                        + ")")));
            }
        });
        return problems;
    }

    private void addUse(Map<Integer, List<PortUse>> usesByPort, Loaded file, String path, @Nullable Integer port) {
        if (port != null && port >= 1 && port <= 65535 && port != apiPort) {
            usesByPort
                    .computeIfAbsent(port, p -> new ArrayList<>())
                    .add(new PortUse(file.file(), file.spec().name(), path, port));
        }
    }

    /** Limits: the container's value, else the service's, else 0 (unlimited). Only called for files without errors. */
    private static ServiceDefinition resolve(Loaded loaded) {
        ServiceSpec spec = loaded.spec();
        List<ContainerDefinition> containers = spec.spec().containers().stream()
                .map(container -> new ContainerDefinition(
                        container.name(),
                        container.image(),
                        container.commandOrEmpty(),
                        container.envOrEmpty(),
                        Boolean.TRUE.equals(container.privileged()),
                        container.portsOrEmpty(),
                        limit(container.memoryLimit(), spec.memoryLimit(), Units::memoryBytes),
                        limit(container.cpuLimit(), spec.cpuLimit(), Units::nanoCpus),
                        container,
                        SecretRules.resolve(spec, loaded.secrets(), container)))
                .toList();
        Duration imageCheckInterval = spec.imageCheckInterval() == null
                ? DEFAULT_IMAGE_CHECK_INTERVAL
                : Units.duration(spec.imageCheckInterval());
        return new ServiceDefinition(
                loaded.file(),
                spec,
                containers,
                spec.instanceCount().min(),
                spec.instanceCount().max(),
                Optional.ofNullable(spec.network()),
                imageCheckInterval);
    }

    private static long limit(
            @Nullable JsonNode containerValue, @Nullable JsonNode serviceValue, ToLongFunction<JsonNode> parse) {
        if (!ProblemList.isAbsent(containerValue)) {
            return parse.applyAsLong(containerValue);
        }
        if (!ProblemList.isAbsent(serviceValue)) {
            return parse.applyAsLong(serviceValue);
        }
        return 0;
    }

    private static int compareNatural(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            if (Character.isDigit(a.charAt(i)) && Character.isDigit(b.charAt(j))) {
                int startA = i;
                int startB = j;
                while (i < a.length() && Character.isDigit(a.charAt(i))) {
                    i++;
                }
                while (j < b.length() && Character.isDigit(b.charAt(j))) {
                    j++;
                }
                String numberA = stripLeadingZeros(a.substring(startA, i));
                String numberB = stripLeadingZeros(b.substring(startB, j));
                int byNumber = numberA.length() != numberB.length()
                        ? Integer.compare(numberA.length(), numberB.length())
                        : numberA.compareTo(numberB);
                if (byNumber != 0) {
                    return byNumber;
                }
            } else {
                if (a.charAt(i) != b.charAt(j)) {
                    return Character.compare(a.charAt(i), b.charAt(j));
                }
                i++;
                j++;
            }
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    private static String stripLeadingZeros(String digits) {
        int k = 0;
        while (k < digits.length() - 1 && digits.charAt(k) == '0') {
            k++;
        }
        return digits.substring(k);
    }
}
