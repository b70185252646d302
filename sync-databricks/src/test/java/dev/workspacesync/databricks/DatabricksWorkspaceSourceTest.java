package dev.workspacesync.databricks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.workspacesync.core.Check;
import dev.workspacesync.core.DeletionGuard;
import dev.workspacesync.core.RetryPolicy;
import dev.workspacesync.core.Secret;
import dev.workspacesync.core.Snapshot;
import dev.workspacesync.core.SnapshotEntry;
import dev.workspacesync.core.SourceException;
import dev.workspacesync.core.SyncConfigException;
import dev.workspacesync.core.SyncPipeline;
import dev.workspacesync.core.SyncReport;
import dev.workspacesync.core.SyncSettings;
import dev.workspacesync.core.SyncStateStore;
import dev.workspacesync.core.SyncStatus;
import dev.workspacesync.core.directory.DirectoryDestination;
import dev.workspacesync.core.spi.SourceProvider;
import dev.workspacesync.core.testing.InMemorySource;
import dev.workspacesync.core.testing.Seeds;
import dev.workspacesync.databricks.testing.WorkspaceEmulator;
import dev.workspacesync.databricks.testing.WorkspaceEmulator.Fault;
import dev.workspacesync.databricks.testing.WorkspaceEmulator.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The {@code databricks} source through the SDK against the emulator: a project synced by the destination
 * comes back byte for byte (notebooks of every language and Jupyter ones under their names, binary files,
 * executable bits, names with spaces and Unicode, a file over the 10 MB export limit), with 429s, 503s and
 * broken downloads on the way; a folder without a manifest comes back with notebooks named by language;
 * a missing or empty folder is an error naming it.
 */
class DatabricksWorkspaceSourceTest {
    static final String TOKEN = "dapi-source-7c1d";
    static final String ROOT = "/Users/" + WorkspaceEmulator.USER + "/projects/round trip é";
    static final List<String> DIRS = List.of("src", "dir with space", "données", "深");
    static final List<String> STEMS = List.of("main", "a b", "café", "naïve test", "x+y#1", "日本");
    static final Map<String, String> HEADERS =
            Map.of(".py", "# ", ".r", "# ", ".sql", "-- ", ".scala", "// ", ".PY", "# ");

    @TempDir
    Path dir;

    WorkspaceEmulator emulator;

    @BeforeEach
    void start() {
        emulator = WorkspaceEmulator.start(TOKEN);
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    static Stream<Long> seeds() {
        return Seeds.seeds(5);
    }

    /** A random project that the workspace can hold (no two files on one workspace name). */
    static InMemorySource randomProject(SplittableRandom random) {
        InMemorySource project = new InMemorySource("round-trip");
        int files = 5 + random.nextInt(20);
        for (int i = 0; i < files; i++) {
            StringBuilder path = new StringBuilder();
            for (int d = random.nextInt(3); d > 0; d--) {
                path.append(DIRS.get(random.nextInt(DIRS.size()))).append('/');
            }
            // Stems are unique, so a notebook (which loses its extension) never meets another file's name.
            path.append(STEMS.get(random.nextInt(STEMS.size()))).append(' ').append(i);
            boolean executable = random.nextInt(5) == 0;
            switch (random.nextInt(9)) {
                case 0, 1 -> {
                    String ext = List.of(".py", ".sql", ".scala", ".r", ".PY").get(random.nextInt(5));
                    String c = HEADERS.get(ext);
                    String text = c + "Databricks notebook source\n" + "x = " + random.nextInt() + "\n\n" + c
                            + "COMMAND ----------\n\n" + c + "MAGIC %md ünïcode " + i
                            + (random.nextBoolean() ? "\n" : "");
                    project.put(path + ext, text.getBytes(StandardCharsets.UTF_8), executable);
                }
                case 2 -> project.put(path + ".ipynb", jupyter(random, i), executable);
                case 3 ->
                    project.put(path + ".py", ("print(" + i + ")\n").getBytes(StandardCharsets.UTF_8), executable);
                case 4 -> project.put(path + ".ipynb", "{not json".getBytes(StandardCharsets.UTF_8), executable);
                case 5 -> {
                    byte[] bytes = new byte[random.nextInt(5000)];
                    random.nextBytes(bytes);
                    project.put(path + ".bin", bytes, executable);
                }
                case 6 -> project.put(path.toString(), new byte[0], executable);
                default ->
                    project.put(
                            path + ".txt", ("line " + i + "\r\nnext\n").getBytes(StandardCharsets.UTF_8), executable);
            }
        }
        return project;
    }

    static byte[] jupyter(SplittableRandom random, int i) {
        String language = List.of("python", "sql", "scala", "r", "").get(random.nextInt(5));
        String meta = language.isEmpty()
                ? "{}"
                : "{\"application/vnd.databricks.v1+notebook\": {\"language\": \"" + language + "\"}}";
        return ("{\n \"cells\": [{\"cell_type\": \"code\", \"source\": [\"x = " + i + "\"], \"metadata\": {},"
                        + " \"outputs\": [], \"execution_count\": null}],\n \"metadata\": " + meta
                        + ",\n \"nbformat\": 4,\n \"nbformat_minor\": " + random.nextInt(6) + "\n}\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    DatabricksWorkspaceDestination destination() {
        return DatabricksWorkspaceDestination.builder()
                .host(emulator.host())
                .token(Secret.of(TOKEN))
                .root(ROOT)
                .environment(Map.of())
                .stateDirectory(dir.resolve("push-state"))
                .rateLimit(0)
                .concurrency(4)
                .retryPolicy(new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(5)))
                .build();
    }

    DatabricksWorkspaceSource.Builder source() {
        return DatabricksWorkspaceSource.builder()
                .host(emulator.host())
                .token(Secret.of(TOKEN))
                .root(ROOT)
                .environment(Map.of())
                .rateLimit(0)
                .concurrency(4)
                .stagingDirectory(dir.resolve("staging"))
                .retryPolicy(new RetryPolicy(5, Duration.ofMillis(1), Duration.ofMillis(5)));
    }

    SyncReport push(InMemorySource project) {
        try (SyncPipeline pipeline = SyncPipeline.builder()
                .source(project)
                .destination(destination())
                .deletionGuard(DeletionGuard.force())
                .retryPolicy(RetryPolicy.none())
                .build()) {
            SyncReport report = pipeline.run();
            assertThat(report.succeeded()).as(report.message()).isTrue();
            return report;
        }
    }

    static Map<String, String> contents(Snapshot snapshot) {
        Map<String, String> out = new TreeMap<>();
        for (SnapshotEntry entry : snapshot.entries()) {
            try (InputStream in = entry.open()) {
                byte[] bytes = in.readAllBytes();
                assertThat(bytes.length).as(entry.path().value()).isEqualTo(entry.size());
                assertThat(entry.sha256())
                        .isEqualTo(java.util.HexFormat.of()
                                .formatHex(SnapshotEntry.newSha256().digest(bytes)));
                out.put(entry.path().value(), (entry.executable() ? "x:" : "-:") + Arrays.toString(bytes));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    static Map<String, String> contents(InMemorySource project) {
        Map<String, String> out = new TreeMap<>();
        project.files()
                .forEach((path, file) ->
                        out.put(path.value(), (file.executable() ? "x:" : "-:") + Arrays.toString(file.content())));
        return out;
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void aPushedProjectComesBackByteForByte(long seed) {
        SplittableRandom random = Seeds.random("DatabricksWorkspaceSourceTest", seed);
        InMemorySource project = randomProject(random);
        push(project);
        // Transient failures on the way back: retried, never a partial snapshot.
        emulator.inject(Fault.rateLimited(Fault.kind(Kind.EXPORT), 1 + random.nextInt(3), 0));
        emulator.inject(Fault.unavailable(Fault.kind(Kind.LIST), 1));
        emulator.inject(Fault.status(Fault.kind(Kind.GET_STATUS), 1, 502, "BAD_GATEWAY", "Bad gateway"));
        try (DatabricksWorkspaceSource source = source().build()) {
            Snapshot snapshot = source.snapshot();
            assertThat(snapshot.skipped()).isEmpty();
            assertThat(contents(snapshot)).isEqualTo(contents(project));
            assertThat(snapshot.revision()).isPresent();
            String revision = snapshot.revision().get();
            assertThat(source.snapshot().revision()).contains(revision);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void intoAFreshDirectoryThenNoChanges(long seed) throws IOException {
        SplittableRandom random = Seeds.random("DatabricksWorkspaceSourceTest.directory", seed);
        InMemorySource project = randomProject(random);
        push(project);
        Path target = dir.resolve("restored");
        for (int run = 0; run < 2; run++) {
            try (SyncPipeline pipeline = SyncPipeline.builder()
                    .source(source().build())
                    .destination(new DirectoryDestination(target, new SyncStateStore(dir.resolve("pull-state"))))
                    .retryPolicy(RetryPolicy.none())
                    .build()) {
                SyncReport report = pipeline.run();
                assertThat(report.status())
                        .as(report.message())
                        .isEqualTo(run == 0 ? SyncStatus.SYNCED : SyncStatus.NO_CHANGES);
            }
        }
        Map<String, String> restored = new TreeMap<>();
        try (Stream<Path> files = Files.walk(target)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String rel = target.relativize(file).toString().replace('\\', '/');
                restored.put(rel, (Files.isExecutable(file) ? "x:" : "-:") + Arrays.toString(Files.readAllBytes(file)));
            }
        }
        assertThat(restored).isEqualTo(contents(project));
    }

    @Test
    void aFileOverTheExportLimitComesThroughTheFilesApiEvenWhenTheDownloadBreaksOff() {
        byte[] big = new byte[10 * 1024 * 1024 + 4096];
        new SplittableRandom(7).nextBytes(big);
        InMemorySource project =
                new InMemorySource("big").put("data/big.bin", big, false).put("a.txt", "a");
        push(project);
        emulator.inject(Fault.resetMidDownload(Fault.kind(Kind.DOWNLOAD), 1, 1_000_000));
        emulator.inject(Fault.unavailable(Fault.kind(Kind.DOWNLOAD), 1));
        emulator.resetCounts();
        try (DatabricksWorkspaceSource source = source().build()) {
            assertThat(contents(source.snapshot())).isEqualTo(contents(project));
        }
        assertThat(emulator.count(Kind.DOWNLOAD))
                .as("one broken, one 503, one whole")
                .isEqualTo(3);
        assertThat(emulator.requestLog()).noneMatch(line -> line.startsWith("GET EXPORT") && line.endsWith("big.bin"));
    }

    @Test
    void theEmulatorRefusesToExportMoreThan10Mb() {
        emulator.putFile(ROOT + "/big.bin", new byte[10 * 1024 * 1024 + 1]);
        var config = new com.databricks.sdk.core.DatabricksConfig()
                .setHost(emulator.host())
                .setToken(TOKEN)
                .setAuthType("pat");
        var workspace = new com.databricks.sdk.WorkspaceClient(config).workspace();
        assertThatThrownBy(() -> workspace.export(new com.databricks.sdk.service.workspace.ExportRequest()
                        .setPath(ROOT + "/big.bin")
                        .setFormat(com.databricks.sdk.service.workspace.ExportFormat.AUTO)))
                .hasMessageContaining("10 MB");
    }

    @Test
    void aNotebookOverTheExportLimitIsReportedSkippedNotDropped() {
        emulator.putNotebook(ROOT + "/huge", "PYTHON", "# Databricks notebook source\n" + "x".repeat(11 << 20));
        emulator.putFile(ROOT + "/small.txt", "s".getBytes(StandardCharsets.UTF_8));
        try (DatabricksWorkspaceSource source = source().build()) {
            Snapshot snapshot = source.snapshot();
            assertThat(snapshot.entries()).extracting(e -> e.path().value()).containsExactly("small.txt");
            assertThat(snapshot.skipped()).singleElement().satisfies(s -> {
                assertThat(s.path()).isEqualTo("huge.py");
                assertThat(s.reason()).contains("10 MB");
            });
            assertThat(snapshot.complete()).isFalse();
        }
    }

    @Test
    void withoutAManifestNotebooksAreNamedByTheirLanguage() {
        emulator.putNotebook(ROOT + "/etl", "PYTHON", "# Databricks notebook source\nprint(1)\n");
        emulator.putNotebook(ROOT + "/q", "SQL", "-- Databricks notebook source\nselect 1\n");
        emulator.putNotebook(ROOT + "/s", "SCALA", "// Databricks notebook source\nval x = 1\n");
        emulator.putNotebook(ROOT + "/sub/r", "R", "# Databricks notebook source\nx <- 1\n");
        emulator.putFile(ROOT + "/.workspace-sync/other", "not a manifest".getBytes(StandardCharsets.UTF_8));
        try (DatabricksWorkspaceSource source = source().build()) {
            Snapshot snapshot = source.snapshot();
            assertThat(snapshot.entries())
                    .extracting(e -> e.path().value())
                    .containsExactly("etl.py", "q.sql", "s.scala", "sub/r.r");
            assertThat(contents(snapshot).get("q.sql"))
                    .isEqualTo("-:"
                            + Arrays.toString(
                                    "-- Databricks notebook source\nselect 1\n".getBytes(StandardCharsets.UTF_8)));
        }
    }

    @Test
    void aJupyterNotebookComesBackAsJupyterWithTheManifestAndAsSourceWithout() {
        byte[] ipynb = jupyter(new SplittableRandom(3), 1);
        push(new InMemorySource("nb").put("nb.ipynb", ipynb, false));
        try (DatabricksWorkspaceSource source = source().build()) {
            assertThat(contents(source.snapshot())).containsOnlyKeys("nb.ipynb");
        }
        emulator.remove(ROOT + "/.workspace-sync");
        try (DatabricksWorkspaceSource source = source().build()) {
            Snapshot snapshot = source.snapshot();
            assertThat(snapshot.entries())
                    .singleElement()
                    .satisfies(e -> assertThat(e.path().value()).matches("nb\\.(py|sql|scala|r)"));
        }
    }

    @Test
    void aMissingFolderIsAnErrorNamingIt() {
        try (DatabricksWorkspaceSource source = source().root(ROOT + "/nope").build()) {
            assertThatThrownBy(source::snapshot)
                    .isInstanceOf(SourceException.class)
                    .hasMessageContaining(ROOT + "/nope")
                    .hasMessageContaining("does not exist")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(TOKEN));
            assertThat(source.check()).anySatisfy(c -> assertThat(c.status()).isEqualTo(Check.Status.FAILED));
        }
    }

    @Test
    void anEmptyFolderIsAnErrorUnlessAllowed() {
        emulator.putFile(ROOT + "/.workspace-sync/manifest.json", "{}".getBytes(StandardCharsets.UTF_8));
        try (DatabricksWorkspaceSource source = source().build()) {
            assertThatThrownBy(source::snapshot)
                    .isInstanceOf(SourceException.class)
                    .hasMessageContaining(ROOT)
                    .hasMessageContaining("databricks.allow-empty");
            assertThat(source.check())
                    .last()
                    .satisfies(c -> assertThat(c.status()).isEqualTo(Check.Status.FAILED));
        }
        try (DatabricksWorkspaceSource source = source().allowEmpty(true).build()) {
            assertThat(source.snapshot().entries()).isEmpty();
        }
    }

    @Test
    void aPermanentErrorFailsTheSnapshotWithoutRetrying() {
        push(new InMemorySource("p").put("a.txt", "a").put("b.txt", "b"));
        emulator.inject(Fault.internalError(Fault.kind(Kind.EXPORT), 1));
        emulator.resetCounts();
        try (DatabricksWorkspaceSource source = source().concurrency(1).build()) {
            assertThatThrownBy(source::snapshot)
                    .isInstanceOf(SourceException.class)
                    .hasMessageContaining("500");
        }
        assertThat(emulator.count(Kind.EXPORT))
                .as("500 is not retried; the rest is not tried")
                .isLessThanOrEqualTo(2);
    }

    @Test
    void checkPassesForAFolderWithFiles() {
        push(new InMemorySource("p").put("a.txt", "a"));
        emulator.resetCounts();
        try (DatabricksWorkspaceSource source = source().build()) {
            assertThat(source.check())
                    .allSatisfy(c -> assertThat(c.status()).as(c.toString()).isEqualTo(Check.Status.PASSED));
        }
        assertThat(emulator.mutatingRequests()).isZero();
    }

    @Test
    void theProviderIsFoundAndNeedsAFolder() {
        SourceProvider provider = ServiceLoader.load(SourceProvider.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(p -> p.type().equals("databricks"))
                .findFirst()
                .orElseThrow();
        assertThat(provider.settings())
                .extracting(k -> k.key())
                .contains(
                        "databricks.host",
                        "databricks.token",
                        "databricks.profile",
                        "databricks.client-id",
                        "databricks.client-secret",
                        "databricks.root",
                        "databricks.project",
                        "databricks.concurrency",
                        "databricks.rate-limit",
                        "databricks.deadline",
                        "databricks.allow-empty")
                .doesNotContain("databricks.reconcile", "databricks.state-dir");
        assertThatThrownBy(() -> DatabricksWorkspaceSource.builder()
                        .host(emulator.host())
                        .token(Secret.of(TOKEN))
                        .environment(Map.of())
                        .build())
                .isInstanceOf(SyncConfigException.class)
                .hasMessageContaining("databricks.root");
        SyncSettings settings = SyncSettings.of(
                Map.of("databricks.host", emulator.host(), "databricks.token", TOKEN, "databricks.root", ROOT));
        push(new InMemorySource("p").put("a.txt", "a"));
        try (var source = provider.create(settings)) {
            assertThat(source.describe()).contains(ROOT).doesNotContain(TOKEN);
            assertThat(source.snapshot().entries())
                    .extracting(e -> e.path().value())
                    .containsExactly("a.txt");
        }
    }

    @Test
    void anEditInTheWorkspaceWinsOverTheManifest() {
        push(new InMemorySource("p")
                .put("nb.py", "# Databricks notebook source\nx = 1\n")
                .put("a.txt", "a"));
        emulator.putNotebook(ROOT + "/nb", "PYTHON", "# Databricks notebook source\nx = 2\n");
        emulator.putFile(ROOT + "/a.txt", "edited".getBytes(StandardCharsets.UTF_8));
        try (DatabricksWorkspaceSource source = source().build()) {
            Map<String, String> got = contents(source.snapshot());
            assertThat(got).containsOnlyKeys("nb.py", "a.txt");
            assertThat(got.get("nb.py"))
                    .isEqualTo("-:"
                            + Arrays.toString(
                                    "# Databricks notebook source\nx = 2\n".getBytes(StandardCharsets.UTF_8)));
            assertThat(got.get("a.txt")).isEqualTo("-:" + Arrays.toString("edited".getBytes(StandardCharsets.UTF_8)));
        }
    }

    @Test
    void theDefaultFolderOfAProjectWithOAuth() {
        emulator.oauthClient("sp-id", "sp-secret-41");
        emulator.putFile("/Workspace/Users/" + WorkspaceEmulator.USER + "/projects/etl/a.txt", new byte[] {1, 2});
        try (DatabricksWorkspaceSource source = DatabricksWorkspaceSource.builder()
                .host(emulator.host())
                .oauth("sp-id", Secret.of("sp-secret-41"))
                .project("etl")
                .environment(Map.of())
                .stagingDirectory(dir.resolve("staging"))
                .build()) {
            Snapshot snapshot = source.snapshot();
            assertThat(snapshot.entries()).extracting(e -> e.path().value()).containsExactly("a.txt");
            assertThat(snapshot.source()).contains("/Workspace/Users/" + WorkspaceEmulator.USER + "/projects/etl");
            assertThat(snapshot.attributes()).containsEntry(Snapshot.PROJECT, "etl");
            assertThat(source.secrets()).extracting(Secret::reveal).contains("sp-secret-41");
        }
    }

    @Test
    void theStagingDirectoryGoesWithClose() throws IOException {
        push(new InMemorySource("p").put("a.txt", "a"));
        DatabricksWorkspaceSource source = source().build();
        source.snapshot();
        source.snapshot(); // the first one's staging is removed by the second
        try (Stream<Path> staged = Files.list(dir.resolve("staging"))) {
            assertThat(staged).hasSize(1);
        }
        source.close();
        try (Stream<Path> staged = Files.list(dir.resolve("staging"))) {
            assertThat(staged).isEmpty();
        }
    }

    @Test
    void downloadsAreBoundedByTheConcurrency() throws Exception {
        InMemorySource project = new InMemorySource("p");
        for (int i = 0; i < 10; i++) {
            project.put("f" + i + ".txt", "file " + i);
        }
        push(project);
        java.util.concurrent.CountDownLatch reached = new java.util.concurrent.CountDownLatch(2);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        emulator.inject(
                Fault.hold(call -> call.kind() == Kind.EXPORT && call.path().endsWith(".txt"), 100, reached, release));
        emulator.resetCounts();
        try (DatabricksWorkspaceSource source = source().concurrency(2).build()) {
            var snapshot = java.util.concurrent.CompletableFuture.supplyAsync(source::snapshot);
            assertThat(reached.await(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            // Both workers wait for an answer: no third export may have been sent.
            assertThat(emulator.requestLog().stream().filter(l -> l.startsWith("GET EXPORT") && l.endsWith(".txt")))
                    .hasSize(2);
            release.countDown();
            assertThat(contents(snapshot.get(60, java.util.concurrent.TimeUnit.SECONDS)))
                    .isEqualTo(contents(project));
        }
    }
}
