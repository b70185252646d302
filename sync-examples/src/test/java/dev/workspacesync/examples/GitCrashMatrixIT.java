package dev.workspacesync.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.workspacesync.core.testing.Seeds;
import dev.workspacesync.git.testing.GitHttpServer;
import dev.workspacesync.git.testing.GitTesting;
import dev.workspacesync.git.testing.GitTesting.TreeFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The crash matrix of the git destination: the packaged CLI ({@code java -jar workspace-sync.jar run
 * --source local --destination git}) runs in its own process and is killed with SIGKILL at known points
 * of a sync (held there by the test-only {@code workspace-sync.test.pause-at} property), and at seeded
 * random moments. After each kill a plain rerun, with no manual step, exits 0 and leaves the remote branch
 * holding exactly the source, with one commit per distinct content.
 */
class GitCrashMatrixIT {
    private static final Path JAR = Path.of("target/workspace-sync.jar").toAbsolutePath();
    private static final String JAVA =
            Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private static final long WAIT_SECONDS = 180;

    @TempDir
    Path dir;

    private GitHttpServer http;
    private final List<Process> started = new ArrayList<>();

    @BeforeAll
    static void isolate() {
        GitTesting.isolateJGit();
    }

    @AfterAll
    static void restore() {
        GitTesting.restoreJGit();
    }

    @AfterEach
    void stop() throws Exception {
        // Never leave a child running while @TempDir is deleted.
        for (Process p : started) {
            p.destroyForcibly();
            p.waitFor(60, TimeUnit.SECONDS);
        }
        if (http != null) {
            http.close();
        }
    }

    enum Transport {
        /** A {@code file://} bare repository; the clone in the default cache root. */
        FILE,
        /** The JGit smart-HTTP server with a token; the clone in a configured git.work-dir. */
        HTTP
    }

    /** One project, one remote, one clone: what a deployment has. */
    private final class Fixture {
        final Transport transport;
        final Path project = dir.resolve("project");
        final Path remote;
        final String url;
        final SplittableRandom random;
        int runs;

        Fixture(Transport transport, SplittableRandom random) throws Exception {
            this.transport = transport;
            this.random = random;
            if (transport == Transport.HTTP) {
                http = new GitHttpServer(dir.resolve("server"));
                remote = http.createRepository("backup.git");
                url = http.url("backup.git");
            } else {
                remote = GitTesting.bareRepository(dir.resolve("backup.git"));
                url = remote.toUri().toString();
            }
            for (int i = 0; i < 120; i++) {
                write("d" + (i % 7) + "/sub" + (i % 3) + "/f" + i + ".txt", "file " + i + " " + random.nextLong());
            }
            write("run.sh", "#!/bin/sh\necho hi\n");
            project.resolve("run.sh").toFile().setExecutable(true);
        }

        void write(String path, String content) throws IOException {
            GitTesting.write(project, path, content + "\n");
        }

        /** Adds, updates and deletes a few files (never enough deletes to trip the deletion guard). */
        void change() throws IOException {
            List<Path> files = projectFiles();
            for (int i = 0; i < 12; i++) {
                write("new/n" + runs + "-" + i + ".txt", "new " + random.nextLong());
            }
            for (int i = 0; i < 10 && !files.isEmpty(); i++) {
                Path victim = files.get(random.nextInt(files.size()));
                if (Files.exists(victim)) {
                    Files.writeString(victim, "updated " + random.nextLong() + "\n");
                }
            }
            for (int i = 0; i < 4 && files.size() > 10; i++) {
                Files.deleteIfExists(files.remove(random.nextInt(files.size())));
            }
            runs++;
        }

        List<Path> projectFiles() throws IOException {
            try (Stream<Path> walk = Files.walk(project)) {
                return new ArrayList<>(
                        walk.filter(Files::isRegularFile).sorted().toList());
            }
        }

        Map<String, TreeFile> expected() throws IOException {
            Map<String, TreeFile> files = new TreeMap<>();
            for (Path file : projectFiles()) {
                files.put(
                        project.relativize(file).toString().replace('\\', '/'),
                        new TreeFile(Files.readString(file, StandardCharsets.UTF_8), Files.isExecutable(file)));
            }
            return files;
        }

        Path cloneDir() throws IOException {
            if (transport == Transport.HTTP) {
                return dir.resolve("clone");
            }
            try (Stream<Path> clones = Files.list(dir.resolve("cache/workspace-sync/git"))) {
                List<Path> all = clones.toList();
                assertThat(all).hasSize(1);
                return all.get(0);
            }
        }

        Process start(String pauseAt, String... extra) throws IOException {
            List<String> command = new ArrayList<>(List.of(JAVA, "-XX:TieredStopAtLevel=1"));
            if (pauseAt != null) {
                command.add("-Dworkspace-sync.test.pause-at=" + pauseAt);
                command.add("-Dworkspace-sync.test.pause-marker=" + marker());
            }
            command.addAll(List.of(
                    "-jar",
                    JAR.toString(),
                    "run",
                    "--source",
                    "local",
                    "--destination",
                    "git",
                    "--json",
                    "--set",
                    "local.path=" + project,
                    "--set",
                    "git.remote-url=" + url));
            if (transport == Transport.HTTP) {
                command.addAll(List.of(
                        "--set",
                        "git.username=" + GitHttpServer.USER,
                        "--set",
                        "git.work-dir=" + dir.resolve("clone")));
            }
            command.addAll(List.of(extra));
            Path log = dir.resolve("run-" + started.size() + ".log");
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            Map<String, String> env = builder.environment();
            env.keySet().removeIf(k -> !k.equals("PATH"));
            env.put("HOME", dir.resolve("home").toString());
            env.put("XDG_CACHE_HOME", dir.resolve("cache").toString());
            if (transport == Transport.HTTP) {
                env.put("GIT_TOKEN", GitHttpServer.PASSWORD);
            }
            Process process = builder.start();
            started.add(process);
            return process;
        }

        Path marker() {
            return dir.resolve("paused");
        }

        String output(Process process) throws IOException {
            return Files.readString(dir.resolve("run-" + started.indexOf(process) + ".log"));
        }

        /** A plain run to its end. */
        Finished run(String... extra) throws Exception {
            Process process = start(null, extra);
            assertThat(process.waitFor(WAIT_SECONDS, TimeUnit.SECONDS))
                    .as("the run finishes")
                    .isTrue();
            return new Finished(process.exitValue(), output(process), process.pid());
        }

        Finished runConverges(String context) throws Exception {
            Finished rerun = run();
            assertThat(rerun.exitCode()).as(context + "\n" + rerun.output()).isZero();
            assertThat(rerun.output()).doesNotContain(GitHttpServer.PASSWORD);
            assertConverged(context);
            return rerun;
        }

        /** The remote branch holds exactly the project, and no two commits in a row have the same tree. */
        void assertConverged(String context) throws IOException {
            assertThat(GitTesting.tree(remote, "main")).as(context).isEqualTo(expected());
            List<RevCommit> log = GitTesting.log(remote, "main");
            for (int i = 0; i + 1 < log.size(); i++) {
                ObjectId tree = log.get(i).getTree();
                assertThat(tree)
                        .as(
                                context + ": commit %s repeats its parent's content",
                                log.get(i).name())
                        .isNotEqualTo(log.get(i + 1).getTree());
            }
            assertThat(CachedCloneFiles.locks(cloneDir())).as(context).isEmpty();
        }

        /** Starts a run that pauses at {@code point}, waits until it is exactly there, and kills it. */
        Process startPaused(String point) throws Exception {
            Files.deleteIfExists(marker());
            Process process = start(point);
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
            while (!Files.exists(marker())) {
                assertThat(process.isAlive())
                        .as("the run reaches %s before ending:\n%s", point, output(process))
                        .isTrue();
                assertThat(System.nanoTime()).as("reaching " + point).isLessThan(until);
                process.waitFor(50, TimeUnit.MILLISECONDS);
            }
            assertThat(Files.readString(marker()).strip()).isEqualTo(Long.toString(process.pid()));
            return process;
        }
    }

    record Finished(int exitCode, String output, long pid) {}

    /** What a kill -9 leaves, read without JGit. */
    static final class CachedCloneFiles {
        static List<String> locks(Path clone) throws IOException {
            Path git = clone.resolve(".git");
            try (Stream<Path> walk = Files.walk(git)) {
                return walk.filter(p -> p.getFileName().toString().endsWith(".lock"))
                        .filter(p -> !p.startsWith(git.resolve("workspace-sync")))
                        .map(p -> git.relativize(p).toString())
                        .toList();
            }
        }
    }

    private static void kill(Process process) throws InterruptedException {
        process.destroyForcibly(); // SIGKILL: no shutdown hook, no finally block runs
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    }

    static Stream<Arguments> points() {
        List<Arguments> all = new ArrayList<>();
        for (Transport transport : Transport.values()) {
            for (String point : List.of("write", "stage", "commit", "push", "pushed")) {
                all.add(Arguments.of(point, transport));
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "kill -9 at {0} over {1}")
    @MethodSource("points")
    void killedAtAKnownPointThenAPlainRerunConverges(String point, Transport transport) throws Exception {
        assertThat(JAR).exists();
        Fixture f = new Fixture(transport, new SplittableRandom(point.hashCode()));
        Finished first = f.run();
        assertThat(first.exitCode()).as(first.output()).isZero();
        f.assertConverged("first sync");
        ObjectId before = GitTesting.log(f.remote, "main").get(0).getId();

        f.change();
        Process paused = f.startPaused(point);
        // The process is exactly where the point says.
        List<String> locks = CachedCloneFiles.locks(f.cloneDir());
        ObjectId remoteHead = GitTesting.log(f.remote, "main").get(0).getId();
        switch (point) {
            case "write", "stage" -> assertThat(locks).contains("index.lock");
            case "commit", "push" -> assertThat(remoteHead).isEqualTo(before);
            case "pushed" -> assertThat(remoteHead).isNotEqualTo(before);
            default -> throw new IllegalArgumentException(point);
        }
        kill(paused);
        assertThat(paused.exitValue()).isNotZero();

        Finished rerun = f.runConverges("rerun after kill -9 at " + point);
        if (!locks.isEmpty()) {
            assertThat(rerun.output()).contains("stale lock file(s)").contains("did not finish");
        }
        assertThat(GitTesting.log(f.remote, "main"))
                .as("one commit per content")
                .hasSize(2);
        // And the clone is healthy for what comes next.
        f.change();
        f.runConverges("a later sync");
        assertThat(GitTesting.log(f.remote, "main")).hasSize(3);
    }

    static Stream<Long> seeds() {
        return Seeds.seeds(2);
    }

    /** kill -9 at seeded random moments, a plain rerun after each. */
    @ParameterizedTest
    @MethodSource("seeds")
    void killedAtRandomMomentsEveryRerunConverges(long seed) throws Exception {
        SplittableRandom random = Seeds.random("gitCrashMatrixRandom", seed);
        // Over HTTP: a file:// remote is written by the killed process itself (its receive-pack runs in it).
        Fixture f = new Fixture(Transport.HTTP, random);
        long begin = System.nanoTime();
        Finished first = f.run();
        // Kill moments spread over a whole run's length as measured on this machine, however loaded.
        long runMillis = Math.max(1000, (System.nanoTime() - begin) / 1_000_000);
        assertThat(first.exitCode()).as(first.output()).isZero();
        for (int round = 0; round < 4; round++) {
            f.change();
            long delay = random.nextLong(runMillis / 3, runMillis + 1);
            Process process = f.start(null);
            boolean killed = !process.waitFor(delay, TimeUnit.MILLISECONDS);
            if (killed) {
                kill(process);
            }
            System.out.printf(
                    "seed %d, %s, round %d: after %d ms (a run takes %d ms) %s; lock files left: %s%n",
                    seed,
                    f.transport,
                    round,
                    delay,
                    runMillis,
                    killed ? "kill -9" : "it had finished",
                    CachedCloneFiles.locks(f.cloneDir()));
            long rerunStart = System.nanoTime();
            f.runConverges("seed " + seed + " round " + round + " (killed after " + delay + " ms)");
            // Later runs reuse the clone and are shorter than the first: aim at their length.
            runMillis = Math.max(1000, (System.nanoTime() - rerunStart) / 1_000_000);
        }
    }

    @Test
    void aRunWhileAnotherHoldsTheCloneFailsNamingItsPidAndTheCloneIsNotTouched() throws Exception {
        Fixture f = new Fixture(Transport.FILE, new SplittableRandom(11));
        assertThat(f.run().exitCode()).isZero();
        f.change();
        Process holder = f.startPaused("stage");
        Finished second = f.run("--set", "git.deadline=3s");
        assertThat(second.exitCode()).as(second.output()).isEqualTo(1);
        assertThat(second.output())
                .contains("in use by another sync")
                .contains("pid " + holder.pid())
                .contains(f.cloneDir().toString());
        assertThat(CachedCloneFiles.locks(f.cloneDir())).contains("index.lock");
        kill(holder);
        f.runConverges("after the holder was killed");
    }
}
