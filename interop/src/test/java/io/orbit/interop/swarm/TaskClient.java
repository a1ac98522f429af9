package io.orbit.interop.swarm;

import io.orbit.interop.Command;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A busybox container on the stack's overlay network that GETs every task of a Swarm service, over and over: each
 * round asks Docker's embedded DNS for {@code tasks.<service>} (every healthy task's address, whatever the endpoint
 * mode, so no IPVS is involved) and GETs each address once. It stops after a bounded number of requests and time, or
 * when told. Its output is one line per round ({@code round UPTIME COUNT IP...}) and per GET ({@code ok IP}, or
 * {@code fail UPTIME IP OUTPUT}), {@code UPTIME} being the VM's in centiseconds-precise seconds.
 */
final class TaskClient {

    private static final Duration COMMAND = Duration.ofSeconds(30);
    static final String EXPECTED_BODY = "orbit fixture ok";

    // The bounds keep a forgotten client from running on: 20000 GETs or 180 s, whichever comes first.
    private static final String SCRIPT = """
            svc=$1; n=0; end=$(( $(date +%s) + 180 ))
            while [ ! -e /tmp/stop ] && [ $n -lt 20000 ] && [ $(date +%s) -lt $end ]; do
              ips=$(nslookup "tasks.$svc" 127.0.0.11 2>/dev/null | sed -n '/^Name:/,$ s/^Address:[[:space:]]*\\([0-9.]*\\).*/\\1/p')
              read up rest < /proc/uptime
              set -- $ips
              echo "round $up $# $*"
              for ip in $ips; do
                n=$((n + 1))
                body=$(timeout 2 wget -q -O - "http://$ip:8080/" 2>&1)
                if [ "$body" = "BODY" ]; then echo "ok $ip"; else read up rest < /proc/uptime; echo "fail $up $ip $body" | tr '\\n' ' '; echo; fi
              done
            done
            echo "end $n"
            """.replace("BODY", EXPECTED_BODY);

    private final List<String> docker;
    private final String name;

    private TaskClient(List<String> docker, String name) {
        this.docker = docker;
        this.name = name;
    }

    static TaskClient start(List<String> docker, String network, String name, String service, String image)
            throws IOException, InterruptedException {
        Command.ok(
                COMMAND,
                argv(
                        docker,
                        "run",
                        "-d",
                        "--name",
                        name,
                        "--network",
                        network,
                        "--entrypoint",
                        "sh",
                        image,
                        "-c",
                        SCRIPT,
                        "sh",
                        service));
        return new TaskClient(docker, name);
    }

    /** What the client has logged so far. */
    Report report() throws IOException, InterruptedException {
        return Report.parse(Command.ok(COMMAND, argv(docker, "logs", name)));
    }

    /** Tells the client to finish its round and exit, and returns everything it logged. */
    Report stop() throws IOException, InterruptedException {
        Command.ok(COMMAND, argv(docker, "exec", name, "touch", "/tmp/stop"));
        String exit = Command.ok(COMMAND, argv(docker, "wait", name)).strip();
        Report report = report();
        if (!exit.equals("0") || !report.ended()) {
            throw new AssertionError("client " + name + " exited " + exit + " (ended: " + report.ended() + ")");
        }
        return report;
    }

    /** Removes the container, whatever state it is in; the failure, if any, as text. */
    String remove() throws IOException, InterruptedException {
        Command command = Command.run(COMMAND, argv(docker, "rm", "-f", name));
        return command.exitCode() == 0 || command.stderr().contains("No such container")
                ? ""
                : "rm " + name + ": " + command.stderr();
    }

    private static List<String> argv(List<String> docker, String... args) {
        List<String> argv = new ArrayList<>(docker);
        argv.addAll(Arrays.asList(args));
        return argv;
    }

    /**
     * @param thinRounds rounds whose DNS answer had fewer than 3 addresses
     * @param lastRoundAnswering the addresses that answered in the last round that finished
     */
    record Report(
            int rounds,
            int requests,
            List<String> failures,
            int thinRounds,
            int fewestTasks,
            Set<String> answering,
            Set<String> lastRoundAnswering,
            boolean ended) {

        static Report parse(String log) {
            int rounds = 0;
            int requests = 0;
            int thin = 0;
            int fewest = Integer.MAX_VALUE;
            boolean ended = false;
            List<String> failures = new ArrayList<>();
            Set<String> answering = new HashSet<>();
            Set<String> round = new HashSet<>();
            Set<String> lastComplete = Set.of();
            int expected = 0;
            int seen = 0;
            for (String line : log.lines().toList()) {
                String[] fields = line.strip().split("\\s+");
                switch (fields[0]) {
                    case "round" -> {
                        rounds++;
                        expected = Integer.parseInt(fields[2]);
                        fewest = Math.min(fewest, expected);
                        if (expected < 3) {
                            thin++;
                        }
                        round = new HashSet<>();
                        seen = 0;
                    }
                    case "ok" -> {
                        requests++;
                        seen++;
                        answering.add(fields[1]);
                        round.add(fields[1]);
                    }
                    case "fail" -> {
                        requests++;
                        seen++;
                        failures.add(line.strip());
                    }
                    case "end" -> ended = true;
                    default -> throw new AssertionError("unexpected client output: " + line);
                }
                if (fields[0].equals("ok") || fields[0].equals("fail")) {
                    if (seen == expected) {
                        lastComplete = Set.copyOf(round);
                    }
                }
            }
            return new Report(
                    rounds, requests, failures, thin, rounds == 0 ? 0 : fewest, answering, lastComplete, ended);
        }
    }
}
