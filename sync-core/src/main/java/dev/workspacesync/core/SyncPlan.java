package dev.workspacesync.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a destination would do to match a snapshot: files to add, update and delete, plus the
 * destination's own directory operations where it has them. A dry run stops at the plan.
 *
 * @param target the destination this plan is for (as {@code Destination.target()})
 * @param changes the file changes, sorted by path
 * @param existingFiles how many files the destination holds now (what the deletion guard compares with)
 * @param createDirectories directories to create, for destinations that manage them
 * @param removeDirectories directories to remove once emptied, leaf first
 * @param refreshed entries whose content is unchanged but whose recorded metadata (modification time)
 *     is stale: applying refreshes the state only, transferring nothing
 * @param snapshot the snapshot the plan was made from (its source, revision and attributes are what
 *     {@code apply} records and reports), or null for a plan made without one
 */
public record SyncPlan(
        String target,
        List<Change> changes,
        int existingFiles,
        List<SyncPath> createDirectories,
        List<SyncPath> removeDirectories,
        List<SnapshotEntry> refreshed,
        Snapshot snapshot) {

    public SyncPlan {
        Objects.requireNonNull(target, "target");
        List<Change> sorted = new ArrayList<>(changes);
        sorted.sort((a, b) -> a.path().compareTo(b.path()));
        changes = List.copyOf(sorted);
        if (existingFiles < 0) {
            throw new IllegalArgumentException("existingFiles < 0");
        }
        createDirectories = List.copyOf(createDirectories);
        removeDirectories = List.copyOf(removeDirectories);
        refreshed = List.copyOf(refreshed);
    }

    /** A plan not tied to a snapshot. */
    public SyncPlan(
            String target,
            List<Change> changes,
            int existingFiles,
            List<SyncPath> createDirectories,
            List<SyncPath> removeDirectories,
            List<SnapshotEntry> refreshed) {
        this(target, changes, existingFiles, createDirectories, removeDirectories, refreshed, null);
    }

    /** This plan with destination directory operations added. */
    public SyncPlan withDirectories(List<SyncPath> create, List<SyncPath> remove) {
        return new SyncPlan(target, changes, existingFiles, create, remove, refreshed, snapshot);
    }

    /** A plan with file changes only. */
    public static SyncPlan of(String target, List<Change> changes, int existingFiles) {
        return new SyncPlan(target, changes, existingFiles, List.of(), List.of(), List.of());
    }

    /** A plan that changes nothing. */
    public static SyncPlan empty(String target, int existingFiles) {
        return of(target, List.of(), existingFiles);
    }

    /** The snapshot's source description, or empty for a plan made without a snapshot. */
    public java.util.Optional<String> source() {
        return snapshot == null ? java.util.Optional.empty() : java.util.Optional.of(snapshot.source());
    }

    public List<Change> adds() {
        return of(Change.Kind.ADD);
    }

    public List<Change> updates() {
        return of(Change.Kind.UPDATE);
    }

    public List<Change> deletes() {
        return of(Change.Kind.DELETE);
    }

    private List<Change> of(Change.Kind kind) {
        return changes.stream().filter(c -> c.kind() == kind).toList();
    }

    /** True when applying would change nothing at the destination. */
    public boolean isEmpty() {
        return changes.isEmpty() && createDirectories.isEmpty() && removeDirectories.isEmpty();
    }

    /** Bytes the plan sends. */
    public long bytes() {
        long total = 0;
        for (Change change : changes) {
            total += change.bytes();
        }
        return total;
    }

    /** "3 to add, 1 to update, 0 to delete (12345 bytes)". */
    public String summary() {
        return adds().size() + " to add, " + updates().size() + " to update, "
                + deletes().size() + " to delete (" + bytes() + " bytes)";
    }
}
