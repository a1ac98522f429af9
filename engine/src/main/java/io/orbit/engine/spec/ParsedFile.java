package io.orbit.engine.spec;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * One service file after reading and YAML binding, before validation.
 *
 * @param file the path shown in problems: relative to the config directory when the file is inside it
 * @param spec present when the file parsed; then {@code problems} holds warnings only (unknown keys), or the errors of
 *     reading its {@code env_file}s and secrets (which keep it from being applied like any other error)
 * @param problems what reading and parsing found, in document order
 * @param claimedName the service name the file claims: the spec's name when it parsed, else the top-level {@code
 *     name:} as far as it could be made out of a broken file (so the running pods of a service whose file is broken
 *     are recognised and left alone), empty when even that is unknown
 * @param secrets the values its {@code env_file}s and {@code secrets:} refer to, read with the file
 */
public record ParsedFile(
        Path file,
        Optional<ServiceSpec> spec,
        List<SpecProblem> problems,
        Optional<String> claimedName,
        ServiceSecrets secrets) {

    public ParsedFile(Path file, Optional<ServiceSpec> spec, List<SpecProblem> problems, Optional<String> claimedName) {
        this(file, spec, problems, claimedName, ServiceSecrets.NONE);
    }

    public ParsedFile {
        requireNonNull(file, "file is null");
        requireNonNull(spec, "spec is null");
        problems = List.copyOf(problems);
        requireNonNull(claimedName, "claimedName is null");
        requireNonNull(secrets, "secrets is null");
        if (spec.isPresent()) {
            claimedName = Optional.ofNullable(spec.get().name());
        }
    }

    /** A file whose claimed name is its spec's name, if it has a spec. */
    public ParsedFile(Path file, Optional<ServiceSpec> spec, List<SpecProblem> problems) {
        this(file, spec, problems, Optional.empty());
    }

    public static ParsedFile failed(Path file, SpecProblem problem) {
        return new ParsedFile(file, Optional.empty(), List.of(problem));
    }

    public static ParsedFile failed(Path file, SpecProblem problem, Optional<String> claimedName) {
        return new ParsedFile(file, Optional.empty(), List.of(problem), claimedName);
    }

    /** This file with the values its {@code env_file}s and {@code secrets:} refer to. */
    public ParsedFile withSecrets(ServiceSecrets values) {
        return new ParsedFile(file, spec, problems, claimedName, values);
    }

    public boolean hasErrors() {
        return problems.stream().anyMatch(SpecProblem::isError);
    }
}
