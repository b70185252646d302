package dev.workspacesync.core;

import java.util.List;

/**
 * Receives a pipeline's events: progress bars, notifications and metrics hang off these. Every method
 * has an empty default. A listener that throws is logged and otherwise ignored: it can never fail a sync.
 * {@link #transferred} may be called from several threads at once.
 */
public interface SyncListener {
    /** A run started. */
    default void started(String source, List<String> destinations, boolean dryRun) {}

    /** The source produced its snapshot. */
    default void snapshotTaken(Snapshot snapshot) {}

    /** A destination planned its changes (before the guards run). */
    default void planned(String destination, SyncPlan plan) {}

    /** A file reached a destination. */
    default void transferred(String destination, SyncPath path, long bytes) {}

    /** The run finished (also when it failed or was refused). */
    default void finished(SyncReport report) {}
}
