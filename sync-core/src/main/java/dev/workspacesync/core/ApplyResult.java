package dev.workspacesync.core;

/**
 * What a destination did when applying a plan.
 *
 * @param added files created
 * @param updated files replaced
 * @param deleted files removed
 * @param bytes bytes sent
 * @param message a short human summary (a commit id, a folder), free of secrets; may be empty
 */
public record ApplyResult(int added, int updated, int deleted, long bytes, String message) {
    public ApplyResult {
        message = message == null ? "" : message;
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
