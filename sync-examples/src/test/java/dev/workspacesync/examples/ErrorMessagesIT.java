package dev.workspacesync.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.workspacesync.databricks.testing.WorkspaceEmulator;
import dev.workspacesync.databricks.testing.WorkspaceEmulator.Fault;
import dev.workspacesync.databricks.testing.WorkspaceEmulator.Kind;
import dev.workspacesync.git.testing.GitHttpServer;
import dev.workspacesync.git.testing.GitSshServer;
import dev.workspacesync.windmill.testing.Fixtures;
import dev.workspacesync.windmill.testing.WindmillEmulator;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each error a person meets first, through the packaged CLI in a child process against the real test
 * servers (the Databricks workspace emulator with the real SDK, JGit's HTTP and SSH servers, the Windmill
 * emulator): the message names what is wrong and what to set, the exit code says whose fault it is (2: the
 * settings), the output is a few lines (no stack trace) and holds no secret. Unresolvable hosts are under
 * {@code .invalid} (RFC 6761): no network is needed.
 */
class ErrorMessagesIT {
    private static final long SEED = new SplittableRandom().nextLong();

    @TempDir
    Path dir;

    private Path project;
    private final SplittableRandom random = new SplittableRandom(SEED);

    /** What a CLI process printed. */
    record Result(int code, String out, String err) {
        String all() {
            return out + err;
        }

        long lines() {
            return all().lines().filter(l -> !l.isBlank()).count();
        }

        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    @BeforeEach
    void project() throws IOException {
        System.out.println("ErrorMessagesIT seed " + SEED);
        project = dir.resolve("project");
        Files.createDirectories(project.resolve("src"));
        Files.writeString(project.resolve("README.md"), "# errors\n");
        Files.writeString(project.resolve("src/app.py"), "print('hi')\n");
    }

    private String secret(String prefix) {
        return prefix + Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong());
    }

    private Result cli(Map<String, String> env, List<String> prefix, String... args) throws Exception {
        List<String> command = new ArrayList<>(prefix);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-jar");
        Path jar = Path.of("target/workspace-sync.jar").toAbsolutePath();
        assertThat(jar).exists();
        command.add(jar.toString());
        command.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        // Nothing of the machine's own sign-ins: no DATABRICKS_*, no databricks or az CLI on the PATH.
        builder.environment()
                .keySet()
                .removeIf(k -> k.startsWith("DATABRICKS_")
                        || k.startsWith("WORKSPACE_SYNC_")
                        || k.startsWith("GIT_")
                        || k.startsWith("WINDMILL_")
                        || k.startsWith("ARM_")
                        || k.startsWith("GOOGLE_")
                        || k.startsWith("ACTIONS_"));
        builder.environment().put("PATH", "/usr/bin:/bin");
        builder.environment().put("HOME", dir.resolve("home").toString());
        builder.environment().put("XDG_CACHE_HOME", dir.resolve("cache").toString());
        builder.environment().putAll(env);
        Process process = builder.start();
        boolean ended = process.waitFor(240, TimeUnit.SECONDS);
        if (!ended) {
            process.destroyForcibly().waitFor();
        }
        assertThat(ended).as("the CLI ended").isTrue();
        Result result = new Result(process.exitValue(), Files.readString(out), Files.readString(err));
        System.out.println(String.join(" ", args) + "\n" + result);
        return result;
    }

    private Result cli(Map<String, String> env, String... args) throws Exception {
        return cli(env, List.of(), args);
    }

    /**
     * Apache MINA's own warning when the server's key fails the known_hosts check, logged (or not, by
     * timing) by the SSH session's logger {@code org.eclipse.jgit.internal.transport.sshd.JGitClientSession}
     * before JGit reports the failure. One line, no trace; the logging configuration may raise that
     * logger to error.
     */
    private static final String MINA_HOST_KEY_WARNING = "WARN JGitClientSession - exceptionCaught(";

    /** A few lines, none of them a stack frame or an exception's class name. */
    private static void readable(Result r) {
        assertThat(r.lines()).as(r.toString()).isLessThanOrEqualTo(6);
        String all = String.join(
                "\n",
                r.all()
                        .lines()
                        .filter(l -> !l.startsWith(MINA_HOST_KEY_WARNING))
                        .toList());
        assertThat(all)
                .as(r.toString())
                .doesNotContainPattern("(?m)^\\s+at [a-z]")
                .doesNotContain("Exception")
                .doesNotContain("Caused by");
    }

    // ---- Databricks

    private String[] databricks(String host, String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "run",
                "--source",
                "local",
                "--set",
                "local.path=" + project,
                "--destination",
                "databricks",
                "--set",
                "databricks.root=/Users/" + WorkspaceEmulator.USER + "/projects/errors",
                "--set",
                "databricks.state-dir=" + dir.resolve("state")));
        if (host != null) {
            args.add("--set");
            args.add("databricks.host=" + host);
        }
        for (String e : extra) {
            args.add("--set");
            args.add(e);
        }
        return args.toArray(String[]::new);
    }

    @Test
    void databricksWithoutCredentialsSaysWhatToSetInOneLine() throws Exception {
        try (WorkspaceEmulator emulator = WorkspaceEmulator.start(secret("dapi"))) {
            Result r = cli(Map.of(), databricks(emulator.host()));
            assertThat(r.code()).as(r.toString()).isEqualTo(2);
            assertThat(r.err())
                    .contains("no Databricks credentials: set DATABRICKS_TOKEN, or databricks.profile, or OAuth"
                            + " client id/secret (DATABRICKS_CLIENT_ID/DATABRICKS_CLIENT_SECRET)");
            readable(r);
            assertThat(r.lines()).as(r.toString()).isLessThanOrEqualTo(2);
            assertThat(emulator.totalRequests()).as("nothing was sent").isZero();
        }
        Result noHost = cli(Map.of(), databricks(null));
        assertThat(noHost.code()).as(noHost.toString()).isEqualTo(2);
        assertThat(noHost.err()).contains("no Databricks credentials").contains("DATABRICKS_HOST");
        readable(noHost);
    }

    @Test
    void databricksWithAWrongTokenNamesTheHostAndStatus() throws Exception {
        String right = secret("dapi");
        String wrong = secret("dapi");
        try (WorkspaceEmulator emulator = WorkspaceEmulator.start(right)) {
            Result r = cli(Map.of("DATABRICKS_TOKEN", wrong), databricks(emulator.host()));
            assertThat(r.code()).as(r.toString()).isEqualTo(1);
            assertThat(r.all())
                    .contains("Databricks rejected the token for " + emulator.host() + " (HTTP 401)")
                    .contains("DATABRICKS_TOKEN")
                    .doesNotContain(wrong)
                    .doesNotContain(right);
            readable(r);

            // The right token syncs, and the SDK's host-metadata warning is not printed.
            Result ok = cli(Map.of("DATABRICKS_TOKEN", right), databricks(emulator.host()));
            assertThat(ok.code()).as(ok.toString()).isZero();
            assertThat(ok.all())
                    .doesNotContain("host metadata")
                    .doesNotContain("WARN")
                    .doesNotContain(right);
            assertThat(emulator.requestLog()).noneMatch(line -> line.contains("databricks-config"));
        }
    }

    @Test
    void databricksWithoutWritePermissionNamesThePath() throws Exception {
        String token = secret("dapi");
        try (WorkspaceEmulator emulator = WorkspaceEmulator.start(token)) {
            emulator.inject(Fault.status(
                    call -> call.kind() == Kind.MKDIRS || call.kind() == Kind.IMPORT_FILE,
                    1000,
                    403,
                    "PERMISSION_DENIED",
                    "User does not have permission."));
            Result r = cli(Map.of("DATABRICKS_TOKEN", token), databricks(emulator.host()));
            assertThat(r.code()).as(r.toString()).isEqualTo(1);
            assertThat(r.all())
                    .contains("the token for " + emulator.host() + " lacks permission for /Users/"
                            + WorkspaceEmulator.USER + "/projects/errors")
                    .contains("HTTP 403")
                    .doesNotContain(token);
            readable(r);
        }
    }

    @Test
    void databricksHostWithoutSchemeIsTakenAsHttpsWithOneNotice() throws Exception {
        String token = secret("dapi");
        Result r = cli(Map.of("DATABRICKS_TOKEN", token), databricks("adb-1234.example.invalid"));
        assertThat(r.all())
                .containsOnlyOnce("'databricks.host' has no scheme; assuming https: https://adb-1234.example.invalid")
                .contains("cannot reach https://adb-1234.example.invalid: the host name does not resolve")
                .doesNotContain(token);
        assertThat(r.code()).as(r.toString()).isEqualTo(1);
        readable(r);
    }

    // ---- git

    private String[] git(String url, String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "run",
                "--source",
                "local",
                "--set",
                "local.path=" + project,
                "--destination",
                "git",
                "--set",
                "git.remote-url=" + url));
        for (String e : extra) {
            args.add("--set");
            args.add(e);
        }
        return args.toArray(String[]::new);
    }

    @Test
    void gitOverHttpsWithoutATokenIsASettingsProblem() throws Exception {
        try (GitHttpServer server = new GitHttpServer(dir.resolve("server"))) {
            server.createRepository("backup");
            String url = server.url("backup");
            Result r = cli(Map.of(), git(url, "git.username=" + GitHttpServer.USER));
            assertThat(r.code()).as(r.toString()).isEqualTo(2);
            assertThat(r.all())
                    .contains("no token for " + url + ": set GIT_TOKEN (or git.token)")
                    .doesNotContain("CredentialsProvider");
            readable(r);

            String wrong = secret("ghp_");
            Result rejected = cli(Map.of("GIT_TOKEN", wrong), git(url, "git.username=" + GitHttpServer.USER));
            assertThat(rejected.code()).as(rejected.toString()).isEqualTo(1);
            assertThat(rejected.all())
                    .contains("rejected the token (HTTP 401)")
                    .contains("git.token (GIT_TOKEN)")
                    .doesNotContain(wrong)
                    .doesNotContain(GitHttpServer.PASSWORD);
            readable(rejected);
        }
    }

    @Test
    void gitHostsThatDoNotResolveOrRefuseAreNamed() throws Exception {
        String token = secret("ghp_");
        Result ssh = cli(Map.of("GIT_TOKEN", token), git("ssh://git@no-such-host.invalid/acme/backup.git"));
        assertThat(ssh.code()).as(ssh.toString()).isEqualTo(1);
        assertThat(ssh.all())
                .contains("cannot resolve no-such-host.invalid")
                .containsOnlyOnce("git.token (GIT_TOKEN) is set but unused")
                .doesNotContain("DefaultConnectFuture")
                .doesNotContain(token);
        readable(ssh);

        Result scp = cli(Map.of(), git("git@no-such-host.invalid:acme/backup.git"));
        assertThat(scp.all()).contains("cannot resolve no-such-host.invalid").doesNotContain("unused");
        readable(scp);

        Result https = cli(Map.of("GIT_TOKEN", token), git("https://no-such-host.invalid/acme/backup.git"));
        assertThat(https.code()).as(https.toString()).isEqualTo(1);
        assertThat(https.all()).contains("cannot resolve no-such-host.invalid").doesNotContain(token);
        readable(https);

        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Result refused = cli(Map.of("GIT_TOKEN", token), git("http://127.0.0.1:" + port + "/acme/backup.git"));
        assertThat(refused.code()).as(refused.toString()).isEqualTo(1);
        assertThat(refused.all())
                .contains("connection refused by 127.0.0.1:" + port)
                .doesNotContain(token);
        readable(refused);
    }

    @Test
    void gitOverSshNamesARefusedKeyAndAnUntrustedHost() throws Exception {
        try (GitSshServer server = new GitSshServer(dir.resolve("ssh"));
                GitSshServer other = new GitSshServer(dir.resolve("other"))) {
            Result key = cli(
                    Map.of(),
                    git(server.url(), "git.ssh-key=" + other.privateKey(), "git.known-hosts=" + server.knownHosts()));
            assertThat(key.code()).as(key.toString()).isEqualTo(1);
            assertThat(key.all()).contains("refused the SSH key").contains("git.ssh-key");
            readable(key);

            Result host = cli(
                    Map.of(),
                    git(
                            server.url(),
                            "git.ssh-key=" + server.privateKey(),
                            "git.known-hosts=" + server.wrongKnownHosts()));
            assertThat(host.code()).as(host.toString()).isEqualTo(1);
            assertThat(host.all()).contains("is not trusted").contains("git.known-hosts");
            readable(host);
        }
    }

    // ---- Windmill

    private String[] windmill(String url, String workspace) {
        return new String[] {
            "run",
            "--source",
            "windmill",
            "--set",
            "windmill.base-url=" + url,
            "--set",
            "windmill.workspace=" + workspace,
            "--destination",
            "directory",
            "--set",
            "directory.path=" + dir.resolve("backup"),
            "--set",
            "directory.state-dir=" + dir.resolve("state")
        };
    }

    @Test
    void windmillMessagesNameTheSeedVariables() throws Exception {
        String token = secret("wm_");
        try (WindmillEmulator emulator = WindmillEmulator.start(token).workspace("admins", Fixtures.fullWorkspace())) {
            Result missing = cli(Map.of(), windmill(emulator.baseUrl(), "admins"));
            assertThat(missing.code()).as(missing.toString()).isEqualTo(2);
            assertThat(missing.all())
                    .contains("windmill.token")
                    .contains("WINDMILL_TOKEN")
                    .doesNotContain("WORKSPACE_SYNC_WINDMILL_TOKEN");
            readable(missing);

            String wrong = secret("wm_");
            Result rejected = cli(Map.of("WINDMILL_TOKEN", wrong), windmill(emulator.baseUrl(), "admins"));
            assertThat(rejected.code()).as(rejected.toString()).isEqualTo(1);
            assertThat(rejected.all())
                    .contains("Windmill rejected the token for " + emulator.baseUrl() + " (HTTP 401)")
                    .contains("WINDMILL_TOKEN")
                    .doesNotContain(wrong)
                    .doesNotContain(token);
            readable(rejected);

            Result unknown = cli(Map.of("WINDMILL_TOKEN", token), windmill(emulator.baseUrl(), "nosuch"));
            assertThat(unknown.code()).as(unknown.toString()).isEqualTo(1);
            assertThat(unknown.all()).contains("'nosuch' was not found").doesNotContain(token);
            readable(unknown);
        }
        Result unresolvable = cli(Map.of("WINDMILL_TOKEN", token), windmill("http://windmill.invalid:8000", "admins"));
        assertThat(unresolvable.code()).as(unresolvable.toString()).isEqualTo(1);
        assertThat(unresolvable.all()).contains("windmill.invalid").contains("cannot be resolved");
        readable(unresolvable);
    }

    // ---- directory

    private String[] directory(Path target, Path state) {
        return new String[] {
            "run",
            "--source",
            "local",
            "--set",
            "local.path=" + project,
            "--destination",
            "directory",
            "--set",
            "directory.path=" + target,
            "--set",
            "directory.state-dir=" + state
        };
    }

    @Test
    void aDirectoryDestinationThatIsAFileIsASettingsProblem() throws Exception {
        Path file = dir.resolve("backup.txt");
        Files.writeString(file, "not a directory\n");
        Result r = cli(Map.of(), directory(file, dir.resolve("state")));
        assertThat(r.code()).as(r.toString()).isEqualTo(2);
        assertThat(r.all()).contains(file + ", a file, not a directory");
        readable(r);

        Path below = file.resolve("deeper");
        Result under = cli(Map.of(), directory(below, dir.resolve("state")));
        assertThat(under.all()).contains(file + " is a file, not a directory");
        readable(under);
    }

    @Test
    void aReadOnlyDestinationSaysPermissionDeniedWithItsPath() throws Exception {
        // Root writes anywhere; the CLI then runs as nobody (setpriv), the way a service account would.
        boolean root = "root".equals(System.getProperty("user.name"));
        assumeTrue(!root || Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs setpriv when run as root");
        List<String> as =
                root ? List.of("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups") : List.of();
        Path target = dir.resolve("readonly");
        Path state = dir.resolve("state-ro");
        Files.createDirectories(target);
        Files.createDirectories(state);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("r-xr-xr-x"));
        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwxrwxrwx"));
        Map<String, String> env = new HashMap<>();
        env.put("HOME", state.toString());
        env.put("XDG_CACHE_HOME", state.toString());
        try {
            Result r = cli(env, as, directory(target, state));
            assertThat(r.code()).as(r.toString()).isEqualTo(1);
            assertThat(r.all()).contains("Permission denied: " + target).doesNotContain(".partial");
            readable(r);
        } finally {
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }
}
