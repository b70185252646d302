package dev.workspacesync.windmill.internal;

import dev.workspacesync.core.SourceException;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/** A temporary directory deleted, with everything in it, on {@link #close()}. */
public final class StagingDir implements AutoCloseable {
    private final Path path;

    private StagingDir(Path path) {
        this.path = path;
    }

    /** Creates a fresh directory under {@code parent} (or the system temporary directory when null). */
    public static StagingDir create(Path parent, String prefix) {
        try {
            return new StagingDir(
                    parent == null
                            ? Files.createTempDirectory(prefix)
                            : Files.createTempDirectory(Files.createDirectories(parent), prefix));
        } catch (IOException e) {
            throw new SourceException("Cannot create a staging directory: " + e.getMessage(), e);
        }
    }

    public Path path() {
        return path;
    }

    @Override
    public void close() {
        try {
            deleteTree(path);
        } catch (IOException e) {
            // Best effort: a leftover temporary directory is not worth failing a sync for.
        }
    }

    /** Deletes a directory tree if it exists. */
    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
