package dev.workspacesync.examples.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspacesync.core.Redactor;
import dev.workspacesync.core.Secret;
import dev.workspacesync.core.SyncConfigException;
import dev.workspacesync.core.SyncReport;
import dev.workspacesync.core.SyncSettings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backup service's HTTP face, on embedded Jetty (the JDK's {@code HttpServer} has no timeouts and no
 * connection bound, so a few slow clients could starve it):
 *
 * <ul>
 *   <li>{@code GET /health} → 200 {@code {"status":"healthy"}}
 *   <li>{@code GET /livez}, {@code GET /readyz}, {@code GET /metrics} → see {@link #observability}
 *   <li>{@code GET /status} → the last result per target
 *   <li>{@code POST /sync} → runs a sync and answers when it is done: 200 with counts, 400 for a bad body
 *       or missing fields, 409 when a guard refused the plan, 500 when the sync failed (redacted), 503
 *       while shutting down
 *   <li>{@code POST /windmill-events} → Windmill's workspace webhook starts coalesced syncs
 *       ({@link EventRoutes}: 202 at once; its own credential check, Basic or Bearer)
 *   <li>{@code POST /deploy}, {@code POST /hooks/git} → deploys and git push webhooks ({@link DeployRoutes};
 *       404 when no deploy direction is configured); {@code /hooks/git} is authenticated by the git
 *       server's signature, not the bearer token, and takes bodies up to {@link DeployRoutes#MAX_HOOK_BODY}
 * </ul>
 *
 * Paths match exactly, a wrong method is 405, bodies over 64 KiB are 413 (counted while reading, whatever
 * the request declares), and with a webhook secret every route but {@code /health} needs
 * {@code Authorization: Bearer} (scheme in any case). Bounds ({@link HttpLimits}): a whole request must
 * arrive within the read timeout of the connection opening, idle connections close, connections and
 * threads are capped, and each connection carries one request. Request handling never blocks: bodies are
 * read asynchronously and syncs run on their own threads, so {@code /health} answers while syncs run and
 * slow clients wait.
 */
public final class WebhookServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookServer.class);
    /** The largest request body accepted. */
    public static final int MAX_BODY = 64 * 1024;

    private final Server server;
    private final ServerConnector connector;
    private final ThreadPoolExecutor syncs;
    private final BackupService service;
    private final Function<JsonNode, SyncSettings> requestSettings;
    private final Secret webhookSecret;
    private final HttpLimits limits;
    /** {@code POST /deploy} and {@code POST /hooks/git}, or null when no deploy direction is configured. */
    private final DeployRoutes deploys;
    /** Connections whose request has not fully arrived yet, with the task that closes them. */
    private final Map<Connection, Scheduler.Task> readDeadlines = new ConcurrentHashMap<>();
    /** Requests not yet answered (guarded by itself). */
    private final Set<Exchange> open = new HashSet<>();

    private final AtomicBoolean accepting = new AtomicBoolean(true);
    // Probes and metrics (observability): set before start.
    private ServiceMetrics metrics;
    private Readiness readiness;
    private ServerConnector management;
    /** {@code POST /windmill-events}, or null when off. */
    private EventRoutes events;

    /**
     * @param bind where to listen (port 0: any free port, see {@link #port()})
     * @param service runs the syncs
     * @param requestSettings turns a request body into settings (environment fallback included); throws
     *     {@link SyncConfigException} naming missing fields
     * @param webhookSecret the bearer token requests must carry, or null for none
     * @param limits timeouts and bounds
     */
    public WebhookServer(
            InetSocketAddress bind,
            BackupService service,
            Function<JsonNode, SyncSettings> requestSettings,
            Secret webhookSecret,
            HttpLimits limits) {
        this(bind, service, requestSettings, webhookSecret, limits, null);
    }

    /**
     * The same, with deploys ({@code POST /deploy}, which needs the bearer token like {@code /sync}, and
     * {@code POST /hooks/git}, which is verified by the git server's signature instead).
     *
     * @param deploys the deploy routes, or null for none (both routes answer 404)
     */
    public WebhookServer(
            InetSocketAddress bind,
            BackupService service,
            Function<JsonNode, SyncSettings> requestSettings,
            Secret webhookSecret,
            HttpLimits limits,
            DeployRoutes deploys) {
        this.deploys = deploys;
        this.service = service;
        this.requestSettings = requestSettings;
        this.webhookSecret = webhookSecret;
        this.limits = limits;

        // A bounded pool; its queue stays unbounded as Jetty requires (connections are what is capped).
        QueuedThreadPool threads = new QueuedThreadPool(limits.threads(), 2);
        threads.setName("workspace-sync-http");
        threads.setDaemon(true);
        server = new Server(threads);
        server.setStopTimeout(1_000);
        HttpConfiguration http = new HttpConfiguration();
        http.setRequestHeaderSize(limits.maxHeaderBytes());
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(bind.getHostString());
        connector.setPort(bind.getPort());
        connector.setIdleTimeout(limits.idleTimeout().toMillis());
        connector.addEventListener(new ReadDeadlines());
        server.addConnector(connector);
        server.addBean(new NetworkConnectionLimit(limits.maxConnections(), connector));
        server.setHandler(new Routes());
        server.setErrorHandler(WebhookServer::jettyError);
        // A sync waits on these threads, never the HTTP server's; one per connection at most.
        this.syncs = new ThreadPoolExecutor(
                0, limits.maxConnections(), 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
                    Thread t = new Thread(r, "workspace-sync-request");
                    t.setDaemon(true);
                    return t;
                });
    }

    /**
     * Adds {@code GET /metrics} (Prometheus text format, or OpenMetrics when asked), {@code GET /livez}
     * (200 while the process answers; nothing remote is asked) and {@code GET /readyz} (200, or 503 with
     * {@code {"status":"not ready","reason":...}} while draining or when a state directory cannot be
     * written). None needs the webhook secret: they carry no secret and scrapers and kubelets send no
     * token. With {@code managementBind}, they are served on that address alone (and /metrics no longer on
     * the main one), which keeps answering while the main address drains after a termination signal, so
     * readiness can be seen turning 503. Call before {@link #start()}.
     */
    public void observability(ServiceMetrics metrics, Readiness readiness, InetSocketAddress managementBind) {
        this.metrics = metrics;
        this.readiness = readiness;
        if (managementBind != null) {
            HttpConfiguration http = new HttpConfiguration();
            http.setRequestHeaderSize(limits.maxHeaderBytes());
            http.setSendServerVersion(false);
            http.setSendXPoweredBy(false);
            management = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
            management.setName("management");
            management.setHost(managementBind.getHostString());
            management.setPort(managementBind.getPort());
            management.setIdleTimeout(limits.idleTimeout().toMillis());
            management.addEventListener(new ReadDeadlines());
            server.addConnector(management);
            server.addBean(new NetworkConnectionLimit(limits.maxConnections(), management));
        }
    }

    /**
     * Adds {@code POST /windmill-events} (Windmill's workspace webhook; {@link EventRoutes} checks its own
     * credential and answers at once). Call before {@link #start()}.
     */
    public void events(EventRoutes routes) {
        this.events = routes;
    }

    /** The events route, or null when off. */
    public EventRoutes events() {
        return events;
    }

    /** The management address as {@code host:port}, or null when probes share the main address. */
    public String managementAddress() {
        if (management == null) {
            return null;
        }
        String host = management.getHost();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + management.getLocalPort();
    }

    /**
     * Starts listening.
     *
     * @throws SyncConfigException naming the address if it cannot be bound (in use, not this machine's,
     *     a privileged port)
     * @throws IOException if the server cannot start for another reason
     */
    public void start() throws IOException {
        try {
            server.start();
        } catch (Exception e) {
            stopQuietly();
            SyncConfigException refused = bindFailure(e);
            if (refused != null) {
                throw refused;
            }
            throw e instanceof IOException io
                    ? io
                    : new IOException("Cannot start the HTTP server: " + e.getMessage(), e);
        }
    }

    /** The bound address as {@code host:port} ({@code [v6]:port}). */
    public String address() {
        String host = connector.getHost();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port();
    }

    /** What the operator must change when the address cannot be bound, or null for other failures. */
    private SyncConfigException bindFailure(Exception failure) {
        String host = connector.getHost();
        String where = "cannot listen on " + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":"
                + connector.getPort() + ": ";
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String message = String.valueOf(t.getMessage()).toLowerCase(java.util.Locale.ROOT);
            if (t instanceof java.nio.channels.UnresolvedAddressException
                    || t instanceof java.net.UnknownHostException) {
                return new SyncConfigException(where + "cannot resolve '" + host
                        + "'; pick another --bind (127.0.0.1, 0.0.0.0 for every interface, or an address of this"
                        + " machine)");
            }
            if (t instanceof java.net.BindException || t instanceof java.net.SocketException) {
                if (message.contains("in use")) {
                    return new SyncConfigException(where
                            + "address already in use — pick another --port (0 picks a free one), or stop what"
                            + " is listening there");
                }
                if (message.contains("assign") || message.contains("not available")) {
                    return new SyncConfigException(where + "'" + host
                            + "' is not an address of this machine — pick another --bind (127.0.0.1, 0.0.0.0 for"
                            + " every interface)");
                }
                if (message.contains("permission") || message.contains("access")) {
                    return new SyncConfigException(
                            where + "permission denied (ports below 1024 need privileges) — pick another --port");
                }
                return new SyncConfigException(where + t.getMessage() + " — check --bind and --port");
            }
        }
        return null;
    }

    private void stopQuietly() {
        try {
            server.stop();
        } catch (Exception e) {
            LOG.debug(
                    "Stopping the HTTP server after a failed start failed: {}",
                    e.getClass().getName());
        }
        syncs.shutdown();
    }

    /** The port actually bound (useful with port 0). */
    public int port() {
        return connector.getLocalPort();
    }

    // ---- shutting down

    /** Closes the listening socket: new connections are refused, open requests carry on. Idempotent. */
    public void stopAccepting() {
        if (accepting.compareAndSet(true, false)) {
            connector.shutdown();
            if (events != null) {
                events.close(); // no event starts a sync once draining began
            }
        }
    }

    /** Waits until every request that reached a handler has been answered; false on timeout. */
    public boolean awaitAnswered(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (open) {
            while (!open.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                open.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        }
        return true;
    }

    /** Answers every request still open with 503 and this message (past the shutdown grace period). */
    public void abandon(String message) {
        List<Exchange> left;
        synchronized (open) {
            left = new ArrayList<>(open);
        }
        left.forEach(e -> e.answer(503, failure(message)));
    }

    /** Stops the server at once: requests still open get no answer. */
    public void stop() {
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("Stopping the HTTP server failed: {}", e.getClass().getName());
        }
        syncs.shutdown();
    }

    /** Stops accepting, waits up to 5 s for open requests, then stops the server. */
    @Override
    public void close() {
        stopAccepting();
        try {
            awaitAnswered(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stop();
    }

    // ---- routes

    private final class Routes extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            Exchange exchange = new Exchange(request, response, callback);
            try {
                route(exchange);
            } catch (RuntimeException e) {
                LOG.warn("Request failed: {}", e.getClass().getName());
                // The message may hold request data (tokens): answer without it.
                exchange.answer(500, failure("Internal error"));
            }
            return true;
        }
    }

    private void route(Exchange exchange) {
        String path = Request.getPathInContext(exchange.request);
        String method = exchange.request.getMethod();
        boolean onManagement =
                management != null && exchange.request.getConnectionMetaData().getConnector() == management;
        if (onManagement && !List.of("/health", "/livez", "/readyz", "/metrics").contains(path)) {
            exchange.answer(
                    404,
                    failure("Not found: " + method + " " + path + " (this address serves probes and"
                            + " metrics only)"));
            return;
        }
        switch (path) {
            case "/livez" -> {
                if (allow(exchange, "GET")) {
                    exchange.answer(200, object().put("status", "alive"));
                }
            }
            case "/readyz" -> {
                if (allow(exchange, "GET")) {
                    String problem = !accepting.get()
                            ? "draining: shutting down after a termination signal; no new syncs"
                            : readiness == null ? null : readiness.problem().orElse(null);
                    exchange.answer(
                            problem == null ? 200 : 503,
                            problem == null
                                    ? object().put("status", "ready")
                                    : object().put("status", "not ready").put("reason", problem));
                }
            }
            case "/metrics" -> {
                if (metrics == null || (management != null && !onManagement)) {
                    exchange.answer(404, failure("Not found: " + method + " " + path));
                } else if (allow(exchange, "GET")) {
                    String type = ServiceMetrics.contentType(
                            exchange.request.getHeaders().get(HttpHeader.ACCEPT));
                    exchange.text(200, type, metrics.scrape(type));
                }
            }
            case "/health" -> {
                if (allow(exchange, "GET")) {
                    exchange.answer(200, object().put("status", "healthy"));
                }
            }
            case "/status" -> {
                if (allow(exchange, "GET") && authorized(exchange)) {
                    ObjectNode body = object();
                    body.set("targets", ReportJson.MAPPER.valueToTree(service.statusJson()));
                    if (deploys != null) {
                        body.set(
                                "deploys",
                                ReportJson.MAPPER.valueToTree(deploys.service().statusJson()));
                    }
                    if (events != null) {
                        body.set(
                                "events",
                                ReportJson.MAPPER.valueToTree(events.triggers().status()));
                    }
                    exchange.answer(200, body);
                }
            }
            case "/sync" -> {
                exchange.traceId = TraceIds.of(
                        exchange.request.getHeaders().get(TraceIds.TRACEPARENT),
                        exchange.request.getHeaders().get(TraceIds.REQUEST_ID));
                // The body (bounded) is read before the secret is checked: a 401 sent while the client is
                // still writing would reach it as a connection reset instead of the answer.
                if (allow(exchange, "POST")) {
                    read(exchange, MAX_BODY, body -> {
                        if (authorized(exchange)) {
                            sync(exchange, body);
                        }
                    });
                }
            }
            case "/deploy" -> {
                if (deploys == null) {
                    exchange.answer(404, failure(NO_DEPLOYS));
                } else if (allow(exchange, "POST")) {
                    read(exchange, MAX_BODY, body -> {
                        if (!authorized(exchange)) {
                            return; // checked after the body, as for /sync
                        }
                        // Like /sync: the caller waits for the deploy, which runs on its own thread.
                        exchange.request.addIdleTimeoutListener(timeout -> false);
                        try {
                            syncs.execute(() -> exchange.answer(answer(deploys.deploy(body))));
                        } catch (RejectedExecutionException e) {
                            exchange.answer(503, failure("Too many requests in flight; retry later"));
                        }
                    });
                }
            }
            case "/hooks/git" -> {
                // Verified by the git server's signature over the body, not the bearer token.
                if (deploys == null) {
                    exchange.answer(404, failure(NO_DEPLOYS));
                } else if (allow(exchange, "POST")) {
                    read(
                            exchange,
                            DeployRoutes.MAX_HOOK_BODY,
                            body -> exchange.answer(answer(deploys.gitHook(
                                    name -> exchange.request.getHeaders().get(name),
                                    exchange.request.getHeaders().get(HttpHeader.CONTENT_TYPE),
                                    body))));
                }
            }
            case "/windmill-events" -> {
                if (events == null) {
                    exchange.answer(404, failure("Not found: Windmill change events are off"));
                } else if (allow(exchange, "POST")) {
                    String target =
                            Request.extractQueryParameters(exchange.request).getValue("target");
                    read(exchange, EventRoutes.MAX_BODY, body -> {
                        EventRoutes.Reply reply = events.handle(
                                exchange.request.getHeaders().get(HttpHeader.AUTHORIZATION), target, body);
                        if (reply.authenticate() == null) {
                            exchange.answer(reply.status(), reply.body());
                        } else {
                            exchange.answer(
                                    reply.status(), reply.body(), HttpHeader.WWW_AUTHENTICATE, reply.authenticate());
                        }
                    });
                }
            }
            default -> exchange.answer(404, failure("Not found: " + method + " " + path));
        }
    }

    private static final String NO_DEPLOYS = "Not found: deploys are off; start serve with --deploy-source git"
            + " --deploy-destination windmill (or WORKSPACE_SYNC_DEPLOY_SOURCE)";

    private static Answer answer(DeployRoutes.Reply reply) {
        return new Answer(reply.status(), reply.body());
    }

    /** Reads a body of at most {@code limit} bytes (413 above), then hands it on. */
    private void read(Exchange exchange, int limit, java.util.function.Consumer<byte[]> then) {
        if (exchange.request.getLength() > limit) {
            exchange.answer(413, tooLarge(limit));
        } else {
            new BodyReader(exchange, limit, then).run();
        }
    }

    private static boolean allow(Exchange exchange, String method) {
        if (exchange.request.getMethod().equals(method)) {
            return true;
        }
        exchange.answer(
                405,
                failure("Method " + exchange.request.getMethod() + " not allowed; use " + method),
                HttpHeader.ALLOW,
                method);
        return false;
    }

    private boolean authorized(Exchange exchange) {
        if (webhookSecret == null) {
            return true;
        }
        if (webhookSecret.matches(bearerToken(exchange.request.getHeaders().get(HttpHeader.AUTHORIZATION)))) {
            return true;
        }
        exchange.answer(
                401,
                failure("Unauthorized: send Authorization: Bearer <SYNC_WEBHOOK_SECRET>"),
                HttpHeader.WWW_AUTHENTICATE,
                "Bearer");
        return false;
    }

    /** The credentials of a {@code Bearer} authorization; the scheme is case-insensitive (RFC 7235). */
    public static String bearerToken(String header) {
        if (header == null) {
            return null;
        }
        String value = header.strip();
        int space = value.indexOf(' ');
        if (space < 0 || !value.substring(0, space).equalsIgnoreCase("Bearer")) {
            return null;
        }
        String token = value.substring(space + 1).strip();
        return token.isEmpty() ? null : token;
    }

    /** Collects a body without holding a thread while the client is slow; stops at its limit. */
    private final class BodyReader implements Runnable {
        private final Exchange exchange;
        private final int limit;
        private final java.util.function.Consumer<byte[]> then;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        BodyReader(Exchange exchange, int limit, java.util.function.Consumer<byte[]> then) {
            this.exchange = exchange;
            this.limit = limit;
            this.then = then;
        }

        @Override
        public void run() {
            while (true) {
                Content.Chunk chunk = exchange.request.read();
                if (chunk == null) {
                    exchange.request.demand(this);
                    return;
                }
                if (Content.Chunk.isFailure(chunk)) {
                    if (chunk.isLast()) {
                        exchange.fail(chunk.getFailure()); // the connection is gone
                    } else {
                        exchange.answer(408, failure("Request body not received in time"));
                    }
                    return;
                }
                ByteBuffer buffer = chunk.getByteBuffer();
                if (bytes.size() + buffer.remaining() > limit) {
                    chunk.release();
                    exchange.answer(413, tooLarge(limit));
                    return;
                }
                byte[] part = new byte[buffer.remaining()];
                buffer.get(part);
                bytes.writeBytes(part);
                boolean last = chunk.isLast();
                chunk.release();
                if (last) {
                    received(exchange.request);
                    then.accept(bytes.toByteArray());
                    return;
                }
            }
        }
    }

    private void sync(Exchange exchange, byte[] body) {
        JsonNode json;
        try {
            json = body.length == 0 ? object() : ReportJson.MAPPER.readTree(body);
        } catch (IOException e) {
            exchange.answer(400, failure("Invalid JSON body"));
            return;
        }
        if (json == null || !json.isObject()) {
            exchange.answer(400, failure("Invalid JSON body: expected an object"));
            return;
        }
        // POST /sync?target=NAME (a targets file) means what {"target": NAME} means.
        String target = Request.extractQueryParameters(exchange.request).getValue("target");
        if (target != null) {
            JsonNode named = json.get("target");
            if (named != null && !(named.isTextual() && named.asText().equals(target))) {
                exchange.answer(400, failure("The query names target '" + target + "', the body another"));
                return;
            }
            ((ObjectNode) json).put("target", target);
        }
        SyncSettings settings;
        try {
            settings = requestSettings.apply(json);
        } catch (SyncConfigException e) {
            exchange.answer(refusalStatus(e), failure(secretFree(json, e.getMessage())));
            return;
        }
        // The caller waits for the sync, with no traffic meanwhile: that is not an idle client.
        exchange.request.addIdleTimeoutListener(timeout -> false);
        try {
            syncs.execute(() -> {
                // Every log line of this sync carries the id (TraceIds).
                try (var traced = TraceIds.inContext(exchange.traceId)) {
                    exchange.answer(runSync(settings, exchange));
                }
            });
        } catch (RejectedExecutionException e) {
            exchange.answer(503, failure("Too many requests in flight; retry later"));
        }
    }

    private Answer runSync(SyncSettings settings, Exchange exchange) {
        SyncReport report;
        try {
            report = service.sync(settings);
        } catch (SyncConfigException e) {
            return new Answer(
                    refusalStatus(e), failure(Redactor.of(settings.secrets()).redact(e.getMessage())));
        } catch (IllegalStateException e) {
            return new Answer(503, failure("The service is shutting down"));
        } catch (RuntimeException e) {
            LOG.warn("Sync failed: {}", e.getClass().getName());
            return new Answer(500, failure("Internal error"));
        }
        String runId = TraceIds.ofRun(report, exchange.traceId);
        if (!runId.equals(exchange.traceId)) {
            LOG.info("This request joined the sync run with trace id {}", runId);
        }
        ObjectNode answer = ReportJson.of(report, runId);
        answer.put("success", report.succeeded());
        int status = switch (report.status()) {
            case SYNCED, NO_CHANGES, INCOMPLETE -> 200; // INCOMPLETE: "success": false and "skipped" say why
            case REFUSED -> 409;
            case FAILED -> 500;
        };
        return new Answer(status, answer);
    }

    /**
     * The HTTP status for settings refused before any sync ran: the one place this mapping lives, for the
     * request-settings function and for pipeline creation alike.
     */
    private static int refusalStatus(SyncConfigException e) {
        // 403: the request would lend the service's credentials elsewhere (CredentialBinding).
        return e instanceof RequestRefusedException ? 403 : 400;
    }

    /** Scrubs every string value of the request from a message (they may be tokens). */
    private static String secretFree(JsonNode json, String message) {
        List<Secret> values = new ArrayList<>();
        json.fields().forEachRemaining(f -> {
            if (f.getValue().isTextual()
                    && f.getKey().contains("token")
                    && !f.getValue().asText().isBlank()) {
                values.add(Secret.of(f.getValue().asText()));
            }
        });
        return Redactor.of(values).redact(message);
    }

    private static ObjectNode object() {
        return ReportJson.MAPPER.createObjectNode();
    }

    private static ObjectNode failure(String message) {
        return object().put("success", false).put("message", message);
    }

    private static ObjectNode tooLarge(int limit) {
        return failure("Request body larger than " + limit + " bytes");
    }

    /** Errors Jetty answers itself (431 headers too large, 400 malformed): JSON too, without request data. */
    private static boolean jettyError(Request request, Response response, Callback callback) {
        int status = response.getStatus();
        write(response, callback, status, failure(HttpStatus.getMessage(status)));
        return true;
    }

    private static void write(Response response, Callback callback, int status, ObjectNode body, Object... headers) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        // One request per connection: the read timeout then bounds every request, not only the first.
        response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE);
        for (int i = 0; i < headers.length; i += 2) {
            if (headers[i] instanceof HttpHeader known) {
                response.getHeaders().put(known, (String) headers[i + 1]);
            } else {
                response.getHeaders().put((String) headers[i], (String) headers[i + 1]);
            }
        }
        byte[] bytes = (body.toString() + "\n").getBytes(StandardCharsets.UTF_8);
        response.write(true, ByteBuffer.wrap(bytes), callback);
    }

    private record Answer(int status, ObjectNode body) {}

    /** One request: answered exactly once, tracked until the answer is written. */
    private final class Exchange {
        final Request request;
        final Response response;
        final Callback callback;
        private final AtomicBoolean answered = new AtomicBoolean();
        /** The correlation id of a {@code /sync} request (checked, see {@link TraceIds}), else null. */
        volatile String traceId;

        Exchange(Request request, Response response, Callback callback) {
            this.request = request;
            this.response = response;
            this.callback = callback;
            synchronized (open) {
                open.add(this);
            }
        }

        void answer(Answer answer) {
            answer(answer.status(), answer.body());
        }

        void answer(int status, ObjectNode body, Object... headers) {
            if (!answered.compareAndSet(false, true)) {
                return;
            }
            received(request);
            if (traceId != null) {
                headers = java.util.Arrays.copyOf(headers, headers.length + 2);
                headers[headers.length - 2] = TraceIds.REQUEST_ID;
                headers[headers.length - 1] = traceId;
            }
            write(response, written(), status, body, headers);
        }

        /** A text answer (metrics). */
        void text(int status, String contentType, String text) {
            if (!answered.compareAndSet(false, true)) {
                return;
            }
            received(request);
            response.setStatus(status);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
            response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE);
            response.write(true, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), written());
        }

        private Callback written() {
            return Callback.from(
                    () -> {
                        done();
                        callback.succeeded();
                    },
                    x -> {
                        done();
                        callback.failed(x);
                    });
        }

        void fail(Throwable failure) {
            if (answered.compareAndSet(false, true)) {
                done();
                callback.failed(failure);
            }
        }

        private void done() {
            synchronized (open) {
                open.remove(this);
                open.notifyAll();
            }
        }
    }

    // ---- the read deadline

    /** The request on this connection has arrived (or been answered): it is no longer held to the deadline. */
    private void received(Request request) {
        Scheduler.Task deadline =
                readDeadlines.remove(request.getConnectionMetaData().getConnection());
        if (deadline != null) {
            deadline.cancel();
        }
    }

    /** Closes a connection whose request has not fully arrived within the read timeout of its opening. */
    private final class ReadDeadlines implements Connection.Listener {
        @Override
        public void onOpened(Connection connection) {
            readDeadlines.put(
                    connection, connector.getScheduler().schedule(() -> expire(connection), limits.readTimeout()));
        }

        @Override
        public void onClosed(Connection connection) {
            Scheduler.Task deadline = readDeadlines.remove(connection);
            if (deadline != null) {
                deadline.cancel();
            }
        }

        private void expire(Connection connection) {
            if (readDeadlines.remove(connection) != null) {
                LOG.debug("Closing a connection that sent no complete request within {}", limits.readTimeout());
                connection
                        .getEndPoint()
                        .close(new TimeoutException("request not received within " + limits.readTimeout()));
            }
        }
    }
}
