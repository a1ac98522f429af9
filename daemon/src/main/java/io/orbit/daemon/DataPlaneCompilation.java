package io.orbit.daemon;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Objects;
import java.util.Optional;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Keeps HotSpot's C2 compiler for the data plane: {@code compiler-directives.json} (beside this class) gives C2 the
 * node ports' proxy, Jetty, Micrometer and the JDK, and leaves the rest of the daemon with C1, as a CLI command runs.
 *
 * <p>Why: the control plane runs in short bursts. Under C2's tiered policy its methods run profiled C1 code, then
 * wait for C2 compilations that compete with the node ports on a small host; with C1 only they run plain C1 code.
 * Measured side by side with {@code scripts/bench-node-port.sh} (docs/benchmarks.md): the idle daemon with 50
 * containers used about 0.4 % of a core less, and the node ports' requests/s and p99 did not move beyond the noise.
 *
 * <p>How: the directives are added as {@code jcmd PID Compiler.directives_add FILE} adds them, through the
 * DiagnosticCommand MBean, from a private temporary copy of the resource. That needs no diagnostic flag and no file
 * beside the launcher, so the source tree's {@code ./orbit}, the packages and a hand-made command line all get it.
 * A JVM without the MBean compiles as it always does; so does one started with {@code -Dorbit.jit.directives=off}.
 */
public final class DataPlaneCompilation {

    static final String RESOURCE = "compiler-directives.json";
    static final String SWITCH = "orbit.jit.directives";
    private static final String DIAGNOSTIC_COMMAND = "com.sun.management:type=DiagnosticCommand";

    private DataPlaneCompilation() {}

    /**
     * Adds the daemon's compiler directives to this JVM.
     *
     * @return what the JVM said when it refused them, or why they could not be added; empty when they were added or
     *     switched off
     */
    public static Optional<String> apply() {
        if ("off".equals(System.getProperty(SWITCH))) {
            return Optional.empty();
        }
        Path copy = null;
        try (InputStream directives = DataPlaneCompilation.class.getResourceAsStream(RESOURCE)) {
            if (directives == null) {
                return Optional.of(RESOURCE + " is missing from the class path");
            }
            copy = Files.createTempFile("orbit-compiler-directives", ".json"); // owner-only, a new random name
            Files.copy(directives, copy, StandardCopyOption.REPLACE_EXISTING);
            return add(copy);
        } catch (IOException e) {
            return Optional.of("cannot copy " + RESOURCE + ": " + e.getMessage());
        } finally {
            if (copy != null) {
                try {
                    Files.deleteIfExists(copy);
                } catch (IOException e) {
                    // a temporary file left behind holds nothing secret
                }
            }
        }
    }

    /** Adds the directives in {@code file}; the JVM's complaint when it refuses them (it then adds none). */
    static Optional<String> add(Path file) {
        String before;
        String answer;
        try {
            before = diagnosticCommand("compilerDirectivesPrint", new String[0]);
            answer = diagnosticCommand("compilerDirectivesAdd", new String[] {file.toString()});
            if (diagnosticCommand("compilerDirectivesPrint", new String[0]).equals(before)) {
                return Optional.of(answer.isBlank() ? "the JVM added no directive" : answer.strip());
            }
            return Optional.empty();
        } catch (JMException | RuntimeException e) {
            return Optional.of("the JVM's DiagnosticCommand MBean refused: " + e);
        }
    }

    /** Runs a diagnostic command ({@code jcmd}'s, by its MBean operation name) and returns what it printed. */
    static String diagnosticCommand(String operation, String[] arguments) throws JMException {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        Object output =
                server.invoke(new ObjectName(DIAGNOSTIC_COMMAND), operation, new Object[] {arguments}, new String[] {
                    String[].class.getName()
                });
        return Objects.toString(output, "");
    }
}
