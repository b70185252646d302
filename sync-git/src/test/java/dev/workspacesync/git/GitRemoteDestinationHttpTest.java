package dev.workspacesync.git;

import static dev.workspacesync.git.testing.GitTesting.write;
import static org.assertj.core.api.Assertions.assertThat;

import dev.workspacesync.core.DeletionGuard;
import dev.workspacesync.core.DestinationReport;
import dev.workspacesync.core.RetryPolicy;
import dev.workspacesync.core.Secret;
import dev.workspacesync.core.SyncListener;
import dev.workspacesync.core.SyncPipeline;
import dev.workspacesync.core.SyncPlan;
import dev.workspacesync.core.SyncReport;
import dev.workspacesync.core.SyncStatus;
import dev.workspacesync.core.testing.CapturedOutput;
import dev.workspacesync.git.testing.GitHttpServer;
import dev.workspacesync.git.testing.GitTesting;
import dev.workspacesync.git.testing.GitTesting.TreeFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The git destination against a real smart-HTTP server with basic auth, on 127.0.0.1. */
class GitRemoteDestinationHttpTest {
    static GitHttpServer server;

    @TempDir
    static Path serverDir;

    @TempDir
    Path tmp;

    Path project;
    Path remote;
    String url;
    static int counter;

    @BeforeAll
    static void start() throws Exception {
        GitTesting.isolateJGit();
        server = new GitHttpServer(serverDir);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        GitTesting.restoreJGit();
    }

    @BeforeEach
    void setUp() throws Exception {
        String name = "repo" + (++counter) + ".git";
        remote = server.createRepository(name);
        url = server.url(name);
        project = Files.createDirectories(tmp.resolve("project"));
    }

    private GitRemoteDestination.Builder destination(String token) {
        return GitRemoteDestination.builder(url)
                .username(GitHttpServer.USER)
                .token(Secret.of(token))
                .workDir(tmp.resolve("clone"))
                .author("Backup Bot", "bot@example.invalid")
                .message("Backup of {project}: {added} added, {updated} updated, {deleted} deleted");
    }

    private SyncReport sync(GitRemoteDestination destination, SyncListener... listeners) {
        SyncPipeline.Builder builder = SyncPipeline.builder()
                .source(LocalProjectSource.builder(project).build())
                .destination(destination)
                .retryPolicy(RetryPolicy.none());
        for (SyncListener listener : listeners) {
            builder.listener(listener);
        }
        try (SyncPipeline pipeline = builder.build()) {
            return pipeline.run();
        }
    }

    private Map<String, TreeFile> projectFiles() throws Exception {
        Map<String, TreeFile> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(project)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                files.put(project.relativize(p).toString(), new TreeFile(Files.readString(p), Files.isExecutable(p)));
            }
        }
        return files;
    }

    @Test
    void firstSyncIntoAnEmptyRemoteThenNoChangeMakesNoCommit() throws Exception {
        write(project, "README.md", "# project\n");
        write(project, "src/app.py", "print('hi')\n");
        Path tool = write(project, "bin/tool.sh", "#!/bin/sh\necho tool\n");
        Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwxr-xr-x"));

        SyncReport first = sync(destination(GitHttpServer.PASSWORD).build());
        assertThat(first.status()).as(first.message()).isEqualTo(SyncStatus.SYNCED);
        assertThat(GitTesting.tree(remote, "main")).isEqualTo(projectFiles());
        List<RevCommit> log = GitTesting.log(remote, "main");
        assertThat(log).hasSize(1);
        assertThat(log.get(0).getFullMessage()).isEqualTo("Backup of project: 3 added, 0 updated, 0 deleted");
        assertThat(log.get(0).getAuthorIdent().getName()).isEqualTo("Backup Bot");
        DestinationReport report = first.destinations().get(0);
        assertThat(report.message())
                .startsWith("3 added, 0 updated, 0 deleted; pushed commit "
                        + log.get(0).name() + " to ");
        assertThat(report.added()).isEqualTo(3);

        SyncReport second = sync(destination(GitHttpServer.PASSWORD).build());
        assertThat(second.status()).as(second.message()).isEqualTo(SyncStatus.NO_CHANGES);
        assertThat(GitTesting.log(remote, "main")).hasSize(1);
    }

    @Test
    void aPushRefusedWhileTheBranchStaysIsAFailureNamingTheReasonNotARetriedRace() throws Exception {
        write(project, "a.txt", "a");
        assertThat(sync(destination(GitHttpServer.PASSWORD).build()).status()).isEqualTo(SyncStatus.SYNCED);
        write(project, "a.txt", "b");
        int first = server.receivePackRequests();
        assertThat(sync(destination(GitHttpServer.PASSWORD).build()).status()).isEqualTo(SyncStatus.SYNCED);
        int onePush = server.receivePackRequests() - first;
        write(project, "a.txt", "changed");
        server.refuseReceive("protected branch: pushes need a review");
        try {
            int before = server.receivePackRequests();
            SyncReport refused = sync(destination(GitHttpServer.PASSWORD).build());
            assertThat(refused.status()).isEqualTo(SyncStatus.FAILED);
            assertThat(refused.destinations().get(0).message())
                    .contains("REJECTED_OTHER_REASON")
                    .contains("protected branch: pushes need a review");
            assertThat(server.receivePackRequests() - before)
                    .as("one push: the branch did not move, so nothing to retry")
                    .isEqualTo(onePush);
        } finally {
            server.refuseReceive(null);
        }
        assertThat(sync(destination(GitHttpServer.PASSWORD).build()).status()).isEqualTo(SyncStatus.SYNCED);
        assertThat(GitTesting.tree(remote, "main").get("a.txt").content()).isEqualTo("changed");
    }

    @Test
    void deleteAndRenamePropagateAndPreservedFilesStay() throws Exception {
        write(project, "a.txt", "a");
        write(project, "dir/b.txt", "b");
        write(project, "dir/c.txt", "c");
        write(project, "d.txt", "d");
        assertThat(sync(destination(GitHttpServer.PASSWORD).build()).status()).isEqualTo(SyncStatus.SYNCED);
        // Someone adds a workflow and a README to the backup repository.
        pushExternally(Map.of(".github/workflows/ci.yml", "on: push\n", "README.md", "# backup\n"));

        Files.delete(project.resolve("a.txt"));
        Files.move(project.resolve("dir/b.txt"), project.resolve("moved.txt"));
        SyncReport report = sync(destination(GitHttpServer.PASSWORD).build());
        assertThat(report.status()).as(report.message()).isEqualTo(SyncStatus.SYNCED);

        Map<String, TreeFile> expected = new TreeMap<>(projectFiles());
        expected.put(".github/workflows/ci.yml", new TreeFile("on: push\n", false));
        expected.put("README.md", new TreeFile("# backup\n", false));
        assertThat(GitTesting.tree(remote, "main")).isEqualTo(expected);
        assertThat(report.destinations().get(0).deleted()).isEqualTo(2);
        assertThat(report.destinations().get(0).added()).isEqualTo(1);
        // The cached work tree mirrors it too, without the emptied directory's leftovers.
        assertThat(tmp.resolve("clone/a.txt")).doesNotExist();
        assertThat(tmp.resolve("clone/dir/b.txt")).doesNotExist();
        assertThat(tmp.resolve("clone/moved.txt")).hasContent("b");
    }

    @Test
    void planCountsExistingUnpreservedFilesForTheDeletionGuardAndChangesNothing() throws Exception {
        for (int i = 0; i < 4; i++) {
            write(project, "f" + i + ".txt", "x" + i);
        }
        write(project, "README.md", "preserved");
        assertThat(sync(destination(GitHttpServer.PASSWORD).build()).status()).isEqualTo(SyncStatus.SYNCED);
        String head = GitTesting.log(remote, "main").get(0).name();
        for (int i = 0; i < 4; i++) {
            Files.delete(project.resolve("f" + i + ".txt"));
        }
        try (GitRemoteDestination destination =
                        destination(GitHttpServer.PASSWORD).build();
                LocalProjectSource source = LocalProjectSource.builder(project).build()) {
            SyncPlan plan = destination.plan(source.snapshot());
            assertThat(plan.existingFiles()).isEqualTo(4);
            assertThat(plan.deletes()).hasSize(4);
            assertThat(DeletionGuard.defaults().check(plan)).isPresent();
        }
        SyncReport refused = sync(destination(GitHttpServer.PASSWORD).build());
        assertThat(refused.status()).isEqualTo(SyncStatus.REFUSED);
        assertThat(GitTesting.log(remote, "main").get(0).name()).isEqualTo(head);
    }

    @Test
    void wrongTokenFailsNamingTheRemoteButNotTheToken() throws Exception {
        write(project, "a.txt", "a");
        String wrong = "wrong-token-8f2b9c";
        try (CapturedOutput output = new CapturedOutput()) {
            SyncReport report = sync(destination(wrong).build());
            assertThat(report.status()).isEqualTo(SyncStatus.FAILED);
            DestinationReport failed = report.destinations().get(0);
            assertThat(failed.message())
                    .contains(url)
                    .contains("rejected the token (HTTP 401)")
                    .contains("git.token (GIT_TOKEN)")
                    .doesNotContain(wrong);
            assertThat(String.valueOf(failed.cause())).doesNotContain(wrong);
            assertThat(output.text()).doesNotContain(wrong);
        }
        assertThat(GitTesting.log(remote, "main")).isEmpty();
    }

    @Test
    void tokenAppearsNowhereInConfigLogsOrReports() throws Exception {
        write(project, "a.txt", "a");
        String token = GitHttpServer.PASSWORD;
        try (CapturedOutput output = new CapturedOutput()) {
            SyncReport report = sync(destination(token).build());
            assertThat(report.status()).as(report.message()).isEqualTo(SyncStatus.SYNCED);
            write(project, "a.txt", "changed");
            SyncReport again = sync(destination(token).build());
            assertThat(again.status()).isEqualTo(SyncStatus.SYNCED);
            assertThat(report.toString() + again).doesNotContain(token);
            assertThat(output.text()).doesNotContain(token);
        }
        try (Stream<Path> files = Files.walk(tmp.resolve("clone/.git"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                if (!file.toString().contains("objects")) {
                    assertThat(new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1))
                            .as(file.toString())
                            .doesNotContain(token);
                }
            }
        }
        assertThat(Files.readString(tmp.resolve("clone/.git/config"))).contains(url);
    }

    @Test
    void tokenInTheUrlIsTakenOutOfIt() throws Exception {
        write(project, "a.txt", "a");
        String withToken = url.replace("http://", "http://" + GitHttpServer.USER + ":" + GitHttpServer.PASSWORD + "@");
        GitRemoteDestination destination = GitRemoteDestination.builder(withToken)
                .workDir(tmp.resolve("clone"))
                .build();
        assertThat(destination.target()).doesNotContain(GitHttpServer.PASSWORD);
        SyncReport report = sync(destination);
        assertThat(report.status()).as(report.message()).isEqualTo(SyncStatus.SYNCED);
        assertThat(Files.readString(tmp.resolve("clone/.git/config"))).doesNotContain(GitHttpServer.PASSWORD);
    }

    @Test
    void concurrentExternalPushTakesTheRetryPathAndLandsBothHistoriesWithoutForce() throws Exception {
        write(project, "a.txt", "a");
        assertThat(sync(destination(GitHttpServer.PASSWORD).build()).status()).isEqualTo(SyncStatus.SYNCED);
        write(project, "a.txt", "a2");
        AtomicBoolean pushed = new AtomicBoolean();
        // Between planning (which fetched) and applying, someone else pushes.
        SyncListener intruder = new SyncListener() {
            @Override
            public void planned(String target, SyncPlan plan) {
                try {
                    pushExternally(Map.of(".github/CODEOWNERS", "* @team\n"));
                    pushed.set(true);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        };
        SyncReport report = sync(destination(GitHttpServer.PASSWORD).build(), intruder);
        assertThat(pushed).isTrue();
        assertThat(report.status()).as(report.message()).isEqualTo(SyncStatus.SYNCED);
        assertThat(report.destinations().get(0).message()).contains("after 1 rejected push");
        List<RevCommit> log = GitTesting.log(remote, "main");
        assertThat(log).hasSize(3);
        assertThat(log.get(1).getFullMessage()).isEqualTo("external change");
        assertThat(log.get(0).getParent(0)).isEqualTo(log.get(1));
        assertThat(GitTesting.tree(remote, "main"))
                .containsEntry("a.txt", new TreeFile("a2", false))
                .containsEntry(".github/CODEOWNERS", new TreeFile("* @team\n", false));
    }

    @Test
    void externalFilesTheMirrorWouldDeleteAfterPlanningStopTheApply() throws Exception {
        write(project, "a.txt", "a");
        assertThat(sync(destination(GitHttpServer.PASSWORD).build()).status()).isEqualTo(SyncStatus.SYNCED);
        write(project, "a.txt", "a2");
        SyncListener intruder = new SyncListener() {
            @Override
            public void planned(String target, SyncPlan plan) {
                try {
                    pushExternally(Map.of("theirs.txt", "not in the source\n"));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        };
        SyncReport report = sync(destination(GitHttpServer.PASSWORD).build(), intruder);
        assertThat(report.status()).isEqualTo(SyncStatus.FAILED);
        assertThat(report.destinations().get(0).message())
                .contains("theirs.txt")
                .contains("sync again");
        assertThat(GitTesting.tree(remote, "main")).containsKey("theirs.txt");
        // The next run plans the deletion (1 of 2 files: the guard allows it) and lands.
        SyncReport next = sync(destination(GitHttpServer.PASSWORD).build());
        assertThat(next.status()).as(next.message()).isEqualTo(SyncStatus.SYNCED);
        assertThat(GitTesting.tree(remote, "main")).containsOnlyKeys("a.txt");
    }

    @Test
    void missingBranchIsCreatedNextToOthers() throws Exception {
        pushExternally(Map.of("other.txt", "on main"));
        write(project, "a.txt", "a");
        SyncReport report =
                sync(destination(GitHttpServer.PASSWORD).branch("backup").build());
        assertThat(report.status()).as(report.message()).isEqualTo(SyncStatus.SYNCED);
        assertThat(GitTesting.tree(remote, "backup")).containsOnlyKeys("a.txt");
        assertThat(GitTesting.tree(remote, "main")).containsOnlyKeys("other.txt");
    }

    /** Clones the remote with JGit (as another user would), commits files and pushes. */
    private void pushExternally(Map<String, String> files) throws Exception {
        Path other = Files.createTempDirectory(tmp, "other");
        var creds = new UsernamePasswordCredentialsProvider(GitHttpServer.USER, GitHttpServer.PASSWORD);
        Git git;
        if (GitTesting.log(remote, "main").isEmpty()) {
            git = Git.init()
                    .setDirectory(other.toFile())
                    .setInitialBranch("main")
                    .call();
            git.remoteAdd()
                    .setName("origin")
                    .setUri(new org.eclipse.jgit.transport.URIish(url))
                    .call();
        } else {
            git = Git.cloneRepository()
                    .setURI(url)
                    .setDirectory(other.toFile())
                    .setBranch("main")
                    .setCredentialsProvider(creds)
                    .call();
        }
        try (git) {
            for (Map.Entry<String, String> file : files.entrySet()) {
                write(other, file.getKey(), file.getValue());
            }
            git.add().addFilepattern(".").call();
            PersonIdent someone = new PersonIdent("Someone", "someone@example.invalid");
            git.commit()
                    .setMessage("external change")
                    .setAuthor(someone)
                    .setCommitter(someone)
                    .setSign(false)
                    .call();
            git.push()
                    .setRemote("origin")
                    .add("main")
                    .setCredentialsProvider(creds)
                    .call();
        }
    }
}
