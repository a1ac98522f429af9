package io.orbit.engine.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.orbit.engine.spec.ContainerTemplate;
import io.orbit.engine.spec.ParsedFile;
import io.orbit.engine.spec.ServiceSpec;
import io.orbit.engine.spec.SpecProblem;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ServiceFileParserTest {

    private static final Path FILE = Path.of("web.yml");
    private static final String HEAD = "name: web\ninstance_count: {min: 1, max: 2}\n";
    private static final String ONE_CONTAINER = "spec: {containers: [{name: main, image: nginx}]}\n";

    private final ServiceFileParser parser = new ServiceFileParser();

    private ParsedFile parse(String yaml) {
        return parser.parse(FILE, yaml);
    }

    private List<String> problems(String yaml) {
        return parse(yaml).problems().stream().map(SpecProblem::toString).toList();
    }

    @Test
    void mapsEveryFieldFromItsSnakeCaseKey() throws IOException {
        ParsedFile parsed = parse(resource("every-field.yml"));

        assertThat(parsed.problems()).isEmpty();
        ServiceSpec spec = parsed.spec().orElseThrow();
        assertThat(nullComponents(spec, "")).isEmpty();
        assertThat(spec.name()).isEqualTo("every-field");
        assertThat(spec.instanceCount()).isEqualTo(new ServiceSpec.InstanceCount(2, 7));
        assertThat(spec.pullPolicy()).isEqualTo(ServiceSpec.PullPolicy.Always);
        assertThat(spec.resourceThresholds().metricsStrategy()).isEqualTo(ServiceSpec.MetricsStrategy.average);
        assertThat(spec.scalingPolicy().scaleDownThresholdPercentage()).isEqualTo(25.5);
        ContainerTemplate main = spec.spec().containers().get(0);
        assertThat(main.portsOrEmpty())
                .containsExactly(new ContainerTemplate.PortSpec(80, 8080, 30080, ContainerTemplate.Protocol.TCP));
        assertThat(main.volumeMountsOrEmpty().get(0).isReadOnly()).isFalse();
        assertThat(main.healthCheck().tcpCheck().failureThreshold()).isEqualTo(6);
        assertThat(main.envOrEmpty()).containsEntry("MODE", "production");
        assertThat(spec.secretsOrEmpty())
                .containsExactly(java.util.Map.entry(
                        "db-password",
                        new ServiceSpec.SecretSource("secrets/db-password", "DB_PASSWORD", "db-password")));
        assertThat(main.envFile().asText()).isEqualTo("app.env");
        assertThat(main.secretsOrEmpty()).hasSize(2);
        assertThat(main.secretsOrEmpty().get(1).path("target").asText()).isEqualTo("/etc/app/db");
    }

    @Test
    void leavesOptionalFieldsEmptyWhenAbsent() {
        ServiceSpec spec = parse(HEAD + ONE_CONTAINER).spec().orElseThrow();

        assertThat(spec.network()).isNull();
        assertThat(spec.memoryLimit()).isNull();
        assertThat(spec.pullPolicy()).isNull();
        assertThat(spec.adoptsOrphans()).isFalse();
        assertThat(spec.volumesOrEmpty()).isEmpty();
        assertThat(spec.rollingUpdateConfig()).isNull();
        ContainerTemplate main = spec.spec().containers().get(0);
        assertThat(main.portsOrEmpty()).isEmpty();
        assertThat(main.commandOrEmpty()).isEmpty();
        assertThat(main.envOrEmpty()).isEmpty();
        assertThat(main.healthCheck()).isNull();
    }

    @Test
    void keepsUnitFieldsAsTheYamlNodeSoNumbersAndStringsStayApart() {
        ServiceSpec spec = parse(HEAD + "memory_limit: 1\ncpu_limit: \"0.5\"\n" + ONE_CONTAINER)
                .spec()
                .orElseThrow();

        assertThat(spec.memoryLimit().isNumber()).isTrue();
        assertThat(spec.cpuLimit().isTextual()).isTrue();
    }

    @Test
    void readsALeadingDocumentMarkerAsOrbitsExamplesUseIt() {
        assertThat(parse("---\n" + HEAD + ONE_CONTAINER).spec()).isPresent();
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "imagee: x   | warning: web.yml: spec.containers[0].imagee: unknown field, ignored; did you mean 'image'?",
                "nmae: x     | warning: web.yml: spec.containers[0].nmae: unknown field, ignored; did you mean 'name'?",
                "port: 80    | warning: web.yml: spec.containers[0].port: unknown field, ignored; did you mean 'ports'?",
                "memoryLimit: 1G  | warning: web.yml: spec.containers[0].memoryLimit: unknown field, ignored; did you mean"
                        + " 'memory_limit'?",
                "memory-limit: 1G | warning: web.yml: spec.containers[0].memory-limit: unknown field, ignored; did you"
                        + " mean 'memory_limit'?",
                "memory: 1G  | warning: web.yml: spec.containers[0].memory: unknown field, ignored; did you mean"
                        + " 'memory_limit'?",
                "healthcheck: {}  | warning: web.yml: spec.containers[0].healthcheck: unknown field, ignored; did you"
                        + " mean 'health_check'?",
                "pull_policy: Always | warning: web.yml: spec.containers[0].pull_policy: unknown field, ignored:"
                        + " pull_policy can only be set for the whole service (Orbit ignored it here too); move it to"
                        + " the top level",
                "restart: always | warning: web.yml: spec.containers[0].restart: unknown field, ignored; known fields"
                        + " here: name, image, command, env, privileged, ports, volume_mounts, memory_limit, cpu_limit,"
                        + " network_limit, resource_thresholds, health_check, env_file, secrets",
            })
    void warnsAboutAnUnknownContainerKeyAndSuggestsTheClosestField(String extra, String expected) {
        ParsedFile parsed = parse(HEAD + "spec:\n  containers:\n    - name: main\n      image: nginx\n      " + extra);

        assertThat(parsed.problems()).map(SpecProblem::toString).containsExactly(expected);
        assertThat(parsed.spec())
                .as("unknown keys do not make the file invalid")
                .isPresent();
    }

    @Test
    void findsUnknownKeysInNestedRecordsListsAndMaps() {
        String yaml = HEAD + """
                containers: []
                codel: {target: 1s, interval: 1s, scale_cooldown: 1s, overload_code: 503}
                volumes: {cfg: {files: {a: b}, hostpath: /x}}
                spec:
                  containers:
                    - name: main
                      image: nginx
                      ports: [{port: 80, nodeport: 8080}]
                      health_check: {tcp_check: {port: 80, timout: 1s}}
                """;

        assertThat(problems(yaml))
                .containsExactly(
                        "warning: web.yml: containers: unknown field, ignored: containers belong under spec: write"
                                + " spec.containers",
                        "warning: web.yml: codel.overload_code: unknown field, ignored; known fields here: target,"
                                + " interval, scale_cooldown, consecutive_intervals, max_scale_step,"
                                + " overload_status_code",
                        "warning: web.yml: volumes.cfg.hostpath: unknown field, ignored; did you mean 'host_path'?",
                        "warning: web.yml: spec.containers[0].ports[0].nodeport: unknown field, ignored; did you mean"
                                + " 'node_port'?",
                        "warning: web.yml: spec.containers[0].health_check.tcp_check.timout: unknown field, ignored;"
                                + " did you mean 'timeout'?");
    }

    @Test
    void reportsEveryMissingRequiredFieldAtOnce() {
        String yaml = """
                network: x
                rolling_update_config: {max_surge: 1}
                spec:
                  containers:
                    - name: main
                      ports: [{target_port: 8080}]
                """;

        assertThat(problems(yaml))
                .containsExactly(
                        "web.yml: rolling_update_config: missing required field 'timeout'",
                        "web.yml: spec.containers[0].ports[0]: missing required field 'port'",
                        "web.yml: spec.containers[0]: missing required field 'image'",
                        "web.yml: missing required field 'name'",
                        "web.yml: missing required field 'instance_count'");
        assertThat(parse(yaml).spec()).isEmpty();
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "pull_policy: always | web.yml: pull_policy: 'always' is not one of Always, Never; names are"
                        + " case-sensitive (line 3, column 14)",
                "resource_thresholds: {metrics_strategy: Max} | web.yml: resource_thresholds.metrics_strategy: 'Max' is"
                        + " not one of max, average; names are case-sensitive (line 3, column 41)",
                "adopt_orphans: maybe | web.yml: adopt_orphans: expected true or false, got the string 'maybe' (line 3,"
                        + " column 16)",
                "interval_seconds: soon | web.yml: interval_seconds: expected an integer, got the string 'soon' (line 3,"
                        + " column 19)",
                "scaling_policy: {scale_down_threshold_percentage: half} | web.yml:"
                        + " scaling_policy.scale_down_threshold_percentage: expected a number, got the string 'half'"
                        + " (line 3, column 51)",
                "codel: {target: 1s, interval: 1s, scale_cooldown: 1s, overload_status_code: 5.5} | web.yml:"
                        + " codel.overload_status_code: expected an integer, got the number 5.5 (line 3, column 77)",
                "interval_seconds: 99999999999999999999 | web.yml: interval_seconds: the number 99999999999999999999 is"
                        + " too large; expected an integer of at most 9223372036854775807 (line 3, column 39)",
            })
    void turnsAJacksonBindingErrorIntoOneReadableProblemWithPathAndPosition(String line, String expected) {
        ParsedFile parsed = parse(HEAD + line + "\n" + ONE_CONTAINER);

        assertThat(parsed.problems()).map(SpecProblem::toString).containsExactly(expected);
        assertThat(parsed.spec()).isEmpty();
    }

    @Test
    void saysWhatShapeWasExpectedWhenAListOrMappingIsWrong() {
        String yaml = HEAD + """
                spec:
                  containers:
                    - name: main
                      image: [nginx]
                      command: sh -c true
                      ports: 8080
                      volume_mounts: {name: x}
                """;

        assertThat(problems(yaml))
                .containsExactly(
                        "web.yml: spec.containers[0].image: expected a string, got a list",
                        "web.yml: spec.containers[0].command: expected a list, got the string 'sh -c true'",
                        "web.yml: spec.containers[0].ports: expected a list, got the number 8080",
                        "web.yml: spec.containers[0].volume_mounts: expected a list, got a mapping");
    }

    @Test
    void rejectsEmptyValuesWhereJacksonWouldPassNull() {
        String yaml = HEAD + """
                volumes: {cfg: }
                spec:
                  containers:
                    - name:
                      image: nginx
                      env: {A: }
                      command: [sh, ~]
                    -
                """;

        assertThat(problems(yaml))
                .containsExactly(
                        "web.yml: volumes.cfg: has no value; write \"\" for an empty string",
                        "web.yml: spec.containers[0].name: has no value; this field is required",
                        "web.yml: spec.containers[0].env.A: has no value; write \"\" for an empty string",
                        "web.yml: spec.containers[0].command[1]: empty list entry; fill it in or remove the '-'",
                        "web.yml: spec.containers[1]: empty list entry; fill it in or remove the '-'");
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "''                   | web.yml: file is empty; a service file needs at least name, instance_count and"
                        + " spec.containers",
                "'# nothing yet\\n'    | web.yml: file is empty; a service file needs at least name, instance_count and"
                        + " spec.containers",
                "'---\\n'              | web.yml: file is empty; a service file needs at least name, instance_count and"
                        + " spec.containers",
                "'- name: web\\n'      | web.yml: expected a mapping, got a list; a service file needs at least name,"
                        + " instance_count and spec.containers",
                "'web\\n'              | web.yml: expected a mapping, got the string 'web'; a service file needs at"
                        + " least name, instance_count and spec.containers",
                "'name: a\\n---\\nname: b\\n' | web.yml: contains more than one YAML document (---); put each service in a"
                        + " file of its own",
                "'name: a\\nname: b\\n' | web.yml: name: duplicate key 'name'; each key may appear once (line 2, column"
                        + " 5)",
                "'name: a\\n  image: b\\n' | web.yml: name: invalid YAML: mapping values are not allowed here (line 2,"
                        + " column 8)",
                "'spec: [\\n'          | web.yml: spec[0]: invalid YAML: while parsing a flow node: expected the node"
                        + " content, but found '<stream end>' (line 1, column 8)",
            })
    void rejectsAFileThatIsNotOneYamlMapping(String yaml, String expected) {
        ParsedFile parsed = parse(yaml.replace("\\n", "\n"));

        assertThat(parsed.problems()).map(SpecProblem::toString).containsExactly(expected);
        assertThat(parsed.spec()).isEmpty();
    }

    @Test
    void neverShowsJacksonClassNamesOrSourceExcerpts() {
        List<String> broken = List.of(
                HEAD + "pull_policy: []\n" + ONE_CONTAINER,
                HEAD + "instance_count: {min: x, max: 1}\n" + ONE_CONTAINER,
                HEAD + "spec: {containers: [{name: main, image: nginx, ports: [{port: 80, protocol: SCTP}]}]}\n",
                "name: [\n",
                "\tname: web\n");

        for (String yaml : broken) {
            assertThat(parse(yaml).problems())
                    .singleElement()
                    .satisfies(problem -> assertThat(problem.message())
                            .doesNotContain("com.fasterxml", "io.orbit", "`", "\n", "Source:", "[Source"));
        }
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = ServiceFileParserTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The paths of all record components that stayed null: a key that did not reach its field. */
    private static List<String> nullComponents(Record record, String path) {
        List<String> missing = new ArrayList<>();
        for (RecordComponent component : record.getClass().getRecordComponents()) {
            Object value;
            try {
                value = component.getAccessor().invoke(record);
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
            String here = path + "." + component.getName();
            if (value == null) {
                missing.add(here);
            } else if (value instanceof Record nested) {
                missing.addAll(nullComponents(nested, here));
            } else if (value instanceof List<?> list) {
                list.stream()
                        .filter(Record.class::isInstance)
                        .forEach(element -> missing.addAll(nullComponents((Record) element, here + "[]")));
            } else if (value instanceof Map<?, ?> map) {
                map.values().stream()
                        .filter(Record.class::isInstance)
                        .forEach(element -> missing.addAll(nullComponents((Record) element, here + "{}")));
            }
        }
        return missing;
    }
}
