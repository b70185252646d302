package dev.workspacesync.git.internal;

import dev.workspacesync.core.Change;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;

/**
 * Writes a plan as several commits, one per step (an author's changes), each on the one before: every step's
 * tree is the base with that step's changes and all earlier ones applied, and the last step's tree is the
 * sync's whole tree. Only objects are written (trees and commits); the caller moves the branch and pushes once.
 */
public final class CommitChain {
    private CommitChain() {}

    /** A file of a tree: its blob and mode. */
    public record Blob(ObjectId id, FileMode mode) {}

    /** One commit: its author, message and the changes it makes. */
    public record Step(PersonIdent author, String message, List<Change> changes) {}

    /**
     * Inserts one commit per step on top of {@code parent} (null for a first commit) and returns the last one.
     *
     * @param baseFiles the parent's files by path
     * @param finalFiles the files after every step, by path (where added and updated blobs are looked up)
     * @param finalTree the tree after every step, already written: the last commit's tree
     */
    public static ObjectId insert(
            ObjectInserter inserter,
            ObjectId parent,
            Map<String, Blob> baseFiles,
            Map<String, Blob> finalFiles,
            ObjectId finalTree,
            List<Step> steps,
            PersonIdent committer)
            throws IOException {
        Map<String, Blob> files = new HashMap<>(baseFiles);
        ObjectId previous = parent;
        for (int i = 0; i < steps.size(); i++) {
            Step step = steps.get(i);
            ObjectId tree;
            if (i == steps.size() - 1) {
                tree = finalTree;
            } else {
                for (Change change : step.changes()) {
                    String path = change.path().value();
                    if (change.kind() == Change.Kind.DELETE) {
                        files.remove(path);
                    } else {
                        files.put(path, finalFiles.get(path));
                    }
                }
                tree = tree(inserter, files);
            }
            CommitBuilder commit = new CommitBuilder();
            commit.setTreeId(tree);
            if (previous != null) {
                commit.setParentId(previous);
            }
            commit.setAuthor(step.author());
            commit.setCommitter(committer);
            commit.setEncoding(StandardCharsets.UTF_8);
            commit.setMessage(step.message());
            previous = inserter.insert(commit);
        }
        return previous;
    }

    private static ObjectId tree(ObjectInserter inserter, Map<String, Blob> files) throws IOException {
        DirCache index = DirCache.newInCore();
        DirCacheBuilder builder = index.builder();
        for (Map.Entry<String, Blob> file : files.entrySet()) {
            DirCacheEntry entry = new DirCacheEntry(file.getKey());
            entry.setFileMode(file.getValue().mode());
            entry.setObjectId(file.getValue().id());
            builder.add(entry);
        }
        builder.finish(); // sorts the entries
        return index.writeTree(inserter);
    }
}
