package dev.workspacesync.git.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Named points of a git sync where the crash tests kill the process. Off unless the JVM is started with
 * {@code -Dworkspace-sync.test.pause-at=NAME} (and {@code -Dworkspace-sync.test.pause-marker=FILE}): at
 * that point the sync writes the marker file and blocks, so a test knows exactly where the process is
 * when it sends {@code kill -9}. Nothing else changes; without the property a point is one property read.
 */
public final class CrashPoint {
    /** Half of the changed files are written into the work tree (the index is locked). */
    public static final String WRITE = "write";
    /** The new index is written to {@code index.lock}, not yet renamed into place. */
    public static final String STAGE = "stage";
    /** The commit is on the clone's branch, not yet pushed. */
    public static final String COMMIT = "commit";
    /** The push has started sending (the remote has answered, objects are being written). */
    public static final String PUSH = "push";
    /** The remote accepted the push; nothing about it is recorded locally yet. */
    public static final String PUSHED = "pushed";

    private static final String PAUSE_AT = "workspace-sync.test.pause-at";
    private static final String MARKER = "workspace-sync.test.pause-marker";

    private CrashPoint() {}

    /** Whether any pause is configured (to skip setting up what only a pause needs). */
    public static boolean enabled() {
        return System.getProperty(PAUSE_AT) != null;
    }

    /** Blocks for good when the JVM was told to pause at {@code name}; returns at once otherwise. */
    public static void reached(String name) {
        if (!name.equals(System.getProperty(PAUSE_AT))) {
            return;
        }
        String marker = System.getProperty(MARKER);
        try {
            if (marker != null) {
                Path file = Path.of(marker);
                Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
                Files.writeString(tmp, ProcessHandle.current().pid() + "\n");
                Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
            Object forever = new Object();
            synchronized (forever) {
                while (true) {
                    forever.wait();
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the pause marker " + marker, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while paused at " + name, e);
        }
    }
}
