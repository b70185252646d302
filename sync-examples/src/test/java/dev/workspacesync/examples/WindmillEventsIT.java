package dev.workspacesync.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.workspacesync.git.testing.GitHttpServer;
import dev.workspacesync.git.testing.GitTesting;
import dev.workspacesync.windmill.testing.Fixtures;
import dev.workspacesync.windmill.testing.WindmillEmulator;
import dev.workspacesync.windmill.testing.WorkspaceEdits;
import dev.workspacesync.windmill.testing.WorkspaceWebhook;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Windmill's workspace webhook through the real entry point: {@code serve} in its own process, the Windmill
 * emulator sending the server's events (its webhook URL set as an admin sets it, the secret as userinfo,
 * which the sender turns into Basic authorization) while items change through its API, and a smart-HTTP git
 * server. Syncs are counted by {@code /status}'s {@code events} and by the commits on the remote.
 */
class WindmillEventsIT {
    private static final String WINDMILL_TOKEN = "wm-events-token-83c1";
    private static final String WEBHOOK_SECRET = "hook-secret-events-19fe";
    private static final String EVENTS_SECRET = "events-only-secret-4d7a";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private WindmillEmulator windmill;
    private GitHttpServer git;
    private final List<AutoCloseable> cleanup = new ArrayList<>();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20)).build();

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

    private Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("HOME", dir.resolve("home").toString());
        env.put("XDG_CACHE_HOME", dir.resolve("cache").toString());
        env.put("GIT_CONFIG_NOSYSTEM", "1");
        env.put("WINDMILL_BASE_URL", windmill.baseUrl());
        env.put("WINDMILL_TOKEN", WINDMILL_TOKEN);
        env.put("WINDMILL_WORKSPACE", "admins");
        env.put("GIT_REMOTE_URL", git.url("backup"));
        env.put("GIT_TOKEN", GitHttpServer.PASSWORD);
        env.put("GIT_USER_NAME", "Backup Bot");
        env.put("GIT_USER_EMAIL", "backup@example.invalid");
        env.put("WORKSPACE_SYNC_GIT_USERNAME", GitHttpServer.USER);
        env.put(
                "WORKSPACE_SYNC_GIT_WORK_DIR",
                dir.resolve("state").resolve("clone").toString());
        env.put("SYNC_WEBHOOK_SECRET", WEBHOOK_SECRET);
        env.put("SYNC_EVENTS_SECRET", EVENTS_SECRET);
        env.put("SYNC_EVENTS_QUIET_SECONDS", "1");
        env.put("SYNC_EVENTS_MAX_WAIT_SECONDS", "60");
        return env;
    }

    private ServeProcess serve(Map<String, String> env) throws Exception {
        ServeProcess serve = ServeProcess.start(dir.resolve("serve-" + cleanup.size()), env);
        cleanup.add(serve);
        return serve;
    }

    /** Points the workspace's webhook at the service, as an admin does in the workspace settings. */
    private void pointWebhook(ServeProcess serve, String password) {
        windmill.webhook("admins", "http://events:" + password + "@127.0.0.1:" + serve.port() + "/windmill-events");
    }

    /** A change through the emulator's API, as a user or {@code wmill sync push} makes it. */
    private void createVariable(String path) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(windmill.baseUrl() + "/api/w/admins/variables/create"))
                        .header("Authorization", "Bearer " + WINDMILL_TOKEN)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"path\":\"" + path
                                + "\",\"value\":\"v\",\"is_secret\":false,\"description\":\"made by a test\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    }

    private JsonNode status(ServeProcess serve) throws Exception {
        HttpResponse<String> response = serve.get("/status", "Authorization", "Bearer " + WEBHOOK_SECRET);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    /** Waits until every queued event was delivered and the target has nothing open, running or pending. */
    private JsonNode settled(ServeProcess serve, String target) throws Exception {
        ServeProcess.await(
                "every event delivered",
                Duration.ofSeconds(120),
                () -> windmill.webhookDeliveries().size()
                        == windmill.webhookEvents().size());
        JsonNode[] last = new JsonNode[1];
        ServeProcess.await("the events of " + target + " to settle", Duration.ofSeconds(180), () -> {
            try {
                last[0] = status(serve).path("events").path(target);
                return !last[0].isMissingNode() && !last[0].path("busy").asBoolean(true);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        return last[0];
    }

    private List<RevCommit> commits() throws Exception {
        return GitTesting.log(git.directory("backup"), "main");
    }

    private Map<String, GitTesting.TreeFile> head() throws Exception {
        return GitTesting.tree(git.directory("backup"), "main");
    }

    private HttpResponse<String> postEvent(ServeProcess serve, String query, String body, String... headers)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(serve.url("/windmill-events" + query)))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String basic(String password) {
        return "Basic " + Base64.getEncoder().encodeToString(("events:" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aBurstOfTwentyChangesIsOneSyncWithEveryChange() throws Exception {
        ServeProcess serve = serve(env());
        assertThat(serve.out()).contains("Windmill change events on /windmill-events (1 target(s))");
        assertThat(serve.post("{}", "Authorization", "Bearer " + WEBHOOK_SECRET).statusCode())
                .isEqualTo(200);
        int before = commits().size();
        pointWebhook(serve, EVENTS_SECRET);

        for (int i = 0; i < 20; i++) {
            createVariable("u/admin/burst_" + i);
        }
        JsonNode events = settled(serve, "default");

        assertThat(windmill.webhookEvents())
                .hasSize(20)
                .allSatisfy(e -> assertThat(e)
                        .startsWith("{\"type\":\"CreateVariable\",\"workspace\":\"admins\",\"path\":\"u/admin/burst_"));
        assertThat(windmill.webhookDeliveries())
                .extracting(WorkspaceWebhook.Delivery::status)
                .containsOnly(202);
        // The secret travelled as Basic authorization, never in the request line.
        assertThat(windmill.webhookDeliveries())
                .allSatisfy(d -> assertThat(d.url()).doesNotContain(EVENTS_SECRET))
                .allSatisfy(d -> assertThat(d.authorization()).isEqualTo(basic(EVENTS_SECRET)));
        assertThat(events.path("events").asLong()).isEqualTo(20);
        assertThat(events.path("syncs").asLong()).isEqualTo(1);
        List<RevCommit> commits = commits();
        assertThat(commits).hasSize(before + 1);
        Map<String, GitTesting.TreeFile> tree = head();
        for (int i = 0; i < 20; i++) {
            assertThat(tree).containsKey("u/admin/burst_" + i + ".variable.yaml");
        }
        assertThat(serve.output()).doesNotContain(EVENTS_SECRET).doesNotContain(WEBHOOK_SECRET);
    }

    @Test
    void aHundredEventsMakeAtMostTwoSyncs() throws Exception {
        ServeProcess serve = serve(env());
        pointWebhook(serve, EVENTS_SECRET);
        for (int i = 0; i < 100; i++) {
            createVariable("u/admin/many_" + i);
        }
        JsonNode events = settled(serve, "default");

        System.out.println("100 events made " + events.path("syncs").asLong() + " sync(s)");
        assertThat(events.path("events").asLong()).isEqualTo(100);
        assertThat(events.path("syncs").asLong()).isBetween(1L, 2L);
        assertThat(commits()).hasSizeBetween(1, 2);
        assertThat(head()).containsKeys("u/admin/many_0.variable.yaml", "u/admin/many_99.variable.yaml");
    }

    @Test
    void aBadSecretIsRefusedBeforeAnySyncAndBadBodiesAreNamed() throws Exception {
        ServeProcess serve = serve(env());
        pointWebhook(serve, "not-the-secret");
        createVariable("u/admin/refused");
        ServeProcess.await(
                "the refused delivery",
                Duration.ofSeconds(60),
                () -> !windmill.webhookDeliveries().isEmpty());
        assertThat(windmill.webhookDeliveries().get(0).status()).isEqualTo(401);

        String event = "{\"type\":\"CreateScript\",\"workspace\":\"admins\",\"path\":\"f/a/b\",\"hash\":\"1\"}";
        HttpResponse<String> none = postEvent(serve, "", event);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("Basic"));
        assertThat(postEvent(serve, "", event, "Authorization", "Bearer wrong").statusCode())
                .isEqualTo(401);
        // Neither the refused nor the malformed ones started anything.
        assertThat(status(serve).path("events").isEmpty()).isTrue();

        HttpResponse<String> notJson = postEvent(serve, "", "{\"type\":", "Authorization", basic(EVENTS_SECRET));
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(notJson.body()).contains("Invalid JSON body");
        HttpResponse<String> noType =
                postEvent(serve, "", "{\"workspace\":\"admins\"}", "Authorization", basic(EVENTS_SECRET));
        assertThat(noType.statusCode()).isEqualTo(400);
        assertThat(noType.body()).contains("field 'type' is missing");
        HttpResponse<String> badWorkspace = postEvent(
                serve, "", "{\"type\":\"CreateApp\",\"workspace\":42}", "Authorization", basic(EVENTS_SECRET));
        assertThat(badWorkspace.statusCode()).isEqualTo(400);
        assertThat(badWorkspace.body()).contains("field 'workspace' must be a string");
        HttpResponse<String> large = postEvent(
                serve, "", "{\"type\":\"" + "x".repeat(20_000) + "\"}", "Authorization", basic(EVENTS_SECRET));
        assertThat(large.statusCode()).isEqualTo(413);
        HttpResponse<String> other = postEvent(
                serve,
                "",
                "{\"type\":\"CreateApp\",\"workspace\":\"elsewhere\",\"path\":\"f/x/y\"}",
                "Authorization",
                basic(EVENTS_SECRET));
        assertThat(other.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(other.body()).path("status").asText()).isEqualTo("IGNORED");
        assertThat(status(serve).path("events").isEmpty()).isTrue();
        assertThat(commits()).isEmpty();
    }

    @Test
    void anUnknownEventKindStillSyncsAndSyncAndTheWebhookSecretKeepWorking() throws Exception {
        ServeProcess serve = serve(env());
        HttpResponse<String> unknown = postEvent(
                serve,
                "",
                "{\"type\":\"CreateSchedule\",\"workspace\":\"admins\",\"path\":\"f/x/nightly\"}",
                "Authorization",
                "Bearer " + WEBHOOK_SECRET);
        assertThat(unknown.statusCode()).as(unknown.body()).isEqualTo(202);
        JsonNode answer = JSON.readTree(unknown.body());
        assertThat(answer.path("status").asText()).isEqualTo("SCHEDULED");
        assertThat(answer.path("warning").asText()).contains("unknown event kind");
        JsonNode events = settled(serve, "default");
        assertThat(events.path("syncs").asLong()).isEqualTo(1);
        // A first backup of the seeded workspace: a commit per known author, then the service's.
        int first = commits().size();
        assertThat(first).isPositive();
        assertThat(serve.output()).contains("unknown kind 'CreateSchedule'");

        // POST /sync is untouched: it answers with the result, and the events secret does not open it.
        assertThat(serve.post("{}", "Authorization", "Bearer " + EVENTS_SECRET).statusCode())
                .isEqualTo(401);
        createVariable("u/admin/by_sync");
        HttpResponse<String> sync = serve.post("{}", "Authorization", "Bearer " + WEBHOOK_SECRET);
        assertThat(sync.statusCode()).as(sync.body()).isEqualTo(200);
        assertThat(JSON.readTree(sync.body()).path("status").asText()).isEqualTo("SYNCED");
        assertThat(commits()).hasSize(first + 1);
        assertThat(head()).containsKey("u/admin/by_sync.variable.yaml");
    }

    @Test
    void withTargetsEventsSyncTheTargetsOfTheirWorkspaceAndSchedulesStay() throws Exception {
        windmill.workspace("staging", Fixtures.fullWorkspace());
        git.createRepository("staging");
        Path file = dir.resolve("targets.yaml");
        StringBuilder yaml = new StringBuilder("targets:\n");
        for (String[] t :
                List.of(new String[] {"prod", "admins", "backup"}, new String[] {"stage", "staging", "staging"})) {
            yaml.append("""
                      - name: %s
                        source: windmill
                        destinations: [git]
                        schedule: "0 3 * * *"
                        settings:
                          windmill.base-url: %s
                          windmill.token: ${env:WM_TOKEN}
                          windmill.workspace: %s
                          git.remote-url: %s
                          git.token: ${env:REMOTE_TOKEN}
                          git.username: %s
                          git.work-dir: %s
                    """.formatted(
                            t[0],
                            windmill.baseUrl(),
                            t[1],
                            git.url(t[2]),
                            GitHttpServer.USER,
                            dir.resolve("state").resolve(t[0])));
        }
        Files.writeString(file, yaml);
        Map<String, String> env = new HashMap<>();
        env.put("HOME", dir.resolve("home").toString());
        env.put("GIT_CONFIG_NOSYSTEM", "1");
        env.put("SYNC_WEBHOOK_SECRET", WEBHOOK_SECRET);
        env.put("SYNC_EVENTS_QUIET_SECONDS", "1");
        env.put("WM_TOKEN", WINDMILL_TOKEN);
        env.put("REMOTE_TOKEN", GitHttpServer.PASSWORD);
        ServeProcess serve = ServeProcess.start(
                dir.resolve("serve-targets"), env, "info", new String[] {"--targets", file.toString()});
        cleanup.add(serve);
        assertThat(serve.out()).contains("Windmill change events on /windmill-events (2 target(s))");

        windmill.webhook(
                "staging", "http://events:" + WEBHOOK_SECRET + "@127.0.0.1:" + serve.port() + "/windmill-events");
        HttpResponse<String> create = http.send(
                HttpRequest.newBuilder(URI.create(windmill.baseUrl() + "/api/w/staging/folders/create"))
                        .header("Authorization", "Bearer " + WINDMILL_TOKEN)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"newfolder\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(create.statusCode()).as(create.body()).isEqualTo(201);
        JsonNode stage = settled(serve, "stage");
        assertThat(stage.path("syncs").asLong()).isEqualTo(1);
        assertThat(windmill.webhookEvents())
                .containsExactly("{\"type\":\"CreateFolder\",\"workspace\":\"staging\",\"name\":\"newfolder\"}");
        JsonNode status = status(serve);
        assertThat(status.path("events").has("prod")).isFalse();
        for (JsonNode t : status.path("targets")) {
            // Both schedules still stand; only the staging target ran.
            assertThat(t.path("nextRun").asText()).as(t.toString()).isNotEmpty();
            assertThat(t.path("status").asText())
                    .as(t.toString())
                    .isEqualTo(t.path("target").asText().equals("stage") ? "SYNCED" : "null");
        }
        assertThat(GitTesting.tree(git.directory("staging"), "main")).containsKey("f/newfolder/folder.meta.yaml");
        assertThat(GitTesting.log(git.directory("backup"), "main")).isEmpty();
        // ?target= pins a target; a mismatching workspace is named.
        HttpResponse<String> pinned = postEvent(
                serve,
                "?target=prod",
                "{\"type\":\"CreateFolder\",\"workspace\":\"staging\",\"name\":\"x\"}",
                "Authorization",
                "Bearer " + WEBHOOK_SECRET);
        assertThat(pinned.statusCode()).isEqualTo(400);
        assertThat(pinned.body()).contains("target 'prod' backs up 'admins'");
        HttpResponse<String> sync = http.send(
                HttpRequest.newBuilder(URI.create(serve.url("/sync?target=prod")))
                        .header("Authorization", "Bearer " + WEBHOOK_SECRET)
                        .timeout(Duration.ofSeconds(180))
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(sync.statusCode()).as(sync.body()).isEqualTo(200);
    }

    @Test
    void threeUsersFiveItemsOneBurstThreeAttributedCommitsAndThePlainBackupsTree() throws Exception {
        windmill.emptyWorkspace("ws")
                .user("ws", "tok-alice", "alice", "alice@example.com")
                .user("ws", "tok-bob", "bob", "bob@example.com")
                .user("ws", "tok-carol", "carol", "carol@example.com");
        new WorkspaceEdits(windmill.baseUrl(), "ws", WINDMILL_TOKEN).variable("f/etl/region", "eu");
        Map<String, String> env = env();
        env.put("WINDMILL_WORKSPACE", "ws");
        ServeProcess serve = serve(env);
        HttpResponse<String> baseline = serve.post("{}", "Authorization", "Bearer " + WEBHOOK_SECRET);
        assertThat(baseline.statusCode()).as(baseline.body()).isEqualTo(200);
        int before = commits().size();
        windmill.webhook("ws", "http://events:" + EVENTS_SECRET + "@127.0.0.1:" + serve.port() + "/windmill-events");

        String url = windmill.baseUrl();
        new WorkspaceEdits(url, "ws", "tok-alice").flow("f/etl/daily", "daily").flow("f/etl/weekly", "weekly");
        new WorkspaceEdits(url, "ws", "tok-bob")
                .script("f/etl/extract", "def main():\n    return 1\n")
                .script("f/etl/load", "def main():\n    return 2\n");
        new WorkspaceEdits(url, "ws", "tok-carol").resource("f/etl/db", "postgresql", "db.internal");
        JsonNode events = settled(serve, "default");

        assertThat(events.path("events").asLong()).isEqualTo(5);
        assertThat(events.path("syncs").asLong()).isEqualTo(1);
        List<RevCommit> log = commits();
        assertThat(log).hasSize(before + 3);
        List<RevCommit> oldestFirst = new ArrayList<>(log.subList(0, 3));
        java.util.Collections.reverse(oldestFirst);
        assertThat(oldestFirst)
                .extracting(c ->
                        c.getAuthorIdent().getName() + " <" + c.getAuthorIdent().getEmailAddress() + ">")
                .containsExactly("alice <alice@example.com>", "bob <bob@example.com>", "carol <carol@example.com>");
        assertThat(oldestFirst).extracting(c -> c.getCommitterIdent().getName()).containsOnly("Backup Bot");
        assertThat(oldestFirst)
                .extracting(RevCommit::getFullMessage)
                .containsExactly(
                        "[WM]: Deployed 2 flows\n\nFlow 'f/etl/daily' deployed\nFlow 'f/etl/weekly' deployed",
                        "[WM]: Deployed 2 scripts\n\nScript 'f/etl/extract' deployed\nScript 'f/etl/load' deployed",
                        "[WM]: Deployed 1 resource\n\nResource 'f/etl/db' deployed");

        // Attribution never changes content: a plain backup of the same workspace has the same tree.
        git.createRepository("plain");
        Map<String, String> plainEnv = env();
        plainEnv.put("WINDMILL_WORKSPACE", "ws");
        plainEnv.put("GIT_REMOTE_URL", git.url("plain"));
        plainEnv.put(
                "WORKSPACE_SYNC_GIT_WORK_DIR",
                dir.resolve("state").resolve("plain").toString());
        plainEnv.put("WORKSPACE_SYNC_WINDMILL_ATTRIBUTION", "false");
        ServeProcess plain = serve(plainEnv);
        HttpResponse<String> sync = plain.post("{}", "Authorization", "Bearer " + WEBHOOK_SECRET);
        assertThat(sync.statusCode()).as(sync.body()).isEqualTo(200);
        List<RevCommit> plainLog = GitTesting.log(git.directory("plain"), "main");
        assertThat(plainLog)
                .singleElement()
                .satisfies(c -> assertThat(c.getFullMessage()).isEqualTo("Automated Windmill workspace backup - ws"));
        // The same tree object: every path, mode and byte.
        assertThat(log.get(0).getTree().getId())
                .isEqualTo(plainLog.get(0).getTree().getId());
        assertThat(head()).isEqualTo(GitTesting.tree(git.directory("plain"), "main"));
    }
}
