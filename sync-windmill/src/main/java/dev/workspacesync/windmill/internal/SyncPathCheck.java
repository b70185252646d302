package dev.workspacesync.windmill.internal;

import dev.workspacesync.core.SourceException;
import dev.workspacesync.core.SyncPath;

/** Checks a path taken from inside an item (raw app files, runnable ids) before it becomes a file name. */
final class SyncPathCheck {
    private SyncPathCheck() {}

    /** {@code relative}, normalised, if it stays inside {@code dir}; otherwise a {@link SourceException}. */
    static String relative(String relative, String dir) {
        try {
            return SyncPath.of(relative.replaceAll("(^|/)\\./", "$1")).value();
        } catch (SyncPath.InvalidPathException e) {
            throw new SourceException("The raw app " + dir + " holds an unsafe path: " + e.getMessage(), e);
        }
    }
}
