import dev.workspacesync.core.Snapshot;
import dev.workspacesync.core.SyncPlan;
import dev.workspacesync.core.spi.Destination;
import dev.workspacesync.git.GitRemoteDestination;
import dev.workspacesync.git.LocalProjectSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Benchmark (not a test): a mirror of N files (default 20,000) with one changed file per round.
 * Compares the git destination's plan + apply (commit and push with JGit) with
 * {@code git add -A && git commit && git push} by the git CLI on an identical clone, both pushing to a
 * local bare repository over file://. Run with bench/run.sh.
 */
public class CommitPushBenchmark {
    public static void main(String[] args) throws Exception {
        int files = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        Path root = Files.createTempDirectory("git-bench");
        try {
            run(root, files, rounds);
        } finally {
            try (Stream<Path> walk = Files.walk(root)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    static void run(Path root, int files, int rounds) throws Exception {
        Path project = root.resolve("project");
        Path home = Files.createDirectories(root.resolve("home"));
        for (int i = 0; i < files; i++) {
            Path file = project.resolve("dir" + (i / 100)).resolve("file" + i + ".txt");
            Files.createDirectories(file.getParent());
            Files.writeString(file, ("line of file " + i + "\n").repeat(8));
        }
        Path ours = root.resolve("ours.git");
        git(root, home, "init", "-q", "--bare", "-b", "main", ours.toString());
        // JGit receives file:// pushes in-process; keep its background gc out of the timings.
        git(ours, home, "config", "receive.autogc", "false");
        GitRemoteDestination destination = GitRemoteDestination.builder(ours.toUri().toString())
                .workDir(root.resolve("ours-clone"))
                .build();
        long t0 = System.nanoTime();
        try (LocalProjectSource source = LocalProjectSource.builder(project).build()) {
            Snapshot first = source.snapshot();
            destination.apply(destination.plan(first), Destination.Progress.NONE);
            System.out.printf("initial sync of %d files: %.0f ms%n", files, ms(t0));

            Path theirs = root.resolve("theirs.git");
            git(root, home, "clone", "-q", "--bare", ours.toString(), theirs.toString());
            Path cli = root.resolve("cli-clone");
            git(root, home, "clone", "-q", theirs.toString(), cli.toString());

            System.out.println("round  snapshot_ms  plan_apply_ms  git_cli_ms  ratio(plan+apply/cli)  ratio(incl. snapshot)");
            List<double[]> results = new ArrayList<>();
            for (int round = 1; round <= rounds; round++) {
                int index = (round * 101) % files;
                String changed = "dir" + (index / 100) + "/file" + index + ".txt";
                String content = "changed in round " + round + "\n";
                Files.writeString(project.resolve(changed), content);
                Files.writeString(cli.resolve(changed), content);

                long s = System.nanoTime();
                Snapshot snapshot = source.snapshot();
                double snapshotMs = ms(s);
                long p = System.nanoTime();
                SyncPlan plan = destination.plan(snapshot);
                var result = destination.apply(plan, Destination.Progress.NONE);
                double oursMs = ms(p);
                if (result.updated() != 1) {
                    throw new IllegalStateException("expected one update, got " + result);
                }

                long c = System.nanoTime();
                git(cli, home, "add", "-A");
                git(cli, home, "commit", "-q", "-m", "round " + round);
                git(cli, home, "push", "-q", "origin", "main");
                double cliMs = ms(c);
                System.out.printf(
                        "%5d  %11.0f  %13.0f  %10.0f  %21.2f  %21.2f%n",
                        round, snapshotMs, oursMs, cliMs, oursMs / cliMs, (snapshotMs + oursMs) / cliMs);
                results.add(new double[] {snapshotMs, oursMs, cliMs});
            }
            // Median of the rounds after the first (the first includes JIT warm-up).
            List<double[]> warm = results.subList(Math.min(1, results.size() - 1), results.size());
            double snap = median(warm, 0);
            double our = median(warm, 1);
            double theirsMs = median(warm, 2);
            System.out.printf(
                    "median (rounds 2..%d): snapshot %.0f ms, plan+apply %.0f ms, git CLI %.0f ms; ratio %.2f"
                            + " (%.2f including the snapshot)%n",
                    rounds, snap, our, theirsMs, our / theirsMs, (snap + our) / theirsMs);
        }
    }

    static double median(List<double[]> rows, int column) {
        double[] values = rows.stream().mapToDouble(r -> r[column]).sorted().toArray();
        return values[values.length / 2];
    }

    static double ms(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e6;
    }

    static void git(Path dir, Path home, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("git");
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.put("HOME", home.toString());
        env.put("GIT_CONFIG_GLOBAL", home.resolve(".gitconfig").toString());
        env.put("GIT_CONFIG_NOSYSTEM", "1");
        env.put("GIT_AUTHOR_NAME", "Bench");
        env.put("GIT_AUTHOR_EMAIL", "bench@example.invalid");
        env.put("GIT_COMMITTER_NAME", "Bench");
        env.put("GIT_COMMITTER_EMAIL", "bench@example.invalid");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(300, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException("git " + String.join(" ", args) + " failed: " + output);
        }
    }
}
