package dev.workspacesync.windmill.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Whole workspaces as the Windmill server's {@code tarball_workspace} ({@code workspaces_export.rs}) writes them,
 * filled from a seed with hostile but legal values. Each item kind follows the server's serde shapes: which fields
 * are always written (and may be {@code null}), which are skipped when {@code None} or empty, which the export
 * strips ({@code workspace_id}, {@code path}, {@code name}, {@code created_*}, {@code edited_*},
 * {@code permissioned_as}, {@code extra_perms} where dropped…), and their JSON types. Legal means what the server
 * can hold: no NUL (Postgres text and JSONB refuse it), no lone surrogate (Rust strings are UTF-8), integers where
 * the column is an integer.
 *
 * <p>The CLI's request ({@code settings_version=v2}, {@code preserve_extra_perms=true}, {@code default_ts=bun})
 * decides the shapes: v2 settings, {@code extra_perms} on scripts, flows and apps only when not empty, Bun scripts
 * as {@code .ts} and Deno scripts as {@code .deno.ts}.
 */
public final class ServerShapes {
    /**
     * What the generator may draw; each part is one class of issue #12, all fixed, so {@link #current()} draws from
     * everything ({@code -Dshapes.narrowed=true} switches them all off, to tell which class a regression is in).
     *
     * @param lineSeparators U+2028, U+2029, U+0085, DEL and the C1 controls in text (class 2), and raw app
     *     backend YAML that YAML 1.1 and 1.2 read differently
     * @param allNumbers integers beyond 2^53, doubles of any magnitude, literals no double holds (class 3)
     * @param longKeys map keys of 50 to 1,100 characters (class 4)
     * @param hostileNames any text in step summaries, app runnable names, users, groups and folders (class 5),
     *     NFD and NFC item paths
     */
    public record Alphabet(boolean lineSeparators, boolean allNumbers, boolean longKeys, boolean hostileNames) {
        /** Everything. */
        public static final Alphabet FULL = new Alphabet(true, true, true, true);

        /** What passes today. */
        public static final Alphabet NARROWED = new Alphabet(false, false, false, false);

        /**
         * {@link #FULL}; {@code -Dshapes.narrowed=true} gives {@link #NARROWED} to tell a regression in one of the
         * classes from one elsewhere. ({@code -Dshapes.full} is accepted and changes nothing.)
         */
        public static Alphabet current() {
            return Boolean.getBoolean("shapes.narrowed") ? NARROWED : FULL;
        }
    }

    /** Raw app backend YAML where YAML 1.1 and 1.2 read differently (the CLI reads 1.2). */
    private static final String[] VERBATIM_RUNNABLES = {
        "type: inline\nflag: yes\nmode: on\nn: 0o17\nh: 0x1F\nu: 1_000\nf: 1e3\nz: .inf\n",
        "type: runnableByName\nname: a\u2028b\nnote: \"x\u2029y\"\nnel: a\u0085b\n",
        "type: path\nrunType: script\npath: f/x/y\nanchor: &a [1, 2]\nalias: *a\nbig: 12345678901234567890\n",
        "type: inline\ncontent: !inline verbatim.ts\n? long\n: 012\nt: 2001-12-14\n~: 1\n1e3: x\n",
        "",
    };

    /** The body of {@code resources/file_resource_type_to_file_ext_map} the generated workspaces expect. */
    public static final String FILE_RESOURCE_TYPES =
            "{\"json_file\":{\"format_extension\":\"json\",\"is_fileset\":false},"
                    + "\"c_text\":{\"format_extension\":\"txt\",\"is_fileset\":false},"
                    + "\"bundle\":{\"format_extension\":null,\"is_fileset\":true}}";

    private static final String[] WORDS = {
        "yes",
        "no",
        "on",
        "off",
        "null",
        "true",
        "False",
        "~",
        "-",
        "--",
        "---",
        "...",
        "?",
        ":",
        "a:b",
        "key: value",
        "#",
        "a #b",
        "'",
        "\"",
        "it's",
        "\"q\"",
        "0",
        "007",
        "1e3",
        "0x1F",
        "0o17",
        ".inf",
        "-.5",
        ".NaN",
        "12:30",
        "2026-01-01",
        "@x",
        "`x`",
        "*x",
        "&x",
        "!x",
        "!inline x",
        "%x",
        "[x]",
        "{x}",
        "{}",
        "[]",
        ",",
        "|",
        ">",
        "|-",
        ">+",
        "<<",
        "=",
        "Déjà",
        "🚀",
        "👩‍💻",
        "CON",
        "nul",
        "tab\there",
        "word",
        "lorem",
        "ipsum",
        "dolor",
        "  ",
        " ",
        "\\",
        "\\n",
        "/",
        "$var:f/x",
        "$res:f/y",
        "é",
        "É",
        "ß",
        "ﬁ",
        "İ",
        "ǅ",
        "Ω",
        "€",
        "±",
        "日本語",
        "한국어",
        "שלום",
        "مرحبا",
        "e\u0301",
        "\u200b",
        "\u00a0",
        "\ufeff",
        "\u200d",
        "\u0001",
        "\u001b[0m",
        "\ud83d\ude00",
        "𝔘𝔫𝔦",
        "\r\n",
        "\r",
        "k=v",
        "<script>",
        "%20",
        "&amp;",
        "a/b",
        "../x",
        "C:\\x"
    };
    private static final String[] LINE_SEPARATORS = {"\u2028", "\u2029", "\u0085", "\u007f", "\u009f", "\u0080"};
    private static final String[] SAFE_NAMES = {
        "alpha", "beta", "Gamma", "delta_2", "eps-3", "zeta", "Eta", "theta", "iota", "kappa", "lambda", "mu"
    };
    private static final String[] SCRIPT_LANGUAGES = {
        "python3",
        "bun",
        "deno",
        "go",
        "bash",
        "postgresql",
        "mysql",
        "nativets",
        "powershell",
        "graphql",
        "php",
        "rust",
        "bigquery",
        "snowflake",
        "mssql",
        "duckdb",
        "csharp",
        "nu",
        "java",
        "ruby"
    };
    private static final String[] TRIGGER_KINDS = {
        "http", "websocket", "kafka", "nats", "postgres", "mqtt", "amqp", "sqs", "gcp", "azure", "email"
    };

    private final SplittableRandom r;
    private final Alphabet alphabet;
    private final WorkspaceArchive archive = new WorkspaceArchive();
    private final List<String> scriptPaths = new ArrayList<>();
    private final List<String> flowPaths = new ArrayList<>();

    private ServerShapes(SplittableRandom r, Alphabet alphabet) {
        this.r = r;
        this.alphabet = alphabet;
    }

    /** A whole workspace: every item kind, in the order the server writes them. */
    public static WorkspaceArchive workspace(long seed, Alphabet alphabet) {
        return new ServerShapes(new SplittableRandom(seed), alphabet).build();
    }

    private WorkspaceArchive build() {
        List<String> folders = new ArrayList<>();
        int nFolders = 1 + r.nextInt(3);
        for (int i = 0; i < nFolders; i++) {
            String name = "g" + i + "_" + SAFE_NAMES[r.nextInt(SAFE_NAMES.length)].toLowerCase(java.util.Locale.ROOT);
            if (alphabet.hostileNames && r.nextInt(3) == 0) {
                // A folder name is every item path under it: a Unicode 14 capital, a separator, NEL.
                name = name + pick("\uA7C0", "_\u2028x", "\u2029", "\u0085y", "\u00e9");
            }
            folders.add(name);
            archive.json("f/" + name + "/folder.meta.json", folder(name));
        }
        int nScripts = 3 + r.nextInt(6);
        for (int i = 0; i < nScripts; i++) {
            script(itemPath(folders, "s" + i), i);
        }
        for (int i = 0, n = 2 + r.nextInt(5); i < n; i++) {
            resource(itemPath(folders, "r" + i));
        }
        if (r.nextBoolean()) {
            // Past a tar header's 100-byte name: the server's GNU tar puts it in a ././@LongLink entry. Under
            // 255 bytes a segment: the CLI fails on a longer file name (ENAMETOOLONG) part way through writing.
            resource("f/" + folders.get(0) + "/" + "long_resource_name_".repeat(6 + r.nextInt(4)) + "end");
        }
        for (int i = 0, n = r.nextInt(3); i < n; i++) {
            archive.json("rt_" + i + "_" + word().replaceAll("[^a-z]", "") + ".resource-type.json", resourceType());
        }
        for (int i = 0, n = 1 + r.nextInt(3); i < n; i++) {
            String path = itemPath(folders, "fl" + i);
            flowPaths.add(path);
            archive.json(path + ".flow.json", flow());
        }
        for (int i = 0, n = 1 + r.nextInt(5); i < n; i++) {
            archive.json(itemPath(folders, "v" + i) + ".variable.json", variable());
        }
        for (int i = 0, n = r.nextInt(3); i < n; i++) {
            archive.json(itemPath(folders, "ap" + i) + ".app.json", app());
        }
        for (int i = 0, n = r.nextInt(3); i < n; i++) {
            archive.json(itemPath(folders, "ra" + i) + ".raw_app.json", rawApp());
        }
        dependencies();
        for (int i = 0, n = r.nextInt(4); i < n; i++) {
            archive.json(itemPath(folders, "sc" + i) + ".schedule.json", schedule());
        }
        for (String kind : TRIGGER_KINDS) {
            if (r.nextInt(4) != 0) {
                archive.json(itemPath(folders, "t_" + kind) + "." + kind + "_trigger.json", trigger(kind));
            }
        }
        if (r.nextBoolean()) {
            // A native trigger is named after its runnable: {script_path}.{flow|script}.{external_id}.{service}.
            String service = pick("nextcloud", "google", "github");
            String script = scriptPaths.get(r.nextInt(scriptPaths.size()));
            String externalId = "ext" + r.nextInt(100_000);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("external_id", externalId);
            m.put("service_name", service);
            m.put("script_path", script);
            m.put("is_flow", false);
            m.put("service_config", object(1));
            optional(m, "summary", () -> text(true));
            archive.json(script + ".script." + externalId + "." + service + "_native_trigger.json", m);
        }
        for (int i = 0, n = r.nextInt(4); i < n; i++) {
            // The email names the file: never a slash (the server would write a nested path).
            String email = (alphabet.hostileNames ? word().replace("/", "") : SAFE_NAMES[r.nextInt(SAFE_NAMES.length)])
                    + i + "@x.dev";
            archive.json(
                    "users/" + email + ".user.json",
                    Fixtures.obj(
                            "username",
                            "user" + i,
                            "role",
                            pick("admin", "developer", "operator"),
                            "disabled",
                            r.nextBoolean()));
        }
        for (int i = 0, n = r.nextInt(3); i < n; i++) {
            // The group name names the file (never a slash): any other text under hostileNames.
            String group = alphabet.hostileNames && r.nextBoolean() ? word().replace("/", "") + i : "grp" + i;
            archive.json("groups/" + group + ".group.json", group());
        }
        archive.json("settings.json", settings());
        // A JSON string, as the server's to_string_pretty(&to_value(key)) writes it.
        archive.json("encryption_key.json", randomKey());
        for (int i = 0, n = r.nextInt(3); i < n; i++) {
            String base = "migrations/datatable/" + pick("main", "dt2") + "/" + (20260101000000L + i) + "_m" + i;
            archive.text(base + ".up.sql", "CREATE TABLE t" + i + " (x text);" + text(false) + "\n");
            if (r.nextBoolean()) {
                archive.text(base + ".down.sql", "DROP TABLE t" + i + ";\n");
            }
        }
        return archive;
    }

    private String itemPath(List<String> folders, String base) {
        if (alphabet.hostileNames && r.nextInt(4) == 0) {
            // The server keeps a path's spelling: NFD and NFC stay distinct, and the CLI writes them as sent.
            base = base + pick("_cafe\u0301", "_caf\u00e9", "_A\u030a", "_\u00c5ngstr\u00f6m", "_\u1100\u1161");
        }
        return r.nextInt(5) == 0 ? "u/admin/" + base : "f/" + folders.get(r.nextInt(folders.size())) + "/" + base;
    }

    // ---- item kinds ----

    /** {@code Folder}: name, workspace_id, edited_at, created_by stripped; extra_perms always kept. */
    private Map<String, Object> folder(String name) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("display_name", r.nextInt(4) == 0 ? name : text(false));
        m.put("owners", r.nextBoolean() ? List.of() : List.of("u/admin", "g/" + pick("all", "devs")));
        m.put("extra_perms", r.nextBoolean() ? Fixtures.obj() : Fixtures.obj("u/bob", r.nextBoolean(), "g/all", true));
        m.put("summary", r.nextBoolean() ? null : text(true));
        if (r.nextInt(3) == 0) {
            // Dropped by the export when empty.
            m.put("default_permissioned_as", List.of(Fixtures.obj("path_glob", "**", "permissioned_as", "u/admin")));
        }
        if (r.nextInt(3) == 0) {
            m.put("labels", labels());
        }
        return m;
    }

    /**
     * The code at {@code path.<ext>} and {@code ScriptMetadata} at {@code path.script.json}: summary, description,
     * schema (nullable) and lock (nullable) and kind always; the rest skipped when None (ws_error_handler_muted
     * also when false; extra_perms when empty).
     */
    private void script(String path, int index) {
        String language = SCRIPT_LANGUAGES[r.nextInt(SCRIPT_LANGUAGES.length)];
        String ext = serverExtension(language);
        archive.text(path + "." + ext, code(language, index));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("summary", text(true));
        m.put("description", text(false));
        m.put("schema", r.nextInt(4) == 0 ? null : schema());
        int lock = r.nextInt(4);
        m.put("lock", lock == 0 ? null : lock == 1 ? "" : text(false) + "\n");
        m.put("kind", pick("script", "script", "failure", "trigger", "command", "approval", "preprocessor"));
        if (r.nextBoolean()) {
            m.put("envs", List.of("A=" + word(), "B="));
        }
        optional(m, "cache_ttl", () -> r.nextInt(1, 1_000_000));
        optional(m, "dedicated_worker", r::nextBoolean);
        if (r.nextInt(4) == 0) {
            m.put("ws_error_handler_muted", true);
        }
        optional(m, "priority", () -> r.nextInt(-100, 101));
        optional(m, "tag", () -> text(true));
        optional(m, "timeout", () -> r.nextInt(1, 86_400));
        optional(m, "delete_after_secs", () -> r.nextInt(0, 1_000_000));
        optional(m, "restart_unless_cancelled", r::nextBoolean);
        optional(m, "visible_to_runner_only", r::nextBoolean);
        optional(m, "has_preprocessor", r::nextBoolean);
        optional(m, "on_behalf_of_email", () -> "bob@x.dev");
        if (r.nextInt(5) == 0 && language.equals("python3")) {
            Map<String, Object> modules = new LinkedHashMap<>();
            modules.put(
                    "helper.py", Fixtures.obj("content", "def h():\n    return " + index + "\n", "language", language));
            Map<String, Object> util = Fixtures.obj("content", text(false) + "\n", "language", language);
            if (r.nextBoolean()) {
                util.put("lock", "six==1.16\n");
            }
            modules.put("pkg/util.py", util);
            m.put("modules", modules);
        }
        optional(m, "concurrency_key", () -> text(true));
        optional(m, "concurrent_limit", () -> r.nextInt(1, 100));
        optional(m, "concurrency_time_window_s", () -> r.nextInt(1, 3600));
        optional(m, "debounce_key", () -> text(true));
        optional(m, "debounce_delay_s", () -> r.nextInt(1, 600));
        optional(m, "labels", this::labels);
        if (r.nextInt(4) == 0) {
            m.put("extra_perms", Fixtures.obj("u/bob", r.nextBoolean()));
        }
        archive.json(path + ".script.json", m);
        scriptPaths.add(path);
    }

    /** {@code Resource}: value (nullable), description (nullable), resource_type, labels when set. */
    private void resource(String path) {
        Map<String, Object> m = new LinkedHashMap<>();
        String type = pick("postgresql", "custom", "json_file", "c_text", "bundle", "slack", "s3");
        Object value;
        if (type.equals("json_file") || type.equals("c_text")) {
            // The CLI writes the content beside the resource; a value that is not an object fails its pull.
            Map<String, Object> v = Fixtures.obj("content", text(false));
            if (r.nextBoolean()) {
                v.put("extra", json(1));
            }
            value = v;
        } else if (type.equals("bundle")) {
            Map<String, Object> files = new LinkedHashMap<>();
            for (int i = 0, n = r.nextInt(4); i < n; i++) {
                // A .json file of a fileset holds JSON: the CLI's push parses it (and fails on anything else).
                String file = pick("a.txt", "b/c.sql", "d.md", "e.json");
                files.put(file, file.endsWith(".json") ? "{\"k\": " + r.nextInt(100) + "}\n" : text(false));
            }
            value = files;
        } else {
            value = r.nextInt(8) == 0 ? null : r.nextInt(4) == 0 ? json(0) : object(0);
        }
        m.put("value", value);
        m.put("description", r.nextInt(3) == 0 ? null : text(false));
        m.put("resource_type", type);
        optional(m, "labels", this::labels);
        archive.json(path + ".resource.json", m);
    }

    /** {@code ResourceType}: schema and description nullable, format_extension nullable, is_fileset. */
    private Map<String, Object> resourceType() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schema", r.nextInt(4) == 0 ? null : schema());
        m.put("description", r.nextBoolean() ? null : text(false));
        m.put("format_extension", r.nextInt(3) == 0 ? pick("json", "yaml", "ini") : null);
        m.put("is_fileset", r.nextInt(5) == 0);
        return m;
    }

    /** {@code ExportableListableVariable}: value nullable; account, is_oauth (true only), expires_at when set. */
    private Map<String, Object> variable() {
        Map<String, Object> m = new LinkedHashMap<>();
        boolean secret = r.nextInt(3) == 0;
        // An encrypted secret is base64 text; a plain variable is any text, or null.
        m.put(
                "value",
                secret ? "AAAA" + Long.toHexString(r.nextLong()) + "==" : r.nextInt(8) == 0 ? null : text(false));
        m.put("is_secret", secret);
        m.put("description", text(false));
        if (r.nextInt(4) == 0) {
            m.put("account", r.nextInt(1, Integer.MAX_VALUE));
            m.put("is_oauth", true);
        }
        optional(m, "labels", this::labels);
        return m;
    }

    /** {@code Flow} row joined with its last version: value and schema from the version, options when set. */
    private Map<String, Object> flow() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("summary", text(true));
        m.put("description", text(false));
        Map<String, Object> value = new LinkedHashMap<>();
        int[] id = {0};
        List<Object> modules = new ArrayList<>();
        for (int i = 0, n = r.nextInt(5); i < n; i++) {
            modules.add(module(id, 0));
        }
        value.put("modules", modules);
        if (r.nextBoolean()) {
            value.put("failure_module", rawscriptModule("failure", null));
        }
        if (r.nextInt(3) == 0) {
            value.put("preprocessor_module", rawscriptModule("preprocessor", null));
        }
        optional(value, "same_worker", r::nextBoolean);
        optional(value, "concurrent_limit", () -> r.nextInt(1, 50));
        optional(value, "skip_expr", () -> text(true));
        optional(value, "cache_ttl", () -> r.nextInt(1, 10_000));
        optional(value, "priority", () -> r.nextInt(0, 100));
        m.put("value", value);
        m.put("schema", r.nextInt(4) == 0 ? null : schema());
        optional(m, "dedicated_worker", r::nextBoolean);
        optional(m, "tag", () -> text(true));
        optional(m, "ws_error_handler_muted", r::nextBoolean);
        optional(m, "timeout", () -> r.nextInt(1, 86_400));
        optional(m, "visible_to_runner_only", r::nextBoolean);
        optional(m, "on_behalf_of_email", () -> "bob@x.dev");
        optional(m, "labels", this::labels);
        if (r.nextInt(4) == 0) {
            m.put("extra_perms", Fixtures.obj("g/all", false));
        }
        return m;
    }

    private Map<String, Object> module(int[] id, int depth) {
        int kind = depth > 1 ? 0 : r.nextInt(8);
        String moduleId = String.valueOf((char) ('a' + id[0] % 26)) + (id[0] / 26 == 0 ? "" : id[0] / 26);
        id[0]++;
        switch (kind) {
            case 5 -> {
                List<Object> inner = new ArrayList<>();
                for (int i = 0, n = 1 + r.nextInt(2); i < n; i++) {
                    inner.add(module(id, depth + 1));
                }
                return Fixtures.obj(
                        "id",
                        moduleId,
                        "summary",
                        stepName(),
                        "value",
                        Fixtures.obj(
                                "type",
                                pick("forloopflow", "whileloopflow"),
                                "iterator",
                                Fixtures.obj("type", "javascript", "expr", "[1, 2]"),
                                "skip_failures",
                                r.nextBoolean(),
                                "parallel",
                                r.nextBoolean(),
                                "modules",
                                inner));
            }
            case 6 -> {
                List<Object> branches = new ArrayList<>();
                for (int i = 0, n = 1 + r.nextInt(2); i < n; i++) {
                    branches.add(Fixtures.obj(
                            "summary", text(true), "expr", "true", "modules", List.of(module(id, depth + 1))));
                }
                boolean one = r.nextBoolean();
                Map<String, Object> v = Fixtures.obj("type", one ? "branchone" : "branchall", "branches", branches);
                if (one) {
                    v.put("default", List.of(module(id, depth + 1)));
                } else {
                    v.put("parallel", r.nextBoolean());
                }
                return Fixtures.obj("id", moduleId, "value", v);
            }
            case 7 ->
            // A step that runs a workspace script: nothing to extract.
            {
                return Fixtures.obj(
                        "id",
                        moduleId,
                        "value",
                        Fixtures.obj(
                                "type",
                                pick("script", "flow"),
                                "path",
                                scriptPaths.isEmpty() ? "f/x/y" : scriptPaths.get(r.nextInt(scriptPaths.size())),
                                "input_transforms",
                                inputTransforms()));
            }
            default -> {
                return rawscriptModule(moduleId, r.nextInt(3) == 0 ? null : stepName());
            }
        }
    }

    private Map<String, Object> rawscriptModule(String id, String summary) {
        String language = pick("python3", "bun", "deno", "bash", "go", "postgresql", "nativets", "mysql", "php");
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("type", "rawscript");
        value.put("content", code(language, r.nextInt(1000)));
        value.put("language", language);
        value.put("input_transforms", inputTransforms());
        if (r.nextBoolean()) {
            value.put("lock", r.nextInt(5) == 0 ? "" : text(false) + "\n");
        }
        optional(value, "tag", () -> text(true));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        if (summary != null) {
            m.put("summary", summary);
        }
        m.put("value", value);
        optional(m, "stop_after_if", () -> Fixtures.obj("expr", "result == " + r.nextInt(9), "skip_if_stopped", true));
        optional(m, "retry", () -> Fixtures.obj("constant", Fixtures.obj("attempts", r.nextInt(5), "seconds", 1)));
        return m;
    }

    private Map<String, Object> inputTransforms() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0, n = r.nextInt(4); i < n; i++) {
            m.put(
                    key(),
                    r.nextBoolean()
                            ? Fixtures.obj("type", "javascript", "expr", "flow_input." + word().replaceAll("\\W", ""))
                            : Fixtures.obj("type", "static", "value", json(1)));
        }
        return m;
    }

    /** {@code AppWithLastVersion}: id, path, versions, created_*, raw_app stripped; policy's on_behalf_of too. */
    private Map<String, Object> app() {
        Map<String, Object> value = new LinkedHashMap<>();
        List<Object> grid = new ArrayList<>();
        for (int i = 0, n = r.nextInt(3); i < n; i++) {
            grid.add(Fixtures.obj(
                    "id",
                    "c" + i,
                    "data",
                    Fixtures.obj(
                            "type",
                            "buttoncomponent",
                            "componentInput",
                            Fixtures.obj(
                                    "type",
                                    "runnable",
                                    "fieldType",
                                    "any",
                                    "fields",
                                    Fixtures.obj(),
                                    "runnable",
                                    Fixtures.obj(
                                            "type",
                                            "runnableByName",
                                            "name",
                                            stepName(),
                                            "inlineScript",
                                            inlineScript())),
                            "configuration",
                            object(1))));
        }
        value.put("grid", grid);
        List<Object> hidden = new ArrayList<>();
        for (int i = 0, n = r.nextInt(3); i < n; i++) {
            // The app editor always writes fields (the CLI's push needs them to build the policy).
            hidden.add(Fixtures.obj(
                    "type",
                    "runnableByName",
                    "name",
                    stepName(),
                    "fields",
                    Fixtures.obj(),
                    "inlineScript",
                    inlineScript()));
        }
        value.put("hiddenInlineScripts", hidden);
        value.put("css", r.nextBoolean() ? Fixtures.obj() : Fixtures.obj("app", Fixtures.obj("style", text(false))));
        value.put("norefreshbar", r.nextBoolean());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("summary", text(true));
        m.put("policy", policy());
        m.put("value", value);
        if (r.nextInt(4) == 0) {
            m.put("custom_path", "cp" + r.nextInt(1000));
        }
        optional(m, "labels", this::labels);
        if (r.nextInt(4) == 0) {
            m.put("extra_perms", Fixtures.obj("u/bob", true));
        }
        return m;
    }

    private Map<String, Object> inlineScript() {
        String language = pick("bun", "python3", "deno", "postgresql", "frontend");
        Map<String, Object> m = Fixtures.obj("content", code(language, r.nextInt(100)), "language", language);
        if (r.nextBoolean()) {
            m.put("lock", text(false) + "\n");
        }
        if (r.nextBoolean()) {
            m.put("schema", schema());
        }
        return m;
    }

    private Map<String, Object> policy() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("execution_mode", pick("publisher", "viewer", "anonymous"));
        m.put("triggerables", r.nextBoolean() ? Fixtures.obj() : Fixtures.obj("rawscript/abc", Fixtures.obj()));
        return m;
    }

    /** A raw app: files by absolute path, runnables by key, optional data. */
    private Map<String, Object> rawApp() {
        Map<String, Object> files = new LinkedHashMap<>();
        files.put("/index.tsx", code("bun", 1));
        if (r.nextBoolean()) {
            files.put("/src/" + SAFE_NAMES[r.nextInt(SAFE_NAMES.length)] + ".css", text(false));
        }
        if (r.nextBoolean()) {
            files.put("/package.json", "{\"name\":\"x\"}");
        }
        if (alphabet.lineSeparators && r.nextInt(3) == 0) {
            // A runnable YAML a user keeps among the files: the CLI writes it verbatim and hashes it as its YAML
            // 1.2 parser reads it (yes/on/1_000 stay strings, 0o17 is 15, U+2028 is text).
            files.put("/backend/verbatim.yaml", pick(VERBATIM_RUNNABLES));
        }
        Map<String, Object> runnables = new LinkedHashMap<>();
        for (int i = 0, n = r.nextInt(3); i < n; i++) {
            String key = SAFE_NAMES[r.nextInt(SAFE_NAMES.length)] + i;
            Map<String, Object> runnable = new LinkedHashMap<>();
            if (r.nextBoolean()) {
                runnable.put("type", "runnableByName");
                runnable.put("name", key);
                runnable.put("inlineScript", inlineScript());
            } else {
                runnable.put("type", "path");
                runnable.put("runType", pick("script", "flow"));
                runnable.put("path", "f/x/y");
                runnable.put("schema", schema());
            }
            runnable.put(
                    "fields",
                    Fixtures.obj(
                            "a",
                            Fixtures.obj("type", "static", "value", json(1), "fieldType", "string"),
                            "b",
                            Fixtures.obj("type", "ctx", "ctx", "email", "fieldType", "string")));
            runnables.put(key, runnable);
        }
        Map<String, Object> value = Fixtures.obj("files", files, "runnables", runnables);
        if (r.nextBoolean()) {
            value.put("data", Fixtures.obj("datatable", "main", "tables", List.of("main/users")));
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("summary", text(true));
        m.put("policy", policy());
        m.put("value", value);
        optional(m, "labels", this::labels);
        return m;
    }

    /** {@code WorkspaceDependencies::to_path}: the default file of a language, or {@code <name>.<file>}. */
    private void dependencies() {
        String[] files = {"requirements.in", "package.json", "go.mod", "composer.json"};
        for (String file : files) {
            if (r.nextBoolean()) {
                archive.text("dependencies/" + file, text(false) + "\n");
            }
            if (r.nextInt(3) == 0) {
                archive.text("dependencies/" + pick("extra", "named", "ml") + "." + file, text(false));
            }
        }
    }

    /** {@code Schedule}: permissioned_as, edited_* stripped; the on_* fields and the rest only when set. */
    private Map<String, Object> schedule() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schedule", pick("0 0 * * * *", "*/5 * * * *", "0 0 12 * * MON-FRI"));
        m.put("timezone", pick("UTC", "Europe/Paris", "America/Argentina/Buenos_Aires"));
        m.put("enabled", r.nextBoolean());
        boolean isFlow = r.nextBoolean() && !flowPaths.isEmpty();
        m.put("script_path", isFlow ? flowPaths.get(0) : scriptPaths.get(r.nextInt(scriptPaths.size())));
        m.put("is_flow", isFlow);
        m.put("args", r.nextInt(4) == 0 ? null : object(0));
        m.put("email", "admin@windmill.dev");
        optional(m, "on_failure", () -> "script/f/x/on_failure");
        optional(m, "on_failure_times", () -> r.nextInt(1, 10));
        optional(m, "on_failure_exact", r::nextBoolean);
        optional(m, "on_failure_extra_args", () -> object(1));
        optional(m, "on_recovery", () -> "script/f/x/on_recovery");
        optional(m, "on_recovery_times", () -> r.nextInt(1, 10));
        optional(m, "on_recovery_extra_args", () -> object(1));
        optional(m, "on_success", () -> "script/f/x/on_success");
        optional(m, "on_success_extra_args", () -> object(1));
        m.put("ws_error_handler_muted", r.nextBoolean());
        optional(m, "retry", () -> Fixtures.obj("constant", Fixtures.obj("attempts", 2, "seconds", 5)));
        m.put("no_flow_overlap", r.nextBoolean());
        optional(m, "summary", () -> text(true));
        optional(m, "description", () -> text(false));
        optional(m, "tag", () -> text(true));
        optional(m, "paused_until", () -> "2030-01-01T00:00:00Z");
        optional(m, "cron_version", () -> pick("v1", "v2"));
        optional(m, "dynamic_skip", () -> "f/x/skip");
        optional(m, "labels", this::labels);
        return m;
    }

    /**
     * {@code Trigger<Config>}: the base (script_path, mode, is_flow, email), the kind's config with its
     * {@code Option}s written as null unless the kind skips them, and the error handling when set.
     */
    private Map<String, Object> trigger(String kind) {
        Map<String, Object> m = new LinkedHashMap<>();
        boolean isFlow = r.nextBoolean() && !flowPaths.isEmpty();
        m.put("script_path", isFlow ? flowPaths.get(0) : scriptPaths.get(r.nextInt(scriptPaths.size())));
        m.put("mode", pick("enabled", "disabled", "suspended"));
        m.put("is_flow", isFlow);
        m.put("email", "admin@windmill.dev");
        switch (kind) {
            case "http" -> {
                String route = "r" + r.nextInt(1000) + pick("", "/:id", "/a/:b/c");
                m.put("route_path", route);
                m.put("route_path_key", route.replaceAll("/?:[-\\w]+", "/*"));
                m.put("is_async", r.nextBoolean());
                m.put("authentication_method", pick("none", "windmill", "api_key", "basic_http", "signature"));
                m.put("http_method", pick("get", "post", "put", "delete", "patch"));
                m.put("summary", nullable(() -> text(true)));
                m.put("description", nullable(() -> text(false)));
                m.put(
                        "static_asset_config",
                        nullable(() -> Fixtures.obj("s3", "a/b.html", "storage", null, "filename", "b.html")));
                m.put("is_static_website", r.nextBoolean());
                m.put("authentication_resource_path", nullable(() -> "f/x/auth"));
                m.put("workspaced_route", r.nextBoolean());
                m.put("wrap_body", r.nextBoolean());
                m.put("raw_string", r.nextBoolean());
            }
            case "websocket" -> {
                m.put("url", "wss://" + word().replaceAll("\\W", "") + ".example/ws");
                m.put("filters", r.nextBoolean() ? List.of() : List.of(Fixtures.obj("key", key(), "value", json(1))));
                optional(m, "initial_messages", () -> List.of(Fixtures.obj("raw_message", text(false))));
                optional(m, "url_runnable_args", () -> object(1));
                m.put("can_return_message", r.nextBoolean());
                m.put("can_return_error_result", r.nextBoolean());
            }
            case "kafka" -> {
                m.put("kafka_resource_path", "f/x/kafka");
                m.put("group_id", text(true));
                m.put("topics", List.of(word(), "topic.2"));
            }
            case "nats" -> {
                m.put("nats_resource_path", "f/x/nats");
                m.put("use_jetstream", r.nextBoolean());
                m.put("stream_name", nullable(() -> "s1"));
                m.put("consumer_name", nullable(() -> "c1"));
                m.put("subjects", List.of("a.b", "c.>"));
            }
            case "postgres" -> {
                m.put("postgres_resource_path", "f/x/pg");
                m.put("replication_slot_name", "slot_" + r.nextInt(100));
                m.put("publication_name", "pub_" + r.nextInt(100));
                optional(m, "basic_mode", r::nextBoolean);
            }
            case "mqtt" -> {
                m.put("mqtt_resource_path", "f/x/mqtt");
                m.put("subscribe_topics", List.of(Fixtures.obj("qos", pick("qos0", "qos1", "qos2"), "topic", "a/#")));
                m.put("v3_config", nullable(() -> Fixtures.obj("clean_session", r.nextBoolean())));
                m.put(
                        "v5_config",
                        nullable(() -> Fixtures.obj(
                                "clean_start",
                                null,
                                "session_expiry_interval",
                                r.nextInt(0, Integer.MAX_VALUE),
                                "topic_alias_maximum",
                                65535)));
                m.put("client_id", nullable(() -> text(true)));
                m.put("client_version", nullable(() -> pick("v3", "v5")));
            }
            case "amqp" -> {
                m.put("amqp_resource_path", "f/x/amqp");
                m.put("queue_name", text(true));
                m.put("exchange", nullable(() -> "ex"));
                m.put("routing_keys", List.of("#"));
            }
            case "sqs" -> {
                m.put("queue_url", "https://sqs.eu-west-1.amazonaws.com/123456789012/q");
                m.put("aws_resource_path", "f/x/aws");
                m.put("message_attributes", nullable(() -> List.of("All")));
                m.put("aws_auth_resource_type", pick("credentials", "oidc"));
            }
            case "gcp" -> {
                m.put("gcp_resource_path", "f/x/gcp");
                m.put("subscription_id", "sub-" + r.nextInt(100));
                m.put("topic_id", "topic-" + r.nextInt(100));
                m.put("delivery_type", pick("pull", "push"));
                m.put("delivery_config", nullable(() -> Fixtures.obj("authenticate", true, "audience", null)));
                m.put("subscription_mode", pick("existing", "create_update"));
                m.put("auto_acknowledge_msg", nullable(r::nextBoolean));
                m.put("ack_deadline", nullable(() -> r.nextInt(10, 600)));
            }
            case "azure" -> {
                m.put("azure_resource_path", "f/x/azure");
                m.put("event_hub_name", "hub");
                m.put("consumer_group", nullable(() -> "$Default"));
            }
            default -> {
                m.put("local_part", "inbox" + r.nextInt(100));
                m.put("workspaced_local_part", r.nextBoolean());
            }
        }
        optional(m, "error_handler_path", () -> "f/x/on_error");
        optional(m, "error_handler_args", () -> object(1));
        optional(
                m,
                "retry",
                () -> Fixtures.obj("exponential", Fixtures.obj("attempts", 3, "multiplier", 2, "seconds", 1)));
        return m;
    }

    /** {@code SimplifiedGroup}: name stripped; summary when set; members and admins as {@code u/…}. */
    private Map<String, Object> group() {
        Map<String, Object> m = new LinkedHashMap<>();
        optional(m, "summary", () -> text(true));
        m.put("members", r.nextBoolean() ? List.of() : List.of("u/bob", "u/carol"));
        m.put("admins", r.nextBoolean() ? List.of() : List.of("u/admin"));
        m.put("extra_perms", r.nextBoolean() ? Fixtures.obj() : Fixtures.obj("u/admin", true));
        return m;
    }

    /** {@code SimplifiedSettings} (v2): the handlers and the Slack OAuth pair always, the rest when set. */
    private Map<String, Object> settings() {
        Map<String, Object> m = new LinkedHashMap<>();
        optional(m, "auto_invite", () -> Fixtures.obj("enabled", r.nextBoolean(), "operator", false, "mode", "invite"));
        optional(m, "webhook", () -> "https://hooks.example/" + r.nextInt(100));
        m.put(
                "error_handler",
                nullable(() ->
                        Fixtures.obj("path", "script/f/x/eh", "extra_args", object(1), "muted_on_cancel", false)));
        m.put("success_handler", nullable(() -> Fixtures.obj("path", "script/f/x/sh", "extra_args", null)));
        optional(m, "ai_config", () -> Fixtures.obj("providers", Fixtures.obj(), "code_completion_model", null));
        optional(m, "large_file_storage", () -> Fixtures.obj("type", "S3Storage", "s3_resource_path", "$res:f/x/s3"));
        optional(m, "git_sync", () -> Fixtures.obj("repositories", List.of(), "include_path", List.of("f/**")));
        optional(m, "default_app", () -> "f/x/app");
        optional(m, "default_scripts", () -> Fixtures.obj("order", List.of(), "hidden", List.of()));
        m.put("name", text(true));
        optional(m, "mute_critical_alerts", r::nextBoolean);
        optional(m, "color", () -> "#" + Integer.toHexString(0x100000 + r.nextInt(0xefffff)));
        optional(m, "operator_settings", () -> Fixtures.obj("runs", true, "schedules", false));
        optional(m, "datatable", () -> Fixtures.obj("datatables", Fixtures.obj()));
        optional(m, "slack_team_id", () -> "T" + r.nextInt(100000));
        optional(m, "slack_name", () -> text(true));
        m.put("slack_oauth_client_id", nullable(() -> "123." + r.nextInt(1000)));
        m.put("slack_oauth_client_secret", nullable(() -> "sec" + r.nextInt(1000)));
        return m;
    }

    private String randomKey() {
        StringBuilder sb = new StringBuilder();
        String chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        for (int i = 0; i < 64; i++) {
            sb.append(chars.charAt(r.nextInt(chars.length())));
        }
        return sb.toString();
    }

    // ---- values ----

    private static String serverExtension(String language) {
        return switch (language) {
            case "python3" -> "py";
            case "deno" -> "deno.ts";
            case "go" -> "go";
            case "bash" -> "sh";
            case "powershell" -> "ps1";
            case "postgresql" -> "pg.sql";
            case "mysql" -> "my.sql";
            case "bigquery" -> "bq.sql";
            case "snowflake" -> "sf.sql";
            case "mssql" -> "ms.sql";
            case "duckdb" -> "duckdb.sql";
            case "graphql" -> "gql";
            case "nativets" -> "fetch.ts";
            case "bun" -> "ts";
            case "php" -> "php";
            case "rust" -> "rs";
            case "csharp" -> "cs";
            case "nu" -> "nu";
            case "java" -> "java";
            case "ruby" -> "rb";
            default -> throw new IllegalArgumentException(language);
        };
    }

    /** Source text: a body the language would hold, with hostile text in a comment or string. */
    private String code(String language, int index) {
        String body = text(false).replace("\r", "");
        return switch (language) {
            case "python3" -> "# " + body.replace("\n", "\n# ") + "\ndef main(x: int = " + index + "):\n    return x\n";
            case "bash" -> "#!/bin/bash\n# " + body.replace("\n", "\n# ") + "\necho " + index + "\n";
            case "postgresql", "mysql", "bigquery", "snowflake", "mssql", "duckdb" ->
                "-- " + body.replace("\n", "\n-- ") + "\nSELECT " + index + ";\n";
            case "go" ->
                "package inner\n\n// " + body.replace("\n", "\n// ") + "\nfunc main() (int, error) {\n\treturn " + index
                        + ", nil\n}\n";
            case "frontend" -> "return " + index + ";";
            default ->
                "// " + body.replace("\n", "\n// ") + "\nexport async function main() {\n  return " + index + ";\n}\n"
                        + (r.nextInt(4) == 0 ? "" : "\n");
        };
    }

    private Map<String, Object> schema() {
        Map<String, Object> properties = new LinkedHashMap<>();
        for (int i = 0, n = r.nextInt(4); i < n; i++) {
            Map<String, Object> p = Fixtures.obj("type", pick("string", "integer", "number", "object", "array"));
            optional(p, "description", () -> text(false));
            optional(p, "default", () -> json(2));
            optional(p, "format", () -> pick("resource-postgresql", "email", "date-time"));
            properties.put(key(), p);
        }
        return Fixtures.obj(
                "$schema",
                "https://json-schema.org/draft/2020-12/schema",
                "type",
                "object",
                "properties",
                properties,
                "required",
                new ArrayList<>(properties.keySet())
                        .subList(0, properties.isEmpty() ? 0 : r.nextInt(properties.size())));
    }

    private List<String> labels() {
        return r.nextBoolean() ? List.of() : List.of(word(), "team:" + word());
    }

    /** An object of any JSON values (resource values, args). */
    private Map<String, Object> object(int depth) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0, n = r.nextInt(depth > 2 ? 2 : 6); i < n; i++) {
            m.put(key(), json(depth + 1));
        }
        return m;
    }

    private Object json(int depth) {
        int kind = r.nextInt(depth > 3 ? 7 : 10);
        return switch (kind) {
            case 0, 1, 2 -> text(r.nextBoolean());
            case 3 -> integer();
            case 4 -> decimal();
            case 5 -> r.nextBoolean();
            case 6 -> null;
            case 7, 8 -> object(depth + 1);
            default -> {
                List<Object> l = new ArrayList<>();
                for (int i = 0, n = r.nextInt(4); i < n; i++) {
                    l.add(json(depth + 1));
                }
                yield l;
            }
        };
    }

    private Object integer() {
        if (alphabet.allNumbers && r.nextInt(3) == 0) {
            return pick(
                    Long.MAX_VALUE,
                    Long.MIN_VALUE,
                    1234567890123456789L,
                    9007199254740993L,
                    r.nextLong(),
                    // Past Jackson's default 1,000-digit limit; JSON.parse makes it Infinity, the CLI writes .inf.
                    new java.math.BigInteger("9".repeat(1200)).negate(),
                    new java.math.BigInteger("1" + "0".repeat(308)));
        }
        long bound = 1L << 53;
        return switch (r.nextInt(4)) {
            case 0 -> r.nextInt(-10, 10);
            case 1 -> r.nextLong(-bound + 1, bound);
            case 2 -> r.nextInt();
            default -> r.nextInt(0, 100_000);
        };
    }

    private Object decimal() {
        if (alphabet.allNumbers && r.nextInt(2) == 0) {
            return pick(
                    1e21,
                    1e-7,
                    1.5e300,
                    5e-324,
                    -0.0,
                    0.1 + 0.2,
                    123456789.123456789,
                    r.nextDouble() * 1e25,
                    // Literals no double holds: JSON.parse rounds them to Infinity and 0.
                    new java.math.BigDecimal("1e400"),
                    new java.math.BigDecimal("-2.5e-400"),
                    new java.math.BigDecimal("0." + "3".repeat(1100)));
        }
        // Two decimals, well inside the range where Java and JavaScript print a double the same way.
        return r.nextInt(-1_000_000, 1_000_000) / 100.0 + (r.nextBoolean() ? 0.25 : 0.5);
    }

    private String key() {
        int kind = r.nextInt(8);
        if (alphabet.longKeys && kind == 0) {
            return "k".repeat(r.nextInt(50, 1100));
        }
        String k = kind < 3 ? "k" + r.nextInt(100) : word();
        return k.isEmpty() ? "empty" : k;
    }

    private String stepName() {
        if (alphabet.hostileNames) {
            // A step or runnable name becomes a file name (<name>.inline_script.<ext>): past 255 UTF-8 bytes the
            // CLI's own pull dies with ENAMETOOLONG half-way through writing, so no byte parity exists there.
            // MalformedItemsTest covers that name (our pull fails naming the item).
            String name;
            do {
                name = text(true);
            } while (name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length
                    > 120); // room for escapes and suffix
            return name;
        }
        return SAFE_NAMES[r.nextInt(SAFE_NAMES.length)]
                + (r.nextBoolean() ? "" : " " + SAFE_NAMES[r.nextInt(SAFE_NAMES.length)]);
    }

    private String word() {
        String w = WORDS[r.nextInt(WORDS.length)];
        if (alphabet.lineSeparators && r.nextInt(12) == 0) {
            w = w + LINE_SEPARATORS[r.nextInt(LINE_SEPARATORS.length)];
        }
        return w;
    }

    /** Text: empty, a word, words with spaces and line breaks, or long; {@code singleLine} for summaries. */
    private String text(boolean singleLine) {
        int kind = r.nextInt(10);
        if (kind == 0) {
            return "";
        }
        if (kind == 1) {
            // Long: past the 80-column fold, sometimes past 1,000 characters.
            StringBuilder sb = new StringBuilder();
            int n = r.nextBoolean() ? 90 : 1200;
            sb.append("x");
            while (sb.length() < n) {
                sb.append(word()).append(r.nextInt(6) == 0 && !singleLine ? "\n" : " ");
            }
            return sb.toString();
        }
        int words = 1 + r.nextInt(kind < 5 ? 1 : 8);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < words; i++) {
            if (i > 0) {
                int sep = r.nextInt(10);
                sb.append(singleLine ? " " : sep == 0 ? "\n" : sep == 1 ? "\n\n" : sep == 2 ? "  " : " ");
            }
            sb.append(word());
        }
        if (!singleLine && r.nextInt(5) == 0) {
            sb.append(r.nextBoolean() ? "\n" : " ");
        }
        String s = sb.toString();
        // Never a leading BOM: the CLI's push drops it when it reads a file, so even its own pull would not
        // push back with 0 changes (a BOM inside the text is kept and judged).
        s = s.startsWith("\ufeff") ? "x" + s : s;
        return singleLine ? s.replace("\n", " ").replace("\r", " ") : s;
    }

    @SafeVarargs
    private <T> T pick(T... choices) {
        return choices[r.nextInt(choices.length)];
    }

    private Object nullable(java.util.function.Supplier<Object> value) {
        return r.nextInt(3) == 0 ? null : value.get();
    }

    private void optional(Map<String, Object> m, String key, java.util.function.Supplier<Object> value) {
        if (r.nextInt(3) == 0) {
            m.put(key, value.get());
        }
    }
}
