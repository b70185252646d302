package dev.workspacesync.windmill.testing;

import static dev.workspacesync.windmill.testing.Fixtures.obj;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One workspace of every item kind the server exports, each holding the inputs of issue #12 at once: U+2028,
 * U+2029, NEL and a Unicode 14 capital (U+A7C0) in text, keys and names (folder, user, group, step, inline
 * script, runnable, file); numbers JavaScript prints differently from Java (past 2^53, {@code -0},
 * {@code 1e21}, {@code 1e-7}); a 59-character key whose value folds and keys past 1,024 characters; the
 * fields the server's export writes as {@code null} set to null. Judged by {@code GeneratedWorkspaceParityTest}.
 */
public final class HostileItems {
    private static final String LS = "\u2028";
    private static final String PS = "\u2029";
    private static final String NEL = "\u0085";
    private static final String CAP = "\uA7C0";
    /** A line of pasted text with every separator, a YAML indicator after each. */
    public static final String PASTED =
            "Pasted" + LS + "from: a document" + PS + "- item" + NEL + "# not a comment " + CAP + "apital end";

    private static final String WORDS =
            "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore";
    /** Numbers as serde_json writes them, past what a double holds exactly or at JavaScript's thresholds. */
    private static final String NUMBERS = "{\"discord\": 1234567890123456789, \"snowflake\": 18446744073709551615,"
            + " \"p53\": 9007199254740993, \"negzero\": -0.0, \"e21\": 1e21, \"below21\": 999999999999999900000.0,"
            + " \"e7\": 1e-7, \"e6\": 0.000001, \"sum\": 0.30000000000000004, \"min\": 5e-324, \"neg\": -1.5e-7}";

    private HostileItems() {}

    /** The workspace (with the key, settings, users and groups: pull it with every include flag). */
    public static WorkspaceArchive archive() {
        WorkspaceArchive a = new WorkspaceArchive();
        a.json(
                "f/hostile/folder.meta.json",
                obj("display_name", PASTED, "owners", List.of("u/admin"), "extra_perms", obj(), "summary", PASTED));
        a.json(
                "f/cap" + CAP + "x/folder.meta.json",
                obj("display_name", CAP, "owners", List.of(), "extra_perms", obj(), "summary", null));
        a.script(
                "f/hostile/script",
                "ts",
                "// " + PASTED + "\nexport async function main(x = \"" + LS + "\") {\n  return x;\n}\n",
                withNulls(
                        obj("summary", PASTED, "description", PASTED + "\n" + PASTED, "kind", "script"),
                        "schema",
                        "lock"));
        a.script(
                "f/cap" + CAP + "x/s" + CAP,
                "py",
                "def main():\n    return '" + NEL + "'\n",
                obj(
                        "summary",
                        CAP,
                        "description",
                        "",
                        "schema",
                        obj("type", "object", "properties", obj("k" + LS, obj("default", PASTED))),
                        "lock",
                        "requests==2.31" + PS + "\n",
                        "kind",
                        "script"));
        a.json(
                "f/hostile/flow.flow.json",
                obj(
                        "summary",
                        PASTED,
                        "description",
                        PASTED + "\n" + WORDS + " " + WORDS,
                        "value",
                        obj(
                                "modules",
                                List.of(
                                        step("a", "Fetch" + NEL + "data", "bun", "// " + PASTED + "\n"),
                                        step("b", CAP + " step" + LS, "python3", "x = '" + PS + "'\n"),
                                        step("c", "Done._" + LS, "bash", "echo " + CAP + "\n"),
                                        obj(
                                                "id",
                                                "d",
                                                "summary",
                                                PASTED,
                                                "value",
                                                obj(
                                                        "type",
                                                        "script",
                                                        "path",
                                                        "f/hostile/script",
                                                        "input_transforms",
                                                        obj(
                                                                "x" + LS + "y",
                                                                obj("type", "static", "value", PASTED),
                                                                "k".repeat(59),
                                                                obj("type", "static", "value", WORDS + " " + WORDS))))),
                                "failure_module",
                                step("failure", PASTED, "deno", "// " + NEL + "\n")),
                        "schema",
                        null));
        a.json(
                "f/hostile/app.app.json",
                obj(
                        "summary",
                        PASTED,
                        "value",
                        obj(
                                "grid",
                                List.of(obj("id", "a", "data", obj("text", PASTED, "k".repeat(1030), WORDS))),
                                "hiddenInlineScripts",
                                List.of(
                                        inline("Q" + NEL + LS, "bun", "// " + PASTED + "\n"),
                                        inline(CAP + "pp", "python3", "def main():\n  return 1" + PS + "\n"))),
                        "policy",
                        obj("execution_mode", "viewer", "triggerables", obj())));
        Map<String, Object> runnables = new LinkedHashMap<>();
        runnables.put(
                CAP + "run" + LS,
                obj(
                        "type",
                        "runnableByName",
                        "name",
                        PASTED,
                        "inlineScript",
                        obj("content", "// " + PASTED + "\n", "language", "bun"),
                        "fields",
                        obj("f" + PS, obj("type", "static", "value", PASTED, "fieldType", "string"))));
        a.json(
                "f/hostile/raw.raw_app.json",
                obj(
                        "summary",
                        PASTED,
                        "value",
                        obj(
                                "files",
                                obj("/index.tsx", "// " + PASTED + "\n", "/src/" + CAP + NEL + ".css", PASTED),
                                "runnables",
                                runnables),
                        "policy",
                        obj("execution_mode", "publisher", "triggerables", obj())));
        a.text(
                "f/hostile/numbers.resource.json",
                "{\n  \"value\": " + NUMBERS + ",\n  \"description\": null,\n  \"resource_type\": \"c\"\n}");
        a.json(
                "f/hostile/nullvalue.resource.json",
                withNulls(obj("resource_type", "postgresql"), "value", "description"));
        // File resource types (ServerShapes.FILE_RESOURCE_TYPES) with values the CLI writes without a content file.
        a.json(
                "f/hostile/list.resource.json",
                obj("value", List.of(1, PASTED), "description", "", "resource_type", "json_file"));
        a.json(
                "f/hostile/nofiles.resource.json",
                withNulls(obj("description", CAP, "resource_type", "bundle"), "value"));
        a.json(
                "f/hostile/files.resource.json",
                obj(
                        "value",
                        obj("a" + LS + ".txt", PASTED, "n.txt", 12, "d" + CAP + "/e.md", "# " + NEL),
                        "description",
                        null,
                        "resource_type",
                        "bundle"));
        Map<String, Object> keys = new LinkedHashMap<>();
        keys.put("k".repeat(59), WORDS + " " + WORDS);
        keys.put("q'" + "k".repeat(58), "'" + WORDS + "' " + WORDS);
        keys.put("y".repeat(1025), PASTED);
        keys.put(CAP + LS + "k".repeat(1030), obj("nested", PASTED));
        a.json(
                "f/hostile/keys.resource.json",
                obj("value", keys, "description", PASTED, "resource_type", "c", "labels", List.of(CAP + LS)));
        a.json(
                "f/hostile/var.variable.json",
                obj("value", PASTED, "is_secret", false, "description", PASTED, "labels", List.of(PASTED)));
        a.json("f/hostile/nullvar.variable.json", withNulls(obj("is_secret", false, "description", ""), "value"));
        a.json(
                "rt_hostile.resource-type.json",
                withNulls(obj("description", PASTED, "is_fileset", false), "schema", "format_extension"));
        a.text(
                "f/hostile/sched.schedule.json",
                "{\"schedule\": \"0 0 * * * *\", \"timezone\": \"UTC\", \"enabled\": true, \"script_path\":"
                        + " \"f/hostile/script\", \"is_flow\": false, \"args\": " + NUMBERS + ", \"email\":"
                        + " \"admin@windmill.dev\", \"ws_error_handler_muted\": false, \"no_flow_overlap\": false,"
                        + " \"summary\": " + json(PASTED) + ", \"description\": " + json(PASTED) + "}");
        a.json(
                "f/hostile/nullargs.schedule.json",
                withNulls(
                        obj(
                                "schedule",
                                "*/5 * * * *",
                                "timezone",
                                "Europe/Paris",
                                "enabled",
                                false,
                                "script_path",
                                "f/hostile/flow",
                                "is_flow",
                                true,
                                "email",
                                "admin@windmill.dev",
                                "ws_error_handler_muted",
                                false,
                                "no_flow_overlap",
                                true),
                        "args"));
        for (String kind : List.of(
                "http", "websocket", "kafka", "nats", "postgres", "mqtt", "amqp", "sqs", "gcp", "azure", "email")) {
            a.json("f/hostile/t" + CAP + LS + "_" + kind + "." + kind + "_trigger.json", trigger(kind));
        }
        a.json(
                "users/" + CAP + "bob" + LS + "@x.dev.user.json",
                obj("username", "bob" + CAP, "role", "developer", "disabled", false));
        a.json(
                "groups/grp" + CAP + NEL + ".group.json",
                obj("summary", PASTED, "members", List.of("u/bob" + CAP), "admins", List.of()));
        a.json("groups/nosummary.group.json", obj("members", List.of(), "admins", List.of("u/admin")));
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("error_handler", null);
        settings.put("success_handler", null);
        settings.put("name", PASTED);
        settings.put("slack_command_script", "script/f/hostile/script");
        settings.put("ai_config", obj("max_tokens_per_model", obj("m" + LS, 1234567890123456789L)));
        settings.put("slack_oauth_client_id", null);
        settings.put("slack_oauth_client_secret", null);
        a.json("settings.json", settings);
        a.json("encryption_key.json", "k" + LS + "ey" + CAP);
        a.text("dependencies/requirements.in", "requests # " + PASTED + "\n");
        a.text("dependencies/named" + CAP + ".requirements.in", "numpy" + PS + "\n");
        a.text("dependencies/package.json", "{\"dependencies\": {\"x" + LS + "\": \"1\"}}\n");
        return a;
    }

    private static String json(String s) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(s);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object> withNulls(Map<String, Object> m, String... nullKeys) {
        for (String k : nullKeys) {
            m.put(k, null);
        }
        return m;
    }

    private static Map<String, Object> step(String id, String summary, String language, String content) {
        return obj(
                "id",
                id,
                "summary",
                summary,
                "value",
                obj("type", "rawscript", "content", content, "language", language, "input_transforms", obj()));
    }

    private static Map<String, Object> inline(String name, String language, String content) {
        return obj(
                "type",
                "runnableByName",
                "name",
                name,
                "fields",
                obj(),
                "inlineScript",
                obj("content", content, "language", language));
    }

    /** Every trigger kind with separators in its text, and its nullable configuration fields null. */
    private static Map<String, Object> trigger(String kind) {
        Map<String, Object> m = obj(
                "script_path", "f/hostile/script", "mode", "enabled", "is_flow", false, "email", "admin@windmill.dev");
        switch (kind) {
            case "http" -> {
                m.putAll(obj(
                        "route_path",
                        "hostile/:id",
                        "route_path_key",
                        "hostile/*",
                        "is_async",
                        false,
                        "authentication_method",
                        "none",
                        "http_method",
                        "post",
                        "summary",
                        PASTED,
                        "description",
                        PASTED,
                        "is_static_website",
                        false,
                        "workspaced_route",
                        false,
                        "wrap_body",
                        false,
                        "raw_string",
                        false));
                m.put("static_asset_config", null);
                m.put("authentication_resource_path", null);
            }
            case "websocket" ->
                m.putAll(obj(
                        "url",
                        "wss://x.example/ws",
                        "filters",
                        List.of(obj("key", "k" + LS, "value", PASTED)),
                        "initial_messages",
                        List.of(obj("raw_message", PASTED)),
                        "can_return_message",
                        false,
                        "can_return_error_result",
                        false));
            case "kafka" ->
                m.putAll(obj("kafka_resource_path", "f/x/kafka", "group_id", PASTED, "topics", List.of(CAP, LS)));
            case "nats" -> {
                m.putAll(obj("nats_resource_path", "f/x/nats", "use_jetstream", false, "subjects", List.of(PASTED)));
                m.put("stream_name", null);
                m.put("consumer_name", null);
            }
            case "postgres" ->
                m.putAll(obj(
                        "postgres_resource_path",
                        "f/x/pg",
                        "replication_slot_name",
                        "slot" + CAP,
                        "publication_name",
                        "pub" + LS));
            case "mqtt" -> {
                m.putAll(obj(
                        "mqtt_resource_path",
                        "f/x/mqtt",
                        "subscribe_topics",
                        List.of(obj("qos", "qos1", "topic", PASTED))));
                m.put("v3_config", null);
                m.put("v5_config", null);
                m.put("client_id", null);
                m.put("client_version", null);
            }
            case "amqp" -> {
                m.putAll(obj("amqp_resource_path", "f/x/amqp", "queue_name", PASTED, "routing_keys", List.of(NEL)));
                m.put("exchange", null);
            }
            case "sqs" -> {
                m.putAll(obj(
                        "queue_url",
                        "https://sqs.eu-west-1.amazonaws.com/123456789012/q",
                        "aws_resource_path",
                        "f/x/aws",
                        "aws_auth_resource_type",
                        "credentials"));
                m.put("message_attributes", null);
            }
            case "gcp" -> {
                m.putAll(obj(
                        "gcp_resource_path",
                        "f/x/gcp",
                        "subscription_id",
                        "sub" + CAP,
                        "topic_id",
                        "topic" + PS,
                        "delivery_type",
                        "pull",
                        "subscription_mode",
                        "existing"));
                m.put("delivery_config", null);
                m.put("auto_acknowledge_msg", null);
                m.put("ack_deadline", null);
            }
            case "azure" -> {
                m.putAll(obj("azure_resource_path", "f/x/azure", "event_hub_name", "hub" + LS));
                m.put("consumer_group", null);
            }
            default -> m.putAll(obj("local_part", "inbox" + CAP, "workspaced_local_part", false));
        }
        m.put("error_handler_args", obj("n", 1234567890123456789L, "s", PASTED));
        return m;
    }
}
