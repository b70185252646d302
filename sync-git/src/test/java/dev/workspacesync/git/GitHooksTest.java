package dev.workspacesync.git;

import static dev.workspacesync.git.testing.GitTesting.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.workspacesync.core.SyncConfigException;
import dev.workspacesync.git.testing.GitTesting;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitHooksTest {
    @TempDir
    Path tmp;

    @BeforeAll
    static void isolate() {
        GitTesting.isolateJGit();
    }

    @AfterAll
    static void restore() {
        GitTesting.restoreJGit();
    }

    private Path repo() throws Exception {
        Path repo = tmp.resolve("repo");
        Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call().close();
        return repo;
    }

    @Test
    void installingTwiceChangesNothingTheSecondTime() throws Exception {
        Path repo = repo();
        GitHooks.Installation first = GitHooks.installPostCommitHook(repo, "echo synced");
        assertThat(first.changed()).isTrue();
        assertThat(first.hook()).isEqualTo(repo.resolve(".git/hooks/post-commit"));
        assertThat(Files.isExecutable(first.hook())).isTrue();
        String content = Files.readString(first.hook());
        var modified = Files.getLastModifiedTime(first.hook());

        GitHooks.Installation second = GitHooks.installPostCommitHook(repo, "echo synced");
        assertThat(second.changed()).isFalse();
        assertThat(Files.readString(second.hook())).isEqualTo(content);
        assertThat(Files.getLastModifiedTime(second.hook())).isEqualTo(modified);
        assertThat(second.chained()).isNull();

        GitHooks.Installation other = GitHooks.installPostCommitHook(repo, "echo other");
        assertThat(other.changed()).isTrue();
        assertThat(Files.readString(other.hook())).contains("echo other").doesNotContain("echo synced");
    }

    @Test
    void anExistingUserHookIsChainedNotOverwritten() throws Exception {
        Path repo = repo();
        Path userHook = write(repo, ".git/hooks/post-commit", "#!/bin/sh\necho user hook\n");
        Files.setPosixFilePermissions(userHook, PosixFilePermissions.fromString("rwxr-xr-x"));
        GitHooks.Installation installation = GitHooks.installPostCommitHook(repo, "echo synced");
        assertThat(installation.chained()).isEqualTo(repo.resolve(".git/hooks/" + GitHooks.CHAINED));
        assertThat(installation.chained()).hasContent("#!/bin/sh\necho user hook");
        assertThat(Files.readString(installation.hook())).contains(GitHooks.CHAINED);
        assertThat(GitHooks.installPostCommitHook(repo, "echo synced").changed())
                .isFalse();
    }

    @Test
    void coreHooksPathIsHonoured() throws Exception {
        Path repo = repo();
        try (Git git = Git.open(repo.toFile())) {
            git.getRepository().getConfig().setString("core", null, "hooksPath", "custom-hooks");
            git.getRepository().getConfig().save();
        }
        GitHooks.Installation installation = GitHooks.installPostCommitHook(repo, "echo synced");
        assertThat(installation.hook()).isEqualTo(repo.resolve("custom-hooks/post-commit"));
        assertThat(repo.resolve(".git/hooks/post-commit")).doesNotExist();
    }

    @Test
    void aCommitByTheGitCliTriggersTheCommandWithoutWaitingForIt() throws Exception {
        assumeTrue(GitTesting.gitCliAvailable(), "git is not installed");
        Path home = tmp.resolve("home");
        Path repo = tmp.resolve("cli-repo");
        Files.createDirectories(repo);
        assertThat(GitTesting.git(repo, home, "init", "-q", "-b", "main").exitCode())
                .isZero();
        Path started = tmp.resolve("started");
        Path release = tmp.resolve("release");
        Path finished = tmp.resolve("finished");
        // The command blocks until the test releases it: the commit can only return while it still runs
        // if the hook does not wait for it.
        String command = "touch '" + started + "'; while [ ! -e '" + release + "' ]; do sleep 0.1; done; touch '"
                + finished + "'";
        GitHooks.installPostCommitHook(repo, command);
        write(repo, "a.txt", "a");
        assertThat(GitTesting.git(repo, home, "add", "a.txt").exitCode()).isZero();
        GitTesting.Result commit = GitTesting.git(repo, home, "commit", "-q", "-m", "first");
        assertThat(commit.exitCode()).as(commit.output()).isZero();
        assertThat(finished).doesNotExist();
        await(started);
        Files.createFile(release);
        await(finished);
        assertThat(repo.resolve(".git/workspace-sync-hook.log")).exists();
    }

    @Test
    void templateGivesNewCliRepositoriesTheHook() throws Exception {
        assumeTrue(GitTesting.gitCliAvailable(), "git is not installed");
        Path home = tmp.resolve("home");
        Path globalConfig = home.resolve(".gitconfig");
        GitHooks.Installation installation =
                GitHooks.installTemplate(tmp.resolve("template"), "echo synced", globalConfig, home);
        assertThat(installation.changed()).isTrue();
        assertThat(Files.readString(globalConfig)).contains("templateDir");
        assertThat(GitHooks.installTemplate(tmp.resolve("template"), "echo synced", globalConfig, home)
                        .changed())
                .isFalse();

        Path repo = Files.createDirectories(tmp.resolve("new-repo"));
        assertThat(GitTesting.git(repo, home, "init", "-q").exitCode()).isZero();
        assertThat(repo.resolve(".git/hooks/post-commit")).exists().content().contains("echo synced");
        assertThat(Files.isExecutable(repo.resolve(".git/hooks/post-commit"))).isTrue();
    }

    @Test
    void anExistingTemplateDirIsKeptAndAnotherOneRefused() throws Exception {
        Path home = tmp.resolve("home");
        Path globalConfig = home.resolve(".gitconfig");
        Path theirs = tmp.resolve("their-template");
        Path userHook = write(theirs, "hooks/post-commit", "#!/bin/sh\necho their hook\n");
        Files.setPosixFilePermissions(userHook, PosixFilePermissions.fromString("rwxr-xr-x"));
        String config = "[init]\n\ttemplateDir = " + theirs + "\n[user]\n\tname = Someone\n";
        Files.createDirectories(home);
        Files.writeString(globalConfig, config);

        assertThat(GitHooks.configuredTemplateDir(globalConfig, home)).contains(theirs);
        assertThatThrownBy(() -> GitHooks.installTemplate(tmp.resolve("ours"), "echo synced", globalConfig, home))
                .isInstanceOf(SyncConfigException.class)
                .hasMessageContaining("init.templateDir in " + globalConfig + " is already " + theirs)
                .hasMessageContaining("kept");
        assertThat(tmp.resolve("ours")).doesNotExist();
        assertThat(Files.readString(globalConfig)).isEqualTo(config);

        GitHooks.Installation installation = GitHooks.installTemplate(theirs, "echo synced", globalConfig, home);
        assertThat(installation.chained()).isEqualTo(theirs.resolve("hooks/" + GitHooks.CHAINED));
        assertThat(installation.chained()).hasContent("#!/bin/sh\necho their hook");
        assertThat(Files.readString(installation.hook())).contains("echo synced");
        assertThat(Files.readString(globalConfig)).isEqualTo(config);
    }

    @Test
    void aTildeTemplateDirIsTheSameDirectoryAndARelativeOneIsRefused() throws Exception {
        Path home = tmp.resolve("home");
        Path globalConfig = home.resolve(".gitconfig");
        Files.createDirectories(home);
        Files.writeString(globalConfig, "[init]\n\ttemplateDir = ~/tpl\n");
        assertThat(GitHooks.configuredTemplateDir(globalConfig, home)).contains(home.resolve("tpl"));
        assertThat(GitHooks.installTemplate(home.resolve("tpl"), "echo synced", globalConfig, home)
                        .hook())
                .isEqualTo(home.resolve("tpl/hooks/post-commit"));
        assertThat(globalConfig).content().contains("~/tpl");

        Files.writeString(globalConfig, "[init]\n\ttemplateDir = relative/tpl\n");
        assertThatThrownBy(() -> GitHooks.configuredTemplateDir(globalConfig, home))
                .isInstanceOf(SyncConfigException.class)
                .hasMessageContaining("relative path (relative/tpl)");
    }

    @Test
    void aTemplateDirThatCannotBeWrittenIsRefusedAndTheSettingKept() throws Exception {
        Path home = tmp.resolve("home");
        Path globalConfig = home.resolve(".gitconfig");
        // A regular file where the directory should be: unwritable even for root.
        Path blocked = write(tmp, "not-a-directory", "x");
        Files.createDirectories(home);
        String config = "[init]\n\ttemplateDir = " + blocked + "\n";
        Files.writeString(globalConfig, config);
        assertThatThrownBy(() -> GitHooks.installTemplate(blocked, "echo synced", globalConfig, home))
                .isInstanceOf(SyncConfigException.class)
                .hasMessageContaining("Cannot write the git template directory " + blocked)
                .hasMessageContaining("init.templateDir in " + globalConfig + " was kept");
        assertThat(Files.readString(globalConfig)).isEqualTo(config);
    }

    @Test
    void theCommandRunsAsAFunctionBodyWithTheHookLogAtHand() throws Exception {
        assumeTrue(GitTesting.gitCliAvailable(), "git is not installed");
        Path home = tmp.resolve("home");
        Path repo = tmp.resolve("body-repo");
        Files.createDirectories(repo);
        assertThat(GitTesting.git(repo, home, "init", "-q", "-b", "main").exitCode())
                .isZero();
        Path done = tmp.resolve("done");
        // Quotes, a multi-line body and a return: what the workspace-sync hook body uses.
        String command = "x='it'\\''s'\nif [ -n \"$hook_log\" ]; then\n  echo \"$x $hook_log\" > '" + done
                + "'\n  return\nfi\necho never > '" + done + "'";
        GitHooks.installPostCommitHook(repo, command);
        write(repo, "a.txt", "a");
        assertThat(GitTesting.git(repo, home, "add", "a.txt").exitCode()).isZero();
        assertThat(GitTesting.git(repo, home, "commit", "-q", "-m", "first").exitCode())
                .isZero();
        await(done);
        await(() -> Files.readString(done).endsWith("\n"));
        assertThat(Files.readString(done)).isEqualTo("it's .git/workspace-sync-hook.log\n");
    }

    /** Waits for a file the background command creates (bounded, not a timing assertion). */
    private static void await(Path file) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (!Files.exists(file) && Instant.now().isBefore(deadline)) {
            Thread.sleep(50);
        }
        assertThat(file).exists();
    }

    private interface Check {
        boolean holds() throws Exception;
    }

    private static void await(Check check) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (!check.holds() && Instant.now().isBefore(deadline)) {
            Thread.sleep(50);
        }
        assertThat(check.holds()).isTrue();
    }
}
