package io.orbit.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.orbit.runtime.ContainerEvent;
import io.orbit.runtime.EventListener;
import io.orbit.testkit.Poll;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReconnectingEventStreamTest {

    @TempDir
    Path directory;

    private final List<String> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger reconnects = new AtomicInteger();
    private final EventListener listener = new EventListener() {
        @Override
        public void onEvent(ContainerEvent event) {
            received.add(event.containerId());
        }

        @Override
        public void onStreamReconnected() {
            reconnects.incrementAndGet();
        }
    };

    @Test
    void reconnectsAfterTheEngineDropsTheStreamAndSaysEventsMayBeLost() throws IOException {
        Path socket = directory.resolve("events.sock");
        // The first connection sends one event and drops; the second sends another and stays open.
        try (FakeEngineServer server = new FakeEngineServer(socket, (line, connection, out) -> {
                    FakeEngineServer.startChunked(out);
                    FakeEngineServer.writeChunk(out, "{\"id\":\"c" + connection + "\"}\n");
                    if (connection > 1) {
                        EngineHttpClientTest.sleep(Duration.ofSeconds(30));
                    }
                    return false;
                });
                EngineHttpClient client = EngineHttpClient.open(socket, "start it");
                ReconnectingEventStream stream = ReconnectingEventStream.start(
                        "test-events", () -> client.stream("GET", "/events", null), this::parse, listener)) {

            awaitTrue("two objects received", () -> received.size() >= 2);

            assertThat(received).startsWith("c1", "c2");
            assertThat(reconnects.get()).isGreaterThanOrEqualTo(1);
            awaitTrue("the stream connected", stream::isConnected);
        }
    }

    @Test
    void keepsTryingWhileTheEngineIsDownAndConnectsWhenItComesUp() throws IOException {
        Path socket = directory.resolve("late.sock");
        try (EngineHttpClient client = EngineHttpClient.open(socket, "start it");
                ReconnectingEventStream stream = ReconnectingEventStream.start(
                        "test-events", () -> client.stream("GET", "/events", null), this::parse, listener)) {
            EngineHttpClientTest.sleep(Duration.ofMillis(400));
            assertThat(stream.isConnected()).isFalse();

            try (FakeEngineServer server = new FakeEngineServer(socket, (line, connection, out) -> {
                FakeEngineServer.startChunked(out);
                FakeEngineServer.writeChunk(out, "{\"id\":\"late\"}{\"skip\":true}\n");
                EngineHttpClientTest.sleep(Duration.ofSeconds(30));
                return false;
            })) {
                awaitTrue("the object sent after the reconnect received", () -> received.contains("late"));
                assertThat(received).containsExactly("late");
            }
        }
    }

    @Test
    void aStreamSilentPastItsIdleDeadlineIsReopenedAtOnceAndItsEventsStillCome() throws IOException {
        Path socket = directory.resolve("silent.sock");
        // The first connection says nothing (a hung engine, or a quiet host); the second sends an event.
        try (FakeEngineServer server = new FakeEngineServer(socket, (line, connection, out) -> {
                    FakeEngineServer.startChunked(out);
                    if (connection > 1) {
                        FakeEngineServer.writeChunk(out, "{\"id\":\"after-silence\"}\n");
                    }
                    EngineHttpClientTest.sleep(Duration.ofSeconds(30));
                    return false;
                });
                EngineHttpClient client = EngineHttpClient.open(socket, "start it");
                ReconnectingEventStream stream = ReconnectingEventStream.start(
                        "test-events-idle",
                        () -> client.stream("GET", "/events", null, Duration.ofMillis(300)),
                        this::parse,
                        listener)) {
            awaitTrue("the event sent on the reopened stream", () -> received.contains("after-silence"));

            assertThat(reconnects.get())
                    .as("the listener hears that events may be missed")
                    .isGreaterThanOrEqualTo(1);
            assertThat(received).containsOnly("after-silence");
        }
    }

    @Test
    void closingStopsTheThreadPromptly() throws IOException {
        Path socket = directory.resolve("close.sock");
        try (FakeEngineServer server = new FakeEngineServer(socket, (line, connection, out) -> {
                    FakeEngineServer.startChunked(out);
                    EngineHttpClientTest.sleep(Duration.ofSeconds(30));
                    return false;
                });
                EngineHttpClient client = EngineHttpClient.open(socket, "start it")) {
            ReconnectingEventStream stream = ReconnectingEventStream.start(
                    "test-events-close", () -> client.stream("GET", "/events", null), this::parse, listener);
            awaitTrue("the stream connected", stream::isConnected);

            long started = System.nanoTime();
            stream.close();

            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
            assertThat(stream.isConnected()).isFalse();
            assertThat(Thread.getAllStackTraces().keySet())
                    .extracting(Thread::getName)
                    .doesNotContain("test-events-close");
        }
    }

    private Optional<ContainerEvent> parse(JsonNode node) {
        if (!node.has("id")) {
            return Optional.empty();
        }
        return Optional.of(new ContainerEvent(
                ContainerEvent.Type.START,
                node.get("id").asText(),
                "n",
                Map.of(),
                OptionalInt.empty(),
                "",
                Instant.EPOCH));
    }

    private static void awaitTrue(String what, BooleanSupplier condition) {
        Poll.until(
                what, Duration.ofSeconds(10), Duration.ofMillis(20), condition::getAsBoolean, done -> done, () -> "");
    }
}
