package dev.workspacesync.databricks.bench;

import dev.workspacesync.core.Snapshot;
import dev.workspacesync.core.SnapshotEntry;
import dev.workspacesync.core.SourceException;
import dev.workspacesync.core.SyncPath;
import dev.workspacesync.core.spi.Source;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A plain directory walk (no ignore rules) for the benchmark: size, time and executable bit from one stat
 * per file, content opened on demand. Sets the snapshot attribute {@code root}. Not the project's local
 * source (that lives in sync-git, which this module must not depend on).
 */
final class LocalDirectorySource implements Source {
    private final Path root;

    LocalDirectorySource(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    @Override
    public String describe() {
        return "local:" + root;
    }

    @Override
    public Snapshot snapshot() {
        List<SnapshotEntry> entries = new ArrayList<>();
        int prefix = root.toString().length() + 1;
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    return dir.getFileName() != null
                                    && dir.getFileName().toString().equals(".git")
                            ? FileVisitResult.SKIP_SUBTREE
                            : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile()) {
                        entries.add(new SnapshotEntry(
                                SyncPath.of(file.toString().substring(prefix)),
                                attrs.size(),
                                false,
                                Instant.ofEpochMilli(attrs.lastModifiedTime().toMillis()),
                                () -> Files.newInputStream(file)));
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new SourceException("Cannot walk " + root + ": " + e.getMessage(), e);
        }
        return new Snapshot(describe(), null, Instant.now(), Map.of("root", root.toString()), entries);
    }
}
