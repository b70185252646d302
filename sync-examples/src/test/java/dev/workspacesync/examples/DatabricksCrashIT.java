package dev.workspacesync.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.workspacesync.databricks.testing.WorkspaceEmulator;
import dev.workspacesync.databricks.testing.WorkspaceEmulator.Call;
import dev.workspacesync.databricks.testing.WorkspaceEmulator.Fault;
import dev.workspacesync.databricks.testing.WorkspaceEmulator.Kind;
import dev.workspacesync.databricks.testing.WorkspaceEmulator.ObjectType;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Databricks half of the crash matrix, and a down or failing host, through the packaged CLI in a
 * child process against the workspace emulator in this JVM. The emulator holds request N of a run until
 * the test has killed the process ({@code kill -9}), so each crash point is exact; then a plain rerun
 * must leave the workspace holding exactly the source, nothing lost, uploading only what is missing.
 * "Container restart" variants delete the local state too: the manifest in the folder (or a reconcile
 * when it cannot be trusted) must then do the job.
 */
class DatabricksCrashIT {
    private static final String TOKEN = "dapi-crash-test-5e1f";
    private static final String ROOT = "/Users/" + WorkspaceEmulator.USER + "/projects/crash";
    private static final String MANIFEST = ROOT + "/.workspace-sync/manifest.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private WorkspaceEmulator emulator;
    private Path project;
    private Path state;

    @BeforeEach
    void start() throws IOException {
        emulator = WorkspaceEmulator.start(TOKEN);
        project = dir.resolve("crash");
        state = dir.resolve("state");
        for (int i = 0; i < 12; i++) {
            write("src/m" + i + ".py", "print(" + i + ")\n");
        }
        write("nb.py", "# Databricks notebook source\nprint('nb')\n");
        write("docs/readme.md", "# crash\n");
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    private void write(String rel, String text) throws IOException {
        Path file = project.resolve(rel);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    /** What the workspace must hold: the source with notebooks under their workspace names. */
    private Map<String, String> expected() throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(project)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String rel = project.relativize(file).toString().replace('\\', '/');
                String text = Files.readString(file);
                out.put(
                        text.startsWith("# Databricks notebook source") ? rel.substring(0, rel.length() - 3) : rel,
                        text);
            }
        }
        return out;
    }

    private Map<String, String> workspace() {
        Map<String, String> out = new TreeMap<>();
        emulator.objectsUnder(ROOT).forEach((path, object) -> {
            String rel = path.substring(ROOT.length() + 1);
            if (object.type() != ObjectType.DIRECTORY && !rel.startsWith(".workspace-sync/")) {
                out.put(rel, object.text());
            }
        });
        return out;
    }

    /** Files the workspace lacks or holds differently: what a rerun has to send. */
    private int missing() throws IOException {
        Map<String, String> have = workspace();
        int n = 0;
        for (Map.Entry<String, String> e : expected().entrySet()) {
            if (!e.getValue().equals(have.get(e.getKey()))) {
                n++;
            }
        }
        return n;
    }

    private int projectUploads() {
        return emulator.count(Kind.IMPORT_FILE) - emulator.uploadsOf(MANIFEST);
    }

    private List<String> command(String host, String... extra) {
        List<String> args = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                Path.of("target/workspace-sync.jar").toAbsolutePath().toString(),
                "run",
                "--source",
                "local",
                "--destination",
                "databricks",
                "--json",
                "--set",
                "local.path=" + project,
                "--set",
                "databricks.host=" + host,
                "--set",
                "databricks.root=" + ROOT,
                "--set",
                "databricks.state-dir=" + state,
                "--set",
                "databricks.concurrency=1"));
        for (String e : extra) {
            args.add("--set");
            args.add(e);
        }
        return args;
    }

    private Process launch(List<String> command, Path output) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectOutput(output.toFile())
                .redirectError(
                        output.resolveSibling(output.getFileName() + ".err").toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("DATABRICKS_"));
        builder.environment().put("DATABRICKS_TOKEN", TOKEN);
        builder.environment().put("HOME", dir.toString());
        return builder.start();
    }

    private int runs;

    /** Runs the CLI to the end; returns its JSON report (stderr appended to failures' descriptions). */
    private JsonNode run(String... extra) throws Exception {
        Path output = dir.resolve("run-" + (++runs) + ".json");
        Process process = launch(command(emulator.host(), extra), output);
        assertThat(process.waitFor(180, TimeUnit.SECONDS)).as("the run ends").isTrue();
        String printed = Files.readString(output);
        String err = Files.readString(output.resolveSibling(output.getFileName() + ".err"));
        assertThat(printed + err).doesNotContain(TOKEN);
        JsonNode json = JSON.readTree(printed);
        assertThat(process.exitValue())
                .as(printed + err)
                .isEqualTo(json.path("status").asText().equals("FAILED") ? 1 : 0);
        return json;
    }

    /**
     * Starts the CLI, holds the first request {@code point} accepts, kills the process with {@code kill -9}
     * while that request waits, then lets the emulator go on.
     */
    private void runAndKillAt(Predicate<Call> point, String... extra) throws Exception {
        CountDownLatch reached = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        emulator.inject(Fault.hold(point, 1, reached, release));
        Process process = launch(command(emulator.host(), extra), dir.resolve("killed-" + (++runs) + ".json"));
        try {
            // Fails at once, not after the timeout, when the run ends before it reaches the point.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
            while (!reached.await(200, TimeUnit.MILLISECONDS)) {
                if (!process.isAlive()) {
                    throw new AssertionError("the run ended before the crash point: " + emulator.requestLog());
                }
                assertThat(System.nanoTime() - deadline)
                        .as("the run reaches the crash point")
                        .isNegative();
            }
            process.destroyForcibly(); // SIGKILL: no shutdown hook, no finally
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            release.countDown();
            process.destroyForcibly();
        }
        emulator.clearFaults();
    }

    /** The n-th request (1-based) that {@code matches} accepts. */
    private static Predicate<Call> nth(int n, Predicate<Call> matches) {
        AtomicInteger seen = new AtomicInteger();
        return call -> matches.test(call) && seen.incrementAndGet() == n;
    }

    private static final Predicate<Call> PROJECT_UPLOAD =
            c -> c.kind() == Kind.IMPORT_FILE && !c.path().endsWith("/.workspace-sync/manifest.json");
    private static final Predicate<Call> MANIFEST_UPLOAD =
            c -> c.kind() == Kind.IMPORT_FILE && c.path().endsWith("/.workspace-sync/manifest.json");
    private static final Predicate<Call> DELETE = c -> c.kind() == Kind.DELETE;

    /** A plain rerun converges: the workspace is the source, and only what was missing was sent. */
    private void rerunConverges(String point) throws Exception {
        int missing = missing();
        emulator.resetCounts();
        JsonNode report = run();
        assertThat(report.path("status").asText()).as(point + ": " + report).isIn("SYNCED", "NO_CHANGES");
        assertThat(workspace())
                .as(point + ": the workspace holds exactly the source")
                .isEqualTo(expected());
        // The upload the kill interrupted may have landed without the client hearing of it: one more at most.
        assertThat(projectUploads()).as(point + ": uploads of the rerun").isLessThanOrEqualTo(missing + 1);
        assertThat(emulator.object(MANIFEST)).as(point).isPresent();
        emulator.resetCounts();
        JsonNode again = run();
        assertThat(again.path("status").asText())
                .as(point + ": then nothing to do")
                .isEqualTo("NO_CHANGES");
        assertThat(emulator.mutatingRequests()).as(point).isZero();
    }

    private void loseLocalState() throws IOException {
        if (Files.exists(state)) {
            try (Stream<Path> files = Files.walk(state)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    private void editProject() throws IOException {
        for (int i = 0; i < 12; i += 2) {
            write("src/m" + i + ".py", "print('edited " + i + "')\n");
        }
        Files.delete(project.resolve("src/m1.py"));
        Files.delete(project.resolve("src/m3.py"));
        write("new/added.txt", "added\n");
    }

    @Test
    void killedDuringTheFirstUploads() throws Exception {
        runAndKillAt(nth(5, PROJECT_UPLOAD));
        assertThat(missing()).isPositive();
        rerunConverges("during the first uploads");
    }

    @Test
    void killedAfterTheUploadsBeforeTheManifestIsWritten() throws Exception {
        runAndKillAt(nth(1, MANIFEST_UPLOAD));
        assertThat(missing()).as("every file landed").isZero();
        rerunConverges("after the uploads, before the manifest");
    }

    @Test
    void killedDuringDeletes() throws Exception {
        assertThat(run().path("status").asText()).isEqualTo("SYNCED");
        editProject();
        runAndKillAt(nth(2, DELETE));
        rerunConverges("during deletes");
    }

    @Test
    void killedDuringUpdatesAndTheContainerRestarts() throws Exception {
        assertThat(run().path("status").asText()).isEqualTo("SYNCED");
        editProject();
        runAndKillAt(nth(3, PROJECT_UPLOAD));
        loseLocalState(); // the manifest says "being changed": the rerun reconciles
        rerunConverges("during updates, then a new container");
    }

    @Test
    void aNewContainerWithAnUnchangedProjectUploadsNothing() throws Exception {
        assertThat(run().path("status").asText()).isEqualTo("SYNCED");
        loseLocalState();
        emulator.resetCounts();

        JsonNode fresh = run();

        assertThat(fresh.path("status").asText()).as(fresh.toString()).isEqualTo("NO_CHANGES");
        assertThat(emulator.mutatingRequests()).isZero();
        assertThat(emulator.totalRequests())
                .as(emulator.requestLog().toString())
                .isEqualTo(2);
    }

    static Stream<Long> seeds() {
        String fixed = System.getProperty("crash.seed");
        if (fixed != null) {
            return Stream.of(Long.parseLong(fixed));
        }
        long base = System.nanoTime();
        return Stream.of(base, base * 31 + 7);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void killedAtARandomRequestConverges(long seed) throws Exception {
        System.out.println("DatabricksCrashIT seed " + seed + " (rerun with -Dcrash.seed=" + seed + ")");
        SplittableRandom random = new SplittableRandom(seed);
        boolean edited = random.nextBoolean();
        if (edited) {
            assertThat(run().path("status").asText()).isEqualTo("SYNCED");
            editProject();
        }
        // At most the run's fewest possible mutating requests, so the point is always reached: the edit
        // sends 7 files and 2 deletes, a first run 14 files (folders and manifest writes come on top).
        int n = 1 + random.nextInt(edited ? 9 : 14);
        Predicate<Call> mutating = c -> c.kind().mutating();
        runAndKillAt(nth(n, mutating));
        boolean restart = random.nextBoolean();
        if (restart) {
            loseLocalState();
        }
        rerunConverges("seed " + seed + ", mutating request " + n + (restart ? ", new container" : ""));
    }

    @Test
    void aDownHostFailsWithinSecondsNamingHostAndCause() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path output = dir.resolve("down.json");
        long start = System.nanoTime();
        Process process = launch(command("http://127.0.0.1:" + port), output);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        String printed = Files.readString(output);

        assertThat(process.exitValue()).as(printed).isEqualTo(1);
        // A JVM start on a loaded machine included; the old behaviour was minutes.
        assertThat(took).as(printed).isLessThan(Duration.ofSeconds(30));
        assertThat(JSON.readTree(printed).path("message").asText())
                .contains("cannot reach http://127.0.0.1:" + port)
                .contains("connection refused")
                .doesNotContain("null");
    }

    @Test
    void transientFailuresAreRetriedVisiblyWithinTheDeadline() throws Exception {
        emulator.inject(Fault.unavailable(c -> c.kind() == Kind.GET_STATUS, Integer.MAX_VALUE));
        Path output = dir.resolve("flaky.json");
        Process process = launch(command(emulator.host(), "databricks.deadline=10s"), output);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String err = Files.readString(output.resolveSibling("flaky.json.err"));
        String message = JSON.readTree(Files.readString(output)).path("message").asText();

        assertThat(process.exitValue()).isEqualTo(1);
        assertThat(err)
                .containsPattern("retrying \\(2/\\d+\\) in \\d+ ms: Reading " + ROOT + " on "
                        + java.util.regex.Pattern.quote(emulator.host()) + ": 503 TEMPORARILY_UNAVAILABLE");
        assertThat(message)
                .contains("gave up on " + emulator.host() + " after 10 s")
                .contains("databricks.deadline")
                .contains("503 TEMPORARILY_UNAVAILABLE");

        emulator.clearFaults();
        assertThat(run().path("status").asText()).isEqualTo("SYNCED");
    }

    @Test
    void theJsonTargetIsTheResolvedFolder() throws Exception {
        List<String> command = new ArrayList<>(command(emulator.host()));
        int root = command.indexOf("databricks.root=" + ROOT);
        command.set(root, "databricks.project=crash");
        Path output = dir.resolve("target.json");
        Process process = launch(command, output);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        JsonNode report = JSON.readTree(Files.readString(output, StandardCharsets.UTF_8));

        assertThat(report.path("status").asText()).as(report.toString()).isEqualTo("SYNCED");
        assertThat(report.path("destinations").get(0).path("target").asText())
                .isEqualTo("databricks:" + emulator.host() + "/Workspace/Users/" + WorkspaceEmulator.USER
                        + "/projects/crash");
        assertThat(report.toString()).doesNotContain("<current user>").doesNotContain("<project>");
    }
}
