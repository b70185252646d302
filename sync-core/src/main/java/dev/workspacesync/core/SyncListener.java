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

    /** The operations the pipeline calls on an adapter; each attempt is one call. */
    enum Operation {
        /** {@link dev.workspacesync.core.spi.Source#snapshot()}. */
        SNAPSHOT,
        /** A destination's plan, the guards and (unless refused or a dry run) its apply, retried as one. */
        SYNC
    }

    /** How one call on an adapter ended. */
    enum Outcome {
        /** It returned (a refused plan too: the destination answered). */
        SUCCESS,
        /** It threw a {@linkplain SyncException#isRetryable() retryable} failure. */
        RETRYABLE_FAILURE,
        /** It threw any other failure. */
        FAILURE
    }

    /**
     * One attempt of an operation on an adapter ended; retries are separate calls.
     *
     * @param adapter the adapter's type ({@link dev.workspacesync.core.spi.Source#type()} or {@link
     *     dev.workspacesync.core.spi.Destination#type()}): a short, bounded name such as {@code git}
     * @param operation what was called
     * @param outcome how it ended
     */
    default void called(String adapter, Operation operation, Outcome outcome) {}

    /**
     * An operation failed for a transient reason and is about to be tried again.
     *
     * @param adapter the adapter's type
     * @param operation what is retried
     * @param attempt the attempt about to start (2 for the first retry)
     * @param cause why the previous attempt failed (not yet redacted: never show it unredacted)
     */
    default void retrying(String adapter, Operation operation, int attempt, Throwable cause) {}
}
