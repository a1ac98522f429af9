package io.orbit.daemon.api;

import static java.util.Objects.requireNonNull;

import io.orbit.engine.state.PodTemplateHash;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * The spec hashes as the API shows them. Pods are labelled with the pod template hash ({@link PodTemplateHash}): a
 * plain SHA-256 of the pod spec, {@code env} values included. Shown as it is, a local user could test guesses of a
 * low-entropy {@code env} value against it. The API therefore shows {@code HMAC-SHA256(host key, hash)} (16 hex
 * digits, as the label), keeping a rollout token suffix ({@code -r…}, {@code -x…}) as it is.
 *
 * <p>Every other text of an answer is shown with each 16-hex-digit word taken for a label hash and keyed the same way,
 * except the fields that name things ({@code service_name}, {@code image}, {@code id}...): so the directory of inline
 * files in {@code volumes[].source} shows the keyed hash where the one on disk has the label.
 *
 * <p>The label itself is not changed: changing it would replace every running pod on upgrade. The same label always
 * shows as the same value, so {@code config_hash} of a service and of its pods still compare, and the hashes in
 * rollout messages and events match those in {@code /status}.
 */
public final class ExposedHashes {

    /** Fields holding a hash. */
    private static final Set<String> HASH_FIELDS = Set.of("config_hash", "desired_hash", "running_hash");

    /**
     * Fields that name something (a service may be called {@code deadbeefdeadbeef}) and are shown as they are. Every
     * other text may quote a hash: messages ("rolling to spec 0123456789abcdef"), {@code last_error}, the directory
     * of inline files in {@code volumes[].source} ({@code …/web/0123456789abcdef/config}).
     */
    private static final Set<String> NAME_FIELDS =
            Set.of("service_name", "service", "name", "container_name", "image", "id", "uuid", "pod", "file", "kind");

    private static final Pattern HASH_IN_TEXT = Pattern.compile("\\b[0-9a-f]{16}\\b");
    private static final Pattern TOKENED = Pattern.compile("([0-9a-f]{16})(-[rx][0-9a-z]+)?");

    /** Shown forms kept; past it the memo starts again (texts may quote any 16-hex-digit word). */
    static final int MEMO_SIZE = 1024;

    /**
     * Keyed once, here, when the daemon starts: the first {@code Mac.getInstance} loads the JDK's crypto providers, 70
     * ms of CPU that, left to the first {@code /status}, took 373-467 ms of it during a flood of log reads
     * ({@code PodmanApiStarvationIT}). Not thread-safe: used under its own lock.
     */
    private final Mac mac;

    /** The shown form of each label hash met: a label shows the same way every time, so each is keyed once. */
    private final Map<String, String> shown = new ConcurrentHashMap<>();

    public ExposedHashes(byte[] key) {
        if (key.length < 16) {
            throw new IllegalArgumentException("the hash key is too short: " + key.length + " bytes");
        }
        try {
            this.mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.clone(), "HmacSHA256"));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("every JVM has HmacSHA256", e);
        }
    }

    /** The shown form of a label hash; anything that is not one is returned as it is. */
    public String hash(String labelHash) {
        Matcher matcher = TOKENED.matcher(labelHash);
        if (!matcher.matches()) {
            return labelHash;
        }
        return keyed(matcher.group(1)) + (matcher.group(2) == null ? "" : matcher.group(2));
    }

    /** A message with every 16-hex-digit word (a label hash) in its shown form. */
    public String text(String message) {
        return HASH_IN_TEXT.matcher(message).replaceAll(found -> keyed(found.group()));
    }

    /**
     * A copy of an API answer (maps, lists, values) with hash fields and messages in their shown form; other values
     * are kept as they are (the same objects).
     */
    @SuppressWarnings("unchecked")
    public <T> T answer(T body) {
        return (T) requireNonNull(copy(body), "the copy of a value");
    }

    private @Nullable Object copy(@Nullable Object body) {
        if (body instanceof Map<?, ?> map) {
            Map<Object, @Nullable Object> copy = new LinkedHashMap<>();
            map.forEach((name, value) -> copy.put(name, field(name, value)));
            return copy;
        }
        if (body instanceof List<?> list) {
            List<@Nullable Object> copy = new ArrayList<>(list.size());
            list.forEach(element -> copy.add(copy(element)));
            return copy;
        }
        return body;
    }

    private @Nullable Object field(Object name, @Nullable Object value) {
        if (value instanceof String text && name instanceof String field) {
            if (HASH_FIELDS.contains(field)) {
                return hash(text);
            }
            return NAME_FIELDS.contains(field) ? text : text(text);
        }
        return copy(value);
    }

    private String keyed(String hash) {
        String known = shown.get(hash);
        if (known != null) {
            return known;
        }
        byte[] digest;
        synchronized (mac) {
            digest = mac.doFinal(hash.getBytes(StandardCharsets.US_ASCII)); // doFinal leaves it ready for the next
        }
        String keyed = HexFormat.of().formatHex(digest, 0, 8);
        if (shown.size() >= MEMO_SIZE) {
            shown.clear();
        }
        shown.put(hash, keyed);
        return keyed;
    }
}
