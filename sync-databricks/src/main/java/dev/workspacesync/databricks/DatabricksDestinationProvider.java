package dev.workspacesync.databricks;

import dev.workspacesync.core.SyncSettings;
import dev.workspacesync.core.spi.Destination;
import dev.workspacesync.core.spi.DestinationProvider;
import dev.workspacesync.core.spi.SettingKey;
import java.time.Duration;
import java.util.List;

/**
 * Provider {@code databricks}: a Databricks Workspace folder, see {@link DatabricksWorkspaceDestination}.
 *
 * <p>Settings: {@code databricks.host}, {@code databricks.token} (secret), {@code databricks.profile},
 * {@code databricks.client-id} and {@code databricks.client-secret} (OAuth M2M); without them the SDK's
 * chain ({@code DATABRICKS_*} variables, {@code ~/.databrickscfg}). {@code databricks.root},
 * {@code databricks.project}, {@code databricks.concurrency} (8), {@code databricks.rate-limit} (20
 * requests/s), {@code databricks.state-dir}, {@code databricks.reconcile} (false: only the folder check
 * every run and a full reconcile every {@code databricks.reconcile-every-runs} (50) runs or {@code
 * databricks.reconcile-every} (24h)), {@code databricks.deadline} (60s: how long a request keeps retrying).
 */
public final class DatabricksDestinationProvider implements DestinationProvider {
    @Override
    public String type() {
        return "databricks";
    }

    @Override
    public String description() {
        return "Syncs into a Databricks Workspace folder (notebooks detected like the Databricks CLI)";
    }

    @Override
    public List<SettingKey> settings() {
        return List.of(
                SettingKey.optional(
                        "databricks.host",
                        SettingKey.Type.STRING, // a bare host name is taken as https (as the Databricks CLI does)
                        null,
                        "the workspace URL; without a scheme, https (default: DATABRICKS_HOST or the profile's"
                                + " host)"),
                SettingKey.secret("databricks.token", false, "a personal access token"),
                SettingKey.optional(
                        "databricks.profile", SettingKey.Type.STRING, null, "a profile of ~/.databrickscfg"),
                SettingKey.optional(
                        "databricks.client-id",
                        SettingKey.Type.STRING,
                        null,
                        "OAuth M2M client id (service principal)"),
                SettingKey.secret("databricks.client-secret", false, "OAuth M2M client secret"),
                SettingKey.optional(
                        "databricks.root",
                        SettingKey.Type.STRING,
                        null,
                        "the target folder (default: /Workspace/Users/<current user>/projects/<project>)"),
                SettingKey.optional(
                        "databricks.project",
                        SettingKey.Type.STRING,
                        null,
                        "the project name in the default root (default: the source directory's name)"),
                SettingKey.optional(
                        "databricks.concurrency", SettingKey.Type.INTEGER, "8", "requests in flight at once"),
                SettingKey.optional(
                        "databricks.rate-limit",
                        SettingKey.Type.DECIMAL,
                        "20",
                        "requests per second, at most (0 for no limit)"),
                SettingKey.optional(
                        "databricks.state-dir",
                        SettingKey.Type.PATH,
                        null,
                        "where sync state is kept (default: .git/workspace-sync/ of a git source, else"
                                + " ~/.cache/workspace-sync/state)"),
                SettingKey.optional(
                        "databricks.reconcile",
                        SettingKey.Type.BOOLEAN,
                        "false",
                        "list the remote folder and repair drift (remote edits, deletions, orphans) on every run"),
                SettingKey.optional(
                        "databricks.reconcile-every-runs",
                        SettingKey.Type.INTEGER,
                        String.valueOf(DatabricksWorkspaceDestination.DEFAULT_RECONCILE_EVERY_RUNS),
                        "a full reconcile every this many runs (0: never by count)"),
                SettingKey.optional(
                        "databricks.reconcile-every",
                        SettingKey.Type.STRING,
                        "24h",
                        "a full reconcile when the last one is this old, e.g. 30m, 24h, 7d (0: never by time)"),
                SettingKey.optional(
                        "databricks.lease-ttl",
                        SettingKey.Type.STRING,
                        "10m",
                        "how long the lease a run takes on the folder lasts if the run dies, e.g. 10m"),
                SettingKey.optional(
                        "databricks.deadline",
                        SettingKey.Type.STRING,
                        "60s",
                        "how long a request keeps retrying transient failures, e.g. 60s, 5m"));
    }

    @Override
    public Destination create(SyncSettings settings) {
        DatabricksWorkspaceDestination.Builder builder = DatabricksWorkspaceDestination.builder()
                .host(settings.get("databricks.host").orElse(null))
                .token(settings.secret("databricks.token").orElse(null))
                .profile(settings.get("databricks.profile").orElse(null))
                .oauth(
                        settings.get("databricks.client-id").orElse(null),
                        settings.secret("databricks.client-secret").orElse(null))
                .root(settings.get("databricks.root").orElse(null))
                .project(settings.get("databricks.project").orElse(null))
                .concurrency(Math.toIntExact(settings.integer("databricks.concurrency", 8)))
                .rateLimit(settings.decimal("databricks.rate-limit", 20))
                .reconcile(settings.bool("databricks.reconcile", false))
                .reconcileEveryRuns(Math.toIntExact(settings.integer(
                        "databricks.reconcile-every-runs",
                        DatabricksWorkspaceDestination.DEFAULT_RECONCILE_EVERY_RUNS)))
                .reconcileEvery(duration(settings, "databricks.reconcile-every", "24h", true))
                .deadline(duration(settings, "databricks.deadline", "60s", false))
                .leaseTtl(duration(settings, "databricks.lease-ttl", "10m", false));
        settings.path("databricks.state-dir").ifPresent(builder::stateDirectory);
        return builder.build();
    }

    /** A duration setting ({@link SyncSettings#duration}); with {@code zeroMeansNever}, 0 is null. */
    static Duration duration(SyncSettings settings, String key, String defaultValue, boolean zeroMeansNever) {
        Duration d = settings.with(key, settings.get(key).orElse(defaultValue)).duration(key, null, zeroMeansNever);
        return d.isZero() ? null : d;
    }
}
