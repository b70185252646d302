package dev.workspacesync.databricks.bench;

import dev.workspacesync.core.RetryPolicy;
import dev.workspacesync.core.Secret;
import dev.workspacesync.core.Snapshot;
import dev.workspacesync.core.SyncPipeline;
import dev.workspacesync.core.SyncPlan;
import dev.workspacesync.core.SyncReport;
import dev.workspacesync.databricks.DatabricksWorkspaceDestination;
import dev.workspacesync.databricks.testing.WorkspaceEmulator;
import dev.workspacesync.databricks.testing.WorkspaceEmulator.Kind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Benchmarks the destination against the workspace emulator with injected latency (not a test; run
 * {@code sync-databricks/bench/run.sh}). Three scenarios, as the issue asks:
 *
 * <ol>
 *   <li>initial upload of N files (default 5,000): files/s against the ceiling set by concurrency,
 *       latency and rate limit, {@code min(concurrency / latency, rate)};
 *   <li>no-op re-sync of M files (default 20,000): requests made, and the time of snapshot + plan against
 *       {@code git status --porcelain} on the same tree;
 *   <li>one change in M files: uploads made.
 * </ol>
 *
 * <p>System properties: {@code bench.files} (5000), {@code bench.big} (20000), {@code bench.latency-ms}
 * (40), {@code bench.concurrency} (8), {@code bench.rate} (0 = none), {@code bench.dir} (a temp dir).
 */
public final class WorkspaceBenchmark {
    private static final String TOKEN = "bench-token";

    private WorkspaceBenchmark() {}

    /** Runs the three scenarios and prints a Markdown summary. */
    public static void main(String[] args) throws Exception {
        int files = Integer.getInteger("bench.files", 5000);
        int big = Integer.getInteger("bench.big", 20000);
        int latencyMs = Integer.getInteger("bench.latency-ms", 40);
        int concurrency = Integer.getInteger("bench.concurrency", 8);
        double rate = Double.parseDouble(System.getProperty("bench.rate", "0"));
        Path base = System.getProperty("bench.dir") != null
                ? Path.of(System.getProperty("bench.dir"))
                : Files.createTempDirectory("workspace-bench");
        List<String> out = new ArrayList<>();
        out.add("| scenario | figure | target |");
        out.add("|---|---|---|");
        initialUpload(base.resolve("initial"), files, latencyMs, concurrency, rate, out);
        noOpAndOneChange(base.resolve("big"), big, out);
        System.out.println();
        out.forEach(System.out::println);
    }

    static DatabricksWorkspaceDestination destination(
            WorkspaceEmulator emulator, Path state, String root, int concurrency, double rate) {
        return DatabricksWorkspaceDestination.builder()
                .host(emulator.host())
                .token(Secret.of(TOKEN))
                .root(root)
                .environment(Map.of())
                .stateDirectory(state)
                .concurrency(concurrency)
                .rateLimit(rate)
                .retryPolicy(new RetryPolicy(8, Duration.ofMillis(50), Duration.ofSeconds(2)))
                .build();
    }

    static SyncReport run(LocalDirectorySource source, DatabricksWorkspaceDestination destination) {
        try (SyncPipeline pipeline =
                SyncPipeline.builder().source(source).destination(destination).build()) {
            return pipeline.run();
        }
    }

    static void initialUpload(Path dir, int files, int latencyMs, int concurrency, double rate, List<String> out)
            throws IOException {
        generate(dir, files, 100);
        try (WorkspaceEmulator emulator = WorkspaceEmulator.start(TOKEN, Math.max(64, concurrency * 2))) {
            emulator.latency(Duration.ofMillis(latencyMs));
            LocalDirectorySource source = new LocalDirectorySource(dir);
            DatabricksWorkspaceDestination destination = destination(
                    emulator, dir.resolveSibling("initial-state"), "/Users/bench/initial", concurrency, rate);
            long start = System.nanoTime();
            SyncReport report = run(source, destination);
            double seconds = (System.nanoTime() - start) / 1e9;
            if (!report.succeeded()) {
                throw new IllegalStateException(report.message());
            }
            int uploads = emulator.count(Kind.IMPORT_FILE);
            int requests = emulator.totalRequests();
            double byConcurrency = concurrency * 1000.0 / latencyMs;
            double ceiling = rate > 0 ? Math.min(byConcurrency, rate) : byConcurrency;
            double filesPerSecond = uploads / seconds;
            // The ceiling is in requests/s; the run also needs a few non-upload requests (user, mkdirs).
            double requestsPerSecond = requests / seconds;
            System.out.printf(
                    "initial: %d files, %d requests in %.2f s: %.1f files/s, %.1f requests/s; ceiling %.1f/s"
                            + " (concurrency %d, latency %d ms, rate %s) = %.0f%%%n",
                    uploads,
                    requests,
                    seconds,
                    filesPerSecond,
                    requestsPerSecond,
                    ceiling,
                    concurrency,
                    latencyMs,
                    rate > 0 ? rate + "/s" : "none",
                    100 * requestsPerSecond / ceiling);
            out.add("| initial upload, %d files (concurrency %d, latency %d ms, rate %s) | %.1f files/s"
                            .formatted(files, concurrency, latencyMs, rate > 0 ? rate + "/s" : "none", filesPerSecond)
                    + " (%d requests in %.1f s = %.0f%% of the %.0f/s ceiling) | >= 85%% |"
                            .formatted(requests, seconds, 100 * requestsPerSecond / ceiling, ceiling));
        }
    }

    static void noOpAndOneChange(Path dir, int files, List<String> out) throws Exception {
        generate(dir, files, 200);
        git(dir, "init", "-q");
        git(dir, "add", "-A");
        git(dir, "-c", "user.name=bench", "-c", "user.email=bench@example.com", "commit", "-q", "-m", "tree");
        try (WorkspaceEmulator emulator = WorkspaceEmulator.start(TOKEN)) {
            LocalDirectorySource source = new LocalDirectorySource(dir);
            String root = "/Users/bench/big";
            // Default state directory: the tree is a git work tree, so .git/workspace-sync/.
            SyncReport first = run(
                    source,
                    DatabricksWorkspaceDestination.builder()
                            .host(emulator.host())
                            .token(Secret.of(TOKEN))
                            .root(root)
                            .environment(Map.of())
                            .concurrency(16)
                            .rateLimit(0)
                            .build());
            if (!first.succeeded()) {
                throw new IllegalStateException(first.message());
            }
            // No-op re-syncs: a fresh destination each time (as a new process would have), requests counted.
            // The first rounds warm the JIT up and are not measured.
            List<Long> snapshotNanos = new ArrayList<>();
            List<Long> planNanos = new ArrayList<>();
            List<Long> syncNanos = new ArrayList<>();
            int maxRequests = 0;
            for (int i = 0; i < 14; i++) {
                emulator.resetCounts();
                DatabricksWorkspaceDestination destination = DatabricksWorkspaceDestination.builder()
                        .host(emulator.host())
                        .token(Secret.of(TOKEN))
                        .root(root)
                        .environment(Map.of())
                        .build();
                long start = System.nanoTime();
                Snapshot snapshot = source.snapshot();
                long snapshotted = System.nanoTime();
                SyncPlan plan = destination.plan(snapshot);
                long planned = System.nanoTime();
                if (!plan.isEmpty()) {
                    throw new IllegalStateException("no-op plan is not empty: " + plan.summary());
                }
                long runStart = System.nanoTime();
                SyncReport report = run(source, destination);
                long runEnd = System.nanoTime();
                if (!report.succeeded()) {
                    throw new IllegalStateException(report.message());
                }
                maxRequests = Math.max(maxRequests, emulator.totalRequests());
                if (i >= 5) {
                    snapshotNanos.add(snapshotted - start);
                    planNanos.add(planned - snapshotted);
                    syncNanos.add(runEnd - runStart);
                }
            }
            List<Long> gitNanos = new ArrayList<>();
            for (int i = 0; i < 11; i++) {
                long start = System.nanoTime();
                git(dir, "status", "--porcelain");
                if (i >= 2) {
                    gitNanos.add(System.nanoTime() - start);
                }
            }
            double snap = median(snapshotNanos) / 1e6;
            double plan = median(planNanos) / 1e6;
            double sync = median(syncNanos) / 1e6;
            double git = median(gitNanos) / 1e6;
            System.out.printf(
                    "no-op: %d files, at most %d requests; plan %.0f ms, snapshot %.0f ms, whole run %.0f ms,"
                            + " git status --porcelain %.0f ms: plan %.2fx, snapshot+plan %.2fx%n",
                    files, maxRequests, plan, snap, sync, git, plan / git, (snap + plan) / git);
            out.add("| no-op re-sync, %d files: requests (14 runs, fresh destination each) | at most %d | <= 2 |"
                    .formatted(files, maxRequests));
            out.add(("| no-op re-sync, %d files: planning (`Destination.plan`, median of 9 after 5 warm-up runs)"
                            + " vs `git status --porcelain` (median of 9) | %.0f ms vs %.0f ms = %.2fx | <= 2x |")
                    .formatted(files, plan, git, plan / git));
            out.add(("| no-op re-sync, %d files: snapshot (plain directory walk) + planning | %.0f ms = %.2fx"
                            + " (whole pipeline run %.0f ms) | (informative) |")
                    .formatted(files, snap + plan, (snap + plan) / git, sync));

            Path changed = dir.resolve("d%03d/f%05d.txt".formatted(files / 2 / 200, files / 2));
            Files.writeString(changed, "changed " + System.nanoTime() + "\n", StandardCharsets.UTF_8);
            emulator.resetCounts();
            SyncReport one = run(
                    source,
                    DatabricksWorkspaceDestination.builder()
                            .host(emulator.host())
                            .token(Secret.of(TOKEN))
                            .root(root)
                            .environment(Map.of())
                            .build());
            System.out.printf(
                    "one change in %d: %s; %d uploads, %d mutating, %d requests in all%n",
                    files,
                    one.status(),
                    emulator.count(Kind.IMPORT_FILE),
                    emulator.mutatingRequests(),
                    emulator.totalRequests());
            out.add(
                    "| one change in %d files | %d upload(s), %d mutating request(s), %d request(s) in all | exactly 1 upload |"
                            .formatted(
                                    files,
                                    emulator.count(Kind.IMPORT_FILE),
                                    emulator.mutatingRequests(),
                                    emulator.totalRequests()));
        }
    }

    static void generate(Path dir, int files, int perDirectory) throws IOException {
        Files.createDirectories(dir);
        for (int i = 0; i < files; i++) {
            Path file = dir.resolve("d%03d/f%05d.txt".formatted(i / perDirectory, i));
            Files.createDirectories(file.getParent());
            Files.writeString(file, ("line of file " + i + "\n").repeat(20), StandardCharsets.UTF_8);
        }
    }

    static void git(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("git", "-C", dir.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (process.waitFor() != 0) {
            throw new IOException("git " + String.join(" ", args) + " failed");
        }
    }

    static double median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
