package dev.workspacesync.core;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How one destination fared in a run.
 *
 * @param type the destination's provider type
 * @param target the destination's description (no secrets)
 * @param status how it ended
 * @param added files added (planned, in a dry run)
 * @param updated files updated (planned, in a dry run)
 * @param deleted files deleted (planned, in a dry run)
 * @param bytes bytes sent (planned, in a dry run)
 * @param message a human summary, redacted
 * @param plan the plan, when one was made
 * @param cause the failure, redacted, or null
 * @param skipped files of the source this destination did not receive, and why (the status is then
 *     {@link SyncStatus#INCOMPLETE} unless the run failed or was refused)
 */
public record DestinationReport(
        String type,
        String target,
        SyncStatus status,
        int added,
        int updated,
        int deleted,
        long bytes,
        String message,
        SyncPlan plan,
        SyncException cause,
        List<Skipped> skipped) {

    public DestinationReport {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(status, "status");
        message = message == null ? "" : message;
        skipped = List.copyOf(skipped);
    }

    /** A report with nothing skipped. */
    public DestinationReport(
            String type,
            String target,
            SyncStatus status,
            int added,
            int updated,
            int deleted,
            long bytes,
            String message,
            SyncPlan plan,
            SyncException cause) {
        this(type, target, status, added, updated, deleted, bytes, message, plan, cause, List.of());
    }

    public Optional<SyncPlan> planIfMade() {
        return Optional.ofNullable(plan);
    }
}
