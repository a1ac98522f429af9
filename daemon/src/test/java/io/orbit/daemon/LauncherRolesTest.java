package io.orbit.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.orbit.daemon.cli.OrbitCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The launchers choose the JVM options by role (the data plane: the daemon and {@code orbit proxy}; the CLI's other
 * commands) from the command words, which they cannot ask the Java side for without starting a JVM. Both launchers
 * must list exactly the commands {@link OrbitCommand} has, or a new command would run with the daemon's options (and
 * a packaged one would record the AOT cache), and the daemon ITs' copy of the daemon's options must be theirs.
 */
class LauncherRolesTest {

    /** The {@code case} line listing the CLI's words: {@code validate | plan | ... | --version)}. */
    private static final Pattern CLI_WORDS = Pattern.compile("(?m)^\\s*(validate \\|[^)]*)\\)\\s*$");
    /** The data-plane default: the options line without {@code TieredStopAtLevel}. */
    private static final Pattern DATA_PLANE = Pattern.compile(
            "(?:default_opts=\"|ORBIT_JAVA_OPTS:-)(-XX:\\+UseSerialGC(?:(?! -XX:TieredStopAtLevel)[^\"}])*)[\"}]");

    @ParameterizedTest
    @ValueSource(strings = {"../orbit", "../packaging/src/main/dist/bin/orbit"})
    void theLauncherKnowsEveryCommandOfTheJavaSide(String launcher) throws IOException {
        Set<String> commands =
                new TreeSet<>(OrbitCommand.commandLine().getSubcommands().keySet());
        commands.remove("proxy"); // the data plane: the daemon's options
        commands.remove("help");

        Matcher words = CLI_WORDS.matcher(Files.readString(Path.of(launcher)));
        assertThat(words.find()).as("the CLI's case line in " + launcher).isTrue();
        Set<String> listed = Arrays.stream(words.group(1).split("\\|"))
                .map(String::strip)
                .filter(word -> !word.startsWith("-") && !word.equals("help"))
                .collect(Collectors.toCollection(TreeSet::new));

        assertThat(listed).as("the CLI's words in " + launcher).isEqualTo(commands);
    }

    /** What the launchers add to the data plane's options on Java 22+ (the ITs run on 25). */
    static final String TRIM_ON_JAVA_22 = "-XX:TrimNativeHeapInterval=5000";

    @ParameterizedTest
    @ValueSource(strings = {"../orbit", "../packaging/src/main/dist/bin/orbit"})
    void theDaemonItsRunTheDaemonWithTheLaunchersOptions(String launcher) throws IOException {
        String text = Files.readString(Path.of(launcher));
        Matcher options = DATA_PLANE.matcher(text);
        assertThat(options.find())
                .as("the data plane's default options in " + launcher)
                .isTrue();

        List<String> onJava25 = new ArrayList<>(List.of(options.group(1).strip().split(" ")));
        if (text.contains("-lt 22 ] || ") && text.contains(" " + TRIM_ON_JAVA_22 + "\"")) {
            onJava25.add(TRIM_ON_JAVA_22);
        }
        assertThat(onJava25).isEqualTo(DaemonProcess.LAUNCHER_JVM_OPTIONS);
    }
}
