package dev.workspacesync.examples.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.workspacesync.core.SyncConfigException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The events of Windmill's workspace webhook (workspace settings → Webhooks, or
 * {@code POST /api/w/{w}/workspaces/edit_webhook {"webhook": URL}}): after each change the server POSTs one
 * JSON object per item, its {@code WebhookMessage} enum serialised with {@code #[serde(tag = "type")]}:
 *
 * <pre>
 * {"type":"CreateScript","workspace":"admins","path":"f/etl/load","hash":"8e1c…"}
 * {"type":"UpdateFlow","workspace":"admins","old_path":"f/a/x","new_path":"f/a/y"}
 * {"type":"CreateFolder","workspace":"admins","name":"etl"}
 * {"type":"CreateResourceType","name":"postgresql"}   (no workspace)
 * </pre>
 *
 * An event names neither the user nor the content: it says only that something changed, so the service
 * syncs the whole workspace. Kinds this class does not know (a newer server) are read all the same.
 */
public final class WindmillEvents {
    /** The event kinds of the server's {@code WebhookMessage} enum ({@code windmill_common::webhook}). */
    public static final Set<String> KINDS = Set.of(
            "CreateApp",
            "DeleteApp",
            "UpdateApp",
            "CreateFlow",
            "UpdateFlow",
            "ArchiveFlow",
            "DeleteFlow",
            "CreateFolder",
            "UpdateFolder",
            "DeleteFolder",
            "DeleteResource",
            "CreateResource",
            "UpdateResource",
            "CreateResourceType",
            "DeleteResourceType",
            "UpdateResourceType",
            "CreateScript",
            "UpdateScript",
            "DeleteScript",
            "DeleteScriptPath",
            "CreateVariable",
            "UpdateVariable",
            "DeleteVariable");

    /** The longest event kind read; a longer one is not a Windmill event. */
    static final int MAX_KIND = 100;

    private static final List<String> PATH_FIELDS = List.of("path", "old_path", "new_path", "name");

    /**
     * One event.
     *
     * @param kind its {@code type}, e.g. {@code CreateScript}
     * @param workspace the workspace it names, or null (resource type events name none)
     * @param paths the item paths or names it names (empty for {@code DeleteScript}, which names a hash)
     * @param known whether {@code kind} is one of {@link #KINDS}
     */
    public record Event(String kind, String workspace, List<String> paths, boolean known) {
        public Event {
            paths = List.copyOf(paths);
        }
    }

    private WindmillEvents() {}

    /**
     * Reads one event body.
     *
     * @throws SyncConfigException naming what is wrong: not JSON, not an object, no {@code type}, a field
     *     of the wrong type, a workspace that is no Windmill workspace id
     */
    public static Event parse(byte[] body) {
        JsonNode json;
        try {
            json = ReportJson.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new SyncConfigException("Invalid JSON body: " + firstLine(e.getMessage()));
        }
        if (json == null || !json.isObject()) {
            throw new SyncConfigException("Invalid event: expected a JSON object like Windmill's workspace webhook"
                    + " sends ({\"type\": \"CreateScript\", \"workspace\": ..., ...})");
        }
        JsonNode type = json.get("type");
        if (type == null || type.isNull()) {
            throw new SyncConfigException("Invalid event: field 'type' is missing (Windmill's workspace webhook"
                    + " always sends it, e.g. \"CreateScript\")");
        }
        if (!type.isTextual() || type.asText().isBlank()) {
            throw new SyncConfigException("Invalid event: field 'type' must be a non-empty string");
        }
        String kind = type.asText();
        if (kind.length() > MAX_KIND || kind.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
            throw new SyncConfigException(
                    "Invalid event: field 'type' is not an event kind (printable ASCII, at most " + MAX_KIND + ")");
        }
        String workspace = null;
        JsonNode ws = json.get("workspace");
        if (ws != null && !ws.isNull()) {
            if (!ws.isTextual()) {
                throw new SyncConfigException("Invalid event: field 'workspace' must be a string");
            }
            workspace = ws.asText();
            RequestChecks.workspace(workspace);
        }
        List<String> paths = new ArrayList<>();
        for (String field : PATH_FIELDS) {
            JsonNode value = json.get(field);
            if (value != null && !value.isNull()) {
                if (!value.isTextual()) {
                    throw new SyncConfigException("Invalid event: field '" + field + "' must be a string");
                }
                if (!paths.contains(value.asText())) {
                    paths.add(value.asText());
                }
            }
        }
        return new Event(kind, workspace, paths, KINDS.contains(kind));
    }

    /** A kind for a log line: bounded and printable (the parser checked it already). */
    static String shown(Event event) {
        return RequestChecks.shown(event.kind());
    }

    private static String firstLine(String message) {
        String text = String.valueOf(message);
        int nl = text.indexOf('\n');
        text = nl < 0 ? text : text.substring(0, nl);
        // Jackson quotes part of the input; the body is not a secret, but keep the answer short.
        return text.length() > 200 ? text.substring(0, 200) + "…" : text;
    }
}
