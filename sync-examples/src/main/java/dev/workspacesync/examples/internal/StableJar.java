package dev.workspacesync.examples.internal;

import dev.workspacesync.core.SyncException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.CodeSource;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A copy of the running jar in a place of its own ({@code $XDG_DATA_HOME/workspace-sync}, by default
 * {@code ~/.local/share/workspace-sync}), so what a commit hook runs outlives the build directory it came
 * from. Copies are named by version and content digest and land by rename, so a hook starting at any
 * moment sees a whole jar: the one it was written for, or none.
 */
public final class StableJar {
    /** Copies kept besides the one just installed (hooks of other repositories may still name them). */
    static final int OLD_COPIES_KEPT = 2;

    private static final String PREFIX = "workspace-sync-";

    private StableJar() {}

    /**
     * What {@link #install} did.
     *
     * @param jar the stable copy
     * @param changed whether it was written now (false when the same content was already there)
     * @param removed older copies removed
     */
    public record Copy(Path jar, boolean changed, List<Path> removed) {}

    /**
     * The class-data archive the commit hook keeps beside {@code jar} ({@code name.jsa} for {@code name.jar}):
     * written by the first hook run, mapped by the later ones (see {@link HookScript#forJar}).
     */
    public static Path classData(Path jar) {
        String name = jar.getFileName().toString();
        return jar.resolveSibling((name.endsWith(".jar") ? name.substring(0, name.length() - 4) : name) + ".jsa");
    }

    /** The jar {@code type} was loaded from, or empty when it was loaded from a directory (a development build). */
    public static Optional<Path> runningJar(Class<?> type) {
        Path location = codeSource(type);
        return Files.isRegularFile(location) ? Optional.of(location) : Optional.empty();
    }

    /** Where {@code type} was loaded from: a jar, or a classes directory. */
    public static Path codeSource(Class<?> type) {
        CodeSource source = type.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            throw new SyncException("Cannot tell where " + type.getName() + " was loaded from: run install-hook"
                    + " with java -jar workspace-sync.jar.");
        }
        try {
            return Path.of(source.getLocation().toURI()).toAbsolutePath();
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new SyncException("Cannot locate the workspace-sync jar (" + source.getLocation() + ")", e);
        }
    }

    /** {@code $XDG_DATA_HOME/workspace-sync} when that is an absolute path (as the XDG spec asks), else {@code ~/.local/share/workspace-sync}. */
    public static Path directory(Map<String, String> environment, Path home) {
        String xdg = environment.get("XDG_DATA_HOME");
        Path base = xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()
                ? Path.of(xdg)
                : home.resolve(".local/share");
        return base.resolve("workspace-sync");
    }

    /**
     * Copies {@code source} into {@code directory} as {@code workspace-sync-<version>-<digest>.jar}, unless
     * a copy with the same content is there already, and removes all but the newest older copies.
     *
     * @param version the jar's version (from its manifest), or null
     */
    public static Copy install(Path source, String version, Path directory) {
        try {
            Files.createDirectories(directory);
            String digest = digest(source);
            Path target = directory.resolve(PREFIX + safe(version) + digest.substring(0, 16) + ".jar");
            boolean changed = false;
            if (!Files.isRegularFile(target) || !digest(target).equals(digest)) {
                copyAtomically(source, target, directory);
                // An archive of the jar this one replaced no longer matches it: the next hook run writes a new one.
                Files.deleteIfExists(classData(target));
                changed = true;
            }
            return new Copy(target, changed, prune(directory, target));
        } catch (IOException e) {
            throw new SyncException("Cannot copy " + source + " to " + directory + ": " + e.getMessage(), e);
        }
    }

    private static void copyAtomically(Path source, Path target, Path directory) throws IOException {
        Path tmp = Files.createTempFile(directory, ".install-", ".jar.tmp");
        try {
            try (InputStream in = Files.newInputStream(source);
                    FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE);
                    OutputStream out = java.nio.channels.Channels.newOutputStream(channel)) {
                in.transferTo(out);
                channel.force(true); // on disk before the name points at it
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static List<Path> prune(Path directory, Path keep) throws IOException {
        // Left by an install killed mid-copy, or a hook run killed while writing its class-data archive; an
        // hour is far longer than either takes.
        java.nio.file.attribute.FileTime stale =
                java.nio.file.attribute.FileTime.from(java.time.Instant.now().minus(java.time.Duration.ofHours(1)));
        try (DirectoryStream<Path> temps = Files.newDirectoryStream(directory, "{.install-*.jar.tmp,*.jsa.*.tmp}")) {
            for (Path temp : temps) {
                if (modified(temp).compareTo(stale) < 0) {
                    Files.deleteIfExists(temp);
                }
            }
        }
        List<Path> others = new ArrayList<>();
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(directory, PREFIX + "*.jar")) {
            for (Path jar : jars) {
                if (!jar.equals(keep) && Files.isRegularFile(jar)) {
                    others.add(jar);
                }
            }
        }
        others.sort(Comparator.comparing(StableJar::modified).reversed());
        List<Path> removed = new ArrayList<>();
        for (Path old : others.subList(Math.min(OLD_COPIES_KEPT, others.size()), others.size())) {
            // A hook already running keeps reading the file it opened; only a hook naming it and starting
            // later misses it, and reports that in ~/.sync-errors.log.
            if (Files.deleteIfExists(old)) {
                removed.add(old);
            }
            Files.deleteIfExists(classData(old));
        }
        return removed;
    }

    private static java.nio.file.attribute.FileTime modified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return java.nio.file.attribute.FileTime.fromMillis(0);
        }
    }

    private static String safe(String version) {
        if (version == null || version.isBlank()) {
            return "";
        }
        return version.replaceAll("[^A-Za-z0-9._-]", "_") + "-";
    }

    static String digest(Path file) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
