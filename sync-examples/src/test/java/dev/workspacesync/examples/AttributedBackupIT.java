package dev.workspacesync.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.workspacesync.git.testing.GitHttpServer;
import dev.workspacesync.git.testing.GitTesting;
import dev.workspacesync.windmill.testing.WindmillEmulator;
import dev.workspacesync.windmill.testing.WorkspaceEdits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attributed backups as a user runs them: {@code run --source windmill --destination git} in its own JVM against
 * the stateful Windmill emulator (three users with their own tokens) and a smart-HTTP git server. One commit per
 * author, oldest change first, committed by the service; then a commit by the service for what no one is known to
 * have changed; the last tree is a plain backup's; metadata the token may not read means one commit, reported.
 */
class AttributedBackupIT {
    private static final String TOKEN = "wm-attribution-service-7c2e";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private GitHttpServer server;
    private int runs;

    /** What one CLI process did. */
    record Run(int exit, JsonNode json, String stdout, String stderr) {
        String destinationMessage() {
            return json.path("destinations").path(0).path("message").asText();
        }
    }

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
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    /** Alice edits two flows, then Bob two scripts, then Carol a resource; the service token a variable. */
    private static WindmillEmulator threeUsersFiveItems() {
        WindmillEmulator emulator = WindmillEmulator.start(TOKEN).emptyWorkspace("ws");
        emulator.user("ws", "tok-alice", "alice", "alice@example.com")
                .user("ws", "tok-bob", "bob", "bob@example.com")
                .user("ws", "tok-carol", "carol", "carol@example.com");
        String url = emulator.baseUrl();
        new WorkspaceEdits(url, "ws", "tok-alice").flow("f/etl/daily", "daily").flow("f/etl/weekly", "weekly");
        new WorkspaceEdits(url, "ws", "tok-bob")
                .script("f/etl/extract", "def main():\n    return 1\n")
                .script("f/etl/load", "def main():\n    return 2\n");
        new WorkspaceEdits(url, "ws", "tok-carol").resource("f/etl/db", "postgresql", "db.internal");
        new WorkspaceEdits(url, "ws", TOKEN).variable("f/etl/region", "eu");
        return emulator;
    }

    private static List<RevCommit> oldestFirst(Path remote) throws Exception {
        List<RevCommit> log = new ArrayList<>(GitTesting.log(remote, "main"));
        Collections.reverse(log);
        return log;
    }

    private static String author(RevCommit commit) {
        return commit.getAuthorIdent().getName() + " <"
                + commit.getAuthorIdent().getEmailAddress() + ">";
    }

    @Test
    void aBackupWritesOneCommitPerAuthorThenOneByTheServiceAndTheTreeOfAPlainBackup() throws Exception {
        Path remote = server.createRepository("attributed.git");
        Path plain = server.createRepository("plain.git");
        try (WindmillEmulator emulator = threeUsersFiveItems()) {
            Run backup = run(emulator, "attributed.git", "a");
            assertThat(backup.json().path("status").asText())
                    .as(backup.stdout() + backup.stderr())
                    .isEqualTo("SYNCED");
            Run plainBackup = run(emulator, "plain.git", "p", "windmill.attribution=false");
            assertThat(plainBackup.json().path("status").asText())
                    .as(plainBackup.stdout())
                    .isEqualTo("SYNCED");

            List<RevCommit> commits = oldestFirst(remote);
            assertThat(commits)
                    .extracting(AttributedBackupIT::author)
                    .containsExactly(
                            "alice <alice@example.com>",
                            "bob <bob@example.com>",
                            "carol <carol@example.com>",
                            "Backup Bot <backup@example.invalid>");
            assertThat(commits).extracting(c -> c.getCommitterIdent().getName()).containsOnly("Backup Bot");
            assertThat(commits.get(0).getFullMessage())
                    .isEqualTo("[WM]: Deployed 2 flows\n\nFlow 'f/etl/daily' deployed\nFlow 'f/etl/weekly' deployed");
            assertThat(commits.get(1).getFullMessage())
                    .isEqualTo("[WM]: Deployed 2 scripts\n\nScript 'f/etl/extract' deployed\n"
                            + "Script 'f/etl/load' deployed");
            assertThat(commits.get(2).getFullMessage())
                    .isEqualTo("[WM]: Deployed 1 resource\n\nResource 'f/etl/db' deployed");
            assertThat(commits.get(3).getFullMessage())
                    .startsWith("Automated backup of windmill workspace ws")
                    .endsWith("\n\nVariable 'f/etl/region' deployed");
            // The lock file goes with the scripts it locks.
            assertThat(changedPaths(remote, commits.get(1))).contains("wmill-lock.yaml", "f/etl/extract.py");
            assertThat(GitTesting.log(plain, "main")).hasSize(1);
            assertThat(commits.get(3).getTree().getId())
                    .isEqualTo(GitTesting.log(plain, "main").get(0).getTree().getId());
            assertThat(GitTesting.tree(remote, "main")).isEqualTo(GitTesting.tree(plain, "main"));
            assertThat(backup.destinationMessage()).contains("pushed 4 commits by alice, bob, carol, Backup Bot");

            // A delete names the item but no one (the open API does not say who deleted it); an update is Bob's.
            new WorkspaceEdits(emulator.baseUrl(), "ws", "tok-alice").deleteFlow("f/etl/weekly");
            new WorkspaceEdits(emulator.baseUrl(), "ws", "tok-bob").script("f/etl/load", "def main():\n    return 3\n");
            Run next = run(emulator, "attributed.git", "a");
            assertThat(next.json().path("status").asText())
                    .as(next.stdout() + next.stderr())
                    .isEqualTo("SYNCED");
            List<RevCommit> after = oldestFirst(remote);
            assertThat(after).hasSize(6);
            assertThat(author(after.get(4))).isEqualTo("bob <bob@example.com>");
            assertThat(after.get(4).getFullMessage())
                    .isEqualTo("[WM]: Deployed 1 script\n\nScript 'f/etl/load' deployed");
            assertThat(author(after.get(5))).isEqualTo("Backup Bot <backup@example.invalid>");
            assertThat(after.get(5).getFullMessage()).endsWith("\n\nFlow 'f/etl/weekly' deleted");
            assertThat(GitTesting.tree(remote, "main")).doesNotContainKey("f/etl/weekly.flow/flow.yaml");
        }
    }

    @Test
    void metadataTheTokenMayNotReadMeansOneServiceCommitAndTheReportSaysSo() throws Exception {
        Path remote = server.createRepository("refused.git");
        try (WindmillEmulator emulator = threeUsersFiveItems().refuse("flows/list", 403)) {
            Run backup = run(emulator, "refused.git", "r");
            assertThat(backup.json().path("status").asText())
                    .as(backup.stdout() + backup.stderr())
                    .isEqualTo("SYNCED");
            assertThat(GitTesting.log(remote, "main"))
                    .singleElement()
                    .satisfies(c -> assertThat(author(c)).isEqualTo("Backup Bot <backup@example.invalid>"));
            assertThat(backup.destinationMessage())
                    .contains("authors not credited: the source's metadata could not be read (")
                    .contains("HTTP 403 to /api/w/ws/flows/list")
                    .contains("so one commit by Backup Bot");
        }
    }

    private static List<String> changedPaths(Path remote, RevCommit commit) throws Exception {
        List<String> paths = new ArrayList<>();
        try (org.eclipse.jgit.lib.Repository repo = new org.eclipse.jgit.storage.file.FileRepositoryBuilder()
                        .setGitDir(remote.toFile())
                        .build();
                org.eclipse.jgit.treewalk.TreeWalk walk = new org.eclipse.jgit.treewalk.TreeWalk(repo)) {
            walk.setRecursive(true);
            walk.setFilter(org.eclipse.jgit.treewalk.filter.TreeFilter.ANY_DIFF);
            walk.addTree(new org.eclipse.jgit.revwalk.RevWalk(repo)
                    .parseCommit(commit.getParent(0))
                    .getTree());
            walk.addTree(commit.getTree());
            while (walk.next()) {
                paths.add(walk.getPathString());
            }
        }
        return paths;
    }

    /** Runs the jar to the end; the tokens are in the environment, never in argv, and in no output. */
    private Run run(WindmillEmulator emulator, String repository, String clone, String... sets) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                Path.of("target/workspace-sync.jar").toAbsolutePath().toString(),
                "run",
                "--source",
                "windmill",
                "--destination",
                "git",
                "--json"));
        List<String> all = new ArrayList<>(List.of(
                "windmill.base-url=" + emulator.baseUrl(),
                "windmill.workspace=ws",
                "git.remote-url=" + server.url(repository),
                "git.username=" + GitHttpServer.USER,
                "git.work-dir=" + dir.resolve("clone-" + clone)));
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
}
