package dev.workspacesync.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.workspacesync.databricks.testing.WorkspaceEmulator;
import dev.workspacesync.databricks.testing.WorkspaceEmulator.Fault;
import dev.workspacesync.databricks.testing.WorkspaceEmulator.Kind;
import dev.workspacesync.examples.internal.HookScript;
import java.io.IOException;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The commit hook as a user installs it: {@code java -jar workspace-sync.jar install-hook} from a build
 * directory that then goes away, and commits by the real {@code git} command line whose hook runs
 * {@code hook-run} in the background against the Databricks workspace emulator. Every commit here waits
 * for its hook's last log line (finished, failed, or nothing to do) before the test goes on, so no
 * detached process outlives the test's directories.
 */
class CommitHookIT {
    private static final String TOKEN = "dapi-hook-it-token-3f9a";
    private static final String ROOT = "/Users/" + WorkspaceEmulator.USER + "/projects/demo";
    private static final Pattern JAR_COPY =
            Pattern.compile("Copied .* to (.*workspace-sync-[^ ]*\\.jar) \\(what the hook runs");

    private Path home;
    private Path tools;
    private Path builtJar;
    private Path project;
    private WorkspaceEmulator emulator;

    @BeforeEach
    void setUp() throws Exception {
        home = Files.createTempDirectory("commit-hook-it").toRealPath();
        emulator = WorkspaceEmulator.start(TOKEN);
        // What ./mvnw package leaves in target/: a jar that ./mvnw clean will take away again.
        builtJar = home.resolve("checkout/sync-examples/target/workspace-sync.jar");
        Files.createDirectories(builtJar.getParent());
        Files.copy(Path.of("target/workspace-sync.jar"), builtJar);
        // A PATH with what git and the hook need, and no java.
        tools = Files.createDirectories(home.resolve("tools"));
        for (String tool : List.of("git", "sh", "dirname", "date", "cat", "touch")) {
            Files.createSymbolicLink(tools.resolve(tool), which(tool));
        }
        project = home.resolve("projects/demo");
        Files.createDirectories(project.resolve("src"));
        git(project, env(), "init", "-q", "-b", "main");
        Files.writeString(project.resolve("src/app.py"), "print('app')\n");
        Files.writeString(project.resolve("analysis.py"), "# Databricks notebook source\nprint(1)\n");
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        emulator.close();
        deleteWithRetries(home, Duration.ofSeconds(30));
    }

    @Test
    void theHookRunsAStableCopyOfTheJarAfterTheBuildIsCleaned() throws Exception {
        Run install = workspaceSync(env(), builtJar, "install-hook");
        Path stable = stableCopy(install);
        assertThat(stable.getParent()).isEqualTo(home.resolve(".local/share/workspace-sync"));
        assertThat(stable).hasSameBinaryContentAs(builtJar);
        Path hook = project.resolve(".git/hooks/post-commit");
        assertThat(Files.readString(hook)).contains(stable.toString()).doesNotContain(builtJar.toString());
        var written = Files.getLastModifiedTime(stable);

        Run again = workspaceSync(env(), builtJar, "install-hook");
        assertThat(again.output()).contains("Already installed: " + stable).contains("Already installed " + hook);
        assertThat(Files.getLastModifiedTime(stable)).isEqualTo(written);
        assertThat(filesIn(stable.getParent())).containsExactly(stable);

        deleteWithRetries(home.resolve("checkout"), Duration.ofSeconds(5)); // ./mvnw clean
        commit(project, env(), "src/app.py", "analysis.py");
        assertThat(lastLine(project)).endsWith(HookScript.FINISHED);
        assertThat(emulator.object(ROOT + "/src/app.py")).isPresent();
        assertThat(emulator.object(ROOT + "/analysis")).isPresent();
        assertThat(hookLog(project)).contains("✓ Synced to").contains("/projects/demo");
        assertThat(home.resolve(".sync-errors.log")).doesNotExist();
    }

    @Test
    void aNewerJarReplacesTheCopyTheHooksRunAndXdgDataHomeIsHonoured() throws Exception {
        Map<String, String> env = env();
        env.put("XDG_DATA_HOME", home.resolve("xdg-data").toString());
        Path first = stableCopy(workspaceSync(env, builtJar, "install-hook"));
        assertThat(first.getParent()).isEqualTo(home.resolve("xdg-data/workspace-sync"));

        Path newer = home.resolve("newer/workspace-sync.jar");
        Files.createDirectories(newer.getParent());
        Files.copy(builtJar, newer);
        try (FileSystem zip = FileSystems.newFileSystem(URI.create("jar:" + newer.toUri()), Map.of())) {
            Files.writeString(zip.getPath("newer.txt"), "a newer build");
        }
        Run update = workspaceSync(env, newer, "install-hook");
        Path second = stableCopy(update);
        assertThat(second).isNotEqualTo(first).hasSameBinaryContentAs(newer);
        assertThat(update.output()).contains("Installed " + project.resolve(".git/hooks/post-commit"));
        assertThat(Files.readString(project.resolve(".git/hooks/post-commit")))
                .contains(second.toString())
                .doesNotContain(first.toString());
        // The older copy stays for hooks that still name it (other repositories, templates already copied).
        assertThat(first).exists();

        Files.delete(newer);
        commit(project, env, "src/app.py");
        assertThat(lastLine(project)).endsWith(HookScript.FINISHED);
        assertThat(emulator.object(ROOT + "/src/app.py")).isPresent();
    }

    @Test
    void aMissingOrBrokenJarIsReportedInTheErrorsLogAndTheCommitStillSucceeds() throws Exception {
        Path stable = stableCopy(workspaceSync(env(), builtJar, "install-hook"));
        Files.delete(stable);
        commit(project, env(), "src/app.py");
        Path errors = home.resolve(".sync-errors.log");
        assertThat(Files.readString(errors))
                .contains(project + ": this commit was not synced: the hook's jar " + stable
                        + " is missing. Run `workspace-sync install-hook` again");
        assertThat(emulator.totalRequests()).isZero();

        // Half a jar: java cannot start it.
        byte[] jar = Files.readAllBytes(builtJar);
        Files.write(stable, Arrays.copyOf(jar, jar.length / 2));
        commit(project, env(), "analysis.py");
        assertThat(Files.readString(errors))
                .containsPattern(Pattern.quote(project.toString())
                        + ": this commit was not synced: the sync process failed to start or crashed \\(exit status 1;"
                        + " see "
                        + Pattern.quote(
                                project.resolve(".git/workspace-sync-hook.log").toString()) + "\\)");
        assertThat(emulator.totalRequests()).isZero();

        // Installing again repairs it, and the next commit syncs everything committed so far.
        Files.delete(stable);
        workspaceSync(env(), builtJar, "install-hook");
        Files.writeString(project.resolve("third.txt"), "3");
        commit(project, env(), "third.txt");
        assertThat(lastLine(project)).endsWith(HookScript.FINISHED);
        assertThat(emulator.object(ROOT + "/src/app.py")).isPresent();
        assertThat(emulator.object(ROOT + "/analysis")).isPresent();
        assertThat(Files.readString(errors).lines()).hasSize(2);
    }

    @Test
    void javaGoneWithNoneOnPathIsReportedAndJavaOnPathIsTheFallback() throws Exception {
        // A JDK that is uninstalled after install-hook recorded it.
        Path jdk = home.resolve("old-jdk/bin/java");
        Files.createDirectories(jdk.getParent());
        Path realJava = Path.of(System.getProperty("java.home"), "bin", "java");
        Files.writeString(jdk, "#!/bin/sh\nexec '" + realJava + "' \"$@\"\n");
        Files.setPosixFilePermissions(jdk, PosixFilePermissions.fromString("rwxr-xr-x"));
        workspaceSync(env(), builtJar, "install-hook", "--java", jdk.toString());
        assertThat(Files.readString(project.resolve(".git/hooks/post-commit"))).contains("java='" + jdk + "'");

        deleteWithRetries(home.resolve("old-jdk"), Duration.ofSeconds(5));
        commit(project, env(), "src/app.py");
        assertThat(lastLine(project)).contains(HookScript.FAILED);
        assertThat(Files.readString(home.resolve(".sync-errors.log")))
                .contains(project + ": this commit was not synced: no java (" + jdk
                        + ", found by install-hook, is gone and there is no java on PATH). Install Java 17 or later,"
                        + " then run `workspace-sync install-hook` again.");
        assertThat(emulator.totalRequests()).isZero();

        Path javaBin = Files.createDirectories(home.resolve("java-bin"));
        Files.createSymbolicLink(javaBin.resolve("java"), realJava);
        Map<String, String> withJava = env();
        withJava.put("PATH", tools + ":" + javaBin);
        commit(project, withJava, "analysis.py");
        assertThat(lastLine(project)).endsWith(HookScript.FINISHED);
        assertThat(hookLog(project)).contains(jdk + " is gone; using " + javaBin.resolve("java") + " from PATH");
        assertThat(emulator.object(ROOT + "/analysis")).isPresent();
        assertThat(Files.readString(home.resolve(".sync-errors.log")).lines()).hasSize(1);
    }

    @Test
    void aSyncProcessKilledMidUploadIsReportedAndTheNextCommitCatchesUp() throws Exception {
        Path stable = stableCopy(workspaceSync(env(), builtJar, "install-hook"));
        CountDownLatch reached = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        emulator.inject(Fault.hold(Fault.kind(Kind.IMPORT_FILE), 1, reached, release));
        int before = lastLines(project);
        git(project, env(), "add", "src/app.py", "analysis.py");
        git(project, env(), "commit", "-q", "-m", "held");
        assertThat(reached.await(120, TimeUnit.SECONDS))
                .as("the upload started")
                .isTrue();
        List<ProcessHandle> syncs = ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().orElse("").contains(stable.toString()))
                .toList();
        assertThat(syncs).hasSize(1);
        syncs.get(0).destroyForcibly(); // SIGKILL, as the OOM killer would
        release.countDown();
        awaitLastLines(project, before + 1);
        assertThat(lastLine(project)).contains(HookScript.FAILED);
        assertThat(Files.readString(home.resolve(".sync-errors.log")))
                .contains(project + ": this commit may not be synced: the sync process was killed by signal 9");

        Files.writeString(project.resolve("third.txt"), "3");
        commit(project, env(), "third.txt");
        assertThat(lastLine(project)).endsWith(HookScript.FINISHED);
        assertThat(emulator.object(ROOT + "/src/app.py")).isPresent();
        assertThat(emulator.object(ROOT + "/analysis")).isPresent();
        assertThat(emulator.object(ROOT + "/third.txt")).isPresent();
    }

    @Test
    void anExistingInitTemplateDirIsKeptAndTheHookGoesIntoIt() throws Exception {
        Path theirs = home.resolve("my-template");
        Path userHook = theirs.resolve("hooks/post-commit");
        Files.createDirectories(userHook.getParent());
        Files.writeString(userHook, "#!/bin/sh\ntouch \"$HOME/their-hook-ran\"\n");
        Files.setPosixFilePermissions(userHook, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path gitconfig = home.resolve(".gitconfig");
        String config = "[init]\n\ttemplateDir = ~/my-template\n";
        Files.writeString(gitconfig, config);

        Run refused = workspaceSync(
                env(),
                builtJar,
                2,
                "install-hook",
                "--template",
                "--template-dir",
                home.resolve("other").toString());
        assertThat(refused.output())
                .contains("init.templateDir in " + gitconfig + " is already " + theirs + ": it was kept");
        assertThat(Files.readString(gitconfig)).isEqualTo(config);
        assertThat(home.resolve("other")).doesNotExist();

        Run install = workspaceSync(env(), builtJar, "install-hook", "--template");
        List<String> templateLines =
                install.output().lines().filter(l -> l.contains("templateDir")).toList();
        assertThat(templateLines)
                .singleElement()
                .asString()
                .startsWith("Installed the hook into " + theirs + ", your init.templateDir (kept as it is); your hook"
                        + " there, now " + theirs.resolve("hooks/post-commit.chained") + ", runs first");
        assertThat(Files.readString(gitconfig)).isEqualTo(config);
        assertThat(Files.readString(userHook)).contains("hook-run");

        Path later = Files.createDirectories(home.resolve("projects/later"));
        git(later, env(), "init", "-q", "-b", "main");
        Files.writeString(later.resolve("notes.txt"), "n");
        commit(later, env(), "notes.txt");
        assertThat(lastLine(later)).endsWith(HookScript.FINISHED);
        assertThat(home.resolve("their-hook-ran")).exists();
        assertThat(emulator.object("/Users/" + WorkspaceEmulator.USER + "/projects/later/notes.txt"))
                .isPresent();
    }

    @Test
    void aTemplateDirThatCannotBeWrittenIsRefusedWithExitCode2() throws Exception {
        Path blocked = Files.writeString(home.resolve("not-a-directory"), "x");
        Path gitconfig = home.resolve(".gitconfig");
        String config = "[init]\n\ttemplateDir = " + blocked + "\n";
        Files.writeString(gitconfig, config);
        Run refused = workspaceSync(env(), builtJar, 2, "install-hook", "--template");
        assertThat(refused.output())
                .contains("Cannot write the git template directory " + blocked)
                .contains("init.templateDir in " + gitconfig + " was kept");
        assertThat(Files.readString(gitconfig)).isEqualTo(config);
    }

    @Test
    void aTemplateHookOutsideTheProjectsDirectoryDoesNothing() throws Exception {
        Run install = workspaceSync(env(), builtJar, "install-hook", "--template");
        assertThat(install.output()).contains("set as init.templateDir");

        Path elsewhere = Files.createDirectories(home.resolve("elsewhere/repo"));
        Path viaDotDot = home.resolve("projects/../outside");
        Files.createDirectories(viaDotDot);
        Path target = Files.createDirectories(home.resolve("linked-target"));
        Path viaLink = Files.createSymbolicLink(home.resolve("projects/linked"), target);
        Path nested = Files.createDirectories(project.resolve("vendor/lib"));
        for (Path repo : List.of(elsewhere, viaDotDot, viaLink, nested)) {
            git(repo, env(), "init", "-q", "-b", "main");
            assertThat(repo.resolve(".git/hooks/post-commit")).content().contains("hook-run");
            Files.writeString(repo.resolve("secret.txt"), "not for the workspace");
            commit(repo, env(), "secret.txt");
            assertThat(lastLine(repo)).as("in %s", repo).endsWith(HookScript.OUTSIDE);
            assertThat(hookLog(repo).lines()).as("in %s", repo).hasSize(1);
        }
        assertThat(emulator.totalRequests()).isZero();
        assertThat(home.resolve(".sync-errors.log")).doesNotExist();

        // The same template in the projects directory syncs.
        Path later = Files.createDirectories(home.resolve("projects/later"));
        git(later, env(), "init", "-q", "-b", "main");
        Files.writeString(later.resolve("notes.txt"), "n");
        commit(later, env(), "notes.txt");
        assertThat(lastLine(later)).endsWith(HookScript.FINISHED);
        assertThat(emulator.object("/Users/" + WorkspaceEmulator.USER + "/projects/later/notes.txt"))
                .isPresent();
    }

    // --- helpers

    private record Run(int exitCode, String output) {}

    private Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("HOME", home.toString());
        env.put("PATH", tools.toString());
        env.put("GIT_CONFIG_NOSYSTEM", "1");
        env.put("GIT_CONFIG_GLOBAL", home.resolve(".gitconfig").toString());
        env.put("GIT_AUTHOR_NAME", "Dev");
        env.put("GIT_AUTHOR_EMAIL", "dev@example.invalid");
        env.put("GIT_COMMITTER_NAME", "Dev");
        env.put("GIT_COMMITTER_EMAIL", "dev@example.invalid");
        env.put("DATABRICKS_HOST", emulator.host());
        env.put("DATABRICKS_TOKEN", TOKEN);
        return env;
    }

    private Run workspaceSync(Map<String, String> env, Path jar, String... args) throws Exception {
        return workspaceSync(env, jar, 0, args);
    }

    /** {@code java -jar JAR ARGS} in a process of its own, with only {@code env}. */
    private Run workspaceSync(Map<String, String> env, Path jar, int expectedExit, String... args) throws Exception {
        List<String> command = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString()));
        command.addAll(List.of(args));
        Path output = home.resolve("workspace-sync-output.txt");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        builder.environment().clear();
        builder.environment().putAll(env);
        Process process = builder.start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String printed = Files.readString(output);
        assertThat(process.exitValue()).as(printed).isEqualTo(expectedExit);
        return new Run(process.exitValue(), printed);
    }

    private static Path stableCopy(Run install) {
        Matcher matcher = JAR_COPY.matcher(install.output());
        assertThat(matcher.find()).as(install.output()).isTrue();
        return Path.of(matcher.group(1));
    }

    private void git(Path dir, Map<String, String> env, String... args) throws Exception {
        List<String> command =
                Stream.concat(Stream.of("git"), Arrays.stream(args)).toList();
        Path output = home.resolve("git-output.txt");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        builder.environment().clear();
        builder.environment().putAll(env);
        Process process = builder.start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue())
                .as("git %s: %s", args, Files.readString(output))
                .isZero();
    }

    /** Commits the files and waits for the hook's last line for this commit. */
    private void commit(Path repo, Map<String, String> env, String... files) throws Exception {
        int before = lastLines(repo);
        List<String> add = new ArrayList<>(List.of("add"));
        add.addAll(List.of(files));
        git(repo, env, add.toArray(String[]::new));
        git(repo, env, "commit", "-q", "-m", "commit " + String.join(" ", files));
        awaitLastLines(repo, before + 1);
    }

    private static void awaitLastLines(Path repo, int count) throws InterruptedException {
        new HookLog(repo).awaitRunsEnded(count);
    }

    private static int lastLines(Path repo) {
        return new HookLog(repo).runsEnded();
    }

    private static String lastLine(Path repo) {
        return new HookLog(repo).lastLine();
    }

    private static String hookLog(Path repo) {
        return new HookLog(repo).text();
    }

    private static List<Path> filesIn(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.sorted().toList();
        }
    }

    private static Path which(String tool) {
        return Arrays.stream(System.getenv("PATH").split(":"))
                .map(dir -> Path.of(dir, tool))
                .filter(Files::isExecutable)
                .findFirst()
                .orElseThrow(() -> new AssertionError(tool + " is not on PATH"));
    }

    private static void deleteWithRetries(Path root, Duration patience) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            try (Stream<Path> paths = Files.walk(root)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(path);
                }
                return;
            } catch (IOException | java.io.UncheckedIOException e) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("something kept writing into " + root + ": " + e, e);
                }
                Thread.sleep(200);
            }
        }
    }
}
