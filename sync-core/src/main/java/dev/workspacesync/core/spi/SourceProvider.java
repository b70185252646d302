package dev.workspacesync.core.spi;

import dev.workspacesync.core.SyncSettings;
import java.util.List;

/**
 * A light factory for one kind of {@link Source}, found through {@link java.util.ServiceLoader} (register
 * the class in {@code META-INF/services/dev.workspacesync.core.spi.SourceProvider}). It needs a public
 * no-argument constructor and must do no I/O before {@link #create}.
 */
public interface SourceProvider {
    /** The type name users write, e.g. {@code windmill}; lower case, unique among sources. */
    String type();

    /** One sentence for help output. */
    String description();

    /** Every setting the source understands. */
    List<SettingKey> settings();

    /**
     * Creates a source.
     *
     * @param settings already validated against {@link #settings()}, with defaults filled in
     * @throws dev.workspacesync.core.SyncConfigException if the settings do not make sense together
     */
    Source create(SyncSettings settings);
}
