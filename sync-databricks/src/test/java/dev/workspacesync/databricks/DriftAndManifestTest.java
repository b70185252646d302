package dev.workspacesync.databricks;

import static dev.workspacesync.databricks.testing.WorkspaceEmulator.Fault.kind;
import static org.assertj.core.api.Assertions.assertThat;

import dev.workspacesync.core.RetryPolicy;
import dev.workspacesync.core.Secret;
import dev.workspacesync.core.SyncPipeline;
import dev.workspacesync.core.SyncReport;
import dev.workspacesync.core.SyncStatus;
import dev.workspacesync.core.testing.InMemorySource;
import dev.workspacesync.databricks.testing.WorkspaceEmulator;
import dev.workspacesync.databricks.testing.WorkspaceEmulator.Fault;
import dev.workspacesync.databricks.testing.WorkspaceEmulator.Kind;
import dev.workspacesync.databricks.testing.WorkspaceEmulator.ObjectType;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Remote drift (the folder deleted or replaced behind the sync's back, files removed there), the periodic
 * reconcile, the manifest that lets a fresh clone without local state sync without uploading, and a
 * down or failing host: each through the pipeline against the workspace emulator.
 */
class DriftAndManifestTest {
    static final String TOKEN = "dapi-drift-0123456789";
    static final String ROOT = "/Workspace/Users/alice@example.com/projects/drift";
    static final String BARE = ROOT.substring("/Workspace".length());
    static final String MANIFEST = ROOT + "/.workspace-sync/manifest.json";

    @TempDir
    Path temp;

    WorkspaceEmulator emulator;
    InMemorySource source;

    @BeforeEach
    void start() {
        emulator = WorkspaceEmulator.start(TOKEN);
        source = new InMemorySource("drift");
        source.put("a.txt", "a")
                .put("lib/b.py", "def b():\n    return 1\n")
                .put("nb.py", "# Databricks notebook source\nprint(1)\n")
                .put("deep/er/c.txt", "c");
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    DatabricksWorkspaceDestination.Builder destination(String stateDir) {
        return DatabricksWorkspaceDestination.builder()
                .host(emulator.host())
                .token(Secret.of(TOKEN))
                .root(ROOT)
                .environment(Map.of())
                .stateDirectory(temp.resolve(stateDir))
                .rateLimit(0)
                .retryPolicy(new RetryPolicy(6, Duration.ofMillis(5), Duration.ofMillis(40)));
    }

    SyncReport sync(DatabricksWorkspaceDestination.Builder destination) {
        try (SyncPipeline pipeline = SyncPipeline.builder()
                .source(source)
                .destination(destination.build())
                .retryPolicy(RetryPolicy.none())
                .build()) {
            return pipeline.run();
        }
    }

    SyncReport sync() {
        return sync(destination("state"));
    }

    /** The project's objects in the workspace (the manifest excluded), path → text. */
    Map<String, String> project() {
        Map<String, String> out = new TreeMap<>();
        emulator.objectsUnder(ROOT).forEach((path, object) -> {
            String rel = path.substring(BARE.length() + 1);
            if (object.type() != ObjectType.DIRECTORY && !rel.startsWith(".workspace-sync/")) {
                out.put(rel, object.text());
            }
        });
        return out;
    }

    static final Map<String, String> EXPECTED = Map.of(
            "a.txt", "a",
            "lib/b.py", "def b():\n    return 1\n",
            "nb", "# Databricks notebook source\nprint(1)\n",
            "deep/er/c.txt", "c");

    int projectUploads() {
        return emulator.count(Kind.IMPORT_FILE) - emulator.uploadsOf(MANIFEST);
    }

    @Test
    void aDeletedFolderIsNoticedAndRestoredByTheNextRunWithoutAnEdit() {
        assertThat(sync().status()).isEqualTo(SyncStatus.SYNCED);
        emulator.remove(ROOT); // a user cleaning up

        SyncReport repaired = sync();

        assertThat(repaired.status()).as(repaired.message()).isEqualTo(SyncStatus.SYNCED);
        assertThat(repaired.destinations().get(0).message())
                .startsWith("Repaired drift (the folder " + ROOT + " is gone from the workspace)");
        assertThat(project()).isEqualTo(EXPECTED);
        assertThat(emulator.object(MANIFEST)).isPresent();

        emulator.resetCounts();
        assertThat(sync().status()).isEqualTo(SyncStatus.NO_CHANGES);
        assertThat(emulator.mutatingRequests()).isZero();
        assertThat(emulator.requestLog()).containsExactly("GET GET_STATUS " + BARE);
    }

    @Test
    void aReplacedFolderIsReconciledAndItsStrangersRemoved() {
        sync();
        emulator.remove(ROOT).putFile(ROOT + "/stranger.txt", "x".getBytes(StandardCharsets.UTF_8));

        SyncReport repaired = sync();

        assertThat(repaired.destinations().get(0).message())
                .contains("Repaired drift")
                .contains("was replaced");
        assertThat(project()).isEqualTo(EXPECTED);
    }

    @Test
    void aFileDeletedRemotelyIsRestoredByThePeriodicReconcile() {
        sync(destination("state").reconcileEveryRuns(3));
        emulator.remove(ROOT + "/lib/b.py");

        assertThat(sync(destination("state").reconcileEveryRuns(3)).status()).isEqualTo(SyncStatus.NO_CHANGES);
        emulator.resetCounts();
        SyncReport third = sync(destination("state").reconcileEveryRuns(3));

        assertThat(emulator.count(Kind.LIST)).as("a full reconcile").isPositive();
        assertThat(third.status()).isEqualTo(SyncStatus.SYNCED);
        assertThat(third.destinations().get(0).message())
                .contains("Repaired drift (the full check of " + ROOT + " found 1 file(s) changed or missing there");
        assertThat(project()).isEqualTo(EXPECTED);
        // Files found identical are not read back again: their ids and times were recorded at a check.
        sync(destination("state").reconcile(true)); // reads back lib/b.py, sent since the last check
        emulator.resetCounts();
        sync(destination("state").reconcile(true));
        assertThat(emulator.count(Kind.EXPORT)).isZero();
        assertThat(emulator.mutatingRequests()).isZero();
    }

    @Test
    void theTimeBasedReconcileRunsWhenTheLastOneIsOldEnough() {
        sync(destination("state").reconcileEvery(Duration.ofMillis(1)).reconcileEveryRuns(0));
        emulator.remove(ROOT + "/a.txt");

        SyncReport next =
                sync(destination("state").reconcileEvery(Duration.ofMillis(1)).reconcileEveryRuns(0));

        assertThat(next.destinations().get(0).message()).contains("Repaired drift");
        assertThat(project()).isEqualTo(EXPECTED);
    }

    @Test
    void aFreshCloneWithoutLocalStateUploadsNothingAndRemovesWhatLeftTheProject() {
        sync();
        emulator.resetCounts();

        SyncReport fresh = sync(destination("fresh-container"));

        assertThat(fresh.status()).as(fresh.message()).isEqualTo(SyncStatus.NO_CHANGES);
        assertThat(emulator.mutatingRequests()).isZero();
        assertThat(emulator.requestLog())
                .containsExactly("GET GET_STATUS " + BARE, "GET EXPORT " + BARE + "/.workspace-sync/manifest.json");
        emulator.resetCounts();
        assertThat(sync(destination("fresh-container")).status()).isEqualTo(SyncStatus.NO_CHANGES);
        assertThat(emulator.totalRequests()).as("the manifest is read once").isEqualTo(1);

        source.remove("a.txt");
        emulator.resetCounts();
        SyncReport removed = sync(destination("another-container"));

        assertThat(removed.deleted()).isEqualTo(1);
        assertThat(projectUploads()).isZero();
        assertThat(emulator.object(ROOT + "/a.txt")).isEmpty();
        assertThat(emulator.object(MANIFEST)).as("never deleted by the mirror").isPresent();
        assertThat(removed.destinations().get(0).plan().changes())
                .as("the manifest is no project file")
                .noneMatch(c -> c.path().value().startsWith(".workspace-sync"));
    }

    @Test
    void anUnusableManifestFallsBackToAFullReconcile() {
        sync();
        for (String bad : new String[] {
            "{not json",
            "{\"format\":\"workspace-sync-manifest\",\"version\":99}",
            // A run that was killed between its first change and its last write.
            "{\"format\":\"workspace-sync-manifest\",\"version\":1,\"complete\":false,\"root\":\"" + ROOT
                    + "\",\"root_object_id\":1,\"files\":{}}",
            // Another folder's manifest, copied here.
            "{\"format\":\"workspace-sync-manifest\",\"version\":1,\"complete\":true,\"root\":\"" + ROOT
                    + "\",\"root_object_id\":42,\"files\":{}}"
        }) {
            emulator.putFile(MANIFEST, bad.getBytes(StandardCharsets.UTF_8));
            emulator.remove(ROOT + "/a.txt"); // drift the manifest cannot tell about
            emulator.resetCounts();

            SyncReport report = sync(destination("fresh-" + bad.hashCode()));

            assertThat(report.status()).as(bad + ": " + report.message()).isEqualTo(SyncStatus.SYNCED);
            assertThat(report.destinations().get(0).message()).contains("Repaired drift");
            assertThat(emulator.count(Kind.LIST)).as(bad).isPositive();
            assertThat(project()).as(bad).isEqualTo(EXPECTED);
            assertThat(emulator.uploadsOf(ROOT + "/lib/b.py"))
                    .as("identical files are only recorded")
                    .isZero();
            assertThat(new String(emulator.object(MANIFEST).orElseThrow().content(), StandardCharsets.UTF_8))
                    .as("rewritten")
                    .contains("\"complete\" : true");
        }
    }

    @Test
    void aSourceFileInTheManifestFolderIsRefusedByName() {
        source.put(".workspace-sync/manifest.json", "{}");

        SyncReport report = sync();

        assertThat(report.status()).isEqualTo(SyncStatus.FAILED);
        assertThat(report.destinations().get(0).message())
                .contains(".workspace-sync/manifest.json")
                .contains("manifest");
        assertThat(emulator.mutatingRequests()).isZero();
    }

    @Test
    void aHostThatRefusesConnectionsFailsWithinSecondsNamingIt() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        long start = System.nanoTime();
        SyncReport report = sync(DatabricksWorkspaceDestination.builder()
                .host("http://127.0.0.1:" + port)
                .token(Secret.of(TOKEN))
                .root(ROOT)
                .environment(Map.of())
                .stateDirectory(temp.resolve("down"))
                .rateLimit(0));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(report.status()).isEqualTo(SyncStatus.FAILED);
        assertThat(took).isLessThan(Duration.ofSeconds(10));
        assertThat(report.message())
                .contains("cannot reach http://127.0.0.1:" + port)
                .contains("connection refused")
                .doesNotContain("null");
    }

    @Test
    void aHostNameThatDoesNotResolveFailsAtOnce() {
        long start = System.nanoTime();
        SyncReport report = sync(DatabricksWorkspaceDestination.builder()
                .host("https://no-such-workspace.invalid")
                .token(Secret.of(TOKEN))
                .root(ROOT)
                .environment(Map.of())
                .stateDirectory(temp.resolve("nxdomain"))
                .rateLimit(0));

        assertThat(report.status()).isEqualTo(SyncStatus.FAILED);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
        assertThat(report.message())
                .contains("no-such-workspace.invalid")
                .contains("does not resolve")
                .doesNotContain("null");
    }

    @Test
    void aHostThatKeepsFailingIsGivenUpAtTheDeadlineAndTheRestIsNotTried() {
        sync();
        for (int i = 0; i < 30; i++) {
            source.put("more/f" + i + ".txt", "v" + i);
        }
        emulator.inject(Fault.unavailable(kind(Kind.IMPORT_FILE), Integer.MAX_VALUE));
        long start = System.nanoTime();

        SyncReport report = sync(destination("state")
                .deadline(Duration.ofSeconds(2))
                .concurrency(2)
                .retryPolicy(new RetryPolicy(1000, Duration.ofMillis(50), Duration.ofMillis(200))));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(report.status()).isEqualTo(SyncStatus.FAILED);
        assertThat(took)
                .as("bounded by the deadline, not by 31 files x the deadline")
                .isLessThan(Duration.ofSeconds(15));
        assertThat(report.message())
                .contains(emulator.host())
                .contains("503 TEMPORARILY_UNAVAILABLE")
                .contains("databricks.deadline");
        emulator.clearFaults();
        assertThat(sync().status()).isEqualTo(SyncStatus.SYNCED);
        assertThat(emulator.object(ROOT + "/more/f29.txt")).isPresent();
    }

    @Test
    void theDefaultFolderRemembersItsUserSoANoOpRunIsOneRead() throws Exception {
        DatabricksWorkspaceDestination.Builder byDefault = DatabricksWorkspaceDestination.builder()
                .host(emulator.host())
                .token(Secret.of(TOKEN))
                .environment(Map.of())
                .stateDirectory(temp.resolve("default-root"))
                .rateLimit(0);
        assertThat(sync(byDefault).status()).isEqualTo(SyncStatus.SYNCED);
        emulator.resetCounts();

        assertThat(sync(byDefault).status()).isEqualTo(SyncStatus.NO_CHANGES);
        assertThat(emulator.requestLog()).containsExactly("GET GET_STATUS " + BARE);

        // Another user signed in since (their token): the remembered folder is not theirs, so SCIM decides.
        try (var files = java.nio.file.Files.list(temp.resolve("default-root"))) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith("databricks-user-"))
                    .toList()) {
                java.nio.file.Files.writeString(file, "bob@example.com\n");
            }
        }
        emulator.resetCounts();
        SyncReport switched = sync(byDefault);
        assertThat(switched.status()).as(switched.message()).isEqualTo(SyncStatus.NO_CHANGES);
        assertThat(switched.destinations().get(0).target()).contains("/Users/alice@example.com/projects/drift");
        assertThat(emulator.count(Kind.ME)).isEqualTo(1);
        assertThat(emulator.objectsUnder("/Users/bob@example.com")).isEmpty();
    }

    @Test
    void theReportShowsTheResolvedFolderNotPlaceholders() {
        SyncReport report = sync(DatabricksWorkspaceDestination.builder()
                .host(emulator.host())
                .token(Secret.of(TOKEN))
                .environment(Map.of())
                .stateDirectory(temp.resolve("default-root"))
                .rateLimit(0));

        assertThat(report.status()).as(report.message()).isEqualTo(SyncStatus.SYNCED);
        String target = report.destinations().get(0).target();
        assertThat(target)
                .isEqualTo("databricks:" + emulator.host() + "/Workspace/Users/" + WorkspaceEmulator.USER
                        + "/projects/drift")
                .doesNotContain("<");
        assertThat(report.message()).doesNotContain("<current user>").doesNotContain("<project>");
    }
}
