package dev.workspacesync.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.workspacesync.git.testing.GitHttpServer;
import dev.workspacesync.git.testing.GitTesting;
import dev.workspacesync.windmill.testing.Fixtures;
import dev.workspacesync.windmill.testing.WindmillEmulator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Restore and promote as a user runs them: the packaged jar in its own JVM against the stateful Windmill emulator
 * and a real smart-HTTP git server. Windmill → git → Windmill gives the workspace back (but for what no push
 * carries, README "windmill destination"), staging → prod copies one workspace into another, a rerun writes
 * nothing, one changed script is one write, and a bad tree in git fails naming its path with nothing written.
 */
class WindmillRoundTripIT {
    private static final String TOKEN = "wm-roundtrip-token-5b1f3a";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Every kind of the fixture goes through (folders, resource types, variables, resources, dependencies,
     * scripts, flows, apps, schedules, triggers, users, groups).
     */
    private static final List<String> KINDS = List.of(
            "windmill.include-schedules=true",
            "windmill.include-triggers=true",
            "windmill.include-users=true",
            "windmill.include-groups=true",
            "windmill.plain-secrets=true");

    @TempDir
    Path dir;

    private GitHttpServer server;
    private String url;
    private int runs;

    /** What one CLI process did. */
    record Run(int exit, JsonNode json, String stdout, String stderr) {}

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
        server = new GitHttpServer(dir.resolve("server"));
        server.createRepository("backup.git");
        url = server.url("backup.git");
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    @Test
    void windmillToGitToWindmillGivesTheWorkspaceBack() throws Exception {
        try (WindmillEmulator emulator = WindmillEmulator.start(TOKEN)
                .workspace("a", Fixtures.fullWorkspace())
                .emptyWorkspace("b")) {
            Run backup = run(emulator, "windmill", "git", "windmill.workspace=a");
            assertThat(backup.json().path("status").asText())
                    .as(backup.stdout())
                    .isEqualTo("SYNCED");

            emulator.resetRequests();
            Run restore = run(emulator, "git", "windmill", "windmill.workspace=b");
            assertThat(restore.json().path("status").asText())
                    .as(restore.stdout() + restore.stderr())
                    .isEqualTo("SYNCED");
            assertThat(emulator.writeRequests()).isPositive();
            assertThat(comparable(emulator.state("b"))).isEqualTo(comparable(emulator.state("a")));

            emulator.resetRequests();
            Run again = run(emulator, "git", "windmill", "windmill.workspace=b");
            assertThat(again.json().path("status").asText()).as(again.stdout()).isEqualTo("NO_CHANGES");
            assertThat(emulator.writeRequests()).isZero();
        }
    }

    @Test
    void promoteStagingToProd() throws Exception {
        try (WindmillEmulator emulator = WindmillEmulator.start(TOKEN)
                .workspace("staging", Fixtures.fullWorkspace())
                .emptyWorkspace("prod")) {
            String[] promote = {"source.windmill.workspace=staging", "destination.windmill.workspace=prod"};
            Run first = run(emulator, "windmill", "windmill", promote);
            assertThat(first.json().path("status").asText())
                    .as(first.stdout() + first.stderr())
                    .isEqualTo("SYNCED");
            assertThat(comparable(emulator.state("prod"))).isEqualTo(comparable(emulator.state("staging")));

            emulator.resetRequests();
            Run second = run(emulator, "windmill", "windmill", promote);
            assertThat(second.json().path("status").asText())
                    .as(second.stdout())
                    .isEqualTo("NO_CHANGES");
            assertThat(emulator.writeRequests()).isZero();

            // One changed script in staging, pushed there through the API as any deploy would.
            Path changed = dir.resolve("changed");
            Files.createDirectories(changed.resolve("f/team"));
            Run pull =
                    run(emulator, "windmill", "directory", "windmill.workspace=staging", "directory.path=" + changed);
            assertThat(pull.exit()).as(pull.stdout() + pull.stderr()).isZero();
            Path code = changed.resolve("f/team/hello.py");
            assertThat(code).exists();
            Files.writeString(code, "def main():\n    return 'changed'\n");
            Run edit = runFrom(
                    emulator,
                    List.of("--source", "local", "--destination", "windmill"),
                    "local.path=" + changed,
                    "windmill.workspace=staging");
            assertThat(edit.json().path("status").asText())
                    .as(edit.stdout() + edit.stderr())
                    .isEqualTo("SYNCED");

            emulator.resetRequests();
            Run dry = runFrom(
                    emulator, List.of("--source", "windmill", "--destination", "windmill", "--dry-run"), promote);
            assertThat(dry.stdout() + dry.stderr()).contains("f/team/hello.script.yaml");
            assertThat(emulator.writeRequests()).isZero();
            Run third = run(emulator, "windmill", "windmill", promote);
            assertThat(third.json().path("status").asText()).as(third.stdout()).isEqualTo("SYNCED");
            assertThat(emulator.writeRequests()).isEqualTo(1);
            assertThat(comparable(emulator.state("prod"))).isEqualTo(comparable(emulator.state("staging")));
        }
    }

    @Test
    void aBadTreeInGitFailsNamingItsPathAndWritesNothing() throws Exception {
        Path work = dir.resolve("work");
        try (Git git =
                Git.init().setDirectory(work.toFile()).setInitialBranch("main").call()) {
            Files.createDirectories(work.resolve("f/ops/etl.flow"));
            Files.writeString(work.resolve("f/ops/bad.script.yaml"), "summary: [unclosed\n");
            Files.writeString(work.resolve("f/ops/bad.py"), "def main():\n    return 1\n");
            Files.writeString(
                    work.resolve("f/ops/etl.flow/flow.yaml"),
                    "summary: etl\nvalue:\n  modules:\n    - id: a\n      value:\n        type: rawscript\n"
                            + "        language: python3\n        content: '!inline missing_step.py'\n"
                            + "schema: {}\n");
            git.add().addFilepattern(".").call();
            git.commit()
                    .setMessage("bad tree")
                    .setAuthor("Dev", "dev@example.invalid")
                    .setCommitter("Dev", "dev@example.invalid")
                    .setSign(false)
                    .call();
            git.push()
                    .setRemote(url)
                    .add("main")
                    .setCredentialsProvider(
                            new UsernamePasswordCredentialsProvider(GitHttpServer.USER, GitHttpServer.PASSWORD))
                    .call();
        }
        try (WindmillEmulator emulator = WindmillEmulator.start(TOKEN).emptyWorkspace("b")) {
            emulator.resetRequests();
            Run restore = run(emulator, "git", "windmill", "windmill.workspace=b");
            assertThat(restore.exit()).as(restore.stdout() + restore.stderr()).isEqualTo(1);
            assertThat(restore.json().path("status").asText()).isEqualTo("FAILED");
            String message = restore.json().toString();
            assertThat(message).contains("f/ops/bad.script.yaml").contains("f/ops/etl.flow");
            assertThat(emulator.writeRequests()).isZero();
        }
    }

    private Run run(WindmillEmulator emulator, String source, String destination, String... sets) throws Exception {
        return runFrom(emulator, List.of("--source", source, "--destination", destination), sets);
    }

    /** Runs the jar to the end; the tokens are in the environment, never in argv, and in no output. */
    private Run runFrom(WindmillEmulator emulator, List<String> sides, String... sets) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                Path.of("target/workspace-sync.jar").toAbsolutePath().toString(),
                "run"));
        command.addAll(sides);
        command.add("--json");
        List<String> all = new ArrayList<>(List.of(
                "windmill.base-url=" + emulator.baseUrl(),
                "git.remote-url=" + url,
                "git.username=" + GitHttpServer.USER));
        if (sides.get(3).equals("git")) {
            // The git source keeps its own cached clone; the destination's work tree is separate.
            all.add("git.work-dir=" + dir.resolve("clone"));
        }
        all.addAll(KINDS);
        all.addAll(List.of(sets));
        for (String set : all) {
            command.addAll(List.of("--set", set));
        }
        Path out = dir.resolve("run-" + (++runs) + ".out");
        Path err = dir.resolve("run-" + runs + ".err");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        builder.environment()
                .keySet()
                .removeIf(k -> k.startsWith("WINDMILL_")
                        || k.startsWith("GIT_")
                        || k.startsWith("WORKSPACE_SYNC_")
                        || k.startsWith("DATABRICKS_"));
        builder.environment().put("WINDMILL_TOKEN", TOKEN);
        builder.environment().put("GIT_TOKEN", GitHttpServer.PASSWORD);
        builder.environment().put("GIT_CONFIG_NOSYSTEM", "1");
        builder.environment().put("GIT_USER_NAME", "Backup Bot");
        builder.environment().put("GIT_USER_EMAIL", "backup@example.invalid");
        builder.environment().put("HOME", dir.resolve("home").toString());
        builder.environment().put("XDG_CACHE_HOME", dir.resolve("cache").toString());
        Process process = builder.start();
        boolean ended = process.waitFor(180, TimeUnit.SECONDS);
        if (!ended) {
            process.destroyForcibly().waitFor();
        }
        String stdout = Files.readString(out);
        String stderr = Files.readString(err);
        assertThat(ended).as("the run ended\n" + stdout + stderr).isTrue();
        assertThat(stdout + stderr).doesNotContain(TOKEN).doesNotContain(GitHttpServer.PASSWORD);
        JsonNode json = stdout.isBlank() ? JSON.createObjectNode() : JSON.readTree(stdout);
        return new Run(process.exitValue(), json, stdout, stderr);
    }

    /**
     * A workspace state without what no push carries (README, "windmill destination"): a script's server-derived
     * {@code no_main_func}, {@code edited_by} (set to whoever pushes), an app's policy (not in the pulled tree:
     * the push derives it again, as the CLI's does) and its runnables' legacy types ({@code runnableByName} and
     * {@code runnableByPath} go out as {@code inline} and {@code path}, as from the CLI), and the workspace
     * settings (not pulled without {@code windmill.include-settings}).
     */
    static String comparable(String state) throws IOException {
        ObjectNode root = (ObjectNode) JSON.readTree(state);
        root.remove(List.of("settings"));
        root.path("app").forEach(app -> ((ObjectNode) app).remove("policy"));
        for (JsonNode typed : root.path("app").findParents("type")) {
            String type = typed.path("type").asText("");
            if (type.equals("runnableByName") || type.equals("runnableByPath")) {
                ((ObjectNode) typed).put("type", type.equals("runnableByName") ? "inline" : "path");
            }
        }
        root.findParents("edited_by").forEach(p -> ((ObjectNode) p).remove("edited_by"));
        root.findParents("no_main_func").forEach(p -> ((ObjectNode) p).remove("no_main_func"));
        return JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root);
    }
}
