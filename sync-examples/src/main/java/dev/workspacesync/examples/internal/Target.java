package dev.workspacesync.examples.internal;

import dev.workspacesync.core.Secret;
import dev.workspacesync.core.SyncSettings;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One named target of a targets file: a source, its destinations and their settings (secret references
 * already resolved), an optional cron schedule, notifications and a timeout.
 *
 * @param name unique in its file; what {@code /sync?target=NAME} and {@code run --target NAME} name
 * @param source the source type ({@code windmill}, {@code local}, …)
 * @param destinations the destination types, in order
 * @param settings validated against every provider of the target, defaults filled in, secrets marked
 * @param schedule a Unix cron expression, or null for none
 * @param timeout how long one run may take before it is stopped and reported failed, or null for no limit
 * @param notifications where to post results, or null to use the service's environment ({@code SLACK_WEBHOOK_URL}…)
 */
public record Target(
        String name,
        String source,
        List<String> destinations,
        SyncSettings settings,
        String schedule,
        Duration timeout,
        Notify notifications) {

    public Target {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(source, "source");
        destinations = List.copyOf(destinations);
        Objects.requireNonNull(settings, "settings");
    }

    /**
     * Notification settings of one target: incoming webhook URLs (secrets: they carry their own token).
     *
     * @param slack a Slack incoming webhook URL, or null
     * @param discord a Discord webhook URL, or null
     * @param onSuccess whether a successful run is announced too (failures always are)
     */
    public record Notify(Secret slack, Secret discord, boolean onSuccess) {}
}
