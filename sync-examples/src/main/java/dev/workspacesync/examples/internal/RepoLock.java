package dev.workspacesync.examples.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One sync per repository at a time, across processes, without losing a trigger. A process that finds
 * the lock taken leaves a "pending" mark and returns; the holder re-runs while marks keep arriving. The
 * holder checks for a mark again after releasing, and a newcomer tries the lock again after marking, so a
 * trigger that races the release is always picked up by one of them.
 */
public final class RepoLock {
    private final Path lockFile;
    private final Path pendingFile;

    public RepoLock(Path directory) {
        this.lockFile = directory.resolve("hook.lock");
        this.pendingFile = directory.resolve("hook.pending");
    }

    /**
     * Runs {@code job} now, and again for every trigger that arrives meanwhile; or, if another process is
     * running, leaves a mark for it and returns false.
     */
    public boolean runCoalesced(Runnable job) throws IOException {
        Files.createDirectories(lockFile.getParent());
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            while (true) {
                FileLock lock = tryLock(channel);
                if (lock == null) {
                    Files.writeString(pendingFile, "pending\n");
                    lock = tryLock(channel);
                    if (lock == null) {
                        return false; // the holder will see the mark
                    }
                }
                try {
                    do {
                        Files.deleteIfExists(pendingFile);
                        job.run();
                    } while (Files.exists(pendingFile));
                } finally {
                    lock.release();
                }
                if (!Files.exists(pendingFile)) {
                    return true;
                }
                // A mark arrived as we released: take the lock again, unless its writer already did.
            }
        }
    }

    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null;
        }
    }
}
