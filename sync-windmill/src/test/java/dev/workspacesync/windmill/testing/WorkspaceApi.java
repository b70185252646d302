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
            "preserve_permissioned_as",
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

    /** The user the emulator's token belongs to. */
    static final String PUSHER_EMAIL = "admin@windmill.dev";

    private final String workspace;
    private final WorkspaceModel model;

    WorkspaceApi(String workspace, WorkspaceModel model) {
        this.workspace = workspace;
        this.model = model;
    }

    /** Answers the request, or null when this is no item endpoint (the caller answers 404). */
    Answer handle(String method, String rest, Map<String, String> query, byte[] body) {
        JsonNode json = null;
        if (body.length > 0 && body[0] != '-') { // multipart forms (raw apps) are read by their endpoint
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
                if (p[1].equals("create") || p[1].equals("update")) {
                    encryptSecret(p[1].equals("update") ? model.get("variable", tail) : null, in, query);
                }
                return simple(method, p[1], tail, in, "variable", "path");
            case "flows":
                return simple(method, p[1], tail, in, "flow", "path");
            case "schedules":
                return simple(method, p[1], tail, in, "schedule", "path");
            case "scripts":
                return scripts(method, p[1], p.length > 2 && p[2].equals("p") ? tail3 : tail, in);
            case "acls":
                return acls(p, in);
            case "apps":
                return apps(method, p[1], p.length > 2 && p[2].equals("p") ? tail3 : tail, in, body);
            case "groups":
                return groups(method, p[1], tail, in);
            case "users":
                return users(method, p[1], tail, in);
            case "workspaces":
                return settings(method, rest.substring("workspaces/".length()), in);
            case "workspace_dependencies":
                return dependencies(method, p[1], tail, query, in);
            case "native_triggers":
                if (p.length > 2) {
                    return natives(method, p[1], p[2], p.length > 3 ? tail3 : "", in);
                }
                return null;
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

    /**
     * What {@code create_variable} / {@code update_variable} store: a secret's value encrypted with the workspace
     * key, unless the request says {@code already_encrypted=true} (then as sent). An update without
     * {@code is_secret} keeps the variable's.
     */
    private void encryptSecret(Item previous, ObjectNode in, Map<String, String> query) {
        JsonNode value = in.get("value");
        if (value == null || !value.isTextual()) {
            return;
        }
        boolean secret = in.has("is_secret")
                ? in.path("is_secret").asBoolean(false)
                : previous != null && previous.json.path("is_secret").asBoolean(false);
        if (secret && !"true".equals(query.get("already_encrypted"))) {
            in.put("value", ServerCrypt.encrypt(model.key(workspace), value.asText()));
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
        if (kind.equals("schedule") || kind.endsWith("_trigger")) {
            // The server runs them as whoever pushed them (the export strips permissioned_as, keeps email).
            out.remove("permissioned_as");
            if (!in.path("preserve_permissioned_as").asBoolean(false) || previous == null) {
                out.put("email", PUSHER_EMAIL);
            } else if (previous.has("email")) {
                out.set("email", previous.get("email"));
            }
        }
        if (kind.equals("app") || kind.equals("raw_app")) {
            // Markers pull derives from the policy; the server's app has no such fields.
            out.remove(List.of("public", "guests"));
        }
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

    private Answer apps(String method, String verb, String path, ObjectNode in, byte[] body) {
        switch (verb) {
            case "get" -> {
                Item item = model.get("app", path);
                boolean raw = item == null;
                if (raw) {
                    item = model.get("raw_app", path);
                }
                if (item == null) {
                    return notFound("app", path);
                }
                ObjectNode out = view(item, "path");
                out.put("raw_app", raw);
                return Answer.json(out);
            }
            case "exists" -> {
                return Answer.json(JsonNodeFactory.instance.booleanNode(
                        model.get("app", path) != null || model.get("raw_app", path) != null));
            }
            case "create", "update" -> {
                try {
                    return simple(method, verb, path, appBody(in, verb.equals("create")), "app", "path");
                } catch (IllegalArgumentException e) {
                    return Answer.text(
                            422, "Failed to deserialize the JSON body into the target type: " + e.getMessage());
                }
            }
            case "create_raw", "update_raw" -> {
                ObjectNode app;
                try {
                    app = Multipart.jsonPart(body, "app");
                } catch (IOException | RuntimeException e) {
                    return Answer.text(400, "Bad request: no app part in the form: " + e.getMessage());
                }
                if (app == null) {
                    return Answer.text(400, "Bad request: no app part in the form");
                }
                boolean create = verb.equals("create_raw");
                try {
                    app = appBody(app, create);
                } catch (IllegalArgumentException e) {
                    return Answer.text(400, "Bad request: " + e.getMessage());
                }
                return simple(method, create ? "create" : "update", path, app, "raw_app", "path");
            }
            case "delete" -> {
                if (method.equals("DELETE") && model.get("raw_app", path) != null) {
                    return simple(method, verb, path, in, "raw_app", "path");
                }
                return simple(method, verb, path, in, "app", "path");
            }
            default -> {
                return null;
            }
        }
    }

    private static final List<String> APP_FIELDS =
            List.of("path", "summary", "value", "policy", "custom_path", "labels");

    /**
     * An app body as the server reads it ({@code CreateApp}, or {@code EditApp} whose fields are all optional):
     * unknown keys dropped, the policy read as its {@code Policy} struct and run as the pusher ({@code
     * on_behalf_of} {@code u/admin}) unless {@code preserve_on_behalf_of} keeps the identity it states, an empty
     * {@code custom_path} none.
     */
    private static ObjectNode appBody(ObjectNode in, boolean create) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        for (String field : APP_FIELDS) {
            if (in.has(field) && !(in.get(field).isNull() && !create)) {
                out.set(field, in.get(field));
            }
        }
        if (create) {
            for (String required : List.of("path", "summary", "value", "policy")) {
                if (!in.hasNonNull(required)) {
                    throw new IllegalArgumentException("missing field `" + required + "`");
                }
            }
        }
        if (in.has("summary")
                && !in.get("summary").isTextual()
                && !(in.get("summary").isNull() && !create)) {
            throw new IllegalArgumentException("summary: invalid type, expected a string");
        }
        if (out.hasNonNull("policy")) {
            ObjectNode policy = policy(out.get("policy"));
            boolean preserve = in.path("preserve_on_behalf_of").asBoolean(false) && policy.hasNonNull("on_behalf_of");
            if (!preserve) {
                policy.put("on_behalf_of", "u/admin");
                policy.put("on_behalf_of_email", PUSHER_EMAIL);
            }
            out.set("policy", policy);
        }
        if (out.path("custom_path").isTextual()
                && out.get("custom_path").asText().isEmpty()) {
            out.remove("custom_path");
        }
        return out;
    }

    /** The server's {@code Policy} struct, serialized back: its fields only, absent options as the server writes them. */
    private static ObjectNode policy(JsonNode p) {
        if (!p.isObject()) {
            throw new IllegalArgumentException("policy: invalid type, expected struct Policy");
        }
        if (!List.of("anonymous", "publisher", "viewer", "guest")
                .contains(p.path("execution_mode").asText(""))) {
            throw new IllegalArgumentException("policy.execution_mode: unknown variant " + p.get("execution_mode"));
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.set(
                "on_behalf_of",
                p.hasNonNull("on_behalf_of") ? p.get("on_behalf_of") : JsonNodeFactory.instance.nullNode());
        out.set(
                "on_behalf_of_email",
                p.hasNonNull("on_behalf_of_email") ? p.get("on_behalf_of_email") : JsonNodeFactory.instance.nullNode());
        if (p.hasNonNull("triggerables")) {
            out.set("triggerables", p.get("triggerables"));
        }
        if (p.hasNonNull("triggerables_v2")) {
            ObjectNode v2 = out.putObject("triggerables_v2");
            p.get("triggerables_v2").fields().forEachRemaining(e -> {
                JsonNode t = e.getValue();
                if (!t.path("static_inputs").isObject()
                        || !t.path("one_of_inputs").isObject()) {
                    throw new IllegalArgumentException("policy.triggerables_v2." + e.getKey()
                            + ": missing field `static_inputs` or `one_of_inputs`");
                }
                ObjectNode n = v2.putObject(e.getKey());
                n.set("static_inputs", t.get("static_inputs"));
                n.set("one_of_inputs", t.get("one_of_inputs"));
                n.set(
                        "allow_user_resources",
                        t.hasNonNull("allow_user_resources") ? t.get("allow_user_resources") : array());
                if (t.hasNonNull("delete_after_secs")) {
                    n.set("delete_after_secs", t.get("delete_after_secs"));
                }
                if (t.path("sensitive_inputs").isArray()
                        && !t.get("sensitive_inputs").isEmpty()) {
                    n.set("sensitive_inputs", t.get("sensitive_inputs"));
                }
                if (t.hasNonNull("tag")) {
                    n.set("tag", t.get("tag"));
                }
            });
        }
        out.set("execution_mode", p.get("execution_mode"));
        for (String list : List.of("s3_inputs", "allowed_s3_keys")) {
            out.set(list, p.hasNonNull(list) ? p.get(list) : JsonNodeFactory.instance.nullNode());
        }
        if (p.hasNonNull("sandbox")) {
            out.set("sandbox", p.get("sandbox"));
        }
        return out;
    }

    /**
     * Groups, kept as the export writes them: {@code members} and {@code admins} as {@code u/<name>} (an admin
     * is a member with a write grant in {@code extra_perms}, listed under admins only), summary when set.
     */
    private Answer groups(String method, String verb, String name, ObjectNode in) {
        Item item = model.get("group", name);
        switch (verb) {
            case "get" -> {
                if (item == null) {
                    return notFound("group", name);
                }
                ObjectNode out = JsonNodeFactory.instance.objectNode();
                out.put("workspace_id", workspace);
                out.put("name", name);
                out.set("summary", item.json.get("summary"));
                ArrayNode members = out.putArray("members");
                for (String m : allMembers(item)) {
                    members.add(m.substring(2));
                }
                out.set("extra_perms", item.json.path("extra_perms").deepCopy());
                return Answer.json(out);
            }
            case "list" -> {
                ArrayNode out = array();
                for (Item g : model.all("group")) {
                    out.addObject().put("name", g.key).set("summary", g.json.get("summary"));
                }
                return Answer.json(out);
            }
            case "create" -> {
                String n = in.path("name").asText("");
                if (n.isEmpty() || model.get("group", n) != null) {
                    return Answer.text(400, "Bad request: Group " + n + " already exists");
                }
                ObjectNode json = JsonNodeFactory.instance.objectNode();
                if (in.hasNonNull("summary")) {
                    json.set("summary", in.get("summary"));
                }
                json.putArray("members");
                json.putArray("admins");
                json.putObject("extra_perms");
                model.put("group", n, json);
                return Answer.text(201, "Created group " + n);
            }
            case "update", "adduser", "removeuser" -> {
                if (item == null) {
                    return notFound("group", name);
                }
                List<String> all = allMembers(item);
                if (verb.equals("update")) {
                    if (in.hasNonNull("summary")) {
                        item.json.set("summary", in.get("summary"));
                    } else {
                        item.json.remove("summary");
                    }
                } else {
                    String member = "u/" + in.path("username").asText("");
                    all.remove(member);
                    if (verb.equals("adduser")) {
                        all.add(member);
                    } else {
                        ((ObjectNode) item.json.path("extra_perms")).remove(member);
                    }
                }
                regroup(item, all);
                model.touched(item);
                return Answer.text(200, "ok");
            }
            case "delete" -> {
                return method.equals("DELETE") && model.remove("group", name)
                        ? Answer.text(200, "deleted group " + name)
                        : notFound("group", name);
            }
            default -> {
                return null;
            }
        }
    }

    private static List<String> allMembers(Item group) {
        List<String> all = new java.util.ArrayList<>();
        group.json.path("members").forEach(m -> all.add(m.asText()));
        group.json.path("admins").forEach(m -> all.add(m.asText()));
        return all;
    }

    private static void regroup(Item group, List<String> all) {
        ArrayNode members = group.json.putArray("members");
        ArrayNode admins = group.json.putArray("admins");
        JsonNode perms = group.json.path("extra_perms");
        for (String m : all) {
            (perms.path(m).asBoolean(false) ? admins : members).add(m);
        }
    }

    /** Users, keyed by email, kept as the export writes them: {@code {username, role, disabled}}. */
    private Answer users(String method, String verb, String username, ObjectNode in) {
        Item item = null;
        for (Item u : model.all("user")) {
            if (u.json.path("username").asText().equals(username)) {
                item = u;
            }
        }
        switch (verb) {
            case "get" -> {
                if (item == null) {
                    return notFound("user", username);
                }
                ObjectNode out = JsonNodeFactory.instance.objectNode();
                String role = item.json.path("role").asText();
                out.put("workspace_id", workspace);
                out.put("email", item.key);
                out.put("username", username);
                out.put("is_admin", role.equals("admin"));
                out.put("operator", role.equals("operator"));
                out.put("disabled", item.json.path("disabled").asBoolean(false));
                out.put("role", role);
                return Answer.json(out);
            }
            case "list" -> {
                ArrayNode out = array();
                for (Item u : model.all("user")) {
                    String role = u.json.path("role").asText();
                    out.addObject()
                            .put("email", u.key)
                            .put("username", u.json.path("username").asText())
                            .put("is_admin", role.equals("admin"))
                            .put("operator", role.equals("operator"))
                            .put("disabled", u.json.path("disabled").asBoolean(false));
                }
                return Answer.json(out);
            }
            case "update" -> {
                if (item == null) {
                    return notFound("user", username);
                }
                if (in.has("is_admin") || in.has("operator")) {
                    item.json.put("role", role(in));
                }
                if (in.hasNonNull("disabled")) {
                    item.json.put("disabled", in.get("disabled").asBoolean());
                }
                model.touched(item);
                return Answer.text(200, "user updated");
            }
            case "delete" -> {
                if (item == null || !method.equals("DELETE")) {
                    return notFound("user", username);
                }
                model.remove("user", item.key);
                return Answer.text(200, "user deleted");
            }
            default -> {
                return null;
            }
        }
    }

    private static String role(ObjectNode in) {
        return in.path("is_admin").asBoolean(false)
                ? "admin"
                : in.path("operator").asBoolean(false) ? "operator" : "developer";
    }

    /** {@code workspaces/...}: add_user, the settings (v2 shape, one edit endpoint a group) and the key. */
    private Answer settings(String method, String rest, ObjectNode in) {
        Item settings = model.get("settings", "");
        switch (rest) {
            case "add_user" -> {
                String email = in.path("email").asText("");
                if (email.isEmpty() || model.get("user", email) != null) {
                    return Answer.text(400, "Bad request: user " + email + " already in the workspace");
                }
                String username = in.hasNonNull("username")
                        ? in.get("username").asText()
                        : email.substring(0, Math.max(0, email.indexOf('@')));
                ObjectNode json = JsonNodeFactory.instance.objectNode();
                json.put("username", username);
                json.put("role", role(in));
                json.put("disabled", false);
                model.put("user", email, json);
                return Answer.text(201, "added user " + email);
            }
            case "get_settings" -> {
                ObjectNode out = settings == null ? defaultSettings() : settings.json.deepCopy();
                out.put("workspace_id", workspace);
                out.remove("name");
                return Answer.json(out);
            }
            case "get_workspace_name" -> {
                return Answer.text(
                        200,
                        settings == null
                                ? model.name(workspace)
                                : settings.json.path("name").asText(workspace));
            }
            case "encryption_key" -> {
                if (method.equals("GET")) {
                    // A workspace is made with a key of its own.
                    return Answer.json(JsonNodeFactory.instance.objectNode().put("key", model.key(workspace)));
                }
                return setKey(in);
            }
            default -> {
                if (rest.startsWith("upsert_datatable_migration/")
                        || rest.startsWith("delete_datatable_migration/")
                        || rest.equals("list_datatable_migrations")) {
                    return migrations(method, rest, in);
                }
            }
        }
        if (method.equals("GET")) {
            return null;
        }
        ObjectNode s = settings == null ? defaultSettings() : settings.json.deepCopy();
        switch (rest) {
            case "edit_webhook" -> s.set("webhook", in.get("webhook"));
            case "edit_auto_invite" -> {
                ObjectNode auto = JsonNodeFactory.instance.objectNode();
                if (in.isEmpty()) {
                    auto.put("enabled", false);
                } else {
                    auto.put("enabled", true);
                    auto.put("operator", in.path("operator").asBoolean(false));
                    auto.put("mode", in.path("auto_add").asBoolean(false) ? "add" : "invite");
                }
                JsonNode old = s.path("auto_invite");
                for (String k : List.of("instance_groups", "instance_groups_roles")) {
                    if (old.has(k)) {
                        auto.set(k, old.get(k));
                    }
                }
                s.set("auto_invite", auto);
            }
            case "edit_instance_groups" -> {
                ObjectNode auto = s.path("auto_invite") instanceof ObjectNode o ? o : s.putObject("auto_invite");
                auto.set("instance_groups", in.get("groups"));
                auto.set("instance_groups_roles", in.get("roles"));
            }
            case "edit_copilot_config" -> s.set("ai_config", in.isEmpty() ? null : in);
            case "edit_error_handler" -> s.set("error_handler", handler(in));
            case "edit_success_handler" -> s.set("success_handler", handler(in));
            case "edit_large_file_storage_config" -> s.set("large_file_storage", in.get("large_file_storage"));
            case "edit_git_sync_config" -> s.set("git_sync", in.get("git_sync_settings"));
            case "default_scripts" -> s.set("default_scripts", in);
            case "edit_default_app" -> s.set("default_app", in.get("default_app_path"));
            case "critical_alerts/mute" -> s.set("mute_critical_alerts", in.get("mute_critical_alerts"));
            case "change_workspace_color" -> s.set("color", in.get("color"));
            case "operator_settings" -> s.set("operator_settings", in);
            case "edit_datatable_config" -> s.set("datatable", in.get("settings"));
            case "edit_slack_command" -> s.set("slack_command_script", in.get("slack_command_script"));
            case "slack_oauth_config" -> {
                boolean delete = method.equals("DELETE");
                s.set("slack_oauth_client_id", delete ? null : in.get("slack_oauth_client_id"));
                s.set("slack_oauth_client_secret", delete ? null : in.get("slack_oauth_client_secret"));
            }
            default -> {
                return null;
            }
        }
        s.fields().forEachRemaining(e -> {
            if (e.getValue() == null) {
                e.setValue(JsonNodeFactory.instance.nullNode());
            }
        });
        model.put("settings", "", s);
        return rest.equals("edit_datatable_config")
                ? Answer.json(JsonNodeFactory.instance.objectNode().set("stranded_references", array()))
                : Answer.text(200, "edited " + rest);
    }

    /**
     * {@code set_encryption_key}: only 64 letters and digits; every secret re-encrypted with the new key unless
     * {@code skip_reencrypt} (a secret the old key does not decrypt fails the request, and nothing changes).
     */
    private Answer setKey(ObjectNode in) {
        String newKey = in.path("new_key").asText("");
        if (!newKey.matches("[a-zA-Z0-9]{64}")) {
            return Answer.text(400, "Bad request: Encryption key should be an alphanumeric string of 64 characters");
        }
        String oldKey = model.key(workspace);
        java.util.Map<Item, String> reencrypted = new java.util.LinkedHashMap<>();
        if (!in.path("skip_reencrypt").asBoolean(false)) {
            for (Item v : model.all("variable")) {
                if (WorkspaceModel.isSecret(v)) {
                    try {
                        String plain =
                                ServerCrypt.decrypt(oldKey, v.json.path("value").asText());
                        reencrypted.put(v, ServerCrypt.encrypt(newKey, plain));
                    } catch (IllegalArgumentException e) {
                        return Answer.text(500, "Internal: Error decrypting variable " + v.key + ": " + e.getMessage());
                    }
                }
            }
        }
        reencrypted.forEach((v, value) -> {
            v.json.put("value", value);
            model.touched(v);
        });
        try {
            model.putRaw("encryption_key.json", WorkspaceModel.JSON.writeValueAsBytes(newKey));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return Answer.text(200, "");
    }

    /**
     * Datatable migrations, kept as the raw archive entries
     * {@code migrations/datatable/<dt>/<timestamp>_<name>.up.sql} (and {@code .down.sql}).
     */
    private Answer migrations(String method, String rest, ObjectNode in) {
        String prefix = "migrations/datatable/";
        if (rest.equals("list_datatable_migrations")) {
            ArrayNode out = array();
            for (String entry : model.rawEntries().keySet()) {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                                "migrations/datatable/([^/]+)/(\\d+)_(.*)\\.up\\.sql")
                        .matcher(entry);
                if (m.matches()) {
                    out.addObject()
                            .put("datatable", m.group(1))
                            .put("timestamp", Long.parseLong(m.group(2)))
                            .put("name", m.group(3));
                }
            }
            return Answer.json(out);
        }
        String[] p = rest.split("/");
        if (rest.startsWith("upsert_") && p.length == 2) {
            String base = prefix + p[1] + "/" + in.path("timestamp").asLong() + "_"
                    + in.path("name").asText();
            // One migration per datatable and timestamp: an upsert under another name replaces it.
            String stamp = prefix + p[1] + "/" + in.path("timestamp").asLong() + "_";
            List.copyOf(model.rawEntries().keySet()).stream()
                    .filter(k -> k.startsWith(stamp) && k.indexOf('/', stamp.length()) < 0)
                    .forEach(model::removeRaw);
            model.putRaw(base + ".up.sql", in.path("code_up").asText("").getBytes(StandardCharsets.UTF_8));
            if (in.hasNonNull("code_down")) {
                model.putRaw(base + ".down.sql", in.get("code_down").asText().getBytes(StandardCharsets.UTF_8));
            } else {
                model.removeRaw(base + ".down.sql");
            }
            return Answer.text(200, "upserted");
        }
        if (method.equals("DELETE") && p.length == 3) {
            String dir = prefix + p[1] + "/" + p[2] + "_";
            List<String> gone = model.rawEntries().keySet().stream()
                    .filter(k -> k.startsWith(dir))
                    .toList();
            gone.forEach(model::removeRaw);
            return gone.isEmpty() ? Answer.text(404, "Not found: migration " + p[2]) : Answer.text(200, "deleted");
        }
        return null;
    }

    private static JsonNode handler(ObjectNode in) {
        if (!in.hasNonNull("path")) {
            return JsonNodeFactory.instance.nullNode();
        }
        return in.deepCopy();
    }

    /** A new workspace's settings as the export writes them (v2): the always-written keys, null. */
    private ObjectNode defaultSettings() {
        ObjectNode s = JsonNodeFactory.instance.objectNode();
        s.putNull("error_handler");
        s.putNull("success_handler");
        s.put("name", model.name(workspace));
        s.putNull("slack_oauth_client_id");
        s.putNull("slack_oauth_client_secret");
        return s;
    }

    private static final Map<String, String> DEPENDENCY_FILES = Map.of(
            "bun", "package.json",
            "python3", "requirements.in",
            "php", "composer.json",
            "go", "go.mod",
            "powershell", "modules.json");

    /** Workspace dependencies: the raw {@code dependencies/[<name>.]<file>} entries of the archive. */
    private Answer dependencies(String method, String verb, String language, Map<String, String> query, ObjectNode in) {
        switch (verb) {
            case "get_latest" -> {
                String entry = dependencyEntry(language, query.get("name"));
                byte[] content = entry == null ? null : model.rawEntries().get(entry);
                if (content == null) {
                    return Answer.text(404, "Not found: workspace dependencies not found for " + language);
                }
                ObjectNode out = JsonNodeFactory.instance.objectNode();
                out.put("workspace_id", workspace);
                out.put("language", language);
                out.put("name", query.get("name"));
                out.put("content", new String(content, StandardCharsets.UTF_8));
                return Answer.json(out);
            }
            case "create" -> {
                String entry = dependencyEntry(
                        in.path("language").asText(""),
                        in.hasNonNull("name") ? in.get("name").asText() : null);
                if (entry == null || !in.hasNonNull("content")) {
                    return Answer.text(400, "Bad request: unknown workspace dependencies language");
                }
                model.putRaw(entry, in.get("content").asText().getBytes(StandardCharsets.UTF_8));
                return Answer.text(201, "created");
            }
            case "delete" -> {
                String entry = dependencyEntry(language, query.get("name"));
                return entry != null && model.removeRaw(entry)
                        ? Answer.text(200, "deleted")
                        : Answer.text(404, "Not found: workspace dependencies not found for " + language);
            }
            default -> {
                return null;
            }
        }
    }

    private static String dependencyEntry(String language, String name) {
        String file = DEPENDENCY_FILES.get(language);
        if (file == null) {
            return null;
        }
        return "dependencies/" + (name == null || name.isEmpty() ? "" : name + ".") + file;
    }

    /**
     * Native triggers ({@code native_triggers/{service}/...}), keyed by their archive name
     * {@code <script_path>.<flow|script>.<external_id>.<service>}.
     */
    private Answer natives(String method, String service, String verb, String externalId, ObjectNode in) {
        Item item = null;
        for (Item t : model.all("native_trigger")) {
            if (t.key.endsWith("." + externalId + "." + service)) {
                item = t;
            }
        }
        switch (verb) {
            case "get" -> {
                if (item == null) {
                    return Answer.text(404, "Not found: native trigger not found at name " + externalId);
                }
                ObjectNode out = JsonNodeFactory.instance.objectNode();
                out.put("workspace_id", workspace);
                out.setAll(item.json);
                return Answer.json(out);
            }
            case "create", "update" -> {
                ObjectNode json = in.deepCopy();
                String id = verb.equals("update")
                        ? externalId
                        : json.path("external_id").asText("");
                if (id.isEmpty()) {
                    // The service makes the external id; the emulator's is the next in line.
                    id = "ext" + (model.all("native_trigger").size() + 1);
                }
                json.put("external_id", id);
                json.put("service_name", service);
                String key = json.path("script_path").asText() + "."
                        + (json.path("is_flow").asBoolean(false) ? "flow" : "script") + "." + id + "." + service;
                if (item != null) {
                    model.remove("native_trigger", item.key);
                }
                model.put("native_trigger", key, json);
                return Answer.json(JsonNodeFactory.instance.objectNode().put("external_id", id));
            }
            case "delete" -> {
                if (item == null) {
                    return Answer.text(404, "Not found: native trigger not found at name " + externalId);
                }
                model.remove("native_trigger", item.key);
                return Answer.text(200, "deleted");
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
        String key0 = String.join("/", List.of(p).subList(3, p.length));
        if (kind.equals("app") && model.get("app", key0) == null && model.get("raw_app", key0) != null) {
            kind = "raw_app";
        }
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
        if (kind.equals("group")) {
            regroup(item, allMembers(item));
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
