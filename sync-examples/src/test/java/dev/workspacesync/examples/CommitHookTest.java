package dev.workspacesync.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.workspacesync.databricks.testing.WorkspaceEmulator;
import dev.workspacesync.databricks.testing.WorkspaceEmulator.Fault;
import dev.workspacesync.databricks.testing.WorkspaceEmulator.Kind;
import dev.workspacesync.examples.internal.HookScript;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The commit-triggered sync end to end: {@code install-hook}, then commits made by the real {@code git}
 * command line, whose post-commit hook runs {@code hook-run} in the background against the Databricks
 * workspace emulator.
 */
class CommitHookTest {
    private static final String TOKEN = "dapi-hook-test-token-7c1d";
    private static final String ROOT = "/Users/" + WorkspaceEmulator.USER + "/projects/demo";

    // Not a @TempDir: cleanup retries, in case an unexpected hook is still writing when a test fails.
    private Path home;

    private WorkspaceEmulator emulator;
    private Path project;

    @BeforeEach
    void setUp() throws Exception {
        home = Files.createTempDirectory("commit-hook-test");
        emulator = WorkspaceEmulator.start(TOKEN);
        project = home.resolve("projects/demo");
        Files.createDirectories(project);
        git(env(TOKEN), "init", "-q", "-b", "main");
        Files.createDirectories(project.resolve("src"));
        Files.writeString(project.resolve("src/app.py"), "print('app')\n");
        Files.writeString(project.resolve("analysis.py"), "# Databricks notebook source\nprint(1)\n");
        Files.writeString(project.resolve("uncommitted.txt"), "never synced");
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        // Each test waits for its hooks' last log lines; whatever is left is only the emulator and files.
        emulator.close();
        deleteWithRetries(home, Duration.ofSeconds(30));
    }

    private static void deleteWithRetries(Path root, Duration patience) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            try (var paths = Files.walk(root)) {
                for (Path path :
                        paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
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

    private Map<String, String> env(String token) {
        Map<String, String> env = new HashMap<>();
        env.put("HOME", home.toString());
        env.put("GIT_CONFIG_NOSYSTEM", "1");
        env.put("GIT_CONFIG_GLOBAL", home.resolve(".gitconfig").toString());
        env.put("GIT_AUTHOR_NAME", "Dev");
        env.put("GIT_AUTHOR_EMAIL", "dev@example.invalid");
        env.put("GIT_COMMITTER_NAME", "Dev");
        env.put("GIT_COMMITTER_EMAIL", "dev@example.invalid");
        env.put("DATABRICKS_HOST", emulator.host());
        env.put("DATABRICKS_TOKEN", token);
        return env;
    }

    private Process startGit(Map<String, String> env, String... args) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(
                        java.util.stream.Stream.concat(java.util.stream.Stream.of("git"), java.util.Arrays.stream(args))
                                .toList())
                .directory(project.toFile())
                .redirectErrorStream(true)
                .redirectOutput(home.resolve("git-output.txt").toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("DATABRICKS_") || k.startsWith("GIT_"));
        builder.environment().putAll(env);
        return builder.start();
    }

    private void git(Map<String, String> env, String... args) throws Exception {
        Process process = startGit(env, args);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("git %s", List.of(args)).isZero();
    }

    private String installHook(Map<String, String> env) {
        StringWriter out = new StringWriter();
        int code = new WorkspaceSync(env, false)
                .execute(new PrintWriter(out), new PrintWriter(new StringWriter()), "install-hook");
        assertThat(code).isZero();
        // In-process, from target/classes: a development build, and install-hook says what that means.
        assertThat(out.toString())
                .contains("Not running from a jar (classes in ")
                .contains("./mvnw clean");
        return out.toString();
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    @Test
    void aCommitSyncsTheCommittedTreeInTheBackground() throws Exception {
        String installed = installHook(env(TOKEN));
        assertThat(installed).contains("Installed " + project.resolve(".git/hooks/post-commit"));
        assertThat(installHook(env(TOKEN))).contains("Already installed");

        // Hold every upload: the commit must be done while the sync is still waiting.
        CountDownLatch reached = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        emulator.inject(Fault.hold(Fault.kind(Kind.IMPORT_FILE), 100, reached, release));
        git(env(TOKEN), "add", "src/app.py", "analysis.py");
        Process commit = startGit(env(TOKEN), "commit", "-q", "-m", "first");
        assertThat(commit.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(commit.exitValue()).isZero();
        assertThat(reached.await(60, TimeUnit.SECONDS)).as("the sync started").isTrue();
        assertThat(emulator.object(ROOT + "/src/app.py"))
                .as("still held when the commit returned")
                .isEmpty();
        release.countDown();

        await(
                "the sync",
                () -> emulator.object(ROOT + "/src/app.py").isPresent()
                        && emulator.object(ROOT + "/analysis").isPresent());
        assertThat(emulator.object(ROOT + "/analysis").orElseThrow().type())
                .isEqualTo(WorkspaceEmulator.ObjectType.NOTEBOOK);
        assertThat(emulator.object(ROOT + "/uncommitted.txt")).isEmpty();
        HookLog hookLog = new HookLog(project);
        hookLog.awaitRunsEnded(1);
        assertThat(hookLog.lastLine()).endsWith(HookScript.FINISHED);
        assertThat(hookLog.text())
                .contains("✓ Synced to")
                .contains("/projects/demo")
                .doesNotContain(TOKEN);
    }

    @Test
    void aFailedSyncIsLoggedRedactedAndTheNextCommitRetriesIt() throws Exception {
        installHook(env(TOKEN));
        String wrongToken = "dapi-wrong-token-0000";
        git(env(wrongToken), "add", "src/app.py");
        git(env(wrongToken), "commit", "-q", "-m", "first");
        Path errors = home.resolve(".sync-errors.log");
        await("the error log", () -> !read(errors).isBlank());
        assertThat(read(errors))
                .contains(project.toString())
                .doesNotContain(wrongToken)
                .doesNotContain(TOKEN);
        assertThat(emulator.object(ROOT + "/src/app.py")).isEmpty();
        // A commit arriving while the failed sync still holds the repository's lock would be folded into
        // that process, which runs with the environment (the wrong token) it started with.
        HookLog hookLog = new HookLog(project);
        hookLog.awaitRunsEnded(1);

        git(env(TOKEN), "add", "analysis.py");
        git(env(TOKEN), "commit", "-q", "-m", "second");
        await(
                "the retried sync",
                () -> emulator.object(ROOT + "/src/app.py").isPresent()
                        && emulator.object(ROOT + "/analysis").isPresent());
        hookLog.awaitRunsEnded(2);
        assertThat(hookLog.text()).doesNotContain(wrongToken);
    }

    @Test
    void theTemplateGivesRepositoriesCreatedLaterTheHook() throws Exception {
        StringWriter out = new StringWriter();
        int code = new WorkspaceSync(env(TOKEN), false)
                .execute(new PrintWriter(out), new PrintWriter(new StringWriter()), "install-hook", "--template");
        assertThat(code).isZero();
        assertThat(out.toString()).contains("set as init.templateDir");
        assertThat(read(home.resolve(".gitconfig"))).contains("templateDir");

        Path later = home.resolve("projects/later");
        Files.createDirectories(later);
        ProcessBuilder init = new ProcessBuilder("git", "init", "-q").directory(later.toFile());
        init.environment().keySet().removeIf(k -> k.startsWith("GIT_"));
        init.environment().putAll(env(TOKEN));
        assertThat(init.start().waitFor()).isZero();
        assertThat(read(later.resolve(".git/hooks/post-commit"))).contains("hook-run");

        // The template's hook in a repository outside ~/projects does nothing: no upload, no error.
        Path elsewhere = home.resolve("elsewhere");
        Files.createDirectories(elsewhere);
        ProcessBuilder initElsewhere = new ProcessBuilder("git", "init", "-q").directory(elsewhere.toFile());
        initElsewhere.environment().keySet().removeIf(k -> k.startsWith("GIT_"));
        initElsewhere.environment().putAll(env(TOKEN));
        assertThat(initElsewhere.start().waitFor()).isZero();
        Files.writeString(elsewhere.resolve("private.txt"), "not for the workspace");
        project = elsewhere;
        git(env(TOKEN), "add", "private.txt");
        git(env(TOKEN), "commit", "-q", "-m", "first");
        HookLog hookLog = new HookLog(elsewhere);
        hookLog.awaitRunsEnded(1);
        assertThat(hookLog.lastLine()).endsWith(HookScript.OUTSIDE);
        assertThat(emulator.totalRequests()).isZero();
        assertThat(home.resolve(".sync-errors.log")).doesNotExist();
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "";
        }
    }
}
