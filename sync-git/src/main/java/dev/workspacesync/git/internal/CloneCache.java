package dev.workspacesync.git.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.util.FileUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default home of cached clones ({@code <user cache dir>/workspace-sync/git}) and its upkeep: a
 * clone's folder name is derived from the remote (a bounded, sanitised host and a digest, never other
 * text from the URL), and clones nobody used for a while are removed.
 */
public final class CloneCache {
    private static final Logger LOG = LoggerFactory.getLogger(CloneCache.class);
    private static final int HOST_CHARS = 32;

    private CloneCache() {}

    /**
     * The user cache directory ({@code $XDG_CACHE_HOME} or {@code ~/.cache}, {@code ~/Library/Caches},
     * {@code %LOCALAPPDATA%}), then {@code workspace-sync/git}.
     */
    public static Path root() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        Path home = Path.of(System.getProperty("user.home"));
        Path cache;
        if (os.contains("win")) {
            String local = System.getenv("LOCALAPPDATA");
            cache = local != null ? Path.of(local) : home.resolve("AppData").resolve("Local");
        } else if (os.contains("mac")) {
            cache = home.resolve("Library").resolve("Caches");
        } else {
            String xdg = System.getenv("XDG_CACHE_HOME");
            cache = xdg != null && !xdg.isBlank() ? Path.of(xdg) : home.resolve(".cache");
        }
        return cache.resolve("workspace-sync").resolve("git").toAbsolutePath().normalize();
    }

    /**
     * The folder name of the clone of a branch: {@code <host>-<digest>}, where host is the remote's host
     * reduced to {@code [a-z0-9.-]} and at most 32 characters ({@code local} for a file URL), and the
     * digest is SHA-256 of the remote without user info (scheme and host lower-cased, no trailing
     * {@code /}) and the branch.
     */
    public static String folderName(URIish remote, String branch) {
        String host = remote.getHost() == null ? "" : remote.getHost().toLowerCase(Locale.ROOT);
        String prefix = host.replaceAll("[^a-z0-9.-]+", "-").replaceAll("^[.-]+", "");
        if (prefix.length() > HOST_CHARS) {
            prefix = prefix.substring(0, HOST_CHARS);
        }
        if (prefix.isEmpty()) {
            prefix = "local";
        }
        String path = remote.getPath() == null ? "" : remote.getPath().replaceAll("/+$", "");
        String normalised =
                (remote.getScheme() == null ? "ssh" : remote.getScheme().toLowerCase(Locale.ROOT))
                        + "://" + host + (remote.getPort() > 0 ? ":" + remote.getPort() : "") + "/"
                        + path.replaceAll("^/+", "")
                        + "#" + branch;
        return prefix + "-" + HexFormat.of().formatHex(sha256(normalised)).substring(0, 24);
    }

    /**
     * The folder name of the git source's bare clone of a remote (one for all the refs read from it):
     * {@code <host>-<digest>.git}, the digest taken as in {@link #folderName} with a branch no branch can
     * be called, so it never names a destination's clone.
     */
    public static String bareFolderName(URIish remote) {
        return folderName(remote, " source") + ".git";
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /**
     * Removes the clones below {@code root} that no sync used for {@code maxIdle}, and clones whose
     * creation was cut short, except {@code keep}. A clone in use (its lock held by a live process) is
     * never touched; a folder that is not a workspace-sync clone is left alone.
     *
     * @return how many were removed
     */
    public static int sweep(Path root, Duration maxIdle, Path keep) {
        if (!Files.isDirectory(root)) {
            return 0;
        }
        List<Path> children;
        try (Stream<Path> list = Files.list(root)) {
            children = list.toList();
        } catch (IOException e) {
            LOG.debug("Cannot list the clone cache {}: {}", root, e.toString());
            return 0;
        }
        Instant idleSince = Instant.now().minus(maxIdle);
        int removed = 0;
        for (Path child : children) {
            if (child.toAbsolutePath().normalize().equals(keep)) {
                continue;
            }
            Path lock = stateDir(child).resolve(CachedClone.LOCK);
            try {
                if (!Files.isRegularFile(lock)) {
                    continue; // not one of ours
                }
                if (!halfMade(child)
                        && Files.getLastModifiedTime(lock).toInstant().isAfter(idleSince)) {
                    continue;
                }
                if (remove(child, lock, idleSince)) {
                    removed++;
                }
            } catch (IOException | RuntimeException e) {
                LOG.debug("Cannot check cached clone {}: {}", child, e.toString());
            }
        }
        return removed;
    }

    /** Our own files in a clone: in {@code .git}, or at the top of a bare clone (the git source's). */
    private static Path stateDir(Path clone) {
        Path nested = clone.resolve(Constants.DOT_GIT).resolve("workspace-sync");
        return Files.isDirectory(nested) ? nested : clone.resolve("workspace-sync");
    }

    private static boolean halfMade(Path clone) {
        Path state = stateDir(clone);
        Path git = state.getParent();
        return Files.exists(state.resolve(CachedClone.CREATING)) || !Files.exists(git.resolve(Constants.CONFIG));
    }

    private static boolean remove(Path clone, Path lockFile, Instant idleSince) throws IOException {
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                return false; // used by this process
            }
            if (lock == null) {
                return false; // used by another process
            }
            // Checked again under the lock: a sync may have used it since the first look.
            boolean half = halfMade(clone);
            if (!half && Files.getLastModifiedTime(lockFile).toInstant().isAfter(idleSince)) {
                return false;
            }
            if (CachedClone.LockOwner.read(channel).state() == CachedClone.LockOwner.State.REMOVED) {
                return false;
            }
            CachedClone.LockOwner.removed().write(channel);
            FileUtils.delete(clone.toFile(), FileUtils.RECURSIVE | FileUtils.SKIP_MISSING);
            LOG.info(
                    "Removed the cached clone {} ({})",
                    clone,
                    half ? "its creation was interrupted" : "unused for longer than git.cache-max-idle");
            return true;
        }
    }
}
