package dev.workspacesync.core.testing;

import dev.workspacesync.core.ApplyResult;
import dev.workspacesync.core.Change;
import dev.workspacesync.core.DestinationException;
import dev.workspacesync.core.FileState;
import dev.workspacesync.core.Planner;
import dev.workspacesync.core.Secret;
import dev.workspacesync.core.Snapshot;
import dev.workspacesync.core.SnapshotEntry;
import dev.workspacesync.core.SyncPath;
import dev.workspacesync.core.SyncPlan;
import dev.workspacesync.core.SyncState;
import dev.workspacesync.core.SyncStateStore;
import dev.workspacesync.core.spi.Destination;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A destination that keeps files in memory and its state in a {@link SyncStateStore} (or in memory),
 * with fault injection. For tests of the pipeline and of the core's planning and state handling.
 */
public final class InMemoryDestination implements Destination {
    private final String name;
    private final Map<SyncPath, byte[]> files = new TreeMap<>();
    private final SyncStateStore store;
    private SyncState memoryState = SyncState.empty();
    private final List<Secret> secrets = new ArrayList<>();
    private final AtomicInteger applies = new AtomicInteger();
    private final AtomicInteger writes = new AtomicInteger();
    private volatile Predicate<SyncPath> failOn = p -> false;
    private volatile RuntimeException failPlanWith;
    private volatile boolean transientFailures;
    private volatile Function<SyncPath, Optional<String>> cannotHold = SyncPath::portabilityProblem;
    private volatile boolean keepsUnicodeForms;

    /** State kept in memory. */
    public InMemoryDestination(String name) {
        this(name, null);
    }

    /** State kept in a store (so crash and resume can be tested). */
    public InMemoryDestination(String name, SyncStateStore store) {
        this.name = name;
        this.store = store;
    }

    public InMemoryDestination secret(Secret secret) {
        secrets.add(secret);
        return this;
    }

    /** Makes applying fail when it reaches a path matching this (after the earlier files landed). */
    public InMemoryDestination failOn(Predicate<SyncPath> failOn) {
        this.failOn = failOn;
        return this;
    }

    /** Makes the injected apply failures retryable (a dropped connection rather than a refusal). */
    public InMemoryDestination transientFailures(boolean transientFailures) {
        this.transientFailures = transientFailures;
        return this;
    }

    /** Declares which names this destination can hold (default: the conservative {@code Destination} default). */
    public InMemoryDestination holding(Function<SyncPath, Optional<String>> cannotHold, boolean keepsUnicodeForms) {
        this.cannotHold = cannotHold;
        this.keepsUnicodeForms = keepsUnicodeForms;
        return this;
    }

    @Override
    public Optional<String> cannotHold(SyncPath path) {
        return cannotHold.apply(path);
    }

    @Override
    public boolean keepsUnicodeForms() {
        return keepsUnicodeForms;
    }

    public InMemoryDestination failPlanWith(RuntimeException failure) {
        this.failPlanWith = failure;
        return this;
    }

    public synchronized Map<SyncPath, byte[]> files() {
        return new TreeMap<>(files);
    }

    public int applyCount() {
        return applies.get();
    }

    /** Files written or deleted, over all applies. */
    public int writeCount() {
        return writes.get();
    }

    private String key(Snapshot snapshot) {
        return SyncStateStore.key(snapshot.source(), target());
    }

    public synchronized SyncState state(String source) {
        return store == null ? memoryState : store.load(SyncStateStore.key(source, target()));
    }

    @Override
    public String type() {
        return "memory";
    }

    @Override
    public String target() {
        return "memory:" + name;
    }

    @Override
    public synchronized SyncPlan plan(Snapshot snapshot) {
        if (failPlanWith != null) {
            throw failPlanWith;
        }
        SyncState state = store == null ? memoryState : store.load(key(snapshot));
        return Planner.plan(target(), snapshot, state);
    }

    @Override
    public synchronized ApplyResult apply(SyncPlan plan, Progress progress) {
        applies.incrementAndGet();
        if (plan.changes().isEmpty() && plan.refreshed().isEmpty()) {
            return ApplyResult.nothing("");
        }
        int added = 0;
        int updated = 0;
        int deleted = 0;
        long bytes = 0;
        Recorder recorder = recorder(plan);
        try {
            for (SnapshotEntry entry : plan.refreshed()) {
                recorder.put(entry.path(), FileState.of(entry));
            }
            for (Change change : plan.changes()) {
                if (failOn.test(change.path())) {
                    String message = "Injected failure at " + change.path() + " for " + target();
                    throw transientFailures
                            ? DestinationException.transientFailure(message, null, java.time.Duration.ZERO)
                            : new DestinationException(message);
                }
                switch (change.kind()) {
                    case DELETE -> {
                        files.remove(change.path());
                        recorder.remove(change.path());
                        deleted++;
                    }
                    case ADD, UPDATE -> {
                        files.put(change.path(), read(change.entry()));
                        recorder.put(change.path(), FileState.of(change.entry()));
                        if (change.kind() == Change.Kind.ADD) {
                            added++;
                        } else {
                            updated++;
                        }
                        bytes += change.bytes();
                    }
                }
                writes.incrementAndGet();
                progress.transferred(change.path(), change.bytes());
            }
        } finally {
            recorder.close();
        }
        return new ApplyResult(added, updated, deleted, bytes, "");
    }

    private static byte[] read(SnapshotEntry entry) {
        try (InputStream in = entry.open()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Recorder recorder(SyncPlan plan) {
        if (store == null) {
            return new Recorder() {
                private final TreeMap<SyncPath, FileState> map = new TreeMap<>(memoryState.files());

                @Override
                public void put(SyncPath path, FileState state) {
                    map.put(path, state);
                }

                @Override
                public void remove(SyncPath path) {
                    map.remove(path);
                }

                @Override
                public void close() {
                    memoryState = SyncState.of(map);
                }
            };
        }
        SyncStateStore.Session session =
                store.open(SyncStateStore.key(plan.snapshot().source(), target()));
        return new Recorder() {
            @Override
            public void put(SyncPath path, FileState state) {
                session.put(path, state);
            }

            @Override
            public void remove(SyncPath path) {
                session.remove(path);
            }

            @Override
            public void close() {
                session.close();
            }
        };
    }

    private interface Recorder extends AutoCloseable {
        void put(SyncPath path, FileState state);

        void remove(SyncPath path);

        @Override
        void close();
    }

    @Override
    public Collection<Secret> secrets() {
        return secrets;
    }
}
