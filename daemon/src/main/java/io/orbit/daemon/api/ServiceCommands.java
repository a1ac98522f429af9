package io.orbit.daemon.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.orbit.engine.journal.EventJournal;
import io.orbit.engine.reconcile.ReconcileQueue;
import io.orbit.engine.reconcile.Rollouts;
import io.orbit.engine.reconcile.ServicePass;
import io.orbit.engine.spec.ServiceDefinition;
import io.orbit.engine.state.DesiredService;
import io.orbit.engine.state.DesiredState;
import io.orbit.engine.state.ServiceStatus;
import io.orbit.engine.state.StatusStore;
import jakarta.inject.Inject;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The changes the CLI asks for: pin a service's replica count ({@code orbit scale}) and roll its pods ({@code orbit
 * restart}). Each one is journaled with who asked, and queued for a reconcile pass at once; the reconciler does the
 * work, as for any other change.
 */
final class ServiceCommands {

    private static final Logger log = LoggerFactory.getLogger(ServiceCommands.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SCALE_EXAMPLE =
            "send a JSON object such as {\"replicas\": 3}, or {\"replicas\": \"auto\"} to release a pin";

    private final DesiredState desired;
    private final StatusStore status;
    private final ReconcileQueue queue;
    private final EventJournal journal;
    private final ReadEndpoints reads;
    private final ExposedHashes hashes;
    private final Rollouts rollouts;

    @Inject
    ServiceCommands(
            DesiredState desired,
            StatusStore status,
            ReconcileQueue queue,
            EventJournal journal,
            ReadEndpoints reads,
            ServicePass pass,
            ExposedHashes hashes) {
        this.hashes = hashes;
        this.desired = desired;
        this.status = status;
        this.queue = queue;
        this.journal = journal;
        this.reads = reads;
        this.rollouts = pass.rollouts();
    }

    /** {@code orbit rollout status}: where the service's rollout stands. */
    Map<String, Object> rollout(String service) {
        DesiredService current = defined(service);
        return hashes.answer(rolloutView(service, current));
    }

    /** {@code orbit rollout undo}: back to the previous spec that ran well. */
    Map<String, Object> undo(String service, Caller caller) {
        DesiredService current = defined(service);
        String message;
        try {
            message = rollouts.undo(current);
        } catch (IllegalStateException nothingEarlier) {
            throw new ApiException(
                    409,
                    Objects.requireNonNullElse(nothingEarlier.getMessage(), "no earlier spec"),
                    "undo returns to a spec that ran on every pod since the daemon started; edit the service file instead");
        }
        log.atInfo()
                .addKeyValue("service", service)
                .addKeyValue("by", caller.describe())
                .log(message);
        queue.enqueueNow(service);
        Map<String, Object> answer = rolloutView(service, current);
        answer.put("message", message);
        return hashes.answer(answer);
    }

    /** {@code orbit rollout retry}: try a spec that failed once more. */
    Map<String, Object> retry(String service, Caller caller) {
        DesiredService current = defined(service);
        String message = rollouts.retry(current);
        log.atInfo()
                .addKeyValue("service", service)
                .addKeyValue("by", caller.describe())
                .log(message);
        queue.enqueueNow(service);
        Map<String, Object> answer = rolloutView(service, current);
        answer.put("message", message);
        return hashes.answer(answer);
    }

    private Map<String, Object> rolloutView(String service, DesiredService current) {
        Map<String, Object> view = new LinkedHashMap<>(StatusView.rollout(rollouts.status(service)));
        view.put("service", service);
        view.put("desired_hash", current.configHash());
        return view;
    }

    /**
     * Pins the replica count; the engine clamps it to the service's {@code instance_count} whenever it reads it, so
     * the answer says what will run.
     *
     * @param body {@code {"replicas": N}}
     */
    Map<String, Object> scale(String service, byte[] body, Caller caller) {
        DesiredService current = defined(service);
        OptionalInt asked = replicas(body);
        if (asked.isEmpty()) {
            return release(service, caller);
        }
        int requested = asked.getAsInt();
        desired.pinReplicas(service, requested);
        DesiredService pinned = desired.service(service).orElse(current);
        ServiceDefinition definition = pinned.definition();
        boolean clamped = pinned.replicas() != requested;
        String message = clamped
                ? "%s: %d replicas asked, clamped to %d (instance_count %s in %s)"
                        .formatted(
                                service,
                                requested,
                                pinned.replicas(),
                                requested > definition.maxInstances()
                                        ? "max " + definition.maxInstances()
                                        : "min " + definition.minInstances(),
                                definition.file())
                : "%s: scaled to %d replicas".formatted(service, pinned.replicas());
        journal.record("scaled", Optional.of(service), Optional.empty(), message + ", by " + caller.describe());
        log.atInfo()
                .addKeyValue("service", service)
                .addKeyValue("replicas", pinned.replicas())
                .addKeyValue("requested", requested)
                .addKeyValue("by", caller.describe())
                .log("scaled");
        queue.enqueueNow(service);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("service", service);
        answer.put("requested", requested);
        answer.put("replicas", pinned.replicas());
        answer.put("min_instances", definition.minInstances());
        answer.put("max_instances", definition.maxInstances());
        answer.put("clamped", clamped);
        answer.put("message", message);
        return answer;
    }

    /** {@code {"replicas": "auto"}}: drops the pin, so the autoscaler (or the minimum) decides the count again. */
    private Map<String, Object> release(String service, Caller caller) {
        boolean wasPinned = desired.pinnedReplicas(service).isPresent();
        desired.unpinReplicas(service);
        DesiredService now = defined(service);
        String message = wasPinned
                ? "%s: pin released, the autoscaler decides the count (now %d replicas)"
                        .formatted(service, now.replicas())
                : "%s: no pin was set; the autoscaler decides the count (now %d replicas)"
                        .formatted(service, now.replicas());
        journal.record("scaled", Optional.of(service), Optional.empty(), message + ", by " + caller.describe());
        log.atInfo()
                .addKeyValue("service", service)
                .addKeyValue("replicas", now.replicas())
                .addKeyValue("by", caller.describe())
                .log("pin released");
        queue.enqueueNow(service);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("service", service);
        answer.put("requested", "auto");
        answer.put("replicas", now.replicas());
        answer.put("min_instances", now.definition().minInstances());
        answer.put("max_instances", now.definition().maxInstances());
        answer.put("clamped", false);
        answer.put("message", message);
        return answer;
    }

    /** Asks for every pod to be replaced, one at a time, new before old. */
    Map<String, Object> restart(String service, Caller caller) {
        defined(service);
        desired.restart(service);
        int pods = Optional.ofNullable(status.services().get(service))
                .map(ServiceStatus::pods)
                .map(java.util.List::size)
                .orElse(0);
        String message = "%s: rolling restart of %d pod(s), one at a time, new before old".formatted(service, pods);
        journal.record(
                "restart-requested", Optional.of(service), Optional.empty(), message + ", by " + caller.describe());
        log.atInfo()
                .addKeyValue("service", service)
                .addKeyValue("pods", pods)
                .addKeyValue("by", caller.describe())
                .log("rolling restart requested");
        queue.enqueueNow(service);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("service", service);
        answer.put("pods", pods);
        answer.put("message", message);
        return answer;
    }

    private DesiredService defined(String service) {
        return desired.service(service).orElseThrow(() -> reads.unknownService(service));
    }

    /** The count asked for; empty for {@code "auto"}. */
    private static OptionalInt replicas(byte[] body) {
        JsonNode request;
        try {
            request = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            // Jackson's message may end with a "(... [Source: REDACTED ...])" note: the location says it better.
            String problem = e.getOriginalMessage().replaceFirst("\\s*\\(.*\\[Source:.*$", "");
            String where = e.getLocation() == null
                    ? ""
                    : " at line %d, column %d"
                            .formatted(
                                    e.getLocation().getLineNr(), e.getLocation().getColumnNr());
            throw ApiException.badRequest("malformed JSON body" + where + ": " + problem, SCALE_EXAMPLE);
        } catch (java.io.IOException e) {
            throw ApiException.badRequest("unreadable body: " + e.getMessage(), SCALE_EXAMPLE);
        }
        if (request == null || !request.isObject()) {
            throw ApiException.badRequest("the body must be a JSON object", SCALE_EXAMPLE);
        }
        for (Iterator<String> names = request.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!name.equals("replicas")) {
                throw ApiException.badRequest("unknown field '" + name + "' (known: replicas)", SCALE_EXAMPLE);
            }
        }
        JsonNode replicas = request.path("replicas");
        if (replicas.isMissingNode() || replicas.isNull()) {
            throw ApiException.badRequest("the field 'replicas' is missing", SCALE_EXAMPLE);
        }
        if (replicas.isTextual() && replicas.textValue().equals("auto")) {
            return OptionalInt.empty();
        }
        if (!replicas.isIntegralNumber() || !replicas.canConvertToInt() || replicas.intValue() < 0) {
            throw ApiException.badRequest(
                    "'replicas' must be a whole number of 0 or more, or \"auto\", got " + replicas, SCALE_EXAMPLE);
        }
        return OptionalInt.of(replicas.intValue());
    }
}
