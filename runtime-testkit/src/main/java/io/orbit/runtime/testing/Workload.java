package io.orbit.runtime.testing;

import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What an in-memory container's main process does, read from its command (the fixture image's vocabulary). */
sealed interface Workload {

    /** The image's default command: serves HTTP on its ports and exits 0 on SIGTERM. */
    record Serve() implements Workload {}

    /** Runs until killed and ignores SIGTERM, like {@code sleep} as PID 1. */
    record Idle() implements Workload {}

    /** A busy loop: uses all the CPU it may. */
    record Busy() implements Workload {}

    /** Exits by itself after a delay ({@code sh -c "sleep 1; exit 5"}). */
    record ExitAfter(Duration delay, int exitCode) implements Workload {}

    /** Allocates this much memory at once ({@code dd bs=64M}). */
    record Allocate(long bytes) implements Workload {}

    Pattern SLEEP = Pattern.compile("sleep\\s+(\\d+)");
    Pattern EXIT = Pattern.compile("exit\\s+(\\d+)");
    Pattern BLOCK_SIZE = Pattern.compile("bs=(\\d+)([KMG]?)");

    static Workload of(List<String> command) {
        if (command.isEmpty()) {
            return new Serve();
        }
        if (command.get(0).equals("dd")) {
            return command.stream()
                    .map(BLOCK_SIZE::matcher)
                    .filter(Matcher::matches)
                    .findFirst()
                    .<Workload>map(size -> new Allocate(bytes(size.group(1), size.group(2))))
                    .orElse(new ExitAfter(Duration.ZERO, 0));
        }
        if (command.size() == 3 && command.get(0).equals("sh") && command.get(1).equals("-c")) {
            return ofScript(command.get(2));
        }
        return new Idle();
    }

    private static Workload ofScript(String script) {
        if (script.contains("while :")) {
            return new Busy();
        }
        Matcher exit = EXIT.matcher(script);
        if (!exit.find()) {
            return new Idle();
        }
        Matcher sleep = SLEEP.matcher(script);
        Duration delay = sleep.find() ? Duration.ofSeconds(Long.parseLong(sleep.group(1))) : Duration.ZERO;
        return new ExitAfter(delay, Integer.parseInt(exit.group(1)));
    }

    private static long bytes(String number, String unit) {
        long value = Long.parseLong(number);
        return switch (unit) {
            case "K" -> value << 10;
            case "M" -> value << 20;
            case "G" -> value << 30;
            default -> value;
        };
    }
}
