package dev.workspacesync.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.workspacesync.databricks.testing.WorkspaceEmulator;
import dev.workspacesync.git.testing.GitHttpServer;
import dev.workspacesync.git.testing.GitTesting;
import dev.workspacesync.windmill.testing.Fixtures;
import dev.workspacesync.windmill.testing.WindmillEmulator;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.transport.URIish;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code doctor} through the picocli main against the real test servers: a JGit smart-HTTP server, the
 * Databricks workspace emulator (with the real SDK) and the Windmill emulator. Every case also shows that
 * nothing was written: no push request, no Databricks write, only Windmill GETs, no local directory.
 */
class DoctorCommandTest {
    private static final String DATABRICKS_TOKEN = "dapi-doctor-token-8086";
    private static final String WINDMILL_TOKEN = "wm-doctor-token-6502";
    private static final String BAD_TOKEN = "wrong-token-zx81-secret";

    @TempDir
    Path dir;

    private GitHttpServer git;
    private WorkspaceEmulator databricks;
    private WindmillEmulator windmill;

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
        Path bare = git.createRepository("backup");
        git.createRepository("empty");
        // One commit on main, pushed over file:// so the HTTP server has seen no push at all.
        Path work = dir.resolve("seed");
        try (Git seed =
                Git.init().setDirectory(work.toFile()).setInitialBranch("main").call()) {
            GitTesting.write(work, "README.md", "# backup\n");
            seed.add().addFilepattern(".").call();
            seed.commit()
                    .setMessage("seed")
                    .setAuthor("t", "t@example.com")
                    .setCommitter("t", "t@example.com")
                    .call();
            seed.remoteAdd()
                    .setName("origin")
                    .setUri(new URIish(bare.toUri().toString()))
                    .call();
            seed.push().setRemote("origin").add("main").call();
        }
        databricks = WorkspaceEmulator.start(DATABRICKS_TOKEN);
        databricks.putFile("/Users/" + WorkspaceEmulator.USER + "/backup/keep.txt", "kept".getBytes());
        windmill = WindmillEmulator.start(WINDMILL_TOKEN).workspace("admins", Fixtures.fullWorkspace());
        Files.createDirectories(dir.resolve("project"));
        GitTesting.write(dir.resolve("project"), "a.txt", "a");
    }

    @AfterEach
    void stop() throws Exception {
        git.close();
        databricks.close();
        windmill.close();
    }

    private record Result(int code, String out, String err) {
        List<String> lines() {
            return out.lines().toList();
        }

        String all() {
            return out + err;
        }
    }

    private Result doctor(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of("doctor"));
        all.addAll(List.of(args));
        int code = new WorkspaceSync(env, false)
                .execute(new PrintWriter(out), new PrintWriter(err), all.toArray(String[]::new));
        return new Result(code, out.toString(), err.toString());
    }

    private String[] gitArgs(String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "--destination", "git",
                "--set", "git.username=" + GitHttpServer.USER,
                "--set", "git.work-dir=" + dir.resolve("clone")));
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    private void assertNothingWritten() {
        assertThat(git.receivePackRequests()).as("push requests").isZero();
        assertThat(databricks.mutatingRequests()).as("Databricks writes").isZero();
        assertThat(windmill.requests()).allSatisfy(r -> assertThat(r.method()).isEqualTo("GET"));
        assertThat(dir.resolve("clone")).doesNotExist();
        assertThat(dir.resolve("dbstate")).doesNotExist();
        assertThat(dir.resolve("mirror")).doesNotExist();
    }

    // ---- git

    @Test
    void gitWithAGoodTokenReachesTheRemoteAndTheBranch() {
        Result r = doctor(Map.of("GIT_TOKEN", GitHttpServer.PASSWORD, "GIT_REMOTE_URL", git.url("backup")), gitArgs());
        assertThat(r.code()).as(r.all()).isZero();
        assertThat(r.lines())
                .contains("✓ git: reached " + git.url("backup") + " (ls-remote, branch main exists)")
                .anyMatch(l -> l.startsWith("! git: push permission cannot be known without pushing"))
                .anyMatch(l -> l.startsWith("✓ git: cached clone " + dir.resolve("clone") + " does not exist yet"));
        assertThat(r.lines().get(r.lines().size() - 1)).startsWith("All 3 checks passed (1 to note)");
        assertThat(git.requests()).isPositive();
        assertThat(r.all()).doesNotContain(GitHttpServer.PASSWORD);
        assertNothingWritten();
    }

    @Test
    void aLocalRemoteShowsWhetherThisUserMayWriteIt() {
        Path bare = git.directory("backup");
        Result r = doctor(Map.of("GIT_REMOTE_URL", bare.toUri().toString()), gitArgs());
        assertThat(r.code()).as(r.all()).isZero();
        assertThat(r.lines())
                .anyMatch(l -> l.startsWith("✓ git: reached file:") && l.endsWith("(ls-remote, branch main exists)"))
                .contains("✓ git: this user may write the local repository " + bare);
        assertNothingWritten();
    }

    @Test
    void theCheckAliasAndJsonGiveTheList() throws Exception {
        Result r = doctor(
                Map.of("GIT_TOKEN", GitHttpServer.PASSWORD),
                "--json",
                "--set",
                "git.remote-url=" + git.url("backup"),
                "--destination",
                "git",
                "--set",
                "git.username=" + GitHttpServer.USER,
                "--set",
                "git.work-dir=" + dir.resolve("clone"));
        assertThat(r.code()).as(r.all()).isZero();
        StringWriter out = new StringWriter();
        int code = new WorkspaceSync(Map.of("GIT_TOKEN", GitHttpServer.PASSWORD), false)
                .execute(
                        new PrintWriter(out),
                        new PrintWriter(new StringWriter()),
                        "check",
                        "--json",
                        "--destination",
                        "git",
                        "--set",
                        "git.remote-url=" + git.url("backup"),
                        "--set",
                        "git.username=" + GitHttpServer.USER,
                        "--set",
                        "git.work-dir=" + dir.resolve("clone"));
        assertThat(code).isZero();
        for (String printed : List.of(r.out(), out.toString())) {
            assertThat(printed.lines().count()).isEqualTo(1);
            JsonNode json = new ObjectMapper().readTree(printed);
            assertThat(json.get("ok").asBoolean()).isTrue();
            assertThat(json.get("checks")).hasSize(3);
            JsonNode first = json.get("checks").get(0);
            assertThat(first.get("role").asText()).isEqualTo("destination");
            assertThat(first.get("name").asText()).isEqualTo("git");
            assertThat(first.get("status").asText()).isEqualTo("PASSED");
            assertThat(first.get("detail").asText()).contains("branch main exists");
            assertThat(json.get("checks").get(1).get("status").asText()).isEqualTo("WARNING");
        }
        assertNothingWritten();
    }

    @Test
    void gitWithABadTokenSaysWhichVariableToSet() {
        Result r = doctor(Map.of("GIT_TOKEN", BAD_TOKEN, "GIT_REMOTE_URL", git.url("backup")), gitArgs());
        assertThat(r.code()).as(r.all()).isEqualTo(1);
        assertThat(r.lines())
                .anyMatch(l ->
                        l.startsWith("✗ git: token rejected by " + git.url("backup") + " (HTTP 401) — set GIT_TOKEN"));
        assertThat(r.lines().get(r.lines().size() - 1)).isEqualTo("1 of 1 checks failed; nothing was changed.");
        assertThat(r.all()).doesNotContain(BAD_TOKEN);
        assertNothingWritten();
    }

    @Test
    void gitWithoutATokenAsksForOne() {
        Result r = doctor(Map.of("GIT_REMOTE_URL", git.url("backup")), gitArgs());
        assertThat(r.code()).as(r.all()).isEqualTo(1);
        assertThat(r.lines())
                .anyMatch(l -> l.startsWith("✗ git: no token for " + git.url("backup"))
                        && l.endsWith("— set GIT_TOKEN (or git.token)"));
        assertNothingWritten();
    }

    @Test
    void aMissingBranchIsAWarningThatNamesTheExistingOnes() {
        Result r = doctor(
                Map.of("GIT_TOKEN", GitHttpServer.PASSWORD, "GIT_REMOTE_URL", git.url("backup"), "GIT_BRANCH", "mian"),
                gitArgs());
        assertThat(r.code()).as(r.all()).isZero();
        assertThat(r.lines())
                .anyMatch(l -> l.startsWith(
                                "! git: reached " + git.url("backup")
                                        + " (ls-remote): branch mian does not exist yet; the first run creates it (existing: main)")
                        && l.endsWith("— if you meant an existing branch, set git.branch (GIT_BRANCH)"));
        Result empty =
                doctor(Map.of("GIT_TOKEN", GitHttpServer.PASSWORD, "GIT_REMOTE_URL", git.url("empty")), gitArgs());
        assertThat(empty.code()).as(empty.all()).isZero();
        assertThat(empty.lines())
                .anyMatch(l -> l.contains("the repository is empty; the first run creates branch main"));
        assertNothingWritten();
    }

    @Test
    void anUnreachablePortOrAMissingRepositoryFails() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        String url = "http://127.0.0.1:" + port + "/git/backup";
        Result r = doctor(Map.of("GIT_TOKEN", GitHttpServer.PASSWORD, "GIT_REMOTE_URL", url), gitArgs());
        assertThat(r.code()).as(r.all()).isEqualTo(1);
        assertThat(r.lines())
                .anyMatch(l -> l.equals("✗ git: cannot reach " + url
                        + ": connection refused — check git.remote-url and that the server is up"));
        Result missing =
                doctor(Map.of("GIT_TOKEN", GitHttpServer.PASSWORD, "GIT_REMOTE_URL", git.url("nope")), gitArgs());
        assertThat(missing.code()).as(missing.all()).isEqualTo(1);
        assertThat(missing.lines()).anyMatch(l -> l.startsWith("✗ git: no repository at " + git.url("nope")));
        assertNothingWritten();
    }

    // ---- databricks

    private String[] databricksArgs(String token, String root) {
        List<String> args = new ArrayList<>(List.of(
                "--destination", "databricks",
                "--set", "databricks.host=" + databricks.host(),
                "--set", "databricks.token=" + token,
                "--set", "databricks.state-dir=" + dir.resolve("dbstate")));
        if (root != null) {
            args.addAll(List.of("--set", "databricks.root=" + root));
        }
        return args.toArray(String[]::new);
    }

    @Test
    void databricksWithAGoodTokenFindsTheUserAndTheFolder() {
        String root = "/Workspace/Users/" + WorkspaceEmulator.USER + "/backup";
        Result r = doctor(Map.of(), databricksArgs(DATABRICKS_TOKEN, root));
        assertThat(r.code()).as(r.all()).isZero();
        assertThat(r.lines())
                .containsExactly(
                        "✓ databricks: token accepted by " + databricks.host() + " (user " + WorkspaceEmulator.USER
                                + ")",
                        "✓ databricks: folder " + root + " exists (get-status, list: 1 objects)",
                        "✓ databricks: " + root + " is in the home folder of " + WorkspaceEmulator.USER
                                + ", who may write there",
                        "All 3 checks passed; nothing was changed.");
        assertThat(databricks.count(WorkspaceEmulator.Kind.ME)).isPositive();
        assertThat(r.all()).doesNotContain(DATABRICKS_TOKEN);
        assertNothingWritten();
    }

    @Test
    void databricksWithABadTokenSaysWhatToSet() {
        Result r = doctor(Map.of(), databricksArgs(BAD_TOKEN, null));
        assertThat(r.code()).as(r.all()).isEqualTo(1);
        assertThat(r.lines())
                .first()
                .isEqualTo("✗ databricks: token rejected by " + databricks.host()
                        + " (HTTP 401) — set DATABRICKS_TOKEN (databricks.token) to a valid token, or use"
                        + " databricks.profile");
        assertThat(r.all()).doesNotContain(BAD_TOKEN);
        assertNothingWritten();
    }

    @Test
    void aMissingRootNamesItsNearestParentAndSharedFoldersAreAWarning() {
        String root = "/Workspace/Users/" + WorkspaceEmulator.USER + "/projects/new/deeper";
        Result r = doctor(Map.of(), databricksArgs(DATABRICKS_TOKEN, root));
        assertThat(r.code()).as(r.all()).isZero();
        assertThat(r.lines())
                .contains("! databricks: folder " + root
                        + " does not exist yet; the first run creates it in /Workspace/Users/" + WorkspaceEmulator.USER
                        + " — if you meant an existing folder, set databricks.root");
        Result shared = doctor(Map.of(), databricksArgs(DATABRICKS_TOKEN, "/Shared/team"));
        assertThat(shared.code()).as(shared.all()).isZero();
        assertThat(shared.lines())
                .contains(
                        "! databricks: write permission on /Shared/team cannot be shown by a read; the first run shows"
                                + " it — make sure " + WorkspaceEmulator.USER
                                + " has CAN_EDIT or CAN_MANAGE on /Shared/team");
        Result file = doctor(
                Map.of(), databricksArgs(DATABRICKS_TOKEN, "/Users/" + WorkspaceEmulator.USER + "/backup/keep.txt"));
        assertThat(file.code()).as(file.all()).isEqualTo(1);
        assertThat(file.lines())
                .anyMatch(l -> l.startsWith(
                        "✗ databricks: /Users/" + WorkspaceEmulator.USER + "/backup/keep.txt is a FILE, not a folder"));
        assertNothingWritten();
    }

    // ---- windmill

    private String[] windmillArgs(String workspace) {
        return new String[] {"--source", "windmill", "--set", "windmill.workspace=" + workspace};
    }

    private Map<String, String> windmillEnv(String token) {
        return Map.of("WINDMILL_BASE_URL", windmill.baseUrl(), "WINDMILL_TOKEN", token);
    }

    @Test
    void windmillWithAGoodTokenReadsWhoamiTheWorkspaceAndTheExport() {
        Result r = doctor(windmillEnv(WINDMILL_TOKEN), windmillArgs("admins"));
        assertThat(r.code()).as(r.all()).isZero();
        assertThat(r.lines())
                .containsExactly(
                        "✓ windmill: token accepted by " + windmill.baseUrl() + " (admin@windmill.dev)",
                        "✓ windmill: workspace admins exists; signed in as admin (a workspace admin)",
                        "✓ windmill: the export of admins can be read (workspaces/tarball)",
                        "All 3 checks passed; nothing was changed.");
        assertThat(windmill.requests())
                .extracting(WindmillEmulator.Request::path)
                .contains("/api/users/whoami", "/api/w/admins/users/whoami", "/api/w/admins/workspaces/tarball");
        assertThat(r.all()).doesNotContain(WINDMILL_TOKEN);
        assertNothingWritten();
    }

    @Test
    void windmillWithABadTokenOrAMissingWorkspaceSaysWhatToSet() {
        Result bad = doctor(windmillEnv(BAD_TOKEN), windmillArgs("admins"));
        assertThat(bad.code()).as(bad.all()).isEqualTo(1);
        assertThat(bad.lines())
                .first()
                .isEqualTo("✗ windmill: token rejected by " + windmill.baseUrl()
                        + " (HTTP 401) — set WINDMILL_TOKEN (windmill.token) to a valid token (Windmill: User settings >"
                        + " Tokens)");
        assertThat(bad.all()).doesNotContain(BAD_TOKEN);
        Result missing = doctor(windmillEnv(WINDMILL_TOKEN), windmillArgs("nope"));
        assertThat(missing.code()).as(missing.all()).isEqualTo(1);
        windmill.failNext(1, 503);
        Result failing = doctor(windmillEnv(WINDMILL_TOKEN), windmillArgs("admins"));
        assertThat(failing.code()).as(failing.all()).isEqualTo(1);
        assertThat(failing.lines())
                .first()
                .isEqualTo("✗ windmill: " + windmill.baseUrl() + " answered HTTP 503 to /api/users/whoami: emulated"
                        + " failure — the server has a problem; try again later");
        assertThat(missing.lines())
                .contains("✗ windmill: no workspace 'nope' at " + windmill.baseUrl()
                        + " (HTTP 404) — set WINDMILL_WORKSPACE (windmill.workspace) to an existing workspace id");
        assertNothingWritten();
    }

    // ---- local and directory

    @Test
    void localAndDirectoryChecksReadTheFileSystemOnly() throws Exception {
        Path mirror = dir.resolve("mirror");
        Result r = doctor(
                Map.of(),
                "--source",
                "local",
                "--set",
                "local.path=" + dir.resolve("project"),
                "--destination",
                "directory",
                "--set",
                "directory.path=" + mirror,
                "--set",
                "directory.state-dir=" + dir.resolve("dbstate"));
        assertThat(r.code()).as(r.all()).isZero();
        assertThat(r.lines())
                .contains(
                        "✓ local: directory " + dir.resolve("project") + " is readable (1 entries at the top)",
                        "✓ directory: " + mirror + " (the mirror) does not exist yet; the first run creates it in "
                                + dir + " (writable)");
        Result committed = doctor(
                Map.of(),
                "--source",
                "local",
                "--set",
                "local.path=" + dir.resolve("project"),
                "--set",
                "local.mode=committed");
        assertThat(committed.code()).as(committed.all()).isEqualTo(1);
        assertThat(committed.lines())
                .anyMatch(l -> l.contains("is not in a git repository, and local.mode=committed reads a commit"));
        Files.writeString(dir.resolve("a-file"), "x");
        Result notADirectory = doctor(
                Map.of(),
                "--destination",
                "directory",
                "--set",
                "directory.path=" + dir.resolve("a-file/mirror"),
                "--set",
                "directory.state-dir=" + dir.resolve("dbstate"));
        assertThat(notADirectory.code()).as(notADirectory.all()).isEqualTo(1);
        assertThat(notADirectory.lines())
                .anyMatch(l -> l.startsWith("✗ directory: " + dir.resolve("a-file/mirror") + " (the mirror) cannot be"
                        + " created: " + dir.resolve("a-file") + " is not a directory"));
        Result missing = doctor(Map.of(), "--source", "local", "--set", "local.path=" + dir.resolve("gone"));
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.lines())
                .first()
                .isEqualTo("✗ local: no such directory: " + dir.resolve("gone")
                        + " — set local.path to the project directory");
        assertNothingWritten();
    }

    // ---- settings

    @Test
    void settingsErrorsExitTwo() throws Exception {
        assertThat(doctor(Map.of()).code()).isEqualTo(2);
        Result unknown = doctor(Map.of(), "--destination", "gti");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("Unknown destination type 'gti'");
        Result missing = doctor(Map.of(), "--json", "--destination", "git");
        assertThat(missing.code()).isEqualTo(2);
        JsonNode json = new ObjectMapper().readTree(missing.out());
        assertThat(json.get("ok").asBoolean()).isFalse();
        assertThat(json.get("error").asText()).contains("git.remote-url");
        assertThat(doctor(Map.of(), "--help").code()).isZero();
    }

    // ---- every mix of good and bad

    static List<Long> seeds() {
        long base = Long.getLong("doctor.seed", System.nanoTime());
        System.out.println("DoctorCommandTest seed base: " + base);
        return List.of(base, base + 1, base + 2, base + 3);
    }

    /**
     * Random mixes of one source and several destinations, each good or broken in one of its ways: the
     * exit code is 1 exactly when one is broken, each broken one says so in a failed line, no secret is
     * printed, and nothing is written anywhere.
     */
    @ParameterizedTest
    @MethodSource("seeds")
    void randomMixesFailExactlyWhenSomethingIsBroken(long seed) throws Exception {
        SplittableRandom random = new SplittableRandom(seed);
        Map<String, String> env = new HashMap<>();
        List<String> args = new ArrayList<>();
        List<String> broken = new ArrayList<>();
        boolean windmillBad = random.nextBoolean();
        String wmToken = windmillBad && random.nextBoolean() ? BAD_TOKEN + random.nextInt(1000) : WINDMILL_TOKEN;
        String workspace = windmillBad && wmToken.equals(WINDMILL_TOKEN) ? "ws" + random.nextInt(1000) : "admins";
        env.putAll(windmillEnv(wmToken));
        args.addAll(List.of(windmillArgs(workspace)));
        if (windmillBad) {
            broken.add("windmill");
        }
        if (random.nextBoolean()) {
            boolean bad = random.nextBoolean();
            String token = bad ? BAD_TOKEN + random.nextInt(1000) : GitHttpServer.PASSWORD;
            env.put("GIT_TOKEN", token);
            env.put("GIT_REMOTE_URL", git.url(random.nextBoolean() ? "backup" : "empty"));
            env.put("GIT_BRANCH", random.nextBoolean() ? "main" : "b" + random.nextInt(100));
            args.addAll(List.of(gitArgs()));
            if (bad) {
                broken.add("git");
            }
        }
        if (random.nextBoolean()) {
            boolean bad = random.nextBoolean();
            String root = random.nextBoolean()
                    ? "/Users/" + WorkspaceEmulator.USER + "/backup"
                    : "/Users/" + WorkspaceEmulator.USER + "/r" + random.nextInt(1000);
            args.addAll(List.of(databricksArgs(bad ? BAD_TOKEN + random.nextInt(1000) : DATABRICKS_TOKEN, root)));
            if (bad) {
                broken.add("databricks");
            }
        }
        Result r = doctor(env, args.toArray(String[]::new));
        assertThat(r.code()).as(seed + "\n" + r.all()).isEqualTo(broken.isEmpty() ? 0 : 1);
        for (String name : List.of("windmill", "git", "databricks")) {
            assertThat(r.lines().stream().anyMatch(l -> l.startsWith("✗ " + name + ":")))
                    .as(seed + " " + name + "\n" + r.all())
                    .isEqualTo(broken.contains(name));
        }
        assertThat(r.all())
                .doesNotContain(BAD_TOKEN)
                .doesNotContain(WINDMILL_TOKEN)
                .doesNotContain(DATABRICKS_TOKEN);
        assertThat(r.all()).doesNotContain(GitHttpServer.PASSWORD);
        assertNothingWritten();
    }
}
