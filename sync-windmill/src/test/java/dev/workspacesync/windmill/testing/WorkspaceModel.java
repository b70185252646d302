package dev.workspacesync.windmill.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The items of one emulated workspace, kept as the server's export writes them: each item is the JSON object of
 * its archive entry (what {@code tarball_workspace} serialises, with the server's identity keys stripped), plus,
 * for scripts, the code, language, hash and archived flag. Seeded from a {@link WorkspaceArchive} (entries it
 * does not recognise stay as raw entries, served as they came), changed by the write endpoints of
 * {@link WindmillEmulator}, rendered back into an archive. Until its first write a seeded workspace serves its
 * archive verbatim, so static tests see exactly their bytes. Not thread-safe: the emulator locks it.
 */
final class WorkspaceModel {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper SORTED = new ObjectMapper()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(SerializationFeature.INDENT_OUTPUT);

    /** One item: its kind (e.g. {@code script}, {@code http_trigger}), its key (path, name or email). */
    static final class Item {
        final String kind;
        final String key;
        ObjectNode json;
        /** The seeded entry's bytes, served until the item changes (keeps static archives byte-exact). */
        byte[] original;
        // Scripts only.
        String language;
        String code;
        String codeExt;
        byte[] originalCode;
        String hash;
        boolean archived;
        /**
         * Who made the item's latest version and when, as the server records them (a flow's {@code edited_by}
         * and {@code edited_at}, a script version's {@code created_by} and {@code created_at}, …); null for a
         * seeded item (listed as {@link WorkspaceModel#SEED_USER} at {@link WorkspaceModel#SEED_TIME}).
         */
        String changedBy;

        java.time.Instant changedAt;

        Item(String kind, String key, ObjectNode json) {
            this.kind = kind;
            this.key = key;
            this.json = json;
        }
    }

    /** Script extensions, longest first so {@code deno.ts} wins over {@code ts}. */
    static final List<String[]> SCRIPT_EXTENSIONS = List.of(
            new String[] {"playbook.yml", "ansible"},
            new String[] {"dbt.yaml", "dbt"},
            new String[] {"duckdb.sql", "duckdb"},
            new String[] {"fetch.ts", "nativets"},
            new String[] {"deno.ts", "deno"},
            new String[] {"bun.ts", "bun"},
            new String[] {"odb.sql", "oracledb"},
            new String[] {"pg.sql", "postgresql"},
            new String[] {"my.sql", "mysql"},
            new String[] {"bq.sql", "bigquery"},
            new String[] {"sf.sql", "snowflake"},
            new String[] {"ms.sql", "mssql"},
            new String[] {"ps1", "powershell"},
            new String[] {"gql", "graphql"},
            new String[] {"php", "php"},
            new String[] {"java", "java"},
            new String[] {"py", "python3"},
            new String[] {"go", "go"},
            new String[] {"sh", "bash"},
            new String[] {"rs", "rust"},
            new String[] {"cs", "csharp"},
            new String[] {"nu", "nu"},
            new String[] {"rb", "ruby"},
            new String[] {"ts", "bun"},
            new String[] {"r", "r"});

    /** Suffixes of a script's code entry after its path: the dbt descriptor, then {@code .<ext>}. */
    static final List<String[]> SCRIPT_SUFFIXES = scriptSuffixes();

    private static List<String[]> scriptSuffixes() {
        List<String[]> out = new ArrayList<>();
        out.add(new String[] {"__dbt/wm_dbt.yaml", "dbt"});
        for (String[] ext : SCRIPT_EXTENSIONS) {
            out.add(new String[] {"." + ext[0], ext[1]});
        }
        return out;
    }

    static final List<String> TRIGGER_KINDS =
            List.of("http", "websocket", "kafka", "sqs", "gcp", "azure", "nats", "postgres", "mqtt", "amqp", "email");

    private static final Pattern FOLDER = Pattern.compile("f/([^/]+)/folder\\.meta\\.json");
    private static final Pattern TRIGGER = Pattern.compile("(.+)\\.([a-z]+)_trigger\\.json");
    private static final Pattern NATIVE = Pattern.compile("(.+)_native_trigger\\.json");
    private static final Pattern SUFFIXED =
            Pattern.compile("(.+)\\.(script|variable|resource|resource-type|flow|raw_app|app|schedule)\\.json");

    /** entry name of the item's metadata -> item. */
    private final TreeMap<String, Item> items = new TreeMap<>();

    private final TreeMap<String, byte[]> raw = new TreeMap<>();
    private WorkspaceArchive verbatim;
    private int hashCounter;

    /** Seeded from an archive: its key, unless the archive has one, is {@link ServerCrypt#SEED_KEY}. */
    private boolean seeded;

    /** The workspace's display name (a new workspace's settings carry it). */
    private String name;

    static WorkspaceModel empty(String name) {
        WorkspaceModel model = new WorkspaceModel();
        model.name = name;
        return model;
    }

    String name(String fallback) {
        return name != null ? name : fallback;
    }

    /** Seeds from {@code archive}; serves it verbatim until the first write. */
    static WorkspaceModel seeded(WorkspaceArchive archive) {
        WorkspaceModel model = new WorkspaceModel();
        model.seeded = true;
        model.verbatim = archive;
        Map<String, byte[]> entries = new LinkedHashMap<>(archive.entries());
        for (Map.Entry<String, byte[]> e : archive.entries().entrySet()) {
            String[] kk = kindAndKey(e.getKey());
            if (kk == null) {
                continue;
            }
            JsonNode node;
            try {
                node = JSON.readTree(e.getValue());
            } catch (IOException | RuntimeException ex) {
                continue; // a malformed entry is served raw, as the archive has it
            }
            if (!(node instanceof ObjectNode object)) {
                continue;
            }
            Item item = new Item(kk[0], kk[1], object);
            item.original = e.getValue();
            if (item.kind.equals("script")) {
                for (String[] ext : SCRIPT_SUFFIXES) {
                    byte[] code = entries.get(item.key + ext[0]);
                    if (code != null) {
                        item.codeExt = ext[0];
                        item.language = ext[1];
                        item.code = new String(code, StandardCharsets.UTF_8);
                        item.originalCode = code;
                        entries.remove(item.key + ext[0]);
                        break;
                    }
                }
                if (item.code == null && isDbtProject(object.path("modules"))) {
                    // A dbt project whose descriptor is one of its modules: no code entry.
                    item.code = "";
                    item.codeExt = "";
                    item.language = "dbt";
                }
                if (item.code == null) {
                    continue;
                }
                item.hash = model.nextHash(item.key);
            }
            entries.remove(e.getKey());
            model.items.put(e.getKey(), item);
        }
        model.raw.putAll(entries);
        return model;
    }

    /** {kind, key} of an archive entry holding an item's metadata, or null. */
    private static boolean isDbtProject(JsonNode modules) {
        for (JsonNode m : modules) {
            if (m.path("language").asText().equals("dbt")) {
                return true;
            }
        }
        return false;
    }

    static String[] kindAndKey(String entry) {
        Matcher m = FOLDER.matcher(entry);
        if (m.matches()) {
            return new String[] {"folder", m.group(1)};
        }
        if (entry.equals("settings.json")) {
            return new String[] {"settings", ""};
        }
        if (entry.equals("encryption_key.json")) {
            return new String[] {"encryption_key", ""};
        }
        if (entry.startsWith("users/") && entry.endsWith(".user.json")) {
            return new String[] {"user", entry.substring(6, entry.length() - 10)};
        }
        if (entry.startsWith("groups/") && entry.endsWith(".group.json")) {
            return new String[] {"group", entry.substring(7, entry.length() - 11)};
        }
        m = NATIVE.matcher(entry);
        if (m.matches()) {
            return new String[] {"native_trigger", m.group(1)};
        }
        m = TRIGGER.matcher(entry);
        if (m.matches() && TRIGGER_KINDS.contains(m.group(2))) {
            return new String[] {m.group(2) + "_trigger", m.group(1)};
        }
        m = SUFFIXED.matcher(entry);
        if (m.matches()) {
            return new String[] {m.group(2).replace('-', '_'), m.group(1)};
        }
        return null;
    }

    static String entryName(String kind, String key) {
        return switch (kind) {
            case "folder" -> "f/" + key + "/folder.meta.json";
            case "settings" -> "settings.json";
            case "encryption_key" -> "encryption_key.json";
            case "user" -> "users/" + key + ".user.json";
            case "group" -> "groups/" + key + ".group.json";
            case "native_trigger" -> key + "_native_trigger.json";
            case "resource_type" -> key + ".resource-type.json";
            default -> key + "." + kind + ".json";
        };
    }

    String nextHash(String path) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256")
                    .digest((path + "#" + (++hashCounter)).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    Item get(String kind, String key) {
        return items.get(entryName(kind, key));
    }

    List<Item> all(String kind) {
        List<Item> out = new ArrayList<>();
        for (Item i : items.values()) {
            if (i.kind.equals(kind)) {
                out.add(i);
            }
        }
        return out;
    }

    /** Who seeded items are listed as having made, and when. */
    static final String SEED_USER = "admin";

    static final java.time.Instant SEED_TIME = java.time.Instant.parse("2026-01-01T00:00:00Z");

    /** The user whose request the emulator is answering: writes record them (username). */
    String actor = SEED_USER;

    /**
     * Stores (creates or replaces) an item as {@link #actor}'s latest change; the workspace no longer serves
     * its seed verbatim.
     */
    Item put(String kind, String key, ObjectNode json) {
        verbatim = null;
        Item item = new Item(kind, key, json);
        item.changedBy = actor;
        item.changedAt = java.time.Instant.now();
        items.put(entryName(kind, key), item);
        return item;
    }

    /** Marks {@code item} changed in place. */
    void touched(Item item) {
        verbatim = null;
        item.original = null;
        item.originalCode = null;
    }

    boolean remove(String kind, String key) {
        verbatim = null;
        return items.remove(entryName(kind, key)) != null;
    }

    void putRaw(String entry, byte[] content) {
        verbatim = null;
        raw.put(entry, content);
    }

    boolean removeRaw(String entry) {
        verbatim = null;
        return raw.remove(entry) != null;
    }

    Map<String, byte[]> rawEntries() {
        return raw;
    }

    /** The workspace's encryption key: the one set ({@code encryption_key.json}), else its own default. */
    String key(String workspaceId) {
        byte[] key = raw.get("encryption_key.json");
        if (key == null) {
            return seeded ? ServerCrypt.SEED_KEY : ServerCrypt.defaultKey(workspaceId);
        }
        try {
            return JSON.readTree(key).asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The archive the server would export for {@code query} (the tarball's query string); with
     * {@code plain_secret=true} secrets are decrypted with the workspace key, and one that does not decrypt fails
     * the export, as {@code tarball_workspace} does ({@link IllegalStateException}).
     */
    WorkspaceArchive archive(Map<String, String> query, String workspaceId) {
        boolean plain = flag(query, "plain_secret") || flag(query, "plain_secrets");
        boolean key = flag(query, "include_key");
        if (verbatim != null && !plain && (key || !verbatim.entries().containsKey("encryption_key.json"))) {
            return verbatim;
        }
        if (verbatim != null) {
            // The seed as it came, but for its secrets, decrypted, and its key only when asked for (as the server).
            WorkspaceArchive out = new WorkspaceArchive();
            for (Map.Entry<String, byte[]> e : verbatim.entries().entrySet()) {
                Item item = items.get(e.getKey());
                if (e.getKey().equals("encryption_key.json") && !key) {
                    continue;
                }
                if (plain && item != null && isSecret(item)) {
                    out.json(e.getKey(), decrypted(item, workspaceId));
                } else {
                    out.raw(e.getKey(), e.getValue());
                }
            }
            return out;
        }
        String defaultTs = query.getOrDefault("default_ts", "bun");
        boolean skipSecrets = flag(query, "skip_secrets");
        WorkspaceArchive out = new WorkspaceArchive();
        for (Map.Entry<String, Item> e : items.entrySet()) {
            Item item = e.getValue();
            if (!exported(item, query, skipSecrets)) {
                continue;
            }
            if (item.kind.equals("script")) {
                String suffix = item.codeExt != null ? item.codeExt : suffix(item.language, defaultTs);
                byte[] code =
                        item.originalCode != null ? item.originalCode : item.code.getBytes(StandardCharsets.UTF_8);
                if (!suffix.isEmpty()) {
                    out.raw(item.key + suffix, code);
                }
            }
            if (plain && isSecret(item)) {
                out.json(e.getKey(), decrypted(item, workspaceId));
            } else if (item.original != null) {
                out.raw(e.getKey(), item.original);
            } else {
                out.json(e.getKey(), item.json);
            }
        }
        for (Map.Entry<String, byte[]> e : raw.entrySet()) {
            if (e.getKey().startsWith("dependencies/") && "false".equals(query.get("include_workspace_dependencies"))
                    || e.getKey().equals("encryption_key.json") && !flag(query, "include_key")) {
                continue;
            }
            out.raw(e.getKey(), e.getValue());
        }
        return out;
    }

    /** A secret as the export writes it with {@code plain_secret=true}; throws as the server fails the export. */
    private ObjectNode decrypted(Item item, String workspaceId) {
        ObjectNode out = item.original != null ? readObject(item.original) : item.json.deepCopy();
        try {
            out.put(
                    "value",
                    ServerCrypt.decrypt(key(workspaceId), out.path("value").asText()));
        } catch (IllegalArgumentException ex) {
            throw new IllegalStateException("Internal: Error decrypting variable " + item.key + ": " + ex.getMessage());
        }
        return out;
    }

    /** A secret variable with a value (the server decrypts only those). */
    static boolean isSecret(Item item) {
        return item.kind.equals("variable")
                && item.json.path("is_secret").asBoolean(false)
                && item.json.path("value").isTextual();
    }

    private static ObjectNode readObject(byte[] bytes) {
        try {
            return (ObjectNode) JSON.readTree(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean exported(Item item, Map<String, String> query, boolean skipSecrets) {
        return switch (item.kind) {
            case "script" -> !item.archived;
            case "variable" ->
                !flag(query, "skip_variables")
                        && !(skipSecrets && item.json.path("is_secret").asBoolean(false));
            case "resource" -> !flag(query, "skip_resources");
            case "resource_type" -> !flag(query, "skip_resource_types");
            case "schedule" -> flag(query, "include_schedules");
            case "user" -> flag(query, "include_users");
            case "group" -> flag(query, "include_groups");
            case "settings" -> flag(query, "include_settings");
            case "encryption_key" -> flag(query, "include_key");
            default -> !item.kind.endsWith("_trigger") || flag(query, "include_triggers");
        };
    }

    private static boolean flag(Map<String, String> query, String name) {
        return "true".equals(query.get(name));
    }

    /** What follows the path in the name of a script's code entry: {@code .<ext>}, or the dbt descriptor. */
    static String suffix(String language, String defaultTs) {
        return "dbt".equals(language) ? "__dbt/wm_dbt.yaml" : "." + extension(language, defaultTs);
    }

    /** The file extension the export gives a script of {@code language}. */
    static String extension(String language, String defaultTs) {
        if (language == null) {
            return "txt";
        }
        boolean deno = "deno".equals(defaultTs);
        switch (language) {
            case "bun", "bunnative":
                return deno ? "bun.ts" : "ts";
            case "deno":
                return deno ? "ts" : "deno.ts";
            default:
                for (String[] ext : SCRIPT_EXTENSIONS) {
                    if (ext[1].equals(language) && !ext[0].endsWith("ts")) {
                        return ext[0];
                    }
                }
                return language.equals("nativets") ? "fetch.ts" : "txt";
        }
    }

    /**
     * A canonical dump: {@code {kind: {key: object}}} with every object's keys sorted; scripts carry
     * {@code language}, {@code content} and {@code archived} beside their metadata; raw entries under
     * {@code raw} as text. Server-made values (hashes) are left out, so two workspaces that hold the same
     * items dump equal. A secret's value is dumped decrypted ({@code $decrypted: true}): each workspace has its own
     * key, so the same secret is different ciphertext in two workspaces.
     */
    String dump(String workspaceId) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        for (Item item : items.values()) {
            ObjectNode kind = root.has(item.kind) ? (ObjectNode) root.get(item.kind) : root.putObject(item.kind);
            ObjectNode value = item.json.deepCopy();
            if (isSecret(item)) {
                String key = key(workspaceId);
                String stored = value.path("value").asText();
                boolean decrypts = ServerCrypt.decrypts(key, stored);
                value.put("$decrypted", decrypts);
                if (decrypts) {
                    value.put("value", ServerCrypt.decrypt(key, stored));
                }
            }
            if (item.kind.equals("script")) {
                value.put("$language", item.language);
                value.put("$content", item.code);
                value.put("$archived", item.archived);
            }
            kind.set(item.key, value);
        }
        if (!raw.isEmpty()) {
            ObjectNode rawNode = root.putObject("raw");
            raw.forEach((k, v) -> rawNode.put(k, new String(v, StandardCharsets.UTF_8)));
        }
        try {
            return SORTED.writeValueAsString(sorted(root));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode sorted(JsonNode node) {
        if (node instanceof ObjectNode object) {
            TreeMap<String, JsonNode> fields = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                fields.put(e.getKey(), sorted(e.getValue()));
            }
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            fields.forEach(out::set);
            return out;
        }
        if (node instanceof ArrayNode array) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            array.forEach(n -> out.add(sorted(n)));
            return out;
        }
        return node;
    }
}
