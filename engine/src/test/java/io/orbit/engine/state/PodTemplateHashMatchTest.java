package io.orbit.engine.state;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The rollout-token rules of {@link PodTemplateHash#matches}, as a table. */
class PodTemplateHashMatchTest {

    @ParameterizedTest(name = "pod {0} is current for desired {1}: {2}")
    @CsvSource({
        // no token (a fresh daemon): H with any token counts, so a daemon restart rolls nothing
        "abc123, abc123, true",
        "abc123-r1, abc123, true",
        "abc123-rlz0k9x2a, abc123, true",
        "abc123-xlz0k9x2a, abc123, true",
        "def456, abc123, false",
        "def456-r1, abc123, false",
        // a token: only that token counts
        "abc123-rlz0k9x2a, abc123-rlz0k9x2a, true",
        "abc123, abc123-rlz0k9x2a, false",
        "abc123-r1, abc123-rlz0k9x2a, false",
        "def456-rlz0k9x2a, abc123-rlz0k9x2a, false",
        // a rollback from token T to H known without one: everything of H but T's pods
        "abc123, abc123-xt, true",
        "abc123-r1, abc123-xt, true",
        "abc123-xt, abc123-xt, true",
        "abc123-rt, abc123-xt, false",
        "def456, abc123-xt, false",
    })
    void matches(String podHash, String desiredHash, boolean current) {
        assertThat(PodTemplateHash.matches(podHash, desiredHash)).isEqualTo(current);
    }

    @ParameterizedTest(name = "good {0}, failed {1}: target {2}")
    @CsvSource({
        "abc123, abc123-rt, abc123-xt",
        "abc123-r1, abc123-rt, abc123-r1",
        "abc123, def456, abc123",
        "abc123, def456-rt, abc123",
    })
    void rollbackTarget(String good, String failed, String target) {
        assertThat(PodTemplateHash.rollbackTarget(good, failed)).isEqualTo(target);
    }

    @ParameterizedTest
    @CsvSource({"abc123, abc123", "abc123-r5, abc123", "abc123-xq1, abc123"})
    void base(String hash, String base) {
        assertThat(PodTemplateHash.base(hash)).isEqualTo(base);
        assertThat(PodTemplateHash.withToken(hash, "z9")).isEqualTo(base + "-rz9");
    }
}
