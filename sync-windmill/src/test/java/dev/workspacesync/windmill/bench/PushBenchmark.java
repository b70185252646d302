package dev.workspacesync.windmill.bench;

import dev.workspacesync.core.Secret;
import dev.workspacesync.core.Snapshot;
import dev.workspacesync.core.SnapshotEntry;
import dev.workspacesync.core.SyncPath;
import dev.workspacesync.core.SyncPlan;
import dev.workspacesync.core.spi.Destination;
import dev.workspacesync.windmill.WindmillDestination;
import dev.workspacesync.windmill.WindmillPullOptions;
import dev.workspacesync.windmill.WindmillSource;
import dev.workspacesync.windmill.testing.WindmillEmulator;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark (not a test): our {@link WindmillDestination} against the real {@code wmill sync push} on the same
 * emulator, for the tree a pull of {@link PullBenchmark#workspace} writes: into an empty workspace, then one
 * changed script into the full one, several rounds each, medians and ratios. Run with {@code bench/push-bench.sh}.
 *
 * <p>Arguments: scripts flows rounds wmill-executable work-dir [skip-cli]
 */
public final class PushBenchmark {
    private static final String TOKEN = "bench-token";

    private PushBenchmark() {}

    public static void main(String[] args) throws Exception {
        int scripts = Integer.parseInt(args[0]);
        int flows = Integer.parseInt(args[1]);
        int rounds = Integer.parseInt(args[2]);
        String wmill = args[3];
        Path work = Path.of(args[4]);
        boolean skipCli = args.length > 5 && args[5].equals("skip-cli");
        try (WindmillEmulator emulator =
                WindmillEmulator.start(TOKEN).workspace("seed", PullBenchmark.workspace(scripts, flows))) {
            TreeMap<String, byte[]> tree = new TreeMap<>();
            try (WindmillSource source = source(emulator, "seed", work)) {
                for (SnapshotEntry e : source.snapshot().entries()) {
                    try (InputStream in = e.open()) {
                        tree.put(e.path().value(), in.readAllBytes());
                    }
                }
            }
            Path dir = Files.createDirectories(work.resolve("tree"));
            for (Map.Entry<String, byte[]> e : tree.entrySet()) {
                Path target = dir.resolve(e.getKey());
                Files.createDirectories(target.getParent());
                Files.write(target, e.getValue());
            }
            String changedFile = "f/folder0/script_0.py";
            TreeMap<String, byte[]> changed = new TreeMap<>(tree);
            long[] oursFull = new long[rounds];
            long[] oursOne = new long[rounds];
            long[] cliFull = new long[rounds];
            long[] cliOne = new long[rounds];
            for (int r = 0; r < rounds; r++) {
                String ws = "ours" + r;
                emulator.emptyWorkspace(ws);
                oursFull[r] = push(emulator, ws, tree, work);
                changed.put(
                        changedFile, ("def main(x: int):\n    return " + r + "\n").getBytes(StandardCharsets.UTF_8));
                emulator.resetRequests();
                oursOne[r] = push(emulator, ws, changed, work);
                System.out.printf(
                        "ours round %d: empty %.2f s, 1 change %.3f s (%d writes)%n",
                        r, oursFull[r] / 1e9, oursOne[r] / 1e9, emulator.writeRequests());
                if (skipCli) {
                    continue;
                }
                String cws = "cli" + r;
                emulator.emptyWorkspace(cws);
                Files.write(dir.resolve(changedFile), tree.get(changedFile));
                cliFull[r] = cli(wmill, dir, work.resolve("home" + r), emulator, cws);
                Files.write(dir.resolve(changedFile), changed.get(changedFile));
                emulator.resetRequests();
                cliOne[r] = cli(wmill, dir, work.resolve("home" + r), emulator, cws);
                System.out.printf(
                        "wmill round %d: empty %.2f s, 1 change %.3f s (%d writes)%n",
                        r, cliFull[r] / 1e9, cliOne[r] / 1e9, emulator.writeRequests());
            }
            System.out.printf("%d files; median of %d rounds%n", tree.size(), rounds);
            System.out.printf("ours  empty %.2f s, 1 change %.3f s%n", median(oursFull), median(oursOne));
            if (!skipCli) {
                System.out.printf("wmill empty %.2f s, 1 change %.3f s%n", median(cliFull), median(cliOne));
                System.out.printf(
                        "ratio ours/wmill: empty %.3f, 1 change %.3f%n",
                        median(oursFull) / median(cliFull), median(oursOne) / median(cliOne));
            }
        }
    }

    private static WindmillSource source(WindmillEmulator emulator, String ws, Path work) {
        return WindmillSource.builder()
                .baseUrl(emulator.baseUrl())
                .token(Secret.of(TOKEN))
                .workspace(ws)
                .pullOptions(WindmillPullOptions.noConfig())
                .stagingDirectory(work)
                .build();
    }

    private static long push(WindmillEmulator emulator, String ws, TreeMap<String, byte[]> files, Path work) {
        List<SnapshotEntry> entries = new ArrayList<>();
        files.forEach((p, b) -> entries.add(SnapshotEntry.ofBytes(SyncPath.exact(p), b, false, null)));
        long start = System.nanoTime();
        try (Destination ours = WindmillDestination.of(source(emulator, ws, work))) {
            SyncPlan plan = ours.plan(Snapshot.of("tree", entries));
            ours.apply(plan, Destination.Progress.NONE);
        }
        return System.nanoTime() - start;
    }

    private static long cli(String wmill, Path dir, Path home, WindmillEmulator emulator, String ws) throws Exception {
        Files.createDirectories(home);
        ProcessBuilder pb = new ProcessBuilder(
                        wmill,
                        "sync",
                        "push",
                        "--yes",
                        "--skip-branch-validation",
                        "--base-url",
                        emulator.baseUrl() + "/",
                        "--token",
                        TOKEN,
                        "--workspace",
                        ws,
                        "--config-dir",
                        home.resolve("config").toString())
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(home.resolve("cli.log").toFile());
        pb.environment().put("HOME", home.toString());
        long start = System.nanoTime();
        Process p = pb.start();
        if (!p.waitFor(2, TimeUnit.HOURS) || p.exitValue() != 0) {
            throw new IllegalStateException("wmill failed; see " + home.resolve("cli.log"));
        }
        return System.nanoTime() - start;
    }

    private static double median(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return (n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0) / 1e9;
    }
}
