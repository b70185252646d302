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
        Map<String, Object> m = obj(
                "summary",
                summary,
                "description",
                "",
                "schema",
                schema(),
                "kind",
                kind,
                "no_main_func",
                false,
                "has_preprocessor",
                false);
        if (lock != null) {
            m.put("lock", lock);
        }
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
        a.json(
                "f/team/greeting.variable.json",
                obj("value", "yes", "is_secret", false, "description", "plain", "extra_perms", obj()));
        a.json(
                "f/team/db_password.variable.json",
                obj("value", "AAAAencrypted==", "is_secret", true, "description", "secret", "extra_perms", obj()));
        a.json(
                "f/team/big.variable.json",
                obj("value", "0123", "is_secret", false, "description", "null", "extra_perms", obj("u/bob", true)));
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
                        "permissioned_as",
                        "u/admin",
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
                        "permissioned_as",
                        "u/admin",
                        "edited_by",
                        "admin"));
        a.json("users/admin@windmill.dev.user.json", obj("username", "admin", "role", "admin", "disabled", false));
        a.json("groups/devs.group.json", obj("summary", "Developers", "members", List.of("admin")));
        a.json("settings.json", obj("auto_invite", obj("enabled", false), "webhook", null, "color", "#ff0000"));
        a.text("dependencies/requirements.in", "requests\npyyaml\n");
        a.text("dependencies/package.json", "{\n  \"dependencies\": {\"lodash\": \"4\"}\n}\n");
        return a;
    }
}
