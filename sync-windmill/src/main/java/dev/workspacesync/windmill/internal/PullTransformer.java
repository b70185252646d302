package dev.workspacesync.windmill.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspacesync.core.SourceException;
import dev.workspacesync.windmill.WindmillPullOptions;
import dev.workspacesync.windmill.WindmillPullOptions.Flag;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns the server's workspace archive into the tree {@code wmill sync pull} (windmill-cli 1.819.0) writes
 * into an empty directory: {@code ZipFSElement}, {@code ignoreF} and {@code elementsToMap} of the CLI.
 * Entries are read one at a time; nothing holds the whole workspace.
 */
public final class PullTransformer {
    /** The archive, by entry name. */
    public interface Input {
        /** Every file entry name, in archive order. */
        List<String> names();

        /** The bytes of one entry. */
        byte[] read(String name) throws IOException;
    }

    /** Where files go. */
    public interface Output {
        /** Writes one file of the pulled tree. */
        void write(String path, byte[] content) throws IOException;
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> SCRIPT_EXTS = List.of(
            ".fetch.ts",
            ".deno.ts",
            ".bun.ts",
            ".ts",
            ".py",
            ".go",
            ".sh",
            ".pg.sql",
            ".my.sql",
            ".bq.sql",
            ".odb.sql",
            ".sf.sql",
            ".ms.sql",
            ".duckdb.sql",
            ".sql",
            ".gql",
            ".ps1",
            ".php",
            ".rs",
            ".cs",
            ".nu",
            ".playbook.yml",
            ".java",
            ".rb",
            ".r",
            "__dbt/wm_dbt.yaml");
    private static final Set<String> KEPT_EXTENSIONS = Set.of(
            "json", "yaml", "go", "sh", "ts", "py", "sql", "gql", "ps1", "php", "js", "lock", "rs", "cs", "yml", "nu",
            "java", "rb", "r");
    private static final Set<String> TYPE_ENDINGS = Set.of(
            "script",
            "variable",
            "resource",
            "resource-type",
            "app",
            "schedule",
            "http_trigger",
            "websocket_trigger",
            "kafka_trigger",
            "nats_trigger",
            "postgres_trigger",
            "mqtt_trigger",
            "amqp_trigger",
            "sqs_trigger",
            "gcp_trigger",
            "azure_trigger",
            "email_trigger",
            "user",
            "group",
            "settings",
            "encryption_key");
    private static final List<String> TRIGGER_SUFFIXES = List.of(
            ".http_trigger",
            ".websocket_trigger",
            ".kafka_trigger",
            ".nats_trigger",
            ".postgres_trigger",
            ".mqtt_trigger",
            ".amqp_trigger",
            ".sqs_trigger",
            ".gcp_trigger",
            ".azure_trigger",
            ".email_trigger",
            "_native_trigger");
    private static final Pattern MIGRATION =
            Pattern.compile("migrations/datatable/[^/]+/[0-9]+_[^/]+\\.(up|down)\\.sql");
    private static final Map<String, String> LANGUAGE_EXTENSIONS = Map.ofEntries(
            Map.entry("python3", "py"),
            Map.entry("bun", "bun.ts"),
            Map.entry("deno", "deno.ts"),
            Map.entry("go", "go"),
            Map.entry("bash", "sh"),
            Map.entry("powershell", "ps1"),
            Map.entry("postgresql", "pg.sql"),
            Map.entry("mysql", "my.sql"),
            Map.entry("bigquery", "bq.sql"),
            Map.entry("oracledb", "odb.sql"),
            Map.entry("snowflake", "sf.sql"),
            Map.entry("mssql", "ms.sql"),
            Map.entry("graphql", "gql"),
            Map.entry("nativets", "native.ts"),
            Map.entry("frontend", "frontend.js"),
            Map.entry("php", "php"),
            Map.entry("rust", "rs"),
            Map.entry("csharp", "cs"),
            Map.entry("nu", "nu"),
            Map.entry("ansible", "playbook.yml"),
            Map.entry("java", "java"),
            Map.entry("duckdb", "duckdb.sql"),
            Map.entry("bunnative", "ts"),
            Map.entry("ruby", "rb"),
            Map.entry("rlang", "r"),
            Map.entry("dbt", "dbt.yaml"));

    private final WindmillPullOptions options;
    private final Map<String, String> fileExtensionByResourceType;
    private final Set<String> filesetResourceTypes;
    private final Glob.Filter whitelist;

    /**
     * @param options what to pull
     * @param fileExtensionByResourceType the server's {@code file_resource_type_to_file_ext_map} (format extensions)
     * @param filesetResourceTypes the resource types the server marks {@code is_fileset}
     */
    public PullTransformer(
            WindmillPullOptions options,
            Map<String, String> fileExtensionByResourceType,
            Set<String> filesetResourceTypes) {
        this.options = options;
        this.fileExtensionByResourceType = Map.copyOf(fileExtensionByResourceType);
        this.filesetResourceTypes = Set.copyOf(filesetResourceTypes);
        this.whitelist = options.includes().isEmpty() && options.excludes().isEmpty()
                ? null
                : new Glob.Filter(options.includes(), options.excludes(), options.extraIncludes());
    }

    /** Writes the pulled tree of the archive; returns the number of files written. */
    public int transform(Input input, Output output) throws IOException {
        Set<String> moduleScripts = moduleScriptBases(input);
        int[] count = {0};
        for (String name : input.names()) {
            for (Produced file : produce(name, input, moduleScripts)) {
                if (keep(file)) {
                    // Fails naming the item rather than let one unsafe name cost the pull silently.
                    String path = CliNames.safe(file.path, "The item " + name).value();
                    output.write(path, file.content);
                    if (file.lockInput != null) {
                        lockInputs.put(path, file.lockInput);
                    }
                    count[0]++;
                }
            }
        }
        return count[0];
    }

    /**
     * What {@link WmillLock} needs of the flow, app and raw app runnable YAML files written by
     * {@link #transform}, by path: the trees as written, so the lock never re-parses our own YAML (a YAML 1.1
     * parser reads U+2028/U+2029 as line breaks where the CLI's YAML 1.2 one does not).
     */
    public Map<String, JsonNode> lockInputs() {
        return lockInputs;
    }

    private final Map<String, JsonNode> lockInputs = new java.util.HashMap<>();

    private record Produced(String path, String parentDir, byte[] content, boolean secret, JsonNode lockInput) {
        Produced(String path, String parentDir, byte[] content) {
            this(path, parentDir, content, false, null);
        }

        Produced(String path, String parentDir, byte[] content, boolean secret) {
            this(path, parentDir, content, secret, null);
        }
    }

    private String flowSuffix() {
        return options.has(Flag.NON_DOTTED_PATHS) ? "__flow" : ".flow";
    }

    private String appSuffix() {
        return options.has(Flag.NON_DOTTED_PATHS) ? "__app" : ".app";
    }

    private String rawAppSuffix() {
        return options.has(Flag.NON_DOTTED_PATHS) ? "__raw_app" : ".raw_app";
    }

    private Set<String> moduleScriptBases(Input input) throws IOException {
        Set<String> bases = new HashSet<>();
        for (String name : input.names()) {
            if (name.endsWith(".script.json")) {
                try {
                    JsonNode meta = CliJson.read(input.read(name));
                    JsonNode modules = meta.get("modules");
                    if (modules != null && modules.isObject() && !modules.isEmpty() && !Dbt.isProject(modules)) {
                        bases.add(name.substring(0, name.length() - ".script.json".length()));
                    }
                } catch (JsonProcessingException e) {
                    // The CLI ignores unreadable metadata here; the main pass reports it.
                }
            }
        }
        return bases;
    }

    private List<Produced> produce(String p, Input input, Set<String> moduleScripts) throws IOException {
        List<Produced> out = new ArrayList<>();
        boolean isJson = p.endsWith(".json");
        if (p.endsWith(".flow.json")) {
            String dir = p.substring(0, p.length() - ".flow.json".length()) + flowSuffix();
            flow(p, dir, parse(p, input), out);
        } else if (p.endsWith(".app.json")) {
            String dir = p.substring(0, p.length() - ".app.json".length()) + appSuffix();
            app(dir, parse(p, input), out);
        } else if (p.endsWith(".raw_app.json")) {
            String dir = p.substring(0, p.length() - ".raw_app.json".length()) + rawAppSuffix();
            rawApp(dir, parse(p, input), out);
        } else if (p.endsWith(".script.json")) {
            script(p, parse(p, input), out);
        } else if (p.endsWith(".resource.json")) {
            resource(p, parse(p, input), out);
        } else if (p.startsWith("dependencies/")) {
            out.add(new Produced(p, null, text(input.read(p))));
        } else if (isJson) {
            // Any JSON value, as the CLI's JSON.parse takes it: the server writes encryption_key.json as a
            // JSON string, and the CLI writes that string as the YAML document.
            JsonNode parsed = parseValue(p, input);
            if (options.stripsOnBehalfOf() && parsed instanceof ObjectNode object) {
                if (p.endsWith(".schedule.json")) {
                    stripPermissioned(object);
                    object.remove("email");
                } else if (p.endsWith("_trigger.json")) {
                    stripPermissioned(object);
                }
            }
            out.add(new Produced(p.replace(".json", ".yaml"), null, yaml(parsed), truthy(parsed.get("is_secret"))));
        } else {
            String finalPath = p;
            if (hasScriptExt(p)) {
                for (String base : moduleScripts) {
                    if (p.startsWith(base + ".")) {
                        String ext = p.substring(base.length());
                        finalPath = base + "__mod/script" + ext;
                        break;
                    }
                }
            }
            out.add(new Produced(finalPath, null, text(input.read(p))));
        }
        return out;
    }

    private static void stripPermissioned(ObjectNode parsed) {
        if (truthy(parsed.get("permissioned_as"))) {
            parsed.put("has_permissioned_as", true);
        }
        parsed.remove("permissioned_as");
        parsed.remove("edited_by");
    }

    private void stripOnBehalfOf(ObjectNode parsed) {
        if (options.stripsOnBehalfOf()) {
            if (truthy(parsed.get("on_behalf_of_email"))) {
                parsed.put("has_on_behalf_of", true);
            }
            parsed.remove("on_behalf_of_email");
        }
    }

    private void script(String p, ObjectNode meta, List<Produced> out) {
        String finalPath = p.replace(".json", ".yaml");
        JsonNode modules = meta.get("modules");
        boolean dbt = Dbt.isProject(modules);
        // A dbt project's metadata and lock stay beside its folder; other module scripts move into theirs.
        boolean hasModules = modules != null && modules.isObject() && !modules.isEmpty() && !dbt;
        String lock = meta.hasNonNull("lock") && meta.get("lock").isTextual()
                ? meta.get("lock").asText()
                : null;
        String base = p.substring(0, p.length() - ".script.json".length());
        String moduleFolder = base + (dbt ? Dbt.SUFFIX : "__mod");
        if (lock != null
                && !lock.isEmpty()
                && (meta.get("codebase") == null || meta.get("codebase").isNull())) {
            meta.put("lock", "!inline " + (hasModules ? moduleFolder + "/script.lock" : base + ".script.lock"));
        } else if (lock != null && lock.isEmpty()) {
            meta.put("lock", "");
        } else {
            meta.remove("lock");
        }
        if (truthy(meta.get("codebase"))) {
            meta.remove("codebase");
        }
        stripOnBehalfOf(meta);
        meta.remove("modules");
        out.add(new Produced(hasModules ? moduleFolder + "/script.yaml" : finalPath, null, yaml(meta)));
        if (lock != null && !lock.isEmpty()) {
            out.add(new Produced(hasModules ? moduleFolder + "/script.lock" : base + ".script.lock", null, utf8(lock)));
        }
        if (hasModules || dbt) {
            modules.fields().forEachRemaining(m -> {
                String rel = m.getKey();
                JsonNode mod = m.getValue();
                // path.join in the CLI: "./a" and "a//b" are normalised, a path leaving the folder refused.
                out.add(new Produced(
                        moduleFolder + "/" + SyncPathCheck.relative(rel, moduleFolder),
                        moduleFolder,
                        utf8(mod.path("content").asText(""))));
                if (truthy(mod.get("lock"))) {
                    String baseName = rel.replaceFirst("\\.[^.]+\\z", "");
                    out.add(new Produced(
                            moduleFolder + "/" + SyncPathCheck.relative(baseName + ".lock", moduleFolder),
                            moduleFolder,
                            utf8(mod.get("lock").asText())));
                }
            });
        }
    }

    private void resource(String p, ObjectNode meta, List<Produced> out) {
        String finalPath = p.replace(".json", ".yaml");
        String type = meta.path("resource_type").asText(null);
        String base = p.substring(0, p.length() - ".resource.json".length());
        String formatExtension = type == null ? null : fileExtensionByResourceType.get(type);
        boolean fileset = type != null && filesetResourceTypes.contains(type);
        JsonNode value = meta.get("value");
        if (fileset) {
            if (value != null && value.isObject()) {
                String dir = base + ".fileset";
                value.fields().forEachRemaining(f -> {
                    if (f.getValue().isTextual()) {
                        out.add(new Produced(
                                dir + "/" + f.getKey(), dir, utf8(f.getValue().asText())));
                    }
                });
            }
            meta.put("value", "!inline_fileset " + base + ".fileset");
        } else if (formatExtension != null && (value == null || value.isValueNode())) {
            // The CLI sets value.content on it, which throws for null and for a string, number or boolean.
            throw new SourceException("The workspace archive holds the resource " + p + " of the file resource type "
                    + type + ", whose value is " + (value == null ? "missing" : value.getNodeType()) + ", not an"
                    + " object with a content: the wmill CLI cannot pull it either. The pull stops rather than leave"
                    + " the resource out; repair its value in Windmill, or exclude it (windmill.excludes).");
        } else if (formatExtension != null && value.isObject()) {
            JsonNode content = value.get("content");
            ((ObjectNode) value).put("content", "!inline " + base + ".resource.file." + formatExtension);
            if (content != null && content.isTextual()) {
                out.add(new Produced(base + ".resource.file." + formatExtension, null, utf8(content.asText())));
            }
        }
        out.add(0, new Produced(finalPath, null, yaml(meta)));
    }

    /** Per flow or app: the CLI's {@code newPathAssigner} (or {@code newRawAppPathAssigner}). */
    private final class PathAssigner {
        private final CliNames.Assigner names;
        private final boolean rawApp;

        PathAssigner() {
            this(false);
        }

        /** The raw-app flavour keeps case, names unnamed runnables {@code runnable_N}, and has no infix. */
        PathAssigner(boolean rawApp) {
            this.rawApp = rawApp;
            this.names = new CliNames.Assigner(rawApp);
        }

        String[] assign(String summary, String language) {
            String name = names.assign(summary);
            String suffix = rawApp || options.has(Flag.NON_DOTTED_PATHS) ? "." : ".inline_script.";
            return new String[] {name + suffix, languageExtension(language)};
        }
    }

    /** The CLI's {@code sanitizeForFilesystem}; see {@link CliNames}. */
    static String sanitize(String summary, boolean preserveCase) {
        return CliNames.sanitizeForFilesystem(summary, preserveCase);
    }

    private String languageExtension(String language) {
        String defaultTs = options.defaultTs();
        if (language != null && language.equals(defaultTs)) {
            return "ts";
        }
        String ext = language == null ? null : LANGUAGE_EXTENSIONS.get(language);
        return ext == null ? "no_ext" : ext;
    }

    private void flow(String p, String dir, ObjectNode flow, List<Produced> out) {
        PathAssigner assigner = new PathAssigner();
        List<String[]> scripts = new ArrayList<>();
        JsonNode value = flow.get("value");
        try {
            // The CLI reads value.modules (and every step's value) unchecked: where it would crash, the pull
            // fails naming the flow rather than back up a tree the CLI never writes.
            if (value == null || !value.isObject()) {
                throw new MalformedFlow("its value is " + (value == null ? "missing" : value.getNodeType()));
            }
            extractModules(value.get("modules"), "value.modules", assigner, scripts);
            if (truthy(value.get("failure_module"))) {
                extractModule(value.get("failure_module"), "value.failure_module", assigner, scripts);
            }
            if (truthy(value.get("preprocessor_module"))) {
                extractModule(value.get("preprocessor_module"), "value.preprocessor_module", assigner, scripts);
            }
        } catch (MalformedFlow e) {
            throw new SourceException("The workspace archive holds the flow " + p + ", which the wmill CLI cannot"
                    + " pull either: " + e.getMessage() + ". The pull stops rather than leave the flow out;"
                    + " repair the flow in Windmill, or exclude it (windmill.excludes).");
        }
        for (String[] s : scripts) {
            out.add(new Produced(dir + "/" + s[0], dir, utf8(s[1])));
        }
        stripOnBehalfOf(flow);
        out.add(new Produced(dir + "/flow.yaml", dir, yaml(flow), false, WmillLock.flowLockInput(flow)));
    }

    /** A flow the CLI's inline script extraction would crash on. */
    private static final class MalformedFlow extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MalformedFlow(String message) {
            super(message, null, false, false);
        }
    }

    private void extractModules(JsonNode modules, String at, PathAssigner assigner, List<String[]> scripts) {
        if (modules == null || !modules.isArray()) {
            throw new MalformedFlow(
                    at + " is " + (modules == null ? "missing" : modules.getNodeType()) + ", not a list");
        }
        int i = 0;
        for (JsonNode m : modules) {
            extractModule(m, at + "[" + i++ + "]", assigner, scripts);
        }
    }

    private void extractModule(JsonNode m, String at, PathAssigner assigner, List<String[]> scripts) {
        if (!m.isObject() || m.get("value") == null || m.get("value").isNull()) {
            throw new MalformedFlow(at + (m.isObject() ? " has no value" : " is not an object"));
        }
        JsonNode value = m.get("value");
        if (!value.isObject()) {
            return; // the CLI reads its type as undefined: nothing to extract
        }
        String type = value.path("type").asText("");
        switch (type) {
            case "rawscript" ->
                rawscript(
                        m.path("id").asText(null), textOrNull(m.get("summary")), (ObjectNode) value, assigner, scripts);
            case "forloopflow", "whileloopflow" ->
                extractModules(value.get("modules"), at + ".value.modules", assigner, scripts);
            case "branchall" -> extractBranches(value, at, assigner, scripts);
            case "branchone" -> {
                extractBranches(value, at, assigner, scripts);
                extractModules(value.get("default"), at + ".value.default", assigner, scripts);
            }
            case "aiagent" ->
                value.path("tools").forEach(tool -> {
                    JsonNode tv = tool.get("value");
                    if (tv != null
                            && tv.isObject()
                            && "flowmodule".equals(tv.path("tool_type").asText())
                            && "rawscript".equals(tv.path("type").asText())) {
                        rawscript(
                                tool.path("id").asText(null),
                                textOrNull(tool.get("summary")),
                                (ObjectNode) tv,
                                assigner,
                                scripts);
                    }
                });
            default -> {}
        }
    }

    private void extractBranches(JsonNode value, String at, PathAssigner assigner, List<String[]> scripts) {
        JsonNode branches = value.get("branches");
        if (branches == null || !branches.isArray()) {
            throw new MalformedFlow(at + ".value.branches is " + (branches == null ? "missing" : branches.getNodeType())
                    + ", not a list");
        }
        int i = 0;
        for (JsonNode b : branches) {
            String branch = at + ".value.branches[" + i++ + "]";
            if (!b.isObject()) {
                throw new MalformedFlow(branch + " is not an object");
            }
            extractModules(b.get("modules"), branch + ".modules", assigner, scripts);
        }
    }

    private static String textOrNull(JsonNode node) {
        return node == null || node.isNull() ? null : node.asText();
    }

    private void rawscript(String id, String summary, ObjectNode raw, PathAssigner assigner, List<String[]> scripts) {
        String[] path = assigner.assign(summary != null ? summary : id, textOrNull(raw.get("language")));
        String file = path[0] + path[1];
        String content = raw.path("content").asText("");
        if (content.startsWith("!inline ")) {
            throw new SourceException("Refusing to extract a corrupted inline script for module '" + id
                    + "': its content is the literal string "
                    + content.lines().findFirst().orElse(""));
        }
        scripts.add(new String[] {file, content});
        raw.put("content", "!inline " + file);
        JsonNode lock = raw.get("lock");
        if (truthy(lock)) {
            if (!lock.isTextual()) {
                throw new SourceException("Inline script '" + id + "' has a lock that is not text");
            }
            String lockPath = path[0] + "lock";
            raw.put("lock", "!inline " + lockPath);
            scripts.add(new String[] {lockPath, lock.asText()});
        }
    }

    private void app(String dir, ObjectNode app, List<Produced> out) {
        PathAssigner assigner = new PathAssigner();
        List<String[]> scripts = new ArrayList<>();
        extractAppScripts(null, app.get("value"), assigner, scripts, false);
        for (String[] s : scripts) {
            out.add(new Produced(dir + "/" + s[0], dir, utf8(s[1])));
        }
        String mode = app.path("policy").path("execution_mode").asText("");
        if (mode.equals("anonymous")) {
            app.put("public", true);
        } else if (mode.equals("guest")) {
            app.put("guests", true);
        }
        app.remove("policy");
        out.add(new Produced(dir + "/app.yaml", dir, yaml(app), false, WmillLock.appLockInput(app)));
    }

    private static final Set<String> RAW_APP_SKIPPED_FILES = Set.of("/wmill.d.ts", "/AGENTS.md", "/DATATABLES.md");
    private static final Set<String> NEVER_DEPLOYED_DIRS = Set.of("node_modules", "dist", ".claude", "sql_to_apply");
    private static final Set<String> NEVER_DEPLOYED_FILES =
            Set.of("package-lock.json", "DATATABLES.md", "AGENTS.md", "wmill.d.ts");

    /** The CLI's raw app layout: files at their paths, runnables under {@code backend/}, {@code raw_app.yaml}. */
    private void rawApp(String dir, ObjectNode rawApp, List<Produced> out) {
        String mode = rawApp.path("policy").path("execution_mode").asText("");
        if (mode.equals("anonymous")) {
            rawApp.put("public", true);
        } else if (mode.equals("guest")) {
            rawApp.put("guests", true);
        }
        rawApp.remove("policy");
        rawApp.remove("custom_path");
        JsonNode value = rawApp.get("value");
        JsonNode runnables = value == null ? null : value.get("runnables");
        if (runnables != null && runnables.isObject()) {
            runnables.forEach(r -> {
                if (r.isObject() && r.get("fields") != null && r.get("fields").isObject()) {
                    ObjectNode fields = (ObjectNode) r.get("fields");
                    List<String> names = new ArrayList<>();
                    fields.fieldNames().forEachRemaining(names::add);
                    for (String k : names) {
                        JsonNode v = fields.get(k);
                        if (v.isObject()) {
                            String type = v.path("type").asText("");
                            if (type.equals("static")) {
                                ObjectNode simple = JSON.createObjectNode();
                                if (v.has("value")) {
                                    simple.set("value", v.get("value"));
                                }
                                fields.set(k, simple);
                            } else if (type.equals("javascript")) {
                                ObjectNode simple = JSON.createObjectNode();
                                if (v.has("expr")) {
                                    simple.set("expr", v.get("expr"));
                                }
                                if (v.has("allowUserResources")) {
                                    simple.set("allowUserResources", v.get("allowUserResources"));
                                }
                                fields.set(k, simple);
                            } else if (type.equals("user")) {
                                fields.remove(k);
                            }
                        }
                    }
                }
            });
        }
        List<String[]> scripts = new ArrayList<>();
        extractAppScripts(null, value, new PathAssigner(true), scripts, true);
        JsonNode files = value == null ? null : value.get("files");
        if (files != null && files.isObject()) {
            files.fields().forEachRemaining(f -> {
                String filePath = f.getKey();
                if (filePath.startsWith("/sql_to_apply/") || RAW_APP_SKIPPED_FILES.contains(filePath)) {
                    return;
                }
                if (!f.getValue().isTextual()) {
                    throw new SourceException("Content of raw app file " + filePath + " in " + dir + " is not text");
                }
                String rel = filePath.replaceFirst("^/", "");
                out.add(new Produced(
                        dir + "/" + SyncPathCheck.relative(rel, dir),
                        dir,
                        utf8(f.getValue().asText())));
            });
        }
        for (String[] script : scripts) {
            out.add(new Produced(dir + "/backend/" + script[0], dir, utf8(script[1])));
        }
        if (runnables != null && runnables.isObject()) {
            runnables.fields().forEachRemaining(e -> {
                JsonNode r = e.getValue();
                JsonNode simplified = r;
                if (r.isObject()
                        && r.get("inlineScript") != null
                        && !r.get("inlineScript").isNull()) {
                    ObjectNode o = JSON.createObjectNode();
                    o.put("type", "inline");
                    r.fields().forEachRemaining(f -> {
                        if (!f.getKey().equals("inlineScript") && !f.getKey().equals("type")) {
                            o.set(f.getKey(), f.getValue());
                        }
                    });
                    simplified = o;
                } else if (r.isObject() && "path".equals(r.path("type").asText()) && truthy(r.get("runType"))) {
                    ObjectNode o = JSON.createObjectNode();
                    o.set("type", r.get("runType"));
                    r.fields().forEachRemaining(f -> {
                        if (!Set.of("type", "runType", "schema").contains(f.getKey())) {
                            o.set(f.getKey(), f.getValue());
                        }
                    });
                    simplified = o;
                }
                if (simplified.isObject()
                        && simplified.get("fields") != null
                        && simplified.get("fields").isObject()) {
                    ObjectNode fields = (ObjectNode) simplified.get("fields");
                    ObjectNode simple = JSON.createObjectNode();
                    fields.fields().forEachRemaining(f -> {
                        JsonNode v = f.getValue();
                        if (v.isObject() && "static".equals(v.path("type").asText()) && v.has("value")) {
                            simple.set(f.getKey(), JSON.createObjectNode().set("value", v.get("value")));
                        } else if (v.isObject() && "ctx".equals(v.path("type").asText()) && v.has("ctx")) {
                            simple.set(f.getKey(), JSON.createObjectNode().set("ctx", v.get("ctx")));
                        } else {
                            simple.set(f.getKey(), v);
                        }
                    });
                    ((ObjectNode) simplified).set("fields", simple);
                }
                out.add(new Produced(
                        dir + "/backend/" + SyncPathCheck.relative(e.getKey() + ".yaml", dir),
                        dir,
                        yaml(simplified),
                        false,
                        simplified));
            });
        }
        JsonNode data = value == null ? null : value.get("data");
        if (truthy(data)) {
            rawApp.set("data", data);
        }
        rawApp.remove("value");
        out.add(new Produced(dir + "/raw_app.yaml", dir, yaml(rawApp)));
        out.add(new Produced(dir + "/DATATABLES.md", dir, utf8(RawAppDocs.datatables(data))));
    }

    /** The CLI's {@code deploysWithRawApp}: which files of a raw app directory are pulled. */
    static boolean deploysWithRawApp(String relativePath) {
        List<String> segments = new ArrayList<>();
        for (String s : relativePath.split("/")) {
            if (!s.isEmpty()) {
                segments.add(s);
            }
        }
        if (segments.isEmpty()) {
            return false;
        }
        String name = segments.get(segments.size() - 1);
        List<String> dirs = segments.subList(0, segments.size() - 1);
        if (!dirs.isEmpty() && dirs.get(0).equals("backend")) {
            return dirs.size() == 1;
        }
        if (NEVER_DEPLOYED_FILES.contains(name) || dirs.stream().anyMatch(NEVER_DEPLOYED_DIRS::contains)) {
            return false;
        }
        return dirs.isEmpty() || !dirs.get(0).equals("recordings");
    }

    private void extractAppScripts(
            String key, JsonNode rec, PathAssigner assigner, List<String[]> scripts, boolean rawApp) {
        if (rec == null) {
            return;
        }
        if (rec.isObject()) {
            List<String> keys = new ArrayList<>();
            rec.fieldNames().forEachRemaining(keys::add);
            keys.sort(CliYaml.KEY_ORDER);
            for (String k : keys) {
                JsonNode v = rec.get(k);
                if (k.equals("inlineScript") && v != null && v.isObject()) {
                    ObjectNode parent = (ObjectNode) rec;
                    parent.remove("type");
                    ObjectNode o = (ObjectNode) v;
                    JsonNode nameNode = parent.get("name");
                    String name = rawApp ? key : nameNode == null || nameNode.isNull() ? null : nameNode.asText();
                    String[] path = assigner.assign(name, textOrNull(o.get("language")));
                    if (truthy(o.get("content"))) {
                        String content = o.get("content").asText();
                        o.put("content", "!inline " + path[0] + path[1]);
                        scripts.add(new String[] {path[0] + path[1], content});
                    }
                    if (truthy(o.get("lock"))) {
                        String lock = o.get("lock").asText();
                        o.put("lock", "!inline " + path[0] + "lock");
                        scripts.add(new String[] {path[0] + "lock", lock});
                    }
                    if (rawApp) {
                        o.remove("schema");
                    }
                } else {
                    extractAppScripts(k, v, assigner, scripts, rawApp);
                }
            }
        } else if (rec.isArray()) {
            int index = 0;
            for (JsonNode item : (ArrayNode) rec) {
                extractAppScripts(String.valueOf(index++), item, assigner, scripts, rawApp);
            }
        }
    }

    private static boolean truthy(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return false;
        }
        if (node.isTextual()) {
            return !node.asText().isEmpty();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isNumber()) {
            return node.doubleValue() != 0;
        }
        return true;
    }

    private static JsonNode parseValue(String p, Input input) throws IOException {
        JsonNode node;
        try {
            node = CliJson.read(input.read(p)); // keeps -0 as JSON.parse does
        } catch (JsonProcessingException e) {
            throw new SourceException(
                    "The workspace archive holds malformed JSON in " + p + ": " + e.getOriginalMessage(), e);
        }
        if (node == null || node.isMissingNode()) {
            throw new SourceException("The workspace archive holds " + p + ", which is empty, not JSON");
        }
        return node;
    }

    private static ObjectNode parse(String p, Input input) throws IOException {
        JsonNode node = parseValue(p, input);
        if (!node.isObject()) {
            throw new SourceException("The workspace archive holds " + p + ", which is not a JSON object");
        }
        return (ObjectNode) node;
    }

    private static byte[] yaml(JsonNode node) {
        return utf8(CliYaml.write(node));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The CLI reads every entry as UTF-8 text and writes it back. */
    private static byte[] text(byte[] raw) {
        return new String(raw, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8);
    }

    static boolean hasScriptExt(String p) {
        for (String ext : SCRIPT_EXTS) {
            if (p.endsWith(ext)) {
                return true;
            }
        }
        return false;
    }

    // ---- the CLI's filters ----

    /**
     * Whether the CLI's filters ({@code ignoreF} and {@code elementsToMap}) keep a file of a local tree in
     * pull layout, as {@code wmill sync push} reads it: a file under a dot directory or {@code node_modules} is
     * never read, and the same includes, excludes and skip switches apply as to the pulled tree, so a push of a
     * partial tree compares only what the pull would have written.
     *
     * @param secret whether the file is a variable marked {@code is_secret}
     */
    public boolean keepsLocal(String path, boolean secret) {
        int slash = path.lastIndexOf('/');
        String parent = slash < 0 ? null : path.substring(0, slash);
        for (String dir = parent; dir != null; ) {
            String last = dir.substring(dir.lastIndexOf('/') + 1);
            if (last.startsWith(".") || last.equals("node_modules")) {
                return false;
            }
            int up = dir.lastIndexOf('/');
            dir = up < 0 ? null : dir.substring(0, up);
        }
        return keep(new Produced(path, parent, new byte[1], secret));
    }

    /** The directory suffix of flows in this layout ({@code .flow} or {@code __flow}). */
    public String flowDirSuffix() {
        return flowSuffix();
    }

    /** The directory suffix of apps in this layout ({@code .app} or {@code __app}). */
    public String appDirSuffix() {
        return appSuffix();
    }

    /** The directory suffix of raw apps in this layout ({@code .raw_app} or {@code __raw_app}). */
    public String rawAppDirSuffix() {
        return rawAppSuffix();
    }

    /** The script extensions the CLI knows, longest match first ({@code .fetch.ts} before {@code .ts}). */
    public static List<String> scriptExtensions() {
        return SCRIPT_EXTS.subList(0, SCRIPT_EXTS.size() - 1);
    }

    private boolean keep(Produced file) {
        if (file.content.length == 0 && Dbt.isDescriptor(file.path)) {
            return false; // the CLI deletes an empty descriptor rather than write it
        }
        if (file.parentDir != null) {
            String last = file.parentDir.substring(file.parentDir.lastIndexOf('/') + 1);
            if (last.startsWith(".") || last.equals("node_modules") || ignore(file.parentDir, true)) {
                return false;
            }
        }
        if (ignore(file.path, false)) {
            return false;
        }
        return elementsToMapKeeps(file);
    }

    private static boolean isScriptModulePath(String p) {
        return p.contains("__mod/") || p.contains("__dbt/");
    }

    static boolean isFileResource(String p) {
        String[] parts = p.split("\\.", -1);
        return parts.length >= 4
                && parts[parts.length - 3].equals("resource")
                && parts[parts.length - 2].equals("file");
    }

    /** The CLI's {@code getTypeStrFromPath}; null where it throws. */
    private String typeOf(String p) {
        if (MIGRATION.matcher(p).matches()) {
            return "datatable_migration";
        }
        if (isScriptModulePath(p)) {
            return "script";
        }
        if (p.contains(flowSuffix() + "/")) {
            return "flow";
        }
        if (p.contains(appSuffix() + "/")) {
            return "app";
        }
        if (p.contains(rawAppSuffix() + "/")) {
            return "raw_app";
        }
        if (p.startsWith("locks/") && p.endsWith(".lock")) {
            return "shared_lock";
        }
        if (p.startsWith("dependencies/")) {
            return "workspace_dependencies";
        }
        if (isFileResource(p) || p.contains(".fileset/")) {
            return "resource";
        }
        String fileName = p.substring(p.lastIndexOf('/') + 1);
        int dot = fileName.lastIndexOf('.');
        String ext = dot <= 0 ? "" : fileName.substring(dot);
        String name = dot <= 0 ? fileName : fileName.substring(0, dot);
        if (Set.of(
                                ".go", ".ts", ".sh", ".py", ".sql", ".gql", ".ps1", ".js", ".php", ".rs", ".cs", ".nu",
                                ".java", ".rb", ".r")
                        .contains(ext)
                || (ext.equals(".yml") && name.endsWith(".playbook") || name.equals("playbook"))) {
            return "script";
        }
        if (name.equals("folder.meta") || name.matches("folder\\.[^.]+\\.meta")) {
            return "folder";
        }
        if (name.equals("settings") || name.matches("settings\\.[^.]+")) {
            return "settings";
        }
        if (name.equals("encryption_key") || name.matches("encryption_key\\.[^.]+")) {
            return "encryption_key";
        }
        String ending = name.substring(name.lastIndexOf('.') + 1);
        if (ending.endsWith("_native_trigger")) {
            return "native_trigger";
        }
        return TYPE_ENDINGS.contains(ending) ? ending : null;
    }

    /** The CLI's {@code ignoreF(...)} predicate. */
    private boolean ignore(String p, boolean isDirectory) {
        if (p.equals("locks") || p.startsWith("locks/")) {
            return true;
        }
        if (!isDirectory && p.endsWith(".resource-type.yaml")) {
            return options.has(Flag.SKIP_RESOURCE_TYPES);
        }
        if (!isDirectory) {
            String type = typeOf(p);
            if (type != null) {
                if (options.has(Flag.INCLUDE_USERS) && type.equals("user")
                        || options.has(Flag.INCLUDE_GROUPS) && type.equals("group")
                        || options.has(Flag.INCLUDE_SETTINGS) && type.equals("settings")
                        || options.has(Flag.INCLUDE_KEY) && type.equals("encryption_key")
                        || !options.has(Flag.SKIP_WORKSPACE_DEPENDENCIES) && type.equals("workspace_dependencies")
                        || type.equals("shared_lock")
                        || !options.has(Flag.SKIP_DATATABLE_MIGRATIONS) && type.equals("datatable_migration")) {
                    return false;
                }
            }
        }
        return !isWhitelisted(p)
                && (isNotWmillFile(p, isDirectory) || !isDirectory && whitelist != null && !whitelist.approve(p));
    }

    private static boolean isWhitelisted(String p) {
        return Set.of("", "u", "f", "g", "ui", "users", "groups", "dependencies", "locks", "migrations")
                .contains(p);
    }

    private static boolean underKnownRoot(String p) {
        return p.startsWith("u/")
                || p.startsWith("f/")
                || p.startsWith("g/")
                || p.startsWith("users/")
                || p.startsWith("groups/")
                || p.startsWith("dependencies/");
    }

    private boolean isNotWmillFile(String p, boolean isDirectory) {
        if (p.startsWith("ui/")) {
            return true;
        }
        if (isDirectory) {
            return !underKnownRoot(p) && !p.startsWith("locks/") && !p.startsWith("migrations/");
        }
        if (isScriptModulePath(p)) {
            return Dbt.isPulledAway(p);
        }
        String type = typeOf(p);
        if (type == null) {
            return true;
        }
        return switch (type) {
            case "datatable_migration", "shared_lock" -> false;
            case "resource-type", "settings", "encryption_key" -> p.contains("/");
            default -> !underKnownRoot(p);
        };
    }

    /** The per-file checks of the CLI's {@code elementsToMap}. */
    private boolean elementsToMapKeeps(Produced file) {
        String path = file.path;
        if (isScriptModulePath(path)) {
            return !options.has(Flag.SKIP_SCRIPTS);
        }
        boolean rawAppFile = path.contains(rawAppSuffix() + "/");
        if (!isFileResource(path) && !path.contains(".fileset/") && !rawAppFile && !path.startsWith("dependencies/")) {
            if (path.endsWith(".json")) {
                return false;
            }
            String ext = path.substring(path.lastIndexOf('.') + 1);
            if (!KEPT_EXTENSIONS.contains(ext)) {
                return false;
            }
        }
        if (rawAppFile) {
            String suffix = path.substring(
                    path.lastIndexOf(rawAppSuffix() + "/") + rawAppSuffix().length() + 1);
            if (!suffix.isEmpty() && !deploysWithRawApp(suffix)) {
                return false;
            }
        }
        if (options.has(Flag.SKIP_RESOURCES) && (isFileResource(path) || path.contains(".fileset/"))) {
            return false;
        }
        if (!options.has(Flag.INCLUDE_SCHEDULES) && path.endsWith(".schedule.yaml")) {
            return false;
        }
        if (!options.has(Flag.INCLUDE_TRIGGERS)) {
            for (String suffix : TRIGGER_SUFFIXES) {
                if (path.endsWith(suffix + ".yaml")) {
                    return false;
                }
            }
        }
        if (!options.has(Flag.INCLUDE_USERS) && path.endsWith(".user.yaml")
                || !options.has(Flag.INCLUDE_GROUPS) && path.endsWith(".group.yaml")
                || !options.has(Flag.INCLUDE_SETTINGS) && path.equals("settings.yaml")
                || options.has(Flag.SKIP_RESOURCES) && path.endsWith(".resource.yaml")
                || options.has(Flag.SKIP_RESOURCE_TYPES) && path.endsWith(".resource-type.yaml")) {
            return false;
        }
        String type = typeOf(path);
        if (type != null) {
            if (options.has(Flag.SKIP_VARIABLES) && type.equals("variable")
                    || options.has(Flag.SKIP_SCRIPTS) && (type.equals("script") || type.equals("shared_lock"))
                    || options.has(Flag.SKIP_FLOWS) && type.equals("flow")
                    || options.has(Flag.SKIP_APPS) && type.equals("app")
                    || options.has(Flag.SKIP_FOLDERS) && type.equals("folder")
                    || options.has(Flag.SKIP_WORKSPACE_DEPENDENCIES) && type.equals("workspace_dependencies")
                    || options.has(Flag.SKIP_DATATABLE_MIGRATIONS) && type.equals("datatable_migration")) {
                return false;
            }
        }
        return !(options.has(Flag.SKIP_SECRETS) && path.endsWith(".variable.yaml") && file.secret);
    }
}
