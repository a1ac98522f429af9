package io.orbit.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** The lines {@code orbit events} and {@code orbit logs} print. */
class CliFormatTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void anEventIsTimeKindServiceAndPodThenTheMessage() throws IOException {
        String line = EventsCommand.line(JSON.readTree("""
                {"sequence":12,"time":"2026-11-26T02:11:00.123456Z","kind":"pod-started","service":"web",
                 "pod":"3f2a9c1e-0000-4000-8000-000000000001","message":"started pod 0: 0 of 2 running"}
                """));

        assertThat(line)
                .isEqualTo(
                        "2026-11-26T02:11:00Z  pod-started        web/3f2a9c1e             started pod 0: 0 of 2 running");
    }

    @Test
    void anEventWithoutServiceShowsADash() throws IOException {
        assertThat(EventsCommand.line(JSON.readTree("""
                        {"sequence":1,"time":"2026-11-26T02:11:00Z","kind":"config-loaded","service":null,"pod":null,
                         "message":"configuration loaded"}
                        """)))
                .isEqualTo("2026-11-26T02:11:00Z  config-loaded      -                        configuration loaded");
    }

    @Test
    void aLogLineIsPrefixedWithServicePodAndContainer() throws IOException {
        var line = JSON.readTree("""
                {"pod":1,"container":"main","stream":"stderr","time":"2026-11-26T02:11:00.5Z","text":"  ready"}
                """);

        assertThat(LogsCommand.format("web", line, false)).isEqualTo("web/1/main |   ready");
        assertThat(LogsCommand.format("web", line, true)).isEqualTo("2026-11-26T02:11:00.5Z web/1/main |   ready");
    }
}
