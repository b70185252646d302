package dev.workspacesync.core;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.workspacesync.core.spi.SettingKey;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Immutable key/value settings with typed getters, built from a map, a properties file, environment
 * variables or a JSON object, and layered with {@link #orElse}. Keys are prefixed by provider type
 * ({@code git.remote-url}).
 *
 * <p>Values of secret keys are never shown: not by {@link #toString()}, not in error messages. A key is
 * secret when a provider declares it so, or when its name says so ({@code token}, {@code secret},
 * {@code password}, {@code passphrase}); a {@linkplain SettingsScope scoped} key ({@code source.git.token})
 * is secret when its unscoped key is.
 *
 * <p>Keys may be {@linkplain SettingsScope scoped} to one side of a pipeline: {@link #forSource()} and
 * {@link #forDestination()} are the views a source and a destination read, where {@code source.<key>}
 * (or {@code destination.<key>}) overrides {@code <key>} for that side only.
 */
public final class SyncSettings {
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})\\s*(ms|s|m|h|d)?");

    private static final Pattern SECRET_NAME = Pattern.compile(".*(token|secret|password|passphrase).*");
    private static final SyncSettings EMPTY = new SyncSettings(Map.of(), Set.of());

    private final Map<String, String> values;
    private final Set<String> secretKeys;
    /** For a key of a side's view whose value came from a scoped key: that key, as messages name it. */
    private final Map<String, String> written;

    private SyncSettings(Map<String, String> values, Set<String> declaredSecrets) {
        this(values, declaredSecrets, Map.of());
    }

    private SyncSettings(Map<String, String> values, Set<String> declaredSecrets, Map<String, String> written) {
        this.values = Collections.unmodifiableMap(new TreeMap<>(values));
        Set<String> secrets = new HashSet<>(declaredSecrets);
        for (String key : this.values.keySet()) {
            if (SECRET_NAME.matcher(key.toLowerCase(Locale.ROOT)).matches()) {
                secrets.add(key);
            }
        }
        this.secretKeys = Collections.unmodifiableSet(secrets);
        Map<String, String> names = new TreeMap<>(written);
        names.keySet().retainAll(this.values.keySet());
        this.written = Collections.unmodifiableMap(names);
    }

    public static SyncSettings empty() {
        return EMPTY;
    }

    /** Settings from a map; null values are dropped, keys and values are trimmed. */
    public static SyncSettings of(Map<String, String> values) {
        Map<String, String> clean = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            if (k != null && v != null) {
                clean.put(k.trim(), v.trim());
            }
        });
        return new SyncSettings(clean, Set.of());
    }

    /** Settings from a {@code .properties} file. */
    public static SyncSettings fromProperties(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (NoSuchFileException e) {
            throw new SyncConfigException("Settings file " + file + " does not exist");
        } catch (IOException | IllegalArgumentException e) {
            throw new SyncConfigException("Cannot read settings file " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> map = new LinkedHashMap<>();
        for (String name : properties.stringPropertyNames()) {
            map.put(name, properties.getProperty(name));
        }
        return of(map);
    }

    /**
     * Settings from environment variables: for each known key, {@link SettingKey#environmentName()}
     * ({@code WORKSPACE_SYNC_GIT_REMOTE_URL} for {@code git.remote-url}), else its
     * {@linkplain SettingKey#environmentAlias() alias} ({@code GIT_REMOTE_URL}); and the key scoped to one
     * side from {@link SettingsScope#environmentName} ({@code WORKSPACE_SYNC_SOURCE_GIT_REMOTE_URL} for
     * {@code source.git.remote-url}; aliases are never scoped).
     */
    public static SyncSettings fromEnvironment(Map<String, String> environment, Collection<SettingKey> keys) {
        Map<String, String> map = new LinkedHashMap<>();
        Set<String> secrets = new HashSet<>();
        for (SettingKey key : keys) {
            environmentVariable(environment, key).ifPresent(variable -> map.put(key.key(), environment.get(variable)));
            for (SettingsScope scope : SettingsScope.values()) {
                environmentVariable(environment, key, scope)
                        .ifPresent(variable -> map.put(scope.key(key.key()), environment.get(variable)));
            }
            if (key.secret()) {
                secrets.addAll(secretNames(key.key()));
            }
        }
        return of(map).withSecrets(secrets);
    }

    /** The variable that sets this key for one side only in this environment; empty if none. */
    public static Optional<String> environmentVariable(
            Map<String, String> environment, SettingKey key, SettingsScope scope) {
        String variable = scope.environmentName(key);
        String value = environment.get(variable);
        return value != null && !value.isBlank() ? Optional.of(variable) : Optional.empty();
    }

    /** The variable that sets this key in this environment: the generic name over the alias; empty if none. */
    public static Optional<String> environmentVariable(Map<String, String> environment, SettingKey key) {
        for (String variable : Arrays.asList(key.environmentName(), key.environmentAlias())) {
            String value = variable == null ? null : environment.get(variable);
            if (value != null && !value.isBlank()) {
                return Optional.of(variable);
            }
        }
        return Optional.empty();
    }

    /**
     * Settings from a flat JSON object. Strings, numbers and booleans become text; arrays of those become
     * a comma-separated list; null means absent.
     *
     * @throws SyncConfigException naming the key whose value is not usable, or saying why the JSON is bad
     */
    public static SyncSettings fromJson(String json) {
        Map<String, String> map = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        try (JsonParser parser = new JsonFactory().createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new SyncConfigException("Settings JSON must be an object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String key = parser.currentName();
                JsonToken token = parser.nextToken();
                switch (token) {
                    case VALUE_NULL -> {}
                    case VALUE_STRING, VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT, VALUE_TRUE, VALUE_FALSE ->
                        map.put(key, parser.getText());
                    case START_ARRAY -> {
                        List<String> items = new ArrayList<>();
                        while (parser.nextToken() != JsonToken.END_ARRAY) {
                            if (parser.currentToken().isStructStart()) {
                                problems.add("Setting '" + key + "' must be a list of plain values");
                                parser.skipChildren();
                            } else {
                                items.add(parser.getText());
                            }
                        }
                        map.put(key, String.join(",", items));
                    }
                    default -> {
                        problems.add("Setting '" + key + "' must be a string, number, boolean or list");
                        parser.skipChildren();
                    }
                }
            }
            if (parser.currentToken() != JsonToken.END_OBJECT || parser.nextToken() != null) {
                throw new SyncConfigException("Settings JSON has content after its object");
            }
        } catch (IOException e) {
            // Jackson's message quotes the offending input, which may contain a secret: keep only the position.
            throw new SyncConfigException("Settings JSON is malformed near line "
                    + (e instanceof com.fasterxml.jackson.core.JsonProcessingException p && p.getLocation() != null
                            ? p.getLocation().getLineNr() + ", column "
                                    + p.getLocation().getColumnNr()
                            : "?"));
        }
        if (!problems.isEmpty()) {
            throw new SyncConfigException(problems);
        }
        return of(map);
    }

    /** These settings, with {@code fallback}'s values for keys that are absent here. */
    public SyncSettings orElse(SyncSettings fallback) {
        Map<String, String> merged = new LinkedHashMap<>(fallback.values);
        merged.putAll(values);
        Set<String> secrets = new HashSet<>(secretKeys);
        secrets.addAll(fallback.secretKeys);
        Map<String, String> names = new LinkedHashMap<>(fallback.written);
        names.keySet().removeAll(values.keySet());
        names.putAll(written);
        return new SyncSettings(merged, secrets, names);
    }

    /** These settings plus one more value (replacing any present). */
    public SyncSettings with(String key, String value) {
        Map<String, String> copy = new LinkedHashMap<>(values);
        copy.put(key, value);
        Map<String, String> names = new LinkedHashMap<>(written);
        names.remove(key);
        return new SyncSettings(copy, secretKeys, names);
    }

    /**
     * These settings with the secrets of these keys marked, scoped forms included ({@code git.token}
     * marks {@code source.git.token} and {@code destination.git.token} too), without checking anything
     * else; for the whole of a run's settings, whose scoped secrets must be masked like any other.
     */
    public SyncSettings withSecretsOf(Collection<SettingKey> keys) {
        Set<String> secrets = new HashSet<>();
        keys.stream().filter(SettingKey::secret).forEach(k -> secrets.addAll(secretNames(k.key())));
        return withSecrets(secrets);
    }

    private SyncSettings withSecrets(Set<String> more) {
        Set<String> secrets = new HashSet<>(secretKeys);
        secrets.addAll(more);
        return new SyncSettings(values, secrets, written);
    }

    private static List<String> secretNames(String key) {
        return List.of(key, SettingsScope.SOURCE.key(key), SettingsScope.DESTINATION.key(key));
    }

    /** The view the source reads: {@link #forScope forScope(SOURCE)}. */
    public SyncSettings forSource() {
        return forScope(SettingsScope.SOURCE);
    }

    /** The view every destination reads: {@link #forScope forScope(DESTINATION)}. */
    public SyncSettings forDestination() {
        return forScope(SettingsScope.DESTINATION);
    }

    /**
     * The settings one side of a pipeline reads: every unscoped key, then each key scoped to this side
     * with its prefix removed, over the unscoped value ({@code source.windmill.workspace} →
     * {@code windmill.workspace} for the source); keys scoped to the other side are left out. Without
     * scoped keys this is these settings unchanged, and a view's view is itself. A value taken from a
     * scoped key stays secret if either form is, and messages about it name the scoped key.
     */
    public SyncSettings forScope(SettingsScope scope) {
        Map<String, String> view = new LinkedHashMap<>();
        Map<String, String> names = new LinkedHashMap<>(written);
        Set<String> secrets = new HashSet<>();
        values.forEach((key, value) -> {
            if (SettingsScope.of(key).isEmpty()) {
                view.put(key, value);
                if (secretKeys.contains(key)) {
                    secrets.add(key);
                }
            }
        });
        values.forEach((key, value) -> {
            if (SettingsScope.of(key).filter(s -> s == scope).isPresent()) {
                String unscoped = SettingsScope.unscoped(key);
                view.put(unscoped, value);
                names.put(unscoped, key);
                // Secret if either form is: the unscoped key's declaration covers the scoped value.
                if (secretKeys.contains(key) || secretKeys.contains(unscoped)) {
                    secrets.add(unscoped);
                }
            }
        });
        return new SyncSettings(view, secrets, names);
    }

    /** Whether any key is scoped to a side ({@code source.…}, {@code destination.…}). */
    public boolean hasScopedKeys() {
        return values.keySet().stream().anyMatch(k -> SettingsScope.of(k).isPresent());
    }

    /**
     * These settings with the scoped keys of a type that is on one side only folded into unscoped keys:
     * when the source is {@code windmill} and no destination is, {@code source.windmill.token} means
     * {@code windmill.token} (it wins over it). For code that reads one provider's keys from the whole of
     * a run's settings (a service's credential rules, a target's name) and must see what that provider
     * will be given. Scoped keys of a type on both sides, or on neither, stay as they are.
     *
     * @param sourceType the source's type, or null for none
     * @param destinationTypes the destinations' types
     */
    public SyncSettings unscopedFor(String sourceType, Collection<String> destinationTypes) {
        Map<String, String> folded = new LinkedHashMap<>(values);
        Set<String> secrets = new HashSet<>(secretKeys);
        values.forEach((key, value) -> {
            Optional<SettingsScope> scope = SettingsScope.of(key);
            if (scope.isEmpty()) {
                return;
            }
            String unscoped = SettingsScope.unscoped(key);
            String type = unscoped.contains(".") ? unscoped.substring(0, unscoped.indexOf('.')) : unscoped;
            boolean onSource = type.equals(sourceType);
            boolean onDestination = destinationTypes.contains(type);
            boolean only =
                    scope.get() == SettingsScope.SOURCE ? onSource && !onDestination : onDestination && !onSource;
            if (only) {
                folded.remove(key);
                folded.put(unscoped, value);
                if (secretKeys.contains(key)) {
                    secrets.add(unscoped);
                }
            }
        });
        return new SyncSettings(folded, secrets, written);
    }

    /**
     * Checks these settings against a provider's keys: every required key present, every value of the
     * right shape. Returns the settings with defaults filled in and declared secrets marked.
     *
     * @throws SyncConfigException listing every problem at once
     */
    public SyncSettings validate(Collection<SettingKey> keys) {
        List<String> problems = new ArrayList<>();
        Map<String, String> filled = new LinkedHashMap<>(values);
        Set<String> secrets = new HashSet<>(secretKeys);
        for (SettingKey key : keys) {
            if (key.secret()) {
                secrets.addAll(secretNames(key.key()));
            }
            String value = values.get(key.key());
            if (value == null || value.isEmpty()) {
                if (key.required()) {
                    problems.add("Missing required setting '" + key.key() + "' (" + key.description()
                            + "; environment variable " + key.preferredEnvironmentName() + ")");
                } else if (key.defaultValue() != null) {
                    filled.put(key.key(), key.defaultValue());
                }
                continue;
            }
            String shown = key.secret() || secretKeys.contains(key.key()) ? Redactor.MASK : "'" + value + "'";
            String problem = checkShape(key, value);
            if (problem != null) {
                problems.add("Setting '" + written(key.key()) + "' has value " + shown + ", " + problem);
            }
        }
        if (!problems.isEmpty()) {
            throw new SyncConfigException(problems);
        }
        return new SyncSettings(filled, secrets, written);
    }

    /** A key as the user wrote it: the scoped key a side's view took its value from, else the key. */
    public String written(String key) {
        return written.getOrDefault(key, key);
    }

    private static String checkShape(SettingKey key, String value) {
        return switch (key.type()) {
            case STRING, PATH, LIST -> null;
            case INTEGER -> parsesAs(() -> Long.parseLong(value)) ? null : "which is not a whole number";
            case DECIMAL -> parsesAs(() -> Double.parseDouble(value)) ? null : "which is not a number";
            case BOOLEAN ->
                value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false") ? null : "which is not true or false";
            case URL -> isAbsoluteUri(value) ? null : "which is not an absolute URL";
            case CHOICE -> key.choices().contains(value) ? null : "which is not one of " + key.choices();
        };
    }

    private static boolean parsesAs(Runnable parse) {
        try {
            parse.run();
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static boolean isAbsoluteUri(String value) {
        try {
            URI uri = new URI(value);
            if (uri.isAbsolute() && (uri.getHost() != null || "file".equals(uri.getScheme()) || uri.isOpaque())) {
                return true;
            }
        } catch (URISyntaxException e) {
            // not a java.net.URI; Endpoint may still read it
        }
        // Endpoint reads what java.net.URI gives no host: Compose service names such as windmill_server.
        try {
            Endpoint.parse("url", value);
            return true;
        } catch (SyncConfigException e) {
            return false;
        }
    }

    /** The value, if present and not empty. */
    public Optional<String> get(String key) {
        String value = values.get(key);
        return value == null || value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    /** A required value. */
    public String string(String key) {
        return get(key).orElseThrow(() -> new SyncConfigException("Missing required setting '" + key + "'"));
    }

    /** A value, or the default. */
    public String string(String key, String defaultValue) {
        return get(key).orElse(defaultValue);
    }

    /** A secret value, if present. */
    public Optional<Secret> secret(String key) {
        return get(key).map(Secret::of);
    }

    public long integer(String key, long defaultValue) {
        Optional<String> value = get(key);
        if (value.isEmpty()) {
            return defaultValue;
        }
        try {
            return Long.parseLong(value.get());
        } catch (NumberFormatException e) {
            throw malformed(key, "a whole number");
        }
    }

    /** A positive duration; see {@link #duration(String, Duration, boolean)}. */
    public Duration duration(String key, Duration defaultValue) {
        return duration(key, defaultValue, false);
    }

    /**
     * A duration: {@code 500ms}, {@code 90} (seconds), {@code 90s}, {@code 15m}, {@code 24h}, {@code 7d}, or
     * ISO-8601 ({@code PT1H30M}). The one duration syntax of every adapter's settings.
     *
     * @param allowZero whether {@code 0} is a value (e.g. "never"); otherwise it must be positive
     * @throws SyncConfigException naming the key and value if it is not such a duration
     */
    public Duration duration(String key, Duration defaultValue, boolean allowZero) {
        Optional<String> value = get(key).map(String::strip);
        if (value.isEmpty()) {
            return defaultValue;
        }
        String raw = value.get();
        Duration d = null;
        java.util.regex.Matcher m = DURATION.matcher(raw.toLowerCase(Locale.ROOT));
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            d = switch (m.group(2) == null ? "s" : m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                case "d" -> Duration.ofDays(n);
                default -> Duration.ofSeconds(n);
            };
        } else {
            try {
                d = Duration.parse(raw.toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                // reported below
            }
        }
        if (d == null || d.isNegative() || (d.isZero() && !allowZero)) {
            throw new SyncConfigException("Setting '" + written(key) + "' has value "
                    + (secretKeys.contains(key) ? Redactor.MASK : "'" + raw + "'") + ", which is not a "
                    + (allowZero ? "" : "positive ") + "duration such as 500ms, 30s, 5m, 2h, 7d or PT1H");
        }
        return d;
    }

    public double decimal(String key, double defaultValue) {
        Optional<String> value = get(key);
        if (value.isEmpty()) {
            return defaultValue;
        }
        try {
            return Double.parseDouble(value.get());
        } catch (NumberFormatException e) {
            throw malformed(key, "a number");
        }
    }

    public boolean bool(String key, boolean defaultValue) {
        Optional<String> value = get(key);
        if (value.isEmpty()) {
            return defaultValue;
        }
        return switch (value.get().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw malformed(key, "true or false");
        };
    }

    /** A path, with a leading {@code ~/} expanded to the user's home. */
    public Optional<Path> path(String key) {
        return get(key).map(value -> value.equals("~") || value.startsWith("~/")
                ? Path.of(System.getProperty("user.home")).resolve(value.substring(Math.min(2, value.length())))
                : Path.of(value));
    }

    /** A comma-separated list, trimmed, without empty items. */
    public List<String> list(String key) {
        return get(key).map(v -> Arrays.stream(v.split(","))
                        .map(String::trim)
                        .filter(s -> !s.isEmpty())
                        .toList())
                .orElse(List.of());
    }

    /** A comma-separated list, or the default when the key is absent. */
    public List<String> list(String key, List<String> defaultValue) {
        return get(key).isPresent() ? list(key) : defaultValue;
    }

    private SyncConfigException malformed(String key, String expected) {
        String shown = secretKeys.contains(key) ? Redactor.MASK : "'" + values.get(key) + "'";
        return new SyncConfigException(
                "Setting '" + written(key) + "' has value " + shown + ", which is not " + expected);
    }

    /** Every key with a value. */
    public Set<String> keys() {
        return values.keySet();
    }

    /** Whether a key holds a secret. */
    public boolean isSecret(String key) {
        return secretKeys.contains(key);
    }

    /** The values of every secret key, for a {@link Redactor}. */
    public List<Secret> secrets() {
        List<Secret> secrets = new ArrayList<>();
        for (String key : secretKeys) {
            get(key).ifPresent(v -> secrets.add(Secret.of(v)));
        }
        return secrets;
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("{");
        values.forEach((k, v) -> {
            if (out.length() > 1) {
                out.append(", ");
            }
            out.append(k).append('=').append(secretKeys.contains(k) ? Redactor.MASK : v);
        });
        return out.append('}').toString();
    }
}
