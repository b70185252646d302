package dev.workspacesync.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.workspacesync.databricks.testing.WorkspaceEmulator;
import dev.workspacesync.git.testing.GitHttpServer;
import dev.workspacesync.git.testing.GitTesting;
import dev.workspacesync.windmill.testing.Fixtures;
import dev.workspacesync.windmill.testing.WindmillEmulator;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Logs and start-up errors of the packaged CLI, each in its own process: {@code serve} (webhook and
 * scheduled syncs) and {@code run} with text and JSON logs on standard error, and {@code serve} refusing
 * addresses it cannot use.
 */
class LoggingIT {
    private static final String WINDMILL_TOKEN = "wm-logging-token-5d8e2a";
    private static final String WEBHOOK_SECRET = "hook-secret-logging-77b1c9";
    private static final String DATABRICKS_TOKEN = "dapi-logging-token-3f9a0c";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The text format: ISO-8601 time with offset, then the level. */
    private static final Pattern TEXT_LINE = Pattern.compile(
            "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d) (TRACE|DEBUG|INFO|WARN|ERROR) +\\S+ - .*");

    @TempDir
    Path dir;

    private final List<AutoCloseable> cleanup = new ArrayList<>();
    private int runs;

    @BeforeAll
    static void isolate() {
        GitTesting.isolateJGit();
    }

    @AfterAll
    static void restore() {
        GitTesting.restoreJGit();
    }

    /** Child processes die first (they write below the temporary directory), then the servers. */
    @AfterEach
    void stop() throws Exception {
        for (int i = cleanup.size() - 1; i >= 0; i--) {
            cleanup.get(i).close();
        }
    }

    private <T extends AutoCloseable> T closing(T resource) {
        cleanup.add(resource);
        return resource;
    }

    /** A Windmill workspace and an empty git remote, with the environment serve reads them from. */
    private Map<String, String> backupEnvironment() throws Exception {
        WindmillEmulator windmill =
                closing(WindmillEmulator.start(WINDMILL_TOKEN).workspace("admins", Fixtures.fullWorkspace()));
        GitHttpServer git = closing(new GitHttpServer(dir.resolve("server")));
        git.createRepository("backup");
        Map<String, String> env = new HashMap<>();
        env.put("HOME", dir.resolve("home").toString());
        env.put("XDG_CACHE_HOME", dir.resolve("cache").toString());
        env.put("GIT_CONFIG_NOSYSTEM", "1");
        env.put("WINDMILL_BASE_URL", windmill.baseUrl());
        env.put("WINDMILL_TOKEN", WINDMILL_TOKEN);
        env.put("WINDMILL_WORKSPACE", "admins");
        env.put("GIT_REMOTE_URL", git.url("backup"));
        env.put("GIT_TOKEN", GitHttpServer.PASSWORD);
        env.put("GIT_USER_NAME", "Backup Bot");
        env.put("GIT_USER_EMAIL", "backup@example.invalid");
        env.put("WORKSPACE_SYNC_GIT_USERNAME", GitHttpServer.USER);
        env.put("WORKSPACE_SYNC_GIT_WORK_DIR", dir.resolve("clone").toString());
        return env;
    }

    private ServeProcess serve(Map<String, String> env, String... args) throws Exception {
        // The level the service picks for itself (INFO), not the launcher's.
        Map<String, String> withDefaultLevel = new HashMap<>(env);
        withDefaultLevel.put("WORKSPACE_SYNC_LOG_LEVEL", "");
        return closing(ServeProcess.start(dir.resolve("serve-" + runs++), withDefaultLevel, args));
    }

    // ---- serve

    @Test
    void jsonLogsOfWebhookAndScheduledSyncsParseAndHoldNoSecret() throws Exception {
        Map<String, String> env = backupEnvironment();
        env.put("SYNC_WEBHOOK_SECRET", WEBHOOK_SECRET);
        env.put("SYNC_SCHEDULE", "* * * * *"); // every minute: the first tick comes within 60 s
        ServeProcess serve = serve(env, "--log-format", "json");
        assertThat(serve.out()).contains("webhook secret required; schedule '* * * * *'");

        HttpResponse<String> answer = serve.post("{}", "Authorization", "Bearer " + WEBHOOK_SECRET);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        // One sync on a request thread, one on the scheduler's: each has its start and end line.
        ServeProcess.await("a scheduled sync's end line", Duration.ofSeconds(150), () -> finishedOn(serve, "schedule"));
        assertThat(finishedOn(serve, "request")).as(serve.err()).isTrue();

        serve.terminate();
        assertThat(serve.awaitExit(Duration.ofSeconds(60))).isZero();
        List<JsonNode> lines = jsonLines(serve.err());
        for (String thread : List.of("workspace-sync-request", "workspace-sync-schedule")) {
            assertThat(lines)
                    .as(thread)
                    .anySatisfy(l -> {
                        assertThat(l.path("threadName").asText()).startsWith(thread);
                        assertThat(kv(l, "event")).isEqualTo("sync-started");
                        assertThat(kv(l, "source")).contains("admins");
                        assertThat(kv(l, "destinations")).contains("/backup");
                    })
                    .anySatisfy(l -> {
                        assertThat(l.path("threadName").asText()).startsWith(thread);
                        assertThat(kv(l, "event")).isEqualTo("sync-finished");
                        assertThat(kv(l, "status")).isIn("SYNCED", "NO_CHANGES");
                        assertThat(kv(l, "durationMs")).matches("\\d+");
                        assertThat(kv(l, "added")).matches("\\d+");
                        assertThat(l.path("message").asText()).startsWith("Sync finished: ");
                    });
        }
        assertThat(lines)
                .anySatisfy(l -> assertThat(l.path("message").asText())
                        .startsWith("Listening on 127.0.0.1:" + serve.port())
                        .contains("webhook secret required; schedule '* * * * *'"));
        assertNoSecretIn(serve.out() + serve.err());
        // Jetty's start-up banner stays out of the service's log.
        assertThat(serve.err()).doesNotContain("jetty-12").doesNotContain("Started ServerConnector");
    }

    @Test
    void textLogsHaveATimestampAndLevelOnEveryLine() throws Exception {
        Map<String, String> env = backupEnvironment();
        ServeProcess serve = serve(env);
        assertThat(serve.out()).contains("no webhook secret; no schedule");
        HttpResponse<String> answer = serve.post("{}");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        serve.terminate();
        assertThat(serve.awaitExit(Duration.ofSeconds(60))).isZero();

        List<String> lines = serve.err().lines().toList();
        assertThat(lines).isNotEmpty().allSatisfy(l -> assertThat(l).matches(TEXT_LINE));
        assertThat(lines)
                .anySatisfy(l -> assertThat(l).contains(" INFO ").contains("Sync started: windmill"))
                .anySatisfy(l -> assertThat(l).contains(" INFO ").contains("Sync finished: SYNCED in "));
        assertThat(serve.err()).doesNotContain("jetty-12").doesNotContain("Started ServerConnector");
        assertNoSecretIn(serve.out() + serve.err());
    }

    @Test
    void anAddressInUseIsNamedWithTheOptionToChange() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            Cli text = cli(Map.of(), "serve", "--port", String.valueOf(port));
            assertThat(text.code()).as(text.err()).isEqualTo(WorkspaceSync.USAGE);
            assertThat(text.err())
                    .contains("cannot listen on 127.0.0.1:" + port + ": address already in use — pick another --port");

            Cli json = cli(Map.of(), "--log-format", "json", "serve", "--port", String.valueOf(port));
            assertThat(json.code()).as(json.err()).isEqualTo(WorkspaceSync.USAGE);
            assertThat(jsonLines(json.err())).anySatisfy(l -> {
                assertThat(l.path("level").asText()).isEqualTo("ERROR");
                assertThat(l.path("message").asText())
                        .startsWith("cannot listen on 127.0.0.1:" + port + ": address already in use");
            });
        }
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "--bind|nosuch.invalid|cannot listen on nosuch.invalid:8080: cannot resolve 'nosuch.invalid' (--bind)",
                "--bind|192.0.2.1|cannot listen on 192.0.2.1:0: '192.0.2.1' is not an address of this machine",
                "--bind|local host|cannot listen on 'local host': --bind takes a host name or address",
                "--bind|http://127.0.0.1|cannot listen on 'http://127.0.0.1': --bind takes a host name or address",
                "--port|70000|--port must be between 0 and 65535 (0 picks a free one), got 70000",
                "--port|-1|--port must be between 0 and 65535 (0 picks a free one), got -1",
                "WORKSPACE_SYNC_BIND|nosuch.invalid|cannot resolve 'nosuch.invalid' (WORKSPACE_SYNC_BIND)",
            })
    void badBindAndPortValuesAreNamedAndExitTwo(String option, String value, String expected) throws Exception {
        List<String> args = new ArrayList<>(List.of("serve"));
        Map<String, String> env = new HashMap<>();
        if (option.startsWith("--")) {
            args.addAll(List.of(option, value));
        } else {
            env.put(option, value);
        }
        if (value.startsWith("192.")) {
            args.addAll(List.of("--port", "0"));
        }
        Cli result = cli(env, args.toArray(String[]::new));
        assertThat(result.code()).as(result.err()).isEqualTo(WorkspaceSync.USAGE);
        assertThat(result.err()).contains(expected);
        assertThat(result.out()).doesNotContain("listening on");
    }

    @Test
    void aNonLoopbackAddressWithoutASecretIsWarnedAbout() throws Exception {
        Map<String, String> env = Map.of("HOME", dir.resolve("home").toString());
        ServeProcess open = serve(env, "--bind", "0.0.0.0");
        ServeProcess.await(
                "the warning", Duration.ofSeconds(30), () -> open.err().contains("not a loopback address"));
        assertThat(open.err())
                .contains(" WARN ")
                .contains("Listening on 0.0.0.0:" + open.port()
                        + ", which is not a loopback address, without SYNC_WEBHOOK_SECRET")
                .contains("set SYNC_WEBHOOK_SECRET, or --bind 127.0.0.1");
        open.terminate();
        open.awaitExit(Duration.ofSeconds(60));

        ServeProcess loopback = serve(env);
        ServeProcess guarded = serve(Map.of("SYNC_WEBHOOK_SECRET", WEBHOOK_SECRET), "--bind", "0.0.0.0");
        for (ServeProcess quiet : List.of(loopback, guarded)) {
            quiet.terminate();
            quiet.awaitExit(Duration.ofSeconds(60));
            assertThat(quiet.err()).doesNotContain("not a loopback address");
        }
        assertThat(guarded.out()).contains("webhook secret required; no schedule");
        assertThat(guarded.output()).doesNotContain(WEBHOOK_SECRET);
    }

    @Test
    void aScheduleWithoutATargetNamesTheEnvironmentVariables() throws Exception {
        Cli none = cli(Map.of("SYNC_SCHEDULE", "0 * * * *"), "serve", "--port", "0");
        assertThat(none.code()).as(none.err()).isEqualTo(WorkspaceSync.USAGE);
        assertThat(none.err())
                .contains("SYNC_SCHEDULE is set")
                .contains("set WINDMILL_TOKEN, GIT_REMOTE_URL")
                .doesNotContain("windmill_token")
                .doesNotContain("git_remote_url")
                .doesNotContain("fields");

        Cli half = cli(Map.of("SYNC_SCHEDULE", "0 * * * *", "WINDMILL_TOKEN", WINDMILL_TOKEN), "serve", "--port", "0");
        assertThat(half.code()).isEqualTo(WorkspaceSync.USAGE);
        assertThat(half.err()).contains("set GIT_REMOTE_URL").doesNotContain("WINDMILL_TOKEN,");
        assertNoSecretIn(half.out() + half.err());
    }

    // ---- run

    @Test
    void runWritesJsonLogsToStandardErrorAndItsReportToStandardOutput() throws Exception {
        WorkspaceEmulator emulator = closing(WorkspaceEmulator.start(DATABRICKS_TOKEN));
        Path project = Files.createDirectories(dir.resolve("project"));
        Files.writeString(project.resolve("main.py"), "print('hi')\n");
        Files.writeString(project.resolve("notes.md"), "# notes\n");
        Map<String, String> env = Map.of("DATABRICKS_TOKEN", DATABRICKS_TOKEN, "WORKSPACE_SYNC_LOG_FORMAT", "json");
        String[] args = {
            "run",
            "--source",
            "local",
            "--destination",
            "databricks",
            "--json",
            "--set",
            "local.path=" + project,
            "--set",
            "databricks.host=" + emulator.host(),
            "--set",
            "databricks.root=/Users/" + WorkspaceEmulator.USER + "/projects/logging",
            "--set",
            "databricks.state-dir=" + dir.resolve("state")
        };
        Cli first = cli(env, args);
        assertThat(first.code()).as(first.out() + first.err()).isZero();
        assertThat(JSON.readTree(first.out()).path("status").asText()).isEqualTo("SYNCED");
        List<JsonNode> lines = jsonLines(first.err());
        assertThat(lines)
                .anySatisfy(l -> assertThat(kv(l, "event")).isEqualTo("sync-started"))
                .anySatisfy(l -> {
                    assertThat(kv(l, "event")).isEqualTo("sync-finished");
                    assertThat(kv(l, "status")).isEqualTo("SYNCED");
                    assertThat(kv(l, "added")).isEqualTo("2");
                    assertThat(kv(l, "destinations")).contains("/projects/logging");
                });
        assertThat(first.err()).doesNotContain(DATABRICKS_TOKEN).doesNotContain("host metadata");

        // The root-level option, and text at the default level: the summary on stdout, no sync lines.
        Map<String, String> textEnv = Map.of("DATABRICKS_TOKEN", DATABRICKS_TOKEN);
        List<String> textArgs = new ArrayList<>(List.of(args));
        textArgs.remove("--json");
        Cli text = cli(textEnv, textArgs.toArray(String[]::new));
        assertThat(text.code()).as(text.err()).isZero();
        assertThat(text.out()).contains("NO_CHANGES");
        assertThat(text.err()).doesNotContain("Sync started").doesNotContain("host metadata");

        List<String> rootJson = new ArrayList<>(List.of("--log-format", "json"));
        rootJson.addAll(textArgs);
        Cli json = cli(textEnv, rootJson.toArray(String[]::new));
        assertThat(json.code()).as(json.err()).isZero();
        // No progress lines among the JSON ones: every line parses.
        assertThat(jsonLines(json.err()))
                .anySatisfy(l -> assertThat(kv(l, "status")).isEqualTo("NO_CHANGES"));
        assertThat(json.out()).contains("NO_CHANGES");
        assertThat(json.out() + json.err()).doesNotContain(DATABRICKS_TOKEN);

        // At debug the SDK's own host-metadata lines show (so the quiet runs above hid real lines), and every
        // library's debug output (HTTP requests and answers among it) still holds no token.
        Map<String, String> debugEnv =
                Map.of("DATABRICKS_TOKEN", DATABRICKS_TOKEN, "WORKSPACE_SYNC_LOG_LEVEL", "debug");
        Cli debug = cli(debugEnv, textArgs.toArray(String[]::new));
        assertThat(debug.code()).as(debug.err()).isZero();
        assertThat(debug.err())
                .containsPattern("DEBUG +DatabricksConfig - .*host metadata")
                .contains("DEBUG ApiClient")
                .doesNotContain(DATABRICKS_TOKEN);
    }

    // ---- helpers

    private static boolean finishedOn(ServeProcess serve, String thread) {
        return serve.err()
                .lines()
                .anyMatch(l -> l.contains("\"workspace-sync-" + thread) && l.contains("sync-finished"));
    }

    /** Every line parsed; fails naming the first that is not one JSON object with time, level and message. */
    private static List<JsonNode> jsonLines(String text) throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : text.lines().toList()) {
            JsonNode json;
            try {
                json = JSON.readTree(line);
            } catch (IOException e) {
                throw new AssertionError("not a JSON line: " + line + "\nin:\n" + text, e);
            }
            assertThat(json.isObject()).as(line).isTrue();
            assertThat(json.path("timestamp").isNumber()).as(line).isTrue();
            assertThat(json.path("time").asText()).as(line).matches("\\d{4}-\\d\\d-\\d\\dT.+Z");
            assertThat(json.path("level").asText()).as(line).isIn("TRACE", "DEBUG", "INFO", "WARN", "ERROR");
            assertThat(json.path("message").isTextual()).as(line).isTrue();
            lines.add(json);
        }
        assertThat(lines).as("log lines").isNotEmpty();
        return lines;
    }

    /** A key-value pair of a JSON log line ({@code kvpList} is a list of one-member objects), or "". */
    private static String kv(JsonNode line, String key) {
        for (JsonNode pair : line.path("kvpList")) {
            if (pair.has(key)) {
                return pair.get(key).asText();
            }
        }
        return "";
    }

    private static void assertNoSecretIn(String output) {
        assertThat(output)
                .doesNotContain(WINDMILL_TOKEN)
                .doesNotContain(WEBHOOK_SECRET)
                .doesNotContain(GitHttpServer.PASSWORD)
                .doesNotContain(DATABRICKS_TOKEN);
    }

    private record Cli(int code, String out, String err) {}

    /** The packaged CLI with only {@code env} (plus PATH and a HOME in the test folder), to its end. */
    private Cli cli(Map<String, String> env, String... args) throws Exception {
        Path run = Files.createDirectories(dir.resolve("cli-" + runs++));
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-jar",
                Path.of("target/workspace-sync.jar").toAbsolutePath().toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(run.toFile());
        Path out = run.resolve("out.txt");
        Path err = run.resolve("err.txt");
        builder.redirectOutput(out.toFile()).redirectError(err.toFile());
        String path = System.getenv("PATH");
        builder.environment().clear();
        builder.environment().put("PATH", path == null ? "/usr/bin:/bin" : path);
        builder.environment()
                .put("HOME", Files.createDirectories(run.resolve("home")).toString());
        builder.environment().putAll(env);
        Process process = builder.start();
        try {
            assertThat(process.waitFor(180, TimeUnit.SECONDS))
                    .as("%s ends", args.length > 0 ? args[0] : "the CLI")
                    .isTrue();
        } finally {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
        return new Cli(process.exitValue(), Files.readString(out), Files.readString(err));
    }
}
