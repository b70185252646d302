package dev.workspacesync.core;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Incremental change detection shared by destinations: compares a snapshot with the recorded state.
 *
 * <p>A file whose size, modification time and executable bit match the record is unchanged without its
 * content being read. Otherwise the SHA-256 decides, so touching a file or checking it out again sends
 * nothing (its new time is only refreshed in the state). A recorded file whose path the snapshot
 * {@linkplain Snapshot#withheld withholds} (skipped, not gone) is not deleted.
 */
public final class Planner {
    private Planner() {}

    /** The plan that takes a destination from {@code previous} to {@code snapshot}. */
    public static SyncPlan plan(String target, Snapshot snapshot, SyncState previous) {
        List<Change> changes = new ArrayList<>();
        List<SnapshotEntry> refreshed = new ArrayList<>();
        for (SnapshotEntry entry : snapshot.entries()) {
            Optional<FileState> recorded = previous.get(entry.path());
            if (recorded.isEmpty()) {
                changes.add(Change.add(entry));
                continue;
            }
            switch (compare(entry, recorded.get())) {
                case SAME -> {}
                case SAME_CONTENT -> refreshed.add(entry);
                case CHANGED -> changes.add(Change.update(entry));
            }
        }
        for (Map.Entry<SyncPath, FileState> file : previous.files().entrySet()) {
            // A withheld path is a file the source still has but this run cannot carry: keep the copy.
            if (snapshot.entry(file.getKey()).isEmpty() && !snapshot.withheld(file.getKey())) {
                changes.add(Change.delete(file.getKey()));
            }
        }
        return new SyncPlan(target, changes, previous.size(), List.of(), List.of(), refreshed, snapshot);
    }

    /** How an entry relates to what was recorded for its path. */
    public enum Comparison {
        /** Same size, time and mode: unchanged, content not read. */
        SAME,
        /** Same content and mode, other time: nothing to send, but the recorded time is stale. */
        SAME_CONTENT,
        /** Content or mode differ: send it. */
        CHANGED
    }

    /** Compares an entry with its record, reading the content only when size and time cannot decide. */
    public static Comparison compare(SnapshotEntry entry, FileState recorded) {
        if (entry.size() != recorded.size() || entry.executable() != recorded.executable()) {
            return Comparison.CHANGED;
        }
        long time = entry.modified().map(Instant::toEpochMilli).orElse(FileState.NO_TIME);
        if (time != FileState.NO_TIME && time == recorded.modifiedMillis() && !entry.hasKnownSha256()) {
            return Comparison.SAME;
        }
        if (!entry.sha256().equals(recorded.sha256())) {
            return Comparison.CHANGED;
        }
        return time == recorded.modifiedMillis() ? Comparison.SAME : Comparison.SAME_CONTENT;
    }
}
