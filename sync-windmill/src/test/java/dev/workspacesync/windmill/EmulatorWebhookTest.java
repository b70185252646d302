package dev.workspacesync.windmill;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.workspacesync.windmill.testing.WindmillEmulator;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The emulator's workspace webhook against a receiving server: set through {@code workspaces/edit_webhook} as
 * an admin sets it, then one event per change in the server's {@code WebhookMessage} shape, sent in order as
 * JSON with the URL's userinfo as Basic authorization (what reqwest does), none for kinds the server sends
 * none for or for refused requests, and none once the setting is emptied.
 */
class EmulatorWebhookTest {
    private static final String TOKEN = "emulator-webhook-token";

    private record Received(String path, String authorization, String contentType, String body) {}

    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private HttpServer receiver;
    private WindmillEmulator windmill;

    @BeforeEach
    void start() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/", exchange -> {
            try (exchange) {
                received.add(new Received(
                        exchange.getRequestURI().toString(),
                        exchange.getRequestHeaders().getFirst("Authorization"),
                        exchange.getRequestHeaders().getFirst("Content-Type"),
                        new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
                exchange.sendResponseHeaders(202, -1);
            }
        });
        receiver.start();
        windmill = WindmillEmulator.start(TOKEN).emptyWorkspace("ws");
    }

    @AfterEach
    void stop() {
        windmill.close();
        receiver.stop(0);
    }

    private String call(String path, String body, int expected) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(windmill.baseUrl() + "/api/w/ws/" + path))
                        .header("Authorization", "Bearer " + TOKEN)
                        .header("Content-Type", "application/json")
                        .method(
                                path.contains("/delete/") ? "DELETE" : "POST",
                                HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(expected);
        return response.body();
    }

    private void awaitReceived(int count) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (received.size() < count) {
            assertThat(System.nanoTime())
                    .as("waiting for %d events, got %s", count, received)
                    .isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    @Test
    void eachChangeSendsTheServersEventInOrder() throws Exception {
        String hook =
                "http://events:s%40cret@127.0.0.1:" + receiver.getAddress().getPort() + "/hook?x=1";
        call("workspaces/edit_webhook", "{\"webhook\":\"" + hook + "\"}", 200);
        call("folders/create", "{\"name\":\"etl\"}", 201);
        String first = call("scripts/create", "{\"path\":\"f/etl/load\",\"content\":\"x\",\"language\":\"bun\"}", 201);
        String second = call(
                "scripts/create",
                "{\"path\":\"f/etl/load\",\"content\":\"y\",\"language\":\"bun\",\"parent_hash\":\"" + first + "\"}",
                201);
        call(
                "variables/create",
                "{\"path\":\"f/etl/v\",\"value\":\"1\",\"is_secret\":false,\"description\":\"\"}",
                201);
        call("variables/update/f/etl/v", "{\"path\":\"f/etl/w\"}", 200);
        call("resources/type/create", "{\"name\":\"pg\",\"schema\":{}}", 201);
        call("schedules/create", "{\"path\":\"f/etl/nightly\",\"schedule\":\"0 0 * * *\"}", 201);
        call("flows/update/f/etl/missing", "{\"path\":\"f/etl/missing\"}", 404);
        call("scripts/archive/p/f/etl/load", "", 200);
        call("folders/delete/etl", "", 200);
        awaitReceived(8);

        assertThat(received)
                .extracting(Received::body)
                .containsExactly(
                        "{\"type\":\"CreateFolder\",\"workspace\":\"ws\",\"name\":\"etl\"}",
                        "{\"type\":\"CreateScript\",\"workspace\":\"ws\",\"path\":\"f/etl/load\",\"hash\":\"" + first
                                + "\"}",
                        "{\"type\":\"UpdateScript\",\"workspace\":\"ws\",\"path\":\"f/etl/load\",\"hash\":\"" + second
                                + "\"}",
                        "{\"type\":\"CreateVariable\",\"workspace\":\"ws\",\"path\":\"f/etl/v\"}",
                        "{\"type\":\"UpdateVariable\",\"workspace\":\"ws\",\"old_path\":\"f/etl/v\","
                                + "\"new_path\":\"f/etl/w\"}",
                        "{\"type\":\"CreateResourceType\",\"name\":\"pg\"}",
                        "{\"type\":\"DeleteScript\",\"workspace\":\"ws\",\"hash\":\"" + second + "\"}",
                        "{\"type\":\"DeleteFolder\",\"workspace\":\"ws\",\"name\":\"etl\"}");
        String basic = "Basic " + Base64.getEncoder().encodeToString("events:s@cret".getBytes(StandardCharsets.UTF_8));
        assertThat(received).allSatisfy(r -> {
            assertThat(r.path()).isEqualTo("/hook?x=1");
            assertThat(r.authorization()).isEqualTo(basic);
            assertThat(r.contentType()).isEqualTo("application/json");
        });
        assertThat(windmill.webhookDeliveries())
                .allSatisfy(d -> assertThat(d.url()).doesNotContain("cret"));

        call("workspaces/edit_webhook", "{\"webhook\":\"\"}", 200);
        call("folders/create", "{\"name\":\"quiet\"}", 201);
        assertThat(windmill.webhookEvents()).hasSize(8);
    }
}
