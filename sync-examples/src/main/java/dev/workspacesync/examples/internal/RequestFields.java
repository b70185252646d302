package dev.workspacesync.examples.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.workspacesync.core.SyncConfigException;
import dev.workspacesync.core.SyncSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Maps a request's JSON fields onto setting keys, falls back to other settings (the environment) for
 * absent fields, adds fixed settings, and names every required field still missing in one message:
 * {@code Missing required fields: windmill_token, git_remote_url}.
 *
 * @param fields JSON field → setting key, in the order missing fields are reported
 * @param required which fields must end up with a value; each is tested against the merged settings
 * @param fallback settings for absent fields (typically from the environment)
 * @param fixed settings every request gets, whatever it says
 */
public record RequestFields(
        Map<String, String> fields,
        Map<String, Predicate<SyncSettings>> required,
        SyncSettings fallback,
        SyncSettings fixed) {

    public RequestFields {
        fields = new LinkedHashMap<>(fields);
        required = new LinkedHashMap<>(required);
    }

    /** A field that is always required. */
    public static Predicate<SyncSettings> always() {
        return settings -> true;
    }

    /** The settings a request asks for. */
    public SyncSettings settings(JsonNode body) {
        Map<String, String> values = new LinkedHashMap<>();
        fields.forEach((field, key) -> {
            JsonNode value = body.get(field);
            if (value != null
                    && !value.isNull()
                    && value.isValueNode()
                    && !value.asText().isBlank()) {
                values.put(key, value.asText());
            }
        });
        SyncSettings settings = fixed.orElse(SyncSettings.of(values)).orElse(fallback);
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
}
