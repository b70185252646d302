package dev.workspacesync.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.workspacesync.git.testing.GitHttpServer;
import dev.workspacesync.git.testing.GitTesting;
import dev.workspacesync.windmill.testing.Fixtures;
import dev.workspacesync.windmill.testing.WindmillEmulator;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code serve} started as a user starts it, in its own process ({@code java -jar workspace-sync.jar serve}),
 * against the Windmill emulator and a real smart-HTTP git server: slow and hostile clients, limits, the
 * SIGTERM drain and what happens past its grace period.
 */
class ServeProcessIT {
    private static final String WINDMILL_TOKEN = "wm-serve-process-token-71c3";
    private static final String WEBHOOK_SECRET = "hook-secret-serve-9f20";
    private static final String MESSAGE = "Automated Windmill workspace backup - admins";

    @TempDir
    Path dir;

    private WindmillEmulator windmill;
    private GitHttpServer git;
    private final List<AutoCloseable> cleanup = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private int runs;

    @BeforeAll
    static void isolate() {
        GitTesting.isolateJGit();
    }

    @AfterAll
    static void restore() {
        GitTesting.restoreJGit();
    }

    @BeforeEach
    void start() throws Exception {
        windmill = WindmillEmulator.start(WINDMILL_TOKEN).workspace("admins", Fixtures.fullWorkspace());
        git = new GitHttpServer(dir.resolve("server"));
        git.createRepository("backup");
    }

    /** Child processes die first (they write below the temporary directory), then the servers. */
    @AfterEach
    void stop() throws Exception {
        for (int i = cleanup.size() - 1; i >= 0; i--) {
            cleanup.get(i).close();
        }
        windmill.close();
        git.close();
    }

    private Map<String, String> env(String windmillUrl, String gitUrl, boolean secret) {
        Map<String, String> env = new HashMap<>();
        env.put("HOME", dir.resolve("home").toString());
        env.put("XDG_CACHE_HOME", dir.resolve("cache").toString());
        env.put("GIT_CONFIG_NOSYSTEM", "1");
        env.put("WINDMILL_BASE_URL", windmillUrl);
        env.put("WINDMILL_TOKEN", WINDMILL_TOKEN);
        env.put("WINDMILL_WORKSPACE", "admins");
        env.put("WORKSPACE_SYNC_WINDMILL_ATTRIBUTION", "false"); // one commit per sync: syncs are counted by commits
        env.put("GIT_REMOTE_URL", gitUrl);
        env.put("GIT_TOKEN", GitHttpServer.PASSWORD);
        env.put("GIT_USER_NAME", "Backup Bot");
        env.put("GIT_USER_EMAIL", "backup@example.invalid");
        env.put("WORKSPACE_SYNC_GIT_USERNAME", GitHttpServer.USER);
        env.put("WORKSPACE_SYNC_GIT_WORK_DIR", dir.resolve("clone").toString());
        if (secret) {
            env.put("SYNC_WEBHOOK_SECRET", WEBHOOK_SECRET);
        }
        return env;
    }

    private Map<String, String> env(boolean secret) {
        return env(windmill.baseUrl(), git.url("backup"), secret);
    }

    private ServeProcess serve(Map<String, String> env, String... args) throws Exception {
        return serveLogging("info", env, args);
    }

    private ServeProcess serveLogging(String level, Map<String, String> env, String... args) throws Exception {
        ServeProcess serve = ServeProcess.start(dir.resolve("run-" + runs++), env, level, args);
        cleanup.add(serve);
        return serve;
    }

    private HoldingProxy proxy(String upstream, String heldPathSuffix) throws IOException {
        HoldingProxy proxy = new HoldingProxy(upstream, path -> path.endsWith(heldPathSuffix));
        cleanup.add(proxy);
        return proxy;
    }

    /** The git server's base URL (the proxy forwards paths as they are). */
    private String gitBase() {
        String url = git.url("backup");
        return url.substring(0, url.indexOf("/git/"));
    }

    private HttpRequest.Builder request(ServeProcess serve, String path, Duration timeout) {
        return HttpRequest.newBuilder(URI.create(serve.url(path))).timeout(timeout);
    }

    private CompletableFuture<HttpResponse<String>> postSync(ServeProcess serve, String... headers) {
        HttpRequest.Builder request = request(serve, "/sync", Duration.ofSeconds(180))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}"));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(ServeProcess serve, String path, Duration timeout, String... headers)
            throws Exception {
        HttpRequest.Builder request = request(serve, path, timeout).GET();
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) throws IOException {
        return new ObjectMapper().readTree(response.body());
    }

    private List<RevCommit> commits() throws IOException {
        return GitTesting.log(git.directory("backup"), "main");
    }

    private static void assertNoSecretIn(ServeProcess serve) {
        assertThat(serve.out() + serve.err())
                .doesNotContain(WINDMILL_TOKEN)
                .doesNotContain(WEBHOOK_SECRET)
                .doesNotContain(GitHttpServer.PASSWORD);
    }

    // ---- raw sockets for clients no HTTP library would be

    private static Socket connect(int port) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        return socket;
    }

    /** Promises a 1000-byte body, sends one byte of it, and stalls. */
    private static Socket slowBody(int port, boolean secret) throws IOException {
        Socket socket = connect(port);
        String auth = secret ? "Authorization: Bearer " + WEBHOOK_SECRET + "\r\n" : "";
        write(
                socket,
                "POST /sync HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n"
                        + auth + "\r\n{");
        return socket;
    }

    /** Sends half a header, and stalls. */
    private static Socket slowHeaders(int port) throws IOException {
        Socket socket = connect(port);
        write(socket, "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: a");
        return socket;
    }

    private static void write(Socket socket, String text) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** Still connected and not answered: a read neither returns data nor the end of the stream. */
    private static boolean heldOpen(Socket socket) {
        try {
            socket.setSoTimeout(10);
            socket.getInputStream().read(); // data (an answer) or the end of the stream
            return false;
        } catch (SocketTimeoutException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Waits (up to the deadline) for the server to close the connection; whatever it sent first is ignored. */
    private static boolean closedByServer(Socket socket, long deadline) {
        try {
            InputStream in = socket.getInputStream();
            while (true) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return false;
                }
                socket.setSoTimeout((int) left);
                if (in.read() < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset by the server
        }
    }

    private static String statusLine(Socket socket) throws IOException {
        socket.setSoTimeout(30_000);
        StringBuilder line = new StringBuilder();
        InputStream in = socket.getInputStream();
        for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) {
            line.append((char) c);
        }
        return line.toString().trim();
    }

    private static void closeAll(List<Socket> sockets) {
        for (Socket socket : sockets) {
            try {
                socket.close();
            } catch (IOException e) {
                // already gone
            }
        }
    }

    // ---- the tests

    @ParameterizedTest(name = "webhook secret set: {0}")
    @ValueSource(booleans = {false, true})
    void fortySlowClientsDoNotStopHealthAndAreCutOff(boolean secret) throws Exception {
        Duration readTimeout = Duration.ofSeconds(15);
        // The idle timeout is far off: what cuts the slow clients is the read timeout.
        ServeProcess serve =
                serve(env(secret), "--read-timeout", String.valueOf(readTimeout.toSeconds()), "--idle-timeout", "300");
        // The service was up before the attack (and the child's JIT warm).
        assertThat(get(serve, "/health", Duration.ofSeconds(30)).statusCode()).isEqualTo(200);
        List<Socket> slow = new ArrayList<>();
        try {
            for (int i = 0; i < 40; i++) {
                slow.add(slowBody(serve.port(), secret));
            }
            for (int i = 0; i < 10; i++) {
                slow.add(slowHeaders(serve.port()));
            }
            long opened = System.nanoTime();
            Duration slowest = Duration.ZERO;
            for (int i = 0; i < 10; i++) {
                long start = System.nanoTime();
                HttpResponse<String> health = get(serve, "/health", Duration.ofSeconds(5));
                assertThat(health.statusCode()).isEqualTo(200);
                assertThat(health.body().trim()).isEqualTo("{\"status\":\"healthy\"}");
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                assertThat(took).isLessThan(Duration.ofSeconds(5));
                slowest = took.compareTo(slowest) > 0 ? took : slowest;
            }
            System.out.printf(
                    "/health with 50 slow clients (secret %s): slowest of 10 answers %d ms%n",
                    secret, slowest.toMillis());
            boolean inTime = System.nanoTime() - opened
                    < readTimeout.toNanos() - Duration.ofSeconds(2).toNanos();
            if (inTime) {
                // Otherwise the machine was too slow to tell; the cut-off below is still checked.
                assertThat(slow).as("all slow clients are still connected").allMatch(ServeProcessIT::heldOpen);
            }

            long deadline =
                    opened + readTimeout.toNanos() + Duration.ofSeconds(60).toNanos();
            for (Socket socket : slow) {
                assertThat(closedByServer(socket, deadline))
                        .as("the server cut the slow client off")
                        .isTrue();
            }
            assertThat(Duration.ofNanos(System.nanoTime() - opened))
                    .isGreaterThanOrEqualTo(readTimeout.minusSeconds(1))
                    .isLessThan(Duration.ofSeconds(300));
            assertThat(get(serve, "/health", Duration.ofSeconds(5)).statusCode())
                    .isEqualTo(200);
            assertThat(serve.process().isAlive()).isTrue();
        } finally {
            closeAll(slow);
        }
        assertNoSecretIn(serve);
    }

    @Test
    void oversizedHeadersAndBodiesAndConnectionsBeyondTheLimitDoNotTakeItDown() throws Exception {
        ServeProcess serve = serve(env(false), "--read-timeout", "3", "--max-connections", "20");

        try (Socket socket = connect(serve.port())) {
            write(socket, "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + "a".repeat(9_000) + "\r\n\r\n");
            assertThat(statusLine(socket)).startsWith("HTTP/1.1 431 ");
        }

        // Declared too large: refused before reading.
        HttpResponse<String> declared = http.send(
                request(serve, "/sync", Duration.ofSeconds(30))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"x\": \"" + "y".repeat(70_000) + "\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(declared.statusCode()).isEqualTo(413);
        assertThat(json(declared).get("message").asText()).isEqualTo("Request body larger than 65536 bytes");
        // Chunked, no length: counted while reading.
        byte[] big = ("{\"x\": \"" + "y".repeat(70_000) + "\"}").getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> chunked = http.send(
                request(serve, "/sync", Duration.ofSeconds(30))
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(chunked.statusCode()).isEqualTo(413);

        // Three times the connection limit, silent: the ones beyond it wait to be accepted, every one is
        // closed after the read timeout, and /health gets its turn.
        List<Socket> idle = new ArrayList<>();
        try {
            for (int i = 0; i < 60; i++) {
                try {
                    idle.add(connect(serve.port()));
                } catch (IOException e) {
                    // the accept queue is full: the kernel refused; that is fine too
                }
            }
            assertThat(idle).hasSizeGreaterThan(20);
            HttpResponse<String> health = get(serve, "/health", Duration.ofSeconds(120));
            assertThat(health.statusCode()).isEqualTo(200);
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            for (Socket socket : idle) {
                assertThat(closedByServer(socket, deadline)).isTrue();
            }
        } finally {
            closeAll(idle);
        }
        assertThat(get(serve, "/health", Duration.ofSeconds(10)).statusCode()).isEqualTo(200);
        assertThat(serve.process().isAlive()).isTrue();
    }

    @Test
    void theBearerSchemeIsCaseInsensitiveAndAWrongSecretIs401() throws Exception {
        // At debug level everywhere: still no header, token or secret in the output.
        ServeProcess serve = serveLogging("debug", env(true));
        Duration patience = Duration.ofSeconds(30);
        assertThat(get(serve, "/health", patience).statusCode()).isEqualTo(200);
        assertThat(get(serve, "/status", patience).statusCode()).isEqualTo(401);
        assertThat(get(serve, "/status", patience, "Authorization", "Bearer wrong-secret")
                        .statusCode())
                .isEqualTo(401);
        assertThat(get(serve, "/status", patience, "Authorization", "bearer " + WEBHOOK_SECRET.toUpperCase())
                        .statusCode())
                .isEqualTo(401);
        assertThat(get(serve, "/status", patience, "Authorization", "BEARER " + WEBHOOK_SECRET)
                        .statusCode())
                .isEqualTo(200);
        HttpResponse<String> synced =
                postSync(serve, "Authorization", "bearer " + WEBHOOK_SECRET).get(180, TimeUnit.SECONDS);
        assertThat(synced.statusCode()).as(synced.body()).isEqualTo(200);
        assertThat(json(synced).get("status").asText()).isEqualTo("SYNCED");
        assertThat(commits())
                .singleElement()
                .extracting(RevCommit::getShortMessage)
                .isEqualTo(MESSAGE);
        assertNoSecretIn(serve);
    }

    @Test
    void sigtermLetsTheRunningSyncFinishAnswersAndExitsZero() throws Exception {
        // The push is held at the git server until the signal has arrived: the sync is mid-flight, with
        // its commit made in the cached clone and the push outstanding.
        HoldingProxy gitProxy = proxy(gitBase(), "/git-receive-pack");
        Map<String, String> env = env(windmill.baseUrl(), gitProxy.url() + "/git/backup", false);
        env.put("SYNC_SHUTDOWN_GRACE_SECONDS", "60"); // generous for a loaded machine; the default is 25
        ServeProcess serve = serve(env);
        CompletableFuture<HttpResponse<String>> answer = postSync(serve);
        assertThat(gitProxy.awaitHeld(Duration.ofSeconds(120)))
                .as("the push started")
                .isTrue();

        long signalled = System.nanoTime();
        serve.terminate();
        ServeProcess.await(
                "the drain to start",
                Duration.ofSeconds(30),
                () -> serve.out().contains("SIGTERM: not accepting connections"));
        assertThatThrownBy(() -> connect(serve.port()).close())
                .as("no new connections while draining")
                .isInstanceOf(ConnectException.class);
        assertThat(answer).isNotDone();
        assertThat(commits()).isEmpty();

        gitProxy.release();
        HttpResponse<String> response = answer.get(120, TimeUnit.SECONDS);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(json(response).get("status").asText()).isEqualTo("SYNCED");
        assertThat(commits())
                .singleElement()
                .extracting(RevCommit::getShortMessage)
                .isEqualTo(MESSAGE);
        assertThat(serve.awaitExit(Duration.ofSeconds(90))).as(serve.err()).isZero();
        assertThat(Duration.ofNanos(System.nanoTime() - signalled)).isLessThan(Duration.ofSeconds(60));
        assertThat(serve.out()).contains("Every running sync finished and was answered; exiting");
        assertThat(serve.err()).doesNotContain("not held").doesNotContain("during JVM shutdown");
        assertNoSecretIn(serve);
    }

    @Test
    void pastTheGracePeriodItExitsNamingWhatItAbandonedAndAPlainRerunConverges() throws Exception {
        HoldingProxy gitProxy = proxy(gitBase(), "/git-receive-pack");
        Map<String, String> env = env(windmill.baseUrl(), gitProxy.url() + "/git/backup", false);
        ServeProcess serve = serve(env, "--grace-period", "2");
        CompletableFuture<HttpResponse<String>> answer = postSync(serve);
        assertThat(gitProxy.awaitHeld(Duration.ofSeconds(120)))
                .as("the push started")
                .isTrue();

        serve.terminate();
        assertThat(serve.awaitExit(Duration.ofSeconds(60))).isEqualTo(WorkspaceSync.FAILED);
        assertThat(serve.err())
                .contains("Shutdown grace period of 2 s exceeded: abandoned the running sync of admins @ ")
                .contains("the next sync of each target recovers");
        HttpResponse<String> response = answer.get(30, TimeUnit.SECONDS);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
        assertThat(json(response).get("message").asText()).contains("grace period of 2 s exceeded");
        gitProxy.drop(); // the abandoned push never lands; later requests pass
        assertThat(commits()).isEmpty();

        // A plain rerun with the same settings and cached clone.
        ServeProcess again = serve(env);
        HttpResponse<String> synced = postSync(again).get(180, TimeUnit.SECONDS);
        assertThat(synced.statusCode()).as(synced.body()).isEqualTo(200);
        assertThat(json(synced).get("status").asText()).isEqualTo("SYNCED");
        assertThat(commits())
                .singleElement()
                .extracting(RevCommit::getShortMessage)
                .isEqualTo(MESSAGE);
        HttpResponse<String> noop = postSync(again).get(180, TimeUnit.SECONDS);
        assertThat(json(noop).get("status").asText()).isEqualTo("NO_CHANGES");
        again.terminate();
        assertThat(again.awaitExit(Duration.ofSeconds(60))).isZero();
        assertNoSecretIn(serve);
        assertNoSecretIn(again);
    }
}
