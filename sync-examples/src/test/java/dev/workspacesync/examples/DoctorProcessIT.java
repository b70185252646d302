package dev.workspacesync.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.workspacesync.databricks.testing.WorkspaceEmulator;
import dev.workspacesync.git.testing.GitHttpServer;
import dev.workspacesync.git.testing.GitTesting;
import dev.workspacesync.windmill.testing.Fixtures;
import dev.workspacesync.windmill.testing.WindmillEmulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.transport.URIish;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code doctor} from the packaged jar in its own process: the Databricks SDK reading {@code
 * DATABRICKS_HOST}/{@code DATABRICKS_TOKEN} from the real environment, a JGit smart-HTTP server and the
 * Windmill emulator with good, wrong and missing tokens ({@code -q} too), and read-only directories checked
 * by a user who cannot write them (the test drops to {@code nobody} with {@code setpriv} when it runs as
 * root, for whom every directory is writable).
 */
class DoctorProcessIT {
    private static final String TOKEN = "dapi-process-doctor-4711";
    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

    @TempDir
    Path dir;

    private WorkspaceEmulator databricks;

    @BeforeAll
    static void isolate() {
        GitTesting.isolateJGit();
    }

    @AfterAll
    static void restore() {
        GitTesting.restoreJGit();
    }

    @BeforeEach
    void start() {
        databricks = WorkspaceEmulator.start(TOKEN);
    }

    @AfterEach
    void stop() throws Exception {
        databricks.close();
        // The unreadable directory must be removable by JUnit's cleanup.
        Path noRead = dir.resolve("noread");
        if (Files.exists(noRead)) {
            Files.setPosixFilePermissions(noRead, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    private record Result(int code, String output) {}

    private Result jar(Map<String, String> env, boolean dropPrivileges, String... args) throws Exception {
        return run("doctor", env, dropPrivileges, args);
    }

    private Result jarAs(String command, Map<String, String> env, String... args) throws Exception {
        return run(command, env, false, args);
    }

    private Result run(String subcommand, Map<String, String> env, boolean dropPrivileges, String... args)
            throws Exception {
        Path jar = Path.of("target/workspace-sync.jar").toAbsolutePath();
        assertThat(jar).exists();
        List<String> command = new ArrayList<>();
        if (dropPrivileges && ROOT) {
            command.addAll(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
        }
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of("-Duser.home=" + dir, "-jar", jar.toString(), subcommand));
        command.addAll(List.of(args));
        Path output = dir.resolve("output-" + System.nanoTime() + ".txt");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        builder.environment()
                .keySet()
                .removeIf(k -> k.startsWith("DATABRICKS_")
                        || k.startsWith("WORKSPACE_SYNC_")
                        || k.startsWith("GIT_")
                        || k.startsWith("WINDMILL_"));
        builder.environment().put("HOME", dir.toString());
        builder.environment().putAll(env);
        Process process = builder.start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), Files.readString(output));
    }

    @Test
    void databricksCredentialsComeFromTheEnvironment() throws Exception {
        String root = "/Users/" + WorkspaceEmulator.USER + "/proj";
        String[] args = {
            "--destination",
            "databricks",
            "--set",
            "databricks.root=" + root,
            "--set",
            "databricks.state-dir=" + dir.resolve("state")
        };
        Result good = jar(Map.of("DATABRICKS_HOST", databricks.host(), "DATABRICKS_TOKEN", TOKEN), false, args);
        assertThat(good.code()).as(good.output()).isZero();
        assertThat(good.output())
                .contains("✓ databricks: token accepted by " + databricks.host() + " (user " + WorkspaceEmulator.USER
                        + ")")
                .contains("! databricks: folder " + root + " does not exist yet; the first run creates it in /Users/"
                        + WorkspaceEmulator.USER);
        Result bad =
                jar(Map.of("DATABRICKS_HOST", databricks.host(), "DATABRICKS_TOKEN", "dapi-wrong-1234"), false, args);
        assertThat(bad.code()).as(bad.output()).isEqualTo(1);
        assertThat(bad.output())
                .contains("✗ databricks: token rejected by " + databricks.host() + " (HTTP 401) — set DATABRICKS_TOKEN")
                .doesNotContain("dapi-wrong-1234")
                .doesNotContain(TOKEN);
        assertThat(databricks.mutatingRequests()).isZero();
        assertThat(dir.resolve("state")).doesNotExist();
    }

    @Test
    void gitAndWindmillChecksAgainstTheTestServersSayWhatToSetAndWriteNothing() throws Exception {
        String windmillToken = "wm-process-doctor-9a7c";
        String wrong = "wrong-process-doctor-5e1d";
        try (GitHttpServer git = new GitHttpServer(dir.resolve("server"));
                WindmillEmulator windmill =
                        WindmillEmulator.start(windmillToken).workspace("admins", Fixtures.fullWorkspace())) {
            Path bare = git.createRepository("backup");
            // One commit on main, pushed over file:// so the HTTP server sees no push at all.
            Path seed = dir.resolve("seed");
            try (Git repo = Git.init()
                    .setDirectory(seed.toFile())
                    .setInitialBranch("main")
                    .call()) {
                GitTesting.write(seed, "README.md", "# backup\n");
                repo.add().addFilepattern(".").call();
                repo.commit()
                        .setMessage("seed")
                        .setAuthor("t", "t@example.invalid")
                        .setCommitter("t", "t@example.invalid")
                        .call();
                repo.remoteAdd()
                        .setName("origin")
                        .setUri(new URIish(bare.toUri().toString()))
                        .call();
                repo.push().setRemote("origin").add("main").call();
            }
            String url = git.url("backup");
            String[] args = {
                "--source", "windmill",
                "--set", "windmill.base-url=" + windmill.baseUrl(),
                "--set", "windmill.workspace=admins",
                "--destination", "git",
                "--set", "git.remote-url=" + url,
                "--set", "git.username=" + GitHttpServer.USER,
                "--set", "git.work-dir=" + dir.resolve("clone")
            };

            Result good =
                    jar(Map.of("GIT_TOKEN", GitHttpServer.PASSWORD, "WINDMILL_TOKEN", windmillToken), false, args);
            assertThat(good.code()).as(good.output()).isZero();
            assertThat(good.output().lines())
                    .contains("✓ windmill: token accepted by " + windmill.baseUrl() + " (admin@windmill.dev)")
                    .contains("✓ windmill: workspace admins exists; signed in as admin (a workspace admin)")
                    .contains("✓ git: reached " + url + " (ls-remote, branch main exists)")
                    .anyMatch(l -> l.startsWith("All ") && l.endsWith("; nothing was changed."));

            // The alias, -q: nothing at all when every check passed.
            List<String> quiet = new ArrayList<>(List.of("-q"));
            quiet.addAll(List.of(args));
            Result silent = jarAs(
                    "check",
                    Map.of("GIT_TOKEN", GitHttpServer.PASSWORD, "WINDMILL_TOKEN", windmillToken),
                    quiet.toArray(String[]::new));
            assertThat(silent.code()).as(silent.output()).isZero();
            assertThat(silent.output()).isEmpty();

            Result bad = jar(Map.of("GIT_TOKEN", wrong, "WINDMILL_TOKEN", wrong), false, args);
            assertThat(bad.code()).as(bad.output()).isEqualTo(1);
            assertThat(bad.output().lines())
                    .anyMatch(l -> l.startsWith("✗ windmill: token rejected by " + windmill.baseUrl()
                            + " (HTTP 401) — set WINDMILL_TOKEN (windmill.token)"))
                    .anyMatch(l -> l.startsWith("✗ git: token rejected by " + url + " (HTTP 401) — set GIT_TOKEN"));
            assertThat(bad.output()).doesNotContain(wrong);

            // No git token, -q: only the failed check and the count.
            Result none = jarAs("check", Map.of("WINDMILL_TOKEN", windmillToken), quiet.toArray(String[]::new));
            assertThat(none.code()).as(none.output()).isEqualTo(1);
            assertThat(none.output().lines())
                    .hasSize(2)
                    .first()
                    .satisfies(l -> assertThat(l)
                            .startsWith("✗ git: no token for " + url)
                            .endsWith("— set GIT_TOKEN (or git.token)"));
            assertThat(none.output()).contains(" checks failed; nothing was changed.");

            for (Result r : List.of(good, silent, bad, none)) {
                assertThat(r.output()).doesNotContain(GitHttpServer.PASSWORD).doesNotContain(windmillToken);
            }
            assertThat(git.receivePackRequests()).as("push requests").isZero();
            assertThat(windmill.requests())
                    .allSatisfy(r -> assertThat(r.method()).isEqualTo("GET"));
            assertThat(dir.resolve("clone")).doesNotExist();
        }
    }

    @Test
    void aDatabricksClientWithoutAHostIsASettingsErrorListedWithTheOtherChecks() throws Exception {
        Result r = jar(
                Map.of(),
                false,
                "--source",
                "local",
                "--set",
                "local.path=" + dir,
                "--destination",
                "databricks",
                "--set",
                "databricks.state-dir=" + dir.resolve("state"));
        assertThat(r.code()).as(r.output()).isEqualTo(2);
        assertThat(r.output().lines())
                .anyMatch(l -> l.startsWith("✓ local: directory " + dir + " is readable"))
                .anyMatch(l -> l.startsWith("✗ databricks: ")
                        && l.endsWith("— fix the settings (workspace-sync providers lists them)"));
        assertThat(dir.resolve("state")).doesNotExist();
    }

    @Test
    void readOnlyDirectoriesAreReportedAndNothingIsCreated() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path readOnly = Files.createDirectory(dir.resolve("ro"));
        Path state = Files.createDirectory(dir.resolve("state"));
        Path noRead = Files.createDirectory(dir.resolve("noread"));
        Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-xr-xr-x"));
        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.setPosixFilePermissions(noRead, PosixFilePermissions.fromString("---------"));
        Result r = jar(
                Map.of(),
                true,
                "--source",
                "local",
                "--set",
                "local.path=" + noRead,
                "--destination",
                "directory",
                "--set",
                "directory.path=" + readOnly.resolve("mirror"),
                "--set",
                "directory.state-dir=" + state);
        assertThat(r.code()).as(r.output()).isEqualTo(1);
        assertThat(r.output())
                .contains("✗ local: Permission denied: cannot list " + noRead)
                .contains("✗ directory: Permission denied: " + readOnly.resolve("mirror")
                        + " (the mirror) does not exist and " + readOnly + " is not writable by this user")
                .contains("✓ directory: " + state + " (the sync state) exists and is writable")
                .contains("2 of 3 checks failed; nothing was changed.");
        assertThat(readOnly.resolve("mirror")).doesNotExist();
        try (var files = Files.list(state)) {
            assertThat(files).isEmpty();
        }
    }
}
