package dev.workspacesync.windmill;

import dev.workspacesync.core.Deadline;
import dev.workspacesync.core.SyncConfigException;
import dev.workspacesync.core.SyncSettings;
import dev.workspacesync.core.spi.SettingKey;
import dev.workspacesync.core.spi.SettingKey.Type;
import dev.workspacesync.core.spi.Source;
import dev.workspacesync.core.spi.SourceProvider;
import dev.workspacesync.windmill.WindmillPullOptions.Flag;
import dev.workspacesync.windmill.internal.ArchiveReader.Limits;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code windmill} source type. Settings: {@code windmill.base-url}, {@code windmill.token} (secret,
 * required), {@code windmill.workspace}, {@code windmill.mode} ({@code api} or {@code cli}),
 * {@code windmill.cli}, {@code windmill.config} (a {@code wmill.yaml}), and the pull options of
 * {@code wmill.yaml} ({@code windmill.includes}, {@code windmill.skip-secrets}, …), which override the file;
 * the archive limits ({@code windmill.max-archive-bytes}, {@code windmill.max-entry-bytes}, {@code
 * windmill.max-entries}, {@code windmill.max-compression-ratio}) and {@code windmill.deadline}.
 */
public final class WindmillSourceProvider implements SourceProvider {
    @Override
    public String type() {
        return "windmill";
    }

    @Override
    public String description() {
        return "A Windmill workspace, pulled as `wmill sync pull` would (HTTP API or the wmill CLI).";
    }

    @Override
    public List<SettingKey> settings() {
        List<SettingKey> keys = new ArrayList<>();
        keys.add(SettingKey.optional(
                        "windmill.base-url", Type.URL, "http://windmill_server:8000", "The Windmill server.")
                .withEnvironmentAlias("WINDMILL_BASE_URL"));
        keys.add(SettingKey.secret("windmill.token", true, "A Windmill token for the workspace.")
                .withEnvironmentAlias("WINDMILL_TOKEN"));
        keys.add(SettingKey.optional("windmill.workspace", Type.STRING, "admins", "The workspace id.")
                .withEnvironmentAlias("WINDMILL_WORKSPACE"));
        keys.add(SettingKey.choice(
                "windmill.mode", List.of("api", "cli"), "api: HTTP API in Java; cli: run the wmill CLI."));
        keys.add(SettingKey.optional("windmill.cli", Type.STRING, "wmill", "The wmill executable (CLI mode)."));
        keys.add(SettingKey.optional(
                "windmill.config",
                Type.PATH,
                null,
                "A wmill.yaml to apply; without it, as the CLI without wmill.yaml."));
        keys.add(SettingKey.optional(
                "windmill.includes", Type.LIST, null, "Globs of files to pull (wmill.yaml includes)."));
        keys.add(SettingKey.optional("windmill.excludes", Type.LIST, null, "Globs of files not to pull."));
        keys.add(SettingKey.optional(
                "windmill.extra-includes", Type.LIST, null, "A second set of globs files must match."));
        keys.add(new SettingKey(
                "windmill.default-ts",
                Type.CHOICE,
                false,
                null,
                false,
                "bun or deno: the runtime written as plain .ts (default bun).",
                List.of("bun", "deno")));
        keys.add(new SettingKey(
                "windmill.sync-behavior",
                Type.CHOICE,
                false,
                null,
                false,
                "v0 or v1 (wmill.yaml syncBehavior).",
                List.of("v0", "v1")));
        Limits d = Limits.DEFAULTS;
        keys.add(SettingKey.optional(
                Limits.ARCHIVE_KEY,
                Type.INTEGER,
                Long.toString(d.maxArchiveBytes()),
                "Most bytes the workspace archive may expand to, counted while unpacking (4 GiB)."));
        keys.add(SettingKey.optional(
                Limits.ENTRY_KEY,
                Type.INTEGER,
                Long.toString(d.maxEntryBytes()),
                "Most bytes one archive entry may expand to (256 MiB)."));
        keys.add(SettingKey.optional(
                Limits.ENTRIES_KEY, Type.INTEGER, Integer.toString(d.maxEntries()), "Most files in the archive."));
        keys.add(SettingKey.optional(
                Limits.RATIO_KEY,
                Type.DECIMAL,
                "200",
                "Most uncompressed bytes per compressed byte, per entry and in all (checked above 16 MiB)."));
        keys.add(SettingKey.optional(
                WindmillSource.DEADLINE_KEY,
                Type.STRING,
                "60s",
                "How long the HTTP calls of a pull may keep retrying, e.g. 60s, 2m."));
        keys.add(SettingKey.optional(
                "windmill.attribution",
                Type.BOOLEAN,
                "true",
                "Say who changed each item (git: one commit per author), read from the server when a sync"
                        + " changes something; without readable metadata, one commit by the service."));
        keys.add(SettingKey.optional(
                "windmill.author-email-domain",
                Type.STRING,
                null,
                "Domain of username@<domain>, the email of a user Windmill does not show the token"
                        + " (default: the host of windmill.base-url)."));
        for (Flag flag : Flag.values()) {
            keys.add(SettingKey.optional(
                    flag.settingKey(),
                    Type.BOOLEAN,
                    null,
                    flag.description().replaceFirst("\\.\\z", "") + " (wmill.yaml " + flag.wmillKey() + ")."));
        }
        return keys;
    }

    @Override
    public Source create(SyncSettings settings) {
        WindmillPullOptions base = settings.path("windmill.config")
                .map(WindmillPullOptions::fromWmillYaml)
                .orElse(WindmillPullOptions.noConfig());
        WindmillPullOptions options = base.withDefaultTs(settings.string("windmill.default-ts", base.defaultTs()))
                .withSyncBehavior(settings.string("windmill.sync-behavior", base.syncBehavior()))
                .withGlobs(
                        settings.list("windmill.includes", base.includes()),
                        settings.list("windmill.excludes", base.excludes()),
                        settings.list("windmill.extra-includes", base.extraIncludes()));
        for (Flag flag : Flag.values()) {
            options = options.with(flag, settings.bool(flag.settingKey(), base.has(flag)));
        }
        String mode = settings.string("windmill.mode", "api").toLowerCase(Locale.ROOT);
        if (!mode.equals("api") && !mode.equals("cli")) {
            throw new SyncConfigException("windmill.mode must be api or cli, not " + mode);
        }
        WindmillSource.Builder builder = WindmillSource.builder()
                .baseUrl(settings.string("windmill.base-url", "http://windmill_server:8000"))
                .token(settings.secret("windmill.token").orElse(null))
                .workspace(settings.string("windmill.workspace", "admins"))
                .mode(mode.equals("cli") ? WindmillSource.Mode.CLI : WindmillSource.Mode.API)
                .cliExecutable(settings.string("windmill.cli", "wmill"))
                .pullOptions(options)
                .attribution(settings.bool("windmill.attribution", true))
                .authorEmailDomain(settings.get("windmill.author-email-domain").orElse(null));
        settings.path("windmill.config").ifPresent(builder::wmillYaml);
        Limits d = Limits.DEFAULTS;
        long maxEntries = settings.integer(Limits.ENTRIES_KEY, d.maxEntries());
        if (maxEntries < 1 || maxEntries > Integer.MAX_VALUE) {
            throw new SyncConfigException(
                    Limits.ENTRIES_KEY + " must be between 1 and " + Integer.MAX_VALUE + ", not " + maxEntries);
        }
        builder.maxArchiveBytes(settings.integer(Limits.ARCHIVE_KEY, d.maxArchiveBytes()))
                .maxEntryBytes(settings.integer(Limits.ENTRY_KEY, d.maxEntryBytes()))
                .maxEntries((int) maxEntries)
                .maxCompressionRatio(settings.decimal(Limits.RATIO_KEY, d.maxCompressionRatio()))
                .deadline(settings.duration(WindmillSource.DEADLINE_KEY, Deadline.DEFAULT));
        return builder.build();
    }
}
