package dev.workspacesync.databricks.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * An in-memory emulator of the Databricks Workspace REST API on 127.0.0.1, for tests and benchmarks. It
 * keeps the real service's status codes, error bodies and quirks as described in the project's
 * Databricks reference: {@code get-status}, {@code list}, {@code mkdirs}, {@code delete}, {@code import},
 * {@code import-file} (notebook detection by first-line header or Jupyter JSON, the notebook lands
 * without its extension), {@code export} (base64 JSON with {@code file_type}, or raw bytes with
 * {@code direct_download}; {@code SOURCE}, {@code AUTO} and {@code JUPYTER}, converting a notebook between
 * source and Jupyter JSON when asked for the other form; at most 10 MB: {@code MAX_NOTEBOOK_SIZE_EXCEEDED},
 * or 400 "exceeded max size" with {@code direct_download}, as databricks/cli#3691 shows), the Files API
 * download ({@code GET /api/2.0/fs/files/Workspace/...}, raw bytes of any size, 404 {@code NOT_FOUND}), a
 * raw file download, {@code scim/v2/Me} and {@code /.well-known/databricks-config} (404).
 *
 * <p>Besides the API it counts requests by {@link Kind}, injects {@link Fault faults} (429 with
 * {@code Retry-After}, 503, 500, a connection reset in the middle of an upload or of a download, 403
 * {@code MAX_CHILD_NODE_SIZE_EXCEEDED}) and latency, and lets a test look at and change the tree behind
 * the sync's back. An upload only lands once its whole body has arrived, as on the real service.
 *
 * <pre>{@code
 * try (WorkspaceEmulator emulator = WorkspaceEmulator.start("test-token")) {
 *     DatabricksConfig config = new DatabricksConfig().setHost(emulator.host()).setToken("test-token");
 * }
 * }</pre>
 */
public final class WorkspaceEmulator implements AutoCloseable {
    /** The user {@code scim/v2/Me} returns. */
    public static final String USER = "alice@example.com";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a request does, for counting. */
    public enum Kind {
        /** {@code GET /api/2.0/preview/scim/v2/Me}. */
        ME(false),
        /** {@code GET /workspace/get-status}. */
        GET_STATUS(false),
        /** {@code GET /workspace/list}. */
        LIST(false),
        /** {@code GET /workspace/export} or a raw file download. */
        EXPORT(false),
        /** {@code GET /api/2.0/fs/files/Workspace/...}: the Files API download. */
        DOWNLOAD(false),
        /** {@code POST /workspace/mkdirs}. */
        MKDIRS(true),
        /** {@code POST /workspace/delete}. */
        DELETE(true),
        /** {@code POST /workspace/import}. */
        IMPORT(true),
        /** {@code POST /workspace-files/import-file/...}. */
        IMPORT_FILE(true),
        /** OAuth discovery and token requests ({@code /oidc/...}). */
        OAUTH(false),
        /** Anything else ({@code .well-known}, unknown paths). */
        OTHER(false);

        private final boolean mutating;

        Kind(boolean mutating) {
            this.mutating = mutating;
        }

        /** Whether this kind of request changes the workspace. */
        public boolean mutating() {
            return mutating;
        }
    }

    /** An object type of the workspace. */
    public enum ObjectType {
        /** A folder. */
        DIRECTORY,
        /** A notebook (stored without extension). */
        NOTEBOOK,
        /** A workspace file. */
        FILE
    }

    /**
     * An object in the emulated workspace.
     *
     * @param path its absolute path, without the {@code /Workspace} prefix
     * @param type its type
     * @param content its bytes (empty for a directory)
     * @param language the notebook language ({@code PYTHON}, {@code SQL}, {@code SCALA}, {@code R}), or null
     * @param objectId its id
     * @param createdAt creation time, epoch milliseconds
     * @param modifiedAt modification time, epoch milliseconds
     */
    public record RemoteObject(
            String path,
            ObjectType type,
            byte[] content,
            String language,
            long objectId,
            long createdAt,
            long modifiedAt) {
        /** The content as UTF-8 text. */
        public String text() {
            return new String(content, StandardCharsets.UTF_8);
        }
    }

    /**
     * One request as the emulator saw it, handed to fault predicates.
     *
     * @param kind what it does
     * @param method the HTTP method
     * @param path the workspace path it concerns (decoded, without {@code /Workspace}), or empty
     */
    public record Call(Kind kind, String method, String path) {}

    /**
     * A fault: the next {@code times} requests that {@code matches} accepts get this failure instead of
     * being served.
     */
    public static final class Fault {
        private final Predicate<Call> matches;
        private final AtomicInteger remaining;
        private final int status;
        private final String errorCode;
        private final String message;
        private final String retryAfter;
        private final long resetAfterBytes;
        private long truncateAfterBytes = -1;
        private java.util.concurrent.CountDownLatch reached;
        private java.util.concurrent.CountDownLatch release;

        private Fault(
                Predicate<Call> matches,
                int times,
                int status,
                String errorCode,
                String message,
                String retryAfter,
                long resetAfterBytes) {
            this.matches = matches;
            this.remaining = new AtomicInteger(times);
            this.status = status;
            this.errorCode = errorCode;
            this.message = message;
            this.retryAfter = retryAfter;
            this.resetAfterBytes = resetAfterBytes;
        }

        /** An HTTP error with a Databricks error body. */
        public static Fault status(Predicate<Call> matches, int times, int status, String errorCode, String message) {
            return new Fault(matches, times, status, errorCode, message, null, -1);
        }

        /** 429 {@code REQUEST_LIMIT_EXCEEDED} with {@code Retry-After: seconds}. */
        public static Fault rateLimited(Predicate<Call> matches, int times, int retryAfterSeconds) {
            return new Fault(
                    matches,
                    times,
                    429,
                    "REQUEST_LIMIT_EXCEEDED",
                    "Too many requests. Please wait a moment and try again.",
                    String.valueOf(retryAfterSeconds),
                    -1);
        }

        /** 503 {@code TEMPORARILY_UNAVAILABLE}. */
        public static Fault unavailable(Predicate<Call> matches, int times) {
            return status(matches, times, 503, "TEMPORARILY_UNAVAILABLE", "The service is temporarily unavailable.");
        }

        /** 500 {@code INTERNAL_ERROR}, which clients must not retry blindly. */
        public static Fault internalError(Predicate<Call> matches, int times) {
            return status(matches, times, 500, "INTERNAL_ERROR", "Internal error while handling the request.");
        }

        /** 403 {@code MAX_CHILD_NODE_SIZE_EXCEEDED}: the folder is full. */
        public static Fault folderFull(Predicate<Call> matches, int times) {
            return status(matches, times, 403, "MAX_CHILD_NODE_SIZE_EXCEEDED", "The folder has too many children.");
        }

        /**
         * Serves the request, but drops the connection after {@code afterBytes} of a raw download's body
         * (the full length was announced), as a proxy or a network failure does.
         */
        public static Fault resetMidDownload(Predicate<Call> matches, int times, long afterBytes) {
            Fault fault = new Fault(matches, times, 0, null, null, null, -1);
            fault.truncateAfterBytes = afterBytes;
            return fault;
        }

        /** Reads {@code afterBytes} of the request body, then drops the connection without answering. */
        public static Fault resetMidUpload(Predicate<Call> matches, int times, long afterBytes) {
            return new Fault(matches, times, 0, null, null, null, afterBytes);
        }

        /**
         * Holds matching requests until {@code release} opens, after counting down {@code reached}; then
         * serves them normally. Lets a test act while a sync is in the middle of its work.
         */
        public static Fault hold(
                Predicate<Call> matches,
                int times,
                java.util.concurrent.CountDownLatch reached,
                java.util.concurrent.CountDownLatch release) {
            Fault fault = new Fault(matches, times, 0, null, null, null, -1);
            fault.reached = reached;
            fault.release = release;
            return fault;
        }

        /** Requests of a kind. */
        public static Predicate<Call> kind(Kind kind) {
            return call -> call.kind() == kind;
        }

        /** Requests of a kind whose path ends with {@code suffix}. */
        public static Predicate<Call> kind(Kind kind, String suffix) {
            return call -> call.kind() == kind && call.path().endsWith(suffix);
        }

        /** Requests not yet used up. */
        public int remaining() {
            return Math.max(remaining.get(), 0);
        }

        boolean take(Call call) {
            if (!matches.test(call)) {
                return false;
            }
            return remaining.getAndDecrement() > 0;
        }
    }

    private static final ThreadLocal<Long> TRUNCATE = new ThreadLocal<>();
    private static final long EXPORT_LIMIT = 10L * 1024 * 1024;

    private final HttpServer server;
    /** Notebooks imported from Jupyter JSON: stored as such, exported as such in {@code JUPYTER} format. */
    private final java.util.Set<String> jupyter = new java.util.HashSet<>();

    private final ExecutorService executor;
    private final String token;
    private final NavigableMap<String, RemoteObject> tree = new TreeMap<>();
    private final Map<Kind, AtomicInteger> counts = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> uploadsByPath = new ConcurrentHashMap<>();
    private final java.util.Queue<String> log = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final List<Fault> faults = new CopyOnWriteArrayList<>();
    private final AtomicLong ids = new AtomicLong(7_000_000_000_000_001L);
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final Map<String, String> oauthClients = new ConcurrentHashMap<>();
    private final java.util.Set<String> issuedTokens = ConcurrentHashMap.newKeySet();
    private volatile Duration latency = Duration.ZERO;
    private volatile int maxChildren = Integer.MAX_VALUE;
    private volatile long clock = 1_760_000_000_000L;

    static {
        // Answer without Nagle delays, as a production server does; the JDK server leaves them on by default
        // (read once, when its first server starts in this JVM).
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private WorkspaceEmulator(String token, int threads) throws IOException {
        this.token = token;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 200);
        executor = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "workspace-emulator");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        for (String dir : List.of("/", "/Users", "/Users/" + USER, "/Shared")) {
            tree.put(dir, new RemoteObject(dir, ObjectType.DIRECTORY, new byte[0], null, ids.getAndIncrement(), 0, 0));
        }
        server.start();
    }

    /** Starts an emulator that accepts {@code Authorization: Bearer <token>}. */
    public static WorkspaceEmulator start(String token) {
        return start(token, 64);
    }

    /** Starts an emulator serving with this many threads. */
    public static WorkspaceEmulator start(String token, int threads) {
        try {
            return new WorkspaceEmulator(token, threads);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot start the workspace emulator", e);
        }
    }

    /** The base URL, {@code http://127.0.0.1:<port>}. */
    public String host() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    // ---- test controls -------------------------------------------------------------------------

    /** Registers an OAuth M2M client (service principal) that may get tokens with client credentials. */
    public WorkspaceEmulator oauthClient(String clientId, String clientSecret) {
        oauthClients.put(clientId, clientSecret);
        return this;
    }

    /** The OAuth access tokens issued so far (so tests can check that none leaks). */
    public java.util.Set<String> issuedTokens() {
        return java.util.Set.copyOf(issuedTokens);
    }

    /** Adds a fault; faults are tried in the order added. */
    public WorkspaceEmulator inject(Fault fault) {
        faults.add(fault);
        return this;
    }

    /** Removes every fault. */
    public WorkspaceEmulator clearFaults() {
        faults.clear();
        return this;
    }

    /** Delays every API request by this much (for benchmarks). */
    public WorkspaceEmulator latency(Duration latency) {
        this.latency = latency;
        return this;
    }

    /** Limits the children of a folder; beyond it uploads and mkdirs get 403 MAX_CHILD_NODE_SIZE_EXCEEDED. */
    public WorkspaceEmulator maxChildren(int max) {
        this.maxChildren = max;
        return this;
    }

    /** Requests of a kind since the start or the last {@link #resetCounts()}. */
    public int count(Kind kind) {
        AtomicInteger n = counts.get(kind);
        return n == null ? 0 : n.get();
    }

    /** Every request since the start or the last reset. */
    public int totalRequests() {
        return counts.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    /** Mutating requests (mkdirs, delete, import, import-file) since the start or the last reset. */
    public int mutatingRequests() {
        int total = 0;
        for (Kind kind : Kind.values()) {
            if (kind.mutating()) {
                total += count(kind);
            }
        }
        return total;
    }

    /**
     * Upload requests (import-file) received for a path as the client sent it (before notebook renaming),
     * including those answered with an injected fault.
     */
    public int uploadsOf(String path) {
        AtomicInteger n = uploadsByPath.get(strip(path));
        return n == null ? 0 : n.get();
    }

    /** The most requests that were being served at the same time. */
    public int maxConcurrentRequests() {
        return maxInFlight.get();
    }

    /** Each request line ({@code METHOD kind path}) since the last reset, in arrival order. */
    public List<String> requestLog() {
        return List.copyOf(new ArrayList<>(log));
    }

    /** Forgets counts and the request log. */
    public WorkspaceEmulator resetCounts() {
        counts.clear();
        uploadsByPath.clear();
        log.clear();
        maxInFlight.set(0);
        return this;
    }

    /** The object at a path ({@code /Workspace} prefix optional). */
    public synchronized Optional<RemoteObject> object(String path) {
        return Optional.ofNullable(tree.get(strip(path)));
    }

    /** Every object below a folder (not the folder itself), by path. */
    public synchronized NavigableMap<String, RemoteObject> objectsUnder(String folder) {
        String dir = strip(folder);
        NavigableMap<String, RemoteObject> below = new TreeMap<>();
        tree.tailMap(dir + "/", true).forEach((p, o) -> {
            if (p.startsWith(dir + "/")) {
                below.put(p, o);
            }
        });
        return below;
    }

    /** Creates or replaces a file behind the client's back (parents created), as another user would. */
    public synchronized WorkspaceEmulator putFile(String path, byte[] content) {
        String p = strip(path);
        mkdirsInternal(parent(p));
        put(p, ObjectType.FILE, content, null);
        return this;
    }

    /** Creates or replaces a notebook behind the client's back. */
    public synchronized WorkspaceEmulator putNotebook(String path, String language, String source) {
        String p = strip(path);
        mkdirsInternal(parent(p));
        put(p, ObjectType.NOTEBOOK, source.getBytes(StandardCharsets.UTF_8), language);
        return this;
    }

    /** Deletes an object (and what is below it) behind the client's back. */
    public synchronized WorkspaceEmulator remove(String path) {
        String p = strip(path);
        tree.remove(p);
        tree.keySet().removeIf(k -> k.startsWith(p + "/"));
        return this;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    // ---- HTTP ----------------------------------------------------------------------------------

    private void handle(HttpExchange exchange) throws IOException {
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
        try {
            serve(exchange);
        } catch (ConnectionDropped e) {
            // Leave without a response: the client sees its connection reset.
            exchange.getRequestBody().close();
            throw new IOException("connection dropped on purpose");
        } finally {
            TRUNCATE.remove();
            inFlight.decrementAndGet();
            exchange.close();
        }
    }

    private void serve(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String rawPath = exchange.getRequestURI().getRawPath();
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        Kind kind = kindOf(method, rawPath);
        counts.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
        String path = pathOf(kind, rawPath, query);
        log.add(method + " " + kind + " " + path);
        if (kind == Kind.OTHER && rawPath.startsWith("/.well-known/")) {
            error(exchange, 404, "NOT_FOUND", "No such endpoint.");
            return;
        }
        if (kind == Kind.OAUTH) {
            oauth(exchange, rawPath);
            return;
        }
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        boolean issued = auth != null && auth.startsWith("Bearer ") && issuedTokens.contains(auth.substring(7));
        if (token != null && !issued && (auth == null || !auth.equals("Bearer " + token))) {
            error(exchange, 401, "UNAUTHENTICATED", "Invalid access token.");
            return;
        }
        Duration delay = latency;
        if (!delay.isZero()) {
            try {
                Thread.sleep(delay.toMillis(), delay.toNanosPart() % 1_000_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (kind == Kind.IMPORT_FILE) {
            uploadsByPath.computeIfAbsent(path, k -> new AtomicInteger()).incrementAndGet();
        }
        Call call = new Call(kind, method, path);
        for (Fault fault : faults) {
            if (fault.take(call)) {
                if (fault.release != null) {
                    fault.reached.countDown();
                    try {
                        fault.release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    continue;
                }
                if (fault.truncateAfterBytes >= 0) {
                    TRUNCATE.set(fault.truncateAfterBytes);
                    break; // served (and cut short) below; no other fault for this request
                }
                if (fault.resetAfterBytes >= 0) {
                    InputStream body = exchange.getRequestBody();
                    long skipped = 0;
                    byte[] buffer = new byte[8192];
                    while (skipped < fault.resetAfterBytes) {
                        int n = body.read(buffer, 0, (int) Math.min(buffer.length, fault.resetAfterBytes - skipped));
                        if (n < 0) {
                            break;
                        }
                        skipped += n;
                    }
                    throw new ConnectionDropped();
                }
                drain(exchange);
                if (fault.retryAfter != null) {
                    exchange.getResponseHeaders().set("Retry-After", fault.retryAfter);
                }
                error(exchange, fault.status, fault.errorCode, fault.message);
                return;
            }
        }
        switch (kind) {
            case ME -> me(exchange);
            case GET_STATUS -> getStatus(exchange, query.get("path"));
            case LIST -> list(exchange, query.get("path"));
            case MKDIRS -> mkdirs(exchange, body(exchange));
            case DELETE -> delete(exchange, body(exchange));
            case IMPORT -> importJson(exchange, body(exchange));
            case IMPORT_FILE -> importFile(exchange, rawPath, query);
            case EXPORT -> export(exchange, rawPath, query);
            case DOWNLOAD -> download(exchange, rawPath);
            default -> error(exchange, 404, "ENDPOINT_NOT_FOUND", "No API found for '" + method + " " + rawPath + "'");
        }
    }

    private static Kind kindOf(String method, String rawPath) {
        if (rawPath.equals("/api/2.0/preview/scim/v2/Me")) {
            return Kind.ME;
        }
        if (rawPath.startsWith("/oidc/")) {
            return Kind.OAUTH;
        }
        if (rawPath.startsWith("/api/2.0/workspace-files/import-file/") && method.equals("POST")) {
            return Kind.IMPORT_FILE;
        }
        if (rawPath.startsWith("/api/2.0/workspace-files/") && method.equals("GET")) {
            return Kind.EXPORT;
        }
        if (rawPath.startsWith("/api/2.0/fs/files/") && method.equals("GET")) {
            return Kind.DOWNLOAD;
        }
        return switch (rawPath) {
            case "/api/2.0/workspace/get-status" -> Kind.GET_STATUS;
            case "/api/2.0/workspace/list" -> Kind.LIST;
            case "/api/2.0/workspace/export" -> Kind.EXPORT;
            case "/api/2.0/workspace/mkdirs" -> Kind.MKDIRS;
            case "/api/2.0/workspace/delete" -> Kind.DELETE;
            case "/api/2.0/workspace/import" -> Kind.IMPORT;
            default -> Kind.OTHER;
        };
    }

    private static String pathOf(Kind kind, String rawPath, Map<String, String> query) {
        if (kind == Kind.IMPORT_FILE) {
            return strip(decodePath(rawPath.substring("/api/2.0/workspace-files/import-file".length())));
        }
        if (kind == Kind.DOWNLOAD) {
            return strip(decodePath(rawPath.substring("/api/2.0/fs/files".length())));
        }
        if (kind == Kind.EXPORT && rawPath.startsWith("/api/2.0/workspace-files/")) {
            return strip(decodePath(rawPath.substring("/api/2.0/workspace-files".length())));
        }
        String p = query.get("path");
        return p == null ? "" : strip(p);
    }

    private void me(HttpExchange exchange) throws IOException {
        ObjectNode me = JSON.createObjectNode();
        me.put("id", "1000012345");
        me.put("userName", USER);
        me.put("displayName", "Alice");
        me.put("active", true);
        ObjectNode email = me.putArray("emails").addObject();
        email.put("value", USER);
        email.put("type", "work");
        email.put("primary", true);
        me.putArray("schemas").add("urn:ietf:params:scim:schemas:core:2.0:User");
        json(exchange, 200, me);
    }

    private void oauth(HttpExchange exchange, String rawPath) throws IOException {
        if (rawPath.equals("/oidc/.well-known/oauth-authorization-server")) {
            ObjectNode out = JSON.createObjectNode();
            out.put("token_endpoint", host() + "/oidc/v1/token");
            out.put("authorization_endpoint", host() + "/oidc/v1/authorize");
            json(exchange, 200, out);
            return;
        }
        if (rawPath.equals("/oidc/v1/token") && exchange.getRequestMethod().equals("POST")) {
            Map<String, String> form;
            try (InputStream in = exchange.getRequestBody()) {
                form = query(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            String id = form.get("client_id");
            String secret = form.get("client_secret");
            if (auth != null && auth.startsWith("Basic ")) {
                String pair = new String(Base64.getDecoder().decode(auth.substring(6)), StandardCharsets.UTF_8);
                int colon = pair.indexOf(':');
                id = URLDecoder.decode(pair.substring(0, colon), StandardCharsets.UTF_8);
                secret = URLDecoder.decode(pair.substring(colon + 1), StandardCharsets.UTF_8);
            }
            if (!"client_credentials".equals(form.get("grant_type"))
                    || id == null
                    || secret == null
                    || !secret.equals(oauthClients.get(id))) {
                ObjectNode error = JSON.createObjectNode();
                error.put("error", "invalid_client");
                error.put("error_description", "Client authentication failed");
                json(exchange, 401, error);
                return;
            }
            String issued = "oauth-" + java.util.UUID.randomUUID();
            issuedTokens.add(issued);
            ObjectNode out = JSON.createObjectNode();
            out.put("access_token", issued);
            out.put("token_type", "Bearer");
            out.put("expires_in", 3600);
            json(exchange, 200, out);
            return;
        }
        error(exchange, 404, "NOT_FOUND", "No such endpoint.");
    }

    private synchronized void getStatus(HttpExchange exchange, String requested) throws IOException {
        if (requested == null) {
            error(exchange, 400, "INVALID_PARAMETER_VALUE", "Missing required field: path");
            return;
        }
        RemoteObject object = tree.get(strip(requested));
        if (object == null) {
            notFound(exchange, requested);
            return;
        }
        json(exchange, 200, info(object, prefixOf(requested)));
    }

    private synchronized void list(HttpExchange exchange, String requested) throws IOException {
        if (requested == null) {
            error(exchange, 400, "INVALID_PARAMETER_VALUE", "Missing required field: path");
            return;
        }
        String p = strip(requested);
        RemoteObject object = tree.get(p);
        if (object == null) {
            notFound(exchange, requested);
            return;
        }
        ObjectNode out = JSON.createObjectNode();
        if (object.type() != ObjectType.DIRECTORY) {
            out.putArray("objects").add(info(object, prefixOf(requested)));
        } else {
            List<RemoteObject> children = children(p);
            if (!children.isEmpty()) {
                ArrayNode objects = out.putArray("objects");
                children.forEach(c -> objects.add(info(c, prefixOf(requested))));
            }
        }
        json(exchange, 200, out);
    }

    private void mkdirs(HttpExchange exchange, JsonNode body) throws IOException {
        String requested = text(body, "path");
        if (requested == null) {
            error(exchange, 400, "INVALID_PARAMETER_VALUE", "Missing required field: path");
            return;
        }
        synchronized (this) {
            String p = strip(requested);
            String blocked = firstNonDirectory(p);
            if (blocked != null) {
                error(exchange, 400, "RESOURCE_ALREADY_EXISTS", "Path (" + blocked + ") already exists.");
                return;
            }
            if (maxChildren != Integer.MAX_VALUE
                    && !tree.containsKey(p)
                    && children(existingAncestor(p)).size() >= maxChildren) {
                folderFull(exchange);
                return;
            }
            mkdirsInternal(p);
        }
        json(exchange, 200, JSON.createObjectNode());
    }

    private void delete(HttpExchange exchange, JsonNode body) throws IOException {
        String requested = text(body, "path");
        boolean recursive = body != null && body.path("recursive").asBoolean(false);
        if (requested == null) {
            error(exchange, 400, "INVALID_PARAMETER_VALUE", "Missing required field: path");
            return;
        }
        synchronized (this) {
            String p = strip(requested);
            RemoteObject object = tree.get(p);
            if (object == null) {
                notFound(exchange, requested);
                return;
            }
            if (object.type() == ObjectType.DIRECTORY && !children(p).isEmpty() && !recursive) {
                error(exchange, 400, "DIRECTORY_NOT_EMPTY", "Folder (" + requested + ") is not empty");
                return;
            }
            tree.remove(p);
            tree.keySet().removeIf(k -> k.startsWith(p + "/"));
        }
        json(exchange, 200, JSON.createObjectNode());
    }

    private void importJson(HttpExchange exchange, JsonNode body) throws IOException {
        String requested = text(body, "path");
        if (requested == null) {
            error(exchange, 400, "INVALID_PARAMETER_VALUE", "Missing required field: path");
            return;
        }
        String format = body.path("format").asText("SOURCE");
        boolean overwrite = body.path("overwrite").asBoolean(false);
        byte[] content = body.hasNonNull("content")
                ? Base64.getDecoder().decode(body.get("content").asText())
                : new byte[0];
        if (content.length > 10 * 1024 * 1024) {
            error(
                    exchange,
                    400,
                    "MAX_NOTEBOOK_SIZE_EXCEEDED",
                    "File size imported is (" + content.length + " bytes), exceeded max size (10485760 bytes)");
            return;
        }
        String p = strip(requested);
        ObjectType type;
        String language = body.hasNonNull("language") ? body.get("language").asText() : null;
        String target = p;
        switch (format) {
            case "AUTO" -> {
                String detected = NotebookRules.language(p, content);
                if (detected != null) {
                    type = ObjectType.NOTEBOOK;
                    language = detected;
                    target = NotebookRules.stripExtension(p);
                } else {
                    type = ObjectType.FILE;
                }
            }
            case "JUPYTER" -> {
                type = ObjectType.NOTEBOOK;
                language = language == null ? "PYTHON" : language;
                target = NotebookRules.stripExtension(p);
            }
            case "RAW" -> type = ObjectType.FILE;
            case "SOURCE" -> {
                if (language == null) {
                    error(exchange, 400, "INVALID_PARAMETER_VALUE", "language is required for the SOURCE format");
                    return;
                }
                type = ObjectType.NOTEBOOK;
            }
            default -> {
                error(exchange, 400, "INVALID_PARAMETER_VALUE", "Unsupported format " + format);
                return;
            }
        }
        synchronized (this) {
            RemoteObject parent = tree.get(parent(target));
            if (parent == null || parent.type() != ObjectType.DIRECTORY) {
                error(
                        exchange,
                        404,
                        "RESOURCE_DOES_NOT_EXIST",
                        "The parent folder (" + parent(target) + ") does not exist.");
                return;
            }
            RemoteObject existing = tree.get(target);
            if (existing != null && (!overwrite || existing.type() != type)) {
                error(exchange, 400, "RESOURCE_ALREADY_EXISTS", "Path (" + target + ") already exists.");
                return;
            }
            put(
                    target,
                    type,
                    content,
                    language,
                    type == ObjectType.NOTEBOOK
                            && (format.equals("JUPYTER")
                                    || NotebookRules.extension(p).equals(".ipynb")));
        }
        json(exchange, 200, JSON.createObjectNode());
    }

    private void importFile(HttpExchange exchange, String rawPath, Map<String, String> query) throws IOException {
        String requested = decodePath(rawPath.substring("/api/2.0/workspace-files/import-file".length()));
        boolean overwrite = "true".equals(query.get("overwrite"));
        // The object only lands once the whole body has arrived: a dropped connection leaves nothing.
        byte[] content;
        try (InputStream in = exchange.getRequestBody()) {
            content = in.readAllBytes();
        }
        String p = strip(requested);
        String language = NotebookRules.language(p, content);
        String target = language == null ? p : NotebookRules.stripExtension(p);
        ObjectType type = language == null ? ObjectType.FILE : ObjectType.NOTEBOOK;
        synchronized (this) {
            RemoteObject parent = tree.get(parent(target));
            if (parent == null || parent.type() != ObjectType.DIRECTORY) {
                error(
                        exchange,
                        404,
                        "RESOURCE_DOES_NOT_EXIST",
                        "The parent folder (" + parent(target) + ") does not exist.");
                return;
            }
            RemoteObject existing = tree.get(target);
            if (type == ObjectType.NOTEBOOK) {
                // A notebook x and a file x.py cannot share a folder.
                boolean fileBeside = NotebookRules.EXTENSIONS.stream()
                        .map(ext -> tree.get(target + ext))
                        .anyMatch(o -> o != null && o.type() == ObjectType.FILE);
                if (fileBeside || (existing != null && existing.type() != ObjectType.NOTEBOOK)) {
                    error(exchange, 400, "", "Path (" + target + ") already exists.");
                    return;
                }
                if (existing != null && !overwrite) {
                    error(exchange, 400, "", "Path (" + target + ") already exists.");
                    return;
                }
            } else {
                if (existing != null && existing.type() != ObjectType.FILE) {
                    error(exchange, 400, "", "Path (" + target + ") already exists.");
                    return;
                }
                RemoteObject notebook = tree.get(NotebookRules.stripExtension(p));
                if (!NotebookRules.stripExtension(p).equals(p)
                        && notebook != null
                        && notebook.type() == ObjectType.NOTEBOOK
                        && NotebookRules.hasNotebookExtension(p)) {
                    error(exchange, 400, "", "Path (" + NotebookRules.stripExtension(p) + ") already exists.");
                    return;
                }
                if (existing != null && !overwrite) {
                    error(exchange, 409, "RESOURCE_ALREADY_EXISTS", "File (" + requested + ") already exists.");
                    return;
                }
            }
            if (existing == null
                    && maxChildren != Integer.MAX_VALUE
                    && children(parent(target)).size() >= maxChildren) {
                folderFull(exchange);
                return;
            }
            put(
                    target,
                    type,
                    content,
                    language,
                    type == ObjectType.NOTEBOOK && NotebookRules.extension(p).equals(".ipynb"));
        }
        json(exchange, 200, JSON.createObjectNode());
    }

    private void export(HttpExchange exchange, String rawPath, Map<String, String> query) throws IOException {
        boolean legacyRaw = rawPath.startsWith("/api/2.0/workspace-files/");
        boolean direct = "true".equals(query.get("direct_download"));
        String requested =
                legacyRaw ? decodePath(rawPath.substring("/api/2.0/workspace-files".length())) : query.get("path");
        String format = query.getOrDefault("format", "SOURCE");
        RemoteObject object;
        boolean storedAsJupyter;
        synchronized (this) {
            object = requested == null ? null : tree.get(strip(requested));
            storedAsJupyter = object != null && jupyter.contains(object.path());
        }
        if (object == null) {
            notFound(exchange, requested);
            return;
        }
        if (object.type() == ObjectType.DIRECTORY) {
            error(exchange, 400, "INVALID_PARAMETER_VALUE", "Cannot export a folder as a single file");
            return;
        }
        if (!List.of("SOURCE", "AUTO", "JUPYTER", "RAW").contains(format)) {
            error(
                    exchange,
                    400,
                    "INVALID_PARAMETER_VALUE",
                    "Unsupported export format " + format + " in this emulator");
            return;
        }
        byte[] content = object.content();
        String fileType = "";
        if (object.type() == ObjectType.NOTEBOOK) {
            boolean asJupyter = format.equals("JUPYTER") || (format.equals("AUTO") && storedAsJupyter);
            if (asJupyter && !storedAsJupyter) {
                content = NotebookRules.toJupyter(object.text(), object.language());
            } else if (!asJupyter && storedAsJupyter) {
                content = NotebookRules.toSource(content, object.language());
            }
            fileType = asJupyter ? "ipynb" : NotebookRules.sourceExtension(object.language());
            if (content.length > EXPORT_LIMIT) {
                error(
                        exchange,
                        400,
                        "MAX_NOTEBOOK_SIZE_EXCEEDED",
                        "Notebook size exceeded limit: " + content.length + " > " + EXPORT_LIMIT);
                return;
            }
        } else if (!legacyRaw && content.length > EXPORT_LIMIT) {
            // As the service answers (databricks/cli#3691): export never serves more than 10 MB.
            if (direct) {
                error(
                        exchange,
                        400,
                        "BAD_REQUEST",
                        "File size imported is (" + content.length + " bytes), exceeded max size (" + EXPORT_LIMIT
                                + " bytes)");
            } else {
                error(exchange, 400, "MAX_NOTEBOOK_SIZE_EXCEEDED", "File size exceeds the 10 MB export limit");
            }
            return;
        }
        if (legacyRaw || direct) {
            raw(exchange, content, null);
            return;
        }
        ObjectNode out = JSON.createObjectNode();
        out.put("content", Base64.getEncoder().encodeToString(content));
        out.put("file_type", fileType);
        json(exchange, 200, out);
    }

    /** The Files API: raw bytes of a workspace file of any size, under {@code /Workspace/...} only. */
    private void download(HttpExchange exchange, String rawPath) throws IOException {
        String requested = decodePath(rawPath.substring("/api/2.0/fs/files".length()));
        if (!requested.startsWith("/Workspace/") && !requested.startsWith("/Volumes/")) {
            error(exchange, 400, "INVALID_PARAMETER_VALUE", "Invalid path " + requested);
            return;
        }
        RemoteObject object;
        synchronized (this) {
            object = tree.get(strip(requested));
        }
        if (object == null || object.type() != ObjectType.FILE) {
            error(exchange, 404, "NOT_FOUND", "The file being accessed is not found.");
            return;
        }
        raw(exchange, object.content(), object.modifiedAt());
    }

    private static void raw(HttpExchange exchange, byte[] content, Long modifiedAt) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
        if (modifiedAt != null) {
            exchange.getResponseHeaders()
                    .set(
                            "Last-Modified",
                            java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(
                                    java.time.Instant.ofEpochMilli(modifiedAt).atZone(java.time.ZoneOffset.UTC)));
        }
        Long truncate = TRUNCATE.get();
        exchange.sendResponseHeaders(200, content.length == 0 ? -1 : content.length);
        OutputStream out = exchange.getResponseBody();
        if (truncate != null && truncate < content.length) {
            out.write(content, 0, (int) (long) truncate);
            out.flush();
            throw new ConnectionDropped();
        }
        try (out) {
            out.write(content);
        }
    }

    // ---- tree ----------------------------------------------------------------------------------

    private void put(String path, ObjectType type, byte[] content, String language) {
        put(path, type, content, language, false);
    }

    private void put(String path, ObjectType type, byte[] content, String language, boolean fromJupyter) {
        if (fromJupyter) {
            jupyter.add(path);
        } else {
            jupyter.remove(path);
        }
        long now = clock += 1000;
        RemoteObject old = tree.get(path);
        long id = old == null ? ids.getAndIncrement() : old.objectId();
        long created = old == null ? now : old.createdAt();
        tree.put(path, new RemoteObject(path, type, content.clone(), language, id, created, now));
    }

    private void mkdirsInternal(String path) {
        if (path.equals("/") || tree.containsKey(path)) {
            return;
        }
        mkdirsInternal(parent(path));
        tree.put(path, new RemoteObject(path, ObjectType.DIRECTORY, new byte[0], null, ids.getAndIncrement(), 0, 0));
    }

    private String firstNonDirectory(String path) {
        for (String p = path; !p.equals("/"); p = parent(p)) {
            RemoteObject o = tree.get(p);
            if (o != null && o.type() != ObjectType.DIRECTORY) {
                return p;
            }
        }
        return null;
    }

    private String existingAncestor(String path) {
        String p = parent(path);
        while (!p.equals("/") && !tree.containsKey(p)) {
            p = parent(p);
        }
        return p;
    }

    private List<RemoteObject> children(String dir) {
        String prefix = dir.equals("/") ? "/" : dir + "/";
        List<RemoteObject> out = new ArrayList<>();
        for (Map.Entry<String, RemoteObject> e : tree.tailMap(prefix, false).entrySet()) {
            String k = e.getKey();
            if (!k.startsWith(prefix)) {
                break;
            }
            if (k.indexOf('/', prefix.length()) < 0) {
                out.add(e.getValue());
            }
        }
        return out;
    }

    private static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash <= 0 ? "/" : path.substring(0, slash);
    }

    /** {@code /Workspace/X} and {@code /X} are the same object. */
    private static String strip(String path) {
        String p = path.startsWith("/") ? path : "/" + path;
        if (p.equals("/Workspace")) {
            return "/";
        }
        if (p.startsWith("/Workspace/")) {
            p = p.substring("/Workspace".length());
        }
        while (p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }

    private static String prefixOf(String requested) {
        String p = requested.startsWith("/") ? requested : "/" + requested;
        return p.equals("/Workspace") || p.startsWith("/Workspace/") ? "/Workspace" : "";
    }

    private static ObjectNode info(RemoteObject object, String prefix) {
        ObjectNode info = JSON.createObjectNode();
        info.put("object_type", object.type().name());
        info.put("path", object.path().equals("/") ? (prefix.isEmpty() ? "/" : prefix) : prefix + object.path());
        info.put("object_id", object.objectId());
        info.put("resource_id", String.valueOf(object.objectId()));
        if (object.type() == ObjectType.FILE) {
            info.put("created_at", object.createdAt());
            info.put("modified_at", object.modifiedAt());
            info.put("size", (long) object.content().length);
        }
        if (object.language() != null) {
            info.put("language", object.language());
        }
        return info;
    }

    // ---- wire helpers --------------------------------------------------------------------------

    private static JsonNode body(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] bytes = in.readAllBytes();
            return bytes.length == 0 ? JSON.createObjectNode() : JSON.readTree(bytes);
        }
    }

    private static void drain(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            // the client may give up on its body once it sees the error; nothing to do
        }
    }

    private static String text(JsonNode body, String field) {
        return body != null && body.hasNonNull(field) ? body.get(field).asText() : null;
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.put(key, value);
        }
        return out;
    }

    /** Percent-decodes a path (a {@code +} stays a plus, unlike in a query). */
    private static String decodePath(String raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%' && i + 2 < raw.length()) {
                out.write(Integer.parseInt(raw.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static void notFound(HttpExchange exchange, String requested) throws IOException {
        error(exchange, 404, "RESOURCE_DOES_NOT_EXIST", "Path (" + requested + ") doesn't exist.");
    }

    private static void folderFull(HttpExchange exchange) throws IOException {
        error(exchange, 403, "MAX_CHILD_NODE_SIZE_EXCEEDED", "The folder has too many children.");
    }

    private static void error(HttpExchange exchange, int status, String code, String message) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        body.put("error_code", code);
        body.put("message", message);
        json(exchange, status, body);
    }

    private static void json(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Thrown to drop a connection without answering. */
    private static final class ConnectionDropped extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ConnectionDropped() {
            super(null, null, false, false);
        }
    }

    /** The service's notebook rules, written independently of the client's detector on purpose. */
    static final class NotebookRules {
        private static final Map<String, String[]> HEADERS = Map.of(
                ".py", new String[] {"# Databricks notebook source", "PYTHON"},
                ".r", new String[] {"# Databricks notebook source", "R"},
                ".scala", new String[] {"// Databricks notebook source", "SCALA"},
                ".sql", new String[] {"-- Databricks notebook source", "SQL"});

        static final List<String> EXTENSIONS = List.of(".py", ".r", ".scala", ".sql", ".ipynb");

        private NotebookRules() {}

        static String extension(String path) {
            String name = path.substring(path.lastIndexOf('/') + 1);
            int dot = name.lastIndexOf('.');
            return dot <= 0 ? "" : name.substring(dot).toLowerCase(Locale.ROOT);
        }

        static boolean hasNotebookExtension(String path) {
            String ext = extension(path);
            return HEADERS.containsKey(ext) || ext.equals(".ipynb");
        }

        static String stripExtension(String path) {
            if (path.toLowerCase(Locale.ROOT).endsWith(".designer.ipynb")) {
                return path;
            }
            String ext = extension(path);
            return ext.isEmpty() ? path : path.substring(0, path.length() - ext.length());
        }

        /** The extension a {@code SOURCE} export names for a language ({@code file_type}). */
        static String sourceExtension(String language) {
            return language == null
                    ? "py"
                    : switch (language) {
                        case "SQL" -> "sql";
                        case "SCALA" -> "scala";
                        case "R" -> "r";
                        default -> "py";
                    };
        }

        private static String comment(String language) {
            return "SCALA".equals(language) ? "// " : "SQL".equals(language) ? "-- " : "# ";
        }

        /** A notebook stored from Jupyter JSON, exported as source: its cells under the language's header. */
        static byte[] toSource(byte[] ipynb, String language) {
            String c = comment(language);
            StringBuilder out = new StringBuilder(c + "Databricks notebook source\n");
            try {
                JsonNode cells = JSON.readTree(ipynb).path("cells");
                for (int i = 0; i < cells.size(); i++) {
                    if (i > 0) {
                        out.append("\n\n").append(c).append("COMMAND ----------\n\n");
                    }
                    JsonNode source = cells.get(i).path("source");
                    if (source.isArray()) {
                        source.forEach(line -> out.append(line.asText()));
                    } else {
                        out.append(source.asText());
                    }
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return out.toString().getBytes(StandardCharsets.UTF_8);
        }

        /** A notebook stored from source, exported as Jupyter JSON (one code cell per command). */
        static byte[] toJupyter(String source, String language) {
            String c = comment(language);
            String body = source.startsWith(c + "Databricks notebook source\n")
                    ? source.substring((c + "Databricks notebook source\n").length())
                    : source;
            ObjectNode nb = JSON.createObjectNode();
            ArrayNode cells = nb.putArray("cells");
            for (String cell : body.split("\n\n" + java.util.regex.Pattern.quote(c) + "COMMAND ----------\n\n", -1)) {
                ObjectNode out = cells.addObject();
                out.put("cell_type", "code");
                out.putObject("metadata");
                out.putArray("outputs");
                out.putNull("execution_count");
                out.put("source", cell);
            }
            nb.putObject("metadata")
                    .putObject("application/vnd.databricks.v1+notebook")
                    .put("language", language == null ? "python" : language.toLowerCase(Locale.ROOT));
            nb.put("nbformat", 4);
            nb.put("nbformat_minor", 0);
            try {
                return JSON.writeValueAsBytes(nb);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        static String language(String path, byte[] content) {
            String ext = extension(path);
            String[] header = HEADERS.get(ext);
            if (header != null) {
                String text = new String(content, 0, Math.min(content.length, 32), StandardCharsets.UTF_8);
                int eol = text.indexOf('\n');
                String first = eol < 0 ? text : text.substring(0, eol);
                if (first.endsWith("\r")) {
                    first = first.substring(0, first.length() - 1);
                }
                return first.equals(header[0]) ? header[1] : null;
            }
            if (ext.equals(".ipynb") && !path.toLowerCase(Locale.ROOT).endsWith(".designer.ipynb")) {
                try {
                    JsonNode nb = JSON.readTree(content);
                    if (nb != null
                            && nb.isObject()
                            && nb.has("cells")
                            && nb.has("metadata")
                            && nb.path("nbformat").asInt(0) >= 4) {
                        String lang = nb.path("metadata")
                                .path("application/vnd.databricks.v1+notebook")
                                .path("language")
                                .asText("python");
                        return lang.toUpperCase(Locale.ROOT);
                    }
                } catch (IOException e) {
                    return null;
                }
            }
            return null;
        }
    }

    /** The tree as a read-only map, for debugging output. */
    public synchronized Map<String, ObjectType> types() {
        Map<String, ObjectType> out = new TreeMap<>();
        tree.forEach((k, v) -> out.put(k, v.type()));
        return Collections.unmodifiableMap(out);
    }
}
