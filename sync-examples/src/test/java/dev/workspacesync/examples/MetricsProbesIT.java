package dev.workspacesync.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.workspacesync.git.testing.GitHttpServer;
import dev.workspacesync.git.testing.GitTesting;
import dev.workspacesync.windmill.testing.Fixtures;
import dev.workspacesync.windmill.testing.WindmillEmulator;
import dev.workspacesync.windmill.testing.WorkspaceArchive;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve --metrics-port 0} in its own process against the Windmill emulator and a real smart-HTTP
 * git server: real syncs through {@code POST /sync} (synced, no change, refused by the deletion guard,
 * failed), then {@code /metrics} scraped with a real HTTP client and its exposition text parsed; the
 * probes while a SIGTERM drains a held sync; and correlation ids from request to answer and log line.
 */
class MetricsProbesIT {
    private static final String WINDMILL_TOKEN = "wm-metrics-token-5d21";
    private static final String WEBHOOK_SECRET = "hook-secret-metrics-77ab";
    private static final Pattern MANAGEMENT = Pattern.compile("metrics and probes on \\S+:(\\d+)");
    /** {@code name{labels} value}, as the Prometheus text format writes a sample. */
    private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? (\\S+)");

    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private WindmillEmulator windmill;
    private GitHttpServer git;
    private final List<AutoCloseable> cleanup = new ArrayList<>();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20)).build();
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

    @AfterEach
    void stop() throws Exception {
        for (int i = cleanup.size() - 1; i >= 0; i--) {
            cleanup.get(i).close();
        }
        windmill.close();
        git.close();
    }

    private Map<String, String> env(String gitUrl) {
        Map<String, String> env = new HashMap<>();
        env.put("HOME", dir.resolve("home").toString());
        env.put("XDG_CACHE_HOME", dir.resolve("cache").toString());
        env.put("GIT_CONFIG_NOSYSTEM", "1");
        env.put("WINDMILL_BASE_URL", windmill.baseUrl());
        env.put("WINDMILL_TOKEN", WINDMILL_TOKEN);
        env.put("WINDMILL_WORKSPACE", "admins");
        env.put("GIT_REMOTE_URL", gitUrl);
        env.put("GIT_TOKEN", GitHttpServer.PASSWORD);
        env.put("GIT_USER_NAME", "Backup Bot");
        env.put("GIT_USER_EMAIL", "backup@example.invalid");
        env.put("WORKSPACE_SYNC_GIT_USERNAME", GitHttpServer.USER);
        env.put(
                "WORKSPACE_SYNC_GIT_WORK_DIR",
                dir.resolve("state").resolve("clone").toString());
        env.put("SYNC_WEBHOOK_SECRET", WEBHOOK_SECRET);
        env.put("WORKSPACE_SYNC_LOG_FORMAT", "json");
        return env;
    }

    private ServeProcess serve(Map<String, String> env) throws Exception {
        ServeProcess serve =
                ServeProcess.start(dir.resolve("run-" + runs++), env, "info", new String[] {"--metrics-port", "0"});
        cleanup.add(serve);
        return serve;
    }

    private static int managementPort(ServeProcess serve) {
        Matcher m = MANAGEMENT.matcher(serve.out());
        assertThat(m.find())
                .as("the startup line names the metrics address:%n%s", serve.out())
                .isTrue();
        return Integer.parseInt(m.group(1));
    }

    private HttpResponse<String> get(int port, String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(60))
                .GET();
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> sync(ServeProcess serve, String... headers) throws Exception {
        List<String> all = new ArrayList<>(List.of("Authorization", "Bearer " + WEBHOOK_SECRET));
        all.addAll(List.of(headers));
        return serve.post("{}", all.toArray(String[]::new));
    }

    private static JsonNode json(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body());
    }

    /** Every sample of an exposition, keyed by {@code name{label="value",...}} with labels sorted. */
    private static Map<String, Double> samples(String exposition) {
        Map<String, Double> samples = new TreeMap<>();
        for (String line : exposition.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            assertThat(m.matches()).as("a sample line: %s", line).isTrue();
            Map<String, String> labels = new TreeMap<>();
            if (m.group(3) != null) {
                Matcher l = LABEL.matcher(m.group(3));
                while (l.find()) {
                    labels.put(l.group(1), l.group(2));
                }
            }
            samples.put(key(m.group(1), labels), Double.parseDouble(m.group(4)));
        }
        return samples;
    }

    private static String key(String name, Map<String, String> labels) {
        StringBuilder key = new StringBuilder(name).append('{');
        new TreeMap<>(labels)
                .forEach((k, v) -> key.append(k).append("=\"").append(v).append("\","));
        return key.append('}').toString();
    }

    private static String key(String name, String... labels) {
        Map<String, String> map = new TreeMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            map.put(labels[i], labels[i + 1]);
        }
        return key(name, map);
    }

    private static List<JsonNode> logLines(ServeProcess serve) {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : serve.err().split("\n")) {
            if (line.startsWith("{")) {
                try {
                    lines.add(JSON.readTree(line));
                } catch (IOException e) {
                    throw new AssertionError("not a JSON log line: " + line, e);
                }
            }
        }
        return lines;
    }

    private static String kv(JsonNode line, String key) {
        for (JsonNode pair : line.path("kvpList")) {
            if (pair.has(key)) {
                return pair.get(key).asText();
            }
        }
        return "";
    }

    @Test
    void realSyncsShowInTheScrapedCountersWithTheirTraceIds() throws Exception {
        ServeProcess serve = serve(env(git.url("backup")));
        int management = managementPort(serve);

        String trace = "0af7651916cd43dd8448eb211c80319c";
        HttpResponse<String> synced = sync(serve, "traceparent", "00-" + trace + "-b7ad6b7169203331-01");
        assertThat(synced.statusCode()).as(synced.body()).isEqualTo(200);
        assertThat(json(synced).get("status").asText()).isEqualTo("SYNCED");
        assertThat(json(synced).get("traceId").asText()).isEqualTo(trace);
        assertThat(synced.headers().firstValue("X-Request-Id")).hasValue(trace);

        HttpResponse<String> unchanged = sync(serve, "X-Request-Id", "deploy-42.step:3");
        assertThat(json(unchanged).get("status").asText()).as(unchanged.body()).isEqualTo("NO_CHANGES");
        assertThat(unchanged.headers().firstValue("X-Request-Id")).hasValue("deploy-42.step:3");

        // An empty pull would delete the whole backup: the deletion guard refuses it.
        windmill.workspace("admins", new WorkspaceArchive());
        String hostile = "evil\"}{\"level\":\"ERROR\" " + "x".repeat(200);
        HttpResponse<String> refused = sync(serve, "X-Request-Id", hostile);
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
        assertThat(json(refused).get("status").asText()).isEqualTo("REFUSED");
        String replaced = refused.headers().firstValue("X-Request-Id").orElseThrow();
        assertThat(replaced).matches("[0-9a-f]{32}");
        assertThat(json(refused).get("traceId").asText()).isEqualTo(replaced);

        // Windmill refuses the token: the source fails at once.
        windmill.workspace("admins", Fixtures.fullWorkspace()).failNext(50, 401);
        HttpResponse<String> failed = sync(serve);
        assertThat(failed.statusCode()).as(failed.body()).isEqualTo(500);
        assertThat(json(failed).get("status").asText()).isEqualTo("FAILED");
        assertThat(json(failed).get("traceId").asText()).matches("[0-9a-f]{32}");

        HttpResponse<String> scrape = get(management, "/metrics");
        assertThat(scrape.statusCode()).isEqualTo(200);
        assertThat(scrape.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        Map<String, Double> samples = samples(scrape.body());
        String runsTotal = "workspace_sync_runs_total";
        assertThat(samples)
                .containsEntry(key(runsTotal, "target", "default", "status", "synced"), 1.0)
                .containsEntry(key(runsTotal, "target", "default", "status", "no_changes"), 1.0)
                .containsEntry(key(runsTotal, "target", "default", "status", "refused"), 1.0)
                .containsEntry(key(runsTotal, "target", "default", "status", "failed"), 1.0)
                .containsEntry(key(runsTotal, "target", "default", "status", "incomplete"), 0.0)
                .containsEntry(
                        key("workspace_sync_run_duration_seconds_count", "target", "default", "status", "synced"), 1.0)
                .containsEntry(key("workspace_sync_deletions_total", "target", "default", "adapter", "git"), 0.0)
                .containsEntry(
                        key(
                                "workspace_sync_requests_total",
                                "target",
                                "default",
                                "adapter",
                                "git",
                                "operation",
                                "sync",
                                "outcome",
                                "success"),
                        3.0)
                .containsEntry(
                        key(
                                "workspace_sync_requests_total",
                                "target",
                                "default",
                                "adapter",
                                "windmill",
                                "operation",
                                "snapshot",
                                "outcome",
                                "success"),
                        3.0)
                .containsEntry(key("workspace_sync_running", "target", "default"), 0.0);
        assertThat(samples.get(key(
                        "workspace_sync_files_transferred_total",
                        "target",
                        "default",
                        "adapter",
                        "git",
                        "change",
                        "added")))
                .isPositive();
        assertThat(samples.get(key("workspace_sync_transferred_bytes_total", "target", "default", "adapter", "git")))
                .isPositive();
        assertThat(samples.keySet())
                .anyMatch(k -> k.startsWith("workspace_sync_run_duration_seconds_bucket{le=\"1.0\""))
                .anyMatch(k -> k.startsWith("workspace_sync_requests_total{adapter=\"windmill\",operation=\"snapshot\","
                        + "outcome=\"failure\""))
                .anyMatch(k -> k.startsWith("jvm_memory_used_bytes{"))
                .anyMatch(k -> k.startsWith("process_uptime_seconds{"))
                .anyMatch(k -> k.startsWith("jvm_threads_live_threads{"));
        double lastSuccess = samples.get(key("workspace_sync_last_success_timestamp_seconds", "target", "default"));
        assertThat(lastSuccess)
                .isBetween(System.currentTimeMillis() / 1000.0 - 600, System.currentTimeMillis() / 1000.0);
        assertThat(scrape.body())
                .doesNotContain(WINDMILL_TOKEN)
                .doesNotContain(WEBHOOK_SECRET)
                .doesNotContain(GitHttpServer.PASSWORD)
                .doesNotContain(windmill.baseUrl());

        // OpenMetrics when asked; /metrics only on the metrics port; probes without the secret.
        HttpResponse<String> open =
                get(management, "/metrics", "Accept", "application/openmetrics-text; version=1.0.0");
        assertThat(open.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/openmetrics-text");
        assertThat(open.body()).contains("# EOF");
        assertThat(get(serve.port(), "/metrics").statusCode()).isEqualTo(404);
        assertThat(get(management, "/sync").statusCode()).isEqualTo(404);
        for (int port : new int[] {serve.port(), management}) {
            HttpResponse<String> ready = get(port, "/readyz");
            assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
            assertThat(json(ready).get("status").asText()).isEqualTo("ready");
            assertThat(get(port, "/livez").statusCode()).isEqualTo(200);
        }

        // The JSON log lines of each run carry its id; the hostile header is nowhere.
        List<JsonNode> lines = logLines(serve);
        assertThat(lines)
                .filteredOn(l -> kv(l, "event").equals("sync-finished"))
                .extracting(l -> l.path("traceId").asText())
                .containsExactly(
                        trace,
                        "deploy-42.step:3",
                        replaced,
                        json(failed).get("traceId").asText());
        assertThat(lines)
                .filteredOn(l -> kv(l, "event").equals("sync-started"))
                .extracting(l -> l.path("traceId").asText())
                .startsWith(trace);
        assertThat(serve.output()).doesNotContain("evil").doesNotContain("x".repeat(200));
        serve.terminate();
        assertThat(serve.awaitExit(Duration.ofSeconds(60))).isZero();
    }

    @Test
    void whileDrainingReadinessIs503AndLivenessStays200() throws Exception {
        HoldingProxy gitProxy = new HoldingProxy(gitBase(), path -> path.endsWith("/git-receive-pack"));
        cleanup.add(gitProxy);
        Map<String, String> env = env(gitProxy.url() + "/git/backup");
        env.put("SYNC_SHUTDOWN_GRACE_SECONDS", "60");
        ServeProcess serve = serve(env);
        int management = managementPort(serve);
        CompletableFuture<HttpResponse<String>> answer = CompletableFuture.supplyAsync(() -> {
            try {
                return sync(serve);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(gitProxy.awaitHeld(Duration.ofSeconds(120)))
                .as("the push started")
                .isTrue();
        HttpResponse<String> running = get(management, "/metrics");
        assertThat(samples(running.body())).containsEntry(key("workspace_sync_running", "target", "default"), 1.0);

        serve.terminate();
        ServeProcess.await(
                "the drain to start",
                Duration.ofSeconds(30),
                () -> serve.out().contains("SIGTERM: not accepting connections"));
        HttpResponse<String> ready = get(management, "/readyz");
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(503);
        assertThat(json(ready).get("status").asText()).isEqualTo("not ready");
        assertThat(json(ready).get("reason").asText()).startsWith("draining");
        assertThat(get(management, "/livez").statusCode()).isEqualTo(200);
        assertThat(answer).isNotDone();

        gitProxy.release();
        HttpResponse<String> response = answer.get(120, TimeUnit.SECONDS);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(serve.awaitExit(Duration.ofSeconds(90))).as(serve.err()).isZero();
    }

    @Test
    void anUnwritableStateDirectoryIsNotReady() throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "not a directory");
        Map<String, String> env = env(git.url("backup"));
        // Its parent is a file: nothing can be created there, whoever runs the test (root too).
        env.put("WORKSPACE_SYNC_GIT_WORK_DIR", file.resolve("clone").toString());
        ServeProcess serve = serve(env);
        HttpResponse<String> ready = get(managementPort(serve), "/readyz");
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(503);
        assertThat(json(ready).get("reason").asText()).startsWith("state directory " + file + " is not writable");
        assertThat(get(serve.port(), "/livez").statusCode()).isEqualTo(200);
    }

    /** The git server's base URL (the proxy forwards paths as they are). */
    private String gitBase() {
        String url = git.url("backup");
        return url.substring(0, url.indexOf("/git/"));
    }
}
