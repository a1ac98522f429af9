package io.orbit.engine.autoscale;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VictimChooserTest {

    /** {@code pods} is "number:inFlight ..."; {@code expected} the pod numbers chosen, in order. */
    @ParameterizedTest(name = "{0} choose {1} → {2}")
    @CsvSource(
            delimiter = '|',
            value = {
                "0:5 1:0 2:3           | 1 | 1",
                "0:5 1:0 2:3           | 2 | 1 2",
                "0:0 1:0 2:0           | 1 | 2",
                "0:0 1:0 2:0           | 2 | 2 1",
                "0:2 3:2 1:9 2:2       | 2 | 3 2",
                "0:1 1:1               | 0 | ''",
                "0:1 1:1               | 5 | 1 0",
            })
    void picksTheFewestInFlightThenTheHighestPodNumber(String pods, int count, String expected) {
        List<PodSample> samples = Arrays.stream(pods.trim().split("\\s+"))
                .map(pod -> {
                    String[] parts = pod.split(":");
                    int number = Integer.parseInt(parts[0]);
                    return new PodSample(
                            "pod-" + number, number, true, Instant.EPOCH, Integer.parseInt(parts[1]), List.of());
                })
                .toList();

        List<Integer> chosen = VictimChooser.choose(samples, count).stream()
                .map(PodSample::podNumber)
                .toList();

        List<Integer> want = expected.isBlank()
                ? List.of()
                : Arrays.stream(expected.trim().split("\\s+"))
                        .map(Integer::valueOf)
                        .toList();
        assertThat(chosen).containsExactlyElementsOf(want);
    }
}
