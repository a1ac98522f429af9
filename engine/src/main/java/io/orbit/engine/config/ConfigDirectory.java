package io.orbit.engine.config;

import static java.util.Objects.requireNonNull;

import io.orbit.engine.spec.ParsedFile;
import io.orbit.engine.spec.ServiceSpec;
import io.orbit.engine.spec.SpecProblem;
import java.io.IOException;
import java.io.InputStream;
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
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The service files of a config directory. Unlike Orbit, whose startup load read only the top level, the whole tree is
 * read (Orbit's watcher was recursive already, so nested files used to appear only once touched). A service file ends
 * in {@code .yml} or {@code .yaml} (case-sensitive, as Orbit) and is not hidden; hidden directories are skipped, which
 * also skips editor files ({@code .#web.yml}, {@code .web.yml.swp}) and Kubernetes' {@code ..data} mounts, while
 * {@code web.yml~} and vim's {@code 4913} do not end in {@code .yml}. Files are read in path order, so results do not
 * depend on the file system.
 *
 * <p>Reading is guarded ({@link ReadPolicy}): a file over the size limit is refused before it is read; a symbolic link
 * whose target lies outside the config directory is refused (naming the link and its target); and when the daemon
 * runs as root, a file or directory another user can write is refused with the {@code chmod}/{@code chown} that fixes
 * it. A refused file is a broken file, so the service it describes keeps running as it was ({@code BrokenFiles}).
 *
 * <p>Longer than 300 lines: the one reader of the config directory: listing, guarded reads and the per-file results that keep a broken file's service running.
 */
public final class ConfigDirectory {

    private static final int GROUP_OR_OTHERS_WRITE = 0022;
    private static final int STICKY = 01000;
    /** The longest line of a service file, in characters (see {@link #longLine}). */
    public static final int MAX_LINE_CHARS = 64 * 1024;

    private static final String NOT_REGULAR = "is not a regular file (a FIFO, socket or device); it was not read."
            + " A service file must be a plain file: replace it with one, or remove it";

    private final Path root;
    private final ServiceFileParser parser;
    private final ReadPolicy policy;
    private final SecretResolver secrets;

    /**
     * @param secrets reads what {@code env_file} and {@code secrets:} refer to; the daemon's is keyed with its hash key
     */
    public ConfigDirectory(Path root, ServiceFileParser parser, ReadPolicy policy, SecretResolver secrets) {
        this.root = requireNonNull(root, "root is null");
        this.parser = requireNonNull(parser, "parser is null");
        this.policy = requireNonNull(policy, "policy is null");
        this.secrets = requireNonNull(secrets, "secrets is null");
    }

    public ConfigDirectory(Path root, ServiceFileParser parser, ReadPolicy policy) {
        this(root, parser, policy, SecretResolver.forChecking());
    }

    public ConfigDirectory(Path root, ReadPolicy policy, SecretResolver secrets) {
        this(root, new ServiceFileParser(), policy, secrets);
    }

    public ConfigDirectory(Path root, ServiceFileParser parser) {
        this(root, parser, ReadPolicy.defaults());
    }

    public ConfigDirectory(Path root, ReadPolicy policy) {
        this(root, new ServiceFileParser(), policy);
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

    /**
     * Reads and parses one file; problems name it by {@link #displayPath(Path)}. A file the {@link ReadPolicy} refuses
     * (outside the directory through a link, writable by another user, too large) is not read.
     */
    public ParsedFile load(Path file) {
        Path shown = displayPath(file);
        String yaml;
        try {
            Optional<String> refused = refusal(file);
            if (refused.isPresent()) {
                return ParsedFile.failed(shown, SpecProblem.error(shown, "", refused.get()));
            }
            byte[] bytes;
            try (InputStream in = Files.newInputStream(file)) {
                bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, policy.maxFileBytes() + 1));
            }
            if (bytes.length > policy.maxFileBytes()) {
                return ParsedFile.failed(shown, SpecProblem.error(shown, "", tooLarge(bytes.length + "+")));
            }
            yaml = StandardCharsets.UTF_8
                    .newDecoder()
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            return ParsedFile.failed(shown, SpecProblem.error(shown, "", "is not valid UTF-8; save it as UTF-8"));
        } catch (IOException e) {
            return ParsedFile.failed(shown, SpecProblem.error(shown, "", cannotRead(e)));
        }
        if (yaml.startsWith("\uFEFF")) {
            yaml = yaml.substring(1);
        }
        Optional<String> tooLong = longLine(yaml);
        if (tooLong.isPresent()) {
            return ParsedFile.failed(
                    shown, SpecProblem.error(shown, "", tooLong.get()), ServiceFileParser.nameInText(yaml));
        }
        ParsedFile parsed = parser.parse(shown, yaml);
        return parsed.spec()
                .filter(SecretResolver::needed)
                .map(spec -> withSecrets(file, parsed, spec))
                .orElse(parsed);
    }

    /**
     * The file with its secrets and env_file values read. A file whose values cannot be read is broken (its errors
     * keep it from being applied), but keeps its spec, so the validator still reports every other problem at once.
     */
    private ParsedFile withSecrets(Path file, ParsedFile parsed, ServiceSpec spec) {
        SecretResolver.Result resolved = secrets.resolve(file, parsed.file(), spec);
        List<SpecProblem> problems = new ArrayList<>(parsed.problems());
        problems.addAll(resolved.problems());
        return new ParsedFile(parsed.file(), Optional.of(spec), problems).withSecrets(resolved.secrets());
    }

    /**
     * A line over {@link #MAX_LINE_CHARS}: the YAML scanner re-copies its window for every kilobyte of one token, so a
     * single line of a megabyte takes seconds to scan; a line of 64 Ki characters takes milliseconds.
     */
    private static Optional<String> longLine(String yaml) {
        int line = 1;
        int start = 0;
        for (int i = 0; i <= yaml.length(); i++) {
            if (i == yaml.length() || yaml.charAt(i) == '\n') {
                if (i - start > MAX_LINE_CHARS) {
                    return Optional.of("line " + line + " is " + (i - start) + " characters long, over the limit of "
                            + MAX_LINE_CHARS + " characters per line of a service file; it was not parsed. Break the"
                            + " value over several lines (a YAML block scalar, |), or mount the content from a file");
                }
                line++;
                start = i + 1;
            }
        }
        return Optional.empty();
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
        checkRootDirectory();
        Listing listing = new Listing();
        try {
            Files.walkFileTree(root, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE, listing);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list config directory " + root + ": " + e.getMessage(), e);
        }
        listing.files.sort(Comparator.comparing(this::displayPath));
        return listing;
    }

    /** Why the policy refuses to read {@code file}, if it does; checked before a single byte of it is read. */
    private Optional<String> refusal(Path file) throws IOException {
        Path realRoot = root.toRealPath();
        Path real = file.toRealPath();
        if (!real.startsWith(realRoot)) {
            return Optional.of("is a symbolic link to " + real + ", outside the config directory " + realRoot
                    + "; copy the file into the config directory, or remove the link");
        }
        if (policy.runsAsRoot()) {
            Optional<String> unsafe = unsafe(real, "it")
                    .or(() -> unsafeDirectories(real.getParent(), realRoot))
                    .or(() ->
                            unsafeDirectories(file.toAbsolutePath().normalize().getParent(), realRoot));
            if (unsafe.isPresent()) {
                return unsafe;
            }
        }
        if (!Files.isRegularFile(real)) {
            // Listed as a file, replaced since (or reached through a link): never open a FIFO or a device.
            return Optional.of(NOT_REGULAR);
        }
        long size = Files.size(real);
        if (size > policy.maxFileBytes()) {
            return Optional.of(tooLarge(Long.toString(size)));
        }
        return Optional.empty();
    }

    private String tooLarge(String size) {
        return "is " + size + " bytes, over the limit of " + policy.maxFileBytes() + " bytes for a service file; it"
                + " was not read. Make it smaller (one service per file), or raise --max-service-file-size";
    }

    /** The directories from {@code directory} up to (not including) the config directory, checked as below. */
    private Optional<String> unsafeDirectories(@Nullable Path directory, Path realRoot) {
        for (Path dir = directory;
                dir != null && dir.startsWith(realRoot) && !dir.equals(realRoot);
                dir = dir.getParent()) {
            Optional<String> unsafe = unsafe(dir, "its directory " + dir);
            if (unsafe.isPresent()) {
                return unsafe;
            }
        }
        return Optional.empty();
    }

    /**
     * Why a path the daemon (root) trusts is unsafe: another owner than root, or writable by group or others.
     *
     * @param what "it" for the file, else "its directory /x"
     */
    private Optional<String> unsafe(Path path, String what) {
        ReadPolicy.FileAttributes.Owner owner;
        try {
            owner = policy.files().owner(path);
        } catch (IOException | RuntimeException e) {
            return Optional.of("cannot check who may write " + path + " (" + e.getMessage() + "); the daemon runs as"
                    + " root and reads only what root alone can change");
        }
        String subject = what.equals("it") ? "" : what + " ";
        if (owner.uid() != 0) {
            return Optional.of(("%sis owned by uid %d, not root, while the daemon runs as root: that user controls the"
                            + " host through it; chown root %s")
                    .formatted(subject, owner.uid(), path));
        }
        if ((owner.mode() & GROUP_OR_OTHERS_WRITE) != 0) {
            return Optional.of(("%sis writable by group or others (mode %04o) while the daemon runs as root: they"
                            + " control the host through it; chmod go-w %s")
                    .formatted(subject, owner.mode() & 07777, path));
        }
        return Optional.empty();
    }

    /**
     * When the daemon runs as root: the config directory and every directory above it must be root's and not
     * writable by group or others (a directory above may be world-writable with the sticky bit, as {@code /tmp}).
     *
     * @throws UncheckedIOException naming the directory and the fix
     */
    private void checkRootDirectory() {
        if (!policy.runsAsRoot()) {
            return;
        }
        Path realRoot;
        try {
            realRoot = root.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot resolve the config directory " + root + ": " + e.getMessage(), e);
        }
        Optional<String> unsafe = unsafe(realRoot, "the config directory " + realRoot);
        // Above the directory as named and above where it really is: whoever can replace a link on the way can too.
        Set<Path> above = new LinkedHashSet<>();
        for (Path start : List.of(realRoot, root.toAbsolutePath().normalize())) {
            for (Path dir = start.getParent(); dir != null; dir = dir.getParent()) {
                above.add(dir);
            }
        }
        for (Iterator<Path> dirs = above.iterator(); unsafe.isEmpty() && dirs.hasNext(); ) {
            Path dir = dirs.next();
            unsafe = unsafe(dir, "the directory " + dir + " above the config directory")
                    .filter(problem -> !isStickyAndRootOwned(dir));
        }
        unsafe.ifPresent(problem -> {
            throw new UncheckedIOException(
                    "refusing to read the config directory " + root + ": " + problem,
                    new java.nio.file.AccessDeniedException(root.toString()));
        });
    }

    private boolean isStickyAndRootOwned(Path dir) {
        try {
            ReadPolicy.FileAttributes.Owner owner = policy.files().owner(dir);
            return owner.uid() == 0 && (owner.mode() & STICKY) != 0;
        } catch (IOException | RuntimeException e) {
            return false;
        }
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
            if (hidden) {
                return FileVisitResult.SKIP_SUBTREE;
            }
            if (!dir.equals(root) && Files.isSymbolicLink(dir)) {
                Optional<Path> outside = outsideRoot(dir);
                if (outside.isPresent()) {
                    Path shown = displayPath(dir);
                    failures.add(ParsedFile.failed(
                            shown,
                            SpecProblem.error(
                                    shown,
                                    "",
                                    "is a symbolic link to the directory " + outside.get() + ", outside the config"
                                            + " directory; its files were not read. Move them into the config"
                                            + " directory, or remove the link")));
                    return FileVisitResult.SKIP_SUBTREE;
                }
            }
            return FileVisitResult.CONTINUE;
        }

        /** The real path of {@code link} when it lies outside the config directory. */
        private Optional<Path> outsideRoot(Path link) {
            try {
                Path real = link.toRealPath();
                return real.startsWith(root.toRealPath()) ? Optional.empty() : Optional.of(real);
            } catch (IOException e) {
                return Optional.empty();
            }
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
            } else if (attributes.isOther()) {
                // A FIFO, socket or device: opening a FIFO nobody writes would block the reload forever.
                Path shown = displayPath(file);
                failures.add(ParsedFile.failed(shown, SpecProblem.error(shown, "", NOT_REGULAR)));
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
