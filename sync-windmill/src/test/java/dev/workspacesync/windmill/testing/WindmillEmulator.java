package dev.workspacesync.windmill.testing;

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
 * A Windmill API emulator on 127.0.0.1 for tests, enough for {@code wmill sync pull} and
 * {@code wmill sync push --dry-run}: whoami (global and per workspace), the workspace archive as a zip (or,
 * with {@link #zipSupported(boolean) zip off}, 400 "Invalid Archive Type" and a tar), the side endpoints the
 * CLI reads, {@code /api/version} and the job lists push polls. Tokens other than the configured one get
 * 401; unknown workspaces get 404. Every request is recorded (path and query; never the token).
 */
public final class WindmillEmulator implements AutoCloseable {
    /** One recorded request. */
    public record Request(String method, String path, String query, boolean authorized) {}

    private final HttpServer server;
    private final String token;
    private final Map<String, WorkspaceArchive> workspaces = new ConcurrentHashMap<>();
    private final Map<String, byte[]> rawArchives = new ConcurrentHashMap<>();
    private final Map<String, Path> archiveFiles = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private volatile int failureStatus = 503;
    private volatile boolean zipSupported = true;
    private volatile String fileResourceTypes = "{}";
    private volatile String workspaceSpecific = "[]";

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

    /** Serves {@code archive} for workspace {@code id}. */
    public WindmillEmulator workspace(String id, WorkspaceArchive archive) {
        workspaces.put(id, archive);
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

    /** Every request so far. */
    public List<Request> requests() {
        return List.copyOf(requests);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            String query = exchange.getRequestURI().getRawQuery();
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            boolean authorized = ("Bearer " + token).equals(auth);
            requests.add(new Request(exchange.getRequestMethod(), path, query, authorized));
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
                default -> send(exchange, 404, "text/plain", "Not found");
            }
        }
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
        byte[] body = raw != null
                ? raw
                : zip ? workspaces.get(ws).toZip() : workspaces.get(ws).toTar();
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
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
