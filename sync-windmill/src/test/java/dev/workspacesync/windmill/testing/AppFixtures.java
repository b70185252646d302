package dev.workspacesync.windmill.testing;

import static dev.workspacesync.windmill.testing.Fixtures.obj;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Workspaces of classic apps with every part of an app the CLI derives its policy from (component runnables,
 * table actions, menu items, grid actions, selects an input is wired to, S3 inputs and keys, forms taking S3
 * objects, subgrids with an array-index key, hidden scripts, tags, path runnables of each kind), in each execution
 * mode, with grants, a custom path, hostile-but-legal text (YAML-special summaries, CRLF and non-ASCII code,
 * code that mentions {@code !inline}) and names.
 */
public final class AppFixtures {
    private AppFixtures() {}

    private static Map<String, Object> inline(
            String name, String content, String language, Map<String, Object> fields) {
        Map<String, Object> script = obj("content", content, "language", language, "schema", obj());
        return obj(
                "type",
                "runnable",
                "fieldType",
                "any",
                "fields",
                fields,
                "runnable",
                obj("type", "runnableByName", "name", name, "inlineScript", script));
    }

    private static Map<String, Object> byPath(String runType, String path, Map<String, Object> fields) {
        return obj(
                "type",
                "runnable",
                "fieldType",
                "any",
                "fields",
                fields,
                "runnable",
                obj("type", "path", "runType", runType, "path", path, "name", path, "schema", obj()));
    }

    private static Map<String, Object> component(String id, String type, Map<String, Object> data) {
        Map<String, Object> d = obj("type", type);
        d.putAll(data);
        return obj("id", id, "data", d);
    }

    /** A workspace of apps only (and their folder), for push parity. */
    public static WorkspaceArchive apps() {
        WorkspaceArchive a = new WorkspaceArchive();
        a.json("f/apps/folder.meta.json", obj("display_name", "apps", "owners", List.of(), "extra_perms", obj()));
        Map<String, Object> wired = obj(
                "x",
                obj("type", "static", "value", 1, "fieldType", "number"),
                "o",
                obj("type", "static", "value", obj("k", List.of(1, "two", true)), "fieldType", "object"),
                "u",
                obj("type", "user", "value", null),
                "pick",
                obj(
                        "type",
                        "evalv2",
                        "expr",
                        "sel.result",
                        "connections",
                        List.of(obj("componentId", "sel", "id", "result")),
                        "allowUserResources",
                        true),
                "many",
                obj(
                        "type",
                        "evalv2",
                        "expr",
                        "ms.result",
                        "connections",
                        List.of(obj("componentId", "ms", "id", "result"))),
                "js",
                obj("type", "javascript", "expr", "ctx.email"));
        List<Object> grid = new ArrayList<>();
        grid.add(component(
                "btn",
                "buttoncomponent",
                obj(
                        "componentInput",
                        inline(
                                "Click: me # not a comment",
                                "// ünïcode ✓\r\nexport async function main(x: number) {\r\n  return '!inline x'\r\n}",
                                "bun",
                                wired))));
        grid.add(component(
                "sel",
                "selectcomponent",
                obj(
                        "configuration",
                        obj(
                                "items",
                                obj(
                                        "type",
                                        "static",
                                        "value",
                                        List.of(
                                                obj("value", "a", "label", "A"),
                                                obj("value", "", "label", "empty"),
                                                obj("value", 0),
                                                obj("label", "no value"),
                                                "bare")),
                                "create",
                                obj("type", "static", "value", false)))));
        grid.add(component(
                "ms",
                "multiselectcomponentv2",
                obj("configuration", obj("items", obj("type", "static", "value", List.of("x", "y", ""))))));
        grid.add(component(
                "tbl",
                "tablecomponent",
                obj(
                        "componentInput",
                        obj("type", "static", "value", List.of()),
                        "actionButtons",
                        List.of(
                                obj("id", "tbl_a", "componentInput", byPath("script", "f/apps/s1", obj())),
                                obj("id", "tbl_b", "componentInput", byPath("hubscript", "hub/123/x", obj())),
                                obj("id", "tbl_c", "componentInput", byPath("flow", "f/apps/fl", obj()))))));
        grid.add(component(
                "menu",
                "menucomponent",
                obj(
                        "menuItems",
                        List.of(obj(
                                "id",
                                "menu_a",
                                "componentInput",
                                tagged(inline("Menu", "def main():\n    return 'ö'\n", "python3", obj())))))));
        grid.add(component("grid1", "aggridcomponent", obj("actions", List.of())));
        grid.add(component(
                "up",
                "s3fileinputcomponent",
                obj(
                        "configuration",
                        obj(
                                "type",
                                obj(
                                        "configuration",
                                        obj(
                                                "s3",
                                                obj(
                                                        "resource",
                                                        obj("type", "static", "value", "$res:f/apps/s3"),
                                                        "pathTemplate",
                                                        obj(
                                                                "type",
                                                                "evalv2",
                                                                "expr",
                                                                "`uploads/${file.name}.(x)`",
                                                                "connections",
                                                                List.of()))))))));
        grid.add(component(
                "up2",
                "s3fileinputcomponent",
                obj(
                        "configuration",
                        obj(
                                "type",
                                obj(
                                        "configuration",
                                        obj(
                                                "s3",
                                                obj(
                                                        "pathTemplate",
                                                        obj("type", "static", "value", "fixed/[a]+.csv"))))))));
        grid.add(component(
                "img",
                "imagecomponent",
                obj("configuration", obj("source", obj("type", "static", "value", "s3://bucket/a.png")))));
        grid.add(component(
                "pdf",
                "pdfcomponent",
                obj(
                        "configuration",
                        obj("source", obj("type", "uploadS3", "value", obj("s3", "x.pdf", "storage", "secondary"))))));
        grid.add(component(
                "dl",
                "downloadcomponent",
                obj("configuration", obj("source", obj("type", "static", "value", "https://example.com/f")))));
        Map<String, Object> formInput = inline("Form", "export async function main(f: any) {}\n", "bun", obj());
        @SuppressWarnings("unchecked")
        Map<String, Object> formScript =
                (Map<String, Object>) ((Map<String, Object>) formInput.get("runnable")).get("inlineScript");
        formScript.put("schema", obj("properties", obj("f", obj("type", "object", "format", "resource-s3_object"))));
        grid.add(component("form", "formcomponent", obj("componentInput", formInput)));
        grid.add(component("dbx", "dbexplorercomponent", obj("actions", List.of())));
        Map<String, Object> subgrids = obj(
                "tabs-0",
                List.of(component(
                        "inner",
                        "buttoncomponent",
                        obj("componentInput", inline("Inner", "select 1;\n", "postgresql", obj())))),
                "1",
                List.of(component(
                        "first",
                        "buttoncomponent",
                        obj(
                                "componentInput",
                                byPath("script", "f/apps/s2", obj("y", obj("type", "static", "value", "z")))))));
        Map<String, Object> hiddenLocked = obj(
                "type",
                "runnableByName",
                "name",
                "Background: 1",
                "fields",
                obj(),
                "inlineScript",
                obj(
                        "content",
                        "import numpy\n\ndef main():\n    return 2",
                        "language",
                        "python3",
                        "lock",
                        "numpy==1.26\n"));
        Map<String, Object> hiddenPath =
                obj("type", "path", "runType", "flow", "path", "f/apps/fl", "name", "fl", "fields", obj());
        a.json(
                "f/apps/full.app.json",
                obj(
                        "summary",
                        "Ünïcode: #tag — 'q' \"dq\" - [x]",
                        "value",
                        obj(
                                "grid",
                                grid,
                                "subgrids",
                                subgrids,
                                "hiddenInlineScripts",
                                List.of(hiddenLocked, hiddenPath),
                                "css",
                                obj(),
                                "norefreshbar",
                                false),
                        "policy",
                        obj("execution_mode", "publisher", "triggerables", obj(), "on_behalf_of", "u/other"),
                        "extra_perms",
                        obj("u/bob", true, "g/ops", false)));
        a.json(
                "f/apps/public.app.json",
                obj(
                        "summary",
                        "yes",
                        "value",
                        obj("grid", List.of(), "hiddenInlineScripts", List.of()),
                        "policy",
                        obj("execution_mode", "anonymous")));
        a.json(
                "f/apps/guest.app.json",
                obj("summary", "", "value", obj("grid", List.of()), "policy", obj("execution_mode", "guest")));
        a.json(
                "f/apps/viewer ü.app.json",
                obj(
                        "summary",
                        "null",
                        "value",
                        obj(
                                "grid",
                                List.of(component(
                                        "b", "buttoncomponent", obj("componentInput", inline("B", "", "bun", obj())))),
                                "hiddenInlineScripts",
                                List.of()),
                        "policy",
                        obj("execution_mode", "viewer"),
                        "custom_path",
                        "viewer-app"));
        return a;
    }

    /** A viewer app with hidden scripts and two raw apps (with and without backend runnables). */
    public static WorkspaceArchive withRawApps() {
        WorkspaceArchive a = new WorkspaceArchive();
        Map<String, Object> hidden = obj(
                "name",
                "P",
                "fields",
                obj(),
                "inlineScript",
                obj("content", "def main():\n  return 1\n", "language", "python3"));
        a.json(
                "f/x/ap.app.json",
                obj(
                        "summary",
                        "ap",
                        "value",
                        obj("grid", List.of(), "hiddenInlineScripts", List.of(hidden)),
                        "policy",
                        obj("execution_mode", "viewer")));
        Map<String, Object> runnable = obj(
                "type",
                "runnableByName",
                "inlineScript",
                obj("content", "def main():\n  return 1\n", "language", "python3"));
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
                                obj("zpy", runnable)),
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

    private static Map<String, Object> tagged(Map<String, Object> input) {
        @SuppressWarnings("unchecked")
        Map<String, Object> runnable = (Map<String, Object>) input.get("runnable");
        @SuppressWarnings("unchecked")
        Map<String, Object> script = (Map<String, Object>) runnable.get("inlineScript");
        script.put("tag", "gpu");
        return input;
    }
}
