package io.orbit.daemon.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.orbit.engine.config.ServiceFileParser;
import io.orbit.engine.spec.ContainerDefinition;
import io.orbit.engine.spec.ServiceDefinition;
import io.orbit.engine.spec.SpecValidator;
import io.orbit.engine.state.PodTemplateHash;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@code config_hash} as the API shows it cannot be used to recover an {@code env} value: the unkeyed label can be
 * brute-forced from a 4-digit PIN, the shown hash cannot without the host key. The same label always shows as the
 * same value, rollout tokens are kept, and rollout messages quote the shown form.
 */
class ExposedHashesTest {

    private static final ExposedHashes HASHES = new ExposedHashes(key(1));

    private static byte[] key(long seed) {
        byte[] key = new byte[32];
        new Random(seed).nextBytes(key);
        return key;
    }

    private static ServiceDefinition web(String pin) {
        String yaml = "name: web\ninstance_count: {min: 1, max: 1}\nspec: {containers: [{name: main, image: nginx,"
                + " env: {PIN: \"" + pin + "\"}}]}\n";
        var parsed = new ServiceFileParser().parse(Path.of("web.yml"), yaml);
        return SpecValidator.validate(List.of(parsed), 4112).services().get(0);
    }

    /** The same service with another env value, built directly: 10 000 of them take milliseconds. */
    private static ServiceDefinition withPin(ServiceDefinition service, String pin) {
        ContainerDefinition c = service.containers().get(0);
        ContainerDefinition changed = new ContainerDefinition(
                c.name(),
                c.image(),
                c.command(),
                Map.of("PIN", pin),
                c.privileged(),
                c.ports(),
                c.memoryBytes(),
                c.nanoCpus(),
                c.template());
        return new ServiceDefinition(
                service.file(),
                service.spec(),
                List.of(changed),
                service.minInstances(),
                service.maxInstances(),
                service.userNetwork(),
                service.imageCheckInterval());
    }

    private static List<String> bruteForce(ServiceDefinition known, String shownHash) {
        List<String> found = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            String guess = "%04d".formatted(i);
            if (PodTemplateHash.of(withPin(known, guess)).equals(shownHash)) {
                found.add(guess);
            }
        }
        return found;
    }

    @Test
    void theUnkeyedHashGivesAwayALowEntropyEnvValueAndTheShownOneDoesNot() {
        ServiceDefinition secret = web("4711");
        String label = PodTemplateHash.of(secret);

        assertThat(bruteForce(web("0000"), label))
                .as("why the label must not be shown")
                .containsExactly("4711");
        assertThat(bruteForce(web("0000"), HASHES.hash(label))).isEmpty();
    }

    @Test
    void theShownHashIsStableSixteenHexDigitsDifferentFromTheLabelAndPerHost() {
        String label = PodTemplateHash.of(web("4711"));

        assertThat(HASHES.hash(label))
                .matches("[0-9a-f]{16}")
                .isNotEqualTo(label)
                .isEqualTo(new ExposedHashes(key(1)).hash(label))
                .isNotEqualTo(new ExposedHashes(key(2)).hash(label));
    }

    @Test
    void rolloutTokensAreKeptAndOtherValuesUntouched() {
        String base = "0123456789abcdef";

        assertThat(HASHES.hash(base + "-r1k2")).isEqualTo(HASHES.hash(base) + "-r1k2");
        assertThat(HASHES.hash(base + "-xz9")).isEqualTo(HASHES.hash(base) + "-xz9");
        assertThat(HASHES.hash("")).isEmpty();
        assertThat(HASHES.text("spec 0123456789abcdef failed; rolling back to fedcba9876543210"))
                .isEqualTo("spec " + HASHES.hash(base) + " failed; rolling back to " + HASHES.hash("fedcba9876543210"));
        assertThat(HASHES.text("container 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef exited"))
                .as("a 64-digit container id is not a spec hash")
                .contains("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
    }

    @Test
    @SuppressWarnings("unchecked")
    void anAnswerIsCopiedWithEveryHashFieldAndMessageShownAndNothingElseChanged() {
        String hash = "0123456789abcdef";
        Map<String, Object> pod = new LinkedHashMap<>();
        pod.put("uuid", "u1");
        pod.put("config_hash", hash);
        pod.put("problem", null);
        Map<String, Object> rollout = new LinkedHashMap<>();
        rollout.put("desired_hash", hash + "-r5");
        rollout.put("running_hash", null);
        rollout.put("message", "rolling to spec " + hash);
        Map<String, Object> service = new LinkedHashMap<>();
        service.put("service_name", hash);
        service.put("config_hash", hash);
        service.put("pods", List.of(pod));
        service.put("rollout", rollout);
        service.put("volumes", List.of(Map.of("name", "config", "source", "/v/files/default/web/" + hash + "/config")));
        service.put("last_error", "cannot start pod: spec " + hash + " failed");

        List<Map<String, Object>> shown = HASHES.answer(List.of(service));

        String keyed = HASHES.hash(hash);
        Map<String, Object> view = shown.get(0);
        assertThat(view.get("service_name"))
                .as("only hash fields and messages change")
                .isEqualTo(hash);
        assertThat(view.get("config_hash")).isEqualTo(keyed);
        assertThat((Map<Object, Object>) ((List<?>) view.get("pods")).get(0))
                .containsEntry("uuid", "u1")
                .containsEntry("config_hash", keyed)
                .containsEntry("problem", null);
        assertThat((Map<Object, Object>) view.get("rollout"))
                .containsEntry("desired_hash", keyed + "-r5")
                .containsEntry("running_hash", null)
                .containsEntry("message", "rolling to spec " + keyed);
        assertThat(view.get("volumes"))
                .isEqualTo(List.of(Map.of("name", "config", "source", "/v/files/default/web/" + keyed + "/config")));
        assertThat(view.get("last_error")).isEqualTo("cannot start pod: spec " + keyed + " failed");
        assertThat(service.get("config_hash")).as("the original is not changed").isEqualTo(hash);
    }

    /**
     * Each label is keyed once and remembered, within a bound: past {@link ExposedHashes#MEMO_SIZE} labels the memo
     * starts again, and a label keyed again, in another thread or after that, shows as it did.
     */
    @Test
    void aLabelShowsTheSameWayFromEveryThreadAndAfterTheMemoIsFull() throws Exception {
        ExposedHashes hashes = new ExposedHashes(key(3));
        ExposedHashes fresh = new ExposedHashes(key(3));
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < 3 * ExposedHashes.MEMO_SIZE; i++) {
            labels.add("%016x".formatted(0x1234_5678_0000L + i));
        }
        List<String> first = labels.stream().map(hashes::hash).toList();

        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(4)) {
            List<java.util.concurrent.Future<List<String>>> again = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                again.add(pool.submit(() -> labels.stream().map(hashes::hash).toList()));
            }
            for (var answer : again) {
                assertThat(answer.get()).isEqualTo(first);
            }
        }
        assertThat(labels.stream().map(fresh::hash).toList())
                .as("as a daemon that never met them shows them")
                .isEqualTo(first);
        assertThat(first).doesNotHaveDuplicates().allMatch(shown -> shown.matches("[0-9a-f]{16}"));
    }
}
