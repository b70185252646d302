package dev.workspacesync.git;

import static dev.workspacesync.git.testing.GitTesting.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.workspacesync.core.Snapshot;
import dev.workspacesync.core.SnapshotEntry;
import dev.workspacesync.core.SourceException;
import dev.workspacesync.core.testing.CapturedOutput;
import dev.workspacesync.git.testing.GitTesting;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalProjectSourceTest {
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

    private static List<String> paths(Snapshot snapshot) {
        return snapshot.entries().stream().map(e -> e.path().value()).toList();
    }

    private static String content(SnapshotEntry entry) throws IOException {
        try (InputStream in = entry.open()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private Path repo() throws Exception {
        Path project = tmp.resolve("project");
        Files.createDirectories(project);
        Git.init()
                .setDirectory(project.toFile())
                .setInitialBranch("main")
                .call()
                .close();
        return project;
    }

    @Test
    void workingTreeHonoursNestedGitignoreNegationAndInfoExclude() throws Exception {
        Path project = repo();
        write(project, ".gitignore", "*.log\nbuild/\n!keep.log\n");
        write(project, "app.py", "print(1)\n");
        write(project, "debug.log", "x");
        write(project, "keep.log", "kept by negation");
        write(project, "build/out.bin", "x");
        write(project, "docs/.gitignore", "*.tmp\n!important.tmp\n");
        write(project, "docs/a.md", "a");
        write(project, "docs/scratch.tmp", "x");
        write(project, "docs/important.tmp", "kept");
        write(project, "src/deep/b.tmp", "not ignored outside docs");
        write(project, ".git/info/exclude", "secret-notes.txt\n");
        write(project, "secret-notes.txt", "x");
        write(project, "sub/secret-notes.txt", "x");

        try (LocalProjectSource source = LocalProjectSource.builder(project).build()) {
            Snapshot snapshot = source.snapshot();
            assertThat(paths(snapshot))
                    .containsExactly(
                            ".gitignore",
                            "app.py",
                            "docs/.gitignore",
                            "docs/a.md",
                            "docs/important.tmp",
                            "keep.log",
                            "src/deep/b.tmp");
            assertThat(snapshot.entries())
                    .allSatisfy(e -> assertThat(e.modified()).isPresent());
            assertThat(snapshot.revision()).isEmpty();
            assertThat(snapshot.attributes()).containsEntry("project", "project");
        }
    }

    @Test
    void coreExcludesFileApplies() throws Exception {
        Path project = repo();
        Path excludes = write(tmp, "global-ignore", "*.bak\n");
        try (Git git = Git.open(project.toFile())) {
            git.getRepository().getConfig().setString("core", null, "excludesFile", excludes.toString());
            git.getRepository().getConfig().save();
        }
        write(project, "a.txt", "a");
        write(project, "a.txt.bak", "b");
        try (LocalProjectSource source = LocalProjectSource.builder(project).build()) {
            assertThat(paths(source.snapshot())).containsExactly("a.txt");
        }
    }

    @Test
    void nonRepositoryDirectoryStillHonoursGitignoreFiles() throws Exception {
        Path dir = tmp.resolve("plain");
        write(dir, ".gitignore", "*.log\n");
        write(dir, "nested/.gitignore", "cache/\n");
        write(dir, "nested/cache/x", "x");
        write(dir, "nested/y.txt", "y");
        write(dir, "z.log", "z");
        write(dir, "nested/inner/.git/config", "a nested repo's git dir is never listed");
        write(dir, "nested/inner/file.txt", "f");
        try (LocalProjectSource source = LocalProjectSource.builder(dir).build()) {
            assertThat(paths(source.snapshot()))
                    .containsExactly(".gitignore", "nested/.gitignore", "nested/inner/file.txt", "nested/y.txt");
        }
    }

    @Test
    void symlinksLeavingTheRootAreSkippedAndSaidSoAtDebugLevel() throws Exception {
        Path project = repo();
        Path outside = write(tmp, "outside/secret.txt", "outside the project");
        write(project, "real.txt", "inside");
        Files.createSymbolicLink(project.resolve("escape.txt"), outside);
        Files.createSymbolicLink(project.resolve("escape-dir"), outside.getParent());
        Files.createSymbolicLink(project.resolve("alias.txt"), project.resolve("real.txt"));
        try (CapturedOutput output = new CapturedOutput();
                LocalProjectSource source = LocalProjectSource.builder(project).build()) {
            Snapshot snapshot = source.snapshot();
            assertThat(paths(snapshot)).containsExactly("alias.txt", "real.txt");
            assertThat(content(snapshot.entry(dev.workspacesync.core.SyncPath.of("alias.txt"))
                            .orElseThrow()))
                    .isEqualTo("inside");
            assertThat(output.text()).contains("escape.txt").contains("points outside the project");
        }
    }

    @Test
    void includeAndExcludePatternsWithExcludeWinning() throws Exception {
        Path project = repo();
        write(project, "src/a.py", "a");
        write(project, "src/gen/b.py", "b");
        write(project, "docs/c.md", "c");
        write(project, "top.py", "t");
        try (LocalProjectSource source = LocalProjectSource.builder(project)
                .include(List.of("src/", "*.md"))
                .exclude(List.of("gen/"))
                .build()) {
            assertThat(paths(source.snapshot())).containsExactly("docs/c.md", "src/a.py");
        }
    }

    @Test
    void executableBitIsCarried() throws Exception {
        Path project = repo();
        Path script = write(project, "run.sh", "#!/bin/sh\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        write(project, "plain.txt", "p");
        try (LocalProjectSource source = LocalProjectSource.builder(project).build()) {
            Snapshot snapshot = source.snapshot();
            assertThat(snapshot.entries()).extracting(SnapshotEntry::executable).containsExactly(false, true);
        }
    }

    @Test
    void committedModeReadsTheCommitAndIgnoresUncommittedEdits() throws Exception {
        Path project = repo();
        write(project, "a.txt", "committed");
        Path script = write(project, "bin/tool", "#!/bin/sh\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        String commitId;
        try (Git git = Git.open(project.toFile())) {
            git.add().addFilepattern(".").call();
            commitId = git.commit()
                    .setMessage("one")
                    .setSign(false)
                    .setAuthor("T", "t@example.invalid")
                    .call()
                    .name();
        }
        write(project, "a.txt", "uncommitted edit");
        write(project, "new.txt", "untracked");
        try (LocalProjectSource source = LocalProjectSource.builder(project)
                .mode(LocalProjectSource.Mode.COMMITTED)
                .build()) {
            Snapshot snapshot = source.snapshot();
            assertThat(paths(snapshot)).containsExactly("a.txt", "bin/tool");
            assertThat(content(snapshot.entries().get(0))).isEqualTo("committed");
            assertThat(snapshot.entries().get(0).size()).isEqualTo("committed".length());
            assertThat(snapshot.entries().get(1).executable()).isTrue();
            assertThat(snapshot.revision()).contains(commitId);
            assertThat(snapshot.attributes()).containsEntry("commit", commitId);
        }
    }

    @Test
    void committedModeOfASubdirectory() throws Exception {
        Path project = repo();
        write(project, "sub/x.txt", "x");
        write(project, "other.txt", "o");
        try (Git git = Git.open(project.toFile())) {
            git.add().addFilepattern(".").call();
            git.commit().setMessage("one").setSign(false).call();
        }
        try (LocalProjectSource source = LocalProjectSource.builder(project.resolve("sub"))
                .mode(LocalProjectSource.Mode.COMMITTED)
                .build()) {
            assertThat(paths(source.snapshot())).containsExactly("x.txt");
        }
    }

    @Test
    void committedModeWithoutCommitsOrRepositoryFailsClearly() throws Exception {
        Path project = repo();
        try (LocalProjectSource source = LocalProjectSource.builder(project)
                .mode(LocalProjectSource.Mode.COMMITTED)
                .build()) {
            assertThatThrownBy(source::snapshot)
                    .isInstanceOf(SourceException.class)
                    .hasMessageContaining("HEAD");
        }
        Path plain = Files.createDirectories(tmp.resolve("plain"));
        try (LocalProjectSource source = LocalProjectSource.builder(plain)
                .mode(LocalProjectSource.Mode.COMMITTED)
                .build()) {
            assertThatThrownBy(source::snapshot)
                    .isInstanceOf(SourceException.class)
                    .hasMessageContaining("not in one");
        }
    }

    @Test
    void missingDirectoryFails() {
        try (LocalProjectSource source =
                LocalProjectSource.builder(tmp.resolve("nope")).build()) {
            assertThatThrownBy(source::snapshot)
                    .isInstanceOf(SourceException.class)
                    .hasMessageContaining("does not exist");
        }
    }
}
