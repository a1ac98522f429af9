package io.orbit.interop.compose;

import static io.orbit.interop.compose.ComposeNodes.scalar;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/** {@code deploy} (replicas, limits, update order), {@code scale}, {@code mem_limit}, {@code cpus}, {@code restart}. */
final class Deploys {
    private final ServiceDraft draft;

    Deploys(ServiceDraft draft) {
        this.draft = draft;
    }

    void deploy(JsonNode deploy) {
        deploy.properties().forEach(entry -> {
            String key = "deploy." + entry.getKey();
            JsonNode value = entry.getValue();
            switch (entry.getKey()) {
                case "replicas" -> draft.replicas = count(value, key);
                case "resources" -> resources(value, key);
                case "update_config" -> updateConfig(value, key);
                case "rollback_config" ->
                    draft.warn(
                            key,
                            "Orbit rolls a failed update back by itself: it removes the new pods, and the old"
                                    + " ones, never stopped before their successors were ready, keep serving");
                case "restart_policy" -> restartPolicy(value, key);
                case "mode" -> {
                    if (!value.asText().equals("replicated")) {
                        draft.warn(
                                key,
                                "Orbit runs on one host: mode '" + value.asText() + "' is imported as one replica");
                    }
                }
                default -> draft.warn(key, "a cluster scheduling option: Orbit runs on one host; not carried over");
            }
        });
    }

    private void resources(JsonNode value, String key) {
        value.properties().forEach(resource -> {
            String where = key + "." + resource.getKey();
            if (!resource.getKey().equals("limits")) {
                draft.warn(where, "Orbit sets limits only (reservations are a scheduler's business); not carried over");
                return;
            }
            resource.getValue().properties().forEach(limit -> {
                switch (limit.getKey()) {
                    case "memory" -> memory(limit.getValue(), where + ".memory");
                    case "cpus" -> cpus(limit.getValue(), where + ".cpus");
                    default ->
                        draft.warn(where + "." + limit.getKey(), "Orbit limits memory and CPU only; not carried over");
                }
            });
        });
    }

    private void restartPolicy(JsonNode value, String key) {
        String condition = value.path("condition").asText("any");
        if (!condition.equals("any")) {
            draft.warn(
                    key,
                    "Orbit restarts every container that exits (with back-off); condition '" + condition
                            + "' is not carried over");
        } else if (value.size() > 1) {
            draft.warn(
                    key,
                    "Orbit's restart back-off is fixed (1 s doubling to 5 min); delay, max_attempts"
                            + " and window are not carried over");
        }
    }

    private void updateConfig(JsonNode config, String key) {
        int parallelism = config.path("parallelism").asInt(1);
        // 0 means all at once: the replica count, known once every field of the service was read.
        draft.allAtOnce = parallelism == 0;
        String order = config.path("order").asText("stop-first");
        ObjectNode update = JsonNodeFactory.instance.objectNode();
        int step = Math.min(255, Math.max(1, parallelism));
        boolean startFirst = order.equals("start-first");
        update.put("max_surge", startFirst ? step : 0);
        update.put("max_unavailable", startFirst ? 0 : step);
        String timeout = "300s";
        if (config.hasNonNull("monitor")) {
            Optional<Long> monitor = ComposeUnits.millis(config.get("monitor").asText());
            if (monitor.isPresent() && monitor.get() > 0) {
                timeout = ComposeUnits.humantime(monitor.get());
            }
        }
        update.put("timeout", timeout);
        draft.rollingUpdate = update;
        config.fieldNames().forEachRemaining(name -> {
            switch (name) {
                case "parallelism", "order", "monitor" -> {}
                case "failure_action" -> {
                    if (!config.get(name).asText().equals("rollback")) {
                        draft.warn(
                                key + "." + name,
                                "Orbit always rolls a failed update back; '"
                                        + config.get(name).asText() + "' is not carried over");
                    }
                }
                default -> draft.warn(key + "." + name, "Orbit's rolling update has no " + name + "; not carried over");
            }
        });
    }

    /** {@code restart}: Orbit restarts every container that exits, as {@code always} does. */
    void restart(String policy, String key) {
        if (!policy.equals("always") && !policy.equals("unless-stopped")) {
            draft.warn(
                    key,
                    "Orbit restarts every container that exits (with back-off), as 'always'; '" + policy
                            + "' is not carried over");
        }
    }

    void memory(JsonNode value, String key) {
        Optional<String> converted = ComposeUnits.memory(scalar(value));
        if (converted.isEmpty()) {
            throw draft.error(key, "'" + scalar(value) + "' is not a memory size (512m, 1g, or bytes)");
        }
        draft.memory = converted.get();
    }

    void cpus(JsonNode value, String key) {
        try {
            draft.cpus = Double.parseDouble(scalar(value));
        } catch (NumberFormatException e) {
            throw draft.error(key, "'" + scalar(value) + "' is not a number of CPUs (0.5, 2)");
        }
    }

    int count(JsonNode value, String key) {
        try {
            int count = Integer.parseInt(scalar(value));
            if (count < 0 || count > 255) {
                throw new NumberFormatException();
            }
            return count;
        } catch (NumberFormatException e) {
            throw draft.error(key, "'" + scalar(value) + "' is not a replica count from 0 to 255 (Orbit's limit)");
        }
    }
}
