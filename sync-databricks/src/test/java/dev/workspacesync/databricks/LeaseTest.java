package dev.workspacesync.databricks;

import static dev.workspacesync.databricks.testing.WorkspaceEmulator.Fault.kind;
import static org.assertj.core.api.Assertions.assertThat;

import dev.workspacesync.core.RetryPolicy;
import dev.workspacesync.core.Secret;
import dev.workspacesync.core.SyncPipeline;
import dev.workspacesync.core.SyncReport;
import dev.workspacesync.core.SyncStatus;
import dev.workspacesync.core.testing.InMemorySource;
import dev.workspacesync.databricks.internal.Lease;
import dev.workspacesync.databricks.testing.WorkspaceEmulator;
import dev.workspacesync.databricks.testing.WorkspaceEmulator.Fault;
import dev.workspacesync.databricks.testing.WorkspaceEmulator.Kind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lease in {@code .workspace-sync/lease.json}: one writer per folder, with the SDK against the emulator. */
class LeaseTest {
    static final String TOKEN = "dapi-test-0123456789abcdef";
    static final String ROOT = "/Workspace/Users/alice@example.com/projects/demo";
    static final String LEASE = ROOT + "/" + Lease.PATH;

    @TempDir
    Path stateA;

    @TempDir
    Path stateB;

    WorkspaceEmulator emulator;
    InMemorySource source;

    @BeforeEach
    void start() {
        emulator = WorkspaceEmulator.start(TOKEN);
        source = new InMemorySource("demo")
                .put("main.py", "# Databricks notebook source\nprint(1)\n")
                .put("lib/util.py", "def f():\n    return 1\n")
                .put("README.md", "# demo\n");
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    DatabricksWorkspaceDestination destination(Path state) {
        return DatabricksWorkspaceDestination.builder()
                .host(emulator.host())
                .token(Secret.of(TOKEN))
                .root(ROOT)
                .environment(Map.of())
                .stateDirectory(state)
                .rateLimit(0)
                .concurrency(1) // one upload at a time: a held upload stops the whole run
                .retryPolicy(new RetryPolicy(3, Duration.ofMillis(5), Duration.ofMillis(20)))
                .build();
    }

    SyncReport sync(Path state) {
        try (SyncPipeline pipeline = SyncPipeline.builder()
                .source(source)
                .destination(destination(state))
                .retryPolicy(RetryPolicy.none())
                .build()) {
            return pipeline.run();
        }
    }

    void assertWorkspaceEqualsSource() {
        assertThat(emulator.object(ROOT + "/main").orElseThrow().text()).contains("print(1)");
        assertThat(emulator.object(ROOT + "/lib/util.py").orElseThrow().text()).contains("return 1");
        assertThat(emulator.object(ROOT + "/README.md").orElseThrow().text()).isEqualTo("# demo\n");
        assertThat(emulator.objectsUnder(ROOT).keySet().stream()
                        .filter(p -> !p.contains("/.workspace-sync"))
                        .filter(p -> emulator.object(p).orElseThrow().type() != WorkspaceEmulator.ObjectType.DIRECTORY))
                .hasSize(3);
    }

    static byte[] leaseJson(String host, long pid, Instant expires) {
        return ("{\"format\":\"workspace-sync-lease\",\"holder\":\"" + host + "/" + pid + "/abc\",\"host\":\"" + host
                        + "\",\"pid\":" + pid + ",\"acquired_at\":\"" + expires.minusSeconds(600)
                        + "\",\"expires_at\":\""
                        + expires + "\"}")
                .getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void twoReplicasRacingOnOneFolderHaveOneWriter() throws Exception {
        CountDownLatch reached = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        // Hold the first writer's first upload: it holds the lease meanwhile.
        emulator.inject(Fault.hold(kind(Kind.IMPORT_FILE), 1, reached, release));
        CompletableFuture<SyncReport> first = CompletableFuture.supplyAsync(() -> sync(stateA));
        assertThat(reached.await(30, TimeUnit.SECONDS)).isTrue();
        int mutatingBefore = emulator.mutatingRequests();

        SyncReport second = sync(stateB);

        assertThat(second.status()).isEqualTo(SyncStatus.FAILED);
        assertThat(second.destinations().get(0).cause().isRetryable()).isTrue();
        assertThat(second.message())
                .contains("another replica (host ")
                .contains("is syncing " + ROOT + " until ")
                .contains("the next run will retry");
        // The loser only tried to create the lease.
        assertThat(emulator.mutatingRequests() - mutatingBefore).isEqualTo(1);
        release.countDown();
        SyncReport winner = first.get(30, TimeUnit.SECONDS);
        assertThat(winner.status()).as(winner.message()).isEqualTo(SyncStatus.SYNCED);
        assertThat(emulator.object(LEASE)).isEmpty();
        assertWorkspaceEqualsSource();

        SyncReport rerun = sync(stateB);
        assertThat(rerun.status()).as(rerun.message()).isIn(SyncStatus.SYNCED, SyncStatus.NO_CHANGES);
        assertWorkspaceEqualsSource();
        assertThat(emulator.object(LEASE)).isEmpty();
    }

    @Test
    void anUnexpiredLeaseOfAnotherHostBlocksAndWritesNothing() {
        emulator.putFile(LEASE, leaseJson("other-host", 42, Instant.now().plusSeconds(300)));
        emulator.resetCounts();

        SyncReport report = sync(stateA);

        assertThat(report.status()).isEqualTo(SyncStatus.FAILED);
        assertThat(report.destinations().get(0).cause().isRetryable()).isTrue();
        assertThat(report.message()).contains("host other-host, pid 42");
        assertThat(emulator.mutatingRequests()).isEqualTo(1); // the refused create
        assertThat(emulator.object(ROOT + "/README.md")).isEmpty();
        assertThat(emulator.object(LEASE)).isPresent();
    }

    @Test
    void anExpiredLeaseIsTakenOver() {
        emulator.putFile(LEASE, leaseJson("other-host", 42, Instant.now().minusSeconds(1)));

        SyncReport report = sync(stateA);

        assertThat(report.status()).as(report.message()).isEqualTo(SyncStatus.SYNCED);
        assertWorkspaceEqualsSource();
        assertThat(emulator.object(LEASE)).isEmpty();
    }

    @Test
    void aLeaseOfADeadProcessOnThisHostIsTakenOverAtOnce() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        String host = java.net.InetAddress.getLocalHost().getHostName();
        emulator.putFile(LEASE, leaseJson(host, gone.pid(), Instant.now().plusSeconds(300)));

        SyncReport report = sync(stateA);

        assertThat(report.status()).as(report.message()).isEqualTo(SyncStatus.SYNCED);
        assertThat(emulator.object(LEASE)).isEmpty();
    }

    @Test
    void theLeaseIsReleasedAfterAFailedApply() {
        emulator.inject(Fault.internalError(kind(Kind.IMPORT_FILE, "README.md"), 1));

        SyncReport report = sync(stateA);

        assertThat(report.status()).isEqualTo(SyncStatus.FAILED);
        assertThat(emulator.object(LEASE)).isEmpty();
        SyncReport rerun = sync(stateA);
        assertThat(rerun.status()).as(rerun.message()).isEqualTo(SyncStatus.SYNCED);
        assertWorkspaceEqualsSource();
    }

    @Test
    void aNoOpRunTakesNoLease() {
        sync(stateA);
        emulator.resetCounts();

        SyncReport report = sync(stateA);

        assertThat(report.status()).isEqualTo(SyncStatus.NO_CHANGES);
        assertThat(emulator.mutatingRequests()).isZero();
        assertThat(emulator.uploadsOf(LEASE)).isZero();
    }

    @Test
    void aLongRunRenewsItsLease() {
        // With a TTL this short every upload finds the lease past half its time, so it is renewed each time.
        DatabricksWorkspaceDestination destination = DatabricksWorkspaceDestination.builder()
                .host(emulator.host())
                .token(Secret.of(TOKEN))
                .root(ROOT)
                .environment(Map.of())
                .stateDirectory(stateA)
                .rateLimit(0)
                .concurrency(1)
                .leaseTtl(Duration.ofMillis(1))
                .build();
        SyncReport report;
        try (SyncPipeline pipeline = SyncPipeline.builder()
                .source(source)
                .destination(destination)
                .retryPolicy(RetryPolicy.none())
                .build()) {
            report = pipeline.run();
        }

        assertThat(report.status()).as(report.message()).isEqualTo(SyncStatus.SYNCED);
        // A create answered 404 (the folder is new), the create after mkdirs, then a renewal (overwrite)
        // after each of the three uploads.
        assertThat(emulator.count(Kind.IMPORT)).isEqualTo(5);
        assertThat(emulator.object(LEASE)).isEmpty();
        assertWorkspaceEqualsSource();
    }

    @Test
    void theLeaseIsNotAProjectFile() {
        assertThat(sync(stateA).status()).isEqualTo(SyncStatus.SYNCED);
        emulator.putFile(LEASE, leaseJson("other-host", 42, Instant.now().minusSeconds(1)));

        SyncReport reconcile = sync(stateB);

        assertThat(reconcile.status()).as(reconcile.message()).isEqualTo(SyncStatus.NO_CHANGES);
        assertThat(emulator.object(LEASE)).isPresent(); // not deleted as an orphan
    }
}
