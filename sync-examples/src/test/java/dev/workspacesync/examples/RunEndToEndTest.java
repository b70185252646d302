package dev.workspacesync.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.workspacesync.core.testing.CapturedOutput;
import dev.workspacesync.databricks.testing.WorkspaceEmulator;
import dev.workspacesync.git.testing.GitHttpServer;
import dev.workspacesync.git.testing.GitTesting;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code run} from a local project to a real smart-HTTP git server and to the Databricks emulator. */
class RunEndToEndTest {
    private static final String DATABRICKS_TOKEN = "dapi-e2e-token-31337";
    private static final String ROOT = "/Users/" + WorkspaceEmulator.USER + "/projects/project";

    @TempDir
    Path dir;

    private GitHttpServer git;
    private WorkspaceEmulator databricks;
    private Path project;

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
        git = new GitHttpServer(dir.resolve("server"));
        git.createRepository("backup");
        databricks = WorkspaceEmulator.start(DATABRICKS_TOKEN);
        project = dir.resolve("project");
        GitTesting.write(project, "README.md", "# Project\n");
        GitTesting.write(project, "src/main.py", "print('hi')\n");
        GitTesting.write(project, "nb.py", "# Databricks notebook source\nprint(1)\n");
        GitTesting.write(project, ".gitignore", "*.tmp\n");
        GitTesting.write(project, "scratch.tmp", "ignored");
    }

    @AfterEach
    void stop() throws Exception {
        git.close();
        databricks.close();
    }

    private Map<String, String> env() {
        // The seed service's names for the git side, the SDK's for Databricks (here through --set).
        return Map.of("GIT_TOKEN", GitHttpServer.PASSWORD, "GIT_REMOTE_URL", git.url("backup"));
    }

    private JsonNode run(List<String> destinations, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("run", "--source", "local", "--json"));
        destinations.forEach(d -> args.addAll(List.of("--destination", d)));
        args.addAll(List.of(
                "--set", "local.path=" + project,
                "--set", "git.username=" + GitHttpServer.USER,
                "--set", "git.work-dir=" + dir.resolve("clone"),
                "--set", "databricks.host=" + databricks.host(),
                "--set", "databricks.token=" + DATABRICKS_TOKEN,
                "--set", "databricks.state-dir=" + dir.resolve("dbstate")));
        args.addAll(List.of(extra));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = new WorkspaceSync(env(), false)
                .execute(new PrintWriter(out), new PrintWriter(err), args.toArray(String[]::new));
        JsonNode json = new ObjectMapper().readTree(out.toString());
        assertThat(code)
                .as(out + "\n" + err)
                .isEqualTo(json.get("status").asText().equals("FAILED") ? 1 : 0);
        assertThat(out.toString() + err).doesNotContain(DATABRICKS_TOKEN);
        return json;
    }

    @Test
    void localToGitOverHttpsWithATokenFromTheEnvironment() throws Exception {
        JsonNode first = run(List.of("git"));
        assertThat(first.get("status").asText()).isEqualTo("SYNCED");
        assertThat(first.get("destinations").get(0).get("added").asInt()).isEqualTo(4);
        assertThat(GitTesting.tree(git.directory("backup"), "main").keySet())
                .containsExactlyInAnyOrder(".gitignore", "README.md", "nb.py", "src/main.py");
        assertThat(run(List.of("git")).get("status").asText()).isEqualTo("NO_CHANGES");
        assertThat(GitTesting.log(git.directory("backup"), "main")).hasSize(1);
        assertThat(Files.readString(dir.resolve("clone/.git/config"))).doesNotContain(GitHttpServer.PASSWORD);
    }

    @Test
    void localToDatabricks() throws Exception {
        JsonNode first = run(List.of("databricks"));
        assertThat(first.get("status").asText()).as(first.toString()).isEqualTo("SYNCED");
        assertThat(databricks.object(ROOT + "/nb").orElseThrow().type())
                .isEqualTo(WorkspaceEmulator.ObjectType.NOTEBOOK);
        assertThat(databricks.object(ROOT + "/src/main.py")).isPresent();
        databricks.resetCounts();
        assertThat(run(List.of("databricks")).get("status").asText()).isEqualTo("NO_CHANGES");
        assertThat(databricks.mutatingRequests()).isZero();
    }

    @Test
    void oneSourceFansOutToGitAndDatabricks() throws Exception {
        try (CapturedOutput logs = new CapturedOutput()) {
            JsonNode first = run(List.of("git", "databricks"));
            assertThat(first.get("status").asText()).isEqualTo("SYNCED");
            assertThat(first.get("destinations").findValuesAsText("status")).containsExactly("SYNCED", "SYNCED");
            assertThat(first.get("destinations").findValuesAsText("type")).containsExactly("git", "databricks");

            GitTesting.write(project, "src/main.py", "print('changed')\n");
            JsonNode second = run(List.of("git", "databricks"));
            for (JsonNode d : second.get("destinations")) {
                assertThat(List.of(
                                d.get("added").asInt(),
                                d.get("updated").asInt(),
                                d.get("deleted").asInt()))
                        .as(d.get("type").asText())
                        .containsExactly(0, 1, 0);
            }
            assertThat(databricks.uploadsOf(ROOT + "/src/main.py")).isEqualTo(2);
            assertThat(logs.text()).doesNotContain(DATABRICKS_TOKEN).doesNotContain(GitHttpServer.PASSWORD);
        }
    }
}
