package io.orbit.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** A command line models only the sub-command it runs (picocli's reflection costs start-up), yet helps as before. */
class SubcommandSelectionTest {

    private static final String[] ALL = {
        "validate",
        "plan",
        "proxy",
        "status",
        "scale",
        "restart",
        "rollout",
        "events",
        "logs",
        "doctor",
        "import",
        "export"
    };

    @TempDir
    Path work;

    @Test
    void theDaemonModelsNoSubcommand() throws Exception {
        assertThat(commandLine("-c", "services", "--on-exit", "stop").getSubcommands())
                .isEmpty();
    }

    @Test
    void aCommandModelsOnlyItself() throws Exception {
        assertThat(commandLine("status", "web").getSubcommands()).containsOnlyKeys("status");
        assertThat(commandLine("-c", "services", "validate").getSubcommands()).containsOnlyKeys("validate");
    }

    @Test
    void helpListsEveryCommand() throws Exception {
        CommandLine help = commandLine("--help");
        assertThat(help.getSubcommands()).containsOnlyKeys(ALL);
        assertThat(help.getUsageMessage(CommandLine.Help.Ansi.OFF)).contains(ALL);
        assertThat(OrbitCommand.commandLine().getSubcommands()).containsOnlyKeys(ALL);
    }

    @Test
    void aMistypedCommandStillGetsDidYouMean() throws Exception {
        CommandLine typo = commandLine("statsu");
        assertThat(typo.getSubcommands()).containsOnlyKeys(ALL);
        StringWriter err = new StringWriter();
        typo.setErr(new PrintWriter(err, true));

        assertThat(typo.execute("statsu")).isEqualTo(2);
        assertThat(err.toString()).contains("statsu").contains("status");
    }

    @Test
    void inheritedFlagsReachTheSubcommandAddedOnDemand() throws Exception {
        CommandLine validate = commandLine("validate", "--config-dir", "elsewhere");
        validate.parseArgs("validate", "--config-dir", "elsewhere");
        assertThat(validate.getSubcommands().get("validate").getCommandSpec().findOption("--config-dir"))
                .isNotNull();
    }

    private CommandLine commandLine(String... args) throws Exception {
        Path config = Files.writeString(work.resolve("orbit.yaml"), "");
        String[] withConfig = new String[args.length + 2];
        System.arraycopy(args, 0, withConfig, 0, args.length);
        withConfig[args.length] = "--config-file";
        withConfig[args.length + 1] = config.toString();
        return OrbitCommand.commandLine(withConfig);
    }
}
