package dev.workspacesync.git;

import dev.workspacesync.core.Snapshot;
import dev.workspacesync.core.SnapshotEntry;
import dev.workspacesync.core.SourceException;
import dev.workspacesync.core.SyncConfigException;
import dev.workspacesync.core.spi.Source;
import dev.workspacesync.git.internal.CommitTree;
import dev.workspacesync.git.internal.PatternSet;
import dev.workspacesync.git.internal.WorkingTreeScanner;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.eclipse.jgit.ignore.IgnoreNode;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.util.SystemReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local project directory as a {@link Source} (provider type {@code local}). Needs no {@code git}
 * binary: ignore rules and commits are read with JGit.
 *
 * <h2>Modes</h2>
 *
 * <ul>
 *   <li>{@link Mode#WORKING_TREE} (default): every regular file under the directory that git would not
 *       ignore: {@code .gitignore} at every level (also those of parent directories when the directory is
 *       inside a work tree), {@code .git/info/exclude} and {@code core.excludesFile}. A directory that is
 *       not a git repository works too; its {@code .gitignore} files still apply. {@code .git} is never
 *       included, nor are nested repositories inside a repository (git does not track their files).
 *       Symbolic links are followed only to regular files inside the directory; links that leave it, and
 *       links to directories, are skipped (logged at debug level). Entries carry the file's size,
 *       executable bit and modification time, so destinations skip unchanged files without reading them.
 *   <li>{@link Mode#COMMITTED}: exactly the regular and executable files of the tree of a commit
 *       ({@code HEAD} unless another ref is given), their content streamed from the object database.
 *       Uncommitted edits are not seen, so a post-commit sync sends exactly what was committed.
 *       Symbolic links and submodules in the tree are skipped. The snapshot's revision is the commit id.
 * </ul>
 *
 * <p>{@code include} and {@code exclude} take gitignore-style patterns relative to the directory; when
 * include patterns are given, only matching files are offered, and exclude always wins.
 *
 * <p>Snapshot attributes: {@code project} (the directory's name), and {@code commit} (committed mode) or
 * {@code head} (working-tree mode inside a repository with commits).
 *
 * <pre>{@code
 * Source source = LocalProjectSource.builder(Path.of("~/code/app"))
 *         .mode(LocalProjectSource.Mode.COMMITTED)
 *         .exclude(List.of("*.csv"))
 *         .build();
 * }</pre>
 */
public final class LocalProjectSource implements Source {
    private static final Logger LOG = LoggerFactory.getLogger(LocalProjectSource.class);

    /** What a snapshot contains. */
    public enum Mode {
        /** The files on disk that git would not ignore. */
        WORKING_TREE,
        /** The files of a commit's tree. */
        COMMITTED;

        /** The setting value: {@code working-tree} or {@code committed}. */
        public String settingValue() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /** Parses a setting value. */
        public static Mode parse(String value) {
            for (Mode mode : values()) {
                if (mode.settingValue().equals(value)) {
                    return mode;
                }
            }
            throw new SyncConfigException(
                    "Setting 'local.mode' must be working-tree or committed, not '" + value + "'");
        }
    }

    private final Path root;
    private final Mode mode;
    private final String ref;
    private final PatternSet include;
    private final PatternSet exclude;
    private final List<String> includePatterns;
    private final List<String> excludePatterns;
    private Repository repository;

    private LocalProjectSource(Builder builder) {
        this.root = builder.path.toAbsolutePath().normalize();
        this.mode = builder.mode;
        this.ref = builder.ref;
        this.includePatterns = List.copyOf(builder.include);
        this.excludePatterns = List.copyOf(builder.exclude);
        this.include = PatternSet.of(includePatterns);
        this.exclude = PatternSet.of(excludePatterns);
    }

    /** A builder for the project at {@code path}. */
    public static Builder builder(Path path) {
        return new Builder(path);
    }

    public Path root() {
        return root;
    }

    public Mode mode() {
        return mode;
    }

    @Override
    public String describe() {
        return "local project " + root + (mode == Mode.COMMITTED ? " at " + ref : " (working tree)");
    }

    /** The directory exists and is readable; in committed mode the ref names a commit. Writes nothing. */
    @Override
    public List<dev.workspacesync.core.Check> check() {
        return new dev.workspacesync.git.internal.ProjectChecks(root, mode == Mode.COMMITTED, ref).run();
    }

    @Override
    public synchronized Snapshot snapshot() {
        if (!Files.isDirectory(root)) {
            throw new SourceException("Project directory " + root + " does not exist or is not a directory");
        }
        Instant takenAt = Instant.now();
        Repository repo = repository();
        Map<String, String> attributes = new LinkedHashMap<>();
        // Destinations keep their state beside the project (Databricks: <root>/.git/workspace-sync).
        attributes.put(Snapshot.ROOT, root.toString());
        attributes.put(
                "project",
                root.getFileName() == null
                        ? root.toString()
                        : root.getFileName().toString());
        try {
            if (mode == Mode.COMMITTED) {
                return committed(repo, takenAt, attributes);
            }
            return workingTree(repo, takenAt, attributes);
        } catch (IOException e) {
            throw new SourceException("Cannot read " + describe() + ": " + e.getMessage(), e);
        }
    }

    private Snapshot workingTree(Repository repo, Instant takenAt, Map<String, String> attributes) throws IOException {
        WorkingTreeScanner scanner;
        if (repo == null || repo.isBare()) {
            scanner = new WorkingTreeScanner(root, root, List.of(), false, include, exclude);
        } else {
            List<IgnoreNode> global = new ArrayList<>();
            IgnoreNode info = WorkingTreeScanner.load(
                    repo.getDirectory().toPath().resolve("info").resolve("exclude"));
            if (info != null) {
                global.add(info);
            }
            IgnoreNode excludesFile = WorkingTreeScanner.load(excludesFile(repo));
            if (excludesFile != null) {
                global.add(excludesFile);
            }
            // Both real paths, so a symbolic link in the project's path does not break relativizing.
            scanner = new WorkingTreeScanner(
                    root.toRealPath(), repo.getWorkTree().toPath().toRealPath(), global, true, include, exclude);
            ObjectId head = repo.resolve(Constants.HEAD);
            if (head != null) {
                attributes.put("head", head.name());
            }
        }
        List<SnapshotEntry> entries = scanner.scan();
        return new Snapshot(describe(), null, takenAt, attributes, entries, scanner.skipped());
    }

    private Snapshot committed(Repository repo, Instant takenAt, Map<String, String> attributes) throws IOException {
        if (repo == null) {
            throw new SourceException("Committed mode needs a git repository, and " + root + " is not in one");
        }
        ObjectId id = repo.resolve(ref + "^{commit}");
        if (id == null) {
            throw new SourceException("Cannot resolve '" + ref + "' in " + repo.getDirectory()
                    + " (no commit yet, or no such branch or tag)");
        }
        String prefix = "";
        if (repo.getWorkTree() != null && !repo.isBare()) {
            Path workTree = repo.getWorkTree().toPath().toRealPath();
            prefix = workTree.relativize(root.toRealPath()).toString().replace(File.separatorChar, '/');
        }
        try (RevWalk walk = new RevWalk(repo)) {
            RevCommit commit = walk.parseCommit(id);
            // Links and submodules are left out, as git's own checkout of the files would not hold them.
            CommitTree tree = CommitTree.read(
                    repo,
                    commit,
                    prefix,
                    rel -> !exclude.matchesFile(rel) && (include.isEmpty() || include.matchesFile(rel)),
                    false);
            attributes.put("commit", commit.name());
            return new Snapshot(describe(), commit.name(), takenAt, attributes, tree.entries(), tree.skipped());
        }
    }

    private static Path excludesFile(Repository repo) {
        String configured = repo.getConfig().getString("core", null, "excludesfile");
        if (configured != null && !configured.isBlank()) {
            if (configured.startsWith("~/")) {
                return dev.workspacesync.git.internal.Homes.userHome().resolve(configured.substring(2));
            }
            Path path = Path.of(configured);
            return path.isAbsolute() ? path : repo.getWorkTree().toPath().resolve(path);
        }
        String xdg = SystemReader.getInstance().getenv("XDG_CONFIG_HOME");
        Path base = xdg != null && !xdg.isBlank()
                ? Path.of(xdg)
                : dev.workspacesync.git.internal.Homes.userHome().resolve(".config");
        return base.resolve("git").resolve("ignore");
    }

    /** The repository containing the root, or null when there is none; opened once. */
    private Repository repository() {
        if (repository == null) {
            FileRepositoryBuilder builder = new FileRepositoryBuilder().findGitDir(root.toFile());
            if (builder.getGitDir() == null) {
                return null;
            }
            try {
                repository = builder.setMustExist(true).build();
            } catch (IOException e) {
                throw new SourceException(
                        "Cannot open the git repository at " + builder.getGitDir() + ": " + e.getMessage(), e);
            }
        }
        return repository;
    }

    @Override
    public synchronized void close() {
        if (repository != null) {
            repository.close();
            repository = null;
        }
    }

    @Override
    public String toString() {
        return describe();
    }

    /** Assembles a {@link LocalProjectSource}; only the path is required. */
    public static final class Builder {
        private final Path path;
        private Mode mode = Mode.WORKING_TREE;
        private String ref = Constants.HEAD;
        private List<String> include = List.of();
        private List<String> exclude = List.of();

        private Builder(Path path) {
            this.path = Objects.requireNonNull(path, "path");
        }

        /** Default: {@link Mode#WORKING_TREE}. */
        public Builder mode(Mode mode) {
            this.mode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /** The commit to read in committed mode: a branch, tag, commit id or {@code HEAD} (default). */
        public Builder ref(String ref) {
            this.ref = Objects.requireNonNull(ref, "ref");
            return this;
        }

        /** Gitignore-style patterns; when given, only matching files are offered. */
        public Builder include(List<String> patterns) {
            this.include = List.copyOf(patterns);
            return this;
        }

        /** Gitignore-style patterns of files to leave out; wins over include. */
        public Builder exclude(List<String> patterns) {
            this.exclude = List.copyOf(patterns);
            return this;
        }

        public LocalProjectSource build() {
            return new LocalProjectSource(this);
        }
    }
}
