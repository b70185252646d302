package dev.workspacesync.core;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;

/**
 * One file of a {@link Snapshot}: its path, size, executable bit, optional modification time, and its
 * content, opened on demand as a stream (a snapshot never holds the tree's bytes in memory). The SHA-256
 * digest is computed on first request, at most once, unless the source already knew it.
 */
public final class SnapshotEntry {
    /** Opens an entry's content; may be called more than once, each call returning a fresh stream. */
    @FunctionalInterface
    public interface Content {
        /** A new stream over the entry's bytes. */
        InputStream open() throws IOException;
    }

    private final SyncPath path;
    private final long size;
    private final boolean executable;
    private final Instant modified;
    private final Content content;
    private volatile String sha256;

    /**
     * @param path where the file lives, relative to the snapshot's root
     * @param size its length in bytes
     * @param executable whether its executable bit is set
     * @param modified its modification time, or null when the source has none (an archive entry)
     * @param content opens its bytes
     */
    public SnapshotEntry(SyncPath path, long size, boolean executable, Instant modified, Content content) {
        this(path, size, executable, modified, content, null);
    }

    private SnapshotEntry(
            SyncPath path, long size, boolean executable, Instant modified, Content content, String sha256) {
        this.path = Objects.requireNonNull(path, "path");
        if (size < 0) {
            throw new IllegalArgumentException("negative size for " + path);
        }
        this.size = size;
        this.executable = executable;
        this.modified = modified;
        this.content = Objects.requireNonNull(content, "content");
        this.sha256 = sha256;
    }

    /** An entry for a local file, with its size, executable bit and modification time read now. */
    public static SnapshotEntry ofFile(SyncPath path, Path file) {
        try {
            long size = Files.size(file);
            FileTime time = Files.getLastModifiedTime(file);
            boolean exec = Files.isExecutable(file);
            return new SnapshotEntry(path, size, exec, time.toInstant(), () -> Files.newInputStream(file));
        } catch (IOException e) {
            throw new SourceException("Cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** An entry held in memory (small generated files, tests). */
    public static SnapshotEntry ofBytes(SyncPath path, byte[] bytes, boolean executable, Instant modified) {
        byte[] copy = bytes.clone();
        return new SnapshotEntry(path, copy.length, executable, modified, () -> new ByteArrayInputStream(copy));
    }

    /** This entry with a digest the source already knows, so it is never computed by reading. */
    public SnapshotEntry withSha256(String knownSha256) {
        return new SnapshotEntry(path, size, executable, modified, content, knownSha256);
    }

    /** This entry under another path (same content, metadata and known digest). */
    public SnapshotEntry withPath(SyncPath other) {
        return new SnapshotEntry(other, size, executable, modified, content, sha256);
    }

    public SyncPath path() {
        return path;
    }

    public long size() {
        return size;
    }

    public boolean executable() {
        return executable;
    }

    /** The modification time, when the source has one. */
    public Optional<Instant> modified() {
        return Optional.ofNullable(modified);
    }

    /** A new stream over the content; the caller closes it. */
    public InputStream open() throws IOException {
        return content.open();
    }

    /** The lower-case hex SHA-256 of the content, read and computed on the first call only. */
    public String sha256() {
        String known = sha256;
        if (known == null) {
            synchronized (this) {
                known = sha256;
                if (known == null) {
                    known = computeSha256();
                    sha256 = known;
                }
            }
        }
        return known;
    }

    /** Whether the digest is already known (no read needed). */
    public boolean hasKnownSha256() {
        return sha256 != null;
    }

    private String computeSha256() {
        MessageDigest digest = newSha256();
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = content.open()) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
            }
        } catch (IOException e) {
            throw new SourceException("Cannot read " + path + ": " + e.getMessage(), new UncheckedIOException(e));
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** A fresh SHA-256 digest (always available on a Java platform). */
    public static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }

    @Override
    public String toString() {
        return path + " (" + size + " bytes" + (executable ? ", executable" : "") + ")";
    }
}
