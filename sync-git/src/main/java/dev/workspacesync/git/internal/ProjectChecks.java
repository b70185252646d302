package dev.workspacesync.git.internal;

import dev.workspacesync.core.Check;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * The read-only checks of a local project source: the directory exists and can be listed, and, in
 * committed mode, it is inside a git repository where the ref names a commit. Opens the repository
 * read-only and writes nothing.
 *
 * @param root the project directory
 * @param committed whether the source reads a commit's tree
 * @param ref the commit read in committed mode
 */
public record ProjectChecks(Path root, boolean committed, String ref) {
    private static final String NAME = "local";

    /** Runs the checks; never throws. */
    public List<Check> run() {
        List<Check> checks = new ArrayList<>();
        if (!Files.exists(root)) {
            checks.add(Check.failed(NAME, "no such directory: " + root, "set local.path to the project directory"));
            return checks;
        }
        if (!Files.isDirectory(root)) {
            checks.add(Check.failed(NAME, root + " is not a directory", "set local.path to the project directory"));
            return checks;
        }
        try (Stream<Path> entries = Files.list(root)) {
            long count = entries.count();
            checks.add(Check.passed(NAME, "directory " + root + " is readable (" + count + " entries at the top)"));
        } catch (IOException | RuntimeException e) {
            checks.add(Check.failed(
                    NAME,
                    "Permission denied: cannot list " + root + " ("
                            + e.getClass().getSimpleName() + ")",
                    "grant read permission on " + root + " to this user"));
            return checks;
        }
        FileRepositoryBuilder builder = new FileRepositoryBuilder().findGitDir(root.toFile());
        if (builder.getGitDir() == null) {
            checks.add(
                    committed
                            ? Check.failed(
                                    NAME,
                                    root + " is not in a git repository, and local.mode=committed reads a commit",
                                    "run git init and commit, or set local.mode=working-tree")
                            : Check.passed(NAME, root + " is not a git repository; its .gitignore files still apply"));
            return checks;
        }
        try (Repository repo = builder.setMustExist(true).build()) {
            if (!committed) {
                checks.add(Check.passed(
                        NAME, "git repository " + repo.getDirectory() + " (working tree; ignore rules apply)"));
                return checks;
            }
            ObjectId id = repo.resolve(ref + "^{commit}");
            if (id == null) {
                checks.add(Check.failed(
                        NAME,
                        "'" + ref + "' names no commit in " + repo.getDirectory(),
                        "commit first, or set local.ref to a branch, tag or commit id"));
            } else {
                checks.add(Check.passed(
                        NAME,
                        "git repository " + repo.getDirectory() + ": " + ref + " is commit "
                                + id.abbreviate(12).name()));
            }
        } catch (IOException | RuntimeException e) {
            checks.add(Check.failed(
                    NAME,
                    "cannot read the git repository " + builder.getGitDir() + ": " + e.getMessage(),
                    "check that it is a valid repository readable by this user"));
        }
        return checks;
    }
}
