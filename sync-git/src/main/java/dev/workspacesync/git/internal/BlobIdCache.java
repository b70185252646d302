package dev.workspacesync.git.internal;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.lib.ObjectId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Remembers the git blob id of source files by path, size and modification time, like git's index does
 * for a work tree, so an unchanged file is never read again to find out that it is unchanged. Only a
 * cache: a missing or unreadable file means "hash again".
 */
public final class BlobIdCache {
    private static final Logger LOG = LoggerFactory.getLogger(BlobIdCache.class);

    private final Path file;
    private final Map<String, Item> items = new HashMap<>();
    private boolean loaded;
    private boolean changed;

    public BlobIdCache(Path file) {
        this.file = file;
    }

    /** One remembered file. */
    private record Item(long size, long modifiedMillis, ObjectId id) {}

    /** The blob id for a file with this size and time, if remembered. */
    public synchronized ObjectId get(String path, long size, long modifiedMillis) {
        load();
        Item item = items.get(path);
        return item != null && item.size == size && item.modifiedMillis == modifiedMillis ? item.id : null;
    }

    public synchronized void put(String path, long size, long modifiedMillis, ObjectId id) {
        load();
        Item previous = items.put(path, new Item(size, modifiedMillis, id.copy()));
        changed |= previous == null || !previous.id.equals(id) || previous.modifiedMillis != modifiedMillis;
    }

    /** How many files are remembered. */
    public synchronized int size() {
        load();
        return items.size();
    }

    /** Forgets paths no longer offered. */
    public synchronized void retain(java.util.Set<String> paths) {
        load();
        changed |= items.keySet().retainAll(paths);
    }

    private void load() {
        if (loaded) {
            return;
        }
        loaded = true;
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (String line : lines) {
                String[] f = line.split("\t", 4);
                if (f.length == 4) {
                    items.put(f[3], new Item(Long.parseLong(f[0]), Long.parseLong(f[1]), ObjectId.fromString(f[2])));
                }
            }
        } catch (NoSuchFileException e) {
            // first run
        } catch (IOException | RuntimeException e) {
            LOG.debug("Ignoring unreadable blob id cache {}: {}", file, e.toString());
            items.clear();
        }
    }

    /** Writes the cache if it changed (atomically; a failure only costs re-hashing next time). */
    public synchronized void save() {
        if (!changed) {
            return;
        }
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            try (BufferedWriter out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                for (Map.Entry<String, Item> e : items.entrySet()) {
                    Item item = e.getValue();
                    out.write(
                            item.size + "\t" + item.modifiedMillis + "\t" + item.id.name() + "\t" + e.getKey() + "\n");
                }
            }
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            changed = false;
        } catch (IOException e) {
            LOG.debug("Cannot save blob id cache {}: {}", file, e.toString());
        }
    }
}
