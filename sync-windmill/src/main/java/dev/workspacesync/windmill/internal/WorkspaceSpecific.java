package dev.workspacesync.windmill.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspacesync.core.SyncConfigException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Workspace-specific items ({@code wmill.yaml} {@code workspaces.<name>.specificItems} and the server's
 * flags): variables, resources, triggers, schedules, folders and settings that differ per workspace are
 * written as {@code x.<workspace>.variable.yaml} and so on, as {@code wmill sync pull} does.
 */
public final class WorkspaceSpecific {
    private static final String COMMON = "commonSpecificItems";
    private static final List<String> TRIGGERS =
            List.of("http", "websocket", "kafka", "nats", "postgres", "mqtt", "amqp", "sqs", "gcp", "azure", "email");
    private static final List<String> KINDS;
    private static final String KIND_ALTERNATIVES;

    static {
        List<String> kinds = new ArrayList<>(List.of("variable", "resource", "schedule"));
        TRIGGERS.forEach(t -> kinds.add(t + "_trigger"));
        KINDS = List.copyOf(kinds);
        KIND_ALTERNATIVES = String.join("|", KINDS);
    }

    // The CLI's patterns with JavaScript's semantics (see CliNames): `$` is the very end (\\z), `.` JS_DOT.
    private static final String DOT = CliNames.JS_DOT;
    private static final Pattern LOOKS_SPECIFIC = Pattern.compile("\\.[^.]+\\.(?:" + KIND_ALTERNATIVES
            + ")\\.(?:yaml|json)\\z|\\.[^.]+\\.resource\\.file\\." + DOT + "+\\z"
            + "|/folder\\.[^.]+\\.meta\\.(?:yaml|json)\\z|^settings\\.[^.]+\\.(?:yaml|json)\\z");
    private static final Pattern RESOURCE_FILE_SUFFIX = Pattern.compile("\\.resource\\.file\\." + DOT + "+\\z");
    private static final Pattern FILE_RESOURCE_BASE = Pattern.compile("^(" + DOT + "+?)\\.resource\\.file\\.");
    private static final Pattern FILESET_BASE = Pattern.compile("^(" + DOT + "+?)\\.fileset[/\\\\]");

    /**
     * The globs per kind; a null list is a kind not configured. {@code settings} is null when not configured.
     */
    private record Items(
            List<String> variables,
            List<String> resources,
            List<String> triggers,
            List<String> schedules,
            List<String> folders,
            Boolean settings) {}

    private final String name;
    private final Items items;
    private final JsonNode overrides;

    private WorkspaceSpecific(String name, Items items, JsonNode overrides) {
        this.name = name;
        this.items = items;
        this.overrides = overrides;
    }

    /**
     * The CLI's choice for a pull of {@code workspaceId} from {@code baseUrl}: the {@code workspaces} entry
     * named after the workspace, else the one whose {@code baseUrl} and {@code workspaceId} match; its
     * {@code specificItems} merged after {@code commonSpecificItems}; files suffixed with the entry's name,
     * or the workspace id without one.
     *
     * @param wmillYaml the parsed {@code wmill.yaml}, or null
     */
    public static WorkspaceSpecific select(JsonNode wmillYaml, String workspaceId, String baseUrl) {
        JsonNode workspaces = wmillYaml == null ? null : workspaces(wmillYaml);
        if (workspaces == null || !workspaces.isObject()) {
            return new WorkspaceSpecific(workspaceId, null, null);
        }
        String entryName = null;
        if (workspaces.has(workspaceId) && !workspaceId.equals(COMMON)) {
            entryName = workspaceId;
        } else {
            for (Iterator<Map.Entry<String, JsonNode>> it = workspaces.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode entry = e.getValue();
                if (e.getKey().equals(COMMON) || !entry.path("baseUrl").isTextual()) {
                    continue;
                }
                String id = entry.path("workspaceId").isTextual()
                        ? entry.get("workspaceId").asText()
                        : e.getKey();
                if (sameUrl(entry.get("baseUrl").asText(), baseUrl) && id.equals(workspaceId)) {
                    entryName = e.getKey();
                    break;
                }
            }
        }
        JsonNode entry = entryName == null ? null : workspaces.get(entryName);
        JsonNode common = workspaces.get(COMMON);
        JsonNode own = entry == null ? null : entry.get("specificItems");
        Items items = truthy(common) || truthy(own) ? merge(common, own) : null;
        JsonNode overrides = entry != null && entry.path("overrides").isObject() ? entry.get("overrides") : null;
        return new WorkspaceSpecific(entryName != null ? entryName : workspaceId, items, overrides);
    }

    /** The suffix of workspace-specific files: the selected entry's name, or the workspace id. */
    String name() {
        return name;
    }

    /** The {@code overrides} of the selected entry, applied by the CLI on top of every other option. */
    public JsonNode overrides() {
        return overrides;
    }

    /** These rules plus the items the server flags as workspace-specific ({@code list_ws_specific}). */
    public WorkspaceSpecific withServerFlags(JsonNode flagged) {
        if (flagged == null || !flagged.isArray() || flagged.isEmpty()) {
            return this;
        }
        List<String> variables = items == null || items.variables == null ? null : new ArrayList<>(items.variables);
        List<String> resources = items == null || items.resources == null ? null : new ArrayList<>(items.resources);
        for (JsonNode item : flagged) {
            String kind = item.path("item_kind").asText("");
            String pattern = item.path("path").asText("") + "." + kind + ".yaml";
            if (kind.equals("variable")) {
                variables = variables == null ? new ArrayList<>() : variables;
                variables.add(pattern);
            } else if (kind.equals("resource")) {
                resources = resources == null ? new ArrayList<>() : resources;
                resources.add(pattern);
            }
        }
        Items merged = items == null
                ? new Items(variables, resources, null, null, null, null)
                : new Items(variables, resources, items.triggers, items.schedules, items.folders, items.settings);
        return new WorkspaceSpecific(name, merged, overrides);
    }

    /**
     * Applies the rules to a freshly pulled tree: files named like another workspace's copy are dropped (the
     * CLI never pulls them, configured or not), and the items these rules select move to their
     * workspace-specific names. Contents are not changed.
     */
    public void apply(Path tree) throws IOException {
        List<String> files;
        try (Stream<Path> walk = Files.walk(tree)) {
            files = walk.filter(Files::isRegularFile)
                    .map(f -> tree.relativize(f).toString().replace('\\', '/'))
                    .sorted()
                    .toList();
        }
        String suffix = sanitized();
        for (String p : files) {
            Path file = tree.resolve(p);
            if (looksSpecific(p)) {
                String base = fromSpecific(p, suffix);
                boolean ours = !base.equals(p) && items != null && configured(base) && isSpecific(base);
                if (!ours) {
                    Files.delete(file);
                } else {
                    Files.deleteIfExists(tree.resolve(base)); // this workspace's copy wins over the shared one
                }
            } else if (items != null && isSpecific(p)) {
                String target = toSpecific(p, suffix);
                if (!target.equals(p) && Files.exists(file)) {
                    Files.move(file, tree.resolve(target), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private String sanitized() {
        return CliNames.workspaceSuffix(name);
    }

    private static boolean isFileset(String p) {
        return p.contains(".fileset/");
    }

    private static boolean looksSpecific(String p) {
        return !isFileset(p) && LOOKS_SPECIFIC.matcher(p).find();
    }

    private boolean isSpecific(String p) {
        if (p.endsWith(".variable.yaml")) {
            return matches(items.variables, p);
        }
        if (p.endsWith(".resource.yaml")) {
            return matches(items.resources, p);
        }
        if (TRIGGERS.stream().anyMatch(t -> p.endsWith("." + t + "_trigger.yaml"))) {
            return matches(items.triggers, p);
        }
        if (p.endsWith(".schedule.yaml")) {
            return matches(items.schedules, p);
        }
        if (p.endsWith("/folder.meta.yaml")) {
            return matches(items.folders, p.substring(0, p.length() - "/folder.meta.yaml".length()));
        }
        if (p.equals("settings.yaml")) {
            return Boolean.TRUE.equals(items.settings);
        }
        Matcher file = FILE_RESOURCE_BASE.matcher(p);
        if (PullTransformer.isFileResource(p) && file.find()) {
            return matches(items.resources, file.group(1) + ".resource.yaml");
        }
        Matcher fileset = FILESET_BASE.matcher(p);
        if (isFileset(p) && fileset.find()) {
            return matches(items.resources, fileset.group(1) + ".resource.yaml");
        }
        return false;
    }

    /** Whether the list for this path's kind exists at all (the CLI's {@code isItemTypeConfigured}). */
    private boolean configured(String p) {
        if (p.endsWith(".variable.yaml")) {
            return items.variables != null;
        }
        if (p.endsWith(".resource.yaml") || PullTransformer.isFileResource(p) || isFileset(p)) {
            return items.resources != null;
        }
        if (TRIGGERS.stream().anyMatch(t -> p.endsWith("." + t + "_trigger.yaml"))) {
            return items.triggers != null;
        }
        if (p.endsWith(".schedule.yaml")) {
            return items.schedules != null;
        }
        if (p.endsWith("/folder.meta.yaml")) {
            return items.folders != null;
        }
        return p.equals("settings.yaml") && items.settings != null;
    }

    private static boolean matches(List<String> globs, String path) {
        return globs != null && globs.stream().anyMatch(g -> Glob.matches(g, path));
    }

    /** {@code f/a/x.variable.yaml} as {@code f/a/x.<ws>.variable.yaml}, and so on per kind. */
    static String toSpecific(String p, String ws) {
        Matcher folder =
                Pattern.compile("^(" + DOT + "*)/folder\\.meta\\.(yaml|json)").matcher(p);
        if (folder.matches()) {
            return folder.group(1) + "/folder." + ws + ".meta." + folder.group(2);
        }
        Matcher settings = Pattern.compile("^settings\\.(yaml|json)$").matcher(p);
        if (settings.matches()) {
            return "settings." + ws + "." + settings.group(1);
        }
        Matcher file = Pattern.compile("^(" + DOT + "+?)(\\.resource\\.file\\." + DOT + "+)")
                .matcher(p);
        if (file.matches()) {
            return file.group(1) + "." + ws + file.group(2);
        }
        for (String kind : KINDS) {
            for (String ext : List.of(".yaml", ".json")) {
                if (p.endsWith("." + kind + ext)) {
                    return p.substring(0, p.length() - kind.length() - ext.length() - 1) + "." + ws + "." + kind + ext;
                }
            }
        }
        // The CLI's getFileTypeSuffix fallback: unanchored, so it also finds a resource file whose folder
        // holds a line break (which the anchored pattern above cannot cross).
        Matcher suffix = RESOURCE_FILE_SUFFIX.matcher(p);
        if (suffix.find()) {
            return p.substring(0, suffix.start()) + "." + ws + suffix.group();
        }
        return p;
    }

    /** The inverse of {@link #toSpecific} for this workspace; the path itself when it is not this one's. */
    static String fromSpecific(String p, String ws) {
        String q = Pattern.quote(ws);
        Matcher folder = Pattern.compile("(?s)^(.*)/folder\\." + q + "\\.meta\\.(yaml|json)")
                .matcher(p);
        if (folder.matches()) {
            return folder.group(1) + "/folder.meta." + folder.group(2);
        }
        Matcher settings =
                Pattern.compile("^settings\\." + q + "\\.(yaml|json)$").matcher(p);
        if (settings.matches()) {
            return "settings." + settings.group(1);
        }
        Matcher file = Pattern.compile("(?s)^(.*?)\\." + q + "(\\.resource\\.file\\." + DOT + "+)")
                .matcher(p);
        if (file.matches()) {
            return file.group(1) + file.group(2);
        }
        Matcher typed = Pattern.compile("(?s)^(.*)\\." + q + "\\.(" + KIND_ALTERNATIVES + ")\\.(yaml|json)")
                .matcher(p);
        if (typed.matches()) {
            return typed.group(1) + "." + typed.group(2) + "." + typed.group(3);
        }
        return p;
    }

    private static JsonNode workspaces(JsonNode root) {
        if (root.has("workspaces") && !root.get("workspaces").isNull()) {
            return root.get("workspaces");
        }
        for (String legacy : List.of("gitBranches", "environments", "git_branches")) {
            if (truthy(root.get(legacy))) {
                return root.get(legacy);
            }
        }
        return null;
    }

    private static Items merge(JsonNode common, JsonNode own) {
        return new Items(
                list(common, own, "variables"),
                list(common, own, "resources"),
                list(common, own, "triggers"),
                list(common, own, "schedules"),
                list(common, own, "folders"),
                settings(common, own));
    }

    private static List<String> list(JsonNode common, JsonNode own, String key) {
        List<String> merged = null;
        for (JsonNode source : new JsonNode[] {common, own}) {
            JsonNode v = source == null ? null : source.get(key);
            if (!truthy(v)) {
                continue;
            }
            merged = merged == null ? new ArrayList<>() : merged;
            if (v.isTextual()) {
                // JavaScript spreads a string into its characters.
                List<String> target = merged;
                v.asText().codePoints().forEach(c -> target.add(new String(Character.toChars(c))));
            } else if (v.isArray()) {
                for (JsonNode item : v) {
                    if (!item.isTextual()) {
                        throw new SyncConfigException("wmill.yaml specificItems." + key + " holds " + item
                                + ", not a glob: the CLI refuses it too");
                    }
                    merged.add(item.asText());
                }
            } else {
                throw new SyncConfigException("wmill.yaml specificItems." + key + " must be a list of globs, not " + v);
            }
        }
        return merged;
    }

    private static Boolean settings(JsonNode common, JsonNode own) {
        Boolean settings = null;
        for (JsonNode source : new JsonNode[] {common, own}) {
            if (source != null && source.has("settings")) {
                JsonNode v = source.get("settings");
                settings = v.isBoolean() && v.asBoolean();
            }
        }
        return settings;
    }

    private static boolean truthy(JsonNode v) {
        return v != null
                && !v.isNull()
                && !(v.isBoolean() && !v.asBoolean())
                && !(v.isTextual() && v.asText().isEmpty())
                && !(v.isNumber() && v.asDouble() == 0);
    }

    /** WHATWG URL equality as the CLI checks it: scheme and host case, default port, trailing slash. */
    private static boolean sameUrl(String a, String b) {
        try {
            return normalized(a).equals(normalized(b));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String normalized(String url) {
        URI uri = URI.create(url.strip());
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        int port = uri.getPort();
        if (scheme.equals("http") && port == 80 || scheme.equals("https") && port == 443) {
            port = -1;
        }
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        return scheme + "://" + host + (port < 0 ? "" : ":" + port) + path;
    }

    /** The entry's {@code overrides} as wmill.yaml keys over {@code root}, for re-reading the options. */
    public static JsonNode withOverrides(JsonNode root, JsonNode overrides) {
        ObjectNode merged = root.deepCopy();
        overrides.fields().forEachRemaining(f -> merged.set(f.getKey(), f.getValue()));
        return merged;
    }
}
