package dev.workspacesync.windmill.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspacesync.windmill.testing.WorkspaceModel.Item;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The per-item REST endpoints of one workspace ({@code rest} is the path after {@code /api/w/{w}/}), as the
 * Windmill server answers them and as {@code wmill sync push} (1.819.0) calls them: gets answer the current
 * item or 404 {@code Not found: <Kind> not found at name <path>} (the server's {@code not_found_if_none}); creates
 * answer 201 (scripts: the new hash as text; others: the path), updates and deletes 200. The stored object is
 * the request body without what the export strips (path, name, request-only flags).
 */
final class WorkspaceApi {
    /** An answer: status, content type, body. */
    record Answer(int status, String type, byte[] body) {
        static Answer text(int status, String text) {
            return new Answer(status, "text/plain", text.getBytes(StandardCharsets.UTF_8));
        }

        static Answer json(JsonNode node) {
            try {
                return new Answer(200, "application/json", WorkspaceModel.JSON.writeValueAsBytes(node));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Keys of request bodies that only steer the request; the server stores none of them. */
    private static final Set<String> REQUEST_ONLY = Set.of(
            "path",
            "name",
            "deployment_message",
            "skip_draft_deletion",
            "preserve_on_behalf_of",
            "on_behalf_of",
            "parent_hash",
            "auto_parent",
            "draft_only",
            "ws_specific",
            "workspace_id",
            "created_by",
            "created_at",
            "edited_at",
            "edited_by",
            "archived");

    private static final Map<String, String> NOUN = Map.ofEntries(
            Map.entry("folder", "Folder"),
            Map.entry("resource_type", "ResourceType"),
            Map.entry("variable", "Variable"),
            Map.entry("resource", "Resource"),
            Map.entry("script", "Script"),
            Map.entry("flow", "Flow"),
            Map.entry("app", "App"),
            Map.entry("raw_app", "App"),
            Map.entry("schedule", "Schedule"),
            Map.entry("group", "Group"),
            Map.entry("user", "User"));

    private final String workspace;
    private final WorkspaceModel model;

    WorkspaceApi(String workspace, WorkspaceModel model) {
        this.workspace = workspace;
        this.model = model;
    }

    /** Answers the request, or null when this is no item endpoint (the caller answers 404). */
    Answer handle(String method, String rest, Map<String, String> query, byte[] body) {
        JsonNode json = null;
        if (body.length > 0) {
            try {
                json = WorkspaceModel.JSON.readTree(body);
            } catch (IOException e) {
                return Answer.text(400, "Bad request: invalid JSON body: " + e.getMessage());
            }
        }
        ObjectNode in = json instanceof ObjectNode o ? o : JsonNodeFactory.instance.objectNode();
        String[] p = rest.split("/", -1);
        if (p.length < 2) {
            return null;
        }
        String tail = p.length > 2 ? String.join("/", List.of(p).subList(2, p.length)) : "";
        String tail3 = p.length > 3 ? String.join("/", List.of(p).subList(3, p.length)) : "";
        switch (p[0]) {
            case "folders":
                return simple(method, p[1], tail, in, "folder", "name");
            case "resources":
                if (p[1].equals("type") && p.length > 2) {
                    return simple(method, p[2], tail3, in, "resource_type", "name");
                }
                return simple(method, p[1], tail, in, "resource", "path");
            case "variables":
                return simple(method, p[1], tail, in, "variable", "path");
            case "flows":
                return simple(method, p[1], tail, in, "flow", "path");
            case "schedules":
                return simple(method, p[1], tail, in, "schedule", "path");
            case "scripts":
                return scripts(method, p[1], p.length > 2 && p[2].equals("p") ? tail3 : tail, in);
            case "acls":
                return acls(p, in);
            default:
                if (p[0].endsWith("_triggers")) {
                    String kind = p[0].substring(0, p[0].length() - 1);
                    if (WorkspaceModel.TRIGGER_KINDS.contains(kind.substring(0, kind.length() - 8))) {
                        return simple(method, p[1], tail, in, kind, "path");
                    }
                }
                return null;
        }
    }

    /** get / exists / create / update / delete of a kind whose stored object is its body, as most kinds are. */
    private Answer simple(String method, String verb, String key, ObjectNode in, String kind, String keyField) {
        switch (verb) {
            case "get" -> {
                Item item = model.get(kind, key);
                return item == null ? notFound(kind, key) : Answer.json(view(item, keyField));
            }
            case "exists" -> {
                return Answer.json(JsonNodeFactory.instance.booleanNode(model.get(kind, key) != null));
            }
            case "create" -> {
                String k = in.path(keyField).asText("");
                if (k.isEmpty()) {
                    return Answer.text(400, "Bad request: missing " + keyField);
                }
                if (model.get(kind, k) != null) {
                    return Answer.text(
                            400, "Bad request: " + NOUN.getOrDefault(kind, kind) + " " + k + " already exists");
                }
                model.put(kind, k, stored(kind, k, in, null));
                return Answer.text(201, k);
            }
            case "update" -> {
                Item item = model.get(kind, key);
                if (item == null) {
                    return notFound(kind, key);
                }
                String k = in.path(keyField).asText(key);
                if (!k.equals(key)) {
                    model.remove(kind, key);
                }
                model.put(kind, k, stored(kind, k, in, item.json));
                return Answer.text(200, k);
            }
            case "delete" -> {
                if (!method.equals("DELETE") || !model.remove(kind, key)) {
                    return notFound(kind, key);
                }
                if (kind.equals("variable")) {
                    model.remove("resource", key); // the server deletes the resource a variable is linked to
                }
                return Answer.text(200, key);
            }
            default -> {
                return null;
            }
        }
    }

    /** What the server keeps of a body: without request-only keys; an update keeps what it does not set. */
    private static ObjectNode stored(String kind, String key, ObjectNode in, ObjectNode previous) {
        ObjectNode out = previous == null || kind.equals("flow") || kind.equals("script")
                ? JsonNodeFactory.instance.objectNode()
                : previous.deepCopy();
        in.fields().forEachRemaining(e -> {
            if (!REQUEST_ONLY.contains(e.getKey())) {
                out.set(e.getKey(), e.getValue());
            }
        });
        if (kind.equals("folder")) {
            if (!out.has("display_name")) {
                out.put("display_name", key);
            }
            if (!out.has("owners")) {
                out.putArray("owners");
            }
            if (!out.has("extra_perms")) {
                out.putObject("extra_perms");
            }
        }
        return out;
    }

    /** The GET view of an item: the stored object with its identity back. */
    private ObjectNode view(Item item, String keyField) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("workspace_id", workspace);
        out.put(keyField, item.key);
        out.setAll(item.json);
        if (!out.has("extra_perms")) {
            out.putObject("extra_perms");
        }
        return out;
    }

    private Answer scripts(String method, String verb, String path, ObjectNode in) {
        switch (verb) {
            case "get" -> {
                Item item = model.get("script", path);
                if (item == null) {
                    return notFound("script", path);
                }
                ObjectNode out = view(item, "path");
                out.put("hash", item.hash);
                out.put("content", item.code);
                out.put("language", item.language);
                out.put("archived", item.archived);
                out.put("deleted", false);
                if (!out.has("ws_error_handler_muted")) {
                    out.put("ws_error_handler_muted", false);
                }
                return Answer.json(out);
            }
            case "exists" -> {
                Item item = model.get("script", path);
                return Answer.json(JsonNodeFactory.instance.booleanNode(item != null && !item.archived));
            }
            case "create" -> {
                String p = in.path("path").asText("");
                if (p.isEmpty() || !in.hasNonNull("content") || !in.hasNonNull("language")) {
                    return Answer.text(400, "Bad request: a script needs path, content and language");
                }
                Item previous = model.get("script", p);
                String parent = in.path("parent_hash").asText(null);
                if (previous != null && !previous.archived && parent == null) {
                    return Answer.text(
                            400, "Bad request: Path conflict for " + p + " with non-archived hash " + previous.hash);
                }
                if (previous != null && parent != null && !parent.equals(previous.hash)) {
                    return Answer.text(400, "Bad request: The parent hash " + parent + " is not the latest one");
                }
                ObjectNode meta = stored("script", p, in, null);
                meta.remove(List.of("content", "language"));
                for (String always : List.of("summary", "description")) {
                    if (!meta.has(always)) {
                        meta.put(always, "");
                    }
                }
                for (String always : List.of("schema", "lock")) {
                    if (!meta.has(always)) {
                        meta.putNull(always);
                    }
                }
                if (!meta.has("kind")) {
                    meta.put("kind", "script");
                }
                if (!meta.path("ws_error_handler_muted").asBoolean(false)) {
                    meta.remove("ws_error_handler_muted");
                }
                JsonNode perms = meta.get("extra_perms");
                if (perms != null && (perms.isNull() || perms.isEmpty())) {
                    meta.remove("extra_perms");
                }
                if (previous != null && previous.json.has("extra_perms") && !meta.has("extra_perms")) {
                    meta.set("extra_perms", previous.json.get("extra_perms"));
                }
                Item item = model.put("script", p, meta);
                item.language = in.get("language").asText();
                item.code = in.get("content").asText();
                item.hash = model.nextHash(p);
                return Answer.text(201, item.hash);
            }
            case "archive" -> {
                Item item = model.get("script", path);
                if (item == null || !method.equals("POST")) {
                    return notFound("script", path);
                }
                item.archived = true;
                model.touched(item);
                return Answer.text(200, "Script " + path + " archived");
            }
            case "delete" -> {
                if (!model.remove("script", path)) {
                    return notFound("script", path);
                }
                return Answer.text(200, path);
            }
            default -> {
                return null;
            }
        }
    }

    /** {@code acls/add|remove/{kind}/{path}}: one owner's read or write grant in the item's extra_perms. */
    private Answer acls(String[] p, ObjectNode in) {
        if (p.length < 4) {
            return null;
        }
        String kind = p[2].equals("group_") ? "group" : p[2];
        String key = String.join("/", List.of(p).subList(3, p.length));
        Item item = model.get(kind, key);
        if (item == null) {
            return notFound(kind, key);
        }
        String owner = in.path("owner").asText("");
        JsonNode existing = item.json.get("extra_perms");
        ObjectNode perms = existing instanceof ObjectNode o ? o : item.json.putObject("extra_perms");
        if (p[1].equals("add")) {
            perms.put(owner, in.path("write").asBoolean(false));
        } else if (p[1].equals("remove")) {
            perms.remove(owner);
        } else {
            return null;
        }
        model.touched(item);
        return Answer.text(200, "granular acl changed");
    }

    private static Answer notFound(String kind, String key) {
        return Answer.text(404, "Not found: " + NOUN.getOrDefault(kind, kind) + " not found at name " + key);
    }

    static ArrayNode array() {
        return JsonNodeFactory.instance.arrayNode();
    }
}
