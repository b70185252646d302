package dev.workspacesync.core;

import dev.workspacesync.core.spi.SettingKey;
import java.util.Locale;
import java.util.Optional;

/**
 * The side of a pipeline a setting is meant for, so that a source and a destination of one type
 * ({@code windmill → windmill}, {@code git → git}) can be given different values.
 *
 * <p>A key is written unscoped ({@code windmill.workspace}: both sides, what every key has always meant),
 * or scoped with a side's prefix ({@code source.windmill.workspace}, {@code destination.windmill.workspace}):
 * that side only, over the unscoped value. {@link SyncSettings#forSource()} and {@link
 * SyncSettings#forDestination()} give the view one side's provider reads; {@link ProviderRegistry} hands
 * each provider its view, so providers keep declaring and reading unscoped keys and know nothing of
 * scopes.
 *
 * <p>The same names work in every channel: a scoped key on a command line or in a properties file, and in
 * the environment as {@code WORKSPACE_SYNC_SOURCE_<KEY>} / {@code WORKSPACE_SYNC_DESTINATION_<KEY>}
 * ({@link #environmentName(SettingKey)}). Environment aliases ({@code WINDMILL_TOKEN}) stay unscoped.
 */
public enum SettingsScope {
    /** The source of a pipeline: keys prefixed {@code source.}. */
    SOURCE("source"),
    /** Every destination of a pipeline: keys prefixed {@code destination.}. */
    DESTINATION("destination");

    private final String name;

    SettingsScope(String name) {
        this.name = name;
    }

    /** The word users write: {@code source} or {@code destination}. */
    public String word() {
        return name;
    }

    /** The prefix of this side's keys: {@code source.} or {@code destination.}. */
    public String prefix() {
        return name + ".";
    }

    /** The other side. */
    public SettingsScope other() {
        return this == SOURCE ? DESTINATION : SOURCE;
    }

    /** A key scoped to this side: {@code git.branch} → {@code source.git.branch}. */
    public String key(String unscoped) {
        return prefix() + unscoped;
    }

    /**
     * The environment variable that carries a key for this side only: {@code WORKSPACE_SYNC_SOURCE_} plus
     * the key as {@link SettingKey#environmentName()} spells it ({@code WORKSPACE_SYNC_SOURCE_WINDMILL_WORKSPACE}).
     */
    public String environmentName(SettingKey key) {
        return KnownSettings.ENVIRONMENT_PREFIX
                + name.toUpperCase(Locale.ROOT)
                + "_"
                + key.environmentName().substring(KnownSettings.ENVIRONMENT_PREFIX.length());
    }

    /** The side a key is scoped to; empty for an unscoped key (or a bare {@code source.}). */
    public static Optional<SettingsScope> of(String key) {
        for (SettingsScope scope : values()) {
            if (key.startsWith(scope.prefix()) && key.length() > scope.prefix().length()) {
                return Optional.of(scope);
            }
        }
        return Optional.empty();
    }

    /** A key without its side's prefix: {@code source.git.branch} → {@code git.branch}; others unchanged. */
    public static String unscoped(String key) {
        return of(key).map(scope -> key.substring(scope.prefix().length())).orElse(key);
    }
}
