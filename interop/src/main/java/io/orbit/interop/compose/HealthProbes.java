package io.orbit.interop.compose;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Recognises the health check commands people write in Compose files that are really an HTTP GET or a TCP connect to
 * the container itself, so they become Orbit's {@code http_check} or {@code tcp_check} (probed from the host, no tool
 * needed in the image). Anything else stays an {@code exec_check}.
 */
final class HealthProbes {

    /** {@code path} and {@code anyStatus} (curl without {@code -f} passes on any HTTP answer). */
    record Http(int port, String path, boolean anyStatus) implements Probe {}

    record Tcp(int port) implements Probe {}

    sealed interface Probe permits Http, Tcp {}

    private static final Set<String> LOCAL_HOSTS = Set.of("localhost", "127.0.0.1", "0.0.0.0", "[::1]", "::1");
    private static final Set<String> TRAILERS = Set.of("|| exit 1", "||exit 1", "|| false", "|| exit");

    private HealthProbes() {}

    /** @param words the command's words (a shell string already split) */
    static Optional<Probe> recognise(List<String> words) {
        List<String> argv = new ArrayList<>(words);
        if (argv.isEmpty()) {
            return Optional.empty();
        }
        String tool = argv.get(0).substring(argv.get(0).lastIndexOf('/') + 1);
        return switch (tool) {
            case "curl" -> curl(argv.subList(1, argv.size()));
            case "wget" -> wget(argv.subList(1, argv.size()));
            case "nc", "netcat" -> nc(argv.subList(1, argv.size()));
            default -> Optional.empty();
        };
    }

    /** A {@code CMD-SHELL} string: only a single command, optionally followed by {@code || exit 1}. */
    static Optional<List<String>> simpleShellCommand(String shell) {
        String text = shell.strip();
        for (String trailer : TRAILERS) {
            if (text.endsWith(trailer)) {
                text = text.substring(0, text.length() - trailer.length()).strip();
            }
        }
        if (text.matches(".*[|;&<>`$()].*")) {
            return Optional.empty();
        }
        try {
            return Optional.of(ShellWords.split(text, ""));
        } catch (RuntimeException unbalancedQuotes) {
            return Optional.empty();
        }
    }

    private static Optional<Probe> curl(List<String> args) {
        boolean fail = false;
        List<String> positional = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--fail") || arg.equals("--fail-with-body")) {
                fail = true;
            } else if (arg.startsWith("-") && !arg.startsWith("--")) {
                fail |= arg.contains("f");
                if (arg.endsWith("o") || arg.endsWith("m") || arg.endsWith("H") || arg.endsWith("w")) {
                    i++; // -o FILE, -m SECONDS, -H HEADER, -w FORMAT take a value
                }
            } else if (arg.equals("--output") || arg.equals("--max-time") || arg.equals("--connect-timeout")) {
                i++;
            } else if (arg.startsWith("--")) {
                if (!Set.of("--silent", "--show-error", "--location", "--head", "--insecure")
                        .contains(arg)) {
                    return Optional.empty();
                }
            } else {
                positional.add(arg);
            }
        }
        boolean failOnError = fail;
        return onlyLocalUrl(positional).<Probe>map(url -> http(url, !failOnError));
    }

    private static Optional<Probe> wget(List<String> args) {
        List<String> positional = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("-O") || arg.equals("-T") || arg.equals("--tries") || arg.equals("-t")) {
                i++;
            } else if (arg.startsWith("-")) {
                if (arg.startsWith("--header") || arg.startsWith("--post")) {
                    return Optional.empty();
                }
            } else {
                positional.add(arg);
            }
        }
        return onlyLocalUrl(positional).<Probe>map(url -> http(url, false));
    }

    /** The one positional argument (curl's and wget's URL) as a local URL; empty for none, several or another host. */
    private static Optional<URI> onlyLocalUrl(List<String> positional) {
        return positional.size() == 1 ? localUrl(positional.get(0)) : Optional.empty();
    }

    private static Optional<Probe> nc(List<String> args) {
        boolean zero = false;
        List<String> operands = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("-w")) {
                i++; // -w SECONDS
            } else if (arg.startsWith("-")) {
                zero |= arg.contains("z");
                if (!arg.matches("-[zvn]+") && !arg.matches("-w\\d+")) {
                    return Optional.empty();
                }
            } else {
                operands.add(arg);
            }
        }
        if (!zero || operands.size() != 2 || !LOCAL_HOSTS.contains(operands.get(0))) {
            return Optional.empty();
        }
        try {
            int port = Integer.parseInt(operands.get(1));
            return port >= 1 && port <= 65535 ? Optional.of(new Tcp(port)) : Optional.empty();
        } catch (NumberFormatException notAPort) {
            return Optional.empty();
        }
    }

    private static Http http(URI url, boolean anyStatus) {
        int port = url.getPort() > 0 ? url.getPort() : 80;
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        if (url.getRawQuery() != null) {
            path += "?" + url.getRawQuery();
        }
        return new Http(port, path, anyStatus);
    }

    private static Optional<URI> localUrl(String text) {
        String withScheme = text.contains("://") ? text : "http://" + text;
        try {
            URI url = new URI(withScheme);
            if (!"http".equals(url.getScheme()) || url.getHost() == null || !LOCAL_HOSTS.contains(url.getHost())) {
                return Optional.empty();
            }
            return Optional.of(url);
        } catch (URISyntaxException notAUrl) {
            return Optional.empty();
        }
    }
}
