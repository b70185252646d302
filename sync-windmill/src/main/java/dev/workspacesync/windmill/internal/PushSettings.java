package dev.workspacesync.windmill.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspacesync.windmill.internal.PushItems.Group;
import dev.workspacesync.windmill.internal.PushRequests.Request;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The calls {@code wmill sync push} (windmill-cli 1.819.0) makes for {@code settings.yaml}
 * ({@code pushWorkspaceSettings}: one edit endpoint per setting that differs) and {@code encryption_key.yaml}
 * ({@code pushWorkspaceKey}: the new key, re-encrypting the workspace's secrets as the CLI's non-interactive push
 * does). The CLI compares against what {@code get_settings} answers at push time; this compares against the
 * workspace archive the plan read (the same columns, the same redactions), with JavaScript's rules: a key that is
 * absent is {@code undefined}, which {@code deepEqual} tells from {@code null}, and {@code !=} does not.
 */
public final class PushSettings {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** What {@code set_encryption_key} accepts ({@code WORKSPACE_KEY_REGEXP} of the server). */
    private static final Pattern KEY = Pattern.compile("[a-zA-Z0-9]{64}");

    /**
     * A workspace's settings as the server exports them before anything was set: the always-written keys,
     * {@code null} ({@code SimplifiedSettings} v2).
     */
    private static final List<String> ALWAYS_WRITTEN =
            List.of("error_handler", "success_handler", "slack_oauth_client_id", "slack_oauth_client_secret");

    private PushSettings() {}

    /** Problems with {@code settings.yaml} the server would refuse part way (the CLI checks them as it goes). */
    public static void validateSettings(String path, JsonNode local, List<String> problems) {
        JsonNode mode = grouped(local).path("auto_invite").path("mode");
        if (mode.isTextual()
                && !mode.asText().isEmpty()
                && !List.of("add", "invite").contains(mode.asText())) {
            problems.add(path + ": auto_invite.mode must be \"invite\" or \"add\" (the CLI refuses '" + mode.asText()
                    + "')");
        }
    }

    /** Problems with {@code encryption_key.yaml}: the server takes 64 letters and digits only. */
    public static void validateKey(String path, JsonNode local, List<String> problems) {
        if (!local.isTextual() || !KEY.matcher(local.asText()).matches()) {
            problems.add(path + ": the workspace encryption key must be 64 letters and digits (the server refuses"
                    + " any other; the value is not shown)");
        }
    }

    /** The key {@code encryption_key.yaml} holds, or null when it holds no string. */
    public static String key(Group group) {
        JsonNode key = PushItems.yaml(group.files().get(group.item().mainFile()));
        return key.isTextual() ? key.asText() : null;
    }

    /**
     * {@code pushWorkspaceKey}: the key when it differs from the workspace's ({@code remoteKey}, null when the
     * archive did not hold it), re-encrypting the secrets the workspace holds.
     */
    public static List<Request> key(Group local, String remoteKey) {
        String key = key(local);
        if (key == null || key.isEmpty() || key.equals(remoteKey)) {
            return List.of();
        }
        ObjectNode body = NODES.objectNode().put("new_key", key).put("skip_reencrypt", false);
        return List.of(new Request("POST", "workspaces/encryption_key", body));
    }

    /** {@code pushWorkspaceSettings}: the edits that make the workspace's settings {@code local}'s. */
    public static List<Request> settings(Group local, Group remote) {
        ObjectNode mine = grouped(PushItems.yaml(local.files().get(local.item().mainFile())));
        ObjectNode theirs = remote == null
                ? defaults()
                : object(PushItems.yaml(remote.files().get(remote.item().mainFile())));
        ObjectNode comparableLocal = mine.deepCopy();
        ObjectNode comparableRemote = theirs.deepCopy();
        for (ObjectNode o : List.of(comparableLocal, comparableRemote)) {
            o.remove(List.of("slack_team_id", "slack_name", "name"));
        }
        boolean colorManaged = present(mine.get("color"));
        if (!colorManaged) {
            comparableLocal.remove("color");
            comparableRemote.remove("color");
        }
        if (superset(comparableLocal, comparableRemote)) {
            return List.of();
        }
        List<Request> out = new ArrayList<>();
        if (!deepEqual(mine.get("webhook"), theirs.get("webhook"))) {
            out.add(post("edit_webhook", with("webhook", mine.get("webhook"))));
        }
        ObjectNode localInvite = object(mine.get("auto_invite"));
        ObjectNode remoteInvite = object(theirs.get("auto_invite"));
        JsonNode localGroups = localInvite.remove("instance_groups");
        JsonNode localRoles = localInvite.remove("instance_groups_roles");
        JsonNode remoteGroups = remoteInvite.remove("instance_groups");
        JsonNode remoteRoles = remoteInvite.remove("instance_groups_roles");
        if (!deepEqual(localInvite, remoteInvite)) {
            JsonNode invite = mine.get("auto_invite");
            ObjectNode body = NODES.objectNode();
            if (invite != null && truthy(invite.get("enabled"))) {
                body.set("operator", orElse(invite.get("operator"), NODES.booleanNode(false)));
                body.put("invite_all", true);
                body.put("auto_add", invite.path("mode").asText("").equals("add"));
            }
            out.add(post("edit_auto_invite", body));
        }
        if (present(localGroups)
                && (!deepEqual(localGroups, remoteGroups)
                        || !deepEqual(
                                orElse(localRoles, NODES.objectNode()), orElse(remoteRoles, NODES.objectNode())))) {
            ObjectNode body = NODES.objectNode();
            body.set("groups", localGroups);
            body.set("roles", orElse(localRoles, NODES.objectNode()));
            out.add(post("edit_instance_groups", body));
        }
        if (!deepEqual(mine.get("ai_config"), theirs.get("ai_config"))) {
            out.add(post("edit_copilot_config", orElse(mine.get("ai_config"), NODES.objectNode())));
        }
        if (!deepEqual(mine.get("error_handler"), theirs.get("error_handler"))) {
            JsonNode handler = mine.get("error_handler");
            ObjectNode body = NODES.objectNode();
            copy(handler, body, "path");
            copy(handler, body, "extra_args");
            body.set("muted_on_cancel", orElse(field(handler, "muted_on_cancel"), NODES.booleanNode(false)));
            body.set("muted_on_user_path", orElse(field(handler, "muted_on_user_path"), NODES.booleanNode(false)));
            out.add(post("edit_error_handler", body));
        }
        if (!deepEqual(mine.get("success_handler"), theirs.get("success_handler"))) {
            JsonNode handler = mine.get("success_handler");
            ObjectNode body = NODES.objectNode();
            copy(handler, body, "path");
            copy(handler, body, "extra_args");
            out.add(post("edit_success_handler", body));
        }
        if (!deepEqual(mine.get("large_file_storage"), theirs.get("large_file_storage"))) {
            out.add(post("edit_large_file_storage_config", with("large_file_storage", mine.get("large_file_storage"))));
        }
        if (!deepEqual(mine.get("git_sync"), theirs.get("git_sync"))) {
            out.add(post("edit_git_sync_config", with("git_sync_settings", mine.get("git_sync"))));
        }
        if (!deepEqual(mine.get("default_scripts"), theirs.get("default_scripts"))) {
            out.add(post("default_scripts", mine.get("default_scripts")));
        }
        if (!looseEqual(mine.get("default_app"), theirs.get("default_app"))) {
            out.add(post("edit_default_app", with("default_app_path", mine.get("default_app"))));
        }
        if (!looseEqual(mine.get("mute_critical_alerts"), theirs.get("mute_critical_alerts"))) {
            out.add(post("critical_alerts/mute", with("mute_critical_alerts", mine.get("mute_critical_alerts"))));
        }
        if (colorManaged && !looseEqual(mine.get("color"), theirs.get("color"))) {
            out.add(post("change_workspace_color", with("color", mine.get("color"))));
        }
        JsonNode operator = mine.get("operator_settings");
        if (present(operator)) {
            // Compared with the remote's manage_* flags filled in where the file has none; sent as the file has it.
            JsonNode compared = operator.deepCopy();
            JsonNode remoteOperator = theirs.get("operator_settings");
            if (compared instanceof ObjectNode filled) {
                for (String key : List.of("manage_schedules", "manage_triggers")) {
                    JsonNode r = field(remoteOperator, key);
                    if (filled.get(key) == null && r != null) {
                        filled.set(key, r);
                    }
                }
            }
            if (!deepEqual(compared, remoteOperator)) {
                out.add(post("operator_settings", operator));
            }
        }
        if (!deepEqual(mine.get("datatable"), theirs.get("datatable"))) {
            JsonNode datatable = mine.get("datatable");
            out.add(post(
                    "edit_datatable_config",
                    with(
                            "settings",
                            present(datatable)
                                    ? datatable
                                    : NODES.objectNode().set("datatables", NODES.objectNode()))));
        }
        if (!looseEqual(mine.get("slack_command_script"), theirs.get("slack_command_script"))) {
            out.add(post("edit_slack_command", with("slack_command_script", mine.get("slack_command_script"))));
        }
        JsonNode id = mine.get("slack_oauth_client_id");
        JsonNode secret = mine.get("slack_oauth_client_secret");
        if (!looseEqual(id, theirs.get("slack_oauth_client_id"))
                || !looseEqual(secret, theirs.get("slack_oauth_client_secret"))) {
            if (truthy(id) && truthy(secret)) {
                ObjectNode body = NODES.objectNode();
                body.set("slack_oauth_client_id", id);
                body.set("slack_oauth_client_secret", secret);
                out.add(post("slack_oauth_config", body));
            } else {
                out.add(new Request("DELETE", "workspaces/slack_oauth_config", null));
            }
        }
        return out;
    }

    /** The export of a workspace where nothing was set (what the plan meets when the archive has no settings). */
    private static ObjectNode defaults() {
        ObjectNode out = NODES.objectNode();
        ALWAYS_WRITTEN.forEach(out::putNull);
        return out;
    }

    /**
     * The CLI's {@code migrateToGroupedFormat}: only the keys it knows, legacy flat keys (settings v1) grouped;
     * {@code name} always there.
     */
    static ObjectNode grouped(JsonNode settings) {
        ObjectNode in = object(settings);
        ObjectNode out = NODES.objectNode();
        out.set("name", orElse(in.get("name"), NODES.textNode("")));
        for (String key : List.of(
                "webhook",
                "ai_config",
                "large_file_storage",
                "git_sync",
                "default_app",
                "default_scripts",
                "mute_critical_alerts",
                "color",
                "operator_settings",
                "datatable",
                "slack_team_id",
                "slack_name",
                "slack_command_script",
                "slack_oauth_client_id",
                "slack_oauth_client_secret")) {
            copy(in, out, key);
        }
        JsonNode invite = in.get("auto_invite");
        if (invite != null && invite.isObject()) {
            out.set("auto_invite", invite);
        } else if (in.get("auto_invite_enabled") != null) {
            ObjectNode legacy = out.putObject("auto_invite");
            legacy.set("enabled", in.get("auto_invite_enabled"));
            legacy.put("operator", in.path("auto_invite_as").asText("").equals("operator"));
            legacy.set("mode", orElse(in.get("auto_invite_mode"), NODES.textNode("invite")));
        }
        for (String handler : List.of("error_handler", "success_handler")) {
            JsonNode h = in.get(handler);
            if (h == null) {
                continue;
            }
            if (h.isNull() || h.isObject()) {
                out.set(handler, h);
            } else if (h.isTextual()) {
                ObjectNode legacy = out.putObject(handler);
                legacy.set("path", h);
                if (in.has(handler + "_extra_args")) {
                    legacy.set("extra_args", in.get(handler + "_extra_args"));
                }
                if (handler.equals("error_handler")) {
                    legacy.set(
                            "muted_on_cancel",
                            orElse(in.get("error_handler_muted_on_cancel"), NODES.booleanNode(false)));
                }
            }
        }
        return out;
    }

    /** The CLI's {@code isSuperset}: every key of {@code subset} deep-equal in {@code superset}. */
    private static boolean superset(ObjectNode subset, ObjectNode superset) {
        for (Map.Entry<String, JsonNode> e : (Iterable<Map.Entry<String, JsonNode>>) subset::fields) {
            if (!deepEqual(e.getValue(), superset.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    /** {@code fast-deep-equal}: Java null is {@code undefined}, which differs from JSON null. */
    static boolean deepEqual(JsonNode a, JsonNode b) {
        if (a == null || b == null) {
            return a == b;
        }
        if (a.isNumber() && b.isNumber()) {
            return a.doubleValue() == b.doubleValue();
        }
        if (a.isObject() && b.isObject()) {
            if (a.size() != b.size()) {
                return false;
            }
            for (Map.Entry<String, JsonNode> e : (Iterable<Map.Entry<String, JsonNode>>) a::fields) {
                if (!b.has(e.getKey()) || !deepEqual(e.getValue(), b.get(e.getKey()))) {
                    return false;
                }
            }
            return true;
        }
        if (a.isArray() && b.isArray()) {
            if (a.size() != b.size()) {
                return false;
            }
            for (int i = 0; i < a.size(); i++) {
                if (!deepEqual(a.get(i), b.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }

    /** JavaScript's {@code ==} on the values the CLI compares so: {@code null} and {@code undefined} are equal. */
    private static boolean looseEqual(JsonNode a, JsonNode b) {
        return present(a) || present(b) ? deepEqual(a, b) : true;
    }

    private static boolean present(JsonNode v) {
        return v != null && !v.isNull();
    }

    private static boolean truthy(JsonNode v) {
        if (!present(v)) {
            return false;
        }
        if (v.isBoolean()) {
            return v.asBoolean();
        }
        if (v.isTextual()) {
            return !v.asText().isEmpty();
        }
        if (v.isNumber()) {
            double d = v.asDouble();
            return d != 0 && !Double.isNaN(d);
        }
        return true;
    }

    private static JsonNode orElse(JsonNode v, JsonNode fallback) {
        return present(v) ? v : fallback;
    }

    private static JsonNode field(JsonNode node, String key) {
        return node != null && node.isObject() ? node.get(key) : null;
    }

    private static void copy(JsonNode from, ObjectNode to, String key) {
        JsonNode v = field(from, key);
        if (v != null) {
            to.set(key, v);
        }
    }

    private static ObjectNode object(JsonNode node) {
        return node != null && node.isObject() ? ((ObjectNode) node).deepCopy() : NODES.objectNode();
    }

    /** {@code {key: value}} as {@code JSON.stringify} writes it: an undefined value leaves the key out. */
    private static ObjectNode with(String key, JsonNode value) {
        ObjectNode body = NODES.objectNode();
        if (value != null) {
            body.set(key, value);
        }
        return body;
    }

    private static Request post(String rest, JsonNode body) {
        return new Request("POST", "workspaces/" + rest, body == null ? null : PushRequests.asJavaScript(body));
    }
}
