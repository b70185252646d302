package dev.workspacesync.core.internal;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * Why a file operation failed, in words that name a path the person knows: the file or directory they
 * named, never the temporary sibling a write goes through ({@code .ws-123.partial} means nothing to them).
 */
public final class FileErrors {
    private FileErrors() {}

    /**
     * Describes a failure to write {@code target} through the temporary file {@code temp} (null if none
     * was made yet): "Permission denied: /backup", "/backup is a file, not a directory",
     * "No space left on device: /backup".
     */
    public static String describe(IOException e, Path target, Path temp) {
        Path dir = target.toAbsolutePath().getParent();
        if (e instanceof FileSystemException fse) {
            Path file = fse.getFile() == null ? null : Path.of(fse.getFile());
            // The temporary file is created in (and renamed within) the target's directory: that directory
            // is what refused.
            Path shown = file == null || (temp != null && file.equals(temp)) || isTemporary(file) ? dir : file;
            String reason = fse.getReason();
            Path blocking = fileInTheWay(target);
            if (blocking != null
                    && (e instanceof FileAlreadyExistsException
                            || e instanceof NotDirectoryException
                            || (reason != null && reason.contains("Not a directory")))) {
                return blocking + " is a file, not a directory";
            }
            if (e instanceof AccessDeniedException) {
                return "Permission denied: " + shown;
            }
            if (e instanceof NoSuchFileException) {
                return "No such file or directory: " + shown;
            }
            if (reason != null && !reason.isBlank()) {
                return reason + ": " + shown;
            }
            return e.getClass().getSimpleName() + ": " + shown;
        }
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    /** Describes a failure on {@code path} itself (a delete, a directory made). */
    public static String describe(IOException e, Path path) {
        return describe(e, path, null);
    }

    private static boolean isTemporary(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString();
        return name.startsWith(".ws-") && (name.endsWith(".partial") || name.endsWith(".tmp"));
    }

    /** The nearest ancestor of {@code target} that exists and is not a directory, or null. */
    private static Path fileInTheWay(Path target) {
        for (Path p = target.toAbsolutePath().getParent(); p != null; p = p.getParent()) {
            if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                return Files.isDirectory(p) ? null : p;
            }
        }
        return null;
    }
}
