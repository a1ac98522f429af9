package io.orbit.interop;

import io.orbit.engine.config.ConfigDirectory;
import io.orbit.engine.spec.ServiceDefinition;
import io.orbit.engine.spec.SpecProblem;
import io.orbit.engine.spec.SpecValidator;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The services of a config directory as the daemon would read them: the engine's {@link ConfigDirectory} and {@link
 * SpecValidator}, never a parser of our own. An export of a directory with errors would describe services the daemon
 * does not run, so any error stops it.
 *
 * @param services the valid services, in file order
 * @param problems the validator's warnings (errors throw)
 */
public record OrbitServices(List<ServiceDefinition> services, List<SpecProblem> problems) {

    public OrbitServices {
        services = List.copyOf(services);
        problems = List.copyOf(problems);
    }

    /**
     * @throws InteropException when the directory is missing or any file has an error (all errors in the message)
     */
    public static OrbitServices load(Path directory, int apiPort) {
        SpecValidator.Result result;
        try {
            result = SpecValidator.validate(new ConfigDirectory(directory).loadAll(), apiPort);
        } catch (UncheckedIOException e) {
            throw new InteropException(Objects.requireNonNullElse(e.getMessage(), e.toString()), e);
        }
        List<SpecProblem> errors = result.errors();
        if (!errors.isEmpty()) {
            throw new InteropException(errors.size() + " error(s) in " + directory + "; fix them first (orbit validate "
                    + directory + "):\n"
                    + errors.stream().map(SpecProblem::toString).collect(Collectors.joining("\n")));
        }
        if (result.services().isEmpty()) {
            throw new InteropException("no service files in " + directory + " (*.yml, *.yaml); pass the directory of"
                    + " your service files");
        }
        return new OrbitServices(result.services(), result.warnings());
    }
}
