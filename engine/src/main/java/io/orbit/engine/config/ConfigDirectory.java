package io.orbit.engine.config;

import static java.util.Objects.requireNonNull;

import io.orbit.engine.spec.ParsedFile;
import io.orbit.engine.spec.SpecProblem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;

/**
 * The service files of a config directory. Unlike Orbit, whose startup load read only the top level, the whole tree is
 * read (Orbit's watcher was recursive already, so nested files used to appear only once touched). A service file ends
 * in {@code .yml} or {@code .yaml} (case-sensitive, as Orbit) and is not hidden; hidden directories are skipped, which
 * also skips editor files ({@code .#web.yml}, {@code .web.yml.swp}) and Kubernetes' {@code ..data} mounts, while
 * {@code web.yml~} and vim's {@code 4913} do not end in {@code .yml}. Files are read in path order, so results do not
 * depend on the file system.
 */
public final class ConfigDirectory {

    private final Path root;
    private final ServiceFileParser parser;

    public ConfigDirectory(Path root, ServiceFileParser parser) {
        this.root = requireNonNull(root, "root is null");
        this.parser = requireNonNull(parser, "parser is null");
    }

    public ConfigDirectory(Path root) {
        this(root, new ServiceFileParser());
    }

    public Path root() {
        return root;
    }

    /** Whether the watcher should care about this path: a {@code .yml}/{@code .yaml} file name that is not hidden. */
    public static boolean isServiceFile(Path file) {
        Path name = file.getFileName();
        if (name == null) {
            return false;
        }
        String text = name.toString();
        return !text.startsWith(".") && (text.endsWith(".yml") || text.endsWith(".yaml"));
    }

    /**
     * Reads and parses every service file, in path order. A file or directory that cannot be read becomes a {@link
     * ParsedFile} with an error, so one bad file never hides the others.
     *
     * @throws UncheckedIOException if the config directory itself does not exist or cannot be listed
     */
    public List<ParsedFile> loadAll() {
        Listing listing = list();
        List<ParsedFile> parsed = new ArrayList<>(listing.failures);
        for (Path file : listing.files) {
            parsed.add(load(file));
        }
        parsed.sort(Comparator.comparing(ParsedFile::file));
        return parsed;
    }

    /** The service files below the root, in path order. */
    public List<Path> serviceFiles() {
        return list().files;
    }

    /** Reads and parses one file; problems name it by {@link #displayPath(Path)}. */
    public ParsedFile load(Path file) {
        Path shown = displayPath(file);
        String yaml;
        try {
            yaml = StandardCharsets.UTF_8
                    .newDecoder()
                    .decode(ByteBuffer.wrap(Files.readAllBytes(file)))
                    .toString();
        } catch (CharacterCodingException e) {
            return ParsedFile.failed(shown, SpecProblem.error(shown, "", "is not valid UTF-8; save it as UTF-8"));
        } catch (IOException e) {
            return ParsedFile.failed(shown, SpecProblem.error(shown, "", cannotRead(e)));
        }
        if (yaml.startsWith("\uFEFF")) {
            yaml = yaml.substring(1);
        }
        return parser.parse(shown, yaml);
    }

    /** {@code file} relative to the root when it lies inside it ({@code team/api.yml}), else as given. */
    public Path displayPath(Path file) {
        Path absoluteRoot = root.toAbsolutePath().normalize();
        Path absoluteFile = file.toAbsolutePath().normalize();
        if (absoluteFile.startsWith(absoluteRoot) && !absoluteFile.equals(absoluteRoot)) {
            return absoluteRoot.relativize(absoluteFile);
        }
        return file;
    }

    private Listing list() {
        if (!Files.isDirectory(root)) {
            throw new UncheckedIOException(
                    "config directory " + root + " does not exist or is not a directory; create it or pass another"
                            + " --config-dir",
                    Files.exists(root)
                            ? new NotDirectoryException(root.toString())
                            : new NoSuchFileException(root.toString()));
        }
        Listing listing = new Listing();
        try {
            Files.walkFileTree(root, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE, listing);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list config directory " + root + ": " + e.getMessage(), e);
        }
        listing.files.sort(Comparator.comparing(this::displayPath));
        return listing;
    }

    private static String cannotRead(IOException e) {
        String reason = e instanceof NoSuchFileException ? "no such file" : e.getMessage();
        return "cannot be read: " + reason + "; check that it exists and that the daemon's user may read it";
    }

    private final class Listing extends SimpleFileVisitor<Path> {
        private final List<Path> files = new ArrayList<>();
        private final List<ParsedFile> failures = new ArrayList<>();

        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
            Path name = dir.getFileName();
            boolean hidden = name != null && name.toString().startsWith(".") && !dir.equals(root);
            return hidden ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
            if (!isServiceFile(file)) {
                return FileVisitResult.CONTINUE;
            }
            if (attributes.isRegularFile()) {
                files.add(file);
            } else if (attributes.isSymbolicLink()) {
                // Links are followed, so a link reported as a link points nowhere.
                Path shown = displayPath(file);
                failures.add(ParsedFile.failed(
                        shown,
                        SpecProblem.error(shown, "", "is a broken symbolic link; point it at a file or remove it")));
            }
            return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) {
            Path shown = displayPath(file);
            if (e instanceof FileSystemLoopException) {
                failures.add(ParsedFile.failed(
                        shown,
                        SpecProblem.warning(
                                shown, "", "symbolic link loop, skipped; remove the link or point it elsewhere")));
            } else if (isServiceFile(file) || Files.isDirectory(file)) {
                failures.add(ParsedFile.failed(shown, SpecProblem.error(shown, "", cannotRead(e))));
            }
            return FileVisitResult.CONTINUE;
        }
    }
}
