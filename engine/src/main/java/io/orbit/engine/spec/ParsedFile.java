package io.orbit.engine.spec;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * One service file after reading and YAML binding, before validation.
 *
 * @param file the path shown in problems: relative to the config directory when the file is inside it
 * @param spec present when the file parsed; then {@code problems} holds warnings only (unknown keys)
 * @param problems what reading and parsing found, in document order
 */
public record ParsedFile(Path file, Optional<ServiceSpec> spec, List<SpecProblem> problems) {

    public ParsedFile {
        requireNonNull(file, "file is null");
        requireNonNull(spec, "spec is null");
        problems = List.copyOf(problems);
    }

    public static ParsedFile failed(Path file, SpecProblem problem) {
        return new ParsedFile(file, Optional.empty(), List.of(problem));
    }

    public boolean hasErrors() {
        return problems.stream().anyMatch(SpecProblem::isError);
    }
}
