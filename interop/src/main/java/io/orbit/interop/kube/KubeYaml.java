package io.orbit.interop.kube;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.orbit.interop.InteropException;
import io.orbit.interop.Warning;
import io.orbit.interop.YamlOutput;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Kubernetes objects as YAML, deterministically: the same objects give the same bytes (map keys sorted, fields in the
 * model's order, empty fields left out), documents separated by {@code ---}; and back, into the same typed classes.
 */
public final class KubeYaml {

    private static final Map<String, Class<? extends HasMetadata>> KINDS = Map.of(
            "ConfigMap", ConfigMap.class,
            "PersistentVolumeClaim", PersistentVolumeClaim.class,
            "Deployment", Deployment.class,
            "Service", Service.class,
            "HorizontalPodAutoscaler", HorizontalPodAutoscaler.class);

    private static final YAMLMapper MAPPER = YAMLMapper.builder(YamlOutput.factory())
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .defaultPropertyInclusion(
                    JsonInclude.Value.construct(JsonInclude.Include.NON_EMPTY, JsonInclude.Include.NON_EMPTY))
            .build();

    private KubeYaml() {}

    /** The objects as one YAML stream, the warnings first as comments. */
    public static String write(List<HasMetadata> objects, List<Warning> warnings, String header) {
        StringBuilder out = new StringBuilder();
        out.append("# ").append(header).append('\n');
        if (!warnings.isEmpty()) {
            out.append("# Not carried over, or changed (")
                    .append(warnings.size())
                    .append("):\n");
            warnings.forEach(warning -> out.append("#   ").append(warning).append('\n'));
        }
        boolean first = true;
        for (HasMetadata object : objects) {
            if (!first) {
                out.append("---\n");
            }
            first = false;
            try {
                out.append(MAPPER.writeValueAsString(object));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out.toString();
    }

    /** Reads a stream {@link #write} wrote back into the model's classes, by {@code kind}. */
    public static List<HasMetadata> read(String yaml) {
        List<HasMetadata> objects = new ArrayList<>();
        try (var parser = MAPPER.createParser(yaml)) {
            var documents = MAPPER.readValues(parser, JsonNode.class);
            while (documents.hasNext()) {
                JsonNode document = documents.next();
                if (document == null || document.isNull() || document.isMissingNode()) {
                    continue;
                }
                Class<? extends HasMetadata> type =
                        KINDS.get(document.path("kind").asText());
                if (type == null) {
                    throw new InteropException(
                            "unexpected kind '" + document.path("kind").asText() + "'");
                }
                objects.add(MAPPER.treeToValue(document, type));
            }
        } catch (IOException e) {
            throw new InteropException("not Kubernetes YAML: " + e.getMessage(), e);
        }
        return objects;
    }

    static ObjectMapper mapper() {
        return MAPPER;
    }
}
