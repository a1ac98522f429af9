package io.orbit.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Random;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class RfcTimeTest {

    @Test
    void readsTheEnginesShapes() {
        assertThat(read("2026-11-26T02:13:40.544245947Z")).isEqualTo(Instant.parse("2026-11-26T02:13:40.544245947Z"));
        assertThat(read("2026-11-26T02:13:16Z")).isEqualTo(Instant.parse("2026-11-26T02:13:16Z"));
        assertThat(read("2026-11-26T03:13:17+01:00")).isEqualTo(Instant.parse("2026-11-26T02:13:17Z"));
        assertThat(read("2026-11-26T01:43:17.5-00:30")).isEqualTo(Instant.parse("2026-11-26T02:13:17.500Z"));
        assertThat(read("2024-02-29T00:00:00Z")).isEqualTo(Instant.parse("2024-02-29T00:00:00Z"));
    }

    @Test
    void leavesEverythingElseToTheJdk() {
        for (String other : List.of(
                "2026-11-26t02:13:16z", // the JDK takes these, case-insensitively
                "2026-11-26T02:13Z", // no seconds: the JDK takes it too
                "2026-02-30T00:00:00Z",
                "2026-13-01T00:00:00Z",
                "2026-11-26T24:00:00Z",
                "2026-11-26T02:13:60Z",
                "2026-11-26T02:13:16.Z",
                "2026-11-26T02:13:16.1234567891Z",
                "2026-11-26T02:13:16+19:00",
                "2026-11-26T02:13:16+0100",
                "2026-11-26T02:13:16",
                "2026-11-26T02:13:16Zjunk")) {
            assertThat(read(other)).as(other).isNull();
        }
    }

    /**
     * Times built from valid and invalid pieces, seeded: whenever the quick reader gives an instant, the JDK's parser
     * gives the same one, and whenever the JDK refuses a time, the quick reader refuses it too.
     */
    @Test
    void agreesWithOffsetDateTimeParse() {
        Random random = new Random(20261206);
        int quick = 0;
        int refused = 0;
        for (int i = 0; i < 100_000; i++) {
            String text = pick(random, "2026", "1999", "0000", "9999", "20x6")
                    + "-" + pick(random, "01", "02", "11", "12", "13", "00")
                    + "-" + pick(random, "01", "28", "29", "30", "31", "32")
                    + "T" + pick(random, "00", "09", "23", "24")
                    + ":" + pick(random, "00", "59", "60")
                    + ":" + pick(random, "00", "07", "59", "60")
                    + pick(random, "", "", ".5", ".123", ".544245947", ".1234567891", ".")
                    + pick(random, "Z", "Z", "+01:00", "-00:30", "+18:00", "+18:01", "-19:00", "+01:60", "", "z");
            Instant read = read(text);
            Instant parsed = parse(text);
            if (read != null) {
                quick++;
                assertThat(read).as(text).isEqualTo(parsed);
            }
            if (parsed == null) {
                refused++;
                assertThat(read).as(text).isNull();
            }
        }
        assertThat(quick).as("times the quick reader read").isGreaterThan(1000);
        assertThat(refused).as("strings the JDK refused").isGreaterThan(1000);
    }

    private static String pick(Random random, String... choices) {
        return choices[random.nextInt(choices.length)];
    }

    private static @Nullable Instant read(String text) {
        byte[] bytes = ("x" + text + " line").getBytes(StandardCharsets.US_ASCII);
        return RfcTime.read(bytes, 1, 1 + text.length());
    }

    private static @Nullable Instant parse(String text) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException refused) {
            return null;
        }
    }
}
