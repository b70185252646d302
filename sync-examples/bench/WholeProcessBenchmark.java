import dev.workspacesync.databricks.testing.WorkspaceEmulator;
import dev.workspacesync.databricks.testing.WorkspaceEmulator.Kind;
import dev.workspacesync.windmill.testing.WindmillEmulator;
import dev.workspacesync.windmill.testing.WorkspaceArchive;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Whole-process benchmark (not a test): the packaged CLI jar started as a process, as a user or the commit
 * hook starts it, side by side with a baseline in the same process tree, several rounds, medians and
 * ratios. The emulators run in this JVM. Run through {@code bench/whole-process.sh}.
 *
 * <p>Arguments: FIGURE ROUNDS WORK-DIR WMILL VARIANT... where FIGURE is one of {@code windmill-unzip},
 * {@code windmill-wmill}, {@code databricks-upload}, {@code databricks-noop}, {@code git-change},
 * {@code version}, and each VARIANT is {@code name=jar[,jvm-option...]} (e.g. {@code before=/tmp/old.jar}
 * {@code after=target/workspace-sync.jar,cds=after.jsa}, see {@link Variant#command}). Within a
 * round the baseline and every variant run one after another, so load changes hit them alike.
 */
public final class WholeProcessBenchmark {
    private static final String TOKEN = "bench-token";
    private static Path WORK;

    record Variant(String name, Path jar, List<String> jvm) {
        static Variant parse(String spec) {
            String[] nameRest = spec.split("=", 2);
            String[] parts = nameRest[1].split(",");
            return new Variant(
                    nameRest[0], Path.of(parts[0]).toAbsolutePath(), List.of(parts).subList(1, parts.length));
        }

        /**
         * The java command line. The pseudo-option {@code cds=PATH} does what the commit hook does: the first run
         * writes a class-data archive of what it loaded ({@code -XX:ArchiveClassesAtExit}), later runs map it.
         */
        List<String> command(String... args) {
            List<String> c = new ArrayList<>();
            c.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            for (String option : jvm) {
                if (option.startsWith("cds=")) {
                    Path archive = WORK.resolve(option.substring(4)); // relative: in the run's work directory
                    c.add((Files.exists(archive) ? "-XX:SharedArchiveFile=" : "-XX:ArchiveClassesAtExit=") + archive);
                    c.add("-Xlog:cds=off");
                    c.add("-Xlog:cds+dynamic=off");
                } else {
                    c.add(option);
                }
            }
            c.add("-jar");
            c.add(jar.toString());
            c.addAll(List.of(args));
            return c;
        }
    }

    private final Path work;
    private final Path home;
    private final Map<String, List<Long>> times = new LinkedHashMap<>();
    private final Map<String, List<Long>> cpuTimes = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();
    /** Set during round -1, whose times are not recorded. */
    private boolean warmUp;

    private WholeProcessBenchmark(Path work) throws IOException {
        this.work = work;
        this.home = Files.createDirectories(work.resolve("home"));
    }

    public static void main(String[] args) throws Exception {
        String figure = args[0];
        int rounds = Integer.parseInt(args[1]);
        Path work = Files.createDirectories(Path.of(args[2]).toAbsolutePath());
        WORK = work;
        String wmill = args[3];
        List<Variant> variants = new ArrayList<>();
        for (int i = 4; i < args.length; i++) {
            variants.add(Variant.parse(args[i]));
        }
        WholeProcessBenchmark b = new WholeProcessBenchmark(work);
        String baseline = switch (figure) {
            case "windmill-unzip" -> b.windmill(3000, 300, rounds, variants, null);
            case "windmill-wmill" -> b.windmill(300, 30, rounds, variants, wmill);
            case "databricks-upload" -> b.databricksUpload(2000, 20, 8, rounds, variants);
            case "databricks-noop" -> b.databricksNoop(20_000, rounds, variants);
            case "git-change" -> b.gitChange(20_000, rounds, variants);
            case "version" -> b.version(rounds, variants);
            default -> throw new IllegalArgumentException("unknown figure " + figure);
        };
        b.print(figure, baseline);
    }

    // ---- figures ------------------------------------------------------------------------------

    private String windmill(int scripts, int flows, int rounds, List<Variant> variants, String wmill)
            throws Exception {
        WorkspaceArchive archive = workspace(scripts, flows);
        Path zip = work.resolve("workspace.zip");
        Files.write(zip, archive.toZip());
        try (WindmillEmulator emulator = WindmillEmulator.start(TOKEN).workspace("bench", archive)) {
            // Round -1 warms the page cache and lets a cds= variant write its archive; it is not recorded.
            for (int round = -1; round < rounds; round++) {
                warmUp = round < 0;
                Path dir = work.resolve("r" + round);
                if (wmill == null) {
                    time("unzip -q", dir.resolve("unzip"), List.of("unzip", "-q", zip.toString()), Map.of());
                } else {
                    Path cli = dir.resolve("wmill");
                    time(
                            "wmill sync pull",
                            cli,
                            List.of(
                                    wmill,
                                    "sync",
                                    "pull",
                                    "--yes",
                                    "--skip-branch-validation",
                                    "--base-url",
                                    emulator.baseUrl() + "/",
                                    "--token",
                                    TOKEN,
                                    "--workspace",
                                    "bench",
                                    "--config-dir",
                                    dir.resolve("wmill-config").toString()),
                            Map.of());
                }
                for (Variant v : variants) {
                    Path out = dir.resolve(v.name());
                    time(
                            v.name(),
                            dir,
                            v.command(
                                    "run",
                                    "--source",
                                    "windmill",
                                    "--destination",
                                    "directory",
                                    "-q",
                                    "--set",
                                    "windmill.base-url=" + emulator.baseUrl(),
                                    "--set",
                                    "windmill.workspace=bench",
                                    "--set",
                                    "directory.path=" + out),
                            Map.of("WINDMILL_TOKEN", TOKEN));
                    if (round == -1) {
                        notes.add(v.name() + ": " + countFiles(out) + " files");
                    }
                }
                if (round == -1) {
                    notes.add("baseline: " + countFiles(dir.resolve(wmill == null ? "unzip" : "wmill")) + " files");
                }
                delete(dir);
            }
        }
        return wmill == null ? "unzip -q" : "wmill sync pull";
    }

    private String databricksUpload(int files, int latencyMs, int concurrency, int rounds, List<Variant> variants)
            throws Exception {
        Path project = work.resolve("project");
        generate(project, files, 100);
        try (WorkspaceEmulator emulator = WorkspaceEmulator.start(TOKEN, Math.max(64, concurrency * 2))) {
            emulator.latency(Duration.ofMillis(latencyMs));
            for (int round = -1; round < rounds; round++) {
                warmUp = round < 0;
                String root = "/Users/bench/r" + (round + 1);
                long start = System.nanoTime();
                minimalUpload(emulator.host(), project, root + "/baseline", concurrency);
                record("minimal client", System.nanoTime() - start);
                for (Variant v : variants) {
                    emulator.resetCounts();
                    Path state = work.resolve("state-" + round + "-" + v.name());
                    time(
                            v.name(),
                            work,
                            v.command(
                                    "run",
                                    "--source",
                                    "local",
                                    "--destination",
                                    "databricks",
                                    "-q",
                                    "--set",
                                    "local.path=" + project,
                                    "--set",
                                    "databricks.host=" + emulator.host(),
                                    "--set",
                                    "databricks.root=" + root + "/" + v.name(),
                                    "--set",
                                    "databricks.state-dir=" + state,
                                    "--set",
                                    "databricks.concurrency=" + concurrency,
                                    "--set",
                                    "databricks.rate-limit=0"),
                            Map.of("DATABRICKS_TOKEN", TOKEN));
                    if (round == -1) {
                        notes.add(v.name() + ": " + emulator.count(Kind.IMPORT_FILE) + " import-file, "
                                + emulator.count(Kind.IMPORT) + " import, " + emulator.totalRequests()
                                + " requests");
                    }
                }
            }
        }
        notes.add(files + " files, latency " + latencyMs + " ms, " + concurrency + " in flight; a ratio below 1"
                + " here is time (higher rate = lower ratio; the issue's rate ratio is its inverse)");
        return "minimal client";
    }

    /** The floor: mkdirs of each directory, then import-file of each file, 8 keep-alive connections. */
    private static void minimalUpload(String host, Path project, String root, int concurrency) throws Exception {
        ExecutorService httpThreads = Executors.newFixedThreadPool(concurrency);
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .executor(httpThreads)
                .build();
        List<Path> all;
        try (Stream<Path> walk = Files.walk(project)) {
            all = walk.filter(Files::isRegularFile).sorted().toList();
        }
        TreeSet<String> dirs = new TreeSet<>();
        for (Path f : all) {
            dirs.add(root + "/" + project.relativize(f.getParent()).toString().replace('\\', '/'));
        }
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        try {
            List<Future<?>> pending = new ArrayList<>();
            for (String d : dirs) {
                pending.add(pool.submit(() -> send(
                        http,
                        HttpRequest.newBuilder(URI.create(host + "/api/2.0/workspace/mkdirs"))
                                .header("Authorization", "Bearer " + TOKEN)
                                .POST(HttpRequest.BodyPublishers.ofString("{\"path\":\"" + d + "\"}"))
                                .build())));
            }
            for (Future<?> f : pending) {
                f.get();
            }
            pending.clear();
            for (Path f : all) {
                String path = root + "/" + project.relativize(f).toString().replace('\\', '/');
                pending.add(pool.submit(() -> send(
                        http,
                        HttpRequest.newBuilder(URI.create(host + "/api/2.0/workspace-files/import-file"
                                        + encodePath(path) + "?overwrite=true"))
                                .header("Authorization", "Bearer " + TOKEN)
                                .POST(HttpRequest.BodyPublishers.ofByteArray(Files.readAllBytes(f)))
                                .build())));
            }
            for (Future<?> f : pending) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
            httpThreads.shutdownNow(); // else its threads keep the driver's JVM from exiting
        }
    }

    private static String encodePath(String path) {
        StringBuilder b = new StringBuilder();
        for (String segment : path.split("/")) {
            if (!segment.isEmpty()) {
                b.append('/').append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
            }
        }
        return b.toString();
    }

    private static Void send(HttpClient http, HttpRequest request) throws Exception {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(request.uri() + ": " + response.statusCode() + " " + response.body());
        }
        return null;
    }

    private String databricksNoop(int files, int rounds, List<Variant> variants) throws Exception {
        Path project = work.resolve("project");
        generate(project, files, 200);
        git(project, "init", "-q");
        git(project, "add", "-A");
        git(project, "-c", "user.name=bench", "-c", "user.email=bench@example.com", "commit", "-q", "-m", "tree");
        try (WorkspaceEmulator emulator = WorkspaceEmulator.start(TOKEN)) {
            int maxRequests = 0;
            int maxMutating = 0;
            for (int round = -1; round < rounds; round++) {
                warmUp = round < 0;
                // Round -1: the first upload of each variant (its own root and state), not timed.
                if (round >= 0) {
                    time("git status --porcelain", project, List.of("git", "status", "--porcelain"), Map.of());
                }
                for (Variant v : variants) {
                    emulator.resetCounts();
                    List<String> command = v.command(
                            "run",
                            "--source",
                            "local",
                            "--destination",
                            "databricks",
                            "-q",
                            "--set",
                            "local.path=" + project,
                            "--set",
                            "databricks.host=" + emulator.host(),
                            "--set",
                            "databricks.root=/Users/bench/" + v.name(),
                            "--set",
                            "databricks.state-dir=" + work.resolve("state-" + v.name()),
                            "--set",
                            "databricks.concurrency=16",
                            "--set",
                            "databricks.rate-limit=0");
                    if (round < 0) {
                        run(command, project, Map.of("DATABRICKS_TOKEN", TOKEN));
                    } else {
                        time(v.name(), project, command, Map.of("DATABRICKS_TOKEN", TOKEN));
                        maxRequests = Math.max(maxRequests, emulator.totalRequests());
                        maxMutating = Math.max(maxMutating, emulator.mutatingRequests());
                    }
                }
            }
            notes.add(files + " files; no-op runs made at most " + maxRequests + " requests, " + maxMutating
                    + " mutating");
        }
        return "git status --porcelain";
    }

    private String gitChange(int files, int rounds, List<Variant> variants) throws Exception {
        Path project = work.resolve("project");
        for (int i = 0; i < files; i++) {
            Path file = project.resolve("dir" + (i / 100)).resolve("file" + i + ".txt");
            Files.createDirectories(file.getParent());
            Files.writeString(file, ("line of file " + i + "\n").repeat(8));
        }
        Path bare = work.resolve("ours.git");
        git(work, "init", "-q", "--bare", "-b", "main", bare.toString());
        git(bare, "config", "receive.autogc", "false");
        Map<String, Path> remotes = new LinkedHashMap<>();
        for (Variant v : variants) {
            Path remote = work.resolve(v.name() + ".git");
            git(work, "init", "-q", "--bare", "-b", "main", remote.toString());
            git(remote, "config", "receive.autogc", "false");
            remotes.put(v.name(), remote);
        }
        // The git CLI side: a clone of the project as a work tree of its own, pushing to its own bare repo.
        Path cli = work.resolve("cli");
        copyTree(project, cli);
        git(cli, "init", "-q", "-b", "main");
        git(cli, "add", "-A");
        git(cli, "-c", "user.name=bench", "-c", "user.email=bench@example.com", "commit", "-q", "-m", "first");
        git(cli, "remote", "add", "origin", bare.toString());
        git(cli, "push", "-q", "origin", "main");
        for (int round = -1; round < rounds; round++) {
            warmUp = round < 0;
            if (round >= 0) {
                String content = "changed in round " + round + "\n";
                Files.writeString(cli.resolve("dir7/file777.txt"), content);
                Files.writeString(project.resolve("dir7/file777.txt"), content);
                time(
                        "git add+commit+push",
                        cli,
                        List.of(
                                "sh",
                                "-c",
                                "git add -A && git -c user.name=bench -c user.email=bench@example.com commit -q -m"
                                        + " change && git push -q origin main"),
                        Map.of());
            }
            for (Variant v : variants) {
                List<String> command = v.command(
                        "run",
                        "--source",
                        "local",
                        "--destination",
                        "git",
                        "-q",
                        "--set",
                        "local.path=" + project,
                        "--set",
                        "git.remote-url=" + remotes.get(v.name()).toUri(),
                        "--set",
                        "git.work-dir=" + work.resolve("clone-" + v.name()));
                if (round < 0) {
                    run(command, project, Map.of()); // the first sync of 20,000 files, not timed
                } else {
                    time(v.name(), project, command, Map.of());
                }
            }
        }
        notes.add(files + " files, one changed per round; every side pushes to a bare repository over file://");
        return "git add+commit+push";
    }

    private String version(int rounds, List<Variant> variants) throws Exception {
        for (int round = -1; round < rounds; round++) {
            warmUp = round < 0;
            time("java -version", work, List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xshare:auto", "-version"),
                    Map.of());
            for (Variant v : variants) {
                time(v.name(), work, v.command("--version"), Map.of());
            }
        }
        return "java -version";
    }

    // ---- plumbing -----------------------------------------------------------------------------

    /** Runs a process to the end; records its wall time and, through /usr/bin/time, its CPU time (user + system). */
    private void time(String name, Path dir, List<String> command, Map<String, String> env) throws Exception {
        Path cpu = work.resolve("cpu.txt");
        List<String> timed = new ArrayList<>(List.of("/usr/bin/time", "-f", "%U %S", "-o", cpu.toString()));
        timed.addAll(command);
        long start = System.nanoTime();
        run(timed, dir, env);
        record(name, System.nanoTime() - start);
        String[] userSystem = Files.readString(cpu).trim().split("\\s+");
        if (warmUp) {
            return;
        }
        cpuTimes.computeIfAbsent(name, k -> new ArrayList<>())
                .add((long) ((Double.parseDouble(userSystem[userSystem.length - 2])
                                + Double.parseDouble(userSystem[userSystem.length - 1]))
                        * 1e9));
    }

    private void record(String name, long nanos) {
        if (warmUp) {
            return;
        }
        times.computeIfAbsent(name, k -> new ArrayList<>()).add(nanos);
    }

    private void run(List<String> command, Path dir, Map<String, String> env) throws Exception {
        Files.createDirectories(dir);
        Path log = work.resolve("last.log");
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("DATABRICKS_") || k.startsWith("WINDMILL_")
                || k.startsWith("WORKSPACE_SYNC_") || k.startsWith("GIT_"));
        pb.environment().put("HOME", home.toString());
        pb.environment().put("XDG_CACHE_HOME", home.resolve(".cache").toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(1, TimeUnit.HOURS) || p.exitValue() != 0) {
            throw new IllegalStateException(command + " failed:\n" + Files.readString(log));
        }
    }

    private void print(String figure, String baseline) {
        double base = median(times.get(baseline));
        List<Long> baseCpu = cpuTimes.get(baseline);
        System.out.printf("%n%s (%d rounds; medians, min-max)%n", figure, times.get(baseline).size());
        for (Map.Entry<String, List<Long>> e : times.entrySet()) {
            double m = median(e.getValue());
            List<Long> cpu = cpuTimes.get(e.getKey());
            System.out.printf(
                    "  %-24s wall %8.3f s (%.3f-%.3f) = %.2fx of %s;  cpu %s%n",
                    e.getKey(),
                    m / 1e9,
                    Collections.min(e.getValue()) / 1e9,
                    Collections.max(e.getValue()) / 1e9,
                    m / base,
                    baseline,
                    cpu == null
                            ? "-"
                            : "%.3f s%s".formatted(
                                    median(cpu) / 1e9,
                                    baseCpu == null ? "" : " = %.2fx".formatted(median(cpu) / median(baseCpu))));
        }
        notes.forEach(n -> System.out.println("  " + n));
    }

    private static double median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
    }

    private static WorkspaceArchive workspace(int scripts, int flows) throws Exception {
        // PullBenchmark's workspace (sync-windmill's test tree): Python scripts with locks, 4-step flows.
        java.lang.reflect.Method workspace = Class.forName("dev.workspacesync.windmill.bench.PullBenchmark")
                .getDeclaredMethod("workspace", int.class, int.class);
        workspace.setAccessible(true); // package-private there
        return (WorkspaceArchive) workspace.invoke(null, scripts, flows);
    }

    private static void generate(Path dir, int files, int perDirectory) throws IOException {
        for (int i = 0; i < files; i++) {
            Path file = dir.resolve("d%03d/f%05d.txt".formatted(i / perDirectory, i));
            Files.createDirectories(file.getParent());
            Files.writeString(file, ("line of file " + i + "\n").repeat(20), StandardCharsets.UTF_8);
        }
    }

    private static long countFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).count();
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    private static void delete(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private void git(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("git", "-C", dir.toString()));
        command.addAll(List.of(args));
        run(command, dir, Map.of());
    }
}
