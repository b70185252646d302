package dev.workspacesync.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.workspacesync.core.ProviderRegistry;
import dev.workspacesync.core.testing.CapturedOutput;
import dev.workspacesync.databricks.testing.WorkspaceEmulator;
import dev.workspacesync.git.testing.GitHttpServer;
import dev.workspacesync.git.testing.GitTesting;
import dev.workspacesync.windmill.testing.Fixtures;
import dev.workspacesync.windmill.testing.WindmillEmulator;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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

/** Windmill → git (and Databricks) through {@code run} and through the {@code serve} backup service. */
class WindmillBackupTest {
    private static final String WINDMILL_TOKEN = "wm-secret-token-8b2e41f0";
    private static final String DATABRICKS_TOKEN = "dapi-fanout-token-5d5d";

    @TempDir
    Path dir;

    private WindmillEmulator windmill;
    private GitHttpServer git;
    private WorkspaceEmulator databricks;
    private final HttpClient http = HttpClient.newHttpClient();

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
        databricks = WorkspaceEmulator.start(DATABRICKS_TOKEN);
    }

    @AfterEach
    void stop() throws Exception {
        windmill.close();
        git.close();
        databricks.close();
    }

    /** The seed service's environment, plus what the test servers need. */
    private Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("WINDMILL_BASE_URL", windmill.baseUrl());
        env.put("WINDMILL_TOKEN", WINDMILL_TOKEN);
        env.put("WINDMILL_WORKSPACE", "admins");
        env.put("GIT_REMOTE_URL", git.url("backup"));
        env.put("GIT_TOKEN", GitHttpServer.PASSWORD);
        env.put("GIT_USER_NAME", "Backup Bot");
        env.put("GIT_USER_EMAIL", "backup@example.invalid");
        env.put("WORKSPACE_SYNC_GIT_USERNAME", GitHttpServer.USER);
        env.put("WORKSPACE_SYNC_GIT_WORK_DIR", dir.resolve("clone").toString());
        return env;
    }

    private long tarballRequests() {
        return windmill.requests().stream()
                .filter(r -> r.path().endsWith("/workspaces/tarball"))
                .count();
    }

    @Test
    void runBacksUpAWorkspaceToGitAndFansOutToDatabricks() throws Exception {
        StringWriter out = new StringWriter();
        int code = new WorkspaceSync(env(), false)
                .execute(
                        new PrintWriter(out),
                        new PrintWriter(new StringWriter()),
                        "run",
                        "--source",
                        "windmill",
                        "--destination",
                        "git",
                        "--destination",
                        "databricks",
                        "--set",
                        "databricks.host=" + databricks.host(),
                        "--set",
                        "databricks.token=" + DATABRICKS_TOKEN,
                        "--set",
                        "databricks.root=/Users/" + WorkspaceEmulator.USER + "/windmill",
                        "--set",
                        "databricks.state-dir=" + dir.resolve("dbstate"),
                        "--set",
                        "git.message=Automated Windmill workspace backup - {workspace}",
                        "--json");
        JsonNode json = new ObjectMapper().readTree(out.toString());
        assertThat(code).as(out.toString()).isZero();
        assertThat(json.get("destinations").findValuesAsText("status")).containsExactly("SYNCED", "SYNCED");
        var tree = GitTesting.tree(git.directory("backup"), "main");
        assertThat(tree).isNotEmpty();
        assertThat(databricks.objectsUnder("/Users/" + WorkspaceEmulator.USER + "/windmill"))
                .isNotEmpty();
        RevCommit commit = GitTesting.log(git.directory("backup"), "main").get(0);
        assertThat(commit.getShortMessage()).isEqualTo("Automated Windmill workspace backup - admins");
        assertThat(commit.getAuthorIdent().getName()).isEqualTo("Backup Bot");
        assertThat(out.toString()).doesNotContain(WINDMILL_TOKEN).doesNotContain(DATABRICKS_TOKEN);
    }

    private HttpResponse<String> post(ServeCommand.Running service, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + "/sync"))
                        .timeout(Duration.ofSeconds(120))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theServiceBacksUpOnRequestCoalescesAndRedactsFailures() throws Exception {
        Map<String, String> env = env();
        env.remove("WINDMILL_TOKEN"); // comes with each request, as the seed service allows
        env.put("WORKSPACE_SYNC_WINDMILL_ATTRIBUTION", "false"); // one commit per sync: syncs are counted by commits
        try (CapturedOutput logs = new CapturedOutput();
                ServeCommand.Running service = ServeCommand.start(
                        env, ProviderRegistry.discover(), new InetSocketAddress("127.0.0.1", 0), 4)) {
            HttpResponse<String> missing = post(service, "{}");
            assertThat(missing.statusCode()).isEqualTo(400);
            assertThat(missing.body()).contains("Missing required fields: windmill_token");

            String body = "{\"windmill_token\": \"" + WINDMILL_TOKEN + "\", \"workspace\": \"admins\"}";
            HttpResponse<String> first = post(service, body);
            assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
            JsonNode json = new ObjectMapper().readTree(first.body());
            assertThat(json.get("success").asBoolean()).isTrue();
            assertThat(json.get("status").asText()).isEqualTo("SYNCED");
            assertThat(GitTesting.log(git.directory("backup"), "main"))
                    .singleElement()
                    .extracting(RevCommit::getShortMessage)
                    .isEqualTo("Automated Windmill workspace backup - admins");

            HttpResponse<String> again = post(service, body);
            assertThat(new ObjectMapper().readTree(again.body()).get("status").asText())
                    .isEqualTo("NO_CHANGES");
            assertThat(GitTesting.log(git.directory("backup"), "main")).hasSize(1);

            // 20 concurrent requests for the same target: all answered, at most 2 pulls.
            long before = tarballRequests();
            List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                answers.add(http.sendAsync(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + "/sync"))
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            for (var answer : answers) {
                assertThat(answer.get(120, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            }
            assertThat(tarballRequests() - before).isBetween(1L, 2L);

            // A remote that rejects the credentials: 500, and the message names no token.
            HttpResponse<String> failed = post(
                    service,
                    "{\"windmill_token\": \"" + WINDMILL_TOKEN + "\", \"git_token\": \"wrong-git-token-123\","
                            + " \"git_remote_url\": \"" + git.url("backup") + "\", \"git_branch\": \"other\"}");
            assertThat(failed.statusCode()).as(failed.body()).isEqualTo(500);
            assertThat(new ObjectMapper().readTree(failed.body()).get("success").asBoolean())
                    .isFalse();

            HttpResponse<String> status = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + "/status"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            String everything = first.body() + again.body() + failed.body() + status.body() + logs.text();
            assertThat(everything)
                    .doesNotContain(WINDMILL_TOKEN)
                    .doesNotContain("wrong-git-token-123")
                    .doesNotContain(GitHttpServer.PASSWORD);
        }
    }
}
