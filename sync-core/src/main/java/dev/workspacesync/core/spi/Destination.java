package dev.workspacesync.core.spi;

import dev.workspacesync.core.ApplyResult;
import dev.workspacesync.core.Check;
import dev.workspacesync.core.Secret;
import dev.workspacesync.core.Snapshot;
import dev.workspacesync.core.SyncPath;
import dev.workspacesync.core.SyncPlan;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Where files land: a git remote, a Databricks Workspace folder. A destination first {@link #plan plans}
 * what a snapshot changes (reading only its own state, writing nothing), then {@link #apply applies} the
 * plan once the pipeline's guards have accepted it.
 *
 * <p>{@code apply} must be idempotent and resumable: after a crash or a failed request, planning and
 * applying again finishes the job, and recorded state only advances for what really reached the
 * destination.
 */
public interface Destination extends AutoCloseable {
    /** The provider type, e.g. {@code git} or {@code databricks}. */
    String type();

    /** A human description of the target for reports, e.g. the remote URL and branch; no secrets. */
    String target();

    /**
     * Plans the changes that make the destination match the snapshot. Must not modify the destination.
     *
     * @throws dev.workspacesync.core.DestinationException if the destination or its state cannot be read
     */
    SyncPlan plan(Snapshot snapshot);

    /**
     * Applies a plan this destination made. Reports each transferred file to {@code progress}, possibly
     * from several threads.
     *
     * @throws dev.workspacesync.core.DestinationException on failure; whatever was already applied is
     *     recorded so that the next run does only the rest
     */
    ApplyResult apply(SyncPlan plan, Progress progress);

    /**
     * Why this destination cannot hold a file at {@code path}, or empty when it can. The pipeline asks
     * before planning and gives the destination only what it can hold; the rest is reported as skipped
     * (the run is {@link dev.workspacesync.core.SyncStatus#INCOMPLETE}), never silently dropped.
     *
     * <p>The default is conservative: only names {@link SyncPath#of} accepts (no control character,
     * backslash or drive letter). Destinations that can hold more (a git tree, a Linux directory) say so.
     */
    default Optional<String> cannotHold(SyncPath path) {
        return path.portabilityProblem();
    }

    /**
     * Whether two names that differ only in Unicode normalisation ({@code café} composed and decomposed)
     * are two different files here. When false (the default), each name lands under its NFC spelling,
     * and two that share one are both skipped as a clash.
     */
    default boolean keepsUnicodeForms() {
        return false;
    }

    /** The secrets this destination uses, so the pipeline can scrub them from every message. */
    default Collection<Secret> secrets() {
        return List.of();
    }

    /**
     * Checks, without writing anything, whether a sync could reach this destination: the server answers,
     * the credentials are accepted, the target exists (or can be created) and may be written, as far as a
     * read can tell. One {@link Check} per aspect, in the order a sync meets them; what cannot be known
     * without writing is a {@link Check.Status#WARNING} that says so. Used by {@code workspace-sync doctor}.
     *
     * <p>Implementations must not modify the destination or any local state (no clone, no state file, no
     * folder), must not throw for what it finds (a failure is a {@link Check.Status#FAILED} check with a remedy;
     * only settings that make no sense together may throw {@link dev.workspacesync.core.SyncConfigException}), must keep
     * secrets out of every text, and must end within the destination's own deadline. The default says
     * that this destination has no checks.
     */
    default List<Check> check() {
        return List.of(Check.warning(type(), "no checks for " + target(), ""));
    }

    /** Releases what the destination holds. */
    @Override
    default void close() {}

    /** Receives each file as it reaches the destination. Must be thread-safe. */
    @FunctionalInterface
    interface Progress {
        /** Does nothing. */
        Progress NONE = (path, bytes) -> {};

        /** {@code path} reached the destination; {@code bytes} were sent (0 for a delete). */
        void transferred(SyncPath path, long bytes);
    }
}
