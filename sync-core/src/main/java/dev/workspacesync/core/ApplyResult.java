package dev.workspacesync.core;

import java.util.List;

/**
 * What a destination did when applying a plan.
 *
 * @param added files created
 * @param updated files replaced
 * @param deleted files removed
 * @param bytes bytes sent
 * @param message a short human summary (a commit id, a folder), free of secrets; may be empty
 * @param skipped files of the plan the destination found, while applying, it cannot hold (e.g. a name
 *     its file system refuses); they were not recorded, and make the run {@link SyncStatus#INCOMPLETE}
 */
public record ApplyResult(int added, int updated, int deleted, long bytes, String message, List<Skipped> skipped) {
    public ApplyResult {
        message = message == null ? "" : message;
        skipped = List.copyOf(skipped);
    }

    /** A result with nothing skipped. */
    public ApplyResult(int added, int updated, int deleted, long bytes, String message) {
        this(added, updated, deleted, bytes, message, List.of());
    }

    /** Nothing was changed. */
    public static ApplyResult nothing(String message) {
        return new ApplyResult(0, 0, 0, 0, message);
    }

    /** Whether anything changed at the destination. */
    public boolean changedAnything() {
        return added + updated + deleted > 0;
    }
}
