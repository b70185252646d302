package dev.workspacesync.git.internal;

import dev.workspacesync.core.Skipped;
import dev.workspacesync.core.SnapshotEntry;
import dev.workspacesync.core.SourceException;
import dev.workspacesync.core.SyncPath;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.eclipse.jgit.ignore.IgnoreNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists the files of a directory that git would not ignore: {@code .gitignore} at every level (also
 * above the root when the root is a subdirectory of a work tree), then {@code .git/info/exclude}, then
 * {@code core.excludesFile}, in git's order of precedence. {@code .git} is never entered; symbolic links
 * are followed only to regular files inside the root.
 *
 * <p>Names are kept exactly ({@link SyncPath#exact}): control characters, backslashes and either Unicode
 * form. A file whose name (or a folder's above it) is not valid UTF-8 is listed in {@link #skipped()},
 * never offered under the decoded text.
 */
public final class WorkingTreeScanner {
    private static final Logger LOG = LoggerFactory.getLogger(WorkingTreeScanner.class);

    private final Path root;
    private final Path realRoot;
    private final Path workTree;
    private final List<IgnoreNode> globalRules;
    private final boolean skipNestedRepositories;
    private final PatternSet include;
    private final PatternSet exclude;
    private final List<Skipped> skipped = new ArrayList<>();

    /**
     * @param root the directory to list
     * @param workTree the git work tree containing {@code root} (or {@code root} itself when not in one)
     * @param globalRules {@code info/exclude} then {@code core.excludesFile}, matched relative to the work tree
     * @param skipNestedRepositories whether to leave out directories holding their own {@code .git}
     *     (git does not track their files)
     * @param include if not empty, only files matching these (relative to root) are listed
     * @param exclude files matching these (relative to root) are left out; wins over include
     */
    public WorkingTreeScanner(
            Path root,
            Path workTree,
            List<IgnoreNode> globalRules,
            boolean skipNestedRepositories,
            PatternSet include,
            PatternSet exclude) {
        this.root = root.toAbsolutePath().normalize();
        this.workTree = workTree.toAbsolutePath().normalize();
        this.globalRules = List.copyOf(globalRules);
        this.skipNestedRepositories = skipNestedRepositories;
        this.include = include;
        this.exclude = exclude;
        try {
            this.realRoot = this.root.toRealPath();
        } catch (IOException e) {
            throw new SourceException("Cannot read project directory " + root + ": " + e.getMessage(), e);
        }
    }

    /** Loads a gitignore-format file, or returns null when it does not exist. */
    public static IgnoreNode load(Path file) {
        if (file == null || !Files.isRegularFile(file)) {
            return null;
        }
        IgnoreNode node = new IgnoreNode();
        try (InputStream in = Files.newInputStream(file)) {
            node.parse(file.toString(), in);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new SourceException("Cannot read ignore file " + file + ": " + e.getMessage(), e);
        }
        return node;
    }

    /** Every file to include, in no particular order. */
    public List<SnapshotEntry> scan() {
        Deque<Level> levels = new ArrayDeque<>();
        // .gitignore files of the directories between the work tree and the root apply too.
        Path relRoot = workTree.relativize(root);
        if (!relRoot.toString().isEmpty()) {
            Path dir = workTree;
            push(levels, dir, "");
            for (int i = 0; i < relRoot.getNameCount() - 1; i++) {
                dir = dir.resolve(relRoot.getName(i));
                push(levels, dir, relToWorkTree(dir));
            }
        }
        List<SnapshotEntry> out = new ArrayList<>();
        skipped.clear();
        walk(root, "", "", null, levels, out);
        return out;
    }

    /** The files the last {@link #scan()} found but could not offer, with the reason. */
    public List<Skipped> skipped() {
        return List.copyOf(skipped);
    }

    private void push(Deque<Level> levels, Path dir, String relToWorkTree) {
        IgnoreNode node = load(dir.resolve(".gitignore"));
        if (node != null) {
            levels.push(new Level(relToWorkTree, node));
        }
    }

    /**
     * @param dirShown the directory's path below the root, shown safely
     * @param dirProblem why nothing below this directory can be offered (its name), or null
     */
    private void walk(
            Path dir,
            String dirRelToRoot,
            String dirShown,
            String dirProblem,
            Deque<Level> levels,
            List<SnapshotEntry> out) {
        String dirRel = relToWorkTree(dir);
        IgnoreNode here = load(dir.resolve(".gitignore"));
        if (here != null) {
            levels.push(new Level(dirRel, here));
        }
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            stream.forEach(children::add);
        } catch (IOException e) {
            throw new SourceException("Cannot list " + dir + ": " + e.getMessage(), e);
        }
        for (Path child : children) {
            String name = child.getFileName().toString();
            if (name.equals(".git")) {
                continue;
            }
            BasicFileAttributes attrs;
            try {
                attrs = readAttributes(child, LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException e) {
                continue; // vanished while listing
            } catch (IOException e) {
                throw new SourceException("Cannot read " + child + ": " + e.getMessage(), e);
            }
            String rel = dirRel.isEmpty() ? name : dirRel + "/" + name;
            String relToRoot = dirRelToRoot.isEmpty() ? name : dirRelToRoot + "/" + name;
            String shown = (dirShown.isEmpty() ? "" : dirShown + "/") + FileNames.shown(child);
            String problem = dirProblem != null
                    ? dirProblem
                    : FileNames.undecodable(child).orElse(null);
            if (attrs.isSymbolicLink()) {
                attrs = followLink(child, relToRoot);
                if (attrs == null) {
                    continue;
                }
            }
            if (attrs.isDirectory()) {
                if (ignored(levels, rel, true) || exclude.matchesDirectory(relToRoot)) {
                    continue;
                }
                if (skipNestedRepositories && Files.exists(child.resolve(".git"), LinkOption.NOFOLLOW_LINKS)) {
                    LOG.debug("Skipping {}: a nested git repository, whose files git does not track", child);
                    continue;
                }
                walk(
                        child,
                        relToRoot,
                        shown,
                        problem == null || dirProblem != null ? problem : "the folder " + shown + ": " + problem,
                        levels,
                        out);
            } else if (attrs.isRegularFile()) {
                if (ignored(levels, rel, false)
                        || exclude.matchesFile(relToRoot)
                        || (!include.isEmpty() && !include.matchesFile(relToRoot))) {
                    continue;
                }
                if (problem != null) {
                    skipped.add(new Skipped(shown, problem));
                    continue;
                }
                SyncPath path;
                try {
                    path = SyncPath.exact(relToRoot);
                } catch (SyncPath.InvalidPathException e) {
                    skipped.add(new Skipped(shown, e.getMessage()));
                    continue;
                }
                out.add(new SnapshotEntry(
                        path,
                        attrs.size(),
                        executable(attrs),
                        attrs.lastModifiedTime().toInstant(),
                        () -> Files.newInputStream(child)));
            }
        }
        if (here != null) {
            levels.pop();
        }
    }

    /** The target's attributes if the link points to something inside the root, else null (skipped). */
    private BasicFileAttributes followLink(Path link, String relToRoot) {
        Path target;
        try {
            target = link.toRealPath();
        } catch (IOException e) {
            LOG.debug("Skipping symbolic link {}: its target does not exist", relToRoot);
            return null;
        }
        if (!target.startsWith(realRoot)) {
            LOG.debug("Skipping symbolic link {}: it points outside the project ({})", relToRoot, target);
            return null;
        }
        try {
            BasicFileAttributes attrs = readAttributes(target);
            if (attrs.isDirectory()) {
                LOG.debug("Skipping symbolic link {}: links to directories are not followed", relToRoot);
                return null;
            }
            return attrs;
        } catch (IOException e) {
            LOG.debug("Skipping symbolic link {}: {}", relToRoot, e.getMessage());
            return null;
        }
    }

    private static BasicFileAttributes readAttributes(Path path, LinkOption... options) throws IOException {
        try {
            return Files.readAttributes(path, PosixFileAttributes.class, options);
        } catch (UnsupportedOperationException e) {
            return Files.readAttributes(path, BasicFileAttributes.class, options);
        }
    }

    private static boolean executable(BasicFileAttributes attrs) {
        return attrs instanceof PosixFileAttributes posix
                && posix.permissions().contains(PosixFilePermission.OWNER_EXECUTE);
    }

    private boolean ignored(Deque<Level> levels, String rel, boolean directory) {
        for (Level level : levels) { // innermost first
            String local = level.dir.isEmpty() ? rel : rel.substring(level.dir.length() + 1);
            Boolean result = level.node.checkIgnored(local, directory);
            if (result != null) {
                return result;
            }
        }
        for (IgnoreNode node : globalRules) {
            Boolean result = node.checkIgnored(rel, directory);
            if (result != null) {
                return result;
            }
        }
        return false;
    }

    private String relToWorkTree(Path dir) {
        return workTree.relativize(dir).toString().replace('\\', '/');
    }

    private record Level(String dir, IgnoreNode node) {}
}
