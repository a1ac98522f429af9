package io.orbit.engine.spec;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The service files of one load that have errors, and the services they claim. A bad file never touches the running
 * containers of the service it describes, also when the daemon has no earlier good definition of that service (after a
 * restart): the reconciler and {@code orbit plan} leave the pods of such a service exactly as they run. Pods carry no
 * label naming their file, so a broken file is matched by the service name it claims ({@link ParsedFile#claimedName});
 * while a broken file claims no recognisable name, no undefined service's pods are touched at all, because any of them
 * might be the one that file describes.
 *
 * @param byService per claimed service name, why its pods are kept (the file and its first error)
 * @param unnamed per broken file that claims no recognisable name, its first error
 */
public record BrokenFiles(Map<String, String> byService, Map<Path, String> unnamed) {

    public static final BrokenFiles NONE = new BrokenFiles(Map.of(), Map.of());

    public BrokenFiles {
        byService = Map.copyOf(byService);
        unnamed = Map.copyOf(unnamed);
    }

    /** The broken files among {@code files}, judged by the problems of the whole load (validation included). */
    public static BrokenFiles of(List<ParsedFile> files, List<SpecProblem> problems) {
        Map<Path, SpecProblem> firstError = new LinkedHashMap<>();
        problems.stream()
                .filter(SpecProblem::isError)
                .forEach(problem -> firstError.putIfAbsent(problem.file(), problem));
        Map<String, String> byService = new TreeMap<>();
        Map<Path, String> unnamed = new TreeMap<>();
        for (ParsedFile file : files) {
            SpecProblem error = firstError.get(file.file());
            if (error == null) {
                continue;
            }
            Optional<String> name = file.claimedName();
            if (name.isPresent()) {
                byService.merge(
                        name.get(),
                        "its file " + file.file() + " is broken (" + error.message() + ")",
                        (a, b) -> a + "; " + b.substring("its ".length()));
            } else {
                unnamed.put(file.file(), error.message());
            }
        }
        return new BrokenFiles(byService, unnamed);
    }

    public boolean isEmpty() {
        return byService.isEmpty() && unnamed.isEmpty();
    }

    /**
     * Why the pods of {@code service}, which has no valid definition, must be kept as they run: a broken file claims
     * it, or some broken file claims no recognisable name. Empty when they may be removed.
     */
    public Optional<String> whyKept(String service) {
        String claimed = byService.get(service);
        if (claimed != null) {
            return Optional.of(claimed);
        }
        if (!unnamed.isEmpty()) {
            return Optional.of(unnamed.entrySet().stream()
                            .map(entry -> entry.getKey() + " (" + entry.getValue() + ")")
                            .collect(Collectors.joining(
                                    ", ", "a broken file that names no service might describe it: ", ""))
                    + "; fix or remove that file");
        }
        return Optional.empty();
    }
}
