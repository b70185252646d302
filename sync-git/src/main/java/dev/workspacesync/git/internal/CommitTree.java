package dev.workspacesync.git.internal;

import dev.workspacesync.core.Skipped;
import dev.workspacesync.core.SnapshotEntry;
import dev.workspacesync.core.SyncPath;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.PathFilter;

/**
 * The files of a commit's tree as snapshot entries, their content streamed from the object database
 * when it is read (shared by the {@code local} source's committed mode and the {@code git} source).
 * Regular and executable files are offered; a name that is not valid UTF-8 or not a valid {@link
 * SyncPath} is skipped with the reason; symbolic links and submodules are skipped with their target or
 * commit when {@code reportOthers} is set, and left out otherwise.
 *
 * @param entries the files offered
 * @param skipped what the tree has but is not offered, and why
 */
public record CommitTree(List<SnapshotEntry> entries, List<Skipped> skipped) {
    /**
     * @param prefix the folder of the tree to read ({@code ""} for all of it); entry paths are relative to it
     * @param accept which paths (relative to the prefix) to offer at all
     * @param reportOthers whether links and submodules are reported as skipped
     */
    public static CommitTree read(
            Repository repo, RevCommit commit, String prefix, Predicate<String> accept, boolean reportOthers)
            throws IOException {
        List<SnapshotEntry> entries = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        try (ObjectReader reader = repo.newObjectReader();
                TreeWalk tree = new TreeWalk(reader)) {
            tree.addTree(commit.getTree());
            tree.setRecursive(true);
            if (!prefix.isEmpty()) {
                tree.setFilter(PathFilter.create(prefix));
            }
            while (tree.next()) {
                String path = tree.getPathString();
                String rel = prefix.isEmpty() ? path : path.substring(prefix.length() + 1);
                if (!accept.test(rel)) {
                    continue;
                }
                byte[] raw = tree.getRawPath();
                boolean utf8 = FileNames.isUtf8(raw);
                String shown = utf8 ? SyncPath.escape(rel) : relative(FileNames.shown(raw), prefix);
                FileMode mode = tree.getFileMode(0);
                if (mode != FileMode.REGULAR_FILE && mode != FileMode.EXECUTABLE_FILE) {
                    if (reportOthers) {
                        skipped.add(new Skipped(shown, other(reader, mode, tree.getObjectId(0))));
                    }
                    continue;
                }
                if (!utf8) {
                    // JGit would decode it as Latin-1: another name. Report it instead.
                    skipped.add(new Skipped(
                            shown,
                            "its name in " + commit.name() + " is not valid UTF-8, so it cannot be carried under"
                                    + " its own name; rename it"));
                    continue;
                }
                SyncPath syncPath;
                try {
                    syncPath = SyncPath.exact(rel);
                } catch (SyncPath.InvalidPathException e) {
                    skipped.add(new Skipped(shown, e.getMessage()));
                    continue;
                }
                ObjectId blob = tree.getObjectId(0);
                long size = reader.getObjectSize(blob, Constants.OBJ_BLOB);
                entries.add(new SnapshotEntry(
                        syncPath,
                        size,
                        mode == FileMode.EXECUTABLE_FILE,
                        null,
                        () -> repo.open(blob, Constants.OBJ_BLOB).openStream()));
            }
        }
        return new CommitTree(List.copyOf(entries), List.copyOf(skipped));
    }

    private static String relative(String shown, String prefix) {
        return prefix.isEmpty() ? shown : shown.substring(Math.min(shown.length(), prefix.length() + 1));
    }

    private static String other(ObjectReader reader, FileMode mode, ObjectId id) {
        if (mode == FileMode.SYMLINK) {
            String target;
            try {
                target = SyncPath.escape(
                        new String(reader.open(id, Constants.OBJ_BLOB).getCachedBytes(4096), StandardCharsets.UTF_8));
            } catch (IOException e) {
                target = "?";
            }
            return "a symbolic link (to " + target + "); links are not carried";
        }
        if (mode == FileMode.GITLINK) {
            return "a submodule (commit " + id.name() + "); submodules are not carried";
        }
        return "not a file (mode " + mode + ")";
    }
}
