package io.orbit.engine.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.orbit.engine.config.ServiceFileParser;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SpecValidatorTest {

    private static final ServiceFileParser PARSER = new ServiceFileParser();

    /** A valid service {@code web} with one container {@code main}, plus top-level and container-level lines. */
    private static String web(String topLevel, String container) {
        return service("web", topLevel, container);
    }

    private static String service(String name, String topLevel, String container) {
        return "name: " + name + "\ninstance_count: {min: 1, max: 1}\n" + topLevel + "\nspec:\n  containers:\n"
                + "    - name: main\n      image: nginx\n" + container.indent(6);
    }

    private static ParsedFile parsed(String file, String yaml) {
        ParsedFile parsed = PARSER.parse(Path.of(file), yaml);
        assertThat(parsed.problems()).as("parse problems of %s", file).noneMatch(SpecProblem::isError);
        return parsed;
    }

    private static SpecValidator.Result validate(ParsedFile... files) {
        return SpecValidator.validate(List.of(files), SpecValidator.DEFAULT_API_PORT);
    }

    private static List<String> lines(SpecValidator.Result result) {
        return result.problems().stream().map(SpecProblem::toString).toList();
    }

    static Stream<Arguments> singleFileCases() {
        return Stream.of(
                arguments(
                        "service name that is not a DNS label",
                        service("Web_1", "", ""),
                        List.of("web.yml: name: Invalid service name 'Web_1': Service name must be a valid DNS label:"
                                + " lowercase alphanumeric characters or '-', starting and ending with alphanumeric (2"
                                + " to 63 characters, e.g. 'web-api')")),
                arguments(
                        "one-character service name, rejected by Orbit's regex",
                        service("a", "", ""),
                        List.of("web.yml: name: Invalid service name 'a': Service name must be a valid DNS label:"
                                + " lowercase alphanumeric characters or '-', starting and ending with alphanumeric (2"
                                + " to 63 characters, e.g. 'web-api')")),
                arguments(
                        "service name longer than the runtime name allows",
                        service("a".repeat(61), "", ""),
                        List.of("web.yml: name: Service name exceeds maximum length of 60 characters (it has 61);"
                                + " runtime names are built from it, so shorten it")),
                arguments(
                        "invalid and duplicate container names",
                        web("", "").replace("    - name: main\n      image: nginx\n", """
                                    - name: main
                                      image: nginx
                                    - name: main
                                      image: redis
                                    - name: Side_Car
                                      image: envoy
                                """),
                        List.of(
                                "web.yml: spec.containers[1].name: Duplicate container name 'main' found in service"
                                        + " 'web' (also spec.containers[0]); give each container its own name",
                                "web.yml: spec.containers[2].name: Invalid container name 'Side_Car': Container name"
                                        + " must be a valid DNS label: lowercase alphanumeric characters or '-',"
                                        + " starting and ending with alphanumeric (2 to 63 characters, e.g."
                                        + " 'web-api')")),
                arguments(
                        "min above max",
                        web("", "").replace("{min: 1, max: 1}", "{min: 4, max: 3}"),
                        List.of("web.yml: instance_count.min: min 4 is greater than max 3; lower min or raise max")),
                arguments(
                        "counts outside Orbit's u8 and a max of 0",
                        web("", "").replace("{min: 1, max: 1}", "{min: -1, max: 0}"),
                        List.of(
                                "web.yml: instance_count.max: must be between 1 and 255, got 0",
                                "web.yml: instance_count.min: must be between 0 and 255, got -1")),
                arguments(
                        "max above 255",
                        web("", "").replace("{min: 1, max: 1}", "{min: 1, max: 256}"),
                        List.of("web.yml: instance_count.max: must be between 1 and 255, got 256")),
                arguments(
                        "no containers",
                        "name: web\ninstance_count: {min: 1, max: 1}\nspec: {containers: []}\n",
                        List.of("web.yml: spec.containers: at least one container is required")),
                arguments(
                        "duplicate target and node ports within the service, Orbit's texts",
                        web("", """
                                ports:
                                  - {port: 80, target_port: 8080, node_port: 8080}
                                  - {port: 81, target_port: 9090}
                                  - {port: 82, node_port: 9090}
                                """),
                        List.of(
                                "web.yml: spec.containers[0].ports[0].node_port: Duplicate node port 8080 found in"
                                        + " service 'web' (also spec.containers[0].ports[0].target_port); use each"
                                        + " target_port and node_port once per service",
                                "web.yml: spec.containers[0].ports[2].node_port: Duplicate node port 9090 found in"
                                        + " service 'web' (also spec.containers[0].ports[1].target_port); use each"
                                        + " target_port and node_port once per service")),
                arguments(
                        "duplicate container ports are allowed, as in Orbit",
                        web("", "ports: [{port: 80}, {port: 80}]"),
                        List.of()),
                arguments(
                        "ports out of range and the API port",
                        web("", "ports: [{port: 0, target_port: 70000, node_port: 4112}]"),
                        List.of(
                                "web.yml: spec.containers[0].ports[0].node_port: 4112 is the daemon's API port; choose"
                                        + " another port",
                                "web.yml: spec.containers[0].ports[0].port: must be between 1 and 65535, got 0",
                                "web.yml: spec.containers[0].ports[0].target_port: must be between 1 and 65535, got"
                                        + " 70000")),
                arguments(
                        "bad service-level units, which Orbit silently ignored",
                        web("memory_limit: 512MB\ncpu_limit: 500m", ""),
                        List.of(
                                "web.yml: cpu_limit: Invalid CPU limit: 500m (use a number of CPUs such as 0.5 or"
                                        + " \"2\"; millicores like 500m are not supported)",
                                "web.yml: memory_limit: Invalid memory limit format: 512MB (use 512M, 512Mi or a"
                                        + " number of GiB such as 0.5)")),
                arguments(
                        "bad container-level units and rates, which Orbit found only at container start",
                        web("", """
                                memory_limit: true
                                cpu_limit: "-1"
                                network_limit: {ingress_rate: 10mbps, egress_rate: 5Mbps}
                                """),
                        List.of(
                                "web.yml: spec.containers[0].cpu_limit: CPU limit out of valid range: -1 (use a number"
                                        + " of CPUs from 0.01 upwards, such as 0.5 or 2)",
                                "web.yml: spec.containers[0].memory_limit: Unsupported memory limit type: true (use"
                                        + " 512M, 512Mi or a number of GiB such as 0.5)",
                                "web.yml: spec.containers[0].network_limit.ingress_rate: Invalid network rate format:"
                                        + " 10mbps (use e.g. 500Kbps, 10Mbps or 1.5Gbps)")),
                arguments(
                        "network bursts are bytes or Orbit's rate units, and need their rate",
                        web("", "network_limit: {egress_rate: 5Mbps, egress_burst: 10mb, ingress_burst: 64K}\n"),
                        List.of(
                                "web.yml: spec.containers[0].network_limit.egress_burst: Invalid network burst format:"
                                        + " 10mb (use bytes such as 32K or 1Mi, or bits such as 1Mbps (= 1 000 000"
                                        + " bits))",
                                "warning: web.yml: spec.containers[0].network_limit.ingress_burst: has no effect"
                                        + " without ingress_rate")),
                arguments(
                        "a bare memory number is GiB: large ones are probably meant as MiB",
                        web("memory_limit: 512", ""),
                        List.of("warning: web.yml: memory_limit: 512 means 512 GiB (a bare number is GiB, as in"
                                + " Orbit); write \"512M\" for mebibytes")),
                arguments(
                        "every duration is parsed at load time",
                        web(
                                """
                                image_check_interval: 30
                                rolling_update_config: {timeout: 5 minutes please}
                                codel: {target: 0s, interval: 1.5s, scale_cooldown: 0s}
                                scaling_policy: {cooldown_duration: 1x}
                                """,
                                "health_check: {startup_timeout: '', liveness_period: 10s, tcp_check: {port: 80,"
                                        + " timeout: 5, period: 1h}}\nports: [{port: 80}]"),
                        List.of(
                                "web.yml: codel.interval: Invalid duration: '1.5s' (invalid character '.' at position"
                                        + " 1; write whole numbers with units, e.g. 1500ms or 1m 30s)",
                                "web.yml: codel.target: must be longer than 0; write e.g. 10s",
                                "web.yml: image_check_interval: Invalid duration: '30' (time unit needed, for example"
                                        + " 30s or 30ms)",
                                "web.yml: rolling_update_config.timeout: Invalid duration: '5 minutes please' (expected"
                                        + " a number at position 10; use e.g. 100ms, 30s, 5m or 1h 30m)",
                                "web.yml: scaling_policy.cooldown_duration: Invalid duration: '1x' (unknown time unit"
                                        + " 'x'; supported units are ns, us, ms, s, m, h, d, w, M (months) and y; use"
                                        + " e.g. 100ms, 30s, 5m or 1h 30m)",
                                "web.yml: spec.containers[0].health_check.startup_timeout: Invalid duration: '' (value"
                                        + " was empty; use e.g. 100ms, 30s, 5m or 1h 30m)",
                                "web.yml: spec.containers[0].health_check.tcp_check.timeout: Invalid duration: '5'"
                                        + " (time unit needed, for example 5s or 5ms)")),
                arguments(
                        "codel sanity",
                        web(
                                "codel: {target: 100ms, interval: 1s, scale_cooldown: 30s, consecutive_intervals: 0,"
                                        + " max_scale_step: 0, overload_status_code: 700}",
                                ""),
                        List.of(
                                "web.yml: codel.consecutive_intervals: must be at least 1, got 0",
                                "web.yml: codel.max_scale_step: must be at least 1, got 0",
                                "web.yml: codel.overload_status_code: must be between 100 and 599 (an HTTP status; 503"
                                        + " is usual), got 700")),
                arguments(
                        "thresholds are percentages from 1 to 100",
                        web(
                                "resource_thresholds: {cpu_percentage: 0, memory_percentage: 101}\n"
                                        + "scaling_policy: {scale_down_threshold_percentage: 150}",
                                "resource_thresholds: {cpu_percentage_relative: 200}"),
                        List.of(
                                "web.yml: resource_thresholds.cpu_percentage: must be between 1 and 100 (percent), got"
                                        + " 0",
                                "web.yml: resource_thresholds.memory_percentage: must be between 1 and 100 (percent),"
                                        + " got 101",
                                "web.yml: scaling_policy.scale_down_threshold_percentage: must be between 0 and 100"
                                        + " (percent of pods), got 150.0",
                                "web.yml: spec.containers[0].resource_thresholds.cpu_percentage_relative: must be"
                                        + " between 1 and 100 (percent), got 200")),
                arguments(
                        "a rolling update with neither surge nor unavailability cannot progress",
                        web("rolling_update_config: {max_surge: 0, max_unavailable: 0, timeout: 5m}", ""),
                        List.of("web.yml: rolling_update_config: max_surge and max_unavailable are both 0, so a"
                                + " rolling update could never replace a pod; set max_surge: 1")),
                arguments(
                        "max_surge 0 is fine while max_unavailable keeps its default of 1",
                        web("rolling_update_config: {max_surge: 0, timeout: 5m}", ""),
                        List.of()),
                arguments(
                        "health check thresholds",
                        web(
                                "",
                                "health_check: {startup_failure_threshold: -1, liveness_failure_threshold: 0,"
                                        + " tcp_check: {port: 0, failure_threshold: 0}}"),
                        List.of(
                                "web.yml: spec.containers[0].health_check.liveness_failure_threshold: must be at least"
                                        + " 1, got 0",
                                "web.yml: spec.containers[0].health_check.startup_failure_threshold: must be 0 (no"
                                        + " startup check) or more, got -1",
                                "web.yml: spec.containers[0].health_check.tcp_check.failure_threshold: must be at least"
                                        + " 1, got 0",
                                "web.yml: spec.containers[0].health_check.tcp_check.port: must be between 1 and 65535,"
                                        + " got 0")),
                arguments(
                        "a tcp_check on a port the container does not declare is only a warning",
                        web("", "ports: [{port: 80}, {port: 443}]\nhealth_check: {tcp_check: {port: 8080}}"),
                        List.of("warning: web.yml: spec.containers[0].health_check.tcp_check.port: 8080 is not one of"
                                + " this container's ports (80, 443); the check connects to the container on this"
                                + " port and fails unless something listens there")),
                arguments(
                        "volume references, paths and file names",
                        web("""
                                volumes:
                                  config:
                                    files: {"../../etc/passwd": x, "a/b": y, nginx.conf: z}
                                    permissions: rw-r--r--
                                  data:
                                    host_path: data/web
                                  shared:
                                    named_volume: {name: "-bad"}
                                  nothing: {}
                                """, """
                                volume_mounts:
                                  - {name: config, mount_path: /etc/nginx/nginx.conf, sub_path: default.conf}
                                  - {name: cache, mount_path: var/cache}
                                  - {name: data, mount_path: /etc/nginx/nginx.conf}
                                """),
                        List.of(
                                "web.yml: spec.containers[0].volume_mounts[0].sub_path: 'default.conf' is not a file of"
                                        + " volume 'config'; its files: ../../etc/passwd, a/b, nginx.conf",
                                "web.yml: spec.containers[0].volume_mounts[1].mount_path: 'var/cache' is not an"
                                        + " absolute path; write a path starting with /",
                                "web.yml: spec.containers[0].volume_mounts[1].name: unknown volume 'cache'; known"
                                        + " volumes: config, data, shared, nothing",
                                "web.yml: spec.containers[0].volume_mounts[2].mount_path: Duplicate mount path"
                                        + " '/etc/nginx/nginx.conf' in container 'main' (also volume_mounts[0]); mount"
                                        + " each path once",
                                "web.yml: volumes.config.files[\"../../etc/passwd\"]: file name '../../etc/passwd' must"
                                        + " be a plain name without '/' or '..'; each file is written into the"
                                        + " volume's own directory",
                                "web.yml: volumes.config.files[\"a/b\"]: file name 'a/b' must be a plain name without"
                                        + " '/' or '..'; each file is written into the volume's own directory",
                                "web.yml: volumes.config.permissions: 'rw-r--r--' is not an octal file mode; write"
                                        + " e.g. \"0644\"",
                                "web.yml: volumes.data.host_path: 'data/web' is not an absolute path; write a path"
                                        + " starting with /",
                                "warning: web.yml: volumes.nothing: defines nothing to mount; add files, host_path or"
                                        + " named_volume",
                                "web.yml: volumes.shared.named_volume.name: '-bad' is not a valid volume name; use at"
                                        + " least two letters, digits, '_', '.' or '-', starting with a letter or"
                                        + " digit")),
                arguments(
                        "a mount of an undefined volume when there are no volumes at all",
                        web("", "volume_mounts: [{name: config, mount_path: /etc/app}]"),
                        List.of("web.yml: spec.containers[0].volume_mounts[0].name: unknown volume 'config'; define it"
                                + " under volumes:")),
                arguments(
                        "host_path wins over files",
                        web("volumes: {both: {host_path: /srv/web, files: {a: b}}}", ""),
                        List.of("warning: web.yml: volumes.both: both host_path and files are set; host_path wins and"
                                + " files are ignored")),
                arguments(
                        "empty image, network and environment names",
                        web("network: ''\ninterval_seconds: -5", "env: {'A=B': x, '': y}")
                                .replace("image: nginx", "image: ' '"),
                        List.of(
                                "web.yml: interval_seconds: must be 0 or more, got -5",
                                "web.yml: network: must not be empty; name a network or leave network out",
                                "web.yml: spec.containers[0].env[\"\"]: '' is not a valid environment variable name;"
                                        + " it must not be empty or contain '='",
                                "web.yml: spec.containers[0].env[\"A=B\"]: 'A=B' is not a valid environment variable"
                                        + " name; it must not be empty or contain '='",
                                "web.yml: spec.containers[0].image: must not be empty; write an image reference such as"
                                        + " nginx:1.27")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("singleFileCases")
    void reportsEveryProblemOfOneFileWithPathAndFix(String description, String yaml, List<String> expected) {
        SpecValidator.Result result = validate(parsed("web.yml", yaml));

        assertThat(lines(result)).containsExactlyElementsOf(expected);
        boolean hasErrors = expected.stream().anyMatch(line -> !line.startsWith("warning: "));
        assertThat(result.services()).as("a definition only without errors").hasSize(hasErrors ? 0 : 1);
    }

    @Test
    void reportsADuplicateServiceNameInBothFilesSoNeitherWins() {
        SpecValidator.Result result = validate(
                parsed("a.yml", web("", "")), parsed("b.yml", web("", "")), parsed("api.yml", service("api", "", "")));

        assertThat(lines(result))
                .containsExactly(
                        "a.yml: name: Duplicate service name 'web' found (also in b.yml); give each service its own"
                                + " name",
                        "b.yml: name: Duplicate service name 'web' found (also in a.yml); give each service its own"
                                + " name");
        assertThat(result.services()).map(ServiceDefinition::name).containsExactly("api");
    }

    @Test
    void reportsAHostPortConflictInEveryInvolvedFileNamingTheOther() {
        SpecValidator.Result result = validate(
                parsed("web.yml", web("", "ports: [{port: 80, node_port: 8080}, {port: 81, target_port: 9000}]")),
                parsed(
                        "api.yml",
                        service("api", "", "ports: [{port: 80, node_port: 9000}, {port: 81, node_port: 8080}]")),
                parsed("db.yml", service("db", "", "ports: [{port: 5432, target_port: 8080}]")));

        assertThat(lines(result))
                .containsExactly(
                        "api.yml: spec.containers[0].ports[0].node_port: 9000 is already used by service 'web'"
                                + " (web.yml)",
                        "api.yml: spec.containers[0].ports[1].node_port: 8080 is already used by service 'db' (db.yml)",
                        "api.yml: spec.containers[0].ports[1].node_port: 8080 is already used by service 'web'"
                                + " (web.yml)",
                        "db.yml: spec.containers[0].ports[0].target_port: 8080 is already used by service 'api'"
                                + " (api.yml)",
                        "db.yml: spec.containers[0].ports[0].target_port: 8080 is already used by service 'web'"
                                + " (web.yml)",
                        "web.yml: spec.containers[0].ports[0].node_port: 8080 is already used by service 'api'"
                                + " (api.yml)",
                        "web.yml: spec.containers[0].ports[0].node_port: 8080 is already used by service 'db' (db.yml)",
                        "web.yml: spec.containers[0].ports[1].target_port: 9000 is already used by service 'api'"
                                + " (api.yml)");
        assertThat(result.services()).isEmpty();
    }

    @Test
    void givesTheSameAnswerWhateverTheOrderOfTheFiles() {
        List<ParsedFile> files = new ArrayList<>(List.of(
                parsed("a.yml", web("", "ports: [{port: 80, node_port: 8080}]")),
                parsed("b.yml", web("", "ports: [{port: 80, node_port: 8080}]")),
                parsed("c.yml", service("api", "memory_limit: 1X", "")),
                parsed("d.yml", service("db", "", ""))));
        SpecValidator.Result forward = SpecValidator.validate(files, 4112);
        Collections.reverse(files);
        SpecValidator.Result backward = SpecValidator.validate(files, 4112);

        assertThat(backward.problems()).isEqualTo(forward.problems());
        assertThat(backward.services()).map(ServiceDefinition::name).containsExactly("db");
    }

    @Test
    void checksPortsAgainstTheConfiguredApiPort() {
        ParsedFile file = parsed("web.yml", web("", "ports: [{port: 80, node_port: 4112, target_port: 9999}]"));

        assertThat(lines(SpecValidator.validate(List.of(file), 9999)))
                .containsExactly("web.yml: spec.containers[0].ports[0].target_port: 9999 is the daemon's API port;"
                        + " choose another port");
    }

    @Test
    void passesParseProblemsThroughAndSortsByFileThenPath() {
        ParsedFile broken = PARSER.parse(Path.of("b.yml"), "name: [\n");
        ParsedFile warned = PARSER.parse(Path.of("a.yml"), web("colour: blue", "ports: [{port: 80, nodeport: 1}]"));
        ParsedFile many = parsed(
                "c.yml",
                service("many", "", "ports: [" + String.join(", ", Collections.nCopies(11, "{port: 0}")) + "]"));

        SpecValidator.Result result = validate(broken, many, warned);

        assertThat(result.problems()).map(SpecProblem::file).map(Path::toString).startsWith("a.yml", "a.yml", "b.yml");
        assertThat(result.problems().stream()
                        .filter(problem -> problem.file().equals(Path.of("c.yml")))
                        .map(SpecProblem::fieldPath))
                .containsExactly(Stream.iterate(0, i -> i + 1)
                        .limit(11)
                        .map(i -> "spec.containers[0].ports[" + i + "].port")
                        .toArray(String[]::new));
        assertThat(result.services()).map(ServiceDefinition::file).containsExactly(Path.of("a.yml"));
    }

    @Test
    void resolvesLimitsFromTheContainerElseTheServiceElseUnlimited() {
        String yaml = "name: web\ninstance_count: {min: 2, max: 5}\nmemory_limit: 100M\ncpu_limit: 0.5\n" + """
                spec:
                  containers:
                    - name: main
                      image: nginx
                    - name: sidecar
                      image: envoy
                      memory_limit: 0.25
                      cpu_limit: "2"
                """;
        String bare = service("api", "", "");

        SpecValidator.Result result = validate(parsed("web.yml", yaml), parsed("api.yml", bare));

        ServiceDefinition web = result.services().get(0);
        assertThat(web.containers())
                .extracting(ContainerDefinition::name, ContainerDefinition::memoryBytes, ContainerDefinition::nanoCpus)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("main", 100L * 1024 * 1024, 500_000_000L),
                        org.assertj.core.groups.Tuple.tuple("sidecar", 256L * 1024 * 1024, 2_000_000_000L));
        assertThat(result.services().get(1).containers().get(0))
                .extracting(ContainerDefinition::memoryBytes, ContainerDefinition::nanoCpus)
                .containsExactly(0L, 0L);
    }

    @Test
    void resolvesCountsNetworkImageCheckIntervalAndContainerFields() {
        String yaml = web(
                "network: shared\nimage_check_interval: 1h 30m",
                "command: [nginx, -g, daemon off;]\nenv: {MODE: prod}\nprivileged: true\nports: [{port: 80, node_port:"
                        + " 8080}]");

        // privileged: true needs --allow-host-access (HostAccessRulesTest covers the default refusal)
        ServiceDefinition web = SpecValidator.validate(
                        List.of(parsed("web.yml", yaml)), SpecValidator.DEFAULT_API_PORT, HostAccess.permitted())
                .services()
                .get(0);

        assertThat(web.file()).isEqualTo(Path.of("web.yml"));
        assertThat(web.name()).isEqualTo("web");
        assertThat(web.minInstances()).isEqualTo(1);
        assertThat(web.maxInstances()).isEqualTo(1);
        assertThat(web.userNetwork()).contains("shared");
        assertThat(web.imageCheckInterval()).isEqualTo(Duration.ofMinutes(90));
        ContainerDefinition main = web.containers().get(0);
        assertThat(main.command()).containsExactly("nginx", "-g", "daemon off;");
        assertThat(main.env()).containsEntry("MODE", "prod");
        assertThat(main.privileged()).isTrue();
        assertThat(main.ports()).containsExactly(new ContainerTemplate.PortSpec(80, null, 8080, null));
        assertThat(main.template()).isSameAs(web.spec().spec().containers().get(0));
    }

    @Test
    void usesOrbitsDefaultsWhenFieldsAreLeftOut() {
        ServiceDefinition web =
                validate(parsed("web.yml", web("", ""))).services().get(0);

        assertThat(web.userNetwork()).isEqualTo(Optional.empty());
        assertThat(web.imageCheckInterval()).isEqualTo(Duration.ofSeconds(300));
        ContainerDefinition main = web.containers().get(0);
        assertThat(main.privileged()).isFalse();
        assertThat(Arrays.asList(main.command(), main.ports()))
                .allSatisfy(list -> assertThat(list).isEmpty());
        assertThat(main.env()).isEmpty();
    }

    @Test
    void keepsAFileWithOnlyWarnings() {
        SpecValidator.Result result = validate(parsed("web.yml", web("memory_limit: 100", "")));

        assertThat(result.hasErrors()).isFalse();
        assertThat(result.warnings()).hasSize(1);
        assertThat(result.services()).hasSize(1);
        assertThat(result.problemsOf(Path.of("web.yml"))).hasSize(1);
    }

    @Test
    void warnsThatAnAutoscalingBlockWithoutAThresholdNeverScales() {
        SpecValidator.Result empty =
                validate(parsed("web.yml", web("autoscaling: {tolerance: 0.1}\nresource_thresholds: {}", "")));
        SpecValidator.Result set = validate(
                parsed("web.yml", web("autoscaling: {tolerance: 0.1}\nresource_thresholds: {cpu_percentage: 50}", "")));
        SpecValidator.Result ownBlock = validate(parsed(
                "web.yml",
                web(
                        "autoscaling: {tolerance: 0.1}\nresource_thresholds: {}",
                        "resource_thresholds: {memory_percentage: 80}")));

        assertThat(empty.hasErrors()).isFalse();
        assertThat(empty.warnings()).anySatisfy(problem -> {
            assertThat(problem.fieldPath()).isEqualTo("autoscaling");
            assertThat(problem.message()).contains("no scaling signal");
        });
        assertThat(set.warnings())
                .noneSatisfy(problem -> assertThat(problem.message()).contains("no scaling signal"));
        assertThat(ownBlock.warnings())
                .as("a container's own threshold is a signal")
                .noneSatisfy(problem -> assertThat(problem.message()).contains("no scaling signal"));
    }
}
