package dev.workspacesync.core.spi;

import dev.workspacesync.core.Check;
import dev.workspacesync.core.Secret;
import dev.workspacesync.core.Snapshot;
import java.util.Collection;
import java.util.List;

/**
 * Where files come from: a Windmill workspace, a local project. A source produces complete snapshots;
 * it never produces a partial one (a failure throws {@link dev.workspacesync.core.SourceException}), so a
 * destination is never told that files vanished because a request failed. A file the source has but
 * cannot offer (a name that is not valid UTF-8) is listed in the snapshot's {@link Snapshot#skipped()
 * skipped} list, never left out silently: the run is then reported incomplete.
 *
 * <p>Implementations are created explicitly (their builders) or through a {@link SourceProvider}. They may
 * hold resources (a staging directory, HTTP clients) until {@link #close()}.
 */
public interface Source extends AutoCloseable {
    /** A human description for reports and logs, e.g. {@code windmill workspace admins at http://…}; no secrets. */
    String describe();

    /**
     * A short name of this kind of source, e.g. {@code windmill}: a metrics label, so never anything
     * configured. The default derives it from the class name ({@code WindmillSource} → {@code windmill});
     * sources whose provider type differs override it.
     */
    default String type() {
        String name = getClass().getSimpleName();
        if (name.endsWith("Source") && name.length() > "Source".length()) {
            name = name.substring(0, name.length() - "Source".length());
        }
        return name.isEmpty() ? "source" : name.toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * Takes a complete snapshot. Entry contents stay readable until the next call or {@link #close()}.
     *
     * @throws dev.workspacesync.core.SourceException if a complete snapshot cannot be taken
     */
    Snapshot snapshot();

    /** The secrets this source uses, so the pipeline can scrub them from every message. */
    default Collection<Secret> secrets() {
        return List.of();
    }

    /**
     * Checks, without writing anything, whether a snapshot could be taken: the server answers, the
     * credentials are accepted, the workspace or directory exists and can be read. One {@link Check} per
     * aspect, in the order a snapshot meets them. Used by {@code workspace-sync doctor}.
     *
     * <p>Implementations must not modify the source or any local state, must not throw for what they find
     * (a failure is a {@link Check.Status#FAILED} check with a remedy; only settings that make no sense
     * together may throw {@link dev.workspacesync.core.SyncConfigException}), must keep secrets out of
     * every text, and must end within the source's own deadline. The default says that this source has no checks.
     */
    default List<Check> check() {
        return List.of(Check.warning("source", "no checks for " + describe(), ""));
    }

    /** Releases what the source holds. */
    @Override
    default void close() {}
}
