package dev.workspacesync.core;

import java.util.Objects;

/**
 * One planned change to a destination file.
 *
 * @param kind what happens to the file
 * @param path the file
 * @param entry the new content for {@link Kind#ADD} and {@link Kind#UPDATE}; null for {@link Kind#DELETE}
 */
public record Change(Kind kind, SyncPath path, SnapshotEntry entry) {
    /** What a change does. */
    public enum Kind {
        /** The file is new at the destination. */
        ADD,
        /** The file exists at the destination with other content or mode. */
        UPDATE,
        /** The file left the source and goes from the destination. */
        DELETE
    }

    public Change {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(path, "path");
        if ((kind == Kind.DELETE) != (entry == null)) {
            throw new IllegalArgumentException(
                    kind + " of " + path + (entry == null ? " needs" : " takes no") + " content");
        }
    }

    public static Change add(SnapshotEntry entry) {
        return new Change(Kind.ADD, entry.path(), entry);
    }

    public static Change update(SnapshotEntry entry) {
        return new Change(Kind.UPDATE, entry.path(), entry);
    }

    public static Change delete(SyncPath path) {
        return new Change(Kind.DELETE, path, null);
    }

    /** The bytes this change sends: the entry's size, 0 for a delete. */
    public long bytes() {
        return entry == null ? 0 : entry.size();
    }
}
