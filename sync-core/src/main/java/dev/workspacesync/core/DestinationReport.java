package dev.workspacesync.core;

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
        SyncException cause) {

    public DestinationReport {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(status, "status");
        message = message == null ? "" : message;
    }

    public Optional<SyncPlan> planIfMade() {
        return Optional.ofNullable(plan);
    }
}
