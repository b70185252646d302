package dev.workspacesync.core;

import dev.workspacesync.core.internal.AtomicFiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one {@link SyncState} per (source, destination) pair in a directory, safely.
 *
 * <ul>
 *   <li>The state file is replaced atomically (temporary file, fsync, rename, fsync of the directory): a
 *       crash leaves either the old or the new file, never half of one.
 *   <li>While a sync runs, each file that reached the destination is appended to a journal at once, so a
 *       killed or failed run loses nothing it did: the next {@link #open} replays the journal.
 *   <li>The format is versioned and checksummed. A corrupt or unreadable file is moved aside (never
 *       deleted), reported with its path, and treated as empty: the next sync re-plans everything.
 * </ul>
 *
 * <p>File format, UTF-8 lines separated by {@code \n} and fields by tabs; paths are written with
 * {@link SyncPath#escape} (so a name holding a tab, a newline or a backslash stays one field; files of
 * earlier versions, whose paths could hold none of these, read unchanged):
 * a header {@code workspace-sync-state 1}, one {@code f} line per file, and a trailer
 * {@code end <count> <crc32>} over everything before it.
 */
public final class SyncStateStore {
    private static final Logger LOG = LoggerFactory.getLogger(SyncStateStore.class);
    private static final String HEADER = "workspace-sync-state";
    private static final int VERSION = 1;

    private final Path directory;

    /** A store in this directory (created on first save). */
    public SyncStateStore(Path directory) {
        this.directory = directory.toAbsolutePath().normalize();
    }

    public Path directory() {
        return directory;
    }

    /**
     * The default place for state: {@code $XDG_CACHE_HOME/workspace-sync/state}, else
     * {@code ~/.cache/workspace-sync/state}.
     */
    public static Path defaultDirectory() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path cache = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return cache.resolve("workspace-sync").resolve("state");
    }

    /** A stable, file-name-safe key for a (source, destination) pair: a digest of both descriptions. */
    public static String key(String source, String destination) {
        var digest = SnapshotEntry.newSha256();
        digest.update(source.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
        digest.update(destination.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(digest.digest(), 0, 12);
    }

    /** The state file for a key. */
    public Path stateFile(String key) {
        return directory.resolve(checkKey(key) + ".state");
    }

    private Path journalFile(String key) {
        return directory.resolve(key + ".journal");
    }

    /**
     * The recorded state: the state file plus any journal a previous run left. Missing → empty. Corrupt →
     * moved aside with a warning naming both paths, and empty.
     */
    public SyncState load(String key) {
        NavigableMap<SyncPath, FileState> files = readState(stateFile(key));
        replayJournal(journalFile(key), files);
        return new SyncState(files);
    }

    /** Replaces the recorded state atomically and drops the journal. */
    public void save(String key, SyncState state) {
        Path target = stateFile(key);
        StringBuilder body = new StringBuilder(64 + state.size() * 120);
        body.append(HEADER).append(' ').append(VERSION).append('\n');
        state.files()
                .forEach((path, file) -> body.append("f\t")
                        .append(SyncPath.escape(path.value()))
                        .append('\t')
                        .append(fields(file))
                        .append('\n'));
        String text = body.toString();
        String trailer = "end\t" + state.size() + "\t" + crc(text) + "\n";
        AtomicFiles.write(target, (text + trailer).getBytes(StandardCharsets.UTF_8));
        try {
            Files.deleteIfExists(journalFile(key));
        } catch (IOException e) {
            throw new SyncException("Cannot remove the state journal " + journalFile(key) + ": " + e.getMessage(), e);
        }
    }

    /** Forgets a pair: the state and journal go. */
    public void delete(String key) {
        try {
            Files.deleteIfExists(stateFile(key));
            Files.deleteIfExists(journalFile(key));
        } catch (IOException e) {
            throw new SyncException(
                    "Cannot delete the state of " + key + " in " + directory + ": " + e.getMessage(), e);
        }
    }

    /**
     * Opens a session that records files as they reach the destination. Only one session per key may be
     * open at a time, across processes too.
     *
     * @throws SyncException if another sync holds the state
     */
    public Session open(String key) {
        return new Session(checkKey(key));
    }

    /**
     * A running sync's view of the state: {@link #put} and {@link #remove} are journaled immediately;
     * {@link #commit} folds the journal into the state file. Closing commits what was recorded.
     * Thread-safe: uploads running in parallel may record concurrently.
     */
    public final class Session implements AutoCloseable {
        private final String key;
        private final NavigableMap<SyncPath, FileState> files;
        private final FileChannel lockChannel;
        private final FileLock lock;
        private FileChannel journal;
        private boolean dirty;
        private boolean closed;

        private Session(String key) {
            this.key = key;
            try {
                Files.createDirectories(directory);
                lockChannel = FileChannel.open(
                        directory.resolve(key + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock acquired;
                try {
                    acquired = lockChannel.tryLock();
                } catch (OverlappingFileLockException e) {
                    acquired = null;
                }
                if (acquired == null) {
                    lockChannel.close();
                    throw new SyncException("The sync state " + stateFile(key)
                            + " is in use by another sync; wait for it to finish and run again");
                }
                lock = acquired;
            } catch (IOException e) {
                throw new SyncException("Cannot open the sync state in " + directory + ": " + e.getMessage(), e);
            }
            this.files = new TreeMap<>(load(key).files());
            if (Files.exists(journalFile(key))) {
                // A killed run's journal may end in a torn line: fold what it recovered into the state
                // file now, so this session's records never follow the fragment.
                save(key, new SyncState(files));
            }
        }

        /** The state as recorded so far, including this session's records. */
        public synchronized SyncState state() {
            return new SyncState(files);
        }

        /** Records that a file reached the destination. */
        public synchronized void put(SyncPath path, FileState file) {
            append("+\t" + SyncPath.escape(path.value()) + "\t" + fields(file));
            files.put(path, file);
        }

        /** Records that a file left the destination. */
        public synchronized void remove(SyncPath path) {
            append("-\t" + SyncPath.escape(path.value()));
            files.remove(path);
        }

        /** Writes the recorded state atomically and empties the journal. */
        public synchronized void commit() {
            closeJournal();
            if (dirty || Files.exists(journalFile(key))) {
                save(key, new SyncState(files));
                dirty = false;
            }
        }

        @Override
        public synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            try {
                commit();
            } finally {
                try {
                    lock.release();
                    lockChannel.close();
                } catch (IOException e) {
                    LOG.debug("Could not release the state lock in {}", directory, e);
                }
            }
        }

        private void append(String line) {
            if (closed) {
                throw new IllegalStateException("state session is closed");
            }
            try {
                if (journal == null) {
                    journal = FileChannel.open(
                            journalFile(key),
                            StandardOpenOption.CREATE,
                            StandardOpenOption.WRITE,
                            StandardOpenOption.APPEND);
                }
                // One write per record: a killed process keeps every whole line already written.
                ByteBuffer bytes = ByteBuffer.wrap((line + "\t" + crc(line) + "\n").getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    journal.write(bytes);
                }
                dirty = true;
            } catch (IOException e) {
                throw new SyncException(
                        "Cannot write the state journal " + journalFile(key) + ": " + e.getMessage(), e);
            }
        }

        private void closeJournal() {
            if (journal != null) {
                try {
                    journal.force(true);
                    journal.close();
                } catch (IOException e) {
                    throw new SyncException(
                            "Cannot write the state journal " + journalFile(key) + ": " + e.getMessage(), e);
                } finally {
                    journal = null;
                }
            }
        }
    }

    private NavigableMap<SyncPath, FileState> readState(Path file) {
        NavigableMap<SyncPath, FileState> files = new TreeMap<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return files;
        } catch (IOException | UncheckedIOException e) {
            return corrupt(file, "it cannot be read (" + e.getMessage() + ")");
        }
        try {
            if (lines.isEmpty() || !lines.get(0).startsWith(HEADER + " ")) {
                return corrupt(file, "it has no '" + HEADER + "' header");
            }
            String version = lines.get(0).substring(HEADER.length() + 1);
            if (!version.equals(String.valueOf(VERSION))) {
                return corrupt(
                        file,
                        "its format version " + version + " is not " + VERSION
                                + " (written by another version of workspace-sync)");
            }
            String last = lines.get(lines.size() - 1);
            String[] trailer = last.split("\t", -1);
            if (trailer.length != 3 || !trailer[0].equals("end")) {
                return corrupt(file, "it is truncated (no end line)");
            }
            StringBuilder body = new StringBuilder();
            for (int i = 0; i < lines.size() - 1; i++) {
                body.append(lines.get(i)).append('\n');
            }
            if (!crc(body.toString()).equals(trailer[2])) {
                return corrupt(file, "its checksum does not match");
            }
            for (int i = 1; i < lines.size() - 1; i++) {
                String[] f = lines.get(i).split("\t", -1);
                if (f.length != 7 || !f[0].equals("f")) {
                    return corrupt(file, "line " + (i + 1) + " is malformed");
                }
                files.put(storedPath(f[1]), parseFields(f, 2));
            }
            if (files.size() != Integer.parseInt(trailer[1])) {
                return corrupt(file, "it lists " + files.size() + " files but says " + trailer[1]);
            }
            return files;
        } catch (RuntimeException e) {
            return corrupt(file, "it is malformed (" + e.getMessage() + ")");
        }
    }

    private NavigableMap<SyncPath, FileState> corrupt(Path file, String reason) {
        Path aside = file.resolveSibling(file.getFileName() + ".corrupt-" + System.currentTimeMillis());
        try {
            Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
            LOG.warn(
                    "The sync state {} is unusable: {}. It was moved to {}; this sync re-plans every file.",
                    file,
                    reason,
                    aside);
        } catch (IOException e) {
            LOG.warn(
                    "The sync state {} is unusable: {}, and could not be moved aside ({}); this sync re-plans"
                            + " every file.",
                    file,
                    reason,
                    e.getMessage());
        }
        return new TreeMap<>();
    }

    private static void replayJournal(Path journal, NavigableMap<SyncPath, FileState> files) {
        if (!Files.exists(journal)) {
            return;
        }
        int replayed = 0;
        try (BufferedReader reader = Files.newBufferedReader(journal, StandardCharsets.UTF_8)) {
            String line;
            while ((line = reader.readLine()) != null) {
                int lastTab = line.lastIndexOf('\t');
                if (lastTab < 0 || !crc(line.substring(0, lastTab)).equals(line.substring(lastTab + 1))) {
                    // A torn last line from a killed process: everything before it is good.
                    LOG.debug("Stopping journal replay of {} at a torn line", journal);
                    break;
                }
                String[] f = line.substring(0, lastTab).split("\t", -1);
                if (f[0].equals("+") && f.length == 7) {
                    files.put(storedPath(f[1]), parseFields(f, 2));
                } else if (f[0].equals("-") && f.length == 2) {
                    files.remove(storedPath(f[1]));
                } else {
                    break;
                }
                replayed++;
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("Stopped reading the sync journal {} after {} records: {}", journal, replayed, e.getMessage());
        }
        if (replayed > 0) {
            LOG.info("Recovered {} file records from an interrupted sync ({})", replayed, journal);
        }
    }

    private static SyncPath storedPath(String field) {
        return SyncPath.exact(SyncPath.unescape(field));
    }

    private static String fields(FileState file) {
        return file.size() + "\t" + (file.modifiedMillis() == FileState.NO_TIME ? "" : file.modifiedMillis()) + "\t"
                + file.sha256() + "\t" + (file.executable() ? "x" : "") + "\t"
                + (file.remoteName() == null ? "" : file.remoteName());
    }

    private static FileState parseFields(String[] f, int from) {
        long size = Long.parseLong(f[from]);
        long time = f[from + 1].isEmpty() ? FileState.NO_TIME : Long.parseLong(f[from + 1]);
        boolean exec = switch (f[from + 3]) {
            case "x" -> true;
            case "" -> false;
            default -> throw new IllegalArgumentException("bad mode field '" + f[from + 3] + "'");
        };
        String remote = f[from + 4].isEmpty() ? null : f[from + 4];
        return new FileState(size, time, f[from + 2], exec, remote);
    }

    private static String crc(String text) {
        CRC32 crc = new CRC32();
        crc.update(text.getBytes(StandardCharsets.UTF_8));
        return Long.toHexString(crc.getValue());
    }

    private static String checkKey(String key) {
        if (key == null || !key.matches("[A-Za-z0-9._-]{1,100}")) {
            throw new IllegalArgumentException("state key must be 1-100 of [A-Za-z0-9._-]: " + key);
        }
        return key;
    }
}
