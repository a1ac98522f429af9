package io.orbit.engine.persist;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orbit.engine.health.RestartLedger;
import io.orbit.engine.health.SlotKey;
import io.orbit.engine.journal.JournalEntry;
import io.orbit.engine.spec.ServiceSpec;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The JSON of the state files, and strict reading: an unknown field, a missing field, a wrong type, a wrong format
 * number or trailing bytes make the file unreadable ({@link IOException}); the store then sets it aside. Times are
 * ISO-8601 UTC instants. Field names are snake_case.
 */
final class StateCodec {

    /** Bumped when a file's shape changes incompatibly; a file of another format is set aside, not guessed at. */
    static final int FORMAT = 1;

    private final ObjectMapper mapper = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    /** A service file's spec as JSON the service file parser reads back (YAML is a superset of JSON). */
    private final ObjectMapper specs = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    /** {@code scaling.json}: pins ({@code orbit scale N}) and the autoscaler's counts. */
    record ScalingFile(int format, Map<String, Integer> pins, Map<String, Autoscaled> autoscaled) {
        ScalingFile {
            pins = Map.copyOf(requireNonNull(pins, "pins is missing"));
            autoscaled = Map.copyOf(requireNonNull(autoscaled, "autoscaled is missing"));
        }
    }

    /**
     * The autoscaler's count for a service, when it last decided, and its stabilisation window then (after a restart no
     * scale-down comes before a full window of fresh data).
     */
    record Autoscaled(int replicas, @Nullable String decidedAt, long windowSeconds) {
        Autoscaled {
            if (replicas < 0) {
                throw new IllegalArgumentException("replicas is negative: " + replicas);
            }
            if (decidedAt != null) {
                Instant.parse(decidedAt);
            }
        }
    }

    /**
     * {@code rollouts.json}: rollout tokens, known-good specs (newest first) and failed spec hashes per service, and
     * per service and image reference the image id the image watcher last triggered a rollout for.
     */
    record RolloutsFile(
            int format,
            Map<String, String> tokens,
            Map<String, ServiceRollouts> services,
            Map<String, Map<String, String>> images) {
        RolloutsFile {
            tokens = Map.copyOf(requireNonNull(tokens, "tokens is missing"));
            services = Map.copyOf(requireNonNull(services, "services is missing"));
            images = Map.copyOf(requireNonNull(images, "images is missing"));
        }
    }

    record ServiceRollouts(List<String> failed, List<GoodSpec> good) {
        ServiceRollouts {
            failed = List.copyOf(requireNonNull(failed, "failed is missing"));
            good = List.copyOf(requireNonNull(good, "good is missing"));
        }
    }

    /** A spec that ran well: its hash, the file it came from, and the file's content as parsed. */
    record GoodSpec(String hash, String file, JsonNode spec) {
        GoodSpec {
            requireNonNull(hash, "hash is missing");
            requireNonNull(file, "file is missing");
            requireNonNull(spec, "spec is missing");
        }
    }

    /** {@code restarts.json}: the restart ledger. */
    record RestartsFile(int format, List<SlotEntry> slots) {
        RestartsFile {
            slots = List.copyOf(requireNonNull(slots, "slots is missing"));
        }
    }

    record SlotEntry(
            String service,
            int podNumber,
            String configHash,
            int restartCount,
            int streak,
            List<String> recent,
            @Nullable String lastRestart,
            @Nullable String lastReason,
            boolean crashLoop,
            String nextRestartAllowed,
            int startupFailuresInARow) {
        SlotEntry {
            requireNonNull(service, "service is missing");
            requireNonNull(configHash, "config_hash is missing");
            recent = List.copyOf(requireNonNull(recent, "recent is missing"));
            requireNonNull(nextRestartAllowed, "next_restart_allowed is missing");
        }

        static SlotEntry of(RestartLedger.SlotState state) {
            return new SlotEntry(
                    state.key().service(),
                    state.key().podNumber(),
                    state.key().configHash(),
                    state.restartCount(),
                    state.streak(),
                    state.recent().stream().map(Instant::toString).toList(),
                    state.lastRestart().map(Instant::toString).orElse(null),
                    state.lastReason().orElse(null),
                    state.crashLoop(),
                    state.nextRestartAllowed().toString(),
                    state.startupFailuresInARow());
        }

        RestartLedger.SlotState state() {
            return new RestartLedger.SlotState(
                    new SlotKey(service, podNumber, configHash),
                    restartCount,
                    streak,
                    recent.stream().map(Instant::parse).toList(),
                    Optional.ofNullable(lastRestart).map(Instant::parse),
                    Optional.ofNullable(lastReason),
                    crashLoop,
                    Instant.parse(nextRestartAllowed),
                    startupFailuresInARow);
        }
    }

    /** One line of the journal's segment log. */
    record JournalLine(
            long seq,
            String time,
            String kind,
            @Nullable String service,
            @Nullable String pod,
            String message) {
        JournalLine {
            if (seq < 1) {
                throw new IllegalArgumentException("seq must be at least 1: " + seq);
            }
            requireNonNull(time, "time is missing");
            requireNonNull(kind, "kind is missing");
            requireNonNull(message, "message is missing");
        }

        static JournalLine of(JournalEntry entry) {
            return new JournalLine(
                    entry.sequence(),
                    entry.time().toString(),
                    entry.kind(),
                    entry.service().orElse(null),
                    entry.pod().orElse(null),
                    entry.message());
        }

        JournalEntry entry() {
            return new JournalEntry(
                    seq, Instant.parse(time), kind, Optional.ofNullable(service), Optional.ofNullable(pod), message);
        }
    }

    byte[] write(Object value) {
        try {
            return mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(value);
        } catch (JacksonException e) {
            throw new IllegalStateException("cannot write state as JSON: " + e.getMessage(), e);
        }
    }

    /** One journal line, without a line break (JSON escapes every line break inside a string). */
    byte[] line(JournalLine line) {
        try {
            return mapper.writeValueAsBytes(line);
        } catch (JacksonException e) {
            throw new IllegalStateException("cannot write a journal line: " + e.getMessage(), e);
        }
    }

    /** Reads a file strictly; any problem is an {@link IOException} that names it. */
    <T> T read(byte[] content, Class<T> type) throws IOException {
        T value;
        try {
            value = mapper.readValue(content, type);
        } catch (JacksonException | RuntimeException e) {
            throw new IOException(e.getMessage(), e);
        }
        if (value == null) {
            throw new IOException("the file is empty (JSON null)");
        }
        int format = switch (value) {
            case ScalingFile file -> file.format();
            case RolloutsFile file -> file.format();
            case RestartsFile file -> file.format();
            default -> FORMAT;
        };
        if (format != FORMAT) {
            throw new IOException("format " + format + " is not " + FORMAT + " (written by another Orbit version)");
        }
        return value;
    }

    /** The spec as a tree without null fields (an absent field and a null one read the same, absent is shorter). */
    JsonNode spec(ServiceSpec spec) {
        JsonNode tree = specs.valueToTree(spec);
        withoutNulls(tree);
        return tree;
    }

    private static void withoutNulls(JsonNode node) {
        if (node instanceof ObjectNode object) {
            object.properties().removeIf(field -> field.getValue().isNull());
            object.forEach(StateCodec::withoutNulls);
        } else if (node.isArray()) {
            node.forEach(StateCodec::withoutNulls);
        }
    }

    String specText(JsonNode spec) {
        try {
            return specs.writeValueAsString(spec);
        } catch (JacksonException e) {
            throw new IllegalStateException("cannot write a spec as JSON: " + e.getMessage(), e);
        }
    }
}
