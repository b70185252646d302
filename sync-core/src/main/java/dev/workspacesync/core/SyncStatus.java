package dev.workspacesync.core;

/** How a run, or one destination of it, ended. */
public enum SyncStatus {
    /** Changes reached the destination (in a dry run: changes were planned). */
    SYNCED,
    /** The destination already matched the source. */
    NO_CHANGES,
    /**
     * Everything the destination can hold landed (or already matched), but some files of the source did
     * not: see the report's {@code skipped} list. Never a success: state records only what landed, and
     * the skipped files are tried and reported again by every later run.
     */
    INCOMPLETE,
    /** A guard refused the plan; nothing was changed. */
    REFUSED,
    /** The sync failed; see the message and cause. */
    FAILED
}
