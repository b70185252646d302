package dev.workspacesync.core;

import java.util.Objects;

/**
 * A file the source has but a run did not carry: a name the destination cannot hold, a name that is not
 * valid UTF-8, two names the destination cannot tell apart. A run with any of these is {@link
 * SyncStatus#INCOMPLETE}; nothing about the file is recorded, so every later run tries (and reports) it
 * again until it is renamed or removed.
 *
 * @param path the file's path, shown safely: control characters and backslashes escaped as in {@link
 *     SyncPath#escape}, bytes that are not UTF-8 as {@code \xNN}
 * @param reason why it was not carried, for people
 */
public record Skipped(String path, String reason) {
    public Skipped {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(reason, "reason");
    }

    /** A skipped entry for a path the source could represent. */
    public static Skipped of(SyncPath path, String reason) {
        return new Skipped(path.escaped(), reason);
    }

    @Override
    public String toString() {
        return path + " (" + reason + ")";
    }
}
