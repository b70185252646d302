package dev.workspacesync.examples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A forwarding HTTP proxy on 127.0.0.1 that holds requests whose path matches until the test releases
 * them: a sync through it is in flight, deterministically, for as long as the test wants.
 */
final class HoldingProxy implements AutoCloseable {
    /** Headers the JDK client sets itself (or refuses). */
    private static final Set<String> NOT_FORWARDED = Set.of(
            "connection",
            "content-length",
            "expect",
            "host",
            "upgrade",
            "transfer-encoding",
            "keep-alive",
            "te",
            "trailer",
            "date",
            "via",
            "warning");

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final HttpClient client = HttpClient.newHttpClient();
    private final String upstream;
    private final Predicate<String> held;
    private final CountDownLatch reached = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private volatile boolean holding = true;
    private volatile boolean drop;

    /** Forwards to {@code upstream} (e.g. {@code http://127.0.0.1:4711}), holding paths {@code held} accepts. */
    HoldingProxy(String upstream, Predicate<String> held) throws IOException {
        this.upstream = upstream;
        this.held = held;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Waits until a held request has arrived. */
    boolean awaitHeld(Duration patience) throws InterruptedException {
        return reached.await(patience.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Lets every held request (and all later ones) through. */
    void release() {
        holding = false;
        release.countDown();
    }

    /** Answers every held request 502 without forwarding it; later requests pass. */
    void drop() {
        drop = true;
        holding = false;
        release.countDown();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (holding && held.test(exchange.getRequestURI().getRawPath())) {
                reached.countDown();
                if (!release.await(5, TimeUnit.MINUTES) || drop) {
                    exchange.sendResponseHeaders(502, -1);
                    return;
                }
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(
                            URI.create(upstream + exchange.getRequestURI().toString()))
                    .timeout(Duration.ofSeconds(60))
                    .method(
                            exchange.getRequestMethod(),
                            HttpRequest.BodyPublishers.ofByteArray(
                                    exchange.getRequestBody().readAllBytes()));
            exchange.getRequestHeaders().forEach((name, values) -> {
                if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT))) {
                    values.forEach(value -> request.header(name, value));
                }
            });
            HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            response.headers().map().forEach((name, values) -> {
                if (!name.equalsIgnoreCase("content-length")
                        && !name.equalsIgnoreCase("transfer-encoding")
                        && !name.equalsIgnoreCase("connection")
                        && !name.equalsIgnoreCase("date")) {
                    exchange.getResponseHeaders().put(name, values);
                }
            });
            byte[] body = response.body();
            exchange.sendResponseHeaders(response.statusCode(), body.length == 0 ? -1 : body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        release();
        server.stop(0);
        executor.shutdownNow();
    }
}
