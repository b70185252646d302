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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The destination with the real SDK against the workspace emulator over loopback. */
class DatabricksWorkspaceDestinationTest {
    static final String TOKEN = "dapi-test-0123456789abcdef";
    static final String ROOT = "/Workspace/Users/alice@example.com/projects/demo";
    static final String PY_NOTEBOOK = "# Databricks notebook source\nprint(1)\n";

    @TempDir
    Path stateDir;

    WorkspaceEmulator emulator;
    InMemorySource source;

    @BeforeEach
    void start() {
        emulator = WorkspaceEmulator.start(TOKEN);
        source = new InMemorySource("demo");
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    DatabricksWorkspaceDestination.Builder destination() {
        return DatabricksWorkspaceDestination.builder()
                .host(emulator.host())
                .token(Secret.of(TOKEN))
                .root(ROOT)
                .environment(Map.of())
                .stateDirectory(stateDir)
                .rateLimit(0)
                .retryPolicy(new RetryPolicy(8, Duration.ofMillis(5), Duration.ofMillis(40)));
    }

    SyncReport sync() {
        return sync(destination().build(), false);
    }

    SyncReport sync(DatabricksWorkspaceDestination destination, boolean dryRun) {
        try (SyncPipeline pipeline = SyncPipeline.builder()
                .source(source)
                .destination(destination)
                .dryRun(dryRun)
                .retryPolicy(RetryPolicy.none())
                .build()) {
            return pipeline.run();
        }
    }

    String remote(String relative) {
        return ROOT + "/" + relative;
    }

    void mixedTree() {
        source.put("main.py", PY_NOTEBOOK)
                .put("lib/util.py", "def f():\n    return 1\n")
                .put("lib/analysis.r", "# Databricks notebook source\nx <- 1\n")
                .put("lib/deep/job.scala", "// Databricks notebook source\nval x = 1\n")
                .put("sql/report.sql", "-- Databricks notebook source\nSELECT 1\n")
                .put("sql/plain.sql", "SELECT 2\n")
                .put("nb/explore.ipynb", jupyter("python"))
                .put("nb/broken.ipynb", "{not json")
                .put("données/my file #1+2.txt", "unicode and spaces")
                .put("README.md", "# demo\n")
                .put("bin/run.sh", "#!/bin/sh\necho hi\n".getBytes(StandardCharsets.UTF_8), true);
    }

    static String jupyter(String language) {
        return "{\"cells\":[{\"cell_type\":\"code\",\"source\":[\"1\"]}],\"metadata\":{"
                + "\"application/vnd.databricks.v1+notebook\":{\"language\":\"" + language + "\"}},"
                + "\"nbformat\":4,\"nbformat_minor\":5}";
    }

    @Test
    void firstSyncOfAMixedTree() {
        mixedTree();
        SyncReport report = sync();

        assertThat(report.status()).as(report.message()).isEqualTo(SyncStatus.SYNCED);
        assertThat(report.added()).isEqualTo(11);
        assertThat(emulator.object(remote("main")).orElseThrow().type()).isEqualTo(ObjectType.NOTEBOOK);
        assertThat(emulator.object(remote("main.py"))).isEmpty();
        assertThat(emulator.object(remote("lib/analysis")).orElseThrow().language())
                .isEqualTo("R");
        assertThat(emulator.object(remote("lib/deep/job")).orElseThrow().language())
                .isEqualTo("SCALA");
        assertThat(emulator.object(remote("sql/report")).orElseThrow().language())
                .isEqualTo("SQL");
        assertThat(emulator.object(remote("nb/explore")).orElseThrow().type()).isEqualTo(ObjectType.NOTEBOOK);
        assertThat(emulator.object(remote("lib/util.py")).orElseThrow().type()).isEqualTo(ObjectType.FILE);
        assertThat(emulator.object(remote("sql/plain.sql")).orElseThrow().text())
                .isEqualTo("SELECT 2\n");
        assertThat(emulator.object(remote("nb/broken.ipynb")).orElseThrow().type())
                .isEqualTo(ObjectType.FILE);
        assertThat(emulator.object(remote("données/my file #1+2.txt"))
                        .orElseThrow()
                        .text())
                .isEqualTo("unicode and spaces");
        assertThat(emulator.object(remote("bin/run.sh")).orElseThrow().text()).isEqualTo("#!/bin/sh\necho hi\n");
        assertThat(emulator.object(remote("README.md")).orElseThrow().text()).isEqualTo("# demo\n");
        // Every object below the root is one we sent (and the folders they need).
        assertThat(emulator.objectsUnder(ROOT).values().stream()
                        .filter(o -> o.type() != ObjectType.DIRECTORY)
                        .filter(o -> !o.path().contains("/.workspace-sync/"))
                        .count())
                .isEqualTo(11);
    }

    /** Uploads of project files (the manifest in {@code .workspace-sync/} is the tool's own). */
    int projectUploads() {
        return emulator.count(Kind.IMPORT_FILE) - emulator.uploadsOf(ROOT + "/.workspace-sync/manifest.json");
    }

    @Test
    void aResyncWithoutChangesMakesOneReadTheFolderCheck() {
        mixedTree();
        sync();
        emulator.resetCounts();

        SyncReport report = sync();

        assertThat(report.status()).isEqualTo(SyncStatus.NO_CHANGES);
        assertThat(emulator.mutatingRequests()).isZero();
        assertThat(emulator.requestLog()).containsExactly("GET GET_STATUS " + ROOT.substring("/Workspace".length()));
    }

    @Test
    void oneChangedFileIsExactlyOneUpload() {
        mixedTree();
        sync();
        emulator.resetCounts();
        source.put("lib/util.py", "def f():\n    return 2\n");

        SyncReport report = sync();

        assertThat(report.updated()).isEqualTo(1);
        assertThat(projectUploads()).isEqualTo(1);
        assertThat(emulator.uploadsOf(remote("lib/util.py"))).isEqualTo(1);
        // Plus the manifest (marked "being changed" before, rewritten after) and the lease (created, deleted).
        assertThat(emulator.mutatingRequests()).isEqualTo(5);
        assertThat(emulator.object(remote("lib/util.py")).orElseThrow().text()).contains("return 2");
    }

    @Test
    void aTouchWithoutChangeUploadsNothing() {
        mixedTree();
        sync();
        emulator.resetCounts();
        source.touch("README.md").touch("main.py");

        SyncReport report = sync();

        assertThat(report.succeeded()).isTrue();
        assertThat(emulator.mutatingRequests()).isZero();
        emulator.resetCounts();
        assertThat(sync().status()).isEqualTo(SyncStatus.NO_CHANGES);
        assertThat(emulator.totalRequests()).isEqualTo(1);
    }

    @Test
    void deletesAndRenamesPropagateAndEmptiedFoldersGo() {
        source.put("keep.txt", "k")
                .put("a/b/only.txt", "o")
                .put("a/other.txt", "x")
                .put("old/name.txt", "n")
                .put("nb.py", PY_NOTEBOOK)
                .put("more1.txt", "1")
                .put("more2.txt", "2");
        sync();

        source.remove("a/b/only.txt")
                .remove("old/name.txt")
                .put("new/name.txt", "n")
                .remove("nb.py");
        SyncReport report = sync();

        assertThat(report.status()).as(report.message()).isEqualTo(SyncStatus.SYNCED);
        assertThat(report.deleted()).isEqualTo(3);
        assertThat(emulator.object(remote("a/b/only.txt"))).isEmpty();
        assertThat(emulator.object(remote("a/b"))).as("emptied folder removed").isEmpty();
        assertThat(emulator.object(remote("a/other.txt"))).isPresent();
        assertThat(emulator.object(remote("old"))).isEmpty();
        assertThat(emulator.object(remote("new/name.txt")).orElseThrow().text()).isEqualTo("n");
        assertThat(emulator.object(remote("nb"))).isEmpty();
    }

    @Test
    void aFolderHoldingSomeoneElsesFileStays() {
        source.put("a/b/mine.txt", "m").put("x1.txt", "1").put("x2.txt", "2").put("x3.txt", "3");
        sync();
        emulator.putFile(remote("a/b/theirs.txt"), "t".getBytes(StandardCharsets.UTF_8));

        source.remove("a/b/mine.txt");
        SyncReport report = sync();

        assertThat(report.status()).as(report.message()).isEqualTo(SyncStatus.SYNCED);
        assertThat(emulator.object(remote("a/b/theirs.txt"))).isPresent();
    }

    @Test
    void notebookAndFileTransitionsReplaceTheOldObject() {
        source.put("t.py", "print('plain')\n").put("other.txt", "o");
        sync();
        assertThat(emulator.object(remote("t.py")).orElseThrow().type()).isEqualTo(ObjectType.FILE);

        source.put("t.py", PY_NOTEBOOK);
        SyncReport toNotebook = sync();
        assertThat(toNotebook.status()).as(toNotebook.message()).isEqualTo(SyncStatus.SYNCED);
        assertThat(emulator.object(remote("t.py"))).isEmpty();
        assertThat(emulator.object(remote("t")).orElseThrow().type()).isEqualTo(ObjectType.NOTEBOOK);

        source.put("t.py", "print('plain again')\n");
        SyncReport toFile = sync();
        assertThat(toFile.status()).as(toFile.message()).isEqualTo(SyncStatus.SYNCED);
        assertThat(emulator.object(remote("t"))).isEmpty();
        assertThat(emulator.object(remote("t.py")).orElseThrow().text()).isEqualTo("print('plain again')\n");
    }

    @Test
    void aFolderDeletedBehindOurBackIsRecreatedForTheNextUpload() {
        source.put("deep/er/a.txt", "a").put("top.txt", "t");
        sync();
        emulator.remove(remote("deep"));
        source.put("deep/er/a.txt", "a2");

        SyncReport report = sync();

        assertThat(report.status()).as(report.message()).isEqualTo(SyncStatus.SYNCED);
        assertThat(emulator.object(remote("deep/er/a.txt")).orElseThrow().text())
                .isEqualTo("a2");
    }

    @Test
    void anObjectOfAnotherKindInTheWayIsExplained() {
        source.put("n.py", "print(1)\n").put("other.txt", "o");
        emulator.putNotebook(remote("n"), "PYTHON", "# Databricks notebook source\n");

        SyncReport report = sync();

        assertThat(report.status()).isEqualTo(SyncStatus.FAILED);
        assertThat(report.destinations().get(0).message())
                .contains("already exists")
                .contains("databricks.reconcile=true");
        SyncReport repaired = sync(destination().reconcile(true).build(), false);
        assertThat(repaired.status()).as(repaired.message()).isEqualTo(SyncStatus.SYNCED);
        assertThat(emulator.object(remote("n"))).isEmpty();
        assertThat(emulator.object(remote("n.py")).orElseThrow().type()).isEqualTo(ObjectType.FILE);
    }

    @Test
    void aNotebookAndFileClashIsReportedBeforeAnyWrite() {
        source.put("foo.py", PY_NOTEBOOK).put("foo", "a plain file").put("bar.txt", "b");

        SyncReport report = sync();

        assertThat(report.status()).isEqualTo(SyncStatus.FAILED);
        assertThat(report.destinations().get(0).message())
                .contains("foo.py")
                .contains("foo ")
                .contains(ROOT + "/foo");
        assertThat(emulator.mutatingRequests()).isZero();
        assertThat(emulator.objectsUnder(ROOT)).isEmpty();
    }

    @Test
    void aNotebookAndAFolderOfTheSameNameClash() {
        source.put("x.py", PY_NOTEBOOK).put("x/inner.txt", "i");

        SyncReport report = sync();

        assertThat(report.status()).isEqualTo(SyncStatus.FAILED);
        assertThat(report.destinations().get(0).message()).contains("x.py");
        assertThat(emulator.mutatingRequests()).isZero();
    }

    @Test
    void rateLimitStormsAndUnavailabilityAreSurvived() {
        for (int i = 0; i < 30; i++) {
            source.put("f/file" + i + ".txt", "content " + i);
        }
        emulator.inject(Fault.rateLimited(kind(Kind.IMPORT_FILE), 60, 0))
                .inject(Fault.unavailable(kind(Kind.IMPORT_FILE), 10))
                .inject(Fault.unavailable(kind(Kind.MKDIRS), 2))
                .inject(Fault.rateLimited(kind(Kind.MKDIRS), 2, 0));

        // A storm: every request of a run may be refused many times in a row; patience is what counts.
        SyncReport report = sync(
                destination()
                        .concurrency(4)
                        .retryPolicy(new RetryPolicy(40, Duration.ofMillis(1), Duration.ofMillis(20)))
                        .build(),
                false);

        assertThat(report.status()).as(report.message()).isEqualTo(SyncStatus.SYNCED);
        for (int i = 0; i < 30; i++) {
            assertThat(emulator.object(remote("f/file" + i + ".txt"))
                            .orElseThrow()
                            .text())
                    .isEqualTo("content " + i);
        }
    }

    @Test
    void aConnectionResetMidUploadNeverLeavesAnEmptyOrTruncatedFile() {
        byte[] big = new byte[300_000];
        new SplittableRandom(42).nextBytes(big);
        source.put("data/big.bin", big, false).put("small.txt", "s");
        emulator.inject(Fault.resetMidUpload(kind(Kind.IMPORT_FILE, "big.bin"), 2, 64 * 1024));

        SyncReport report = sync();

        assertThat(report.status()).as(report.message()).isEqualTo(SyncStatus.SYNCED);
        assertThat(emulator.object(remote("data/big.bin")).orElseThrow().content())
                .isEqualTo(big);
        assertThat(emulator.uploadsOf(remote("data/big.bin")))
                .as("two resets, then success")
                .isEqualTo(3);
    }

    @Test
    void uploadsThatKeepFailingLeaveNothingBehindAndNoState() {
        byte[] big = new byte[200_000];
        new SplittableRandom(7).nextBytes(big);
        source.put("big.bin", big, false).put("a.txt", "a").put("b.txt", "b");
        emulator.inject(Fault.resetMidUpload(kind(Kind.IMPORT_FILE, "big.bin"), 1000, 10_000));

        SyncReport failed = sync();

        assertThat(failed.status()).isEqualTo(SyncStatus.FAILED);
        assertThat(emulator.object(remote("big.bin")))
                .as("no 0-byte or partial object")
                .isEmpty();
        assertThat(emulator.object(remote("a.txt"))).isPresent();

        emulator.clearFaults().resetCounts();
        SyncReport retried = sync();
        assertThat(retried.status()).as(retried.message()).isEqualTo(SyncStatus.SYNCED);
        assertThat(projectUploads()).isEqualTo(1);
        assertThat(emulator.object(remote("big.bin")).orElseThrow().content()).isEqualTo(big);
    }

    @Test
    void aPermanentErrorFailsTheRunAndTheNextRunSendsOnlyTheRest() {
        for (int i = 0; i < 10; i++) {
            source.put("f" + i + ".txt", "v" + i);
        }
        emulator.inject(Fault.internalError(kind(Kind.IMPORT_FILE, "/f3.txt"), 1000));

        SyncReport failed = sync();

        assertThat(failed.status()).isEqualTo(SyncStatus.FAILED);
        assertThat(failed.destinations().get(0).message())
                .contains("f3.txt")
                .contains("500")
                .contains("Internal error while handling the request.");
        assertThat(emulator.uploadsOf(remote("f3.txt")))
                .as("500 is not retried")
                .isEqualTo(1);
        assertThat(emulator.object(remote("f3.txt"))).isEmpty();

        emulator.clearFaults().resetCounts();
        SyncReport next = sync();

        assertThat(next.status()).as(next.message()).isEqualTo(SyncStatus.SYNCED);
        assertThat(projectUploads()).isEqualTo(1);
        assertThat(emulator.uploadsOf(remote("f3.txt"))).isEqualTo(1);
    }

    @Test
    void aFullFolderIsReportedWithTheServersReason() {
        source.put("a.txt", "a").put("b.txt", "b").put("c.txt", "c");
        emulator.maxChildren(2);

        SyncReport report = sync();

        assertThat(report.status()).isEqualTo(SyncStatus.FAILED);
        assertThat(report.destinations().get(0).message()).contains("MAX_CHILD_NODE_SIZE_EXCEEDED");
    }

    @Test
    void lostStatePlusReconcileConverges() throws Exception {
        mixedTree();
        sync();
        // Drift: the state is lost, someone edits, deletes and adds files in the workspace.
        try (var files = Files.list(stateDir)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        emulator.putFile(remote("README.md"), "# edited remotely\n".getBytes(StandardCharsets.UTF_8));
        emulator.putFile(remote("sql/plain.sql"), "SELECT 3\n".getBytes(StandardCharsets.UTF_8)); // same size
        emulator.remove(remote("lib/util.py"));
        emulator.putFile(remote("stray/orphan.txt"), "orphan".getBytes(StandardCharsets.UTF_8));
        emulator.resetCounts();

        DatabricksWorkspaceDestination reconciling =
                destination().reconcile(true).build();
        SyncReport report = sync(reconciling, false);

        assertThat(report.status()).as(report.message()).isEqualTo(SyncStatus.SYNCED);
        assertThat(emulator.object(remote("README.md")).orElseThrow().text()).isEqualTo("# demo\n");
        assertThat(emulator.object(remote("sql/plain.sql")).orElseThrow().text())
                .isEqualTo("SELECT 2\n");
        assertThat(emulator.object(remote("lib/util.py"))).isPresent();
        assertThat(emulator.object(remote("stray/orphan.txt"))).isEmpty();
        assertThat(emulator.object(remote("stray"))).isEmpty();
        assertThat(emulator.uploadsOf(remote("données/my file #1+2.txt")))
                .as("identical file only recorded")
                .isZero();
        assertThat(emulator.uploadsOf(remote("bin/run.sh"))).isZero();

        emulator.resetCounts();
        SyncReport again = sync(destination().reconcile(true).build(), false);
        assertThat(again.status()).as(again.message()).isEqualTo(SyncStatus.NO_CHANGES);
        assertThat(emulator.mutatingRequests()).isZero();
        emulator.resetCounts();
        assertThat(sync().status()).isEqualTo(SyncStatus.NO_CHANGES);
        assertThat(emulator.totalRequests()).isEqualTo(1);
    }

    @Test
    void reconcileRestoresRemotelyDeletedFilesEvenWithState() {
        source.put("a.txt", "a").put("d/b.txt", "b").put("c.py", PY_NOTEBOOK);
        sync();
        emulator.remove(remote("d")).remove(remote("c"));

        SyncReport report = sync(destination().reconcile(true).build(), false);

        assertThat(report.status()).as(report.message()).isEqualTo(SyncStatus.SYNCED);
        assertThat(emulator.object(remote("d/b.txt"))).isPresent();
        assertThat(emulator.object(remote("c")).orElseThrow().type()).isEqualTo(ObjectType.NOTEBOOK);
    }

    @Test
    void aDryRunMakesNoMutatingRequest() {
        mixedTree();
        SyncReport report = sync(destination().build(), true);
        assertThat(report.dryRun()).isTrue();
        assertThat(report.destinations().get(0).added()).isEqualTo(11);
        assertThat(emulator.mutatingRequests()).isZero();

        SyncReport reconcileDry = sync(destination().reconcile(true).build(), true);
        assertThat(reconcileDry.destinations().get(0).added()).isEqualTo(11);
        assertThat(emulator.mutatingRequests()).isZero();
    }

    @Test
    void theDeletionGuardSeesTheRecordedFiles() {
        mixedTree();
        sync();
        emulator.resetCounts();
        source.clear().put("only.txt", "left");

        SyncReport report = sync();

        assertThat(report.status()).isEqualTo(SyncStatus.REFUSED);
        assertThat(emulator.mutatingRequests()).isZero();
    }

    @Test
    void theDefaultRootUsesTheCurrentUserAndTheProject() {
        source.put("a.txt", "a");
        DatabricksWorkspaceDestination destination = DatabricksWorkspaceDestination.builder()
                .host(emulator.host())
                .token(Secret.of(TOKEN))
                .environment(Map.of())
                .stateDirectory(stateDir)
                .build();

        SyncReport report = sync(destination, false);

        assertThat(report.status()).as(report.message()).isEqualTo(SyncStatus.SYNCED);
        assertThat(emulator.object("/Users/alice@example.com/projects/demo/a.txt"))
                .isPresent();
        assertThat(emulator.count(Kind.ME)).isEqualTo(1);
    }

    @Test
    void oauthMachineToMachineSignsIn() {
        emulator.oauthClient("sp-1234", "sp-secret-value");
        source.put("a.txt", "a").put("nb.sql", "-- Databricks notebook source\nSELECT 1\n");
        DatabricksWorkspaceDestination destination = DatabricksWorkspaceDestination.builder()
                .host(emulator.host())
                .oauth("sp-1234", Secret.of("sp-secret-value"))
                .root(ROOT)
                .environment(Map.of("DATABRICKS_TOKEN", "stray-token-from-env"))
                .stateDirectory(stateDir)
                .build();

        SyncReport report = sync(destination, false);

        assertThat(report.status()).as(report.message()).isEqualTo(SyncStatus.SYNCED);
        assertThat(emulator.object(remote("nb")).orElseThrow().language()).isEqualTo("SQL");
        assertThat(emulator.count(Kind.OAUTH)).isGreaterThanOrEqualTo(2);
        assertThat(destination.secrets()).contains(Secret.of("sp-secret-value"));
    }

    @Test
    void aProfileOfTheConfigFileSignsIn() throws Exception {
        Path config = stateDir.resolve("databrickscfg");
        Files.writeString(
                config,
                "[DEFAULT]\nhost = https://wrong.example.com\n\n[dev]\nhost = " + emulator.host() + "\ntoken = " + TOKEN
                        + "\n");
        source.put("a.txt", "a");
        DatabricksWorkspaceDestination destination = DatabricksWorkspaceDestination.builder()
                .profile("dev")
                .root(ROOT)
                .environment(Map.of("DATABRICKS_CONFIG_FILE", config.toString()))
                .stateDirectory(stateDir.resolve("state"))
                .build();

        SyncReport report = sync(destination, false);

        assertThat(report.status()).as(report.message()).isEqualTo(SyncStatus.SYNCED);
        assertThat(emulator.object(remote("a.txt"))).isPresent();
    }

    @Test
    void noHostAnywhereIsAClearConfigurationError() {
        source.put("a.txt", "a");
        DatabricksWorkspaceDestination destination = DatabricksWorkspaceDestination.builder()
                .token(Secret.of(TOKEN))
                .root(ROOT)
                .environment(Map.of())
                .stateDirectory(stateDir)
                .build();

        SyncReport report = sync(destination, false);

        assertThat(report.status()).isEqualTo(SyncStatus.FAILED);
        assertThat(report.destinations().get(0).message())
                .contains("Cannot configure the Databricks client")
                .doesNotContain(TOKEN);
    }

    @Test
    void largeFilesStreamWithTheirExactBytes() {
        long size = 24L * 1024 * 1024 + 17;
        var entry = new dev.workspacesync.core.SnapshotEntry(
                dev.workspacesync.core.SyncPath.of("big/blob.bin"),
                size,
                false,
                java.time.Instant.ofEpochMilli(1_700_000_000_000L),
                () -> new PatternStream(size));
        dev.workspacesync.core.spi.Source big = new dev.workspacesync.core.spi.Source() {
            @Override
            public String describe() {
                return "generated";
            }

            @Override
            public dev.workspacesync.core.Snapshot snapshot() {
                return dev.workspacesync.core.Snapshot.of("generated", java.util.List.of(entry));
            }
        };
        try (SyncPipeline pipeline = SyncPipeline.builder()
                .source(big)
                .destination(destination().build())
                .build()) {
            SyncReport report = pipeline.run();
            assertThat(report.status()).as(report.message()).isEqualTo(SyncStatus.SYNCED);
        }
        byte[] stored = emulator.object(remote("big/blob.bin")).orElseThrow().content();
        assertThat(stored.length).isEqualTo(size);
        assertThat(stored[(int) size - 1]).isEqualTo((byte) ((size - 1) % 251));
    }

    /** Deterministic bytes without holding them in memory. */
    static final class PatternStream extends java.io.InputStream {
        private final long size;
        private long position;

        PatternStream(long size) {
            this.size = size;
        }

        @Override
        public int read() {
            return position < size ? (int) (position++ % 251) : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (position >= size) {
                return -1;
            }
            int n = (int) Math.min(len, size - position);
            for (int i = 0; i < n; i++) {
                b[off + i] = (byte) (position++ % 251);
            }
            return n;
        }
    }
}
