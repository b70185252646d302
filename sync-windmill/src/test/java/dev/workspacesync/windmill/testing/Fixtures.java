package dev.workspacesync.windmill.testing;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Fixture workspaces, built from the JSON the server would put in its archive. */
public final class Fixtures {
    private Fixtures() {}

    /** Ordered map helper: key, value, key, value… */
    public static Map<String, Object> obj(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private static Map<String, Object> schema() {
        return obj(
                "$schema",
                "https://json-schema.org/draft/2020-12/schema",
                "type",
                "object",
                "properties",
                obj("name", obj("type", "string", "description", "", "default", "world")),
                "required",
                List.of("name"));
    }

    private static Map<String, Object> scriptMeta(String summary, String lock, String kind) {
        Map<String, Object> m =
                obj("summary", summary, "description", "", "schema", schema(), "kind", kind, "has_preprocessor", false);
        // The server's ScriptMetadata always writes the lock, null when there is none.
        m.put("lock", lock);
        return m;
    }

    private static Map<String, Object> rawscript(
            String id, String summary, String language, String content, String lock) {
        Map<String, Object> value = obj(
                "type",
                "rawscript",
                "content",
                content,
                "language",
                language,
                "input_transforms",
                obj("x", obj("type", "javascript", "expr", "flow_input.x")));
        if (lock != null) {
            value.put("lock", lock);
        }
        Map<String, Object> m = obj("id", id, "value", value);
        if (summary != null) {
            m.put("summary", summary);
        }
        return m;
    }

    /** Every item kind the pull handles, small enough for the real CLI to judge quickly. */
    public static WorkspaceArchive fullWorkspace() {
        WorkspaceArchive a = new WorkspaceArchive();
        a.json(
                "f/team/folder.meta.json",
                obj(
                        "display_name",
                        "team",
                        "owners",
                        List.of("u/admin"),
                        "extra_perms",
                        obj("g/all", false),
                        "summary",
                        null));
        a.json(
                "f/ops/folder.meta.json",
                obj("display_name", "Ops: on-call", "owners", List.of(), "extra_perms", obj()));
        a.script(
                "f/team/hello",
                "py",
                "def main(name: str = \"world\"):\n    return f\"hello {name}\"\n",
                scriptMeta("Say hello", "requests==2.31.0\n", "script"));
        a.script(
                "f/team/bun_script",
                "ts",
                "export async function main(x: number) {\n  return x * 2;\n}\n",
                scriptMeta("Bun", "{\n  \"dependencies\": {}\n}\n//bun.lock\n<empty>", "script"));
        a.script(
                "f/team/deno_script",
                "deno.ts",
                "export function main() {\n  return 'yes';\n}\n",
                scriptMeta("Deno: yes/no", "", "script"));
        a.script(
                "f/team/go_script",
                "go",
                "package inner\n\nfunc main() (string, error) {\n\treturn \"go\", nil\n}\n",
                scriptMeta("Go", "module mymod\n\ngo 1.21\n", "script"));
        a.script("f/team/bash_script", "sh", "#!/bin/bash\necho \"$1\"\n", scriptMeta("", null, "script"));
        a.script(
                "f/team/query",
                "pg.sql",
                "-- $1 name\nSELECT $1::text AS name;\n",
                scriptMeta("Query", null, "script"));
        a.script(
                "f/team/native",
                "fetch.ts",
                "export async function main() {\n  return await fetch('https://x');\n}\n",
                scriptMeta("Native", null, "script"));
        a.script("f/team/approval", "py", "def main():\n    pass\n", scriptMeta("On: off", "", "approval"));
        a.script("u/admin/private", "py", "def main():\n    return 1\n", scriptMeta("private", "", "script"));
        Map<String, Object> loop = obj(
                "id",
                "b",
                "summary",
                "Loop",
                "value",
                obj(
                        "type",
                        "forloopflow",
                        "iterator",
                        obj("type", "javascript", "expr", "[1,2]"),
                        "skip_failures",
                        false,
                        "parallel",
                        true,
                        "modules",
                        List.of(
                                rawscript("c", "Transform", "python3", "def main(x):\n    return x\n", "pyyaml==6.0\n"),
                                rawscript("d", "Transform", "bun", "export function main(x) { return x }\n", null))));
        Map<String, Object> branches = obj(
                "id",
                "e",
                "value",
                obj(
                        "type",
                        "branchone",
                        "branches",
                        List.of(obj(
                                "summary",
                                "first",
                                "expr",
                                "true",
                                "modules",
                                List.of(rawscript("f", "transform", "deno", "export function main() {}\n", null)))),
                        "default",
                        List.of(rawscript("g", null, "bash", "echo default\n", null))));
        Map<String, Object> all = obj(
                "id",
                "h",
                "value",
                obj(
                        "type",
                        "branchall",
                        "parallel",
                        false,
                        "branches",
                        List.of(obj(
                                "summary",
                                "",
                                "skip_failure",
                                false,
                                "modules",
                                List.of(
                                        rawscript("i", "Query DB", "postgresql", "SELECT 1;\n", null),
                                        rawscript(
                                                "j",
                                                "Native fetch",
                                                "nativets",
                                                "export async function main() {}\n",
                                                null))))));
        Map<String, Object> flowValue = obj(
                "modules",
                List.of(
                        rawscript("a", "Fetch data", "python3", "def main(x):\n    return [x]\n", null),
                        loop,
                        branches,
                        all),
                "failure_module",
                rawscript("failure", "On failure", "python3", "def main(error):\n    return error\n", null),
                "preprocessor_module",
                rawscript("preprocessor", null, "bun", "export function preprocess() {}\n", null),
                "same_worker",
                false);
        a.json(
                "f/team/etl.flow.json",
                obj(
                        "summary",
                        "ETL: nightly",
                        "description",
                        "Multi\nline\ndescription",
                        "value",
                        flowValue,
                        "schema",
                        schema(),
                        "on_behalf_of_email",
                        "admin@windmill.dev"));
        a.json(
                "f/ops/simple.flow.json",
                obj(
                        "summary",
                        "",
                        "value",
                        obj("modules", List.of(rawscript("a", null, "go", "package inner\n", null))),
                        "schema",
                        obj()));
        Map<String, Object> appValue = obj(
                "grid",
                List.of(obj(
                        "id",
                        "a",
                        "data",
                        obj(
                                "type",
                                "buttoncomponent",
                                "componentInput",
                                obj(
                                        "type",
                                        "runnable",
                                        "fieldType",
                                        "any",
                                        "fields",
                                        obj(),
                                        "runnable",
                                        obj(
                                                "type",
                                                "runnableByName",
                                                "name",
                                                "Click me",
                                                "inlineScript",
                                                obj(
                                                        "content",
                                                        "export async function main() { return 1 }\n",
                                                        "language",
                                                        "bun",
                                                        "schema",
                                                        obj())))))),
                "hiddenInlineScripts",
                List.of(obj(
                        "type",
                        "runnableByName",
                        "name",
                        "Background",
                        "fields",
                        obj(),
                        "inlineScript",
                        obj("content", "def main():\n    return 2\n", "language", "python3", "lock", "numpy==1.26\n"))),
                "css",
                obj(),
                "norefreshbar",
                false);
        a.json(
                "f/team/dashboard.app.json",
                obj(
                        "summary",
                        "Dashboard",
                        "value",
                        appValue,
                        "policy",
                        obj("execution_mode", "publisher", "triggerables", obj()),
                        "custom_path",
                        null));
        a.json(
                "f/team/db.resource.json",
                obj(
                        "value",
                        obj("host", "db", "port", 5432, "password", "$var:f/team/db_password"),
                        "description",
                        "Main DB",
                        "resource_type",
                        "postgresql"));
        a.json("f/team/greeting.variable.json", obj("value", "yes", "is_secret", false, "description", "plain"));
        a.json(
                "f/team/db_password.variable.json",
                obj(
                        "value",
                        ServerCrypt.encrypt(ServerCrypt.SEED_KEY, "correct horse battery staple"),
                        "is_secret",
                        true,
                        "description",
                        "secret"));
        a.json("f/team/big.variable.json", obj("value", "0123", "is_secret", false, "description", "null"));
        a.json(
                "postgresql.resource-type.json",
                obj(
                        "schema",
                        obj(
                                "type",
                                "object",
                                "properties",
                                obj("host", obj("type", "string"), "port", obj("type", "integer"))),
                        "description",
                        "Postgres"));
        a.json(
                "f/team/nightly.schedule.json",
                obj(
                        "schedule",
                        "0 0 * * * *",
                        "timezone",
                        "UTC",
                        "enabled",
                        true,
                        "script_path",
                        "f/team/etl",
                        "is_flow",
                        true,
                        "args",
                        obj(),
                        "email",
                        "admin@windmill.dev"));
        a.json(
                "f/team/hook.http_trigger.json",
                obj(
                        "script_path",
                        "f/team/hello",
                        "is_flow",
                        false,
                        "route_path",
                        "hello",
                        "http_method",
                        "post",
                        "email",
                        "admin@windmill.dev"));
        a.json("users/admin@windmill.dev.user.json", obj("username", "admin", "role", "admin", "disabled", false));
        // SimplifiedGroup: name stripped, members and admins as u/..., extra_perms kept even when empty.
        a.json(
                "groups/devs.group.json",
                obj("summary", "Developers", "members", List.of("u/admin"), "admins", List.of(), "extra_perms", obj()));
        a.json("settings.json", settingsV2(obj("auto_invite", obj("enabled", false), "color", "#ff0000")));
        a.text("dependencies/requirements.in", "requests\npyyaml\n");
        a.text("dependencies/package.json", "{\n  \"dependencies\": {\"lodash\": \"4\"}\n}\n");
        return a;
    }

    /**
     * The server's v2 settings (what the CLI asks for): error and success handlers and the Slack OAuth client
     * always written, null when unset; the name; {@code extra} (fields skipped when None) in between.
     */
    private static Map<String, Object> settingsV2(Map<String, Object> extra) {
        Map<String, Object> m = new LinkedHashMap<>(extra);
        m.put("error_handler", null);
        m.put("success_handler", null);
        m.put("name", "Demo workspace");
        m.put("slack_oauth_client_id", null);
        m.put("slack_oauth_client_secret", null);
        return m;
    }

    /** The body of the emulator's file resource type map matching {@link #edgeCases()}. */
    public static final String EDGE_FILE_RESOURCE_TYPES =
            "{\"json_file\":{\"format_extension\":\"json\",\"is_fileset\":false}}";

    /**
     * Harder cases: multi-file scripts, AI agent tools, while loops, odd summaries and duplicate names,
     * strings that YAML could misread, long text, numbers, file resources, anonymous and guest apps, and
     * the kinds only pulled with include flags.
     */
    public static WorkspaceArchive edgeCases() {
        WorkspaceArchive a = new WorkspaceArchive();
        a.json(
                "f/edge/folder.meta.json",
                obj(
                        "display_name",
                        "edge",
                        "owners",
                        List.of(),
                        "extra_perms",
                        obj(),
                        "summary",
                        "A folder whose summary is long enough that the YAML writer would have to fold it somewhere past eighty columns"));
        Map<String, Object> tricky = obj(
                "yes",
                "yes",
                "no",
                "no",
                "on",
                "on",
                "off",
                "off",
                "null_text",
                "null",
                "tilde",
                "~",
                "int_text",
                "123",
                "float_text",
                "1e3",
                "hex_text",
                "0x1F",
                "dash",
                "- dash",
                "colon",
                "key: value",
                "hash",
                "#hash",
                "mid_hash",
                "a #b",
                "single",
                "it's",
                "double",
                "say \"hi\"",
                "both",
                "it's \"x\"",
                "trailing",
                "trailing ",
                "leading",
                " leading",
                "tab",
                "a\tb",
                "unicode",
                "Déjà vu 🚀",
                "multi",
                "line one\nline two\n",
                "multi_keep",
                "a\n\n",
                "multi_strip",
                "a\nb",
                "multi_spaces",
                "a \nb",
                "indented",
                "  x\ny",
                "star",
                "*star",
                "amp",
                "&amp",
                "bang",
                "!bang",
                "pct",
                "%pct",
                "at",
                "@at",
                "backtick",
                "`x`",
                "brackets",
                "[x]",
                "braces",
                "{x}",
                "comma",
                ",x",
                "question",
                "? x",
                "qmark",
                "?",
                "empty",
                "",
                "dots",
                "...",
                "dashes",
                "---",
                "url",
                "http://x/y?a=b#c",
                "num_float",
                1.5,
                "num_big",
                new java.math.BigInteger("9007199254740993"),
                "num_small",
                0.1,
                "num_int",
                42,
                "num_neg",
                -7,
                "num_exp",
                1e21,
                "num_tiny",
                1e-7,
                "bool",
                true,
                "nothing",
                null,
                "list",
                List.of(1, "two", List.of(3, List.of()), obj("k", "v", "a", List.of())),
                "empty_list",
                List.of(),
                "empty_obj",
                obj(),
                "key with space",
                1,
                "1",
                "numeric key",
                "true",
                "bool key",
                "a:b",
                "colon key",
                "Zeta",
                1,
                "alpha",
                2,
                "_under",
                3,
                "-dash",
                4,
                "Alpha",
                5,
                "b2",
                6,
                "b10",
                7,
                "lock",
                "l",
                "kind",
                "k",
                "version",
                3,
                "long",
                "This is a rather long single line string that is definitely longer than eighty characters in total length.",
                "long_quoted",
                "key: this value needs quotes because of the colon and it is also much longer than eighty characters",
                "long_list",
                List.of("A list item that is long enough to need folding when the yaml library writes it out to disk"),
                "long_word",
                "x".repeat(120),
                "a_very_long_key_name_that_takes_up_most_of_the_line_width_before_the_value_starts",
                "short value here and there and everywhere",
                "multi_long_indented",
                "Intro line that is long enough to force the folded style in the yaml output writer\n  indented code line\n    deeper\nback to normal\n\n\nafter blanks\n",
                "multi_long_lead",
                "\n\nleading blank lines then a long line that goes on and on past the eighty column limit for sure",
                "multi_long",
                "short line\nA second line which is long enough that the yaml library would rather fold this block scalar\nend\n");
        a.json("f/edge/tricky.resource.json", obj("value", tricky, "description", "tricky", "resource_type", "custom"));
        a.json(
                "f/edge/config.resource.json",
                obj("value", obj("content", "{\n  \"a\": 1\n}\n"), "description", "", "resource_type", "json_file"));
        a.json("f/edge/multi.variable.json", obj("value", "line1\nline2\n", "is_secret", false, "description", ""));
        Map<String, Object> modMeta = scriptMeta("Multi file", "lock-main\n", "script");
        modMeta.put(
                "modules",
                obj(
                        "helper.py",
                        obj("content", "def helper():\n    return 1\n", "lock", "helper-lock\n"),
                        "util/other.py",
                        obj("content", "X = 1\n")));
        a.script("f/edge/multi", "py", "from helper import helper\n\ndef main():\n    return helper()\n", modMeta);
        a.script(
                "f/edge/behalf",
                "py",
                "def main():\n    pass\n",
                obj(
                        "summary",
                        "behalf",
                        "description",
                        "",
                        "schema",
                        obj(),
                        "kind",
                        "script",
                        "on_behalf_of_email",
                        "bob@x.dev",
                        "envs",
                        List.of("A=1"),
                        "tag",
                        "gpu",
                        "timeout",
                        30,
                        "concurrent_limit",
                        2,
                        "concurrency_time_window_s",
                        60));
        Map<String, Object> agent = obj(
                "id",
                "agent",
                "summary",
                "Agent",
                "value",
                obj(
                        "type",
                        "aiagent",
                        "tools",
                        List.of(
                                obj(
                                        "id",
                                        "t1",
                                        "summary",
                                        "Search the web",
                                        "value",
                                        obj(
                                                "tool_type",
                                                "flowmodule",
                                                "type",
                                                "rawscript",
                                                "content",
                                                "export async function main(q: string) { return q }\n",
                                                "language",
                                                "bun",
                                                "input_transforms",
                                                obj())),
                                obj(
                                        "id",
                                        "t2",
                                        "value",
                                        obj(
                                                "tool_type",
                                                "flowmodule",
                                                "type",
                                                "script",
                                                "path",
                                                "f/edge/multi",
                                                "input_transforms",
                                                obj()))),
                        "input_transforms",
                        obj("provider", obj("type", "static", "value", obj("kind", "openai")))));
        Map<String, Object> whileLoop = obj(
                "id",
                "w",
                "summary",
                "Loop forever",
                "value",
                obj(
                        "type",
                        "whileloopflow",
                        "skip_failures",
                        true,
                        "modules",
                        List.of(
                                rawscript("w1", "CON", "python3", "def main():\n    return 1\n", null),
                                rawscript("w2", "🚀 Launch: go/now?", "python3", "def main():\n    return 2\n", null),
                                rawscript("w3", "***", "python3", "def main():\n    return 3\n", null),
                                rawscript("w4", "transform", "python3", "def main():\n    return 4\n", null),
                                rawscript("w5", "TRANSFORM", "python3", "def main():\n    return 5\n", "lock5\n"),
                                rawscript("w6", "Déjà vu", "deno", "export function main() {}\n", null),
                                rawscript("w7", "..hidden..", "bash", "echo 7\n", null),
                                rawscript("w8", "Transform", "mysql", "SELECT 8;\n", null))));
        a.json(
                "f/edge/agent.flow.json",
                obj(
                        "summary",
                        "Agentic",
                        "description",
                        "",
                        "value",
                        obj(
                                "modules",
                                List.of(
                                        rawscript(
                                                "transform",
                                                "Transform",
                                                "python3",
                                                "def main():\n    return 0\n",
                                                null),
                                        agent,
                                        whileLoop)),
                        "schema",
                        obj(
                                "type",
                                "object",
                                "properties",
                                obj("name", obj("type", "string"), "id", obj("type", "integer")),
                                "order",
                                List.of("name", "id"))));
        a.json(
                "f/edge/public.app.json",
                obj(
                        "summary",
                        "Public",
                        "value",
                        obj(
                                "grid",
                                List.of(),
                                "hiddenInlineScripts",
                                List.of(
                                        obj(
                                                "name",
                                                "Run",
                                                "fields",
                                                obj(),
                                                "inlineScript",
                                                obj("content", "", "language", "bun")),
                                        obj(
                                                "fields",
                                                obj(),
                                                "inlineScript",
                                                obj("content", "def main():\n    pass\n", "language", "python3")))),
                        "policy",
                        obj("execution_mode", "anonymous")));
        a.json(
                "f/edge/guest.app.json",
                obj("summary", "Guest", "value", obj("grid", List.of()), "policy", obj("execution_mode", "guest")));
        Map<String, Object> runnables = obj(
                "getUsers",
                        obj(
                                "type",
                                "runnableByName",
                                "name",
                                "Get users",
                                "inlineScript",
                                obj(
                                        "content",
                                        "export async function main() { return [] }\n",
                                        "language",
                                        "bun",
                                        "schema",
                                        obj("type", "object")),
                                "fields",
                                obj(
                                        "x",
                                        obj("type", "static", "value", 1, "fieldType", "number"),
                                        "u",
                                        obj("type", "user", "value", null),
                                        "js",
                                        obj("type", "javascript", "expr", "ctx.email", "allowUserResources", false))),
                "byPath",
                        obj(
                                "type",
                                "path",
                                "runType",
                                "script",
                                "path",
                                "f/edge/multi",
                                "schema",
                                obj(),
                                "fields",
                                obj()),
                "Other Thing",
                        obj(
                                "type",
                                "runnableByName",
                                "inlineScript",
                                obj(
                                        "content",
                                        "def main():\n    return 1\n",
                                        "language",
                                        "python3",
                                        "lock",
                                        "lock-raw\n")));
        a.json(
                "f/edge/raw.raw_app.json",
                obj(
                        "summary",
                        "Raw",
                        "value",
                        obj(
                                "files",
                                        obj(
                                                "/index.tsx",
                                                "export default function App() { return null }\n",
                                                "/src/ui/button.tsx",
                                                "export const B = 1;\n",
                                                "/package.json",
                                                "{}\n",
                                                "/wmill.d.ts",
                                                "declare const x: 1;\n",
                                                "/sql_to_apply/001.sql",
                                                "CREATE TABLE t();\n",
                                                "/AGENTS.md",
                                                "agents\n",
                                                "/node_modules/x/index.js",
                                                "x\n",
                                                "/style.css",
                                                "body{}\n"),
                                "runnables", runnables,
                                "data", obj("datatable", "main", "tables", List.of("main/users"))),
                        "policy",
                        obj("execution_mode", "viewer"),
                        "custom_path",
                        "raw"));
        a.json(
                "f/edge/every.schedule.json",
                obj(
                        "schedule",
                        "*/5 * * * * *",
                        "timezone",
                        "Europe/Paris",
                        "enabled",
                        false,
                        "script_path",
                        "f/edge/multi",
                        "is_flow",
                        false,
                        "args",
                        obj("x", 1),
                        "email",
                        "admin@windmill.dev"));
        a.json(
                "f/edge/ws.websocket_trigger.json",
                obj(
                        "script_path",
                        "f/edge/multi",
                        "is_flow",
                        false,
                        "url",
                        "wss://x",
                        "email",
                        "admin@windmill.dev",
                        "enabled",
                        true));
        a.json("users/bob@x.dev.user.json", obj("username", "bob", "role", "developer", "disabled", false));
        // No summary: the server skips a None one.
        a.json(
                "groups/ops.group.json",
                obj("members", List.of("u/bob"), "admins", List.of("u/admin"), "extra_perms", obj("u/admin", true)));
        a.json("settings.json", settingsV2(obj("git_sync", obj("repositories", List.of()), "webhook", "")));
        // A JSON string: the server writes to_string_pretty(&to_value(key)).
        a.json("encryption_key.json", "tR7bQ2mX9kLp4ZsV1nWc8HdY3fGj6AeU0oTiKr5BxNq2MvCz7SyPu1LwEh4JgDa9");
        a.text("dependencies/extra.requirements.in", "numpy\n");
        // Datatable migrations: kept verbatim, even outside includes, unless skipDatatableMigrations.
        a.text("migrations/datatable/main/20260101120000_create_users.up.sql", "CREATE TABLE users (id int);\n");
        a.text("migrations/datatable/main/20260101120000_create_users.down.sql", "DROP TABLE users;\n");
        a.text("README.md", "not a windmill file\n");
        a.text("f/edge/notes.txt", "ignored extension\n");
        return a;
    }

    /**
     * What {@code wmill-lock.yaml} hashes depend on: workspace dependency files (default and named, picked by
     * {@code extra_requirements:}/{@code package_json:} annotations or by default), module scripts, flows whose
     * steps pull different dependency files (failure module included), a flow without inline steps, an app and
     * raw apps with and without backend runnables.
     */
    public static WorkspaceArchive lockCases() {
        WorkspaceArchive a = new WorkspaceArchive();
        a.json("f/x/folder.meta.json", obj("display_name", "x", "owners", List.of(), "extra_perms", obj()));
        a.text("dependencies/package.json", "{\"dependencies\":{\"a\":\"1\"}}\n");
        a.text("dependencies/requirements.in", "requests\n");
        a.text("dependencies/named.requirements.in", "numpy\n");
        a.text("dependencies/other.package.json", "{\"x\":\"\\\"quoted\\u00e9\\\"\"}\r\n\t\u00e9\n");
        a.text("dependencies/go.mod", "module x\n");
        a.script("f/x/py1", "py", "import requests\ndef main():\n  return 1\n", lockMeta("py1", "python3"));
        a.script(
                "f/x/py2",
                "py",
                "# extra_requirements: named, default\ndef main():\n  return 2\n",
                lockMeta("py2", "python3"));
        a.script(
                "f/x/manual",
                "py",
                "import os\n# requirements:\n#requests\ndef main():\n  return 1\n",
                lockMeta("manual", "python3"));
        a.script("f/x/ts1", "ts", "export async function main() { return 1 }\n", lockMeta("ts1", "bun"));
        a.script(
                "f/x/annotated",
                "ts",
                "// package_json: other, default\nexport async function main() { return 1 }\n",
                lockMeta("annotated", "bun"));
        a.script("f/x/ts2", "deno.ts", "export async function main() { return 2 }\n", lockMeta("ts2", "deno"));
        a.script("f/x/go1", "go", "package inner\nfunc main() {}\n", lockMeta("go1", "go"));
        Map<String, Object> modules = lockMeta("modpy", "python3");
        modules.put(
                "modules",
                obj(
                        "helper.py",
                        obj("content", "def h():\n  return 1\n", "language", "python3"),
                        "sub/util.py",
                        obj("content", "X=1\n", "language", "python3", "lock", "x==1\n"),
                        "data.json",
                        obj("content", "{}", "language", "python3")));
        a.script("f/x/modpy", "py", "from .helper import h\ndef main():\n  return h()\n", modules);
        Map<String, Object> flowSchema = obj("type", "object", "properties", obj(), "required", List.of());
        a.json(
                "f/x/mixed.flow.json",
                obj(
                        "summary",
                        "mixed",
                        "description",
                        "",
                        "value",
                        obj(
                                "modules",
                                List.of(
                                        rawscript(
                                                "b",
                                                null,
                                                "bun",
                                                "export async function main() { return 1 }\n",
                                                "lockcontent\n"),
                                        rawscript("a", null, "python3", "def main():\n  return 1\n", null)),
                                "failure_module",
                                rawscript(
                                        "failure",
                                        null,
                                        "python3",
                                        "# extra_requirements: named\ndef main():\n  return 1\n",
                                        null)),
                        "schema",
                        flowSchema));
        a.json(
                "f/x/paths.flow.json",
                obj(
                        "summary",
                        "only script steps",
                        "description",
                        "",
                        "value",
                        obj(
                                "modules",
                                List.of(obj(
                                        "id",
                                        "c",
                                        "value",
                                        obj("type", "script", "path", "f/x/py1", "input_transforms", obj())))),
                        "schema",
                        flowSchema));
        a.json(
                "f/x/ap.app.json",
                obj(
                        "summary",
                        "ap",
                        "value",
                        obj(
                                "grid",
                                List.of(),
                                "hiddenInlineScripts",
                                List.of(
                                        obj(
                                                "name",
                                                "P",
                                                "fields",
                                                obj(),
                                                "inlineScript",
                                                obj("content", "def main():\n  return 1\n", "language", "python3")),
                                        obj(
                                                "name",
                                                "B",
                                                "fields",
                                                obj(),
                                                "inlineScript",
                                                obj(
                                                        "content",
                                                        "export async function main() { return 1 }\n",
                                                        "language",
                                                        "bun")))),
                        "policy",
                        obj("execution_mode", "viewer")));
        a.json(
                "f/x/ra.raw_app.json",
                obj(
                        "summary",
                        "ra",
                        "value",
                        obj(
                                "files",
                                obj("/index.tsx", "x\n", "/package.json", "{}\n"),
                                "runnables",
                                obj(
                                        "zpy",
                                        obj(
                                                "type",
                                                "runnableByName",
                                                "inlineScript",
                                                obj("content", "def main():\n  return 1\n", "language", "python3")),
                                        "abun",
                                        obj(
                                                "type",
                                                "runnableByName",
                                                "inlineScript",
                                                obj(
                                                        "content",
                                                        "export async function main() { return 1 }\n",
                                                        "language",
                                                        "bun")))),
                        "policy",
                        obj("execution_mode", "viewer")));
        a.json(
                "f/x/rb.raw_app.json",
                obj(
                        "summary",
                        "rb",
                        "value",
                        obj("files", obj("/index.tsx", "x\n", "/package.json", "{}\n"), "runnables", obj()),
                        "policy",
                        obj("execution_mode", "viewer")));
        return a;
    }

    /**
     * dbt scripts as the server exports them (the project's files in {@code modules}): the descriptor as an
     * entry, as a module, empty or missing, or in the older {@code <path>.dbt.yaml} form (lost on pull);
     * generated directories and local secret files (dropped), module locks, dbt_project.yml naming more
     * generated directories (honoured by the lock file only), and a project without the dbt marker (an
     * ordinary module script).
     */
    public static WorkspaceArchive dbtCases() {
        WorkspaceArchive a = new WorkspaceArchive();
        a.json("f/d/folder.meta.json", obj("display_name", "d", "owners", List.of(), "extra_perms", obj()));
        Map<String, Object> modules = new LinkedHashMap<>();
        modules.put("dbt_project.yml", dbtFile("name: proj\nprofile: proj\nmodel-paths: [\"models\"]\n"));
        modules.put("models/stg/a.sql", dbtFile("select 1 as id\n"));
        modules.put("models/schema.yml", dbtFile("version: 2\nmodels:\n  - name: a\n"));
        modules.put("seeds/x.csv", dbtFile("id\n1\n"));
        modules.put("README.md", dbtFile("# proj\n"));
        modules.put(
                "macros/m.sql",
                obj("content", "{% macro m() %}1{% endmacro %}\n", "language", "dbt", "lock", "macro-lock\n"));
        modules.put("packages.lock", dbtFile("pkg-lock\n"));
        modules.put("target/compiled.sql", dbtFile("gen\n"));
        modules.put("logs/dbt.log", dbtFile("log\n"));
        modules.put("dbt_packages/p/x.sql", dbtFile("x\n"));
        modules.put(".env", dbtFile("SECRET=1\n"));
        modules.put("models/.env.local", dbtFile("S=2\n"));
        modules.put("models/target/keep.sql", dbtFile("keep\n"));
        modules.put("null_lock.sql", obj("content", "nl\n", "language", "dbt", "lock", null));
        a.text("f/d/proj__dbt/wm_dbt.yaml", "profile:\n  warehouse: main\n");
        a.json("f/d/proj.script.json", dbtMeta("proj", "dbt-core==1.9.0\ndbt-postgres==1.9.0\n", modules));
        a.json(
                "f/d/nodesc.script.json",
                dbtMeta(
                        "nodesc",
                        "",
                        obj("dbt_project.yml", dbtFile("name: nodesc\n"), "models/a.sql", dbtFile("select 2\n"))));
        Map<String, Object> old = dbtMeta(
                "old", null, obj("dbt_project.yml", dbtFile("name: old\n"), "models/a.sql", dbtFile("select 3\n")));
        old.put("on_behalf_of_email", "bob@example.com");
        a.text("f/d/old.dbt.yaml", "profile:\n  warehouse: old\n");
        a.json("f/d/old.script.json", old);
        a.text("f/d/emptydesc__dbt/wm_dbt.yaml", "");
        a.json("f/d/emptydesc.script.json", dbtMeta("emptydesc", "", obj("dbt_project.yml", dbtFile("name: e\n"))));
        a.text("f/d/nomarker__dbt/wm_dbt.yaml", "profile: {}\n");
        a.json(
                "f/d/nomarker.script.json",
                dbtMeta(
                        "nomarker",
                        "nm-lock\n",
                        obj("dbt_project.yml", obj("content", "name: nm\n"), "models/a.sql", dbtFile("select 4\n"))));
        Map<String, Object> custom = new LinkedHashMap<>();
        custom.put(
                "dbt_project.yml",
                dbtFile(
                        "name: p2\ntarget-path: \"build\"\npackages-install-path: vendor\nclean-targets:\n  - out\n  - \"tmp/\"\n"));
        custom.put("models/a.sql", dbtFile("select 1\n"));
        custom.put("build/x.sql", dbtFile("b\n"));
        custom.put("vendor/v.sql", dbtFile("v\n"));
        custom.put("out/o.sql", dbtFile("o\n"));
        custom.put("tmp/t.sql", dbtFile("t\n"));
        custom.put("target", dbtFile("file named target\n"));
        custom.put(".envrc", dbtFile("x\n"));
        a.text("f/d/p2__dbt/wm_dbt.yaml", "vars:\n  d: '{{ date }}'\n");
        a.json("f/d/p2.script.json", dbtMeta("p2", "", custom));
        a.json(
                "f/d/inmods.script.json",
                dbtMeta(
                        "inmods",
                        "x==1\n",
                        obj(
                                "dbt_project.yml",
                                dbtFile("name: q\n"),
                                "wm_dbt.yaml",
                                dbtFile("profile:\n  warehouse: w\n"))));
        a.json(
                "f/d/emptyinmods.script.json",
                dbtMeta("emptyinmods", "", obj("dbt_project.yml", dbtFile("name: r\n"), "wm_dbt.yaml", dbtFile(""))));
        return a;
    }

    private static Map<String, Object> dbtFile(String content) {
        return obj("content", content, "language", "dbt");
    }

    private static Map<String, Object> dbtMeta(String summary, String lock, Map<String, Object> modules) {
        Map<String, Object> m = scriptMeta(summary, null, "script");
        m.put("lock", lock);
        m.put("modules", modules);
        return m;
    }

    private static final String LOCK_A = "requests==2.31.0\nurllib3==2.0.0\n";
    private static final String LOCK_B = "requests==2.32.0\n";

    /**
     * Scripts for {@code dedupeLockfiles}: groups per dependency file with a majority lock, a tie, scripts
     * that must keep their own lock (extra or inline requirements, lock-affecting flags, missing dependency
     * file, languages without shared locks), empty and null locks, a module script, names long
     * enough to fold the YAML line, and flows and apps whose inline locks are never shared.
     */
    public static WorkspaceArchive dedupeCases() {
        WorkspaceArchive a = new WorkspaceArchive();

        a.json(
                "f/d/folder.meta.json",
                obj("display_name", "d", "owners", List.of(), "extra_perms", obj(), "summary", null));
        a.json(
                "f/e/folder.meta.json",
                obj("display_name", "e", "owners", List.of(), "extra_perms", obj(), "summary", null));
        {
            a.text("dependencies/requirements.in", "requests\n");
            a.text("dependencies/named.requirements.in", "numpy\n");
            a.text("dependencies/unused.requirements.in", "pandas\n");
            a.text("dependencies/package.json", "{\"dependencies\":{\"a\":\"1\"}}\n");
            a.text("dependencies/other.package.json", "{\"x\":1}\n");
            a.text("dependencies/go.mod", "module x\n");
            a.text("dependencies/modules.json", "{}\n");
            a.text("dependencies/composer.json", "{}\n");
        }
        // python default group: LOCK_A x3 (incl one in u/ and one in f/e), LOCK_B x1
        a.script("f/d/pyA", "py", "import requests\ndef main():\n  return 1\n", dedupeMeta("pyA", "python3", LOCK_A));
        a.script("f/d/pyB", "py", "def main():\n  return 2\n", dedupeMeta("pyB", "python3", LOCK_A));
        a.script("f/d/pyC", "py", "def main():\n  return 3\n", dedupeMeta("pyC", "python3", LOCK_B));
        a.script("f/e/pyD", "py", "def main():\n  return 4\n", dedupeMeta("pyD", "python3", LOCK_A));
        a.script("u/admin/pyU", "py", "def main():\n  return 5\n", dedupeMeta("pyU", "python3", LOCK_A));
        // named group: tie between "b" and "a" (one each) -> smallest wins
        a.script(
                "f/d/nm1",
                "py",
                "# requirements: named\ndef main():\n  return 1\n",
                dedupeMeta("nm1", "python3", "zzz==1\n"));
        a.script(
                "f/d/nm2",
                "py",
                "# requirements: named\ndef main():\n  return 2\n",
                dedupeMeta("nm2", "python3", "aaa==1\n"));
        // not shareable python
        a.script(
                "f/d/pyExtra",
                "py",
                "# extra_requirements: named\ndef main():\n  return 1\n",
                dedupeMeta("pyExtra", "python3", LOCK_A));
        a.script(
                "f/d/pyTwo",
                "py",
                "# requirements: named, default\ndef main():\n  return 1\n",
                dedupeMeta("pyTwo", "python3", LOCK_A));
        a.script(
                "f/d/pyInline",
                "py",
                "# requirements:\n#requests\ndef main():\n  return 1\n",
                dedupeMeta("pyInline", "python3", LOCK_A));
        a.script(
                "f/d/pyNoCache",
                "py",
                "# no_cache\ndef main():\n  return 1\n",
                dedupeMeta("pyNoCache", "python3", LOCK_A));
        a.script("f/d/pyPy", "py", "#py: 3.11\ndef main():\n  return 1\n", dedupeMeta("pyPy", "python3", LOCK_A));
        a.script(
                "f/d/pyMissing",
                "py",
                "# requirements: missing\ndef main():\n  return 1\n",
                dedupeMeta("pyMissing", "python3", LOCK_A));
        a.script(
                "f/d/pyLater",
                "py",
                "import os\n# no_cache\ndef main():\n  return 1\n",
                dedupeMeta("pyLater", "python3", LOCK_A));
        // empty and null lock
        a.script("f/d/pyEmpty", "py", "def main():\n  return 9\n", dedupeMeta("pyEmpty", "python3", ""));
        a.script("f/d/pyNull", "py", "def main():\n  return 10\n", dedupeMeta("pyNull", "python3", null));
        // bun
        a.script(
                "f/d/ts1",
                "ts",
                "export async function main() { return 1 }\n",
                dedupeMeta("ts1", "bun", "{\"lock\":1}\n"));
        a.script(
                "f/d/ts2",
                "ts",
                "export async function main() { return 2 }\n",
                dedupeMeta("ts2", "bun", "{\"lock\":1}\n"));
        a.script(
                "f/d/ts3",
                "ts",
                "// package_json: other\nexport async function main() { return 3 }\n",
                dedupeMeta("ts3", "bun", "{\"lock\":1}\n"));
        a.script(
                "f/d/tsNode",
                "ts",
                "//nodejs\nexport async function main() { return 4 }\n",
                dedupeMeta("tsNode", "bun", "{\"lock\":1}\n"));
        a.script(
                "f/d/tsBun",
                "bun.ts",
                "export async function main() { return 5 }\n",
                dedupeMeta("tsBun", "bun", "{\"lock\":2}\n"));
        // other languages
        a.script(
                "f/d/dn",
                "deno.ts",
                "export async function main() { return 2 }\n",
                dedupeMeta("dn", "deno", "{\"deno\":1}\n"));
        a.script("f/d/go1", "go", "package inner\nfunc main() {}\n", dedupeMeta("go1", "go", "go.sum stuff\n"));
        a.script("f/d/ps1", "ps1", "param($x)\n", dedupeMeta("ps1", "powershell", "ps lock\n"));
        a.script("f/d/php1", "php", "<?php\nfunction main() {}\n", dedupeMeta("php1", "php", "php lock\n"));
        a.script("f/d/sh1", "sh", "echo hi\n", dedupeMeta("sh1", "bash", "sh lock\n"));
        // module script
        Map<String, Object> m = dedupeMeta("modpy", "python3", LOCK_A);
        m.put(
                "modules",
                obj(
                        "helper.py", obj("content", "def h():\n  return 1\n", "language", "python3"),
                        "sub/util.py", obj("content", "X=1\n", "language", "python3", "lock", LOCK_A)));
        a.script("f/d/modpy", "py", "from .helper import h\ndef main():\n  return h()\n", m);
        // a script with long summary / multiline description to check YAML round-trip
        Map<String, Object> fm = dedupeMeta("fancy: summary #1", "python3", LOCK_A);
        fm.put("description", "line1\nline2\n");
        fm.put("tag", null);
        fm.put("envs", List.of("A=1", "B=2"));
        fm.put("concurrent_limit", 5);
        a.script("f/d/fancy", "py", "def main(x: int = 3):\n  return x\n", fm);
        // flow with inline scripts with locks identical to LOCK_A
        a.json(
                "f/d/fl.flow.json",
                obj(
                        "summary",
                        "fl",
                        "description",
                        "",
                        "value",
                        obj(
                                "modules",
                                List.of(
                                        obj(
                                                "id",
                                                "a",
                                                "value",
                                                obj(
                                                        "type",
                                                        "rawscript",
                                                        "content",
                                                        "def main():\n  return 1\n",
                                                        "language",
                                                        "python3",
                                                        "input_transforms",
                                                        obj(),
                                                        "lock",
                                                        LOCK_A)),
                                        obj(
                                                "id",
                                                "b",
                                                "value",
                                                obj(
                                                        "type",
                                                        "rawscript",
                                                        "content",
                                                        "def main():\n  return 2\n",
                                                        "language",
                                                        "python3",
                                                        "input_transforms",
                                                        obj(),
                                                        "lock",
                                                        LOCK_A)),
                                        obj(
                                                "id",
                                                "c",
                                                "value",
                                                obj(
                                                        "type",
                                                        "rawscript",
                                                        "content",
                                                        "export async function main() { return 1 }\n",
                                                        "language",
                                                        "bun",
                                                        "input_transforms",
                                                        obj(),
                                                        "lock",
                                                        "{\"lock\":1}\n")))),
                        "schema",
                        obj("type", "object", "properties", obj(), "required", List.of())));
        // app with inline script lock
        a.json(
                "f/d/ap.app.json",
                obj(
                        "summary",
                        "ap",
                        "value",
                        obj(
                                "grid",
                                List.of(),
                                "hiddenInlineScripts",
                                List.of(obj(
                                        "name",
                                        "P",
                                        "fields",
                                        obj(),
                                        "inlineScript",
                                        obj(
                                                "content",
                                                "def main():\n  return 1\n",
                                                "language",
                                                "python3",
                                                "lock",
                                                LOCK_A)))),
                        "policy",
                        obj("execution_mode", "viewer")));
        {
            for (int i = 0; i < 8; i++)
                a.script(
                        "u/admin/flip" + i,
                        "py",
                        "def main():\n  return " + i + "\n",
                        dedupeMeta("flip" + i, "python3", "zz-from-u==1\n"));
            a.script(
                    "f/d/uni",
                    "py",
                    "# requirements: named\ndef main():\n  return 7\n",
                    dedupeMeta("uni", "python3", "\u00e9\r\nno-trailing"));
            a.script(
                    "f/d/uni2",
                    "py",
                    "# requirements: named\ndef main():\n  return 8\n",
                    dedupeMeta("uni2", "python3", "\u00e9\r\nno-trailing"));
            a.script(
                    "f/d/fetch",
                    "fetch.ts",
                    "export async function main() { return 1 }\n",
                    dedupeMeta("fetch", "nativets", "{\"lock\":1}\n"));
            a.script("f/d/rs1", "rs", "fn main() {}\n", dedupeMeta("rs1", "rust", "rust lock\n"));
            a.script(
                    "f/d/a_very_long_script_name_that_goes_on_and_on_and_on_forever_and_ever_x",
                    "py",
                    "def main():\n  return 11\n",
                    dedupeMeta("long", "python3", LOCK_A));
            a.script(
                    "f/d/a_very_long_script_name_that_goes_on_and_on_and_on_forever_and_ever_y",
                    "py",
                    "def main():\n  return 12\n",
                    dedupeMeta("long2", "python3", "other\n"));
            a.text("dependencies/nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn.requirements.in", "six\n");
            a.text("dependencies/mmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmm.requirements.in", "six\n");
            a.script(
                    "f/d/fold59",
                    "py",
                    "# requirements: nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn\ndef main():\n  return 13\n",
                    dedupeMeta("fold59", "python3", "six==1\n"));
            a.script(
                    "f/d/fold58",
                    "py",
                    "# requirements: mmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmm\ndef main():\n  return 14\n",
                    dedupeMeta("fold58", "python3", "six==1\n"));
            a.script(
                    "f/d/tsCmt",
                    "ts",
                    "// package_json: other\n// just a comment\nexport async function main() { return 21 }\n",
                    dedupeMeta("tsCmt", "bun", "{\"lock\":1}\n"));
            a.script(
                    "f/d/pyShebang",
                    "py",
                    "#!/usr/bin/env python\n\n# no_cache\ndef main():\n  return 22\n",
                    dedupeMeta("pyShebang", "python3", LOCK_A));
            a.script(
                    "f/d/pyHyphen",
                    "py",
                    "# extra-requirements: named\ndef main():\n  return 23\n",
                    dedupeMeta("pyHyphen", "python3", LOCK_A));
            a.script(
                    "f/d/pyDeep",
                    "py",
                    "def main():\n  return 24\n# requirements: named\n",
                    dedupeMeta("pyDeep", "python3", "\u00e9\r\nno-trailing"));
            a.script(
                    "f/d/pyNamedNext",
                    "py",
                    "# requirements: named\n# a comment line\ndef main():\n  return 25\n",
                    dedupeMeta("pyNamedNext", "python3", "\u00e9\r\nno-trailing"));
            // No codebase script: the CLI never brings one to 0 changes on push (its bundle is not in the archive).
        }
        return a;
    }

    private static Map<String, Object> dedupeMeta(String summary, String language, String lock) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("summary", summary);
        m.put("description", "");
        m.put("language", language);
        m.put(
                "schema",
                obj(
                        "$schema",
                        "https://json-schema.org/draft/2020-12/schema",
                        "type",
                        "object",
                        "properties",
                        obj(),
                        "required",
                        List.of()));
        m.put("kind", "script");
        if (lock != null) {
            m.put("lock", lock);
        }
        return m;
    }

    /**
     * {@link #edgeCases()} plus items named like workspace-specific copies: one of another workspace
     * ({@code x.other}), one of {@code demo} whose base is configured ({@code kept.demo}), and a dotted name
     * ({@code my.var}) that the CLI never pulls.
     */
    public static WorkspaceArchive specificCases() {
        WorkspaceArchive a = edgeCases();
        for (String name : List.of("x.other", "kept.demo", "my.var")) {
            a.json("f/edge/" + name + ".variable.json", obj("value", name, "is_secret", false, "description", ""));
        }
        return a;
    }

    private static Map<String, Object> lockMeta(String summary, String language) {
        Map<String, Object> m = scriptMeta(summary, "", "script");
        m.put("language", language);
        return m;
    }
}
