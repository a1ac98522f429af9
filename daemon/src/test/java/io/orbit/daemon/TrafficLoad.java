package io.orbit.daemon;

import io.orbit.testkit.Poll;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Clients GETting one URL without pause until stopped (traffic only to 127.0.0.1), counting every status and every
 * client-side error: the load that integration tests and benchmarks run through the proxy while something happens.
 */
final class TrafficLoad {

    /** What the clients saw since the start or the last {@link #reset}. */
    record Result(int sent, Map<Integer, Integer> statuses, List<String> errors) {
        int failed() {
            return errors.size()
                    + statuses.entrySet().stream()
                            .filter(entry -> entry.getKey() != 200)
                            .mapToInt(Map.Entry::getValue)
                            .sum();
        }
    }

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger sent = new AtomicInteger();
    private final Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
    private final List<String> errors = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new ArrayList<>();

    private TrafficLoad() {}

    /**
     * @param clients how many GET at once
     * @param pauseAfterError how long a client waits after a client-side error (a refused connection), as a polite
     *     client does; zero retries at once
     */
    static TrafficLoad start(URI uri, int clients, Duration pauseAfterError) {
        TrafficLoad load = new TrafficLoad();
        HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        for (int i = 0; i < clients; i++) {
            load.threads.add(Thread.ofPlatform().start(() -> load.run(client, uri, pauseAfterError)));
        }
        return load;
    }

    private void run(HttpClient client, URI uri, Duration pauseAfterError) {
        while (running.get()) {
            sent.incrementAndGet();
            try {
                int status = client.send(
                                HttpRequest.newBuilder(uri)
                                        .timeout(Duration.ofSeconds(10))
                                        .build(),
                                HttpResponse.BodyHandlers.discarding())
                        .statusCode();
                statuses.merge(status, 1, Integer::sum);
            } catch (IOException e) {
                errors.add(e.toString());
                if (!pauseAfterError.isZero()) {
                    try {
                        Thread.sleep(pauseAfterError);
                    } catch (InterruptedException interrupted) {
                        return;
                    }
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Waits until 20 GETs in a row answer 200. */
    static void awaitServing(URI uri, Duration timeout) {
        HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        // Each poll sends up to 20 GETs and stops at the first that is not a 200 (a connection refused throws).
        Poll.until(
                "20 GETs in a row answered 200 by " + uri,
                timeout,
                Duration.ofMillis(20),
                () -> {
                    int inARow = 0;
                    while (inARow < 20 && status(client, uri) == 200) {
                        inARow++;
                    }
                    return inARow;
                },
                inARow -> inARow == 20,
                () -> "");
    }

    private static int status(HttpClient client, URI uri) throws IOException, InterruptedException {
        return client.send(
                        HttpRequest.newBuilder(uri)
                                .timeout(Duration.ofSeconds(2))
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    /**
     * Waits until the clients have had {@code count} more answers (any status, or a client-side error) than now: "the
     * load went on for a while", observed rather than slept.
     */
    void awaitAnswers(int count, Duration timeout) {
        int target = answered() + count;
        Poll.until(
                count + " more GETs answered",
                timeout,
                Duration.ofMillis(20),
                this::answered,
                n -> n >= target,
                () -> "");
    }

    private int answered() {
        return statuses.values().stream().mapToInt(Integer::intValue).sum() + errors.size();
    }

    /** Forgets what was seen so far: what follows is measured on its own. */
    void reset() {
        sent.set(0);
        statuses.clear();
        errors.clear();
    }

    Result stop() throws InterruptedException {
        running.set(false);
        for (Thread thread : threads) {
            thread.join(Duration.ofSeconds(30));
        }
        return new Result(sent.get(), Map.copyOf(statuses), List.copyOf(errors));
    }
}
