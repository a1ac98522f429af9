package io.orbit.runtime.testing;

import io.orbit.runtime.ExecResult;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the handful of busybox commands that probes and the contract suite exec in containers ({@code echo}, {@code
 * cat}, {@code exit}, {@code true}, {@code false}, {@code sleep}, {@code timeout}, {@code wget -qO-}), over a
 * container's modelled file system, environment and networks. Statements of {@code sh -c} are split at {@code ;};
 * {@code > FILE} and {@code >&2} redirect. Anything else exits 127, as a shell would.
 */
final class FakeShell {

    /** What a command can see of its container. */
    interface Container {
        Map<String, String> env();

        Optional<String> readFile(String path);

        /** Returns an error message, or empty on success. */
        Optional<String> writeFile(String path, String content);

        Optional<String> httpGet(String host, int port, String path);
    }

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{?([A-Za-z_][A-Za-z0-9_]*)}?");
    private static final Pattern URL = Pattern.compile("http://([^:/]+)(?::(\\d+))?(/.*)?");

    private final Container container;
    private final StringBuilder stdout = new StringBuilder();
    private final StringBuilder stderr = new StringBuilder();

    private FakeShell(Container container) {
        this.container = container;
    }

    static ExecResult run(Container container, List<String> command) {
        FakeShell shell = new FakeShell(container);
        int exitCode = shell.runCommand(command);
        return new ExecResult(exitCode, shell.stdout.toString(), shell.stderr.toString());
    }

    /**
     * What a container's main command prints as it starts: the {@code echo} statements of an {@code sh -c} script
     * (the rest, such as {@code sleep} or {@code exec /bin/serve}, is what {@link Workload} models).
     */
    static ExecResult printedAtStart(Container container, List<String> command) {
        if (command.size() != 3
                || !command.get(0).equals("sh")
                || !command.get(1).equals("-c")) {
            return new ExecResult(0, "", "");
        }
        String echoes = Arrays.stream(command.get(2).split(";"))
                .filter(statement -> statement.strip().startsWith("echo "))
                .collect(java.util.stream.Collectors.joining(";"));
        FakeShell shell = new FakeShell(container);
        int exitCode = shell.runScript(echoes);
        return new ExecResult(exitCode, shell.stdout.toString(), shell.stderr.toString());
    }

    private int runCommand(List<String> command) {
        if (command.size() == 3 && command.get(0).equals("sh") && command.get(1).equals("-c")) {
            return runScript(command.get(2));
        }
        return runStatement(new ArrayList<>(command));
    }

    private int runScript(String script) {
        int status = 0;
        for (String statement : script.split(";")) {
            String expanded = expand(statement.strip());
            if (expanded.isEmpty()) {
                continue;
            }
            List<String> words = new ArrayList<>(Arrays.asList(expanded.split("\\s+")));
            if (words.get(0).equals("exit")) {
                return words.size() > 1 ? Integer.parseInt(words.get(1)) : status;
            }
            status = runStatement(words);
        }
        return status;
    }

    private String expand(String statement) {
        Matcher matcher = VARIABLE.matcher(statement);
        StringBuilder expanded = new StringBuilder();
        while (matcher.find()) {
            String value = container.env().getOrDefault(matcher.group(1), "");
            matcher.appendReplacement(expanded, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(expanded);
        return expanded.toString();
    }

    private int runStatement(List<String> words) {
        boolean toStderr = words.remove(">&2");
        String redirectTo = null;
        int redirect = words.indexOf(">");
        if (redirect >= 0 && redirect + 1 < words.size()) {
            redirectTo = words.get(redirect + 1);
            words = new ArrayList<>(words.subList(0, redirect));
        }
        StringBuilder out = new StringBuilder();
        int status = execute(words, out);
        if (redirectTo != null) {
            Optional<String> failure = container.writeFile(redirectTo, out.toString());
            if (failure.isPresent()) {
                stderr.append("sh: can't create ")
                        .append(redirectTo)
                        .append(": ")
                        .append(failure.get())
                        .append('\n');
                return 1;
            }
        } else {
            (toStderr ? stderr : stdout).append(out);
        }
        return status;
    }

    private int execute(List<String> words, StringBuilder out) {
        String program = words.get(0);
        List<String> arguments = words.subList(1, words.size());
        return switch (program) {
            case "true", "sleep" -> 0;
            case "false" -> 1;
            case "echo" -> {
                out.append(String.join(" ", arguments)).append('\n');
                yield 0;
            }
            case "cat" -> cat(arguments, out);
            case "timeout" ->
                arguments.size() > 1 ? execute(new ArrayList<>(arguments.subList(1, arguments.size())), out) : 1;
            case "wget" -> wget(arguments, out);
            default -> {
                stderr.append("sh: ").append(program).append(": not found\n");
                yield 127;
            }
        };
    }

    private int cat(List<String> files, StringBuilder out) {
        int status = 0;
        for (String file : files) {
            Optional<String> content = container.readFile(file);
            if (content.isPresent()) {
                out.append(content.get());
            } else {
                stderr.append("cat: can't open '").append(file).append("': No such file or directory\n");
                status = 1;
            }
        }
        return status;
    }

    private int wget(List<String> arguments, StringBuilder out) {
        String url = arguments.isEmpty() ? "" : arguments.get(arguments.size() - 1);
        Matcher matcher = URL.matcher(url);
        if (!matcher.matches()) {
            stderr.append("wget: bad address '").append(url).append("'\n");
            return 1;
        }
        int port = matcher.group(2) == null ? 80 : Integer.parseInt(matcher.group(2));
        String path = matcher.group(3) == null ? "/" : matcher.group(3);
        Optional<String> body = container.httpGet(matcher.group(1), port, path);
        if (body.isEmpty()) {
            stderr.append("wget: can't connect to remote host: Connection refused\n");
            return 1;
        }
        out.append(body.get());
        return 0;
    }
}
