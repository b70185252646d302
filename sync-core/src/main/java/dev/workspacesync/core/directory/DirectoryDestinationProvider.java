package dev.workspacesync.core.directory;

import dev.workspacesync.core.SyncSettings;
import dev.workspacesync.core.SyncStateStore;
import dev.workspacesync.core.spi.Destination;
import dev.workspacesync.core.spi.DestinationProvider;
import dev.workspacesync.core.spi.SettingKey;
import java.util.List;

/** Provider {@code directory}: mirrors into a local directory. */
public final class DirectoryDestinationProvider implements DestinationProvider {
    @Override
    public String type() {
        return "directory";
    }

    @Override
    public String description() {
        return "Mirrors the source into a local directory (a backup drive, a shared folder)";
    }

    @Override
    public List<SettingKey> settings() {
        return List.of(
                SettingKey.required("directory.path", SettingKey.Type.PATH, "the directory to mirror into"),
                SettingKey.optional(
                        "directory.state-dir",
                        SettingKey.Type.PATH,
                        null,
                        "where sync state is kept (default: ~/.cache/workspace-sync/state)"));
    }

    @Override
    public Destination create(SyncSettings settings) {
        return new DirectoryDestination(
                settings.path("directory.path").orElseThrow(),
                new SyncStateStore(settings.path("directory.state-dir").orElse(SyncStateStore.defaultDirectory())));
    }
}
