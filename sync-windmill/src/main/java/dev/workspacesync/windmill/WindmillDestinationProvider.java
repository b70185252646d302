package dev.workspacesync.windmill;

import dev.workspacesync.core.SyncSettings;
import dev.workspacesync.core.spi.Destination;
import dev.workspacesync.core.spi.DestinationProvider;
import dev.workspacesync.core.spi.SettingKey;
import java.util.List;

/**
 * The {@code windmill} destination type: pushes a tree in the {@code wmill sync pull} layout to a workspace, as
 * {@code wmill sync push} does. It takes the settings of the {@code windmill} source ({@code windmill.base-url},
 * {@code windmill.token}, {@code windmill.workspace}, {@code windmill.config} and the {@code wmill.yaml}
 * filters and switches, {@code windmill.plain-secrets} for a tree holding decrypted secrets), because it reads
 * the workspace the same way to plan.
 */
public final class WindmillDestinationProvider implements DestinationProvider {
    private final WindmillSourceProvider source = new WindmillSourceProvider();

    @Override
    public String type() {
        return "windmill";
    }

    @Override
    public String description() {
        return "A Windmill workspace, written as `wmill sync push` would (HTTP API).";
    }

    @Override
    public List<SettingKey> settings() {
        return source.settings();
    }

    @Override
    public Destination create(SyncSettings settings) {
        WindmillSource reader = (WindmillSource) source.create(settings);
        return new WindmillDestination(
                reader,
                reader.baseUrl(),
                reader.token(),
                reader.workspace(),
                reader.pullOptions(),
                java.time.Duration.ofMinutes(2),
                reader.deadline());
    }
}
