package dev.workspacesync.examples.internal;

import dev.workspacesync.core.SyncSettings;
import dev.workspacesync.core.spi.SettingKey;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Layers settings for the command line: {@code --set} over {@code --config} over the environment over
 * the providers' defaults. The environment carries each key as {@code WORKSPACE_SYNC_<KEY>}, and the
 * seed service's names ({@code WINDMILL_TOKEN}, {@code GIT_REMOTE_URL}, …) for the keys they always
 * meant; the generic name wins when both are set. {@code DATABRICKS_*} variables are read by the
 * Databricks SDK itself.
 */
public final class SettingsResolver {
    /** The seed service's environment variables and the keys they set. */
    public static final Map<String, String> SEED_NAMES = seedNames();

    private SettingsResolver() {}

    private static Map<String, String> seedNames() {
        Map<String, String> names = new LinkedHashMap<>();
        names.put("WINDMILL_BASE_URL", "windmill.base-url");
        names.put("WINDMILL_TOKEN", "windmill.token");
        names.put("WINDMILL_WORKSPACE", "windmill.workspace");
        names.put("GIT_REMOTE_URL", "git.remote-url");
        names.put("GIT_TOKEN", "git.token");
        names.put("GIT_BRANCH", "git.branch");
        names.put("GIT_USER_NAME", "git.author-name");
        names.put("GIT_USER_EMAIL", "git.author-email");
        return Map.copyOf(names);
    }

    /** The settings the environment carries for these keys. */
    public static SyncSettings fromEnvironment(Map<String, String> environment, Collection<SettingKey> keys) {
        Map<String, String> seeded = new LinkedHashMap<>();
        SEED_NAMES.forEach((variable, key) -> {
            String value = environment.get(variable);
            if (value != null && !value.isBlank()) {
                seeded.put(key, value);
            }
        });
        return SyncSettings.fromEnvironment(environment, keys).orElse(SyncSettings.of(seeded));
    }

    /** {@code --set} over {@code --config} (if given) over the environment. */
    public static SyncSettings resolve(
            Map<String, String> sets, Path config, Map<String, String> environment, Collection<SettingKey> keys) {
        SyncSettings settings = SyncSettings.of(sets == null ? Map.of() : sets);
        if (config != null) {
            settings = settings.orElse(SyncSettings.fromProperties(config));
        }
        return settings.orElse(fromEnvironment(environment, keys));
    }
}
