package dev.workspacesync.core;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The complete set of files a source offers at one moment, sorted by path, each path once. It also names
 * the source and its revision (a commit id, a pull time) and carries free-form attributes such as the
 * Windmill workspace id, which destinations may use (for example in commit messages).
 *
 * <p>A snapshot also lists what it could not carry ({@link #skipped()}): files the source has but could
 * not offer (a name that is not valid UTF-8), and, in the view a pipeline gives one destination, files
 * that destination cannot hold. Paths of the latter are {@linkplain #withheld withheld}: a destination
 * must not delete what it already holds there, because the file did not leave the source.
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
    private final List<Skipped> skipped;
    private final Set<SyncPath> withheld;
    private final Attribution attribution;

    /**
     * @param source a human description of the source, free of secrets
     * @param revision the source's revision, or null when it has none
     * @param takenAt when the snapshot was taken
     * @param attributes extra facts about the source (e.g. {@code workspace})
     * @param entries the files, in any order; two with one path are both left out and reported as
     *     {@linkplain #skipped() skipped}
     */
    public Snapshot(
            String source,
            String revision,
            Instant takenAt,
            Map<String, String> attributes,
            Collection<SnapshotEntry> entries) {
        this(source, revision, takenAt, attributes, entries, List.of());
    }

    /**
     * A snapshot that also lists files the source has but could not offer.
     *
     * @param skipped what the source could not offer, and why
     */
    public Snapshot(
            String source,
            String revision,
            Instant takenAt,
            Map<String, String> attributes,
            Collection<SnapshotEntry> entries,
            Collection<Skipped> skipped) {
        this(source, revision, takenAt, attributes, entries, skipped, Set.of(), null);
    }

    private Snapshot(
            String source,
            String revision,
            Instant takenAt,
            Map<String, String> attributes,
            Collection<SnapshotEntry> entries,
            Collection<Skipped> skipped,
            Set<SyncPath> withheld,
            Attribution attribution) {
        this.attribution = attribution;
        this.source = Objects.requireNonNull(source, "source");
        this.revision = revision;
        this.takenAt = Objects.requireNonNull(takenAt, "takenAt");
        this.attributes = Collections.unmodifiableMap(new TreeMap<>(attributes));
        List<SnapshotEntry> sorted = new ArrayList<>(entries);
        sorted.sort((a, b) -> a.path().compareTo(b.path()));
        Map<SyncPath, SnapshotEntry> index = new HashMap<>(sorted.size() * 2);
        Set<SyncPath> duplicates = new HashSet<>();
        for (SnapshotEntry entry : sorted) {
            if (index.put(entry.path(), entry) != null) {
                duplicates.add(entry.path());
            }
        }
        List<Skipped> allSkipped = new ArrayList<>(skipped);
        Set<SyncPath> allWithheld = new HashSet<>(withheld);
        if (!duplicates.isEmpty()) {
            // Which of the two is right cannot be known: carry neither, keep what the destination has.
            sorted.removeIf(e -> duplicates.contains(e.path()));
            for (SyncPath path : duplicates) {
                index.remove(path);
                allSkipped.add(Skipped.of(path, source + " offered it twice"));
            }
            allWithheld.addAll(duplicates);
        }
        allSkipped.sort((a, b) -> a.path().compareTo(b.path()));
        this.entries = Collections.unmodifiableList(sorted);
        this.byPath = index;
        this.skipped = List.copyOf(allSkipped);
        this.withheld = Set.copyOf(allWithheld);
    }

    /**
     * This snapshot with only {@code kept} offered; {@code moreSkipped} join the skipped list and their
     * {@code withheldPaths} are protected from deletion. The pipeline uses it to give each destination
     * the part it can hold.
     */
    public Snapshot restrict(
            Collection<SnapshotEntry> kept, Collection<Skipped> moreSkipped, Collection<SyncPath> withheldPaths) {
        List<Skipped> all = new ArrayList<>(skipped);
        all.addAll(moreSkipped);
        Set<SyncPath> held = new HashSet<>(withheld);
        held.addAll(withheldPaths);
        return new Snapshot(source, revision, takenAt, attributes, kept, all, held, attribution);
    }

    /**
     * This snapshot with what the source knows of who changed its items, for destinations that credit people
     * (the same files; a destination that ignores it writes the same result).
     */
    public Snapshot withAttribution(Attribution knownAttribution) {
        return new Snapshot(source, revision, takenAt, attributes, entries, skipped, withheld, knownAttribution);
    }

    /** Who changed the source's items, when the source can tell (see {@link Attribution}). */
    public Optional<Attribution> attribution() {
        return Optional.ofNullable(attribution);
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

    /** What the source has but this snapshot does not carry, sorted by path. */
    public List<Skipped> skipped() {
        return skipped;
    }

    /**
     * Whether the source has a file at {@code path} that this snapshot does not carry (a skipped name):
     * a destination keeps what it holds there instead of deleting it.
     */
    public boolean withheld(SyncPath path) {
        return withheld.contains(path);
    }

    /** Every {@linkplain #withheld(SyncPath) withheld} path. */
    public Set<SyncPath> withheldPaths() {
        return withheld;
    }

    /** Whether every file the source has is carried. */
    public boolean complete() {
        return skipped.isEmpty();
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
        return "Snapshot of " + source + (revision == null ? "" : " at " + revision) + ": " + entries.size() + " files"
                + (skipped.isEmpty() ? "" : ", " + skipped.size() + " skipped");
    }
}
