package dev.workspacesync.core;

import java.util.Collections;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What one destination holds from one source, file by file, as last recorded. Immutable; see
 * {@link SyncStateStore} for how it is persisted and updated as files arrive.
 *
 * @param files the recorded files, sorted by path
 */
public record SyncState(NavigableMap<SyncPath, FileState> files) {
    private static final SyncState EMPTY = new SyncState(new TreeMap<>());

    public SyncState {
        files = Collections.unmodifiableNavigableMap(new TreeMap<>(files));
    }

    /** No file recorded: a first sync, or after a lost or corrupt state file. */
    public static SyncState empty() {
        return EMPTY;
    }

    public static SyncState of(Map<SyncPath, FileState> files) {
        return new SyncState(new TreeMap<>(files));
    }

    public Optional<FileState> get(SyncPath path) {
        return Optional.ofNullable(files.get(path));
    }

    public int size() {
        return files.size();
    }

    public boolean isEmpty() {
        return files.isEmpty();
    }
}
