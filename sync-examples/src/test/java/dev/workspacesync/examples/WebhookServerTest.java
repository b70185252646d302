package dev.workspacesync.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.workspacesync.core.ProviderRegistry;
import dev.workspacesync.core.Secret;
import dev.workspacesync.core.SyncListener;
import dev.workspacesync.core.SyncReport;
import dev.workspacesync.core.SyncSettings;
import dev.workspacesync.core.testing.CapturedOutput;
import dev.workspacesync.examples.internal.BackupService;
import dev.workspacesync.examples.internal.HttpLimits;
import dev.workspacesync.examples.internal.Notifier;
import dev.workspacesync.examples.internal.RegistryPipelines;
import dev.workspacesync.examples.internal.RequestFields;
import dev.workspacesync.examples.internal.WebhookServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The service's HTTP contract, over real HTTP on loopback, with a memory source and a directory mirror. */
class WebhookServerTest {
    private static final String TOKEN = "sk_live_request_token_55aa";
    private static final String WEBHOOK_SECRET = "hook-secret-0042";

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();
    private final AtomicInteger runs = new AtomicInteger();
    private final List<SyncReport> finished = Collections.synchronizedList(new ArrayList<>());
    private WebhookServer server;
    private BackupService service;

    record Answer(int status, JsonNode body, Map<String, List<String>> headers) {}

    private void start(Secret secret, SyncListener... extra) throws IOException {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("files", "memory.files");
        fields.put("name", "memory.name");
        fields.put("token", "memory.token");
        fields.put("fail", "memory.fail");
        fields.put("delay", "memory.delay-ms");
        RequestFields requestFields = new RequestFields(
                fields,
                Map.of("files", RequestFields.always()),
                SyncSettings.of(Map.of("memory.name", "from-env")),
                SyncSettings.of(Map.of(
                        "directory.path", dir.resolve("mirror").toString(),
                        "directory.state-dir", dir.resolve("state").toString())));
        List<SyncListener> listeners = new ArrayList<>(List.of(extra));
        listeners.add(new SyncListener() {
            @Override
            public void started(String source, List<String> destinations, boolean dryRun) {
                runs.incrementAndGet();
            }

            @Override
            public void finished(SyncReport report) {
                finished.add(report);
            }
        });
        service = new BackupService(
                new RegistryPipelines(
                        ProviderRegistry.discover(), "memory", "directory", s -> s.string("memory.name"), listeners),
                4);
        server = new WebhookServer(
                new InetSocketAddress("127.0.0.1", 0), service, requestFields::settings, secret, HttpLimits.defaults());
        server.start();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
            service.close();
        }
    }

    private Answer call(String method, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(30))
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
        return new Answer(
                response.statusCode(),
                new ObjectMapper().readTree(response.body()),
                response.headers().map());
    }

    /** Sends {@code request} as is and returns the status line of the answer. */
    private String rawExchange(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
        }
    }

    @Test
    void healthMethodsAndExactPaths() throws Exception {
        start(null);
        Answer health = call("GET", "/health", null);
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.body().toString()).isEqualTo("{\"status\":\"healthy\"}");
        Answer wrongMethod = call("POST", "/health", "{}");
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(wrongMethod.headers().get("allow")).containsExactly("GET");
        assertThat(call("GET", "/sync", null).status()).isEqualTo(405);
        assertThat(call("GET", "/healthX", null).status()).isEqualTo(404);
        assertThat(call("GET", "/health/", null).status()).isEqualTo(404);
    }

    @Test
    void badBodiesAreClear400s() throws Exception {
        start(null);
        Answer badJson = call("POST", "/sync", "{not json");
        assertThat(badJson.status()).isEqualTo(400);
        assertThat(badJson.body().get("success").asBoolean()).isFalse();
        assertThat(badJson.body().get("message").asText()).isEqualTo("Invalid JSON body");
        assertThat(call("POST", "/sync", "[1,2]").body().get("message").asText())
                .isEqualTo("Invalid JSON body: expected an object");
        Answer missing = call("POST", "/sync", "{\"token\": \"" + TOKEN + "\"}");
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.body().get("message").asText()).isEqualTo("Missing required fields: files");
        // Only the headers: the server answers from Content-Length and closes, which a client still
        // writing the body would see as a reset rather than the answer.
        String huge = rawExchange("POST /sync HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + (WebhookServer.MAX_BODY + 1) + "\r\n\r\n");
        assertThat(huge).startsWith("HTTP/1.1 413 ");
        assertThat(runs.get()).isZero();
    }

    @Test
    void syncsThenReportsNoChangeAndKeepsAStatusPerTarget() throws Exception {
        start(null);
        Answer first = call("POST", "/sync", "{\"files\": \"a.txt=1;b.txt=2\"}");
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.body().get("success").asBoolean()).isTrue();
        assertThat(first.body().get("status").asText()).isEqualTo("SYNCED");
        assertThat(first.body().get("destinations").get(0).get("added").asInt()).isEqualTo(2);
        Answer second = call("POST", "/sync", "{\"files\": \"a.txt=1;b.txt=2\"}");
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.body().get("status").asText()).isEqualTo("NO_CHANGES");
        Answer status = call("GET", "/status", null);
        assertThat(status.body().get("targets").get(0).get("target").asText()).isEqualTo("from-env");
        assertThat(status.body().get("targets").get(0).get("status").asText()).isEqualTo("NO_CHANGES");
    }

    @Test
    void aWebhookSecretIsRequiredWhenSet() throws Exception {
        start(Secret.of(WEBHOOK_SECRET));
        assertThat(call("GET", "/health", null).status()).isEqualTo(200);
        assertThat(call("POST", "/sync", "{\"files\": \"a=1\"}").status()).isEqualTo(401);
        assertThat(call("POST", "/sync", "{\"files\": \"a=1\"}", "Authorization", "Bearer wrong")
                        .status())
                .isEqualTo(401);
        assertThat(call("GET", "/status", null).status()).isEqualTo(401);
        assertThat(call("POST", "/sync", "{\"files\": \"a=1\"}", "Authorization", "Bearer " + WEBHOOK_SECRET)
                        .status())
                .isEqualTo(200);
        assertThat(runs.get()).isEqualTo(1);
        // The scheme is case-insensitive (RFC 7235); the secret is not.
        assertThat(call("GET", "/status", null, "Authorization", "bearer " + WEBHOOK_SECRET)
                        .status())
                .isEqualTo(200);
        assertThat(call("GET", "/status", null, "Authorization", "BEARER  " + WEBHOOK_SECRET)
                        .status())
                .isEqualTo(200);
        assertThat(call("GET", "/status", null, "Authorization", "Bearer " + WEBHOOK_SECRET.toUpperCase())
                        .status())
                .isEqualTo(401);
        assertThat(call("GET", "/status", null, "Authorization", "Basic " + WEBHOOK_SECRET)
                        .status())
                .isEqualTo(401);
    }

    /** Any casing of the scheme and any run of spaces before the credentials; nothing else passes. */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42, 1_000_003})
    void theBearerSchemeIsCaseInsensitiveAndNothingElseIsTakenForIt(long seed) {
        System.out.println("seed " + seed);
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 500; i++) {
            String token = randomToken(random);
            StringBuilder scheme = new StringBuilder();
            for (char c : "bearer".toCharArray()) {
                scheme.append(random.nextBoolean() ? Character.toUpperCase(c) : c);
            }
            String spaces = " ".repeat(1 + random.nextInt(3));
            assertThat(WebhookServer.bearerToken(scheme + spaces + token))
                    .as("seed %d: %s", seed, scheme)
                    .isEqualTo(token);
            String other = switch (random.nextInt(5)) {
                case 0 -> "Basic " + token;
                case 1 -> scheme + token; // no separator
                case 2 -> scheme.substring(0, 5) + " " + token;
                case 3 -> scheme + "x " + token;
                default -> scheme.toString() + spaces;
            };
            assertThat(WebhookServer.bearerToken(other))
                    .as("seed %d: %s", seed, other)
                    .isNull();
        }
        assertThat(WebhookServer.bearerToken(null)).isNull();
    }

    private static String randomToken(SplittableRandom random) {
        String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~+/=";
        StringBuilder token = new StringBuilder();
        for (int n = 1 + random.nextInt(40); n > 0; n--) {
            token.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return token.toString();
    }

    @Test
    void twentyConcurrentRequestsForOneTargetCoalesceAndAllAreAnswered() throws Exception {
        start(null);
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            answers.add(http.sendAsync(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/sync"))
                            .POST(HttpRequest.BodyPublishers.ofString("{\"files\": \"a=1\", \"delay\": \"300\"}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        for (var answer : answers) {
            assertThat(answer.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }
        assertThat(runs.get()).as("syncs for 20 concurrent requests").isBetween(1, 2);
    }

    @Test
    void aFailingSyncIs500WithARedactedMessageAndNotifiesSlack() throws Exception {
        LinkedBlockingQueue<String> slack = new LinkedBlockingQueue<>();
        HttpServer chat = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        chat.createContext("/hook", exchange -> {
            slack.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        chat.start();
        try (CapturedOutput logs = new CapturedOutput();
                Notifier notifier = new Notifier(
                        URI.create("http://127.0.0.1:" + chat.getAddress().getPort() + "/hook"), null, false)) {
            start(null, notifier);
            Answer ok = call("POST", "/sync", "{\"files\": \"a=1\", \"token\": \"" + TOKEN + "\"}");
            assertThat(ok.status()).isEqualTo(200);
            Answer failed =
                    call("POST", "/sync", "{\"files\": \"a=1\", \"fail\": \"true\", \"token\": \"" + TOKEN + "\"}");
            assertThat(failed.status()).isEqualTo(500);
            assertThat(failed.body().get("success").asBoolean()).isFalse();
            assertThat(failed.body().get("message").asText()).contains("HTTP 401 for token ****");
            String posted = slack.poll(10, TimeUnit.SECONDS);
            assertThat(posted).contains(":x: workspace-sync FAILED").contains("****");
            assertThat(slack.poll(500, TimeUnit.MILLISECONDS))
                    .as("no notice for a success")
                    .isNull();
            assertThat(failed.body().toString() + posted + logs.text()).doesNotContain(TOKEN);
        } finally {
            chat.stop(0);
        }
    }
}
