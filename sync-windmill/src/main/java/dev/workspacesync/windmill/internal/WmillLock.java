package dev.workspacesync.windmill.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspacesync.core.SnapshotEntry;
import dev.workspacesync.windmill.WindmillPullOptions;
import dev.workspacesync.windmill.WindmillPullOptions.Flag;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The {@code wmill-lock.yaml} that {@code wmill sync pull} (1.819.0) leaves in an empty directory: lock format
 * v2, one content hash per script (per module file for {@code __mod} scripts), per flow and per app, computed
 * from the files as pulled. The CLI uses it to tell which metadata went stale; {@code wmill sync push} does not
 * need it, but a backup without it churns as soon as someone runs the CLI in the repository.
 */
public final class WmillLock {
    public static final String FILE = "wmill-lock.yaml";

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The CLI's {@code inferContentTypeFromFilePath}, first match wins; {@code .ts} is {@code defaultTs}. */
    private static final String[][] LANGUAGE_BY_SUFFIX = {
        {".py", "python3"},
        {"fetch.ts", "nativets"},
        {"bun.ts", "bun"},
        {"deno.ts", "deno"},
        {".ts", null},
        {".go", "go"},
        {".my.sql", "mysql"},
        {".bq.sql", "bigquery"},
        {".odb.sql", "oracledb"},
        {".duckdb.sql", "duckdb"},
        {".sf.sql", "snowflake"},
        {".ms.sql", "mssql"},
        {".pg.sql", "postgresql"},
        {".gql", "graphql"},
        {".sh", "bash"},
        {".ps1", "powershell"},
        {".php", "php"},
        {".rs", "rust"},
        {".cs", "csharp"},
        {".playbook.yml", "ansible"},
        {".nu", "nu"},
        {".java", "java"},
        {".rb", "ruby"},
        {".r", "rlang"}
    };
    /** Raw app backend files: extension to language, in the CLI's {@code EXTENSION_TO_LANGUAGE} order. */
    private static final String[][] BACKEND_LANGUAGES = {
        {"py", "python3"},
        {"bun.ts", "bun"},
        {"deno.ts", "deno"},
        {"go", "go"},
        {"sh", "bash"},
        {"ps1", "powershell"},
        {"pg.sql", "postgresql"},
        {"my.sql", "mysql"},
        {"bq.sql", "bigquery"},
        {"odb.sql", "oracledb"},
        {"sf.sql", "snowflake"},
        {"ms.sql", "mssql"},
        {"gql", "graphql"},
        {"native.ts", "nativets"},
        {"frontend.js", "frontend"},
        {"php", "php"},
        {"rs", "rust"},
        {"cs", "csharp"},
        {"nu", "nu"},
        {"playbook.yml", "ansible"},
        {"java", "java"},
        {"duckdb.sql", "duckdb"},
        {"rb", "ruby"},
        {"ts", null}
    };
    /** Workspace dependency files: language and file name, in the CLI's table order. */
    private static final String[][] DEPENDENCY_FILES = {
        {"bun", "package.json"},
        {"python3", "requirements.in"},
        {"php", "composer.json"},
        {"go", "go.mod"},
        {"powershell", "modules.json"}
    };
    /** Per language: the comment that starts a dependency annotation and its keyword. */
    private static final Map<String, String[]> ANNOTATIONS = Map.of(
            "python3", new String[] {"#", "requirements"},
            "bun", new String[] {"//", "package_json"},
            "nativets", new String[] {"//", "package_json"},
            "go", new String[] {"//", "go_mod"},
            "php", new String[] {"//", "composer_json"},
            "powershell", new String[] {"#", "modules_json"});

    private static final Pattern MIGRATION = Pattern.compile("^migrations/datatable/[^/]+/\\d+_.*\\.(up|down)\\.sql$");
    private static final Pattern MODULE_ENTRY = Pattern.compile("^(.*?)__mod/script\\.[^/]*$");

    private final Path tree;
    private final String defaultTs;
    private final String flowSuffix;
    private final String appSuffix;
    private final String rawAppSuffix;
    /** {@code dependencies/<name>} to its text, in name order. */
    private final Map<String, String> dependencies = new LinkedHashMap<>();

    /** Scripts already hashed, by path. */
    private final Set<String> hashed = new java.util.HashSet<>();
    /** Key to hash; the YAML writer sorts the keys as the CLI does. */
    private final Map<String, String> locks = new LinkedHashMap<>();

    /** The trees of the YAML files the pull wrote ({@link PullTransformer#lockInputs()}), by path. */
    private final Map<String, JsonNode> written;

    private WmillLock(Path tree, WindmillPullOptions options, Map<String, JsonNode> written) {
        this.tree = tree;
        this.written = written;
        this.defaultTs = options.defaultTs();
        boolean nonDotted = options.has(Flag.NON_DOTTED_PATHS);
        this.flowSuffix = nonDotted ? "__flow" : ".flow";
        this.appSuffix = nonDotted ? "__app" : ".app";
        this.rawAppSuffix = nonDotted ? "__raw_app" : ".raw_app";
    }

    /** Writes {@code wmill-lock.yaml} into a freshly pulled tree (before the shared UI files join it). */
    public static void write(Path tree, WindmillPullOptions options, Map<String, JsonNode> written) throws IOException {
        Files.writeString(tree.resolve(FILE), render(tree, options, written), StandardCharsets.UTF_8);
    }

    /**
     * The text of {@code wmill-lock.yaml} for a freshly pulled tree.
     *
     * @param written what the pull wrote into the flow, app and raw app runnable YAML files
     *     ({@link PullTransformer#lockInputs()}): those are not parsed back
     */
    public static String render(Path tree, WindmillPullOptions options, Map<String, JsonNode> written)
            throws IOException {
        WmillLock lock = new WmillLock(tree, options, written);
        List<String> files = new ArrayList<>();
        lock.walk("", files);
        lock.readDependencies();
        for (String p : files) {
            lock.script(p);
        }
        for (String p : files) {
            lock.flowOrApp(p, files);
        }
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "v2");
        ObjectNode entries = root.putObject("locks");
        lock.locks.forEach(entries::put);
        return CliYaml.write(root);
    }

    /** Every pulled file, names in byte order as Node's {@code readdir} gives them; dot dirs skipped. */
    private void walk(String dir, List<String> out) throws IOException {
        for (String name : list(dir)) {
            String p = dir.isEmpty() ? name : dir + "/" + name;
            Path file = tree.resolve(p);
            if (Files.isDirectory(file)) {
                if (!name.startsWith(".") && !name.equals("node_modules") && !p.equals("ui")) {
                    walk(p, out);
                }
            } else if (Files.isRegularFile(file)) {
                out.add(p);
            }
        }
    }

    private List<String> list(String dir) throws IOException {
        Path path = dir.isEmpty() ? tree : tree.resolve(dir);
        if (!Files.isDirectory(path)) {
            return List.of();
        }
        try (Stream<Path> children = Files.list(path)) {
            return children.map(c -> c.getFileName().toString())
                    .sorted(Comparator.comparing(
                            (String n) -> n.getBytes(StandardCharsets.UTF_8), java.util.Arrays::compareUnsigned))
                    .toList();
        }
    }

    private boolean exists(String p) {
        return Files.isRegularFile(tree.resolve(p));
    }

    /** File text as the CLI reads it: UTF-8 without a leading byte order mark. */
    private String read(String p) throws IOException {
        byte[] bytes = Files.readAllBytes(tree.resolve(p));
        int start = bytes.length >= 3 && bytes[0] == (byte) 0xEF && bytes[1] == (byte) 0xBB && bytes[2] == (byte) 0xBF
                ? 3
                : 0;
        return new String(bytes, start, bytes.length - start, StandardCharsets.UTF_8);
    }

    private void readDependencies() throws IOException {
        for (String name : list("dependencies")) {
            String p = "dependencies/" + name;
            if (exists(p) && dependencyInfo(p) != null) {
                dependencies.put(p, read(p));
            }
        }
    }

    /** Language and name ({@code null} for the default file) of a workspace dependency file. */
    static String[] dependencyInfo(String p) {
        String rel = p.replaceFirst("^dependencies/", "");
        for (String[] row : DEPENDENCY_FILES) {
            if (rel.endsWith(row[1])) {
                String name = rel.equals(row[1]) ? null : rel.replaceFirst(Pattern.quote("." + row[1]), "");
                return new String[] {row[0], name};
            }
        }
        return null;
    }

    /** The dependency files a script of this language and content uses, added to {@code into} in order. */
    private void filterDependencies(String content, String language, Map<String, String> into) {
        List<String> named = annotation(content, language);
        dependencies.forEach((p, text) -> {
            String[] info = dependencyInfo(p);
            if (info[0].equals(language)
                    && (named != null ? named.contains(info[1] == null ? "default" : info[1]) : info[1] == null)) {
                into.put(p, text);
            }
        });
    }

    /** The names of an {@code extra_requirements:}-style annotation, or null without one. */
    private static List<String> annotation(String content, String language) {
        String[] config = annotationConfig(language);
        if (config == null) {
            return null;
        }
        String comment = config[0];
        String keyword = config[1];
        for (String line : content.split("\n", -1)) {
            if (!line.startsWith(comment)) {
                continue;
            }
            String rest = jsTrimStart(line.substring(comment.length()));
            if (rest.startsWith("extra_" + keyword + ":") || rest.startsWith("extra-" + keyword + ":")) {
                return annotationNames(
                        line,
                        line.contains("extra_" + keyword + ":") ? "extra_" + keyword + ":" : "extra-" + keyword + ":",
                        comment);
            } else if (rest.startsWith(keyword + ":")) {
                return annotationNames(line, keyword + ":", comment);
            }
        }
        return null;
    }

    /** The comment and keyword of a language's dependency annotation, or null for languages without one. */
    static String[] annotationConfig(String language) {
        return language == null ? null : ANNOTATIONS.get(language);
    }

    /** The dependency file names an annotation line lists. */
    static List<String> annotationNames(String line, String marker, String comment) {
        List<String> names = new ArrayList<>();
        for (String part : line.replace(marker, "").replace(comment, "").split(",", -1)) {
            String name = jsTrim(part);
            if (!name.isEmpty()) {
                names.add(name);
            }
        }
        return names;
    }

    /** JavaScript's white space and line terminators, as {@code trim()} removes them. */
    private static boolean jsSpace(char c) {
        return c == '\t'
                || c == '\n'
                || c == 0x0B
                || c == '\f'
                || c == '\r'
                || c == '\uFEFF'
                || Character.isSpaceChar(c);
    }

    static String jsTrimStart(String s) {
        int i = 0;
        while (i < s.length() && jsSpace(s.charAt(i))) {
            i++;
        }
        return s.substring(i);
    }

    static String jsTrim(String s) {
        String start = jsTrimStart(s);
        int end = start.length();
        while (end > 0 && jsSpace(start.charAt(end - 1))) {
            end--;
        }
        return start.substring(0, end);
    }

    private String language(String p) {
        return scriptLanguage(p, defaultTs);
    }

    /** The language of a script file (the CLI's {@code inferContentTypeFromFilePath}), or null if unknown. */
    static String scriptLanguage(String p, String defaultTs) {
        for (String[] row : LANGUAGE_BY_SUFFIX) {
            if (p.endsWith(row[0])) {
                return row[1] == null ? defaultTs : row[1];
            }
        }
        return null;
    }

    private static boolean inFlowOrAppFolder(String p) {
        return Stream.of(".flow/", ".app/", ".raw_app/", "__flow/", "__app/", "__raw_app/")
                .anyMatch(p::contains);
    }

    /** A standalone, {@code __mod} or dbt script: its hash, or a top hash and one per module file. */
    private void script(String p) throws IOException {
        if (p.endsWith(".script.yaml") || p.endsWith(".script.json")) {
            // A dbt project is found through its metadata: its descriptor may not exist (an empty one is not
            // written), and the CLI then hashes it as empty.
            String base = p.substring(0, p.length() - ".script.yaml".length());
            if (Dbt.scriptBase(p) == null && exists(base + Dbt.SUFFIX + "/dbt_project.yml")) {
                moduleScript(base, base + Dbt.SUFFIX + "/" + Dbt.DESCRIPTOR, "dbt", p);
            }
            return;
        }
        if (MIGRATION.matcher(p).matches()
                || !PullTransformer.hasScriptExt(p)
                || inFlowOrAppFolder(p)
                || p.startsWith("dependencies/")
                || p.contains(".resource.file.")
                || p.contains(".fileset/")) {
            return;
        }
        boolean folderLayout = Dbt.scriptBase(p) != null;
        String remote;
        if (Dbt.isDescriptor(p)) {
            remote = Dbt.scriptBase(p);
        } else if (folderLayout) {
            Matcher entry = MODULE_ENTRY.matcher(p);
            if (!entry.matches()) {
                return; // a module file: hashed with its script
            }
            remote = entry.group(1);
        } else {
            remote = p.substring(0, p.indexOf('.'));
        }
        String metadata = Stream.of(".script.json", ".script.yaml", "__mod/script.json", "__mod/script.yaml")
                .map(s -> remote + s)
                .filter(this::exists)
                .findFirst()
                .orElse(null);
        if (metadata == null) {
            return; // the pull always writes metadata; the CLI would invent some here
        }
        moduleScript(remote, p, Dbt.isDescriptor(p) ? "dbt" : language(p), metadata);
    }

    private void moduleScript(String remote, String contentFile, String language, String metadata) throws IOException {
        if (!hashed.add(remote)) {
            return; // a dbt project found through both its metadata and its descriptor
        }
        boolean folderLayout = Dbt.scriptBase(contentFile) != null;
        boolean dbt = "dbt".equals(language);
        String content = exists(contentFile) ? read(contentFile) : "";
        Map<String, String> used = new LinkedHashMap<>();
        filterDependencies(content, language, used);
        String hash = sha256(json(used) + content + read(metadata));
        String moduleFolder = folderLayout
                ? contentFile.substring(0, contentFile.lastIndexOf('/'))
                : contentFile.substring(0, contentFile.indexOf('.')) + "__mod";
        List<String[]> modules = new ArrayList<>();
        if (Files.isDirectory(tree.resolve(moduleFolder))) {
            Set<String> skipped = dbt ? Dbt.generatedDirs(tree.resolve(moduleFolder)) : Set.of();
            moduleHashes(moduleFolder, "", folderLayout, dbt, skipped, modules);
        }
        if (modules.isEmpty()) {
            locks.put(remote, hash);
            return;
        }
        List<String[]> sorted = new ArrayList<>(modules);
        sorted.sort((a, b) -> Collation.compare(a[0], b[0]));
        StringBuilder pairs = new StringBuilder("[");
        for (String[] m : sorted) {
            pairs.append(pairs.length() > 1 ? "," : "")
                    .append('[')
                    .append(CliYaml.jsonString(m[0]))
                    .append(',')
                    .append(CliYaml.jsonString(m[1]))
                    .append(']');
        }
        locks.put(remote + "+__script_hash", sha256(hash + pairs.append(']')));
        for (String[] m : modules) {
            locks.put(remote + "+" + m[0], m[1]);
        }
    }

    /**
     * The CLI's {@code computeModuleHashes}. A dbt project is hashed verbatim (every bundled file but the
     * descriptor and generated directories); other module folders hash their code files only.
     */
    private void moduleHashes(
            String folder, String rel, boolean folderLayout, boolean verbatim, Set<String> skipped, List<String[]> out)
            throws IOException {
        String dir = rel.isEmpty() ? folder : folder + "/" + rel;
        for (String name : list(dir)) {
            String childRel = rel.isEmpty() ? name : rel + "/" + name;
            Path child = tree.resolve(dir + "/" + name);
            boolean topLevel = rel.isEmpty();
            if (Files.isDirectory(child)) {
                if (!Dbt.isUnder(childRel, skipped)) {
                    moduleHashes(folder, childRel, folderLayout, verbatim, skipped, out);
                }
            } else if (Files.isRegularFile(child)
                    && (verbatim || !name.endsWith(".lock"))
                    && !(folderLayout && topLevel && name.startsWith("script."))
                    && !(verbatim && topLevel && name.equals(Dbt.DESCRIPTOR))
                    && (verbatim ? Dbt.isBundled(child) : language(name) != null)) {
                out.add(new String[] {childRel, sha256(read(dir + "/" + name) + json(dependencies))});
            }
        }
    }

    /** A flow, app or raw app folder, found by its {@code flow.yaml}, {@code app.yaml} or {@code raw_app.yaml}. */
    private void flowOrApp(String p, List<String> files) throws IOException {
        String folder;
        String kind;
        if (p.endsWith(flowSuffix + "/flow.yaml")) {
            folder = p.substring(0, p.length() - "/flow.yaml".length());
            kind = "flow";
        } else if (p.endsWith(rawAppSuffix + "/raw_app.yaml")) {
            folder = p.substring(0, p.length() - "/raw_app.yaml".length());
            kind = "raw_app";
        } else if (p.endsWith(appSuffix + "/app.yaml")) {
            folder = p.substring(0, p.length() - "/app.yaml".length());
            kind = "app";
        } else {
            return;
        }
        // The CLI only resolves dependencies for folders whose pull added a script file; others hash with none.
        boolean hasScripts =
                files.stream().anyMatch(f -> f.startsWith(folder + "/") && PullTransformer.hasScriptExt(f));
        Map<String, String> used = new LinkedHashMap<>();
        if (hasScripts) {
            List<JsonNode> scripts = new ArrayList<>();
            if (kind.equals("raw_app")) {
                scripts.addAll(appScripts(backendRunnables(folder + "/backend")));
            } else {
                writtenTree(p).forEach(scripts::add);
            }
            for (JsonNode s : scripts) {
                String content = s.path("content").asText("");
                if (content.startsWith("!inline ")) {
                    String file = folder + "/" + content.substring("!inline ".length());
                    if (!exists(file)) {
                        continue;
                    }
                    content = read(file);
                }
                filterDependencies(content, s.path("language").asText(null), used);
            }
        }
        String dir = kind.equals("raw_app") ? folder + "/backend" : folder;
        Map<String, String> hashes = new TreeMap<>(); // the CLI sorts these by UTF-16 code units
        String usedJson = json(used);
        for (String name : list(dir)) {
            if (exists(dir + "/" + name)
                    && PullTransformer.hasScriptExt(name)
                    && !(kind.equals("app") && (name.endsWith("app.yaml") || name.endsWith("app.json")))) {
                hashes.put(name, sha256(read(dir + "/" + name) + usedJson));
            }
        }
        hashes.forEach((name, hash) -> locks.put(folder + "+" + name, hash));
        locks.put(folder + (kind.equals("flow") ? "+__flow_hash" : "+__app_hash"), sha256(json(hashes)));
    }

    /** The tree the pull wrote to a YAML file (the CLI parses the file back; this is what it reads). */
    private JsonNode writtenTree(String p) {
        JsonNode node = written.get(p);
        if (node == null) {
            throw new IllegalStateException("wmill-lock.yaml: " + p + " was not written by this pull");
        }
        return node;
    }

    /** What the lock needs of a flow as written: its rawscript steps' content and language, in order. */
    static JsonNode flowLockInput(JsonNode flow) {
        return compact(flowScripts(flow.path("value")));
    }

    /** What the lock needs of an app as written: its inline scripts' content and language, in order. */
    static JsonNode appLockInput(JsonNode app) {
        return compact(appScripts(app.path("value")));
    }

    private static JsonNode compact(List<JsonNode> scripts) {
        var out = JSON.createArrayNode();
        for (JsonNode s : scripts) {
            ObjectNode o = out.addObject();
            o.set("content", s.get("content"));
            o.set("language", s.get("language"));
        }
        return out;
    }

    /** The rawscript steps of a flow, in the CLI's order: modules, failure module, preprocessor module. */
    private static List<JsonNode> flowScripts(JsonNode value) {
        List<JsonNode> out = new ArrayList<>();
        flowScripts(value.path("modules"), out);
        for (String special : List.of("failure_module", "preprocessor_module")) {
            if (value.path(special).isObject()) {
                flowScripts(JSON.createArrayNode().add(value.get(special)), out);
            }
        }
        return out;
    }

    private static void flowScripts(JsonNode modules, List<JsonNode> out) {
        for (JsonNode m : modules) {
            JsonNode v = m.path("value");
            switch (v.path("type").asText("")) {
                case "rawscript" -> out.add(v);
                case "forloopflow", "whileloopflow" -> flowScripts(v.path("modules"), out);
                case "branchall" -> v.path("branches").forEach(b -> flowScripts(b.path("modules"), out));
                case "branchone" -> {
                    v.path("branches").forEach(b -> flowScripts(b.path("modules"), out));
                    flowScripts(v.path("default"), out);
                }
                case "aiagent" ->
                    v.path("tools").forEach(t -> {
                        JsonNode tv = t.path("value");
                        if (tv.path("tool_type").asText("").equals("flowmodule")
                                && tv.path("type").asText("").equals("rawscript")) {
                            out.add(tv);
                        }
                    });
                default -> {}
            }
        }
    }

    /**
     * The inline scripts of an app in the order the CLI meets them: it walks arrays with {@code Promise.all},
     * so a script is reached at a "tick" that depends on its nesting, and ties go to the depth-first order.
     */
    private static List<JsonNode> appScripts(JsonNode value) {
        List<Found> found = new ArrayList<>();
        tick(value, 0, found);
        found.sort(Comparator.comparingInt(Found::tick).thenComparingInt(Found::order));
        return found.stream().map(Found::script).toList();
    }

    /** An inline script of an app, the tick the CLI reaches it at, and its depth-first position. */
    private record Found(int tick, int order, JsonNode script) {}

    private static int tick(JsonNode node, int t0, List<Found> found) {
        if (node.isArray()) {
            if (node.isEmpty()) {
                return t0 + 1;
            }
            int max = t0;
            for (JsonNode item : node) {
                max = Math.max(max, tick(item, t0, found));
            }
            return max + 2;
        }
        if (!node.isObject()) {
            return t0;
        }
        List<String> keys = new ArrayList<>();
        node.fieldNames().forEachRemaining(keys::add);
        keys.sort(CliYaml.KEY_ORDER);
        int t = t0;
        for (String key : keys) {
            JsonNode v = node.get(key);
            if (key.equals("inlineScript") && v.isObject()) {
                if (truthy(v.get("content")) && truthy(v.get("language"))) {
                    found.add(new Found(t, found.size(), v));
                }
                t += 1;
            } else {
                t = tick(v, t, found) + 1;
            }
        }
        return t;
    }

    private static boolean truthy(JsonNode v) {
        return v != null
                && !v.isNull()
                && !(v.isTextual() && v.asText().isEmpty())
                && !(v.isBoolean() && !v.asBoolean());
    }

    /**
     * A {@code backend/*.yaml} a raw app carries verbatim among its files, read as the CLI's {@code yamlParseFile}
     * reads it (YAML 1.2). What it cannot read makes the CLI's pull fail too ("Error parsing yaml"): the pull fails
     * naming the file rather than hashing something else.
     */
    private JsonNode verbatim(String p) throws IOException {
        String text = read(p);
        try {
            return CliYamlRead.read(text);
        } catch (RuntimeException e) {
            throw new dev.workspacesync.core.SourceException(
                    "The raw app file " + p
                            + " is not YAML the wmill CLI can read (its own pull fails on it too): "
                            + String.valueOf(e.getMessage()).lines().findFirst().orElse("")
                            + ". Fix the file in the raw app in Windmill.",
                    e);
        }
    }

    /** The CLI's {@code loadRunnablesFromBackend}: runnable YAML files joined with their code files. */
    private JsonNode backendRunnables(String backend) throws IOException {
        List<String> files =
                list(backend).stream().filter(n -> exists(backend + "/" + n)).toList();
        ObjectNode runnables = JSON.createObjectNode();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (String f : files) {
            if (!f.endsWith(".yaml")) {
                continue;
            }
            String id = f.replaceFirst(Pattern.quote(".yaml"), "");
            seen.add(CliNames.lowerCase(id));
            String p = backend + "/" + f;
            JsonNode runnable = written.containsKey(p) ? written.get(p).deepCopy() : verbatim(p);
            if (runnable != null
                    && runnable.isObject()
                    && "inline".equals(runnable.path("type").asText())) {
                ObjectNode code = codeFile(backend, files, id);
                if (code != null) {
                    ((ObjectNode) runnable).set("inlineScript", code);
                }
            }
            runnables.set(id, runnable == null ? JSON.nullNode() : runnable);
        }
        for (String f : files) {
            if (f.endsWith(".yaml") || f.endsWith(".lock")) {
                continue;
            }
            String id = null;
            for (String[] row : BACKEND_LANGUAGES) {
                if (f.endsWith("." + row[0])) {
                    id = f.substring(0, f.length() - row[0].length() - 1);
                    break;
                }
            }
            if (id == null || !seen.add(CliNames.lowerCase(id))) {
                continue;
            }
            ObjectNode code = codeFile(backend, files, id);
            if (code != null) {
                ObjectNode runnable = runnables.putObject(id);
                runnable.put("type", "inline");
                runnable.set("inlineScript", code);
            }
        }
        return runnables;
    }

    private ObjectNode codeFile(String backend, List<String> files, String id) throws IOException {
        String prefix = CliNames.lowerCase(id) + ".";
        for (String f : files) {
            if (f.endsWith(".yaml")
                    || f.endsWith(".lock")
                    || !CliNames.lowerCase(f).startsWith(prefix)) {
                continue;
            }
            String ext = f.substring(id.length() + 1);
            for (String[] row : BACKEND_LANGUAGES) {
                if (row[0].equals(ext)) {
                    ObjectNode code = JSON.createObjectNode();
                    code.put("content", read(backend + "/" + f));
                    code.put("language", row[1] == null ? defaultTs : row[1]);
                    return code;
                }
            }
        }
        return null;
    }

    /** {@code JSON.stringify} of a string-to-string map in its iteration order. */
    private static String json(Map<String, String> map) {
        StringBuilder out = new StringBuilder("{");
        map.forEach((k, v) -> out.append(out.length() > 1 ? "," : "")
                .append(CliYaml.jsonString(k))
                .append(':')
                .append(CliYaml.jsonString(v)));
        return out.append('}').toString();
    }

    private static String sha256(CharSequence text) {
        var digest = SnapshotEntry.newSha256();
        return HexFormat.of().formatHex(digest.digest(text.toString().getBytes(StandardCharsets.UTF_8)));
    }
}
