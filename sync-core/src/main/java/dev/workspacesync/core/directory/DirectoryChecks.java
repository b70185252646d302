package dev.workspacesync.core.directory;

import dev.workspacesync.core.Check;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The read-only checks of a {@link DirectoryDestination}: the mirror and the state directory exist and
 * are writable, or their nearest existing parent is, so the first run can create them. Asks the file
 * system ({@code access(2)} through {@link Files#isWritable}) and creates nothing.
 */
final class DirectoryChecks {
    private static final String NAME = "directory";

    private DirectoryChecks() {}

    static List<Check> of(Path root, Path stateDirectory) {
        List<Check> checks = new ArrayList<>();
        checks.add(writable(root, "directory.path", "the mirror"));
        checks.add(writable(stateDirectory, "directory.state-dir", "the sync state"));
        return checks;
    }

    /** Whether {@code dir} (or, when it does not exist yet, its nearest existing parent) is a writable directory. */
    static Check writable(Path dir, String key, String what) {
        if (Files.exists(dir)) {
            if (!Files.isDirectory(dir)) {
                return Check.failed(
                        NAME,
                        dir + " (" + what + ") exists but is not a directory",
                        "remove or rename it, or set " + key + " to a directory");
            }
            if (!Files.isWritable(dir) || !Files.isExecutable(dir)) {
                return Check.failed(
                        NAME,
                        "Permission denied: " + dir + " (" + what + ") is not writable by this user",
                        "grant write permission on " + dir + ", or set " + key + " to a directory you can write");
            }
            return Check.passed(NAME, dir + " (" + what + ") exists and is writable");
        }
        Path parent = dir.getParent();
        while (parent != null && !Files.exists(parent, LinkOption.NOFOLLOW_LINKS) && !Files.exists(parent)) {
            parent = parent.getParent();
        }
        if (parent == null) {
            return Check.failed(NAME, dir + " (" + what + ") does not exist and has no existing parent", "set " + key);
        }
        if (!Files.isDirectory(parent)) {
            return Check.failed(
                    NAME,
                    dir + " (" + what + ") cannot be created: " + parent + " is not a directory",
                    "set " + key + " to a path under a directory");
        }
        if (!Files.isWritable(parent) || !Files.isExecutable(parent)) {
            return Check.failed(
                    NAME,
                    "Permission denied: " + dir + " (" + what + ") does not exist and " + parent
                            + " is not writable by this user",
                    "create " + dir + " with write permission for this user, or set " + key
                            + " to a directory you can write");
        }
        return Check.passed(
                NAME,
                dir + " (" + what + ") does not exist yet; the first run creates it in " + parent + " (writable)");
    }
}
