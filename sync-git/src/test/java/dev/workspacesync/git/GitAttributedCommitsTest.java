package dev.workspacesync.git;

import static dev.workspacesync.git.testing.GitTesting.write;
import static org.assertj.core.api.Assertions.assertThat;

import dev.workspacesync.core.AttributedItem;
import dev.workspacesync.core.Attribution;
import dev.workspacesync.core.Author;
import dev.workspacesync.core.Change;
import dev.workspacesync.core.RetryPolicy;
import dev.workspacesync.core.Secret;
import dev.workspacesync.core.Snapshot;
import dev.workspacesync.core.SourceException;
import dev.workspacesync.core.SyncPath;
import dev.workspacesync.core.SyncPipeline;
import dev.workspacesync.core.SyncReport;
import dev.workspacesync.core.SyncStatus;
import dev.workspacesync.core.spi.Source;
import dev.workspacesync.git.testing.GitHttpServer;
import dev.workspacesync.git.testing.GitTesting;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The git destination writing one commit per author when the snapshot says who changed what, against a real
 * smart-HTTP server: authors, committer, messages and each commit's tree, and a last tree equal to a plain
 * backup's, object id for object id.
 */
class GitAttributedCommitsTest {
    static GitHttpServer server;

    @TempDir
    static Path serverDir;

    @TempDir
    Path tmp;

    Path project;
    static int counter;

    static final Author ALICE = new Author("alice", "Alice Liddell", "alice@example.com");
    static final Author BOB = new Author("bob", "Bob Builder", "bob@example.com");
    static final Author CAROL = new Author("carol", "Carol", "carol@windmill.example");

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
        project = Files.createDirectories(tmp.resolve("project"));
    }

    /** A new remote: its bare directory and URL. */
    private record Remote(Path dir, String url) {}

    private Remote remote() throws Exception {
        String name = "attributed" + (++counter) + ".git";
        return new Remote(server.createRepository(name), server.url(name));
    }

    private GitRemoteDestination destination(Remote remote, String clone) {
        return GitRemoteDestination.builder(remote.url())
                .username(GitHttpServer.USER)
                .token(Secret.of(GitHttpServer.PASSWORD))
                .workDir(tmp.resolve(clone))
                .author("Backup Bot", "bot@example.invalid")
                .build();
    }

    /** The local project, with an attribution made by {@code attribution} (or none when null). */
    private Source source(Function<List<Change>, List<AttributedItem>> attribution, String unavailable) {
        Source local = LocalProjectSource.builder(project).build();
        return new Source() {
            @Override
            public String describe() {
                return local.describe();
            }

            @Override
            public Snapshot snapshot() {
                Snapshot snapshot = local.snapshot();
                if (unavailable != null) {
                    return snapshot.withAttribution(Attribution.unavailable(unavailable));
                }
                if (attribution == null) {
                    return snapshot;
                }
                return snapshot.withAttribution(new Attribution() {
                    @Override
                    public List<AttributedItem> attribute(List<Change> changes) {
                        return attribution.apply(changes);
                    }

                    @Override
                    public String tag() {
                        return "WM";
                    }
                });
            }
        };
    }

    private SyncReport sync(Source source, GitRemoteDestination destination) {
        try (SyncPipeline pipeline = SyncPipeline.builder()
                .source(source)
                .destination(destination)
                .retryPolicy(RetryPolicy.none())
                .build()) {
            return pipeline.run();
        }
    }

    private static AttributedItem item(String kind, String path, Author author, int minute, String... files) {
        return new AttributedItem(
                kind,
                path,
                false,
                Set.of(List.of(files).stream().map(SyncPath::of).toArray(SyncPath[]::new)),
                author,
                Instant.parse("2026-01-01T10:00:00Z").plusSeconds(60L * minute));
    }

    /** Five items by three users (two by Bob), a shared lock file, and a folder file no one is known to own. */
    private void writeFiveItems() throws Exception {
        write(project, "f/etl/extract.py", "def main(): return 1\n");
        write(project, "f/etl/extract.script.yaml", "summary: extract\n");
        write(project, "f/etl/load.py", "def main(): return 2\n");
        write(project, "f/etl/load.script.yaml", "summary: load\n");
        write(project, "f/etl/daily.flow/flow.yaml", "summary: daily\n");
        write(project, "f/etl/db.resource.yaml", "resource_type: postgresql\n");
        write(project, "f/etl/dash.app/app.yaml", "summary: dash\n");
        write(project, "wmill-lock.yaml", "locks:\n  f/etl/extract: a\n  f/etl/load: b\n");
        write(project, "f/etl/folder.meta.yaml", "owners: []\n");
    }

    private static List<AttributedItem> fiveItems(List<Change> changes) {
        return List.of(
                item(
                        "script",
                        "f/etl/extract",
                        BOB,
                        5,
                        "f/etl/extract.py",
                        "f/etl/extract.script.yaml",
                        "wmill-lock.yaml"),
                item("flow", "f/etl/daily", ALICE, 1, "f/etl/daily.flow/flow.yaml"),
                item("script", "f/etl/load", BOB, 7, "f/etl/load.py", "f/etl/load.script.yaml", "wmill-lock.yaml"),
                item("resource", "f/etl/db", CAROL, 3, "f/etl/db.resource.yaml"),
                item("app", "f/etl/dash", ALICE, 2, "f/etl/dash.app/app.yaml"));
    }

    @Test
    void threeUsersFiveItemsMakeThreeCommitsByTheirAuthorsAndThenOneByTheService() throws Exception {
        writeFiveItems();
        Remote attributed = remote();
        Remote plain = remote();

        SyncReport report = sync(source(GitAttributedCommitsTest::fiveItems, null), destination(attributed, "a"));
        SyncReport plainReport = sync(source(null, null), destination(plain, "p"));

        assertThat(report.status()).as(report.message()).isEqualTo(SyncStatus.SYNCED);
        assertThat(plainReport.status()).as(plainReport.message()).isEqualTo(SyncStatus.SYNCED);
        List<RevCommit> log = GitTesting.log(attributed.dir(), "main");
        List<RevCommit> oldestFirst = new ArrayList<>(log);
        java.util.Collections.reverse(oldestFirst);
        assertThat(oldestFirst)
                .extracting(c ->
                        c.getAuthorIdent().getName() + " <" + c.getAuthorIdent().getEmailAddress() + ">")
                .containsExactly(
                        "Alice Liddell <alice@example.com>",
                        "Carol <carol@windmill.example>",
                        "Bob Builder <bob@example.com>",
                        "Backup Bot <bot@example.invalid>");
        assertThat(oldestFirst)
                .extracting(c -> c.getCommitterIdent().getName() + " <"
                        + c.getCommitterIdent().getEmailAddress() + ">")
                .containsOnly("Backup Bot <bot@example.invalid>");
        assertThat(oldestFirst.get(0).getFullMessage())
                .isEqualTo("[WM]: Deployed 1 flow, 1 app\n\nFlow 'f/etl/daily' deployed\nApp 'f/etl/dash' deployed");
        assertThat(oldestFirst.get(1).getFullMessage())
                .isEqualTo("[WM]: Deployed 1 resource\n\nResource 'f/etl/db' deployed");
        assertThat(oldestFirst.get(2).getFullMessage())
                .isEqualTo("[WM]: Deployed 2 scripts\n\nScript 'f/etl/extract' deployed\nScript 'f/etl/load' deployed");
        assertThat(oldestFirst.get(3).getFullMessage()).startsWith("Automated backup of ");
        // An author's time is their newest change's.
        assertThat(oldestFirst.get(2).getAuthorIdent().getWhenAsInstant())
                .isEqualTo(Instant.parse("2026-01-01T10:07:00Z"));

        // Each commit holds what its author changed, on top of the commits before.
        List<Set<String>> trees = new ArrayList<>();
        for (RevCommit commit : oldestFirst) {
            trees.add(paths(attributed.dir(), commit));
        }
        assertThat(trees.get(0)).containsExactlyInAnyOrder("f/etl/daily.flow/flow.yaml", "f/etl/dash.app/app.yaml");
        assertThat(trees.get(1))
                .containsExactlyInAnyOrder(
                        "f/etl/daily.flow/flow.yaml", "f/etl/dash.app/app.yaml", "f/etl/db.resource.yaml");
        assertThat(trees.get(2))
                .contains("f/etl/extract.py", "f/etl/load.script.yaml", "wmill-lock.yaml")
                .doesNotContain("f/etl/folder.meta.yaml");
        assertThat(trees.get(3)).contains("f/etl/folder.meta.yaml");

        // The last tree is a plain backup's, object for object.
        RevCommit plainHead = GitTesting.log(plain.dir(), "main").get(0);
        assertThat(log.get(0).getTree().getId()).isEqualTo(plainHead.getTree().getId());
        assertThat(report.destinations().get(0).message())
                .contains("pushed 4 commits by Alice Liddell, Carol, Bob Builder, Backup Bot; the last "
                        + log.get(0).name());
    }

    private static Set<String> paths(Path gitDir, RevCommit commit) throws Exception {
        Set<String> paths = new java.util.TreeSet<>();
        try (org.eclipse.jgit.lib.Repository repo = new org.eclipse.jgit.storage.file.FileRepositoryBuilder()
                        .setGitDir(gitDir.toFile())
                        .build();
                org.eclipse.jgit.treewalk.TreeWalk walk = new org.eclipse.jgit.treewalk.TreeWalk(repo)) {
            walk.addTree(commit.getTree());
            walk.setRecursive(true);
            while (walk.next()) {
                paths.add(walk.getPathString());
            }
        }
        return paths;
    }

    @Test
    void aDeletedItemIsCreditedToWhoDeletedIt() throws Exception {
        writeFiveItems();
        Remote remote = remote();
        sync(source(null, null), destination(remote, "c"));
        Files.delete(project.resolve("f/etl/daily.flow/flow.yaml"));
        write(project, "f/etl/db.resource.yaml", "resource_type: mysql\n");

        SyncReport report = sync(
                source(
                        changes -> List.of(
                                new AttributedItem(
                                        "flow",
                                        "f/etl/daily",
                                        true,
                                        Set.of(SyncPath.of("f/etl/daily.flow/flow.yaml")),
                                        ALICE,
                                        Instant.parse("2026-01-02T09:00:00Z")),
                                item("resource", "f/etl/db", CAROL, 1300, "f/etl/db.resource.yaml")),
                        null),
                destination(remote, "c"));

        assertThat(report.status()).as(report.message()).isEqualTo(SyncStatus.SYNCED);
        List<RevCommit> log = GitTesting.log(remote.dir(), "main");
        assertThat(log).hasSize(3);
        assertThat(log.get(0).getAuthorIdent().getName()).isEqualTo("Alice Liddell");
        assertThat(log.get(0).getFullMessage()).isEqualTo("[WM]: Deployed 1 flow\n\nFlow 'f/etl/daily' deleted");
        assertThat(log.get(1).getAuthorIdent().getName()).isEqualTo("Carol");
        assertThat(GitTesting.tree(remote.dir(), "main")).doesNotContainKey("f/etl/daily.flow/flow.yaml");
    }

    @Test
    void metadataThatCannotBeReadMeansOneServiceCommitAndTheReportSaysSo() throws Exception {
        writeFiveItems();
        Remote failing = remote();
        Remote unavailable = remote();

        SyncReport report = sync(
                source(
                        changes -> {
                            throw new SourceException("HTTP 403 on scripts/list");
                        },
                        null),
                destination(failing, "f"));
        SyncReport reported = sync(source(null, "HTTP 403 on flows/list"), destination(unavailable, "u"));

        assertThat(report.status()).as(report.message()).isEqualTo(SyncStatus.SYNCED);
        List<RevCommit> log = GitTesting.log(failing.dir(), "main");
        assertThat(log).hasSize(1);
        assertThat(log.get(0).getAuthorIdent().getName()).isEqualTo("Backup Bot");
        assertThat(report.destinations().get(0).message())
                .contains("authors not credited: the source's metadata could not be read (HTTP 403 on scripts/list)"
                        + ", so one commit by Backup Bot");
        assertThat(GitTesting.log(unavailable.dir(), "main")).hasSize(1);
        assertThat(reported.destinations().get(0).message())
                .contains("authors not credited: HTTP 403 on flows/list, so one commit by Backup Bot");
        assertThat(log.get(0).getTree().getId())
                .isEqualTo(GitTesting.log(unavailable.dir(), "main")
                        .get(0)
                        .getTree()
                        .getId());
    }
}
