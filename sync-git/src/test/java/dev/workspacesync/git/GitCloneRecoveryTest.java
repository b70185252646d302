package dev.workspacesync.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.workspacesync.core.DestinationException;
import dev.workspacesync.core.Snapshot;
import dev.workspacesync.core.SnapshotEntry;
import dev.workspacesync.core.SyncPath;
import dev.workspacesync.core.SyncPlan;
import dev.workspacesync.core.spi.Destination;
import dev.workspacesync.core.testing.CapturedOutput;
import dev.workspacesync.core.testing.Seeds;
import dev.workspacesync.git.testing.GitHttpServer;
import dev.workspacesync.git.testing.GitTesting;
import dev.workspacesync.git.testing.GitTesting.TreeFile;
import java.net.ServerSocket;
import java.net.Socket;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The cached clone repairs what a crashed sync left (the crash matrix in sync-examples kills real
 * processes; here the leftovers are made by hand), the default cache stays bounded, and an unreachable or
 * flaky remote ends within the deadline.
 */
class GitCloneRecoveryTest {
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

    private static Snapshot snapshot(Map<String, TreeFile> files) {
        List<SnapshotEntry> entries = new ArrayList<>();
        files.forEach((path, file) -> entries.add(SnapshotEntry.ofBytes(
                SyncPath.of(path), file.content().getBytes(StandardCharsets.UTF_8), file.executable(), null)));
        return new Snapshot("generated", null, Instant.now(), Map.of(), entries);
    }

    private static void sync(Destination destination, Map<String, TreeFile> files) {
        SyncPlan plan = destination.plan(snapshot(files));
        destination.apply(plan, Destination.Progress.NONE);
    }

    private static Map<String, TreeFile> files(String... pathsAndContents) {
        Map<String, TreeFile> files = new TreeMap<>();
        for (int i = 0; i < pathsAndContents.length; i += 2) {
            files.put(pathsAndContents[i], new TreeFile(pathsAndContents[i + 1], false));
        }
        return files;
    }

    /** The lock record a sync killed while working leaves: its (now dead) pid and start time. */
    private static String crashedRecord() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        assertThat(gone.waitFor(60, TimeUnit.SECONDS)).isTrue();
        ProcessHandle.Info info = gone.info();
        return "state=working\npid=" + gone.pid() + "\nstarted="
                + info.startInstant().orElse(Instant.now().minusSeconds(5)) + "\nhost=\nat=" + Instant.now() + "\n";
    }

    @Test
    void jgitLocksLeftByACrashedSyncAreRemovedAndTheNextSyncConverges() throws Exception {
        Path remote = GitTesting.bareRepository(tmp.resolve("remote.git"));
        Path work = tmp.resolve("work");
        GitRemoteDestination destination = GitRemoteDestination.builder(
                        remote.toUri().toString())
                .workDir(work)
                .build();
        sync(destination, files("a.txt", "a", "dir/b.txt", "b"));
        // What kill -9 in the middle of a sync leaves: the record says "working", JGit's locks stay.
        Path git = work.resolve(".git");
        Files.writeString(git.resolve("workspace-sync/lock"), crashedRecord());
        List<Path> locks = List.of(
                git.resolve("index.lock"),
                git.resolve("HEAD.lock"),
                git.resolve("config.lock"),
                git.resolve("packed-refs.lock"),
                git.resolve("shallow.lock"),
                git.resolve("refs/heads/main.lock"),
                git.resolve("refs/remotes/origin/main.lock"));
        for (Path lock : locks) {
            Files.createDirectories(lock.getParent());
            Files.writeString(lock, "half");
        }
        Files.writeString(work.resolve("a.txt"), "half written");
        Map<String, TreeFile> next = files("a.txt", "a", "dir/b.txt", "b2", "c.txt", "c");
        try (CapturedOutput logs = new CapturedOutput()) {
            sync(
                    GitRemoteDestination.builder(remote.toUri().toString())
                            .workDir(work)
                            .build(),
                    next);
            assertThat(logs.text()).contains("Removed 7 stale lock file(s)").contains("did not finish");
        }
        for (Path lock : locks) {
            assertThat(lock).doesNotExist();
        }
        assertThat(GitTesting.tree(remote, "main")).isEqualTo(next);
        assertThat(GitTesting.log(remote, "main")).hasSize(2);
        assertThat(work.resolve("a.txt")).hasContent("a");
        assertThat(Files.readString(git.resolve("workspace-sync/lock"))).contains("state=released");
    }

    @Test
    void aCloneFromBeforeLockRecordsWithAStaleIndexLockIsRepaired() throws Exception {
        Path remote = GitTesting.bareRepository(tmp.resolve("remote.git"));
        Path work = tmp.resolve("work");
        GitRemoteDestination destination = GitRemoteDestination.builder(
                        remote.toUri().toString())
                .workDir(work)
                .build();
        sync(destination, files("a.txt", "a"));
        // Earlier versions left an empty lock file: the wedged clones of issue 10 look like this.
        Files.writeString(work.resolve(".git/workspace-sync/lock"), "");
        Files.createFile(work.resolve(".git/index.lock"));
        sync(destination, files("a.txt", "b"));
        assertThat(GitTesting.tree(remote, "main")).isEqualTo(files("a.txt", "b"));
    }

    @Test
    void aCrashedSyncWhoseObjectsAreMissingIsClonedAgain() throws Exception {
        Path remote = GitTesting.bareRepository(tmp.resolve("remote.git"));
        Path work = tmp.resolve("work");
        GitRemoteDestination destination = GitRemoteDestination.builder(
                        remote.toUri().toString())
                .workDir(work)
                .build();
        sync(destination, files("a.txt", "a", "b.txt", "b"));
        // A ref to a commit whose objects never reached the disk.
        Files.writeString(work.resolve(".git/refs/heads/main"), "0123456789012345678901234567890123456789\n");
        Files.writeString(work.resolve(".git/workspace-sync/lock"), crashedRecord());
        try (CapturedOutput logs = new CapturedOutput()) {
            sync(destination, files("a.txt", "a", "b.txt", "b2"));
            assertThat(logs.text()).contains("damaged").contains("making it again");
        }
        assertThat(GitTesting.tree(remote, "main")).isEqualTo(files("a.txt", "a", "b.txt", "b2"));
        assertThat(GitTesting.log(remote, "main")).hasSize(2);
    }

    @Test
    void aCloneWhoseCreationWasCutShortIsMadeAgain() throws Exception {
        Path remote = GitTesting.bareRepository(tmp.resolve("remote.git"));
        Path work = tmp.resolve("work");
        Files.createDirectories(work.resolve(".git/workspace-sync"));
        Files.writeString(work.resolve(".git/workspace-sync/lock"), crashedRecord());
        Files.writeString(work.resolve(".git/workspace-sync/creating"), "creating\n");
        Files.writeString(work.resolve(".git/HEAD"), "ref: refs/heads/main\n");
        sync(
                GitRemoteDestination.builder(remote.toUri().toString())
                        .workDir(work)
                        .build(),
                files("a.txt", "a"));
        assertThat(GitTesting.tree(remote, "main")).isEqualTo(files("a.txt", "a"));
        assertThat(work.resolve(".git/workspace-sync/creating")).doesNotExist();
    }

    @Test
    void aGitRepositoryNotMadeByWorkspaceSyncIsLeftAlone() throws Exception {
        Path remote = GitTesting.bareRepository(tmp.resolve("remote.git"));
        Path work = tmp.resolve("users-own-clone");
        org.eclipse.jgit.api.Git.init().setDirectory(work.toFile()).call().close();
        GitTesting.write(work, "mine.txt", "uncommitted work");
        GitRemoteDestination destination = GitRemoteDestination.builder(
                        remote.toUri().toString())
                .workDir(work)
                .build();
        assertThatThrownBy(() -> destination.plan(snapshot(files("a", "a"))))
                .isInstanceOf(DestinationException.class)
                .hasMessageContaining("another git repository")
                .hasMessageContaining("git.work-dir");
        assertThat(work.resolve("mine.txt")).hasContent("uncommitted work");
        assertThat(work.resolve(".git/workspace-sync")).doesNotExist();
    }

    // ---- the default cache

    static Stream<Long> seeds() {
        return Seeds.seeds(4);
    }

    /** Hostile remote URLs: the clone's folder name holds no caller text but a bounded host and a digest. */
    @ParameterizedTest
    @MethodSource("seeds")
    void cloneFolderNamesCarryNoCallerText(long seed) {
        SplittableRandom random = Seeds.random("cloneFolderNames", seed);
        Path root = tmp.resolve("cache");
        String[] hosts = {"github.com", "GIT_SERVER", "a-b.example", "x".repeat(300), "127.0.0.1", "[::1]"};
        String[] paths = {"/../../etc/passwd", "/a b/..%2f..%2f", "/repo.git", "/" + "ä".repeat(50), "/x/./y//"};
        for (int i = 0; i < 40; i++) {
            String scheme = random.nextBoolean() ? "https://" : "ssh://";
            String user = random.nextBoolean() ? "user:secret-" + random.nextInt(1000) + "@" : "";
            String url = scheme + user + hosts[random.nextInt(hosts.length)] + paths[random.nextInt(paths.length)];
            GitRemoteDestination destination;
            try {
                destination = GitRemoteDestination.builder(url)
                        .cacheRoot(root)
                        .branch(random.nextBoolean() ? "main" : "feature/x")
                        .build();
            } catch (RuntimeException e) {
                continue; // refused as a URL: nothing to name
            }
            Path dir = destination.workDir();
            assertThat(dir.getParent()).as(url).isEqualTo(root.toAbsolutePath());
            assertThat(dir.getFileName().toString()).as(url).matches("[a-z0-9.-]{1,32}-[0-9a-f]{24}");
            assertThat(dir.toString())
                    .doesNotContain("secret")
                    .doesNotContain("etc")
                    .doesNotContain("passwd");
        }
    }

    @Test
    void theSameRemoteWithOrWithoutUserInfoSharesOneClone() {
        Path root = tmp.resolve("cache");
        Path a = GitRemoteDestination.builder("https://git.example/acme/backup.git")
                .cacheRoot(root)
                .build()
                .workDir();
        Path b = GitRemoteDestination.builder("https://x-access-token:t0ken@GIT.example/acme/backup.git/")
                .cacheRoot(root)
                .build()
                .workDir();
        Path other = GitRemoteDestination.builder("https://git.example/acme/other.git")
                .cacheRoot(root)
                .build()
                .workDir();
        assertThat(a).isEqualTo(b).isNotEqualTo(other);
    }

    @Test
    void failedAttemptsLeaveNothingBehind() throws Exception {
        Path root = tmp.resolve("cache");
        Path empty = Files.createDirectories(tmp.resolve("users-empty-dir"));
        try (GitHttpServer server = new GitHttpServer(tmp.resolve("server"));
                ServerSocket closed = new ServerSocket(0)) {
            server.createRepository("repo.git");
            int port = closed.getLocalPort();
            closed.close();
            List<GitRemoteDestination.Builder> attempts = List.of(
                    GitRemoteDestination.builder("http://127.0.0.1:" + port + "/nobody.git"),
                    GitRemoteDestination.builder(server.url("repo.git"))
                            .username(GitHttpServer.USER)
                            .token(dev.workspacesync.core.Secret.of("wrong-token")),
                    GitRemoteDestination.builder(server.url("missing.git"))
                            .username(GitHttpServer.USER)
                            .token(dev.workspacesync.core.Secret.of(GitHttpServer.PASSWORD)),
                    GitRemoteDestination.builder(
                            tmp.resolve("no-such-repo.git").toUri().toString()));
            for (GitRemoteDestination.Builder attempt : attempts) {
                GitRemoteDestination inCache = attempt.cacheRoot(root).build();
                assertThatThrownBy(() -> inCache.plan(snapshot(files("a", "a"))))
                        .isInstanceOf(DestinationException.class);
                assertThat(inCache.workDir()).doesNotExist();
                GitRemoteDestination inUsersDir = attempt.workDir(empty).build();
                assertThatThrownBy(() -> inUsersDir.plan(snapshot(files("a", "a"))))
                        .isInstanceOf(DestinationException.class);
                assertThat(empty).isEmptyDirectory();
                attempt.workDir(null);
            }
        }
        assertThat(root)
                .satisfiesAnyOf(
                        r -> assertThat(r).doesNotExist(), r -> assertThat(r).isEmptyDirectory());
    }

    @Test
    void clonesUnusedForTooLongAreRemovedButNeverOneInUseOrNotOurs() throws Exception {
        Path root = tmp.resolve("cache");
        Path one = GitTesting.bareRepository(tmp.resolve("one.git"));
        Path two = GitTesting.bareRepository(tmp.resolve("two.git"));
        Path three = GitTesting.bareRepository(tmp.resolve("three.git"));
        GitRemoteDestination first = GitRemoteDestination.builder(one.toUri().toString())
                .cacheRoot(root)
                .build();
        GitRemoteDestination second = GitRemoteDestination.builder(two.toUri().toString())
                .cacheRoot(root)
                .build();
        sync(first, files("a", "1"));
        sync(second, files("a", "2"));
        Path foreign = Files.createDirectories(root.resolve("someone-elses"));
        Files.setLastModifiedTime(foreign, FileTime.from(Instant.now().minus(Duration.ofDays(30))));
        FileTime old = FileTime.from(Instant.now().minus(Duration.ofDays(8)));
        Files.setLastModifiedTime(first.workDir().resolve(".git/workspace-sync/lock"), old);
        Files.setLastModifiedTime(second.workDir().resolve(".git/workspace-sync/lock"), old);
        // "second" is in use (its lock held) while "third" starts: it must survive the sweep.
        Path secondLock = second.workDir().resolve(".git/workspace-sync/lock");
        try (var channel = java.nio.channels.FileChannel.open(
                        secondLock, java.nio.file.StandardOpenOption.READ, java.nio.file.StandardOpenOption.WRITE);
                var held = channel.lock()) {
            Files.setLastModifiedTime(secondLock, old);
            sync(
                    GitRemoteDestination.builder(three.toUri().toString())
                            .cacheRoot(root)
                            .cacheMaxIdle(Duration.ofDays(7))
                            .build(),
                    files("a", "3"));
        }
        assertThat(first.workDir()).doesNotExist();
        assertThat(second.workDir().resolve(".git")).isDirectory();
        assertThat(foreign).isDirectory();
        // The removed clone is made again when its destination syncs again.
        sync(first, files("a", "1", "b", "1"));
        assertThat(GitTesting.tree(one, "main")).isEqualTo(files("a", "1", "b", "1"));
    }

    @Test
    void aDestinationWithAConfiguredWorkDirSweepsNothing() throws Exception {
        Path root = tmp.resolve("cache");
        Path remote = GitTesting.bareRepository(tmp.resolve("remote.git"));
        GitRemoteDestination cached = GitRemoteDestination.builder(
                        remote.toUri().toString())
                .cacheRoot(root)
                .build();
        sync(cached, files("a", "1"));
        Path configured = tmp.resolve("configured");
        sync(
                GitRemoteDestination.builder(remote.toUri().toString())
                        .workDir(configured)
                        .build(),
                files("a", "2"));
        FileTime old = FileTime.from(Instant.now().minus(Duration.ofDays(30)));
        Files.setLastModifiedTime(cached.workDir().resolve(".git/workspace-sync/lock"), old);
        Files.setLastModifiedTime(configured.resolve(".git/workspace-sync/lock"), old);
        sync(
                GitRemoteDestination.builder(remote.toUri().toString())
                        .workDir(configured)
                        .cacheRoot(root)
                        .cacheMaxIdle(Duration.ofDays(1))
                        .build(),
                files("a", "3"));
        assertThat(cached.workDir().resolve(".git")).isDirectory();
        assertThat(configured.resolve(".git")).isDirectory();
    }

    // ---- reaching the remote within the deadline

    @Test
    void aRefusedConnectionFailsAtOnceNamingTheHost() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        GitRemoteDestination destination = GitRemoteDestination.builder("http://127.0.0.1:" + port + "/repo.git")
                .cacheRoot(tmp.resolve("cache"))
                .build();
        long start = System.nanoTime();
        assertThatThrownBy(() -> destination.plan(snapshot(files("a", "a"))))
                .isInstanceOf(DestinationException.class)
                .hasMessageContaining("connection refused by 127.0.0.1:" + port)
                .satisfies(e ->
                        assertThat(((DestinationException) e).isRetryable()).isFalse());
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
    }

    @Test
    void anUnresolvableHostFailsNamingIt() {
        GitRemoteDestination destination = GitRemoteDestination.builder("https://no-such-host.invalid/repo.git")
                .cacheRoot(tmp.resolve("cache"))
                .deadline(Duration.ofSeconds(20))
                .build();
        long start = System.nanoTime();
        assertThatThrownBy(() -> destination.plan(snapshot(files("a", "a"))))
                .isInstanceOf(DestinationException.class)
                .hasMessageContaining("no-such-host.invalid");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void aServerThatNeverAnswersEndsAtTheDeadline() throws Exception {
        List<Socket> accepted = new CopyOnWriteArrayList<>();
        try (ServerSocket silent = new ServerSocket(0)) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        accepted.add(silent.accept()); // and never answer
                    }
                } catch (java.io.IOException e) {
                    // closed
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            GitRemoteDestination destination = GitRemoteDestination.builder(
                            "http://127.0.0.1:" + silent.getLocalPort() + "/repo.git")
                    .cacheRoot(tmp.resolve("cache"))
                    .deadline(Duration.ofSeconds(3))
                    .build();
            long start = System.nanoTime();
            try (CapturedOutput logs = new CapturedOutput()) {
                assertThatThrownBy(() -> destination.plan(snapshot(files("a", "a"))))
                        .isInstanceOf(DestinationException.class)
                        .hasMessageContaining("127.0.0.1:" + silent.getLocalPort())
                        .hasMessageContaining("git.deadline")
                        .satisfies(e -> assertThat(((DestinationException) e).isRetryable())
                                .isFalse());
            }
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            System.out.println("A silent server with a 3 s deadline failed after " + took.toMillis() + " ms");
            assertThat(took).isLessThan(Duration.ofSeconds(20)); // a loaded machine; without the deadline it hangs
            assertThat(destination.workDir()).doesNotExist();
        } finally {
            for (Socket s : accepted) {
                s.close();
            }
        }
    }

    @Test
    void transientServerErrorsAreRetriedVisiblyAndTheSyncLands() throws Exception {
        try (GitHttpServer server = new GitHttpServer(tmp.resolve("server"))) {
            server.createRepository("repo.git");
            GitRemoteDestination destination = GitRemoteDestination.builder(server.url("repo.git"))
                    .username(GitHttpServer.USER)
                    .token(dev.workspacesync.core.Secret.of(GitHttpServer.PASSWORD))
                    .cacheRoot(tmp.resolve("cache"))
                    .build();
            server.failNext(2, 503);
            try (CapturedOutput logs = new CapturedOutput()) {
                sync(destination, files("a", "a"));
                assertThat(logs.text())
                        .contains("retrying (2/5) fetch from 127.0.0.1:")
                        .contains("retrying (3/5) fetch from 127.0.0.1:")
                        .contains("503")
                        .doesNotContain(GitHttpServer.PASSWORD);
            }
            assertThat(GitTesting.tree(server.directory("repo.git"), "main")).isEqualTo(files("a", "a"));
        }
    }
}
