package dev.workspacesync.core;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The complete set of files a source offers at one moment, sorted by path, each path once. It also names
 * the source and its revision (a commit id, a pull time) and carries free-form attributes such as the
 * Windmill workspace id, which destinations may use (for example in commit messages).
 */
public final class Snapshot {
    /** Attribute: the absolute local directory a local source reads (destinations keep state beside it). */
    public static final String ROOT = "root";
    /** Attribute: the project's name (a local directory's name), for default destination folders. */
    public static final String PROJECT = "project";
    /** Attribute: the Windmill workspace id, for commit messages ({@code {workspace}}). */
    public static final String WORKSPACE = "workspace";

    private final String source;
    private final String revision;
    private final Instant takenAt;
    private final Map<String, String> attributes;
    private final List<SnapshotEntry> entries;
    private final Map<SyncPath, SnapshotEntry> byPath;

    /**
     * @param source a human description of the source, free of secrets
     * @param revision the source's revision, or null when it has none
     * @param takenAt when the snapshot was taken
     * @param attributes extra facts about the source (e.g. {@code workspace})
     * @param entries the files, in any order
     * @throws SourceException if two entries share a path
     */
    public Snapshot(
            String source,
            String revision,
            Instant takenAt,
            Map<String, String> attributes,
            Collection<SnapshotEntry> entries) {
        this.source = Objects.requireNonNull(source, "source");
        this.revision = revision;
        this.takenAt = Objects.requireNonNull(takenAt, "takenAt");
        this.attributes = Collections.unmodifiableMap(new TreeMap<>(attributes));
        List<SnapshotEntry> sorted = new ArrayList<>(entries);
        sorted.sort((a, b) -> a.path().compareTo(b.path()));
        Map<SyncPath, SnapshotEntry> index = new HashMap<>(sorted.size() * 2);
        for (SnapshotEntry entry : sorted) {
            if (index.put(entry.path(), entry) != null) {
                throw new SourceException(source + " offered " + entry.path() + " twice");
            }
        }
        this.entries = Collections.unmodifiableList(sorted);
        this.byPath = index;
    }

    /** A snapshot with no revision and no attributes, taken now. */
    public static Snapshot of(String source, Collection<SnapshotEntry> entries) {
        return new Snapshot(source, null, Instant.now(), Map.of(), entries);
    }

    public String source() {
        return source;
    }

    public Optional<String> revision() {
        return Optional.ofNullable(revision);
    }

    public Instant takenAt() {
        return takenAt;
    }

    public Map<String, String> attributes() {
        return attributes;
    }

    /** The entries, sorted by path. */
    public List<SnapshotEntry> entries() {
        return entries;
    }

    public Optional<SnapshotEntry> entry(SyncPath path) {
        return Optional.ofNullable(byPath.get(path));
    }

    public int size() {
        return entries.size();
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** The sum of every entry's size. */
    public long totalBytes() {
        long total = 0;
        for (SnapshotEntry entry : entries) {
            total += entry.size();
        }
        return total;
    }

    @Override
    public String toString() {
        return "Snapshot of " + source + (revision == null ? "" : " at " + revision) + ": " + entries.size() + " files";
    }
}
