package dev.workspacesync.core.spi;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One setting a provider understands: {@code git.remote-url}, {@code databricks.token}, …
 *
 * @param key the key, prefixed by the provider type
 * @param type what values look like (checked by {@link dev.workspacesync.core.SyncSettings#validate})
 * @param required whether a value must be given
 * @param defaultValue the value used when none is given, or null
 * @param secret whether the value is a secret (never shown, scrubbed from every message)
 * @param description one sentence for help output
 * @param choices the allowed values of a {@link Type#CHOICE}; empty otherwise
 * @param environmentAlias an environment variable people already know for this setting (the seed
 *     service's {@code WINDMILL_TOKEN}, {@code GIT_TOKEN}), named in messages instead of {@link
 *     #environmentName()}; null when there is none
 */
public record SettingKey(
        String key,
        Type type,
        boolean required,
        String defaultValue,
        boolean secret,
        String description,
        List<String> choices,
        String environmentAlias) {

    /** The shape of a setting's value. */
    public enum Type {
        /** Any text. */
        STRING,
        /** A whole number. */
        INTEGER,
        /** A decimal number. */
        DECIMAL,
        /** {@code true} or {@code false}. */
        BOOLEAN,
        /** A local file or directory path. */
        PATH,
        /** An absolute URL. */
        URL,
        /** A comma-separated list. */
        LIST,
        /** One of {@link SettingKey#choices()}. */
        CHOICE
    }

    public SettingKey {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(description, "description");
        choices = List.copyOf(choices);
        if (type == Type.CHOICE && choices.isEmpty()) {
            throw new IllegalArgumentException(key + ": a CHOICE setting needs choices");
        }
        if (secret && defaultValue != null) {
            throw new IllegalArgumentException(key + ": a secret has no default");
        }
    }

    /** A setting without an environment alias. */
    public SettingKey(
            String key,
            Type type,
            boolean required,
            String defaultValue,
            boolean secret,
            String description,
            List<String> choices) {
        this(key, type, required, defaultValue, secret, description, choices, null);
    }

    /** This setting, known in the environment also as {@code variable} (see {@link #preferredEnvironmentName()}). */
    public SettingKey withEnvironmentAlias(String variable) {
        return new SettingKey(key, type, required, defaultValue, secret, description, choices, variable);
    }

    /**
     * The environment variable a message should ask for: the {@linkplain #environmentAlias() alias} people
     * know when there is one, else {@link #environmentName()}.
     */
    public String preferredEnvironmentName() {
        return environmentAlias != null ? environmentAlias : environmentName();
    }

    /** A required setting. */
    public static SettingKey required(String key, Type type, String description) {
        return new SettingKey(key, type, true, null, false, description, List.of());
    }

    /** An optional setting, with a default (or null for none). */
    public static SettingKey optional(String key, Type type, String defaultValue, String description) {
        return new SettingKey(key, type, false, defaultValue, false, description, List.of());
    }

    /** A secret: never printed, scrubbed from every message. */
    public static SettingKey secret(String key, boolean required, String description) {
        return new SettingKey(key, Type.STRING, required, null, true, description, List.of());
    }

    /** A setting with a fixed set of values; the first is the default. */
    public static SettingKey choice(String key, List<String> choices, String description) {
        return new SettingKey(key, Type.CHOICE, false, choices.get(0), false, description, choices);
    }

    public Optional<String> defaultIfAbsent() {
        return Optional.ofNullable(defaultValue);
    }

    /**
     * The environment variable that can carry this setting: {@code WORKSPACE_SYNC_} plus the key
     * upper-cased with {@code .} and {@code -} turned into {@code _}.
     */
    public String environmentName() {
        return "WORKSPACE_SYNC_"
                + key.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_');
    }
}
