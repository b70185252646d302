package dev.workspacesync.windmill.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A tree in the layout {@code wmill sync pull} writes, seen as workspace items, as {@code wmill sync push}
 * sees it: which files make up which item (a script is its code, {@code .script.yaml} and {@code .script.lock};
 * a flow its {@code .flow/} directory…), and whether two trees hold the same item by the CLI's comparison rules
 * ({@code compareDynFSElement}: YAML and JSON parsed and compared as values, everything else byte for byte).
 */
public final class PushItems {
    /** The kinds of items, in the order {@code wmill sync push} applies them. */
    public enum Kind {
        SETTINGS("settings"),
        KEY("encryption key"),
        USER("user"),
        GROUP("group"),
        FOLDER("folder"),
        RESOURCE_TYPE("resource type"),
        VARIABLE("variable"),
        RESOURCE("resource"),
        DEPENDENCIES("dependencies"),
        SCRIPT("script"),
        FLOW("flow"),
        RAW_APP("raw app"),
        APP("app"),
        SCHEDULE("schedule"),
        TRIGGER("trigger"),
        DATATABLE_MIGRATION("datatable migration");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        /** How people name the kind, e.g. {@code resource type}. */
        public String label() {
            return label;
        }
    }

    /**
     * One item.
     *
     * @param kind its kind
     * @param remotePath its path in the workspace ({@code f/x/y}, a folder's or resource type's name, a user's
     *     email, {@code dependencies/…} for a dependency file)
     * @param mainFile the file that stands for the item in plans ({@code f/x/y.script.yaml}, {@code
     *     f/x/y.flow/flow.yaml})
     * @param subtype the trigger kind ({@code http}, {@code kafka}…) for triggers, else empty
     */
    public record Item(Kind kind, String remotePath, String mainFile, String subtype) {
        public Item {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(remotePath, "remotePath");
            Objects.requireNonNull(mainFile, "mainFile");
            subtype = subtype == null ? "" : subtype;
        }

        /** The identity of the item: kind, subtype and remote path (the main file may differ by layout). */
        public String key() {
            return kind.ordinal() + ":" + subtype + ":" + remotePath;
        }

        /** e.g. {@code script f/x/y}. */
        @Override
        public String toString() {
            return (subtype.isEmpty() ? kind.label() : subtype + " trigger") + " " + remotePath;
        }
    }

    /** What a file is: part of an item, or why it cannot be pushed. */
    public record Classified(Item item, String problem) {}

    private static final List<String> TRIGGERS =
            List.of("http", "websocket", "kafka", "nats", "postgres", "mqtt", "amqp", "sqs", "gcp", "azure", "email");

    private final String flowSuffix;
    private final String appSuffix;
    private final String rawAppSuffix;

    /** A view for the layout of {@code transformer}'s options (dotted or non-dotted directories). */
    public PushItems(PullTransformer transformer) {
        this.flowSuffix = transformer.flowDirSuffix();
        this.appSuffix = transformer.appDirSuffix();
        this.rawAppSuffix = transformer.rawAppDirSuffix();
    }

    /** Suffixes of directories that hold one item. */
    public String flowSuffix() {
        return flowSuffix;
    }

    public String appSuffix() {
        return appSuffix;
    }

    public String rawAppSuffix() {
        return rawAppSuffix;
    }

    /** The item a file belongs to, or the reason it cannot be pushed (unknown or not supported). */
    public Classified classify(String p) {
        int dir = p.indexOf(rawAppSuffix + "/");
        if (dir > 0) {
            String base = p.substring(0, dir);
            return item(Kind.RAW_APP, base, base + rawAppSuffix + "/raw_app.yaml", "");
        }
        dir = p.indexOf(appSuffix + "/");
        if (dir > 0) {
            String base = p.substring(0, dir);
            return item(Kind.APP, base, base + appSuffix + "/app.yaml", "");
        }
        dir = p.indexOf(flowSuffix + "/");
        if (dir > 0) {
            String base = p.substring(0, dir);
            return item(Kind.FLOW, base, base + flowSuffix + "/flow.yaml", "");
        }
        if (p.contains("__mod/") || p.contains("__dbt/")) {
            return ScriptFolders.classify(p);
        }
        if (p.contains(".fileset/")) {
            String base = p.substring(0, p.indexOf(".fileset/"));
            return item(Kind.RESOURCE, base, base + ".resource.yaml", "");
        }
        if (ScriptFolders.isSharedLock(p)) {
            return new Classified(null, "a shared lock file (dedupeLockfiles) is pushed with the scripts using it");
        }
        Classified migration = p.startsWith("migrations/") ? Migrations.classify(p) : null;
        if (migration != null) {
            return migration;
        }
        if (p.startsWith("dependencies/")) {
            return item(Kind.DEPENDENCIES, p, p, "");
        }
        String name = p.substring(p.lastIndexOf('/') + 1);
        if (p.endsWith(".script.yaml")) {
            String base = cut(p, ".script.yaml");
            return item(Kind.SCRIPT, base, p, "");
        }
        if (p.endsWith(".script.lock")) {
            String base = cut(p, ".script.lock");
            return item(Kind.SCRIPT, base, base + ".script.yaml", "");
        }
        // Before the JSON check: a file resource's content may be a .json file.
        int resourceFile = p.lastIndexOf(".resource.file.");
        if (resourceFile > 0) {
            String base = p.substring(0, resourceFile);
            return item(Kind.RESOURCE, base, base + ".resource.yaml", "");
        }
        if (p.endsWith(".script.json") || p.endsWith(".json") && !p.startsWith("dependencies/")) {
            return new Classified(
                    null, "JSON metadata (wmill sync --json) is not supported by the windmill destination");
        }
        if (p.endsWith(".resource.yaml")) {
            return item(Kind.RESOURCE, cut(p, ".resource.yaml"), p, "");
        }
        if (p.endsWith(".variable.yaml")) {
            return item(Kind.VARIABLE, cut(p, ".variable.yaml"), p, "");
        }
        if (p.endsWith(".schedule.yaml")) {
            return item(Kind.SCHEDULE, cut(p, ".schedule.yaml"), p, "");
        }
        if (NativeTriggers.is(p)) {
            return item(Kind.TRIGGER, cut(p, NativeTriggers.SUFFIX), p, NativeTriggers.SUBTYPE);
        }
        for (String trigger : TRIGGERS) {
            String suffix = "." + trigger + "_trigger.yaml";
            if (p.endsWith(suffix)) {
                return item(Kind.TRIGGER, cut(p, suffix), p, trigger);
            }
        }
        if (name.equals("folder.meta.yaml") && p.startsWith("f/") && p.split("/").length == 3) {
            return item(Kind.FOLDER, p.split("/")[1], p, "");
        }
        if (p.endsWith(".resource-type.yaml") && !p.contains("/")) {
            return item(Kind.RESOURCE_TYPE, cut(p, ".resource-type.yaml"), p, "");
        }
        if (p.startsWith("users/") && p.endsWith(".user.yaml")) {
            return item(Kind.USER, cut(p.substring("users/".length()), ".user.yaml"), p, "");
        }
        if (p.startsWith("groups/") && p.endsWith(".group.yaml")) {
            return item(Kind.GROUP, cut(p.substring("groups/".length()), ".group.yaml"), p, "");
        }
        if (p.equals("settings.yaml")) {
            return item(Kind.SETTINGS, "settings", p, "");
        }
        if (p.equals("encryption_key.yaml")) {
            return item(Kind.KEY, "encryption_key", p, "");
        }
        for (String ext : PullTransformer.scriptExtensions()) {
            if (p.endsWith(ext) && p.length() > ext.length()) {
                String base = cut(p, ext);
                return item(Kind.SCRIPT, base, base + ".script.yaml", "");
            }
        }
        return new Classified(null, "is not a file of any Windmill item kind wmill sync push knows");
    }

    private static Classified item(Kind kind, String remote, String main, String subtype) {
        return new Classified(new Item(kind, remote, main, subtype), null);
    }

    private static Classified unsupported(String p, String what) {
        return new Classified(null, "the windmill destination does not push " + what + " yet");
    }

    private static String cut(String p, String suffix) {
        return p.substring(0, p.length() - suffix.length());
    }

    /**
     * The files of a tree grouped by item, in push order (kind, then remote path). Files that are no item
     * are reported in {@code problems} as {@code path: reason}.
     */
    public Map<String, Group> group(Map<String, byte[]> files, List<String> problems) {
        return group(files, Map.of(), problems);
    }

    /**
     * {@link #group(Map, List)} with the tree's shared lock files ({@code locks/…}, which no filter keeps): each
     * joins the group of every script whose metadata references it.
     */
    public Map<String, Group> group(Map<String, byte[]> files, Map<String, byte[]> sharedLocks, List<String> problems) {
        Map<String, Group> groups = new TreeMap<>();
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            if (ScriptFolders.isSharedLock(file.getKey())) {
                continue; // joins its scripts below
            }
            Classified c = classify(file.getKey());
            if (c.item() == null) {
                problems.add(file.getKey() + ": " + c.problem());
                continue;
            }
            groups.computeIfAbsent(sortKey(c.item()), k -> new Group(c.item(), new TreeMap<>()))
                    .files()
                    .put(file.getKey(), file.getValue());
        }
        Map<String, byte[]> locks = new TreeMap<>(sharedLocks);
        files.forEach((p, b) -> {
            if (ScriptFolders.isSharedLock(p)) {
                locks.put(p, b);
            }
        });
        ScriptFolders.finish(groups, locks);
        Migrations.finish(groups);
        return groups;
    }

    private static String sortKey(Item item) {
        return String.format("%02d", item.kind().ordinal()) + ":" + item.subtype() + ":" + item.remotePath();
    }

    /** One item and its files. */
    public record Group(Item item, Map<String, byte[]> files) {
        /** The text of one of its files, or null when it has no such file. */
        public String text(String path) {
            byte[] bytes = files.get(path);
            return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
        }
    }

    /** Whether two groups hold the same item by the CLI's rules. */
    public static boolean same(Group a, Group b) {
        if (!a.files().keySet().equals(b.files().keySet())) {
            return false;
        }
        for (Map.Entry<String, byte[]> file : a.files().entrySet()) {
            if (!sameFile(file.getKey(), file.getValue(), b.files().get(file.getKey()))) {
                return false;
            }
        }
        return true;
    }

    /** YAML and JSON as values, everything else byte for byte (a missing final newline is a change). */
    public static boolean sameFile(String path, byte[] a, byte[] b) {
        if (Arrays.equals(a, b)) {
            return true;
        }
        try {
            if (path.endsWith(".script.yaml")) {
                return scriptMeta(yaml(a)).equals(scriptMeta(yaml(b)));
            }
            if (path.endsWith(".yaml") || path.endsWith(".yml")) {
                return yaml(a).equals(yaml(b));
            }
            if (path.endsWith(".json") && !path.startsWith("dependencies/")) {
                return CliJson.read(a).equals(CliJson.read(b));
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
        return false;
    }

    /**
     * Script metadata as the CLI compares it: a lock written as a list of lines is its lines joined, and the
     * keys the server derives ({@code is_template}, {@code no_main_func}, {@code auto_kind}) do not count.
     */
    private static JsonNode scriptMeta(JsonNode meta) {
        if (!meta.isObject()) {
            return meta;
        }
        com.fasterxml.jackson.databind.node.ObjectNode o = (com.fasterxml.jackson.databind.node.ObjectNode) meta;
        if (o.path("lock").isArray()) {
            List<String> lines = new ArrayList<>();
            o.get("lock").forEach(l -> lines.add(l.asText()));
            o.put("lock", String.join("\n", lines));
        }
        for (String key : List.of("is_template", "no_main_func", "auto_kind")) {
            if (o.hasNonNull(key)) {
                o.remove(key);
            }
        }
        return o;
    }

    /** A YAML file as the CLI's yaml library reads it ({@code !inline x} as the string {@code "!inline x"}). */
    public static JsonNode yaml(byte[] bytes) {
        return CliYamlRead.read(new String(bytes, StandardCharsets.UTF_8));
    }

    /** Lists the files of a tree in a stable order, for messages. */
    public static List<String> paths(Map<String, byte[]> files) {
        return new ArrayList<>(files.keySet());
    }

    /** A copy of {@code files} ordered by path. */
    public static Map<String, byte[]> sorted(Map<String, byte[]> files) {
        return new LinkedHashMap<>(new TreeMap<>(files));
    }
}
