package io.orbit.daemon.api;

import static io.orbit.daemon.api.InProcessDaemon.await;
import static io.orbit.daemon.api.InProcessDaemon.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.orbit.engine.state.StatusStore;
import io.orbit.runtime.ContainerRuntime;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Plain log reads: merged by time, streamed in chunks, cut at the answer's byte limit with a notice saying so. */
class ServiceLogsTest {

    @TempDir
    Path work;

    @Test
    void aReadStopsBeforeTheByteLimitAndSaysItWasTruncated() throws Exception {
        try (InProcessDaemon daemon = startWithPrintedLines(200)) {
            ServiceLogs logs = logs(daemon, 4096);
            StringBuilder answer = new StringBuilder();

            logs.write(
                    "web",
                    new ServiceLogs.Query(ContainerRuntime.ALL_LINES, false),
                    (text, flush) -> answer.append(text));

            List<String> lines = answer.toString().lines().toList();
            String last = lines.get(lines.size() - 1);
            long bytesBeforeNotice = lines.subList(0, lines.size() - 1).stream()
                    .mapToLong(line -> line.getBytes(StandardCharsets.UTF_8).length + 1)
                    .sum();
            assertThat(json(last).path("notice").asText())
                    .startsWith("truncated: this answer stops at 4096 bytes, the daemon's limit for one log answer")
                    .contains("tail=N");
            assertThat(bytesBeforeNotice).isLessThanOrEqualTo(4096).isGreaterThan(4096 - 200);
            assertThat(lines.subList(0, lines.size() - 1))
                    .allSatisfy(line ->
                            assertThat(json(line).path("text").isTextual()).isTrue());
        }
    }

    @Test
    void underTheLimitEveryLineComesMergedByTimeInChunks() throws Exception {
        try (InProcessDaemon daemon = startWithPrintedLines(2000)) {
            ServiceLogs logs = logs(daemon, ServiceLogs.MAX_ANSWER_BYTES);
            StringBuilder answer = new StringBuilder();
            List<Integer> writes = new java.util.ArrayList<>();

            logs.write("web", new ServiceLogs.Query(ContainerRuntime.ALL_LINES, false), (text, flush) -> {
                writes.add(text.length());
                answer.append(text);
            });

            List<JsonNode> lines =
                    answer.toString().lines().map(InProcessDaemon::json).toList();
            assertThat(lines).hasSize(2000 + 4).noneMatch(line -> line.has("notice"));
            assertThat(lines.subList(0, 4))
                    .extracting(line -> line.path("text").asText())
                    .containsOnly("hello from web", "warming up");
            assertThat(lines.subList(4, lines.size()))
                    .extracting(line -> line.path("text").asText())
                    .isEqualTo(IntStream.range(0, 2000)
                            .mapToObj(ServiceLogsTest::printed)
                            .toList());
            assertThat(writes).as("written in chunks, not as one string").hasSizeGreaterThan(1);
            assertThat(writes).allSatisfy(size -> assertThat(size).isLessThan(70 * 1024));
        }
    }

    @Test
    void aLineIsTheJsonAnObjectMapperWritesForTheSameFields() throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        for (String text : List.of(
                "plain",
                "",
                "quote \" backslash \\ slash / tab \t cr \r nul \u0000 bell \u0007 del \u007f",
                "é ü 日本 \uD83D\uDE00 \u2028 \u2029",
                "{\"json\": [1, 2]}")) {
            io.orbit.runtime.LogLine line = new io.orbit.runtime.LogLine(
                    io.orbit.runtime.LogLine.Stream.STDERR,
                    java.time.Instant.parse("2026-12-05T08:00:00.123456789Z"),
                    text);
            ServiceLogs.Entry entry = new ServiceLogs.Entry(new ServiceLogs.Source(3, "side\"car", "id"), line);
            java.util.Map<String, Object> view = new java.util.LinkedHashMap<>();
            view.put("pod", 3);
            view.put("container", "side\"car");
            view.put("stream", "stderr");
            view.put("time", "2026-12-05T08:00:00.123456789Z");
            view.put("text", text);

            assertThat(ServiceLogs.json(entry)).as(text).isEqualTo(mapper.writeValueAsString(view));
        }
    }

    /** The daemon with {@link InProcessDaemon#WEB}, whose pod 0 then printed {@code count} numbered lines. */
    private InProcessDaemon startWithPrintedLines(int count) throws Exception {
        InProcessDaemon daemon = InProcessDaemon.start(work, Optional.empty());
        await(
                "both pods in /status",
                () -> daemon.socket("GET", "/services/web", null),
                r -> r.json().path("running_pods").asInt() == 2);
        String container = daemon.running("web").get(0).id();
        for (int from = 0; from < count; from += 100) {
            String script = IntStream.range(from, Math.min(count, from + 100))
                    .mapToObj(i -> "echo " + printed(i) + " > /proc/1/fd/1")
                    .collect(Collectors.joining("; "));
            assertThat(daemon.runtime
                            .exec(container, List.of("sh", "-c", script), Duration.ofSeconds(5))
                            .succeeded())
                    .isTrue();
        }
        return daemon;
    }

    private static String printed(int i) {
        return "line-%04d-%s".formatted(i, "x".repeat(40));
    }

    private static ServiceLogs logs(InProcessDaemon daemon, long limit) {
        return new ServiceLogs(
                daemon.instance(StatusStore.class), daemon.runtime, daemon.instance(ReadEndpoints.class), limit);
    }
}
