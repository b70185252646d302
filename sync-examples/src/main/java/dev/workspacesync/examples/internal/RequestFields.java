package dev.workspacesync.examples.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.workspacesync.core.KnownSettings;
import dev.workspacesync.core.SettingsScope;
import dev.workspacesync.core.SyncConfigException;
import dev.workspacesync.core.SyncSettings;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Maps a request's JSON fields onto setting keys, validates every field, falls back to other settings
 * (the environment) for absent fields, adds fixed settings, and names every required field still
 * missing in one message: {@code Missing required fields: windmill_token, git_remote_url}.
 *
 * <p>Every field of a body is checked before anything runs: an unknown field (with a "did you mean"
 * for a near miss), a value that is not a string ({@code null}, a number, an array, an object), a string
 * longer than {@link #MAX_LENGTH} or one its {@link Check} refuses is a {@link SyncConfigException}
 * (400) naming the field. Messages never repeat a value of a field whose name says it is a token.
 * An empty string counts as absent (the seed service's callers send {@code ""} for "use the default").
 *
 * <p>Fields may be {@linkplain SettingsScope scoped} like every other channel's keys: {@link #scoped} adds
 * {@code source.<field>} and {@code destination.<field>} for the fields whose key belongs to that side's
 * provider ({@code source.workspace} → {@code source.windmill.workspace}); a scoped field checks its value
 * as the unscoped field does, and one naming a side whose provider does not take the field is refused,
 * naming the field and the side.
 *
 * @param fields JSON field → setting key, in the order missing fields are reported
 * @param checks per-field checks of a present value; each throws {@link SyncConfigException} naming the
 *     field
 * @param required which fields must end up with a value; each is tested against the merged settings
 * @param fallback settings for absent fields (typically from the environment)
 * @param fixed settings every request gets, whatever it says
 * @param merge combines the request's own values (by setting key) with the fallback; the default puts the
 *     request over the fallback, the service passes {@link CredentialBinding#apply}
 */
public record RequestFields(
        Map<String, String> fields,
        Map<String, Check> checks,
        Map<String, Predicate<SyncSettings>> required,
        SyncSettings fallback,
        SyncSettings fixed,
        Function<SyncSettings, SyncSettings> merge) {

    /** The longest string any field may hold (a field's check may allow less). */
    public static final int MAX_LENGTH = 4096;
    /** The longest field name repeated in a message. */
    private static final int SHOWN_NAME = 40;

    /** A check of one field's present, non-empty value. */
    @FunctionalInterface
    public interface Check {
        /**
         * @throws SyncConfigException naming the field, if the value is not acceptable
         */
        void check(String value);
    }

    public RequestFields {
        fields = new LinkedHashMap<>(fields);
        checks = new LinkedHashMap<>(checks);
        required = new LinkedHashMap<>(required);
        if (merge == null) {
            SyncSettings base = fallback;
            merge = requested -> requested.orElse(base);
        }
    }

    /** Fields without checks beyond types and length, the request over the fallback. */
    public RequestFields(
            Map<String, String> fields,
            Map<String, Predicate<SyncSettings>> required,
            SyncSettings fallback,
            SyncSettings fixed) {
        this(fields, Map.of(), required, fallback, fixed, null);
    }

    /**
     * {@code fields} plus their scoped forms: {@code source.<field>} for each field whose setting key belongs
     * to the source's type, {@code destination.<field>} for each one of a destination's type.
     *
     * @param sourceType the source's type ({@code windmill})
     * @param destinationTypes the destinations' types ({@code git})
     */
    public static Map<String, String> scoped(
            Map<String, String> fields, String sourceType, List<String> destinationTypes) {
        Map<String, String> all = new LinkedHashMap<>(fields);
        for (SettingsScope scope : SettingsScope.values()) {
            List<String> types = scope == SettingsScope.SOURCE ? List.of(sourceType) : destinationTypes;
            fields.forEach((field, key) -> {
                if (types.stream().anyMatch(t -> key.startsWith(t + "."))) {
                    all.put(scope.key(field), scope.key(key));
                }
            });
        }
        return all;
    }

    /** A field that is always required. */
    public static Predicate<SyncSettings> always() {
        return settings -> true;
    }

    /**
     * The settings a request asks for.
     *
     * @throws SyncConfigException (400) naming every field at fault
     * @throws RequestRefusedException (403) from {@link #merge}, naming the field
     */
    public SyncSettings settings(JsonNode body) {
        List<String> problems = new ArrayList<>();
        Map<String, String> values = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> entries = body.fields();
        while (entries.hasNext()) {
            Map.Entry<String, JsonNode> entry = entries.next();
            String field = entry.getKey();
            JsonNode value = entry.getValue();
            String key = fields.get(field);
            if (key == null) {
                problems.add(unknown(field));
                continue;
            }
            if (!value.isTextual()) {
                problems.add("Field '" + field + "' must be a string, not " + kind(value));
                continue;
            }
            String text = value.textValue();
            if (text.isBlank()) {
                continue;
            }
            if (text.length() > MAX_LENGTH) {
                problems.add("Field '" + field + "' is longer than " + MAX_LENGTH + " characters");
                continue;
            }
            // A scoped field (source.workspace) is checked as its field is.
            Check check = checks.get(
                    SettingsScope.of(field).isPresent() && !checks.containsKey(field)
                            ? SettingsScope.unscoped(field)
                            : field);
            if (check != null) {
                try {
                    check.check(text.strip());
                } catch (SyncConfigException e) {
                    problems.add(e.getMessage());
                    continue;
                }
            }
            values.put(key, text);
        }
        if (!problems.isEmpty()) {
            throw new SyncConfigException(String.join("; ", problems));
        }
        SyncSettings settings = fixed.orElse(merge.apply(SyncSettings.of(values)));
        List<String> missing = new ArrayList<>();
        required.forEach((field, when) -> {
            if (when.test(settings) && settings.get(fields.get(field)).isEmpty()) {
                missing.add(field);
            }
        });
        if (!missing.isEmpty()) {
            throw new SyncConfigException("Missing required fields: " + String.join(", ", missing));
        }
        return settings;
    }

    private String unknown(String field) {
        String shown = shown(field);
        java.util.Optional<SettingsScope> scope = SettingsScope.of(field);
        if (scope.isPresent() && fields.containsKey(SettingsScope.unscoped(field))) {
            String base = SettingsScope.unscoped(field);
            String other = scope.get().other().key(base);
            return "Field '" + shown + "' is scoped to the " + scope.get().word() + ", whose provider does not take '"
                    + base + "'" + (fields.containsKey(other) ? "; did you mean '" + other + "'?" : "");
        }
        // The same near-miss rule as every other settings channel (case, _ for -, a few typos).
        return KnownSettings.suggest(field, fields.keySet())
                .map(suggestion -> "Unknown field '" + shown + "'; did you mean '" + suggestion + "'?")
                .orElse("Unknown field '" + shown + "'; known fields: "
                        + String.join(
                                ", ",
                                fields.keySet().stream()
                                        .filter(f -> SettingsScope.of(f).isEmpty())
                                        .toList())
                        + (fields.keySet().stream()
                                        .anyMatch(f -> SettingsScope.of(f).isPresent())
                                ? " (each also as source.<field> or destination.<field> for its side)"
                                : ""));
    }

    /** A field name as it may appear in a message: bounded, printable. */
    private static String shown(String field) {
        StringBuilder out = new StringBuilder();
        field.codePoints().limit(SHOWN_NAME).forEach(c -> {
            if (Character.isISOControl(c) || c == '\'' || Character.getType(c) == Character.FORMAT) {
                out.append('?');
            } else {
                out.appendCodePoint(c);
            }
        });
        if (field.codePointCount(0, field.length()) > SHOWN_NAME) {
            out.append('…');
        }
        return out.toString();
    }

    private static String kind(JsonNode value) {
        if (value.isNull()) {
            return "null";
        }
        if (value.isNumber()) {
            return "a number";
        }
        if (value.isBoolean()) {
            return "a boolean";
        }
        if (value.isArray()) {
            return "an array";
        }
        if (value.isObject()) {
            return "an object";
        }
        return value.getNodeType().name().toLowerCase(Locale.ROOT);
    }
}
