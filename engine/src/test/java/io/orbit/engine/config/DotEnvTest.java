package io.orbit.engine.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DotEnvTest {

    static Stream<Arguments> valid() {
        return Stream.of(
                Arguments.of("A=1", Map.of("A", "1")),
                Arguments.of("A=", Map.of("A", "")),
                Arguments.of("  A = spaced value  ", Map.of("A", "spaced value")),
                Arguments.of("export A=1", Map.of("A", "1")),
                Arguments.of("export\tA=1", Map.of("A", "1")),
                Arguments.of("# comment\n\nA=1\n  # indented comment\n", Map.of("A", "1")),
                Arguments.of("A=1 # trailing comment", Map.of("A", "1")),
                Arguments.of("A=pa#ss", Map.of("A", "pa#ss")),
                Arguments.of("A=$HOME ${USER} $(rm -rf /) `id`", Map.of("A", "$HOME ${USER} $(rm -rf /) `id`")),
                Arguments.of("A='single $HOME \\n # not a comment'", Map.of("A", "single $HOME \\n # not a comment")),
                Arguments.of(
                        "A=\"double \\n\\t\\\"q\\\" \\\\ \\$HOME $HOME\"",
                        Map.of("A", "double \n\t\"q\" \\ $HOME $HOME")),
                Arguments.of("A=\"keeps \\x unknown escapes\"", Map.of("A", "keeps \\x unknown escapes")),
                Arguments.of("A='x' # comment after quote", Map.of("A", "x")),
                Arguments.of("KEY=\"line1\nline2\"\nB=2", Map.of("KEY", "line1\nline2", "B", "2")),
                Arguments.of(
                        "KEY='-----BEGIN-----\nabc\n-----END-----'",
                        Map.of("KEY", "-----BEGIN-----\nabc\n-----END-----")),
                Arguments.of("A=1\r\nB=2\r\n", Map.of("A", "1", "B", "2")),
                Arguments.of("A=a=b=c", Map.of("A", "a=b=c")),
                Arguments.of("_x9=1", Map.of("_x9", "1")),
                Arguments.of("", Map.of()));
    }

    @ParameterizedTest
    @MethodSource("valid")
    void parses(String text, Map<String, String> expected) throws Exception {
        assertThat(DotEnv.parse(text)).isEqualTo(expected);
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of("A=1\nhunter2", "line 2 is not KEY=value"),
                Arguments.of("9A=1", "line 1: the name before '=' is not a variable name"),
                Arguments.of("A-B=1", "not a variable name"),
                Arguments.of("=hunter2", "not a variable name"),
                Arguments.of("A=\"hunter2", "line 1: the double quote is never closed"),
                Arguments.of("A='hunter2\nB=2", "line 1: the single quote is never closed"),
                Arguments.of("A='hunter2' trailing", "text after the closing quote"),
                Arguments.of("A=hun'ter2", "a quote inside an unquoted value"),
                Arguments.of("A=1\nA=2", "line 2 sets A again (first set on line 1)"),
                Arguments.of("A=1\nB=hun\0ter2", "line 2 contains a NUL byte"),
                Arguments.of("A=" + "x".repeat(DotEnv.MAX_LINE_CHARS), "line 1 is longer than"),
                Arguments.of(
                        "A=\"" + "x\n".repeat(DotEnv.MAX_LINE_CHARS / 2 + 1) + "\"", "the quoted value is longer"));
    }

    @ParameterizedTest
    @MethodSource("invalid")
    void refusesWithTheLineAndWithoutTheValue(String text, String message) {
        assertThatThrownBy(() -> DotEnv.parse(text))
                .isInstanceOf(DotEnv.DotEnvException.class)
                .hasMessageContaining(message)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2"));
    }

    @Test
    void refusesTooManyVariables() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i <= DotEnv.MAX_ENTRIES; i++) {
            text.append("V").append(i).append("=x\n");
        }
        assertThatThrownBy(() -> DotEnv.parse(text.toString())).hasMessageContaining("more than 4096 variables");
    }

    @Test
    void randomInputEitherParsesOrFailsCleanlyWithoutEchoingIt() {
        Random random = new Random(17);
        String alphabet = "AB_=#'\"\\ \t\n\r$x\0é";
        for (int round = 0; round < 5_000; round++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(40);
            for (int i = 0; i < length; i++) {
                text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String input = "SECRETZ" + text;
            try {
                DotEnv.parse(input);
            } catch (DotEnv.DotEnvException e) {
                assertThat(e.getMessage()).as("input %s", input).doesNotContain("SECRETZ");
            }
        }
    }
}
