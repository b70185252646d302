package dev.workspacesync.examples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * An attacker's host: records every request (method, path and query, every {@code Authorization} and
 * other credential-bearing header) and answers 401 with a Basic challenge, so a client that holds a
 * password would send it on the retry.
 */
final class CaptureServer implements AutoCloseable {
    /** One recorded request. */
    record Captured(String method, String uri, List<String> authorization, String allHeaders) {
        /** Every credential this request carried, Basic auth decoded. */
        String credentials() {
            StringBuilder out =
                    new StringBuilder(uri).append('\n').append(allHeaders).append('\n');
            for (String header : authorization) {
                out.append(header).append('\n');
                String[] parts = header.trim().split("\\s+", 2);
                if (parts.length == 2 && parts[0].equalsIgnoreCase("basic")) {
                    try {
                        out.append(new String(Base64.getDecoder().decode(parts[1].trim()), StandardCharsets.UTF_8))
                                .append('\n');
                    } catch (IllegalArgumentException e) {
                        out.append("(undecodable)\n");
                    }
                }
            }
            return out.toString();
        }
    }

    private final HttpServer server;
    private final List<Captured> captured = new CopyOnWriteArrayList<>();
    private final String host;

    private CaptureServer(InetAddress address) throws IOException {
        server = HttpServer.create(new InetSocketAddress(address, 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "capture-server");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", this::handle);
        server.start();
        String literal = address.getHostAddress();
        host = literal.contains(":") ? "[" + literal.replaceFirst("%.*", "") + "]" : literal;
    }

    static CaptureServer onLoopback() throws IOException {
        return new CaptureServer(InetAddress.getByName("127.0.0.1"));
    }

    /** On {@code ::1}, or null where the machine has no IPv6 loopback. */
    static CaptureServer onIpv6Loopback() {
        try {
            return new CaptureServer(InetAddress.getByName("::1"));
        } catch (IOException e) {
            return null;
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            StringBuilder all = new StringBuilder();
            exchange.getRequestHeaders()
                    .forEach((k, v) -> all.append(k).append(": ").append(v).append('\n'));
            List<String> auth = exchange.getRequestHeaders().get("Authorization");
            captured.add(new Captured(
                    exchange.getRequestMethod(),
                    exchange.getRequestURI().toString(),
                    auth == null ? List.of() : new ArrayList<>(auth),
                    all.toString()));
            byte[] body = "{\"error\":\"who are you\"}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"capture\"");
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(401, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** e.g. {@code http://127.0.0.1:41234} or {@code http://[::1]:41234}. */
    String url() {
        return "http://" + host + ":" + port();
    }

    int port() {
        return server.getAddress().getPort();
    }

    List<Captured> captured() {
        return List.copyOf(captured);
    }

    /** Every credential received so far, in one text (Basic decoded). */
    String everything() {
        StringBuilder out = new StringBuilder();
        captured.forEach(c -> out.append(c.credentials()));
        return out.toString();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
