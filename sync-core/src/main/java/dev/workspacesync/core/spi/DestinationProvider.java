package dev.workspacesync.core.spi;

import dev.workspacesync.core.SyncSettings;
import java.util.List;

/**
 * A light factory for one kind of {@link Destination}, found through {@link java.util.ServiceLoader}
 * (register the class in {@code META-INF/services/dev.workspacesync.core.spi.DestinationProvider}). It
 * needs a public no-argument constructor and must do no I/O before {@link #create}.
 */
public interface DestinationProvider {
    /** The type name users write, e.g. {@code git}; lower case, unique among destinations. */
    String type();

    /** One sentence for help output. */
    String description();

    /** Every setting the destination understands. */
    List<SettingKey> settings();

    /**
     * Creates a destination.
     *
     * @param settings already validated against {@link #settings()}, with defaults filled in
     * @throws dev.workspacesync.core.SyncConfigException if the settings do not make sense together
     */
    Destination create(SyncSettings settings);
}
