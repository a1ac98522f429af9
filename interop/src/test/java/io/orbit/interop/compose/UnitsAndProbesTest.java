package io.orbit.interop.compose;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class UnitsAndProbesTest {

    @Test
    void memorySizesBecomeOrbitSpellings() {
        assertThat(ComposeUnits.memory("512m")).contains("512M");
        assertThat(ComposeUnits.memory("1gb")).contains("1G");
        assertThat(ComposeUnits.memory("1.5G")).contains("1.5G");
        assertThat(ComposeUnits.memory("268435456")).contains("256M");
        assertThat(ComposeUnits.memory("1000")).contains("1K");
        assertThat(ComposeUnits.memory("64KiB")).contains("64K");
        assertThat(ComposeUnits.memory("lots")).isEmpty();
    }

    @Test
    void durationsInGoSyntax() {
        assertThat(ComposeUnits.millis("1m30s")).contains(90_000L);
        assertThat(ComposeUnits.millis("500ms")).contains(500L);
        assertThat(ComposeUnits.millis("1.5s")).contains(1500L);
        assertThat(ComposeUnits.millis("1h")).contains(3_600_000L);
        assertThat(ComposeUnits.millis("0")).contains(0L);
        assertThat(ComposeUnits.millis("10")).isEmpty();
        assertThat(ComposeUnits.millis("10sx")).isEmpty();
        assertThat(ComposeUnits.humantime(90_000)).isEqualTo("90s");
        assertThat(ComposeUnits.humantime(1500)).isEqualTo("1500ms");
    }

    @Test
    void probesPeopleWriteAreRecognised() {
        assertThat(probe("curl -f http://localhost:8080/health"))
                .contains(new HealthProbes.Http(8080, "/health", false));
        assertThat(probe("curl --fail --silent http://127.0.0.1/")).contains(new HealthProbes.Http(80, "/", false));
        assertThat(probe("curl -s -o /dev/null http://localhost:3000/x"))
                .contains(new HealthProbes.Http(3000, "/x", true));
        assertThat(probe("wget -qO- http://localhost:80/ping")).contains(new HealthProbes.Http(80, "/ping", false));
        assertThat(probe("wget --spider -q localhost:9000/")).contains(new HealthProbes.Http(9000, "/", false));
        assertThat(probe("nc -z localhost 6379")).contains(new HealthProbes.Tcp(6379));
        assertThat(probe("nc -zv -w 2 127.0.0.1 5432")).contains(new HealthProbes.Tcp(5432));
        assertThat(probe("curl -f http://db:8080/")).isEmpty(); // another host: not a probe of this container
        assertThat(probe("curl -f https://localhost/")).isEmpty();
        assertThat(probe("redis-cli ping")).isEmpty();
        assertThat(probe("nc localhost 6379")).isEmpty(); // without -z it talks
        assertThat(HealthProbes.simpleShellCommand("curl -f http://localhost/ || exit 1"))
                .contains(List.of("curl", "-f", "http://localhost/"));
        assertThat(HealthProbes.simpleShellCommand("redis-cli ping | grep PONG"))
                .isEmpty();
    }

    private static Optional<HealthProbes.Probe> probe(String shell) {
        return HealthProbes.simpleShellCommand(shell).flatMap(HealthProbes::recognise);
    }

    @Test
    void dotEnvLines() {
        Map<String, String> values = DotEnv.parse(
                "# comment\nA=1\nexport B=two words # note\nC='$literal'\nD=\"line\\nbreak\"\nE\n\nF=\n",
                ".env",
                Map.of("E", "from-env"));
        assertThat(values)
                .containsEntry("A", "1")
                .containsEntry("B", "two words")
                .containsEntry("C", "$literal")
                .containsEntry("D", "line\nbreak")
                .containsEntry("E", "from-env")
                .containsEntry("F", "");
    }

    @Test
    void shellWordsKeepQuotedSpaces() {
        assertThat(ShellWords.split("sh -c 'echo \"a b\"' \"c d\" e\\ f", ""))
                .containsExactly("sh", "-c", "echo \"a b\"", "c d", "e f");
    }
}
