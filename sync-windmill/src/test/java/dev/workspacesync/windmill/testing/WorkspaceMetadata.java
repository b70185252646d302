package dev.workspacesync.windmill.testing;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspacesync.windmill.testing.WorkspaceApi.Answer;
import dev.workspacesync.windmill.testing.WorkspaceModel.Item;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The list endpoints of one workspace with the metadata the server keeps per kind, in the shapes of its
 * {@code Listable*} structs (windmill-api): {@code scripts/list} (ListableScript: {@code created_at}, no
 * {@code created_by} on current servers), {@code flows/list} (ListableFlow: {@code edited_by}, {@code
 * edited_at}), {@code apps/list} (ListableApp: {@code edited_at}), {@code resources/list} (ListableResource:
 * {@code created_by}, {@code edited_at}), paged by {@code page} and {@code per_page} (default 1000); and the
 * authorship a single get adds ({@code created_by}, {@code created_at} of a script's or app's newest version).
 */
final class WorkspaceMetadata {
    private final String workspace;
    private final WorkspaceModel model;

    WorkspaceMetadata(String workspace, WorkspaceModel model) {
        this.workspace = workspace;
        this.model = model;
    }

    /** The answer to a list endpoint, or null for any other request. */
    Answer list(String method, String rest, Map<String, String> query) {
        if (!method.equals("GET")) {
            return null;
        }
        List<ObjectNode> rows = new ArrayList<>();
        switch (rest) {
            case "scripts/list" -> {
                for (Item item : model.all("script")) {
                    if (item.archived) {
                        continue;
                    }
                    ObjectNode row = row(item);
                    row.put("hash", item.hash);
                    row.put("summary", item.json.path("summary").asText(""));
                    row.put("created_at", at(item).toString());
                    row.put("archived", false);
                    row.put("language", item.language);
                    row.put("starred", false);
                    row.putNull("tag");
                    row.put("has_deploy_errors", false);
                    row.putNull("ws_error_handler_muted");
                    row.put("kind", item.json.path("kind").asText("script"));
                    rows.add(row);
                }
            }
            case "flows/list" -> {
                for (Item item : model.all("flow")) {
                    ObjectNode row = row(item);
                    row.put("workspace_id", workspace);
                    row.put("summary", item.json.path("summary").asText(""));
                    row.put("edited_by", by(item));
                    row.put("edited_at", at(item).toString());
                    row.put("archived", false);
                    row.put("starred", false);
                    row.put("has_draft", false);
                    rows.add(row);
                }
            }
            case "apps/list" -> {
                int id = 0;
                for (String kind : List.of("app", "raw_app")) {
                    for (Item item : model.all(kind)) {
                        ObjectNode row = JsonNodeFactory.instance.objectNode();
                        row.put("id", ++id);
                        row.put("workspace_id", workspace);
                        row.put("path", item.key);
                        row.put("summary", item.json.path("summary").asText(""));
                        row.put("version", 1);
                        row.set("extra_perms", extraPerms(item));
                        row.put("execution_mode", "publisher");
                        row.put("starred", false);
                        row.put("edited_at", at(item).toString());
                        if (kind.equals("raw_app")) {
                            row.put("raw_app", true);
                        }
                        rows.add(row);
                    }
                }
            }
            case "resources/list" -> {
                for (Item item : model.all("resource")) {
                    ObjectNode row = row(item);
                    row.put("workspace_id", workspace);
                    row.set("value", item.json.get("value"));
                    row.put("description", item.json.path("description").asText(""));
                    row.put("resource_type", item.json.path("resource_type").asText(""));
                    row.put("created_by", by(item));
                    row.put("edited_at", at(item).toString());
                    row.put("is_linked", false);
                    row.put("is_refreshed", false);
                    row.put("is_oauth", false);
                    row.put("is_expired", false);
                    row.putNull("refresh_error");
                    row.putNull("account");
                    rows.add(row);
                }
            }
            default -> {
                return null;
            }
        }
        rows.sort((a, b) -> a.path("path").asText().compareTo(b.path("path").asText()));
        int perPage = Integer.parseInt(query.getOrDefault("per_page", "1000"));
        int page = Math.max(1, Integer.parseInt(query.getOrDefault("page", "1")));
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        rows.stream().skip((long) (page - 1) * perPage).limit(perPage).forEach(out::add);
        return Answer.json(out);
    }

    /**
     * A get answer with the authorship the server adds: a script's ({@code scripts/get/p/…}) or app's ({@code
     * apps/get/p/…}) {@code created_by} and {@code created_at}; other answers as they are.
     */
    Answer decorate(String method, String rest, Answer answer) {
        if (!method.equals("GET") || answer == null || answer.status() != 200) {
            return answer;
        }
        Item item = null;
        if (rest.startsWith("scripts/get/p/")) {
            item = model.get("script", rest.substring("scripts/get/p/".length()));
        } else if (rest.startsWith("apps/get/p/")) {
            String path = rest.substring("apps/get/p/".length());
            item = model.get("app", path) != null ? model.get("app", path) : model.get("raw_app", path);
        }
        if (item == null) {
            return answer;
        }
        try {
            ObjectNode out = (ObjectNode) WorkspaceModel.JSON.readTree(answer.body());
            out.put("created_by", by(item));
            out.put("created_at", at(item).toString());
            return Answer.json(out);
        } catch (java.io.IOException | ClassCastException e) {
            return answer;
        }
    }

    private static ObjectNode row(Item item) {
        ObjectNode row = JsonNodeFactory.instance.objectNode();
        row.put("path", item.key);
        row.set("extra_perms", extraPerms(item));
        return row;
    }

    private static ObjectNode extraPerms(Item item) {
        return item.json.get("extra_perms") instanceof ObjectNode perms
                ? perms.deepCopy()
                : JsonNodeFactory.instance.objectNode();
    }

    private static String by(Item item) {
        return item.changedBy != null ? item.changedBy : WorkspaceModel.SEED_USER;
    }

    private static Instant at(Item item) {
        return item.changedAt != null ? item.changedAt : WorkspaceModel.SEED_TIME;
    }
}
