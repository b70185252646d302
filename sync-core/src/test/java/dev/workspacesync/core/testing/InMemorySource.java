package dev.workspacesync.core.testing;

import dev.workspacesync.core.Secret;
import dev.workspacesync.core.Snapshot;
import dev.workspacesync.core.SnapshotEntry;
import dev.workspacesync.core.SourceException;
import dev.workspacesync.core.SyncPath;
import dev.workspacesync.core.spi.Source;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/** A source whose files are held in memory and can be changed between snapshots. For tests. */
public final class InMemorySource implements Source {
    /** One file: content, executable bit and modification time. */
    public record File(byte[] content, boolean executable, Instant modified) {}

    private final String name;
    private final Map<SyncPath, File> files = new TreeMap<>();
    private final List<Secret> secrets = new ArrayList<>();
    private final AtomicInteger snapshots = new AtomicInteger();
    private final AtomicInteger opens = new AtomicInteger();
    private volatile Supplier<RuntimeException> failure;
    private volatile Runnable onSnapshot = () -> {};
    private long clock = 1_700_000_000_000L;

    public InMemorySource(String name) {
        this.name = name;
    }

    public synchronized InMemorySource put(String path, String content) {
        return put(path, content.getBytes(StandardCharsets.UTF_8), false);
    }

    public synchronized InMemorySource put(String path, byte[] content, boolean executable) {
        files.put(SyncPath.of(path), new File(content.clone(), executable, Instant.ofEpochMilli(clock += 1000)));
        return this;
    }

    /** Changes the modification time only, as {@code touch} would. */
    public synchronized InMemorySource touch(String path) {
        File file = files.get(SyncPath.of(path));
        files.put(SyncPath.of(path), new File(file.content(), file.executable(), Instant.ofEpochMilli(clock += 1000)));
        return this;
    }

    public synchronized InMemorySource remove(String path) {
        files.remove(SyncPath.of(path));
        return this;
    }

    public synchronized InMemorySource clear() {
        files.clear();
        return this;
    }

    public synchronized Map<SyncPath, File> files() {
        return new TreeMap<>(files);
    }

    public InMemorySource secret(Secret secret) {
        secrets.add(secret);
        return this;
    }

    /** Makes every snapshot fail with this exception until {@code null} is set. */
    public InMemorySource failWith(Supplier<RuntimeException> failure) {
        this.failure = failure;
        return this;
    }

    /** Runs this inside every snapshot (to make runs slow or to observe overlap). */
    public InMemorySource onSnapshot(Runnable hook) {
        this.onSnapshot = hook;
        return this;
    }

    public int snapshotCount() {
        return snapshots.get();
    }

    /** How many times any entry's content was opened. */
    public int contentOpens() {
        return opens.get();
    }

    @Override
    public String describe() {
        return "memory:" + name;
    }

    @Override
    public Snapshot snapshot() {
        snapshots.incrementAndGet();
        onSnapshot.run();
        Supplier<RuntimeException> f = failure;
        if (f != null) {
            throw f.get();
        }
        List<SnapshotEntry> entries = new ArrayList<>();
        synchronized (this) {
            files.forEach((path, file) -> {
                byte[] bytes = file.content();
                entries.add(new SnapshotEntry(path, bytes.length, file.executable(), file.modified(), () -> {
                    opens.incrementAndGet();
                    return new java.io.ByteArrayInputStream(bytes);
                }));
            });
        }
        return new Snapshot(describe(), "rev-" + snapshots.get(), Instant.now(), Map.of("name", name), entries);
    }

    @Override
    public Collection<Secret> secrets() {
        return secrets;
    }

    /** A convenience for tests that need a {@link SourceException}. */
    public static SourceException unreachable(String why) {
        return new SourceException("Source unreachable: " + why);
    }
}
