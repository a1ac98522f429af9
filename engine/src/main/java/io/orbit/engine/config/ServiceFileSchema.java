package io.orbit.engine.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.orbit.engine.spec.ContainerTemplate;
import io.orbit.engine.spec.FieldPaths;
import io.orbit.engine.spec.ServiceSpec;
import io.orbit.engine.spec.SpecProblem;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The YAML keys of a service file, derived from the spec records (each record component in snake_case), and a walk of
 * a parsed YAML tree against them. The walk reports what Jackson, configured to ignore unknown keys, would not: every
 * unknown key (a warning, since Orbit silently ignored them; with a "did you mean" suggestion), and every required
 * field that is missing or empty (an error, all of them at once rather than Jackson's first).
 *
 * <p>Longer than 300 lines: the schema derived from the spec records and the one walk that checks a tree against it, sharing the derived key tables.
 */
public final class ServiceFileSchema {

    private static final PropertyNamingStrategies.NamingBase SNAKE_CASE =
            (PropertyNamingStrategies.NamingBase) PropertyNamingStrategies.SNAKE_CASE;

    /** Keys users put in the wrong place, with the fix. */
    private static final Map<Class<?>, Map<String, String>> MISPLACED = Map.of(
            ContainerTemplate.class,
            Map.of(
                    "pull_policy",
                    "pull_policy can only be set for the whole service (Orbit ignored it here too); move it to the"
                            + " top level"),
            ServiceSpec.class,
            Map.of("containers", "containers belong under spec: write spec.containers"));

    private ServiceFileSchema() {}

    /** The YAML keys of a spec record, in declaration order, each with its record component. */
    public static Map<String, RecordComponent> fieldsOf(Class<?> recordType) {
        if (!recordType.isRecord()) {
            throw new IllegalArgumentException(recordType + " is not a record");
        }
        Map<String, RecordComponent> fields = new LinkedHashMap<>();
        for (RecordComponent component : recordType.getRecordComponents()) {
            fields.put(yamlName(component), component);
        }
        return fields;
    }

    /** {@code memoryLimit} → {@code memory_limit}, exactly as the parser's naming strategy maps it. */
    public static String yamlName(RecordComponent component) {
        return SNAKE_CASE.translate(component.getName());
    }

    /** Every record type a service file can contain, starting with {@link ServiceSpec}. */
    public static Set<Class<?>> recordTypes() {
        Set<Class<?>> found = new LinkedHashSet<>();
        collectRecords(ServiceSpec.class, found);
        return found;
    }

    private static void collectRecords(Type type, Set<Class<?>> found) {
        if (type instanceof ParameterizedType parameterized) {
            Arrays.stream(parameterized.getActualTypeArguments()).forEach(argument -> collectRecords(argument, found));
        } else if (type instanceof Class<?> raw && raw.isRecord() && found.add(raw)) {
            for (RecordComponent component : raw.getRecordComponents()) {
                collectRecords(component.getGenericType(), found);
            }
        }
    }

    /** Walks {@code root} (a mapping) as a {@link ServiceSpec}; returns the problems in document order. */
    static List<SpecProblem> check(Path file, JsonNode root) {
        Walk walk = new Walk(file);
        walk.value(root, ServiceSpec.class, "");
        return walk.problems;
    }

    private static final class Walk {
        private final Path file;
        private final List<SpecProblem> problems = new ArrayList<>();

        Walk(Path file) {
            this.file = file;
        }

        void value(JsonNode node, Type type, String path) {
            Class<?> raw = rawClass(type);
            if (raw.isRecord()) {
                record(node, raw, path);
            } else if (List.class.isAssignableFrom(raw)) {
                list(node, typeArgument(type, 0), path);
            } else if (Map.class.isAssignableFrom(raw)) {
                map(node, typeArgument(type, 1), path);
            } else if (!JsonNode.class.isAssignableFrom(raw) && node.isContainerNode()) {
                problems.add(SpecProblem.error(file, path, "expected " + expectedScalar(raw) + ", got " + kind(node)));
            }
        }

        private void record(JsonNode node, Class<?> recordType, String path) {
            Map<String, RecordComponent> fields = fieldsOf(recordType);
            if (!node.isObject()) {
                problems.add(SpecProblem.error(
                        file,
                        path,
                        "expected a mapping with the fields " + String.join(", ", fields.keySet()) + ", got "
                                + kind(node)));
                return;
            }
            node.properties().forEach(entry -> {
                String key = entry.getKey();
                String keyPath = FieldPaths.child(path, key);
                RecordComponent component = fields.get(key);
                if (component == null) {
                    problems.add(SpecProblem.warning(file, keyPath, unknownKey(recordType, key, fields.keySet())));
                } else if (entry.getValue().isNull()) {
                    if (isRequired(component)) {
                        problems.add(SpecProblem.error(file, keyPath, "has no value; this field is required"));
                    }
                } else {
                    value(entry.getValue(), component.getGenericType(), keyPath);
                }
            });
            fields.forEach((key, component) -> {
                if (isRequired(component) && !node.has(key)) {
                    problems.add(SpecProblem.error(file, path, "missing required field '" + key + "'"));
                }
            });
        }

        private void list(JsonNode node, Type elementType, String path) {
            if (!node.isArray()) {
                problems.add(SpecProblem.error(file, path, "expected a list, got " + kind(node)));
                return;
            }
            for (int i = 0; i < node.size(); i++) {
                String elementPath = FieldPaths.index(path, i);
                if (node.get(i).isNull()) {
                    problems.add(
                            SpecProblem.error(file, elementPath, "empty list entry; fill it in or remove the '-'"));
                } else {
                    value(node.get(i), elementType, elementPath);
                }
            }
        }

        private void map(JsonNode node, Type valueType, String path) {
            if (!node.isObject()) {
                problems.add(SpecProblem.error(file, path, "expected a mapping, got " + kind(node)));
                return;
            }
            node.properties().forEach(entry -> {
                String keyPath = FieldPaths.child(path, entry.getKey());
                if (entry.getValue().isNull()) {
                    problems.add(SpecProblem.error(file, keyPath, "has no value; write \"\" for an empty string"));
                } else {
                    value(entry.getValue(), valueType, keyPath);
                }
            });
        }
    }

    private static String unknownKey(Class<?> recordType, String key, Collection<String> known) {
        String misplaced = MISPLACED.getOrDefault(recordType, Map.of()).get(key);
        if (misplaced != null) {
            return "unknown field, ignored: " + misplaced;
        }
        return closest(key, known)
                .map(suggestion -> "unknown field, ignored; did you mean '" + suggestion + "'?")
                .orElseGet(() -> "unknown field, ignored; known fields here: " + String.join(", ", known));
    }

    /**
     * The known key the user most likely meant: the same key in another case or separator style ({@code nodePort},
     * {@code node-port}), a known key that starts with it ({@code memory} → {@code memory_limit}), or one within a small
     * edit distance (transpositions count once).
     */
    static Optional<String> closest(String key, Collection<String> known) {
        String normalized = normalize(key);
        for (String candidate : known) {
            if (normalize(candidate).equals(normalized)) {
                return Optional.of(candidate);
            }
        }
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            int distance = editDistance(normalized, normalize(candidate));
            if (distance <= allowedDistance(candidate) && distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        if (best == null && normalized.length() >= 4) {
            best = known.stream()
                    .filter(candidate -> normalize(candidate).startsWith(normalized))
                    .findFirst()
                    .orElse(null);
        }
        return Optional.ofNullable(best);
    }

    private static int allowedDistance(String candidate) {
        int length = candidate.length();
        return length <= 4 ? 1 : length <= 8 ? 2 : 3;
    }

    private static String normalize(String key) {
        return key.replace("_", "").replace("-", "").toLowerCase(Locale.ROOT);
    }

    /** Optimal string alignment distance: Levenshtein plus adjacent transpositions. */
    static int editDistance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

    private static boolean isRequired(RecordComponent component) {
        JsonProperty property = component.getAccessor().getAnnotation(JsonProperty.class);
        return property != null && property.required();
    }

    private static Class<?> rawClass(Type type) {
        if (type instanceof ParameterizedType parameterized) {
            return (Class<?>) parameterized.getRawType();
        }
        return (Class<?>) type;
    }

    private static Type typeArgument(Type type, int index) {
        if (type instanceof ParameterizedType parameterized) {
            return parameterized.getActualTypeArguments()[index];
        }
        return Object.class;
    }

    /** "a string", "an integer"... for a scalar record component type. */
    static String expectedScalar(Class<?> type) {
        if (type == String.class) {
            return "a string";
        }
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
            return "an integer";
        }
        if (type == double.class || type == Double.class) {
            return "a number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type.isEnum()) {
            return "one of " + enumNames(type);
        }
        return "a single value";
    }

    static String enumNames(Class<?> enumType) {
        return Arrays.stream(enumType.getEnumConstants())
                .map(constant -> ((Enum<?>) constant).name())
                .collect(Collectors.joining(", "));
    }

    /**
     * A value of the file quoted back on one line and at most 60 characters: a block of a hostile file must not come
     * back whole, nor with its line breaks, into /status and the log.
     */
    static String quoted(String value) {
        String oneLine = value.replace("\r", "\\r").replace("\n", "\\n");
        return oneLine.length() <= 60 ? oneLine : oneLine.substring(0, 60) + "... (" + value.length() + " characters)";
    }

    /** How a YAML value reads in a message: "a list", "a mapping", "the string 'x'", "the number 5". */
    static String kind(JsonNode node) {
        if (node.isArray()) {
            return "a list";
        }
        if (node.isObject()) {
            return "a mapping";
        }
        if (node.isNull() || node.isMissingNode()) {
            return "nothing";
        }
        if (node.isTextual()) {
            return "the string '" + quoted(node.asText()) + "'";
        }
        if (node.isNumber()) {
            return "the number " + node.asText();
        }
        if (node.isBoolean()) {
            return node.asText();
        }
        return "'" + node.asText() + "'";
    }
}
