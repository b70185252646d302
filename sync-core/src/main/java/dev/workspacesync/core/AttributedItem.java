package dev.workspacesync.core;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One item of a source (a script, a flow, …) that a sync changes, with who changed it and when, as far as the
 * source knows. Its files are the snapshot paths (or, for a deleted item, the destination paths) that belong
 * to it, derived files (a lock file) included, so they land in the same commit.
 *
 * @param kind what the item is, lower case, as the source names it ({@code script}, {@code flow})
 * @param path the item's own path at the source ({@code f/team/etl}), for messages
 * @param deleted whether the item left the source
 * @param files the changed files that belong to the item
 * @param author who made the change, or null when the source cannot tell
 * @param changedAt when, or null when the source cannot tell
 */
public record AttributedItem(
        String kind, String path, boolean deleted, Set<SyncPath> files, Author author, Instant changedAt) {
    public AttributedItem {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(path, "path");
        files = Set.copyOf(files);
    }

    /** Who changed it, when the source knows. */
    public Optional<Author> authorIfKnown() {
        return Optional.ofNullable(author);
    }

    /** When it changed, when the source knows. */
    public Optional<Instant> changedAtIfKnown() {
        return Optional.ofNullable(changedAt);
    }

    /**
     * One line for a commit message, in Windmill Enterprise git sync's words: {@code Flow 'f/x/y' deployed},
     * {@code Flow 'f/x/y' deleted}.
     */
    public String line() {
        String label = kind.isEmpty() ? "Item" : Character.toUpperCase(kind.charAt(0)) + kind.substring(1);
        return label + " '" + path + "' " + (deleted ? "deleted" : "deployed");
    }
}
