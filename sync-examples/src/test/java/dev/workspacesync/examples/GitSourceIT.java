package dev.workspacesync.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.workspacesync.databricks.testing.WorkspaceEmulator;
import dev.workspacesync.databricks.testing.WorkspaceEmulator.ObjectType;
import dev.workspacesync.git.testing.GitHttpServer;
import dev.workspacesync.git.testing.GitTesting;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code git} source through the packaged CLI in a child process: a branch pushed with plain JGit to a
 * real smart-HTTP server, read by {@code run --source git} into a directory (byte for byte, then a rerun
 * changes nothing) and into a Databricks Workspace folder on the emulator (a rerun sends no write).
 */
class GitSourceIT {
    private static final String DATABRICKS_TOKEN = "dapi-git-source-7c1d";
    private static final String ROOT = "/Users/" + WorkspaceEmulator.USER + "/projects/deployed";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private GitHttpServer server;
    private String url;
    private Path work;
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
        server = new GitHttpServer(dir.resolve("server"));
        server.createRepository("project.git");
        url = server.url("project.git");
        work = dir.resolve("work");
        Git.init().setDirectory(work.toFile()).setInitialBranch("main").call().close();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    /** Commits the work tree as it is and pushes main with plain JGit. */
    private String commitAndPush(String message) throws Exception {
        try (Git git = Git.open(work.toFile())) {
            git.add().addFilepattern(".").call();
            String id = git.commit()
                    .setMessage(message)
                    .setAuthor("Dev", "dev@example.invalid")
                    .setCommitter("Dev", "dev@example.invalid")
                    .setSign(false)
                    .call()
                    .name();
            git.push()
                    .setRemote(url)
                    .add("main")
                    .setCredentialsProvider(
                            new UsernamePasswordCredentialsProvider(GitHttpServer.USER, GitHttpServer.PASSWORD))
                    .call();
            return id;
        }
    }

    private void write(String rel, byte[] bytes, boolean executable) throws IOException {
        Path file = work.resolve(rel);
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(executable ? "rwxr-xr-x" : "rw-r--r--"));
    }

    /** A project with text, binary, executable, nested and non-ASCII files (seeded). */
    private void project(long seed) throws IOException {
        System.out.println("GitSourceIT seed " + seed);
        SplittableRandom random = new SplittableRandom(seed);
        write("README.md", "# deployed\n".getBytes(), false);
        write("bin/run.sh", "#!/bin/sh\necho run\n".getBytes(), true);
        write("src/main.py", "print('main')\n".getBytes(), false);
        write("nb.py", "# Databricks notebook source\nprint('nb')\n".getBytes(), false);
        write("docs/été 日本.md", "unicode name\n".getBytes(java.nio.charset.StandardCharsets.UTF_8), false);
        for (int i = 0; i < 20; i++) {
            byte[] bytes = new byte[random.nextInt(5000)];
            random.nextBytes(bytes);
            write("data/d" + (i % 4) + "/blob" + i + ".bin", bytes, random.nextInt(4) == 0);
        }
    }

    private List<String> command(String destination, String... settings) {
        List<String> args = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                Path.of("target/workspace-sync.jar").toAbsolutePath().toString(),
                "run",
                "--source",
                "git",
                "--destination",
                destination,
                "--json",
                "--set",
                "git.remote-url=" + url,
                "--set",
                "git.username=" + GitHttpServer.USER));
        for (String s : settings) {
            args.add("--set");
            args.add(s);
        }
        return args;
    }

    /** Runs the CLI to the end; returns its JSON report. The token is in the environment, never in argv. */
    private JsonNode run(List<String> command) throws Exception {
        Path output = dir.resolve("run-" + (++runs) + ".json");
        Path errors = dir.resolve("run-" + runs + ".err");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectOutput(output.toFile())
                .redirectError(errors.toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("DATABRICKS_") || k.startsWith("GIT_"));
        builder.environment().put("GIT_TOKEN", GitHttpServer.PASSWORD);
        builder.environment().put("GIT_CONFIG_NOSYSTEM", "1");
        builder.environment().put("DATABRICKS_TOKEN", DATABRICKS_TOKEN);
        builder.environment().put("HOME", dir.resolve("home").toString());
        builder.environment().put("XDG_CACHE_HOME", dir.resolve("cache").toString());
        Process process = builder.start();
        assertThat(process.waitFor(180, TimeUnit.SECONDS)).as("the run ends").isTrue();
        String printed = Files.readString(output);
        String err = Files.readString(errors);
        assertThat(printed + err).doesNotContain(GitHttpServer.PASSWORD).doesNotContain(DATABRICKS_TOKEN);
        JsonNode json = JSON.readTree(printed);
        assertThat(process.exitValue())
                .as(printed + err)
                .isEqualTo(json.path("status").asText().equals("FAILED") ? 1 : 0);
        return json;
    }

    /** The files of a directory, bytes and executable bit, without {@code .git}. */
    private static Map<String, String> files(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                String rel = root.relativize(file).toString();
                if (rel.startsWith(".git/") || rel.equals(".git")) {
                    continue;
                }
                out.put(rel, (Files.isExecutable(file) ? "x " : "- ") + Arrays.toString(Files.readAllBytes(file)));
            }
        }
        return out;
    }

    @Test
    void gitToDirectoryReproducesTheBranchThenARerunChangesNothing() throws Exception {
        project(Long.getLong("seed", System.nanoTime()));
        commitAndPush("first");
        Path out = dir.resolve("out");
        List<String> command =
                command("directory", "directory.path=" + out, "directory.state-dir=" + dir.resolve("state"));

        JsonNode first = run(command);
        assertThat(first.path("status").asText()).as(first.toString()).isEqualTo("SYNCED");
        assertThat(first.path("message").asText()).startsWith("git " + url + " at main (25 files)");
        assertThat(files(out)).isEqualTo(files(work));
        // The cache is a bare clone under the user cache directory, holding no credential.
        Path cache = dir.resolve("cache").resolve("workspace-sync").resolve("git");
        try (Stream<Path> clones = Files.list(cache)) {
            Path clone = clones.filter(p -> p.getFileName().toString().endsWith(".git"))
                    .findFirst()
                    .orElseThrow();
            assertThat(Files.readString(clone.resolve("config"))).contains(url).doesNotContain(GitHttpServer.PASSWORD);
        }

        JsonNode second = run(command);
        assertThat(second.path("status").asText()).as(second.toString()).isEqualTo("NO_CHANGES");

        write("src/main.py", "print('changed')\n".getBytes(), false);
        Files.delete(work.resolve("data/d1/blob1.bin"));
        commitAndPush("second");
        JsonNode third = run(command);
        assertThat(third.path("status").asText()).as(third.toString()).isEqualTo("SYNCED");
        assertThat(files(out)).isEqualTo(files(work));
    }

    @Test
    void anUnknownBranchFailsNamingItAndTheBranchesThere() throws Exception {
        write("a.txt", "a\n".getBytes(), false);
        commitAndPush("first");
        JsonNode report = run(command(
                "directory",
                "git.branch=relase",
                "directory.path=" + dir.resolve("out"),
                "directory.state-dir=" + dir.resolve("state")));
        assertThat(report.path("status").asText()).isEqualTo("FAILED");
        assertThat(report.toString()).contains("'relase'").contains(url).contains("branches: main");
        assertThat(dir.resolve("out")).doesNotExist();
    }

    @Test
    void gitToDatabricksDeploysTheBranchThenARerunSendsNoWrite() throws Exception {
        project(Long.getLong("seed", System.nanoTime()));
        commitAndPush("first");
        try (WorkspaceEmulator emulator = WorkspaceEmulator.start(DATABRICKS_TOKEN)) {
            List<String> command = command(
                    "databricks",
                    "databricks.host=" + emulator.host(),
                    "databricks.root=" + ROOT,
                    "databricks.state-dir=" + dir.resolve("state"));
            JsonNode first = run(command);
            assertThat(first.path("status").asText()).as(first.toString()).isEqualTo("SYNCED");

            Map<String, String> deployed = new TreeMap<>();
            emulator.objectsUnder(ROOT).forEach((path, object) -> {
                String rel = path.substring(ROOT.length() + 1);
                if (object.type() != ObjectType.DIRECTORY && !rel.startsWith(".workspace-sync/")) {
                    deployed.put(rel, object.type() + " " + Arrays.toString(object.content()));
                }
            });
            Map<String, String> expected = new TreeMap<>();
            for (String rel : files(work).keySet()) {
                byte[] bytes = Files.readAllBytes(work.resolve(rel));
                boolean notebook = rel.equals("nb.py");
                expected.put(
                        notebook ? "nb" : rel,
                        (notebook ? ObjectType.NOTEBOOK : ObjectType.FILE) + " "
                                + (notebook ? "" : Arrays.toString(bytes)));
            }
            assertThat(deployed.keySet()).isEqualTo(expected.keySet());
            expected.forEach((rel, want) -> {
                if (!rel.equals("nb")) {
                    assertThat(deployed.get(rel)).as(rel).isEqualTo(want);
                }
            });
            assertThat(emulator.object(ROOT + "/nb").orElseThrow().text()).contains("print('nb')");

            emulator.resetCounts();
            JsonNode second = run(command);
            assertThat(second.path("status").asText()).as(second.toString()).isEqualTo("NO_CHANGES");
            assertThat(emulator.mutatingRequests())
                    .as(emulator.requestLog().toString())
                    .isZero();
        }
    }
}
