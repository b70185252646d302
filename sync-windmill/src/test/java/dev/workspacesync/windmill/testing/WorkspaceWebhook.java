package dev.workspacesync.windmill.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The server's workspace webhook, as {@code windmill_common::webhook::WebhookShared} sends it: after a change
 * of an item, one {@code WebhookMessage} (serde's internally tagged form, {@code {"type": "CreateScript",
 * "workspace": ..., "path": ..., "hash": ...}}) is POSTed as JSON to the URL of the workspace's settings
 * ({@code workspaces/edit_webhook}; empty or unset: none). One sender sends the events one after the other, with a
 * 5 s timeout and no retry, and ignores the answer. Its HTTP client (reqwest) moves the URL's userinfo into
 * {@code Authorization: Basic} and off the request line; nothing else authenticates it.
 *
 * <p>Which endpoint sends which event follows the server's handlers: {@code scripts/create} sends
 * {@code CreateScript} for a new path and {@code UpdateScript} for a new version (with the new hash),
 * {@code scripts/archive/p} {@code DeleteScript} (a hash, no path), {@code scripts/delete/p} {@code DeleteScriptPath};
 * folders, resources, resource types, variables, flows and apps send Create/Update/Delete with their path or
 * name (updates {@code old_path} and {@code new_path}; resource types no workspace). Schedules, triggers,
 * groups, users and settings send none.
 */
public final class WorkspaceWebhook implements AutoCloseable {
    /** One delivery: the URL without userinfo, the Authorization header sent (null: none), the body, the status (-1: failed). */
    public record Delivery(String url, String authorization, String body, int status) {}

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final ExecutorService sender = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "emulator-workspace-webhook");
        t.setDaemon(true);
        return t;
    });
    private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
    private final List<String> sent = new CopyOnWriteArrayList<>();

    /**
     * The event of a request the emulator just answered with success, or null when the server sends none.
     *
     * @param rest the decoded path after {@code /api/w/{w}/}
     * @param existed for {@code scripts/create}: whether the path had a live script before
     * @param previousHash for {@code scripts/archive/p}: the archived version's hash
     * @param answer the answer's body (a created item's path, a new script's hash)
     */
    static ObjectNode event(
            String workspace,
            String method,
            String rest,
            JsonNode in,
            boolean existed,
            String previousHash,
            String answer) {
        String[] p = rest.split("/", 3);
        if (p.length < 2 || method.equals("GET")) {
            return null;
        }
        String verb = p[1];
        String tail = p.length > 2 ? p[2] : "";
        return switch (p[0]) {
            case "folders" -> named(workspace, "Folder", verb, "create".equals(verb) ? answer : tail);
            case "resources" -> {
                if (verb.equals("type")) {
                    String[] t = tail.split("/", 2);
                    String name = t[0].equals("create") ? answer : t.length > 1 ? t[1] : "";
                    ObjectNode e = message(null, t[0], "ResourceType");
                    yield e == null ? null : e.put("name", name);
                }
                yield path(workspace, "Resource", verb, tail, in, answer);
            }
            case "variables" -> path(workspace, "Variable", verb, tail, in, answer);
            case "flows" -> path(workspace, "Flow", verb, tail, in, answer);
            case "apps" ->
                path(
                        workspace,
                        "App",
                        verb.replace("_raw", ""),
                        tail.startsWith("p/") ? tail.substring(2) : tail,
                        in,
                        answer);
            case "scripts" -> {
                String path = tail.startsWith("p/") ? tail.substring(2) : tail;
                yield switch (verb) {
                    case "create" ->
                        base(workspace, existed ? "UpdateScript" : "CreateScript")
                                .put("path", in.path("path").asText())
                                .put("hash", answer);
                    case "archive" -> base(workspace, "DeleteScript").put("hash", previousHash);
                    case "delete" -> base(workspace, "DeleteScriptPath").put("path", path);
                    default -> null;
                };
            }
            default -> null;
        };
    }

    private static ObjectNode named(String workspace, String noun, String verb, String name) {
        ObjectNode e = message(workspace, verb, noun);
        return e == null ? null : e.put("name", name);
    }

    private static ObjectNode path(
            String workspace, String noun, String verb, String tail, JsonNode in, String answer) {
        ObjectNode e = message(workspace, verb, noun);
        if (e == null) {
            return null;
        }
        if (verb.equals("update")) {
            return e.put("old_path", tail).put("new_path", in.path("path").asText(tail));
        }
        return e.put("path", verb.equals("create") ? answer : tail);
    }

    private static ObjectNode message(String workspace, String verb, String noun) {
        String action = switch (verb) {
            case "create" -> "Create";
            case "update" -> "Update";
            case "delete" -> "Delete";
            default -> null;
        };
        return action == null ? null : base(workspace, action + noun);
    }

    private static ObjectNode base(String workspace, String type) {
        ObjectNode e = JsonNodeFactory.instance.objectNode();
        e.put("type", type);
        if (workspace != null) {
            e.put("workspace", workspace);
        }
        return e;
    }

    /** Queues {@code event} for {@code url} (the workspace's webhook setting; null or empty: nothing is sent). */
    void send(String url, ObjectNode event) {
        if (url == null || url.isEmpty() || event == null) {
            return;
        }
        String body = event.toString();
        sent.add(body);
        sender.execute(() -> deliver(url, body));
    }

    private void deliver(String url, String body) {
        URI target;
        String authorization = null;
        try {
            URI uri = new URI(url);
            if (uri.getRawUserInfo() != null) {
                String[] userInfo = uri.getRawUserInfo().split(":", 2);
                String user = URLDecoder.decode(userInfo[0], StandardCharsets.UTF_8);
                String password = userInfo.length > 1 ? URLDecoder.decode(userInfo[1], StandardCharsets.UTF_8) : "";
                authorization = "Basic "
                        + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
            }
            target = new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), uri.getQuery(), null);
        } catch (URISyntaxException | RuntimeException e) {
            deliveries.add(new Delivery(url, null, body, -1));
            return;
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(target)
                .timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        int status;
        try {
            status = http.send(request.build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (java.io.IOException e) {
            status = -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        deliveries.add(new Delivery(target.toString(), authorization, body, status));
    }

    WorkspaceWebhook() {}

    /** The event bodies queued so far, in order. */
    List<String> sent() {
        return List.copyOf(sent);
    }

    /** The deliveries made so far, in order. */
    List<Delivery> deliveries() {
        return new ArrayList<>(deliveries);
    }

    @Override
    public void close() {
        sender.shutdownNow();
    }
}
