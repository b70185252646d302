package dev.workspacesync.databricks;

import dev.workspacesync.core.SyncSettings;
import dev.workspacesync.core.spi.SettingKey;
import dev.workspacesync.core.spi.Source;
import dev.workspacesync.core.spi.SourceProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Provider {@code databricks} (source): a Databricks Workspace folder exported as files, see {@link
 * DatabricksWorkspaceSource}. The sign-in, folder and request keys are the destination's, meaning the same
 * ({@code databricks.host}, {@code databricks.token}, {@code databricks.profile}, {@code
 * databricks.client-id}/{@code databricks.client-secret}, {@code databricks.root}, {@code
 * databricks.project}, {@code databricks.concurrency}, {@code databricks.rate-limit}, {@code
 * databricks.deadline}); one more, {@code databricks.allow-empty} (false), lets an empty folder give an
 * empty snapshot.
 */
public final class DatabricksSourceProvider implements SourceProvider {
    /** The destination's keys that mean the same for reading. */
    private static final Set<String> SHARED = Set.of(
            "databricks.host",
            "databricks.token",
            "databricks.profile",
            "databricks.client-id",
            "databricks.client-secret",
            "databricks.concurrency",
            "databricks.rate-limit",
            "databricks.deadline");

    @Override
    public String type() {
        return "databricks";
    }

    @Override
    public String description() {
        return "Exports a Databricks Workspace folder as files (notebooks in their source format)";
    }

    @Override
    public List<SettingKey> settings() {
        List<SettingKey> keys = new ArrayList<>();
        for (SettingKey key : new DatabricksDestinationProvider().settings()) {
            if (SHARED.contains(key.key())) {
                keys.add(key);
            }
        }
        keys.add(SettingKey.optional(
                "databricks.root",
                SettingKey.Type.STRING,
                null,
                "the folder to read (default: /Workspace/Users/<current user>/projects/<databricks.project>)"));
        keys.add(SettingKey.optional(
                "databricks.project",
                SettingKey.Type.STRING,
                null,
                "the project folder in /Workspace/Users/<current user>/projects (needed without databricks.root)"));
        keys.add(SettingKey.optional(
                "databricks.allow-empty",
                SettingKey.Type.BOOLEAN,
                "false",
                "an empty folder gives an empty snapshot instead of an error (which would delete everything at"
                        + " the destination)"));
        return keys;
    }

    @Override
    public Source create(SyncSettings settings) {
        return DatabricksWorkspaceSource.builder()
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
                .deadline(DatabricksDestinationProvider.duration(settings, "databricks.deadline", "60s", false))
                .allowEmpty(settings.bool("databricks.allow-empty", false))
                .build();
    }
}
