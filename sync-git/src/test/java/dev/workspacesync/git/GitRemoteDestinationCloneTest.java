package dev.workspacesync.git;

import static dev.workspacesync.git.testing.GitTesting.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.workspacesync.core.DestinationException;
import dev.workspacesync.core.Snapshot;
import dev.workspacesync.core.SnapshotEntry;
import dev.workspacesync.core.SyncPath;
import dev.workspacesync.core.SyncPlan;
import dev.workspacesync.core.spi.Destination;
import dev.workspacesync.core.testing.Seeds;
import dev.workspacesync.git.testing.GitTesting;
import dev.workspacesync.git.testing.GitTesting.TreeFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The cached clone's safety rules, and a property: the pushed tree is exactly the snapshot. */
class GitRemoteDestinationCloneTest {
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

    private Path bareRemote(String name) throws Exception {
        return GitTesting.bareRepository(tmp.resolve(name));
    }

    private static Snapshot snapshot(Map<String, TreeFile> files) {
        List<SnapshotEntry> entries = new ArrayList<>();
        files.forEach((path, file) -> entries.add(SnapshotEntry.ofBytes(
                SyncPath.of(path), file.content().getBytes(StandardCharsets.UTF_8), file.executable(), null)));
        return new Snapshot("generated", null, Instant.now(), Map.of("workspace", "ws"), entries);
    }

    private static void sync(Destination destination, Snapshot snapshot) {
        SyncPlan plan = destination.plan(snapshot);
        destination.apply(plan, Destination.Progress.NONE);
    }

    @Test
    void aNonEmptyDirectoryThatIsNotACloneIsLeftAlone() throws Exception {
        Path remote = bareRemote("remote.git");
        Path workDir = tmp.resolve("work");
        write(workDir, "precious.txt", "user data");
        GitRemoteDestination destination = GitRemoteDestination.builder(
                        remote.toUri().toString())
                .workDir(workDir)
                .build();
        assertThatThrownBy(() -> destination.plan(snapshot(Map.of("a", new TreeFile("a", false)))))
                .isInstanceOf(DestinationException.class)
                .hasMessageContaining(workDir.toString())
                .hasMessageContaining("git.work-dir");
        assertThat(workDir.resolve("precious.txt")).hasContent("user data");
    }

    @Test
    void aCloneOfAnotherRemoteIsLeftAlone() throws Exception {
        Path workDir = tmp.resolve("work");
        GitRemoteDestination first = GitRemoteDestination.builder(
                        bareRemote("one.git").toUri().toString())
                .workDir(workDir)
                .build();
        sync(first, snapshot(Map.of("a", new TreeFile("a", false))));
        GitRemoteDestination second = GitRemoteDestination.builder(
                        bareRemote("two.git").toUri().toString())
                .workDir(workDir)
                .build();
        assertThatThrownBy(() -> second.plan(snapshot(Map.of("a", new TreeFile("a", false)))))
                .isInstanceOf(DestinationException.class)
                .hasMessageContaining("belongs to")
                .hasMessageContaining("one.git")
                .hasMessageContaining(workDir.toString());
        assertThat(workDir.resolve("a")).exists();
    }

    @Test
    void aFreshLockFileMadeAfterTheLastSyncIsLeftAloneAnAbandonedOneIsRemoved() throws Exception {
        Path remote = bareRemote("remote.git");
        Path workDir = tmp.resolve("work");
        GitRemoteDestination destination = GitRemoteDestination.builder(
                        remote.toUri().toString())
                .workDir(workDir)
                .build();
        sync(destination, snapshot(Map.of("a", new TreeFile("a", false))));
        // The last sync ended cleanly; a lock made since is some other program's (a git command by hand).
        Path lock = Files.createFile(workDir.resolve(".git/index.lock"));
        assertThatThrownBy(() -> destination.plan(snapshot(Map.of("a", new TreeFile("b", false)))))
                .isInstanceOf(DestinationException.class)
                .hasMessageContaining(lock.toString())
                .hasMessageContaining("not by workspace-sync")
                .hasMessageContaining("delete");
        assertThat(lock).exists();
        // Old enough, it is taken for abandoned.
        Files.setLastModifiedTime(lock, FileTime.from(Instant.now().minus(Duration.ofHours(1))));
        sync(destination, snapshot(Map.of("a", new TreeFile("b", false))));
        assertThat(lock).doesNotExist();
        assertThat(GitTesting.tree(remote, "main")).isEqualTo(Map.of("a", new TreeFile("b", false)));
    }

    @Test
    void jGitsAutomaticGcRunsInsideTheSyncSoNoGcLockOutlivesIt() throws Exception {
        Path remote = bareRemote("remote.git");
        Path workDir = tmp.resolve("work");
        GitRemoteDestination destination = GitRemoteDestination.builder(
                        remote.toUri().toString())
                .workDir(workDir)
                .build();
        // JGit calls "gc --auto" after every commit: several syncs in a row, each right after the last.
        for (int i = 0; i < 6; i++) {
            sync(destination, snapshot(Map.of("a", new TreeFile("v" + i, false))));
            // A detached gc would take .git/gc.log.lock and free it later on its own thread; the next
            // sync (often another process) would find the clone locked by "someone else".
            assertThat(workDir.resolve(".git/gc.log.lock")).doesNotExist();
        }
        try (org.eclipse.jgit.lib.Repository repo = new org.eclipse.jgit.storage.file.FileRepositoryBuilder()
                .setGitDir(workDir.resolve(".git").toFile())
                .build()) {
            assertThat(repo.getConfig().getBoolean("gc", null, "autoDetach", true))
                    .isFalse();
        }
        assertThat(GitTesting.tree(remote, "main")).isEqualTo(Map.of("a", new TreeFile("v5", false)));
    }

    @Test
    void aDamagedCloneIsMadeAgainFromTheRemote() throws Exception {
        Path remote = bareRemote("remote.git");
        Path workDir = tmp.resolve("work");
        GitRemoteDestination destination = GitRemoteDestination.builder(
                        remote.toUri().toString())
                .workDir(workDir)
                .build();
        sync(destination, snapshot(Map.of("a", new TreeFile("a", false))));
        Files.writeString(workDir.resolve(".git/config"), "[core\nbroken");
        sync(destination, snapshot(Map.of("a", new TreeFile("b", false))));
        assertThat(GitTesting.tree(remote, "main")).isEqualTo(Map.of("a", new TreeFile("b", false)));
        assertThat(GitTesting.log(remote, "main")).hasSize(2);
        assertThat(workDir.resolve("a")).hasContent("b");
    }

    @Test
    void largeFilesAreStreamedIntoTheCommitAndTheWorkTree() throws Exception {
        Path remote = bareRemote("remote.git");
        byte[] big = new byte[3 * 1024 * 1024 + 17];
        new SplittableRandom(7).nextBytes(big);
        SnapshotEntry entry = SnapshotEntry.ofBytes(SyncPath.of("data/big.bin"), big, true, null);
        GitRemoteDestination destination = GitRemoteDestination.builder(
                        remote.toUri().toString())
                .workDir(tmp.resolve("work"))
                .build();
        sync(destination, new Snapshot("big", null, Instant.now(), Map.of(), List.of(entry)));
        assertThat(tmp.resolve("work/data/big.bin")).hasBinaryContent(big);
        assertThat(Files.isExecutable(tmp.resolve("work/data/big.bin"))).isTrue();
        try (var repo = new org.eclipse.jgit.storage.file.FileRepositoryBuilder()
                        .setGitDir(remote.toFile())
                        .build();
                var walk = new org.eclipse.jgit.revwalk.RevWalk(repo)) {
            var tree = org.eclipse.jgit.treewalk.TreeWalk.forPath(
                    repo, "data/big.bin", walk.parseCommit(repo.resolve("main")).getTree());
            assertThat(repo.open(tree.getObjectId(0)).getBytes()).isEqualTo(big);
            assertThat(tree.getFileMode(0)).isEqualTo(org.eclipse.jgit.lib.FileMode.EXECUTABLE_FILE);
        }
    }

    @Test
    void aLargeFirstSyncThenOneChange() throws Exception {
        Path remote = bareRemote("remote.git");
        GitRemoteDestination destination = GitRemoteDestination.builder(
                        remote.toUri().toString())
                .workDir(tmp.resolve("work"))
                .build();
        Map<String, TreeFile> files = new TreeMap<>();
        for (int i = 0; i < 600; i++) {
            files.put("d" + (i / 50) + "/f" + i + ".txt", new TreeFile("file " + i + "\n", i % 7 == 0));
        }
        sync(destination, snapshot(files));
        assertThat(GitTesting.tree(remote, "main")).isEqualTo(files);
        files.put("d3/f170.txt", new TreeFile("changed\n", false));
        files.remove("d0/f1.txt");
        SyncPlan plan = destination.plan(snapshot(files));
        assertThat(plan.changes()).hasSize(2);
        assertThat(plan.existingFiles()).isEqualTo(600);
        destination.apply(plan, Destination.Progress.NONE);
        assertThat(GitTesting.tree(remote, "main")).isEqualTo(files);
        assertThat(GitTesting.log(remote, "main")).hasSize(2);
    }

    @Test
    void aRunThatDiedHalfWayIsRepairedByTheNextOne() throws Exception {
        Path remote = bareRemote("remote.git");
        Path work = tmp.resolve("work");
        GitRemoteDestination destination = GitRemoteDestination.builder(
                        remote.toUri().toString())
                .workDir(work)
                .build();
        Map<String, TreeFile> files =
                new TreeMap<>(Map.of("a.txt", new TreeFile("a", false), "dir/b.txt", new TreeFile("b", false)));
        sync(destination, snapshot(files));
        // A crash between writing and committing: files half written, something staged, the marker left.
        Files.writeString(work.resolve("a.txt"), "half written");
        Files.writeString(work.resolve("stray.txt"), "never offered");
        try (Git git = Git.open(work.toFile())) {
            git.add().addFilepattern("stray.txt").call();
        }
        Files.writeString(work.resolve(".git/workspace-sync/dirty"), "writing\n");

        files.put("dir/c.txt", new TreeFile("c", false));
        GitRemoteDestination next = GitRemoteDestination.builder(remote.toUri().toString())
                .workDir(work)
                .build();
        sync(next, snapshot(files));
        assertThat(GitTesting.tree(remote, "main")).isEqualTo(files);
        assertThat(work.resolve("a.txt")).hasContent("a");
        assertThat(work.resolve(".git/workspace-sync/dirty")).doesNotExist();
    }

    static Stream<Long> seeds() {
        return Seeds.seeds(6);
    }

    /** Random trees, synced in turn: after each sync the branch holds exactly the snapshot. */
    @ParameterizedTest
    @MethodSource("seeds")
    void pushedTreeIsExactlyTheSnapshotPlusPreservedFiles(long seed) throws Exception {
        SplittableRandom random = Seeds.random("pushedTreeIsExactlyTheSnapshot", seed);
        Path remote = bareRemote("remote.git");
        GitRemoteDestination destination = GitRemoteDestination.builder(
                        remote.toUri().toString())
                .workDir(tmp.resolve("work"))
                .preserve(List.of("keep/**"))
                .build();
        Map<String, TreeFile> preserved = new TreeMap<>();
        for (int round = 0; round < 4; round++) {
            Map<String, TreeFile> files = randomTree(random);
            sync(destination, snapshot(files));
            Map<String, TreeFile> expected = new TreeMap<>(preserved);
            expected.putAll(files);
            assertThat(GitTesting.tree(remote, "main"))
                    .as("round %d, seed %d", round, seed)
                    .isEqualTo(expected);
            files.forEach((path, file) -> {
                if (path.startsWith("keep/")) {
                    preserved.put(path, file);
                }
            });
        }
    }

    private static Map<String, TreeFile> randomTree(SplittableRandom random) {
        String[] dirs = {"", "a/", "a/b/", "c/", "keep/", "d/e/f/"};
        String[] names = {"x.txt", "y.py", "z", "file name.md", "ünï.txt", "run.sh"};
        Map<String, TreeFile> files = new TreeMap<>();
        int count = random.nextInt(0, 12);
        for (int i = 0; i < count; i++) {
            String dir = dirs[random.nextInt(dirs.length)];
            String path = dir + names[random.nextInt(names.length)];
            // Avoid a file and a directory of the same name in one tree.
            if (files.keySet().stream().anyMatch(p -> p.startsWith(path + "/") || path.startsWith(p + "/"))) {
                continue;
            }
            files.put(path, new TreeFile("content " + random.nextInt(3), random.nextInt(4) == 0));
        }
        return files;
    }
}
