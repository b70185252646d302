package dev.workspacesync.core;

/** How a run, or one destination of it, ended. */
public enum SyncStatus {
    /** Changes reached the destination (in a dry run: changes were planned). */
    SYNCED,
    /** The destination already matched the source. */
    NO_CHANGES,
    /** A guard refused the plan; nothing was changed. */
    REFUSED,
    /** The sync failed; see the message and cause. */
    FAILED
}
