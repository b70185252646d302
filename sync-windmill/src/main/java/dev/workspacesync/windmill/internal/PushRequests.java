package dev.workspacesync.windmill.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.workspacesync.core.DestinationException;
import dev.workspacesync.windmill.internal.PushItems.Group;
import dev.workspacesync.windmill.internal.PushItems.Item;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The requests {@code wmill sync push} (windmill-cli 1.819.0) makes for one item, with the same bodies: the
 * local YAML as the request body with the CLI's additions ({@code path}, {@code name}, {@code
 * skip_draft_deletion}…), {@code !inline} files embedded again, a script's language inferred from its
 * extension, secrets sent as ciphertext ({@code already_encrypted=true}) unless plain secrets were asked for,
 * and scripts archived rather than deleted. The reads the CLI makes to choose between create and update are
 * replaced by the plan (made from the workspace archive); only a script update reads the script, for the
 * {@code parent_hash} the server requires.
 */
public final class PushRequests {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One HTTP call. */
    public record Request(String method, String rest, JsonNode body) {}

    private final PushItems items;
    private final String defaultTs;
    private final boolean plainSecrets;

    public PushRequests(PushItems items, String defaultTs, boolean plainSecrets) {
        this.items = items;
        this.defaultTs = defaultTs;
        this.plainSecrets = plainSecrets;
    }

    /**
     * The calls that make the workspace hold {@code local}, given what it holds now ({@code remote}, null for a
     * new item). {@code scriptHash} is asked for only when a script is updated.
     */
    public List<Request> write(Group local, Group remote, java.util.function.Supplier<String> scriptHash) {
        Item item = local.item();
        String path = item.remotePath();
        String seg = WindmillApi.pathSegments(path);
        boolean update = remote != null;
        List<Request> out = new ArrayList<>();
        switch (item.kind()) {
            case FOLDER -> {
                ObjectNode body = object(local, item.mainFile());
                if (update) {
                    out.add(post("folders/update/" + seg, body));
                } else {
                    out.add(post("folders/create", withFirst("name", path, body)));
                }
            }
            case RESOURCE_TYPE -> {
                ObjectNode body = object(local, item.mainFile());
                out.add(
                        update
                                ? post("resources/type/update/" + seg, body)
                                : post("resources/type/create", withFirst("name", path, body)));
            }
            case VARIABLE -> {
                ObjectNode body = object(local, item.mainFile());
                body.remove("extra_perms");
                String query = "?already_encrypted=" + !plainSecrets;
                if (update) {
                    JsonNode before =
                            PushItems.yaml(remote.files().get(remote.item().mainFile()));
                    boolean localSecret = body.path("is_secret").asBoolean(false);
                    // The CLI only ever raises is_secret on update; any other value is left out of the body.
                    if (localSecret && !before.path("is_secret").asBoolean(false)) {
                        body.put("is_secret", true);
                    } else {
                        body.remove("is_secret");
                    }
                    out.add(post("variables/update/" + seg + query, body));
                } else {
                    out.add(post("variables/create" + query, withFirst("path", path, body)));
                }
            }
            case RESOURCE -> {
                ObjectNode body = object(local, item.mainFile());
                JsonNode content = body.path("value").path("content");
                if (content.isTextual() && content.asText().startsWith("!inline ")) {
                    ((ObjectNode) body.get("value"))
                            .put("content", inline(local, content.asText().split(" ")[1], ""));
                }
                Filesets.embed(body, local);
                out.add(
                        update
                                ? post("resources/update/" + seg, body)
                                : post("resources/create", withFirst("path", path, body)));
            }
            case DEPENDENCIES -> out.add(post("workspace_dependencies/create", dependencies(local, path)));
            case DATATABLE_MIGRATION -> out.add(Migrations.upsert(local));
            case SCRIPT -> out.add(script(local, update ? scriptHash.get() : null));
            case FLOW -> {
                ObjectNode flow = object(local, item.mainFile());
                String dir = path + items.flowSuffix() + "/";
                JsonNode value = flow.path("value");
                embedFlow(value.path("modules"), local, dir);
                embedFlow(value.path("failure_module"), local, dir);
                embedFlow(value.path("preprocessor_module"), local, dir);
                flow.remove("has_on_behalf_of");
                flow.remove("on_behalf_of");
                flow.remove("extra_perms");
                ObjectNode body = withFirst("path", path, flow);
                body.put("skip_draft_deletion", true);
                out.add(update ? post("flows/update/" + seg, body) : post("flows/create", body));
            }
            case SCHEDULE -> {
                ObjectNode body = object(local, item.mainFile());
                body.remove("has_permissioned_as");
                if (update) {
                    out.add(post("schedules/update/" + seg, body));
                    JsonNode before =
                            PushItems.yaml(remote.files().get(remote.item().mainFile()));
                    if (body.has("enabled") && !body.get("enabled").equals(before.get("enabled"))) {
                        ObjectNode enabled = NODES.objectNode().set("enabled", body.get("enabled"));
                        out.add(post("schedules/setenabled/" + seg, enabled));
                    }
                } else {
                    out.add(post("schedules/create", withFirst("path", path, body)));
                }
            }
            case TRIGGER -> {
                if (item.subtype().equals(NativeTriggers.SUBTYPE)) {
                    out.addAll(NativeTriggers.write(local, remote));
                    break;
                }
                ObjectNode body = object(local, item.mainFile());
                body.remove("has_permissioned_as");
                body.put("path", path);
                String base = item.subtype() + "_triggers/";
                out.add(update ? post(base + "update/" + seg, body) : post(base + "create", body));
            }
            case SETTINGS -> out.addAll(PushSettings.settings(local, remote));
            case KEY -> out.addAll(PushSettings.key(local, remote == null ? null : PushSettings.key(remote)));
            case USER -> {
                ObjectNode user = object(local, item.mainFile());
                String role = user.path("role").asText("");
                if (!List.of("operator", "developer", "admin").contains(role)) {
                    throw new DestinationException("Invalid role for user " + path + ": " + role);
                }
                ObjectNode body = NODES.objectNode();
                if (update) {
                    body.put("is_admin", role.equals("admin")).put("operator", role.equals("operator"));
                    if (user.has("disabled")) {
                        body.set("disabled", user.get("disabled"));
                    }
                    out.add(post(
                            "users/update/"
                                    + WindmillApi.pathSegments(
                                            user.path("username").asText()),
                            body));
                } else {
                    body.put("email", path)
                            .put("is_admin", role.equals("admin"))
                            .put("operator", role.equals("operator"));
                    if (user.hasNonNull("username")) {
                        body.set("username", user.get("username"));
                    }
                    out.add(post("workspaces/add_user", body));
                }
            }
            case GROUP -> {
                ObjectNode group = object(local, item.mainFile());
                ObjectNode body = NODES.objectNode();
                if (group.has("summary")) {
                    body.set("summary", group.get("summary"));
                }
                if (update) {
                    out.add(post("groups/update/" + seg, body));
                } else {
                    out.add(post("groups/create", withFirst("name", path, body)));
                }
                List<String> before = new ArrayList<>();
                if (remote != null) {
                    JsonNode old =
                            PushItems.yaml(remote.files().get(remote.item().mainFile()));
                    old.path("members").forEach(m -> before.add(m.asText()));
                    old.path("admins").forEach(m -> before.add(m.asText()));
                }
                for (String field : List.of("members", "admins")) {
                    for (JsonNode member : group.path(field)) {
                        String owner = member.asText();
                        if (!before.contains(owner) && owner.startsWith("u/")) {
                            ObjectNode add = NODES.objectNode().put("username", owner.substring(2));
                            out.add(post("groups/adduser/" + seg, add));
                        }
                    }
                }
            }
            default ->
                throw new DestinationException(item.mainFile() + ": the windmill destination does not push "
                        + item.kind().label() + "s yet");
        }
        return out;
    }

    /** The call that removes {@code item} from the workspace, as the CLI's push does (scripts are archived). */
    public static Request delete(Item item) {
        String seg = WindmillApi.pathSegments(item.remotePath());
        return switch (item.kind()) {
            case SCRIPT -> new Request("POST", "scripts/archive/p/" + seg, null);
            case FOLDER -> new Request("DELETE", "folders/delete/" + seg, null);
            case RESOURCE -> new Request("DELETE", "resources/delete/" + seg, null);
            case RESOURCE_TYPE -> new Request("DELETE", "resources/type/delete/" + seg, null);
            case VARIABLE -> new Request("DELETE", "variables/delete/" + seg, null);
            case FLOW -> new Request("DELETE", "flows/delete/" + seg, null);
            case APP, RAW_APP -> new Request("DELETE", "apps/delete/" + seg, null);
            case SCHEDULE -> new Request("DELETE", "schedules/delete/" + seg, null);
            case TRIGGER ->
                item.subtype().equals(NativeTriggers.SUBTYPE)
                        ? NativeTriggers.delete(item)
                        : new Request("DELETE", item.subtype() + "_triggers/delete/" + seg, null);
            case GROUP -> new Request("DELETE", "groups/delete/" + seg, null);
            default ->
                throw new DestinationException(item.mainFile() + ": the windmill destination does not delete "
                        + item.kind().label() + "s");
        };
    }

    private Request script(Group local, String parentHash) {
        Item item = local.item();
        String meta = item.mainFile();
        String code = codeFile(local);
        ObjectNode typed = object(local, meta);
        JsonNode lock = typed.get("lock");
        if (lock != null && lock.isArray()) {
            List<String> lines = new ArrayList<>();
            lock.forEach(l -> lines.add(l.asText()));
            typed.put("lock", String.join("\n", lines));
        } else if (lock != null && lock.isTextual() && lock.asText().startsWith("!inline ")) {
            String lockPath = lock.asText().split(" ")[1];
            String text = local.text(lockPath);
            typed.put("lock", text == null ? "" : text);
        }
        boolean dbt = Dbt.isDescriptor(code);
        if (dbt) {
            typed.remove("lock"); // the CLI sends no lock for a dbt project
        }
        ObjectNode body = NODES.objectNode();
        String content = local.text(code);
        body.put("content", content == null && dbt ? "" : content);
        body.set("description", typed.hasNonNull("description") ? typed.get("description") : TextNode.valueOf(""));
        body.put("language", dbt ? "dbt" : language(code, defaultTs));
        body.put("path", item.remotePath());
        body.set("summary", typed.hasNonNull("summary") ? typed.get("summary") : TextNode.valueOf(""));
        for (String key : List.of(
                "kind",
                "lock",
                "schema",
                "tag",
                "ws_error_handler_muted",
                "dedicated_worker",
                "cache_ttl",
                "cache_ignore_s3_path")) {
            copy(typed, body, key);
        }
        JsonNode limit = positive(typed.get("concurrent_limit"));
        if (limit != null) {
            JsonNode window = typed.get("concurrency_time_window_s");
            if (window != null && !window.isNull()) {
                body.set("concurrency_time_window_s", window);
            }
            body.set("concurrent_limit", limit);
        }
        for (String key : List.of(
                "restart_unless_cancelled",
                "visible_to_runner_only",
                "has_preprocessor",
                "priority",
                "concurrency_key",
                "debounce_key",
                "debounce_delay_s",
                "debounce_args_to_accumulate",
                "max_total_debouncing_time",
                "max_total_debounces_amount")) {
            copy(typed, body, key);
        }
        JsonNode timeout = positive(typed.get("timeout"));
        if (timeout != null) {
            body.set("timeout", timeout);
        }
        for (String key : List.of("delete_after_secs", "on_behalf_of_email", "envs")) {
            copy(typed, body, key);
        }
        ObjectNode modules = ScriptFolders.modules(local, code, defaultTs);
        if (modules != null) {
            body.set("modules", modules);
        }
        copy(typed, body, "labels");
        if (parentHash != null) {
            body.put("parent_hash", parentHash);
            body.put("auto_parent", true);
        }
        body.put("skip_draft_deletion", true);
        return post("scripts/create?skip_if_noop=true", body);
    }

    /**
     * The code file of a script group: the one file that is neither its metadata nor a lock; for a multi-file
     * or dbt script, the entry point the CLI finds ({@link ScriptFolders#codeFile}).
     */
    public static String codeFile(Group group) {
        if (ScriptFolders.hasFolder(group)) {
            return ScriptFolders.codeFile(group);
        }
        for (String path : group.files().keySet()) {
            if (!path.endsWith(".script.yaml") && !path.endsWith(".script.lock") && !path.startsWith("locks/")) {
                return path;
            }
        }
        return null;
    }

    /** The CLI's {@code inferContentTypeFromFilePath}; throws for an extension it does not know. */
    public static String language(String path, String defaultTs) {
        String language = WmillLock.scriptLanguage(path, defaultTs);
        if (language != null) {
            return language;
        }
        String ext = path.substring(Math.max(0, path.lastIndexOf('.')));
        throw new DestinationException("Cannot infer the script language from extension '" + ext + "' (file " + path
                + ")" + (ext.equals(".sql") ? ": use a dialect extension such as .pg.sql or .my.sql" : ""));
    }

    private static JsonNode positive(JsonNode v) {
        return v != null && v.isNumber() && v.asDouble() > 0 ? v : null;
    }

    private static void copy(ObjectNode from, ObjectNode to, String key) {
        if (from.has(key)) {
            to.set(key, from.get(key));
        }
    }

    /** Every {@code rawscript} of a flow (through loops, branches and AI agent tools) gets its files back. */
    private void embedFlow(JsonNode modules, Group local, String dir) {
        if (modules == null || modules.isMissingNode() || modules.isNull()) {
            return;
        }
        if (modules.isObject() && modules.has("value")) {
            embedModule(modules, local, dir);
            return;
        }
        for (JsonNode module : modules) {
            embedModule(module, local, dir);
        }
    }

    private void embedModule(JsonNode module, Group local, String dir) {
        JsonNode value = module.path("value");
        if (!value.isObject()) {
            return;
        }
        switch (value.path("type").asText("")) {
            case "rawscript" ->
                embedRawscript((ObjectNode) value, module.path("id").asText(""), local, dir);
            case "forloopflow", "whileloopflow" -> embedFlow(value.path("modules"), local, dir);
            case "branchall" -> value.path("branches").forEach(b -> embedFlow(b.path("modules"), local, dir));
            case "branchone" -> {
                value.path("branches").forEach(b -> embedFlow(b.path("modules"), local, dir));
                embedFlow(value.path("default"), local, dir);
            }
            case "aiagent" -> {
                for (JsonNode tool : value.path("tools")) {
                    JsonNode tv = tool.path("value");
                    if (tv.isObject()
                            && tv.path("tool_type").asText("").equals("flowmodule")
                            && tv.path("type").asText("").equals("rawscript")) {
                        embedRawscript((ObjectNode) tv, tool.path("id").asText(""), local, dir);
                    }
                }
            }
            default -> {}
        }
    }

    private void embedRawscript(ObjectNode raw, String id, Group local, String dir) {
        JsonNode content = raw.get("content");
        if (content == null || !content.isTextual() || !content.asText().startsWith("!inline")) {
            return;
        }
        String file = content.asText().split(" ")[1];
        String text = local.text(dir + file);
        if (text == null) {
            // The CLI's second guess: the step id with the file's suffix.
            String suffix = file.contains(".") ? file.substring(file.indexOf('.') + 1) : "";
            text = local.text(dir + id + "." + suffix);
        }
        if (text == null) {
            throw new DestinationException(
                    "Cannot push flow " + local.item().remotePath() + ": missing inline script file " + dir + file);
        }
        raw.put("content", text);
        JsonNode lock = raw.get("lock");
        if (lock != null && lock.isTextual() && lock.asText().stripLeading().startsWith("!inline ")) {
            String lockText = local.text(dir + lock.asText().strip().split(" ")[1]);
            raw.put("lock", lockText == null ? "" : lockText);
        }
    }

    private static String inline(Group local, String path, String dir) {
        String text = local.text(dir + path);
        if (text == null) {
            throw new DestinationException("The inline file " + dir + path + " is missing");
        }
        return text;
    }

    private static ObjectNode dependencies(Group local, String path) {
        String file = path.substring("dependencies/".length());
        String[][] languages = {
            {"package.json", "bun"},
            {"requirements.in", "python3"},
            {"composer.json", "php"},
            {"go.mod", "go"},
            {"modules.json", "powershell"}
        };
        for (String[] row : languages) {
            if (file.equals(row[0]) || file.endsWith("." + row[0])) {
                ObjectNode body = NODES.objectNode();
                if (!file.equals(row[0])) {
                    body.put("name", file.substring(0, file.length() - row[0].length() - 1));
                }
                body.put("content", local.text(path));
                body.put("language", row[1]);
                return body;
            }
        }
        throw new DestinationException("Unknown workspace dependencies file: " + path
                + " (valid: package.json, requirements.in, composer.json, go.mod, modules.json)");
    }

    private static Request post(String rest, JsonNode body) {
        return new Request("POST", rest, asJavaScript(body));
    }

    /**
     * The body as {@code JSON.stringify} writes the values the CLI's yaml library read: YAML numbers are
     * JavaScript doubles, so an integral one goes out as {@code 5432}, never {@code 5432.0}.
     */
    static JsonNode asJavaScript(JsonNode node) {
        if (node == null) {
            return null;
        }
        if (node.isObject()) {
            ObjectNode out = NODES.objectNode();
            node.fields().forEachRemaining(f -> out.set(f.getKey(), asJavaScript(f.getValue())));
            return out;
        }
        if (node.isArray()) {
            com.fasterxml.jackson.databind.node.ArrayNode out = NODES.arrayNode();
            node.forEach(n -> out.add(asJavaScript(n)));
            return out;
        }
        if (node.isFloatingPointNumber() || node.isBigDecimal()) {
            double d = node.asDouble();
            if (d == Math.rint(d) && Math.abs(d) < 9007199254740992.0) {
                return NODES.numberNode((long) d);
            }
            if (Double.isFinite(d)) {
                return NODES.numberNode(new java.math.BigDecimal(CliYaml.jsNumber(d)));
            }
            return NODES.nullNode(); // JSON.stringify writes NaN and Infinity as null
        }
        return node;
    }

    private static ObjectNode object(Group group, String path) {
        byte[] bytes = group.files().get(path);
        if (bytes == null) {
            throw new DestinationException(path + " is missing");
        }
        JsonNode node = PushItems.yaml(bytes);
        if (!node.isObject()) {
            throw new DestinationException(path + " does not hold a YAML mapping");
        }
        return (ObjectNode) node.deepCopy();
    }

    /** {@code {key: value, ...rest}}, as the CLI's object spread puts it (a key of {@code rest} wins). */
    private static ObjectNode withFirst(String key, String value, ObjectNode rest) {
        ObjectNode out = NODES.objectNode();
        out.put(key, value);
        for (Iterator<Map.Entry<String, JsonNode>> it = rest.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            out.set(f.getKey(), f.getValue());
        }
        return out;
    }

    /** The body as compact JSON, for tests and debugging. */
    public static String json(JsonNode body) {
        try {
            return JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
