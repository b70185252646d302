package dev.workspacesync.databricks;

import static dev.workspacesync.databricks.testing.WorkspaceEmulator.Fault.kind;
import static org.assertj.core.api.Assertions.assertThat;

import dev.workspacesync.core.RetryPolicy;
import dev.workspacesync.core.Secret;
import dev.workspacesync.core.Snapshot;
import dev.workspacesync.core.SnapshotEntry;
import dev.workspacesync.core.SyncPath;
import dev.workspacesync.core.SyncPipeline;
import dev.workspacesync.core.SyncReport;
import dev.workspacesync.core.SyncStatus;
import dev.workspacesync.core.spi.Destination;
import dev.workspacesync.core.spi.Source;
import dev.workspacesync.core.testing.InMemorySource;
import dev.workspacesync.databricks.testing.WorkspaceEmulator;
import dev.workspacesync.databricks.testing.WorkspaceEmulator.Fault;
import dev.workspacesync.databricks.testing.WorkspaceEmulator.Kind;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a failed or killed run leaves behind, and where the state lives. */
class ResumeAndStateTest {
    static final String TOKEN = "dapi-resume";
    static final String ROOT = "/Users/alice@example.com/resume";

    @TempDir
    Path temp;

    WorkspaceEmulator emulator;

    @BeforeEach
    void start() {
        emulator = WorkspaceEmulator.start(TOKEN);
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    DatabricksWorkspaceDestination.Builder destination(Path stateDir) {
        return DatabricksWorkspaceDestination.builder()
                .host(emulator.host())
                .token(Secret.of(TOKEN))
                .root(ROOT)
                .environment(Map.of())
                .stateDirectory(stateDir)
                .rateLimit(0)
                .retryPolicy(new RetryPolicy(4, Duration.ofMillis(1), Duration.ofMillis(10)));
    }

    static SyncReport run(Source source, Destination destination) {
        try (SyncPipeline pipeline = SyncPipeline.builder()
                .source(source)
                .destination(destination)
                .retryPolicy(RetryPolicy.none())
                .build()) {
            return pipeline.run();
        }
    }

    @Test
    void aKilledRunLeavesAStateFromWhichTheNextRunSendsOnlyTheRest() throws Exception {
        InMemorySource source = new InMemorySource("resume");
        for (int i = 0; i < 10; i++) {
            source.put("f" + i + ".txt", "v" + i);
        }
        Path live = temp.resolve("live");
        Path killed = temp.resolve("killed");
        CountDownLatch reached = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        emulator.inject(Fault.hold(kind(Kind.IMPORT_FILE, "/f5.txt"), 1, reached, release));

        Thread run =
                new Thread(() -> run(source, destination(live).concurrency(1).build()));
        run.start();
        assertThat(reached.await(30, TimeUnit.SECONDS)).isTrue();
        // What a kill at this moment leaves on disk: copy it before the run goes on.
        Files.createDirectories(killed);
        try (Stream<Path> files = Files.list(live)) {
            for (Path file : files.toList()) {
                Files.copy(file, killed.resolve(file.getFileName()));
            }
        }
        release.countDown();
        run.join(30_000);

        emulator.resetCounts();
        SyncReport resumed = run(source, destination(killed).build());

        assertThat(resumed.status()).as(resumed.message()).isEqualTo(SyncStatus.SYNCED);
        assertThat(emulator.count(Kind.IMPORT_FILE) - emulator.uploadsOf(ROOT + "/.workspace-sync/manifest.json"))
                .as("f5..f9 only")
                .isEqualTo(5);
        for (int i = 0; i < 5; i++) {
            assertThat(emulator.uploadsOf(ROOT + "/f" + i + ".txt")).isZero();
        }
    }

    @Test
    void aFileThatChangesWhileItIsSentFailsWithoutLeavingAnything() {
        byte[] actual = "only half of it".getBytes(StandardCharsets.UTF_8);
        SnapshotEntry shrinking = new SnapshotEntry(
                SyncPath.of("shrinking.txt"),
                actual.length * 2L,
                false,
                Instant.now(),
                () -> new ByteArrayInputStream(actual));
        SnapshotEntry fine = new SnapshotEntry(
                SyncPath.of("fine.txt"), 2, false, Instant.now(), () -> new ByteArrayInputStream(new byte[] {1, 2}));
        Source source = fixed(Snapshot.of("changing", List.of(shrinking, fine)));

        SyncReport report = run(source, destination(temp.resolve("state")).build());

        assertThat(report.status()).isEqualTo(SyncStatus.FAILED);
        assertThat(report.destinations().get(0).message())
                .contains("shrinking.txt")
                .contains("changed while");
        assertThat(emulator.object(ROOT + "/shrinking.txt"))
                .as("no truncated file")
                .isEmpty();
        assertThat(emulator.uploadsOf(ROOT + "/shrinking.txt"))
                .as("not retried (the request may not even reach the server)")
                .isLessThanOrEqualTo(1);
        assertThat(emulator.object(ROOT + "/fine.txt")).isPresent();
    }

    @Test
    void theStateLivesInTheGitDirectoryOfAWorkTreeAndTheProjectIsItsName() throws Exception {
        Path project = temp.resolve("my-project");
        Files.createDirectories(project.resolve(".git"));
        SnapshotEntry entry = new SnapshotEntry(
                SyncPath.of("a.txt"), 1, false, Instant.now(), () -> new ByteArrayInputStream(new byte[] {'a'}));
        Source source = fixed(new Snapshot(
                "local:" + project, null, Instant.now(), Map.of("root", project.toString()), List.of(entry)));
        DatabricksWorkspaceDestination destination = DatabricksWorkspaceDestination.builder()
                .host(emulator.host())
                .token(Secret.of(TOKEN))
                .environment(Map.of())
                .build();

        SyncReport report = run(source, destination);

        assertThat(report.status()).as(report.message()).isEqualTo(SyncStatus.SYNCED);
        assertThat(emulator.object("/Users/alice@example.com/projects/my-project/a.txt"))
                .isPresent();
        try (Stream<Path> files = Files.list(project.resolve(".git/workspace-sync"))) {
            assertThat(files.map(p -> p.getFileName().toString())).anyMatch(n -> n.endsWith(".state"));
        }
    }

    @Test
    void withoutAGitWorkTreeTheStateGoesToTheUserCache() {
        Snapshot snapshot = new Snapshot("x", null, Instant.now(), Map.of("root", temp.toString()), List.of());
        assertThat(DatabricksWorkspaceDestination.defaultStateDirectory(snapshot)
                        .toString())
                .endsWith("workspace-sync/state");
    }

    static Source fixed(Snapshot snapshot) {
        return new Source() {
            @Override
            public String describe() {
                return snapshot.source();
            }

            @Override
            public Snapshot snapshot() {
                return snapshot;
            }
        };
    }
}
