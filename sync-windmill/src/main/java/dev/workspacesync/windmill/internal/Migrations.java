package dev.workspacesync.windmill.internal;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspacesync.windmill.internal.PushItems.Group;
import dev.workspacesync.windmill.internal.PushItems.Item;
import dev.workspacesync.windmill.internal.PushItems.Kind;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Datatable migrations as {@code wmill sync push} (1.819.0) applies them: {@code
 * migrations/datatable/<datatable>/<timestamp>_<name>.up.sql} (and its {@code .down.sql}) is one item per
 * datatable and timestamp, written with {@code POST workspaces/upsert_datatable_migration/<datatable>}
 * ({@code pushMigrationFromDisk}) and checked first as {@code validateLocalMigrations} does. A migration the tree
 * lacks stays in the workspace: the CLI deletes one only when the checkout's git history records its deletion,
 * which a snapshot cannot tell.
 */
public final class Migrations {
    private static final Pattern PATH = Pattern.compile("migrations/datatable/([^/]+)/(\\d+)_(.*)\\.(up|down)\\.sql");

    private Migrations() {}

    /** The item of a migration file, or null when {@code p} is none ({@code parseDatatableMigrationPath}). */
    static PushItems.Classified classify(String p) {
        Matcher m = PATH.matcher(p);
        if (!m.matches()) {
            return null;
        }
        String up = "migrations/datatable/" + m.group(1) + "/" + m.group(2) + "_" + m.group(3) + ".up.sql";
        return new PushItems.Classified(
                new Item(Kind.DATATABLE_MIGRATION, m.group(1) + "/" + timestamp(m.group(2)), up, ""), null);
    }

    /** The up file becomes the group's main file (a group may have been started by its down file). */
    static void finish(Map<String, Group> groups) {
        for (Map.Entry<String, Group> e : groups.entrySet()) {
            Group group = e.getValue();
            if (group.item().kind() != Kind.DATATABLE_MIGRATION) {
                continue;
            }
            for (String p : group.files().keySet()) {
                if (p.endsWith(".up.sql")) {
                    Item item = group.item();
                    e.setValue(new Group(new Item(item.kind(), item.remotePath(), p, ""), group.files()));
                    break;
                }
            }
        }
    }

    /** {@code validateLocalMigrations}: one up and one down file per timestamp, a down file only with its up. */
    public static void validate(Map<String, Group> groups, List<String> problems) {
        for (Group group : groups.values()) {
            if (group.item().kind() != Kind.DATATABLE_MIGRATION) {
                continue;
            }
            Map<String, List<String>> byKind = new TreeMap<>();
            for (String p : group.files().keySet()) {
                Matcher m = PATH.matcher(p);
                if (m.matches()) {
                    byKind.computeIfAbsent(m.group(4), k -> new ArrayList<>()).add(m.group(2) + "_" + m.group(3));
                }
            }
            String where = group.item().remotePath();
            byKind.forEach((kind, names) -> {
                if (names.size() > 1) {
                    problems.add("migrations/datatable/" + where + ": " + names.size() + " " + kind
                            + " migrations share the timestamp (" + String.join(", ", names) + ")");
                }
            });
            for (String down : byKind.getOrDefault("down", List.of())) {
                if (!byKind.getOrDefault("up", List.of()).contains(down)) {
                    String dir = where.substring(0, where.lastIndexOf('/'));
                    problems.add("migrations/datatable/" + dir + "/" + down + ".down.sql: has no matching " + down
                            + ".up.sql");
                }
            }
        }
    }

    /** The upsert of one migration: {@code {timestamp, name, code_up[, code_down]}}. */
    static PushRequests.Request upsert(Group local) {
        Matcher m = PATH.matcher(local.item().mainFile());
        if (!m.matches()) {
            throw new IllegalStateException("not a migration: " + local.item().mainFile());
        }
        String base =
                local.item().mainFile().substring(0, local.item().mainFile().length() - ".up.sql".length());
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("timestamp", timestamp(m.group(2)));
        body.put("name", m.group(3));
        body.put("code_up", text(local, base + ".up.sql"));
        String down = text(local, base + ".down.sql");
        if (down != null) {
            body.put("code_down", down);
        }
        return new PushRequests.Request(
                "POST", "workspaces/upsert_datatable_migration/" + WindmillApi.pathSegments(m.group(1)), body);
    }

    /** {@code Number("0042")} in JavaScript: the digits as a number. */
    private static long timestamp(String digits) {
        return Long.parseLong(digits);
    }

    private static String text(Group group, String path) {
        byte[] bytes = group.files().get(path);
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }
}
