package dev.workspacesync.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.workspacesync.core.testing.Seeds;
import dev.workspacesync.git.testing.GitTesting;
import dev.workspacesync.windmill.testing.Fixtures;
import dev.workspacesync.windmill.testing.HostileArchives;
import dev.workspacesync.windmill.testing.HostileArchives.Case;
import dev.workspacesync.windmill.testing.HostileArchives.Kind;
import dev.workspacesync.windmill.testing.WindmillEmulator;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code run --source windmill} as a user runs it: the packaged jar in its own JVM with a 128 MiB heap,
 * against the Windmill emulator. Hostile archives (fixed seeds, printed; {@code -Dworkspace-sync.seed=N} replays
 * one) end in exit 1 and one JSON object naming the limit and its setting, with nothing written to the
 * destination and no staging file left; a down host fails within seconds naming it; transient failures are
 * retried with a visible line, within {@code windmill.deadline}.
 */
class WindmillLimitsIT {
    private static final String TOKEN = "wm-limits-token-0c9e7d";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** What one CLI process did. */
    record Run(int exit, JsonNode json, String stdout, String stderr, long millis) {}

    private Run cli(List<String> jvmOptions, String destination, Path target, String... sets) throws Exception {
        Path jar = Path.of("target/workspace-sync.jar").toAbsolutePath();
        assertThat(jar).exists();
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m",
                "-XX:+ExitOnOutOfMemoryError",
                "-Djava.io.tmpdir=" + tmp));
        command.addAll(jvmOptions);
        command.addAll(
                List.of("-jar", jar.toString(), "run", "--source", "windmill", "--destination", destination, "--json"));
        command.addAll(List.of("--set", "windmill.workspace=ws"));
        if (destination.equals("directory")) {
            command.addAll(List.of("--set", "directory.path=" + target));
        } else {
            command.addAll(
                    List.of("--set", "git.remote-url=" + target, "--set", "git.work-dir=" + dir.resolve("clone")));
        }
        for (String set : sets) {
            command.addAll(List.of("--set", set));
        }
        Path out = dir.resolve("stdout.txt");
        Path err = dir.resolve("stderr.txt");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        builder.environment()
                .keySet()
                .removeIf(k -> k.startsWith("WINDMILL_")
                        || k.startsWith("GIT_")
                        || k.startsWith("WORKSPACE_SYNC_")
                        || k.startsWith("DATABRICKS_"));
        builder.environment().put("HOME", dir.toString());
        builder.environment().put("WINDMILL_TOKEN", TOKEN);
        builder.environment().put("GIT_USER_NAME", "Backup Bot");
        builder.environment().put("GIT_USER_EMAIL", "backup@example.invalid");
        long started = System.nanoTime();
        Process process = builder.start();
        boolean ended = process.waitFor(180, TimeUnit.SECONDS);
        if (!ended) {
            process.destroyForcibly().waitFor();
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        String stdout = Files.readString(out);
        String stderr = Files.readString(err);
        assertThat(ended).as("the CLI ended\n" + stdout + stderr).isTrue();
        assertThat(stdout.lines().filter(l -> !l.isBlank()).count())
                .as("exactly one line (one JSON object) on stdout:\n" + stdout + "\n" + stderr)
                .isEqualTo(1);
        assertThat(stdout + stderr).doesNotContain(TOKEN);
        try (Stream<Path> left = Files.list(tmp)) {
            assertThat(left.map(p -> p.getFileName().toString()).toList())
                    .as("nothing left in the staging parent (java.io.tmpdir)")
                    .isEmpty();
        }
        return new Run(process.exitValue(), JSON.readTree(stdout), stdout, stderr, millis);
    }

    private static boolean hasRefs(Path bare) throws IOException {
        try (Repository repo =
                new FileRepositoryBuilder().setGitDir(bare.toFile()).build()) {
            return !repo.getRefDatabase().getRefs().isEmpty();
        }
    }

    static Stream<Arguments> hostile() {
        return Stream.of(
                        Kind.BOMB_DEFAULTS,
                        Kind.MANY_TINY,
                        Kind.HIGH_RATIO,
                        Kind.TOTAL,
                        Kind.LYING_EVERYWHERE,
                        Kind.LYING_CENTRAL_DIRECTORY,
                        Kind.OVERLAPPING,
                        Kind.TAR_MANY_TINY,
                        Kind.TAR_GZ_ONE_HUGE,
                        Kind.TAR_GZ_HIGH_RATIO)
                .flatMap(kind -> Seeds.seeds(1)
                        .map(seed -> Arguments.of(kind, seed, kind.ordinal() % 2 == 0 ? "git" : "directory")));
    }

    @ParameterizedTest(name = "{0} seed={1} to {2}")
    @MethodSource("hostile")
    void aHostileArchiveFailsThePullBeforeTheDestination(Kind kind, long seed, String destination) throws Exception {
        Seeds.random("WindmillLimitsIT " + kind, seed);
        Case c = HostileArchives.write(kind, seed, Files.createDirectories(dir.resolve("archives")));
        Path target = destination.equals("git")
                ? GitTesting.bareRepository(dir.resolve("backup.git"))
                : dir.resolve("mirror");
        try (WindmillEmulator windmill =
                WindmillEmulator.start(TOKEN).archiveFile("ws", c.file()).zipSupported(kind.zip())) {
            List<String> sets = new ArrayList<>(List.of("windmill.base-url=" + windmill.baseUrl()));
            c.settings().forEach((k, v) -> sets.add(k + "=" + v));
            Run run = cli(List.of(), destination, target, sets.toArray(String[]::new));
            assertThat(run.exit()).as(c + "\n" + run.stdout() + run.stderr()).isEqualTo(1);
            assertThat(run.json().get("status").asText()).isEqualTo("FAILED");
            assertThat(run.json().get("message").asText())
                    .as(c.toString())
                    .contains("reached")
                    .contains("raise " + c.limitKey())
                    .doesNotContain("OutOfMemoryError");
            assertThat(run.stderr()).doesNotContain("OutOfMemoryError");
        }
        if (destination.equals("git")) {
            assertThat(hasRefs(target)).as("nothing pushed").isFalse();
        } else if (Files.exists(target)) {
            try (Stream<Path> files = Files.walk(target)) {
                assertThat(files.filter(Files::isRegularFile).toList())
                        .as("nothing written")
                        .isEmpty();
            }
        }
        // The archive is deleted by @TempDir only now, after the process has ended.
    }

    @Test
    void aClosedPortFailsWithinSecondsNamingTheHost() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Run run = cli(List.of(), "directory", dir.resolve("mirror"), "windmill.base-url=http://127.0.0.1:" + port);
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.json().get("message").asText())
                .contains("http://127.0.0.1:" + port)
                .contains("connection refused");
        // "Within seconds", with room for a loaded 2-core machine; the old behaviour was minutes.
        assertThat(run.json().get("durationMs").asLong()).isLessThan(30_000);
        assertThat(run.stderr()).doesNotContain("retrying");
    }

    @Test
    void anUnresolvableHostFailsWithinSecondsNamingIt() throws Exception {
        Path hosts = Files.writeString(dir.resolve("no-hosts"), "");
        Run run = cli(
                List.of("-Djdk.net.hosts.file=" + hosts),
                "directory",
                dir.resolve("mirror"),
                "windmill.base-url=http://windmill-down.example:8000");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.json().get("message").asText())
                .contains("http://windmill-down.example:8000")
                .contains("cannot be resolved");
        // "Within seconds", with room for a loaded 2-core machine; the old behaviour was minutes.
        assertThat(run.json().get("durationMs").asLong()).isLessThan(30_000);
        assertThat(run.stderr()).doesNotContain("retrying");
    }

    @Test
    void twoServiceUnavailableAnswersAreRetriedVisibly() throws Exception {
        try (WindmillEmulator windmill = WindmillEmulator.start(TOKEN).workspace("ws", Fixtures.fullWorkspace())) {
            windmill.failNext(2, 503);
            Path mirror = dir.resolve("mirror");
            Run run = cli(List.of(), "directory", mirror, "windmill.base-url=" + windmill.baseUrl());
            assertThat(run.exit()).as(run.stdout() + run.stderr()).isZero();
            assertThat(run.json().get("status").asText()).isEqualTo("SYNCED");
            assertThat(run.stderr())
                    .contains("Windmill at " + windmill.baseUrl() + ": retrying (2/10)")
                    .contains("retrying (3/10)")
                    .contains("HTTP 503");
            assertThat(mirror.resolve("f/team/hello.py")).exists();
        }
    }

    @Test
    void aServerThatAlwaysAnswers503IsGivenUpAtTheDeadline() throws Exception {
        try (WindmillEmulator windmill = WindmillEmulator.start(TOKEN).workspace("ws", Fixtures.fullWorkspace())) {
            windmill.failNext(Integer.MAX_VALUE, 503);
            Run run = cli(
                    List.of(),
                    "directory",
                    dir.resolve("mirror"),
                    "windmill.base-url=" + windmill.baseUrl(),
                    "windmill.deadline=10s");
            assertThat(run.exit()).isEqualTo(1);
            assertThat(run.json().get("message").asText())
                    .contains("Windmill at " + windmill.baseUrl())
                    .contains("gave up")
                    .contains("windmill.deadline")
                    .contains("HTTP 503");
            assertThat(run.json().get("durationMs").asLong()).isBetween(9_000L, 60_000L);
            assertThat(run.stderr()).contains("retrying (2/10)");
            assertThat(Map.of("mirror", Files.exists(dir.resolve("mirror/f")))).containsEntry("mirror", false);
        }
    }
}
