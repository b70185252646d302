package dev.workspacesync.core.directory;

import dev.workspacesync.core.ApplyResult;
import dev.workspacesync.core.Change;
import dev.workspacesync.core.DestinationException;
import dev.workspacesync.core.FileState;
import dev.workspacesync.core.Planner;
import dev.workspacesync.core.Skipped;
import dev.workspacesync.core.SnapshotEntry;
import dev.workspacesync.core.SyncPath;
import dev.workspacesync.core.SyncPlan;
import dev.workspacesync.core.SyncState;
import dev.workspacesync.core.SyncStateStore;
import dev.workspacesync.core.internal.FileErrors;
import dev.workspacesync.core.spi.Destination;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Mirrors snapshots into a local directory (a mounted backup drive, a shared folder). Files are written
 * to a temporary sibling and renamed into place, so a reader or a crash never sees half a file; files
 * that left the source are deleted and emptied directories removed. Planning compares with the
 * recorded state (no directory walk) and also re-sends recorded files that went missing on disk.
 *
 * <p>Names: on a {@code /}-separated file system any name but NUL is held, byte for byte (on Linux
 * also both Unicode forms of one name); a segment longer than {@value #NAME_MAX} bytes, or a path
 * longer than {@value #PATH_MAX}, is reported as skipped, as is any name the file system refuses while
 * writing. Temporary files have short random names, so a name that fits always fits while it is written.
 */
public final class DirectoryDestination implements Destination {
    /** The longest file name, in bytes, Linux file systems (ext4, xfs, btrfs, tmpfs) allow. */
    static final int NAME_MAX = 255;

    /** The longest path, in bytes, Linux system calls accept. */
    static final int PATH_MAX = 4095;

    private static final boolean LINUX =
            System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux");

    private final Path root;
    private final SyncStateStore store;

    /**
     * @param root the directory to mirror into (created if needed)
     * @param store where the per-file state is kept (outside {@code root}, so the mirror stays exact)
     */
    public DirectoryDestination(Path root, SyncStateStore store) {
        this.root = root.toAbsolutePath().normalize();
        this.store = Objects.requireNonNull(store, "store");
        if (Files.exists(this.root) && !Files.isDirectory(this.root)) {
            throw new dev.workspacesync.core.SyncConfigException(
                    "'directory.path' is " + this.root + ", a file, not a directory; name a directory to mirror into");
        }
        if (this.store.directory().startsWith(this.root)) {
            throw new dev.workspacesync.core.SyncConfigException(
                    "The state directory " + store.directory() + " must not be inside the mirrored directory " + root);
        }
    }

    @Override
    public String type() {
        return "directory";
    }

    @Override
    public String target() {
        return "directory:" + root;
    }

    /** The mirror and the state directory exist and are writable, or can be created (nothing is written). */
    @Override
    public List<dev.workspacesync.core.Check> check() {
        return DirectoryChecks.of(root, store.directory());
    }

    @Override
    public Optional<String> cannotHold(SyncPath path) {
        if (!"/".equals(root.getFileSystem().getSeparator())) {
            return path.portabilityProblem();
        }
        for (String segment : path.segments()) {
            int bytes = segment.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > NAME_MAX) {
                return Optional.of("its name '" + SyncPath.escape(abbreviate(segment)) + "' is " + bytes
                        + " bytes long; file names here may be at most " + NAME_MAX + " bytes");
            }
        }
        int total = root.toString().getBytes(StandardCharsets.UTF_8).length
                + 1
                + path.value().getBytes(StandardCharsets.UTF_8).length;
        if (total > PATH_MAX) {
            return Optional.of("its full path under " + root + " is " + total + " bytes long; paths here may be at"
                    + " most " + PATH_MAX + " bytes");
        }
        return Optional.empty();
    }

    @Override
    public boolean keepsUnicodeForms() {
        return LINUX; // macOS file systems treat both forms as one name
    }

    private static String abbreviate(String segment) {
        return segment.length() <= 40
                ? segment
                : segment.substring(0, 20) + "…" + segment.substring(segment.length() - 12);
    }

    private String key(SyncPlan plan) {
        return SyncStateStore.key(plan.source().orElseThrow(), target());
    }

    @Override
    public SyncPlan plan(dev.workspacesync.core.Snapshot snapshot) {
        SyncState state = store.load(SyncStateStore.key(snapshot.source(), target()));
        SyncPlan plan = Planner.plan(target(), snapshot, state);
        // Repair drift: a recorded file deleted by hand is sent again.
        List<Change> changes = new ArrayList<>(plan.changes());
        Set<SyncPath> planned = new java.util.HashSet<>();
        changes.forEach(c -> planned.add(c.path()));
        for (SnapshotEntry entry : snapshot.entries()) {
            if (state.get(entry.path()).isPresent()
                    && !planned.contains(entry.path())
                    && !Files.isRegularFile(entry.path().under(root), LinkOption.NOFOLLOW_LINKS)) {
                changes.add(Change.update(entry));
            }
        }
        return new SyncPlan(
                plan.target(),
                changes,
                plan.existingFiles(),
                plan.createDirectories(),
                plan.removeDirectories(),
                plan.refreshed(),
                snapshot);
    }

    @Override
    public ApplyResult apply(SyncPlan plan, Progress progress) {
        if (plan.changes().isEmpty() && plan.refreshed().isEmpty()) {
            return ApplyResult.nothing("");
        }
        int added = 0;
        int updated = 0;
        int deleted = 0;
        long bytes = 0;
        List<Skipped> skipped = new ArrayList<>();
        try (SyncStateStore.Session session = store.open(key(plan))) {
            for (SnapshotEntry entry : plan.refreshed()) {
                session.put(entry.path(), FileState.of(entry));
            }
            // Deletes first: a file may be replaced by a directory of the same name.
            for (Change change : plan.deletes()) {
                delete(change.path());
                session.remove(change.path());
                deleted++;
                progress.transferred(change.path(), 0);
            }
            for (Change change : plan.changes()) {
                if (change.kind() == Change.Kind.DELETE) {
                    continue;
                }
                FileState written;
                try {
                    written = write(change.entry());
                } catch (NameRefused e) {
                    skipped.add(Skipped.of(change.path(), e.getMessage()));
                    continue;
                }
                session.put(change.path(), written);
                if (change.kind() == Change.Kind.ADD) {
                    added++;
                } else {
                    updated++;
                }
                bytes += change.bytes();
                progress.transferred(change.path(), change.bytes());
            }
        }
        return new ApplyResult(added, updated, deleted, bytes, "", skipped);
    }

    /** The file system refused the name itself: reported as skipped, the rest of the plan goes on. */
    private static final class NameRefused extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NameRefused(String message) {
            super(message, null, false, false);
        }
    }

    private static boolean refusesName(FileSystemException e) {
        String reason = e.getReason();
        return reason != null
                && (reason.contains("File name too long")
                        || reason.contains("Invalid argument")
                        || reason.contains("Illegal byte sequence"));
    }

    private FileState write(SnapshotEntry entry) {
        Path target = entry.path().under(root);
        Path temp = null;
        try {
            Files.createDirectories(target.getParent());
            // A short random name: the final name's length must not decide whether its temporary fits.
            temp = Files.createTempFile(target.getParent(), ".ws-", ".partial");
            MessageDigest digest = SnapshotEntry.newSha256();
            long written;
            try (InputStream in = new DigestInputStream(entry.open(), digest);
                    FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE);
                    OutputStream out = Channels.newOutputStream(channel)) {
                written = in.transferTo(out);
                out.flush();
                channel.force(true);
            }
            if (written != entry.size()) {
                throw new DestinationException("The source changed while " + entry.path() + " was copied (" + written
                        + " bytes read, " + entry.size() + " expected); run the sync again");
            }
            setExecutable(temp, entry.executable());
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            temp = null;
            long time = entry.modified().map(Instant::toEpochMilli).orElse(FileState.NO_TIME);
            return new FileState(
                    entry.size(), time, HexFormat.of().formatHex(digest.digest()), entry.executable(), null);
        } catch (FileSystemException e) {
            if (refusesName(e)) {
                throw new NameRefused("the file system refused its name (" + e.getReason() + ")");
            }
            throw new DestinationException(
                    "Cannot write " + entry.path() + " into " + root + ": " + FileErrors.describe(e, target, temp), e);
        } catch (IOException e) {
            throw new DestinationException(
                    "Cannot write " + entry.path() + " into " + root + ": " + FileErrors.describe(e, target, temp), e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // a leftover .partial file is harmless and replaced next time
                }
            }
        }
    }

    private void delete(SyncPath path) {
        Path file = path.under(root);
        try {
            Files.deleteIfExists(file);
            for (Path dir = file.getParent(); dir != null && !dir.equals(root); dir = dir.getParent()) {
                try {
                    Files.delete(dir);
                } catch (DirectoryNotEmptyException | java.nio.file.NoSuchFileException e) {
                    break;
                }
            }
        } catch (IOException e) {
            throw new DestinationException("Cannot delete " + file + ": " + FileErrors.describe(e, file), e);
        }
    }

    private static void setExecutable(Path file, boolean executable) throws IOException {
        if (!Files.getFileStore(file).supportsFileAttributeView("posix")) {
            return;
        }
        Set<PosixFilePermission> permissions = EnumSet.copyOf(Files.getPosixFilePermissions(file));
        permissions.add(PosixFilePermission.OWNER_READ);
        permissions.add(PosixFilePermission.GROUP_READ);
        permissions.add(PosixFilePermission.OTHERS_READ);
        Set<PosixFilePermission> exec = EnumSet.of(
                PosixFilePermission.OWNER_EXECUTE,
                PosixFilePermission.GROUP_EXECUTE,
                PosixFilePermission.OTHERS_EXECUTE);
        if (executable) {
            permissions.addAll(exec);
        } else {
            permissions.removeAll(exec);
        }
        Files.setPosixFilePermissions(file, permissions);
    }
}
