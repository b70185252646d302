package dev.workspacesync.windmill.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Windmill API emulator on 127.0.0.1 for tests, enough for {@code wmill sync pull} and {@code wmill sync push}
 * (windmill-cli 1.819.0): whoami (global and per workspace), the workspace archive as a zip (or, with
 * {@link #zipSupported(boolean) zip off}, 400 "Invalid Archive Type" and a tar), the side endpoints the CLI
 * reads, {@code /api/version}, the job lists push polls, and the per-item endpoints push calls.
 *
 * <p>Workspaces are stateful. {@link #workspace(String, WorkspaceArchive)} seeds one from an archive (served byte
 * for byte until the first write, so static tests see their exact bytes); {@link #emptyWorkspace(String)} starts
 * one empty. The item endpoints ({@code folders/get|create|update|delete}, {@code resources/type/...},
 * {@code variables/...} with {@code already_encrypted}, {@code resources/...}, {@code scripts/get/p},
 * {@code scripts/create} (a new version; {@code parent_hash} must be the latest hash), {@code scripts/archive/p}
 * (archived scripts are not exported), {@code flows/...}, {@code apps/...} and {@code apps/create_raw} (multipart),
 * {@code schedules/...}, {@code <kind>_triggers/...}, {@code native_triggers/<service>/...}, {@code groups/...},
 * {@code workspaces/add_user}, {@code users/...}, the settings edits, {@code workspaces/encryption_key},
 * {@code workspace_dependencies/...}, datatable migrations and {@code acls/add|remove}) read and change the
 * workspace's items, and the archive is rendered from them (honouring the skip and include flags of the query).
 * A missing item answers 404 {@code Not found: <Kind> not found at name <path>}, as the server's
 * {@code not_found_if_none}.
 *
 * <p>For tests: {@link #requests()} (every request: method, path, query, whether authorised, the
 * {@code X-Windmill-Deploy-Origin} header and the body of writes), {@link #writeRequests()} (requests other than
 * GET under {@code /api/w/}), {@link #resetRequests()}, and {@link #state(String)}, a canonical sorted JSON dump of
 * a workspace's items to compare two workspaces (after the real CLI's push and after ours). Tokens other than the
 * configured one get 401; unknown workspaces get 404. The token is never recorded.
 */
public final class WindmillEmulator implements AutoCloseable {
    /**
     * One recorded request: method, raw path and query, whether it carried the token, the
     * {@code X-Windmill-Deploy-Origin} header (null when absent) and, for requests other than GET, the body as
     * text (never the token).
     */
    public record Request(
            String method, String path, String query, boolean authorized, String deployOrigin, String body) {
        /** Whether this is a write to a workspace: not a GET, under {@code /api/w/}. */
        public boolean isWrite() {
            return !method.equals("GET") && path.startsWith("/api/w/");
        }
    }

    private final HttpServer server;
    private final String token;
    private final Map<String, WorkspaceModel> workspaces = new ConcurrentHashMap<>();
    private final Map<String, byte[]> rawArchives = new ConcurrentHashMap<>();
    private final Map<String, Path> archiveFiles = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final WorkspaceWebhook webhook = new WorkspaceWebhook();
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private volatile int failureStatus = 503;
    private volatile boolean zipSupported = true;
    private volatile String fileResourceTypes = "{}";
    private volatile String workspaceSpecific = "[]";
    /** Tokens of the users {@link #user} added, to their usernames. */
    private final Map<String, String> userTokens = new ConcurrentHashMap<>();
    /** Workspace endpoints ({@code scripts/list}) answered with a status instead. */
    private final Map<String, Integer> refusals = new ConcurrentHashMap<>();
    /** The audit log's delete entries per workspace, newest last; kept only with {@link #enterpriseAuditLog}. */
    private final Map<String, List<com.fasterxml.jackson.databind.node.ObjectNode>> audit = new ConcurrentHashMap<>();

    private volatile boolean enterpriseAuditLog;

    private WindmillEmulator(String token) throws IOException {
        this.token = token;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/", this::handle);
        server.start();
    }

    /** Starts an emulator accepting {@code token}. */
    public static WindmillEmulator start(String token) {
        try {
            return new WindmillEmulator(token);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot start the Windmill emulator", e);
        }
    }

    /** e.g. {@code http://127.0.0.1:41234} (no trailing slash). */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /**
     * Workspace {@code id} with the items of {@code archive}: its archive is served byte for byte until the
     * first write; the item endpoints read and change its items.
     */
    public WindmillEmulator workspace(String id, WorkspaceArchive archive) {
        workspaces.put(id, WorkspaceModel.seeded(archive));
        return this;
    }

    /** An empty workspace {@code id} named {@code id} (what a push into a new workspace meets). */
    public WindmillEmulator emptyWorkspace(String id) {
        return emptyWorkspace(id, id);
    }

    /**
     * An empty workspace {@code id} with the display name {@code name} (its settings' {@code name}, which
     * {@code wmill sync push} does not set).
     */
    public WindmillEmulator emptyWorkspace(String id, String name) {
        workspaces.put(id, WorkspaceModel.empty(name));
        return this;
    }

    /**
     * A canonical dump of workspace {@code id}'s items: sorted JSON {@code {kind: {key: object}}} (objects as
     * the export writes them, keys sorted; scripts add {@code $language}, {@code $content}, {@code $archived};
     * other archive entries under {@code raw}). Two workspaces holding the same items dump equal strings.
     */
    public String state(String id) {
        WorkspaceModel model = workspaces.get(id);
        if (model == null) {
            throw new IllegalArgumentException("No workspace " + id);
        }
        synchronized (model) {
            return model.dump(id);
        }
    }

    /** How many write requests (not GET, under {@code /api/w/}) were made so far. */
    public int writeRequests() {
        return (int) requests.stream().filter(Request::isWrite).count();
    }

    /** Forgets the recorded requests. */
    public WindmillEmulator resetRequests() {
        requests.clear();
        return this;
    }

    /** Serves these exact bytes as the archive of {@code id} (malformed or hostile archives). */
    public WindmillEmulator rawArchive(String id, byte[] bytes) {
        rawArchives.put(id, bytes.clone());
        return this;
    }

    /**
     * Serves the file at {@code archive} (streamed from disk, so tests of large or hostile archives need no
     * heap) as the archive of {@code id}, for zip and tar requests alike.
     */
    public WindmillEmulator archiveFile(String id, Path archive) {
        archiveFiles.put(id, archive);
        return this;
    }

    /** Whether the zip archive type is supported; false answers 400 "Invalid Archive Type zip". */
    public WindmillEmulator zipSupported(boolean supported) {
        this.zipSupported = supported;
        return this;
    }

    /** What {@code workspaces/list_ws_specific} answers: a JSON array of {@code {item_kind, path}}. */
    public WindmillEmulator workspaceSpecific(String json) {
        this.workspaceSpecific = json;
        return this;
    }

    /** The body of {@code resources/file_resource_type_to_file_ext_map}, e.g. {@code {"json_file":{"format_extension":"json"}}}. */
    public WindmillEmulator fileResourceTypes(String json) {
        this.fileResourceTypes = json;
        return this;
    }

    /** The next {@code count} requests fail with {@code status}. */
    public WindmillEmulator failNext(int count, int status) {
        failureStatus = status;
        failuresLeft.set(count);
        return this;
    }

    /**
     * Sets workspace {@code id}'s webhook URL, as {@code POST /api/w/{id}/workspaces/edit_webhook} does (empty or
     * null: none): from then on each change of an item sends the server's event there ({@link WorkspaceWebhook}).
     */
    public WindmillEmulator webhook(String id, String url) {
        WorkspaceModel model = workspaces.get(id);
        if (model == null) {
            throw new IllegalArgumentException("No workspace " + id);
        }
        ObjectNode body = WorkspaceModel.JSON.createObjectNode().put("webhook", url);
        synchronized (model) {
            WorkspaceApi.Answer answer = new WorkspaceApi(id, model)
                    .handle(
                            "POST",
                            "workspaces/edit_webhook",
                            Map.of(),
                            body.toString().getBytes(StandardCharsets.UTF_8));
            if (answer == null || answer.status() != 200) {
                throw new IllegalStateException("edit_webhook failed");
            }
        }
        return this;
    }

    /** The workspace webhook events queued so far (JSON bodies, in order), delivered or not. */
    public List<String> webhookEvents() {
        return webhook.sent();
    }

    /** The workspace webhook deliveries made so far, in order (a failed one has status -1). */
    public List<WorkspaceWebhook.Delivery> webhookDeliveries() {
        return webhook.deliveries();
    }

    /**
     * Adds user {@code username} ({@code email}, role developer) to workspace {@code workspace}, whose requests
     * carry {@code token}: the items they write record them as their editor (the list endpoints' {@code
     * edited_by}, {@code created_by}). The configured token writes as {@code admin}.
     */
    public WindmillEmulator user(String workspace, String token, String username, String email) {
        WorkspaceModel model = workspaces.get(workspace);
        if (model == null) {
            throw new IllegalArgumentException("No workspace " + workspace);
        }
        synchronized (model) {
            com.fasterxml.jackson.databind.node.ObjectNode json = WorkspaceModel.JSON.createObjectNode();
            json.put("username", username);
            json.put("role", "developer");
            json.put("disabled", false);
            model.put("user", email, json);
        }
        userTokens.put(token, username);
        return this;
    }

    /**
     * GETs of the workspace endpoint {@code rest} (e.g. {@code scripts/list}) answer {@code status} from now
     * on, as for a token whose role may not read it.
     */
    public WindmillEmulator refuse(String rest, int status) {
        refusals.put(rest, status);
        return this;
    }

    /**
     * Whether {@code audit/list} answers as an Enterprise server's (the deletes made so far, as {@code AuditLog}
     * rows: {@code username}, {@code operation} such as {@code flows.delete}, {@code action_kind}, {@code
     * resource}, {@code timestamp}, newest first) rather than as the Community edition's, which keeps no audit
     * log and answers {@code []} (the default).
     */
    public WindmillEmulator enterpriseAuditLog(boolean enterprise) {
        this.enterpriseAuditLog = enterprise;
        return this;
    }

    /** Every request so far. */
    public List<Request> requests() {
        return List.copyOf(requests);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            String query = exchange.getRequestURI().getRawQuery();
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            String userToken = auth != null && auth.startsWith("Bearer ") ? auth.substring(7) : "";
            String actor = userTokens.get(userToken);
            boolean authorized = ("Bearer " + token).equals(auth) || actor != null;
            String method = exchange.getRequestMethod();
            byte[] body = method.equals("GET")
                    ? new byte[0]
                    : exchange.getRequestBody().readAllBytes();
            requests.add(new Request(
                    method,
                    path,
                    query,
                    authorized,
                    exchange.getRequestHeaders().getFirst("X-Windmill-Deploy-Origin"),
                    method.equals("GET") ? null : new String(body, StandardCharsets.UTF_8)));
            if (failuresLeft.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
                send(exchange, failureStatus, "text/plain", "emulated failure");
                return;
            }
            if (path.equals("/api/version")) {
                send(exchange, 200, "text/plain", "CE v1.819.0");
                return;
            }
            if (!authorized) {
                send(exchange, 401, "text/plain", "Unauthorized");
                return;
            }
            if (path.startsWith("/api/settings/global/")) {
                // Instance settings push reads (automate_username_creation): unset.
                send(exchange, 200, "application/json", "null");
                return;
            }
            if (path.equals("/api/users/whoami")) {
                send(
                        exchange,
                        200,
                        "application/json",
                        "{\"email\":\"admin@windmill.dev\",\"username\":\"admin\","
                                + "\"login_type\":\"password\",\"super_admin\":true,\"verified\":true,"
                                + "\"first_time_user\":false,\"role_source\":\"manual\",\"disabled\":false}");
                return;
            }
            String[] parts = path.split("/", 5);
            if (parts.length < 5 || !parts[1].equals("api") || !parts[2].equals("w")) {
                send(exchange, 404, "text/plain", "Not found");
                return;
            }
            String ws = parts[3];
            String rest = parts[4];
            if (!workspaces.containsKey(ws) && !rawArchives.containsKey(ws) && !archiveFiles.containsKey(ws)) {
                send(
                        exchange,
                        404,
                        "text/plain",
                        "Not found: no rows returned by a query that expected to return at least one row");
                return;
            }
            switch (rest) {
                case "users/whoami" ->
                    send(
                            exchange,
                            200,
                            "application/json",
                            "{\"email\":\"admin@windmill.dev\",\"username\":\"admin\",\"is_admin\":true,"
                                    + "\"is_super_admin\":true,\"operator\":false,\"disabled\":false,\"groups\":[],"
                                    + "\"folders\":[],\"folders_owners\":[]}");
                case "workspaces/list_ws_specific" -> send(exchange, 200, "application/json", workspaceSpecific);
                case "resources/file_resource_type_to_file_ext_map" ->
                    send(exchange, 200, "application/json", fileResourceTypes);
                case "shared_ui/get" -> send(exchange, 200, "application/json", "{\"files\":{}}");
                case "jobs/queue/list", "jobs/completed/list" -> send(exchange, 200, "application/json", "[]");
                case "workspaces/tarball" -> tarball(exchange, ws, query == null ? "" : query);
                default -> item(exchange, method, ws, rest, query, body, actor);
            }
        }
    }

    private void item(
            HttpExchange exchange, String method, String ws, String rest, String query, byte[] body, String actor)
            throws IOException {
        WorkspaceModel model = workspaces.get(ws);
        WorkspaceApi.Answer answer = null;
        Integer refused = method.equals("GET") ? refusals.get(rest) : null;
        if (refused != null) {
            answer = WorkspaceApi.Answer.text(refused, "Not authorized: emulated refusal of " + rest);
        } else if (model != null) {
            synchronized (model) {
                model.actor = actor != null ? actor : WorkspaceModel.SEED_USER;
                WorkspaceMetadata metadata = new WorkspaceMetadata(ws, model);
                String path = decode(rest);
                // What the server's webhook event needs from before the change.
                String scriptPath = path.startsWith("scripts/archive/p/") ? path.substring(18) : jsonPath(body);
                WorkspaceModel.Item script = scriptPath == null ? null : model.get("script", scriptPath);
                boolean existed = script != null && !script.archived;
                String previousHash = script == null ? null : script.hash;
                answer = metadata.list(method, path, parseQuery(query));
                if (answer == null && method.equals("GET") && path.equals("audit/list")) {
                    com.fasterxml.jackson.databind.node.ArrayNode rows = WorkspaceModel.JSON.createArrayNode();
                    if (enterpriseAuditLog) {
                        List<com.fasterxml.jackson.databind.node.ObjectNode> entries =
                                audit.getOrDefault(ws, List.of());
                        for (int i = entries.size() - 1; i >= 0; i--) {
                            rows.add(entries.get(i));
                        }
                    }
                    answer = WorkspaceApi.Answer.json(rows);
                }
                if (answer == null) {
                    answer = metadata.decorate(
                            method, path, new WorkspaceApi(ws, model).handle(method, path, parseQuery(query), body));
                    if (answer != null && answer.status() / 100 == 2) {
                        WorkspaceModel.Item settings = model.get("settings", "");
                        webhook.send(
                                settings == null
                                        ? null
                                        : settings.json.path("webhook").asText(null),
                                WorkspaceWebhook.event(
                                        ws,
                                        method,
                                        path,
                                        jsonOrEmpty(body),
                                        existed,
                                        previousHash,
                                        new String(answer.body(), StandardCharsets.UTF_8)));
                    }
                }
                model.actor = WorkspaceModel.SEED_USER;
                if (method.equals("DELETE") && answer != null && answer.status() / 100 == 2) {
                    recordDelete(ws, path, actor != null ? actor : WorkspaceModel.SEED_USER);
                }
            }
        }
        if (answer == null) {
            send(exchange, 404, "text/plain", "Not found");
        } else {
            send(exchange, answer.status(), answer.type(), answer.body());
        }
    }

    private static com.fasterxml.jackson.databind.JsonNode jsonOrEmpty(byte[] body) {
        try {
            com.fasterxml.jackson.databind.JsonNode node =
                    body.length == 0 || body[0] == '-' ? null : WorkspaceModel.JSON.readTree(body);
            return node == null ? WorkspaceModel.JSON.createObjectNode() : node;
        } catch (IOException e) {
            return WorkspaceModel.JSON.createObjectNode();
        }
    }

    private static String jsonPath(byte[] body) {
        return jsonOrEmpty(body).path("path").asText(null);
    }

    /** An audit log row for a delete ({@code flows/delete/f/x} → {@code flows.delete} of {@code f/x}). */
    private void recordDelete(String ws, String rest, String username) {
        String[] p = rest.split("/", 3);
        if (p.length < 3 || !p[1].equals("delete")) {
            return;
        }
        String resource = p[2].startsWith("p/") ? p[2].substring(2) : p[2];
        List<com.fasterxml.jackson.databind.node.ObjectNode> entries =
                audit.computeIfAbsent(ws, k -> new CopyOnWriteArrayList<>());
        com.fasterxml.jackson.databind.node.ObjectNode row = WorkspaceModel.JSON.createObjectNode();
        row.put("workspace_id", ws);
        row.put("id", entries.size() + 1);
        row.put("timestamp", java.time.Instant.now().toString());
        row.put("username", username);
        row.put("operation", p[0] + ".delete");
        row.put("action_kind", "delete");
        row.put("resource", resource);
        row.putObject("parameters").put("workspace", ws);
        entries.add(row);
    }

    private static String decode(String s) {
        return java.net.URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    static Map<String, String> parseQuery(String query) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        if (query != null && !query.isEmpty()) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                String k = eq < 0 ? pair : pair.substring(0, eq);
                String v = eq < 0 ? "" : pair.substring(eq + 1);
                out.put(
                        java.net.URLDecoder.decode(k, StandardCharsets.UTF_8),
                        java.net.URLDecoder.decode(v, StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private void tarball(HttpExchange exchange, String ws, String query) throws IOException {
        boolean zip = !query.contains("archive_type=tar");
        if (zip && !zipSupported) {
            send(exchange, 400, "text/plain", "Bad request: Invalid Archive Type zip");
            return;
        }
        Path file = archiveFiles.get(ws);
        if (file != null) {
            exchange.getResponseHeaders().add("Content-Type", "application/x-tar");
            exchange.sendResponseHeaders(200, Files.size(file));
            try (OutputStream out = exchange.getResponseBody()) {
                Files.copy(file, out);
            } catch (IOException e) {
                // The client hung up (it refused the archive part way): nothing to answer.
            }
            return;
        }
        byte[] raw = rawArchives.get(ws);
        byte[] body;
        if (raw != null) {
            body = raw;
        } else {
            WorkspaceModel model = workspaces.get(ws);
            WorkspaceArchive archive;
            synchronized (model) {
                try {
                    archive = model.archive(parseQuery(query), ws);
                } catch (IllegalStateException e) {
                    send(exchange, 500, "text/plain", e.getMessage());
                    return;
                }
            }
            body = zip ? archive.toZip() : archive.toTar();
        }
        exchange.getResponseHeaders()
                .add("Content-Disposition", "attachment; filename=\"windmill-" + ws + (zip ? ".zip" : ".tar") + "\"");
        send(exchange, 200, "application/x-tar", body);
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        send(exchange, status, type, body.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", type);
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        webhook.close();
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
