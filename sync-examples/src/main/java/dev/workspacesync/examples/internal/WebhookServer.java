package dev.workspacesync.examples.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.workspacesync.core.Redactor;
import dev.workspacesync.core.Secret;
import dev.workspacesync.core.SyncConfigException;
import dev.workspacesync.core.SyncReport;
import dev.workspacesync.core.SyncSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backup service's HTTP face, on the JDK's built-in server (no framework to clash with a host's):
 *
 * <ul>
 *   <li>{@code GET /health} → 200 {@code {"status":"healthy"}}
 *   <li>{@code GET /status} → the last result per target
 *   <li>{@code POST /sync} → runs a sync and answers when it is done: 200 with counts, 400 for a bad body
 *       or missing fields, 409 when a guard refused the plan, 500 when the sync failed (redacted)
 * </ul>
 *
 * Paths match exactly (the JDK server matches prefixes), a wrong method is 405, bodies over 64 KiB are
 * 413, and with a webhook secret every route but {@code /health} needs {@code Authorization: Bearer}.
 */
public final class WebhookServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookServer.class);
    /** The largest request body accepted. */
    public static final int MAX_BODY = 64 * 1024;

    private final HttpServer server;
    private final ExecutorService executor;
    private final BackupService service;
    private final Function<JsonNode, SyncSettings> requestSettings;
    private final Secret webhookSecret;

    /**
     * @param bind where to listen
     * @param service runs the syncs
     * @param requestSettings turns a request body into settings (environment fallback included); throws
     *     {@link SyncConfigException} naming missing fields
     * @param webhookSecret the bearer token requests must carry, or null for none
     * @param threads the most requests handled at once
     */
    public WebhookServer(
            InetSocketAddress bind,
            BackupService service,
            Function<JsonNode, SyncSettings> requestSettings,
            Secret webhookSecret,
            int threads)
            throws IOException {
        this.service = service;
        this.requestSettings = requestSettings;
        this.webhookSecret = webhookSecret;
        this.server = HttpServer.create(bind, 64);
        this.executor = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "workspace-sync-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
    }

    public void start() {
        server.start();
        LOG.info("Listening on {}", server.getAddress());
    }

    /** The port actually bound (useful with port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            switch (path) {
                case "/health" -> {
                    if (allow(exchange, "GET")) {
                        send(exchange, 200, object().put("status", "healthy"));
                    }
                }
                case "/status" -> {
                    if (allow(exchange, "GET") && authorized(exchange)) {
                        ObjectNode body = object();
                        body.set("targets", ReportJson.MAPPER.valueToTree(service.statusJson()));
                        send(exchange, 200, body);
                    }
                }
                case "/sync" -> {
                    if (allow(exchange, "POST") && authorized(exchange)) {
                        sync(exchange);
                    }
                }
                default -> send(exchange, 404, failure("Not found: " + method + " " + path));
            }
        } catch (RuntimeException e) {
            LOG.warn("Request failed: {}", e.getClass().getName());
            // The message may hold request data (tokens): answer without it.
            send(exchange, 500, failure("Internal error"));
        }
    }

    private boolean allow(HttpExchange exchange, String method) throws IOException {
        if (exchange.getRequestMethod().equals(method)) {
            return true;
        }
        exchange.getResponseHeaders().set("Allow", method);
        send(exchange, 405, failure("Method " + exchange.getRequestMethod() + " not allowed; use " + method));
        return false;
    }

    private boolean authorized(HttpExchange exchange) throws IOException {
        if (webhookSecret == null) {
            return true;
        }
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        String presented = header != null && header.startsWith("Bearer ")
                ? header.substring(7).trim()
                : null;
        if (webhookSecret.matches(presented)) {
            return true;
        }
        exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
        send(exchange, 401, failure("Unauthorized: send Authorization: Bearer <SYNC_WEBHOOK_SECRET>"));
        return false;
    }

    private void sync(HttpExchange exchange) throws IOException {
        byte[] body = readCapped(exchange.getRequestBody());
        if (body == null) {
            send(exchange, 413, failure("Request body larger than " + MAX_BODY + " bytes"));
            return;
        }
        JsonNode json;
        try {
            json = body.length == 0 ? object() : ReportJson.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            send(exchange, 400, failure("Invalid JSON body"));
            return;
        }
        if (json == null || !json.isObject()) {
            send(exchange, 400, failure("Invalid JSON body: expected an object"));
            return;
        }
        SyncSettings settings;
        try {
            settings = requestSettings.apply(json);
        } catch (SyncConfigException e) {
            send(exchange, 400, failure(secretFree(json, e.getMessage())));
            return;
        }
        SyncReport report;
        try {
            report = service.sync(settings);
        } catch (SyncConfigException e) {
            send(exchange, 400, failure(Redactor.of(settings.secrets()).redact(e.getMessage())));
            return;
        } catch (IllegalStateException e) {
            send(exchange, 503, failure("The service is shutting down"));
            return;
        }
        ObjectNode answer = ReportJson.of(report);
        answer.put("success", report.succeeded());
        int status = switch (report.status()) {
            case SYNCED, NO_CHANGES, INCOMPLETE -> 200; // INCOMPLETE: "success": false and "skipped" say why
            case REFUSED -> 409;
            case FAILED -> 500;
        };
        send(exchange, status, answer);
    }

    /** Scrubs every string value of the request from a message (they may be tokens). */
    private static String secretFree(JsonNode json, String message) {
        List<Secret> values = new java.util.ArrayList<>();
        json.fields().forEachRemaining(f -> {
            if (f.getValue().isTextual()
                    && f.getKey().contains("token")
                    && !f.getValue().asText().isBlank()) {
                values.add(Secret.of(f.getValue().asText()));
            }
        });
        return Redactor.of(values).redact(message);
    }

    private static byte[] readCapped(InputStream in) throws IOException {
        byte[] bytes = in.readNBytes(MAX_BODY + 1);
        return bytes.length > MAX_BODY ? null : bytes;
    }

    private static ObjectNode object() {
        return ReportJson.MAPPER.createObjectNode();
    }

    private static ObjectNode failure(String message) {
        return object().put("success", false).put("message", message);
    }

    private static void send(HttpExchange exchange, int status, ObjectNode body) throws IOException {
        byte[] bytes = (body.toString() + "\n").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Stops accepting requests, lets running ones finish for up to the grace period. */
    @Override
    public void close() {
        server.stop(1);
        executor.shutdown();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
