package dev.workspacesync.core;

import java.time.Instant;
import java.util.Objects;

/**
 * What a destination last received for one file: size, modification time, digest and, for destinations
 * that rename files (Databricks notebooks lose their extension), the name it was stored under.
 *
 * @param size bytes
 * @param modifiedMillis the source's modification time in epoch milliseconds, or {@link #NO_TIME}
 * @param sha256 lower-case hex SHA-256 of the content
 * @param executable the executable bit that was sent
 * @param remoteName the destination's name for the file, or null when it is the path itself
 */
public record FileState(long size, long modifiedMillis, String sha256, boolean executable, String remoteName) {
    /** Marks a file whose source has no modification times. */
    public static final long NO_TIME = Long.MIN_VALUE;

    public FileState {
        if (size < 0) {
            throw new IllegalArgumentException("negative size");
        }
        Objects.requireNonNull(sha256, "sha256");
        if (!isSha256(sha256)) {
            throw new IllegalArgumentException("not a lower-case hex SHA-256: " + sha256);
        }
        if (remoteName != null && (remoteName.isEmpty() || remoteName.chars().anyMatch(Character::isISOControl))) {
            throw new IllegalArgumentException("remote name must be non-empty and free of control characters");
        }
    }

    private static boolean isSha256(String text) {
        if (text.length() != 64) {
            return false;
        }
        for (int i = 0; i < 64; i++) {
            char c = text.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }

    /** The state of an entry as sent (reads the content if its digest is not yet known). */
    public static FileState of(SnapshotEntry entry) {
        return of(entry, null);
    }

    /** The state of an entry as sent, stored under another name at the destination. */
    public static FileState of(SnapshotEntry entry, String remoteName) {
        long time = entry.modified().map(Instant::toEpochMilli).orElse(NO_TIME);
        return new FileState(entry.size(), time, entry.sha256(), entry.executable(), remoteName);
    }

    /** This state with another modification time. */
    public FileState withModifiedMillis(long millis) {
        return new FileState(size, millis, sha256, executable, remoteName);
    }
}
