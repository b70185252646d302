package dev.workspacesync.core;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The outcome of one pipeline run. {@link SyncPipeline#run()} returns one of these and does not throw
 * for a failed sync. Every message and cause has gone through the pipeline's {@link Redactor}.
 *
 * @param status overall: FAILED if the source or any destination failed, else REFUSED if a guard refused
 *     any plan, else INCOMPLETE if any destination skipped a file, else SYNCED if anything changed, else
 *     NO_CHANGES
 * @param source the source's description
 * @param revision the snapshot's revision, or null
 * @param startedAt when the run started
 * @param duration how long it took
 * @param dryRun whether this was a dry run (nothing was changed; counts are planned)
 * @param destinations one report per destination, in pipeline order (empty if the source failed)
 * @param message a human summary, redacted
 * @param cause the source's failure, redacted, or null (destination failures are in their reports)
 */
public record SyncReport(
        SyncStatus status,
        String source,
        String revision,
        Instant startedAt,
        Duration duration,
        boolean dryRun,
        List<DestinationReport> destinations,
        String message,
        SyncException cause) {

    public SyncReport {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(duration, "duration");
        destinations = List.copyOf(destinations);
        message = message == null ? "" : message;
    }

    public int added() {
        return destinations.stream().mapToInt(DestinationReport::added).sum();
    }

    public int updated() {
        return destinations.stream().mapToInt(DestinationReport::updated).sum();
    }

    public int deleted() {
        return destinations.stream().mapToInt(DestinationReport::deleted).sum();
    }

    public long bytes() {
        return destinations.stream().mapToLong(DestinationReport::bytes).sum();
    }

    /** Every file some destination did not receive (each once), in destination order. */
    public List<Skipped> skipped() {
        Set<Skipped> all = new LinkedHashSet<>();
        destinations.forEach(d -> all.addAll(d.skipped()));
        return List.copyOf(all);
    }

    /** True for SYNCED and NO_CHANGES (never for INCOMPLETE: a file is missing at the destination). */
    public boolean succeeded() {
        return status == SyncStatus.SYNCED || status == SyncStatus.NO_CHANGES;
    }
}
