package io.orbit.engine.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.orbit.engine.spec.FieldPaths;
import io.orbit.engine.spec.ParsedFile;
import io.orbit.engine.spec.ServiceSpec;
import io.orbit.engine.spec.SpecProblem;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Turns the text of one service file into a {@link ServiceSpec}: YAML through Jackson with snake_case names, unknown
 * keys tolerated by Jackson but reported as warnings by {@link ServiceFileSchema}, and every failure turned into one
 * readable {@link SpecProblem} with its field path (and line and column when Jackson knows them). Thread-safe.
 */
public final class ServiceFileParser {

    private static final Pattern QUALIFIED_CLASS = Pattern.compile("`?(?:[a-z_][a-z0-9_]*\\.)+([A-Z][\\w$]*)`?");
    /** A top-level {@code name:} line: {@code name: web}, {@code name: "web"}, {@code name: 'web' # comment}. */
    private static final Pattern NAME_LINE =
            Pattern.compile("name:\\s*(?:\"([^\"]*)\"|'([^']*)'|([^\\s#'\"]+))\\s*(?:#.*)?");

    private static final String NEEDED_FIELDS =
            "a service file needs at least name, instance_count and spec.containers";

    private final ObjectMapper mapper = YAMLMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    /**
     * Parses {@code yaml}; {@code file} is only used to label problems. The spec is present when no error was found;
     * warnings (unknown keys) may accompany it.
     */
    public ParsedFile parse(Path file, String yaml) {
        JsonNode root;
        try (JsonParser parser = new AliasRefusingParser(mapper.createParser(yaml))) {
            root = mapper.readTree(parser);
            if (root != null && !root.isMissingNode() && hasAnotherDocument(parser)) {
                return ParsedFile.failed(
                        file,
                        SpecProblem.error(
                                file,
                                "",
                                "contains more than one YAML document (---); put each service in a file of its own"),
                        nameIn(root));
            }
        } catch (JacksonException e) {
            return ParsedFile.failed(
                    file, SpecProblem.error(file, pathOf(e), describe(e, MissingNode.getInstance())), nameInText(yaml));
        } catch (IOException e) {
            return ParsedFile.failed(
                    file, SpecProblem.error(file, "", "cannot parse: " + e.getMessage()), nameInText(yaml));
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return ParsedFile.failed(file, SpecProblem.error(file, "", "file is empty; " + NEEDED_FIELDS));
        }
        if (!root.isObject()) {
            return ParsedFile.failed(
                    file,
                    SpecProblem.error(
                            file,
                            "",
                            "expected a mapping, got " + ServiceFileSchema.kind(root) + "; " + NEEDED_FIELDS));
        }
        List<SpecProblem> problems = ServiceFileSchema.check(file, root);
        if (problems.stream().anyMatch(SpecProblem::isError)) {
            return new ParsedFile(file, Optional.empty(), problems, nameIn(root));
        }
        try {
            ServiceSpec spec = mapper.readValue(yaml, ServiceSpec.class);
            return new ParsedFile(file, Optional.of(spec), problems);
        } catch (JacksonException e) {
            SpecProblem error = SpecProblem.error(file, pathOf(e), describe(e, root));
            return new ParsedFile(file, Optional.empty(), concat(problems, error), nameIn(root));
        }
    }

    /** The top-level {@code name} of a parsed tree, if it is a non-empty string. */
    private static Optional<String> nameIn(@Nullable JsonNode root) {
        if (root == null || !root.isObject()) {
            return Optional.empty();
        }
        JsonNode name = root.path("name");
        return name.isTextual() && !name.asText().isBlank() ? Optional.of(name.asText()) : Optional.empty();
    }

    /**
     * The service name of a file that is not even valid YAML, as far as a plain top-level {@code name: web} line
     * (optionally quoted, optionally with a comment) tells it; empty when there is no such line or more than one.
     */
    static Optional<String> nameInText(String yaml) {
        Optional<String> found = Optional.empty();
        for (String line : yaml.split("\\R")) {
            var matcher = NAME_LINE.matcher(line);
            if (matcher.matches()) {
                if (found.isPresent()) {
                    return Optional.empty();
                }
                String value = matcher.group(1) != null
                        ? matcher.group(1)
                        : matcher.group(2) != null ? matcher.group(2) : matcher.group(3);
                found = value.isBlank() ? Optional.empty() : Optional.of(value);
            }
        }
        return found;
    }

    private static boolean hasAnotherDocument(JsonParser parser) throws IOException {
        JsonToken next = parser.nextToken();
        return next != null && next != JsonToken.VALUE_NULL;
    }

    private static List<SpecProblem> concat(List<SpecProblem> problems, SpecProblem problem) {
        return Stream.concat(problems.stream(), Stream.of(problem)).toList();
    }

    /** The field path of a failure: Jackson's reference chain, or for a parse error the parser's position. */
    private static String pathOf(JacksonException e) {
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            String path = "";
            for (JsonMappingException.Reference reference : mapping.getPath()) {
                path = reference.getFieldName() != null
                        ? FieldPaths.child(path, reference.getFieldName())
                        : FieldPaths.index(path, reference.getIndex());
            }
            return path;
        }
        if (e.getProcessor() instanceof JsonParser parser) {
            return pathOf(parser.getParsingContext());
        }
        return "";
    }

    private static String pathOf(@Nullable JsonStreamContext context) {
        Deque<JsonStreamContext> chain = new ArrayDeque<>();
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            chain.push(c);
        }
        String path = "";
        for (JsonStreamContext c : chain) {
            if (c.inObject() && c.getCurrentName() != null) {
                path = FieldPaths.child(path, c.getCurrentName());
            } else if (c.inArray() && c.getCurrentIndex() >= 0) {
                path = FieldPaths.index(path, c.getCurrentIndex());
            }
        }
        return path;
    }

    /** A message without Jackson's class names and source excerpts, ending with the line and column if known. */
    private static String describe(JacksonException e, JsonNode root) {
        return what(e, root) + where(e.getLocation());
    }

    private static String what(JacksonException e, JsonNode root) {
        if (e instanceof InvalidFormatException invalid
                && invalid.getTargetType() != null
                && invalid.getTargetType().isEnum()) {
            return "'" + invalid.getValue() + "' is not one of " + ServiceFileSchema.enumNames(invalid.getTargetType())
                    + "; names are case-sensitive";
        }
        if (e instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
            return "expected " + expected(mismatch.getTargetType()) + ", got "
                    + ServiceFileSchema.kind(nodeAt(root, mismatch.getPath()));
        }
        InputCoercionException coercion = e instanceof InputCoercionException direct
                ? direct
                : e.getCause() instanceof InputCoercionException wrapped ? wrapped : null;
        if (coercion != null) {
            String value = e instanceof JsonMappingException mapping
                    ? " " + nodeAt(root, mapping.getPath()).asText()
                    : "";
            Class<?> target = coercion.getTargetType() == null ? int.class : coercion.getTargetType();
            return "the number" + value + " is too large; expected " + expected(target) + " of at most "
                    + maxOf(target);
        }
        StreamConstraintsException limit = e instanceof StreamConstraintsException direct
                ? direct
                : e.getCause() instanceof StreamConstraintsException wrapped ? wrapped : null;
        if (limit != null) {
            // Jackson's own bounds (number length, nesting depth, string and document size), without its API names
            String message = firstLine(limit.getOriginalMessage()).replaceAll(", from `[^`]*`", "");
            return "over a limit for a service file: " + message + "; a service file needs nothing this large or this"
                    + " deep, so check what wrote it";
        }
        if (e.getCause() instanceof MarkedYAMLException yaml) {
            String context = yaml.getContext() == null ? "" : yaml.getContext() + ": ";
            return "invalid YAML: " + context + yaml.getProblem();
        }
        String message = firstLine(e.getOriginalMessage());
        if (message.startsWith("Duplicate field")) {
            return "duplicate key " + message.substring("Duplicate field ".length()) + "; each key may appear once";
        }
        return QUALIFIED_CLASS.matcher(message).replaceAll("$1");
    }

    private static String expected(Class<?> type) {
        if (Collection.class.isAssignableFrom(type)) {
            return "a list";
        }
        if (Map.class.isAssignableFrom(type) || type.isRecord()) {
            return "a mapping";
        }
        return ServiceFileSchema.expectedScalar(type);
    }

    private static String maxOf(Class<?> type) {
        return type == long.class || type == Long.class
                ? Long.toString(Long.MAX_VALUE)
                : Integer.toString(Integer.MAX_VALUE);
    }

    private static JsonNode nodeAt(JsonNode root, List<JsonMappingException.Reference> path) {
        JsonNode node = root;
        for (JsonMappingException.Reference reference : path) {
            node = reference.getFieldName() != null
                    ? node.path(reference.getFieldName())
                    : node.path(reference.getIndex());
        }
        return node;
    }

    private static String where(@Nullable JsonLocation location) {
        if (location == null || location.getLineNr() < 1) {
            return "";
        }
        return " (line " + location.getLineNr()
                + (location.getColumnNr() > 0 ? ", column " + location.getColumnNr() : "") + ")";
    }

    private static String firstLine(@Nullable String message) {
        if (message == null) {
            return "cannot be read";
        }
        int newline = message.indexOf('\n');
        return (newline < 0 ? message : message.substring(0, newline)).strip();
    }
}
